//! The streaming ballot reader: serde visitors that walk `ballots` token by
//! token and hand each ballot to a [`Sink`], without building a JSON value.
//!
//! Our own errors (unknown ids, bad marks) are parked in [`Ctx::err`] with
//! their full path, and serde is given a placeholder; JSON-level errors are
//! placed using [`Ctx::loc`], which is updated on every key at no cost (no
//! strings are built unless something fails).

use crate::error::CaseError;
use crate::sink::{Section, Sink};
use huanjie_core::counting::{Gender, Mark};
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Where the reader is inside a ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loc {
    Ballot,
    Field(&'static str),
    Contest(Section, u32),
    Mark(u32, u32),
    WriteIn(u32, usize),
    WriteInField(u32, usize, &'static str),
}

#[derive(Default)]
pub(crate) struct Ctx {
    pub err: Option<CaseError>,
    /// The ballot being read, while inside `ballots`.
    pub ballot: Option<usize>,
    pub loc: Option<Loc>,
}

impl Ctx {
    fn fail<E: de::Error>(&mut self, e: CaseError) -> E {
        self.err = Some(e);
        E::custom("case error")
    }

    /// The path of the current position, for JSON-level errors.
    pub fn path(&self, sink: Option<&Sink>) -> Option<String> {
        let i = self.ballot?;
        let base = format!("ballots[{i}]");
        let contest = |c: u32| sink.map_or("?", |s| s.contest_id(c)).to_owned();
        Some(match self.loc {
            None | Some(Loc::Ballot) => base,
            Some(Loc::Field(f)) => format!("{base}.{f}"),
            Some(Loc::Contest(section, c)) => format!("{base}.{}.{}", section.key(), contest(c)),
            Some(Loc::Mark(c, k)) => format!(
                "{base}.marks.{}.{}",
                contest(c),
                sink.map_or("?", |s| s.candidate_id(c, k))
            ),
            Some(Loc::WriteIn(c, j)) => format!("{base}.write_ins.{}[{j}]", contest(c)),
            Some(Loc::WriteInField(c, j, f)) => format!("{base}.write_ins.{}[{j}].{f}", contest(c)),
        })
    }
}

/// The reader's state, passed down through every seed.
pub(crate) struct Cur<'a> {
    pub sink: &'a mut Sink,
    pub ctx: &'a mut Ctx,
}

impl Cur<'_> {
    fn re(&mut self) -> Cur<'_> {
        Cur {
            sink: &mut *self.sink,
            ctx: &mut *self.ctx,
        }
    }
}

/// `ballots`: a list of ballot objects.
pub(crate) struct BallotsSeed<'a>(pub Cur<'a>);

impl<'de> DeserializeSeed<'de> for BallotsSeed<'_> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for BallotsSeed<'_> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of ballots")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<usize, A::Error> {
        let mut i = 0;
        loop {
            self.0.ctx.ballot = Some(i);
            self.0.ctx.loc = Some(Loc::Ballot);
            if seq.next_element_seed(BallotSeed(self.0.re(), i))?.is_none() {
                break;
            }
            i += 1;
        }
        self.0.ctx.ballot = None;
        self.0.ctx.loc = None;
        Ok(i)
    }
}

struct BallotSeed<'a>(Cur<'a>, usize);

const BALLOT_FIELDS: [&str; 4] = ["station", "marks", "write_ins", "unreadable"];

impl<'de> DeserializeSeed<'de> for BallotSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BallotSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a ballot object")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let i = self.1;
        self.0.sink.begin();
        let mut seen = [false; BALLOT_FIELDS.len()];
        while let Some(f) = map.next_key_seed(KeySeed {
            cur: self.0.re(),
            allowed: &BALLOT_FIELDS,
            path: Loc::Ballot,
        })? {
            let name = BALLOT_FIELDS[f];
            self.0.ctx.loc = Some(Loc::Field(name));
            if std::mem::replace(&mut seen[f], true) {
                return Err(self.0.ctx.fail(CaseError::new(
                    format!("ballots[{i}].{name}"),
                    "appears twice",
                )));
            }
            match f {
                0 => map.next_value_seed(StationSeed(self.0.re(), i))?,
                1 => map.next_value_seed(SectionSeed(self.0.re(), i, Section::Marks))?,
                2 => map.next_value_seed(SectionSeed(self.0.re(), i, Section::WriteIns))?,
                _ => {
                    let flag = map.next_value_seed(BoolSeed)?;
                    self.0.sink.unreadable(flag);
                }
            }
        }
        self.0.ctx.loc = Some(Loc::Ballot);
        self.0.sink.end(i).map_err(|e| self.0.ctx.fail(e))
    }
}

/// An object key that must be one of `allowed`; yields its index.
struct KeySeed<'a> {
    cur: Cur<'a>,
    allowed: &'static [&'static str],
    path: Loc,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = usize;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<usize, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = usize;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        if let Some(i) = self.allowed.iter().position(|a| *a == v) {
            return Ok(i);
        }
        let Cur { sink, ctx } = self.cur;
        ctx.loc = Some(self.path);
        let base = ctx.path(Some(sink)).unwrap_or_default();
        Err(ctx.fail(CaseError::new(format!("{base}.{v}"), "unknown field")))
    }
}

struct BoolSeed;

impl<'de> DeserializeSeed<'de> for BoolSeed {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_bool(self)
    }
}

impl<'de> Visitor<'de> for BoolSeed {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("true or false")
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        Ok(v)
    }
}

struct StationSeed<'a>(Cur<'a>, usize);

