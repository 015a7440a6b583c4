use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::tester::{Placement, SelectorTester, TesterState};
use super::{BindRef, MethodRef};
use crate::api::binding_rules::{
    get_binding_rule, href, test_binding_rule, DeleteBindingRule, RuleDetail, SelectorTest, Target,
};
use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::api::roles::shell_quote;
use crate::app::components::confirm_delete::{ConfirmDelete, Deletion, NameStyle};
use crate::app::components::copy_button::CopyButton;
use crate::app::components::error_panel;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::relative_time::RelativeTime;
use crate::app::live::use_live;
use crate::app::region::at;

/// The `nomad acl binding-rule create` command that makes this rule, every value shell-quoted.
pub fn cli_create(r: &crate::api::binding_rules::RuleRow) -> String {
    let mut cmd = format!(
        "nomad acl binding-rule create -auth-method={} -bind-type={}",
        shell_quote(&r.auth_method),
        shell_quote(&r.bind_type)
    );
    if !r.bind_name.is_empty() {
        cmd.push_str(&format!(" -bind-name={}", shell_quote(&r.bind_name)));
    }
    if !r.selector.is_empty() {
        cmd.push_str(&format!(" -selector={}", shell_quote(&r.selector)));
    }
    if !r.description.is_empty() {
        cmd.push_str(&format!(" -description={}", shell_quote(&r.description)));
    }
    cmd
}

/// `/binding-rules/:id`: every field, dangling references said plainly, the selector
/// tester (`?claims=` answers it without JavaScript), the CLI command, Edit and Delete
/// (`?delete=1` opens the confirmation, as the list links).
#[component]
pub fn BindingRuleDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let saved = Memo::new(move |_| query.with(|q| q.get("saved").is_some()));
    let deletion = Deletion::<DeleteBindingRule>::for_page();
    let claims = query.with_untracked(|q| q.get("claims").filter(|_| q.get("test").is_some()));
    let live = use_live(&[Kind::BindingRules, Kind::AuthMethods, Kind::Roles, Kind::Policies]);
    let rule = Resource::new(move || (id.get(), live.get()), |(id, _)| get_binding_rule(id));
    let tested = Resource::new(
        move || (id.get(), claims.clone()),
        |(id, claims)| async move {
            match claims {
                Some(c) => Some(test_binding_rule(id, c).await),
                None => None,
            }
        },
    );
    let claims = query.with_untracked(|q| q.get("claims").unwrap_or_default());
    // Above the Transition: a live refresh rebuilds the view, not the tester's state.
    let tester = TesterState::new(claims.clone());
    view! {
        <Loaded resource=rule what="the binding rule" list=error_panel::BINDING_RULES kind="Binding rule" let:r>
            <Title text=format!("Binding rule {}", r.rule.label()) />
            <Breadcrumbs trail=vec![crumb("Binding rules", "/binding-rules")] current=r.rule.label() />
            <h1>"Binding rule " <q data-testid="rule-title">{r.rule.label()}</q></h1>
            {saved.get().then(|| view! { <p class="notice" role="status" data-testid="rule-saved">"The binding rule was saved."</p> })}
            {
                let claims = claims.clone();
                move || tested.get().map(|t| view! { <DetailView r=r.clone() deletion claims=claims.clone() tested=t tester /> })
            }
        </Loaded>
    }
}

