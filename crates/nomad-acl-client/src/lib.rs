//! Typed client for Nomad's ACL HTTP API (server-only: it uses reqwest).
//!
//! Shaped like Nomad's Go `api` package (`api/acl.go`, `api/api.go`): one handle per object
//! ([`NomadClient::acl_policies`], [`NomadClient::acl_tokens`], [`NomadClient::acl_roles`],
//! [`NomadClient::acl_auth_methods`], [`NomadClient::acl_binding_rules`]), one method per
//! endpoint, [`QueryOptions`] / [`WriteOptions`] in, [`QueryMeta`] / [`WriteMeta`] out.
//!
//! ```ignore
//! let client = NomadClient::new(&NomadConfig::default())?;
//! let q = QueryOptions::new().with_token(session_secret.clone());
//! let (tokens, meta) = client.acl_tokens().list(&q).await?;
//! ```
//!
//! Rules this module keeps:
//! * the caller's token travels only in the `X-Nomad-Token` header (marked sensitive), never
//!   in a URL, a log line, an error or a `Debug` output;
//! * every path segment that comes from the caller is percent-encoded;
//! * every request has a timeout: the configured request timeout, plus, for a blocking query,
//!   its wait and Nomad's jitter (wait/16).

mod acl;
mod list_cache;
mod lists;
mod namespaces;
mod tls;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use url::Url;

pub use self::acl::{
    AclAuthMethods, AclBindingRules, AclPolicies, AclRoles, AclTokens, LoginRequest, OidcAuthUrlRequest,
    OidcAuthUrlResponse, OidcCompleteAuthRequest,
};
pub use self::lists::AclLists;
pub use self::namespaces::Namespaces;
use nomad_acl_core::error::NomadError;
use nomad_acl_core::models::SecretId;

/// The address the `nomad` CLI uses when `NOMAD_ADDR` is not set.
pub const DEFAULT_ADDRESS: &str = "http://127.0.0.1:4646";
/// Nomad's longest (and default) blocking-query wait.
pub const MAX_BLOCKING_WAIT: Duration = Duration::from_secs(300);
/// Header carrying the caller's token.
pub const TOKEN_HEADER: &str = "X-Nomad-Token";

/// Longest piece of a non-JSON error body kept in an error message.
const MAX_ERROR_BODY: usize = 4096;

/// Where Nomad is and how to talk to it. The environment variables are those of the `nomad`
/// CLI, with the same meaning (see [`NomadConfig::from_env`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NomadConfig {
    /// `NOMAD_ADDR`, e.g. `https://nomad.example.com:4646`. A path prefix is kept
    /// (`https://proxy/nomad` sends `https://proxy/nomad/v1/...`).
    pub address: String,
    /// `NOMAD_REGION`: sent as `?region=` when a request does not name one itself.
    pub region: Option<String>,
    /// `NOMAD_CACERT`: PEM file of CA certificates to verify Nomad's certificate.
    pub ca_cert: Option<PathBuf>,
    /// `NOMAD_CAPATH`: directory of PEM CA certificates (ignored when `ca_cert` is set).
    pub ca_path: Option<PathBuf>,
    /// `NOMAD_CLIENT_CERT`: PEM client certificate (chain) for mutual TLS.
    pub client_cert: Option<PathBuf>,
    /// `NOMAD_CLIENT_KEY`: PEM private key of `client_cert`.
    pub client_key: Option<PathBuf>,
    /// `NOMAD_SKIP_VERIFY`: accept any server certificate (a warning is logged once).
    pub skip_verify: bool,
    /// `NOMAD_TLS_SERVER_NAME`: verify the server certificate against this name instead of
    /// the address's host (e.g. `server.global.nomad`).
    pub tls_server_name: Option<String>,
    /// Longest time to open a connection (TCP and TLS).
    pub connect_timeout: Duration,
    /// Longest time for one request, answer included (a blocking query adds its wait).
    pub request_timeout: Duration,
}

impl Default for NomadConfig {
    fn default() -> Self {
        NomadConfig {
            address: DEFAULT_ADDRESS.to_string(),
            region: None,
            ca_cert: None,
            ca_path: None,
            client_cert: None,
            client_key: None,
            skip_verify: false,
            tls_server_name: None,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
        }
    }
}

impl NomadConfig {
    /// Reads `NOMAD_ADDR`, `NOMAD_REGION`, `NOMAD_CACERT`, `NOMAD_CAPATH`, `NOMAD_CLIENT_CERT`,
    /// `NOMAD_CLIENT_KEY`, `NOMAD_SKIP_VERIFY` and `NOMAD_TLS_SERVER_NAME` from the process
    /// environment, over [`NomadConfig::default`]. Empty values count as unset.
    pub fn from_env() -> Result<Self, NomadError> {
        Self::from_lookup(|k| std::env::var(k).ok())
    }

