//! The live count board as a page (issue 6): `/elections/{id}/count`, in
//! big type for a projector, for the committee, observers and the
//! election's station clerks.
//!
//! The page is rendered from the board's current snapshot
//! ([`crate::count_board`]), so it shows the count without JavaScript;
//! `/assets/count.js` then opens an `EventSource` on
//! `/api/v1/elections/{id}/count/events` (the session or station cookie
//! authenticating it) and rewrites the numbers in place with each `count`
//! event, showing "live", the time of the last update, or "reconnecting"
//! while the stream is down. While any station still votes, the board
//! shows why no candidate totals are given instead of the contests.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use chrono::{DateTime, FixedOffset, Utc};
use huanjie_core::polling::{Polls, StationKind};
use serde::Deserialize;

use super::{election_of, render, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::{fill, Lang, Texts};
use crate::state::AppState;

/// 主任 for `director` and so on, in the page's language; a position the
/// table does not know keeps its code.
pub(super) fn position_label(code: &str, t: &Texts) -> String {
    match code {
        "director" => t.position_director,
        "deputy" => t.position_deputy,
        "member" => t.position_member,
        "women_member" => t.position_women_member,
        other => return other.to_owned(),
    }
    .to_owned()
}

fn polls_label(code: &str, t: &Texts) -> &'static str {
    match Polls::parse(code) {
        Some(Polls::NotOpened) => t.st_polls_not_opened,
        Some(Polls::Open) => t.st_polls_open,
        Some(Polls::Closed) => t.st_polls_closed,
        None => "",
    }
}

fn kind_label(code: &str, t: &Texts) -> &'static str {
    match StationKind::parse(code) {
        Some(StationKind::Central) => t.st_kind_central,
        Some(StationKind::Sub) => t.st_kind_sub,
        Some(StationKind::Mobile) => t.st_kind_mobile,
        None => "",
    }
}

/// A time as people at the count read it: China Standard Time.
pub(super) fn china_time(at: DateTime<Utc>, format: &str) -> String {
    match FixedOffset::east_opt(8 * 3600) {
        Some(tz) => at.with_timezone(&tz).format(format).to_string(),
        None => at.format(format).to_string(),
    }
}

/// Pages get `no-store`: the count changes by the second.
pub(super) fn no_store(mut response: Response) -> Response {
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

// --- the board's JSON, as the page reads it ------------------------------------

#[derive(Debug, Deserialize)]
struct Snapshot {
    stations: Vec<SnapStation>,
    counted: u64,
    pending: u64,
    totals_hidden: bool,
    hidden_because: Option<Because>,
    contests: Vec<SnapContest>,
}

#[derive(Debug, Deserialize)]
struct SnapStation {
    code: String,
    name: String,
    kind: String,
    polls: String,
    issued: u64,
    counted: u64,
    pending: u64,
}

#[derive(Debug, Deserialize)]
struct Because {
    zh: String,
    en: String,
}

#[derive(Debug, Deserialize)]
struct SnapContest {
    position: String,
    seats: u32,
    void_ballots: u64,
    rows: Vec<SnapRow>,
}

#[derive(Debug, Deserialize)]
struct SnapRow {
    person: String,
    name: String,
    #[serde(rename = "for")]
    votes_for: u64,
    against: u64,
    abstain: u64,
}

// --- the page ---------------------------------------------------------------------

struct StationLine {
    code: String,
    name: String,
    kind: &'static str,
    polls_code: String,
    polls: &'static str,
    issued: u64,
    counted: u64,
    pending: u64,
}

struct ContestBlock {
    position: String,
    label: String,
    seats_line: String,
    void_ballots: u64,
    rows: Vec<SnapRow>,
}

/// A text the script needs, as a `data-t-{key}` attribute of the board.
struct ScriptText {
    key: String,
    text: String,
}

#[derive(Template)]
#[template(path = "count.html")]
struct BoardPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    /// For a clerk: its station's page, the way back.
    clerk_station: Option<String>,
    /// Nobody signed in, on a public election (issue 8): the way back is
    /// the observer portal.
    public_reader: bool,
    may_review: bool,
    updated: String,
    stations: Vec<StationLine>,
    counted: u64,
    pending: u64,
    totals_hidden: bool,
    hidden_because: String,
    contests: Vec<ContestBlock>,
    texts: Vec<ScriptText>,
}

