//! Counting, rule by rule, and the properties every count must keep.

use super::*;
use crate::profile::{OvervoteScope, Profile, SamePersonRule, WinBase};
use crate::seats::Seats;
use proptest::prelude::*;
use Gender::{Female as F, Male as M};

fn rules(profile: &str) -> CountingRules {
    Profile::by_id(profile).unwrap().counting
}

/// Contests as (id, seats, [(candidate id, name, gender)]).
type Spec<'a> = &'a [(&'a str, u64, &'a [(&'a str, &'a str, Gender)])];

fn round(kind: RoundKind, registered: u64, issued: &[u64], spec: Spec) -> Round {
    let stations = issued
        .iter()
        .enumerate()
        .map(|(i, &n)| Station {
            id: format!("S{}", i + 1),
            issued: n,
        })
        .collect();
    let contests = spec
        .iter()
        .map(|(id, seats, cands)| Contest {
            id: (*id).into(),
            title: String::new(),
            seats: Seats::new(*seats).unwrap(),
            candidates: cands
                .iter()
                .map(|(id, name, g)| Candidate {
                    id: (*id).into(),
                    name: (*name).into(),
                    gender: *g,
                })
                .collect(),
        })
        .collect();
    Round::new(kind, registered, stations, contests).unwrap()
}

fn ballot(
    station: usize,
    marks: &[(usize, usize, Mark)],
    write_ins: &[(usize, &str, Option<Gender>)],
) -> Ballot {
    Ballot {
        station,
        unreadable: false,
        marks: marks
            .iter()
            .map(|&(contest, candidate, mark)| MarkEntry {
                contest,
                candidate,
                mark,
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
    }
}

fn times(n: usize, b: Ballot) -> Vec<Ballot> {
    vec![b; n]
}

fn run(round: Round, rules: &CountingRules, ballots: &[Ballot]) -> RoundResult {
    count(round, rules, ballots).unwrap()
}

fn row<'a>(r: &'a RoundResult, contest: usize, person: &str) -> &'a TallyRow {
    r.contests[contest]
        .tally
        .iter()
        .find(|t| t.person == person)
        .unwrap()
}

const DIRECTOR: (&str, u64, &[(&str, &str, Gender)]) =
    ("director", 1, &[("d1", "王建国", M), ("d2", "李秀英", F)]);
const MEMBERS: (&str, u64, &[(&str, &str, Gender)]) = (
    "member",
    2,
    &[("m1", "刘洋", M), ("m2", "杨帆", F), ("m3", "王建国", M)],
);

#[test]
fn overvote_voids_the_contest_only_under_contest_scope() {
    // R-CNT-4: two `for` marks for one seat.
    let r = round(RoundKind::General, 4, &[3], &[DIRECTOR, MEMBERS]);
    let over = ballot(
        0,
        &[(0, 0, Mark::For), (0, 1, Mark::For), (1, 0, Mark::For)],
        &[],
    );
    let plain = ballot(0, &[(0, 0, Mark::For), (1, 0, Mark::For)], &[]);
    let ballots = [over.clone(), plain.clone(), plain];
    let res = run(r.clone(), &rules("county-2006"), &ballots);
    assert_eq!(res.contests[0].void_ballots, 1);
    assert_eq!(res.contests[1].void_ballots, 0);
    assert_eq!(row(&res, 1, "m1").votes_for, 3);
    // zhejiang-2020: the whole ballot is void.
    let res = run(r, &rules("zhejiang-2020"), &ballots);
    assert_eq!(res.contests[0].void_ballots, 1);
    assert_eq!(res.contests[1].void_ballots, 1);
    assert_eq!(row(&res, 1, "m1").votes_for, 2);
}

