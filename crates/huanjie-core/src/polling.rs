//! Polling stations and polling day (R-POLL-1, R-POLL-5, R-CNT-1/2), as
//! pure rules: which stations an election may set up, and the order of a
//! station's day — polls open (with every counter at zero), ballots
//! issued (a count, never to whom), polls closed, then the count.
//!
//! The store keeps the state; these functions say whether a step may
//! happen from it. Every refusal carries its rule id and plain words in
//! both languages.

use crate::profile::PollingRules;
use crate::rule;

/// What kind of place a ballot box is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StationKind {
    /// 中心投票站: where the boxes are opened and counted (R-CNT-1).
    Central,
    /// 投票站 (分会场): a further fixed station.
    Sub,
    /// 流动票箱: carried to voters who cannot come (R-POLL-1, per profile).
    Mobile,
}

impl StationKind {
    pub const ALL: [StationKind; 3] = [StationKind::Central, StationKind::Sub, StationKind::Mobile];

    pub fn code(self) -> &'static str {
        match self {
            StationKind::Central => "central",
            StationKind::Sub => "sub",
            StationKind::Mobile => "mobile",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            StationKind::Central => "中心投票站",
            StationKind::Sub => "投票站",
            StationKind::Mobile => "流动票箱",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            StationKind::Central => "central polling station",
            StationKind::Sub => "polling station",
            StationKind::Mobile => "mobile ballot box",
        }
    }
}

/// Why a station cannot be added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StationRefusal {
    /// There is one central station already.
    SecondCentral,
    /// The profile forbids mobile boxes (County-2006).
    MobileForbidden,
    /// The profile allows this many mobile boxes, and they are all set up.
    TooManyMobile { max: u32 },
    /// A representatives' assembly votes into exactly one box.
    AssemblyOneBox,
}

impl StationRefusal {
    pub fn rule(&self) -> &'static str {
        rule::POLL_1
    }

    pub fn code(&self) -> &'static str {
        match self {
            StationRefusal::SecondCentral => "second_central_station",
            StationRefusal::MobileForbidden => "mobile_boxes_forbidden",
            StationRefusal::TooManyMobile { .. } => "too_many_mobile_boxes",
            StationRefusal::AssemblyOneBox => "assembly_one_box",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            StationRefusal::SecondCentral => "已经设有中心投票站，只能设一个".to_owned(),
            StationRefusal::MobileForbidden => "本选举规程不允许设流动票箱".to_owned(),
            StationRefusal::TooManyMobile { max } => {
                format!("本选举规程最多允许设{max}个流动票箱，已经设满")
            }
            StationRefusal::AssemblyOneBox => {
                "居民代表会议选举只设一个票箱（中心投票站）".to_owned()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            StationRefusal::SecondCentral => {
                "there is a central polling station already; there is only one".to_owned()
            }
            StationRefusal::MobileForbidden => {
                "this election's profile allows no mobile ballot boxes".to_owned()
            }
            StationRefusal::TooManyMobile { max } => format!(
                "this election's profile allows at most {max} mobile ballot boxes, all set up"
            ),
            StationRefusal::AssemblyOneBox => {
                "a representatives' assembly votes into one ballot box only (the central station)"
                    .to_owned()
            }
        }
    }
}

/// Whether a station of `kind` may be added to an election that has
/// stations of `existing` kinds. `assembly`: the residents' representatives
/// elect (R-REG-6), in one meeting with one box.
pub fn check_new_station(
    existing: &[StationKind],
    kind: StationKind,
    rules: &PollingRules,
    assembly: bool,
) -> Result<(), StationRefusal> {
    if assembly && (kind != StationKind::Central || !existing.is_empty()) {
        return Err(StationRefusal::AssemblyOneBox);
    }
    match kind {
        StationKind::Central if existing.contains(&StationKind::Central) => {
            Err(StationRefusal::SecondCentral)
        }
        StationKind::Mobile if rules.mobile_boxes_max == 0 => Err(StationRefusal::MobileForbidden),
        StationKind::Mobile => {
            let mobile = existing
                .iter()
                .filter(|k| **k == StationKind::Mobile)
                .count();
            if u32::try_from(mobile).unwrap_or(u32::MAX) >= rules.mobile_boxes_max {
                Err(StationRefusal::TooManyMobile {
                    max: rules.mobile_boxes_max,
                })
            } else {
                Ok(())
            }
        }
        _ => Ok(()),
    }
}

/// Where a station's day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Polls {
    /// Set up; polls not open yet.
    NotOpened,
    /// Voting: ballots are issued.
    Open,
    /// Voting over: the box is counted.
    Closed,
}

impl Polls {
    pub fn code(self) -> &'static str {
        match self {
            Polls::NotOpened => "not_opened",
            Polls::Open => "open",
            Polls::Closed => "closed",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [Polls::NotOpened, Polls::Open, Polls::Closed]
            .into_iter()
            .find(|p| p.code() == code)
    }
}

