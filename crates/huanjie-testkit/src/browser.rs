//! Headless Chromium for the browser suites, driven over WebDriver.
//!
//! [`Browser::start`] runs Debian's `chromedriver` on a free loopback port
//! and opens a session in Debian's `chromium` with a fresh profile
//! ([`Browser::start_with_args`] adds Chromium flags, such as a fake
//! camera). The
//! flags matter on this network: without the background-networking ones
//! Chromium keeps dialling Google's hosts, which the closed network refuses
//! many times a second. If either program is missing the browser suites
//! fail (never skip) and say how to install them.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context};
use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{json, Map, Value};
use tokio::process::{Child, Command};

/// What to run when Chromium or ChromeDriver is missing.
pub const ENSURE_SCRIPT: &str = "scripts/ensure-chromium.sh";
/// Where Debian's `chromium` package puts the browser.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// Where Debian's `chromium-driver` package puts the driver.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The window a page is shown in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
    /// Device pixels per CSS pixel (2 for a phone: sharper screenshots).
    pub pixel_ratio: f64,
    /// Emulate a touch phone (mobile viewport rules apply).
    pub mobile: bool,
}

impl Viewport {
    /// A common phone: 390×844 CSS pixels at 2×.
    pub const PHONE: Viewport = Viewport {
        width: 390,
        height: 844,
        pixel_ratio: 2.0,
        mobile: true,
    };
    /// A laptop window.
    pub const DESKTOP: Viewport = Viewport {
        width: 1280,
        height: 900,
        pixel_ratio: 1.0,
        mobile: false,
    };
}

/// A WebDriver session in headless Chromium; call [`Browser::close`] at the
/// end (dropping it kills the driver and the browser it started).
pub struct Browser {
    pub client: Client,
    driver: Child,
    driver_pid: Option<u32>,
    profile: tempfile::TempDir,
}

fn require(path: &str) -> anyhow::Result<PathBuf> {
    let p = Path::new(path);
    if p.exists() {
        Ok(p.to_owned())
    } else {
        bail!("{path} is missing: run {ENSURE_SCRIPT} (as root) to install Debian's chromium and chromium-driver")
    }
}

/// A port nobody is listening on right now.
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").context("binding a probe socket")?;
    Ok(listener.local_addr()?.port())
}

impl Browser {
    /// Starts chromedriver and a headless Chromium session at `viewport`.
    pub async fn start(viewport: Viewport) -> anyhow::Result<Browser> {
        Browser::start_with_args(viewport, &[]).await
    }

    /// As [`Browser::start`], with more Chromium flags after the usual
    /// ones: e.g. a fake camera playing a file
    /// (`--use-fake-device-for-media-stream`,
    /// `--use-fake-ui-for-media-stream`,
    /// `--use-file-for-fake-video-capture=…`).
    pub async fn start_with_args(viewport: Viewport, extra: &[&str]) -> anyhow::Result<Browser> {
        let chromium = require(CHROMIUM)?;
        let chromedriver = require(CHROMEDRIVER)?;
        let profile = tempfile::Builder::new()
            .prefix("huanjie-chromium-")
            .tempdir()
            .context("creating a Chromium profile directory")?;
        let port = free_port()?;
        let log = profile.path().join("chromedriver.log");
        let driver = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            // Its own process group, so the browser it starts can be
            // stopped with it even if the test never reaches `close`.
            .process_group(0)
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {}", chromedriver.display()))?;
        let driver_pid = driver.id();
        let mut browser_guard = DriverGuard(Some((driver, driver_pid)));
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_for_port(port, Duration::from_secs(30))
            .await
            .with_context(|| {
                format!(
                    "chromedriver did not open port {port}; see {}",
                    log.display()
                )
            })?;

        let user_data = profile.path().join("user-data");
        let mut args = vec![
            "--headless".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            format!("--user-data-dir={}", user_data.display()),
            format!("--window-size={},{}", viewport.width, viewport.height),
        ];
        // Chinese first, as the people using the app would have it.
        args.push("--lang=zh-CN".to_owned());
        args.extend(extra.iter().map(|a| (*a).to_owned()));
        let mut chrome_options = json!({
            "binary": chromium.to_string_lossy(),
            "args": args,
        });
        if viewport.mobile {
            chrome_options["mobileEmulation"] = json!({
                "deviceMetrics": {
                    "width": viewport.width,
                    "height": viewport.height,
                    "pixelRatio": viewport.pixel_ratio,
                    "touch": true,
                    "mobile": true,
                }
            });
        }
        let mut caps = Map::new();
        caps.insert("browserName".into(), Value::String("chrome".into()));
        caps.insert("goog:chromeOptions".into(), chrome_options);
        let client = ClientBuilder::new(HttpConnector::new())
            .capabilities(caps)
            .connect(&webdriver)
            .await
            .with_context(|| format!("opening a Chromium session; see {}", log.display()))?;
        let (driver, driver_pid) = browser_guard.0.take().context("driver guard")?;
        Ok(Browser {
            client,
            driver,
            driver_pid,
            profile,
        })
    }

