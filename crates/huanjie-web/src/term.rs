//! During the term (issue 7, item 5): who sits on the committee, recall
//! (罢免, R-CERT-4), resignation (R-CERT-5, decided by the meeting under
//! R-OWN-2) and by-election (补选, R-CERT-5).
//!
//! The term belongs to the general round. Its members are read from the
//! certified results (the general round, its further elections and
//! tie-breaks, and every certified by-election), less those recalled or
//! whose resignation was accepted; nothing is kept as a running list that
//! could drift from the signed documents.
//!
//! A recall vote and a by-election are votes of their own, held like a
//! round (`RoundOf::purpose`): the term's voter list, its stations, their
//! own ballots, scans, count and certification. A recall vote's ballot
//! has one row, the member, and "for" is for the recall; whether it passed
//! is decided by the rules core (`huanjie_core::term::recall_outcome`) from
//! the certified figures: registered, voted and the votes for.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::rule;
use huanjie_core::term::{self, Initiation};
use huanjie_store::{Election, NewRound, NewTermEvent, PositionSeats, Store, TermEvent, TermStep};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::{HttpError, Message, RuleRefusal};
use crate::tally::{position_label, RoundCandidate, RoundContest};

fn refuse(code: &'static str, rule: &'static str, zh: String, en: String) -> HttpError {
    RuleRefusal::new(code, rule, zh, en).conflict().into()
}

fn unfit(code: &'static str, rule: &'static str, zh: String, en: String) -> HttpError {
    RuleRefusal::new(code, rule, zh, en).into()
}

fn bad(code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::BadRequest(Message { code, zh, en })
}

fn json_text(v: &Value) -> Result<String, HttpError> {
    serde_json::to_string(v).map_err(|e| HttpError::Internal(e.into()))
}

/// A member of the committee in office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Member {
    pub position: String,
    pub position_label: String,
    pub name: String,
    /// The vote that elected them (the round's or by-election's title).
    pub elected_in: String,
}

/// The committee during its term: who sits, the seats empty per
/// position, and everything recorded.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    pub members: Vec<Member>,
    /// Position → seats without a member.
    pub vacancies: Vec<(String, u32)>,
    pub events: Vec<Value>,
}

/// The term's general round; a later round, recall vote or by-election
/// is refused (the term is addressed by its general round).
fn require_general(election: &Election) -> Result<(), HttpError> {
    if election.round.is_some() {
        return Err(refuse(
            "not_the_term",
            rule::CERT_5,
            "请在本届选举（第一轮）的页面上办理罢免、辞职和补选".into(),
            "recalls, resignations and by-elections are recorded on the term's general round"
                .into(),
        ));
    }
    Ok(())
}

/// The elected people of a certified round: (position, name).
fn elected(document: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for c in document["result"]["contests"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let position = c["id"].as_str().unwrap_or_default();
        for id in c["elected"].as_array().into_iter().flatten() {
            let name = c["tally"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|t| t["person"] == *id)
                .and_then(|t| t["name"].as_str())
                .or_else(|| id.as_str())
                .unwrap_or_default();
            out.push((position.to_owned(), name.to_owned()));
        }
    }
    out
}

/// Every election whose parent is `term` (rounds, recall votes,
/// by-elections), oldest first, and those of its rounds.
async fn votes_of(store: &dyn Store, term: &Election) -> Result<Vec<Election>, HttpError> {
    let all = store.list_elections().await?;
    let mut family = vec![term.id];
    let mut out = Vec::new();
    // Rounds of rounds: walk down as far as they go (a few levels).
    for _ in 0..8 {
        let next: Vec<Election> = all
            .iter()
            .filter(|e| {
                e.round.as_ref().is_some_and(|r| family.contains(&r.parent))
                    && !out.iter().any(|o: &Election| o.id == e.id)
            })
            .cloned()
            .collect();
        if next.is_empty() {
            break;
        }
        family.extend(next.iter().map(|e| e.id));
        out.extend(next);
    }
    out.sort_by_key(|e| (e.created_at, e.round.as_ref().map_or(0, |r| r.number)));
    Ok(out)
}

