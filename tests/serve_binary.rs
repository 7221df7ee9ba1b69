//! End-to-end: the compiled `huanjie` binary itself — `serve` and `demo` —
//! for what only the binary shows: settings from flags, environment and a
//! config file in that order, what it prints, and a clean stop on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use huanjie_testkit::app::{spawn_binary, RunningBinary, TEST_PASSWORD};
use reqwest::StatusCode;
use serde_json::{json, Value};

const BIN: &str = env!("CARGO_BIN_EXE_huanjie");

async fn start(args: &[&str], envs: &[(&str, &str)], dir: &Path) -> RunningBinary {
    spawn_binary(Path::new(BIN), args, envs, dir)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"))
}

async fn post(url: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    let mut req = reqwest::Client::new().post(url).json(&body);
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let reply = req.send().await.unwrap();
    (reply.status(), reply.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn serve_prints_the_setup_code_once_and_stops_cleanly_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    // No database named anywhere: the default file under ./.huanjie/.
    let running = start(&["serve"], &[("HUANJIE_LISTEN", "127.0.0.1:0")], dir.path()).await;
    assert!(
        dir.path().join(".huanjie/huanjie.db").exists(),
        "created on first run"
    );
    assert!(running.address.starts_with("http://127.0.0.1:"));
    assert_ne!(
        running.address, "http://127.0.0.1:0",
        "the real port is printed"
    );
    let code = running
        .setup_code
        .clone()
        .expect("a set-up code on first run");
    let line = running
        .stdout_lines
        .iter()
        .find(|l| l.starts_with("First-run set-up"))
        .unwrap();
    assert_eq!(
        line,
        &format!(
            "First-run set-up: open {}/setup and enter code {code}",
            running.address
        )
    );

    let (status, body) = post(
        &format!("{}/api/v1/setup", running.address),
        None,
        json!({"code": code, "username": "chair", "password": TEST_PASSWORD}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let exit = running.terminate().await.unwrap();
    assert!(exit.success(), "SIGTERM is a clean stop: {exit:?}");

    // Second start on the same database: accounts exist, no code.
    let again = start(&["serve"], &[("HUANJIE_LISTEN", "127.0.0.1:0")], dir.path()).await;
    assert_eq!(again.setup_code, None, "{:?}", again.stdout_lines);
    assert!(again.terminate().await.unwrap().success());
}

#[tokio::test]
async fn flags_beat_environment_beat_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("huanjie.toml");
    // Both values in the file would fail if used: the layers above win.
    std::fs::write(
        &config,
        "listen = \"not an address\"\ndatabase_url = \"mysql://nope/db\"\nsession_hours = 2\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let running = start(
        &["serve", "--database-url", "from-flag.db"],
        &[
            ("HUANJIE_CONFIG", config),
            ("HUANJIE_LISTEN", "127.0.0.1:0"),
            ("HUANJIE_DATABASE_URL", "from-env.db"),
        ],
        dir.path(),
    )
    .await;
    assert!(dir.path().join("from-flag.db").exists(), "the flag won");
    assert!(!dir.path().join("from-env.db").exists());
    assert!(running.terminate().await.unwrap().success());

    // Without the flag, the environment wins over the file.
    let running = start(
        &["serve", "--config", config],
        &[
            ("HUANJIE_LISTEN", "127.0.0.1:0"),
            ("HUANJIE_DATABASE_URL", "from-env.db"),
        ],
        dir.path(),
    )
    .await;
    assert!(
        dir.path().join("from-env.db").exists(),
        "the environment won"
    );
    assert!(running.terminate().await.unwrap().success());
}

#[test]
fn bad_settings_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["serve", "--listen", "nowhere"])
        .current_dir(dir.path())
        .env_remove("HUANJIE_CONFIG")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("listen") && stderr.contains("nowhere"),
        "{stderr}"
    );

    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "lisen = \"127.0.0.1:0\"\n").unwrap();
    let out = std::process::Command::new(BIN)
        .args(["serve", "--config", config.to_str().unwrap()])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("lisen"), "{stderr}");
}

#[tokio::test]
async fn demo_seeds_prints_credentials_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let running = start(&["demo", "--listen", "127.0.0.1:0"], &[], dir.path()).await;
    assert!(dir.path().join(".huanjie/demo.db").exists());
    assert_eq!(running.setup_code, None, "the demo has an account already");
    let credentials = running
        .stdout_lines
        .iter()
        .find_map(|l| l.split(" with password ").nth(1))
        .unwrap_or_else(|| panic!("no credentials in {:?}", running.stdout_lines))
        .to_owned();
    assert!(running
        .stdout_lines
        .iter()
        .any(|l| l.contains(&format!("open {} and sign in as demo", running.address))));

    let (status, body) = post(
        &format!("{}/api/v1/sessions", running.address),
        None,
        json!({"username": "demo", "password": credentials}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let token = body["token"].as_str().unwrap();
    let list: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/elections", running.address))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        list["elections"][0]["title"],
        "幸福社区居民委员会第七届换届选举"
    );
    assert_eq!(list["elections"][0]["profile"], "county-2006");
    assert!(running.terminate().await.unwrap().success());

    // A second run keeps the data and does not print a new password.
    let again = start(&["demo", "--listen", "127.0.0.1:0"], &[], dir.path()).await;
    assert!(!again
        .stdout_lines
        .iter()
        .any(|l| l.contains(" with password ")));
    assert!(again.terminate().await.unwrap().success());
}

/// SIGTERM right after the server says it is listening stops it cleanly:
/// the signal handlers exist before the announcement. (They used to be
/// registered on the shutdown future's first poll, after it; a SIGTERM in
/// between killed the process with the default action, exit by signal.)
#[tokio::test]
async fn sigterm_right_after_start_is_a_clean_stop() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..8 {
        let db = format!("race-{round}.db");
        let running = start(
            &["serve", "--listen", "127.0.0.1:0", "--database-url", &db],
            &[],
            dir.path(),
        )
        .await;
        let status = running.terminate().await.unwrap();
        assert!(status.success(), "round {round}: {status:?}");
    }
}
