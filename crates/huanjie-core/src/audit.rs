//! The audit log's chain (issue 8): every state change and security event
//! is an entry appended to a chain, and every entry carries the SHA-256 of
//! its own content and of the entry before it. A row edited, deleted or
//! moved in the database then no longer fits the chain, and [`verify`]
//! names the first entry where it breaks.
//!
//! There is one chain per election (its id is the election's UUID) and one
//! server chain ([`SERVER_CHAIN`], the nil UUID) for events that belong to
//! no single election (sign-ins, users). Entries are numbered 1, 2, 3 …
//! per chain.
//!
//! Why a chain when the database already refuses UPDATE and DELETE: the
//! refusal is a trigger, and whoever owns the tables can drop it. The chain
//! makes such a change visible; what it cannot show alone is entries cut
//! off at the end (the shorter chain is still a valid chain). That is what
//! [`Checkpoint`]s are for: the log's size and head hash at a moment,
//! signed with Ed25519 by a key the database does not hold, and made every
//! few minutes and at polls open, polls close and certification. A log
//! shorter than a checkpoint, or different at its size, fails
//! [`verify_checkpoints`].
//!
//! # The canonical encoding (format 1)
//!
//! An entry's hash is `SHA-256(canonical(entry))`, where the canonical
//! bytes are one line of UTF-8 JSON without spaces and with keys in byte
//! order:
//!
//! ```text
//! {"action":<string>,"actor":<string>,"at":"<instant>","chain":"<uuid>","details":<json>,"prev":"<64 hex>","seq":<integer>}
//! ```
//!
//! - `at` is RFC 3339 in UTC with exactly six fractional digits and `Z`
//!   (`2026-04-12T07:00:00.000000Z`); entries keep microseconds only.
//! - `chain` is the UUID in lower-case hyphenated form.
//! - `prev` is the previous entry's hash in lower-case hex; the first
//!   entry's `prev` is 32 zero bytes (64 `0`s).
//! - `seq` is a decimal integer, 1 for the first entry.
//! - `details` is written the same way at every depth: objects with keys in
//!   byte (code point) order, no spaces; strings escape only `"`, `\` and
//!   the control characters U+0000–U+001F (as `\b`, `\t`, `\n`, `\f`, `\r`
//!   or `\u00xx`, lower-case hex), everything else as its UTF-8 bytes;
//!   integers in decimal. [`next`] refuses floating-point numbers: their
//!   text would not come back from the database bit for bit on every
//!   parser, and a verification must never see an edit that never happened.
//!
//! A checkpoint signs [`Checkpoint::bytes`]:
//!
//! ```text
//! {"at":"<instant>","chain":"<uuid>","format":"huanjie.audit-checkpoint/1","head":"<64 hex>","size":<integer>}
//! ```
//!
//! (the `format` key keeps a checkpoint's signature from ever passing for a
//! signature over another kind of document made with the same key).
//!
//! # What is logged
//!
//! Nothing beyond what observers may see: resident IDs only masked,
//! ballot serials only as keyed hashes. [`next`] refuses an entry whose
//! actor, action or any string in its details is a whole, valid resident
//! ID (the one slip a check can catch).
//!
//! Pure: no I/O, no clock (times come in), no randomness (the caller holds
//! the signing key).

use std::fmt;

use chrono::{DateTime, Timelike, Utc};
use ring::digest;
use ring::signature::{Ed25519KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

use crate::resident_id::ResidentId;

/// The chain of events about no single election (sign-ins, users).
pub const SERVER_CHAIN: Uuid = Uuid::nil();

/// The `prev` of a chain's first entry, and the head of an empty chain.
pub const ZERO_HASH: [u8; 32] = [0; 32];

/// The `format` inside every checkpoint's signed bytes.
pub const CHECKPOINT_FORMAT: &str = "huanjie.audit-checkpoint/1";

/// An event to log, before it has a place in its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewEntry {
    /// The election's UUID, or [`SERVER_CHAIN`].
    pub chain: Uuid,
    pub at: DateTime<Utc>,
    /// Who did it: a username, `station:S1`, `system`. Never a resident ID.
    pub actor: String,
    /// What happened, as a stable code (`polls.open`, `user.sign_in`).
    pub action: String,
    /// Whatever else observers may see (JSON, no floats; an empty object
    /// when there is nothing).
    pub details: Value,
}

