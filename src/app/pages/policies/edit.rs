use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::href;
use crate::api::live::Kind;
use crate::api::policies::presets::Preset;
use crate::api::policies::validate::{self, Field};
use crate::api::policies::{get_policy, SavePolicy};
use crate::app::components::error_panel::{self, ErrorPanel};
use crate::app::components::field::{DescriptionField, NameField};
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::policy_preview::PolicyPreview;
use crate::app::components::region_note::ReplicatedNote;
use crate::app::components::save_error::{answer_about, changed_elsewhere, OpenedIndex, SaveError};
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::live::EditGuard;
use crate::app::pages::namespaces::NamespaceDatalist;
use crate::app::raw_text::escaped_raw_text;
use crate::app::region::at;
use crate::nomad::policy::{parse, Block, PolicyError};

/// The draft a refused no-JavaScript save brings back in the URL.
fn draft_from_query() -> (Option<String>, Option<String>, Option<String>) {
    let q = use_query_map();
    q.with_untracked(|q| (q.get("name"), q.get("description"), q.get("rules")))
}

/// `/policies/new` (`?name=` suggests a name).
#[component]
pub fn PolicyNewPage() -> impl IntoView {
    let (name, description, rules) = draft_from_query();
    view! {
        <Title text="Create policy" />
        <Breadcrumbs trail=vec![crumb("Policies", "/policies")] current="Create" />
        <h1>"Create policy"</h1>
        <PolicyForm
            create=true
            name=name.unwrap_or_default()
            description=description.unwrap_or_default()
            rules=rules.unwrap_or_default()
        />
    }
}

/// `/policies/:name/edit`.
#[component]
pub fn PolicyEditPage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let (_, draft_description, draft_rules) = draft_from_query();
    let policy = Resource::new(move || name.get(), get_policy);
    view! {
        <Title text=move || format!("Edit policy {}", name.get()) />
        <Breadcrumbs trail=vec![crumb("Policies", "/policies"), (Signal::derive(move || name.get()), Signal::derive(move || href(&name.get())))] current="Edit" />
        <h1>"Edit policy " <code>{move || name.get()}</code></h1>
        <Suspense fallback=|| view! { <p class="loading" role="status">"Loading the policy…"</p> }>
            {move || policy.get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e what="the policy" list=error_panel::POLICIES /> }.into_any(),
                Ok(p) => view! {
                    <EditGuard kind=&[Kind::Policies] id=p.name.clone() modify_index=p.modify_index what="policy" />
                    <PolicyForm
                        create=false
                        modify_index=p.modify_index
                        name=p.name
                        description=draft_description.clone().unwrap_or(p.description)
                        rules=draft_rules.clone().unwrap_or(p.rules)
                    />
                }.into_any(),
            })}
        </Suspense>
    }
}

/// "line 3, column 5: <Nomad's text>".
pub fn describe(e: &PolicyError) -> String {
    match (e.line, e.column) {
        (Some(l), Some(c)) => format!("line {l}, column {c}: {}", e.message),
        (Some(l), None) => format!("line {l}: {}", e.message),
        _ => e.message.clone(),
    }
}

