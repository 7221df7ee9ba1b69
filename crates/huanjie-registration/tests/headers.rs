//! The header row: every accepted name, and every refusal.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use huanjie_core::registration::Column;
use huanjie_registration::headers::aliases;
use huanjie_registration::{read_roll, RollFileError};

/// A file whose headers are `headers` (in canonical column order) and one
/// sound row.
fn file_with_headers(headers: &[String]) -> String {
    format!(
        "{}\n{}\n",
        headers.join(","),
        voter_row("张三", 1).join(",")
    )
}

fn canonical() -> Vec<String> {
    Column::ALL.iter().map(|c| c.zh().to_owned()).collect()
}

#[test]
fn every_alias_names_its_column() {
    for (i, column) in Column::ALL.into_iter().enumerate() {
        let names = [column.zh(), column.en()]
            .into_iter()
            .chain(aliases(column).iter().copied());
        for name in names {
            let mut headers = canonical();
            headers[i] = name.to_owned();
            let text = file_with_headers(&headers);
            let roll = read_roll(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(roll.columns[i], column, "{name}");
            let report = check_bytes(text.as_bytes());
            assert!(report.is_accepted(), "{name}: {:?}", report.errors);
            assert_eq!(report.voters[0].resident.name, "张三");
        }
    }
}

#[test]
fn english_headers_in_any_case_and_order_with_spaces() {
    let mut columns = Column::ALL.to_vec();
    columns.reverse();
    let headers: Vec<String> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| match i % 3 {
            0 => format!(" {} ", c.en().to_uppercase()),
            1 => format!("\u{3000}{}", c.en().replace('_', " ")),
            _ => c.en().to_owned(),
        })
        .collect();
    let mut row = voter_row("张三", 1);
    row.reverse();
    let text = format!("{}\n{}\n", headers.join(","), row.join(","));
    let report = check_bytes(text.as_bytes());
    assert!(report.is_accepted(), "{:?}", report.errors);
    assert_eq!(report.voters[0].resident.group, "一组");
}

#[test]
fn only_required_columns_is_enough() {
    let text = "姓名,性别,身份证号,小组,户号,户籍性质\n张三,男,11010519491231001X,一组,1,户籍\n";
    let id_ok = id("11010519491231001");
    let text = text.replace("11010519491231001X", &id_ok);
    let report = check_bytes(text.as_bytes());
    assert!(report.is_accepted(), "{:?}", report.errors);
    assert_eq!(report.voters.len(), 1);
    assert_eq!(report.voters[0].resident.address, "");
}

#[test]
fn unknown_headers_are_all_named() {
    let mut headers = canonical();
    headers.push("备注".into());
    headers.push("联系电话".into());
    let err = read_roll(file_with_headers(&headers).as_bytes()).unwrap_err();
    let RollFileError::UnknownHeaders(cells) = &err else {
        panic!("{err:?}")
    };
    let named: Vec<(&str, &str)> = cells
        .iter()
        .map(|c| (c.text.as_str(), c.column.as_str()))
        .collect();
    assert_eq!(named, vec![("备注", "N"), ("联系电话", "O")]);
    assert!(
        err.message_zh().contains("“备注”（N列）"),
        "{}",
        err.message_zh()
    );
    assert!(err.message_en().contains("“联系电话” (column O)"), "{err}");
    assert_eq!(err.headers().len(), 2);
}

#[test]
fn a_roll_without_a_header_row_is_refused_without_leaking_ids() {
    let text = format!("{}\n", voter_row("张三", 1).join(","));
    let err = read_roll(text.as_bytes()).unwrap_err();
    let full_id = voter_row("张三", 1)[2].clone();
    assert!(matches!(err, RollFileError::UnknownHeaders(_)));
    for shown in [err.message_zh(), err.message_en(), format!("{err:?}")] {
        assert!(!shown.contains(&full_id), "{shown}");
    }
    assert!(err.message_zh().contains("第一行看起来是数据"));
    assert!(err.message_en().contains("looks like data"));
}

