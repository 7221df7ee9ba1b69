//! The storage conformance suite for nomination (R-BODY-1/2/5, R-NOM-1..6,
//! R-POLL-2, and R-POLL-4's "a candidate cannot be a proxy").
//!
//! As in `conformance.rs`, every scenario is written once, as
//! `async fn(Arc<dyn Store>)`, and the `conformance!` macro runs it on a
//! fresh SQLite file and on a brand-new PostgreSQL database (the
//! PostgreSQL leg fails, never skips, when no server can be had).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_core::registration::proxy::ProxyRefusal;
use huanjie_core::Profile;
use huanjie_store::{
    Arrangements, BallotKey, BodyKind, CandidateStatus, CommitteeRole, Named, NewBatch,
    NewCommitteeMember, NewElection, NewFormalList, NewNomination, NewProxy, NewPublication,
    NewResident, NewStaff, NominationKind, NominationStateError, PositionSeats, PreliminaryVote,
    ProxyOutcome, PublishOutcome, RegistrationPlace, Relation, RelationKind, ResidentQuery,
    RollOutcome, SeatPlan, StaffRole, StateError, Store, StoreError, VoidReason, Withdrawal,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

// --- helpers ---------------------------------------------------------------

fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap() + Duration::minutes(minutes)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn seats(list: &[(&str, u32)]) -> Vec<PositionSeats> {
    list.iter()
        .map(|(p, n)| PositionSeats {
            position: (*p).to_owned(),
            seats: *n,
        })
        .collect()
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
    households_and_the_seat_plan,
    nominations_follow_r_nom_2,
    fixing_the_formal_list_takes_candidates_off_the_committee,
    withdrawals_bring_in_the_replacement,
    counting_staff_refuses_candidates,
    a_candidate_cannot_be_a_proxy,
    arrangements_round_trip,
    relations_are_recorded_once_per_pair,
    recusals_are_recorded_once_per_office,
    a_boards_size_is_kept_until_the_formal_list,
    ballot_keys_batches_and_serials,
);

/// A voter of the roll: `n` numbers the ID, the name, the row.
fn voter(n: u32, name: &str, group: &str, household: &str) -> NewResident {
    NewResident {
        row: n + 1,
        resident_id: format!("1101011990030{:04}{}", n, n % 10),
        name: name.to_owned(),
        gender: if n % 2 == 0 { "F" } else { "M" }.to_owned(),
        group: group.to_owned(),
        household: household.to_owned(),
        address: format!("幸福路{n}号"),
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

/// Sixteen voters in three groups, eight households (household 101
/// appears in two groups: two households).
fn roll() -> Vec<NewResident> {
    let names = [
        "丁一", "万二", "于三", "卫四", "马五", "王六", "司七", "田八", "白九", "刘十", "吴甲",
        "张乙", "李丙", "杨丁", "周戊", "陈己",
    ];
    names
        .iter()
        .zip(0u32..)
        .map(|(name, n)| {
            let group = ["第1组", "第2组", "第3组"][(n % 3) as usize];
            let household = format!("{}", 101 + (n / 3) % 3);
            voter(n, name, group, &household)
        })
        .collect()
}

/// An election with the roll imported; published when asked.
async fn election(store: &dyn Store, published: bool) -> (Uuid, HashMap<String, Uuid>) {
    let e = store
        .create_election(
            &NewElection {
                body_kind: BodyKind::ResidentsCommittee,
                title: "幸福社区第七届居民委员会选举".to_owned(),
                profile: "county-2006".to_owned(),
                // Unpublished ones on another day: not in the same round
                // (R-REG-3) as the published one a scenario may also make.
                election_day: if published { day(4, 12) } else { day(4, 19) },
                seats: seats(&[("director", 1), ("deputy", 1), ("member", 3)]),
            },
            at(0),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.replace_roll(e.id, &roll(), at(1)).await.unwrap(),
        RollOutcome::Imported { .. }
    ));
    if published {
        let rules = Profile::by_id("county-2006").unwrap().registration;
        let outcome = store
            .publish_roll(
                e.id,
                &rules,
                &NewPublication {
                    published_on: day(3, 1),
                    published_by: "committee".to_owned(),
                    late_days: None,
                },
                at(2),
            )
            .await
            .unwrap();
        assert!(matches!(outcome, PublishOutcome::Published(_)));
    }
    let page = store
        .search_residents(
            e.id,
            &ResidentQuery {
                limit: 500,
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    let ids = page.residents.into_iter().map(|r| (r.name, r.id)).collect();
    (e.id, ids)
}

fn named(id: Uuid, position: &str) -> Named {
    Named {
        resident: id,
        position: position.to_owned(),
    }
}

fn paper(kind: NominationKind, nominators: Vec<Uuid>, nominees: Vec<Named>) -> NewNomination {
    NewNomination {
        kind,
        nominators,
        nominees,
        nominated_by: String::new(),
        lodged_on: day(3, 20),
        recorded_by: "committee".to_owned(),
        void: None,
    }
}

fn nomination_error(err: StoreError) -> NominationStateError {
    match err {
        StoreError::Nomination(e) => e,
        other => panic!("expected a nomination state error, got {other:?}"),
    }
}

fn formal(candidates: Vec<Named>) -> NewFormalList {
    NewFormalList {
        candidates,
        published_on: day(4, 5),
        late_days: None,
        published_by: "committee".to_owned(),
    }
}

// --- scenarios -------------------------------------------------------------------

async fn households_and_the_seat_plan(store: Arc<dyn Store>) {
    let (e, _) = election(&*store, false).await;
    // Three households numbered 101..103 in each of three groups.
    assert_eq!(store.count_households(e).await.unwrap(), 9);
    assert_eq!(store.count_households(Uuid::new_v4()).await.unwrap(), 0);
    assert_eq!(store.seat_plan(e).await.unwrap(), None);

    let plan = SeatPlan {
        households: 9,
        formula_members: 3,
        seats: seats(&[("director", 1), ("deputy", 2), ("member", 4)]),
        reason: "R-BODY-1: 社区规模较大".to_owned(),
        decided_by: "committee".to_owned(),
        decided_at: None,
    };
    let stored = store.set_seat_plan(e, &plan, at(5)).await.unwrap();
    assert_eq!(stored.decided_at, Some(at(5)));
    assert_eq!(store.seat_plan(e).await.unwrap(), Some(stored));
    let election = store.get_election(e).await.unwrap().unwrap();
    assert_eq!(election.seats, plan.seats);

    // A repeated position is refused and nothing changes.
    let bad = SeatPlan {
        seats: seats(&[("member", 3), ("member", 2)]),
        ..plan.clone()
    };
    let err = store.set_seat_plan(e, &bad, at(6)).await.unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("position")
    );
    assert_eq!(
        store.get_election(e).await.unwrap().unwrap().seats,
        plan.seats
    );

    let err = store
        .set_seat_plan(Uuid::new_v4(), &plan, at(6))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

async fn nominations_follow_r_nom_2(store: Arc<dyn Store>) {
    // Before publication nobody is a registered voter yet.
    let (early, ids) = election(&*store, false).await;
    let err = store
        .record_nomination(
            early,
            &paper(
                NominationKind::SelfNomination,
                vec![ids["丁一"]],
                vec![named(ids["丁一"], "member")],
            ),
            at(3),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::State(StateError::NotPublished)),
        "{err:?}"
    );

    let (e, ids) = election(&*store, true).await;
    let signers: Vec<Uuid> = ["丁一", "万二", "于三"].iter().map(|n| ids[*n]).collect();
    let first = store
        .record_nomination(
            e,
            &paper(
                NominationKind::JointGroupRepresentatives,
                signers.clone(),
                vec![named(ids["王六"], "director"), named(ids["司七"], "member")],
            ),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!(first.number, 1);
    assert_eq!(first.nominators, signers);

    // R-NOM-2: 万二 signed paper 1 and cannot sign another; nothing written.
    let err = store
        .record_nomination(
            e,
            &paper(
                NominationKind::JointGroupRepresentatives,
                vec![ids["卫四"], ids["万二"], ids["马五"]],
                vec![named(ids["田八"], "member")],
            ),
            at(4),
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::AlreadyNominated {
            resident: ids["万二"],
            number: 1
        }
    );
    assert_eq!(store.list_nominations(e).await.unwrap().len(), 1);

    // A void paper (one person for two positions) is kept, names nobody and
    // spends nobody's nomination.
    let mut void = paper(
        NominationKind::JointGroupRepresentatives,
        vec![ids["卫四"], ids["马五"], ids["白九"]],
        vec![named(ids["田八"], "member"), named(ids["田八"], "deputy")],
    );
    void.void = Some(VoidReason {
        rule: "R-NOM-2".to_owned(),
        code: "same_person_two_positions".to_owned(),
    });
    let second = store.record_nomination(e, &void, at(5)).await.unwrap();
    assert_eq!(second.number, 2);
    assert!(second.nominees.is_empty());
    let third = store
        .record_nomination(
            e,
            &paper(
                NominationKind::JointGroupRepresentatives,
                vec![ids["卫四"], ids["马五"], ids["白九"]],
                vec![named(ids["田八"], "member")],
            ),
            at(6),
        )
        .await
        .unwrap();
    assert_eq!(third.number, 3);

    // An unknown position, and somebody not on this roll.
    let err = store
        .record_nomination(
            e,
            &paper(
                NominationKind::SelfNomination,
                vec![ids["刘十"]],
                vec![named(ids["刘十"], "chair")],
            ),
            at(7),
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::UnknownPosition("chair".to_owned())
    );
    let stranger = Uuid::new_v4();
    let err = store
        .record_nomination(
            e,
            &paper(
                NominationKind::SelfNomination,
                vec![stranger],
                vec![named(stranger, "member")],
            ),
            at(7),
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::NotOnRoll(stranger)
    );

    let listed = store.list_nominations(e).await.unwrap();
    assert_eq!(
        listed.iter().map(|n| n.number).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    assert_eq!(listed[0], first);
    assert_eq!(listed[1].void, second.void);
    assert_eq!(listed[2].nominees, vec![named(ids["田八"], "member")]);
    assert_eq!(listed[1].nominators.len(), 3);
}

async fn fixing_the_formal_list_takes_candidates_off_the_committee(store: Arc<dyn Store>) {
    let (e, ids) = election(&*store, true).await;
    let chair = store
        .add_committee_member(
            e,
            &NewCommitteeMember {
                name: "王六".to_owned(),
                gender: "F".to_owned(),
                role: CommitteeRole::Chair,
                resident: Some(ids["王六"]),
            },
            at(3),
        )
        .await
        .unwrap();
    let outsider = store
        .add_committee_member(
            e,
            &NewCommitteeMember {
                name: "街道干部".to_owned(),
                gender: "M".to_owned(),
                role: CommitteeRole::Member,
                resident: None,
            },
            at(4),
        )
        .await
        .unwrap();
    let votes = vec![
        PreliminaryVote {
            resident: ids["王六"],
            position: "director".to_owned(),
            votes: 40,
        },
        PreliminaryVote {
            resident: ids["司七"],
            position: "director".to_owned(),
            votes: 31,
        },
    ];
    store.record_preliminary_votes(e, &votes).await.unwrap();
    assert_eq!(store.preliminary_votes(e).await.unwrap(), votes);

    assert_eq!(store.formal_list(e).await.unwrap(), None);
    let outcome = store
        .fix_formal_list(
            e,
            &formal(vec![
                named(ids["王六"], "director"),
                named(ids["司七"], "director"),
                named(ids["田八"], "member"),
            ]),
            at(10),
        )
        .await
        .unwrap();
    // R-BODY-5: the chair became a candidate and left; the outsider stays.
    assert_eq!(outcome.left_committee.len(), 1);
    assert_eq!(outcome.left_committee[0].id, chair.id);
    assert_eq!(
        outcome.left_committee[0].left_reason.as_deref(),
        Some("formal_candidate")
    );
    let members = store.list_committee_members(e).await.unwrap();
    assert_eq!(members.len(), 2);
    assert_eq!(members[1], outsider);
    assert_eq!(members[0].left_at, Some(at(10)));

    let list = store.formal_list(e).await.unwrap().unwrap();
    assert_eq!(list, outcome.list);
    assert_eq!(list.published_on, day(4, 5));
    assert_eq!(
        list.candidates
            .iter()
            .map(|c| (c.name.as_str(), c.position.as_str(), c.status))
            .collect::<Vec<_>>(),
        vec![
            ("王六", "director", CandidateStatus::Formal),
            ("司七", "director", CandidateStatus::Formal),
            ("田八", "member", CandidateStatus::Formal),
        ]
    );

    // Fixed once: no second list, no more papers, votes or seat changes.
    let again = store
        .fix_formal_list(e, &formal(vec![named(ids["刘十"], "member")]), at(11))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(again),
        NominationStateError::FormalListPublished
    );
    let late = store
        .record_nomination(
            e,
            &paper(
                NominationKind::SelfNomination,
                vec![ids["刘十"]],
                vec![named(ids["刘十"], "member")],
            ),
            at(11),
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(late),
        NominationStateError::FormalListPublished
    );
    let err = store.record_preliminary_votes(e, &[]).await.unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::FormalListPublished
    );
    let plan = SeatPlan {
        households: 9,
        formula_members: 3,
        seats: seats(&[("member", 3)]),
        reason: String::new(),
        decided_by: "committee".to_owned(),
        decided_at: None,
    };
    let err = store.set_seat_plan(e, &plan, at(12)).await.unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::FormalListPublished
    );
    assert_eq!(store.formal_list(e).await.unwrap().unwrap(), list);
}

async fn withdrawals_bring_in_the_replacement(store: Arc<dyn Store>) {
    let (e, ids) = election(&*store, true).await;
    let withdrawal = Withdrawal {
        resident: ids["田八"],
        position: "member".to_owned(),
        on: day(4, 8),
        reason: "本人书面申请".to_owned(),
        replacement: Some(ids["白九"]),
        by: "committee".to_owned(),
    };
    let err = store
        .withdraw_candidate(e, &withdrawal, at(20))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::FormalListNotPublished
    );

    store
        .fix_formal_list(
            e,
            &formal(vec![
                named(ids["田八"], "member"),
                named(ids["刘十"], "member"),
            ]),
            at(10),
        )
        .await
        .unwrap();
    let list = store
        .withdraw_candidate(e, &withdrawal, at(20))
        .await
        .unwrap();
    let rows: Vec<_> = list
        .candidates
        .iter()
        .map(|c| (c.name.as_str(), c.status, c.replaces, c.withdrawn_on))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("田八", CandidateStatus::Withdrawn, None, Some(day(4, 8))),
            ("刘十", CandidateStatus::Formal, None, None),
            ("白九", CandidateStatus::Formal, Some(ids["田八"]), None),
        ]
    );
    assert_eq!(
        list.candidates[0].withdrawal_reason.as_deref(),
        Some("本人书面申请")
    );

    // Not standing any more; and a replacement already on the list.
    let err = store
        .withdraw_candidate(e, &withdrawal, at(21))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::NotACandidate("member".to_owned())
    );
    let err = store
        .withdraw_candidate(
            e,
            &Withdrawal {
                resident: ids["刘十"],
                replacement: Some(ids["白九"]),
                ..withdrawal.clone()
            },
            at(22),
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("replacement")
    );
    // The refused withdrawal wrote nothing: 刘十 still stands.
    let now = store.formal_list(e).await.unwrap().unwrap();
    assert_eq!(now, list);
}

