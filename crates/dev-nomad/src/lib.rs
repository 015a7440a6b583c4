//! devnomad: an embedded, Nomad-compatible ACL server (test double and demo backend).
//!
//! Implements Nomad's `/v1/acl/*` HTTP API as Nomad's own source does (`nomad/acl_endpoint.go`,
//! `command/agent/acl_endpoint.go`, `nomad/structs/acl.go`): same status codes, error texts,
//! headers, indexes and edge cases; docs/embedded-nomad.md lists where it knowingly differs. State lives in memory and optionally in a JSON state
//! file written atomically after every write.
//!
//! ```no_run
//! # async fn demo() -> anyhow::Result<()> {
//! use dev_nomad::{DevNomad, DevNomadConfig};
//! let dn = DevNomad::new(DevNomadConfig::default())?;
//! let secret = dn.seed_demo()?;
//! let base = dn.spawn_local().await?; // "http://127.0.0.1:PORT"
//! # let _ = (secret, base); Ok(()) }
//! ```

/// The selector language, shared with the console's selector tester.
pub use nomad_acl_core::bexpr;
pub mod body;
pub mod persist;
pub mod state;
pub mod util;

mod auth_methods;
mod binding_rules;
pub mod federation;
mod http;
pub mod idp;
mod login;
mod namespaces;
mod policies;
mod roles;
mod seed;
mod tokens;

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use nomad_acl_core::models::SecretId;

use state::State;

/// How often expired tokens and one-time tokens are garbage-collected (Nomad: 5m).
const GC_INTERVAL: Duration = Duration::from_secs(300);

/// Server configuration.
#[derive(Debug, Clone)]
pub struct DevNomadConfig {
    /// `acl.token_min_expiration_ttl` (default 1m).
    pub token_min_ttl: Duration,
    /// `acl.token_max_expiration_ttl` (default 24h).
    pub token_max_ttl: Duration,
    /// Keeps state across restarts when set.
    pub state_file: Option<PathBuf>,
    /// The agent's region (default `global`).
    pub region: String,
    /// `acl.enabled` (default true).
    pub acl_enabled: bool,
}

impl Default for DevNomadConfig {
    fn default() -> Self {
        DevNomadConfig {
            token_min_ttl: Duration::from_secs(60),
            token_max_ttl: Duration::from_secs(24 * 3600),
            state_file: None,
            region: "global".to_string(),
            acl_enabled: true,
        }
    }
}

/// Shared server internals.
pub struct Inner {
    pub config: DevNomadConfig,
    state: Mutex<State>,
    tx: tokio::sync::watch::Sender<u64>,
    pub blocked: AtomicUsize,
    /// Set at shutdown: blocking queries answer at once, so the graceful
    /// shutdown does not wait out their `wait` (up to ten minutes).
    pub closing: AtomicBool,
    last_gc: Mutex<Instant>,
    /// OIDC sign-ins between auth-url and complete-auth.
    oidc: login::OidcRequests,
    /// The other regions, when this server is one region of a federation.
    federation: std::sync::OnceLock<Arc<federation::Links>>,
    /// This region's replication from the authoritative one (unused when it is authoritative).
    replication: federation::Replication,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs a read-only closure against the state.
    pub fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.lock())
    }

    /// Runs a writing closure. If it consumed a raft index (even when it then
    /// failed, like Nomad's failing state-level writes), the state is persisted and
    /// blocking queries are woken.
    pub fn write<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut st = self.lock();
        let before = st.index;
        let out = f(&mut st);
        if st.index != before {
            self.persist(&st);
            let idx = st.index;
            drop(st);
            self.tx.send_replace(idx);
        }
        out
    }

    fn persist(&self, st: &State) {
        if let Some(path) = &self.config.state_file {
            if let Err(e) = persist::save(path, st) {
                tracing::error!(path = %path.display(), error = %e, "devnomad: failed to write state file");
            }
        }
    }

    pub fn subscribe(&self) -> tokio::sync::watch::Receiver<u64> {
        self.tx.subscribe()
    }

    pub fn min_ttl_nanos(&self) -> i64 {
        nomad_acl_core::duration::GoDuration::from_std(self.config.token_min_ttl).as_nanos()
    }

    pub fn max_ttl_nanos(&self) -> i64 {
        nomad_acl_core::duration::GoDuration::from_std(self.config.token_max_ttl).as_nanos()
    }

    /// Runs the expired-token and expired-one-time-token GC now.
    pub fn gc_now(&self) {
        let now = util::now_utc();
        self.write(|s| {
            let t = s.gc_expired_tokens(now);
            let o = s.gc_expired_one_time_tokens(now);
            if t + o > 0 {
                tracing::debug!(tokens = t, one_time_tokens = o, "devnomad: garbage-collected expired tokens");
            }
        });
    }

    /// Runs the GC if the last run is older than the GC interval.
    pub fn maybe_gc(&self) {
        let due = {
            let mut last = self.last_gc.lock().unwrap_or_else(|p| p.into_inner());
            if last.elapsed() >= GC_INTERVAL {
                *last = Instant::now();
                true
            } else {
                false
            }
        };
        if due {
            self.gc_now();
        }
    }
}

