//! The registration logic both adapters share (R-REG-4..6, R-POLL-4): the
//! tally's SQL and its assembly, field diffing for roll changes, the
//! fingerprint feed, and the state checks. The adapters differ only in how
//! they run SQL.

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::registration::fingerprint::{FingerprintBuilder, ListLine};
use huanjie_core::registration::mode::{GroupTally, Mode, RollTally, MAX_EXAMPLES};
use serde::Deserialize;
use std::borrow::Cow;
use uuid::Uuid;

use crate::{
    FieldChange, NewResident, ObjectionKind, ObjectionStatus, Resident, ResidentEdit, StateError,
    StoreError, StoreResult,
};

use super::count;

/// Voters read per statement from the voter list. The list is read in
/// resident-ID order a chunk at a time (keyset: the next chunk starts after
/// the last ID read), so a million-voter list never sits in memory whole.
///
/// On SQLite each chunk comes back as ONE row holding a JSON array
/// (`json_group_array`, parsed by [`Fingerprinter::push_json`] and
/// [`residents`]):
/// sqlx's SQLite driver hands every row over from its worker thread, at
/// several microseconds a row, which at a million voters was most of the
/// time. PostgreSQL's driver hands rows over cheaply, and there building
/// the JSON cost the server more than it saved, so it reads rows.
pub(crate) const VOTER_CHUNK: i64 = 20_000;

/// The most file rows [`RollTally::representatives_not_voters`] names.
pub(crate) const MAX_ROWS: i64 = 10;

// --- state checks --------------------------------------------------------------

/// `State(Empty(what))` unless `text` has something besides white space.
pub(crate) fn not_empty(text: &str, what: &'static str) -> StoreResult<()> {
    if text.trim().is_empty() {
        Err(StoreError::State(StateError::Empty(what)))
    } else {
        Ok(())
    }
}

/// An objection may be decided only while lodged.
pub(crate) fn decidable(status: ObjectionStatus) -> StoreResult<()> {
    match status {
        ObjectionStatus::Lodged => Ok(()),
        ObjectionStatus::Upheld | ObjectionStatus::Rejected => {
            Err(StateError::Objection("already decided").into())
        }
    }
}

/// An objection is answered once, after its decision.
pub(crate) fn answerable(status: ObjectionStatus, answered: bool) -> StoreResult<()> {
    match (status, answered) {
        (ObjectionStatus::Lodged, _) => Err(StateError::Objection("not decided yet").into()),
        (_, true) => Err(StateError::Objection("already answered").into()),
        (_, false) => Ok(()),
    }
}

/// Refuses a rejection that would change the roll.
pub(crate) fn rejection_changes_nothing(upheld: bool, has_change: bool) -> StoreResult<()> {
    if !upheld && has_change {
        Err(StateError::Objection("a rejected objection changes nothing").into())
    } else {
        Ok(())
    }
}

pub(crate) fn mode(s: &str) -> StoreResult<Mode> {
    Mode::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown registration mode {s:?}")))
}

pub(crate) fn objection_kind(s: &str) -> StoreResult<ObjectionKind> {
    ObjectionKind::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown objection kind {s:?}")))
}

pub(crate) fn objection_status(s: &str) -> StoreResult<ObjectionStatus> {
    ObjectionStatus::parse(s)
        .ok_or_else(|| StoreError::Corrupt(format!("unknown objection status {s:?}")))
}

/// A stored small count (number, seq, changes, late days) back into `u32`.
pub(crate) fn small(n: i64, what: &str) -> StoreResult<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} out of range: {n}")))
}

// --- the tally -----------------------------------------------------------------

