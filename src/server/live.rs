//! Live updates (server side): `GET /live?kinds=tokens,roles` is a Server-Sent
//! Events stream that says when a kind's list changed in Nomad.
//!
//! Nomad's list index is the table's index, the same for every token that may
//! list the kind, so each kind has at most one upstream watch (a loop of blocking
//! queries) for the whole replica, however many tokens look at it. It carries the
//! token of one of its members; when that token is refused, the next member's
//! takes over. Each member (one per token and kind, shared by that token's open
//! pages) proves with its own token, when it joins and again at a bounded
//! interval, that the token works and may list the kind; so a stream never
//! outlives its token and never reports a kind its token may not list. A member
//! ends at its token's expiry; everything stops when the last page closes (the
//! last `Arc` is dropped).
//!
//! Events: `ready` (subscribed; data: the kinds), `change` ([`Change`]),
//! `unavailable` ([`Unavailable`]: this token may not list the kind) and `ended`
//! ([`Ended`]: the stream is over, do not reconnect).

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use serde::Deserialize;
use tokio::sync::{mpsc, watch, Notify};
use tokio::task::JoinHandle;

use super::AppState;
use crate::api::live::{Change, Ended, Kind, Unavailable};
use crate::links::RegionParam;
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
    /// How often a member proves again that its token works and may list the kind
    /// (with jitter in its upper half).
    pub recheck: Duration,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            wait: Duration::from_secs(120),
            settle: Duration::from_millis(150),
            backoff_min: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            recheck: Duration::from_secs(60),
        }
    }
}

/// What a member knows about its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WatchState {
    /// The first query has not answered yet.
    Starting,
    /// The kind's current index.
    At(u64),
    /// The token may not list this kind; the member has stopped.
    Unavailable(String),
    /// The token no longer works (deleted or expired); the member has stopped.
    Ended(String),
}

/// Every running watch. Cheap to clone.
#[derive(Clone, Default)]
pub struct LiveHub {
    inner: Arc<HubInner>,
}

struct HubInner {
    /// One member per (token accessor, kind).
    members: Mutex<HashMap<MemberKey, Weak<Watch>>>,
    /// One upstream watch per kind.
    upstreams: Mutex<HashMap<UpstreamKey, Weak<Upstream>>>,
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
            members: Mutex::default(),
            upstreams: Mutex::default(),
            config: LiveConfig::default(),
            closing: watch::channel(false).0,
            streams: Mutex::default(),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
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
        let mut streams = lock(&self.inner.streams);
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
        let mut streams = lock(&self.hub.inner.streams);
        if let Some(open) = streams.get_mut(&self.session) {
            *open = open.saturating_sub(1);
            if *open == 0 {
                streams.remove(&self.session);
            }
        }
    }
}

/// A member: its token's accessor, the region (`None`: the default one), the kind.
type MemberKey = (String, Option<String>, Kind);
/// An upstream watch: the region and the kind.
type UpstreamKey = (Option<String>, Kind);

