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

/// A confirmation's state: whether it is open, and the delete action with its
/// answer. The page makes it above the part a live update re-renders, so a change
/// elsewhere neither closes an open confirmation nor drops a refusal.
pub struct Deletion<F>
where
    F: ServerFn<Error = ApiError> + Send + Sync + 'static,
    F::Output: Send + Sync + 'static,
{
    open: RwSignal<bool>,
    action: ServerAction<F>,
}

impl<F> Clone for Deletion<F>
where
    F: ServerFn<Error = ApiError> + Send + Sync + 'static,
    F::Output: Send + Sync + 'static,
{
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Deletion<F>
where
    F: ServerFn<Error = ApiError> + Send + Sync + 'static,
    F::Output: Send + Sync + 'static,
{
}

impl<F> Deletion<F>
where
    F: DeserializeOwned + ServerFn<Output = (), Error = ApiError> + Clone + Send + Sync + 'static,
{
    /// Open when the page is asked to (`?delete=1`, as the lists' Delete links do) or
    /// after a refusal (a plain form's refusal comes back in the URL).
    pub fn for_page() -> Self {
        let action = ServerAction::<F>::new();
        let asked = leptos_router::hooks::use_query_map().with_untracked(|q| q.get("delete").is_some());
        let refused = move || action.value().with(|v| matches!(v, Some(Err(_))));
        let open = RwSignal::new(asked || action.value().with_untracked(|v| matches!(v, Some(Err(_)))));
        Effect::new(move |_| {
            if refused() {
                open.set(true);
            }
        });
        Deletion { open, action }
    }
}

/// "Delete…": a disclosure that names the object and what deleting it leaves behind
/// (the children), then a real form posting the deletion's action, so it works
/// without JavaScript. A refusal shows above the button.
#[component]
pub fn ConfirmDelete<F, P>(
    deletion: Deletion<F>,
    /// What the object is, in lower case: "role", "auth method", ...
    kind: &'static str,
    name: String,
    #[prop(optional)] name_style: NameStyle,
    /// The hidden fields the server function takes, as (name, value).
    fields: Vec<(&'static str, String)>,
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
    let Deletion { open, action } = deletion;
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
            open=move || open.get()
            on:toggle=move |ev| open.set(event_target::<leptos::web_sys::Element>(&ev).has_attribute("open"))
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
