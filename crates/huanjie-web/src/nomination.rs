//! Nomination as use cases shared by the API and the pages: the seat plan
//! (R-BODY-1/2), the election committee (R-BODY-5), nomination papers
//! (R-NOM-1/2), preliminary votes and the formal list (R-NOM-3..5),
//! withdrawals (R-NOM-6), the counting staff (R-POLL-2) and the timeline.
//!
//! The rules are pure (`huanjie_core::nomination`); this module gathers
//! their facts from the store, reads the date from the app's clock (China
//! Standard Time, as registration does) and turns every refusal into a 422
//! (409 when the step does not fit where the election stands) that names
//! the rule id and, where there is one, the person.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use huanjie_core::counting::Gender;
use huanjie_core::nomination::committee::{self, CommitteeSeat};
use huanjie_core::nomination::formal::{self, Formal, NomineeVotes, Replacement};
use huanjie_core::nomination::nominate::{self, NominationFacts, Nominee, Proposed};
use huanjie_core::nomination::owners_committee;
use huanjie_core::nomination::size::{self, Composition, WomenReport};
use huanjie_core::nomination::staff::{self, StaffAssignment, StaffFacts};
use huanjie_core::nomination::supervisory;
use huanjie_core::nomination::supervisory_board;
use huanjie_core::nomination::timeline::{self, ItemStatus, Milestone, Timing, Untimely};
use huanjie_core::nomination::Position;
use huanjie_core::rule;
use huanjie_store::{
    CommitteeMember, CommitteeRole, Election, FormalList, FormalListOutcome, Named,
    NewCommitteeMember, NewFormalList, NewNomination, NewStaff, Nomination, NominationKind,
    PositionSeats, PreliminaryVote, Resident, SeatPlan, Staff, StaffRole, Store, VoidReason,
    Withdrawal,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::error::{HttpError, RuleRefusal};
use crate::registration::{required, resolve, today};

/// The election's profile.
pub use crate::registration::profile;

/// A refusal of a core rule, as the API lists it (`person` and `name` when
/// the refusal is about somebody).
#[derive(Debug, Clone, Serialize)]
pub struct RefusalView {
    pub code: &'static str,
    pub rule: &'static str,
    pub message: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub person: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// What every core refusal offers.
trait Explain {
    fn rule(&self) -> &'static str;
    fn code(&self) -> &'static str;
    fn zh(&self) -> String;
    fn en(&self) -> String;
    fn person(&self) -> Option<Uuid> {
        None
    }
}

macro_rules! explain {
    ($t:ty $(, |$r:ident| $person:expr)?) => {
        impl Explain for $t {
            fn rule(&self) -> &'static str {
                <$t>::rule(self)
            }
            fn code(&self) -> &'static str {
                <$t>::code(self)
            }
            fn zh(&self) -> String {
                self.message_zh()
            }
            fn en(&self) -> String {
                self.message_en()
            }
            $(fn person(&self) -> Option<Uuid> {
                let $r = self;
                $person
            })?
        }
    };
}

explain!(nominate::NominationRefusal<Uuid>, |r| r.person().copied());
explain!(formal::FormalRefusal<Uuid>, |r| match r {
    formal::FormalRefusal::NomineeTwice { person } => Some(*person),
    _ => None,
});
explain!(formal::WithdrawalRefusal<Uuid>);
explain!(size::CompositionRefusal);
explain!(committee::ElectionCommitteeRefusal<Uuid>, |r| match r {
    committee::ElectionCommitteeRefusal::PersonTwice { person } => Some(*person),
    _ => None,
});
explain!(staff::StaffRefusal<Uuid>, |r| Some(*r.person()));
explain!(Untimely);
explain!(supervisory::SupervisoryRefusal<()>);
explain!(supervisory_board::BoardRefusal<()>);
explain!(supervisory_board::BoardRefusal<Uuid>, |r| match r {
    supervisory_board::BoardRefusal::Holds { person, .. } => Some(*person),
    _ => None,
});
explain!(owners_committee::OwnersCommitteeRefusal);
explain!(supervisory::SupervisoryRefusal<Uuid>, |r| match r {
    supervisory::SupervisoryRefusal::Holds { person, .. }
    | supervisory::SupervisoryRefusal::RelativeOf { person, .. } => Some(*person),
    _ => None,
});

fn view(r: &impl Explain, names: &HashMap<Uuid, String>) -> RefusalView {
    let person = r.person();
    let name = person.and_then(|p| names.get(&p).cloned());
    let (message, message_en) = match &name {
        Some(n) => (format!("{}：{}", n, r.zh()), format!("{}: {}", n, r.en())),
        None => (r.zh(), r.en()),
    };
    RefusalView {
        code: r.code(),
        rule: r.rule(),
        message,
        message_en,
        person,
        name,
    }
}

/// One 422 for a list of refusals: the first one's code and rule, all of
/// them in `details.problems`.
fn refuse_all(views: Vec<RefusalView>) -> HttpError {
    let Some(first) = views.first() else {
        return HttpError::Internal(anyhow::anyhow!("empty refusal list"));
    };
    let zh = views
        .iter()
        .map(|v| v.message.as_str())
        .collect::<Vec<_>>()
        .join("；");
    let en = views
        .iter()
        .map(|v| v.message_en.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    RuleRefusal::new(first.code, first.rule, zh, en)
        .with_details(json!({ "problems": views }))
        .into()
}

fn untimely(u: &Untimely) -> HttpError {
    refuse_all(vec![view(u, &HashMap::new())])
}

/// A position code of the election, as the core knows it.
fn position(code: &str) -> Result<Position, HttpError> {
    Position::parse(code).ok_or_else(|| {
        RuleRefusal::new(
            "unknown_position",
            rule::BODY_1,
            format!("职位“{code}”不是居民委员会的职位（director、deputy、member、women_member）"),
            format!(
                "{code:?} is not a committee position (director, deputy, member, women_member)"
            ),
        )
        .into()
    })
}

fn gender(code: &str) -> Gender {
    if code == "F" {
        Gender::Female
    } else {
        Gender::Male
    }
}

fn is_voter(r: &Resident) -> bool {
    r.exclusion.is_none() && !r.waived
}

/// Residents by record id, for the people `ids` names.
async fn people(
    store: &dyn Store,
    election: &Election,
    ids: Vec<Uuid>,
) -> Result<HashMap<Uuid, Resident>, HttpError> {
    let mut found = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(slot) = found.entry(id) {
            if let Some(r) = store.get_resident(election.id, id).await? {
                slot.insert(r);
            }
        }
    }
    Ok(found)
}

