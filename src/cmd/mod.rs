//! One module per subcommand.

pub mod ballots;
pub mod bench;
pub mod count;
pub mod demo;
pub mod export_bundle;
pub mod export_case;
pub mod notice;
pub mod profile;
pub mod roll;
pub mod serve;
pub mod verify;
