//! What follows certification (issue 7, item 4): the results announcement
//! (选举结果公告, R-CERT-1), a certificate per winner (当选证书, R-CERT-2),
//! the written report to the township (R-CERT-1, due within 3 days), and
//! the results exports (JSON, NIST SP 1500-100).
//!
//! Every one is made from the **certified** document (the signed result),
//! never recounted: what is printed is what was signed. Names and
//! genders come from the formal list (candidate ids are ballot rows).

use chrono::NaiveDate;
use huanjie_print::{
    ElectedBody, ElectedPerson, ElectionCertificate, ElectionReport, NistContest, NistInput,
    NistRow, NistStatus, PositionResult, ResultsNotice, Turnout, VoteBasis,
};
use huanjie_store::{BodyKind, Election, Store};
use serde_json::Value;

use crate::error::{HttpError, RuleRefusal};

/// A position as the documents name it: its code, its label, and its
/// standing candidates (ballot row id, name, 男/女).
type Position = (String, String, Vec<(String, String, String)>);

/// The certified general round: its document and when it was certified.
pub struct Certified {
    pub document: Value,
    pub certified_at: chrono::DateTime<chrono::Utc>,
    /// Position code → (label, candidate id → (name, gender 男/女)).
    contests: Vec<Position>,
}

pub(crate) fn not_certified() -> HttpError {
    RuleRefusal::new(
        "not_certified",
        huanjie_core::rule::CERT_1,
        "选举结果尚未经选举委员会确认：确认后才能出具公告、当选证书和报告".into(),
        "the result is not certified yet: announcements, certificates and reports come after"
            .into(),
    )
    .conflict()
    .into()
}

/// The election's certified general round.
pub async fn certified(store: &dyn Store, election: &Election) -> Result<Certified, HttpError> {
    let c = store
        .certifications(election.id)
        .await?
        .into_iter()
        .find(|c| {
            c.round
                == election
                    .round
                    .as_ref()
                    .map_or("general", |r| r.kind.as_str())
        })
        .ok_or_else(not_certified)?;
    let document: Value =
        serde_json::from_str(&c.document).map_err(|e| HttpError::Internal(e.into()))?;
    let contests = crate::tally::contests(store, election)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|c| {
            let people = c
                .candidates
                .iter()
                .map(|p| {
                    let gender = match p.gender {
                        huanjie_core::counting::Gender::Female => "女",
                        huanjie_core::counting::Gender::Male => "男",
                    };
                    (p.id.clone(), p.name.clone(), gender.to_owned())
                })
                .collect();
            (c.id, c.title, people)
        })
        .collect();
    Ok(Certified {
        document,
        certified_at: c.certified_at,
        contests,
    })
}

fn u(v: &Value) -> u64 {
    v.as_u64().unwrap_or(0)
}

impl Certified {
    fn result(&self) -> &Value {
        &self.document["result"]
    }

    fn contests(&self) -> impl Iterator<Item = &Value> {
        self.result()["contests"].as_array().into_iter().flatten()
    }

    fn label(&self, id: &str) -> String {
        self.contests
            .iter()
            .find(|(code, _, _)| code == id)
            .map_or_else(|| crate::tally::position_label(id), |(_, l, _)| l.clone())
    }

    /// A person's name and gender (男/女; a written-in person's is not
    /// known: —).
    fn person(&self, contest: &str, person: &str, tally: &Value) -> (String, String) {
        let listed = self
            .contests
            .iter()
            .find(|(code, _, _)| code == contest)
            .and_then(|(_, _, people)| people.iter().find(|(id, _, _)| id == person));
        match listed {
            Some((_, name, gender)) => (name.clone(), gender.clone()),
            None => {
                let name = tally["name"].as_str().unwrap_or(person).to_owned();
                (name, "—".to_owned())
            }
        }
    }

    fn row<'a>(contest: &'a Value, person: &str) -> Option<&'a Value> {
        contest["tally"]
            .as_array()?
            .iter()
            .find(|r| r["person"] == person)
    }

    /// Registered, voted, returned (cast), and the ballots void in every
    /// contest (the fewest void in any one: a ballot void as a whole is
    /// void in all of them).
    pub fn turnout(&self) -> Turnout {
        let r = self.result();
        let cast = u(&r["cast"]);
        let void = self
            .contests()
            .map(|c| u(&c["void_ballots"]))
            .min()
            .unwrap_or(0);
        Turnout {
            registered: u(&r["registered"]),
            voted: u(&r["voted"]),
            returned: cast,
            valid: cast.saturating_sub(void),
            void,
        }
    }

    pub fn positions(&self) -> Vec<PositionResult> {
        self.contests()
            .map(|c| {
                let id = c["id"].as_str().unwrap_or("");
                let elected = c["elected"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(|p| {
                        let tally = Self::row(c, p).cloned().unwrap_or(Value::Null);
                        let (name, gender) = self.person(id, p, &tally);
                        ElectedPerson {
                            name,
                            gender,
                            votes: u(&tally["for"]),
                        }
                    })
                    .collect();
                PositionResult {
                    position: self.label(id),
                    seats: u32::try_from(u(&c["seats"])).unwrap_or(u32::MAX),
                    elected,
                }
            })
            .collect()
    }
}

fn elected_body(election: &Election) -> ElectedBody {
    match election.body_kind {
        BodyKind::SupervisoryCommittee => ElectedBody::SupervisoryCommittee,
        BodyKind::SupervisoryBoard => ElectedBody::SupervisoryBoard,
        BodyKind::ResidentsCommittee | BodyKind::HomeownersCommittee => {
            ElectedBody::ResidentsCommittee
        }
    }
}

