//! `huanjie serve`: the web app and JSON API.
//!
//! Settings come from these flags, then `HUANJIE_*` environment variables,
//! then the TOML file named by `--config` / `HUANJIE_CONFIG`, then defaults
//! (huanjie_web::config says which keys exist). Exit codes: 0 after a clean
//! shutdown (Ctrl-C or SIGTERM), 2 for bad settings, 1 when the server
//! could not start or failed.

use std::path::PathBuf;
use std::process::ExitCode;

use huanjie_web::{Config, PartialConfig};

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on; port 0 picks a free one.
    /// [env: HUANJIE_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// postgres://… for PostgreSQL; sqlite:… or a file path for SQLite
    /// (created on first run). [env: HUANJIE_DATABASE_URL]
    /// [default: .huanjie/huanjie.db]
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// A TOML file with any of: listen, database_url, session_hours,
    /// station_token_hours, secure_cookies, public_url. [env: HUANJIE_CONFIG]
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// How long a sign-in lasts. [env: HUANJIE_SESSION_HOURS] [default: 12]
    #[arg(long, value_name = "HOURS")]
    session_hours: Option<u32>,
    /// Default validity of a new station token.
    /// [env: HUANJIE_STATION_TOKEN_HOURS] [default: 36]
    #[arg(long, value_name = "HOURS")]
    station_token_hours: Option<u32>,
    /// Mark cookies Secure (behind an HTTPS proxy). [env: HUANJIE_SECURE_COOKIES]
    #[arg(long)]
    secure_cookies: bool,
    /// The address people use, for the printed links (e.g. https://huanjie.example.org).
    /// [env: HUANJIE_PUBLIC_URL]
    #[arg(long, value_name = "URL")]
    public_url: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    huanjie_web::launch::init_logging();
    let flags = PartialConfig {
        listen: args.listen,
        database_url: args.database_url,
        session_hours: args.session_hours,
        station_token_hours: args.station_token_hours,
        secure_cookies: args.secure_cookies.then_some(true),
        public_url: args.public_url,
    };
    let config = match Config::load(flags, args.config, |key| std::env::var(key).ok()) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("huanjie serve: {err:#}");
            return ExitCode::from(2);
        }
    };
    match huanjie_web::launch::serve_blocking(config) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("huanjie serve: {err:#}");
            ExitCode::from(1)
        }
    }
}