/// A token's membership of a kind's upstream watch; its task stops when the last
/// page holding it closes.
pub struct Watch {
    key: MemberKey,
    hub: Weak<HubInner>,
    state: watch::Receiver<WatchState>,
    task: JoinHandle<()>,
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.task.abort();
        if let Some(hub) = self.hub.upgrade() {
            let mut map = lock(&hub.members);
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

    /// This token's running member of `kind` in `region` (`None`: the default one), or a new one.
    pub fn watch(
        &self,
        nomad: &NomadClient,
        accessor: &str,
        secret: &SecretId,
        expires_at: Option<i64>,
        kind: Kind,
        region: Option<String>,
    ) -> Arc<Watch> {
        let key = (accessor.to_string(), region.clone(), kind);
        let mut map = lock(&self.inner.members);
        if let Some(running) = map.get(&key).and_then(Weak::upgrade) {
            return running;
        }
        let (tx, rx) = watch::channel(WatchState::Starting);
        let member =
            Member { nomad: nomad.clone(), secret: secret.clone(), kind, region, hub: self.clone(), state: tx };
        let task = tokio::spawn(member.run(expires_at));
        let running = Arc::new(Watch { key: key.clone(), hub: Arc::downgrade(&self.inner), state: rx, task });
        map.insert(key, Arc::downgrade(&running));
        running
    }

    /// How many members (token and kind) run now.
    pub fn running(&self) -> usize {
        lock(&self.inner.members).values().filter(|w| w.strong_count() > 0).count()
    }

    /// How many upstream watches (blocking-query loops to Nomad) run now.
    pub fn upstreams(&self) -> usize {
        lock(&self.inner.upstreams).values().filter(|w| w.strong_count() > 0).count()
    }

    /// The running upstream watch of `kind` in `region`, or a new one.
    fn upstream(&self, nomad: &NomadClient, kind: Kind, region: &Option<String>) -> Arc<Upstream> {
        let key = (region.clone(), kind);
        let mut map = lock(&self.inner.upstreams);
        if let Some(running) = map.get(&key).and_then(Weak::upgrade) {
            return running;
        }
        let (tx, rx) = watch::channel(0);
        let carriers = Arc::new(Carriers::default());
        let task = tokio::spawn(carry(nomad.clone(), key.clone(), carriers.clone(), tx, self.inner.config));
        metrics::gauge!(LIVE_WATCHES).increment(1.0);
        let running =
            Arc::new(Upstream { key: key.clone(), hub: Arc::downgrade(&self.inner), index: rx, carriers, task });
        map.insert(key, Arc::downgrade(&running));
        running
    }
}

/// The one upstream watch of a kind: its task stops when the last member leaves.
struct Upstream {
    key: UpstreamKey,
    hub: Weak<HubInner>,
    /// The kind's index as the last blocking query answered it (0: not yet).
    index: watch::Receiver<u64>,
    carriers: Arc<Carriers>,
    task: JoinHandle<()>,
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.task.abort();
        metrics::gauge!(LIVE_WATCHES).decrement(1.0);
        if let Some(hub) = self.hub.upgrade() {
            let mut map = lock(&hub.upstreams);
            if map.get(&self.key).is_some_and(|w| w.strong_count() == 0) {
                map.remove(&self.key);
            }
        }
    }
}

/// The tokens an upstream watch may query with: its members', in joining order.
#[derive(Default)]
struct Carriers {
    list: Mutex<Vec<Carrier>>,
    next_id: std::sync::atomic::AtomicU64,
    /// Wakes the upstream loop when a member joins or leaves.
    changed: Notify,
}

struct Carrier {
    id: u64,
    secret: SecretId,
    /// Told when Nomad refused this token, so its member checks it at once.
    refused: Arc<Notify>,
}

impl Carriers {
    fn join(&self, secret: SecretId) -> (u64, Arc<Notify>) {
        let id = self.next_id.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let refused = Arc::new(Notify::new());
        lock(&self.list).push(Carrier { id, secret, refused: refused.clone() });
        self.changed.notify_one();
        (id, refused)
    }

    fn leave(&self, id: u64) {
        lock(&self.list).retain(|c| c.id != id);
        self.changed.notify_one();
    }

    fn first(&self) -> Option<(u64, SecretId)> {
        lock(&self.list).first().map(|c| (c.id, c.secret.clone()))
    }

    fn contains(&self, id: u64) -> bool {
        lock(&self.list).iter().any(|c| c.id == id)
    }

    /// Nomad refused this carrier's token: it carries no more, and its member is told.
    fn refuse(&self, id: u64) {
        let mut list = lock(&self.list);
        if let Some(at) = list.iter().position(|c| c.id == id) {
            list.remove(at).refused.notify_one();
        }
    }
}

/// Leaves the carriers when the member stops.
struct Membership {
    upstream: Arc<Upstream>,
    id: u64,
}

impl Drop for Membership {
    fn drop(&mut self) {
        self.upstream.carriers.leave(self.id);
    }
}

