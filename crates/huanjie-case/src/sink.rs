//! Where ballots go as they are read.
//!
//! - [`StreamSink`]: the round is known (stations and contests came before
//!   the ballots, as `huanjie export-case` writes them): ids are resolved at
//!   once and each ballot goes straight into the counter, so memory stays
//!   flat however many ballots there are.
//! - [`BufferSink`]: the ballots came first (JSON objects are unordered; a
//!   writer that sorts keys puts `ballots` first). Ballots are kept in a
//!   compact arena of interned ids (a few dozen bytes each, never a JSON
//!   tree) and replayed through a [`StreamSink`] once the round is known.

use crate::error::CaseError;
use huanjie_core::counting::{
    Ballot, BallotError, BallotRules, Counter, Gender, Mark, MarkEntry, Round, WriteIn,
};
use std::collections::HashMap;

/// Which part of a ballot a contest id appears in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Section {
    Marks,
    WriteIns,
}

impl Section {
    pub fn key(self) -> &'static str {
        match self {
            Section::Marks => "marks",
            Section::WriteIns => "write_ins",
        }
    }
}

// One sink per case: its size does not matter, and boxing would put an
// indirection on the per-ballot path.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Sink {
    Stream(StreamSink),
    Buffer(BufferSink),
}

impl Sink {
    pub fn begin(&mut self) {
        match self {
            Sink::Stream(s) => s.begin(),
            Sink::Buffer(b) => b.begin(),
        }
    }

    pub fn station(&mut self, i: usize, id: &str) -> Result<(), CaseError> {
        match self {
            Sink::Stream(s) => s.station(i, id),
            Sink::Buffer(b) => {
                b.station(id);
                Ok(())
            }
        }
    }

    pub fn unreadable(&mut self, flag: bool) {
        match self {
            Sink::Stream(s) => s.ballot.unreadable = flag,
            Sink::Buffer(b) => b.unreadable(flag),
        }
    }

    pub fn contest(&mut self, i: usize, section: Section, id: &str) -> Result<u32, CaseError> {
        match self {
            Sink::Stream(s) => s.contest(i, section, id),
            Sink::Buffer(b) => Ok(b.contest(section, id)),
        }
    }

    pub fn candidate(&mut self, i: usize, contest: u32, id: &str) -> Result<u32, CaseError> {
        match self {
            Sink::Stream(s) => s.candidate(i, contest, id),
            Sink::Buffer(b) => Ok(b.intern(id)),
        }
    }

    pub fn mark(&mut self, contest: u32, candidate: u32, mark: Mark) {
        match self {
            Sink::Stream(s) => s.mark(contest, candidate, mark),
            Sink::Buffer(b) => b.entry(candidate, mark_code(mark)),
        }
    }

    pub fn write_in(&mut self, contest: u32, name: &str, gender: Option<Gender>) {
        match self {
            Sink::Stream(s) => s.write_in(contest, name, gender),
            Sink::Buffer(b) => {
                let name = b.intern(name);
                b.entry(name, gender_code(gender));
            }
        }
    }

    pub fn end(&mut self, i: usize) -> Result<(), CaseError> {
        match self {
            Sink::Stream(s) => s.end(i),
            Sink::Buffer(b) => b.end(i),
        }
    }

    /// The contest id behind a handle, for error paths.
    pub fn contest_id(&self, contest: u32) -> &str {
        match self {
            Sink::Stream(s) => s.contest_id(contest),
            Sink::Buffer(b) => b.name(contest),
        }
    }

    /// The candidate id behind a handle, for error paths.
    pub fn candidate_id(&self, contest: u32, candidate: u32) -> &str {
        match self {
            Sink::Stream(s) => s.candidate_id(contest, candidate),
            Sink::Buffer(b) => b.name(candidate),
        }
    }
}

fn mark_code(m: Mark) -> u32 {
    match m {
        Mark::For => 0,
        Mark::Against => 1,
        Mark::Abstain => 2,
    }
}

fn mark_from(code: u32) -> Mark {
    match code {
        0 => Mark::For,
        1 => Mark::Against,
        _ => Mark::Abstain,
    }
}

fn gender_code(g: Option<Gender>) -> u32 {
    match g {
        None => 0,
        Some(Gender::Male) => 1,
        Some(Gender::Female) => 2,
    }
}

