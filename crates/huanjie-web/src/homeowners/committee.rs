//! Electing the homeowners' committee by the assembly (业主大会选举业主委员会,
//! R-OWN-1, R-BODY-6), the use cases the API shares: put a committee
//! election to the assembly (its seats and candidates), record an owner's
//! ballot, count it.
//!
//! Each candidate is an ordinary matter of the assembly, so a candidate is
//! elected only with more than half of the participating area AND of the
//! participating owners, the quorum met (the profile's `[homeowners]`
//! numbers); when more pass than there are seats, the profile's
//! `committee_ranking` orders them (`huanjie_core::homeowners::committee`).
//! An owner's ballot names the candidates voted for (at most as many as
//! seats) and those voted against; every other candidate on it counts as
//! an abstention (弃权), so every ballot takes part in every candidate's
//! count.

use std::collections::BTreeSet;

use huanjie_core::homeowners::committee::{self, CommitteeOutcome, Standing, Tie};
use huanjie_core::homeowners::{self as core, Choice, CommitteeRanking, Register, Vote};
use huanjie_core::nomination::owners_committee::{self, OwnersCommitteeRefusal};
use huanjie_core::nomination::size::Composition;
use huanjie_core::rule;
use huanjie_store::{
    CommitteeBallot, CommitteeElection, Election, HomeownerVote, NewCommitteeElection, Store,
    StoreError, NO_REGISTER, TOO_MANY_FOR, VOTED_ALREADY,
};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{invalid, no_register, require_homeowners, result_view, rules, ResultView, TITLE_MAX};
use crate::error::{HttpError, RuleRefusal};

/// The longest candidate's name.
const NAME_MAX: usize = 50;
/// The most candidates on one ballot.
const CANDIDATES_MAX: usize = 100;

#[derive(Debug, Clone, Deserialize)]
pub struct CommitteeRequest {
    #[serde(default)]
    pub title: String,
    /// R-BODY-6: 5–11, odd.
    #[serde(default)]
    pub seats: Option<u32>,
    /// Candidates' names, in ballot order.
    #[serde(default)]
    pub candidates: Vec<String>,
}

/// R-BODY-6 through the core's check of a committee's size (one chair and
/// the rest members: only the total is at stake here).
fn seats_refusal(seats: Option<u32>) -> Option<HttpError> {
    let Some(total) = seats.filter(|s| *s > 0) else {
        return Some(
            RuleRefusal::new(
                "committee_seats",
                rule::BODY_6,
                format!(
                    "席位数（seats）：必须填写，业主委员会成员应为{}至{}名的单数",
                    owners_committee::MEMBERS_MIN,
                    owners_committee::MEMBERS_MAX
                ),
                format!(
                    "seats: is required; a homeowners' committee has {} to {} members, an odd number",
                    owners_committee::MEMBERS_MIN,
                    owners_committee::MEMBERS_MAX
                ),
            )
            .into(),
        );
    };
    let composition = Composition {
        director: 1,
        deputies: 0,
        members: total - 1,
        women_member: 0,
    };
    let refusals: Vec<OwnersCommitteeRefusal> = owners_committee::check_composition(&composition)
        .err()
        .unwrap_or_default()
        .into_iter()
        .filter(|r| !matches!(r, OwnersCommitteeRefusal::Chair { .. }))
        .collect();
    let first = refusals.first()?;
    let zh: Vec<String> = refusals.iter().map(|r| r.message_zh()).collect();
    let en: Vec<String> = refusals.iter().map(|r| r.message_en()).collect();
    Some(
        RuleRefusal::new(
            first.code(),
            rule::BODY_6,
            format!("席位数（seats）：{}", zh.join("；")),
            format!("seats: {}", en.join("; ")),
        )
        .with_details(json!({ "field": "seats" }))
        .into(),
    )
}

