//! Polling day as use cases (issue 6), shared by the API and the pages:
//! stations (R-POLL-1), open / issue / close (R-POLL-5), and counting a
//! ballot (a scan): its serial verified (tag, this election, printed for
//! this station, not voided), its marks checked against the ballot, then
//! stored durably before the answer (a retry gets the first receipt back;
//! the same ballot with other marks is refused, never counted twice).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use huanjie_core::polling::StationKind;
use huanjie_core::rule;
use huanjie_core::serial::{Expected, Serial, SerialKey, SignedSerial};
use huanjie_store::{
    Election, NewScan, NewStation, Receipt, ScanOutcome, ScanRefusal, Station, Store,
};

use crate::scan_service::ScanService;
use serde::{Deserialize, Serialize};

use crate::error::{HttpError, Message, RuleRefusal};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StationRequest {
    pub code: String,
    pub name: String,
    /// `central`, `sub` or `mobile`.
    pub kind: String,
    /// Where it is (for a mobile box: when and where it goes round).
    #[serde(default)]
    pub place: String,
    /// Whom it serves.
    #[serde(default)]
    pub serves: String,
    #[serde(default)]
    pub approval: Option<String>,
}

fn bad(code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::BadRequest(Message { code, zh, en })
}

/// Sets up a station, checked against the profile (R-POLL-1) and, for an
/// election by residents' representatives, the one-box rule.
pub async fn add_station(
    store: &dyn Store,
    election: &Election,
    request: &StationRequest,
    now: DateTime<Utc>,
) -> Result<Station, HttpError> {
    let code = request.code.trim();
    if code.is_empty()
        || code.len() > 32
        || !code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return Err(bad(
            "code",
            "投票站代码（code）：1 到 32 个字母、数字、- 或 _，如 central、S1、M1".into(),
            "code: 1 to 32 letters, digits, - or _, such as central, S1, M1".into(),
        ));
    }
    let name = crate::registration::required("name", "投票站名称", &request.name)?;
    let kind = StationKind::parse(request.kind.trim()).ok_or_else(|| {
        bad(
            "kind",
            "类型（kind）：应为 central（中心投票站）、sub（投票站）或 mobile（流动票箱）".into(),
            "kind: must be central, sub or mobile".into(),
        )
    })?;
    let profile = crate::registration::profile(election)?;
    // A meeting (the residents' representatives, the workers' congress)
    // votes into one box (R-POLL-1).
    let assembly = crate::tally::electorate(store, election).await?
        != huanjie_core::electorate::Electorate::Voters;
    let new = NewStation {
        code: code.to_owned(),
        name,
        kind,
        place: request.place.trim().to_owned(),
        serves: request.serves.trim().to_owned(),
        approval: request.approval.clone(),
    };
    Ok(store
        .add_station(election.id, &new, &profile.polling, assembly, now)
        .await?)
}

/// Opens a station's polls: every counter at zero and, per the profile,
/// enough scrutineers appointed for it (R-POLL-2).
pub async fn open_polls(
    store: &dyn Store,
    election: &Election,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Station, HttpError> {
    let profile = crate::registration::profile(election)?;
    Ok(store
        .open_polls(election.id, code, profile.polling.scrutineers_min, now)
        .await?)
}

/// A ballot as a caller read it out or the mark reader read it: per
/// position, per candidate (its row on the ballot, 1 first), a choice;
/// write-ins per position; or the whole ballot unreadable (R-CNT-4, for
/// the committee to rule on).
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct BallotMarks {
    #[serde(default)]
    pub marks: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub write_ins: BTreeMap<String, Vec<WriteIn>>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unreadable: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, Eq)]
pub struct WriteIn {
    pub name: String,
    /// As the counting case has it: `M`, `F`, or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct ScanRequest {
    pub serial: String,
    #[serde(flatten)]
    pub ballot: BallotMarks,
    /// What the mark reader could not decide (set by the image upload,
    /// never taken from a request body): the ballot goes to a person.
    #[serde(skip)]
    pub reasons: Vec<ReviewReason>,
}

