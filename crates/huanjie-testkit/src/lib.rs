//! Test support shared by the crates' suites and the end-to-end suites in
//! `tests/`. Nothing here is used by the product itself.
//!
//! Each module below is one piece of infrastructure; add a `pub mod` line
//! per module.

#[cfg(feature = "app")]
pub mod app;
#[cfg(feature = "browser")]
pub mod browser;
#[cfg(feature = "app")]
pub mod certified;
pub mod postgres;
#[cfg(feature = "app")]
pub mod stations;
#[cfg(feature = "app")]
pub mod vote;
