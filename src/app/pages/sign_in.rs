use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::auth_methods::{sign_in_methods, SignInMethod};
use crate::api::session::{get_ended_session, take_flash, FlashMessage, FlashView};
use crate::api::status::nomad_status;
use crate::app::format::absolute;

/// Sign in with a token's Secret ID. A plain form post (works before the wasm
/// loads); the outcome comes back as a one-shot message.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let return_to = move || query.with(|q| q.get("return_to").unwrap_or_default());
    let flash = Resource::new(|| (), |_| take_flash());
    let status = Resource::new(|| (), |_| nomad_status());
    let ended = Resource::new(|| (), |_| get_ended_session());
    let methods = Resource::new(|| (), |_| sign_in_methods());
    let reveal = RwSignal::new(false);

    view! {
        <Title text="Sign in" />
        <div class="sign-in">
            <section class="panel narrow">
                <h1>"Sign in"</h1>
                <p class="lead">
                    "Sign in with a Nomad ACL token. The console acts with your token, and only with it."
                </p>
                <super::sign_in_switch::SwitchPrompt />
                <Suspense fallback=|| ()>
                    {move || status.get().and_then(|s| s.ok()).and_then(|s| s.error.map(|e| view! {
                        <div class="error-panel" role="alert" data-testid="nomad-down">
                            <strong>"Nomad is not answering"</strong>
                            <p>"Nomad at " <code>{s.address.clone()}</code> " is not answering: " {e}</p>
                        </div>
                    }))}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || ended.get().and_then(|e| e.ok().flatten()).map(|at| view! {
                        <p class="notice" role="status" data-testid="session-ended">
                            {format!("Your session ended at {}: your token expired. Sign in with another token.", absolute(at))}
                        </p>
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || flash.get().and_then(|f| f.ok().flatten()).map(|f| match f.kind {
                        FlashView::Info => view! { <p class="notice" role="status">{f.message}</p> }.into_any(),
                        _ => ().into_any(),
                    })}
                </Suspense>
                <Suspense fallback=|| ()>
                    {move || {
                        let list = methods.get().and_then(|m| m.ok()).unwrap_or_default();
                        let error = flash.get().and_then(|f| f.ok().flatten()).filter(|f| f.kind == FlashView::SsoError);
                        sso_section(list, error, return_to())
                    }}
                </Suspense>
                <form method="post" action="/sign-in" class="form">
                    <input type="hidden" name="return_to" value=return_to() prop:value=return_to />
                    <label for="secret">"Secret ID"</label>
                    <div class="input-row">
                        <input
                            id="secret"
                            name="secret"
                            type=move || if reveal.get() { "text" } else { "password" }
                            autocomplete="off"
                            spellcheck="false"
                            autocapitalize="off"
                            required
                            aria-describedby="secret-help secret-error"
                        />
                        <button
                            type="button"
                            class="button secondary"
                            aria-pressed=move || reveal.get().to_string()
                            on:click=move |_| reveal.update(|r| *r = !*r)
                        >
                            {move || if reveal.get() { "Hide" } else { "Show" }}
                        </button>
                    </div>
                    <p id="secret-help" class="help">
                        "The token's Secret ID, a UUID. " <code>"nomad acl token self"</code>
                        " shows the Accessor ID too: paste the Secret ID."
                    </p>
                    <Suspense fallback=|| ()>
                        {move || jwt_choice(methods.get().and_then(|m| m.ok()).unwrap_or_default())}
                    </Suspense>
                    <Suspense fallback=|| ()>
                        {move || flash.get().and_then(|f| f.ok().flatten()).and_then(|f| (f.kind == FlashView::Error).then(|| view! {
                            <p id="secret-error" class="field-error" role="alert" data-testid="sign-in-error">{f.message}</p>
                        }))}
                    </Suspense>
                    <button type="submit" class="button">"Sign in"</button>
                </form>
            </section>
            <details class="panel narrow bootstrap">
                <summary>"New cluster? Bootstrap the ACL system"</summary>
                <p>
                    "Bootstrapping creates the cluster's first management token. Nomad allows it once; "
                    "the secret is shown to you a single time."
                </p>
                <form method="post" action="/sign-in/bootstrap">
                    <button type="submit" class="button secondary">"Bootstrap ACL system"</button>
                </form>
            </details>
        </div>
    }
}

/// "Single sign-on": one button per OIDC method, the default first, each a plain form
/// post that starts Nomad's OIDC flow; JWT methods are named for machine login.
fn sso_section(methods: Vec<SignInMethod>, error: Option<FlashMessage>, return_to: String) -> AnyView {
    let (oidc, jwt): (Vec<SignInMethod>, Vec<SignInMethod>) =
        methods.into_iter().partition(|m| m.method_type == "OIDC");
    if oidc.is_empty() && jwt.is_empty() && error.is_none() {
        return ().into_any();
    }
    let jwt_names: Vec<String> = jwt.into_iter().map(|m| m.name).collect();
    view! {
        <section class="sso" aria-labelledby="sso-title" data-testid="sso">
            <h2 id="sso-title">"Single sign-on"</h2>
            {error.map(|f| view! { <div class="error-panel" role="alert" data-testid="sso-error"><p>{f.message}</p></div> })}
            {oidc.into_iter().map(|m| {
                let label = format!("Continue with {}", m.name);
                if let Some(why) = m.unavailable {
                    return view! {
                        <div class="sso-method unavailable" data-method=m.name.clone() data-testid="sso-unavailable">
                            <button type="button" class="button" disabled>{label}</button>
                            {m.default.then(|| view! { " " <span class="tag">"default"</span> })}
                            <p class="help">{why}</p>
                        </div>
                    }.into_any();
                }
                view! {
                    <form method="post" action="/sign-in/oidc" class="sso-method" data-method=m.name.clone()>
                        <input type="hidden" name="method" value=m.name.clone() />
                        <input type="hidden" name="return_to" value=return_to.clone() />
                        <button type="submit" class="button" data-testid="sso-button">{label}</button>
                        {m.default.then(|| view! { " " <span class="tag">"default"</span> })}
                    </form>
                }.into_any()
            }).collect_view()}
            {(!jwt_names.is_empty()).then(|| view! {
                <p class="help" data-testid="sso-jwt">
                    {format!("JWT methods ({}) are for workloads: they trade a JWT with ", jwt_names.join(", "))}
                    <code>"nomad login -method=<name>"</code> "."
                </p>
            })}
            <p class="sso-or">"Or use a token:"</p>
        </section>
    }
    .into_any()
}

/// With JWT auth methods, a pasted JWT is traded for a token: say so, and let the user
/// choose the method when there are several (the default first).
fn jwt_choice(methods: Vec<SignInMethod>) -> AnyView {
    let jwt: Vec<SignInMethod> = methods.into_iter().filter(|m| m.method_type == "JWT").collect();
    match jwt.as_slice() {
        [] => ().into_any(),
        [only] => view! {
            <p class="help" data-testid="jwt-hint">"A JWT works too: it is traded for a token with the auth method " <code>{only.name.clone()}</code> "."</p>
        }
        .into_any(),
        _ => view! {
            <label for="jwt-method">"JWT auth method (when pasting a JWT)"</label>
            <select id="jwt-method" name="jwt_method" data-testid="jwt-method">
                {jwt.into_iter().map(|m| {
                    let label = if m.default { format!("{} (default)", m.name) } else { m.name.clone() };
                    view! { <option value=m.name.clone() selected=m.default>{label}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
    }
}
