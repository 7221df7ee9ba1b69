//! Reading one scanned page as a ballot of a given layout.

use crate::fiducials::Corner;
use crate::levels::{self, Levels};
use crate::locate::{locate, Located};
use crate::marks::{
    self, classify, classify_write_in, paper_level, InkState, MarkState, OmrParams, Region,
};
use crate::{qr, GreyImage, OmrError};
use huanjie_print::{BallotGeometry, BoxMm10, Choice, Row};

/// What one target (an empty square printed for a mark) reads as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetReading {
    /// Index into the layout's contests.
    pub contest: usize,
    pub row: Row,
    pub choice: Choice,
    pub state: MarkState,
    /// The share of the target's inside that is ink, permille (what
    /// [`OmrParams::filled_permille`] and [`OmrParams::empty_permille`]
    /// are compared with).
    pub fill_permille: u32,
    /// The mean darkness of its inside, permille from paper to printed
    /// black (grey without ink: an erased mark, a smear).
    pub darkness_permille: u32,
    /// The share of ink in the strips of paper left and right of the
    /// target (a ○ drawn around the box).
    pub beside_permille: u32,
}

/// Whether a write-in (另选他人) name box has anything in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteInReading {
    pub contest: usize,
    /// The write-in row's index within its contest.
    pub index: usize,
    pub state: InkState,
    /// The share of ink in the most inked square of the box (the box is
    /// read as squares as tall as it is), permille.
    pub fill_permille: u32,
}

/// Why a ballot must be looked at by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    /// A target is neither clearly filled nor clearly empty.
    AmbiguousTarget {
        contest: usize,
        row: Row,
        choice: Choice,
    },
    /// More than one target of one row (one candidate) is filled.
    RowOvervote { contest: usize, row: Row },
    /// A write-in box has ink (or may have): the name must be read by a
    /// person, and the row's marks checked against it.
    WriteIn {
        contest: usize,
        index: usize,
        state: InkState,
    },
    /// The QR code could not be read: the serial must be typed.
    QrUnreadable,
    /// One fiducial was not found; the page was placed by the other three.
    FiducialMissing { corner: Corner },
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let row_name = |row: &Row| match row {
            Row::Candidate { name, .. } => name.clone(),
            Row::WriteIn { index } => format!("write-in row {}", index + 1),
        };
        match self {
            Reason::AmbiguousTarget {
                contest,
                row,
                choice,
            } => write!(
                f,
                "contest {}, {}: the {} box is neither clearly marked nor clearly empty",
                contest + 1,
                row_name(row),
                choice.label_zh()
            ),
            Reason::RowOvervote { contest, row } => write!(
                f,
                "contest {}, {}: more than one box is marked",
                contest + 1,
                row_name(row)
            ),
            Reason::WriteIn {
                contest,
                index,
                state,
            } => write!(
                f,
                "contest {}, write-in row {}: the name box {}",
                contest + 1,
                index + 1,
                match state {
                    InkState::Inked => "has a name to read",
                    _ => "may have something written in it",
                }
            ),
            Reason::QrUnreadable => f.write_str("the QR code cannot be read: type the serial"),
            Reason::FiducialMissing { corner } => write!(
                f,
                "the {corner} corner square is missing or covered; check the marks were read in the right places"
            ),
        }
    }
}

/// One page read as a ballot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotReading {
    /// The QR code's text (to be verified as a serial by the caller), or
    /// `None` if it could not be read.
    pub serial: Option<String>,
    /// Every target of the layout, in the geometry's order.
    pub targets: Vec<TargetReading>,
    /// Every write-in box, in the geometry's order.
    pub write_ins: Vec<WriteInReading>,
    /// Why a person must look at this ballot; empty if the reading can be
    /// taken as it is.
    pub needs_person: Vec<Reason>,
    /// The page was scanned upside down (and read turned).
    pub upside_down: bool,
    /// The paper's and the printed black's grey levels on this page.
    pub paper_white: u8,
    pub ink_black: u8,
    /// How far the fiducials are from a consistent fit, tenths of a mm.
    pub fit_error_mm10: u32,
}

