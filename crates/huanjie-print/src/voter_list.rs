//! The voter-list notice (选民名单公告): the list posted before the
//! election so residents can check who may vote and object in time.

use crate::fonts::FontSet;
use crate::layout::{mm10, Align, Column, Doc, Table, TEXT_WIDTH};
use crate::order::{sections, Entry};
use crate::style::{closing, masthead, BODY, CAPTION, FOOTER, HEADER, ROW};
use crate::{zh, Fingerprint, PrintError};
use chrono::NaiveDate;
use huanjie_collation::StrokeCollator;

/// What the voter-list notice shows.
#[derive(Debug, Clone)]
pub struct VoterListNotice {
    /// 某某社区第十二届居民委员会选举
    pub election_title: String,
    /// 某某社区居民委员会换届选举委员会 (signs the notice)
    pub committee_name: String,
    pub election_day: NaiveDate,
    pub publication_date: NaiveDate,
    /// The list's fingerprint (名单指纹), printed on every page.
    pub fingerprint: Fingerprint,
    /// How to object, as the committee words it (对名单有不同意见的，请于…
    /// 前向选举委员会提出); a line break starts a new paragraph.
    pub objection_text: String,
    /// The residents' groups in the order the notice lists them (every
    /// voter's group must be here; a listed group without voters still
    /// appears in the totals). Empty: groups in order of first appearance.
    pub groups_in_order: Vec<String>,
    pub voters: Vec<ListedVoter>,
}

/// One voter as the notice shows them. No resident ID: the notice is
/// public.
#[derive(Debug, Clone)]
pub struct ListedVoter {
    pub name: String,
    /// 男 or 女
    pub gender_zh: String,
    /// Printed as 出生年月 (1980年3月).
    pub birth: NaiveDate,
    /// 居民小组
    pub group: String,
    /// 户号
    pub household: String,
    /// 备注: 户代表, 放弃 …; may be empty.
    pub note: String,
}

