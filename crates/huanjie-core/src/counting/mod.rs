//! Counting one round, exactly as `shared/spec/counting-case.md` says.
//!
//! Pure: no I/O, no clock, no randomness. The same code counts on the
//! server and in the offline recount (`huanjie count`).

mod ballot;
mod counter;
pub mod further;
mod outcome;
mod round;

pub use ballot::{Ballot, BallotError, MarkEntry, WriteIn};
pub use counter::{BallotRules, Counter, FinishError};
pub use outcome::{ContestResult, FurtherElection, RoundResult, TallyRow, RESULT_FORMAT};
pub use round::{
    Candidate, Contest, Gender, Mark, Round, RoundError, RoundKind, Station, WRITE_IN_PREFIX,
};

use crate::profile::CountingRules;

/// Why [`count`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CountError {
    /// The ballot at `index` (0-based) could not be counted.
    #[error("ballot {index}: {error}")]
    Ballot { index: usize, error: BallotError },
    #[error(transparent)]
    Finish(#[from] FinishError),
}

/// Counts a whole round held in memory.
pub fn count<'b>(
    round: Round,
    rules: &CountingRules,
    ballots: impl IntoIterator<Item = &'b Ballot>,
) -> Result<RoundResult, CountError> {
    let mut counter = Counter::new(round, Some(BallotRules::from(rules)));
    for (index, ballot) in ballots.into_iter().enumerate() {
        counter
            .add(ballot)
            .map_err(|error| CountError::Ballot { index, error })?;
    }
    Ok(counter.finish(rules)?)
}

#[cfg(test)]
mod tests;