fn names(people: &HashMap<Uuid, Resident>) -> HashMap<Uuid, String> {
    people.iter().map(|(k, r)| (*k, r.name.clone())).collect()
}

// --- status ------------------------------------------------------------------------

/// A nominee of one position, with their papers and preliminary votes.
#[derive(Debug, Clone, Serialize)]
pub struct NomineeView {
    pub resident: Uuid,
    pub name: String,
    pub gender: String,
    pub group: String,
    /// Valid papers naming them for this position.
    pub papers: u32,
    pub votes: Option<u64>,
}

/// One position: its seats, nominees and how the formal candidates would
/// be chosen now.
#[derive(Debug, Clone, Serialize)]
pub struct PositionView {
    pub position: String,
    pub label: &'static str,
    pub label_en: &'static str,
    pub seats: u32,
    pub nominees: Vec<NomineeView>,
    pub selection: Result<Formal<Uuid>, RefusalView>,
}

/// A nomination paper with the names of the people on it.
#[derive(Debug, Clone, Serialize)]
pub struct PaperView {
    #[serde(flatten)]
    pub paper: Nomination,
    pub kind_label: &'static str,
    pub kind_label_en: &'static str,
    pub nominator_names: Vec<String>,
    pub nominee_names: Vec<String>,
}

/// Everything the nomination page and `GET …/nomination` show.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub today: NaiveDate,
    pub households: u64,
    /// R-BODY-2: members the profile's formula gives for `households`.
    pub formula_members: u32,
    pub seats: Vec<PositionSeats>,
    pub seat_plan: Option<SeatPlan>,
    /// R-BODY-1: what is wrong with the seats as they stand.
    pub seat_problems: Vec<RefusalView>,
    /// R-BODY-6: a board of supervisors' whole size, once recorded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub board_size: Option<u32>,
    pub committee: Vec<CommitteeMember>,
    /// R-BODY-5: what is wrong with the committee as it stands (members
    /// who left not counted).
    pub committee_problems: Vec<RefusalView>,
    pub nominations: Vec<PaperView>,
    pub positions: Vec<PositionView>,
    pub formal_list: Option<FormalList>,
    /// R-BODY-3 over the standing formal candidates.
    pub women: Option<WomenReport<Uuid>>,
    pub staff: Vec<Staff>,
    /// R-POLL-1: stations with fewer scrutineers than the profile's minimum.
    pub staff_problems: Vec<RefusalView>,
    /// Recorded family relations (R-POLL-2), with names.
    pub relations: Vec<RelationView>,
    pub timeline: Vec<ItemStatus>,
}

/// A recorded relation with both names.
#[derive(Debug, Clone, Serialize)]
pub struct RelationView {
    #[serde(flatten)]
    pub relation: huanjie_store::Relation,
    pub a_name: String,
    pub b_name: String,
}

/// What is wrong with a body's seats, by the body's own rule: a
/// supervisory committee 3–5 with one chair (R-BODY-4), a homeowners'
/// committee 5–11 and odd (R-BODY-6), otherwise the residents' committee
/// rules of the profile (R-BODY-1).
fn seat_problems(
    body: huanjie_store::BodyKind,
    composition: &Composition,
    rules: &huanjie_core::profile::CommitteeRules,
) -> Vec<RefusalView> {
    match body {
        huanjie_store::BodyKind::SupervisoryCommittee => {
            views(supervisory::check_composition(composition))
        }
        huanjie_store::BodyKind::HomeownersCommittee => {
            views(owners_committee::check_composition(composition))
        }
        huanjie_store::BodyKind::SupervisoryBoard => {
            views(supervisory_board::check_composition(composition))
        }
        huanjie_store::BodyKind::ResidentsCommittee => {
            views(size::check_composition(composition, rules))
        }
    }
}

/// A check's refusals as views, no person named.
fn views<R: Explain>(checked: Result<(), Vec<R>>) -> Vec<RefusalView> {
    checked.err().map_or_else(Vec::new, |rs| {
        rs.iter().map(|r| view(r, &HashMap::new())).collect()
    })
}

fn composition_of(seats: &[PositionSeats]) -> Result<Composition, HttpError> {
    let mut c = Composition::default();
    for s in seats {
        match position(&s.position)? {
            Position::Director => c.director += s.seats,
            Position::Deputy => c.deputies += s.seats,
            Position::Member => c.members += s.seats,
            Position::WomenMember => c.women_member += s.seats,
        }
    }
    Ok(c)
}

fn committee_seats(members: &[CommitteeMember]) -> Vec<CommitteeSeat<Uuid>> {
    members
        .iter()
        .filter(|m| m.left_at.is_none())
        .map(|m| CommitteeSeat {
            // A member not on the roll is still one person: their record id.
            person: m.resident.unwrap_or(m.id),
            role: m.role,
        })
        .collect()
}

/// A nominee with the number of valid papers naming them and their
/// preliminary votes.
type Tallied = (Uuid, u32, Option<u64>);

