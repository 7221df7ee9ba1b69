//! Page layout shared by every notice: A4 pages, text through the font
//! chain, tables that run across pages with their header repeated, and a
//! footer on every page that knows the page count.
//!
//! All geometry is integer, in thousandths of a point ([`Mpt`]), measured
//! from the bottom-left corner of the page as PDF does; the one conversion
//! to printpdf's `f32` points is [`pt`]. A notice builds a [`Doc`], adds
//! headings, paragraphs and tables top to bottom (pages break by
//! themselves), and calls [`Doc::finish`] with the footer it wants.

use crate::fonts::FontSet;
use crate::PrintError;
use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions,
    Point, Pt, Rgb, TextItem, TextMatrix,
};

/// A length in thousandths of a point (1 pt = 1/72 inch).
pub(crate) type Mpt = i64;

/// `tenths` tenths of a millimetre, in [`Mpt`] (1 mm = 2834.6457 mpt).
pub(crate) const fn mm10(tenths: i64) -> Mpt {
    tenths * 28_346_457 / 100_000
}

/// A size in points given in tenths of a point (10.5 pt is `pt10(105)`).
pub(crate) const fn pt10(tenths: i64) -> Mpt {
    tenths * 100
}

/// The one conversion to printpdf's floating-point points.
#[allow(clippy::float_arithmetic)] // a unit conversion at the API boundary; layout stays integer
fn pt(v: Mpt) -> Pt {
    Pt(v as f32 / 1000.0)
}

/// A4 portrait.
pub(crate) const PAGE_WIDTH: Mpt = 595_276;
pub(crate) const PAGE_HEIGHT: Mpt = 841_890;
pub(crate) const MARGIN_LEFT: Mpt = mm10(200);
pub(crate) const MARGIN_RIGHT: Mpt = mm10(200);
/// The width between the margins.
pub(crate) const TEXT_WIDTH: Mpt = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT;
/// Where the body starts on the first page (from the bottom).
const BODY_TOP_FIRST: Mpt = PAGE_HEIGHT - mm10(180);
/// Where the body starts on the other pages, below the running header.
const BODY_TOP: Mpt = PAGE_HEIGHT - mm10(220);
/// Baseline of the running header.
const RUNNING_HEADER_BASELINE: Mpt = PAGE_HEIGHT - mm10(140);
/// The body never goes below this; the footer lives underneath.
const BODY_BOTTOM: Mpt = mm10(260);
/// Baseline of the lowest footer line; lines above it are stacked upwards.
const FOOTER_BASELINE: Mpt = mm10(110);

/// Characters that must not begin a line (行首禁则).
const NO_LINE_START: &str = "，。、；：？！）》」』】〕〉”’…—·%,.;:?!)]}";
/// Characters that must not end a line (行尾禁则).
const NO_LINE_END: &str = "（《「『【〔〈“‘([{";

/// Which face a text prefers: the body chain, or the headings face first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Weight {
    Body,
    Heading,
}

/// A font size and weight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Style {
    pub(crate) size: Mpt,
    pub(crate) weight: Weight,
}

impl Style {
    pub(crate) const fn body(size: Mpt) -> Style {
        Style {
            size,
            weight: Weight::Body,
        }
    }
    pub(crate) const fn heading(size: Mpt) -> Style {
        Style {
            size,
            weight: Weight::Heading,
        }
    }
    /// The distance between baselines of wrapped lines.
    pub(crate) const fn leading(self) -> Mpt {
        self.size * 16 / 10
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// A table column.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column<'a> {
    pub(crate) title: &'a str,
    /// Width in [`Mpt`]; a table's widths should add up to at most
    /// [`TEXT_WIDTH`].
    pub(crate) width: Mpt,
    pub(crate) align: Align,
}

/// A table's look and the caption drawn above it on every page it spans.
pub(crate) struct Table<'a> {
    pub(crate) columns: &'a [Column<'a>],
    /// Drawn above the table where it starts.
    pub(crate) caption: Option<String>,
    /// Drawn above the table on the pages it continues onto.
    pub(crate) caption_continued: Option<String>,
    pub(crate) caption_style: Style,
    pub(crate) header_style: Style,
    pub(crate) body_style: Style,
    pub(crate) row_height: Mpt,
}

impl Table<'_> {
    /// The height of the whole table with `rows` rows, caption included.
    pub(crate) fn height(&self, rows: usize) -> Mpt {
        let caption = match self.caption {
            Some(_) => self.caption_style.leading(),
            None => 0,
        };
        let rows = Mpt::try_from(rows).unwrap_or(Mpt::MAX).saturating_add(1);
        caption.saturating_add(self.row_height.saturating_mul(rows))
    }
}

