//! The storage conformance suite for the rest of voter registration
//! (R-REG-4..6, R-POLL-4): the mode and the tally, publication and its
//! fingerprint, changes, objections, proxies and writing assistants.
//!
//! As in `conformance.rs`, every scenario is written once, as
//! `async fn(Arc<dyn Store>)`, and the `conformance!` macro runs it on a
//! fresh SQLite file and on a brand-new PostgreSQL database (the
//! PostgreSQL leg fails, never skips, when no server can be had).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_core::profile::RegistrationRules;
use huanjie_core::registration::fingerprint::{fingerprint, ListLine};
use huanjie_core::registration::mode::{BaseProblem, GroupTally, Mode, RollTally};
use huanjie_core::registration::proxy::ProxyRefusal;
use huanjie_core::Profile;
use huanjie_store::{
    AmendOutcome, BodyKind, FieldChange, NewAssistant, NewElection, NewObjection, NewProxy,
    NewPublication, NewResident, ObjectionAnswer, ObjectionDecision, ObjectionKind,
    ObjectionStatus, PositionSeats, ProxyOutcome, Publication, PublishOutcome, RegistrationSetup,
    Resident, ResidentEdit, ResidentQuery, RollAmendment, RollChangeKind, RollConflict,
    RollOutcome, StateError, Store, StoreError,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

// --- helpers ---------------------------------------------------------------

/// 2026-03-01 09:00:00 UTC plus `minutes`.
fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap() + Duration::minutes(minutes)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn rules() -> RegistrationRules {
    Profile::by_id("county-2006").unwrap().registration
}

fn election(title: &str) -> NewElection {
    NewElection {
        body_kind: BodyKind::ResidentsCommittee,
        title: title.to_owned(),
        profile: "county-2006".to_owned(),
        election_day: day(4, 12),
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
    setup_defaults_and_is_frozen_by_publication,
    get_resident_is_per_election,
    tally_counts_a_hand_built_roll,
    publish_with_problems_writes_nothing,
    publish_fingerprints_the_voter_list_and_freezes_the_roll,
    amendments_are_recorded_and_refingerprinted,
    amendments_refused_write_nothing,
    amend_add_conflicting_in_the_round_writes_nothing,
    objections_lodge_decide_answer,
    upheld_objection_refused_by_r_reg_3_stays_lodged,
    proxies_follow_r_poll_4,
    concurrent_proxies_cannot_pass_the_cap,
    assistants_only_for_voters,
    the_documented_example_publishes_with_the_documented_fingerprint,
);

/// An 18-character resident ID: `n` in the sequence digits, `last` the
/// check character.
fn rid(n: u32, last: char) -> String {
    format!("11010119900307{:03}{last}", n % 1000)
}

/// A plain registered voter.
fn person(row: u32, n: u32, name: &str, group: &str, household: &str) -> NewResident {
    NewResident {
        row,
        resident_id: rid(n, char::from(b'0' + (n % 10) as u8)),
        name: name.to_owned(),
        gender: if row % 2 == 0 { "F" } else { "M" }.to_owned(),
        group: group.to_owned(),
        household: household.to_owned(),
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

fn hr(mut r: NewResident) -> NewResident {
    r.household_representative = true;
    r
}

fn rr(mut r: NewResident) -> NewResident {
    r.residents_representative = true;
    r
}

fn waived(mut r: NewResident) -> NewResident {
    r.waived = true;
    r
}

fn voluntary(mut r: NewResident) -> NewResident {
    r.voluntary = true;
    r
}

fn excluded(mut r: NewResident, why: &str) -> NewResident {
    r.exclusion = Some(why.to_owned());
    r
}

/// The fingerprint of the voters among `residents`, computed here with the
/// core's function from the residents as given (not as stored).
fn expected_fingerprint<'a>(residents: impl IntoIterator<Item = &'a NewResident>) -> String {
    let mut voters: Vec<&NewResident> = residents.into_iter().filter(|r| r.is_voter()).collect();
    voters.sort_by(|a, b| a.resident_id.as_bytes().cmp(b.resident_id.as_bytes()));
    fingerprint(voters.iter().map(|r| ListLine {
        resident_id: &r.resident_id,
        name: &r.name,
        gender: &r.gender,
        group: &r.group,
        household: &r.household,
        waived: r.waived,
        voluntary: r.voluntary,
        household_representative: r.household_representative,
        residents_representative: r.residents_representative,
    }))
    .unwrap()
    .to_string()
}

/// The fingerprint of a stored voter list (as `voter_list` gives it).
fn fingerprint_of(list: &[Resident]) -> String {
    fingerprint(list.iter().map(|r| ListLine {
        resident_id: &r.resident_id,
        name: &r.name,
        gender: &r.gender,
        group: &r.group,
        household: &r.household,
        waived: r.waived,
        voluntary: r.voluntary,
        household_representative: r.household_representative,
        residents_representative: r.residents_representative,
    }))
    .unwrap()
    .to_string()
}

fn publication_request() -> NewPublication {
    NewPublication {
        published_on: day(3, 1),
        published_by: "committee".to_owned(),
        late_days: None,
    }
}

/// Creates an election, imports `roll`, and returns the election's id.
async fn with_roll(store: &dyn Store, title: &str, roll: &[NewResident]) -> Uuid {
    let e = store
        .create_election(&election(title), at(0))
        .await
        .unwrap();
    assert!(matches!(
        store.replace_roll(e.id, roll, at(1)).await.unwrap(),
        RollOutcome::Imported { .. }
    ));
    e.id
}

async fn publish(store: &dyn Store, election: Uuid) -> Publication {
    match store
        .publish_roll(election, &rules(), &publication_request(), at(10))
        .await
        .unwrap()
    {
        PublishOutcome::Published(p) => p,
        PublishOutcome::Problems(base) => panic!("problems: {base:?}"),
    }
}

/// Every resident of the roll, keyed by resident ID.
async fn by_resident_id(store: &dyn Store, election: Uuid) -> Vec<Resident> {
    let page = store
        .search_residents(
            election,
            &ResidentQuery {
                limit: 500,
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    let mut all = page.residents;
    all.sort_by(|a, b| a.resident_id.cmp(&b.resident_id));
    all
}

async fn record_id(store: &dyn Store, election: Uuid, resident_id: &str) -> Uuid {
    by_resident_id(store, election)
        .await
        .into_iter()
        .find(|r| r.resident_id == resident_id)
        .unwrap()
        .id
}

fn amendment(change: RollChangeKind, reason: &str) -> RollAmendment {
    RollAmendment {
        change,
        reason: reason.to_owned(),
        author: "committee".to_owned(),
        objection: None,
    }
}

fn edit(resident: Uuid, edit: ResidentEdit) -> RollChangeKind {
    RollChangeKind::Edit { resident, edit }
}

fn field(name: &str, before: Option<&str>, after: Option<&str>) -> FieldChange {
    FieldChange {
        field: name.to_owned(),
        before: before.map(str::to_owned),
        after: after.map(str::to_owned),
    }
}

fn is_state(err: &StoreError, want: &StateError) -> bool {
    matches!(err, StoreError::State(s) if s == want)
}

// --- setup -----------------------------------------------------------------------

/// A small roll every voter of which is plain.
fn plain_roll() -> Vec<NewResident> {
    vec![
        person(2, 5, "王五", "第1组", "101"),
        person(3, 1, "赵一", "第1组", "101"),
        excluded(person(4, 9, "孙九", "第1组", "102"), "under_18"),
        person(5, 3, "张三", "第2组", "201"),
    ]
}

async fn setup_defaults_and_is_frozen_by_publication(store: Arc<dyn Store>) {
    let unknown = Uuid::new_v4();
    assert!(matches!(
        store.registration_state(unknown).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store
            .set_registration_setup(unknown, &RegistrationSetup::default())
            .await,
        Err(StoreError::NotFound(_))
    ));
    let e = with_roll(&*store, "E", &plain_roll()).await;
    let state = store.registration_state(e).await.unwrap();
    assert_eq!(state.setup.mode, Mode::Direct);
    assert!(!state.setup.voluntary);
    assert_eq!(state.publication, None);

    let household = RegistrationSetup {
        mode: Mode::HouseholdRepresentatives,
        voluntary: true,
    };
    store.set_registration_setup(e, &household).await.unwrap();
    assert_eq!(store.registration_state(e).await.unwrap().setup, household);
    let direct = RegistrationSetup {
        mode: Mode::Direct,
        voluntary: false,
    };
    store.set_registration_setup(e, &direct).await.unwrap();
    assert_eq!(store.registration_state(e).await.unwrap().setup, direct);

    let p = publish(&*store, e).await;
    assert_eq!(p.setup, direct);
    assert_eq!((p.voters, p.registered), (3, 3));
    let err = store
        .set_registration_setup(e, &household)
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::AlreadyPublished), "{err:?}");
    let state = store.registration_state(e).await.unwrap();
    assert_eq!(state.setup, direct);
    assert_eq!(state.publication, Some(p));
}

async fn get_resident_is_per_election(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "E", &plain_roll()).await;
    let other = store.create_election(&election("F"), at(0)).await.unwrap();
    let all = by_resident_id(&*store, e).await;
    let zhang = all.iter().find(|r| r.name == "张三").unwrap();
    assert_eq!(
        store.get_resident(e, zhang.id).await.unwrap().as_ref(),
        Some(zhang)
    );
    assert_eq!(store.get_resident(other.id, zhang.id).await.unwrap(), None);
    assert_eq!(store.get_resident(e, Uuid::new_v4()).await.unwrap(), None);
    assert_eq!(
        store.get_resident(Uuid::new_v4(), zhang.id).await.unwrap(),
        None
    );
}

// --- the tally ----------------------------------------------------------------------

/// Households with 0, 1 and 2 representatives, a representative under 18
/// and one who waived, waivers and voluntary registrations, and a third
/// group of twelve households without a representative (more than the
/// examples show). Out of listing order on purpose.
fn tally_roll() -> Vec<NewResident> {
    let mut roll = vec![
        // 第2组
        hr(waived(person(9, 21, "H", "第2组", "201"))),
        rr(voluntary(person(10, 22, "I", "第2组", "201"))),
        voluntary(person(11, 23, "J", "第2组", "202")),
        waived(voluntary(person(12, 24, "K", "第2组", "202"))),
        voluntary(excluded(
            person(13, 25, "L", "第2组", "202"),
            "not_taking_part",
        )),
        rr(person(14, 26, "M", "第2组", "203")),
        hr(rr(person(15, 27, "N", "第2组", "203"))),
        // 第1组
        hr(person(2, 11, "A", "第1组", "101")),
        person(3, 12, "B", "第1组", "101"),
        person(4, 13, "C", "第1组", "102"),
        person(5, 14, "D", "第1组", "102"),
        hr(person(6, 15, "E", "第1组", "103")),
        hr(person(7, 16, "F", "第1组", "103")),
        hr(excluded(person(8, 17, "G", "第1组", "104"), "under_18")),
    ];
    for i in 0..12 {
        roll.push(person(
            16 + i,
            31 + i,
            "P",
            "第3组",
            &format!("{}", 312 - i),
        ));
    }
    roll
}

async fn tally_counts_a_hand_built_roll(store: Arc<dyn Store>) {
    let empty = store.create_election(&election("空"), at(0)).await.unwrap();
    assert_eq!(
        store.roll_tally(empty.id).await.unwrap(),
        RollTally::default()
    );
    assert_eq!(
        store.roll_tally(Uuid::new_v4()).await.unwrap(),
        RollTally::default()
    );
    let e = with_roll(&*store, "E", &tally_roll()).await;
    let want = RollTally {
        voters: 24,
        waived: 2,
        voluntary: 2,
        households_with_voters: 18,
        households_without_representative: (
            15,
            vec![
                "第1组/102".to_owned(),
                "第2组/201".to_owned(),
                "第2组/202".to_owned(),
                "第3组/301".to_owned(),
                "第3组/302".to_owned(),
                "第3组/303".to_owned(),
                "第3组/304".to_owned(),
                "第3组/305".to_owned(),
                "第3组/306".to_owned(),
                "第3组/307".to_owned(),
            ],
        ),
        households_with_several_representatives: (1, vec!["第1组/103".to_owned()]),
        representatives_not_voters: (2, vec![8, 9]),
        household_representatives: 4,
        groups: vec![
            GroupTally {
                group: "第1组".to_owned(),
                voters: 6,
                households: 4,
                residents_representatives: 0,
            },
            GroupTally {
                group: "第2组".to_owned(),
                voters: 6,
                households: 3,
                residents_representatives: 3,
            },
            GroupTally {
                group: "第3组".to_owned(),
                voters: 12,
                households: 12,
                residents_representatives: 0,
            },
        ],
    };
    assert_eq!(store.roll_tally(e).await.unwrap(), want);
}

async fn publish_with_problems_writes_nothing(store: Arc<dyn Store>) {
    assert!(matches!(
        store
            .publish_roll(Uuid::new_v4(), &rules(), &publication_request(), at(10))
            .await,
        Err(StoreError::NotFound(_))
    ));
    let bare = store
        .create_election(&election("无名册"), at(0))
        .await
        .unwrap();
    let err = store
        .publish_roll(bare.id, &rules(), &publication_request(), at(10))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::NoRoll), "{err:?}");

    let e = with_roll(&*store, "E", &tally_roll()).await;
    store
        .set_registration_setup(
            e,
            &RegistrationSetup {
                mode: Mode::HouseholdRepresentatives,
                voluntary: false,
            },
        )
        .await
        .unwrap();
    let PublishOutcome::Problems(base) = store
        .publish_roll(e, &rules(), &publication_request(), at(10))
        .await
        .unwrap()
    else {
        panic!("published a roll with problems");
    };
    assert_eq!(base.mode, Mode::HouseholdRepresentatives);
    assert_eq!(base.registered, 4);
    assert_eq!(
        base.problems,
        vec![
            BaseProblem::RepresentativesNotVoters {
                count: 2,
                rows: vec![8, 9]
            },
            BaseProblem::HouseholdsWithoutRepresentative {
                count: 15,
                examples: store
                    .roll_tally(e)
                    .await
                    .unwrap()
                    .households_without_representative
                    .1
            },
            BaseProblem::HouseholdsWithSeveralRepresentatives {
                count: 1,
                examples: vec!["第1组/103".to_owned()]
            },
        ]
    );
    // Voluntary registration: 2 of 24 is below 3/10.
    store
        .set_registration_setup(
            e,
            &RegistrationSetup {
                mode: Mode::Direct,
                voluntary: true,
            },
        )
        .await
        .unwrap();
    let PublishOutcome::Problems(base) = store
        .publish_roll(e, &rules(), &publication_request(), at(10))
        .await
        .unwrap()
    else {
        panic!("published a roll with problems");
    };
    assert_eq!(base.registered, 2);
    assert_eq!(
        base.problems,
        vec![BaseProblem::VoluntaryShareTooLow {
            voluntary: 2,
            eligible: 24,
            min_numerator: 3,
            min_denominator: 10
        }]
    );
    // Nothing was written: not published, the roll can still be replaced.
    assert_eq!(store.registration_state(e).await.unwrap().publication, None);
    assert!(store.roll_changes(e).await.unwrap().is_empty());
    assert!(matches!(
        store.replace_roll(e, &plain_roll(), at(20)).await.unwrap(),
        RollOutcome::Imported {
            residents: 4,
            voters: 3
        }
    ));
}

