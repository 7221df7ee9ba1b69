#![allow(clippy::unwrap_used, clippy::expect_used, clippy::float_arithmetic)]
//! The accuracy corpus: ballots printed by the system (huanjie-print's
//! real printing path), rendered by poppler at 150, 200 and 300 dpi,
//! marked by a seeded generator with the marks voters make (ticks,
//! crosses, ○, fills, in real pens' widths and greys) and with marks
//! meant to be ambiguous (a faint smear, a tiny dot, a stroke barely
//! entering the box, an erased grey fill, a ○ around the box instead of
//! in it), then skewed, scaled, shifted, put through dark and light
//! scanner levels and noise, some fed upside down, and stored as PNG,
//! JPEG, TIFF or a scanner's PDF.
//!
//! Asserted: every clear mark reads Filled, every untouched target Empty,
//! every ambiguous-intended mark Ambiguous (so none is decided without a
//! person), every write-in box as written or not, every overvoted row
//! reported, and every QR code decoded to its printed serial, which
//! verifies with the election's key.
//!
//! `cargo test -p huanjie-omr --test accuracy -- --nocapture` prints the
//! counts; `-- --ignored --nocapture large` runs a corpus ten times the
//! size (A3 too), and `--release … -- --ignored --nocapture bench` the
//! speed benchmark.

mod common;

use common::*;
use huanjie_core::serial::{self, Expected, SignedSerial};
use huanjie_omr::{decode, read_ballot, GreyImage, InkState, MarkState, OmrParams, Reason};
use huanjie_print::{ballot_geometry, ballots_pdf, BallotGeometry, BallotLayout, Row};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// One page to make and read.
struct Job<'a> {
    clean: &'a GreyImage,
    geometry: &'a BallotGeometry,
    dpi: u32,
    serial: &'a SignedSerial,
    seed: u64,
    name: String,
}

/// Figures of one kind of mark: how many, how many read right, and the
/// range of what was measured.
#[derive(Debug, Clone, Copy)]
struct Figures {
    total: usize,
    right: usize,
    fill: (u32, u32),
    darkness: (u32, u32),
    beside: (u32, u32),
}

impl Default for Figures {
    fn default() -> Self {
        Figures {
            total: 0,
            right: 0,
            fill: (u32::MAX, 0),
            darkness: (u32::MAX, 0),
            beside: (u32::MAX, 0),
        }
    }
}

impl Figures {
    fn add(&mut self, right: bool, fill: u32, darkness: u32, beside: u32) {
        self.total += 1;
        self.right += usize::from(right);
        let widen = |r: &mut (u32, u32), v: u32| *r = (r.0.min(v), r.1.max(v));
        widen(&mut self.fill, fill);
        widen(&mut self.darkness, darkness);
        widen(&mut self.beside, beside);
    }
}

#[derive(Default)]
struct Tally {
    pages: usize,
    kinds: BTreeMap<Kind, Figures>,
    write_ins: (usize, usize),
    overvotes: (usize, usize),
    qr: (usize, usize),
    upside_down: (usize, usize),
    failures: Vec<String>,
}

impl Tally {
    fn class(&self, truth: Truth) -> (usize, usize) {
        self.kinds
            .iter()
            .filter(|(k, _)| k.truth() == truth)
            .fold((0, 0), |(r, t), (_, f)| (r + f.right, t + f.total))
    }

    fn report(&self, title: &str) {
        let (cr, ct) = self.class(Truth::Clear);
        let (er, et) = self.class(Truth::Empty);
        let (ar, at) = self.class(Truth::Ambiguous);
        eprintln!(
            "{title}: {} pages: clear {cr}/{ct} filled, empty {er}/{et} empty, ambiguous {ar}/{at} \
             all to a person, write-in boxes {}/{}, overvoted rows {}/{} reported, \
             QR {}/{} decoded and verified, upside down {}/{} turned",
            self.pages,
            self.write_ins.0,
            self.write_ins.1,
            self.overvotes.0,
            self.overvotes.1,
            self.qr.0,
            self.qr.1,
            self.upside_down.0,
            self.upside_down.1,
        );
        for (kind, f) in &self.kinds {
            eprintln!(
                "  {kind:?}: {}/{} right; fill {}–{}‰, darkness {}–{}‰, beside {}–{}‰",
                f.right,
                f.total,
                f.fill.0,
                f.fill.1,
                f.darkness.0,
                f.darkness.1,
                f.beside.0,
                f.beside.1
            );
        }
    }
}

