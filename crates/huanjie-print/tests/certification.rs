#![allow(clippy::unwrap_used, clippy::expect_used)]
//! After the vote (issue 7): the certificates of election (当选证书,
//! R-CERT-2) and the written report to the township (R-CERT-1), rendered
//! and read back with poppler: each page drawn as PNG (pdftoppm) and its
//! text extracted (pdftotext).

mod common;

use common::*;
use huanjie_print::*;
use std::sync::OnceLock;

/// The fonts, loaded once for the whole file (fails, never skips, when
/// they are not installed).
fn font_set() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(fonts)
}

const ELECTION: &str = "幸福社区第七届居民委员会选举";
const COMMITTEE: &str = "幸福社区居民委员会换届选举委员会";
const BODY: &str = "幸福社区第七届居民委员会";
const TOWNSHIP: &str = "和平街道办事处";

/// Checks the PNG of every page (one per page, a real non-empty image) and
/// returns the text of each page.
fn render(pdf: &[u8]) -> Vec<String> {
    let pages = pages_text(pdf);
    let pngs = png_pages(pdf, 50);
    assert_eq!(pngs.len(), pages.len(), "one PNG per page");
    for png in &pngs {
        assert!(png.len() > 1000, "a PNG of {} bytes", png.len());
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    }
    for (name, _, emb, sub, _) in fonts_of(pdf) {
        assert_eq!((emb.as_str(), sub.as_str()), ("yes", "yes"), "{name}");
    }
    pages
}

fn certificate(name: &str, position: &str, votes: u64, number: &str) -> ElectionCertificate {
    ElectionCertificate {
        body: BODY.to_owned(),
        certificate_of: ElectedBody::ResidentsCommittee,
        name: name.to_owned(),
        position: position.to_owned(),
        election_day: date(2026, 12, 20),
        votes,
        cast: 1987,
        registered: 2345,
        basis: huanjie_print::VoteBasis::VOTERS,
        number: number.to_owned(),
        committee_name: COMMITTEE.to_owned(),
        issue_date: date(2026, 12, 28),
    }
}

fn three_winners() -> Vec<ElectionCertificate> {
    vec![
        certificate("𠮷祥", "主任", 1500, "2026-幸福-001"),
        certificate("阿卜杜热合曼·买买提", "副主任", 1320, "2026-幸福-002"),
        // Elected in the further election (R-CNT-7) with a third, not a
        // majority, of its ballots.
        ElectionCertificate {
            election_day: date(2026, 12, 27),
            cast: 1800,
            ..certificate("王芳", "委员", 700, "2026-幸福-003")
        },
    ]
}

#[test]
fn one_certificate_per_winner_with_name_number_position_and_sentence() {
    let certs = three_winners();
    for c in &certs {
        assert!(font_set().missing(&c.name).is_empty(), "{}", c.name);
    }
    let pdf = certificates_pdf(font_set(), &certs).unwrap_or_else(|e| panic!("{e}"));
    let pages = render(&pdf);
    assert_eq!(pages.len(), 3, "one page per certificate");

    let sentences = [
        "𠮷祥同志于2026年12月20日在幸福社区第七届居民委员会选举中，获得参加投票选民过半数\
         赞成票（1500票），当选为幸福社区第七届居民委员会主任。特发此证。",
        "阿卜杜热合曼·买买提同志于2026年12月20日在幸福社区第七届居民委员会选举中，获得参加\
         投票选民过半数赞成票（1320票），当选为幸福社区第七届居民委员会副主任。特发此证。",
        "王芳同志于2026年12月27日在幸福社区第七届居民委员会选举中，获得赞成票700票（参加投票\
         选民1800人），当选为幸福社区第七届居民委员会委员。特发此证。",
    ];
    for ((page, cert), sentence) in pages.iter().zip(&certs).zip(sentences) {
        assert_eq!(squash(&cert.sentence()), sentence);
        let text = squash(page);
        for expected in [
            "当选证书",
            &format!("证书编号：{}", cert.number),
            sentence,
            &cert.name,
            &cert.position,
            COMMITTEE,
            "2026年12月28日",
        ] {
            assert!(
                text.contains(expected),
                "“{expected}” not on the page:\n{page}"
            );
        }
        // Only this certificate's person on the page.
        for other in certs.iter().filter(|o| o.number != cert.number) {
            assert!(!text.contains(&other.number), "{page}");
            assert!(!text.contains(&format!("{}同志", other.name)), "{page}");
        }
        // The signature is below the sentence, the title above it.
        let pos = |s: &str| text.find(s).unwrap();
        assert!(pos("当选证书") < pos(sentence) && pos(sentence) < pos(COMMITTEE));
        // No line starts with closing punctuation (禁则).
        for line in page.lines() {
            let line = line.trim_start();
            assert!(
                !line.starts_with(['，', '。', '、', '；', '：', '）', '·']),
                "a line starts with punctuation: {line}"
            );
        }
    }
}