/// The kind's list index, as the list endpoint answers it.
async fn list_index(nomad: &NomadClient, kind: Kind, q: &QueryOptions) -> Result<u64, NomadError> {
    Ok(match kind {
        // One stub is enough to learn the table index; the page fetches the rest.
        Kind::Tokens => nomad.acl_tokens().list(&q.clone().with_per_page(1)).await?.1.last_index,
        Kind::Roles => nomad.acl_roles().list(q).await?.1.last_index,
        Kind::Policies => nomad.acl_policies().list(q).await?.1.last_index,
        Kind::AuthMethods => nomad.acl_auth_methods().list(q).await?.1.last_index,
        Kind::BindingRules => nomad.acl_binding_rules().list(q).await?.1.last_index,
        Kind::Namespaces => nomad.namespaces().list(q).await?.1.last_index,
    })
}

/// Pause before retry number `failures` (1-based): doubling from `min` up to
/// `max`, then a random point in its upper half, so many consoles do not retry
/// in step.
pub fn backoff(failures: u32, config: &LiveConfig) -> Duration {
    let base = config.backoff_min.saturating_mul(1u32 << failures.saturating_sub(1).min(16)).min(config.backoff_max);
    jittered(base)
}

/// A random point in the upper half of `d`.
fn jittered(d: Duration) -> Duration {
    let half = d / 2;
    half + half.mul_f64(rand::random::<f64>())
}

