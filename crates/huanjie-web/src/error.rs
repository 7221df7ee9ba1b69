//! The one HTTP error type.
//!
//! Every handler returns `Result<_, HttpError>`. Each variant fixes the
//! status code and a stable machine-readable `code`, and carries (or looks
//! up) a plain-words message in Chinese and English. Internal failures are
//! logged with their full chain here and answered with a generic message,
//! so nothing about the database or the code leaks to the client.
//!
//! API routes render the JSON body
//! `{"error":{"code":…,"message":…,"message_en":…,"fields":[…]}}`; pages wrap
//! the same error in [`crate::pages::PageError`] and render an error page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use huanjie_store::StoreError;
use serde::Serialize;

use crate::i18n::{fill, Lang, Texts, EN, ZH};

/// A message in both languages with a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Message {
    pub code: &'static str,
    #[serde(rename = "message")]
    pub zh: String,
    #[serde(rename = "message_en")]
    pub en: String,
}

impl Message {
    /// A message from the table, with `{}` filled by `args` in both languages.
    pub fn from_table(code: &'static str, pick: fn(&Texts) -> &'static str, args: &[&str]) -> Self {
        Message {
            code,
            zh: fill(pick(&ZH), args),
            en: fill(pick(&EN), args),
        }
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// One rejected field: which one (`seats[1].seats`), which rule (`code`),
/// and a sentence naming both.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
    pub message_en: String,
}

impl FieldError {
    /// `label` is the field's name for people (from the table), `rule` the
    /// broken rule; the message reads "选举名称（title）：必须填写" /
    /// "title: is required".
    pub fn new(
        field: impl Into<String>,
        label: fn(&Texts) -> &'static str,
        code: &'static str,
        rule: fn(&Texts) -> &'static str,
        args: &[&str],
    ) -> Self {
        let field = field.into();
        let message = format!("{}（{}）：{}", label(&ZH), field, fill(rule(&ZH), args));
        let label_en = label(&EN);
        // "title: …", not "title (Title): …".
        let message_en = if label_en.eq_ignore_ascii_case(&field) {
            format!("{}: {}", field, fill(rule(&EN), args))
        } else {
            format!("{} ({}): {}", field, label_en, fill(rule(&EN), args))
        };
        FieldError {
            field,
            code,
            message,
            message_en,
        }
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.message,
            Lang::En => &self.message_en,
        }
    }
}

/// Everything a request can fail with, as the client should see it.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// 400: one or more fields broke a rule; nothing was written.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// 400: the request itself could not be read, or a one-off rule.
    #[error("bad request: {}", .0.en)]
    BadRequest(Message),
    /// 401: no credentials, or they are unknown, expired or revoked.
    #[error("sign-in required")]
    Unauthenticated,
    /// 401: username or password wrong; deliberately does not say which.
    #[error("sign-in failed")]
    SignInFailed,
    /// 403: signed in, but the role (or the token's station) does not allow it.
    #[error("forbidden")]
    Forbidden,
    /// 404
    #[error("not found")]
    NotFound,
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// 409: the request clashes with stored data (a taken username, …).
    #[error("conflict: {}", .0.en)]
    Conflict(Message),
    /// 500: logged in full, answered with a generic message.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

impl From<StoreError> for HttpError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => HttpError::NotFound,
            StoreError::Conflict(_) => {
                HttpError::Conflict(Message::from_table("conflict", |t| t.err_conflict, &[]))
            }
            other => HttpError::Internal(anyhow::Error::new(other).context("storage")),
        }
    }
}

impl HttpError {
    pub fn status(&self) -> StatusCode {
        match self {
            HttpError::Invalid(_) | HttpError::BadRequest(_) => StatusCode::BAD_REQUEST,
            HttpError::Unauthenticated | HttpError::SignInFailed => StatusCode::UNAUTHORIZED,
            HttpError::Forbidden => StatusCode::FORBIDDEN,
            HttpError::NotFound => StatusCode::NOT_FOUND,
            HttpError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            HttpError::Conflict(_) => StatusCode::CONFLICT,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The client-facing message; never the internal error text.
    pub fn message(&self) -> Message {
        let table = |code, pick: fn(&Texts) -> &'static str| Message::from_table(code, pick, &[]);
        match self {
            HttpError::Invalid(_) => table("invalid_input", |t| t.err_invalid_input),
            HttpError::BadRequest(m) | HttpError::Conflict(m) => m.clone(),
            HttpError::Unauthenticated => table("unauthenticated", |t| t.err_unauthenticated),
            HttpError::SignInFailed => table("sign_in_failed", |t| t.err_sign_in_failed),
            HttpError::Forbidden => table("forbidden", |t| t.err_forbidden),
            HttpError::NotFound => table("not_found", |t| t.err_not_found),
            HttpError::MethodNotAllowed => {
                table("method_not_allowed", |t| t.err_method_not_allowed)
            }
            HttpError::Internal(_) => table("internal", |t| t.err_internal),
        }
    }

    /// The field errors, if this is a validation failure.
    pub fn fields(&self) -> &[FieldError] {
        match self {
            HttpError::Invalid(fields) => fields,
            _ => &[],
        }
    }

    /// Logs what the client will not see. Called once, when rendering.
    pub fn log(&self) {
        match self {
            HttpError::Internal(err) => {
                tracing::error!(error = format!("{err:#}"), "internal error")
            }
            other => {
                tracing::debug!(status = other.status().as_u16(), error = %other, "request refused")
            }
        }
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    #[serde(flatten)]
    message: Message,
    #[serde(skip_serializing_if = "<[FieldError]>::is_empty")]
    fields: &'a [FieldError],
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                message: self.message(),
                fields: self.fields(),
            },
        };
        let mut response = (self.status(), Json(body)).into_response();
        if self.status() == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_error_names_field_and_rule_in_both_languages() {
        let e = FieldError::new(
            "title",
            |t| t.field_title,
            "required",
            |t| t.rule_required,
            &[],
        );
        assert_eq!(e.message, "选举名称（title）：必须填写");
        assert_eq!(e.message_en, "title: is required");
        let e = FieldError::new(
            "seats[0].seats",
            |t| t.field_seat_count,
            "seats_at_least_one",
            |t| t.rule_seats_at_least_one,
            &[],
        );
        assert!(e
            .message_en
            .starts_with("seats[0].seats (Number of seats): must be at least 1"));
    }

    #[test]
    fn internal_errors_do_not_leak() {
        let err = HttpError::Internal(anyhow::anyhow!("password=hunter2 in /secret/path"));
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let m = err.message();
        assert!(!m.en.contains("hunter2") && !m.zh.contains("hunter2"));
    }

    #[test]
    fn store_errors_map_to_statuses() {
        assert_eq!(
            HttpError::from(StoreError::NotFound("x".into())).status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            HttpError::from(StoreError::Conflict("x".into())).status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            HttpError::from(StoreError::Corrupt("x".into())).status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