async fn counting_staff_refuses_candidates(store: Arc<dyn Store>) {
    let (e, ids) = election(&*store, true).await;
    store
        .fix_formal_list(e, &formal(vec![named(ids["田八"], "member")]), at(10))
        .await
        .unwrap();
    let staff = |name: &str, role| NewStaff {
        resident: ids[name],
        role,
        station: "中心投票站".to_owned(),
        appointed_by: "committee".to_owned(),
    };
    let err = store
        .appoint_staff(e, &staff("田八", StaffRole::Scrutineer), at(11))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::CandidateAsStaff
    );
    let one = store
        .appoint_staff(e, &staff("周戊", StaffRole::Scrutineer), at(12))
        .await
        .unwrap();
    assert_eq!(
        (one.name.as_str(), one.role),
        ("周戊", StaffRole::Scrutineer)
    );
    let err = store
        .appoint_staff(e, &staff("周戊", StaffRole::Scrutineer), at(13))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("counting staff")
    );
    let two = store
        .appoint_staff(e, &staff("陈己", StaffRole::Caller), at(14))
        .await
        .unwrap();
    assert_eq!(store.list_staff(e).await.unwrap(), vec![one, two]);
}

async fn a_candidate_cannot_be_a_proxy(store: Arc<dyn Store>) {
    let (e, ids) = election(&*store, true).await;
    let rules = Profile::by_id("county-2006").unwrap().registration;
    let proxy = |grantor: &str, proxy: &str| NewProxy {
        grantor: ids[grantor],
        proxy: ids[proxy],
        lodged_on: day(4, 1),
        document: format!("委托书-{grantor}"),
        approved_by: "committee".to_owned(),
    };
    // Before the formal list, 田八 may hold an authorisation.
    assert!(matches!(
        store
            .register_proxy(e, &rules, &proxy("丁一", "田八"), at(5))
            .await
            .unwrap(),
        ProxyOutcome::Registered(_)
    ));
    store
        .fix_formal_list(e, &formal(vec![named(ids["田八"], "member")]), at(10))
        .await
        .unwrap();
    assert_eq!(
        store
            .register_proxy(e, &rules, &proxy("万二", "田八"), at(11))
            .await
            .unwrap(),
        ProxyOutcome::Refused(ProxyRefusal::ProxyIsCandidate)
    );
}

