use leptos::prelude::*;

use crate::api::auth_methods::{href, list_auth_methods, MethodList};
use crate::api::live::Kind;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{Column, DataTable, EmptyState, ListCount, ListHead, RowActions};
use crate::app::live::use_live;
use crate::app::region::at;

/// Every auth method with the settings that decide what its tokens are.
#[component]
pub fn AuthMethodsListPage() -> impl IntoView {
    let live = use_live(&[Kind::AuthMethods, Kind::BindingRules]);
    let list = Resource::new(move || live.get(), |_| list_auth_methods());
    view! {
        <ListHead title="Auth methods" create_href="/auth-methods/new".to_string() create_label="Create auth method" what="auth method" deleted_testid="method-deleted">
            "An auth method lets people or machines trade an identity from your provider for a Nomad token: "
            "OIDC for people signing in with a browser, JWT for workloads. Binding rules decide what the token gets."
        </ListHead>
        <Loaded resource=list what="the auth methods" let:l>
            {methods_table(l)}
        </Loaded>
    }
}

const COLUMNS: &[Column] = &[
    Column::plain("Name"),
    Column::plain("Type"),
    Column::plain("Default"),
    Column::plain("Token locality"),
    Column::plain("Max token TTL"),
    Column::titled("Binding rules", "Binding rules that name the method"),
];

fn methods_table(list: MethodList) -> AnyView {
    if list.methods.is_empty() {
        return view! {
            <EmptyState testid="methods-empty" text="No auth methods yet. Without one, every sign-in needs a token's Secret ID."
                action_href="/auth-methods/new" action_label="Create the first auth method" />
        }
        .into_any();
    }
    let total = list.methods.len();
    view! {
        <ListCount shown=total total noun=("auth method", "auth methods") testid="methods-count" />
        <DataTable testid="methods-table" columns=COLUMNS actions=true>
            {list.methods.into_iter().map(|m| {
                let link = href(&m.name);
                view! {
                    <tr data-method=m.name.clone() data-testid="method-row">
                        <td data-label="Name"><a href=at(link.clone())>{m.name.clone()}</a></td>
                        <td data-label="Type">{m.method_type.clone()}</td>
                        <td data-label="Default">{if m.default { view! { <span class="tag">"default"</span> }.into_any() } else { view! { <span class="muted">"no"</span> }.into_any() }}</td>
                        <td data-label="Token locality">{m.token_locality.clone()}</td>
                        <td data-label="Max token TTL"><code>{m.max_token_ttl.clone()}</code></td>
                        <td data-label="Binding rules">{match m.binding_rules {
                            Some(0) => view! { <span class="expired" title="No binding rule names it: Nomad refuses every sign-in with it">"0 (sign-ins refused)"</span> }.into_any(),
                            Some(n) => view! { {n} }.into_any(),
                            None => view! { <span class="muted" title="Listing binding rules needs a management token">"—"</span> }.into_any(),
                        }}</td>
                        <RowActions href=link kind="auth method" name=m.name.clone() />
                    </tr>
                }
            }).collect_view()}
        </DataTable>
    }
    .into_any()
}
