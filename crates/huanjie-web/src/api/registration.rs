//! Registration after the import: the mode, publication, changes,
//! objections, proxies and writing assistants (R-REG-4..6, R-POLL-4).
//!
//! The committee does everything here; observers read (resident IDs
//! masked); station clerks see nothing of the roll. Every refusal by a rule
//! is a 422 (409 when the step does not fit where the election stands)
//! naming the rule id.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use huanjie_core::registration::mode::Mode;
use huanjie_core::rule;
use huanjie_store::{
    Election, NewAssistant, NewObjection, NewProxy, ObjectionAnswer, ObjectionDecision,
    ObjectionKind, ProxyOutcome, RegistrationSetup, ResidentEdit, ResidentQuery, Role,
    RollAmendment, RollChangeKind,
};
use serde::Deserialize;
use serde_json::{json, Value};
use uuid::Uuid;

use super::roll::election_for;
use super::{parse_id, ApiJson};
use crate::auth::Principal;
use crate::error::{HttpError, Message, RuleRefusal};
use crate::registration::{self as regn, ResidentInput};
use crate::state::AppState;

fn username(principal: &Principal) -> String {
    principal
        .user()
        .map_or_else(|| "?".to_owned(), |u| u.username.clone())
}

/// Readers of the roll: committee and observers, not clerks.
fn require_reader(principal: &Principal) -> Result<(), HttpError> {
    if principal.role() == Role::Clerk {
        Err(HttpError::Forbidden)
    } else {
        Ok(())
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<Value, HttpError> {
    serde_json::to_value(v).map_err(|e| HttpError::Internal(e.into()))
}

/// A required text field, trimmed; names the field when empty.
fn required(field: &'static str, zh: &'static str, value: &str) -> Result<String, HttpError> {
    let v = value.trim();
    if v.is_empty() {
        Err(HttpError::BadRequest(Message {
            code: "required",
            zh: format!("{zh}（{field}）：必须填写"),
            en: format!("{field}: is required"),
        }))
    } else {
        Ok(v.to_owned())
    }
}

/// `GET /elections/{id}/registration`: setup, publication, deadlines, the
/// base as the roll stands and what stands in the way of publication.
pub async fn status(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let status = regn::status(&*state.store, &election, state.clock.now()).await?;
    Ok(Json(to_json(&status)?))
}

#[derive(Debug, Deserialize)]
pub struct SetupInput {
    mode: String,
    #[serde(default)]
    voluntary: bool,
}

/// `PUT /elections/{id}/registration/setup` `{"mode","voluntary"}`.
pub async fn set_setup(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<SetupInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let mode = Mode::parse(input.mode.trim()).ok_or_else(|| {
        HttpError::from(RuleRefusal::new(
            "mode",
            rule::REG_6,
            "选举方式（mode）：应为 direct、household_representatives 或 residents_representatives"
                .into(),
            "mode: must be direct, household_representatives or residents_representatives".into(),
        ))
    })?;
    let setup = RegistrationSetup {
        mode,
        voluntary: input.voluntary,
    };
    state
        .store
        .set_registration_setup(election.id, &setup)
        .await?;
    Ok(Json(to_json(&setup)?))
}

/// `POST /elections/{id}/publication`: freezes and publishes the list.
pub async fn publish(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let p = regn::publish(
        &*state.store,
        &election,
        &username(&principal),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&p)?)))
}

#[derive(Debug, Deserialize)]
pub struct AddInput {
    resident: ResidentInput,
    #[serde(default)]
    reason: String,
}

/// `POST /elections/{id}/residents` `{"resident":{…},"reason"}`: adds a
/// resident left off the roll, checked like an imported row.
pub async fn add_resident(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<AddInput>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let reason = required("reason", "理由", &input.reason)?;
    let change = add_change(&state, &election, &input.resident).await?;
    let amendment = RollAmendment {
        change,
        reason,
        author: username(&principal),
        objection: None,
    };
    let c = regn::amend(&*state.store, &election, &amendment, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&c)?)))
}

