//! The homeowners' assembly (业主大会, R-OWN-1; Civil Code art. 278):
//! who the owners are, and whether a decision passed.
//!
//! A decision counts twice: by exclusive floor area (专有部分面积) and by
//! owners (人数). Both must take part (the quorum: two thirds of the total
//! area and two thirds of the owners) and both must agree (more than half
//! of the participating area and owners for an ordinary decision, electing
//! the homeowners' committee included; three quarters of both for raising
//! or using the maintenance funds and for rebuilding). The numbers are the
//! profile's `[homeowners]` section, never constants here.
//!
//! Who counts as one owner is the other half of R-OWN-1: one unit is one
//! owner; an owner of several units is one owner, whose area is the sum of
//! theirs; and all of a developer's unsold units are one owner together, so
//! a developer holding a third of the estate's area casts one head's vote
//! with a third of the area. An owner is named by the register's name
//! column: two different people with the same name must be told apart
//! there (e.g. `张伟（3-201）`), since the register carries no ID number.
//!
//! Areas are exact integers of hundredths of a square metre ([`Area`]), so
//! "exactly two thirds" is decided exactly, never by a float.
//!
//! Pure: units in, owners out; votes in, an outcome out.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::rule;
use crate::threshold::Threshold;

pub mod committee;

pub use committee::CommitteeRanking;

/// The profile's numbers for the homeowners' assembly (R-OWN-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HomeownersRules {
    /// Owners holding this share of the total exclusive area take part …
    pub quorum_area: Threshold,
    /// … and this share of all owners (two thirds each).
    pub quorum_owners: Threshold,
    /// An ordinary decision (the committee's election included): this
    /// share of the participating area in favour …
    pub ordinary_area: Threshold,
    /// … and of the participating owners (more than half each).
    pub ordinary_owners: Threshold,
    /// Maintenance funds (raising, using) and rebuilding: this share of
    /// the participating area …
    pub special_area: Threshold,
    /// … and of the participating owners (three quarters each).
    pub special_owners: Threshold,
    /// Electing the committee: how the seats go when more candidates pass
    /// than there are seats (the sources leave it to the assembly's rules).
    pub committee_ranking: CommitteeRanking,
}

/// Exclusive floor area in hundredths of a square metre (0.01 m²).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Area(pub u64);

/// Why an area could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AreaError {
    #[error("an area is square metres with at most two decimals, e.g. 89.50")]
    NotANumber,
    #[error("an area has at most two decimals (0.01 m²)")]
    TooPrecise,
    #[error("an area must be more than 0")]
    Zero,
    #[error("the area is too large")]
    TooLarge,
}

impl Area {
    /// Hundredths of a square metre.
    pub fn centi(self) -> u64 {
        self.0
    }

    /// Reads `"89.5"`, `"89.50"`, `"120"` (square metres, at most two
    /// decimals, more than zero). A decimal comma is refused as not a
    /// number rather than guessed at.
    pub fn parse(raw: &str) -> Result<Area, AreaError> {
        let s = raw.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
            return Err(AreaError::NotANumber);
        }
        if !frac.bytes().all(|b| b.is_ascii_digit()) || (s.contains('.') && frac.is_empty()) {
            return Err(AreaError::NotANumber);
        }
        if frac.len() > 2 {
            return Err(AreaError::TooPrecise);
        }
        let whole: u64 = whole.parse().map_err(|_| AreaError::TooLarge)?;
        let mut hundredths: u64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| AreaError::NotANumber)?
        };
        if frac.len() == 1 {
            hundredths *= 10;
        }
        // A unit of more than 10^9 m² is a typing error, not a flat.
        if whole > 1_000_000_000 {
            return Err(AreaError::TooLarge);
        }
        let centi = whole * 100 + hundredths;
        if centi == 0 {
            return Err(AreaError::Zero);
        }
        Ok(Area(centi))
    }
}

impl fmt::Display for Area {
    /// `8950` → `89.50` (square metres).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:02}", self.0 / 100, self.0 % 100)
    }
}

/// One row of the units register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unit {
    /// The unit's number (房号), unique in the estate.
    pub unit: String,
    pub area: Area,
    /// The owner's name; for an unsold unit, the developer's.
    pub owner: String,
    /// A developer's unsold unit (开发商未售).
    pub developer_unsold: bool,
}