// --- publication ---------------------------------------------------------------------

/// Voters with every mark, a name with a tab, an excluded resident, IDs
/// ending in X (after the digits in byte order); out of ID order.
fn marked_roll() -> Vec<NewResident> {
    let mut x = person(2, 7, "李\t四", "第1组", "101");
    x.resident_id = rid(7, 'X');
    vec![
        person(3, 9, "钱九", "第2组", "201"),
        x,
        hr(person(4, 7, "王七", "第1组", "101")),
        waived(person(5, 2, "周二", "第1组", "102")),
        rr(voluntary(person(6, 4, "吴四", "第2组", "202"))),
        excluded(
            person(7, 1, "郑一", "第2组", "202"),
            "deprived_of_political_rights",
        ),
        voluntary(person(8, 3, "冯三", "第1组", "103")),
    ]
}

async fn publish_fingerprints_the_voter_list_and_freezes_the_roll(store: Arc<dyn Store>) {
    let roll = marked_roll();
    let e = with_roll(&*store, "E", &roll).await;
    let p = publish(&*store, e).await;
    let want = expected_fingerprint(&roll);
    assert_eq!(p.fingerprint, want);
    assert_eq!(p.current_fingerprint, want);
    assert_eq!(p.fingerprint.len(), 64);
    assert_eq!(
        (p.voters, p.registered, p.changes),
        (6, 5, 0),
        "six voters, one of whom waived"
    );
    assert_eq!(p.published_on, day(3, 1));
    assert_eq!(p.published_by, "committee");
    assert_eq!(p.published_at, at(10));
    assert_eq!(p.late_days, None);
    assert_eq!(
        store.registration_state(e).await.unwrap().publication,
        Some(p.clone())
    );

    // The voter list: voters only, waived ones included, in ID order.
    let list = store.voter_list(e).await.unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r.resident_id.as_str()).collect();
    let mut want_ids: Vec<&str> = roll
        .iter()
        .filter(|r| r.is_voter())
        .map(|r| r.resident_id.as_str())
        .collect();
    want_ids.sort_unstable();
    assert_eq!(ids, want_ids);
    // X sorts after the digits: …0077 comes right before …007X.
    let x = ids.iter().position(|i| *i == rid(7, 'X')).unwrap();
    assert_eq!(ids[x - 1], rid(7, '7'));
    assert_eq!(fingerprint_of(&list), want);
    let zhou = list.iter().find(|r| r.name == "周二").unwrap();
    assert!(zhou.waived && !zhou.voluntary);
    let wu = list.iter().find(|r| r.name == "吴四").unwrap();
    assert!(wu.voluntary && wu.residents_representative && !wu.waived);

    // Published once; the roll is frozen.
    let err = store
        .publish_roll(e, &rules(), &publication_request(), at(11))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::AlreadyPublished), "{err:?}");
    let before = by_resident_id(&*store, e).await;
    let err = store
        .replace_roll(e, &plain_roll(), at(12))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::AlreadyPublished), "{err:?}");
    assert_eq!(by_resident_id(&*store, e).await, before);
    assert_eq!(store.roll_summary(e).await.unwrap().residents, 7);

    // A late publication keeps its days.
    let late = with_roll(
        &*store,
        "L",
        &plain_roll()
            .into_iter()
            .map(|mut r| {
                r.resident_id = r.resident_id.replace("110101", "220202");
                r
            })
            .collect::<Vec<_>>(),
    )
    .await;
    let PublishOutcome::Published(p) = store
        .publish_roll(
            late,
            &rules(),
            &NewPublication {
                late_days: Some(3),
                ..publication_request()
            },
            at(10),
        )
        .await
        .unwrap()
    else {
        panic!("not published");
    };
    assert_eq!(p.late_days, Some(3));
    assert_eq!(
        store
            .registration_state(late)
            .await
            .unwrap()
            .publication
            .unwrap()
            .late_days,
        Some(3)
    );
}

