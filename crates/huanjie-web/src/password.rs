//! Password hashing: PBKDF2-HMAC-SHA256 from `ring`.
//!
//! The stored string is `$pbkdf2-sha256$i=ITERATIONS$SALT_HEX$HASH_HEX`. The
//! iteration count travels with each hash, so raising it later does not lock
//! anyone out, and tests can use a low count without a special verify path.
//! Verification is `ring::pbkdf2::verify`, which compares in constant time.

use std::num::NonZeroU32;

use ring::error::Unspecified;
use ring::pbkdf2;
use ring::rand::{SecureRandom, SystemRandom};

const ALGORITHM: pbkdf2::Algorithm = pbkdf2::PBKDF2_HMAC_SHA256;
const SCHEME: &str = "pbkdf2-sha256";
const SALT_LEN: usize = 16;
const HASH_LEN: usize = 32;

/// Hashes `password` with a fresh random 16-byte salt.
pub fn hash_password(
    rng: &SystemRandom,
    password: &str,
    iterations: NonZeroU32,
) -> Result<String, Unspecified> {
    let mut salt = [0u8; SALT_LEN];
    rng.fill(&mut salt)?;
    let mut hash = [0u8; HASH_LEN];
    pbkdf2::derive(ALGORITHM, iterations, &salt, password.as_bytes(), &mut hash);
    Ok(format!(
        "${SCHEME}$i={iterations}${}${}",
        hex::encode(salt),
        hex::encode(hash)
    ))
}

/// True when `password` matches `stored`. A malformed stored string never
/// matches (and is not an error the caller could reveal).
pub fn verify_password(stored: &str, password: &str) -> bool {
    let Some((iterations, salt, hash)) = parse(stored) else {
        return false;
    };
    pbkdf2::verify(ALGORITHM, iterations, &salt, password.as_bytes(), &hash).is_ok()
}

fn parse(stored: &str) -> Option<(NonZeroU32, Vec<u8>, Vec<u8>)> {
    let mut parts = stored.strip_prefix('$')?.split('$');
    if parts.next()? != SCHEME {
        return None;
    }
    let iterations: NonZeroU32 = parts.next()?.strip_prefix("i=")?.parse().ok()?;
    let salt = hex::decode(parts.next()?).ok()?;
    let hash = hex::decode(parts.next()?).ok()?;
    if parts.next().is_some() || salt.len() != SALT_LEN || hash.len() != HASH_LEN {
        return None;
    }
    Some((iterations, salt, hash))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iters(n: u32) -> NonZeroU32 {
        NonZeroU32::new(n).unwrap()
    }

    #[test]
    fn round_trip() {
        let rng = SystemRandom::new();
        let stored = hash_password(&rng, "correct horse", iters(1000)).unwrap();
        assert!(stored.starts_with("$pbkdf2-sha256$i=1000$"));
        assert!(verify_password(&stored, "correct horse"));
        assert!(!verify_password(&stored, "correct horsE"));
    }

    #[test]
    fn same_password_different_salt() {
        let rng = SystemRandom::new();
        let a = hash_password(&rng, "same password", iters(1000)).unwrap();
        let b = hash_password(&rng, "same password", iters(1000)).unwrap();
        assert_ne!(a, b);
    }

    #[test]
    fn iteration_count_comes_from_the_hash() {
        let rng = SystemRandom::new();
        let stored = hash_password(&rng, "pw pw pw pw", iters(7)).unwrap();
        assert!(verify_password(&stored, "pw pw pw pw"));
    }

    #[test]
    fn malformed_hashes_never_match() {
        for bad in [
            "",
            "$",
            "$pbkdf2-sha256$i=0$00$00",
            "$md5$i=1$00$00",
            "plain",
        ] {
            assert!(!verify_password(bad, ""), "{bad}");
        }
    }
}
