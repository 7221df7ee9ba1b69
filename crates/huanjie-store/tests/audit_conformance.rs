//! The storage conformance suite for the audit log (issue 8): appends in
//! groups keep each chain's numbering, concurrent appenders never fork a
//! chain, both databases refuse UPDATE and DELETE (and, on PostgreSQL,
//! TRUNCATE) on the log and its checkpoints — and when an attacker with
//! the owner's rights drops that guard and edits, deletes, reorders or
//! truncates rows, verification names the entry where the log breaks,
//! and a signed checkpoint catches the cut end.
//!
//! As in `conformance.rs`, every scenario is written once and the
//! `conformance!` macro runs it on a fresh SQLite file and on a brand-new
//! PostgreSQL database (the PostgreSQL leg fails, never skips, when no
//! server can be had). The stores are opened concretely: the tampering
//! goes around the port, through each adapter's own pool.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use huanjie_core::audit::{
    self, ChainError, Checkpoint, Entry, EntryError, Head, NewEntry, SERVER_CHAIN,
};
use huanjie_store::{AuditError, PostgresStore, SqliteStore, Store, StoreError};
use huanjie_testkit::postgres::{fresh_database, fresh_sqlite_path};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde_json::json;
use uuid::Uuid;

// --- helpers ---------------------------------------------------------------

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 12, 7, 0, 0).single().unwrap() + Duration::seconds(seconds)
}

/// The database under the port, for what the port never does.
enum Raw {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

struct Leg {
    store: Arc<dyn Store>,
    raw: Raw,
}

async fn sqlite_leg() -> (tempfile::TempDir, Leg) {
    let (dir, path) = fresh_sqlite_path();
    let store = SqliteStore::open(&path).await.unwrap();
    let raw = Raw::Sqlite(store.pool().clone());
    (
        dir,
        Leg {
            store: Arc::new(store),
            raw,
        },
    )
}

async fn postgres_leg() -> Leg {
    let url = fresh_database().await;
    let store = PostgresStore::connect(&url).await.unwrap();
    let raw = Raw::Postgres(store.pool().clone());
    Leg {
        store: Arc::new(store),
        raw,
    }
}

macro_rules! conformance {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let (_dir, leg) = super::sqlite_leg().await;
                    super::$scenario(leg).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $scenario() {
                    let leg = super::postgres_leg().await;
                    super::$scenario(leg).await;
                }
            )*
        }
    };
}

conformance!(
    groups_keep_each_chains_numbering,
    refused_events_write_nothing,
    concurrent_appenders_never_fork_a_chain,
    checkpoints_must_match_the_log,
    the_database_refuses_update_and_delete,
    tampering_is_found_at_the_right_entry,
    the_server_key_is_made_once,
);

