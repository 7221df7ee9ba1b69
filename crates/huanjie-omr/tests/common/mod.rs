//! Test support: ballots printed by the real printing path and rendered
//! by poppler, synthetic pen marks drawn on them, and what a scanner does
//! to a page (skew, scale, shift, levels, noise, JPEG).
//!
//! Everything random comes from [`Rng`], seeded per page, so a failing
//! page can be regenerated alone.
#![allow(
    dead_code,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::float_arithmetic
)]

use huanjie_core::serial::{Serial, SerialKey, SignedSerial};
use huanjie_omr::GreyImage;
use huanjie_print::{BallotLayout, BallotTemplate, BoxMm10, Contest, FontSet, Paper};
use std::io::Write;
use std::process::Command;
use std::sync::OnceLock;

const ENSURE: &str = "run scripts/ensure-fonts.sh (installs Debian's fonts-noto-cjk, fonts-hanazono and poppler-utils)";

/// The installed font chain; fails (never skips) when it is missing.
pub fn fonts() -> &'static FontSet {
    static FONTS: OnceLock<FontSet> = OnceLock::new();
    FONTS.get_or_init(|| FontSet::locate().unwrap_or_else(|e| panic!("{e}\n{ENSURE}")))
}

pub const ELECTION: [u8; 16] = *b"omr-test-electn!";

pub fn key() -> SerialKey {
    SerialKey::from_bytes(&[11u8; 32])
}

/// `n` serials of `batch`, with distinct deterministic random parts.
pub fn serials(n: usize, batch: u16) -> Vec<SignedSerial> {
    let key = key();
    (0..n)
        .map(|i| {
            let x = (i as u64 + 1)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                .wrapping_add(u64::from(batch) << 48);
            Serial {
                election: ELECTION,
                batch,
                style: 1,
                random: x.to_be_bytes(),
            }
            .sign(&key)
        })
        .collect()
}

fn contest(position: &str, seats: u32, names: &[&str], write_ins: u32) -> Contest {
    Contest {
        position: position.to_owned(),
        seats,
        candidates: names.iter().map(|s| s.to_string()).collect(),
        write_in_rows: write_ins,
    }
}

/// The general round of a residents' committee: 10 candidates (主任 1,
/// 副主任 2, 委员 5, 妇女委员 2) and 5 write-in rows, as in
/// huanjie-print's tests.
pub fn residents_layout() -> BallotLayout {
    BallotTemplate::builtin("residents-committee")
        .unwrap()
        .layout(
            "幸福社区第七届",
            vec![
                contest("主任", 1, &["张伟"], 1),
                contest("副主任", 1, &["李娜", "王芳"], 1),
                contest("委员", 3, &["赵强", "刘敏", "陈静", "杨磊", "黄丽"], 2),
                contest("妇女委员", 1, &["周艳", "吴娟"], 1),
            ],
            Paper::A4,
        )
        .unwrap()
}

/// Another template: a homeowners' assembly deciding six matters (long
/// texts in the first column, no write-in rows).
pub fn homeowners_layout() -> BallotLayout {
    BallotTemplate::builtin("homeowners-decision")
        .unwrap()
        .layout(
            "阳光花园小区2026年第一次",
            vec![
                contest(
                    "一、物业服务",
                    1,
                    &[
                        "续聘幸福物业服务有限公司，服务期三年",
                        "调整物业服务收费标准",
                    ],
                    0,
                ),
                contest(
                    "二、专项维修资金",
                    1,
                    &[
                        "使用专项维修资金更换3号楼电梯",
                        "使用专项维修资金修缮屋面防水",
                    ],
                    0,
                ),
                contest(
                    "三、管理规约",
                    1,
                    &[
                        "修订管理规约第十二条（停车管理）",
                        "增设电动自行车集中充电设施",
                    ],
                    0,
                ),
            ],
            Paper::A4,
        )
        .unwrap()
}

/// A supervisory committee on A3 (more rows, bigger page).
pub fn supervisory_a3_layout() -> BallotLayout {
    let names: Vec<String> = (0..14).map(|i| format!("候选人{i}")).collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    BallotTemplate::builtin("supervisory-committee")
        .unwrap()
        .layout(
            "幸福社区第七届",
            vec![
                contest("主任", 1, &["钱进", "孙立"], 1),
                contest("委员", 4, &names, 2),
            ],
            Paper::A3,
        )
        .unwrap()
}