/// The editor: a real form posted to `save_policy` (works without JavaScript); after
/// hydration the rules are checked as you type with the server's own parser.
#[component]
fn PolicyForm(
    create: bool,
    /// The stored policy's modify index (absent when creating), so a save does not
    /// overwrite a change made since unseen.
    #[prop(optional)]
    modify_index: u64,
    name: String,
    description: String,
    rules: String,
) -> impl IntoView {
    let save = ServerAction::<SavePolicy>::new();
    let toasts = use_toasts();
    let form_ref = NodeRef::<leptos::html::Form>::new();
    let gutter_ref = NodeRef::<leptos::html::Pre>::new();
    let name_sig = RwSignal::new(name.clone());
    let desc = RwSignal::new(description.clone());
    let rules_sig = RwSignal::new(rules.clone());
    // The rules as last checked: follows `rules_sig` ~300 ms after typing stops.
    let checked = RwSignal::new(rules.clone());
    let generation = StoredValue::new(0u64);
    let namespace = RwSignal::new(String::new());
    // The cluster's namespaces, fetched by the browser once the editor runs: they only
    // add suggestions and "decides ..." notes, so the server-rendered form goes without.
    let namespace_list = crate::app::pages::namespaces::use_namespace_names();
    let var_path = RwSignal::new(String::new());

    let schedule_check = move || {
        let g = generation.get_value() + 1;
        generation.set_value(g);
        set_timeout(
            move || {
                if generation.get_value() == g {
                    checked.set(rules_sig.get_untracked());
                }
            },
            std::time::Duration::from_millis(300),
        );
    };
    let inline_error = Memo::new(move |_| {
        checked.with(|r| if r.is_empty() { None } else { parse(r).err().map(|e| (e.line, describe(&e))) })
    });
    let server_errors = move |field: Field| save.value().with(|v| answer_about(v, validate::by_field, field));
    let name_hint = move || {
        let n = name_sig.get();
        (create && !n.is_empty() && !validate::valid_name(&n))
            .then_some("Use 1 to 128 letters, digits and dashes (no spaces).")
    };
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (save.value().get(), toasts) {
            t.show(ToastKind::Success, "Policy saved");
        }
    });
    let line_count = move || rules_sig.with(|r| r.split('\n').count().max(1));
    let submit = move || {
        if let Some(form) = form_ref.get_untracked() {
            let _ = form.request_submit();
        }
    };
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if (ev.ctrl_key() || ev.meta_key()) && ev.key() == "Enter" {
            ev.prevent_default();
            submit();
        }
    };
    let apply_preset = move |p: Preset| {
        let text = p.rules(&namespace.get_untracked(), &var_path.get_untracked());
        rules_sig.set(text.clone());
        checked.set(text);
        if create && p == Preset::Anonymous && name_sig.get_untracked().is_empty() {
            name_sig.set("anonymous".to_string());
        }
    };

    view! {
        <div class="policy-editor">
            <ActionForm action=save node_ref=form_ref>
            <ReplicatedNote what="This policy" />
                <input type="hidden" name="mode" value=if create { "create" } else { "update" } />
                <OpenedIndex name="modify_index" current=modify_index />
                <SaveError
                    messages=Signal::derive(move || server_errors(Field::Other))
                    conflict=Signal::derive(move || save.value().with(changed_elsewhere)) reload=format!("{}/edit", href(&name)) />
                <div class="form">
                    {if create {
                        view! {
                            <NameField
                                id="policy-name"
                                value=name_sig
                                local=Signal::derive(name_hint)
                                errors=Signal::derive(move || server_errors(Field::Name))
                                help="Letters, digits and dashes, at most 128. It cannot be changed later."
                            />
                        }.into_any()
                    } else {
                        view! { <input type="hidden" name="name" value=name.clone() /> }.into_any()
                    }}

                    <DescriptionField id="policy-description" value=desc server_errors=Signal::derive(move || server_errors(Field::Description)) />

                    <label for="policy-rules">"Rules"</label>
                    <p id="policy-rules-help" class="help">
                        "HCL, as for " <code>"nomad acl policy apply"</code> ". Checked as you type; "
                        <kbd>"Ctrl"</kbd> "/" <kbd>"⌘"</kbd> " + " <kbd>"Enter"</kbd> " saves."
                    </p>
                    <div class="code-editor">
                        <pre class="gutter" aria-hidden="true" node_ref=gutter_ref>
                            {move || {
                                let bad = inline_error.get().and_then(|(l, _)| l);
                                (1..=line_count()).map(|i| view! {
                                    <span class:bad=bad == Some(i)>{i}</span> "\n"
                                }).collect_view()
                            }}
                        </pre>
                        <textarea
                            id="policy-rules"
                            name="rules"
                            rows="18"
                            wrap="off"
                            spellcheck="false"
                            autocapitalize="off"
                            autocomplete="off"
                            prop:value=move || rules_sig.get()
                            on:input=move |ev| {
                                rules_sig.set(event_target_value(&ev));
                                schedule_check();
                            }
                            on:keydown=on_keydown
                            on:scroll=move |ev| {
                                if let Some(g) = gutter_ref.get_untracked() {
                                    g.set_scroll_top(event_target::<leptos::web_sys::HtmlTextAreaElement>(&ev).scroll_top());
                                }
                            }
                            aria-describedby="policy-rules-help policy-rules-error"
                            aria-invalid=move || inline_error.with(|e| e.is_some()).to_string()
                        >
                            {escaped_raw_text(rules.clone())}
                        </textarea>
                    </div>
                    <div id="policy-rules-error" aria-live="polite">
                        {move || match inline_error.get() {
                            Some((_, text)) => view! { <p class="field-error" data-testid="rules-error">{text}</p> }.into_any(),
                            None => view! { <p class="help ok" data-testid="rules-ok">{move || if rules_sig.with(String::is_empty) { "" } else { "The rules are valid." }}</p> }.into_any(),
                        }}
                        {move || server_errors(Field::Rules).into_iter().map(|m| view! {
                            <p class="field-error" role="alert" data-testid="rules-server-error">{m}</p>
                        }).collect_view()}
                    </div>

                    <div class="form-actions">
                        <button type="submit" class="button" disabled=move || save.pending().get()>
                            {if create { "Create policy" } else { "Save policy" }}
                        </button>
                        <a class="button secondary" href=at(if create { "/policies".to_string() } else { href(&name) })>"Cancel"</a>
                    </div>
                </div>
            </ActionForm>
            <NamespaceDatalist id="namespace-names" names=namespace_list />
            <aside class="editor-side">
                // Follows the rules as last checked (debounced), like the error above.
                <PolicyPreview rules=checked namespaces=namespace_list />
                <section class="panel presets" aria-labelledby="presets-title">
                    <h2 id="presets-title">"Start from a preset"</h2>
                    <p class="help">"Replaces the rules; edit them afterwards."</p>
                    <label for="preset-namespace">"Namespace (developer, variables reader)"</label>
                    <input id="preset-namespace" type="text" placeholder="default" list="namespace-names" prop:value=move || namespace.get() on:input=move |ev| namespace.set(event_target_value(&ev)) />
                    <label for="preset-path">"Variables path (variables reader)"</label>
                    <input id="preset-path" type="text" placeholder="*" prop:value=move || var_path.get() on:input=move |ev| var_path.set(event_target_value(&ev)) />
                    <ul class="preset-list">
                        {Preset::ALL.iter().map(|&p| view! {
                            <li>
                                <button type="button" class="button small secondary" data-preset=p.id() on:click=move |_| apply_preset(p)>{p.label()}</button>
                                <span class="help">{p.help()}</span>
                            </li>
                        }).collect_view()}
                    </ul>
                </section>
                <Reference />
            </aside>
        </div>
    }
}

/// The blocks, dispositions and capabilities of the policy language, from the parser's tables.
#[component]
fn Reference() -> impl IntoView {
    view! {
        <details class="panel reference" data-testid="policy-reference">
            <summary>"Policy language reference"</summary>
            <table class="data-table">
                <thead><tr><th scope="col">"Block"</th><th scope="col">"policy ="</th><th scope="col">"capabilities"</th></tr></thead>
                <tbody>
                    {Block::ALL.iter().map(|&b| {
                        let head = match b {
                            Block::VariablesPath => "namespace \"…\" { variables { path \"<glob>\" { } } }".to_string(),
                            b if b.is_labeled() => format!("{} \"<glob>\" {{ }}", b.keyword()),
                            b => format!("{} {{ }}", b.keyword()),
                        };
                        let disp = if b.dispositions().is_empty() { "—".to_string() } else { b.dispositions().join(", ") };
                        let caps = if b.capabilities().is_empty() { "—".to_string() } else { b.capabilities().join(", ") };
                        view! { <tr><td><code>{head}</code></td><td>{disp}</td><td class="small">{caps}</td></tr> }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}
