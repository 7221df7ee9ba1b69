//! The live count board (公开唱票): each candidate's running count per
//! position and the ballots counted per station, for a projector and for
//! observers, updated as scans land.
//!
//! **Where the numbers come from.** A board is a [`Tally`] (the rules
//! core's counter) fed with the stored ballots, read on from a cursor (the
//! last receipt number per station) each time something changes. Nothing
//! is counted from requests in flight: a ballot shows once it is
//! committed. A decision on a ballot under review, a station's issued
//! count changing, or a missed notification makes the board count again
//! from the start.
//!
//! **Several processes.** Changes come from the store
//! ([`Store::changes`]): on PostgreSQL through `LISTEN/NOTIFY`, so a board
//! served by one `huanjie serve` sees the ballots another one stored.
//!
//! **Secrecy while voting.** No contest totals are shown while any station
//! has not closed its polls (issue 6): only the stations and how many
//! ballots each has counted.
//!
//! **Load.** Changes wake a board's refresher, which runs at most every
//! [`REFRESH_EVERY`]; thousands of scans a second become a few reads.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Once};
use std::time::Duration;

use huanjie_core::counting::Ballot;
// The board shows tallies only: the electorate decides validity and
// winners, which the final count (`tally::final_count`) does.
use huanjie_core::electorate::Electorate;
use huanjie_core::polling::Polls;
use huanjie_store::{Election, Station, Store};
use serde_json::{json, Value};
use tokio::sync::{broadcast, watch, Notify};
use uuid::Uuid;

use crate::error::HttpError;
use crate::tally::{self, Tally};

/// The shortest time between two refreshes of one board.
pub const REFRESH_EVERY: Duration = Duration::from_millis(200);

/// Every board of this process.
pub struct CountBoards {
    store: Arc<dyn Store>,
    boards: Mutex<HashMap<Uuid, Arc<Board>>>,
    listening: Once,
    /// Set when the server stops: event streams end, so that a graceful
    /// shutdown does not wait for boards that would stay open for hours.
    closing: watch::Sender<bool>,
}

impl std::fmt::Debug for CountBoards {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CountBoards")
    }
}

struct Board {
    election: Election,
    wake: Notify,
    /// Count again from the start at the next refresh.
    recount: AtomicBool,
    snapshot: watch::Sender<Arc<Value>>,
    live: tokio::sync::Mutex<Option<Live>>,
}

/// What a board has counted so far.
struct Live {
    /// `None` before the formal list is fixed (no ballot to count yet).
    tally: Option<Tally>,
    /// The station codes and issued counts the tally's round was built on.
    stations: Vec<(String, u64)>,
    cursor: HashMap<String, u64>,
    counted: HashMap<String, u64>,
    pending: HashMap<String, u64>,
}

impl CountBoards {
    pub fn new(store: Arc<dyn Store>) -> Self {
        CountBoards {
            store,
            boards: Mutex::new(HashMap::new()),
            listening: Once::new(),
            closing: watch::channel(false).0,
        }
    }

    /// Ends every event stream (the server is stopping).
    pub fn close(&self) {
        self.closing.send_replace(true);
    }

    /// Becomes true when the server stops.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.closing.subscribe()
    }

    /// The election's board: its current snapshot, and every later one.
    pub async fn watch(
        self: &Arc<Self>,
        election: &Election,
    ) -> Result<watch::Receiver<Arc<Value>>, HttpError> {
        self.listening.call_once(|| {
            let boards = Arc::clone(self);
            let changes = self.store.changes();
            tokio::spawn(boards.listen(changes));
        });
        let (board, fresh) = {
            let mut boards = self
                .boards
                .lock()
                .map_err(|_| HttpError::Internal(anyhow::anyhow!("count boards poisoned")))?;
            match boards.get(&election.id) {
                Some(b) => (b.clone(), false),
                None => {
                    let board = Arc::new(Board {
                        election: election.clone(),
                        wake: Notify::new(),
                        recount: AtomicBool::new(true),
                        snapshot: watch::channel(Arc::new(Value::Null)).0,
                        live: tokio::sync::Mutex::new(None),
                    });
                    boards.insert(election.id, board.clone());
                    (board, true)
                }
            }
        };
        if fresh {
            tokio::spawn(refresher(self.store.clone(), board.clone()));
        }
        // The first look is counted now, not after the next change.
        if board.snapshot.borrow().is_null() {
            refresh(&*self.store, &board).await?;
        }
        Ok(board.snapshot.subscribe())
    }

    /// The election's board as it stands.
    pub async fn snapshot(self: &Arc<Self>, election: &Election) -> Result<Arc<Value>, HttpError> {
        let receiver = self.watch(election).await?;
        let current = receiver.borrow().clone();
        Ok(current)
    }

    async fn listen(self: Arc<Self>, mut changes: broadcast::Receiver<huanjie_store::Change>) {
        loop {
            let (election, recount) = match changes.recv().await {
                Ok(change) if change.election.is_nil() => (None, true),
                Ok(change) => (Some(change.election), change.recount),
                Err(broadcast::error::RecvError::Lagged(_)) => (None, true),
                Err(broadcast::error::RecvError::Closed) => return,
            };
            let boards: Vec<Arc<Board>> = match self.boards.lock() {
                Ok(b) => match election {
                    Some(id) => b.get(&id).cloned().into_iter().collect(),
                    None => b.values().cloned().collect(),
                },
                Err(_) => return,
            };
            for board in boards {
                if recount {
                    board.recount.store(true, Ordering::SeqCst);
                }
                board.wake.notify_one();
            }
        }
    }
}

