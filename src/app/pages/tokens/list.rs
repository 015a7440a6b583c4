//! `/tokens`: every token, searched, filtered, sorted and paged by the server.
//! The state lives in the URL (a GET form and links), so the page works before
//! hydration and without JavaScript, links can be shared and Back works.

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use leptos_router::params::ParamsMap;

use std::collections::HashMap;

use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::api::tokens::{get_token_page, RoleRef, TokenListParams, TokenPage, TokenRow, PER_PAGE_CHOICES};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::error_panel::ErrorPanel;
use crate::app::components::page::Breadcrumbs;
use crate::app::components::relative_time::{Expiry, RelativeTime};
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;
use crate::app::region::RegionField;
use crate::app::sync_hydrate::SyncHydrate;
use crate::nomad::error::NomadError;

/// Reads the list state from the URL's query parameters.
pub fn params_from_query(q: &ParamsMap) -> TokenListParams {
    let s = |k: &str| q.get(k).unwrap_or_default().trim().to_string();
    let n = |k: &str| q.get(k).and_then(|v| v.trim().parse::<usize>().ok()).unwrap_or(0);
    TokenListParams {
        search: s("search"),
        kind: s("type"),
        expiry: s("expiry"),
        role: s("role"),
        policy: s("policy"),
        resolves: s("resolves"),
        sort: s("sort"),
        dir: s("dir"),
        page: n("page"),
        per_page: n("per_page"),
    }
}

/// `/tokens?…` for `p`, leaving out what is empty or default.
pub fn href(p: &TokenListParams) -> String {
    let mut parts = Vec::new();
    for (k, v) in [
        ("search", p.search.as_str()),
        ("type", p.kind.as_str()),
        ("expiry", p.expiry.as_str()),
        ("role", p.role.as_str()),
        ("policy", p.policy.as_str()),
        ("resolves", p.resolves.as_str()),
        ("sort", p.sort.as_str()),
        ("dir", p.dir.as_str()),
    ] {
        if !v.is_empty() {
            parts.push(format!("{k}={}", percent_encode(v, false)));
        }
    }
    if p.per_page != 0 && p.per_page != PER_PAGE_CHOICES[0] {
        parts.push(format!("per_page={}", p.per_page));
    }
    if p.page > 1 {
        parts.push(format!("page={}", p.page));
    }
    if parts.is_empty() {
        "/tokens".to_string()
    } else {
        format!("/tokens?{}", parts.join("&"))
    }
}

#[component]
pub fn TokensListPage() -> impl IntoView {
    let query = use_query_map();
    let params = Memo::new(move |_| query.with(params_from_query));
    let live = use_live(&[Kind::Tokens, Kind::Roles, Kind::Policies]);
    let page = Resource::new(move || (params.get(), live.get()), |(p, _)| get_token_page(p));
    // Kept here, not in the table: a live update re-renders the table and the
    // filter form, and must not lose ticked rows or a half-typed search.
    let selected = RwSignal::new(Vec::<String>::new());
    let drafts = RwSignal::new(Drafts::new());
    Effect::new(move |prev: Option<TokenListParams>| {
        let now = params.get();
        if prev.is_some_and(|p| p != now) {
            selected.set(Vec::new());
            drafts.set(Drafts::new());
        }
        now
    });
    let deleted = move || query.with(|q| q.get("deleted").and_then(|n| n.parse::<usize>().ok()));
    SyncHydrate(view! {
        <Title text="Tokens" />
        <Breadcrumbs current="Tokens" />
        <div class="page-head">
            <h1>"Tokens"</h1>
            <div class="actions">
                <a href=at("/tokens/delete?expired=1") class="button secondary" data-testid="delete-expired">"Delete all expired…"</a>
                <a href=at("/tokens/new") class="button">"Create token"</a>
            </div>
        </div>
        {move || deleted().map(|n| view! {
            <p class="notice" role="status" data-testid="deleted-notice">{format!("Deleted {n} token{}.", if n == 1 { "" } else { "s" })}</p>
        })}
        <Transition fallback=|| view! { <p class="loading" role="status">"Loading tokens…"</p> }>
            {SyncHydrate(move || page.get().map(|r| match r {
                Err(e @ ApiError::Nomad(NomadError::PermissionDenied { .. })) => EitherOf3::A(view! {
                    <ErrorPanel error=e what="the tokens" />
                    <p class="muted" data-testid="needs-management">
                        "Listing every token needs a management token. You can still see your own token on the "
                        <a href=at("/profile")>"profile page"</a> "."
                    </p>
                }),
                Err(e) => EitherOf3::B(view! { <ErrorPanel error=e what="the tokens" /> }),
                Ok(data) => EitherOf3::C(view! { <TokensView data params=params.get_untracked() selected drafts /> }),
            }))}
        </Transition>
    })
}

