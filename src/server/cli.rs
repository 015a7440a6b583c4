//! Command line. Nomad settings use the same environment variables as the `nomad` CLI.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::session::{CookieSecure, SessionKeys};
use crate::nomad::client::NomadConfig;

#[derive(Debug, Parser)]
#[command(
    name = "nomad-acl-console",
    version,
    about = "A web console for the ACL system of HashiCorp Nomad",
    long_about = "A web console for the ACL system of HashiCorp Nomad.\n\n\
                  Without a subcommand it runs `serve`. Try `demo` to see it with sample data and no cluster.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub serve: ServeArgs,

    /// Log format.
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "NOMAD_ACL_CONSOLE_LOG_FORMAT")]
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console against a Nomad cluster (the default).
    Serve(ServeArgs),
    /// Run the console against an embedded Nomad with sample data: no cluster needed.
    Demo(DemoArgs),
    /// Run only the embedded Nomad-compatible ACL API (fresh, not bootstrapped), for tests and tooling.
    DevNomad(DevNomadArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address the console listens on.
    #[arg(long, default_value = "127.0.0.1:3000", env = "NOMAD_ACL_CONSOLE_LISTEN")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub nomad: NomadArgs,

    /// Pages and server-function calls worked on at once; more wait their turn
    /// (default: four per core, at least eight).
    #[arg(long, env = "NOMAD_ACL_CONSOLE_MAX_RENDERS", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_renders: Option<u16>,

    #[command(flatten)]
    pub ttl: TokenTtlArgs,

    #[command(flatten)]
    pub session: SessionArgs,
}

/// How sessions are kept: an encrypted cookie, no server-side store.
#[derive(Debug, Clone, Args)]
pub struct SessionArgs {
    /// File holding the session encryption key (at least 32 bytes). Give every
    /// replica the same key so any of them can serve any user.
    #[arg(long, env = "NOMAD_ACL_CONSOLE_SESSION_KEY_FILE")]
    pub session_key_file: Option<PathBuf>,
    /// The session encryption key itself (at least 32 characters).
    #[arg(
        long = "session-key",
        env = "NOMAD_ACL_CONSOLE_SESSION_KEY",
        hide_env_values = true,
        conflicts_with = "session_key_file"
    )]
    pub session_key: Option<String>,
    /// When the session cookie is marked Secure: auto (when served over HTTPS), always, never.
    #[arg(long, value_enum, default_value_t = CookieSecure::Auto, env = "NOMAD_ACL_CONSOLE_COOKIE_SECURE")]
    pub cookie_secure: CookieSecure,
    /// How long a session lasts after sign-in, whatever its token's expiry (e.g. 12h, 30m).
    #[arg(long, default_value = "12h", value_parser = parse_duration, env = "NOMAD_ACL_CONSOLE_SESSION_MAX_AGE")]
    pub session_max_age: std::time::Duration,
}

impl SessionArgs {
    pub fn keys(&self) -> anyhow::Result<SessionKeys> {
        Ok(SessionKeys::load(self.session_key_file.as_deref(), self.session_key.as_deref(), self.cookie_secure)?
            .with_max_age(self.session_max_age))
    }
}

/// How to reach Nomad: the same settings, and environment variables, as the `nomad` CLI.
#[derive(Debug, Clone, Args)]
pub struct NomadArgs {
    /// Address of the Nomad HTTP API.
    #[arg(long = "address", env = "NOMAD_ADDR", default_value = "http://127.0.0.1:4646", value_parser = parse_http_url)]
    pub address: String,
    /// Region to send requests to (default: the agent's region).
    #[arg(long = "region", env = "NOMAD_REGION")]
    pub region: Option<String>,
    /// PEM file of the CA that signed Nomad's certificate.
    #[arg(long = "ca-cert", env = "NOMAD_CACERT")]
    pub ca_cert: Option<PathBuf>,
    /// Directory of PEM CA certificates.
    #[arg(long = "ca-path", env = "NOMAD_CAPATH")]
    pub ca_path: Option<PathBuf>,
    /// PEM client certificate for mutual TLS.
    #[arg(long = "client-cert", env = "NOMAD_CLIENT_CERT", requires = "client_key")]
    pub client_cert: Option<PathBuf>,
    /// PEM private key of the client certificate.
    #[arg(long = "client-key", env = "NOMAD_CLIENT_KEY", requires = "client_cert")]
    pub client_key: Option<PathBuf>,
    /// Do not verify Nomad's TLS certificate (insecure).
    #[arg(long = "tls-skip-verify", env = "NOMAD_SKIP_VERIFY", value_parser = parse_bool_flag, num_args = 0..=1, default_missing_value = "true", default_value = "false")]
    pub skip_verify: bool,
    /// Server name to verify Nomad's certificate against (SNI).
    #[arg(long = "tls-server-name", env = "NOMAD_TLS_SERVER_NAME")]
    pub tls_server_name: Option<String>,
    /// Time allowed to connect to Nomad.
    #[arg(long, default_value = "5s", value_parser = parse_duration, env = "NOMAD_ACL_CONSOLE_CONNECT_TIMEOUT")]
    pub connect_timeout: std::time::Duration,
    /// Time allowed for one Nomad request.
    #[arg(long, default_value = "15s", value_parser = parse_duration, env = "NOMAD_ACL_CONSOLE_REQUEST_TIMEOUT")]
    pub request_timeout: std::time::Duration,
}

