use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::live::Kind;
use crate::api::namespaces::{get_namespace, href, Access, DeleteNamespace, NamespacePage, PolicyMatch};
use crate::api::permissions::SourceView;
use crate::app::components::confirm_delete::{ConfirmDelete, Deletion};
use crate::app::components::error_panel;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::Expiry;
use crate::app::format::{now_unix, percent_encode};
use crate::app::live::use_live;
use crate::app::region::at;

/// `/namespaces/:name`: every field, then who can do what here: each token and role
/// with its capabilities and the rule that decides them; Edit and Delete.
#[component]
pub fn NamespaceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let saved = Memo::new(move |_| query.with(|q| q.get("saved").is_some()));
    let deletion = Deletion::<DeleteNamespace>::for_page();
    let live = use_live(&[Kind::Namespaces, Kind::Roles, Kind::Policies, Kind::Tokens]);
    let page = Resource::new(move || (name.get(), live.get()), |(name, _)| get_namespace(name));
    view! {
        <Loaded resource=page what=format!("the namespace {}", name.get_untracked()) list=error_panel::NAMESPACES kind="Namespace" let:p>
            <Title text=format!("Namespace {}", p.namespace.name) />
            <Breadcrumbs trail=vec![crumb("Namespaces", "/namespaces")] current=p.namespace.name.clone() />
            <h1>"Namespace " <code data-testid="namespace-title">{p.namespace.name.clone()}</code></h1>
            {saved.get().then(|| view! { <p class="notice" role="status" data-testid="namespace-saved">"The namespace was saved."</p> })}
            <DetailView p deletion />
        </Loaded>
    }
}

fn list_or(v: &Option<Vec<String>>, none: &str) -> String {
    match v.as_deref() {
        Some(items) if !items.is_empty() => items.join(", "),
        _ => none.to_string(),
    }
}

#[component]
fn DetailView(p: NamespacePage, deletion: Deletion<DeleteNamespace>) -> impl IntoView {
    let ns = p.namespace.clone();
    let caps = ns.capabilities.clone().unwrap_or_default();
    let meta = ns.meta.clone().unwrap_or_default();
    let enterprise = [
        ("Quota", (!ns.quota.is_empty()).then(|| ns.quota.clone())),
        (
            "Node pools",
            ns.node_pool_configuration.as_ref().map(|c| {
                format!(
                    "default {}; allowed {}; denied {}",
                    c.default,
                    list_or(&c.allowed, "any"),
                    list_or(&c.denied, "none")
                )
            }),
        ),
        (
            "Vault",
            ns.vault_configuration.as_ref().map(|c| {
                format!(
                    "default {}; allowed {}; denied {}",
                    c.default,
                    list_or(&c.allowed, "any"),
                    list_or(&c.denied, "none")
                )
            }),
        ),
        (
            "Consul",
            ns.consul_configuration.as_ref().map(|c| {
                format!(
                    "default {}; allowed {}; denied {}",
                    c.default,
                    list_or(&c.allowed, "any"),
                    list_or(&c.denied, "none")
                )
            }),
        ),
    ];
    view! {
        <div class="page-actions">
            <a href=at(format!("{}/edit", href(&ns.name))) class="button">"Edit"</a>
        </div>
        <section class="panel">
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="namespace-name">{ns.name.clone()}</dd>
                <dt>"Description"</dt>
                <dd data-testid="namespace-description">{if ns.description.is_empty() { "(none)".to_string() } else { ns.description.clone() }}</dd>
                <dt>"Task drivers"</dt>
                <dd data-testid="namespace-drivers">{format!("enabled: {}; disabled: {}", list_or(&caps.enabled_task_drivers, "all"), list_or(&caps.disabled_task_drivers, "none"))}</dd>
                <dt>"Network modes"</dt>
                <dd>{format!("enabled: {}; disabled: {}", list_or(&caps.enabled_network_modes, "all"), list_or(&caps.disabled_network_modes, "none"))}</dd>
                <dt>"Meta"</dt>
                <dd data-testid="namespace-meta">
                    {if meta.is_empty() { view! { "(none)" }.into_any() } else {
                        view! { <ul class="plain">{meta.into_iter().map(|(k, v)| view! { <li><code>{k}</code> " = " <code>{v}</code></li> }).collect_view()}</ul> }.into_any()
                    }}
                </dd>
                {enterprise.into_iter().filter_map(|(label, value)| value.map(|v| view! {
                    <dt>{label}</dt><dd data-testid="namespace-enterprise">{v} " " <span class="badge" title="Set in Nomad Enterprise; this console shows it read-only">"Enterprise, read-only"</span></dd>
                })).collect_view()}
                <dt>"Raft indexes"</dt>
                <dd class="small">{format!("created at {}, last changed at {}", ns.create_index, ns.modify_index)}</dd>
            </dl>
        </section>
        <section class="panel" aria-labelledby="access-title" data-testid="namespace-access">
            <h2 id="access-title">"Who can do what here"</h2>
            {match p.access.clone() {
                None => view! { <p class="muted">"Reading who has access needs a token that can list tokens, roles and policies (a management token)."</p> }.into_any(),
                Some(a) => view! {
                    <h3>"Tokens"</h3>
                    {cut_note(a.tokens.len(), a.tokens_total, "tokens")}
                    <AccessTable rows=a.tokens kind="token" testid="access-tokens" empty="No unexpired token has any capability here." />
                    <h3>"Roles"</h3>
                    {cut_note(a.roles.len(), a.roles_total, "roles")}
                    <AccessTable rows=a.roles kind="role" testid="access-roles" empty="No role grants anything here." />
                    {(!a.expired.is_empty()).then(|| view! {
                        <h3>"Expired tokens"</h3>
                        <p class="muted">"They would have these capabilities; Nomad refuses them now."</p>
                        {cut_note(a.expired.len(), a.expired_total, "expired tokens")}
                        <AccessTable rows=a.expired kind="token" testid="access-expired" empty="" />
                    })}
                }.into_any(),
            }}
        </section>
        <section class="panel" aria-labelledby="policies-title">
            <h2 id="policies-title">"Policies with a rule for it"</h2>
            <PolicyMatches matches=p.policies.clone() />
        </section>
        <DeletePanel p deletion />
    }
}

