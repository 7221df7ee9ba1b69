//! The observer portal (issue 8): `/elections/{id}/observe…`, read only.
//!
//! - `/observe`: the landing page, with the way to every part and the
//!   downloads (counting case, signed result, public key, the log and its
//!   checkpoints), each linked once it exists;
//! - `/observe/reconciliation`: every station's ballots received, spoiled,
//!   issued, returned and unused with its discrepancies (R-CNT-2), and the
//!   result once every station has closed (the same refusal as the API's
//!   otherwise);
//! - `/observe/voter-list`: the published list's fingerprint and each
//!   recorded change since, with its reason and the fingerprint after it
//!   (resident IDs masked, as for every observer);
//! - `/observe/audit?after=`: the verification verdict, the signed
//!   checkpoints and the log, a page at a time.
//!
//! The live count board is the existing `/elections/{id}/count`.
//!
//! Who reads: the committee and observers, signed in; and, when the
//! committee has set the election's observer access to `public`, anyone
//! (the auth middleware makes them [`Principal::Public`] for these
//! addresses only). Clerks get 403; nobody on a `token` election is sent
//! to sign in. Plain HTML: nothing here needs JavaScript.
//!
//! `POST /elections/{id}/observer-access` (committee) is the election
//! page's form for the setting, like `PUT /api/v1/…/observer-access`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use axum::Form;
use huanjie_core::audit::hex;
use huanjie_core::counting::RoundResult;
use huanjie_core::reconciliation::Reconciled;
use huanjie_store::{Election, ObserverAccess, MAX_AUDIT_PAGE};
use serde::Deserialize;

use super::count::{china_time, no_store, position_label};
use super::{election_of, refusal_alert, render, require_user, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::{fill, Lang};
use crate::state::AppState;

/// Log entries per page.
const ENTRIES_PER_PAGE: u32 = 50;

/// The reader and the election, once they may read its portal.
async fn reader(
    state: &AppState,
    principal: MaybePrincipal,
    lang: Lang,
    raw_id: &str,
) -> Result<(Principal, Election), PageError> {
    let Some(principal) = principal.0 else {
        return Err(PageError::new(HttpError::Unauthenticated, lang));
    };
    principal
        .require_reader()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election_of(state, raw_id, lang).await?;
    if !principal.can_see_election(election.id) {
        return Err(PageError::new(HttpError::Forbidden, lang));
    }
    Ok((principal, election))
}

fn chrome(lang: Lang, election: &Election, page: &str, principal: &Principal) -> Chrome {
    Chrome::new(
        lang,
        &format!("/elections/{}/observe{page}", election.id),
        Some(principal),
    )
}

fn internal(lang: Lang) -> impl Fn(HttpError) -> PageError {
    move |e| PageError::new(e, lang)
}

// --- landing ---------------------------------------------------------------

/// One download: its address, or `None` while it does not exist yet.
struct Download {
    id: &'static str,
    label: &'static str,
    href: Option<String>,
}

#[derive(Template)]
#[template(path = "observe.html")]
struct LandingPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    election_day: String,
    public: bool,
    /// A signed-in committee member or observer (their way back is the
    /// election's page).
    signed_in: bool,
    fingerprint: Option<String>,
    log_size: u64,
    downloads: Vec<Download>,
}

