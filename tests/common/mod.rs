//! Backend fixture for the integration tests.
//!
//! * With `NOMAD_TEST_ADDR` (and `NOMAD_TEST_TOKEN`, a management secret of an already
//!   bootstrapped cluster) set, the tests target that real Nomad. TLS settings come from
//!   `NOMAD_TEST_CACERT`, `NOMAD_TEST_CAPATH`, `NOMAD_TEST_CLIENT_CERT`, `NOMAD_TEST_CLIENT_KEY`,
//!   `NOMAD_TEST_SKIP_VERIFY`, `NOMAD_TEST_TLS_SERVER_NAME` (the `NOMAD_*` names with `TEST_`),
//!   `NOMAD_TEST_REGION` likewise. (Raw-HTTP checks use plain reqwest: use an http:// address.)
//! * Otherwise each test starts its own embedded server (`devnomad::DevNomad`) and bootstraps
//!   it through the client.
//!
//! Every object a test creates gets a random suffix, so tests can share a real cluster.

#![allow(dead_code)]

use std::time::Duration;

use nomad_acl_console::devnomad::{DevNomad, DevNomadConfig};
use nomad_acl_console::nomad::client::{NomadClient, NomadConfig, QueryOptions, WriteOptions};
use nomad_acl_console::nomad::models::{AclPolicy, AclRole, AclRolePolicyLink, AclToken, SecretId};
use reqwest::header::HeaderMap;

pub const MGMT_ENV: &str = "NOMAD_TEST_TOKEN";
pub const ADDR_ENV: &str = "NOMAD_TEST_ADDR";

/// A backend ready for tests: bootstrapped, with a management secret.
#[derive(Clone)]
pub struct Backend {
    pub base_url: String,
    pub client: NomadClient,
    /// Management secret.
    pub mgmt: SecretId,
    /// The management token (as `token/self` returns it).
    pub mgmt_token: AclToken,
    /// True when this is a real Nomad named by `NOMAD_TEST_ADDR`.
    pub real: bool,
    /// How to reach it (for a console in front of it).
    pub config: NomadConfig,
    raw: reqwest::Client,
}

/// A backend that was not bootstrapped (only the embedded server can give one).
pub struct Fresh {
    pub base_url: String,
    pub client: NomadClient,
    raw: reqwest::Client,
}

fn real_config() -> Option<(NomadConfig, SecretId)> {
    let addr = std::env::var(ADDR_ENV).ok().filter(|s| !s.is_empty())?;
    let token = std::env::var(MGMT_ENV)
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| panic!("{ADDR_ENV} is set but {MGMT_ENV} (a management secret) is not"));
    let mut cfg = NomadConfig::from_lookup(|k| std::env::var(k.replacen("NOMAD_", "NOMAD_TEST_", 1)).ok())
        .expect("NOMAD_TEST_* settings");
    cfg.address = addr;
    Some((cfg, SecretId::from(token)))
}

pub fn is_real() -> bool {
    std::env::var(ADDR_ENV).map(|s| !s.is_empty()).unwrap_or(false)
}

fn raw_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// Starts an embedded server (not bootstrapped) and returns its base URL.
async fn spawn_embedded() -> String {
    let server = DevNomad::new(DevNomadConfig::default()).expect("DevNomad::new");
    server.spawn_local().await.expect("DevNomad::spawn_local")
}

impl Backend {
    /// The backend for a test: the real Nomad of `NOMAD_TEST_ADDR`, or a new embedded server,
    /// bootstrapped through the client.
    pub async fn start() -> Backend {
        if let Some((cfg, mgmt)) = real_config() {
            let client = NomadClient::new(&cfg).expect("client for the real Nomad");
            let config = cfg.clone();
            eprintln!("backend: real Nomad at {}", client.address());
            let (mgmt_token, _) = client
                .acl_tokens()
                .get_self(&QueryOptions::new().with_token(mgmt.clone()))
                .await
                .expect("NOMAD_TEST_TOKEN must be a valid token");
            assert_eq!(mgmt_token.token_type, "management", "NOMAD_TEST_TOKEN must be a management token");
            return Backend {
                base_url: client.address().to_string(),
                client,
                mgmt,
                mgmt_token,
                real: true,
                config,
                raw: raw_client(),
            };
        }
        let base_url = spawn_embedded().await;
        eprintln!("backend: embedded DevNomad at {base_url}");
        let config = NomadConfig { address: base_url.clone(), ..Default::default() };
        let client = NomadClient::new(&config).unwrap();
        let (mgmt_token, _) =
            client.acl_tokens().bootstrap(None, &WriteOptions::new()).await.expect("bootstrap of the embedded server");
        let mgmt = mgmt_token.secret_id.clone();
        Backend { base_url, client, mgmt, mgmt_token, real: false, config, raw: raw_client() }
    }

    /// Query options carrying the management token.
    pub fn q(&self) -> QueryOptions {
        QueryOptions::new().with_token(self.mgmt.clone())
    }

