//! The house style every notice shares: type sizes, the masthead (title,
//! number, election title, the line of dates) and the signature block
//! (落款: committee and date).

use crate::layout::{mm10, pt10, Doc, Style};
use crate::{zh, PrintError};
use chrono::NaiveDate;

pub(crate) const TITLE: Style = Style::heading(pt10(220));
pub(crate) const SUBTITLE: Style = Style::body(pt10(140));
pub(crate) const INFO: Style = Style::body(pt10(100));
pub(crate) const CAPTION: Style = Style::heading(pt10(120));
pub(crate) const HEADER: Style = Style::heading(pt10(100));
pub(crate) const BODY: Style = Style::body(pt10(105));
pub(crate) const ROW: i64 = mm10(68);
pub(crate) const FOOTER: Style = Style::body(pt10(85));

/// The top of the first page: the title, the notice's number if any
/// (（第3号）), the election title and a line of dates and figures.
pub(crate) fn masthead(
    doc: &mut Doc<'_>,
    title: &str,
    number: Option<&str>,
    election_title: &str,
    info: &str,
) -> Result<(), PrintError> {
    doc.centered(title, TITLE, mm10(40))?;
    if let Some(number) = number {
        doc.centered(&format!("（{number}）"), SUBTITLE, mm10(30))?;
    }
    doc.centered(election_title, SUBTITLE, mm10(30))?;
    doc.centered(info, INFO, mm10(60))?;
    Ok(())
}

/// The closing text and the signature block (committee, date), kept
/// together on one page.
pub(crate) fn closing(
    doc: &mut Doc<'_>,
    text: &str,
    committee: &str,
    date: NaiveDate,
) -> Result<(), PrintError> {
    let indent = doc.width("　　", BODY)?;
    let text_lines = doc.line_count(text, BODY, indent)?;
    doc.ensure_space((text_lines + 4) * BODY.leading() + mm10(100));
    if !text.is_empty() {
        doc.paragraph(text, BODY, indent)?;
        doc.gap(mm10(100));
    }
    doc.right_block(&[committee, &zh::date(date)], BODY)?;
    Ok(())
}
