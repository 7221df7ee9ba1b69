//! Printing a batch's ballots as a job with progress (issue 5).
//!
//! A batch of up to [`crate::ballots::MAX_BATCH`] ballots takes seconds to
//! write; the committee's page starts a job, watches its pages count up
//! and downloads the PDF when it is done. The job writes the PDF to a
//! file in the system's temporary directory, streamed page by page
//! ([`huanjie_print::write_ballots`]), so memory stays bounded however big
//! the batch; the download streams the file back.
//!
//! Jobs live in the memory of the `huanjie serve` process that runs them:
//! with several processes behind one address, the page's requests for a
//! job must reach the process that started it (sticky sessions), or the
//! committee prints with `huanjie ballots pdf` instead. A job and its file
//! are dropped an hour after it ends, or when the process stops.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use huanjie_core::rule;
use huanjie_store::{Election, Store};
use serde::Serialize;
use uuid::Uuid;

use crate::error::{HttpError, Message};

/// How long a finished job's file is kept for download.
const KEEP: Duration = Duration::from_secs(3600);

/// Where a job is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum JobState {
    Running,
    Done {
        bytes: u64,
    },
    Failed {
        message_zh: String,
        message_en: String,
    },
}

/// One job: what it prints and how far it got.
#[derive(Debug)]
pub struct Job {
    pub id: Uuid,
    pub election: Uuid,
    pub batch: Uuid,
    pub batch_number: u16,
    pub station: String,
    pub total: usize,
    done: AtomicUsize,
    state: Mutex<JobState>,
    ended: Mutex<Option<Instant>>,
    path: PathBuf,
}

/// A job as the API shows it.
#[derive(Debug, Clone, Serialize)]
pub struct JobView {
    pub job: Uuid,
    pub batch: Uuid,
    pub batch_number: u16,
    pub station: String,
    pub total: usize,
    pub done: usize,
    #[serde(flatten)]
    pub state: JobState,
}

impl Job {
    pub fn view(&self) -> JobView {
        JobView {
            job: self.id,
            batch: self.batch,
            batch_number: self.batch_number,
            station: self.station.clone(),
            total: self.total,
            done: self.done.load(Ordering::Relaxed),
            state: self.state(),
        }
    }

    pub fn state(&self) -> JobState {
        self.state
            .lock()
            .map_or_else(|p| p.into_inner().clone(), |s| s.clone())
    }

    /// The finished PDF's file, if the job is done.
    pub fn file(&self) -> Option<PathBuf> {
        matches!(self.state(), JobState::Done { .. }).then(|| self.path.clone())
    }

    fn finish(&self, state: JobState) {
        if let Ok(mut s) = self.state.lock() {
            *s = state;
        }
        if let Ok(mut e) = self.ended.lock() {
            *e = Some(Instant::now());
        }
    }

    fn expired(&self, now: Instant) -> bool {
        self.ended
            .lock()
            .ok()
            .and_then(|e| *e)
            .is_some_and(|e| now.duration_since(e) > KEEP)
    }
}

impl Drop for Job {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// The process's print jobs.
#[derive(Debug, Default)]
pub struct PrintJobs {
    jobs: Mutex<HashMap<Uuid, Arc<Job>>>,
}

impl PrintJobs {
    /// The job `id` of `election`, if this process has it.
    pub fn get(&self, election: Uuid, id: Uuid) -> Option<Arc<Job>> {
        let jobs = self.jobs.lock().ok()?;
        jobs.get(&id).filter(|j| j.election == election).cloned()
    }

    /// Starts printing `batch` of `election` on a blocking thread; the
    /// layout and the serials are read first, so a refusal (no formal
    /// list, a name no font has) comes back at once, before any job.
    pub async fn start(
        self: &Arc<Self>,
        store: &dyn Store,
        election: &Election,
        batch_id: Uuid,
        paper: huanjie_print::Paper,
    ) -> Result<Arc<Job>, HttpError> {
        let crate::ballots::ToPrint {
            batch,
            layout,
            fonts,
            serials,
        } = crate::ballots::to_print(store, election, batch_id, paper).await?;
        let id = Uuid::new_v4();
        let job = Arc::new(Job {
            id,
            election: election.id,
            batch: batch.id,
            batch_number: batch.number,
            station: batch.station.clone(),
            total: serials.len(),
            done: AtomicUsize::new(0),
            state: Mutex::new(JobState::Running),
            ended: Mutex::new(None),
            path: std::env::temp_dir().join(format!("huanjie-ballots-{id}.pdf")),
        });
        if let Ok(mut jobs) = self.jobs.lock() {
            let now = Instant::now();
            jobs.retain(|_, j| !j.expired(now));
            jobs.insert(id, job.clone());
        }
        let running = job.clone();
        tokio::task::spawn_blocking(move || {
            let outcome = write(&running, fonts, &layout, serials);
            running.finish(match outcome {
                Ok(bytes) => JobState::Done { bytes },
                Err(e) => {
                    tracing::error!(job = %running.id, error = %e, "printing ballots failed");
                    let m = crate::pdf::print_error(e, rule::POLL_5).message();
                    JobState::Failed {
                        message_zh: m.zh,
                        message_en: m.en,
                    }
                }
            });
        });
        Ok(job)
    }
}

fn write(
    job: &Job,
    fonts: &huanjie_print::FontSet,
    layout: &huanjie_print::BallotLayout,
    serials: Vec<huanjie_core::serial::SignedSerial>,
) -> Result<u64, huanjie_print::PrintError> {
    use std::io::Write;
    let io =
        |e: std::io::Error| huanjie_print::PrintError::Pdf(format!("{}: {e}", job.path.display()));
    let file = std::fs::File::create(&job.path).map_err(io)?;
    let mut out = std::io::BufWriter::new(file);
    huanjie_print::write_ballots(fonts, layout, serials, &mut out, |n| {
        job.done.store(n, Ordering::Relaxed);
    })?;
    out.flush().map_err(io)?;
    drop(out);
    Ok(std::fs::metadata(&job.path).map_err(io)?.len())
}

/// A file as a response body, read in pieces (never whole in memory).
pub async fn stream_file(path: PathBuf) -> Result<axum::body::Body, HttpError> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(&path)
        .await
        .map_err(|e| HttpError::Internal(anyhow::anyhow!("opening {}: {e}", path.display())))?;
    let stream = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buf = vec![0u8; 256 * 1024];
        match file.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok::<_, std::io::Error>(buf), Some(file)))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(axum::body::Body::from_stream(stream))
}

/// The answer when a job's PDF is asked for before it is done.
pub fn not_ready(view: &JobView) -> HttpError {
    HttpError::Conflict(Message {
        code: "print_job_not_done",
        zh: format!(
            "选票还在印制中（{}/{} 张），完成后再下载",
            view.done, view.total
        ),
        en: format!(
            "the ballots are still being printed ({} of {}); download them when done",
            view.done, view.total
        ),
    })
}
