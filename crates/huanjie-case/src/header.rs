//! The small parts of a case (everything but the ballots), read from JSON
//! values with exact paths in every error.

use crate::error::CaseError;
use huanjie_core::counting::{Candidate, Contest, Gender, RoundError, RoundKind, Station};
use huanjie_core::profile::{CountingRules, ParameterValue, Profile, ProfileError};
use huanjie_core::Seats;
use serde_json::{Map, Value};

/// The case format this reader knows.
pub const CASE_FORMAT: &str = "huanjie.case/1";

fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true/false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

fn object<'a>(
    v: &'a Value,
    path: &str,
    allowed: &[&str],
) -> Result<&'a Map<String, Value>, CaseError> {
    let obj = v
        .as_object()
        .ok_or_else(|| CaseError::new(path, format!("must be an object, found {}", kind_of(v))))?;
    if let Some(unknown) = obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(CaseError::new(join(path, unknown), "unknown field"));
    }
    Ok(obj)
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn required<'a>(
    obj: &'a Map<String, Value>,
    path: &str,
    key: &str,
) -> Result<&'a Value, CaseError> {
    obj.get(key)
        .ok_or_else(|| CaseError::missing(join(path, key)))
}

fn text<'a>(v: &'a Value, path: &str) -> Result<&'a str, CaseError> {
    v.as_str()
        .ok_or_else(|| CaseError::new(path, format!("must be text, found {}", kind_of(v))))
}

fn nonblank<'a>(v: &'a Value, path: &str) -> Result<&'a str, CaseError> {
    let s = text(v, path)?;
    if s.trim().is_empty() {
        return Err(CaseError::new(path, "must not be blank"));
    }
    Ok(s)
}

/// A count: a whole number, never negative.
pub(crate) fn whole(v: &Value, path: &str) -> Result<u64, CaseError> {
    match v {
        Value::Number(n) => {
            if let Some(n) = n.as_u64() {
                Ok(n)
            } else if n.as_i64().is_some_and(|n| n < 0) || n.to_string().starts_with('-') {
                Err(CaseError::new(
                    path,
                    format!("must not be negative (found {n})"),
                ))
            } else {
                Err(CaseError::new(
                    path,
                    format!("must be a whole number (found {n})"),
                ))
            }
        }
        other => Err(CaseError::new(
            path,
            format!("must be a whole number, found {}", kind_of(other)),
        )),
    }
}

pub(crate) fn format(v: &Value) -> Result<(), CaseError> {
    let f = text(v, "format")?;
    if f != CASE_FORMAT {
        return Err(CaseError::new(
            "format",
            format!("unknown format {f:?} (this reader knows {CASE_FORMAT:?})"),
        ));
    }
    Ok(())
}

pub(crate) fn profile(v: &Value) -> Result<Profile, CaseError> {
    let id = text(v, "profile")?;
    Profile::by_id(id).map_err(|e| CaseError::new("profile", e.to_string()))
}

pub(crate) fn round(v: &Value) -> Result<RoundKind, CaseError> {
    let r = text(v, "round")?;
    RoundKind::parse(r).ok_or_else(|| {
        CaseError::new(
            "round",
            format!("unknown round {r:?} (general, further or tie-break)"),
        )
    })
}

/// A parameter override, owned, applied once the profile is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Override {
    Text(String),
    Whole(u64),
    Flag(bool),
}

impl Override {
    fn as_value(&self) -> ParameterValue<'_> {
        match self {
            Override::Text(s) => ParameterValue::Text(s),
            Override::Whole(n) => ParameterValue::Whole(*n),
            Override::Flag(b) => ParameterValue::Flag(*b),
        }
    }
}

/// Reads `parameters` and checks every name and value right away (against
/// the default profile's rules, which have every parameter), so a bad
/// override is reported even when the profile comes later.
pub(crate) fn parameters(v: &Value) -> Result<Vec<(String, Override)>, CaseError> {
    let obj = v.as_object().ok_or_else(|| {
        CaseError::new(
            "parameters",
            format!("must be an object, found {}", kind_of(v)),
        )
    })?;
    let mut probe = Profile::by_id(huanjie_core::profile::DEFAULT_PROFILE_ID)
        .map_err(|e| CaseError::new("parameters", e.to_string()))?
        .counting;
    let mut out = Vec::with_capacity(obj.len());
    for (name, value) in obj {
        let path = format!("parameters.{name}");
        let o = match value {
            Value::String(s) => Override::Text(s.clone()),
            Value::Bool(b) => Override::Flag(*b),
            Value::Number(_) => Override::Whole(whole(value, &path)?),
            other => {
                return Err(CaseError::new(
                    path,
                    format!(
                        "must be text, a whole number or true/false, found {}",
                        kind_of(other)
                    ),
                ))
            }
        };
        probe
            .set(name, o.as_value())
            .map_err(|e| parameter_error(&path, e))?;
        out.push((name.clone(), o));
    }
    Ok(out)
}

