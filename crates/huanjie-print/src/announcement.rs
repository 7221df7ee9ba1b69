//! A posted notice (公告) described as data, and its PDF.
//!
//! Every statutory notice has the same frame: a title (选举结果公告), an
//! optional number (第3号), the election's title, a line with the date of
//! issue, then the body (paragraphs, headings, tables, "key：value" lists),
//! then the signature block (落款: the committee's name and the date), and
//! on every page a footer with small lines (the rule the notice follows,
//! "依据 R-NOM-5") and "第 x 页 共 y 页". An [`Announcement`] is that frame
//! filled in; [`Announcement::to_pdf`] lays it out on A4 portrait pages.
//! The constructors in `notices` build one per statutory notice from plain
//! input structs; a caller may also build one by hand.
//!
//! Every text is checked against the fonts before anything is laid out: a
//! character no font has is refused with [`PrintError::MissingGlyph`]
//! naming where it is (the title, paragraph 3, the cell 姓名 of row 2 of
//! the table 主任, …) and the text around it.

use crate::fonts::FontSet;
use crate::layout::{mm10, Align, Column, Doc, Mpt, Table, TEXT_WIDTH};
use crate::style::{closing, masthead, BODY, CAPTION, FOOTER, HEADER, ROW};
use crate::{zh, PrintError};
use chrono::NaiveDate;

/// A notice to post, as data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Announcement {
    /// The notice's title: 正式候选人公告.
    pub title: String,
    /// The notice's number as the committee numbers its notices
    /// ("第3号"), printed under the title in brackets; `None`: no line.
    pub number: Option<String>,
    /// 某某社区第十二届居民委员会选举
    pub election_title: String,
    /// 某某社区居民委员会换届选举委员会: signs the notice.
    pub committee_name: String,
    /// The date of issue (公布日期), at the top and in the signature block.
    pub issue_date: NaiveDate,
    /// Printed after the date of issue on the masthead's line
    /// ("选举日期：2026年12月20日"); may be empty.
    pub summary: String,
    /// The body, top to bottom.
    pub blocks: Vec<Block>,
    /// A paragraph kept on one page with the signature block (how to
    /// object, whom to ask); may be empty.
    pub closing: String,
    /// Small lines at the foot of every page, above the page number
    /// (依据 R-NOM-5; a list's fingerprint).
    pub footer: Vec<String>,
}

/// One part of an announcement's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A heading in bold (一、投票时间), kept on the page of what follows.
    Heading(String),
    /// Text wrapped to the page, each line of it (split at `\n`) a
    /// paragraph with its first line indented by two characters.
    Paragraph(String),
    /// Labelled values, one per line (选举日期：2026年12月20日), values
    /// aligned after the widest label and wrapped under themselves.
    KeyValues(Vec<(String, String)>),
    /// A ruled table that runs across pages with its caption and column
    /// titles repeated.
    Table(AnnouncementTable),
}

/// A table of an announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnouncementTable {
    /// Above the table (主任（应选1名）); on the pages it continues onto
    /// with "（续）".
    pub caption: Option<String>,
    pub columns: Vec<TableColumn>,
    /// Each row has exactly one cell per column (else
    /// [`PrintError::BadTable`]); a cell wider than its column is printed
    /// smaller so that it fits whole.
    pub rows: Vec<Vec<String>>,
}

/// A column of an [`AnnouncementTable`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableColumn {
    pub title: String,
    /// The column's share of the page width: the columns' widths are in
    /// proportion to these numbers (give tenths of a millimetre summing to
    /// 1700 for exact widths; the text width is 170 mm).
    pub width: u32,
    pub align: CellAlign,
}

impl TableColumn {
    pub fn new(title: &str, width: u32, align: CellAlign) -> TableColumn {
        TableColumn {
            title: title.to_owned(),
            width,
            align,
        }
    }
}

/// How the cells of a column are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAlign {
    Left,
    Center,
    Right,
}

/// Room kept under a heading for what follows it.
const KEEP_WITH_HEADING: Mpt = ROW * 3;

