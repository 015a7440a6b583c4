//! The question a sign-in link asks a browser that is already signed in: a link
//! could be an attacker's, made to switch the victim to the attacker's identity.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::api::session::get_session_info;
use crate::app::region::at;

/// Shown on `/sign-in?switch=1`: who is signed in now, and a form that posts the
/// waiting one-time token (kept in a sealed cookie, never in the page).
#[component]
pub fn SwitchPrompt() -> impl IntoView {
    let query = use_query_map();
    let asked = query.with_untracked(|q| q.get("switch").is_some());
    let session = Resource::new(|| (), |_| get_session_info());
    asked.then(|| {
        view! {
            <Suspense fallback=|| ()>
                {move || session.get().and_then(|s| s.ok().flatten()).map(|s| view! {
                    <section class="notice switch" role="alert" data-testid="switch-prompt">
                        <h2>"Sign in as someone else?"</h2>
                        <p>
                            "You opened a sign-in link while signed in as "
                            <strong data-testid="switch-current">{s.name.clone()}</strong>
                            " (" <code>{s.accessor_id.clone()}</code> "). Signing in with the link's token ends this "
                            "session. Only continue if you made the link yourself."
                        </p>
                        <form method="post" action="/sign-in/one-time" class="form-actions">
                            <button type="submit" class="button">"Sign in with the link's token"</button>
                            <a class="button secondary" href=at("/")>{format!("Stay signed in as {}", s.name)}</a>
                        </form>
                    </section>
                })}
            </Suspense>
        }
    })
}
