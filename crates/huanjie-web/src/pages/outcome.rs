//! The count's outcome (issue 7): `/elections/{id}/outcome`.
//!
//! 1. 票数核对: each station's ballots received, spoiled, issued, returned,
//!    unused and waiting for a person, its discrepancies in words with
//!    their rule ids, a link to its count sheet (PDF); the round's line
//!    (R-CNT-2).
//! 2. 计票结果: the result recounted from the stored ballots now
//!    ([`crate::tally::result`]), or, while a station votes or a ballot
//!    waits for a person, that refusal in words.
//! 3. 确认结果 (committee, with a confirmation box): certifies
//!    ([`crate::certification::certify`]); afterwards who and when, the
//!    public key, the signed result file and the documents. A void round
//!    offers no results notice and no certificates (there is no one to
//!    announce): the page says why instead of linking to a refusal; a
//!    round with no one elected offers no certificates.
//! 4. 另行选举 / 再次投票 (committee, after certification): creates the
//!    later round ([`crate::rounds::create`]) and links to it. After
//!    certification the page says where the election's chain of rounds
//!    stands (R-CNT-6/7/8: complete, a tie-break pending, another further
//!    election required, or the remaining seats may stay empty with
//!    another further election allowed), and what a further election from
//!    here does with R-CNT-8's women's line (who stands on it, or why
//!    none is kept).
//!
//! Committee and observers read; only the committee gets the forms;
//! clerks get 403. Forms post with the session cookie and come back here
//! (Post/Redirect/Get); a refusal is shown with its rule id.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_core::counting::further::FurtherPlan;
use huanjie_core::counting::RoundResult;
use huanjie_core::reconciliation::Reconciled;
use huanjie_store::Election;
use serde::Deserialize;

