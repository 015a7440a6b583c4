//! Live updates (server side): `GET /live?kinds=tokens,roles` is a Server-Sent
//! Events stream that says when a kind's list changed in Nomad.
//!
//! Each (token, kind) pair has at most one upstream watch: a loop of Nomad
//! blocking queries made with the viewer's own token, shared by every open page
//! of that token and stopped when the last one closes (the last `Arc<Watch>` is
//! dropped). A watch ends for good when its token stops working or expires, so it
//! never outlives the session's token; other failures back off with jitter.
//!
//! Events: `ready` (subscribed; data: the kinds), `change` ([`Change`]),
//! `unavailable` ([`Unavailable`]: this token may not list the kind) and `ended`
//! ([`Ended`]: the stream is over, do not reconnect).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use serde::Deserialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::AppState;
use crate::api::live::{Change, Ended, Kind, Unavailable};
use crate::nomad::client::{NomadClient, QueryOptions};
use crate::nomad::error::NomadError;
use crate::nomad::models::SecretId;

/// Gauges on `/metrics`: open streams, and upstream watches (blocking-query loops).
pub const LIVE_STREAMS: &str = "console_live_streams";
pub const LIVE_WATCHES: &str = "console_live_watches";

/// How the watches query Nomad.
#[derive(Debug, Clone, Copy)]
pub struct LiveConfig {
    /// `?wait=` of each blocking query; Nomad answers sooner when the list changes.
    pub wait: Duration,
    /// Pause after a change before asking again, so a burst (a bulk delete) is one event.
    pub settle: Duration,
    /// First and longest pause after a failure (doubling, with jitter, in between).
    pub backoff_min: Duration,
    pub backoff_max: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(120),
            settle: Duration::from_millis(150),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
        }
    }
}

/// What a watch knows about its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchState {
    /// The first query has not answered yet.
    Starting,
    /// The kind's current index.
    At(u64),
    /// The token may not list this kind; the watch has stopped.
    Unavailable(String),
    /// The token no longer works (deleted or expired); the watch has stopped.
    Ended(String),
}

/// Every running watch, by (token accessor, kind). Cheap to clone.
#[derive(Clone, Default)]
pub struct LiveHub {
    inner: Arc<HubInner>,
}

struct HubInner {
    watches: Mutex<HashMap<(String, Kind), Weak<Watch>>>,
    config: LiveConfig,
    /// Set at shutdown: streams end, so the server's graceful shutdown does not
    /// wait for pages that would never close them.
    closing: watch::Sender<bool>,
    /// Open streams per session ID.
    streams: Mutex<HashMap<String, usize>>,
}

impl Default for HubInner {
    fn default() -> Self {
        Self {
            watches: Mutex::default(),
            config: LiveConfig::default(),
            closing: watch::channel(false).0,
            streams: Mutex::default(),
        }
    }
}

/// Streams one session may hold open at once: one per open page, and a user has a
/// few tabs. Each stream costs memory, so a signed-in script cannot open thousands.
pub const MAX_STREAMS_PER_SESSION: usize = 16;

/// One of a session's open streams; gives its place back when dropped.
struct StreamSlot {
    hub: LiveHub,
    session: String,
}

impl LiveHub {
    fn take_stream_slot(&self, session: &str) -> Option<StreamSlot> {
        let mut streams = self.inner.streams.lock().unwrap_or_else(|e| e.into_inner());
        let open = streams.entry(session.to_string()).or_default();
        if *open >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *open += 1;
        Some(StreamSlot { hub: self.clone(), session: session.to_string() })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut streams = self.hub.inner.streams.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(open) = streams.get_mut(&self.session) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.session);
            }
        }
    }
}

/// One upstream watch; the task stops when the last holder drops it.
pub struct Watch {
    key: (String, Kind),
    hub: Weak<HubInner>,
    state: watch::Receiver<WatchState>,
    task: JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
        metrics::gauge!(LIVE_WATCHES).decrement(1.0);
        if let Some(hub) = self.hub.upgrade() {
            let mut map = hub.watches.lock().unwrap_or_else(|e| e.into_inner());
            // A replacement may already be registered under the same key.
            if map.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
                map.remove(&self.key);
            }
        }
    }
}