impl Raw {
    /// Runs one statement; the database's error as it comes.
    async fn exec(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match self {
            Raw::Sqlite(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
            Raw::Postgres(pool) => sqlx::query(sql)
                .execute(pool)
                .await
                .map(|r| r.rows_affected()),
        }
    }

    fn is_postgres(&self) -> bool {
        matches!(self, Raw::Postgres(_))
    }

    /// What an attacker with the owner's rights does first: take the
    /// append-only guard away.
    async fn drop_guard(&self) {
        match self {
            Raw::Sqlite(_) => {
                for trigger in [
                    "audit_log_no_update",
                    "audit_log_no_delete",
                    "audit_log_in_order",
                    "audit_checkpoints_no_update",
                    "audit_checkpoints_no_delete",
                ] {
                    self.exec(&format!("DROP TRIGGER {trigger}")).await.unwrap();
                }
            }
            Raw::Postgres(_) => {
                for sql in [
                    "GRANT UPDATE, DELETE, TRUNCATE ON audit_log, audit_checkpoints TO CURRENT_USER",
                    "ALTER TABLE audit_log DISABLE TRIGGER USER",
                    "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER",
                ] {
                    self.exec(sql).await.unwrap();
                }
            }
        }
    }

    /// Writes every column of `e` over the row at `(e.chain, e.seq)`.
    async fn overwrite(&self, e: &Entry) {
        let details = audit::canonical_json(&e.details);
        let seq = i64::try_from(e.seq).unwrap();
        let n = match self {
            Raw::Sqlite(pool) => sqlx::query(
                "UPDATE audit_log SET at = ?, actor = ?, action = ?, details = ?, \
                 prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?",
            )
            .bind(e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
            .bind(&e.actor)
            .bind(&e.action)
            .bind(details)
            .bind(&e.prev_hash[..])
            .bind(&e.hash[..])
            .bind(e.chain.to_string())
            .bind(seq)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
            Raw::Postgres(pool) => sqlx::query(
                "UPDATE audit_log SET at = $1, actor = $2, action = $3, details = $4, \
                 prev_hash = $5, hash = $6 WHERE chain = $7 AND seq = $8",
            )
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(details)
            .bind(&e.prev_hash[..])
            .bind(&e.hash[..])
            .bind(e.chain)
            .bind(seq)
            .execute(pool)
            .await
            .unwrap()
            .rows_affected(),
        };
        assert_eq!(n, 1, "overwrote entry {} of {}", e.seq, e.chain);
    }

    /// Tries to slip `e` in over an existing row (SQLite's REPLACE, whose
    /// implicit delete fires no delete trigger; PostgreSQL's upsert).
    async fn replace(&self, e: &Entry) -> Result<u64, sqlx::Error> {
        let details = audit::canonical_json(&e.details);
        let seq = i64::try_from(e.seq).unwrap();
        match self {
            Raw::Sqlite(pool) => sqlx::query(
                "INSERT OR REPLACE INTO audit_log \
                 (chain, seq, at, actor, action, details, prev_hash, hash) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(e.chain.to_string())
            .bind(seq)
            .bind(e.at.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string())
            .bind(&e.actor)
            .bind(&e.action)
            .bind(details)
            .bind(&e.prev_hash[..])
            .bind(&e.hash[..])
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
            Raw::Postgres(pool) => sqlx::query(
                "INSERT INTO audit_log (chain, seq, at, actor, action, details, prev_hash, hash) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (chain, seq) DO UPDATE SET details = excluded.details, \
                 hash = excluded.hash",
            )
            .bind(e.chain)
            .bind(seq)
            .bind(e.at)
            .bind(&e.actor)
            .bind(&e.action)
            .bind(details)
            .bind(&e.prev_hash[..])
            .bind(&e.hash[..])
            .execute(pool)
            .await
            .map(|r| r.rows_affected()),
        }
    }
}

fn event(chain: Uuid, n: i64) -> NewEntry {
    NewEntry {
        chain,
        at: at(n) + Duration::nanoseconds(123_456_789),
        actor: "wang.fang".into(),
        action: "polls.issue".into(),
        details: json!({"station": "S1", "delta": n, "note": "第一投票站\n\"发出\""}),
    }
}

/// A whole chain through the port, page by page.
async fn read_chain(store: &dyn Store, chain: Uuid) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    loop {
        let after = out.last().map_or(0, |e| e.seq);
        let page = store.list_audit(chain, after, 7).await.unwrap();
        if page.is_empty() {
            return out;
        }
        out.extend(page);
    }
}

fn new_key() -> Ed25519KeyPair {
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
    Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap()
}

/// Signs and stores a checkpoint of the chain as it stands.
async fn checkpoint(store: &dyn Store, chain: Uuid, key: &Ed25519KeyPair, when: i64) -> Checkpoint {
    let head = Head::of(store.audit_head(chain).await.unwrap().as_ref());
    let c = Checkpoint::new(chain, head, at(when));
    store.add_checkpoint(&c, c.sign(key)).await.unwrap();
    c
}

/// The chain and its checkpoints as an auditor checks them.
async fn audit_chain(
    store: &dyn Store,
    chain: Uuid,
    key: &Ed25519KeyPair,
) -> Result<Head, ChainError> {
    let entries = read_chain(store, chain).await;
    let checkpoints = store.list_checkpoints(chain).await.unwrap();
    audit::verify_all(chain, &entries, &checkpoints, key.public_key().as_ref())
}

fn refused_as_append_only(result: Result<u64, sqlx::Error>, what: &str) {
    match result {
        Err(sqlx::Error::Database(db)) => assert!(
            db.message().contains("append-only"),
            "{what}: refused, but not by the guard: {}",
            db.message()
        ),
        other => panic!("{what}: expected the database to refuse it, got {other:?}"),
    }
}

// --- scenarios ---------------------------------------------------------------

async fn groups_keep_each_chains_numbering(leg: Leg) {
    let store = leg.store.as_ref();
    let election = Uuid::new_v4();
    assert_eq!(store.append_audit(&[]).await.unwrap(), vec![]);
    assert_eq!(store.audit_head(election).await.unwrap(), None);

    // One group over two chains, interleaved.
    let mut sign_in = event(SERVER_CHAIN, 0);
    sign_in.action = "user.sign_in".into();
    sign_in.details = json!({});
    let first = store
        .append_audit(&[
            event(election, 1),
            sign_in.clone(),
            event(election, 2),
            event(election, 3),
        ])
        .await
        .unwrap();
    assert_eq!(
        first.iter().map(|e| (e.chain, e.seq)).collect::<Vec<_>>(),
        vec![
            (election, 1),
            (SERVER_CHAIN, 1),
            (election, 2),
            (election, 3)
        ]
    );
    assert_eq!(first[1].prev_hash, audit::ZERO_HASH);
    assert_eq!(first[2].prev_hash, first[0].hash);
    // Stored to the microsecond, as hashed.
    assert_eq!(first[0].at, at(1) + Duration::microseconds(123_456));

    let second = store
        .append_audit(&[sign_in, event(election, 4)])
        .await
        .unwrap();
    assert_eq!((second[0].seq, second[1].seq), (2, 4));
    assert_eq!(second[0].prev_hash, first[1].hash);
    assert_eq!(second[1].prev_hash, first[3].hash);

    // Read back exactly as returned, and each chain verifies.
    let log = read_chain(store, election).await;
    assert_eq!(
        log,
        vec![
            first[0].clone(),
            first[2].clone(),
            first[3].clone(),
            second[1].clone()
        ]
    );
    assert_eq!(audit::verify(election, &log).unwrap(), Head::of(log.last()));
    let server = read_chain(store, SERVER_CHAIN).await;
    assert_eq!(server, vec![first[1].clone(), second[0].clone()]);
    assert_eq!(audit::verify(SERVER_CHAIN, &server).unwrap().size, 2);
    assert_eq!(
        store.audit_head(election).await.unwrap(),
        Some(second[1].clone())
    );

    // Pages: after a number, at most a limit.
    let page = store.list_audit(election, 1, 2).await.unwrap();
    assert_eq!(page.iter().map(|e| e.seq).collect::<Vec<_>>(), vec![2, 3]);
    assert!(store.list_audit(election, 4, 10).await.unwrap().is_empty());
    assert!(store
        .list_audit(Uuid::new_v4(), 0, 10)
        .await
        .unwrap()
        .is_empty());
}

async fn refused_events_write_nothing(leg: Leg) {
    let store = leg.store.as_ref();
    let election = Uuid::new_v4();
    store.append_audit(&[event(election, 1)]).await.unwrap();

    let mut float = event(election, 2);
    float.details = json!({"turnout": 0.83});
    let err = store
        .append_audit(&[event(election, 2), float])
        .await
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Audit(AuditError::Entry(EntryError::Float { path })) if path == "details.turnout"),
        "{err:?}"
    );
    let mut id = event(election, 2);
    id.details = json!({"voter": "11010519491231002X"});
    let err = store.append_audit(&[id]).await.unwrap_err();
    assert!(
        matches!(
            &err,
            StoreError::Audit(AuditError::Entry(EntryError::ResidentId { .. }))
        ),
        "{err:?}"
    );
    // The whole group was refused: the chain still ends at 1.
    assert_eq!(store.audit_head(election).await.unwrap().unwrap().seq, 1);
    let next = store.append_audit(&[event(election, 2)]).await.unwrap();
    assert_eq!(next[0].seq, 2);
}

