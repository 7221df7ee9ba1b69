//! Counting ballots fast and durably (issue 6): group commit and a cached
//! view of what a scan is checked against.
//!
//! **Group commit.** A scan is acknowledged only once it is committed; with
//! `synchronous=FULL` a SQLite commit costs a WAL sync, about 0.3 ms, so
//! one transaction per scan tops out near 3,300 scans/s. Requests hand
//! their scan to one writer task; while it commits a group, the next
//! requests queue up, and it then writes everything waiting in one
//! transaction ([`MAX_GROUP`] at most) and answers each request with its own
//! outcome. Under load the groups grow by themselves; alone, a scan waits
//! for nobody.
//!
//! **Cached context.** Verifying a serial needs the election's key, which
//! batch number belongs to which station, and the ballot's shape (seats,
//! standing candidates): read once per election and kept, a batch number
//! not seen yet reloads it, and the ballot's shape is read again after
//! [`SHAPE_TTL`] (the formal list no longer changes on polling day, but a
//! stale view is never kept long). Whether the serial was printed and not
//! voided, and the station's polls, are checked by the store inside the
//! writing transaction, never from the cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use huanjie_core::serial::SerialKey;
use huanjie_store::{Election, NewScan, ScanOutcome, Store};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::error::HttpError;

/// The most scans one transaction stores.
pub const MAX_GROUP: usize = 512;

/// How long the cached ballot shape is trusted.
const SHAPE_TTL: Duration = Duration::from_secs(5);

/// What a scan is checked against, per election.
#[derive(Clone)]
pub struct ScanContext {
    pub key: Option<SerialKey>,
    /// Batch number → the station its batch was printed for (as written).
    pub batches: HashMap<u16, String>,
    /// Station code → name.
    pub stations: HashMap<String, String>,
    /// Position → (seats, standing candidates in ballot order).
    pub shape: HashMap<String, (u32, usize)>,
    /// Whether the formal list is fixed (ballots exist only then).
    pub formal_list: bool,
    /// The election as read with the rest: a scan needs its id, seats and
    /// round, none of which change once ballots exist.
    pub election: Election,
    loaded: Instant,
}

/// Who counted a ballot, for the audit entry written in the same
/// transaction as the scan (issue 8): a ballot and its entry commit
/// together, one commit for a group. `action` is the route as the audit
/// middleware names it; the middleware then leaves the request alone.
#[derive(Debug, Clone)]
pub struct ScanLog {
    pub actor: String,
    pub action: String,
}

struct Pending {
    election: Uuid,
    scan: NewScan,
    log: Option<ScanLog>,
    now: DateTime<Utc>,
    reply: oneshot::Sender<Result<ScanOutcome, String>>,
}

/// The writer task's queue and the per-election contexts.
pub struct ScanService {
    store: Arc<dyn Store>,
    queue: OnceLock<mpsc::Sender<Pending>>,
    contexts: Mutex<HashMap<Uuid, Arc<ScanContext>>>,
}

impl std::fmt::Debug for ScanService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ScanService")
    }
}

impl ScanService {
    pub fn new(store: Arc<dyn Store>) -> Self {
        Self {
            store,
            queue: OnceLock::new(),
            contexts: Mutex::new(HashMap::new()),
        }
    }

    /// The election a scan is for, from the cached context while it is
    /// fresh (one store round trip less per ballot), else from the store.
    pub async fn election(&self, id: Uuid) -> Result<Option<Election>, HttpError> {
        let cached = self.contexts.lock().ok().and_then(|c| c.get(&id).cloned());
        if let Some(c) = cached {
            if c.loaded.elapsed() < SHAPE_TTL {
                return Ok(Some(c.election.clone()));
            }
        }
        Ok(self.store.get_election(id).await?)
    }

