//! The audit log, live (issue 8): every state-changing request and every
//! download of election data is appended to its election's hash chain
//! (`huanjie_core::audit`) before it is answered, and the chains are
//! checkpointed with the election's Ed25519 key.
//!
//! **What is logged, by whom.** One middleware, [`record`], wraps every
//! route of the API and the pages. For each request whose method is not
//! GET/HEAD/OPTIONS (and for the GET downloads in [`event`]'s export
//! list: printing and exports are events too) it appends one entry after
//! the handler ran:
//!
//! - chain: the election named by the path (`…/elections/{election_id}/…`)
//!   if it exists, else [`SERVER_CHAIN`] (a made-up id never opens a
//!   chain); an election's creation opens its own chain, and a clerk's
//!   station sign-in goes to the token's election;
//! - actor: the username, `station:<code>` for a clerk, or `-` (nobody
//!   signed in); a successful sign-in is logged as the user who signed in,
//!   and a caller refused before any handler ran (an observer posting) by
//!   the session or token presented;
//! - action: the method and the matched route template
//!   (`POST /api/v1/elections/{election_id}/stations/{station}/scans`),
//!   never the path with its values;
//! - details: `{"status", "params", "event"?, "result"?}`: the answer's
//!   status, the path's values except the election (it is the chain) and
//!   any resident (personal data), a stable event code for the issue's
//!   list (`sign_in`, `sign_in_failed`, `token_issue`, `polls_open`,
//!   `scan`, `certification`, `export`, …) and, for token issue, user
//!   creation, the new token's id and station or the new user's name and
//!   role, read from the answer (never its secret).
//!
//! Bodies of requests are never read: a scan's serial, a password, a
//! resident ID typed into a form never reach the log. A failed sign-in is
//! logged without the username tried (people type their password into the
//! username field). Every string is checked against the core's rule (no
//! whole resident ID) before it is queued; one that fails is masked.
//!
//! **Refusals are logged too** (401, 403, 409, 422 …): a refused attempt
//! is a security event (a wrong password, an observer or a clerk trying a
//! step that is not theirs, a step out of order), and logging it costs
//! one entry in a group commit. Requests that match no route are not
//! logged (nothing there can change state), nor the camera frames a
//! station tablet posts to read a serial (`read-serial`: nothing is
//! stored, and a few a second would swamp the log).
//!
//! **Before the answer.** The response is held until its entry is
//! committed. If the log cannot be written the client gets a 500 instead
//! of the handler's answer: a change the log does not hold is never
//! reported as done (it may have been made; the operator sees the error).
//!
//! **Group commit.** Entries go to one writer task, which appends
//! everything waiting (at most [`MAX_GROUP`]) in one `append_audit` call:
//! one transaction for the lot, so thousands of scans a second cost a
//! few hundred audit transactions, not thousands (the shape of
//! [`crate::scan_service`]). Entries of one group alike but for their
//! time (a station's scans, all answered 201) are written as one entry
//! with `"count": n` in its details: on SQLite the store writes a row per
//! entry, a statement each, under the write lock the scans need too. What
//! merging could not remove was the second commit in each scan's round
//! trip (the scan's, then its entry's), about 40% of the scan rate on
//! SQLite; so a scan over the API has its entry written by the store in
//! the scan writer's own transaction ([`LoggedWithChange`],
//! `Store::record_scans_logged`), and this middleware leaves it alone.
//!
//! **Checkpoints.** Every [`CHECKPOINT_EVERY`] a task signs, for each
//! election chain appended to since (on its first round: every
//! election), a [`Checkpoint`] of its head with the election's key
//! ([`crate::certification::key_pair`]); and at once after polls open,
//! polls close and certification succeed. The server chain (sign-ins,
//! users, tokens) is checkpointed the same way with the server's own key
//! (`Store::server_signing_key`, made on first use, its public key
//! published with the server chain's checkpoints), so a cut-off end of it
//! shows too. Like the election keys, it is kept in the database: someone
//! who can rewrite the database can re-sign; checkpoints an observer has
//! already downloaded are what catches that.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock, Weak};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, RawPathParams, Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use huanjie_core::audit::{Checkpoint, Entry, Head, NewEntry, SERVER_CHAIN};
use huanjie_core::resident_id::{self, ResidentId};
use huanjie_store::{Store, StoreError};
use ring::rand::SystemRandom;
use ring::signature::Ed25519KeyPair;
use serde_json::{json, Map, Value};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use crate::auth::{Principal, SESSION_COOKIE, STATION_COOKIE};
use crate::clock::Clock;
use crate::error::HttpError;
use crate::secrets;
use crate::state::AppState;

