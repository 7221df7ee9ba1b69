//! The count of an election's stored ballots, by the rules core
//! (`huanjie_core::counting`), the same counter `huanjie count` runs on a
//! counting case: no running totals kept beside the scans, so nothing can
//! drift from them.
//!
//! The round is built from what is stored: one contest per position in
//! seat order, its standing formal candidates in ballot order (surname
//! strokes, as printed: R-NOM-5), candidate ids being their rows on the
//! ballot (`1`, `2` …, what a scan's marks name), and one station per
//! polling station with its ballots issued.

use std::collections::HashMap;

use huanjie_core::counting::{
    Ballot, BallotRules, Candidate, Contest, Counter, Gender, Mark, MarkEntry, Round, RoundKind,
    Station as RoundStation, WriteIn,
};
use huanjie_core::electorate::Electorate;
use huanjie_core::registration::mode::Mode;
use huanjie_core::seats::Seats;
use huanjie_store::{CandidateStatus, Election, Station, Store, StoreError};

use crate::error::HttpError;
use crate::polling::BallotMarks;

/// A round ready to count, and how a scan's names map into it.
#[derive(Debug, Clone)]
pub struct Tally {
    pub counter: Counter,
    stations: HashMap<String, usize>,
    contests: HashMap<String, usize>,
    /// Position code → its label (主任, 委员 …).
    pub labels: Vec<(String, String)>,
    pub rules: huanjie_core::profile::CountingRules,
}

fn internal(what: &str, e: impl std::fmt::Display) -> HttpError {
    HttpError::Internal(anyhow::anyhow!("{what}: {e}"))
}

/// The contests as the ballot prints them; `None` before the formal list
/// is fixed.
pub async fn contests(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<Vec<Contest>>, HttpError> {
    if let Some(round) = &election.round {
        return round_contests(round).map(Some);
    }
    let Some(list) = store.formal_list(election.id).await? else {
        return Ok(None);
    };
    let mut contests = Vec::with_capacity(election.seats.len());
    for s in &election.seats {
        let mut standing: Vec<(String, String)> = list
            .candidates
            .iter()
            .filter(|c| c.position == s.position && c.status == CandidateStatus::Formal)
            .map(|c| (c.name.clone(), c.gender.clone()))
            .collect();
        huanjie_print::sort_by_strokes(&mut standing, |c| c.0.as_str())
            .map_err(|e| crate::pdf::print_error(e, huanjie_core::rule::NOM_5))?;
        let seats = Seats::new(u64::from(s.seats)).map_err(|e| internal("seats", e))?;
        contests.push(Contest {
            id: s.position.clone(),
            title: position_label(&s.position),
            seats,
            candidates: standing
                .into_iter()
                .enumerate()
                .map(|(i, (name, gender))| Candidate {
                    id: (i + 1).to_string(),
                    name,
                    gender: if gender == "F" {
                        Gender::Female
                    } else {
                        Gender::Male
                    },
                })
                .collect(),
        });
    }
    Ok(Some(contests))
}

/// A later round's contests, as fixed when it was created (in the order
/// printed; ids are ballot rows).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RoundContest {
    pub position: String,
    pub seats: u32,
    pub candidates: Vec<RoundCandidate>,
}

#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct RoundCandidate {
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
}

pub fn round_contests(round: &huanjie_store::RoundOf) -> Result<Vec<Contest>, HttpError> {
    let parsed: Vec<RoundContest> =
        serde_json::from_str(&round.contests).map_err(|e| internal("round contests", e))?;
    parsed
        .into_iter()
        .map(|c| {
            Ok(Contest {
                title: position_label(&c.position),
                seats: Seats::new(u64::from(c.seats)).map_err(|e| internal("seats", e))?,
                candidates: c
                    .candidates
                    .into_iter()
                    .enumerate()
                    .map(|(i, k)| Candidate {
                        id: (i + 1).to_string(),
                        name: k.name,
                        gender: if k.gender == "F" {
                            Gender::Female
                        } else {
                            Gender::Male
                        },
                    })
                    .collect(),
                id: c.position,
            })
        })
        .collect()
}

/// The round kind an election counts as.
pub fn round_kind(election: &Election) -> RoundKind {
    election
        .round
        .as_ref()
        .and_then(|r| RoundKind::parse(&r.kind))
        .unwrap_or(RoundKind::General)
}

/// The general round a later round follows (itself for a general round):
/// its voter list and counting staff serve every round.
pub async fn general_round(store: &dyn Store, election: &Election) -> Result<Election, HttpError> {
    let mut current = election.clone();
    for _ in 0..8 {
        let Some(round) = &current.round else {
            return Ok(current);
        };
        current = store
            .get_election(round.parent)
            .await?
            .ok_or(HttpError::NotFound)?;
    }
    Err(internal("rounds", "too deep"))
}

