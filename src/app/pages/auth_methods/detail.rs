use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::type_label;
use crate::api::auth_methods::{get_auth_method, href, DeleteAuthMethod, MethodDetail};
use crate::api::live::Kind;
use crate::app::components::confirm_delete::{ConfirmDelete, Deletion};
use crate::app::components::error_panel;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::format::absolute;
use crate::app::live::use_live;
use crate::app::region::at;

/// `/auth-methods/:name`: every setting (the client secret only as "set"), the binding
/// rules that name it; Edit and Delete (`?delete=1` opens the confirmation).
#[component]
pub fn AuthMethodDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let saved = Memo::new(move |_| query.with(|q| q.get("saved").is_some()));
    let deletion = Deletion::<DeleteAuthMethod>::for_page();
    let live = use_live(&[Kind::AuthMethods, Kind::BindingRules]);
    let method = Resource::new(move || (name.get(), live.get()), |(name, _)| get_auth_method(name));
    view! {
        <Loaded resource=method what="the auth method" list=error_panel::AUTH_METHODS kind="Auth method" let:m>
            <Title text=format!("Auth method {}", m.settings.name) />
            <Breadcrumbs trail=vec![crumb("Auth methods", "/auth-methods")] current=m.settings.name.clone() />
            <h1>"Auth method " <code data-testid="method-title">{m.settings.name.clone()}</code></h1>
            {saved.get().then(|| view! { <p class="notice" role="status" data-testid="method-saved">"The auth method was saved."</p> })}
            {facts(m.clone())}
            <DeletePanel m deletion />
        </Loaded>
    }
}

fn or_none(v: &str) -> String {
    if v.trim().is_empty() {
        "(none)".to_string()
    } else {
        v.to_string()
    }
}

/// A list setting, one item per line as the editor takes it.
fn lines_view(v: &str, testid: &'static str) -> AnyView {
    if v.trim().is_empty() {
        view! { <dd data-testid=testid class="muted">"(none)"</dd> }.into_any()
    } else {
        view! { <dd data-testid=testid><pre class="small">{v.to_string()}</pre></dd> }.into_any()
    }
}

fn facts(m: MethodDetail) -> AnyView {
    let s = m.settings.clone();
    let oidc = s.is_oidc();
    let provider = if oidc {
        view! {
            <dt>"Discovery URL"</dt><dd data-testid="method-discovery-url">{or_none(&s.discovery_url)}</dd>
            <dt>"Client ID"</dt><dd data-testid="method-client-id"><code>{or_none(&s.client_id)}</code></dd>
            <dt>"Client secret"</dt>
            <dd data-testid="method-client-secret">
                {if m.secret_set { "Set. Write-only: Nomad never returns it." } else { "Not set" }}
            </dd>
            <dt>"Scopes"</dt>{lines_view(&s.scopes, "method-scopes")}
            <dt>"Allowed redirect URIs"</dt>{lines_view(&s.allowed_redirect_uris, "method-redirect-uris")}
            <dt>"Sign-in here"</dt>{callback_view(&s.allowed_redirect_uris, &m.console_callback)}
            <dt>"Discovery CA PEMs"</dt>{lines_view(&s.discovery_ca_pem, "method-ca-pem")}
            <dt>"User info"</dt><dd>{if s.disable_user_info { "Not fetched (disabled)" } else { "Fetched from the provider" }}</dd>
            <dt>"PKCE"</dt><dd>{if s.enable_pkce { "On" } else { "Off" }}</dd>
            {m.client_assertion.then(|| view! { <dt>"Client assertion"</dt><dd>"Set"</dd> })}
        }
        .into_any()
    } else {
        view! {
            <dt>"JWKS URL"</dt><dd data-testid="method-jwks-url">{or_none(&s.jwks_url)}</dd>
            <dt>"JWKS CA certificate"</dt>{lines_view(&s.jwks_ca_cert, "method-jwks-ca")}
            <dt>"Validation public keys"</dt>{lines_view(&s.jwt_validation_pub_keys, "method-pub-keys")}
            <dt>"Discovery URL"</dt><dd data-testid="method-discovery-url">{or_none(&s.discovery_url)}</dd>
            <dt>"Discovery CA PEMs"</dt>{lines_view(&s.discovery_ca_pem, "method-ca-pem")}
            <dt>"Bound issuer"</dt>{lines_view(&s.bound_issuer, "method-bound-issuer")}
        }
        .into_any()
    };
    view! {
        <div class="page-actions">
            <a href=at(format!("{}/edit", href(&s.name))) class="button">"Edit"</a>
        </div>
        <section class="panel">
            <h2>"Tokens it creates"</h2>
            <dl class="facts">
                <dt>"Type"</dt><dd data-testid="method-type">{s.method_type.clone()} " — " {type_label(&s.method_type)}</dd>
                <dt>"Default"</dt><dd data-testid="method-default">{if s.default { "Yes: the sign-in page offers it first" } else { "No" }}</dd>
                <dt>"Token locality"</dt><dd data-testid="method-locality">{s.token_locality.clone()}</dd>
                <dt>"Max token TTL"</dt><dd data-testid="method-ttl"><code>{s.max_token_ttl.clone()}</code></dd>
                <dt>"Token name format"</dt><dd data-testid="method-name-format"><code>{or_none(&s.token_name_format)}</code></dd>
                <dt>"Changed"</dt><dd class="small">{format!("created {}, last changed {} (raft indexes {} and {})", absolute(m.create_time), absolute(m.modify_time), m.create_index, m.modify_index)}</dd>
            </dl>
        </section>
        <section class="panel">
            <h2>"Provider"</h2>
            <dl class="facts">{provider}</dl>
        </section>
        <section class="panel">
            <h2>"Claims and checks"</h2>
            <dl class="facts">
                <dt>"Bound audiences"</dt>{lines_view(&s.bound_audiences, "method-audiences")}
                <dt>"Signing algorithms"</dt>{lines_view(&s.signing_algs, "method-signing-algs")}
                <dt>"Claim mappings"</dt>{lines_view(&s.claim_mappings, "method-claims")}
                <dt>"List claim mappings"</dt>{lines_view(&s.list_claim_mappings, "method-list-claims")}
                <dt>"Clock skew leeway"</dt><dd>{or_none(&s.clock_skew_leeway)}</dd>
                <dt>"Expiration leeway"</dt><dd>{or_none(&s.expiration_leeway)}</dd>
                <dt>"Not-before leeway"</dt><dd>{or_none(&s.not_before_leeway)}</dd>
            </dl>
        </section>
        <section class="panel">
            <h2>"Binding rules"</h2>
            {rules_view(&m)}
        </section>
    }
    .into_any()
}

