//! A form field with its label, help and errors, as every editor shows them.

use leptos::prelude::*;

use crate::app::raw_text::escaped_raw_text;

/// A labelled text input (or text area) whose errors are read from `errors`: the
/// browser's own checks and the server's answer, already placed at this field.
/// `value` holds what is typed; the input's `name` is what a plain form posts.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional, into)] help: Option<String>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] readonly: bool,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    let invalid = move || (!errors.with(Vec::is_empty)).to_string();
    let initial = value.get_untracked();
    let input = if multiline {
        view! {
            <textarea id=id.clone() name=name rows="4" aria-describedby=described aria-invalid=invalid readonly=readonly
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))>{escaped_raw_text(initial)}</textarea>
        }
        .into_any()
    } else {
        view! {
            <input id=id.clone() name=name type="text" required=required readonly=readonly aria-describedby=described aria-invalid=invalid
                value=initial prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any()
    };
    view! {
        <label for=id>{label}</label>
        {input}
        {help.map(|h| view! { <p class="help" id=help_id.clone()>{h}</p> })}
        <div id=error_id>
            {move || errors.get().into_iter().map(|m| view! { <p class="field-error" role="alert">{m}</p> }).collect_view()}
        </div>
    }
}

/// "Description (optional)": a text input with its length against Nomad's limit (the
/// core's rule, checked as typed) and the server's refusals. `id` prefixes the ids of
/// its help and errors; `note` follows the count in the help.
#[component]
pub fn DescriptionField(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    #[prop(into)] server_errors: Signal<Vec<String>>,
    #[prop(optional)] note: &'static str,
) -> impl IntoView {
    use crate::nomad::validate::{description_too_long, MAX_DESCRIPTION};
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    let initial = value.get_untracked();
    view! {
        <label for=id.clone()>"Description (optional)"</label>
        <input id=id name="description" type="text" autocomplete="off" value=initial
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
            aria-describedby=described
            aria-invalid=move || value.with(|d| description_too_long(d).is_some()).to_string() />
        <p id=help_id class="help">
            {move || format!("{} of {MAX_DESCRIPTION} characters{}", value.with(String::len), note)}
        </p>
        <div id=error_id data-testid="description-error" aria-live="polite">
            {move || value.with(|d| description_too_long(d)).map(|m| view! { <p class="field-error">{m}</p> })}
            {move || server_errors.get().into_iter().map(|m| view! { <p class="field-error" role="alert">{m}</p> }).collect_view()}
        </div>
    }
}
