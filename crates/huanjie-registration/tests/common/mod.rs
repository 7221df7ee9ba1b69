//! Helpers shared by the integration tests.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use chrono::NaiveDate;
use huanjie_core::profile::RegistrationRules;
use huanjie_core::registration::Column;
use huanjie_core::resident_id::check_character;
use huanjie_core::Profile;
use huanjie_registration::{check_roll, read_roll, ImportReport, RowError};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// The election day the tests use.
pub fn election_day() -> NaiveDate {
    day(2026, 6, 15)
}

/// County-2006: 12 months for residents without household registration.
pub fn rules() -> RegistrationRules {
    Profile::by_id("county-2006").unwrap().registration
}

/// A valid ID from its first 17 digits.
pub fn id(first17: &str) -> String {
    let mut d = [0u32; 17];
    for (i, c) in first17.chars().enumerate() {
        d[i] = c.to_digit(10).unwrap();
    }
    format!("{first17}{}", check_character(&d))
}

/// The canonical header line.
pub fn header_line() -> String {
    Column::ALL
        .iter()
        .map(|c| c.zh())
        .collect::<Vec<_>>()
        .join(",")
}

/// A sound registered voter's row in canonical column order: a man born
/// 1980-01-01 with sequence `seq` (odd, so male).
pub fn voter_row(name: &str, seq: u32) -> Vec<String> {
    let first17 = format!("110105198001010{:02}", seq * 2 % 100 + 1);
    vec![
        name.into(),
        "男".into(),
        id(&first17),
        "一组".into(),
        format!("{:04}", seq),
        "幸福路1号".into(),
        "户籍居民".into(),
        String::new(),
        "否".into(),
        String::new(),
        String::new(),
        "是".into(),
        String::new(),
    ]
}

pub fn csv_of(rows: &[Vec<String>]) -> String {
    let mut s = header_line();
    s.push_str("\r\n");
    for r in rows {
        s.push_str(&r.join(","));
        s.push_str("\r\n");
    }
    s
}

pub fn check_bytes(bytes: &[u8]) -> ImportReport {
    let roll = read_roll(bytes).unwrap_or_else(|e| panic!("{e}"));
    check_roll(&roll, election_day(), &rules())
}

/// A workbook whose first sheet holds `rows` (the first is the header), all
/// as text cells.
pub fn xlsx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            if !cell.is_empty() {
                ws.write_string(r as u32, c as u16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// The CSV text as rows of cells (the generated rolls never quote).
pub fn rows_of_csv(text: &str) -> Vec<Vec<String>> {
    text.lines()
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect()
}

/// A workbook as an office worker would type it: household numbers and
/// groups made of digits as numbers, dates as date cells, 是/否 as
/// booleans.
pub fn typed_xlsx_of(rows: &[Vec<String>]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy/m/d");
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32, c as u16);
            if cell.is_empty() {
                continue;
            }
            let date = (r > 0 && c == 7)
                .then(|| huanjie_registration::cells::parse_date(cell))
                .flatten();
            if let Some(d) = date {
                use chrono::Datelike;
                let dt = ExcelDateTime::from_ymd(d.year() as u16, d.month() as u8, d.day() as u8)
                    .unwrap();
                ws.write_datetime_with_format(r, c16, &dt, &date_format)
                    .unwrap();
            } else if r > 0
                && c == 4
                && cell.bytes().all(|b| b.is_ascii_digit())
                && !cell.starts_with('0')
            {
                ws.write_number(r, c16, cell.parse::<u32>().unwrap())
                    .unwrap();
            } else if r > 0 && c >= 8 && (cell == "是" || cell == "否") {
                ws.write_boolean(r, c16, cell == "是").unwrap();
            } else {
                ws.write_string(r, c16, cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

/// (row, column, rule) of each error, for comparisons.
pub fn keys(errors: &[RowError]) -> Vec<(usize, Column, &'static str)> {
    errors.iter().map(|e| (e.row, e.column, e.rule)).collect()
}
