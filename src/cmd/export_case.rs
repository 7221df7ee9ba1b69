//! `huanjie export-case --election ID [-o FILE]`: writes the round's
//! counting case (`huanjie.case/1`, the open recount format of
//! `../shared/spec/counting-case.md`) from the server's database, through
//! the same code as `GET /api/v1/elections/{id}/case`: every station
//! closed, no ballot waiting for a person, ballots in a keyed-hash order
//! that reveals no scanning order. `huanjie count FILE` recounts it.
//!
//! The file is written to `FILE.part` and renamed when complete.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

#[derive(Parser)]
pub struct Args {
    #[arg(long)]
    election: uuid::Uuid,
    /// Where to write the case (default: stdout).
    #[arg(long, short)]
    output: Option<PathBuf>,
    /// The database (as for `huanjie serve`).
    #[arg(
        long,
        env = "HUANJIE_DATABASE_URL",
        default_value = ".huanjie/huanjie.db"
    )]
    database_url: String,
}

pub fn run(args: Args) -> ExitCode {
    match export(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huanjie export-case: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn export(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let case = runtime.block_on(async {
        let store = huanjie_store::connect(&args.database_url)
            .await
            .with_context(|| format!("opening the database {}", args.database_url))?;
        let election = store
            .get_election(args.election)
            .await?
            .with_context(|| format!("no election with id {}", args.election))?;
        let key = store
            .find_ballot_key(election.id)
            .await?
            .context("no ballots were printed for this election: there is nothing to count")?;
        huanjie_web::tally::case_json(&*store, &election, &key.0)
            .await
            .map_err(super::notice::refusal)
    })?;
    match args.output {
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(case.as_bytes())
                .context("writing the case to stdout")
        }
        Some(path) => {
            let part = path.with_extension("part");
            std::fs::write(&part, case.as_bytes())
                .with_context(|| format!("writing {}", part.display()))?;
            std::fs::rename(&part, &path)
                .with_context(|| format!("renaming {} to {}", part.display(), path.display()))?;
            eprintln!("wrote {}", path.display());
            Ok(())
        }
    }
}
