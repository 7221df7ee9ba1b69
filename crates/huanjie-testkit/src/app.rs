//! The real web app, on port 0, for the end-to-end suites.
//!
//! [`spawn_app`] builds the app exactly as `huanjie serve` does (same
//! config type, same store adapter, real TCP socket) on the test's runtime,
//! with two test-only choices: a fast password-hash iteration count and a
//! clock the test can move forward to see tokens expire. [`spawn_binary`]
//! runs the compiled `huanjie` binary itself, for what only the binary
//! shows (flags, environment, what it prints, how it stops).

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use huanjie_web::{App, Clock, Config};
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// PBKDF2 iterations for test accounts: hashes carry their own count, so
/// this only makes the suites fast; the product default is 600,000.
pub const TEST_PASSWORD_ITERATIONS: u32 = 1_000;

/// A password that passes the app's rules.
pub const TEST_PASSWORD: &str = "correct horse battery";

/// A running app; dropping it stops the server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    /// The first-run set-up code (the store had no users).
    pub setup_code: Option<String>,
    /// The app's clock: `clock.advance(..)` moves the server's "now".
    pub clock: Clock,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<anyhow::Result<()>>>,
    _sqlite_dir: Option<tempfile::TempDir>,
}

/// Starts the app on `127.0.0.1:0` with the database at `database_url`.
pub async fn spawn_app(database_url: &str) -> TestApp {
    match try_spawn_app(database_url, None).await {
        Ok(app) => app,
        Err(err) => panic!("cannot start the app on {database_url}: {err:#}"),
    }
}

/// Starts the app on a brand-new SQLite file in a temporary directory.
pub async fn spawn_sqlite_app() -> TestApp {
    let (dir, path) = crate::postgres::fresh_sqlite_path();
    let url = path.to_string_lossy().into_owned();
    match try_spawn_app(&url, Some(dir)).await {
        Ok(app) => app,
        Err(err) => panic!("cannot start the app on SQLite {url}: {err:#}"),
    }
}

/// Starts the app on a brand-new PostgreSQL database.
pub async fn spawn_postgres_app() -> TestApp {
    let url = crate::postgres::fresh_database().await;
    spawn_app(&url).await
}

async fn try_spawn_app(
    database_url: &str,
    dir: Option<tempfile::TempDir>,
) -> anyhow::Result<TestApp> {
    let config = Config {
        listen: "127.0.0.1:0".parse().context("loopback address")?,
        database_url: database_url.to_owned(),
        password_iterations: TEST_PASSWORD_ITERATIONS,
        ..Config::default()
    };
    let clock = Clock::system();
    let app = App::build_with_clock(&config, clock.clone()).await?;
    let address = app.base_url().to_owned();
    let setup_code = app.setup_code().map(str::to_owned);
    let (tx, rx) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run(async move {
        // A dropped sender stops the server too.
        let _stop = rx.await;
    }));
    Ok(TestApp {
        address,
        setup_code,
        clock,
        database_url: database_url.to_owned(),
        shutdown: Some(tx),
        server: Some(server),
        _sqlite_dir: dir,
    })
}

impl TestApp {
    /// The full URL of `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A client without a cookie jar: API calls carry bearer tokens.
    pub fn client(&self) -> reqwest::Client {
        reqwest::Client::new()
    }

    /// First-run set-up through the API; returns the session token.
    pub async fn set_up_committee(&self, username: &str) -> anyhow::Result<String> {
        let code = self
            .setup_code
            .clone()
            .context("this app has no set-up code")?;
        let reply = self
            .client()
            .post(self.url("/api/v1/setup"))
            .json(&json!({"code": code, "username": username, "password": TEST_PASSWORD}))
            .send()
            .await?;
        token_from(reply).await
    }

    /// Signs in through the API; returns the session token.
    pub async fn sign_in(&self, username: &str, password: &str) -> anyhow::Result<String> {
        let reply = self
            .client()
            .post(self.url("/api/v1/sessions"))
            .json(&json!({"username": username, "password": password}))
            .send()
            .await?;
        token_from(reply).await
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _already_stopped = tx.send(());
        }
        match self.server.take() {
            Some(handle) => handle.await.context("the server task panicked")?,
            None => Ok(()),
        }
    }
}

async fn token_from(reply: reqwest::Response) -> anyhow::Result<String> {
    let status = reply.status();
    let body: Value = reply.json().await.context("reading the reply")?;
    if status != reqwest::StatusCode::CREATED {
        bail!("expected 201, got {status}: {body}");
    }
    body["token"]
        .as_str()
        .map(str::to_owned)
        .with_context(|| format!("no token in {body}"))
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _already_stopped = tx.send(());
        }
    }
}

