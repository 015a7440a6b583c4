use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::href;
use crate::api::live::Kind;
use crate::api::overview::MissingPolicy;
use crate::api::policies::{list_policies, urlencoding_path, PolicyList, PolicyRow};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{
    count_or_dash, Column, DataTable, EmptyState, FilterForm, ListCount, ListHead, NoneMatch, RowActions,
};
use crate::app::live::use_live;
use crate::app::region::at;

/// Every policy with who uses it; a GET search form; `?missing=1` lists the names
/// that tokens and roles refer to but that do not exist.
#[component]
pub fn PoliciesListPage() -> impl IntoView {
    let query = use_query_map();
    let search = Memo::new(move |_| query.with(|q| q.get("search").unwrap_or_default().trim().to_string()));
    let missing_only = Memo::new(move |_| query.with(|q| q.get("missing").is_some_and(|v| v == "1")));
    let live = use_live(&[Kind::Policies, Kind::Roles, Kind::Tokens]);
    let list = Resource::new(move || live.get(), |_| list_policies());
    view! {
        <ListHead title="Policies" create_href="/policies/new".to_string() create_label="Create policy" what="policy" deleted_testid="policy-deleted">
            "A policy is a named set of rules. Tokens carry policies directly or through roles; "
            "a name that no longer exists grants nothing."
        </ListHead>
        <FilterForm action="/policies" aria_label="Search policies" active=Signal::derive(move || !search.get().is_empty())>
            <div class="field grow">
                <label for="policy-search">"Search by name or description"</label>
                <input type="search" id="policy-search" name="search" prop:value=move || search.get() value=search.get_untracked() />
            </div>
        </FilterForm>
        <Loaded resource=list what="the policies" let:l>
            {if missing_only.get() {
                view! { <MissingList list=l /> }.into_any()
            } else {
                view! { <PolicyTable list=l search=search.get() /> }.into_any()
            }}
        </Loaded>
    }
}

fn matches(row: &PolicyRow, search: &str) -> bool {
    let s = search.to_lowercase();
    s.is_empty() || row.name.to_lowercase().contains(&s) || row.description.to_lowercase().contains(&s)
}

/// Why a count shows as a dash.
const COUNT_NEEDS: &str = "Needs a management token";

const COLUMNS: &[Column] = &[
    Column::plain("Name"),
    Column::plain("Description"),
    Column::titled("Tokens", "Tokens that carry the policy directly"),
    Column::titled("Roles", "Roles that include the policy"),
    Column::titled("Expired tokens", "Expired tokens among those that carry it directly"),
];

#[component]
fn PolicyTable(list: PolicyList, search: String) -> impl IntoView {
    let total = list.policies.len();
    let rows: Vec<PolicyRow> = list.policies.into_iter().filter(|r| matches(r, &search)).collect();
    let shown = rows.len();
    let missing = list.missing.as_ref().map(|m| m.len()).unwrap_or(0);
    if total == 0 {
        return view! {
            <EmptyState testid="policies-empty" text="No policies yet. Policies grant rights to tokens and roles."
                action_href="/policies/new" action_label="Create the first policy" />
        }
        .into_any();
    }
    view! {
        <ListCount shown total noun=("policy", "policies") testid="policies-count">
            {(missing > 0).then(|| view! { " · " <a href=at("/policies?missing=1")>{format!("{missing} missing but still referenced")}</a> })}
        </ListCount>
        <DataTable testid="policies-table" columns=COLUMNS actions=true>
            {rows.into_iter().map(|r| {
                let tokens_link = format!("/tokens?policy={}", urlencoding_path(&r.name));
                let link = href(&r.name);
                view! {
                    <tr data-policy=r.name.clone()>
                        <td data-label="Name"><a href=at(link.clone())>{r.name.clone()}</a></td>
                        <td data-label="Description">{r.description.clone()}</td>
                        <td data-label="Tokens">{match r.tokens {
                            Some(n) if n > 0 => view! { <a href=at(tokens_link)>{n}</a> }.into_any(),
                            other => count_or_dash(other, COUNT_NEEDS),
                        }}</td>
                        <td data-label="Roles">{count_or_dash(r.roles, COUNT_NEEDS)}</td>
                        <td data-label="Expired tokens">{match r.expired {
                            Some(n) if n > 0 => view! { <span class="expired">{n}</span> }.into_any(),
                            other => count_or_dash(other, COUNT_NEEDS),
                        }}</td>
                        <RowActions href=link kind="policy" name=r.name.clone() />
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {(shown == 0).then(|| view! { <NoneMatch testid="policies-none-match" text="No policy matches this search." /> })}
    }
    .into_any()
}

#[component]
fn MissingList(list: PolicyList) -> impl IntoView {
    view! {
        <section class="panel" aria-labelledby="missing-title">
            <h2 id="missing-title">"Missing policies still referenced"</h2>
            <p><a href=at("/policies")>"Back to all policies"</a></p>
            {match list.missing {
                None => view! {
                    <p class="muted">"Finding missing policies needs a management token: yours cannot list every token and role."</p>
                }.into_any(),
                Some(m) if m.is_empty() => view! { <p>"Every policy that a token or role refers to exists."</p> }.into_any(),
                Some(m) => view! {
                    <p>"Tokens and roles refer to these names, but no such policy exists: they grant nothing. Create the policy again, or remove the reference."</p>
                    <ul data-testid="missing-policies">
                        {m.into_iter().map(|MissingPolicy { name, tokens, roles }| view! {
                            <li>
                                <code>{name.clone()}</code>
                                {format!(": {tokens} token(s), {roles} role(s) · ")}
                                <a href=at(format!("/policies/new?name={}", urlencoding_path(&name)))>"Create it"</a>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
}
