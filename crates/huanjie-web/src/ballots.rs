//! Ballot batches and serials (issue 5) as use cases for the API: print a
//! batch for a station (its serials signed under the election's key, the
//! manifest stored), list batches, and check or void a serial.
//!
//! The key and the random parts come from the OS's secure generator
//! (`ring::rand::SystemRandom`); the core signs and verifies
//! (`huanjie_core::serial`). The key never leaves the server. Nothing here
//! records who got which ballot (R-POLL-5).

use chrono::{DateTime, Utc};
use huanjie_core::rule;
use huanjie_core::serial::{Expected, Serial, SerialKey, SignedSerial};
use huanjie_store::{BallotKey, Batch, Election, NewBatch, PrintedSerial, Store, StoreError};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::{HttpError, Message, RuleRefusal};

/// The most ballots one batch prints (a station's voters with a margin;
/// a city-wide run is many batches).
pub const MAX_BATCH: u32 = 100_000;

fn random_bytes<const N: usize>(rng: &SystemRandom) -> Result<[u8; N], HttpError> {
    let mut bytes = [0u8; N];
    rng.fill(&mut bytes)
        .map_err(|_| HttpError::Internal(anyhow::anyhow!("the system random source failed")))?;
    Ok(bytes)
}

/// The election's serial key, made on first use.
async fn key(
    store: &dyn Store,
    election: &Election,
    rng: &SystemRandom,
    now: DateTime<Utc>,
) -> Result<SerialKey, HttpError> {
    let candidate = BallotKey(random_bytes(rng)?);
    let stored = store.ballot_key(election.id, &candidate, now).await?;
    Ok(SerialKey::from_bytes(&stored.0))
}

/// The serials of a batch, signed, in print order.
fn sign_all(
    election: &Election,
    key: &SerialKey,
    number: u16,
    style: u8,
    randoms: &[[u8; 8]],
) -> Vec<SignedSerial> {
    randoms
        .iter()
        .map(|random| {
            Serial {
                election: *election.id.as_bytes(),
                batch: number,
                style,
                random: *random,
            }
            .sign(key)
        })
        .collect()
}

