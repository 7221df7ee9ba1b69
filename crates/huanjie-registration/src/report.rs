//! The import report: voters, residents who are not voters (and why), and
//! every bad cell.
//!
//! The report is the committee's: it quotes their data, resident IDs
//! included, in its JSON. `Debug` output, which may reach a log, masks IDs.
//! A full report of a million voters is large, so the API sends an
//! [`ImportSummary`] (counts, all errors, a sample of the non-voters)
//! instead.

use crate::cells::mask_resident_id;
use huanjie_core::registration::{Column, Exclusion, Resident};
use serde::ser::{SerializeStruct, Serializer};
use serde::Serialize;
use std::fmt;

/// One bad cell. A row can have several.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The row as Excel numbers it (header = 1).
    pub row: usize,
    pub column: Column,
    /// The cell's trimmed text (at most 100 characters and "…").
    pub value: String,
    /// The rule id (`R-REG-1` …).
    pub rule: &'static str,
    pub message_zh: String,
    pub message_en: String,
}

/// Debug masks the value of the resident ID column.
impl fmt::Debug for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let value = if self.column == Column::ResidentId {
            mask_resident_id(&self.value)
        } else {
            self.value.clone()
        };
        f.debug_struct("RowError")
            .field("row", &self.row)
            .field("column", &self.column)
            .field("value", &value)
            .field("rule", &self.rule)
            .field("message_en", &self.message_en)
            .finish()
    }
}

/// A resident from a sound row. `Debug` masks the ID (through
/// `ResidentId`'s own `Debug`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterEntry {
    /// The row as Excel numbers it.
    pub row: usize,
    pub resident: Resident,
}

/// The resident's fields under their English column names (the API's
/// field names), with the row number.
impl Serialize for RosterEntry {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let r = &self.resident;
        let mut s = serializer.serialize_struct("RosterEntry", 14)?;
        s.serialize_field("row", &self.row)?;
        s.serialize_field(Column::Name.en(), &r.name)?;
        s.serialize_field(Column::Gender.en(), &r.gender)?;
        s.serialize_field(Column::ResidentId.en(), r.resident_id.as_str())?;
        s.serialize_field(Column::Group.en(), &r.group)?;
        s.serialize_field(Column::Household.en(), &r.household)?;
        s.serialize_field(Column::Address.en(), &r.address)?;
        s.serialize_field(Column::Category.en(), &r.category)?;
        s.serialize_field(Column::ResidenceSince.en(), &r.residence_since)?;
        s.serialize_field(
            Column::PoliticalRights.en(),
            &r.deprived_of_political_rights,
        )?;
        s.serialize_field(Column::WillParticipate.en(), &r.will_participate)?;
        s.serialize_field(Column::CommitteeConsent.en(), &r.committee_consent)?;
        s.serialize_field(
            Column::HouseholdRepresentative.en(),
            &r.household_representative,
        )?;
        s.serialize_field(
            Column::ResidentsRepresentative.en(),
            &r.residents_representative,
        )?;
        s.end()
    }
}

/// An exclusion with its rule id and both messages.
#[derive(Serialize)]
struct ExclusionJson {
    #[serde(flatten)]
    exclusion: Exclusion,
    rule: &'static str,
    message_zh: String,
    message_en: String,
}

impl From<Exclusion> for ExclusionJson {
    fn from(exclusion: Exclusion) -> Self {
        ExclusionJson {
            exclusion,
            rule: exclusion.rule(),
            message_zh: exclusion.message_zh(),
            message_en: exclusion.message_en(),
        }
    }
}

#[derive(Serialize)]
struct NotRegisteredJson<'a> {
    #[serde(flatten)]
    entry: &'a RosterEntry,
    exclusion: ExclusionJson,
}

fn not_registered_json<S: Serializer>(
    list: &[(RosterEntry, Exclusion)],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(list.iter().map(|(entry, exclusion)| NotRegisteredJson {
        entry,
        exclusion: (*exclusion).into(),
    }))
}

/// What `check_roll` found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ImportReport {
    /// Data rows read (blank rows not counted).
    pub rows: usize,
    /// Residents who are voters, in row order (sound rows only).
    pub voters: Vec<RosterEntry>,
    /// Residents correctly on the roll who are not voters, with the reason.
    pub not_registered: Vec<(RosterEntry, Exclusion)>,
    /// Every bad cell, by row then column. Any error refuses the roll.
    pub errors: Vec<RowError>,
}