/// Per group, in group order, everything the tally needs, from one pass
/// over the roll grouped by household (`scope` restricts `residents` to
/// the election's roll, e.g. `roll = ?1` or `election_id = $1`).
///
/// Booleans are tested as truth values, which both SQLite's 0/1 integers
/// and PostgreSQL's `boolean` are.
pub(crate) fn tally_groups_sql(scope: &str) -> String {
    format!(
        "WITH h AS ( \
             SELECT group_name, household, \
                    count(*) FILTER (WHERE exclusion IS NULL) AS voters, \
                    count(*) FILTER (WHERE exclusion IS NULL AND waived) AS waived, \
                    count(*) FILTER (WHERE exclusion IS NULL AND NOT waived AND voluntary) \
                        AS voluntary, \
                    count(*) FILTER (WHERE exclusion IS NULL AND NOT waived \
                        AND household_representative) AS household_reps, \
                    count(*) FILTER (WHERE exclusion IS NULL AND NOT waived \
                        AND residents_representative) AS residents_reps, \
                    count(*) FILTER (WHERE (household_representative OR residents_representative) \
                        AND (exclusion IS NOT NULL OR waived)) AS reps_not_voters \
             FROM residents WHERE {scope} \
             GROUP BY group_name, household) \
         SELECT group_name, \
                CAST(sum(voters) AS BIGINT) AS voters, \
                CAST(sum(waived) AS BIGINT) AS waived, \
                CAST(sum(voluntary) AS BIGINT) AS voluntary, \
                count(*) AS households, \
                count(*) FILTER (WHERE voters > 0) AS households_with_voters, \
                count(*) FILTER (WHERE voters > 0 AND household_reps = 0) AS without_rep, \
                count(*) FILTER (WHERE household_reps > 1) AS several_reps, \
                CAST(sum(household_reps) AS BIGINT) AS household_reps, \
                CAST(sum(residents_reps) AS BIGINT) AS residents_reps, \
                CAST(sum(reps_not_voters) AS BIGINT) AS reps_not_voters \
         FROM h GROUP BY group_name ORDER BY group_name"
    )
}

/// The first households (in listing order) of the given groups with voters
/// but no representative (`several = false`) or with more than one
/// (`several = true`). `scope` as for [`tally_groups_sql`]; `groups` is a
/// placeholder list for the groups (e.g. `?2, ?3`).
pub(crate) fn household_examples_sql(scope: &str, groups: &str, several: bool) -> String {
    let reps = "count(*) FILTER (WHERE exclusion IS NULL AND NOT waived \
                AND household_representative)";
    let having = if several {
        format!("{reps} > 1")
    } else {
        format!("count(*) FILTER (WHERE exclusion IS NULL) > 0 AND {reps} = 0")
    };
    format!(
        "SELECT group_name, household FROM residents \
         WHERE {scope} AND group_name IN ({groups}) \
         GROUP BY group_name, household HAVING {having} \
         ORDER BY group_name, household LIMIT {MAX_EXAMPLES}"
    )
}

/// The first file rows of representatives who are not voters (or waived).
pub(crate) fn reps_not_voters_sql(scope: &str) -> String {
    format!(
        "SELECT file_row FROM residents \
         WHERE {scope} AND (household_representative OR residents_representative) \
           AND (exclusion IS NOT NULL OR waived) \
         ORDER BY file_row LIMIT {MAX_ROWS}"
    )
}

/// One row of [`tally_groups_sql`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct GroupRow {
    pub(crate) group: String,
    pub(crate) voters: i64,
    pub(crate) waived: i64,
    pub(crate) voluntary: i64,
    pub(crate) households: i64,
    pub(crate) households_with_voters: i64,
    pub(crate) without_rep: i64,
    pub(crate) several_reps: i64,
    pub(crate) household_reps: i64,
    pub(crate) residents_reps: i64,
    pub(crate) reps_not_voters: i64,
}

/// The tally from the group rows, with empty example lists (see
/// [`example_groups`]).
pub(crate) fn tally_from_groups(rows: &[GroupRow]) -> StoreResult<RollTally> {
    let mut t = RollTally::default();
    for r in rows {
        let voters = count(r.voters)?;
        t.voters += voters;
        t.waived += count(r.waived)?;
        t.voluntary += count(r.voluntary)?;
        t.households_with_voters += count(r.households_with_voters)?;
        t.households_without_representative.0 += count(r.without_rep)?;
        t.households_with_several_representatives.0 += count(r.several_reps)?;
        t.representatives_not_voters.0 += count(r.reps_not_voters)?;
        t.household_representatives += count(r.household_reps)?;
        t.groups.push(GroupTally {
            group: r.group.clone(),
            voters,
            households: count(r.households)?,
            residents_representatives: count(r.residents_reps)?,
        });
    }
    Ok(t)
}

/// The first groups (in group order) holding the first [`MAX_EXAMPLES`]
/// households that `count` counts: only they need reading for examples.
pub(crate) fn example_groups(rows: &[GroupRow], count: impl Fn(&GroupRow) -> i64) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: i64 = 0;
    for r in rows {
        if seen >= MAX_EXAMPLES as i64 {
            break;
        }
        let n = count(r);
        if n > 0 {
            out.push(r.group.clone());
            seen = seen.saturating_add(n);
        }
    }
    out
}

