//! The resident-roll bench: writes a generated roll of 1,000,000 residents
//! into a fresh SQLite file and a fresh PostgreSQL database through the
//! `Store` port, replaces it once more, then times searches by name and by
//! resident ID and prints p50/p95/max.
//!
//! ```text
//! cargo bench -p huanjie-store --bench roll            # 1,000,000 residents
//! HUANJIE_ROLL_BENCH_N=100000 cargo bench -p huanjie-store --bench roll
//! HUANJIE_ROLL_BENCH_BACKENDS=sqlite cargo bench -p huanjie-store --bench roll
//! HUANJIE_ROLL_BENCH_IMPORT_ONLY=1 cargo bench -p huanjie-store --bench roll  # no searches
//! HUANJIE_ROLL_BENCH_NO_SEARCHES=1 cargo bench -p huanjie-store --bench roll   # import + registration
//! ```
//!
//! After the searches it times the registration steps over the whole roll:
//! `roll_tally`, `publish_roll` (tally, base and fingerprint in one
//! transaction), one `amend_roll` after publication (which recomputes the
//! fingerprint) and `voter_list`.
//!
//! PostgreSQL comes from `HUANJIE_TEST_POSTGRES_URL` or
//! `scripts/ensure-postgres.sh` (as for the conformance suite); the SQLite
//! file lives in a temporary directory. Data is generated from a fixed seed,
//! so every run writes the same roll.

// Printing rates and timing needs neither unwrap-free code nor integer-only
// arithmetic; nothing here decides a rule.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::float_arithmetic)]

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use huanjie_core::Profile;
use huanjie_store::{
    AmendOutcome, BodyKind, NewElection, NewPublication, NewResident, PositionSeats, PostgresStore,
    PublishOutcome, ResidentEdit, ResidentQuery, RollAmendment, RollChangeKind, RollOutcome,
    SqliteStore, Store,
};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};

/// splitmix64: a tiny deterministic generator, enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Common surnames, most frequent first (frequency falls off like 1/rank).
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
/// Characters of given names.
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国文辉力玉萍红梅鹏飞宇浩然子轩欣怡梓涵思雨嘉琪晨阳佳慧俊杰志强海燕春雷秋菊冬梅振华德胜永红立新金凤";
const REGIONS: [&str; 12] = [
    "110101", "110102", "110105", "110106", "110108", "110111", "310101", "310104", "440103",
    "440104", "510104", "510105",
];

fn check_char(first17: &[u8]) -> u8 {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    b"10X98765432"[(sum % 11) as usize]
}

/// A roll as a city-wide file would hold it: in group and household order,
/// 500 groups, households of 1 to 5, valid GB 11643 IDs, names with a
/// realistic skew of surnames, ~17% on the roll but not voters.
fn generate(n: usize) -> Vec<NewResident> {
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    // Surname weights ~ 1/rank, as integer thresholds.
    let weights: Vec<u64> = (1..=surnames.len() as u64).map(|r| 1_000_000 / r).collect();
    let total_weight: u64 = weights.iter().sum();
    let mut rng = Rng(0x0048_5541_4E4A_4945);
    let mut seen = HashSet::with_capacity(n);
    let mut out = Vec::with_capacity(n);
    let groups = 500;
    let per_group = n.div_ceil(groups);
    let election_day = NaiveDate::from_ymd_opt(2026, 4, 12).unwrap();
    let mut household = 0_u32;
    let mut left_in_household = 0;
    while out.len() < n {
        let group = out.len() / per_group + 1;
        if left_in_household == 0 {
            household += 1;
            left_in_household = 1 + rng.below(5);
        }
        left_in_household -= 1;
        let mut pick = rng.below(total_weight);
        let mut surname = surnames[0];
        for (s, w) in surnames.iter().zip(&weights) {
            if pick < *w {
                surname = *s;
                break;
            }
            pick -= w;
        }
        let mut name = String::new();
        name.push(surname);
        for _ in 0..(1 + rng.below(2)) {
            name.push(given[rng.below(given.len() as u64) as usize]);
        }
        let (resident_id, birth) = loop {
            let region = REGIONS[rng.below(REGIONS.len() as u64) as usize];
            let birth = NaiveDate::from_ymd_opt(1930, 1, 1).unwrap()
                + chrono::Duration::days(rng.below(29_000) as i64);
            let seq = rng.below(1000);
            let mut id = format!(
                "{region}{:04}{:02}{:02}{seq:03}",
                birth.year(),
                birth.month(),
                birth.day()
            );
            id.push(char::from(check_char(id.as_bytes())));
            if seen.insert(id.clone()) {
                break (id, birth);
            }
        };
        let odd = (resident_id.as_bytes()[16] - b'0') % 2 == 1;
        let adult = birth + chrono::Months::new(18 * 12) <= election_day;
        let category = match rng.below(100) {
            0..=79 => "registered",
            80..=89 => "registered_elsewhere",
            90..=97 => "non_registered",
            _ => "posted_staff",
        };
        let exclusion = if !adult {
            Some("under_18".to_owned())
        } else if rng.below(200) == 0 {
            Some("deprived_of_political_rights".to_owned())
        } else if category == "registered_elsewhere" && rng.below(4) == 0 {
            Some("not_taking_part".to_owned())
        } else {
            None
        };
        out.push(NewResident {
            row: u32::try_from(out.len() + 2).unwrap(),
            resident_id,
            name,
            gender: if odd { "M" } else { "F" }.to_owned(),
            group: format!("第{group:03}组"),
            household: format!("{group:03}-{household:05}"),
            address: format!("幸福路{}号{}室", household % 300 + 1, 100 + household % 23),
            category: category.to_owned(),
            residence_since: (category == "non_registered")
                .then(|| NaiveDate::from_ymd_opt(2020, 1, 1).unwrap()),
            will_participate: (category == "registered_elsewhere").then_some(exclusion.is_none()),
            committee_consent: (category == "non_registered").then_some(true),
            household_representative: left_in_household == 0,
            residents_representative: rng.below(1000) == 0,
            // R-REG-4 marks, from the row number (no draw, so the rest
            // of the roll is what it always was).
            waived: exclusion.is_none() && out.len() % 97 == 0,
            voluntary: out.len() % 3 == 0,
            exclusion,
        });
    }
    out
}

