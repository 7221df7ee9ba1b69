//! `huanjie roll`: the resident roll from the command line.
//!
//! - `template [--xlsx]`: the template file committees fill in;
//! - `generate`: a realistic, seeded roll (households, groups, children,
//!   residents registered elsewhere, non-registered residents) for tests,
//!   demos and benchmarks;
//! - `check FILE --election-day D`: the import report without a database;
//! - `import FILE --election ID`: import into the server's database, all or
//!   nothing, exactly as the web page and the API do.

use anyhow::{bail, Context, Result};
use chrono::{NaiveDate, Utc};
use huanjie_core::profile::{Profile, DEFAULT_PROFILE_ID};
use huanjie_registration::{check_roll, generate_roll_csv, read_roll, Encoding};
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    job: Job,
}

#[derive(clap::Subcommand)]
enum Job {
    /// Write the roll template (CSV, or Excel with a notes sheet).
    Template {
        /// Excel workbook instead of CSV.
        #[arg(long)]
        xlsx: bool,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Write a realistic, seeded roll as CSV.
    Generate {
        /// Residents (rows).
        #[arg(long, default_value_t = 5000)]
        residents: usize,
        /// The same seed writes the same roll.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Election day the ages are planned around (YYYY-MM-DD).
        #[arg(long, default_value = "2026-12-20")]
        election_day: NaiveDate,
        /// GBK/GB18030 as Excel in China writes it, instead of UTF-8.
        #[arg(long)]
        gbk: bool,
        /// Output file (default: standard output).
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Check a roll against the rules and print the report (JSON); writes
    /// nothing. Exit 0 when accepted, 3 when refused.
    Check {
        file: PathBuf,
        /// Election day (YYYY-MM-DD).
        #[arg(long)]
        election_day: NaiveDate,
        /// Profile id.
        #[arg(long, default_value = DEFAULT_PROFILE_ID)]
        profile: String,
    },
    /// Import a roll into an election (all or nothing). Exit 0 when
    /// imported (or, with --dry-run, when it would be), 3 when refused.
    Import {
        file: PathBuf,
        /// The election's id.
        #[arg(long)]
        election: uuid::Uuid,
        /// Check only; write nothing.
        #[arg(long)]
        dry_run: bool,
        /// The database (as for `huanjie serve`).
        #[arg(
            long,
            env = "HUANJIE_DATABASE_URL",
            default_value = ".huanjie/huanjie.db"
        )]
        database_url: String,
    },
}

pub fn run(args: Args) -> ExitCode {
    match job(args.job) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("huanjie roll: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn write_out(output: Option<PathBuf>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(bytes)
                .and_then(|()| out.flush())
                .context("writing to standard output")
        }
    }
}

fn job(job: Job) -> Result<ExitCode> {
    match job {
        Job::Template { xlsx, output } => {
            let bytes = if xlsx {
                huanjie_registration::template_xlsx()
            } else {
                huanjie_registration::template_csv()
            };
            write_out(output, &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Job::Generate {
            residents,
            seed,
            election_day,
            gbk,
            output,
        } => {
            let encoding = if gbk {
                Encoding::Gb18030
            } else {
                Encoding::Utf8
            };
            write_out(
                output,
                &generate_roll_csv(seed, residents, election_day, encoding),
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Job::Check {
            file,
            election_day,
            profile,
        } => {
            let Some(profile) = Profile::builtin(&profile) else {
                bail!("unknown profile {profile:?}");
            };
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let (accepted, json) = match read_roll(&bytes) {
                Ok(roll) => {
                    let summary =
                        check_roll(&roll, election_day, &profile.registration).summary(20);
                    (summary.accepted, serde_json::to_string_pretty(&summary)?)
                }
                Err(e) => (
                    false,
                    serde_json::to_string_pretty(&serde_json::json!({
                        "accepted": false,
                        "file_error": { "message": e.message_zh(), "message_en": e.message_en() },
                    }))?,
                ),
            };
            write_out(None, format!("{json}\n").as_bytes())?;
            Ok(if accepted {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(3)
            })
        }
        Job::Import {
            file,
            election,
            dry_run,
            database_url,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            runtime.block_on(async {
                let store = huanjie_store::connect(&database_url)
                    .await
                    .with_context(|| format!("opening the database {database_url}"))?;
                let Some(election) = store.get_election(election).await? else {
                    bail!("no election with id {election}");
                };
                let outcome =
                    huanjie_web::roll::import(&*store, &election, bytes, dry_run, Utc::now())
                        .await?;
                write_out(
                    None,
                    format!("{}\n", serde_json::to_string_pretty(&outcome)?).as_bytes(),
                )?;
                Ok(if outcome.accepted {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::from(3)
                })
            })
        }
    }
}
