//! The storage conformance suite.
//!
//! Every scenario is written once, as `async fn(Arc<dyn Store>)`, and the
//! `conformance!` macro runs it on both adapters: `sqlite::<scenario>` on a
//! fresh database file, `postgres::<scenario>` on a brand-new database on a
//! real PostgreSQL server (see `huanjie_testkit::postgres`; the PostgreSQL
//! leg fails, never skips, when no server can be had).
//!
//! Adapter-specific checks (SQLite pragmas and files, raw inspection of
//! tables, corrupt rows) follow the shared scenarios.

// Test code: a failed unwrap is a failed test. (The workspace denies
// `unwrap_used`, and clippy's test exemption does not reach helper
// functions outside `#[test]` items.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_store::{
    BodyKind, NewElection, NewUser, PositionSeats, PostgresStore, Role, SqliteStore, Store,
    StoreError,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

// --- helpers ---------------------------------------------------------------

/// 2026-03-01 09:00:00 UTC plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap() + Duration::minutes(minutes)
}

fn hash(n: u8) -> [u8; 32] {
    let mut h = [n; 32];
    h[0] = 0xA5;
    h[31] = n.wrapping_mul(7);
    h
}

fn seats(list: &[(&str, u32)]) -> Vec<PositionSeats> {
    list.iter()
        .map(|&(position, seats)| PositionSeats {
            position: position.to_owned(),
            seats,
        })
        .collect()
}

fn election(title: &str, list: &[(&str, u32)]) -> NewElection {
    NewElection {
        body_kind: BodyKind::ResidentsCommittee,
        title: title.to_owned(),
        profile: "county-2006".to_owned(),
        election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
        seats: seats(list),
    }
}

fn user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.to_owned(),
        role,
        password_hash: format!("$argon2id$v=19$m=19456,t=2,p=1$salt${name}"),
    }
}

async fn sqlite_leg() -> (tempfile::TempDir, Arc<dyn Store>) {
    let (dir, path) = fresh_sqlite_path();
    let store = huanjie_store::connect(path.to_str().unwrap())
        .await
        .unwrap();
    assert_eq!(store.backend(), "sqlite");
    (dir, store)
}

async fn postgres_leg() -> Arc<dyn Store> {
    let url = fresh_database().await;
    let store = huanjie_store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), "postgres");
    store
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
    elections_round_trip,
    elections_newest_first_ties_by_insertion,
    unknown_election_is_none,
    duplicate_position_writes_nothing,
    zero_seats_writes_nothing,
    every_body_kind_and_role_round_trips,
    instants_are_kept_to_the_microsecond,
    users_create_find_count,
    duplicate_username_conflicts,
    setup_wrong_code_changes_nothing,
    setup_right_code_creates_first_user_once,
    setup_code_is_replaced_by_a_newer_one,
    setup_refused_when_a_user_exists,
    setup_concurrent_claims_have_one_winner,
    sessions_expire_and_delete,
    session_conflicts_and_unknown_user,
    station_token_for_unknown_election_is_not_found,
    station_tokens_valid_expired_revoked,
    station_tokens_listed_per_election_newest_first,
    revoke_unknown_station_token_is_not_found,
    station_token_hash_conflicts,
);

// --- elections ---------------------------------------------------------------

async fn elections_round_trip(store: Arc<dyn Store>) {
    assert_eq!(store.list_elections().await.unwrap(), vec![]);

    // Ballot order on purpose not alphabetical: the store must keep it.
    let first = election(
        "第十二届居民委员会换届选举",
        &[
            ("director", 1),
            ("deputy", 2),
            ("member", 4),
            ("women_member", 1),
        ],
    );
    let a = store.create_election(&first, at(0)).await.unwrap();
    assert_eq!(a.body_kind, BodyKind::ResidentsCommittee);
    assert_eq!(a.title, "第十二届居民委员会换届选举");
    assert_eq!(a.profile, "county-2006");
    assert_eq!(
        a.election_day,
        NaiveDate::from_ymd_opt(2026, 4, 12).unwrap()
    );
    assert_eq!(
        a.seats,
        seats(&[
            ("director", 1),
            ("deputy", 2),
            ("member", 4),
            ("women_member", 1)
        ])
    );
    assert_eq!(a.created_at, at(0));

    let mut second = election("居务监督委员会选举", &[("member", 3), ("director", 1)]);
    second.body_kind = BodyKind::SupervisoryCommittee;
    second.profile = "city-2021".to_owned();
    second.election_day = NaiveDate::from_ymd_opt(2026, 12, 31).unwrap();
    let b = store.create_election(&second, at(5)).await.unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(b.body_kind, BodyKind::SupervisoryCommittee);
    assert_eq!(b.seats, seats(&[("member", 3), ("director", 1)]));

    assert_eq!(store.get_election(a.id).await.unwrap(), Some(a.clone()));
    assert_eq!(store.get_election(b.id).await.unwrap(), Some(b.clone()));
    // Newest first.
    assert_eq!(
        store.list_elections().await.unwrap(),
        vec![b.clone(), a.clone()]
    );

    // An older one created later still sorts by its creation instant.
    let c = store
        .create_election(&election("补选", &[("member", 1)]), at(-60))
        .await
        .unwrap();
    assert_eq!(store.list_elections().await.unwrap(), vec![b, a, c]);
}

