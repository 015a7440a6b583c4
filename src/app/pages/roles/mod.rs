//! `/roles`: the list, one role, and the editor (create and edit).

pub mod detail;
pub mod edit;
pub mod list;

use leptos::prelude::*;

use crate::api::roles::PolicyLink;
use crate::app::format::percent_encode;
use crate::app::region::at;

/// A role's policies as tags: existing ones link to the policy, deleted ones are
/// marked and not linked (like Nomad's UI, which says "This policy has been deleted").
#[component]
pub fn PolicyTags(policies: Vec<PolicyLink>) -> impl IntoView {
    if policies.is_empty() {
        return view! { <span class="muted">"No policies"</span> }.into_any();
    }
    policies
        .into_iter()
        .map(|p| {
            if p.exists {
                let link = format!("/policies/{}", percent_encode(&p.name, false));
                view! { <a class="tag" href=at(link)>{p.name}</a> }.into_any()
            } else {
                let name = p.name.clone();
                view! {
                    <span class="tag deleted" data-deleted-policy=name title="This policy has been deleted: it grants nothing">
                        <s>{p.name}</s> " (deleted)"
                    </span>
                }
                .into_any()
            }
        })
        .collect_view()
        .into_any()
}
