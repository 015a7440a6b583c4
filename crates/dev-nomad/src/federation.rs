//! A federation of regions in one process: one embedded server per region.
//!
//! - Forwarding (`nomad/rpc.go` `forward`, `forwardRegion`): a request whose `region` names
//!   another region of the federation is answered by that region; an unknown region gets
//!   `No path to region` from the region that received it.
//! - Authoritative writes (`nomad/acl_endpoint.go`, `nomad/namespace_endpoint.go`): policy,
//!   role, auth method, binding rule, namespace and bootstrap writes, and writes of global
//!   tokens, have their region overwritten with the authoritative one before forwarding.
//! - Replication (`nomad/leader.go` `replicateACLPolicies` and siblings): every other region
//!   pulls from the authoritative one and applies a two-way diff; replicas keep IDs, secrets,
//!   hashes and create times but get their own raft indexes. Tokens: global ones only.
//!
//! In one process a forwarded request goes straight to the other region's handler; each
//! region still listens on its own port.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::response::Response;
use futures::FutureExt;
use nomad_acl_core::models::{AclAuthMethod, AclBindingRule, AclPolicy, AclRole, AclToken, Namespace, SecretId};
use serde::Serialize;

use super::body::{get_ci, parse_first_value};
use super::http::{error, go_parse_bool, json_response, parse_query, to_json, Req};
use super::state::State;
use super::util::{now_utc, ApiError};
use super::{DevNomad, DevNomadConfig, Inner};

/// Every region of a federation, as each of its servers sees the others.
pub struct Links {
    /// The first region: the source of replicated data and the target of global writes.
    pub authoritative: String,
    /// Regions in the order given; weak, so the links do not keep servers alive.
    members: Vec<(String, Weak<Inner>)>,
}

impl Links {
    pub fn get(&self, region: &str) -> Option<Arc<Inner>> {
        self.members.iter().find(|(name, _)| name == region).and_then(|(_, inner)| inner.upgrade())
    }

    /// `Server.Regions` (`nomad/server.go`): sorted names.
    pub fn region_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.members.iter().map(|(name, _)| name.clone()).collect();
        names.sort();
        names
    }

    fn position(&self, region: &str) -> Option<usize> {
        self.members.iter().position(|(name, _)| name == region)
    }
}

/// One region's replication switch and progress.
#[derive(Default)]
pub struct Replication {
    paused: AtomicBool,
    /// Wakes the replication loop when `paused` changes.
    wake: tokio::sync::Notify,
    progress: Mutex<Progress>,
}

/// Per table, the authoritative table index the last round saw: Nomad's `MinQueryIndex`
/// for the next blocking list, and the `minIndex` of its diff.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Progress {
    pub rounds: u64,
    pub policies: u64,
    pub tokens: u64,
    pub roles: u64,
    pub auth_methods: u64,
    pub binding_rules: u64,
    pub namespaces: u64,
}

// ---- forwarding ---------------------------------------------------------------------------

/// The region whose handler answers `req`, with the request's region rewritten when
/// Nomad rewrites it. Not federated: always `inner`.
pub(crate) fn resolve(inner: &Arc<Inner>, req: &mut Req) -> Arc<Inner> {
    let Some(links) = inner.federation.get() else { return inner.clone() };
    if !forwarded_path(&req.path) {
        return inner.clone();
    }
    if always_authoritative(req) {
        return to_authoritative(inner, links, req);
    }
    let mut target = inner.clone();
    if let Some(region) = req.q("region").filter(|r| !r.is_empty() && *r != inner.config.region) {
        match links.get(region) {
            Some(other) => target = other,
            // The receiving region answers "No path to region" from its own checks.
            None => return target,
        }
    }
    // `ACL.DeleteTokens`: the receiving region looks the tokens up, and sends the delete
    // of a global one to the authoritative region.
    if deletes_global_token(&target, req) {
        return to_authoritative(&target, links, req);
    }
    target
}

