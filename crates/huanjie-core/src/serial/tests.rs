#![allow(clippy::unwrap_used, clippy::expect_used)]
use super::*;
use proptest::prelude::*;

const ELECTION: [u8; 16] = [
    0x5f, 0x0c, 0x3b, 0x9e, 0x2d, 0x4a, 0x4c, 0x61, 0x9a, 0x7e, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60,
];
const OTHER: [u8; 16] = [
    0x5f, 0x0c, 0x3b, 0x9e, 0x2d, 0x4a, 0x4c, 0x61, 0x9a, 0x7e, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x61,
];

fn key() -> SerialKey {
    let bytes: [u8; 32] = core::array::from_fn(|i| i as u8);
    SerialKey::from_bytes(&bytes)
}

fn example() -> Serial {
    Serial {
        election: ELECTION,
        batch: 3,
        style: 1,
        random: [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef],
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

const PRINTED: &str = "HJ1-DJ17-CA00-0C0G-28T5-CY4T-QKFF-3YAN-8RHQ-HGRK-EVC8";
const COMPACT: &str = "HJ1DJ17CA000C0G28T5CY4TQKFF3YAN8RHQHGRKEVC8";

#[test]
fn the_documented_example_holds() {
    let doc = include_str!("../../../../docs/ballot-serial.md");
    let s = example();
    let k = key();
    let signed = s.sign(&k);
    let input = tag_input(&s.election, s.batch, s.style, &s.random);
    let full = hmac::sign(&k.0, &input);
    let facts = [
        hex(&core::array::from_fn::<u8, 32, _>(|i| i as u8)),
        "5f0c3b9e-2d4a-4c61-9a7e-1b2c3d4e5f60".to_string(),
        hex(&s.random),
        hex(&ElectionCode::of(&ELECTION).0),
        hex(&input),
        hex(full.as_ref()),
        hex(&signed.tag()),
        hex(&signed.body_bytes()),
        signed.to_string(),
        signed.qr_payload(),
    ];
    for fact in &facts {
        assert!(
            doc.contains(&format!("`{fact}`")),
            "docs/ballot-serial.md lacks `{fact}`"
        );
    }
    assert_eq!(signed.to_string(), PRINTED);
    assert_eq!(signed.qr_payload(), COMPACT);
    assert_eq!(PRINTED.len(), PRINTED_LEN);
    assert_eq!(COMPACT.len(), COMPACT_LEN);
    assert!(PRINTED.len() <= 60);
}

#[test]
fn round_trip_and_verify() {
    let k = key();
    let signed = example().sign(&k);
    let exp = Expected::election(ELECTION);
    for text in [
        PRINTED.to_string(),
        COMPACT.to_string(),
        PRINTED.to_lowercase(),
        " hj1 dj17 ca00 0c0g 28t5 cy4t qkff 3yan 8rhq hgrk evc8\r\n".to_string(),
        // Full-width, as typed through a Chinese input method.
        "ＨＪ１－ＤＪ１７－ＣＡ００－０Ｃ０Ｇ－２８Ｔ５－ＣＹ４Ｔ－ＱＫＦＦ－３ＹＡＮ－８ＲＨＱ－ＨＧＲＫ－ＥＶＣ８"
            .to_string(),
        // Crockford's aliases: O for 0, I and L for 1.
        "HJI-DJL7-CAOO-0C0G-28T5-CY4T-QKFF-3YAN-8RHQ-HGRK-EVC8".to_string(),
    ] {
        assert_eq!(SignedSerial::parse(&text), Ok(signed), "{text:?}");
        let v = verify(&text, &k, &exp.batch(3)).unwrap();
        assert_eq!((v.batch(), v.style()), (3, 1));
        assert_eq!(v.serial, signed);
    }
    assert_eq!(PRINTED.parse::<SignedSerial>(), Ok(signed));
}

#[test]
fn other_election_wrong_batch_and_wrong_key_are_refused() {
    let k = key();
    let signed = example().sign(&k);
    assert_eq!(
        verify(PRINTED, &k, &Expected::election(OTHER)),
        Err(SerialRefusal::OtherElection)
    );
    assert_eq!(
        verify(PRINTED, &k, &Expected::election(ELECTION).batch(4)),
        Err(SerialRefusal::WrongBatch {
            expected: 4,
            found: 3
        })
    );
    let other_key = SerialKey::from_bytes(&[7; 32]);
    assert_eq!(
        signed.verify(&other_key, &Expected::election(ELECTION)),
        Err(SerialRefusal::BadTag)
    );
    // Two elections sharing a code (and, by mistake, a key) still refuse
    // each other's ballots: the tag covers the full UUID.
    let same_code = Expected {
        election: OTHER,
        code: ElectionCode::of(&ELECTION),
        batch: None,
    };
    assert_eq!(signed.verify(&k, &same_code), Err(SerialRefusal::BadTag));
}

#[test]
fn malformed_serials_name_what_is_wrong() {
    let cases: [(&str, SerialError); 8] = [
        ("", SerialError::Empty),
        (" - ", SerialError::Empty),
        ("AB1-DJ17", SerialError::NotASerial),
        ("H", SerialError::NotASerial),
        (
            "HJ2-DJ17-CA00-0C0G-28T5-CY4T-QKFF-3YAN-8RHQ-HGRK-EVC8",
            SerialError::UnknownVersion { found: '2' },
        ),
        (
            "HJ1-DJ17-CA00",
            SerialError::WrongLength {
                found: 8,
                expected: 40,
            },
        ),
        (
            "HJ1-DJ17-CA00-0C0G-28T5-CY4T-QKFF-3YAN-8RHQ-HGRK-EVC8-0",
            SerialError::WrongLength {
                found: 41,
                expected: 40,
            },
        ),
        (
            "HJ1-DJ17-CAU0-0C0G-28T5-CY4T-QKFF-3YAN-8RHQ-HGRK-EVC8",
            SerialError::BadCharacter {
                position: 12,
                found: 'U',
            },
        ),
    ];
    for (text, want) in cases {
        assert_eq!(SignedSerial::parse(text), Err(want), "{text:?}");
        let r = SerialRefusal::from(want);
        assert!(r.code().starts_with("serial_"));
        assert!(!r.message_zh().is_empty() && !r.message_en().is_empty());
    }
    assert_eq!(
        SignedSerial::parse("HJ1-DJ17_CA00"),
        Err(SerialError::BadCharacter {
            position: 9,
            found: '_'
        })
    );
    assert_eq!(
        SignedSerial::parse("HJ1-选票"),
        Err(SerialError::BadCharacter {
            position: 5,
            found: '选'
        })
    );
}

#[test]
fn refusals_have_codes_and_messages() {
    let all = [
        SerialRefusal::OtherElection,
        SerialRefusal::BadTag,
        SerialRefusal::WrongBatch {
            expected: 1,
            found: 2,
        },
        SerialRefusal::Malformed(SerialError::NotASerial),
    ];
    let mut codes: Vec<_> = all.iter().map(|r| r.code()).collect();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    for r in all {
        assert_eq!(r.rule(), "R-POLL-5");
        assert!(!r.message_zh().is_empty());
        assert!(!r.message_en().is_empty());
    }
    assert!(SerialRefusal::WrongBatch {
        expected: 1,
        found: 2
    }
    .message_zh()
    .contains("第2印制批次"));
}

#[test]
fn the_key_never_shows() {
    let k = SerialKey::from_bytes(&[0xab; 32]);
    let shown = format!("{k:?}");
    assert_eq!(shown, "SerialKey(<secret>)");
}

/// Every symbol a scanner or a keyboard could put in a position: the QR
/// alphanumeric set and the lower-case letters.
fn substitutes() -> Vec<char> {
    let mut v: Vec<char> = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
        .chars()
        .collect();
    v.extend('a'..='z');
    v
}

/// Whether `a` and `b` are the same symbol to a reader (case and
/// Crockford's aliases).
fn same_symbol(a: char, b: char) -> bool {
    let norm = |c: char| match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        c => c,
    };
    norm(a) == norm(b)
}

/// Every single-character change of a valid serial, in both forms, is
/// refused; a change to the same symbol (case, alias) reads the same serial.
#[test]
fn every_single_character_change_is_refused() {
    let k = key();
    let signed = example().sign(&k);
    let exp = Expected::election(ELECTION);
    let mut refused = 0usize;
    for original in [PRINTED, COMPACT] {
        let chars: Vec<char> = original.chars().collect();
        for (i, &was) in chars.iter().enumerate() {
            for c in substitutes() {
                if c == was {
                    continue;
                }
                let mut changed = chars.clone();
                changed[i] = c;
                let text: String = changed.into_iter().collect();
                let got = verify(&text, &k, &exp);
                let ignorable = |x: char| x == '-' || x == ' ';
                if same_symbol(c, was) || (ignorable(c) && ignorable(was)) {
                    assert_eq!(got.map(|v| v.serial), Ok(signed), "{text}");
                    continue;
                }
                let err = got.expect_err(&text);
                // Body symbols 1..=6 hold only the election code.
                let body_index = original[..original.char_indices().nth(i).unwrap().0]
                    .chars()
                    .filter(|x| x.is_ascii_alphanumeric())
                    .count()
                    .checked_sub(3);
                match (err, body_index) {
                    (SerialRefusal::Malformed(_), _) => {}
                    (SerialRefusal::OtherElection, Some(0..=6)) => {}
                    (SerialRefusal::BadTag, Some(6..)) => {}
                    (e, at) => panic!("{text}: unexpected {e:?} at body index {at:?}"),
                }
                refused += 1;
            }
        }
    }
    assert!(refused > 5_000, "{refused}");
}

#[test]
fn transpositions_deletions_and_insertions_are_refused() {
    let k = key();
    let exp = Expected::election(ELECTION);
    let chars: Vec<char> = COMPACT.chars().collect();
    for i in 0..chars.len() {
        let mut deleted = chars.clone();
        deleted.remove(i);
        let text: String = deleted.iter().collect();
        assert!(verify(&text, &k, &exp).is_err(), "{text}");
        let mut inserted = chars.clone();
        inserted.insert(i, '7');
        let text: String = inserted.iter().collect();
        assert!(verify(&text, &k, &exp).is_err(), "{text}");
        if i + 1 < chars.len() && !same_symbol(chars[i], chars[i + 1]) {
            let mut swapped = chars.clone();
            swapped.swap(i, i + 1);
            let text: String = swapped.iter().collect();
            assert!(verify(&text, &k, &exp).is_err(), "{text}");
        }
    }
}

#[test]
fn base32_is_a_bijection_on_bodies() {
    let mut b = [0u8; BODY_LEN];
    for (i, x) in b.iter_mut().enumerate() {
        *x = (i as u8).wrapping_mul(37) ^ 0xa5;
    }
    let sym = encode(&b);
    let vals: [u8; BODY_SYMBOLS] = core::array::from_fn(|i| value(sym[i]).unwrap());
    assert_eq!(decode(&vals), b);
    assert_eq!(encode(&[0; BODY_LEN]), [b'0'; BODY_SYMBOLS]);
    assert_eq!(encode(&[0xff; BODY_LEN]), [b'Z'; BODY_SYMBOLS]);
    for (v, &c) in ALPHABET.iter().enumerate() {
        assert_eq!(value(c), Some(v as u8));
    }
}

fn arb_serial() -> impl Strategy<Value = Serial> {
    (
        any::<[u8; 16]>(),
        any::<u16>(),
        any::<u8>(),
        any::<[u8; 8]>(),
    )
        .prop_map(|(election, batch, style, random)| Serial {
            election,
            batch,
            style,
            random,
        })
}

proptest! {
    #[test]
    fn parse_of_print_is_identity(s in arb_serial(), kb in any::<[u8; 32]>()) {
        let k = SerialKey::from_bytes(&kb);
        let signed = s.sign(&k);
        let printed = signed.to_string();
        prop_assert_eq!(printed.len(), PRINTED_LEN);
        prop_assert_eq!(SignedSerial::parse(&printed), Ok(signed));
        prop_assert_eq!(SignedSerial::parse(&signed.qr_payload()), Ok(signed));
        prop_assert_eq!(SignedSerial::parse(&printed.to_lowercase()), Ok(signed));
        let exp = Expected::election(s.election).batch(s.batch);
        let v = verify(&printed, &k, &exp).map(|v| v.serial);
        prop_assert_eq!(v, Ok(signed));
    }

    #[test]
    fn random_bodies_never_verify(body in proptest::collection::vec(0usize..32, 40)) {
        // Random bodies with this election's code, so they reach the tag.
        let k = key();
        let code = encode_code_prefix();
        let mut text = String::from("HJ1");
        text.push_str(&code);
        for &v in &body[6..] {
            text.push(char::from(ALPHABET[v]));
        }
        let r = verify(&text, &k, &Expected::election(ELECTION));
        prop_assert!(matches!(
            r,
            Err(SerialRefusal::BadTag | SerialRefusal::OtherElection)
        ), "{:?}", r);
    }

    #[test]
    fn random_text_never_verifies_nor_panics(text in ".{0,80}") {
        let r = verify(&text, &key(), &Expected::election(ELECTION));
        prop_assert!(r.is_err());
    }
}

/// The first six body symbols of this election's serials, which hold only
/// the election code's first 30 bits.
fn encode_code_prefix() -> String {
    let s = example().sign(&key()).qr_payload();
    s[3..9].to_string()
}