#[component]
fn DetailView(
    r: RuleDetail,
    deletion: Deletion<DeleteBindingRule>,
    claims: String,
    tested: Option<Result<SelectorTest, ApiError>>,
    tester: TesterState,
) -> impl IntoView {
    let row = r.rule.clone();
    let cli = cli_create(&row);
    let what = if row.bind_type == "policy" { "policy" } else { "role" };
    let edit = format!("{}/edit", href(&row.id));
    let method = r.method.clone();
    let gives = match row.bind_type.as_str() {
        "management" => "a management token (full rights)".to_string(),
        "policy" => format!("the policy {}", row.bind_name),
        "role" => format!("the role {}", row.bind_name),
        other => format!("{other} {}", row.bind_name),
    };
    view! {
        <div class="page-actions">
            <a href=at(edit) class="button">"Edit"</a>
        </div>
        {(!row.method_exists).then(|| view! {
            <p class="warning" data-testid="dangling-method">
                {format!("The auth method {} was deleted. Nomad keeps its rules, but no login can match them: delete this rule or create the method again.", row.auth_method)}
            </p>
        })}
        {(row.target == Target::Missing).then(|| view! {
            <p class="warning" data-testid="dangling-target">
                {format!("No {what} named {} exists. Nomad accepts the rule, but logins get nothing from it until the {what} is created.", row.bind_name)}
            </p>
        })}
        <section class="panel">
            <p data-testid="rule-summary">
                {format!("A login through {} ", row.auth_method)}
                {if row.selector.is_empty() { "(any login: the selector is empty)".to_string() } else { "whose claims match the selector".to_string() }}
                {format!(" gets {gives}.")}
            </p>
            <dl class="facts">
                <dt>"ID"</dt>
                <dd class="secret-row"><code data-testid="rule-id">{row.id.clone()}</code> <CopyButton text=row.id.clone() label="Copy the rule ID" /></dd>
                <dt>"Auth method"</dt><dd data-testid="rule-method"><MethodRef rule=row.clone() /></dd>
                <dt>"Description"</dt>
                <dd data-testid="rule-description">{if row.description.is_empty() { "(none)".to_string() } else { row.description.clone() }}</dd>
                <dt>"Selector"</dt>
                <dd data-testid="rule-selector">{if row.selector.is_empty() {
                    view! { <span class="muted">"(empty: every login matches)"</span> }.into_any()
                } else {
                    view! { <code class="selector">{row.selector.clone()}</code> }.into_any()
                }}</dd>
                <dt>"Bind type"</dt><dd data-testid="rule-bind-type">{row.bind_type.clone()}</dd>
                <dt>"Bind name"</dt><dd data-testid="rule-bind-name"><BindRef rule=row.clone() /></dd>
                <dt>"Created"</dt><dd><RelativeTime at=r.create_time now=r.server_now /></dd>
                <dt>"Changed"</dt><dd><RelativeTime at=r.modify_time now=r.server_now /></dd>
                <dt>"Raft indexes"</dt>
                <dd class="small">{format!("created at {}, last changed at {}", r.create_index, r.modify_index)}</dd>
            </dl>
        </section>
        <SelectorTester
            auth_method=Signal::stored(row.auth_method.clone())
            selector=Signal::stored(row.selector.clone())
            method=Signal::stored(method)
            claims
            initial=tested
            placement=Placement::Alone(format!("{}#tester", href(&row.id)))
            state=tester
        />
        <section class="panel" aria-labelledby="cli-title">
            <h2 id="cli-title">"From the Nomad CLI"</h2>
            <p>"The same rule, created from the CLI:"</p>
            <p class="secret-row"><code data-testid="rule-cli">{cli.clone()}</code> <CopyButton text=cli label="Copy the command" /></p>
        </section>
        <DeletePanel r=row deletion />
    }
}

#[component]
fn DeletePanel(r: crate::api::binding_rules::RuleRow, deletion: Deletion<DeleteBindingRule>) -> impl IntoView {
    let label = r.label();
    let fields = vec![("id", r.id.clone()), ("label", label.clone())];
    view! {
        <ConfirmDelete deletion kind="binding rule" name=label name_style=NameStyle::Quoted fields testid="delete-rule">
            <p>
                {format!("Logins through {} will no longer get what this rule gives. Tokens already issued keep their roles and policies until they expire.", r.auth_method)}
            </p>
        </ConfirmDelete>
    }
}

#[cfg(test)]
mod tests {
    use super::cli_create;
    use crate::api::binding_rules::{RuleRow, Target};

    #[test]
    fn cli_command_quotes_what_needs_it() {
        let r = RuleRow {
            id: "1".into(),
            description: "On-call".into(),
            auth_method: "okta".into(),
            selector: "\"oncall\" in list.groups".into(),
            bind_type: "role".into(),
            bind_name: "ops".into(),
            method_exists: true,
            target: Target::Exists,
        };
        assert_eq!(
            cli_create(&r),
            "nomad acl binding-rule create -auth-method=okta -bind-type=role -bind-name=ops -selector='\"oncall\" in list.groups' -description=On-call"
        );
        let m = RuleRow {
            bind_type: "management".into(),
            bind_name: String::new(),
            selector: String::new(),
            description: String::new(),
            ..r
        };
        assert_eq!(cli_create(&m), "nomad acl binding-rule create -auth-method=okta -bind-type=management");
    }
}