async fn certified_document(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<Value>, HttpError> {
    match crate::documents::certified(store, election).await {
        Ok(c) => Ok(Some(c.document)),
        Err(HttpError::Rule(r)) if r.code == "not_certified" => Ok(None),
        Err(e) => Err(e),
    }
}

/// One event as the API shows it (its JSON fields parsed).
pub fn event_json(e: &TermEvent) -> Value {
    let parse = |s: &Option<String>| {
        s.as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
            .unwrap_or(Value::Null)
    };
    json!({
        "number": e.number,
        "kind": e.kind,
        "position": e.position,
        "position_label": position_label(&e.position),
        "member": e.member,
        "request": serde_json::from_str::<Value>(&e.request).unwrap_or(Value::Null),
        "answer": parse(&e.answer),
        "vote_id": e.vote_id,
        "outcome": parse(&e.outcome),
        "state": e.state,
        "created_by": e.created_by,
        "created_at": e.created_at,
        "updated_by": e.updated_by,
        "updated_at": e.updated_at,
    })
}

/// The committee in office now.
pub async fn term(store: &dyn Store, election: &Election) -> Result<Term, HttpError> {
    require_general(election)?;
    let mut members = Vec::new();
    let Some(general) = certified_document(store, election).await? else {
        return Err(crate::documents::not_certified());
    };
    for (position, name) in elected(&general) {
        members.push(Member {
            position_label: position_label(&position),
            position,
            name,
            elected_in: election.title.clone(),
        });
    }
    for vote in votes_of(store, election).await? {
        let purpose = vote.round.as_ref().map_or("round", |r| r.purpose.as_str());
        if purpose == "recall" {
            continue;
        }
        if let Some(doc) = certified_document(store, &vote).await? {
            for (position, name) in elected(&doc) {
                members.push(Member {
                    position_label: position_label(&position),
                    position,
                    name,
                    elected_in: vote.title.clone(),
                });
            }
        }
    }
    let events = store.term_events(election.id).await?;
    for e in &events {
        let gone = (e.kind == "recall" && e.state == "recalled")
            || (e.kind == "resignation" && e.state == "accepted");
        if gone {
            if let Some(i) = members
                .iter()
                .position(|m| m.position == e.position && m.name == e.member)
            {
                members.remove(i);
            }
        }
    }
    let sitting_as = |position: &str| {
        let n = members.iter().filter(|m| m.position == position).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    };
    // R-CNT-8: a further election may make one of the members' seats a
    // women's line; whoever it elects beyond the general round's
    // women's-member seats sits in a members' seat.
    let women_seats = election
        .seats
        .iter()
        .find(|s| s.position == "women_member")
        .map_or(0, |s| s.seats);
    let on_members_seats = sitting_as("women_member").saturating_sub(women_seats);
    let vacancies = election
        .seats
        .iter()
        .map(|s| {
            let mut sitting = sitting_as(&s.position);
            if s.position == "member" {
                sitting = sitting.saturating_add(on_members_seats);
            }
            (s.position.clone(), s.seats.saturating_sub(sitting))
        })
        .collect();
    Ok(Term {
        members,
        vacancies,
        events: events.iter().map(event_json).collect(),
    })
}

fn find_member<'a>(t: &'a Term, position: &str, member: &str) -> Result<&'a Member, HttpError> {
    t.members
        .iter()
        .find(|m| m.position == position && m.name == member)
        .ok_or_else(|| {
            unfit(
                "not_a_member",
                rule::CERT_4,
                format!("{member}不是本届{}的在任成员", position_label(position)),
                format!("{member} is not a sitting {position} of this term"),
            )
        })
}

fn profile_terms(election: &Election) -> Result<term::TermRules, HttpError> {
    Ok(crate::registration::profile(election)?.term)
}