impl Watch {
    pub fn subscribe(&self) -> watch::Receiver<WatchState> {
        self.state.clone()
    }
}

impl LiveHub {
    pub fn new(config: LiveConfig) -> Self {
        Self { inner: Arc::new(HubInner { config, ..HubInner::default() }) }
    }

    /// Ends every open stream (at shutdown); new ones end at once.
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// The running watch of `kind` for this token, or a new one.
    pub fn watch(
        &self,
        nomad: &NomadClient,
        accessor: &str,
        secret: &SecretId,
        expires_at: Option<i64>,
        kind: Kind,
    ) -> Arc<Watch> {
        let key = (accessor.to_string(), kind);
        let mut map = self.inner.watches.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(running) = map.get(&key).and_then(Weak::upgrade) {
            return running;
        }
        let (tx, rx) = watch::channel(WatchState::Starting);
        let task = tokio::spawn(run(nomad.clone(), secret.clone(), expires_at, kind, tx, self.inner.config));
        metrics::gauge!(LIVE_WATCHES).increment(1.0);
        let running = Arc::new(Watch { key: key.clone(), hub: Arc::downgrade(&self.inner), state: rx, task });
        map.insert(key, Arc::downgrade(&running));
        running
    }

    /// How many watches run now.
    pub fn running(&self) -> usize {
        let map = self.inner.watches.lock().unwrap_or_else(|e| e.into_inner());
        map.values().filter(|w| w.strong_count() > 0).count()
    }
}

/// The kind's list index, as the blocking query on its list endpoint answers it.
async fn list_index(nomad: &NomadClient, kind: Kind, q: &QueryOptions) -> Result<u64, NomadError> {
    Ok(match kind {
        // One stub is enough to learn the table index; the page fetches the rest.
        Kind::Tokens => nomad.acl_tokens().list(&q.clone().with_per_page(1)).await?.1.last_index,
        Kind::Roles => nomad.acl_roles().list(q).await?.1.last_index,
        Kind::Policies => nomad.acl_policies().list(q).await?.1.last_index,
        Kind::AuthMethods => nomad.acl_auth_methods().list(q).await?.1.last_index,
        Kind::BindingRules => nomad.acl_binding_rules().list(q).await?.1.last_index,
    })
}

/// Pause before retry number `failures` (1-based): doubling from `min` up to
/// `max`, then a random point in its upper half, so many consoles do not retry
/// in step.
pub fn backoff(failures: u32, config: &LiveConfig) -> Duration {
    let base = config.backoff_min.saturating_mul(1u32 << failures.saturating_sub(1).min(16)).min(config.backoff_max);
    let half = base / 2;
    half + half.mul_f64(rand::random::<f64>())
}

/// The watch loop of one (token, kind).
async fn run(
    nomad: NomadClient,
    secret: SecretId,
    expires_at: Option<i64>,
    kind: Kind,
    tx: watch::Sender<WatchState>,
    config: LiveConfig,
) {
    let until_expiry = async {
        match expires_at {
            Some(t) => tokio::time::sleep(seconds_until(t)).await,
            None => std::future::pending().await,
        }
    };
    tokio::select! {
        end = follow(&nomad, &secret, kind, &tx, config) => { tx.send_replace(end); }
        _ = until_expiry => { tx.send_replace(WatchState::Ended("Your session has expired.".into())); }
    }
}

fn seconds_until(unix: i64) -> Duration {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Duration::from_secs(unix.saturating_sub(now).max(0) as u64)
}

