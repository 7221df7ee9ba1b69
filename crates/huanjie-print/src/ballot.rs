//! Ballots (选票): one page per ballot, each with its QR serial.
//!
//! A ballot is laid out once from a [`BallotLayout`] (title, instructions,
//! one table per contest) and printed once per [`SignedSerial`]: every page
//! carries the same layout plus its own QR code and the same serial in
//! print. [`crate::write_ballots`] writes the batch; [`ballot_geometry`] says where
//! everything is, for the optical mark reader.
//!
//! # Page
//!
//! ```text
//!  ■                                                     ■   fiducials
//!          幸福社区第七届居民委员会选举选票
//!    instructions (wrapped)
//!    主任（应选1名）
//!    ┌──────────────┬──────┬──────┬──────┐
//!    │ 候选人        │ 赞成 │ 反对 │ 弃权 │
//!    │ 张伟          │  □   │  □   │  □   │
//!    │ 另选他人 [  ] │  □   │  □   │  □   │
//!    └──────────────┴──────┴──────┴──────┘
//!    …                                        ▓▓ QR
//!                                             HJ1-XXXX-…
//!  ■                                                     ■
//! ```
//!
//! # Coordinate system of [`BallotGeometry`]
//!
//! Integers in **tenths of a millimetre**, origin at the **top-left corner
//! of the page**, x to the right, y **downwards** (the orientation of a
//! scanned image: pixel = value × dpi / 254). A box is its top-left corner
//! and its size. The figures are exact for the printed page; a scan is
//! located by the four fiducials.
//!
//! Fixed sizes (A4 and A3 alike, so a mark reader needs one set of
//! thresholds):
//! - fiducials: solid black squares of 5 mm, 8 mm from the page edges
//!   (top-left, top-right, bottom-left, bottom-right);
//! - mark targets: empty squares of 6 mm (0.3 mm line), centred in cells
//!   22 mm wide and 8 mm high;
//! - the tables leave a strip of about 30 mm free on the right, so that
//!   they may run down beside the QR code (to 20 mm above the bottom
//!   edge); a layout that does not fit is refused
//!   ([`PrintError::BadTable`]), never cut;
//! - QR code: version 3 (29 × 29 modules), error correction Q,
//!   alphanumeric mode, modules of 0.8 mm (23.2 mm square), with a quiet
//!   zone of 4 modules, in the bottom-right corner above the bottom-right
//!   fiducial; the printed serial is right-aligned under it.
//!
//! # Size and speed
//!
//! The layout's drawing is built once here ([`plan`]); the batch writer
//! (`ballot_pdf`) makes it a form XObject every page paints, and adds per
//! page only the QR code and the serial text.

use crate::ballot_template::Wording;
use crate::fonts::{Face, FontSet};
use crate::PrintError;
use huanjie_core::serial::SignedSerial;
use printpdf::{DictItem, FontId, Op, PdfFontHandle, Pt, TextItem, TextMatrix};

/// A length in tenths of a millimetre.
pub type Mm10 = i32;

/// The paper a ballot is printed on (portrait).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    /// 210 × 297 mm.
    A4,
    /// 297 × 420 mm: the same element sizes, more room for candidates.
    A3,
}

impl Paper {
    /// Width and height in tenths of a millimetre.
    pub const fn size(self) -> (Mm10, Mm10) {
        match self {
            Paper::A4 => (2100, 2970),
            Paper::A3 => (2970, 4200),
        }
    }

    /// `a4` or `a3` (either case), as the API and the CLI take it.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "a4" | "A4" => Some(Paper::A4),
            "a3" | "A3" => Some(Paper::A3),
            _ => None,
        }
    }
}

/// One contest of the ballot: a position, its seats, its candidates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contest {
    /// The position as printed: 主任, 副主任, 委员, 妇女委员.
    pub position: String,
    /// Seats to fill (printed as 应选N名).
    pub seats: u32,
    /// The candidates' names, already in the formal order.
    pub candidates: Vec<String>,
    /// How many 另选他人 rows (a name box and the three targets).
    pub write_in_rows: u32,
}

