//! A form field with its label, help and errors, as every editor shows them.

use leptos::prelude::*;

use crate::app::raw_text::escaped_raw_text;

/// A labelled text input (or text area) with its help and errors: `local`, the
/// page's own check as typed, and `errors`, the server's answer already placed at
/// this field (announced). `value` holds what is typed; the input's `name` is what a
/// plain form posts. `identifier` is for names: no autocomplete, no spell check.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] name: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(optional, into)] local: Option<Signal<Option<String>>>,
    #[prop(optional, into)] help: Option<String>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] readonly: bool,
    #[prop(optional)] identifier: bool,
    #[prop(optional)] maxlength: Option<usize>,
    /// The errors' container, for tests: `name-error`.
    #[prop(optional)]
    errors_testid: Option<&'static str>,
) -> impl IntoView {
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    let local = local.unwrap_or_else(|| Signal::stored(None));
    let invalid = move || (local.with(Option::is_some) || !errors.with(Vec::is_empty)).to_string();
    let (autocomplete, spellcheck) = if identifier { (Some("off"), Some("false")) } else { (None, None) };
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
                autocomplete=autocomplete spellcheck=spellcheck maxlength=maxlength
                value=initial prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev)) />
        }
        .into_any()
    };
    view! {
        <label for=id>{label}</label>
        {input}
        {help.map(|h| view! { <p class="help" id=help_id.clone()>{h}</p> })}
        <div id=error_id data-testid=errors_testid aria-live="polite">
            {move || own_check(local.get(), &errors.get()).map(|m| view! { <p class="field-error">{m}</p> })}
            {move || errors.get().into_iter().map(|m| view! { <p class="field-error" role="alert">{m}</p> }).collect_view()}
        </div>
    }
}

/// The page's own check, unless the answer to a save already says the same (that
/// one is announced; the same text twice would only repeat it).
fn own_check(local: Option<String>, answer: &[String]) -> Option<String> {
    local.filter(|m| !answer.contains(m))
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
    /// What a plain form posts it as (default `description`).
    #[prop(optional)]
    name: Option<&'static str>,
) -> impl IntoView {
    use crate::nomad::validate::{description_too_long, MAX_DESCRIPTION};
    let help_id = format!("{id}-help");
    let error_id = format!("{id}-error");
    let described = format!("{help_id} {error_id}");
    let initial = value.get_untracked();
    view! {
        <label for=id.clone()>"Description (optional)"</label>
        <input id=id name=name.unwrap_or("description") type="text" autocomplete="off" value=initial
            prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))
            aria-describedby=described
            aria-invalid=move || value.with(|d| description_too_long(d).is_some()).to_string() />
        <p id=help_id class="help">
            {move || format!("{} of {MAX_DESCRIPTION} characters{}", value.with(String::len), note)}
        </p>
        <div id=error_id data-testid="description-error" aria-live="polite">
            {move || own_check(value.with(|d| description_too_long(d)), &server_errors.get()).map(|m| view! { <p class="field-error">{m}</p> })}
            {move || server_errors.get().into_iter().map(|m| view! { <p class="field-error" role="alert">{m}</p> }).collect_view()}
        </div>
    }
}

/// "Name" for the objects Nomad names with letters, digits and dashes, at most 128
/// (policies, roles): an identifier field posted as `name`, with the page's check as
/// typed (`local`) and Nomad's refusals (`errors`) in `name-error`.
#[component]
pub fn NameField(
    #[prop(into)] id: String,
    value: RwSignal<String>,
    #[prop(into)] local: Signal<Option<String>>,
    #[prop(into)] errors: Signal<Vec<String>>,
    #[prop(into)] help: String,
) -> impl IntoView {
    view! {
        <TextField id name="name" label="Name" value required=true identifier=true maxlength=128 local errors errors_testid="name-error" help />
    }
}

#[cfg(test)]
mod tests {
    use super::own_check;

    #[test]
    fn the_page_does_not_repeat_what_the_answer_to_a_save_says() {
        let answer = vec!["description longer than 256".to_string()];
        assert_eq!(own_check(Some("description longer than 256".into()), &answer), None);
        assert_eq!(own_check(Some("invalid name".into()), &answer), Some("invalid name".to_string()));
        assert_eq!(own_check(None, &answer), None);
    }
}
