//! What happens after a round leaves seats unfilled: the further
//! election's plan (R-CNT-7 with R-CNT-8's women's line) and whether an
//! election's chain of rounds is complete (R-CNT-8: seats that may stay
//! empty).
//!
//! R-CNT-7 lists, per contest, the non-elected in order of votes, as many
//! as the unfilled seats plus the profile's margin ([`FurtherElection`]).
//! R-CNT-8 (ZJ-2020, `further_keeps_womens_line`) adds: when no woman has
//! been elected in any round so far, the further election keeps a women's
//! line, one unfilled seat reserved for a woman. Where the women's-member
//! contest (R-BODY-3's separate line) has the seat, only its non-elected
//! women stand for it (a man written in on that line is left off); else one
//! of the members' unfilled seats becomes a one-seat women's-member
//! contest among the members' non-elected women. With no woman to stand or
//! no seat to hold the line, no line is kept and the plan says so, so that
//! the committee is told rather than surprised.
//!
//! R-CNT-8 also lets the remaining seats stay empty once a further
//! election has been held and at least `seats_may_stay_empty_from` members
//! are elected over all rounds; otherwise another further election is
//! required. [`completion`] says which.
//!
//! Pure: a round's result and the profile's rules in, a plan out.

use serde::Serialize;

use super::outcome::{ContestResult, FurtherElection, RoundResult, TallyRow};
use super::round::{Gender, RoundKind};
use crate::nomination::Position;
use crate::profile::CountingRules;
use crate::rule;

/// One contest of the further election.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedContest {
    /// The position: the round's contest id, or `women_member` for a line
    /// made from a members' seat.
    pub id: String,
    pub seats: u32,
    /// The people standing, as the round's result names them (a candidate
    /// id or `write-in:` and the name), in the round's tally order.
    pub candidates: Vec<String>,
    /// The contest of the round the candidates come from (their names and
    /// genders are in its tally): `member` for a line made from a members'
    /// seat, else `id`.
    pub from: String,
}

/// What R-CNT-8's women's line came to in a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WomensLine {
    /// The profile keeps no women's line in a further election.
    NotKept,
    /// A woman has been elected already, or the round left no seat to
    /// fill: no line is needed.
    NotNeeded,
    /// The women's-member contest's unfilled seat, only women standing.
    WomenMemberLine,
    /// One of the members' unfilled seats made a women's-member line.
    FromMemberSeats,
    /// A line was needed, but no woman who was not elected stands where
    /// the seat is: no line is kept (see [`PlanNote`]).
    NoWomanStanding,
    /// A line was needed, but neither the women's-member contest nor the
    /// members have an unfilled seat: no line is kept (see [`PlanNote`]).
    NoSeat,
}

impl WomensLine {
    /// Whether the plan reserves a seat for a woman.
    pub fn is_kept(self) -> bool {
        matches!(
            self,
            WomensLine::WomenMemberLine | WomensLine::FromMemberSeats
        )
    }
}

/// Something the committee should be told about a plan: R-CNT-8 asked for
/// a women's line that could not be kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PlanNote {
    /// No woman who was not elected stands in `contest`, where the line's
    /// seat is.
    NoWomanStanding { contest: String },
    /// No unfilled seat of the women's-member contest or the members.
    NoSeatForWomensLine,
}

impl PlanNote {
    pub fn rule(&self) -> &'static str {
        rule::CNT_8
    }

    pub fn message_zh(&self) -> String {
        match self {
            PlanNote::NoWomanStanding { contest } => format!(
                "尚无女性当选，但{}没有未当选的女性候选人：本次另行选举不能保留妇女名额",
                Position::parse(contest).map_or(contest.as_str(), |p| p.zh())
            ),
            PlanNote::NoSeatForWomensLine => {
                "尚无女性当选，但妇女委员和委员都没有空缺名额：本次另行选举不能保留妇女名额".into()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PlanNote::NoWomanStanding { contest } => format!(
                "no woman has been elected, but no woman who was not elected stands for {}: \
                 the further election keeps no women's line",
                Position::parse(contest).map_or(contest.as_str(), |p| p.en())
            ),
            PlanNote::NoSeatForWomensLine => {
                "no woman has been elected, but neither the women's line nor the members have an \
                 unfilled seat: the further election keeps no women's line"
                    .into()
            }
        }
    }
}

/// The further election a round calls for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FurtherPlan {
    /// The contests with seats to fill, in the round's contest order (a
    /// women's line made from a members' seat right after the members).
    /// A contest may list no one when no one is left to stand.
    pub contests: Vec<PlannedContest>,
    pub womens_line: WomensLine,
    pub notes: Vec<PlanNote>,
}

