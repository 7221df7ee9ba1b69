//! The rest of voter registration as use cases shared by the API and the
//! pages: the mode, publication, changes after publication, objections,
//! proxies and writing assistants (R-REG-4..6, R-POLL-4).
//!
//! The rules are pure (`huanjie_core::registration`); dates are checked
//! here, against the app's clock read as a date in China Standard Time (the
//! elections' calendar); the store decides what must not race another
//! writer inside its transactions.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use huanjie_core::profile::{Profile, RegistrationRules};
use huanjie_core::registration::deadline::{self, Deadlines, Late, PublicationTiming};
use huanjie_core::registration::mode::{self, Base, BaseProblem};
use huanjie_core::registration::{self as reg, Category, Decision};
use huanjie_core::resident_id::ResidentId;
use huanjie_core::rule;
use huanjie_store::{
    AmendOutcome, Assistant, Election, NewAssistant, NewObjection, NewProxy, NewPublication,
    NewResident, Objection, ObjectionAnswer, ObjectionDecision, ObjectionKind, Proxy, ProxyOutcome,
    Publication, PublishOutcome, RegistrationState, ResidentQuery, RollAmendment, RollChange,
    RollConflict, Store,
};
use serde::Serialize;
use serde_json::json;
use uuid::Uuid;

use crate::error::{HttpError, RuleRefusal};

/// China Standard Time, the calendar the rules' days are counted in (no
/// daylight saving).
const CHINA: i32 = 8 * 3600;

/// Today's date in China at `now`.
pub fn today(now: DateTime<Utc>) -> NaiveDate {
    match FixedOffset::east_opt(CHINA) {
        Some(tz) => now.with_timezone(&tz).date_naive(),
        None => now.date_naive(),
    }
}

/// The election's profile (an unknown one is a fault: elections are
/// created with a known profile).
pub fn profile(election: &Election) -> Result<Profile, HttpError> {
    Profile::builtin(&election.profile).ok_or_else(|| {
        HttpError::Internal(anyhow::anyhow!(
            "election {} names unknown profile {:?}",
            election.id,
            election.profile
        ))
    })
}

/// The election's registration rules, from its profile.
pub fn rules(election: &Election) -> Result<RegistrationRules, HttpError> {
    profile(election).map(|p| p.registration)
}

/// A refusal for a step taken after its deadline.
pub fn late_refusal(late: &Late) -> HttpError {
    let code = match late.what {
        deadline::Step::Publication => "publication_late",
        deadline::Step::ObjectionLodging => "objection_late",
        deadline::Step::ObjectionAnswer => "answer_late",
        deadline::Step::ProxyLodging => "proxy_late",
    };
    RuleRefusal::new(code, late.rule, late.message_zh(), late.message_en())
        .with_details(json!({ "deadline": late.deadline, "today": late.today }))
        .into()
}

/// A problem standing in the way of publication, as the API lists it.
#[derive(Debug, Clone, Serialize)]
pub struct ProblemView {
    pub rule: &'static str,
    pub message: String,
    pub message_en: String,
    #[serde(flatten)]
    pub problem: BaseProblem,
}

pub fn problem_views(base: &Base) -> Vec<ProblemView> {
    base.problems
        .iter()
        .map(|p| ProblemView {
            rule: p.rule(),
            message: p.message_zh(),
            message_en: p.message_en(),
            problem: p.clone(),
        })
        .collect()
}

/// Everything the registration page and `GET …/registration` show.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub state: RegistrationState,
    pub today: NaiveDate,
    pub deadlines: Deadlines,
    /// The base of the roll as it stands now.
    pub registered: u64,
    pub voters: u64,
    pub waived: u64,
    /// What stands in the way of publishing now (empty when nothing does).
    pub problems: Vec<ProblemView>,
    /// Whether publishing today would be in time (`None` once published).
    pub publication_timing: Option<Result<PublicationTiming, String>>,
}

