//! `huanjie demo`: a ready-made database to click through.
//!
//! Opens (or creates) a SQLite file, seeds it once with one election and a
//! committee account `demo` with a random password, prints where to go and
//! how to sign in, and serves like `huanjie serve`. Nothing here is special
//! to the server: the demo is an ordinary database.

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::Arc;

use anyhow::Context;
use chrono::{DateTime, Days, NaiveDate, Utc};
use huanjie_store::{
    BodyKind, Election, NewElection, NewUser, PositionSeats, Resident, ResidentQuery, Role, Store,
};
use ring::rand::{SecureRandom, SystemRandom};

use crate::clock::Clock;
use crate::config::{Config, DEFAULT_PASSWORD_ITERATIONS};
use crate::password;
use crate::server::App;

/// The demo account's name.
pub const DEMO_USERNAME: &str = "demo";
/// The demo election's title.
pub const DEMO_TITLE: &str = "幸福社区居民委员会第七届换届选举";

/// Where the demo listens and which file it uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    pub listen: SocketAddr,
    pub database_url: String,
}

impl DemoOptions {
    /// Flags first, then `HUANJIE_LISTEN` for the address, then the
    /// defaults. The database is deliberately not taken from
    /// `HUANJIE_DATABASE_URL`, so a demo never seeds a real database.
    pub fn resolve(
        listen_flag: Option<String>,
        database_flag: Option<String>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<DemoOptions> {
        let defaults = DemoOptions::default();
        let listen = match listen_flag
            .or_else(|| env("HUANJIE_LISTEN"))
            .filter(|s| !s.trim().is_empty())
        {
            Some(text) => text.trim().parse().with_context(|| {
                format!("listen = {text:?} is not an address and port like 127.0.0.1:8080")
            })?,
            None => defaults.listen,
        };
        Ok(DemoOptions {
            listen,
            database_url: database_flag.unwrap_or(defaults.database_url),
        })
    }
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: ".huanjie/demo.db".to_owned(),
        }
    }
}

/// What was seeded; the password only when the account was just created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seeded {
    pub election_created: bool,
    pub password: Option<String>,
}

/// Seeds an empty store: the demo election (election day 30 days after
/// `today`) if there are no elections, the `demo` account if there are no
/// users. A store that has either keeps it untouched.
pub async fn seed(
    store: &dyn Store,
    today: NaiveDate,
    now: chrono::DateTime<chrono::Utc>,
    iterations: NonZeroU32,
) -> anyhow::Result<Seeded> {
    let mut seeded = Seeded {
        election_created: false,
        password: None,
    };
    if store
        .list_elections()
        .await
        .context("listing elections")?
        .is_empty()
    {
        let election_day = today
            .checked_add_days(Days::new(30))
            .context("election day out of range")?;
        let seats = [("director", 1), ("deputy", 1), ("member", 3)]
            .into_iter()
            .map(|(position, seats)| PositionSeats {
                position: position.to_owned(),
                seats,
            })
            .collect();
        let new = NewElection {
            body_kind: BodyKind::ResidentsCommittee,
            title: DEMO_TITLE.to_owned(),
            profile: "county-2006".to_owned(),
            election_day,
            seats,
        };
        let election = store
            .create_election(&new, now)
            .await
            .context("creating the demo election")?;
        fill(store, &election, now).await?;
        seeded.election_created = true;
    }
    if store.count_users().await.context("counting users")? == 0 {
        let rng = SystemRandom::new();
        let mut bytes = [0u8; 9];
        rng.fill(&mut bytes)
            .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
        let plain = hex::encode(bytes);
        let hash = password::hash_password(&rng, &plain, iterations)
            .map_err(|_| anyhow::anyhow!("the system random source failed"))?;
        let user = NewUser {
            username: DEMO_USERNAME.to_owned(),
            role: Role::Committee,
            password_hash: hash,
        };
        store
            .create_user(&user, now)
            .await
            .context("creating the demo account")?;
        seeded.password = Some(plain);
    }
    Ok(seeded)
}

/// Gives the demo election something to look at, through the same steps
/// the committee takes: a generated roll of 600 residents, the voter list
/// published, a five-member election committee and a few nominations
/// (self-nominations, the director's contested by a third, so the page
/// asks for a preliminary vote). The formal list is left for the visitor.
async fn fill(store: &dyn Store, election: &Election, now: DateTime<Utc>) -> anyhow::Result<()> {
    let csv = huanjie_registration::generate_roll_csv(
        7,
        600,
        election.election_day,
        huanjie_registration::Encoding::Utf8,
    );
    let imported = crate::roll::import(store, election, csv, false, now)
        .await
        .context("importing the demo roll")?;
    anyhow::ensure!(imported.written, "the generated demo roll was refused");
    crate::registration::publish(store, election, DEMO_USERNAME, now)
        .await
        .map_err(|e| anyhow::anyhow!("publishing the demo voter list: {e}"))?;
    let page = store
        .search_residents(
            election.id,
            &ResidentQuery {
                voters_only: true,
                limit: 40,
                ..ResidentQuery::default()
            },
        )
        .await
        .context("reading the demo roll")?;
    let voters: Vec<&Resident> = page.residents.iter().filter(|r| !r.waived).collect();
    anyhow::ensure!(voters.len() >= 20, "the demo roll has too few voters");
    for (i, role) in ["chair", "vice_chair", "member", "member", "member"]
        .into_iter()
        .enumerate()
    {
        let r = voters[10 + i];
        let member = crate::nomination::MemberRequest {
            name: r.name.clone(),
            gender: r.gender.clone(),
            role: role.to_owned(),
            resident: r.id.to_string(),
        };
        crate::nomination::add_member(store, election, &member, now)
            .await
            .map_err(|e| anyhow::anyhow!("the demo election committee: {e}"))?;
    }
    let positions = [
        "director", "director", "director", "deputy", "deputy", "member", "member", "member",
        "member",
    ];
    for (r, position) in voters.iter().zip(positions) {
        let paper = crate::nomination::NominationRequest {
            kind: "self_nomination".to_owned(),
            nominators: vec![r.id.to_string()],
            nominees: vec![crate::nomination::NamedRequest {
                resident: r.id.to_string(),
                position: position.to_owned(),
            }],
            nominated_by: String::new(),
        };
        crate::nomination::nominate(store, election, &paper, DEMO_USERNAME, now)
            .await
            .map_err(|e| anyhow::anyhow!("a demo nomination: {e}"))?;
    }
    Ok(())
}

