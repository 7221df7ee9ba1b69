//! The same roll, whatever the file: templates, encodings and workbooks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use calamine::Reader;
use common::*;
use huanjie_core::registration::{Category, Column, Exclusion};
use huanjie_registration::{
    generate_roll_csv, read_roll, template_csv, template_xlsx, Encoding, SourceFormat,
};

#[test]
fn the_csv_template_is_accepted() {
    let bytes = template_csv();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "Excel needs the BOM");
    let roll = read_roll(&bytes).unwrap();
    assert_eq!(roll.format, SourceFormat::Utf8Bom);
    assert_eq!(roll.columns, Column::ALL.to_vec());
    let report = check_bytes(&bytes);
    assert!(report.is_accepted(), "{:?}", report.errors);
    assert_eq!(report.rows, 2);
    assert_eq!(report.voters.len(), 2);
    assert_eq!(report.voters[0].row, 2);
    assert_eq!(report.voters[1].resident.category, Category::NonRegistered);
}

#[test]
fn the_xlsx_template_is_accepted_and_has_notes() {
    let bytes = template_xlsx();
    assert!(bytes.starts_with(b"PK\x03\x04"));
    let roll = read_roll(&bytes).unwrap();
    assert_eq!(roll.format, SourceFormat::Xlsx);
    assert_eq!(roll.columns, Column::ALL.to_vec());
    let report = check_bytes(&bytes);
    assert!(report.is_accepted(), "{:?}", report.errors);
    assert_eq!(report.voters.len(), 2);
    // The same residents as the CSV template.
    assert_eq!(report, check_bytes(&template_csv()));

    let mut wb = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["名册 Roll", "说明 Notes"]);
    let notes = wb.worksheet_range("说明 Notes").unwrap();
    let text: Vec<String> = notes.cells().map(|(_, _, d)| d.to_string()).collect();
    for c in Column::ALL {
        assert!(text.iter().any(|t| t == c.zh()), "{} not described", c.zh());
    }
    assert!(
        text.iter().any(|t| t.contains("身份证号码")),
        "aliases listed"
    );
}

/// One generated roll in every file kind gives one report.
#[test]
fn every_file_kind_gives_the_same_report() {
    let utf8 = generate_roll_csv(11, 400, election_day(), Encoding::Utf8);
    let text = String::from_utf8(utf8.clone()).unwrap();
    let expected = check_bytes(&utf8);
    assert!(expected.is_accepted(), "{:?}", expected.errors);
    assert_eq!(expected.rows, 400);
    assert!(!expected.not_registered.is_empty());

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&utf8);
    let gb = generate_roll_csv(11, 400, election_day(), Encoding::Gb18030);
    assert!(std::str::from_utf8(&gb).is_err(), "really GB18030");
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in text.replace(',', "\t").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let rows = rows_of_csv(&text);
    let kinds: [(&str, Vec<u8>, SourceFormat); 6] = [
        ("UTF-8 BOM", bom, SourceFormat::Utf8Bom),
        ("GB18030", gb, SourceFormat::Gb18030),
        ("UTF-16 tab-separated", utf16, SourceFormat::Utf16),
        (
            "LF line ends",
            text.replace("\r\n", "\n").into_bytes(),
            SourceFormat::Utf8,
        ),
        ("xlsx", xlsx_of(&rows), SourceFormat::Xlsx),
        ("typed xlsx", typed_xlsx_of(&rows), SourceFormat::Xlsx),
    ];
    for (what, bytes, format) in kinds {
        assert_eq!(read_roll(&bytes).unwrap().format, format, "{what}");
        let report = check_bytes(&bytes);
        assert_eq!(report, expected, "{what}");
    }
}

#[test]
fn rare_characters_survive_gb18030() {
    let gb = generate_roll_csv(3, 50, election_day(), Encoding::Gb18030);
    let report = check_bytes(&gb);
    let names: Vec<&str> = report
        .voters
        .iter()
        .map(|v| v.resident.name.as_str())
        .chain(
            report
                .not_registered
                .iter()
                .map(|(e, _)| e.resident.name.as_str()),
        )
        .collect();
    assert!(names.iter().any(|n| n.contains('㛃')), "{names:?}");
    assert!(names.iter().any(|n| n.contains('𠮷')), "{names:?}");
}

