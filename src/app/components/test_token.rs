//! "Create a test token": a 10-minute client token carrying one policy or one role.
//! The page stays where it is and a toast shows the secret once; the page's token
//! list gains the row through live updates. Without JavaScript the form posts and
//! the new token's page shows the secret once.

use leptos::prelude::*;

use crate::api::tokens::form::{create_test_token, CreateTestToken};
use crate::app::components::toast::{use_toasts, ToastKind};

/// What the test token carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestGrant {
    Policy(String),
    /// (role ID, role name).
    Role(String, String),
}

#[component]
pub fn TestTokenButton(grant: TestGrant) -> impl IntoView {
    use leptos::server_fn::ServerFn;
    // Reads a refused plain post back from the URL; hydrated posts go through `submit`.
    let posted = ServerAction::<CreateTestToken>::new();
    let toasts = use_toasts();
    let pending = RwSignal::new(false);
    let (policy, role_id, role_name) = match &grant {
        TestGrant::Policy(p) => (p.clone(), String::new(), String::new()),
        TestGrant::Role(id, n) => (String::new(), id.clone(), n.clone()),
    };
    let fields = StoredValue::new((policy.clone(), role_id.clone(), role_name.clone()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        pending.set(true);
        let (policy, role_id, role_name) = fields.get_value();
        // Not owned by this view: a live update may re-render the page meanwhile.
        leptos::task::spawn_local(async move {
            let outcome = create_test_token(policy, role_id, role_name).await;
            pending.try_set(false);
            let Some(t) = toasts else { return };
            match outcome {
                Ok(Some(made)) => t.show_secret(
                    format!("Created \"{}\", valid for 10 minutes.", made.name),
                    made.secret_id.into_inner(),
                    format!("/tokens/{}", crate::links::percent_encode(&made.accessor_id, false)),
                ),
                Ok(None) => {}
                Err(e) => t.show(ToastKind::Failure, format!("No test token was created: {}", e.explain())),
            }
        });
    };
    let refused = move || {
        posted.value().with(|v| match v {
            Some(Err(e)) => Some(e.explain()),
            _ => None,
        })
    };
    view! {
        <form method="post" action=CreateTestToken::PATH class="inline-form" data-testid="test-token-form" on:submit=submit>
            <input type="hidden" name="policy" value=policy />
            <input type="hidden" name="role_id" value=role_id />
            <input type="hidden" name="role_name" value=role_name />
            <button type="submit" class="button secondary" data-testid="create-test-token" disabled=move || pending.get()>
                "Create a test token (10 minutes)"
            </button>
        </form>
        {move || refused().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
    }
}