impl Announcement {
    /// The announcement as a PDF (A4 portrait).
    ///
    /// Page 1 starts with the masthead (the title, the number, the election
    /// title, "公布日期：…" and the summary); then the blocks in order; then
    /// the closing text and the signature block, kept together. Pages after
    /// the first have a running header (the title and the election title);
    /// every page's footer has the footer lines and "第 x 页 共 y 页".
    ///
    /// Refused before anything is laid out: a character no font has
    /// ([`PrintError::MissingGlyph`], naming the field), a malformed table
    /// ([`PrintError::BadTable`]).
    pub fn to_pdf(&self, fonts: &FontSet) -> Result<Vec<u8>, PrintError> {
        self.check(fonts)?;

        let mut doc = Doc::new(
            fonts,
            &format!("{} {}", self.title, self.election_title),
            Some(format!("{}　{}", self.title, self.election_title)),
        );
        let mut info = format!("公布日期：{}", zh::date(self.issue_date));
        if !self.summary.is_empty() {
            info.push_str("　　");
            info.push_str(&self.summary);
        }
        masthead(
            &mut doc,
            &self.title,
            self.number.as_deref(),
            &self.election_title,
            &info,
        )?;
        let indent = doc.width("　　", BODY)?;
        for block in &self.blocks {
            match block {
                Block::Heading(text) => {
                    doc.ensure_space(CAPTION.leading() + KEEP_WITH_HEADING);
                    doc.paragraph(text, CAPTION, 0)?;
                    doc.gap(mm10(15));
                }
                Block::Paragraph(text) => {
                    doc.paragraph(text, BODY, indent)?;
                    doc.gap(mm10(20));
                }
                Block::KeyValues(items) => {
                    key_values(&mut doc, items, indent)?;
                    doc.gap(mm10(30));
                }
                Block::Table(table) => {
                    render_table(&mut doc, table)?;
                    doc.gap(mm10(60));
                }
            }
        }
        doc.gap(mm10(40));
        closing(
            &mut doc,
            &self.closing,
            &self.committee_name,
            self.issue_date,
        )?;
        let footer = &self.footer;
        doc.finish(|page, pages| {
            footer
                .iter()
                .map(|line| (line.clone(), FOOTER))
                .chain(std::iter::once((zh::page_of(page, pages), FOOTER)))
                .collect()
        })
    }

    /// Every text must be printable; the error names where it is.
    fn check(&self, fonts: &FontSet) -> Result<(), PrintError> {
        let title = &self.title;
        let fixed = [
            ("the title", "标题", title),
            ("the election title", "选举名称", &self.election_title),
            ("the committee name", "选举委员会名称", &self.committee_name),
            ("the summary line", "公告摘要", &self.summary),
            ("the closing text", "结尾文字", &self.closing),
        ];
        for (what, what_zh, text) in fixed {
            zh::check(fonts, text, || {
                (
                    format!("{what} of the notice {title} (“{text}”)"),
                    format!("{title}的{what_zh}（{text}）"),
                )
            })?;
        }
        if let Some(number) = &self.number {
            zh::check(fonts, number, || {
                (
                    format!("the number of the notice {title} (“{number}”)"),
                    format!("{title}的编号（{number}）"),
                )
            })?;
        }
        for (i, line) in self.footer.iter().enumerate() {
            zh::check(fonts, line, || {
                (
                    format!("footer line {} of the notice {title} (“{line}”)", i + 1),
                    format!("{title}的页脚第{}行（{line}）", i + 1),
                )
            })?;
        }
        for (b, block) in self.blocks.iter().enumerate() {
            let n = b + 1;
            match block {
                Block::Heading(text) | Block::Paragraph(text) => {
                    let (kind, kind_zh) = match block {
                        Block::Heading(_) => ("heading", "标题"),
                        _ => ("paragraph", "段落"),
                    };
                    zh::check(fonts, text, || {
                        (
                            format!("the {kind} (part {n}) of the notice {title} (“{text}”)"),
                            format!("{title}第{n}部分的{kind_zh}（{text}）"),
                        )
                    })?;
                }
                Block::KeyValues(items) => {
                    for (key, value) in items {
                        for text in [key, value] {
                            zh::check(fonts, text, || {
                                (
                                    format!(
                                        "the item “{key}” (part {n}) of the notice {title} (“{value}”)"
                                    ),
                                    format!("{title}第{n}部分的“{key}”一项（{value}）"),
                                )
                            })?;
                        }
                    }
                }
                Block::Table(table) => check_table(fonts, title, n, table)?,
            }
        }
        Ok(())
    }
}

