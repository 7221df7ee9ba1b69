//! Polling: stations and boxes, counting staff, the voters of the mobile
//! boxes, the rules for void ballots.

use super::{frame, numbered_paragraphs, numbered_table, or_default, NoticeInfo};
use crate::{zh, Announcement, Block, CellAlign};
use chrono::{NaiveDate, NaiveTime};

/// A polling station (投票站) or sub-station (分站).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollingStation {
    /// 中心投票站, 第一投票分站
    pub name: String,
    /// 社区服务中心一楼大厅
    pub place: String,
    /// Whom it serves: 第一、二居民小组 (may be empty).
    pub serves: String,
}

/// A mobile ballot box (流动票箱, R-POLL-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileBox {
    /// 流动票箱一
    pub name: String,
    /// Whom or where it serves: 第三居民小组行动不便的选民.
    pub serves: String,
    /// When it goes round ("9:00至11:30"); may be empty.
    pub hours: String,
}

/// 投票站公告: polling time, stations, mobile boxes, the count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollingNotice {
    pub info: NoticeInfo,
    pub election_day: NaiveDate,
    pub polls_open: NaiveTime,
    pub polls_close: NaiveTime,
    pub stations: Vec<PollingStation>,
    /// Empty: the notice says there are none.
    pub mobile_boxes: Vec<MobileBox>,
    /// Where the boxes are opened and counted in public (R-CNT-1).
    pub count_venue: String,
    /// The last paragraph; empty: "请选民按时到所属投票站参加投票。".
    pub closing: String,
}

impl PollingNotice {
    /// The notice: 一、投票时间; 二、投票站 (序号 / 投票站 / 地点 / 服务范围);
    /// 三、流动票箱 (序号 / 票箱 / 服务对象 / 时间, or "不设流动票箱");
    /// 四、计票地点 (sealed boxes, counted in public the same day,
    /// R-CNT-1); "依据 R-POLL-1、R-CNT-1".
    pub fn announcement(&self) -> Announcement {
        let day = format!(
            "{}（{}）",
            zh::date(self.election_day),
            zh::weekday(self.election_day)
        );
        let mut blocks = vec![
            Block::Paragraph(format!(
                "{}定于{day}举行。现将投票时间、投票站、流动票箱和计票地点公告如下：",
                self.info.election_title
            )),
            Block::Heading("一、投票时间".to_owned()),
            Block::Paragraph(format!(
                "{day}{}至{}。",
                zh::time(self.polls_open),
                zh::time(self.polls_close)
            )),
            Block::Heading("二、投票站".to_owned()),
            numbered_table(
                None,
                &[
                    ("投票站", 350, CellAlign::Left),
                    ("地点", 700, CellAlign::Left),
                    ("服务范围", 520, CellAlign::Left),
                ],
                self.stations
                    .iter()
                    .map(|s| vec![s.name.clone(), s.place.clone(), s.serves.clone()]),
            ),
            Block::Heading("三、流动票箱".to_owned()),
        ];
        if self.mobile_boxes.is_empty() {
            blocks.push(Block::Paragraph("本次选举不设流动票箱。".to_owned()));
        } else {
            blocks.push(numbered_table(
                None,
                &[
                    ("票箱", 300, CellAlign::Left),
                    ("服务对象", 870, CellAlign::Left),
                    ("时间", 400, CellAlign::Center),
                ],
                self.mobile_boxes
                    .iter()
                    .map(|b| vec![b.name.clone(), b.serves.clone(), b.hours.clone()]),
            ));
            blocks.push(Block::Paragraph(
                "每个流动票箱由三名以上监票人随箱监督，使用流动票箱投票的选民名单另行公告。"
                    .to_owned(),
            ));
        }
        blocks.push(Block::Heading("四、计票地点".to_owned()));
        blocks.push(Block::Paragraph(format!(
            "投票结束后，各票箱当场密封，集中到{}，当众开箱，公开唱票、计票，当场公布选举结果。",
            self.count_venue
        )));
        frame(
            &self.info,
            "投票站公告",
            format!("选举日期：{}", zh::date(self.election_day)),
            blocks,
            or_default(&self.closing, "请选民按时到所属投票站参加投票。"),
            "R-POLL-1、R-CNT-1",
        )
    }
}

/// A role in the count (R-POLL-2): the core's staff role, printed by its
/// `zh()` and ordered 监票人, 唱票人, 计票人.
pub use huanjie_core::nomination::staff::StaffRole as CountingRole;

/// One person of the counting staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountingStaff {
    pub name: String,
    pub role: CountingRole,
    /// Where they serve: 中心投票站, 流动票箱一 (may be empty).
    pub post: String,
}

/// 监票人、唱票人、计票人名单公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountingStaffNotice {
    pub info: NoticeInfo,
    /// Who approved them, as a clause: "经居民代表会议通过" (R-POLL-2).
    pub approved_by: String,
    /// In any order: printed by role (监票人, 唱票人, 计票人), each in the
    /// order given.
    pub staff: Vec<CountingStaff>,
    /// Whether the profile also bars the candidates' close relatives
    /// (ZJ-2020, SH-2020), not only the candidates.
    pub relatives_barred: bool,
    /// May be empty.
    pub closing: String,
}

