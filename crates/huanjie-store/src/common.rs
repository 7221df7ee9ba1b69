//! Conversions and error mapping shared by both adapters.

use chrono::{DateTime, SubsecRound, Utc};

use crate::{BodyKind, PositionSeats, Role, StoreError, StoreResult};

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

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

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
}
