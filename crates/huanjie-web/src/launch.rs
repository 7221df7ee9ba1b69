//! Blocking entry points for the binary: logging, a runtime, and a signal
//! to stop on. They live here so the binary's subcommands stay a page of
//! flag parsing and the binary needs no runtime or logging crates itself.

use std::future::Future;

use anyhow::Context;
use tracing_subscriber::EnvFilter;

use crate::config::Config;
use crate::demo::{run_demo, DemoOptions};
use crate::server::{serve, shutdown_signal};

/// Logs to stderr (stdout carries the address and the set-up code).
/// `RUST_LOG` filters, e.g. `RUST_LOG=debug` or `RUST_LOG=tower_http=debug`;
/// the default is `info`. A second call is a no-op.
pub fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Err only means a subscriber is already set (tests, a second command).
    let _already_set = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colours only for a person at a terminal, not in log files.
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

fn block_on<F: Future<Output = anyhow::Result<()>>>(work: F) -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(work)
}

/// `huanjie serve`: serves until Ctrl-C or SIGTERM.
pub fn serve_blocking(config: Config) -> anyhow::Result<()> {
    block_on(async { serve(config, shutdown_signal()?).await })
}

/// `huanjie demo`: seeds if needed, serves until Ctrl-C or SIGTERM.
pub fn demo_blocking(options: DemoOptions) -> anyhow::Result<()> {
    block_on(async { run_demo(options, shutdown_signal()?).await })
}