/// Face slots: body face `i` is slot `i`, the headings face is slot
/// `fonts.body.len()`.
type Slot = usize;

/// One run of text drawn from one face.
struct Run {
    slot: Slot,
    text: String,
    /// Advance in font units of that face.
    units: i64,
}

/// One page being laid out: graphics (lines) and text are kept apart, so
/// the text goes into one text object per page.
#[derive(Default)]
struct PageOps {
    graphics: Vec<Op>,
    text: Vec<Op>,
    /// The font and size last set in `text`.
    current: Option<(Slot, Mpt)>,
}

/// A document being laid out.
pub(crate) struct Doc<'f> {
    fonts: &'f FontSet,
    title: String,
    running_header: Option<String>,
    pages: Vec<PageOps>,
    /// The page drawn on: the last one while laying out, each in turn
    /// while [`Doc::finish`] adds the footers.
    current: usize,
    /// The top of the free space on the current page.
    y: Mpt,
    /// Which slots were used (their fonts are embedded).
    used: Vec<bool>,
}

impl<'f> Doc<'f> {
    /// A document with one empty page. `title` is the PDF's title;
    /// `running_header`, if any, is printed at the top of every page but
    /// the first.
    pub(crate) fn new(fonts: &'f FontSet, title: &str, running_header: Option<String>) -> Self {
        Doc {
            fonts,
            title: title.to_owned(),
            running_header,
            pages: vec![PageOps::default()],
            current: 0,
            y: BODY_TOP_FIRST,
            used: vec![false; fonts.body.len() + 1],
        }
    }

    fn page(&mut self) -> &mut PageOps {
        if self.current >= self.pages.len() {
            self.pages.push(PageOps::default());
            self.current = self.pages.len() - 1;
        }
        &mut self.pages[self.current]
    }

    /// Starts a new page.
    pub(crate) fn new_page(&mut self) {
        self.pages.push(PageOps::default());
        self.current = self.pages.len() - 1;
        self.y = BODY_TOP;
    }

    /// Moves down by `h`.
    pub(crate) fn gap(&mut self, h: Mpt) {
        self.y -= h;
    }

    /// Starts a new page unless `h` more fits on this one, which keeps a
    /// block of at most a page's height together; a taller block starts
    /// where it is.
    pub(crate) fn ensure_space(&mut self, h: Mpt) {
        if self.y - h < BODY_BOTTOM && h <= BODY_TOP - BODY_BOTTOM {
            self.new_page();
        }
    }

    /// Splits `text` into runs by face; the first character no face has
    /// is an error.
    fn runs(&self, text: &str, weight: Weight) -> Result<Vec<Run>, PrintError> {
        let fonts = self.fonts;
        let heading_slot = fonts.body.len();
        let mut runs: Vec<Run> = Vec::new();
        for ch in text.chars() {
            let from_heading = match (weight, &fonts.heading) {
                (Weight::Heading, Some(face)) => face.glyph(ch).map(|g| (heading_slot, g)),
                _ => None,
            };
            let (slot, gid) = match from_heading.or_else(|| fonts.body_face_for(ch)) {
                Some(found) => found,
                None => {
                    return Err(PrintError::MissingGlyph {
                        what: format!("the text “{text}”"),
                        what_zh: format!("文本“{text}”"),
                        ch,
                    })
                }
            };
            let units = self.face(slot).advance(gid);
            match runs.last_mut() {
                Some(run) if run.slot == slot => {
                    run.text.push(ch);
                    run.units += units;
                }
                _ => runs.push(Run {
                    slot,
                    text: ch.to_string(),
                    units,
                }),
            }
        }
        Ok(runs)
    }

    fn face(&self, slot: Slot) -> &crate::fonts::Face {
        match self.fonts.body.get(slot) {
            Some(face) => face,
            // The headings slot is only produced when the face exists.
            None => self.fonts.heading.as_ref().unwrap_or(&self.fonts.body[0]),
        }
    }

    fn run_width(&self, run: &Run, size: Mpt) -> Mpt {
        run.units * size / self.face(run.slot).units_per_em
    }

    /// The width of `text` in `style`.
    pub(crate) fn width(&self, text: &str, style: Style) -> Result<Mpt, PrintError> {
        let runs = self.runs(text, style.weight)?;
        Ok(runs.iter().map(|r| self.run_width(r, style.size)).sum())
    }