fn to_authoritative(inner: &Arc<Inner>, links: &Links, req: &mut Req) -> Arc<Inner> {
    req.query.retain(|(k, _)| k != "region");
    req.query.push(("region".into(), links.authoritative.clone()));
    links.get(&links.authoritative).unwrap_or_else(|| inner.clone())
}

/// Paths served by RPCs (which follow `region`); the agent answers the rest itself.
fn forwarded_path(path: &str) -> bool {
    path.starts_with("/v1/acl/")
        || path == "/v1/namespaces"
        || path.starts_with("/v1/namespace")
        || path == "/v1/status/leader"
}

/// The writes whose `args.Region` Nomad sets to `AuthoritativeRegion`.
fn always_authoritative(req: &Req) -> bool {
    let writes = matches!(req.method.as_str(), "PUT" | "POST" | "DELETE");
    let upserts = matches!(req.method.as_str(), "PUT" | "POST");
    let p = req.path.as_str();
    let under = |prefix: &str| p == prefix || p.starts_with(&format!("{prefix}/"));
    if p == "/v1/acl/bootstrap" {
        return upserts;
    }
    if under("/v1/acl/policy") || under("/v1/acl/role") || under("/v1/acl/auth-method") || under("/v1/acl/binding-rule")
    {
        return writes;
    }
    if under("/v1/namespace") {
        return writes;
    }
    // `ACL.UpsertTokens`: a batch with a global token goes to the authoritative region.
    let token_upsert = p == "/v1/acl/token"
        || p.strip_prefix("/v1/acl/token/")
            .is_some_and(|rest| !rest.is_empty() && rest != "self" && !rest.starts_with("onetime"));
    token_upsert && upserts && body_is_global_token(req)
}

fn body_is_global_token(req: &Req) -> bool {
    parse_first_value(&req.body).ok().and_then(|v| get_ci(&v, "Global").and_then(|g| g.as_bool())).unwrap_or(false)
}

fn deletes_global_token(target: &Arc<Inner>, req: &Req) -> bool {
    let Some(accessor) = req.path.strip_prefix("/v1/acl/token/") else { return false };
    let Some(links) = target.federation.get() else { return false };
    if req.method != "DELETE" || target.config.region == links.authoritative {
        return false;
    }
    let secret = req.token();
    target.read(|s| {
        // The management check runs here first: without it the local handler answers.
        s.auth_management(&secret, now_utc()).is_ok()
            && s.token_by_accessor(accessor).ok().flatten().is_some_and(|t| t.global)
    })
}

// ---- agent endpoints ----------------------------------------------------------------------

/// `GET /v1/regions` (`command/agent/region_endpoint.go`, `nomad/regions_endpoint.go`):
/// answered by the receiving agent, never forwarded; no index headers.
pub(crate) fn regions(inner: &Inner, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    if let Err(e) = parse_query(req, inner) {
        return error(e);
    }
    let names = match inner.federation.get() {
        Some(links) => links.region_names(),
        None => vec![inner.config.region.clone()],
    };
    json_response(to_json(&names, req.pretty(), false))
}

