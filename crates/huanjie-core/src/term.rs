//! After the election, during the term (issue 7, item 5): recall
//! (罢免, R-CERT-4), resignation decided by the (representatives') meeting
//! (R-CERT-5 with R-OWN-2's quorum and majority), and the vacancies a
//! by-election (补选, R-CERT-5) fills.
//!
//! Pure: counts in, decisions out. The thresholds are the profile's
//! `[term]` section; the counts come from the store (the registered voters
//! of the published list, the recall vote's counted ballots) or from the
//! committee's record of a meeting.

use serde::{Deserialize, Serialize};

use crate::rule;
use crate::threshold::Threshold;

/// The profile's numbers for what happens during the term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TermRules {
    /// R-CERT-4: the share of the registered voters whose joint written
    /// request starts a recall (one fifth).
    pub recall_voters_share: Threshold,
    /// R-CERT-4: how many representatives may request a recall instead
    /// (County-2006: 10); absent where the source gives a share.
    #[serde(default)]
    pub recall_representatives_min: Option<u32>,
    /// R-CERT-4: the same as a share of all representatives (VCOL-2018:
    /// one third); absent where the source gives a number.
    #[serde(default)]
    pub recall_representatives_share: Option<Threshold>,
    /// R-CERT-4: the recall vote is valid with more than half of the
    /// registered voters voting …
    pub recall_turnout: Threshold,
    /// … and passes with more than half of those voting in favour.
    pub recall_approval: Threshold,
    /// R-OWN-2: the (representatives') meeting sits with two thirds of
    /// its members present.
    pub meeting_quorum: Threshold,
    /// R-OWN-2: a decision needs more than half …
    pub meeting_decision: Threshold,
    /// … of those present, or of all members (a profile parameter).
    pub meeting_decision_base: MeetingBase,
}

impl TermRules {
    /// A profile must say how representatives can request a recall.
    pub fn validate(&self) -> Result<(), String> {
        match (
            self.recall_representatives_min,
            self.recall_representatives_share,
        ) {
            (None, None) => Err(
                "term: give recall_representatives_min or recall_representatives_share (R-CERT-4)"
                    .into(),
            ),
            (Some(0), _) => Err("term.recall_representatives_min: must be at least 1".into()),
            _ => Ok(()),
        }
    }
}

/// What a meeting's majority is counted against (R-OWN-2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeetingBase {
    Present,
    All,
}

/// Who asked for a recall, with how many signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Initiation {
    /// Registered voters, jointly: `signatures` of `registered`.
    Voters { signatures: u64, registered: u64 },
    /// Representatives: `signatures` of all `representatives`.
    Representatives {
        signatures: u64,
        representatives: u64,
    },
}

/// Why a recall request, a vote's figures or a meeting's figures were
/// refused. Each names its rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TermError {
    #[error("{rule}: a recall request needs its reasons in writing")]
    NoReasons { rule: &'static str },
    #[error("{rule}: {signatures} signatures of {base}; a recall request needs {needed}")]
    TooFewSignatures {
        rule: &'static str,
        signatures: u64,
        base: u64,
        needed: String,
    },
    #[error("{rule}: more signatures ({signatures}) than people who may sign ({base})")]
    MoreSignaturesThanSigners {
        rule: &'static str,
        signatures: u64,
        base: u64,
    },
    #[error("{rule}: {what}")]
    Figures { rule: &'static str, what: String },
}

impl TermError {
    /// The rule the refusal cites.
    pub fn rule(&self) -> &'static str {
        match self {
            TermError::NoReasons { rule }
            | TermError::TooFewSignatures { rule, .. }
            | TermError::MoreSignaturesThanSigners { rule, .. }
            | TermError::Figures { rule, .. } => rule,
        }
    }
}