/// The words the script puts on the page, in the page's language.
fn script_texts(t: &Texts, election: &huanjie_store::Election) -> Vec<ScriptText> {
    let mut texts: Vec<ScriptText> = [
        ("live", t.cb_live),
        ("reconnecting", t.cb_reconnecting),
        ("candidate", t.cb_candidate),
        ("for", t.st_for),
        ("against", t.st_against),
        ("abstain", t.st_abstain),
        ("void", t.cb_void),
        ("seats", t.st_seats_line),
        ("polls-not_opened", t.st_polls_not_opened),
        ("polls-open", t.st_polls_open),
        ("polls-closed", t.st_polls_closed),
        ("no-contests", t.cb_no_contests),
    ]
    .into_iter()
    .map(|(key, text)| ScriptText {
        key: key.to_owned(),
        text: text.to_owned(),
    })
    .collect();
    texts.extend(election.seats.iter().map(|s| ScriptText {
        key: format!("pos-{}", s.position),
        text: position_label(&s.position, t),
    }));
    texts
}

/// `GET /elections/{id}/count`: the board. The committee and observers
/// see any election's; a clerk the board of its own station's election.
pub async fn board(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
) -> Result<Response, PageError> {
    let Some(principal) = principal.0 else {
        return Err(PageError::new(HttpError::Unauthenticated, lang));
    };
    let election = election_of(&state, &election_id, lang).await?;
    if !principal.can_see_election(election.id) {
        return Err(PageError::new(HttpError::Forbidden, lang));
    }
    let snapshot = state
        .boards
        .snapshot(&election)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    let snapshot: Snapshot = serde_json::from_value((*snapshot).clone()).map_err(|e| {
        PageError::new(
            HttpError::Internal(anyhow::anyhow!("the count board's snapshot: {e}")),
            lang,
        )
    })?;
    let t = lang.texts();
    let hidden_because = snapshot
        .hidden_because
        .map(|b| match lang {
            Lang::Zh => b.zh,
            Lang::En => b.en,
        })
        .unwrap_or_default();
    let page = BoardPage {
        chrome: Chrome::new(
            lang,
            &format!("/elections/{}/count", election.id),
            Some(&principal),
        ),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        clerk_station: match &principal {
            Principal::Clerk(token) => Some(token.station.clone()),
            Principal::User { .. } | Principal::Public { .. } => None,
        },
        public_reader: matches!(principal, Principal::Public { .. }),
        may_review: principal.role() != huanjie_store::Role::Observer,
        updated: china_time(state.clock.now(), "%H:%M:%S"),
        stations: snapshot
            .stations
            .into_iter()
            .map(|s| StationLine {
                kind: kind_label(&s.kind, t),
                polls: polls_label(&s.polls, t),
                polls_code: s.polls,
                code: s.code,
                name: s.name,
                issued: s.issued,
                counted: s.counted,
                pending: s.pending,
            })
            .collect(),
        counted: snapshot.counted,
        pending: snapshot.pending,
        totals_hidden: snapshot.totals_hidden,
        hidden_because,
        contests: snapshot
            .contests
            .into_iter()
            .map(|c| ContestBlock {
                label: position_label(&c.position, t),
                seats_line: fill(t.st_seats_line, &[&c.seats.to_string()]),
                position: c.position,
                void_ballots: c.void_ballots,
                rows: c.rows,
            })
            .collect(),
        texts: script_texts(t, &election),
    };
    Ok(no_store(render(StatusCode::OK, &page)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_board_json_reads_as_the_page_wants_it() {
        let board = serde_json::json!({
            "election": "x", "title": "t",
            "stations": [{"code": "central", "name": "中心", "kind": "central", "polls": "closed",
                          "issued": 5, "counted": 4, "pending": 1}],
            "counted": 4, "pending": 1, "totals_hidden": false, "hidden_because": null,
            "contests": [{"position": "director", "label": "主任", "seats": 1, "void_ballots": 0,
                          "rows": [{"person": "1", "name": "甲", "for": 3, "against": 0, "abstain": 1}]}]
        });
        let s: Snapshot = serde_json::from_value(board).unwrap();
        assert_eq!(s.stations[0].pending, 1);
        assert_eq!(s.contests[0].rows[0].votes_for, 3);
        assert!(s.hidden_because.is_none());
    }

    #[test]
    fn times_are_china_time() {
        let at = DateTime::parse_from_rfc3339("2026-06-01T16:30:05Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(china_time(at, "%H:%M:%S"), "00:30:05");
    }
}
