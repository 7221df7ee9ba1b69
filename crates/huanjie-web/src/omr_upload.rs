//! Counting ballots from scanned images (issue 6): an upload of PNG, JPEG,
//! TIFF or a multi-page PDF from a sheet-fed scanner or a phone, one
//! ballot per page, read by `huanjie_omr` and counted like any scan.
//!
//! Each page is its own ballot and its own outcome: a page that cannot be
//! read, or whose QR code cannot be read, is reported (and nothing is
//! stored for it: without its serial a ballot cannot be counted — a
//! person types the serial on the station page); a page read with
//! anything uncertain (an ambiguous mark, two marks on a row, a write-in
//! name, a corner square missing) is stored with what was clear and goes
//! to the review queue, where a person decides (R-CNT-4). The machine
//! never decides an ambiguous mark.
//!
//! Reading is CPU work: it runs on the blocking pool, one upload at a
//! time per request.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use huanjie_omr::{BallotReading, MarkState, OmrParams, Reason};
use huanjie_print::{BallotGeometry, Choice, Paper, Row};
use huanjie_store::Election;
use serde::Serialize;

use crate::error::HttpError;
use crate::polling::{self, BallotMarks, ReviewReason, ScanReceipt, ScanRequest};
use crate::state::AppState;

/// The most bytes one upload may have (a 100-page 300 dpi PDF fits).
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// What became of one page.
#[derive(Debug, Serialize)]
pub struct PageOutcome {
    /// 1, 2, 3 … in the upload.
    pub page: usize,
    /// The serial read from the QR code.
    pub serial: Option<String>,
    /// Stored (or a retried upload's first receipt).
    pub receipt: Option<ScanReceipt>,
    /// Why a person must look (the ballot is in the review queue).
    pub reasons: Vec<ReviewReason>,
    /// Why nothing was stored for this page: `{code, rule?, message,
    /// message_en}`.
    pub error: Option<serde_json::Value>,
}

fn choice_code(c: Choice) -> &'static str {
    match c {
        Choice::For => "for",
        Choice::Against => "against",
        Choice::Abstain => "abstain",
    }
}

fn row_code(row: &Row) -> String {
    match row {
        Row::Candidate { index, .. } => (index + 1).to_string(),
        Row::WriteIn { index } => format!("write-in {}", index + 1),
    }
}

/// The marks that are clear, and the reasons a person must look.
/// `positions`: the ballot's contests by index (the election's seats in
/// order, as the ballot prints them).
pub fn marks_of(reading: &BallotReading, positions: &[String]) -> (BallotMarks, Vec<ReviewReason>) {
    let position = |i: usize| positions.get(i).cloned().unwrap_or_default();
    let mut reasons = Vec::new();
    let mut overvoted: Vec<(usize, String)> = Vec::new();
    for reason in &reading.needs_person {
        match reason {
            Reason::AmbiguousTarget {
                contest,
                row,
                choice,
            } => reasons.push(ReviewReason::Ambiguous {
                position: position(*contest),
                row: row_code(row),
                choice: choice_code(*choice).to_owned(),
            }),
            Reason::RowOvervote { contest, row } => {
                overvoted.push((*contest, row_code(row)));
                reasons.push(ReviewReason::RowOvervote {
                    position: position(*contest),
                    row: row_code(row),
                });
            }
            Reason::WriteIn { contest, index, .. } => reasons.push(ReviewReason::WriteIn {
                position: position(*contest),
                index: *index,
            }),
            Reason::FiducialMissing { .. } => reasons.push(ReviewReason::Placement),
            // Handled by the caller: nothing can be stored without it.
            Reason::QrUnreadable => {}
        }
    }
    let mut marks: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for t in &reading.targets {
        let Row::Candidate { index, .. } = &t.row else {
            // A 另选他人 row's marks go with its name, which a person types.
            continue;
        };
        let row = (index + 1).to_string();
        if t.state != MarkState::Filled || overvoted.contains(&(t.contest, row.clone())) {
            continue;
        }
        marks
            .entry(position(t.contest))
            .or_default()
            .insert(row, choice_code(t.choice).to_owned());
    }
    (
        BallotMarks {
            marks,
            write_ins: BTreeMap::new(),
            unreadable: false,
        },
        reasons,
    )
}