/// An entry in its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub chain: Uuid,
    /// 1, 2, 3 … per chain.
    pub seq: u64,
    /// Microseconds at most.
    pub at: DateTime<Utc>,
    pub actor: String,
    pub action: String,
    pub details: Value,
    /// The previous entry's hash ([`ZERO_HASH`] for the first).
    #[serde(with = "hex32")]
    pub prev_hash: [u8; 32],
    /// SHA-256 of [`canonical`].
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
}

impl Entry {
    /// The hash this entry's content gives (equal to `hash` unless edited).
    pub fn computed_hash(&self) -> [u8; 32] {
        sha256(&canonical(self))
    }
}

/// Where a chain stands: how many entries and the last one's hash
/// ([`ZERO_HASH`] when empty).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Head {
    pub size: u64,
    #[serde(with = "hex32")]
    pub hash: [u8; 32],
}

impl Head {
    /// The head of a chain whose last entry is `last` (`None`: empty).
    pub fn of(last: Option<&Entry>) -> Self {
        match last {
            Some(e) => Head {
                size: e.seq,
                hash: e.hash,
            },
            None => Head {
                size: 0,
                hash: ZERO_HASH,
            },
        }
    }
}

/// A chain's size and head at a moment, to be signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub chain: Uuid,
    pub size: u64,
    #[serde(with = "hex32")]
    pub head: [u8; 32],
    /// Microseconds at most.
    pub at: DateTime<Utc>,
}

impl Checkpoint {
    /// A checkpoint of `chain` at `head`, made at `at` (kept to the
    /// microsecond).
    pub fn new(chain: Uuid, head: Head, at: DateTime<Utc>) -> Self {
        Checkpoint {
            chain,
            size: head.size,
            head: head.hash,
            at: micros(at),
        }
    }

    /// The bytes signed (see the module docs).
    pub fn bytes(&self) -> Vec<u8> {
        let mut out = String::with_capacity(192);
        out.push_str("{\"at\":\"");
        out.push_str(&instant(self.at));
        out.push_str("\",\"chain\":\"");
        out.push_str(&self.chain.hyphenated().to_string());
        out.push_str("\",\"format\":\"");
        out.push_str(CHECKPOINT_FORMAT);
        out.push_str("\",\"head\":\"");
        out.push_str(&hex(&self.head));
        out.push_str("\",\"size\":");
        out.push_str(&self.size.to_string());
        out.push('}');
        out.into_bytes()
    }

    /// Signs [`Checkpoint::bytes`] (Ed25519 is deterministic: no
    /// randomness drawn).
    pub fn sign(&self, key: &Ed25519KeyPair) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(key.sign(&self.bytes()).as_ref());
        out
    }

    /// Whether `signature` is this checkpoint's, under `public_key`.
    pub fn verify_signature(&self, signature: &[u8; 64], public_key: &[u8]) -> bool {
        UnparsedPublicKey::new(&ED25519, public_key)
            .verify(&self.bytes(), signature)
            .is_ok()
    }
}

/// Why an event cannot be appended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    /// The previous entry given is of another chain (a caller's mistake).
    #[error("an entry of chain {found} cannot follow an entry of chain {expected}")]
    WrongChain { expected: Uuid, found: Uuid },
    /// A floating-point number in the details (see the module docs).
    #[error("the audit log takes no floating-point numbers ({path}); log integers or text")]
    Float { path: String },
    /// A whole resident ID: personal data, never logged whole.
    #[error("the audit log never holds a whole resident ID ({path}); log it masked")]
    ResidentId { path: String },
    /// The chain has as many entries as a sequence number can count.
    #[error("the chain is full")]
    Full,
}

