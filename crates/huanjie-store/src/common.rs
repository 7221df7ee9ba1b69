//! Conversions and error mapping shared by both adapters.

use chrono::{DateTime, SubsecRound, Utc};
use uuid::{Builder, Uuid};

pub(crate) mod nomination;
pub(crate) mod registration;

use crate::{
    BodyKind, NewResident, PositionSeats, ResidentQuery, Role, RollConflict, StoreError,
    StoreResult, MAX_RESIDENT_PAGE,
};

/// Both backends keep instants to the microsecond (PostgreSQL's
/// `timestamptz` precision). Adapters truncate every instant they store and
/// return the truncated value, so what `create_*` returns equals what a later
/// read gives back.
pub(crate) fn micros(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(6)
}

/// A stored hash back into its fixed size; any other length is corruption.
pub(crate) fn hash32(bytes: Vec<u8>, what: &str) -> StoreResult<[u8; 32]> {
    let len = bytes.len();
    <[u8; 32]>::try_from(bytes)
        .map_err(|_| StoreError::Corrupt(format!("{what}: expected 32 bytes, found {len}")))
}

pub(crate) fn body_kind(s: &str) -> StoreResult<BodyKind> {
    BodyKind::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown body kind {s:?}")))
}

pub(crate) fn role(s: &str) -> StoreResult<Role> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}")))
}

pub(crate) fn seats(position: String, n: i64) -> StoreResult<PositionSeats> {
    match u32::try_from(n) {
        Ok(seats) if seats >= 1 => Ok(PositionSeats { position, seats }),
        _ => Err(StoreError::Corrupt(format!(
            "seats for position {position:?} out of range: {n}"
        ))),
    }
}

/// A stored ballot key back into its 32 bytes.
pub(crate) fn ballot_key(bytes: Vec<u8>) -> StoreResult<crate::BallotKey> {
    bytes
        .try_into()
        .map(crate::BallotKey)
        .map_err(|_| StoreError::Corrupt("ballot key of the wrong length".into()))
}

pub(crate) fn count(n: i64) -> StoreResult<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative count {n}")))
}

/// Maps a failed write: unique violations become `Conflict`, foreign-key
/// violations `NotFound` (the referenced row is missing), the rest stays a
/// database error. `what` says what was being written.
pub(crate) fn write_error(err: sqlx::Error, what: &str) -> StoreError {
    if let sqlx::Error::Database(db) = &err {
        if db.is_unique_violation() {
            return StoreError::Conflict(format!("{what}: {}", db.message()));
        }
        if db.is_foreign_key_violation() {
            return StoreError::NotFound(format!("{what}: {}", db.message()));
        }
    }
    StoreError::Database(err)
}

// --- the resident roll ----------------------------------------------------------

/// The residents of a roll in listing order: group, household, name, file
/// row. Strings compare byte-wise, as SQLite's BINARY and PostgreSQL's "C"
/// collation do, so this is exactly the order of every listing. (Stable,
/// and nearly free on a file that is already in this order.)
pub(crate) fn listing_order(residents: &[NewResident]) -> Vec<&NewResident> {
    fn key(r: &NewResident) -> (&str, &str, &str, u32) {
        (
            r.group.as_str(),
            r.household.as_str(),
            r.name.as_str(),
            r.row,
        )
    }
    let mut sorted: Vec<&NewResident> = residents.iter().collect();
    // A file row is one resident, so the key is total and an unstable sort
    // gives the one order there is. A city-wide roll sorts its two halves
    // on two threads and merges them (≈0.45 s on one thread for 1M rows,
    // inside the import's write transaction).
    const PARALLEL_FROM: usize = 100_000;
    if sorted.len() < PARALLEL_FROM {
        sorted.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        return sorted;
    }
    let mid = sorted.len() / 2;
    let (left, right) = sorted.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| left.sort_unstable_by(|a, b| key(a).cmp(&key(b))));
        right.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
    });
    let (left, right) = sorted.split_at(mid);
    let mut merged = Vec::with_capacity(sorted.len());
    let (mut i, mut j) = (0, 0);
    while i < left.len() && j < right.len() {
        if key(right[j]) < key(left[i]) {
            merged.push(right[j]);
            j += 1;
        } else {
            merged.push(left[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&left[i..]);
    merged.extend_from_slice(&right[j..]);
    merged
}

pub(crate) fn conflict(
    row: i64,
    resident_id: String,
    other_election_id: Uuid,
    other_election_title: String,
) -> StoreResult<RollConflict> {
    Ok(RollConflict {
        row: file_row(row)?,
        resident_id,
        other_election_id,
        other_election_title,
    })
}

/// A stored file row back into a `u32`.
pub(crate) fn file_row(n: i64) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("file row out of range: {n}")))
}

