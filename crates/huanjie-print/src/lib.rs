//! Printed notices (公告) and the voter-list export.
//!
//! An election committee posts its lists on the wall: the voter list
//! (选民名单公告) twenty days before the election, the approved proxies
//! (委托投票公告), later the candidates and the results. This crate turns
//! plain input structs into those PDFs, and the voter list into the
//! committee's spreadsheet. It knows no database and no web: the caller
//! (the web layer) maps its records to the structs here and serves the
//! bytes.
//!
//! What every notice guarantees:
//! - **No missing glyphs.** Text is drawn through a chain of fonts
//!   ([`FontSet`]), each character from the first face that has it, so
//!   rare characters (生僻字, CJK Extension A/B) print; a character that no
//!   face has is refused with [`PrintError::MissingGlyph`] naming the person
//!   and the character, never printed as an empty box.
//! - **Fonts embedded as subsets**: only the glyphs used, so a notice is
//!   small and prints the same everywhere.
//! - **Order by surname strokes** (按姓氏笔画, [`huanjie_collation`]) within
//!   each residents' group, ties by household then input order.
//! - **No resident ID on a notice** (privacy); only the committee's
//!   spreadsheet export carries them.
//! - A footer on every page with "第 x 页 共 y 页" and, on the voter list,
//!   the list's SHA-256 fingerprint, so a page cannot be swapped unnoticed.
//!
//! Layout code shared by all notices lives in `layout` (A4 pages, text
//! through the font chain, tables with a repeated header, footers) and the
//! house style in `style` (masthead, signature block). A notice that is
//! not a long list is an [`Announcement`]: a title, a number, the election,
//! the date of issue, blocks of paragraphs, headings, "key：value" lists and
//! tables, and the signature (落款); [`Announcement::to_pdf`] prints it. The
//! statutory notices of an election (election day, committee, registration,
//! nominations, candidates, polling, counting staff, mobile-box voters,
//! void-ballot rules, results) are built as announcements from plain input
//! structs ([`ElectionDayNotice`] … [`ResultsNotice`], each with
//! `announcement()`), as are the proxy and writing-assistant notices and
//! the written report to the township ([`ElectionReport`], R-CERT-1). The
//! certificates of election (当选证书, R-CERT-2) are one page per person
//! ([`certificates_pdf`]).
//!
//! Not printed but exported: the results in the NIST SP 1500-100 v2
//! JSON form ([`nist_election_report`]).
//!
//! Errors carry an English message ([`std::fmt::Display`]) and a plain
//! Chinese one for the committee ([`PrintError::message_zh`]).

mod announcement;
mod ballot;
mod ballot_pdf;
mod ballot_template;
mod error;
mod export;
mod fonts;
mod layout;
mod nist;
mod notices;
mod order;
mod proxies;
mod style;
mod voter_list;
mod zh;

pub use announcement::{Announcement, AnnouncementTable, Block, CellAlign, TableColumn};
pub use ballot::{
    ballot_geometry, serial_qr_modules, BallotGeometry, BallotLayout, BoxMm10, Choice, Contest,
    MarkTarget, Mm10, Paper, Row, WriteInBox,
};
pub use ballot_pdf::{ballots_pdf, write_ballots, CHUNK as BALLOT_CHUNK};
pub use ballot_template::{BallotTemplate, Wording};
pub use error::PrintError;
pub use export::{voter_list_xlsx, ExportedVoter, VoterListExport};
pub use fonts::{FontError, FontSet, FONT_DIR_ENV};
pub use huanjie_core::registration::fingerprint::Fingerprint;
pub use nist::{nist_election_report, NistContest, NistInput, NistRow, NistStatus};
pub use notices::{
    certificates_pdf, sort_by_strokes, standard_invalid_ballot_rules, Candidate, CandidatePosition,
    CommitteeMember, CommitteeRole, CountingRole, CountingStaff, CountingStaffNotice, ElectedBody,
    ElectedPerson, ElectionCertificate, ElectionCommitteeNotice, ElectionDayNotice, ElectionReport,
    FormalCandidatesNotice, InitialCandidatesNotice, InvalidBallotRulesNotice, MobileBox,
    MobileBoxVoter, MobileBoxVoters, MobileBoxVotersNotice, NominationNotice, NominationPosition,
    Nominee, NoticeInfo, PollingNotice, PollingStation, PositionResult, PositionSeats,
    RegistrationPlace, ResultsNotice, Turnout, VoteBasis, VoterRegistrationNotice,
};
pub use proxies::{
    proxy_notice, writing_assistant_notice, ProxyEntry, ProxyNotice, WritingAssistantEntry,
    WritingAssistantNotice,
};
pub use voter_list::{voter_list_notice, ListedVoter, VoterListNotice};
