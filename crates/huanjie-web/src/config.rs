//! Where `huanjie serve` gets its settings: command-line flags, then
//! `HUANJIE_*` environment variables, then an optional TOML file, then the
//! defaults below. Each layer is a [`PartialConfig`]; the first layer that
//! sets a key wins, and [`Config::resolve`] checks the result once, so a bad
//! value is reported with the key and the layer-independent rule.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

/// Where the server listens unless told otherwise: loopback only, so a fresh
/// install is not reachable from the network until someone decides it should be.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";
/// The embedded default: a SQLite file created on first run.
pub const DEFAULT_DATABASE_URL: &str = ".huanjie/huanjie.db";
/// How long a committee member or observer stays signed in.
pub const DEFAULT_SESSION_HOURS: u32 = 12;
/// How long a new station token is valid unless the committee says otherwise:
/// long enough for an election day and the count that follows.
pub const DEFAULT_STATION_TOKEN_HOURS: u32 = 36;
/// PBKDF2-HMAC-SHA256 iterations for new password hashes (OWASP 2023 level).
pub const DEFAULT_PASSWORD_ITERATIONS: u32 = 600_000;

/// The environment variable that names the config file.
pub const ENV_CONFIG: &str = "HUANJIE_CONFIG";

/// One layer of settings; `None` means "this layer does not say".
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartialConfig {
    /// Address and port to bind, e.g. `0.0.0.0:8080`; port 0 picks a free one.
    pub listen: Option<String>,
    /// `postgres://…` for PostgreSQL; `sqlite:…` or a plain path for SQLite.
    pub database_url: Option<String>,
    pub session_hours: Option<u32>,
    pub station_token_hours: Option<u32>,
    /// Mark cookies `Secure`; turn on when a TLS proxy sits in front.
    pub secure_cookies: Option<bool>,
    /// The address people type (e.g. `https://huanjie.example.org`), used in
    /// the printed set-up link when the bind address is not what they reach.
    pub public_url: Option<String>,
}

impl PartialConfig {
    /// Keys this layer leaves unset are taken from `lower`.
    pub fn or(self, lower: PartialConfig) -> PartialConfig {
        PartialConfig {
            listen: self.listen.or(lower.listen),
            database_url: self.database_url.or(lower.database_url),
            session_hours: self.session_hours.or(lower.session_hours),
            station_token_hours: self.station_token_hours.or(lower.station_token_hours),
            secure_cookies: self.secure_cookies.or(lower.secure_cookies),
            public_url: self.public_url.or(lower.public_url),
        }
    }

    /// The `HUANJIE_*` variables. `lookup` is `std::env::var(..).ok()` in
    /// production and a map in tests.
    pub fn from_env(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<PartialConfig> {
        let get = |key: &str| lookup(key).filter(|v| !v.trim().is_empty());
        Ok(PartialConfig {
            listen: get("HUANJIE_LISTEN"),
            database_url: get("HUANJIE_DATABASE_URL"),
            session_hours: get("HUANJIE_SESSION_HOURS")
                .map(|v| parse_number("HUANJIE_SESSION_HOURS", &v))
                .transpose()?,
            station_token_hours: get("HUANJIE_STATION_TOKEN_HOURS")
                .map(|v| parse_number("HUANJIE_STATION_TOKEN_HOURS", &v))
                .transpose()?,
            secure_cookies: get("HUANJIE_SECURE_COOKIES")
                .map(|v| parse_bool("HUANJIE_SECURE_COOKIES", &v))
                .transpose()?,
            public_url: get("HUANJIE_PUBLIC_URL"),
        })
    }

    /// Reads a TOML config file; unknown keys are an error so typos surface.
    pub fn from_toml_file(path: &Path) -> anyhow::Result<PartialConfig> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading config file {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing config file {}", path.display()))
    }
}

fn parse_number(key: &str, value: &str) -> anyhow::Result<u32> {
    value
        .trim()
        .parse()
        .with_context(|| format!("{key}={value:?} is not a whole number"))
}

fn parse_bool(key: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => bail!("{key}={value:?} is not true or false"),
    }
}

/// The settings the server runs with, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub session_hours: u32,
    pub station_token_hours: u32,
    pub secure_cookies: bool,
    pub public_url: Option<String>,
    /// Not read from any layer: the production value is fixed, and only
    /// tests lower it (hashes carry their own count, so both verify).
    pub password_iterations: u32,
}

impl Config {
    /// Flags (already parsed by the binary), then the environment, then the
    /// config file named by `--config` or `HUANJIE_CONFIG`, then defaults.
    pub fn load(
        flags: PartialConfig,
        config_flag: Option<PathBuf>,
        env: impl Fn(&str) -> Option<String>,
    ) -> anyhow::Result<Config> {
        let file_path = config_flag.or_else(|| env(ENV_CONFIG).map(PathBuf::from));
        let from_env = PartialConfig::from_env(&env)?;
        let from_file = match file_path {
            Some(path) => PartialConfig::from_toml_file(&path)?,
            None => PartialConfig::default(),
        };
        Config::resolve(flags.or(from_env).or(from_file))
    }