fn parameter_error(path: &str, e: ProfileError) -> CaseError {
    match e {
        ProfileError::UnknownParameter(_) => CaseError::new(path, "unknown parameter"),
        ProfileError::BadValue { expected, .. } => {
            CaseError::new(path, format!("takes {expected}"))
        }
        other => CaseError::new(path, other.to_string()),
    }
}

/// The profile's counting rules with the case's overrides applied.
pub(crate) fn rules(
    profile: &Profile,
    overrides: &[(String, Override)],
) -> Result<CountingRules, CaseError> {
    let mut rules = profile.counting.clone();
    for (name, o) in overrides {
        rules
            .set(name, o.as_value())
            .map_err(|e| parameter_error(&format!("parameters.{name}"), e))?;
    }
    Ok(rules)
}

pub(crate) fn stations(v: &Value) -> Result<Vec<Station>, CaseError> {
    let list = v.as_array().ok_or_else(|| {
        CaseError::new("stations", format!("must be a list, found {}", kind_of(v)))
    })?;
    list.iter()
        .enumerate()
        .map(|(i, s)| {
            let path = format!("stations[{i}]");
            let obj = object(s, &path, &["id", "issued"])?;
            Ok(Station {
                id: nonblank(required(obj, &path, "id")?, &join(&path, "id"))?.to_owned(),
                issued: whole(required(obj, &path, "issued")?, &join(&path, "issued"))?,
            })
        })
        .collect()
}

pub(crate) fn contests(v: &Value) -> Result<Vec<Contest>, CaseError> {
    let list = v.as_array().ok_or_else(|| {
        CaseError::new("contests", format!("must be a list, found {}", kind_of(v)))
    })?;
    list.iter()
        .enumerate()
        .map(|(i, c)| {
            let path = format!("contests[{i}]");
            let obj = object(c, &path, &["id", "title", "seats", "candidates"])?;
            let seats_path = join(&path, "seats");
            let seats = Seats::new(whole(required(obj, &path, "seats")?, &seats_path)?)
                .map_err(|e| CaseError::new(seats_path, e.to_string()))?;
            let title = match obj.get("title") {
                Some(t) => text(t, &join(&path, "title"))?.to_owned(),
                None => String::new(),
            };
            let cpath = join(&path, "candidates");
            let candidates = required(obj, &path, "candidates")?
                .as_array()
                .ok_or_else(|| CaseError::new(cpath.clone(), "must be a list"))?
                .iter()
                .enumerate()
                .map(|(k, cand)| {
                    let path = format!("{cpath}[{k}]");
                    let obj = object(cand, &path, &["id", "name", "gender"])?;
                    let gpath = join(&path, "gender");
                    let g = text(required(obj, &path, "gender")?, &gpath)?;
                    Ok(Candidate {
                        id: nonblank(required(obj, &path, "id")?, &join(&path, "id"))?.to_owned(),
                        name: nonblank(required(obj, &path, "name")?, &join(&path, "name"))?
                            .to_owned(),
                        gender: Gender::parse(g).ok_or_else(|| {
                            CaseError::new(gpath, format!("unknown gender {g:?} (M or F)"))
                        })?,
                    })
                })
                .collect::<Result<Vec<_>, CaseError>>()?;
            Ok(Contest {
                id: nonblank(required(obj, &path, "id")?, &join(&path, "id"))?.to_owned(),
                title,
                seats,
                candidates,
            })
        })
        .collect()
}

/// Where a problem with the round's definition is, as a case path.
pub(crate) fn round_error(e: RoundError) -> CaseError {
    let message = e.to_string();
    let field = match e {
        RoundError::DuplicateStation { station, .. } => format!("stations[{station}].id"),
        RoundError::DuplicateContest { contest, .. } => format!("contests[{contest}].id"),
        RoundError::DuplicateCandidate {
            contest, candidate, ..
        }
        | RoundError::ReservedCandidateId { contest, candidate } => {
            format!("contests[{contest}].candidates[{candidate}].id")
        }
        RoundError::BlankName { contest, candidate } => {
            format!("contests[{contest}].candidates[{candidate}].name")
        }
        RoundError::IssuedOverflow => "stations".to_owned(),
    };
    CaseError::new(field, message)
}