async fn elections_newest_first_ties_by_insertion(store: Arc<dyn Store>) {
    let mut made = Vec::new();
    for i in 0..4 {
        let e = store
            .create_election(&election(&format!("E{i}"), &[("member", 3)]), at(0))
            .await
            .unwrap();
        made.push(e);
    }
    made.reverse();
    assert_eq!(store.list_elections().await.unwrap(), made);
}

async fn unknown_election_is_none(store: Arc<dyn Store>) {
    assert_eq!(store.get_election(Uuid::new_v4()).await.unwrap(), None);
    store
        .create_election(&election("E", &[("member", 3)]), at(0))
        .await
        .unwrap();
    assert_eq!(store.get_election(Uuid::new_v4()).await.unwrap(), None);
    assert_eq!(store.get_election(Uuid::nil()).await.unwrap(), None);
}

async fn duplicate_position_writes_nothing(store: Arc<dyn Store>) {
    let kept = store
        .create_election(&election("kept", &[("member", 3)]), at(0))
        .await
        .unwrap();
    let bad = election("bad", &[("director", 1), ("member", 3), ("member", 2)]);
    match store.create_election(&bad, at(1)).await {
        Err(StoreError::Conflict(msg)) => assert!(msg.contains("member"), "{msg}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    // Atomic: neither the election row nor its first seats survived.
    assert_eq!(store.list_elections().await.unwrap(), vec![kept.clone()]);
    // The store still works afterwards (the failed transaction is gone).
    let next = store
        .create_election(&election("next", &[("member", 3)]), at(2))
        .await
        .unwrap();
    assert_eq!(store.list_elections().await.unwrap(), vec![next, kept]);
}

async fn zero_seats_writes_nothing(store: Arc<dyn Store>) {
    let bad = election("bad", &[("director", 1), ("member", 0)]);
    let err = store.create_election(&bad, at(0)).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_eq!(store.list_elections().await.unwrap(), vec![]);
}

async fn every_body_kind_and_role_round_trips(store: Arc<dyn Store>) {
    for (i, kind) in [
        BodyKind::ResidentsCommittee,
        BodyKind::SupervisoryCommittee,
        BodyKind::HomeownersCommittee,
        BodyKind::SupervisoryBoard,
    ]
    .into_iter()
    .enumerate()
    {
        let mut new = election(kind.as_str(), &[("member", u32::MAX)]);
        new.body_kind = kind;
        let e = store.create_election(&new, at(i as i64)).await.unwrap();
        let got = store.get_election(e.id).await.unwrap().unwrap();
        assert_eq!(got.body_kind, kind);
        assert_eq!(got.seats, seats(&[("member", u32::MAX)]));
    }
    for role in [Role::Committee, Role::Clerk, Role::Observer] {
        let u = store
            .create_user(&user(role.as_str(), role), at(0))
            .await
            .unwrap();
        assert_eq!(u.role, role);
        let got = store
            .find_user_by_name(role.as_str())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(got.role, role);
    }
}

async fn instants_are_kept_to_the_microsecond(store: Arc<dyn Store>) {
    let now = at(0) + Duration::nanoseconds(123_456_789);
    let micro = at(0) + Duration::nanoseconds(123_456_000);
    let e = store
        .create_election(&election("E", &[("member", 1)]), now)
        .await
        .unwrap();
    assert_eq!(e.created_at, micro);
    assert_eq!(
        store.get_election(e.id).await.unwrap().unwrap().created_at,
        micro
    );

    let u = store
        .create_user(&user("u", Role::Committee), now)
        .await
        .unwrap();
    assert_eq!(u.created_at, micro);
    let s = store
        .create_session(u.id, hash(1), now, now + Duration::hours(1))
        .await
        .unwrap();
    assert_eq!(s.expires_at, micro + Duration::hours(1));
    let (found, _) = store.find_session(hash(1), now).await.unwrap().unwrap();
    assert_eq!(found, s);
}

// --- users -------------------------------------------------------------------

async fn users_create_find_count(store: Arc<dyn Store>) {
    assert_eq!(store.count_users().await.unwrap(), 0);
    assert_eq!(store.find_user_by_name("alice").await.unwrap(), None);

    let alice = store
        .create_user(&user("alice", Role::Committee), at(0))
        .await
        .unwrap();
    assert_eq!(alice.username, "alice");
    assert_eq!(alice.role, Role::Committee);
    assert_eq!(
        alice.password_hash,
        "$argon2id$v=19$m=19456,t=2,p=1$salt$alice"
    );
    assert_eq!(alice.created_at, at(0));
    assert_eq!(store.count_users().await.unwrap(), 1);

    let bob = store
        .create_user(&user("张伟", Role::Observer), at(1))
        .await
        .unwrap();
    assert_ne!(alice.id, bob.id);
    assert_eq!(store.count_users().await.unwrap(), 2);

    assert_eq!(
        store.find_user_by_name("alice").await.unwrap(),
        Some(alice.clone())
    );
    assert_eq!(
        store.find_user_by_name("张伟").await.unwrap(),
        Some(bob.clone())
    );
    assert_eq!(store.find_user_by_name("Alice").await.unwrap(), None);
    assert_eq!(store.find_user_by_name("").await.unwrap(), None);
    assert_eq!(store.get_user(alice.id).await.unwrap(), Some(alice));
    assert_eq!(store.get_user(bob.id).await.unwrap(), Some(bob));
    assert_eq!(store.get_user(Uuid::new_v4()).await.unwrap(), None);
}

async fn duplicate_username_conflicts(store: Arc<dyn Store>) {
    let alice = store
        .create_user(&user("alice", Role::Committee), at(0))
        .await
        .unwrap();
    match store
        .create_user(&user("alice", Role::Observer), at(1))
        .await
    {
        Err(StoreError::Conflict(msg)) => assert!(msg.contains("alice"), "{msg}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.find_user_by_name("alice").await.unwrap(), Some(alice));
}

// --- first-run set-up --------------------------------------------------------

async fn setup_wrong_code_changes_nothing(store: Arc<dyn Store>) {
    // No code stored at all.
    let first = user("chair", Role::Committee);
    assert_eq!(
        store.claim_setup(hash(1), &first, at(0)).await.unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 0);

    store.put_setup_code(hash(1), at(0)).await.unwrap();
    assert_eq!(
        store.claim_setup(hash(2), &first, at(1)).await.unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 0);
    assert_eq!(store.find_user_by_name("chair").await.unwrap(), None);

    // The right code still works afterwards: the wrong one consumed nothing.
    let made = store.claim_setup(hash(1), &first, at(2)).await.unwrap();
    assert!(made.is_some());
}

async fn setup_right_code_creates_first_user_once(store: Arc<dyn Store>) {
    store.put_setup_code(hash(7), at(0)).await.unwrap();
    let first = user("chair", Role::Committee);
    let made = store
        .claim_setup(hash(7), &first, at(3))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(made.username, "chair");
    assert_eq!(made.role, Role::Committee);
    assert_eq!(made.password_hash, first.password_hash);
    assert_eq!(made.created_at, at(3));
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.find_user_by_name("chair").await.unwrap(), Some(made));

    // Consumed: the same code (and another first user) get nothing.
    let again = store
        .claim_setup(hash(7), &user("intruder", Role::Committee), at(4))
        .await
        .unwrap();
    assert_eq!(again, None);
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.find_user_by_name("intruder").await.unwrap(), None);
}

async fn setup_code_is_replaced_by_a_newer_one(store: Arc<dyn Store>) {
    store.put_setup_code(hash(1), at(0)).await.unwrap();
    store.put_setup_code(hash(2), at(1)).await.unwrap();
    let first = user("chair", Role::Committee);
    assert_eq!(
        store.claim_setup(hash(1), &first, at(2)).await.unwrap(),
        None
    );
    assert_eq!(store.count_users().await.unwrap(), 0);
    let made = store.claim_setup(hash(2), &first, at(3)).await.unwrap();
    assert_eq!(made.map(|u| u.username), Some("chair".to_owned()));
}

async fn setup_refused_when_a_user_exists(store: Arc<dyn Store>) {
    let existing = store
        .create_user(&user("chair", Role::Committee), at(0))
        .await
        .unwrap();
    store.put_setup_code(hash(5), at(1)).await.unwrap();
    let got = store
        .claim_setup(hash(5), &user("second", Role::Committee), at(2))
        .await
        .unwrap();
    assert_eq!(got, None);
    assert_eq!(store.count_users().await.unwrap(), 1);
    assert_eq!(store.find_user_by_name("second").await.unwrap(), None);
    assert_eq!(
        store.find_user_by_name("chair").await.unwrap(),
        Some(existing)
    );
}

async fn setup_concurrent_claims_have_one_winner(store: Arc<dyn Store>) {
    const CLAIMERS: usize = 8;
    store.put_setup_code(hash(9), at(0)).await.unwrap();
    // Warm the pool with concurrent reads so that the claims below do not
    // wait for connections one by one, then release them all at once: the
    // claims really overlap inside the database.
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..CLAIMERS {
        let store = store.clone();
        warm.spawn(async move { store.count_users().await });
    }
    while let Some(joined) = warm.join_next().await {
        assert_eq!(joined.unwrap().unwrap(), 0);
    }
    let start = Arc::new(tokio::sync::Barrier::new(CLAIMERS));
    let mut claims = tokio::task::JoinSet::new();
    for i in 0..CLAIMERS {
        let store = store.clone();
        let start = start.clone();
        claims.spawn(async move {
            start.wait().await;
            store
                .claim_setup(hash(9), &user(&format!("first{i}"), Role::Committee), at(1))
                .await
        });
    }
    let mut winners = Vec::new();
    while let Some(joined) = claims.join_next().await {
        if let Some(user) = joined.unwrap().unwrap() {
            winners.push(user);
        }
    }
    assert_eq!(winners.len(), 1, "{winners:?}");
    assert_eq!(store.count_users().await.unwrap(), 1);
    let name = &winners[0].username;
    assert_eq!(
        store.find_user_by_name(name).await.unwrap().as_ref(),
        Some(&winners[0])
    );
}

// --- sessions ----------------------------------------------------------------

async fn sessions_expire_and_delete(store: Arc<dyn Store>) {
    let alice = store
        .create_user(&user("alice", Role::Committee), at(0))
        .await
        .unwrap();
    let expires = at(60);
    let session = store
        .create_session(alice.id, hash(1), at(0), expires)
        .await
        .unwrap();
    assert_eq!(session.user_id, alice.id);
    assert_eq!(session.token_hash, hash(1));
    assert_eq!(session.created_at, at(0));
    assert_eq!(session.expires_at, expires);

    let found = store.find_session(hash(1), at(0)).await.unwrap();
    assert_eq!(found, Some((session.clone(), alice.clone())));
    let found = store.find_session(hash(1), at(59)).await.unwrap();
    assert_eq!(found, Some((session.clone(), alice.clone())));
    let last_micro = expires - Duration::microseconds(1);
    assert!(store
        .find_session(hash(1), last_micro)
        .await
        .unwrap()
        .is_some());
    // `now < expires_at`, strictly.
    assert_eq!(store.find_session(hash(1), expires).await.unwrap(), None);
    assert_eq!(store.find_session(hash(1), at(61)).await.unwrap(), None);
    // Another hash finds nothing.
    assert_eq!(store.find_session(hash(2), at(0)).await.unwrap(), None);

    // A second session for the same user is independent.
    let other = store
        .create_session(alice.id, hash(2), at(0), at(120))
        .await
        .unwrap();
    assert_ne!(other.id, session.id);

    store.delete_session(hash(1)).await.unwrap();
    assert_eq!(store.find_session(hash(1), at(0)).await.unwrap(), None);
    assert_eq!(
        store.find_session(hash(2), at(0)).await.unwrap(),
        Some((other, alice))
    );
    // Deleting again (or an unknown hash) is not an error.
    store.delete_session(hash(1)).await.unwrap();
    store.delete_session(hash(99)).await.unwrap();
}

async fn session_conflicts_and_unknown_user(store: Arc<dyn Store>) {
    let alice = store
        .create_user(&user("alice", Role::Committee), at(0))
        .await
        .unwrap();
    let first = store
        .create_session(alice.id, hash(1), at(0), at(60))
        .await
        .unwrap();
    let err = store
        .create_session(alice.id, hash(1), at(1), at(90))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .create_session(Uuid::new_v4(), hash(2), at(0), at(60))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.find_session(hash(2), at(0)).await.unwrap(), None);
    assert_eq!(
        store.find_session(hash(1), at(0)).await.unwrap(),
        Some((first, alice))
    );
}

// --- station tokens ----------------------------------------------------------

async fn station_token_for_unknown_election_is_not_found(store: Arc<dyn Store>) {
    let nowhere = Uuid::new_v4();
    match store
        .create_station_token(nowhere, "S1", hash(1), at(0), at(600))
        .await
    {
        Err(StoreError::NotFound(msg)) => assert!(msg.contains(&nowhere.to_string()), "{msg}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    assert_eq!(store.list_station_tokens(nowhere).await.unwrap(), vec![]);
    assert_eq!(
        store.find_station_token(hash(1), at(0)).await.unwrap(),
        None
    );
}

async fn station_tokens_valid_expired_revoked(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 3)]), at(0))
        .await
        .unwrap();
    let s1 = store
        .create_station_token(e.id, "S1", hash(1), at(0), at(720))
        .await
        .unwrap();
    assert_eq!(s1.election_id, e.id);
    assert_eq!(s1.station, "S1");
    assert_eq!(s1.token_hash, hash(1));
    assert_eq!(s1.created_at, at(0));
    assert_eq!(s1.expires_at, at(720));
    assert_eq!(s1.revoked_at, None);
    let m1 = store
        .create_station_token(e.id, "M1", hash(2), at(1), at(720))
        .await
        .unwrap();

    assert_eq!(
        store.find_station_token(hash(1), at(0)).await.unwrap(),
        Some(s1.clone())
    );
    assert_eq!(
        store.find_station_token(hash(1), at(719)).await.unwrap(),
        Some(s1.clone())
    );
    assert_eq!(
        store.find_station_token(hash(1), at(720)).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_station_token(hash(1), at(800)).await.unwrap(),
        None
    );
    assert_eq!(
        store.find_station_token(hash(3), at(0)).await.unwrap(),
        None
    );

    store.revoke_station_token(s1.id, at(5)).await.unwrap();
    assert_eq!(
        store.find_station_token(hash(1), at(6)).await.unwrap(),
        None
    );
    // Revocation is not time-travel: it applies whatever `now` is asked about.
    assert_eq!(
        store.find_station_token(hash(1), at(0)).await.unwrap(),
        None
    );
    // The other token is untouched.
    assert_eq!(
        store.find_station_token(hash(2), at(6)).await.unwrap(),
        Some(m1.clone())
    );

    // Revoking again keeps the first revocation time.
    store.revoke_station_token(s1.id, at(9)).await.unwrap();
    let revoked = store.list_station_tokens(e.id).await.unwrap();
    let expected_s1 = huanjie_store::StationToken {
        revoked_at: Some(at(5)),
        ..s1
    };
    assert_eq!(revoked, vec![m1, expected_s1]);
}

