use leptos::prelude::*;

/// Copies `text` to the clipboard. Rendered disabled on the server: it only
/// works once the page is hydrated.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let value = text.get_untracked();
            if let Some(w) = web_sys::window() {
                let _ = w.navigator().clipboard().write_text(&value);
                copied.set(true);
                set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = &text;
    };
    view! {
        <button
            type="button"
            class="button small secondary"
            aria-label=label.clone()
            disabled=move || !hydrated.get()
            on:click=copy
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
