//! `huanjie notice KIND --election ID [-o FILE]`: prints one of the
//! statutory notices of nomination as a PDF from the server's database,
//! as `GET /api/v1/elections/{id}/notices/{kind}` does (the same code).
//! Kinds: election-committee, nominations, initial-candidates,
//! formal-candidates, counting-staff, polling-stations, invalid-ballot-rules.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::Parser;

#[derive(Parser)]
pub struct Args {
    /// Which notice (election-committee, nominations, initial-candidates,
    /// formal-candidates, counting-staff, polling-stations, invalid-ballot-rules).
    kind: String,
    /// The election's id.
    #[arg(long)]
    election: uuid::Uuid,
    /// Where to write the PDF (default: KIND.pdf in the current directory).
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
    match job(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huanjie notice: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn job(args: Args) -> Result<()> {
    if !huanjie_web::notices::KINDS.contains(&args.kind.as_str()) {
        bail!(
            "no notice {:?}; one of: {}",
            args.kind,
            huanjie_web::notices::KINDS.join(", ")
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let pdf = runtime.block_on(async {
        let store = huanjie_store::connect(&args.database_url)
            .await
            .with_context(|| format!("opening the database {}", args.database_url))?;
        let Some(election) = store.get_election(args.election).await? else {
            bail!("no election with id {}", args.election);
        };
        let (announcement, serves) =
            huanjie_web::notices::announcement(&*store, &election, &args.kind, Utc::now())
                .await
                .map_err(refusal)?;
        huanjie_web::notices::render(&announcement, serves).map_err(refusal)
    })?;
    let path = args
        .output
        .unwrap_or_else(|| PathBuf::from(format!("{}.pdf", args.kind)));
    std::fs::write(&path, &pdf).with_context(|| format!("writing {}", path.display()))?;
    println!("{} ({} bytes)", path.display(), pdf.len());
    Ok(())
}

/// A refusal in plain words, both languages, with its rule id.
pub(crate) fn refusal(e: huanjie_web::error::HttpError) -> anyhow::Error {
    let m = e.message();
    match &e {
        huanjie_web::error::HttpError::Rule(r) => {
            anyhow::anyhow!("{}: {} / {}", r.rule, m.zh, m.en)
        }
        _ => anyhow::anyhow!("{} / {}", m.zh, m.en),
    }
}