/// How a household is named in the tally's examples.
pub(crate) fn household_label(group: &str, household: &str) -> String {
    format!("{group}/{household}")
}

// --- the fingerprint -----------------------------------------------------------

/// Feeds voters, in resident-ID order, to the fingerprint.
pub(crate) struct Fingerprinter {
    builder: FingerprintBuilder,
    /// The last resident ID fed: the next chunk starts after it.
    pub(crate) last_id: String,
}

impl Fingerprinter {
    pub(crate) fn new() -> Self {
        Self {
            builder: FingerprintBuilder::new(),
            last_id: String::new(),
        }
    }

    /// The next voter; out of resident-ID order is corruption.
    pub(crate) fn push(&mut self, line: &ListLine<'_>) -> StoreResult<()> {
        self.builder
            .push(line)
            .map_err(|e| StoreError::Corrupt(format!("voter list: {e}")))?;
        self.last_id.clear();
        self.last_id.push_str(line.resident_id);
        Ok(())
    }

    /// Feeds one chunk of the voter list as SQLite returns it: a JSON array
    /// of arrays of [`VOTER_LINE_COLUMNS`] (`None`, an aggregate over no
    /// rows, is empty). Returns how many voters it held.
    pub(crate) fn push_json(&mut self, json: Option<&str>) -> StoreResult<usize> {
        let Some(json) = json else {
            return Ok(0);
        };
        let lines: Vec<JsonLine<'_>> = serde_json::from_str(json)
            .map_err(|e| StoreError::Corrupt(format!("voter list chunk: {e}")))?;
        for l in &lines {
            self.push(&ListLine {
                resident_id: &l.resident_id,
                name: &l.name,
                gender: &l.gender,
                group: &l.group,
                household: &l.household,
                waived: l.waived.0,
                voluntary: l.voluntary.0,
                household_representative: l.household_representative.0,
                residents_representative: l.residents_representative.0,
            })?;
        }
        Ok(lines.len())
    }

    /// Voters fed so far.
    pub(crate) fn voters(&self) -> u64 {
        self.builder.lines()
    }

    /// The fingerprint as 64 lower-case hex digits.
    pub(crate) fn finish(self) -> String {
        self.builder.finish().to_string()
    }
}

/// One row of [`tally_groups_sql`] (either backend).
pub(crate) fn group_row<R>(row: &R) -> StoreResult<GroupRow>
where
    R: sqlx::Row,
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    String: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    Ok(GroupRow {
        group: row.try_get("group_name")?,
        voters: row.try_get("voters")?,
        waived: row.try_get("waived")?,
        voluntary: row.try_get("voluntary")?,
        households: row.try_get("households")?,
        households_with_voters: row.try_get("households_with_voters")?,
        without_rep: row.try_get("without_rep")?,
        several_reps: row.try_get("several_reps")?,
        household_reps: row.try_get("household_reps")?,
        residents_reps: row.try_get("residents_reps")?,
        reps_not_voters: row.try_get("reps_not_voters")?,
    })
}

/// What the fingerprint reads of a voter, as both schemas name the
/// columns (and in the order of [`Fingerprinter::push_json`]'s arrays).
pub(crate) const VOTER_LINE_COLUMNS: &str = "resident_id, name, gender, group_name, household, \
     waived, voluntary, household_representative, residents_representative";

/// One voter of a JSON chunk, its text borrowed from the chunk where it
/// needs no unescaping (a million voters, five strings each).
#[derive(Deserialize)]
struct JsonLine<'a> {
    #[serde(borrow)]
    resident_id: Cow<'a, str>,
    #[serde(borrow)]
    name: Cow<'a, str>,
    #[serde(borrow)]
    gender: Cow<'a, str>,
    #[serde(borrow)]
    group: Cow<'a, str>,
    #[serde(borrow)]
    household: Cow<'a, str>,
    waived: Flag,
    voluntary: Flag,
    household_representative: Flag,
    residents_representative: Flag,
}

