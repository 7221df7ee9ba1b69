//! The proxy notice (委托投票公告) and the writing-assistant notice
//! (代写人公告): who votes for whom, and who fills in a ballot for a voter
//! who cannot write, posted so that anyone can object.

use crate::fonts::FontSet;
use crate::{
    zh, Announcement, AnnouncementTable, Block, CellAlign, Fingerprint, PrintError, TableColumn,
};
use chrono::NaiveDate;
use huanjie_collation::StrokeCollator;

/// What the proxy notice shows.
#[derive(Debug, Clone)]
pub struct ProxyNotice {
    pub election_title: String,
    pub committee_name: String,
    pub publication_date: NaiveDate,
    /// The voter list's fingerprint, printed in the footer if given.
    pub fingerprint: Option<Fingerprint>,
    /// Text after the table (the rule, how to object); may be empty.
    pub closing_text: String,
    pub proxies: Vec<ProxyEntry>,
}

/// One approved proxy: the voter who entrusts (委托人) and the voter
/// entrusted (受委托人).
#[derive(Debug, Clone)]
pub struct ProxyEntry {
    pub grantor: String,
    pub grantor_group: String,
    pub proxy: String,
    pub proxy_group: String,
    pub approved_on: NaiveDate,
}

/// 序号 / 委托人 / 居民小组 / 受委托人 / 居民小组 / 批准日期, widths in
/// tenths of a millimetre.
const PROXY_COLUMNS: [(&str, u32, CellAlign); 6] = [
    ("序号", 130, CellAlign::Center),
    ("委托人", 320, CellAlign::Left),
    ("居民小组", 330, CellAlign::Left),
    ("受委托人", 320, CellAlign::Left),
    ("居民小组", 330, CellAlign::Left),
    ("批准日期", 270, CellAlign::Center),
];

/// The proxy notice as a PDF: title 委托投票公告, the election title, a
/// table 序号 / 委托人 / 居民小组 / 受委托人 / 居民小组 / 批准日期 ordered
/// by the grantor's name in stroke order (ties by approval date, then
/// input order), the closing text and the signature block; "第 x 页 共 y
/// 页" (and the fingerprint, if given) on every page.
pub fn proxy_notice(fonts: &FontSet, notice: &ProxyNotice) -> Result<Vec<u8>, PrintError> {
    for text in [
        &notice.election_title,
        &notice.committee_name,
        &notice.closing_text,
    ] {
        zh::check(fonts, text, || {
            (
                format!("the notice text “{text}”"),
                format!("公告文字“{text}”"),
            )
        })?;
    }
    for p in &notice.proxies {
        let who = (
            format!(
                "the proxy of {} ({}) to {} ({})",
                p.grantor, p.grantor_group, p.proxy, p.proxy_group
            ),
            format!(
                "{}（{}）委托{}（{}）投票的登记",
                p.grantor, p.grantor_group, p.proxy, p.proxy_group
            ),
        );
        for text in [&p.grantor, &p.grantor_group, &p.proxy, &p.proxy_group] {
            zh::check(fonts, text, || who.clone())?;
        }
    }
    let collator = StrokeCollator::new()?;
    let mut entries: Vec<&ProxyEntry> = notice.proxies.iter().collect();
    collator.sort_by_keys(&mut entries, |p| (p.grantor.as_str(), p.approved_on));

    let rows = entries.iter().enumerate().map(|(i, p)| {
        [
            (i + 1).to_string(),
            p.grantor.clone(),
            p.grantor_group.clone(),
            p.proxy.clone(),
            p.proxy_group.clone(),
            zh::date(p.approved_on),
        ]
    });
    simple_notice(
        fonts,
        SimpleNotice {
            title: "委托投票公告",
            election_title: &notice.election_title,
            committee_name: &notice.committee_name,
            publication_date: notice.publication_date,
            fingerprint: notice.fingerprint.as_ref(),
            closing_text: &notice.closing_text,
            summary: format!("经选举委员会批准的委托投票共 {} 项", entries.len()),
            columns: &PROXY_COLUMNS,
        },
        rows,
    )
}

