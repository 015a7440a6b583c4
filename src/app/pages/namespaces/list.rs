use leptos::prelude::*;

use crate::api::live::Kind;
use crate::api::namespaces::{href, list_namespaces, NamespaceList};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::ListHead;
use crate::app::components::page::{count_line, EmptyState};
use crate::app::live::use_live;
use crate::app::region::at;

/// Every namespace the token may see, with its task-driver limits and how many
/// tokens and roles have any capability in it.
#[component]
pub fn NamespacesListPage() -> impl IntoView {
    let live = use_live(&[Kind::Namespaces, Kind::Roles, Kind::Policies, Kind::Tokens]);
    let list = Resource::new(move || live.get(), |_| list_namespaces());
    view! {
        <ListHead title="Namespaces" create_href="/namespaces/new".to_string() create_label="Create namespace" what="namespace" deleted_testid="namespace-deleted">
            "A namespace holds jobs, variables and volumes. Policies grant capabilities in namespaces by name or by glob; "
            "the counts say how many tokens and roles reach each one."
        </ListHead>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the namespaces…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the namespaces" /> }.into_any(),
                Ok(l) => view! { <NamespaceTable list=l /> }.into_any(),
            })}
        </Transition>
    }
}

fn count(n: Option<usize>) -> AnyView {
    match n {
        Some(n) => view! { {n} }.into_any(),
        None => view! { <span class="muted" title="Counting needs a token that can read tokens, roles and policies">"—"</span> }.into_any(),
    }
}

fn drivers(enabled: &[String], disabled: &[String]) -> String {
    match (enabled.is_empty(), disabled.is_empty()) {
        (true, true) => "any".to_string(),
        (false, true) => format!("only {}", enabled.join(", ")),
        (true, false) => format!("all but {}", disabled.join(", ")),
        (false, false) => format!("only {}; never {}", enabled.join(", "), disabled.join(", ")),
    }
}

#[component]
fn NamespaceTable(list: NamespaceList) -> impl IntoView {
    let total = list.namespaces.len();
    if total == 0 {
        return view! {
            <EmptyState testid="namespaces-empty" text="Your token sees no namespace." action_href="/namespaces/new" action_label="Create a namespace" />
        }
        .into_any();
    }
    view! {
        <p class="list-count" role="status" data-testid="namespaces-count">{count_line(total, total, "namespaces")}</p>
        <div class="table-wrap">
            <table class="data-table" data-testid="namespaces-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Task drivers"</th>
                        <th scope="col" title="Unexpired tokens with any capability here">"Tokens"</th>
                        <th scope="col" title="Roles whose policies grant any capability here">"Roles"</th>
                    </tr>
                </thead>
                <tbody>
                    {list.namespaces.into_iter().map(|n| view! {
                        <tr data-namespace=n.name.clone()>
                            <td data-label="Name"><a href=at(href(&n.name))>{n.name.clone()}</a></td>
                            <td data-label="Description">{n.description.clone()}</td>
                            <td data-label="Task drivers">{drivers(&n.enabled_drivers, &n.disabled_drivers)}</td>
                            <td data-label="Tokens" data-testid="namespace-tokens">{count(n.tokens)}</td>
                            <td data-label="Roles" data-testid="namespace-roles">{count(n.roles)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