async fn station_tokens_listed_per_election_newest_first(store: Arc<dyn Store>) {
    let a = store
        .create_election(&election("A", &[("member", 3)]), at(0))
        .await
        .unwrap();
    let b = store
        .create_election(&election("B", &[("member", 3)]), at(0))
        .await
        .unwrap();
    assert_eq!(store.list_station_tokens(a.id).await.unwrap(), vec![]);

    let a1 = store
        .create_station_token(a.id, "S1", hash(1), at(10), at(600))
        .await
        .unwrap();
    let b1 = store
        .create_station_token(b.id, "S1", hash(2), at(11), at(600))
        .await
        .unwrap();
    // Same instant: insertion order breaks the tie (newest first).
    let a2 = store
        .create_station_token(a.id, "S2", hash(3), at(10), at(600))
        .await
        .unwrap();
    let a0 = store
        .create_station_token(a.id, "S3", hash(4), at(2), at(600))
        .await
        .unwrap();
    // The same station may get a second token (e.g. after revoking the first).
    let a3 = store
        .create_station_token(a.id, "S1", hash(5), at(20), at(600))
        .await
        .unwrap();

    assert_eq!(
        store.list_station_tokens(a.id).await.unwrap(),
        vec![a3, a2, a1, a0]
    );
    assert_eq!(store.list_station_tokens(b.id).await.unwrap(), vec![b1]);
    assert_eq!(
        store.list_station_tokens(Uuid::new_v4()).await.unwrap(),
        vec![]
    );
}

