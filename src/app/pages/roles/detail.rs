use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::PolicyTags;
use crate::api::live::Kind;
use crate::api::roles::{cli_create, get_role, href, shell_quote, DeleteRole, RoleDetail, RoleToken};
use crate::app::components::confirm_delete::{ConfirmDelete, Deletion};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::error_panel;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::{Expiry, RelativeTime};
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;

/// `/roles/:id`: every field, the policies, the tokens that carry the role, the CLI
/// commands; Edit and Delete (`?delete=1` opens the confirmation, as the list links).
#[component]
pub fn RoleDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let saved = Memo::new(move |_| query.with(|q| q.get("saved").is_some()));
    let deletion = Deletion::<DeleteRole>::for_page();
    let live = use_live(&[Kind::Roles, Kind::Policies, Kind::Tokens]);
    let role = Resource::new(move || (id.get(), live.get()), |(id, _)| get_role(id));
    view! {
        <Loaded resource=role what="the role" list=error_panel::ROLES kind="Role" let:r>
            <Title text=format!("Role {}", r.name) />
            <Breadcrumbs trail=vec![crumb("Roles", "/roles")] current=r.name.clone() />
            <h1>"Role " <code data-testid="role-title">{r.name.clone()}</code></h1>
            {saved.get().then(|| view! { <p class="notice" role="status" data-testid="role-saved">"The role was saved."</p> })}
            <DetailView r deletion />
        </Loaded>
    }
}

#[component]
fn DetailView(r: RoleDetail, deletion: Deletion<DeleteRole>) -> impl IntoView {
    let policy_names: Vec<String> = r.policies.iter().map(|p| p.name.clone()).collect();
    let create_cli = cli_create(&r.name, &r.description, &policy_names);
    let token_cli = format!(
        "nomad acl token create -name=\"<TOKEN_NAME>\" -role-name={} -type=client -ttl=8h",
        shell_quote(&r.name)
    );
    let deleted = r.policies.iter().filter(|p| !p.exists).count();
    view! {
        <div class="page-actions">
            <a href=at(format!("{}/edit", href(&r.id))) class="button">"Edit"</a>
        </div>
        <section class="panel">
            <dl class="facts">
                <dt>"Name"</dt><dd data-testid="role-name">{r.name.clone()}</dd>
                <dt>"ID"</dt>
                <dd class="secret-row"><code data-testid="role-id">{r.id.clone()}</code> <CopyButton text=r.id.clone() label="Copy the role ID" /></dd>
                <dt>"Description"</dt>
                <dd data-testid="role-description">{if r.description.is_empty() { "(none)".to_string() } else { r.description.clone() }}</dd>
                <dt>"Policies"</dt>
                <dd data-testid="role-policies"><PolicyTags policies=r.policies.clone() /></dd>
                <dt>"Raft indexes"</dt>
                <dd class="small">{format!("created at {}, last changed at {}", r.create_index, r.modify_index)}</dd>
            </dl>
            {(deleted > 0).then(|| view! {
                <p class="warning" data-testid="deleted-policies-note">
                    {if deleted == 1 { "One of its policies was deleted: it grants nothing. ".to_string() } else { format!("{deleted} of its policies were deleted: they grant nothing. ") }}
                    "Nomad refuses to save this role until the deleted names are removed or the policies created again."
                </p>
            })}
        </section>
        <section class="panel" aria-labelledby="tokens-title">
            <h2 id="tokens-title">"Tokens that carry it"</h2>
            <TokenTable tokens=r.tokens.clone() now=r.server_now name=r.name.clone() />
        </section>
        <TestTokenSpot role_id=r.id.clone() role_name=r.name.clone() />
        <section class="panel" aria-labelledby="cli-title">
            <h2 id="cli-title">"From the Nomad CLI"</h2>
            <p>"The same role, created from the CLI:"</p>
            <p class="secret-row"><code data-testid="role-cli">{create_cli.clone()}</code> <CopyButton text=create_cli label="Copy the role command" /></p>
            <p>"A token that carries this role:"</p>
            <p class="secret-row"><code data-testid="role-token-cli">{token_cli.clone()}</code> <CopyButton text=token_cli label="Copy the token command" /></p>
        </section>
        <DeletePanel r deletion />
    }
}

/// "Create a test token": ten minutes, only this role; its page shows the secret once.
#[component]
fn TestTokenSpot(role_id: String, role_name: String) -> impl IntoView {
    use crate::app::components::test_token::{TestGrant, TestTokenButton};
    view! {
        <section class="panel" aria-labelledby="test-token-title">
            <h2 id="test-token-title">"Try it"</h2>
            <p>"A short-lived token carrying only this role: sign in with it to see what the role allows."</p>
            <TestTokenButton grant=TestGrant::Role(role_id, role_name) />
        </section>
    }
}

#[component]
fn TokenTable(tokens: Option<Vec<RoleToken>>, now: i64, name: String) -> impl IntoView {
    match tokens {
        None => view! { <p class="muted">"Listing tokens needs a management token."</p> }.into_any(),
        Some(t) if t.is_empty() => view! { <p class="muted" data-testid="role-tokens-empty">"No token carries this role."</p> }.into_any(),
        Some(t) => view! {
            <p><a href=at(format!("/tokens?role={}", percent_encode(&name, false)))>"See them in the token list"</a></p>
            <div class="table-wrap">
                <table class="data-table" data-testid="role-tokens">
                    <thead><tr>
                        <th scope="col">"Name"</th><th scope="col">"Accessor ID"</th><th scope="col">"Type"</th>
                        <th scope="col">"Created"</th><th scope="col">"Expires"</th>
                    </tr></thead>
                    <tbody>
                        {t.into_iter().map(|t| {
                            let link = format!("/tokens/{}", percent_encode(&t.accessor_id, false));
                            view! {
                                <tr data-accessor=t.accessor_id.clone()>
                                    <td data-label="Name"><a href=at(link)>{if t.name.is_empty() { "(unnamed)".to_string() } else { t.name.clone() }}</a></td>
                                    <td data-label="Accessor ID"><code class="small">{t.accessor_id.clone()}</code></td>
                                    <td data-label="Type">{t.token_type.clone()}</td>
                                    <td data-label="Created"><RelativeTime at=t.create_time now /></td>
                                    <td data-label="Expires"><Expiry expires_at=t.expires_at now /></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        }.into_any(),
    }
}

/// A confirmation naming the role and the tokens that carry it, then a real form
/// (works without JavaScript).
#[component]
fn DeletePanel(r: RoleDetail, deletion: Deletion<DeleteRole>) -> impl IntoView {
    let fields = vec![("id", r.id.clone()), ("name", r.name.clone())];
    view! {
        <ConfirmDelete deletion kind="role" name=r.name.clone() fields testid="delete-role">
            <p>"Tokens that carry a deleted role keep the link, which then grants nothing. Nomad does not tell them."</p>
            {match r.tokens.clone() {
                None => view! { <p class="warning">"The tokens could not be checked: listing tokens needs a management token."</p> }.into_any(),
                Some(t) if t.is_empty() => view! { <p data-testid="delete-no-tokens">"No token carries it."</p> }.into_any(),
                Some(t) => view! {
                    <p>{format!("{} token(s) carry it and will lose what it grants:", t.len())}</p>
                    <ul data-testid="delete-tokens">{t.into_iter().map(|t| view! {
                        <li>{if t.name.is_empty() { "(unnamed)".to_string() } else { t.name }} " " <code class="small">{t.accessor_id}</code></li>
                    }).collect_view()}</ul>
                }.into_any(),
            }}
        </ConfirmDelete>
    }
}
