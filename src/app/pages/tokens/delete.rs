//! `/tokens/delete?a=<accessor>&a=…` (or `?expired=1`): the confirmation before
//! deleting tokens, naming each one. Without JavaScript the form posts once and the
//! server deletes them all; with it, the page deletes in small batches and shows
//! progress, then reports each failure.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tokens::delete::{get_delete_plan, DeletePlan, DeleteReport};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::Expiry;
use crate::app::format::percent_encode;
use crate::app::region::at;

/// Tokens deleted per call: small enough for visible progress, large enough to be quick.
const BATCH: usize = 5;

#[component]
pub fn TokensDeletePage() -> impl IntoView {
    let query = use_query_map();
    let asked = Memo::new(move |_| {
        query.with(|q| (q.get_all("a").unwrap_or_default(), q.get("expired").is_some_and(|v| v == "1")))
    });
    let plan = Resource::new(move || asked.get(), |(a, expired)| get_delete_plan(a, expired));
    // A refused no-JavaScript delete comes back here with Nomad's reasons.
    let refused = move || query.with(|q| q.get("__err"));
    view! {
        <Title text="Delete tokens" />
        <Breadcrumbs trail=vec![crumb("Tokens", "/tokens")] current="Delete" />
        <h1>{move || if asked.get().1 { "Delete all expired tokens" } else { "Delete tokens" }}</h1>
        {move || refused().map(|e| view! {
            <div class="error-panel" role="alert" data-testid="delete-refused">
                <strong>"Some tokens were not deleted"</strong>
                <p>{serde_json::from_str::<crate::api::error::ApiError>(&e).map(|e| e.explain()).unwrap_or(e)}</p>
            </div>
        })}
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the tokens…"</p> }>
            {move || plan.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the tokens" /> }.into_any(),
                Ok(p) => view! { <Confirm plan=p /> }.into_any(),
            })}
        </Suspense>
    }
}

#[component]
fn Confirm(plan: DeletePlan) -> impl IntoView {
    let now = plan.server_now;
    let total = plan.tokens.len();
    let accessors: Vec<String> = plan.tokens.iter().map(|t| t.accessor_id.clone()).collect();
    let names: std::collections::HashMap<String, String> =
        plan.tokens.iter().map(|t| (t.accessor_id.clone(), display_name(&t.name))).collect();
    let done = RwSignal::new(0usize);
    let running = RwSignal::new(false);
    let report = RwSignal::new(None::<DeleteReport>);
    let url = <crate::api::tokens::delete::DeleteTokens as leptos::server_fn::ServerFn>::url();
    let run = {
        let accessors = accessors.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if running.get_untracked() {
                return;
            }
            running.set(true);
            let accessors = accessors.clone();
            leptos::task::spawn_local(async move {
                let mut all = DeleteReport::default();
                for chunk in accessors.chunks(BATCH) {
                    match crate::api::tokens::delete::delete_tokens(chunk.to_vec()).await {
                        Ok(r) => {
                            all.deleted.extend(r.deleted);
                            all.failed.extend(r.failed);
                        }
                        Err(e) => all.failed.extend(chunk.iter().map(|a| (a.clone(), e.explain()))),
                    }
                    done.set(all.deleted.len() + all.failed.len());
                }
                running.set(false);
                report.set(Some(all));
            });
        }
    };
    if total == 0 {
        return view! {
            <div class="panel empty-state" data-testid="nothing-to-delete">
                <p>"There is nothing to delete."</p>
                {plan.kept_self.then(|| view! { <p class="help">"The token you are signed in with is never deleted here."</p> })}
                <a href=at("/tokens")>"Back to the tokens"</a>
            </div>
        }
        .into_any();
    }
    view! {
        <p data-testid="delete-summary">
            {format!("These {total} token{} will be deleted. Whoever uses them loses access at once; this cannot be undone.", if total == 1 { "" } else { "s" })}
        </p>
        {plan.kept_self.then(|| view! {
            <p class="notice" data-testid="kept-self">"The token you are signed in with is not in the list: the console does not delete it."</p>
        })}
        {(!plan.missing.is_empty()).then(|| view! {
            <p class="notice">{format!("{} no longer exist{}: {}", plan.missing.len(), if plan.missing.len() == 1 { "s" } else { "" }, plan.missing.join(", "))}</p>
        })}
        <ul class="doomed" data-testid="doomed">
            {plan.tokens.iter().map(|t| view! {
                <li data-accessor=t.accessor_id.clone()>
                    <a href=at(format!("/tokens/{}", percent_encode(&t.accessor_id, false)))>{display_name(&t.name)}</a>
                    " " <code class="small">{t.accessor_id.clone()}</code>
                    " · " {t.token_type.clone()} " · expires " <Expiry expires_at=t.expires_at now />
                </li>
            }).collect_view()}
        </ul>
        <form method="post" action=url on:submit=run>
            {accessors.iter().map(|a| view! { <input type="hidden" name="accessors[]" value=a.clone() /> }).collect_view()}
            <div class="form-actions">
                <button type="submit" class="button danger" data-testid="confirm-delete" disabled=move || running.get() || report.with(Option::is_some)>
                    {format!("Delete {total} token{}", if total == 1 { "" } else { "s" })}
                </button>
                <a class="button secondary" href=at("/tokens")>"Cancel"</a>
            </div>
        </form>
        <div aria-live="polite">
            {move || (running.get() || report.with(Option::is_some)).then(|| view! {
                <p data-testid="delete-progress">
                    <progress max=total value=move || done.get()></progress>
                    {move || format!(" {} of {total} processed", done.get())}
                </p>
            })}
            {move || report.get().map(|r| {
                let names = names.clone();
                view! {
                    <div class=if r.failed.is_empty() { "notice" } else { "error-panel" } role="status" data-testid="delete-report">
                        <p>{format!("Deleted {} of {total}.", r.deleted.len())}</p>
                        {(!r.failed.is_empty()).then(|| view! {
                            <p>{format!("{} could not be deleted:", r.failed.len())}</p>
                            <ul data-testid="delete-failures">
                                {r.failed.iter().map(|(a, why)| view! {
                                    <li>{names.get(a).cloned().unwrap_or_else(|| a.clone())} " (" <code>{a.clone()}</code> "): " {why.clone()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                        <a href=at("/tokens")>"Back to the tokens"</a>
                    </div>
                }
            })}
        </div>
    }
    .into_any()
}

fn display_name(name: &str) -> String {
    if name.is_empty() {
        "(unnamed)".to_string()
    } else {
        name.to_string()
    }
}
