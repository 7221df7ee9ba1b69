//! Who may read an election's observer portal (issue 8).

use serde::{Deserialize, Serialize};

/// The election's setting for observers.
///
/// `Token` (the default, also for an election never set): observers sign
/// in with their own accounts, so every reader is someone the committee
/// made an account for. `Public`: anyone may read the portal's pages and
/// the API reads behind them without signing in; nothing that changes
/// state is ever open to an anonymous caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObserverAccess {
    #[default]
    Token,
    Public,
}

impl ObserverAccess {
    /// The stored and API spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ObserverAccess::Token => "token",
            ObserverAccess::Public => "public",
        }
    }

    /// `"token"` or `"public"`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "token" => Some(ObserverAccess::Token),
            "public" => Some(ObserverAccess::Public),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_round_trips_and_defaults_to_token() {
        for a in [ObserverAccess::Token, ObserverAccess::Public] {
            assert_eq!(ObserverAccess::parse(a.as_str()), Some(a));
        }
        assert_eq!(ObserverAccess::parse("Public"), None);
        assert_eq!(ObserverAccess::default(), ObserverAccess::Token);
    }
}
