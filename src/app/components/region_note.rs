//! Where a replicated object lives, said on its editor in a federation.

use leptos::prelude::*;

use crate::api::session::get_session_info;

/// "`what` is saved in the authoritative region (north) and replicated to every region",
/// shown only in a federation. Asked by the browser after the page loaded, from an
/// effect: a resource would hold the server-rendered form at its Suspense's fallback.
#[component]
pub fn ReplicatedNote(what: &'static str) -> impl IntoView {
    let note = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(Some(info)) = get_session_info().await {
                if !info.regions.is_empty() {
                    let at = info.authoritative.map(|a| format!(" ({a})")).unwrap_or_default();
                    note.set(Some(format!(
                        "{what} is saved in the authoritative region{at} and replicated to every region."
                    )));
                }
            }
        });
    });
    move || note.get().map(|text| view! { <p class="muted" data-testid="replicated-note">{text}</p> })
}