/// What a ballot shows, the same on every page of a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotLayout {
    /// 幸福社区第七届居民委员会选举选票
    pub title: String,
    /// Paragraphs of instructions (填票说明), each wrapped.
    pub instructions: Vec<String>,
    pub contests: Vec<Contest>,
    pub paper: Paper,
    /// Headings, column header, the targets' labels and the write-in
    /// label, from the ballot's template ([`crate::BallotTemplate`]).
    pub wording: Wording,
}

/// A box in [`BallotGeometry`]'s coordinates (tenths of a millimetre,
/// top-left origin, y downwards): its top-left corner and its size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoxMm10 {
    pub x: Mm10,
    pub y: Mm10,
    pub width: Mm10,
    pub height: Mm10,
}

impl BoxMm10 {
    /// The centre, rounded down.
    pub const fn center(&self) -> (Mm10, Mm10) {
        (self.x + self.width / 2, self.y + self.height / 2)
    }
}

/// The three choices for a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    /// 赞成
    For,
    /// 反对
    Against,
    /// 弃权
    Abstain,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::For, Choice::Against, Choice::Abstain];
    pub const fn label_zh(self) -> &'static str {
        match self {
            Choice::For => "赞成",
            Choice::Against => "反对",
            Choice::Abstain => "弃权",
        }
    }
}

/// Which row of a contest a target is on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    /// The candidate at this index of [`Contest::candidates`].
    Candidate { index: usize, name: String },
    /// The 另选他人 row at this index (0-based).
    WriteIn { index: usize },
}

/// One mark target (an empty square).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkTarget {
    /// Index into [`BallotLayout::contests`].
    pub contest: usize,
    pub row: Row,
    pub choice: Choice,
    pub rect: BoxMm10,
}

/// The name box of a 另选他人 row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteInBox {
    pub contest: usize,
    pub index: usize,
    pub rect: BoxMm10,
}

/// Where everything is on a ballot page (the same on every page of a
/// batch). See the module docs for the coordinate system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BallotGeometry {
    pub paper: Paper,
    pub page_width: Mm10,
    pub page_height: Mm10,
    /// Top-left, top-right, bottom-left, bottom-right; solid squares.
    pub fiducials: [BoxMm10; 4],
    /// The QR code's modules (without the quiet zone).
    pub qr: BoxMm10,
    /// Modules per side (29: version 3).
    pub qr_modules: u32,
    /// The side of one module.
    pub qr_module: Mm10,
    /// The baseline's y and the right end of the printed serial.
    pub serial_baseline: (Mm10, Mm10),
    pub targets: Vec<MarkTarget>,
    pub write_ins: Vec<WriteInBox>,
}

// Fixed sizes, tenths of a millimetre.
const FIDUCIAL: Mm10 = 50;
const FIDUCIAL_INSET: Mm10 = 80;
const MARGIN: Mm10 = 200;
const TARGET: Mm10 = 60;
const TARGET_COLUMN: Mm10 = 220;
const ROW_HEIGHT: Mm10 = 80;
pub(crate) const QR_MODULES: i32 = 29;
pub(crate) const QR_MODULE: Mm10 = 8;
const QR_QUIET: Mm10 = 4 * QR_MODULE;
/// The QR code's right edge from the page's right edge.
const QR_RIGHT: Mm10 = 150;
/// The QR code's bottom edge from the page's bottom edge.
const QR_BOTTOM: Mm10 = 180;
/// The lowest the contests may reach, above the bottom fiducials.
const BODY_BOTTOM_FROM_END: Mm10 = 200;
/// The strip on the right of the tables kept free for the QR code, its
/// quiet zone and a gap.
const QR_STRIP: Mm10 = QR_MODULES * QR_MODULE + QR_QUIET + 70;

