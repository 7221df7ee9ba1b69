//! `check_roll`: every cell parsed, every rule applied, every problem
//! listed.
//!
//! Which rule a problem cites: a blank required cell is an omission
//! (不漏登, R-REG-3); a value that cannot be read cites the rule its column
//! serves — the ID and gender R-REG-1 (age and identity), the category, its
//! dates and consents R-REG-2, the representative flags R-REG-6; the same ID
//! twice is R-REG-3 (不重登). Problems found by the core's `decide` keep
//! the rule ids it gives.

use crate::cells::{
    looks_like_resident_id, normalize_resident_id, parse_date, parse_gender, parse_yes_no, quoted,
};
use crate::headers::column_words_en;
use crate::report::{ImportReport, RosterEntry, RowError};
use crate::roll::{column_index, ParsedRoll, RollRow};
use chrono::NaiveDate;
use huanjie_core::counting::Gender;
use huanjie_core::profile::RegistrationRules;
use huanjie_core::registration::{
    decide, repeated_ids, Category, Column, Decision, Exclusion, Resident,
};
use huanjie_core::resident_id::{ResidentId, ResidentIdError};
use huanjie_core::rule;
use std::collections::HashSet;

/// Checks a roll read by [`read_roll`](crate::read_roll) for an election
/// held on `election_day` under a profile's registration rules.
///
/// Every row is checked in full (all its bad cells are reported, not just
/// the first); then R-REG-3 across the file: a resident ID on two rows is
/// an error on the later row, citing the first, whether or not the
/// resident is a voter. Residents from sound rows are voters or, with the
/// rule that excludes them, not registered.
pub fn check_roll(
    roll: &ParsedRoll,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> ImportReport {
    // The rows are independent until R-REG-3: on a large roll the two
    // halves are checked at once (the server has two cores), then joined
    // in row order, so the report is the same as from one pass.
    let (first, second) = roll.rows.split_at(if roll.rows.len() >= PARALLEL_FROM {
        roll.rows.len() / 2
    } else {
        roll.rows.len()
    });
    let mut checked = std::thread::scope(|scope| {
        let later =
            (!second.is_empty()).then(|| scope.spawn(|| Checked::of(second, election_day, rules)));
        let mut checked = Checked::of(first, election_day, rules);
        if let Some(later) = later {
            // A panic in the helper thread (there is none to expect) is
            // not lost: its half is checked again here, and any panic
            // shows where it belongs.
            let rest = later
                .join()
                .unwrap_or_else(|_| Checked::of(second, election_day, rules));
            checked.append(rest);
        }
        checked
    });
    let mut report = ImportReport {
        rows: roll.rows.len(),
        voters: std::mem::take(&mut checked.voters),
        not_registered: std::mem::take(&mut checked.not_registered),
        errors: std::mem::take(&mut checked.errors),
    };
    let Checked {
        bad_ids, places, ..
    } = checked;

    // R-REG-3 within the file, over every row with a valid ID.
    let with_id: Vec<(usize, &ResidentId)> = places
        .iter()
        .enumerate()
        .filter_map(|(k, place)| {
            let id = match *place {
                Place::Voter(i) => report.voters.get(i).map(|e| &e.resident.resident_id),
                Place::NotRegistered(i) => report
                    .not_registered
                    .get(i)
                    .map(|(e, _)| &e.resident.resident_id),
                Place::Bad(i) => bad_ids.get(i),
                Place::NoId => None,
            };
            id.map(|id| (k, id))
        })
        .collect();
    let mut repeated_rows = HashSet::new();
    let mut repeat_errors = Vec::new();
    for (i, j) in repeated_ids(with_id.iter().map(|(_, id)| *id)) {
        let (Some(&(k, _)), Some(&(first, _))) = (with_id.get(i), with_id.get(j)) else {
            continue;
        };
        let (Some(row), Some(first_row)) = (roll.rows.get(k), roll.rows.get(first)) else {
            continue;
        };
        repeated_rows.insert(row.row);
        repeat_errors.push(RowError {
            row: row.row,
            column: Column::ResidentId,
            value: quoted(row.cells.get(Column::ResidentId)).into_owned(),
            rule: rule::REG_3,
            message_zh: format!(
                "公民身份号码与第{}行重复：同一人不得重复登记",
                first_row.row
            ),
            message_en: format!(
                "same resident ID as row {}: no one is registered twice",
                first_row.row
            ),
        });
    }
    drop(with_id);
    if !repeat_errors.is_empty() {
        // A repeated row is a bad row: it is neither a voter nor a
        // non-voter until the committee fixes the file.
        report.voters.retain(|e| !repeated_rows.contains(&e.row));
        report
            .not_registered
            .retain(|(e, _)| !repeated_rows.contains(&e.row));
        report.errors.append(&mut repeat_errors);
    }
    // By row, then column; a row's errors keep the order they were found.
    report
        .errors
        .sort_by_key(|e| (e.row, column_index(e.column)));
    report
}

/// Rolls at least this long are checked on two threads.
const PARALLEL_FROM: usize = 20_000;

/// The rows of one part of the roll, checked.
struct Checked {
    voters: Vec<RosterEntry>,
    not_registered: Vec<(RosterEntry, Exclusion)>,
    errors: Vec<RowError>,
    /// Valid IDs of rows with other problems, still counted for R-REG-3.
    bad_ids: Vec<ResidentId>,
    /// Where each row's valid ID is kept, in row order.
    places: Vec<Place>,
}

impl Checked {
    fn of(rows: &[RollRow], election_day: NaiveDate, rules: &RegistrationRules) -> Self {
        let mut checked = Checked {
            // Most rows are voters: one allocation, no copies as it grows.
            voters: Vec::with_capacity(rows.len()),
            not_registered: Vec::new(),
            errors: Vec::new(),
            bad_ids: Vec::new(),
            places: Vec::with_capacity(rows.len()),
        };
        for row in rows {
            let outcome = RowCheck {
                row,
                errors: &mut checked.errors,
                first_error: 0,
            }
            .run(election_day, rules);
            let entry = |resident| RosterEntry {
                row: row.row,
                resident,
            };
            let place = match outcome {
                Outcome::Sound(resident, Decision::Voter) => {
                    checked.voters.push(entry(resident));
                    Place::Voter(checked.voters.len() - 1)
                }
                Outcome::Sound(resident, Decision::NotRegistered(exclusion)) => {
                    checked.not_registered.push((entry(resident), exclusion));
                    Place::NotRegistered(checked.not_registered.len() - 1)
                }
                Outcome::Bad(Some(id)) => {
                    checked.bad_ids.push(id);
                    Place::Bad(checked.bad_ids.len() - 1)
                }
                Outcome::Bad(None) => Place::NoId,
            };
            checked.places.push(place);
        }
        checked
    }

    /// The later part's rows after this part's.
    fn append(&mut self, mut later: Checked) {
        let (v, n, b) = (
            self.voters.len(),
            self.not_registered.len(),
            self.bad_ids.len(),
        );
        self.places.extend(later.places.iter().map(|p| match *p {
            Place::Voter(i) => Place::Voter(i + v),
            Place::NotRegistered(i) => Place::NotRegistered(i + n),
            Place::Bad(i) => Place::Bad(i + b),
            Place::NoId => Place::NoId,
        }));
        self.voters.append(&mut later.voters);
        self.not_registered.append(&mut later.not_registered);
        self.bad_ids.append(&mut later.bad_ids);
        self.errors.append(&mut later.errors);
    }
}

/// Where a row's resident ID ended up.
#[derive(Clone, Copy)]
enum Place {
    Voter(usize),
    NotRegistered(usize),
    Bad(usize),
    NoId,
}

enum Outcome {
    /// Every cell is sound.
    Sound(Resident, Decision),
    /// Something is wrong; the ID, if it is valid, still counts for
    /// R-REG-3.
    Bad(Option<ResidentId>),
}

/// The checks of one row, collecting its errors.
struct RowCheck<'a> {
    row: &'a RollRow,
    errors: &'a mut Vec<RowError>,
    /// Where this row's errors start in `errors`.
    first_error: usize,
}