use super::election_of as election;
use super::{refusal_alert, render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::{fill, Lang, Texts};
use crate::state::AppState;

/// One line of the reconciliation table.
struct FiguresRow {
    code: String,
    name: String,
    received: u64,
    spoiled: u64,
    issued: u64,
    returned: u64,
    pending: u64,
    unused: u64,
    /// “收回选票比发出选票少1张（R-CNT-2）”.
    problems: Vec<String>,
}

fn figures_row(code: &str, name: &str, r: &Reconciled, lang: Lang) -> FiguresRow {
    FiguresRow {
        code: code.to_owned(),
        name: name.to_owned(),
        received: r.figures.received,
        spoiled: r.figures.spoiled,
        issued: r.figures.issued,
        returned: r.figures.returned,
        pending: r.figures.pending,
        unused: r.unused,
        problems: r
            .discrepancies
            .iter()
            .map(|d| {
                let text = match lang {
                    Lang::Zh => d.message_zh(),
                    Lang::En => d.message_en(),
                };
                format!("{text}（{}）", d.rule())
            })
            .collect(),
    }
}

struct PersonView {
    name: String,
    votes_for: u64,
    against: u64,
    abstain: u64,
    elected: bool,
    tied: bool,
}

struct ContestView {
    code: String,
    label: String,
    seats: u32,
    void_ballots: u64,
    people: Vec<PersonView>,
    elected: String,
    tie: String,
    unfilled: u32,
    further_seats: u32,
    further: String,
}

struct ResultView {
    valid: bool,
    /// The void reasons in words, with their rule ids.
    void_reasons: Vec<String>,
    registered: u64,
    voted: u64,
    cast: u64,
    contests: Vec<ContestView>,
    /// Any seat left for a further election / any tie.
    any_unfilled: bool,
    any_tie: bool,
    any_elected: bool,
}

fn position_label(code: &str, t: &Texts) -> String {
    match code {
        "director" => t.position_director,
        "deputy" => t.position_deputy,
        "member" => t.position_member,
        "women_member" => t.position_women_member,
        other => return other.to_owned(),
    }
    .to_owned()
}

/// `quorum_failed`: R-CNT-3's words for this round's electorate (the
/// voters', or a meeting's quorum of representatives).
fn result_view(r: &RoundResult, t: &Texts, quorum_failed: &str) -> ResultView {
    let contests: Vec<ContestView> = r
        .contests
        .iter()
        .map(|c| {
            let name_of = |id: &String| {
                c.tally
                    .iter()
                    .find(|row| &row.person == id)
                    .map_or_else(|| id.clone(), |row| row.name.clone())
            };
            let names = |ids: &[String]| ids.iter().map(name_of).collect::<Vec<_>>().join("、");
            ContestView {
                code: c.id.clone(),
                label: position_label(&c.id, t),
                seats: c.seats,
                void_ballots: c.void_ballots,
                people: c
                    .tally
                    .iter()
                    .map(|row| PersonView {
                        name: row.name.clone(),
                        votes_for: row.votes_for,
                        against: row.against,
                        abstain: row.abstain,
                        elected: c.elected.contains(&row.person),
                        tied: c.tie.contains(&row.person),
                    })
                    .collect(),
                elected: names(&c.elected),
                tie: names(&c.tie),
                unfilled: c.unfilled,
                further_seats: c.further_election.seats,
                further: names(&c.further_election.candidates),
            }
        })
        .collect();
    ResultView {
        valid: r.valid,
        void_reasons: r
            .void_reasons
            .iter()
            .map(|rule| {
                let words = match *rule {
                    huanjie_core::rule::CNT_2 => t.oc_void_cnt2,
                    huanjie_core::rule::CNT_3 => quorum_failed,
                    _ => "",
                };
                format!("{words}（{rule}）")
            })
            .collect(),
        registered: r.registered,
        voted: r.voted,
        cast: r.cast,
        any_unfilled: r
            .contests
            .iter()
            .any(|c| c.unfilled > 0 || c.further_election.seats > 0),
        any_tie: r.contests.iter().any(|c| !c.tie.is_empty()),
        any_elected: r.contests.iter().any(|c| !c.elected.is_empty()),
        contests,
    }
}

struct CertifiedView {
    by: String,
    at: String,
    public_key: String,
}

struct RoundLink {
    id: String,
    title: String,
    kind: &'static str,
}

/// Where the election's chain of rounds stands (R-CNT-6/7/8), in words.
struct ChainView {
    words: String,
    /// Another further election is required (shown as an alert).
    alert: bool,
}

/// R-CNT-8's women's line in a further election from this round: who
/// would stand on it, or why there is none.
struct WomensLineView {
    /// The women standing, names joined; empty when no line is kept.
    women: String,
    /// Why no line is kept, with the rule id.
    notes: Vec<String>,
}

fn womens_line_view(plan: &FurtherPlan, r: &RoundResult, lang: Lang) -> Option<WomensLineView> {
    let notes: Vec<String> = plan
        .notes
        .iter()
        .map(|n| {
            let words = match lang {
                Lang::Zh => n.message_zh(),
                Lang::En => n.message_en(),
            };
            format!("{words}（{}）", n.rule())
        })
        .collect();
    let women = if plan.womens_line.is_kept() {
        plan.contests
            .iter()
            .filter(|c| c.id == "women_member")
            .flat_map(|c| {
                let source = r.contests.iter().find(|s| s.id == c.from);
                c.candidates.iter().map(move |id| {
                    source
                        .and_then(|s| s.tally.iter().find(|row| &row.person == id))
                        .map_or_else(|| id.clone(), |row| row.name.clone())
                })
            })
            .collect::<Vec<_>>()
            .join("、")
    } else {
        String::new()
    };
    (!women.is_empty() || !notes.is_empty()).then_some(WomensLineView { women, notes })
}

#[derive(Template)]
#[template(path = "outcome.html")]
struct OutcomePage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    alert: Option<String>,
    flash: Option<String>,
    stations: Vec<FiguresRow>,
    round: FiguresRow,
    round_ok: bool,
    result: Option<ResultView>,
    refusal: Option<String>,
    certified: Option<CertifiedView>,
    /// A round just created here, and every later round of this one.
    created: Option<RoundLink>,
    /// After certification: where the chain of rounds stands.
    chain: Option<ChainView>,
    /// What a further election from this round does with R-CNT-8's
    /// women's line, when the profile keeps one and none is elected.
    womens_line: Option<WomensLineView>,
    rounds: Vec<RoundLink>,
    round_day: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct OutcomeParams {
    certified: Option<String>,
    round: Option<String>,
}

fn round_kind_label(kind: &str, t: &Texts) -> &'static str {
    if kind == "tie-break" {
        t.oc_tie_break
    } else {
        t.oc_further
    }
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    alert: Option<String>,
    params: &OutcomeParams,
) -> Result<OutcomePage, HttpError> {
    let t = lang.texts();
    let store = &*state.store;
    let reconciled = crate::reconciliation::reconcile(store, election).await?;
    let stations = reconciled
        .stations
        .iter()
        .map(|s| figures_row(&s.code, &s.name, &s.reconciled, lang))
        .collect();
    let round = figures_row("", t.oc_round_total, &reconciled.round.totals, lang);
    let (counted, refusal) = match crate::tally::result(store, election).await {
        Ok(r) => (Some(r), None),
        Err(e @ HttpError::Internal(_)) => return Err(e),
        Err(e) => (None, Some(refusal_alert(&e, lang))),
    };
    let basis = crate::documents::vote_basis(store, election).await?;
    let quorum_failed = match (basis.electorate, lang) {
        (huanjie_core::electorate::Electorate::Voters, _) => t.oc_void_cnt3.to_owned(),
        (_, Lang::Zh) => basis.quorum_failed_words(),
        (_, Lang::En) => format!(
            "fewer representatives present than the quorum ({} of all)",
            basis.turnout
        ),
    };
    let result = counted.as_ref().map(|r| result_view(r, t, &quorum_failed));
    let round_code = election
        .round
        .as_ref()
        .map_or("general", |r| r.kind.as_str());
    let certification = store
        .certifications(election.id)
        .await?
        .into_iter()
        .find(|c| c.round == round_code);
    let certified = match certification {
        Some(c) => Some(CertifiedView {
            by: c.certified_by.clone(),
            at: c.certified_at.format("%Y-%m-%d %H:%M UTC").to_string(),
            public_key: crate::certification::public_key(store, election)
                .await?
                .map(hex::encode)
                .unwrap_or_default(),
        }),
        None => None,
    };
    // After certification: where the chain stands (R-CNT-6/7/8), and what
    // a further election from here would do with the women's line.
    let (chain, womens_line) = match (&certified, &counted) {
        (Some(_), Some(r)) => {
            let chain = crate::rounds::completion(store, election)
                .await?
                .map(|c| ChainView {
                    words: crate::rounds::completion_words(&c, t),
                    alert: c.further_required(),
                });
            let further_seats = r.contests.iter().any(|c| c.further_election.seats > 0);
            let line = if r.valid && further_seats {
                womens_line_view(
                    &crate::rounds::plan_further(store, election, r).await?,
                    r,
                    lang,
                )
            } else {
                None
            };
            (chain, line)
        }
        _ => (None, None),
    };
    let later: Vec<Election> = store
        .list_elections()
        .await?
        .into_iter()
        .filter(|e| {
            e.round
                .as_ref()
                .is_some_and(|r| r.parent == election.id && r.purpose == "round")
        })
        .collect();
    let link = |e: &Election| RoundLink {
        id: e.id.to_string(),
        title: e.title.clone(),
        kind: round_kind_label(e.round.as_ref().map_or("further", |r| r.kind.as_str()), t),
    };
    let created = params
        .round
        .as_deref()
        .and_then(|id| later.iter().find(|e| e.id.to_string() == id))
        .map(link);
    let flash = match (&created, params.certified.is_some()) {
        (Some(r), _) => Some(fill(t.oc_round_created, &[r.kind])),
        (None, true) => Some(t.oc_certified_flash.to_owned()),
        _ => None,
    };
    Ok(OutcomePage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/outcome", election.id),
            Some(principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        alert,
        flash,
        stations,
        round,
        round_ok: reconciled.round.returned_within_issued,
        result,
        refusal,
        certified,
        created,
        chain,
        womens_line,
        rounds: later.iter().map(link).collect(),
        round_day: election.election_day.to_string(),
    })
}

