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
//!
//! R-CNT-8 (the profile's `further_keeps_womens_line`): while no woman has
//! been elected in any round of the chain, the further election keeps a
//! women's line (`huanjie_core::counting::further::plan`): only women
//! stand on it (a man written in on it is left off), their genders as the
//! ballots gave them. And after a further election with enough members
//! elected (`seats_may_stay_empty_from`) the remaining seats may stay
//! empty: [`completion`] says where the chain stands, for the outcome
//! page and `GET …/rounds`.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::counting::further::{self, ChainRound, Completion, FurtherPlan};
use huanjie_core::counting::{ContestResult, Gender, RoundKind, RoundResult, WRITE_IN_PREFIX};
use huanjie_core::rule;
use huanjie_store::{Election, NewRound, PositionSeats, Store};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::error::{HttpError, Message, RuleRefusal};
use crate::i18n::{fill, Lang, Texts};
use crate::tally::{RoundCandidate, RoundContest};

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

/// A later round just created, and for a further election what R-CNT-8's
/// women's line came to (the committee is told when none could be kept).
#[derive(Debug, Clone)]
pub struct Created {
    pub election: Election,
    pub plan: Option<FurtherPlan>,
}

/// Creates the later round of `parent` the request asks for.
pub async fn create(
    store: &dyn Store,
    parent: &Election,
    request: &RoundRequest,
    now: DateTime<Utc>,
) -> Result<Created, HttpError> {
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
    // R-CNT-7: the same day or within the profile's days (30; BJ-2012: 15).
    let within = crate::registration::profile(parent)?
        .counting
        .further_election_within_days;
    let last = parent.election_day + chrono::Days::new(u64::from(within));
    if day < parent.election_day || day > last {
        return Err(refuse(
            "round_day",
            rule::CNT_7,
            format!(
                "另行选举应在当日或{within}日内举行（{} 至 {last}）",
                parent.election_day
            ),
            format!(
                "a further round is held the same day or within {within} days ({} to {last})",
                parent.election_day
            ),
        ));
    }
    let certified = crate::documents::certified(store, parent).await?;
    let document = &certified.document["result"];
    if document["valid"].as_bool() != Some(true) {
        return Err(refuse(
            "round_void",
            rule::CNT_3,
            "上一轮选举无效：应重新选举，而不是另行选举或再次投票".into(),
            "the round before is void: it is held again, not continued".into(),
        ));
    }
    let result = certified_count(store, parent, document).await?;
    let mut plan = None;
    let contests: Vec<RoundContest> = if kind == "further" {
        let further = plan_further(store, parent, &result).await?;
        let contests = further
            .contests
            .iter()
            .filter_map(|c| {
                let source = result.contests.iter().find(|s| s.id == c.from)?;
                round_contest(&c.id, c.seats, source, &c.candidates)
            })
            .collect();
        plan = Some(further);
        contests
    } else {
        result
            .contests
            .iter()
            .filter(|c| !c.tie.is_empty())
            .filter_map(|c| {
                // The seats the tie holds (R-CNT-6).
                let elected = u32::try_from(c.elected.len()).unwrap_or(u32::MAX);
                let held = c.seats.saturating_sub(elected.saturating_add(c.unfilled));
                round_contest(&c.id, held, c, &c.tie)
            })
            .collect()
    };
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
    Ok(Created {
        election: store.create_round(parent.id, &new, now).await?,
        plan,
    })
}

/// The certified count of `round` with each person's gender, which the
/// certified document does not carry (a written-in person's is what the
/// ballots that named them said; R-CNT-8 and R-BODY-3 count the women):
/// recounted from its ballots, locked since certification, and checked
/// against the certified `document` so that nothing is planned from
/// figures other than the certified ones.
async fn certified_count(
    store: &dyn Store,
    round: &Election,
    document: &Value,
) -> Result<RoundResult, HttpError> {
    let result = crate::tally::result(store, round).await?;
    let recounted = serde_json::to_value(&result).map_err(|e| HttpError::Internal(e.into()))?;
    if recounted != *document {
        return Err(HttpError::Internal(anyhow::anyhow!(
            "round {}: the recount of its locked ballots differs from its certified result",
            round.id
        )));
    }
    Ok(result)
}

