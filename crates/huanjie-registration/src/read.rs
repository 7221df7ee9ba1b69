//! `read_roll`: from bytes to rows of cell text, with the header row
//! checked.
//!
//! Row numbers are the ones a person sees when opening the file in Excel,
//! so an error can be found at once: blank lines in a CSV count as rows
//! (the csv reader skips them, so they are counted back), a quoted cell
//! spanning lines is one row, and in a workbook the sheet's own row numbers
//! are used even when the data does not start in A1.

use crate::cells::{clean_cell, column_letter};
use crate::error::{HeaderCell, RollFileError};
use crate::format::{self, Input, SourceFormat};
use crate::headers::{column_for_header, REQUIRED};
use crate::roll::{column_index, ParsedRoll, RollCells, RollRow};
use calamine::{Data, Reader};
use huanjie_core::registration::Column;

/// Reads a roll: XLSX (told by its ZIP signature; the first sheet is read)
/// or CSV (UTF-8 with or without BOM, UTF-16 with BOM, otherwise GBK/
/// GB18030; comma- or tab-separated).
///
/// The first non-blank row is the header row. Unknown, duplicated or
/// missing required headers refuse the file; so does a value in a column
/// without a header. Blank rows are left out (they keep their row numbers).
/// Cells are trimmed text; nothing else is checked here: see
/// [`check_roll`](crate::check_roll).
pub fn read_roll(bytes: &[u8]) -> Result<ParsedRoll, RollFileError> {
    match format::detect(bytes)? {
        Input::Xlsx => read_xlsx(bytes),
        Input::Text { text, format } => read_csv(&text, format),
    }
}

/// The cells of one row of the file, in file order.
trait RowSource {
    fn width(&self) -> usize;
    /// The cell's text, cleaned ("" beyond the row's end).
    fn cell(&self, i: usize) -> &str;
    /// Whether the cell is a number that lost digits in Excel.
    fn lost_digits(&self, _i: usize) -> bool {
        false
    }
}

impl RowSource for csv::StringRecord {
    fn width(&self) -> usize {
        self.len()
    }
    fn cell(&self, i: usize) -> &str {
        clean_cell(self.get(i).unwrap_or_default())
    }
}

/// A workbook row converted to text.
struct SheetRow {
    cells: Vec<(String, bool)>,
}

impl RowSource for SheetRow {
    fn width(&self) -> usize {
        self.cells.len()
    }
    fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map_or("", |(t, _)| clean_cell(t))
    }
    fn lost_digits(&self, i: usize) -> bool {
        self.cells.get(i).is_some_and(|(_, lost)| *lost)
    }
}

/// Where each column is in the file.
struct Header {
    /// File position of each column, by `column_index`.
    position: [Option<usize>; Column::ALL.len()],
    /// File positions with a blank header.
    unnamed: Vec<usize>,
    width: usize,
}

struct RollBuilder {
    format: SourceFormat,
    /// The sheet column of file position 0 (a sheet may start after A).
    first_column: usize,
    header: Option<(usize, Header, Vec<Column>)>,
    rows: Vec<RollRow>,
}

impl RollBuilder {
    fn new(format: SourceFormat, first_column: usize) -> Self {
        RollBuilder {
            format,
            first_column,
            header: None,
            rows: Vec::new(),
        }
    }

    fn letter(&self, i: usize) -> String {
        column_letter(self.first_column + i)
    }

    fn push(&mut self, row: usize, source: &impl RowSource) -> Result<(), RollFileError> {
        let Some((_, header, _)) = &self.header else {
            if (0..source.width()).all(|i| source.cell(i).is_empty()) {
                return Ok(());
            }
            let (header, columns) = self.read_header(row, source)?;
            self.header = Some((row, header, columns));
            return Ok(());
        };
        let stray = header
            .unnamed
            .iter()
            .copied()
            .chain(header.width..source.width())
            .find(|&i| !source.cell(i).is_empty());
        if let Some(i) = stray {
            return Err(RollFileError::DataWithoutHeader {
                row,
                column: self.letter(i),
            });
        }
        let mut texts = [""; Column::ALL.len()];
        let mut lost = 0u16;
        for (column, (text, position)) in Column::ALL
            .into_iter()
            .zip(texts.iter_mut().zip(header.position))
        {
            if let Some(p) = position {
                *text = source.cell(p);
                if source.lost_digits(p) {
                    lost |= RollCells::lost_digits_bit(column);
                }
            }
        }
        let cells =
            RollCells::from_texts(&texts, lost).map_err(|_| RollFileError::RowTooLong { row })?;
        if !cells.is_blank() {
            self.rows.push(RollRow { row, cells });
        }
        Ok(())
    }