    /// The election's context; `batch` or `station` not in it (printed or
    /// set up since) or an old ballot shape reloads it.
    pub async fn context(
        &self,
        election: &Election,
        batch: Option<u16>,
        station: Option<&str>,
    ) -> Result<Arc<ScanContext>, HttpError> {
        let cached = self
            .contexts
            .lock()
            .ok()
            .and_then(|c| c.get(&election.id).cloned());
        if let Some(c) = cached {
            let knows_batch = batch.is_none_or(|b| c.batches.contains_key(&b));
            let knows_station = station.is_none_or(|s| c.stations.contains_key(s));
            if knows_batch && knows_station && c.key.is_some() && c.loaded.elapsed() < SHAPE_TTL {
                return Ok(c);
            }
        }
        let store = &*self.store;
        let key = store
            .find_ballot_key(election.id)
            .await?
            .map(|k| SerialKey::from_bytes(&k.0));
        let batches = store
            .list_batches(election.id)
            .await?
            .into_iter()
            .map(|b| (b.number, b.station))
            .collect();
        let stations = store
            .list_stations(election.id)
            .await?
            .into_iter()
            .map(|s| (s.code, s.name))
            .collect();
        // The ballot as printed (the general round's formal list, or a
        // later round's contests), from the one place that fixes it.
        let contests = crate::tally::contests(store, election).await?;
        let shape = election
            .seats
            .iter()
            .map(|s| {
                let standing = contests.as_ref().map_or(0, |all| {
                    all.iter()
                        .find(|c| c.id == s.position)
                        .map_or(0, |c| c.candidates.len())
                });
                (s.position.clone(), (s.seats, standing))
            })
            .collect();
        let context = Arc::new(ScanContext {
            key,
            batches,
            stations,
            shape,
            formal_list: contests.is_some(),
            election: election.clone(),
            loaded: Instant::now(),
        });
        if let Ok(mut c) = self.contexts.lock() {
            c.insert(election.id, context.clone());
        }
        Ok(context)
    }

    /// Stores one scan with whatever else is waiting, and answers once the
    /// transaction holding it has committed.
    pub async fn record(
        &self,
        election: Uuid,
        scan: NewScan,
        log: Option<ScanLog>,
        now: DateTime<Utc>,
    ) -> Result<ScanOutcome, HttpError> {
        let queue = self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * MAX_GROUP);
            tokio::spawn(writer(self.store.clone(), rx));
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send(Pending {
                election,
                scan,
                log,
                now,
                reply,
            })
            .await
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the scan writer stopped")))?;
        answer
            .await
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the scan writer dropped a scan")))?
            .map_err(|e| HttpError::Internal(anyhow::anyhow!("storing scans: {e}")))
    }
}

/// The writer task: takes what is waiting, stores it per election in one
/// transaction each, answers every request.
async fn writer(store: Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(p) => group.push(p),
                Err(_) => break,
            }
        }
        // Almost always one election; keep each election's scans in order.
        let mut elections: Vec<Uuid> = Vec::new();
        for p in &group {
            if !elections.contains(&p.election) {
                elections.push(p.election);
            }
        }
        for election in elections {
            let (mine, rest): (Vec<Pending>, Vec<Pending>) =
                group.into_iter().partition(|p| p.election == election);
            group = rest;
            let scans: Vec<NewScan> = mine.iter().map(|p| p.scan.clone()).collect();
            let now = mine.last().map_or_else(Utc::now, |p| p.now);
            let logs: Vec<Option<ScanLog>> = mine.iter().map(|p| p.log.clone()).collect();
            // A stored (or replayed) ballot's entry; refusals are logged by
            // the middleware with the refusal's status.
            let entry = |i: usize, outcome: &ScanOutcome| {
                let log = logs.get(i)?.as_ref()?;
                let status = match outcome {
                    ScanOutcome::Recorded(_) => 201,
                    ScanOutcome::Replayed(_) => 200,
                    _ => return None,
                };
                Some(huanjie_core::audit::NewEntry {
                    chain: election,
                    at: now,
                    actor: log.actor.clone(),
                    action: log.action.clone(),
                    details: serde_json::json!({
                        "status": status,
                        "params": { "station": scans.get(i).map(|s| s.station.as_str()) },
                        "event": "scan",
                    }),
                })
            };
            match store
                .record_scans_logged(election, &scans, &entry, now)
                .await
            {
                Ok(outcomes) => {
                    for (p, o) in mine.into_iter().zip(outcomes) {
                        let _ = p.reply.send(Ok(o));
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, scans = scans.len(), "storing a group of scans failed");
                    let message = e.to_string();
                    for p in mine {
                        let _ = p.reply.send(Err(message.clone()));
                    }
                }
            }
        }
    }
}