/// Where and how a chain (or its checkpoints) fails verification. The
/// first failure, in sequence order, is the one reported.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The entry belongs to another chain.
    #[error("entry {seq} belongs to another chain")]
    WrongChain { seq: u64 },
    /// A sequence number is missing (or out of place): entries deleted or
    /// moved.
    #[error("entry {expected} is missing (found {found} in its place)")]
    Gap { expected: u64, found: u64 },
    /// The entry's content does not give its hash: it was edited.
    #[error("entry {seq} was changed after it was written")]
    Edited { seq: u64 },
    /// The entry is intact but does not follow the one before it: entries
    /// before it were deleted, reordered or rewritten.
    #[error("entry {seq} does not follow entry {}", seq.saturating_sub(1))]
    Broken { seq: u64 },
    /// A signed checkpoint counts more entries than the log holds: its
    /// end was cut off.
    #[error("the log has {log_size} entries but a signed checkpoint counted {checkpoint_size}: entries were removed from its end")]
    Truncated { checkpoint_size: u64, log_size: u64 },
    /// The log's entry at a checkpoint's size is not the one signed.
    #[error("the log differs from the signed checkpoint at entry {size}")]
    CheckpointMismatch { size: u64 },
    /// A checkpoint's signature does not verify under the key.
    #[error("the checkpoint at size {size} is not signed by the election's key")]
    BadSignature { size: u64 },
}

impl ChainError {
    /// The sequence number (or checkpoint size) where verification failed.
    pub fn seq(&self) -> u64 {
        match *self {
            ChainError::WrongChain { seq }
            | ChainError::Edited { seq }
            | ChainError::Broken { seq } => seq,
            ChainError::Gap { expected, .. } => expected,
            ChainError::Truncated { log_size, .. } => log_size.saturating_add(1),
            ChainError::CheckpointMismatch { size } | ChainError::BadSignature { size } => size,
        }
    }
}

/// The entry that follows `prev` (`None`: the chain's first) for `new`:
/// its sequence number, previous hash and hash. `new.at` is kept to the
/// microsecond.
pub fn next(prev: Option<&Entry>, new: NewEntry) -> Result<Entry, EntryError> {
    check(&new)?;
    let (seq, prev_hash) = match prev {
        Some(p) if p.chain != new.chain => {
            return Err(EntryError::WrongChain {
                expected: p.chain,
                found: new.chain,
            })
        }
        Some(p) => (p.seq.checked_add(1).ok_or(EntryError::Full)?, p.hash),
        None => (1, ZERO_HASH),
    };
    let mut entry = Entry {
        chain: new.chain,
        seq,
        at: micros(new.at),
        actor: new.actor,
        action: new.action,
        details: new.details,
        prev_hash,
        hash: ZERO_HASH,
    };
    entry.hash = entry.computed_hash();
    Ok(entry)
}

/// What [`next`] refuses in an event: floats, whole resident IDs.
pub fn check(new: &NewEntry) -> Result<(), EntryError> {
    for (text, path) in [(&new.actor, "actor"), (&new.action, "action")] {
        if is_resident_id(text) {
            return Err(EntryError::ResidentId { path: path.into() });
        }
    }
    check_value(&new.details, &mut "details".to_owned())
}

