//! The storage conformance suite for the homeowners' assembly (R-OWN-1;
//! issue 7, item 6): the owners' register grouped by the core and stored
//! whole (a failing row leaves the earlier register standing), replaced
//! only before any matter; matters numbered per election; one vote per
//! owner per matter, written or in person. Every scenario runs on a fresh
//! SQLite file and on a brand-new PostgreSQL database (the PostgreSQL leg
//! fails, never skips, when no server can be had).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use huanjie_core::homeowners::{Area, Choice, MatterKind, Unit, Vote, VoteMode};
use huanjie_store::{
    BodyKind, NewElection, PositionSeats, Store, StoreError, MATTERS_EXIST, NO_REGISTER,
    VOTED_ALREADY,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

fn at(hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 1, hour, 0, 0)
        .single()
        .unwrap()
}

fn election(title: &str) -> NewElection {
    NewElection {
        body_kind: BodyKind::HomeownersCommittee,
        title: title.to_owned(),
        profile: "county-2006".to_owned(),
        election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
        seats: vec![PositionSeats {
            position: "member".to_owned(),
            seats: 5,
        }],
    }
}

fn unit(unit: &str, centi: u64, owner: &str, dev: bool) -> Unit {
    Unit {
        unit: unit.to_owned(),
        area: Area(centi),
        owner: owner.to_owned(),
        developer_unsold: dev,
    }
}

/// Two small owners (one with two units) and the developer's three
/// unsold units: three owners.
fn estate() -> Vec<Unit> {
    vec![
        unit("1-101", 8950, "张三", false),
        unit("1-102", 12000, "某某置业", true),
        unit("1-201", 7005, "李四", false),
        unit("1-202", 6000, "张三", false),
        unit("2-101", 15000, "某某置业", true),
        unit("2-102", 15000, "某某置业", true),
    ]
}

fn vote(owner: u32, choice: Choice, mode: VoteMode) -> Vote {
    Vote {
        owner,
        choice,
        mode,
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
    register_is_grouped_stored_and_replaced_whole,
    matters_are_numbered_and_each_owner_votes_once,
    unknown_election_is_refused,
);

async fn register_is_grouped_stored_and_replaced_whole(store: Arc<dyn Store>) {
    let e = store.create_election(&election("甲"), at(1)).await.unwrap();
    assert!(store.homeowner_register(e.id).await.unwrap().is_none());

    let grouped = store
        .replace_homeowner_register(e.id, &estate(), "chair", at(2))
        .await
        .unwrap();
    assert_eq!(grouped.owners.len(), 3);
    let stored = store.homeowner_register(e.id).await.unwrap().unwrap();
    assert_eq!(stored.owners, grouped.owners);
    assert_eq!(stored.imported_by, "chair");
    assert_eq!(stored.imported_at, at(2));
    let dev = stored.owners.iter().find(|o| o.developer).unwrap();
    assert_eq!(dev.units, ["1-102", "2-101", "2-102"]);
    assert_eq!(dev.area, Area(42000));
    let zhang = stored.owners.iter().find(|o| o.name == "张三").unwrap();
    assert_eq!(zhang.area, Area(14950));
    assert_eq!(zhang.units, ["1-101", "1-202"]);

    // A register whose last row the database refuses (an area of zero)
    // leaves the earlier register whole: all or nothing.
    let mut bad = vec![unit("9-901", 5000, "王五", false)];
    bad.push(unit("9-902", 0, "赵六", false));
    let err = store
        .replace_homeowner_register(e.id, &bad, "chair", at(3))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_eq!(
        store.homeowner_register(e.id).await.unwrap().unwrap(),
        stored
    );

    // A unit twice is refused before anything is written (R-OWN-1).
    let twice = vec![
        unit("1-101", 5000, "王五", false),
        unit("1-101", 5000, "赵六", false),
    ];
    let err = store
        .replace_homeowner_register(e.id, &twice, "chair", at(3))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    // Before any matter, a new register replaces the old one whole.
    let again = store
        .replace_homeowner_register(e.id, &[unit("3-301", 9000, "王五", false)], "deputy", at(4))
        .await
        .unwrap();
    assert_eq!(again.owners.len(), 1);
    let stored = store.homeowner_register(e.id).await.unwrap().unwrap();
    assert_eq!(stored.owners.len(), 1);
    assert_eq!(stored.owners[0].units, ["3-301"]);
    assert_eq!(stored.imported_by, "deputy");

    // Once a matter is put, the register stands.
    store
        .add_homeowner_matter(e.id, MatterKind::Ordinary, "选举业主委员会", "chair", at(5))
        .await
        .unwrap();
    let err = store
        .replace_homeowner_register(e.id, &estate(), "chair", at(6))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m == MATTERS_EXIST),
        "{err:?}"
    );
    assert_eq!(
        store.homeowner_register(e.id).await.unwrap().unwrap(),
        stored
    );
}

