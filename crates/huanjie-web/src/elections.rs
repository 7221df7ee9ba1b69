//! The rules a new election must meet before anything is stored.
//!
//! The API and the web form both turn their input into [`ElectionInput`]
//! (loose JSON values, so a wrong type is reported like any other broken
//! rule instead of as a parser error) and call [`validate`]. It reports every
//! broken rule at once, each naming its field, and yields a
//! [`NewElection`] only when there are none: rejected input writes nothing.

use chrono::NaiveDate;
use huanjie_store::{BodyKind, NewElection, PositionSeats};
use serde::Deserialize;
use serde_json::Value;

use crate::error::FieldError;
use crate::i18n::{Lang, Texts, EN, ZH};
use crate::profiles;

/// The longest title accepted, in characters.
pub const MAX_TITLE_CHARS: usize = 200;
/// A sanity bound on seats per position; bodies have 3–11 members in all.
pub const MAX_SEATS: i64 = 99;

/// The body kinds, in the order forms list them.
pub const BODY_KINDS: [BodyKind; 4] = [
    BodyKind::ResidentsCommittee,
    BodyKind::SupervisoryCommittee,
    BodyKind::HomeownersCommittee,
    BodyKind::SupervisoryBoard,
];

/// Position codes, in ballot order (GLOSSARY: director, deputy director,
/// member, women's line).
pub const POSITIONS: [&str; 4] = ["director", "deputy", "member", "women_member"];

/// A new election as received, before any rule is checked.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ElectionInput {
    #[serde(default)]
    pub body_kind: Value,
    #[serde(default)]
    pub title: Value,
    #[serde(default)]
    pub profile: Value,
    #[serde(default)]
    pub election_day: Value,
    #[serde(default)]
    pub seats: Value,
}

/// The interface name of a body kind.
pub fn body_kind_label(kind: BodyKind, lang: Lang) -> &'static str {
    body_kind_label_in(kind, lang.texts())
}

fn body_kind_label_in(kind: BodyKind, t: &Texts) -> &'static str {
    match kind {
        BodyKind::ResidentsCommittee => t.body_residents_committee,
        BodyKind::SupervisoryCommittee => t.body_supervisory_committee,
        BodyKind::HomeownersCommittee => t.body_homeowners_committee,
        BodyKind::SupervisoryBoard => t.body_supervisory_board,
    }
}

/// The interface name of a position code (the code itself if unknown).
pub fn position_label(code: &str, lang: Lang) -> String {
    position_label_in(code, lang.texts())
        .map(str::to_owned)
        .unwrap_or_else(|| code.to_owned())
}

fn position_label_in(code: &str, t: &Texts) -> Option<&'static str> {
    Some(match code {
        "director" => t.position_director,
        "deputy" => t.position_deputy,
        "member" => t.position_member,
        "women_member" => t.position_women_member,
        _ => return None,
    })
}