/// How many of `residents` are voters.
pub(crate) fn voters(residents: &[NewResident]) -> u64 {
    residents.iter().map(|r| u64::from(r.is_voter())).sum()
}

/// Ids for the residents of one imported roll: UUIDv7 (RFC 9562) with the
/// import's `now` as the timestamp, a 38-bit counter (method 1 of RFC 9562
/// §6.2) and 36 random bits drawn once per import. Ids of one roll are thus
/// increasing, so the primary-key index grows at its right edge instead of
/// taking a million random insertions; distinct imports differ in their
/// timestamp or random bits. (A clone draws the same ids as the original.)
#[derive(Clone)]
pub(crate) struct RollIds {
    millis: u64,
    random: [u8; 5],
    next: u64,
}

impl RollIds {
    pub(crate) fn new(now: DateTime<Utc>) -> Self {
        let seed = Uuid::new_v4().into_bytes();
        Self {
            millis: u64::try_from(now.timestamp_millis()).unwrap_or(0),
            random: [seed[0], seed[1], seed[2], seed[3], seed[4]],
            next: 0,
        }
    }

    pub(crate) fn next_id(&mut self) -> Uuid {
        let i = self.next;
        self.next = self.next.wrapping_add(1);
        let byte = |shift: u32| ((i >> shift) & 0xFF) as u8;
        let bytes = [
            byte(34) & 0x0F,
            byte(26),
            byte(20) & 0x3F,
            byte(12),
            byte(4),
            (byte(0) << 4) | (self.random[0] & 0x0F),
            self.random[1],
            self.random[2],
            self.random[3],
            self.random[4],
        ];
        Builder::from_unix_timestamp_millis(self.millis, &bytes).into_uuid()
    }
}

/// The smallest string above every string that starts with `prefix`, in
/// code-point order (= UTF-8 byte order = SQLite's BINARY and PostgreSQL's
/// "C" collation): `prefix <= s < successor` exactly when `s` starts with
/// `prefix`. `None` when there is no such bound (every character is
/// U+10FFFF, or `prefix` is empty).
pub(crate) fn prefix_successor(prefix: &str) -> Option<String> {
    let mut chars: Vec<char> = prefix.chars().collect();
    while let Some(last) = chars.pop() {
        let next = match last {
            '\u{D7FF}' => Some('\u{E000}'),
            c => char::from_u32(u32::from(c) + 1),
        };
        if let Some(next) = next {
            chars.push(next);
            return Some(chars.into_iter().collect());
        }
    }
    None
}

/// A text column matched exactly or by prefix (as a range, so that a btree
/// index serves it on both backends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TextMatch {
    Exact(String),
    /// `from <= column` and, if there is one, `column < below`.
    Prefix {
        from: String,
        below: Option<String>,
    },
}

impl TextMatch {
    fn prefix(p: String) -> Self {
        let below = prefix_successor(&p);
        TextMatch::Prefix { from: p, below }
    }
}

/// A [`ResidentQuery`] as the adapters run it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RollFilter {
    pub(crate) name: Option<TextMatch>,
    pub(crate) resident_id: Option<TextMatch>,
    pub(crate) group: Option<String>,
    pub(crate) voters_only: bool,
    pub(crate) limit: i64,
    pub(crate) offset: i64,
}

/// Length of a full resident ID (GB 11643).
const RESIDENT_ID_LEN: usize = 18;

impl RollFilter {
    pub(crate) fn new(query: &ResidentQuery) -> Self {
        let resident_id = query.resident_id.as_ref().map(|id| {
            let id = id.replace('x', "X");
            if id.chars().count() >= RESIDENT_ID_LEN {
                TextMatch::Exact(id)
            } else {
                TextMatch::prefix(id)
            }
        });
        Self {
            name: query.name.clone().map(TextMatch::prefix),
            resident_id,
            group: query.group.clone(),
            voters_only: query.voters_only,
            limit: i64::from(query.limit.min(MAX_RESIDENT_PAGE)),
            offset: i64::try_from(query.offset).unwrap_or(i64::MAX),
        }
    }
}

/// A station already set up, as a new one is checked against it.
pub(crate) struct ExistingStation {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub polls: String,
}

