//! The proxy notice (委托投票公告) and the writing-assistant notice
//! (代写人公告): who votes for whom, and who fills in a ballot for a voter
//! who cannot write, posted so that anyone can object.

use crate::fonts::FontSet;
use crate::layout::{mm10, Align, Column, Doc, Table, TEXT_WIDTH};
use crate::voter_list::{closing, BODY, CAPTION, FOOTER, HEADER, INFO, ROW, SUBTITLE, TITLE};
use crate::{zh, Fingerprint, PrintError};
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

const PROXY_COLUMNS: [Column; 6] = [
    Column {
        title: "序号",
        width: mm10(130),
        align: Align::Center,
    },
    Column {
        title: "委托人",
        width: mm10(320),
        align: Align::Left,
    },
    Column {
        title: "居民小组",
        width: mm10(330),
        align: Align::Left,
    },
    Column {
        title: "受委托人",
        width: mm10(320),
        align: Align::Left,
    },
    Column {
        title: "居民小组",
        width: mm10(330),
        align: Align::Left,
    },
    Column {
        title: "批准日期",
        width: TEXT_WIDTH - mm10(130 + 320 + 330 + 320 + 330),
        align: Align::Center,
    },
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
        zh::check(fonts, text, || format!("the notice text “{text}”"))?;
    }
    for p in &notice.proxies {
        let who = format!(
            "the proxy of {} ({}) to {} ({})",
            p.grantor, p.grantor_group, p.proxy, p.proxy_group
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

const ASSISTANT_COLUMNS: [Column; 5] = [
    Column {
        title: "序号",
        width: mm10(130),
        align: Align::Center,
    },
    Column {
        title: "选民",
        width: mm10(400),
        align: Align::Left,
    },
    Column {
        title: "居民小组",
        width: mm10(400),
        align: Align::Left,
    },
    Column {
        title: "代写人",
        width: mm10(400),
        align: Align::Left,
    },
    Column {
        title: "登记日期",
        width: TEXT_WIDTH - mm10(130 + 400 + 400 + 400),
        align: Align::Center,
    },
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
        zh::check(fonts, text, || format!("the notice text “{text}”"))?;
    }
    for e in &notice.entries {
        let who = format!(
            "the writing assistant {} of voter {} ({})",
            e.assistant, e.voter, e.voter_group
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
    columns: &'a [Column],
}

fn simple_notice<const N: usize>(
    fonts: &FontSet,
    notice: SimpleNotice<'_>,
    rows: impl Iterator<Item = [String; N]>,
) -> Result<Vec<u8>, PrintError> {
    let mut doc = Doc::new(
        fonts,
        &format!("{} {}", notice.title, notice.election_title),
        Some(format!("{}　{}", notice.title, notice.election_title)),
    );
    doc.centered(notice.title, TITLE, mm10(40))?;
    doc.centered(notice.election_title, SUBTITLE, mm10(30))?;
    doc.centered(
        &format!(
            "公布日期：{}　　{}",
            zh::date(notice.publication_date),
            notice.summary
        ),
        INFO,
        mm10(60),
    )?;
    let table = Table {
        columns: notice.columns,
        caption: None,
        caption_continued: None,
        caption_style: CAPTION,
        header_style: HEADER,
        body_style: BODY,
        row_height: ROW,
    };
    doc.table(&table, rows)?;
    doc.gap(mm10(100));
    closing(
        &mut doc,
        notice.closing_text,
        notice.committee_name,
        notice.publication_date,
    )?;
    let fingerprint = notice
        .fingerprint
        .map(|fp| format!("名单指纹（SHA-256）：{}", zh::fingerprint_groups(fp)));
    doc.finish(|page, pages| {
        let mut lines = Vec::new();
        if let Some(fp) = &fingerprint {
            lines.push((fp.clone(), FOOTER));
        }
        lines.push((zh::page_of(page, pages), FOOTER));
        lines
    })
}