pub async fn status(
    store: &dyn Store,
    election: &Election,
    now: DateTime<Utc>,
) -> Result<Status, HttpError> {
    let rules = rules(election)?;
    let state = store.registration_state(election.id).await?;
    let tally = store.roll_tally(election.id).await?;
    let base = mode::base(&tally, state.setup.mode, state.setup.voluntary, &rules);
    let today = today(now);
    let publication_timing = state.publication.is_none().then(|| {
        deadline::check_publication(today, election.election_day, &rules)
            .map_err(|late| late.message_zh())
    });
    Ok(Status {
        today,
        deadlines: deadline::deadlines(election.election_day, &rules),
        registered: base.registered,
        voters: tally.voters,
        waived: tally.waived,
        problems: problem_views(&base),
        publication_timing,
        state,
    })
}

/// R-REG-5 then R-REG-4/6: publishes the list, or says which rule refuses.
pub async fn publish(
    store: &dyn Store,
    election: &Election,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Publication, HttpError> {
    let rules = rules(election)?;
    let today = today(now);
    let timing = deadline::check_publication(today, election.election_day, &rules)
        .map_err(|late| late_refusal(&late))?;
    let new = NewPublication {
        published_on: today,
        published_by: by.to_owned(),
        late_days: match timing {
            PublicationTiming::InTime => None,
            PublicationTiming::LateAllowed { days_late } => Some(days_late),
        },
    };
    match store.publish_roll(election.id, &rules, &new, now).await? {
        PublishOutcome::Published(p) => {
            tracing::info!(election_id = %election.id, voters = p.voters, registered = p.registered, "voter list published");
            Ok(p)
        }
        PublishOutcome::Problems(base) => {
            let problems = problem_views(&base);
            let first_rule = problems.first().map_or(rule::REG_6, |p| p.rule);
            let zh = problems
                .iter()
                .map(|p| format!("{}（{}）", p.message, p.rule))
                .collect::<Vec<_>>()
                .join("；");
            let en = problems
                .iter()
                .map(|p| format!("{} ({})", p.message_en, p.rule))
                .collect::<Vec<_>>()
                .join("; ");
            Err(RuleRefusal::new(
                "list_does_not_fit_mode",
                first_rule,
                format!("名单不能公布：{zh}"),
                format!("the list cannot be published: {en}"),
            )
            .with_details(json!({ "problems": problems }))
            .into())
        }
    }
}

/// R-REG-3 refusal for a change adding a voter registered elsewhere.
pub fn conflicts_refusal(conflicts: &[RollConflict]) -> HttpError {
    let titles = conflicts
        .iter()
        .map(|c| c.other_election_title.as_str())
        .collect::<Vec<_>>()
        .join("、");
    RuleRefusal::new(
        "registered_elsewhere",
        rule::REG_3,
        format!("该居民已在同一轮选举的“{titles}”中登记为选民，不能重复登记"),
        format!("already registered as a voter in “{titles}”, an election of the same round: no one is registered twice"),
    )
    .conflict()
    .into()
}

/// Applies a change with its reason (R-REG-5: every change after
/// publication is recorded with its reason).
pub async fn amend(
    store: &dyn Store,
    election: &Election,
    amendment: &RollAmendment,
    now: DateTime<Utc>,
) -> Result<RollChange, HttpError> {
    match store.amend_roll(election.id, amendment, now).await? {
        AmendOutcome::Amended(change) => {
            tracing::info!(election_id = %election.id, seq = change.seq, kind = %change.kind, "roll changed");
            Ok(change)
        }
        AmendOutcome::Conflicts(c) => Err(conflicts_refusal(&c)),
    }
}

/// A resident to add, as a person types them in (the roll's columns).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ResidentInput {
    pub name: String,
    /// `M`/`F` or 男/女.
    pub gender: String,
    pub resident_id: String,
    pub group: String,
    pub household: String,
    #[serde(default)]
    pub address: String,
    /// A category code (`registered` …) or its Chinese name.
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub residence_since: Option<NaiveDate>,
    #[serde(default)]
    pub deprived_of_political_rights: bool,
    #[serde(default)]
    pub will_participate: Option<bool>,
    #[serde(default)]
    pub committee_consent: Option<bool>,
    #[serde(default)]
    pub household_representative: bool,
    #[serde(default)]
    pub residents_representative: bool,
}

