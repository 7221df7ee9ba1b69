//! The storage conformance suite for the sampling audit (issue 8;
//! docs/sampling-audit.md): the population a draw is made from, an audit
//! stored with its draws only while that population stands, and a finding
//! per drawn serial, recorded once (like a scan's decision).
//!
//! As in `polling_conformance.rs`, every scenario runs on a fresh SQLite
//! file and on a brand-new PostgreSQL database.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use huanjie_core::polling::StationKind;
use huanjie_core::profile::Profile;
use huanjie_store::{
    AuditBallot, BodyKind, DrawnSerial, Finding, NewBatch, NewElection, NewFinding, NewSampleAudit,
    NewScan, NewStation, PositionSeats, ScanOutcome, Store, StoreError,
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
    an_audit_is_stored_with_its_draws,
    an_audit_needs_the_population_it_was_drawn_from,
    a_finding_is_recorded_once_per_drawn_serial,
    concurrent_findings_for_one_serial_store_one,
);

/// A serial's random part, `n` inside fixed noise.
fn random(n: u16) -> [u8; 8] {
    let [hi, lo] = n.to_be_bytes();
    [0x5B, lo, 0xA1, hi, 0x3C, lo ^ 0xFF, 0x69, 0x12]
}

/// The text the caller would draw for `n` (the store keeps it as given).
fn serial(n: u16) -> String {
    format!("HJ1TEST{}", hex::encode(random(n)).to_uppercase())
}

