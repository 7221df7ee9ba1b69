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
use huanjie_store::{NominationStateError, StateError, StoreError};
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
    /// 422 (or 409 for a step that comes too early or too late in the
    /// election's course): a rule of the election refused the step, named
    /// by its id; nothing was written.
    #[error("{}: {}", .0.rule, .0.en)]
    Rule(Box<RuleRefusal>),
    /// 503: the server lacks something it needs for this request (e.g. the
    /// CJK fonts for a PDF); the message says what the administrator does.
    #[error("unavailable: {}", .0.en)]
    Unavailable(Message),
    /// 500: logged in full, answered with a generic message.
    #[error("internal error: {0:#}")]
    Internal(#[from] anyhow::Error),
}

/// A refusal by one of the election's rules (RULES.md id), with details the
/// client can show (e.g. every problem standing in the way of publication).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRefusal {
    /// Stable machine-readable code (`publication_late`, `proxy_full`, …).
    pub code: &'static str,
    /// The rule id from RULES.md (`R-REG-5`).
    pub rule: &'static str,
    #[serde(rename = "message")]
    pub zh: String,
    #[serde(rename = "message_en")]
    pub en: String,
    /// 409 when the step clashes with where the election stands, else 422.
    #[serde(skip)]
    pub conflict: bool,
    /// Extra structured detail (`null` when none).
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub details: serde_json::Value,
}

impl RuleRefusal {
    /// A 422 refusal without details.
    pub fn new(code: &'static str, rule: &'static str, zh: String, en: String) -> Self {
        RuleRefusal {
            code,
            rule,
            zh,
            en,
            conflict: false,
            details: serde_json::Value::Null,
        }
    }

    /// The same refusal answered with 409 Conflict.
    pub fn conflict(mut self) -> Self {
        self.conflict = true;
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }

    pub fn in_lang(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

impl From<RuleRefusal> for HttpError {
    fn from(r: RuleRefusal) -> Self {
        HttpError::Rule(Box::new(r))
    }
}

impl From<StoreError> for HttpError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound(_) => HttpError::NotFound,
            StoreError::Conflict(_) => {
                HttpError::Conflict(Message::from_table("conflict", |t| t.err_conflict, &[]))
            }
            StoreError::State(state) => state_refusal(&state),
            StoreError::Nomination(state) => nomination_refusal(&state),
            StoreError::Polling(state) => polling_refusal(&state),
            other => HttpError::Internal(anyhow::Error::new(other).context("storage")),
        }
    }
}

/// Where polling day stands does not allow the step (R-POLL-1, R-CNT-1).
fn polling_refusal(state: &huanjie_store::PollingStateError) -> HttpError {
    use huanjie_core::rule;
    use huanjie_store::PollingStateError as P;
    let refusal = match state {
        P::Station(r) => RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en()),
        P::Polls(r) => {
            RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en()).conflict()
        }
        P::StationExists => RuleRefusal::new(
            "station_exists",
            rule::POLL_1,
            "已有同一代码或名称的投票站".into(),
            "a station with this code or name exists already".into(),
        )
        .conflict(),
        P::PollsStarted => RuleRefusal::new(
            "polls_started",
            rule::POLL_1,
            "已有投票站开始投票，不能再增设投票站".into(),
            "polls have opened: no station can be added any more".into(),
        )
        .conflict(),
        P::Certified => certified(),
        P::NothingToDecide => RuleRefusal::new(
            "nothing_to_decide",
            rule::CNT_4,
            "这张选票没有待裁定的问题，或已经裁定过（只能裁定一次）".into(),
            "this ballot has no open question, or was decided already (once only)".into(),
        )
        .conflict(),
        P::ApprovalMissing => RuleRefusal::new(
            "mobile_box_needs_approval",
            rule::POLL_1,
            "设流动票箱须经选举委员会批准：请填写批准情况".into(),
            "a mobile ballot box needs the election committee's approval: record it".into(),
        ),
    };
    refusal.into()
}

/// The round's result is certified: its ballots are locked (R-CERT-1).
pub(crate) fn certified() -> RuleRefusal {
    RuleRefusal::new(
        "result_certified",
        huanjie_core::rule::CERT_1,
        "选举结果已经确认：选票已封存，不能再计票、裁定或改动投票站".into(),
        "the result is certified: the ballots are locked, nothing can be counted or decided any more"
            .into(),
    )
    .conflict()
}