async fn arrangements_round_trip(store: Arc<dyn Store>) {
    let (e, _) = election(&*store, false).await;
    assert_eq!(
        store.arrangements(e).await.unwrap(),
        Arrangements::default()
    );
    let first = Arrangements {
        polls_open: chrono::NaiveTime::from_hms_opt(8, 0, 0),
        polls_close: chrono::NaiveTime::from_hms_opt(17, 30, 0),
        registration_from: Some(day(3, 1)),
        registration_to: Some(day(3, 10)),
        registration_hours: "每日8:30至17:00".to_owned(),
        registration_places: vec![RegistrationPlace {
            place: "社区服务中心一楼".to_owned(),
            serves: "第一、二居民小组".to_owned(),
        }],
        committee_formed_by: "经社区居民代表会议推选".to_owned(),
        staff_approved_by: String::new(),
        count_venue: "社区服务中心二楼会议室".to_owned(),
    };
    store.set_arrangements(e, &first).await.unwrap();
    assert_eq!(store.arrangements(e).await.unwrap(), first);
    let second = Arrangements {
        registration_places: Vec::new(),
        ..first.clone()
    };
    store.set_arrangements(e, &second).await.unwrap();
    assert_eq!(store.arrangements(e).await.unwrap(), second);
    let err = store
        .set_arrangements(Uuid::new_v4(), &first)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

async fn relations_are_recorded_once_per_pair(store: Arc<dyn Store>) {
    let (early, ids) = election(&*store, false).await;
    let rel = |a: &str, b: &str, kind| Relation {
        a: ids[a],
        b: ids[b],
        kind,
        recorded_by: "committee".to_owned(),
    };
    let err = store
        .record_relation(early, &rel("丁一", "万二", RelationKind::Spouse))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::State(StateError::NotPublished)),
        "{err:?}"
    );

    let (e, ids) = election(&*store, true).await;
    let rel = |a: &str, b: &str, kind| Relation {
        a: ids[a],
        b: ids[b],
        kind,
        recorded_by: "committee".to_owned(),
    };
    let spouses = rel("丁一", "万二", RelationKind::Spouse);
    store.record_relation(e, &spouses).await.unwrap();
    // The same pair the other way round is the same relation.
    let err = store
        .record_relation(e, &rel("万二", "丁一", RelationKind::CloseRelative))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("relation")
    );
    let err = store
        .record_relation(e, &rel("丁一", "丁一", RelationKind::Spouse))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::State(StateError::Empty(_))),
        "{err:?}"
    );
    let stranger = Uuid::new_v4();
    let err = store
        .record_relation(
            e,
            &Relation {
                b: stranger,
                ..spouses.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::NotOnRoll(stranger)
    );
    store
        .record_relation(e, &rel("田八", "于三", RelationKind::CloseRelative))
        .await
        .unwrap();
    let mut expected = vec![
        spouses.ordered(),
        rel("于三", "田八", RelationKind::CloseRelative).ordered(),
    ];
    expected.sort_by_key(|r| (r.a, r.b));
    assert_eq!(store.list_relations(e).await.unwrap(), expected);
}

