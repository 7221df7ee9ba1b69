//! Property tests: no input panics the reader, generated rolls are always
//! accepted, and injected bad rows are always found where they were put.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use huanjie_core::resident_id::ResidentId;
use huanjie_registration::{
    check_roll, generate_roll_csv, generate_roll_with_errors, read_roll, Encoding, Flaw,
};
use proptest::prelude::*;

fn encoding(gb: bool) -> Encoding {
    if gb {
        Encoding::Gb18030
    } else {
        Encoding::Utf8
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        if let Ok(roll) = read_roll(&bytes) {
            let _ = check_roll(&roll, election_day(), &rules());
        }
    }

    #[test]
    fn arbitrary_workbook_like_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..600)) {
        let mut bytes = b"PK\x03\x04".to_vec();
        bytes.extend(tail);
        prop_assert!(read_roll(&bytes).is_err());
    }

    #[test]
    fn damaged_real_workbooks_never_panic(cut in 0usize..4000, flip in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = huanjie_registration::template_xlsx();
        let n = bytes.len();
        bytes[flip % n] = byte;
        bytes.truncate(n - cut % n);
        if let Ok(roll) = read_roll(&bytes) {
            let _ = check_roll(&roll, election_day(), &rules());
        }
    }

    #[test]
    fn arbitrary_text_under_a_real_header_never_panics(
        cells in proptest::collection::vec("[\\PC,\"\r\n\t]{0,30}", 0..40)
    ) {
        let mut text = header_line();
        text.push('\n');
        text.push_str(&cells.join(","));
        if let Ok(roll) = read_roll(text.as_bytes()) {
            let report = check_roll(&roll, election_day(), &rules());
            prop_assert_eq!(report.is_accepted(), report.errors.is_empty());
            prop_assert!(report.voters.len() + report.not_registered.len() <= report.rows);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn generated_rolls_are_accepted(seed in any::<u64>(), n in 0usize..300, gb in any::<bool>()) {
        let bytes = generate_roll_csv(seed, n, election_day(), encoding(gb));
        let roll = read_roll(&bytes).unwrap();
        prop_assert_eq!(roll.rows.len(), n);
        for (i, row) in roll.rows.iter().enumerate() {
            prop_assert_eq!(row.row, i + 2);
            let id = row.cells.get(huanjie_core::registration::Column::ResidentId);
            prop_assert!(id.parse::<ResidentId>().is_ok(), "row {}", row.row);
        }
        let report = check_roll(&roll, election_day(), &rules());
        prop_assert!(report.is_accepted(), "{:?}", report.errors);
        prop_assert_eq!(report.voters.len() + report.not_registered.len(), n);
        // Six-month profiles accept the same files.
        let mut six = rules();
        six.non_registered_residence_months = 6;
        prop_assert!(check_roll(&roll, election_day(), &six).is_accepted());
    }

    #[test]
    fn injected_errors_are_found_at_their_rows(
        seed in any::<u64>(),
        n in 15usize..400,
        gb in any::<bool>(),
        picks in proptest::collection::vec(0usize..5, 1..6),
    ) {
        let flaws: Vec<Flaw> = picks.iter().map(|&i| Flaw::ALL[i]).collect();
        let generated = generate_roll_with_errors(seed, n, election_day(), encoding(gb), &flaws);
        prop_assert_eq!(generated.flaws.len(), flaws.len().min(n / 3));
        let report = check_bytes(&generated.bytes);
        let expected: Vec<_> = generated
            .flaws
            .iter()
            .map(|f| (f.row, f.column, f.rule))
            .collect();
        prop_assert_eq!(keys(&report.errors), expected);
        for (f, e) in generated.flaws.iter().zip(&report.errors) {
            if let Some(first) = f.first_row {
                let cited = format!("row {first}");
                prop_assert!(e.message_en.contains(&cited), "{}", e.message_en);
            }
        }
        prop_assert_eq!(
            report.voters.len() + report.not_registered.len() + generated.flaws.len(),
            n
        );
    }
}

#[test]
fn every_flaw_kind_is_injected_and_found() {
    let generated = generate_roll_with_errors(5, 1000, election_day(), Encoding::Utf8, &Flaw::ALL);
    assert_eq!(generated.flaws.len(), 5);
    let report = check_bytes(&generated.bytes);
    assert!(!report.is_accepted());
    assert_eq!(report.errors.len(), 5, "{:?}", report.errors);
    for (f, e) in generated.flaws.iter().zip(&report.errors) {
        assert_eq!(
            (e.row, e.column, e.rule),
            (f.row, f.column, f.rule),
            "{f:?}"
        );
    }
    // The same roll without flaws is accepted.
    let clean = generate_roll_csv(5, 1000, election_day(), Encoding::Utf8);
    assert!(check_bytes(&clean).is_accepted());
}

/// Rolls from 20,000 rows are checked in two halves at once: the report
/// must be the one a single pass gives (row order, repeats across halves).
#[test]
fn a_large_roll_checked_in_two_halves() {
    let n = 30_000;
    let flaws = [
        Flaw::MissingGroup,
        Flaw::BadCheckDigit,
        Flaw::DuplicateId,
        Flaw::GenderMismatch,
        Flaw::BadDate,
        Flaw::DuplicateId,
    ];
    let generated = generate_roll_with_errors(21, n, election_day(), Encoding::Utf8, &flaws);
    let report = check_bytes(&generated.bytes);
    let expected: Vec<_> = generated
        .flaws
        .iter()
        .map(|f| (f.row, f.column, f.rule))
        .collect();
    assert_eq!(keys(&report.errors), expected);
    // A repeat in the second half of a row in the first half.
    let crossing = generated
        .flaws
        .iter()
        .find(|f| f.flaw == Flaw::DuplicateId && f.first_row.unwrap() < n / 2 && f.row > n / 2)
        .expect("a repeat across the halves");
    let error = report
        .errors
        .iter()
        .find(|e| e.row == crossing.row)
        .unwrap();
    assert!(error
        .message_en
        .contains(&format!("row {}", crossing.first_row.unwrap())));
    assert_eq!(
        report.voters.len() + report.not_registered.len() + flaws.len(),
        n
    );
    assert!(report.voters.windows(2).all(|w| w[0].row < w[1].row));
    assert!(report
        .not_registered
        .windows(2)
        .all(|w| w[0].0.row < w[1].0.row));
}
