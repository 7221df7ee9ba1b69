//! Nomination and formal candidates (R-NOM-*), the bodies' sizes (R-BODY-*),
//! counting staff (R-POLL-1/2) and the election calendar (R-CERT-1/2).
//!
//! Pure checks: the store gathers the facts (who is a voter, who already
//! nominated, the seats) inside its transaction and passes them in; dates
//! ("today", election day) come from the web edge. Person keys are the
//! caller's own (the store's resident ids): every function is generic over
//! a key `K: Ord + Clone`, and every refusal names the offending key so the
//! UI can say who.
//!
//! - [`size`]: R-BODY-1/2/3: the committee's size from households, the
//!   committee's composition when overridden, and "at least one woman".
//! - [`nominate`]: R-NOM-1/2: may this nomination be recorded?
//! - [`formal`]: R-NOM-3/4/6: preliminary vote, formal candidates, ties at
//!   the cut, and who replaces a withdrawn candidate.
//! - [`committee`]: R-BODY-5: the election committee, and who leaves it on
//!   becoming a formal candidate.
//! - [`staff`]: R-POLL-1/2: scrutineers, callers and counters.
//! - [`timeline`]: every deadline from election day (R-REG-5, R-POLL-4,
//!   R-NOM-5/6, R-CERT-1/2, R-CNT-7) and whether each is met.
//!
//! The order of the formal candidate list (R-NOM-5, 按姓氏笔画) is the
//! `huanjie-collation` crate's business, not this module's.

pub mod committee;
pub mod formal;
pub mod nominate;
pub mod owners_committee;
pub mod size;
pub mod staff;
pub mod supervisory;
pub mod supervisory_board;
pub mod timeline;

use crate::profile::{Margin, MarginRules};
use serde::{Deserialize, Serialize};

/// A position on the residents' committee's ballot. The codes are the
/// store's position codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// 主任.
    Director,
    /// 副主任.
    Deputy,
    /// 委员.
    Member,
    /// 妇女委员: a separate women's-member line (R-BODY-3, ZJ-2020).
    WomenMember,
}

impl Position {
    pub const ALL: [Position; 4] = [
        Position::Director,
        Position::Deputy,
        Position::Member,
        Position::WomenMember,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Position::Director => "director",
            Position::Deputy => "deputy",
            Position::Member => "member",
            Position::WomenMember => "women_member",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Position::Director => "主任",
            Position::Deputy => "副主任",
            Position::Member => "委员",
            Position::WomenMember => "妇女委员",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Position::Director => "director",
            Position::Deputy => "deputy director",
            Position::Member => "member",
            Position::WomenMember => "women's member",
        }
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

impl MarginRules {
    /// R-NOM-4: the margin of one position.
    pub fn of(&self, position: Position) -> Margin {
        match position {
            Position::Director => self.director,
            Position::Deputy => self.deputy,
            Position::Member => self.member,
            Position::WomenMember => self.women_member,
        }
    }
}

/// R-NOM-1: the ways to nominate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationKind {
    /// 选民联名提名: voters jointly (≥ 10).
    JointVoters,
    /// 户代表联名提名: household representatives jointly (≥ 5).
    JointHouseholdRepresentatives,
    /// 居民小组代表联名提名: group representatives jointly (≥ 3).
    JointGroupRepresentatives,
    /// 社区党组织提名.
    PartyOrganisation,
    /// 居民小组提名.
    ResidentsGroup,
    /// 自荐 (self-nomination).
    SelfNomination,
    /// 街道（乡镇）公开选拔后推荐.
    TownshipRecommendation,
}

impl NominationKind {
    pub const ALL: [NominationKind; 7] = [
        NominationKind::JointVoters,
        NominationKind::JointHouseholdRepresentatives,
        NominationKind::JointGroupRepresentatives,
        NominationKind::PartyOrganisation,
        NominationKind::ResidentsGroup,
        NominationKind::SelfNomination,
        NominationKind::TownshipRecommendation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NominationKind::JointVoters => "joint_voters",
            NominationKind::JointHouseholdRepresentatives => "joint_household_representatives",
            NominationKind::JointGroupRepresentatives => "joint_group_representatives",
            NominationKind::PartyOrganisation => "party_organisation",
            NominationKind::ResidentsGroup => "residents_group",
            NominationKind::SelfNomination => "self_nomination",
            NominationKind::TownshipRecommendation => "township_recommendation",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn zh(self) -> &'static str {
        match self {
            NominationKind::JointVoters => "选民联名提名",
            NominationKind::JointHouseholdRepresentatives => "户代表联名提名",
            NominationKind::JointGroupRepresentatives => "居民小组代表联名提名",
            NominationKind::PartyOrganisation => "社区党组织提名",
            NominationKind::ResidentsGroup => "居民小组提名",
            NominationKind::SelfNomination => "本人自荐",
            NominationKind::TownshipRecommendation => "街道（乡镇）推荐",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            NominationKind::JointVoters => "voters jointly",
            NominationKind::JointHouseholdRepresentatives => "household representatives jointly",
            NominationKind::JointGroupRepresentatives => "group representatives jointly",
            NominationKind::PartyOrganisation => "the community party organisation",
            NominationKind::ResidentsGroup => "a residents' group",
            NominationKind::SelfNomination => "self-nomination",
            NominationKind::TownshipRecommendation => "the township's recommendation",
        }
    }

    /// Nominated by people who sign (the nominators are checked), rather
    /// than by an organisation.
    pub fn by_individuals(self) -> bool {
        matches!(
            self,
            NominationKind::JointVoters
                | NominationKind::JointHouseholdRepresentatives
                | NominationKind::JointGroupRepresentatives
                | NominationKind::SelfNomination
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for p in Position::ALL {
            assert_eq!(Position::parse(p.code()), Some(p));
        }
        for k in NominationKind::ALL {
            assert_eq!(NominationKind::parse(k.code()), Some(k));
        }
        assert_eq!(Position::parse("chair"), None);
    }
}