async fn recusals_are_recorded_once_per_office(store: Arc<dyn Store>) {
    let at = |m: i64| {
        chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 3, 1, 8, 0, 0).unwrap()
            + chrono::Duration::minutes(m)
    };
    let recusal = |resident: Uuid, office: &str, m: i64| huanjie_store::Recusal {
        resident,
        office: office.to_owned(),
        recorded_by: "committee".to_owned(),
        recorded_at: at(m),
    };
    let (early, ids) = election(&*store, false).await;
    let err = store
        .record_recusal(early, &recusal(ids["丁一"], "finance_staff", 0))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::State(StateError::NotPublished)),
        "{err:?}"
    );
    let (e, ids) = election(&*store, true).await;
    let first = recusal(ids["丁一"], "finance_staff", 0);
    store.record_recusal(e, &first).await.unwrap();
    let err = store
        .record_recusal(e, &recusal(ids["丁一"], "finance_staff", 1))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("recusal")
    );
    // A second office of the same person is its own record.
    let second = recusal(ids["丁一"], "party_organisation", 2);
    store.record_recusal(e, &second).await.unwrap();
    let stranger = Uuid::new_v4();
    let err = store
        .record_recusal(e, &recusal(stranger, "residents_committee", 3))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::NotOnRoll(stranger)
    );
    // An office the schema does not know is refused by the database.
    assert!(store
        .record_recusal(e, &recusal(ids["万二"], "treasurer", 4))
        .await
        .is_err());
    // R-BODY-6 (migration 0018): a board's directors and senior managers.
    let director = recusal(ids["万二"], "company_director", 5);
    store.record_recusal(e, &director).await.unwrap();
    assert_eq!(
        store.list_recusals(e).await.unwrap(),
        vec![first, second, director]
    );
    assert!(store.list_recusals(early).await.unwrap().is_empty());
}