// Type sizes in thousandths of a point.
const TITLE_SIZE: i64 = 16_000;
const INSTRUCTION_SIZE: i64 = 8_500;
const HEADING_SIZE: i64 = 12_000;
const CELL_SIZE: i64 = 10_500;
pub(crate) const SERIAL_SIZE: i64 = 7_000;

/// Tenths of a millimetre to thousandths of a point.
pub(crate) const fn mpt(v: Mm10) -> i64 {
    (v as i64) * 28_346_457 / 100_000
}

/// Thousandths of a point to tenths of a millimetre (rounded down).
pub(crate) const fn mm10(v: i64) -> Mm10 {
    (v * 100_000 / 28_346_457) as Mm10
}

#[allow(clippy::float_arithmetic)] // the one conversion to printpdf's points
pub(crate) fn pt(v: i64) -> Pt {
    Pt(v as f32 / 1000.0)
}

/// Face slot: body face `i` is `i`, the headings face is `body.len()`.
pub(crate) type Slot = usize;

pub(crate) fn font_id(slot: Slot) -> FontId {
    let letter = char::from(b'A' + u8::try_from(slot % 26).unwrap_or(0));
    FontId(format!("HJBAL{letter}"))
}

pub(crate) fn face(fonts: &FontSet, slot: Slot) -> &Face {
    match fonts.body.get(slot) {
        Some(f) => f,
        None => fonts.heading.as_ref().unwrap_or(&fonts.body[0]),
    }
}

/// Runs of `text` by face, with their advance in thousandths of a point
/// at `size`; `Err(ch)` for the first character no face has.
fn runs(
    fonts: &FontSet,
    text: &str,
    heading: bool,
    size: i64,
) -> Result<Vec<(Slot, String, i64)>, char> {
    let heading_slot = fonts.body.len();
    let mut out: Vec<(Slot, String, i64)> = Vec::new();
    for ch in text.chars() {
        let from_heading = match (heading, &fonts.heading) {
            (true, Some(f)) => f.glyph(ch).map(|g| (heading_slot, g)),
            _ => None,
        };
        let (slot, gid) = from_heading.or_else(|| fonts.body_face_for(ch)).ok_or(ch)?;
        let f = face(fonts, slot);
        let w = f.advance(gid) * size / f.units_per_em;
        match out.last_mut() {
            Some(run) if run.0 == slot => {
                run.1.push(ch);
                run.2 += w;
            }
            _ => out.push((slot, ch.to_string(), w)),
        }
    }
    Ok(out)
}

/// Checks every text of the layout against the fonts, naming the place
/// (and the candidate) of the first character no font has.
fn check_glyphs(fonts: &FontSet, layout: &BallotLayout) -> Result<(), PrintError> {
    let refuse = |what: String, what_zh: String, text: &str| match fonts.missing(text).first() {
        Some(&ch) => Err(PrintError::MissingGlyph { what, what_zh, ch }),
        None => Ok(()),
    };
    refuse(
        format!("the ballot title “{}”", layout.title),
        format!("选票标题“{}”", layout.title),
        &layout.title,
    )?;
    for (i, text) in layout.instructions.iter().enumerate() {
        refuse(
            format!("paragraph {} of the ballot's instructions “{text}”", i + 1),
            format!("填票说明第{}段“{text}”", i + 1),
            text,
        )?;
    }
    let w = &layout.wording;
    let labels = [&w.name_header, &w.choices[0], &w.choices[1], &w.choices[2]];
    for text in labels.into_iter().chain(w.write_in.as_ref()) {
        refuse(
            format!("the ballot template's label “{text}”"),
            format!("选票模板中的“{text}”"),
            text,
        )?;
    }
    for contest in &layout.contests {
        let heading = w.heading(contest);
        refuse(
            format!("the heading “{heading}” of the ballot"),
            format!("选票上的标题“{heading}”"),
            &heading,
        )?;
        let p = &contest.position;
        refuse(
            format!("the position “{p}” of the ballot"),
            format!("选票上的职位“{p}”"),
            p,
        )?;
        for name in &contest.candidates {
            refuse(
                format!("the name of candidate {name} for {p}"),
                format!("{p}候选人{name}的姓名"),
                name,
            )?;
        }
    }
    Ok(())
}

