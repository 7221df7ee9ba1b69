//! The top level of a case: header fields in any order, then (or before)
//! the ballots, read in one pass.

use crate::ballots::{BallotsSeed, Ctx, Cur};
use crate::error::CaseError;
use crate::header::{self, Override};
use crate::sink::{BufferSink, Sink, StreamSink};
use huanjie_core::counting::{BallotRules, Contest, Round, RoundKind, RoundResult, Station};
use huanjie_core::profile::Profile;
use serde::de::{self, Deserializer as _, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;

const TOP_FIELDS: [&str; 8] = [
    "format",
    "profile",
    "round",
    "parameters",
    "registered",
    "stations",
    "contests",
    "ballots",
];

#[derive(Default)]
struct Parse {
    ctx: Ctx,
    /// The top-level key being read, for JSON-level errors.
    at: Option<&'static str>,
    seen: [bool; TOP_FIELDS.len()],
    profile: Option<Profile>,
    kind: Option<RoundKind>,
    overrides: Option<Vec<(String, Override)>>,
    registered: Option<u64>,
    stations: Option<Vec<Station>>,
    contests: Option<Vec<Contest>>,
    sink: Option<Sink>,
}

impl Parse {
    fn header<E: de::Error>(&mut self, r: Result<(), CaseError>) -> Result<(), E> {
        r.map_err(|e| {
            self.ctx.err = Some(e);
            E::custom("case error")
        })
    }

    /// The round, once stations and contests are both known.
    fn take_round(&mut self) -> Result<Option<Round>, CaseError> {
        match (self.stations.take(), self.contests.take()) {
            (Some(stations), Some(contests)) => Round::new(
                self.kind.unwrap_or(RoundKind::General),
                self.registered.unwrap_or(0),
                stations,
                contests,
            )
            .map(Some)
            .map_err(header::round_error),
            (stations, contests) => {
                self.stations = stations;
                self.contests = contests;
                Ok(None)
            }
        }
    }

    /// The sink for `ballots`: streaming when the round is known, buffering
    /// otherwise. Ballot rules are fixed only if the profile and the
    /// overrides have both been read; else every combination is counted.
    fn open_sink(&mut self) -> Result<Sink, CaseError> {
        let rules = match (&self.profile, &self.overrides) {
            (Some(p), Some(o)) => Some(BallotRules::from(&header::rules(p, o)?)),
            _ => None,
        };
        Ok(match self.take_round()? {
            Some(round) => Sink::Stream(StreamSink::new(round, rules)),
            None => Sink::Buffer(BufferSink::default()),
        })
    }

    fn finish(mut self) -> Result<RoundResult, CaseError> {
        for (i, name) in TOP_FIELDS.iter().enumerate() {
            if !self.seen[i] && *name != "parameters" {
                return Err(CaseError::missing(*name));
            }
        }
        let (Some(profile), Some(kind), Some(registered)) =
            (self.profile.take(), self.kind, self.registered)
        else {
            return Err(CaseError::missing("profile"));
        };
        let rules = header::rules(&profile, self.overrides.as_deref().unwrap_or(&[]))?;
        let stream = match self.sink.take() {
            Some(Sink::Stream(s)) => s,
            Some(Sink::Buffer(buffer)) => {
                let round = self
                    .take_round()?
                    .ok_or_else(|| CaseError::missing("contests"))?;
                let mut stream = StreamSink::new(round, Some(BallotRules::from(&rules)));
                buffer.replay(&mut stream)?;
                stream
            }
            None => return Err(CaseError::missing("ballots")),
        };
        let mut counter = stream.into_counter();
        counter.set_kind_and_registered(kind, registered);
        counter
            .finish(&rules)
            .map_err(|e| CaseError::new("parameters", e.to_string()))
    }
}

struct TopVisitor<'a>(&'a mut Parse);

impl<'de> Visitor<'de> for TopVisitor<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a counting case object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let p = self.0;
        while let Some(key) = map.next_key::<String>()? {
            let Some(f) = TOP_FIELDS.iter().position(|k| *k == key) else {
                return p.header(Err(CaseError::new(key, "unknown field")));
            };
            let name = TOP_FIELDS[f];
            p.at = Some(name);
            if std::mem::replace(&mut p.seen[f], true) {
                return p.header(Err(CaseError::new(name, "appears twice")));
            }
            if name == "ballots" {
                let sink = match p.open_sink() {
                    Ok(s) => p.sink.insert(s),
                    Err(e) => return p.header(Err(e)),
                };
                map.next_value_seed(BallotsSeed(Cur {
                    sink,
                    ctx: &mut p.ctx,
                }))?;
                p.at = None;
                continue;
            }
            // Every other field is small: read it as a JSON value.
            let v: Value = map.next_value()?;
            let r = match name {
                "format" => header::format(&v),
                "profile" => header::profile(&v).map(|x| p.profile = Some(x)),
                "round" => header::round(&v).map(|x| p.kind = Some(x)),
                // Read after streamed ballots too: those were counted under
                // every rule combination (see `open_sink`).
                "parameters" => header::parameters(&v).map(|x| p.overrides = Some(x)),
                "registered" => header::whole(&v, "registered").map(|x| p.registered = Some(x)),
                "stations" => header::stations(&v).map(|x| p.stations = Some(x)),
                _ => header::contests(&v).map(|x| p.contests = Some(x)),
            };
            p.header(r)?;
            p.at = None;
        }
        Ok(())
    }
}

/// Runs the reader over any serde_json input.
fn run<'de, R: serde_json::de::Read<'de>>(
    mut de: serde_json::Deserializer<R>,
) -> Result<RoundResult, CaseError> {
    let mut p = Parse::default();
    let read = (&mut de)
        .deserialize_map(TopVisitor(&mut p))
        .and_then(|()| de.end());
    if let Err(e) = read {
        if let Some(err) = p.ctx.err.take() {
            return Err(err);
        }
        return Err(json_error(&e, &p));
    }
    p.finish()
}

/// A JSON-level error (bad syntax, wrong type), placed as exactly as the
/// reader knows.
fn json_error(e: &serde_json::Error, p: &Parse) -> CaseError {
    let field = p
        .ctx
        .path(p.sink.as_ref())
        .or_else(|| p.at.map(str::to_owned))
        .unwrap_or_else(|| format!("line {} column {}", e.line(), e.column()));
    let mut message = e.to_string();
    if e.is_eof() {
        message = format!("the case ends too early ({message})");
    }
    CaseError::new(field, message)
}

/// Counts a case read from `reader` in one pass.
pub fn count_reader<R: std::io::Read>(reader: R) -> Result<RoundResult, CaseError> {
    run(serde_json::Deserializer::from_reader(reader))
}

/// Counts a case held in memory.
pub fn count_slice(bytes: &[u8]) -> Result<RoundResult, CaseError> {
    run(serde_json::Deserializer::from_slice(bytes))
}
