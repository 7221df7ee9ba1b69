//! Every kind of bad cell: its row, column, value and rule, in both
//! languages; and a roll with any bad row is refused whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use huanjie_core::registration::Column;
use huanjie_registration::RowError;

fn index(column: Column) -> usize {
    Column::ALL.iter().position(|c| *c == column).unwrap()
}

/// The errors of a one-row roll whose cells are changed by `edit`.
fn errors_of(edit: impl FnOnce(&mut Vec<String>)) -> Vec<RowError> {
    let mut row = voter_row("张三", 1);
    edit(&mut row);
    let report = check_bytes(csv_of(&[row]).as_bytes());
    assert_eq!(report.is_accepted(), report.errors.is_empty());
    if !report.is_accepted() {
        assert!(report.voters.is_empty() && report.not_registered.is_empty());
    }
    for e in &report.errors {
        assert!(!e.message_zh.is_empty() && !e.message_en.is_empty());
        assert!(!e.message_en.contains("Some(") && !e.message_en.contains("\\u"));
    }
    report.errors
}

fn set(column: Column, value: &str) -> impl FnOnce(&mut Vec<String>) {
    let value = value.to_owned();
    move |row| row[index(column)] = value
}

/// The one error of a one-row roll: (column, value, rule).
fn one_error(
    edit: impl FnOnce(&mut Vec<String>),
) -> (Column, String, &'static str, String, String) {
    let errors = errors_of(edit);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors.into_iter().next().unwrap();
    assert_eq!(e.row, 2);
    (e.column, e.value, e.rule, e.message_zh, e.message_en)
}

#[test]
fn blank_required_cells_are_omissions() {
    for column in [
        Column::Name,
        Column::Gender,
        Column::ResidentId,
        Column::Group,
        Column::Household,
        Column::Category,
    ] {
        let (c, value, rule, zh, en) = one_error(set(column, ""));
        assert_eq!((c, value.as_str(), rule), (column, "", "R-REG-3"));
        assert!(zh.contains("必填"), "{zh}");
        assert!(en.contains("is required"), "{en}");
    }
    // Optional cells may be blank.
    for column in [
        Column::Address,
        Column::PoliticalRights,
        Column::HouseholdRepresentative,
    ] {
        assert!(errors_of(set(column, "")).is_empty());
    }
}

#[test]
fn bad_resident_ids() {
    let good = voter_row("张三", 1)[2].clone();
    let mut wrong_check = good.clone();
    let last = wrong_check.pop().unwrap();
    wrong_check.push(if last == '0' { '1' } else { '0' });
    let cases = [
        ("12345", "18 characters"),
        (wrong_check.as_str(), "check digit"),
        ("1101051980010100AX", "character 17 is “A”"),
        ("11010519800101001Y", "digit or X"),
        ("110105800101001", "old 15-digit"),
    ];
    for (value, words) in cases {
        let (c, v, rule, _, en) = one_error(set(Column::ResidentId, value));
        assert_eq!(
            (c, v.as_str(), rule),
            (Column::ResidentId, value, "R-REG-1")
        );
        assert!(en.contains(words), "{value}: {en}");
    }
    let feb30 = id("11010519800230001");
    let (_, _, rule, zh, en) = one_error(set(Column::ResidentId, &feb30));
    assert_eq!(rule, "R-REG-1");
    assert!(en.contains("19800230 is not a real date"), "{en}");
    assert!(zh.contains("不是真实日期"), "{zh}");
    // Born after election day (2026-06-15).
    let later = id("11010520260701001");
    let (c, _, rule, zh, _) = one_error(set(Column::ResidentId, &later));
    assert_eq!((c, rule), (Column::ResidentId, "R-REG-1"));
    assert!(zh.contains("晚于选举日"));
}

#[test]
fn ids_typed_in_full_width_or_wrapped_for_excel_are_fine() {
    let good = voter_row("张三", 1)[2].clone();
    let full_width: String = good
        .chars()
        .map(|c| char::from_u32(u32::from(c) - u32::from('0') + u32::from('０')).unwrap_or(c))
        .collect();
    assert!(errors_of(set(Column::ResidentId, &full_width)).is_empty());
    assert!(errors_of(set(Column::ResidentId, &format!("=\"{good}\""))).is_empty());
    assert!(errors_of(set(Column::ResidentId, &format!("\t{good} "))).is_empty());
}