async fn a_boards_size_is_kept_until_the_formal_list(store: Arc<dyn Store>) {
    let (e, ids) = election(&*store, true).await;
    let size = |n: u32, m: i64| huanjie_store::BoardSize {
        board_size: n,
        set_by: "committee".to_owned(),
        set_at: at(m),
    };
    assert_eq!(store.board_size(e).await.unwrap(), None);
    store.set_board_size(e, &size(5, 1)).await.unwrap();
    assert_eq!(store.board_size(e).await.unwrap(), Some(size(5, 1)));
    // Replaced, not added.
    store.set_board_size(e, &size(7, 2)).await.unwrap();
    assert_eq!(store.board_size(e).await.unwrap(), Some(size(7, 2)));
    let err = store
        .set_board_size(Uuid::new_v4(), &size(3, 3))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    // The database refuses a size of 0.
    assert!(store.set_board_size(e, &size(0, 3)).await.is_err());
    assert_eq!(store.board_size(e).await.unwrap(), Some(size(7, 2)));
    // The formal list was checked against the size: fixed after it.
    store
        .fix_formal_list(e, &formal(vec![named(ids["田八"], "member")]), at(10))
        .await
        .unwrap();
    let err = store.set_board_size(e, &size(3, 11)).await.unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::FormalListPublished
    );
    assert_eq!(store.board_size(e).await.unwrap(), Some(size(7, 2)));
}

