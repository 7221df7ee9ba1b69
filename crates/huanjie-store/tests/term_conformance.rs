//! The storage conformance suite for the term (issue 7, item 5): recall
//! requests, resignations and by-elections numbered per term, steps taken
//! only from the state they expect (two racing steps: one wins), and the
//! vote that holds an event created and linked in one transaction.
//! Every scenario runs on a fresh SQLite file and on a brand-new
//! PostgreSQL database, as in `conformance.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_store::{
    BodyKind, NewElection, NewRound, NewStation, NewTermEvent, PositionSeats, Store, StoreError,
    TermStep,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 12, 7, 0, 0).single().unwrap() + Duration::minutes(minutes)
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
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let (_dir, store) = super::sqlite_leg().await;
                    super::$scenario(store).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let store = super::postgres_leg().await;
                    super::$scenario(store).await;
                }
            )*
        }
    };
}

conformance!(
    events_are_numbered_per_term_and_step_forward_only,
    racing_steps_one_wins,
    a_vote_is_created_and_linked_together,
    rounds_and_term_votes_number_on,
);

async fn term(store: &dyn Store) -> Uuid {
    let e = store
        .create_election(
            &NewElection {
                body_kind: BodyKind::ResidentsCommittee,
                title: "幸福社区第七届居民委员会选举".to_owned(),
                profile: "county-2006".to_owned(),
                election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
                seats: vec![PositionSeats {
                    position: "member".to_owned(),
                    seats: 4,
                }],
            },
            at(-600),
        )
        .await
        .unwrap()
        .id;
    store
        .add_station(
            e,
            &NewStation {
                code: "S1".to_owned(),
                name: "中心投票站".to_owned(),
                kind: huanjie_core::polling::StationKind::Central,
                place: "社区服务中心".to_owned(),
                serves: String::new(),
                approval: None,
            },
            &huanjie_core::profile::Profile::builtin("county-2006")
                .unwrap()
                .polling,
            false,
            at(-500),
        )
        .await
        .unwrap();
    e
}

fn recall(member: &str) -> NewTermEvent {
    NewTermEvent {
        kind: "recall".to_owned(),
        position: "member".to_owned(),
        member: member.to_owned(),
        request: r#"{"reasons":"长期不履行职责","signatures":300}"#.to_owned(),
        state: "requested".to_owned(),
    }
}

fn step(expect: &str, state: &str) -> TermStep {
    TermStep {
        expect: expect.to_owned(),
        state: state.to_owned(),
        answer: None,
        outcome: None,
    }
}

fn vote(purpose: &str) -> NewRound {
    NewRound {
        kind: "general".to_owned(),
        title: "罢免表决".to_owned(),
        election_day: NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
        seats: vec![PositionSeats {
            position: "member".to_owned(),
            seats: 1,
        }],
        contests:
            r#"[{"position":"member","seats":1,"candidates":[{"name":"王芳","gender":"F"}]}]"#
                .to_owned(),
        purpose: purpose.to_owned(),
    }
}

async fn events_are_numbered_per_term_and_step_forward_only(store: Arc<dyn Store>) {
    let a = term(&*store).await;
    let b = term(&*store).await;
    let first = store
        .add_term_event(a, &recall("王芳"), "chair", at(0))
        .await
        .unwrap();
    let second = store
        .add_term_event(a, &recall("李强"), "chair", at(1))
        .await
        .unwrap();
    let other = store
        .add_term_event(b, &recall("赵敏"), "chair", at(2))
        .await
        .unwrap();
    assert_eq!((first.number, second.number, other.number), (1, 2, 1));
    assert_eq!(first.state, "requested");
    assert_eq!(first.created_at, at(0));
    assert!(first.answer.is_none() && first.vote_id.is_none());

    let answered = TermStep {
        answer: Some(r#"{"text":"我已尽职"}"#.to_owned()),
        ..step("requested", "requested")
    };
    let e = store
        .step_term_event(a, 1, &answered, "王芳", at(5))
        .await
        .unwrap();
    assert_eq!(e.answer.as_deref(), Some(r#"{"text":"我已尽职"}"#));
    assert_eq!((e.updated_by.as_str(), e.updated_at), ("王芳", at(5)));
    // A later step keeps the answer; a step from the wrong state changes
    // nothing.
    let e = store
        .step_term_event(a, 1, &step("requested", "void"), "chair", at(6))
        .await
        .unwrap();
    assert_eq!(e.answer.as_deref(), Some(r#"{"text":"我已尽职"}"#));
    let refused = store
        .step_term_event(a, 1, &step("requested", "recalled"), "chair", at(7))
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert!(matches!(
        store
            .step_term_event(a, 9, &step("requested", "void"), "chair", at(7))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let listed = store.term_events(a).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0].state, "void");
    assert_eq!(listed[1].member, "李强");
    assert_eq!(store.term_events(b).await.unwrap(), vec![other]);
    // A state the schema does not know is refused by the database.
    assert!(store
        .step_term_event(a, 2, &step("requested", "banished"), "chair", at(8))
        .await
        .is_err());
    assert_eq!(store.term_events(a).await.unwrap()[1].state, "requested");
}

async fn racing_steps_one_wins(store: Arc<dyn Store>) {
    let a = term(&*store).await;
    store
        .add_term_event(a, &recall("王芳"), "chair", at(0))
        .await
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .step_term_event(a, 1, &step("requested", "void"), &format!("m{i}"), at(1))
                .await
        }));
    }
    let mut won = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => won += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(won, 1);
}

async fn a_vote_is_created_and_linked_together(store: Arc<dyn Store>) {
    let a = term(&*store).await;
    store
        .add_term_event(a, &recall("王芳"), "chair", at(0))
        .await
        .unwrap();
    let (event, election) = store
        .start_term_vote(
            a,
            1,
            &vote("recall"),
            &step("requested", "voting"),
            "chair",
            at(1),
        )
        .await
        .unwrap();
    assert_eq!(event.state, "voting");
    assert_eq!(event.vote_id, Some(election.id));
    let round = election.round.clone().unwrap();
    assert_eq!(
        (round.parent, round.kind.as_str(), round.purpose.as_str()),
        (a, "general", "recall")
    );
    assert_eq!(store.list_stations(election.id).await.unwrap().len(), 1);
    assert_eq!(
        store.get_election(election.id).await.unwrap(),
        Some(election)
    );
    // From the wrong state: no vote is left behind.
    let before = store.list_elections().await.unwrap().len();
    let refused = store
        .start_term_vote(
            a,
            1,
            &vote("recall"),
            &step("requested", "voting"),
            "chair",
            at(2),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Conflict(_))),
        "{refused:?}"
    );
    assert_eq!(store.list_elections().await.unwrap().len(), before);
}

async fn rounds_and_term_votes_number_on(store: Arc<dyn Store>) {
    let a = term(&*store).await;
    let mut further = vote("round");
    further.kind = "further".to_owned();
    let r2 = store.create_round(a, &further, at(1)).await.unwrap();
    store
        .add_term_event(a, &recall("王芳"), "chair", at(2))
        .await
        .unwrap();
    let (_, r3) = store
        .start_term_vote(
            a,
            1,
            &vote("recall"),
            &step("requested", "voting"),
            "chair",
            at(3),
        )
        .await
        .unwrap();
    let numbers = (r2.round.unwrap().number, r3.round.unwrap().number);
    assert_eq!(numbers, (2, 3));
}
