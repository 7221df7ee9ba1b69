//! Ballot serials (选票票号): the text printed on every ballot and carried in
//! its QR code, and the check that a serial was issued by this server for
//! this election (and station batch).
//!
//! A serial says which election, which printing batch and which ballot
//! style it belongs to, carries 64 random bits so that no two ballots share
//! one, and ends in an 80-bit HMAC-SHA256 tag under a per-election key that
//! never leaves the server. Without the key nobody can make a serial that
//! verifies, so a ballot slipped into a box, or one whose serial was
//! altered, is caught at the count.
//!
//! Nothing in a serial links it to a voter (R-POLL-5): the random part is
//! drawn by the caller from the operating system's secure generator (the
//! core draws no randomness) and the system records how many ballots each
//! batch holds, never which serial went to whom. The batch ties a ballot to
//! a polling station, which R-POLL-5 allows.
//!
//! # Format 1 (also in docs/ballot-serial.md, with a worked example)
//!
//! ```text
//! printed:  HJ1-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX   (53 characters)
//! QR:       HJ1XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX              (43 characters)
//! ```
//!
//! `HJ` names the system and `1` the format version. The 40 `X` are the
//! Crockford base-32 spelling (`0123456789ABCDEFGHJKMNPQRSTVWXYZ`, most
//! significant bit first) of 25 bytes, so every 40-symbol string is exactly
//! one body and every change of a symbol changes the body:
//!
//! | bytes | field | |
//! |---|---|---|
//! | 0..4   | election code | first 4 bytes of SHA-256(`"huanjie election code 1\n"` ‖ the election's 16 UUID bytes) |
//! | 4..6   | batch | the printing batch (one per station or mobile box, and per reprint), big-endian, 0..=65535 |
//! | 6      | style | which ballot layout (body, round, contest set), 0..=255 |
//! | 7..15  | random | 8 bytes from the OS's secure generator |
//! | 15..25 | tag | the first 10 bytes of HMAC-SHA256(key, `"HJ1"` ‖ election UUID (16) ‖ batch (2, BE) ‖ style (1) ‖ random (8)) |
//!
//! Reading accepts either form, in any case, ignores spaces, line breaks
//! and dashes anywhere (the layout is fixed, so they carry nothing), folds
//! full-width characters from a Chinese input method to ASCII, and reads
//! `O` as `0` and `I`/`L` as `1` as Crockford's alphabet prescribes for
//! hand-typed text. `U` and any other character are refused, naming the
//! position.
//!
//! # Why these sizes
//!
//! - **Tag, 80 bits**: RFC 2104's floor for a truncated HMAC. A forger
//!   without the key can only guess, and each guess is checked online at a
//!   count, so even 10^12 attempts succeed with probability below 2^-40.
//! - **Random, 64 bits**: two ballots of one election share a serial with
//!   probability about n²/2^65, 3·10^-8 for a million ballots; the store's
//!   uniqueness check catches even that, and a reprint draws anew.
//! - **Election code, 32 bits**: only a label for routing and for a clear
//!   "other election" refusal. The tag covers the *full* election UUID and
//!   the key is per election, so two elections sharing a code (one chance
//!   in 2^32 per pair) still never accept each other's ballots. Hashing the
//!   UUID, rather than taking its first bytes, keeps codes apart even for
//!   time-ordered (v7) or sequential ids.
//! - 25 bytes make exactly 40 symbols, with no padding bits that would let
//!   two spellings mean one body; the QR form (43 alphanumeric characters)
//!   fits a version-3 code at error correction Q (47), 29×29 modules.

use ring::{digest, hmac};
use std::fmt;

/// R-POLL-5: nothing links a ballot to a voter.
pub const RULE: &str = crate::rule::POLL_5;

/// The one format this code writes and reads.
pub const VERSION: u8 = 1;

/// The text every serial starts with, before the version symbol.
pub const PREFIX: &str = "HJ";

/// Symbols of the body (after `HJ1`).
pub const BODY_SYMBOLS: usize = 40;

/// Length of the QR form: `HJ1` and the body.
pub const COMPACT_LEN: usize = 3 + BODY_SYMBOLS;