/// The leader's RPC address `Status.Leader` reports: one per region.
pub(crate) fn leader_address(inner: &Inner) -> String {
    match inner.federation.get().and_then(|links| links.position(&inner.config.region)) {
        Some(i) => format!("127.0.0.{}:4647", i + 1),
        None => "127.0.0.1:4647".to_string(),
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ReplicationStatus {
    region: String,
    authoritative_region: String,
    paused: bool,
    progress: Progress,
}

/// `GET|PUT /v1/dev/replication/<region>[?paused=true|false]`: devnomad's own endpoint
/// (Nomad has none) to see and pause a region's replication. Needs a management token
/// of the region that answers.
pub(crate) fn admin(inner: &Inner, req: &Req, region: &str) -> Response {
    let Some(links) = inner.federation.get() else {
        return error(ApiError::new(404, "devnomad: not a federation (start with --regions)"));
    };
    if let Err(e) = inner.read(|s| s.auth_management(&req.token(), now_utc())) {
        return error(e);
    }
    let Some(target) = links.get(region) else {
        return error(ApiError::new(404, format!("devnomad: no region {region:?} in this federation")));
    };
    match req.method.as_str() {
        "GET" => {}
        "PUT" | "POST" => {
            if region == links.authoritative {
                return error(ApiError::bad_request(format!(
                    "devnomad: {region} is the authoritative region: it does not replicate"
                )));
            }
            let Some(paused) = req.q("paused").and_then(go_parse_bool) else {
                return error(ApiError::bad_request("devnomad: expect paused=true or paused=false"));
            };
            target.replication.set_paused(paused);
        }
        _ => return error(ApiError::method_not_allowed()),
    }
    let status = ReplicationStatus {
        region: region.to_string(),
        authoritative_region: links.authoritative.clone(),
        paused: target.replication.paused.load(Ordering::SeqCst),
        progress: target.replication.progress(),
    };
    json_response(to_json(&status, req.pretty(), false))
}

// ---- replication --------------------------------------------------------------------------

impl Replication {
    pub fn set_paused(&self, paused: bool) {
        self.paused.store(paused, Ordering::SeqCst);
        self.wake.notify_one();
    }

    pub fn is_paused(&self) -> bool {
        self.paused.load(Ordering::SeqCst)
    }

    pub fn progress(&self) -> Progress {
        self.progress.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// What replication compares and rewrites in each replicated object.
trait Replicated: Clone {
    fn hash(&self) -> Option<&str>;
    fn modify_index(&self) -> u64;
    fn create_index(&self) -> u64;
    fn set_indexes(&mut self, create: u64, modify: u64);
}

macro_rules! replicated {
    ($($t:ty),*) => {$(
        impl Replicated for $t {
            fn hash(&self) -> Option<&str> {
                self.hash.as_deref()
            }
            fn modify_index(&self) -> u64 {
                self.modify_index
            }
            fn create_index(&self) -> u64 {
                self.create_index
            }
            fn set_indexes(&mut self, create: u64, modify: u64) {
                self.create_index = create;
                self.modify_index = modify;
            }
        }
    )*};
}
replicated!(AclPolicy, AclToken, AclRole, AclAuthMethod, AclBindingRule, Namespace);

/// `diffACLPolicies` and siblings: local keys missing remotely are deleted; remote ones
/// missing locally, or changed since `min_index` with another hash, are written.
fn diff<T: Replicated>(
    local: &BTreeMap<String, Option<String>>,
    remote: &BTreeMap<String, T>,
    min_index: u64,
) -> (Vec<String>, Vec<String>) {
    let delete = local.keys().filter(|k| !remote.contains_key(*k)).cloned().collect();
    let update = remote
        .iter()
        .filter(|(k, r)| match local.get(*k) {
            None => true,
            Some(hash) => r.modify_index() > min_index && hash.as_deref() != r.hash(),
        })
        .map(|(k, _)| k.clone())
        .collect();
    (delete, update)
}

/// One table's round: a delete batch and an upsert batch, each one raft index, as the
/// state store's `UpsertACLPolicies` (`nomad/state/state_store.go`) keeps the create index
/// of an object it replaces. Returns how many objects changed.
fn sync_map<T: Replicated>(
    s: &mut State,
    map: fn(&mut State) -> &mut BTreeMap<String, T>,
    table: fn(&mut State) -> &mut u64,
    remote: &BTreeMap<String, T>,
    min_index: u64,
) -> usize {
    let local = map(s).iter().map(|(k, v)| (k.clone(), v.hash().map(str::to_string))).collect();
    let (delete, update) = diff(&local, remote, min_index);
    if !delete.is_empty() {
        let idx = s.next_index();
        for k in &delete {
            map(s).remove(k);
        }
        *table(s) = idx;
    }
    if !update.is_empty() {
        let idx = s.next_index();
        for k in &update {
            let mut item = remote[k].clone();
            let create = map(s).get(k).map(|e| e.create_index()).unwrap_or(idx);
            item.set_indexes(create, idx);
            map(s).insert(k.clone(), item);
        }
        *table(s) = idx;
    }
    delete.len() + update.len()
}

/// `diffACLTokens`: global tokens only; the replica's local tokens stay. A replaced token
/// keeps its create time (`UpsertACLTokens`).
fn sync_tokens(s: &mut State, remote: &BTreeMap<String, AclToken>, min_index: u64) -> usize {
    let local = s.tokens.iter().filter(|(_, t)| t.global).map(|(k, t)| (k.clone(), t.hash.clone())).collect();
    let (delete, update) = diff(&local, remote, min_index);
    if !delete.is_empty() {
        let idx = s.next_index();
        for k in &delete {
            s.remove_token(k);
        }
        s.tables.acl_token = idx;
    }
    if !update.is_empty() {
        let idx = s.next_index();
        for k in &update {
            let mut token = remote[k].clone();
            if let Some(existing) = s.tokens.get(k) {
                token.create_index = existing.create_index;
                token.create_time = existing.create_time;
            } else {
                token.create_index = idx;
            }
            token.modify_index = idx;
            s.put_token(token);
        }
        s.tables.acl_token = idx;
    }
    delete.len() + update.len()
}

/// The authoritative region's replicated tables at one instant.
struct Snapshot {
    policies: BTreeMap<String, AclPolicy>,
    tokens: BTreeMap<String, AclToken>,
    roles: BTreeMap<String, AclRole>,
    auth_methods: BTreeMap<String, AclAuthMethod>,
    binding_rules: BTreeMap<String, AclBindingRule>,
    namespaces: BTreeMap<String, Namespace>,
    tables: super::state::TableIndexes,
}

/// One replication round of `replica` from `authoritative`. Returns how many objects changed.
pub(crate) fn replicate_once(replica: &Inner, authoritative: &Inner) -> usize {
    // Serializes rounds of one region (the loop and a manual round).
    let mut progress = replica.replication.progress.lock().unwrap_or_else(|p| p.into_inner());
    let snap = authoritative.read(|s| Snapshot {
        policies: s.policies.clone(),
        tokens: s.tokens.iter().filter(|(_, t)| t.global).map(|(k, t)| (k.clone(), t.clone())).collect(),
        roles: s.roles.clone(),
        auth_methods: s.auth_methods.clone(),
        binding_rules: s.binding_rules.clone(),
        namespaces: s.namespaces.clone(),
        tables: s.tables.clone(),
    });
    let seen = progress.clone();
    let changed = replica.write(|s| {
        sync_map(s, |s| &mut s.policies, |s| &mut s.tables.acl_policy, &snap.policies, seen.policies)
            + sync_tokens(s, &snap.tokens, seen.tokens)
            + sync_map(s, |s| &mut s.roles, |s| &mut s.tables.acl_roles, &snap.roles, seen.roles)
            + sync_map(
                s,
                |s| &mut s.auth_methods,
                |s| &mut s.tables.acl_auth_methods,
                &snap.auth_methods,
                seen.auth_methods,
            )
            + sync_map(
                s,
                |s| &mut s.binding_rules,
                |s| &mut s.tables.acl_binding_rules,
                &snap.binding_rules,
                seen.binding_rules,
            )
            + sync_map(s, |s| &mut s.namespaces, |s| &mut s.tables.namespaces, &snap.namespaces, seen.namespaces)
    });
    *progress = Progress {
        rounds: seen.rounds + 1,
        policies: snap.tables.acl_policy,
        tokens: snap.tables.acl_token,
        roles: snap.tables.acl_roles,
        auth_methods: snap.tables.acl_auth_methods,
        binding_rules: snap.tables.acl_binding_rules,
        namespaces: snap.tables.namespaces,
    };
    if changed > 0 {
        tracing::debug!(region = %replica.config.region, changed, "devnomad: replicated from the authoritative region");
    }
    changed
}

/// A replica's loop: a round, then a blocking wait for the authoritative state to change
/// (or for a pause switch), then `interval` (Nomad's rate limit; here also the lag a demo shows).
async fn replicate_loop(replica: Arc<Inner>, authoritative: Arc<Inner>, interval: Duration) {
    let mut changes = authoritative.subscribe();
    loop {
        if replica.closing.load(Ordering::SeqCst) {
            return;
        }
        if !replica.replication.is_paused() {
            replicate_once(&replica, &authoritative);
        }
        tokio::select! {
            changed = changes.changed() => {
                if changed.is_err() {
                    return;
                }
            }
            _ = replica.replication.wake.notified() => {}
        }
        tokio::time::sleep(interval).await;
    }
}

// ---- the federation -----------------------------------------------------------------------

/// How the regions of a federation are set up.
#[derive(Debug, Clone)]
pub struct FederationConfig {
    /// Region names; the first is authoritative.
    pub regions: Vec<String>,
    /// Pause between replication rounds.
    pub replication_interval: Duration,
    /// Regions whose replication starts paused.
    pub paused: Vec<String>,
}

/// One embedded server per region, linked.
pub struct Federation {
    servers: Vec<DevNomad>,
    links: Arc<Links>,
    interval: Duration,
}

/// `<stem>.<region>.<ext>` next to the given state file: one file per region.
pub fn region_state_file(path: &Path, region: &str) -> PathBuf {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.{region}.{}", ext.to_string_lossy()),
        None => format!("{stem}.{region}"),
    };
    path.with_file_name(name)
}

fn valid_region_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

impl Federation {
    /// Creates the servers (`base` gives everything but the region; a state file becomes one
    /// per region). Fails on an empty list, a bad or repeated name, or an unknown paused region.
    pub fn new(base: DevNomadConfig, config: FederationConfig) -> anyhow::Result<Self> {
        let Some(authoritative) = config.regions.first().cloned() else {
            anyhow::bail!("devnomad: a federation needs at least one region");
        };
        for (i, name) in config.regions.iter().enumerate() {
            if !valid_region_name(name) {
                anyhow::bail!("devnomad: invalid region name {name:?} (letters, digits, '-', '_', '.')");
            }
            if config.regions[..i].contains(name) {
                anyhow::bail!("devnomad: region {name:?} is listed twice");
            }
        }
        for name in &config.paused {
            if !config.regions.contains(name) {
                anyhow::bail!("devnomad: cannot pause replication of {name:?}: not one of the regions");
            }
            if *name == authoritative {
                anyhow::bail!("devnomad: {name} is the authoritative region: it does not replicate");
            }
        }
        let mut servers = Vec::with_capacity(config.regions.len());
        for name in &config.regions {
            let region_config = DevNomadConfig {
                region: name.clone(),
                state_file: base.state_file.as_deref().map(|p| region_state_file(p, name)),
                ..base.clone()
            };
            servers.push(DevNomad::new(region_config)?);
        }
        let links = Arc::new(Links {
            authoritative,
            members: servers.iter().map(|d| (d.inner.config.region.clone(), Arc::downgrade(&d.inner))).collect(),
        });
        for d in &servers {
            // A new server's cell is empty: this cannot fail.
            let _ = d.inner.federation.set(links.clone());
            d.inner.replication.set_paused(config.paused.contains(&d.inner.config.region));
        }
        Ok(Federation { servers, links, interval: config.replication_interval })
    }

    /// Every region's server, authoritative first.
    pub fn servers(&self) -> &[DevNomad] {
        &self.servers
    }

    pub fn authoritative(&self) -> &DevNomad {
        &self.servers[0]
    }

    pub fn region(&self, name: &str) -> Option<&DevNomad> {
        self.servers.iter().find(|d| d.inner.config.region == name)
    }

    /// Pauses or resumes a region's replication.
    pub fn set_paused(&self, region: &str, paused: bool) -> anyhow::Result<()> {
        if region == self.links.authoritative {
            anyhow::bail!("devnomad: {region} is the authoritative region: it does not replicate");
        }
        let Some(d) = self.region(region) else { anyhow::bail!("devnomad: no region {region:?}") };
        d.inner.replication.set_paused(paused);
        Ok(())
    }

    /// Runs one replication round now in every region that is not paused. Returns how many
    /// objects changed.
    pub fn replicate_now(&self) -> usize {
        self.replicate(false)
    }

    fn replicate(&self, even_paused: bool) -> usize {
        let authoritative = &self.servers[0].inner;
        self.servers[1..]
            .iter()
            .filter(|d| even_paused || !d.inner.replication.is_paused())
            .map(|d| replicate_once(&d.inner, authoritative))
            .sum()
    }

    /// Demo data: the single-server demo in the authoritative region (its global tokens
    /// reach every region), copied everywhere at once, then local tokens in each other region.
    pub fn seed_demo(&self) -> anyhow::Result<SecretId> {
        let secret = self.authoritative().seed_demo()?;
        self.replicate(true);
        for d in &self.servers[1..] {
            let region = d.inner.config.region.clone();
            d.inner.write(|s| super::seed::seed_region_local_tokens(s, &region, now_utc()));
        }
        Ok(secret)
    }

    /// Starts one replication task per non-authoritative region (needs a Tokio runtime).
    pub fn start_replication(&self) -> Vec<tokio::task::JoinHandle<()>> {
        let authoritative = self.servers[0].inner.clone();
        self.servers[1..]
            .iter()
            .map(|d| tokio::spawn(replicate_loop(d.inner.clone(), authoritative.clone(), self.interval)))
            .collect()
    }

    /// Binds one listener per region: region *i* on the port of `listen` plus *i*
    /// (port 0: any free port for each).
    pub async fn bind(&self, listen: SocketAddr) -> anyhow::Result<Vec<tokio::net::TcpListener>> {
        let mut listeners = Vec::with_capacity(self.servers.len());
        for i in 0..self.servers.len() {
            let mut addr = listen;
            if listen.port() != 0 {
                let port = u16::try_from(i)
                    .ok()
                    .and_then(|i| listen.port().checked_add(i))
                    .ok_or_else(|| anyhow::anyhow!("devnomad: no port {} + {i}", listen.port()))?;
                addr.set_port(port);
            }
            let listener = tokio::net::TcpListener::bind(addr).await.map_err(|e| {
                anyhow::anyhow!("devnomad: cannot listen on {addr} for {}: {e}", self.servers[i].inner.config.region)
            })?;
            listeners.push(listener);
        }
        Ok(listeners)
    }

    /// Serves every region on its listener (in region order) and replicates, until `shutdown`.
    pub async fn serve(
        self,
        listeners: Vec<tokio::net::TcpListener>,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        if listeners.len() != self.servers.len() {
            return Err(std::io::Error::other(format!(
                "devnomad: {} listeners for {} regions",
                listeners.len(),
                self.servers.len()
            )));
        }
        let tasks = self.start_replication();
        let shutdown = shutdown.boxed().shared();
        let serving = self.servers.iter().cloned().zip(listeners).map(|(d, l)| d.serve(l, shutdown.clone()));
        let res = futures::future::try_join_all(serving).await;
        for t in tasks {
            t.abort();
        }
        res.map(|_| ())
    }

    /// Test/demo helper: serves every region on its own free port of 127.0.0.1 and starts
    /// replication, in background tasks. Returns the base URLs in region order.
    pub async fn spawn_local(self) -> std::io::Result<Vec<String>> {
        let mut urls = Vec::with_capacity(self.servers.len());
        for d in &self.servers {
            urls.push(d.clone().spawn_local().await?);
        }
        // Detached: the tasks end with the runtime.
        drop(self.start_replication());
        Ok(urls)
    }
}