async fn concurrent_appenders_never_fork_a_chain(leg: Leg) {
    const TASKS: i64 = 6;
    const GROUPS: i64 = 8;
    const PER_GROUP: i64 = 3;
    let election = Uuid::new_v4();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let store = Arc::clone(&leg.store);
        tasks.push(tokio::spawn(async move {
            let mut seqs = Vec::new();
            for g in 0..GROUPS {
                let mut group: Vec<NewEntry> = (0..PER_GROUP)
                    .map(|i| {
                        let mut e = event(election, i);
                        e.actor = format!("clerk.{t}");
                        e.details = json!({"task": t, "group": g, "i": i});
                        e
                    })
                    .collect();
                // Every other group also logs on the server chain, so
                // groups spanning two chains contend too.
                if g % 2 == 0 {
                    group.insert(1, event(SERVER_CHAIN, t));
                }
                let stored = store.append_audit(&group).await.unwrap();
                let mine: Vec<u64> = stored
                    .iter()
                    .filter(|e| e.chain == election)
                    .map(|e| e.seq)
                    .collect();
                // A group lands whole and in order.
                assert!(mine.windows(2).all(|w| w[1] == w[0] + 1), "{mine:?}");
                seqs.extend(mine);
            }
            seqs
        }));
    }
    let mut all: Vec<u64> = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort_unstable();
    let total = u64::try_from(TASKS * GROUPS * PER_GROUP).unwrap();
    assert_eq!(all, (1..=total).collect::<Vec<_>>());

    let store = leg.store.as_ref();
    let log = read_chain(store, election).await;
    assert_eq!(audit::verify(election, &log).unwrap().size, total);
    let server = read_chain(store, SERVER_CHAIN).await;
    let server_total = u64::try_from(TASKS * GROUPS / 2).unwrap();
    assert_eq!(
        audit::verify(SERVER_CHAIN, &server).unwrap().size,
        server_total
    );
    // Each task's own entries are in the order it appended them.
    for t in 0..TASKS {
        let groups: Vec<i64> = log
            .iter()
            .filter(|e| e.details["task"] == t)
            .map(|e| e.details["group"].as_i64().unwrap())
            .collect();
        assert!(
            groups.windows(2).all(|w| w[0] <= w[1]),
            "task {t}: {groups:?}"
        );
    }
}

