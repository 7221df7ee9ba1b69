//! The review queue as a page (issue 6, R-CNT-4): `/elections/{id}/reviews`.
//!
//! Each ballot the scan could not settle is listed with its station,
//! receipt number and serial (to find the paper), why it waits (unreadable,
//! an unclear mark, a row marked twice, a write-in box with ink, in
//! words), what was scanned, and a form to record the reading off the
//! paper: per position and candidate row 赞成 / 反对 / 弃权 / 未划, the
//! write-in names (as many rows as the position's seats), and for the
//! committee "rule it void (unreadable)". The form starts from what was
//! scanned, so only the unclear rows need a look.
//!
//! The committee sees every station's ballots (`?station=` narrows it); a
//! clerk signed in with the station cookie sees its own station's, and may
//! decide those not flagged unreadable (that ruling is the committee's:
//! the form is not offered, and the use case refuses it anyway); observers
//! read. A reading is posted to
//! `/elections/{id}/stations/{station}/scans/{number}/decision`, which
//! calls the same use case as the API ([`crate::polling::decide`]) and
//! comes back to the queue; a refusal is shown in words with its rule id,
//! the form keeping what was chosen. Decided ballots are listed with the
//! decision, who took it and when.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use huanjie_core::counting::Contest;
use huanjie_store::{Election, Role};
use serde::Deserialize;

use super::count::{china_time, no_store, position_label};
use super::{election_of, refusal_alert, render, Chrome, PageError};
use crate::auth::{MaybePrincipal, Principal};
use crate::error::HttpError;
use crate::i18n::{fill, Lang, Texts};
use crate::polling::{BallotMarks, ReviewReason, ReviewView, WriteIn};
use crate::state::AppState;

/// One choice for a candidate's row on the reading form.
struct Choice {
    value: &'static str,
    label: &'static str,
    checked: bool,
}

struct FormRow {
    row: String,
    name: String,
    choices: Vec<Choice>,
}

struct FormWriteIn {
    n: usize,
    value: String,
}

struct FormContest {
    position: String,
    label: String,
    seats_line: String,
    rows: Vec<FormRow>,
    write_ins: Vec<FormWriteIn>,
}

struct ReviewItem {
    /// `{station}-{number}`, for element ids.
    key: String,
    station: String,
    station_name: String,
    number: u64,
    receipt: String,
    serial: String,
    reasons: Vec<String>,
    scanned: Vec<String>,
    scanned_at: String,
    /// The reading form, for whoever may decide this ballot now.
    form: Option<Vec<FormContest>>,
    action: String,
    may_rule_unreadable: bool,
    /// Shown to a clerk instead of the form: the committee rules it.
    committee_only: bool,
    decision: Vec<String>,
    decided_by: String,
    decided_at: String,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ReviewsPage {
    chrome: Chrome,
    election_id: String,
    election_title: String,
    /// For a clerk: its station, the way back and the queue's scope.
    clerk_station: Option<String>,
    read_only: bool,
    alert: Option<String>,
    flash: Option<String>,
    pending: Vec<ReviewItem>,
    decided: Vec<ReviewItem>,
}

/// Who is reading the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reader {
    Committee,
    Clerk,
    Observer,
}

fn reader(principal: &Principal, election: &Election) -> Result<Reader, HttpError> {
    if !principal.can_see_election(election.id) {
        return Err(HttpError::Forbidden);
    }
    Ok(match principal.role() {
        Role::Committee => Reader::Committee,
        Role::Clerk => Reader::Clerk,
        Role::Observer => Reader::Observer,
    })
}

fn choice_label(choice: &str, t: &Texts) -> &'static str {
    match choice {
        "for" => t.st_for,
        "against" => t.st_against,
        "abstain" => t.st_abstain,
        _ => "",
    }
}

fn candidate_name(contests: &[Contest], position: &str, row: &str) -> String {
    contests
        .iter()
        .find(|c| c.id == position)
        .and_then(|c| c.candidates.iter().find(|k| k.id == row))
        .map(|k| k.name.clone())
        .unwrap_or_default()
}

