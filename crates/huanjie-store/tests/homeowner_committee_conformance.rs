//! The storage conformance suite for electing the homeowners' committee
//! (R-OWN-1, R-BODY-6): a committee election is a group of ordinary
//! matters, one per candidate, with a number of seats; an owner's ballot
//! is stored whole or not at all; no owner ever has more votes for
//! candidates of one committee election than it has seats, whether the
//! votes came as a ballot or one matter at a time. Every scenario runs on
//! a fresh SQLite file and on a brand-new PostgreSQL database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use huanjie_core::homeowners::{Area, Choice, MatterKind, Unit, Vote, VoteMode};
use huanjie_store::{
    BodyKind, CommitteeBallot, NewCommitteeElection, NewElection, PositionSeats, Store, StoreError,
    NO_REGISTER, TOO_MANY_FOR, VOTED_ALREADY,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};

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

/// Six owners of one unit each.
fn estate() -> Vec<Unit> {
    (1..=6)
        .map(|i| Unit {
            unit: format!("1-{i:02}"),
            area: Area(10_000),
            owner: format!("业主{i}"),
            developer_unsold: false,
        })
        .collect()
}

fn committee(title: &str, candidates: usize) -> NewCommitteeElection {
    NewCommitteeElection {
        title: title.to_owned(),
        seats: 5,
        candidates: (1..=candidates).map(|i| format!("候选人{i}")).collect(),
    }
}

