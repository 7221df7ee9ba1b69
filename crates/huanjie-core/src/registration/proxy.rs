//! Proxy voting (委托投票, R-POLL-4): who may hold whose authorisation.
//!
//! The store gathers the [`ProxyFacts`] inside the transaction that records
//! the proxy, so two clerks registering at once cannot both slip under the
//! cap; the decision itself is this pure function.

use crate::profile::RegistrationRules;
use crate::rule;
use serde::Serialize;

/// Both parties as the roll and the proxies recorded so far show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProxyFacts {
    /// The voter giving the authorisation is a voter who has not waived.
    pub grantor_is_voter: bool,
    /// The proxy is a voter who has not waived.
    pub proxy_is_voter: bool,
    /// Grantor and proxy are the same resident.
    pub same_person: bool,
    /// The grantor already has an approved proxy.
    pub grantor_has_granted: bool,
    /// Authorisations the grantor holds as somebody's proxy.
    pub grantor_holds: u32,
    /// The proxy has given their own vote to a proxy.
    pub proxy_has_granted: bool,
    /// Authorisations the proxy already holds.
    pub proxy_holds: u32,
    /// The proxy is a candidate in this election.
    pub proxy_is_candidate: bool,
}

/// Why an authorisation is refused. Every refusal is R-POLL-4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ProxyRefusal {
    #[error("R-POLL-4: the voter giving the authorisation is not a voter of this election")]
    GrantorNotVoter,
    #[error("R-POLL-4: the proxy is not a voter of this election")]
    ProxyNotVoter,
    #[error("R-POLL-4: a voter cannot be their own proxy")]
    SamePerson,
    #[error("R-POLL-4: this voter already has a proxy")]
    AlreadyGranted,
    #[error("R-POLL-4: a candidate cannot be a proxy")]
    ProxyIsCandidate,
    #[error("R-POLL-4: the proxy already holds {max} authorisations, the most allowed")]
    ProxyFull { max: u32 },
    /// The grantor holds others' authorisations: giving their own vote away
    /// would pass those on.
    #[error("R-POLL-4: this voter holds others' authorisations and cannot pass them on")]
    GrantorIsProxy,
    /// The proxy has given their own vote away and so does not vote.
    #[error("R-POLL-4: the proxy has given their own vote to a proxy and cannot hold others'")]
    ProxyHasGranted,
}

impl ProxyRefusal {
    pub fn rule(self) -> &'static str {
        rule::POLL_4
    }

    pub fn code(self) -> &'static str {
        match self {
            ProxyRefusal::GrantorNotVoter => "grantor_not_voter",
            ProxyRefusal::ProxyNotVoter => "proxy_not_voter",
            ProxyRefusal::SamePerson => "same_person",
            ProxyRefusal::AlreadyGranted => "already_granted",
            ProxyRefusal::ProxyIsCandidate => "proxy_is_candidate",
            ProxyRefusal::ProxyFull { .. } => "proxy_full",
            ProxyRefusal::GrantorIsProxy => "grantor_is_proxy",
            ProxyRefusal::ProxyHasGranted => "proxy_has_granted",
        }
    }

    pub fn message_zh(self) -> String {
        match self {
            ProxyRefusal::GrantorNotVoter => "委托人不是本次选举的选民".into(),
            ProxyRefusal::ProxyNotVoter => "受委托人不是本次选举的选民".into(),
            ProxyRefusal::SamePerson => "不能委托本人".into(),
            ProxyRefusal::AlreadyGranted => "该选民已委托他人投票".into(),
            ProxyRefusal::ProxyIsCandidate => "候选人不得接受委托".into(),
            ProxyRefusal::ProxyFull { max } => format!("每一选民接受委托不得超过{max}人"),
            ProxyRefusal::GrantorIsProxy => "该选民已接受他人委托，不得再转委托".into(),
            ProxyRefusal::ProxyHasGranted => "受委托人本人已委托他人投票，不得接受委托".into(),
        }
    }

    pub fn message_en(self) -> String {
        // The Display text without the rule prefix.
        let text = self.to_string();
        text.strip_prefix("R-POLL-4: ").unwrap_or(&text).to_owned()
    }
}

