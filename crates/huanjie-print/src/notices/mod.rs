//! The statutory notices (公告) of an election, each built as an
//! [`Announcement`] from a plain input struct: names, groups and positions
//! as strings, dates as [`NaiveDate`]. Nothing here reads a store: the
//! caller maps its records onto these structs, calls `announcement()`, and
//! prints with [`Announcement::to_pdf`].
//!
//! Each notice cites the rules it follows in a footer line ("依据
//! R-NOM-5"), so a resident who asks "why" can be pointed at the rule.
//!
//! | input | notice |
//! |---|---|
//! | [`ElectionDayNotice`] | 选举日公告 |
//! | [`ElectionCommitteeNotice`] | 选举委员会组成人员公告 |
//! | [`VoterRegistrationNotice`] | 选民登记公告 |
//! | [`NominationNotice`] | 提名公告 |
//! | [`InitialCandidatesNotice`] | 初步候选人公告 |
//! | [`FormalCandidatesNotice`] | 正式候选人公告 |
//! | [`PollingNotice`] | 投票站公告 |
//! | [`CountingStaffNotice`] | 监票人、唱票人、计票人名单公告 |
//! | [`MobileBoxVotersNotice`] | 流动票箱投票选民名单公告 |
//! | [`InvalidBallotRulesNotice`] | 无效票认定规则公告 |
//! | [`ResultsNotice`] | 选举结果公告, 居务监督委员会选举结果公告 |
//! | [`ElectionReport`] | 关于…选举情况的报告 (to the township, R-CERT-1) |
//!
//! The certificates of election (当选证书, R-CERT-2) are not notices but
//! one page per person: [`ElectionCertificate`] and [`certificates_pdf`].

mod candidates;
mod certificate;
mod election;
mod polling;
mod report;
mod results;

pub use candidates::{
    Candidate, CandidatePosition, FormalCandidatesNotice, InitialCandidatesNotice,
    NominationNotice, NominationPosition, Nominee,
};
pub use certificate::{certificates_pdf, ElectionCertificate};
pub use election::{
    CommitteeMember, CommitteeRole, ElectionCommitteeNotice, ElectionDayNotice, PositionSeats,
    RegistrationPlace, VoterRegistrationNotice,
};
pub use polling::{
    standard_invalid_ballot_rules, CountingRole, CountingStaff, CountingStaffNotice,
    InvalidBallotRulesNotice, MobileBox, MobileBoxVoter, MobileBoxVoters, MobileBoxVotersNotice,
    PollingNotice, PollingStation,
};
pub use report::ElectionReport;
pub use results::{ElectedBody, ElectedPerson, PositionResult, ResultsNotice, Turnout, VoteBasis};

use crate::{zh, Announcement, AnnouncementTable, Block, CellAlign, PrintError, TableColumn};
use chrono::NaiveDate;
use huanjie_collation::StrokeCollator;

/// What every notice has: who issues it, when, and for which election.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeInfo {
    /// 某某社区第十二届居民委员会选举
    pub election_title: String,
    /// 某某社区居民委员会换届选举委员会: signs the notice.
    pub committee_name: String,
    /// The date of issue (公布日期).
    pub issue_date: NaiveDate,
    /// The committee's number for the notice ("第3号"), if it numbers
    /// them.
    pub number: Option<String>,
}

/// Sorts `items` by the surname strokes of `name(item)` (按姓氏笔画,
/// R-NOM-5), as the voter list is ordered; equal names keep their order.
/// For the candidate lists, whose order is the caller's.
pub fn sort_by_strokes<T>(items: &mut [T], name: impl Fn(&T) -> &str) -> Result<(), PrintError> {
    let collator = StrokeCollator::new()?;
    collator.sort_by_key(items, name);
    Ok(())
}

/// The announcement with the frame every notice shares.
fn frame(
    info: &NoticeInfo,
    title: &str,
    summary: String,
    blocks: Vec<Block>,
    closing: String,
    basis: &str,
) -> Announcement {
    Announcement {
        title: title.to_owned(),
        number: info.number.clone(),
        election_title: info.election_title.clone(),
        committee_name: info.committee_name.clone(),
        issue_date: info.issue_date,
        summary,
        blocks,
        closing,
        footer: vec![format!("依据 {basis}")],
    }
}

/// A table whose first column is 序号 (1, 2, …), then `columns` (title,
/// share of the width in tenths of a millimetre, alignment).
fn numbered_table(
    caption: Option<String>,
    columns: &[(&str, u32, CellAlign)],
    rows: impl IntoIterator<Item = Vec<String>>,
) -> Block {
    let mut all = vec![TableColumn::new("序号", 130, CellAlign::Center)];
    all.extend(
        columns
            .iter()
            .map(|(title, width, align)| TableColumn::new(title, *width, *align)),
    );
    let rows = rows
        .into_iter()
        .enumerate()
        .map(|(i, cells)| {
            let mut row = Vec::with_capacity(cells.len() + 1);
            row.push((i + 1).to_string());
            row.extend(cells);
            row
        })
        .collect();
    Block::Table(AnnouncementTable {
        caption,
        columns: all,
        rows,
    })
}

/// Numbered paragraphs: （一）…, （二）… when `bracketed`, else 一、…
fn numbered_paragraphs(items: &[String], bracketed: bool) -> Vec<Block> {
    items
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let n = zh::number(i + 1);
            Block::Paragraph(if bracketed {
                format!("（{n}）{text}")
            } else {
                format!("{n}、{text}")
            })
        })
        .collect()
}

/// 1980年3月, or empty.
fn birth(d: Option<NaiveDate>) -> String {
    d.map(zh::year_month).unwrap_or_default()
}

/// `text` if not empty, else `default`.
fn or_default(text: &str, default: &str) -> String {
    if text.is_empty() {
        default.to_owned()
    } else {
        text.to_owned()
    }
}