fn is_woman(row: &TallyRow) -> bool {
    row.gender == Some(Gender::Female)
}

/// The people of `contest` who may stand again (neither elected nor
/// holding a tied seat), in tally order.
fn standing(contest: &ContestResult) -> impl Iterator<Item = &TallyRow> {
    contest
        .tally
        .iter()
        .filter(|r| !contest.elected.contains(&r.person) && !contest.tie.contains(&r.person))
}

fn take(rows: impl Iterator<Item = String>, seats: u32, margin: u32) -> Vec<String> {
    let n = usize::try_from(seats.saturating_add(margin)).unwrap_or(usize::MAX);
    rows.take(n).collect()
}

fn as_planned(contest: &ContestResult, further: &FurtherElection) -> PlannedContest {
    PlannedContest {
        id: contest.id.clone(),
        seats: further.seats,
        candidates: further.candidates.clone(),
        from: contest.id.clone(),
    }
}

/// R-CNT-7/8: the further election after `result` (a valid round), given
/// the women elected in the rounds of the same election before it
/// (`result`'s own are in `result.women_elected`).
///
/// Every contest keeps the rules core's list ([`FurtherElection`]) but
/// for the women's line: see the module's documentation.
pub fn plan(result: &RoundResult, women_elected_before: u64, rules: &CountingRules) -> FurtherPlan {
    let mut contests: Vec<PlannedContest> = result
        .contests
        .iter()
        .filter(|c| c.further_election.seats > 0)
        .map(|c| as_planned(c, &c.further_election))
        .collect();
    let womens_line = if !rules.further_keeps_womens_line {
        WomensLine::NotKept
    } else if women_elected_before.saturating_add(result.women_elected) > 0 {
        WomensLine::NotNeeded
    } else if contests.is_empty() {
        // Nothing to hold: no further election, so nothing to tell.
        WomensLine::NotNeeded
    } else {
        keep_womens_line(result, rules.further_margin, &mut contests)
    };
    let notes = match womens_line {
        WomensLine::NoWomanStanding => {
            let contest = if has_unfilled(&contests, Position::WomenMember) {
                Position::WomenMember
            } else {
                Position::Member
            };
            vec![PlanNote::NoWomanStanding {
                contest: contest.code().to_owned(),
            }]
        }
        WomensLine::NoSeat => vec![PlanNote::NoSeatForWomensLine],
        _ => Vec::new(),
    };
    FurtherPlan {
        contests,
        womens_line,
        notes,
    }
}

fn has_unfilled(contests: &[PlannedContest], position: Position) -> bool {
    contests
        .iter()
        .any(|c| c.id == position.code() && c.seats > 0)
}

/// Reserves one unfilled seat for a woman in `contests` (the core's
/// lists), where R-CNT-8 says; returns what it did.
fn keep_womens_line(
    result: &RoundResult,
    margin: u32,
    contests: &mut Vec<PlannedContest>,
) -> WomensLine {
    let women_code = Position::WomenMember.code();
    let member_code = Position::Member.code();
    let contest_of = |id: &str| result.contests.iter().find(|c| c.id == id);

    if let Some(at) = contests.iter().position(|c| c.id == women_code) {
        let Some(source) = contest_of(women_code) else {
            return WomensLine::NoWomanStanding;
        };
        let seats = contests[at].seats;
        let women = take(
            standing(source)
                .filter(|r| is_woman(r))
                .map(|r| r.person.clone()),
            seats,
            margin,
        );
        if women.is_empty() {
            return WomensLine::NoWomanStanding;
        }
        contests[at].candidates = women;
        return WomensLine::WomenMemberLine;
    }

    let Some(at) = contests.iter().position(|c| c.id == member_code) else {
        return WomensLine::NoSeat;
    };
    let Some(source) = contest_of(member_code) else {
        return WomensLine::NoSeat;
    };
    let women = take(
        standing(source)
            .filter(|r| is_woman(r))
            .map(|r| r.person.clone()),
        1,
        margin,
    );
    if women.is_empty() {
        return WomensLine::NoWomanStanding;
    }
    let rest = contests[at].seats - 1;
    let line = PlannedContest {
        id: women_code.to_owned(),
        seats: 1,
        candidates: women.clone(),
        from: member_code.to_owned(),
    };
    if rest == 0 {
        contests[at] = line;
    } else {
        contests[at].seats = rest;
        contests[at].candidates = take(
            standing(source)
                .filter(|r| !women.contains(&r.person))
                .map(|r| r.person.clone()),
            rest,
            margin,
        );
        contests.insert(at + 1, line);
    }
    WomensLine::FromMemberSeats
}

