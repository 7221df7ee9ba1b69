//! Importing a resident roll: read it, check it, then refuse it whole or
//! store it whole (issue 3, R-REG-1..3).
//!
//! Used by the API, the roll page and `huanjie roll import`, so the three
//! cannot disagree. The checks are pure (`huanjie_registration`); this
//! module adds what needs the store: 不重登 across the elections of the same
//! round (R-REG-3), and the all-or-nothing write.

use chrono::{DateTime, Utc};
use huanjie_core::counting::Gender;
use huanjie_core::profile::Profile;
use huanjie_core::registration::Column;
use huanjie_core::rule;
use huanjie_registration::{
    check_roll, read_roll, ImportReport, ImportSummary, RosterEntry, RowError,
};
use huanjie_store::{Election, NewResident, RollOutcome, Store};
use serde::Serialize;

/// How many non-voters of each kind the summary quotes by name.
const SAMPLE_PER_KIND: usize = 20;

/// A file-level refusal (headers, encoding): nothing below the header was
/// looked at.
#[derive(Debug, Clone, Serialize)]
pub struct FileProblem {
    pub rule: &'static str,
    pub message: String,
    pub message_en: String,
}

/// What an import did, as the API returns it and the page shows it.
#[derive(Debug, Clone, Serialize)]
pub struct RollImport {
    /// True when the roll passed every check (and, unless a dry run, was
    /// stored).
    pub accepted: bool,
    /// True when the roll replaced the election's roll.
    pub written: bool,
    pub dry_run: bool,
    pub file_error: Option<FileProblem>,
    #[serde(flatten)]
    pub summary: ImportSummary,
}

/// Why the import could not even be attempted.
#[derive(Debug, thiserror::Error)]
pub enum RollImportError {
    #[error("the election's profile {0:?} is not known")]
    UnknownProfile(String),
    #[error("the roll checker stopped unexpectedly")]
    Checker,
    #[error(transparent)]
    Store(#[from] huanjie_store::StoreError),
}

/// Reads and checks `bytes` as the roll of `election`; unless `dry_run`,
/// and only when every row passes, replaces the election's roll with it.
///
/// Reading and checking a big roll takes seconds of CPU, so it runs on the
/// blocking pool rather than on an async worker.
pub async fn import(
    store: &dyn Store,
    election: &Election,
    bytes: Vec<u8>,
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<RollImport, RollImportError> {
    let profile = Profile::builtin(&election.profile)
        .ok_or_else(|| RollImportError::UnknownProfile(election.profile.clone()))?;
    let day = election.election_day;
    // Reading, checking and turning the rows into the store's records take
    // seconds of CPU for a big roll: on the blocking pool, not on an async
    // worker.
    let checked = tokio::task::spawn_blocking(move || {
        read_roll(&bytes).map(|roll| {
            let report = check_roll(&roll, day, &profile.registration);
            drop(roll);
            let summary = report.summary(SAMPLE_PER_KIND);
            let accepted = report.is_accepted();
            let residents = (accepted && !dry_run).then(|| new_residents(report));
            (summary, accepted, residents)
        })
    })
    .await
    .map_err(|_| RollImportError::Checker)?;
    let (mut summary, accepted, residents) = match checked {
        Ok(checked) => checked,
        Err(file) => {
            return Ok(RollImport {
                accepted: false,
                written: false,
                dry_run,
                file_error: Some(FileProblem {
                    rule: rule::REG_3,
                    message: file.message_zh(),
                    message_en: file.message_en(),
                }),
                summary: empty_summary(),
            })
        }
    };
    let Some(residents) = residents else {
        return Ok(RollImport {
            accepted,
            written: false,
            dry_run,
            file_error: None,
            summary,
        });
    };
    match store.replace_roll(election.id, &residents, now).await? {
        RollOutcome::Imported { .. } => Ok(RollImport {
            accepted: true,
            written: true,
            dry_run,
            file_error: None,
            summary,
        }),
        RollOutcome::Conflicts(conflicts) => {
            // R-REG-3: registered in another election of the same round.
            summary.accepted = false;
            summary.errors = conflicts
                .into_iter()
                .map(|c| RowError {
                    row: c.row as usize,
                    column: Column::ResidentId,
                    value: c.resident_id,
                    rule: rule::REG_3,
                    message_zh: format!(
                        "已在同一轮选举的“{}”中登记为选民，不能重复登记",
                        c.other_election_title
                    ),
                    message_en: format!(
                        "already registered as a voter in “{}”, an election of the same round: no one is registered twice",
                        c.other_election_title
                    ),
                })
                .collect();
            Ok(RollImport {
                accepted: false,
                written: false,
                dry_run,
                file_error: None,
                summary,
            })
        }
    }
}

fn empty_summary() -> ImportSummary {
    ImportSummary {
        accepted: false,
        rows: 0,
        voters: 0,
        not_registered: 0,
        not_registered_by_kind: Vec::new(),
        not_registered_sample: Vec::new(),
        errors: Vec::new(),
    }
}

/// The store's records of an accepted report, in the report's order. The
/// report is consumed: each resident's text moves into the record instead
/// of being copied (a million rows held once, not twice); the voters are
/// converted on two threads (about 0.5 s on one for 1M rows).
fn new_residents(report: ImportReport) -> Vec<NewResident> {
    let mut voters = report.voters;
    let second = voters.split_off(voters.len() / 2);
    let (mut first, second) = std::thread::scope(|s| {
        let second = s.spawn(move || {
            second
                .into_iter()
                .map(|entry| new_resident(entry, None))
                .collect::<Vec<_>>()
        });
        let first: Vec<NewResident> = voters
            .into_iter()
            .map(|entry| new_resident(entry, None))
            .collect();
        (first, second.join())
    });
    let second = match second {
        Ok(second) => second,
        // A panic on the other thread is a bug; carry it on here.
        Err(panic) => std::panic::resume_unwind(panic),
    };
    first.reserve(second.len() + report.not_registered.len());
    first.extend(second);
    first.extend(
        report
            .not_registered
            .into_iter()
            .map(|(entry, exclusion)| new_resident(entry, Some(exclusion.code()))),
    );
    first
}

fn new_resident(entry: RosterEntry, exclusion: Option<&str>) -> NewResident {
    let r = entry.resident;
    NewResident {
        row: u32::try_from(entry.row).unwrap_or(u32::MAX),
        resident_id: r.resident_id.as_str().to_owned(),
        name: r.name,
        gender: match r.gender {
            Gender::Male => "M",
            Gender::Female => "F",
        }
        .to_owned(),
        group: r.group,
        household: r.household,
        address: r.address,
        category: r.category.code().to_owned(),
        residence_since: r.residence_since,
        will_participate: r.will_participate,
        committee_consent: r.committee_consent,
        household_representative: r.household_representative,
        residents_representative: r.residents_representative,
        exclusion: exclusion.map(str::to_owned),
        waived: false,
        voluntary: false,
    }
}

/// What observers see of a resident ID (R-REG privacy): the core's mask.
pub use huanjie_core::resident_id::mask as mask_id;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_all_but_four_and_four() {
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id("1234"), "****");
        assert_eq!(mask_id(""), "");
    }
}