/// The most entries one transaction appends.
pub const MAX_GROUP: usize = 1024;

/// How often chains that moved are checkpointed.
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(5 * 60);

/// The most of a response body read back for its `result` fields (they
/// are small JSON answers; anything larger is left alone).
const RESULT_BODY_LIMIT: usize = 64 * 1024;

/// The longest path value kept (a longer one is cut, marked with `…`).
const MAX_PARAM_CHARS: usize = 64;

struct Pending {
    entry: NewEntry,
    reply: oneshot::Sender<Result<Entry, String>>,
}

/// The audit writer, the checkpointer and what they remember.
pub struct AuditLog {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    rng: SystemRandom,
    clock: Clock,
    queue: OnceLock<mpsc::Sender<Pending>>,
    /// Elections known to exist (never deleted): a path's election id is
    /// looked up once.
    known: Mutex<HashSet<Uuid>>,
    /// Chains appended to since their last checkpoint round.
    dirty: Mutex<HashSet<Uuid>>,
    /// Election signing keys, read once.
    keys: Mutex<HashMap<Uuid, Arc<Ed25519KeyPair>>>,
    /// One checkpoint at a time (the ticker and a trigger route).
    checkpointing: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditLog")
    }
}

impl AuditLog {
    pub fn new(store: Arc<dyn Store>, rng: SystemRandom, clock: Clock) -> Self {
        AuditLog {
            inner: Arc::new(Inner {
                store,
                rng,
                clock,
                queue: OnceLock::new(),
                known: Mutex::new(HashSet::new()),
                dirty: Mutex::new(HashSet::new()),
                keys: Mutex::new(HashMap::new()),
                checkpointing: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// Appends one entry with whatever else is waiting, and returns it
    /// once the transaction holding it has committed. An entry the chain
    /// would refuse (a float, a whole resident ID) is refused here, before
    /// it can spoil a group.
    pub async fn append(&self, entry: NewEntry) -> Result<Entry, HttpError> {
        huanjie_core::audit::check(&entry)
            .map_err(|e| HttpError::Internal(anyhow::anyhow!("an audit entry was refused: {e}")))?;
        let queue = self.inner.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(4 * MAX_GROUP);
            tokio::spawn(writer(
                Arc::downgrade(&self.inner),
                self.inner.store.clone(),
                rx,
            ));
            tokio::spawn(ticker(Arc::downgrade(&self.inner)));
            tx
        });
        let (reply, answer) = oneshot::channel();
        queue
            .send(Pending { entry, reply })
            .await
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the audit writer stopped")))?;
        answer
            .await
            .map_err(|_| HttpError::Internal(anyhow::anyhow!("the audit writer dropped an entry")))?
            .map_err(|e| HttpError::Internal(anyhow::anyhow!("writing the audit log: {e}")))
    }

    /// Signs and stores a checkpoint of `chain` if its head moved since its
    /// last one; returns it (`None`: nothing new, or the server chain).
    pub async fn checkpoint(&self, chain: Uuid) -> Result<Option<Checkpoint>, HttpError> {
        self.inner.checkpoint(chain).await
    }

    /// One round of the ticker now: every chain appended to since the
    /// last round.
    pub async fn checkpoint_moved(&self) {
        self.inner.checkpoint_dirty().await;
    }

    /// Whether `id` is an existing election (cached once found).
    async fn election_exists(&self, id: Uuid) -> bool {
        let inner = &self.inner;
        if inner.known.lock().is_ok_and(|k| k.contains(&id)) {
            return true;
        }
        match inner.store.get_election(id).await {
            Ok(Some(_)) => {
                if let Ok(mut k) = inner.known.lock() {
                    k.insert(id);
                }
                true
            }
            Ok(None) => false,
            Err(e) => {
                tracing::warn!(error = %e, "audit: cannot look an election up; logging on the server chain");
                false
            }
        }
    }
}

impl Inner {
    async fn checkpoint(&self, chain: Uuid) -> Result<Option<Checkpoint>, HttpError> {
        let _one_at_a_time = self.checkpointing.lock().await;
        let store = &*self.store;
        let Some(last) = store.audit_head(chain).await? else {
            return Ok(None);
        };
        let head = Head::of(Some(&last));
        let signed = store.list_checkpoints(chain).await?;
        if signed.last().is_some_and(|(c, _)| c.size >= head.size) {
            return Ok(None);
        }
        let key = self.key(chain).await?;
        let checkpoint = Checkpoint::new(chain, head, self.clock.now());
        let signature = checkpoint.sign(&key);
        match store.add_checkpoint(&checkpoint, signature).await {
            Ok(()) => Ok(Some(checkpoint)),
            // Another process signed this size first: as good.
            Err(StoreError::Conflict(_)) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    async fn key(&self, chain: Uuid) -> Result<Arc<Ed25519KeyPair>, HttpError> {
        if let Some(k) = self.keys.lock().ok().and_then(|k| k.get(&chain).cloned()) {
            return Ok(k);
        }
        let pair = if chain == SERVER_CHAIN {
            // The server chain has a key of its own (not an election's).
            Arc::new(
                crate::certification::server_key_pair(&*self.store, &self.rng, self.clock.now())
                    .await?,
            )
        } else {
            let election = self
                .store
                .get_election(chain)
                .await?
                .ok_or(HttpError::NotFound)?;
            Arc::new(
                crate::certification::key_pair(
                    &*self.store,
                    &self.rng,
                    &election,
                    self.clock.now(),
                )
                .await?,
            )
        };
        if let Ok(mut k) = self.keys.lock() {
            k.insert(chain, pair.clone());
        }
        Ok(pair)
    }

    fn mark_dirty(&self, chains: impl IntoIterator<Item = Uuid>) {
        if let Ok(mut d) = self.dirty.lock() {
            d.extend(chains);
        }
    }

    async fn checkpoint_dirty(&self) {
        let chains: Vec<Uuid> = self
            .dirty
            .lock()
            .map(|mut d| d.drain().collect())
            .unwrap_or_default();
        self.checkpoint_all(chains).await;
    }

    async fn checkpoint_all(&self, chains: Vec<Uuid>) {
        for chain in chains {
            if let Err(e) = self.checkpoint(chain).await {
                tracing::error!(error = %e, %chain, "audit: checkpointing failed; trying again next round");
                self.mark_dirty([chain]);
            }
        }
    }
}

/// The writer task: takes what is waiting, appends it in one transaction,
/// answers every request. Entries alike but for their time (the same
/// actor, action, chain and details: a station's scans, all answered 201)
/// become one entry with `"count"` in its details: the store writes one
/// row per entry, one statement each, inside the write lock that the scans
/// need too, so a station counting hundreds of ballots a second would
/// otherwise hold it for as many statements. Nothing is lost: such
/// entries differ by microseconds only, and the count says how many.
async fn writer(inner: Weak<Inner>, store: Arc<dyn Store>, mut rx: mpsc::Receiver<Pending>) {
    while let Some(first) = rx.recv().await {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match rx.try_recv() {
                Ok(p) => group.push(p),
                Err(_) => break,
            }
        }
        let (entries, replies) = merge(group);
        match store.append_audit(&entries).await {
            Ok(stored) => {
                if let Some(inner) = inner.upgrade() {
                    inner.mark_dirty(stored.iter().map(|e| e.chain));
                }
                for (waiting, e) in replies.into_iter().zip(stored) {
                    for reply in waiting {
                        let _ = reply.send(Ok(e.clone()));
                    }
                }
            }
            Err(e) => {
                tracing::error!(error = %e, entries = entries.len(), "appending a group of audit entries failed");
                let message = e.to_string();
                for reply in replies.into_iter().flatten() {
                    let _ = reply.send(Err(message.clone()));
                }
            }
        }
    }
}

type Replies = Vec<oneshot::Sender<Result<Entry, String>>>;

/// A group's entries with those alike merged (at the place and time of
/// the first, `"count"` added when more than one), each with the requests
/// waiting for it.
fn merge(group: Vec<Pending>) -> (Vec<NewEntry>, Vec<Replies>) {
    let mut entries: Vec<NewEntry> = Vec::with_capacity(group.len());
    let mut replies: Vec<Replies> = Vec::with_capacity(group.len());
    let mut seen: HashMap<(Uuid, String, String, String), usize> = HashMap::new();
    for p in group {
        let key = (
            p.entry.chain,
            p.entry.actor.clone(),
            p.entry.action.clone(),
            huanjie_core::audit::canonical_json(&p.entry.details),
        );
        match seen.get(&key) {
            Some(&i) => replies[i].push(p.reply),
            None => {
                seen.insert(key, entries.len());
                entries.push(p.entry);
                replies.push(vec![p.reply]);
            }
        }
    }
    for (entry, waiting) in entries.iter_mut().zip(&replies) {
        if let (Value::Object(details), n @ 2..) = (&mut entry.details, waiting.len()) {
            details.insert("count".into(), json!(n));
        }
    }
    (entries, replies)
}

/// Checkpoints what moved every [`CHECKPOINT_EVERY`]; its first round
/// takes every election (chains a previous run left unsigned). Ends with
/// the app.
async fn ticker(inner: Weak<Inner>) {
    let mut interval = tokio::time::interval(CHECKPOINT_EVERY);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    interval.tick().await;
    let mut first = true;
    loop {
        interval.tick().await;
        let Some(inner) = inner.upgrade() else {
            return;
        };
        if first {
            first = false;
            match inner.store.list_elections().await {
                Ok(all) => inner.mark_dirty(
                    all.into_iter()
                        .map(|e| e.id)
                        .chain(std::iter::once(SERVER_CHAIN)),
                ),
                Err(e) => tracing::warn!(error = %e, "audit: cannot list elections to checkpoint"),
            }
        }
        inner.checkpoint_dirty().await;
    }
}

// --- the middleware -----------------------------------------------------------

/// Where the inner middleware leaves who the caller is, for [`record`].
#[derive(Clone, Default)]
struct ActorSlot(Arc<Mutex<Option<String>>>);

/// How an actor is written: the username, or `station:<code>`.
fn actor_of(principal: &Principal) -> String {
    match principal {
        Principal::User { user, .. } => user.username.clone(),
        Principal::Clerk(token) => format!("station:{}", token.station),
        // Nobody signed in, reading a public election's portal.
        Principal::Public { .. } => "-".to_owned(),
    }
}

/// Middleware, inside [`crate::auth::resolve_principal`]: tells
/// [`record`] (outside it) who the caller turned out to be.
pub async fn note_actor(req: Request, next: Next) -> Response {
    if let (Some(slot), Some(p)) = (
        req.extensions().get::<ActorSlot>(),
        req.extensions().get::<Principal>(),
    ) {
        if let Ok(mut s) = slot.0.lock() {
            *s = Some(actor_of(p));
        }
    }
    next.run(req).await
}

/// Middleware, outside [`crate::auth::resolve_principal`] (so that its
/// refusals are logged too): appends the request's entry once the handler
/// has answered, and holds the answer until the entry is committed (see
/// the module docs).
/// Set on a response whose audit entry the store wrote in the same
/// transaction as the change (a scan over the API: the ballot and its
/// entry commit together, with one commit for a whole group of scans);
/// [`record`] then appends nothing more.
#[derive(Debug, Clone, Copy)]
pub struct LoggedWithChange;

pub async fn record(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let Some(template) = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
    else {
        return next.run(req).await;
    };
    let changes_state = !matches!(method, Method::GET | Method::HEAD | Method::OPTIONS)
        && !READS_ONLY.contains(&route(&template));
    let event = event(&method, &template);
    if !changes_state && event.is_none() {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let params: Vec<(String, String)> =
        match RawPathParams::from_request_parts(&mut parts, &state).await {
            Ok(raw) => raw
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
            Err(_) => Vec::new(),
        };
    // The secret presented, to name a caller refused before
    // `note_actor` ran (an observer trying a change).
    let credential = crate::auth::bearer(&parts.headers)
        .or_else(|| crate::auth::cookie(&parts.headers, SESSION_COOKIE))
        .or_else(|| crate::auth::cookie(&parts.headers, STATION_COOKIE));
    let slot = ActorSlot::default();
    parts.extensions.insert(slot.clone());
    let is_api = template.starts_with("/api/");
    let response = next.run(Request::from_parts(parts, body)).await;

    // Already in the log: written by the store with the change itself.
    if response.extensions().get::<LoggedWithChange>().is_some() {
        return response;
    }
    let status = response.status();
    let ok = succeeded(status);
    let (response, answer) = match route(&template) {
        r if ok && BODY_READ.contains(&(method.as_str(), r)) => read_back(response).await,
        _ => (response, Value::Null),
    };
    let mut actor = slot.0.lock().ok().and_then(|s| s.clone());
    if actor.is_none() && !ok {
        if let Some(secret) = &credential {
            actor = presented(&state, secret).await;
        }
    }
    let mut chain = election_param(&params);
    let mut result = Map::new();
    match (method.as_str(), route(&template)) {
        // Signing in (and the first-run set-up, which signs in): the user
        // who signed in, from the answer.
        ("POST", "/sessions" | "/setup") if is_api && ok => {
            actor = answer["user"]["username"].as_str().map(str::to_owned);
        }
        ("POST", "/signin" | "/setup") if ok => {
            if let Some(secret) = set_cookie(response.headers(), SESSION_COOKIE) {
                let hash = secrets::sha256(secret.as_bytes());
                if let Ok(Some((_, user))) = state.store.find_session(hash, state.clock.now()).await
                {
                    actor = Some(user.username);
                }
            }
        }
        ("POST", "/station") if ok => {
            if let Some(secret) = set_cookie(response.headers(), STATION_COOKIE) {
                let hash = secrets::sha256(secret.as_bytes());
                if let Ok(Some(token)) = state
                    .store
                    .find_station_token(hash, state.clock.now())
                    .await
                {
                    actor = Some(format!("station:{}", token.station));
                    chain = Some(token.election_id);
                }
            }
        }
        // A new election opens its own chain.
        ("POST", "/elections") if ok => {
            chain = location_election(response.headers())
                .or_else(|| answer["id"].as_str().and_then(|s| Uuid::parse_str(s).ok()));
        }
        ("POST", "/elections/{election_id}/station-tokens") if ok => {
            copy(
                &answer,
                &mut result,
                &[
                    ("id", "token_id"),
                    ("station", "station"),
                    ("expires_at", "expires_at"),
                ],
            );
        }
        ("POST", "/users") if ok => {
            copy(
                &answer,
                &mut result,
                &[
                    ("id", "user_id"),
                    ("username", "username"),
                    ("role", "role"),
                ],
            );
        }
        _ => {}
    }
    let chain = match chain {
        Some(id) if state.audit.election_exists(id).await => id,
        _ => SERVER_CHAIN,
    };
    let mut details = Map::new();
    details.insert("status".into(), json!(status.as_u16()));
    details.insert("params".into(), Value::Object(kept_params(&params, chain)));
    if let Some(event) = event {
        let code = if status.is_client_error() || status.is_server_error() {
            format!("{event}_failed")
        } else {
            event.to_owned()
        };
        details.insert("event".into(), Value::String(code));
    }
    if !result.is_empty() {
        details.insert("result".into(), Value::Object(result));
    }
    let mut details = Value::Object(details);
    scrub(&mut details);
    let entry = NewEntry {
        chain,
        at: state.clock.now(),
        actor: scrubbed(actor.unwrap_or_else(|| "-".to_owned())),
        action: format!("{method} {template}"),
        details,
    };
    if let Err(e) = state.audit.append(entry).await {
        tracing::error!(error = %e, %template, "the audit log could not be written; answering 500");
        return refusal(e, is_api);
    }
    if ok && triggers_checkpoint(&method, &template) {
        if let Err(e) = state.audit.checkpoint(chain).await {
            tracing::error!(error = %e, %chain, "audit: checkpoint after a trigger failed; the ticker retries");
            state.audit.inner.mark_dirty([chain]);
        }
    }
    response
}

/// Who a presented secret belongs to, if anyone (for refusals only: an
/// accepted one is known from [`note_actor`]).
async fn presented(state: &AppState, secret: &str) -> Option<String> {
    let hash = secrets::sha256(secret.as_bytes());
    let now = state.clock.now();
    if secret.starts_with(secrets::STATION_TOKEN_PREFIX) {
        let token = state.store.find_station_token(hash, now).await.ok()??;
        Some(format!("station:{}", token.station))
    } else if secret.starts_with(secrets::SESSION_PREFIX) {
        let (_, user) = state.store.find_session(hash, now).await.ok()??;
        Some(user.username)
    } else {
        None
    }
}

fn refusal(error: HttpError, is_api: bool) -> Response {
    if is_api {
        error.into_response()
    } else {
        crate::pages::PageError::new(error, crate::i18n::Lang::default()).into_response()
    }
}

/// The template without the API prefix: API and page routes that do the
/// same thing then read alike.
fn route(template: &str) -> &str {
    template.strip_prefix("/api/v1").unwrap_or(template)
}

/// POST routes that store nothing and come too often to log: the station
/// tablet's camera frames, a few a second while it looks for a QR code.
const READS_ONLY: &[&str] = &["/elections/{election_id}/stations/{station}/read-serial"];

/// Routes whose answer is read back for the entry (small JSON answers).
const BODY_READ: &[(&str, &str)] = &[
    ("POST", "/sessions"),
    ("POST", "/setup"),
    ("POST", "/elections"),
    ("POST", "/elections/{election_id}/station-tokens"),
    ("POST", "/users"),
];

/// The stable event code of a route, for the events the issue lists
/// (`_failed` is added when refused). Downloads of election data are
/// events too (`export`, and the ballot PDFs: `printing`); other GETs
/// are not logged.
pub fn event(method: &Method, template: &str) -> Option<&'static str> {
    let r = route(template);
    let tail = r.strip_prefix("/elections/{election_id}").unwrap_or("");
    let m = method.as_str();
    Some(match (m, r, tail) {
        ("POST", "/sessions" | "/signin", _) => "sign_in",
        ("DELETE", "/sessions/current", _) | ("POST", "/signout", _) => "sign_out",
        ("POST", "/setup", _) => "setup",
        ("POST", "/station", _) => "station_sign_in",
        ("POST", "/station/signout", _) => "station_sign_out",
        ("POST", "/users", _) => "user_create",
        ("POST", "/elections", _) => "election_create",
        ("POST", _, "/station-tokens" | "/stations/{station}/token") => "token_issue",
        ("POST", _, "/station-tokens/{token_id}/revoke") => "token_revoke",
        ("POST", _, "/roll") => "roll_import",
        ("POST", _, "/publication" | "/registration/publish") => "publication",
        ("POST", _, "/objections/{objection}/decision")
        | ("POST", _, "/registration/objections/{objection}/decision") => "objection_decision",
        ("POST", _, "/nominations" | "/nomination/papers") => "nomination",
        ("POST", _, "/formal-list" | "/nomination/formal-list") => "formal_list",
        ("POST", _, "/ballot-batches" | "/ballots/batches")
        | ("POST", _, "/ballot-batches/{batch}/print-jobs")
        | ("GET", _, "/ballot-batches/{batch}/pdf" | "/print-jobs/{job}/pdf") => "printing",
        ("POST", _, "/serials/void" | "/ballots/void") => "ballot_void",
        ("POST", _, "/stations/{station}/open") => "polls_open",
        ("POST", _, "/stations/{station}/close") => "polls_close",
        ("POST", _, "/stations/{station}/scans" | "/stations/{station}/scan-images") => "scan",
        ("POST", _, "/stations/{station}/scans/{number}/decision") => "adjudication",
        ("POST", _, "/certification") => "certification",
        ("PUT" | "POST", _, "/observer-access") => "observer_access",
        ("GET", _, "/case" | "/documents/{kind}" | "/notices/{kind}")
        | ("GET", _, "/voter-list.pdf" | "/voter-list.xlsx" | "/proxies.pdf")
        | ("GET", _, "/stations/{station}/count-sheet") => "export",
        _ => return None,
    })
}

/// Polls open, polls close and certification are checkpointed at once.
fn triggers_checkpoint(method: &Method, template: &str) -> bool {
    *method == Method::POST
        && matches!(
            route(template)
                .strip_prefix("/elections/{election_id}")
                .unwrap_or(""),
            "/stations/{station}/open" | "/stations/{station}/close" | "/certification"
        )
}

/// The path's election, if it names one.
fn election_param(params: &[(String, String)]) -> Option<Uuid> {
    params
        .iter()
        .find(|(k, _)| k == "election_id")
        .and_then(|(_, v)| Uuid::parse_str(v).ok())
}

/// Path values observers may see: everything but the election (the chain;
/// kept when it is not, so a refusal about an unknown election says which)
/// and residents (personal data).
fn kept_params(params: &[(String, String)], chain: Uuid) -> Map<String, Value> {
    let mut out = Map::new();
    for (k, v) in params {
        if k == "resident" || (k == "election_id" && chain != SERVER_CHAIN) {
            continue;
        }
        let mut value: String = v.chars().take(MAX_PARAM_CHARS).collect();
        if v.chars().count() > MAX_PARAM_CHARS {
            value.push('…');
        }
        out.insert(k.clone(), Value::String(value));
    }
    out
}

/// `fields` of `answer` (from, to) into `out`, when present.
fn copy(answer: &Value, out: &mut Map<String, Value>, fields: &[(&str, &str)]) {
    for (from, to) in fields {
        if let Some(v) = answer.get(*from).filter(|v| !v.is_null()) {
            out.insert((*to).to_owned(), v.clone());
        }
    }
}

/// Reads a small JSON answer back (and rebuilds the response around it).
async fn read_back(response: Response) -> (Response, Value) {
    let (parts, body) = response.into_parts();
    match axum::body::to_bytes(body, RESULT_BODY_LIMIT).await {
        Ok(bytes) => {
            let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
            (Response::from_parts(parts, Body::from(bytes)), value)
        }
        Err(e) => {
            tracing::error!(error = %e, "audit: cannot read an answer back");
            (
                HttpError::Internal(anyhow::anyhow!("reading an answer back: {e}")).into_response(),
                Value::Null,
            )
        }
    }
}

/// The value a `Set-Cookie` header of the response gives cookie `name`.
fn set_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v.to_owned())
}

/// The election a `Location: …/elections/{uuid}` header names.
fn location_election(headers: &HeaderMap) -> Option<Uuid> {
    let location = headers.get(header::LOCATION)?.to_str().ok()?;
    let rest = location
        .strip_prefix("/api/v1/elections/")
        .or_else(|| location.strip_prefix("/elections/"))?;
    Uuid::parse_str(rest.split(['/', '?']).next()?).ok()
}

/// A string as the log may hold it: a whole resident ID is masked.
fn scrubbed(text: String) -> String {
    if text.trim().chars().count() == 18 && text.parse::<ResidentId>().is_ok() {
        resident_id::mask(text.trim())
    } else {
        text
    }
}

/// [`scrubbed`] on every string (and key) in `value`.
fn scrub(value: &mut Value) {
    match value {
        Value::String(s) => *s = scrubbed(std::mem::take(s)),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => {
            let old = std::mem::take(map);
            for (k, mut v) in old {
                scrub(&mut v);
                map.insert(scrubbed(k), v);
            }
        }
        _ => {}
    }
}

/// Whether a response status is a success for the log's purposes.
pub fn succeeded(status: StatusCode) -> bool {
    status.is_success() || status.is_redirection()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_of_api_and_pages_read_alike() {
        let post = Method::POST;
        assert_eq!(event(&post, "/api/v1/sessions"), Some("sign_in"));
        assert_eq!(event(&post, "/signin"), Some("sign_in"));
        assert_eq!(
            event(
                &post,
                "/api/v1/elections/{election_id}/stations/{station}/open"
            ),
            Some("polls_open")
        );
        assert_eq!(
            event(&post, "/elections/{election_id}/stations/{station}/open"),
            Some("polls_open")
        );
        assert_eq!(
            event(&Method::GET, "/api/v1/elections/{election_id}/case"),
            Some("export")
        );
        assert_eq!(event(&Method::GET, "/api/v1/elections/{election_id}"), None);
        assert_eq!(
            event(&post, "/api/v1/elections/{election_id}/seats"),
            None,
            "logged, but without an event code"
        );
        assert!(triggers_checkpoint(
            &post,
            "/api/v1/elections/{election_id}/certification"
        ));
        assert!(!triggers_checkpoint(
            &Method::GET,
            "/api/v1/elections/{election_id}/certification"
        ));
    }

    #[test]
    fn residents_and_the_chain_are_not_kept() {
        let e = Uuid::from_u128(7);
        let params = vec![
            ("election_id".to_owned(), e.to_string()),
            ("resident".to_owned(), "110101199003070011".to_owned()),
            ("station".to_owned(), "S1".to_owned()),
        ];
        let kept = kept_params(&params, e);
        assert_eq!(Value::Object(kept), json!({"station": "S1"}));
        let kept = kept_params(&params, SERVER_CHAIN);
        assert_eq!(kept["election_id"], json!(e.to_string()));
    }

    #[test]
    fn whole_resident_ids_are_masked_anywhere() {
        let mut v =
            json!({"params": {"station": "11010519491231002X", "x": ["11010519491231002X"]}});
        scrub(&mut v);
        assert_eq!(
            v,
            json!({"params": {"station": "1101**********002X", "x": ["1101**********002X"]}})
        );
        assert_eq!(scrubbed("S1".into()), "S1");
    }

    #[test]
    fn entries_alike_are_merged_with_a_count() {
        let e = Uuid::from_u128(7);
        let entry = |actor: &str, status: u16| NewEntry {
            chain: e,
            at: chrono::Utc::now(),
            actor: actor.into(),
            action: "POST /x".into(),
            details: json!({"status": status}),
        };
        let mut answers = Vec::new();
        let group = [
            entry("station:S1", 201),
            entry("station:S2", 201),
            entry("station:S1", 201),
            entry("station:S1", 409),
            entry("station:S1", 201),
        ]
        .into_iter()
        .map(|entry| {
            let (reply, answer) = oneshot::channel();
            answers.push(answer);
            Pending { entry, reply }
        })
        .collect();
        let (entries, replies) = merge(group);
        let summary: Vec<(String, Value)> = entries
            .iter()
            .map(|e| (e.actor.clone(), e.details.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                ("station:S1".into(), json!({"status": 201, "count": 3})),
                ("station:S2".into(), json!({"status": 201})),
                ("station:S1".into(), json!({"status": 409})),
            ]
        );
        assert_eq!(
            replies.iter().map(Vec::len).collect::<Vec<_>>(),
            vec![3, 1, 1]
        );
    }

    #[tokio::test]
    async fn moved_chains_are_checkpointed_with_their_keys() {
        let store: Arc<dyn Store> =
            Arc::new(huanjie_store::SqliteStore::open_in_memory().await.unwrap());
        let input: crate::elections::ElectionInput = serde_json::from_value(json!({
            "body_kind": "residents_committee", "title": "和平社区",
            "profile": "city-2009", "election_day": "2030-05-01",
            "seats": [{"position": "director", "seats": 1}, {"position": "member", "seats": 4}]
        }))
        .unwrap();
        let new = crate::elections::validate(&input).unwrap();
        let election = store
            .create_election(&new, chrono::Utc::now())
            .await
            .unwrap();
        let log = AuditLog::new(store.clone(), SystemRandom::new(), Clock::system());
        let entry = |chain| NewEntry {
            chain,
            at: chrono::Utc::now(),
            actor: "chair".into(),
            action: "POST /x".into(),
            details: json!({}),
        };
        for _ in 0..3 {
            log.append(entry(election.id)).await.unwrap();
        }
        log.append(entry(SERVER_CHAIN)).await.unwrap();
        log.checkpoint_moved().await;
        let signed = store.list_checkpoints(election.id).await.unwrap();
        assert_eq!(signed.len(), 1);
        assert_eq!(signed[0].0.size, 3);
        let key = store.find_signing_key(election.id).await.unwrap().unwrap();
        let entries = store.list_audit(election.id, 0, 100).await.unwrap();
        assert_eq!(
            huanjie_core::audit::verify_all(election.id, &entries, &signed, &key.public_key)
                .unwrap()
                .size,
            3
        );
        // The server chain is checkpointed with the server's own key, not
        // the election's.
        let server_signed = store.list_checkpoints(SERVER_CHAIN).await.unwrap();
        assert_eq!(server_signed.len(), 1);
        assert_eq!(server_signed[0].0.size, 1);
        let server_key = store.find_server_signing_key().await.unwrap().unwrap();
        assert_ne!(server_key.public_key, key.public_key);
        let server_entries = store.list_audit(SERVER_CHAIN, 0, 100).await.unwrap();
        assert!(huanjie_core::audit::verify_all(
            SERVER_CHAIN,
            &server_entries,
            &server_signed,
            &server_key.public_key
        )
        .is_ok());
        // A server checkpoint under an election's key does not verify.
        assert!(huanjie_core::audit::verify_all(
            SERVER_CHAIN,
            &server_entries,
            &server_signed,
            &key.public_key
        )
        .is_err());
        // Nothing moved since: no new checkpoint on either chain.
        log.checkpoint_moved().await;
        assert_eq!(store.list_checkpoints(election.id).await.unwrap().len(), 1);
        assert_eq!(store.list_checkpoints(SERVER_CHAIN).await.unwrap().len(), 1);
        // A whole resident ID never reaches the store.
        let mut bad = entry(election.id);
        bad.actor = "11010519491231002X".into();
        assert!(log.append(bad).await.is_err());
        assert_eq!(
            store.list_audit(election.id, 0, 100).await.unwrap().len(),
            3
        );
    }

    #[test]
    fn set_cookie_and_location_are_read() {
        let mut h = HeaderMap::new();
        h.append(
            header::SET_COOKIE,
            "huanjie_session=hjs_abc; Path=/; HttpOnly".parse().unwrap(),
        );
        h.append(
            header::LOCATION,
            "/elections/00000000-0000-0000-0000-000000000007"
                .parse()
                .unwrap(),
        );
        assert_eq!(set_cookie(&h, SESSION_COOKIE).as_deref(), Some("hjs_abc"));
        assert_eq!(set_cookie(&h, STATION_COOKIE), None);
        assert_eq!(location_election(&h), Some(Uuid::from_u128(7)));
    }
}