/// The embedded Nomad ACL server. Cheap to clone (an `Arc` inside).
#[derive(Clone)]
pub struct DevNomad {
    inner: Arc<Inner>,
}

impl DevNomad {
    /// Creates a server. Loads `state_file` if it exists; an unreadable or corrupt
    /// file is an error naming the path (never a silent reset).
    pub fn new(config: DevNomadConfig) -> anyhow::Result<Self> {
        if config.token_min_ttl > config.token_max_ttl {
            anyhow::bail!(
                "devnomad: token_min_ttl ({:?}) is greater than token_max_ttl ({:?})",
                config.token_min_ttl,
                config.token_max_ttl
            );
        }
        let state = match &config.state_file {
            Some(path) => persist::load(path)?.unwrap_or_else(State::new),
            None => State::new(),
        };
        let (tx, _rx) = tokio::sync::watch::channel(state.index);
        let inner = Inner {
            config,
            state: Mutex::new(state),
            tx,
            blocked: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            last_gc: Mutex::new(Instant::now()),
            oidc: login::OidcRequests::default(),
            federation: std::sync::OnceLock::new(),
            replication: federation::Replication::default(),
        };
        // Collect anything that expired while we were down.
        inner.gc_now();
        Ok(DevNomad { inner: Arc::new(inner) })
    }

    /// The HTTP API as an axum router (no background tasks; GC runs lazily on requests).
    pub fn router(&self) -> axum::Router {
        axum::Router::new().fallback(http::dispatch).with_state(self.inner.clone())
    }

    /// Serves on `listener` until `shutdown` completes. Also runs the periodic GC.
    pub async fn serve(
        self,
        listener: tokio::net::TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let gc_inner = Arc::downgrade(&self.inner);
        let gc_task = tokio::spawn(async move {
            let mut tick = tokio::time::interval(GC_INTERVAL);
            tick.tick().await;
            loop {
                tick.tick().await;
                match gc_inner.upgrade() {
                    Some(inner) => inner.maybe_gc(),
                    None => break,
                }
            }
        });
        let inner = self.inner.clone();
        let shutdown = async move {
            shutdown.await;
            inner.closing.store(true, Ordering::SeqCst);
            // Wakes every blocked query, which then sees `closing`.
            inner.tx.send_modify(|_| {});
        };
        let res = axum::serve(listener, self.router()).with_graceful_shutdown(shutdown).await;
        gc_task.abort();
        res
    }

    /// Test/bench helper: binds 127.0.0.1:0, serves in a background task, returns
    /// the base URL `http://127.0.0.1:PORT`.
    pub async fn spawn_local(self) -> std::io::Result<String> {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
        let addr = listener.local_addr()?;
        tokio::spawn(async move {
            if let Err(e) = self.serve(listener, std::future::pending()).await {
                tracing::error!(error = %e, "devnomad: server stopped");
            }
        });
        Ok(format!("http://{addr}"))
    }

    /// The auth method as stored, secrets included (Nomad's API redacts them): for tests.
    #[doc(hidden)]
    pub fn stored_auth_method(&self, name: &str) -> Option<nomad_acl_core::models::AclAuthMethod> {
        self.inner.read(|s| s.auth_methods.get(name).cloned())
    }

    /// Demo mode: bootstrap plus realistic sample data. Returns the management SecretID.
    pub fn seed_demo(&self) -> anyhow::Result<SecretId> {
        seed::seed_demo(&self.inner)
    }

    /// Seeds `tokens` extra tokens (and `policies` policies, `roles` roles) for benchmarks.
    pub fn seed_scale(&self, tokens: usize, policies: usize, roles: usize) -> anyhow::Result<()> {
        seed::seed_scale(&self.inner, tokens, policies, roles)
    }

    /// Number of blocking queries currently waiting.
    pub fn blocked_queries(&self) -> usize {
        self.inner.blocked.load(Ordering::SeqCst)
    }

    /// The current global raft index (for tests).
    pub fn current_index(&self) -> u64 {
        self.inner.read(|s| s.index)
    }

    /// Runs the expired-token GC immediately (normally every 5 minutes).
    pub fn gc_now(&self) {
        self.inner.gc_now()
    }

    /// The configuration this server runs with.
    pub fn config(&self) -> &DevNomadConfig {
        &self.inner.config
    }
}

#[cfg(test)]
mod federation_tests;
#[cfg(test)]
mod namespace_tests;
#[cfg(test)]
mod sso_tests;
#[cfg(test)]
mod tests;