/// Puts a committee election to the assembly.
pub async fn add_committee(
    store: &dyn Store,
    election: &Election,
    input: &CommitteeRequest,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<CommitteeElection, HttpError> {
    require_homeowners(election)?;
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        return Err(invalid(
            "committee_title",
            "选举名称（title）：必须填写，最多200字",
            "title: is required, at most 200 characters",
        ));
    }
    if let Some(refusal) = seats_refusal(input.seats) {
        return Err(refusal);
    }
    let seats = input.seats.unwrap_or_default();
    let names: Vec<String> = input
        .candidates
        .iter()
        .map(|n| n.trim().to_owned())
        .collect();
    if names.is_empty() || names.len() > CANDIDATES_MAX {
        return Err(invalid(
            "committee_candidates",
            "候选人（candidates）：至少1名，最多100名",
            "candidates: at least 1, at most 100",
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        if name.is_empty() || name.chars().count() > NAME_MAX {
            return Err(invalid_owned(
                "committee_candidate_name",
                format!("候选人（candidates）第{}名：姓名必须填写，最多50字", i + 1),
                format!(
                    "candidates, no. {}: a name is required, at most 50 characters",
                    i + 1
                ),
            ));
        }
        if !seen.insert(name.as_str()) {
            return Err(invalid_owned(
                "committee_candidate_twice",
                format!("候选人（candidates）：{name}列了两次；同名的两人请加以区分，如 张伟（3-201）"),
                format!(
                    "candidates: {name} is listed twice; tell two people of one name apart, e.g. 张伟（3-201）"
                ),
            ));
        }
    }
    let new = NewCommitteeElection {
        title: title.to_owned(),
        seats,
        candidates: names,
    };
    match store
        .add_committee_election(election.id, &new, by, now)
        .await
    {
        Ok(c) => Ok(c),
        Err(StoreError::Conflict(m)) if m == NO_REGISTER => Err(no_register()),
        Err(e) => Err(e.into()),
    }
}

fn invalid_owned(code: &'static str, zh: String, en: String) -> HttpError {
    RuleRefusal::new(code, rule::OWN_1, zh, en).into()
}

async fn committee_election(
    store: &dyn Store,
    election: &Election,
    number: u32,
) -> Result<CommitteeElection, HttpError> {
    store
        .committee_elections(election.id)
        .await?
        .into_iter()
        .find(|c| c.number == number)
        .ok_or(HttpError::NotFound)
}

#[derive(Debug, Clone, Deserialize)]
pub struct BallotRequest {
    /// The owner's number in the register.
    #[serde(default)]
    pub owner: Option<u32>,
    /// `written` (书面) or `in_person` (现场).
    #[serde(default)]
    pub mode: String,
    /// Candidates' numbers voted for: at most as many as seats.
    #[serde(default, rename = "for")]
    pub for_: Vec<u32>,
    /// Candidates' numbers voted against; the others abstain.
    #[serde(default)]
    pub against: Vec<u32>,
}

fn too_many_for(seats: u32, number: u32, name: &str, fors: Option<usize>) -> RuleRefusal {
    let (zh_n, en_n) = match fors {
        Some(n) => (format!("选了{n}名"), format!("marks {n}")),
        None => (
            "连同已记录的票超过了".to_owned(),
            "with the votes recorded already, exceeds".to_owned(),
        ),
    };
    RuleRefusal::new(
        "too_many_for",
        rule::OWN_1,
        format!(
            "同意（for）：业主{name}（第{number}号）的选票{zh_n}，每名业主最多同意{seats}名候选人，与应选席位数相同（R-OWN-1、R-BODY-6）：整张选票未记录"
        ),
        format!(
            "for: owner {name} (no. {number}) {en_n} more candidates than the {seats} seats; an owner may vote for at most as many candidates as there are seats (R-OWN-1, R-BODY-6): the ballot was not recorded"
        ),
    )
    .with_details(json!({ "field": "for", "owner": number, "seats": seats }))
}

/// The refusal of a single vote for a candidate (`…/matters/{n}/votes`)
/// that would give the owner more votes for than the seats of the
/// candidate's committee election.
pub(super) async fn too_many_for_matter(
    store: &dyn Store,
    election: &Election,
    matter: u32,
    owner: &core::Owner,
) -> HttpError {
    let seats = match store.committee_elections(election.id).await {
        Ok(list) => list
            .into_iter()
            .find(|c| c.candidates.iter().any(|x| x.matter == matter))
            .map_or(0, |c| c.seats),
        Err(e) => return e.into(),
    };
    too_many_for(seats, owner.number, &owner.name, None)
        .conflict()
        .into()
}

/// Records one owner's ballot in a committee election: all of it or none.
pub async fn record_ballot(
    store: &dyn Store,
    election: &Election,
    number: u32,
    input: &BallotRequest,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<Vec<HomeownerVote>, HttpError> {
    require_homeowners(election)?;
    let committee = committee_election(store, election, number).await?;
    let mode = super::vote_mode(&input.mode)?;
    let owner = &super::registered_owner(store, election, input.owner).await?;
    let mut marked = BTreeSet::new();
    for (field, n) in input
        .for_
        .iter()
        .map(|n| ("for", *n))
        .chain(input.against.iter().map(|n| ("against", *n)))
    {
        if !committee.candidates.iter().any(|c| c.number == n) {
            return Err(invalid_owned(
                "unknown_candidate",
                format!("{field}：本次选举没有第{n}号候选人"),
                format!("{field}: this election has no candidate no. {n}"),
            ));
        }
        if !marked.insert(n) {
            return Err(invalid_owned(
                "candidate_twice",
                format!(
                    "{field}：第{n}号候选人在选票上标了两次，每名候选人只能同意、反对或弃权其一"
                ),
                format!("{field}: candidate no. {n} is marked twice; one choice per candidate"),
            ));
        }
    }
    if input.for_.len() > usize::try_from(committee.seats).unwrap_or(usize::MAX) {
        return Err(too_many_for(
            committee.seats,
            owner.number,
            &owner.name,
            Some(input.for_.len()),
        )
        .into());
    }
    let choices: Vec<(u32, Choice)> = committee
        .candidates
        .iter()
        .map(|c| {
            let choice = if input.for_.contains(&c.number) {
                Choice::For
            } else if input.against.contains(&c.number) {
                Choice::Against
            } else {
                Choice::Abstain
            };
            (c.number, choice)
        })
        .collect();
    let ballot = CommitteeBallot {
        owner: owner.number,
        mode,
        choices,
    };
    match store
        .record_committee_ballot(election.id, number, &ballot, by, now)
        .await
    {
        Ok(v) => Ok(v),
        Err(StoreError::Conflict(m)) if m.starts_with(TOO_MANY_FOR) => {
            Err(too_many_for(committee.seats, owner.number, &owner.name, None)
                .conflict()
                .into())
        }
        Err(StoreError::Conflict(m)) if m.starts_with(VOTED_ALREADY) => Err(RuleRefusal::new(
            "voted_already",
            rule::OWN_1,
            format!(
                "业主{}（第{}号）已在本次选举中投过票：每名业主只有一张选票（书面或现场）",
                owner.name, owner.number
            ),
            format!(
                "owner {} (no. {}) has voted in this election already: one ballot per owner (R-OWN-1)",
                owner.name, owner.number
            ),
        )
        .conflict()
        .with_details(json!({ "owner": owner.number, "name": owner.name }))
        .into()),
        Err(e) => Err(e.into()),
    }
}

/// One candidate's count and place.
#[derive(Debug, Clone, Serialize)]
pub struct CandidateView {
    pub number: u32,
    pub name: String,
    /// The assembly matter the candidate's votes are recorded on.
    pub matter: u32,
    pub standing: Standing,
    /// Place among those who passed under the ranking (equal share one).
    pub rank: Option<u32>,
    /// Area and owners for, against, abstaining; why it failed.
    pub result: ResultView,
}

/// A committee election and its outcome so far.
#[derive(Debug, Clone, Serialize)]
pub struct CommitteeView {
    pub number: u32,
    pub title: String,
    pub seats: u32,
    pub ranking: CommitteeRanking,
    pub candidates: Vec<CandidateView>,
    /// Candidates' numbers, in ranking order.
    pub elected: Vec<u32>,
    pub tie: Option<TieView>,
    pub unfilled: u32,
    /// Owners who cast a ballot.
    pub ballots: u64,
    pub rule: &'static str,
    pub summary: String,
    pub summary_en: String,
    pub created_by: String,
    pub created_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TieView {
    pub candidates: Vec<u32>,
    pub seats: u32,
}

fn ranking_words(r: CommitteeRanking) -> (&'static str, &'static str) {
    match r {
        CommitteeRanking::OwnersThenArea => (
            "同意人数多者在前，人数相同按同意面积",
            "more owners in favour first, then more area",
        ),
        CommitteeRanking::AreaThenOwners => (
            "同意面积多者在前，面积相同按同意人数",
            "more area in favour first, then more owners",
        ),
    }
}

fn summary(out: &CommitteeOutcome, names: &[String]) -> (String, String) {
    let name = |i: &usize| names.get(*i).cloned().unwrap_or_default();
    let elected: Vec<String> = out.elected.iter().map(name).collect();
    let mut zh = vec![format!(
        "应选{}名，当选{}名{}",
        out.seats,
        elected.len(),
        if elected.is_empty() {
            String::new()
        } else {
            format!("：{}", elected.join("、"))
        }
    )];
    let mut en = vec![format!(
        "{} seats, {} elected{}",
        out.seats,
        elected.len(),
        if elected.is_empty() {
            String::new()
        } else {
            format!(": {}", elected.join(", "))
        }
    )];
    if let Some(Tie { candidates, seats }) = &out.tie {
        let tied: Vec<String> = candidates.iter().map(name).collect();
        let (rz, re) = ranking_words(out.ranking);
        zh.push(format!(
            "{}按排序规则（{rz}）票数相同，争最后{seats}个席位：由业主大会另行决定，系统不作裁决",
            tied.join("、")
        ));
        en.push(format!(
            "{} are level under the ranking ({re}) for the last {seats} seat(s): for the assembly to settle, not the system",
            tied.join(", ")
        ));
    }
    if out.unfilled > 0 {
        zh.push(format!(
            "{}个席位无人同时获得参与表决面积和人数过半，空缺",
            out.unfilled
        ));
        en.push(format!(
            "{} seat(s) unfilled: no other candidate had more than half of both the participating area and owners",
            out.unfilled
        ));
    }
    (zh.join("；"), en.join("; "))
}

/// A committee election with every candidate's count and the seats.
pub async fn committee(
    store: &dyn Store,
    election: &Election,
    number: u32,
) -> Result<CommitteeView, HttpError> {
    require_homeowners(election)?;
    let c = committee_election(store, election, number).await?;
    let rules = rules(election)?;
    let register = Register::from_owners(
        store
            .homeowner_register(election.id)
            .await?
            .map(|r| r.owners)
            .unwrap_or_default(),
    );
    let mut outcomes = Vec::new();
    let mut voters = BTreeSet::new();
    for cand in &c.candidates {
        let votes = store.homeowner_votes(election.id, cand.matter).await?;
        voters.extend(votes.iter().map(|v| v.owner));
        let counted: Vec<Vote> = votes.iter().map(HomeownerVote::vote).collect();
        outcomes.push(core::decide(
            &rules,
            &register,
            core::MatterKind::Ordinary,
            &counted,
        ));
    }
    let out = committee::elect(&outcomes, c.seats, rules.committee_ranking);
    let names: Vec<String> = c.candidates.iter().map(|x| x.name.clone()).collect();
    let number_of = |i: &usize| c.candidates.get(*i).map_or(0, |x| x.number);
    let (summary, summary_en) = summary(&out, &names);
    Ok(CommitteeView {
        number: c.number,
        title: c.title.clone(),
        seats: c.seats,
        ranking: out.ranking,
        candidates: c
            .candidates
            .iter()
            .zip(&outcomes)
            .zip(&out.candidates)
            .map(|((cand, o), s)| CandidateView {
                number: cand.number,
                name: cand.name.clone(),
                matter: cand.matter,
                standing: s.standing,
                rank: s.rank,
                result: result_view(o),
            })
            .collect(),
        elected: out.elected.iter().map(number_of).collect(),
        tie: out.tie.as_ref().map(|t| TieView {
            candidates: t.candidates.iter().map(number_of).collect(),
            seats: t.seats,
        }),
        unfilled: out.unfilled,
        ballots: voters.len() as u64,
        rule: rule::OWN_1,
        summary,
        summary_en,
        created_by: c.created_by,
        created_at: c.created_at.to_rfc3339(),
    })
}

/// Every committee election of the election, each with its outcome.
pub async fn committees(
    store: &dyn Store,
    election: &Election,
) -> Result<Vec<CommitteeView>, HttpError> {
    require_homeowners(election)?;
    let mut out = Vec::new();
    for c in store.committee_elections(election.id).await? {
        out.push(committee(store, election, c.number).await?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn code(e: Option<HttpError>) -> Option<(&'static str, &'static str)> {
        match e? {
            HttpError::Rule(r) => Some((r.code, r.rule)),
            _ => None,
        }
    }

    #[test]
    fn seats_are_five_to_eleven_and_odd() {
        for ok in [5, 7, 9, 11] {
            assert!(seats_refusal(Some(ok)).is_none(), "{ok}");
        }
        assert_eq!(
            code(seats_refusal(Some(6))),
            Some(("owners_committee_even", "R-BODY-6"))
        );
        assert_eq!(
            code(seats_refusal(Some(3))),
            Some(("owners_committee_size", "R-BODY-6"))
        );
        assert_eq!(
            code(seats_refusal(Some(13))),
            Some(("owners_committee_size", "R-BODY-6"))
        );
        assert_eq!(
            code(seats_refusal(None)),
            Some(("committee_seats", "R-BODY-6"))
        );
        assert_eq!(
            code(seats_refusal(Some(0))),
            Some(("committee_seats", "R-BODY-6"))
        );
    }
}
