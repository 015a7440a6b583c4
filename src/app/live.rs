//! Live updates, browser side. The signed-in frame provides a [`Live`]; a page
//! asks to follow kinds with [`use_live`] and puts the returned version in its
//! resource's source, so a change made elsewhere refetches it (Transitions keep
//! the old content meanwhile; URL state, selections kept in page-level signals
//! and forms outside the refetched part survive). One EventSource per page
//! (`/live?kinds=...`, see `server::live`) follows what the current page wants.
//! Edit forms use [`EditGuard`] instead of refetching: it says when the object
//! was changed or deleted elsewhere, so a save does not overwrite it unseen.

use leptos::prelude::*;

use crate::api::live::{object_version, Kind};

/// Where the stream is; the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveStatus {
    /// Nothing to follow on this page.
    Idle,
    Connecting,
    On,
    /// Not working; the reason is shown.
    Off(String),
}

/// The live-update state of the signed-in frame. `Copy`: signals only.
#[derive(Debug, Clone, Copy)]
pub struct Live {
    versions: [RwSignal<u64>; Kind::ALL.len()],
    wants: RwSignal<Vec<Kind>>,
    pub status: RwSignal<LiveStatus>,
    /// Bumped whenever a followed kind changed, for the "updated just now" marker.
    pub updated: RwSignal<u64>,
}

/// Without JavaScript (and before hydration) nothing follows Nomad.
const NO_JS: &str = "Live updates need JavaScript; reload the page to see changes.";

impl Live {
    fn new() -> Self {
        Self {
            versions: std::array::from_fn(|_| RwSignal::new(0)),
            wants: RwSignal::new(Vec::new()),
            status: RwSignal::new(LiveStatus::Off(NO_JS.into())),
            updated: RwSignal::new(0),
        }
    }

    /// The kinds the mounted pages follow, sorted and without duplicates.
    pub fn wanted(&self) -> Vec<Kind> {
        let mut kinds = self.wants.get();
        kinds.sort();
        kinds.dedup();
        kinds
    }

    /// Marks `kind` as changed: every page that follows it refetches.
    pub fn bump(&self, kind: Kind) {
        self.versions[kind.slot()].update(|v| *v += 1);
        self.updated.update(|n| *n += 1);
    }
}

/// Provides the frame's [`Live`] and, in the browser, keeps its stream open.
pub fn provide_live() -> Live {
    let live = Live::new();
    provide_context(live);
    #[cfg(feature = "hydrate")]
    stream::follow(live);
    live
}

/// Follows `kinds` while the calling component is mounted; the returned signal
/// changes whenever one of them changed in Nomad (0 until then, on the server too).
pub fn use_live(kinds: &'static [Kind]) -> Signal<u64> {
    let Some(live) = use_context::<Live>() else { return Signal::stored(0) };
    live.wants.update(|w| w.extend_from_slice(kinds));
    on_cleanup(move || {
        live.wants.try_update(|w| {
            for k in kinds {
                if let Some(i) = w.iter().position(|x| x == k) {
                    w.remove(i);
                }
            }
        });
    });
    Signal::derive(move || kinds.iter().map(|k| live.versions[k.slot()].get()).sum())
}

/// The header's indicator: "Live", "Connecting…" or "Live updates off" with the
/// reason, and "updated just now" for a few seconds after a change arrived.
#[component]
pub fn LiveIndicator() -> impl IntoView {
    let live = use_context::<Live>()?;
    let recent = RwSignal::new(false);
    Effect::new(move |seen: Option<u64>| {
        let n = live.updated.get();
        if seen.is_some_and(|s| s != n) {
            recent.set(true);
            set_timeout(
                move || {
                    if live.updated.try_get_untracked() == Some(n) {
                        recent.try_set(false);
                    }
                },
                std::time::Duration::from_secs(10),
            );
        }
        n
    });
    let status = move || live.status.get();
    Some(view! {
        <span class="live" data-testid="live-status" data-state=move || match status() {
            LiveStatus::Idle => "idle",
            LiveStatus::Connecting => "connecting",
            LiveStatus::On => "on",
            LiveStatus::Off(_) => "off",
        } title=move || match status() {
            LiveStatus::Off(why) => why,
            LiveStatus::On => "Lists and pages follow changes made elsewhere (other admins, the CLI, Terraform).".into(),
            _ => String::new(),
        }>
            {move || match status() {
                LiveStatus::Idle => "",
                LiveStatus::Connecting => "Connecting…",
                LiveStatus::On => "● Live",
                LiveStatus::Off(_) => "Live updates off",
            }}
            {move || recent.get().then(|| view! { <span class="live-updated" data-testid="live-updated">" · updated just now"</span> })}
        </span>
    })
}

