use leptos::either::Either;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::live::Kind;
use crate::api::overview::{get_overview, Count, Health};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::live::use_live;
use crate::app::region::at;
use crate::app::sync_hydrate::SyncHydrate;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let live = use_live(&Kind::ALL);
    let overview = Resource::new(move || live.get(), |_| get_overview());
    SyncHydrate(view! {
        <Title text="Overview" />
        <h1>"Access Control"</h1>
        <ReplicationLine />
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the overview…"</p> }>
            {SyncHydrate(move || overview.get().map(|r| match r {
                Err(e) => Either::Left(view! { <ErrorPanel error=e what="the overview" /> }),
                Ok(o) => Either::Right(view! {
                    <div class="cards">
                        <Card title="Tokens" count=o.tokens href="/tokens" create="/tokens/new" create_label="Create token" />
                        <Card title="Roles" count=o.roles href="/roles" create="/roles/new" create_label="Create role" />
                        <Card title="Policies" count=o.policies href="/policies" create="/policies/new" create_label="Create policy" />
                        <Card title="Namespaces" count=o.namespaces href="/namespaces" create="/namespaces/new" create_label="Create namespace" />
                        <Card title="Auth methods" count=o.auth_methods href="/auth-methods" create="/auth-methods/new" create_label="Create auth method" />
                        <Card title="Binding rules" count=o.binding_rules href="/binding-rules" create="/binding-rules/new" create_label="Create binding rule" />
                    </div>
                    {match o.health {
                        Some(h) => Either::Left(view! { <HealthPanel health=h /> }),
                        None => Either::Right(view! {
                            <p class="muted">"The health checks need a management token: yours cannot list every token, role and policy."</p>
                        }),
                    }}
                }),
            }))}
        </Transition>
    })
}

/// One line on replication, for a federation: asked by the browser after the page
/// loaded (from an effect, so no Suspense waits for it): the overview never waits on
/// every region.
#[component]
fn ReplicationLine() -> impl IntoView {
    let live = use_live(&Kind::ALL);
    // Asked again while a region is behind: its catching up raises no event here.
    let tick = RwSignal::new(0u64);
    let report = RwSignal::new(None::<crate::api::replication::ReplicationReport>);
    Effect::new(move |_| {
        live.get();
        tick.get();
        leptos::task::spawn_local(async move {
            if let Ok(r) = crate::api::replication::get_replication().await {
                report.set(Some(r));
            }
        });
    });
    Effect::new(move |_| {
        let handle = set_interval_with_handle(
            move || {
                let behind = report.get_untracked().is_some_and(|r| r.regions.iter().any(|s| !s.in_sync()));
                if behind {
                    tick.update(|t| *t += 1);
                }
            },
            std::time::Duration::from_secs(3),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    move || {
        let r = report.get().filter(|r| !r.single_region())?;
        let behind: Vec<String> = r
            .regions
            .iter()
            .filter(|s| !s.in_sync())
            .map(|s| format!("{} is {} behind", s.region, s.behind()))
            .collect();
        let text = if behind.is_empty() {
            format!("every region is in sync with {}", r.authoritative)
        } else {
            format!("{} (authoritative: {})", behind.join(", "), r.authoritative)
        };
        Some(view! {
            <p class="notice" data-testid="overview-replication" data-in-sync=behind.is_empty().to_string()>
                <A href=at("/replication")>"Replication"</A> ": " {text}
            </p>
        })
    }
}

#[component]
fn Card(
    title: &'static str,
    count: Count,
    href: &'static str,
    create: &'static str,
    create_label: &'static str,
) -> impl IntoView {
    let (number, note) = match count {
        Count::Known(n) => (n.to_string(), None),
        Count::NotAllowed => ("—".to_string(), Some("Needs a management token")),
    };
    view! {
        <section class="card" aria-label=title>
            <h2><A href=at(href)>{title}</A></h2>
            <p class="count" data-testid=format!("count-{}", title.to_ascii_lowercase().replace(' ', "-"))>{number}</p>
            {note.map(|n| view! { <p class="muted small">{n}</p> })}
            <A href=at(create) attr:class="button small secondary">{create_label}</A>
        </section>
    }
}

#[component]
fn HealthPanel(health: Health) -> impl IntoView {
    let missing = health.missing_policies.clone();
    let unused = health.unused_roles.clone();
    let gone_roles = health.missing_roles.clone();
    let powerless = health.tokens_without_permissions.clone();
    let (missing_n, unused_n) = (missing.len(), unused.len());
    view! {
        <section class="panel health" aria-labelledby="health-title">
            <h2 id="health-title">"Health of the ACL setup"</h2>
            <ul class="health-list">
                <li>
                    <A href=at("/tokens?expiry=expired")>{plural(health.expired_tokens, "expired token", "expired tokens")}</A>
                    <span class="muted">" still stored (Nomad removes them an hour after expiry)"</span>
                </li>
                <li>
                    <A href=at("/tokens?expiry=24h")>{plural(health.expiring_within_24h, "token expires", "tokens expire")}</A>
                    " within 24 hours"
                </li>
                <li>
                    <A href=at("/policies?missing=1")>{plural(missing_n, "missing policy is", "missing policies are")}</A>
                    " still referenced"
                    {(!missing.is_empty()).then(|| view! {
                        <ul data-testid="missing-policies">
                            {missing.into_iter().map(|m| view! {
                                <li><code>{m.name.clone()}</code> {format!(": {} token(s), {} role(s)", m.tokens, m.roles)}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </li>
                <li data-testid="missing-roles">
                    {plural(gone_roles.len(), "deleted role is", "deleted roles are")}
                    " still linked from tokens"
                    {(!gone_roles.is_empty()).then(|| view! {
                        <ul>
                            {gone_roles.into_iter().map(|m| view! {
                                <li><code title=m.id.clone()>{m.name.clone()}</code> {format!(": {} token(s)", m.tokens)}</li>
                            }).collect_view()}
                        </ul>
                    })}
                </li>
                <li>
                    <A href=at("/roles?unused=1")>{plural(unused_n, "role is", "roles are")}</A>
                    " carried by no token"
                    {(!unused.is_empty()).then(|| view! {
                        <span class="muted">{format!(" ({})", unused.join(", "))}</span>
                    })}
                </li>
                <li>
                    <A href=at("/tokens?resolves=none")>{plural(powerless.len(), "client token has", "client tokens have")}</A>
                    " no policy that exists"
                </li>
            </ul>
        </section>
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
