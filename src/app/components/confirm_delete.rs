use leptos::prelude::*;
use leptos::server_fn::{client::Client, codec::PostUrl, request::ClientReq, Http, ServerFn};
use leptos::web_sys::FormData;
use serde::de::DeserializeOwned;

use crate::api::error::ApiError;
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::format::capitalized;

/// How the heading quotes the object's name.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum NameStyle {
    /// An identifier, set as code: `Delete role ops?`
    #[default]
    Code,
    /// A description made of words, set in quotes.
    Quoted,
}

/// "Delete…": a disclosure that names the object and what deleting it leaves behind
/// (the children), then a real form posting `action`, so it works without JavaScript.
/// It opens by itself when asked to (`?confirm`) and after a refusal, which it shows
/// above the button.
#[component]
pub fn ConfirmDelete<F, P>(
    action: ServerAction<F>,
    /// What the object is, in lower case: "role", "auth method", ...
    kind: &'static str,
    name: String,
    #[prop(optional)] name_style: NameStyle,
    /// The hidden fields the server function takes, as (name, value).
    fields: Vec<(&'static str, String)>,
    #[prop(optional)] open: bool,
    testid: &'static str,
    children: Children,
) -> impl IntoView
where
    F: DeserializeOwned
        + ServerFn<Protocol = Http<PostUrl, P>, Output = (), Error = ApiError>
        + Clone
        + Send
        + Sync
        + 'static,
    F::Client: Client<ApiError>,
    <<F::Client as Client<ApiError>>::Request as ClientReq<ApiError>>::FormData: From<FormData>,
    P: Send + Sync + 'static,
{
    let toasts = use_toasts();
    let done = deleted_toast(kind);
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (action.value().get(), toasts) {
            t.show(ToastKind::Success, done.clone());
        }
    });
    let quoted = match name_style {
        NameStyle::Code => view! { <code>{name.clone()}</code> }.into_any(),
        NameStyle::Quoted => view! { <q>{name.clone()}</q> }.into_any(),
    };
    view! {
        <details
            class="panel danger-zone"
            id="delete"
            data-testid=testid
            open=move || open || action.value().with(|v| matches!(v, Some(Err(_))))
        >
            <summary class="button secondary">"Delete…"</summary>
            <h2>{format!("Delete {kind} ")} {quoted} "?"</h2>
            {children()}
            <ActionForm action>
                {fields.into_iter().map(|(field, value)| view! { <input type="hidden" name=field value=value /> }).collect_view()}
                {move || action.value().get().and_then(|r| r.err()).map(|e| view! { <p class="field-error" role="alert">{e.explain()}</p> })}
                <button type="submit" class="button danger" disabled=move || action.pending().get()>
                    {format!("Yes, delete {kind} {name}")}
                </button>
            </ActionForm>
        </details>
    }
}

/// "Role deleted", "Auth method deleted".
fn deleted_toast(kind: &str) -> String {
    if kind.is_empty() {
        return "Deleted".to_string();
    }
    format!("{} deleted", capitalized(kind))
}

#[cfg(test)]
mod tests {
    use super::deleted_toast;

    #[test]
    fn the_toast_names_the_kind_with_a_capital() {
        assert_eq!(deleted_toast("role"), "Role deleted");
        assert_eq!(deleted_toast("auth method"), "Auth method deleted");
        assert_eq!(deleted_toast(""), "Deleted");
    }
}