impl NomadArgs {
    pub fn to_config(&self) -> NomadConfig {
        NomadConfig {
            address: self.address.clone(),
            region: self.region.clone().filter(|r| !r.is_empty()),
            ca_cert: self.ca_cert.clone(),
            ca_path: self.ca_path.clone(),
            client_cert: self.client_cert.clone(),
            client_key: self.client_key.clone(),
            skip_verify: self.skip_verify,
            tls_server_name: self.tls_server_name.clone().filter(|n| !n.is_empty()),
            connect_timeout: self.connect_timeout,
            request_timeout: self.request_timeout,
        }
    }

    /// Settings for talking to the in-process embedded server.
    pub fn local(address: String) -> NomadConfig {
        NomadConfig { address, ..NomadConfig::default() }
    }
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// Address the console listens on.
    #[arg(long, default_value = "127.0.0.1:3000", env = "NOMAD_ACL_CONSOLE_LISTEN")]
    pub listen: SocketAddr,
    /// Extra generated tokens on top of the sample data (for trying the console at scale).
    #[arg(long, default_value_t = 0)]
    pub extra_tokens: usize,
    /// Extra generated policies on top of the sample data.
    #[arg(long, default_value_t = 0)]
    pub extra_policies: usize,
    /// Extra generated roles on top of the sample data.
    #[arg(long, default_value_t = 0)]
    pub extra_roles: usize,
    /// Pages and server-function calls worked on at once; more wait their turn
    /// (default: four per core, at least eight).
    #[arg(long, env = "NOMAD_ACL_CONSOLE_MAX_RENDERS", value_parser = clap::value_parser!(u16).range(1..))]
    pub max_renders: Option<u16>,

    #[command(flatten)]
    pub ttl: TokenTtlArgs,

    #[command(flatten)]
    pub session: SessionArgs,

    #[command(flatten)]
    pub federation: FederationArgs,
}

/// A federation of embedded regions in one process.
#[derive(Debug, Clone, Args)]
pub struct FederationArgs {
    /// Run one embedded Nomad per region (comma-separated; the first is authoritative).
    #[arg(long, value_delimiter = ',')]
    pub regions: Vec<String>,
    /// Pause between replication rounds of the other regions (default: 1s; demo: 5s, to show the lag).
    #[arg(long, value_parser = parse_duration, requires = "regions")]
    pub replication_interval: Option<std::time::Duration>,
    /// Regions whose replication starts paused (comma-separated).
    #[arg(long, value_delimiter = ',', requires = "regions")]
    pub replication_paused: Vec<String>,
}

impl FederationArgs {
    /// The federation to run, if `--regions` was given.
    pub fn config(
        &self,
        default_interval: std::time::Duration,
    ) -> Option<crate::devnomad::federation::FederationConfig> {
        (!self.regions.is_empty()).then(|| crate::devnomad::federation::FederationConfig {
            regions: self.regions.clone(),
            replication_interval: self.replication_interval.unwrap_or(default_interval),
            paused: self.replication_paused.clone(),
        })
    }
}

#[derive(Debug, Clone, Args)]
pub struct DevNomadArgs {
    /// Address the embedded Nomad API listens on.
    #[arg(long, default_value = "127.0.0.1:4646")]
    pub listen: SocketAddr,
    /// Keep the ACL state in this JSON file across restarts.
    #[arg(long)]
    pub state_file: Option<PathBuf>,
    #[command(flatten)]
    pub ttl: TokenTtlArgs,
    /// Region name the server reports.
    #[arg(long, default_value = "global", conflicts_with = "regions")]
    pub region: String,
    /// With `--regions`, region *i* listens on the port of `--listen` plus *i*.
    #[command(flatten)]
    pub federation: FederationArgs,
}

/// The cluster's token lifetime bounds (`acl { token_min_expiration_ttl, token_max_expiration_ttl }`).
/// Nomad has no API that tells them, so the console is told, and checks forms against them.
#[derive(Debug, Clone, Args)]
pub struct TokenTtlArgs {
    /// Shortest lifetime a new token may have (the cluster's token_min_expiration_ttl).
    #[arg(long, default_value = "1m", value_parser = parse_duration, env = "NOMAD_ACL_CONSOLE_TOKEN_MIN_TTL")]
    pub token_min_ttl: std::time::Duration,
    /// Longest lifetime a new token may have (the cluster's token_max_expiration_ttl).
    #[arg(long, default_value = "24h", value_parser = parse_duration, env = "NOMAD_ACL_CONSOLE_TOKEN_MAX_TTL")]
    pub token_max_ttl: std::time::Duration,
}

impl TokenTtlArgs {
    pub fn bounds(&self) -> crate::api::tokens::lifetime::TtlBounds {
        let secs = |d: std::time::Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        crate::api::tokens::lifetime::TtlBounds {
            min_secs: secs(self.token_min_ttl),
            max_secs: secs(self.token_max_ttl),
        }
    }
}