/// Length of the printed form: `HJ1` and ten groups of four, dash-separated.
pub const PRINTED_LEN: usize = 3 + BODY_SYMBOLS + BODY_SYMBOLS / GROUP;

/// Symbols per printed group.
const GROUP: usize = 4;

/// Crockford's base-32 alphabet: no I, L, O (read as 1, 1, 0) and no U.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Bytes of the election code.
pub const CODE_LEN: usize = 4;
/// Bytes of the random part.
pub const RANDOM_LEN: usize = 8;
/// Bytes of the truncated tag.
pub const TAG_LEN: usize = 10;
/// Bytes of the body: code, batch, style, random, tag.
const BODY_LEN: usize = CODE_LEN + 2 + 1 + RANDOM_LEN + TAG_LEN;

const CODE_DOMAIN: &[u8] = b"huanjie election code 1\n";

/// The per-election signing key (32 bytes, drawn by the server from the OS's
/// secure generator and never sent anywhere). `Debug` never shows it.
#[derive(Clone)]
pub struct SerialKey(hmac::Key);

impl SerialKey {
    /// The key from its 32 bytes. ring precomputes the HMAC pads here, so a
    /// key made once signs and verifies many serials cheaply.
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        SerialKey(hmac::Key::new(hmac::HMAC_SHA256, bytes))
    }
}

impl fmt::Debug for SerialKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SerialKey(<secret>)")
    }
}

/// The election's public 4-byte code, as carried in its serials.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ElectionCode(pub [u8; CODE_LEN]);

impl ElectionCode {
    /// The code of the election whose UUID bytes (`Uuid::as_bytes`) are given.
    pub fn of(election: &[u8; 16]) -> Self {
        let mut ctx = digest::Context::new(&digest::SHA256);
        ctx.update(CODE_DOMAIN);
        ctx.update(election);
        let d = ctx.finish();
        let mut out = [0u8; CODE_LEN];
        out.copy_from_slice(&d.as_ref()[..CODE_LEN]);
        ElectionCode(out)
    }
}

impl fmt::Debug for ElectionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ElectionCode(")?;
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// A serial before signing: what the printing step knows about one ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Serial {
    /// The election's UUID bytes (`Uuid::as_bytes`); the tag covers all 16.
    pub election: [u8; 16],
    /// The printing batch within the election.
    pub batch: u16,
    /// The ballot style within the election.
    pub style: u8,
    /// Random bytes from the OS's secure generator, drawn by the caller.
    pub random: [u8; RANDOM_LEN],
}

impl Serial {
    /// Signs the serial under the election's key.
    pub fn sign(&self, key: &SerialKey) -> SignedSerial {
        SignedSerial {
            code: ElectionCode::of(&self.election),
            batch: self.batch,
            style: self.style,
            random: self.random,
            tag: full_tag(key, &self.election, self.batch, self.style, &self.random),
        }
        .truncated()
    }
}

/// The bytes the tag is computed over (format 1): `"HJ1"`, the election's
/// 16 UUID bytes, the batch (big-endian), the style and the random bytes.
pub fn tag_input(election: &[u8; 16], batch: u16, style: u8, random: &[u8; 8]) -> [u8; 30] {
    let mut m = [0u8; 30];
    m[..3].copy_from_slice(b"HJ1");
    m[3..19].copy_from_slice(election);
    m[19..21].copy_from_slice(&batch.to_be_bytes());
    m[21] = style;
    m[22..30].copy_from_slice(random);
    m
}

fn full_tag(
    key: &SerialKey,
    election: &[u8; 16],
    batch: u16,
    style: u8,
    random: &[u8; 8],
) -> [u8; 32] {
    let t = hmac::sign(&key.0, &tag_input(election, batch, style, random));
    let mut out = [0u8; 32];
    out.copy_from_slice(t.as_ref());
    out
}

/// A signed serial as printed, or as read back from print or a QR code
/// (not yet verified: [`SignedSerial::verify`] does that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SignedSerial {
    code: ElectionCode,
    batch: u16,
    style: u8,
    random: [u8; RANDOM_LEN],
    /// The whole HMAC while signing; only the first [`TAG_LEN`] bytes are
    /// kept (the rest are zero once [`SignedSerial::truncated`] has run).
    tag: [u8; 32],
}