/// Blocking queries until the token stops working (the returned final state).
async fn follow(
    nomad: &NomadClient,
    secret: &SecretId,
    kind: Kind,
    tx: &watch::Sender<WatchState>,
    config: LiveConfig,
) -> WatchState {
    let mut index = 0u64;
    let mut failures = 0u32;
    loop {
        let mut q = QueryOptions::new().with_token(secret.clone());
        if index > 0 {
            q = q.blocking(index, config.wait);
        }
        let started = tokio::time::Instant::now();
        match list_index(nomad, kind, &q).await {
            Ok(now) => {
                failures = 0;
                // An index of 0 (an empty token table) would make the next query not block.
                let now = now.max(1);
                if now != index {
                    let first = index == 0;
                    index = now;
                    tx.send_replace(WatchState::At(now));
                    if !first {
                        tokio::time::sleep(config.settle).await;
                    }
                } else if started.elapsed() < Duration::from_millis(100) {
                    // Same index at once: the server did not block; do not spin.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            Err(e) if e.is_permission_denied() || e.is_acl_disabled() => {
                // Either this token may not list the kind, or the token is gone.
                let me = nomad.acl_tokens().get_self(&QueryOptions::new().with_token(secret.clone())).await;
                return match me {
                    Err(e) if e.is_permission_denied() || e.is_not_found() => {
                        WatchState::Ended("Your token no longer works: it was deleted or has expired.".into())
                    }
                    _ => {
                        WatchState::Unavailable(format!("Your token may not list {}.", kind.as_str().replace('-', " ")))
                    }
                };
            }
            Err(e) => {
                failures += 1;
                let pause = backoff(failures, &config);
                tracing::debug!(kind = kind.as_str(), failures, ?pause, error = %e, "live watch: Nomad failed, retrying");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

#[derive(Deserialize)]
pub struct LiveQuery {
    #[serde(default)]
    kinds: String,
}

/// `GET /live?kinds=...`: the event stream of the signed-in user's page.
pub async fn stream(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<LiveQuery>) -> Response {
    let Some(session) = state.sessions.current(&headers) else {
        return (StatusCode::UNAUTHORIZED, "Sign in first.").into_response();
    };
    let kinds = match Kind::parse_list(&q.kinds) {
        Ok(k) if !k.is_empty() => k,
        Ok(_) => return (StatusCode::BAD_REQUEST, "Name at least one kind in ?kinds=.").into_response(),
        Err(bad) => return (StatusCode::BAD_REQUEST, format!("Unknown kind {bad:?} in ?kinds=.")).into_response(),
    };
    let Some(slot) = state.live.take_stream_slot(&session.id) else {
        return (
            StatusCode::TOO_MANY_REQUESTS,
            format!("This session already has {MAX_STREAMS_PER_SESSION} live-update streams open: close some pages."),
        )
            .into_response();
    };
    let watches: Vec<(Kind, Arc<Watch>)> = kinds
        .iter()
        .map(|&k| (k, state.live.watch(&state.nomad, &session.accessor_id, &session.secret, session.expires_at, k)))
        .collect();
    let (tx, rx) = mpsc::channel::<Event>(16);
    let hub = state.live.clone();
    tokio::spawn(async move {
        let _slot = slot;
        forward(hub, kinds, watches, tx).await;
    });
    let events =
        futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|e| (Ok::<_, Infallible>(e), rx)) });
    let mut res = Sse::new(events).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))).into_response();
    // Tells nginx-style proxies not to buffer the stream.
    res.headers_mut().insert("x-accel-buffering", HeaderValue::from_static("no"));
    res
}

/// Counts an open stream for as long as it lives.
struct StreamGauge;

impl StreamGauge {
    fn open() -> Self {
        metrics::gauge!(LIVE_STREAMS).increment(1.0);
        StreamGauge
    }
}

impl Drop for StreamGauge {
    fn drop(&mut self) {
        metrics::gauge!(LIVE_STREAMS).decrement(1.0);
    }
}

fn event<T: serde::Serialize>(name: &str, data: &T) -> Event {
    Event::default().event(name).data(serde_json::to_string(data).unwrap_or_default())
}