async fn revoke_unknown_station_token_is_not_found(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 3)]), at(0))
        .await
        .unwrap();
    let t = store
        .create_station_token(e.id, "S1", hash(1), at(0), at(600))
        .await
        .unwrap();
    let err = store
        .revoke_station_token(Uuid::new_v4(), at(1))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(
        store.find_station_token(hash(1), at(1)).await.unwrap(),
        Some(t)
    );
}

async fn station_token_hash_conflicts(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 3)]), at(0))
        .await
        .unwrap();
    let t = store
        .create_station_token(e.id, "S1", hash(1), at(0), at(600))
        .await
        .unwrap();
    let err = store
        .create_station_token(e.id, "S2", hash(1), at(1), at(600))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.list_station_tokens(e.id).await.unwrap(), vec![t]);
}

// --- SQLite-specific -------------------------------------------------------------

#[tokio::test]
async fn sqlite_pragmas_in_effect_on_every_connection() {
    let (_dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    // Hold two connections at once so the pool must open a second one.
    let mut first = store.pool().acquire().await.unwrap();
    let mut second = store.pool().acquire().await.unwrap();
    for conn in [&mut first, &mut second] {
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(journal, "wal");
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(synchronous, 2, "synchronous must be FULL (2)");
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(foreign_keys, 1);
        let busy: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut **conn)
            .await
            .unwrap();
        assert_eq!(
            busy,
            i64::try_from(huanjie_store::sqlite::SQLITE_BUSY_TIMEOUT.as_millis()).unwrap()
        );
        assert!(busy > 0);
    }
}

