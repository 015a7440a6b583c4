//! "Create a test token": a 10-minute client token carrying one policy or one role,
//! made with the same server function as the create form. The new token's page
//! shows its secret once, with the CLI command.

use leptos::prelude::*;

use crate::api::tokens::form::validate::by_field;
use crate::api::tokens::form::CreateToken;

/// What the test token carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestGrant {
    Policy(String),
    /// (role ID, role name).
    Role(String, String),
}

#[component]
pub fn TestTokenButton(grant: TestGrant) -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let (name, field, value) = match &grant {
        TestGrant::Policy(p) => (format!("test token for policy {p}"), "policies[]", p.clone()),
        TestGrant::Role(id, n) => (format!("test token for role {n}"), "roles[]", id.clone()),
    };
    let error = move || {
        create.value().with(|v| match v {
            Some(Err(e)) => Some(by_field(e).into_iter().map(|(_, m)| m).collect::<Vec<_>>().join(" ")),
            _ => None,
        })
    };
    view! {
        <ActionForm action=create attr:class="inline-form" attr:data-testid="test-token-form">
            <input type="hidden" name="name" value=name />
            <input type="hidden" name="token_type" value="client" />
            <input type="hidden" name=field value=value />
            <input type="hidden" name="lifetime[expiry]" value="10m" />
            <button type="submit" class="button secondary" data-testid="create-test-token" disabled=move || create.pending().get()>
                "Create a test token (10 minutes)"
            </button>
        </ActionForm>
        {move || error().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}
