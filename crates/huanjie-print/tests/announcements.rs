#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The statutory notices (issue 4) rendered and read back with poppler:
//! each is drawn as PNG (pdftoppm) and its text extracted (pdftotext), the
//! names and dates the committee gave must be on the page.

mod common;

use chrono::NaiveTime;
use common::*;
use huanjie_print::*;
use std::sync::OnceLock;

/// The fonts, loaded once for the whole file (fails, never skips, when
/// they are not installed).
fn font_set() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(fonts)
}

const ELECTION: &str = "某某社区第十二届居民委员会选举";
const COMMITTEE: &str = "某某社区居民委员会换届选举委员会";
const BODY: &str = "某某社区第十二届居民委员会";

fn info(number: Option<&str>) -> NoticeInfo {
    NoticeInfo {
        election_title: ELECTION.to_owned(),
        committee_name: COMMITTEE.to_owned(),
        issue_date: date(2026, 11, 1),
        number: number.map(str::to_owned),
    }
}

fn time(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Renders the announcement, checks the PNG pages and returns the text of
/// each page.
fn render(a: &Announcement) -> Vec<String> {
    let pdf = a.to_pdf(font_set()).unwrap_or_else(|e| panic!("{e}"));
    let pages = pages_text(&pdf);
    let pngs = png_pages(&pdf, 50);
    assert_eq!(pngs.len(), pages.len(), "one PNG per page");
    for png in &pngs {
        assert!(png.len() > 1000, "a PNG of {} bytes", png.len());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
    pages
}

/// Every text of `expected` is on the notice (compared without
/// whitespace: pdftotext spaces CJK text by its position), the title on
/// page 1, the signature and the date of issue at the end, the footer's
/// rule and page number on every page.
fn assert_notice(pages: &[String], title: &str, basis: &str, expected: &[&str]) {
    let all = squash(&pages.concat());
    assert!(squash(&pages[0]).contains(title), "{}", pages[0]);
    assert!(squash(&pages[0]).contains(ELECTION));
    for text in expected {
        assert!(
            all.contains(&squash(text)),
            "“{text}” not on the notice:\n{all}"
        );
    }
    let last = squash(pages.last().unwrap());
    assert!(last.contains(COMMITTEE), "no signature:\n{last}");
    assert!(last.contains("2026年11月1日"), "no date of issue:\n{last}");
    for (i, page) in pages.iter().enumerate() {
        // No line starts with closing punctuation (禁则).
        for line in page.lines() {
            let line = line.trim_start();
            assert!(
                !line.starts_with(['，', '。', '、', '；', '：', '）']),
                "page {}: a line starts with punctuation: {line}",
                i + 1
            );
        }
        let page = squash(page);
        assert!(
            page.contains(&format!("依据{basis}")),
            "page {}: no “依据 {basis}”",
            i + 1
        );
        assert!(
            page.contains(&format!("第{}页共{}页", i + 1, pages.len())),
            "page {}: no page number",
            i + 1
        );
    }
}

#[test]
fn election_day_notice() {
    let n = ElectionDayNotice {
        info: info(Some("第1号")),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        polls_open: time(8, 0),
        polls_close: time(17, 0),
        mode: "直接选举".to_owned(),
        seats: vec![
            PositionSeats {
                position: "主任".to_owned(),
                seats: 1,
            },
            PositionSeats {
                position: "副主任".to_owned(),
                seats: 1,
            },
            PositionSeats {
                position: "委员".to_owned(),
                seats: 3,
            },
        ],
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_eq!(pages.len(), 1);
    assert_notice(
        &pages,
        "选举日公告",
        "R-BODY-1",
        &[
            "（第1号）",
            "2026年12月20日（星期日）",
            "8:00至17:00",
            "直接选举",
            "共5名，其中主任1名、副主任1名、委员3名",
            "请全体选民按时参加投票",
        ],
    );
}

#[test]
fn election_committee_notice_lists_chair_vice_chairs_then_members() {
    let m = |name: &str, role| CommitteeMember {
        name: name.to_owned(),
        role,
        note: "社区居民".to_owned(),
    };
    let n = ElectionCommitteeNotice {
        info: info(None),
        formed_by: "经社区居民代表会议推选".to_owned(),
        members: vec![
            m("王芳", CommitteeRole::Member),
            m("李明", CommitteeRole::Chair),
            m("丁一", CommitteeRole::Member),
            m("赵强", CommitteeRole::ViceChair),
            m("刘洋", CommitteeRole::Member),
        ],
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "选举委员会组成人员公告",
        "R-BODY-5",
        &["由5人组成", "经社区居民代表会议推选", "应当退出"],
    );
    let rows: Vec<(String, String)> = rows(&pages[0])
        .into_iter()
        .map(|r| (r.1, r.2[0].clone()))
        .collect();
    let expect = [
        ("主任", "李明"),
        ("副主任", "赵强"),
        ("委员", "王芳"),
        ("委员", "丁一"),
        ("委员", "刘洋"),
    ];
    assert_eq!(
        rows,
        expect.map(|(a, b)| (a.to_owned(), b.to_owned())).to_vec()
    );
}

#[test]
fn voter_registration_notice() {
    let n = VoterRegistrationNotice {
        info: info(Some("第2号")),
        election_day: date(2026, 12, 20),
        registration_from: date(2026, 11, 5),
        registration_to: date(2026, 11, 15),
        hours: "每日8:30至17:00".to_owned(),
        places: vec![
            RegistrationPlace {
                place: "社区服务中心一楼大厅".to_owned(),
                serves: "第一、二居民小组".to_owned(),
            },
            RegistrationPlace {
                place: "幸福路12号活动室".to_owned(),
                serves: "第三居民小组".to_owned(),
            },
        ],
        categories: vec![
            "户籍在本社区并在本社区居住的居民".to_owned(),
            "户籍在本社区、不在本社区居住，本人表示参加选举的居民".to_owned(),
            "户籍不在本社区、在本社区居住一年以上，本人申请参加选举并经选举委员会同意的居民"
                .to_owned(),
        ],
        list_publication: Some(date(2026, 11, 30)),
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "选民登记公告",
        "R-REG-1、R-REG-2、R-REG-3、R-REG-5",
        &[
            "2026年11月5日至2026年11月15日，每日8:30至17:00",
            "年满十八周岁（即2008年12月20日及以前出生）",
            "社区服务中心一楼大厅",
            "幸福路12号活动室",
            "（一）户籍在本社区并在本社区居住的居民",
            "（三）户籍不在本社区",
            "不得重复登记",
            "选民名单将于2026年11月30日张榜公布",
        ],
    );
}

fn nominee(name: &str, kind: &str) -> Nominee {
    Nominee {
        name: name.to_owned(),
        gender: "女".to_owned(),
        birth: Some(date(1975, 6, 1)),
        kind: kind.to_owned(),
        note: "中共党员".to_owned(),
    }
}

#[test]
fn nomination_notice_by_position_with_the_kind_of_nomination() {
    let n = NominationNotice {
        info: info(None),
        body: BODY.to_owned(),
        positions: vec![
            NominationPosition {
                position: "主任".to_owned(),
                seats: 1,
                nominees: vec![
                    nominee("李明", "选民十人以上联名提名"),
                    nominee("王芳", "自荐"),
                ],
            },
            NominationPosition {
                position: "委员".to_owned(),
                seats: 3,
                nominees: vec![
                    nominee("丁一", "居民小组提名"),
                    nominee("刘洋", "户代表五人以上联名提名"),
                ],
            },
        ],
        closing: "对提名有异议的，请于2026年12月5日前向选举委员会提出。".to_owned(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "提名公告",
        "R-NOM-1、R-NOM-2",
        &[
            "主任（应选1名，被提名2人）",
            "委员（应选3名，被提名2人）",
            "选民十人以上联名提名",
            "户代表五人以上联名提名",
            "1975年6月",
            "2026年12月5日前",
        ],
    );
    let names: Vec<String> = pages.iter().flat_map(|p| rows(p)).map(|r| r.1).collect();
    assert_eq!(names, ["李明", "王芳", "丁一", "刘洋"]);
}

fn candidate(name: &str) -> Candidate {
    Candidate {
        name: name.to_owned(),
        gender: "男".to_owned(),
        birth: Some(date(1980, 3, 15)),
        note: String::new(),
    }
}

fn positions(names: &[(&str, u32, &[&str])]) -> Vec<CandidatePosition> {
    names
        .iter()
        .map(|(position, seats, names)| CandidatePosition {
            position: (*position).to_owned(),
            seats: *seats,
            candidates: names.iter().map(|n| candidate(n)).collect(),
        })
        .collect()
}

#[test]
fn initial_candidates_notice() {
    let n = InitialCandidatesNotice {
        info: info(None),
        body: BODY.to_owned(),
        positions: positions(&[
            ("主任", 1, &["李明", "王芳", "赵强"]),
            ("委员", 3, &["丁一", "刘洋", "白雪", "张伟", "陈静", "周杰"]),
        ]),
        preliminary_vote: Some(date(2026, 12, 8)),
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "初步候选人公告",
        "R-NOM-1、R-NOM-3",
        &[
            "主任（应选1名，初步候选人3名）",
            "委员（应选3名，初步候选人6名）",
            "周杰",
            "将于2026年12月8日组织预选",
        ],
    );
}

#[test]
fn formal_candidates_notice_in_the_order_given_sorted_by_strokes() {
    let mut positions = positions(&[
        ("主任", 1, &["李明", "丁一"]),
        ("委员", 3, &["赵强", "王芳", "白雪", "刘洋", "丁二"]),
    ]);
    for p in &mut positions {
        sort_by_strokes(&mut p.candidates, |c| &c.name).unwrap();
    }
    let n = FormalCandidatesNotice {
        info: info(Some("第5号")),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        last_withdrawal_day: date(2026, 12, 17),
        positions,
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "正式候选人公告",
        "R-NOM-4、R-NOM-5、R-NOM-6",
        &[
            "（以姓氏笔画为序）",
            "主任（应选1名，正式候选人2名）",
            "委员（应选3名，正式候选人5名）",
            "选举日为2026年12月20日",
            "最迟于2026年12月17日",
        ],
    );
    let names: Vec<String> = pages.iter().flat_map(|p| rows(p)).map(|r| r.1).collect();
    // 丁 2 strokes, 王 4, 白 5, 刘 6, 李 7, 赵 9.
    assert_eq!(
        names,
        ["丁一", "李明", "丁二", "王芳", "白雪", "刘洋", "赵强"]
    );
}

#[test]
fn polling_notice() {
    let n = PollingNotice {
        info: info(None),
        election_day: date(2026, 12, 20),
        polls_open: time(8, 0),
        polls_close: time(16, 30),
        stations: vec![
            PollingStation {
                name: "中心投票站".to_owned(),
                place: "社区服务中心一楼大厅".to_owned(),
                serves: "第一、二居民小组".to_owned(),
            },
            PollingStation {
                name: "第一投票分站".to_owned(),
                place: "幸福路12号活动室".to_owned(),
                serves: "第三居民小组".to_owned(),
            },
        ],
        mobile_boxes: vec![MobileBox {
            name: "流动票箱一".to_owned(),
            serves: "第三居民小组行动不便的选民".to_owned(),
            hours: "9:00至11:30".to_owned(),
        }],
        count_venue: "社区服务中心二楼会议室".to_owned(),
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "投票站公告",
        "R-POLL-1、R-CNT-1",
        &[
            "2026年12月20日（星期日）8:00至16:30",
            "中心投票站",
            "第一投票分站",
            "幸福路12号活动室",
            "流动票箱一",
            "9:00至11:30",
            "集中到社区服务中心二楼会议室，当众开箱",
        ],
    );
    // Without mobile boxes the notice says so.
    let none = PollingNotice {
        mobile_boxes: vec![],
        ..n
    };
    let pages = render(&none.announcement());
    assert!(squash(&pages.concat()).contains("本次选举不设流动票箱"));
}

#[test]
fn counting_staff_notice_by_role() {
    let s = |name: &str, role, post: &str| CountingStaff {
        name: name.to_owned(),
        role,
        post: post.to_owned(),
    };
    let n = CountingStaffNotice {
        info: info(None),
        approved_by: "经2026年12月10日居民代表会议通过".to_owned(),
        staff: vec![
            s("陈静", CountingRole::Counter, "中心投票站"),
            s("王芳", CountingRole::Scrutineer, "中心投票站"),
            s("周杰", CountingRole::Caller, "中心投票站"),
            s("李明", CountingRole::Scrutineer, "中心投票站"),
            s("丁一", CountingRole::Scrutineer, "流动票箱一"),
        ],
        relatives_barred: true,
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "监票人、唱票人、计票人名单公告",
        "R-POLL-1、R-POLL-2",
        &[
            "经2026年12月10日居民代表会议通过",
            "监票人（共3人）",
            "唱票人（共1人）",
            "计票人（共1人）",
            "流动票箱一",
            "候选人及其配偶、近亲属不得担任",
        ],
    );
    let names: Vec<String> = pages.iter().flat_map(|p| rows(p)).map(|r| r.1).collect();
    assert_eq!(names, ["王芳", "李明", "丁一", "周杰", "陈静"]);
}

#[test]
fn mobile_box_voters_notice() {
    let v = |name: &str, reason: &str| MobileBoxVoter {
        name: name.to_owned(),
        group: GROUPS[2].to_owned(),
        reason: reason.to_owned(),
    };
    let n = MobileBoxVotersNotice {
        info: info(None),
        boxes: vec![MobileBoxVoters {
            box_name: "流动票箱一".to_owned(),
            voters: vec![v("张秀英", "年老体弱"), v("刘桂英", "卧病在床")],
        }],
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "流动票箱投票选民名单公告",
        "R-POLL-1",
        &[
            "流动票箱一（共2人）",
            "张秀英",
            "刘桂英",
            "卧病在床",
            GROUPS[2],
        ],
    );
}

#[test]
fn invalid_ballot_rules_notice_follows_the_profile() {
    let n = InvalidBallotRulesNotice {
        info: info(None),
        rules: standard_invalid_ballot_rules(false, true),
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "无效票认定规则公告",
        "R-CNT-2、R-CNT-4",
        &[
            "一、选民可以投赞成票",
            "这一职务的选择无效，其他职务的选择仍然有效",
            "被选为两个以上职务的，该张选票无效",
            "由本委员会在计票现场当众认定",
        ],
    );
    let whole = standard_invalid_ballot_rules(true, false);
    assert!(whole.iter().any(|r| r.contains("该张选票无效")));
    assert!(!whole.iter().any(|r| r.contains("两个以上职务")));
}

fn results(body: ElectedBody) -> ResultsNotice {
    let e = |name: &str, votes| ElectedPerson {
        name: name.to_owned(),
        gender: "女".to_owned(),
        votes,
    };
    ResultsNotice {
        info: info(None),
        elected_body: body,
        basis: huanjie_print::VoteBasis::VOTERS,
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        turnout: Turnout {
            registered: 2345,
            voted: 1987,
            returned: 1985,
            valid: 1960,
            void: 25,
        },
        positions: vec![
            PositionResult {
                position: "主任".to_owned(),
                seats: 1,
                elected: vec![e("李明", 1500)],
            },
            PositionResult {
                position: "委员".to_owned(),
                seats: 3,
                elected: vec![e("王芳", 1320), e("丁一", 1102)],
            },
        ],
        closing: String::new(),
    }
}

#[test]
fn election_results_notice() {
    let pages = render(&results(ElectedBody::ResidentsCommittee).announcement());
    assert_notice(
        &pages,
        "选举结果公告",
        "R-CNT-2、R-CNT-3、R-CNT-5、R-CERT-1",
        &[
            "于2026年12月20日进行投票",
            "登记选民：2345人",
            "参加投票：1987人",
            "收回选票：1985张",
            "有效票：1960张",
            "无效票：25张",
            "选举有效",
            "主任（应选1名，当选1名）",
            "1500票",
            "1102票",
            "委员应选3名，当选2名",
            "依法另行选举",
        ],
    );
    let rows: Vec<(String, String)> = pages
        .iter()
        .flat_map(|p| rows(p))
        .map(|r| (r.1, r.2.last().unwrap().clone()))
        .collect();
    assert_eq!(
        rows,
        [("李明", "1500票"), ("王芳", "1320票"), ("丁一", "1102票")]
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .to_vec()
    );
}

#[test]
fn supervisory_committee_results_notice() {
    let mut n = results(ElectedBody::SupervisoryCommittee);
    n.body = "某某社区居务监督委员会".to_owned();
    n.positions = vec![
        PositionResult {
            position: "主任".to_owned(),
            seats: 1,
            elected: vec![ElectedPerson {
                name: "赵强".to_owned(),
                gender: "男".to_owned(),
                votes: 1400,
            }],
        },
        PositionResult {
            position: "委员".to_owned(),
            seats: 2,
            elected: vec![
                ElectedPerson {
                    name: "白雪".to_owned(),
                    gender: "女".to_owned(),
                    votes: 1200,
                },
                ElectedPerson {
                    name: "周杰".to_owned(),
                    gender: "男".to_owned(),
                    votes: 1100,
                },
            ],
        },
    ];
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "居务监督委员会选举结果公告",
        "R-BODY-4、R-CNT-2、R-CNT-3、R-CNT-5、R-CERT-1",
        &["某某社区居务监督委员会", "赵强", "白雪", "周杰", "1400票"],
    );
    assert!(!squash(&pages.concat()).contains("另行选举"));
}

/// R-SUP-1: the workers' congress's notice speaks of representatives
/// present against all of them, and of a majority of all representatives.
#[test]
fn workers_congress_results_notice() {
    use huanjie_core::electorate::Electorate;
    let profile = huanjie_core::Profile::by_id("county-2006").unwrap();
    let rules = Electorate::WorkersCongress.rules(&profile).unwrap();
    let mut n = results(ElectedBody::SupervisoryBoard);
    n.basis = huanjie_print::VoteBasis::new(Electorate::WorkersCongress, &rules);
    n.body = "某某有限公司第三届监事会职工代表监事".to_owned();
    n.turnout = Turnout {
        registered: 30,
        voted: 21,
        returned: 21,
        valid: 21,
        void: 0,
    };
    n.positions = vec![PositionResult {
        position: "职工代表监事".to_owned(),
        seats: 1,
        elected: vec![ElectedPerson {
            name: "白雪".to_owned(),
            gender: "女".to_owned(),
            votes: 18,
        }],
    }];
    let pages = render(&n.announcement());
    assert_notice(
        &pages,
        "职工代表监事选举结果公告",
        "R-BODY-6、R-SUP-1、R-CNT-2、R-CERT-1",
        &[
            "应到职工代表：30人",
            "出席职工代表：21人",
            "出席会议的职工代表达到全体职工代表的三分之二以上",
            "获得全体职工代表过半数赞成票的下列人员当选为某某有限公司第三届监事会职工代表监事：",
            "白雪",
        ],
    );
    let all = squash(&pages.concat());
    assert!(!all.contains("登记选民"), "{all}");
}

#[test]
fn rare_characters_print_through_the_fallback_fonts() {
    // 㐀 (U+3400, Extension A) and 𠀀 (U+20000, Extension B: only in
    // HanaMin), 𠀋 (U+2000B, in Noto Serif CJK).
    let names = ["㐀明", "𠀀芳", "王𠀋"];
    for n in names {
        assert!(
            font_set().missing(n).is_empty(),
            "{n}: {:?}",
            font_set().missing(n)
        );
    }
    let n = FormalCandidatesNotice {
        info: info(None),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        last_withdrawal_day: date(2026, 12, 17),
        positions: positions(&[("委员", 2, &names)]),
        closing: String::new(),
    };
    let pdf = n.announcement().to_pdf(font_set()).unwrap();
    let text = pages_text(&pdf).concat();
    for name in names {
        assert!(text.contains(name), "{name} not read back:\n{text}");
    }
    let used: Vec<String> = fonts_of(&pdf).into_iter().map(|f| f.0).collect();
    assert!(used.iter().any(|f| f.contains("HanaMin")), "{used:?}");
    for (name, _, emb, sub, _) in fonts_of(&pdf) {
        assert_eq!((emb.as_str(), sub.as_str()), ("yes", "yes"), "{name}");
    }
}

#[test]
fn a_character_no_font_has_is_refused_naming_the_field() {
    let rare = '\u{30000}'; // CJK Extension G: in none of the fonts
    assert_eq!(font_set().missing(&rare.to_string()), vec![rare]);
    let name = format!("张{rare}");
    let n = FormalCandidatesNotice {
        info: info(None),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        last_withdrawal_day: date(2026, 12, 17),
        positions: positions(&[("主任", 1, &["李明", &name])]),
        closing: String::new(),
    };
    let err = n.announcement().to_pdf(font_set()).unwrap_err();
    match &err {
        PrintError::MissingGlyph { what, what_zh, ch } => {
            assert_eq!(*ch, rare);
            assert!(
                what.contains(&name) && what.contains("姓名") && what.contains("row 2"),
                "{what}"
            );
            assert!(
                what_zh.contains(&name)
                    && what_zh.contains("正式候选人公告")
                    && what_zh.contains("主任（应选1名，正式候选人2名）")
                    && what_zh.contains("第2行的“姓名”"),
                "{what_zh}"
            );
        }
        other => panic!("{other:?}"),
    }
    let zh = err.message_zh();
    assert!(zh.starts_with("「正式候选人公告中表格"), "{zh}");
    assert!(zh.contains("（U+30000）在已安装的字体中都没有"), "{zh}");
    assert!(err.to_string().contains("U+30000"), "{err}");

    // Anywhere in the notice: here the committee's name.
    let mut a = ElectionDayNotice {
        info: info(None),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        polls_open: time(8, 0),
        polls_close: time(17, 0),
        mode: "直接选举".to_owned(),
        seats: vec![],
        closing: String::new(),
    };
    a.info.committee_name = format!("选举委员会{rare}");
    match a.announcement().to_pdf(font_set()).unwrap_err() {
        PrintError::MissingGlyph { what_zh, .. } => {
            assert!(what_zh.contains("选举委员会名称"), "{what_zh}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_row_with_the_wrong_number_of_cells_is_refused() {
    let mut a = MobileBoxVotersNotice {
        info: info(None),
        boxes: vec![],
        closing: String::new(),
    }
    .announcement();
    a.blocks.push(Block::Table(AnnouncementTable {
        caption: Some("名单".to_owned()),
        columns: vec![
            TableColumn::new("姓名", 1, CellAlign::Left),
            TableColumn::new("居民小组", 1, CellAlign::Left),
        ],
        rows: vec![
            vec!["王芳".to_owned(), GROUPS[0].to_owned()],
            vec!["李明".to_owned()],
        ],
    }));
    match a.to_pdf(font_set()).unwrap_err() {
        e @ PrintError::BadTable { .. } => {
            assert_eq!(
                e.message_zh(),
                "公告中的表格“名单”有误：第 2 行有 1 栏，表头有 2 栏。"
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_long_table_runs_over_three_pages_with_its_header_and_page_numbers() {
    let all = voters(90);
    let n = MobileBoxVotersNotice {
        info: info(None),
        boxes: vec![MobileBoxVoters {
            box_name: "流动票箱一".to_owned(),
            voters: all
                .iter()
                .map(|v| MobileBoxVoter {
                    name: v.name.clone(),
                    group: v.group.clone(),
                    reason: "行动不便".to_owned(),
                })
                .collect(),
        }],
        closing: String::new(),
    };
    let pages = render(&n.announcement());
    assert_eq!(pages.len(), 3, "{pages:#?}");
    let serials: Vec<usize> = pages.iter().flat_map(|p| rows(p)).map(|r| r.0).collect();
    assert_eq!(serials, (1..=90).collect::<Vec<_>>());
    for (i, page) in pages.iter().enumerate() {
        let s = squash(page);
        assert!(!rows(page).is_empty(), "page {} has no rows", i + 1);
        assert!(
            s.contains("序号姓名居民小组原因"),
            "page {}: no column header:\n{page}",
            i + 1
        );
        assert!(s.contains(&format!("第{}页共3页", i + 1)), "page {}", i + 1);
        if i == 0 {
            assert!(s.contains("流动票箱一（共90人）"));
        } else {
            assert!(s.contains("流动票箱一（共90人）（续）"), "page {}", i + 1);
            assert!(
                s.contains(&format!("流动票箱投票选民名单公告{ELECTION}")),
                "page {}: no running header",
                i + 1
            );
        }
    }
}

/// The notices to look at (`cargo test -p huanjie-print --test
/// announcements -- --ignored --nocapture sample`, then `pdftoppm -png -r
/// 60` on the files it names).
#[test]
#[ignore]
fn sample_notices() {
    let dir = std::env::temp_dir();
    let samples = [
        (
            "results",
            results(ElectedBody::ResidentsCommittee).announcement(),
        ),
        (
            "formal",
            FormalCandidatesNotice {
                info: info(Some("第5号")),
                body: BODY.to_owned(),
                election_day: date(2026, 12, 20),
                last_withdrawal_day: date(2026, 12, 17),
                positions: positions(&[
                    ("主任", 1, &["李明", "丁一"]),
                    ("委员", 3, &["赵强", "王芳", "白雪", "㐀明", "𠀀芳"]),
                ]),
                closing: String::new(),
            }
            .announcement(),
        ),
    ];
    let long = MobileBoxVotersNotice {
        info: info(None),
        boxes: vec![MobileBoxVoters {
            box_name: "流动票箱一".to_owned(),
            voters: voters(90)
                .into_iter()
                .map(|v| MobileBoxVoter {
                    name: v.name,
                    group: v.group,
                    reason: "行动不便".to_owned(),
                })
                .collect(),
        }],
        closing: String::new(),
    };
    let samples = samples
        .into_iter()
        .chain([("mobile-box", long.announcement())]);
    for (name, a) in samples {
        let path = dir.join(format!("huanjie-announcement-{name}.pdf"));
        std::fs::write(&path, a.to_pdf(font_set()).unwrap()).unwrap();
        println!("{}", path.display());
    }
}
