//! `/binding-rules`: the list, one rule, the editor (create and edit) and the
//! selector tester they share.

pub mod detail;
pub mod edit;
pub mod list;
pub mod tester;

use leptos::prelude::*;

use crate::api::binding_rules::{RuleRow, Target};
use crate::app::format::percent_encode;
use crate::app::region::at;

/// The rule's auth method: a link, or marked when the method was deleted.
#[component]
pub fn MethodRef(rule: RuleRow) -> impl IntoView {
    if rule.method_exists {
        let link = format!("/auth-methods/{}", percent_encode(&rule.auth_method, false));
        view! { <a href=at(link)>{rule.auth_method}</a> }.into_any()
    } else {
        view! {
            <span class="tag deleted" data-dangling="auth-method" title="This auth method was deleted: no login can match the rule">
                <s>{rule.auth_method}</s> " (deleted)"
            </span>
        }
        .into_any()
    }
}

/// What the rule binds: the role or policy (linked, or marked when it does not exist),
/// a templated name, or management.
#[component]
pub fn BindRef(rule: RuleRow) -> impl IntoView {
    let name = rule.bind_name.clone();
    match rule.target {
        Target::Management => view! { <span class="muted">"(none: management)"</span> }.into_any(),
        Target::Templated => view! {
            <code>{name}</code> " " <span class="tag" title="Nomad fills this in from the login's claims">"from the claims"</span>
        }
        .into_any(),
        Target::Exists if rule.bind_type == "policy" => {
            let link = format!("/policies/{}", percent_encode(&name, false));
            view! { <a href=at(link)>{name}</a> }.into_any()
        }
        Target::Exists => {
            let link = format!("/roles?search={}", percent_encode(&name, false));
            view! { <a href=at(link)>{name}</a> }.into_any()
        }
        Target::Missing => {
            let what = if rule.bind_type == "policy" { "policy" } else { "role" };
            view! {
                <span class="tag deleted" data-dangling=what title=format!("No {what} has this name: logins get nothing from the rule")>
                    <s>{name}</s> {format!(" (no such {what})")}
                </span>
            }
            .into_any()
        }
        Target::Unknown => view! { <code>{name}</code> }.into_any(),
    }
}
