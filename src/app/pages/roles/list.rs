use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::PolicyTags;
use crate::api::live::Kind;
use crate::api::roles::{href, list_roles, RoleList, RoleRow};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{
    count_or_dash, Column, DataTable, EmptyState, FilterForm, ListCount, ListHead, NoneMatch, RowActions,
};
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;

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
        <FilterForm action="/roles" aria_label="Search roles" active=Signal::derive(move || !search.get().is_empty() || unused.get())>
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
        </FilterForm>
        <Loaded resource=list what="the roles" let:l>
            <RoleTable list=l search=search.get() unused=unused.get() />
        </Loaded>
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

/// Why a count shows as a dash.
const COUNT_NEEDS: &str = "Listing tokens needs a management token";

const COLUMNS: &[Column] = &[
    Column::plain("Name"),
    Column::plain("Description"),
    Column::plain("Policies"),
    Column::titled("Tokens", "Tokens that carry the role"),
    Column::titled("Expired", "Expired tokens among those that carry it"),
];

#[component]
fn RoleTable(list: RoleList, search: String, unused: bool) -> impl IntoView {
    let total = list.roles.len();
    if total == 0 {
        return view! {
            <EmptyState testid="roles-empty" text="No roles yet. A role gives a set of policies one name that tokens can carry."
                action_href="/roles/new" action_label="Create the first role" />
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
        <ListCount shown total noun=("role", "roles") testid="roles-count" />
        <DataTable testid="roles-table" columns=COLUMNS actions=true>
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
                            other => count_or_dash(other, COUNT_NEEDS),
                        }}</td>
                        <td data-label="Expired">{match r.expired {
                            Some(n) if n > 0 => view! { <span class="expired">{format!("{n} expired")}</span> }.into_any(),
                            other => count_or_dash(other, COUNT_NEEDS),
                        }}</td>
                        <RowActions href=link kind="role" name=r.name.clone() />
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {(shown == 0).then(|| view! { <NoneMatch testid="roles-none-match" text=format!("No {what} match.") /> })}
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