/// Whether `new` may be set up beside `existing` (both adapters, inside
/// their transaction): not once polls have opened, no code or name twice,
/// R-POLL-1 from the core, a mobile box's approval where the profile wants
/// one. Returns the approval to store (trimmed, empty as none).
pub(crate) fn check_new_station<'a>(
    existing: &[ExistingStation],
    new: &'a crate::NewStation,
    rules: &huanjie_core::profile::PollingRules,
    assembly: bool,
) -> StoreResult<Option<&'a str>> {
    use crate::PollingStateError;
    use huanjie_core::polling::{Polls, StationKind};
    let mut kinds = Vec::with_capacity(existing.len());
    for s in existing {
        if s.polls != Polls::NotOpened.code() {
            return Err(PollingStateError::PollsStarted.into());
        }
        if s.code == new.code || s.name == new.name.trim() {
            return Err(PollingStateError::StationExists.into());
        }
        kinds.push(
            StationKind::parse(&s.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("station kind {}", s.kind)))?,
        );
    }
    huanjie_core::polling::check_new_station(&kinds, new.kind, rules, assembly)
        .map_err(PollingStateError::Station)?;
    let approval = new
        .approval
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    if new.kind == StationKind::Mobile && rules.mobile_boxes_need_approval && approval.is_none() {
        return Err(PollingStateError::ApprovalMissing.into());
    }
    Ok(approval)
}

