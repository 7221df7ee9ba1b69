//! The storage conformance suite for polling day (issue 6): stations and
//! mobile boxes (R-POLL-1), each station's polls and ballots issued
//! (R-POLL-5), and the scans of the count (R-CNT-1), stored once each.
//!
//! As in `conformance.rs`, every scenario is written once, as
//! `async fn(Arc<dyn Store>)`, and the `conformance!` macro runs it on a
//! fresh SQLite file and on a brand-new PostgreSQL database (the
//! PostgreSQL leg fails, never skips, when no server can be had). The
//! runtime has several worker threads, so the concurrent scenarios really
//! overlap inside the database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_core::polling::{Polls, PollsRefusal, StationKind, StationRefusal};
use huanjie_core::profile::{PollingRules, Profile};
use huanjie_store::{
    BodyKind, CountedScan, NewBatch, NewElection, NewScan, NewStation, PollingStateError,
    PositionSeats, Receipt, ScanOutcome, ScanRefusal, Station, Store, StoreError,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use uuid::Uuid;

// --- helpers ---------------------------------------------------------------

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
    stations_follow_r_poll_1,
    an_assembly_has_one_box,
    mobile_boxes_need_approval_under_zj_2020,
    polls_open_issue_and_close_in_order,
    scans_count_each_ballot_once,
    a_batch_of_scans_meets_itself,
    concurrent_scans_store_each_ballot_once,
    concurrent_issues_are_all_counted,
    concurrent_station_setup_keeps_r_poll_1,
    polls_open_only_with_enough_scrutineers,
    a_person_decides_what_the_reader_could_not,
    counted_scans_read_on_from_a_cursor,
    changes_are_heard_after_commit,
    certification_locks_the_ballots,
);

fn rules(profile: &str) -> PollingRules {
    Profile::builtin(profile).unwrap().polling
}

/// An election under `profile`.
async fn election(store: &dyn Store, profile: &str) -> Uuid {
    store
        .create_election(
            &NewElection {
                body_kind: BodyKind::ResidentsCommittee,
                title: format!("幸福社区第七届居民委员会选举（{profile}）"),
                profile: profile.to_owned(),
                election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
                seats: vec![
                    PositionSeats {
                        position: "director".to_owned(),
                        seats: 1,
                    },
                    PositionSeats {
                        position: "member".to_owned(),
                        seats: 4,
                    },
                ],
            },
            at(-600),
        )
        .await
        .unwrap()
        .id
}

fn new_station(code: &str, name: &str, kind: StationKind) -> NewStation {
    NewStation {
        code: code.to_owned(),
        name: name.to_owned(),
        kind,
        place: format!("{name}：社区服务中心一楼"),
        serves: "第一、二居民小组".to_owned(),
        approval: None,
    }
}

/// A station as set up at `created`, nothing done yet.
fn fresh(new: &NewStation, created: DateTime<Utc>) -> Station {
    Station {
        code: new.code.clone(),
        name: new.name.clone(),
        kind: new.kind,
        place: new.place.clone(),
        serves: new.serves.clone(),
        approval: new.approval.clone(),
        polls: Polls::NotOpened,
        issued: 0,
        scanned: 0,
        opened_at: None,
        closed_at: None,
        created_at: created,
    }
}

fn polling_error(err: StoreError) -> PollingStateError {
    match err {
        StoreError::Polling(e) => e,
        other => panic!("expected a polling state error, got {other:?}"),
    }
}

fn station_refusal(err: StoreError) -> StationRefusal {
    match polling_error(err) {
        PollingStateError::Station(r) => r,
        other => panic!("expected a station refusal, got {other:?}"),
    }
}

fn polls_refusal(err: StoreError) -> PollsRefusal {
    match polling_error(err) {
        PollingStateError::Polls(r) => r,
        other => panic!("expected a polls refusal, got {other:?}"),
    }
}

/// A serial's random part: `n` in the middle of fixed noise, so that no
/// two scenarios' ballots look alike and the byte order is not `n`'s.
fn random(n: u16) -> [u8; 8] {
    let [hi, lo] = n.to_be_bytes();
    [0xC3, lo, 0x5A, hi, 0x0F, lo ^ 0xFF, 0x96, 0x21]
}

/// Prints a batch of these random parts (one batch per `number`).
async fn print(store: &dyn Store, e: Uuid, number: u16, randoms: Vec<[u8; 8]>) {
    let count = randoms.len() as u64;
    let batch = store
        .record_batch(
            e,
            &NewBatch {
                number,
                station: "中心投票站".to_owned(),
                style: 1,
                randoms,
                serials_sha256: "0f".repeat(32),
                reprint_of: None,
                printed_by: "committee".to_owned(),
            },
            at(-300),
        )
        .await
        .unwrap();
    assert_eq!(batch.count, count);
}

