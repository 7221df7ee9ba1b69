//! The results in the JSON form of NIST SP 1500-100 version 2 (Election
//! Results Reporting Common Data Format), for anyone who reads results with
//! tools made for that format.
//!
//! [`nist_election_report`] is a pure function: plain input in
//! ([`NistInput`]), a `serde_json::Value` out; it reads no clock (the
//! caller gives [`NistInput::generated`]) and no store. The field names and
//! enumeration values are those of NIST's JSON schema
//! (`NIST_V2_election_results_reporting.json`).
//!
//! # What maps
//!
//! | Huanjie | NIST SP 1500-100 v2 |
//! |---|---|
//! | the report | `ElectionResults.ElectionReport`, `Format` `summary-contest`, `SequenceStart` = `SequenceEnd` = 1, `VendorApplicationId` `huanjie` |
//! | results confirmed by the committee (R-CERT-1) / not yet | `Status` `certified` / `unofficial-complete` |
//! | the election committee | `Issuer`, `IssuerAbbreviation` |
//! | the election (its name in Chinese) | one `ElectionResults.Election`: `Name` (InternationalizedText, language `zh`), `StartDate` = `EndDate` = the election day, `Type` `general` (a further election, 另行选举, R-CNT-7: `runoff`) |
//! | the community | the one `GpUnit`: an `ElectionResults.ReportingUnit`, `Type` `other`, `OtherType` `residents-community`, `Name`; `VotersRegistered` / `VotersParticipated` when given; it is the election's `ElectionScopeId`, every contest's `ElectoralDistrictId` and every count's `GpUnitId` |
//! | a position (主任, 副主任, 委员) | an `ElectionResults.CandidateContest`: `Name`, `NumberElected` = `VotesAllowed` = the seats, `SequenceOrder`; `SummaryCounts` (`Type` `total`): `BallotsCast`, `BallotsRejected` (the ballots void for the position, R-CNT-4) when given, `WriteIns` (the "for" votes of write-in persons) |
//! | a person on the ballot for a position | an `ElectionResults.Candidate` (one per position they stand for: NIST's candidate is a candidacy) with `BallotName`, the Huanjie id as an `ExternalIdentifier` (`Type` `other`, `OtherType` `huanjie-candidate-id`), `PostElectionStatus` `winner` if elected; and an `ElectionResults.CandidateSelection` of the contest naming it |
//! | a write-in person (另选他人) | the same, with `IsWriteIn` true on the selection and `PreElectionStatus` `write-in` on the candidate |
//! | "for" votes (赞成) | `VoteCounts` `Type` `total`, `Count` |
//! | "against" (反对), "abstain" (弃权) | `VoteCounts` `Type` `other`, `OtherType` `against` / `abstain` (NIST has no place for them) |
//!
//! Ids are made here (`hj-gpu-1`, `hj-contest-2`, `hj-cand-2-3`,
//! `hj-sel-2-3`), valid XML NCNames whatever the input ids are.
//!
//! # What does not map
//!
//! - **The winning rule.** A person is elected with "for" votes from more
//!   than half of the ballots cast (R-CNT-5; a third in a further
//!   election, R-CNT-7), not by plurality; NIST's `VoteVariation` has no
//!   such value and is left out. Who won is given as each candidate's
//!   `PostElectionStatus`, as the committee decided it; a person not
//!   elected has none (they may stand in the further election).
//! - **Gender**, the women's seat (R-CNT-8) and residents' groups: NIST's
//!   Candidate has no gender, and they are left out.
//! - **Round validity** (R-CNT-2, R-CNT-3) and the ballots returned: no
//!   NIST field; the report says only how many voted and how many were
//!   registered.
//! - **Polling stations**: the counts are for the whole community
//!   (`summary-contest`); per-station counts are not exported.
//! - **Parties, offices, ballot styles**: none in these elections.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat};
use serde_json::{json, Map, Value};