/// A boolean as SQLite's JSON functions write it (`1`/`0`, its integers)
/// or as JSON does (`true`/`false`). (A hand-written visitor: serde's
/// untagged enums buffer every value and build an error for each variant
/// that does not fit.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Flag(bool);

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Flag;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a boolean, 0 or 1")
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<Flag, E> {
                Ok(Flag(b))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Flag, E> {
                match n {
                    0 => Ok(Flag(false)),
                    1 => Ok(Flag(true)),
                    _ => Err(E::invalid_value(serde::de::Unexpected::Unsigned(n), &self)),
                }
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Flag, E> {
                match u64::try_from(n) {
                    Ok(n) => self.visit_u64(n),
                    Err(_) => Err(E::invalid_value(serde::de::Unexpected::Signed(n), &self)),
                }
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The columns of one resident, in the order of [`residents`]'s JSON
/// arrays (SQLite's `json_array(…)`: arrays, not objects, as a million
/// keys would double the text to parse).
pub(crate) const RESIDENT_JSON_COLUMNS: &str = "id, file_row, resident_id, name, gender, \
     group_name, household, address, category, residence_since, will_participate, \
     committee_consent, household_representative, residents_representative, exclusion, \
     waived, voluntary";

/// A resident as a [`RESIDENT_JSON_COLUMNS`] array (fields in that order).
#[derive(Deserialize)]
struct JsonResident {
    id: Uuid,
    row: i64,
    resident_id: String,
    name: String,
    gender: String,
    group: String,
    household: String,
    address: String,
    category: String,
    residence_since: Option<NaiveDate>,
    will_participate: Option<Flag>,
    committee_consent: Option<Flag>,
    household_representative: Flag,
    residents_representative: Flag,
    exclusion: Option<String>,
    waived: Flag,
    voluntary: Flag,
}

/// One chunk of residents: a JSON array of [`RESIDENT_JSON_COLUMNS`] arrays
/// (`None`, an aggregate over no rows, is empty).
pub(crate) fn residents(
    json: Option<&str>,
    election_id: Uuid,
    imported_at: DateTime<Utc>,
) -> StoreResult<Vec<Resident>> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let rows: Vec<JsonResident> = serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("voter list chunk: {e}")))?;
    rows.into_iter()
        .map(|r| {
            Ok(Resident {
                id: r.id,
                election_id,
                row: super::file_row(r.row)?,
                resident_id: r.resident_id,
                name: r.name,
                gender: r.gender,
                group: r.group,
                household: r.household,
                address: r.address,
                category: r.category,
                residence_since: r.residence_since,
                will_participate: r.will_participate.map(|f| f.0),
                committee_consent: r.committee_consent.map(|f| f.0),
                household_representative: r.household_representative.0,
                residents_representative: r.residents_representative.0,
                exclusion: r.exclusion,
                waived: r.waived.0,
                voluntary: r.voluntary.0,
                created_at: imported_at,
            })
        })
        .collect()
}

/// Whether a chunk of `n` rows was the last one.
pub(crate) fn last_chunk(n: usize) -> bool {
    i64::try_from(n).is_ok_and(|n| n < VOTER_CHUNK)
}

// --- roll changes ----------------------------------------------------------------

fn text_change(field: &str, before: Option<String>, after: Option<String>) -> FieldChange {
    FieldChange {
        field: field.to_owned(),
        before,
        after,
    }
}

fn flag(b: bool) -> String {
    if b { "true" } else { "false" }.to_owned()
}

/// Every field of an added resident, from none (fields without a value are
/// left out).
pub(crate) fn added_fields(r: &NewResident) -> Vec<FieldChange> {
    let opt_flag = |b: Option<bool>| b.map(flag);
    let values: [(&str, Option<String>); 16] = [
        ("row", Some(r.row.to_string())),
        ("resident_id", Some(r.resident_id.clone())),
        ("name", Some(r.name.clone())),
        ("gender", Some(r.gender.clone())),
        ("group", Some(r.group.clone())),
        ("household", Some(r.household.clone())),
        ("address", Some(r.address.clone())),
        ("category", Some(r.category.clone())),
        (
            "residence_since",
            r.residence_since.map(|d| d.format("%Y-%m-%d").to_string()),
        ),
        ("will_participate", opt_flag(r.will_participate)),
        ("committee_consent", opt_flag(r.committee_consent)),
        (
            "household_representative",
            Some(flag(r.household_representative)),
        ),
        (
            "residents_representative",
            Some(flag(r.residents_representative)),
        ),
        ("exclusion", r.exclusion.clone()),
        ("waived", Some(flag(r.waived))),
        ("voluntary", Some(flag(r.voluntary))),
    ];
    values
        .into_iter()
        .filter_map(|(field, after)| after.map(|a| text_change(field, None, Some(a))))
        .collect()
}