impl SignedSerial {
    fn truncated(mut self) -> Self {
        for b in &mut self.tag[TAG_LEN..] {
            *b = 0;
        }
        self
    }

    pub fn version(&self) -> u8 {
        VERSION
    }
    pub fn election_code(&self) -> ElectionCode {
        self.code
    }
    pub fn batch(&self) -> u16 {
        self.batch
    }
    pub fn style(&self) -> u8 {
        self.style
    }
    pub fn random(&self) -> [u8; RANDOM_LEN] {
        self.random
    }
    /// The truncated tag, as carried in the serial.
    pub fn tag(&self) -> [u8; TAG_LEN] {
        let mut t = [0u8; TAG_LEN];
        t.copy_from_slice(&self.tag[..TAG_LEN]);
        t
    }

    /// The 25 body bytes, as spelled in base 32.
    pub fn body_bytes(&self) -> [u8; BODY_LEN] {
        let mut b = [0u8; BODY_LEN];
        b[..4].copy_from_slice(&self.code.0);
        b[4..6].copy_from_slice(&self.batch.to_be_bytes());
        b[6] = self.style;
        b[7..15].copy_from_slice(&self.random);
        b[15..].copy_from_slice(&self.tag[..TAG_LEN]);
        b
    }

    fn body_symbols(&self) -> [u8; BODY_SYMBOLS] {
        encode(&self.body_bytes())
    }

    /// The compact form for the QR code: `HJ1` and 40 symbols, no dashes,
    /// all in QR's alphanumeric set.
    pub fn qr_payload(&self) -> String {
        let mut s = String::with_capacity(COMPACT_LEN);
        s.push_str("HJ1");
        s.extend(self.body_symbols().iter().map(|&c| char::from(c)));
        s
    }

    /// Reads a serial in printed or compact form (see the module docs for
    /// what is tolerated). Does not check the tag.
    pub fn parse(text: &str) -> Result<SignedSerial, SerialError> {
        // Significant symbols (upper-case ASCII) and their 1-based character
        // positions in `text`, for errors.
        let mut sym = [0u8; COMPACT_LEN];
        let mut pos = [0usize; COMPACT_LEN];
        let mut n = 0usize;
        for (i, c) in text.chars().enumerate() {
            let c = fold(c);
            if c.is_whitespace() || c == '-' {
                continue;
            }
            if !c.is_ascii_alphanumeric() {
                return Err(SerialError::BadCharacter {
                    position: i + 1,
                    found: c,
                });
            }
            if n < COMPACT_LEN {
                sym[n] = c.to_ascii_uppercase() as u8;
                pos[n] = i + 1;
            }
            n += 1;
        }
        if n == 0 {
            return Err(SerialError::Empty);
        }
        if n < 2 || &sym[..2] != PREFIX.as_bytes() {
            return Err(SerialError::NotASerial);
        }
        if n < 3 {
            return Err(SerialError::WrongLength {
                found: 0,
                expected: BODY_SYMBOLS,
            });
        }
        match value(sym[2]) {
            Some(v) if v == VERSION => {}
            _ => {
                return Err(SerialError::UnknownVersion {
                    found: char::from(sym[2]),
                });
            }
        }
        if n != COMPACT_LEN {
            return Err(SerialError::WrongLength {
                found: n - 3,
                expected: BODY_SYMBOLS,
            });
        }
        let mut vals = [0u8; BODY_SYMBOLS];
        for (k, v) in vals.iter_mut().enumerate() {
            let c = sym[3 + k];
            *v = value(c).ok_or(SerialError::BadCharacter {
                position: pos[3 + k],
                found: char::from(c),
            })?;
        }
        let b = decode(&vals);
        let mut code = [0u8; CODE_LEN];
        code.copy_from_slice(&b[..4]);
        let mut random = [0u8; RANDOM_LEN];
        random.copy_from_slice(&b[7..15]);
        let mut tag = [0u8; 32];
        tag[..TAG_LEN].copy_from_slice(&b[15..]);
        Ok(SignedSerial {
            code: ElectionCode(code),
            batch: u16::from_be_bytes([b[4], b[5]]),
            style: b[6],
            random,
            tag,
        })
    }