/// Whether the results are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NistStatus {
    /// Confirmed and announced by the election committee (R-CERT-1):
    /// `certified`.
    Certified,
    /// Counted, not yet confirmed: `unofficial-complete`.
    UnofficialComplete,
}

impl NistStatus {
    fn as_str(self) -> &'static str {
        match self {
            NistStatus::Certified => "certified",
            NistStatus::UnofficialComplete => "unofficial-complete",
        }
    }
}

/// What the NIST report is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NistInput {
    /// 幸福社区第七届居民委员会选举
    pub election_name: String,
    /// 幸福社区: the reporting unit.
    pub community: String,
    pub election_day: NaiveDate,
    /// 幸福社区居民委员会换届选举委员会: the issuer.
    pub committee: String,
    /// A short form of the committee's name (`IssuerAbbreviation`, which
    /// NIST requires).
    pub committee_abbreviation: String,
    pub status: NistStatus,
    /// When the report is made (`GeneratedDate`), given by the caller in
    /// China Standard Time.
    pub generated: DateTime<FixedOffset>,
    /// A further election (另行选举, R-CNT-7): `Type` `runoff`.
    pub further_election: bool,
    /// 登记选民 (`VotersRegistered`), if known.
    pub registered: Option<u64>,
    /// 参加投票 (`VotersParticipated`), if known.
    pub voted: Option<u64>,
    /// One per position, in ballot order.
    pub contests: Vec<NistContest>,
}

/// One position's contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NistContest {
    /// 主任, 副主任, 委员
    pub name: String,
    pub seats: u32,
    /// The ballots cast in the round (void ones included), if known.
    pub ballots_cast: Option<u64>,
    /// The ballots void for this position (R-CNT-4), if known.
    pub ballots_void: Option<u64>,
    /// The persons, in ballot order, write-ins after.
    pub rows: Vec<NistRow>,
}

/// One person's counts in a contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NistRow {
    /// Huanjie's id of the person (or of the write-in name); exported as
    /// an external identifier.
    pub id: String,
    pub name: String,
    /// 赞成
    pub votes_for: u64,
    /// 反对
    pub against: u64,
    /// 弃权
    pub abstain: u64,
    /// Written in by voters (另选他人), not on the printed ballot.
    pub write_in: bool,
    /// Elected to this position (as the committee decided, R-CNT-5..7).
    pub elected: bool,
}

/// The scope's id: the community, the one reporting unit.
const GPU: &str = "hj-gpu-1";

