//! `/replication`: whether every region holds what the authoritative region holds.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::replication::{get_replication, KindState, RegionState, ReplicationReport};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::Breadcrumbs;
use crate::app::format::{absolute, now_unix};

/// How often the page asks again: replication has no event stream of its own.
const REFRESH: std::time::Duration = std::time::Duration::from_secs(2);

#[component]
pub fn ReplicationPage() -> impl IntoView {
    let tick = RwSignal::new(0u64);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || tick.update(|t| *t += 1), REFRESH) {
            on_cleanup(move || handle.clear());
        }
    });
    let report = Resource::new(move || tick.get(), |_| get_replication());
    // When this page first saw each region behind (browser clock; not known on the server).
    let behind_since = RwSignal::new(HashMap::<String, i64>::new());
    Effect::new(move |_| {
        if let Some(Ok(r)) = report.get() {
            let now = now_unix();
            behind_since.update(|seen| {
                seen.retain(|region, _| r.regions.iter().any(|s| &s.region == region && !s.in_sync()));
                for s in r.regions.iter().filter(|s| !s.in_sync()) {
                    seen.entry(s.region.clone()).or_insert(now);
                }
            });
        }
    });
    view! {
        <Title text="Replication" />
        <Breadcrumbs current="Replication" />
        <h1>"Replication"</h1>
        <p class="lead">
            "The authoritative region holds the policies, roles, auth methods, binding rules, namespaces and global "
            "tokens; every other region copies them. This page compares each region with it, by ID or name and hash, "
            "every two seconds."
        </p>
        <Transition fallback=|| view! { <p class="loading" role="status">"Comparing the regions…"</p> }>
            {move || report.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the regions" /> }.into_any(),
                Ok(r) => view! { <Report report=r behind_since /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn Report(report: ReplicationReport, behind_since: RwSignal<HashMap<String, i64>>) -> impl IntoView {
    if report.single_region() {
        return view! {
            <p data-testid="replication-single">
                {format!("One region ({}): nothing replicates.", report.authoritative)}
            </p>
        }
        .into_any();
    }
    let sources = report
        .sources
        .iter()
        .map(|(kind, n)| match n {
            Some(n) => format!("{n} {kind}"),
            None => format!("{kind}: not readable"),
        })
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <p data-testid="replication-source">
            "Authoritative region " <strong>{report.authoritative.clone()}</strong> ": " {sources} "."
        </p>
        <div class="table-wrap">
            <table class="table replication">
                <caption class="visually-hidden">"Each region against the authoritative one"</caption>
                <thead>
                    <tr><th scope="col">"Region"</th><th scope="col">"State"</th><th scope="col">"What differs"</th></tr>
                </thead>
                <tbody>
                    {report.regions.into_iter().map(|s| view! { <RegionRow state=s behind_since /> }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn RegionRow(state: RegionState, behind_since: RwSignal<HashMap<String, i64>>) -> impl IntoView {
    let region = state.region.clone();
    let in_sync = state.in_sync();
    let behind = state.behind();
    let since = move || {
        behind_since
            .with(|seen| seen.get(&region).map(|t| format!(" since {} (first seen by this page)", absolute(*t))))
    };
    let verdict = if in_sync {
        "In sync".to_string()
    } else if behind > 0 {
        format!("{behind} behind")
    } else {
        "Not comparable".to_string()
    };
    view! {
        <tr data-testid="replication-region" data-region=state.region.clone() data-in-sync=in_sync.to_string()>
            <th scope="row">{state.region.clone()}</th>
            <td>
                <span class="badge" class:ok=in_sync class:warn=!in_sync>{verdict}</span>
                <span class="muted">{since}</span>
            </td>
            <td>
                {if in_sync {
                    view! { <span class="muted">"Every kind matches."</span> }.into_any()
                } else {
                    view! { <ul class="plain">{state.kinds.into_iter().filter(|k| !k.in_sync()).map(kind_line).collect_view()}</ul> }.into_any()
                }}
            </td>
        </tr>
    }
}

fn kind_line(k: KindState) -> impl IntoView {
    let mut parts = Vec::new();
    if let Some(e) = &k.error {
        parts.push(format!("not compared: {e}"));
    }
    for (what, list) in
        [("missing", &k.missing), ("stale", &k.stale), ("deleted in the authoritative region", &k.extra)]
    {
        if !list.is_empty() {
            parts.push(format!("{what}: {}", list.join(", ")));
        }
    }
    view! { <li data-testid="replication-kind" data-kind=k.kind.clone()><strong>{k.kind.clone()}</strong> " — " {parts.join("; ")}</li> }
}