/// One owner of the register: one head, the area of all their units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Owner {
    /// 1, 2, … in the order owners first appear in the register.
    pub number: u32,
    pub name: String,
    /// The developer, holding every unsold unit.
    pub developer: bool,
    pub area: Area,
    /// Unit numbers, in register order.
    pub units: Vec<String>,
}

/// A row of the register that breaks R-OWN-1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    #[error(
        "unit {unit}: listed twice (rows {first} and {again}): one unit is one owner (R-OWN-1)"
    )]
    DuplicateUnit {
        unit: String,
        /// 1-based positions in the list of units.
        first: usize,
        again: usize,
    },
    #[error("the register has no units")]
    Empty,
}

impl RegisterError {
    pub fn rule(&self) -> &'static str {
        rule::OWN_1
    }
}

/// Everyone who can vote in the assembly, with the totals its quorum and
/// majorities are counted against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub owners: Vec<Owner>,
    pub total_area: Area,
    pub total_units: u64,
}

impl Register {
    /// Groups units into owners (R-OWN-1): every unsold unit of the
    /// developer to one owner; any other unit to the owner of its name,
    /// trimmed, so one person's several units make one owner. A unit
    /// listed twice is refused (it would be two owners of one unit, or one
    /// unit's area counted twice).
    pub fn from_units(units: &[Unit]) -> Result<Register, RegisterError> {
        if units.is_empty() {
            return Err(RegisterError::Empty);
        }
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        let mut owners: Vec<Owner> = Vec::new();
        let mut by_name: BTreeMap<String, usize> = BTreeMap::new();
        let mut developer: Option<usize> = None;
        let mut total: u64 = 0;
        for (i, u) in units.iter().enumerate() {
            let unit = u.unit.trim();
            if let Some(first) = seen.insert(unit, i + 1) {
                return Err(RegisterError::DuplicateUnit {
                    unit: unit.to_owned(),
                    first,
                    again: i + 1,
                });
            }
            total = total.saturating_add(u.area.0);
            let slot = if u.developer_unsold {
                developer
            } else {
                by_name.get(u.owner.trim()).copied()
            };
            let at = match slot {
                Some(at) => at,
                None => {
                    let at = owners.len();
                    owners.push(Owner {
                        number: u32::try_from(at + 1).unwrap_or(u32::MAX),
                        name: u.owner.trim().to_owned(),
                        developer: u.developer_unsold,
                        area: Area(0),
                        units: Vec::new(),
                    });
                    if u.developer_unsold {
                        developer = Some(at);
                    } else {
                        by_name.insert(u.owner.trim().to_owned(), at);
                    }
                    at
                }
            };
            if let Some(o) = owners.get_mut(at) {
                o.area = Area(o.area.0.saturating_add(u.area.0));
                o.units.push(unit.to_owned());
            }
        }
        Ok(Register {
            owners,
            total_area: Area(total),
            total_units: units.len() as u64,
        })
    }

    /// The register as stored: its owners, totals recomputed.
    pub fn from_owners(owners: Vec<Owner>) -> Register {
        let total_area = Area(owners.iter().map(|o| o.area.0).sum());
        let total_units = owners.iter().map(|o| o.units.len() as u64).sum();
        Register {
            owners,
            total_area,
            total_units,
        }
    }

    pub fn owner_count(&self) -> u64 {
        self.owners.len() as u64
    }

    pub fn owner(&self, number: u32) -> Option<&Owner> {
        self.owners.iter().find(|o| o.number == number)
    }
}

/// What a matter needs (R-OWN-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatterKind {
    /// Ordinary decisions, electing the homeowners' committee included:
    /// more than half of both measures.
    Ordinary,
    /// Raising or using the maintenance funds, rebuilding: three quarters
    /// of both.
    Special,
}

impl MatterKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MatterKind::Ordinary => "ordinary",
            MatterKind::Special => "special",
        }
    }

    pub fn parse(s: &str) -> Option<MatterKind> {
        match s {
            "ordinary" => Some(MatterKind::Ordinary),
            "special" => Some(MatterKind::Special),
            _ => None,
        }
    }
}

/// An owner's answer (同意 / 反对 / 弃权, the decision ballot's choices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    For,
    Against,
    Abstain,
}