    fn read_header(
        &self,
        row: usize,
        source: &impl RowSource,
    ) -> Result<(Header, Vec<Column>), RollFileError> {
        let mut header = Header {
            position: [None; Column::ALL.len()],
            unnamed: Vec::new(),
            width: source.width(),
        };
        let mut columns = Vec::new();
        let mut unknown = Vec::new();
        let mut duplicate = None;
        let cell_at = |i: usize| HeaderCell {
            row,
            column: self.letter(i),
            text: source.cell(i).to_owned(),
        };
        for i in 0..source.width() {
            let text = source.cell(i);
            if text.is_empty() {
                header.unnamed.push(i);
                continue;
            }
            match column_for_header(text) {
                None => unknown.push(cell_at(i)),
                Some(column) => match header.position[column_index(column)] {
                    Some(first) => {
                        duplicate.get_or_insert((column, first, i));
                    }
                    None => {
                        header.position[column_index(column)] = Some(i);
                        columns.push(column);
                    }
                },
            }
        }
        if !unknown.is_empty() {
            return Err(RollFileError::UnknownHeaders(unknown));
        }
        if let Some((column, first, second)) = duplicate {
            return Err(RollFileError::DuplicateColumn {
                column,
                first: cell_at(first),
                second: cell_at(second),
            });
        }
        let missing: Vec<Column> = REQUIRED
            .into_iter()
            .filter(|c| header.position[column_index(*c)].is_none())
            .collect();
        if !missing.is_empty() {
            return Err(RollFileError::MissingColumns(missing));
        }
        Ok((header, columns))
    }

    fn finish(self) -> Result<ParsedRoll, RollFileError> {
        let (header_row, _, columns) = self.header.ok_or(RollFileError::Empty)?;
        Ok(ParsedRoll {
            format: self.format,
            header_row,
            columns,
            rows: self.rows,
        })
    }
}

/// Line breaks in a run of `\r` and `\n` (`\r\n`, `\n` and a lone `\r`
/// each end one line).
fn line_breaks(run: &[u8]) -> usize {
    run.iter()
        .enumerate()
        .filter(|&(i, &c)| c == b'\n' || (c == b'\r' && run.get(i + 1) != Some(&b'\n')))
        .count()
}

/// The blank lines the csv reader skipped before the record it read from
/// byte `start`. The reader resumes right after the first byte of the
/// previous record's line end, so the skipped run begins with the rest of
/// that line end (the `\n` of a `\r\n`), which is not a blank line.
fn blank_lines_before(text: &[u8], start: usize) -> usize {
    let rest = text.get(start..).unwrap_or_default();
    let lead = rest
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count();
    let previous_end = start
        .checked_sub(1)
        .filter(|&i| matches!(text.get(i), Some(b'\r' | b'\n')));
    match previous_end {
        Some(from) => {
            line_breaks(text.get(from..start + lead).unwrap_or_default()).saturating_sub(1)
        }
        None => line_breaks(rest.get(..lead).unwrap_or_default()),
    }
}

fn read_csv(text: &str, format: SourceFormat) -> Result<ParsedRoll, RollFileError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(format::delimiter(text))
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    let mut builder = RollBuilder::new(format, 0);
    // About one row per line: reserved once instead of grown by copying.
    // A resident's row is longer than 32 bytes, so a file of blank lines
    // cannot make this reserve much more than the file's size.
    let lines = text.bytes().filter(|&b| b == b'\n').count();
    builder.rows.reserve(lines.min(text.len() / 32));
    let mut row = 0usize;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                return Err(RollFileError::Csv {
                    row: row + 1,
                    reason: e.to_string(),
                })
            }
        }
        // Excel shows blank lines as rows, and a quoted cell spanning
        // lines as one row: count the skipped blank lines, not all lines.
        let start = record
            .position()
            .and_then(|p| usize::try_from(p.byte()).ok())
            .unwrap_or_default();
        row += 1 + blank_lines_before(text.as_bytes(), start);
        builder.push(row, &record)?;
    }
    builder.finish()
}

/// Excel keeps 15 significant digits: a longer number (an 18-digit ID in a
/// number cell) has already lost its last digits.
const EXCEL_DIGITS_LIMIT: f64 = 1e15;
/// Integers up to 2^53 are exact in an f64.
const F64_EXACT_LIMIT: f64 = 9_007_199_254_740_992.0;