    /// Like [`NomadConfig::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, NomadError> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        let mut c = NomadConfig::default();
        if let Some(v) = get("NOMAD_ADDR") {
            c.address = v.trim().to_string();
        }
        c.region = get("NOMAD_REGION");
        c.ca_cert = get("NOMAD_CACERT").map(PathBuf::from);
        c.ca_path = get("NOMAD_CAPATH").map(PathBuf::from);
        c.client_cert = get("NOMAD_CLIENT_CERT").map(PathBuf::from);
        c.client_key = get("NOMAD_CLIENT_KEY").map(PathBuf::from);
        c.tls_server_name = get("NOMAD_TLS_SERVER_NAME");
        if let Some(v) = get("NOMAD_SKIP_VERIFY") {
            c.skip_verify = parse_go_bool(v.trim()).ok_or_else(|| NomadError::Config {
                reason: format!("NOMAD_SKIP_VERIFY must be true or false, not {v:?}"),
            })?;
        }
        Ok(c)
    }
}

/// Go's `strconv.ParseBool`.
fn parse_go_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Options of a read (GET) request. Fields left `None`/`false`/`0` are not sent.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryOptions {
    /// `?region=`; defaults to the client's region.
    pub region: Option<String>,
    /// `?prefix=`: policy name, token accessor (even number of hex digits), role ID prefix.
    pub prefix: Option<String>,
    /// `?filter=`: a go-bexpr expression (only the token list uses it).
    pub filter: Option<String>,
    /// `?per_page=` (only the token list paginates).
    pub per_page: Option<i32>,
    /// `?next_token=` from a previous [`QueryMeta::next_token`].
    pub next_token: Option<String>,
    /// `?index=`: block until the answer's index is above this one (0 = do not block).
    pub index: u64,
    /// `?wait=`: longest blocking time (Nomad caps it at 300s and uses 300s when unset).
    pub wait: Option<Duration>,
    /// `?stale=true`: let a follower answer.
    pub stale: bool,
    /// `?reverse=true` (token list: newest first).
    pub reverse: bool,
    /// The caller's secret, sent as `X-Nomad-Token`. `None` means anonymous.
    pub auth_token: Option<SecretId>,
}

impl QueryOptions {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_token(mut self, token: SecretId) -> Self {
        self.auth_token = Some(token);
        self
    }
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
    pub fn with_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.prefix = Some(prefix.into());
        self
    }
    pub fn with_filter(mut self, filter: impl Into<String>) -> Self {
        self.filter = Some(filter.into());
        self
    }
    pub fn with_per_page(mut self, per_page: i32) -> Self {
        self.per_page = Some(per_page);
        self
    }
    pub fn with_next_token(mut self, next_token: impl Into<String>) -> Self {
        self.next_token = Some(next_token.into());
        self
    }
    /// Makes this a blocking query: wait until the answer's index is above `index`, at most `wait`.
    pub fn blocking(mut self, index: u64, wait: Duration) -> Self {
        self.index = index;
        self.wait = Some(wait);
        self
    }
    pub fn with_stale(mut self, stale: bool) -> Self {
        self.stale = stale;
        self
    }
    pub fn with_reverse(mut self, reverse: bool) -> Self {
        self.reverse = reverse;
        self
    }

    /// How long Nomad may hold this query before answering (zero when it does not block).
    pub fn blocking_wait(&self) -> Duration {
        if self.index == 0 {
            return Duration::ZERO;
        }
        match self.wait {
            Some(w) if !w.is_zero() && w <= MAX_BLOCKING_WAIT => w,
            _ => MAX_BLOCKING_WAIT,
        }
    }
}

/// Options of a write (PUT/POST/DELETE) request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// `?region=`; defaults to the client's region.
    pub region: Option<String>,
    /// The caller's secret, sent as `X-Nomad-Token`. `None` means anonymous.
    pub auth_token: Option<SecretId>,
}

impl WriteOptions {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn with_token(mut self, token: SecretId) -> Self {
        self.auth_token = Some(token);
        self
    }
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }
}

/// What Nomad's `X-Nomad-*` headers say about a read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueryMeta {
    /// `X-Nomad-Index`: pass it back as [`QueryOptions::index`] to block for a change.
    pub last_index: u64,
    /// `X-Nomad-KnownLeader`.
    pub known_leader: bool,
    /// `X-Nomad-LastContact` (milliseconds since the answering server heard from the leader).
    pub last_contact: Duration,
    /// `X-Nomad-NextToken`: set when another page exists.
    pub next_token: Option<String>,
    /// How long the request took, as measured here.
    pub request_time: Duration,
}