impl Choice {
    pub fn as_str(self) -> &'static str {
        match self {
            Choice::For => "for",
            Choice::Against => "against",
            Choice::Abstain => "abstain",
        }
    }

    /// `for`/`against`/`abstain`, or the ballot's 同意/反对/弃权.
    pub fn parse(s: &str) -> Option<Choice> {
        match s {
            "for" | "同意" => Some(Choice::For),
            "against" | "反对" => Some(Choice::Against),
            "abstain" | "弃权" => Some(Choice::Abstain),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Choice::For => "同意",
            Choice::Against => "反对",
            Choice::Abstain => "弃权",
        }
    }
}

/// How a vote reached the assembly: in writing (书面, as received) or in
/// person at the meeting (现场, as cast). Both count alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoteMode {
    Written,
    InPerson,
}

impl VoteMode {
    pub fn as_str(self) -> &'static str {
        match self {
            VoteMode::Written => "written",
            VoteMode::InPerson => "in_person",
        }
    }

    /// `written`/`in_person`, or 书面/现场.
    pub fn parse(s: &str) -> Option<VoteMode> {
        match s {
            "written" | "书面" => Some(VoteMode::Written),
            "in_person" | "现场" => Some(VoteMode::InPerson),
            _ => None,
        }
    }
}

/// One owner's vote on one matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vote {
    pub owner: u32,
    pub choice: Choice,
    pub mode: VoteMode,
}

/// A vote the assembly cannot take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VoteError {
    #[error(
        "owner {name} (no. {owner}) has voted on this matter already: one vote per owner (R-OWN-1)"
    )]
    Twice { owner: u32, name: String },
    #[error("owner no. {0} is not in the register (R-OWN-1)")]
    UnknownOwner(u32),
}

/// Checks a new vote against those recorded: the owner must be in the
/// register and must not have voted on the matter yet, whether in writing
/// or in person. (The store keeps the same rule as a key, so two racing
/// requests cannot both pass.)
pub fn check_vote(register: &Register, recorded: &[Vote], owner: u32) -> Result<(), VoteError> {
    let Some(o) = register.owner(owner) else {
        return Err(VoteError::UnknownOwner(owner));
    };
    if recorded.iter().any(|v| v.owner == owner) {
        return Err(VoteError::Twice {
            owner,
            name: o.name.clone(),
        });
    }
    Ok(())
}

/// Area and heads of one group of owners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Measure {
    pub area: Area,
    pub owners: u64,
}

impl Measure {
    fn add(&mut self, area: Area) {
        self.area = Area(self.area.0.saturating_add(area.0));
        self.owners += 1;
    }
}

/// Which of the four tests a decision failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Test {
    /// Too little of the total area took part.
    QuorumArea,
    /// Too few of all owners took part.
    QuorumOwners,
    /// Too little of the participating area in favour.
    Area,
    /// Too few of the participating owners in favour.
    Owners,
}

/// One failed test, with the threshold it missed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub test: Test,
    pub threshold: Threshold,
    pub rule: &'static str,
}

/// The count of one matter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    pub kind: MatterKind,
    /// The register's totals (the quorum's base).
    pub total: Measure,
    /// Owners who voted, abstentions included (the majority's base).
    pub participating: Measure,
    pub for_: Measure,
    pub against: Measure,
    pub abstain: Measure,
    pub written: u64,
    pub in_person: u64,
    pub quorum_met: bool,
    pub passed: bool,
    /// Every test that failed, quorum first; empty when passed.
    pub failures: Vec<Failure>,
}

impl Outcome {
    /// Passed by owners alone: the majority of heads was there, the area
    /// was not (the developer's case R-OWN-1 is written for).
    pub fn passes_by_owners_only(&self) -> bool {
        !self.passed
            && self.quorum_met
            && self.failures.iter().all(|f| f.test == Test::Area)
            && !self.failures.is_empty()
    }
}

