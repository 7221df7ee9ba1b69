//! The stored side of the sampling audit (ballot comparison, issue 8;
//! docs/sampling-audit.md): an audit per draw (its seed, size, the
//! population it was drawn from and the serials drawn) and a finding per
//! drawn serial, recorded once, like a scan's decision.
//!
//! The store does not draw: the caller runs `huanjie_core::sampling::draw`
//! over [`AuditBallot`]s and hands the outcome in. The store checks, in
//! the transaction that writes the audit, that the population is still
//! the one drawn from (no ballot counted in between).

use chrono::{DateTime, Utc};
use serde::Serialize;

/// A counted ballot as the draw needs it: enough to spell its serial
/// (batch, style, random part; the caller holds the key) and to find it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditBallot {
    pub station: String,
    pub number: u64,
    pub random: [u8; 8],
    pub batch: u16,
    pub style: u8,
}

/// One serial drawn, as the caller spelled it, and the ballot it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawnSerial {
    /// The canonical (compact) serial text.
    pub serial: String,
    pub random: [u8; 8],
}

/// An audit to store: the draw's inputs and outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSampleAudit {
    /// `huanjie-sample/1`.
    pub algorithm: String,
    /// The seed as normalised (digits only).
    pub seed: String,
    pub size: u64,
    /// How many counted ballots it was drawn from: refused with
    /// `Conflict` if the election holds another number when it is stored.
    pub population: u64,
    /// Lower-case hex.
    pub population_sha256: String,
    /// In draw order; `size` of them.
    pub drawn: Vec<DrawnSerial>,
    pub started_by: String,
}

/// A stored audit with its running totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleAudit {
    /// 1, 2, 3 … per election.
    pub number: u64,
    pub algorithm: String,
    pub seed: String,
    pub size: u64,
    pub population: u64,
    pub population_sha256: String,
    pub started_by: String,
    pub started_at: DateTime<Utc>,
    pub matches: u64,
    pub discrepancies: u64,
    /// Drawn serials without a finding yet.
    pub pending: u64,
}

/// What the paper showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// The paper ballot reads as recorded.
    Match,
    /// It does not (the note says how).
    Discrepancy,
}

impl Finding {
    pub fn as_str(self) -> &'static str {
        match self {
            Finding::Match => "match",
            Finding::Discrepancy => "discrepancy",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "match" => Some(Finding::Match),
            "discrepancy" => Some(Finding::Discrepancy),
            _ => None,
        }
    }
}

/// A finding to record for one drawn serial.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFinding {
    /// The canonical serial text, as drawn.
    pub serial: String,
    pub finding: Finding,
    /// Required (non-blank) for a discrepancy.
    pub note: String,
    pub recorded_by: String,
}

/// A finding as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedFinding {
    pub finding: Finding,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A drawn serial with what is recorded for its ballot and its finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampledBallot {
    /// 1 for the first drawn.
    pub position: u64,
    /// The canonical serial text, as drawn.
    pub serial: String,
    pub station: String,
    /// The station's receipt number.
    pub number: u64,
    /// The marks as scanned (canonical JSON).
    pub marks: String,
    /// Why it went to a person (JSON), if it did.
    pub review: Option<String>,
    /// The person's reading, once decided.
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub finding: Option<RecordedFinding>,
}
