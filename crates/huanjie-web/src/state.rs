//! What every handler shares: the store, the clock, the settings and the
//! random source.

use std::num::NonZeroU32;
use std::sync::Arc;

use anyhow::Context;
use huanjie_store::{Store, User};
use ring::rand::SystemRandom;

use crate::clock::Clock;
use crate::config::Config;
use crate::error::HttpError;
use crate::password;

/// The settings handlers need, taken from [`Config`] once at start-up.
#[derive(Debug, Clone)]
pub struct Settings {
    pub session_ttl: chrono::Duration,
    pub station_token_hours: u32,
    pub secure_cookies: bool,
    pub password_iterations: NonZeroU32,
}

impl Settings {
    pub fn from_config(config: &Config) -> anyhow::Result<Settings> {
        Ok(Settings {
            session_ttl: chrono::Duration::hours(i64::from(config.session_hours)),
            station_token_hours: config.station_token_hours,
            secure_cookies: config.secure_cookies,
            password_iterations: NonZeroU32::new(config.password_iterations)
                .context("password_iterations must be at least 1")?,
        })
    }
}

/// Cheap to clone: everything inside is shared.
#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Store>,
    pub clock: Clock,
    pub settings: Arc<Settings>,
    pub rng: SystemRandom,
    /// Ballot printing jobs running or finished in this process.
    pub print_jobs: Arc<crate::print_jobs::PrintJobs>,
    /// Counting ballots: the group-commit writer and cached contexts.
    pub scans: Arc<crate::scan_service::ScanService>,
    /// The live count boards of this process.
    pub boards: Arc<crate::count_board::CountBoards>,
    /// The audit log's group-commit writer and checkpointer.
    pub audit: Arc<crate::audit::AuditLog>,
    /// A hash of nothing in particular, verified against when the username
    /// is unknown so that a failed sign-in takes as long either way.
    dummy_password_hash: Arc<str>,
}

impl AppState {
    pub fn new(store: Arc<dyn Store>, clock: Clock, settings: Settings) -> anyhow::Result<Self> {
        let rng = SystemRandom::new();
        let dummy = password::hash_password(&rng, "no such user", settings.password_iterations)
            .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
        let scans_store = store.clone();
        let boards = Arc::new(crate::count_board::CountBoards::new(store.clone()));
        let audit = Arc::new(crate::audit::AuditLog::new(
            store.clone(),
            rng.clone(),
            clock.clone(),
        ));
        Ok(AppState {
            store,
            clock,
            settings: Arc::new(settings),
            rng,
            print_jobs: Arc::default(),
            scans: Arc::new(crate::scan_service::ScanService::new(scans_store)),
            boards,
            audit,
            dummy_password_hash: dummy.into(),
        })
    }

    /// Hashes a new password off the async threads (PBKDF2 is slow on purpose).
    pub async fn hash_password(&self, password: String) -> Result<String, HttpError> {
        let rng = self.rng.clone();
        let iterations = self.settings.password_iterations;
        tokio::task::spawn_blocking(move || password::hash_password(&rng, &password, iterations))
            .await
            .context("password hashing task")?
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the system random source failed")))
    }

    /// Checks a password against `user`, or against a dummy hash when there
    /// is no such user, so both failures cost the same time.
    pub async fn verify_password(
        &self,
        user: Option<&User>,
        password: String,
    ) -> Result<bool, HttpError> {
        let exists = user.is_some();
        let stored: Arc<str> = match user {
            Some(u) => u.password_hash.as_str().into(),
            None => self.dummy_password_hash.clone(),
        };
        let matches =
            tokio::task::spawn_blocking(move || password::verify_password(&stored, &password))
                .await
                .context("password verification task")?;
        Ok(exists && matches)
    }
}