fn marks(who: &str) -> String {
    format!(r#"{{"marks":{{"director":{{"{who}":"for"}}}}}}"#)
}

/// A closed election with stations `central` (batch 1, style 1) and `S1`
/// (batch 2, style 2) and `counted` ballots counted, alternating; ballot 2
/// went to a person who decided it.
async fn counted_election(store: &dyn Store, counted: u16) -> Uuid {
    let e = store
        .create_election(
            &NewElection {
                body_kind: BodyKind::ResidentsCommittee,
                title: "幸福社区第七届居民委员会选举".to_owned(),
                profile: "city-2009".to_owned(),
                election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
                seats: vec![PositionSeats {
                    position: "director".to_owned(),
                    seats: 1,
                }],
            },
            at(-600),
        )
        .await
        .unwrap()
        .id;
    let rules = Profile::builtin("city-2009").unwrap().polling;
    for (code, name, kind, batch) in [
        ("central", "中心投票站", StationKind::Central, 1u16),
        ("S1", "第一投票站", StationKind::Sub, 2),
    ] {
        store
            .add_station(
                e,
                &NewStation {
                    code: code.to_owned(),
                    name: name.to_owned(),
                    kind,
                    place: String::new(),
                    serves: String::new(),
                    approval: None,
                },
                &rules,
                false,
                at(-60),
            )
            .await
            .unwrap();
        store
            .record_batch(
                e,
                &NewBatch {
                    number: batch,
                    station: name.to_owned(),
                    style: u8::try_from(batch).unwrap(),
                    randoms: (1..=20)
                        .filter(|n| n % 2 == batch % 2)
                        .map(random)
                        .collect(),
                    serials_sha256: "0f".repeat(32),
                    reprint_of: None,
                    printed_by: "committee".to_owned(),
                },
                at(-300),
            )
            .await
            .unwrap();
    }
    for code in ["central", "S1"] {
        store.open_polls(e, code, 0, at(0)).await.unwrap();
        store.close_polls(e, code, at(600)).await.unwrap();
    }
    for n in 1..=counted {
        let station = if n % 2 == 1 { "central" } else { "S1" };
        let review = (n == 2).then(|| r#"{"reasons":[{"kind":"unreadable"}]}"#.to_owned());
        let out = store
            .record_scans(
                e,
                &[NewScan {
                    station: station.to_owned(),
                    random: random(n),
                    marks: marks(&n.to_string()),
                    scanned_by: "clerk".to_owned(),
                    review,
                }],
                at(610),
            )
            .await
            .unwrap();
        assert!(matches!(out[0], ScanOutcome::Recorded(_)), "{out:?}");
    }
    if counted >= 2 {
        store
            .decide_scan(e, "S1", 1, &marks("decided"), "committee", at(620))
            .await
            .unwrap();
    }
    e
}

fn new_audit(population: u64, drawn: &[u16]) -> NewSampleAudit {
    NewSampleAudit {
        algorithm: huanjie_core::sampling::ALGORITHM.to_owned(),
        seed: "31415926535897932384".to_owned(),
        size: drawn.len() as u64,
        population,
        population_sha256: "ab".repeat(32),
        drawn: drawn
            .iter()
            .map(|&n| DrawnSerial {
                serial: serial(n),
                random: random(n),
            })
            .collect(),
        started_by: "committee".to_owned(),
    }
}

fn finding(n: u16, finding: Finding, note: &str) -> NewFinding {
    NewFinding {
        serial: serial(n),
        finding,
        note: note.to_owned(),
        recorded_by: "committee".to_owned(),
    }
}

async fn an_audit_is_stored_with_its_draws(store: Arc<dyn Store>) {
    let e = counted_election(&*store, 6).await;
    // The population: every counted ballot, by station then number, with
    // what spells its serial.
    let ballots = store.audit_ballots(e).await.unwrap();
    assert_eq!(ballots.len(), 6);
    assert_eq!(
        ballots[0],
        AuditBallot {
            station: "central".into(),
            number: 1,
            random: random(1),
            batch: 1,
            style: 1,
        }
    );
    assert_eq!(
        ballots[3],
        AuditBallot {
            station: "S1".into(),
            number: 1,
            random: random(2),
            batch: 2,
            style: 2,
        }
    );
    assert!(store.list_sample_audits(e).await.unwrap().is_empty());

    let first = store
        .start_sample_audit(e, &new_audit(6, &[4, 2, 5]), at(700))
        .await
        .unwrap();
    assert_eq!(first.number, 1);
    assert_eq!((first.size, first.population), (3, 6));
    assert_eq!(first.seed, "31415926535897932384");
    assert_eq!(first.algorithm, "huanjie-sample/1");
    assert_eq!(first.population_sha256, "ab".repeat(32));
    assert_eq!(
        (first.matches, first.discrepancies, first.pending),
        (0, 0, 3)
    );
    assert_eq!(
        (first.started_by.as_str(), first.started_at),
        ("committee", at(700))
    );

    // In draw order, each with its ballot's recorded marks and decision.
    let drawn = store.sampled_ballots(e, 1).await.unwrap();
    let order: Vec<(u64, &str, &str, u64)> = drawn
        .iter()
        .map(|b| (b.position, b.serial.as_str(), b.station.as_str(), b.number))
        .collect();
    assert_eq!(
        order,
        vec![
            (1, serial(4).as_str(), "S1", 2),
            (2, serial(2).as_str(), "S1", 1),
            (3, serial(5).as_str(), "central", 3),
        ]
    );
    assert_eq!(drawn[0].marks, marks("4"));
    assert_eq!(
        (drawn[0].review.as_deref(), drawn[0].decision.as_deref()),
        (None, None)
    );
    assert_eq!(drawn[1].marks, marks("2"));
    assert!(drawn[1].review.as_deref().unwrap().contains("unreadable"));
    assert_eq!(drawn[1].decision, Some(marks("decided")));
    assert_eq!(drawn[1].decided_by.as_deref(), Some("committee"));
    assert_eq!(drawn[1].decided_at, Some(at(620)));
    assert!(drawn.iter().all(|b| b.finding.is_none()));

    // A second audit is numbered after the first.
    let second = store
        .start_sample_audit(e, &new_audit(6, &[1]), at(710))
        .await
        .unwrap();
    assert_eq!(second.number, 2);
    let all = store.list_sample_audits(e).await.unwrap();
    assert_eq!(all, vec![first.clone(), second.clone()]);
    assert_eq!(store.sample_audit(e, 1).await.unwrap(), Some(first));
    assert_eq!(store.sample_audit(e, 3).await.unwrap(), None);
    assert!(store.sampled_ballots(e, 3).await.unwrap().is_empty());

    // An unknown election has nothing to audit.
    let err = store
        .start_sample_audit(Uuid::new_v4(), &new_audit(0, &[]), at(720))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
}

async fn an_audit_needs_the_population_it_was_drawn_from(store: Arc<dyn Store>) {
    let e = counted_election(&*store, 4).await;
    // Drawn from 4; a fifth ballot is counted before the audit is stored.
    let out = store
        .record_scans(
            e,
            &[NewScan {
                station: "central".to_owned(),
                random: random(5),
                marks: marks("5"),
                scanned_by: "clerk".to_owned(),
                review: None,
            }],
            at(650),
        )
        .await
        .unwrap();
    assert!(matches!(out[0], ScanOutcome::Recorded(_)));
    let err = store
        .start_sample_audit(e, &new_audit(4, &[1, 2]), at(700))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    // Nothing was written: the next audit is still number 1.
    assert!(store.list_sample_audits(e).await.unwrap().is_empty());
    let audit = store
        .start_sample_audit(e, &new_audit(5, &[5]), at(701))
        .await
        .unwrap();
    assert_eq!(audit.number, 1);

    // A drawn serial must name a counted ballot of the election.
    let err = store
        .start_sample_audit(e, &new_audit(5, &[5, 17]), at(702))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    assert_eq!(store.list_sample_audits(e).await.unwrap().len(), 1);
}

async fn a_finding_is_recorded_once_per_drawn_serial(store: Arc<dyn Store>) {
    let e = counted_election(&*store, 6).await;
    store
        .start_sample_audit(e, &new_audit(6, &[3, 6, 1]), at(700))
        .await
        .unwrap();
    let matched = store
        .record_sample_finding(e, 1, &finding(6, Finding::Match, ""), at(710))
        .await
        .unwrap();
    assert_eq!((matched.position, matched.serial.clone()), (2, serial(6)));
    let f = matched.finding.unwrap();
    assert_eq!(f.finding, Finding::Match);
    assert_eq!(
        (f.recorded_by.as_str(), f.recorded_at),
        ("committee", at(710))
    );

    let differs = store
        .record_sample_finding(
            e,
            1,
            &finding(3, Finding::Discrepancy, "纸质选票主任栏为反对"),
            at(711),
        )
        .await
        .unwrap();
    let f = differs.finding.unwrap();
    assert_eq!(
        (f.finding, f.note.as_str()),
        (Finding::Discrepancy, "纸质选票主任栏为反对")
    );

    // Once per serial: a second finding, even the same, is refused and
    // the first one stands.
    for again in [Finding::Match, Finding::Discrepancy] {
        let err = store
            .record_sample_finding(e, 1, &finding(6, again, "再次核对"), at(720))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");
    }
    // Only drawn serials: one counted but not drawn, one of another audit.
    let err = store
        .record_sample_finding(e, 1, &finding(2, Finding::Match, ""), at(721))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");
    let err = store
        .record_sample_finding(e, 2, &finding(6, Finding::Match, ""), at(721))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::NotFound(_)), "{err:?}");

    let audit = store.sample_audit(e, 1).await.unwrap().unwrap();
    assert_eq!(
        (audit.matches, audit.discrepancies, audit.pending),
        (1, 1, 1)
    );
    let drawn = store.sampled_ballots(e, 1).await.unwrap();
    let findings: Vec<Option<Finding>> = drawn
        .iter()
        .map(|b| b.finding.as_ref().map(|f| f.finding))
        .collect();
    assert_eq!(
        findings,
        vec![Some(Finding::Discrepancy), Some(Finding::Match), None]
    );
    assert_eq!(drawn[1].finding.as_ref().unwrap().recorded_at, at(710));
}

async fn concurrent_findings_for_one_serial_store_one(store: Arc<dyn Store>) {
    let e = counted_election(&*store, 4).await;
    store
        .start_sample_audit(e, &new_audit(4, &[2, 3]), at(700))
        .await
        .unwrap();
    let calls = (0..8).map(|i| {
        let store = store.clone();
        tokio::spawn(async move {
            let verdict = if i % 2 == 0 {
                Finding::Match
            } else {
                Finding::Discrepancy
            };
            store
                .record_sample_finding(e, 1, &finding(3, verdict, &format!("第{i}次")), at(710))
                .await
        })
    });
    let mut ok = 0;
    for call in calls.collect::<Vec<_>>() {
        match call.await.unwrap() {
            Ok(_) => ok += 1,
            Err(StoreError::Conflict(_)) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(ok, 1);
    let audit = store.sample_audit(e, 1).await.unwrap().unwrap();
    assert_eq!(audit.matches + audit.discrepancies, 1);
    assert_eq!(audit.pending, 1);
}