impl<'a> RowCheck<'a> {
    fn cell(&self, column: Column) -> &'a str {
        self.row.cells.get(column)
    }

    fn error(
        &mut self,
        column: Column,
        rule: &'static str,
        message_zh: String,
        message_en: String,
    ) {
        self.errors.push(RowError {
            row: self.row.row,
            column,
            value: quoted(self.cell(column)).into_owned(),
            rule,
            message_zh,
            message_en,
        });
    }

    fn has_error(&self, column: Column) -> bool {
        self.errors
            .get(self.first_error..)
            .is_some_and(|e| e.iter().any(|e| e.column == column))
    }

    /// A required cell's text, or an R-REG-3 omission.
    fn required(&mut self, column: Column) -> Option<&'a str> {
        let text = self.cell(column);
        if text.is_empty() {
            self.error(
                column,
                rule::REG_3,
                format!("“{}”为必填项，此处为空", column.zh()),
                format!("{} is required and is blank", column_words_en(column)),
            );
            None
        } else {
            Some(text)
        }
    }

    fn gender(&mut self) -> Option<Gender> {
        let text = self.required(Column::Gender)?;
        let gender = parse_gender(text);
        if gender.is_none() {
            self.error(
                Column::Gender,
                rule::REG_1,
                format!("性别应填“男”或“女”，此处为“{}”", quoted(text)),
                format!(
                    "gender must be 男 or 女 (M/F, male/female); found “{}”",
                    quoted(text)
                ),
            );
        }
        gender
    }

    fn resident_id(&mut self) -> Option<ResidentId> {
        let text = self.required(Column::ResidentId)?;
        if self.row.cells.lost_digits(Column::ResidentId) {
            self.error(
                Column::ResidentId,
                rule::REG_1,
                "公民身份号码在Excel中被存成了数字，末尾几位已丢失：请把该列设为“文本”格式，重新填写号码".into(),
                "the resident ID was stored as a number in Excel, which lost its last digits: format the column as text and enter the IDs again".into(),
            );
            return None;
        }
        match normalize_resident_id(text).parse::<ResidentId>() {
            Ok(id) => Some(id),
            Err(e) => {
                let (zh, en) = id_messages(text, &e);
                self.error(Column::ResidentId, rule::REG_1, zh, en);
                None
            }
        }
    }

    fn category(&mut self) -> Option<Category> {
        let text = self.required(Column::Category)?;
        let category = Category::parse(text);
        if category.is_none() {
            self.error(
                Column::Category,
                rule::REG_2,
                format!(
                    "户籍类别应为“户籍居民”“人户分离”“外来人员”或“派驻人员”，此处为“{}”",
                    quoted(text)
                ),
                format!(
                    "category must be 户籍居民 (registered here), 人户分离 (registered here, living elsewhere), 外来人员 (living here without household registration) or 派驻人员 (posted staff); found “{}”",
                    quoted(text)
                ),
            );
        }
        category
    }

    /// An optional date: `Some(None)` when blank, `None` when unreadable.
    fn date(&mut self, column: Column, rule: &'static str) -> Option<Option<NaiveDate>> {
        let text = self.cell(column);
        if text.is_empty() {
            return Some(None);
        }
        let date = parse_date(text);
        if date.is_none() {
            self.error(
                column,
                rule,
                format!(
                    "“{}”应为日期，如2026-01-05、2026/1/5或2026年1月5日；此处为“{}”",
                    column.zh(),
                    quoted(text)
                ),
                format!(
                    "{} must be a real date such as 2026-01-05, 2026/1/5 or 2026年1月5日; found “{}”",
                    column_words_en(column),
                    quoted(text)
                ),
            );
            return None;
        }
        Some(date)
    }

    /// An optional yes/no: `Some(None)` when blank, `None` when unreadable.
    fn yes_no(&mut self, column: Column, rule: &'static str) -> Option<Option<bool>> {
        let text = self.cell(column);
        if text.is_empty() {
            return Some(None);
        }
        let value = parse_yes_no(text);
        if value.is_none() {
            self.error(
                column,
                rule,
                format!(
                    "“{}”应填“是”或“否”（也可留空），此处为“{}”",
                    column.zh(),
                    quoted(text)
                ),
                format!(
                    "{} must be 是 or 否 (yes or no), or left blank; found “{}”",
                    column_words_en(column),
                    quoted(text)
                ),
            );
            return None;
        }
        Some(value)
    }

    fn run(mut self, election_day: NaiveDate, rules: &RegistrationRules) -> Outcome {
        self.first_error = self.errors.len();
        let name = self.required(Column::Name);
        let gender = self.gender();
        let resident_id = self.resident_id();
        let group = self.required(Column::Group);
        let household = self.required(Column::Household);
        let category = self.category();
        let residence_since = self.date(Column::ResidenceSince, rule::REG_2);
        let deprived = self.yes_no(Column::PoliticalRights, rule::REG_1);
        let will_participate = self.yes_no(Column::WillParticipate, rule::REG_2);
        let committee_consent = self.yes_no(Column::CommitteeConsent, rule::REG_2);
        let household_rep = self.yes_no(Column::HouseholdRepresentative, rule::REG_6);
        let residents_rep = self.yes_no(Column::ResidentsRepresentative, rule::REG_6);

        // Without an ID, a gender and a category the core cannot judge the
        // row; with them it can, even if other cells are bad, so its
        // problems (gender against the ID …) are reported in the same pass.
        let (gender, resident_id, category) = match (gender, resident_id, category) {
            (Some(g), Some(id), Some(c)) => (g, id, c),
            (_, id, _) => return Outcome::Bad(id),
        };
        let resident = Resident {
            name: name.unwrap_or_default().to_owned(),
            gender,
            resident_id,
            group: group.unwrap_or_default().to_owned(),
            household: household.unwrap_or_default().to_owned(),
            address: self.cell(Column::Address).to_owned(),
            category,
            residence_since: residence_since.flatten(),
            deprived_of_political_rights: deprived.flatten().unwrap_or(false),
            will_participate: will_participate.flatten(),
            committee_consent: committee_consent.flatten(),
            household_representative: household_rep.flatten().unwrap_or(false),
            residents_representative: residents_rep.flatten().unwrap_or(false),
        };
        match decide(&resident, election_day, rules) {
            Ok(decision) if self.errors.len() == self.first_error => {
                Outcome::Sound(resident, decision)
            }
            Ok(_) => Outcome::Bad(Some(resident.resident_id)),
            Err(problems) => {
                for p in problems {
                    // An unreadable date already has its error; the core
                    // saw it as missing.
                    if !self.has_error(p.column) {
                        self.error(p.column, p.rule, p.message_zh(), p.message_en());
                    }
                }
                Outcome::Bad(Some(resident.resident_id))
            }
        }
    }
}

