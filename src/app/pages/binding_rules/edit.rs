use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::tester::{Placement, SelectorTester};
use crate::api::binding_rules::validate::{self, Field};
use crate::api::binding_rules::{get_binding_rule_form, href, test_selector, RuleForm, SaveBindingRule, SelectorTest};
use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::app::components::error_panel;
use crate::app::components::field::{DescriptionField, FieldErrors, Radio};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::region_note::ReplicatedNote;
use crate::app::components::save_error::{answer_about, changed_elsewhere, OpenedIndex, SaveError};
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::live::EditGuard;
use crate::app::raw_text::escaped_raw_text;
use crate::app::region::at;

/// The draft a refused no-JavaScript save, or a no-JavaScript selector test, brings
/// back in the URL.
#[derive(Clone, Default, PartialEq)]
struct Draft {
    auth_method: Option<String>,
    description: Option<String>,
    selector: Option<String>,
    bind_type: Option<String>,
    bind_name: Option<String>,
    claims: String,
    /// The tester's button was used (GET).
    test: bool,
}

fn draft_from_query() -> Draft {
    let q = use_query_map();
    q.with_untracked(|q| Draft {
        auth_method: q.get("auth_method"),
        description: q.get("description"),
        selector: q.get("selector"),
        bind_type: q.get("bind_type"),
        bind_name: q.get("bind_name"),
        claims: q.get("claims").unwrap_or_default(),
        test: q.get("test").is_some(),
    })
}

/// The tester's answer for a no-JavaScript test (`?test=1`), computed while rendering.
fn url_test(d: &Draft) -> Resource<Option<Result<SelectorTest, ApiError>>> {
    let args = d
        .test
        .then(|| (d.auth_method.clone().unwrap_or_default(), d.selector.clone().unwrap_or_default(), d.claims.clone()));
    Resource::new(
        move || args.clone(),
        |args| async move {
            match args {
                Some((m, s, c)) => Some(test_selector(m, s, c).await),
                None => None,
            }
        },
    )
}

/// `/binding-rules/new` (`?auth_method=` preselects a method).
#[component]
pub fn BindingRuleNewPage() -> impl IntoView {
    let draft = draft_from_query();
    let form = Resource::new(|| (), |_| get_binding_rule_form(String::new()));
    let tested = url_test(&draft);
    view! {
        <Title text="Create binding rule" />
        <Breadcrumbs trail=vec![crumb("Binding rules", "/binding-rules")] current="Create" />
        <h1>"Create binding rule"</h1>
        <p class="lead">
            "When someone signs in through an auth method, every rule of that method whose selector matches their claims "
            "adds a role, a policy, or makes the token a management token."
        </p>
        <Loaded resource=form what="the auth methods" let:f>
            {
                let draft = draft.clone();
                move || tested.get().map(|t| editor(f.clone(), draft.clone(), t, "/binding-rules/new".to_string()))
            }
        </Loaded>
    }
}

/// `/binding-rules/:id/edit`.
#[component]
pub fn BindingRuleEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let draft = draft_from_query();
    let form = Resource::new(move || id.get(), get_binding_rule_form);
    let tested = url_test(&draft);
    view! {
        <Loaded resource=form what="the binding rule" list=error_panel::BINDING_RULES kind="Edit binding rule" let:f>
            {
                let (label, link) = f.rule.as_ref().map(|r| (r.label(), href(&r.id))).unwrap_or_default();
                let action = format!("{link}/edit");
                let draft = draft.clone();
                view! {
                    <Title text=format!("Edit binding rule {label}") />
                    <Breadcrumbs trail=vec![crumb("Binding rules", "/binding-rules"), crumb(&label, &link)] current="Edit" />
                    <h1>"Edit binding rule " <q>{label.clone()}</q></h1>
                    {f.rule.as_ref().map(|r| view! { <EditGuard kind=&[Kind::BindingRules] id=r.id.clone() modify_index=f.modify_index what="binding rule" /> })}
                    {move || tested.get().map(|t| editor(f.clone(), draft.clone(), t, action.clone()))}
                }
            }
        </Loaded>
    }
}

