//! The voter list as a spreadsheet, for the committee's own work (checking
//! objections, preparing the polling stations). Unlike the posted notice it
//! carries the full resident ID, so it is for the committee only.

use crate::order::{sections, Entry};
use crate::{zh, Fingerprint, PrintError};
use chrono::NaiveDate;
use huanjie_collation::StrokeCollator;
use huanjie_core::ResidentId;
use rust_xlsxwriter::{Format, Workbook, Worksheet};

/// What the export holds.
#[derive(Debug, Clone)]
pub struct VoterListExport {
    pub election_title: String,
    pub election_day: NaiveDate,
    pub publication_date: NaiveDate,
    pub fingerprint: Fingerprint,
    /// As in [`crate::VoterListNotice::groups_in_order`], so the order and
    /// the 序号 match the notice.
    pub groups_in_order: Vec<String>,
    pub voters: Vec<ExportedVoter>,
}

/// One voter with everything the committee keeps.
#[derive(Debug, Clone)]
pub struct ExportedVoter {
    pub name: String,
    pub gender_zh: String,
    /// The birth date (出生日期) is taken from the ID.
    pub resident_id: ResidentId,
    pub group: String,
    pub household: String,
    pub address: String,
    pub note: String,
}

impl Entry for ExportedVoter {
    fn name(&self) -> &str {
        &self.name
    }
    fn group(&self) -> &str {
        &self.group
    }
    fn household(&self) -> &str {
        &self.household
    }
    fn who(&self) -> String {
        format!(
            "voter {} ({}, household {})",
            self.name, self.group, self.household
        )
    }
    fn who_zh(&self) -> String {
        format!(
            "选民{}（{}，户号{}）",
            self.name, self.group, self.household
        )
    }
}

/// The sheet names and columns.
const LIST_SHEET: &str = "选民名单";
const ABOUT_SHEET: &str = "说明";
const HEADERS: [(&str, f64); 9] = [
    ("序号", 7.0),
    ("居民小组", 16.0),
    ("户号", 12.0),
    ("姓名", 12.0),
    ("性别", 6.0),
    ("公民身份号码", 22.0),
    ("出生日期", 12.0),
    ("住址", 36.0),
    ("备注", 14.0),
];

/// The voter list as an `.xlsx`: sheet 选民名单 (序号, 居民小组, 户号, 姓名,
/// 性别, 公民身份号码, 出生日期, 住址, 备注) in the notice's order — groups
/// as listed, names by surname strokes, ties by household — and sheet 说明
/// with the election, its dates, the voter count and the fingerprint.
/// Every cell but 序号 is text (an ID must never become a number, and a
/// date is written 1980-03-15), and the ID column is formatted as text so
/// an edit keeps it so.
pub fn voter_list_xlsx(export: &VoterListExport) -> Result<Vec<u8>, PrintError> {
    let collator = StrokeCollator::new()?;
    let sections = sections(&collator, &export.groups_in_order, &export.voters)?;

    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    let mut list = Worksheet::new();
    list.set_name(LIST_SHEET)?;
    for (col, (title, width)) in (0u16..).zip(HEADERS) {
        list.write_string_with_format(0, col, title, &bold)?;
        list.set_column_width(col, width)?;
    }
    list.set_column_format(5, &text)?;
    list.set_freeze_panes(1, 0)?;
    let mut row = 0u32;
    for section in &sections {
        for v in &section.items {
            row += 1;
            list.write_number(row, 0, row)?;
            list.write_string(row, 1, &v.group)?;
            list.write_string(row, 2, &v.household)?;
            list.write_string(row, 3, &v.name)?;
            list.write_string(row, 4, &v.gender_zh)?;
            list.write_string_with_format(row, 5, v.resident_id.as_str(), &text)?;
            list.write_string(
                row,
                6,
                v.resident_id.birth_date().format("%Y-%m-%d").to_string(),
            )?;
            list.write_string(row, 7, &v.address)?;
            list.write_string(row, 8, &v.note)?;
        }
    }

    let mut about = Worksheet::new();
    about.set_name(ABOUT_SHEET)?;
    about.set_column_width(0, 20.0)?;
    about.set_column_width(1, 80.0)?;
    let lines = [
        ("选举", export.election_title.clone()),
        ("选举日期", zh::date(export.election_day)),
        ("公布日期", zh::date(export.publication_date)),
        ("选民人数", export.voters.len().to_string()),
        ("名单指纹（SHA-256）", export.fingerprint.to_string()),
        (
            "注意",
            "本表含公民身份号码，仅供选举委员会工作使用，不得张贴或外传；张贴用选民名单公告。"
                .to_owned(),
        ),
    ];
    for (r, (label, value)) in (0u32..).zip(lines) {
        about.write_string_with_format(r, 0, label, &bold)?;
        about.write_string(r, 1, value)?;
    }

    let mut workbook = Workbook::new();
    workbook.push_worksheet(list);
    workbook.push_worksheet(about);
    Ok(workbook.save_to_buffer()?)
}