fn check_value(v: &Value, path: &mut String) -> Result<(), EntryError> {
    match v {
        Value::Number(n) if !(n.is_i64() || n.is_u64()) => {
            Err(EntryError::Float { path: path.clone() })
        }
        Value::String(s) if is_resident_id(s) => Err(EntryError::ResidentId { path: path.clone() }),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                if is_resident_id(key) {
                    return Err(EntryError::ResidentId { path: path.clone() });
                }
                let len = path.len();
                path.push('.');
                path.push_str(key);
                check_value(item, path)?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn is_resident_id(text: &str) -> bool {
    text.trim().chars().count() == 18 && text.parse::<ResidentId>().is_ok()
}

/// The canonical bytes an entry's hash is taken over (see the module
/// docs): everything but `hash` itself.
pub fn canonical(entry: &Entry) -> Vec<u8> {
    let mut out = String::with_capacity(256);
    out.push_str("{\"action\":");
    write_string(&mut out, &entry.action);
    out.push_str(",\"actor\":");
    write_string(&mut out, &entry.actor);
    out.push_str(",\"at\":\"");
    out.push_str(&instant(entry.at));
    out.push_str("\",\"chain\":\"");
    out.push_str(&entry.chain.hyphenated().to_string());
    out.push_str("\",\"details\":");
    write_json(&mut out, &entry.details);
    out.push_str(",\"prev\":\"");
    out.push_str(&hex(&entry.prev_hash));
    out.push_str("\",\"seq\":");
    out.push_str(&entry.seq.to_string());
    out.push('}');
    out.into_bytes()
}

/// A JSON value in the canonical form of the module docs (how a store
/// keeps an entry's details, too).
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_json(&mut out, value);
    out
}

fn write_json(out: &mut String, v: &Value) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        // Integers print in decimal; a float (refused by `next`, but a
        // tampered row may hold one) prints as serde_json writes it.
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // Sorted here, whatever order the map keeps (serde_json's
            // `preserve_order` feature would keep insertion order).
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, key);
                out.push(':');
                if let Some(item) = map.get(key) {
                    write_json(out, item);
                }
            }
            out.push('}');
        }
    }
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Checks a whole chain, `entries` in sequence order from 1: each belongs
/// to `chain`, is numbered in turn, gives its own hash and follows the one
/// before. Returns the chain's head, or the first place it breaks.
///
/// Entries cut off the end leave a valid (shorter) chain: only
/// [`verify_checkpoints`] sees that.
pub fn verify(chain: Uuid, entries: &[Entry]) -> Result<Head, ChainError> {
    let mut prev = ZERO_HASH;
    let mut expected: u64 = 0;
    for entry in entries {
        expected = expected.saturating_add(1);
        if entry.chain != chain {
            return Err(ChainError::WrongChain { seq: entry.seq });
        }
        if entry.seq != expected {
            return Err(ChainError::Gap {
                expected,
                found: entry.seq,
            });
        }
        if entry.computed_hash() != entry.hash {
            return Err(ChainError::Edited { seq: entry.seq });
        }
        if entry.prev_hash != prev {
            return Err(ChainError::Broken { seq: entry.seq });
        }
        prev = entry.hash;
    }
    Ok(Head {
        size: expected,
        hash: prev,
    })
}

/// Checks signed checkpoints against a chain's entries (in sequence order
/// from 1, as [`verify`] takes them): each signature verifies under
/// `public_key` (Ed25519, 32 bytes), the log reaches the checkpoint's size
/// (else `Truncated`), and its entry there has the signed hash. The
/// checkpoints are taken smallest size first; the first failure is
/// returned.
pub fn verify_checkpoints(
    chain: Uuid,
    entries: &[Entry],
    checkpoints: &[(Checkpoint, [u8; 64])],
    public_key: &[u8],
) -> Result<(), ChainError> {
    let mut sorted: Vec<&(Checkpoint, [u8; 64])> = checkpoints.iter().collect();
    sorted.sort_by_key(|(c, _)| c.size);
    let log_size = u64::try_from(entries.len()).unwrap_or(u64::MAX);
    for (checkpoint, signature) in sorted {
        let size = checkpoint.size;
        if !checkpoint.verify_signature(signature, public_key) {
            return Err(ChainError::BadSignature { size });
        }
        if checkpoint.chain != chain {
            return Err(ChainError::CheckpointMismatch { size });
        }
        if size > log_size {
            return Err(ChainError::Truncated {
                checkpoint_size: size,
                log_size,
            });
        }
        let at_size = match usize::try_from(size) {
            Ok(0) => Some((0, ZERO_HASH)),
            Ok(n) => entries.get(n - 1).map(|e| (e.seq, e.hash)),
            Err(_) => None,
        };
        if at_size != Some((size, checkpoint.head)) {
            return Err(ChainError::CheckpointMismatch { size });
        }
    }
    Ok(())
}

