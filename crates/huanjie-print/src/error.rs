//! The one error type of this crate, with its message in English
//! ([`std::fmt::Display`]) and in plain Chinese for the committee's screens
//! ([`PrintError::message_zh`]).

use crate::fonts::FontError;

/// Why a notice or an export could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error(transparent)]
    Fonts(#[from] FontError),
    /// Some text has a character that no font of the chain has. A notice is
    /// never printed with a missing glyph (an empty box where a name's
    /// character should be): the committee installs a font that has it (or
    /// corrects the text) and prints again. `what` names the field (and the
    /// person) in English, `what_zh` the same in Chinese.
    #[error(
        "{what} has the character “{ch}” (U+{code:04X}) that no installed font has; a notice \
         never prints a missing glyph: add a font with it to the font directory \
         (HUANJIE_FONT_DIR or ballots/fonts/) or correct the text",
        code = u32::from(*ch)
    )]
    MissingGlyph {
        what: String,
        what_zh: String,
        ch: char,
    },
    /// An entry names a residents' group that is not in the notice's list
    /// of groups.
    #[error(
        "{who} is in the residents' group “{group}”, which is not in the notice's list of groups"
    )]
    UnknownGroup {
        who: String,
        who_zh: String,
        group: String,
    },
    /// A table of an [`crate::Announcement`] is malformed (a row with more
    /// or fewer cells than there are columns, no columns at all).
    #[error("the table “{table}” of the notice: {problem}")]
    BadTable {
        table: String,
        problem: String,
        problem_zh: String,
    },
    /// A ballot template (`ballots/*.toml`) is unknown or malformed, or a
    /// layout asks for what its template does not have (write-in rows on
    /// a ballot without them).
    #[error("ballot template “{template}”: {problem}")]
    Template {
        template: String,
        problem: String,
        problem_zh: String,
    },
    #[error(transparent)]
    Collation(#[from] huanjie_collation::CollationError),
    /// The PDF writer reported an error.
    #[error("the PDF could not be written: {0}")]
    Pdf(String),
    #[error("the spreadsheet could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl PrintError {
    /// The error in plain Chinese, for the committee's screens: what is
    /// wrong and what to do about it.
    pub fn message_zh(&self) -> String {
        match self {
            PrintError::Fonts(e) => e.message_zh(),
            PrintError::MissingGlyph { what_zh, ch, .. } => format!(
                "「{what_zh}」中的字“{ch}”（U+{code:04X}）在已安装的字体中都没有。公告不会把缺字\
                 印成空框：请把含有这个字的字体文件放进字体目录（HUANJIE_FONT_DIR 或 \
                 ballots/fonts/），或更正这段文字，然后重新生成公告。",
                code = u32::from(*ch)
            ),
            PrintError::UnknownGroup { who_zh, group, .. } => format!(
                "{who_zh}所在的居民小组“{group}”不在公告的居民小组列表中：请核对该居民的\
                 居民小组，或在列表中加上这个小组。"
            ),
            PrintError::BadTable {
                table, problem_zh, ..
            } => format!("公告中的表格“{table}”有误：{problem_zh}。"),
            PrintError::Template {
                template,
                problem_zh,
                ..
            } => format!("选票模板“{template}”有误：{problem_zh}。"),
            PrintError::Collation(e) => {
                format!("无法按姓氏笔画排序（排序数据不可用：{e}）。请联系系统维护人员。")
            }
            PrintError::Pdf(e) => format!("无法生成 PDF 文件（{e}）。请联系系统维护人员。"),
            PrintError::Xlsx(e) => format!("无法生成电子表格（{e}）。请联系系统维护人员。"),
        }
    }
}

impl FontError {
    /// The error in plain Chinese: the committee (or whoever set up the
    /// server) runs the font set-up and tries again.
    pub fn message_zh(&self) -> String {
        const SETUP: &str = "请运行字体安装脚本 scripts/ensure-fonts.sh（安装 fonts-noto-cjk 和 \
                             fonts-hanazono 两个字体包），或把字体文件放进 HUANJIE_FONT_DIR \
                             指定的目录，然后重新生成公告。";
        match self {
            FontError::NotFound { .. } => {
                format!("找不到打印公告所需的中文字体。{SETUP}")
            }
            FontError::Read { path, source } => {
                format!("无法读取字体文件 {}（{source}）。{SETUP}", path.display())
            }
            FontError::Parse { path, index } => format!(
                "字体文件 {}（第 {index} 号字体）无法使用，可能已损坏。{SETUP}",
                path.display()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn messages_in_chinese() {
        let e = PrintError::MissingGlyph {
            what: "the name of voter 张\u{30000}".to_owned(),
            what_zh: "选民张\u{30000}的姓名".to_owned(),
            ch: '\u{30000}',
        };
        let zh = e.message_zh();
        assert!(zh.starts_with("「选民张\u{30000}的姓名」中的字“\u{30000}”（U+30000）"));
        assert!(e.to_string().contains("U+30000"));
        let e = PrintError::Fonts(FontError::NotFound {
            looked_at: vec![PathBuf::from("/x")],
        });
        assert!(e.message_zh().contains("scripts/ensure-fonts.sh"));
        assert!(e.message_zh().starts_with("找不到"));
        let e = PrintError::BadTable {
            table: "主任".to_owned(),
            problem: "row 2 has 3 cells for 4 columns".to_owned(),
            problem_zh: "第 2 行有 3 栏，表头有 4 栏".to_owned(),
        };
        assert_eq!(
            e.message_zh(),
            "公告中的表格“主任”有误：第 2 行有 3 栏，表头有 4 栏。"
        );
    }
}