fn parse_duration(s: &str) -> Result<std::time::Duration, String> {
    let d = crate::nomad::duration::GoDuration::parse(s).map_err(|e| format!("{e} (examples: 90s, 10m, 1h30m)"))?;
    d.to_std().ok_or_else(|| "must not be negative".to_string())
}

fn parse_bool_flag(s: &str) -> Result<bool, String> {
    // The nomad CLI parses NOMAD_SKIP_VERIFY with Go's strconv.ParseBool.
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" | "" => Ok(false),
        _ => Err(format!("expected true or false, got {s:?}")),
    }
}

fn parse_http_url(s: &str) -> Result<String, String> {
    let url = url::Url::parse(s).map_err(|e| format!("not a URL ({e}); example: http://127.0.0.1:4646"))?;
    match url.scheme() {
        "http" | "https" => Ok(s.trim_end_matches('/').to_string()),
        other => Err(format!("scheme must be http or https, not {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn no_subcommand_means_serve_with_defaults() {
        let cli = Cli::try_parse_from(["nomad-acl-console"]).unwrap();
        assert!(cli.command.is_none());
        assert_eq!(cli.serve.listen.to_string(), "127.0.0.1:3000");
    }

    #[test]
    fn bad_values_are_usage_errors_with_exit_code_2() {
        for args in [
            vec!["nomad-acl-console", "--listen", "nowhere"],
            vec!["nomad-acl-console", "--no-such-flag"],
            vec!["nomad-acl-console", "serve", "--address", "ftp://x"],
            vec!["nomad-acl-console", "dev-nomad", "--token-min-ttl", "soon"],
            vec!["nomad-acl-console", "serve", "--max-renders", "0"],
            vec!["nomad-acl-console", "demo", "--max-renders", "many"],
        ] {
            let err = Cli::try_parse_from(&args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn demo_takes_scale_flags() {
        let cli = Cli::try_parse_from([
            "nomad-acl-console",
            "demo",
            "--extra-tokens",
            "10000",
            "--extra-policies",
            "500",
            "--extra-roles",
            "100",
        ])
        .unwrap();
        let Some(Command::Demo(demo)) = cli.command else { panic!("not demo") };
        assert_eq!((demo.extra_tokens, demo.extra_policies, demo.extra_roles), (10_000, 500, 100));
    }

    #[test]
    fn max_renders_is_optional_on_serve_and_demo() {
        let cli = Cli::try_parse_from(["nomad-acl-console", "serve", "--max-renders", "4"]).unwrap();
        let Some(Command::Serve(serve)) = cli.command else { panic!("not serve") };
        assert_eq!(serve.max_renders, Some(4));
        let cli = Cli::try_parse_from(["nomad-acl-console", "demo"]).unwrap();
        let Some(Command::Demo(demo)) = cli.command else { panic!("not demo") };
        assert_eq!(demo.max_renders, None);
    }

    #[test]
    fn regions_make_a_federation_on_dev_nomad_and_demo() {
        let cli = Cli::try_parse_from(["nomad-acl-console", "dev-nomad", "--regions", "north,east,west"]).unwrap();
        let Some(Command::DevNomad(dev)) = cli.command else { panic!("not dev-nomad") };
        let fed = dev.federation.config(std::time::Duration::from_secs(1)).unwrap();
        assert_eq!(fed.regions, ["north", "east", "west"]);
        assert_eq!(fed.replication_interval, std::time::Duration::from_secs(1));
        assert!(fed.paused.is_empty());
        let cli = Cli::try_parse_from([
            "nomad-acl-console",
            "demo",
            "--regions",
            "a,b",
            "--replication-interval",
            "250ms",
            "--replication-paused",
            "b",
        ])
        .unwrap();
        let Some(Command::Demo(demo)) = cli.command else { panic!("not demo") };
        let fed = demo.federation.config(std::time::Duration::from_secs(5)).unwrap();
        assert_eq!(
            (fed.replication_interval, fed.paused),
            (std::time::Duration::from_millis(250), vec!["b".to_string()])
        );
        // Without --regions: one server, as before.
        let cli = Cli::try_parse_from(["nomad-acl-console", "demo"]).unwrap();
        let Some(Command::Demo(demo)) = cli.command else { panic!("not demo") };
        assert!(demo.federation.config(std::time::Duration::from_secs(5)).is_none());
        for args in [
            vec!["nomad-acl-console", "dev-nomad", "--region", "x", "--regions", "a,b"],
            vec!["nomad-acl-console", "dev-nomad", "--replication-interval", "1s"],
            vec!["nomad-acl-console", "demo", "--regions", "a,b", "--replication-interval", "soon"],
        ] {
            assert_eq!(Cli::try_parse_from(&args).unwrap_err().exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn skip_verify_accepts_go_booleans() {
        assert!(parse_bool_flag("1").unwrap());
        assert!(!parse_bool_flag("false").unwrap());
        assert!(parse_bool_flag("yes").is_err());
    }
}
