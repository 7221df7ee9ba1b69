//! The storage conformance suite for observer access (issue 8): an
//! election starts as `token`, a committee member's setting is kept per
//! election and can be set back, and an unknown election is refused
//! without writing anything. Every scenario runs on a fresh SQLite file
//! and on a brand-new PostgreSQL database (the PostgreSQL leg fails,
//! never skips, when no server can be had).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use huanjie_store::{BodyKind, NewElection, ObserverAccess, PositionSeats, Store, StoreError};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, hour, 0, 0)
        .single()
        .unwrap()
}

fn election(title: &str) -> NewElection {
    NewElection {
        body_kind: BodyKind::ResidentsCommittee,
        title: title.to_owned(),
        profile: "county-2006".to_owned(),
        election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
        seats: vec![PositionSeats {
            position: "member".to_owned(),
            seats: 5,
        }],
    }
}

async fn sqlite_leg() -> (tempfile::TempDir, Arc<dyn Store>) {
    let (dir, path) = fresh_sqlite_path();
    let store = huanjie_store::connect(path.to_str().unwrap())
        .await
        .unwrap();
    (dir, store)
}

async fn postgres_leg() -> Arc<dyn Store> {
    let url = fresh_database().await;
    huanjie_store::connect(&url).await.unwrap()
}

macro_rules! conformance {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let (_dir, store) = super::sqlite_leg().await;
                    super::$scenario(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $scenario() {
                    let store = super::postgres_leg().await;
                    super::$scenario(store).await;
                }
            )*
        }
    };
}

conformance!(
    access_is_token_until_set_and_kept_per_election,
    unknown_election_is_refused,
);

async fn access_is_token_until_set_and_kept_per_election(store: Arc<dyn Store>) {
    let a = store.create_election(&election("甲"), at(1)).await.unwrap();
    let b = store.create_election(&election("乙"), at(1)).await.unwrap();
    assert_eq!(
        store.observer_access(a.id).await.unwrap(),
        ObserverAccess::Token
    );

    store
        .set_observer_access(a.id, ObserverAccess::Public, "chair", at(2))
        .await
        .unwrap();
    assert_eq!(
        store.observer_access(a.id).await.unwrap(),
        ObserverAccess::Public
    );
    // The other election keeps its own setting.
    assert_eq!(
        store.observer_access(b.id).await.unwrap(),
        ObserverAccess::Token
    );

    // Set again, then back: the latest setting holds.
    store
        .set_observer_access(a.id, ObserverAccess::Public, "chair", at(3))
        .await
        .unwrap();
    store
        .set_observer_access(a.id, ObserverAccess::Token, "deputy", at(4))
        .await
        .unwrap();
    assert_eq!(
        store.observer_access(a.id).await.unwrap(),
        ObserverAccess::Token
    );
}

async fn unknown_election_is_refused(store: Arc<dyn Store>) {
    let nowhere = Uuid::new_v4();
    let err = store
        .set_observer_access(nowhere, ObserverAccess::Public, "chair", at(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    // Nothing was written: reading it still gives the default.
    assert_eq!(
        store.observer_access(nowhere).await.unwrap(),
        ObserverAccess::Token
    );
}