/// Where the election's nomination stands does not allow the step.
fn nomination_refusal(state: &NominationStateError) -> HttpError {
    use huanjie_core::rule;
    let (code, rule, zh, en, conflict): (_, _, String, String, _) = match state {
        NominationStateError::FormalListPublished => (
            "formal_list_published",
            rule::NOM_5,
            "正式候选人名单已公布：席位、提名和预选结果不能再更改".into(),
            "the formal candidate list is published: seats, nominations and preliminary votes can no longer change".into(),
            true,
        ),
        NominationStateError::FormalListNotPublished => (
            "formal_list_not_published",
            rule::NOM_5,
            "正式候选人名单尚未公布".into(),
            "the formal candidate list is not published yet".into(),
            true,
        ),
        NominationStateError::AlreadyNominated { number, .. } => (
            "already_nominated",
            rule::NOM_2,
            format!("每名选民只能提名一次：其中有选民已在第 {number} 号提名中签名"),
            format!("a voter nominates once: a nominator already signed nomination {number}"),
            true,
        ),
        NominationStateError::UnknownPosition(position) => (
            "unknown_position",
            rule::BODY_1,
            format!("本次选举没有“{position}”这一职位"),
            format!("this election has no position {position:?}"),
            false,
        ),
        NominationStateError::NotOnRoll(_) => (
            "not_on_roll",
            rule::NOM_1,
            "所填的人不在本次选举的名册上".into(),
            "the person given is not on this election's roll".into(),
            false,
        ),
        NominationStateError::NotACandidate(position) => (
            "not_a_candidate",
            rule::NOM_6,
            format!("此人不是“{position}”职位的在列正式候选人"),
            format!("not a standing formal candidate for {position:?}"),
            false,
        ),
        NominationStateError::CandidateAsStaff => (
            "candidate_as_staff",
            rule::POLL_2,
            "正式候选人不能担任监票人、唱票人或计票人".into(),
            "a formal candidate cannot serve as scrutineer, caller or counter".into(),
            false,
        ),
        NominationStateError::Duplicate(what) => {
            return HttpError::Conflict(Message {
                code: "duplicate",
                zh: format!("已经登记过了（{what}）"),
                en: format!("already recorded: {what}"),
            })
        }
    };
    let refusal = RuleRefusal::new(code, rule, zh, en);
    HttpError::from(if conflict {
        refusal.conflict()
    } else {
        refusal
    })
}

/// Where the election's registration stands does not allow the step.
fn state_refusal(state: &StateError) -> HttpError {
    use huanjie_core::rule;
    let (code, rule, zh, en, conflict): (_, _, String, String, _) = match state {
        StateError::AlreadyPublished => (
            "list_published",
            rule::REG_5,
            "选民名单已公布，不能再导入或更改登记方式；名单的更改须逐条登记理由".into(),
            "the voter list is published: the roll can no longer be imported or the mode changed; each change is recorded with its reason".into(),
            true,
        ),
        StateError::NotPublished => (
            "list_not_published",
            rule::REG_5,
            "选民名单尚未公布：异议、委托投票、提名和计票工作人员在名单公布后办理".into(),
            "the voter list is not published yet: objections, proxies, nominations and counting staff come after publication".into(),
            true,
        ),
        StateError::NoRoll => (
            "no_roll",
            rule::REG_5,
            "还没有导入居民名册".into(),
            "no resident roll has been imported".into(),
            true,
        ),
        StateError::Objection(why) => (
            "objection_state",
            rule::REG_5,
            format!("该异议当前不能这样处理（{why}）"),
            format!("the objection cannot be handled this way: it is {why}"),
            true,
        ),
        StateError::NotAVoter => (
            "not_a_voter",
            rule::POLL_4,
            "该居民不是本次选举的选民".into(),
            "the resident is not a voter of this election".into(),
            false,
        ),
        StateError::Empty(field) => (
            "required",
            "",
            format!("{field}：必须填写"),
            format!("{field}: is required"),
            false,
        ),
    };
    if rule.is_empty() {
        return HttpError::BadRequest(Message { code, zh, en });
    }
    let refusal = RuleRefusal::new(code, rule, zh, en);
    HttpError::from(if conflict {
        refusal.conflict()
    } else {
        refusal
    })
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
            HttpError::Rule(r) if r.conflict => StatusCode::CONFLICT,
            HttpError::Rule(_) => StatusCode::UNPROCESSABLE_ENTITY,
            HttpError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            HttpError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The client-facing message; never the internal error text.
    pub fn message(&self) -> Message {
        let table = |code, pick: fn(&Texts) -> &'static str| Message::from_table(code, pick, &[]);
        match self {
            HttpError::Invalid(_) => table("invalid_input", |t| t.err_invalid_input),
            HttpError::BadRequest(m) | HttpError::Conflict(m) | HttpError::Unavailable(m) => {
                m.clone()
            }
            HttpError::Rule(r) => Message {
                code: r.code,
                zh: r.zh.clone(),
                en: r.en.clone(),
            },
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
            HttpError::Unavailable(m) => tracing::warn!(error = %m.en, "unavailable"),
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
    #[serde(skip_serializing_if = "Option::is_none")]
    rule: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    details: Option<&'a serde_json::Value>,
}

impl HttpError {
    /// The error as a response body would carry it (`{"error": {…}}`'s
    /// inside), for answers that report several outcomes at once; logged
    /// like a response.
    pub fn public_json(&self) -> serde_json::Value {
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                message: self.message(),
                fields: self.fields(),
                rule: match self {
                    HttpError::Rule(r) => Some(r.rule),
                    _ => None,
                },
                details: match self {
                    HttpError::Rule(r) if !r.details.is_null() => Some(&r.details),
                    _ => None,
                },
            },
        };
        serde_json::to_value(&body)
            .ok()
            .and_then(|mut v| v.get_mut("error").map(serde_json::Value::take))
            .unwrap_or(serde_json::Value::Null)
    }
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.log();
        let body = ErrorBody {
            error: ErrorDetail {
                message: self.message(),
                fields: self.fields(),
                rule: match &self {
                    HttpError::Rule(r) => Some(r.rule),
                    _ => None,
                },
                details: match &self {
                    HttpError::Rule(r) if !r.details.is_null() => Some(&r.details),
                    _ => None,
                },
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