#[test]
fn same_person_for_two_positions_voids_the_ballot_when_the_profile_says_so() {
    // R-CNT-4: 王建国 is d1 (director) and m3 (member).
    let r = round(RoundKind::General, 2, &[1], &[DIRECTOR, MEMBERS]);
    let b = [ballot(0, &[(0, 0, Mark::For), (1, 2, Mark::For)], &[])];
    let allowed = run(r.clone(), &rules("county-2006"), &b);
    assert_eq!(allowed.contests[0].void_ballots, 0);
    assert_eq!(row(&allowed, 1, "m3").votes_for, 1);
    let zj = run(r.clone(), &rules("zhejiang-2020"), &b);
    assert_eq!(
        (zj.contests[0].void_ballots, zj.contests[1].void_ballots),
        (1, 1)
    );
    // A write-in by the same trimmed name counts as the same person.
    let b = [ballot(0, &[(0, 0, Mark::For)], &[(1, " 王建国 ", Some(M))])];
    let zj = run(r, &rules("zhejiang-2020"), &b);
    assert_eq!(zj.contests[0].void_ballots, 1);
}

#[test]
fn write_in_of_a_candidate_is_a_vote_for_that_candidate() {
    let r = round(RoundKind::General, 2, &[2], &[DIRECTOR]);
    let b = [
        // Marked against, then written in: the write-in replaces the mark.
        ballot(0, &[(0, 1, Mark::Against)], &[(0, "李秀英", Some(F))]),
        // Written in twice (once with spaces): one vote.
        ballot(0, &[], &[(0, "赵六", Some(F)), (0, "　赵六 ", Some(F))]),
    ];
    let res = run(r, &rules("county-2006"), &b);
    let d2 = row(&res, 0, "d2");
    assert_eq!((d2.votes_for, d2.against, d2.abstain), (1, 0, 1));
    let zl = row(&res, 0, "write-in:赵六");
    assert_eq!(
        (zl.name.as_str(), zl.votes_for, zl.against, zl.abstain),
        ("赵六", 1, 0, 1)
    );
    assert_eq!(res.contests[0].void_ballots, 0);
}

#[test]
fn write_ins_count_toward_an_overvote() {
    let r = round(RoundKind::General, 2, &[1], &[DIRECTOR]);
    let res = run(
        r,
        &rules("county-2006"),
        &[ballot(0, &[(0, 0, Mark::For)], &[(0, "赵六", None)])],
    );
    assert_eq!(res.contests[0].void_ballots, 1);
    assert!(res.contests[0]
        .tally
        .iter()
        .all(|t| !t.person.starts_with("write-in:")));
}

#[test]
fn unreadable_ballot_is_void_everywhere_but_still_cast() {
    let r = round(RoundKind::General, 2, &[2], &[DIRECTOR, MEMBERS]);
    let mut u = ballot(0, &[(0, 0, Mark::For)], &[]);
    u.unreadable = true;
    let res = run(
        r,
        &rules("county-2006"),
        &[u, ballot(0, &[(0, 0, Mark::For)], &[])],
    );
    assert_eq!(res.cast, 2);
    assert_eq!(res.contests[0].void_ballots, 1);
    assert_eq!(res.contests[1].void_ballots, 1);
    assert_eq!(row(&res, 0, "d1").votes_for, 1);
}

#[test]
fn majority_is_strictly_more_than_half_of_those_who_voted() {
    // R-CNT-5: 2 × for > voted. 10 voted; 5 for is exactly half.
    let r = round(RoundKind::General, 12, &[10], &[DIRECTOR]);
    let mut b = times(5, ballot(0, &[(0, 0, Mark::For)], &[]));
    b.extend(times(5, ballot(0, &[(0, 1, Mark::For)], &[])));
    let res = run(r.clone(), &rules("county-2006"), &b);
    assert!(res.valid);
    assert!(res.contests[0].elected.is_empty());
    assert_eq!(res.contests[0].unfilled, 1);
    assert_eq!(res.contests[0].further_election.candidates, ["d1", "d2"]);
    b[9] = ballot(0, &[(0, 0, Mark::For)], &[]);
    let res = run(r, &rules("county-2006"), &b);
    assert_eq!(res.contests[0].elected, ["d1"]);
}