fn ms(d: Duration) -> String {
    let us = d.as_micros();
    format!("{}.{:03} ms", us / 1000, us % 1000)
}

/// p50 / p95 / max with integer index arithmetic (nearest rank).
fn percentiles(mut v: Vec<Duration>) -> String {
    v.sort();
    let n = v.len();
    let rank = |p: usize| v[(n * p).div_ceil(100).max(1) - 1];
    format!(
        "p50 {:>10}  p95 {:>10}  max {:>10}",
        ms(rank(50)),
        ms(rank(95)),
        ms(v[n - 1])
    )
}

async fn time_searches(
    store: &dyn Store,
    election: uuid::Uuid,
    label: &str,
    queries: &[ResidentQuery],
) {
    let mut times = Vec::with_capacity(queries.len());
    let mut matched = 0_u64;
    for q in queries {
        let t = Instant::now();
        let page = store.search_residents(election, q).await.unwrap();
        times.push(t.elapsed());
        matched += page.total;
        assert!(page.total >= 1, "{q:?} found nobody");
    }
    println!(
        "  {label:<34} n={:<5} {}  (mean matches {})",
        queries.len(),
        percentiles(times),
        matched / queries.len() as u64
    );
}

/// roll_tally, publish_roll, one amendment after publication, voter_list.
async fn time_registration(store: &dyn Store, election: uuid::Uuid, roll: &[NewResident]) {
    let rules = Profile::by_id("county-2006").unwrap().registration;
    let now = Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).single().unwrap();
    let voters = roll.iter().filter(|r| r.exclusion.is_none()).count() as u64;

    let t = Instant::now();
    let tally = store.roll_tally(election).await.unwrap();
    println!(
        "  roll_tally                        {:>12}",
        ms(t.elapsed())
    );
    assert_eq!(tally.voters, voters);

    let t = Instant::now();
    let outcome = store
        .publish_roll(
            election,
            &rules,
            &NewPublication {
                published_on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
                published_by: "bench".to_owned(),
                late_days: None,
            },
            now,
        )
        .await
        .unwrap();
    println!(
        "  publish_roll (tally + fingerprint){:>12}",
        ms(t.elapsed())
    );
    let PublishOutcome::Published(publication) = outcome else {
        panic!("{outcome:?}");
    };
    assert_eq!(publication.voters, voters);

    let voter = roll.iter().find(|r| r.exclusion.is_none()).unwrap();
    let page = store
        .search_residents(
            election,
            &ResidentQuery {
                resident_id: Some(voter.resident_id.clone()),
                ..ResidentQuery::default()
            },
        )
        .await
        .unwrap();
    let t = Instant::now();
    let outcome = store
        .amend_roll(
            election,
            &RollAmendment {
                change: RollChangeKind::Edit {
                    resident: page.residents[0].id,
                    edit: ResidentEdit {
                        exclusion: Some(Some("struck_off".to_owned())),
                        ..ResidentEdit::default()
                    },
                },
                reason: "bench".to_owned(),
                author: "bench".to_owned(),
                objection: None,
            },
            now,
        )
        .await
        .unwrap();
    println!(
        "  amend_roll after publication      {:>12}",
        ms(t.elapsed())
    );
    let AmendOutcome::Amended(change) = outcome else {
        panic!("{outcome:?}");
    };
    assert_ne!(change.fingerprint_after, Some(publication.fingerprint));

    let t = Instant::now();
    let list = store.voter_list(election).await.unwrap();
    println!(
        "  voter_list                        {:>12}",
        ms(t.elapsed())
    );
    assert_eq!(list.len() as u64, voters - 1);
}

