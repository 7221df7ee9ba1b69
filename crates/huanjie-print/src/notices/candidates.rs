//! Nomination: the nominees, the initial candidates, the formal
//! candidates.

use super::{birth, frame, numbered_table, NoticeInfo};
use crate::{zh, Announcement, Block, CellAlign};
use chrono::NaiveDate;

/// A person nominated for a position (R-NOM-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nominee {
    pub name: String,
    /// 男 or 女
    pub gender: String,
    /// Printed as 出生年月; `None`: left blank.
    pub birth: Option<NaiveDate>,
    /// 提名方式, as R-NOM-1 names it: 选民十人以上联名提名, 户代表五人以上联名
    /// 提名, 居民小组提名, 社区党组织推荐, 自荐, …
    pub kind: String,
    /// 备注 (政治面貌、文化程度、现任职务); may be empty.
    pub note: String,
}

/// The nominees for one position, in the order printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationPosition {
    /// 主任, 副主任, 委员
    pub position: String,
    pub seats: u32,
    pub nominees: Vec<Nominee>,
}

/// 提名公告: who was nominated for what, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NominationNotice {
    pub info: NoticeInfo,
    /// The body elected: 第十二届居民委员会.
    pub body: String,
    pub positions: Vec<NominationPosition>,
    /// How and by when to object; may be empty.
    pub closing: String,
}

impl NominationNotice {
    /// The notice: an opening paragraph, then per position a table
    /// "主任（应选1名，被提名3人）": 序号 / 姓名 / 性别 / 出生年月 / 提名方式
    /// / 备注; the rule of R-NOM-2; "依据 R-NOM-1、R-NOM-2".
    pub fn announcement(&self) -> Announcement {
        let mut blocks = vec![Block::Paragraph(format!(
            "根据有关规定，{}成员候选人由选民依法提名。现将提名情况公告如下：",
            self.body
        ))];
        let mut total = 0;
        for p in &self.positions {
            total += p.nominees.len();
            blocks.push(numbered_table(
                Some(format!(
                    "{}（应选{}名，被提名{}人）",
                    p.position,
                    p.seats,
                    p.nominees.len()
                )),
                &[
                    ("姓名", 300, CellAlign::Left),
                    ("性别", 120, CellAlign::Center),
                    ("出生年月", 250, CellAlign::Center),
                    ("提名方式", 500, CellAlign::Left),
                    ("备注", 400, CellAlign::Left),
                ],
                p.nominees.iter().map(|n| {
                    vec![
                        n.name.clone(),
                        n.gender.clone(),
                        birth(n.birth),
                        n.kind.clone(),
                        n.note.clone(),
                    ]
                }),
            ));
        }
        blocks.push(Block::Paragraph(
            "每一选民只能参加一次提名，所提人数不得多于应选名额；同一人被提名为两个以上职务的，\
             该提名无效。"
                .to_owned(),
        ));
        frame(
            &self.info,
            "提名公告",
            format!("被提名人共 {total} 人次"),
            blocks,
            self.closing.clone(),
            "R-NOM-1、R-NOM-2",
        )
    }
}

/// A candidate (initial or formal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub name: String,
    /// 男 or 女
    pub gender: String,
    /// Printed as 出生年月; `None`: left blank.
    pub birth: Option<NaiveDate>,
    /// 备注 (政治面貌、文化程度、现任职务); may be empty.
    pub note: String,
}

/// The candidates for one position, in the order printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CandidatePosition {
    /// 主任, 副主任, 委员
    pub position: String,
    pub seats: u32,
    /// In the order printed: by surname strokes for the formal list
    /// (R-NOM-5, [`super::sort_by_strokes`]).
    pub candidates: Vec<Candidate>,
}

/// 初步候选人公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitialCandidatesNotice {
    pub info: NoticeInfo,
    /// The body elected: 第十二届居民委员会.
    pub body: String,
    pub positions: Vec<CandidatePosition>,
    /// When more initial candidates than the formal list allows are put to
    /// a preliminary vote (预选, R-NOM-3), if one is held.
    pub preliminary_vote: Option<NaiveDate>,
    /// May be empty.
    pub closing: String,
}

