//! The load-then-show step of every page that reads from Nomad.

use leptos::prelude::*;
use serde::{de::DeserializeOwned, Serialize};

use crate::api::error::ApiError;
use crate::app::components::error_panel::{ErrorPanel, ListLink};

/// "Loading the roles…" until `resource` first answers, then its value through
/// `children`, or the error panel. A later reload (a live update) keeps showing the
/// last answer until the new one arrives.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, ApiError>>,
    /// What is loading, as a reader says it: "the roles".
    what: &'static str,
    /// The list a missing object belongs to, offered as the way back.
    #[prop(optional)]
    list: Option<ListLink>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    view! {
        <Transition fallback=move || view! { <p class="loading" role="status">{format!("Loading {what}…")}</p> }>
            {move || resource.get().map(|r| match r {
                Err(e) => match list {
                    Some(list) => view! { <ErrorPanel error=e what=what list /> }.into_any(),
                    None => view! { <ErrorPanel error=e what=what /> }.into_any(),
                },
                Ok(v) => children(v).into_any(),
            })}
        </Transition>
    }
}
