//! A real PostgreSQL for tests, and a fresh SQLite file: the two legs every
//! storage test runs on.
//!
//! The server is the one named by `HUANJIE_TEST_POSTGRES_URL` (an admin
//! URL: a superuser connection to an existing database), or else the
//! throwaway cluster that `scripts/ensure-postgres.sh` starts (installing
//! PostgreSQL first if the machine has none). The script runs at most once
//! per test process. Each [`fresh_database`] call creates a brand-new empty
//! database on that server.
//!
//! When no PostgreSQL can be had, these functions PANIC: the PostgreSQL leg
//! of a suite must fail loudly, never pass by skipping.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::{Connection, Executor, PgConnection};

/// Environment variable naming an existing server's admin URL.
pub const ADMIN_URL_ENV: &str = "HUANJIE_TEST_POSTGRES_URL";

/// The script that starts the throwaway test server.
pub const ENSURE_SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../scripts/ensure-postgres.sh"
);

static ADMIN_URL: OnceLock<Result<String, String>> = OnceLock::new();

/// The admin URL of the test server, starting the server if needed (once
/// per process). Blocks while the script runs. Panics if PostgreSQL cannot
/// be had.
pub fn admin_url() -> String {
    let found = ADMIN_URL.get_or_init(|| match std::env::var(ADMIN_URL_ENV) {
        Ok(url) if !url.trim().is_empty() => Ok(url.trim().to_owned()),
        _ => run_ensure_script(),
    });
    match found {
        Ok(url) => url.clone(),
        Err(why) => panic!(
            "no PostgreSQL for the tests: {why}\n\
             Set {ADMIN_URL_ENV} to a superuser URL, or make {ENSURE_SCRIPT} work \
             (it needs PostgreSQL server binaries or root to install them)."
        ),
    }
}

fn run_ensure_script() -> Result<String, String> {
    // stderr is inherited so the script's progress (and any apt-get or
    // initdb failure) shows in the test output.
    let output = Command::new("bash")
        .arg(ENSURE_SCRIPT)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run {ENSURE_SCRIPT}: {e}"))?;
    if !output.status.success() {
        return Err(format!("{ENSURE_SCRIPT} failed ({})", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let url = stdout.trim();
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) || url.contains('\n') {
        return Err(format!(
            "{ENSURE_SCRIPT} should print one postgres:// URL on stdout, printed {stdout:?}"
        ));
    }
    Ok(url.to_owned())
}

/// Test databases are named `huanjie_test_<unix seconds>_<random>`.
const DB_PREFIX: &str = "huanjie_test_";

/// Test databases older than this are dropped (once per process, and only
/// if nobody is connected to them): each one costs ~8 MB of disk.
const STALE_AFTER_SECS: u64 = 60 * 60;

static SWEPT: AtomicBool = AtomicBool::new(false);

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// When a test database was created, from its name; `None` for any name
/// this module did not make.
fn created_at_secs(name: &str) -> Option<u64> {
    let rest = name.strip_prefix(DB_PREFIX)?;
    let (secs, random) = rest.split_once('_')?;
    let ours = !random.is_empty()
        && random
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase());
    if ours {
        secs.parse().ok()
    } else {
        None
    }
}

/// Best effort: drops this module's databases older than
/// [`STALE_AFTER_SECS`]. A plain DROP DATABASE refuses a database that
/// still has connections, so a long test elsewhere is never pulled from
/// under its feet; such failures are ignored.
async fn sweep_stale_databases(conn: &mut PgConnection) {
    if SWEPT.swap(true, Ordering::SeqCst) {
        return;
    }
    let names: Vec<String> = sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'huanjie\\_test\\_%'",
    )
    .fetch_all(&mut *conn)
    .await
    .unwrap_or_default();
    let now = unix_now();
    for name in names {
        match created_at_secs(&name) {
            Some(created) if now.saturating_sub(created) > STALE_AFTER_SECS => {
                let _ = conn
                    .execute(format!("DROP DATABASE IF EXISTS \"{name}\"").as_str())
                    .await;
            }
            _ => {}
        }
    }
}

/// Creates a brand-new, empty database with a random name on the test
/// server and returns its URL. Panics if PostgreSQL cannot be had.
///
/// Databases are not dropped when a test ends (there is no async drop);
/// instead the first call in each process drops the ones left over from
/// runs more than an hour old.
pub async fn fresh_database() -> String {
    let admin = admin_url();
    let name = format!(
        "{DB_PREFIX}{}_{}",
        unix_now(),
        uuid::Uuid::new_v4().simple()
    );
    let mut conn = PgConnection::connect(&admin)
        .await
        .unwrap_or_else(|e| panic!("cannot connect to the test PostgreSQL at {admin}: {e}"));
    sweep_stale_databases(&mut conn).await;
    // template0 never has connections, so concurrent CREATE DATABASEs from
    // parallel tests cannot trip over each other.
    conn.execute(format!("CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'").as_str())
        .await
        .unwrap_or_else(|e| panic!("cannot create test database {name} at {admin}: {e}"));
    // Closing politely is a courtesy: the database is created either way.
    let _ = conn.close().await;
    with_database(&admin, &name)
}

/// `url` with its database name replaced by `database` (query kept).
pub fn with_database(url: &str, database: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    format!("{scheme}://{authority}/{database}{query}")
}

/// A fresh SQLite database path in a new temporary directory: the
/// directory exists, the file does not yet. Keep the [`tempfile::TempDir`]
/// alive for as long as the database is in use; dropping it deletes both.
/// (It lives in this module so that both storage legs come from one place.)
pub fn fresh_sqlite_path() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("huanjie-test-")
        .tempdir()
        .unwrap_or_else(|e| panic!("cannot create a temporary directory: {e}"));
    let path = dir.path().join("huanjie.db");
    (dir, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:54329/postgres", "t1"),
            "postgres://postgres@127.0.0.1:54329/t1"
        );
        assert_eq!(
            with_database(
                "postgresql://u:p@db.example:5432/admin?sslmode=disable",
                "t2"
            ),
            "postgresql://u:p@db.example:5432/t2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://u@h:1", "t3"),
            "postgres://u@h:1/t3"
        );
        assert_eq!(
            with_database("postgres://u@h:1?application_name=x", "t4"),
            "postgres://u@h:1/t4?application_name=x"
        );
    }

    #[test]
    fn only_our_timestamped_names_have_an_age() {
        assert_eq!(
            created_at_secs("huanjie_test_1700000000_0123456789abcdef0123456789abcdef"),
            Some(1_700_000_000)
        );
        assert_eq!(created_at_secs("huanjie_test_0123456789abcdef"), None);
        assert_eq!(created_at_secs("huanjie_test_x_0123abcd"), None);
        assert_eq!(created_at_secs("huanjie_test_1700000000_"), None);
        assert_eq!(created_at_secs("huanjie_test_1700000000_ABC"), None);
        assert_eq!(created_at_secs("huanjie_test_1700000000_a\"b"), None);
        assert_eq!(created_at_secs("postgres"), None);
        assert_eq!(created_at_secs("huanjie_1700000000_abc"), None);
    }

    #[test]
    fn sqlite_path_is_fresh() {
        let (dir, path) = fresh_sqlite_path();
        assert!(dir.path().is_dir());
        assert!(!path.exists());
        assert_eq!(path.parent(), Some(dir.path()));
        let (dir2, path2) = fresh_sqlite_path();
        assert_ne!(path, path2);
        drop(dir2);
        drop(dir);
    }

    #[test]
    fn the_script_is_where_the_module_says() {
        assert!(std::path::Path::new(ENSURE_SCRIPT).is_file());
    }
}