// --- changes -----------------------------------------------------------------------

async fn amendments_are_recorded_and_refingerprinted(store: Arc<dyn Store>) {
    let roll = marked_roll();
    let e = with_roll(&*store, "E", &roll).await;
    let wang = record_id(&*store, e, &roll[2].resident_id).await;

    // Before publication a change is recorded without a fingerprint.
    let AmendOutcome::Amended(first) = store
        .amend_roll(
            e,
            &amendment(
                edit(
                    wang,
                    ResidentEdit {
                        address: Some("幸福路100号".to_owned()),
                        ..ResidentEdit::default()
                    },
                ),
                "门牌号有误",
            ),
            at(5),
        )
        .await
        .unwrap()
    else {
        panic!("conflicts");
    };
    assert_eq!((first.seq, first.fingerprint_after.clone()), (1, None));
    assert_eq!(
        first.fields,
        vec![field("address", Some("幸福路4号"), Some("幸福路100号"))]
    );

    let p = publish(&*store, e).await;
    assert_eq!(p.fingerprint, expected_fingerprint(&roll));

    // An addition (漏登).
    let added = voluntary(person(20, 50, "陈五十", "第2组", "203"));
    let AmendOutcome::Amended(add) = store
        .amend_roll(
            e,
            &amendment(
                RollChangeKind::Add {
                    resident: added.clone(),
                },
                "漏登",
            ),
            at(20),
        )
        .await
        .unwrap()
    else {
        panic!("conflicts");
    };
    let mut roll2 = roll.clone();
    roll2.push(added.clone());
    let fp2 = expected_fingerprint(&roll2);
    assert_eq!(add.seq, 2);
    assert_eq!(add.kind, "add");
    assert_eq!(add.election_id, e);
    assert_eq!(add.at, at(20));
    assert_eq!(add.author, "committee");
    assert_eq!(add.reason, "漏登");
    assert_eq!(add.objection, None);
    assert_eq!(add.resident_id, added.resident_id);
    assert_eq!(add.resident_name, "陈五十");
    assert_eq!(add.fingerprint_after.as_deref(), Some(fp2.as_str()));
    assert_ne!(fp2, p.fingerprint);
    assert!(add
        .fields
        .contains(&field("resident_id", None, Some(&added.resident_id))));
    assert!(add.fields.contains(&field("voluntary", None, Some("true"))));
    assert!(add.fields.contains(&field("waived", None, Some("false"))));
    assert!(add.fields.iter().all(|f| f.before.is_none()));
    let stored = store.get_resident(e, add.resident).await.unwrap().unwrap();
    assert_eq!(stored.resident_id, added.resident_id);
    assert!(stored.voluntary);
    assert_eq!(stored.row, 20);

    // An edit: struck off (错登), and a representative named, in one.
    let AmendOutcome::Amended(strike) = store
        .amend_roll(
            e,
            &amendment(
                edit(
                    wang,
                    ResidentEdit {
                        name: Some("王七".to_owned()),
                        exclusion: Some(Some("struck_off".to_owned())),
                        household_representative: Some(false),
                        residents_representative: Some(false),
                        ..ResidentEdit::default()
                    },
                ),
                "已迁出",
            ),
            at(30),
        )
        .await
        .unwrap()
    else {
        panic!("conflicts");
    };
    assert_eq!(strike.seq, 3);
    assert_eq!(strike.kind, "edit");
    assert_eq!(strike.resident, wang);
    assert_eq!(
        strike.fields,
        vec![
            field("exclusion", None, Some("struck_off")),
            field("household_representative", Some("true"), Some("false")),
        ]
    );
    let mut roll3 = roll2.clone();
    roll3[2].exclusion = Some("struck_off".to_owned());
    roll3[2].household_representative = false;
    let fp3 = expected_fingerprint(&roll3);
    assert_eq!(strike.fingerprint_after.as_deref(), Some(fp3.as_str()));
    // ... and it is what an observer recomputes from the list.
    let list = store.voter_list(e).await.unwrap();
    assert_eq!(list.len(), 6);
    assert_eq!(fingerprint_of(&list), fp3);

    let state = store.registration_state(e).await.unwrap();
    let publication = state.publication.unwrap();
    assert_eq!(publication.fingerprint, p.fingerprint);
    assert_eq!(publication.current_fingerprint, fp3);
    assert_eq!(publication.changes, 2);

    let changes = store.roll_changes(e).await.unwrap();
    assert_eq!(changes, vec![first, add, strike]);
}