/// What Nomad's headers say about a write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteMeta {
    /// `X-Nomad-Index`: the raft index of the write.
    pub last_index: u64,
    /// How long the request took, as measured here.
    pub request_time: Duration,
}

/// Client for one Nomad address. Cheap to clone (the connection pool is shared).
#[derive(Clone)]
pub struct NomadClient {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    address: String,
    region: Option<String>,
    request_timeout: Duration,
    token_lists: list_cache::ListCache<nomad_acl_core::models::AclTokenListStub>,
    role_lists: list_cache::ListCache<nomad_acl_core::models::AclRoleListStub>,
    policy_lists: list_cache::ListCache<nomad_acl_core::models::AclPolicyListStub>,
    /// `/v1/regions`, kept for [`REGIONS_KEPT`]: every page shows the region switcher.
    regions: std::sync::Mutex<Option<(std::time::Instant, Vec<String>)>>,
    /// The agent's regions: they change only with a restart of the agent.
    agent_regions: std::sync::OnceLock<AgentRegions>,
}

/// How long the federation's region list is reused.
const REGIONS_KEPT: Duration = Duration::from_secs(30);

impl std::fmt::Debug for NomadClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NomadClient")
            .field("address", &self.inner.address)
            .field("region", &self.inner.region)
            .finish_non_exhaustive()
    }
}

/// A successful HTTP answer.
struct RawReply {
    headers: HeaderMap,
    body: Vec<u8>,
    elapsed: Duration,
}

/// What a request sends besides method and path.
struct RequestParts<'a> {
    query: Vec<(&'static str, String)>,
    token: Option<&'a SecretId>,
    body: Option<Vec<u8>>,
    extra_timeout: Duration,
}

impl NomadClient {
    /// Builds a client. Fails with [`NomadError::Config`] for an unusable address or TLS
    /// files (the message names the file). Does not contact Nomad.
    pub fn new(config: &NomadConfig) -> Result<Self, NomadError> {
        let base = parse_address(&config.address)?;
        let address = base.as_str().trim_end_matches('/').to_string();

        let tls = tls::build(&tls::TlsSettings {
            ca_cert: config.ca_cert.as_deref(),
            ca_path: config.ca_path.as_deref(),
            client_cert: config.client_cert.as_deref(),
            client_key: config.client_key.as_deref(),
            skip_verify: config.skip_verify,
            tls_server_name: config.tls_server_name.as_deref(),
        })?;

        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("nomad-acl-console/", env!("CARGO_PKG_VERSION")))
            // Nomad answers unclean paths with redirects; ACL calls never need one, and a
            // redirect to another host must not carry the token along.
            .redirect(reqwest::redirect::Policy::none())
            // Idle connections to Nomad are kept for reuse, but not one per request of
            // a burst: each holds buffers, and a burst of live streams left hundreds.
            .pool_max_idle_per_host(MAX_IDLE_CONNECTIONS)
            .pool_idle_timeout(Duration::from_secs(30));
        builder = match tls {
            tls::TlsSetup::Default => builder,
            tls::TlsSetup::IdentityOnly(pem) => {
                let identity = reqwest::Identity::from_pem(&pem).map_err(|e| NomadError::Config {
                    reason: format!("cannot use the client certificate and key: {e}"),
                })?;
                builder.identity(identity)
            }
            tls::TlsSetup::Rustls(cfg) => builder.use_preconfigured_tls(*cfg),
        };
        let http = builder
            .build()
            .map_err(|e| NomadError::Config { reason: format!("cannot build the HTTP client: {}", error_chain(&e)) })?;