#[test]
fn win_base_cast_counts_ballots_taken_out_not_issued() {
    // 10 issued, 8 cast, 5 for: 2×5 = 10 is not > 10 voted, but is > 8 cast.
    let r = round(RoundKind::General, 12, &[10], &[DIRECTOR]);
    let mut b = times(5, ballot(0, &[(0, 0, Mark::For)], &[]));
    b.extend(times(3, ballot(0, &[], &[])));
    let mut cast_rules = rules("county-2006");
    cast_rules.win_base = WinBase::Cast;
    assert!(run(r.clone(), &rules("county-2006"), &b).contests[0]
        .elected
        .is_empty());
    assert_eq!(run(r, &cast_rules, &b).contests[0].elected, ["d1"]);
}

#[test]
fn turnout_of_exactly_half_voids_the_round() {
    // R-CNT-3: 2 × voted ≤ registered is void.
    let r = round(RoundKind::General, 4, &[2], &[DIRECTOR]);
    let b = times(2, ballot(0, &[(0, 0, Mark::For)], &[]));
    let res = run(r, &rules("county-2006"), &b);
    assert!(!res.valid);
    assert_eq!(res.void_reasons, ["R-CNT-3"]);
    assert!(res.contests[0].elected.is_empty());
    assert_eq!(res.contests[0].unfilled, 1);
    assert_eq!(res.contests[0].further_election.seats, 0);
    assert_eq!(row(&res, 0, "d1").votes_for, 2);
    let r = round(RoundKind::General, 3, &[2], &[DIRECTOR]);
    assert!(run(r, &rules("county-2006"), &b).valid);
}

#[test]
fn more_ballots_than_issued_voids_the_round_and_flags_the_station() {
    // R-CNT-2, with the station warning: 2 issued, 3 taken out.
    let r = round(RoundKind::General, 3, &[1, 1], &[DIRECTOR]);
    let b = [
        ballot(0, &[(0, 0, Mark::For)], &[]),
        ballot(1, &[(0, 0, Mark::For)], &[]),
        ballot(1, &[(0, 0, Mark::For)], &[]),
    ];
    let res = run(r, &rules("county-2006"), &b);
    assert_eq!(res.station_discrepancies, ["S2"]);
    assert_eq!(res.void_reasons, ["R-CNT-2"]);
    assert!(res.contests[0].elected.is_empty());
    // Station over its count but the round total within: a warning only.
    let r = round(RoundKind::General, 4, &[3, 1], &[DIRECTOR]);
    let res = run(r, &rules("county-2006"), &b);
    assert!(res.valid);
    assert_eq!(res.station_discrepancies, ["S2"]);
    assert_eq!(res.contests[0].elected, ["d1"]);
    // Both reasons, in rule order.
    let r = round(RoundKind::General, 10, &[1, 0], &[DIRECTOR]);
    let res = run(r, &rules("county-2006"), &b[..2]);
    assert_eq!(res.void_reasons, ["R-CNT-2", "R-CNT-3"]);
}

const FOUR: (&str, u64, &[(&str, &str, Gender)]) = (
    "member",
    2,
    &[
        ("a", "甲", M),
        ("b", "乙", F),
        ("c", "丙", M),
        ("d", "丁", F),
    ],
);

fn votes(counts: &[(usize, usize)]) -> Vec<Ballot> {
    counts
        .iter()
        .flat_map(|&(k, n)| times(n, ballot(0, &[(0, k, Mark::For)], &[])))
        .collect()
}