fn temp_path(ext: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "huanjie-omr-test-{}-{}.{ext}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ))
}

/// The pages of `pdf` rendered in grey by pdftoppm at `dpi`, decoded by
/// this crate's own PNG path.
pub fn render(pdf: &[u8], dpi: u32) -> Vec<GreyImage> {
    let path = temp_path("pdf");
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(pdf))
        .unwrap();
    let prefix = path.with_extension("");
    let out = Command::new("pdftoppm")
        .args(["-r", &dpi.to_string(), "-gray", "-png"])
        .arg(&path)
        .arg(&prefix)
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftoppm ({e}): {ENSURE}"));
    std::fs::remove_file(&path).ok();
    assert!(
        out.status.success(),
        "pdftoppm failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dir = prefix.parent().unwrap();
    let stem = prefix.file_name().unwrap().to_str().unwrap().to_owned();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{stem}-")) && n.ends_with(".png"))
        })
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(f).unwrap();
            std::fs::remove_file(f).ok();
            let mut pages = huanjie_omr::decode(&bytes).unwrap();
            assert_eq!(pages.len(), 1);
            pages.remove(0)
        })
        .collect()
}

/// SplitMix64: small, seeded, the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// An approximately normal deviate (sum of four uniforms), mean 0,
    /// standard deviation 1.
    pub fn gauss(&mut self) -> f64 {
        let x = self.next_u64();
        let s: u64 = (0..4).map(|i| (x >> (16 * i)) & 0xFFFF).sum();
        (s as f64 - 2.0 * 65535.0) / (65536.0 * (4.0f64 / 12.0).sqrt())
    }
}

// ---------------------------------------------------------------------
// Drawing on a page, in pixels (x right, y down).

/// A pen: its width in pixels and the grey of its ink (0 black).
#[derive(Debug, Clone, Copy)]
pub struct Pen {
    pub width: f64,
    pub grey: f64,
}

fn darken(img: &mut GreyImage, x: usize, y: usize, coverage: f64, grey: f64) {
    let w = img.width();
    let p = &mut img.pixels_mut()[y * w + x];
    // Ink is multiplied onto the paper (and onto the printed lines).
    let keep = 1.0 - coverage * (1.0 - grey / 255.0);
    *p = (f64::from(*p) * keep).round().clamp(0.0, 255.0) as u8;
}

fn segment_distance(p: (f64, f64), a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    let (qx, qy) = (a.0 + t * dx, a.1 + t * dy);
    (p.0 - qx).hypot(p.1 - qy)
}

/// A polyline drawn with `pen`, anti-aliased.
pub fn stroke(img: &mut GreyImage, points: &[(f64, f64)], pen: Pen) {
    if points.is_empty() {
        return;
    }
    let r = pen.width / 2.0 + 1.0;
    let x0 = points.iter().map(|p| p.0).fold(f64::MAX, f64::min) - r;
    let x1 = points.iter().map(|p| p.0).fold(f64::MIN, f64::max) + r;
    let y0 = points.iter().map(|p| p.1).fold(f64::MAX, f64::min) - r;
    let y1 = points.iter().map(|p| p.1).fold(f64::MIN, f64::max) + r;
    let (w, h) = (img.width() as f64, img.height() as f64);
    let segments: Vec<_> = if points.len() == 1 {
        vec![(points[0], points[0])]
    } else {
        points.windows(2).map(|s| (s[0], s[1])).collect()
    };
    for y in y0.max(0.0) as usize..y1.min(h - 1.0).max(0.0) as usize + 1 {
        for x in x0.max(0.0) as usize..x1.min(w - 1.0).max(0.0) as usize + 1 {
            let c = (x as f64 + 0.5, y as f64 + 0.5);
            let d = segments
                .iter()
                .map(|&(a, b)| segment_distance(c, a, b))
                .fold(f64::MAX, f64::min);
            let coverage = (pen.width / 2.0 + 0.5 - d).clamp(0.0, 1.0);
            if coverage > 0.0 {
                darken(img, x, y, coverage, pen.grey);
            }
        }
    }
}

