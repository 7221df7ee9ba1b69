#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The notices read back with poppler's tools (pdftotext, pdffonts): what a
//! resident sees on the wall.

mod common;

use common::*;
use huanjie_collation::StrokeCollator;
use huanjie_print::{
    proxy_notice, voter_list_notice, writing_assistant_notice, ListedVoter, PrintError, ProxyEntry,
    ProxyNotice, WritingAssistantEntry, WritingAssistantNotice,
};
use std::cmp::Ordering;

fn voter(name: &str, group: &str, household: &str) -> ListedVoter {
    ListedVoter {
        name: name.to_owned(),
        gender_zh: "女".to_owned(),
        birth: date(1980, 3, 15),
        group: group.to_owned(),
        household: household.to_owned(),
        note: String::new(),
    }
}

/// Names of a group in print order must be in stroke order.
fn assert_stroke_order(names: &[String]) {
    let c = StrokeCollator::new().unwrap();
    for pair in names.windows(2) {
        assert_ne!(
            c.compare(&pair[0], &pair[1]),
            Ordering::Greater,
            "{} printed before {}",
            pair[0],
            pair[1]
        );
    }
}

#[test]
fn voter_list_shows_title_groups_names_in_stroke_order_and_footer() {
    let fonts = fonts();
    let mut voters = voters(24);
    // Known stroke order: 丁 (2) < 王 (4) < 李 (7), given in reverse.
    voters.push(voter("李明", GROUPS[0], "1-1-101"));
    voters.push(voter("王芳", GROUPS[0], "1-1-102"));
    voters.push(voter("丁一", GROUPS[0], "1-1-103"));
    let notice = notice(voters.clone());
    let pdf = voter_list_notice(&fonts, &notice).unwrap();
    let pages = pages_text(&pdf);
    let all = pages.concat();

    assert!(pages[0].contains("选民名单公告"), "{}", pages[0]);
    assert!(pages[0].contains("某某社区第十二届居民委员会选举"));
    for group in GROUPS {
        let n = voters.iter().filter(|v| v.group == group).count();
        let heading = format!("{group}（共{n}人）");
        assert!(all.contains(&heading), "no heading {heading}");
    }
    // Every name, in stroke order within each group, 序号 1..N in order.
    let rows: Vec<(usize, String, Vec<String>)> = pages.iter().flat_map(|p| rows(p)).collect();
    assert_eq!(rows.len(), voters.len(), "{all}");
    assert_eq!(
        rows.iter().map(|r| r.0).collect::<Vec<_>>(),
        (1..=voters.len()).collect::<Vec<_>>()
    );
    for v in &voters {
        assert!(rows.iter().any(|r| r.1 == v.name), "{} missing", v.name);
    }
    let mut start = 0;
    for group in GROUPS {
        let n = voters.iter().filter(|v| v.group == group).count();
        let names: Vec<String> = rows[start..start + n].iter().map(|r| r.1.clone()).collect();
        assert_stroke_order(&names);
        start += n;
    }
    let first_group: Vec<&str> = rows[..9].iter().map(|r| r.1.as_str()).collect();
    let pos = |name: &str| first_group.iter().position(|n| *n == name).unwrap();
    assert!(
        pos("丁一") < pos("王芳") && pos("王芳") < pos("李明"),
        "{first_group:?}"
    );
    // A row: 性别, 出生年月 and 户号 as printed.
    let li = rows.iter().find(|r| r.1 == "李明").unwrap();
    assert_eq!(li.2[..3], ["女", "1980年3月", "1-1-101"]);

    // Footer on every page.
    let fp = "名单指纹（SHA-256）：10171e25 2c333a41 484f565d 646b7279 80878e95 9ca3aab1 b8bfc6cd d4dbe2e9";
    for (i, page) in pages.iter().enumerate() {
        assert!(
            page.contains(fp),
            "page {} has no fingerprint:\n{page}",
            i + 1
        );
        let footer = format!("第 {} 页 共 {} 页", i + 1, pages.len());
        assert!(
            squash(page).contains(&squash(&footer)),
            "page {} has no “{footer}”",
            i + 1
        );
    }
    // The end: totals, objection text, signature.
    let last = pages.last().unwrap();
    assert!(last.contains("合计"), "{last}");
    assert!(last.contains(&format!("{}人", voters.len())));
    assert!(all.contains("对名单有不同意见的"));
    assert!(last.contains("某某社区居民委员会换届选举委员会"));
    assert!(last.contains("2026年11月20日"));
}