/// Filter values changed in the form but not applied yet, by field name.
type Drafts = HashMap<&'static str, String>;

#[component]
fn TokensView(
    data: TokenPage,
    params: TokenListParams,
    selected: RwSignal<Vec<String>>,
    drafts: RwSignal<Drafts>,
) -> impl IntoView {
    let now = data.server_now;
    let filtered = data.total != data.all;
    let count = match (data.total, filtered) {
        (1, false) => "1 token".to_string(),
        (n, false) => format!("{n} tokens"),
        (n, true) => format!("{n} of {} tokens", data.all),
    };
    let empty = data.rows.is_empty();
    let selectable: Vec<String> = data.rows.iter().filter(|r| !r.is_self).map(|r| r.accessor_id.clone()).collect();
    // Rows deleted elsewhere leave the selection.
    if selected.with_untracked(|s| s.iter().any(|a| !selectable.contains(a))) {
        selected.update(|s| s.retain(|a| selectable.contains(a)));
    }
    let all_on_page = {
        let selectable = selectable.clone();
        move || !selectable.is_empty() && selected.with(|s| selectable.iter().all(|a| s.contains(a)))
    };
    let toggle_all = move |on: bool| selected.set(if on { selectable.clone() } else { Vec::new() });
    view! {
        <FilterForm params=params.clone() roles=data.role_names.clone() policies=data.policy_names.clone() per_page=data.per_page drafts />
        <p class="list-count" role="status" data-testid="token-count">{count}</p>
        {if empty {
            Either::Left(view! {
                <div class="empty-state panel" data-testid="empty-state">
                    <p>"No tokens match these filters."</p>
                    <a href=at("/tokens")>"Clear the filters"</a>
                </div>
            })
        } else {
            Either::Right(view! {
                // Ticked rows go to the confirmation page (a GET: nothing changes until confirmed).
                <form id="bulk-delete" method="get" action="/tokens/delete" class="bulk-bar"><RegionField />
                    <button type="submit" class="button small danger" data-testid="delete-selected">"Delete selected…"</button>
                    <span class="muted small" data-testid="selected-count">{move || match selected.with(Vec::len) {
                        0 => "Tick tokens to delete several at once.".to_string(),
                        n => format!("{n} selected"),
                    }}</span>
                </form>
                <div class="table-wrap">
                    <table class="data-table" data-testid="tokens-table">
                        <caption class="visually-hidden">"Tokens, page " {data.page} " of " {data.pages}</caption>
                        <thead>
                            <tr>
                                <th scope="col" class="select">
                                    <input
                                        type="checkbox"
                                        aria-label="Select every token on this page"
                                        data-testid="select-all"
                                        prop:checked=all_on_page
                                        on:change=move |ev| toggle_all(event_target_checked(&ev))
                                    />
                                </th>
                                <SortHeader label="Name" key="name" params=params.clone() />
                                <SortHeader label="Type" key="type" params=params.clone() />
                                <th scope="col">"Accessor"</th>
                                <th scope="col">"Roles"</th>
                                <th scope="col">"Policies"</th>
                                <th scope="col">"Scope"</th>
                                <SortHeader label="Created" key="created" params=params.clone() />
                                <SortHeader label="Expires" key="expires" params=params.clone() />
                            </tr>
                        </thead>
                        <tbody>
                            {data.rows.into_iter().map(|row| view! { <Row row now selected /> }).collect_view()}
                        </tbody>
                    </table>
                </div>
            })
        }}
        <Pager page=data.page pages=data.pages params />
    }
}