/// A resident to add, checked like an imported row. Added residents are
/// numbered after the roll's rows, as if appended to the file.
async fn add_change(
    state: &AppState,
    election: &Election,
    input: &ResidentInput,
) -> Result<RollChangeKind, HttpError> {
    let rules = regn::rules(election)?;
    let mut resident =
        regn::new_resident(input, election.election_day, &rules).map_err(regn::refusals)?;
    let on_roll = state.store.roll_summary(election.id).await?.residents;
    resident.row = u32::try_from(on_roll.saturating_add(2)).unwrap_or(u32::MAX);
    Ok(RollChangeKind::Add { resident })
}

#[derive(Debug, Deserialize)]
pub struct EditInput {
    #[serde(flatten)]
    edit: ResidentEdit,
    #[serde(default)]
    reason: String,
}

/// `PATCH /elections/{id}/residents/{resident}` `{…fields,"reason"}`.
pub async fn edit_resident(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, resident)): Path<(String, String)>,
    ApiJson(input): ApiJson<EditInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let resident = parse_id(&resident)?;
    let reason = required("reason", "理由", &input.reason)?;
    let amendment = RollAmendment {
        change: RollChangeKind::Edit {
            resident,
            edit: input.edit,
        },
        reason,
        author: username(&principal),
        objection: None,
    };
    let c = regn::amend(&*state.store, &election, &amendment, state.clock.now()).await?;
    Ok(Json(to_json(&c)?))
}

/// `GET /elections/{id}/roll-changes`: every change, oldest first.
pub async fn changes(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let committee = principal.role() == Role::Committee;
    let changes: Vec<_> = state
        .store
        .roll_changes(election.id)
        .await?
        .iter()
        .map(|c| regn::change_for(c, committee))
        .collect();
    Ok(Json(json!({ "changes": changes })))
}

// --- objections --------------------------------------------------------------

#[derive(Debug, Deserialize)]
pub struct ObjectionInput {
    #[serde(default)]
    lodger: String,
    /// A resident record id or resident ID number, when on the roll.
    #[serde(default)]
    subject_resident: Option<String>,
    #[serde(default)]
    subject: String,
    kind: String,
    #[serde(default)]
    claim: String,
}

fn objection_json(
    o: &huanjie_store::Objection,
    election: &Election,
    rules: &huanjie_core::profile::RegistrationRules,
) -> Result<Value, HttpError> {
    let mut v = to_json(o)?;
    if let Value::Object(map) = &mut v {
        map.insert(
            "answer_due".into(),
            to_json(&regn::answer_deadline(o, election, rules))?,
        );
    }
    Ok(v)
}

/// `GET /elections/{id}/objections`.
pub async fn list_objections(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let list = state.store.list_objections(election.id).await?;
    let out = list
        .iter()
        .map(|o| objection_json(o, &election, &rules))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "objections": out })))
}

/// `POST /elections/{id}/objections`: lodged today; refused after the
/// R-REG-5 deadline.
pub async fn lodge_objection(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<ObjectionInput>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let lodger = required("lodger", "异议人", &input.lodger)?;
    let claim = required("claim", "异议内容", &input.claim)?;
    let kind = ObjectionKind::parse(input.kind.trim()).ok_or_else(|| {
        HttpError::BadRequest(Message {
            code: "kind",
            zh: "异议类别（kind）：应为 omission、wrong_entry、duplicate、wrong_details 或 other"
                .into(),
            en: "kind: must be omission, wrong_entry, duplicate, wrong_details or other".into(),
        })
    })?;
    let subject_resident = match input.subject_resident.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(key) => Some(resolve(&state, &election, "subject_resident", key).await?),
    };
    let subject = if input.subject.trim().is_empty() {
        match subject_resident {
            Some(id) => state
                .store
                .get_resident(election.id, id)
                .await?
                .map(|r| r.name)
                .unwrap_or_default(),
            None => required("subject", "异议对象", &input.subject)?,
        }
    } else {
        input.subject.trim().to_owned()
    };
    let now = state.clock.now();
    let today = regn::today(now);
    huanjie_core::registration::deadline::check_objection_lodging(
        today,
        election.election_day,
        &rules,
    )
    .map_err(|late| regn::late_refusal(&late))?;
    let new = NewObjection {
        lodged_on: today,
        lodger,
        subject_resident,
        subject,
        kind,
        claim,
        recorded_by: username(&principal),
    };
    let o = state.store.lodge_objection(election.id, &new, now).await?;
    tracing::info!(election_id = %election.id, number = o.number, "objection lodged");
    Ok((
        StatusCode::CREATED,
        Json(objection_json(&o, &election, &rules)?),
    ))
}