/// Per position (in seat order): the nominees of valid papers with their
/// number of papers, and their preliminary votes.
fn nominees_by_position(
    election: &Election,
    papers: &[Nomination],
    votes: &[PreliminaryVote],
) -> Vec<(String, u32, Vec<Tallied>)> {
    election
        .seats
        .iter()
        .map(|s| {
            let mut counted: Vec<Tallied> = Vec::new();
            for n in papers
                .iter()
                .filter(|p| p.void.is_none())
                .flat_map(|p| &p.nominees)
                .filter(|n| n.position == s.position)
            {
                match counted.iter_mut().find(|(id, _, _)| *id == n.resident) {
                    Some(entry) => entry.1 += 1,
                    None => counted.push((n.resident, 1, None)),
                }
            }
            for v in votes.iter().filter(|v| v.position == s.position) {
                if let Some(entry) = counted.iter_mut().find(|(id, _, _)| *id == v.resident) {
                    entry.2 = Some(v.votes);
                }
            }
            (s.position.clone(), s.seats, counted)
        })
        .collect()
}

pub async fn status(
    store: &dyn Store,
    election: &Election,
    now: DateTime<Utc>,
) -> Result<Status, HttpError> {
    let profile = profile(election)?;
    let today = today(now);
    let households = store.count_households(election.id).await?;
    let rules = &profile.nomination;
    let formula_members = size::size(households, &rules.committee);
    let composition = composition_of(&election.seats)?;
    let mut seat_problems = seat_problems(election.body_kind, &composition, &rules.committee);
    let board_size = recorded_board_size(store, election).await?;
    if is_board(election) {
        seat_problems.extend(board_problems(board_size, &composition, &profile));
    }
    let committee = store.list_committee_members(election.id).await?;
    let committee_problems =
        match committee::check(&committee_seats(&committee), &rules.election_committee) {
            Ok(()) => Vec::new(),
            Err(rs) => rs.iter().map(|r| view(r, &HashMap::new())).collect(),
        };
    let papers = store.list_nominations(election.id).await?;
    let votes = store.preliminary_votes(election.id).await?;
    let grouped = nominees_by_position(election, &papers, &votes);
    let everyone = papers
        .iter()
        .flat_map(|p| {
            p.nominators
                .iter()
                .chain(p.nominees.iter().map(|n| &n.resident))
        })
        .copied()
        .collect();
    let people = people(store, election, everyone).await?;
    let names = names(&people);
    let name_of = |id: &Uuid| names.get(id).cloned().unwrap_or_else(|| "?".to_owned());
    let mut positions = Vec::new();
    for (code, seats, nominees) in grouped {
        let p = position(&code)?;
        let input: Vec<NomineeVotes<Uuid>> = nominees
            .iter()
            .map(|(id, _, votes)| NomineeVotes {
                person: *id,
                votes: *votes,
            })
            .collect();
        let selection = formal::select(p, seats, &input, rules).map_err(|r| view(&r, &names));
        positions.push(PositionView {
            position: code,
            label: p.zh(),
            label_en: p.en(),
            seats,
            nominees: nominees
                .iter()
                .map(|(id, papers, votes)| {
                    let r = people.get(id);
                    NomineeView {
                        resident: *id,
                        name: name_of(id),
                        gender: r.map(|r| r.gender.clone()).unwrap_or_default(),
                        group: r.map(|r| r.group.clone()).unwrap_or_default(),
                        papers: *papers,
                        votes: *votes,
                    }
                })
                .collect(),
            selection,
        });
    }
    let nominations = papers
        .into_iter()
        .map(|paper| PaperView {
            kind_label: paper.kind.zh(),
            kind_label_en: paper.kind.en(),
            nominator_names: paper.nominators.iter().map(name_of).collect(),
            nominee_names: paper
                .nominees
                .iter()
                .map(|n| name_of(&n.resident))
                .collect(),
            paper,
        })
        .collect();
    let formal_list = store.formal_list(election.id).await?;
    let women = formal_list.as_ref().map(|list| {
        let standing: Vec<(Uuid, Gender)> = list
            .candidates
            .iter()
            .filter(|c| c.status == huanjie_store::CandidateStatus::Formal)
            .map(|c| (c.resident, gender(&c.gender)))
            .collect();
        size::women(&standing)
    });
    let staff = store.list_staff(election.id).await?;
    let mut scrutineers: BTreeMap<String, u32> = BTreeMap::new();
    for s in &staff {
        let n = scrutineers.entry(s.station.clone()).or_default();
        if s.role == StaffRole::Scrutineer {
            *n += 1;
        }
    }
    let staff_problems = staff::scrutineer_shortfalls(&scrutineers, rules)
        .iter()
        .map(|f| RefusalView {
            code: f.code(),
            rule: f.rule(),
            message: f.message_zh(),
            message_en: f.message_en(),
            person: None,
            name: None,
        })
        .collect();
    let recorded = store.list_relations(election.id).await?;
    let related = self::people(
        store,
        election,
        recorded.iter().flat_map(|r| [r.a, r.b]).collect(),
    )
    .await?;
    let relations = recorded
        .into_iter()
        .map(|relation| RelationView {
            a_name: related
                .get(&relation.a)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            b_name: related
                .get(&relation.b)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            relation,
        })
        .collect();
    let registration = store.registration_state(election.id).await?;
    let mut happened = BTreeMap::new();
    if let Some(p) = &registration.publication {
        happened.insert(Milestone::VoterListPublished, p.published_on);
    }
    if let Some(list) = &formal_list {
        happened.insert(Milestone::FormalCandidatesPublished, list.published_on);
    }
    let items: Vec<_> = timeline::timeline(election.election_day, &profile)
        .into_iter()
        .filter(|i| i.milestone != Milestone::FurtherElection)
        .collect();
    Ok(Status {
        today,
        households,
        formula_members,
        seats: election.seats.clone(),
        seat_plan: store.seat_plan(election.id).await?,
        seat_problems,
        board_size,
        committee,
        committee_problems,
        nominations,
        positions,
        formal_list,
        women,
        staff,
        staff_problems,
        relations,
        timeline: timeline::status(&items, &happened, today),
    })
}

// --- seats ---------------------------------------------------------------------------

/// Seats as the committee fixes them.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SeatsRequest {
    pub seats: Vec<PositionSeats>,
    /// Why the committee departs from the formula (required when it does).
    #[serde(default)]
    pub reason: String,
}