/// A serial stored before: the same ballot again (same station, same
/// marks) is a retry, answered with the first receipt; anything else is
/// the same ballot counted twice, refused.
pub(crate) fn replayed_or_duplicate(
    receipt: crate::Receipt,
    scan: &crate::NewScan,
) -> crate::ScanOutcome {
    if receipt.marks == scan.marks && receipt.station == scan.station {
        crate::ScanOutcome::Replayed(receipt)
    } else {
        crate::ScanOutcome::Duplicate(receipt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    /// The two-thread sort gives exactly the one-thread order, rows with
    /// equal group, household and name included (a pseudo-random roll of
    /// 150,000, above the parallel threshold, and a small one below it).
    #[test]
    fn listing_order_is_the_sorted_order() {
        for n in [150_000u32, 999] {
            let mut x = 0x9e37_79b9_u64;
            let mut next = |m: u64| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x % m
            };
            let residents: Vec<NewResident> = (0..n)
                .map(|i| NewResident {
                    row: n + 1 - i,
                    resident_id: String::new(),
                    name: format!("名{}", next(40)),
                    gender: "M".into(),
                    group: format!("{}组", next(7)),
                    household: format!("{}", next(300)),
                    address: String::new(),
                    category: "registered".into(),
                    residence_since: None,
                    will_participate: None,
                    committee_consent: None,
                    household_representative: false,
                    residents_representative: false,
                    exclusion: None,
                    waived: false,
                    voluntary: false,
                })
                .collect();
            let mut expected: Vec<&NewResident> = residents.iter().collect();
            expected.sort_by(|a, b| {
                (&a.group, &a.household, &a.name, a.row).cmp(&(
                    &b.group,
                    &b.household,
                    &b.name,
                    b.row,
                ))
            });
            let got = listing_order(&residents);
            assert_eq!(got.len(), expected.len());
            assert!(
                got.iter().zip(&expected).all(|(a, b)| std::ptr::eq(*a, *b)),
                "n = {n}"
            );
        }
    }

    #[test]
    fn micros_truncates_nanoseconds() {
        let t = Utc
            .timestamp_opt(1_700_000_000, 123_456_789)
            .single()
            .unwrap();
        let m = micros(t);
        assert_eq!(m.timestamp(), 1_700_000_000);
        assert_eq!(m.timestamp_subsec_nanos(), 123_456_000);
        assert_eq!(micros(m), m);
    }

    #[test]
    fn hash32_accepts_exactly_32_bytes() {
        assert_eq!(hash32(vec![7; 32], "x").unwrap(), [7; 32]);
        match hash32(vec![7; 31], "token") {
            Err(StoreError::Corrupt(msg)) => {
                assert_eq!(msg, "token: expected 32 bytes, found 31")
            }
            other => panic!("expected Corrupt, got {other:?}"),
        }
        assert!(matches!(hash32(vec![], "x"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn unknown_names_are_corrupt() {
        assert_eq!(role("observer").unwrap(), Role::Observer);
        assert!(matches!(role("mayor"), Err(StoreError::Corrupt(_))));
        assert_eq!(
            body_kind("supervisory_board").unwrap(),
            BodyKind::SupervisoryBoard
        );
        assert!(matches!(body_kind("senate"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn seats_and_counts_range_checked() {
        assert_eq!(
            seats("member".into(), 4).unwrap(),
            PositionSeats {
                position: "member".into(),
                seats: 4
            }
        );
        assert!(matches!(seats("m".into(), 0), Err(StoreError::Corrupt(_))));
        assert!(matches!(seats("m".into(), -1), Err(StoreError::Corrupt(_))));
        assert!(matches!(
            seats("m".into(), i64::from(u32::MAX) + 1),
            Err(StoreError::Corrupt(_))
        ));
        assert_eq!(count(3).unwrap(), 3);
        assert!(matches!(count(-1), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn non_database_errors_stay_database_errors() {
        assert!(matches!(
            write_error(sqlx::Error::RowNotFound, "x"),
            StoreError::Database(sqlx::Error::RowNotFound)
        ));
    }
    #[test]
    fn prefix_successor_bounds_exactly_the_prefixed_strings() {
        // 张 is U+5F20.
        assert_eq!(prefix_successor("张"), Some("\u{5F21}".to_owned()));
        assert_eq!(prefix_successor("ab"), Some("ac".to_owned()));
        assert_eq!(prefix_successor("11010119"), Some("1101011:".to_owned()));
        assert_eq!(prefix_successor("a\u{D7FF}"), Some("a\u{E000}".to_owned()));
        assert_eq!(prefix_successor("a\u{10FFFF}"), Some("b".to_owned()));
        assert_eq!(prefix_successor("\u{10FFFF}\u{10FFFF}"), None);
        assert_eq!(prefix_successor(""), None);
        // In byte order, every string with the prefix lies in [p, succ(p)),
        // and the neighbours outside do not.
        let p = "王小";
        let succ = prefix_successor(p).unwrap();
        for inside in ["王小", "王小明", "王小\u{10FFFF}\u{10FFFF}", "王小\u{0}"] {
            assert!(p <= inside && inside < succ.as_str(), "{inside}");
        }
        for outside in ["王", "王尐", "王少", "王"] {
            assert!(!(p <= outside && outside < succ.as_str()), "{outside}");
        }
        assert!(!(p <= succ.as_str() && succ.as_str() < succ.as_str()));
    }

    #[test]
    fn roll_ids_increase_and_are_v7() {
        let now = Utc.timestamp_opt(1_700_000_000, 0).single().unwrap();
        let mut ids = RollIds::new(now);
        let mut last = ids.next_id();
        assert_eq!(last.get_version(), Some(uuid::Version::SortRand));
        assert_eq!(last.get_variant(), uuid::Variant::RFC4122);
        let (secs, _) = last.get_timestamp().unwrap().to_unix();
        assert_eq!(secs, 1_700_000_000);
        for _ in 0..100_000 {
            let id = ids.next_id();
            assert!(id > last, "{id} after {last}");
            assert!(id.hyphenated().to_string() > last.hyphenated().to_string());
            last = id;
        }
        // Counter bits past the first byte boundaries carry correctly.
        ids.next = (1 << 26) - 1;
        let a = ids.next_id();
        let b = ids.next_id();
        assert!(b > a);
        ids.next = (1 << 34) - 1;
        let a = ids.next_id();
        let b = ids.next_id();
        assert!(b > a);
        // Another import at the same instant draws other random bits.
        assert_ne!(RollIds::new(now).next_id(), RollIds::new(now).next_id());
    }

    #[test]
    fn queries_become_filters() {
        let q = ResidentQuery {
            name: Some("张".into()),
            resident_id: Some("11010119900307123x".into()),
            group: Some("第一组".into()),
            voters_only: true,
            limit: 10_000,
            offset: u64::MAX,
        };
        let f = RollFilter::new(&q);
        assert_eq!(
            f.resident_id,
            Some(TextMatch::Exact("11010119900307123X".into()))
        );
        assert_eq!(f.limit, 500);
        assert_eq!(f.offset, i64::MAX);
        assert_eq!(f.group.as_deref(), Some("第一组"));
        assert!(f.voters_only);
        match f.name {
            Some(TextMatch::Prefix { from, below }) => {
                assert_eq!(from, "张");
                assert_eq!(below, prefix_successor("张"));
            }
            other => panic!("{other:?}"),
        }
        let f = RollFilter::new(&ResidentQuery {
            resident_id: Some("1101x".into()),
            ..ResidentQuery::default()
        });
        assert_eq!(
            f.resident_id,
            Some(TextMatch::Prefix {
                from: "1101X".into(),
                below: Some("1101Y".into())
            })
        );
        assert_eq!(f.limit, 50);
        assert_eq!(f.name, None);
    }
}