    /// Draws `text` with its baseline at (`x`, `baseline`); returns its
    /// width.
    pub(crate) fn text_at(
        &mut self,
        x: Mpt,
        baseline: Mpt,
        text: &str,
        style: Style,
    ) -> Result<Mpt, PrintError> {
        let runs = self.runs(text, style.weight)?;
        let mut pen = x;
        for run in runs {
            let width = self.run_width(&run, style.size);
            self.used[run.slot] = true;
            let page = self.page();
            if page.current != Some((run.slot, style.size)) {
                page.text.push(Op::SetFont {
                    font: PdfFontHandle::External(font_id(run.slot)),
                    size: pt(style.size),
                });
                page.current = Some((run.slot, style.size));
            }
            page.text.push(Op::SetTextMatrix {
                matrix: TextMatrix::Translate(pt(pen), pt(baseline)),
            });
            page.text.push(Op::ShowText {
                items: vec![TextItem::Text(run.text)],
            });
            pen += width;
        }
        Ok(pen - x)
    }

    /// Draws `text` in a box from `x` of width `width`, aligned; text wider
    /// than the box is drawn smaller so that it fits whole (a name is never
    /// cut).
    pub(crate) fn text_in_box(
        &mut self,
        x: Mpt,
        width: Mpt,
        baseline: Mpt,
        text: &str,
        style: Style,
        align: Align,
    ) -> Result<(), PrintError> {
        let natural = self.width(text, style)?;
        let (style, drawn) = if natural > width && natural > 0 {
            let size = style.size * width / natural;
            let style = Style { size, ..style };
            (style, self.width(text, style)?)
        } else {
            (style, natural)
        };
        let start = match align {
            Align::Left => x,
            Align::Center => x + (width - drawn) / 2,
            Align::Right => x + width - drawn,
        };
        self.text_at(start, baseline, text, style)?;
        Ok(())
    }