async fn amendments_refused_write_nothing(store: Arc<dyn Store>) {
    let roll = marked_roll();
    let e = with_roll(&*store, "E", &roll).await;
    let p = publish(&*store, e).await;
    let wang = record_id(&*store, e, &roll[2].resident_id).await;
    let before = by_resident_id(&*store, e).await;

    // An edit that changes nothing, and an empty one.
    for empty in [
        ResidentEdit::default(),
        ResidentEdit {
            name: Some("王七".to_owned()),
            household_representative: Some(true),
            exclusion: Some(None),
            ..ResidentEdit::default()
        },
    ] {
        let err = store
            .amend_roll(e, &amendment(edit(wang, empty), "理由"), at(20))
            .await
            .unwrap_err();
        assert!(is_state(&err, &StateError::Empty("edit")), "{err:?}");
    }
    // No reason.
    let err = store
        .amend_roll(
            e,
            &amendment(
                edit(
                    wang,
                    ResidentEdit {
                        waived: Some(true),
                        ..ResidentEdit::default()
                    },
                ),
                "  ",
            ),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::Empty("reason")), "{err:?}");
    // Unknown resident, unknown election.
    let err = store
        .amend_roll(
            e,
            &amendment(
                edit(
                    Uuid::new_v4(),
                    ResidentEdit {
                        waived: Some(true),
                        ..ResidentEdit::default()
                    },
                ),
                "理由",
            ),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = store
        .amend_roll(
            Uuid::new_v4(),
            &amendment(
                RollChangeKind::Add {
                    resident: person(30, 60, "X", "第1组", "101"),
                },
                "理由",
            ),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    // An ID already on this roll.
    let mut again = person(30, 60, "重复", "第1组", "101");
    again.resident_id = roll[0].resident_id.clone();
    let err = store
        .amend_roll(
            e,
            &amendment(RollChangeKind::Add { resident: again }, "理由"),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // A value the schema refuses.
    let mut bad = person(30, 61, "坏", "第1组", "101");
    bad.gender = "X".to_owned();
    let err = store
        .amend_roll(
            e,
            &amendment(RollChangeKind::Add { resident: bad }, "理由"),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database(_)), "{err:?}");

    assert_eq!(by_resident_id(&*store, e).await, before);
    assert!(store.roll_changes(e).await.unwrap().is_empty());
    assert_eq!(
        store.registration_state(e).await.unwrap().publication,
        Some(p)
    );

    // Without a roll there is nothing to amend.
    let bare = store
        .create_election(&election("无名册"), at(0))
        .await
        .unwrap();
    let err = store
        .amend_roll(
            bare.id,
            &amendment(
                RollChangeKind::Add {
                    resident: person(2, 62, "X", "第1组", "101"),
                },
                "理由",
            ),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::NoRoll), "{err:?}");
}

