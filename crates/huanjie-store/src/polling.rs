//! The stored side of polling day (issue 6): the election's stations and
//! mobile boxes, each one's polls (not opened, open, closed) and ballots
//! issued (a count, never to whom: R-POLL-5), and every ballot counted
//! (a scan): its serial's random part, the station that counted it, its
//! marks, and a receipt number.
//!
//! A scan is stored before it is acknowledged, once: the same serial twice
//! is the same ballot, so a retried request with the same marks gets the
//! first receipt back (`Replayed`) and one with other marks is refused
//! (`Duplicate`), never counted twice.

use chrono::{DateTime, Utc};
use huanjie_core::polling::{Polls, PollsRefusal, StationKind, StationRefusal};
use serde::Serialize;

/// A station to set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewStation {
    /// Short code: `central`, `S1`, `M1` (what a station token names).
    pub code: String,
    /// As printed on notices and batches: 中心投票站, 流动票箱一.
    pub name: String,
    pub kind: StationKind,
    /// Where it is (社区服务中心一楼大厅), or for a mobile box when it goes
    /// round; printed on the polling notice. May be empty.
    pub place: String,
    /// Whom it serves (第一、二居民小组). May be empty.
    pub serves: String,
    /// The committee's approval of a mobile box, where the profile wants
    /// one (ZJ-2020): who approved and when, in words.
    pub approval: Option<String>,
}

/// A station as stored, with its day's counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Station {
    pub code: String,
    pub name: String,
    #[serde(serialize_with = "kind_code")]
    pub kind: StationKind,
    pub place: String,
    pub serves: String,
    pub approval: Option<String>,
    #[serde(serialize_with = "polls_code")]
    pub polls: Polls,
    /// Ballots issued (proxies included).
    pub issued: u64,
    /// Ballots counted (scanned) so far.
    pub scanned: u64,
    pub opened_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

fn kind_code<S: serde::Serializer>(k: &StationKind, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(k.code())
}

fn polls_code<S: serde::Serializer>(p: &Polls, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.code())
}

/// A ballot counted at a station.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewScan {
    pub station: String,
    /// The serial's random part (verified by the caller: tag, election,
    /// batch). The store checks it was printed and not voided.
    pub random: [u8; 8],
    /// The ballot's marks in the counting case's form (canonical JSON).
    pub marks: String,
    pub scanned_by: String,
    /// Why a person must look at this ballot before its marks count
    /// (JSON), or `None` when the reading is final.
    pub review: Option<String>,
}

/// What a stored scan gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub station: String,
    /// 1, 2, 3 … per station, in the order the station's scans were stored.
    pub number: u64,
    pub scanned_at: DateTime<Utc>,
    /// The marks as stored.
    pub marks: String,
}

/// The outcome of one scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanOutcome {
    /// Stored now.
    Recorded(Receipt),
    /// Stored before with the same marks (a retried request): the first
    /// receipt, nothing written.
    Replayed(Receipt),
    /// Stored before with other marks: refused, the first receipt shown.
    Duplicate(Receipt),
    /// Refused: the station's polls are not closed (R-CNT-1), or there is
    /// no such station, or the serial was never printed, or voided.
    Refused(ScanRefusal),
}

/// Why a scan was refused by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanRefusal {
    NoSuchStation,
    /// The round is certified: its ballots are locked.
    Certified,
    Polls(PollsRefusal),
    NotPrinted,
    Voided,
}

/// A step of polling day the state refuses, or a station that cannot be
/// set up. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PollingStateError {
    #[error("{}", .0.message_en())]
    Station(StationRefusal),
    #[error("{}", .0.message_en())]
    Polls(PollsRefusal),
    /// A station's code or name is taken in this election.
    #[error("a station with this code or name exists already")]
    StationExists,
    /// Stations are fixed once any station's polls have opened.
    #[error("polls have opened: stations can no longer be added")]
    PollsStarted,
    /// A mobile box needs the committee's recorded approval (ZJ-2020).
    #[error("this mobile ballot box needs the committee's recorded approval")]
    ApprovalMissing,
    /// The round is certified: its ballots are locked.
    #[error("the result is certified: its ballots are locked")]
    Certified,
    /// The ballot needs no decision, or was decided already (once only).
    #[error("this ballot has no open question for a person to decide")]
    NothingToDecide,
}

/// A ballot a person has to look at (R-CNT-4), or has looked at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub station: String,
    /// The station's receipt number: the ballot is found by it.
    pub number: u64,
    /// The serial's random part, as hex (the last part of the printed
    /// serial), to find the paper ballot.
    pub random: String,
    pub batch: u16,
    pub style: u8,
    /// The marks as scanned (what was clear).
    pub marks: String,
    /// Why a person must look (JSON).
    pub review: String,
    pub scanned_at: DateTime<Utc>,
    /// The person's reading, once decided (canonical marks JSON).
    pub decision: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

/// A stored ballot as the count sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountedScan {
    pub station: String,
    pub number: u64,
    /// The serial's random part (an exported case orders ballots by a
    /// keyed hash of it, never by when they were scanned).
    pub random: [u8; 8],
    /// The marks that count: the decision if there is one, else the
    /// marks as scanned. `None` while a person has still to decide.
    pub marks: Option<String>,
}

/// Something changed in an election's polling day (a station's polls or
/// counters, a scan, a decision): what a live count board listens for.
/// On PostgreSQL it comes through `LISTEN/NOTIFY`, so every process
/// sharing the database hears every change, after it commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    pub election: uuid::Uuid,
    /// A decision rewrote a counted ballot: totals must be recounted, not
    /// only added to.
    pub recount: bool,
}

impl Change {
    /// As carried in a notification: `<uuid>` or `<uuid>:recount`.
    pub fn payload(&self) -> String {
        if self.recount {
            format!("{}:recount", self.election)
        } else {
            self.election.to_string()
        }
    }

    pub fn parse(payload: &str) -> Option<Self> {
        let (id, recount) = match payload.strip_suffix(":recount") {
            Some(id) => (id, true),
            None => (payload, false),
        };
        Some(Change {
            election: id.parse().ok()?,
            recount,
        })
    }
}

/// What gives a stored scan's audit entry (`Store::record_scans_logged`):
/// the scan's index in the group and its outcome.
pub type ScanLogFn<'a> = dyn for<'o> Fn(usize, &'o ScanOutcome) -> Option<huanjie_core::audit::NewEntry>
    + Send
    + Sync
    + 'a;