/// A filled ellipse centred at `c` with semi-axes `(a, b)`, turned by
/// `angle` radians; `soft` pixels of fall-off at its edge.
pub fn ellipse(
    img: &mut GreyImage,
    c: (f64, f64),
    a: f64,
    b: f64,
    angle: f64,
    grey: f64,
    soft: f64,
) {
    let r = a.max(b) + soft + 1.0;
    let (sin, cos) = angle.sin_cos();
    let (w, h) = (img.width() as f64, img.height() as f64);
    for y in (c.1 - r).max(0.0) as usize..(c.1 + r).min(h - 1.0).max(0.0) as usize + 1 {
        for x in (c.0 - r).max(0.0) as usize..(c.0 + r).min(w - 1.0).max(0.0) as usize + 1 {
            let (dx, dy) = (x as f64 + 0.5 - c.0, y as f64 + 0.5 - c.1);
            let (u, v) = (cos * dx + sin * dy, -sin * dx + cos * dy);
            // Distance inside the edge, roughly in pixels.
            let n = (u / a).hypot(v / b);
            let inside = (1.0 - n) * a.min(b);
            let coverage = ((inside + 0.5) / soft.max(1.0)).clamp(0.0, 1.0);
            if coverage > 0.0 {
                darken(img, x, y, coverage, grey);
            }
        }
    }
}

/// What a target was given, and what it must read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Nothing,
    // Clear marks.
    Tick,
    Cross,
    Circle,
    Fill,
    // Deliberately ambiguous.
    Smear,
    Dot,
    Entering,
    Erased,
    Around,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Truth {
    Clear,
    Empty,
    Ambiguous,
}

impl Kind {
    pub const CLEAR: [Kind; 4] = [Kind::Tick, Kind::Cross, Kind::Circle, Kind::Fill];
    pub const AMBIGUOUS: [Kind; 5] = [
        Kind::Smear,
        Kind::Dot,
        Kind::Entering,
        Kind::Erased,
        Kind::Around,
    ];

    pub fn truth(self) -> Truth {
        match self {
            Kind::Nothing => Truth::Empty,
            Kind::Tick | Kind::Cross | Kind::Circle | Kind::Fill => Truth::Clear,
            _ => Truth::Ambiguous,
        }
    }
}

/// A pen as voters have them: ballpoint to gel, black, blue or red
/// (grey 0–100 once scanned in grey), 0.4–0.8 mm.
fn real_pen(rng: &mut Rng, mm: f64) -> Pen {
    Pen {
        width: rng.range(0.4, 0.8) * mm,
        grey: rng.range(0.0, 100.0),
    }
}

