//! R-CNT-8: the further election's women's line and the chain's
//! completion, on rounds counted by the real counter.
#![allow(clippy::unwrap_used)]

use super::*;
use crate::counting::{
    count, Ballot, Candidate, Contest, Mark, MarkEntry, Round, Station, WriteIn,
};
use crate::profile::Profile;
use crate::seats::Seats;
use proptest::prelude::*;
use Gender::{Female as F, Male as M};

fn zj() -> CountingRules {
    Profile::by_id("zhejiang-2020").unwrap().counting
}

/// Contests as (id, seats, [(name, gender)]).
type Spec<'a> = &'a [(&'a str, u64, &'a [(&'a str, Gender)])];

/// A round of `spec`, `voted` registered and voting at one station;
/// candidate ids are rows `1`, `2` … as the server numbers them.
fn round(kind: RoundKind, voted: u64, spec: Spec) -> Round {
    let contests = spec
        .iter()
        .map(|(id, seats, people)| Contest {
            id: (*id).into(),
            title: String::new(),
            seats: Seats::new(*seats).unwrap(),
            candidates: people
                .iter()
                .enumerate()
                .map(|(i, (name, gender))| Candidate {
                    id: (i + 1).to_string(),
                    name: (*name).into(),
                    gender: *gender,
                })
                .collect(),
        })
        .collect();
    let stations = vec![Station {
        id: "central".into(),
        issued: voted,
    }];
    Round::new(kind, voted, stations, contests).unwrap()
}

/// `n` ballots each voting for `marks` (contest, row) and writing in
/// `write_ins` (contest, name, gender).
fn ballots(
    n: usize,
    marks: &[(usize, usize)],
    write_ins: &[(usize, &str, Option<Gender>)],
) -> Vec<Ballot> {
    let b = Ballot {
        station: 0,
        unreadable: false,
        marks: marks
            .iter()
            .map(|&(contest, row)| MarkEntry {
                contest,
                candidate: row - 1,
                mark: Mark::For,
            })
            .collect(),
        write_ins: write_ins
            .iter()
            .map(|&(contest, name, gender)| WriteIn {
                contest,
                name: name.into(),
                gender,
            })
            .collect(),
    };
    vec![b; n]
}

fn contest<'a>(plan: &'a FurtherPlan, id: &str) -> &'a PlannedContest {
    plan.contests
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("R-CNT-8: no {id} contest in {plan:?}"))
}

/// ZJ-2020's ballot: director 1 (two men), members 3 (four men), the
/// women's line 1 (two women). 20 voted: the first director and the first
/// two members are elected (men); on the women's line a man written in
/// leads the two women, none of them with more than half.
fn no_woman_elected() -> RoundResult {
    let r = round(
        RoundKind::General,
        20,
        &[
            ("director", 1, &[("张一", M), ("张二", M)]),
            (
                "member",
                3,
                &[("李一", M), ("李二", M), ("李三", M), ("李四", M)],
            ),
            ("women_member", 1, &[("王芳", F), ("王丽", F)]),
        ],
    );
    let mut all = ballots(11, &[(0, 1), (1, 1), (1, 2)], &[]);
    all.extend(ballots(
        6,
        &[(0, 1), (1, 1), (1, 2), (1, 3)],
        &[(2, "赵强", Some(M))],
    ));
    all.extend(ballots(2, &[(2, 1)], &[]));
    all.extend(ballots(1, &[(2, 2)], &[]));
    count(r, &zj(), &all).unwrap()
}

#[test]
fn r_cnt_8_the_womens_line_lists_only_women_not_a_written_in_man() {
    let result = no_woman_elected();
    assert_eq!(result.women_elected, 0);
    let line = &result.contests[2];
    // R-CNT-7 alone would put the written-in man first.
    assert_eq!(
        line.further_election.candidates,
        vec!["write-in:赵强".to_owned(), "1".to_owned()],
        "{line:?}"
    );
    let plan = plan(&result, 0, &zj());
    assert_eq!(plan.womens_line, WomensLine::WomenMemberLine);
    assert!(plan.notes.is_empty(), "{plan:?}");
    let women = contest(&plan, "women_member");
    assert_eq!(women.seats, 1);
    assert_eq!(
        women.candidates,
        vec!["1".to_owned(), "2".to_owned()],
        "R-CNT-8: only the women, in tally order"
    );
    assert_eq!(women.from, "women_member");
    // The members' list is R-CNT-7's.
    let members = contest(&plan, "member");
    assert_eq!(members.seats, 1);
    assert_eq!(
        members.candidates,
        result.contests[1].further_election.candidates
    );
    assert_eq!(plan.contests.len(), 2, "the director is elected: {plan:?}");
}

#[test]
fn r_cnt_8_no_line_once_a_woman_is_elected_in_an_earlier_round() {
    let result = no_woman_elected();
    let plan = plan(&result, 1, &zj());
    assert_eq!(plan.womens_line, WomensLine::NotNeeded);
    assert_eq!(
        contest(&plan, "women_member").candidates,
        result.contests[2].further_election.candidates,
        "R-CNT-8: with a woman elected, R-CNT-7's list stands"
    );
}

#[test]
fn r_cnt_8_a_profile_without_the_line_keeps_r_cnt_7s_list() {
    let mut rules = zj();
    rules.further_keeps_womens_line = false;
    let result = no_woman_elected();
    let plan = plan(&result, 0, &rules);
    assert_eq!(plan.womens_line, WomensLine::NotKept);
    assert_eq!(
        contest(&plan, "women_member").candidates,
        result.contests[2].further_election.candidates
    );
}

/// Members 4 (two men, two women, a written-in man), no women's line on
/// the ballot; 20 voted and no member has more than half.
fn members_only(seats: u64) -> RoundResult {
    let r = round(
        RoundKind::General,
        20,
        &[
            ("director", 1, &[("张一", M), ("张二", M)]),
            (
                "member",
                seats,
                &[
                    ("李一", M),
                    ("王芳", F),
                    ("李二", M),
                    ("王丽", F),
                    ("李三", M),
                ],
            ),
        ],
    );
    let mut all = ballots(9, &[(0, 1), (1, 1), (1, 2)], &[(1, "赵强", Some(M))]);
    all.extend(ballots(6, &[(0, 1), (1, 3), (1, 4)], &[]));
    all.extend(ballots(5, &[(0, 1), (1, 5)], &[]));
    count(r, &zj(), &all).unwrap()
}

#[test]
fn r_cnt_8_a_members_seat_becomes_the_womens_line() {
    let result = members_only(4);
    assert_eq!(result.contests[1].elected, Vec::<String>::new());
    let plan = plan(&result, 0, &zj());
    assert_eq!(plan.womens_line, WomensLine::FromMemberSeats);
    let ids: Vec<&str> = plan.contests.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["member", "women_member"], "{plan:?}");
    let line = contest(&plan, "women_member");
    assert_eq!(line.seats, 1);
    assert_eq!(line.from, "member");
    // 王芳 (row 2) has 9 votes, 王丽 (row 4) 6: tally order.
    assert_eq!(line.candidates, vec!["2".to_owned(), "4".to_owned()]);
    let members = contest(&plan, "member");
    assert_eq!(members.seats, 3);
    // The rest, in tally order, 3 + 1: 李一 9, 赵强 9 (ids sort), 李二 6, 李三 5.
    assert_eq!(
        members.candidates,
        vec![
            "1".to_owned(),
            "write-in:赵强".to_owned(),
            "3".to_owned(),
            "5".to_owned()
        ],
        "R-CNT-8: the women on the line are not on the members' list"
    );
}