/// Why a person must look at a ballot before its marks count (R-CNT-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReviewReason {
    /// A scrutineer flagged the whole ballot as unreadable: the election
    /// committee rules on it.
    Unreadable,
    /// A mark the reader could not call filled or empty.
    Ambiguous {
        position: String,
        row: String,
        choice: String,
    },
    /// More than one target marked on one row.
    RowOvervote { position: String, row: String },
    /// A 另选他人 name box has ink: the name is typed by a person.
    WriteIn { position: String, index: usize },
    /// A corner square of the scan could not be found: the marks were
    /// read from where the other three put them, and a person checks.
    Placement,
}

impl ReviewReason {
    /// Only the committee rules a ballot unreadable (R-CNT-4); what the
    /// reader could not see, the station's people may read off the paper.
    pub fn needs_committee(&self) -> bool {
        matches!(self, ReviewReason::Unreadable)
    }
}

/// The review a scan carries, as stored: `{"reasons": [...]}`.
pub fn review_json(reasons: &[ReviewReason]) -> Result<Option<String>, HttpError> {
    if reasons.is_empty() {
        return Ok(None);
    }
    serde_json::to_string(&serde_json::json!({ "reasons": reasons }))
        .map(Some)
        .map_err(|e| HttpError::Internal(e.into()))
}

/// The reasons of a stored review.
pub fn review_reasons(review: &str) -> Vec<ReviewReason> {
    #[derive(Deserialize)]
    struct Stored {
        reasons: Vec<ReviewReason>,
    }
    serde_json::from_str::<Stored>(review)
        .map(|s| s.reasons)
        .unwrap_or_else(|_| vec![ReviewReason::Unreadable])
}

fn marks_refusal(zh: String, en: String) -> HttpError {
    RuleRefusal::new("bad_marks", rule::CNT_4, zh, en).into()
}

/// Checks a ballot's marks against the election's ballot (`shape`:
/// position → seats and standing candidates): known positions, candidate
/// rows that exist, choices `for` / `against` / `abstain`, no more
/// write-ins than the position's write-in rows (its seats), names given;
/// an unreadable ballot carries no marks. Returns the marks as stored
/// (canonical JSON: keys sorted, names trimmed).
pub fn check_marks(
    shape: &std::collections::HashMap<String, (u32, usize)>,
    ballot: &BallotMarks,
) -> Result<String, HttpError> {
    let mut ballot = ballot.clone();
    if ballot.unreadable && (!ballot.marks.is_empty() || !ballot.write_ins.is_empty()) {
        return Err(marks_refusal(
            "无法辨认的选票不应再记录划票".into(),
            "an unreadable ballot carries no marks".into(),
        ));
    }
    let position = |position: &String| {
        shape.get(position).copied().ok_or_else(|| {
            marks_refusal(
                format!("本次选举没有职位“{position}”"),
                format!("this election has no position {position:?}"),
            )
        })
    };
    for (p, marks) in &ballot.marks {
        let (_, standing) = position(p)?;
        for (row, choice) in marks {
            let valid_row = row
                .parse::<usize>()
                .ok()
                .is_some_and(|r| (1..=standing).contains(&r));
            if !valid_row {
                return Err(marks_refusal(
                    format!("职位“{p}”的选票上没有第{row}位候选人（共{standing}位）"),
                    format!("the ballot has no candidate {row} for {p} ({standing} listed)"),
                ));
            }
            if !matches!(choice.as_str(), "for" | "against" | "abstain") {
                return Err(marks_refusal(
                    format!(
                        "划票“{choice}”无效：应为 for（赞成）、against（反对）或 abstain（弃权）"
                    ),
                    format!("mark {choice:?}: must be for, against or abstain"),
                ));
            }
        }
    }
    for (p, names) in &mut ballot.write_ins {
        let (seats, _) = position(p)?;
        if names.len() > seats as usize {
            return Err(marks_refusal(
                format!("职位“{p}”的另选他人栏只有{seats}行"),
                format!("{p} has {seats} write-in rows"),
            ));
        }
        for w in names.iter_mut() {
            w.name = w.name.trim().to_owned();
            if w.name.is_empty() {
                return Err(marks_refusal(
                    "另选他人的姓名不能为空".into(),
                    "a write-in needs a name".into(),
                ));
            }
            if !matches!(w.gender.as_deref(), None | Some("M") | Some("F")) {
                return Err(marks_refusal(
                    "另选他人的性别应为 M 或 F".into(),
                    "a write-in's gender is M or F".into(),
                ));
            }
        }
    }
    serde_json::to_string(&ballot).map_err(|e| HttpError::Internal(e.into()))
}