/// The `huanjie` binary, running.
pub struct RunningBinary {
    pub child: Child,
    /// From the "listening on" line.
    pub address: String,
    /// From the "First-run set-up" line, if printed.
    pub setup_code: Option<String>,
    /// Every stdout line read so far.
    pub stdout_lines: Vec<String>,
    stdout: Lines<BufReader<ChildStdout>>,
}

/// Runs `bin` with `args` and extra `envs` in `dir`, and reads its stdout
/// until it says where it listens (and, if it does, the set-up code). No
/// `HUANJIE_*` variable of the test's own environment leaks in; the logs
/// (stderr) go to `dir/huanjie-stderr.log`.
pub async fn spawn_binary(
    bin: &Path,
    args: &[&str],
    envs: &[(&str, &str)],
    dir: &Path,
) -> anyhow::Result<RunningBinary> {
    // Logs go to a file beside the data, named in every failure message.
    let log_path = dir.join("huanjie-stderr.log");
    let log = std::fs::File::create(&log_path)
        .with_context(|| format!("creating {}", log_path.display()))?;
    let mut command = Command::new(bin);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(log)
        .kill_on_drop(true);
    for (key, _) in std::env::vars() {
        if key.starts_with("HUANJIE_") {
            command.env_remove(key);
        }
    }
    command.envs(envs.iter().copied());
    let mut child = command
        .spawn()
        .with_context(|| format!("starting {}", bin.display()))?;
    let stdout = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut seen = Vec::new();
    let address = loop {
        let line = tokio::time::timeout(Duration::from_secs(60), lines.next_line())
            .await
            .with_context(|| {
                format!(
                    "no 'listening on' line within 60 s; saw {seen:?}; log: {}",
                    log_path.display()
                )
            })??
            .with_context(|| {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                format!("the binary exited early; it printed {seen:?} and logged:\n{log}")
            })?;
        seen.push(line.clone());
        if let Some(url) = line.strip_prefix("Huanjie is listening on ") {
            break url.trim().to_owned();
        }
    };
    // The set-up line, when there is one, is printed right after.
    let mut setup_code = None;
    if let Ok(Ok(Some(line))) =
        tokio::time::timeout(Duration::from_millis(1500), lines.next_line()).await
    {
        seen.push(line.clone());
        setup_code = line
            .split("enter code ")
            .nth(1)
            .map(|code| code.trim().to_owned());
    }
    Ok(RunningBinary {
        child,
        address,
        setup_code,
        stdout_lines: seen,
        stdout: lines,
    })
}

impl RunningBinary {
    /// Sends SIGTERM (what a service manager sends) and waits for the exit.
    pub async fn terminate(mut self) -> anyhow::Result<std::process::ExitStatus> {
        let pid = self.child.id().context("the binary already exited")?;
        let status = Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .await
            .context("running kill")?;
        if !status.success() {
            bail!("kill -TERM {pid} failed");
        }
        let exit = tokio::time::timeout(Duration::from_secs(30), self.child.wait())
            .await
            .context("the binary did not stop within 30 s of SIGTERM")??;
        // Drain what it printed on the way out.
        while let Ok(Some(line)) = self.stdout.next_line().await {
            self.stdout_lines.push(line);
        }
        Ok(exit)
    }
}

/// One call to the JSON API under `/api/v1` with a bearer token: the status
/// and the JSON body (`Null` when there is none).
pub async fn call(
    app: &TestApp,
    method: reqwest::Method,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> (reqwest::StatusCode, serde_json::Value) {
    let mut req = app
        .client()
        .request(method, app.url(&format!("/api/v1{path}")))
        .bearer_auth(token);
    if let Some(body) = body {
        req = req.json(&body);
    }
    match req.send().await {
        Ok(reply) => {
            let status = reply.status();
            (
                status,
                reply.json().await.unwrap_or(serde_json::Value::Null),
            )
        }
        Err(e) => panic!("{path}: the request failed: {e}"),
    }
}

/// Asserts `reply`'s status and gives its body.
#[track_caller]
pub fn ok(reply: &(reqwest::StatusCode, Value), status: reqwest::StatusCode) -> Value {
    assert_eq!(reply.0, status, "{}", reply.1);
    reply.1.clone()
}

/// Today in China (UTC+8): the day election dates are reckoned from.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// Asserts that `reply` is a refusal by a rule: its status, its rule id
/// and its code, with a message in both languages.
#[track_caller]
pub fn refused(
    reply: &(reqwest::StatusCode, serde_json::Value),
    status: reqwest::StatusCode,
    rule: &str,
    code: &str,
) {
    let (got, body) = reply;
    assert_eq!(*got, status, "{body}");
    assert_eq!(body["error"]["rule"], rule, "{body}");
    assert_eq!(body["error"]["code"], code, "{body}");
    let zh = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        !zh.is_empty() && body["error"]["message_en"].is_string(),
        "{body}"
    );
}
