//! The stored side of ballot printing (issue 5): each election's secret
//! serial key, the printed batches with their manifests, and each printed
//! ballot's random part (to recognise it at a scan and void it when
//! spoiled). Nothing here names a voter or an issuing order (R-POLL-5).

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

/// The secret of an election's serial tags. `Debug` never shows it; no
/// API returns it.
#[derive(Clone, PartialEq, Eq)]
pub struct BallotKey(pub [u8; 32]);

impl std::fmt::Debug for BallotKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BallotKey(<secret>)")
    }
}

/// A batch as printed: the caller drew the random parts and built the
/// manifest's hash from the serials it printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBatch {
    /// The number printed in the batch's serials: the caller signs the
    /// serials before storing them, so it proposes the next number; a
    /// number taken meanwhile is a `Conflict` (sign again with the next).
    pub number: u16,
    pub station: String,
    pub style: u8,
    /// One per ballot, each unique in the election.
    pub randoms: Vec<[u8; 8]>,
    /// SHA-256 (hex) of the batch's serials, printed form, one a line.
    pub serials_sha256: String,
    /// The batch this one reprints (spoiled ones get new serials).
    pub reprint_of: Option<Uuid>,
    pub printed_by: String,
}

/// A stored batch: the manifest (station, count, when, the serials' hash).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Batch {
    pub id: Uuid,
    pub election_id: Uuid,
    /// The number printed in every serial of the batch, 1, 2, 3 … per
    /// election.
    pub number: u16,
    pub station: String,
    pub style: u8,
    pub count: u64,
    pub serials_sha256: String,
    pub reprint_of: Option<Uuid>,
    pub printed_by: String,
    pub printed_at: DateTime<Utc>,
    /// Ballots of the batch voided so far.
    pub voided: u64,
}

/// What the store knows of one printed serial.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrintedSerial {
    pub batch_id: Uuid,
    pub batch_number: u16,
    pub station: String,
    pub voided_at: Option<DateTime<Utc>>,
    pub void_reason: Option<String>,
}