/// "a（甲）、b（乙）" in Chinese, "a (A), b (B)" in English.
fn choices(
    codes: &[&str],
    label: impl Fn(&str, &Texts) -> Option<&'static str>,
) -> (String, String) {
    let zh = codes
        .iter()
        .map(|c| match label(c, &ZH) {
            Some(l) => format!("{c}（{l}）"),
            None => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join("、");
    let en = codes
        .iter()
        .map(|c| match label(c, &EN) {
            Some(l) => format!("{c} ({l})"),
            None => (*c).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(", ");
    (zh, en)
}

/// A rule whose message lists choices, which differ by language.
fn choice_error(
    field: &str,
    label: fn(&Texts) -> &'static str,
    code: &'static str,
    rule: fn(&Texts) -> &'static str,
    value: &str,
    (zh_choices, en_choices): (String, String),
) -> FieldError {
    let mut e = FieldError::new(field, label, code, rule, &[value, zh_choices.as_str()]);
    let en = FieldError::new(field, label, code, rule, &[value, en_choices.as_str()]);
    e.message_en = en.message_en;
    e
}

/// A required text field: trimmed, or the error to report.
fn text(
    value: &Value,
    field: &str,
    label: fn(&Texts) -> &'static str,
) -> Result<String, FieldError> {
    match value {
        Value::Null => Err(FieldError::new(
            field,
            label,
            "required",
            |t| t.rule_required,
            &[],
        )),
        Value::String(s) if s.trim().is_empty() => Err(FieldError::new(
            field,
            label,
            "required",
            |t| t.rule_required,
            &[],
        )),
        Value::String(s) => Ok(s.trim().to_owned()),
        _ => Err(FieldError::new(
            field,
            label,
            "not_text",
            |t| t.rule_not_text,
            &[],
        )),
    }
}

/// Checks every rule; all broken ones are returned together.
pub fn validate(input: &ElectionInput) -> Result<NewElection, Vec<FieldError>> {
    let mut errors = Vec::new();

    let body_kind = match text(&input.body_kind, "body_kind", |t| t.field_body_kind) {
        Ok(s) => match BodyKind::parse(&s) {
            Some(kind) => Some(kind),
            None => {
                let codes: Vec<&str> = BODY_KINDS.iter().map(|k| k.as_str()).collect();
                let list = choices(&codes, |c, t| {
                    BodyKind::parse(c).map(|k| body_kind_label_in(k, t))
                });
                errors.push(choice_error(
                    "body_kind",
                    |t| t.field_body_kind,
                    "unknown_body_kind",
                    |t| t.rule_unknown_body_kind,
                    &s,
                    list,
                ));
                None
            }
        },
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let title = match text(&input.title, "title", |t| t.field_title) {
        Ok(s) if s.chars().count() > MAX_TITLE_CHARS => {
            errors.push(FieldError::new(
                "title",
                |t| t.field_title,
                "too_long",
                |t| t.rule_too_long,
                &[MAX_TITLE_CHARS.to_string().as_str()],
            ));
            None
        }
        Ok(s) => Some(s),
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let profile = match text(&input.profile, "profile", |t| t.field_profile) {
        Ok(s) if profiles::find(&s).is_some() => Some(s),
        Ok(s) => {
            let list = profiles::ids().join(", ");
            errors.push(choice_error(
                "profile",
                |t| t.field_profile,
                "unknown_profile",
                |t| t.rule_unknown_profile,
                &s,
                (profiles::ids().join("、"), list),
            ));
            None
        }
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let election_day = match text(&input.election_day, "election_day", |t| {
        t.field_election_day
    }) {
        Ok(s) => match parse_day(&s) {
            Some(day) => Some(day),
            None => {
                errors.push(FieldError::new(
                    "election_day",
                    |t| t.field_election_day,
                    "bad_date",
                    |t| t.rule_bad_date,
                    &[s.as_str()],
                ));
                None
            }
        },
        Err(e) => {
            errors.push(e);
            None
        }
    };

    let seats = validate_seats(&input.seats, &mut errors);

    match (body_kind, title, profile, election_day, seats) {
        (Some(body_kind), Some(title), Some(profile), Some(election_day), Some(seats))
            if errors.is_empty() =>
        {
            Ok(NewElection {
                body_kind,
                title,
                profile,
                election_day,
                seats,
            })
        }
        _ => Err(errors),
    }
}

/// Exactly `YYYY-MM-DD` and a real calendar day.
fn parse_day(s: &str) -> Option<NaiveDate> {
    let shape_ok = s.len() == 10
        && s.char_indices().all(|(i, c)| {
            if i == 4 || i == 7 {
                c == '-'
            } else {
                c.is_ascii_digit()
            }
        });
    if !shape_ok {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn validate_seats(value: &Value, errors: &mut Vec<FieldError>) -> Option<Vec<PositionSeats>> {
    let rows = match value {
        Value::Null => {
            errors.push(FieldError::new(
                "seats",
                |t| t.field_seats,
                "required",
                |t| t.rule_no_seats,
                &[],
            ));
            return None;
        }
        Value::Array(rows) if rows.is_empty() => {
            errors.push(FieldError::new(
                "seats",
                |t| t.field_seats,
                "no_seats",
                |t| t.rule_no_seats,
                &[],
            ));
            return None;
        }
        Value::Array(rows) => rows,
        _ => {
            errors.push(FieldError::new(
                "seats",
                |t| t.field_seats,
                "not_a_list",
                |t| t.rule_not_a_list,
                &[],
            ));
            return None;
        }
    };
    let before = errors.len();
    let mut out: Vec<PositionSeats> = Vec::with_capacity(rows.len());
    let mut seen: Vec<String> = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Value::Object(row) = row else {
            errors.push(FieldError::new(
                format!("seats[{i}]"),
                |t| t.field_seats,
                "not_a_list",
                |t| t.rule_not_a_list,
                &[],
            ));
            continue;
        };
        let position_field = format!("seats[{i}].position");
        let position = match text(
            row.get("position").unwrap_or(&Value::Null),
            &position_field,
            |t| t.field_position,
        ) {
            Ok(p) if !POSITIONS.contains(&p.as_str()) => {
                let list = choices(&POSITIONS, position_label_in);
                errors.push(choice_error(
                    &position_field,
                    |t| t.field_position,
                    "unknown_position",
                    |t| t.rule_unknown_position,
                    &p,
                    list,
                ));
                None
            }
            Ok(p) if seen.contains(&p) => {
                errors.push(FieldError::new(
                    &position_field,
                    |t| t.field_position,
                    "duplicate_position",
                    |t| t.rule_duplicate_position,
                    &[p.as_str()],
                ));
                None
            }
            Ok(p) => {
                seen.push(p.clone());
                Some(p)
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let count = seat_count(
            row.get("seats").unwrap_or(&Value::Null),
            &format!("seats[{i}].seats"),
        );
        match (position, count) {
            (Some(position), Ok(seats)) => out.push(PositionSeats { position, seats }),
            (_, Err(e)) => errors.push(e),
            (None, Ok(_)) => {}
        }
    }
    (errors.len() == before).then_some(out)
}

fn seat_count(value: &Value, field: &str) -> Result<u32, FieldError> {
    let label = |t: &Texts| t.field_seat_count;
    let n = match value {
        Value::Null => {
            return Err(FieldError::new(
                field,
                label,
                "required",
                |t| t.rule_required,
                &[],
            ))
        }
        Value::Number(n) => n.as_i64(),
        // Form fields arrive as text; "3" is as good as 3.
        Value::String(s) => s.trim().parse::<i64>().ok(),
        _ => None,
    };
    let Some(n) = n else {
        return Err(FieldError::new(
            field,
            label,
            "seats_whole_number",
            |t| t.rule_seats_whole_number,
            &[],
        ));
    };
    if n < 1 {
        return Err(FieldError::new(
            field,
            label,
            "seats_at_least_one",
            |t| t.rule_seats_at_least_one,
            &[],
        ));
    }
    if n > MAX_SEATS {
        return Err(FieldError::new(
            field,
            label,
            "seats_at_most",
            |t| t.rule_seats_at_most,
            &[MAX_SEATS.to_string().as_str()],
        ));
    }
    u32::try_from(n).map_err(|_| {
        FieldError::new(
            field,
            label,
            "seats_whole_number",
            |t| t.rule_seats_whole_number,
            &[],
        )
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(v: Value) -> ElectionInput {
        serde_json::from_value(v).unwrap()
    }

    fn good() -> Value {
        json!({
            "body_kind": "residents_committee",
            "title": "  幸福社区居民委员会第七届换届选举 ",
            "profile": "county-2006",
            "election_day": "2026-06-01",
            "seats": [
                {"position": "director", "seats": 1},
                {"position": "deputy", "seats": 1},
                {"position": "member", "seats": 3}
            ]
        })
    }

    fn codes(errors: &[FieldError]) -> Vec<(String, &'static str)> {
        errors.iter().map(|e| (e.field.clone(), e.code)).collect()
    }

    #[test]
    fn a_good_election_passes_trimmed() {
        let e = validate(&input(good())).unwrap();
        assert_eq!(e.title, "幸福社区居民委员会第七届换届选举");
        assert_eq!(e.body_kind, BodyKind::ResidentsCommittee);
        assert_eq!(e.election_day, NaiveDate::from_ymd_opt(2026, 6, 1).unwrap());
        assert_eq!(e.seats.len(), 3);
    }

    #[test]
    fn empty_input_names_every_required_field() {
        let errors = validate(&input(json!({}))).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["body_kind", "title", "profile", "election_day", "seats"]
        );
    }

    #[test]
    fn each_rule_is_reported_with_its_field() {
        let mut v = good();
        v["title"] = json!("   ");
        v["profile"] = json!("mars-2100");
        v["election_day"] = json!("2026-02-30");
        v["body_kind"] = json!("village");
        v["seats"] = json!([
            {"position": "director", "seats": 0},
            {"position": "member", "seats": 2},
            {"position": "member", "seats": 1},
            {"position": "mayor", "seats": 1},
            {"position": "deputy", "seats": 1.5}
        ]);
        let errors = validate(&input(v)).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("body_kind".into(), "unknown_body_kind"),
                ("title".into(), "required"),
                ("profile".into(), "unknown_profile"),
                ("election_day".into(), "bad_date"),
                ("seats[0].seats".into(), "seats_at_least_one"),
                ("seats[2].position".into(), "duplicate_position"),
                ("seats[3].position".into(), "unknown_position"),
                ("seats[4].seats".into(), "seats_whole_number"),
            ]
        );
        let profile = &errors[2];
        assert!(profile.message.contains("mars-2100") && profile.message.contains("county-2006"));
        assert!(profile
            .message_en
            .starts_with("profile: there is no profile \"mars-2100\""));
        let position = &errors[6];
        assert!(
            position.message.contains("director（主任）"),
            "{}",
            position.message
        );
        assert!(
            position.message_en.contains("director (Director)"),
            "{}",
            position.message_en
        );
    }

    #[test]
    fn dates_must_be_exactly_yyyy_mm_dd() {
        for bad in [
            "2026-6-1",
            "01/06/2026",
            "2026-06-01T00:00",
            "tomorrow",
            "2026-13-01",
        ] {
            let mut v = good();
            v["election_day"] = json!(bad);
            let errors = validate(&input(v)).unwrap_err();
            assert_eq!(
                codes(&errors),
                [("election_day".into(), "bad_date")],
                "{bad}"
            );
        }
    }

    #[test]
    fn wrong_types_are_rule_errors_not_parse_errors() {
        let mut v = good();
        v["title"] = json!(42);
        v["seats"] = json!("three");
        let errors = validate(&input(v)).unwrap_err();
        assert_eq!(
            codes(&errors),
            [("title".into(), "not_text"), ("seats".into(), "not_a_list")]
        );
    }

    #[test]
    fn seats_bounds_and_text_numbers() {
        let mut v = good();
        v["seats"] = json!([{"position": "member", "seats": "5"}]);
        assert_eq!(validate(&input(v)).unwrap().seats[0].seats, 5);
        let mut v = good();
        v["seats"] =
            json!([{"position": "member", "seats": 100}, {"position": "deputy", "seats": -1}]);
        let errors = validate(&input(v)).unwrap_err();
        assert_eq!(
            codes(&errors),
            [
                ("seats[0].seats".into(), "seats_at_most"),
                ("seats[1].seats".into(), "seats_at_least_one")
            ]
        );
        let mut v = good();
        v["seats"] = json!([]);
        assert_eq!(
            codes(&validate(&input(v)).unwrap_err()),
            [("seats".into(), "no_seats")]
        );
    }

    #[test]
    fn titles_have_a_length_limit() {
        let mut v = good();
        v["title"] = json!("选".repeat(MAX_TITLE_CHARS + 1));
        assert_eq!(
            codes(&validate(&input(v)).unwrap_err()),
            [("title".into(), "too_long")]
        );
    }
}