#[test]
fn gender_must_be_readable_and_agree_with_the_id() {
    let (c, v, rule, zh, en) = one_error(set(Column::Gender, "未知"));
    assert_eq!((c, v.as_str(), rule), (Column::Gender, "未知", "R-REG-1"));
    assert!(zh.contains("“未知”") && en.contains("“未知”"));
    // The ID's 17th digit is odd (male).
    let (c, v, rule, zh, en) = one_error(set(Column::Gender, "女"));
    assert_eq!((c, v.as_str(), rule), (Column::Gender, "女", "R-REG-1"));
    assert!(zh.contains("第17位"), "{zh}");
    assert!(en.contains("17th digit"), "{en}");
    for ok in ["M", "male", "男性"] {
        assert!(errors_of(set(Column::Gender, ok)).is_empty(), "{ok}");
    }
}

#[test]
fn category_and_its_dates() {
    let (c, v, rule, _, en) = one_error(set(Column::Category, "居民"));
    assert_eq!((c, v.as_str(), rule), (Column::Category, "居民", "R-REG-2"));
    assert!(en.contains("外来人员"));
    // A non-registered resident needs a residence start date.
    let (c, v, rule, zh, _) = one_error(|row| {
        row[index(Column::Category)] = "外来人员".into();
    });
    assert_eq!(
        (c, v.as_str(), rule),
        (Column::ResidenceSince, "", "R-REG-2")
    );
    assert!(zh.contains("居住起始日期"));
    // One error for an unreadable date, not a second "missing" one.
    let (c, v, rule, zh, en) = one_error(|row| {
        row[index(Column::Category)] = "外来人员".into();
        row[index(Column::ResidenceSince)] = "去年三月".into();
    });
    assert_eq!(
        (c, v.as_str(), rule),
        (Column::ResidenceSince, "去年三月", "R-REG-2")
    );
    assert!(
        zh.contains("应为日期") && en.contains("real date"),
        "{zh} {en}"
    );
    let (_, _, rule, _, en) = one_error(set(Column::ResidenceSince, "2026-07-01"));
    assert_eq!(rule, "R-REG-2");
    assert!(en.contains("after election day"));
    let (_, v, _, _, _) = one_error(set(Column::ResidenceSince, "2025-02-29"));
    assert_eq!(v, "2025-02-29");
}

#[test]
fn yes_no_columns_cite_the_rule_they_serve() {
    for (column, rule) in [
        (Column::PoliticalRights, "R-REG-1"),
        (Column::WillParticipate, "R-REG-2"),
        (Column::CommitteeConsent, "R-REG-2"),
        (Column::HouseholdRepresentative, "R-REG-6"),
        (Column::ResidentsRepresentative, "R-REG-6"),
    ] {
        let (c, v, r, zh, en) = one_error(set(column, "也许"));
        assert_eq!((c, v.as_str(), r), (column, "也许", rule));
        assert!(
            zh.contains("“是”或“否”") && en.contains("yes or no"),
            "{zh} {en}"
        );
        for ok in ["是", "否", "Y", "n", "TRUE", "0", "√", ""] {
            assert!(errors_of(set(column, ok)).is_empty(), "{ok}");
        }
    }
}

#[test]
fn every_error_of_a_row_is_listed_in_column_order() {
    let errors = errors_of(|row| {
        row[index(Column::Name)] = String::new();
        row[index(Column::Gender)] = "女".into();
        row[index(Column::Group)] = String::new();
        row[index(Column::ResidenceSince)] = "2025-13-01".into();
        row[index(Column::ResidentsRepresentative)] = "?".into();
    });
    assert_eq!(
        keys(&errors),
        vec![
            (2, Column::Name, "R-REG-3"),
            (2, Column::Gender, "R-REG-1"),
            (2, Column::Group, "R-REG-3"),
            (2, Column::ResidenceSince, "R-REG-2"),
            (2, Column::ResidentsRepresentative, "R-REG-6"),
        ]
    );
}