/// Whether the sign-in page of this console can use the method: its callback must be
/// an allowed redirect URI.
fn callback_view(allowed: &str, callback: &str) -> AnyView {
    if callback.is_empty() {
        return view! { <dd class="muted">"(unknown)"</dd> }.into_any();
    }
    if allowed.lines().any(|l| l.trim() == callback) {
        view! { <dd data-testid="method-callback">"Ready: " <code>{callback.to_string()}</code> " is an allowed redirect URI."</dd> }.into_any()
    } else {
        view! {
            <dd data-testid="method-callback" class="warning">
                "Add " <code>{callback.to_string()}</code> " to the allowed redirect URIs: until then Nomad refuses this console's sign-in with it."
            </dd>
        }
        .into_any()
    }
}

fn rules_view(m: &MethodDetail) -> AnyView {
    match m.rules.clone() {
        None => view! { <p class="muted">"Listing binding rules needs a management token."</p> }.into_any(),
        Some(r) if r.is_empty() => view! {
            <p class="warning" data-testid="method-no-rules">"No binding rule names this method: a sign-in with it gets no role and no policy, and Nomad refuses it."</p>
        }.into_any(),
        Some(r) => view! {
            <ul data-testid="method-rules">{r.into_iter().map(|r| view! {
                <li><code class="small">{r.id}</code> " " {if r.description.is_empty() { String::new() } else { r.description }}</li>
            }).collect_view()}</ul>
        }.into_any(),
    }
}

/// A confirmation naming the method and its binding rules, then a real form (works
/// without JavaScript).
#[component]
fn DeletePanel(m: MethodDetail, deletion: Deletion<DeleteAuthMethod>) -> impl IntoView {
    let name = m.settings.name.clone();
    let rules = match &m.rules {
        None => "Its binding rules could not be checked: listing them needs a management token.".to_string(),
        Some(r) if r.is_empty() => "No binding rule names it.".to_string(),
        Some(r) => format!(
            "{} binding rule(s) name it. Nomad keeps them, and they match nothing until a method with this name exists again.",
            r.len()
        ),
    };
    view! {
        <ConfirmDelete deletion kind="auth method" name=name.clone() fields=vec![("name", name)] testid="delete-method">
            <p>"Nobody can sign in with it any more. Tokens it already created keep working until they expire."</p>
            <p data-testid="delete-rules">{rules}</p>
        </ConfirmDelete>
    }
}
