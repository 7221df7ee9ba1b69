//! `huanjie`: the one binary. `serve` runs the web app and JSON API; the
//! other subcommands are the offline jobs.

mod cmd;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "huanjie",
    version,
    about = "换届 — committee elections from the voter roll to the certified result"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Recount a counting case (huanjie.case/1) and print the result JSON.
    Count(cmd::count::Args),
    /// Measure a speed target and print the figures.
    Bench(cmd::bench::Args),
    /// List jurisdiction profiles, or show one (built in or from a file).
    Profile(cmd::profile::Args),
    /// The resident roll: template, generate, check, import.
    Roll(cmd::roll::Args),
    /// Print ballots: record a station's batch and write its PDF, write a
    /// batch again, list batches, or write a specimen.
    Ballots(cmd::ballots::Args),
    /// Print a statutory notice of nomination (formal candidates, …) as a PDF.
    Notice(cmd::notice::Args),
    /// Run the web app and JSON API (flags, HUANJIE_* environment, or --config FILE).
    Serve(cmd::serve::Args),
    /// Write a round's counting case (huanjie.case/1) from the database, to
    /// recount with `huanjie count`.
    ExportCase(cmd::export_case::Args),
    /// Serve a seeded demo database (.huanjie/demo.db) on 127.0.0.1:8080.
    Demo(cmd::demo::Args),
    /// Write a certified election's verification bundle (the public key,
    /// the signed result, the counting case, the audit log and its
    /// checkpoints) from the database, for `huanjie verify`.
    ExportBundle(cmd::export_bundle::Args),
    /// Check a verification bundle offline: the audit chain and its signed
    /// checkpoints, the recount, the signed result; every check listed.
    Verify(cmd::verify::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Count(args) => cmd::count::run(args),
        Command::Bench(args) => cmd::bench::run(args),
        Command::Profile(args) => cmd::profile::run(args),
        Command::Roll(args) => cmd::roll::run(args),
        Command::Ballots(args) => cmd::ballots::run(args),
        Command::Notice(args) => cmd::notice::run(args),
        Command::Serve(args) => cmd::serve::run(args),
        Command::Demo(args) => cmd::demo::run(args),
        Command::ExportCase(args) => cmd::export_case::run(args),
        Command::ExportBundle(args) => cmd::export_bundle::run(args),
        Command::Verify(args) => cmd::verify::run(args),
    }
}