fn marks(who: &str) -> String {
    format!(r#"{{"director":["{who}"],"member":["丁一","万二"]}}"#)
}

fn scan(station: &str, r: [u8; 8], marks: &str) -> NewScan {
    NewScan {
        station: station.to_owned(),
        random: r,
        marks: marks.to_owned(),
        scanned_by: format!("clerk-{station}"),
        review: None,
    }
}

fn receipt(station: &str, number: u64, scanned_at: DateTime<Utc>, marks: &str) -> Receipt {
    Receipt {
        station: station.to_owned(),
        number,
        scanned_at,
        marks: marks.to_owned(),
    }
}

/// Opens and closes a station's polls (nothing issued).
async fn open_and_close(store: &dyn Store, e: Uuid, code: &str) {
    store.open_polls(e, code, 0, at(0)).await.unwrap();
    store.close_polls(e, code, at(600)).await.unwrap();
}

async fn one_scan(store: &dyn Store, e: Uuid, s: NewScan, now: DateTime<Utc>) -> ScanOutcome {
    let mut outcomes = store.record_scans(e, &[s], now).await.unwrap();
    assert_eq!(outcomes.len(), 1, "{outcomes:?}");
    outcomes.pop().unwrap()
}

// --- stations (R-POLL-1) -----------------------------------------------------

async fn stations_follow_r_poll_1(store: Arc<dyn Store>) {
    let city = rules("city-2009");
    let e = election(&*store, "city-2009").await;
    assert_eq!(store.list_stations(e).await.unwrap(), Vec::new());

    // Set up in an order that is neither the codes' order nor the kinds'.
    let plan = [
        new_station("central", "中心投票站", StationKind::Central),
        new_station("S1", "第一投票站", StationKind::Sub),
        new_station("M1", "流动票箱一", StationKind::Mobile),
        new_station("A0", "第二投票站", StationKind::Sub),
        new_station("M2", "流动票箱二", StationKind::Mobile),
    ];
    let mut expected = Vec::new();
    for (new, minute) in plan.iter().zip(1..) {
        let stored = store
            .add_station(e, new, &city, false, at(-120 + minute))
            .await
            .unwrap();
        assert_eq!(stored, fresh(new, at(-120 + minute)));
        expected.push(stored);
    }
    assert_eq!(store.list_stations(e).await.unwrap(), expected);

    // Refusals, each writing nothing.
    let refused = [
        (
            new_station("central2", "另一中心投票站", StationKind::Central),
            PollingStateError::Station(StationRefusal::SecondCentral),
        ),
        (
            new_station("M3", "流动票箱三", StationKind::Mobile),
            PollingStateError::Station(StationRefusal::TooManyMobile { max: 2 }),
        ),
        // The code of S1, another name.
        (
            new_station("S1", "第三投票站", StationKind::Sub),
            PollingStateError::StationExists,
        ),
        // The name of S1, another code.
        (
            new_station("S3", "第一投票站", StationKind::Sub),
            PollingStateError::StationExists,
        ),
        // The name of M1 with blanks around it: names are stored trimmed.
        (
            new_station("S4", " 流动票箱一 ", StationKind::Sub),
            PollingStateError::StationExists,
        ),
    ];
    for (new, why) in refused {
        let err = store
            .add_station(e, &new, &city, false, at(-100))
            .await
            .unwrap_err();
        assert_eq!(polling_error(err), why, "{new:?}");
        assert_eq!(store.list_stations(e).await.unwrap(), expected, "{new:?}");
    }

    // County-2006 forbids mobile boxes; its fixed stations are fine.
    let county = election(&*store, "county-2006").await;
    let county_rules = rules("county-2006");
    let central = new_station("central", "中心投票站", StationKind::Central);
    let stored = store
        .add_station(county, &central, &county_rules, false, at(-90))
        .await
        .unwrap();
    let err = store
        .add_station(
            county,
            &new_station("M1", "流动票箱一", StationKind::Mobile),
            &county_rules,
            false,
            at(-89),
        )
        .await
        .unwrap_err();
    assert_eq!(station_refusal(err), StationRefusal::MobileForbidden);
    assert_eq!(store.list_stations(county).await.unwrap(), vec![stored]);
    // Stations of one election are not another's: the same code and name
    // are free in the county election, and its list does not show them.
    assert_eq!(store.list_stations(e).await.unwrap(), expected);

    // An unknown election.
    let err = store
        .add_station(Uuid::new_v4(), &central, &city, false, at(-80))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    // Once any station's polls open (here a mobile box's), stations are
    // fixed.
    let opened = store.open_polls(e, "M1", 0, at(0)).await.unwrap();
    assert_eq!(opened.polls, Polls::Open);
    let err = store
        .add_station(
            e,
            &new_station("S2", "第三投票站", StationKind::Sub),
            &city,
            false,
            at(1),
        )
        .await
        .unwrap_err();
    assert_eq!(polling_error(err), PollingStateError::PollsStarted);
    let listed = store.list_stations(e).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
        vec!["central", "S1", "M1", "A0", "M2"]
    );
    assert_eq!(listed[2], opened);
    // ... and stay fixed once that station has closed.
    store.close_polls(e, "M1", at(60)).await.unwrap();
    let err = store
        .add_station(
            e,
            &new_station("S2", "第三投票站", StationKind::Sub),
            &city,
            false,
            at(61),
        )
        .await
        .unwrap_err();
    assert_eq!(polling_error(err), PollingStateError::PollsStarted);
    assert_eq!(store.list_stations(e).await.unwrap().len(), 5);
}

async fn an_assembly_has_one_box(store: Arc<dyn Store>) {
    let city = rules("city-2009");
    // Not even the first station may be anything but the central one.
    let e = election(&*store, "city-2009").await;
    let err = store
        .add_station(
            e,
            &new_station("S1", "会场", StationKind::Sub),
            &city,
            true,
            at(-60),
        )
        .await
        .unwrap_err();
    assert_eq!(station_refusal(err), StationRefusal::AssemblyOneBox);
    assert_eq!(store.list_stations(e).await.unwrap(), Vec::new());

    let central = new_station("central", "居民代表会议会场", StationKind::Central);
    let stored = store
        .add_station(e, &central, &city, true, at(-59))
        .await
        .unwrap();
    assert_eq!(stored, fresh(&central, at(-59)));
    for new in [
        new_station("S1", "分会场", StationKind::Sub),
        new_station("M1", "流动票箱一", StationKind::Mobile),
        new_station("central2", "第二会场", StationKind::Central),
    ] {
        let err = store
            .add_station(e, &new, &city, true, at(-58))
            .await
            .unwrap_err();
        assert_eq!(
            station_refusal(err),
            StationRefusal::AssemblyOneBox,
            "{new:?}"
        );
    }
    assert_eq!(store.list_stations(e).await.unwrap(), vec![stored]);
}