/// What a scan answers.
#[derive(Debug, Clone, Serialize)]
pub struct ScanReceipt {
    pub serial: String,
    #[serde(flatten)]
    pub receipt: Receipt,
    /// True when this is a retried request: the ballot was stored before
    /// with the same marks, and nothing was written now.
    pub replayed: bool,
}

/// Counts one ballot at `station`: the serial verified against the
/// election's cached context (key, batches, stations, ballot shape), the
/// marks checked, then stored by the group-commit writer; the answer
/// comes once the scan is committed.
pub async fn scan(
    service: &ScanService,
    election: &Election,
    station: &str,
    request: &ScanRequest,
    by: &str,
    log: Option<crate::scan_service::ScanLog>,
    now: DateTime<Utc>,
) -> Result<ScanReceipt, HttpError> {
    let parsed =
        SignedSerial::parse(&request.serial).map_err(|e| crate::ballots::refusal(e.into()))?;
    let context = service
        .context(election, Some(parsed.batch()), Some(station))
        .await?;
    let Some(name) = context.stations.get(station) else {
        return Err(HttpError::NotFound);
    };
    // Before any printing there is no key, and no serial can be genuine.
    let key = context
        .key
        .as_ref()
        .ok_or_else(crate::ballots::not_printed)?;
    let verified = parsed
        .verify(key, &Expected::election(*election.id.as_bytes()))
        .map_err(crate::ballots::refusal)?;
    let printed_for = context
        .batches
        .get(&verified.batch())
        .ok_or_else(crate::ballots::not_printed)?;
    // The ballot was printed for this station (its batch names the
    // station by code or by name).
    if printed_for != station && printed_for != name {
        return Err(RuleRefusal::new(
            "serial_other_station",
            rule::POLL_5,
            format!("这张选票是为“{printed_for}”印制的，不是本投票站的选票"),
            format!("this ballot was printed for “{printed_for}”, not for this station"),
        )
        .conflict()
        .into());
    }
    let tie_break = election
        .round
        .as_ref()
        .is_some_and(|r| r.kind == "tie-break");
    let recall = election
        .round
        .as_ref()
        .is_some_and(|r| r.purpose == "recall");
    if recall && request.ballot.write_ins.values().any(|w| !w.is_empty()) {
        return Err(RuleRefusal::new(
            "recall_write_in",
            rule::CERT_4,
            "罢免表决只对被提出罢免的成员表决，不能另选他人".into(),
            "a recall vote is on the member named only: no write-ins".into(),
        )
        .into());
    }
    if tie_break && request.ballot.write_ins.values().any(|w| !w.is_empty()) {
        return Err(RuleRefusal::new(
            "tie_break_write_in",
            rule::CNT_6,
            "再次投票只在得票相等的候选人中进行，不能另选他人".into(),
            "a tie-break vote is among the tied people only: no write-ins".into(),
        )
        .into());
    }
    let marks = check_marks(&context.shape, &request.ballot)?;
    let mut reasons = request.reasons.clone();
    if request.ballot.unreadable && !reasons.contains(&ReviewReason::Unreadable) {
        reasons.insert(0, ReviewReason::Unreadable);
    }
    let review = review_json(&reasons)?;
    let outcome = service
        .record(
            election.id,
            NewScan {
                station: station.to_owned(),
                random: verified.serial.random(),
                marks,
                scanned_by: by.to_owned(),
                review,
            },
            log,
            now,
        )
        .await?;
    let serial = verified.serial.to_string();
    match outcome {
        ScanOutcome::Recorded(receipt) => Ok(ScanReceipt {
            serial,
            receipt,
            replayed: false,
        }),
        ScanOutcome::Replayed(receipt) => Ok(ScanReceipt {
            serial,
            receipt,
            replayed: true,
        }),
        ScanOutcome::Duplicate(receipt) => Err(RuleRefusal::new(
            "serial_already_counted",
            rule::CNT_2,
            format!(
                "这张选票已在“{}”计入（第{}号），不能重复计票",
                receipt.station, receipt.number
            ),
            format!(
                "this ballot was counted already at {} (receipt {}): never twice",
                receipt.station, receipt.number
            ),
        )
        .conflict()
        .into()),
        ScanOutcome::Refused(ScanRefusal::Polls(r)) => {
            Err(
                RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en())
                    .conflict()
                    .into(),
            )
        }
        ScanOutcome::Refused(ScanRefusal::NoSuchStation) => Err(HttpError::NotFound),
        ScanOutcome::Refused(ScanRefusal::Certified) => Err(crate::error::certified().into()),
        ScanOutcome::Refused(ScanRefusal::NotPrinted) => Err(RuleRefusal::new(
            "serial_not_printed",
            rule::POLL_5,
            "该票号不在本次选举已印制的选票中".into(),
            "no ballot with this serial was printed for this election".into(),
        )
        .into()),
        ScanOutcome::Refused(ScanRefusal::Voided) => Err(RuleRefusal::new(
            "serial_voided",
            rule::POLL_5,
            "该选票已作废".into(),
            "this ballot was voided".into(),
        )
        .conflict()
        .into()),
    }
}