impl InitialCandidatesNotice {
    /// The notice: an opening paragraph, per position a table "主任（应选1名，
    /// 初步候选人3名）": 序号 / 姓名 / 性别 / 出生年月 / 备注; the date of
    /// the preliminary vote, if any; "依据 R-NOM-1、R-NOM-3".
    pub fn announcement(&self) -> Announcement {
        let mut blocks = vec![Block::Paragraph(format!(
            "根据选民提名情况，经本委员会审查，现将{}成员初步候选人名单公告如下：",
            self.body
        ))];
        let total = candidate_tables(&mut blocks, &self.positions, "初步候选人");
        if let Some(date) = self.preliminary_vote {
            blocks.push(Block::Paragraph(format!(
                "初步候选人人数多于正式候选人人数的，本委员会将于{}组织预选，按得票多少确定\
                 正式候选人。",
                zh::date(date)
            )));
        }
        frame(
            &self.info,
            "初步候选人公告",
            format!("初步候选人共 {total} 名"),
            blocks,
            self.closing.clone(),
            "R-NOM-1、R-NOM-3",
        )
    }
}

/// 正式候选人公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormalCandidatesNotice {
    pub info: NoticeInfo,
    /// The body elected: 第十二届居民委员会.
    pub body: String,
    pub election_day: NaiveDate,
    /// The last day a withdrawal is accepted (R-NOM-6: the profile's days
    /// before election day).
    pub last_withdrawal_day: NaiveDate,
    /// Each position's candidates already in surname-stroke order
    /// (R-NOM-5): the notice says so.
    pub positions: Vec<CandidatePosition>,
    /// May be empty.
    pub closing: String,
}

impl FormalCandidatesNotice {
    /// The notice: an opening paragraph (以姓氏笔画为序), per position a
    /// table "主任（应选1名，正式候选人2名）": 序号 / 姓名 / 性别 / 出生年月 /
    /// 备注; the election day and the last day to withdraw (R-NOM-6); "依据 R-NOM-4、R-NOM-5、R-NOM-6".
    pub fn announcement(&self) -> Announcement {
        let mut blocks = vec![Block::Paragraph(format!(
            "根据有关规定，经选民提名、本委员会审查，确定{}成员正式候选人如下（以姓氏笔画为序）：",
            self.body
        ))];
        let total = candidate_tables(&mut blocks, &self.positions, "正式候选人");
        let day = zh::date(self.election_day);
        let withdraw = format!(
            "正式候选人要求退出的，应当最迟于{}向本委员会书面提出，",
            zh::date(self.last_withdrawal_day)
        );
        blocks.push(Block::Paragraph(format!(
            "本次选举实行差额选举，选举日为{day}。{withdraw}所缺名额按预选得票多少依次递补。"
        )));
        frame(
            &self.info,
            "正式候选人公告",
            format!("选举日期：{day}　　正式候选人共 {total} 名"),
            blocks,
            self.closing.clone(),
            "R-NOM-4、R-NOM-5、R-NOM-6",
        )
    }
}

/// One table per position; returns the number of candidates.
fn candidate_tables(
    blocks: &mut Vec<Block>,
    positions: &[CandidatePosition],
    label: &str,
) -> usize {
    let mut total = 0;
    for p in positions {
        total += p.candidates.len();
        blocks.push(numbered_table(
            Some(format!(
                "{}（应选{}名，{label}{}名）",
                p.position,
                p.seats,
                p.candidates.len()
            )),
            &[
                ("姓名", 350, CellAlign::Left),
                ("性别", 150, CellAlign::Center),
                ("出生年月", 300, CellAlign::Center),
                ("备注", 770, CellAlign::Left),
            ],
            p.candidates.iter().map(|c| {
                vec![
                    c.name.clone(),
                    c.gender.clone(),
                    birth(c.birth),
                    c.note.clone(),
                ]
            }),
        ));
    }
    total
}
