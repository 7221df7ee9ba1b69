//! Starting and stopping the server.
//!
//! [`App::build`] opens the database (the store creates a SQLite file and
//! its folder on first run), binds the address (port 0 picks a free one)
//! and, when nobody has an account yet, makes a one-time set-up code and
//! stores only its hash. [`App::run`] prints where to go, then serves until
//! the shutdown future completes, letting requests in flight finish.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use huanjie_store::Store;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::routes::router;
use crate::secrets;
use crate::state::{AppState, Settings};

/// A bound, not yet serving, server.
pub struct App {
    listener: TcpListener,
    local_addr: SocketAddr,
    state: AppState,
    base_url: String,
    setup_code: Option<String>,
}

impl App {
    /// Opens the configured database and binds the configured address.
    pub async fn build(config: &Config) -> anyhow::Result<App> {
        App::build_with_clock(config, Clock::system()).await
    }

    /// As [`App::build`], with a clock the caller can move (tests of expiry).
    pub async fn build_with_clock(config: &Config, clock: Clock) -> anyhow::Result<App> {
        let store = huanjie_store::connect(&config.database_url)
            .await
            .with_context(|| format!("opening the database {}", redact(&config.database_url)))?;
        App::with_store(config, store, clock).await
    }

    /// Binds and prepares an app on an already opened store.
    pub async fn with_store(
        config: &Config,
        store: Arc<dyn Store>,
        clock: Clock,
    ) -> anyhow::Result<App> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("binding {}", config.listen))?;
        let local_addr = listener.local_addr().context("reading the bound address")?;
        let state = AppState::new(store, clock, Settings::from_config(config)?)?;
        let base_url = match &config.public_url {
            Some(url) => url.clone(),
            None => browsable_url(local_addr),
        };
        let setup_code = first_run_code(&state).await?;
        Ok(App {
            listener,
            local_addr,
            state,
            base_url,
            setup_code,
        })
    }

    /// The address actually bound (the real port when 0 was asked for).
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Where people reach the app, e.g. `http://127.0.0.1:8080`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The set-up code, when the store had no users at start-up.
    pub fn setup_code(&self) -> Option<&str> {
        self.setup_code.as_deref()
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Announces the address (and the set-up code, once) and serves until
    /// `shutdown` completes.
    pub async fn run(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        tracing::info!(address = %self.local_addr, backend = self.state.store.backend(), "listening");
        println!("Huanjie is listening on {}", self.base_url);
        if let Some(code) = &self.setup_code {
            println!(
                "First-run set-up: open {}/setup and enter code {code}",
                self.base_url
            );
        }
        // Live count streams never end by themselves: close them when
        // stopping, or the graceful shutdown would wait for them.
        let boards = self.state.boards.clone();
        let shutdown = async move {
            shutdown.await;
            boards.close();
        };
        axum::serve(self.listener, router(self.state))
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving HTTP")?;
        tracing::info!("stopped");
        Ok(())
    }
}

/// `huanjie serve`: build and run until `shutdown`.
pub async fn serve(
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    App::build(&config).await?.run(shutdown).await
}

/// Completes on Ctrl-C or, on Unix, SIGTERM (what service managers send).
///
/// The handlers are registered here, when this is called, not when the
/// returned future is first polled: the server announces it is listening
/// before it polls its shutdown future, and a SIGTERM arriving in between
/// would otherwise hit the default action and kill the process mid-start.
/// Must be called inside the tokio runtime.
#[cfg(unix)]
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut interrupt = signal(SignalKind::interrupt()).context("listening for Ctrl-C")?;
    let mut terminate = signal(SignalKind::terminate()).context("listening for SIGTERM")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

/// Completes on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> anyhow::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        if let Err(err) = tokio::signal::ctrl_c().await {
            tracing::error!(error = %err, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
        tracing::info!("shutting down: finishing requests in flight");
    })
}

/// A new set-up code when nobody has an account; each start replaces the
/// previous code, so only the one printed last works.
async fn first_run_code(state: &AppState) -> anyhow::Result<Option<String>> {
    if state.store.count_users().await.context("counting users")? > 0 {
        return Ok(None);
    }
    let code = secrets::new_setup_code(&state.rng)
        .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
    state
        .store
        .put_setup_code(code.hash, state.clock.now())
        .await
        .context("storing the set-up code")?;
    Ok(Some(code.plain))
}

/// A wildcard bind (0.0.0.0) is reachable at loopback on this machine.
fn browsable_url(addr: SocketAddr) -> String {
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_owned(),
        ip if ip.is_unspecified() => "[::1]".to_owned(),
        std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        std::net::IpAddr::V4(ip) => ip.to_string(),
    };
    format!("http://{host}:{}", addr.port())
}

/// The URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme_end + 3], user, &url[at..])
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://app:s3cret@localhost/db"),
            "postgres://app:***@localhost/db"
        );
        assert_eq!(redact("x.db"), "x.db");
    }

    #[test]
    fn wildcard_binds_browse_at_loopback() {
        assert_eq!(
            browsable_url("0.0.0.0:80".parse().unwrap()),
            "http://127.0.0.1:80"
        );
        assert_eq!(
            browsable_url("127.0.0.1:8080".parse().unwrap()),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            browsable_url("[::1]:8080".parse().unwrap()),
            "http://[::1]:8080"
        );
    }
}