/// Marks one page, scans it, stores it, decodes it, reads it, and checks
/// the reading against what was drawn.
fn one_page(job: &Job, params: &OmrParams, tally: &Mutex<Tally>) {
    let mut rng = Rng::new(job.seed);
    let dpi = f64::from(job.dpi);
    let mut img = job.clean.clone();
    let g = job.geometry;

    // What each target gets: per row, maybe one clear mark (rarely two,
    // an overvote), and ambiguous marks on some of the others.
    let mut kinds = vec![Kind::Nothing; g.targets.len()];
    let mut rows: Vec<(usize, Row)> = Vec::new();
    for t in &g.targets {
        if !rows.iter().any(|(c, r)| *c == t.contest && *r == t.row) {
            rows.push((t.contest, t.row.clone()));
        }
    }
    for (contest, row) in &rows {
        let idx: Vec<usize> = (0..g.targets.len())
            .filter(|&i| g.targets[i].contest == *contest && g.targets[i].row == *row)
            .collect();
        if rng.chance(0.55) {
            let first = idx[rng.below(idx.len())];
            kinds[first] = Kind::CLEAR[rng.below(Kind::CLEAR.len())];
            if rng.chance(0.06) {
                let second = idx[rng.below(idx.len())];
                if second != first {
                    kinds[second] = Kind::CLEAR[rng.below(Kind::CLEAR.len())];
                }
            }
        }
        for &i in &idx {
            if kinds[i] == Kind::Nothing && rng.chance(0.15) {
                kinds[i] = Kind::AMBIGUOUS[rng.below(Kind::AMBIGUOUS.len())];
            }
        }
    }
    for (t, kind) in g.targets.iter().zip(&kinds) {
        draw_mark(&mut img, t.rect, dpi, *kind, &mut rng);
    }
    let written: Vec<bool> = g.write_ins.iter().map(|_| rng.chance(0.4)).collect();
    for (w, &yes) in g.write_ins.iter().zip(&written) {
        if yes {
            draw_name(&mut img, w.rect, dpi, &mut rng);
        }
    }

    // Scanned and stored. One page in six as rendered (its own size,
    // upright, PNG).
    let clean = job.seed.is_multiple_of(6);
    let s = if clean {
        Scan::clean(&mut rng)
    } else {
        Scan::random(&mut rng, dpi)
    };
    let scanned = scan(&img, &s, &mut rng);
    let stored = if clean {
        Stored::Png
    } else {
        Stored::random(&mut rng)
    };
    let bytes = store(&scanned, stored, dpi);
    drop(scanned);
    let mut pages = decode(&bytes).unwrap_or_else(|e| panic!("{}: {e}", job.name));
    assert_eq!(pages.len(), 1);
    let page = pages.remove(0);
    let what = format!("{} ({stored:?}, {s:?})", job.name);
    let reading = match read_ballot(&page, g, params) {
        Ok(r) => r,
        Err(e) => {
            tally
                .lock()
                .unwrap()
                .failures
                .push(format!("{what}: not read: {e}"));
            return;
        }
    };

    tally.lock().unwrap().pages += 1;
    let mut failures = Vec::new();
    let mut kind_figures: Vec<(Kind, bool, u32, u32, u32)> = Vec::new();
    for (i, (target, kind)) in g.targets.iter().zip(&kinds).enumerate() {
        let r = &reading.targets[i];
        assert_eq!(
            (r.contest, &r.row, r.choice),
            (target.contest, &target.row, target.choice)
        );
        let want = match kind.truth() {
            Truth::Clear => MarkState::Filled,
            Truth::Empty => MarkState::Empty,
            Truth::Ambiguous => MarkState::Ambiguous,
        };
        let right = r.state == want;
        if !right {
            failures.push(format!(
                "{what}: target {i} ({:?} {:?} {:?}) was {kind:?}, read {:?} (fill {}‰, darkness {}‰, beside {}‰)",
                r.contest, r.row, r.choice, r.state, r.fill_permille, r.darkness_permille, r.beside_permille
            ));
        }
        if r.state == MarkState::Ambiguous
            && !reading.needs_person.contains(&Reason::AmbiguousTarget {
                contest: r.contest,
                row: r.row.clone(),
                choice: r.choice,
            })
        {
            failures.push(format!("{what}: ambiguous target {i} not sent to a person"));
        }
        kind_figures.push((
            *kind,
            right,
            r.fill_permille,
            r.darkness_permille,
            r.beside_permille,
        ));
    }
    let mut overvotes = (0, 0);
    for (contest, row) in &rows {
        let clear = g
            .targets
            .iter()
            .zip(&kinds)
            .filter(|(t, k)| t.contest == *contest && t.row == *row && k.truth() == Truth::Clear)
            .count();
        let reported = reading.needs_person.contains(&Reason::RowOvervote {
            contest: *contest,
            row: row.clone(),
        });
        if clear > 1 {
            overvotes.1 += 1;
            overvotes.0 += usize::from(reported);
        }
        if reported != (clear > 1) {
            failures.push(format!(
                "{what}: row {contest} {row:?}: overvote reported {reported}, {clear} clear marks"
            ));
        }
    }
    let mut write_ins = (0, 0);
    for (w, &yes) in reading.write_ins.iter().zip(&written) {
        let want = if yes {
            InkState::Inked
        } else {
            InkState::Empty
        };
        write_ins.1 += 1;
        if w.state == want {
            write_ins.0 += 1;
        } else {
            failures.push(format!(
                "{what}: write-in {} {} written {yes}, read {:?} (fill {}‰)",
                w.contest, w.index, w.state, w.fill_permille
            ));
        }
    }
    let payload = job.serial.qr_payload();
    let qr_ok = reading.serial.as_deref() == Some(payload.as_str())
        && serial::verify(&payload, &key(), &Expected::election(ELECTION))
            .is_ok_and(|v| v.serial == *job.serial);
    if !qr_ok {
        failures.push(format!(
            "{what}: QR read {:?}, printed {payload}",
            reading.serial
        ));
    }
    if reading.upside_down != s.upside_down {
        failures.push(format!(
            "{what}: upside down {} read as {}",
            s.upside_down, reading.upside_down
        ));
    }

    let mut t = tally.lock().unwrap();
    for (kind, right, fill, darkness, beside) in kind_figures {
        t.kinds
            .entry(kind)
            .or_default()
            .add(right, fill, darkness, beside);
    }
    t.write_ins.0 += write_ins.0;
    t.write_ins.1 += write_ins.1;
    t.overvotes.0 += overvotes.0;
    t.overvotes.1 += overvotes.1;
    t.qr.1 += 1;
    t.qr.0 += usize::from(qr_ok);
    if s.upside_down {
        t.upside_down.1 += 1;
        t.upside_down.0 += usize::from(reading.upside_down);
    }
    t.failures.extend(failures);
}