/// The form with the stored rule (if any) under the draft the URL brought back.
fn editor(f: RuleForm, d: Draft, tested: Option<Result<SelectorTest, ApiError>>, page: String) -> AnyView {
    let default_method = f
        .methods
        .iter()
        .find(|m| m.default)
        .or(if f.methods.len() == 1 { f.methods.first() } else { None })
        .map(|m| m.name.clone())
        .unwrap_or_default();
    let stored = f.rule.clone();
    let (id, auth_method, description, selector, bind_type, bind_name) = match &stored {
        Some(r) => (
            r.id.clone(),
            r.auth_method.clone(),
            r.description.clone(),
            r.selector.clone(),
            r.bind_type.clone(),
            r.bind_name.clone(),
        ),
        None => (String::new(), default_method, String::new(), String::new(), "role".to_string(), String::new()),
    };
    view! {
        <RuleEditor
            id
            auth_method=d.auth_method.unwrap_or(auth_method)
            description=d.description.unwrap_or(description)
            selector=d.selector.unwrap_or(selector)
            bind_type=d.bind_type.unwrap_or(bind_type)
            bind_name=d.bind_name.unwrap_or(bind_name)
            form=f
            claims=d.claims
            tested
            page
        />
    }
    .into_any()
}

/// What the bind name field says about the name as typed.
pub fn bind_name_note(bind_type: &str, name: &str, roles: &[String], policies: &[String]) -> Option<String> {
    let name = name.trim();
    if name.is_empty() || bind_type == "management" {
        return None;
    }
    if name.contains("${") {
        return Some("Filled in at each login from the claims (e.g. ${value.team}).".to_string());
    }
    let (known, what) = if bind_type == "policy" { (policies, "policy") } else { (roles, "role") };
    (!known.iter().any(|k| k == name)).then(|| {
        format!("No {what} named {name} exists: Nomad accepts the rule, but logins get nothing from it until the {what} is created.")
    })
}