/// Checks a recall request (R-CERT-4): reasons in writing, and enough
/// voters or representatives signing.
pub fn check_recall_request(
    rules: &TermRules,
    initiation: Initiation,
    reasons: &str,
) -> Result<(), TermError> {
    if reasons.trim().is_empty() {
        return Err(TermError::NoReasons { rule: rule::CERT_4 });
    }
    let (signatures, base) = match initiation {
        Initiation::Voters {
            signatures,
            registered,
        } => (signatures, registered),
        Initiation::Representatives {
            signatures,
            representatives,
        } => (signatures, representatives),
    };
    if signatures > base {
        return Err(TermError::MoreSignaturesThanSigners {
            rule: rule::CERT_4,
            signatures,
            base,
        });
    }
    let enough = match initiation {
        Initiation::Voters { .. } => rules.recall_voters_share.is_met(signatures, base),
        Initiation::Representatives { .. } => {
            let by_number = rules
                .recall_representatives_min
                .is_some_and(|min| signatures >= u64::from(min));
            let by_share = rules
                .recall_representatives_share
                .is_some_and(|share| share.is_met(signatures, base));
            by_number || by_share
        }
    };
    if enough {
        return Ok(());
    }
    let needed = match initiation {
        Initiation::Voters { .. } => {
            format!("{} of the registered voters", rules.recall_voters_share)
        }
        Initiation::Representatives { .. } => {
            match (
                rules.recall_representatives_min,
                rules.recall_representatives_share,
            ) {
                (Some(n), Some(s)) => format!("{n} representatives or {s} of them"),
                (Some(n), None) => format!("{n} representatives"),
                (None, Some(s)) => format!("{s} of the representatives"),
                (None, None) => "a number the profile does not give".into(),
            }
        }
    };
    Err(TermError::TooFewSignatures {
        rule: rule::CERT_4,
        signatures,
        base,
        needed,
    })
}

/// A recall vote's outcome (R-CERT-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct RecallOutcome {
    /// More than half of the registered voters voted.
    pub turnout_met: bool,
    /// More than half of those voting were in favour.
    pub approved: bool,
    /// Both: the member is recalled.
    pub passed: bool,
}

/// Decides a recall vote from its counted figures: `ballots_cast` of
/// `registered` voted, `in_favour` of the ballots were for the recall.
pub fn recall_outcome(
    rules: &TermRules,
    registered: u64,
    ballots_cast: u64,
    in_favour: u64,
) -> Result<RecallOutcome, TermError> {
    if ballots_cast > registered {
        return Err(TermError::Figures {
            rule: rule::CNT_1,
            what: format!("{ballots_cast} ballots cast but only {registered} registered voters"),
        });
    }
    if in_favour > ballots_cast {
        return Err(TermError::Figures {
            rule: rule::CERT_4,
            what: format!("{in_favour} in favour but only {ballots_cast} ballots cast"),
        });
    }
    let turnout_met = rules.recall_turnout.is_met(ballots_cast, registered);
    let approved = ballots_cast > 0 && rules.recall_approval.is_met(in_favour, ballots_cast);
    Ok(RecallOutcome {
        turnout_met,
        approved,
        passed: turnout_met && approved,
    })
}

/// A meeting's decision (R-OWN-2), e.g. on a member's resignation
/// (R-CERT-5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeetingOutcome {
    /// Two thirds of the members were present.
    pub quorum: bool,
    /// The motion had the majority the profile asks for.
    pub carried: bool,
}