        let region = config.region.clone().filter(|r| !r.is_empty());
        Ok(NomadClient {
            inner: Arc::new(Inner {
                http,
                base,
                address,
                region,
                request_timeout: config.request_timeout,
                token_lists: Default::default(),
                role_lists: Default::default(),
                policy_lists: Default::default(),
                regions: Default::default(),
                agent_regions: Default::default(),
            }),
        })
    }

    /// The Nomad address, without a trailing slash (e.g. `http://127.0.0.1:4646`).
    pub fn address(&self) -> &str {
        &self.inner.address
    }

    /// The default region sent with requests, if any.
    pub fn region(&self) -> Option<&str> {
        self.inner.region.as_deref()
    }

    /// ACL policies: `/v1/acl/policies`, `/v1/acl/policy/:name`, `/v1/acl/policy/self`.
    pub fn acl_policies(&self) -> AclPolicies<'_> {
        AclPolicies::new(self)
    }

    /// ACL tokens: bootstrap, `/v1/acl/tokens`, `/v1/acl/token[/:id|/self|/onetime[/exchange]]`.
    pub fn acl_tokens(&self) -> AclTokens<'_> {
        AclTokens::new(self)
    }

    /// ACL roles: `/v1/acl/roles`, `/v1/acl/role[/:id|/name/:name]`.
    pub fn acl_roles(&self) -> AclRoles<'_> {
        AclRoles::new(self)
    }

    /// ACL auth methods: `/v1/acl/auth-methods`, `/v1/acl/auth-method[/:name]`.
    pub fn acl_auth_methods(&self) -> AclAuthMethods<'_> {
        AclAuthMethods::new(self)
    }

    /// ACL binding rules: `/v1/acl/binding-rules`, `/v1/acl/binding-rule[/:id]`.
    pub fn acl_binding_rules(&self) -> AclBindingRules<'_> {
        AclBindingRules::new(self)
    }

    /// Namespaces: list, read, upsert, delete.
    pub fn namespaces(&self) -> Namespaces<'_> {
        Namespaces::new(self)
    }

    /// `GET /v1/status/leader`: the leader's RPC address (`"10.0.0.1:4647"`), `""` when the
    /// cluster has no leader. The console's readiness check. Needs no token.
    pub async fn status_leader(&self) -> Result<String, NomadError> {
        let (leader, _): (String, _) = self.query(&["status", "leader"], &QueryOptions::default()).await?;
        Ok(leader)
    }

    /// `GET /v1/regions`: every region of the federation, sorted (one name when not
    /// federated). Needs no token; `q.region` picks the region that answers.
    pub async fn regions(&self, q: &QueryOptions) -> Result<Vec<String>, NomadError> {
        let (regions, _): (Vec<String>, _) = self.query(&["regions"], q).await?;
        Ok(regions)
    }

    /// [`Self::regions`] of the default region, reused for a while.
    pub async fn regions_kept(&self) -> Result<Vec<String>, NomadError> {
        if let Some((at, names)) = self.inner.regions.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if at.elapsed() < REGIONS_KEPT {
                return Ok(names.clone());
            }
        }
        let names = self.regions(&QueryOptions::default()).await?;
        *self.inner.regions.lock().unwrap_or_else(|e| e.into_inner()) =
            Some((std::time::Instant::now(), names.clone()));
        Ok(names)
    }

    /// [`Self::agent_regions`], asked once with the first token that may read the agent.
    pub async fn agent_regions_kept(&self, q: &QueryOptions) -> Result<AgentRegions, NomadError> {
        if let Some(known) = self.inner.agent_regions.get() {
            return Ok(known.clone());
        }
        let found = self.agent_regions(q).await?;
        Ok(self.inner.agent_regions.get_or_init(|| found).clone())
    }

    /// `GET /v1/agent/self` of the agent at `NOMAD_ADDR` (agent endpoints are never
    /// forwarded): its region, and the region that holds the ACL objects. Needs `agent:read`.
    pub async fn agent_regions(&self, q: &QueryOptions) -> Result<AgentRegions, NomadError> {
        let (agent, _): (AgentSelf, _) = self.query(&["agent", "self"], q).await?;
        let region = agent.config.region;
        // `command/agent/agent.go`: an unset `authoritative_region` means this region.
        let authoritative = Some(agent.config.server.authoritative_region).filter(|r| !r.is_empty());
        Ok(AgentRegions { authoritative: authoritative.unwrap_or_else(|| region.clone()), region })
    }

    // ------------------------------------------------------------------------------------
    // Request machinery, shared by the per-object handles.
    // ------------------------------------------------------------------------------------

    /// `GET /v1/<segments...>`, decoding the JSON answer and the query metadata.
    pub async fn query<T: DeserializeOwned>(
        &self,
        segments: &[&str],
        q: &QueryOptions,
    ) -> Result<(T, QueryMeta), NomadError> {
        let mut query = Vec::new();
        if let Some(r) = q.region.as_deref().filter(|r| !r.is_empty()).or(self.region()) {
            query.push(("region", r.to_string()));
        }
        if let Some(p) = &q.prefix {
            query.push(("prefix", p.clone()));
        }
        if let Some(f) = q.filter.as_deref().filter(|f| !f.is_empty()) {
            query.push(("filter", f.to_string()));
        }
        if let Some(n) = q.per_page {
            query.push(("per_page", n.to_string()));
        }
        if let Some(t) = q.next_token.as_deref().filter(|t| !t.is_empty()) {
            query.push(("next_token", t.to_string()));
        }
        if q.stale {
            query.push(("stale", "true".to_string()));
        }
        if q.reverse {
            query.push(("reverse", "true".to_string()));
        }
        if q.index > 0 {
            query.push(("index", q.index.to_string()));
        }
        if let Some(w) = q.wait.filter(|w| !w.is_zero()) {
            query.push(("wait", format!("{}ms", w.as_millis().max(1))));
        }
        let wait = q.blocking_wait();
        let parts = RequestParts { query, token: q.auth_token.as_ref(), body: None, extra_timeout: wait + wait / 16 };
        let reply = self.send(Method::GET, segments, parts).await?;
        let meta = parse_query_meta(&reply.headers, reply.elapsed)?;
        let value = decode(&reply.body, segments)?;
        Ok((value, meta))
    }

    /// A write (`PUT`/`POST`/`DELETE`) whose answer is JSON.
    pub async fn write<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&B>,
        w: &WriteOptions,
    ) -> Result<(T, WriteMeta), NomadError> {
        let reply = self.send_write(method, segments, body, w).await?;
        let meta = parse_write_meta(&reply.headers, reply.elapsed)?;
        let value = decode(&reply.body, segments)?;
        Ok((value, meta))
    }

    /// A write whose answer body is empty (policy PUT, deletes): only the metadata.
    pub async fn write_no_reply<B: Serialize + ?Sized>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&B>,
        w: &WriteOptions,
    ) -> Result<WriteMeta, NomadError> {
        let reply = self.send_write(method, segments, body, w).await?;
        parse_write_meta(&reply.headers, reply.elapsed)
    }

    async fn send_write<B: Serialize + ?Sized>(
        &self,
        method: Method,
        segments: &[&str],
        body: Option<&B>,
        w: &WriteOptions,
    ) -> Result<RawReply, NomadError> {
        let mut query = Vec::new();
        if let Some(r) = w.region.as_deref().filter(|r| !r.is_empty()).or(self.region()) {
            query.push(("region", r.to_string()));
        }
        let body = match body {
            Some(b) => Some(
                serde_json::to_vec(b)
                    .map_err(|e| NomadError::Config { reason: format!("cannot encode the request body: {e}") })?,
            ),
            None => None,
        };
        let parts = RequestParts { query, token: w.auth_token.as_ref(), body, extra_timeout: Duration::ZERO };
        self.send(method, segments, parts).await
    }

    fn url(&self, segments: &[&str], query: &[(&'static str, String)]) -> Url {
        let mut url = self.inner.base.clone();
        {
            // A base of "cannot-be-a-base" kind was rejected in `parse_address`.
            let mut path = url.path_segments_mut().expect("address is a base URL");
            path.pop_if_empty().push("v1");
            // `push` percent-encodes each segment, '/' included.
            path.extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        url
    }

    /// Every request to Nomad goes through here: its latency and error reach the
    /// observer ([`observe_requests`]).
    async fn send(&self, method: Method, segments: &[&str], parts: RequestParts<'_>) -> Result<RawReply, NomadError> {
        let start = Instant::now();
        let result = self.send_unmetered(method.clone(), segments, parts).await;
        if let Some(observe) = OBSERVER.get() {
            observe(&method, segments, start.elapsed(), result.as_ref().err());
        }
        result
    }

    async fn send_unmetered(
        &self,
        method: Method,
        segments: &[&str],
        parts: RequestParts<'_>,
    ) -> Result<RawReply, NomadError> {
        let url = self.url(segments, &parts.query);
        // Logged path: no query string (a filter may name a SecretID), never the token.
        let path = url.path().to_string();
        let mut req =
            self.inner.http.request(method.clone(), url).timeout(self.inner.request_timeout + parts.extra_timeout);
        if let Some(token) = parts.token.filter(|t| !t.is_empty()) {
            let mut value = HeaderValue::from_str(token.expose().trim()).map_err(|_| NomadError::Config {
                reason: "the ACL token contains characters that cannot be sent in a header".to_string(),
            })?;
            value.set_sensitive(true);
            req = req.header(TOKEN_HEADER, value);
        }
        match parts.body {
            Some(body) => {
                req = req.header(CONTENT_TYPE, "application/json").body(body);
            }
            None if method != Method::GET => {
                // An explicit empty body with `Content-Length: 0` (hyper leaves the header out).
                req = req.header(CONTENT_LENGTH, "0").body(Vec::<u8>::new());
            }
            None => {}
        }

        let start = Instant::now();
        let result = req.send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                let err = self.transport_error(&e);
                tracing::debug!(%method, %path, elapsed_ms = start.elapsed().as_millis() as u64, error = %err, "nomad request failed");
                return Err(err);
            }
        };
        let status = response.status();
        let headers = response.headers().clone();
        let body = match read_capped(response).await {
            Ok(b) => b,
            Err(ReadError::TooLarge) => {
                tracing::warn!(%method, %path, limit_mib = MAX_ANSWER_BYTES >> 20, "nomad answer too large: not read");
                return Err(NomadError::BadResponse {
                    reason: format!(
                        "the answer is larger than {} MiB, more than the console reads; narrow the request",
                        MAX_ANSWER_BYTES >> 20
                    ),
                });
            }
            Err(ReadError::Transport(e)) => {
                let err = self.transport_error(&e);
                tracing::debug!(%method, %path, status = status.as_u16(), error = %err, "reading nomad answer failed");
                return Err(err);
            }
        };
        let elapsed = start.elapsed();
        tracing::debug!(%method, %path, status = status.as_u16(), elapsed_ms = elapsed.as_millis() as u64, "nomad request");
        if !status.is_success() {
            return Err(NomadError::from_status(status.as_u16(), &error_body_text(&body)));
        }
        Ok(RawReply { headers, body, elapsed })
    }

    fn transport_error(&self, e: &reqwest::Error) -> NomadError {
        let address = self.inner.address.clone();
        if e.is_connect() {
            let reason = if e.is_timeout() { "connection timed out".to_string() } else { error_chain(e) };
            return NomadError::Unreachable { address, reason };
        }
        if e.is_timeout() {
            return NomadError::Timeout { address };
        }
        if e.is_builder() {
            return NomadError::Config { reason: error_chain(e) };
        }
        if e.is_decode() {
            return NomadError::BadResponse { reason: error_chain(e) };
        }
        NomadError::Unreachable { address, reason: error_chain(e) }
    }
}