/// R-BODY-1/2: fixes the seats. The total may depart from the formula
/// within the profile's bounds, with a reason.
pub async fn set_seats(
    store: &dyn Store,
    election: &Election,
    request: &SeatsRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<SeatPlan, HttpError> {
    let profile = profile(election)?;
    let rules = &profile.nomination.committee;
    let composition = composition_of(&request.seats)?;
    let mut problems = seat_problems(election.body_kind, &composition, rules);
    // A board's employee seats against its recorded size (R-BODY-6); a
    // size not yet recorded does not stop the seats being set.
    if let Some(size) = recorded_board_size(store, election).await? {
        problems.extend(board_problems(Some(size), &composition, &profile));
    }
    if !problems.is_empty() {
        return Err(refuse_all(problems));
    }
    // The households formula (R-BODY-2) is the residents' committee's.
    let own_rule = election.body_kind != huanjie_store::BodyKind::ResidentsCommittee;
    let households = store.count_households(election.id).await?;
    let formula = size::size(households, rules);
    if !own_rule && composition.total() != formula && request.reason.trim().is_empty() {
        return Err(RuleRefusal::new(
            "reason_required",
            rule::BODY_2,
            format!(
                "按{households}户计算应选{formula}名，现定{}名：与计算结果不同须写明理由（reason）",
                composition.total()
            ),
            format!(
                "{households} households give {formula} members, not {}: a different number needs a reason",
                composition.total()
            ),
        )
        .with_details(json!({ "households": households, "formula_members": formula }))
        .into());
    }
    let plan = SeatPlan {
        households,
        formula_members: formula,
        seats: request.seats.clone(),
        reason: request.reason.trim().to_owned(),
        decided_by: by.to_owned(),
        decided_at: None,
    };
    Ok(store.set_seat_plan(election.id, &plan, now).await?)
}

// --- the election committee -------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct MemberRequest {
    pub name: String,
    /// `M` or `F`.
    pub gender: String,
    /// `chair`, `vice_chair` or `member`.
    pub role: String,
    /// Their record on the roll (record id or resident ID), when on it.
    #[serde(default)]
    pub resident: String,
}

/// R-BODY-5: records a member, refusing a second chair, a vice-chair over
/// the profile's number and a committee over its size (the rest of the
/// composition is shown as it stands, while members are being added).
pub async fn add_member(
    store: &dyn Store,
    election: &Election,
    request: &MemberRequest,
    now: DateTime<Utc>,
) -> Result<CommitteeMember, HttpError> {
    let profile = profile(election)?;
    let name = required("name", "姓名", &request.name)?;
    let gender = match request.gender.trim() {
        g @ ("M" | "F") => g.to_owned(),
        _ => {
            return Err(HttpError::BadRequest(crate::error::Message {
                code: "gender",
                zh: "性别（gender）：应为 M 或 F".into(),
                en: "gender: must be M or F".into(),
            }))
        }
    };
    let role = CommitteeRole::parse(request.role.trim()).ok_or_else(|| {
        HttpError::BadRequest(crate::error::Message {
            code: "role",
            zh: "职务（role）：应为 chair、vice_chair 或 member".into(),
            en: "role: must be chair, vice_chair or member".into(),
        })
    })?;
    let resident = if request.resident.trim().is_empty() {
        None
    } else {
        Some(resolve(store, election, "resident", &request.resident, rule::BODY_5).await?)
    };
    let members = store.list_committee_members(election.id).await?;
    let mut seats = committee_seats(&members);
    seats.push(CommitteeSeat {
        person: resident.unwrap_or_else(Uuid::new_v4),
        role,
    });
    if let Err(rs) = committee::check(&seats, &profile.nomination.election_committee) {
        use committee::ElectionCommitteeRefusal as R;
        let blocking: Vec<RefusalView> = rs
            .iter()
            .filter(|r| match r {
                R::Size { count, max, .. } => *count > *max as usize,
                R::Chair { count } => *count > 1,
                R::ViceChairs { count, max, .. } => *count > *max as usize,
                R::PersonTwice { .. } => true,
                R::Even { .. } => false,
            })
            .map(|r| view(r, &HashMap::new()))
            .collect();
        if !blocking.is_empty() {
            return Err(refuse_all(blocking));
        }
    }
    let new = NewCommitteeMember {
        name,
        gender,
        role,
        resident,
    };
    Ok(store.add_committee_member(election.id, &new, now).await?)
}

// --- nominations --------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NamedRequest {
    /// Record id or resident ID.
    pub resident: String,
    pub position: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct NominationRequest {
    pub kind: String,
    /// Record ids or resident IDs of those who sign.
    #[serde(default)]
    pub nominators: Vec<String>,
    pub nominees: Vec<NamedRequest>,
    /// The organisation or group that nominates, in words.
    #[serde(default)]
    pub nominated_by: String,
}

/// The paper as recorded, with why it is void when it is.
#[derive(Debug, Clone, Serialize)]
pub struct NominationOutcome {
    pub nomination: Nomination,
    /// R-NOM-2: the refusals that made it void (empty when valid).
    pub void_because: Vec<RefusalView>,
}