/// What an [`EditGuard`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Drift {
    Changed,
    Deleted,
}

/// Put on a page that edits one object: when someone else changes or deletes
/// it (per live updates), says so, instead of letting a save overwrite it unseen.
/// `what` names it for the reader ("role", "policy", "token").
#[component]
pub fn EditGuard(kind: &'static [Kind], id: String, modify_index: u64, what: &'static str) -> impl IntoView {
    let version = use_live(kind);
    let drift = RwSignal::new(None::<Drift>);
    let id = StoredValue::new(id);
    Effect::new(move |seen: Option<u64>| {
        let v = version.get();
        if seen.is_some_and(|s| s != v) {
            let id = id.get_value();
            leptos::task::spawn_local(async move {
                let found = match object_version(kind[0], id).await {
                    Ok(None) => Some(Drift::Deleted),
                    Ok(Some(i)) if i != modify_index => Some(Drift::Changed),
                    _ => None,
                };
                if found.is_some() {
                    drift.try_set(found);
                }
            });
        }
        v
    });
    move || {
        drift.get().map(|d| {
            let (title, text) = match d {
                Drift::Changed => (
                    format!("This {what} was changed elsewhere"),
                    "Someone else (or the CLI) saved it after you opened this page. Saving now would overwrite their change: reload to see it first.",
                ),
                Drift::Deleted => (
                    format!("This {what} was deleted elsewhere"),
                    "Someone else (or the CLI) deleted it after you opened this page. Saving will not bring it back as it was.",
                ),
            };
            view! {
                <div class="notice warning" role="alert" data-testid="edit-drift" data-drift=match d { Drift::Changed => "changed", Drift::Deleted => "deleted" }>
                    <strong>{title}</strong>
                    <p>{text}</p>
                    {(d == Drift::Changed).then(|| view! { <a href="" class="button small secondary" rel="external">"Reload"</a> })}
                </div>
            }
        })
    }
}

/// The EventSource, in the browser only.
#[cfg(feature = "hydrate")]
mod stream {
    use futures::StreamExt;
    use gloo_net::eventsource::futures::EventSource;
    use gloo_net::eventsource::State;
    use leptos::prelude::*;

    use super::{Live, LiveStatus};
    use crate::api::live::{Change, Ended, Kind, Unavailable};

    /// A proxy that buffers the stream never lets `ready` through.
    const READY_WITHIN: std::time::Duration = std::time::Duration::from_secs(6);

    type Current = StoredValue<Option<EventSource>, LocalStorage>;

    pub fn follow(live: Live) {
        let current: Current = StoredValue::new_local(None);
        let generation = StoredValue::new(0u64);
        Effect::new(move |prev: Option<String>| {
            let kinds = live.wanted();
            let list = Kind::join(&kinds);
            if prev.as_deref() == Some(list.as_str()) {
                return list;
            }
            // A new generation makes the old stream's tasks and timers stale;
            // dropping its EventSource closes it.
            generation.update_value(|g| *g += 1);
            current.set_value(None);
            if kinds.is_empty() {
                live.status.set(LiveStatus::Idle);
            } else {
                open(live, &list, current, generation);
            }
            list
        });
        on_cleanup(move || {
            generation.try_update_value(|g| *g += 1);
            current.try_set_value(None);
        });
    }