async fn objection_of(
    state: &AppState,
    election: &Election,
    raw: &str,
) -> Result<huanjie_store::Objection, HttpError> {
    let id = parse_id(raw)?;
    match state.store.get_objection(id).await? {
        Some(o) if o.election_id == election.id => Ok(o),
        _ => Err(HttpError::NotFound),
    }
}

/// `GET /elections/{id}/objections/{objection}`.
pub async fn show_objection(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, objection)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let o = objection_of(&state, &election, &objection).await?;
    Ok(Json(objection_json(&o, &election, &rules)?))
}

/// A change as the API takes it with a decision.
#[derive(Debug, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ChangeInput {
    Add {
        resident: ResidentInput,
    },
    Edit {
        resident: String,
        #[serde(flatten)]
        edit: ResidentEdit,
    },
}

#[derive(Debug, Deserialize)]
pub struct DecisionInput {
    upheld: bool,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    change: Option<ChangeInput>,
}

/// `POST /elections/{id}/objections/{objection}/decision`
/// `{"upheld","reason","change"?}`: an upheld objection's change is made in
/// the same step and recorded with the decision's reason.
pub async fn decide_objection(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, objection)): Path<(String, String)>,
    ApiJson(input): ApiJson<DecisionInput>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let o = objection_of(&state, &election, &objection).await?;
    let reason = required("reason", "处理意见", &input.reason)?;
    let change = match input.change {
        None => None,
        Some(ChangeInput::Add { resident }) => {
            Some(add_change(&state, &election, &resident).await?)
        }
        Some(ChangeInput::Edit { resident, edit }) => Some(RollChangeKind::Edit {
            resident: resolve(&state, &election, "change.resident", &resident).await?,
            edit,
        }),
    };
    let decision = ObjectionDecision {
        upheld: input.upheld,
        reason,
        by: username(&principal),
        change,
    };
    match state
        .store
        .decide_objection(o.id, &decision, state.clock.now())
        .await?
    {
        Ok(o) => Ok(Json(objection_json(&o, &election, &rules)?)),
        Err(conflicts) => Err(regn::conflicts_refusal(&conflicts)),
    }
}

/// `POST /elections/{id}/objections/{objection}/answer`: the answer given
/// to the lodger today; a late answer is recorded and flagged (R-REG-5).
pub async fn answer_objection(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, objection)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let o = objection_of(&state, &election, &objection).await?;
    let now = state.clock.now();
    let today = regn::today(now);
    let late = huanjie_core::registration::deadline::check_objection_answer(
        today,
        o.lodged_on,
        election.election_day,
        &rules,
    )
    .is_err();
    let answer = ObjectionAnswer {
        answered_on: today,
        by: username(&principal),
        late,
    };
    let o = state.store.answer_objection(o.id, &answer, now).await?;
    Ok(Json(objection_json(&o, &election, &rules)?))
}

// --- proxies and writing assistants ---------------------------------------------

/// A resident of this election's roll named by record id or ID number.
pub(crate) async fn resolve(
    state: &AppState,
    election: &Election,
    field: &'static str,
    key: &str,
) -> Result<Uuid, HttpError> {
    let key = key.trim();
    if let Ok(id) = Uuid::parse_str(key) {
        return match state.store.get_resident(election.id, id).await? {
            Some(r) => Ok(r.id),
            None => Err(not_on_roll(field)),
        };
    }
    if key.chars().count() != 18 {
        return Err(not_on_roll(field));
    }
    let page = state
        .store
        .search_residents(
            election.id,
            &ResidentQuery {
                resident_id: Some(key.to_owned()),
                limit: 1,
                ..ResidentQuery::default()
            },
        )
        .await?;
    page.residents
        .first()
        .map(|r| r.id)
        .ok_or_else(|| not_on_roll(field))
}