async fn mobile_boxes_need_approval_under_zj_2020(store: Arc<dyn Store>) {
    let zj = rules("zhejiang-2020");
    assert!(zj.mobile_boxes_need_approval);
    let e = election(&*store, "zhejiang-2020").await;
    let central = store
        .add_station(
            e,
            &new_station("central", "中心投票站", StationKind::Central),
            &zj,
            false,
            at(-60),
        )
        .await
        .unwrap();
    // A fixed station needs no approval.
    let sub = store
        .add_station(
            e,
            &new_station("S1", "第一投票站", StationKind::Sub),
            &zj,
            false,
            at(-59),
        )
        .await
        .unwrap();
    assert_eq!(sub.approval, None);

    let mut mobile = new_station("M1", "流动票箱一", StationKind::Mobile);
    let err = store
        .add_station(e, &mobile, &zj, false, at(-58))
        .await
        .unwrap_err();
    assert_eq!(polling_error(err), PollingStateError::ApprovalMissing);
    // Blank words are no approval.
    mobile.approval = Some("  ".to_owned());
    let err = store
        .add_station(e, &mobile, &zj, false, at(-58))
        .await
        .unwrap_err();
    assert_eq!(polling_error(err), PollingStateError::ApprovalMissing);
    assert_eq!(
        store.list_stations(e).await.unwrap(),
        vec![central.clone(), sub.clone()]
    );

    mobile.approval = Some("选举委员会2026年4月1日会议批准，名单已公布".to_owned());
    let stored = store
        .add_station(e, &mobile, &zj, false, at(-57))
        .await
        .unwrap();
    assert_eq!(stored, fresh(&mobile, at(-57)));
    assert_eq!(
        store.list_stations(e).await.unwrap(),
        vec![central, sub, stored]
    );

    // Under City-2009 no approval is needed.
    let city_election = election(&*store, "city-2009").await;
    let plain = new_station("M1", "流动票箱一", StationKind::Mobile);
    let stored = store
        .add_station(city_election, &plain, &rules("city-2009"), false, at(-50))
        .await
        .unwrap();
    assert_eq!(stored, fresh(&plain, at(-50)));
}

// --- polls (R-POLL-5) -----------------------------------------------------------