fn gender_from(code: u32) -> Option<Gender> {
    match code {
        1 => Some(Gender::Male),
        2 => Some(Gender::Female),
        _ => None,
    }
}

fn index(handle: u32) -> usize {
    handle as usize
}

fn handle(index: usize) -> u32 {
    u32::try_from(index).unwrap_or(u32::MAX)
}

/// Counts ballots as they arrive.
pub(crate) struct StreamSink {
    counter: Counter,
    ballot: Ballot,
    has_station: bool,
    seen: [Vec<bool>; 2],
}

impl StreamSink {
    pub fn new(round: Round, rules: Option<BallotRules>) -> Self {
        let n = round.contests().len();
        StreamSink {
            counter: Counter::new(round, rules),
            ballot: Ballot::default(),
            has_station: false,
            seen: [vec![false; n], vec![false; n]],
        }
    }

    pub fn into_counter(self) -> Counter {
        self.counter
    }

    fn begin(&mut self) {
        self.ballot.clear();
        self.has_station = false;
        for seen in &mut self.seen {
            seen.iter_mut().for_each(|s| *s = false);
        }
    }

    fn station(&mut self, i: usize, id: &str) -> Result<(), CaseError> {
        self.ballot.station = self.counter.round().station(id).ok_or_else(|| {
            CaseError::new(
                format!("ballots[{i}].station"),
                format!("unknown station {id:?}"),
            )
        })?;
        self.has_station = true;
        Ok(())
    }

    fn contest(&mut self, i: usize, section: Section, id: &str) -> Result<u32, CaseError> {
        let path = || format!("ballots[{i}].{}.{id}", section.key());
        let c = self
            .counter
            .round()
            .contest(id)
            .ok_or_else(|| CaseError::new(path(), format!("unknown contest {id:?}")))?;
        let seen = &mut self.seen[section as usize][c];
        if *seen {
            return Err(CaseError::new(path(), "appears twice in this ballot"));
        }
        *seen = true;
        Ok(handle(c))
    }

    fn candidate(&mut self, i: usize, contest: u32, id: &str) -> Result<u32, CaseError> {
        let round = self.counter.round();
        round
            .candidate(index(contest), id)
            .map(handle)
            .ok_or_else(|| {
                let cid = self.contest_id(contest);
                CaseError::new(
                    format!("ballots[{i}].marks.{cid}.{id}"),
                    format!("unknown candidate {id:?} in contest {cid:?}"),
                )
            })
    }

    fn mark(&mut self, contest: u32, candidate: u32, mark: Mark) {
        self.ballot.marks.push(MarkEntry {
            contest: index(contest),
            candidate: index(candidate),
            mark,
        });
    }

    fn write_in(&mut self, contest: u32, name: &str, gender: Option<Gender>) {
        self.ballot.write_ins.push(WriteIn {
            contest: index(contest),
            name: name.to_owned(),
            gender,
        });
    }

    fn end(&mut self, i: usize) -> Result<(), CaseError> {
        if !self.has_station {
            return Err(CaseError::missing(format!("ballots[{i}].station")));
        }
        self.counter
            .add(&self.ballot)
            .map_err(|e| self.ballot_error(i, e))
    }

    fn contest_id(&self, contest: u32) -> &str {
        self.counter
            .round()
            .contests()
            .get(index(contest))
            .map_or("?", |c| c.id.as_str())
    }

    fn candidate_id(&self, contest: u32, candidate: u32) -> &str {
        self.counter
            .round()
            .contests()
            .get(index(contest))
            .and_then(|c| c.candidates.get(index(candidate)))
            .map_or("?", |k| k.id.as_str())
    }