#[test]
fn r_cnt_8_a_single_unfilled_members_seat_becomes_the_line() {
    // One members' seat, no one with more than half of 20.
    let r = round(
        RoundKind::General,
        20,
        &[
            ("director", 1, &[("张一", M), ("张二", M)]),
            (
                "member",
                1,
                &[("李一", M), ("王芳", F), ("李二", M), ("王丽", F)],
            ),
        ],
    );
    let mut all = ballots(9, &[(0, 1), (1, 1)], &[]);
    all.extend(ballots(6, &[(0, 1), (1, 4)], &[]));
    all.extend(ballots(5, &[(0, 1), (1, 2)], &[]));
    let result = count(r, &zj(), &all).unwrap();
    assert_eq!(result.contests[1].unfilled, 1);
    let plan = plan(&result, 0, &zj());
    let ids: Vec<&str> = plan.contests.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["women_member"], "R-CNT-8: {plan:?}");
    // 王丽 (row 4) 6, 王芳 (row 2) 5.
    assert_eq!(
        plan.contests[0].candidates,
        vec!["4".to_owned(), "2".to_owned()]
    );
    assert_eq!(plan.contests[0].from, "member");
}

#[test]
fn r_cnt_8_no_woman_standing_keeps_no_line_and_says_so() {
    let r = round(
        RoundKind::General,
        10,
        &[
            ("director", 1, &[("张一", M), ("张二", M)]),
            ("member", 2, &[("李一", M), ("李二", M), ("李三", M)]),
        ],
    );
    let result = count(r, &zj(), &ballots(10, &[(0, 1)], &[])).unwrap();
    let plan = plan(&result, 0, &zj());
    assert_eq!(plan.womens_line, WomensLine::NoWomanStanding);
    assert_eq!(
        plan.notes,
        vec![PlanNote::NoWomanStanding {
            contest: "member".into()
        }]
    );
    assert_eq!(plan.notes[0].rule(), "R-CNT-8");
    assert!(plan.notes[0].message_zh().contains("委员"));
    assert!(plan.notes[0].message_en().contains("member"));
    assert_eq!(
        contest(&plan, "member").candidates,
        result.contests[1].further_election.candidates
    );
}