/// Opens the demo database, seeds it if empty, prints how to sign in and
/// serves until `shutdown`.
pub async fn run_demo(
    options: DemoOptions,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let config = Config {
        listen: options.listen,
        database_url: options.database_url.clone(),
        ..Config::default()
    };
    let app = build_demo(&config).await?;
    app.run(shutdown).await
}

/// Everything `run_demo` does before serving; the tests stop here.
pub async fn build_demo(config: &Config) -> anyhow::Result<App> {
    let store: Arc<dyn Store> = huanjie_store::connect(&config.database_url)
        .await
        .with_context(|| format!("opening the demo database {}", config.database_url))?;
    let clock = Clock::system();
    let iterations = NonZeroU32::new(config.password_iterations)
        .or(NonZeroU32::new(DEFAULT_PASSWORD_ITERATIONS))
        .context("password iterations")?;
    let seeded = seed(
        store.as_ref(),
        chrono::Local::now().date_naive(),
        clock.now(),
        iterations,
    )
    .await?;
    let app = App::with_store(config, store, clock).await?;
    if seeded.election_created {
        println!(
            "Demo: seeded the election {DEMO_TITLE} in {}",
            config.database_url
        );
    }
    match &seeded.password {
        Some(password) => println!(
            "Demo: open {} and sign in as {DEMO_USERNAME} with password {password}",
            app.base_url()
        ),
        None => println!(
            "Demo: open {} and sign in as {DEMO_USERNAME} with the password printed when {} was created \
             (delete that file to start over with a new password)",
            app.base_url(),
            config.database_url
        ),
    }
    Ok(app)
}

#[cfg(test)]
mod tests {
    use super::*;
    use huanjie_store::sqlite::SqliteStore;

    #[test]
    fn options_flags_then_env_then_defaults() {
        let none = |_: &str| None;
        assert_eq!(
            DemoOptions::resolve(None, None, none).unwrap(),
            DemoOptions::default()
        );
        let env = |k: &str| (k == "HUANJIE_LISTEN").then(|| "127.0.0.1:9001".to_owned());
        assert_eq!(
            DemoOptions::resolve(None, None, env).unwrap().listen.port(),
            9001
        );
        let o =
            DemoOptions::resolve(Some("127.0.0.1:9002".into()), Some("x.db".into()), env).unwrap();
        assert_eq!((o.listen.port(), o.database_url.as_str()), (9002, "x.db"));
        assert!(DemoOptions::resolve(Some("nope".into()), None, none).is_err());
    }

    #[tokio::test]
    async fn seeds_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(dir.path().join("demo.db")).await.unwrap();
        let today = NaiveDate::from_ymd_opt(2026, 5, 1).unwrap();
        let iterations = NonZeroU32::new(1_000).unwrap();
        // "now" on the same day, as the demo passes it (the voter list is
        // published today, 30 days before election day).
        let now = today.and_hms_opt(2, 0, 0).unwrap().and_utc();
        let first = seed(&store, today, now, iterations).await.unwrap();
        assert!(first.election_created);
        let password = first.password.unwrap();
        assert_eq!(password.len(), 18);

        let elections = store.list_elections().await.unwrap();
        assert_eq!(elections.len(), 1);
        assert_eq!(elections[0].title, DEMO_TITLE);
        assert_eq!(elections[0].profile, "county-2006");
        assert_eq!(
            elections[0].election_day,
            NaiveDate::from_ymd_opt(2026, 5, 31).unwrap()
        );
        let seats: Vec<(String, u32)> = elections[0]
            .seats
            .iter()
            .map(|s| (s.position.clone(), s.seats))
            .collect();
        assert_eq!(
            seats,
            [
                ("director".into(), 1),
                ("deputy".into(), 1),
                ("member".into(), 3)
            ]
        );
        let user = store
            .find_user_by_name(DEMO_USERNAME)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.role, Role::Committee);
        assert!(password::verify_password(&user.password_hash, &password));
        // Something to look at: a published roll, a committee, nominations.
        let e = elections[0].id;
        assert!(store.roll_summary(e).await.unwrap().voters > 300);
        assert!(store
            .registration_state(e)
            .await
            .unwrap()
            .publication
            .is_some());
        assert_eq!(store.list_committee_members(e).await.unwrap().len(), 5);
        assert_eq!(store.list_nominations(e).await.unwrap().len(), 9);

        let again = seed(&store, today, now, iterations).await.unwrap();
        assert_eq!(
            again,
            Seeded {
                election_created: false,
                password: None
            }
        );
        assert_eq!(store.list_elections().await.unwrap().len(), 1);
    }
}
