//! Issue 5: a million random and mutated ballot serials, none of which
//! verifies. Run with `--nocapture` to see the counts:
//!
//! ```text
//! cargo test -p huanjie-core --test serial_forgery -- --nocapture
//! ```
//!
//! Cases come from a seeded splitmix64, so every run tries the same
//! million. A quarter each:
//!
//! 1. random bodies behind this election's code (they reach the tag check);
//! 2. random bodies, code included;
//! 3. genuine serials with one to three symbols changed;
//! 4. genuine-looking serials made without the key: the fields of a real
//!    serial with another batch or style and its tag kept, a tag from
//!    another serial, or a tag under the wrong key or another election.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use huanjie_core::serial::{
    verify, Expected, Serial, SerialKey, SerialRefusal, SignedSerial, ALPHABET, BODY_SYMBOLS,
};
use std::collections::BTreeMap;

const ELECTION: [u8; 16] = [
    0x5f, 0x0c, 0x3b, 0x9e, 0x2d, 0x4a, 0x4c, 0x61, 0x9a, 0x7e, 0x1b, 0x2c, 0x3d, 0x4e, 0x5f, 0x60,
];

/// splitmix64: tiny and seeded.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        core::array::from_fn(|_| self.next() as u8)
    }

    fn symbol(&mut self) -> u8 {
        ALPHABET[self.below(32) as usize]
    }
}

/// Crockford base 32 of `bytes` (a multiple of 5 bytes), as the serial
/// spells its body; written here from the documented format, not borrowed
/// from the code under test.
fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    for chunk in bytes.chunks(5) {
        let mut v = 0u64;
        for &b in chunk {
            v = (v << 8) | u64::from(b);
        }
        for k in (0..8).rev() {
            out.push(char::from(ALPHABET[((v >> (5 * k)) & 31) as usize]));
        }
    }
    out
}

fn text_of(body: &[u8; 25]) -> String {
    format!("HJ1{}", base32(body))
}

fn genuine(rng: &mut Rng, key: &SerialKey) -> SignedSerial {
    Serial {
        election: ELECTION,
        batch: rng.below(40) as u16,
        style: rng.below(4) as u8,
        random: rng.bytes(),
    }
    .sign(key)
}

#[test]
fn a_million_random_and_mutated_serials_never_verify() {
    let n: u64 = std::env::var("HUANJIE_FORGERY_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(0x4855_414E_4A49_4535); // "HUANJIE5"
    let key = SerialKey::from_bytes(&rng.bytes());
    let wrong_key = SerialKey::from_bytes(&rng.bytes());
    let exp = Expected::election(ELECTION);
    let code = genuine(&mut rng, &key).election_code().0;
    // Genuine serials to mutate, signed once (signing in a debug build is
    // what would otherwise dominate the run).
    let pool: Vec<SignedSerial> = (0..4096).map(|_| genuine(&mut rng, &key)).collect();
    for g in &pool {
        assert!(verify(&g.to_string(), &key, &exp).is_ok(), "control {g}");
    }

    let mut refusals: BTreeMap<&'static str, u64> = BTreeMap::new();
    let mut verified = 0u64;
    let start = std::time::Instant::now();

    for i in 0..n {
        let text = match i % 4 {
            0 => {
                let mut body: [u8; 25] = rng.bytes();
                body[..4].copy_from_slice(&code);
                text_of(&body)
            }
            1 => text_of(&rng.bytes()),
            2 => {
                let g = &pool[rng.below(pool.len() as u64) as usize];
                let mut sym: Vec<u8> = g.qr_payload().into_bytes();
                // One to three distinct positions, each given another symbol
                // (two changes to one position could undo each other).
                let changes = 1 + rng.below(3) as usize;
                let mut positions: Vec<usize> = Vec::with_capacity(changes);
                while positions.len() < changes {
                    let at = 3 + rng.below(BODY_SYMBOLS as u64) as usize;
                    if !positions.contains(&at) {
                        positions.push(at);
                    }
                }
                for at in positions {
                    let mut c = rng.symbol();
                    while c == sym[at] {
                        c = rng.symbol();
                    }
                    sym[at] = c;
                }
                String::from_utf8(sym).unwrap()
            }
            _ => {
                let g = &pool[rng.below(pool.len() as u64) as usize];
                let mut body = g.body_bytes();
                match rng.below(4) {
                    // Another batch, the tag kept.
                    0 => {
                        let b = u16::from_be_bytes([body[4], body[5]]);
                        let b = b ^ (1 + rng.below(0xffff) as u16);
                        body[4..6].copy_from_slice(&b.to_be_bytes());
                    }
                    // Another style, the tag kept.
                    1 => body[6] ^= 1 + rng.below(255) as u8,
                    // The tag of another genuine serial.
                    2 => {
                        let other = &pool[rng.below(pool.len() as u64) as usize];
                        body[15..].copy_from_slice(&other.tag());
                        if other.tag() == g.tag() {
                            body[15] ^= 1;
                        }
                    }
                    // The same fields signed with the wrong key, or for
                    // another election (whose code is then this one's).
                    _ => {
                        let mut s = Serial {
                            election: ELECTION,
                            batch: g.batch(),
                            style: g.style(),
                            random: g.random(),
                        };
                        let forged = if rng.below(2) == 0 {
                            s.sign(&wrong_key)
                        } else {
                            s.election[15] ^= 1;
                            s.sign(&key)
                        };
                        body[15..].copy_from_slice(&forged.tag());
                    }
                }
                text_of(&body)
            }
        };
        match verify(&text, &key, &exp) {
            Ok(_) => {
                verified += 1;
                eprintln!("VERIFIED: {text}");
            }
            Err(r) => *refusals.entry(r.code()).or_default() += 1,
        }
    }

    let elapsed = start.elapsed();
    let total: u64 = refusals.values().sum();
    println!(
        "serial forgery: {n} random and mutated serials tried, {verified} verified, {total} refused in {elapsed:.2?} ({} genuine controls verified)",
        pool.len()
    );
    for (code, count) in &refusals {
        println!("  {code}: {count}");
    }
    assert_eq!(verified, 0);
    assert_eq!(total, n);
    assert!(
        refusals
            .get(SerialRefusal::BadTag.code())
            .copied()
            .unwrap_or(0)
            > n / 2
    );
}
