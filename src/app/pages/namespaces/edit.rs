use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::live::Kind;
use crate::api::namespaces::{by_field, get_namespace_form, href, Field, NamespaceInput, SaveNamespace};
use crate::app::components::error_panel;
use crate::app::components::field::{DescriptionField, TextField};
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::region_note::ReplicatedNote;
use crate::app::components::save_error::{answer_about, changed_elsewhere, OpenedIndex, SaveError};
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::live::EditGuard;
use crate::app::region::at;

/// The draft a refused no-JavaScript save brings back in the URL, over `base`.
fn with_draft(mut base: NamespaceInput) -> NamespaceInput {
    let q = use_query_map();
    q.with_untracked(|q| {
        let take = |key: &str, into: &mut String| {
            if let Some(v) = q.get(&format!("input[{key}]")) {
                *into = v;
            }
        };
        take("name", &mut base.name);
        take("description", &mut base.description);
        take("enabled_task_drivers", &mut base.enabled_task_drivers);
        take("disabled_task_drivers", &mut base.disabled_task_drivers);
        take("enabled_network_modes", &mut base.enabled_network_modes);
        take("disabled_network_modes", &mut base.disabled_network_modes);
        take("meta", &mut base.meta);
    });
    base
}

/// `/namespaces/new`.
#[component]
pub fn NamespaceNewPage() -> impl IntoView {
    view! {
        <Title text="Create namespace" />
        <Breadcrumbs trail=vec![crumb("Namespaces", "/namespaces")] current="Create" />
        <h1>"Create namespace"</h1>
        <NamespaceEditor initial=with_draft(NamespaceInput::default()) />
    }
}

/// `/namespaces/:name/edit`.
#[component]
pub fn NamespaceEditPage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let form = Resource::new(move || name.get(), get_namespace_form);
    view! {
        <Loaded resource=form what="the namespace" list=error_panel::NAMESPACES kind="Edit namespace" let:f>
            {
                let n = f.0.original.clone();
                view! {
                    <Title text=format!("Edit namespace {n}") />
                    <Breadcrumbs trail=vec![crumb("Namespaces", "/namespaces"), crumb(&n, &href(&n))] current="Edit" />
                    <h1>"Edit namespace " <code>{n.clone()}</code></h1>
                    <EditGuard kind=&[Kind::Namespaces] id=n.clone() modify_index=f.1 what="namespace" />
                    <NamespaceEditor initial=with_draft(f.0) />
                }
            }
        </Loaded>
    }
}

#[component]
fn NamespaceEditor(initial: NamespaceInput) -> impl IntoView {
    let create = initial.original.is_empty();
    let save = ServerAction::<SaveNamespace>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (save.value().get(), toasts) {
            t.show(ToastKind::Success, "Namespace saved");
        }
    });
    let original = initial.original.clone();
    let name = RwSignal::new(initial.name.clone());
    let description = RwSignal::new(initial.description.clone());
    let enabled_drivers = RwSignal::new(initial.enabled_task_drivers.clone());
    let disabled_drivers = RwSignal::new(initial.disabled_task_drivers.clone());
    let enabled_modes = RwSignal::new(initial.enabled_network_modes.clone());
    let disabled_modes = RwSignal::new(initial.disabled_network_modes.clone());
    let meta = RwSignal::new(initial.meta.clone());
    let touched = RwSignal::new(!create);
    let draft = {
        let original = original.clone();
        move || NamespaceInput {
            original: original.clone(),
            name: name.get(),
            description: description.get(),
            enabled_task_drivers: enabled_drivers.get(),
            disabled_task_drivers: disabled_drivers.get(),
            enabled_network_modes: enabled_modes.get(),
            disabled_network_modes: disabled_modes.get(),
            meta: meta.get(),
            ..Default::default()
        }
    };
    // The browser's checks (Nomad's rules, from the core) once something was typed,
    // then the server's answer, each at its field.
    let errors_at = move |field: Field| -> Signal<Vec<String>> {
        let draft = draft.clone();
        Signal::derive(move || {
            let mut out = save.value().with(|v| answer_about(v, by_field, field));
            if touched.get() {
                for (f, m) in draft().problems() {
                    if f == field && !out.contains(&m) {
                        out.push(m);
                    }
                }
            }
            out
        })
    };
    let other = errors_at(Field::Other);
    let cancel = if create { "/namespaces".to_string() } else { href(&original) };
    view! {
        <ActionForm action=save attr:class="namespace-editor" on:input=move |_| touched.set(true)>
            <ReplicatedNote what="This namespace" />
            <input type="hidden" name="input[original]" value=original.clone() />
            <OpenedIndex name="input[modify_index]" current=initial.modify_index />
            <SaveError messages=other overwrite_name="input[overwrite]"
                conflict=Signal::derive(move || save.value().with(changed_elsewhere)) reload=format!("{}/edit", href(&original)) />
            <div class="form">
                <TextField id="namespace-name" name="input[name]" label="Name" value=name required=true readonly=!create
                    errors=errors_at(Field::Name)
                    help=if create { "Letters, digits and dashes, up to 128 characters. It cannot be changed later." } else { "A namespace cannot be renamed." } />
                <DescriptionField id="namespace-description" name="input[description]" value=description server_errors=errors_at(Field::Description) />
                <fieldset>
                    <legend>"Task drivers and network modes"</legend>
                    <p class="help">"Comma-separated. An empty enabled list allows every driver (or mode) not disabled."</p>
                    <TextField id="namespace-enabled-drivers" name="input[enabled_task_drivers]" label="Enabled task drivers" value=enabled_drivers errors=errors_at(Field::Capabilities) />
                    <TextField id="namespace-disabled-drivers" name="input[disabled_task_drivers]" label="Disabled task drivers" value=disabled_drivers errors=Signal::stored(Vec::new()) />
                    <TextField id="namespace-enabled-modes" name="input[enabled_network_modes]" label="Enabled network modes" value=enabled_modes errors=Signal::stored(Vec::new()) />
                    <TextField id="namespace-disabled-modes" name="input[disabled_network_modes]" label="Disabled network modes" value=disabled_modes errors=Signal::stored(Vec::new()) />
                </fieldset>
                <TextField id="namespace-meta" name="input[meta]" label="Meta" value=meta multiline=true
                    errors=errors_at(Field::Meta) help="One key=value per line." />
            </div>
            <div class="actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {if create { "Create namespace" } else { "Save namespace" }}
                </button>
                <a href=at(cancel) class="button secondary">"Cancel"</a>
            </div>
        </ActionForm>
    }
}