/// Reads `page` as a ballot laid out as `geometry` says.
///
/// Refused (with an error saying why) only when the page cannot be
/// placed: fiducials missing or inconsistent, too small, too little
/// contrast. Everything else is a reading, with the reasons a person must
/// look at it.
#[allow(clippy::float_arithmetic)] // regions in page units from the fit's error
pub fn read_ballot(
    page: &GreyImage,
    geometry: &BallotGeometry,
    params: &OmrParams,
) -> Result<BallotReading, OmrError> {
    let mut located = locate(page, geometry)?;
    let levels = levels::measure(page, &located.blobs, located.scale)?;
    let quiet = 4 * geometry.qr_module;

    // The fiducials are symmetric: the QR code tells a page fed upside
    // down, or failing it the QR code's finder patterns.
    let mut upside_down = false;
    let mut serial = qr::read(page, &located.transform, geometry.qr, quiet, &levels);
    if serial.is_none() {
        if let Some(turned) = located.turned(geometry) {
            if let Some(text) = qr::read(page, &turned.transform, geometry.qr, quiet, &levels) {
                serial = Some(text);
                upside_down = true;
                located = turned;
            } else {
                let upright = finder_patterns(page, &located, geometry, &levels);
                let other = finder_patterns(page, &turned, geometry, &levels);
                if other == 3 && upright < 3 {
                    upside_down = true;
                    located = turned;
                }
            }
        }
    }

    let t = &located.transform;
    let e = located.error_mm10;
    let step = 1.0 / located.scale;
    let ink_level = levels.at(params.ink_level_permille);
    // The printed outline is 0.3 mm wide, centred on the box's edge:
    // the inside is read from 0.6 mm in, plus the fit's error.
    let inset = 6.0 + e;
    let measure =
        |r: Region, h: Option<&mut [u32; 256]>| marks::measure(page, t, r, step, ink_level, h);

    let mut targets = Vec::with_capacity(geometry.targets.len());
    for target in &geometry.targets {
        let b = target.rect;
        let inside = measure(inner(b, inset), None);
        // Paper 0.5 mm to 5 mm left and right of the box (the next
        // column's target is 16 mm away; the row's rules, above and
        // below, 1 mm): ink there is a mark beside the box, and its
        // median is the paper's grey here.
        let (x0, x1) = (f64::from(b.x), f64::from(b.x + b.width));
        let (y0, y1) = (f64::from(b.y), f64::from(b.y + b.height));
        let near = 5.0 + e;
        let mut hist = [0u32; 256];
        let mut beside = measure([x0 - 50.0, y0, x0 - near, y1], Some(&mut hist));
        beside.add(measure([x1 + near, y0, x1 + 50.0, y1], Some(&mut hist)));
        let paper = paper_level(&hist, &levels);
        let (fill, darkness, beside_fill) = (
            inside.fill(),
            inside.darkness(paper, &levels),
            beside.fill(),
        );
        let state = if inside.outside > 0 || beside.outside > 0 {
            MarkState::Ambiguous
        } else {
            classify(fill, darkness, beside_fill, params)
        };
        targets.push(TargetReading {
            contest: target.contest,
            row: target.row.clone(),
            choice: target.choice,
            state,
            fill_permille: fill,
            darkness_permille: darkness,
            beside_permille: beside_fill,
        });
    }

    let write_ins: Vec<WriteInReading> = geometry
        .write_ins
        .iter()
        .map(|w| {
            // A name fills a few centimetres of a box that may be much
            // longer (on A3, 13 cm): the box is read as squares as tall
            // as its inside, and judged by its most inked square. A name
            // leaves most of the box blank, so the paper's grey for a
            // square is that of the square and its two neighbours (local,
            // as the lighting of a scan may change along a long box).
            let [u0, v0, u1, v1] = inner(w.rect, inset);
            let side = (v1 - v0).max(1.0);
            let tiles = ((u1 - u0) / side).ceil().max(1.0) as usize;
            let width = (u1 - u0) / tiles as f64;
            let mut hists = vec![[0u32; 256]; tiles];
            let squares: Vec<marks::Ink> = hists
                .iter_mut()
                .enumerate()
                .map(|(i, hist)| {
                    let x = u0 + width * i as f64;
                    measure([x, v0, x + width, v1], Some(hist))
                })
                .collect();
            let fill = squares.iter().map(|s| s.fill()).max().unwrap_or(0);
            let darkness = squares
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let mut near = [0u32; 256];
                    for h in &hists[i.saturating_sub(1)..(i + 2).min(tiles)] {
                        near.iter_mut().zip(h).for_each(|(a, b)| *a += b);
                    }
                    s.darkness(paper_level(&near, &levels), &levels)
                })
                .max()
                .unwrap_or(0);
            let state = if squares.iter().any(|s| s.outside > 0) {
                InkState::Ambiguous
            } else {
                classify_write_in(fill, darkness, params)
            };
            WriteInReading {
                contest: w.contest,
                index: w.index,
                state,
                fill_permille: fill,
            }
        })
        .collect();

    let mut needs_person: Vec<Reason> = located
        .missing()
        .into_iter()
        .map(|corner| Reason::FiducialMissing { corner })
        .collect();
    if serial.is_none() {
        needs_person.push(Reason::QrUnreadable);
    }
    for (i, t) in targets.iter().enumerate() {
        if t.state == MarkState::Ambiguous {
            needs_person.push(Reason::AmbiguousTarget {
                contest: t.contest,
                row: t.row.clone(),
                choice: t.choice,
            });
        }
        // The row's first target reports the row's overvote.
        let first_of_row = targets[..i]
            .iter()
            .all(|o| o.contest != t.contest || o.row != t.row);
        if first_of_row {
            let filled = targets
                .iter()
                .filter(|o| o.contest == t.contest && o.row == t.row)
                .filter(|o| o.state == MarkState::Filled)
                .count();
            if filled > 1 {
                needs_person.push(Reason::RowOvervote {
                    contest: t.contest,
                    row: t.row.clone(),
                });
            }
        }
    }
    for w in &write_ins {
        if w.state != InkState::Empty {
            needs_person.push(Reason::WriteIn {
                contest: w.contest,
                index: w.index,
                state: w.state,
            });
        }
    }

    Ok(BallotReading {
        serial,
        targets,
        write_ins,
        needs_person,
        upside_down,
        paper_white: levels.white,
        ink_black: levels.black,
        fit_error_mm10: e.round() as u32,
    })
}