#[component]
fn FilterForm(
    params: TokenListParams,
    roles: Vec<String>,
    policies: Vec<String>,
    per_page: usize,
    drafts: RwSignal<Drafts>,
) -> impl IntoView {
    // What the user changed but did not apply yet wins over the URL.
    let draft = |field: &'static str, url: String| drafts.with_untracked(|d| d.get(field).cloned()).unwrap_or(url);
    let keep = move |field: &'static str| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            drafts.update(|d| {
                d.insert(field, value);
            });
        }
    };
    let per_page = draft("per_page", per_page.to_string()).parse().unwrap_or(per_page);
    let params = TokenListParams {
        search: draft("search", params.search.clone()),
        kind: draft("type", params.kind.clone()),
        expiry: draft("expiry", params.expiry.clone()),
        role: draft("role", params.role.clone()),
        policy: draft("policy", params.policy.clone()),
        ..params
    };
    let opt = |value: &'static str, label: &'static str, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let names = |names: Vec<String>, current: String| {
        // Keep a value from the URL selectable even if no such object exists any more
        // (with a `value`: it may hold spaces, which an option's text value loses).
        let gone = (!current.is_empty() && !names.contains(&current)).then(|| {
            let label = current.clone();
            view! { <option value=current.clone() selected=true>{label}</option> }
        });
        // Role and policy names have no spaces, so an option's text is its value:
        // at 600 names, leaving `value` out is 20 KB less page.
        let listed = names
            .into_iter()
            .map(|n| {
                let selected = n == current;
                view! { <option selected=selected>{n}</option> }
            })
            .collect_view();
        (gone, listed)
    };
    let sort = params.sort.clone();
    let dir = params.dir.clone();
    let resolves = params.resolves.clone();
    view! {
        <Form method="GET" action="/tokens"><RegionField />
            {SyncHydrate(view! { <div class="filters" role="search" aria-label="Filter tokens">
                <div class="field grow">
                    <label for="token-search">"Search"</label>
                    <input id="token-search" type="search" name="search" value=params.search.clone()
                        placeholder="Name or accessor ID" autocomplete="off" on:input=keep("search") />
                </div>
                <div class="field">
                    <label for="token-type">"Type"</label>
                    <select id="token-type" name="type" on:change=keep("type")>
                        {opt("", "All", &params.kind)}
                        {opt("client", "Client", &params.kind)}
                        {opt("management", "Management", &params.kind)}
                    </select>
                </div>
                <div class="field">
                    <label for="token-expiry">"Expiry"</label>
                    <select id="token-expiry" name="expiry" on:change=keep("expiry")>
                        {opt("", "All", &params.expiry)}
                        {opt("expired", "Expired", &params.expiry)}
                        {opt("24h", "Expires within 24 hours", &params.expiry)}
                        {opt("never", "Never expires", &params.expiry)}
                    </select>
                </div>
                <div class="field">
                    <label for="token-role">"Role"</label>
                    <select id="token-role" name="role" on:change=keep("role")>
                        <option value="" selected=params.role.is_empty()>"Any"</option>
                        {names(roles, params.role.clone())}
                    </select>
                </div>
                <div class="field">
                    <label for="token-policy">"Policy"</label>
                    <select id="token-policy" name="policy" on:change=keep("policy")>
                        <option value="" selected=params.policy.is_empty()>"Any"</option>
                        {names(policies, params.policy.clone())}
                    </select>
                </div>
                <div class="field">
                    <label for="token-per-page">"Per page"</label>
                    <select id="token-per-page" name="per_page" on:change=keep("per_page")>
                        {PER_PAGE_CHOICES.iter().map(|n| {
                            let n = *n;
                            view! { <option value=n.to_string() selected=n == per_page>{n.to_string()}</option> }
                        }).collect_view()}
                    </select>
                </div>
                {(resolves == "none").then(|| view! {
                    <div class="field checkbox">
                        <label>
                            <input type="checkbox" name="resolves" value="none" checked=true />
                            " Only tokens that grant nothing"
                        </label>
                    </div>
                })}
                {(!sort.is_empty()).then(|| view! { <input type="hidden" name="sort" value=sort.clone() /> })}
                {(!dir.is_empty()).then(|| view! { <input type="hidden" name="dir" value=dir.clone() /> })}
                <div class="actions">
                    <button type="submit" class="button">"Apply"</button>
                    <a href=at("/tokens") class="button secondary">"Clear"</a>
                </div>
            </div> })}
        </Form>
    }
}

