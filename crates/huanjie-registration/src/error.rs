//! Problems with the roll file as a whole: the file is refused before any
//! resident is looked at.
//!
//! Each message says in plain words what to change (rename a header, save
//! as .xlsx …), in Chinese for the committee and in English. Header text
//! that looks like a resident ID (a roll saved without its header row) is
//! masked, in the messages and in `Debug`, so an ID never reaches a log.

use crate::cells::{looks_like_resident_id, mask_resident_id};
use huanjie_core::registration::Column;
use std::fmt;

/// One cell of the header row, as a person finds it in Excel.
#[derive(Clone, PartialEq, Eq)]
pub struct HeaderCell {
    /// The row (1 unless blank rows precede the header).
    pub row: usize,
    /// The column letter (A, B, … AA).
    pub column: String,
    /// The header text, trimmed.
    pub text: String,
}

impl HeaderCell {
    /// The header text as shown in messages: masked if it looks like a
    /// resident ID.
    pub fn shown(&self) -> String {
        if looks_like_resident_id(&self.text) {
            mask_resident_id(&self.text)
        } else {
            self.text.clone()
        }
    }
}

impl fmt::Debug for HeaderCell {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HeaderCell")
            .field("row", &self.row)
            .field("column", &self.column)
            .field("text", &self.shown())
            .finish()
    }
}

/// Why a roll file was refused as a whole. `Display` is the English
/// message; [`RollFileError::message_zh`] is the Chinese one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RollFileError {
    /// No non-blank row at all (or a workbook without a sheet).
    #[error("the file is empty or has no header row")]
    Empty,
    /// Not UTF-8, UTF-16 (with BOM) or GB18030 text, and not a workbook.
    #[error("the file is not text in UTF-8, UTF-16 or GBK/GB18030, nor an Excel workbook: save it as “CSV UTF-8 (comma delimited)” or as an Excel workbook (.xlsx)")]
    NotText,
    /// An OLE compound file: the old binary .xls, or an encrypted workbook.
    #[error("this is an old Excel file (.xls) or a password-protected workbook: remove any password and save it as an Excel workbook (.xlsx) or as CSV")]
    OldExcel,
    /// calamine could not read the workbook.
    #[error("the Excel workbook cannot be read ({reason}): open it in Excel or WPS and save it again as .xlsx, or save it as CSV")]
    Workbook { reason: String },
    /// The csv reader gave up (it hardly ever does: rows may have any
    /// number of fields).
    #[error("the CSV file cannot be read at row {row} ({reason})")]
    Csv { row: usize, reason: String },
    /// Headers that name no column of the roll. All are listed.
    #[error("{}", unknown_headers_en(.0))]
    UnknownHeaders(Vec<HeaderCell>),
    /// Two headers name the same column.
    #[error("“{}” (column {}) and “{}” (column {}) are both the {} column: keep one of them", .first.shown(), .first.column, .second.shown(), .second.column, .column.en())]
    DuplicateColumn {
        column: Column,
        first: HeaderCell,
        second: HeaderCell,
    },
    /// Required columns absent from the header row. All are listed.
    #[error("{}", missing_en(.0))]
    MissingColumns(Vec<Column>),
    /// A value in a column without a header (blank header, or beyond the
    /// last header): it would be silently lost otherwise.
    #[error("row {row}, column {column} has a value but the column has no header: add the header or delete the value")]
    DataWithoutHeader { row: usize, column: String },
    /// A row longer than this reader keeps (4 GiB of text).
    #[error("row {row} is too long to read")]
    RowTooLong { row: usize },
}

fn unknown_headers_en(cells: &[HeaderCell]) -> String {
    let list: Vec<String> = cells
        .iter()
        .map(|c| format!("“{}” (column {})", c.shown(), c.column))
        .collect();
    let mut s = format!(
        "unknown column header{}: {}. Rename {} to a header of the template (see its Notes sheet) or delete {}",
        if cells.len() == 1 { "" } else { "s" },
        list.join(", "),
        if cells.len() == 1 { "it" } else { "them" },
        if cells.len() == 1 { "the column" } else { "those columns" },
    );
    if cells.iter().any(|c| looks_like_resident_id(&c.text)) {
        s.push_str(". The first row looks like data: a roll starts with a row of column headers");
    }
    s
}

fn missing_en(columns: &[Column]) -> String {
    let list: Vec<String> = columns
        .iter()
        .map(|c| format!("{} ({})", c.zh(), c.en()))
        .collect();
    format!(
        "required column{} missing: {}",
        if columns.len() == 1 { " is" } else { "s are" },
        list.join(", ")
    )
}

impl RollFileError {
    /// The English message (the same as `Display`).
    pub fn message_en(&self) -> String {
        self.to_string()
    }

    /// The Chinese message, for the committee.
    pub fn message_zh(&self) -> String {
        match self {
            RollFileError::Empty => "文件为空，或没有表头行".into(),
            RollFileError::NotText => {
                "无法识别文件内容：它既不是UTF-8、UTF-16或GBK/GB18030编码的文本，也不是Excel工作簿。请另存为“CSV UTF-8（逗号分隔）”或Excel工作簿（.xlsx）".into()
            }
            RollFileError::OldExcel => {
                "这是旧版Excel文件（.xls）或设有密码的工作簿：请去掉密码，另存为Excel工作簿（.xlsx）或CSV文件".into()
            }
            RollFileError::Workbook { reason } => format!(
                "无法读取该Excel工作簿（{reason}）：请用Excel或WPS打开后重新另存为.xlsx，或另存为CSV文件"
            ),
            RollFileError::Csv { row, reason } => {
                format!("CSV文件第{row}行无法读取（{reason}）")
            }
            RollFileError::UnknownHeaders(cells) => {
                let list: Vec<String> = cells
                    .iter()
                    .map(|c| format!("“{}”（{}列）", c.shown(), c.column))
                    .collect();
                let mut s = format!(
                    "以下表头不是名册的列名：{}。请改为模板中的列名（见模板“说明”工作表），或删除该列",
                    list.join("、")
                );
                if cells.iter().any(|c| looks_like_resident_id(&c.text)) {
                    s.push_str("。第一行看起来是数据：名册的第一行须为列名（表头）");
                }
                s
            }
            RollFileError::DuplicateColumn {
                column,
                first,
                second,
            } => format!(
                "“{}”（{}列）和“{}”（{}列）都是“{}”列，只能保留一列",
                first.shown(),
                first.column,
                second.shown(),
                second.column,
                column.zh()
            ),
            RollFileError::MissingColumns(columns) => {
                let list: Vec<&str> = columns.iter().map(|c| c.zh()).collect();
                format!("缺少必填列：{}", list.join("、"))
            }
            RollFileError::DataWithoutHeader { row, column } => {
                format!("第{row}行{column}列有内容，但该列没有表头：请补上表头或删除该内容")
            }
            RollFileError::RowTooLong { row } => format!("第{row}行过长，无法读取"),
        }
    }

    /// The header texts this error is about, for a caller that highlights
    /// them (unknown or duplicated headers).
    pub fn headers(&self) -> Vec<&HeaderCell> {
        match self {
            RollFileError::UnknownHeaders(cells) => cells.iter().collect(),
            RollFileError::DuplicateColumn { first, second, .. } => vec![first, second],
            _ => Vec::new(),
        }
    }
}