/// Who voted in `election`'s rounds and by which numbers, for the words
/// of its results notice and certificates (R-CNT-3, R-SUP-1).
pub async fn vote_basis(store: &dyn Store, election: &Election) -> Result<VoteBasis, HttpError> {
    let electorate = crate::tally::electorate(store, election).await?;
    let rules = electorate
        .rules(&crate::registration::profile(election)?)
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("electorate parameters: {e}")))?;
    Ok(VoteBasis::new(electorate, &rules))
}

/// The body as the documents name it: the election's title without its
/// trailing 选举.
fn body_name(election: &Election) -> String {
    election
        .title
        .trim_end_matches("选举")
        .trim_end_matches("换届")
        .to_owned()
}

/// 选举结果公告.
pub fn results_notice(
    election: &Election,
    c: &Certified,
    basis: VoteBasis,
    today: NaiveDate,
) -> ResultsNotice {
    ResultsNotice {
        info: crate::notices::info(election, today),
        elected_body: elected_body(election),
        basis,
        body: body_name(election),
        election_day: election.election_day,
        turnout: c.turnout(),
        positions: c.positions(),
        closing: String::new(),
    }
}

/// One certificate per person elected, numbered in order.
pub fn certificates(
    election: &Election,
    c: &Certified,
    basis: VoteBasis,
    today: NaiveDate,
) -> Vec<ElectionCertificate> {
    let cast = u(&c.result()["cast"]);
    let registered = u(&c.result()["registered"]);
    let year = election.election_day.format("%Y");
    let mut out = Vec::new();
    for p in c.positions() {
        for person in p.elected {
            out.push(ElectionCertificate {
                body: body_name(election),
                certificate_of: elected_body(election),
                name: person.name,
                position: p.position.clone(),
                election_day: election.election_day,
                votes: person.votes,
                cast,
                registered,
                basis,
                number: format!("{year}-{:03}", out.len() + 1),
                committee_name: crate::pdf::committee_name(election),
                issue_date: today,
            });
        }
    }
    out
}

/// The report to the township, due 3 days after certification (R-CERT-1).
pub async fn report(
    store: &dyn Store,
    election: &Election,
    c: &Certified,
    township: &str,
    today: NaiveDate,
) -> Result<ElectionReport, HttpError> {
    let r = c.result();
    let basis = vote_basis(store, election).await?;
    let reconciliation = crate::reconciliation::reconcile(store, election).await?;
    let stations = reconciliation
        .stations
        .iter()
        .map(|s| {
            (
                s.name.clone(),
                s.reconciled.figures.issued,
                s.reconciled.figures.returned,
            )
        })
        .collect();
    let discrepancies = reconciliation
        .stations
        .iter()
        .flat_map(|s| {
            s.reconciled
                .discrepancies
                .iter()
                .map(move |d| format!("{}：{}（{}）", s.name, d.message_zh(), d.rule()))
        })
        .collect();
    let further_election = c
        .contests()
        .filter(|k| u(&k["unfilled"]) > 0)
        .map(|k| {
            let id = k["id"].as_str().unwrap_or("");
            format!(
                "{}尚缺{}名，依据 R-CNT-7 另行选举",
                c.label(id),
                u(&k["unfilled"])
            )
        })
        .collect();
    let certified_on = crate::registration::today(c.certified_at);
    Ok(ElectionReport {
        info: crate::notices::info(election, today),
        township: township.to_owned(),
        body: body_name(election),
        election_day: election.election_day,
        turnout: c.turnout(),
        basis,
        valid: r["valid"].as_bool().unwrap_or(false),
        // In words, with the rule: the quorum's words are the
        // electorate's (R-CNT-3, or R-SUP-1 for the workers' congress).
        void_reasons: r["void_reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|rule| match rule {
                huanjie_core::rule::CNT_2 => format!("收回的选票多于发出的选票（{rule}）"),
                huanjie_core::rule::CNT_3 => {
                    let cited = basis.electorate.quorum_rule();
                    format!("{}（{cited}）", basis.quorum_failed_words())
                }
                other => other.to_owned(),
            })
            .collect(),
        positions: c.positions(),
        further_election,
        stations,
        discrepancies,
        due_date: certified_on + chrono::Days::new(3),
    })
}

/// The results in NIST SP 1500-100 (v2) form, where it maps.
pub fn nist(election: &Election, c: &Certified) -> Value {
    let r = c.result();
    let contests = c
        .contests()
        .map(|k| {
            let id = k["id"].as_str().unwrap_or("");
            let elected: Vec<&str> = k["elected"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            NistContest {
                name: c.label(id),
                seats: u32::try_from(u(&k["seats"])).unwrap_or(u32::MAX),
                ballots_cast: Some(u(&r["cast"])),
                ballots_void: Some(u(&k["void_ballots"])),
                rows: k["tally"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|row| {
                        let person = row["person"].as_str().unwrap_or("");
                        NistRow {
                            id: person.to_owned(),
                            name: row["name"].as_str().unwrap_or("").to_owned(),
                            votes_for: u(&row["for"]),
                            against: u(&row["against"]),
                            abstain: u(&row["abstain"]),
                            write_in: person.starts_with(huanjie_core::counting::WRITE_IN_PREFIX),
                            elected: elected.contains(&person),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    huanjie_print::nist_election_report(&NistInput {
        election_name: election.title.clone(),
        community: body_name(election),
        election_day: election.election_day,
        committee: crate::pdf::committee_name(election),
        committee_abbreviation: "选举委员会".to_owned(),
        status: NistStatus::Certified,
        generated: c.certified_at.fixed_offset(),
        further_election: false,
        registered: Some(u(&r["registered"])),
        voted: Some(u(&r["voted"])),
        contests,
    })
}