async fn matters_are_numbered_and_each_owner_votes_once(store: Arc<dyn Store>) {
    let e = store.create_election(&election("甲"), at(1)).await.unwrap();
    let other = store.create_election(&election("乙"), at(1)).await.unwrap();
    let err = store
        .add_homeowner_matter(e.id, MatterKind::Ordinary, "公约", "chair", at(2))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if m == NO_REGISTER),
        "{err:?}"
    );
    store
        .replace_homeowner_register(e.id, &estate(), "chair", at(2))
        .await
        .unwrap();
    store
        .replace_homeowner_register(other.id, &estate(), "chair", at(2))
        .await
        .unwrap();
    let first = store
        .add_homeowner_matter(e.id, MatterKind::Ordinary, "管理规约", "chair", at(3))
        .await
        .unwrap();
    let second = store
        .add_homeowner_matter(
            e.id,
            MatterKind::Special,
            "使用专项维修资金",
            "chair",
            at(4),
        )
        .await
        .unwrap();
    let elsewhere = store
        .add_homeowner_matter(other.id, MatterKind::Ordinary, "管理规约", "chair", at(4))
        .await
        .unwrap();
    assert_eq!((first.number, second.number, elsewhere.number), (1, 2, 1));
    let matters = store.homeowner_matters(e.id).await.unwrap();
    assert_eq!(matters, vec![first.clone(), second.clone()]);
    assert_eq!(matters[1].kind, MatterKind::Special);
    assert_eq!(matters[1].created_at, at(4));

    let v = store
        .record_homeowner_vote(
            e.id,
            1,
            &vote(2, Choice::Against, VoteMode::Written),
            "chair",
            at(5),
        )
        .await
        .unwrap();
    assert_eq!(
        (v.owner, v.choice, v.mode),
        (2, Choice::Against, VoteMode::Written)
    );
    store
        .record_homeowner_vote(
            e.id,
            1,
            &vote(1, Choice::For, VoteMode::InPerson),
            "chair",
            at(6),
        )
        .await
        .unwrap();
    // The same owner again, in person this time: refused, naming the owner.
    let err = store
        .record_homeowner_vote(
            e.id,
            1,
            &vote(2, Choice::For, VoteMode::InPerson),
            "chair",
            at(7),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if *m == format!("{VOTED_ALREADY} 2")),
        "{err:?}"
    );
    // … but the owner votes on another matter, and in another election.
    store
        .record_homeowner_vote(
            e.id,
            2,
            &vote(2, Choice::For, VoteMode::InPerson),
            "chair",
            at(7),
        )
        .await
        .unwrap();
    store
        .record_homeowner_vote(
            other.id,
            1,
            &vote(2, Choice::For, VoteMode::Written),
            "chair",
            at(7),
        )
        .await
        .unwrap();
    // Unknown owner, unknown matter.
    for (matter, owner) in [(1, 4), (3, 1)] {
        let err = store
            .record_homeowner_vote(
                e.id,
                matter,
                &vote(owner, Choice::For, VoteMode::Written),
                "chair",
                at(8),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    }

    let votes = store.homeowner_votes(e.id, 1).await.unwrap();
    assert_eq!(
        votes
            .iter()
            .map(|v| (v.owner, v.choice, v.mode))
            .collect::<Vec<_>>(),
        [
            (1, Choice::For, VoteMode::InPerson),
            (2, Choice::Against, VoteMode::Written)
        ]
    );
    assert_eq!(votes[1].recorded_at, at(5));
    assert_eq!(store.homeowner_votes(e.id, 2).await.unwrap().len(), 1);
    assert!(store.homeowner_votes(e.id, 9).await.unwrap().is_empty());
}

async fn unknown_election_is_refused(store: Arc<dyn Store>) {
    let nowhere = Uuid::new_v4();
    let err = store
        .replace_homeowner_register(nowhere, &estate(), "chair", at(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = store
        .add_homeowner_matter(nowhere, MatterKind::Ordinary, "x", "chair", at(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert!(store.homeowner_register(nowhere).await.unwrap().is_none());
    assert!(store.homeowner_matters(nowhere).await.unwrap().is_empty());
}