async fn amend_add_conflicting_in_the_round_writes_nothing(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "甲社区", &plain_roll()).await;
    let shared = person(9, 77, "共用", "第1组", "101");
    let other = with_roll(
        &*store,
        "乙社区",
        &[person(2, 78, "别人", "第1组", "101"), shared.clone()],
    )
    .await;
    let p = publish(&*store, e).await;
    let before = by_resident_id(&*store, e).await;

    let mut added = shared.clone();
    added.row = 30;
    let outcome = store
        .amend_roll(
            e,
            &amendment(
                RollChangeKind::Add {
                    resident: added.clone(),
                },
                "漏登",
            ),
            at(20),
        )
        .await
        .unwrap();
    assert_eq!(
        outcome,
        AmendOutcome::Conflicts(vec![RollConflict {
            row: 30,
            resident_id: shared.resident_id.clone(),
            other_election_id: other,
            other_election_title: "乙社区".to_owned(),
        }])
    );
    assert_eq!(by_resident_id(&*store, e).await, before);
    assert!(store.roll_changes(e).await.unwrap().is_empty());
    assert_eq!(
        store.registration_state(e).await.unwrap().publication,
        Some(p.clone())
    );

    // On the roll but not a voter: no conflict. Made a voter later: the
    // same R-REG-3 check.
    let AmendOutcome::Amended(change) = store
        .amend_roll(
            e,
            &amendment(
                RollChangeKind::Add {
                    resident: excluded(added, "not_taking_part"),
                },
                "登记但不参加",
            ),
            at(21),
        )
        .await
        .unwrap()
    else {
        panic!("conflicts");
    };
    assert_eq!(change.seq, 1);
    let outcome = store
        .amend_roll(
            e,
            &amendment(
                edit(
                    change.resident,
                    ResidentEdit {
                        exclusion: Some(None),
                        ..ResidentEdit::default()
                    },
                ),
                "改为参加",
            ),
            at(22),
        )
        .await
        .unwrap();
    assert!(
        matches!(&outcome, AmendOutcome::Conflicts(c) if c.len() == 1 && c[0].other_election_id == other),
        "{outcome:?}"
    );
    assert_eq!(store.roll_changes(e).await.unwrap().len(), 1);
    let publication = store
        .registration_state(e)
        .await
        .unwrap()
        .publication
        .unwrap();
    assert_eq!(publication.changes, 1);
}

// --- objections ---------------------------------------------------------------------

fn objection(kind: ObjectionKind, subject: Option<Uuid>, claim: &str) -> NewObjection {
    NewObjection {
        lodged_on: day(3, 5),
        lodger: "刘女士".to_owned(),
        subject_resident: subject,
        subject: "某人".to_owned(),
        kind,
        claim: claim.to_owned(),
        recorded_by: "committee".to_owned(),
    }
}

fn decision(upheld: bool, change: Option<RollChangeKind>) -> ObjectionDecision {
    ObjectionDecision {
        upheld,
        reason: "经核实".to_owned(),
        by: "主任".to_owned(),
        change,
    }
}

fn answer(on: NaiveDate, late: bool) -> ObjectionAnswer {
    ObjectionAnswer {
        answered_on: on,
        by: "主任".to_owned(),
        late,
    }
}