/// A ballot for a person to decide, as the API and the pages show it.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    pub station: String,
    pub number: u64,
    /// The printed serial, to find the paper ballot.
    pub serial: String,
    pub reasons: Vec<ReviewReason>,
    /// Only the committee may decide it (a ballot flagged unreadable).
    pub needs_committee: bool,
    /// What was scanned (the clear marks).
    pub scanned: serde_json::Value,
    pub scanned_at: DateTime<Utc>,
    pub decision: Option<serde_json::Value>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
}

fn view(review: huanjie_store::Review, key: Option<&SerialKey>, election: &Election) -> ReviewView {
    let serial = match (
        key,
        <[u8; 8]>::try_from(hex::decode(&review.random).unwrap_or_default()),
    ) {
        (Some(key), Ok(random)) => Serial {
            election: *election.id.as_bytes(),
            batch: review.batch,
            style: review.style,
            random,
        }
        .sign(key)
        .to_string(),
        _ => review.random.clone(),
    };
    let reasons = review_reasons(&review.review);
    let parse = |s: &str| serde_json::from_str(s).unwrap_or(serde_json::Value::Null);
    ReviewView {
        station: review.station,
        number: review.number,
        serial,
        needs_committee: reasons.iter().any(ReviewReason::needs_committee),
        reasons,
        scanned: parse(&review.marks),
        scanned_at: review.scanned_at,
        decision: review.decision.as_deref().map(parse),
        decided_by: review.decided_by,
        decided_at: review.decided_at,
    }
}

/// The ballots of `station` (or every station) for a person to decide,
/// and those decided, by station then receipt number.
pub async fn reviews(
    state: &crate::state::AppState,
    election: &Election,
    station: Option<&str>,
) -> Result<Vec<ReviewView>, HttpError> {
    let context = state.scans.context(election, None, None).await?;
    Ok(state
        .store
        .list_reviews(election.id, station)
        .await?
        .into_iter()
        .map(|r| view(r, context.key.as_ref(), election))
        .collect())
}

/// Records a person's reading of a ballot under review: checked against
/// the ballot like any scan (R-CNT-4), once. Ruling a ballot unreadable,
/// or deciding one flagged so, is the committee's (`committee`).
#[allow(clippy::too_many_arguments)]
pub async fn decide(
    state: &crate::state::AppState,
    election: &Election,
    station: &str,
    number: u64,
    marks: &BallotMarks,
    committee: bool,
    by: &str,
    now: DateTime<Utc>,
) -> Result<ReviewView, HttpError> {
    let context = state.scans.context(election, None, Some(station)).await?;
    let current = state
        .store
        .list_reviews(election.id, Some(station))
        .await?
        .into_iter()
        .find(|r| r.number == number)
        .ok_or(HttpError::NotFound)?;
    let flagged = review_reasons(&current.review)
        .iter()
        .any(ReviewReason::needs_committee);
    if !committee && (flagged || marks.unreadable) {
        return Err(crate::api::count::committee_rules());
    }
    let canonical = check_marks(&context.shape, marks)?;
    let decided = state
        .store
        .decide_scan(election.id, station, number, &canonical, by, now)
        .await?;
    Ok(view(decided, context.key.as_ref(), election))
}
