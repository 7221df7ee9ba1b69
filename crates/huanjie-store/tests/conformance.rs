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
    BodyKind, Election, NewElection, NewResident, NewUser, PositionSeats, PostgresStore, Resident,
    ResidentPage, ResidentQuery, Role, RollConflict, RollOutcome, RollSummary, SqliteStore, Store,
    StoreError, MAX_RESIDENT_PAGE,
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
    roll_imports_and_replaces,
    roll_counts_voters_and_groups,
    roll_search_by_name,
    roll_search_by_resident_id,
    roll_search_by_group_paging_and_order,
    roll_limit_is_capped_and_big_rolls_round_trip,
    roll_unknown_election_is_not_found,
    roll_repeated_resident_id_conflicts_and_writes_nothing,
    roll_voter_elsewhere_in_the_round_conflicts,
    roll_same_person_elsewhere_is_fine_when_not_the_same_round,
    roll_same_person_not_a_voter_in_one_is_fine,
    roll_concurrent_imports_in_a_round_cannot_both_register,
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

// --- the resident roll (R-REG) --------------------------------------------------

/// An 18-character resident ID ending in `last` (a digit or `X`).
fn rid(n: u32, last: char) -> String {
    format!("11010119900307{:03}{last}", n % 1000)
}

/// A resident with plain defaults: a registered voter of group 第一组.
fn person(row: u32, resident_id: &str, name: &str) -> NewResident {
    NewResident {
        row,
        resident_id: resident_id.to_owned(),
        name: name.to_owned(),
        gender: if row % 2 == 0 { "F" } else { "M" }.to_owned(),
        group: "第一组".to_owned(),
        household: "001".to_owned(),
        address: format!("幸福路{row}号"),
        category: "registered".to_owned(),
        residence_since: None,
        will_participate: None,
        committee_consent: None,
        household_representative: false,
        residents_representative: false,
        exclusion: None,
        waived: false,
        voluntary: false,
    }
}

fn in_group(mut r: NewResident, group: &str, household: &str) -> NewResident {
    r.group = group.to_owned();
    r.household = household.to_owned();
    r
}

fn excluded(mut r: NewResident, why: &str) -> NewResident {
    r.exclusion = Some(why.to_owned());
    r
}

/// A search with only the given name prefix (everything else default).
fn by_name(name: &str) -> ResidentQuery {
    ResidentQuery {
        name: Some(name.to_owned()),
        ..ResidentQuery::default()
    }
}

fn by_id(id: &str) -> ResidentQuery {
    ResidentQuery {
        resident_id: Some(id.to_owned()),
        ..ResidentQuery::default()
    }
}

/// The file rows of a page, in the order returned.
fn rows(page: &ResidentPage) -> Vec<u32> {
    page.residents.iter().map(|r| r.row).collect()
}

/// The stored form of `new` in `election` (ids are the store's).
fn stored(new: &NewResident, id: Uuid, election: Uuid, at: DateTime<Utc>) -> Resident {
    Resident {
        id,
        election_id: election,
        row: new.row,
        resident_id: new.resident_id.clone(),
        name: new.name.clone(),
        gender: new.gender.clone(),
        group: new.group.clone(),
        household: new.household.clone(),
        address: new.address.clone(),
        category: new.category.clone(),
        residence_since: new.residence_since,
        will_participate: new.will_participate,
        committee_consent: new.committee_consent,
        household_representative: new.household_representative,
        residents_representative: new.residents_representative,
        exclusion: new.exclusion.clone(),
        waived: new.waived,
        voluntary: new.voluntary,
        created_at: at,
    }
}

/// Every resident of an election's roll, in listing order, paging by 500.
async fn whole_roll(store: &dyn Store, election: Uuid) -> Vec<Resident> {
    let mut all = Vec::new();
    loop {
        let page = store
            .search_residents(
                election,
                &ResidentQuery {
                    limit: 500,
                    offset: all.len() as u64,
                    ..ResidentQuery::default()
                },
            )
            .await
            .unwrap();
        let done = page.residents.len() < 500;
        all.extend(page.residents);
        if done {
            return all;
        }
    }
}

fn round_election(title: &str, day: (i32, u32, u32), kind: BodyKind) -> NewElection {
    NewElection {
        body_kind: kind,
        title: title.to_owned(),
        profile: "county-2006".to_owned(),
        election_day: NaiveDate::from_ymd_opt(day.0, day.1, day.2).unwrap(),
        seats: seats(&[("member", 5)]),
    }
}

/// A small roll over two groups, deliberately out of listing order.
fn small_roll() -> Vec<NewResident> {
    vec![
        in_group(person(2, &rid(1, '0'), "王小明"), "第二组", "201"),
        in_group(person(3, &rid(2, 'X'), "王小"), "第一组", "102"),
        excluded(
            in_group(person(4, &rid(3, '5'), "李四"), "第一组", "101"),
            "under_18",
        ),
        in_group(person(5, &rid(4, '1'), "张三"), "第一组", "101"),
        in_group(person(6, &rid(5, '2'), "王大锤"), "第二组", "201"),
        in_group(person(7, &rid(6, '3'), "张三"), "第一组", "101"),
    ]
}