fn sources_text(sources: &[SourceView]) -> Vec<AnyView> {
    sources
        .iter()
        .map(|s| {
            let via = match (s.direct, s.roles.is_empty()) {
                (true, true) => String::new(),
                (true, false) => format!(" (directly and through {})", s.roles.join(", ")),
                (false, _) => format!(" (through {})", s.roles.join(", ")),
            };
            view! { <li><a href=at(format!("/policies/{}", percent_encode(&s.policy, false)))>{s.policy.clone()}</a>{via}</li> }.into_any()
        })
        .collect()
}

#[component]
fn AccessTable(rows: Vec<Access>, kind: &'static str, testid: &'static str, empty: &'static str) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="muted" data-testid=testid>{empty}</p> }.into_any();
    }
    let now = now_unix();
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid=testid>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"Capabilities"</th>
                    <th scope="col">"Deciding rule"</th>
                    <th scope="col">"From"</th>
                    {(kind == "token").then(|| view! { <th scope="col">"Expires"</th> })}
                </tr></thead>
                <tbody>
                    {rows.into_iter().map(|a| {
                        let link = if kind == "token" { format!("/tokens/{}", percent_encode(&a.id, false)) } else { format!("/roles/{}", percent_encode(&a.id, false)) };
                        let label = if a.name.is_empty() { "(unnamed)".to_string() } else { a.name.clone() };
                        view! {
                            <tr data-id=a.id.clone() class:denied=a.denied>
                                <td data-label="Name"><a href=at(link)>{label}</a></td>
                                <td data-label="Capabilities" data-testid="access-capabilities">
                                    {if a.denied { view! { <span class="badge danger">"deny"</span> }.into_any() } else { view! { {a.capabilities.join(", ")} }.into_any() }}
                                    {(!a.variables.is_empty()).then(|| view! {
                                        <ul class="plain small">{a.variables.iter().map(|(path, caps)| view! { <li>"variables " <code>{path.clone()}</code> ": " {caps.join(", ")}</li> }).collect_view()}</ul>
                                    })}
                                </td>
                                <td data-label="Deciding rule" data-testid="access-rule"><code>{a.rule.clone()}</code></td>
                                <td data-label="From"><ul class="plain">{sources_text(&a.sources)}</ul></td>
                                {(kind == "token").then(|| view! { <td data-label="Expires"><Expiry expires_at=a.expires_at now /></td> })}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
fn PolicyMatches(matches: Vec<PolicyMatch>) -> impl IntoView {
    if matches.is_empty() {
        return view! { <p class="muted" data-testid="namespace-policies-empty">"No policy has a rule that applies here."</p> }.into_any();
    }
    view! {
        <ul data-testid="namespace-policies">
            {matches.into_iter().map(|m| view! {
                <li>
                    <a href=at(format!("/policies/{}", percent_encode(&m.policy, false)))>{m.policy.clone()}</a>
                    " — " <code>{format!("namespace \"{}\"", m.pattern)}</code>
                    {if m.exact { " (names it exactly)" } else { " (a glob)" }}
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// A confirmation naming the policies whose rules name the namespace exactly, then
/// a real form (works without JavaScript). Nomad refuses to delete `default`.
#[component]
fn DeletePanel(p: NamespacePage, deletion: Deletion<DeleteNamespace>) -> impl IntoView {
    let name = p.namespace.name.clone();
    if p.namespace.is_default() {
        return view! {
            <section class="panel" data-testid="delete-namespace-default">
                <p class="muted">"The " <code>"default"</code> " namespace always exists: Nomad does not delete it."</p>
            </section>
        }
        .into_any();
    }
    let exact: Vec<String> = p.policies.iter().filter(|m| m.exact).map(|m| m.policy.clone()).collect();
    view! {
        <ConfirmDelete deletion kind="namespace" name=name.clone() fields=vec![("name", name)] testid="delete-namespace">
            <p>"Nomad refuses while jobs, volumes or variables live in it."</p>
            {if exact.is_empty() {
                view! { <p data-testid="delete-no-policies">"No policy names it exactly."</p> }.into_any()
            } else {
                view! {
                    <p>"These policies name it exactly; their rules stay and would apply to a new namespace of the same name:"</p>
                    <ul data-testid="delete-policies">{exact.into_iter().map(|n| view! { <li><code>{n}</code></li> }).collect_view()}</ul>
                }.into_any()
            }}
        </ConfirmDelete>
    }
    .into_any()
}

/// "The first 200 of 3,412 tokens, by name", when a list was cut.
fn cut_note(shown: usize, total: usize, what: &'static str) -> Option<impl IntoView> {
    (total > shown).then(|| {
        view! {
            <p class="muted" data-testid="access-cut">
                {format!("The first {shown} of {total} {what}, by name. Who-can answers for one capability across all of them.")}
            </p>
        }
    })
}