/// Told of every request to Nomad once it ended: its method, its path segments
/// (`["v1", "acl", "token", <accessor>]`), how long it took and its error, if any.
pub type Observer = fn(&Method, &[&str], Duration, Option<&NomadError>);

static OBSERVER: std::sync::OnceLock<Observer> = std::sync::OnceLock::new();

/// Sets the process's request observer (the server's metrics); the first call wins.
pub fn observe_requests(observer: Observer) {
    let _ = OBSERVER.set(observer);
}

/// Largest answer read from Nomad. A 10,000-token list is about 5 MB; without a bound
/// a 64 MB answer drove the console's memory to 1.8 GB while it was decoded.
pub const MAX_ANSWER_BYTES: usize = 32 << 20;

/// Idle connections to Nomad kept open for reuse (per address).
pub const MAX_IDLE_CONNECTIONS: usize = 16;

enum ReadError {
    TooLarge,
    Transport(reqwest::Error),
}

/// The answer's body, or `TooLarge` as soon as it passes [`MAX_ANSWER_BYTES`].
async fn read_capped(mut response: reqwest::Response) -> Result<Vec<u8>, ReadError> {
    if response.content_length().is_some_and(|n| n > MAX_ANSWER_BYTES as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut body = Vec::with_capacity(response.content_length().map_or(0, |n| n as usize));
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Err(ReadError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn parse_address(address: &str) -> Result<Url, NomadError> {
    let trimmed = address.trim();
    // Never echo credentials put in the address.
    let shown = redact_userinfo(trimmed);
    if trimmed.is_empty() {
        return Err(NomadError::Config { reason: "the Nomad address is empty".to_string() });
    }
    if trimmed.starts_with("unix://") {
        return Err(NomadError::Config { reason: format!("unix socket addresses are not supported: {shown}") });
    }
    // The `nomad` CLI needs a scheme; accept a bare host:port as http.
    let with_scheme = if trimmed.contains("://") { trimmed.to_string() } else { format!("http://{trimmed}") };
    let url = Url::parse(&with_scheme)
        .map_err(|e| NomadError::Config { reason: format!("invalid Nomad address {shown:?}: {e}") })?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(NomadError::Config {
            reason: format!("the Nomad address must be http:// or https://, not {shown:?}"),
        });
    }
    if url.cannot_be_a_base() || url.host_str().is_none() {
        return Err(NomadError::Config { reason: format!("invalid Nomad address {shown:?}: no host") });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(NomadError::Config { reason: format!("the Nomad address must not carry credentials: {shown:?}") });
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(NomadError::Config {
            reason: format!("the Nomad address must not carry a query or a fragment: {shown:?}"),
        });
    }
    Ok(url)
}

/// `scheme://user:pw@host` -> `scheme://***@host`.
fn redact_userinfo(address: &str) -> String {
    let Some(start) = address.find("://").map(|i| i + 3) else { return address.to_string() };
    let rest = &address[start..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}***{}", &address[..start], &rest[at..]),
        None => address.to_string(),
    }
}

/// The source chain of an error, without reqwest's top level (which repeats the URL).
fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur = e.source();
    while let Some(err) = cur {
        let s = err.to_string();
        if !parts.iter().any(|p| p.contains(&s)) {
            parts.push(s);
        }
        cur = err.source();
    }
    if parts.is_empty() {
        // Strip reqwest's "for url (...)" part; the address is reported separately.
        let s = e.to_string();
        return match s.find(" for url (") {
            Some(i) => s[..i].to_string(),
            None => s,
        };
    }
    parts.join(": ")
}

