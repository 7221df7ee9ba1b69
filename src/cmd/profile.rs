//! `huanjie profile`: inspect jurisdiction profiles.
//!
//! `huanjie profile list` names the built-in profiles; `huanjie profile show
//! ID|FILE` prints one profile's parameters as JSON. Given a file, it is
//! checked as the server would check it (unknown keys are errors), so a
//! committee can validate a local profile before using it.

use huanjie_core::profile::{Profile, BUILTIN_PROFILE_IDS, DEFAULT_PROFILE_ID};
use std::path::Path;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    job: Job,
}

#[derive(clap::Subcommand)]
enum Job {
    /// List the built-in profiles.
    List,
    /// Print a profile's parameters: a built-in id, or a TOML file.
    Show {
        /// A built-in profile id (e.g. county-2006) or the path of a profile file.
        profile: String,
    },
}

pub fn run(args: Args) -> ExitCode {
    match args.job {
        Job::List => {
            for id in BUILTIN_PROFILE_IDS {
                let name = Profile::builtin(id).map(|p| p.name).unwrap_or_default();
                let default = if *id == DEFAULT_PROFILE_ID {
                    " (default)"
                } else {
                    ""
                };
                println!("{id}\t{name}{default}");
            }
            ExitCode::SUCCESS
        }
        Job::Show { profile } => match load(&profile) {
            Ok(p) => match serde_json::to_string_pretty(&p) {
                Ok(text) => {
                    println!("{text}");
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("huanjie profile: {e}");
                    ExitCode::from(1)
                }
            },
            Err(e) => {
                eprintln!("huanjie profile: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn load(profile: &str) -> Result<Profile, String> {
    if let Some(p) = Profile::builtin(profile) {
        return Ok(p);
    }
    let path = Path::new(profile);
    if !path.exists() {
        return Err(format!(
            "{profile:?} is neither a built-in profile ({}) nor a file",
            BUILTIN_PROFILE_IDS.join(", ")
        ));
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Profile::from_toml(&text).map_err(|e| format!("{}: {e}", path.display()))
}