async fn polls_open_issue_and_close_in_order(store: Arc<dyn Store>) {
    let city = rules("city-2009");
    let e = election(&*store, "city-2009").await;
    let central = new_station("central", "中心投票站", StationKind::Central);
    let sub = new_station("S1", "第一投票站", StationKind::Sub);
    store
        .add_station(e, &central, &city, false, at(-60))
        .await
        .unwrap();
    let sub_stored = store
        .add_station(e, &sub, &city, false, at(-59))
        .await
        .unwrap();

    // Nothing is issued, and polls do not close, before they open.
    let err = store
        .record_issued(e, "central", 1, at(-1))
        .await
        .unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::NotOpen);
    let err = store.close_polls(e, "central", at(-1)).await.unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::NotOpen);
    assert_eq!(
        store.list_stations(e).await.unwrap(),
        vec![fresh(&central, at(-60)), sub_stored.clone()]
    );

    let opened = store.open_polls(e, "central", 0, at(0)).await.unwrap();
    let mut expected = fresh(&central, at(-60));
    expected.polls = Polls::Open;
    expected.opened_at = Some(at(0));
    assert_eq!(opened, expected);
    let err = store.open_polls(e, "central", 0, at(1)).await.unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::AlreadyOpen);

    let issued = store.record_issued(e, "central", 3, at(5)).await.unwrap();
    assert_eq!(issued.issued, 3);
    let issued = store.record_issued(e, "central", -1, at(6)).await.unwrap();
    assert_eq!(issued.issued, 2);
    // Taking back more than was issued: refused, the count stays.
    let err = store
        .record_issued(e, "central", -3, at(7))
        .await
        .unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::NothingToTakeBack);
    expected.issued = 2;
    assert_eq!(
        store.list_stations(e).await.unwrap(),
        vec![expected.clone(), sub_stored.clone()],
        "the other station is untouched"
    );
    // Taking back everything is fine.
    let issued = store.record_issued(e, "central", -2, at(8)).await.unwrap();
    assert_eq!(issued.issued, 0);
    let issued = store.record_issued(e, "central", 5, at(9)).await.unwrap();
    assert_eq!(issued.issued, 5);
    expected.issued = 5;

    let closed = store.close_polls(e, "central", at(600)).await.unwrap();
    expected.polls = Polls::Closed;
    expected.closed_at = Some(at(600));
    assert_eq!(closed, expected);
    let err = store
        .record_issued(e, "central", 1, at(601))
        .await
        .unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::NotOpen);
    let err = store
        .record_issued(e, "central", -1, at(601))
        .await
        .unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::NotOpen);
    let err = store.close_polls(e, "central", at(602)).await.unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::AlreadyClosed);
    let err = store
        .open_polls(e, "central", 0, at(603))
        .await
        .unwrap_err();
    assert_eq!(polls_refusal(err), PollsRefusal::AlreadyClosed);
    assert_eq!(
        store.list_stations(e).await.unwrap(),
        vec![expected, sub_stored]
    );

    // Unknown stations, and a station of an unknown election.
    for code in ["S9", "Central", ""] {
        let err = store.open_polls(e, code, 0, at(0)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{code}: {err:?}");
        let err = store.record_issued(e, code, 1, at(0)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{code}: {err:?}");
        let err = store.close_polls(e, code, at(0)).await.unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{code}: {err:?}");
    }
    let other = Uuid::new_v4();
    let err = store.open_polls(other, "S1", 0, at(0)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = store
        .record_issued(other, "S1", 1, at(0))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = store.close_polls(other, "S1", at(0)).await.unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    // S1 of this election is still not opened.
    assert_eq!(
        store.list_stations(e).await.unwrap()[1].polls,
        Polls::NotOpened
    );
}

// --- scans (R-CNT-1) ---------------------------------------------------------------

/// An election with stations central, S1 (sub) and M1 (mobile), ballots
/// `random(1..=20)` printed and `random(20)` voided.
async fn counting_election(store: &dyn Store) -> Uuid {
    let city = rules("city-2009");
    let e = election(store, "city-2009").await;
    for (code, name, kind) in [
        ("central", "中心投票站", StationKind::Central),
        ("S1", "第一投票站", StationKind::Sub),
        ("M1", "流动票箱一", StationKind::Mobile),
    ] {
        store
            .add_station(e, &new_station(code, name, kind), &city, false, at(-60))
            .await
            .unwrap();
    }
    print(store, e, 1, (1..=12).map(random).collect()).await;
    print(store, e, 2, (13..=20).map(random).collect()).await;
    let voided = store
        .void_serial(e, random(20), "印刷污损", at(-200))
        .await
        .unwrap();
    assert!(voided.voided_at.is_some());
    e
}

async fn scans_count_each_ballot_once(store: Arc<dyn Store>) {
    let e = counting_election(&*store).await;
    let a = marks("王六");
    let b = marks("司七");

    // R-CNT-1: not before polls close, whether they are open or not yet.
    store.open_polls(e, "central", 0, at(0)).await.unwrap();
    for station in ["central", "M1"] {
        let outcome = one_scan(&*store, e, scan(station, random(1), &a), at(10)).await;
        assert_eq!(
            outcome,
            ScanOutcome::Refused(ScanRefusal::Polls(PollsRefusal::NotClosed)),
            "{station}"
        );
        if let ScanOutcome::Refused(ScanRefusal::Polls(refusal)) = outcome {
            assert_eq!(refusal.rule(), "R-CNT-1");
        }
    }
    assert_eq!(store.list_scans(e).await.unwrap(), Vec::new());
    store.close_polls(e, "central", at(600)).await.unwrap();
    open_and_close(&*store, e, "S1").await;

    // Receipts numbered per station, in the order stored.
    let c1 = receipt("central", 1, at(610), &a);
    assert_eq!(
        one_scan(&*store, e, scan("central", random(1), &a), at(610)).await,
        ScanOutcome::Recorded(c1.clone())
    );
    let s1 = receipt("S1", 1, at(611), &b);
    assert_eq!(
        one_scan(&*store, e, scan("S1", random(2), &b), at(611)).await,
        ScanOutcome::Recorded(s1.clone())
    );
    let c2 = receipt("central", 2, at(612), &b);
    assert_eq!(
        one_scan(&*store, e, scan("central", random(3), &b), at(612)).await,
        ScanOutcome::Recorded(c2.clone())
    );
    let stored = vec![c1.clone(), c2.clone(), s1.clone()];
    assert_eq!(store.list_scans(e).await.unwrap(), stored);

    // The same ballot again: with the same marks, a retry (the first
    // receipt, time included); with other marks, refused as a duplicate.
    // Either way nothing is written.
    assert_eq!(
        one_scan(&*store, e, scan("central", random(1), &a), at(620)).await,
        ScanOutcome::Replayed(c1.clone())
    );
    assert_eq!(
        one_scan(&*store, e, scan("central", random(1), &b), at(621)).await,
        ScanOutcome::Duplicate(c1.clone())
    );
    assert_eq!(
        one_scan(&*store, e, scan("S1", random(2), &a), at(622)).await,
        ScanOutcome::Duplicate(s1.clone())
    );
    // The same ballot at another station, even with the same marks, is not
    // a retry of the first request.
    assert_eq!(
        one_scan(&*store, e, scan("S1", random(1), &a), at(623)).await,
        ScanOutcome::Duplicate(c1.clone())
    );
    assert_eq!(store.list_scans(e).await.unwrap(), stored);

    // Never printed, voided, no such station (or one that is not closed):
    // refused, nothing written.
    assert_eq!(
        one_scan(&*store, e, scan("central", random(999), &a), at(630)).await,
        ScanOutcome::Refused(ScanRefusal::NotPrinted)
    );
    assert_eq!(
        one_scan(&*store, e, scan("central", random(20), &a), at(631)).await,
        ScanOutcome::Refused(ScanRefusal::Voided)
    );
    assert_eq!(
        one_scan(&*store, e, scan("S9", random(4), &a), at(632)).await,
        ScanOutcome::Refused(ScanRefusal::NoSuchStation)
    );
    assert_eq!(
        one_scan(&*store, e, scan("M1", random(4), &a), at(633)).await,
        ScanOutcome::Refused(ScanRefusal::Polls(PollsRefusal::NotClosed))
    );
    // Another election's stations and ballots are not this one's.
    let other = election(&*store, "city-2009").await;
    assert_eq!(
        one_scan(&*store, other, scan("central", random(4), &a), at(634)).await,
        ScanOutcome::Refused(ScanRefusal::NoSuchStation)
    );
    assert_eq!(store.list_scans(e).await.unwrap(), stored);
    assert_eq!(store.list_scans(other).await.unwrap(), Vec::new());

    // The ballot refused at S9 and M1 is counted when scanned right, and
    // numbering goes on where it was.
    let c3 = receipt("central", 3, at(640), &a);
    assert_eq!(
        one_scan(&*store, e, scan("central", random(4), &a), at(640)).await,
        ScanOutcome::Recorded(c3.clone())
    );

    // Each station's `scanned` counts its scans.
    let counts: Vec<(String, Polls, u64, u64)> = store
        .list_stations(e)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.code, s.polls, s.issued, s.scanned))
        .collect();
    assert_eq!(
        counts,
        vec![
            ("central".to_owned(), Polls::Closed, 0, 3),
            ("S1".to_owned(), Polls::Closed, 0, 1),
            ("M1".to_owned(), Polls::NotOpened, 0, 0),
        ]
    );
    // By station in the order set up (not by code), then by number.
    assert_eq!(store.list_scans(e).await.unwrap(), vec![c1, c2, c3, s1]);
}

