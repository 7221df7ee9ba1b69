//! From totals to a result: round validity, who qualifies, who is elected,
//! ties, unfilled seats and the further-election list (counting-case.md,
//! "Counting", steps 1–5).

use super::counter::ContestTotals;
use super::round::{Gender, Round, RoundKind, WRITE_IN_PREFIX};
use crate::profile::{CountingRules, WinBase};
use crate::rule;
use serde::Serialize;

/// The result of one round (`huanjie.result/1`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundResult {
    pub format: &'static str,
    pub round: RoundKind,
    pub valid: bool,
    /// Rule ids, in the order R-CNT-2, R-CNT-3.
    pub void_reasons: Vec<&'static str>,
    pub registered: u64,
    pub voted: u64,
    pub cast: u64,
    /// Stations whose ballots outnumber their `issued`, sorted (a warning).
    pub station_discrepancies: Vec<String>,
    pub contests: Vec<ContestResult>,
    pub women_elected: u64,
}

/// The result format's identifier.
pub const RESULT_FORMAT: &str = "huanjie.result/1";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestResult {
    pub id: String,
    pub seats: u32,
    pub void_ballots: u64,
    pub tally: Vec<TallyRow>,
    pub elected: Vec<String>,
    pub tie: Vec<String>,
    pub unfilled: u32,
    pub further_election: FurtherElection,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyRow {
    /// A candidate id, or `write-in:` and the trimmed name.
    pub person: String,
    pub name: String,
    #[serde(rename = "for")]
    pub votes_for: u64,
    pub against: u64,
    pub abstain: u64,
    /// Not part of the result format; used for `women_elected`.
    #[serde(skip)]
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FurtherElection {
    pub seats: u32,
    pub candidates: Vec<String>,
}

pub(crate) fn decide(
    round: &Round,
    rules: &CountingRules,
    cast: u64,
    station_cast: &[u64],
    totals: Vec<ContestTotals>,
) -> RoundResult {
    let voted = round.voted();
    let mut void_reasons = Vec::new();
    if cast > voted {
        void_reasons.push(rule::CNT_2);
    }
    if !rules.turnout.is_met(voted, round.registered) {
        void_reasons.push(rule::CNT_3);
    }
    let valid = void_reasons.is_empty();

    let mut station_discrepancies: Vec<String> = round
        .stations()
        .iter()
        .zip(station_cast)
        .filter(|(s, &n)| n > s.issued)
        .map(|(s, _)| s.id.clone())
        .collect();
    station_discrepancies.sort();

    let mut women_elected = 0;
    let contests = round
        .contests()
        .iter()
        .zip(totals)
        .map(|(contest, totals)| {
            let valid_ballots = cast.saturating_sub(totals.void_ballots);
            let mut tally: Vec<TallyRow> = contest
                .candidates
                .iter()
                .enumerate()
                .map(|(k, c)| TallyRow {
                    person: c.id.clone(),
                    name: c.name.clone(),
                    votes_for: totals.votes_for[k],
                    against: totals.against[k],
                    // Each valid ballot adds at most one of for/against per person.
                    abstain: valid_ballots.saturating_sub(totals.votes_for[k] + totals.against[k]),
                    gender: Some(c.gender),
                })
                .collect();
            tally.extend(totals.write_ins.into_iter().map(|(name, w)| TallyRow {
                person: format!("{WRITE_IN_PREFIX}{name}"),
                gender: w.gender(),
                votes_for: w.votes_for,
                against: 0,
                abstain: valid_ballots.saturating_sub(w.votes_for),
                name,
            }));
            tally.sort_by(|a, b| {
                b.votes_for
                    .cmp(&a.votes_for)
                    .then_with(|| a.person.cmp(&b.person))
            });

            let seats = contest.seats.get();
            let (elected, tie, unfilled, further) = if valid {
                let qualifies = |votes: u64| match round.kind {
                    RoundKind::General => {
                        let base = match rules.win_base {
                            WinBase::Voted => voted,
                            WinBase::Cast => cast,
                            WinBase::Registered => round.registered,
                        };
                        rules.win.is_met(votes, base)
                    }
                    RoundKind::Further => votes > 0 && rules.further_win.is_met(votes, cast),
                    RoundKind::TieBreak => votes > 0,
                };
                let qualified = tally.iter().take_while(|r| qualifies(r.votes_for)).count();
                let (elected, tied) = allocate(&tally[..qualified], contest.seats.count());
                // Tied people hold the remaining seats between them.
                let unfilled = if tied.is_empty() {
                    seats - count_u32(elected.len())
                } else {
                    0
                };
                let further = if unfilled > 0 {
                    let margin = usize::try_from(rules.further_margin).unwrap_or(usize::MAX);
                    let candidates = tally
                        .iter()
                        .filter(|r| !elected.contains(&r.person) && !tied.contains(&r.person))
                        .take((unfilled as usize).saturating_add(margin))
                        .map(|r| r.person.clone())
                        .collect();
                    FurtherElection {
                        seats: unfilled,
                        candidates,
                    }
                } else {
                    FurtherElection {
                        seats: 0,
                        candidates: Vec::new(),
                    }
                };
                (elected, tied, unfilled, further)
            } else {
                // A void round elects no one and still reports its tallies.
                (
                    Vec::new(),
                    Vec::new(),
                    seats,
                    FurtherElection {
                        seats: 0,
                        candidates: Vec::new(),
                    },
                )
            };
            women_elected += tally
                .iter()
                .filter(|r| r.gender == Some(Gender::Female) && elected.contains(&r.person))
                .count() as u64;
            ContestResult {
                id: contest.id.clone(),
                seats,
                void_ballots: totals.void_ballots,
                tally,
                elected,
                tie,
                unfilled,
                further_election: further,
            }
        })
        .collect();

    RoundResult {
        format: RESULT_FORMAT,
        round: round.kind,
        valid,
        void_reasons,
        registered: round.registered,
        voted,
        cast,
        station_discrepancies,
        contests,
        women_elected,
    }
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// R-CNT-6: seats go to the qualifiers by votes, most first; if those tied
/// at the last seat(s) cannot all be seated, the ones above the tie are
/// elected and the tied ones are returned as the tie.
///
/// `qualified` is in tally order (votes descending).
fn allocate(qualified: &[TallyRow], seats: usize) -> (Vec<String>, Vec<String>) {
    let ids = |rows: &[TallyRow]| rows.iter().map(|r| r.person.clone()).collect::<Vec<_>>();
    if qualified.len() <= seats {
        return (ids(qualified), Vec::new());
    }
    let cut = qualified[seats - 1].votes_for;
    let above = qualified.iter().take_while(|r| r.votes_for > cut).count();
    let at_cut = qualified[above..]
        .iter()
        .take_while(|r| r.votes_for == cut)
        .count();
    if above + at_cut <= seats {
        (ids(&qualified[..above + at_cut]), Vec::new())
    } else {
        (
            ids(&qualified[..above]),
            ids(&qualified[above..above + at_cut]),
        )
    }
}