/// A page's drawing under construction, in PDF coordinates.
struct Canvas<'f> {
    fonts: &'f FontSet,
    page_height: Mm10,
    graphics: Vec<Op>,
    text: Vec<Op>,
    used: Vec<bool>,
}

fn raw(key: &str, args: &[i64]) -> Op {
    Op::Unknown {
        key: key.to_owned(),
        value: args.iter().map(|a| DictItem::Int(*a)).collect(),
    }
}

fn raw_pt(key: &str, args: &[i64]) -> Op {
    Op::Unknown {
        key: key.to_owned(),
        value: args
            .iter()
            .map(|a| DictItem::Real(pt(*a).0))
            .collect::<Vec<_>>(),
    }
}

impl Canvas<'_> {
    /// A box in page coordinates (top-left origin) as PDF `re` operands.
    fn re(&self, b: BoxMm10) -> [i64; 4] {
        [
            mpt(b.x),
            mpt(self.page_height - b.y - b.height),
            mpt(b.width),
            mpt(b.height),
        ]
    }

    fn fill(&mut self, b: BoxMm10) {
        let r = self.re(b);
        self.graphics.push(raw_pt("re", &r));
        self.graphics.push(raw("f", &[]));
    }

    fn stroke_box(&mut self, b: BoxMm10, width: Mm10) {
        let r = self.re(b);
        self.graphics.push(raw_pt("w", &[mpt(width)]));
        self.graphics.push(raw_pt("re", &r));
        self.graphics.push(raw("S", &[]));
    }

    fn line(&mut self, from: (Mm10, Mm10), to: (Mm10, Mm10), width: Mm10) {
        let h = self.page_height;
        self.graphics.push(raw_pt("w", &[mpt(width)]));
        self.graphics
            .push(raw_pt("m", &[mpt(from.0), mpt(h - from.1)]));
        self.graphics.push(raw_pt("l", &[mpt(to.0), mpt(h - to.1)]));
        self.graphics.push(raw("S", &[]));
    }

    fn width(&self, text: &str, heading: bool, size: i64) -> Result<i64, char> {
        Ok(runs(self.fonts, text, heading, size)?
            .iter()
            .map(|r| r.2)
            .sum())
    }

    /// Draws `text` with its left end at `x` and its baseline at `baseline`
    /// (page coordinates, tenths of a millimetre).
    fn text(
        &mut self,
        x: Mm10,
        baseline: Mm10,
        text: &str,
        heading: bool,
        size: i64,
    ) -> Result<(), char> {
        let mut pen = mpt(x);
        let y = mpt(self.page_height - baseline);
        for (slot, s, w) in runs(self.fonts, text, heading, size)? {
            self.used[slot] = true;
            self.text.push(Op::SetFont {
                font: PdfFontHandle::External(font_id(slot)),
                size: pt(size),
            });
            self.text.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(pt(pen), pt(y)),
            });
            self.text.push(Op::ShowText {
                items: vec![TextItem::Text(s)],
            });
            pen += w;
        }
        Ok(())
    }

    /// `text` centred (or, if too wide, shrunk to fit) in [x, x + width].
    fn text_centered(
        &mut self,
        x: Mm10,
        width: Mm10,
        baseline: Mm10,
        text: &str,
        heading: bool,
        size: i64,
    ) -> Result<(), char> {
        let avail = mpt(width);
        let natural = self.width(text, heading, size)?;
        let (size, drawn) = if natural > avail && natural > 0 {
            let s = size * avail / natural;
            (s, self.width(text, heading, s)?)
        } else {
            (size, natural)
        };
        self.text(x + mm10((avail - drawn) / 2), baseline, text, heading, size)
    }
}

