//! `huanjie bench count|import|ballots`: speed targets, measured.
//!
//! `ballots` prints a 10-candidate ballot in batches (5,000 by default),
//! streaming each batch's PDF into a byte counter (or a file), and prints
//! each batch's rate, the bytes per page and the peak resident memory as
//! it goes, so a 1M run shows whether memory stays flat.
//!
//! `import` times a whole roll import (read, check, store) of a generated
//! 1M-resident roll. `count`, below, times the offline recount.
//!
//! Writes a seeded 1M-ballot case (3 contests, 9 candidates, write-ins,
//! unreadable ballots and overvotes) to a file, then runs this same binary's
//! `huanjie count` on it as a child process, several times, and prints the
//! wall time and the child's peak resident memory (which `count` reports
//! itself when asked with `--report-peak-memory`). Figures go in
//! docs/PERFORMANCE.md.
//!
//! Floating point appears here only to print rates and sizes; no rule is
//! ever decided with it.
#![allow(clippy::float_arithmetic)]

use anyhow::{bail, Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    job: Job,
}

#[derive(clap::Subcommand)]
enum Job {
    /// Time `huanjie count` on a generated case.
    Count {
        /// Ballots in the generated case.
        #[arg(long, default_value_t = 1_000_000)]
        ballots: u64,
        /// How many timed runs (the median is reported).
        #[arg(long, default_value_t = 3)]
        runs: usize,
        /// Seed of the generator (the same seed writes the same case).
        #[arg(long, default_value_t = 2026)]
        seed: u64,
        /// Where to write the case (default: a file in the system temp dir,
        /// removed afterwards).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Time a whole roll import (read, check, 不重登, store) of a generated
    /// roll into a fresh election, as the API does it.
    Import {
        /// Residents (rows) in the generated roll.
        #[arg(long, default_value_t = 1_000_000)]
        residents: usize,
        /// The database: a SQLite file path (default: a fresh temp file) or a
        /// postgres:// URL of an empty database.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// The central tally (issue 7): store `ballots` scans at one closed
    /// station, then time reading them all back and counting them with
    /// the rules core, as `/result` does.
    Tally {
        #[arg(long, default_value_t = 1_000_000)]
        ballots: u64,
        /// A SQLite file path (default: a fresh temp file) or a postgres://
        /// URL of an empty database.
        #[arg(long)]
        database_url: Option<String>,
    },
    /// Print ballots: a 10-candidate A4 ballot, in batches.
    Ballots {
        /// Ballots in all.
        #[arg(long, default_value_t = 1_000_000)]
        count: u64,
        /// Ballots per batch (one PDF each).
        #[arg(long, default_value_t = 5_000)]
        batch: u64,
        /// Write the first batch's PDF here (the rest are only counted).
        #[arg(long)]
        keep: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> ExitCode {
    let outcome = match args.job {
        Job::Count {
            ballots,
            runs,
            seed,
            keep,
        } => bench_count(ballots, runs.max(1), seed, keep),
        Job::Import {
            residents,
            database_url,
        } => bench_import(residents, database_url),
        Job::Ballots { count, batch, keep } => bench_ballots(count, batch.max(1), keep),
        Job::Tally {
            ballots,
            database_url,
        } => bench_tally(ballots, database_url),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huanjie bench: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn bench_count(ballots: u64, runs: usize, seed: u64, keep: Option<PathBuf>) -> Result<()> {
    let path = keep.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("huanjie-bench-{ballots}-{seed}.case.json"))
    });
    let started = Instant::now();
    let bytes =
        write_case(&path, ballots, seed).with_context(|| format!("writing {}", path.display()))?;
    println!(
        "case: {ballots} ballots, 3 contests, 9 candidates, {:.1} MB, written in {:.2} s ({})",
        bytes as f64 / 1e6,
        started.elapsed().as_secs_f64(),
        path.display()
    );
    let exe = std::env::current_exe().context("finding this binary")?;
    let mut times = Vec::with_capacity(runs);
    let mut peak_kib = 0u64;
    for run in 1..=runs {
        let started = Instant::now();
        let out = Command::new(&exe)
            .args(["count", "--report-peak-memory"])
            .arg(&path)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .context("running huanjie count")?;
        let secs = started.elapsed().as_secs_f64();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if !out.status.success() {
            bail!("huanjie count failed: {stderr}");
        }
        let kib = stderr
            .lines()
            .find_map(|l| l.strip_prefix("peak_rss_kib="))
            .and_then(|v| v.trim().parse::<u64>().ok())
            .unwrap_or(0);
        peak_kib = peak_kib.max(kib);
        println!("run {run}: {secs:.3} s, peak {:.1} MB", kib as f64 / 1024.0);
        times.push(secs);
    }
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!(
        "huanjie count: median {median:.3} s over {runs} runs ({:.0} ballots/s, {:.0} MB/s), peak RSS {:.1} MB",
        ballots as f64 / median,
        bytes as f64 / 1e6 / median,
        peak_kib as f64 / 1024.0
    );
    if keep.is_none() {
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}

/// Counts the bytes written to it.
struct Counter(u64);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn bench_ballots(count: u64, batch: u64, keep: Option<PathBuf>) -> Result<()> {
    use huanjie_core::serial::{Serial, SerialKey};
    use huanjie_print::{BallotTemplate, Contest, FontSet, Paper};
    use ring::rand::{SecureRandom, SystemRandom};
    let fonts = FontSet::locate().context("loading the fonts")?;
    let contest = |position: &str, seats: u32, names: &[&str]| Contest {
        position: position.to_owned(),
        seats,
        candidates: names.iter().map(|n| (*n).to_owned()).collect(),
        write_in_rows: seats,
    };
    let layout = BallotTemplate::builtin("residents-committee")?.layout(
        "幸福社区第七届居民委员会选举",
        vec![
            contest("主任", 1, &["张伟"]),
            contest("副主任", 1, &["李娜", "王芳"]),
            contest("委员", 3, &["赵强", "刘敏", "陈静", "杨磊", "黄丽"]),
            contest("妇女委员", 1, &["周艳", "吴娟"]),
        ],
        Paper::A4,
    )?;
    let rng = SystemRandom::new();
    let mut key = [0u8; 32];
    rng.fill(&mut key)
        .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
    let key = SerialKey::from_bytes(&key);
    let mut election = [0u8; 16];
    rng.fill(&mut election)
        .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
    println!(
        "ballots: {count} in batches of {batch}, 10 candidates, A4, {} threads; peak RSS before: {} KiB",
        std::thread::available_parallelism().map_or(1, |n| n.get()),
        super::count::peak_rss_kib().unwrap_or(0)
    );
    let started = Instant::now();
    let (mut done, mut bytes, mut number) = (0u64, 0u64, 0u16);
    let mut batch_secs = Vec::new();
    while done < count {
        let n = batch.min(count - done);
        number = number.wrapping_add(1);
        // The serials are drawn as the writer asks for them: a batch is
        // never held in memory as a whole.
        let mut failed = false;
        let serials = (0..n).map_while(|_| {
            let mut random = [0u8; 8];
            if rng.fill(&mut random).is_err() {
                failed = true;
                return None;
            }
            Some(
                Serial {
                    election,
                    batch: number,
                    style: 1,
                    random,
                }
                .sign(&key),
            )
        });
        let t = Instant::now();
        let written = match (&keep, done) {
            (Some(path), 0) => {
                let file =
                    File::create(path).with_context(|| format!("creating {}", path.display()))?;
                let mut out = BufWriter::new(file);
                let pages =
                    huanjie_print::write_ballots(&fonts, &layout, serials, &mut out, |_| {})?;
                out.flush()?;
                bytes += std::fs::metadata(path)?.len();
                pages
            }
            _ => {
                let mut counter = Counter(0);
                let pages =
                    huanjie_print::write_ballots(&fonts, &layout, serials, &mut counter, |_| {})?;
                bytes += counter.0;
                pages
            }
        };
        if failed {
            bail!("the system random source failed");
        }
        let secs = t.elapsed().as_secs_f64();
        batch_secs.push(secs);
        done += written as u64;
        if batch_secs.len() == 1 || done % 100_000 < batch || done == count {
            println!(
                "{done:>8} ballots: batch {number} {:.0} ballots/s; overall {:.0} ballots/s; \
                 {:.0} bytes/page; peak RSS {} KiB",
                n as f64 / secs,
                done as f64 / started.elapsed().as_secs_f64(),
                bytes as f64 / done as f64,
                super::count::peak_rss_kib().unwrap_or(0)
            );
        }
    }
    batch_secs.sort_by(f64::total_cmp);
    let median = batch_secs.get(batch_secs.len() / 2).copied().unwrap_or(0.0);
    println!(
        "done: {done} ballots in {:.1} s ({:.0} ballots/s); median batch {:.3} s ({:.0} ballots/s)",
        started.elapsed().as_secs_f64(),
        done as f64 / started.elapsed().as_secs_f64(),
        median,
        batch as f64 / median
    );
    Ok(())
}

fn bench_import(residents: usize, database_url: Option<String>) -> Result<()> {
    use huanjie_store::{BodyKind, NewElection, PositionSeats};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 12, 20).context("the bench's election day")?;
    let started = Instant::now();
    let csv = huanjie_registration::generate_roll_csv(
        7,
        residents,
        day,
        huanjie_registration::Encoding::Utf8,
    );
    println!(
        "roll: {residents} residents, {:.1} MB of CSV, generated in {:.2} s",
        csv.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );
    let dir = std::env::temp_dir().join(format!("huanjie-bench-import-{}", std::process::id()));
    let url = database_url.unwrap_or_else(|| dir.join("bench.db").display().to_string());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let store = huanjie_store::connect(&url)
            .await
            .with_context(|| format!("opening {url}"))?;
        let now = chrono::Utc::now();
        let election = store
            .create_election(
                &NewElection {
                    body_kind: BodyKind::ResidentsCommittee,
                    title: format!("bench {}", uuid::Uuid::new_v4()),
                    profile: "county-2006".into(),
                    election_day: day,
                    seats: vec![PositionSeats {
                        position: "director".into(),
                        seats: 1,
                    }],
                },
                now,
            )
            .await?;
        let started = Instant::now();
        let outcome = huanjie_web::roll::import(&*store, &election, csv, false, now).await?;
        let secs = started.elapsed().as_secs_f64();
        if !outcome.written {
            bail!(
                "the generated roll was not imported: {} errors",
                outcome.summary.errors.len()
            );
        }
        println!(
            "import into {} ({}): {secs:.2} s for {} rows ({:.0} rows/s), {} voters",
            store.backend(),
            if url.starts_with("postgres") {
                "the given database"
            } else {
                "a fresh file"
            },
            outcome.summary.rows,
            outcome.summary.rows as f64 / secs,
            outcome.summary.voters
        );
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn bench_tally(ballots: u64, database_url: Option<String>) -> Result<()> {
    use huanjie_core::counting::{Candidate, Contest, Gender};
    use huanjie_core::polling::StationKind;
    use huanjie_store::{BodyKind, NewBatch, NewElection, NewScan, NewStation, PositionSeats};
    let dir = std::env::temp_dir().join(format!("huanjie-bench-tally-{}", std::process::id()));
    let url = database_url.unwrap_or_else(|| dir.join("bench.db").display().to_string());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let result = runtime.block_on(async {
        let store = huanjie_store::connect(&url)
            .await
            .with_context(|| format!("opening {url}"))?;
        let now = chrono::Utc::now();
        let election = store
            .create_election(
                &NewElection {
                    body_kind: BodyKind::ResidentsCommittee,
                    title: format!("bench {}", uuid::Uuid::new_v4()),
                    profile: "city-2009".into(),
                    election_day: chrono::NaiveDate::from_ymd_opt(2026, 12, 20)
                        .context("the bench's day")?,
                    seats: vec![
                        PositionSeats { position: "director".into(), seats: 1 },
                        PositionSeats { position: "member".into(), seats: 4 },
                    ],
                },
                now,
            )
            .await?;
        let rules = huanjie_core::Profile::builtin("city-2009")
            .context("the city-2009 profile")?
            .polling;
        let station = store
            .add_station(
                election.id,
                &NewStation {
                    code: "central".into(),
                    name: "中心投票站".into(),
                    kind: StationKind::Central,
                    place: String::new(),
                    serves: String::new(),
                    approval: None,
                },
                &rules,
                false,
                now,
            )
            .await?;
        let mut rng = Rng(2026);
        let started = Instant::now();
        let randoms: Vec<[u8; 8]> = (0..ballots).map(|_| rng.next().to_be_bytes()).collect();
        for (i, chunk) in randoms.chunks(100_000).enumerate() {
            store
                .record_batch(
                    election.id,
                    &NewBatch {
                        number: u16::try_from(i + 1).context("too many batches")?,
                        station: station.code.clone(),
                        style: 1,
                        randoms: chunk.to_vec(),
                        serials_sha256: "0".repeat(64),
                        reprint_of: None,
                        printed_by: "bench".into(),
                    },
                    now,
                )
                .await?;
        }
        store.open_polls(election.id, "central", 0, now).await?;
        store
            .record_issued(election.id, "central", i64::try_from(ballots)?, now)
            .await?;
        store.close_polls(election.id, "central", now).await?;
        for chunk in randoms.chunks(512) {
            let scans: Vec<NewScan> = chunk
                .iter()
                .map(|r| NewScan {
                    station: "central".into(),
                    random: *r,
                    marks: format!(
                        r#"{{"marks":{{"director":{{"{}":"for"}},"member":{{"1":"for","2":"for","3":"against","{}":"for"}}}}}}"#,
                        1 + r[0] % 2,
                        4 + r[1] % 2
                    ),
                    scanned_by: "bench".into(),
                    review: None,
                })
                .collect();
            store.record_scans(election.id, &scans, now).await?;
        }
        println!(
            "set-up: {ballots} ballots printed and stored in {} ({:.1} s)",
            store.backend(),
            started.elapsed().as_secs_f64()
        );
        let stations = store.list_stations(election.id).await?;
        let person = |id: &str, name: &str| Candidate {
            id: id.into(),
            name: name.into(),
            gender: Gender::Female,
        };
        let contests = vec![
            Contest {
                id: "director".into(),
                title: "主任".into(),
                seats: huanjie_core::Seats::new(1)?,
                candidates: vec![person("1", "甲"), person("2", "乙")],
            },
            Contest {
                id: "member".into(),
                title: "委员".into(),
                seats: huanjie_core::Seats::new(4)?,
                candidates: (1..=5).map(|i| person(&i.to_string(), &format!("委员{i}"))).collect(),
            },
        ];
        for run in 1..=3 {
            let started = Instant::now();
            let scans = store
                .counted_scans(election.id, &std::collections::HashMap::new())
                .await?;
            let read = started.elapsed().as_secs_f64();
            let mut tally =
                huanjie_web::tally::Tally::new(
                    &election,
                    contests.clone(),
                    &stations,
                    ballots * 2,
                    huanjie_core::electorate::Electorate::Voters,
                )
                .map_err(|e| anyhow::anyhow!("{e:?}"))?;
            let mut ballot = huanjie_core::counting::Ballot::default();
            for scan in &scans {
                if let Some(marks) = &scan.marks {
                    tally
                        .add(&scan.station, marks, &mut ballot)
                        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
                }
            }
            let rules = tally.rules.clone();
            let result = tally.counter.finish(&rules)?;
            let secs = started.elapsed().as_secs_f64();
            println!(
                "run {run}: read {} scans in {read:.2} s, counted all in {secs:.2} s ({:.0} ballots/s); cast {}",
                scans.len(),
                scans.len() as f64 / secs,
                result.cast
            );
        }
        Ok(())
    });
    let _ = std::fs::remove_dir_all(&dir);
    result
}

/// splitmix64: a tiny, seeded generator, so a bench case is reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const STATIONS: u64 = 10;

/// Writes the case in the order `huanjie export-case` uses (header, then
/// ballots) and returns its size in bytes.
fn write_case(path: &PathBuf, ballots: u64, seed: u64) -> Result<u64> {
    let mut rng = Rng(seed);
    let mut w = BufWriter::with_capacity(1 << 20, File::create(path)?);
    let per_station = ballots.div_ceil(STATIONS);
    let stations: Vec<String> = (0..STATIONS)
        .map(|s| {
            let issued = per_station.min(ballots.saturating_sub(s * per_station));
            format!(r#"{{"id":"S{s}","issued":{issued}}}"#)
        })
        .collect();
    write!(
        w,
        r#"{{"format":"huanjie.case/1","profile":"county-2006","round":"general","registered":{},"stations":[{}],"contests":[{}],"ballots":["#,
        ballots + ballots / 4,
        stations.join(","),
        [
            r#"{"id":"director","title":"主任","seats":1,"candidates":[{"id":"d1","name":"王建国","gender":"M"},{"id":"d2","name":"李秀英","gender":"F"}]}"#,
            r#"{"id":"deputy","title":"副主任","seats":1,"candidates":[{"id":"v1","name":"张伟","gender":"M"},{"id":"v2","name":"陈静","gender":"F"}]}"#,
            r#"{"id":"member","title":"委员","seats":3,"candidates":[{"id":"m1","name":"刘洋","gender":"M"},{"id":"m2","name":"杨帆","gender":"F"},{"id":"m3","name":"赵磊","gender":"M"},{"id":"m4","name":"黄丽","gender":"F"},{"id":"m5","name":"周杰","gender":"M"}]}"#,
        ]
        .join(",")
    )?;
    const MARKS: [&str; 3] = ["for", "against", "abstain"];
    const WRITE_INS: [&str; 3] = ["孙红", "钱多多", "吴敏"];
    for b in 0..ballots {
        if b > 0 {
            w.write_all(b",")?;
        }
        let station = (b / per_station).min(STATIONS - 1);
        let roll = rng.below(1000);
        if roll < 10 {
            // 1%: ruled unreadable by the committee.
            write!(w, r#"{{"station":"S{station}","unreadable":true}}"#)?;
            continue;
        }
        write!(
            w,
            r#"{{"station":"S{station}","marks":{{"director":{{"d{}":"for"}},"deputy":{{"v{}":"{}"}},"member":{{"#,
            1 + rng.below(2),
            1 + rng.below(2),
            MARKS[rng.below(3) as usize]
        )?;
        // Usually three `for` marks among five members; 1% overvote with four.
        let fors = if roll < 20 { 4 } else { 3 };
        let first = rng.below(5);
        for i in 0..fors {
            if i > 0 {
                w.write_all(b",")?;
            }
            write!(w, r#""m{}":"for""#, 1 + (first + i) % 5)?;
        }
        w.write_all(b"}}")?;
        if roll >= 990 {
            // 1%: a write-in on the deputy line.
            write!(
                w,
                r#","write_ins":{{"deputy":[{{"name":"{}","gender":"F"}}]}}"#,
                WRITE_INS[rng.below(3) as usize]
            )?;
        }
        w.write_all(b"}")?;
    }
    w.write_all(b"]}\n")?;
    w.flush()?;
    Ok(std::fs::metadata(path)?.len())
}