/// A column header that sorts by `key`: ascending first, then flips.
#[component]
fn SortHeader(label: &'static str, key: &'static str, params: TokenListParams) -> impl IntoView {
    // No sort in the URL means newest first.
    let (by, dir) = if params.sort.is_empty() {
        ("created".to_string(), "desc".to_string())
    } else {
        (params.sort.clone(), if params.dir == "desc" { "desc".to_string() } else { "asc".to_string() })
    };
    let active = by == key;
    let aria = match (active, dir.as_str()) {
        (true, "desc") => "descending",
        (true, _) => "ascending",
        _ => "none",
    };
    let next_dir = if active && dir == "asc" { "desc" } else { "asc" };
    let link = href(&TokenListParams { sort: key.to_string(), dir: next_dir.to_string(), page: 1, ..params });
    let arrow = match aria {
        "ascending" => " ▲",
        "descending" => " ▼",
        _ => "",
    };
    let hint = format!(
        "Sort by {} {}",
        label.to_ascii_lowercase(),
        if next_dir == "asc" { "ascending" } else { "descending" }
    );
    view! {
        <th scope="col" aria-sort=aria>
            <a href=at(link) class="sort" title=hint data-testid=format!("sort-{key}")>
                {label}<span aria-hidden="true">{arrow}</span>
            </a>
        </th>
    }
}

#[component]
fn Row(row: TokenRow, now: i64, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let short: String = row.accessor_id.chars().take(8).collect();
    let accessor = row.accessor_id.clone();
    let name = if row.name.is_empty() { "(unnamed)".to_string() } else { row.name.clone() };
    let unnamed = row.name.is_empty();
    // Like Nomad's UI: a management token needs neither.
    let empty_note = if row.token_type == "management" { "Management access" } else { "None" };
    let link = format!("/tokens/{}", percent_encode(&row.accessor_id, false));
    let (a_prop, a_change) = (accessor.clone(), accessor.clone());
    let select_label = format!("Select {name}");
    view! {
        <tr data-testid="token-row" data-accessor=row.accessor_id.clone()>
            <td class="select">
                {if row.is_self {
                    Either::Left(view! { <input type="checkbox" disabled=true aria-label="Your own token cannot be deleted here" title="Your own token cannot be deleted here" /> })
                } else {
                    Either::Right(view! {
                        <input
                            type="checkbox"
                            form="bulk-delete"
                            name="a"
                            value=accessor.clone()
                            aria-label=select_label
                            data-testid="select-token"
                            prop:checked=move || selected.with(|s| s.contains(&a_prop))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                selected.update(|s| {
                                    s.retain(|x| *x != a_change);
                                    if on {
                                        s.push(a_change.clone());
                                    }
                                });
                            }
                        />
                    })
                }}
            </td>
            <td data-label="Name">
                <a href=at(link) class:muted=unnamed class="token-name">{name}</a>
                {row.is_self.then(|| view! { " " <span class="badge you" title="The token you are signed in with">"you"</span> })}
                {row.grants_nothing.then(|| view! { " " <span class="badge warn" title="None of its policies exist">"grants nothing"</span> })}
            </td>
            <td data-label="Type">{row.token_type.clone()}</td>
            <td data-label="Accessor">
                <span class="secret-row">
                    <code title=accessor.clone()>{short}</code>
                    <CopyButton text=accessor.clone() label=format!("Copy the accessor ID {accessor}") />
                </span>
            </td>
            <td data-label="Roles">
                {if row.roles.is_empty() {
                    Either::Left(view! { <span class="muted">{empty_note}</span> })
                } else {
                    Either::Right(row.roles.into_iter().map(|r| view! { <RoleTag role=r /> }).collect_view())
                }}
            </td>
            <td data-label="Policies">
                {if row.policies.is_empty() {
                    Either::Left(view! { <span class="muted">{empty_note}</span> })
                } else {
                    Either::Right(row.policies.into_iter().map(|p| if p.exists {
                        let link = format!("/policies/{}", percent_encode(&p.name, false));
                        Either::Left(view! { <a class="tag" href=at(link)>{p.name}</a> })
                    } else {
                        Either::Right(view! {
                            <span class="tag deleted" title="This policy does not exist: it grants nothing">
                                <s>{p.name}</s> " (deleted)"
                            </span>
                        })
                    }).collect_view())
                }}
            </td>
            <td data-label="Scope" data-testid="token-scope">{if row.global { "Global" } else { "Local" }}</td>
            <td data-label="Created"><RelativeTime at=row.create_time now /></td>
            <td data-label="Expires"><Expiry expires_at=row.expires_at now /></td>
        </tr>
    }
}

