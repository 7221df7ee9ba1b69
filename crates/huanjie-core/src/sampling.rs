//! The sampling audit's draw (ballot comparison, issue 8): from a public
//! seed (dice rolled at the count and typed in), which counted ballots to
//! pull from the paper so that people compare each with the marks the
//! system recorded for it.
//!
//! The draw must be something any observer can redo with a calculator-free
//! script and get the same serials, and something nobody could steer: the
//! seed is rolled in public *after* the ballots are counted, and the draw is
//! a pure function of the seed and the list of counted serials. Nothing
//! here draws randomness or reads a clock.
//!
//! # Algorithm `huanjie-sample/1` (also in docs/sampling-audit.md, with a
//! worked example that a test below checks)
//!
//! 1. **Seed.** The typed text, with spaces, dashes, commas and `、`
//!    removed and full-width digits folded to ASCII, must be 20 to 200
//!    decimal digits; any other character is refused, naming its position.
//! 2. **Population.** The counted ballots' serials in their canonical
//!    text (for ballots, the compact QR form `HJ1…`), sorted by their
//!    bytes, ascending; `N` of them, no two alike. Its fingerprint is
//!    SHA-256 over each serial followed by `\n`.
//! 3. **Draw.** For `k = 0, 1, 2, …` compute
//!    `H = SHA-256("huanjie-sample/1:" ‖ seed ‖ ":" ‖ k)` (`k` in decimal,
//!    no leading zeros) and read its first 8 bytes as a big-endian
//!    unsigned integer `r`. If `r ≥ N × ⌊2^64 / N⌋`, skip `k` (rejection:
//!    every index is then exactly equally likely, no modulo bias).
//!    Otherwise `i = r mod N`; if index `i` was drawn already, skip `k`;
//!    else serial number `i` (0-based in the sorted list) is the next one
//!    drawn. Stop when `size` serials are drawn.
//!
//! The sample is in draw order; `size` must be 1 to `N`.

use ring::digest;

/// The algorithm's name, printed on the report and hashed into every draw.
pub const ALGORITHM: &str = "huanjie-sample/1";

/// Fewest digits in a seed: 20 rolls of a ten-sided die are 66 bits, of
/// a six-sided one 51, too many to try in the time a count stands still.
pub const MIN_SEED_DIGITS: usize = 20;

/// Most digits in a seed (more carries nothing and only tires the typist).
pub const MAX_SEED_DIGITS: usize = 200;

/// A seed as normalised: decimal digits only.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Seed(String);

/// Why a typed seed is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeedError {
    #[error("the seed is empty")]
    Empty,
    /// `position` counts characters of the typed text from 1.
    #[error("character {position} ({character:?}) is not a digit")]
    BadCharacter { position: usize, character: char },
    #[error("the seed has {digits} digits; at least {MIN_SEED_DIGITS} are needed")]
    TooShort { digits: usize },
    #[error("the seed has {digits} digits; at most {MAX_SEED_DIGITS} are taken")]
    TooLong { digits: usize },
}

impl SeedError {
    pub fn code(&self) -> &'static str {
        match self {
            SeedError::Empty => "seed_empty",
            SeedError::BadCharacter { .. } => "seed_bad_character",
            SeedError::TooShort { .. } => "seed_too_short",
            SeedError::TooLong { .. } => "seed_too_long",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            SeedError::Empty => "随机种子为空：请填写在计票现场掷骰得到的数字".into(),
            SeedError::BadCharacter {
                position,
                character,
            } => format!("随机种子的第 {position} 个字符“{character}”不是数字"),
            SeedError::TooShort { digits } => {
                format!("随机种子只有 {digits} 位数字，至少需要 {MIN_SEED_DIGITS} 位")
            }
            SeedError::TooLong { digits } => {
                format!("随机种子有 {digits} 位数字，最多 {MAX_SEED_DIGITS} 位")
            }
        }
    }

    pub fn message_en(&self) -> String {
        self.to_string()
    }
}

