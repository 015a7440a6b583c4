//! `/tokens/new`: create a token. A real form posted to `create_token`, so it works
//! without JavaScript; after hydration each field is checked as the user types, with
//! Nomad's rules, and a submit with a problem is stopped with the message in place.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::fields::{LifetimeFields, LifetimeState, SubmitButton};
use super::grants::{server_errors, GrantFields, GrantState};
use crate::api::tokens::form::validate::Field;
use crate::api::tokens::form::{get_token_form_options, CreateToken, TokenFormOptions};
use crate::api::tokens::lifetime::LifetimeInput;
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::region::{at, page_region};

#[component]
pub fn TokenNewPage() -> impl IntoView {
    let options = Resource::new(|| (), |_| get_token_form_options());
    view! {
        <Title text="Create token" />
        <Breadcrumbs trail=vec![crumb("Tokens", "/tokens")] current="Create" />
        <h1>"Create token"</h1>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading policies and roles…"</p> }>
            {move || options.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the policies and roles" /> }.into_any(),
                Ok(o) => view! { <CreateForm options=o /> }.into_any(),
            })}
        </Suspense>
    }
}

/// The draft a refused no-JavaScript post brings back in the URL.
struct Draft {
    name: String,
    token_type: String,
    policies: Vec<String>,
    roles: Vec<String>,
    global: bool,
    lifetime: LifetimeInput,
}

fn draft_from_query() -> Draft {
    let q = use_query_map();
    q.with_untracked(|q| Draft {
        name: q.get("name").unwrap_or_default(),
        token_type: q.get("token_type").unwrap_or_default(),
        policies: q.get_all("policy").unwrap_or_default(),
        roles: q.get_all("role").unwrap_or_default(),
        global: q.get("global").is_some(),
        lifetime: LifetimeInput {
            expiry: q.get("expiry").unwrap_or_default(),
            ttl: q.get("ttl").unwrap_or_default(),
            at_local: q.get("at_local").unwrap_or_default(),
            tz_offset: String::new(),
        },
    })
}

#[component]
fn CreateForm(options: TokenFormOptions) -> impl IntoView {
    let create = ServerAction::<CreateToken>::new();
    let draft = draft_from_query();
    let grants = GrantState::new(draft.name, draft.token_type, draft.policies, draft.roles);
    let lifetime = LifetimeState::new(&draft.lifetime);
    let bounds = options.bounds;
    let attempted = RwSignal::new(false);
    let errors = server_errors(create.value());
    let other = errors.on(Field::Other);
    let global = draft.global;
    view! {
        <ActionForm action=create attr:class="token-form" attr:data-testid="token-form">
            <div class="error-panel" role="alert" data-testid="save-error" class:hidden=move || other.with(Vec::is_empty)>
                <strong>"Not created"</strong>
                {move || other.get().into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
            </div>
            <div class="form">
                <GrantFields state=grants options=options.clone() show=attempted errors />
                <fieldset class="field">
                    <legend>"Where it lives (cannot be changed later)"</legend>
                    <label>
                        <input type="radio" name="global" value="false" checked=!global />
                        {match page_region() {
                            Some(r) => format!(" Local: region {r} only"),
                            None => " Local: this region only".to_string(),
                        }}
                    </label>
                    <label>
                        <input type="radio" name="global" value="true" checked=global />
                        " Global: created in the authoritative region, replicated to every region"
                    </label>
                </fieldset>
                <LifetimeFields state=lifetime bounds id="create" show=attempted server=errors.on(Field::Expiry) />
                <div class="form-actions">
                    <SubmitButton
                        pending=create.pending()
                        attempted
                        blocked=move || grants.has_problem() || lifetime.problem(bounds).is_some()
                        label="Create token"
                        busy="Creating…"
                        testid="create-token"
                    />
                    <a class="button secondary" href=at("/tokens")>"Cancel"</a>
                </div>
            </div>
        </ActionForm>
    }
}
