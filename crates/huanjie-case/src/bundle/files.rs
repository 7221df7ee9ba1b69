//! The bundle's JSON files, as the server's API writes them
//! (`docs/verify-bundle.md`): each is one line of compact JSON with keys in
//! byte order, exactly `serde_json::to_vec` of its value, no final newline.
//!
//! Each file type here both renders a file (for `huanjie export-bundle`)
//! and is what verification parses a file into; a file passes only if
//! rendering what was parsed gives back its exact bytes. So no byte can
//! change without notice, even one JSON would not see (a space, the order
//! of two keys, `\u0041` for `A`, `1.0` for `1`, `t` for `T` in a time).
//! An end-to-end test (`tests/verify_bundle.rs`) checks these renderings
//! against the API's downloads, byte for byte.

use chrono::{DateTime, Utc};
use huanjie_core::audit::{hex, Checkpoint, Entry};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

/// File names in a bundle directory.
pub const PUBLIC_KEY: &str = "public-key.json";
pub const SIGNED_RESULT: &str = "signed-result.json";
pub const CASE: &str = "case.json";
pub const CHECKPOINTS: &str = "checkpoints.json";
pub const AUDIT: &str = "audit.json";

/// Every file of a bundle, in the order the verdict lists them.
pub const ALL: [&str; 5] = [PUBLIC_KEY, SIGNED_RESULT, CASE, CHECKPOINTS, AUDIT];

/// The audit log export's format id (`GET …/audit/export`).
pub const AUDIT_FORMAT: &str = "huanjie.audit-log/1";

/// `GET /api/v1/elections/{id}/public-key`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyFile {
    pub algorithm: String,
    pub public_key: String,
}

impl PublicKeyFile {
    pub fn new(public_key: &[u8; 32]) -> Self {
        PublicKeyFile {
            algorithm: "Ed25519".to_owned(),
            public_key: hex(public_key),
        }
    }

    pub fn render(&self) -> Vec<u8> {
        to_vec(&json!({ "algorithm": self.algorithm, "public_key": self.public_key }))
    }
}

/// One signed checkpoint as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointRow {
    pub chain: Uuid,
    pub size: u64,
    pub head: String,
    pub at: DateTime<Utc>,
    pub signature: String,
}

impl CheckpointRow {
    pub fn new((c, signature): &(Checkpoint, [u8; 64])) -> Self {
        CheckpointRow {
            chain: c.chain,
            size: c.size,
            head: hex(&c.head),
            at: c.at,
            signature: hex(signature),
        }
    }

    fn value(&self) -> serde_json::Value {
        json!({
            "chain": self.chain,
            "size": self.size,
            "head": self.head,
            "at": self.at,
            "signature": self.signature,
        })
    }
}

/// `GET /api/v1/elections/{id}/audit/checkpoints`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckpointsFile {
    pub chain: Uuid,
    pub algorithm: String,
    pub public_key: Option<String>,
    pub checkpoints: Vec<CheckpointRow>,
}

impl CheckpointsFile {
    pub fn new(
        chain: Uuid,
        public_key: Option<&[u8; 32]>,
        checkpoints: &[(Checkpoint, [u8; 64])],
    ) -> Self {
        CheckpointsFile {
            chain,
            algorithm: "Ed25519".to_owned(),
            public_key: public_key.map(|k| hex(k)),
            checkpoints: checkpoints.iter().map(CheckpointRow::new).collect(),
        }
    }

    pub fn render(&self) -> Vec<u8> {
        to_vec(&json!({
            "chain": self.chain,
            "algorithm": self.algorithm,
            "public_key": self.public_key,
            "checkpoints": self.checkpoints.iter().map(CheckpointRow::value).collect::<Vec<_>>(),
        }))
    }
}

/// `GET /api/v1/elections/{id}/audit/export` (`huanjie.audit-log/1`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditFile {
    pub format: String,
    pub chain: Uuid,
    pub algorithm: String,
    pub public_key: Option<String>,
    pub entries: Vec<Entry>,
    pub checkpoints: Vec<CheckpointRow>,
}

impl AuditFile {
    pub fn new(
        chain: Uuid,
        public_key: Option<&[u8; 32]>,
        entries: Vec<Entry>,
        checkpoints: &[(Checkpoint, [u8; 64])],
    ) -> Self {
        AuditFile {
            format: AUDIT_FORMAT.to_owned(),
            chain,
            algorithm: "Ed25519".to_owned(),
            public_key: public_key.map(|k| hex(k)),
            entries,
            checkpoints: checkpoints.iter().map(CheckpointRow::new).collect(),
        }
    }

    pub fn render(&self) -> Vec<u8> {
        to_vec(&json!({
            "format": self.format,
            "chain": self.chain,
            "algorithm": self.algorithm,
            "public_key": self.public_key,
            "entries": self.entries,
            "checkpoints": self.checkpoints.iter().map(CheckpointRow::value).collect::<Vec<_>>(),
        }))
    }
}

/// Compact JSON, keys in byte order (serde_json's map is sorted): what
/// axum's `Json` and the export handler write.
fn to_vec(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}
