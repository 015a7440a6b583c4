use leptos::prelude::*;

use crate::api::live::Kind;
use crate::api::namespaces::{href, list_namespaces, NamespaceList};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{count_or_dash, Column, DataTable, EmptyState, ListCount, ListHead};
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
        <Loaded resource=list what="the namespaces" let:l>
            <NamespaceTable list=l />
        </Loaded>
    }
}

/// Why a count shows as a dash.
const COUNT_NEEDS: &str = "Counting needs a token that can read tokens, roles and policies";

fn drivers(enabled: &[String], disabled: &[String]) -> String {
    match (enabled.is_empty(), disabled.is_empty()) {
        (true, true) => "any".to_string(),
        (false, true) => format!("only {}", enabled.join(", ")),
        (true, false) => format!("all but {}", disabled.join(", ")),
        (false, false) => format!("only {}; never {}", enabled.join(", "), disabled.join(", ")),
    }
}

const COLUMNS: &[Column] = &[
    Column::plain("Name"),
    Column::plain("Description"),
    Column::plain("Task drivers"),
    Column::titled("Tokens", "Unexpired tokens with any capability here"),
    Column::titled("Roles", "Roles whose policies grant any capability here"),
];

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
        <ListCount shown=total total noun=("namespace", "namespaces") testid="namespaces-count" />
        <DataTable testid="namespaces-table" columns=COLUMNS>
            {list.namespaces.into_iter().map(|n| view! {
                <tr data-namespace=n.name.clone()>
                    <td data-label="Name"><a href=at(href(&n.name))>{n.name.clone()}</a></td>
                    <td data-label="Description">{n.description.clone()}</td>
                    <td data-label="Task drivers">{drivers(&n.enabled_drivers, &n.disabled_drivers)}</td>
                    <td data-label="Tokens" data-testid="namespace-tokens">{count_or_dash(n.tokens, COUNT_NEEDS)}</td>
                    <td data-label="Roles" data-testid="namespace-roles">{count_or_dash(n.roles, COUNT_NEEDS)}</td>
                </tr>
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}
