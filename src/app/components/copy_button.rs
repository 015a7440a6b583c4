use leptos::prelude::*;

use super::toast::use_toasts;
#[cfg(feature = "hydrate")]
use super::toast::ToastKind;

/// Copies `text` to the clipboard. Rendered disabled on the server: it only
/// works once the page is hydrated.
#[component]
pub fn CopyButton(#[prop(into)] text: Signal<String>, #[prop(into)] label: String) -> impl IntoView {
    let copied = RwSignal::new(false);
    let toasts = use_toasts();
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    let label_attr = label.clone();
    let copy = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let value = text.get_untracked();
            if let Some(w) = web_sys::window() {
                let promise = w.navigator().clipboard().write_text(&value);
                let label = label.clone();
                leptos::task::spawn_local(async move {
                    let ok = wasm_bindgen_futures::JsFuture::from(promise).await.is_ok();
                    if let Some(t) = toasts {
                        if ok {
                            t.show(ToastKind::Success, "Copied to the clipboard.");
                        } else {
                            t.show(ToastKind::Failure, format!("Could not copy ({label}): the browser refused."));
                        }
                    }
                    if ok {
                        copied.set(true);
                        set_timeout(move || copied.set(false), std::time::Duration::from_secs(2));
                    }
                });
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (&text, &toasts);
    };
    view! {
        <button
            type="button"
            class="button small secondary"
            aria-label=label_attr
            disabled=move || !hydrated.get()
            on:click=copy
        >
            {move || if copied.get() { "Copied" } else { "Copy" }}
        </button>
    }
}