#[test]
fn tie_at_the_last_seat_goes_to_the_tie_list() {
    // R-CNT-6, in a further round (bar: a third of 12 cast). Two seats:
    // a 12, b 6, c 6: a is elected, b and c tie for the last seat.
    let r = round(RoundKind::Further, 20, &[12], &[FOUR]);
    let mut b = times(6, ballot(0, &[(0, 0, Mark::For), (0, 1, Mark::For)], &[]));
    b.extend(times(
        6,
        ballot(0, &[(0, 0, Mark::For), (0, 2, Mark::For)], &[]),
    ));
    let res = run(r, &rules("county-2006"), &b);
    let c = &res.contests[0];
    assert_eq!(c.elected, ["a"]);
    assert_eq!(c.tie, ["b", "c"]);
    assert_eq!(c.unfilled, 0);
    assert_eq!(c.further_election.seats, 0);
}

#[test]
fn a_tie_that_fits_the_seats_elects_everyone_in_it() {
    let r = round(RoundKind::Further, 30, &[20], &[FOUR]);
    let res = run(r, &rules("county-2006"), &votes(&[(1, 7), (2, 7), (0, 6)]));
    assert_eq!(res.contests[0].elected, ["b", "c"]);
    assert!(res.contests[0].tie.is_empty());
}

#[test]
fn further_round_needs_at_least_a_third_of_ballots_cast() {
    // R-CNT-7: 3 × for ≥ cast. 21 cast: 7 qualifies, 6 does not.
    let r = round(RoundKind::Further, 30, &[21], &[FOUR]);
    let res = run(
        r,
        &rules("county-2006"),
        &votes(&[(0, 7), (1, 6), (2, 6), (3, 2)]),
    );
    let c = &res.contests[0];
    assert_eq!(c.elected, ["a"]);
    assert_eq!(c.unfilled, 1);
    // Unfilled seats + margin 1, in tally order.
    assert_eq!(c.further_election.candidates, ["b", "c"]);
    let mut wide = rules("county-2006");
    wide.further_margin = 5;
    let r = round(RoundKind::Further, 30, &[21], &[FOUR]);
    let res = run(r, &wide, &votes(&[(0, 7), (1, 6), (2, 6), (3, 2)]));
    assert_eq!(res.contests[0].further_election.candidates, ["b", "c", "d"]);
}

#[test]
fn tie_break_round_needs_only_one_vote() {
    let tied: (&str, u64, &[(&str, &str, Gender)]) =
        ("member", 1, &[("b", "乙", F), ("c", "丙", M)]);
    let r = round(RoundKind::TieBreak, 30, &[20], &[tied]);
    let res = run(r.clone(), &rules("county-2006"), &votes(&[(0, 1)]));
    assert_eq!(res.contests[0].elected, ["b"]);
    assert_eq!(res.women_elected, 1);
    let res = run(r.clone(), &rules("county-2006"), &votes(&[(0, 3), (1, 3)]));
    assert_eq!(res.contests[0].tie, ["b", "c"]);
    let res = run(r, &rules("county-2006"), &[]);
    assert!(res.contests[0].elected.is_empty());
    assert_eq!(res.contests[0].unfilled, 1);
}

#[test]
fn women_elected_uses_the_majority_gender_of_a_write_in() {
    let r = round(RoundKind::General, 4, &[3], &[DIRECTOR]);
    let b = [
        ballot(0, &[], &[(0, "孙红", Some(F))]),
        ballot(0, &[], &[(0, "孙红", Some(F))]),
        ballot(0, &[], &[(0, "孙红", Some(M))]),
    ];
    let res = run(r, &rules("county-2006"), &b);
    assert_eq!(res.contests[0].elected, ["write-in:孙红"]);
    assert_eq!(res.women_elected, 1);
}

