//! One ballot as taken out of the box, with ids already resolved to
//! indexes into the [`Round`](super::Round).
//!
//! A `Ballot` is a reusable buffer: readers fill it, hand it to the counter
//! and [`clear`](Ballot::clear) it, so counting a million ballots allocates
//! almost nothing per ballot.

use super::round::{Gender, Mark};

/// A mark next to a printed candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MarkEntry {
    pub contest: usize,
    pub candidate: usize,
    pub mark: Mark,
}

/// A person written in (另选他人): a `for` vote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteIn {
    pub contest: usize,
    /// As written; the counter trims it.
    pub name: String,
    pub gender: Option<Gender>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ballot {
    pub station: usize,
    /// The election committee ruled the whole ballot void (R-CNT-4).
    pub unreadable: bool,
    pub marks: Vec<MarkEntry>,
    pub write_ins: Vec<WriteIn>,
}

impl Ballot {
    pub fn clear(&mut self) {
        self.station = 0;
        self.unreadable = false;
        self.marks.clear();
        self.write_ins.clear();
    }
}

/// Why a ballot could not be counted. These are input errors (the reader
/// produced an impossible ballot), not void ballots: a void ballot is
/// counted as void.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BallotError {
    #[error("unknown station")]
    UnknownStation,
    #[error("unknown contest")]
    UnknownContest {
        mark: Option<usize>,
        write_in: Option<usize>,
    },
    #[error("unknown candidate")]
    UnknownCandidate { mark: usize },
    #[error("the same candidate is marked twice on one ballot")]
    DuplicateMark { mark: usize },
    #[error("a written-in name may not be blank")]
    BlankWriteIn { write_in: usize },
    #[error("the written-in name matches more than one candidate of this contest, so the vote cannot be assigned")]
    AmbiguousWriteIn { write_in: usize },
}