/// R-NOM-1/2: records a paper. Refusals are answered with 422 and nothing
/// is written, except those that void it (R-NOM-2: one person for two
/// positions): such a paper is kept, void, as received.
pub async fn nominate(
    store: &dyn Store,
    election: &Election,
    request: &NominationRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<NominationOutcome, HttpError> {
    let profile = profile(election)?;
    let kind = NominationKind::parse(request.kind.trim()).ok_or_else(|| {
        RuleRefusal::new(
            "unknown_kind",
            rule::NOM_1,
            format!("提名方式（kind）“{}”不存在", request.kind.trim()),
            format!("kind: no such way to nominate {:?}", request.kind.trim()),
        )
    })?;
    let mut nominators = Vec::new();
    for key in &request.nominators {
        nominators.push(resolve(store, election, "nominators", key, rule::NOM_1).await?);
    }
    let mut nominees = Vec::new();
    for n in &request.nominees {
        let resident = resolve(store, election, "nominees", &n.resident, rule::NOM_1).await?;
        nominees.push((resident, n.position.trim().to_owned()));
    }
    let proposed = Proposed {
        kind,
        nominators: nominators.clone(),
        nominees: nominees
            .iter()
            .map(|(person, code)| {
                Ok(Nominee {
                    person: *person,
                    position: position(code)?,
                })
            })
            .collect::<Result<Vec<_>, HttpError>>()?,
    };
    let involved = people(
        store,
        election,
        nominators
            .iter()
            .copied()
            .chain(nominees.iter().map(|(id, _)| *id))
            .collect(),
    )
    .await?;
    let papers = store.list_nominations(election.id).await?;
    let already: BTreeSet<Uuid> = papers
        .iter()
        .filter(|p| p.void.is_none() && p.kind.by_individuals())
        .flat_map(|p| p.nominators.iter().copied())
        .collect();
    let facts = NominationFacts {
        voters: involved
            .values()
            .filter(|r| is_voter(r))
            .map(|r| r.id)
            .collect(),
        household_representatives: involved
            .values()
            .filter(|r| r.household_representative)
            .map(|r| r.id)
            .collect(),
        group_representatives: involved
            .values()
            .filter(|r| r.residents_representative)
            .map(|r| r.id)
            .collect(),
        already_nominated: already,
        seats: election
            .seats
            .iter()
            .filter_map(|s| Position::parse(&s.position).map(|p| (p, s.seats)))
            .collect(),
    };
    let names = names(&involved);
    if election.body_kind == huanjie_store::BodyKind::SupervisoryCommittee {
        let recusals = recusals(store, election).await?;
        let refused: Vec<RefusalView> = proposed
            .nominees
            .iter()
            .filter_map(|n| supervisory::check_nominee(n.person, n.position, &recusals).err())
            .map(|r| view(&r, &names))
            .collect();
        if !refused.is_empty() {
            return Err(refuse_all(refused));
        }
    }
    if is_board(election) {
        let offices = board_offices(store, election).await?;
        let refused: Vec<RefusalView> = proposed
            .nominees
            .iter()
            .filter_map(|n| supervisory_board::check_nominee(n.person, &offices).err())
            .map(|r| view(&r, &names))
            .collect();
        if !refused.is_empty() {
            return Err(refuse_all(refused));
        }
    }
    let mut void = None;
    let mut void_because = Vec::new();
    if let Err(refusals) = nominate::check(&proposed, &facts, &profile.nomination) {
        let (voiding, refused): (Vec<_>, Vec<_>) = refusals.iter().partition(|r| r.voids());
        if !refused.is_empty() {
            return Err(refuse_all(
                refused.iter().map(|r| view(*r, &names)).collect(),
            ));
        }
        void_because = voiding.iter().map(|r| view(*r, &names)).collect();
        void = voiding.first().map(|r| VoidReason {
            rule: r.rule().to_owned(),
            code: r.code().to_owned(),
        });
    }
    let new = NewNomination {
        kind,
        nominators,
        nominees: nominees
            .into_iter()
            .map(|(resident, position)| Named { resident, position })
            .collect(),
        nominated_by: request.nominated_by.trim().to_owned(),
        lodged_on: today(now),
        recorded_by: by.to_owned(),
        void,
    };
    let nomination = store.record_nomination(election.id, &new, now).await?;
    Ok(NominationOutcome {
        nomination,
        void_because,
    })
}

// --- preliminary votes and the formal list ---------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct VoteRequest {
    pub resident: String,
    pub position: String,
    pub votes: u64,
}

/// R-NOM-3: records the preliminary vote's results (replacing any earlier).
/// Only nominees of valid papers, for the position they were named for.
pub async fn record_votes(
    store: &dyn Store,
    election: &Election,
    request: &[VoteRequest],
) -> Result<Vec<PreliminaryVote>, HttpError> {
    let papers = store.list_nominations(election.id).await?;
    let named: BTreeSet<(Uuid, &str)> = papers
        .iter()
        .filter(|p| p.void.is_none())
        .flat_map(|p| &p.nominees)
        .map(|n| (n.resident, n.position.as_str()))
        .collect();
    let mut votes = Vec::new();
    for v in request {
        let resident = resolve(store, election, "votes.resident", &v.resident, rule::NOM_3).await?;
        let code = v.position.trim();
        position(code)?;
        if !named.contains(&(resident, code)) {
            return Err(RuleRefusal::new(
                "not_a_nominee",
                rule::NOM_3,
                format!("预选只对被提名人计票：此人未被提名为“{code}”"),
                format!("the preliminary vote counts nominees only: not nominated for {code:?}"),
            )
            .with_details(json!({ "resident": resident, "position": code }))
            .into());
        }
        votes.push(PreliminaryVote {
            resident,
            position: code.to_owned(),
            votes: v.votes,
        });
    }
    store.record_preliminary_votes(election.id, &votes).await?;
    Ok(votes)
}

/// What fixing the formal list did, with the women's report (R-BODY-3).
#[derive(Debug, Clone, Serialize)]
pub struct FormalOutcome {
    #[serde(flatten)]
    pub outcome: FormalListOutcome,
    pub timing: Timing,
    pub women: WomenReport<Uuid>,
}

