//! The signed result (`huanjie.signed-result/1`): what the election
//! committee certifies, signed with the election's Ed25519 key, so that
//! anyone holding the published public key can check that a result file
//! is the one certified, byte for byte.
//!
//! The file is one JSON object, written in exactly one way:
//!
//! ```json
//! {"algorithm":"Ed25519","document":"<the certified document, JSON text>","public_key":"<64 hex>","signature":"<128 hex>"}
//! ```
//!
//! followed by a newline. The signature is over the document's bytes
//! (UTF-8). [`verify`] accepts a file only if it is exactly the canonical
//! rendering of what it parsed (keys in that order, no spaces, lowercase
//! hex, one final newline) and the signature verifies: so a change to any
//! byte of the file, even one JSON would not notice, fails.
//!
//! The document itself (canonical JSON, keys sorted) carries the
//! election, the round, the result (`huanjie.result/1`), who certified it
//! and when, and (`case`: [`CaseDigest`]) the SHA-256 and length of the
//! exact counting-case bytes (`huanjie.case/1`) the result was counted
//! from: without it, a case with a ballot moved to another station or a
//! contest's title changed would still recount to the certified result,
//! and nothing would show the case is not the one certified
//! (`docs/verify-bundle.md`). A document without `case` (an election that
//! printed no ballots, or certified before the field existed) still
//! verifies here; `huanjie verify` requires it.

use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The signed file's format id (inside the document).
pub const SIGNED_RESULT_FORMAT: &str = "huanjie.signed-result/1";

/// The signed result file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedResult {
    pub algorithm: String,
    pub document: String,
    pub public_key: String,
    pub signature: String,
}

/// Why a signed result does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("not a signed result file: {0}")]
    Malformed(String),
    #[error("the file is not in its one canonical form (a byte was changed or added)")]
    NotCanonical,
    #[error("the algorithm must be Ed25519")]
    Algorithm,
    #[error("{0} is not lowercase hex of the right length")]
    Hex(&'static str),
    #[error("the signature does not match the document and public key")]
    BadSignature,
    #[error("signed by another key than the one expected")]
    OtherKey,
    #[error("the document is not a {SIGNED_RESULT_FORMAT} document: {0}")]
    Document(String),
}

/// What binds a certified result to the counting case it came from: the
/// SHA-256 of the case file's exact bytes and their number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseDigest {
    pub sha256: [u8; 32],
    pub bytes: u64,
}

impl CaseDigest {
    /// The digest of a whole case file.
    pub fn of(case: &[u8]) -> Self {
        let mut sha256 = [0u8; 32];
        sha256.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, case).as_ref());
        CaseDigest {
            sha256,
            bytes: u64::try_from(case.len()).unwrap_or(u64::MAX),
        }
    }

    /// As the document holds it: `{"bytes": N, "sha256": "<64 hex>"}`.
    pub fn to_json(&self) -> Value {
        serde_json::json!({ "bytes": self.bytes, "sha256": hex::encode(self.sha256) })
    }
}

/// The document to certify: canonical JSON (keys sorted, no spaces).
/// `case` is the digest of the counting case the result was counted from
/// (`None` when there is none: no ballots were printed).
pub fn document(
    election: Value,
    round: &str,
    result: Value,
    case: Option<&CaseDigest>,
    certified_by: &str,
    certified_at: &str,
) -> String {
    let mut doc = serde_json::json!({
        "format": SIGNED_RESULT_FORMAT,
        "election": election,
        "round": round,
        "result": result,
        "certified_by": certified_by,
        "certified_at": certified_at,
    });
    if let (Some(case), Some(map)) = (case, doc.as_object_mut()) {
        map.insert("case".to_owned(), case.to_json());
    }
    // serde_json's maps keep keys sorted: one rendering per value.
    doc.to_string()
}

/// Signs `document` and renders the file.
pub fn sign(key: &Ed25519KeyPair, document: &str) -> String {
    let signature = key.sign(document.as_bytes());
    render(&SignedResult {
        algorithm: "Ed25519".to_owned(),
        document: document.to_owned(),
        public_key: hex::encode(key.public_key().as_ref()),
        signature: hex::encode(signature.as_ref()),
    })
}

/// The one canonical rendering of a signed result file.
pub fn render(file: &SignedResult) -> String {
    let mut out = serde_json::to_string(file).unwrap_or_default();
    out.push('\n');
    out
}

fn lower_hex<const N: usize>(text: &str, what: &'static str) -> Result<[u8; N], SignatureError> {
    if text.len() != 2 * N || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return Err(SignatureError::Hex(what));
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| SignatureError::Hex(what))?;
    Ok(out)
}

/// What a verified file says.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    pub public_key: [u8; 32],
    /// The certified document, parsed.
    pub document: Value,
}