async fn a_batch_of_scans_meets_itself(store: Arc<dyn Store>) {
    let e = counting_election(&*store).await;
    open_and_close(&*store, e, "central").await;
    open_and_close(&*store, e, "S1").await;
    let a = marks("王六");
    let b = marks("司七");

    // One call (a group commit): each scan gets its own outcome, and a
    // ballot appearing twice meets its own first scan.
    let outcomes = store
        .record_scans(
            e,
            &[
                scan("S1", random(5), &a),
                scan("central", random(6), &a),
                scan("S1", random(5), &a),
                scan("central", random(6), &b),
                scan("central", random(777), &a),
                scan("central", random(20), &a),
                scan("S9", random(7), &a),
                scan("M1", random(7), &a),
                scan("S1", random(7), &b),
                scan("central", random(8), &b),
            ],
            at(700),
        )
        .await
        .unwrap();
    let s1 = receipt("S1", 1, at(700), &a);
    let c1 = receipt("central", 1, at(700), &a);
    let s2 = receipt("S1", 2, at(700), &b);
    let c2 = receipt("central", 2, at(700), &b);
    assert_eq!(
        outcomes,
        vec![
            ScanOutcome::Recorded(s1.clone()),
            ScanOutcome::Recorded(c1.clone()),
            ScanOutcome::Replayed(s1.clone()),
            ScanOutcome::Duplicate(c1.clone()),
            ScanOutcome::Refused(ScanRefusal::NotPrinted),
            ScanOutcome::Refused(ScanRefusal::Voided),
            ScanOutcome::Refused(ScanRefusal::NoSuchStation),
            ScanOutcome::Refused(ScanRefusal::Polls(PollsRefusal::NotClosed)),
            ScanOutcome::Recorded(s2.clone()),
            ScanOutcome::Recorded(c2.clone()),
        ]
    );
    assert_eq!(
        store.list_scans(e).await.unwrap(),
        vec![c1.clone(), c2.clone(), s1.clone(), s2.clone()]
    );

    // The same call again (a retried request): all replays and the same
    // refusals, nothing written.
    let again = store
        .record_scans(
            e,
            &[
                scan("S1", random(5), &a),
                scan("central", random(6), &a),
                scan("central", random(777), &a),
                scan("S1", random(7), &b),
            ],
            at(705),
        )
        .await
        .unwrap();
    assert_eq!(
        again,
        vec![
            ScanOutcome::Replayed(s1.clone()),
            ScanOutcome::Replayed(c1.clone()),
            ScanOutcome::Refused(ScanRefusal::NotPrinted),
            ScanOutcome::Replayed(s2.clone()),
        ]
    );
    assert_eq!(store.list_scans(e).await.unwrap(), vec![c1, c2, s1, s2]);
    let scanned: Vec<u64> = store
        .list_stations(e)
        .await
        .unwrap()
        .iter()
        .map(|s| s.scanned)
        .collect();
    assert_eq!(scanned, vec![2, 2, 0]);

    // An empty call stores nothing and says nothing.
    assert_eq!(
        store.record_scans(e, &[], at(710)).await.unwrap(),
        Vec::new()
    );
}

// --- concurrency ----------------------------------------------------------------------

/// Runs `calls` concurrently, released together once every task is
/// running; returns each call's result in the calls' order.
async fn together<T, F, Fut>(calls: usize, call: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let start = Arc::new(tokio::sync::Barrier::new(calls));
    let handles: Vec<_> = (0..calls)
        .map(|i| {
            let start = start.clone();
            let fut = call(i);
            tokio::spawn(async move {
                start.wait().await;
                fut.await
            })
        })
        .collect();
    let mut results = Vec::with_capacity(calls);
    for handle in handles {
        results.push(handle.await.unwrap());
    }
    results
}

