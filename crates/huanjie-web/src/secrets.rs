//! Random bearer secrets (sessions, station tokens, the set-up code) and the
//! hashes the store keeps instead of them.
//!
//! A secret is shown to its owner once; the database only ever sees its
//! SHA-256, so a copied database cannot be used to sign in. Secrets carry a
//! short prefix (`hjs_` session, `hjt_` station token) so the server knows
//! which table to look in and a leaked one is easy to recognise.

use ring::digest::{digest, SHA256};
use ring::error::Unspecified;
use ring::rand::{SecureRandom, SystemRandom};

/// Prefix of a session secret.
pub const SESSION_PREFIX: &str = "hjs_";
/// Prefix of a station clerk's token.
pub const STATION_TOKEN_PREFIX: &str = "hjt_";

/// A freshly made secret: the text to hand out once, and its hash to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Secret {
    pub plain: String,
    pub hash: [u8; 32],
}

/// 256 random bits from the operating system, hex-encoded after `prefix`.
pub fn new_token(rng: &SystemRandom, prefix: &str) -> Result<Secret, Unspecified> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes)?;
    let plain = format!("{prefix}{}", hex::encode(bytes));
    let hash = sha256(plain.as_bytes());
    Ok(Secret { plain, hash })
}

/// The stored form of a secret.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, bytes).as_ref());
    out
}

/// The set-up code alphabet: no 0/O, 1/I/L or U, so it can be read aloud
/// and typed from a terminal without mistakes.
const SETUP_ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A one-time set-up code like `K7QM-3XHT` (8 symbols of a 30-letter
/// alphabet, ~39 bits: enough for a code that lives until the first account
/// exists and can be guessed only over HTTP).
pub fn new_setup_code(rng: &SystemRandom) -> Result<Secret, Unspecified> {
    let alphabet_len = SETUP_ALPHABET.len();
    // Rejection sampling keeps every symbol equally likely.
    let limit = u8::MAX as usize + 1 - (u8::MAX as usize + 1) % alphabet_len;
    let mut symbols = String::with_capacity(9);
    while symbols.len() < 8 {
        let mut byte = [0u8; 1];
        rng.fill(&mut byte)?;
        let b = byte[0] as usize;
        if b < limit {
            symbols.push(char::from(SETUP_ALPHABET[b % alphabet_len]));
        }
    }
    let plain = format!("{}-{}", &symbols[..4], &symbols[4..]);
    let hash = setup_code_hash(&plain);
    Ok(Secret { plain, hash })
}

/// Hash of a set-up code as typed: case, spaces and dashes do not matter.
pub fn setup_code_hash(typed: &str) -> [u8; 32] {
    let normalized: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    sha256(normalized.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bit_and_prefixed() {
        let rng = SystemRandom::new();
        let a = new_token(&rng, SESSION_PREFIX).unwrap();
        let b = new_token(&rng, SESSION_PREFIX).unwrap();
        assert_ne!(a.plain, b.plain);
        assert!(a.plain.starts_with("hjs_"));
        assert_eq!(a.plain.len(), 4 + 64);
        assert_eq!(a.hash, sha256(a.plain.as_bytes()));
    }

    #[test]
    fn setup_code_shape_and_normalisation() {
        let rng = SystemRandom::new();
        let code = new_setup_code(&rng).unwrap();
        assert_eq!(code.plain.len(), 9);
        assert_eq!(&code.plain[4..5], "-");
        assert!(code
            .plain
            .chars()
            .all(|c| c == '-' || SETUP_ALPHABET.contains(&(c as u8))));
        let sloppy = format!(" {} ", code.plain.replace('-', "").to_lowercase());
        assert_eq!(setup_code_hash(&sloppy), code.hash);
    }
}