/// What the writing-assistant notice shows.
#[derive(Debug, Clone)]
pub struct WritingAssistantNotice {
    pub election_title: String,
    pub committee_name: String,
    pub publication_date: NaiveDate,
    pub fingerprint: Option<Fingerprint>,
    pub closing_text: String,
    pub entries: Vec<WritingAssistantEntry>,
}

/// A voter who cannot write and the person registered to write the ballot
/// for them (代写人).
#[derive(Debug, Clone)]
pub struct WritingAssistantEntry {
    pub voter: String,
    pub voter_group: String,
    pub assistant: String,
    pub registered_on: NaiveDate,
}

const ASSISTANT_COLUMNS: [(&str, u32, CellAlign); 5] = [
    ("序号", 130, CellAlign::Center),
    ("选民", 400, CellAlign::Left),
    ("居民小组", 400, CellAlign::Left),
    ("代写人", 400, CellAlign::Left),
    ("登记日期", 370, CellAlign::Center),
];

/// The writing-assistant notice (代写人公告) as a PDF: 序号 / 选民 / 居民小组
/// / 代写人 / 登记日期, by the voter's name in stroke order (ties by
/// registration date, then input order), laid out like [`proxy_notice`].
pub fn writing_assistant_notice(
    fonts: &FontSet,
    notice: &WritingAssistantNotice,
) -> Result<Vec<u8>, PrintError> {
    for text in [
        &notice.election_title,
        &notice.committee_name,
        &notice.closing_text,
    ] {
        zh::check(fonts, text, || {
            (
                format!("the notice text “{text}”"),
                format!("公告文字“{text}”"),
            )
        })?;
    }
    for e in &notice.entries {
        let who = (
            format!(
                "the writing assistant {} of voter {} ({})",
                e.assistant, e.voter, e.voter_group
            ),
            format!(
                "选民{}（{}）的代写人{}",
                e.voter, e.voter_group, e.assistant
            ),
        );
        for text in [&e.voter, &e.voter_group, &e.assistant] {
            zh::check(fonts, text, || who.clone())?;
        }
    }
    let collator = StrokeCollator::new()?;
    let mut entries: Vec<&WritingAssistantEntry> = notice.entries.iter().collect();
    collator.sort_by_keys(&mut entries, |e| (e.voter.as_str(), e.registered_on));
    let rows = entries.iter().enumerate().map(|(i, e)| {
        [
            (i + 1).to_string(),
            e.voter.clone(),
            e.voter_group.clone(),
            e.assistant.clone(),
            zh::date(e.registered_on),
        ]
    });
    simple_notice(
        fonts,
        SimpleNotice {
            title: "代写人公告",
            election_title: &notice.election_title,
            committee_name: &notice.committee_name,
            publication_date: notice.publication_date,
            fingerprint: notice.fingerprint.as_ref(),
            closing_text: &notice.closing_text,
            summary: format!("登记代写的选民共 {} 人", entries.len()),
            columns: &ASSISTANT_COLUMNS,
        },
        rows,
    )
}

/// A notice that is one table: title, election title, a summary line, the
/// table, the closing text and the signature block.
struct SimpleNotice<'a> {
    title: &'static str,
    election_title: &'a str,
    committee_name: &'a str,
    publication_date: NaiveDate,
    fingerprint: Option<&'a Fingerprint>,
    closing_text: &'a str,
    summary: String,
    columns: &'a [(&'static str, u32, CellAlign)],
}

fn simple_notice<const N: usize>(
    fonts: &FontSet,
    notice: SimpleNotice<'_>,
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Vec<u8>, PrintError> {
    let announcement = Announcement {
        title: notice.title.to_owned(),
        number: None,
        election_title: notice.election_title.to_owned(),
        committee_name: notice.committee_name.to_owned(),
        issue_date: notice.publication_date,
        summary: notice.summary,
        blocks: vec![Block::Table(AnnouncementTable {
            caption: None,
            columns: notice
                .columns
                .iter()
                .map(|(title, width, align)| TableColumn::new(title, *width, *align))
                .collect(),
            rows: rows.map(Vec::from).collect(),
        })],
        closing: notice.closing_text.to_owned(),
        footer: notice
            .fingerprint
            .map(|fp| format!("名单指纹（SHA-256）：{}", zh::fingerprint_groups(fp)))
            .into_iter()
            .collect(),
    };
    announcement.to_pdf(fonts)
}