#[test]
fn r_cnt_8_no_seat_for_the_line_says_so() {
    let r = round(
        RoundKind::General,
        10,
        &[
            ("director", 1, &[("张一", M), ("张二", M)]),
            ("member", 1, &[("李一", M), ("王芳", F)]),
        ],
    );
    let result = count(r, &zj(), &ballots(10, &[(1, 1)], &[])).unwrap();
    let plan = plan(&result, 0, &zj());
    assert_eq!(plan.womens_line, WomensLine::NoSeat);
    assert_eq!(plan.notes, vec![PlanNote::NoSeatForWomensLine]);
    assert_eq!(plan.notes[0].rule(), "R-CNT-8");
    let ids: Vec<&str> = plan.contests.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["director"]);
}

fn chain(kind: RoundKind, seats: u32, elected: u32, tied: u32) -> ChainRound {
    ChainRound {
        kind,
        valid: true,
        seats,
        elected,
        tied,
    }
}

#[test]
fn r_cnt_8_completion_of_a_chain() {
    use RoundKind::{Further, General, TieBreak};
    let rules = zj();
    // Everyone elected at once.
    assert_eq!(
        completion(chain(General, 5, 5, 0), &[], &rules),
        Completion::Complete {
            seats: 5,
            elected: 5
        }
    );
    // Three elected but no further election yet: R-CNT-7 still holds one.
    let general = chain(General, 5, 3, 0);
    let after_general = completion(general, &[], &rules);
    assert!(
        after_general.further_required(),
        "R-CNT-8: {after_general:?}"
    );
    // After a further election with 4 elected in all: may stay empty.
    let further = chain(Further, 2, 1, 0);
    assert_eq!(
        completion(general, &[further], &rules),
        Completion::MayStayEmpty {
            seats: 5,
            elected: 4,
            empty: 1,
            may_stay_empty_from: 3
        }
    );
    assert!(completion(general, &[further], &rules).further_allowed());
    assert_eq!(completion(general, &[further], &rules).rule(), "R-CNT-8");
    // Two elected after a further election: another is required.
    let few = chain(General, 5, 1, 0);
    assert_eq!(
        completion(few, &[further], &rules),
        Completion::FurtherRequired {
            seats: 5,
            elected: 2,
            empty: 3,
            may_stay_empty_from: Some(3)
        }
    );
    // Filled by the further election.
    assert_eq!(
        completion(chain(General, 5, 3, 0), &[chain(Further, 2, 2, 0)], &rules),
        Completion::Complete {
            seats: 5,
            elected: 5
        }
    );
    // A tie holds a seat until a tie-break decides it.
    let tied = chain(General, 5, 4, 1);
    assert_eq!(
        completion(tied, &[], &rules),
        Completion::TieBreakPending {
            seats: 5,
            elected: 4,
            tied: 1,
            empty: 0
        }
    );
    assert_eq!(
        completion(tied, &[chain(TieBreak, 1, 1, 0)], &rules),
        Completion::Complete {
            seats: 5,
            elected: 5
        }
    );
    // A void further election is not a further election held.
    let void = ChainRound {
        valid: false,
        ..further
    };
    assert!(completion(general, &[void], &rules).further_required());
    // A void general round is held again.
    let void_general = ChainRound {
        valid: false,
        ..general
    };
    assert_eq!(
        completion(void_general, &[further], &rules),
        Completion::Void { seats: 5 }
    );
    // Without the parameter seats never may stay empty.
    let mut county = rules.clone();
    county.seats_may_stay_empty_from = None;
    assert!(completion(general, &[further], &county).further_required());
}

