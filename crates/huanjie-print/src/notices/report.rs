//! 选举情况报告: the election committee's written report to the township
//! (R-CERT-1: within 3 days of the vote).

use super::{frame, numbered_paragraphs, numbered_table, NoticeInfo, PositionResult, Turnout};
use crate::{zh, Announcement, AnnouncementTable, Block, CellAlign, TableColumn};
use chrono::NaiveDate;

/// 关于某某社区第十二届居民委员会选举情况的报告 (R-CERT-1), addressed to
/// the township (街道办事处 or 乡镇人民政府).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionReport {
    /// Who reports (the committee, signing) and when; the number, if the
    /// committee numbers its documents.
    pub info: NoticeInfo,
    /// The addressee: 某某街道办事处.
    pub township: String,
    /// The body elected, as named: 某某社区第十二届居民委员会.
    pub body: String,
    pub election_day: NaiveDate,
    /// The figures of the vote (R-CNT-2, R-CNT-3).
    pub turnout: Turnout,
    /// Who voted, and by which numbers (the words of the report).
    pub basis: super::VoteBasis,
    /// Whether the committee confirmed the election valid (R-CERT-1).
    pub valid: bool,
    /// Why it is void, when it is not valid ("收回的选票多于发出的选票",
    /// R-CNT-2; "参加投票的选民未超过登记选民的半数", R-CNT-3); printed
    /// only then.
    pub void_reasons: Vec<String>,
    /// The persons elected per position, printed only for a valid
    /// election.
    pub positions: Vec<PositionResult>,
    /// Sentences about the seats left unfilled and their further election
    /// (R-CNT-7): when and among whom; may be empty.
    pub further_election: Vec<String>,
    /// Each polling station: (name, ballots issued, ballots returned).
    pub stations: Vec<(String, u64, u64)>,
    /// Anything the township should know: a station returning more
    /// ballots than it issued, a box opened late, a complaint; empty: "无".
    pub discrepancies: Vec<String>,
    /// The last day to deliver the report (R-CERT-1: the election day
    /// plus 3 days), printed after the election day at the top.
    pub due_date: NaiveDate,
}

