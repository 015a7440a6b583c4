use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::{BindRef, MethodRef};
use crate::api::binding_rules::{href, list_binding_rules, RuleList, RuleRow};
use crate::api::live::Kind;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{
    Column, DataTable, EmptyState, FilterForm, ListCount, ListHead, NoneMatch, RowActions,
};
use crate::app::format::percent_encode;
use crate::app::live::use_live;
use crate::app::region::at;

/// Every binding rule with what it binds; rules whose auth method or role/policy is
/// gone are marked. `?method=` keeps one auth method's rules and `?dangling=1` the
/// dangling ones (a GET form: works without JavaScript, and links can be shared).
#[component]
pub fn BindingRulesListPage() -> impl IntoView {
    let query = use_query_map();
    let method = Memo::new(move |_| query.with(|q| q.get("method").unwrap_or_default()));
    let dangling = Memo::new(move |_| query.with(|q| q.get("dangling").is_some_and(|v| v == "1")));
    let live = use_live(&[Kind::BindingRules, Kind::AuthMethods, Kind::Roles, Kind::Policies]);
    let list = Resource::new(move || live.get(), |_| list_binding_rules());
    let create_href = Signal::derive(move || {
        let m = method.get();
        if m.is_empty() {
            "/binding-rules/new".to_string()
        } else {
            format!("/binding-rules/new?auth_method={}", percent_encode(&m, false))
        }
    });
    view! {
        <ListHead title="Binding rules" create_href create_label="Create binding rule" what="binding rule" deleted_testid="rule-deleted">
            "When someone signs in through an auth method, each of its rules whose selector matches their claims gives "
            "the new token a role, a policy, or management rights. A login that matches no rule is refused."
        </ListHead>
        <Loaded resource=list what="the binding rules" let:l>
            <Filters list=l.clone() method=method.get() dangling=dangling.get() />
            <RuleTable list=l method=method.get() dangling=dangling.get() />
        </Loaded>
    }
}

/// The auth methods to filter by: existing ones and those only rules still name.
pub fn filter_methods(list: &RuleList) -> Vec<(String, bool)> {
    let mut out: Vec<(String, bool)> = list.methods.iter().map(|m| (m.clone(), true)).collect();
    for r in &list.rules {
        if !out.iter().any(|(m, _)| m == &r.auth_method) {
            out.push((r.auth_method.clone(), false));
        }
    }
    out.sort();
    out
}

/// Whether a row passes the filters.
pub fn matches(row: &RuleRow, method: &str, dangling: bool) -> bool {
    (method.is_empty() || row.auth_method == method) && (!dangling || row.dangling())
}

#[component]
fn Filters(list: RuleList, method: String, dangling: bool) -> impl IntoView {
    let methods = filter_methods(&list);
    let filtered = !method.is_empty() || dangling;
    view! {
        <FilterForm action="/binding-rules" aria_label="Filter binding rules" submit="Filter" active=Signal::stored(filtered)>
            <div class="field">
                <label for="rule-method-filter">"Auth method"</label>
                <select id="rule-method-filter" name="method">
                    <option value="" selected=method.is_empty()>"All auth methods"</option>
                    {methods.into_iter().map(|(m, exists)| {
                        let selected = m == method;
                        let text = if exists { m.clone() } else { format!("{m} (deleted)") };
                        view! { <option value=m selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field checkbox">
                <label>
                    <input type="checkbox" name="dangling" value="1" checked=dangling />
                    "Only rules pointing at something deleted"
                </label>
            </div>
        </FilterForm>
    }
}

const COLUMNS: &[Column] = &[
    Column::plain("Rule"),
    Column::plain("Auth method"),
    Column::plain("Bind type"),
    Column::plain("Bind name"),
    Column::plain("Selector"),
];

#[component]
fn RuleTable(list: RuleList, method: String, dangling: bool) -> impl IntoView {
    let total = list.rules.len();
    if total == 0 {
        let has_methods = !list.methods.is_empty();
        return view! {
            <EmptyState testid="rules-empty" text="No binding rules yet. Without one, nobody can sign in through an auth method.">
                {if has_methods {
                    view! { <a href=at("/binding-rules/new") class="button">"Create the first binding rule"</a> }.into_any()
                } else {
                    view! { <p>"A rule belongs to an auth method, and none exists yet: " <a href=at("/auth-methods")>"set one up"</a> " first."</p> }.into_any()
                }}
            </EmptyState>
        }
        .into_any();
    }
    let dangling_total = list.rules.iter().filter(|r| r.dangling()).count();
    let rows: Vec<RuleRow> = list.rules.into_iter().filter(|r| matches(r, &method, dangling)).collect();
    let shown = rows.len();
    view! {
        <ListCount shown total noun=("binding rule", "binding rules") testid="rules-count">
            {(dangling_total > 0 && !dangling).then(|| view! {
                " · " <a href=at("/binding-rules?dangling=1") class="deleted">{format!("{dangling_total} point at something deleted")}</a>
            })}
        </ListCount>
        <DataTable testid="rules-table" columns=COLUMNS actions=true>
            {rows.into_iter().map(|r| {
                let link = href(&r.id);
                let label = r.label();
                view! {
                    <tr data-rule-id=r.id.clone() data-testid="rule-row" data-dangling=r.dangling().to_string()>
                        <td data-label="Rule">
                            <a href=at(link.clone())>{label.clone()}</a>
                            {(!r.description.is_empty()).then(|| view! { <br /> <code class="small muted">{r.id.chars().take(8).collect::<String>()}</code> })}
                        </td>
                        <td data-label="Auth method"><MethodRef rule=r.clone() /></td>
                        <td data-label="Bind type">{r.bind_type.clone()}</td>
                        <td data-label="Bind name"><BindRef rule=r.clone() /></td>
                        <td data-label="Selector">{if r.selector.is_empty() {
                            view! { <span class="muted">"(every login)"</span> }.into_any()
                        } else {
                            view! { <code class="selector">{r.selector.clone()}</code> }.into_any()
                        }}</td>
                        <RowActions href=link kind="binding rule" name=label />
                    </tr>
                }
            }).collect_view()}
        </DataTable>
        {(shown == 0).then(|| view! { <NoneMatch testid="rules-none-match" text="No binding rule matches these filters." /> })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::binding_rules::Target;

    fn row(method: &str, exists: bool, target: Target) -> RuleRow {
        RuleRow {
            id: "id".into(),
            description: String::new(),
            auth_method: method.into(),
            selector: String::new(),
            bind_type: "role".into(),
            bind_name: "ops".into(),
            method_exists: exists,
            target,
        }
    }

    #[test]
    fn filters_by_method_and_dangling() {
        let ok = row("okta", true, Target::Exists);
        assert!(matches(&ok, "", false));
        assert!(matches(&ok, "okta", false));
        assert!(!matches(&ok, "auth0", false));
        assert!(!matches(&ok, "", true));
        assert!(matches(&row("okta", true, Target::Missing), "", true));
        assert!(matches(&row("gone", false, Target::Exists), "gone", true));
    }

    #[test]
    fn deleted_methods_still_named_by_rules_are_offered() {
        let list = RuleList {
            rules: vec![row("gone", false, Target::Exists), row("okta", true, Target::Exists)],
            methods: vec!["okta".into(), "auth0".into()],
        };
        assert_eq!(
            filter_methods(&list),
            vec![("auth0".to_string(), true), ("gone".to_string(), false), ("okta".to_string(), true)]
        );
    }
}
