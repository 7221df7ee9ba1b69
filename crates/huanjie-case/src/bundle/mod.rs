//! The verification bundle (`docs/verify-bundle.md`): the five files an
//! observer downloads from an election's API after certification (the
//! public key, the signed result, the counting case, the audit log's
//! checkpoints and the audit log), and their verification offline, with
//! no server: `huanjie verify BUNDLE`.
//!
//! [`verify`] runs every check it can and returns a [`Report`] listing
//! each (pass or fail, in Chinese and English); every failure names its
//! file and where in it (line and column, JSON path, entry number). A
//! bundle with any byte changed, added or removed fails:
//!
//! - each JSON file must be byte for byte what the server writes for the
//!   value it holds ([`files`]; the case line by line, [`case_lines`]), so
//!   a change JSON itself would not see (a space, key order, an escape)
//!   is named where it is;
//! - any other change changes a value, which one of these catches: the
//!   hash chain (every entry), a checkpoint's Ed25519 signature, the
//!   signed result's Ed25519 signature, the keys and the election agreeing
//!   across files, the recount of the case (with the same code as
//!   `huanjie count`) equal to the certified result, and the SHA-256 of the
//!   case's exact bytes equal to the one certified
//!   ([`crate::signed::CaseDigest`]).
//!
//! Pure: the caller reads the files and hands over their bytes (the case
//! as a [`CaseSource`], read twice, never held whole).

pub mod case_lines;
mod count_checks;
pub mod files;
pub mod locate;
mod log_checks;
mod read;
mod report;
mod verify;

pub use report::{Check, Finding, Outcome, Report};
pub use verify::{verify, Bundle, CaseSource, InMemory};

#[cfg(test)]
mod tests;