#[test]
fn excel_dates_numbers_and_booleans_are_read_as_typed() {
    let mut row = voter_row("王芳", 1);
    row[1] = "女".into();
    row[2] = id("11010519800101002");
    row[4] = "1203".into();
    row[6] = "外来人员".into();
    row[7] = "2020年3月1日".into();
    row[10] = "是".into();
    let rows = vec![Column::ALL.iter().map(|c| c.zh().to_owned()).collect(), row];
    let report = check_bytes(&typed_xlsx_of(&rows));
    assert!(report.is_accepted(), "{:?}", report.errors);
    let r = &report.voters[0].resident;
    assert_eq!(r.household, "1203");
    assert_eq!(r.residence_since, Some(day(2020, 3, 1)));
    assert_eq!(r.committee_consent, Some(true));
    assert!(r.household_representative);
    assert!(!r.deprived_of_political_rights);
}

#[test]
fn an_id_in_a_number_cell_works_when_excel_kept_it() {
    // A 15-digit number is exact in Excel: read back as the same digits
    // (and refused as an old ID, with advice, not as garbage).
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (c, col) in Column::ALL.iter().enumerate() {
        ws.write_string(0, c as u16, col.zh()).unwrap();
    }
    let row = voter_row("张三", 1);
    for (c, cell) in row.iter().enumerate() {
        ws.write_string(1, c as u16, cell).unwrap();
        ws.write_string(2, c as u16, cell).unwrap();
    }
    ws.write_number(1, 2, 110105800101001.0).unwrap();
    // 18 digits in a number cell: Excel keeps 15, the rest are gone.
    ws.write_number(2, 2, 110105198001010000.0).unwrap();
    let report = check_bytes(&wb.save_to_buffer().unwrap());
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    assert_eq!(report.errors[0].row, 2);
    assert_eq!(report.errors[0].value, "110105800101001");
    assert!(report.errors[0].message_en.contains("old 15-digit"));
    assert_eq!(report.errors[1].row, 3);
    assert_eq!(report.errors[1].column, Column::ResidentId);
    assert!(report.errors[1].message_zh.contains("文本"));
    assert!(report.errors[1].message_en.contains("stored as a number"));
}

#[test]
fn a_sheet_that_starts_below_and_right_keeps_excel_numbers() {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    // Header in B3, data from B4, a blank row 5, data on row 6.
    for (c, col) in Column::ALL.iter().enumerate() {
        ws.write_string(2, c as u16 + 1, col.zh()).unwrap();
    }
    let mut bad = voter_row("李四", 2);
    bad[3] = String::new();
    for (r, row) in [(3u32, voter_row("张三", 1)), (5, bad)] {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r, c as u16 + 1, cell).unwrap();
            }
        }
    }
    let roll = read_roll(&wb.save_to_buffer().unwrap()).unwrap();
    assert_eq!(roll.header_row, 3);
    assert_eq!(
        roll.rows.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![4, 6]
    );
    let report = huanjie_registration::check_roll(&roll, election_day(), &rules());
    assert_eq!(keys(&report.errors), vec![(6, Column::Group, "R-REG-3")]);
}

#[test]
fn exclusions_are_reported_with_their_rules() {
    let mut child = voter_row("小明", 1);
    child[2] = id("11010520150101001");
    let mut deprived = voter_row("赵六", 2);
    deprived[8] = "是".into();
    let mut away = voter_row("钱七", 3);
    away[6] = "人户分离".into();
    let mut recent = voter_row("孙八", 4);
    recent[6] = "外来人员".into();
    recent[7] = "2026-03-01".into();
    recent[10] = "是".into();
    let mut no_consent = voter_row("周九", 5);
    no_consent[6] = "外来人员".into();
    no_consent[7] = "2020-03-01".into();
    let report = check_bytes(csv_of(&[child, deprived, away, recent, no_consent]).as_bytes());
    assert!(report.is_accepted(), "{:?}", report.errors);
    assert!(report.voters.is_empty());
    let got: Vec<(usize, Exclusion)> = report
        .not_registered
        .iter()
        .map(|(e, x)| (e.row, *x))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, Exclusion::Under18 { age: 11 }),
            (3, Exclusion::DeprivedOfPoliticalRights),
            (4, Exclusion::NotTakingPart),
            (
                5,
                Exclusion::ResidenceTooShort {
                    months_required: 12
                }
            ),
            (6, Exclusion::NoCommitteeConsent),
        ]
    );
}