    /// Fills in defaults and checks every value.
    pub fn resolve(layers: PartialConfig) -> anyhow::Result<Config> {
        let listen_text = layers.listen.unwrap_or_else(|| DEFAULT_LISTEN.to_owned());
        let listen: SocketAddr = listen_text.trim().parse().with_context(|| {
            format!("listen = {listen_text:?} is not an address and port like 127.0.0.1:8080")
        })?;
        let database_url = layers
            .database_url
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_owned());
        if database_url.trim().is_empty() {
            bail!("database_url must not be empty");
        }
        let session_hours = layers.session_hours.unwrap_or(DEFAULT_SESSION_HOURS);
        if !(1..=24 * 30).contains(&session_hours) {
            bail!("session_hours = {session_hours} must be between 1 and 720");
        }
        let station_token_hours = layers
            .station_token_hours
            .unwrap_or(DEFAULT_STATION_TOKEN_HOURS);
        if !(1..=24 * 30).contains(&station_token_hours) {
            bail!("station_token_hours = {station_token_hours} must be between 1 and 720");
        }
        let public_url = layers
            .public_url
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        if let Some(url) = &public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                bail!("public_url = {url:?} must start with http:// or https://");
            }
        }
        Ok(Config {
            listen,
            database_url,
            session_hours,
            station_token_hours,
            secure_cookies: layers.secure_cookies.unwrap_or(false),
            public_url,
            password_iterations: DEFAULT_PASSWORD_ITERATIONS,
        })
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            // The literal is a valid address; `resolve` would say the same.
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            database_url: DEFAULT_DATABASE_URL.to_owned(),
            session_hours: DEFAULT_SESSION_HOURS,
            station_token_hours: DEFAULT_STATION_TOKEN_HOURS,
            secure_cookies: false,
            public_url: None,
            password_iterations: DEFAULT_PASSWORD_ITERATIONS,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::io::Write;

    use super::*;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |key| map.get(key).cloned()
    }

    #[test]
    fn defaults_when_nothing_is_said() {
        let config = Config::load(PartialConfig::default(), None, env_of(&[])).unwrap();
        assert_eq!(config, Config::default());
        assert_eq!(config.database_url, ".huanjie/huanjie.db");
    }

    #[test]
    fn flags_beat_env_beat_file() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(
            file,
            "listen = \"127.0.0.1:7001\"\ndatabase_url = \"file.db\"\nsession_hours = 3\npublic_url = \"https://x.example/\""
        )
        .unwrap();
        let env = env_of(&[
            ("HUANJIE_LISTEN", "127.0.0.1:7002"),
            ("HUANJIE_DATABASE_URL", "env.db"),
            ("HUANJIE_CONFIG", file.path().to_str().unwrap()),
        ]);
        let flags = PartialConfig {
            listen: Some("127.0.0.1:7003".into()),
            ..PartialConfig::default()
        };
        let config = Config::load(flags, None, env).unwrap();
        assert_eq!(config.listen.port(), 7003, "flag wins");
        assert_eq!(config.database_url, "env.db", "env beats file");
        assert_eq!(config.session_hours, 3, "file beats default");
        assert_eq!(config.public_url.as_deref(), Some("https://x.example"));
    }

    #[test]
    fn config_flag_beats_env_config_path() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "session_hours = 5").unwrap();
        let env = env_of(&[("HUANJIE_CONFIG", "/nonexistent/huanjie.toml")]);
        let config =
            Config::load(PartialConfig::default(), Some(file.path().to_owned()), env).unwrap();
        assert_eq!(config.session_hours, 5);
    }

    #[test]
    fn bad_values_name_the_key() {
        let err = Config::resolve(PartialConfig {
            listen: Some("not an address".into()),
            ..PartialConfig::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("listen"), "{err:#}");

        let err = PartialConfig::from_env(env_of(&[("HUANJIE_SESSION_HOURS", "ten")])).unwrap_err();
        assert!(
            format!("{err:#}").contains("HUANJIE_SESSION_HOURS"),
            "{err:#}"
        );

        let err = Config::resolve(PartialConfig {
            session_hours: Some(0),
            ..PartialConfig::default()
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("session_hours"), "{err:#}");
    }

    #[test]
    fn unknown_file_keys_are_refused() {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        writeln!(file, "lisen = \"127.0.0.1:1\"").unwrap();
        let err = PartialConfig::from_toml_file(file.path()).unwrap_err();
        assert!(format!("{err:#}").contains("lisen"), "{err:#}");
    }
}