/// `GET /elections/{id}/observe`.
pub async fn landing(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
) -> Result<Response, PageError> {
    let (principal, election) = reader(&state, principal, lang, &election_id).await?;
    let t = lang.texts();
    let store = &*state.store;
    let e = internal(lang);
    let access = store
        .observer_access(election.id)
        .await
        .map_err(|x| e(x.into()))?;
    let registration = store
        .registration_state(election.id)
        .await
        .map_err(|x| e(x.into()))?;
    let head = store
        .audit_head(election.id)
        .await
        .map_err(|x| e(x.into()))?;
    let printed = store
        .find_ballot_key(election.id)
        .await
        .map_err(|x| e(x.into()))?
        .is_some();
    let key = crate::certification::public_key(store, &election)
        .await
        .map_err(&e)?;
    let round = election
        .round
        .as_ref()
        .map_or("general", |r| r.kind.as_str());
    let certified = store
        .certifications(election.id)
        .await
        .map_err(|x| e(x.into()))?
        .iter()
        .any(|c| c.round == round);
    let api = format!("/api/v1/elections/{}", election.id);
    let when = |ready: bool, path: &str| ready.then(|| format!("{api}{path}"));
    let downloads = vec![
        Download {
            id: "dl-case",
            label: t.ob_dl_case,
            href: when(printed, "/case"),
        },
        Download {
            id: "dl-signed",
            label: t.ob_dl_signed,
            href: when(certified && key.is_some(), "/certification"),
        },
        Download {
            id: "dl-key",
            label: t.ob_dl_key,
            href: when(key.is_some(), "/public-key"),
        },
        Download {
            id: "dl-log",
            label: t.ob_dl_log,
            href: when(true, "/audit/export"),
        },
        Download {
            id: "dl-checkpoints",
            label: t.ob_dl_checkpoints,
            href: when(true, "/audit/checkpoints"),
        },
    ];
    let page = LandingPage {
        chrome: chrome(lang, &election, "", &principal),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        election_day: election.election_day.to_string(),
        public: access == ObserverAccess::Public,
        signed_in: principal.user().is_some(),
        fingerprint: registration.publication.map(|p| p.current_fingerprint),
        log_size: head.map_or(0, |h| h.seq),
        downloads,
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

// --- reconciliation and results -----------------------------------------------

/// One line of the reconciliation table.
struct FiguresRow {
    code: String,
    name: String,
    received: u64,
    spoiled: u64,
    issued: u64,
    returned: u64,
    unused: u64,
    pending: u64,
    /// Each discrepancy in words with its rule id; empty when none.
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
        unused: r.unused,
        pending: r.figures.pending,
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

struct PersonLine {
    name: String,
    votes_for: u64,
    against: u64,
    abstain: u64,
    elected: bool,
}

struct ContestLines {
    code: String,
    label: String,
    seats: u32,
    void_ballots: u64,
    people: Vec<PersonLine>,
}

struct ResultLines {
    valid: bool,
    registered: u64,
    voted: u64,
    cast: u64,
    contests: Vec<ContestLines>,
}

fn result_lines(r: &RoundResult, lang: Lang) -> ResultLines {
    let t = lang.texts();
    ResultLines {
        valid: r.valid,
        registered: r.registered,
        voted: r.voted,
        cast: r.cast,
        contests: r
            .contests
            .iter()
            .map(|c| ContestLines {
                code: c.id.clone(),
                label: position_label(&c.id, t),
                seats: c.seats,
                void_ballots: c.void_ballots,
                people: c
                    .tally
                    .iter()
                    .map(|row| PersonLine {
                        name: row.name.clone(),
                        votes_for: row.votes_for,
                        against: row.against,
                        abstain: row.abstain,
                        elected: c.elected.contains(&row.person),
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Template)]
#[template(path = "observe_reconciliation.html")]
struct ReconciliationPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    stations: Vec<FiguresRow>,
    round: FiguresRow,
    round_ok: bool,
    result: Option<ResultLines>,
    refusal: Option<String>,
}

/// `GET /elections/{id}/observe/reconciliation`.
pub async fn reconciliation(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
) -> Result<Response, PageError> {
    let (principal, election) = reader(&state, principal, lang, &election_id).await?;
    let t = lang.texts();
    let store = &*state.store;
    let reconciled = crate::reconciliation::reconcile(store, &election)
        .await
        .map_err(internal(lang))?;
    // The same gate as the API's `/result`: no totals while a station
    // votes or a ballot waits for a person (R-CNT-1, R-CNT-4).
    let (result, refusal) = match crate::tally::result(store, &election).await {
        Ok(r) => (Some(result_lines(&r, lang)), None),
        Err(e @ HttpError::Internal(_)) => return Err(PageError::new(e, lang)),
        Err(e) => (None, Some(refusal_alert(&e, lang))),
    };
    let page = ReconciliationPage {
        chrome: chrome(lang, &election, "/reconciliation", &principal),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        stations: reconciled
            .stations
            .iter()
            .map(|s| figures_row(&s.code, &s.name, &s.reconciled, lang))
            .collect(),
        round: figures_row("", t.oc_round_total, &reconciled.round.totals, lang),
        round_ok: reconciled.round.returned_within_issued,
        result,
        refusal,
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

// --- the voter list's fingerprint and changes ------------------------------------

struct PublishedLines {
    published_on: String,
    voters: u64,
    fingerprint: String,
    current_fingerprint: String,
    changes: u32,
}

struct ChangeLine {
    seq: u32,
    at: String,
    kind: String,
    resident: String,
    what: String,
    reason: String,
    fingerprint_after: String,
}

#[derive(Template)]
#[template(path = "observe_voter_list.html")]
struct VoterListPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    published: Option<PublishedLines>,
    changes: Vec<ChangeLine>,
}

/// `GET /elections/{id}/observe/voter-list`.
pub async fn voter_list(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
) -> Result<Response, PageError> {
    let (principal, election) = reader(&state, principal, lang, &election_id).await?;
    let store = &*state.store;
    let e = internal(lang);
    let registration = store
        .registration_state(election.id)
        .await
        .map_err(|x| e(x.into()))?;
    let changes = store
        .roll_changes(election.id)
        .await
        .map_err(|x| e(x.into()))?
        .iter()
        // Never whole resident IDs here, whoever reads (the committee has
        // its own pages for them).
        .map(|c| crate::registration::change_for(c, false))
        .map(|c| ChangeLine {
            seq: c.seq,
            at: china_time(c.at, "%Y-%m-%d %H:%M"),
            kind: c.kind.clone(),
            resident: format!("{} {}", c.resident_name, c.resident_id),
            what: c
                .fields
                .iter()
                .map(|f| {
                    format!(
                        "{}: {} → {}",
                        f.field,
                        f.before.as_deref().unwrap_or("—"),
                        f.after.as_deref().unwrap_or("—")
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
            reason: c.reason.clone(),
            fingerprint_after: c.fingerprint_after.clone().unwrap_or_default(),
        })
        .collect();
    let page = VoterListPage {
        chrome: chrome(lang, &election, "/voter-list", &principal),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        published: registration.publication.map(|p| PublishedLines {
            published_on: p.published_on.to_string(),
            voters: p.voters,
            fingerprint: p.fingerprint,
            current_fingerprint: p.current_fingerprint,
            changes: p.changes,
        }),
        changes,
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

// --- the audit log -------------------------------------------------------------

struct CheckpointLine {
    size: u64,
    head: String,
    at: String,
    signature: String,
}

struct EntryLine {
    seq: u64,
    at: String,
    actor: String,
    action: String,
    details: String,
    hash: String,
}

#[derive(Template)]
#[template(path = "observe_audit.html")]
struct AuditPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    verified: bool,
    verdict: String,
    head: String,
    checkpoints: Vec<CheckpointLine>,
    entries: Vec<EntryLine>,
    range: String,
    /// `after` for the next page, when there is one.
    next_after: Option<u64>,
    /// Not on the first page.
    not_first: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    after: Option<u64>,
}

/// `GET /elections/{id}/observe/audit[?after=]`.
pub async fn audit(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(query): Query<AuditQuery>,
) -> Result<Response, PageError> {
    let (principal, election) = reader(&state, principal, lang, &election_id).await?;
    let t = lang.texts();
    let store = &*state.store;
    let e = internal(lang);
    let chain = election.id;
    let verdict = crate::api::audit::verified(&state, chain)
        .await
        .map_err(&e)?;
    let verified = verdict["ok"].as_bool() == Some(true);
    let size = verdict["size"].as_u64().unwrap_or(0);
    let words = if verified {
        fill(
            t.ob_verified,
            &[
                &size.to_string(),
                &verdict["checkpoints"].as_u64().unwrap_or(0).to_string(),
            ],
        )
    } else {
        let why = match lang {
            Lang::Zh => verdict["message"].as_str(),
            Lang::En => verdict["message_en"].as_str(),
        };
        format!("{}{}", t.ob_broken, why.unwrap_or(""))
    };
    let signed = store
        .list_checkpoints(chain)
        .await
        .map_err(|x| e(x.into()))?;
    let after = query.after.unwrap_or(0);
    let entries = store
        .list_audit(chain, after, ENTRIES_PER_PAGE.min(MAX_AUDIT_PAGE))
        .await
        .map_err(|x| e(x.into()))?;
    let head = store.audit_head(chain).await.map_err(|x| e(x.into()))?;
    let total = head.as_ref().map_or(0, |h| h.seq);
    let range = match (entries.first(), entries.last()) {
        (Some(first), Some(last)) => fill(
            t.ob_page_range,
            &[
                &first.seq.to_string(),
                &last.seq.to_string(),
                &total.to_string(),
            ],
        ),
        _ => String::new(),
    };
    let next_after = entries.last().filter(|l| l.seq < total).map(|l| l.seq);
    let page = AuditPage {
        chrome: chrome(lang, &election, "/audit", &principal),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        verified,
        verdict: words,
        head: head.map(|h| hex(&h.hash)).unwrap_or_default(),
        checkpoints: signed
            .iter()
            .map(|(c, signature)| CheckpointLine {
                size: c.size,
                head: hex(&c.head),
                at: china_time(c.at, "%Y-%m-%d %H:%M:%S"),
                signature: hex(signature),
            })
            .collect(),
        entries: entries
            .iter()
            .map(|x| EntryLine {
                seq: x.seq,
                at: china_time(x.at, "%Y-%m-%d %H:%M:%S"),
                actor: x.actor.clone(),
                action: x.action.clone(),
                details: serde_json::to_string(&x.details).unwrap_or_default(),
                hash: hex(&x.hash),
            })
            .collect(),
        range,
        next_after,
        not_first: after > 0,
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

// --- the committee's setting -----------------------------------------------------

#[derive(Debug, Default, Deserialize)]
pub struct AccessForm {
    #[serde(default)]
    access: String,
}

/// `POST /elections/{id}/observer-access` (committee): `access=public`
/// or `token`; back to the election's page.
pub async fn set_access(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Form(form): Form<AccessForm>,
) -> Result<Response, PageError> {
    use axum::response::IntoResponse;
    let principal = require_user(principal, lang)?;
    principal
        .require_committee()
        .map_err(|e| PageError::new(e, lang))?;
    let election = election_of(&state, &election_id, lang).await?;
    let access = crate::observers::parse_access(&form.access).map_err(internal(lang))?;
    crate::observers::set(&state, &election, access, &principal.username())
        .await
        .map_err(internal(lang))?;
    Ok(Redirect::to(&format!("/elections/{}?observers=saved", election.id)).into_response())
}