async fn roll_imports_and_replaces(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    assert_eq!(
        store.roll_summary(e.id).await.unwrap(),
        RollSummary {
            residents: 0,
            voters: 0,
            groups: vec![],
            imported_at: None
        }
    );
    let first = small_roll();
    let now = at(10) + Duration::nanoseconds(123_456_789);
    assert_eq!(
        store.replace_roll(e.id, &first, now).await.unwrap(),
        RollOutcome::Imported {
            residents: 6,
            voters: 5
        }
    );
    let micro = at(10) + Duration::nanoseconds(123_456_000);
    let got = whole_roll(&*store, e.id).await;
    // Listing order: group, household, name, file row.
    assert_eq!(
        got.iter().map(|r| r.row).collect::<Vec<_>>(),
        vec![5, 7, 4, 3, 6, 2]
    );
    for r in &got {
        let new = first.iter().find(|n| n.row == r.row).unwrap();
        assert_eq!(r, &stored(new, r.id, e.id, micro));
    }
    let ids: std::collections::HashSet<Uuid> = got.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 6, "ids are distinct");
    assert_eq!(
        store.roll_summary(e.id).await.unwrap().imported_at,
        Some(micro)
    );

    // Replacing: the old roll is gone, the new one is all there is.
    let second = vec![
        person(2, &rid(7, '7'), "赵六"),
        excluded(person(3, &rid(1, '0'), "王小明"), "not_taking_part"),
    ];
    assert_eq!(
        store.replace_roll(e.id, &second, at(20)).await.unwrap(),
        RollOutcome::Imported {
            residents: 2,
            voters: 1
        }
    );
    let got = whole_roll(&*store, e.id).await;
    assert_eq!(
        got.iter()
            .map(|r| (r.row, r.name.as_str()))
            .collect::<Vec<_>>(),
        vec![(3, "王小明"), (2, "赵六")]
    );
    assert!(got.iter().all(|r| !ids.contains(&r.id)), "new ids");
    assert!(got.iter().all(|r| r.created_at == at(20)));
    assert_eq!(
        store.search_residents(e.id, &by_name("张")).await.unwrap(),
        ResidentPage {
            total: 0,
            residents: vec![]
        }
    );
    assert_eq!(
        store.roll_summary(e.id).await.unwrap(),
        RollSummary {
            residents: 2,
            voters: 1,
            groups: vec![("第一组".to_owned(), 1)],
            imported_at: Some(at(20))
        }
    );

    // An empty roll is a roll too.
    assert_eq!(
        store.replace_roll(e.id, &[], at(30)).await.unwrap(),
        RollOutcome::Imported {
            residents: 0,
            voters: 0
        }
    );
    assert_eq!(
        store.roll_summary(e.id).await.unwrap(),
        RollSummary {
            residents: 0,
            voters: 0,
            groups: vec![],
            imported_at: Some(at(30))
        }
    );
    assert_eq!(whole_roll(&*store, e.id).await, vec![]);
}