/// Plain-words messages for a refused ID (the core's English `Display`
/// quotes characters the Rust way; these do not). An old 15-digit ID gets
/// its own advice.
fn id_messages(text: &str, e: &ResidentIdError) -> (String, String) {
    if let ResidentIdError::Length(15) = e {
        if looks_like_resident_id(text) {
            return (
                "这是15位的旧身份证号码：请填写18位的公民身份号码".into(),
                "this is an old 15-digit ID number: give the 18-character resident ID".into(),
            );
        }
    }
    let en = match e {
        ResidentIdError::Length(n) => {
            format!("a resident ID has 18 characters; this one has {n}")
        }
        ResidentIdError::NotADigit { position, found } => format!(
            "characters 1–17 of a resident ID are digits; character {position} is “{found}”"
        ),
        ResidentIdError::BadCheckCharacter(c) => {
            format!("the last character of a resident ID is a digit or X; here it is “{c}”")
        }
        ResidentIdError::CheckDigit { expected, found } => format!(
            "the check digit does not match (it should be {expected}, it is {found}): the number was probably mistyped"
        ),
        ResidentIdError::BirthDate(d) => format!(
            "characters 7–14 of a resident ID are the birth date (year, month, day); {d} is not a real date"
        ),
    };
    (e.message_zh(), en)
}