async fn ballot_keys_batches_and_serials(store: Arc<dyn Store>) {
    let (e, _) = election(&*store, false).await;
    // One key per election: the first stored wins, later candidates are
    // ignored, so two first printings agree.
    assert_eq!(store.find_ballot_key(e).await.unwrap(), None);
    let first = store
        .ballot_key(e, &BallotKey([7; 32]), at(1))
        .await
        .unwrap();
    assert_eq!(first, BallotKey([7; 32]));
    let again = store
        .ballot_key(e, &BallotKey([9; 32]), at(2))
        .await
        .unwrap();
    assert_eq!(again, first);
    assert_eq!(store.find_ballot_key(e).await.unwrap(), Some(first.clone()));
    assert!(!format!("{again:?}").contains('7'), "Debug hides the key");
    let err = store
        .ballot_key(Uuid::new_v4(), &BallotKey([1; 32]), at(2))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    let batch = |number: u16, station: &str, randoms: Vec<[u8; 8]>| NewBatch {
        number,
        station: station.to_owned(),
        style: 1,
        randoms,
        serials_sha256: "ab".repeat(32),
        reprint_of: None,
        printed_by: "committee".to_owned(),
    };
    let one = store
        .record_batch(
            e,
            &batch(1, "中心投票站", vec![[3; 8], [1; 8], [2; 8]]),
            at(3),
        )
        .await
        .unwrap();
    assert_eq!((one.number, one.count, one.voided), (1, 3, 0));
    let two = store
        .record_batch(e, &batch(2, "流动票箱一", vec![[4; 8]]), at(4))
        .await
        .unwrap();
    assert_eq!(two.number, 2);
    // A number taken, or a random part printed before: refused, nothing
    // written.
    let err = store
        .record_batch(e, &batch(2, "中心投票站", vec![[6; 8]]), at(5))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    let err = store
        .record_batch(e, &batch(3, "中心投票站", vec![[5; 8], [2; 8]]), at(5))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    assert_eq!(store.printed_serial(e, [5; 8]).await.unwrap(), None);
    let err = store
        .record_batch(e, &batch(3, "中心投票站", Vec::new()), at(5))
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::State(StateError::Empty(_))),
        "{err:?}"
    );
    assert_eq!(store.list_batches(e).await.unwrap(), vec![one.clone(), two]);
    assert_eq!(
        store.batch_randoms(e, one.id).await.unwrap(),
        vec![[1; 8], [2; 8], [3; 8]],
        "in byte order"
    );
    assert_eq!(store.printed_serial(e, [6; 8]).await.unwrap(), None);

    let printed = store.printed_serial(e, [2; 8]).await.unwrap().unwrap();
    assert_eq!(
        (printed.batch_number, printed.station.as_str()),
        (1, "中心投票站")
    );
    assert_eq!(printed.voided_at, None);
    let voided = store
        .void_serial(e, [2; 8], "印刷污损", at(6))
        .await
        .unwrap();
    assert_eq!(voided.voided_at, Some(at(6)));
    assert_eq!(voided.void_reason.as_deref(), Some("印刷污损"));
    let err = store
        .void_serial(e, [2; 8], "again", at(7))
        .await
        .unwrap_err();
    assert_eq!(
        nomination_error(err),
        NominationStateError::Duplicate("void")
    );
    let err = store
        .void_serial(e, [8; 8], "never printed", at(7))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.list_batches(e).await.unwrap()[0].voided, 1);
}