fn error_body_text(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    if text.len() <= MAX_ERROR_BODY {
        return text.into_owned();
    }
    let mut cut = MAX_ERROR_BODY;
    while !text.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}…", &text[..cut])
}

fn decode<T: DeserializeOwned>(body: &[u8], segments: &[&str]) -> Result<T, NomadError> {
    serde_json::from_slice(body).map_err(|e| NomadError::BadResponse {
        reason: format!("cannot decode the answer of /v1/{}: {e}", segments.join("/")),
    })
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, NomadError> {
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v
            .to_str()
            .map(|s| Some(s.trim()))
            .map_err(|_| NomadError::BadResponse { reason: format!("header {name} is not text") }),
    }
}

fn header_u64(headers: &HeaderMap, name: &str) -> Result<u64, NomadError> {
    match header_str(headers, name)? {
        None | Some("") => Ok(0),
        Some(s) => {
            s.parse().map_err(|_| NomadError::BadResponse { reason: format!("header {name} is not a number: {s:?}") })
        }
    }
}

fn parse_query_meta(headers: &HeaderMap, elapsed: Duration) -> Result<QueryMeta, NomadError> {
    Ok(QueryMeta {
        last_index: header_u64(headers, "X-Nomad-Index")?,
        known_leader: header_str(headers, "X-Nomad-KnownLeader")? == Some("true"),
        last_contact: Duration::from_millis(header_u64(headers, "X-Nomad-LastContact")?),
        next_token: header_str(headers, "X-Nomad-NextToken")?.filter(|s| !s.is_empty()).map(str::to_string),
        request_time: elapsed,
    })
}