    /// Checks this serial against the election's key and what is expected
    /// of it. The order of the checks decides the refusal: another
    /// election's code first (its key is not ours to try), then the tag (so
    /// that "wrong batch" always means a genuine ballot of this election,
    /// never an altered one), then the batch.
    pub fn verify(&self, key: &SerialKey, expected: &Expected) -> Result<Verified, SerialRefusal> {
        if self.code != expected.code {
            return Err(SerialRefusal::OtherElection);
        }
        let msg = tag_input(&expected.election, self.batch, self.style, &self.random);
        // ring's verify compares in constant time but wants the whole tag, so
        // recompute and compare the truncated prefix without early exit.
        let t = hmac::sign(&key.0, &msg);
        if !constant_time_eq(&t.as_ref()[..TAG_LEN], &self.tag[..TAG_LEN]) {
            return Err(SerialRefusal::BadTag);
        }
        match expected.batch {
            Some(b) if b != self.batch => Err(SerialRefusal::WrongBatch {
                expected: b,
                found: self.batch,
            }),
            _ => Ok(Verified { serial: *self }),
        }
    }
}

/// Compares without branching on the data, so timing says nothing about
/// how many leading bytes of a guessed tag were right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut d = 0u8;
    for (x, y) in a.iter().zip(b) {
        d |= x ^ y;
    }
    // Keep the comparison from being turned back into an early-exit loop.
    std::hint::black_box(d) == 0
}

/// The printed form: `HJ1-` and ten dash-separated groups of four.
impl fmt::Display for SignedSerial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = [0u8; PRINTED_LEN];
        out[..3].copy_from_slice(b"HJ1");
        let mut i = 3;
        for (k, &c) in self.body_symbols().iter().enumerate() {
            if k % GROUP == 0 {
                out[i] = b'-';
                i += 1;
            }
            out[i] = c;
            i += 1;
        }
        // All ASCII by construction; one write instead of 53.
        f.write_str(std::str::from_utf8(&out).map_err(|_| fmt::Error)?)
    }
}

impl std::str::FromStr for SignedSerial {
    type Err = SerialError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignedSerial::parse(s)
    }
}

/// What a verifier expects of a serial: the election (its full UUID) and,
/// at a station's count, the station's batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    election: [u8; 16],
    code: ElectionCode,
    batch: Option<u16>,
}

impl Expected {
    /// Any batch of this election.
    pub fn election(election: [u8; 16]) -> Self {
        Expected {
            election,
            code: ElectionCode::of(&election),
            batch: None,
        }
    }

    /// Only this batch.
    pub fn batch(mut self, batch: u16) -> Self {
        self.batch = Some(batch);
        self
    }
}

/// A serial that verified: genuine, of this election and of the expected
/// batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub serial: SignedSerial,
}

impl Verified {
    pub fn batch(&self) -> u16 {
        self.serial.batch
    }
    pub fn style(&self) -> u8 {
        self.serial.style
    }
}

/// Reads `text` and checks it: the whole verifier in one call.
pub fn verify(text: &str, key: &SerialKey, expected: &Expected) -> Result<Verified, SerialRefusal> {
    SignedSerial::parse(text)?.verify(key, expected)
}

/// Why a text is not a serial this code can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SerialError {
    #[error("no serial was given")]
    Empty,
    #[error("not a Huanjie ballot serial: it should start with HJ")]
    NotASerial,
    #[error("character {position} ({found:?}) cannot appear in a ballot serial")]
    BadCharacter { position: usize, found: char },
    #[error("the serial has {found} characters after HJ1, not {expected}")]
    WrongLength { found: usize, expected: usize },
    #[error("serial format {found:?} is unknown (this system writes format 1)")]
    UnknownVersion { found: char },
}

