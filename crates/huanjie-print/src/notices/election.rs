//! Before the nominations: the election day, the election committee, voter
//! registration.

use super::{frame, numbered_paragraphs, numbered_table, or_default, NoticeInfo};
use crate::{zh, Announcement, Block, CellAlign};
use chrono::{Months, NaiveDate, NaiveTime};

/// A position and how many are elected to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PositionSeats {
    /// 主任, 副主任, 委员
    pub position: String,
    pub seats: u32,
}

/// 选举日公告: when the election is held, how, and how many are elected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionDayNotice {
    pub info: NoticeInfo,
    /// The body elected: 某某社区第十二届居民委员会.
    pub body: String,
    pub election_day: NaiveDate,
    pub polls_open: NaiveTime,
    pub polls_close: NaiveTime,
    /// 选举方式: 直接选举, 户代表选举, 居民代表选举 (R-REG-6).
    pub mode: String,
    /// The seats by position, in the order printed (R-BODY-1).
    pub seats: Vec<PositionSeats>,
    /// The last paragraph; empty: "请全体选民按时参加投票…".
    pub closing: String,
}

impl ElectionDayNotice {
    /// The notice: an opening paragraph, then 选举日期 (with the weekday),
    /// 投票时间, 选举方式 and 应选名额 (共N名，其中主任1名、…), then the
    /// closing; "依据 R-BODY-1" in the footer.
    pub fn announcement(&self) -> Announcement {
        let day = format!(
            "{}（{}）",
            zh::date(self.election_day),
            zh::weekday(self.election_day)
        );
        let blocks = vec![
            Block::Paragraph(format!(
                "根据《中华人民共和国城市居民委员会组织法》和有关规定，经本委员会研究决定，\
                 {}选举定于{day}举行。现将有关事项公告如下：",
                self.body
            )),
            Block::KeyValues(vec![
                ("选举日期".to_owned(), day.clone()),
                (
                    "投票时间".to_owned(),
                    format!(
                        "{}至{}",
                        zh::time(self.polls_open),
                        zh::time(self.polls_close)
                    ),
                ),
                ("选举方式".to_owned(), self.mode.clone()),
                ("应选名额".to_owned(), seats_text(&self.seats)),
            ]),
        ];
        frame(
            &self.info,
            "选举日公告",
            format!("选举日期：{}", zh::date(self.election_day)),
            blocks,
            or_default(
                &self.closing,
                "请全体选民按时参加投票，依法行使自己的民主权利。",
            ),
            "R-BODY-1",
        )
    }
}

/// 共5名，其中主任1名、副主任1名、委员3名
pub(crate) fn seats_text(seats: &[PositionSeats]) -> String {
    let total: u64 = seats.iter().map(|s| u64::from(s.seats)).sum();
    let each: Vec<String> = seats
        .iter()
        .map(|s| format!("{}{}名", s.position, s.seats))
        .collect();
    format!("共{total}名，其中{}", each.join("、"))
}

/// A role on the election committee (R-BODY-5): the core's, printed by
/// its `zh()` and ordered 主任, 副主任, 委员.
pub use huanjie_core::nomination::committee::CommitteeRole;

/// A member of the election committee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitteeMember {
    pub name: String,
    pub role: CommitteeRole,
    /// 备注 (工作单位、职务); may be empty.
    pub note: String,
}

/// 选举委员会组成人员公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElectionCommitteeNotice {
    pub info: NoticeInfo,
    /// How the committee was formed, as a clause: "经社区居民代表会议推选"
    /// (may be empty).
    pub formed_by: String,
    /// In any order: printed 主任, then 副主任, then 委员, each in the
    /// order given (sort the 委员 with [`super::sort_by_strokes`] first if
    /// wanted).
    pub members: Vec<CommitteeMember>,
}

impl ElectionCommitteeNotice {
    /// The notice: one paragraph (…由N人组成), a table 序号 / 职务 / 姓名 /
    /// 备注, and the rule that a member who becomes a formal candidate
    /// leaves the committee; "依据 R-BODY-5".
    pub fn announcement(&self) -> Announcement {
        let mut members: Vec<&CommitteeMember> = self.members.iter().collect();
        members.sort_by_key(|m| m.role);
        let n = members.len();
        let formed = if self.formed_by.is_empty() {
            String::new()
        } else {
            format!("{}，", self.formed_by)
        };
        let blocks = vec![
            Block::Paragraph(format!(
                "根据有关规定，{formed}{}由{n}人组成。现将组成人员名单公告如下：",
                self.info.committee_name
            )),
            numbered_table(
                None,
                &[
                    ("职务", 300, CellAlign::Center),
                    ("姓名", 450, CellAlign::Left),
                    ("备注", 820, CellAlign::Left),
                ],
                members
                    .iter()
                    .map(|m| vec![m.role.zh().to_owned(), m.name.clone(), m.note.clone()]),
            ),
            Block::Paragraph(
                "选举委员会主持本次选举工作。选举委员会成员被确定为正式候选人的，应当退出\
                 选举委员会，所缺名额依照原推选结果依次递补。选举委员会的职责至新一届居民\
                 委员会产生后十日终止。"
                    .to_owned(),
            ),
        ];
        frame(
            &self.info,
            "选举委员会组成人员公告",
            format!("组成人员共 {n} 人"),
            blocks,
            String::new(),
            "R-BODY-5",
        )
    }
}