#[test]
fn no_resident_id_on_the_notice() {
    let fonts = fonts();
    let pdf = voter_list_notice(&fonts, &notice(voters(60))).unwrap();
    let text = pages_text(&pdf).concat();
    // No run of 15 or more digits/X anywhere (an ID is 18).
    let mut run = 0;
    for ch in text.chars() {
        run = if ch.is_ascii_digit() || ch == 'X' {
            run + 1
        } else {
            0
        };
        assert!(run < 15, "an ID-like number on the notice");
    }
}

#[test]
fn fonts_are_embedded_as_subsets() {
    let fonts = fonts();
    let mut voters = voters(30);
    voters.push(voter("𠀀明", GROUPS[1], "2-1-101"));
    let pdf = voter_list_notice(&fonts, &notice(voters)).unwrap();
    let list = fonts_of(&pdf);
    assert!(list.len() >= 2, "{list:?}");
    for (name, kind, emb, sub, uni) in &list {
        assert_eq!(
            (emb.as_str(), sub.as_str(), uni.as_str()),
            ("yes", "yes", "yes"),
            "{name} {kind}"
        );
        assert!(name.contains('+'), "{name} has no subset tag");
    }
    // Small, because subset: the Noto file alone is 26 MB.
    assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
}

#[test]
fn a_character_no_font_has_is_refused_naming_the_person() {
    let fonts = fonts();
    // U+30000, CJK Extension G: in none of the installed fonts.
    let rare = '\u{30000}';
    assert_eq!(
        fonts.missing(&format!("张{rare}")),
        vec![rare],
        "a font has U+30000 now: pick another"
    );
    let mut voters = voters(10);
    voters.push(voter(&format!("张{rare}"), GROUPS[2], "3-3-303"));
    let err = voter_list_notice(&fonts, &notice(voters)).unwrap_err();
    match &err {
        PrintError::MissingGlyph { what, ch, .. } => {
            assert_eq!(*ch, rare);
            assert!(
                what.contains(&format!("张{rare}")) && what.contains("name"),
                "{what}"
            );
            assert!(what.contains("3-3-303"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("U+30000"), "{err}");
}

#[test]
fn extension_b_names_print_through_the_fallback_fonts() {
    let fonts = fonts();
    // 𠀋 (U+2000B) is in Noto Serif CJK; 𠀀 (U+20000) only in HanaMin.
    let names = ["𠀋文", "𠀀明", "王𠀀"];
    for n in names {
        assert!(fonts.missing(n).is_empty(), "{n}: {:?}", fonts.missing(n));
    }
    let mut voters = voters(6);
    for n in names {
        voters.push(voter(n, GROUPS[0], "1-1-101"));
    }
    let pdf = voter_list_notice(&fonts, &notice(voters)).unwrap();
    let text = pages_text(&pdf).concat();
    for n in names {
        assert!(text.contains(n), "{n} not read back:\n{text}");
    }
    let fonts_used: Vec<String> = fonts_of(&pdf).into_iter().map(|f| f.0).collect();
    assert!(
        fonts_used.iter().any(|f| f.contains("HanaMin")),
        "{fonts_used:?}"
    );
}

#[test]
fn three_hundred_voters_run_over_pages_with_the_header_repeated() {
    let fonts = fonts();
    let voters = voters(300);
    let pdf = voter_list_notice(&fonts, &notice(voters)).unwrap();
    let pages = pages_text(&pdf);
    assert!(pages.len() >= 8, "{} pages", pages.len());
    let rows: Vec<usize> = pages.iter().flat_map(|p| rows(p)).map(|r| r.0).collect();
    assert_eq!(rows, (1..=300).collect::<Vec<_>>());
    for (i, page) in pages.iter().enumerate() {
        if !rows_on(page) {
            continue;
        }
        assert!(
            page.contains("序号") && page.contains("出生年月"),
            "page {} without the header",
            i + 1
        );
        if i > 0 {
            assert!(
                page.contains("续）") || page.contains("（共100人）"),
                "page {}: no group caption",
                i + 1
            );
            assert!(
                squash(page).contains("选民名单公告某某社区"),
                "page {}: no running header",
                i + 1
            );
        }
        assert!(squash(page).contains(&format!("第{}页共{}页", i + 1, pages.len())));
    }
}

fn rows_on(page: &str) -> bool {
    !rows(page).is_empty()
}

/// The same input gives the same PDF but for the trailer's /ID, which the
/// PDF writer draws at random.
#[test]
fn the_same_input_gives_the_same_pdf_but_its_id() {
    let fonts = fonts();
    let n = notice(voters(40));
    let body = |pdf: Vec<u8>| {
        let at = pdf.windows(7).rposition(|w| w == b"trailer").unwrap();
        pdf[..at].to_vec()
    };
    let (a, b) = (
        body(voter_list_notice(&fonts, &n).unwrap()),
        body(voter_list_notice(&fonts, &n).unwrap()),
    );
    assert!(a == b, "two runs differ before the trailer");
}

#[test]
fn a_voter_in_an_unlisted_group_is_refused() {
    let fonts = fonts();
    let mut voters = voters(5);
    voters.push(voter("王芳", "第九居民小组", "9-9-909"));
    let err = voter_list_notice(&fonts, &notice(voters)).unwrap_err();
    assert!(
        matches!(err, PrintError::UnknownGroup { ref group, .. } if group == "第九居民小组"),
        "{err}"
    );
}

#[test]
fn proxy_notice_lists_grantors_in_stroke_order() {
    let fonts = fonts();
    let entry = |grantor: &str, proxy: &str| ProxyEntry {
        grantor: grantor.to_owned(),
        grantor_group: GROUPS[0].to_owned(),
        proxy: proxy.to_owned(),
        proxy_group: GROUPS[1].to_owned(),
        approved_on: date(2026, 12, 10),
    };
    let notice = ProxyNotice {
        election_title: "某某社区第十二届居民委员会选举".to_owned(),
        committee_name: "某某社区居民委员会换届选举委员会".to_owned(),
        publication_date: date(2026, 12, 12),
        fingerprint: None,
        closing_text: "对以上委托有异议的，请于选举日前向选举委员会提出。".to_owned(),
        proxies: vec![
            entry("李明", "赵强"),
            entry("丁一", "白雪"),
            entry("王芳", "刘洋"),
        ],
    };
    let pdf = proxy_notice(&fonts, &notice).unwrap();
    let pages = pages_text(&pdf);
    assert_eq!(pages.len(), 1);
    let page = &pages[0];
    assert!(
        page.contains("委托投票公告") && page.contains("委托人") && page.contains("受委托人"),
        "{page}"
    );
    let rows = rows(page);
    let order: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r.1.as_str(), r.2[1].as_str()))
        .collect();
    assert_eq!(
        order,
        [("丁一", "白雪"), ("王芳", "刘洋"), ("李明", "赵强")]
    );
    assert!(rows[0].2.contains(&"2026年12月10日".to_owned()), "{rows:?}");
    assert!(squash(page).contains("第1页共1页"));
    assert!(!page.contains("名单指纹"));
    assert!(page.contains("2026年12月12日"));
    for (_, _, emb, sub, _) in fonts_of(&pdf) {
        assert_eq!((emb.as_str(), sub.as_str()), ("yes", "yes"));
    }
}

#[test]
fn writing_assistant_notice_lists_voters_in_stroke_order() {
    let fonts = fonts();
    let entry = |voter: &str, assistant: &str| WritingAssistantEntry {
        voter: voter.to_owned(),
        voter_group: GROUPS[2].to_owned(),
        assistant: assistant.to_owned(),
        registered_on: date(2026, 12, 19),
    };
    let notice = WritingAssistantNotice {
        election_title: "某某社区第十二届居民委员会选举".to_owned(),
        committee_name: "某某社区居民委员会换届选举委员会".to_owned(),
        publication_date: date(2026, 12, 19),
        fingerprint: Some(fingerprint()),
        closing_text: String::new(),
        entries: vec![entry("刘洋", "王芳"), entry("丁一", "李明")],
    };
    let pdf = writing_assistant_notice(&fonts, &notice).unwrap();
    let page = &pages_text(&pdf)[0];
    assert!(
        page.contains("代写人公告") && page.contains("代写人"),
        "{page}"
    );
    let names: Vec<String> = rows(page).into_iter().map(|r| r.1).collect();
    assert_eq!(names, ["丁一", "刘洋"]);
    assert!(page.contains("名单指纹（SHA-256）：10171e25"));
}

#[test]
fn a_proxy_with_a_missing_character_is_refused_naming_both_people() {
    let fonts = fonts();
    let notice = ProxyNotice {
        election_title: "选举".to_owned(),
        committee_name: "选举委员会".to_owned(),
        publication_date: date(2026, 12, 12),
        fingerprint: None,
        closing_text: String::new(),
        proxies: vec![ProxyEntry {
            grantor: "王芳".to_owned(),
            grantor_group: GROUPS[0].to_owned(),
            proxy: "李\u{30000}".to_owned(),
            proxy_group: GROUPS[0].to_owned(),
            approved_on: date(2026, 12, 10),
        }],
    };
    match proxy_notice(&fonts, &notice).unwrap_err() {
        PrintError::MissingGlyph { what, ch, .. } => {
            assert_eq!(ch, '\u{30000}');
            assert!(
                what.contains("王芳") && what.contains("李\u{30000}"),
                "{what}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// The 20,000-voter notice: time and size (`cargo test --release -p
/// huanjie-print --test notices -- --ignored --nocapture twenty_thousand`).
#[test]
#[ignore]
fn twenty_thousand_voters() {
    let t = std::time::Instant::now();
    let fonts = fonts();
    let loaded = t.elapsed();
    let n = notice(voters(20_000));
    let t = std::time::Instant::now();
    let pdf = voter_list_notice(&fonts, &n).unwrap();
    let took = t.elapsed();
    std::fs::write(
        std::env::temp_dir().join("huanjie-voter-list-20000.pdf"),
        &pdf,
    )
    .unwrap();
    println!(
        "fonts loaded in {:.2?}; 20,000-voter notice in {:.2?}, {} bytes",
        loaded,
        took,
        pdf.len()
    );
    let pages = pages_text(&pdf);
    let last = pages.last().unwrap();
    assert!(squash(last).contains(&format!("第{}页共{}页", pages.len(), pages.len())));
    println!("{} pages", pages.len());
}

/// A sample notice to look at (`… -- --ignored sample_notice`, then
/// `pdftoppm -png -r 80` on the file it names).
#[test]
#[ignore]
fn sample_notice() {
    let fonts = fonts();
    let mut v = voters(120);
    v.push(voter("𠀀明", GROUPS[1], "2-1-101"));
    let pdf = voter_list_notice(&fonts, &notice(v)).unwrap();
    let path = std::env::temp_dir().join("huanjie-voter-list-sample.pdf");
    std::fs::write(&path, &pdf).unwrap();
    println!("{}", path.display());
}
