//! `huanjie verify BUNDLE`: checks an election's verification bundle
//! offline (`docs/verify-bundle.md`): the audit chain, every checkpoint's
//! signature and its match with the chain, the recount of the counting
//! case (the code of `huanjie count`), the signed result's signature, that
//! it certifies exactly this case and equals the recount, and that every
//! file is byte for byte as the server wrote it.
//!
//! Prints every check with its outcome in Chinese and English and the
//! verdict; exits 0 only when every check passed, 1 when any failed, and
//! 2 when BUNDLE is not a directory. The checks themselves are
//! `huanjie_case::bundle` (pure); this reads the files.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use huanjie_case::bundle::{self, files, Bundle, CaseSource};

#[derive(clap::Args)]
pub struct Args {
    /// The bundle directory (as `huanjie export-bundle` writes it, or the
    /// five downloads put in one directory under their names).
    bundle: PathBuf,
}

/// The case, opened from its file each time it is read.
struct CaseFile(PathBuf);

impl CaseSource for CaseFile {
    fn open(&self) -> std::io::Result<Box<dyn Read + '_>> {
        Ok(Box::new(File::open(&self.0)?))
    }
}

fn read(dir: &Path, name: &str) -> Result<Vec<u8>, String> {
    std::fs::read(dir.join(name)).map_err(|e| e.to_string())
}

pub fn run(args: Args) -> ExitCode {
    let dir = &args.bundle;
    if !dir.is_dir() {
        eprintln!(
            "huanjie verify: {} 不是目录 / is not a directory (a bundle is a directory holding {})",
            dir.display(),
            files::ALL.join(", ")
        );
        return ExitCode::from(2);
    }
    let public_key = read(dir, files::PUBLIC_KEY);
    let signed_result = read(dir, files::SIGNED_RESULT);
    let checkpoints = read(dir, files::CHECKPOINTS);
    let audit = read(dir, files::AUDIT);
    let case_path = dir.join(files::CASE);
    let case = CaseFile(case_path.clone());
    let case: Result<&dyn CaseSource, String> = match std::fs::metadata(&case_path) {
        Ok(m) if m.is_file() => Ok(&case),
        Ok(_) => Err("not a file".to_owned()),
        Err(e) => Err(e.to_string()),
    };
    let report = bundle::verify(&Bundle {
        public_key: public_key.as_deref().map_err(Clone::clone),
        signed_result: signed_result.as_deref().map_err(Clone::clone),
        case,
        checkpoints: checkpoints.as_deref().map_err(Clone::clone),
        audit: audit.as_deref().map_err(Clone::clone),
    });
    println!("核验包 / bundle: {}\n", dir.display());
    print!("{}", report.render());
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