    /// Write options carrying the management token.
    pub fn w(&self) -> WriteOptions {
        WriteOptions::new().with_token(self.mgmt.clone())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A raw HTTP request with the management token (`X-Nomad-Token`).
    pub async fn raw_m(&self, method: &str, path: &str, body: Option<&str>) -> Raw {
        let t = self.mgmt.expose().to_string();
        self.raw(method, path, &[("X-Nomad-Token", &t)], body).await
    }

    /// A raw HTTP request with the given secret, or none.
    pub async fn raw_tok(&self, method: &str, path: &str, token: Option<&SecretId>, body: Option<&str>) -> Raw {
        match token {
            Some(t) => {
                let t = t.expose().to_string();
                self.raw(method, path, &[("X-Nomad-Token", &t)], body).await
            }
            None => self.raw(method, path, &[], body).await,
        }
    }

    /// A raw HTTP request: no body at all when `body` is `None`.
    pub async fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Raw {
        raw_request(&self.raw, &self.base_url, method, path, headers, body).await
    }

    /// Creates a policy with a unique name (`prefix-xxxxxxxx`) and the given rules.
    pub async fn policy(&self, prefix: &str, rules: &str) -> AclPolicy {
        let p = AclPolicy { name: unique(prefix), rules: rules.to_string(), ..Default::default() };
        self.client.acl_policies().upsert(&p, &self.w()).await.expect("create policy");
        p
    }

    /// Creates a client token holding `policies`.
    pub async fn client_token(&self, policies: &[&str]) -> AclToken {
        let t = AclToken {
            name: unique("test-client"),
            token_type: "client".into(),
            policies: Some(policies.iter().map(|s| s.to_string()).collect()),
            ..Default::default()
        };
        self.client.acl_tokens().create(&t, &self.w()).await.expect("create client token").0
    }

    /// Creates a role with a unique name linking `policies` (which must exist).
    pub async fn role(&self, prefix: &str, policies: &[&str]) -> AclRole {
        let r = AclRole {
            name: unique(prefix),
            description: "test role".into(),
            policies: policies.iter().map(|p| AclRolePolicyLink { name: p.to_string() }).collect(),
            ..Default::default()
        };
        self.client.acl_roles().create(&r, &self.w()).await.expect("create role").0
    }

    /// The current X-Nomad-Index of a write (a throwaway policy upsert).
    pub async fn write_index(&self) -> u64 {
        let p = AclPolicy { name: unique("idx"), ..Default::default() };
        self.client.acl_policies().upsert(&p, &self.w()).await.expect("policy upsert").last_index
    }
}

impl Fresh {
    /// A non-bootstrapped backend, or `None` (with a message) on a real Nomad.
    pub async fn start(test: &str) -> Option<Fresh> {
        if is_real() {
            eprintln!("SKIP {test}: needs a fresh, non-bootstrapped cluster; {ADDR_ENV} names a real one");
            return None;
        }
        let base_url = spawn_embedded().await;
        eprintln!("backend: embedded DevNomad at {base_url} (not bootstrapped)");
        let client = NomadClient::new(&NomadConfig { address: base_url.clone(), ..Default::default() }).unwrap();
        Some(Fresh { base_url, client, raw: raw_client() })
    }

    pub async fn raw(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&str>) -> Raw {
        raw_request(&self.raw, &self.base_url, method, path, headers, body).await
    }
}

/// An answer read raw.
#[derive(Debug)]
pub struct Raw {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Raw {
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }
    pub fn index(&self) -> Option<u64> {
        self.header("X-Nomad-Index").map(|v| v.parse().expect("numeric X-Nomad-Index"))
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): status {} body {:?}", self.status, self.body))
    }
    /// Asserts status and exact body.
    #[track_caller]
    pub fn expect(&self, status: u16, body: &str) -> &Self {
        assert_eq!((self.status, self.body.as_str()), (status, body), "unexpected answer");
        self
    }
    /// Asserts status and a body prefix.
    #[track_caller]
    pub fn expect_prefix(&self, status: u16, prefix: &str) -> &Self {
        assert!(
            self.status == status && self.body.starts_with(prefix),
            "expected {status} with a body starting {prefix:?}, got {} {:?}",
            self.status,
            self.body
        );
        self
    }
    /// Asserts status and that the body contains `part`.
    #[track_caller]
    pub fn expect_contains(&self, status: u16, part: &str) -> &Self {
        assert!(
            self.status == status && self.body.contains(part),
            "expected {status} with a body containing {part:?}, got {} {:?}",
            self.status,
            self.body
        );
        self
    }
    #[track_caller]
    pub fn expect_status(&self, status: u16) -> &Self {
        assert_eq!(self.status, status, "unexpected status; body {:?}", self.body);
        self
    }
}

async fn raw_request(
    client: &reqwest::Client,
    base: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Raw {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method.clone(), format!("{base}{path}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    if let Some(b) = body {
        req = req.body(b.to_string());
    }
    let resp = req.send().await.unwrap_or_else(|e| panic!("{method} {path}: {e}"));
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap();
    Raw { status, headers, body }
}

/// `prefix-` plus 8 random hex digits (names allow `[a-zA-Z0-9-]`).
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{:08x}", rand::random::<u32>())
}

/// A random lowercase UUID (v4).
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// True for a lowercase or uppercase 8-4-4-4-12 hex UUID.
pub fn looks_like_uuid(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok() && s.len() == 36
}
pub mod console;

/// An embedded federation (north, east, west; north authoritative), seeded with the demo
/// data and replicating every 50 ms: each region's base URL, and a global management secret.
pub async fn embedded_federation() -> (Vec<(String, String)>, String) {
    use nomad_acl_console::devnomad::federation::{Federation, FederationConfig};
    let fed = Federation::new(
        DevNomadConfig::default(),
        FederationConfig {
            regions: vec!["north".into(), "east".into(), "west".into()],
            replication_interval: Duration::from_millis(50),
            paused: vec![],
        },
    )
    .unwrap();
    let token = fed.seed_demo().unwrap().expose().to_string();
    let names: Vec<String> = fed.servers().iter().map(|d| d.config().region.clone()).collect();
    let urls = fed.spawn_local().await.unwrap();
    (names.into_iter().zip(urls).collect(), token)
}