/// Why a ballot waits, in words.
fn reason_text(reason: &ReviewReason, contests: &[Contest], t: &Texts) -> String {
    match reason {
        ReviewReason::Unreadable => t.rv_reason_unreadable.to_owned(),
        ReviewReason::Ambiguous {
            position,
            row,
            choice,
        } => {
            let label = choice_label(choice, t);
            fill(
                t.rv_reason_ambiguous,
                &[
                    &position_label(position, t),
                    row,
                    &candidate_name(contests, position, row),
                    if label.is_empty() { choice } else { label },
                ],
            )
        }
        ReviewReason::RowOvervote { position, row } => fill(
            t.rv_reason_overvote,
            &[
                &position_label(position, t),
                row,
                &candidate_name(contests, position, row),
            ],
        ),
        // The reader counts write-in rows from 0; people from 1.
        ReviewReason::WriteIn { position, index } => fill(
            t.rv_reason_write_in,
            &[&position_label(position, t), &(index + 1).to_string()],
        ),
        ReviewReason::Placement => t.rv_reason_placement.to_owned(),
    }
}

/// A ballot's marks as lines of words, one per position in ballot order:
/// “主任：张三 赞成，李四 反对”.
fn marks_lines(
    marks: &BallotMarks,
    contests: &[Contest],
    lang: Lang,
    unreadable: &str,
) -> Vec<String> {
    let t = lang.texts();
    if marks.unreadable {
        return vec![unreadable.to_owned()];
    }
    let (colon, comma) = match lang {
        Lang::Zh => ("：", "，"),
        Lang::En => (": ", ", "),
    };
    let mut positions: Vec<&str> = contests.iter().map(|c| c.id.as_str()).collect();
    for p in marks.marks.keys().chain(marks.write_ins.keys()) {
        if !positions.contains(&p.as_str()) {
            positions.push(p);
        }
    }
    let mut lines = Vec::new();
    for p in positions {
        let mut parts = Vec::new();
        if let Some(rows) = marks.marks.get(p) {
            let mut rows: Vec<(&String, &String)> = rows.iter().collect();
            rows.sort_by_key(|(row, _)| row.parse::<usize>().unwrap_or(usize::MAX));
            for (row, choice) in rows {
                let name = candidate_name(contests, p, row);
                let who = if name.is_empty() { row.clone() } else { name };
                let label = choice_label(choice, t);
                parts.push(format!(
                    "{who} {}",
                    if label.is_empty() { choice } else { label }
                ));
            }
        }
        for w in marks.write_ins.get(p).into_iter().flatten() {
            parts.push(format!("{}{colon}{}", t.st_write_in, w.name));
        }
        if !parts.is_empty() {
            lines.push(format!(
                "{}{colon}{}",
                position_label(p, t),
                parts.join(comma)
            ));
        }
    }
    if lines.is_empty() {
        lines.push(t.rv_no_marks.to_owned());
    }
    lines
}