fn page_error(code: &str, zh: String, en: String) -> serde_json::Value {
    serde_json::json!({ "code": code, "message": zh, "message_en": en })
}

/// Reads every page of `bytes` and counts each ballot at `station`.
pub async fn count_images(
    state: &AppState,
    election: &Election,
    station: &str,
    bytes: axum::body::Bytes,
    paper: Paper,
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<PageOutcome>, HttpError> {
    let layout = crate::ballots::layout(&*state.store, election, paper).await?;
    let fonts = crate::pdf::fonts()?;
    let geometry: BallotGeometry = huanjie_print::ballot_geometry(fonts, &layout)
        .map_err(|e| crate::pdf::print_error(e, huanjie_core::rule::POLL_5))?;
    let positions: Vec<String> = election.seats.iter().map(|s| s.position.clone()).collect();
    // Decode and read on the blocking pool; pages come back in order.
    let readings = tokio::task::spawn_blocking(move || {
        let params = OmrParams::default();
        let pages = match huanjie_omr::pages(&bytes) {
            Ok(p) => p,
            Err(e) => return Err(e),
        };
        let total = pages.page_count();
        let read = pages
            .map(|page| page.and_then(|p| huanjie_omr::read_ballot(&p, &geometry, &params)))
            .collect::<Vec<_>>();
        Ok((read, total))
    })
    .await
    .map_err(|e| HttpError::Internal(anyhow::anyhow!("reading the scans: {e}")))?
    .map_err(|e| {
        HttpError::BadRequest(crate::error::Message {
            code: "scan_image",
            zh: format!("无法读取上传的扫描文件：{e}"),
            en: format!("the uploaded scan cannot be read: {e}"),
        })
    })?;
    let (readings, total) = readings;
    let read = readings.len();
    let mut outcomes = Vec::with_capacity(total.unwrap_or(read));
    for (i, reading) in readings.into_iter().enumerate() {
        let page = i + 1;
        let reading = match reading {
            Ok(r) => r,
            Err(e) => {
                outcomes.push(PageOutcome {
                    page,
                    serial: None,
                    receipt: None,
                    reasons: Vec::new(),
                    error: Some(page_error(
                        "page_unreadable",
                        format!("第{page}页无法识别（{e}）：请重新扫描，或在投票站页面手工录入"),
                        format!("page {page} cannot be read ({e}): scan it again, or enter it on the station page"),
                    )),
                });
                continue;
            }
        };
        // The QR code carries the serial without its dashes: shown as printed.
        let printed = reading.serial.as_deref().map(|raw| {
            huanjie_core::serial::SignedSerial::parse(raw)
                .map_or_else(|_| raw.to_owned(), |s| s.to_string())
        });
        let Some(serial) = printed else {
            outcomes.push(PageOutcome {
                page,
                serial: None,
                receipt: None,
                reasons: Vec::new(),
                error: Some(page_error(
                    "qr_unreadable",
                    format!("第{page}页的二维码无法识别：请在投票站页面输入选票编号后手工录入"),
                    format!("page {page}: the QR code cannot be read; type the serial on the station page"),
                )),
            });
            continue;
        };
        let (ballot, reasons) = marks_of(&reading, &positions);
        let request = ScanRequest {
            serial: serial.clone(),
            ballot,
            reasons: reasons.clone(),
        };
        match polling::scan(&state.scans, election, station, &request, by, None, now).await {
            Ok(receipt) => outcomes.push(PageOutcome {
                page,
                serial: Some(serial),
                receipt: Some(receipt),
                reasons,
                error: None,
            }),
            Err(e) => outcomes.push(PageOutcome {
                page,
                serial: Some(serial),
                receipt: None,
                reasons,
                error: Some(e.public_json()),
            }),
        }
    }
    // A page that cannot be decoded ends the file's reading: the pages
    // after it are named, so that nobody takes them for counted.
    for page in read + 1..=total.unwrap_or(read) {
        outcomes.push(PageOutcome {
            page,
            serial: None,
            receipt: None,
            reasons: Vec::new(),
            error: Some(page_error(
                "page_not_read",
                format!("第{page}页未读取：前面的页无法识别，请把这一页起的各页重新上传"),
                format!("page {page} was not read: an earlier page could not be; upload the pages from this one again"),
            )),
        });
    }
    Ok(outcomes)
}