#[test]
fn the_same_id_twice_is_an_error_on_every_repeat() {
    let a = voter_row("张三", 1);
    let b = voter_row("李四", 2);
    let mut a_again = a.clone();
    a_again[0] = "张叁".into();
    // A repeat counts even when the first row has another error.
    let mut b_bad = b.clone();
    b_bad[3] = String::new();
    let rows = vec![b_bad, a.clone(), a_again.clone(), b.clone(), a_again];
    let report = check_bytes(csv_of(&rows).as_bytes());
    assert!(!report.is_accepted());
    assert_eq!(
        keys(&report.errors),
        vec![
            (2, Column::Group, "R-REG-3"),
            (4, Column::ResidentId, "R-REG-3"),
            (5, Column::ResidentId, "R-REG-3"),
            (6, Column::ResidentId, "R-REG-3"),
        ]
    );
    assert_eq!(
        report.errors[1].message_zh,
        "公民身份号码与第3行重复：同一人不得重复登记"
    );
    assert_eq!(
        report.errors[1].message_en,
        "same resident ID as row 3: no one is registered twice"
    );
    assert!(report.errors[2].message_en.contains("row 2"));
    assert!(report.errors[3].message_en.contains("row 3"));
    assert_eq!(report.errors[1].value, a[2]);
    // Only the first listing of 张三 is sound.
    assert_eq!(
        report.voters.iter().map(|v| v.row).collect::<Vec<_>>(),
        vec![3]
    );
    // Lower-case x and upper-case X are the same ID.
    let mut x = voter_row("王五", 3);
    x[2] = id("11010519491231001");
    let mut lower = x.clone();
    if x[2].ends_with('X') {
        lower[2] = x[2].to_lowercase();
    }
    let report = check_bytes(csv_of(&[x, lower]).as_bytes());
    assert_eq!(
        keys(&report.errors),
        vec![(3, Column::ResidentId, "R-REG-3")]
    );
}

#[test]
fn one_bad_row_among_many_refuses_the_file_and_every_bad_row_is_listed() {
    let mut rows: Vec<Vec<String>> = (0..40).map(|i| voter_row("居民", i)).collect();
    rows[17][index(Column::Household)] = String::new();
    let report = check_bytes(csv_of(&rows).as_bytes());
    assert!(!report.is_accepted());
    assert_eq!(
        keys(&report.errors),
        vec![(19, Column::Household, "R-REG-3")]
    );
    assert_eq!(report.voters.len(), 39);
    rows[3][index(Column::Category)] = "不知道".into();
    rows[30][index(Column::Gender)] = "女".into();
    let report = check_bytes(csv_of(&rows).as_bytes());
    assert_eq!(
        keys(&report.errors),
        vec![
            (5, Column::Category, "R-REG-2"),
            (19, Column::Household, "R-REG-3"),
            (32, Column::Gender, "R-REG-1"),
        ]
    );
}

#[test]
fn row_numbers_are_what_excel_shows() {
    let good = voter_row("张三", 1).join(",");
    let mut bad = voter_row("李四", 2);
    bad[3] = String::new();
    let bad = bad.join(",");
    // Blank lines count; a quoted address over two lines is one row.
    let mut multi = voter_row("王五", 3);
    multi[5] = "\"幸福路1号\n2单元\"".into();
    let text = format!(
        "{}\r\n\r\n{good}\r\n{}\r\n\r\n\r\n{bad}\n , ,\n{bad}\n",
        header_line(),
        multi.join(",")
    );
    let report = check_bytes(text.as_bytes());
    // 李四 on row 9 is a repeat of row 7, and both lack their group.
    assert_eq!(
        keys(&report.errors),
        vec![
            (7, Column::Group, "R-REG-3"),
            (9, Column::ResidentId, "R-REG-3"),
            (9, Column::Group, "R-REG-3"),
        ]
    );
    assert!(report.errors[1].message_en.contains("row 7"));
    assert_eq!(report.voters.len(), 2);
    assert_eq!(report.voters[1].resident.address, "幸福路1号\n2单元");
    assert_eq!(report.rows, 4);
}

#[test]
fn long_values_are_cut_and_ids_are_masked_in_debug() {
    let long = "长".repeat(500);
    let (_, v, _, zh, _) = one_error(set(Column::Gender, &long));
    assert_eq!(v.chars().count(), 101);
    assert!(zh.chars().count() < 200);
    let mut bad = voter_row("张三", 1);
    bad[1] = "女".into();
    let full_id = bad[2].clone();
    let report = check_bytes(csv_of(&[bad.clone(), bad]).as_bytes());
    let debug = format!("{report:?}");
    assert!(!debug.contains(&full_id), "{debug}");
    assert!(debug.contains("1101**********"), "{debug}");
}