#[tokio::test]
async fn sqlite_file_created_with_its_directories() {
    let (dir, _) = fresh_sqlite_path();
    let path = dir
        .path()
        .join("var")
        .join("lib")
        .join("huanjie")
        .join("h.db");
    assert!(!path.parent().unwrap().exists());
    let store = SqliteStore::open(&path).await.unwrap();
    assert!(path.is_file());
    let header = std::fs::read(&path).unwrap();
    assert_eq!(&header[..16], b"SQLite format 3\0");
    // WAL mode leaves its side file next to the database while open.
    let wal = path.with_file_name("h.db-wal");
    assert!(wal.exists(), "{} missing", wal.display());
    assert_eq!(store.count_users().await.unwrap(), 0);
}

#[tokio::test]
async fn sqlite_reopen_keeps_data_and_applies_migrations_once() {
    let (_dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let e = store
        .create_election(&election("E", &[("director", 1), ("member", 4)]), at(0))
        .await
        .unwrap();
    let u = store
        .create_user(&user("alice", Role::Committee), at(0))
        .await
        .unwrap();
    store.put_setup_code(hash(3), at(0)).await.unwrap();
    store.close().await;

    for _ in 0..2 {
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.get_election(e.id).await.unwrap(), Some(e.clone()));
        assert_eq!(store.list_elections().await.unwrap(), vec![e.clone()]);
        assert_eq!(
            store.find_user_by_name("alice").await.unwrap(),
            Some(u.clone())
        );
        assert_eq!(store.count_users().await.unwrap(), 1);
        let setup_rows: i64 = sqlx::query_scalar("SELECT count(*) FROM setup_code")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(setup_rows, 1);
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(store.pool())
                .await
                .unwrap();
        assert_eq!(applied, vec![(1, true)]);
        store.close().await;
    }
}

