//! Observer access on PostgreSQL (issue 8). Schema:
//! `migrations/postgres/0013_observer_access.sql`.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::PostgresStore;
use crate::common::micros;
use crate::{ObserverAccess, StoreError, StoreResult};

pub(super) async fn access(
    store: &PostgresStore,
    election_id: Uuid,
) -> StoreResult<ObserverAccess> {
    let found: Option<String> =
        sqlx::query_scalar("SELECT access FROM observer_access WHERE election_id = $1")
            .bind(election_id)
            .fetch_optional(&store.pool)
            .await?;
    match found {
        None => Ok(ObserverAccess::default()),
        Some(s) => ObserverAccess::parse(&s)
            .ok_or_else(|| StoreError::Corrupt(format!("observer access: {s:?}"))),
    }
}

pub(super) async fn set_access(
    store: &PostgresStore,
    election_id: Uuid,
    access: ObserverAccess,
    by: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let mut tx = store.pool.begin().await?;
    let exists: Option<i32> = sqlx::query_scalar("SELECT 1 FROM elections WHERE id = $1")
        .bind(election_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_none() {
        tx.rollback().await?;
        return Err(StoreError::NotFound(format!("election {election_id}")));
    }
    sqlx::query(
        "INSERT INTO observer_access (election_id, access, changed_by, changed_at) \
         VALUES ($1, $2, $3, $4) \
         ON CONFLICT (election_id) DO UPDATE SET access = excluded.access, \
           changed_by = excluded.changed_by, changed_at = excluded.changed_at",
    )
    .bind(election_id)
    .bind(access.as_str())
    .bind(by)
    .bind(micros(now))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}
