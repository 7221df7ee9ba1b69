//! Reading a resident roll (居民名册) and checking it for voter registration.
//!
//! Everything here is pure: bytes come in, a report goes out. No files, no
//! clock, no database; the caller reads the upload, passes the election day
//! and the profile's rules, and stores what it decides to store.
//!
//! Two steps, so a caller can show a file-level problem (an unknown header)
//! before looking at any resident:
//!
//! 1. [`read_roll`] turns the bytes into rows of trimmed cell text. It
//!    accepts CSV (UTF-8 with or without BOM, GBK/GB18030 as Excel in China
//!    saves it, UTF-16 "Unicode text"; comma- or tab-separated) and XLSX
//!    (first sheet). Problems with the file as a whole — unknown, missing or
//!    duplicated headers, unreadable bytes — are a [`RollFileError`].
//! 2. [`check_roll`] parses every cell, applies the registration rules of
//!    `huanjie_core::registration` (R-REG-1, R-REG-2) and the no-duplicates
//!    rule (R-REG-3), and returns an [`ImportReport`]: the voters, the
//!    residents who are correctly on the roll but not voters (with the rule
//!    that excludes them), and every bad cell of every bad row. A roll with
//!    any bad row is refused whole ([`ImportReport::is_accepted`]), so the
//!    committee fixes the file once with the full list in hand.
//!
//! The file format is documented for the committee in the downloadable
//! templates ([`template_csv`], [`template_xlsx`], whose second sheet
//! describes every column), and for developers here:
//!
//! | header (canonical) | English | required | content |
//! |---|---|---|---|
//! | 姓名 | name | yes | text |
//! | 性别 | gender | yes | 男/女, M/F, male/female |
//! | 公民身份号码 | resident_id | yes | 18 characters, GB 11643 check digit |
//! | 居民小组 | group | yes | text (一组, 1号楼 …) |
//! | 户号 | household | yes | text |
//! | 住址 | address | no | text |
//! | 户籍类别 | category | yes | 户籍居民, 人户分离, 外来人员, 派驻人员 (and synonyms) |
//! | 居住起始日期 | residence_since | for 外来人员 | a date |
//! | 是否被剥夺政治权利 | deprived_of_political_rights | no | yes/no, blank = no |
//! | 参选意愿 | will_participate | no | yes/no/blank |
//! | 选举委员会同意 | committee_consent | no | yes/no/blank |
//! | 户代表 | household_representative | no | yes/no, blank = no |
//! | 居民代表 | residents_representative | no | yes/no, blank = no |
//!
//! Header variants, date and yes/no spellings are listed in [`headers`] and
//! [`cells`]. [`generate_roll_csv`] writes realistic seeded rolls for tests
//! and the benchmark (`benches/roll.rs`).

pub mod cells;
mod check;
mod error;
mod format;
mod generate;
pub mod headers;
mod read;
mod report;
mod roll;
mod template;

pub use check::check_roll;
pub use error::{HeaderCell, RollFileError};
pub use format::SourceFormat;
pub use generate::{
    generate_representatives_roll_csv, generate_roll_csv, generate_roll_with_errors, Encoding,
    Flaw, GeneratedRoll, InjectedFlaw,
};
pub use read::read_roll;
pub use report::{ExclusionCount, ImportReport, ImportSummary, RosterEntry, RowError};
pub use roll::{ParsedRoll, RollCells, RollRow};
pub use template::{template_csv, template_xlsx};