#[tokio::test]
async fn sqlite_connect_accepts_urls_and_paths() {
    let (dir, _) = fresh_sqlite_path();
    let abs = dir.path().join("abs").join("a.db");
    let url_forms = [
        format!("sqlite:{}", abs.display()),
        format!("sqlite://{}", abs.display()),
        format!("sqlite://{}?mode=rwc", abs.display()),
        abs.display().to_string(),
    ];
    let mut created = None;
    for url in &url_forms {
        let store = huanjie_store::connect(url).await.unwrap();
        assert_eq!(store.backend(), "sqlite", "{url}");
        // All four name the same file.
        match &created {
            None => {
                let e = store
                    .create_election(&election("E", &[("member", 1)]), at(0))
                    .await
                    .unwrap();
                created = Some(e);
            }
            Some(e) => assert_eq!(
                store.list_elections().await.unwrap(),
                vec![e.clone()],
                "{url}"
            ),
        }
    }
    assert!(abs.is_file());

    match huanjie_store::connect("mysql://localhost/huanjie").await {
        Err(StoreError::Database(_)) => {}
        Err(other) => panic!("expected a Database error, got {other:?}"),
        Ok(store) => panic!("mysql:// opened a {} store", store.backend()),
    }
}

#[tokio::test]
async fn sqlite_in_memory_store_keeps_data_while_open() {
    for store in [
        huanjie_store::connect("sqlite::memory:").await.unwrap(),
        Arc::new(SqliteStore::open_in_memory().await.unwrap()),
    ] {
        assert_eq!(store.backend(), "sqlite");
        let e = store
            .create_election(&election("E", &[("member", 1)]), at(0))
            .await
            .unwrap();
        // Many calls in a row, and at once, all see the same database.
        let (a, b) = tokio::join!(store.list_elections(), store.get_election(e.id));
        assert_eq!(a.unwrap(), vec![e.clone()]);
        assert_eq!(b.unwrap(), Some(e));
    }
    // Two in-memory stores are separate databases.
    let one = SqliteStore::open_in_memory().await.unwrap();
    let two = SqliteStore::open_in_memory().await.unwrap();
    one.create_user(&user("a", Role::Clerk), at(0))
        .await
        .unwrap();
    assert_eq!(two.count_users().await.unwrap(), 0);
}