impl SerialError {
    pub fn code(self) -> &'static str {
        match self {
            SerialError::Empty => "serial_empty",
            SerialError::NotASerial => "serial_not_a_serial",
            SerialError::BadCharacter { .. } => "serial_bad_character",
            SerialError::WrongLength { .. } => "serial_wrong_length",
            SerialError::UnknownVersion { .. } => "serial_unknown_version",
        }
    }

    pub fn message_zh(self) -> String {
        match self {
            SerialError::Empty => "未输入票号".into(),
            SerialError::NotASerial => "这不是本系统的选票票号（票号以 HJ 开头）".into(),
            SerialError::BadCharacter { position, found } => {
                format!("第{position}个字符“{found}”不能出现在票号中")
            }
            SerialError::WrongLength { found, expected } => {
                format!("票号长度不对：HJ1 之后应有{expected}个字符，实有{found}个")
            }
            SerialError::UnknownVersion { found } => {
                format!("无法识别的票号格式“{found}”（本系统使用格式 1）")
            }
        }
    }

    pub fn message_en(self) -> String {
        self.to_string()
    }
}

/// Why a serial is refused. Only [`SerialRefusal::WrongBatch`] names a
/// genuine ballot of this election.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SerialRefusal {
    /// The text is not a readable serial.
    #[error("malformed ballot serial: {0}")]
    Malformed(#[from] SerialError),
    /// The serial's election code is not this election's: a ballot of
    /// another election, or a serial mistyped in its first characters.
    #[error("the ballot serial is not of this election (or is mistyped)")]
    OtherElection,
    /// The tag does not match: the serial is forged or was altered (or
    /// mistyped).
    #[error("the ballot serial does not verify: forged or altered")]
    BadTag,
    /// A genuine ballot of this election, from another batch.
    #[error("the ballot is of batch {found}, not of this station's batch {expected}")]
    WrongBatch { expected: u16, found: u16 },
}

impl SerialRefusal {
    pub fn rule(self) -> &'static str {
        RULE
    }

    pub fn code(self) -> &'static str {
        match self {
            SerialRefusal::Malformed(e) => e.code(),
            SerialRefusal::OtherElection => "serial_other_election",
            SerialRefusal::BadTag => "serial_bad_tag",
            SerialRefusal::WrongBatch { .. } => "serial_wrong_batch",
        }
    }

    pub fn message_zh(self) -> String {
        match self {
            SerialRefusal::Malformed(e) => e.message_zh(),
            SerialRefusal::OtherElection => "该票号不属于本次选举（或票号输入有误）".into(),
            SerialRefusal::BadTag => "票号校验未通过：选票可能是伪造的，或票号被改动".into(),
            SerialRefusal::WrongBatch { expected, found } => {
                format!("该选票属于第{found}印制批次，不是本投票站的第{expected}批次")
            }
        }
    }

    pub fn message_en(self) -> String {
        match self {
            SerialRefusal::Malformed(e) => e.message_en(),
            other => other.to_string(),
        }
    }
}

/// Full-width ASCII (from a Chinese input method) and the ideographic space
/// to their ASCII counterparts.
fn fold(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        // Hyphen, non-breaking hyphen, figure dash, en and em dash, minus.
        '\u{2010}'..='\u{2014}' | '\u{2212}' => '-',
        c => c,
    }
}

/// The value of an upper-case symbol, with Crockford's aliases.
fn value(c: u8) -> Option<u8> {
    let v = match c {
        b'0'..=b'9' => c - b'0',
        b'O' => 0,
        b'I' | b'L' => 1,
        b'A'..=b'H' => c - b'A' + 10,
        b'J' | b'K' => c - b'J' + 18,
        b'M' | b'N' => c - b'M' + 20,
        b'P'..=b'T' => c - b'P' + 22,
        b'V'..=b'Z' => c - b'V' + 27,
        _ => return None,
    };
    Some(v)
}

fn encode(bytes: &[u8; BODY_LEN]) -> [u8; BODY_SYMBOLS] {
    let mut out = [0u8; BODY_SYMBOLS];
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut k = 0;
    for &b in bytes {
        acc = (acc << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out[k] = ALPHABET[((acc >> bits) & 31) as usize];
            k += 1;
        }
        acc &= (1 << bits) - 1;
    }
    out
}

fn decode(vals: &[u8; BODY_SYMBOLS]) -> [u8; BODY_LEN] {
    let mut out = [0u8; BODY_LEN];
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut k = 0;
    for &v in vals {
        acc = (acc << 5) | u32::from(v & 31);
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out[k] = (acc >> bits) as u8;
            k += 1;
        }
        acc &= (1 << bits) - 1;
    }
    out
}

#[cfg(test)]
mod tests;
