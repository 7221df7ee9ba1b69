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
    Election, ObjectionDecision, RegistrationSetup, ResidentEdit, Role, RollAmendment,
    RollChangeKind,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::roll::election_for;
use super::{parse_id, to_json, ApiJson};
use crate::auth::Principal;
use crate::error::{HttpError, RuleRefusal};
use crate::registration::{self as regn, ResidentInput};
use crate::state::AppState;

/// `GET /elections/{id}/registration`: setup, publication, deadlines, the
/// base as the roll stands and what stands in the way of publication.
pub async fn status(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
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
        &principal.username(),
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
    let reason = regn::required("reason", "理由", &input.reason)?;
    let change = regn::add_change(&*state.store, &election, &input.resident).await?;
    let amendment = RollAmendment {
        change,
        reason,
        author: principal.username(),
        objection: None,
    };
    let c = regn::amend(&*state.store, &election, &amendment, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(to_json(&c)?)))
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
    let reason = regn::required("reason", "理由", &input.reason)?;
    let amendment = RollAmendment {
        change: RollChangeKind::Edit {
            resident,
            edit: input.edit,
        },
        reason,
        author: principal.username(),
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
    principal.require_reader()?;
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
    principal.require_reader()?;
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
    ApiJson(input): ApiJson<regn::ObjectionRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let o = regn::lodge_objection(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(objection_json(&o, &election, &rules)?),
    ))
}

/// `GET /elections/{id}/objections/{objection}`.
pub async fn show_objection(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, objection)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let rules = regn::rules(&election)?;
    let o = regn::objection_of(&*state.store, &election, parse_id(&objection)?).await?;
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
    let id = parse_id(&objection)?;
    let change = match input.change {
        None => None,
        Some(ChangeInput::Add { resident }) => {
            Some(regn::add_change(&*state.store, &election, &resident).await?)
        }
        Some(ChangeInput::Edit { resident, edit }) => Some(RollChangeKind::Edit {
            resident: regn::resolve(
                &*state.store,
                &election,
                "change.resident",
                &resident,
                rule::REG_5,
            )
            .await?,
            edit,
        }),
    };
    let decision = ObjectionDecision {
        upheld: input.upheld,
        reason: input.reason,
        by: principal.username(),
        change,
    };
    let o =
        regn::decide_objection(&*state.store, &election, id, decision, state.clock.now()).await?;
    Ok(Json(objection_json(&o, &election, &rules)?))
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
    let o = regn::answer_objection(
        &*state.store,
        &election,
        parse_id(&objection)?,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(objection_json(&o, &election, &rules)?))
}

// --- proxies and writing assistants ---------------------------------------------

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
    principal.require_reader()?;
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
    ApiJson(input): ApiJson<regn::ProxyRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let p = regn::register_proxy(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(proxy_json(&p, true)?)))
}

/// `POST /elections/{id}/proxies/{proxy}/revoke`.
pub async fn revoke_proxy(
    State(state): State<AppState>,
    principal: Principal,
    Path((election_id, proxy)): Path<(String, String)>,
) -> Result<Json<Value>, HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let p = regn::revoke_proxy(
        &*state.store,
        &election,
        parse_id(&proxy)?,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok(Json(proxy_json(&p, true)?))
}

/// `GET /elections/{id}/assistants`.
pub async fn list_assistants(
    State(state): State<AppState>,
    principal: Principal,
    Path(election_id): Path<String>,
) -> Result<Json<Value>, HttpError> {
    principal.require_reader()?;
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
    ApiJson(input): ApiJson<regn::AssistantRequest>,
) -> Result<(StatusCode, Json<Value>), HttpError> {
    principal.require_committee()?;
    let election = election_for(&state, &principal, &election_id).await?;
    let a = regn::record_assistant(
        &*state.store,
        &election,
        &input,
        &principal.username(),
        state.clock.now(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(to_json(&a)?)))
}

// --- posted notices and the export ------------------------------------------------

use crate::pdf::{committee_name, download, fonts, print_error};
use axum::response::Response;
use huanjie_core::registration::fingerprint::Fingerprint;

fn fingerprint_of(hex_text: &str) -> Result<Fingerprint, HttpError> {
    let bytes = hex::decode(hex_text).map_err(|e| HttpError::Internal(e.into()))?;
    let arr: [u8; 32] = bytes
        .try_into()
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("stored fingerprint is not 32 bytes")))?;
    Ok(Fingerprint(arr))
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
    principal.require_reader()?;
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
        huanjie_print::voter_list_notice(fonts()?, &notice).map_err(|e| print_error(e, rule::REG_5))
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
        .map_err(|e| print_error(e, rule::REG_5))?;
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
    principal.require_reader()?;
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
        huanjie_print::proxy_notice(fonts()?, &notice).map_err(|e| print_error(e, rule::POLL_4))
    })
    .await
    .map_err(|e| HttpError::Internal(e.into()))??;
    Ok(download(pdf, "application/pdf", "proxies.pdf"))
}