/// Draws a mark of `kind` on the target `rect` of a page rendered at
/// `dpi` (before any distortion: page units map to pixels as printed).
pub fn draw_mark(img: &mut GreyImage, rect: BoxMm10, dpi: f64, kind: Kind, rng: &mut Rng) {
    let mm = dpi / 25.4;
    let (cx, cy) = rect.center();
    let centre = (
        (f64::from(cx) + 0.5) * dpi / 254.0,
        (f64::from(cy) + 0.5) * dpi / 254.0,
    );
    // Where the voter aimed: within 0.6 mm of the centre.
    let aim = (
        centre.0 + rng.range(-0.6, 0.6) * mm,
        centre.1 + rng.range(-0.6, 0.6) * mm,
    );
    let at = |dx: f64, dy: f64| (aim.0 + dx * mm, aim.1 + dy * mm);
    let jitter = |rng: &mut Rng, p: (f64, f64)| {
        (
            p.0 + rng.range(-0.3, 0.3) * mm,
            p.1 + rng.range(-0.3, 0.3) * mm,
        )
    };
    match kind {
        Kind::Nothing => {}
        Kind::Tick => {
            let k = rng.range(0.8, 1.15);
            let pen = real_pen(rng, mm);
            let pts = [
                at(-1.8 * k, 0.0),
                at(-0.5 * k, 1.6 * k),
                at(2.2 * k, -2.0 * k),
            ];
            let pts: Vec<_> = pts.into_iter().map(|p| jitter(rng, p)).collect();
            stroke(img, &pts, pen);
        }
        Kind::Cross => {
            let k = rng.range(0.8, 1.1);
            let pen = real_pen(rng, mm);
            let a = [at(-2.0 * k, -2.0 * k), at(2.0 * k, 2.0 * k)];
            let b = [at(-2.0 * k, 2.0 * k), at(2.0 * k, -2.0 * k)];
            let a: Vec<_> = a.into_iter().map(|p| jitter(rng, p)).collect();
            let b: Vec<_> = b.into_iter().map(|p| jitter(rng, p)).collect();
            stroke(img, &a, pen);
            stroke(img, &b, pen);
        }
        Kind::Circle => {
            // ○ inside the box, as the instructions ask: a slightly
            // uneven ellipse, maybe not quite closed.
            let pen = real_pen(rng, mm);
            let (rx, ry) = (rng.range(1.6, 2.6), rng.range(1.6, 2.6));
            let start = rng.range(0.0, std::f64::consts::TAU);
            let sweep = std::f64::consts::TAU * rng.range(0.9, 1.05);
            let pts: Vec<_> = (0..=32)
                .map(|i| {
                    let t = start + sweep * f64::from(i) / 32.0;
                    at(rx * t.cos(), ry * t.sin())
                })
                .collect();
            stroke(img, &pts, pen);
        }
        Kind::Fill => {
            let grey = rng.range(0.0, 100.0);
            ellipse(
                img,
                at(0.0, 0.0),
                rng.range(2.2, 3.0) * mm,
                rng.range(2.2, 3.0) * mm,
                rng.range(0.0, 3.0),
                grey,
                1.0,
            );
        }
        Kind::Smear => {
            // A faint light-grey smear (a smudged finger, a pen resting):
            // 12–25% of the way to black, never as dark as ink.
            let darkness = rng.range(0.12, 0.25);
            ellipse(
                img,
                at(rng.range(-0.5, 0.5), rng.range(-0.5, 0.5)),
                rng.range(1.5, 2.8) * mm,
                rng.range(1.2, 2.4) * mm,
                rng.range(0.0, 3.0),
                255.0 * (1.0 - darkness),
                0.6 * mm,
            );
        }
        Kind::Dot => {
            // A pen touched down: a dot of 0.8–1.2 mm.
            let d = rng.range(0.8, 1.2);
            ellipse(
                img,
                at(rng.range(-1.2, 1.2), rng.range(-1.2, 1.2)),
                d / 2.0 * mm,
                d / 2.0 * mm,
                0.0,
                rng.range(0.0, 60.0),
                1.0,
            );
        }
        Kind::Entering => {
            // A stroke from outside that barely enters the box: from the
            // left or right it goes 1.4–2.0 mm past the printed edge
            // (and lies on the paper beside the box); from above or
            // below, 1.7–2.1 mm (a third of the box at most).
            let pen = Pen {
                width: rng.range(0.5, 0.7) * mm,
                grey: rng.range(0.0, 80.0),
            };
            let side = rng.below(4);
            let half = 3.0;
            let (depth, outside) = if side < 2 {
                (rng.range(1.4, 2.0), rng.range(2.5, 4.0))
            } else {
                (rng.range(1.7, 2.1), rng.range(0.8, 0.9))
            };
            let across = rng.range(-1.5, 1.5);
            let slant = rng.range(-0.4, 0.4);
            let (from, to) = match side {
                0 => ((-half - outside, across + slant), (-half + depth, across)),
                1 => ((half + outside, across + slant), (half - depth, across)),
                2 => ((across + slant, -half - outside), (across, -half + depth)),
                _ => ((across + slant, half + outside), (across, half - depth)),
            };
            let c = centre;
            stroke(
                img,
                &[
                    (c.0 + from.0 * mm, c.1 + from.1 * mm),
                    (c.0 + to.0 * mm, c.1 + to.1 * mm),
                ],
                pen,
            );
        }
        Kind::Erased => {
            // A fill rubbed out: grey 12–28% of the way to black over most
            // of the box.
            let darkness = rng.range(0.12, 0.28);
            ellipse(
                img,
                at(0.0, 0.0),
                rng.range(2.0, 3.2) * mm,
                rng.range(2.0, 3.2) * mm,
                rng.range(0.0, 3.0),
                255.0 * (1.0 - darkness),
                0.4 * mm,
            );
        }
        Kind::Around => {
            // ○ drawn around the box instead of in it.
            let pen = real_pen(rng, mm);
            let r = rng.range(4.4, 5.0);
            let c = centre;
            let pts: Vec<_> = (0..=48)
                .map(|i| {
                    let t = std::f64::consts::TAU * f64::from(i) / 48.0;
                    (c.0 + r * t.cos() * mm, c.1 + r * t.sin() * mm)
                })
                .collect();
            stroke(img, &pts, pen);
        }
    }
}