// --- PostgreSQL-specific -----------------------------------------------------------

#[tokio::test]
async fn postgres_connect_accepts_both_schemes_and_migrates_once() {
    let url = fresh_database().await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let e = store
        .create_election(&election("E", &[("member", 2)]), at(0))
        .await
        .unwrap();
    store.close().await;

    let other_scheme = url.replacen("postgres://", "postgresql://", 1);
    assert!(other_scheme.starts_with("postgresql://"));
    for u in [&url, &other_scheme] {
        let store = huanjie_store::connect(u).await.unwrap();
        assert_eq!(store.backend(), "postgres");
        assert_eq!(store.list_elections().await.unwrap(), vec![e.clone()]);
    }
    let store = PostgresStore::connect(&url).await.unwrap();
    let applied: Vec<(i64, bool)> =
        sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(applied, vec![(1, true)]);
}

// --- raw inspection, both backends -------------------------------------------------

/// How many set-up code rows there are, by raw SQL.
async fn setup_rows(store: &dyn std::any::Any) -> i64 {
    if let Some(s) = store.downcast_ref::<SqliteStore>() {
        sqlx::query_scalar("SELECT count(*) FROM setup_code")
            .fetch_one(s.pool())
            .await
            .unwrap()
    } else if let Some(p) = store.downcast_ref::<PostgresStore>() {
        sqlx::query_scalar("SELECT count(*) FROM setup_code")
            .fetch_one(p.pool())
            .await
            .unwrap()
    } else {
        panic!("unknown store type")
    }
}