/// A step of the day that the station's state does not allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PollsRefusal {
    /// Polls open only once, and only with every counter at zero.
    CountersNotZero {
        issued: u64,
        scanned: u64,
    },
    /// Polls open only with enough scrutineers appointed for the station
    /// (R-POLL-2; the profile's `scrutineers_min`).
    TooFewScrutineers {
        named: u64,
        min: u32,
    },
    AlreadyOpen,
    AlreadyClosed,
    /// Ballots are issued, and polls closed, only while polls are open.
    NotOpen,
    /// Ballots are counted only after polls close (R-CNT-1).
    NotClosed,
    /// Taking back an issue would make the count negative.
    NothingToTakeBack,
}

impl PollsRefusal {
    pub fn rule(&self) -> &'static str {
        match self {
            PollsRefusal::NotClosed => rule::CNT_1,
            PollsRefusal::TooFewScrutineers { .. } => rule::POLL_2,
            _ => rule::POLL_5,
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            PollsRefusal::CountersNotZero { .. } => "counters_not_zero",
            PollsRefusal::TooFewScrutineers { .. } => "too_few_scrutineers",
            PollsRefusal::AlreadyOpen => "polls_already_open",
            PollsRefusal::AlreadyClosed => "polls_already_closed",
            PollsRefusal::NotOpen => "polls_not_open",
            PollsRefusal::NotClosed => "polls_not_closed",
            PollsRefusal::NothingToTakeBack => "nothing_issued",
        }
    }

    pub fn message_zh(&self) -> String {
        match self {
            PollsRefusal::CountersNotZero { issued, scanned } => {
                format!("投票站的计数不为零（已发票{issued}张，已计票{scanned}张），不能开始投票")
            }
            PollsRefusal::TooFewScrutineers { named, min } => {
                format!("本投票站至少要任命{min}名监票人（现有{named}名），不能开始投票")
            }
            PollsRefusal::AlreadyOpen => "投票已经开始".to_owned(),
            PollsRefusal::AlreadyClosed => "投票已经结束".to_owned(),
            PollsRefusal::NotOpen => "投票尚未开始或已经结束，不能发票或结束投票".to_owned(),
            PollsRefusal::NotClosed => "投票结束后才能计票".to_owned(),
            PollsRefusal::NothingToTakeBack => "没有已发出的选票可以撤回".to_owned(),
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            PollsRefusal::CountersNotZero { issued, scanned } => format!(
                "the station's counters are not zero ({issued} issued, {scanned} counted): polls cannot open"
            ),
            PollsRefusal::TooFewScrutineers { named, min } => format!(
                "this station needs at least {min} scrutineers appointed ({named} so far): polls cannot open"
            ),
            PollsRefusal::AlreadyOpen => "polls are open already".to_owned(),
            PollsRefusal::AlreadyClosed => "polls are closed already".to_owned(),
            PollsRefusal::NotOpen => {
                "polls are not open: no ballots can be issued and polls cannot close".to_owned()
            }
            PollsRefusal::NotClosed => "ballots are counted only after polls close".to_owned(),
            PollsRefusal::NothingToTakeBack => "no issued ballot to take back".to_owned(),
        }
    }
}

/// Opening polls: only from `NotOpened`, with nothing issued or counted,
/// and with at least `min` scrutineers appointed for the station
/// (`scrutineers`, R-POLL-2).
pub fn open(
    state: Polls,
    issued: u64,
    scanned: u64,
    scrutineers: u64,
    min: u32,
) -> Result<Polls, PollsRefusal> {
    match state {
        Polls::Open => Err(PollsRefusal::AlreadyOpen),
        Polls::Closed => Err(PollsRefusal::AlreadyClosed),
        Polls::NotOpened if issued != 0 || scanned != 0 => {
            Err(PollsRefusal::CountersNotZero { issued, scanned })
        }
        Polls::NotOpened if scrutineers < u64::from(min) => Err(PollsRefusal::TooFewScrutineers {
            named: scrutineers,
            min,
        }),
        Polls::NotOpened => Ok(Polls::Open),
    }
}

/// Issuing ballots (or taking back a count entered by mistake, `delta`
/// negative): only while polls are open; the count never goes below zero.
/// Returns the new count.
pub fn issue(state: Polls, issued: u64, delta: i64) -> Result<u64, PollsRefusal> {
    if state != Polls::Open {
        return Err(PollsRefusal::NotOpen);
    }
    let next = i128::from(issued) + i128::from(delta);
    u64::try_from(next).map_err(|_| PollsRefusal::NothingToTakeBack)
}

/// Closing polls: only while open.
pub fn close(state: Polls) -> Result<Polls, PollsRefusal> {
    match state {
        Polls::Open => Ok(Polls::Closed),
        Polls::Closed => Err(PollsRefusal::AlreadyClosed),
        Polls::NotOpened => Err(PollsRefusal::NotOpen),
    }
}