impl ElectionReport {
    /// The report: the addressee "某某街道办事处：", one opening sentence,
    /// then 一、投票情况 (登记选民, 参加投票, 收回选票, 有效票, 无效票);
    /// 二、选举有效性 (confirmed valid, or void with its reasons);
    /// 三、各投票站选票情况 (序号 / 投票站 / 发出选票 / 收回选票 / 收回−发出,
    /// with a 合计 row); 四、选举结果 (a table per position "主任（应选1名，
    /// 当选1名）": 序号 / 姓名 / 性别 / 得票数; for a void election "本次选举
    /// 无效，无当选人员"); 五、另行选举 if a position is short or sentences
    /// are given (R-CNT-7); the last part 需要说明的情况 (the discrepancies,
    /// or 无); "特此报告。" over the committee's signature. The line under
    /// the title gives the election day and the due date. Footer: "依据
    /// R-CERT-1（3日内报送）".
    pub fn announcement(&self) -> Announcement {
        let t = self.turnout;
        let day = zh::date(self.election_day);
        let mut blocks = vec![
            Block::Heading(format!("{}：", self.township)),
            Block::Paragraph(format!(
                "{}选举于{day}进行投票。现将选举情况报告如下：",
                self.body
            )),
        ];
        let mut part = 0;
        let mut heading = |title: &str| {
            part += 1;
            Block::Heading(format!("{}、{title}", zh::number(part)))
        };

        blocks.push(heading("投票情况"));
        let (registered, voted) = self.basis.labels();
        blocks.push(Block::KeyValues(vec![
            (registered, format!("{}人", t.registered)),
            (voted, format!("{}人", t.voted)),
            ("收回选票".to_owned(), format!("{}张", t.returned)),
            ("有效票".to_owned(), format!("{}张", t.valid)),
            ("无效票".to_owned(), format!("{}张", t.void)),
        ]));

        blocks.push(heading("选举有效性"));
        if self.valid {
            blocks.push(Block::Paragraph(format!(
                "{}，收回的选票不多于发出的选票，经选举委员会确认，选举有效。",
                self.basis.turnout_words()
            )));
        } else if self.void_reasons.is_empty() {
            blocks.push(Block::Paragraph(
                "经选举委员会确认，本次选举无效。".to_owned(),
            ));
        } else {
            blocks.push(Block::Paragraph(
                "经选举委员会确认，本次选举无效，原因如下：".to_owned(),
            ));
            blocks.extend(numbered_paragraphs(&self.void_reasons, true));
        }

        blocks.push(heading("各投票站选票情况"));
        blocks.push(self.stations_table());

        blocks.push(heading("选举结果"));
        let mut short = Vec::new();
        if self.valid {
            let total: usize = self.positions.iter().map(|p| p.elected.len()).sum();
            blocks.push(Block::Paragraph(format!(
                "获得{}赞成票的下列人员当选为{}，共{total}人：",
                self.basis.majority_words(),
                self.basis.elected_as(&self.body),
            )));
            for p in &self.positions {
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
        } else {
            blocks.push(Block::Paragraph("本次选举无效，无当选人员。".to_owned()));
        }

        if !short.is_empty() || !self.further_election.is_empty() {
            blocks.push(heading("另行选举"));
            if !short.is_empty() {
                blocks.push(Block::Paragraph(format!(
                    "{}。未选足的名额依法另行选举。",
                    short.join("；")
                )));
            }
            blocks.extend(
                self.further_election
                    .iter()
                    .map(|s| Block::Paragraph(s.clone())),
            );
        }

        blocks.push(heading("需要说明的情况"));
        if self.discrepancies.is_empty() {
            blocks.push(Block::Paragraph("无。".to_owned()));
        } else {
            blocks.extend(numbered_paragraphs(&self.discrepancies, true));
        }

        frame(
            &self.info,
            &format!("关于{}选举情况的报告", self.body),
            format!("选举日期：{day}　　报送期限：{}", zh::date(self.due_date)),
            blocks,
            "特此报告。".to_owned(),
            "R-CERT-1（3日内报送）",
        )
    }

    /// 序号 / 投票站 / 发出选票 / 收回选票 / 收回−发出, then 合计.
    fn stations_table(&self) -> Block {
        let diff = |issued: u64, returned: u64| -> String {
            if returned >= issued {
                let d = returned - issued;
                if d == 0 {
                    "0".to_owned()
                } else {
                    format!("+{d}")
                }
            } else {
                format!("−{}", issued - returned)
            }
        };
        let mut rows: Vec<Vec<String>> = self
            .stations
            .iter()
            .enumerate()
            .map(|(i, (name, issued, returned))| {
                vec![
                    (i + 1).to_string(),
                    name.clone(),
                    issued.to_string(),
                    returned.to_string(),
                    diff(*issued, *returned),
                ]
            })
            .collect();
        let issued: u64 = self
            .stations
            .iter()
            .map(|s| s.1)
            .fold(0, u64::saturating_add);
        let returned: u64 = self
            .stations
            .iter()
            .map(|s| s.2)
            .fold(0, u64::saturating_add);
        rows.push(vec![
            String::new(),
            "合计".to_owned(),
            issued.to_string(),
            returned.to_string(),
            diff(issued, returned),
        ]);
        Block::Table(AnnouncementTable {
            caption: None,
            columns: vec![
                TableColumn::new("序号", 130, CellAlign::Center),
                TableColumn::new("投票站", 620, CellAlign::Left),
                TableColumn::new("发出选票（张）", 330, CellAlign::Right),
                TableColumn::new("收回选票（张）", 330, CellAlign::Right),
                TableColumn::new("收回−发出", 290, CellAlign::Right),
            ],
            rows,
        })
    }
}