/// R-POLL-4: may this authorisation be recorded? The first failing rule is
/// returned, in the order a clerk would check them.
pub fn check(facts: &ProxyFacts, rules: &RegistrationRules) -> Result<(), ProxyRefusal> {
    if !facts.grantor_is_voter {
        return Err(ProxyRefusal::GrantorNotVoter);
    }
    if !facts.proxy_is_voter {
        return Err(ProxyRefusal::ProxyNotVoter);
    }
    if facts.same_person {
        return Err(ProxyRefusal::SamePerson);
    }
    if facts.grantor_has_granted {
        return Err(ProxyRefusal::AlreadyGranted);
    }
    if facts.proxy_is_candidate {
        return Err(ProxyRefusal::ProxyIsCandidate);
    }
    if facts.grantor_holds > 0 {
        return Err(ProxyRefusal::GrantorIsProxy);
    }
    if facts.proxy_has_granted {
        return Err(ProxyRefusal::ProxyHasGranted);
    }
    if facts.proxy_holds >= rules.proxy_max_per_proxy {
        return Err(ProxyRefusal::ProxyFull {
            max: rules.proxy_max_per_proxy,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use crate::Profile;

    fn ok() -> ProxyFacts {
        ProxyFacts {
            grantor_is_voter: true,
            proxy_is_voter: true,
            ..ProxyFacts::default()
        }
    }

    #[test]
    fn three_authorisations_at_most() {
        let rules = Profile::by_id("county-2006").unwrap().registration;
        for holds in 0..3 {
            let facts = ProxyFacts {
                proxy_holds: holds,
                ..ok()
            };
            assert_eq!(check(&facts, &rules), Ok(()));
        }
        let full = ProxyFacts {
            proxy_holds: 3,
            ..ok()
        };
        let refusal = check(&full, &rules).unwrap_err();
        assert_eq!(refusal, ProxyRefusal::ProxyFull { max: 3 });
        assert_eq!(refusal.rule(), "R-POLL-4");
        assert!(refusal.message_zh().contains('3'));
        assert!(refusal.to_string().starts_with("R-POLL-4"));
    }

    #[test]
    fn each_rule_refuses() {
        let rules = Profile::by_id("county-2006").unwrap().registration;
        let cases = [
            (
                ProxyFacts {
                    grantor_is_voter: false,
                    ..ok()
                },
                ProxyRefusal::GrantorNotVoter,
            ),
            (
                ProxyFacts {
                    proxy_is_voter: false,
                    ..ok()
                },
                ProxyRefusal::ProxyNotVoter,
            ),
            (
                ProxyFacts {
                    same_person: true,
                    ..ok()
                },
                ProxyRefusal::SamePerson,
            ),
            (
                ProxyFacts {
                    grantor_has_granted: true,
                    ..ok()
                },
                ProxyRefusal::AlreadyGranted,
            ),
            (
                ProxyFacts {
                    proxy_is_candidate: true,
                    ..ok()
                },
                ProxyRefusal::ProxyIsCandidate,
            ),
            (
                ProxyFacts {
                    grantor_holds: 1,
                    ..ok()
                },
                ProxyRefusal::GrantorIsProxy,
            ),
            (
                ProxyFacts {
                    proxy_has_granted: true,
                    ..ok()
                },
                ProxyRefusal::ProxyHasGranted,
            ),
        ];
        for (facts, want) in cases {
            assert_eq!(check(&facts, &rules), Err(want), "{facts:?}");
            assert!(!want.message_zh().is_empty());
            assert!(!want.message_en().starts_with("R-POLL-4"));
        }
    }
}
