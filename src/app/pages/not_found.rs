use crate::app::region::at;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

/// Shown for every unknown URL, with HTTP status 404.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <section class="panel not-found">
            <h1>"Page not found"</h1>
            <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
            <p><A href=at("/")>"Go to the overview"</A></p>
        </section>
    }
}