fn parse_write_meta(headers: &HeaderMap, elapsed: Duration) -> Result<WriteMeta, NomadError> {
    Ok(WriteMeta { last_index: header_u64(headers, "X-Nomad-Index")?, request_time: elapsed })
}

/// The agent's own region and the federation's authoritative region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRegions {
    pub region: String,
    pub authoritative: String,
}

#[derive(Deserialize)]
struct AgentSelf {
    config: AgentConfig,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct AgentConfig {
    #[serde(default)]
    region: String,
    #[serde(default)]
    server: AgentServerConfig,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
struct AgentServerConfig {
    #[serde(default)]
    authoritative_region: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(addr: &str) -> NomadClient {
        NomadClient::new(&NomadConfig { address: addr.to_string(), ..Default::default() }).unwrap()
    }

    #[test]
    fn urls_are_percent_encoded() {
        let c = client("http://127.0.0.1:4646");
        let u = c.url(&["acl", "policy", "a b/c?d#e"], &[]);
        assert_eq!(u.as_str(), "http://127.0.0.1:4646/v1/acl/policy/a%20b%2Fc%3Fd%23e");
        let u = c.url(&["acl", "tokens"], &[("prefix", "ab".into()), ("filter", "Name == \"x\"".into())]);
        assert_eq!(u.as_str(), "http://127.0.0.1:4646/v1/acl/tokens?prefix=ab&filter=Name+%3D%3D+%22x%22");
        let u = c.url(&["acl", "token", ""], &[]);
        assert_eq!(u.as_str(), "http://127.0.0.1:4646/v1/acl/token/");
    }

    #[test]
    fn namespace_paths() {
        let c = client("http://127.0.0.1:4646");
        assert_eq!(c.url(&["namespaces"], &[]).as_str(), "http://127.0.0.1:4646/v1/namespaces");
        assert_eq!(c.url(&["namespace", "a/b"], &[]).as_str(), "http://127.0.0.1:4646/v1/namespace/a%2Fb");
    }

    #[test]
    fn address_prefix_is_kept() {
        let c = client("https://proxy.example/nomad/");
        assert_eq!(c.address(), "https://proxy.example/nomad");
        assert_eq!(c.url(&["acl", "roles"], &[]).as_str(), "https://proxy.example/nomad/v1/acl/roles");
        let c = client("127.0.0.1:4646");
        assert_eq!(c.address(), "http://127.0.0.1:4646");
    }

    #[test]
    fn bad_addresses() {
        for a in ["", "ftp://x", "unix:///tmp/nomad.sock", "http://user:pw@host:4646", "http://"] {
            let e = NomadClient::new(&NomadConfig { address: a.into(), ..Default::default() }).unwrap_err();
            assert!(e.is_config(), "{a}: {e}");
            assert!(!e.to_string().contains("pw"), "{e}");
        }
    }

    #[test]
    fn config_from_env() {
        let env = |k: &str| {
            match k {
                "NOMAD_ADDR" => Some("https://nomad:4646"),
                "NOMAD_REGION" => Some("eu"),
                "NOMAD_SKIP_VERIFY" => Some("1"),
                "NOMAD_TLS_SERVER_NAME" => Some("server.global.nomad"),
                "NOMAD_CAPATH" => Some(""),
                _ => None,
            }
            .map(str::to_string)
        };
        let c = NomadConfig::from_lookup(env).unwrap();
        assert_eq!(c.address, "https://nomad:4646");
        assert_eq!(c.region.as_deref(), Some("eu"));
        assert!(c.skip_verify);
        assert_eq!(c.ca_path, None);
        assert_eq!(c.tls_server_name.as_deref(), Some("server.global.nomad"));
        let bad = NomadConfig::from_lookup(|k| (k == "NOMAD_SKIP_VERIFY").then(|| "maybe".to_string()));
        assert!(bad.unwrap_err().is_config());
        assert_eq!(NomadConfig::from_lookup(|_| None).unwrap(), NomadConfig::default());
    }

    #[test]
    fn blocking_wait() {
        assert_eq!(QueryOptions::new().blocking_wait(), Duration::ZERO);
        assert_eq!(QueryOptions::new().blocking(5, Duration::from_secs(2)).blocking_wait(), Duration::from_secs(2));
        let q = QueryOptions { index: 5, ..Default::default() };
        assert_eq!(q.blocking_wait(), MAX_BLOCKING_WAIT);
        assert_eq!(QueryOptions::new().blocking(5, Duration::from_secs(900)).blocking_wait(), MAX_BLOCKING_WAIT);
    }

    #[test]
    fn debug_never_shows_token() {
        let q = QueryOptions::new().with_token(SecretId::from("2b778dd9-f5f1-6f29-b4b4-9a5fa948757a"));
        assert!(!format!("{q:?}").contains("2b778dd9"));
        let w = WriteOptions::new().with_token(SecretId::from("2b778dd9-f5f1-6f29-b4b4-9a5fa948757a"));
        assert!(!format!("{w:?}").contains("2b778dd9"));
    }

    /// Server functions need `Send` futures.
    #[test]
    fn futures_are_send() {
        fn assert_send<T: Send>(_: &T) {}
        let c = client("http://127.0.0.1:4646");
        let q = QueryOptions::new();
        let w = WriteOptions::new();
        assert_send(&c.acl_tokens().list(&q));
        assert_send(&c.acl_tokens().exchange_one_time(&SecretId::default(), &w));
        assert_send(&c.acl_policies().get("p", &q));
        assert_send(&c.acl_roles().get_by_name("r", &q));
        assert_send(&c.acl_auth_methods().list(&q));
        assert_send(&c.acl_binding_rules().delete("b", &w));
        assert_send(&c.status_leader());
        fn assert_sync_clone<T: Send + Sync + Clone + 'static>() {}
        assert_sync_clone::<NomadClient>();
    }

    #[test]
    fn meta_headers() {
        let mut h = HeaderMap::new();
        h.insert("X-Nomad-Index", HeaderValue::from_static("42"));
        h.insert("X-Nomad-KnownLeader", HeaderValue::from_static("true"));
        h.insert("X-Nomad-LastContact", HeaderValue::from_static("7"));
        h.insert("X-Nomad-NextToken", HeaderValue::from_static("12.abcd"));
        let m = parse_query_meta(&h, Duration::ZERO).unwrap();
        assert_eq!(m.last_index, 42);
        assert!(m.known_leader);
        assert_eq!(m.last_contact, Duration::from_millis(7));
        assert_eq!(m.next_token.as_deref(), Some("12.abcd"));
        h.insert("X-Nomad-Index", HeaderValue::from_static("x"));
        assert!(parse_query_meta(&h, Duration::ZERO).unwrap_err().is_bad_response());
        assert_eq!(parse_write_meta(&HeaderMap::new(), Duration::ZERO).unwrap().last_index, 0);
    }
}