#[test]
fn missing_required_columns_are_all_named() {
    let headers: Vec<String> = canonical()
        .into_iter()
        .filter(|h| h != "居民小组" && h != "户籍类别")
        .collect();
    let err = read_roll(format!("{}\n", headers.join(",")).as_bytes()).unwrap_err();
    assert_eq!(
        err,
        RollFileError::MissingColumns(vec![Column::Group, Column::Category])
    );
    assert_eq!(err.message_zh(), "缺少必填列：居民小组、户籍类别");
    assert!(err.to_string().contains("居民小组 (group)"));
}

#[test]
fn a_column_named_twice_is_refused() {
    let mut headers = canonical();
    headers.push("身份证号码".into());
    let err = read_roll(format!("{}\n", headers.join(",")).as_bytes()).unwrap_err();
    let RollFileError::DuplicateColumn {
        column,
        first,
        second,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert_eq!(*column, Column::ResidentId);
    assert_eq!((first.column.as_str(), second.column.as_str()), ("C", "N"));
    assert!(err.message_zh().contains("只能保留一列"));
}

#[test]
fn values_under_no_header_are_refused() {
    // A blank header in the middle, with data under it on row 3.
    let mut headers = canonical();
    headers.insert(5, String::new());
    let mut good = voter_row("张三", 1);
    good.insert(5, String::new());
    let mut stray = voter_row("李四", 2);
    stray.insert(5, "备注".into());
    let text = format!(
        "{}\n{}\n{}\n",
        headers.join(","),
        good.join(","),
        stray.join(",")
    );
    let err = read_roll(text.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        RollFileError::DataWithoutHeader {
            row: 3,
            column: "F".into()
        }
    );
    // Beyond the last header.
    let text = format!(
        "{}\n{},x\n",
        canonical().join(","),
        voter_row("张三", 1).join(",")
    );
    let err = read_roll(text.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        RollFileError::DataWithoutHeader {
            row: 2,
            column: "N".into()
        }
    );
    // Empty cells beyond the headers (trailing commas) are fine.
    let text = format!(
        "{}\n{},,\n",
        canonical().join(","),
        voter_row("张三", 1).join(",")
    );
    assert!(check_bytes(text.as_bytes()).is_accepted());
}

#[test]
fn empty_and_unreadable_files() {
    assert_eq!(read_roll(b"").unwrap_err(), RollFileError::Empty);
    assert_eq!(read_roll(b"\n , ,\n\n").unwrap_err(), RollFileError::Empty);
    assert_eq!(
        read_roll(b"\xEF\xBB\xBF").unwrap_err(),
        RollFileError::Empty
    );
    assert_eq!(
        read_roll(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]).unwrap_err(),
        RollFileError::OldExcel
    );
    assert!(matches!(
        read_roll(b"PK\x03\x04 not really a zip").unwrap_err(),
        RollFileError::Workbook { .. }
    ));
    assert_eq!(
        read_roll(&[0x41, 0xFF, 0xFF]).unwrap_err(),
        RollFileError::NotText
    );
    for e in [
        RollFileError::Empty,
        RollFileError::NotText,
        RollFileError::OldExcel,
    ] {
        assert!(!e.message_zh().is_empty() && !e.message_en().is_empty());
    }
    // A header-only file is a roll with no residents.
    let roll = read_roll(format!("{}\n", canonical().join(",")).as_bytes()).unwrap();
    assert!(roll.rows.is_empty());
}

#[test]
fn headers_with_notes_and_required_marks() {
    let mut headers = canonical();
    headers[0] = "姓名*".into();
    headers[1] = "性别（男/女）".into();
    headers[2] = "公民身份号码(18位)".into();
    let report = check_bytes(file_with_headers(&headers).as_bytes());
    assert!(report.is_accepted(), "{:?}", report.errors);
}