/// R-CNT-7/8: the further election after `parent`'s certified `result`,
/// given the women elected in the other certified rounds of its chain.
pub async fn plan_further(
    store: &dyn Store,
    parent: &Election,
    result: &RoundResult,
) -> Result<FurtherPlan, HttpError> {
    let rules = crate::registration::profile(parent)?.counting;
    let mut women_before = 0u64;
    let (general, later) = chain(store, parent).await?;
    for round in std::iter::once(&general).chain(&later) {
        if round.id == parent.id {
            continue;
        }
        if let Some(other) = certified_result(store, round).await? {
            women_before =
                women_before.saturating_add(other["women_elected"].as_u64().unwrap_or(0));
        }
    }
    Ok(further::plan(result, women_before, &rules))
}

/// One contest of a later round: `ids` (people of `source`'s tally) with
/// the names and genders the count gave them; `None` when there is
/// nothing to hold.
fn round_contest(
    position: &str,
    seats: u32,
    source: &ContestResult,
    ids: &[String],
) -> Option<RoundContest> {
    if seats == 0 || ids.is_empty() {
        return None;
    }
    let candidates = ids
        .iter()
        .map(|id| {
            let row = source.tally.iter().find(|r| &r.person == id);
            RoundCandidate {
                // A written-in person's name as counted.
                name: row.map_or_else(
                    || id.strip_prefix(WRITE_IN_PREFIX).unwrap_or(id).to_owned(),
                    |r| r.name.clone(),
                ),
                // M when the ballots did not say.
                gender: match row.and_then(|r| r.gender) {
                    Some(Gender::Female) => "F",
                    _ => "M",
                }
                .to_owned(),
            }
        })
        .collect();
    Some(RoundContest {
        position: position.to_owned(),
        seats,
        candidates,
    })
}

/// The certified result (`huanjie.result/1`) of `round`, if certified.
async fn certified_result(store: &dyn Store, round: &Election) -> Result<Option<Value>, HttpError> {
    let code = round.round.as_ref().map_or("general", |r| r.kind.as_str());
    let Some(c) = store
        .certifications(round.id)
        .await?
        .into_iter()
        .find(|c| c.round == code)
    else {
        return Ok(None);
    };
    let mut document: Value =
        serde_json::from_str(&c.document).map_err(|e| HttpError::Internal(e.into()))?;
    Ok(Some(document["result"].take()))
}

/// The chain `election` belongs to: its general round and every later
/// round of it (further elections and tie-breaks, rounds of rounds; not
/// the term's recall votes and by-elections), oldest first.
pub async fn chain(
    store: &dyn Store,
    election: &Election,
) -> Result<(Election, Vec<Election>), HttpError> {
    let general = crate::tally::general_round(store, election).await?;
    let all = store.list_elections().await?;
    let mut family = vec![general.id];
    let mut later: Vec<Election> = Vec::new();
    // Rounds of rounds: walk down as far as they go.
    loop {
        let next: Vec<Election> = all
            .iter()
            .filter(|e| {
                e.round
                    .as_ref()
                    .is_some_and(|r| r.purpose == "round" && family.contains(&r.parent))
                    && !family.contains(&e.id)
            })
            .cloned()
            .collect();
        if next.is_empty() {
            break;
        }
        family.extend(next.iter().map(|e| e.id));
        later.extend(next);
    }
    later.sort_by_key(|e| (e.round.as_ref().map_or(0, |r| r.number), e.created_at));
    Ok((general, later))
}