/// Checks a typed-in resident exactly as an imported row is checked
/// (R-REG-1/2) and returns the record to store, or the field errors.
pub fn new_resident(
    input: &ResidentInput,
    election_day: NaiveDate,
    rules: &RegistrationRules,
) -> Result<NewResident, Vec<RuleRefusal>> {
    let mut errors = Vec::new();
    let required = |field: &'static str, zh: &str, value: &str, errors: &mut Vec<RuleRefusal>| {
        if value.trim().is_empty() {
            errors.push(RuleRefusal::new(
                "required",
                rule::REG_1,
                format!("{zh}（{field}）：必须填写"),
                format!("{field}: is required"),
            ));
        }
    };
    required("name", "姓名", &input.name, &mut errors);
    required("group", "居民小组", &input.group, &mut errors);
    required("household", "户号", &input.household, &mut errors);
    let gender = match input.gender.trim() {
        "M" | "m" | "男" => Some(huanjie_core::counting::Gender::Male),
        "F" | "f" | "女" => Some(huanjie_core::counting::Gender::Female),
        _ => {
            errors.push(RuleRefusal::new(
                "gender",
                rule::REG_1,
                "性别（gender）：应为“男”或“女”".into(),
                "gender: must be M or F (男 or 女)".into(),
            ));
            None
        }
    };
    let id = match input.resident_id.trim().parse::<ResidentId>() {
        Ok(id) => Some(id),
        Err(e) => {
            errors.push(RuleRefusal::new(
                "resident_id",
                rule::REG_1,
                format!("公民身份号码（resident_id）：{}", e.message_zh()),
                format!("resident_id: {e}"),
            ));
            None
        }
    };
    let category = match input.category.as_deref().map(str::trim) {
        None | Some("") => Some(Category::Registered),
        Some(s) => Category::parse(s),
    };
    if category.is_none() {
        errors.push(RuleRefusal::new(
            "category",
            rule::REG_2,
            "户籍类别（category）：无法识别".into(),
            "category: not a known registration category".into(),
        ));
    }
    let (Some(gender), Some(id), Some(category), true) = (gender, id, category, errors.is_empty())
    else {
        return Err(errors);
    };
    let resident = reg::Resident {
        name: input.name.trim().to_owned(),
        gender,
        resident_id: id,
        group: input.group.trim().to_owned(),
        household: input.household.trim().to_owned(),
        address: input.address.trim().to_owned(),
        category,
        residence_since: input.residence_since,
        deprived_of_political_rights: input.deprived_of_political_rights,
        will_participate: input.will_participate,
        committee_consent: input.committee_consent,
        household_representative: input.household_representative,
        residents_representative: input.residents_representative,
    };
    let exclusion = match reg::decide(&resident, election_day, rules) {
        Ok(Decision::Voter) => None,
        Ok(Decision::NotRegistered(ex)) => Some(ex.code().to_owned()),
        Err(problems) => {
            return Err(problems
                .iter()
                .map(|p| {
                    RuleRefusal::new(
                        "resident_problem",
                        p.rule,
                        format!("{}：{}", p.column.zh(), p.message_zh()),
                        format!("{}: {}", p.column.en(), p.message_en()),
                    )
                })
                .collect())
        }
    };
    Ok(NewResident {
        row: 0,
        resident_id: resident.resident_id.as_str().to_owned(),
        name: resident.name,
        gender: match gender {
            huanjie_core::counting::Gender::Male => "M",
            huanjie_core::counting::Gender::Female => "F",
        }
        .to_owned(),
        group: resident.group,
        household: resident.household,
        address: resident.address,
        category: category.code().to_owned(),
        residence_since: resident.residence_since,
        will_participate: resident.will_participate,
        committee_consent: resident.committee_consent,
        household_representative: resident.household_representative,
        residents_representative: resident.residents_representative,
        exclusion,
        waived: false,
        voluntary: false,
    })
}

