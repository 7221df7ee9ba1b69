//! `huanjie ballots batches|print|pdf|preview`: ballot printing from the
//! command line, through the same code as the API (`huanjie_web::ballots`)
//! and on the server's database.
//!
//! - `print` records a new batch for a station (serials drawn and signed,
//!   manifest stored) and writes its PDF;
//! - `pdf` writes an existing batch's PDF again (the same serials);
//! - `batches` lists the manifests;
//! - `preview` writes a specimen (样票) whose serial is valid for no batch.
//!
//! A PDF is written to `FILE.part` and renamed when complete, so a file
//! with the final name is always whole; progress goes to stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use chrono::Utc;
use clap::{Parser, Subcommand};
use huanjie_store::{Election, Store};
use huanjie_web::ballots::{self, BatchRequest};

#[derive(Parser)]
pub struct Args {
    #[command(subcommand)]
    job: Job,
    /// The database (as for `huanjie serve`).
    #[arg(
        long,
        global = true,
        env = "HUANJIE_DATABASE_URL",
        default_value = ".huanjie/huanjie.db"
    )]
    database_url: String,
}

#[derive(Subcommand)]
enum Job {
    /// List the election's printed batches (manifests).
    Batches {
        #[arg(long)]
        election: uuid::Uuid,
    },
    /// Record a new batch for a polling station and write its PDF.
    Print {
        #[arg(long)]
        election: uuid::Uuid,
        /// The polling station or mobile box.
        #[arg(long)]
        station: String,
        /// How many ballots.
        #[arg(long)]
        count: u32,
        /// a4 or a3.
        #[arg(long, default_value = "a4")]
        paper: String,
        /// Who prints (recorded in the manifest).
        #[arg(long, default_value = "cli")]
        by: String,
        /// Where to write the PDF (default: ballots-batch-N.pdf).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write an existing batch's PDF again (the same serials).
    Pdf {
        #[arg(long)]
        election: uuid::Uuid,
        /// The batch's number.
        #[arg(long)]
        batch: u16,
        #[arg(long, default_value = "a4")]
        paper: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Write a specimen ballot (样票) to look at.
    Preview {
        #[arg(long)]
        election: uuid::Uuid,
        #[arg(long, default_value = "a4")]
        paper: String,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn run(args: Args) -> ExitCode {
    match job(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huanjie ballots: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn paper(text: &str) -> Result<huanjie_print::Paper> {
    huanjie_print::Paper::parse(text).with_context(|| format!("--paper {text:?}: must be a4 or a3"))
}

async fn election(store: &dyn Store, id: uuid::Uuid) -> Result<Election> {
    store
        .get_election(id)
        .await?
        .with_context(|| format!("no election with id {id}"))
}

fn job(args: Args) -> Result<()> {
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let store = huanjie_store::connect(&args.database_url)
            .await
            .with_context(|| format!("opening the database {}", args.database_url))?;
        match args.job {
            Job::Batches { election: id } => {
                let e = election(&*store, id).await?;
                println!("batch\tstation\tballots\tvoided\tprinted at\tby\tserials sha-256");
                for b in store.list_batches(e.id).await? {
                    println!(
                        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                        b.number,
                        b.station,
                        b.count,
                        b.voided,
                        b.printed_at.to_rfc3339(),
                        b.printed_by,
                        b.serials_sha256
                    );
                }
                Ok(())
            }
            Job::Print {
                election: id,
                station,
                count,
                paper: p,
                by,
                output,
            } => {
                let paper = paper(&p)?;
                let e = election(&*store, id).await?;
                // Refuse an unprintable layout before a batch is recorded.
                let layout = ballots::layout(&*store, &e, paper).await.map_err(refusal)?;
                let request = BatchRequest {
                    station,
                    count,
                    style: 1,
                    reprint_of: None,
                };
                let printed = ballots::print_batch(&*store, &e, &request, &by, Utc::now())
                    .await
                    .map_err(refusal)?;
                let b = &printed.batch;
                eprintln!(
                    "batch {} for {}: {} ballots recorded (serials sha-256 {})",
                    b.number, b.station, b.count, b.serials_sha256
                );
                let path = output
                    .unwrap_or_else(|| PathBuf::from(format!("ballots-batch-{}.pdf", b.number)));
                write_pdf(&path, layout, printed.serials)
            }
            Job::Pdf {
                election: id,
                batch,
                paper: p,
                output,
            } => {
                let paper = paper(&p)?;
                let e = election(&*store, id).await?;
                let Some(b) = store
                    .list_batches(e.id)
                    .await?
                    .into_iter()
                    .find(|b| b.number == batch)
                else {
                    bail!("the election has no batch {batch}");
                };
                let layout = ballots::layout(&*store, &e, paper).await.map_err(refusal)?;
                let serials = ballots::batch_serials(&*store, &e, &b)
                    .await
                    .map_err(refusal)?;
                let path =
                    output.unwrap_or_else(|| PathBuf::from(format!("ballots-batch-{batch}.pdf")));
                write_pdf(&path, layout, serials)
            }
            Job::Preview {
                election: id,
                paper: p,
                output,
            } => {
                let e = election(&*store, id).await?;
                let pdf = ballots::preview(&*store, &e, paper(&p)?)
                    .await
                    .map_err(refusal)?;
                let path = output.unwrap_or_else(|| PathBuf::from("ballot-specimen.pdf"));
                std::fs::write(&path, &pdf)
                    .with_context(|| format!("writing {}", path.display()))?;
                println!("{} ({} bytes)", path.display(), pdf.len());
                Ok(())
            }
        }
    })
}

/// Writes the ballots to `path` by way of `path.part`, showing progress.
fn write_pdf(
    path: &Path,
    layout: huanjie_print::BallotLayout,
    serials: Vec<huanjie_core::serial::SignedSerial>,
) -> Result<()> {
    let fonts = huanjie_print::FontSet::locate().context("loading the fonts")?;
    let total = serials.len();
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    let file =
        std::fs::File::create(&part).with_context(|| format!("creating {}", part.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let written = huanjie_print::write_ballots(&fonts, &layout, serials, &mut out, |n| {
        eprint!("\rprinting 印制中 {n} / {total}");
    });
    eprintln!();
    let finished = written
        .map_err(anyhow::Error::from)
        .and_then(|pages| Ok(out.flush().map(|()| pages)?));
    match finished {
        Ok(pages) => {
            drop(out);
            std::fs::rename(&part, path)
                .with_context(|| format!("renaming {} to {}", part.display(), path.display()))?;
            let bytes = std::fs::metadata(path)?.len();
            println!("{} ({pages} ballots, {bytes} bytes)", path.display());
            Ok(())
        }
        Err(e) => {
            drop(out);
            let _ = std::fs::remove_file(&part);
            Err(e.context(format!("writing {}", path.display())))
        }
    }
}

/// A refusal in plain words, both languages, with its rule id.
fn refusal(e: huanjie_web::error::HttpError) -> anyhow::Error {
    super::notice::refusal(e)
}
