//! The homeowners' page's forms for electing the homeowners' committee
//! (R-OWN-1, R-BODY-6): put a committee election to the assembly (title,
//! seats, candidates one name per line) and record one owner's ballot in
//! it (同意, 反对 or 弃权 for each candidate, written or in person).
//!
//! Both call the use cases the API calls (`crate::homeowners::committee`)
//! unchanged, so a page and an API client are refused alike: too many 同意
//! for the seats (R-OWN-1), seats not 5–11 and odd (R-BODY-6), an owner's
//! second ballot. A refusal is shown above the forms in words with its
//! rule id, in the reader's language.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_core::rule;
use serde::Deserialize;

use super::{committee_of, refused};
use crate::auth::MaybePrincipal;
use crate::error::{HttpError, RuleRefusal};
use crate::homeowners::committee::{self as committees, BallotRequest, CommitteeRequest};
use crate::i18n::Lang;
use crate::pages::{election_of, PageError};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct CommitteeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    seats: String,
    /// One name per line; blank lines are skipped.
    #[serde(default)]
    candidates: String,
}

impl CommitteeForm {
    fn request(&self) -> CommitteeRequest {
        CommitteeRequest {
            title: self.title.clone(),
            // Not a number is "missing": the use case then says what seats
            // must be (R-BODY-6).
            seats: self.seats.trim().parse().ok(),
            candidates: self
                .candidates
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        }
    }
}

/// `POST /elections/{id}/homeowners/committees` (committee).
pub async fn add(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<CommitteeForm>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    match committees::add_committee(
        &*state.store,
        &election,
        &form.request(),
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(c) => Ok(Redirect::to(&format!(
            "/elections/{}/homeowners?committee={}#committee-{}",
            election.id, c.number, c.number
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}

/// The ballot form's fields: `owner`, `mode`, and `c{n}` = `for`,
/// `against` or `abstain` for candidate n (a field per candidate, so the
/// form is read as pairs).
fn ballot_request(fields: &[(String, String)]) -> Result<BallotRequest, HttpError> {
    let mut request = BallotRequest {
        owner: None,
        mode: String::new(),
        for_: Vec::new(),
        against: Vec::new(),
    };
    for (key, value) in fields {
        match key.as_str() {
            "owner" => request.owner = value.trim().parse().ok(),
            "mode" => request.mode = value.clone(),
            _ => {
                let Some(n) = key.strip_prefix('c').and_then(|n| n.parse::<u32>().ok()) else {
                    continue;
                };
                match value.trim() {
                    "for" => request.for_.push(n),
                    "against" => request.against.push(n),
                    "abstain" => {}
                    other => {
                        return Err(RuleRefusal::new(
                            "vote_choice",
                            rule::OWN_1,
                            format!("第{n}号候选人的表决意见（{other}）：应为 同意、反对 或 弃权"),
                            format!(
                            "candidate no. {n}'s choice ({other}): must be for, against or abstain"
                        ),
                        )
                        .into())
                    }
                }
            }
        }
    }
    Ok(request)
}

/// `POST /elections/{id}/homeowners/committees/{number}/ballots`
/// (committee): one owner's ballot, all of it or none.
pub async fn ballot(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, number)): Path<(String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let principal = committee_of(principal, lang)?;
    let election = election_of(&state, &election_id, lang).await?;
    let number: u32 = number
        .parse()
        .map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    let recorded = match ballot_request(&fields) {
        Ok(input) => {
            committees::record_ballot(
                &*state.store,
                &election,
                number,
                &input,
                &principal.username(),
                state.clock.now(),
            )
            .await
        }
        Err(err) => Err(err),
    };
    match recorded {
        Ok(_) => Ok(Redirect::to(&format!(
            "/elections/{}/homeowners?ballot={number}#committee-{number}",
            election.id
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_ballot_form_names_the_for_and_against_and_leaves_the_rest_abstaining() {
        let r = ballot_request(&pairs(&[
            ("owner", " 7 "),
            ("mode", "in_person"),
            ("c1", "for"),
            ("c2", "abstain"),
            ("c3", "against"),
            ("c4", "for"),
        ]))
        .unwrap();
        assert_eq!(r.owner, Some(7));
        assert_eq!(r.mode, "in_person");
        assert_eq!(r.for_, vec![1, 4]);
        assert_eq!(r.against, vec![3]);
    }

    #[test]
    fn a_choice_other_than_the_three_is_refused_naming_the_candidate() {
        match ballot_request(&pairs(&[("owner", "1"), ("c2", "maybe")])) {
            Err(HttpError::Rule(r)) => {
                assert_eq!((r.code, r.rule), ("vote_choice", "R-OWN-1"));
                assert!(
                    r.in_lang(Lang::Zh).contains("第2号候选人"),
                    "{}",
                    r.in_lang(Lang::Zh)
                );
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn candidates_are_one_per_line_and_blank_lines_are_skipped() {
        let form = CommitteeForm {
            title: "第一届".to_owned(),
            seats: " 5 ".to_owned(),
            candidates: "张伟\r\n\r\n 李娜 \n王芳\n".to_owned(),
        };
        let r = form.request();
        assert_eq!(r.seats, Some(5));
        assert_eq!(r.candidates, vec!["张伟", "李娜", "王芳"]);
        assert_eq!(CommitteeForm::default().request().seats, None);
    }
}