impl Seed {
    /// Reads a typed seed: digits (full-width ones folded), with spaces,
    /// dashes, commas and `、` ignored anywhere.
    pub fn parse(text: &str) -> Result<Seed, SeedError> {
        let mut digits = String::with_capacity(text.len());
        for (i, c) in text.chars().enumerate() {
            match c {
                '0'..='9' => digits.push(c),
                '０'..='９' => {
                    let d = u32::from(c) - u32::from('０');
                    digits.push(char::from_digit(d, 10).unwrap_or('0'));
                }
                c if c.is_whitespace() => {}
                '-' | ',' | '，' | '、' | '－' => {}
                other => {
                    return Err(SeedError::BadCharacter {
                        position: i + 1,
                        character: other,
                    })
                }
            }
        }
        match digits.len() {
            0 => Err(SeedError::Empty),
            n if n < MIN_SEED_DIGITS => Err(SeedError::TooShort { digits: n }),
            n if n > MAX_SEED_DIGITS => Err(SeedError::TooLong { digits: n }),
            _ => Ok(Seed(digits)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a draw cannot be made. Nothing is drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DrawError {
    #[error("the sample size must be at least 1")]
    SizeZero,
    #[error("a sample of {size} is more than the {population} counted ballots")]
    SizeAbovePopulation { size: u64, population: u64 },
    /// The caller's list holds one serial twice (a ballot counts once:
    /// this is a broken store, not a typo).
    #[error("the serial {0} is in the population twice")]
    DuplicateSerial(String),
}

/// One serial drawn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Drawn {
    pub serial: String,
    /// Its place in the sorted population, from 0.
    pub index: u64,
    /// The counter `k` whose hash drew it.
    pub counter: u64,
}

/// A draw's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    /// `N`, the number of serials drawn from.
    pub population: u64,
    /// SHA-256 of the sorted population, each serial followed by `\n`.
    pub population_sha256: [u8; 32],
    /// In draw order.
    pub drawn: Vec<Drawn>,
}

/// The sorted population and its fingerprint; refuses a repeated serial.
pub fn population<S: AsRef<str>>(serials: &[S]) -> Result<(Vec<&str>, [u8; 32]), DrawError> {
    let mut sorted: Vec<&str> = serials.iter().map(AsRef::as_ref).collect();
    sorted.sort_unstable_by(|a, b| a.as_bytes().cmp(b.as_bytes()));
    if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
        return Err(DrawError::DuplicateSerial(w[0].to_owned()));
    }
    let mut ctx = digest::Context::new(&digest::SHA256);
    for s in &sorted {
        ctx.update(s.as_bytes());
        ctx.update(b"\n");
    }
    let mut fingerprint = [0u8; 32];
    fingerprint.copy_from_slice(ctx.finish().as_ref());
    Ok((sorted, fingerprint))
}

/// `r` for counter `k`: the first 8 bytes of
/// SHA-256("huanjie-sample/1:" ‖ seed ‖ ":" ‖ k), big-endian.
pub fn block(seed: &Seed, counter: u64) -> u64 {
    let message = format!("{ALGORITHM}:{}:{counter}", seed.0);
    let h = digest::digest(&digest::SHA256, message.as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&h.as_ref()[..8]);
    u64::from_be_bytes(first)
}

/// Draws `size` of `serials` (any order: they are sorted first) from
/// `seed`, by [`ALGORITHM`].
pub fn draw<S: AsRef<str>>(seed: &Seed, serials: &[S], size: u64) -> Result<Sample, DrawError> {
    let (sorted, population_sha256) = population(serials)?;
    let n = sorted.len() as u64;
    if size == 0 {
        return Err(DrawError::SizeZero);
    }
    if size > n {
        return Err(DrawError::SizeAbovePopulation {
            size,
            population: n,
        });
    }
    // Accept r < zone: the largest multiple of n that fits in 64 bits.
    let zone: u128 = (1u128 << 64) / u128::from(n) * u128::from(n);
    let mut taken = vec![false; sorted.len()];
    let mut drawn = Vec::with_capacity(sorted.len().min(size as usize));
    let mut counter: u64 = 0;
    while (drawn.len() as u64) < size {
        let r = block(seed, counter);
        if u128::from(r) < zone {
            let index = r % n;
            let slot = &mut taken[index as usize];
            if !*slot {
                *slot = true;
                drawn.push(Drawn {
                    serial: sorted[index as usize].to_owned(),
                    index,
                    counter,
                });
            }
        }
        counter += 1;
    }
    Ok(Sample {
        population: n,
        population_sha256,
        drawn,
    })
}

/// Lower-case hex of a fingerprint.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn seed() -> Seed {
        Seed::parse("3141 5926 5358 9793 2384").expect("seed")
    }

    #[test]
    fn a_typed_seed_is_normalised() {
        let s = Seed::parse(" 1-2-3 4,5，6、78 ９０ 1234567890 12").expect("seed");
        assert_eq!(s.as_str(), "1234567890123456789012");
    }

    #[test]
    fn a_wrong_character_is_named_by_its_position() {
        assert_eq!(
            Seed::parse("12345 6789x 1234567890"),
            Err(SeedError::BadCharacter {
                position: 11,
                character: 'x'
            })
        );
        let e = Seed::parse("1234５6789o").unwrap_err();
        assert_eq!(
            e,
            SeedError::BadCharacter {
                position: 10,
                character: 'o'
            }
        );
        assert!(e.message_zh().contains("第 10 个字符“o”"));
        assert_eq!(Seed::parse("  - "), Err(SeedError::Empty));
        assert_eq!(Seed::parse("1234"), Err(SeedError::TooShort { digits: 4 }));
        assert_eq!(
            Seed::parse(&"1".repeat(201)),
            Err(SeedError::TooLong { digits: 201 })
        );
    }

    #[test]
    fn sizes_outside_the_population_are_refused() {
        let pop = ["A", "B", "C"];
        assert_eq!(draw(&seed(), &pop, 0), Err(DrawError::SizeZero));
        assert_eq!(
            draw(&seed(), &pop, 4),
            Err(DrawError::SizeAbovePopulation {
                size: 4,
                population: 3
            })
        );
        assert_eq!(
            draw(&seed(), &["A", "B", "A"], 1),
            Err(DrawError::DuplicateSerial("A".into()))
        );
    }

    /// The example of docs/sampling-audit.md, value for value (the values
    /// were also computed by the Python script printed there).
    #[test]
    fn the_documented_example_holds() {
        let serials: Vec<String> = (1..=12).map(|i| format!("B{i:03}")).collect();
        assert_eq!(block(&seed(), 0), 0x29bb_d4a2_d2e1_e262);
        let sample = draw(&seed(), &serials, 8).expect("draw");
        assert_eq!(sample.population, 12);
        assert_eq!(
            hex(&sample.population_sha256),
            "ee596dcda0dcf903d32ea1b5759a747d497dea160b60119bd29a6d472c7240fa"
        );
        let got: Vec<(&str, u64, u64)> = sample
            .drawn
            .iter()
            .map(|d| (d.serial.as_str(), d.index, d.counter))
            .collect();
        // Counters 6, 7, 8, 10, 11 and 12 hit indexes drawn already.
        assert_eq!(
            got,
            vec![
                ("B003", 2, 0),
                ("B005", 4, 1),
                ("B012", 11, 2),
                ("B001", 0, 3),
                ("B008", 7, 4),
                ("B010", 9, 5),
                ("B009", 8, 9),
                ("B004", 3, 13),
            ]
        );
    }

    proptest! {
        #[test]
        fn the_draw_is_a_function_of_its_inputs(
            digits in "[0-9]{20,40}",
            n in 1usize..60,
            size_seed in 0u64..1000,
            shuffle in any::<u64>(),
        ) {
            let seed = Seed::parse(&digits).expect("digits");
            let serials: Vec<String> = (0..n).map(|i| format!("HJ1S{i:05}")).collect();
            let size = size_seed % (n as u64) + 1;
            let a = draw(&seed, &serials, size).expect("draw");
            let b = draw(&seed, &serials, size).expect("draw");
            prop_assert_eq!(&a, &b);
            // A subset of the population, without repeats, of the size asked.
            prop_assert_eq!(a.drawn.len() as u64, size);
            let mut seen = std::collections::HashSet::new();
            for d in &a.drawn {
                prop_assert!(serials.contains(&d.serial));
                prop_assert!(seen.insert(d.serial.clone()));
            }
            // The order the serials come in does not matter.
            let mut shuffled = serials.clone();
            let mut x = shuffle | 1;
            for i in (1..shuffled.len()).rev() {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                shuffled.swap(i, (x % (i as u64 + 1)) as usize);
            }
            prop_assert_eq!(draw(&seed, &shuffled, size).expect("draw"), a.clone());
            // A bigger sample extends a smaller one (the same stream).
            if size > 1 {
                let smaller = draw(&seed, &serials, size - 1).expect("draw");
                prop_assert_eq!(&smaller.drawn[..], &a.drawn[..(size - 1) as usize]);
            }
            // Above the population: refused, never capped silently.
            prop_assert_eq!(
                draw(&seed, &serials, n as u64 + 1),
                Err(DrawError::SizeAbovePopulation { size: n as u64 + 1, population: n as u64 })
            );
        }

        #[test]
        fn the_whole_population_can_be_drawn(digits in "[1-6]{20}", n in 1usize..40) {
            let seed = Seed::parse(&digits).expect("digits");
            let serials: Vec<String> = (0..n).map(|i| format!("X{i}")).collect();
            let all = draw(&seed, &serials, n as u64).expect("draw");
            let mut got: Vec<String> = all.drawn.into_iter().map(|d| d.serial).collect();
            got.sort();
            let mut want = serials.clone();
            want.sort();
            prop_assert_eq!(got, want);
        }

        #[test]
        fn any_typed_text_is_read_or_refused_without_panic(text in "\\PC{0,60}") {
            let _ = Seed::parse(&text);
        }
    }
}