/// The results as a NIST SP 1500-100 v2 `ElectionReport` (JSON); see the
/// module docs for what maps where.
pub fn nist_election_report(input: &NistInput) -> Value {
    let mut candidates = Vec::new();
    let mut contests = Vec::new();
    for (c, contest) in input.contests.iter().enumerate() {
        let c = c + 1;
        let mut selections = Vec::new();
        for (r, row) in contest.rows.iter().enumerate() {
            let r = r + 1;
            let candidate_id = format!("hj-cand-{c}-{r}");
            let mut candidate = Map::new();
            candidate.insert("@type".into(), "ElectionResults.Candidate".into());
            candidate.insert("@id".into(), candidate_id.clone().into());
            candidate.insert("BallotName".into(), text(&row.name));
            candidate.insert(
                "ExternalIdentifier".into(),
                json!([{
                    "@type": "ElectionResults.ExternalIdentifier",
                    "Type": "other",
                    "OtherType": "huanjie-candidate-id",
                    "Value": row.id,
                }]),
            );
            if row.write_in {
                candidate.insert("PreElectionStatus".into(), "write-in".into());
            }
            if row.elected {
                candidate.insert("PostElectionStatus".into(), "winner".into());
            }
            candidates.push(Value::Object(candidate));
            selections.push(json!({
                "@type": "ElectionResults.CandidateSelection",
                "@id": format!("hj-sel-{c}-{r}"),
                "CandidateIds": [candidate_id],
                "IsWriteIn": row.write_in,
                "SequenceOrder": r,
                "VoteCounts": [
                    count("total", None, row.votes_for),
                    count("other", Some("against"), row.against),
                    count("other", Some("abstain"), row.abstain),
                ],
            }));
        }
        let mut summary = Map::new();
        summary.insert("@type".into(), "ElectionResults.SummaryCounts".into());
        summary.insert("Type".into(), "total".into());
        summary.insert("GpUnitId".into(), GPU.into());
        if let Some(cast) = contest.ballots_cast {
            summary.insert("BallotsCast".into(), cast.into());
        }
        if let Some(void) = contest.ballots_void {
            summary.insert("BallotsRejected".into(), void.into());
        }
        let write_ins = contest
            .rows
            .iter()
            .filter(|r| r.write_in)
            .map(|r| r.votes_for)
            .fold(0, u64::saturating_add);
        summary.insert("WriteIns".into(), write_ins.into());
        contests.push(json!({
            "@type": "ElectionResults.CandidateContest",
            "@id": format!("hj-contest-{c}"),
            "Name": contest.name,
            "ElectoralDistrictId": GPU,
            "NumberElected": contest.seats,
            "VotesAllowed": contest.seats,
            "SequenceOrder": c,
            "BallotSelection": selections,
            "SummaryCounts": [Value::Object(summary)],
        }));
    }

    let mut unit = Map::new();
    unit.insert("@type".into(), "ElectionResults.ReportingUnit".into());
    unit.insert("@id".into(), GPU.into());
    unit.insert("Type".into(), "other".into());
    unit.insert("OtherType".into(), "residents-community".into());
    unit.insert("Name".into(), input.community.clone().into());
    if let Some(registered) = input.registered {
        unit.insert("VotersRegistered".into(), registered.into());
    }
    if let Some(voted) = input.voted {
        unit.insert("VotersParticipated".into(), voted.into());
    }

    let day = input.election_day.format("%Y-%m-%d").to_string();
    json!({
        "@type": "ElectionResults.ElectionReport",
        "Format": "summary-contest",
        "GeneratedDate": input.generated.to_rfc3339_opts(SecondsFormat::Secs, false),
        "Issuer": input.committee,
        "IssuerAbbreviation": input.committee_abbreviation,
        "SequenceStart": 1,
        "SequenceEnd": 1,
        "Status": input.status.as_str(),
        "VendorApplicationId": "huanjie",
        "Election": [{
            "@type": "ElectionResults.Election",
            "Name": text(&input.election_name),
            "StartDate": day,
            "EndDate": day,
            "Type": if input.further_election { "runoff" } else { "general" },
            "ElectionScopeId": GPU,
            "Candidate": candidates,
            "Contest": contests,
        }],
        "GpUnit": [Value::Object(unit)],
    })
}

/// An `InternationalizedText` in Chinese.
fn text(content: &str) -> Value {
    json!({
        "@type": "ElectionResults.InternationalizedText",
        "Text": [{
            "@type": "ElectionResults.LanguageString",
            "Language": "zh",
            "Content": content,
        }],
    })
}