    /// Turns the counter's complaint into a path in the case.
    fn ballot_error(&self, i: usize, e: BallotError) -> CaseError {
        let write_in_path = |j: usize| {
            let contest = self.ballot.write_ins[j].contest;
            let n = self.ballot.write_ins[..j]
                .iter()
                .filter(|w| w.contest == contest)
                .count();
            format!(
                "ballots[{i}].write_ins.{}[{n}]",
                self.contest_id(handle(contest))
            )
        };
        let message = e.to_string();
        match e {
            BallotError::DuplicateMark { mark } => {
                let m = self.ballot.marks[mark];
                CaseError::new(
                    format!(
                        "ballots[{i}].marks.{}.{}",
                        self.contest_id(handle(m.contest)),
                        self.candidate_id(handle(m.contest), handle(m.candidate))
                    ),
                    message,
                )
            }
            BallotError::BlankWriteIn { write_in } => {
                CaseError::new(format!("{}.name", write_in_path(write_in)), message)
            }
            BallotError::AmbiguousWriteIn { write_in } => {
                CaseError::new(format!("{}.name", write_in_path(write_in)), message)
            }
            BallotError::UnknownStation
            | BallotError::UnknownContest { .. }
            | BallotError::UnknownCandidate { .. } => {
                CaseError::new(format!("ballots[{i}]"), message)
            }
        }
    }
}

/// Arena layout of one ballot:
/// `station+1 (0: none) | unreadable | group* | END`, where a group is
/// `tag | contest | n | (id, code) × n`, tag MARKS or WRITE_INS.
const END: u32 = 0;
const MARKS: u32 = 1;
const WRITE_INS: u32 = 2;

/// Holds ballots compactly until the round is known.
#[derive(Default)]
pub(crate) struct BufferSink {
    symbols: HashMap<String, u32>,
    names: Vec<String>,
    arena: Vec<u32>,
    start: usize,
    group_len_at: Option<usize>,
    ballots: usize,
}

impl BufferSink {
    fn intern(&mut self, s: &str) -> u32 {
        if let Some(&sym) = self.symbols.get(s) {
            return sym;
        }
        let sym = handle(self.names.len());
        self.names.push(s.to_owned());
        self.symbols.insert(s.to_owned(), sym);
        sym
    }

    fn name(&self, sym: u32) -> &str {
        self.names.get(index(sym)).map_or("?", String::as_str)
    }

    fn begin(&mut self) {
        self.start = self.arena.len();
        self.arena.extend([0, 0]);
        self.group_len_at = None;
    }

    fn station(&mut self, id: &str) {
        let sym = self.intern(id);
        self.arena[self.start] = sym.saturating_add(1);
    }

    fn unreadable(&mut self, flag: bool) {
        self.arena[self.start + 1] = u32::from(flag);
    }

    fn contest(&mut self, section: Section, id: &str) -> u32 {
        let sym = self.intern(id);
        let tag = match section {
            Section::Marks => MARKS,
            Section::WriteIns => WRITE_INS,
        };
        self.arena.extend([tag, sym, 0]);
        self.group_len_at = Some(self.arena.len() - 1);
        sym
    }

    fn entry(&mut self, id: u32, code: u32) {
        self.arena.extend([id, code]);
        if let Some(at) = self.group_len_at {
            self.arena[at] += 1;
        }
    }

    fn end(&mut self, i: usize) -> Result<(), CaseError> {
        if self.arena[self.start] == 0 {
            return Err(CaseError::missing(format!("ballots[{i}].station")));
        }
        self.arena.push(END);
        self.ballots += 1;
        Ok(())
    }

    /// Replays every held ballot through a stream sink for the now-known
    /// round, with the same checks and error paths as streaming.
    pub fn replay(self, sink: &mut StreamSink) -> Result<(), CaseError> {
        let a = &self.arena;
        let mut at = 0;
        let get = |at: usize| a.get(at).copied().unwrap_or(END);
        for i in 0..self.ballots {
            sink.begin();
            sink.station(i, self.name(get(at).saturating_sub(1)))?;
            sink.ballot.unreadable = get(at + 1) == 1;
            at += 2;
            loop {
                let tag = get(at);
                if tag == END {
                    at += 1;
                    break;
                }
                let section = if tag == MARKS {
                    Section::Marks
                } else {
                    Section::WriteIns
                };
                let contest = sink.contest(i, section, self.name(get(at + 1)))?;
                let n = index(get(at + 2));
                at += 3;
                for _ in 0..n {
                    let (id, code) = (get(at), get(at + 1));
                    at += 2;
                    match section {
                        Section::Marks => {
                            let k = sink.candidate(i, contest, self.name(id))?;
                            sink.mark(contest, k, mark_from(code));
                        }
                        Section::WriteIns => {
                            sink.write_in(contest, self.name(id), gender_from(code))
                        }
                    }
                }
            }
            sink.end(i)?;
        }
        Ok(())
    }
}