/// `current` with `edit` applied, and the fields that actually change (in
/// the order of [`ResidentEdit`]'s fields). Empty when nothing changes.
pub(crate) fn apply_edit(current: &Resident, edit: &ResidentEdit) -> (Resident, Vec<FieldChange>) {
    let mut next = current.clone();
    let mut changes = Vec::new();
    let mut text = |field: &str, slot: &mut String, new: &Option<String>| {
        if let Some(new) = new {
            if slot != new {
                changes.push(text_change(field, Some(slot.clone()), Some(new.clone())));
                slot.clone_from(new);
            }
        }
    };
    text("name", &mut next.name, &edit.name);
    text("group", &mut next.group, &edit.group);
    text("household", &mut next.household, &edit.household);
    text("address", &mut next.address, &edit.address);
    if let Some(exclusion) = &edit.exclusion {
        if next.exclusion != *exclusion {
            changes.push(text_change(
                "exclusion",
                next.exclusion.clone(),
                exclusion.clone(),
            ));
            next.exclusion.clone_from(exclusion);
        }
    }
    let mut boolean = |field: &str, slot: &mut bool, new: Option<bool>| {
        if let Some(new) = new {
            if *slot != new {
                changes.push(text_change(field, Some(flag(*slot)), Some(flag(new))));
                *slot = new;
            }
        }
    };
    boolean("waived", &mut next.waived, edit.waived);
    boolean("voluntary", &mut next.voluntary, edit.voluntary);
    boolean(
        "household_representative",
        &mut next.household_representative,
        edit.household_representative,
    );
    boolean(
        "residents_representative",
        &mut next.residents_representative,
        edit.residents_representative,
    );
    (next, changes)
}

/// The field list as stored (a JSON array).
pub(crate) fn fields_json(fields: &[FieldChange]) -> StoreResult<String> {
    serde_json::to_string(fields)
        .map_err(|e| StoreError::Corrupt(format!("roll change fields: {e}")))
}