fn ballot(owner: u32, fors: &[u32], against: &[u32]) -> CommitteeBallot {
    CommitteeBallot {
        owner,
        mode: VoteMode::Written,
        choices: fors
            .iter()
            .map(|c| (*c, Choice::For))
            .chain(against.iter().map(|c| (*c, Choice::Against)))
            .collect(),
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
    candidates_are_matters_and_no_owner_votes_for_more_than_the_seats,
    unknown_election_committee_candidate_or_owner_is_refused,
);

fn too_many(err: &StoreError, owner: u32) -> bool {
    matches!(err, StoreError::Conflict(m) if *m == format!("{TOO_MANY_FOR} {owner}"))
}

async fn candidates_are_matters_and_no_owner_votes_for_more_than_the_seats(store: Arc<dyn Store>) {
    let e = store.create_election(&election("甲"), at(1)).await.unwrap();
    let err = store
        .add_committee_election(e.id, &committee("第一届业主委员会", 6), "chair", at(2))
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
    // A plain matter first: the candidates' matters number on from it.
    let plain = store
        .add_homeowner_matter(e.id, MatterKind::Ordinary, "管理规约", "chair", at(3))
        .await
        .unwrap();
    assert_eq!(plain.number, 1);
    let first = store
        .add_committee_election(e.id, &committee("第一届业主委员会", 6), "chair", at(3))
        .await
        .unwrap();
    assert_eq!((first.number, first.seats), (1, 5));
    let numbers: Vec<(u32, u32)> = first
        .candidates
        .iter()
        .map(|c| (c.number, c.matter))
        .collect();
    assert_eq!(numbers, [(1, 2), (2, 3), (3, 4), (4, 5), (5, 6), (6, 7)]);
    assert_eq!(first.candidates[5].name, "候选人6");
    let second = store
        .add_committee_election(e.id, &committee("补选", 5), "chair", at(4))
        .await
        .unwrap();
    assert_eq!(second.number, 2);
    assert_eq!(second.candidates[0].matter, 8);
    assert_eq!(
        store.committee_elections(e.id).await.unwrap(),
        [first.clone(), second.clone()]
    );
    let matters = store.homeowner_matters(e.id).await.unwrap();
    assert_eq!(matters.len(), 12);
    assert!(matters.iter().all(|m| m.kind == MatterKind::Ordinary));
    assert_eq!(matters[1].title, "第一届业主委员会：候选人1");

    // Owner 1: five for, one against: the whole ballot is stored.
    let votes = store
        .record_committee_ballot(e.id, 1, &ballot(1, &[1, 2, 3, 4, 5], &[6]), "clerk", at(5))
        .await
        .unwrap();
    assert_eq!(votes.len(), 6);
    assert_eq!(votes[5].matter, 7);
    assert_eq!(votes[5].choice, Choice::Against);
    // Owner 2: six for five seats: refused, nothing stored.
    let err = store
        .record_committee_ballot(
            e.id,
            1,
            &ballot(2, &[1, 2, 3, 4, 5, 6], &[]),
            "clerk",
            at(5),
        )
        .await
        .unwrap_err();
    assert!(too_many(&err, 2), "{err:?}");
    for m in 2..=7 {
        let owners: Vec<u32> = store
            .homeowner_votes(e.id, m)
            .await
            .unwrap()
            .iter()
            .map(|v| v.owner)
            .collect();
        assert_eq!(owners, [1], "matter {m}");
    }
    // Owner 1 again, on any candidate: a second vote.
    let err = store
        .record_committee_ballot(e.id, 1, &ballot(1, &[], &[6]), "clerk", at(6))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Conflict(m) if *m == format!("{VOTED_ALREADY} 1")),
        "{err:?}"
    );
    // One matter at a time, the same limit: owner 3's sixth "for" is
    // refused, an "against" on the sixth candidate is taken.
    let single = |matter: u32, choice: Choice| {
        let store = store.clone();
        async move {
            store
                .record_homeowner_vote(
                    e.id,
                    matter,
                    &Vote {
                        owner: 3,
                        choice,
                        mode: VoteMode::InPerson,
                    },
                    "clerk",
                    at(7),
                )
                .await
        }
    };
    for m in 2..=6 {
        single(m, Choice::For).await.unwrap();
    }
    let err = single(7, Choice::For).await.unwrap_err();
    assert!(too_many(&err, 3), "{err:?}");
    assert!(store
        .homeowner_votes(e.id, 7)
        .await
        .unwrap()
        .iter()
        .all(|v| v.owner != 3));
    single(7, Choice::Against).await.unwrap();
    // Owner 3 may still vote for five of the other committee election's
    // candidates, and for the plain matter: the limit is per election.
    single(1, Choice::For).await.unwrap();
    store
        .record_committee_ballot(e.id, 2, &ballot(3, &[1, 2, 3, 4, 5], &[]), "clerk", at(8))
        .await
        .unwrap();
    // A ballot that would add to votes for already cast is counted with
    // them: owner 4 voted for two singly, a ballot for four more is one
    // too many.
    for m in [2, 3] {
        store
            .record_homeowner_vote(
                e.id,
                m,
                &Vote {
                    owner: 4,
                    choice: Choice::For,
                    mode: VoteMode::Written,
                },
                "clerk",
                at(8),
            )
            .await
            .unwrap();
    }
    let err = store
        .record_committee_ballot(e.id, 1, &ballot(4, &[3, 4, 5, 6], &[]), "clerk", at(9))
        .await
        .unwrap_err();
    // (candidate 3 is matter 4: owner 4 has no vote on it yet)
    assert!(too_many(&err, 4), "{err:?}");
    store
        .record_committee_ballot(e.id, 1, &ballot(4, &[3, 4, 5], &[6]), "clerk", at(9))
        .await
        .unwrap();
}

async fn unknown_election_committee_candidate_or_owner_is_refused(store: Arc<dyn Store>) {
    let e = store.create_election(&election("乙"), at(1)).await.unwrap();
    let err = store
        .add_committee_election(uuid::Uuid::new_v4(), &committee("x", 5), "chair", at(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    store
        .replace_homeowner_register(e.id, &estate(), "chair", at(2))
        .await
        .unwrap();
    store
        .add_committee_election(e.id, &committee("第一届", 5), "chair", at(3))
        .await
        .unwrap();
    for (committee, b) in [
        (2, ballot(1, &[1], &[])),
        (1, ballot(1, &[9], &[])),
        (1, ballot(99, &[1], &[])),
    ] {
        let err = store
            .record_committee_ballot(e.id, committee, &b, "clerk", at(4))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    }
    // A candidate named twice in one committee election is refused whole.
    let mut twice = committee("第二届", 5);
    twice.candidates[4] = "候选人1".into();
    let err = store
        .add_committee_election(e.id, &twice, "chair", at(5))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.committee_elections(e.id).await.unwrap().len(), 1);
    assert_eq!(store.homeowner_matters(e.id).await.unwrap().len(), 5);
}