/// Counting a ballot (a scan): only after polls close (R-CNT-1).
pub fn count(state: Polls) -> Result<(), PollsRefusal> {
    match state {
        Polls::Closed => Ok(()),
        _ => Err(PollsRefusal::NotClosed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules(max: u32) -> PollingRules {
        PollingRules {
            mobile_boxes_max: max,
            mobile_boxes_need_approval: false,
            scrutineers_min: 3,
        }
    }

    use StationKind::*;

    #[test]
    fn one_central_station() {
        assert_eq!(check_new_station(&[], Central, &rules(2), false), Ok(()));
        assert_eq!(
            check_new_station(&[Central, Sub], Central, &rules(2), false),
            Err(StationRefusal::SecondCentral)
        );
        assert_eq!(check_new_station(&[Central], Sub, &rules(2), false), Ok(()));
    }

    #[test]
    fn mobile_boxes_per_profile() {
        // County-2006 forbids them; City-2009 allows 1–2.
        let county = crate::profile::Profile::builtin("county-2006").unwrap();
        let city = crate::profile::Profile::builtin("city-2009").unwrap();
        let e = check_new_station(&[Central], Mobile, &county.polling, false).unwrap_err();
        assert_eq!((e.rule(), e.code()), ("R-POLL-1", "mobile_boxes_forbidden"));
        assert_eq!(
            check_new_station(&[Central], Mobile, &city.polling, false),
            Ok(())
        );
        assert_eq!(
            check_new_station(&[Central, Mobile], Mobile, &city.polling, false),
            Ok(())
        );
        let e = check_new_station(&[Central, Mobile, Mobile], Mobile, &city.polling, false)
            .unwrap_err();
        assert_eq!(e, StationRefusal::TooManyMobile { max: 2 });
        assert!(e.message_zh().contains('2') && e.message_en().contains("at most 2"));
    }

    #[test]
    fn an_assembly_has_one_box() {
        assert_eq!(check_new_station(&[], Central, &rules(2), true), Ok(()));
        for kind in [Sub, Mobile, Central] {
            assert_eq!(
                check_new_station(&[Central], kind, &rules(2), true),
                Err(StationRefusal::AssemblyOneBox)
            );
        }
        assert_eq!(
            check_new_station(&[], Sub, &rules(2), true),
            Err(StationRefusal::AssemblyOneBox)
        );
    }

    #[test]
    fn the_day_in_order() {
        assert_eq!(open(Polls::NotOpened, 0, 0, 3, 3), Ok(Polls::Open));
        // R-POLL-2: two scrutineers are not enough where three are wanted.
        let refused = open(Polls::NotOpened, 0, 0, 2, 3);
        assert_eq!(
            refused,
            Err(PollsRefusal::TooFewScrutineers { named: 2, min: 3 })
        );
        assert_eq!(refused.map_err(|r| r.rule()), Err("R-POLL-2"));
        assert_eq!(
            open(Polls::NotOpened, 1, 0, 3, 3),
            Err(PollsRefusal::CountersNotZero {
                issued: 1,
                scanned: 0
            })
        );
        assert_eq!(
            open(Polls::Open, 0, 0, 3, 3),
            Err(PollsRefusal::AlreadyOpen)
        );
        assert_eq!(
            open(Polls::Closed, 0, 0, 3, 3),
            Err(PollsRefusal::AlreadyClosed)
        );
        assert_eq!(issue(Polls::NotOpened, 0, 1), Err(PollsRefusal::NotOpen));
        assert_eq!(issue(Polls::Open, 0, 3), Ok(3));
        assert_eq!(issue(Polls::Open, 3, -3), Ok(0));
        assert_eq!(
            issue(Polls::Open, 3, -4),
            Err(PollsRefusal::NothingToTakeBack)
        );
        assert_eq!(issue(Polls::Closed, 3, 1), Err(PollsRefusal::NotOpen));
        assert_eq!(close(Polls::Open), Ok(Polls::Closed));
        assert_eq!(close(Polls::NotOpened), Err(PollsRefusal::NotOpen));
        assert_eq!(count(Polls::Open).unwrap_err().rule(), "R-CNT-1");
        assert_eq!(count(Polls::Closed), Ok(()));
        for p in [Polls::NotOpened, Polls::Open, Polls::Closed] {
            assert_eq!(Polls::parse(p.code()), Some(p));
        }
        for k in StationKind::ALL {
            assert_eq!(StationKind::parse(k.code()), Some(k));
        }
    }

    proptest! {
        /// Whatever steps are tried in whatever order, the issued count
        /// never goes negative, changes only while polls are open, and
        /// counting is allowed exactly when polls are closed.
        #[test]
        fn any_sequence_keeps_the_invariants(steps in proptest::collection::vec(0u8..4, 0..40), deltas in proptest::collection::vec(-3i64..4, 40)) {
            let mut state = Polls::NotOpened;
            let mut issued = 0u64;
            for (step, delta) in steps.iter().zip(deltas) {
                match step {
                    0 => if let Ok(s) = open(state, issued, 0, 3, 3) { state = s },
                    1 => if let Ok(n) = issue(state, issued, delta) {
                        prop_assert_eq!(state, Polls::Open);
                        issued = n;
                    },
                    2 => if let Ok(s) = close(state) { state = s },
                    _ => prop_assert_eq!(count(state).is_ok(), state == Polls::Closed),
                }
            }
        }
    }
}