/// A box less `inset` on every side.
#[allow(clippy::float_arithmetic)] // page units
fn inner(b: BoxMm10, inset: f64) -> Region {
    [
        f64::from(b.x) + inset,
        f64::from(b.y) + inset,
        f64::from(b.x + b.width) - inset,
        f64::from(b.y + b.height) - inset,
    ]
}

/// How many of the QR code's three finder patterns (a dark 3 × 3-module
/// core inside a light ring) are where `located` puts them.
#[allow(clippy::float_arithmetic)] // module positions in page units
fn finder_patterns(
    page: &GreyImage,
    located: &Located,
    geometry: &BallotGeometry,
    levels: &Levels,
) -> usize {
    let m = f64::from(geometry.qr_module);
    let n = f64::from(geometry.qr_modules);
    let (qx, qy) = (f64::from(geometry.qr.x), f64::from(geometry.qr.y));
    let step = 1.0 / located.scale;
    let ink_level = levels.at(500);
    let measure = |r: Region| {
        marks::measure(page, &located.transform, r, step, ink_level, None)
            .darkness(16 * u32::from(levels.white), levels)
    };
    [(0.0, 0.0), (n - 7.0, 0.0), (0.0, n - 7.0)]
        .into_iter()
        .filter(|&(c, r)| {
            let (x, y) = (qx + c * m, qy + r * m);
            let core = measure([x + 2.3 * m, y + 2.3 * m, x + 4.7 * m, y + 4.7 * m]);
            // The light ring's four sides (module 1 and module 5).
            let ring = [
                [x + 1.2 * m, y + 1.2 * m, x + 5.8 * m, y + 1.8 * m],
                [x + 1.2 * m, y + 5.2 * m, x + 5.8 * m, y + 5.8 * m],
                [x + 1.2 * m, y + 2.0 * m, x + 1.8 * m, y + 5.0 * m],
                [x + 5.2 * m, y + 2.0 * m, x + 5.8 * m, y + 5.0 * m],
            ];
            core >= 700 && ring.into_iter().all(|r| measure(r) <= 300)
        })
        .count()
}