/// One certified round of an election's chain (its general round and the
/// further elections and tie-breaks after it), as much as [`completion`]
/// needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ChainRound {
    pub kind: RoundKind,
    pub valid: bool,
    /// The round's seats, all contests.
    pub seats: u32,
    /// Everyone it elected, all contests.
    pub elected: u32,
    /// Seats held by people tied at the last seat (R-CNT-6).
    pub tied: u32,
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl ChainRound {
    pub fn of(result: &RoundResult) -> ChainRound {
        let mut round = ChainRound {
            kind: result.round,
            valid: result.valid,
            seats: 0,
            elected: 0,
            tied: 0,
        };
        for c in &result.contests {
            let elected = count_u32(c.elected.len());
            round.seats = round.seats.saturating_add(c.seats);
            round.elected = round.elected.saturating_add(elected);
            if !c.tie.is_empty() {
                let held = c.seats.saturating_sub(elected.saturating_add(c.unfilled));
                round.tied = round.tied.saturating_add(held);
            }
        }
        round
    }
}

/// Where an election's chain of rounds stands (R-CNT-6/7/8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Completion {
    /// Every seat of the body is filled.
    Complete { seats: u32, elected: u32 },
    /// The general round is void (R-CNT-3): it is held again, not
    /// continued.
    Void { seats: u32 },
    /// Seats are held by a tie no tie-break has decided yet (R-CNT-6).
    TieBreakPending {
        seats: u32,
        elected: u32,
        tied: u32,
        empty: u32,
    },
    /// Seats are empty and another further election is required (R-CNT-7;
    /// R-CNT-8 lets them stay empty only after a further election with
    /// `may_stay_empty_from` members elected).
    FurtherRequired {
        seats: u32,
        elected: u32,
        empty: u32,
        may_stay_empty_from: Option<u32>,
    },
    /// R-CNT-8: a further election has been held and at least
    /// `may_stay_empty_from` members are elected: the empty seats may stay
    /// empty. Another further election is allowed, not required.
    MayStayEmpty {
        seats: u32,
        elected: u32,
        empty: u32,
        may_stay_empty_from: u32,
    },
}

impl Completion {
    /// The rule the status rests on.
    pub fn rule(&self) -> &'static str {
        match self {
            Completion::Complete { .. } => rule::CNT_7,
            Completion::Void { .. } => rule::CNT_3,
            Completion::TieBreakPending { .. } => rule::CNT_6,
            Completion::FurtherRequired { .. } | Completion::MayStayEmpty { .. } => rule::CNT_8,
        }
    }

    /// Whether the committee may hold another further election.
    pub fn further_allowed(&self) -> bool {
        matches!(
            self,
            Completion::FurtherRequired { .. } | Completion::MayStayEmpty { .. }
        )
    }

    /// Whether another further election is required.
    pub fn further_required(&self) -> bool {
        matches!(self, Completion::FurtherRequired { .. })
    }
}

/// R-CNT-8: whether the chain of `general` and its certified later rounds
/// `later` (further elections and tie-breaks, any order) is complete, may
/// leave its remaining seats empty, or needs another further election.
///
/// The body's seats are the general round's. A later round elects into
/// them; a tie holds its seats until a tie-break (whose seats are the
/// tie's) decides it; a void later round elects no one and holds nothing
/// (it is held again). "Members elected" is everyone elected, every
/// position, every round.
pub fn completion(general: ChainRound, later: &[ChainRound], rules: &CountingRules) -> Completion {
    let seats = general.seats;
    if !general.valid {
        return Completion::Void { seats };
    }
    let valid = || std::iter::once(&general).chain(later).filter(|r| r.valid);
    let elected = valid().fold(0u32, |n, r| n.saturating_add(r.elected));
    let tied_total = valid().fold(0u32, |n, r| n.saturating_add(r.tied));
    let decided = valid()
        .filter(|r| r.kind == RoundKind::TieBreak)
        .fold(0u32, |n, r| n.saturating_add(r.seats));
    let tied = tied_total.saturating_sub(decided);
    let empty = seats.saturating_sub(elected).saturating_sub(tied);
    if empty == 0 && tied == 0 {
        return Completion::Complete { seats, elected };
    }
    if tied > 0 {
        return Completion::TieBreakPending {
            seats,
            elected,
            tied,
            empty,
        };
    }
    let further_held = later
        .iter()
        .any(|r| r.valid && r.kind == RoundKind::Further);
    match rules.seats_may_stay_empty_from {
        Some(from) if further_held && elected >= from => Completion::MayStayEmpty {
            seats,
            elected,
            empty,
            may_stay_empty_from: from,
        },
        from => Completion::FurtherRequired {
            seats,
            elected,
            empty,
            may_stay_empty_from: from,
        },
    }
}

#[cfg(test)]
mod tests;
