use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::PolicyTags;
use crate::api::live::Kind;
use crate::api::roles::{href, list_roles, RoleList, RoleRow};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::ListHead;
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;
use crate::app::region::RegionField;

/// Every role with its policies and who carries it. The search and the
/// `?unused=1` filter live in the URL (a GET form), so they work without
/// JavaScript and can be shared; the overview links to `?unused=1`.
#[component]
pub fn RolesListPage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("search").unwrap_or_default().trim().to_string()));
    let unused = Memo::new(move |_| query.with(|q| q.get("unused").is_some_and(|v| v == "1")));
    let live = use_live(&[Kind::Roles, Kind::Policies, Kind::Tokens]);
    let list = Resource::new(move || live.get(), |_| list_roles());
    view! {
        <ListHead title="Roles" create_href="/roles/new".to_string() create_label="Create role" what="role" deleted_testid="role-deleted">
            "A role bundles policies under one name. A token that carries the role gets all of its policies; "
            "change the role and every such token changes with it."
        </ListHead>
        <form method="get" action="/roles" class="filters" role="search" aria-label="Search roles"><RegionField />
            <div class="field grow">
                <label for="role-search">"Search by name, description or policy"</label>
                <input type="search" id="role-search" name="search" prop:value=move || search.get() value=search.get_untracked() />
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="unused" value="1" prop:checked=move || unused.get() checked=unused.get_untracked() />
                    "Only roles no token carries"
                </label>
            </div>
            <div class="actions">
                <button type="submit" class="button secondary">"Search"</button>
                {move || (!search.get().is_empty() || unused.get()).then(|| view! { <a href=at("/roles") class="button secondary">"Clear"</a> })}
            </div>
        </form>
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading the roles…"</p> }>
            {move || list.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the roles" /> }.into_any(),
                Ok(l) => view! { <RoleTable list=l search=search.get() unused=unused.get() /> }.into_any(),
            })}
        </Transition>
    }
}

/// Whether a row passes the search (name, description, ID or a policy name,
/// case-insensitive) and, with `unused`, is carried by no token.
pub fn matches(row: &RoleRow, search: &str, unused: bool) -> bool {
    if unused && row.tokens != Some(0) {
        return false;
    }
    let s = search.trim().to_lowercase();
    s.is_empty()
        || row.name.to_lowercase().contains(&s)
        || row.description.to_lowercase().contains(&s)
        || row.id.starts_with(&s)
        || row.policies.iter().any(|p| p.name.to_lowercase().contains(&s))
}

fn count(n: Option<usize>) -> AnyView {
    match n {
        Some(n) => view! { {n} }.into_any(),
        None => view! { <span class="muted" title="Listing tokens needs a management token">"—"</span> }.into_any(),
    }
}

#[component]
fn RoleTable(list: RoleList, search: String, unused: bool) -> impl IntoView {
    let total = list.roles.len();
    if total == 0 {
        return view! {
            <div class="empty-state" data-testid="roles-empty">
                <p>"No roles yet. A role gives a set of policies one name that tokens can carry."</p>
                <a href=at("/roles/new") class="button">"Create the first role"</a>
            </div>
        }
        .into_any();
    }
    let unknown = unused && !list.tokens_visible;
    let rows: Vec<RoleRow> = list.roles.into_iter().filter(|r| matches(r, &search, unused)).collect();
    let shown = rows.len();
    let what = if unused { "unused roles" } else { "roles" };
    view! {
        {unknown.then(|| view! {
            <p class="warning">"Finding unused roles needs a management token: yours cannot list tokens."</p>
        })}
        <p class="list-count" role="status" data-testid="roles-count">
            {if shown == total { format!("{total} roles") } else { format!("{shown} of {total} roles match") }}
        </p>
        <div class="table-wrap">
            <table class="data-table" data-testid="roles-table">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Description"</th>
                        <th scope="col">"Policies"</th>
                        <th scope="col" title="Tokens that carry the role">"Tokens"</th>
                        <th scope="col" title="Expired tokens among those that carry it">"Expired"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|r| {
                        let tokens_link = format!("/tokens?role={}", percent_encode(&r.name, false));
                        let link = href(&r.id);
                        view! {
                            <tr data-role=r.name.clone() data-testid="role-row">
                                <td data-label="Name"><a href=at(link.clone())>{r.name.clone()}</a></td>
                                <td data-label="Description">{r.description.clone()}</td>
                                <td data-label="Policies"><PolicyTags policies=r.policies.clone() /></td>
                                <td data-label="Tokens">{match r.tokens {
                                    Some(n) if n > 0 => view! { <a href=at(tokens_link)>{n}</a> }.into_any(),
                                    other => count(other),
                                }}</td>
                                <td data-label="Expired">{match r.expired {
                                    Some(n) if n > 0 => view! { <span class="expired">{format!("{n} expired")}</span> }.into_any(),
                                    other => count(other),
                                }}</td>
                                <td data-label="Actions" class="row-actions">
                                    <a href=at(format!("{link}/edit")) aria-label=format!("Edit role {}", r.name)>"Edit"</a>
                                    " · "
                                    <a href=at(format!("{link}?delete=1#delete")) aria-label=format!("Delete role {}", r.name)>"Delete…"</a>
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {(shown == 0).then(|| view! {
            <p class="empty-state" data-testid="roles-none-match">{format!("No {what} match.")}</p>
        })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::matches;
    use crate::api::roles::{PolicyLink, RoleRow};

    fn row(name: &str, tokens: Option<usize>) -> RoleRow {
        RoleRow {
            id: "4f1c-id".into(),
            name: name.into(),
            description: "On-call Engineers".into(),
            policies: vec![PolicyLink { name: "ops-read".into(), exists: true }],
            tokens,
            expired: tokens.map(|_| 0),
        }
    }

    #[test]
    fn search_looks_at_name_description_id_and_policies() {
        let r = row("oncall", Some(1));
        assert!(matches(&r, "", false));
        assert!(matches(&r, "ONCALL", false));
        assert!(matches(&r, "engineers", false));
        assert!(matches(&r, "4f1c", false));
        assert!(matches(&r, "ops-read", false));
        assert!(!matches(&r, "nothing", false));
    }

    #[test]
    fn unused_keeps_only_roles_no_token_carries() {
        assert!(!matches(&row("used", Some(2)), "", true));
        assert!(matches(&row("idle", Some(0)), "", true));
        // Unknown counts (no token list) are not claimed unused.
        assert!(!matches(&row("unknown", None), "", true));
    }
}