/// Decides a meeting's vote: `present` of `members` attended, `in_favour`
/// voted for the motion.
pub fn meeting_decision(
    rules: &TermRules,
    members: u64,
    present: u64,
    in_favour: u64,
) -> Result<MeetingOutcome, TermError> {
    if members == 0 {
        return Err(TermError::Figures {
            rule: rule::OWN_2,
            what: "the meeting has no members".into(),
        });
    }
    if present > members {
        return Err(TermError::Figures {
            rule: rule::OWN_2,
            what: format!("{present} present but the meeting has only {members} members"),
        });
    }
    if in_favour > present {
        return Err(TermError::Figures {
            rule: rule::OWN_2,
            what: format!("{in_favour} in favour but only {present} present"),
        });
    }
    let quorum = rules.meeting_quorum.is_met(present, members);
    let base = match rules.meeting_decision_base {
        MeetingBase::Present => present,
        MeetingBase::All => members,
    };
    Ok(MeetingOutcome {
        quorum,
        carried: quorum && rules.meeting_decision.is_met(in_favour, base),
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn county() -> TermRules {
        crate::profile::Profile::builtin("county-2006")
            .unwrap()
            .term
    }

    fn village() -> TermRules {
        crate::profile::Profile::builtin("village-2018")
            .unwrap()
            .term
    }

    #[test]
    fn a_fifth_of_the_voters_may_request_a_recall() {
        let r = county();
        let ask = |signatures| {
            check_recall_request(
                &r,
                Initiation::Voters {
                    signatures,
                    registered: 1000,
                },
                "失职",
            )
        };
        assert!(ask(200).is_ok());
        let refused = ask(199).unwrap_err();
        assert_eq!(refused.rule(), "R-CERT-4");
        assert!(refused.to_string().contains("199 signatures of 1000"));
        assert!(matches!(
            ask(1001),
            Err(TermError::MoreSignaturesThanSigners { .. })
        ));
    }

    #[test]
    fn reasons_are_required() {
        let refused = check_recall_request(
            &county(),
            Initiation::Voters {
                signatures: 500,
                registered: 1000,
            },
            "  ",
        );
        assert!(matches!(refused, Err(TermError::NoReasons { .. })));
    }

    #[test]
    fn representatives_by_number_or_by_share_per_profile() {
        let reps = |r: &TermRules, signatures, representatives| {
            check_recall_request(
                r,
                Initiation::Representatives {
                    signatures,
                    representatives,
                },
                "长期不履行职责",
            )
            .is_ok()
        };
        // County-2006: 10 representatives, however many there are.
        assert!(reps(&county(), 10, 60));
        assert!(!reps(&county(), 9, 60));
        // VCOL-2018: a third of the representatives.
        assert!(reps(&village(), 20, 60));
        assert!(!reps(&village(), 19, 60));
    }

    #[test]
    fn recall_needs_more_than_half_voting_and_more_than_half_in_favour() {
        let r = county();
        let o = recall_outcome(&r, 1000, 501, 251).unwrap();
        assert!(o.turnout_met && o.approved && o.passed);
        // Exactly half of the voters voting: void.
        let o = recall_outcome(&r, 1000, 500, 400).unwrap();
        assert!(!o.turnout_met && !o.passed);
        // Exactly half in favour: not recalled.
        let o = recall_outcome(&r, 1000, 600, 300).unwrap();
        assert!(o.turnout_met && !o.approved && !o.passed);
        assert!(recall_outcome(&r, 1000, 1001, 0).is_err());
        assert!(recall_outcome(&r, 1000, 10, 11).is_err());
        assert!(!recall_outcome(&r, 0, 0, 0).unwrap().passed);
    }

    #[test]
    fn meeting_quorum_and_majority() {
        let r = county();
        // 35 representatives: 24 present is two thirds (23.33 rounded up).
        assert!(!meeting_decision(&r, 35, 23, 23).unwrap().quorum);
        let m = meeting_decision(&r, 35, 24, 13).unwrap();
        assert!(m.quorum && m.carried);
        let m = meeting_decision(&r, 35, 24, 12).unwrap();
        assert!(m.quorum && !m.carried, "12 of 24 is half, not more");
        assert!(meeting_decision(&r, 35, 36, 1).is_err());
        assert!(meeting_decision(&r, 35, 24, 25).is_err());
        assert!(meeting_decision(&r, 0, 0, 0).is_err());
    }

    proptest! {
        #[test]
        fn a_recall_passes_exactly_when_both_halves_are_exceeded(
            registered in 0u64..5000, cast_share in 0u64..=100, favour_share in 0u64..=100,
        ) {
            let cast = registered * cast_share / 100;
            let favour = cast * favour_share / 100;
            let o = recall_outcome(&county(), registered, cast, favour).unwrap();
            prop_assert_eq!(o.passed, 2 * cast > registered && 2 * favour > cast);
        }

        #[test]
        fn a_meeting_carries_only_with_quorum(members in 1u64..200, p in 0u64..=100, f in 0u64..=100) {
            let present = members * p / 100;
            let favour = present * f / 100;
            let m = meeting_decision(&county(), members, present, favour).unwrap();
            prop_assert_eq!(m.quorum, 3 * present >= 2 * members);
            prop_assert_eq!(m.carried, m.quorum && 2 * favour > present);
        }
    }
}