/// The manifest's hash: SHA-256 of the printed serials, one a line.
pub fn manifest_hash(serials: &[SignedSerial]) -> String {
    let mut text = String::with_capacity(serials.len() * 54);
    for s in serials {
        text.push_str(&s.to_string());
        text.push('\n');
    }
    hex::encode(ring::digest::digest(&ring::digest::SHA256, text.as_bytes()))
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct BatchRequest {
    /// The polling station or mobile box the batch is for.
    pub station: String,
    pub count: u32,
    /// Which ballot (layout, round); 1 for the general round.
    #[serde(default = "one")]
    pub style: u8,
    /// The batch this one reprints.
    #[serde(default)]
    pub reprint_of: Option<Uuid>,
}

fn one() -> u8 {
    1
}

/// A printed batch and its serials.
#[derive(Debug, Clone)]
pub struct PrintedBatch {
    pub batch: Batch,
    pub serials: Vec<SignedSerial>,
}

/// Prints (records) a batch: ballots come from the formal candidates, so
/// the formal list must be fixed (R-NOM-5). Draws a random part per
/// ballot, signs the serials with the next batch number, and stores the
/// manifest; a number or random part taken meanwhile is drawn again.
pub async fn print_batch(
    store: &dyn Store,
    election: &Election,
    request: &BatchRequest,
    by: &str,
    now: DateTime<Utc>,
) -> Result<PrintedBatch, HttpError> {
    let station = crate::registration::required("station", "投票站", &request.station)?;
    if request.count == 0 || request.count > MAX_BATCH {
        return Err(HttpError::BadRequest(Message {
            code: "count",
            zh: format!("张数（count）：应为 1 到 {MAX_BATCH}"),
            en: format!("count: must be 1 to {MAX_BATCH}"),
        }));
    }
    if election.round.is_none() && store.formal_list(election.id).await?.is_none() {
        return Err(
            StoreError::from(huanjie_store::NominationStateError::FormalListNotPublished).into(),
        );
    }
    let rng = SystemRandom::new();
    let key = key(store, election, &rng, now).await?;
    for _ in 0..3 {
        let last = store
            .list_batches(election.id)
            .await?
            .last()
            .map_or(0, |b| b.number);
        let number = last.checked_add(1).ok_or_else(|| {
            HttpError::from(
                RuleRefusal::new(
                    "too_many_batches",
                    rule::POLL_5,
                    "本次选举的印制批次已达上限（65535）".into(),
                    "this election has printed the most batches a serial can number (65,535)"
                        .into(),
                )
                .conflict(),
            )
        })?;
        let mut randoms = Vec::with_capacity(request.count as usize);
        for _ in 0..request.count {
            randoms.push(random_bytes::<8>(&rng)?);
        }
        randoms.sort_unstable();
        randoms.dedup();
        let serials = sign_all(election, &key, number, request.style, &randoms);
        let new = NewBatch {
            number,
            station: station.clone(),
            style: request.style,
            serials_sha256: manifest_hash(&serials),
            randoms,
            reprint_of: request.reprint_of,
            printed_by: by.to_owned(),
        };
        match store.record_batch(election.id, &new, now).await {
            Ok(batch) => return Ok(PrintedBatch { batch, serials }),
            // Another printing took the number, or (2^-64 per pair) a random part.
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(HttpError::Internal(anyhow::anyhow!(
        "three attempts to record a batch collided"
    )))
}

/// A stored batch's serials, signed again from its random parts (the
/// same serials as printed: signing is deterministic).
pub async fn batch_serials(
    store: &dyn Store,
    election: &Election,
    batch: &Batch,
) -> Result<Vec<SignedSerial>, HttpError> {
    let key = printed_key(store, election)
        .await?
        .ok_or_else(|| HttpError::Internal(anyhow::anyhow!("a batch without a ballot key")))?;
    let randoms = store.batch_randoms(election.id, batch.id).await?;
    Ok(sign_all(
        election,
        &key,
        batch.number,
        batch.style,
        &randoms,
    ))
}

/// What a check of a serial found: a genuine ballot of this election,
/// printed in this batch, not voided.
#[derive(Debug, Clone, Serialize)]
pub struct SerialCheck {
    pub serial: String,
    pub batch: u16,
    pub station: String,
    pub style: u8,
}

/// The key the election's ballots were printed under, read only: a check
/// or a reprint never makes one.
async fn printed_key(
    store: &dyn Store,
    election: &Election,
) -> Result<Option<SerialKey>, HttpError> {
    Ok(store
        .find_ballot_key(election.id)
        .await?
        .map(|k| SerialKey::from_bytes(&k.0)))
}

pub(crate) fn not_printed() -> HttpError {
    RuleRefusal::new(
        "serial_not_printed",
        rule::POLL_5,
        "该票号不在本次选举已印制的选票中".into(),
        "no ballot with this serial was printed for this election".into(),
    )
    .into()
}

pub(crate) fn refusal(r: huanjie_core::serial::SerialRefusal) -> HttpError {
    RuleRefusal::new(r.code(), r.rule(), r.message_zh(), r.message_en()).into()
}

/// Reads and verifies a serial (tag, election, and the batch when given),
/// then finds it among the printed ballots: a serial the server did not
/// print, or one voided, is refused.
pub async fn check_serial(
    store: &dyn Store,
    election: &Election,
    text: &str,
    batch: Option<u16>,
) -> Result<(SerialCheck, [u8; 8]), HttpError> {
    // Before any printing there is no key, and no serial can be genuine.
    let key = printed_key(store, election)
        .await?
        .ok_or_else(not_printed)?;
    let mut expected = Expected::election(*election.id.as_bytes());
    if let Some(b) = batch {
        expected = expected.batch(b);
    }
    let verified = huanjie_core::serial::verify(text, &key, &expected).map_err(refusal)?;
    let random = verified.serial.random();
    let printed: PrintedSerial = store
        .printed_serial(election.id, random)
        .await?
        .ok_or_else(not_printed)?;
    if printed.voided_at.is_some() {
        return Err(RuleRefusal::new(
            "serial_voided",
            rule::POLL_5,
            format!(
                "该选票已作废（{}）",
                printed.void_reason.clone().unwrap_or_default()
            ),
            "this ballot was voided".into(),
        )
        .conflict()
        .into());
    }
    Ok((
        SerialCheck {
            serial: verified.serial.to_string(),
            batch: verified.batch(),
            station: printed.station,
            style: verified.style(),
        },
        random,
    ))
}

/// Voids a spoiled ballot by its serial, with a reason.
pub async fn void_serial(
    store: &dyn Store,
    election: &Election,
    text: &str,
    reason: &str,
    now: DateTime<Utc>,
) -> Result<PrintedSerial, HttpError> {
    let reason = crate::registration::required("reason", "作废原因", reason)?;
    let (_, random) = check_serial(store, election, text, None).await?;
    Ok(store.void_serial(election.id, random, &reason, now).await?)
}

/// The template (in `ballots/`) of the general round of a body's election.
pub fn template_kind(body: huanjie_store::BodyKind) -> &'static str {
    use huanjie_store::BodyKind::*;
    match body {
        ResidentsCommittee => "residents-committee",
        SupervisoryCommittee => "supervisory-committee",
        HomeownersCommittee => "homeowners-committee",
        SupervisoryBoard => "employee-supervisors",
    }
}

/// The ballot of this election as the printer lays it out: one contest
/// per position in seat order, the standing formal candidates in surname
/// stroke order (R-NOM-5), as many write-in rows as seats (R-POLL-3).
pub async fn layout(
    store: &dyn Store,
    election: &Election,
    paper: huanjie_print::Paper,
) -> Result<huanjie_print::BallotLayout, HttpError> {
    // The contests and candidates in ballot order, from the one place that
    // fixes it (the count reads marks by the same rows).
    let Some(contests) = crate::tally::contests(store, election).await? else {
        return Err(
            StoreError::from(huanjie_store::NominationStateError::FormalListNotPublished).into(),
        );
    };
    let round = election.round.as_ref().map(|r| r.kind.as_str());
    let purpose = election.round.as_ref().map(|r| r.purpose.as_str());
    // A tie-break is among the tied people only; a recall vote is on the
    // member named: neither has write-ins.
    let no_write_ins = round == Some("tie-break") || purpose == Some("recall");
    let contests = contests
        .into_iter()
        .map(|c| {
            let seats = u32::try_from(c.seats.count()).unwrap_or(u32::MAX);
            huanjie_print::Contest {
                position: c.title,
                seats,
                write_in_rows: if no_write_ins { 0 } else { seats },
                candidates: c.candidates.into_iter().map(|k| k.name).collect(),
            }
        })
        .collect();
    let (kind, basis) = match (purpose, round) {
        (Some("recall"), _) => ("recall", rule::CERT_4),
        (Some("by-election"), _) => ("by-election", rule::CERT_5),
        (_, None) => (template_kind(election.body_kind), rule::POLL_5),
        (_, Some("tie-break")) => ("tie-break", rule::CNT_7),
        (_, Some(_)) => ("further-election", rule::CNT_7),
    };
    huanjie_print::BallotTemplate::builtin(kind)
        .and_then(|t| t.layout(&election.title, contests, paper))
        .map_err(|e| crate::pdf::print_error(e, basis))
}

/// A specimen of the election's ballot (样票), to look at before printing:
/// the layout as printed, its title marked 样票, and a serial signed with a
/// throwaway key in batch 0 (no batch has that number), so the specimen
/// can never pass for a ballot.
pub async fn preview(
    store: &dyn Store,
    election: &Election,
    paper: huanjie_print::Paper,
) -> Result<Vec<u8>, HttpError> {
    let mut layout = layout(store, election, paper).await?;
    layout.title = format!("{}（样票）", layout.title);
    let rng = SystemRandom::new();
    let key = SerialKey::from_bytes(&random_bytes::<32>(&rng)?);
    let serial = Serial {
        election: *election.id.as_bytes(),
        batch: 0,
        style: 0,
        random: random_bytes(&rng)?,
    }
    .sign(&key);
    tokio::task::spawn_blocking(move || {
        huanjie_print::ballots_pdf(crate::pdf::fonts()?, &layout, &[serial])
            .map_err(|e| crate::pdf::print_error(e, rule::POLL_5))
    })
    .await
    .map_err(|e| HttpError::Internal(e.into()))?
}

/// What printing a stored batch needs, read and checked before any
/// writing starts: a refusal (no formal list, a name no font has) is an
/// answer, never a broken download or a failed job.
pub struct ToPrint {
    pub batch: Batch,
    pub layout: huanjie_print::BallotLayout,
    pub fonts: &'static huanjie_print::FontSet,
    /// The same serials as printed (signing is deterministic).
    pub serials: Vec<SignedSerial>,
}

pub async fn to_print(
    store: &dyn Store,
    election: &Election,
    batch_id: Uuid,
    paper: huanjie_print::Paper,
) -> Result<ToPrint, HttpError> {
    let batch = store
        .list_batches(election.id)
        .await?
        .into_iter()
        .find(|b| b.id == batch_id)
        .ok_or(HttpError::NotFound)?;
    let layout = layout(store, election, paper).await?;
    let fonts = crate::pdf::fonts()?;
    huanjie_print::ballot_geometry(fonts, &layout)
        .map_err(|e| crate::pdf::print_error(e, rule::POLL_5))?;
    let serials = batch_serials(store, election, &batch).await?;
    Ok(ToPrint {
        batch,
        layout,
        fonts,
        serials,
    })
}

/// A stored batch's ballots as a PDF (the same serials as printed),
/// streamed: a blocking thread writes pages into a small channel the
/// response body reads from, so memory holds a few pieces, never the
/// document. The layout is checked before the answer starts, so a refusal
/// is an error status, not a broken download.
pub async fn batch_pdf(
    store: &dyn Store,
    election: &Election,
    batch_id: Uuid,
    paper: huanjie_print::Paper,
) -> Result<axum::body::Body, HttpError> {
    let ToPrint {
        layout,
        fonts,
        serials,
        ..
    } = to_print(store, election, batch_id, paper).await?;
    let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Vec<u8>>>(8);
    tokio::task::spawn_blocking(move || {
        let mut out = std::io::BufWriter::with_capacity(256 * 1024, ChannelWriter(tx.clone()));
        let written = huanjie_print::write_ballots(fonts, &layout, serials, &mut out, |_| {})
            .map_err(|e| std::io::Error::other(e.to_string()))
            .and_then(|_| std::io::Write::flush(&mut out));
        if let Err(e) = written {
            // The client sees a cut download; the log says why.
            tracing::error!(error = %e, "streaming a batch's ballots failed");
            let _ = tx.blocking_send(Err(e));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|piece| (piece, rx))
    });
    Ok(axum::body::Body::from_stream(stream))
}

/// Sends what is written down a channel (blocking when it is full).
struct ChannelWriter(tokio::sync::mpsc::Sender<std::io::Result<Vec<u8>>>);

impl std::io::Write for ChannelWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .blocking_send(Ok(buf.to_vec()))
            .map_err(|_| std::io::Error::new(std::io::ErrorKind::BrokenPipe, "the client left"))?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