impl ImportReport {
    /// Whether the roll can be imported: no row has an error.
    pub fn is_accepted(&self) -> bool {
        self.errors.is_empty()
    }

    /// The report without the voter list: counts, every error, the
    /// non-voters counted by kind, and up to `sample_per_kind` examples of
    /// each kind (in row order).
    pub fn summary(&self, sample_per_kind: usize) -> ImportSummary {
        let mut by_kind: Vec<ExclusionCount> = Vec::new();
        let mut sample = Vec::new();
        for (entry, exclusion) in &self.not_registered {
            let kind = exclusion_kind(*exclusion);
            let count = match by_kind.iter_mut().find(|c| c.kind == kind) {
                Some(c) => {
                    c.count += 1;
                    c.count
                }
                None => {
                    by_kind.push(ExclusionCount::first(*exclusion));
                    1
                }
            };
            if count <= sample_per_kind {
                sample.push((entry.clone(), *exclusion));
            }
        }
        by_kind.sort_by_key(|c| KINDS.iter().position(|k| *k == c.kind));
        ImportSummary {
            accepted: self.is_accepted(),
            rows: self.rows,
            voters: self.voters.len(),
            not_registered: self.not_registered.len(),
            not_registered_by_kind: by_kind,
            not_registered_sample: sample,
            errors: self.errors.clone(),
        }
    }
}

/// The full report as JSON (every voter: large for a big roll; the API
/// sends [`ImportReport::summary`]).
impl Serialize for ImportReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct NotRegistered<'a>(&'a [(RosterEntry, Exclusion)]);
        impl Serialize for NotRegistered<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                not_registered_json(self.0, serializer)
            }
        }
        let mut s = serializer.serialize_struct("ImportReport", 5)?;
        s.serialize_field("accepted", &self.is_accepted())?;
        s.serialize_field("rows", &self.rows)?;
        s.serialize_field("voters", &self.voters)?;
        s.serialize_field("not_registered", &NotRegistered(&self.not_registered))?;
        s.serialize_field("errors", &self.errors)?;
        s.end()
    }
}

/// The kinds of exclusion, in the order of RULES.md (as `Exclusion`'s
/// serde tag spells them).
const KINDS: [&str; 5] = [
    "under18",
    "deprived_of_political_rights",
    "residence_too_short",
    "no_committee_consent",
    "not_taking_part",
];

/// The serde tag of an exclusion.
pub(crate) fn exclusion_kind(e: Exclusion) -> &'static str {
    match e {
        Exclusion::Under18 { .. } => KINDS[0],
        Exclusion::DeprivedOfPoliticalRights => KINDS[1],
        Exclusion::ResidenceTooShort { .. } => KINDS[2],
        Exclusion::NoCommitteeConsent => KINDS[3],
        Exclusion::NotTakingPart => KINDS[4],
    }
}

/// How many residents one kind of exclusion keeps off the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExclusionCount {
    /// The exclusion's kind, as in its JSON (`under18` …).
    pub kind: &'static str,
    /// The core's stable storage code (`Exclusion::code`: `under_18` …).
    pub code: &'static str,
    pub rule: &'static str,
    pub message_zh: String,
    pub message_en: String,
    pub count: usize,
}

impl ExclusionCount {
    fn first(e: Exclusion) -> Self {
        // Under 18: the message without one resident's age.
        let (message_zh, message_en) = match e {
            Exclusion::Under18 { .. } => (
                "选举日未满18周岁".to_owned(),
                "under 18 on election day".to_owned(),
            ),
            _ => (e.message_zh(), e.message_en()),
        };
        ExclusionCount {
            kind: exclusion_kind(e),
            code: e.code(),
            rule: e.rule(),
            message_zh,
            message_en,
            count: 1,
        }
    }
}

/// The report as the API returns it: counts instead of the voter list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    pub accepted: bool,
    pub rows: usize,
    pub voters: usize,
    pub not_registered: usize,
    pub not_registered_by_kind: Vec<ExclusionCount>,
    #[serde(serialize_with = "not_registered_json")]
    pub not_registered_sample: Vec<(RosterEntry, Exclusion)>,
    /// Every error, however many.
    pub errors: Vec<RowError>,
}