/// A certified round as [`further::completion`] reads it, from its
/// certified result.
fn chain_round(result: &Value) -> ChainRound {
    let count = |v: &Value| u32::try_from(v.as_u64().unwrap_or(0)).unwrap_or(u32::MAX);
    let len = |v: &Value| u32::try_from(v.as_array().map_or(0, Vec::len)).unwrap_or(u32::MAX);
    let mut round = ChainRound {
        kind: result["round"]
            .as_str()
            .and_then(RoundKind::parse)
            .unwrap_or(RoundKind::General),
        valid: result["valid"].as_bool() == Some(true),
        seats: 0,
        elected: 0,
        tied: 0,
    };
    for c in result["contests"].as_array().into_iter().flatten() {
        let (seats, elected) = (count(&c["seats"]), len(&c["elected"]));
        round.seats = round.seats.saturating_add(seats);
        round.elected = round.elected.saturating_add(elected);
        if len(&c["tie"]) > 0 {
            let held = seats.saturating_sub(elected.saturating_add(count(&c["unfilled"])));
            round.tied = round.tied.saturating_add(held);
        }
    }
    round
}

/// Where the chain of `election` stands after its certified rounds
/// (R-CNT-6/7/8); `None` before its general round is certified, and for
/// a vote of the term (a recall vote or by-election is no round of it).
pub async fn completion(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<Completion>, HttpError> {
    if election
        .round
        .as_ref()
        .is_some_and(|r| r.purpose != "round")
    {
        return Ok(None);
    }
    let (general, later) = chain(store, election).await?;
    let Some(first) = certified_result(store, &general).await? else {
        return Ok(None);
    };
    let mut rounds = Vec::new();
    for round in &later {
        if let Some(result) = certified_result(store, round).await? {
            rounds.push(chain_round(&result));
        }
    }
    let rules = crate::registration::profile(&general)?.counting;
    Ok(Some(further::completion(
        chain_round(&first),
        &rounds,
        &rules,
    )))
}

/// The status in words, with its rule id.
pub fn completion_words(c: &Completion, t: &Texts) -> String {
    let n = |v: &u32| v.to_string();
    let text = match c {
        Completion::Complete { seats, elected } => {
            fill(t.oc_chain_complete, &[&n(seats), &n(elected)])
        }
        Completion::Void { .. } => t.oc_chain_void.to_owned(),
        Completion::TieBreakPending {
            elected,
            tied,
            empty,
            ..
        } => fill(t.oc_chain_tie, &[&n(elected), &n(tied), &n(empty)]),
        Completion::FurtherRequired { elected, empty, .. } => {
            fill(t.oc_chain_further_required, &[&n(elected), &n(empty)])
        }
        Completion::MayStayEmpty {
            elected,
            empty,
            may_stay_empty_from,
            ..
        } => fill(
            t.oc_chain_may_stay_empty,
            &[&n(elected), &n(may_stay_empty_from), &n(empty)],
        ),
    };
    format!("{text}（{}）", c.rule())
}

/// The status as the API gives it: the core's figures, the rule, whether
/// another further election is allowed or required, and the words.
pub fn completion_json(c: &Completion) -> Value {
    let mut out = serde_json::to_value(c).unwrap_or(Value::Null);
    if let Some(o) = out.as_object_mut() {
        o.insert("rule".into(), Value::from(c.rule()));
        o.insert("further_allowed".into(), Value::from(c.further_allowed()));
        o.insert("further_required".into(), Value::from(c.further_required()));
        o.insert(
            "zh".into(),
            Value::from(completion_words(c, Lang::Zh.texts())),
        );
        o.insert(
            "en".into(),
            Value::from(completion_words(c, Lang::En.texts())),
        );
    }
    out
}

/// R-CNT-8's notes on a plan, as the API gives them.
pub fn plan_json(plan: &FurtherPlan) -> Value {
    json!({
        "womens_line": plan.womens_line,
        "notes": plan.notes.iter().map(|n| json!({
            "rule": n.rule(),
            "note": n,
            "zh": n.message_zh(),
            "en": n.message_en(),
        })).collect::<Vec<_>>(),
    })
}