/// Prints `pages` ballots of each layout, renders them at each of its
/// dpi and reads them: the layouts printed on one thread each, then each
/// (layout, dpi) rendered and read by one of two workers, so that
/// pdftoppm on one batch overlaps the reading of another.
fn run(layouts: &[(&str, BallotLayout, &[u32])], pages: usize, seed: u64) -> Tally {
    let params = OmrParams::default();
    let tally = Mutex::new(Tally::default());
    let printed: Vec<(BallotGeometry, Vec<SignedSerial>, Vec<u8>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = layouts
            .iter()
            .enumerate()
            .map(|(li, (_, layout, _))| {
                scope.spawn(move || {
                    let geometry = ballot_geometry(fonts(), layout).unwrap();
                    let serials = serials(pages, u16::try_from(li + 1).unwrap());
                    let pdf = ballots_pdf(fonts(), layout, &serials).unwrap();
                    (geometry, serials, pdf)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let batches: Vec<(usize, usize, u32)> = layouts
        .iter()
        .enumerate()
        .flat_map(|(li, (_, _, dpis))| dpis.iter().enumerate().map(move |(di, &dpi)| (li, di, dpi)))
        .collect();
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let b = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    *n - 1
                };
                let Some(&(li, di, dpi)) = batches.get(b) else {
                    break;
                };
                let (geometry, serials, pdf) = &printed[li];
                let rendered = render(pdf, dpi);
                assert_eq!(rendered.len(), pages);
                for (i, (clean, serial)) in rendered.iter().zip(serials).enumerate() {
                    let job = Job {
                        clean,
                        geometry,
                        dpi,
                        serial,
                        seed: seed
                            .wrapping_mul(1_000_003)
                            .wrapping_add((li * 100_000 + di * 10_000 + i) as u64),
                        name: format!("{} at {dpi} dpi, page {}", layouts[li].0, i + 1),
                    };
                    one_page(&job, &params, &tally);
                }
            });
        }
    });
    tally.into_inner().unwrap()
}

