//! `huanjie count CASE.json`: the offline recount observers run.
//!
//! Prints the result JSON on stdout and exits 0 whenever the case was
//! counted (a void round included). A malformed case prints one line on
//! stderr naming the field and exits 2; a file that cannot be read exits 1.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// The case file, or `-` for standard input.
    case: PathBuf,
    /// Print the process's peak resident memory (`peak_rss_kib=N`) on
    /// stderr when done; `huanjie bench count` uses it.
    #[arg(long)]
    report_peak_memory: bool,
}

/// Large reads keep the one-pass parser fed without holding the file.
const BUFFER: usize = 1 << 20;

pub fn run(args: Args) -> ExitCode {
    let code = count(&args);
    if args.report_peak_memory {
        eprintln!("peak_rss_kib={}", peak_rss_kib().unwrap_or(0));
    }
    code
}

/// VmHWM from /proc/self/status (Linux); `None` elsewhere.
pub(crate) fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn count(args: &Args) -> ExitCode {
    let input: Box<dyn Read> = if args.case.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&args.case) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("huanjie count: cannot open {}: {e}", args.case.display());
                return ExitCode::from(1);
            }
        }
    };
    match huanjie_case::count_reader(BufReader::with_capacity(BUFFER, input)) {
        Ok(result) => {
            let mut out = io::stdout().lock();
            match out
                .write_all(huanjie_case::result_json(&result).as_bytes())
                .and_then(|()| out.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("huanjie count: cannot write the result: {e}");
                    ExitCode::from(1)
                }
            }
        }
        Err(e) => {
            eprintln!("huanjie count: {e}");
            ExitCode::from(2)
        }
    }
}