/// Who votes in `election`'s rounds: the workers' congress for a board's
/// employee supervisors (R-SUP-1), the representatives' assembly when the
/// general round's list is the residents' representatives (R-REG-6,
/// R-CNT-3), the voters otherwise.
pub async fn electorate(store: &dyn Store, election: &Election) -> Result<Electorate, HttpError> {
    if election.body_kind == huanjie_store::BodyKind::SupervisoryBoard {
        return Ok(Electorate::WorkersCongress);
    }
    let general = general_round(store, election).await?;
    Ok(
        match store.registration_state(general.id).await?.setup.mode {
            Mode::ResidentsRepresentatives => Electorate::Representatives,
            Mode::Direct | Mode::HouseholdRepresentatives => Electorate::Voters,
        },
    )
}

/// 主任 for `director`, and so on; a position the core does not know
/// keeps its code.
pub fn position_label(code: &str) -> String {
    huanjie_core::nomination::Position::parse(code)
        .map_or_else(|| code.to_owned(), |p| p.zh().to_owned())
}

impl Tally {
    /// An empty count of the election's round over `stations`, by the
    /// profile's rules with `electorate`'s parameters (R-CNT-3, R-SUP-1).
    pub fn new(
        election: &Election,
        contests: Vec<Contest>,
        stations: &[Station],
        registered: u64,
        electorate: Electorate,
    ) -> Result<Tally, HttpError> {
        let profile = crate::registration::profile(election)?;
        let round_stations: Vec<RoundStation> = stations
            .iter()
            .map(|s| RoundStation {
                id: s.code.clone(),
                issued: s.issued,
            })
            .collect();
        let labels = contests
            .iter()
            .map(|c| (c.id.clone(), c.title.clone()))
            .collect();
        let round = Round::new(round_kind(election), registered, round_stations, contests)
            .map_err(|e| internal("round", e))?;
        let stations = stations
            .iter()
            .enumerate()
            .map(|(i, s)| (s.code.clone(), i))
            .collect();
        let contests = round
            .contests()
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i))
            .collect();
        let rules = electorate
            .rules(&profile)
            .map_err(|e| internal("electorate parameters", e))?;
        Ok(Tally {
            counter: Counter::new(round, Some(BallotRules::from(&rules))),
            stations,
            contests,
            labels,
            rules,
        })
    }

    /// Counts one stored ballot (its marks as stored: canonical
    /// [`BallotMarks`] JSON). A ballot the rules core cannot take is an
    /// error: stored marks were checked against the same ballot.
    pub fn add(
        &mut self,
        station: &str,
        marks: &str,
        ballot: &mut Ballot,
    ) -> Result<(), HttpError> {
        let parsed: BallotMarks =
            serde_json::from_str(marks).map_err(|e| internal("stored marks", e))?;
        ballot.clear();
        ballot.station = *self
            .stations
            .get(station)
            .ok_or_else(|| internal("stored scan", format!("unknown station {station}")))?;
        ballot.unreadable = parsed.unreadable;
        for (position, rows) in &parsed.marks {
            let contest = self.contest(position)?;
            for (row, choice) in rows {
                let candidate = row
                    .parse::<usize>()
                    .ok()
                    .and_then(|r| r.checked_sub(1))
                    .ok_or_else(|| internal("stored marks", format!("row {row}")))?;
                let mark = Mark::parse(choice)
                    .ok_or_else(|| internal("stored marks", format!("choice {choice}")))?;
                ballot.marks.push(MarkEntry {
                    contest,
                    candidate,
                    mark,
                });
            }
        }
        for (position, names) in &parsed.write_ins {
            let contest = self.contest(position)?;
            for w in names {
                ballot.write_ins.push(WriteIn {
                    contest,
                    name: w.name.clone(),
                    gender: w.gender.as_deref().and_then(Gender::parse),
                });
            }
        }
        self.counter
            .add(ballot)
            .map_err(|e| internal("counting a stored ballot", e))
    }

    fn contest(&self, position: &str) -> Result<usize, HttpError> {
        self.contests
            .get(position)
            .copied()
            .ok_or_else(|| internal("stored marks", format!("unknown position {position}")))
    }
}

/// Everything a final count needs, read and checked: every station
/// closed (R-CNT-1), no ballot waiting for a person (R-CNT-4), the voter
/// list published (its registered base, R-REG-4), the formal list fixed.
pub struct Final {
    pub tally: Tally,
    pub stations: Vec<Station>,
    pub registered: u64,
    pub scans: Vec<huanjie_store::CountedScan>,
    /// Who voted, and so the case's `parameters`.
    pub electorate: Electorate,
}

fn not_final(code: &'static str, rule: &'static str, zh: String, en: String) -> HttpError {
    crate::error::RuleRefusal::new(code, rule, zh, en)
        .conflict()
        .into()
}

