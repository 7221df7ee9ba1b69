#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The voter-list spreadsheet read back with calamine.

use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use huanjie_core::ResidentId;
use huanjie_print::{voter_list_xlsx, ExportedVoter, Fingerprint, PrintError, VoterListExport};
use std::io::Cursor;

fn id(text: &str) -> ResidentId {
    text.parse().unwrap()
}

fn voter(name: &str, group: &str, household: &str, resident_id: &str) -> ExportedVoter {
    ExportedVoter {
        name: name.to_owned(),
        gender_zh: "男".to_owned(),
        resident_id: id(resident_id),
        group: group.to_owned(),
        household: household.to_owned(),
        address: format!("幸福路{household}号"),
        note: String::new(),
    }
}

fn export() -> VoterListExport {
    VoterListExport {
        election_title: "某某社区第十二届居民委员会选举".to_owned(),
        election_day: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
        publication_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        fingerprint: Fingerprint([0x5a; 32]),
        groups_in_order: vec!["第一居民小组".to_owned(), "第二居民小组".to_owned()],
        voters: vec![
            // Valid GB 11643 IDs; the first ends in X.
            voter("李明", "第二居民小组", "10", "11010519491231002X"),
            voter("王芳", "第一居民小组", "3", "110105198001010016"),
            voter("李明", "第二居民小组", "2", "110105198001010032"),
            voter("丁一", "第二居民小组", "7", "110105197503150014"),
        ],
    }
}

fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<Data>> {
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let range = book.worksheet_range(name).unwrap();
    range.rows().map(|r| r.to_vec()).collect()
}

fn s(text: &str) -> Data {
    Data::String(text.to_owned())
}

#[test]
fn list_sheet_in_notice_order_with_ids_as_text() {
    let bytes = voter_list_xlsx(&export()).unwrap();
    let rows = sheet(&bytes, "选民名单");
    assert_eq!(
        rows[0],
        [
            "序号",
            "居民小组",
            "户号",
            "姓名",
            "性别",
            "公民身份号码",
            "出生日期",
            "住址",
            "备注"
        ]
        .map(s)
    );
    // Group order as listed; within a group by strokes (丁 < 李), the two
    // 李明 by household in natural order (2 before 10).
    let summary: Vec<(String, String, String)> = rows[1..]
        .iter()
        .map(|r| (r[1].to_string(), r[3].to_string(), r[2].to_string()))
        .collect();
    let expected = [
        ("第一居民小组", "王芳", "3"),
        ("第二居民小组", "丁一", "7"),
        ("第二居民小组", "李明", "2"),
        ("第二居民小组", "李明", "10"),
    ];
    assert_eq!(
        summary,
        expected.map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()))
    );
    // 序号 is a number; the ID, also the one ending in X, is text.
    assert_eq!(rows[1][0], Data::Float(1.0));
    assert_eq!(rows[4][5], s("11010519491231002X"));
    assert_eq!(rows[1][5], s("110105198001010016"));
    assert_eq!(rows[4][6], s("1949-12-31"));
    assert_eq!(rows[4][7], s("幸福路10号"));
    assert_eq!(rows[4][4], s("男"));
    assert_eq!(rows.len(), 5);
}

#[test]
fn about_sheet_has_the_election_and_the_fingerprint() {
    let bytes = voter_list_xlsx(&export()).unwrap();
    let rows = sheet(&bytes, "说明");
    let get = |label: &str| {
        rows.iter()
            .find(|r| r[0] == s(label))
            .map(|r| r[1].to_string())
            .unwrap_or_else(|| panic!("no {label}"))
    };
    assert_eq!(get("选举"), "某某社区第十二届居民委员会选举");
    assert_eq!(get("选举日期"), "2026年12月20日");
    assert_eq!(get("公布日期"), "2026年11月20日");
    assert_eq!(get("选民人数"), "4");
    assert_eq!(get("名单指纹（SHA-256）"), "5a".repeat(32));
}

#[test]
fn an_unlisted_group_is_refused() {
    let mut e = export();
    e.voters
        .push(voter("赵强", "第九居民小组", "1", "110105198001010016"));
    assert!(matches!(
        voter_list_xlsx(&e),
        Err(PrintError::UnknownGroup { .. })
    ));
}