async fn concurrent_scans_store_each_ballot_once(store: Arc<dyn Store>) {
    const TASKS: usize = 8;
    const BALLOTS: usize = 48;
    const WINDOW: usize = 18;
    const ROUNDS: usize = 3;
    let city = rules("city-2009");
    let e = election(&*store, "city-2009").await;
    let stations = ["central", "S1", "M1"];
    for (code, kind) in
        stations
            .iter()
            .zip([StationKind::Central, StationKind::Sub, StationKind::Mobile])
    {
        store
            .add_station(e, &new_station(code, code, kind), &city, false, at(-60))
            .await
            .unwrap();
    }
    for code in stations {
        open_and_close(&*store, e, code).await;
    }
    // Warm the pool so that the calls below overlap inside the database
    // rather than wait for connections one by one.
    together(TASKS, |_| {
        let store = store.clone();
        async move { store.list_stations(e).await.unwrap() }
    })
    .await;

    // Every ballot has one station and one set of marks, whoever scans it.
    let station_of = |n: usize| stations[n % stations.len()];
    let marks_of = |n: usize| marks(&format!("候选人{}", n % 7));
    let mut first: HashMap<[u8; 8], Receipt> = HashMap::new();
    for round in 0..ROUNDS {
        let base = 1000 + round * BALLOTS;
        let randoms: Vec<[u8; 8]> = (0..BALLOTS)
            .map(|i| random(u16::try_from(base + i).unwrap()))
            .collect();
        print(
            &*store,
            e,
            u16::try_from(round + 1).unwrap(),
            randoms.clone(),
        )
        .await;
        // Task t scans a window of 18 ballots starting at 6t (wrapping):
        // every ballot is in three tasks' windows, and odd tasks scan theirs
        // backwards, so calls meet each other in both orders.
        let results = together(TASKS, |t| {
            let store = store.clone();
            let mut mine: Vec<NewScan> = (0..WINDOW)
                .map(|k| {
                    let n = (t * BALLOTS / TASKS + k) % BALLOTS;
                    scan(station_of(n), randoms[n], &marks_of(n))
                })
                .collect();
            if t % 2 == 1 {
                mine.reverse();
            }
            async move {
                let outcomes = store
                    .record_scans(e, &mine, at(700 + 10 * round as i64))
                    .await;
                (mine, outcomes)
            }
        })
        .await;

        let mut recorded: HashMap<[u8; 8], Receipt> = HashMap::new();
        let mut seen: Vec<(usize, [u8; 8], Receipt, bool)> = Vec::new();
        for (t, (mine, outcomes)) in results.into_iter().enumerate() {
            let outcomes = outcomes.unwrap_or_else(|err| {
                panic!("round {round}, task {t}: record_scans failed: {err:?}")
            });
            assert_eq!(outcomes.len(), mine.len(), "task {t}");
            for (s, outcome) in mine.iter().zip(outcomes) {
                let (r, is_first) = match outcome {
                    ScanOutcome::Recorded(r) => (r, true),
                    ScanOutcome::Replayed(r) => (r, false),
                    other => panic!("round {round}, task {t}, {s:?}: {other:?}"),
                };
                assert_eq!(
                    (r.station.as_str(), r.marks.as_str()),
                    (s.station.as_str(), s.marks.as_str())
                );
                if is_first {
                    let before = recorded.insert(s.random, r.clone());
                    assert!(
                        before.is_none(),
                        "{s:?} recorded twice: {before:?} and {r:?}"
                    );
                }
                seen.push((t, s.random, r, is_first));
            }
        }
        // Every ballot of the round recorded exactly once, and every replay
        // gives that one receipt.
        assert_eq!(recorded.len(), BALLOTS, "round {round}");
        for (t, r, receipt, _) in &seen {
            assert_eq!(&recorded[r], receipt, "round {round}, task {t}");
        }
        first.extend(recorded);

        // Receipt numbers per station are 1..=n without gaps, and the list
        // agrees with the receipts handed out.
        let listed = store.list_scans(e).await.unwrap();
        assert_eq!(listed.len(), BALLOTS * (round + 1));
        let per_station = BALLOTS / stations.len() * (round + 1);
        let mut expected = Vec::new();
        for code in stations {
            let mut mine: Vec<&Receipt> = first.values().filter(|r| r.station == code).collect();
            mine.sort_by_key(|r| r.number);
            assert_eq!(
                mine.iter().map(|r| r.number).collect::<Vec<_>>(),
                (1..=per_station as u64).collect::<Vec<_>>(),
                "round {round}, {code}"
            );
            expected.extend(mine.into_iter().cloned());
        }
        assert_eq!(listed, expected, "round {round}");
        let scanned: BTreeMap<String, u64> = store
            .list_stations(e)
            .await
            .unwrap()
            .into_iter()
            .map(|s| (s.code, s.scanned))
            .collect();
        for code in stations {
            assert_eq!(scanned[code], per_station as u64, "round {round}, {code}");
        }
    }
}

async fn concurrent_issues_are_all_counted(store: Arc<dyn Store>) {
    const TASKS: usize = 8;
    const EACH: usize = 10;
    let city = rules("city-2009");
    let e = election(&*store, "city-2009").await;
    store
        .add_station(
            e,
            &new_station("central", "中心投票站", StationKind::Central),
            &city,
            false,
            at(-60),
        )
        .await
        .unwrap();
    store.open_polls(e, "central", 0, at(0)).await.unwrap();
    // Each task issues 2 and takes 1 back, ten times: no update is lost,
    // and the count never needs to go below zero.
    let results = together(TASKS, |_| {
        let store = store.clone();
        async move {
            let mut seen = Vec::new();
            for i in 0..EACH {
                let now = at(1 + i as i64);
                seen.push(
                    store
                        .record_issued(e, "central", 2, now)
                        .await
                        .map(|s| s.issued),
                );
                seen.push(
                    store
                        .record_issued(e, "central", -1, now)
                        .await
                        .map(|s| s.issued),
                );
            }
            seen
        }
    })
    .await;
    for (t, seen) in results.into_iter().enumerate() {
        for result in seen {
            let issued = result.unwrap_or_else(|err| panic!("task {t}: {err:?}"));
            assert!(
                issued >= 1 && issued <= (2 * TASKS * EACH) as u64,
                "{issued}"
            );
        }
    }
    let station = &store.list_stations(e).await.unwrap()[0];
    assert_eq!(station.issued, (TASKS * EACH) as u64);
}

async fn concurrent_station_setup_keeps_r_poll_1(store: Arc<dyn Store>) {
    const TASKS: usize = 8;
    let city = rules("city-2009");
    let e = election(&*store, "city-2009").await;
    // Eight mobile boxes and eight central stations at once, each with its
    // own code and name: two boxes and one central station get in.
    let results = together(2 * TASKS, |i| {
        let store = store.clone();
        let city = city.clone();
        let new = if i % 2 == 0 {
            new_station(
                &format!("M{i}"),
                &format!("流动票箱{i}"),
                StationKind::Mobile,
            )
        } else {
            new_station(
                &format!("C{i}"),
                &format!("中心投票站{i}"),
                StationKind::Central,
            )
        };
        async move {
            (
                new.kind,
                store.add_station(e, &new, &city, false, at(-60)).await,
            )
        }
    })
    .await;
    let mut added = Vec::new();
    for (kind, result) in results {
        match result {
            Ok(station) => added.push(station.code),
            Err(err) => {
                let refusal = station_refusal(err);
                let expected = match kind {
                    StationKind::Mobile => StationRefusal::TooManyMobile { max: 2 },
                    _ => StationRefusal::SecondCentral,
                };
                assert_eq!(refusal, expected);
            }
        }
    }
    let listed = store.list_stations(e).await.unwrap();
    let kinds: Vec<StationKind> = listed.iter().map(|s| s.kind).collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == StationKind::Mobile).count(),
        2,
        "{listed:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == StationKind::Central).count(),
        1,
        "{listed:?}"
    );
    let mut listed_codes: Vec<String> = listed.into_iter().map(|s| s.code).collect();
    listed_codes.sort();
    added.sort();
    assert_eq!(listed_codes, added);
}

