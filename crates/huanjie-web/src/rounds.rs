//! Later rounds (issue 7, item 3): a further election (另行选举, R-CNT-7)
//! for seats left unfilled, or a tie-break vote (再次投票, R-CNT-6) among
//! the people tied at the last seat.
//!
//! A later round is created from the **certified** result of the round
//! before it, and is held as an election of its own (`RoundOf` names its
//! parent): the same stations, fresh polls, its own ballots (the
//! further-election or tie-break template), scans, count, certification.
//! Its contests are fixed now, from the certified result: for a further
//! election the seats unfilled and the candidates the rules core listed
//! (R-CNT-7: the non-elected in order of first-round votes, as many as the
//! unfilled seats plus the profile's margin); for a tie-break the seats
//! the tie holds and only the tied people. The rules core counts it as
//! that kind of round (most votes win; a further election needs at least
//! a third of the ballots cast).
//!
//! R-CNT-7 holds the further election the same day or within 30 days.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::rule;
use huanjie_store::{Election, NewRound, PositionSeats, Store};
use serde::Deserialize;
use serde_json::Value;

use crate::error::{HttpError, Message, RuleRefusal};
use crate::tally::{RoundCandidate, RoundContest};

/// How long after the round before a further election may be held
/// (R-CNT-7; BJ-2012 says 15, which a profile would carry).
pub const WITHIN_DAYS: u64 = 30;

#[derive(Debug, Clone, Deserialize)]
pub struct RoundRequest {
    /// `further` or `tie-break`.
    pub kind: String,
    /// Defaults to the day of the round before.
    #[serde(default)]
    pub election_day: Option<NaiveDate>,
}

fn refuse(code: &'static str, rule: &'static str, zh: String, en: String) -> HttpError {
    RuleRefusal::new(code, rule, zh, en).conflict().into()
}

/// Creates the later round of `parent` the request asks for.
pub async fn create(
    store: &dyn Store,
    parent: &Election,
    request: &RoundRequest,
    now: DateTime<Utc>,
) -> Result<Election, HttpError> {
    let (kind, rule_id, suffix) = match request.kind.trim() {
        "further" => ("further", rule::CNT_7, "另行选举"),
        "tie-break" => ("tie-break", rule::CNT_6, "再次投票"),
        _ => {
            return Err(HttpError::BadRequest(Message {
                code: "kind",
                zh: "轮次（kind）应为 further（另行选举）或 tie-break（再次投票）".into(),
                en: "kind: must be further or tie-break".into(),
            }))
        }
    };
    let day = request.election_day.unwrap_or(parent.election_day);
    if day < parent.election_day || day > parent.election_day + chrono::Days::new(WITHIN_DAYS) {
        return Err(refuse(
            "round_day",
            rule::CNT_7,
            format!(
                "另行选举应在当日或{WITHIN_DAYS}日内举行（{} 至 {}）",
                parent.election_day,
                parent.election_day + chrono::Days::new(WITHIN_DAYS)
            ),
            format!(
                "a further round is held the same day or within {WITHIN_DAYS} days ({} to {})",
                parent.election_day,
                parent.election_day + chrono::Days::new(WITHIN_DAYS)
            ),
        ));
    }
    let certified = crate::documents::certified(store, parent).await?;
    let result = &certified.document["result"];
    if result["valid"].as_bool() != Some(true) {
        return Err(refuse(
            "round_void",
            rule::CNT_3,
            "上一轮选举无效：应重新选举，而不是另行选举或再次投票".into(),
            "the round before is void: it is held again, not continued".into(),
        ));
    }
    let people = crate::tally::contests(store, parent)
        .await?
        .unwrap_or_default();
    // A written-in person's gender is what the ballots that named them
    // said (R-CNT-8 and R-BODY-3 count the women): read from a recount of
    // the parent, whose ballots are locked since its certification, so it
    // is the certified count. Only when someone was written in.
    let written_in = result["contests"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| {
            c["further_election"]["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .chain(c["tie"].as_array().into_iter().flatten())
        })
        .filter_map(Value::as_str)
        .any(|id| id.starts_with(huanjie_core::counting::WRITE_IN_PREFIX));
    let genders: std::collections::HashMap<(String, String), huanjie_core::counting::Gender> =
        if written_in {
            crate::tally::result(store, parent)
                .await?
                .contests
                .iter()
                .flat_map(|c| {
                    c.tally
                        .iter()
                        .filter_map(|r| r.gender.map(|g| ((c.id.clone(), r.person.clone()), g)))
                })
                .collect()
        } else {
            std::collections::HashMap::new()
        };
    let mut contests = Vec::new();
    for c in result["contests"].as_array().into_iter().flatten() {
        let position = c["id"].as_str().unwrap_or("").to_owned();
        let count = |v: &Value| v.as_u64().unwrap_or(0);
        let (seats, ids): (u64, Vec<&str>) = if kind == "further" {
            let further = &c["further_election"];
            (
                count(&further["seats"]),
                further["candidates"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .collect(),
            )
        } else {
            let elected = c["elected"].as_array().map_or(0, Vec::len) as u64;
            let tie: Vec<&str> = c["tie"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let held = count(&c["seats"]).saturating_sub(elected + count(&c["unfilled"]));
            (if tie.is_empty() { 0 } else { held }, tie)
        };
        if seats == 0 || ids.is_empty() {
            continue;
        }
        let listed = people.iter().find(|p| p.id == position);
        let candidates = ids
            .iter()
            .map(|id| {
                let known = listed.and_then(|p| p.candidates.iter().find(|k| k.id == *id));
                match known {
                    Some(k) => RoundCandidate {
                        name: k.name.clone(),
                        gender: match k.gender {
                            huanjie_core::counting::Gender::Female => "F",
                            huanjie_core::counting::Gender::Male => "M",
                        }
                        .to_owned(),
                    },
                    // A written-in person: the name as counted and the
                    // gender the ballots gave (M when none said).
                    None => RoundCandidate {
                        name: id
                            .strip_prefix(huanjie_core::counting::WRITE_IN_PREFIX)
                            .unwrap_or(id)
                            .to_owned(),
                        gender: match genders.get(&(position.clone(), (*id).to_owned())) {
                            Some(huanjie_core::counting::Gender::Female) => "F",
                            _ => "M",
                        }
                        .to_owned(),
                    },
                }
            })
            .collect();
        contests.push(RoundContest {
            position,
            seats: u32::try_from(seats).unwrap_or(u32::MAX),
            candidates,
        });
    }
    if contests.is_empty() {
        return Err(refuse(
            "nothing_to_hold",
            rule_id,
            if kind == "further" {
                "上一轮没有空缺的职位，无需另行选举".into()
            } else {
                "上一轮没有得票相等的情况，无需再次投票".into()
            },
            if kind == "further" {
                "no seat of the round before is unfilled: there is no further election to hold"
                    .into()
            } else {
                "no one tied in the round before: there is no tie-break to hold".into()
            },
        ));
    }
    let new = NewRound {
        kind: kind.to_owned(),
        title: format!("{}（{suffix}）", parent.title),
        election_day: day,
        seats: contests
            .iter()
            .map(|c| PositionSeats {
                position: c.position.clone(),
                seats: c.seats,
            })
            .collect(),
        contests: serde_json::to_string(&contests).map_err(|e| HttpError::Internal(e.into()))?,
        purpose: "round".to_owned(),
    };
    Ok(store.create_round(parent.id, &new, now).await?)
}