/// A name written into a write-in box: two or three made-up characters
/// of 6–10 strokes each, 1.5–4 mm long.
pub fn draw_name(img: &mut GreyImage, rect: BoxMm10, dpi: f64, rng: &mut Rng) {
    let mm = dpi / 25.4;
    let pen = Pen {
        width: rng.range(0.35, 0.6) * mm,
        grey: rng.range(0.0, 90.0),
    };
    let x0 = f64::from(rect.x) / 10.0 + 1.5;
    let y0 = f64::from(rect.y) / 10.0 + (f64::from(rect.height) / 10.0 - 4.0) / 2.0;
    for ch in 0..2 + rng.below(2) {
        let cx = x0 + f64::from(ch as u32) * 4.8;
        for _ in 0..6 + rng.below(5) {
            let (ax, ay) = (rng.range(0.0, 2.0), rng.range(0.0, 2.0));
            let (bx, by) = match rng.below(3) {
                0 => (ax + rng.range(1.5, 2.0), ay),
                1 => (ax, ay + rng.range(1.5, 2.0)),
                _ => (ax + rng.range(1.0, 2.0), ay + rng.range(1.0, 2.0)),
            };
            stroke(
                img,
                &[
                    ((cx + ax) * mm, (y0 + ay) * mm),
                    ((cx + bx) * mm, (y0 + by) * mm),
                ],
                pen,
            );
        }
    }
}

// ---------------------------------------------------------------------
// What the scanner does.

/// How a page was scanned.
#[derive(Debug, Clone, Copy)]
pub struct Scan {
    pub degrees: f64,
    pub scale: f64,
    /// Shift of the page's centre, pixels.
    pub shift: (f64, f64),
    /// The scan area is larger than the page by this factor (1: the
    /// page's own size, as pdftoppm renders it).
    pub canvas: f64,
    /// Paper and black after the scanner's levels.
    pub black: f64,
    pub white: f64,
    pub noise_sigma: f64,
    /// Uneven lighting: the paper's grey falls by this share from the
    /// left edge to the right.
    pub shading: f64,
    /// Share of pixels turned black or white.
    pub salt_pepper: f64,
    /// The scanner's background where the scan area is larger than the
    /// page (before levels): white, or dark for a black backing plate.
    pub background: f64,
    pub upside_down: bool,
}

impl Scan {
    /// A scan as the corpus makes them: ±3°, 95–105%, ±3 mm, a scan area
    /// 6% larger than the page, dark or light levels, noise; one page in
    /// eight fed upside down.
    pub fn random(rng: &mut Rng, dpi: f64) -> Scan {
        let mm = dpi / 25.4;
        let (black, white) = match rng.below(3) {
            0 => (rng.range(0.0, 30.0), rng.range(230.0, 255.0)),
            // A light scan: black is grey.
            1 => (rng.range(60.0, 100.0), rng.range(235.0, 255.0)),
            // A dark scan: grey paper.
            _ => (rng.range(0.0, 20.0), rng.range(170.0, 200.0)),
        };
        Scan {
            degrees: rng.range(-3.0, 3.0),
            scale: rng.range(0.95, 1.05),
            shift: (rng.range(-3.0, 3.0) * mm, rng.range(-3.0, 3.0) * mm),
            canvas: 1.06,
            black,
            white,
            noise_sigma: rng.range(0.0, 6.0),
            shading: rng.range(0.0, 0.06),
            salt_pepper: [0.0, 0.0005, 0.001, 0.003][rng.below(4)],
            background: 250.0,
            upside_down: rng.below(8) == 0,
        }
    }

    /// The page as rendered, only levels and a little noise.
    pub fn clean(rng: &mut Rng) -> Scan {
        Scan {
            degrees: 0.0,
            scale: 1.0,
            shift: (0.0, 0.0),
            canvas: 1.0,
            black: 0.0,
            white: 255.0,
            noise_sigma: rng.range(0.0, 2.0),
            shading: 0.0,
            salt_pepper: 0.0,
            background: 250.0,
            upside_down: false,
        }
    }
}

