//! `/tokens/:accessor`: every field of one token; edit its name, type and grants;
//! reveal its secret on demand; renew it with a new lifetime; delete it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::fields::{LifetimeFields, LifetimeState, SubmitButton};
use super::grants::{server_errors, GrantFields, GrantState};
use super::list::RoleTag;
use crate::api::live::Kind;
use crate::api::tokens::detail::{get_token, RenewToken, TokenDetail};
use crate::api::tokens::form::validate::Field;
use crate::api::tokens::form::UpdateToken;
use crate::api::tokens::lifetime::LifetimeInput;
use crate::api::tokens::secret::{take_token_secret, RevealTokenSecret, ShownSecret};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::error_panel::{self, ErrorPanel};
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::{Expiry, RelativeTime};
use crate::app::components::save_error::{changed_elsewhere, OpenedIndex, SaveError};
use crate::app::format::{absolute, percent_encode};
use crate::app::live::EditGuard;
use crate::app::region::at;

#[component]
pub fn TokenDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let accessor = Memo::new(move |_| params.with(|p| p.get("accessor").unwrap_or_default()));
    // Keyed on `saved` too: a save redirects here with the new modify index.
    let token = Resource::new(move || (accessor.get(), query.with(|q| q.get("saved"))), |(a, _)| get_token(a));
    // A secret waits only after create, renew or a no-JavaScript reveal.
    let expects_secret =
        move || query.with(|q| q.get("created").is_some() || q.get("renewed").is_some() || q.get("revealed").is_some());
    let shown = Resource::new(
        move || (accessor.get(), expects_secret()),
        |(a, expects)| async move {
            if expects {
                take_token_secret(a).await.ok().flatten()
            } else {
                None
            }
        },
    );
    let saved = move || query.with(|q| q.get("saved").is_some());
    view! {
        <Title text=move || format!("Token {}", accessor.get()) />
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the token…"</p> }>
            {move || token.get().map(|r| match r {
                Err(e) => view! {
                    <Breadcrumbs trail=vec![crumb("Tokens", "/tokens")] />
                    <h1>"Token"</h1>
                    <ErrorPanel error=e what="the token" list=error_panel::TOKENS />
                }.into_any(),
                Ok(t) => view! {
                    <TokenView token=t shown=shown.get().flatten() saved=saved() />
                }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn TokenView(token: TokenDetail, shown: Option<ShownSecret>, saved: bool) -> impl IntoView {
    let now = token.options.server_now;
    let title = if token.name.is_empty() { "(unnamed token)".to_string() } else { token.name.clone() };
    let href_self = format!("/tokens/{}", percent_encode(&token.accessor_id, false));
    view! {
        <Breadcrumbs trail=vec![crumb("Tokens", "/tokens")] current=title.clone() />
        <div class="page-head">
            <h1 data-testid="token-title">{title}
                {token.is_self.then(|| view! { " " <span class="badge you" title="The token you are signed in with">"you"</span> })}
            </h1>
            <a class="button secondary" href=at(format!("{href_self}/permissions"))>"Effective permissions"</a>
        </div>
        {saved.then(|| view! { <p class="notice" role="status" data-testid="saved">"Token saved."</p> })}
        <EditGuard kind=&[Kind::Tokens] id=token.accessor_id.clone() modify_index=token.modify_index what="token" />
        {shown.map(|s| view! { <NewSecret shown=s /> })}
        <Facts token=token.clone() now />
        <section class="panel" aria-labelledby="edit-title">
            <h2 id="edit-title">"Edit"</h2>
            <EditForm token=token.clone() />
        </section>
        <section class="panel" aria-labelledby="renew-title">
            <h2 id="renew-title">"Renew"</h2>
            <RenewForm token=token.clone() />
        </section>
        <section class="panel" aria-labelledby="cli-title">
            <h2 id="cli-title">"The same token from the command line"</h2>
            <pre class="cli" data-testid="cli"><code>{token.cli.clone()}</code></pre>
            <CopyButton text=token.cli.clone() label="Copy the command" />
        </section>
        <section class="panel danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">"Delete"</h2>
            {if token.is_self {
                view! {
                    <button type="button" class="button danger" disabled=true aria-describedby="self-delete-why">"Delete token…"</button>
                    <p id="self-delete-why" class="help" data-testid="self-delete-why">
                        "This is the token you are signed in with. Sign in with another management token to delete it."
                    </p>
                }.into_any()
            } else {
                view! {
                    <a class="button danger" data-testid="delete-token" href=at(format!("/tokens/delete?a={}", percent_encode(&token.accessor_id, false)))>"Delete token…"</a>
                    <p class="help">"You will be asked to confirm."</p>
                }.into_any()
            }}
        </section>
    }
}

/// A secret shown once: after create or renew, or a reveal without JavaScript.
#[component]
fn NewSecret(shown: ShownSecret) -> impl IntoView {
    let heading = match shown.why.as_str() {
        "created" => "Token created",
        "renewed" => "Token renewed: this is a new token with a new secret",
        _ => "Secret",
    };
    let secret = shown.secret.clone();
    view! {
        <div class="panel secret-once" role="status" data-testid="new-secret">
            <h2>{heading}</h2>
            {(!shown.note.is_empty()).then(|| view! { <p data-testid="renew-note">{shown.note.clone()}</p> })}
            <p class="secret-row">
                <code data-testid="secret-value">{secret.clone()}</code>
                <CopyButton text=secret label="Copy the secret" />
            </p>
            <p class="warning">"Store it now: this page will not show it again. You can still reveal it later with a management token."</p>
        </div>
    }
}

#[component]
fn Facts(token: TokenDetail, now: i64) -> impl IntoView {
    let reveal = ServerAction::<RevealTokenSecret>::new();
    let accessor = token.accessor_id.clone();
    let for_reveal = accessor.clone();
    let expiry_reason = "Nomad never changes a token's lifetime; renew it to get a new one.";
    view! {
        <dl class="facts" data-testid="token-facts">
            <dt>"Accessor ID"</dt>
            <dd class="secret-row"><code data-testid="accessor">{accessor.clone()}</code> <CopyButton text=accessor.clone() label="Copy the accessor ID" /></dd>
            <dt>"Secret ID"</dt>
            <dd>
                {move || {
                    let accessor = for_reveal.clone();
                    match reveal.value().get() {
                    Some(Ok(secret)) => view! {
                        <span class="secret-row">
                            <code data-testid="revealed-secret">{secret.clone()}</code>
                            <CopyButton text=secret label="Copy the secret" />
                        </span>
                    }.into_any(),
                    other => {
                        let error = match other { Some(Err(e)) => Some(e.explain()), _ => None };
                        view! {
                            <ActionForm action=reveal attr:class="inline-form">
                                <input type="hidden" name="accessor_id" value=accessor.clone() />
                                <code class="masked" aria-label="hidden">"••••••••-••••-••••-••••-••••••••••••"</code>
                                " "
                                <button type="submit" class="button small secondary" data-testid="reveal">"Reveal"</button>
                            </ActionForm>
                            {error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                        }.into_any()
                    }
                }}}
            </dd>
            <dt>"Type"</dt><dd data-testid="type">{token.token_type.clone()}</dd>
            {(!token.roles.is_empty()).then(|| view! {
                <dt>"Roles"</dt>
                <dd data-testid="roles">{token.roles.clone().into_iter().map(|role| view! { <RoleTag role /> " " }).collect_view()}</dd>
            })}
            <dt>"Global"</dt><dd>{if token.global { "Yes" } else { "No" }} <span class="muted small">" (set at creation)"</span></dd>
            <dt>"Created"</dt><dd><RelativeTime at=token.create_time now /> <span class="muted small">{format!(" ({})", absolute(token.create_time))}</span></dd>
            <dt>"Expires"</dt>
            <dd data-testid="expires">
                <Expiry expires_at=token.expires_at now />
                {token.expires_at.map(|t| view! { <span class="muted small">{format!(" ({})", absolute(t))}</span> })}
                {(!token.ttl.is_empty()).then(|| view! { <span class="muted small">{format!(" · TTL {}", token.ttl)}</span> })}
                <p class="help">{expiry_reason}</p>
            </dd>
            <dt>"Indexes"</dt><dd class="muted small">{format!("created at {}, modified at {}", token.create_index, token.modify_index)}</dd>
        </dl>
    }
}

#[component]
fn EditForm(token: TokenDetail) -> impl IntoView {
    let update = ServerAction::<UpdateToken>::new();
    let grants = GrantState::new(
        token.name.clone(),
        token.token_type.clone(),
        token.policies.iter().map(|p| p.name.clone()).collect(),
        token.roles.iter().filter(|r| r.exists).map(|r| r.id.clone()).collect(),
    );
    let attempted = RwSignal::new(false);
    let errors = server_errors(update.value());
    let other = errors.on(Field::Other);
    // Policies that no longer exist stay ticked and marked (the picker keeps them), so
    // saving does not drop them silently; links to deleted roles go, as Nomad refuses them.
    let options = token.options.clone();
    view! {
        <ActionForm action=update attr:data-testid="edit-form">
            <input type="hidden" name="accessor_id" value=token.accessor_id.clone() />
            <OpenedIndex name="modify_index" current=token.modify_index />
            <SaveError messages=other conflict=Signal::derive(move || update.value().with(changed_elsewhere))
                reload=format!("/tokens/{}", crate::links::percent_encode(&token.accessor_id, false)) />
            <div class="form">
                <GrantFields state=grants options show=attempted errors />
                <div class="form-actions">
                    <SubmitButton
                        pending=update.pending()
                        attempted
                        blocked=move || grants.has_problem()
                        label="Save token"
                        busy="Saving…"
                        testid="save-token"
                    />
                </div>
            </div>
        </ActionForm>
    }
}

#[component]
fn RenewForm(token: TokenDetail) -> impl IntoView {
    let renew = ServerAction::<RenewToken>::new();
    let lifetime = LifetimeState::new(&LifetimeInput { expiry: "8h".to_string(), ..Default::default() });
    let bounds = token.options.bounds;
    let attempted = RwSignal::new(false);
    let errors = server_errors(renew.value());
    let other = errors.on(Field::Other);
    let is_self = token.is_self;
    view! {
        <p>
            "Renewing creates a " <strong>"new token"</strong> " with the same name, type, policies, roles and locality, and the lifetime you choose. "
            <strong>"The secret changes:"</strong> " whoever uses this token must switch to the new secret."
        </p>
        <ActionForm action=renew attr:data-testid="renew-form">
            <input type="hidden" name="accessor_id" value=token.accessor_id.clone() />
            <SaveError messages=other title="Not renewed" />
            <LifetimeFields state=lifetime bounds id="renew" show=attempted server=errors.on(Field::Expiry) />
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="delete_old" value="true" checked=!is_self disabled=is_self data-testid="delete-old" />
                    " Delete the old token once the new one exists"
                </label>
                {is_self.then(|| view! { <p class="help">"The old token is kept: it is the one you are signed in with."</p> })}
            </div>
            <div class="form-actions">
                <SubmitButton
                    pending=renew.pending()
                    attempted
                    blocked=move || lifetime.problem(bounds).is_some()
                    label="Renew token"
                    busy="Renewing…"
                    testid="renew"
                />
            </div>
        </ActionForm>
    }
}