fn not_on_roll(field: &'static str) -> HttpError {
    RuleRefusal::new(
        "not_on_roll",
        rule::POLL_4,
        format!("{field}：本次选举的名单上没有这位居民"),
        format!("{field}: no such resident on this election's roll"),
    )
    .with_details(json!({ "field": field }))
    .into()
}

#[derive(Debug, Deserialize)]
pub struct ProxyInput {
    /// Record id or resident ID number of the voter giving the authorisation.
    grantor: String,
    /// Record id or resident ID number of the proxy.
    proxy: String,
    #[serde(default)]
    document: String,
}

fn proxy_json(p: &huanjie_store::Proxy, committee: bool) -> Result<Value, HttpError> {
    let mut p = p.clone();
    if !committee {
        p.grantor.resident_id = huanjie_core::resident_id::mask(&p.grantor.resident_id);
        p.proxy.resident_id = huanjie_core::resident_id::mask(&p.proxy.resident_id);
    }
    to_json(&p)
}

/// `GET /elections/{id}/proxies`.
pub async fn list_proxies(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let committee = principal.role() == Role::Committee;
    let out = state
        .store
        .list_proxies(election.id)
        .await?
        .iter()
        .map(|p| proxy_json(p, committee))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(json!({ "proxies": out })))
}

/// `POST /elections/{id}/proxies` `{"grantor","proxy","document"}`: a
/// written authorisation approved by the committee (R-POLL-4).
pub async fn register_proxy(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<ProxyInput>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let document = required("document", "委托书编号", &input.document)?;
    let grantor = resolve(&state, &election, "grantor", &input.grantor).await?;
    let proxy = resolve(&state, &election, "proxy", &input.proxy).await?;
    let now = state.clock.now();
    let today = regn::today(now);
    huanjie_core::registration::deadline::check_proxy_lodging(today, election.election_day, &rules)
        .map_err(|late| regn::late_refusal(&late))?;
    let new = NewProxy {
        grantor,
        proxy,
        lodged_on: today,
        document,
        approved_by: username(&principal),
    };
    match state
        .store
        .register_proxy(election.id, &rules, &new, now)
        .await?
    {
        ProxyOutcome::Registered(p) => Ok((StatusCode::CREATED, Json(proxy_json(&p, true)?))),
        ProxyOutcome::Refused(r) => {
            Err(RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en()).into())
        }
    }
}

/// `POST /elections/{id}/proxies/{proxy}/revoke`.
pub async fn revoke_proxy(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, proxy)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let id = parse_id(&proxy)?;
    let known = state.store.list_proxies(election.id).await?;
    if !known.iter().any(|p| p.id == id) {
        return Err(HttpError::NotFound);
    }
    let p = state
        .store
        .revoke_proxy(id, &username(&principal), state.clock.now())
        .await?;
    Ok(Json(proxy_json(&p, true)?))
}

#[derive(Debug, Deserialize)]
pub struct AssistantInput {
    voter: String,
    #[serde(default)]
    assistant: String,
    #[serde(default)]
    reason: String,
}

/// `GET /elections/{id}/assistants`.
pub async fn list_assistants(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let committee = principal.role() == Role::Committee;
    let mut list = state.store.list_assistants(election.id).await?;
    if !committee {
        for a in &mut list {
            a.voter.resident_id = huanjie_core::resident_id::mask(&a.voter.resident_id);
        }
    }
    Ok(Json(json!({ "assistants": to_json(&list)? })))
}