/// The editor: a real form posted to `save_binding_rule` (works without JavaScript).
/// After hydration each field is checked as it changes, with Nomad's own texts.
#[allow(clippy::too_many_arguments)]
#[component]
fn RuleEditor(
    id: String,
    auth_method: String,
    description: String,
    selector: String,
    bind_type: String,
    bind_name: String,
    form: RuleForm,
    claims: String,
    tested: Option<Result<SelectorTest, ApiError>>,
    page: String,
) -> impl IntoView {
    let create = id.is_empty();
    let save = ServerAction::<SaveBindingRule>::new();
    let toasts = use_toasts();
    let method = RwSignal::new(auth_method.clone());
    let desc = RwSignal::new(description.clone());
    let sel = RwSignal::new(selector.clone());
    let btype = RwSignal::new(bind_type.clone());
    let bname = RwSignal::new(bind_name.clone());
    let attempted = RwSignal::new(false);
    let methods = StoredValue::new(form.methods.clone());
    let roles = StoredValue::new(form.roles.clone());
    let policies = StoredValue::new(form.policies.clone());
    let no_methods = form.methods.is_empty() && create;
    let method_info =
        Signal::derive(move || method.with(|m| methods.with_value(|all| all.iter().find(|x| &x.name == m).cloned())));

    let server_errors = move |field: Field| save.value().with(|v| answer_about(v, validate::by_field, field));
    let bind_error = move || {
        let e = validate::bind(&btype.get(), bname.with(|n| n.trim().to_string()).as_str());
        // "bind name is missing" only once the user tried to save.
        e.filter(|m| attempted.get() || m != "bind name is missing")
    };
    let bind_errors = move |field: Field| -> Signal<Vec<String>> {
        Signal::derive(move || bind_error().filter(|m| validate::field_of(m) == field).into_iter().collect())
    };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (save.value().get(), toasts) {
            t.show(ToastKind::Success, "Binding rule saved");
        }
    });
    let cancel = if create { "/binding-rules".to_string() } else { href(&id) };
    let stored_method = auth_method.clone();
    // Nomad keeps the stored bind name when an update leaves it empty, so a
    // role or policy rule cannot become a management rule: say so before Nomad refuses.
    let stored_name = form.rule.as_ref().map(|r| r.bind_name.clone()).unwrap_or_default();
    let to_management = move || !stored_name.is_empty() && btype.get() == "management";

    view! {
        <ActionForm action=save attr:class="rule-editor">
            <ReplicatedNote what="This binding rule" />
            <input type="hidden" name="id" value=id.clone() />
            <OpenedIndex name="modify_index" current=form.modify_index />
            <SaveError messages=Signal::derive(move || server_errors(Field::Other))
                conflict=Signal::derive(move || save.value().with(changed_elsewhere)) reload=format!("{}/edit", href(&id)) />
            <div class="form">
                {if create {
                    view! {
                        <label for="rule-method">"Auth method"</label>
                        {if no_methods {
                            view! {
                                <p class="warning" data-testid="no-methods">
                                    "No auth method exists yet: a binding rule belongs to one. "
                                    <a href=at("/auth-methods")>"Set up an auth method"</a> " first, then come back."
                                </p>
                            }.into_any()
                        } else {
                            view! {
                                <select
                                    id="rule-method"
                                    name="auth_method"
                                    aria-describedby="rule-method-help rule-method-error"
                                    on:change=move |ev| method.set(event_target_value(&ev))
                                    prop:value=move || method.get()
                                >
                                    <option value="" selected=auth_method.is_empty()>"Choose an auth method"</option>
                                    {methods.get_value().into_iter().map(|m| {
                                        let selected = m.name == auth_method;
                                        let text = format!("{} ({}{})", m.name, m.method_type, if m.default { ", default" } else { "" });
                                        view! { <option value=m.name.clone() selected=selected>{text}</option> }
                                    }).collect_view()}
                                </select>
                            }.into_any()
                        }}
                        <p id="rule-method-help" class="help">"The rule applies to logins through this method. It cannot be changed later."</p>
                    }.into_any()
                } else {
                    view! {
                        <span class="label" id="rule-method-label">"Auth method"</span>
                        <p aria-labelledby="rule-method-label" data-testid="rule-method-fixed">
                            <code>{stored_method.clone()}</code>
                            <input type="hidden" name="auth_method" value=stored_method.clone() />
                        </p>
                        <p id="rule-method-help" class="help">"Nomad does not move a rule to another auth method: create a new rule instead."</p>
                    }.into_any()
                }}
                <FieldErrors id="rule-method-error" testid="method-error"
                    local=Signal::derive(move || attempted.get().then(|| method.with(|m| validate::auth_method(m))).flatten().into_iter().collect())
                    server=Signal::derive(move || server_errors(Field::AuthMethod)) />

                <DescriptionField id="rule-description" value=desc server_errors=Signal::derive(move || server_errors(Field::Description))
                    note=". The console names the rule by it." />

                <label for="rule-selector">"Selector (optional)"</label>
                <textarea
                    id="rule-selector"
                    name="selector"
                    class="code-input"
                    rows="3"
                    spellcheck="false"
                    aria-describedby="rule-selector-help rule-selector-error"
                    prop:value=move || sel.get()
                    on:input=move |ev| sel.set(event_target_value(&ev))
                >
                    {escaped_raw_text(selector.clone())}
                </textarea>
                <p id="rule-selector-help" class="help">
                    "A go-bexpr expression over the login's mapped claims, e.g. "
                    <code>"\"engineering\" in list.groups"</code> " or " <code>"value.email matches \".*@example\\.com$\""</code>
                    ". Empty: every login through the method matches."
                </p>
                <FieldErrors id="rule-selector-error" testid="selector-error" server=Signal::derive(move || server_errors(Field::Selector)) />

                <fieldset class="radio-group" aria-describedby="rule-bind-type-error">
                    <legend>"Bind type"</legend>
                    {[
                        ("role", "Role", "the token gets the role named below"),
                        ("policy", "Policy", "the token gets the policy named below"),
                        ("management", "Management", "the token is a management token: full rights, no name"),
                    ].into_iter().map(|(value, label, help)| view! {
                        <Radio name="bind_type" id=format!("rule-bind-type-{value}") value label help selected=btype />
                    }).collect_view()}
                    <FieldErrors id="rule-bind-type-error" testid="bind-type-error" local=bind_errors(Field::BindType)
                        server=Signal::derive(move || server_errors(Field::BindType)) />
                </fieldset>

                <label for="rule-bind-name">"Bind name"</label>
                <input
                    id="rule-bind-name"
                    name="bind_name"
                    type="text"
                    autocomplete="off"
                    spellcheck="false"
                    list=move || if btype.get() == "policy" { "rule-policy-names" } else { "rule-role-names" }
                    value=bind_name.clone()
                    prop:value=move || bname.get()
                    on:input=move |ev| bname.set(event_target_value(&ev))
                    aria-describedby="rule-bind-name-help rule-bind-name-error"
                    aria-invalid=move || (bind_error().is_some_and(|m| validate::field_of(&m) == Field::BindName) || !server_errors(Field::BindName).is_empty()).to_string()
                />
                <datalist id="rule-role-names">
                    {form.roles.iter().map(|r| view! { <option value=r.clone()></option> }).collect_view()}
                </datalist>
                <datalist id="rule-policy-names">
                    {form.policies.iter().map(|p| view! { <option value=p.clone()></option> }).collect_view()}
                </datalist>
                <p id="rule-bind-name-help" class="help">
                    {move || match btype.get().as_str() {
                        "management" => "Leave empty: a management rule names nothing.".to_string(),
                        "policy" => "The policy's name. It may use claims, e.g. ${value.team}-read.".to_string(),
                        _ => "The role's name. It may use claims, e.g. ${value.team}-dev.".to_string(),
                    }}
                </p>
                <FieldErrors id="rule-bind-name-error" testid="bind-name-error" local=bind_errors(Field::BindName)
                    server=Signal::derive(move || server_errors(Field::BindName)) />
                <div aria-live="polite">
                    {move || to_management().then(|| view! {
                        <p class="warning" data-testid="to-management-note">
                            "Nomad keeps a rule's stored bind name when an update leaves it empty, so it refuses to turn this rule into a management rule (bind name should be empty). Create a new management rule instead, then delete this one."
                        </p>
                    })}
                    {move || {
                        let note = roles.with_value(|r| policies.with_value(|p| bind_name_note(&btype.get(), &bname.get(), r, p)));
                        note.map(|n| view! { <p class="help" data-testid="bind-name-note">{n}</p> })
                    }}
                </div>

                <div class="form-actions">
                    <button
                        type="submit"
                        class="button"
                        data-testid="save-rule"
                        disabled=move || no_methods || save.pending().get()
                        on:click=move |ev| {
                            attempted.set(true);
                            let problems = validate::all(&method.get_untracked(), &desc.get_untracked(), &btype.get_untracked(), bname.get_untracked().trim());
                            if !problems.is_empty() {
                                ev.prevent_default();
                            }
                        }
                    >
                        {if create { "Create binding rule" } else { "Save binding rule" }}
                    </button>
                    <a class="button secondary" href=at(cancel)>"Cancel"</a>
                </div>

                <SelectorTester
                    auth_method=method
                    selector=sel
                    method=method_info
                    claims
                    initial=tested
                    placement=Placement::InForm(page)
                />
            </div>
        </ActionForm>
    }
}

#[cfg(test)]
mod tests {
    use super::bind_name_note;

    #[test]
    fn bind_name_notes() {
        let roles = vec!["ops".to_string()];
        let policies = vec!["read".to_string()];
        assert_eq!(bind_name_note("role", "ops", &roles, &policies), None);
        assert_eq!(bind_name_note("policy", "read", &roles, &policies), None);
        assert!(bind_name_note("policy", "ops", &roles, &policies).unwrap().starts_with("No policy named ops exists"));
        assert!(bind_name_note("role", "t-${value.team}", &roles, &policies).unwrap().starts_with("Filled in"));
        assert_eq!(bind_name_note("management", "", &roles, &policies), None);
        assert_eq!(bind_name_note("role", "", &roles, &policies), None);
    }
}
