//! `huanjie export-bundle --election ID -o DIR`: writes the verification
//! bundle of a certified election (`docs/verify-bundle.md`) from the
//! server's database: the five files an observer can download from the
//! API, byte for byte as the API serves them, for `huanjie verify DIR`.
//!
//! The checkpoints are read before the log's entries, so every checkpoint
//! written falls within the log written. The files are written into
//! `DIR.part`, which is renamed to `DIR` when complete; an existing,
//! non-empty `DIR` is refused. Like `huanjie export-case`, reading the
//! database this way is not itself an entry of the audit log (only the
//! server writes the log).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};
use clap::Parser;
use huanjie_case::bundle::files::{self, AuditFile, CheckpointsFile, PublicKeyFile};
use huanjie_store::MAX_AUDIT_PAGE;

#[derive(Parser)]
pub struct Args {
    #[arg(long)]
    election: uuid::Uuid,
    /// The bundle directory to write (must not exist, or be empty).
    #[arg(long, short)]
    output: PathBuf,
    /// The database (as for `huanjie serve`).
    #[arg(
        long,
        env = "HUANJIE_DATABASE_URL",
        default_value = ".huanjie/huanjie.db"
    )]
    database_url: String,
}

pub fn run(args: Args) -> ExitCode {
    match export(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("huanjie export-bundle: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn export(args: &Args) -> Result<()> {
    if args.output.exists()
        && std::fs::read_dir(&args.output)
            .with_context(|| format!("reading {}", args.output.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} exists and is not empty; choose a new directory",
            args.output.display()
        );
    }
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    let bundle = runtime.block_on(read(args))?;
    write(&args.output, &bundle)
}

/// The five files, by name.
type Files = Vec<(&'static str, Vec<u8>)>;

async fn read(args: &Args) -> Result<Files> {
    let store = huanjie_store::connect(&args.database_url)
        .await
        .with_context(|| format!("opening the database {}", args.database_url))?;
    let store = &*store;
    let election = store
        .get_election(args.election)
        .await?
        .with_context(|| format!("no election with id {}", args.election))?;
    let round = election
        .round
        .as_ref()
        .map_or("general", |r| r.kind.as_str());
    let certification = store
        .certifications(election.id)
        .await?
        .into_iter()
        .find(|c| c.round == round)
        .with_context(|| {
            format!(
                "{}: 本轮选举结果尚未确认，没有可核验的签名结果 / this round is not certified: there is no signed result to verify",
                huanjie_core::rule::CERT_1
            )
        })?;
    let key = huanjie_web::certification::public_key(store, &election)
        .await
        .map_err(super::notice::refusal)?
        .context("the election has no signing key")?;
    let signed = huanjie_web::certification::signed_file(&certification, &key);
    let ballot_key = store
        .find_ballot_key(election.id)
        .await?
        .context("no ballots were printed for this election: there is no counting case")?;
    let case = huanjie_web::tally::case_json(store, &election, &ballot_key.0)
        .await
        .map_err(super::notice::refusal)?;
    // Checkpoints first: the entries read after them reach at least as far.
    let checkpoints = store.list_checkpoints(election.id).await?;
    let mut entries: Vec<huanjie_core::audit::Entry> = Vec::new();
    loop {
        let after = entries.last().map_or(0, |e| e.seq);
        let page = store.list_audit(election.id, after, MAX_AUDIT_PAGE).await?;
        let full = page.len() >= usize::try_from(MAX_AUDIT_PAGE).unwrap_or(usize::MAX);
        entries.extend(page);
        if !full {
            break;
        }
    }
    Ok(vec![
        (files::PUBLIC_KEY, PublicKeyFile::new(&key).render()),
        (files::SIGNED_RESULT, signed.into_bytes()),
        (files::CASE, case.into_bytes()),
        (
            files::CHECKPOINTS,
            CheckpointsFile::new(election.id, Some(&key), &checkpoints).render(),
        ),
        (
            files::AUDIT,
            AuditFile::new(election.id, Some(&key), entries, &checkpoints).render(),
        ),
    ])
}

fn write(dir: &Path, files: &Files) -> Result<()> {
    let part = dir.with_extension("part");
    if part.exists() {
        std::fs::remove_dir_all(&part).with_context(|| format!("removing {}", part.display()))?;
    }
    std::fs::create_dir_all(&part).with_context(|| format!("creating {}", part.display()))?;
    for (name, bytes) in files {
        let path = part.join(name);
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
    }
    if dir.exists() {
        std::fs::remove_dir(dir).with_context(|| format!("replacing {}", dir.display()))?;
    }
    std::fs::rename(&part, dir)
        .with_context(|| format!("renaming {} to {}", part.display(), dir.display()))?;
    eprintln!(
        "wrote {} ({}); check it with: huanjie verify {}",
        dir.display(),
        files.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
        dir.display()
    );
    Ok(())
}
