//! The elections list, an election's page and the create-election form.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_store::Election;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{render, require_user, Chrome, PageError};
use crate::auth::MaybePrincipal;
use crate::elections::{body_kind_label, position_label, validate, ElectionInput, BODY_KINDS};
use crate::error::{FieldError, HttpError};
use crate::i18n::Lang;
use crate::profiles;
use crate::state::AppState;

/// One election as the list and the detail page show it.
struct ElectionView {
    id: String,
    title: String,
    body: &'static str,
    profile_id: String,
    profile_name: String,
    election_day: String,
    seats: Vec<(String, u32)>,
    seats_total: u32,
    seats_summary: String,
    created_at: String,
}

impl ElectionView {
    fn new(e: &Election, lang: Lang) -> Self {
        let seats: Vec<(String, u32)> = e
            .seats
            .iter()
            .map(|s| (position_label(&s.position, lang), s.seats))
            .collect();
        let seats_summary = seats
            .iter()
            .map(|(label, n)| format!("{label} {n}"))
            .collect::<Vec<_>>()
            .join(" · ");
        ElectionView {
            id: e.id.to_string(),
            title: e.title.clone(),
            body: body_kind_label(e.body_kind, lang),
            profile_id: e.profile.clone(),
            profile_name: profiles::find(&e.profile)
                .map(|p| p.name_in(lang).to_owned())
                .unwrap_or_default(),
            election_day: e.election_day.format("%Y-%m-%d").to_string(),
            seats_total: e.seats.iter().map(|s| s.seats).sum(),
            seats,
            seats_summary,
            created_at: e.created_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        }
    }
}

// --- list ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "elections.html")]
struct ListPage {
    chrome: Chrome,
    elections: Vec<ElectionView>,
}

pub async fn list(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let elections = state
        .store
        .list_elections()
        .await
        .map_err(|e| PageError::new(e.into(), lang))?
        .iter()
        .map(|e| ElectionView::new(e, lang))
        .collect();
    let page = ListPage {
        chrome: Chrome::new(lang, "/elections", Some(&principal)),
        elections,
    };
    Ok(render(StatusCode::OK, &page))
}

// --- detail ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "election.html")]
struct DetailPage {
    chrome: Chrome,
    election: ElectionView,
    /// The observer portal is open to anyone (issue 8).
    observer_public: bool,
    /// The access setting was just saved.
    observer_saved: bool,
}

/// `?observers=saved` after the observer-access form.
#[derive(Debug, Default, Deserialize)]
pub struct DetailParams {
    #[serde(default)]
    observers: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    axum::extract::Query(params): axum::extract::Query<DetailParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let id = uuid::Uuid::parse_str(&election_id)
        .map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    let election = state
        .store
        .get_election(id)
        .await
        .map_err(|e| PageError::new(e.into(), lang))?
        .ok_or_else(|| PageError::new(HttpError::NotFound, lang))?;
    let page = DetailPage {
        chrome: Chrome::new(lang, &format!("/elections/{id}"), Some(&principal)),
        election: ElectionView::new(&election, lang),
        observer_public: state
            .store
            .observer_access(id)
            .await
            .map_err(|e| PageError::new(e.into(), lang))?
            == huanjie_store::ObserverAccess::Public,
        observer_saved: params.observers.as_deref() == Some("saved"),
    };
    Ok(render(StatusCode::OK, &page))
}

// --- create ------------------------------------------------------------------------

/// The positions the form offers a row for (GLOSSARY: 主任, 副主任, 委员).
const FORM_POSITIONS: [&str; 3] = ["director", "deputy", "member"];

/// The form as posted; every field is text.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ElectionForm {
    #[serde(default)]
    body_kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    profile: String,
    #[serde(default)]
    election_day: String,
    #[serde(default)]
    seats_director: String,
    #[serde(default)]
    seats_deputy: String,
    #[serde(default)]
    seats_member: String,
}

impl ElectionForm {
    fn seat_value(&self, position: &str) -> &str {
        match position {
            "director" => &self.seats_director,
            "deputy" => &self.seats_deputy,
            _ => &self.seats_member,
        }
    }

    /// The same input the API takes. Blank seat rows are left out; the
    /// returned list says which position each submitted row is.
    fn to_input(&self) -> (ElectionInput, Vec<&'static str>) {
        let mut rows = Vec::new();
        let mut positions = Vec::new();
        for position in FORM_POSITIONS {
            let value = self.seat_value(position).trim();
            if !value.is_empty() {
                rows.push(json!({ "position": position, "seats": value }));
                positions.push(position);
            }
        }
        let input = ElectionInput {
            body_kind: Value::String(self.body_kind.clone()),
            title: Value::String(self.title.clone()),
            profile: Value::String(self.profile.clone()),
            election_day: Value::String(self.election_day.clone()),
            seats: Value::Array(rows),
        };
        (input, positions)
    }
}

struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct SeatRow {
    name: String,
    label: &'static str,
    value: String,
    error: Option<String>,
}

#[derive(Default)]
struct FormErrors {
    body_kind: Option<String>,
    title: Option<String>,
    profile: Option<String>,
    election_day: Option<String>,
    seats: Option<String>,
}

#[derive(Template)]
#[template(path = "new_election.html")]
struct NewElectionPage {
    chrome: Chrome,
    body_kinds: Vec<Choice>,
    profiles: Vec<Choice>,
    title: String,
    election_day: String,
    seat_rows: Vec<SeatRow>,
    errors: FormErrors,
    has_errors: bool,
}

impl NewElectionPage {
    fn new(
        chrome: Chrome,
        lang: Lang,
        form: &ElectionForm,
        errors: &[FieldError],
        positions: &[&str],
    ) -> Self {
        let t = lang.texts();
        let find = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .map(|e| e.in_lang(lang).to_owned())
        };
        let body_kinds = BODY_KINDS
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: body_kind_label(*k, lang).to_owned(),
                selected: form.body_kind == k.as_str(),
            })
            .collect();
        let profiles = profiles::builtin()
            .into_iter()
            .map(|p| Choice {
                value: p.id.clone(),
                label: format!("{} · {}", p.id, p.name_in(lang)),
                selected: form.profile == p.id,
            })
            .collect();
        let seat_rows = FORM_POSITIONS
            .iter()
            .map(|position| {
                // Errors on "seats[i]…" belong to the i-th submitted row.
                let error = errors
                    .iter()
                    .find(|e| {
                        row_index(&e.field)
                            .and_then(|i| positions.get(i))
                            .is_some_and(|p| p == position)
                    })
                    .map(|e| e.in_lang(lang).to_owned());
                SeatRow {
                    name: format!("seats_{position}"),
                    label: match *position {
                        "director" => t.position_director,
                        "deputy" => t.position_deputy,
                        _ => t.position_member,
                    },
                    value: form.seat_value(position).trim().to_owned(),
                    error,
                }
            })
            .collect();
        NewElectionPage {
            chrome,
            body_kinds,
            profiles,
            title: form.title.trim().to_owned(),
            election_day: form.election_day.trim().to_owned(),
            seat_rows,
            errors: FormErrors {
                body_kind: find("body_kind"),
                title: find("title"),
                profile: find("profile"),
                election_day: find("election_day"),
                seats: find("seats"),
            },
            has_errors: !errors.is_empty(),
        }
    }
}

/// `seats[2].seats` → 2.
fn row_index(field: &str) -> Option<usize> {
    field
        .strip_prefix("seats[")?
        .split(']')
        .next()?
        .parse()
        .ok()
}

pub async fn new_form(principal: MaybePrincipal, lang: Lang) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    // A typical residents' committee: 1 director, 1 deputy, 3 members.
    let form = ElectionForm {
        body_kind: "residents_committee".into(),
        profile: "county-2006".into(),
        seats_director: "1".into(),
        seats_deputy: "1".into(),
        seats_member: "3".into(),
        ..ElectionForm::default()
    };
    let page = NewElectionPage::new(
        Chrome::new(lang, "/elections/new", Some(&principal)),
        lang,
        &form,
        &[],
        &[],
    );
    Ok(render(StatusCode::OK, &page))
}

pub async fn create(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Form(form): Form<ElectionForm>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let (input, positions) = form.to_input();
    match validate(&input) {
        Ok(new) => {
            let election = state
                .store
                .create_election(&new, state.clock.now())
                .await
                .map_err(|e| PageError::new(e.into(), lang))?;
            tracing::info!(election_id = %election.id, title = %election.title, "election created (form)");
            Ok(Redirect::to(&format!("/elections/{}", election.id)).into_response())
        }
        Err(errors) => {
            let page = NewElectionPage::new(
                Chrome::new(lang, "/elections/new", Some(&principal)),
                lang,
                &form,
                &errors,
                &positions,
            );
            Ok(render(StatusCode::BAD_REQUEST, &page))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_index_reads_the_bracket() {
        assert_eq!(row_index("seats[2].seats"), Some(2));
        assert_eq!(row_index("seats"), None);
        assert_eq!(row_index("title"), None);
    }

    #[test]
    fn blank_rows_are_left_out() {
        let form = ElectionForm {
            seats_director: "1".into(),
            seats_member: " 3 ".into(),
            ..ElectionForm::default()
        };
        let (input, positions) = form.to_input();
        assert_eq!(positions, ["director", "member"]);
        assert_eq!(input.seats.as_array().map(Vec::len), Some(2));
    }
}
