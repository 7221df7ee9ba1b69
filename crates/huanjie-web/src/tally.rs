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
use huanjie_core::seats::Seats;
use huanjie_store::{CandidateStatus, Election, Station, Store};

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

/// 主任 for `director`, and so on; a position the core does not know
/// keeps its code.
pub fn position_label(code: &str) -> String {
    huanjie_core::nomination::Position::parse(code)
        .map_or_else(|| code.to_owned(), |p| p.zh().to_owned())
}

impl Tally {
    /// An empty count of the election's general round over `stations`.
    pub fn new(
        election: &Election,
        contests: Vec<Contest>,
        stations: &[Station],
        registered: u64,
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
        let round = Round::new(RoundKind::General, registered, round_stations, contests)
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
        let rules = profile.counting.clone();
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
