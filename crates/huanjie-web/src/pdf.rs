//! What every PDF download shares: the font chain (loaded once), the
//! committee that signs, the download response, and errors in plain words.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use huanjie_store::Election;

use crate::error::{HttpError, Message, RuleRefusal};

/// A file to download.
pub fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// A download whose body is streamed.
pub fn download_body(
    body: axum::body::Body,
    content_type: &'static str,
    filename: &str,
) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// The font chain, loaded once (reading the CJK fonts takes a few hundred
/// megabytes and a third of a second) and shared by every notice. Without
/// fonts the answer is 503 with what the administrator does; the detail
/// (paths looked at) goes to the log only.
pub fn fonts() -> Result<&'static huanjie_print::FontSet, HttpError> {
    static FONTS: std::sync::OnceLock<Result<huanjie_print::FontSet, String>> =
        std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| huanjie_print::FontSet::locate().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|detail| {
            tracing::warn!(error = %detail, "fonts for printing not found");
            HttpError::Unavailable(Message {
                code: "fonts_missing",
                zh: "服务器上找不到打印公告所需的中文字体：请管理员运行 scripts/ensure-fonts.sh \
                     （安装 fonts-noto-cjk 和 fonts-hanazono），或把字体文件放进 \
                     HUANJIE_FONT_DIR 指定的目录，然后重试。"
                    .into(),
                en: "the CJK fonts needed to print notices are not installed on the server: \
                     the administrator runs scripts/ensure-fonts.sh (fonts-noto-cjk and \
                     fonts-hanazono) or puts the font files in HUANJIE_FONT_DIR, then tries again"
                    .into(),
            })
        })
}

/// A notice or a ballot that cannot be printed, in plain words (a missing
/// glyph names the person and the character: the committee can act on
/// it), under the rule the document serves.
pub fn print_error(e: huanjie_print::PrintError, rule: &'static str) -> HttpError {
    if let huanjie_print::PrintError::Fonts(_) = e {
        tracing::warn!(error = %e, "fonts for printing unusable");
    }
    RuleRefusal::new(
        "cannot_print",
        rule,
        format!("无法生成PDF：{}", e.message_zh()),
        format!("the PDF cannot be printed: {e}"),
    )
    .into()
}

/// The committee that signs the notices.
pub fn committee_name(election: &Election) -> String {
    format!("{}选举委员会", election.title)
}
