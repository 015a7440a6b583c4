//! Where a replicated object lives, said on its editor in a federation.

use leptos::prelude::*;

use crate::api::session::get_session_info;

/// "`what` is saved in the authoritative region (north) and replicated to every region",
/// shown only in a federation. Asked by the browser after the page loaded.
#[component]
pub fn ReplicatedNote(what: &'static str) -> impl IntoView {
    let info = LocalResource::new(get_session_info);
    move || {
        let info = info.get().and_then(Result::ok).flatten().filter(|i| !i.regions.is_empty())?;
        let at = info.authoritative.map(|a| format!(" ({a})")).unwrap_or_default();
        Some(view! {
            <p class="muted" data-testid="replicated-note">
                {format!("{what} is saved in the authoritative region{at} and replicated to every region.")}
            </p>
        })
    }
}