/// `POST /elections/{id}/assistants` `{"voter","assistant","reason"}`: a
/// voter who cannot write and who writes for them (代写, R-POLL-4).
pub async fn record_assistant(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
    ApiJson(input): ApiJson<AssistantInput>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let assistant = required("assistant", "代写人", &input.assistant)?;
    let reason = required("reason", "理由", &input.reason)?;
    let voter = resolve(&state, &election, "voter", &input.voter).await?;
    let new = NewAssistant {
        voter,
        assistant,
        reason,
        recorded_by: username(&principal),
    };
    let a = state
        .store
        .record_assistant(election.id, &new, state.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(to_json(&a)?)))
}

// --- posted notices and the export ------------------------------------------------

use axum::http::header;
use axum::response::{IntoResponse, Response};
use huanjie_core::registration::fingerprint::Fingerprint;

fn fingerprint_of(hex_text: &str) -> Result<Fingerprint, HttpError> {
    let bytes = hex::decode(hex_text).map_err(|e| HttpError::Internal(e.into()))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("stored fingerprint is not 32 bytes")))?;
    Ok(Fingerprint(arr))
}

fn download(bytes: Vec<u8>, content_type: &'static str, filename: &str) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (header::CONTENT_TYPE, content_type.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// The font chain, loaded once (reading the CJK fonts takes a few hundred
/// megabytes and a third of a second) and shared by every notice.
fn fonts() -> Result<&'static huanjie_print::FontSet, HttpError> {
    static FONTS: std::sync::OnceLock<Result<huanjie_print::FontSet, String>> =
        std::sync::OnceLock::new();
    FONTS
        .get_or_init(|| huanjie_print::FontSet::locate().map_err(|e| format!("{e:#}")))
        .as_ref()
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("fonts: {e}")))
}

fn print_error(e: huanjie_print::PrintError) -> HttpError {
    // A missing glyph names the person and the character: the committee can act on it.
    RuleRefusal::new(
        "cannot_print",
        rule::REG_5,
        format!("无法生成公告：{e}"),
        format!("the notice cannot be printed: {e}"),
    )
    .into()
}

/// The committee that signs the notices.
fn committee_name(election: &Election) -> String {
    format!("{}选举委员会", election.title)
}

/// The published list, or 409 (R-REG-5) before publication.
async fn published(
    state: &AppState,
    election: &Election,
) -> Result<huanjie_store::Publication, HttpError> {
    state
        .store
        .registration_state(election.id)
        .await?
        .publication
        .ok_or_else(|| {
            HttpError::from(huanjie_store::StoreError::State(
                huanjie_store::StateError::NotPublished,
            ))
        })
}

fn voter_note(r: &huanjie_store::Resident, mode: Mode) -> String {
    let mut notes = Vec::new();
    if r.waived {
        notes.push("放弃");
    }
    if mode == Mode::HouseholdRepresentatives && r.household_representative {
        notes.push("户代表");
    }
    if mode == Mode::ResidentsRepresentatives && r.residents_representative {
        notes.push("居民代表");
    }
    notes.join("、")
}

/// `GET /elections/{id}/voter-list.pdf`: the posted notice (选民名单公告),
/// grouped by residents' group, in surname-stroke order, with the list's
/// current fingerprint on every page. No resident ID is printed.
pub async fn voter_list_pdf(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Response, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let publication = published(&state, &election).await?;
    let voters = state.store.voter_list(election.id).await?;
    let groups = state.store.roll_summary(election.id).await?.groups;
    let deadlines = huanjie_core::registration::deadline::deadlines(election.election_day, &rules);
    let listed = voters
        .iter()
        .map(|r| {
            let birth = r
                .resident_id
                .parse::<huanjie_core::ResidentId>()
                .map(|id| id.birth_date())
                .map_err(|e| HttpError::Internal(anyhow::anyhow!("stored resident ID: {e}")))?;
            Ok(huanjie_print::ListedVoter {
                name: r.name.clone(),
                gender_zh: if r.gender == "F" { "女" } else { "男" }.to_owned(),
                birth,
                group: r.group.clone(),
                household: r.household.clone(),
                note: voter_note(r, publication.setup.mode),
            })
        })
        .collect::<Result<Vec<_>, HttpError>>()?;
    let notice = huanjie_print::VoterListNotice {
        election_title: election.title.clone(),
        committee_name: committee_name(&election),
        election_day: election.election_day,
        publication_date: publication.published_on,
        fingerprint: fingerprint_of(&publication.current_fingerprint)?,
        objection_text: format!(
            "对名单有不同意见的，请于{}（含当日）前向选举委员会提出，选举委员会于{}前作出答复。",
            deadlines.objections_lodged_by.format("%Y年%-m月%-d日"),
            deadlines.objections_answered_by.format("%Y年%-m月%-d日"),
        ),
        groups_in_order: groups.into_iter().map(|(g, _)| g).collect(),
        voters: listed,
    };
    let pdf = tokio::task::spawn_blocking(move || {
        huanjie_print::voter_list_notice(fonts()?, &notice).map_err(print_error)
    })
    .await
    .map_err(|e| HttpError::Internal(e.into()))??;
    Ok(download(pdf, "application/pdf", "voter-list.pdf"))
}