/// Reads the election's stored ballots for a final count.
pub async fn final_count(store: &dyn Store, election: &Election) -> Result<Final, HttpError> {
    use huanjie_core::rule;
    let stations = store.list_stations(election.id).await?;
    if stations.is_empty() {
        return Err(not_final(
            "no_stations",
            rule::CNT_1,
            "本次选举还没有设立投票站，没有可计的票".into(),
            "this election has no polling station: nothing to count".into(),
        ));
    }
    if let Some(s) = stations
        .iter()
        .find(|s| s.polls != huanjie_core::polling::Polls::Closed)
    {
        return Err(not_final(
            "polls_not_closed",
            rule::CNT_1,
            format!("“{}”尚未结束投票：所有投票站结束投票后才能统计结果", s.name),
            format!(
                "{} has not closed its polls: the result is counted once every station has",
                s.name
            ),
        ));
    }
    let general = general_round(store, election).await?;
    let registered = store
        .registration_state(general.id)
        .await?
        .publication
        .map(|p| p.registered)
        .ok_or_else(|| {
            not_final(
                "voter_list_not_published",
                rule::REG_5,
                "选民名单尚未公布，没有登记选民数".into(),
                "the voter list is not published: there is no registered base".into(),
            )
        })?;
    let contests = contests(store, election).await?.ok_or_else(|| {
        StoreError::from(huanjie_store::NominationStateError::FormalListNotPublished)
    })?;
    let scans = store.counted_scans(election.id, &HashMap::new()).await?;
    let pending = scans.iter().filter(|s| s.marks.is_none()).count();
    if pending > 0 {
        return Err(not_final(
            "reviews_pending",
            rule::CNT_4,
            format!("还有{pending}张选票待人工裁定：裁定后才能统计结果"),
            format!("{pending} ballots are waiting for a person's decision: decide them first"),
        ));
    }
    let electorate = electorate(store, election).await?;
    let mut tally = Tally::new(election, contests, &stations, registered, electorate)?;
    let mut ballot = Ballot::default();
    for scan in &scans {
        if let Some(marks) = &scan.marks {
            tally.add(&scan.station, marks, &mut ballot)?;
        }
    }
    Ok(Final {
        tally,
        stations,
        registered,
        scans,
        electorate,
    })
}

/// The round's result, recounted from the stored ballots now.
pub async fn result(
    store: &dyn Store,
    election: &Election,
) -> Result<huanjie_core::counting::RoundResult, HttpError> {
    let f = final_count(store, election).await?;
    let rules = f.tally.rules.clone();
    f.tally
        .counter
        .finish(&rules)
        .map_err(|e| internal("finishing the count", e))
}

/// The round's counting case (`huanjie.case/1`, the open recount format):
/// the round as counted, and every ballot with its marks, ordered by a
/// keyed hash of its serial (`order_key`: the election's serial key),
/// which says nothing of when or in what order ballots were scanned.
pub async fn case_json(
    store: &dyn Store,
    election: &Election,
    order_key: &[u8],
) -> Result<String, HttpError> {
    let f = final_count(store, election).await?;
    let round = f.tally.counter.round();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, order_key);
    let mut ordered: Vec<([u8; 32], &huanjie_store::CountedScan)> = f
        .scans
        .iter()
        .map(|s| {
            let mut tag = [0u8; 32];
            let mut input = b"huanjie.case-order/1:".to_vec();
            input.extend_from_slice(&s.random);
            tag.copy_from_slice(ring::hmac::sign(&key, &input).as_ref());
            (tag, s)
        })
        .collect();
    ordered.sort_unstable_by_key(|o| o.0);
    let parameters: serde_json::Map<String, serde_json::Value> = f
        .electorate
        .parameters(&crate::registration::profile(election)?)
        .into_iter()
        .map(|(name, value)| (name.to_owned(), serde_json::Value::from(value)))
        .collect();
    let mut header = serde_json::json!({
        "format": "huanjie.case/1",
        "profile": election.profile,
        "round": match round_kind(election) {
            RoundKind::General => "general",
            RoundKind::Further => "further",
            RoundKind::TieBreak => "tie-break",
        },
        "registered": f.registered,
        "stations": round.stations(),
        "contests": round.contests().iter().map(|c| serde_json::json!({
            "id": c.id, "title": c.title, "seats": c.seats,
            "candidates": c.candidates,
        })).collect::<Vec<_>>(),
    });
    // A representatives' assembly or the workers' congress counts by
    // stricter numbers; the case carries them so the recount does too.
    if !parameters.is_empty() {
        header["parameters"] = serde_json::Value::Object(parameters);
    }
    let mut out = serde_json::to_string(&header).map_err(|e| internal("case", e))?;
    // Append the ballots to the header object, one per line.
    out.pop();
    out.push_str(",\"ballots\":[");
    for (i, (_, scan)) in ordered.iter().enumerate() {
        let marks: BallotMarks = serde_json::from_str(scan.marks.as_deref().unwrap_or("{}"))
            .map_err(|e| internal("stored marks", e))?;
        let mut ballot = serde_json::to_value(&marks).map_err(|e| internal("case", e))?;
        if let Some(object) = ballot.as_object_mut() {
            object.insert(
                "station".into(),
                serde_json::Value::from(scan.station.clone()),
            );
            if marks.unreadable {
                object.remove("marks");
            }
        }
        if i > 0 {
            out.push(',');
        }
        out.push('\n');
        out.push_str(&serde_json::to_string(&ballot).map_err(|e| internal("case", e))?);
    }
    out.push_str("\n]}\n");
    Ok(out)
}