#[derive(Debug, Clone, Deserialize)]
pub struct RecallRequest {
    pub position: String,
    pub member: String,
    /// `voters` or `representatives`.
    pub initiated_by: String,
    pub signatures: u64,
    /// All representatives, when they ask (the base of a share).
    #[serde(default)]
    pub representatives: Option<u64>,
    pub reasons: String,
    #[serde(default)]
    pub lodged_on: Option<NaiveDate>,
}

/// Records a recall request (R-CERT-4) once the rules core accepts it.
pub async fn request_recall(
    store: &dyn Store,
    election: &Election,
    request: &RecallRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TermEvent, HttpError> {
    let t = term(store, election).await?;
    find_member(&t, &request.position, &request.member)?;
    let open = store.term_events(election.id).await?.into_iter().any(|e| {
        e.kind == "recall"
            && e.member == request.member
            && e.position == request.position
            && matches!(e.state.as_str(), "requested" | "voting")
    });
    if open {
        return Err(refuse(
            "recall_open",
            rule::CERT_4,
            format!("对{}的罢免要求正在办理中", request.member),
            format!("a recall of {} is already under way", request.member),
        ));
    }
    let registered = store
        .registration_state(election.id)
        .await?
        .publication
        .map_or(0, |p| p.registered);
    let initiation = match request.initiated_by.trim() {
        "voters" => Initiation::Voters {
            signatures: request.signatures,
            registered,
        },
        "representatives" => Initiation::Representatives {
            signatures: request.signatures,
            representatives: request.representatives.ok_or_else(|| {
                bad(
                    "representatives",
                    "由代表提出罢免的，应填写代表总数（representatives）".into(),
                    "representatives: give the number of all representatives".into(),
                )
            })?,
        },
        _ => {
            return Err(bad(
                "initiated_by",
                "提出人（initiated_by）应为 voters（选民联名）或 representatives（代表联名）"
                    .into(),
                "initiated_by: must be voters or representatives".into(),
            ))
        }
    };
    term::check_recall_request(&profile_terms(election)?, initiation, &request.reasons).map_err(
        |e| {
            let zh = match &e {
                term::TermError::NoReasons { .. } => "罢免要求应当书面提出并写明理由".to_owned(),
                term::TermError::TooFewSignatures {
                    signatures, base, ..
                } => format!(
                    "联名人数不足：{signatures}人（共{base}人），不够提出罢免要求的法定人数"
                ),
                term::TermError::MoreSignaturesThanSigners {
                    signatures, base, ..
                } => format!("联名人数{signatures}超过可联名的总人数{base}"),
                term::TermError::Figures { what, .. } => what.clone(),
            };
            unfit("recall_request", e.rule(), zh, e.to_string())
        },
    )?;
    let stored = json!({
        "initiated_by": request.initiated_by.trim(),
        "signatures": request.signatures,
        "base": match initiation {
            Initiation::Voters { registered, .. } => registered,
            Initiation::Representatives { representatives, .. } => representatives,
        },
        "reasons": request.reasons.trim(),
        "lodged_on": request.lodged_on,
    });
    Ok(store
        .add_term_event(
            election.id,
            &NewTermEvent {
                kind: "recall".into(),
                position: request.position.clone(),
                member: request.member.clone(),
                request: json_text(&stored)?,
                state: "requested".into(),
            },
            by,
            now,
        )
        .await?)
}

async fn event(
    store: &dyn Store,
    election: &Election,
    number: u32,
) -> Result<TermEvent, HttpError> {
    store
        .term_events(election.id)
        .await?
        .into_iter()
        .find(|e| e.number == number)
        .ok_or(HttpError::NotFound)
}

/// The member's answer to a recall request (申辩), recorded once, before
/// the vote.
pub async fn answer_recall(
    store: &dyn Store,
    election: &Election,
    number: u32,
    text: &str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TermEvent, HttpError> {
    require_general(election)?;
    let text = crate::registration::required("text", "申辩意见", text)?;
    let e = event(store, election, number).await?;
    if e.kind != "recall" || e.state != "requested" || e.answer.is_some() {
        return Err(refuse(
            "answer_closed",
            rule::CERT_4,
            "只能在罢免表决前答复一次".into(),
            "the member answers once, before the vote".into(),
        ));
    }
    let step = TermStep {
        expect: "requested".into(),
        state: "requested".into(),
        answer: Some(json_text(&json!({ "text": text }))?),
        outcome: None,
    };
    Ok(store
        .step_term_event(election.id, number, &step, by, now)
        .await?)
}

/// Puts a recall to the vote: a vote of its own with one row, the member.
pub async fn start_recall_vote(
    store: &dyn Store,
    election: &Election,
    number: u32,
    day: NaiveDate,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(TermEvent, Election), HttpError> {
    require_general(election)?;
    let e = event(store, election, number).await?;
    if e.kind != "recall" || e.state != "requested" {
        return Err(refuse(
            "not_requested",
            rule::CERT_4,
            "该罢免要求不在待表决状态".into(),
            "this recall is not waiting for its vote".into(),
        ));
    }
    if day <= election.election_day {
        return Err(bad(
            "election_day",
            "罢免表决日（election_day）应在选举日之后".into(),
            "election_day: a recall vote is held after the election".into(),
        ));
    }
    let contests = vec![RoundContest {
        position: e.position.clone(),
        seats: 1,
        candidates: vec![RoundCandidate {
            name: e.member.clone(),
            gender: "M".into(),
        }],
    }];
    let vote = NewRound {
        kind: "general".into(),
        title: format!("{}（罢免{}表决）", election.title, e.member),
        election_day: day,
        seats: vec![PositionSeats {
            position: e.position.clone(),
            seats: 1,
        }],
        contests: serde_json::to_string(&contests).map_err(|e| HttpError::Internal(e.into()))?,
        purpose: "recall".into(),
    };
    let step = TermStep {
        expect: "requested".into(),
        state: "voting".into(),
        answer: None,
        outcome: None,
    };
    Ok(store
        .start_term_vote(election.id, number, &vote, &step, by, now)
        .await?)
}

/// Decides a recall from its certified vote (R-CERT-4).
pub async fn decide_recall(
    store: &dyn Store,
    election: &Election,
    number: u32,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TermEvent, HttpError> {
    require_general(election)?;
    let e = event(store, election, number).await?;
    let vote_id = match (&*e.kind, &*e.state, e.vote_id) {
        ("recall", "voting", Some(id)) => id,
        _ => {
            return Err(refuse(
                "not_voting",
                rule::CERT_4,
                "该罢免要求尚未付诸表决，或已有结果".into(),
                "this recall has not been put to the vote, or is decided already".into(),
            ))
        }
    };
    let vote = store
        .get_election(vote_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let doc = crate::documents::certified(store, &vote).await?.document;
    let result = &doc["result"];
    let whole = |v: &Value| v.as_u64().unwrap_or(0);
    let registered = whole(&result["registered"]);
    let voted = whole(&result["voted"]);
    let in_favour = result["contests"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|c| c["tally"].as_array().into_iter().flatten())
        .find(|t| t["name"].as_str() == Some(e.member.as_str()))
        .map_or(0, |t| whole(&t["for"]));
    let outcome = term::recall_outcome(&profile_terms(election)?, registered, voted, in_favour)
        .map_err(|err| {
            unfit(
                "recall_figures",
                err.rule(),
                err.to_string(),
                err.to_string(),
            )
        })?;
    let step = TermStep {
        expect: "voting".into(),
        state: if outcome.passed {
            "recalled"
        } else {
            "retained"
        }
        .into(),
        answer: None,
        outcome: Some(json_text(&json!({
            "registered": registered,
            "voted": voted,
            "in_favour": in_favour,
            "turnout_met": outcome.turnout_met,
            "approved": outcome.approved,
            "passed": outcome.passed,
            "rule": rule::CERT_4,
        }))?),
    };
    Ok(store
        .step_term_event(election.id, number, &step, by, now)
        .await?)
}

#[derive(Debug, Clone, Deserialize)]
pub struct Meeting {
    /// All members of the (representatives') meeting.
    pub members: u64,
    pub present: u64,
    pub in_favour: u64,
    #[serde(default)]
    pub held_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ResignationRequest {
    pub position: String,
    pub member: String,
    /// The written resignation's date (R-CERT-5: in writing).
    pub written_on: NaiveDate,
    #[serde(default)]
    pub reason: String,
    /// The meeting that decided it.
    pub meeting: Meeting,
}

/// Records a written resignation and the meeting's decision on it
/// (R-CERT-5, R-OWN-2): accepted (the seat is vacant) or refused.
pub async fn resign(
    store: &dyn Store,
    election: &Election,
    request: &ResignationRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TermEvent, HttpError> {
    let t = term(store, election).await?;
    find_member(&t, &request.position, &request.member)?;
    let m = &request.meeting;
    let decided =
        term::meeting_decision(&profile_terms(election)?, m.members, m.present, m.in_favour)
            .map_err(|err| {
                bad(
                    "meeting",
                    format!("会议人数（meeting）有误：{err}"),
                    format!("meeting: {err}"),
                )
            })?;
    if !decided.quorum {
        return Err(unfit(
            "meeting_quorum",
            rule::OWN_2,
            format!(
                "会议应有三分之二以上的组成人员出席：{}人中出席{}人，决定无效",
                m.members, m.present
            ),
            format!(
                "the meeting needs two thirds of its members present: {} of {}; no decision",
                m.present, m.members
            ),
        ));
    }
    let request_json = json!({
        "written_on": request.written_on,
        "reason": request.reason.trim(),
        "meeting": { "members": m.members, "present": m.present, "in_favour": m.in_favour, "held_on": m.held_on },
    });
    let outcome = json!({
        "quorum": decided.quorum,
        "carried": decided.carried,
        "rule": rule::OWN_2,
    });
    let stored = store
        .add_term_event(
            election.id,
            &NewTermEvent {
                kind: "resignation".into(),
                position: request.position.clone(),
                member: request.member.clone(),
                request: json_text(&request_json)?,
                state: "requested".into(),
            },
            by,
            now,
        )
        .await?;
    let step = TermStep {
        expect: "requested".into(),
        state: if decided.carried {
            "accepted"
        } else {
            "refused"
        }
        .into(),
        answer: None,
        outcome: Some(json_text(&outcome)?),
    };
    Ok(store
        .step_term_event(election.id, stored.number, &step, by, now)
        .await?)
}

#[derive(Debug, Clone, Deserialize)]
pub struct ByElectionRequest {
    pub position: String,
    pub election_day: NaiveDate,
    /// The candidates, in the order printed (`gender`: `M` or `F`).
    pub candidates: Vec<RoundCandidate>,
}

/// Calls a by-election for the vacant seats of one position (R-CERT-5):
/// a vote of its own, for the rest of the term.
pub async fn call_by_election(
    store: &dyn Store,
    election: &Election,
    request: &ByElectionRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<(TermEvent, Election), HttpError> {
    let t = term(store, election).await?;
    let vacant = t
        .vacancies
        .iter()
        .find(|(p, _)| *p == request.position)
        .map_or(0, |(_, n)| *n);
    if vacant == 0 {
        return Err(refuse(
            "no_vacancy",
            rule::CERT_5,
            format!("{}没有空缺，无需补选", position_label(&request.position)),
            format!(
                "no {} seat is vacant: there is nothing to fill",
                request.position
            ),
        ));
    }
    let open =
        store.term_events(election.id).await?.into_iter().any(|e| {
            e.kind == "by-election" && e.position == request.position && e.state == "voting"
        });
    if open {
        return Err(refuse(
            "by_election_open",
            rule::CERT_5,
            "该职务的补选正在进行".into(),
            "a by-election for this position is already under way".into(),
        ));
    }
    if request.election_day <= election.election_day {
        return Err(bad(
            "election_day",
            "补选日（election_day）应在选举日之后".into(),
            "election_day: a by-election is held after the election".into(),
        ));
    }
    let mut names = std::collections::HashSet::new();
    for (i, c) in request.candidates.iter().enumerate() {
        let name = c.name.trim();
        if name.is_empty() || !matches!(c.gender.as_str(), "M" | "F") {
            return Err(bad(
                "candidates",
                format!("候选人（candidates[{i}]）：应有姓名和性别（M 或 F）"),
                format!("candidates[{i}]: needs a name and a gender (M or F)"),
            ));
        }
        if !names.insert(name.to_owned()) {
            return Err(bad(
                "candidates",
                format!("候选人（candidates[{i}]）：{name}重复"),
                format!("candidates[{i}]: {name} is listed twice"),
            ));
        }
        if t.members.iter().any(|m| m.name == name) {
            return Err(unfit(
                "candidate_sits",
                rule::CERT_5,
                format!("{name}已是本届成员，不能作为补选候选人"),
                format!("{name} already sits on the committee"),
            ));
        }
    }
    if request.candidates.len() < vacant as usize {
        return Err(unfit(
            "too_few_candidates",
            rule::CERT_5,
            format!("补选{vacant}名，候选人不得少于应选名额"),
            format!("{vacant} seats to fill: at least as many candidates are needed"),
        ));
    }
    let contests = vec![RoundContest {
        position: request.position.clone(),
        seats: vacant,
        candidates: request
            .candidates
            .iter()
            .map(|c| RoundCandidate {
                name: c.name.trim().to_owned(),
                gender: c.gender.clone(),
            })
            .collect(),
    }];
    let recorded = store
        .add_term_event(
            election.id,
            &NewTermEvent {
                kind: "by-election".into(),
                position: request.position.clone(),
                member: String::new(),
                request: json_text(
                    &json!({ "seats": vacant, "election_day": request.election_day }),
                )?,
                state: "requested".into(),
            },
            by,
            now,
        )
        .await?;
    let vote = NewRound {
        kind: "general".into(),
        title: format!(
            "{}（{}补选）",
            election.title,
            position_label(&request.position)
        ),
        election_day: request.election_day,
        seats: vec![PositionSeats {
            position: request.position.clone(),
            seats: vacant,
        }],
        contests: serde_json::to_string(&contests).map_err(|e| HttpError::Internal(e.into()))?,
        purpose: "by-election".into(),
    };
    let step = TermStep {
        expect: "requested".into(),
        state: "voting".into(),
        answer: None,
        outcome: None,
    };
    Ok(store
        .start_term_vote(election.id, recorded.number, &vote, &step, by, now)
        .await?)
}

/// Closes a by-election once its vote is certified: who was elected is in
/// the term from then on (read from the certified result).
pub async fn close_by_election(
    store: &dyn Store,
    election: &Election,
    number: u32,
    by: &str,
    now: DateTime<Utc>,
) -> Result<TermEvent, HttpError> {
    require_general(election)?;
    let e = event(store, election, number).await?;
    let vote_id = match (&*e.kind, &*e.state, e.vote_id) {
        ("by-election", "voting", Some(id)) => id,
        _ => {
            return Err(refuse(
                "not_voting",
                rule::CERT_5,
                "该补选不在进行中".into(),
                "this by-election is not under way".into(),
            ))
        }
    };
    let vote = store
        .get_election(vote_id)
        .await?
        .ok_or(HttpError::NotFound)?;
    let doc = crate::documents::certified(store, &vote).await?.document;
    let names: Vec<String> = elected(&doc).into_iter().map(|(_, n)| n).collect();
    let step = TermStep {
        expect: "voting".into(),
        state: "held".into(),
        answer: None,
        outcome: Some(json_text(&json!({
            "valid": doc["result"]["valid"],
            "elected": names,
            "rule": rule::CERT_5,
        }))?),
    };
    Ok(store
        .step_term_event(election.id, number, &step, by, now)
        .await?)
}

/// The JSON of a term for the API.
pub fn term_json(t: &Term) -> Value {
    json!({
        "members": t.members,
        "vacancies": t.vacancies.iter().map(|(p, n)| json!({
            "position": p, "position_label": position_label(p), "seats": n,
        })).collect::<Vec<_>>(),
        "events": t.events,
    })
}