// --- staff, reviews, the live count (issue 6) --------------------------------

async fn polls_open_only_with_enough_scrutineers(store: Arc<dyn Store>) {
    let e = counting_election(&*store).await;
    // R-POLL-2: nobody appointed for the station; nothing changes. (The
    // appointments themselves need a published roll: the end-to-end
    // polling test opens a station with three.)
    let err = store.open_polls(e, "central", 3, at(0)).await.unwrap_err();
    let refusal = polls_refusal(err);
    assert_eq!(
        refusal,
        PollsRefusal::TooFewScrutineers { named: 0, min: 3 }
    );
    assert_eq!(refusal.rule(), "R-POLL-2");
    assert_eq!(
        store.list_stations(e).await.unwrap()[0].polls,
        Polls::NotOpened
    );
    let opened = store.open_polls(e, "central", 0, at(1)).await.unwrap();
    assert_eq!(opened.polls, Polls::Open);
}

async fn a_person_decides_what_the_reader_could_not(store: Arc<dyn Store>) {
    let e = counting_election(&*store).await;
    open_and_close(&*store, e, "central").await;
    let clear = marks("王六");
    let unsure = r#"{"member":["丁一"]}"#;
    let why = r#"{"reasons":[{"kind":"ambiguous","position":"director","row":1}]}"#;
    let mut flagged = scan("central", random(2), unsure);
    flagged.review = Some(why.to_owned());
    let outcomes = store
        .record_scans(
            e,
            &[scan("central", random(1), &clear), flagged.clone()],
            at(610),
        )
        .await
        .unwrap();
    assert!(
        matches!(outcomes[1], ScanOutcome::Recorded(ref r) if r.number == 2),
        "{outcomes:?}"
    );
    // A retried request is still recognised by what was scanned.
    assert!(matches!(
        one_scan(&*store, e, flagged.clone(), at(611)).await,
        ScanOutcome::Replayed(_)
    ));

    let queue = store.list_reviews(e, None).await.unwrap();
    assert_eq!(queue.len(), 1, "{queue:?}");
    let q = &queue[0];
    assert_eq!((q.station.as_str(), q.number), ("central", 2));
    assert_eq!((q.batch, q.style), (1, 1));
    assert_eq!(q.random, hex_of(random(2)));
    assert_eq!((q.marks.as_str(), q.review.as_str()), (unsure, why));
    assert_eq!(q.decision, None);
    assert!(store.list_reviews(e, Some("S1")).await.unwrap().is_empty());
    assert_eq!(store.list_reviews(e, Some("central")).await.unwrap(), queue);

    // Until decided, the ballot counts as cast but its marks do not.
    let counted = store.counted_scans(e, &HashMap::new()).await.unwrap();
    assert_eq!(
        counted,
        vec![
            CountedScan {
                station: "central".into(),
                number: 1,
                random: random(1),
                marks: Some(clear.clone())
            },
            CountedScan {
                station: "central".into(),
                number: 2,
                random: random(2),
                marks: None
            },
        ]
    );

    let decided_marks = r#"{"director":["王六"],"member":["丁一"]}"#;
    let decided = store
        .decide_scan(e, "central", 2, decided_marks, "committee", at(620))
        .await
        .unwrap();
    assert_eq!(decided.decision.as_deref(), Some(decided_marks));
    assert_eq!(decided.decided_by.as_deref(), Some("committee"));
    assert_eq!(decided.decided_at, Some(at(620)));
    assert_eq!(decided.marks, unsure, "what was scanned is kept");
    let counted = store.counted_scans(e, &HashMap::new()).await.unwrap();
    assert_eq!(counted[1].marks.as_deref(), Some(decided_marks));

    // Once only; a ballot with no question, or none at all, is refused.
    for (number, expect_not_found) in [(2, false), (1, false), (9, true)] {
        let err = store
            .decide_scan(e, "central", number, "{}", "committee", at(630))
            .await
            .unwrap_err();
        if expect_not_found {
            assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
        } else {
            assert!(matches!(
                polling_error(err),
                PollingStateError::NothingToDecide
            ));
        }
    }
    assert_eq!(
        store.list_reviews(e, None).await.unwrap()[0]
            .decision
            .as_deref(),
        Some(decided_marks)
    );
}