#[test]
fn a_long_sentence_is_made_smaller_and_still_read_whole() {
    let mut c = certificate("欧阳秀英", "委员", 1102, "2026-幸福-009");
    c.body = "某某省某某市某某区某某街道幸福社区第七届居民委员会".repeat(3);
    let pdf = certificates_pdf(font_set(), &[c.clone()]).unwrap();
    let pages = render(&pdf);
    assert_eq!(pages.len(), 1);
    assert!(
        squash(&pages[0]).contains(&squash(&c.sentence())),
        "{}",
        pages[0]
    );
}

#[test]
fn a_character_no_font_has_is_refused_naming_the_certificate() {
    let rare = '\u{30000}'; // CJK Extension G: in none of the fonts
    let mut certs = three_winners();
    certs[1].name = format!("张{rare}");
    let err = certificates_pdf(font_set(), &certs).unwrap_err();
    match &err {
        PrintError::MissingGlyph { what, what_zh, ch } => {
            assert_eq!(*ch, rare);
            assert!(
                what.contains("2026-幸福-002") && what.contains("name"),
                "{what}"
            );
            assert!(
                what_zh.contains("第2份当选证书")
                    && what_zh.contains("2026-幸福-002")
                    && what_zh.contains("姓名"),
                "{what_zh}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.message_zh().contains("U+30000"), "{}", err.message_zh());
    // Any field: here the committee's name.
    let mut certs = three_winners();
    certs[2].committee_name = format!("选举委员会{rare}");
    match certificates_pdf(font_set(), &certs).unwrap_err() {
        PrintError::MissingGlyph { what_zh, .. } => {
            assert!(
                what_zh.contains("第3份当选证书") && what_zh.contains("选举委员会名称"),
                "{what_zh}"
            )
        }
        other => panic!("{other:?}"),
    }
}

fn elected(name: &str, gender: &str, votes: u64) -> ElectedPerson {
    ElectedPerson {
        name: name.to_owned(),
        gender: gender.to_owned(),
        votes,
    }
}

fn report() -> ElectionReport {
    ElectionReport {
        info: NoticeInfo {
            election_title: ELECTION.to_owned(),
            committee_name: COMMITTEE.to_owned(),
            issue_date: date(2026, 12, 21),
            number: Some("幸选〔2026〕5号".to_owned()),
        },
        township: TOWNSHIP.to_owned(),
        body: BODY.to_owned(),
        election_day: date(2026, 12, 20),
        turnout: Turnout {
            registered: 2345,
            voted: 1987,
            returned: 1985,
            valid: 1960,
            void: 25,
        },
        basis: huanjie_print::VoteBasis::VOTERS,
        valid: true,
        void_reasons: vec![],
        positions: vec![
            PositionResult {
                position: "主任".to_owned(),
                seats: 1,
                elected: vec![elected("𠮷祥", "男", 1500)],
            },
            PositionResult {
                position: "委员".to_owned(),
                seats: 3,
                elected: vec![
                    elected("阿卜杜热合曼·买买提", "男", 1320),
                    elected("王芳", "女", 1102),
                ],
            },
        ],
        further_election: vec![
            "委员1名另行选举，定于2026年12月27日在中心投票站进行，候选人为丁一、李明。".to_owned(),
        ],
        stations: vec![
            ("中心投票站".to_owned(), 1200, 1200),
            ("第一投票分站".to_owned(), 500, 497),
            ("流动票箱一".to_owned(), 287, 288),
        ],
        discrepancies: vec![
            "流动票箱一收回选票288张，多于发出的287张，经选举委员会当场核查，系一名选民误投\
             两张选票，已作无效票处理。"
                .to_owned(),
        ],
        due_date: date(2026, 12, 23),
    }
}

/// The report's common checks: every text of `expected` (compared without
/// whitespace), the footer's rule and the page number on every page, the
/// signature and date at the end.
fn assert_report(pages: &[String], expected: &[&str]) {
    let all = squash(&pages.concat());
    assert!(
        squash(&pages[0]).contains(&format!("关于{BODY}选举情况的报告")),
        "{}",
        pages[0]
    );
    for text in expected {
        assert!(
            all.contains(&squash(text)),
            "“{text}” not in the report:\n{all}"
        );
    }
    let last = squash(pages.last().unwrap());
    assert!(last.contains("特此报告。"), "{last}");
    assert!(
        last.contains(COMMITTEE) && last.contains("2026年12月21日"),
        "{last}"
    );
    assert!(last.find("特此报告") < last.rfind(COMMITTEE), "{last}");
    for (i, page) in pages.iter().enumerate() {
        let page = squash(page);
        assert!(
            page.contains("依据R-CERT-1（3日内报送）"),
            "page {}: no footer",
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
fn the_report_to_the_township() {
    let pages = render(&report().announcement().to_pdf(font_set()).unwrap());
    assert_report(
        &pages,
        &[
            "幸选〔2026〕5号",
            &format!("{TOWNSHIP}："),
            "选举日期：2026年12月20日",
            "报送期限：2026年12月23日",
            "于2026年12月20日进行投票。现将选举情况报告如下",
            "一、投票情况",
            "登记选民：2345人",
            "参加投票：1987人",
            "收回选票：1985张",
            "有效票：1960张",
            "无效票：25张",
            "二、选举有效性",
            "经选举委员会确认，选举有效。",
            "三、各投票站选票情况",
            "四、选举结果",
            "主任（应选1名，当选1名）",
            "委员（应选3名，当选2名）",
            "五、另行选举",
            "委员应选3名，当选2名。未选足的名额依法另行选举。",
            "定于2026年12月27日在中心投票站进行，候选人为丁一、李明。",
            "六、需要说明的情况",
            "（一）流动票箱一收回选票288张，多于发出的287张",
        ],
    );
    let all = pages.concat();
    // Station rows: 序号, name, issued, returned, returned − issued; then
    // the totals.
    let station_rows: Vec<(usize, String, Vec<String>)> = pages
        .iter()
        .flat_map(|p| rows(p))
        .filter(|r| r.1.contains("投票") || r.1.contains("票箱"))
        .collect();
    assert_eq!(
        station_rows
            .iter()
            .map(|r| (r.0, r.1.as_str(), r.2.join(" ")))
            .collect::<Vec<_>>(),
        [
            (1, "中心投票站", "1200 1200 0".to_owned()),
            (2, "第一投票分站", "500 497 −3".to_owned()),
            (3, "流动票箱一", "287 288 +1".to_owned()),
        ]
    );
    let total = all
        .lines()
        .find(|l| l.trim_start().starts_with("合计"))
        .unwrap_or_else(|| panic!("no 合计 row:\n{all}"));
    assert_eq!(
        total.split_whitespace().collect::<Vec<_>>(),
        ["合计", "1987", "1985", "−2"]
    );
    // The elected, with their votes.
    let elected: Vec<(String, String)> = pages
        .iter()
        .flat_map(|p| rows(p))
        .filter(|r| r.2.last().is_some_and(|v| v.ends_with('票')))
        .map(|r| (r.1, r.2.join(" ")))
        .collect();
    assert_eq!(
        elected,
        [
            ("𠮷祥", "男 1500票"),
            ("阿卜杜热合曼·买买提", "男 1320票"),
            ("王芳", "女 1102票"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
        .to_vec()
    );
}

#[test]
fn a_void_election_reports_its_reasons_and_no_one_elected() {
    let mut r = report();
    r.valid = false;
    r.turnout.voted = 1100;
    r.void_reasons = vec!["参加投票的选民未超过登记选民的半数（R-CNT-3）".to_owned()];
    r.further_election.clear();
    r.discrepancies.clear();
    let pages = render(&r.announcement().to_pdf(font_set()).unwrap());
    assert_report(
        &pages,
        &[
            "经选举委员会确认，本次选举无效，原因如下：",
            "（一）参加投票的选民未超过登记选民的半数（R-CNT-3）",
            "本次选举无效，无当选人员。",
            "五、需要说明的情况",
            "无。",
        ],
    );
    let all = squash(&pages.concat());
    for absent in ["选举有效。", "𠮷祥", "王芳", "另行选举", "应选"] {
        assert!(
            !all.contains(absent),
            "“{absent}” in a void election's report"
        );
    }
}

#[test]
fn the_report_refuses_a_character_no_font_has() {
    let rare = '\u{30000}';
    let mut r = report();
    r.positions[1].elected[1].name = format!("王{rare}");
    match r.announcement().to_pdf(font_set()).unwrap_err() {
        PrintError::MissingGlyph { what_zh, ch, .. } => {
            assert_eq!(ch, rare);
            assert!(
                what_zh.contains("委员（应选3名，当选2名）") && what_zh.contains("第2行的“姓名”"),
                "{what_zh}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// Writes the sample PDFs to `$HUANJIE_SAMPLE_DIR` (default: the temp
/// directory) for a look by eye: `cargo test -p huanjie-print --test
/// certification -- --ignored --nocapture sample`.
#[test]
#[ignore]
fn sample_documents() {
    let dir = std::env::var_os("HUANJIE_SAMPLE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let certs = certificates_pdf(font_set(), &three_winners()).unwrap();
    let report = report().announcement().to_pdf(font_set()).unwrap();
    for (name, pdf) in [("certificates.pdf", certs), ("report.pdf", report)] {
        let path = dir.join(name);
        std::fs::write(&path, pdf).unwrap();
        println!("{}", path.display());
    }
}

/// R-SUP-1: the workers' congress's winner needs more than half of all
/// representatives, and the certificate says so only when it is true.
#[test]
fn a_workers_congress_certificate_counts_all_representatives() {
    use huanjie_core::electorate::Electorate;
    let profile = huanjie_core::Profile::by_id("county-2006").unwrap();
    let rules = Electorate::WorkersCongress.rules(&profile).unwrap();
    let c = ElectionCertificate {
        certificate_of: ElectedBody::SupervisoryBoard,
        registered: 30,
        cast: 20,
        basis: huanjie_print::VoteBasis::new(Electorate::WorkersCongress, &rules),
        ..certificate("王芳", "职工代表监事", 16, "2026-001")
    };
    assert!(
        c.sentence()
            .contains("获得全体职工代表过半数赞成票（16票）"),
        "{}",
        c.sentence()
    );
    let c = ElectionCertificate { votes: 15, ..c };
    assert!(
        c.sentence().contains("获得赞成票15票（全体职工代表30人）"),
        "{}",
        c.sentence()
    );
}
