//! `huanjie serve`: the web app and JSON API.
//!
//! Everything the election committee, polling-station clerks and observers
//! do over HTTP goes through this crate. It owns no data: every read and
//! write goes through the storage port ([`huanjie_store::Store`]), so the
//! same app runs on SQLite (one community, one laptop) or PostgreSQL (a
//! city-wide server) without a line of difference here.
//!
//! Layout, one concern per module:
//! - [`config`]: flags > environment > TOML file > defaults.
//! - [`server`]: binding, first-run set-up code, graceful shutdown.
//! - [`routes`]: the one router: JSON API under `/api/v1`, pages, assets.
//! - [`auth`]: who is asking (session or station token) and what they may do.
//! - [`password`], [`secrets`]: PBKDF2 hashes, random tokens and their hashes.
//! - [`elections`]: validation of a new election, shared by API and form.
//! - [`error`]: the one HTTP error type and its JSON / page rendering.
//! - [`i18n`]: the message table (Chinese and English side by side).
//! - [`demo`]: `huanjie demo`, a seeded database to click through.
//! - [`roll`]: importing a resident roll (shared by API, page and CLI).

pub mod accounts;
pub mod api;
pub mod assets;
pub mod audit;
pub mod auth;
pub mod ballots;
pub mod certification;
pub mod clock;
pub mod config;
pub mod count_board;
pub mod demo;
pub mod documents;
pub mod elections;
pub mod error;
pub mod homeowners;
pub mod i18n;
pub mod launch;
pub mod nomination;
pub mod notices;
pub mod observers;
pub mod omr_upload;
pub mod pages;
pub mod password;
pub mod pdf;
pub mod polling;
pub mod print_jobs;
pub mod profiles;
pub mod reconciliation;
pub mod registration;
pub mod roll;
pub mod rounds;
pub mod routes;
pub mod sampling;
pub mod scan_service;
pub mod secrets;
pub mod server;
pub mod state;
pub mod tally;
pub mod term;

pub use clock::Clock;
pub use config::{Config, PartialConfig};
pub use demo::{run_demo, DemoOptions};
pub use routes::router;
pub use server::{serve, shutdown_signal, App};
pub use state::AppState;