fn hex_of(bytes: [u8; 8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

async fn counted_scans_read_on_from_a_cursor(store: Arc<dyn Store>) {
    let e = counting_election(&*store).await;
    open_and_close(&*store, e, "central").await;
    open_and_close(&*store, e, "S1").await;
    let m = marks("王六");
    let batch: Vec<NewScan> = [
        ("central", 1),
        ("S1", 2),
        ("central", 3),
        ("S1", 4),
        ("central", 5),
    ]
    .iter()
    .map(|(st, n)| scan(st, random(*n), &m))
    .collect();
    store.record_scans(e, &batch, at(610)).await.unwrap();
    let all = store.counted_scans(e, &HashMap::new()).await.unwrap();
    let order: Vec<(String, u64)> = all.iter().map(|c| (c.station.clone(), c.number)).collect();
    let expect = |v: &[(&str, u64)]| -> Vec<(String, u64)> {
        v.iter().map(|(s, n)| (s.to_string(), *n)).collect()
    };
    assert_eq!(
        order,
        expect(&[
            ("central", 1),
            ("central", 2),
            ("central", 3),
            ("S1", 1),
            ("S1", 2)
        ])
    );
    let after = HashMap::from([("central".to_owned(), 2u64), ("S1".to_owned(), 2u64)]);
    let newer = store.counted_scans(e, &after).await.unwrap();
    assert_eq!(newer.len(), 1);
    assert_eq!((newer[0].station.as_str(), newer[0].number), ("central", 3));
    let only_central = HashMap::from([("central".to_owned(), 3u64)]);
    let rest = store.counted_scans(e, &only_central).await.unwrap();
    let order: Vec<(String, u64)> = rest.iter().map(|c| (c.station.clone(), c.number)).collect();
    assert_eq!(order, expect(&[("S1", 1), ("S1", 2)]));
    // Another election's ballots never show.
    let other = counting_election(&*store).await;
    assert!(store
        .counted_scans(other, &HashMap::new())
        .await
        .unwrap()
        .is_empty());
}

async fn changes_are_heard_after_commit(store: Arc<dyn Store>) {
    let mut heard = store.changes();
    let e = counting_election(&*store).await;
    // Wait for a change about `e` (PostgreSQL may first say "recount
    // everything" when its listener connects).
    async fn next_about(
        heard: &mut tokio::sync::broadcast::Receiver<huanjie_store::Change>,
        e: Uuid,
    ) -> huanjie_store::Change {
        loop {
            let change = tokio::time::timeout(std::time::Duration::from_secs(10), heard.recv())
                .await
                .expect("a change within 10 s")
                .expect("the channel is open");
            if change.election == e {
                return change;
            }
        }
    }
    store.open_polls(e, "central", 0, at(0)).await.unwrap();
    assert!(!next_about(&mut heard, e).await.recount);
    store.close_polls(e, "central", at(600)).await.unwrap();
    assert!(!next_about(&mut heard, e).await.recount);
    let mut flagged = scan("central", random(1), "{}");
    flagged.review = Some(r#"{"reasons":[{"kind":"unreadable"}]}"#.to_owned());
    store.record_scans(e, &[flagged], at(610)).await.unwrap();
    assert!(!next_about(&mut heard, e).await.recount);
    store
        .decide_scan(
            e,
            "central",
            1,
            r#"{"unreadable":true}"#,
            "committee",
            at(620),
        )
        .await
        .unwrap();
    assert!(
        next_about(&mut heard, e).await.recount,
        "a decision asks for a recount"
    );
    // A refused step says nothing.
    store.close_polls(e, "central", at(630)).await.unwrap_err();
    let quiet = tokio::time::timeout(
        std::time::Duration::from_millis(300),
        next_about(&mut heard, e),
    )
    .await;
    assert!(quiet.is_err(), "a refused step was heard: {quiet:?}");
}

async fn certification_locks_the_ballots(store: Arc<dyn Store>) {
    use huanjie_store::{NewCertification, SigningKey};
    let e = counting_election(&*store).await;
    open_and_close(&*store, e, "central").await;
    let mut flagged = scan("central", random(2), "{}");
    flagged.review = Some(r#"{"reasons":[{"kind":"unreadable"}]}"#.to_owned());
    store
        .record_scans(
            e,
            &[scan("central", random(1), &marks("王六")), flagged],
            at(610),
        )
        .await
        .unwrap();

    // One key per election: the first stored stays.
    assert_eq!(store.find_signing_key(e).await.unwrap(), None);
    let first = SigningKey {
        pkcs8: vec![1, 2, 3],
        public_key: [7; 32],
    };
    let second = SigningKey {
        pkcs8: vec![4, 5, 6],
        public_key: [8; 32],
    };
    assert_eq!(store.signing_key(e, &first, at(620)).await.unwrap(), first);
    assert_eq!(store.signing_key(e, &second, at(621)).await.unwrap(), first);
    assert_eq!(store.find_signing_key(e).await.unwrap(), Some(first));

    let new = NewCertification {
        round: "general".to_owned(),
        document: r#"{"format":"huanjie.signed-result/1"}"#.to_owned(),
        signature: [9; 64],
        certified_by: "chair".to_owned(),
    };
    let certified = store.certify(e, &new, at(630)).await.unwrap();
    assert_eq!(
        (certified.document.as_str(), certified.signature),
        (new.document.as_str(), [9; 64])
    );
    assert_eq!(certified.certified_at, at(630));
    assert_eq!(
        store.certifications(e).await.unwrap(),
        vec![certified.clone()]
    );
    let again = store.certify(e, &new, at(631)).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(_)), "{again:?}");

    // Locked: no scan, no decision, no step of the day.
    assert_eq!(
        one_scan(
            &*store,
            e,
            scan("central", random(3), &marks("王六")),
            at(640)
        )
        .await,
        ScanOutcome::Refused(ScanRefusal::Certified)
    );
    let err = store
        .decide_scan(e, "central", 2, r#"{"unreadable":true}"#, "chair", at(641))
        .await
        .unwrap_err();
    assert!(matches!(polling_error(err), PollingStateError::Certified));
    let err = store.close_polls(e, "S1", at(642)).await.unwrap_err();
    assert!(matches!(polling_error(err), PollingStateError::Certified));
    assert_eq!(store.list_scans(e).await.unwrap().len(), 2);
    // Another election is not locked by this one.
    let other = counting_election(&*store).await;
    open_and_close(&*store, other, "central").await;
    assert!(matches!(
        one_scan(
            &*store,
            other,
            scan("central", random(3), &marks("王六")),
            at(650)
        )
        .await,
        ScanOutcome::Recorded(_)
    ));
}