/// Turns the watches' states into events until the browser goes away (the
/// watches are released with this task) or the token stops working.
async fn forward(hub: LiveHub, kinds: Vec<Kind>, watches: Vec<(Kind, Arc<Watch>)>, tx: mpsc::Sender<Event>) {
    let _open = StreamGauge::open();
    let mut closing = hub.inner.closing.subscribe();
    if *closing.borrow_and_update() {
        return;
    }
    // `ready` only once each watch knows its kind's index (or after a few seconds):
    // the page then says "Live", and a change made from then on is an event.
    let mut subscribed: Vec<(Kind, watch::Receiver<WatchState>)> =
        watches.iter().map(|(k, w)| (*k, w.subscribe())).collect();
    let known = async {
        for (_, rx) in subscribed.iter_mut() {
            let _ = rx.wait_for(|s| *s != WatchState::Starting).await;
        }
    };
    tokio::select! {
        _ = known => {}
        _ = tokio::time::sleep(Duration::from_secs(5)) => {}
        _ = tx.closed() => return,
    }
    if tx.send(Event::default().event("ready").data(Kind::join(&kinds))).await.is_err() {
        return;
    }
    let mut baseline: HashMap<Kind, u64> = HashMap::new();
    let mut receivers = Vec::new();
    for (kind, mut rx) in subscribed {
        let kind = &kind;
        let now = rx.borrow_and_update().clone();
        if let Some(e) = apply(*kind, now, &mut baseline) {
            let last = e.1;
            if tx.send(e.0).await.is_err() || last {
                return;
            }
        }
        receivers.push(
            futures::stream::unfold((*kind, rx), |(kind, mut rx)| async move {
                rx.changed().await.ok()?;
                let s = rx.borrow_and_update().clone();
                Some(((kind, s), (kind, rx)))
            })
            .boxed(),
        );
    }
    let mut changes = futures::stream::select_all(receivers);
    let mut idle = false;
    let closed = async move {
        let _ = closing.wait_for(|c| *c).await;
    };
    tokio::pin!(closed);
    loop {
        tokio::select! {
            _ = tx.closed() => return,
            _ = &mut closed => return,
            // Once every watch has stopped (unavailable kinds), only the two above can end it.
            next = changes.next(), if !idle => {
                let Some((kind, s)) = next else {
                    idle = true;
                    continue;
                };
                if let Some((e, last)) = apply(kind, s, &mut baseline) {
                    if tx.send(e).await.is_err() || last {
                        return;
                    }
                }
            }
        }
    }
}

/// The event for a watch's new state, if any, and whether it is the last one.
/// The first index of a kind is the baseline (the page was just loaded), not a change.
fn apply(kind: Kind, state: WatchState, baseline: &mut HashMap<Kind, u64>) -> Option<(Event, bool)> {
    match state {
        WatchState::Starting => None,
        WatchState::At(index) => match baseline.insert(kind, index) {
            Some(before) if before != index => Some((event("change", &Change { kind, index }), false)),
            _ => None,
        },
        WatchState::Unavailable(message) => Some((event("unavailable", &Unavailable { kind, message }), false)),
        WatchState::Ended(message) => Some((event("ended", &Ended { message }), true)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_jitter_and_stays_capped() {
        let c = LiveConfig::default();
        for failures in 1..40 {
            let d = backoff(failures, &c);
            let full = c.backoff_min.saturating_mul(1 << (failures - 1).min(16)).min(c.backoff_max);
            assert!(d >= full / 2 && d <= full, "failure {failures}: {d:?} outside {:?}..={full:?}", full / 2);
        }
        assert!(backoff(30, &c) <= c.backoff_max);
    }

    #[tokio::test]
    async fn closing_the_hub_ends_open_streams() {
        let hub = LiveHub::default();
        let (tx, mut rx) = mpsc::channel(4);
        let task = tokio::spawn(forward(hub.clone(), vec![Kind::Roles], Vec::new(), tx));
        assert!(rx.recv().await.is_some(), "the ready event");
        hub.close();
        let end = tokio::time::timeout(Duration::from_secs(2), rx.recv()).await.expect("the stream ended");
        assert!(end.is_none());
        task.await.unwrap();
        // A stream opened after the close ends at once.
        let (tx, mut rx) = mpsc::channel(4);
        forward(hub, vec![Kind::Roles], Vec::new(), tx).await;
        assert!(rx.recv().await.is_none());
    }

    #[test]
    fn first_index_is_a_baseline_then_changes_are_events() {
        let mut b = HashMap::new();
        assert!(apply(Kind::Roles, WatchState::Starting, &mut b).is_none());
        assert!(apply(Kind::Roles, WatchState::At(5), &mut b).is_none());
        assert!(apply(Kind::Roles, WatchState::At(5), &mut b).is_none());
        assert!(matches!(apply(Kind::Roles, WatchState::At(9), &mut b), Some((_, false))));
        assert!(matches!(apply(Kind::Roles, WatchState::Unavailable("no".into()), &mut b), Some((_, false))));
        assert!(matches!(apply(Kind::Roles, WatchState::Ended("gone".into()), &mut b), Some((_, true))));
    }
}
