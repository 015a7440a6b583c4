use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::api::permissions::{PermissionsReport, Question};
use crate::api::profile::{get_profile, Profile, RevealMySecret};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::Breadcrumbs;
use crate::app::components::relative_time::{Expiry, RelativeTime};
use crate::app::live::use_live;
use crate::app::pages::permissions::{permissions_href, profile_permissions_resource, ProfilePermissions};
use crate::app::region::at;

/// The signed-in token and where its permissions come from.
#[component]
pub fn ProfilePage() -> impl IntoView {
    let live = use_live(&[Kind::Tokens]);
    let profile = Resource::new(move || live.get(), |_| get_profile());
    let (question, permissions) = profile_permissions_resource();
    // Owned by the page, not the view: a live re-render keeps a revealed secret.
    let reveal = ServerAction::<RevealMySecret>::new();
    view! {
        <Title text="Your token" />
        <Breadcrumbs current="Profile" />
        <h1>"Your token"</h1>
        <Loaded resource=profile what="your token" let:p>
            <ProfileView p question permissions reveal />
        </Loaded>
    }
}

#[component]
fn ProfileView(
    p: Profile,
    question: Memo<Question>,
    permissions: Resource<Result<PermissionsReport, ApiError>>,
    reveal: ServerAction<RevealMySecret>,
) -> impl IntoView {
    let now = p.server_now;
    let accessor = p.accessor_id.clone();
    let management = p.token_type == "management";
    view! {
        <section class="panel">
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="profile-name">{if p.name.is_empty() { "(unnamed)".to_string() } else { p.name.clone() }}</dd>
                <dt>"Accessor ID"</dt>
                <dd class="secret-row"><code>{accessor.clone()}</code> <CopyButton text=accessor label="Copy the accessor ID" /></dd>
                <dt>"Secret ID"</dt><dd><SecretField reveal /></dd>
                <dt>"Type"</dt><dd>{p.token_type.clone()}</dd>
                <dt>"Global"</dt><dd>{if p.global { "Yes" } else { "No (this region only)" }}</dd>
                <dt>"Created"</dt><dd><RelativeTime at=p.create_time now /></dd>
                <dt>"Expires"</dt><dd><Expiry expires_at=p.expires_at now /></dd>
            </dl>
            <p><a href=at(permissions_href(&p.accessor_id)) data-testid="permissions-link">"Effective permissions of this token"</a></p>
        </section>
        <h2 id="effective-permissions">"Effective permissions"</h2>
        <ProfilePermissions question report=permissions />
        {if management {
            view! { <section class="panel"><h2>"Permissions"</h2><p>"A management token has every permission; it carries no policies or roles."</p></section> }.into_any()
        } else {
            view! {
                <section class="panel">
                    <h2>"Where your permissions come from"</h2>
                    <h3>"Policies attached directly"</h3>
                    {if p.direct_policies.is_empty() {
                        view! { <p class="muted">"None"</p> }.into_any()
                    } else {
                        view! { <ul>{p.direct_policies.iter().map(|n| view! { <li><a href=format!("#policy-{n}")>{n.clone()}</a></li> }).collect_view()}</ul> }.into_any()
                    }}
                    <h3>"Roles"</h3>
                    {if p.roles.is_empty() {
                        view! { <p class="muted">"None"</p> }.into_any()
                    } else {
                        view! {
                            <ul>
                                {p.roles.iter().map(|r| view! {
                                    <li>
                                        <strong>{r.name.clone()}</strong>
                                        {(!r.description.is_empty()).then(|| format!(" — {}", r.description))}
                                        ": "
                                        {r.policies.iter().map(|n| view! { <a class="tag" href=format!("#policy-{n}")>{n.clone()}</a> }).collect_view()}
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="panel">
                    <h2>"Policy rules"</h2>
                    {p.policies.iter().map(|pol| view! {
                        <article class="policy" id=format!("policy-{}", pol.name)>
                            <h3>{pol.name.clone()}</h3>
                            {(!pol.description.is_empty()).then(|| view! { <p class="muted">{pol.description.clone()}</p> })}
                            {match pol.rules.clone() {
                                Some(rules) => view! { <pre class="rules"><code>{rules}</code></pre> }.into_any(),
                                None => view! { <p class="deleted">"This policy does not exist (deleted): it grants nothing."</p> }.into_any(),
                            }}
                        </article>
                    }).collect_view()}
                </section>
            }.into_any()
        }}
    }
}

/// Masked until the user asks; the secret is fetched only then (a POST).
#[component]
fn SecretField(reveal: ServerAction<RevealMySecret>) -> impl IntoView {
    let secret = Signal::derive(move || reveal.value().get().and_then(|r| r.ok()).unwrap_or_default());
    view! {
        {move || match reveal.value().get() {
            Some(Ok(s)) => view! {
                <span class="secret-row">
                    <code data-testid="revealed-secret">{s}</code>
                    <CopyButton text=secret label="Copy the secret ID" />
                </span>
            }.into_any(),
            Some(Err(e)) => view! { <span class="field-error">{e.explain()}</span> }.into_any(),
            None => view! {
                <span class="secret-row">
                    <code aria-label="hidden secret">"••••••••-••••-••••-••••-••••••••••••"</code>
                    <button type="button" class="button small secondary" on:click=move |_| { reveal.dispatch(RevealMySecret {}); }>
                        "Reveal"
                    </button>
                </span>
            }.into_any(),
        }}
    }
}