/// A number cell as the text Excel shows for it (whole numbers without
/// ".0"), and whether it has lost digits.
fn number_text(v: f64) -> (String, bool) {
    if v.is_finite() && v.fract() == 0.0 {
        let lost = v.abs() >= EXCEL_DIGITS_LIMIT;
        if v.abs() < F64_EXACT_LIMIT {
            ((v as i64).to_string(), lost)
        } else {
            (format!("{v:.0}"), lost)
        }
    } else {
        (v.to_string(), false)
    }
}

/// A workbook cell as text: dates as `YYYY-MM-DD`, booleans as true/false,
/// errors as Excel shows them (#N/A …).
fn data_text(d: &Data) -> (String, bool) {
    match d {
        Data::Empty => (String::new(), false),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => (s.clone(), false),
        Data::Int(i) => (i.to_string(), false),
        Data::Float(v) => number_text(*v),
        Data::Bool(b) => (b.to_string(), false),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            (format!("{y:04}-{m:02}-{d:02}"), false)
        }
        Data::DateTime(dt) => number_text(dt.as_f64()),
        Data::Error(e) => (e.to_string(), false),
    }
}

fn workbook_error(e: calamine::XlsxError) -> RollFileError {
    match e {
        calamine::XlsxError::Password => RollFileError::OldExcel,
        e => RollFileError::Workbook {
            reason: e.to_string(),
        },
    }
}

fn first_sheet(bytes: &[u8]) -> Result<calamine::Range<Data>, RollFileError> {
    let mut workbook = calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(workbook_error)?;
    match workbook.worksheet_range_at(0) {
        None => Err(RollFileError::Empty),
        Some(range) => range.map_err(workbook_error),
    }
}

fn read_xlsx(bytes: &[u8]) -> Result<ParsedRoll, RollFileError> {
    // Malformed input must never panic the caller. calamine is a mature
    // reader, but it parses a ZIP and XML written by anyone: should it
    // panic on a damaged file, that is reported as an unreadable workbook.
    let range = std::panic::catch_unwind(|| first_sheet(bytes)).map_err(|_| {
        RollFileError::Workbook {
            reason: "damaged file".into(),
        }
    })??;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut builder = RollBuilder::new(SourceFormat::Xlsx, first_column as usize);
    let mut row = SheetRow { cells: Vec::new() };
    for (i, cells) in range.rows().enumerate() {
        row.cells.clear();
        row.cells.extend(cells.iter().map(data_text));
        builder.push(first_row as usize + i + 1, &row)?;
    }
    builder.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell_text(d: &Data) -> String {
        data_text(d).0
    }

    #[test]
    fn numbers_as_excel_shows_them() {
        assert_eq!(number_text(101.0), ("101".into(), false));
        assert_eq!(number_text(-3.0), ("-3".into(), false));
        assert_eq!(number_text(1.5), ("1.5".into(), false));
        assert_eq!(
            number_text(110105194912310000.0),
            ("110105194912310000".into(), true)
        );
        assert_eq!(
            number_text(110105491231002.0),
            ("110105491231002".into(), false)
        );
        assert_eq!(cell_text(&Data::Bool(true)), "true");
        assert_eq!(cell_text(&Data::Int(42)), "42");
        assert_eq!(cell_text(&Data::Error(calamine::CellErrorType::NA)), "#N/A");
    }

    #[test]
    fn blank_lines_count_as_rows() {
        assert_eq!(line_breaks(b""), 0);
        assert_eq!(line_breaks(b"\n\n"), 2);
        assert_eq!(line_breaks(b"\r\n\r\n"), 2);
        assert_eq!(line_breaks(b"\r\r"), 2);
        let rows = |text: &str| -> Vec<usize> {
            read_csv(text, SourceFormat::Utf8)
                .unwrap()
                .rows
                .iter()
                .map(|r| r.row)
                .collect()
        };
        let header = "姓名,性别,公民身份号码,居民小组,户号,户籍类别";
        for end in ["\n", "\r\n", "\r"] {
            let text = [header, "", "a", "\"b", "c\"", "", "", "d", "", ""].join(end);
            assert_eq!(rows(&text), vec![3, 4, 7], "{end:?}");
        }
        assert_eq!(rows(&format!("\n\n{header}\na")), vec![4]);
    }
}
