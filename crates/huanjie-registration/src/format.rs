//! What kind of file the bytes are, and their text.
//!
//! Committees upload whatever their office software saved: an Excel
//! workbook, "CSV UTF-8" (with a BOM), plain "CSV" (GBK on a Chinese
//! Windows, which GB18030 contains), or "Unicode text" (UTF-16 with a BOM,
//! tab-separated). The kind is told from the bytes, never from a file name.

use crate::error::RollFileError;
use serde::Serialize;
use std::borrow::Cow;

/// The kind of file a roll was read from (reported back, so the committee
/// can see how their file was understood).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// CSV in UTF-8 without BOM.
    Utf8,
    /// CSV in UTF-8 with BOM (Excel's "CSV UTF-8").
    Utf8Bom,
    /// CSV or tab-separated text in UTF-16 with BOM (Excel's "Unicode text").
    Utf16,
    /// CSV in GBK/GB18030 (Excel's plain "CSV" on a Chinese system).
    Gb18030,
    /// An Excel workbook (.xlsx); the first sheet is read.
    Xlsx,
}

/// ZIP local-file header: every .xlsx starts with it.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";
/// OLE compound file: the old .xls, and encrypted workbooks of any age.
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub(crate) enum Input<'a> {
    Text {
        text: Cow<'a, str>,
        format: SourceFormat,
    },
    Xlsx,
}

/// Tells the kind of file and decodes text files.
pub(crate) fn detect(bytes: &[u8]) -> Result<Input<'_>, RollFileError> {
    if bytes.starts_with(ZIP_MAGIC) {
        return Ok(Input::Xlsx);
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Err(RollFileError::OldExcel);
    }
    let (text, format) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| RollFileError::NotText)?;
        (Cow::Borrowed(text), SourceFormat::Utf8Bom)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        let text = encoding_rs::UTF_16LE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(RollFileError::NotText)?;
        (text, SourceFormat::Utf16)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        let text = encoding_rs::UTF_16BE
            .decode_without_bom_handling_and_without_replacement(rest)
            .ok_or(RollFileError::NotText)?;
        (text, SourceFormat::Utf16)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (Cow::Borrowed(text), SourceFormat::Utf8)
    } else {
        let text = encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(bytes)
            .ok_or(RollFileError::NotText)?;
        (text, SourceFormat::Gb18030)
    };
    // A NUL is never in a roll: this is a binary file, or UTF-16 without
    // its BOM, which would otherwise read as garbled headers.
    if text.contains('\0') {
        return Err(RollFileError::NotText);
    }
    Ok(Input::Text { text, format })
}

/// Tab-separated if the first line has more tabs than commas (Excel's
/// "Unicode text" and "Text (tab delimited)"), else comma-separated.
pub(crate) fn delimiter(text: &str) -> u8 {
    let first = text.split('\n').next().unwrap_or_default();
    let tabs = first.bytes().filter(|&b| b == b'\t').count();
    let commas = first.bytes().filter(|&b| b == b',').count();
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(bytes: &[u8]) -> (String, SourceFormat) {
        match detect(bytes) {
            Ok(Input::Text { text, format }) => (text.into_owned(), format),
            Ok(Input::Xlsx) => panic!("xlsx"),
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(
            text_of("姓名".as_bytes()),
            ("姓名".into(), SourceFormat::Utf8)
        );
        assert_eq!(
            text_of(b"\xEF\xBB\xBF\xE5\xA7\x93\xE5\x90\x8D"),
            ("姓名".into(), SourceFormat::Utf8Bom)
        );
        // 姓名 in GBK.
        assert_eq!(
            text_of(&[0xD0, 0xD5, 0xC3, 0xFB]),
            ("姓名".into(), SourceFormat::Gb18030)
        );
        assert_eq!(
            text_of(&[0xFF, 0xFE, 0xD3, 0x59, 0x0D, 0x54]),
            ("姓名".into(), SourceFormat::Utf16)
        );
        assert_eq!(
            text_of(&[0xFE, 0xFF, 0x59, 0xD3, 0x54, 0x0D]),
            ("姓名".into(), SourceFormat::Utf16)
        );
        assert!(matches!(detect(b"PK\x03\x04rest"), Ok(Input::Xlsx)));
        assert!(matches!(
            detect(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]),
            Err(RollFileError::OldExcel)
        ));
        assert!(matches!(
            detect(b"\xEF\xBB\xBF\xFF"),
            Err(RollFileError::NotText)
        ));
        assert!(matches!(detect(b"a\0b\0"), Err(RollFileError::NotText)));
        // 0xFF is a byte of no GB18030 sequence.
        assert!(matches!(detect(&[0x41, 0xFF]), Err(RollFileError::NotText)));
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("姓名,性别\n"), b',');
        assert_eq!(delimiter("姓名\t性别\n张三\t男"), b'\t');
        assert_eq!(delimiter("姓名"), b',');
    }
}
