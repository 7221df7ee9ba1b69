//! The one error type of this crate.

use crate::fonts::FontError;

/// Why a notice or an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Fonts(#[from] FontError),
    /// Some text has a character that no font of the chain has. A notice is
    /// never printed with a missing glyph (an empty box where a name's
    /// character should be): the committee installs a font that has it (or
    /// corrects the text) and prints again.
    #[error(
        "{what} has the character “{ch}” (U+{code:04X}) that no installed font has; a notice \
         never prints a missing glyph: add a font with it to the font directory \
         (HUANJIE_FONT_DIR or ballots/fonts/) or correct the text",
        code = u32::from(*ch)
    )]
    MissingGlyph { what: String, ch: char },
    /// An entry names a residents' group that is not in the notice's list
    /// of groups.
    #[error(
        "{who} is in the residents' group “{group}”, which is not in the notice's list of groups"
    )]
    UnknownGroup { who: String, group: String },
    #[error(transparent)]
    Collation(#[from] huanjie_collation::CollationError),
    /// The PDF writer reported an error.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the spreadsheet could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