/// The upstream loop of one kind: blocking queries with a member's token.
async fn carry(
    nomad: NomadClient,
    (region, kind): UpstreamKey,
    carriers: Arc<Carriers>,
    tx: watch::Sender<u64>,
    config: LiveConfig,
) {
    let mut index = 0u64;
    let mut failures = 0u32;
    loop {
        let Some((carrier, secret)) = carriers.first() else {
            carriers.changed.notified().await;
            continue;
        };
        let mut q = in_region(QueryOptions::new().with_token(secret), &region);
        if index > 0 {
            q = q.blocking(index, config.wait);
        }
        let started = tokio::time::Instant::now();
        let query = list_index(&nomad, kind, &q);
        tokio::pin!(query);
        // A carrier that leaves mid-query (its pages closed) is not kept waiting on.
        let answer = loop {
            tokio::select! {
                answer = &mut query => break Some(answer),
                _ = carriers.changed.notified() => {
                    if !carriers.contains(carrier) {
                        break None;
                    }
                }
            }
        };
        match answer {
            None => continue,
            Some(Ok(now)) => {
                failures = 0;
                // An index of 0 (an empty token table) would make the next query not block.
                let now = now.max(1);
                if now != index {
                    let first = index == 0;
                    index = now;
                    tx.send_replace(now);
                    if !first {
                        tokio::time::sleep(config.settle).await;
                    }
                } else if started.elapsed() < Duration::from_millis(100) {
                    // Same index at once: the server did not block; do not spin.
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
            Some(Err(e)) if e.is_permission_denied() || e.is_acl_disabled() => carriers.refuse(carrier),
            Some(Err(e)) => {
                failures += 1;
                let pause = backoff(failures, &config);
                tracing::debug!(kind = kind.as_str(), failures, ?pause, error = %e, "live watch: Nomad failed, retrying");
                tokio::time::sleep(pause).await;
            }
        }
    }
}

/// One token's view of a kind.
struct Member {
    nomad: NomadClient,
    secret: SecretId,
    kind: Kind,
    region: Option<String>,
    hub: LiveHub,
    state: watch::Sender<WatchState>,
}

/// What a member's own check found.
enum Checked {
    At(u64),
    Stop(WatchState),
    Failed(NomadError),
}

impl Member {
    async fn run(self, expires_at: Option<i64>) {
        let until_expiry = async {
            match expires_at {
                Some(t) => tokio::time::sleep(seconds_until(t)).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            end = self.follow() => { self.state.send_replace(end); }
            _ = until_expiry => { self.state.send_replace(WatchState::Ended("Your session has expired.".into())); }
        }
    }

    /// Its own token's verdict on the kind: the index, or why it must stop.
    async fn check(&self) -> Checked {
        let q = in_region(QueryOptions::new().with_token(self.secret.clone()), &self.region);
        match list_index(&self.nomad, self.kind, &q).await {
            Ok(index) => Checked::At(index),
            Err(e) if e.is_permission_denied() || e.is_acl_disabled() => {
                // Either this token may not list the kind, or the token is gone.
                let me = self.nomad.acl_tokens().get_self(&q).await;
                Checked::Stop(match me {
                    Err(e) if e.is_permission_denied() || e.is_not_found() => {
                        WatchState::Ended("Your token no longer works: it was deleted or has expired.".into())
                    }
                    _ => WatchState::Unavailable(format!(
                        "Your token may not list {}.",
                        self.kind.as_str().replace('-', " ")
                    )),
                })
            }
            Err(e) => Checked::Failed(e),
        }
    }

    /// Follows the kind's upstream watch until the token stops working or may no
    /// longer list the kind (the returned final state).
    async fn follow(&self) -> WatchState {
        let config = self.hub.inner.config;
        let mut failures = 0u32;
        let mut shown = 0u64;
        loop {
            let at = match self.check().await {
                Checked::At(index) => index.max(1),
                Checked::Stop(end) => return end,
                Checked::Failed(e) => {
                    failures += 1;
                    let pause = backoff(failures, &config);
                    tracing::debug!(kind = self.kind.as_str(), failures, ?pause, error = %e, "live watch: Nomad failed, retrying");
                    tokio::time::sleep(pause).await;
                    continue;
                }
            };
            failures = 0;
            if at > shown {
                shown = at;
                self.state.send_replace(WatchState::At(shown));
            }
            let upstream = self.hub.upstream(&self.nomad, self.kind, &self.region);
            let mut index = upstream.index.clone();
            let (id, refused) = upstream.carriers.join(self.secret.clone());
            let _membership = Membership { upstream, id };
            let mut recheck = Box::pin(tokio::time::sleep(jittered(config.recheck)));
            loop {
                tokio::select! {
                    changed = index.changed() => {
                        if changed.is_err() {
                            return WatchState::Ended("Live updates stopped.".into());
                        }
                        let now = *index.borrow_and_update();
                        if now > shown {
                            shown = now;
                            self.state.send_replace(WatchState::At(now));
                        }
                    }
                    // Nomad refused this token as carrier: check it, and if it was
                    // refused for a moment only, join again after a pause.
                    _ = refused.notified() => break,
                    _ = &mut recheck => {
                        if let Checked::Stop(end) = self.check().await {
                            return end;
                        }
                        recheck.as_mut().reset(tokio::time::Instant::now() + jittered(config.recheck));
                    }
                }
            }
            drop(_membership);
            match self.check().await {
                Checked::Stop(end) => return end,
                _ => tokio::time::sleep(backoff(1, &config)).await,
            }
        }
    }
}

fn in_region(q: QueryOptions, region: &Option<String>) -> QueryOptions {
    match region {
        Some(r) => q.with_region(r.clone()),
        None => q,
    }
}

fn seconds_until(unix: i64) -> Duration {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    Duration::from_secs(unix.saturating_sub(now).max(0) as u64)
}

#[derive(Deserialize)]
pub struct LiveQuery {
    #[serde(default)]
    kinds: String,
}

/// `GET /live?kinds=...`: the event stream of the signed-in user's page.
pub async fn stream(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Query(q): Query<LiveQuery>,
) -> Response {
    let Some(session) = state.sessions.current(&headers) else {
        return (StatusCode::UNAUTHORIZED, "Sign in first.").into_response();
    };
    let region = match RegionParam::from_query(uri.query().unwrap_or("")) {
        RegionParam::Default => None,
        RegionParam::Named(r) => Some(r),
        RegionParam::Invalid(_) => return (StatusCode::BAD_REQUEST, "Not a region name in ?region=.").into_response(),
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
        .map(|&k| {
            let watch = state.live.watch(
                &state.nomad,
                &session.accessor_id,
                &session.secret,
                session.expires_at,
                k,
                region.clone(),
            );
            (k, watch)
        })
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
