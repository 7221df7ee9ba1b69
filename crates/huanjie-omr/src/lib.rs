//! Optical mark reading of scanned ballots (光学标记识别).
//!
//! Ballots are printed by `huanjie_print` (see its `ballot` module), whose
//! [`BallotGeometry`](huanjie_print::BallotGeometry) says where everything
//! is on the page. This crate reads a scan of one back:
//!
//! 1. [`decode`] / [`pages`]: upload bytes to 8-bit grey pages ([`GreyImage`]):
//!    PNG, JPEG, TIFF (every page), and PDF as sheet-fed scanners write it
//!    (one JPEG or Flate image per page; anything else is refused naming
//!    the page and the filter). Pages over [`MAX_SIDE`] / [`MAX_PIXELS`]
//!    are refused from their header, before their pixels are allocated.
//! 2. [`read_ballot`]: find the four fiducials (`fiducials`), fit the
//!    page's transform (`locate`, `transform`), measure the paper's and
//!    the printed black's grey on this page (`levels`), read the QR code
//!    (`qr`; it also tells a page fed upside down), then measure ink in
//!    each mark target, beside it, and in each write-in box (`marks`).
//!
//! # Decisions
//!
//! A target is [`MarkState::Filled`], [`MarkState::Empty`] or
//! [`MarkState::Ambiguous`]; the band between the two thresholds of
//! [`OmrParams`] is never decided by the machine. The figures behind each
//! decision (ink share, mean darkness, ink beside the box) are integers in
//! permille, relative to the page's own paper and black, so light and dark
//! scans read alike. A reading lists in
//! [`needs_person`](BallotReading::needs_person) every [`Reason`] a person
//! must look: an ambiguous target, two marks in one row, a write-in box
//! with anything in it (names are read by people, never by this crate),
//! an unreadable QR code, a missing fiducial.
//!
//! # The default thresholds ([`OmrParams::default`])
//!
//! Inside a 6 mm target the reader looks at the middle 4.8 mm (less the
//! fit's error). *Ink* is a pixel 40% or more of the way from paper to
//! the printed black (ballpoint and gel pens, black, blue or red, scan
//! at 60% or more), with two inky neighbours (specks of scanner noise
//! are not ink).
//!
//! - **Filled** at 7% ink or more (`filled_permille` 70). On the large
//!   accuracy corpus (360 pages, 2,735 clear marks) the least-inked clear
//!   mark, a tick, had 9.0%; ○ 13%, crosses 15.5%, fills 64%. The most-inked ambiguous marks: a stroke entering
//!   the box by up to 2 mm 5.7%, a dot of 1.2 mm 5.3%.
//! - **Empty** only at 1.5% or less of ink, 1.5% or less of mean
//!   darkness *and* 1.5% or less of ink beside the box (`empty_permille`
//!   15, all three). Untouched targets measured 0% ink, at most 0.9%
//!   darkness and no ink beside; the least of each ambiguous kind: a dot
//!   2.0% ink, a stroke entering 2.0% ink, a faint smear 2.0% darkness,
//!   an erased fill 6.6% darkness, a ○ around the box 8% ink beside it.
//! - Everything between goes to a person. The margins are thin only
//!   where a mark is meant to be on the edge (the faintest smear, the
//!   smallest dot); a real pen's clear mark is far above 7%.
//!
//! `cargo test -p huanjie-omr --test accuracy -- --nocapture` prints these
//! figures for the default corpus; docs/PERFORMANCE.md has the large
//! corpus's and the speed.
//!
//! The caller chooses the geometry: the QR code's serial names the
//! ballot's style, and a layout of the same paper size has its
//! fiducials in the same places, so a page read with another layout's
//! geometry is not refused, only misread.
//!
//! # Purity
//!
//! No I/O, no clock, no randomness: bytes in, pages out; a page in, a
//! reading out. Geometry uses `f64` (positions, angles: the workspace's
//! float lint is lifted per function, with the reason); every threshold
//! compares integers.

mod decode;
mod error;
mod fiducials;
mod grey;
mod levels;
mod locate;
mod marks;
mod pdf;
mod qr;
mod reading;
mod transform;

pub use decode::{decode, pages, Format, Pages, MAX_PAGES};
pub use error::OmrError;
pub use fiducials::Corner;
pub use grey::{GreyImage, MAX_PIXELS, MAX_SIDE};
pub use marks::{classify, classify_write_in, InkState, MarkState, OmrParams};
pub use reading::{read_ballot, BallotReading, Reason, TargetReading, WriteInReading};

/// Reads the QR code anywhere in a grey image (no layout needed), as
/// [`read_ballot`] does within its region: for a page whose fiducials
/// cannot be found, so that a person at least has the serial.
pub fn read_any_qr(page: &GreyImage) -> Option<String> {
    qr::decode_grey(page)
}