/// The reading form for the election's ballot, filled in from `marks`.
fn reading_form(contests: &[Contest], marks: &BallotMarks, t: &Texts) -> Vec<FormContest> {
    contests
        .iter()
        .map(|c| {
            let chosen = marks.marks.get(&c.id);
            let names = marks.write_ins.get(&c.id);
            FormContest {
                position: c.id.clone(),
                label: position_label(&c.id, t),
                seats_line: fill(t.st_seats_line, &[&c.seats.count().to_string()]),
                rows: c
                    .candidates
                    .iter()
                    .map(|k| {
                        let current = chosen
                            .and_then(|m| m.get(&k.id))
                            .map_or("none", String::as_str);
                        FormRow {
                            row: k.id.clone(),
                            name: k.name.clone(),
                            choices: [
                                ("for", t.st_for),
                                ("against", t.st_against),
                                ("abstain", t.st_abstain),
                                ("none", t.rv_not_marked),
                            ]
                            .into_iter()
                            .map(|(value, label)| Choice {
                                value,
                                label,
                                checked: value == current,
                            })
                            .collect(),
                        }
                    })
                    .collect(),
                write_ins: (0..c.seats.count())
                    .map(|i| FormWriteIn {
                        n: i + 1,
                        value: names
                            .and_then(|w| w.get(i))
                            .map(|w| w.name.clone())
                            .unwrap_or_default(),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What the reading form posts: `action` (`read`, or `unreadable` for the
/// committee's ruling), marks as `m:{position}:{row}` = `for` / `against` /
/// `abstain` / `none` (nothing marked), write-ins as `w:{position}:{n}`.
fn reading(fields: &[(String, String)]) -> BallotMarks {
    let mut ballot = BallotMarks::default();
    for (key, value) in fields {
        if key == "action" && value == "unreadable" {
            return BallotMarks {
                unreadable: true,
                ..BallotMarks::default()
            };
        }
        if let Some((position, row)) = key.strip_prefix("m:").and_then(|r| r.split_once(':')) {
            if !value.is_empty() && value != "none" {
                ballot
                    .marks
                    .entry(position.to_owned())
                    .or_default()
                    .insert(row.to_owned(), value.clone());
            }
        } else if let Some((position, _)) = key.strip_prefix("w:").and_then(|r| r.split_once(':')) {
            if !value.trim().is_empty() {
                ballot
                    .write_ins
                    .entry(position.to_owned())
                    .or_default()
                    .push(WriteIn {
                        name: value.trim().to_owned(),
                        gender: None,
                    });
            }
        }
    }
    ballot
}

/// A reading just refused: shown again as it was chosen.
struct Refused {
    station: String,
    number: u64,
    alert: String,
    marks: BallotMarks,
}

fn decisions_path(election: uuid::Uuid, station: &str, number: u64) -> String {
    format!("/elections/{election}/stations/{station}/scans/{number}/decision")
}

#[allow(clippy::too_many_arguments)]
fn item(
    review: ReviewView,
    election: &Election,
    contests: &[Contest],
    station_names: &HashMap<String, String>,
    who: Reader,
    lang: Lang,
    refused: Option<&Refused>,
) -> ReviewItem {
    let t = lang.texts();
    let scanned: BallotMarks = serde_json::from_value(review.scanned.clone()).unwrap_or_default();
    let decision: Option<BallotMarks> = review
        .decision
        .clone()
        .map(|d| serde_json::from_value(d).unwrap_or_default());
    let open = decision.is_none();
    let may_decide = open
        && !contests.is_empty()
        && match who {
            Reader::Committee => true,
            Reader::Clerk => !review.needs_committee,
            Reader::Observer => false,
        };
    let refused = refused.filter(|r| r.station == review.station && r.number == review.number);
    let prefill = refused.map_or(&scanned, |r| &r.marks);
    ReviewItem {
        key: format!("{}-{}", review.station, review.number),
        station_name: station_names
            .get(&review.station)
            .cloned()
            .unwrap_or_else(|| review.station.clone()),
        receipt: fill(t.rv_receipt, &[&review.number.to_string()]),
        serial: review.serial.clone(),
        reasons: review
            .reasons
            .iter()
            .map(|r| reason_text(r, contests, t))
            .collect(),
        scanned: marks_lines(&scanned, contests, lang, t.rv_unreadable_whole),
        scanned_at: china_time(review.scanned_at, "%Y-%m-%d %H:%M:%S"),
        form: may_decide.then(|| reading_form(contests, prefill, t)),
        action: decisions_path(election.id, &review.station, review.number),
        may_rule_unreadable: who == Reader::Committee,
        committee_only: open && who == Reader::Clerk && review.needs_committee,
        decision: decision
            .map(|d| marks_lines(&d, contests, lang, t.rv_decided_void))
            .unwrap_or_default(),
        decided_by: review.decided_by.clone().unwrap_or_default(),
        decided_at: review
            .decided_at
            .map(|at| china_time(at, "%Y-%m-%d %H:%M:%S"))
            .unwrap_or_default(),
        station: review.station,
        number: review.number,
    }
}

async fn view(
    state: &AppState,
    principal: &Principal,
    lang: Lang,
    election: &Election,
    filter: Option<&str>,
    flash: Option<String>,
    refused: Option<Refused>,
) -> Result<ReviewsPage, HttpError> {
    let who = reader(principal, election)?;
    let clerk_station = match principal {
        Principal::Clerk(token) => Some(token.station.clone()),
        Principal::User { .. } | Principal::Public { .. } => None,
    };
    let station = clerk_station.as_deref().or(filter);
    let reviews = crate::polling::reviews(state, election, station).await?;
    let contests = crate::tally::contests(&*state.store, election)
        .await?
        .unwrap_or_default();
    let station_names: HashMap<String, String> = state
        .store
        .list_stations(election.id)
        .await?
        .into_iter()
        .map(|s| (s.code, s.name))
        .collect();
    let (decided, pending): (Vec<ReviewView>, Vec<ReviewView>) =
        reviews.into_iter().partition(|r| r.decision.is_some());
    let items = |list: Vec<ReviewView>| -> Vec<ReviewItem> {
        list.into_iter()
            .map(|r| {
                item(
                    r,
                    election,
                    &contests,
                    &station_names,
                    who,
                    lang,
                    refused.as_ref(),
                )
            })
            .collect()
    };
    let path = format!("/elections/{}/reviews", election.id);
    Ok(ReviewsPage {
        chrome: Chrome::new(lang, &path, Some(principal)),
        election_id: election.id.to_string(),
        election_title: election.title.clone(),
        clerk_station,
        read_only: who == Reader::Observer,
        alert: refused.as_ref().map(|r| r.alert.clone()),
        flash,
        pending: items(pending),
        decided: items(decided),
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ReviewsParams {
    /// The committee: one station's ballots only.
    station: Option<String>,
    /// After a decision: `{station}.{number}`.
    done: Option<String>,
}

/// `GET /elections/{id}/reviews[?station=]`: the queue.
pub async fn show(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path(election_id): Path<String>,
    Query(params): Query<ReviewsParams>,
) -> Result<Response, PageError> {
    let Some(principal) = principal.0 else {
        return Err(PageError::new(HttpError::Unauthenticated, lang));
    };
    let election = election_of(&state, &election_id, lang).await?;
    let flash = params
        .done
        .as_deref()
        .and_then(|d| d.rsplit_once('.'))
        .map(|(station, number)| fill(lang.texts().rv_decided_flash, &[station, number]));
    let filter = params.station.as_deref().filter(|s| !s.is_empty());
    let page = view(&state, &principal, lang, &election, filter, flash, None)
        .await
        .map_err(|e| PageError::new(e, lang))?;
    Ok(no_store(render(StatusCode::OK, &page)))
}

/// `POST /elections/{id}/stations/{station}/scans/{number}/decision`: a
/// reading off the paper (the committee, or the station's clerk for a
/// ballot not flagged unreadable); back to the queue, or the queue again
/// with the refusal.
pub async fn decide(
    State(state): State<AppState>,
    principal: MaybePrincipal,
    lang: Lang,
    Path((election_id, station, number)): Path<(String, String, String)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let Some(principal) = principal.0 else {
        return Err(PageError::new(HttpError::Unauthenticated, lang));
    };
    let election = election_of(&state, &election_id, lang).await?;
    let number: u64 = number
        .parse()
        .map_err(|_| PageError::new(HttpError::NotFound, lang))?;
    let committee = match reader(&principal, &election).map_err(|e| PageError::new(e, lang))? {
        Reader::Committee => true,
        Reader::Clerk => {
            principal
                .require_station(election.id, &station)
                .map_err(|e| PageError::new(e, lang))?;
            false
        }
        Reader::Observer => return Err(PageError::new(HttpError::Forbidden, lang)),
    };
    let by = match &principal {
        Principal::Clerk(token) => format!("station:{}", token.station),
        Principal::User { .. } | Principal::Public { .. } => principal.username(),
    };
    let marks = reading(&fields);
    let decided = crate::polling::decide(
        &state,
        &election,
        &station,
        number,
        &marks,
        committee,
        &by,
        state.clock.now(),
    )
    .await;
    match decided {
        Ok(view) => Ok(Redirect::to(&format!(
            "/elections/{}/reviews?done={}.{}#review-{}-{}",
            election.id, view.station, view.number, view.station, view.number
        ))
        .into_response()),
        Err(HttpError::Internal(e)) => Err(PageError::new(HttpError::Internal(e), lang)),
        Err(err) => {
            err.log();
            let refused = Refused {
                station,
                number,
                alert: refusal_alert(&err, lang),
                marks,
            };
            let page = view(
                &state,
                &principal,
                lang,
                &election,
                None,
                None,
                Some(refused),
            )
            .await
            .map_err(|e| PageError::new(e, lang))?;
            Ok(no_store(render(err.status(), &page)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use huanjie_core::counting::{Candidate, Gender};
    use huanjie_core::seats::Seats;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    fn contests() -> Vec<Contest> {
        vec![Contest {
            id: "director".into(),
            title: "主任".into(),
            seats: Seats::new(1).unwrap(),
            candidates: ["王一", "李二"]
                .iter()
                .enumerate()
                .map(|(i, n)| Candidate {
                    id: (i + 1).to_string(),
                    name: (*n).to_owned(),
                    gender: Gender::Male,
                })
                .collect(),
        }]
    }

    #[test]
    fn the_reading_form_keeps_abstain_and_drops_none() {
        let b = reading(&pairs(&[
            ("m:director:1", "for"),
            ("m:director:2", "none"),
            ("m:member:3", "abstain"),
            ("w:member:1", " 赵六 "),
            ("w:member:2", ""),
            ("action", "read"),
        ]));
        assert_eq!(b.marks["director"].len(), 1);
        assert_eq!(b.marks["director"]["1"], "for");
        assert_eq!(b.marks["member"]["3"], "abstain");
        assert_eq!(b.write_ins["member"].len(), 1);
        assert_eq!(b.write_ins["member"][0].name, "赵六");
        assert!(!b.unreadable);
    }

    #[test]
    fn ruling_unreadable_drops_the_marks() {
        let b = reading(&pairs(&[("m:director:1", "for"), ("action", "unreadable")]));
        assert!(b.unreadable && b.marks.is_empty() && b.write_ins.is_empty());
    }

    #[test]
    fn reasons_and_marks_read_as_words() {
        let c = contests();
        let t = Lang::Zh.texts();
        assert_eq!(
            reason_text(&ReviewReason::Unreadable, &c, t),
            "无法辨认，待选举委员会裁定"
        );
        let ambiguous = ReviewReason::Ambiguous {
            position: "director".into(),
            row: "2".into(),
            choice: "against".into(),
        };
        assert_eq!(
            reason_text(&ambiguous, &c, t),
            "主任第2位候选人（李二）的“反对”格划记不清"
        );
        let write_in = ReviewReason::WriteIn {
            position: "director".into(),
            index: 0,
        };
        assert!(reason_text(&write_in, &c, t).contains("另选他人第1栏"));
        let mut marks = BallotMarks::default();
        marks
            .marks
            .entry("director".into())
            .or_default()
            .insert("2".into(), "against".into());
        marks
            .marks
            .entry("director".into())
            .or_default()
            .insert("1".into(), "for".into());
        assert_eq!(
            marks_lines(&marks, &c, Lang::Zh, "x"),
            vec!["主任：王一 赞成，李二 反对".to_owned()]
        );
        assert_eq!(
            marks_lines(&BallotMarks::default(), &c, Lang::Zh, "x"),
            vec!["无划记".to_owned()]
        );
        let void = BallotMarks {
            unreadable: true,
            ..BallotMarks::default()
        };
        assert_eq!(marks_lines(&void, &c, Lang::Zh, "无效"), vec!["无效"]);
    }

    #[test]
    fn the_form_starts_from_what_was_scanned() {
        let mut marks = BallotMarks::default();
        marks
            .marks
            .entry("director".into())
            .or_default()
            .insert("1".into(), "against".into());
        let form = reading_form(&contests(), &marks, Lang::Zh.texts());
        let checked = |row: usize| {
            form[0].rows[row]
                .choices
                .iter()
                .find(|c| c.checked)
                .map(|c| c.value)
        };
        assert_eq!(checked(0), Some("against"));
        assert_eq!(checked(1), Some("none"));
        assert_eq!(form[0].write_ins.len(), 1);
    }
}