/// R-NOM-3..5: fixes the formal candidate list from the nominees and the
/// preliminary votes, today. Refused (nothing written) when it would be
/// late, when a position needs a preliminary vote or has a tie at the cut,
/// or has too few nominees for a contested election.
pub async fn fix_formal_list(
    store: &dyn Store,
    election: &Election,
    by: &str,
    now: DateTime<Utc>,
) -> Result<FormalOutcome, HttpError> {
    let profile = profile(election)?;
    let today = today(now);
    let timing = timeline::check_formal_list_publication(today, election.election_day, &profile)
        .map_err(|u| untimely(&u))?;
    // R-BODY-6: a board's employee seats are checked against its size
    // before the list that fills them is fixed.
    if is_board(election) {
        let size = recorded_board_size(store, election).await?;
        let board = board_problems(size, &composition_of(&election.seats)?, &profile);
        if !board.is_empty() {
            return Err(refuse_all(board));
        }
    }
    let papers = store.list_nominations(election.id).await?;
    let votes = store.preliminary_votes(election.id).await?;
    let grouped = nominees_by_position(election, &papers, &votes);
    let involved = people(
        store,
        election,
        grouped
            .iter()
            .flat_map(|(_, _, n)| n.iter().map(|(id, _, _)| *id))
            .collect(),
    )
    .await?;
    let names = names(&involved);
    let mut candidates = Vec::new();
    let mut problems = Vec::new();
    for (code, seats, nominees) in &grouped {
        let p = position(code)?;
        let input: Vec<NomineeVotes<Uuid>> = nominees
            .iter()
            .map(|(id, _, v)| NomineeVotes {
                person: *id,
                votes: *v,
            })
            .collect();
        match formal::select(p, *seats, &input, &profile.nomination) {
            Err(r) => problems.push(view(&r, &names)),
            Ok(Formal::AllNominees { formal }) => {
                candidates.extend(formal.into_iter().map(|resident| Named {
                    resident,
                    position: code.clone(),
                }));
            }
            Ok(Formal::ByVotes { formal, .. }) => {
                candidates.extend(formal.into_iter().map(|r| Named {
                    resident: r.person,
                    position: code.clone(),
                }));
            }
            Ok(Formal::PreliminaryNeeded {
                nominees,
                places,
                missing_votes,
            }) => problems.push(RefusalView {
                code: "preliminary_needed",
                rule: rule::NOM_3,
                message: format!(
                    "{}有被提名人{nominees}名，多于正式候选人{places}名：须先进行预选，还缺{}人的预选票数",
                    p.zh(),
                    missing_votes.len()
                ),
                message_en: format!(
                    "{} has {nominees} nominees for {places} places: a preliminary vote is needed ({} without votes)",
                    p.en(),
                    missing_votes.len()
                ),
                person: None,
                name: None,
            }),
            Ok(Formal::TieAtCut {
                tied, votes, places, ..
            }) => {
                let who: Vec<String> = tied
                    .iter()
                    .map(|t| names.get(t).cloned().unwrap_or_default())
                    .collect();
                problems.push(RefusalView {
                    code: "tie_at_cut",
                    rule: rule::NOM_3,
                    message: format!(
                        "{}：{}同得{votes}票，争{places}个正式候选人名额，须由选举委员会另行决定（如对他们再次预选）",
                        p.zh(),
                        who.join("、")
                    ),
                    message_en: format!(
                        "{}: {} tie with {votes} votes for {places} places; the election committee decides (e.g. another preliminary vote among them)",
                        p.en(),
                        who.join(", ")
                    ),
                    person: None,
                    name: None,
                });
            }
        }
    }
    if !problems.is_empty() {
        return Err(refuse_all(problems));
    }
    let new = NewFormalList {
        candidates,
        published_on: today,
        late_days: match timing {
            Timing::LateAllowed { days_late } => Some(days_late),
            _ => None,
        },
        published_by: by.to_owned(),
    };
    let outcome = store.fix_formal_list(election.id, &new, now).await?;
    let standing: Vec<(Uuid, Gender)> = outcome
        .list
        .candidates
        .iter()
        .map(|c| (c.resident, gender(&c.gender)))
        .collect();
    Ok(FormalOutcome {
        women: size::women(&standing),
        outcome,
        timing,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct WithdrawalRequest {
    pub resident: String,
    pub position: String,
    pub reason: String,
}

/// The list after a withdrawal, and who took the place.
#[derive(Debug, Clone, Serialize)]
pub struct WithdrawalOutcome {
    pub list: FormalList,
    pub replacement: Replacement<Uuid>,
}

/// R-NOM-6: accepts a withdrawal up to the profile's deadline; the next
/// nominee by preliminary votes takes the place. A tie for the place, or
/// nobody left, is reported and the place stays empty for the committee
/// to decide.
pub async fn withdraw(
    store: &dyn Store,
    election: &Election,
    request: &WithdrawalRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<WithdrawalOutcome, HttpError> {
    let profile = profile(election)?;
    let reason = required("reason", "退出理由", &request.reason)?;
    let resident = resolve(store, election, "resident", &request.resident, rule::NOM_6).await?;
    let code = request.position.trim().to_owned();
    let p = position(&code)?;
    let today = today(now);
    timeline::check_withdrawal(today, election.election_day, &profile).map_err(|u| untimely(&u))?;
    let Some(list) = store.formal_list(election.id).await? else {
        return Err(huanjie_store::StoreError::from(
            huanjie_store::NominationStateError::FormalListNotPublished,
        )
        .into());
    };
    let seats = election
        .seats
        .iter()
        .find(|s| s.position == code)
        .map_or(0, |s| s.seats);
    let formal_now: Vec<Uuid> = list
        .candidates
        .iter()
        .filter(|c| c.position == code && c.status == huanjie_store::CandidateStatus::Formal)
        .map(|c| c.resident)
        .collect();
    let withdrawn_before: BTreeSet<Uuid> = list
        .candidates
        .iter()
        .filter(|c| c.position == code && c.status == huanjie_store::CandidateStatus::Withdrawn)
        .map(|c| c.resident)
        .collect();
    let papers = store.list_nominations(election.id).await?;
    let votes = store.preliminary_votes(election.id).await?;
    let nominees: Vec<NomineeVotes<Uuid>> = nominees_by_position(election, &papers, &votes)
        .into_iter()
        .filter(|(c, _, _)| *c == code)
        .flat_map(|(_, _, n)| n)
        .filter(|(id, _, _)| !withdrawn_before.contains(id))
        .map(|(id, _, votes)| NomineeVotes { person: id, votes })
        .collect();
    let replacement = formal::replacement(
        p,
        seats,
        &resident,
        &formal_now,
        &nominees,
        &profile.nomination,
    )
    .map_err(|r| refuse_all(vec![view(&r, &HashMap::new())]))?;
    let next = match &replacement {
        Replacement::Next { person, .. } => Some(*person),
        Replacement::Tie { .. } | Replacement::NoneLeft { .. } => None,
    };
    let withdrawal = Withdrawal {
        resident,
        position: code,
        on: today,
        reason,
        replacement: next,
        by: by.to_owned(),
    };
    let list = store
        .withdraw_candidate(election.id, &withdrawal, now)
        .await?;
    Ok(WithdrawalOutcome { list, replacement })
}

// --- counting staff ------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StaffRequest {
    pub resident: String,
    /// `scrutineer`, `caller` or `counter`.
    pub role: String,
    pub station: String,
}

/// R-POLL-2: appoints a scrutineer, caller or counter; a standing formal
/// candidate is refused, and where the profile says so, a candidate's
/// spouse or close relative by the recorded relations. (A relation
/// recorded after the appointment does not undo it; the status shows the
/// staff as they stand.)
pub async fn appoint_staff(
    store: &dyn Store,
    election: &Election,
    request: &StaffRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Staff, HttpError> {
    let profile = profile(election)?;
    let station = required("station", "投票站或计票场所", &request.station)?;
    let role = StaffRole::parse(request.role.trim()).ok_or_else(|| {
        HttpError::BadRequest(crate::error::Message {
            code: "role",
            zh: "职责（role）：应为 scrutineer、caller 或 counter".into(),
            en: "role: must be scrutineer, caller or counter".into(),
        })
    })?;
    let resident = resolve(store, election, "resident", &request.resident, rule::POLL_2).await?;
    let candidates: BTreeSet<Uuid> = store
        .formal_list(election.id)
        .await?
        .map(|l| {
            l.candidates
                .into_iter()
                .filter(|c| c.status == huanjie_store::CandidateStatus::Formal)
                .map(|c| c.resident)
                .collect()
        })
        .unwrap_or_default();
    // Candidates this person is a spouse or close relative of, from the
    // recorded relations; the core applies them where the profile bars
    // relatives (ZJ-2020, SH-2020).
    let related: Vec<Uuid> = store
        .list_relations(election.id)
        .await?
        .into_iter()
        .filter_map(|r| match (r.a == resident, r.b == resident) {
            (true, _) => Some(r.b),
            (_, true) => Some(r.a),
            _ => None,
        })
        .filter(|other| candidates.contains(other))
        .collect();
    let mut relatives_of_candidates = BTreeMap::new();
    if !related.is_empty() {
        relatives_of_candidates.insert(resident, related);
    }
    let facts = StaffFacts {
        candidates,
        relatives_of_candidates,
    };
    let assignment = [StaffAssignment {
        person: resident,
        role,
    }];
    if let Err(rs) = staff::check(&assignment, &facts, &profile.nomination) {
        let involved = people(store, election, vec![resident]).await?;
        return Err(refuse_all(
            rs.iter().map(|r| view(r, &names(&involved))).collect(),
        ));
    }
    let new = NewStaff {
        resident,
        role,
        station,
        appointed_by: by.to_owned(),
    };
    Ok(store.appoint_staff(election.id, &new, now).await?)
}

// --- arrangements --------------------------------------------------------------------------

fn bad(code: &'static str, zh: String, en: String) -> HttpError {
    HttpError::BadRequest(crate::error::Message { code, zh, en })
}

/// Checks and stores the election's arrangements: polls open before they
/// close; the registration period in order, before election day, and
/// over by the voter list's publication deadline (R-REG-5: the list
/// published from the registration comes ≥ the profile's days before).
pub async fn set_arrangements(
    store: &dyn Store,
    election: &Election,
    a: &huanjie_store::Arrangements,
) -> Result<huanjie_store::Arrangements, HttpError> {
    if let (Some(open), Some(close)) = (a.polls_open, a.polls_close) {
        if open >= close {
            return Err(bad(
                "polls_hours",
                format!(
                    "投票时间（polls_open、polls_close）：开始时间 {open} 应早于结束时间 {close}"
                ),
                format!("polls_open {open} must come before polls_close {close}"),
            ));
        }
    }
    if let (Some(from), Some(to)) = (a.registration_from, a.registration_to) {
        if from > to {
            return Err(bad(
                "registration_period",
                format!("选民登记日期（registration_from、registration_to）：{from} 晚于 {to}"),
                format!("registration_from {from} is after registration_to {to}"),
            ));
        }
    }
    if let Some(to) = a.registration_to {
        let rules = crate::registration::rules(election)?;
        let publish_by =
            huanjie_core::registration::deadline::deadlines(election.election_day, &rules)
                .publish_by;
        if to > publish_by {
            return Err(RuleRefusal::new(
                "registration_too_late",
                rule::REG_5,
                format!(
                    "选民登记应在选民名单公布之前结束：名单最迟于{publish_by}公布，登记截止日{to}太晚"
                ),
                format!(
                    "registration must end before the voter list is published (by {publish_by}); {to} is too late"
                ),
            )
            .with_details(json!({ "publish_by": publish_by, "registration_to": to }))
            .into());
        }
    }
    if a.registration_places
        .iter()
        .any(|p| p.place.trim().is_empty())
    {
        return Err(bad(
            "required",
            "登记地点（registration_places.place）：必须填写".into(),
            "registration_places.place: is required".into(),
        ));
    }
    store.set_arrangements(election.id, a).await?;
    Ok(a.clone())
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RelationRequest {
    /// Record ids or resident IDs of the two residents.
    pub a: String,
    pub b: String,
    /// `spouse` or `close_relative`.
    pub kind: String,
}

/// Records that two residents are spouses or close relatives (R-POLL-2,
/// R-BODY-4).
pub async fn record_relation(
    store: &dyn Store,
    election: &Election,
    request: &RelationRequest,
    by: &str,
) -> Result<huanjie_store::Relation, HttpError> {
    let kind = huanjie_store::RelationKind::parse(request.kind.trim()).ok_or_else(|| {
        bad(
            "kind",
            "关系（kind）：应为 spouse（配偶）或 close_relative（近亲属）".into(),
            "kind: must be spouse or close_relative".into(),
        )
    })?;
    let a = resolve(store, election, "a", &request.a, rule::POLL_2).await?;
    let b = resolve(store, election, "b", &request.b, rule::POLL_2).await?;
    let relation = huanjie_store::Relation {
        a,
        b,
        kind,
        recorded_by: by.to_owned(),
    };
    store.record_relation(election.id, &relation).await?;
    Ok(relation.ordered())
}

// --- the supervisory committee's recusals (R-BODY-4) ----------------------------------

/// The recorded offices and family relations a supervisory committee's
/// nominees are checked against.
async fn recusals(
    store: &dyn Store,
    election: &Election,
) -> Result<supervisory::Recusals<Uuid>, HttpError> {
    let mut facts = supervisory::Recusals::default();
    for r in store.list_recusals(election.id).await? {
        if let Some(office) = supervisory::BarringOffice::parse(&r.office) {
            facts.offices.entry(r.resident).or_default().insert(office);
        }
    }
    for r in store.list_relations(election.id).await? {
        facts.relate(r.a, r.b);
    }
    Ok(facts)
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct RecusalRequest {
    /// Record id or resident ID.
    pub resident: String,
    /// `residents_committee`, `party_organisation` or `finance_staff`.
    pub office: String,
}

/// R-BODY-4: records that a resident holds an office that bars them (and,
/// for the committee and the party organisation, their spouses and close
/// relatives) from a supervisory committee election.
pub async fn record_recusal(
    store: &dyn Store,
    election: &Election,
    request: &RecusalRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<huanjie_store::Recusal, HttpError> {
    let (office, rule_id) = match election.body_kind {
        huanjie_store::BodyKind::SupervisoryCommittee => (
            supervisory::BarringOffice::parse(request.office.trim()).map(|o| o.code()).ok_or_else(|| {
                bad(
                    "office",
                    "职务（office）：应为 residents_committee（居民委员会成员）、party_organisation（社区党组织成员）或 finance_staff（社区财务人员）".into(),
                    "office: must be residents_committee, party_organisation or finance_staff".into(),
                )
            })?,
            rule::BODY_4,
        ),
        huanjie_store::BodyKind::SupervisoryBoard => (
            supervisory_board::BoardOffice::parse(request.office.trim()).map(|o| o.code()).ok_or_else(|| {
                bad(
                    "office",
                    "职务（office）：应为 company_director（公司董事）或 senior_manager（公司高级管理人员）".into(),
                    "office: must be company_director or senior_manager".into(),
                )
            })?,
            rule::BODY_6,
        ),
        _ => {
            return Err(RuleRefusal::new(
                "not_supervisory",
                rule::BODY_4,
                "回避情形只在居务监督委员会或监事会（职工代表监事）选举中登记".into(),
                "recusals are recorded for a supervisory committee or board election only".into(),
            )
            .conflict()
            .into())
        }
    };
    let resident = resolve(store, election, "resident", &request.resident, rule_id).await?;
    let recusal = huanjie_store::Recusal {
        resident,
        office: office.to_owned(),
        recorded_by: by.to_owned(),
        recorded_at: now,
    };
    store.record_recusal(election.id, &recusal).await?;
    Ok(recusal)
}

// --- the board of supervisors (R-BODY-6) ----------------------------------------------

/// The recorded offices that bar a board election's nominees (directors,
/// senior managers).
async fn board_offices(
    store: &dyn Store,
    election: &Election,
) -> Result<
    std::collections::BTreeMap<Uuid, std::collections::BTreeSet<supervisory_board::BoardOffice>>,
    HttpError,
> {
    let mut offices: std::collections::BTreeMap<Uuid, std::collections::BTreeSet<_>> =
        std::collections::BTreeMap::new();
    for r in store.list_recusals(election.id).await? {
        if let Some(office) = supervisory_board::BoardOffice::parse(&r.office) {
            offices.entry(r.resident).or_default().insert(office);
        }
    }
    Ok(offices)
}

fn is_board(election: &Election) -> bool {
    election.body_kind == huanjie_store::BodyKind::SupervisoryBoard
}

/// A board election's recorded size (R-BODY-6); `None` when not recorded
/// or for any other body.
async fn recorded_board_size(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<u32>, HttpError> {
    if !is_board(election) {
        return Ok(None);
    }
    Ok(store.board_size(election.id).await?.map(|b| b.board_size))
}

/// R-BODY-6: what stands between a board's employee seats and its formal
/// list: its size not recorded (`None`), or the employee seats not its
/// share of it.
fn board_problems(
    size: Option<u32>,
    composition: &Composition,
    profile: &huanjie_core::Profile,
) -> Vec<RefusalView> {
    match size {
        None => views(Err(vec![
            supervisory_board::BoardRefusal::<()>::SizeNotRecorded,
        ])),
        Some(size) => views(supervisory_board::check_board(
            size,
            composition.members,
            &profile.workers_congress,
        )),
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct BoardRequest {
    /// Every supervisor, employee representatives and others (≥3).
    pub board_size: u32,
}

/// R-BODY-6: records the board of supervisors' whole size, checked with
/// the employee seats: at least the profile's minimum, and the employee
/// supervisors at least its share. Refused once the formal list is fixed.
pub async fn set_board_size(
    store: &dyn Store,
    election: &Election,
    request: &BoardRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<huanjie_store::BoardSize, HttpError> {
    if !is_board(election) {
        return Err(RuleRefusal::new(
            "not_board",
            rule::BODY_6,
            "监事会成员总数只在职工代表监事选举中登记".into(),
            "a board size is recorded for an employee supervisors' election only".into(),
        )
        .conflict()
        .into());
    }
    let profile = profile(election)?;
    let composition = composition_of(&election.seats)?;
    let problems = board_problems(Some(request.board_size), &composition, &profile);
    if !problems.is_empty() {
        return Err(refuse_all(problems));
    }
    let size = huanjie_store::BoardSize {
        board_size: request.board_size,
        set_by: by.to_owned(),
        set_at: now,
    };
    store.set_board_size(election.id, &size).await?;
    Ok(size)
}