async fn objections_lodge_decide_answer(store: Arc<dyn Store>) {
    let roll = marked_roll();
    let e = with_roll(&*store, "E", &roll).await;
    let qian = record_id(&*store, e, &roll[0].resident_id).await;

    let err = store
        .lodge_objection(
            e,
            &objection(ObjectionKind::WrongEntry, Some(qian), "已去世"),
            at(5),
        )
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::NotPublished), "{err:?}");
    publish(&*store, e).await;

    let err = store
        .lodge_objection(e, &objection(ObjectionKind::Other, None, " "), at(20))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::Empty("claim")), "{err:?}");
    let err = store
        .lodge_objection(
            e,
            &objection(ObjectionKind::WrongEntry, Some(Uuid::new_v4()), "不在名册"),
            at(20),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert!(matches!(
        store
            .lodge_objection(
                Uuid::new_v4(),
                &objection(ObjectionKind::Other, None, "x"),
                at(20)
            )
            .await,
        Err(StoreError::NotFound(_))
    ));

    let wrong = store
        .lodge_objection(
            e,
            &objection(ObjectionKind::WrongEntry, Some(qian), "已去世"),
            at(21),
        )
        .await
        .unwrap();
    let missing = store
        .lodge_objection(
            e,
            &objection(ObjectionKind::Omission, None, "陈某漏登"),
            at(22),
        )
        .await
        .unwrap();
    let other = store
        .lodge_objection(e, &objection(ObjectionKind::Other, None, "别的"), at(23))
        .await
        .unwrap();
    assert_eq!((wrong.number, missing.number, other.number), (1, 2, 3));
    assert_eq!(wrong.status, ObjectionStatus::Lodged);
    assert_eq!(wrong.subject_resident, Some(qian));
    assert_eq!(wrong.lodged_at, at(21));
    assert_eq!(wrong.election_id, e);
    assert_eq!(
        store.get_objection(wrong.id).await.unwrap(),
        Some(wrong.clone())
    );
    assert_eq!(store.get_objection(Uuid::new_v4()).await.unwrap(), None);

    // Answered only once decided.
    let err = store
        .answer_objection(wrong.id, &answer(day(3, 8), false), at(24))
        .await
        .unwrap_err();
    assert!(
        is_state(&err, &StateError::Objection("not decided yet")),
        "{err:?}"
    );
    // A rejection changes nothing.
    let err = store
        .decide_objection(
            missing.id,
            &decision(
                false,
                Some(RollChangeKind::Add {
                    resident: person(20, 50, "陈某", "第1组", "101"),
                }),
            ),
            at(24),
        )
        .await
        .unwrap_err();
    assert!(
        is_state(
            &err,
            &StateError::Objection("a rejected objection changes nothing")
        ),
        "{err:?}"
    );
    assert!(matches!(
        store
            .decide_objection(Uuid::new_v4(), &decision(false, None), at(24))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.get_objection(missing.id).await.unwrap(),
        Some(missing.clone())
    );

    // Upheld, striking the resident off, in the same transaction.
    let upheld = store
        .decide_objection(
            wrong.id,
            &decision(
                true,
                Some(edit(
                    qian,
                    ResidentEdit {
                        exclusion: Some(Some("struck_off".to_owned())),
                        ..ResidentEdit::default()
                    },
                )),
            ),
            at(25),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(upheld.status, ObjectionStatus::Upheld);
    assert_eq!(upheld.decision.as_deref(), Some("经核实"));
    assert_eq!(upheld.decided_by.as_deref(), Some("主任"));
    assert_eq!(upheld.decided_at, Some(at(25)));
    let changes = store.roll_changes(e).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(upheld.change, Some(changes[0].id));
    assert_eq!(changes[0].objection, Some(wrong.id));
    assert_eq!(changes[0].reason, "经核实");
    assert_eq!(changes[0].author, "主任");
    assert_eq!(
        changes[0].fields,
        vec![field("exclusion", None, Some("struck_off"))]
    );
    assert_eq!(
        store
            .get_resident(e, qian)
            .await
            .unwrap()
            .unwrap()
            .exclusion
            .as_deref(),
        Some("struck_off")
    );
    let err = store
        .decide_objection(wrong.id, &decision(false, None), at(26))
        .await
        .unwrap_err();
    assert!(
        is_state(&err, &StateError::Objection("already decided")),
        "{err:?}"
    );

    // Upheld, adding the missing resident; rejected without a change.
    let added = store
        .decide_objection(
            missing.id,
            &decision(
                true,
                Some(RollChangeKind::Add {
                    resident: person(20, 50, "陈某", "第1组", "101"),
                }),
            ),
            at(27),
        )
        .await
        .unwrap()
        .unwrap();
    let changes = store.roll_changes(e).await.unwrap();
    assert_eq!(changes.len(), 2);
    assert_eq!((changes[1].seq, changes[1].kind.as_str()), (2, "add"));
    assert_eq!(added.change, Some(changes[1].id));
    let rejected = store
        .decide_objection(other.id, &decision(false, None), at(28))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.status, ObjectionStatus::Rejected);
    assert_eq!(rejected.change, None);
    let publication = store
        .registration_state(e)
        .await
        .unwrap()
        .publication
        .unwrap();
    assert_eq!(publication.changes, 2);
    assert_eq!(
        Some(publication.current_fingerprint),
        changes[1].fingerprint_after
    );

    // The answer, once.
    let answered = store
        .answer_objection(wrong.id, &answer(day(3, 9), true), at(29))
        .await
        .unwrap();
    assert_eq!(answered.answered_on, Some(day(3, 9)));
    assert_eq!(answered.answered_at, Some(at(29)));
    assert_eq!(answered.answered_by.as_deref(), Some("主任"));
    assert_eq!(answered.answer_late, Some(true));
    let err = store
        .answer_objection(wrong.id, &answer(day(3, 9), false), at(30))
        .await
        .unwrap_err();
    assert!(
        is_state(&err, &StateError::Objection("already answered")),
        "{err:?}"
    );
    assert!(matches!(
        store
            .answer_objection(Uuid::new_v4(), &answer(day(3, 9), false), at(30))
            .await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        store.list_objections(e).await.unwrap(),
        vec![answered, added, rejected]
    );
}

async fn upheld_objection_refused_by_r_reg_3_stays_lodged(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "甲社区", &plain_roll()).await;
    let shared = person(9, 77, "共用", "第1组", "101");
    let other = with_roll(&*store, "乙社区", std::slice::from_ref(&shared)).await;
    let p = publish(&*store, e).await;
    let o = store
        .lodge_objection(e, &objection(ObjectionKind::Omission, None, "漏登"), at(20))
        .await
        .unwrap();
    let outcome = store
        .decide_objection(
            o.id,
            &decision(
                true,
                Some(RollChangeKind::Add {
                    resident: shared.clone(),
                }),
            ),
            at(21),
        )
        .await
        .unwrap();
    assert_eq!(
        outcome,
        Err(vec![RollConflict {
            row: 9,
            resident_id: shared.resident_id.clone(),
            other_election_id: other,
            other_election_title: "乙社区".to_owned(),
        }])
    );
    assert_eq!(store.get_objection(o.id).await.unwrap(), Some(o));
    assert!(store.roll_changes(e).await.unwrap().is_empty());
    assert_eq!(store.roll_summary(e).await.unwrap().residents, 4);
    assert_eq!(
        store.registration_state(e).await.unwrap().publication,
        Some(p)
    );
}

// --- proxies and writing assistants ---------------------------------------------------

/// Voters v0..v9 (rows 2..11), a voter who waived, one under 18.
fn proxy_roll() -> Vec<NewResident> {
    let mut roll: Vec<NewResident> = (0..10)
        .map(|i| {
            person(
                2 + i,
                100 + i,
                &format!("v{i}"),
                "第1组",
                &format!("{i:03}"),
            )
        })
        .collect();
    roll.push(waived(person(12, 120, "w", "第2组", "201")));
    roll.push(excluded(person(13, 121, "n", "第2组", "201"), "under_18"));
    roll
}

/// The record ids of `proxy_roll`, by name.
async fn ids_by_name(store: &dyn Store, e: Uuid) -> std::collections::HashMap<String, Uuid> {
    by_resident_id(store, e)
        .await
        .into_iter()
        .map(|r| (r.name, r.id))
        .collect()
}

fn proxy(grantor: Uuid, proxy: Uuid, document: &str) -> NewProxy {
    NewProxy {
        grantor,
        proxy,
        lodged_on: day(4, 1),
        document: document.to_owned(),
        approved_by: "committee".to_owned(),
    }
}

async fn proxies_follow_r_poll_4(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "E", &proxy_roll()).await;
    let id = ids_by_name(&*store, e).await;
    let v = |i: u32| id[&format!("v{i}")];
    let err = store
        .register_proxy(e, &rules(), &proxy(v(1), v(0), "W-1"), at(5))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::NotPublished), "{err:?}");
    publish(&*store, e).await;

    let err = store
        .register_proxy(e, &rules(), &proxy(v(1), v(0), " "), at(20))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::Empty("document")), "{err:?}");
    for bad in [
        proxy(Uuid::new_v4(), v(0), "W"),
        proxy(v(1), Uuid::new_v4(), "W"),
    ] {
        assert!(matches!(
            store.register_proxy(e, &rules(), &bad, at(20)).await,
            Err(StoreError::NotFound(_))
        ));
    }
    assert!(matches!(
        store
            .register_proxy(Uuid::new_v4(), &rules(), &proxy(v(1), v(0), "W"), at(20))
            .await,
        Err(StoreError::NotFound(_))
    ));

    let mut registered = Vec::new();
    for (i, minute) in [(1, 21), (2, 22), (3, 23)] {
        match store
            .register_proxy(
                e,
                &rules(),
                &proxy(v(i), v(0), &format!("W-{i}")),
                at(minute),
            )
            .await
            .unwrap()
        {
            ProxyOutcome::Registered(p) => registered.push(p),
            refused => panic!("{refused:?}"),
        }
    }
    assert_eq!(registered[0].grantor.resident, v(1));
    assert_eq!(registered[0].grantor.name, "v1");
    assert_eq!(registered[0].grantor.group, "第1组");
    assert_eq!(registered[0].grantor.resident_id, rid(101, '1'));
    assert_eq!(registered[0].proxy.resident, v(0));
    assert_eq!(registered[0].proxy.name, "v0");
    assert_eq!(registered[0].document, "W-1");
    assert_eq!(registered[0].approved_at, at(21));
    assert_eq!(registered[0].revoked_at, None);

    let refused = |outcome: ProxyOutcome| match outcome {
        ProxyOutcome::Refused(r) => r,
        ProxyOutcome::Registered(p) => panic!("registered {p:?}"),
    };
    let cases = [
        (proxy(v(4), v(0), "W-4"), ProxyRefusal::ProxyFull { max: 3 }),
        (proxy(v(0), v(5), "W-5"), ProxyRefusal::GrantorIsProxy),
        (proxy(v(6), v(1), "W-6"), ProxyRefusal::ProxyHasGranted),
        (proxy(v(1), v(5), "W-7"), ProxyRefusal::AlreadyGranted),
        (proxy(id["n"], v(5), "W-8"), ProxyRefusal::GrantorNotVoter),
        (proxy(id["w"], v(5), "W-9"), ProxyRefusal::GrantorNotVoter),
        (proxy(v(5), id["n"], "W-10"), ProxyRefusal::ProxyNotVoter),
        (proxy(v(5), id["w"], "W-11"), ProxyRefusal::ProxyNotVoter),
        (proxy(v(5), v(5), "W-12"), ProxyRefusal::SamePerson),
    ];
    for (request, want) in cases {
        let got = refused(
            store
                .register_proxy(e, &rules(), &request, at(30))
                .await
                .unwrap(),
        );
        assert_eq!(got, want, "{request:?}");
    }
    assert_eq!(store.list_proxies(e).await.unwrap(), registered);

    // Revoking frees a slot.
    let revoked = store
        .revoke_proxy(registered[1].id, "主任", at(40))
        .await
        .unwrap();
    assert_eq!(revoked.revoked_at, Some(at(40)));
    assert_eq!(revoked.revoked_by.as_deref(), Some("主任"));
    assert_eq!(revoked.grantor, registered[1].grantor);
    assert!(matches!(
        store.revoke_proxy(registered[1].id, "主任", at(41)).await,
        Err(StoreError::NotFound(_))
    ));
    assert!(matches!(
        store.revoke_proxy(Uuid::new_v4(), "主任", at(41)).await,
        Err(StoreError::NotFound(_))
    ));
    let ProxyOutcome::Registered(fourth) = store
        .register_proxy(e, &rules(), &proxy(v(4), v(0), "W-4"), at(42))
        .await
        .unwrap()
    else {
        panic!("refused after a revocation");
    };
    // The revoked grantor may give a new authorisation.
    let ProxyOutcome::Registered(again) = store
        .register_proxy(e, &rules(), &proxy(v(2), v(7), "W-2b"), at(43))
        .await
        .unwrap()
    else {
        panic!("refused after a revocation");
    };
    assert_eq!(
        store.list_proxies(e).await.unwrap(),
        vec![
            registered[0].clone(),
            revoked,
            registered[2].clone(),
            fourth,
            again
        ]
    );
}