/// The layout drawn once: the ops every page repeats, and the geometry.
pub(crate) struct Template {
    pub(crate) graphics: Vec<Op>,
    pub(crate) text: Vec<Op>,
    pub(crate) used: Vec<bool>,
    pub(crate) geometry: BallotGeometry,
    /// The serial's face slot (the serial is ASCII, all in one face).
    pub(crate) serial_slot: Slot,
}

fn too_long(layout: &BallotLayout) -> PrintError {
    let paper = match layout.paper {
        Paper::A4 => "A4",
        Paper::A3 => "A3",
    };
    PrintError::BadTable {
        table: layout.title.clone(),
        problem: format!("the contests do not fit on one {paper} page"),
        problem_zh: format!(
            "候选人和另选他人栏一页{paper}纸印不下，请改用更大的纸张或减少另选他人栏"
        ),
    }
}

pub(crate) fn plan(fonts: &FontSet, layout: &BallotLayout) -> Result<Template, PrintError> {
    check_glyphs(fonts, layout)?;
    // Every text was checked above; a refusal here would be a bug, but is
    // still an error rather than a panic.
    let glyph = |ch: char| PrintError::MissingGlyph {
        what: "a text of the ballot".to_owned(),
        what_zh: "选票上的文字".to_owned(),
        ch,
    };
    let (pw, ph) = layout.paper.size();
    let mut c = Canvas {
        fonts,
        page_height: ph,
        graphics: Vec::new(),
        text: Vec::new(),
        used: vec![false; fonts.body.len() + 1],
    };

    // Fiducials.
    let f = |x, y| BoxMm10 {
        x,
        y,
        width: FIDUCIAL,
        height: FIDUCIAL,
    };
    let far_x = pw - FIDUCIAL_INSET - FIDUCIAL;
    let far_y = ph - FIDUCIAL_INSET - FIDUCIAL;
    let fiducials = [
        f(FIDUCIAL_INSET, FIDUCIAL_INSET),
        f(far_x, FIDUCIAL_INSET),
        f(FIDUCIAL_INSET, far_y),
        f(far_x, far_y),
    ];
    for b in fiducials {
        c.fill(b);
    }

    // Title and instructions.
    let text_width = pw - 2 * MARGIN;
    let mut y = MARGIN + mm10(TITLE_SIZE);
    c.text_centered(MARGIN, text_width, y, &layout.title, true, TITLE_SIZE)
        .map_err(glyph)?;
    y += 80;
    let leading = mm10(INSTRUCTION_SIZE * 15 / 10);
    for para in &layout.instructions {
        let mut line = String::new();
        let mut line_width = 0;
        for ch in para.chars() {
            let mut buf = [0u8; 4];
            let w = c
                .width(ch.encode_utf8(&mut buf), false, INSTRUCTION_SIZE)
                .map_err(glyph)?;
            if line_width + w > mpt(text_width) && !line.is_empty() {
                c.text(MARGIN, y, &line, false, INSTRUCTION_SIZE)
                    .map_err(glyph)?;
                y += leading;
                line.clear();
                line_width = 0;
            }
            line.push(ch);
            line_width += w;
        }
        if !line.is_empty() {
            c.text(MARGIN, y, &line, false, INSTRUCTION_SIZE)
                .map_err(glyph)?;
            y += leading;
        }
    }

    // Contests.
    let table_width = text_width - QR_STRIP;
    let name_width = table_width - 3 * TARGET_COLUMN;
    let cell_baseline = |top: Mm10| top + ROW_HEIGHT / 2 + mm10(CELL_SIZE * 38 / 100);
    let mut targets = Vec::new();
    let mut write_ins = Vec::new();
    let body_bottom = ph - BODY_BOTTOM_FROM_END;
    for (ci, contest) in layout.contests.iter().enumerate() {
        y += 40;
        let rows = contest.candidates.len() + contest.write_in_rows as usize;
        let write_in_label = match (&layout.wording.write_in, contest.write_in_rows) {
            (Some(label), _) => label.clone(),
            (None, 0) => String::new(),
            (None, _) => {
                return Err(PrintError::Template {
                    template: layout.title.clone(),
                    problem: format!(
                        "“{}” asks for write-in rows, which this ballot has none of",
                        contest.position
                    ),
                    problem_zh: format!(
                        "“{}”要求另选他人栏，这种选票没有另选他人栏",
                        contest.position
                    ),
                })
            }
        };
        let rows_i = Mm10::try_from(rows).map_err(|_| too_long(layout))?;
        let height = mm10(HEADING_SIZE * 15 / 10) + ROW_HEIGHT * (rows_i + 1);
        if y + height > body_bottom {
            return Err(too_long(layout));
        }
        y += mm10(HEADING_SIZE);
        let heading = layout.wording.heading(contest);
        c.text(MARGIN, y, &heading, true, HEADING_SIZE)
            .map_err(glyph)?;
        y += mm10(HEADING_SIZE * 5 / 10);
        let table_top = y;
        // Header row.
        c.text_centered(
            MARGIN,
            name_width,
            cell_baseline(y),
            &layout.wording.name_header,
            true,
            CELL_SIZE,
        )
        .map_err(glyph)?;
        for (k, label) in layout.wording.choices.iter().enumerate() {
            let x = MARGIN + name_width + TARGET_COLUMN * k as Mm10;
            c.text_centered(x, TARGET_COLUMN, cell_baseline(y), label, true, CELL_SIZE)
                .map_err(glyph)?;
        }
        c.line((MARGIN, y), (MARGIN + table_width, y), 5);
        y += ROW_HEIGHT;
        for r in 0..rows {
            c.line((MARGIN, y), (MARGIN + table_width, y), 3);
            let row = if let Some(name) = contest.candidates.get(r) {
                // A long name (or a homeowners' matter) is shrunk to its
                // cell, never drawn over the targets.
                let avail = mpt(name_width - 80);
                let natural = c.width(name, false, CELL_SIZE).map_err(glyph)?;
                let size = if natural > avail {
                    CELL_SIZE * avail / natural
                } else {
                    CELL_SIZE
                };
                c.text(MARGIN + 40, cell_baseline(y), name, false, size)
                    .map_err(glyph)?;
                Row::Candidate {
                    index: r,
                    name: name.clone(),
                }
            } else {
                let index = r - contest.candidates.len();
                let write_in = write_in_label.as_str();
                c.text(MARGIN + 40, cell_baseline(y), write_in, false, CELL_SIZE)
                    .map_err(glyph)?;
                let label = mm10(c.width(write_in, false, CELL_SIZE).map_err(glyph)?);
                let x = MARGIN + 40 + label + 40;
                let rect = BoxMm10 {
                    x,
                    y: y + 10,
                    width: MARGIN + name_width - 30 - x,
                    height: ROW_HEIGHT - 20,
                };
                c.stroke_box(rect, 3);
                write_ins.push(WriteInBox {
                    contest: ci,
                    index,
                    rect,
                });
                Row::WriteIn { index }
            };
            for (k, choice) in Choice::ALL.iter().enumerate() {
                let cx = MARGIN + name_width + TARGET_COLUMN * k as Mm10;
                let rect = BoxMm10 {
                    x: cx + (TARGET_COLUMN - TARGET) / 2,
                    y: y + (ROW_HEIGHT - TARGET) / 2,
                    width: TARGET,
                    height: TARGET,
                };
                c.stroke_box(rect, 3);
                targets.push(MarkTarget {
                    contest: ci,
                    row: row.clone(),
                    choice: *choice,
                    rect,
                });
            }
            y += ROW_HEIGHT;
        }
        c.line((MARGIN, y), (MARGIN + table_width, y), 5);
        // Vertical rules.
        let mut x = MARGIN;
        c.line((x, table_top), (x, y), 5);
        x += name_width;
        for _ in 0..3 {
            c.line((x, table_top), (x, y), 3);
            x += TARGET_COLUMN;
        }
        c.line((x, table_top), (x, y), 5);
    }

    // The QR box and the serial's place.
    let side = QR_MODULES * QR_MODULE;
    let qr = BoxMm10 {
        x: pw - QR_RIGHT - side,
        y: ph - QR_BOTTOM - side,
        width: side,
        height: side,
    };
    let serial_baseline = (qr.y + side + QR_QUIET + 25, qr.x + side);
    let serial_slot = match fonts.body_face_for('H') {
        Some((slot, _))
            if "0123456789ABCDEFGHJKMNPQRSTVWXYZ-"
                .chars()
                .all(|ch| fonts.body_face_for(ch).map(|(s, _)| s) == Some(slot)) =>
        {
            slot
        }
        _ => return Err(glyph('H')),
    };
    c.used[serial_slot] = true;

    let geometry = BallotGeometry {
        paper: layout.paper,
        page_width: pw,
        page_height: ph,
        fiducials,
        qr,
        qr_modules: QR_MODULES as u32,
        qr_module: QR_MODULE,
        serial_baseline,
        targets,
        write_ins,
    };
    Ok(Template {
        graphics: c.graphics,
        text: c.text,
        used: c.used,
        geometry,
        serial_slot,
    })
}

