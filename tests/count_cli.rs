//! `huanjie count` as observers run it: the real binary, files and stdin.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn huanjie() -> Command {
    Command::new(env!("CARGO_BIN_EXE_huanjie"))
}

fn shared_cases() -> Vec<(PathBuf, PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/cases");
    let mut out: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".case.json"))
        .map(|p| {
            let result = PathBuf::from(p.to_string_lossy().replace(".case.json", ".result.json"));
            (p, result)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 3, "no shared cases found in {}", dir.display());
    out
}

fn json(bytes: &[u8]) -> Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(bytes)))
}

fn with_stdin(mut cmd: Command, input: &[u8]) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn every_shared_case_recounts_to_its_result() {
    for (case, result) in shared_cases() {
        let out = huanjie().arg("count").arg(&case).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            case.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            json(&out.stdout),
            json(&std::fs::read(&result).unwrap()),
            "{}",
            case.display()
        );
    }
}

#[test]
fn reads_standard_input() {
    let (case, result) = &shared_cases()[0];
    let mut cmd = huanjie();
    cmd.args(["count", "-"]);
    let out = with_stdin(cmd, &std::fs::read(case).unwrap());
    assert!(out.status.success());
    assert_eq!(json(&out.stdout), json(&std::fs::read(result).unwrap()));
}

#[test]
fn a_void_round_is_still_counted() {
    let case = shared_cases()
        .into_iter()
        .find(|(c, _)| c.to_string_lossy().contains("exactly-half"))
        .unwrap();
    let out = huanjie().arg("count").arg(&case.0).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(json(&out.stdout)["valid"], Value::Bool(false));
}

#[test]
fn malformed_input_is_one_line_naming_the_field() {
    let (case, _) = &shared_cases()[0];
    let mut v = json(&std::fs::read(case).unwrap());
    v["ballots"][7]["marks"]["member"]["m9"] = Value::from("for");
    let mut cmd = huanjie();
    cmd.args(["count", "-"]);
    let out = with_stdin(cmd, &serde_json::to_vec(&v).unwrap());
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("ballots[7].marks.member.m9"), "{stderr}");
    assert!(stderr.contains("unknown candidate"), "{stderr}");
}

#[test]
fn a_missing_file_is_an_error() {
    let out = huanjie()
        .args(["count", "/nonexistent/case.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot open"));
}

#[test]
fn profiles_are_listed_shown_and_checked_from_files() {
    let out = huanjie().args(["profile", "list"]).output().unwrap();
    let listed = String::from_utf8(out.stdout).unwrap();
    for id in ["county-2006 ", "city-2009", "village-2018", "zhejiang-2020"] {
        assert!(listed.contains(id.trim()), "{listed}");
    }
    let out = huanjie()
        .args(["profile", "show", "zhejiang-2020"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let shown = json(&out.stdout);
    assert_eq!(shown["counting"]["overvote_scope"], "ballot");
    assert_eq!(shown["counting"]["further_win"], ">=1/3");

    // A local profile file: good, then with a misspelt key.
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("local.toml");
    let text = r#"id = "local-2026"
name = "本地规程"
name_en = "Local rules"
source = "local"
[counting]
overvote_scope = "contest"
same_person_two_positions = "allowed"
win_base = "cast"
turnout = ">1/2"
assembly_turnout = ">=2/3"
win = ">1/2"
further_win = ">=1/3"
further_margin = 2
further_election_within_days = 15
further_keeps_womens_line = false
aggregate_across_positions = false
[registration]
non_registered_residence_months = 6
voter_list_published_days_before = 20
late_publication_allowed = false
objection_lodged_days_before = 5
objection_answered_days_before = 3
voluntary_registration_min_share = ">=3/10"
proxy_max_per_proxy = 3
proxy_lodged_days_before = 0
[nomination]
kinds = ["joint_voters", "self_nomination"]
joint_voters_min = 10
joint_household_representatives_min = 5
joint_group_representatives_min = 3
same_person_two_positions_voids = false
formal_list_published_days_before = 5
withdrawal_days_before = 3
late_notice_allowed = false
scrutineers_min = 3
counting_staff_relatives_barred = false
results_report_within_days = 3
certificates_within_days = 15
[nomination.committee]
members_min = 5
members_max = 9
deputies_min = 1
deputies_max = 2
women_member_line = false
size = [{ above = 0, base = 5 }]
[nomination.margin]
director = { min = 1, max = 1 }
deputy = { min = 1, max = 1 }
member = { min = 1, max = 2 }
women_member = { min = 1, max = 1 }
[nomination.election_committee]
members_min = 5
members_max = 9
odd = false
vice_chairs_min = 1
vice_chairs_max = 2
[polling]
mobile_boxes_max = 1
mobile_boxes_need_approval = false
scrutineers_min = 3
[term]
recall_voters_share = ">=1/5"
recall_representatives_min = 10
recall_turnout = ">1/2"
recall_approval = ">1/2"
meeting_quorum = ">=2/3"
meeting_decision = ">1/2"
meeting_decision_base = "present"
[homeowners]
quorum_area = ">=2/3"
quorum_owners = ">=2/3"
ordinary_area = ">1/2"
ordinary_owners = ">1/2"
special_area = ">=3/4"
special_owners = ">=3/4"
committee_ranking = "owners_then_area"
[workers_congress]
quorum = ">=2/3"
win = ">1/2"
win_base = "registered"
board_min = 3
employee_share = ">=1/3"
"#;
    std::fs::write(&good, text).unwrap();
    let out = huanjie()
        .args(["profile", "show"])
        .arg(&good)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json(&out.stdout)["counting"]["win_base"], "cast");
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, text.replace("further_margin", "further_marign")).unwrap();
    let out = huanjie()
        .args(["profile", "show"])
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("further_marign"));
}
