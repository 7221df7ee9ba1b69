//! Ballot serial speed: signing (with both printed forms) and verifying
//! (parse and tag) one million serials on one core. Issue 5 asks for 5,000
//! ballots/s end to end, so the serial must cost a small fraction of that.
//!
//! ```text
//! cargo bench -p huanjie-core --bench serial
//! HUANJIE_SERIAL_BENCH_N=100000 cargo bench -p huanjie-core --bench serial
//! ```
//!
//! The random parts come from a seeded splitmix64 here; the server draws
//! them from the OS's secure generator.

// Printing rates needs neither unwrap-free code nor integer-only
// arithmetic; nothing here decides a rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::float_arithmetic)]

use huanjie_core::serial::{verify, Expected, Serial, SerialKey, SignedSerial};
use std::hint::black_box;
use std::time::Instant;

/// splitmix64: a tiny deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn report(what: &str, n: usize, secs: f64) {
    println!(
        "{what:<40} {n:>9} in {secs:>6.3} s  {:>7.0} ns each  {:>12.0} /s",
        secs * 1e9 / n as f64,
        n as f64 / secs
    );
}

fn main() {
    let n: usize = std::env::var("HUANJIE_SERIAL_BENCH_N")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1_000_000);
    let mut rng = Rng(5);
    let key = SerialKey::from_bytes(&[0x42; 32]);
    let election: [u8; 16] = core::array::from_fn(|i| i as u8 * 17);
    let exp = Expected::election(election).batch(7);

    let serials: Vec<Serial> = (0..n)
        .map(|_| Serial {
            election,
            batch: 7,
            style: 1,
            random: rng.next().to_be_bytes(),
        })
        .collect();

    let t = Instant::now();
    let signed: Vec<SignedSerial> = serials.iter().map(|s| s.sign(&key)).collect();
    report("sign", n, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut printed = Vec::with_capacity(n);
    let mut qr = Vec::with_capacity(n);
    for s in &signed {
        printed.push(s.to_string());
        qr.push(s.qr_payload());
    }
    report("printed + QR text", n, t.elapsed().as_secs_f64());

    let t = Instant::now();
    for s in &serials {
        let g = s.sign(&key);
        black_box((g.to_string(), g.qr_payload()));
    }
    report(
        "sign + both texts (per ballot printed)",
        n,
        t.elapsed().as_secs_f64(),
    );

    let t = Instant::now();
    for p in &printed {
        black_box(SignedSerial::parse(p).unwrap());
    }
    report("parse printed form", n, t.elapsed().as_secs_f64());

    let t = Instant::now();
    let mut ok = 0usize;
    for p in &qr {
        ok += usize::from(verify(p, &key, &exp).is_ok());
    }
    report("verify QR text (parse + tag)", n, t.elapsed().as_secs_f64());
    assert_eq!(ok, n);
}
