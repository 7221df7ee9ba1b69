//! Rule ids from `shared/domain/RULES.md`, cited in code, tests and error
//! messages.

/// Boxes opened and counted in public after voting, the same day.
pub const CNT_1: &str = "R-CNT-1";
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
/// Further election: a women's line while no woman is elected; seats may
/// stay empty once enough members are elected.
pub const CNT_8: &str = "R-CNT-8";
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
/// Nothing links a ballot to a voter (ballot serials, issuing counts).
pub const POLL_5: &str = "R-POLL-5";
/// The residents' committee's composition: 主任 1, 副主任 1–2, 委员; its
/// total within the profile's bounds.
pub const BODY_1: &str = "R-BODY-1";
/// The committee's size from the number of households.
pub const BODY_2: &str = "R-BODY-2";
/// At least one woman member.
pub const BODY_3: &str = "R-BODY-3";
/// The residents' affairs supervisory committee.
pub const BODY_4: &str = "R-BODY-4";
/// The election committee (选举委员会) and who leaves it.
pub const BODY_5: &str = "R-BODY-5";
/// The homeowners' committee (5–11, odd) and the company supervisory board.
pub const BODY_6: &str = "R-BODY-6";
/// Ways to nominate and how many nominators each needs.
pub const NOM_1: &str = "R-NOM-1";
/// A voter nominates once, names no more people than seats; one person for
/// two positions voids the nomination (ZJ-2020).
pub const NOM_2: &str = "R-NOM-2";
/// A preliminary vote (预选) decides the formal candidates.
pub const NOM_3: &str = "R-NOM-3";
/// Contested election (差额): the margin per position.
pub const NOM_4: &str = "R-NOM-4";
/// The formal candidate list's publication (and its stroke order).
pub const NOM_5: &str = "R-NOM-5";
/// Withdrawal of a formal candidate and the replacement.
pub const NOM_6: &str = "R-NOM-6";
/// Polling stations, mobile boxes and their scrutineers.
pub const POLL_1: &str = "R-POLL-1";
/// Scrutineers, callers and counters: who cannot serve.
pub const POLL_2: &str = "R-POLL-2";
/// The results and the written report to the township.
pub const CERT_1: &str = "R-CERT-1";
/// Certificates (当选证书).
pub const CERT_2: &str = "R-CERT-2";
/// Recall (罢免): who may request it and when it passes.
pub const CERT_4: &str = "R-CERT-4";
/// By-election (补选) and resignation.
pub const CERT_5: &str = "R-CERT-5";
/// The (representatives') meeting: quorum and majority.
pub const OWN_2: &str = "R-OWN-2";
/// The homeowners' assembly: who is an owner, quorum and majorities by
/// area and by owners.
pub const OWN_1: &str = "R-OWN-1";
/// The workers' congress electing employee supervisors: its quorum and
/// the majority of all representatives.
pub const SUP_1: &str = "R-SUP-1";