/// Counts one matter's votes against the register (R-OWN-1). Votes by an
/// owner not in the register are not counted, and an owner's second vote
/// is ignored (callers refuse both before storing; see [`check_vote`]).
pub fn decide(
    rules: &HomeownersRules,
    register: &Register,
    kind: MatterKind,
    votes: &[Vote],
) -> Outcome {
    let total = Measure {
        area: register.total_area,
        owners: register.owner_count(),
    };
    let mut participating = Measure::default();
    let mut for_ = Measure::default();
    let mut against = Measure::default();
    let mut abstain = Measure::default();
    let (mut written, mut in_person) = (0, 0);
    let mut counted: std::collections::BTreeSet<u32> = std::collections::BTreeSet::new();
    for v in votes {
        let Some(owner) = register.owner(v.owner) else {
            continue;
        };
        if !counted.insert(v.owner) {
            continue;
        }
        participating.add(owner.area);
        match v.choice {
            Choice::For => for_.add(owner.area),
            Choice::Against => against.add(owner.area),
            Choice::Abstain => abstain.add(owner.area),
        }
        match v.mode {
            VoteMode::Written => written += 1,
            VoteMode::InPerson => in_person += 1,
        }
    }
    let test = |t: Test, threshold: Threshold, count: u64, base: u64| {
        (!threshold.is_met(count, base)).then_some(Failure {
            test: t,
            threshold,
            rule: rule::OWN_1,
        })
    };
    let mut failures: Vec<Failure> = [
        test(
            Test::QuorumArea,
            rules.quorum_area,
            participating.area.0,
            total.area.0,
        ),
        test(
            Test::QuorumOwners,
            rules.quorum_owners,
            participating.owners,
            total.owners,
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    let quorum_met = failures.is_empty();
    let (area, owners) = match kind {
        MatterKind::Ordinary => (rules.ordinary_area, rules.ordinary_owners),
        MatterKind::Special => (rules.special_area, rules.special_owners),
    };
    failures.extend(test(Test::Area, area, for_.area.0, participating.area.0));
    failures.extend(test(
        Test::Owners,
        owners,
        for_.owners,
        participating.owners,
    ));
    // Nobody voting can never pass, whatever a profile's threshold says.
    if participating.owners == 0 && failures.is_empty() {
        failures.push(Failure {
            test: Test::QuorumOwners,
            threshold: rules.quorum_owners,
            rule: rule::OWN_1,
        });
    }
    Outcome {
        kind,
        total,
        participating,
        for_,
        against,
        abstain,
        written,
        in_person,
        quorum_met,
        passed: failures.is_empty(),
        failures,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rules() -> HomeownersRules {
        HomeownersRules {
            quorum_area: ">=2/3".parse().unwrap(),
            quorum_owners: ">=2/3".parse().unwrap(),
            ordinary_area: ">1/2".parse().unwrap(),
            ordinary_owners: ">1/2".parse().unwrap(),
            special_area: ">=3/4".parse().unwrap(),
            special_owners: ">=3/4".parse().unwrap(),
            committee_ranking: CommitteeRanking::OwnersThenArea,
        }
    }

    fn unit(unit: &str, m2: u64, owner: &str, dev: bool) -> Unit {
        Unit {
            unit: unit.into(),
            area: Area(m2 * 100),
            owner: owner.into(),
            developer_unsold: dev,
        }
    }

    fn vote(owner: u32, choice: Choice) -> Vote {
        Vote {
            owner,
            choice,
            mode: VoteMode::Written,
        }
    }

    #[test]
    fn areas_read_exactly_to_the_hundredth() {
        assert_eq!(Area::parse("89.5"), Ok(Area(8950)));
        assert_eq!(Area::parse(" 89.05 "), Ok(Area(8905)));
        assert_eq!(Area::parse("120"), Ok(Area(12000)));
        assert_eq!(Area::parse("0.01"), Ok(Area(1)));
        assert_eq!(Area::parse("89.505"), Err(AreaError::TooPrecise));
        assert_eq!(Area::parse("0"), Err(AreaError::Zero));
        assert_eq!(Area::parse("0.00"), Err(AreaError::Zero));
        for bad in ["", "89,5", "-3", "1e3", "89.", ".5", "八十"] {
            assert_eq!(Area::parse(bad), Err(AreaError::NotANumber), "{bad:?}");
        }
        assert_eq!(Area(8905).to_string(), "89.05");
    }

    #[test]
    fn one_owner_per_person_and_one_for_all_unsold_units() {
        let reg = Register::from_units(&[
            unit("1-101", 90, "张三", false),
            unit("1-102", 80, "开发商", true),
            unit("1-201", 70, "李四", false),
            unit("1-202", 60, "张三", false),
            unit("1-301", 100, "某某置业有限公司", true),
        ])
        .unwrap();
        assert_eq!(reg.owner_count(), 3);
        assert_eq!(reg.total_area, Area(40000));
        assert_eq!(reg.total_units, 5);
        let zhang = &reg.owners[0];
        assert_eq!((zhang.name.as_str(), zhang.area), ("张三", Area(15000)));
        assert_eq!(zhang.units, ["1-101", "1-202"]);
        let dev = &reg.owners[1];
        assert!(dev.developer);
        assert_eq!(dev.area, Area(18000));
        assert_eq!(dev.units, ["1-102", "1-301"]);
    }

    #[test]
    fn a_unit_listed_twice_is_refused() {
        let err = Register::from_units(&[
            unit("1-101", 90, "张三", false),
            unit(" 1-101", 90, "李四", false),
        ])
        .unwrap_err();
        assert_eq!(
            err,
            RegisterError::DuplicateUnit {
                unit: "1-101".into(),
                first: 1,
                again: 2
            }
        );
        assert_eq!(err.rule(), "R-OWN-1");
        assert_eq!(Register::from_units(&[]), Err(RegisterError::Empty));
    }

    /// Ten owners of 50 m² and a developer with 600 m²: nine owners for,
    /// the developer against. By heads 9/10 for; by area 450/1050 — not
    /// more than half. It fails by area alone.
    #[test]
    fn passes_by_heads_but_fails_by_area() {
        let mut units: Vec<Unit> = (1..=10)
            .map(|i| unit(&format!("A-{i}"), 50, &format!("业主{i}"), false))
            .collect();
        for i in 1..=6 {
            units.push(unit(&format!("B-{i}"), 100, "开发商", true));
        }
        let reg = Register::from_units(&units).unwrap();
        assert_eq!(reg.owner_count(), 11);
        let dev = reg.owners.iter().find(|o| o.developer).unwrap().number;
        let mut votes: Vec<Vote> = (1..=9).map(|n| vote(n, Choice::For)).collect();
        votes.push(vote(dev, Choice::Against));
        let out = decide(&rules(), &reg, MatterKind::Ordinary, &votes);
        assert!(out.quorum_met);
        assert!(!out.passed);
        assert_eq!(out.for_.owners, 9);
        assert_eq!(out.participating.owners, 10);
        assert_eq!(out.for_.area, Area(45000));
        assert_eq!(out.participating.area, Area(105000));
        assert_eq!(out.failures.len(), 1);
        assert_eq!(out.failures[0].test, Test::Area);
        assert_eq!(out.failures[0].rule, "R-OWN-1");
        assert!(out.passes_by_owners_only());
    }

    #[test]
    fn quorum_is_at_least_two_thirds_of_each_and_exactly_two_thirds_is_enough() {
        // Three owners of 100 m²: two taking part is exactly 2/3 of both.
        let reg = Register::from_units(&[
            unit("1", 100, "甲", false),
            unit("2", 100, "乙", false),
            unit("3", 100, "丙", false),
        ])
        .unwrap();
        let out = decide(
            &rules(),
            &reg,
            MatterKind::Ordinary,
            &[vote(1, Choice::For), vote(2, Choice::For)],
        );
        assert!(out.quorum_met && out.passed, "{out:?}");
        let out = decide(
            &rules(),
            &reg,
            MatterKind::Ordinary,
            &[vote(1, Choice::For)],
        );
        assert!(!out.quorum_met && !out.passed);
        assert_eq!(
            out.failures.iter().map(|f| f.test).collect::<Vec<_>>(),
            [Test::QuorumArea, Test::QuorumOwners]
        );
        let out = decide(&rules(), &reg, MatterKind::Ordinary, &[]);
        assert!(!out.passed);
    }

    #[test]
    fn exactly_half_is_not_more_than_half_and_three_quarters_is_enough_for_special() {
        let reg = Register::from_units(
            &(1..=4)
                .map(|i| unit(&i.to_string(), 100, &format!("业主{i}"), false))
                .collect::<Vec<_>>(),
        )
        .unwrap();
        let half = [
            vote(1, Choice::For),
            vote(2, Choice::For),
            vote(3, Choice::Against),
            vote(4, Choice::Abstain),
        ];
        let out = decide(&rules(), &reg, MatterKind::Ordinary, &half);
        assert!(!out.passed);
        assert_eq!(out.failures.len(), 2);
        let three = [
            vote(1, Choice::For),
            vote(2, Choice::For),
            vote(3, Choice::For),
            vote(4, Choice::Against),
        ];
        assert!(decide(&rules(), &reg, MatterKind::Special, &three).passed);
        let out = decide(&rules(), &reg, MatterKind::Special, &half);
        assert!(!out.passed);
    }

    #[test]
    fn a_second_vote_is_refused_naming_the_owner() {
        let reg = Register::from_units(&[unit("1", 100, "甲", false)]).unwrap();
        assert_eq!(check_vote(&reg, &[], 1), Ok(()));
        let err = check_vote(&reg, &[vote(1, Choice::For)], 1).unwrap_err();
        assert_eq!(
            err,
            VoteError::Twice {
                owner: 1,
                name: "甲".into()
            }
        );
        assert!(err.to_string().contains('甲') && err.to_string().contains("R-OWN-1"));
        assert_eq!(check_vote(&reg, &[], 2), Err(VoteError::UnknownOwner(2)));
    }

    #[test]
    fn spellings_round_trip() {
        for k in [MatterKind::Ordinary, MatterKind::Special] {
            assert_eq!(MatterKind::parse(k.as_str()), Some(k));
        }
        for c in [Choice::For, Choice::Against, Choice::Abstain] {
            assert_eq!(Choice::parse(c.as_str()), Some(c));
            assert_eq!(Choice::parse(c.label_zh()), Some(c));
        }
        for m in [VoteMode::Written, VoteMode::InPerson] {
            assert_eq!(VoteMode::parse(m.as_str()), Some(m));
        }
        assert_eq!(VoteMode::parse("现场"), Some(VoteMode::InPerson));
    }

    fn arb_units() -> impl Strategy<Value = Vec<Unit>> {
        prop::collection::vec((1u64..50_000, 0usize..6, any::<bool>()), 1..40).prop_map(|rows| {
            rows.into_iter()
                .enumerate()
                .map(|(i, (area, who, dev))| Unit {
                    unit: format!("U{i}"),
                    area: Area(area),
                    owner: format!("业主{who}"),
                    developer_unsold: dev,
                })
                .collect()
        })
    }

    proptest! {
        /// Grouping units into owners never changes the total area, and
        /// every unit lands with exactly one owner.
        #[test]
        fn merging_owners_keeps_the_area(units in arb_units()) {
            let reg = Register::from_units(&units).unwrap();
            let sum: u64 = units.iter().map(|u| u.area.0).sum();
            prop_assert_eq!(reg.total_area.0, sum);
            prop_assert_eq!(reg.owners.iter().map(|o| o.area.0).sum::<u64>(), sum);
            prop_assert_eq!(reg.owners.iter().map(|o| o.units.len()).sum::<usize>(), units.len());
            prop_assert!(reg.owners.iter().filter(|o| o.developer).count() <= 1);
            prop_assert_eq!(Register::from_owners(reg.owners.clone()), reg);
        }

        /// A decision passes only if both measures pass: whenever it
        /// passed, the area and the heads in favour each exceed half of
        /// those taking part (the ordinary rule), and vote order never
        /// matters.
        #[test]
        fn passing_needs_both_measures(
            units in arb_units(),
            choices in prop::collection::vec(0u8..4, 40),
        ) {
            let reg = Register::from_units(&units).unwrap();
            let mut votes = Vec::new();
            for (o, c) in reg.owners.iter().zip(&choices) {
                let choice = match c { 0 => Choice::For, 1 => Choice::Against, 2 => Choice::Abstain, _ => continue };
                votes.push(vote(o.number, choice));
            }
            let out = decide(&rules(), &reg, MatterKind::Ordinary, &votes);
            if out.passed {
                prop_assert!(out.for_.area.0 * 2 > out.participating.area.0);
                prop_assert!(out.for_.owners * 2 > out.participating.owners);
                prop_assert!(out.participating.area.0 * 3 >= out.total.area.0 * 2);
                prop_assert!(out.participating.owners * 3 >= out.total.owners * 2);
            }
            let mut reversed = votes.clone();
            reversed.reverse();
            prop_assert_eq!(decide(&rules(), &reg, MatterKind::Ordinary, &reversed), out.clone());
            // The special rule is never easier than the ordinary one here.
            if decide(&rules(), &reg, MatterKind::Special, &votes).passed {
                prop_assert!(out.passed);
            }
        }
    }
}