/// `GET /elections/{id}/voter-list.xlsx`: the committee's export, with
/// full resident IDs and the fingerprint (committee only).
pub async fn voter_list_xlsx(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Response, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let publication = published(&state, &election).await?;
    let voters = state.store.voter_list(election.id).await?;
    let groups = state.store.roll_summary(election.id).await?.groups;
    let exported = voters
        .iter()
        .map(|r| {
            let id = r
                .resident_id
                .parse::<huanjie_core::ResidentId>()
                .map_err(|e| HttpError::Internal(anyhow::anyhow!("stored resident ID: {e}")))?;
            Ok(huanjie_print::ExportedVoter {
                name: r.name.clone(),
                gender_zh: if r.gender == "F" { "女" } else { "男" }.to_owned(),
                resident_id: id,
                group: r.group.clone(),
                household: r.household.clone(),
                address: r.address.clone(),
                note: voter_note(r, publication.setup.mode),
            })
        })
        .collect::<Result<Vec<_>, HttpError>>()?;
    let export = huanjie_print::VoterListExport {
        election_title: election.title.clone(),
        election_day: election.election_day,
        publication_date: publication.published_on,
        fingerprint: fingerprint_of(&publication.current_fingerprint)?,
        groups_in_order: groups.into_iter().map(|(g, _)| g).collect(),
        voters: exported,
    };
    let xlsx = tokio::task::spawn_blocking(move || huanjie_print::voter_list_xlsx(&export))
        .await
        .map_err(|e| HttpError::Internal(e.into()))?
        .map_err(print_error)?;
    Ok(download(
        xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "voter-list.xlsx",
    ))
}

/// `GET /elections/{id}/proxies.pdf`: the approved proxies as a notice to
/// post before election day (R-POLL-4); revoked ones are left out.
pub async fn proxies_pdf(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Response, HttpError> {
    require_reader(&principal)?;
    let election = election_for(&state, &principal, &election_id).await?;
    let proxies = state.store.list_proxies(election.id).await?;
    let notice = huanjie_print::ProxyNotice {
        election_title: election.title.clone(),
        committee_name: committee_name(&election),
        publication_date: regn::today(state.clock.now()),
        fingerprint: None,
        closing_text: "以上委托投票经选举委员会审核批准，特此公告。".into(),
        proxies: proxies
            .iter()
            .filter(|p| p.revoked_at.is_none())
            .map(|p| huanjie_print::ProxyEntry {
                grantor: p.grantor.name.clone(),
                grantor_group: p.grantor.group.clone(),
                proxy: p.proxy.name.clone(),
                proxy_group: p.proxy.group.clone(),
                approved_on: regn::today(p.approved_at),
            })
            .collect(),
    };
    let pdf = tokio::task::spawn_blocking(move || {
        huanjie_print::proxy_notice(fonts()?, &notice).map_err(print_error)
    })
    .await
    .map_err(|e| HttpError::Internal(e.into()))??;
    Ok(download(pdf, "application/pdf", "proxies.pdf"))
}