    /// A horizontal or any straight line.
    pub(crate) fn line(&mut self, from: (Mpt, Mpt), to: (Mpt, Mpt), thickness: Mpt) {
        let page = self.page();
        page.graphics
            .push(Op::SetOutlineThickness { pt: pt(thickness) });
        page.graphics.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: Point {
                            x: pt(from.0),
                            y: pt(from.1),
                        },
                        bezier: false,
                    },
                    LinePoint {
                        p: Point {
                            x: pt(to.0),
                            y: pt(to.1),
                        },
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A line of text centred between the margins, then `after` of space.
    pub(crate) fn centered(
        &mut self,
        text: &str,
        style: Style,
        after: Mpt,
    ) -> Result<(), PrintError> {
        self.ensure_space(style.size + after);
        let baseline = self.y - style.size;
        self.text_in_box(
            MARGIN_LEFT,
            TEXT_WIDTH,
            baseline,
            text,
            style,
            Align::Center,
        )?;
        self.y = baseline - after;
        Ok(())
    }

    /// Lines of text flush right (with a small inset), as a signature
    /// block; kept together on one page.
    pub(crate) fn right_block(&mut self, lines: &[&str], style: Style) -> Result<(), PrintError> {
        let count = Mpt::try_from(lines.len()).unwrap_or(0);
        self.ensure_space(style.leading() * count);
        let inset = mm10(100);
        for line in lines {
            let baseline = self.y - style.size;
            let w = self.width(line, style)?;
            self.text_at(MARGIN_LEFT + TEXT_WIDTH - inset - w, baseline, line, style)?;
            self.y -= style.leading();
        }
        Ok(())
    }

    /// A paragraph wrapped to the text width, the first line indented by
    /// `indent`; a `\n` in `text` starts a new paragraph. Chinese text
    /// breaks between any two characters.
    pub(crate) fn paragraph(
        &mut self,
        text: &str,
        style: Style,
        indent: Mpt,
    ) -> Result<(), PrintError> {
        self.wrapped(text, style, indent, 0)
    }

    /// Like [`Doc::paragraph`], the first line of each paragraph starting
    /// `first` from the left margin and the lines after it `rest` from it
    /// (a hanging indent when `rest` > 0).
    pub(crate) fn wrapped(
        &mut self,
        text: &str,
        style: Style,
        first: Mpt,
        rest: Mpt,
    ) -> Result<(), PrintError> {
        for para in text.split('\n') {
            let para = para.trim_end_matches('\r');
            let mut line = String::new();
            let mut line_width = 0;
            let mut avail = TEXT_WIDTH - first;
            let mut x = MARGIN_LEFT + first;
            for ch in para.chars() {
                let mut buf = [0u8; 4];
                let w = self.width(ch.encode_utf8(&mut buf), style)?;
                // Closing punctuation never starts a line: it hangs in the
                // margin instead (禁则).
                if line_width + w > avail && !line.is_empty() && !NO_LINE_START.contains(ch) {
                    // An opening bracket never ends a line: it moves down.
                    let mut carried = String::new();
                    while line.chars().count() > 1
                        && line.chars().last().is_some_and(|c| NO_LINE_END.contains(c))
                    {
                        if let Some(c) = line.pop() {
                            carried.insert(0, c);
                        }
                    }
                    self.paragraph_line(x, &line, style)?;
                    line_width = self.width(&carried, style)?;
                    line = carried;
                    avail = TEXT_WIDTH - rest;
                    x = MARGIN_LEFT + rest;
                }
                line.push(ch);
                line_width += w;
            }
            self.paragraph_line(x, &line, style)?;
        }
        Ok(())
    }

    /// The number of lines [`Doc::wrapped`] takes for `text` (an estimate
    /// for keeping a block together: each paragraph's width over the
    /// line's).
    pub(crate) fn line_count(
        &self,
        text: &str,
        style: Style,
        indent: Mpt,
    ) -> Result<i64, PrintError> {
        if text.is_empty() {
            return Ok(0);
        }
        text.split('\n')
            .map(|p| self.width(p, style).map(|w| (w + indent) / TEXT_WIDTH + 1))
            .sum()
    }

    /// Draws `text` at `x` on the line at the cursor (the cursor does not
    /// move); for a label before a [`Doc::wrapped`] value.
    pub(crate) fn label(&mut self, x: Mpt, text: &str, style: Style) -> Result<(), PrintError> {
        self.ensure_space(style.leading());
        let baseline = self.y - style.size;
        self.text_at(MARGIN_LEFT + x, baseline, text, style)?;
        Ok(())
    }

    fn paragraph_line(&mut self, x: Mpt, line: &str, style: Style) -> Result<(), PrintError> {
        self.ensure_space(style.leading());
        let baseline = self.y - style.size;
        self.text_at(x, baseline, line, style)?;
        self.y -= style.leading();
        Ok(())
    }

    /// A table, rows in order; it breaks across pages, repeating the
    /// continued caption and the column header on each new page.
    pub(crate) fn table<R, S>(
        &mut self,
        table: &Table<'_>,
        rows: impl IntoIterator<Item = R>,
    ) -> Result<(), PrintError>
    where
        R: AsRef<[S]>,
        S: AsRef<str>,
    {
        let caption_height = |c: &Option<String>| match c {
            Some(_) => table.caption_style.leading(),
            None => 0,
        };
        // Room for the caption, the header and one row, or a new page.
        self.ensure_space(caption_height(&table.caption) + table.row_height * 2);
        self.table_top(table, table.caption.as_deref())?;
        let mut segment_top = self.y + table.row_height;
        for row in rows {
            if self.y - table.row_height < BODY_BOTTOM {
                self.table_verticals(table, segment_top);
                self.new_page();
                self.table_top(table, table.caption_continued.as_deref())?;
                segment_top = self.y + table.row_height;
            }
            self.table_row(table, row.as_ref(), table.body_style)?;
        }
        self.table_verticals(table, segment_top);
        Ok(())
    }

    /// The caption (if any) and the header row, with the table's top rule.
    fn table_top(&mut self, table: &Table<'_>, caption: Option<&str>) -> Result<(), PrintError> {
        if let Some(caption) = caption {
            let style = table.caption_style;
            let baseline = self.y - style.size;
            self.text_at(MARGIN_LEFT, baseline, caption, style)?;
            self.y -= style.leading();
        }
        let right = MARGIN_LEFT + table.columns.iter().map(|c| c.width).sum::<Mpt>();
        self.line((MARGIN_LEFT, self.y), (right, self.y), 800);
        let titles: Vec<&str> = table.columns.iter().map(|c| c.title).collect();
        let header_columns: Vec<Column> = table
            .columns
            .iter()
            .map(|c| Column {
                align: Align::Center,
                ..*c
            })
            .collect();
        let header = Table {
            columns: &header_columns,
            caption: None,
            caption_continued: None,
            ..*table
        };
        self.table_row(&header, &titles, table.header_style)?;
        Ok(())
    }

    /// One row of cells, then the rule under it.
    fn table_row<S: AsRef<str>>(
        &mut self,
        table: &Table<'_>,
        cells: &[S],
        style: Style,
    ) -> Result<(), PrintError> {
        let bottom = self.y - table.row_height;
        // Ideographs sit in an em box whose bottom is about 0.12 em below
        // the baseline: centre that box in the row.
        let baseline = bottom + (table.row_height - style.size) / 2 + style.size * 12 / 100;
        let pad = mm10(15);
        let mut x = MARGIN_LEFT;
        for (column, cell) in table.columns.iter().zip(cells) {
            let cell = cell.as_ref();
            if !cell.is_empty() {
                self.text_in_box(
                    x + pad,
                    column.width - 2 * pad,
                    baseline,
                    cell,
                    style,
                    column.align,
                )?;
            }
            x += column.width;
        }
        self.line((MARGIN_LEFT, bottom), (x, bottom), 400);
        self.y = bottom;
        Ok(())
    }

    /// The vertical rules of a table segment from `top` down to the cursor.
    fn table_verticals(&mut self, table: &Table<'_>, top: Mpt) {
        let bottom = self.y;
        let mut x = MARGIN_LEFT;
        self.line((x, top), (x, bottom), 400);
        for column in table.columns {
            x += column.width;
            self.line((x, top), (x, bottom), 400);
        }
    }

    /// Adds the running header and the footer to every page and writes the
    /// PDF. `footer(page, pages)` gives the footer's lines, top to bottom,
    /// each centred.
    pub(crate) fn finish(
        mut self,
        footer: impl Fn(usize, usize) -> Vec<(String, Style)>,
    ) -> Result<Vec<u8>, PrintError> {
        let total = self.pages.len();
        for index in 0..total {
            self.current = index;
            if index > 0 {
                if let Some(header) = self.running_header.clone() {
                    let style = Style::body(pt10(80));
                    self.text_in_box(
                        MARGIN_LEFT,
                        TEXT_WIDTH,
                        RUNNING_HEADER_BASELINE,
                        &header,
                        style,
                        Align::Center,
                    )?;
                    let rule = RUNNING_HEADER_BASELINE - mm10(20);
                    self.line((MARGIN_LEFT, rule), (MARGIN_LEFT + TEXT_WIDTH, rule), 400);
                }
            }
            let lines = footer(index + 1, total);
            let mut baseline = FOOTER_BASELINE;
            for (text, style) in lines.iter().rev() {
                self.text_in_box(
                    MARGIN_LEFT,
                    TEXT_WIDTH,
                    baseline,
                    text,
                    *style,
                    Align::Center,
                )?;
                baseline += style.leading();
            }
        }

        let mut pdf = PdfDocument::new(&self.title);
        for (slot, used) in self.used.iter().enumerate() {
            if *used {
                let face = self.face(slot);
                pdf.resources
                    .fonts
                    .map
                    .insert(font_id(slot), printpdf::PdfFont::new(face.parsed.clone()));
            }
        }
        let black = Color::Rgb(Rgb {
            r: 0.0,
            g: 0.0,
            b: 0.0,
            icc_profile: None,
        });
        let pages: Vec<PdfPage> = self
            .pages
            .into_iter()
            .map(|page| {
                let mut ops = Vec::with_capacity(page.graphics.len() + page.text.len() + 4);
                ops.push(Op::SetOutlineColor { col: black.clone() });
                ops.extend(page.graphics);
                ops.push(Op::StartTextSection);
                ops.push(Op::SetFillColor { col: black.clone() });
                ops.extend(page.text);
                ops.push(Op::EndTextSection);
                PdfPage::new(Mm(210.0), Mm(297.0), ops)
            })
            .collect();
        let mut warnings = Vec::new();
        let bytes = pdf
            .with_pages(pages)
            .save(&PdfSaveOptions::default(), &mut warnings);
        if let Some(error) = warnings
            .iter()
            .find(|w| w.severity == printpdf::PdfParseErrorSeverity::Error)
        {
            return Err(PrintError::Pdf(error.msg.clone()));
        }
        Ok(bytes)
    }
}

/// The PDF font id of a slot. Its first six letters are the subset tag
/// (`HJFNTA+NotoSerifCJKsc-Regular`); fixed ids make the output the same
/// for the same input.
fn font_id(slot: Slot) -> FontId {
    let letter = char::from(b'A' + u8::try_from(slot % 26).unwrap_or(0));
    FontId(format!("HJFNT{letter}"))
}