async fn checkpoints_must_match_the_log(leg: Leg) {
    let store = leg.store.as_ref();
    let key = new_key();
    let election = Uuid::new_v4();
    // An empty chain's checkpoint: size 0, the zero hash.
    let empty = checkpoint(store, election, &key, 0).await;
    assert_eq!(empty.size, 0);
    for i in 1..=5 {
        store.append_audit(&[event(election, i)]).await.unwrap();
    }
    let five = checkpoint(store, election, &key, 10).await;
    assert_eq!(five.size, 5);
    let stored = store.list_checkpoints(election).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].0, empty);
    assert_eq!(stored[1].0, five);
    assert_eq!(stored[1].1, five.sign(&key));
    assert!(audit_chain(store, election, &key).await.is_ok());

    // Another checkpoint at size 5 (even a true one) is a conflict.
    let again = Checkpoint::new(
        election,
        Head {
            size: 5,
            hash: five.head,
        },
        at(20),
    );
    let err = store
        .add_checkpoint(&again, again.sign(&key))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict(_)), "{err:?}");

    // One that does not describe the log is refused.
    let log = read_chain(store, election).await;
    let wrong = Checkpoint::new(
        election,
        Head {
            size: 3,
            hash: log[1].hash,
        },
        at(30),
    );
    let err = store
        .add_checkpoint(&wrong, wrong.sign(&key))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Audit(AuditError::Checkpoint(ChainError::CheckpointMismatch {
                size: 3
            }))
        ),
        "{err:?}"
    );
    let beyond = Checkpoint::new(
        election,
        Head {
            size: 9,
            hash: log[4].hash,
        },
        at(30),
    );
    let err = store
        .add_checkpoint(&beyond, beyond.sign(&key))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            StoreError::Audit(AuditError::Checkpoint(ChainError::Truncated {
                checkpoint_size: 9,
                log_size: 5
            }))
        ),
        "{err:?}"
    );
    assert_eq!(store.list_checkpoints(election).await.unwrap().len(), 2);
    assert!(store
        .list_checkpoints(SERVER_CHAIN)
        .await
        .unwrap()
        .is_empty());
}