#[test]
fn impossible_ballots_are_errors_and_count_nothing() {
    let dup_names: (&str, u64, &[(&str, &str, Gender)]) =
        ("member", 2, &[("x1", "张伟", M), ("x2", "张伟", M)]);
    let r = round(RoundKind::General, 4, &[3], &[DIRECTOR, dup_names]);
    let mut counter = Counter::new(r, None);
    let bad = [
        (ballot(5, &[], &[]), BallotError::UnknownStation),
        (
            ballot(0, &[(0, 0, Mark::For), (0, 0, Mark::Against)], &[]),
            BallotError::DuplicateMark { mark: 1 },
        ),
        (
            ballot(0, &[(0, 9, Mark::For)], &[]),
            BallotError::UnknownCandidate { mark: 0 },
        ),
        (
            ballot(0, &[(7, 0, Mark::For)], &[]),
            BallotError::UnknownContest {
                mark: Some(0),
                write_in: None,
            },
        ),
        (
            ballot(0, &[], &[(0, "  ", None)]),
            BallotError::BlankWriteIn { write_in: 0 },
        ),
        (
            ballot(0, &[], &[(1, "张伟", None)]),
            BallotError::AmbiguousWriteIn { write_in: 0 },
        ),
    ];
    for (b, err) in bad {
        assert_eq!(counter.add(&b), Err(err));
    }
    assert_eq!(counter.cast(), 0);
    // The scratch was reset: a good ballot after the bad ones counts cleanly.
    counter.add(&ballot(0, &[(0, 0, Mark::For)], &[])).unwrap();
    let res = counter.finish(&rules("county-2006")).unwrap();
    assert_eq!(res.cast, 1);
    assert_eq!(row(&res, 0, "d1").votes_for, 1);
    assert_eq!(row(&res, 0, "d1").against, 0);
}

#[test]
fn round_definitions_are_checked() {
    let c = |id: &str, cands: Vec<Candidate>| Contest {
        id: id.into(),
        title: String::new(),
        seats: Seats::new(1).unwrap(),
        candidates: cands,
    };
    let k = |id: &str, name: &str| Candidate {
        id: id.into(),
        name: name.into(),
        gender: M,
    };
    let s = |id: &str, n| Station {
        id: id.into(),
        issued: n,
    };
    let new = |st, cs| Round::new(RoundKind::General, 1, st, cs);
    assert!(matches!(
        new(vec![s("S1", 1), s("S1", 1)], vec![]),
        Err(RoundError::DuplicateStation { station: 1, .. })
    ));
    assert!(matches!(
        new(vec![], vec![c("a", vec![]), c("a", vec![])]),
        Err(RoundError::DuplicateContest { contest: 1, .. })
    ));
    assert!(matches!(
        new(vec![], vec![c("a", vec![k("x", "甲"), k("x", "乙")])]),
        Err(RoundError::DuplicateCandidate { candidate: 1, .. })
    ));
    assert!(matches!(
        new(vec![], vec![c("a", vec![k("write-in:甲", "甲")])]),
        Err(RoundError::ReservedCandidateId { .. })
    ));
    assert!(matches!(
        new(vec![], vec![c("a", vec![k("x", " ")])]),
        Err(RoundError::BlankName { .. })
    ));
    assert_eq!(
        new(vec![s("S1", u64::MAX), s("S2", 1)], vec![]).err(),
        Some(RoundError::IssuedOverflow)
    );
}

// ---- properties -----------------------------------------------------------

const NAMES: [&str; 6] = ["王建国", "李秀英", "张伟", "陈静", "刘洋", "杨帆"];
const WRITE_IN_NAMES: [&str; 4] = ["赵六", " 赵六", "孙红", "王建国"];

/// A random round and its ballots, from plain numbers (shrinks well).
#[derive(Debug, Clone)]
struct Scenario {
    kind: RoundKind,
    registered: u64,
    issued: Vec<u64>,
    contests: Vec<(u64, usize)>,
    ballots: Vec<Ballot>,
    rules: CountingRules,
}

