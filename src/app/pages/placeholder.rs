use leptos::prelude::*;
use leptos_meta::Title;

/// A section whose page is not built yet: says what it will hold.
#[component]
pub fn Placeholder(title: &'static str, holds: &'static str) -> impl IntoView {
    view! {
        <Title text=title />
        <nav aria-label="Breadcrumb" class="breadcrumbs"><a href="/">"Overview"</a> " / " <span aria-current="page">{title}</span></nav>
        <section class="panel">
            <h1>{title}</h1>
            <p>{holds}</p>
            <p class="muted">"This page is being built."</p>
        </section>
    }
}
