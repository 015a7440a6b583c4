use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::href;
use crate::api::live::Kind;
use crate::api::policies::{get_policy, urlencoding_path, DeletePolicy, PolicyDetail};
use crate::app::components::confirm_delete::{ConfirmDelete, Deletion};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::error_panel;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::policy_preview::PolicyPreview;
use crate::app::live::use_live;
use crate::app::region::at;
use crate::links::percent_encode;

/// `/policies/:name`: the policy, its rules, who uses it; Edit and Delete.
#[component]
pub fn PolicyDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let saved = Memo::new(move |_| query.with(|q| q.get("saved").is_some()));
    let deletion = Deletion::<DeletePolicy>::for_page();
    let live = use_live(&[Kind::Policies, Kind::Roles, Kind::Tokens]);
    let policy = Resource::new(move || (name.get(), live.get()), |(name, _)| get_policy(name));
    view! {
        <Title text=move || format!("Policy {}", name.get()) />
        <Breadcrumbs trail=vec![crumb("Policies", "/policies")] current=Signal::derive(move || name.get()) />
        <h1>"Policy " <code>{move || name.get()}</code></h1>
        {move || saved.get().then(|| view! { <p class="notice" role="status" data-testid="policy-saved">"The policy was saved."</p> })}
        <Loaded resource=policy what="the policy" list=error_panel::POLICIES let:p>
            <DetailView p deletion />
        </Loaded>
    }
}

#[component]
fn DetailView(p: PolicyDetail, deletion: Deletion<DeletePolicy>) -> impl IntoView {
    let cli = format!("nomad acl token create -name=\"test-{0}\" -policy=\"{0}\" -type=client -ttl=10m", p.name);
    view! {
        <div class="page-actions">
            <a href=at(format!("{}/edit", href(&p.name))) class="button">"Edit"</a>
        </div>
        <section class="panel">
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="policy-name">{p.name.clone()}</dd>
                <dt>"Description"</dt>
                <dd data-testid="policy-description">{if p.description.is_empty() { "(none)".to_string() } else { p.description.clone() }}</dd>
            </dl>
            <h2>"Rules"</h2>
            {if p.rules.trim().is_empty() {
                view! { <p class="muted">"No rules: this policy grants nothing."</p> }.into_any()
            } else {
                view! { <pre class="rules" data-testid="policy-rules"><code>{p.rules.clone()}</code></pre> }.into_any()
            }}
        </section>
        <PolicyPreview rules=Signal::stored(p.rules.clone()) />
        <section class="panel" aria-labelledby="users-title">
            <h2 id="users-title">"Who uses it"</h2>
            <h3>"Roles that include it"</h3>
            <UserList roles=true p=p.clone() />
            <h3>"Tokens that carry it directly"</h3>
            <UserList roles=false p=p.clone() />
            <h3>"Try it"</h3>
            <p>"A short-lived token with only this policy: its secret is shown once, on its page."</p>
            <crate::app::components::test_token::TestTokenButton grant=crate::app::components::test_token::TestGrant::Policy(p.name.clone()) />
            <p>"The same from the CLI:"</p>
            <p class="secret-row"><code data-testid="policy-cli">{cli.clone()}</code> <CopyButton text=cli label="Copy the command" /></p>
        </section>
        <DeletePanel p deletion />
    }
}

#[component]
fn UserList(roles: bool, p: PolicyDetail) -> impl IntoView {
    if roles {
        match p.roles {
            None => view! { <p class="muted">"Your token cannot list roles."</p> }.into_any(),
            Some(r) if r.is_empty() => view! { <p class="muted">"None"</p> }.into_any(),
            Some(r) => view! {
                <ul data-testid="policy-roles">
                    {r.into_iter().map(|r| view! { <li><a href=at(format!("/roles/{}", percent_encode(&r.id, false)))>{r.name}</a></li> }).collect_view()}
                </ul>
            }
            .into_any(),
        }
    } else {
        match p.tokens {
            None => view! { <p class="muted">"Listing tokens needs a management token."</p> }.into_any(),
            Some(t) if t.is_empty() => view! { <p class="muted">"None"</p> }.into_any(),
            Some(t) => view! {
                <p><a href=at(format!("/tokens?policy={}", urlencoding_path(&p.name)))>"See them in the token list"</a></p>
                <ul data-testid="policy-tokens">
                    {t.into_iter().map(|t| view! {
                        <li>
                            <a href=at(format!("/tokens/{}", percent_encode(&t.accessor_id, false)))>
                                {if t.name.is_empty() { "(unnamed)".to_string() } else { t.name }}
                            </a>
                            " " <code class="small">{t.accessor_id}</code>
                            {t.expired.then(|| view! { " " <span class="expired">"expired"</span> })}
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any(),
        }
    }
}

/// What deleting the policy leaves dangling.
#[component]
fn DeletePanel(p: PolicyDetail, deletion: Deletion<DeletePolicy>) -> impl IntoView {
    let name = p.name.clone();
    view! {
        <ConfirmDelete deletion kind="policy" name=name.clone() fields=vec![("name", name)] testid="delete-policy">
            <p>"Nomad does not remove a deleted policy from the roles and tokens that refer to it: they keep the name, which then grants nothing."</p>
            {match p.roles.clone() {
                None => view! { <p class="warning">"The roles could not be checked: your token cannot list them."</p> }.into_any(),
                Some(r) if r.is_empty() => view! { <p>"No role includes it."</p> }.into_any(),
                Some(r) => view! {
                    <p>"These roles will be left pointing at a missing policy:"</p>
                    <ul data-testid="delete-roles">{r.into_iter().map(|r| view! { <li>{r.name}</li> }).collect_view()}</ul>
                }.into_any(),
            }}
            {match p.tokens.clone() {
                None => view! { <p class="warning">"The tokens could not be checked: listing tokens needs a management token."</p> }.into_any(),
                Some(t) if t.is_empty() => view! { <p>"No token carries it directly."</p> }.into_any(),
                Some(t) => view! {
                    <p>"These tokens will be left pointing at a missing policy:"</p>
                    <ul data-testid="delete-tokens">{t.into_iter().map(|t| view! {
                        <li>{if t.name.is_empty() { "(unnamed)".to_string() } else { t.name }} " " <code class="small">{t.accessor_id}</code></li>
                    }).collect_view()}</ul>
                }.into_any(),
            }}
        </ConfirmDelete>
    }
}