impl Scenario {
    fn round(&self) -> Round {
        let contests = self
            .contests
            .iter()
            .enumerate()
            .map(|(c, &(seats, n))| Contest {
                id: format!("c{c}"),
                title: String::new(),
                seats: Seats::new(seats).unwrap(),
                candidates: (0..n)
                    .map(|k| Candidate {
                        id: format!("k{c}{k}"),
                        name: NAMES[(c + k) % NAMES.len()].to_owned(),
                        gender: if k % 2 == 0 { M } else { F },
                    })
                    .collect(),
            })
            .collect();
        let stations = self
            .issued
            .iter()
            .enumerate()
            .map(|(i, &n)| Station {
                id: format!("S{i}"),
                issued: n,
            })
            .collect();
        Round::new(self.kind, self.registered, stations, contests).unwrap()
    }

    fn count(&self) -> RoundResult {
        count(self.round(), &self.rules, &self.ballots).unwrap()
    }
}

fn scenario() -> impl Strategy<Value = Scenario> {
    let shape = (
        prop_oneof![
            Just(RoundKind::General),
            Just(RoundKind::Further),
            Just(RoundKind::TieBreak)
        ],
        prop::collection::vec((1u64..4, 1usize..6), 1..4),
        prop::collection::vec(0u64..40, 1..4),
        0u64..120,
        any::<(bool, bool, bool)>(),
        0u32..3,
    );
    shape.prop_flat_map(|(kind, contests, issued, registered, flags, margin)| {
        let n_st = issued.len();
        let cs = contests.clone();
        let ballot = (
            0..n_st,
            prop::bool::weighted(0.05),
            prop::collection::vec((0usize..8, 0usize..8, 0u8..3), 0..8),
            prop::collection::vec((0usize..8, 0usize..WRITE_IN_NAMES.len(), 0u8..3), 0..2),
        )
            .prop_map(move |(station, unreadable, marks, writes)| {
                let mut b = Ballot {
                    station,
                    unreadable,
                    ..Ballot::default()
                };
                for (c, k, m) in marks {
                    let c = c % cs.len();
                    let k = k % cs[c].1;
                    if b.marks.iter().any(|e| e.contest == c && e.candidate == k) {
                        continue;
                    }
                    let mark = [Mark::For, Mark::Against, Mark::Abstain][usize::from(m)];
                    b.marks.push(MarkEntry {
                        contest: c,
                        candidate: k,
                        mark,
                    });
                }
                for (c, w, g) in writes {
                    let gender = [None, Some(M), Some(F)][usize::from(g)];
                    b.write_ins.push(WriteIn {
                        contest: c % cs.len(),
                        name: WRITE_IN_NAMES[w].to_owned(),
                        gender,
                    });
                }
                b
            });
        let total: u64 = issued.iter().sum();
        let n_ballots = 0..=(total as usize + 3);
        (
            Just((kind, contests, issued, registered, flags, margin)),
            prop::collection::vec(ballot, n_ballots),
        )
            .prop_map(
                |(
                    (
                        kind,
                        contests,
                        issued,
                        registered,
                        (ballot_scope, void_same, cast_base),
                        margin,
                    ),
                    ballots,
                )| {
                    let mut rules = rules("county-2006");
                    if ballot_scope {
                        rules.overvote_scope = OvervoteScope::Ballot;
                    }
                    if void_same {
                        rules.same_person_two_positions = SamePersonRule::VoidBallot;
                    }
                    if cast_base {
                        rules.win_base = WinBase::Cast;
                    }
                    rules.further_margin = margin;
                    Scenario {
                        kind,
                        registered,
                        issued,
                        contests,
                        ballots,
                        rules,
                    }
                },
            )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn ballot_order_never_changes_the_result(s in scenario(), seed in any::<u64>()) {
        let expected = s.count();
        let mut shuffled = s.clone();
        // A deterministic shuffle from the seed (Fisher–Yates, splitmix64).
        let mut x = seed;
        for i in (1..shuffled.ballots.len()).rev() {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            shuffled.ballots.swap(i, (z % (i as u64 + 1)) as usize);
        }
        prop_assert_eq!(shuffled.count(), expected);
    }

    #[test]
    fn every_tally_row_sums_to_the_valid_ballots(s in scenario()) {
        let res = s.count();
        prop_assert_eq!(res.cast, s.ballots.len() as u64);
        for c in &res.contests {
            let valid = res.cast - c.void_ballots;
            for t in &c.tally {
                prop_assert_eq!(t.votes_for + t.against + t.abstain, valid, "{} in {}", t.person, c.id);
            }
            // Sorted by for descending, then person ascending.
            for w in c.tally.windows(2) {
                prop_assert!((w[0].votes_for, &w[1].person) >= (w[1].votes_for, &w[0].person));
            }
            // Seats are elected, held by a tie, or unfilled.
            let elected = c.elected.len() as u32;
            if c.tie.is_empty() {
                prop_assert_eq!(elected + c.unfilled, c.seats);
            } else {
                prop_assert_eq!(c.unfilled, 0);
                prop_assert!(elected < c.seats && c.tie.len() as u32 > c.seats - elected);
            }
        }
    }

    #[test]
    fn a_void_round_elects_no_one(s in scenario()) {
        let res = s.count();
        let voted: u64 = s.issued.iter().sum();
        let void = res.cast > voted || 2 * voted <= s.registered;
        prop_assert_eq!(res.valid, !void);
        if !res.valid {
            prop_assert_eq!(res.women_elected, 0);
            for c in &res.contests {
                prop_assert!(c.elected.is_empty() && c.tie.is_empty());
                prop_assert_eq!(c.unfilled, c.seats);
                prop_assert_eq!(c.further_election.seats, 0);
                prop_assert!(c.further_election.candidates.is_empty());
            }
        }
    }

    #[test]
    fn counting_every_rule_combination_agrees_with_counting_one(s in scenario()) {
        let mut all = Counter::new(s.round(), None);
        for b in &s.ballots {
            all.add(b).unwrap();
        }
        prop_assert_eq!(all.finish(&s.rules).unwrap(), s.count());
    }

    #[test]
    fn another_for_vote_never_unseats_an_elected_person(s in scenario(), c in any::<prop::sample::Index>(), k in any::<prop::sample::Index>()) {
        // Add voters one by one, each voting `for` one candidate only: once
        // elected, the candidate stays elected.
        let c = c.index(s.contests.len());
        let k = k.index(s.contests[c].1);
        let person = s.round().contests()[c].candidates[k].id.clone();
        let mut more = s.clone();
        let mut was_elected = false;
        for added in 0..30 {
            let res = more.count();
            let elected = res.contests[c].elected.contains(&person);
            prop_assert!(elected || !was_elected, "{} lost their seat after {} more votes: {:?}", person, added, res.contests[c]);
            was_elected = elected;
            more.issued[0] += 1;
            more.ballots.push(ballot(0, &[(c, k, Mark::For)], &[]));
        }
    }

    #[test]
    fn general_majority_is_exactly_more_than_half(voted in 1u64..200, share in 0u64..=200) {
        let votes_for = share.min(voted);
        let r = round(RoundKind::General, voted, &[voted], &[("director", 1, &[("d1", "王建国", M)])]);
        let b = votes(&[(0, votes_for as usize)]);
        let res = run(r, &rules("county-2006"), &b);
        prop_assert_eq!(res.contests[0].elected.len() == 1, 2 * votes_for > voted);
    }

    #[test]
    fn further_bar_is_exactly_a_third_of_cast(cast in 1u64..200, share in 0u64..=200) {
        let votes_for = share.min(cast);
        let r = round(RoundKind::Further, cast, &[cast], &[("member", 1, &[("a", "甲", M), ("b", "乙", F)])]);
        let mut b = votes(&[(0, votes_for as usize)]);
        b.extend(times((cast - votes_for) as usize, ballot(0, &[], &[])));
        let res = run(r, &rules("county-2006"), &b);
        prop_assert_eq!(res.contests[0].elected.len() == 1, votes_for > 0 && 3 * votes_for >= cast);
    }
}