    /// Saves a PNG of the visible page.
    pub async fn screenshot(&self, path: &Path) -> anyhow::Result<()> {
        let png = self
            .client
            .screenshot()
            .await
            .context("taking a screenshot")?;
        std::fs::write(path, png).with_context(|| format!("writing {}", path.display()))
    }

    /// The profile directory (chromedriver's log is in it).
    pub fn profile_dir(&self) -> &Path {
        self.profile.path()
    }

    /// Ends the session (Chromium exits) and stops chromedriver.
    pub async fn close(mut self) -> anyhow::Result<()> {
        let client = self.client.clone();
        client
            .close()
            .await
            .context("ending the WebDriver session")?;
        self.driver.kill().await.context("stopping chromedriver")?;
        self.driver_pid = None;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        kill_group(self.driver_pid.take());
    }
}

/// Kills chromedriver's process group if `start` fails half-way.
struct DriverGuard(Option<(Child, Option<u32>)>);

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some((_child, pid)) = self.0.take() {
            kill_group(pid);
        }
    }
}

/// SIGKILL to the process group led by `pid` (chromedriver and the
/// Chromium it started): only processes this module started.
fn kill_group(pid: Option<u32>) {
    if let Some(pid) = pid {
        let _best_effort = std::process::Command::new("kill")
            .args(["-KILL", "--", &format!("-{pid}")])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

async fn wait_for_port(port: u16, within: Duration) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!("nothing listening on 127.0.0.1:{port} after {within:?}");
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Page helpers for the browser suites. Each one panics with what it was
/// waiting for: they are assertions, for tests only.
pub mod page {
    #![allow(clippy::unwrap_used)]

    use fantoccini::{Client, Locator};
    use std::time::Duration;

    /// Waits until the page's path satisfies `ok`, after a click that navigates.
    pub async fn wait_for_path(c: &Client, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        loop {
            let url = c.current_url().await.unwrap();
            if ok(url.path()) {
                return url.path().to_owned();
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never reached {what}; at {url}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn text_of(c: &Client, css: &str) -> String {
        c.wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .text()
            .await
            .unwrap()
    }

    pub async fn type_into(c: &Client, css: &str, text: &str) {
        let field = c
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks something that loads a new page, and waits until the old page is
    /// gone (its root element goes stale), so the next look is at the new one.
    pub async fn submit(c: &Client, css: &str) {
        let old = c.find(Locator::Css("html")).await.unwrap();
        click(c, css).await;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(15);
        while old.tag_name().await.is_ok() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "{css} did not load a new page"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // The old page is gone; wait until the new one has finished loading,
        // so that a lookup does not race the document being replaced.
        loop {
            let state = c.execute("return document.readyState", vec![]).await;
            if matches!(
                state.as_ref().ok().and_then(|v| v.as_str()),
                Some("complete")
            ) {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "the page after {css} never finished loading: {state:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn click(c: &Client, css: &str) {
        c.find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no {css}: {e}"))
            .click()
            .await
            .unwrap();
    }
}

pub use page::{click, submit, text_of, type_into, wait_for_path};