async fn roll_counts_voters_and_groups(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    let roll = vec![
        in_group(person(2, &rid(1, '1'), "甲"), "3组", "1"),
        excluded(
            in_group(person(3, &rid(2, '2'), "乙"), "1组", "1"),
            "under_18",
        ),
        in_group(person(4, &rid(3, '3'), "丙"), "2组", "1"),
        excluded(
            in_group(person(5, &rid(4, '4'), "丁"), "2组", "2"),
            "deprived_of_political_rights",
        ),
        in_group(person(6, &rid(5, '5'), "戊"), "2组", "3"),
        in_group(person(7, &rid(6, '6'), "己"), "10组", "1"),
    ];
    assert_eq!(
        store.replace_roll(e.id, &roll, at(1)).await.unwrap(),
        RollOutcome::Imported {
            residents: 6,
            voters: 4
        }
    );
    // Every group, in byte order, with its voters (0 for 1组).
    assert_eq!(
        store.roll_summary(e.id).await.unwrap(),
        RollSummary {
            residents: 6,
            voters: 4,
            groups: vec![
                ("10组".to_owned(), 1),
                ("1组".to_owned(), 0),
                ("2组".to_owned(), 2),
                ("3组".to_owned(), 1),
            ],
            imported_at: Some(at(1))
        }
    );
    let all = store
        .search_residents(e.id, &ResidentQuery::default())
        .await
        .unwrap();
    assert_eq!(all.total, 6);
    assert_eq!(rows(&all), vec![7, 3, 4, 5, 6, 2]);
    let voters = store
        .search_residents(
            e.id,
            &ResidentQuery {
                voters_only: true,
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(voters.total, 4);
    assert_eq!(rows(&voters), vec![7, 4, 6, 2]);
    assert!(voters.residents.iter().all(|r| r.exclusion.is_none()));
}

async fn roll_search_by_name(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    store
        .replace_roll(e.id, &small_roll(), at(1))
        .await
        .unwrap();
    let names = |page: &ResidentPage| -> Vec<String> {
        page.residents.iter().map(|r| r.name.clone()).collect()
    };
    // A prefix: in listing order (第一组 before 第二组).
    let wang = store.search_residents(e.id, &by_name("王")).await.unwrap();
    assert_eq!(wang.total, 3);
    assert_eq!(names(&wang), vec!["王小", "王大锤", "王小明"]);
    // A full name is a prefix too: 王小 finds 王小 and 王小明.
    let xiao = store
        .search_residents(e.id, &by_name("王小"))
        .await
        .unwrap();
    assert_eq!(rows(&xiao), vec![3, 2]);
    let full = store
        .search_residents(e.id, &by_name("王小明"))
        .await
        .unwrap();
    assert_eq!(rows(&full), vec![2]);
    // Two residents with one name, ordered by file row.
    let zhang = store
        .search_residents(e.id, &by_name("张三"))
        .await
        .unwrap();
    assert_eq!(rows(&zhang), vec![5, 7]);
    // Only prefixes: not a middle or an end, not a longer name.
    for miss in ["小明", "明", "王小明明", "张三丰", "Wang", "李四 "] {
        let page = store.search_residents(e.id, &by_name(miss)).await.unwrap();
        assert_eq!(page.total, 0, "{miss}");
        assert_eq!(page.residents, vec![], "{miss}");
    }
    // The excluded 李四 is found unless voters only.
    assert_eq!(
        rows(&store.search_residents(e.id, &by_name("李")).await.unwrap()),
        vec![4]
    );
    let voters_only = ResidentQuery {
        voters_only: true,
        ..by_name("李")
    };
    assert_eq!(
        store.search_residents(e.id, &voters_only).await.unwrap(),
        ResidentPage {
            total: 0,
            residents: vec![]
        }
    );
    // An empty prefix matches everyone.
    assert_eq!(
        store
            .search_residents(e.id, &by_name(""))
            .await
            .unwrap()
            .total,
        6
    );
}

async fn roll_search_by_resident_id(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    // Names in code-point order (一 < 丁 < 七 < 万), so the listing order
    // is the row order.
    let roll = vec![
        person(2, "11010119900307001X", "一"),
        person(3, "110101199003070020", "丁"),
        person(4, "110101199003070100", "七"),
        person(5, "110102199003070010", "万"),
    ];
    store.replace_roll(e.id, &roll, at(1)).await.unwrap();
    let found = |q: &str| {
        let store = store.clone();
        let q = q.to_owned();
        async move { rows(&store.search_residents(e.id, &by_id(&q)).await.unwrap()) }
    };
    // Exact, with an upper- or lower-case check character.
    assert_eq!(found("11010119900307001X").await, vec![2]);
    assert_eq!(found("11010119900307001x").await, vec![2]);
    assert_eq!(found("110101199003070020").await, vec![3]);
    // Prefixes (fewer than 18 characters), lower-case x too.
    assert_eq!(found("1101011990030700").await, vec![2, 3]);
    assert_eq!(found("11010119900307001").await, vec![2]);
    assert_eq!(found("110101").await, vec![2, 3, 4]);
    assert_eq!(found("1101").await, vec![2, 3, 4, 5]);
    assert_eq!(found("1").await, vec![2, 3, 4, 5]);
    // Eighteen characters are never a prefix; neither is a longer string.
    assert_eq!(found("110101199003070010").await, Vec::<u32>::new());
    assert_eq!(found("11010119900307001X0").await, Vec::<u32>::new());
    assert_eq!(found("2").await, Vec::<u32>::new());
    assert_eq!(found("x").await, Vec::<u32>::new());
    let page = store
        .search_residents(e.id, &by_id("110101"))
        .await
        .unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(page.residents[0].resident_id, "11010119900307001X");
    // ID and name together must both match.
    let both = ResidentQuery {
        name: Some("丁".to_owned()),
        ..by_id("110101")
    };
    assert_eq!(
        rows(&store.search_residents(e.id, &both).await.unwrap()),
        vec![3]
    );
    // The same ID in another election's roll is not this roll's.
    let other = store
        .create_election(
            &round_election("other", (2027, 1, 1), BodyKind::ResidentsCommittee),
            at(2),
        )
        .await
        .unwrap();
    store
        .replace_roll(other.id, &[person(9, "110101199003070020", "丁")], at(3))
        .await
        .unwrap();
    assert_eq!(found("110101199003070020").await, vec![3]);
    assert_eq!(found("11").await, vec![2, 3, 4, 5]);
}

async fn roll_search_by_group_paging_and_order(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    // 30 residents: groups A/B/C, households, names and rows scrambled.
    let mut roll = Vec::new();
    for i in 0..30_u32 {
        let group = ["C组", "A组", "B组"][(i % 3) as usize];
        let household = format!("{:02}", (i * 7) % 5);
        let name = ["周", "吴", "郑", "王"][(i % 4) as usize];
        let mut r = in_group(person(100 - i, &rid(i, '0'), name), group, &household);
        if i % 5 == 0 {
            r = excluded(r, "residence_too_short");
        }
        roll.push(r);
    }
    store.replace_roll(e.id, &roll, at(1)).await.unwrap();
    let mut expected: Vec<&NewResident> = roll.iter().collect();
    expected.sort_by(|a, b| {
        (&a.group, &a.household, &a.name, a.row).cmp(&(&b.group, &b.household, &b.name, b.row))
    });
    let expected_rows: Vec<u32> = expected.iter().map(|r| r.row).collect();
    assert_eq!(
        whole_roll(&*store, e.id)
            .await
            .iter()
            .map(|r| r.row)
            .collect::<Vec<_>>(),
        expected_rows
    );
    // Pages of 7: the same order, the same total on every page.
    let mut paged = Vec::new();
    for page_no in 0..5_u64 {
        let page = store
            .search_residents(
                e.id,
                &ResidentQuery {
                    limit: 7,
                    offset: page_no * 7,
                    ..ResidentQuery::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.total, 30);
        assert_eq!(page.residents.len(), if page_no < 4 { 7 } else { 2 });
        paged.extend(rows(&page));
    }
    assert_eq!(paged, expected_rows);
    // Beyond the end: nothing, but the total.
    let past = store
        .search_residents(
            e.id,
            &ResidentQuery {
                offset: 30,
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((past.total, past.residents.len()), (30, 0));
    let huge = ResidentQuery {
        offset: u64::MAX,
        ..ResidentQuery::default()
    };
    assert_eq!(
        store.search_residents(e.id, &huge).await.unwrap().residents,
        vec![]
    );
    // limit 0: only the total.
    let zero = ResidentQuery {
        limit: 0,
        ..ResidentQuery::default()
    };
    assert_eq!(
        store.search_residents(e.id, &zero).await.unwrap(),
        ResidentPage {
            total: 30,
            residents: vec![]
        }
    );
    // Group filter, alone and with voters only.
    let b: Vec<u32> = expected
        .iter()
        .filter(|r| r.group == "B组")
        .map(|r| r.row)
        .collect();
    let group_b = ResidentQuery {
        group: Some("B组".to_owned()),
        ..ResidentQuery::default()
    };
    let page = store.search_residents(e.id, &group_b).await.unwrap();
    assert_eq!((page.total, rows(&page)), (10, b));
    let b_voters: Vec<u32> = expected
        .iter()
        .filter(|r| r.group == "B组" && r.exclusion.is_none())
        .map(|r| r.row)
        .collect();
    let page = store
        .search_residents(
            e.id,
            &ResidentQuery {
                voters_only: true,
                ..group_b.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, b_voters.len() as u64);
    assert_eq!(rows(&page), b_voters);
    // Group and name together; a group that does not exist; a group is
    // matched exactly, not by prefix.
    let page = store
        .search_residents(
            e.id,
            &ResidentQuery {
                name: Some("王".to_owned()),
                ..group_b.clone()
            },
        )
        .await
        .unwrap();
    assert!(page.total > 0);
    assert!(page
        .residents
        .iter()
        .all(|r| r.group == "B组" && r.name == "王"));
    for group in ["D组", "B", "b组", ""] {
        let q = ResidentQuery {
            group: Some(group.to_owned()),
            ..ResidentQuery::default()
        };
        assert_eq!(
            store.search_residents(e.id, &q).await.unwrap().total,
            0,
            "{group}"
        );
    }
}

async fn roll_limit_is_capped_and_big_rolls_round_trip(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    // 5,000 residents: several INSERT batches on SQLite; every field
    // varied, including text that needs care in transit.
    let odd_text = [
        "tab\there",
        "line\nbreak",
        "back\\slash\\N",
        "quote'\"",
        "emoji 🗳️",
        "\\.",
        "CR\r",
    ];
    let roll: Vec<NewResident> = (0..5_000_u32)
        .map(|i| NewResident {
            row: i + 2,
            resident_id: format!(
                "{:06}{:08}{:03}{}",
                110_101 + i % 7,
                19_500_101 + i,
                i % 997,
                if i % 11 == 0 {
                    'X'
                } else {
                    char::from(b'0' + (i % 10) as u8)
                }
            ),
            name: format!("{}{}", ["赵", "钱", "孙", "李"][(i % 4) as usize], i % 300),
            gender: if i % 2 == 0 { "F" } else { "M" }.to_owned(),
            group: format!("第{}组", i % 13),
            household: format!("{:04}", i / 3),
            address: if i % 17 == 0 {
                odd_text[(i as usize / 17) % odd_text.len()].to_owned()
            } else {
                format!("幸福路{i}号")
            },
            category: [
                "registered",
                "registered_elsewhere",
                "non_registered",
                "posted_staff",
            ][(i % 4) as usize]
                .to_owned(),
            residence_since: (i % 3 == 0).then(|| {
                NaiveDate::from_ymd_opt(1990, 1, 1).unwrap() + Duration::days(i64::from(i))
            }),
            will_participate: [None, Some(true), Some(false)][(i % 3) as usize],
            committee_consent: [Some(false), None, Some(true)][(i % 3) as usize],
            household_representative: i % 3 == 0,
            residents_representative: i % 101 == 0,
            exclusion: match i % 9 {
                0 => Some("under_18".to_owned()),
                1 => Some("no_committee_consent".to_owned()),
                _ => None,
            },
            // R-REG-4 marks: both bulk paths (SQLite's INSERTs, PostgreSQL's
            // binary COPY) must write them.
            waived: i % 7 == 2,
            voluntary: i % 5 == 3,
        })
        .collect();
    let voters = roll.iter().filter(|r| r.exclusion.is_none()).count() as u64;
    assert_eq!(
        store.replace_roll(e.id, &roll, at(5)).await.unwrap(),
        RollOutcome::Imported {
            residents: 5_000,
            voters
        }
    );
    // The limit is capped at 500.
    let page = store
        .search_residents(
            e.id,
            &ResidentQuery {
                limit: 10_000,
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(page.total, 5_000);
    assert_eq!(page.residents.len(), MAX_RESIDENT_PAGE as usize);
    // Every field of every resident comes back exactly, in listing order.
    let got = whole_roll(&*store, e.id).await;
    assert_eq!(got.len(), 5_000);
    let mut expected: Vec<&NewResident> = roll.iter().collect();
    expected.sort_by(|a, b| {
        (&a.group, &a.household, &a.name, a.row).cmp(&(&b.group, &b.household, &b.name, b.row))
    });
    for (r, new) in got.iter().zip(&expected) {
        assert_eq!(r, &stored(new, r.id, e.id, at(5)));
    }
    let ids: std::collections::HashSet<Uuid> = got.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 5_000);
    // The odd text is stored as given.
    for text in odd_text {
        assert!(got.iter().any(|r| r.address == text), "{text:?}");
    }
    // A prefix that matches a quarter of the roll, paged to the end (on
    // SQLite the first pages walk the listing order, the later ones sort
    // the matches: both give the same order), alone and with filters.
    for (name, group, voters_only) in [
        ("赵", None, false),
        ("赵", None, true),
        ("赵", Some("第3组"), false),
        ("钱1", None, true),
    ] {
        let want: Vec<u32> = expected
            .iter()
            .filter(|r| r.name.starts_with(name))
            .filter(|r| group.is_none_or(|g| r.group == g))
            .filter(|r| !voters_only || r.exclusion.is_none())
            .map(|r| r.row)
            .collect();
        assert!(!want.is_empty());
        let mut paged = Vec::new();
        loop {
            let page = store
                .search_residents(
                    e.id,
                    &ResidentQuery {
                        name: Some(name.to_owned()),
                        group: group.map(str::to_owned),
                        voters_only,
                        limit: 40,
                        offset: paged.len() as u64,
                        ..ResidentQuery::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(page.total, want.len() as u64, "{name} {group:?}");
            if page.residents.is_empty() {
                break;
            }
            paged.extend(rows(&page));
        }
        assert_eq!(paged, want, "{name} {group:?} {voters_only}");
    }
    let summary = store.roll_summary(e.id).await.unwrap();
    assert_eq!((summary.residents, summary.voters), (5_000, voters));
    assert_eq!(summary.groups.len(), 13);
    assert_eq!(summary.groups.iter().map(|(_, v)| v).sum::<u64>(), voters);
}

async fn roll_unknown_election_is_not_found(store: Arc<dyn Store>) {
    let kept = store
        .create_election(&election("kept", &[("member", 5)]), at(0))
        .await
        .unwrap();
    store
        .replace_roll(kept.id, &small_roll(), at(1))
        .await
        .unwrap();
    let nobody = Uuid::new_v4();
    match store.replace_roll(nobody, &small_roll(), at(2)).await {
        Err(StoreError::NotFound(msg)) => assert!(msg.contains(&nobody.to_string()), "{msg}"),
        other => panic!("expected NotFound, got {other:?}"),
    }
    match store.replace_roll(nobody, &[], at(2)).await {
        Err(StoreError::NotFound(_)) => {}
        other => panic!("expected NotFound, got {other:?}"),
    }
    // Reads of an unknown election (or one without a roll) are empty.
    assert_eq!(
        store
            .search_residents(nobody, &ResidentQuery::default())
            .await
            .unwrap(),
        ResidentPage {
            total: 0,
            residents: vec![]
        }
    );
    assert_eq!(
        store.roll_summary(nobody).await.unwrap(),
        RollSummary {
            residents: 0,
            voters: 0,
            groups: vec![],
            imported_at: None
        }
    );
    assert_eq!(store.roll_summary(kept.id).await.unwrap().residents, 6);
}

async fn roll_repeated_resident_id_conflicts_and_writes_nothing(store: Arc<dyn Store>) {
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    store
        .replace_roll(e.id, &small_roll(), at(1))
        .await
        .unwrap();
    let before = whole_roll(&*store, e.id).await;
    let repeated = vec![
        person(2, &rid(8, '8'), "甲"),
        person(3, &rid(9, '9'), "乙"),
        excluded(person(4, &rid(8, '8'), "甲"), "under_18"),
    ];
    match store.replace_roll(e.id, &repeated, at(2)).await {
        Err(StoreError::Conflict(msg)) => assert!(msg.contains("roll"), "{msg}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(whole_roll(&*store, e.id).await, before);
    // The same with a bigger roll elsewhere (on SQLite the import then keeps
    // its indexes instead of building them again).
    let other = store
        .create_election(
            &round_election("other", (2027, 1, 1), BodyKind::ResidentsCommittee),
            at(0),
        )
        .await
        .unwrap();
    let bigger: Vec<NewResident> = (0..40).map(|i| person(i + 2, &rid(i, '0'), "丙")).collect();
    store.replace_roll(other.id, &bigger, at(1)).await.unwrap();
    match store.replace_roll(e.id, &repeated, at(2)).await {
        Err(StoreError::Conflict(msg)) => assert!(msg.contains("roll"), "{msg}"),
        other => panic!("expected Conflict, got {other:?}"),
    }
    assert_eq!(whole_roll(&*store, e.id).await, before);
    assert_eq!(store.roll_summary(other.id).await.unwrap().residents, 40);
    assert_eq!(
        store.roll_summary(e.id).await.unwrap().imported_at,
        Some(at(1))
    );
    // A value the schema refuses: nothing written either.
    let mut bad = person(2, &rid(8, '8'), "甲");
    bad.gender = "X".to_owned();
    let err = store.replace_roll(e.id, &[bad], at(3)).await.unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");
    assert_eq!(whole_roll(&*store, e.id).await, before);
    // The store still works afterwards.
    store
        .replace_roll(e.id, &[person(2, &rid(8, '8'), "甲")], at(4))
        .await
        .unwrap();
    assert_eq!(store.roll_summary(e.id).await.unwrap().residents, 1);
}

async fn roll_voter_elsewhere_in_the_round_conflicts(store: Arc<dyn Store>) {
    let day = (2026, 4, 12);
    let kind = BodyKind::ResidentsCommittee;
    let a = store
        .create_election(&round_election("A 社区", day, kind), at(0))
        .await
        .unwrap();
    let c = store
        .create_election(&round_election("C 社区", day, kind), at(0))
        .await
        .unwrap();
    let b = store
        .create_election(&round_election("B 社区", day, kind), at(0))
        .await
        .unwrap();
    let x = rid(1, 'X');
    let y = rid(2, '2');
    let w = rid(3, '3');
    let z = rid(4, '4');
    let imported = |residents, voters| RollOutcome::Imported { residents, voters };
    let conflict = |row, resident_id: &str, other: &Election| RollConflict {
        row,
        resident_id: resident_id.to_owned(),
        other_election_id: other.id,
        other_election_title: other.title.clone(),
    };
    assert_eq!(
        store
            .replace_roll(
                a.id,
                &[
                    person(2, &x, "甲"),
                    person(3, &y, "乙"),
                    person(4, &w, "丙")
                ],
                at(1),
            )
            .await
            .unwrap(),
        imported(3, 3)
    );
    assert_eq!(
        store
            .replace_roll(c.id, &[person(9, &z, "丁")], at(1))
            .await
            .unwrap(),
        imported(1, 1)
    );
    // B's roll before the attempt.
    assert_eq!(
        store
            .replace_roll(b.id, &[person(2, &rid(50, '0'), "原")], at(2))
            .await
            .unwrap(),
        imported(1, 1)
    );
    let before = whole_roll(&*store, b.id).await;
    let summary_before = store.roll_summary(b.id).await.unwrap();

    // Every conflict, in file-row order, whatever the order of the file.
    let attempt = vec![
        person(9, &z, "丁"),
        person(2, &rid(60, '0'), "新"),
        person(7, &x, "甲"),
        excluded(person(8, &w, "丙"), "not_taking_part"),
        person(5, &y, "乙"),
    ];
    assert_eq!(
        store.replace_roll(b.id, &attempt, at(3)).await.unwrap(),
        RollOutcome::Conflicts(vec![
            conflict(5, &y, &a),
            conflict(7, &x, &a),
            conflict(9, &z, &c),
        ])
    );
    // Nothing written: B's previous roll is intact.
    assert_eq!(whole_roll(&*store, b.id).await, before);
    assert_eq!(store.roll_summary(b.id).await.unwrap(), summary_before);
    assert_eq!(
        store
            .search_residents(b.id, &by_id(&x))
            .await
            .unwrap()
            .total,
        0
    );
    // …and so are the others.
    assert_eq!(store.roll_summary(a.id).await.unwrap().residents, 3);
    assert_eq!(store.roll_summary(c.id).await.unwrap().residents, 1);

    // Re-importing A is no conflict with A's own previous roll, but a voter
    // of C is still C's.
    assert_eq!(
        store
            .replace_roll(a.id, &[person(2, &y, "乙")], at(4))
            .await
            .unwrap(),
        imported(1, 1)
    );
    assert_eq!(
        store
            .replace_roll(a.id, &[person(3, &z, "丁")], at(5))
            .await
            .unwrap(),
        RollOutcome::Conflicts(vec![conflict(3, &z, &c)])
    );
    assert_eq!(whole_roll(&*store, a.id).await.len(), 1);
    // Now A holds only Y: B may have X and W, not Y or Z.
    assert_eq!(
        store.replace_roll(b.id, &attempt, at(6)).await.unwrap(),
        RollOutcome::Conflicts(vec![conflict(5, &y, &a), conflict(9, &z, &c)])
    );
    let without = [attempt[1].clone(), attempt[2].clone(), attempt[3].clone()];
    assert_eq!(
        store.replace_roll(b.id, &without, at(7)).await.unwrap(),
        imported(3, 2)
    );
}

async fn roll_same_person_elsewhere_is_fine_when_not_the_same_round(store: Arc<dyn Store>) {
    let day = (2026, 4, 12);
    let base = store
        .create_election(
            &round_election("base", day, BodyKind::ResidentsCommittee),
            at(0),
        )
        .await
        .unwrap();
    let other_day = store
        .create_election(
            &round_election("other day", (2026, 4, 13), BodyKind::ResidentsCommittee),
            at(0),
        )
        .await
        .unwrap();
    let other_kind = store
        .create_election(
            &round_election("other kind", day, BodyKind::SupervisoryCommittee),
            at(0),
        )
        .await
        .unwrap();
    let x = rid(1, '1');
    store
        .replace_roll(base.id, &[person(2, &x, "甲")], at(1))
        .await
        .unwrap();
    for e in [&other_day, &other_kind] {
        assert_eq!(
            store
                .replace_roll(e.id, &[person(4, &x, "甲")], at(2))
                .await
                .unwrap(),
            RollOutcome::Imported {
                residents: 1,
                voters: 1
            },
            "{}",
            e.title
        );
    }
    // And the other way round.
    assert_eq!(
        store
            .replace_roll(base.id, &[person(3, &x, "甲")], at(3))
            .await
            .unwrap(),
        RollOutcome::Imported {
            residents: 1,
            voters: 1
        }
    );
}

async fn roll_same_person_not_a_voter_in_one_is_fine(store: Arc<dyn Store>) {
    let day = (2026, 4, 12);
    let kind = BodyKind::ResidentsCommittee;
    let a = store
        .create_election(&round_election("A", day, kind), at(0))
        .await
        .unwrap();
    let b = store
        .create_election(&round_election("B", day, kind), at(0))
        .await
        .unwrap();
    let x = rid(1, '1');
    // Not a voter in A, a voter in B.
    store
        .replace_roll(
            a.id,
            &[excluded(person(2, &x, "甲"), "not_taking_part")],
            at(1),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .replace_roll(b.id, &[person(2, &x, "甲")], at(2))
            .await
            .unwrap(),
        RollOutcome::Imported {
            residents: 1,
            voters: 1
        }
    );
    // A voter in B, not a voter in A's new roll either: still fine.
    assert_eq!(
        store
            .replace_roll(
                a.id,
                &[excluded(person(5, &x, "甲"), "residence_too_short")],
                at(3)
            )
            .await
            .unwrap(),
        RollOutcome::Imported {
            residents: 1,
            voters: 0
        }
    );
    // Both voters: the second import conflicts.
    assert_eq!(
        store
            .replace_roll(a.id, &[person(5, &x, "甲")], at(4))
            .await
            .unwrap(),
        RollOutcome::Conflicts(vec![RollConflict {
            row: 5,
            resident_id: x.clone(),
            other_election_id: b.id,
            other_election_title: "B".to_owned(),
        }])
    );
}

async fn roll_concurrent_imports_in_a_round_cannot_both_register(store: Arc<dyn Store>) {
    const ELECTIONS: usize = 4;
    let x = rid(1, '1');
    let mut elections = Vec::new();
    for i in 0..ELECTIONS {
        let e = store
            .create_election(
                &round_election(
                    &format!("E{i}"),
                    (2026, 4, 12),
                    BodyKind::ResidentsCommittee,
                ),
                at(0),
            )
            .await
            .unwrap();
        elections.push(e.id);
    }
    let start = Arc::new(tokio::sync::Barrier::new(ELECTIONS));
    let mut imports = tokio::task::JoinSet::new();
    for (i, id) in elections.iter().copied().enumerate() {
        let store = store.clone();
        let start = start.clone();
        let roll = vec![
            person(2, &x, "甲"),
            person(3, &rid(100 + i as u32, '0'), "独"),
        ];
        imports.spawn(async move {
            start.wait().await;
            store.replace_roll(id, &roll, at(1)).await
        });
    }
    let mut imported = 0;
    let mut conflicts = 0;
    while let Some(joined) = imports.join_next().await {
        match joined.unwrap().unwrap() {
            RollOutcome::Imported { .. } => imported += 1,
            RollOutcome::Conflicts(c) => {
                assert_eq!(c.len(), 1, "{c:?}");
                assert_eq!(c[0].resident_id, x);
                conflicts += 1;
            }
        }
    }
    assert_eq!((imported, conflicts), (1, ELECTIONS - 1));
    let mut holding = 0;
    for id in elections {
        holding += store.search_residents(id, &by_id(&x)).await.unwrap().total;
    }
    assert_eq!(holding, 1, "exactly one roll holds the voter");
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
        assert_eq!(applied, every_migration("sqlite"));
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
    assert_eq!(applied, every_migration("postgres"));
}

/// Every migration of the backend's directory, each applied once and in
/// order: versions 1..=N for the N files of `migrations/{backend}`.
fn every_migration(backend: &str) -> Vec<(i64, bool)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../migrations")
        .join(backend);
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|f| {
            f.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "sql")
        })
        .count();
    assert!(files >= 5, "{}: {files} migrations", dir.display());
    (1..=i64::try_from(files).unwrap())
        .map(|v| (v, true))
        .collect()
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

// --- the resident roll, adapter by adapter ------------------------------------------

/// A roll big enough for a query plan to matter, in two elections.
async fn planned_rolls(store: &dyn Store) -> (Election, Election) {
    let big = store
        .create_election(&election("big", &[("member", 5)]), at(0))
        .await
        .unwrap();
    let small = store
        .create_election(&election("small", &[("member", 5)]), at(0))
        .await
        .unwrap();
    let roll: Vec<NewResident> = (0..3_000_u32)
        .map(|i| {
            in_group(
                person(i + 2, &format!("1101011990{i:07}X"), &format!("名{i}")),
                &format!("{}组", i % 10),
                &format!("{:04}", i / 4),
            )
        })
        .collect();
    assert_eq!(
        store.replace_roll(big.id, &roll, at(1)).await.unwrap(),
        RollOutcome::Imported {
            residents: 3_000,
            voters: 3_000
        }
    );
    // Other people (the same round: no one may be on both).
    let others: Vec<NewResident> = roll[..10]
        .iter()
        .map(|r| NewResident {
            resident_id: r.resident_id.replacen("11", "22", 1),
            ..r.clone()
        })
        .collect();
    assert_eq!(
        store.replace_roll(small.id, &others, at(1)).await.unwrap(),
        RollOutcome::Imported {
            residents: 10,
            voters: 10
        }
    );
    (big, small)
}

#[tokio::test]
async fn sqlite_roll_queries_use_the_indexes() {
    let (_dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let (big, _) = planned_rolls(&store).await;
    let roll: i64 = sqlx::query_scalar("SELECT roll FROM rolls WHERE election_id = ?")
        .bind(big.id.to_string())
        .fetch_one(store.pool())
        .await
        .unwrap();
    // Both import paths leave every index in place.
    let indexes: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'residents' \
         AND name NOT LIKE 'sqlite_autoindex%' ORDER BY name",
    )
    .fetch_all(store.pool())
    .await
    .unwrap();
    assert_eq!(
        indexes,
        [
            "residents_by_name",
            "residents_in_order",
            "residents_resident_id_unique"
        ]
    );
    let plan = |sql: &'static str| {
        let pool = store.pool().clone();
        async move {
            let rows: Vec<(i64, i64, i64, String)> =
                sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .bind(roll)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
            rows.into_iter()
                .map(|r| r.3)
                .collect::<Vec<_>>()
                .join(" | ")
        }
    };
    let cols = "SELECT id, name FROM residents";
    let order = "ORDER BY group_name, household, name, file_row LIMIT 50";
    for (sql, expected) in [
        (
            format!("{cols} WHERE roll = ? AND name >= '名123' AND name < '名124' {order}"),
            "SEARCH residents USING INDEX residents_by_name (roll=? AND name>? AND name<?)",
        ),
        (
            "SELECT count(*) FROM residents WHERE roll = ? AND name >= '名123' AND name < '名124'"
                .to_owned(),
            "SEARCH residents USING COVERING INDEX residents_by_name (roll=? AND name>? AND name<?)",
        ),
        (
            format!("{cols} WHERE +roll = ? AND resident_id = '11010119900000001X' {order}"),
            "SEARCH residents USING INDEX residents_resident_id_unique (resident_id=?)",
        ),
        (
            format!(
                "{cols} WHERE +roll = ? AND resident_id >= '110101199000001' \
                 AND resident_id < '110101199000002' {order}"
            ),
            "SEARCH residents USING INDEX residents_resident_id_unique (resident_id>? AND resident_id<?)",
        ),
        (
            format!("{cols} WHERE roll = ? AND group_name = '3组' AND exclusion IS NULL {order}"),
            "SEARCH residents USING INDEX residents_in_order (roll=? AND group_name=?)",
        ),
        (
            format!("{cols} WHERE roll = ? {order}"),
            "SEARCH residents USING INDEX residents_in_order (roll=?)",
        ),
        (
            "SELECT group_name, count(*) FROM residents WHERE roll = ? GROUP BY group_name"
                .to_owned(),
            "SEARCH residents USING COVERING INDEX residents_in_order (roll=?)",
        ),
    ] {
        let sql: &'static str = Box::leak(sql.into_boxed_str());
        let got = plan(sql).await;
        assert!(got.starts_with(expected), "{sql}\n  plan: {got}");
    }
}

#[tokio::test]
async fn postgres_roll_queries_use_the_partition_indexes() {
    let url = fresh_database().await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let (big, small) = planned_rolls(&store).await;
    // One partition per election, named in `rolls`; replacing a roll drops
    // the previous partition.
    let partitions = |pool: sqlx::PgPool| async move {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT c.relname::text FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid \
             WHERE i.inhparent = 'residents'::regclass ORDER BY 1",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        names
    };
    assert_eq!(partitions(store.pool().clone()).await.len(), 2);
    store
        .replace_roll(small.id, &[person(2, &rid(1, '1'), "甲")], at(2))
        .await
        .unwrap();
    let names = partitions(store.pool().clone()).await;
    assert_eq!(names.len(), 2);
    let recorded: Vec<String> =
        sqlx::query_scalar("SELECT partition FROM rolls ORDER BY partition")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(names, recorded);
    let tables: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM pg_tables \
             WHERE tablename LIKE 'roll\\_%' AND tablename <> 'roll_changes'",
    )
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(tables, 2, "the replaced partition is dropped");

    // With sequential scans off, a plan that still scans means no index
    // fits: the prefix ranges work with the "C" collation, and the planner
    // prunes to the election's partition.
    let mut conn = store.pool().acquire().await.unwrap();
    sqlx::query("SET enable_seqscan = off")
        .execute(&mut *conn)
        .await
        .unwrap();
    let partition: String =
        sqlx::query_scalar("SELECT partition FROM rolls WHERE election_id = $1")
            .bind(big.id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let cols = "SELECT id, name FROM residents";
    let order = "ORDER BY group_name, household, name, file_row LIMIT 50";
    for (filter, index) in [
        ("name >= '名123' AND name < '名124'", "_name"),
        ("resident_id = '11010119900000001X'", "_resident_id"),
        (
            "resident_id >= '110101199000001' AND resident_id < '110101199000002'",
            "_resident_id",
        ),
        ("group_name = '3组'", "_order"),
        ("true", "_order"),
    ] {
        for (sql, index) in [
            (
                format!("{cols} WHERE election_id = $1 AND {filter} {order}"),
                index,
            ),
            // Counting everyone may take any index.
            (
                format!("SELECT count(*) FROM residents WHERE election_id = $1 AND {filter}"),
                if filter == "true" { "" } else { index },
            ),
        ] {
            let lines: Vec<String> = sqlx::query_scalar(&format!("EXPLAIN {sql}"))
                .bind(big.id)
                .fetch_all(&mut *conn)
                .await
                .unwrap();
            let plan = lines.join("\n");
            assert!(
                plan.contains(&format!("{partition}{index}")),
                "{sql}\n{plan}"
            );
            assert!(!plan.contains("Seq Scan"), "{sql}\n{plan}");
            let other_partitions = names.iter().filter(|n| **n != partition);
            for other in other_partitions {
                assert!(!plan.contains(other.as_str()), "not pruned: {sql}\n{plan}");
            }
        }
    }
}

/// Deleting an election (raw SQL: the store has no such method yet) takes
/// its roll with it.
async fn election_delete_cascades_to_the_roll(
    store: &dyn Store,
    delete: impl std::future::Future<Output = ()>,
    e: Uuid,
    kept: Uuid,
) {
    delete.await;
    assert_eq!(store.roll_summary(e).await.unwrap().imported_at, None);
    assert_eq!(
        store
            .search_residents(e, &ResidentQuery::default())
            .await
            .unwrap()
            .total,
        0
    );
    assert_eq!(store.roll_summary(kept).await.unwrap().residents, 6);
}

#[tokio::test]
async fn sqlite_deleting_an_election_deletes_its_roll() {
    let (_dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    let kept = store
        .create_election(&election("K", &[("member", 5)]), at(0))
        .await
        .unwrap();
    store
        .replace_roll(e.id, &small_roll(), at(1))
        .await
        .unwrap();
    store
        .replace_roll(kept.id, &small_roll()[..0], at(1))
        .await
        .unwrap();
    store
        .replace_roll(
            kept.id,
            &small_roll()
                .into_iter()
                .map(|mut r| {
                    r.resident_id = r.resident_id.replace("110101", "220202");
                    r
                })
                .collect::<Vec<_>>(),
            at(1),
        )
        .await
        .unwrap();
    let pool = store.pool().clone();
    let delete = async move {
        sqlx::query("DELETE FROM elections WHERE id = ?")
            .bind(e.id.to_string())
            .execute(&pool)
            .await
            .unwrap();
    };
    election_delete_cascades_to_the_roll(&store, delete, e.id, kept.id).await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM residents")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(left, 6);
}

#[tokio::test]
async fn postgres_deleting_an_election_deletes_its_roll() {
    let url = fresh_database().await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let e = store
        .create_election(&election("E", &[("member", 5)]), at(0))
        .await
        .unwrap();
    let kept = store
        .create_election(&election("K", &[("member", 5)]), at(0))
        .await
        .unwrap();
    store
        .replace_roll(e.id, &small_roll(), at(1))
        .await
        .unwrap();
    store
        .replace_roll(
            kept.id,
            &small_roll()
                .into_iter()
                .map(|mut r| {
                    r.resident_id = r.resident_id.replace("110101", "220202");
                    r
                })
                .collect::<Vec<_>>(),
            at(1),
        )
        .await
        .unwrap();
    let pool = store.pool().clone();
    let delete = async move {
        sqlx::query("DELETE FROM elections WHERE id = $1")
            .bind(e.id)
            .execute(&pool)
            .await
            .unwrap();
    };
    election_delete_cascades_to_the_roll(&store, delete, e.id, kept.id).await;
    let left: i64 = sqlx::query_scalar("SELECT count(*) FROM residents")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(left, 6);
}