/// `GET /elections/{id}/outcome`: committee and observers; clerks 403.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<OutcomeParams>,
) -> Result<Response, PageError> {
    let principal = require_user(principal, lang)?;
    let election = election(&state, &election_id, lang).await?;
    let page = view(&state, &principal, lang, &election, None, &params)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &page)))
}

fn no_store(mut response: Response) -> Response {
    response.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    response
}

/// The committee member behind a step, and the election.
async fn committee(
    state: &AppState,
    principal: MaybePrincipal,
    lang: Lang,
    election_id: &str,
) -> Result<(Principal, Election), PageError> {
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election(state, election_id, lang).await?;
    Ok((principal, election))
}

/// A refused step: the page again, with the refusal above it.
async fn refused(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    err: HttpError,
) -> Result<Response, PageError> {
    if let HttpError::Internal(e) = err {
        return Err(PageError::new(HttpError::Internal(e), lang));
    }
    err.log();
    let page = view(
        state,
        principal,
        lang,
        election,
        Some(refusal_alert(&err, lang)),
        &OutcomeParams::default(),
    )
    .await
    .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(err.status(), &page)))
}

#[derive(Debug, Default, Deserialize)]
pub struct CertifyForm {
    #[serde(default)]
    confirm: String,
}

/// `POST /elections/{id}/outcome/certify`: certifies the round (R-CERT-1)
/// once the box is ticked.
pub async fn certify(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<CertifyForm>,
) -> Result<Response, PageError> {
    let (principal, election) = committee(&state, principal, lang, &election_id).await?;
    if form.confirm != "1" {
        let err = HttpError::BadRequest(crate::error::Message {
            code: "confirm",
            zh: Lang::Zh.texts().oc_confirm_missing.to_owned(),
            en: Lang::En.texts().oc_confirm_missing.to_owned(),
        });
        return refused(&state, &principal, lang, &election, err).await;
    }
    match crate::certification::certify(
        &*state.store,
        &state.rng,
        &election,
        &principal.username(),
        state.clock.now(),
    )
    .await
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/elections/{}/outcome?certified=1#certification",
            election.id
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct RoundForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    election_day: String,
}

/// `POST /elections/{id}/outcome/rounds`: a further election (R-CNT-7)
/// or a tie-break vote (R-CNT-6) from the certified result.
pub async fn create_round(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<RoundForm>,
) -> Result<Response, PageError> {
    let (principal, election) = committee(&state, principal, lang, &election_id).await?;
    let day = form.election_day.trim();
    let election_day = if day.is_empty() {
        None
    } else {
        match day.parse() {
            Ok(d) => Some(d),
            Err(_) => {
                let err = HttpError::BadRequest(crate::error::Message {
                    code: "election_day",
                    zh: Lang::Zh.texts().oc_bad_day.to_owned(),
                    en: Lang::En.texts().oc_bad_day.to_owned(),
                });
                return refused(&state, &principal, lang, &election, err).await;
            }
        }
    };
    let request = crate::rounds::RoundRequest {
        kind: form.kind.clone(),
        election_day,
    };
    match crate::rounds::create(&*state.store, &election, &request, state.clock.now()).await {
        Ok(created) => Ok(Redirect::to(&format!(
            "/elections/{}/outcome?round={}#rounds",
            election.id, created.election.id
        ))
        .into_response()),
        Err(err) => refused(&state, &principal, lang, &election, err).await,
    }
}