async fn run(label: &str, store: Arc<dyn Store>, roll: &[NewResident]) {
    println!("\n== {label} ==");
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 9, 0, 0).single().unwrap();
    let election = store
        .create_election(
            &NewElection {
                body_kind: BodyKind::ResidentsCommittee,
                title: "全市居民委员会换届选举".to_owned(),
                profile: "county-2006".to_owned(),
                election_day: NaiveDate::from_ymd_opt(2026, 4, 12).unwrap(),
                seats: vec![PositionSeats {
                    position: "member".to_owned(),
                    seats: 7,
                }],
            },
            now,
        )
        .await
        .unwrap();
    let voters = roll.iter().filter(|r| r.exclusion.is_none()).count() as u64;
    let expected = RollOutcome::Imported {
        residents: roll.len() as u64,
        voters,
    };

    let t = Instant::now();
    let outcome = store.replace_roll(election.id, roll, now).await.unwrap();
    let first = t.elapsed();
    assert_eq!(outcome, expected);
    println!(
        "  replace_roll, empty election      {:>8.3} s  ({:.0} residents/s)",
        first.as_secs_f64(),
        roll.len() as f64 / first.as_secs_f64()
    );

    let t = Instant::now();
    let outcome = store
        .replace_roll(election.id, roll, now + chrono::Duration::hours(1))
        .await
        .unwrap();
    let again = t.elapsed();
    assert_eq!(outcome, expected);
    println!(
        "  replace_roll, replacing the same  {:>8.3} s",
        again.as_secs_f64()
    );
    if std::env::var_os("HUANJIE_ROLL_BENCH_IMPORT_ONLY").is_some() {
        return;
    }

    if std::env::var_os("HUANJIE_ROLL_BENCH_NO_SEARCHES").is_some() {
        time_registration(&*store, election.id, roll).await;
        return;
    }

    let t = Instant::now();
    let summary = store.roll_summary(election.id).await.unwrap();
    println!(
        "  roll_summary                      {:>12}",
        ms(t.elapsed())
    );
    assert_eq!(summary.residents, roll.len() as u64);
    assert_eq!(summary.voters, voters);

    let t = Instant::now();
    let page = store
        .search_residents(election.id, &ResidentQuery::default())
        .await
        .unwrap();
    println!(
        "  first page, no filter (total)     {:>12}",
        ms(t.elapsed())
    );
    assert_eq!(page.total, roll.len() as u64);

    let mut rng = Rng(42);
    let mut pick = |k: usize| -> Vec<&NewResident> {
        (0..k)
            .map(|_| &roll[rng.below(roll.len() as u64) as usize])
            .collect()
    };
    let q = |f: &dyn Fn(&NewResident) -> ResidentQuery,
             rs: &[&NewResident]|
     -> Vec<ResidentQuery> { rs.iter().map(|r| f(r)).collect() };
    let name2 = q(
        &|r| ResidentQuery {
            name: Some(r.name.chars().take(2).collect()),
            ..ResidentQuery::default()
        },
        &pick(1000),
    );
    let full = q(
        &|r| ResidentQuery {
            name: Some(r.name.clone()),
            ..ResidentQuery::default()
        },
        &pick(1000),
    );
    let id = q(
        &|r| ResidentQuery {
            resident_id: Some(r.resident_id.to_lowercase()),
            ..ResidentQuery::default()
        },
        &pick(1000),
    );
    let id14 = q(
        &|r| ResidentQuery {
            resident_id: Some(r.resident_id[..14].to_owned()),
            ..ResidentQuery::default()
        },
        &pick(1000),
    );
    let surname = q(
        &|r| ResidentQuery {
            name: Some(r.name.chars().take(1).collect()),
            ..ResidentQuery::default()
        },
        &pick(100),
    );
    time_searches(
        &*store,
        election.id,
        "name prefix (surname + 1 char)",
        &name2,
    )
    .await;
    time_searches(&*store, election.id, "full name", &full).await;
    time_searches(&*store, election.id, "resident ID, exact", &id).await;
    time_searches(&*store, election.id, "resident ID, 14-char prefix", &id14).await;
    time_searches(&*store, election.id, "surname only (worst case)", &surname).await;
    // Last: the amendment strikes a voter off.
    time_registration(&*store, election.id, roll).await;
}

fn main() {
    let n: usize = std::env::var("HUANJIE_ROLL_BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let cores = std::thread::available_parallelism().map_or(0, |c| c.get());
    println!("roll bench: {n} residents, {cores} cores");
    let t = Instant::now();
    let roll = generate(n);
    println!("generated in {:.3} s", t.elapsed().as_secs_f64());

    let backends = std::env::var("HUANJIE_ROLL_BENCH_BACKENDS")
        .unwrap_or_else(|_| "sqlite,postgres".to_owned());
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        if backends.contains("sqlite") {
            let (_dir, path) = fresh_sqlite_path();
            let sqlite = SqliteStore::open(&path).await.unwrap();
            run(
                "SQLite (file, WAL, synchronous=FULL)",
                Arc::new(sqlite),
                &roll,
            )
            .await;
        }
        if backends.contains("postgres") {
            let url = fresh_database().await;
            let postgres = PostgresStore::connect(&url).await.unwrap();
            run("PostgreSQL", Arc::new(postgres), &roll).await;
        }
    });
}