/// `page` as the scanner `scan` sees it.
pub fn scan(page: &GreyImage, s: &Scan, rng: &mut Rng) -> GreyImage {
    let (w, h) = (page.width(), page.height());
    let ow = (w as f64 * s.canvas).round() as usize;
    let oh = (h as f64 * s.canvas).round() as usize;
    let mut out = GreyImage::filled(ow, oh, 255).unwrap();
    // Output pixel → page pixel: inverse of (scale, rotate about the
    // page's centre, then shift into the canvas's centre).
    let (sin, cos) = s.degrees.to_radians().sin_cos();
    let (pcx, pcy) = (w as f64 / 2.0, h as f64 / 2.0);
    let (ocx, ocy) = (ow as f64 / 2.0 + s.shift.0, oh as f64 / 2.0 + s.shift.1);
    let src = page.pixels();
    let level = |v: f64| s.black + v * (s.white - s.black) / 255.0;
    let paper_outside = s.background;
    {
        let dst = out.pixels_mut();
        for oy in 0..oh {
            let dy = oy as f64 + 0.5 - ocy;
            for ox in 0..ow {
                let dx = ox as f64 + 0.5 - ocx;
                let u = (cos * dx + sin * dy) / s.scale + pcx - 0.5;
                let v = (-sin * dx + cos * dy) / s.scale + pcy - 0.5;
                let value = if u < 0.0 || v < 0.0 || u >= (w - 1) as f64 || v >= (h - 1) as f64 {
                    paper_outside
                } else {
                    let (x0, y0) = (u as usize, v as usize);
                    let (fx, fy) = (u - x0 as f64, v - y0 as f64);
                    let p = |x: usize, y: usize| f64::from(src[y * w + x]);
                    let top = p(x0, y0) * (1.0 - fx) + p(x0 + 1, y0) * fx;
                    let bottom = p(x0, y0 + 1) * (1.0 - fx) + p(x0 + 1, y0 + 1) * fx;
                    top * (1.0 - fy) + bottom * fy
                };
                let light = 1.0 - s.shading * ox as f64 / ow as f64;
                dst[oy * ow + ox] = (level(value) * light).round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    add_noise(&mut out, s.noise_sigma, s.salt_pepper, rng);
    if s.upside_down {
        out = out.rotated_180();
    }
    out
}

pub fn add_noise(img: &mut GreyImage, sigma: f64, salt_pepper: f64, rng: &mut Rng) {
    if sigma > 0.0 {
        for p in img.pixels_mut() {
            let v = f64::from(*p) + sigma * rng.gauss();
            *p = v.round().clamp(0.0, 255.0) as u8;
        }
    }
    if salt_pepper > 0.0 {
        let n = img.pixels().len();
        let count = (n as f64 * salt_pepper) as usize;
        for _ in 0..count {
            let i = rng.below(n);
            img.pixels_mut()[i] = if rng.chance(0.5) { 0 } else { 255 };
        }
    }
}

/// How a scan is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stored {
    Png,
    Jpeg(u8),
    Tiff,
    /// A one-page PDF with the page as a JPEG (DCTDecode).
    PdfJpeg(u8),
    /// A one-page PDF with the page as Flate-compressed grey.
    PdfFlate,
}

impl Stored {
    pub fn random(rng: &mut Rng) -> Stored {
        match rng.below(20) {
            0..=6 => Stored::Png,
            7..=13 => Stored::Jpeg(rng.range(70.0, 93.0) as u8),
            14..=15 => Stored::Tiff,
            16..=18 => Stored::PdfJpeg(rng.range(70.0, 90.0) as u8),
            _ => Stored::PdfFlate,
        }
    }
}

pub fn png(img: &GreyImage) -> Vec<u8> {
    use image::ImageEncoder;
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new_with_quality(
        &mut out,
        image::codecs::png::CompressionType::Fast,
        image::codecs::png::FilterType::Adaptive,
    )
    .write_image(
        img.pixels(),
        img.width() as u32,
        img.height() as u32,
        image::ExtendedColorType::L8,
    )
    .unwrap();
    out
}

pub fn jpeg(img: &GreyImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode(
            img.pixels(),
            img.width() as u32,
            img.height() as u32,
            image::ExtendedColorType::L8,
        )
        .unwrap();
    out
}

/// An RGB JPEG of a grey page with a faint tint (colour scanners).
pub fn jpeg_rgb(img: &GreyImage, quality: u8) -> Vec<u8> {
    let rgb: Vec<u8> = img
        .pixels()
        .iter()
        .flat_map(|&v| [v, v.saturating_sub(3), v.saturating_sub(8)])
        .collect();
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode(
            &rgb,
            img.width() as u32,
            img.height() as u32,
            image::ExtendedColorType::Rgb8,
        )
        .unwrap();
    out
}

/// A multi-page TIFF of grey pages (LZW), as scanners write it.
pub fn tiff(pages: &[&GreyImage]) -> Vec<u8> {
    let mut out = std::io::Cursor::new(Vec::new());
    let mut enc = tiff::encoder::TiffEncoder::new(&mut out)
        .unwrap()
        .with_compression(tiff::encoder::Compression::Lzw);
    for p in pages {
        enc.write_image::<tiff::encoder::colortype::Gray8>(
            p.width() as u32,
            p.height() as u32,
            p.pixels(),
        )
        .unwrap();
    }
    out.into_inner()
}

/// One page image of a scanner's PDF: its stream's dictionary entries
/// and bytes.
pub enum PdfPage {
    Jpeg {
        width: usize,
        height: usize,
        bytes: Vec<u8>,
        rgb: bool,
    },
    Flate(GreyImage),
    /// An image with the given filter and garbage data.
    Filter {
        width: usize,
        height: usize,
        filter: &'static str,
    },
}

/// A PDF as a sheet-fed scanner writes it: one image per page, drawn
/// over the whole page at `dpi`.
pub fn scanner_pdf(pages: &[PdfPage], dpi: f64) -> Vec<u8> {
    use lopdf::{dictionary, Document, Object, Stream};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let mut kids: Vec<Object> = Vec::new();
    for page in pages {
        let (w, h, stream) = match page {
            PdfPage::Jpeg {
                width,
                height,
                bytes,
                rgb,
            } => (
                *width,
                *height,
                Stream::new(
                    dictionary! {
                        "Type" => "XObject",
                        "Subtype" => "Image",
                        "Width" => *width as i64,
                        "Height" => *height as i64,
                        "ColorSpace" => if *rgb { "DeviceRGB" } else { "DeviceGray" },
                        "BitsPerComponent" => 8,
                        "Filter" => "DCTDecode",
                    },
                    bytes.clone(),
                )
                .with_compression(false),
            ),
            PdfPage::Flate(img) => {
                let mut s = Stream::new(
                    dictionary! {
                        "Type" => "XObject",
                        "Subtype" => "Image",
                        "Width" => img.width() as i64,
                        "Height" => img.height() as i64,
                        "ColorSpace" => "DeviceGray",
                        "BitsPerComponent" => 8,
                    },
                    img.pixels().to_vec(),
                );
                s.compress().unwrap();
                assert!(s.dict.get(b"Filter").is_ok());
                (img.width(), img.height(), s.with_compression(false))
            }
            PdfPage::Filter {
                width,
                height,
                filter,
            } => (
                *width,
                *height,
                Stream::new(
                    dictionary! {
                        "Type" => "XObject",
                        "Subtype" => "Image",
                        "Width" => *width as i64,
                        "Height" => *height as i64,
                        "ColorSpace" => "DeviceGray",
                        "BitsPerComponent" => 1,
                        "Filter" => *filter,
                    },
                    vec![0u8; 64],
                )
                .with_compression(false),
            ),
        };
        let image_id = doc.add_object(stream);
        let (wpt, hpt) = (w as f64 * 72.0 / dpi, h as f64 * 72.0 / dpi);
        let content = format!("q {wpt:.2} 0 0 {hpt:.2} 0 0 cm /Im0 Do Q");
        let content_id = doc.add_object(Stream::new(dictionary! {}, content.into_bytes()));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "MediaBox" => vec![0.into(), 0.into(), Object::Real(wpt as f32), Object::Real(hpt as f32)],
            "Contents" => content_id,
            "Resources" => dictionary! { "XObject" => dictionary! { "Im0" => image_id } },
        });
        kids.push(page_id.into());
    }
    let count = kids.len() as i64;
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count }),
    );
    let catalog_id = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog_id);
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// `img` stored as `how`, as uploaded bytes.
pub fn store(img: &GreyImage, how: Stored, dpi: f64) -> Vec<u8> {
    match how {
        Stored::Png => png(img),
        Stored::Jpeg(q) => jpeg(img, q),
        Stored::Tiff => tiff(&[img]),
        Stored::PdfJpeg(q) => scanner_pdf(
            &[PdfPage::Jpeg {
                width: img.width(),
                height: img.height(),
                bytes: jpeg(img, q),
                rgb: false,
            }],
            dpi,
        ),
        Stored::PdfFlate => scanner_pdf(&[PdfPage::Flate(img.clone())], dpi),
    }
}