async fn concurrent_proxies_cannot_pass_the_cap(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "E", &proxy_roll()).await;
    let id = ids_by_name(&*store, e).await;
    publish(&*store, e).await;
    let holder = id["v0"];
    let tasks: Vec<_> = (1..=8)
        .map(|i| {
            let store = Arc::clone(&store);
            let grantor = id[&format!("v{i}")];
            tokio::spawn(async move {
                store
                    .register_proxy(
                        e,
                        &rules(),
                        &proxy(grantor, holder, &format!("W-{i}")),
                        at(20),
                    )
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut registered = 0;
    let mut full = 0;
    for t in tasks {
        match t.await.unwrap() {
            ProxyOutcome::Registered(_) => registered += 1,
            ProxyOutcome::Refused(ProxyRefusal::ProxyFull { max: 3 }) => full += 1,
            other => panic!("{other:?}"),
        }
    }
    assert_eq!((registered, full), (3, 5));
    let standing = store.list_proxies(e).await.unwrap();
    assert_eq!(standing.len(), 3);
    assert!(standing
        .iter()
        .all(|p| p.proxy.resident == holder && p.revoked_at.is_none()));
}

async fn assistants_only_for_voters(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "E", &proxy_roll()).await;
    let id = ids_by_name(&*store, e).await;
    let new = |voter: Uuid, assistant: &str| NewAssistant {
        voter,
        assistant: assistant.to_owned(),
        reason: "视力障碍".to_owned(),
        recorded_by: "committee".to_owned(),
    };
    let err = store
        .record_assistant(e, &new(id["v3"], "  "), at(5))
        .await
        .unwrap_err();
    assert!(is_state(&err, &StateError::Empty("assistant")), "{err:?}");
    for voter in [id["n"], id["w"], Uuid::new_v4()] {
        let err = store
            .record_assistant(e, &new(voter, "李助"), at(5))
            .await
            .unwrap_err();
        assert!(is_state(&err, &StateError::NotAVoter), "{err:?}");
    }
    let a = store
        .record_assistant(e, &new(id["v3"], "李助"), at(6))
        .await
        .unwrap();
    assert_eq!(a.voter.resident, id["v3"]);
    assert_eq!(a.voter.name, "v3");
    assert_eq!(a.voter.resident_id, rid(103, '3'));
    assert_eq!(a.assistant, "李助");
    assert_eq!(a.reason, "视力障碍");
    assert_eq!(a.recorded_at, at(6));
    assert_eq!(a.election_id, e);
    let b = store
        .record_assistant(e, &new(id["v4"], "王助"), at(6))
        .await
        .unwrap();
    assert_eq!(store.list_assistants(e).await.unwrap(), vec![a, b]);
    let other = store.create_election(&election("F"), at(0)).await.unwrap();
    assert!(store.list_assistants(other.id).await.unwrap().is_empty());
}

// --- docs/voter-list-fingerprint.md ---------------------------------------------

/// The worked example's fingerprint, as the document prints it.
const DOCUMENTED_FINGERPRINT: &str =
    "ed773b420df4d804984eef59fb138d8f7c4477e25fb8ae049e738f4099ef86b5";

/// The document's example list (with a resident who is not a voter and so
/// is not on it), in file order.
fn documented_roll() -> Vec<NewResident> {
    let mut zhang = waived(voluntary(person(2, 0, "张三", "第二组", "0203")));
    zhang.resident_id = "310104198805060033".to_owned();
    zhang.gender = "M".to_owned();
    let mut wang = person(3, 0, "王芳", "第一组", "0101");
    wang.resident_id = "110101194912310021".to_owned();
    wang.gender = "F".to_owned();
    let mut li = hr(person(4, 0, "李四", "第一组", "0101"));
    li.resident_id = "11010519491231002X".to_owned();
    li.gender = "M".to_owned();
    let mut child = excluded(person(5, 0, "王小", "第一组", "0101"), "under_18");
    child.resident_id = "110101201501010015".to_owned();
    vec![zhang, wang, li, child]
}

#[test]
fn the_document_shows_the_example_and_its_fingerprint() {
    let doc = include_str!("../../../docs/voter-list-fingerprint.md");
    assert!(doc.contains(DOCUMENTED_FINGERPRINT));
    assert_eq!(
        expected_fingerprint(&documented_roll()),
        DOCUMENTED_FINGERPRINT
    );
    // The canonical text as the document spells it out.
    let text = "huanjie voter list 1\n\
                110101194912310021\t王芳\tF\t第一组\t0101\t\n\
                11010519491231002X\t李四\tM\t第一组\t0101\thousehold_representative\n\
                310104198805060033\t张三\tM\t第二组\t0203\twaived,voluntary\n";
    for line in text.lines() {
        assert!(doc.contains(&line.replace('\t', "<TAB>")), "{line:?}");
    }
}

async fn the_documented_example_publishes_with_the_documented_fingerprint(store: Arc<dyn Store>) {
    let e = with_roll(&*store, "E", &documented_roll()).await;
    let p = publish(&*store, e).await;
    assert_eq!(p.fingerprint, DOCUMENTED_FINGERPRINT);
    assert_eq!((p.voters, p.registered), (3, 2));
}

// --- adapter-specific: deleting an election ----------------------------------------

/// An election with everything this suite writes: a publication, a change
/// made by an upheld objection, a proxy and an assistant.
async fn everything(store: &dyn Store) -> Uuid {
    let e = with_roll(store, "E", &proxy_roll()).await;
    let id = ids_by_name(store, e).await;
    store
        .set_registration_setup(e, &RegistrationSetup::default())
        .await
        .unwrap();
    publish(store, e).await;
    let o = store
        .lodge_objection(
            e,
            &objection(ObjectionKind::WrongEntry, Some(id["v9"]), "错登"),
            at(20),
        )
        .await
        .unwrap();
    store
        .decide_objection(
            o.id,
            &decision(
                true,
                Some(edit(
                    id["v9"],
                    ResidentEdit {
                        exclusion: Some(Some("struck_off".to_owned())),
                        ..ResidentEdit::default()
                    },
                )),
            ),
            at(21),
        )
        .await
        .unwrap()
        .unwrap();
    assert!(matches!(
        store
            .register_proxy(e, &rules(), &proxy(id["v1"], id["v0"], "W-1"), at(22))
            .await
            .unwrap(),
        ProxyOutcome::Registered(_)
    ));
    store
        .record_assistant(
            e,
            &NewAssistant {
                voter: id["v2"],
                assistant: "李助".to_owned(),
                reason: String::new(),
                recorded_by: "committee".to_owned(),
            },
            at(23),
        )
        .await
        .unwrap();
    e
}

const REGISTRATION_TABLES: [&str; 6] = [
    "registration_setups",
    "publications",
    "roll_changes",
    "objections",
    "proxies",
    "writing_assistants",
];

#[tokio::test]
async fn sqlite_deleting_an_election_deletes_its_registration() {
    let (_dir, path) = fresh_sqlite_path();
    let store = huanjie_store::SqliteStore::open(&path).await.unwrap();
    let e = everything(&store).await;
    for table in REGISTRATION_TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    sqlx::query("DELETE FROM elections WHERE id = ?")
        .bind(e.to_string())
        .execute(store.pool())
        .await
        .unwrap();
    for table in REGISTRATION_TABLES.into_iter().chain(["residents"]) {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}

#[tokio::test]
async fn postgres_deleting_an_election_deletes_its_registration() {
    let url = fresh_database().await;
    let store = huanjie_store::PostgresStore::connect(&url).await.unwrap();
    let e = everything(&store).await;
    for table in REGISTRATION_TABLES {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 1, "{table}");
    }
    sqlx::query("DELETE FROM elections WHERE id = $1")
        .bind(e)
        .execute(store.pool())
        .await
        .unwrap();
    for table in REGISTRATION_TABLES.into_iter().chain(["residents"]) {
        let n: i64 = sqlx::query_scalar(&format!("SELECT count(*) FROM {table}"))
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert_eq!(n, 0, "{table}");
    }
}