impl Entry for ListedVoter {
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

const COLUMNS: [Column<'static>; 6] = [
    Column {
        title: "序号",
        width: mm10(150),
        align: Align::Center,
    },
    Column {
        title: "姓名",
        width: mm10(380),
        align: Align::Left,
    },
    Column {
        title: "性别",
        width: mm10(150),
        align: Align::Center,
    },
    Column {
        title: "出生年月",
        width: mm10(300),
        align: Align::Center,
    },
    Column {
        title: "户号",
        width: mm10(350),
        align: Align::Center,
    },
    Column {
        title: "备注",
        width: TEXT_WIDTH - mm10(150 + 380 + 150 + 300 + 350),
        align: Align::Left,
    },
];

const TOTAL_COLUMNS: [Column<'static>; 2] = [
    Column {
        title: "居民小组",
        width: mm10(1000),
        align: Align::Left,
    },
    Column {
        title: "选民人数",
        width: mm10(400),
        align: Align::Right,
    },
];

/// The voter-list notice as a PDF (A4 portrait).
///
/// Page 1 starts with the title 选民名单公告 and the election title; then
/// one section per residents' group ("第一居民小组（共N人）"), each a table
/// 序号 / 姓名 / 性别 / 出生年月 / 户号 / 备注 in surname-stroke order (ties
/// by household, then input order), 序号 running through the whole list;
/// tables run across pages with the caption and column header repeated.
/// The end: voters per group and in total, the objection text, and the
/// committee's name and the publication date. Every page's footer has
/// "名单指纹（SHA-256）" with the fingerprint and "第 x 页 共 y 页".
///
/// Refused before anything is laid out: a character no font has
/// ([`PrintError::MissingGlyph`], naming the voter and field), a voter in
/// a group not in `groups_in_order`.
pub fn voter_list_notice(fonts: &FontSet, notice: &VoterListNotice) -> Result<Vec<u8>, PrintError> {
    check_text(fonts, notice)?;
    let collator = StrokeCollator::new()?;
    let sections = sections(&collator, &notice.groups_in_order, &notice.voters)?;

    let mut doc = Doc::new(
        fonts,
        &format!("选民名单公告 {}", notice.election_title),
        Some(format!("选民名单公告　{}", notice.election_title)),
    );
    masthead(
        &mut doc,
        "选民名单公告",
        None,
        &notice.election_title,
        &format!(
            "选举日期：{}　　公布日期：{}　　选民共 {} 人",
            zh::date(notice.election_day),
            zh::date(notice.publication_date),
            notice.voters.len()
        ),
    )?;

    let mut serial = 0usize;
    for section in sections.iter().filter(|s| !s.items.is_empty()) {
        let count = section.items.len();
        let table = Table {
            columns: &COLUMNS,
            caption: Some(format!("{}（共{}人）", section.group, count)),
            caption_continued: Some(format!("{}（共{}人，续）", section.group, count)),
            caption_style: CAPTION,
            header_style: HEADER,
            body_style: BODY,
            row_height: ROW,
        };
        let rows = section.items.iter().map(|v| {
            serial += 1;
            [
                serial.to_string(),
                v.name.clone(),
                v.gender_zh.clone(),
                zh::year_month(v.birth),
                v.household.clone(),
                v.note.clone(),
            ]
        });
        doc.table(&table, rows)?;
        doc.gap(mm10(60));
    }

    // Totals.
    let totals = Table {
        columns: &TOTAL_COLUMNS,
        caption: Some("选民人数统计".to_owned()),
        caption_continued: Some("选民人数统计（续）".to_owned()),
        caption_style: CAPTION,
        header_style: HEADER,
        body_style: BODY,
        row_height: ROW,
    };
    let mut rows: Vec<[String; 2]> = sections
        .iter()
        .map(|s| [s.group.to_owned(), format!("{}人", s.items.len())])
        .collect();
    rows.push(["合计".to_owned(), format!("{}人", notice.voters.len())]);
    // Kept on one page unless it is longer than a page.
    doc.ensure_space(totals.height(rows.len()));
    doc.table(&totals, rows)?;
    doc.gap(mm10(80));

    closing(
        &mut doc,
        &notice.objection_text,
        &notice.committee_name,
        notice.publication_date,
    )?;

    let fingerprint = format!(
        "名单指纹（SHA-256）：{}",
        zh::fingerprint_groups(&notice.fingerprint)
    );
    doc.finish(|page, pages| {
        vec![
            (fingerprint.clone(), FOOTER),
            (zh::page_of(page, pages), FOOTER),
        ]
    })
}

/// Every text of the notice must be printable; the error names the voter
/// and the field.
fn check_text(fonts: &FontSet, notice: &VoterListNotice) -> Result<(), PrintError> {
    let texts = [
        ("the election title", "选举名称", &notice.election_title),
        (
            "the committee name",
            "选举委员会名称",
            &notice.committee_name,
        ),
        ("the objection text", "异议说明", &notice.objection_text),
    ];
    for (what, what_zh, text) in texts {
        zh::check(fonts, text, || (what.to_owned(), what_zh.to_owned()))?;
    }
    for group in &notice.groups_in_order {
        zh::check(fonts, group, || {
            (
                format!("the residents' group name {group}"),
                format!("居民小组名称“{group}”"),
            )
        })?;
    }
    for v in &notice.voters {
        let fields = [
            ("name", "姓名", &v.name),
            ("gender", "性别", &v.gender_zh),
            ("residents' group", "居民小组", &v.group),
            ("household", "户号", &v.household),
            ("note", "备注", &v.note),
        ];
        for (field, field_zh, text) in fields {
            zh::check(fonts, text, || {
                (
                    format!("the {field} of {}", v.who()),
                    format!("{}的{field_zh}", v.who_zh()),
                )
            })?;
        }
    }
    Ok(())
}