/// Where everything is on the ballot pages `layout` prints to (the same on
/// every page); the same checks as [`crate::write_ballots`].
pub fn ballot_geometry(
    fonts: &FontSet,
    layout: &BallotLayout,
) -> Result<BallotGeometry, PrintError> {
    Ok(plan(fonts, layout)?.geometry)
}

/// The QR code of a serial: version 3, level Q, alphanumeric mode; the
/// dark modules, row by row (29 × 29).
///
/// The mask is fixed (checkerboard, mask 0) instead of searched: a decoder reads the
/// mask from the code's format information, so any of the eight gives a
/// valid code, and the search (scoring all eight) took most of the 441 µs
/// a code cost, a tenth of the time budget of a whole ballot. The payload
/// is random, so no one mask is systematically bad for it; the tests decode
/// thousands of codes with `rqrr`, from the module grid and from rendered
/// pages.
pub fn serial_qr_modules(serial: &SignedSerial) -> Result<Vec<bool>, PrintError> {
    use qrcode::{bits::Bits, canvas::Canvas, ec, EcLevel, Version};
    let payload = serial.qr_payload();
    let err = |e: qrcode::types::QrError| PrintError::Pdf(format!("QR code of {serial}: {e}"));
    let version = Version::Normal(3);
    let mut bits = Bits::new(version);
    bits.push_alphanumeric_data(payload.as_bytes())
        .map_err(err)?;
    bits.push_terminator(EcLevel::Q).map_err(err)?;
    let data = bits.into_bytes();
    let (encoded, ec) = ec::construct_codewords(&data, version, EcLevel::Q).map_err(err)?;
    let mut canvas = Canvas::new(version, EcLevel::Q);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&encoded, &ec);
    canvas.apply_mask(QR_MASK);
    Ok(canvas
        .into_colors()
        .into_iter()
        .map(|c| c == qrcode::Color::Dark)
        .collect())
}

/// The one mask every serial's QR code uses (see [`serial_qr_modules`]).
const QR_MASK: qrcode::canvas::MaskPattern = qrcode::canvas::MaskPattern::Checkerboard;

#[allow(clippy::float_arithmetic)] // page size for printpdf
pub(crate) fn mm(v: Mm10) -> f32 {
    v as f32 / 10.0
}