/// The set-up code row survives refused claims and goes with the good one.
async fn setup_code_row_consumed_only_by_success<S: Store + Clone>(store: S) {
    let any: &dyn std::any::Any = &store;
    assert_eq!(setup_rows(any).await, 0);
    store.put_setup_code(hash(1), at(0)).await.unwrap();
    store.put_setup_code(hash(2), at(1)).await.unwrap();
    assert_eq!(setup_rows(any).await, 1, "at most one set-up code");
    let first = user("chair", Role::Committee);
    assert_eq!(
        store.claim_setup(hash(1), &first, at(2)).await.unwrap(),
        None
    );
    assert_eq!(setup_rows(any).await, 1);
    assert!(store
        .claim_setup(hash(2), &first, at(3))
        .await
        .unwrap()
        .is_some());
    assert_eq!(setup_rows(any).await, 0);

    // A new code while a user exists: the refused claim leaves it in place.
    store.put_setup_code(hash(4), at(4)).await.unwrap();
    assert_eq!(
        store
            .claim_setup(hash(4), &user("second", Role::Committee), at(5))
            .await
            .unwrap(),
        None
    );
    assert_eq!(setup_rows(any).await, 1);
    assert_eq!(store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_setup_code_row_consumed_only_by_success() {
    let (_dir, path) = fresh_sqlite_path();
    setup_code_row_consumed_only_by_success(SqliteStore::open(&path).await.unwrap()).await;
}

#[tokio::test]
async fn postgres_setup_code_row_consumed_only_by_success() {
    let url = fresh_database().await;
    setup_code_row_consumed_only_by_success(PostgresStore::connect(&url).await.unwrap()).await;
}

/// Reads of rows that the schema's CHECKs would normally keep out (written
/// here with the checks bypassed) report `Corrupt`, never panic or guess.
async fn corrupt_rows_are_reported(
    store: Arc<dyn Store>,
    bad_election: Uuid,
    token_election: Uuid,
) {
    match store.find_user_by_name("mayor").await {
        Err(StoreError::Corrupt(msg)) => assert!(msg.contains("mayor"), "{msg}"),
        other => panic!("expected Corrupt for an unknown role, got {other:?}"),
    }
    match store.get_election(bad_election).await {
        Err(StoreError::Corrupt(msg)) => assert!(msg.contains("senate"), "{msg}"),
        other => panic!("expected Corrupt for an unknown body kind, got {other:?}"),
    }
    assert!(matches!(
        store.list_elections().await,
        Err(StoreError::Corrupt(_))
    ));
    match store.list_station_tokens(token_election).await {
        Err(StoreError::Corrupt(msg)) => assert!(msg.contains("31"), "{msg}"),
        other => panic!("expected Corrupt for a short hash, got {other:?}"),
    }
    // Healthy rows next to them still read fine.
    assert_eq!(store.count_users().await.unwrap(), 1);
}

#[tokio::test]
async fn sqlite_corrupt_rows_are_reported() {
    let (_dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let good = store
        .create_election(&election("good", &[("member", 1)]), at(0))
        .await
        .unwrap();
    let bad = Uuid::new_v4();
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&mut *conn)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO users (id, username, role, password_hash, created_at) \
         VALUES (?, 'mayor', 'mayor', 'x', '2026-03-01T09:00:00.000000Z')",
    )
    .bind(Uuid::new_v4().to_string())
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at) \
         VALUES (?, 'senate', 't', 'p', '2026-04-12', '2026-03-01T09:00:00.000000Z')",
    )
    .bind(bad.to_string())
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO station_tokens (id, election_id, station, token_hash, created_at, expires_at) \
         VALUES (?, ?, 'S1', ?, '2026-03-01T09:00:00.000000Z', '2026-03-01T19:00:00.000000Z')",
    )
    .bind(Uuid::new_v4().to_string())
    .bind(good.id.to_string())
    .bind(vec![1_u8; 31])
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = OFF")
        .execute(&mut *conn)
        .await
        .unwrap();
    drop(conn);
    corrupt_rows_are_reported(Arc::new(store), bad, good.id).await;
}

#[tokio::test]
async fn postgres_corrupt_rows_are_reported() {
    let url = fresh_database().await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let good = store
        .create_election(&election("good", &[("member", 1)]), at(0))
        .await
        .unwrap();
    let bad = Uuid::new_v4();
    let pool = store.pool();
    for sql in [
        "ALTER TABLE users DROP CONSTRAINT users_role_check",
        "ALTER TABLE elections DROP CONSTRAINT elections_body_kind_check",
        "ALTER TABLE station_tokens DROP CONSTRAINT station_tokens_token_hash_check",
    ] {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO users (id, username, role, password_hash, created_at) \
         VALUES ($1, 'mayor', 'mayor', 'x', now())",
    )
    .bind(Uuid::new_v4())
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO elections (id, body_kind, title, profile, election_day, created_at) \
         VALUES ($1, 'senate', 't', 'p', '2026-04-12', now())",
    )
    .bind(bad)
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO station_tokens (id, election_id, station, token_hash, created_at, expires_at) \
         VALUES ($1, $2, 'S1', $3, now(), now() + interval '1 hour')",
    )
    .bind(Uuid::new_v4())
    .bind(good.id)
    .bind(vec![1_u8; 31])
    .execute(pool)
    .await
    .unwrap();
    corrupt_rows_are_reported(Arc::new(store), bad, good.id).await;
}
