//! `/who-can`: pick a right and a namespace; every token and role holding it, with the
//! deciding rule and its sources, and the expired tokens that would hold it. A GET form:
//! the question lives in the URL and the page works without JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::permissions::{permissions_href, question_from_query, RightSelect, SourceList};
use crate::api::error::ApiError;
use crate::api::permissions::Question;
use crate::api::who_can::{who_can, Holder, WhoCanReport};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::Breadcrumbs;
use crate::app::components::relative_time::Expiry;
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::pages::namespaces::NamespaceDatalist;
use crate::app::pages::permissions::FOLLOWED;
use crate::app::region::at;
use crate::app::region::RegionField;

#[component]
pub fn WhoCanPage() -> impl IntoView {
    let query = use_query_map();
    let question = Memo::new(move |_| query.with(question_from_query));
    let live = use_live(FOLLOWED);
    let report = Resource::new(move || (question.get(), live.get()), |(q, _)| who_can(q));
    // A question Nomad's rules cannot answer (no namespace for a namespace right) is
    // the field's error, not a failed check.
    let field_error = Signal::derive(move || match report.get() {
        Some(Err(ApiError::Invalid(m))) => Some(m),
        _ => None,
    });
    view! {
        <Title text="Who can" />
        <Breadcrumbs current="Who can" />
        <h1>"Who can…?"</h1>
        <p class="lead">"Every token and role holding a right, resolved as Nomad resolves it (policies and roles, most specific namespace pattern, deny wins)."</p>
        <WhoCanForm question=question.get_untracked() field_error />
        <Transition fallback=|| view! { <p class="loading" role="status">"Checking every token…"</p> }>
            {move || report.get().map(|r| match r {
                Err(ApiError::Invalid(_)) => ().into_any(),
                Err(e) => view! { <ErrorPanel error=e what="the answer" /> }.into_any(),
                Ok(None) => view! { <p class="muted">"Choose a right and a namespace, then Check."</p> }.into_any(),
                Ok(Some(report)) => view! { <Results report /> }.into_any(),
            })}
        </Transition>
    }
}

#[component]
fn WhoCanForm(question: Question, field_error: Signal<Option<String>>) -> impl IntoView {
    let names = crate::app::pages::namespaces::use_namespace_names();
    view! {
        <form method="get" action="/who-can" class="filters panel" role="search" aria-label="Who can"><RegionField />
            <div class="field">
                <label for="who-right">"Right"</label>
                <RightSelect id="who-right" current=question.right.clone() />
            </div>
            <div class="field">
                <label for="who-namespace">"Namespace"</label>
                <input id="who-namespace" name="namespace" value=question.namespace.clone() placeholder="e.g. prod-eu" autocomplete="off"
                    list="who-namespaces" aria-describedby="who-namespace-error" aria-invalid=move || field_error.get().is_some().to_string() />
                <NamespaceDatalist id="who-namespaces" names />
                <div id="who-namespace-error">
                    <Transition>{move || field_error.get().map(|m| view! { <p class="field-error" role="alert" data-testid="who-namespace-error">{m}</p> })}</Transition>
                </div>
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="every" value="1" checked=question.every data-testid="who-every" />
                    " in every namespace"
                </label>
            </div>
            <div class="field">
                <label for="who-path">"Variables path (for variables rights)"</label>
                <input id="who-path" name="path" value=question.path.clone() placeholder="e.g. app/config" autocomplete="off" />
            </div>
            <div class="actions"><button type="submit" class="button">"Check"</button></div>
        </form>
    }
}

#[component]
fn Results(report: WhoCanReport) -> impl IntoView {
    let now = report.server_now;
    let stats = format!(
        "Checked {} tokens ({} distinct policy sets), {} roles and {} policies: loaded in {} ms, answered in {} ms.",
        report.scanned_tokens,
        report.policy_sets,
        report.scanned_roles,
        report.scanned_policies,
        report.load_ms,
        report.compute_ms
    );
    view! {
        <p class="muted" data-testid="who-can-stats">{stats}</p>
        <HolderTable title="Tokens" testid="who-tokens" kind="token" holders=report.tokens total=report.tokens_total now />
        <HolderTable title="Roles" testid="who-roles" kind="role" holders=report.roles total=report.roles_total now />
        <HolderTable title="Expired tokens that would have it" testid="who-expired" kind="token" holders=report.expired total=report.expired_total now />
    }
}

#[component]
fn HolderTable(
    title: &'static str,
    testid: &'static str,
    kind: &'static str,
    holders: Vec<Holder>,
    total: usize,
    now: i64,
) -> impl IntoView {
    let shown = holders.len();
    let count = if shown < total { format!("{total} (showing the first {shown})") } else { total.to_string() };
    view! {
        <section class="panel" data-testid=testid>
            <h2>{title} " " <span class="count">{count}</span></h2>
            {if holders.is_empty() {
                view! { <p class="muted">"None."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="data-table">
                            <thead>
                                <tr>
                                    <th scope="col">"Name"</th>
                                    <th scope="col">"Deciding rule"</th>
                                    <th scope="col">"Sources"</th>
                                    {(kind == "token").then(|| view! { <th scope="col">"Expires"</th> })}
                                </tr>
                            </thead>
                            <tbody>
                                {holders.into_iter().map(|h| {
                                    let name = if h.name.is_empty() { "(unnamed)".to_string() } else { h.name.clone() };
                                    let link = if kind == "token" {
                                        permissions_href(&h.id)
                                    } else {
                                        format!("/roles/{}", percent_encode(&h.id, false))
                                    };
                                    view! {
                                        <tr data-testid="holder" data-id=h.id.clone()>
                                            <td><a href=at(link)>{name}</a></td>
                                            <td>{h.rule.clone().map(|r| view! { <code>{r}</code> })}</td>
                                            <td>{if h.management {
                                                view! { <span>"management token: all permissions"</span> }.into_any()
                                            } else {
                                                view! { <SourceList sources=h.sources /> }.into_any()
                                            }}</td>
                                            {(kind == "token").then(|| view! { <td><Expiry expires_at=h.expires_at now /></td> })}
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            }}
        </section>
    }
}