async fn refresher(store: Arc<dyn Store>, board: Arc<Board>) {
    loop {
        board.wake.notified().await;
        if let Err(e) = refresh(&*store, &board).await {
            tracing::warn!(election = %board.election.id, error = ?e, "count board refresh failed");
            board.recount.store(true, Ordering::SeqCst);
        }
        tokio::time::sleep(REFRESH_EVERY).await;
    }
}

/// Reads what is new and publishes the board.
async fn refresh(store: &dyn Store, board: &Board) -> Result<(), HttpError> {
    let election = &board.election;
    let stations = store.list_stations(election.id).await?;
    let shape: Vec<(String, u64)> = stations
        .iter()
        .map(|s| (s.code.clone(), s.issued))
        .collect();
    let mut guard = board.live.lock().await;
    let stale = board.recount.swap(false, Ordering::SeqCst)
        || guard.as_ref().is_none_or(|l| l.stations != shape);
    if stale {
        *guard = None;
    }
    let live = match guard.as_mut() {
        Some(live) => live,
        None => {
            let tally = match tally::contests(store, election).await? {
                Some(contests) => Some(Tally::new(
                    election,
                    contests,
                    &stations,
                    0,
                    Electorate::Voters,
                )?),
                None => None,
            };
            guard.insert(Live {
                tally,
                stations: shape,
                cursor: HashMap::new(),
                counted: HashMap::new(),
                pending: HashMap::new(),
            })
        }
    };
    let new = store.counted_scans(election.id, &live.cursor).await?;
    let mut ballot = Ballot::default();
    for scan in &new {
        live.cursor.insert(scan.station.clone(), scan.number);
        *live.counted.entry(scan.station.clone()).or_default() += 1;
        match (&scan.marks, live.tally.as_mut()) {
            (Some(marks), Some(tally)) => tally.add(&scan.station, marks, &mut ballot)?,
            _ => *live.pending.entry(scan.station.clone()).or_default() += 1,
        }
    }
    let snapshot = render(election, &stations, live)?;
    drop(guard);
    board.snapshot.send_replace(Arc::new(snapshot));
    Ok(())
}

/// The board as JSON (what the page and the event stream show).
fn render(election: &Election, stations: &[Station], live: &Live) -> Result<Value, HttpError> {
    let still_voting = stations.is_empty() || stations.iter().any(|s| s.polls != Polls::Closed);
    let count = |m: &HashMap<String, u64>, code: &str| m.get(code).copied().unwrap_or(0);
    let station_rows: Vec<Value> = stations
        .iter()
        .map(|s| {
            json!({
                "code": s.code, "name": s.name, "kind": s.kind.code(), "polls": s.polls.code(),
                "issued": s.issued, "counted": count(&live.counted, &s.code),
                "pending": count(&live.pending, &s.code),
            })
        })
        .collect();
    let counted: u64 = live.counted.values().sum();
    let pending: u64 = live.pending.values().sum();
    let contests = match (&live.tally, still_voting) {
        (Some(tally), false) => {
            let result = tally
                .counter
                .clone()
                .finish(&tally.rules)
                .map_err(|e| HttpError::Internal(anyhow::anyhow!("board: {e}")))?;
            result
                .contests
                .iter()
                .map(|c| {
                    let label = tally
                        .labels
                        .iter()
                        .find(|(id, _)| *id == c.id)
                        .map_or(c.id.as_str(), |(_, l)| l.as_str());
                    json!({
                        "position": c.id, "label": label, "seats": c.seats,
                        "void_ballots": c.void_ballots,
                        "rows": c.tally.iter().map(|r| json!({
                            "person": r.person, "name": r.name, "for": r.votes_for,
                            "against": r.against, "abstain": r.abstain,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect::<Vec<_>>()
        }
        _ => Vec::new(),
    };
    Ok(json!({
        "election": election.id, "title": election.title,
        "stations": station_rows,
        "counted": counted, "pending": pending,
        "totals_hidden": still_voting,
        "hidden_because": still_voting.then(|| json!({
            "zh": "仍有投票站未结束投票：投票结束前不公布各候选人得票",
            "en": "a station's polls have not closed: no totals are shown until every station has closed",
        })),
        "contests": contests,
    }))
}
