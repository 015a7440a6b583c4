use leptos::prelude::*;

use crate::api::auth_methods::{href, list_auth_methods, MethodList};
use crate::api::live::Kind;
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::ListHead;
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
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the auth methods…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the auth methods" /> }.into_any(),
                Ok(l) => methods_table(l),
            })}
        </Transition>
    }
}

fn methods_table(list: MethodList) -> AnyView {
    if list.methods.is_empty() {
        return view! {
            <div class="empty-state" data-testid="methods-empty">
                <p>"No auth methods yet. Without one, every sign-in needs a token's Secret ID."</p>
                <a href=at("/auth-methods/new") class="button">"Create the first auth method"</a>
            </div>
        }
        .into_any();
    }
    let total = list.methods.len();
    view! {
        <p class="list-count" role="status" data-testid="methods-count">{format!("{total} auth method(s)")}</p>
        <div class="table-wrap">
            <table class="data-table" data-testid="methods-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Default"</th>
                        <th scope="col">"Token locality"</th>
                        <th scope="col">"Max token TTL"</th>
                        <th scope="col" title="Binding rules that name the method">"Binding rules"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
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
                                <td data-label="Actions" class="row-actions">
                                    <a href=at(format!("{link}/edit")) aria-label=format!("Edit auth method {}", m.name)>"Edit"</a>
                                    " · "
                                    <a href=at(format!("{link}?delete=1#delete")) aria-label=format!("Delete auth method {}", m.name)>"Delete…"</a>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}