async fn the_database_refuses_update_and_delete(leg: Leg) {
    let store = leg.store.as_ref();
    let key = new_key();
    let election = Uuid::new_v4();
    for i in 1..=4 {
        store.append_audit(&[event(election, i)]).await.unwrap();
    }
    checkpoint(store, election, &key, 10).await;
    let before = read_chain(store, election).await;
    let c = election;

    for (sql, what) in [
        (
            format!("UPDATE audit_log SET details = '{{}}' WHERE chain = '{c}' AND seq = 2"),
            "UPDATE of an entry",
        ),
        (
            format!("UPDATE audit_log SET seq = seq + 100 WHERE chain = '{c}'"),
            "renumbering",
        ),
        (
            format!("DELETE FROM audit_log WHERE chain = '{c}' AND seq = 4"),
            "DELETE of an entry",
        ),
        ("DELETE FROM audit_log".to_owned(), "DELETE of every entry"),
        (
            format!("UPDATE audit_checkpoints SET size = 2 WHERE chain = '{c}'"),
            "UPDATE of a checkpoint",
        ),
        (
            "DELETE FROM audit_checkpoints".to_owned(),
            "DELETE of the checkpoints",
        ),
    ] {
        refused_as_append_only(leg.raw.exec(&sql).await, what);
    }
    if leg.raw.is_postgres() {
        refused_as_append_only(
            leg.raw.exec("TRUNCATE audit_log").await,
            "TRUNCATE of the log",
        );
        refused_as_append_only(
            leg.raw.exec("TRUNCATE audit_checkpoints").await,
            "TRUNCATE of the checkpoints",
        );
        // Even a statement that would touch no row.
        refused_as_append_only(
            leg.raw.exec("DELETE FROM audit_log WHERE false").await,
            "an empty DELETE",
        );
    }
    // Nor can a row be replaced by an insert, nor one be slipped in out of
    // turn.
    let mut forged = before[1].clone();
    forged.details = json!({"station": "S1", "delta": 999});
    forged.hash = forged.computed_hash();
    refused_as_append_only(leg.raw.replace(&forged).await, "a replacing insert");
    let mut skipped = forged.clone();
    skipped.seq = 9;
    refused_as_append_only(leg.raw.replace(&skipped).await, "an insert past the head");

    // Nothing changed, and appending goes on.
    assert_eq!(read_chain(store, election).await, before);
    store.append_audit(&[event(election, 5)]).await.unwrap();
    assert_eq!(audit_chain(store, election, &key).await.unwrap().size, 5);
}