/// A place where voters register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationPlace {
    /// 社区服务中心一楼大厅
    pub place: String,
    /// Whom it serves: 第一、二居民小组 (may be empty).
    pub serves: String,
}

/// 选民登记公告.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VoterRegistrationNotice {
    pub info: NoticeInfo,
    pub election_day: NaiveDate,
    pub registration_from: NaiveDate,
    pub registration_to: NaiveDate,
    /// The daily hours, as the committee words them ("每日8:30至17:00");
    /// may be empty.
    pub hours: String,
    pub places: Vec<RegistrationPlace>,
    /// Who registers (R-REG-2), one category a line as the profile words
    /// it, e.g. "户籍在本社区并在本社区居住的居民" or "户籍不在本社区、在本
    /// 社区居住一年以上，本人申请参加选举并经选举委员会同意的居民".
    pub categories: Vec<String>,
    /// When the voter list will be posted (at least 20 days before the
    /// election, R-REG-5), if decided.
    pub list_publication: Option<NaiveDate>,
    /// The last paragraph; may be empty.
    pub closing: String,
}

impl VoterRegistrationNotice {
    /// The notice: the election day; 一、登记时间 (with the age cut-off:
    /// born on or before the election day 18 years earlier, R-REG-1);
    /// 二、登记地点 (a table); 三、登记对象 (the categories, numbered
    /// （一）（二）…); 四、注意事项 (register once only, R-REG-3; when the
    /// list is posted, R-REG-5); "依据 R-REG-1、R-REG-2、R-REG-3、R-REG-5".
    pub fn announcement(&self) -> Announcement {
        let mut period = format!(
            "{}至{}",
            zh::date(self.registration_from),
            zh::date(self.registration_to)
        );
        if !self.hours.is_empty() {
            period.push('，');
            period.push_str(&self.hours);
        }
        // 18 years before the election day; 29 February falls back to the
        // 28th, still the last birthday that is 18 by the election day.
        let adult = match self.election_day.checked_sub_months(Months::new(18 * 12)) {
            Some(cutoff) => format!("年满十八周岁（即{}及以前出生）", zh::date(cutoff)),
            None => "年满十八周岁".to_owned(),
        };
        let mut blocks = vec![
            Block::Paragraph(format!(
                "{}定于{}举行。根据有关规定，现将选民登记有关事项公告如下：",
                self.info.election_title,
                zh::date(self.election_day)
            )),
            Block::Heading("一、登记时间".to_owned()),
            Block::KeyValues(vec![
                ("登记日期".to_owned(), period),
                (
                    "年龄计算截止日期".to_owned(),
                    format!("{}（选举日）", zh::date(self.election_day)),
                ),
            ]),
            Block::Heading("二、登记地点".to_owned()),
            numbered_table(
                None,
                &[
                    ("登记地点", 900, CellAlign::Left),
                    ("负责范围", 670, CellAlign::Left),
                ],
                self.places
                    .iter()
                    .map(|p| vec![p.place.clone(), p.serves.clone()]),
            ),
            Block::Heading("三、登记对象".to_owned()),
            Block::Paragraph(format!(
                "凡{adult}、未被剥夺政治权利的下列人员，应当进行选民登记："
            )),
        ];
        blocks.extend(numbered_paragraphs(&self.categories, true));
        blocks.push(Block::Heading("四、注意事项".to_owned()));
        let mut notes = vec![
            "每一选民只能在一个地方进行登记，不得重复登记。做到不错登、不漏登、不重登。".to_owned(),
            "依法被剥夺政治权利的人员不予登记。".to_owned(),
        ];
        if let Some(date) = self.list_publication {
            notes.push(format!(
                "选民名单将于{}张榜公布。对名单有不同意见的，可以向选举委员会提出。",
                zh::date(date)
            ));
        }
        blocks.extend(numbered_paragraphs(&notes, true));
        frame(
            &self.info,
            "选民登记公告",
            format!("选举日期：{}", zh::date(self.election_day)),
            blocks,
            self.closing.clone(),
            "R-REG-1、R-REG-2、R-REG-3、R-REG-5",
        )
    }
}