#[test]
fn r_cnt_8_chain_round_of_a_result() {
    let result = no_woman_elected();
    assert_eq!(
        ChainRound::of(&result),
        ChainRound {
            kind: RoundKind::General,
            valid: true,
            seats: 5,
            elected: 3,
            tied: 0
        }
    );
    // Two tied for one members' seat.
    let r = round(
        RoundKind::General,
        10,
        &[("member", 2, &[("李一", M), ("李二", M), ("李三", M)])],
    );
    // 李一 7 of 10; 李二 and 李三 6 each for the last seat.
    let mut all = ballots(3, &[(0, 1), (0, 2)], &[]);
    all.extend(ballots(3, &[(0, 1), (0, 3)], &[]));
    all.extend(ballots(1, &[(0, 1)], &[]));
    all.extend(ballots(3, &[(0, 2), (0, 3)], &[]));
    let tied = count(r, &zj(), &all).unwrap();
    assert_eq!(tied.contests[0].tie.len(), 2, "{tied:?}");
    assert_eq!(ChainRound::of(&tied).tied, 1);
    assert_eq!(ChainRound::of(&tied).elected, 1);
}

// --- properties ----------------------------------------------------------

const WRITE_IN_NAMES: [&str; 3] = ["赵强", "钱芳", "孙丽"];

/// A random ZJ-2020 round: a director, members, maybe a women's line; each
/// candidate a man or a woman; ballots with for/against/no marks and
/// write-ins of either gender or none.
fn scenario() -> impl Strategy<Value = (RoundResult, CountingRules)> {
    let people = |n: std::ops::RangeInclusive<usize>| prop::collection::vec(any::<bool>(), n);
    (
        people(1..=3),
        1u64..=4,
        people(1..=7),
        prop::option::of(people(1..=3)),
        1usize..=14,
        0u64..=3,
        0u32..=2,
        any::<bool>(),
    )
        .prop_flat_map(
            |(directors, member_seats, members, women, voted, extra_registered, margin, keep)| {
                let sizes: Vec<usize> = [directors.len(), members.len()]
                    .into_iter()
                    .chain(women.as_ref().map(Vec::len))
                    .collect();
                let contests = sizes.len();
                let ballot = (
                    prop::collection::vec(prop::collection::vec(0u8..=2, 7), contests..=contests),
                    prop::collection::vec((0..contests, 0..WRITE_IN_NAMES.len(), 0u8..=2), 0..=1),
                );
                (
                    Just((
                        directors,
                        member_seats,
                        members,
                        women,
                        voted,
                        extra_registered,
                        margin,
                        keep,
                    )),
                    prop::collection::vec(ballot, voted..=voted),
                )
            },
        )
        .prop_map(
            |((directors, member_seats, members, women, voted, extra, margin, keep), raw)| {
                let gender = |w: &bool| if *w { F } else { M };
                let mut contests = vec![
                    Contest {
                        id: "director".into(),
                        title: String::new(),
                        seats: Seats::new(1).unwrap(),
                        candidates: Vec::new(),
                    },
                    Contest {
                        id: "member".into(),
                        title: String::new(),
                        seats: Seats::new(member_seats).unwrap(),
                        candidates: Vec::new(),
                    },
                ];
                let mut genders = vec![directors, members];
                if let Some(w) = women {
                    contests.push(Contest {
                        id: "women_member".into(),
                        title: String::new(),
                        seats: Seats::new(1).unwrap(),
                        candidates: Vec::new(),
                    });
                    genders.push(w);
                }
                for (ci, (c, g)) in contests.iter_mut().zip(&genders).enumerate() {
                    c.candidates = g
                        .iter()
                        .enumerate()
                        .map(|(k, w)| Candidate {
                            id: (k + 1).to_string(),
                            name: format!("候选{ci}{k}"),
                            gender: gender(w),
                        })
                        .collect();
                }
                let sizes: Vec<usize> = genders.iter().map(Vec::len).collect();
                let all: Vec<Ballot> = raw
                    .into_iter()
                    .map(|(marks, writes)| {
                        let mut b = Ballot::default();
                        for (c, row) in marks.iter().enumerate() {
                            for (k, m) in row.iter().take(sizes[c]).enumerate() {
                                let mark = match m {
                                    0 => continue,
                                    1 => Mark::For,
                                    _ => Mark::Against,
                                };
                                b.marks.push(MarkEntry {
                                    contest: c,
                                    candidate: k,
                                    mark,
                                });
                            }
                        }
                        for (c, w, g) in writes {
                            b.write_ins.push(WriteIn {
                                contest: c,
                                name: WRITE_IN_NAMES[w].to_owned(),
                                gender: [None, Some(M), Some(F)][usize::from(g)],
                            });
                        }
                        b
                    })
                    .collect();
                let voted = voted as u64;
                let stations = vec![Station {
                    id: "central".into(),
                    issued: voted,
                }];
                let r = Round::new(RoundKind::General, voted + extra, stations, contests).unwrap();
                let mut rules = zj();
                rules.further_margin = margin;
                rules.further_keeps_womens_line = keep;
                (count(r, &rules, &all).unwrap(), rules)
            },
        )
}

