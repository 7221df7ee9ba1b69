//! Rule ids from `shared/domain/RULES.md`, cited in code, tests and error
//! messages.

/// Round void: more ballots returned than issued.
pub const CNT_2: &str = "R-CNT-2";
/// Round void: not more than half of registered voters voted.
pub const CNT_3: &str = "R-CNT-3";
/// Ballot validity: overvotes, the same person for two positions, unreadable.
pub const CNT_4: &str = "R-CNT-4";
/// General round: more than half of the base wins.
pub const CNT_5: &str = "R-CNT-5";
/// Most votes take the seats; a tie at the last seat goes to a new vote.
pub const CNT_6: &str = "R-CNT-6";
/// Further election: most votes with at least a third of ballots cast.
pub const CNT_7: &str = "R-CNT-7";
/// Voter age and rights.
pub const REG_1: &str = "R-REG-1";
/// Registration categories and their conditions.
pub const REG_2: &str = "R-REG-2";
/// No one registered twice (不重登).
pub const REG_3: &str = "R-REG-3";
/// Waivers and voluntary registration.
pub const REG_4: &str = "R-REG-4";
/// Publication, objections and their deadlines.
pub const REG_5: &str = "R-REG-5";
/// The list matches the election mode.
pub const REG_6: &str = "R-REG-6";
/// Proxies (委托投票) and writing assistants (代写).
pub const POLL_4: &str = "R-POLL-4";
