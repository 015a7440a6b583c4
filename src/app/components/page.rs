//! The parts every page repeats: where it sits (breadcrumbs), its head (title and
//! main action), and a list's filters, count line, table, row actions and empty states.

use crate::app::region::{at, RegionField};
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

/// `12 roles` (`1 role`), or `3 of 12 roles match` while a search narrows the list.
/// `noun` is the kind in the singular and the plural.
pub fn count_line(shown: usize, total: usize, noun: (&str, &str)) -> String {
    let counted = if total == 1 { noun.0 } else { noun.1 };
    match (shown == total, shown == 1) {
        (true, _) => format!("{total} {counted}"),
        (false, true) => format!("1 of {total} {counted} matches"),
        (false, false) => format!("{shown} of {total} {counted} match"),
    }
}

/// A count the signed-in token may not be allowed to make: the number, or a dash
/// whose tooltip says what counting it needs.
pub fn count_or_dash(n: Option<usize>, needs: &'static str) -> AnyView {
    match n {
        Some(n) => view! { {n} }.into_any(),
        None => view! { <span class="muted" title=needs>"—"</span> }.into_any(),
    }
}

/// What a list with nothing in it says, and the way to make the first one (or,
/// in `children`, what to do first when that cannot be made yet).
#[component]
pub fn EmptyState(
    #[prop(into)] testid: String,
    #[prop(into)] text: String,
    #[prop(optional, into)] action_href: Option<String>,
    #[prop(optional, into)] action_label: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let action = action_href.zip(action_label);
    view! {
        <div class="empty-state" data-testid=testid>
            <p>{text}</p>
            {action.map(|(href, label)| view! { <a href=at(href) class="button">{label}</a> })}
            {children.map(|c| c())}
        </div>
    }
}

/// A column of a list table: its heading and, when the heading needs it, a tooltip
/// saying what it counts.
#[derive(Clone, Copy)]
pub struct Column(pub &'static str, pub Option<&'static str>);

impl Column {
    pub const fn plain(label: &'static str) -> Self {
        Column(label, None)
    }
    pub const fn titled(label: &'static str, title: &'static str) -> Self {
        Column(label, Some(title))
    }
}

/// A list's table: the headings, then the rows (`children`), in a wrapper that
/// scrolls sideways on narrow screens. `actions` adds a last column for the row's
/// Edit and Delete links, named for screen readers only.
#[component]
pub fn DataTable(
    testid: &'static str,
    columns: &'static [Column],
    #[prop(optional)] actions: bool,
    children: Children,
) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="data-table" data-testid=testid>
                <thead>
                    <tr>
                        {columns.iter().map(|Column(label, title)| view! { <th scope="col" title=*title>{*label}</th> }).collect_view()}
                        {actions.then(|| view! { <th scope="col"><span class="visually-hidden">"Actions"</span></th> })}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}

/// A row's "Edit · Delete…" links; Delete goes to the object's page with its
/// confirmation open. `href` is the object's page, `kind` and `name` label the links.
#[component]
pub fn RowActions(href: String, kind: &'static str, #[prop(into)] name: String) -> impl IntoView {
    view! {
        <td data-label="Actions" class="row-actions">
            <a href=at(format!("{href}/edit")) aria-label=format!("Edit {kind} {name}")>"Edit"</a>
            " · "
            <a href=at(format!("{href}?delete=1#delete")) aria-label=format!("Delete {kind} {name}")>"Delete…"</a>
        </td>
    }
}

/// The line above a list: how many, or how many match; `children` follow it
/// (a link to a related filter).
#[component]
pub fn ListCount(
    shown: usize,
    total: usize,
    /// Singular and plural: `("role", "roles")`.
    noun: (&'static str, &'static str),
    #[prop(optional)] testid: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <p class="list-count" role="status" data-testid=testid>
            {count_line(shown, total, noun)}
            {children.map(|c| c())}
        </p>
    }
}

/// Said below a list whose filters leave no row.
#[component]
pub fn NoneMatch(#[prop(into)] text: String, #[prop(optional)] testid: Option<&'static str>) -> impl IntoView {
    view! { <p class="empty-state" data-testid=testid>{text}</p> }
}

/// A list's filters: a GET form to the list's own path, so they work without
/// JavaScript and a link keeps them. `children` are the fields; "Clear" shows while
/// any filter is `active`.
#[component]
pub fn FilterForm(
    action: &'static str,
    /// The form's accessible name: "Search roles".
    aria_label: &'static str,
    /// The submit button: "Search", "Filter".
    #[prop(optional)]
    submit: Option<&'static str>,
    #[prop(into)] active: Signal<bool>,
    children: Children,
) -> impl IntoView {
    view! {
        <form method="get" action=action class="filters" role="search" aria-label=aria_label>
            <RegionField />
            {children()}
            <div class="actions">
                <button type="submit" class="button secondary">{submit.unwrap_or("Search")}</button>
                {move || active.get().then(|| view! { <a href=at(action) class="button secondary">"Clear"</a> })}
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::count_line;

    #[test]
    fn the_count_line_says_how_many_match_only_while_searching() {
        let roles = ("role", "roles");
        assert_eq!(count_line(12, 12, roles), "12 roles");
        assert_eq!(count_line(3, 12, roles), "3 of 12 roles match");
        assert_eq!(count_line(1, 1, roles), "1 role");
        assert_eq!(count_line(0, 0, roles), "0 roles");
        assert_eq!(count_line(1, 12, roles), "1 of 12 roles matches");
        assert_eq!(count_line(0, 1, roles), "0 of 1 role match");
    }
}