fn row<'a>(result: &'a RoundResult, contest: &str, person: &str) -> &'a TallyRow {
    result
        .contests
        .iter()
        .find(|c| c.id == contest)
        .and_then(|c| c.tally.iter().find(|r| r.person == person))
        .unwrap_or_else(|| panic!("R-CNT-8: {person} is not in {contest}'s tally"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// R-CNT-8 moves seats and people, never makes or loses a seat, and
    /// only ever lists people who may stand again, each once, in tally
    /// order, no more than the seats plus the margin.
    #[test]
    fn r_cnt_8_plan_keeps_every_seat_and_lists_only_the_non_elected(
        (result, rules) in scenario(), before in 0u64..=1,
    ) {
        let plan = plan(&result, before, &rules);
        let core: u32 = result.contests.iter().map(|c| c.further_election.seats).sum();
        let planned: u32 = plan.contests.iter().map(|c| c.seats).sum();
        prop_assert_eq!(core, planned, "R-CNT-8: {:?}", plan);
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for c in &plan.contests {
            prop_assert!(c.seats > 0);
            let margin = usize::try_from(rules.further_margin).unwrap();
            prop_assert!(c.candidates.len() <= c.seats as usize + margin, "{:?}", c);
            let source = result.contests.iter().find(|s| s.id == c.from).unwrap();
            let mut last = None;
            for person in &c.candidates {
                prop_assert!(!source.elected.contains(person), "R-CNT-8: {} was elected", person);
                prop_assert!(!source.tie.contains(person));
                prop_assert!(!seen.contains(&(c.from.as_str(), person.as_str())), "{} twice", person);
                seen.push((c.from.as_str(), person.as_str()));
                let at = source.tally.iter().position(|r| &r.person == person).unwrap();
                prop_assert!(last.is_none_or(|l| l < at), "R-CNT-8: not in tally order: {:?}", c);
                last = Some(at);
            }
        }
    }

    /// When R-CNT-8 asks for a line and a woman can stand for a seat of the
    /// women's line or the members, the line is kept, and it lists only
    /// women; when it does not ask, R-CNT-7's lists stand.
    #[test]
    fn r_cnt_8_the_line_is_kept_whenever_a_woman_can_stand_and_lists_only_women(
        (result, rules) in scenario(), before in 0u64..=1,
    ) {
        let plan = plan(&result, before, &rules);
        let core: Vec<PlannedContest> = result
            .contests
            .iter()
            .filter(|c| c.further_election.seats > 0)
            .map(|c| as_planned(c, &c.further_election))
            .collect();
        let asked = rules.further_keeps_womens_line
            && before + result.women_elected == 0
            && !core.is_empty();
        if !asked {
            prop_assert_eq!(&plan.contests, &core);
            prop_assert!(plan.notes.is_empty());
            return Ok(());
        }
        let woman_can_stand = |id: &str| {
            core.iter().any(|c| c.id == id)
                && result
                    .contests
                    .iter()
                    .find(|c| c.id == id)
                    .is_some_and(|c| standing(c).any(is_woman))
        };
        let has_line = core.iter().any(|c| c.id == "women_member");
        let can = if has_line {
            woman_can_stand("women_member")
        } else {
            woman_can_stand("member")
        };
        prop_assert_eq!(plan.womens_line.is_kept(), can, "R-CNT-8: {:?}", plan);
        prop_assert_eq!(plan.notes.is_empty(), can, "R-CNT-8: a note when no line: {:?}", plan);
        if can {
            let line = plan.contests.iter().find(|c| c.id == "women_member").unwrap();
            prop_assert!(!line.candidates.is_empty());
            for person in &line.candidates {
                prop_assert_eq!(
                    row(&result, &line.from, person).gender,
                    Some(Gender::Female),
                    "R-CNT-8: {} on the women's line is not a woman", person
                );
            }
        }
        for note in &plan.notes {
            prop_assert_eq!(note.rule(), "R-CNT-8");
        }
    }

    /// R-CNT-8: seats may stay empty only after a valid further election
    /// with at least the profile's number elected; a complete chain has
    /// every seat filled; the figures add up.
    #[test]
    fn r_cnt_8_completion_follows_the_rule(
        seats in 1u32..=9,
        general_elected in 0u32..=9,
        general_valid in any::<bool>(),
        later in prop::collection::vec((0u8..=1, any::<bool>(), 0u32..=3), 0..=3),
        from in prop::option::of(0u32..=6),
    ) {
        let mut rules = zj();
        rules.seats_may_stay_empty_from = from;
        let general_elected = general_elected.min(seats);
        let general = ChainRound {
            kind: RoundKind::General,
            valid: general_valid,
            seats,
            elected: general_elected,
            tied: 0,
        };
        let mut open = seats - general_elected;
        let rounds: Vec<ChainRound> = later
            .iter()
            .map(|&(kind, valid, elected)| {
                let elected = if valid { elected.min(open) } else { 0 };
                open -= elected;
                ChainRound {
                    kind: if kind == 0 { RoundKind::Further } else { RoundKind::TieBreak },
                    valid,
                    seats: elected.max(1),
                    elected,
                    tied: 0,
                }
            })
            .collect();
        let elected = seats - open;
        let further_held = rounds.iter().any(|r| r.valid && r.kind == RoundKind::Further);
        let status = completion(general, &rounds, &rules);
        if !general_valid {
            prop_assert_eq!(status, Completion::Void { seats });
            return Ok(());
        }
        match status {
            Completion::Complete { elected: e, .. } => {
                prop_assert_eq!(e, seats);
                prop_assert_eq!(elected, seats);
            }
            Completion::MayStayEmpty { elected: e, empty, may_stay_empty_from, .. } => {
                prop_assert!(further_held, "R-CNT-8: no further election held");
                prop_assert!(e >= may_stay_empty_from);
                prop_assert_eq!(Some(may_stay_empty_from), from);
                prop_assert_eq!(e + empty, seats);
                prop_assert!(empty > 0);
            }
            Completion::FurtherRequired { elected: e, empty, .. } => {
                prop_assert!(!further_held || from.is_none_or(|f| e < f), "R-CNT-8: {:?}", status);
                prop_assert_eq!(e + empty, seats);
                prop_assert!(empty > 0);
            }
            other => prop_assert!(false, "R-CNT-8: {:?} without ties", other),
        }
        prop_assert_eq!(status.further_allowed(), elected < seats);
    }
}