fn check(tally: &Tally, title: &str) {
    tally.report(title);
    for f in tally.failures.iter().take(40) {
        eprintln!("FAILED {f}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} failures",
        tally.failures.len()
    );
    let (_, clear) = tally.class(Truth::Clear);
    let (_, ambiguous) = tally.class(Truth::Ambiguous);
    assert!(clear > 0 && ambiguous > 0);
    assert_eq!(tally.qr.0, tally.qr.1);
}

#[test]
fn accuracy_corpus() {
    let start = std::time::Instant::now();
    let all: &[u32] = &[150, 200, 300];
    let layouts = [
        ("residents' committee", residents_layout(), all),
        ("homeowners' decisions", homeowners_layout(), all),
        // Long write-in boxes (13 cm) across a lit-unevenly A3 page.
        ("supervisory committee A3", supervisory_a3_layout(), &[150]),
    ];
    let tally = run(&layouts, 6, 2026);
    check(&tally, "accuracy corpus");
    eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
}

/// Ten times the default corpus, with an A3 layout too.
/// `cargo test --release -p huanjie-omr --test accuracy -- --ignored --nocapture large`
#[test]
#[ignore]
fn large_accuracy_corpus() {
    let start = std::time::Instant::now();
    let all: &[u32] = &[150, 200, 300];
    let layouts = [
        ("residents' committee", residents_layout(), all),
        ("homeowners' decisions", homeowners_layout(), all),
        ("supervisory committee A3", supervisory_a3_layout(), all),
    ];
    let tally = run(&layouts, 40, 7);
    check(&tally, "large accuracy corpus");
    eprintln!("({:.1} s)", start.elapsed().as_secs_f64());
}

/// Images per second on one core at 200 dpi (A4, 1654 × 2339 pixels as
/// pdftoppm renders it): reading alone, and decoding a JPEG or PNG upload
/// then reading; per second of the thread's CPU time, and of the wall
/// clock.
/// `cargo test --release -p huanjie-omr --test accuracy -- --ignored --nocapture bench`
#[test]
#[ignore]
fn bench_omr() {
    let layout = residents_layout();
    let geometry = ballot_geometry(fonts(), &layout).unwrap();
    let n = 8;
    let serials = serials(n, 99);
    let pdf = ballots_pdf(fonts(), &layout, &serials).unwrap();
    let rendered = render(&pdf, 200);
    let mut rng = Rng::new(99);
    let mut jpegs = Vec::new();
    let mut pngs = Vec::new();
    let mut pages = Vec::new();
    for clean in &rendered {
        let mut img = clean.clone();
        for t in &geometry.targets {
            if rng.chance(0.3) {
                draw_mark(&mut img, t.rect, 200.0, Kind::Circle, &mut rng);
            }
        }
        let mut s = Scan::random(&mut rng, 200.0);
        s.canvas = 1.0;
        s.scale = s.scale.min(1.0);
        s.upside_down = false;
        let scanned = scan(&img, &s, &mut rng);
        jpegs.push(jpeg(&scanned, 85));
        pngs.push(png(&scanned));
        pages.push(scanned);
    }
    let params = OmrParams::default();
    let time = |label: &str, f: &dyn Fn(usize)| {
        // Warm up, then at least 3 s of this thread's CPU time (so that
        // other work on a shared machine slows the wall clock, not the
        // figure per core).
        f(0);
        let start = std::time::Instant::now();
        let cpu0 = thread_cpu_ns();
        let mut count = 0;
        loop {
            f(count % n);
            count += 1;
            let cpu = thread_cpu_ns().zip(cpu0).map(|(b, a)| b - a);
            let spent = cpu.unwrap_or(start.elapsed().as_nanos() as u64);
            if spent >= 3_000_000_000 {
                break;
            }
        }
        let wall = start.elapsed().as_secs_f64();
        let cpu = thread_cpu_ns()
            .zip(cpu0)
            .map_or(wall, |(b, a)| (b - a) as f64 / 1e9);
        eprintln!(
            "{label}: {count} images: {:.1} images per CPU second ({:.1} ms each); \
             wall clock {:.1} images/s",
            count as f64 / cpu,
            cpu * 1000.0 / count as f64,
            count as f64 / wall,
        );
    };
    time("read_ballot (decoded page)", &|i| {
        let r = read_ballot(&pages[i], &geometry, &params).unwrap();
        assert!(r.serial.is_some());
    });
    time("decode JPEG + read_ballot", &|i| {
        let page = decode(&jpegs[i]).unwrap().remove(0);
        let r = read_ballot(&page, &geometry, &params).unwrap();
        assert!(r.serial.is_some());
    });
    time("decode PNG + read_ballot", &|i| {
        let page = decode(&pngs[i]).unwrap().remove(0);
        let r = read_ballot(&page, &geometry, &params).unwrap();
        assert!(r.serial.is_some());
    });
    let (w, h) = (pages[0].width(), pages[0].height());
    eprintln!(
        "pages of {w} × {h} pixels; JPEG {} KB, PNG {} KB",
        jpegs[0].len() / 1024,
        pngs[0].len() / 1024
    );
}

/// This thread's time on a CPU, nanoseconds (Linux's schedstat), if
/// known.
fn thread_cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}
