//! The parts every page repeats: where it sits (breadcrumbs), its head (title and
//! main action), a list's count line and its empty state.

use crate::app::region::at;
use leptos::prelude::*;

/// One step of the breadcrumb trail: its label and where it links.
pub type Crumb = (Signal<String>, Signal<String>);

/// A step that never changes.
pub fn crumb(label: &str, href: &str) -> Crumb {
    (Signal::stored(label.to_string()), Signal::stored(href.to_string()))
}

/// Where the page sits: Overview, then `trail`, then the page itself (`current`,
/// left out on pages whose object could not be loaded).
#[component]
pub fn Breadcrumbs(
    #[prop(optional)] trail: Vec<Crumb>,
    #[prop(optional, into)] current: Option<Signal<String>>,
) -> impl IntoView {
    view! {
        <nav aria-label="Breadcrumb" class="breadcrumbs">
            <a href=at("/")>"Overview"</a>
            {trail.into_iter().map(|(label, href)| view! { " / " <a href=move || at(href.get())>{move || label.get()}</a> }).collect_view()}
            {current.map(|c| view! { " / " <span aria-current="page">{move || c.get()}</span> })}
        </nav>
    }
}

/// A list page's top: its title (the document's too), the create action beside it,
/// what the list is for (`children`), and "The <what> <name> was deleted." when a
/// delete brought the user back here (`?deleted=<name>`).
#[component]
pub fn ListHead(
    #[prop(into)] title: String,
    #[prop(into)] create_href: Signal<String>,
    #[prop(into)] create_label: String,
    /// The kind of object, as a reader says it: "auth method".
    what: &'static str,
    #[prop(into)] deleted_testid: String,
    children: Children,
) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let deleted = Memo::new(move |_| query.with(|q| q.get("deleted")));
    view! {
        <leptos_meta::Title text=title.clone() />
        <Breadcrumbs current=title.clone() />
        <div class="page-head">
            <h1>{title}</h1>
            <a href=move || at(create_href.get()) class="button">{create_label}</a>
        </div>
        <p class="lead">{children()}</p>
        {move || deleted.get().map(|n| {
            let text = if n.is_empty() { format!("The {what} was deleted.") } else { format!("The {what} {n} was deleted.") };
            view! { <p class="notice" role="status" data-testid=deleted_testid.clone()>{text}</p> }
        })}
    }
}

/// `12 roles`, or `3 of 12 roles match` while a search narrows the list.
pub fn count_line(shown: usize, total: usize, noun: &str) -> String {
    if shown == total {
        format!("{total} {noun}")
    } else {
        format!("{shown} of {total} {noun} match")
    }
}

/// What a list with nothing in it says, and the way to make the first one.
#[component]
pub fn EmptyState(
    #[prop(into)] testid: String,
    #[prop(into)] text: String,
    #[prop(into)] action_href: String,
    #[prop(into)] action_label: String,
) -> impl IntoView {
    view! {
        <div class="empty-state" data-testid=testid>
            <p>{text}</p>
            <a href=at(action_href) class="button">{action_label}</a>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::count_line;

    #[test]
    fn the_count_line_says_how_many_match_only_while_searching() {
        assert_eq!(count_line(12, 12, "roles"), "12 roles");
        assert_eq!(count_line(3, 12, "roles"), "3 of 12 roles match");
    }
}