/// Verifies a signed result file, byte for byte; with `expected_key`,
/// also that it was signed by that (published) key.
pub fn verify(file: &[u8], expected_key: Option<&[u8; 32]>) -> Result<Verified, SignatureError> {
    let parsed: SignedResult =
        serde_json::from_slice(file).map_err(|e| SignatureError::Malformed(e.to_string()))?;
    if render(&parsed).as_bytes() != file {
        return Err(SignatureError::NotCanonical);
    }
    if parsed.algorithm != "Ed25519" {
        return Err(SignatureError::Algorithm);
    }
    let public_key: [u8; 32] = lower_hex(&parsed.public_key, "public_key")?;
    let signature: [u8; 64] = lower_hex(&parsed.signature, "signature")?;
    if expected_key.is_some_and(|k| *k != public_key) {
        return Err(SignatureError::OtherKey);
    }
    UnparsedPublicKey::new(&ED25519, &public_key)
        .verify(parsed.document.as_bytes(), &signature)
        .map_err(|_| SignatureError::BadSignature)?;
    let document: Value = serde_json::from_str(&parsed.document)
        .map_err(|e| SignatureError::Document(e.to_string()))?;
    if document.get("format").and_then(Value::as_str) != Some(SIGNED_RESULT_FORMAT) {
        return Err(SignatureError::Document("no format field".into()));
    }
    Ok(Verified {
        public_key,
        document,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ring::rand::SystemRandom;

    fn key() -> Ed25519KeyPair {
        let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
        Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
    }

    fn signed(key: &Ed25519KeyPair) -> String {
        let doc = document(
            serde_json::json!({"id": "e1", "title": "幸福社区第七届"}),
            "general",
            serde_json::json!({"format": "huanjie.result/1", "valid": true, "cast": 3}),
            Some(&CaseDigest::of(b"{}\n")),
            "chair",
            "2026-12-20T10:00:00Z",
        );
        sign(key, &doc)
    }

    #[test]
    fn a_signed_result_verifies_with_its_key() {
        let key = key();
        let file = signed(&key);
        let mut public = [0u8; 32];
        public.copy_from_slice(key.public_key().as_ref());
        let verified = verify(file.as_bytes(), Some(&public)).unwrap();
        assert_eq!(verified.document["result"]["cast"], 3);
        assert_eq!(verified.document["certified_by"], "chair");
        assert_eq!(verified.document["case"]["bytes"], 3);
        assert_eq!(
            verified.document["case"]["sha256"],
            // SHA-256 of "{}\n".
            "ca3d163bab055381827226140568f3bef7eaac187cebd76878e0b63e9e442356"
        );
        let other = self::key();
        let mut other_public = [0u8; 32];
        other_public.copy_from_slice(other.public_key().as_ref());
        assert_eq!(
            verify(file.as_bytes(), Some(&other_public)),
            Err(SignatureError::OtherKey)
        );
    }

    /// Every single byte changed, to every other value that keeps the file
    /// UTF-8 where it was ASCII, fails.
    #[test]
    fn changing_any_byte_fails() {
        let key = key();
        let file = signed(&key).into_bytes();
        for i in 0..file.len() {
            for delta in [1u8, 0x20, 0x80] {
                let mut changed = file.clone();
                changed[i] ^= delta;
                assert!(
                    verify(&changed, None).is_err(),
                    "byte {i} ^ {delta:#x} still verified"
                );
            }
        }
        // Also a byte added or removed anywhere.
        for i in 0..file.len() {
            let mut shorter = file.clone();
            shorter.remove(i);
            assert!(verify(&shorter, None).is_err(), "byte {i} removed");
            let mut longer = file.clone();
            longer.insert(i, b' ');
            assert!(verify(&longer, None).is_err(), "space at {i}");
        }
    }

    /// The same bytes in uppercase hex decode alike, but are refused.
    /// (The letter is picked in the signature: a random signature's last
    /// few digits may all be 0-9, which once made this test pass by luck
    /// of the draw and fail on the next.)
    #[test]
    fn uppercase_hex_is_not_canonical() {
        let key = key();
        let file = signed(&key);
        let parsed: SignedResult = serde_json::from_str(&file).unwrap();
        let at = parsed
            .signature
            .find(|c: char| c.is_ascii_lowercase())
            .expect("a 128-digit signature has a letter");
        let mut signature = parsed.signature.clone();
        signature.replace_range(at..=at, &signature[at..=at].to_uppercase());
        let upper = file.replace(&parsed.signature, &signature);
        assert_ne!(upper, file);
        assert_eq!(
            verify(upper.as_bytes(), None),
            Err(SignatureError::Hex("signature"))
        );
    }
}
