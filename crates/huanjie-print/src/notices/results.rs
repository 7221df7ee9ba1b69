//! The results: of the residents' committee, and of the residents' affairs
//! supervisory committee.

use super::{frame, numbered_table, NoticeInfo};
use crate::{zh, Announcement, Block, CellAlign};
use chrono::NaiveDate;

/// Which body a results notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectedBody {
    /// 居民委员会: 选举结果公告.
    ResidentsCommittee,
    /// 居务监督委员会 (R-BODY-4): 居务监督委员会选举结果公告.
    SupervisoryCommittee,
}

/// The figures of the vote, as counted (R-CNT-2, R-CNT-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Turnout {
    /// 登记选民 (the registered base, R-REG-4)
    pub registered: u64,
    /// 参加投票 (voters who voted: ballots issued)
    pub voted: u64,
    /// 收回选票
    pub returned: u64,
    /// 有效票
    pub valid: u64,
    /// 无效票
    pub void: u64,
}

/// A person elected, with the votes for them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectedPerson {
    pub name: String,
    /// 男 or 女
    pub gender: String,
    pub votes: u64,
}

/// The persons elected to one position, in the order printed (usually by
/// votes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionResult {
    /// 主任, 副主任, 委员
    pub position: String,
    pub seats: u32,
    pub elected: Vec<ElectedPerson>,
}

/// 选举结果公告 / 居务监督委员会选举结果公告 (R-CERT-1: the committee
/// confirms the vote valid and announces the result).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultsNotice {
    pub info: NoticeInfo,
    pub elected_body: ElectedBody,
    /// The body as named on the notice: 某某社区第十二届居民委员会.
    pub body: String,
    pub election_day: NaiveDate,
    pub turnout: Turnout,
    pub positions: Vec<PositionResult>,
    /// May be empty.
    pub closing: String,
}

impl ResultsNotice {
    /// The notice: the election day and the figures (登记选民, 参加投票,
    /// 收回选票, 有效票, 无效票), the confirmation that the election is
    /// valid, one table per position "主任（应选1名，当选1名）": 序号 / 姓名 /
    /// 性别 / 得票数, and for a position with fewer elected than seats that
    /// the rest go to a further election (R-CNT-7). Footer: "依据 R-CNT-2、
    /// R-CNT-3、R-CNT-5、R-CERT-1" (the supervisory committee: also
    /// R-BODY-4).
    pub fn announcement(&self) -> Announcement {
        let (title, basis) = match self.elected_body {
            ElectedBody::ResidentsCommittee => {
                ("选举结果公告", "R-CNT-2、R-CNT-3、R-CNT-5、R-CERT-1")
            }
            ElectedBody::SupervisoryCommittee => (
                "居务监督委员会选举结果公告",
                "R-BODY-4、R-CNT-2、R-CNT-3、R-CNT-5、R-CERT-1",
            ),
        };
        let t = self.turnout;
        let day = zh::date(self.election_day);
        let mut blocks = vec![
            Block::Paragraph(format!(
                "{}选举于{day}进行投票，现将选举结果公告如下：",
                self.body
            )),
            Block::Heading("一、投票情况".to_owned()),
            Block::KeyValues(vec![
                ("登记选民".to_owned(), format!("{}人", t.registered)),
                ("参加投票".to_owned(), format!("{}人", t.voted)),
                ("收回选票".to_owned(), format!("{}张", t.returned)),
                ("有效票".to_owned(), format!("{}张", t.valid)),
                ("无效票".to_owned(), format!("{}张", t.void)),
            ]),
            Block::Paragraph(
                "参加投票的选民超过登记选民的半数，收回的选票不多于发出的选票，经本委员会确认，\
                 选举有效。"
                    .to_owned(),
            ),
            Block::Heading("二、当选人员".to_owned()),
            Block::Paragraph(format!(
                "获得参加投票选民过半数赞成票的下列人员当选为{}成员：",
                self.body
            )),
        ];
        let mut short = Vec::new();
        let mut total = 0;
        for p in &self.positions {
            total += p.elected.len();
            blocks.push(numbered_table(
                Some(format!(
                    "{}（应选{}名，当选{}名）",
                    p.position,
                    p.seats,
                    p.elected.len()
                )),
                &[
                    ("姓名", 600, CellAlign::Left),
                    ("性别", 300, CellAlign::Center),
                    ("得票数", 670, CellAlign::Right),
                ],
                p.elected
                    .iter()
                    .map(|e| vec![e.name.clone(), e.gender.clone(), format!("{}票", e.votes)]),
            ));
            let elected = u64::try_from(p.elected.len()).unwrap_or(u64::MAX);
            if elected < u64::from(p.seats) {
                short.push(format!(
                    "{}应选{}名，当选{}名",
                    p.position,
                    p.seats,
                    p.elected.len()
                ));
            }
        }
        if !short.is_empty() {
            blocks.push(Block::Paragraph(format!(
                "{}。未选足的名额依法另行选举，另行选举的时间和地点另行公告。",
                short.join("；")
            )));
        }
        frame(
            &self.info,
            title,
            format!("选举日期：{day}　　当选 {total} 人"),
            blocks,
            self.closing.clone(),
            basis,
        )
    }
}