/// [`verify`], then [`verify_checkpoints`]: the whole audit of one chain.
pub fn verify_all(
    chain: Uuid,
    entries: &[Entry],
    checkpoints: &[(Checkpoint, [u8; 64])],
    public_key: &[u8],
) -> Result<Head, ChainError> {
    let head = verify(chain, entries)?;
    verify_checkpoints(chain, entries, checkpoints, public_key)?;
    Ok(head)
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest::digest(&digest::SHA256, bytes).as_ref());
    out
}

/// `t` without its sub-microsecond part.
fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t)
}

fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Hashes as 64 lower-case hex characters in serde.
mod hex32 {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &[u8; 32], s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; 32], D::Error> {
        let text = String::deserialize(d)?;
        let bad = || serde::de::Error::custom("expected 64 lower-case hex characters");
        if text.len() != 64 {
            return Err(bad());
        }
        let mut out = [0u8; 32];
        for (i, pair) in text.as_bytes().chunks(2).enumerate() {
            let hi = nibble(pair[0]).ok_or_else(bad)?;
            let lo = nibble(pair[1]).ok_or_else(bad)?;
            out[i] = hi << 4 | lo;
        }
        Ok(out)
    }

    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
}

impl fmt::Display for Head {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} entries, head {}", self.size, hex(&self.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use serde_json::json;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 4, 12, 7, 0, 0).single().unwrap() + Duration::seconds(seconds)
    }

    fn election() -> Uuid {
        Uuid::from_u128(0x0192_f0c1_5a3e_7d2b_8c4f_1e2d_3c4b_5a69)
    }

    fn event(n: u64) -> NewEntry {
        NewEntry {
            chain: election(),
            at: at(i64::try_from(n).unwrap()),
            actor: "wang.fang".into(),
            action: "polls.issue".into(),
            details: json!({"station": "S1", "delta": n}),
        }
    }

    fn chain_of(n: u64) -> Vec<Entry> {
        let mut out: Vec<Entry> = Vec::new();
        for i in 1..=n {
            let e = next(out.last(), event(i)).unwrap();
            out.push(e);
        }
        out
    }

    fn key() -> Ed25519KeyPair {
        Ed25519KeyPair::from_seed_unchecked(&[7; 32]).unwrap()
    }

    fn public(key: &Ed25519KeyPair) -> Vec<u8> {
        use ring::signature::KeyPair;
        key.public_key().as_ref().to_vec()
    }

    #[test]
    fn the_canonical_encoding_is_as_documented() {
        let first = next(
            None,
            NewEntry {
                chain: election(),
                at: at(0) + Duration::nanoseconds(1_234_567),
                actor: "wang.fang".into(),
                action: "polls.open".into(),
                details: json!({"z": [1, -2, null, true], "station": "S1", "名": "甲\"\n\u{1}"}),
            },
        )
        .unwrap();
        assert_eq!(first.seq, 1);
        assert_eq!(first.prev_hash, ZERO_HASH);
        assert_eq!(first.at, at(0) + Duration::microseconds(1_234));
        let text = String::from_utf8(canonical(&first)).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"{"action":"polls.open","actor":"wang.fang","at":"2026-04-12T07:00:00.001234Z","#,
                r#""chain":"0192f0c1-5a3e-7d2b-8c4f-1e2d3c4b5a69","#,
                r#""details":{"station":"S1","z":[1,-2,null,true],"名":"甲\"\n\u0001"},"#,
                r#""prev":"0000000000000000000000000000000000000000000000000000000000000000","seq":1}"#
            )
        );
        assert_eq!(first.hash, sha256(text.as_bytes()));
        // A fixed vector, so that another implementation can check itself.
        assert_eq!(
            hex(&first.hash),
            "e9efbdd05ea8b4c9bf6a0decae338c99bc3cbf68f34e8d4f21f08edff183c545"
        );
        let second = next(Some(&first), event(2)).unwrap();
        assert_eq!(second.seq, 2);
        assert_eq!(second.prev_hash, first.hash);
        assert!(String::from_utf8(canonical(&second))
            .unwrap()
            .contains(&format!("\"prev\":\"{}\"", hex(&first.hash))));
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let v: Value =
            serde_json::from_str(r#"{ "b": {"d": 1, "c": [ {"y":2,"x":1} ]}, "a": "\u00e9\t" }"#)
                .unwrap();
        assert_eq!(
            canonical_json(&v),
            r#"{"a":"é\t","b":{"c":[{"x":1,"y":2}],"d":1}}"#
        );
        // It reads back as the same value.
        let back: Value = serde_json::from_str(&canonical_json(&v)).unwrap();
        assert_eq!(back, v);
    }

    #[test]
    fn floats_and_whole_resident_ids_are_refused() {
        let mut e = event(1);
        e.details = json!({"rate": 0.5});
        assert_eq!(
            next(None, e).unwrap_err(),
            EntryError::Float {
                path: "details.rate".into()
            }
        );
        let mut e = event(1);
        e.details = json!({"voters": [{"id": "11010519491231002X"}]});
        assert_eq!(
            next(None, e).unwrap_err(),
            EntryError::ResidentId {
                path: "details.voters[0].id".into()
            }
        );
        let mut e = event(1);
        e.actor = "11010519491231002x".into();
        assert_eq!(
            next(None, e).unwrap_err(),
            EntryError::ResidentId {
                path: "actor".into()
            }
        );
        // Masked IDs and other 18-digit text are fine.
        let mut e = event(1);
        e.details = json!({"id": "1101**********002X", "n": "110105194912310021", "big": u64::MAX, "neg": i64::MIN});
        assert!(next(None, e).is_ok());
    }

    #[test]
    fn an_entry_follows_only_its_own_chain() {
        let first = next(None, event(1)).unwrap();
        let mut other = event(2);
        other.chain = SERVER_CHAIN;
        assert_eq!(
            next(Some(&first), other).unwrap_err(),
            EntryError::WrongChain {
                expected: election(),
                found: SERVER_CHAIN
            }
        );
    }

    #[test]
    fn an_intact_chain_verifies_to_its_head() {
        assert_eq!(
            verify(election(), &[]).unwrap(),
            Head {
                size: 0,
                hash: ZERO_HASH
            }
        );
        let chain = chain_of(5);
        let head = verify(election(), &chain).unwrap();
        assert_eq!(head, Head::of(chain.last()));
        assert_eq!(head.size, 5);
        assert_eq!(
            verify(SERVER_CHAIN, &chain),
            Err(ChainError::WrongChain { seq: 1 })
        );
    }

    #[test]
    fn each_kind_of_tampering_is_named_at_its_entry() {
        let chain = chain_of(6);

        let mut edited = chain.clone();
        edited[2].details = json!({"station": "S1", "delta": 300});
        assert_eq!(
            verify(election(), &edited),
            Err(ChainError::Edited { seq: 3 })
        );

        // Edited and its hash recomputed: the next entry no longer follows.
        let mut rehashed = edited.clone();
        rehashed[2].hash = rehashed[2].computed_hash();
        assert_eq!(
            verify(election(), &rehashed),
            Err(ChainError::Broken { seq: 4 })
        );

        let mut deleted = chain.clone();
        deleted.remove(3);
        assert_eq!(
            verify(election(), &deleted),
            Err(ChainError::Gap {
                expected: 4,
                found: 5
            })
        );

        // Deleted, and the rest renumbered and rehashed: entry 4 is now
        // the old fifth, whose prev is the deleted one's hash.
        let mut renumbered = deleted.clone();
        for e in &mut renumbered[3..] {
            e.seq -= 1;
            e.hash = e.computed_hash();
        }
        assert_eq!(
            verify(election(), &renumbered),
            Err(ChainError::Broken { seq: 4 })
        );

        // Two rows' contents swapped, each keeping its number.
        let mut swapped = chain.clone();
        let (a, b) = (swapped[1].clone(), swapped[4].clone());
        swapped[1] = Entry { seq: 2, ..b };
        swapped[4] = Entry { seq: 5, ..a };
        assert_eq!(
            verify(election(), &swapped),
            Err(ChainError::Edited { seq: 2 })
        );

        // Read out of order.
        let mut reordered = chain.clone();
        reordered.swap(1, 4);
        assert_eq!(
            verify(election(), &reordered),
            Err(ChainError::Gap {
                expected: 2,
                found: 5
            })
        );

        // The end cut off: still a valid chain.
        let truncated = &chain[..4];
        assert_eq!(verify(election(), truncated).unwrap().size, 4);
    }

    #[test]
    fn checkpoints_catch_a_cut_end_and_a_rewritten_tail() {
        let key = key();
        let chain = chain_of(6);
        let signed = |size: usize| {
            let c = Checkpoint::new(election(), Head::of(chain[..size].last()), at(100));
            (c, c.sign(&key))
        };
        let checkpoints = vec![signed(5), signed(0), signed(3)];
        assert_eq!(
            verify_all(election(), &chain, &checkpoints, &public(&key)).unwrap(),
            Head::of(chain.last())
        );

        assert_eq!(
            verify_checkpoints(election(), &chain[..4], &checkpoints, &public(&key)),
            Err(ChainError::Truncated {
                checkpoint_size: 5,
                log_size: 4
            })
        );

        // The tail from entry 3 rewritten consistently: the chain verifies,
        // the checkpoint at 3 does not.
        let mut rewritten: Vec<Entry> = chain[..2].to_vec();
        for i in 3..=6 {
            let mut e = event(i);
            e.details = json!({"station": "S1", "delta": 0});
            let e = next(rewritten.last(), e).unwrap();
            rewritten.push(e);
        }
        assert!(verify(election(), &rewritten).is_ok());
        assert_eq!(
            verify_all(election(), &rewritten, &checkpoints, &public(&key)),
            Err(ChainError::CheckpointMismatch { size: 3 })
        );

        // A checkpoint the key did not sign.
        let mut forged = checkpoints.clone();
        forged[0].0.size = 6;
        forged[0].0.head = chain[5].hash;
        assert_eq!(
            verify_checkpoints(election(), &chain, &forged, &public(&key)),
            Err(ChainError::BadSignature { size: 6 })
        );
        let other = Ed25519KeyPair::from_seed_unchecked(&[8; 32]).unwrap();
        assert_eq!(
            verify_checkpoints(election(), &chain, &checkpoints, &public(&other)),
            Err(ChainError::BadSignature { size: 0 })
        );
    }

    #[test]
    fn checkpoint_bytes_are_as_documented() {
        let c = Checkpoint::new(
            SERVER_CHAIN,
            Head {
                size: 12,
                hash: [0xab; 32],
            },
            at(0) + Duration::nanoseconds(999),
        );
        assert_eq!(
            String::from_utf8(c.bytes()).unwrap(),
            format!(
                "{{\"at\":\"2026-04-12T07:00:00.000000Z\",\"chain\":\"00000000-0000-0000-0000-000000000000\",\
                 \"format\":\"huanjie.audit-checkpoint/1\",\"head\":\"{}\",\"size\":12}}",
                "ab".repeat(32)
            )
        );
    }

    #[test]
    fn entries_round_trip_through_serde() {
        let chain = chain_of(2);
        let text = serde_json::to_string(&chain).unwrap();
        assert!(text.contains(&hex(&chain[1].prev_hash)));
        let back: Vec<Entry> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, chain);
        assert!(verify(election(), &back).is_ok());
    }

    #[derive(Debug, Clone)]
    enum Tamper {
        Edit(usize),
        Delete(usize),
        SwapContents(usize, usize),
    }

    fn arb_event() -> impl Strategy<Value = (String, String, Value, i64)> {
        (
            "[a-z.]{1,12}",
            "[a-z_.]{1,16}",
            prop::collection::btree_map(
                "[a-z]{1,6}",
                prop_oneof![
                    any::<i64>().prop_map(Value::from),
                    "\\PC{0,10}".prop_map(Value::from),
                    any::<bool>().prop_map(Value::from),
                ],
                0..4,
            ),
            0i64..1_000_000_000,
        )
            .prop_map(|(actor, action, map, micros)| {
                (
                    actor,
                    action,
                    Value::Object(map.into_iter().collect()),
                    micros,
                )
            })
    }

    fn arb_case() -> impl Strategy<Value = (Vec<(String, String, Value, i64)>, Tamper)> {
        prop::collection::vec(arb_event(), 2..24).prop_flat_map(|events| {
            let n = events.len();
            let tamper = prop_oneof![
                (0..n).prop_map(Tamper::Edit),
                (0..n).prop_map(Tamper::Delete),
                (0..n, 0..n)
                    .prop_filter("two rows", |(a, b)| a != b)
                    .prop_map(|(a, b)| Tamper::SwapContents(a.min(b), a.max(b))),
            ];
            (Just(events), tamper)
        })
    }

    proptest! {
        #[test]
        fn any_single_tampering_is_detected_at_its_entry((events, tamper) in arb_case()) {
            let mut chain: Vec<Entry> = Vec::new();
            for (actor, action, details, micros) in events {
                let e = next(chain.last(), NewEntry {
                    chain: election(),
                    at: at(0) + Duration::microseconds(micros),
                    actor, action, details,
                }).unwrap();
                chain.push(e);
            }
            let n = chain.len();
            let head = verify(election(), &chain).unwrap();
            prop_assert_eq!(head, Head::of(chain.last()));
            let key = key();
            let last = Checkpoint::new(election(), head, at(0));
            let checkpoints = [(last, last.sign(&key))];
            prop_assert!(verify_all(election(), &chain, &checkpoints, &public(&key)).is_ok());

            let mut t = chain.clone();
            match tamper {
                Tamper::Edit(i) => {
                    t[i].action.push('!');
                    prop_assert_eq!(verify(election(), &t), Err(ChainError::Edited { seq: i as u64 + 1 }));
                }
                Tamper::Delete(i) if i + 1 == n => {
                    t.remove(i);
                    // The end cut off: only the checkpoint sees it.
                    prop_assert!(verify(election(), &t).is_ok());
                    prop_assert_eq!(
                        verify_checkpoints(election(), &t, &checkpoints, &public(&key)),
                        Err(ChainError::Truncated { checkpoint_size: n as u64, log_size: n as u64 - 1 })
                    );
                }
                Tamper::Delete(i) => {
                    t.remove(i);
                    prop_assert_eq!(
                        verify(election(), &t),
                        Err(ChainError::Gap { expected: i as u64 + 1, found: i as u64 + 2 })
                    );
                }
                Tamper::SwapContents(i, j) => {
                    let (a, b) = (t[i].clone(), t[j].clone());
                    t[i] = Entry { seq: a.seq, ..b };
                    t[j] = Entry { seq: b.seq, ..a };
                    prop_assert_eq!(verify(election(), &t), Err(ChainError::Edited { seq: i as u64 + 1 }));
                }
            }
        }
    }
}
