//! Huanjie's rules core.
//!
//! Everything here is pure: no I/O, no clock, no randomness, no global
//! state. Inputs come in as values and results go out as values, so the
//! core can be tested exhaustively and the very same code counts on the
//! server and in an observer's offline recount.
//!
//! - [`threshold`]: exact fractions with strictness (过半数, 不少于三分之一).
//! - [`seats`], [`resident_id`]: newtypes that parse, not validate.
//! - [`profile`]: jurisdiction profiles as data.
//! - [`counting`]: one round, from ballots to winners.
//! - [`registration`]: who is a voter on election day (R-REG-*).
//! - [`nomination`]: sizes, nomination, formal candidates, the election
//!   committee, counting staff and the calendar (R-BODY-*, R-NOM-*).
//! - [`serial`]: ballot serials and their verification (R-POLL-5).
//! - [`audit`]: the audit log's hash chain and signed checkpoints.
//! - [`sampling`]: the sampling audit's draw from a public seed.
//! - [`homeowners`]: the homeowners' assembly: owners and decisions (R-OWN-1).
//! - [`electorate`]: who casts a round's ballots, and the counting rules
//!   that follow from it (representatives' assemblies, the workers'
//!   congress: R-CNT-3, R-SUP-1, R-BODY-6).

pub mod audit;
pub mod counting;
pub mod electorate;
pub mod homeowners;
pub mod nomination;
pub mod polling;
pub mod profile;
pub mod reconciliation;
pub mod registration;
pub mod resident_id;
pub mod rule;
pub mod sampling;
pub mod seats;
pub mod serial;
pub mod term;
pub mod threshold;

pub use profile::{CountingRules, NominationRules, Profile};
pub use resident_id::ResidentId;
pub use seats::Seats;
pub use threshold::Threshold;
