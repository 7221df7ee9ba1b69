//! The roll as read from the file: rows of trimmed cell text.
//!
//! Cells are kept as text so every error can quote what the committee
//! typed. A million-row roll must stay cheap, so a row's cells live in one
//! allocation (the texts end to end, with their end offsets) rather than
//! thirteen strings.

use crate::cells::{clean_cell, mask_resident_id};
use crate::format::SourceFormat;
use huanjie_core::registration::Column;
use std::fmt;

/// A roll read from a file, before any rule is applied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedRoll {
    /// How the bytes were understood.
    pub format: SourceFormat,
    /// The row of the headers, as Excel numbers rows (usually 1).
    pub header_row: usize,
    /// The columns of the header row, in file order.
    pub columns: Vec<Column>,
    /// The data rows, blank rows left out.
    pub rows: Vec<RollRow>,
}

/// One data row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RollRow {
    /// The row number a person sees in Excel (the header is row 1, the
    /// first resident row 2; blank rows count).
    pub row: usize,
    pub cells: RollCells,
}

/// The 0-based position of a column in `Column::ALL`.
pub(crate) fn column_index(column: Column) -> usize {
    match column {
        Column::Name => 0,
        Column::Gender => 1,
        Column::ResidentId => 2,
        Column::Group => 3,
        Column::Household => 4,
        Column::Address => 5,
        Column::Category => 6,
        Column::ResidenceSince => 7,
        Column::PoliticalRights => 8,
        Column::WillParticipate => 9,
        Column::CommitteeConsent => 10,
        Column::HouseholdRepresentative => 11,
        Column::ResidentsRepresentative => 12,
    }
}

const COLUMNS: usize = Column::ALL.len();

/// The trimmed text of each column of one row ("" for a blank cell or a
/// column the file does not have).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct RollCells {
    /// The cells in `Column::ALL` order, end to end.
    text: Box<str>,
    /// Where each cell ends in `text`.
    ends: [u32; COLUMNS],
    /// Columns whose Excel number cell had more digits than Excel keeps
    /// (an 18-digit ID typed into a number cell), one bit per column.
    lost_digits: u16,
}

/// The text was longer than `u32` offsets reach (4 GiB in one row).
#[derive(Debug)]
pub(crate) struct TooLong;

impl RollCells {
    /// Cells from (column, text) pairs; text is trimmed as the reader does.
    /// A column given twice keeps its last text.
    pub fn new<'a>(cells: impl IntoIterator<Item = (Column, &'a str)>) -> Self {
        let mut texts = [""; COLUMNS];
        for (column, text) in cells {
            texts[column_index(column)] = clean_cell(text);
        }
        Self::from_texts(&texts, 0).unwrap_or_default()
    }

    /// Cells from texts already cleaned, in `Column::ALL` order.
    pub(crate) fn from_texts(texts: &[&str; COLUMNS], lost_digits: u16) -> Result<Self, TooLong> {
        let total: usize = texts.iter().map(|t| t.len()).sum();
        if u32::try_from(total).is_err() {
            return Err(TooLong);
        }
        let mut text = String::with_capacity(total);
        let mut ends = [0u32; COLUMNS];
        for (end, t) in ends.iter_mut().zip(texts) {
            text.push_str(t);
            *end = u32::try_from(text.len()).map_err(|_| TooLong)?;
        }
        Ok(RollCells {
            text: text.into_boxed_str(),
            ends,
            lost_digits,
        })
    }

    /// The trimmed text of a column.
    pub fn get(&self, column: Column) -> &str {
        let i = column_index(column);
        let start = match i.checked_sub(1) {
            Some(prev) => self.ends[prev],
            None => 0,
        };
        self.text
            .get(start as usize..self.ends[i] as usize)
            .unwrap_or_default()
    }

    /// Whether every cell is blank.
    pub fn is_blank(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether the column's cell was an Excel number too long for Excel to
    /// keep every digit (so the text has lost its last digits).
    pub fn lost_digits(&self, column: Column) -> bool {
        self.lost_digits & (1 << column_index(column)) != 0
    }

    pub(crate) fn lost_digits_bit(column: Column) -> u16 {
        1 << column_index(column)
    }
}

/// Debug lists the non-blank cells, with the resident ID masked.
impl fmt::Debug for RollCells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for column in Column::ALL {
            let text = self.get(column);
            if text.is_empty() {
                continue;
            }
            if column == Column::ResidentId {
                map.entry(&column.en(), &mask_resident_id(text));
            } else {
                map.entry(&column.en(), &text);
            }
        }
        map.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_round_trip_and_mask() {
        let cells = RollCells::new([
            (Column::Name, " 张三 "),
            (Column::ResidentId, "11010519491231002X"),
            (Column::ResidentsRepresentative, "是"),
        ]);
        assert_eq!(cells.get(Column::Name), "张三");
        assert_eq!(cells.get(Column::Gender), "");
        assert_eq!(cells.get(Column::ResidentId), "11010519491231002X");
        assert_eq!(cells.get(Column::ResidentsRepresentative), "是");
        assert!(!cells.is_blank());
        assert!(RollCells::new([(Column::Name, "  ")]).is_blank());
        let debug = format!("{cells:?}");
        assert!(!debug.contains("11010519491231002X"), "{debug}");
        assert!(debug.contains("1101**********002X"), "{debug}");
        for (i, c) in Column::ALL.into_iter().enumerate() {
            assert_eq!(column_index(c), i);
        }
    }
}