impl<'de> DeserializeSeed<'de> for StationSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for StationSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a station id (text)")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        let Cur { sink, ctx } = self.0;
        sink.station(self.1, v).map_err(|e| ctx.fail(e))
    }
}

/// `marks` or `write_ins`: an object keyed by contest id.
struct SectionSeed<'a>(Cur<'a>, usize, Section);

impl<'de> DeserializeSeed<'de> for SectionSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SectionSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object keyed by contest id")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (i, section) = (self.1, self.2);
        while let Some(c) = map.next_key_seed(ContestKeySeed(self.0.re(), i, section))? {
            self.0.ctx.loc = Some(Loc::Contest(section, c));
            match section {
                Section::Marks => map.next_value_seed(ContestMarksSeed(self.0.re(), i, c))?,
                Section::WriteIns => map.next_value_seed(WriteInListSeed(self.0.re(), c))?,
            }
        }
        Ok(())
    }
}

struct ContestKeySeed<'a>(Cur<'a>, usize, Section);

impl<'de> DeserializeSeed<'de> for ContestKeySeed<'_> {
    type Value = u32;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ContestKeySeed<'_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a contest id")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        let Cur { sink, ctx } = self.0;
        sink.contest(self.1, self.2, v).map_err(|e| ctx.fail(e))
    }
}

/// One contest's marks: candidate id → mark.
struct ContestMarksSeed<'a>(Cur<'a>, usize, u32);

impl<'de> DeserializeSeed<'de> for ContestMarksSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for ContestMarksSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of candidate id to mark")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (i, c) = (self.1, self.2);
        while let Some(k) = map.next_key_seed(CandidateKeySeed(self.0.re(), i, c))? {
            self.0.ctx.loc = Some(Loc::Mark(c, k));
            let mark = map.next_value_seed(MarkSeed(self.0.re(), i, c, k))?;
            self.0.sink.mark(c, k, mark);
        }
        Ok(())
    }
}

struct CandidateKeySeed<'a>(Cur<'a>, usize, u32);

impl<'de> DeserializeSeed<'de> for CandidateKeySeed<'_> {
    type Value = u32;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<u32, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for CandidateKeySeed<'_> {
    type Value = u32;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a candidate id")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<u32, E> {
        let Cur { sink, ctx } = self.0;
        sink.candidate(self.1, self.2, v).map_err(|e| ctx.fail(e))
    }
}

struct MarkSeed<'a>(Cur<'a>, usize, u32, u32);

impl<'de> DeserializeSeed<'de> for MarkSeed<'_> {
    type Value = Mark;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Mark, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for MarkSeed<'_> {
    type Value = Mark;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mark: \"for\", \"against\" or \"abstain\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Mark, E> {
        if let Some(m) = Mark::parse(v) {
            return Ok(m);
        }
        let Cur { sink, ctx } = self.0;
        let path = format!(
            "ballots[{}].marks.{}.{}",
            self.1,
            sink.contest_id(self.2),
            sink.candidate_id(self.2, self.3)
        );
        Err(ctx.fail(CaseError::new(
            path,
            format!("unknown mark {v:?} (for, against or abstain)"),
        )))
    }
}

/// One contest's write-ins: a list of `{name, gender}`.
struct WriteInListSeed<'a>(Cur<'a>, u32);

impl<'de> DeserializeSeed<'de> for WriteInListSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for WriteInListSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of written-in people")
    }

    fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let c = self.1;
        let mut j = 0;
        loop {
            self.0.ctx.loc = Some(Loc::WriteIn(c, j));
            if seq
                .next_element_seed(WriteInSeed(self.0.re(), c, j))?
                .is_none()
            {
                break;
            }
            j += 1;
        }
        Ok(())
    }
}

struct WriteInSeed<'a>(Cur<'a>, u32, usize);

const WRITE_IN_FIELDS: [&str; 2] = ["name", "gender"];

impl<'de> DeserializeSeed<'de> for WriteInSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for WriteInSeed<'_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a written-in person: {\"name\": …, \"gender\": \"M\" or \"F\"}")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        let (c, j) = (self.1, self.2);
        let mut name: Option<String> = None;
        let mut gender: Option<Option<Gender>> = None;
        while let Some(f) = map.next_key_seed(KeySeed {
            cur: self.0.re(),
            allowed: &WRITE_IN_FIELDS,
            path: Loc::WriteIn(c, j),
        })? {
            self.0.ctx.loc = Some(Loc::WriteInField(c, j, WRITE_IN_FIELDS[f]));
            let twice = if f == 0 {
                name.replace(map.next_value::<String>()?).is_some()
            } else {
                let g = map.next_value::<Option<String>>()?;
                let parsed = match g.as_deref() {
                    None => None,
                    Some(s) => match Gender::parse(s) {
                        Some(g) => Some(g),
                        None => {
                            let path = self.0.ctx.path(Some(self.0.sink)).unwrap_or_default();
                            return Err(self.0.ctx.fail(CaseError::new(
                                path,
                                format!("unknown gender {s:?} (M or F)"),
                            )));
                        }
                    },
                };
                gender.replace(parsed).is_some()
            };
            if twice {
                let path = self.0.ctx.path(Some(self.0.sink)).unwrap_or_default();
                return Err(self.0.ctx.fail(CaseError::new(path, "appears twice")));
            }
        }
        let Some(name) = name else {
            self.0.ctx.loc = Some(Loc::WriteInField(c, j, "name"));
            let path = self.0.ctx.path(Some(self.0.sink)).unwrap_or_default();
            return Err(self.0.ctx.fail(CaseError::missing(path)));
        };
        self.0.sink.write_in(c, &name, gender.flatten());
        Ok(())
    }
}