/// A stored field list back.
pub(crate) fn parse_fields(json: &str) -> StoreResult<Vec<FieldChange>> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::Corrupt(format!("roll change fields {json:?}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn resident() -> Resident {
        Resident {
            id: Uuid::nil(),
            election_id: Uuid::nil(),
            row: 7,
            resident_id: "11010519491231002X".into(),
            name: "李四".into(),
            gender: "F".into(),
            group: "第一组".into(),
            household: "0101".into(),
            address: "幸福路1号".into(),
            category: "registered".into(),
            residence_since: None,
            will_participate: None,
            committee_consent: None,
            household_representative: false,
            residents_representative: false,
            exclusion: None,
            waived: false,
            voluntary: false,
            created_at: Utc.timestamp_opt(0, 0).single().unwrap_or_default(),
        }
    }

    #[test]
    fn an_edit_records_only_what_changes() {
        let r = resident();
        let edit = ResidentEdit {
            name: Some("李四".into()),
            household: Some("0102".into()),
            exclusion: Some(Some("struck_off".into())),
            waived: Some(false),
            household_representative: Some(true),
            ..ResidentEdit::default()
        };
        let (next, changes) = apply_edit(&r, &edit);
        assert_eq!(next.household, "0102");
        assert_eq!(next.exclusion.as_deref(), Some("struck_off"));
        assert!(next.household_representative);
        assert_eq!(
            changes,
            vec![
                text_change("household", Some("0101".into()), Some("0102".into())),
                text_change("exclusion", None, Some("struck_off".into())),
                text_change(
                    "household_representative",
                    Some("false".into()),
                    Some("true".into())
                ),
            ]
        );
        // Back to a voter: exclusion to none.
        let (back, changes) = apply_edit(
            &next,
            &ResidentEdit {
                exclusion: Some(None),
                ..ResidentEdit::default()
            },
        );
        assert_eq!(back.exclusion, None);
        assert_eq!(
            changes,
            vec![text_change("exclusion", Some("struck_off".into()), None)]
        );
        // Setting what already is changes nothing.
        let (same, changes) = apply_edit(
            &r,
            &ResidentEdit {
                name: Some("李四".into()),
                exclusion: Some(None),
                waived: Some(false),
                ..ResidentEdit::default()
            },
        );
        assert_eq!(same, r);
        assert!(changes.is_empty());
    }

    #[test]
    fn an_addition_lists_every_field_with_a_value() {
        let r = resident();
        let new = NewResident {
            row: 9,
            resident_id: r.resident_id.clone(),
            name: r.name.clone(),
            gender: r.gender.clone(),
            group: r.group.clone(),
            household: r.household.clone(),
            address: r.address.clone(),
            category: r.category.clone(),
            residence_since: None,
            will_participate: Some(true),
            committee_consent: None,
            household_representative: false,
            residents_representative: true,
            exclusion: None,
            waived: false,
            voluntary: true,
        };
        let fields = added_fields(&new);
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            names,
            [
                "row",
                "resident_id",
                "name",
                "gender",
                "group",
                "household",
                "address",
                "category",
                "will_participate",
                "household_representative",
                "residents_representative",
                "waived",
                "voluntary"
            ]
        );
        assert!(fields.iter().all(|f| f.before.is_none()));
        assert_eq!(fields[0].after.as_deref(), Some("9"));
        assert_eq!(fields[12].after.as_deref(), Some("true"));
        let json = fields_json(&fields).unwrap();
        assert!(json.starts_with(r#"[{"field":"row","before":null,"after":"9"}"#));
        assert_eq!(parse_fields(&json).unwrap(), fields);
        assert!(matches!(parse_fields("{"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn voter_list_chunks_feed_the_fingerprint() {
        // Booleans as JSON writes them or as SQLite's integers; a tab
        // escaped by the database's JSON.
        let json = r#"[["110101194912310021","王\t芳","F","第一组","0101",true,false,0,1],
                       ["11010519491231002X","李四","M","第一组","0101",0,1,false,false]]"#;
        let mut fp = Fingerprinter::new();
        assert_eq!(fp.push_json(Some(json)).unwrap(), 2);
        assert_eq!(fp.push_json(None).unwrap(), 0);
        assert_eq!(fp.last_id, "11010519491231002X");
        assert_eq!(fp.voters(), 2);
        let line = |id, name, gender, w, v, r| ListLine {
            resident_id: id,
            name,
            gender,
            group: "第一组",
            household: "0101",
            waived: w,
            voluntary: v,
            household_representative: false,
            residents_representative: r,
        };
        let want = huanjie_core::registration::fingerprint::fingerprint([
            line("110101194912310021", "王\t芳", "F", true, false, true),
            line("11010519491231002X", "李四", "M", false, true, false),
        ])
        .unwrap();
        assert_eq!(fp.finish(), want.to_string());
        // Out of order, or not a voter line: corrupt.
        let mut fp = Fingerprinter::new();
        fp.push_json(Some(json)).unwrap();
        assert!(matches!(
            fp.push_json(Some(json)),
            Err(StoreError::Corrupt(_))
        ));
        for bad in ["[[1]]", r#"[["1","2","3","4","5",2,0,0,0]]"#] {
            assert!(matches!(
                Fingerprinter::new().push_json(Some(bad)),
                Err(StoreError::Corrupt(_))
            ));
        }
        let r = resident();
        let json = format!(
            r#"[["{}", 7, "11010519491231002X", "李四", "F", "第一组", "0101", "幸福路1号",
                "registered", null, null, 1, 0, false, null, 0, false]]"#,
            r.id
        );
        let mut want = r.clone();
        want.committee_consent = Some(true);
        assert_eq!(
            residents(Some(&json), r.election_id, r.created_at).unwrap(),
            vec![want]
        );
    }

    #[test]
    fn examples_come_from_the_first_groups_that_have_them() {
        let row = |g: &str, n: i64| GroupRow {
            group: g.into(),
            without_rep: n,
            ..GroupRow::default()
        };
        let rows = [
            row("a", 0),
            row("b", 4),
            row("c", 0),
            row("d", 6),
            row("e", 1),
        ];
        assert_eq!(example_groups(&rows, |r| r.without_rep), ["b", "d"]);
        assert!(example_groups(&rows, |r| r.several_reps).is_empty());
    }

    #[test]
    fn objection_steps_in_order() {
        assert!(decidable(ObjectionStatus::Lodged).is_ok());
        for s in [ObjectionStatus::Upheld, ObjectionStatus::Rejected] {
            assert!(matches!(
                decidable(s),
                Err(StoreError::State(StateError::Objection("already decided")))
            ));
            assert!(answerable(s, false).is_ok());
            assert!(matches!(
                answerable(s, true),
                Err(StoreError::State(StateError::Objection("already answered")))
            ));
        }
        assert!(matches!(
            answerable(ObjectionStatus::Lodged, false),
            Err(StoreError::State(StateError::Objection("not decided yet")))
        ));
        assert!(rejection_changes_nothing(false, true).is_err());
        assert!(rejection_changes_nothing(true, true).is_ok());
        assert!(matches!(
            not_empty(" \t", "reason"),
            Err(StoreError::State(StateError::Empty("reason")))
        ));
        assert!(not_empty("x", "reason").is_ok());
    }
}
