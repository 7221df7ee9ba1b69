//! The stored side of the audit log (issue 8): entries appended to
//! hash chains (one per election, one for the server) and the chains'
//! signed checkpoints. The chain itself (encoding, hashes, verification)
//! is `huanjie_core::audit`; the store only decides where each new entry
//! goes, inside one transaction, so that two writers can never fork a
//! chain or leave a gap: on PostgreSQL appenders to a chain take turns on
//! a transaction-scoped advisory lock, on SQLite the single write lock is
//! taken up front (`BEGIN IMMEDIATE`).
//!
//! Both tables are append-only in the database (triggers on both
//! backends, revoked rights on PostgreSQL; `migrations/*/0010_audit.sql`).
//! That guard can be dropped by the tables' owner, which is why the chain
//! and the signed checkpoints exist: [`huanjie_core::audit::verify_all`]
//! over what [`crate::Store::list_audit`] and
//! [`crate::Store::list_checkpoints`] return finds any edited, deleted,
//! reordered or cut-off entry.

use std::collections::BTreeMap;

use huanjie_core::audit::{ChainError, Entry, EntryError, NewEntry, ZERO_HASH};
use uuid::Uuid;

/// The most entries one [`crate::Store::list_audit`] call returns.
pub const MAX_AUDIT_PAGE: u32 = 10_000;

/// Why the store refused an audit write. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// An event the chain does not take (a float, a whole resident ID).
    #[error(transparent)]
    Entry(#[from] EntryError),
    /// A checkpoint that does not describe the stored log (a size beyond
    /// it, or another hash at its size).
    #[error("the checkpoint does not match the stored log: {0}")]
    Checkpoint(ChainError),
}

/// The chains a group of entries touches, each with its entries' places
/// in the group. Chains come in UUID order: appenders lock them in that
/// order, so two groups spanning the same chains cannot deadlock.
pub(crate) fn by_chain(entries: &[NewEntry]) -> BTreeMap<Uuid, Vec<usize>> {
    let mut out: BTreeMap<Uuid, Vec<usize>> = BTreeMap::new();
    for (i, e) in entries.iter().enumerate() {
        out.entry(e.chain).or_default().push(i);
    }
    out
}

/// Places a group of entries after their chains' heads (`heads`, read
/// inside the writing transaction; updated as the group goes), in the
/// group's order.
pub(crate) fn chain_group(
    heads: &mut BTreeMap<Uuid, Option<Entry>>,
    entries: &[NewEntry],
) -> Result<Vec<Entry>, EntryError> {
    let mut out = Vec::with_capacity(entries.len());
    for new in entries {
        let head = heads.entry(new.chain).or_default();
        let entry = huanjie_core::audit::next(head.as_ref(), new.clone())?;
        *head = Some(entry.clone());
        out.push(entry);
    }
    Ok(out)
}

/// Whether a checkpoint of `size` entries with head `head` describes a log
/// whose entry at `size` has hash `at_size` (`None`: the log is shorter)
/// and which holds `log_size` entries.
pub(crate) fn check_checkpoint(
    size: u64,
    head: [u8; 32],
    at_size: Option<[u8; 32]>,
    log_size: u64,
) -> Result<(), AuditError> {
    let found = if size == 0 { Some(ZERO_HASH) } else { at_size };
    match found {
        None => Err(AuditError::Checkpoint(ChainError::Truncated {
            checkpoint_size: size,
            log_size,
        })),
        Some(hash) if hash != head => Err(AuditError::Checkpoint(ChainError::CheckpointMismatch {
            size,
        })),
        Some(_) => Ok(()),
    }
}

/// The PostgreSQL advisory-lock key of a chain: a constant class (`audt`)
/// and 32 bits of the chain's id, in the two-key space (which sqlx's
/// migration lock, a single key, never shares). Two chains that share the
/// 32 bits merely take turns.
pub(crate) const LOCK_CLASS: i32 = 0x6175_6474;

pub(crate) fn lock_key(chain: Uuid) -> i32 {
    let b = chain.as_bytes();
    i32::from_be_bytes([b[0] ^ b[12], b[1] ^ b[13], b[2] ^ b[14], b[3] ^ b[15]])
}

/// A stored sequence number or size back to `u64`; negative is corrupt.
pub(crate) fn stored_u64(n: i64, what: &str) -> crate::StoreResult<u64> {
    u64::try_from(n).map_err(|_| crate::StoreError::Corrupt(format!("{what}: negative {n}")))
}

/// A `u64` as the databases store it (both have signed 64-bit integers;
/// beyond them nothing is stored, so the largest is as good).
pub(crate) fn db_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// Stored details text back to its JSON value.
pub(crate) fn details(text: &str) -> crate::StoreResult<serde_json::Value> {
    serde_json::from_str(text)
        .map_err(|e| crate::StoreError::Corrupt(format!("audit entry details: {e}")))
}

/// A stored signature back to its 64 bytes.
pub(crate) fn signature(bytes: Vec<u8>) -> crate::StoreResult<[u8; 64]> {
    bytes
        .try_into()
        .map_err(|_| crate::StoreError::Corrupt("a checkpoint's signature".into()))
}
