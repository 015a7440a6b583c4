use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::live::Kind;
use crate::api::roles::validate::{self, Field};
use crate::api::roles::{get_role_form, href, PolicyChoice, RoleForm, SaveRole};
use crate::app::components::error_panel;
use crate::app::components::field::{DescriptionField, FieldErrors, NameField};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::picker::{ordered, policy_choices, Picker};
use crate::app::components::region_note::ReplicatedNote;
use crate::app::components::save_error::{answer_about, changed_elsewhere, OpenedIndex, SaveError};
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::live::EditGuard;
use crate::app::region::at;

/// The draft a refused no-JavaScript save brings back in the URL.
#[derive(Clone, Default)]
struct Draft {
    name: Option<String>,
    description: Option<String>,
    policies: Option<Vec<String>>,
}

fn draft_from_query() -> Draft {
    let q = use_query_map();
    q.with_untracked(|q| Draft {
        name: q.get("name"),
        description: q.get("description"),
        policies: q.get_all("policy"),
    })
}

/// `/roles/new`.
#[component]
pub fn RoleNewPage() -> impl IntoView {
    let draft = draft_from_query();
    let form = Resource::new(|| (), |_| get_role_form(String::new()));
    view! {
        <Title text="Create role" />
        <Breadcrumbs trail=vec![crumb("Roles", "/roles")] current="Create" />
        <h1>"Create role"</h1>
        <Loaded resource=form what="the policies" let:f>
            {editor(f, draft.clone())}
        </Loaded>
    }
}

/// `/roles/:id/edit`.
#[component]
pub fn RoleEditPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.with(|p| p.get("id").unwrap_or_default()));
    let draft = draft_from_query();
    let form = Resource::new(move || id.get(), get_role_form);
    view! {
        <Loaded resource=form what="the role" list=error_panel::ROLES kind="Edit role" let:f>
            {
                let (name, link) = f.role.as_ref().map(|r| (r.name.clone(), href(&r.id))).unwrap_or_default();
                view! {
                    <Title text=format!("Edit role {name}") />
                    <Breadcrumbs trail=vec![crumb("Roles", "/roles"), crumb(&name, &link)] current="Edit" />
                    <h1>"Edit role " <code>{name.clone()}</code></h1>
                    {f.role.as_ref().map(|r| view! { <EditGuard kind=&[Kind::Roles] id=r.id.clone() modify_index=r.modify_index what="role" /> })}
                    {editor(f, draft.clone())}
                }
            }
        </Loaded>
    }
}

/// The form with the stored role (if any) under the draft the URL brought back.
fn editor(f: RoleForm, d: Draft) -> AnyView {
    let (id, name, description, selected, modify_index) = match &f.role {
        Some(r) => (
            r.id.clone(),
            r.name.clone(),
            r.description.clone(),
            r.policies.iter().map(|p| p.name.clone()).collect(),
            r.modify_index,
        ),
        None => Default::default(),
    };
    view! {
        <RoleEditor
            id
            name=d.name.unwrap_or(name)
            description=d.description.unwrap_or(description)
            selected=d.policies.unwrap_or(selected)
            choices=f.policies
            modify_index
        />
    }
    .into_any()
}

/// The editor: a real form posted to `save_role` (works without JavaScript). After
/// hydration each field is checked as it changes, with Nomad's own texts.
#[component]
fn RoleEditor(
    id: String,
    name: String,
    description: String,
    selected: Vec<String>,
    choices: Vec<PolicyChoice>,
    modify_index: u64,
) -> impl IntoView {
    let create = id.is_empty();
    let save = ServerAction::<SaveRole>::new();
    let toasts = use_toasts();
    let name_sig = RwSignal::new(name.clone());
    let desc = RwSignal::new(description.clone());
    let picked = RwSignal::new(selected.clone());
    // "At least one policy" shows once the user has unticked the last one, not on a blank form.
    let touched = RwSignal::new(false);
    let items = ordered(policy_choices(&choices), &selected);
    let no_policies = items.is_empty();

    let server_errors = move |field: Field| save.value().with(|v| answer_about(v, validate::by_field, field));
    // Nomad's message as soon as the name is wrong (an empty name only once typed in and cleared).
    let name_touched = RwSignal::new(!name.is_empty());
    // Any edit counts, clearing the field included.
    Effect::new(move |first: Option<()>| {
        name_sig.track();
        if first.is_some() {
            name_touched.set(true);
        }
    });
    let name_error = move || if name_touched.get() { name_sig.with(|n| validate::name(n.trim())) } else { None };
    let policies_error = move || if touched.get() { picked.with(|p| validate::policies(p)) } else { None };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (save.value().get(), toasts) {
            t.show(ToastKind::Success, "Role saved");
        }
    });
    let cancel = if create { "/roles".to_string() } else { href(&id) };

    view! {
        <ActionForm action=save attr:class="role-editor">
            <ReplicatedNote what="This role" />
            <input type="hidden" name="id" value=id.clone() />
            <OpenedIndex name="modify_index" current=modify_index />
            <SaveError
                messages=Signal::derive(move || server_errors(Field::Other))
                conflict=Signal::derive(move || save.value().with(changed_elsewhere)) reload=format!("{}/edit", href(&id)) />
            <div class="form">
                <NameField
                    id="role-name"
                    value=name_sig
                    local=Signal::derive(name_error)
                    errors=Signal::derive(move || server_errors(Field::Name))
                    help=if create { "Letters, digits and dashes, at most 128." } else { "Letters, digits and dashes, at most 128. Renaming keeps the role's ID, so its tokens follow." }
                />

                <DescriptionField id="role-description" value=desc server_errors=Signal::derive(move || server_errors(Field::Description)) />

                <Picker
                    name="policies"
                    one="policy"
                    legend="Policies"
                    testid="policy-picker"
                    choices=items
                    selected=picked
                    touched
                    none_selected="Choose at least one. A token carrying the role gets all of them."
                    missing_note="deleted: Nomad will refuse it"
                    described_by="role-policies-error"
                    empty=view! {
                        <p class="warning" data-testid="no-policies">
                            "No policy exists yet, and a role needs at least one. "
                            <a href=at("/policies/new")>"Create a policy"</a> " first, then come back."
                        </p>
                    }.into_any()
                >
                    <FieldErrors id="role-policies-error" testid="policies-error"
                        local=Signal::derive(move || policies_error().into_iter().collect())
                        server=Signal::derive(move || server_errors(Field::Policies)) />
                </Picker>

                <div class="form-actions">
                    <button type="submit" class="button" disabled=move || no_policies || save.pending().get()>
                        {if create { "Create role" } else { "Save role" }}
                    </button>
                    <a class="button secondary" href=at(cancel)>"Cancel"</a>
                </div>
            </div>
        </ActionForm>
    }
}
