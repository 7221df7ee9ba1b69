//! The stored side of certification (issue 7): the election's Ed25519
//! signing key and each certified round's signed result document. Once a
//! round is certified its ballots are locked: scans and decisions are
//! refused in the same transaction that would write them.

use chrono::{DateTime, Utc};
use serde::Serialize;

/// An election's signing key: PKCS#8 (as `ring` makes it) and the public
/// key (32 bytes), published.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningKey {
    pub pkcs8: Vec<u8>,
    pub public_key: [u8; 32],
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "SigningKey(<secret>, public {})",
            hex::encode(self.public_key)
        )
    }
}

/// A round to certify: the exact bytes signed and the signature.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertification {
    /// `general`, `further` or `tie-break`.
    pub round: String,
    /// The signed result document (canonical JSON text).
    pub document: String,
    pub signature: [u8; 64],
    pub certified_by: String,
}

/// A certified round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Certification {
    pub round: String,
    pub document: String,
    #[serde(serialize_with = "as_hex")]
    pub signature: [u8; 64],
    pub certified_by: String,
    pub certified_at: DateTime<Utc>,
}

fn as_hex<S: serde::Serializer>(bytes: &[u8; 64], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex::encode(bytes))
}
