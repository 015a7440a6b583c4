//! The load-then-show step of every page that reads from Nomad.

use leptos::prelude::*;
use leptos_meta::Title;
use serde::{de::DeserializeOwned, Serialize};

use crate::api::error::ApiError;
use crate::app::components::error_panel::{ErrorPanel, ListLink};
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::format::capitalized;

/// "Loading the roles…" until `resource` first answers, then its value through
/// `children`, or the error panel. A later reload (a live update) keeps showing the
/// last answer until the new one arrives.
#[component]
pub fn Loaded<T, V, F>(
    resource: Resource<Result<T, ApiError>>,
    /// What is loading, as a reader says it: "the roles".
    #[prop(into)]
    what: Oco<'static, str>,
    /// The list a missing object belongs to, offered as the way back.
    #[prop(optional)]
    list: Option<ListLink>,
    /// On an object's own page, what the object is ("Role"): a failed load still
    /// gets the page's title, heading and breadcrumbs back to `list`.
    #[prop(optional)]
    kind: Option<&'static str>,
    children: F,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    F: Fn(T) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let loading = format!("Loading {what}…");
    view! {
        <Transition fallback=move || view! { <p class="loading" role="status">{loading.clone()}</p> }>
            {move || resource.get().map(|r| match r {
                Err(e) => {
                    let head = kind.map(|kind| {
                        let trail = list.map(|l| vec![crumb(&capitalized(l.label), l.href)]).unwrap_or_default();
                        view! { <Title text=kind /> <Breadcrumbs trail /> <h1>{kind}</h1> }
                    });
                    let what = what.to_string();
                    let panel = match list {
                        Some(list) => view! { <ErrorPanel error=e what list /> }.into_any(),
                        None => view! { <ErrorPanel error=e what /> }.into_any(),
                    };
                    view! { {head} {panel} }.into_any()
                }
                Ok(v) => children(v).into_any(),
            })}
        </Transition>
    }
}