/// Several refusals as one error: the first names the rule, all are listed.
pub fn refusals(errors: Vec<RuleRefusal>) -> HttpError {
    let first = errors.first().cloned().unwrap_or_else(|| {
        RuleRefusal::new(
            "invalid_input",
            rule::REG_1,
            "输入有误".into(),
            "invalid input".into(),
        )
    });
    let zh = errors
        .iter()
        .map(|e| e.zh.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let en = errors
        .iter()
        .map(|e| e.en.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let details: Vec<_> = errors
        .iter()
        .map(|e| json!({ "code": e.code, "rule": e.rule, "message": e.zh, "message_en": e.en }))
        .collect();
    RuleRefusal::new(first.code, first.rule, zh, en)
        .with_details(json!({ "problems": details }))
        .into()
}

/// A lodged objection's answer deadline (R-REG-5).
pub fn answer_deadline(o: &Objection, election: &Election, rules: &RegistrationRules) -> NaiveDate {
    deadline::objection_answer_deadline(o.lodged_on, election.election_day, rules)
}

/// What a role sees of a roll change: observers get masked IDs.
pub fn change_for(change: &RollChange, committee: bool) -> RollChange {
    let mut c = change.clone();
    if !committee {
        c.resident_id = huanjie_core::resident_id::mask(&c.resident_id);
        for f in &mut c.fields {
            if f.field == "resident_id" || f.field == "address" {
                f.before = f.before.as_deref().map(huanjie_core::resident_id::mask);
                f.after = f.after.as_deref().map(huanjie_core::resident_id::mask);
            }
        }
    }
    c
}

// --- the steps the API and the pages share ------------------------------------------

/// A required text field, trimmed; the refusal names the field.
pub fn required(field: &'static str, zh: &'static str, value: &str) -> Result<String, HttpError> {
    let v = value.trim();
    if v.is_empty() {
        Err(HttpError::BadRequest(crate::error::Message {
            code: "required",
            zh: format!("{zh}（{field}）：必须填写"),
            en: format!("{field}: is required"),
        }))
    } else {
        Ok(v.to_owned())
    }
}

fn not_on_roll(field: &'static str, rule: &'static str) -> HttpError {
    RuleRefusal::new(
        "not_on_roll",
        rule,
        format!("{field}：本次选举的名单上没有这位居民"),
        format!("{field}: no such resident on this election's roll"),
    )
    .with_details(json!({ "field": field }))
    .into()
}

/// A resident of this election's roll named by record id or ID number.
pub async fn resolve(
    store: &dyn Store,
    election: &Election,
    field: &'static str,
    key: &str,
    rule: &'static str,
) -> Result<Uuid, HttpError> {
    let key = key.trim();
    if let Ok(id) = Uuid::parse_str(key) {
        return match store.get_resident(election.id, id).await? {
            Some(r) => Ok(r.id),
            None => Err(not_on_roll(field, rule)),
        };
    }
    if key.chars().count() != 18 {
        return Err(not_on_roll(field, rule));
    }
    let query = ResidentQuery {
        resident_id: Some(key.to_owned()),
        limit: 1,
        ..ResidentQuery::default()
    };
    let page = store.search_residents(election.id, &query).await?;
    page.residents
        .first()
        .map(|r| r.id)
        .ok_or_else(|| not_on_roll(field, rule))
}

/// A resident to add to the roll (an omission put right), checked like an
/// imported row. Added residents are numbered after the roll's rows, as if
/// appended to the file.
pub async fn add_change(
    store: &dyn Store,
    election: &Election,
    input: &ResidentInput,
) -> Result<huanjie_store::RollChangeKind, HttpError> {
    let rules = rules(election)?;
    let mut resident = new_resident(input, election.election_day, &rules).map_err(refusals)?;
    let on_roll = store.roll_summary(election.id).await?.residents;
    resident.row = u32::try_from(on_roll.saturating_add(2)).unwrap_or(u32::MAX);
    Ok(huanjie_store::RollChangeKind::Add { resident })
}

/// An objection as a person fills it in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ObjectionRequest {
    #[serde(default)]
    pub lodger: String,
    /// A resident record id or resident ID number, when on the roll.
    #[serde(default)]
    pub subject_resident: Option<String>,
    #[serde(default)]
    pub subject: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub claim: String,
}

/// Records an objection lodged today; refused after the R-REG-5 deadline.
pub async fn lodge_objection(
    store: &dyn Store,
    election: &Election,
    request: &ObjectionRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Objection, HttpError> {
    let rules = rules(election)?;
    let lodger = required("lodger", "异议人", &request.lodger)?;
    let claim = required("claim", "异议内容", &request.claim)?;
    let kind = ObjectionKind::parse(request.kind.trim()).ok_or_else(|| {
        HttpError::BadRequest(crate::error::Message {
            code: "kind",
            zh: "异议类别（kind）：应为 omission、wrong_entry、duplicate、wrong_details 或 other"
                .into(),
            en: "kind: must be omission, wrong_entry, duplicate, wrong_details or other".into(),
        })
    })?;
    let subject_resident = match request.subject_resident.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => Some(resolve(store, election, "subject_resident", key, rule::REG_5).await?),
    };
    let subject = match (request.subject.trim(), subject_resident) {
        ("", Some(id)) => store
            .get_resident(election.id, id)
            .await?
            .map(|r| r.name)
            .unwrap_or_default(),
        (subject, _) => required("subject", "异议对象", subject)?,
    };
    let today = today(now);
    deadline::check_objection_lodging(today, election.election_day, &rules)
        .map_err(|late| late_refusal(&late))?;
    let new = NewObjection {
        lodged_on: today,
        lodger,
        subject_resident,
        subject,
        kind,
        claim,
        recorded_by: by.to_owned(),
    };
    let o = store.lodge_objection(election.id, &new, now).await?;
    tracing::info!(election_id = %election.id, number = o.number, "objection lodged");
    Ok(o)
}

/// The objection `id` of this election, or 404.
pub async fn objection_of(
    store: &dyn Store,
    election: &Election,
    id: Uuid,
) -> Result<Objection, HttpError> {
    match store.get_objection(id).await? {
        Some(o) if o.election_id == election.id => Ok(o),
        _ => Err(HttpError::NotFound),
    }
}

/// Decides a lodged objection; an upheld one's change is made in the same
/// step, recorded with the decision's reason.
pub async fn decide_objection(
    store: &dyn Store,
    election: &Election,
    id: Uuid,
    mut decision: ObjectionDecision,
    now: DateTime<Utc>,
) -> Result<Objection, HttpError> {
    let o = objection_of(store, election, id).await?;
    decision.reason = required("reason", "处理意见", &decision.reason)?;
    store
        .decide_objection(o.id, &decision, now)
        .await?
        .map_err(|conflicts| conflicts_refusal(&conflicts))
}

/// Records the answer given to the lodger today; a late answer is recorded
/// and flagged (R-REG-5).
pub async fn answer_objection(
    store: &dyn Store,
    election: &Election,
    id: Uuid,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Objection, HttpError> {
    let rules = rules(election)?;
    let o = objection_of(store, election, id).await?;
    let today = today(now);
    let late = deadline::check_objection_answer(today, o.lodged_on, election.election_day, &rules)
        .is_err();
    let answer = ObjectionAnswer {
        answered_on: today,
        by: by.to_owned(),
        late,
    };
    Ok(store.answer_objection(o.id, &answer, now).await?)
}

/// A proxy as a person fills it in: both parties by record id or ID number.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ProxyRequest {
    #[serde(default)]
    pub grantor: String,
    #[serde(default)]
    pub proxy: String,
    #[serde(default)]
    pub document: String,
}

/// Records a written authorisation approved by the committee (R-POLL-4).
pub async fn register_proxy(
    store: &dyn Store,
    election: &Election,
    request: &ProxyRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Proxy, HttpError> {
    let rules = rules(election)?;
    let document = required("document", "委托书编号", &request.document)?;
    let grantor = resolve(store, election, "grantor", &request.grantor, rule::POLL_4).await?;
    let proxy = resolve(store, election, "proxy", &request.proxy, rule::POLL_4).await?;
    let today = today(now);
    deadline::check_proxy_lodging(today, election.election_day, &rules)
        .map_err(|late| late_refusal(&late))?;
    let new = NewProxy {
        grantor,
        proxy,
        lodged_on: today,
        document,
        approved_by: by.to_owned(),
    };
    match store.register_proxy(election.id, &rules, &new, now).await? {
        ProxyOutcome::Registered(p) => Ok(p),
        ProxyOutcome::Refused(r) => {
            Err(RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en()).into())
        }
    }
}

/// Revokes one of this election's proxies.
pub async fn revoke_proxy(
    store: &dyn Store,
    election: &Election,
    id: Uuid,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Proxy, HttpError> {
    let known = store.list_proxies(election.id).await?;
    if !known.iter().any(|p| p.id == id) {
        return Err(HttpError::NotFound);
    }
    Ok(store.revoke_proxy(id, by, now).await?)
}

/// A writing assistant as a person fills it in.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AssistantRequest {
    #[serde(default)]
    pub voter: String,
    #[serde(default)]
    pub assistant: String,
    #[serde(default)]
    pub reason: String,
}

/// Records who writes for a voter who cannot (代写, R-POLL-4).
pub async fn record_assistant(
    store: &dyn Store,
    election: &Election,
    request: &AssistantRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Assistant, HttpError> {
    let assistant = required("assistant", "代写人", &request.assistant)?;
    let reason = required("reason", "理由", &request.reason)?;
    let voter = resolve(store, election, "voter", &request.voter, rule::POLL_4).await?;
    let new = NewAssistant {
        voter,
        assistant,
        reason,
        recorded_by: by.to_owned(),
    };
    Ok(store.record_assistant(election.id, &new, now).await?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn today_is_the_date_in_china() {
        let late_utc: DateTime<Utc> = "2026-11-30T17:00:00Z".parse().unwrap();
        assert_eq!(today(late_utc), "2026-12-01".parse::<NaiveDate>().unwrap());
        let early_utc: DateTime<Utc> = "2026-11-30T15:59:59Z".parse().unwrap();
        assert_eq!(today(early_utc), "2026-11-30".parse::<NaiveDate>().unwrap());
    }

    #[test]
    fn a_typed_in_resident_is_checked_like_a_row() {
        let rules = Profile::by_id("county-2006").unwrap().registration;
        let day: NaiveDate = "2026-12-20".parse().unwrap();
        let good = ResidentInput {
            name: "王芳".into(),
            gender: "女".into(),
            resident_id: "11010519491231002X".into(),
            group: "第一组".into(),
            household: "0101".into(),
            ..ResidentInput::default()
        };
        let r = new_resident(&good, day, &rules).unwrap();
        assert_eq!((r.gender.as_str(), r.exclusion), ("F", None));
        let wrong_gender = ResidentInput {
            gender: "男".into(),
            ..good.clone()
        };
        let errs = new_resident(&wrong_gender, day, &rules).unwrap_err();
        assert_eq!(errs[0].rule, "R-REG-1");
        let bad_id = ResidentInput {
            resident_id: "110105194912310021".into(),
            ..good
        };
        let errs = new_resident(&bad_id, day, &rules).unwrap_err();
        assert!(errs[0].zh.contains("公民身份号码"), "{}", errs[0].zh);
    }
}