fn check_table(
    fonts: &FontSet,
    title: &str,
    n: usize,
    table: &AnnouncementTable,
) -> Result<(), PrintError> {
    let name = table_name(table, n);
    column_widths(table, &name)?;
    if let Some(caption) = &table.caption {
        zh::check(fonts, caption, || {
            (
                format!("the caption of the table “{name}” of the notice {title}"),
                format!("{title}中表格“{name}”的标题"),
            )
        })?;
    }
    for column in &table.columns {
        let t = &column.title;
        zh::check(fonts, t, || {
            (
                format!("the column title “{t}” of the table “{name}” of the notice {title}"),
                format!("{title}中表格“{name}”的栏目名“{t}”"),
            )
        })?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = r + 1;
        if row.len() != table.columns.len() {
            return Err(PrintError::BadTable {
                table: name,
                problem: format!(
                    "row {r} has {} cells for {} columns",
                    row.len(),
                    table.columns.len()
                ),
                problem_zh: format!(
                    "第 {r} 行有 {} 栏，表头有 {} 栏",
                    row.len(),
                    table.columns.len()
                ),
            });
        }
        for (column, cell) in table.columns.iter().zip(row) {
            let t = &column.title;
            zh::check(fonts, cell, || {
                (
                    format!(
                        "the cell “{t}” of row {r} of the table “{name}” of the notice {title} \
                         (“{cell}”)"
                    ),
                    format!("{title}中表格“{name}”第{r}行的“{t}”（{cell}）"),
                )
            })?;
        }
    }
    Ok(())
}

/// How an error names a table: its caption, or its place in the body.
fn table_name(table: &AnnouncementTable, n: usize) -> String {
    match &table.caption {
        Some(c) => c.clone(),
        None => format!("第{n}部分"),
    }
}

/// The columns' widths in [`Mpt`], in proportion to their shares, adding up
/// to the text width exactly.
fn column_widths(table: &AnnouncementTable, name: &str) -> Result<Vec<Mpt>, PrintError> {
    let total: Mpt = table.columns.iter().map(|c| Mpt::from(c.width)).sum();
    if total == 0 {
        return Err(PrintError::BadTable {
            table: name.to_owned(),
            problem: "the table has no columns (or only columns of width 0)".to_owned(),
            problem_zh: "表格没有栏目（或栏目宽度都为 0）".to_owned(),
        });
    }
    let mut out = Vec::with_capacity(table.columns.len());
    let mut before = 0;
    let mut acc = 0;
    for c in &table.columns {
        acc += Mpt::from(c.width);
        let edge = TEXT_WIDTH * acc / total;
        out.push(edge - before);
        before = edge;
    }
    Ok(out)
}

fn render_table(doc: &mut Doc<'_>, table: &AnnouncementTable) -> Result<(), PrintError> {
    let widths = column_widths(table, "")?;
    let columns: Vec<Column<'_>> = table
        .columns
        .iter()
        .zip(&widths)
        .map(|(c, w)| Column {
            title: &c.title,
            width: *w,
            align: match c.align {
                CellAlign::Left => Align::Left,
                CellAlign::Center => Align::Center,
                CellAlign::Right => Align::Right,
            },
        })
        .collect();
    let layout = Table {
        columns: &columns,
        caption: table.caption.clone(),
        caption_continued: table.caption.as_ref().map(|c| format!("{c}（续）")),
        caption_style: CAPTION,
        header_style: HEADER,
        body_style: BODY,
        row_height: ROW,
    };
    doc.table(&layout, &table.rows)
}

/// "key：value" lines, the values aligned after the widest key and wrapped
/// under themselves.
fn key_values(
    doc: &mut Doc<'_>,
    items: &[(String, String)],
    indent: Mpt,
) -> Result<(), PrintError> {
    let mut widest = 0;
    for (key, _) in items {
        widest = widest.max(doc.width(&format!("{key}："), BODY)?);
    }
    // A label wider than half the line gets no alignment column.
    let value_x = (indent + widest).min(TEXT_WIDTH / 2);
    for (key, value) in items {
        let label = format!("{key}：");
        let label_width = doc.width(&label, BODY)?;
        if indent + label_width > value_x {
            doc.wrapped(&format!("{label}{value}"), BODY, indent, value_x)?;
        } else {
            doc.label(indent, &label, BODY)?;
            doc.wrapped(value, BODY, value_x, value_x)?;
        }
        doc.gap(mm10(10));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_are_in_proportion_and_add_up() {
        let table = AnnouncementTable {
            caption: None,
            columns: vec![
                TableColumn::new("a", 1, CellAlign::Left),
                TableColumn::new("b", 2, CellAlign::Left),
                TableColumn::new("c", 4, CellAlign::Left),
            ],
            rows: vec![],
        };
        let w = column_widths(&table, "t").unwrap_or_default();
        assert_eq!(w.iter().sum::<Mpt>(), TEXT_WIDTH);
        assert!((w[1] - 2 * w[0]).abs() <= 2 && (w[2] - 4 * w[0]).abs() <= 4);
        let empty = AnnouncementTable {
            columns: vec![],
            ..table
        };
        assert!(matches!(
            column_widths(&empty, "t"),
            Err(PrintError::BadTable { .. })
        ));
    }
}