    fn open(live: Live, list: &str, current: Current, generation: StoredValue<u64>) {
        let mine = generation.get_value();
        let stale = move || generation.try_get_value() != Some(mine);
        let off = move |why: &str| {
            if !stale() {
                live.status.set(LiveStatus::Off(why.to_string()));
            }
        };
        // The stream follows the page's region.
        let page_query = window().location().search().unwrap_or_default();
        let region = crate::links::RegionParam::from_query(&page_query);
        let url = crate::links::with_region(&format!("/live?kinds={list}"), region.named());
        let Ok(mut es) = EventSource::new(&url) else {
            off("The browser could not open the live-update stream.");
            return;
        };
        let subscriptions = ["ready", "change", "unavailable", "ended"].map(|name| es.subscribe(name).ok());
        let [Some(mut ready), Some(mut change), Some(mut unavailable), Some(mut ended)] = subscriptions else {
            off("The browser could not follow the live-update stream.");
            return;
        };
        current.set_value(Some(es));
        live.status.set(LiveStatus::Connecting);
        let connected = StoredValue::new(false);
        leptos::task::spawn_local(async move {
            let mut first = true;
            while let Some(Ok(_)) = ready.next().await {
                if stale() {
                    return;
                }
                connected.set_value(true);
                live.status.set(LiveStatus::On);
                // After a reconnect, changes made while away were not seen: refetch.
                if !first {
                    for k in live.wanted() {
                        live.bump(k);
                    }
                }
                first = false;
            }
            off("The live-update stream closed; reload the page to see changes.");
        });
        leptos::task::spawn_local(async move {
            while let Some(Ok((_, msg))) = change.next().await {
                if stale() {
                    return;
                }
                if let Some(c) = msg.data().as_string().and_then(|d| serde_json::from_str::<Change>(&d).ok()) {
                    live.bump(c.kind);
                }
            }
        });
        leptos::task::spawn_local(async move {
            while let Some(Ok((_, msg))) = unavailable.next().await {
                if let Some(u) = msg.data().as_string().and_then(|d| serde_json::from_str::<Unavailable>(&d).ok()) {
                    leptos::logging::log!("live updates: {} not followed: {}", u.kind.as_str(), u.message);
                }
            }
        });
        leptos::task::spawn_local(async move {
            if let Some(Ok((_, msg))) = ended.next().await {
                if stale() {
                    return;
                }
                let why = msg
                    .data()
                    .as_string()
                    .and_then(|d| serde_json::from_str::<Ended>(&d).ok())
                    .map(|e| e.message)
                    .unwrap_or_default();
                // The server sends nothing more: close, or the browser would reconnect.
                generation.update_value(|g| *g += 1);
                current.set_value(None);
                live.status.set(LiveStatus::Off(format!("Live updates stopped. {why}")));
            }
        });
        // A proxy that buffers (or a server that refuses) never delivers `ready`.
        set_timeout(
            move || {
                if connected.try_get_value() == Some(false) {
                    off("The live-update stream did not connect (a proxy may be buffering it); reload the page to see changes.");
                }
            },
            READY_WITHIN,
        );
        // The browser reconnects by itself after a network error; say so meanwhile.
        let handle = StoredValue::new(None::<IntervalHandle>);
        let tick = set_interval_with_handle(
            move || {
                if stale() {
                    if let Some(h) = handle.try_get_value().flatten() {
                        h.clear();
                    }
                    return;
                }
                match current.try_with_value(|c| c.as_ref().map(EventSource::state)).flatten() {
                    Some(State::Connecting) if connected.try_get_value() == Some(true) => {
                        live.status.set(LiveStatus::Connecting)
                    }
                    Some(State::Open) if connected.try_get_value() == Some(true) => live.status.set(LiveStatus::On),
                    Some(State::Closed) => off("The live-update stream closed; reload the page to see changes."),
                    _ => {}
                }
            },
            std::time::Duration::from_secs(3),
        );
        handle.set_value(tick.ok());
    }
}