impl CountingStaffNotice {
    /// The notice: an opening paragraph, one table per role "监票人（共N人）":
    /// 序号 / 姓名 / 工作岗位, who cannot serve (R-POLL-2); "依据 R-POLL-1、
    /// R-POLL-2".
    pub fn announcement(&self) -> Announcement {
        let approved = if self.approved_by.is_empty() {
            String::new()
        } else {
            format!("{}，", self.approved_by)
        };
        let mut blocks = vec![Block::Paragraph(format!(
            "根据有关规定，{approved}确定本次选举的监票人、唱票人、计票人名单如下："
        ))];
        for role in [
            CountingRole::Scrutineer,
            CountingRole::Caller,
            CountingRole::Counter,
        ] {
            let people: Vec<&CountingStaff> =
                self.staff.iter().filter(|s| s.role == role).collect();
            if people.is_empty() {
                continue;
            }
            blocks.push(numbered_table(
                Some(format!("{}（共{}人）", role.zh(), people.len())),
                &[
                    ("姓名", 600, CellAlign::Left),
                    ("工作岗位", 970, CellAlign::Left),
                ],
                people.iter().map(|s| vec![s.name.clone(), s.post.clone()]),
            ));
        }
        let barred = if self.relatives_barred {
            "候选人及其配偶、近亲属"
        } else {
            "候选人"
        };
        blocks.push(Block::Paragraph(format!(
            "{barred}不得担任监票人、唱票人、计票人。每个投票站和流动票箱的监票人不少于三人。"
        )));
        frame(
            &self.info,
            "监票人、唱票人、计票人名单公告",
            format!("共 {} 人", self.staff.len()),
            blocks,
            self.closing.clone(),
            "R-POLL-1、R-POLL-2",
        )
    }
}

/// A voter who votes at a mobile box.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileBoxVoter {
    pub name: String,
    /// 居民小组
    pub group: String,
    /// Why (年老体弱, 行动不便, 卧病在床); may be empty.
    pub reason: String,
}

/// The voters of one mobile box, in the order printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileBoxVoters {
    /// 流动票箱一
    pub box_name: String,
    pub voters: Vec<MobileBoxVoter>,
}

/// 流动票箱投票选民名单公告 (R-POLL-1: the voters who use a mobile box
/// are approved and published).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MobileBoxVotersNotice {
    pub info: NoticeInfo,
    pub boxes: Vec<MobileBoxVoters>,
    /// May be empty.
    pub closing: String,
}

impl MobileBoxVotersNotice {
    /// The notice: an opening paragraph, one table per box "流动票箱一（共N人）":
    /// 序号 / 姓名 / 居民小组 / 原因; "依据 R-POLL-1".
    pub fn announcement(&self) -> Announcement {
        let mut blocks = vec![Block::Paragraph(
            "经本委员会审核同意，下列选民因年老体弱、行动不便等原因，使用流动票箱投票。\
             现将名单公告如下："
                .to_owned(),
        )];
        let mut total = 0;
        for b in &self.boxes {
            total += b.voters.len();
            blocks.push(numbered_table(
                Some(format!("{}（共{}人）", b.box_name, b.voters.len())),
                &[
                    ("姓名", 450, CellAlign::Left),
                    ("居民小组", 450, CellAlign::Left),
                    ("原因", 670, CellAlign::Left),
                ],
                b.voters
                    .iter()
                    .map(|v| vec![v.name.clone(), v.group.clone(), v.reason.clone()]),
            ));
        }
        frame(
            &self.info,
            "流动票箱投票选民名单公告",
            format!("使用流动票箱投票的选民共 {total} 人"),
            blocks,
            self.closing.clone(),
            "R-POLL-1",
        )
    }
}

/// 无效票认定规则公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidBallotRulesNotice {
    pub info: NoticeInfo,
    /// The rules, one a paragraph, numbered 一、二、… on the notice
    /// ([`standard_invalid_ballot_rules`] words those of R-CNT-4).
    pub rules: Vec<String>,
    /// The last paragraph; empty: disputes are decided on the spot by the
    /// committee.
    pub closing: String,
}

impl InvalidBallotRulesNotice {
    /// The notice: an opening paragraph and the numbered rules; "依据
    /// R-CNT-2、R-CNT-4".
    pub fn announcement(&self) -> Announcement {
        let mut blocks = vec![Block::Paragraph(
            "根据有关规定，经本委员会研究，现将本次选举选票有效、无效的认定规则公告如下："
                .to_owned(),
        )];
        blocks.extend(numbered_paragraphs(&self.rules, false));
        frame(
            &self.info,
            "无效票认定规则公告",
            String::new(),
            blocks,
            or_default(
                &self.closing,
                "对选票效力有争议的，由本委员会在计票现场当众认定。",
            ),
            "R-CNT-2、R-CNT-4",
        )
    }
}

/// The rules of R-CNT-2, R-CNT-4 and R-POLL-3 worded for the notice, by the
/// profile's choices: whether a position with more marks than seats voids
/// the whole ballot (else that position only), and whether naming the same
/// person for two positions voids the ballot.
pub fn standard_invalid_ballot_rules(
    over_vote_voids_whole_ballot: bool,
    same_person_twice_voids_ballot: bool,
) -> Vec<String> {
    let mut rules = vec![
        "选民可以投赞成票，可以投反对票，可以弃权，也可以另选其他选民。".to_owned(),
        if over_vote_voids_whole_ballot {
            "任何一个职务所选人数多于该职务应选名额的，该张选票无效。".to_owned()
        } else {
            "某一职务所选人数多于该职务应选名额的，该张选票上这一职务的选择无效，其他职务的选择\
             仍然有效。"
                .to_owned()
        },
    ];
    if same_person_twice_voids_ballot {
        rules.push("同一人在同一张选票上被选为两个以上职务的，该张选票无效。".to_owned());
    }
    rules.extend([
        "选票上的符号、文字无法辨认的，由选举委员会认定。".to_owned(),
        "无效的选票仍计入收回的选票数和参加投票的人数。".to_owned(),
        "收回的选票数多于发出的选票数的，本次选举无效；等于或者少于发出的选票数的，选举有效。"
            .to_owned(),
    ]);
    rules
}
