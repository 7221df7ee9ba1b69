//! Roll import speed: generate a seeded roll, then time `read_roll` and
//! `check_roll` on it and print the figures.
//!
//! Target (issue): a 1M-row CSV imported with every check in ≤ 10 s end
//! to end; reading and checking should be a small part of it (≤ 3 s).
//!
//!     cargo bench -p huanjie-registration --bench roll -- [ROWS] [SEED] [gb18030|xlsx] [save=PATH] [load=PATH]
//!
//! Defaults: 1,000,000 rows, seed 1, UTF-8. `save=` keeps the generated
//! file; `xlsx` puts the generated rows into a workbook (all text cells);
//! `load=` times the import of a saved (or any) roll file instead of
//! generating one, e.g. to profile the import alone. Prints integers only
//! (the workspace denies float arithmetic).

use chrono::NaiveDate;
use huanjie_core::Profile;
use huanjie_registration::{check_roll, generate_roll_csv, read_roll, Encoding};
use std::time::{Duration, Instant};

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn per_second(rows: usize, d: Duration) -> u128 {
    (rows as u128 * 1_000_000) / d.as_micros().max(1)
}

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let rows: usize = args
        .first()
        .filter(|a| !a.contains('='))
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let seed: u64 = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let encoding = if args.iter().any(|a| a == "gb18030") {
        Encoding::Gb18030
    } else {
        Encoding::Utf8
    };
    let Some(day) = NaiveDate::from_ymd_opt(2026, 6, 15) else {
        return;
    };
    let Some(profile) = Profile::builtin("county-2006") else {
        eprintln!("no county-2006 profile");
        return;
    };

    // load=PATH reads a saved roll instead of generating one (to profile
    // the import alone); save=PATH keeps the generated roll.
    let path_arg = |key: &str| {
        args.iter()
            .find_map(|a| a.strip_prefix(key).map(str::to_owned))
    };
    let t = Instant::now();
    let bytes = match path_arg("load=") {
        Some(path) => match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{path}: {e}");
                std::process::exit(1);
            }
        },
        None => generate_roll_csv(seed, rows, day, encoding),
    };
    let bytes = if args.iter().any(|a| a == "xlsx") {
        to_xlsx(&bytes)
    } else {
        bytes
    };
    let generate = t.elapsed();
    if let Some(path) = path_arg("save=") {
        if let Err(e) = std::fs::write(&path, &bytes) {
            eprintln!("{path}: {e}");
        }
    }
    println!(
        "generate: {rows} rows, {} bytes ({} MB), {:?}, {} ms",
        bytes.len(),
        bytes.len() / 1_000_000,
        encoding,
        ms(generate)
    );

    let t = Instant::now();
    let roll = match read_roll(&bytes) {
        Ok(roll) => roll,
        Err(e) => {
            eprintln!("read_roll failed: {e}");
            std::process::exit(1);
        }
    };
    let read = t.elapsed();
    let t = Instant::now();
    let report = check_roll(&roll, day, &profile.registration);
    let check = t.elapsed();
    let total = read + check;

    println!(
        "read_roll:  {} ms ({} rows/s)",
        ms(read),
        per_second(roll.rows.len(), read)
    );
    println!(
        "check_roll: {} ms ({} rows/s)",
        ms(check),
        per_second(roll.rows.len(), check)
    );
    println!(
        "read+check: {} ms ({} rows/s) for {} rows",
        ms(total),
        per_second(roll.rows.len(), total),
        roll.rows.len()
    );
    let summary = report.summary(0);
    println!(
        "accepted: {}; voters {}, not registered {}, errors {}",
        summary.accepted,
        summary.voters,
        summary.not_registered,
        summary.errors.len()
    );
    for k in &summary.not_registered_by_kind {
        println!("  {:>8} {} ({})", k.count, k.kind, k.rule);
    }
    if !report.is_accepted() {
        for e in report.errors.iter().take(5) {
            println!("  row {} {}: {}", e.row, e.column.en(), e.message_en);
        }
        std::process::exit(1);
    }
}

/// The generated CSV's rows as a workbook (text cells), as a committee
/// that keeps its roll in Excel would upload it.
fn to_xlsx(csv: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(csv);
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (r, line) in text.lines().enumerate() {
        for (c, cell) in line.split(',').enumerate() {
            if !cell.is_empty() {
                let (Ok(r), Ok(c)) = (u32::try_from(r), u16::try_from(c)) else {
                    continue;
                };
                if let Err(e) = sheet.write_string(r, c, cell) {
                    eprintln!("xlsx: {e}");
                    std::process::exit(1);
                }
            }
        }
    }
    workbook.save_to_buffer().unwrap_or_else(|e| {
        eprintln!("xlsx: {e}");
        std::process::exit(1)
    })
}
