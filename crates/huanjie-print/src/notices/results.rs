//! The results: of the residents' committee, and of the residents' affairs
//! supervisory committee.

use super::{frame, numbered_table, NoticeInfo};
use crate::{zh, Announcement, Block, CellAlign};
use chrono::NaiveDate;
use huanjie_core::electorate::Electorate;
use huanjie_core::profile::{CountingRules, WinBase};
use huanjie_core::Threshold;

/// Which body a results notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElectedBody {
    /// 居民委员会: 选举结果公告.
    ResidentsCommittee,
    /// 居务监督委员会 (R-BODY-4): 居务监督委员会选举结果公告.
    SupervisoryCommittee,
    /// 监事会的职工代表监事 (R-BODY-6, R-SUP-1): 职工代表监事选举结果公告.
    SupervisoryBoard,
}

/// Who voted and by which numbers, for the words of the notice and the
/// certificates: "参加投票的选民超过登记选民的半数" for the voters,
/// "出席会议的职工代表达到全体职工代表的三分之二以上" for the workers'
/// congress (R-CNT-3, R-CNT-5, R-SUP-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VoteBasis {
    pub electorate: Electorate,
    /// The share of the list who must vote (R-CNT-3, R-SUP-1).
    pub turnout: Threshold,
    /// A winner's share of `win_base` (R-CNT-5, R-SUP-1).
    pub win: Threshold,
    pub win_base: WinBase,
}

impl VoteBasis {
    /// Registered voters, more than half voting, a winner more than half
    /// of those who voted: the residents' committee's usual numbers.
    pub const VOTERS: VoteBasis = VoteBasis {
        electorate: Electorate::Voters,
        turnout: Threshold::MORE_THAN_HALF,
        win: Threshold::MORE_THAN_HALF,
        win_base: WinBase::Voted,
    };

    /// The numbers `rules` count by (a profile's, with the electorate's
    /// parameters applied).
    pub fn new(electorate: Electorate, rules: &CountingRules) -> VoteBasis {
        VoteBasis {
            electorate,
            turnout: rules.turnout,
            win: rules.win,
            win_base: rules.win_base,
        }
    }

    /// 选民, 代表, 职工代表.
    pub(crate) fn people(&self) -> &'static str {
        match self.electorate {
            Electorate::Voters => "选民",
            Electorate::Representatives => "代表",
            Electorate::WorkersCongress => "职工代表",
        }
    }

    /// The notice's two first rows: 登记选民 / 参加投票, or 应到代表 /
    /// 出席代表 for a meeting.
    pub(crate) fn labels(&self) -> (String, String) {
        match self.electorate {
            Electorate::Voters => ("登记选民".into(), "参加投票".into()),
            _ => (
                format!("应到{}", self.people()),
                format!("出席{}", self.people()),
            ),
        }
    }

    /// Who must vote, the comparison and the share of whom: ("参加投票的
    /// 选民", "超过", "登记选民的半数", "") or ("出席会议的职工代表", "达到",
    /// "全体职工代表的三分之二", "以上") (民法典 art. 1259: 超过 excludes
    /// the number, 以上 includes it).
    fn turnout_parts(&self) -> (String, &'static str, String, &'static str) {
        let (who, whole) = match self.electorate {
            Electorate::Voters => ("参加投票的选民".to_owned(), "登记选民".to_owned()),
            _ => (
                format!("出席会议的{}", self.people()),
                format!("全体{}", self.people()),
            ),
        };
        let words = huanjie_core::threshold::zh(self.turnout);
        match (words.strip_prefix("超过"), words.strip_suffix("以上")) {
            (Some(share), _) => (who, "超过", format!("{whole}的{share}"), ""),
            (None, Some(share)) => (who, "达到", format!("{whole}的{share}"), "以上"),
            // 过半数: strictly more than half.
            (None, None) => (who, "超过", format!("{whole}的半数"), ""),
        }
    }

    /// "参加投票的选民超过登记选民的半数", "出席会议的职工代表达到全体职工
    /// 代表的三分之二以上".
    pub fn turnout_words(&self) -> String {
        let (who, verb, share, at_least) = self.turnout_parts();
        format!("{who}{verb}{share}{at_least}")
    }

    /// Why a round without its quorum is void: "参加投票的选民未超过登记
    /// 选民的半数", "出席会议的职工代表未达到全体职工代表的三分之二".
    pub fn quorum_failed_words(&self) -> String {
        let (who, verb, share, _) = self.turnout_parts();
        format!("{who}未{verb}{share}")
    }

    /// "下列人员当选为{body}成员" for a committee; the employee
    /// supervisors are elected as themselves ("当选为…职工代表监事").
    pub(crate) fn elected_as(&self, body: &str) -> String {
        match self.electorate {
            Electorate::WorkersCongress => body.to_owned(),
            _ => format!("{body}成员"),
        }
    }

    /// "参加投票选民过半数", "全体职工代表过半数": whose votes a winner
    /// needs, and how many.
    pub fn majority_words(&self) -> String {
        let whose = match self.win_base {
            WinBase::Registered => format!("全体{}", self.people()),
            WinBase::Voted | WinBase::Cast => format!("参加投票{}", self.people()),
        };
        format!("{whose}{}", huanjie_core::threshold::zh(self.win))
    }
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
    /// Who voted, and by which numbers (the words of the notice).
    pub basis: VoteBasis,
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
            ElectedBody::SupervisoryBoard => (
                "职工代表监事选举结果公告",
                "R-BODY-6、R-SUP-1、R-CNT-2、R-CERT-1",
            ),
        };
        let (registered, voted) = self.basis.labels();
        let t = self.turnout;
        let day = zh::date(self.election_day);
        let mut blocks = vec![
            Block::Paragraph(format!(
                "{}选举于{day}进行投票，现将选举结果公告如下：",
                self.body
            )),
            Block::Heading("一、投票情况".to_owned()),
            Block::KeyValues(vec![
                (registered, format!("{}人", t.registered)),
                (voted, format!("{}人", t.voted)),
                ("收回选票".to_owned(), format!("{}张", t.returned)),
                ("有效票".to_owned(), format!("{}张", t.valid)),
                ("无效票".to_owned(), format!("{}张", t.void)),
            ]),
            Block::Paragraph(format!(
                "{}，收回的选票不多于发出的选票，经本委员会确认，选举有效。",
                self.basis.turnout_words()
            )),
            Block::Heading("二、当选人员".to_owned()),
            Block::Paragraph(format!(
                "获得{}赞成票的下列人员当选为{}：",
                self.basis.majority_words(),
                self.basis.elected_as(&self.body),
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
