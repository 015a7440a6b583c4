//! Namespaces: the list, one namespace with who can do what in it, the editor.

pub mod detail;
pub mod edit;
pub mod list;

use leptos::prelude::*;

/// The names of the namespaces the token may see, for suggestions; `None` until the
/// browser fetched them. Fetched by an effect, so it never holds up (or changes) the
/// server-rendered page: suggestions are a help, not part of what the page says.
pub fn use_namespace_names() -> ReadSignal<Option<Vec<String>>> {
    let (names, set_names) = signal(None);
    Effect::new(move |_| {
        leptos::task::spawn_local(async move {
            if let Ok(list) = crate::api::namespaces::namespace_names().await {
                set_names.set(Some(list));
            }
        });
    });
    names
}

/// A `<datalist>` of `names` for inputs that take a namespace (`list=id`).
#[component]
pub fn NamespaceDatalist(#[prop(into)] id: String, names: ReadSignal<Option<Vec<String>>>) -> impl IntoView {
    view! {
        <datalist id=id>
            {move || names.get().unwrap_or_default().into_iter().map(|n| view! { <option value=n.clone()></option> }).collect_view()}
        </datalist>
    }
}
