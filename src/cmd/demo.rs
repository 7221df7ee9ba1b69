//! `huanjie demo`: serve a seeded demo database to click through.
//!
//! The database defaults to `.huanjie/demo.db` and is never taken from
//! `HUANJIE_DATABASE_URL`, so a demo cannot seed a real database.

use std::process::ExitCode;

use huanjie_web::DemoOptions;

#[derive(clap::Args)]
pub struct Args {
    /// Address and port to listen on. [env: HUANJIE_LISTEN] [default: 127.0.0.1:8080]
    #[arg(long, value_name = "ADDR:PORT")]
    listen: Option<String>,
    /// The demo database (created and seeded if empty). [default: .huanjie/demo.db]
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

pub fn run(args: Args) -> ExitCode {
    huanjie_web::launch::init_logging();
    let options = match DemoOptions::resolve(args.listen, args.database_url, |key| {
        std::env::var(key).ok()
    }) {
        Ok(options) => options,
        Err(err) => {
            eprintln!("huanjie demo: {err:#}");
            return ExitCode::from(2);
        }
    };
    match huanjie_web::launch::demo_blocking(options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("huanjie demo: {err:#}");
            ExitCode::from(1)
        }
    }
}