/// A token's role: a link, or, for a role deleted since, its name struck out.
#[component]
pub fn RoleTag(role: RoleRef) -> impl IntoView {
    if role.exists {
        Either::Left(
            view! { <a class="tag" href=at(format!("/roles/{}", percent_encode(&role.id, false)))>{role.name}</a> },
        )
    } else {
        Either::Right(view! {
            <span class="tag deleted" title="This role does not exist: it grants nothing" data-testid="deleted-role">
                <s>{role.name}</s> " (deleted)"
            </span>
        })
    }
}

#[component]
fn Pager(page: usize, pages: usize, params: TokenListParams) -> impl IntoView {
    let prev = (page > 1).then(|| href(&TokenListParams { page: page - 1, ..params.clone() }));
    let next = (page < pages).then(|| href(&TokenListParams { page: page + 1, ..params.clone() }));
    view! {
        <nav class="pager" aria-label="Pages">
            {match prev {
                Some(h) => Either::Left(view! { <a href=at(h) rel="prev" class="button small secondary">"← Previous"</a> }),
                None => Either::Right(view! { <span class="button small secondary disabled" aria-disabled="true">"← Previous"</span> }),
            }}
            <span data-testid="page-of">{format!("page {page} of {pages}")}</span>
            {match next {
                Some(h) => Either::Left(view! { <a href=at(h) rel="next" class="button small secondary">"Next →"</a> }),
                None => Either::Right(view! { <span class="button small secondary disabled" aria-disabled="true">"Next →"</span> }),
            }}
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn href_keeps_only_what_is_set_and_round_trips() {
        assert_eq!(href(&TokenListParams::default()), "/tokens");
        let p = TokenListParams {
            search: "a b&c".into(),
            kind: "client".into(),
            sort: "name".into(),
            dir: "desc".into(),
            page: 2,
            per_page: 50,
            ..Default::default()
        };
        let h = href(&p);
        assert_eq!(h, "/tokens?search=a%20b%26c&type=client&sort=name&dir=desc&per_page=50&page=2");
        let q = ParamsMap::from_iter([("search", "a b&c"), ("type", "client"), ("page", "2"), ("per_page", "50")]);
        let back = params_from_query(&q);
        assert_eq!((back.search.as_str(), back.kind.as_str(), back.page, back.per_page), ("a b&c", "client", 2, 50));
    }
}