async fn tampering_is_found_at_the_right_entry(leg: Leg) {
    let store = leg.store.as_ref();
    let key = new_key();
    // One chain per attack, six entries each, signed at 3 and at 6.
    let chains: Vec<Uuid> = (0..6).map(|_| Uuid::new_v4()).collect();
    for &chain in &chains {
        for i in 1..=3 {
            store.append_audit(&[event(chain, i)]).await.unwrap();
        }
        checkpoint(store, chain, &key, 100).await;
        let rest: Vec<NewEntry> = (4..=6).map(|i| event(chain, i)).collect();
        store.append_audit(&rest).await.unwrap();
        checkpoint(store, chain, &key, 200).await;
        assert_eq!(audit_chain(store, chain, &key).await.unwrap().size, 6);
    }
    let [edit, delete, swap, truncate, rewrite, checkpoints_gone] = chains[..] else {
        unreachable!()
    };

    leg.raw.drop_guard().await;

    // An entry's details edited in place.
    leg.raw
        .exec(&format!(
            "UPDATE audit_log SET details = '{{\"delta\":300,\"station\":\"S1\"}}' \
             WHERE chain = '{edit}' AND seq = 3"
        ))
        .await
        .unwrap();
    assert_eq!(
        audit_chain(store, edit, &key).await,
        Err(ChainError::Edited { seq: 3 })
    );

    // An entry deleted.
    let n = leg
        .raw
        .exec(&format!(
            "DELETE FROM audit_log WHERE chain = '{delete}' AND seq = 4"
        ))
        .await
        .unwrap();
    assert_eq!(n, 1);
    assert_eq!(
        audit_chain(store, delete, &key).await,
        Err(ChainError::Gap {
            expected: 4,
            found: 5
        })
    );

    // Two entries' contents swapped (reordered), each row keeping its number.
    let log = read_chain(store, swap).await;
    leg.raw
        .overwrite(&Entry {
            seq: 2,
            ..log[4].clone()
        })
        .await;
    leg.raw
        .overwrite(&Entry {
            seq: 5,
            ..log[1].clone()
        })
        .await;
    assert_eq!(
        audit_chain(store, swap, &key).await,
        Err(ChainError::Edited { seq: 2 })
    );

    // The end cut off: the rows alone make a valid chain of 4, the
    // checkpoint at 6 says otherwise.
    leg.raw
        .exec(&format!(
            "DELETE FROM audit_log WHERE chain = '{truncate}' AND seq > 4"
        ))
        .await
        .unwrap();
    let rows = read_chain(store, truncate).await;
    assert_eq!(audit::verify(truncate, &rows).unwrap().size, 4);
    assert_eq!(
        audit_chain(store, truncate, &key).await,
        Err(ChainError::Truncated {
            checkpoint_size: 6,
            log_size: 4
        })
    );

    // Entry 2 edited and every later entry rechained (hashes recomputed,
    // as anyone can): the rows verify, the signed checkpoint at 3 does not.
    let log = read_chain(store, rewrite).await;
    let mut rechained: Vec<Entry> = vec![log[0].clone()];
    for old in &log[1..] {
        let mut new = NewEntry {
            chain: rewrite,
            at: old.at,
            actor: old.actor.clone(),
            action: old.action.clone(),
            details: old.details.clone(),
        };
        if old.seq == 2 {
            new.details = json!({"station": "S1", "delta": 0});
        }
        let e = audit::next(rechained.last(), new).unwrap();
        leg.raw.overwrite(&e).await;
        rechained.push(e);
    }
    let rows = read_chain(store, rewrite).await;
    assert_eq!(rows, rechained);
    assert!(audit::verify(rewrite, &rows).is_ok());
    assert_eq!(
        audit_chain(store, rewrite, &key).await,
        Err(ChainError::CheckpointMismatch { size: 3 })
    );

    // The end cut off and the checkpoints that saw it deleted too: the
    // database alone can no longer tell, but a copy of a signed checkpoint
    // kept outside it (published, handed to observers) still can.
    let published = store.list_checkpoints(checkpoints_gone).await.unwrap();
    leg.raw
        .exec(&format!(
            "DELETE FROM audit_log WHERE chain = '{checkpoints_gone}' AND seq > 4"
        ))
        .await
        .unwrap();
    leg.raw
        .exec(&format!(
            "DELETE FROM audit_checkpoints WHERE chain = '{checkpoints_gone}' AND size > 4"
        ))
        .await
        .unwrap();
    assert_eq!(
        audit_chain(store, checkpoints_gone, &key)
            .await
            .unwrap()
            .size,
        4
    );
    let rows = read_chain(store, checkpoints_gone).await;
    assert_eq!(
        audit::verify_checkpoints(
            checkpoints_gone,
            &rows,
            &published,
            key.public_key().as_ref()
        ),
        Err(ChainError::Truncated {
            checkpoint_size: 6,
            log_size: 4
        })
    );
}

/// The server's signing key (the server chain's checkpoints): the first
/// candidate stored is the one kept, whoever asks after; there is one row
/// at most.
async fn the_server_key_is_made_once(leg: Leg) {
    let store = leg.store.as_ref();
    assert!(store.find_server_signing_key().await.unwrap().is_none());
    let candidate = |b: u8| huanjie_store::SigningKey {
        pkcs8: vec![b; 83],
        public_key: [b; 32],
    };
    let now = chrono::Utc::now();
    let first = store.server_signing_key(&candidate(1), now).await.unwrap();
    assert_eq!(first, candidate(1));
    let again = store.server_signing_key(&candidate(2), now).await.unwrap();
    assert_eq!(again, candidate(1));
    assert_eq!(
        store.find_server_signing_key().await.unwrap(),
        Some(candidate(1))
    );
    let rows = leg
        .raw
        .exec(
            "INSERT INTO server_signing_key (one, pkcs8, public_key, created_at) \
             SELECT 2, pkcs8, public_key, created_at FROM server_signing_key",
        )
        .await;
    assert!(rows.is_err(), "a second row is refused");
}