/// A `VoteCounts` for the whole community.
fn count(kind: &str, other: Option<&str>, n: u64) -> Value {
    let mut v = Map::new();
    v.insert("@type".into(), "ElectionResults.VoteCounts".into());
    v.insert("Type".into(), kind.into());
    if let Some(other) = other {
        v.insert("OtherType".into(), other.into());
    }
    v.insert("Count".into(), n.into());
    v.insert("GpUnitId".into(), GPU.into());
    Value::Object(v)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    fn row(id: &str, name: &str, f: u64, a: u64, ab: u64, w: bool, e: bool) -> NistRow {
        NistRow {
            id: id.to_owned(),
            name: name.to_owned(),
            votes_for: f,
            against: a,
            abstain: ab,
            write_in: w,
            elected: e,
        }
    }

    fn input() -> NistInput {
        NistInput {
            election_name: "幸福社区第七届居民委员会选举".to_owned(),
            community: "幸福社区".to_owned(),
            election_day: NaiveDate::from_ymd_opt(2026, 12, 20).unwrap(),
            committee: "幸福社区居民委员会换届选举委员会".to_owned(),
            committee_abbreviation: "幸福社区选委会".to_owned(),
            status: NistStatus::Certified,
            generated: DateTime::parse_from_rfc3339("2026-12-20T21:30:00+08:00").unwrap(),
            further_election: false,
            registered: Some(2345),
            voted: Some(1987),
            contests: vec![
                NistContest {
                    name: "主任".to_owned(),
                    seats: 1,
                    ballots_cast: Some(1987),
                    ballots_void: Some(12),
                    rows: vec![
                        row("p-1", "𠮷祥", 1500, 300, 175, false, true),
                        row("p-2", "张伟", 400, 1200, 375, false, false),
                    ],
                },
                NistContest {
                    name: "委员".to_owned(),
                    seats: 3,
                    ballots_cast: None,
                    ballots_void: None,
                    rows: vec![
                        row("p-3", "阿卜杜热合曼·买买提", 1320, 400, 267, false, true),
                        row("p-4", "王芳", 1102, 500, 385, false, true),
                        row("p-5", "丁一", 700, 900, 387, false, false),
                        row("w-1", "李明", 60, 0, 0, true, false),
                        // The same person in two contests: two candidacies.
                        row("p-2", "张伟", 30, 0, 0, true, false),
                    ],
                },
            ],
        }
    }

    /// Every object with an `@id`, by id (panics on a duplicate).
    fn ids(v: &Value, out: &mut BTreeMap<String, String>) {
        match v {
            Value::Object(m) => {
                if let (Some(Value::String(id)), Some(Value::String(t))) =
                    (m.get("@id"), m.get("@type"))
                {
                    assert!(
                        out.insert(id.clone(), t.clone()).is_none(),
                        "duplicate @id {id}"
                    );
                }
                m.values().for_each(|x| ids(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| ids(x, out)),
            _ => {}
        }
    }

    /// Every reference (`…Id` and `…Ids` fields but `@id`), with its field.
    fn refs(v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match x {
                        Value::String(s) if k.ends_with("Id") && k != "VendorApplicationId" => {
                            out.push((k.clone(), s.clone()))
                        }
                        Value::Array(a) if k.ends_with("Ids") => {
                            for s in a {
                                out.push((k.clone(), s.as_str().unwrap().to_owned()));
                            }
                        }
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }

    /// The fields NIST's JSON schema requires, by `@type`.
    fn required(t: &str) -> &'static [&'static str] {
        match t {
            "ElectionResults.ElectionReport" => &[
                "Format",
                "GeneratedDate",
                "Issuer",
                "IssuerAbbreviation",
                "SequenceEnd",
                "SequenceStart",
                "Status",
                "VendorApplicationId",
            ],
            "ElectionResults.Election" => {
                &["ElectionScopeId", "EndDate", "Name", "StartDate", "Type"]
            }
            "ElectionResults.ReportingUnit" => &["Type", "@id"],
            "ElectionResults.Candidate" => &["BallotName", "@id"],
            "ElectionResults.CandidateContest" => {
                &["VotesAllowed", "ElectoralDistrictId", "Name", "@id"]
            }
            "ElectionResults.CandidateSelection" => &["CandidateIds", "@id"],
            "ElectionResults.VoteCounts" => &["Count", "Type"],
            "ElectionResults.SummaryCounts" => &["Type"],
            "ElectionResults.InternationalizedText" => &["Text"],
            "ElectionResults.LanguageString" => &["Content", "Language"],
            "ElectionResults.ExternalIdentifier" => &["Type", "Value"],
            other => panic!("unexpected @type {other}"),
        }
    }

    fn check_required(v: &Value) {
        match v {
            Value::Object(m) => {
                let t = m.get("@type").and_then(Value::as_str).expect("an @type");
                for field in required(t) {
                    assert!(m.contains_key(*field), "{t} without {field}");
                }
                // An "other" type says which.
                if m.get("Type").and_then(Value::as_str) == Some("other") {
                    assert!(
                        m.contains_key("OtherType"),
                        "{t}: Type other without OtherType"
                    );
                }
                m.values().for_each(check_required_inner);
            }
            _ => panic!("not an object"),
        }
    }

    fn check_required_inner(v: &Value) {
        match v {
            Value::Object(_) => check_required(v),
            Value::Array(a) => a.iter().for_each(check_required_inner),
            _ => {}
        }
    }

    #[test]
    fn the_report_has_nists_required_fields_and_values() {
        let v = nist_election_report(&input());
        check_required(&v);
        assert_eq!(v["@type"], "ElectionResults.ElectionReport");
        assert_eq!(v["Format"], "summary-contest");
        assert_eq!(v["GeneratedDate"], "2026-12-20T21:30:00+08:00");
        assert_eq!(v["Issuer"], "幸福社区居民委员会换届选举委员会");
        assert_eq!(v["IssuerAbbreviation"], "幸福社区选委会");
        assert_eq!(
            (v["SequenceStart"].as_u64(), v["SequenceEnd"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(v["Status"], "certified");
        assert_eq!(v["VendorApplicationId"], "huanjie");
        let e = &v["Election"][0];
        assert_eq!(
            e["Name"]["Text"][0]["Content"],
            "幸福社区第七届居民委员会选举"
        );
        assert_eq!(e["Name"]["Text"][0]["Language"], "zh");
        assert_eq!(
            (e["StartDate"].as_str(), e["EndDate"].as_str()),
            (Some("2026-12-20"), Some("2026-12-20"))
        );
        assert_eq!(e["Type"], "general");
        let gpu = &v["GpUnit"][0];
        assert_eq!(gpu["@type"], "ElectionResults.ReportingUnit");
        assert_eq!(
            (gpu["Type"].as_str(), gpu["Name"].as_str()),
            (Some("other"), Some("幸福社区"))
        );
        assert_eq!(gpu["VotersRegistered"], 2345);
        assert_eq!(gpu["VotersParticipated"], 1987);
        assert_eq!(e["ElectionScopeId"], gpu["@id"]);

        let mut other = input();
        other.status = NistStatus::UnofficialComplete;
        other.further_election = true;
        other.registered = None;
        let v = nist_election_report(&other);
        assert_eq!(v["Status"], "unofficial-complete");
        assert_eq!(v["Election"][0]["Type"], "runoff");
        assert!(v["GpUnit"][0].get("VotersRegistered").is_none());
    }

    #[test]
    fn ids_are_unique_and_every_reference_resolves_to_the_right_kind() {
        let v = nist_election_report(&input());
        let mut all = BTreeMap::new();
        ids(&v, &mut all);
        let mut r = Vec::new();
        refs(&v, &mut r);
        assert!(r.len() > 10, "{r:?}");
        for (field, id) in &r {
            let kind = all
                .get(id)
                .unwrap_or_else(|| panic!("{field} refers to {id}, which does not exist"));
            let expected = match field.as_str() {
                "CandidateIds" => "ElectionResults.Candidate",
                "ElectionScopeId" | "ElectoralDistrictId" | "GpUnitId" => {
                    "ElectionResults.ReportingUnit"
                }
                other => panic!("unexpected reference field {other}"),
            };
            assert_eq!(kind, expected, "{field} → {id}");
        }
        // Ids are NCNames: a letter first, then letters, digits, '-'.
        for id in all.keys() {
            assert!(id.starts_with(|c: char| c.is_ascii_alphabetic()), "{id}");
            assert!(
                id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'),
                "{id}"
            );
        }
        // Every candidate is in exactly one selection.
        let used: Vec<&str> = r
            .iter()
            .filter(|(f, _)| f == "CandidateIds")
            .map(|(_, id)| id.as_str())
            .collect();
        let set: BTreeSet<&str> = used.iter().copied().collect();
        assert_eq!(used.len(), set.len());
        let candidates = v["Election"][0]["Candidate"].as_array().unwrap();
        assert_eq!(candidates.len(), set.len());
    }

    #[test]
    fn counts_match_the_input() {
        let input = input();
        let v = nist_election_report(&input);
        let e = &v["Election"][0];
        let candidates: BTreeMap<&str, &Value> = e["Candidate"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| (c["@id"].as_str().unwrap(), c))
            .collect();
        let contests = e["Contest"].as_array().unwrap();
        assert_eq!(contests.len(), input.contests.len());
        for (contest, given) in contests.iter().zip(&input.contests) {
            assert_eq!(contest["@type"], "ElectionResults.CandidateContest");
            assert_eq!(contest["Name"], given.name.as_str());
            assert_eq!(contest["NumberElected"], given.seats);
            assert_eq!(contest["VotesAllowed"], given.seats);
            let selections = contest["BallotSelection"].as_array().unwrap();
            assert_eq!(selections.len(), given.rows.len());
            for (s, row) in selections.iter().zip(&given.rows) {
                assert_eq!(s["@type"], "ElectionResults.CandidateSelection");
                assert_eq!(s["IsWriteIn"], row.write_in);
                let counts = s["VoteCounts"].as_array().unwrap();
                let find = |t: &str, o: Option<&str>| -> u64 {
                    let hits: Vec<&Value> = counts
                        .iter()
                        .filter(|c| {
                            c["Type"] == t && c.get("OtherType").and_then(Value::as_str) == o
                        })
                        .collect();
                    assert_eq!(hits.len(), 1, "{t} {o:?}");
                    hits[0]["Count"].as_u64().unwrap()
                };
                assert_eq!(find("total", None), row.votes_for);
                assert_eq!(find("other", Some("against")), row.against);
                assert_eq!(find("other", Some("abstain")), row.abstain);
                let ids = s["CandidateIds"].as_array().unwrap();
                assert_eq!(ids.len(), 1);
                let c = candidates[ids[0].as_str().unwrap()];
                assert_eq!(c["BallotName"]["Text"][0]["Content"], row.name.as_str());
                assert_eq!(c["ExternalIdentifier"][0]["Value"], row.id.as_str());
                assert_eq!(
                    c["PostElectionStatus"] == "winner",
                    row.elected,
                    "{}",
                    row.name
                );
                assert_eq!(
                    c["PreElectionStatus"] == "write-in",
                    row.write_in,
                    "{}",
                    row.name
                );
            }
            let summary = &contest["SummaryCounts"][0];
            assert_eq!(summary["BallotsCast"].as_u64(), given.ballots_cast);
            assert_eq!(summary["BallotsRejected"].as_u64(), given.ballots_void);
            let write_ins: u64 = given
                .rows
                .iter()
                .filter(|r| r.write_in)
                .map(|r| r.votes_for)
                .sum();
            assert_eq!(summary["WriteIns"].as_u64(), Some(write_ins));
        }
        // Three winners in all, as in the input.
        let winners = candidates
            .values()
            .filter(|c| c["PostElectionStatus"] == "winner")
            .count();
        assert_eq!(winners, 3);
    }

    #[test]
    fn an_empty_election_is_still_a_valid_report() {
        let mut i = input();
        i.contests.clear();
        let v = nist_election_report(&i);
        check_required(&v);
        assert_eq!(v["Election"][0]["Contest"], json!([]));
        assert_eq!(v["Election"][0]["Candidate"], json!([]));
    }
}
