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
    #[prop(optional, into)] help: Option<Signal<String>>,
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
        {help.map(|h| view! { <p class="help" id=help_id.clone()>{move || h.get()}</p> })}
        <FieldErrors id=error_id testid=errors_testid.unwrap_or_default() local=Signal::derive(move || local.get().into_iter().collect()) server=errors />
    }
}

/// A field's messages: the page's own checks as typed (`local`, quiet) and the
/// server's answer to a save (`server`, announced). A check the answer repeats is
/// shown once. `testid` defaults to `id`.
#[component]
pub fn FieldErrors(
    #[prop(into)] id: String,
    #[prop(optional, into)] testid: String,
    #[prop(optional, into)] local: Option<Signal<Vec<String>>>,
    #[prop(into)] server: Signal<Vec<String>>,
) -> impl IntoView {
    let testid = if testid.is_empty() { id.clone() } else { testid };
    view! {
        <div id=id data-testid=testid aria-live="polite">
            {move || local.map(|l| own_checks(l.get(), &server.get())).unwrap_or_default().into_iter().map(|m| view! { <p class="field-error">{m}</p> }).collect_view()}
            {move || server.get().into_iter().map(|m| view! { <p class="field-error" role="alert">{m}</p> }).collect_view()}
        </div>
    }
}

/// The page's own checks, less those the answer to a save already says (that one
/// is announced; the same text twice would only repeat it).
fn own_checks(local: Vec<String>, answer: &[String]) -> Vec<String> {
    local.into_iter().filter(|m| !answer.contains(m)).collect()
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
        <FieldErrors id=error_id testid="description-error"
            local=Signal::derive(move || value.with(|d| description_too_long(d)).into_iter().collect()) server=server_errors />
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

/// One radio button bound to `selected`. With `help`, the label is set in bold and
/// the help follows it.
#[component]
pub fn Radio(
    name: &'static str,
    #[prop(into)] id: String,
    value: &'static str,
    #[prop(into)] label: String,
    selected: RwSignal<String>,
    #[prop(optional)] help: Option<&'static str>,
) -> impl IntoView {
    let label_for = id.clone();
    let text = match help {
        None => view! { {label} }.into_any(),
        Some(help) => view! { <strong>{label}</strong> <span class="help">{format!(": {help}")}</span> }.into_any(),
    };
    view! {
        <label class="radio" for=label_for>
            <input
                type="radio"
                id=id
                name=name
                value=value
                checked=selected.get_untracked() == value
                prop:checked=move || selected.get() == value
                on:change=move |_| selected.set(value.to_string())
            />
            " " {text}
        </label>
    }
}

#[cfg(test)]
mod tests {
    use super::own_checks;

    #[test]
    fn the_page_does_not_repeat_what_the_answer_to_a_save_says() {
        let answer = vec!["description longer than 256".to_string()];
        let local = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(own_checks(local(&["description longer than 256"]), &answer), local(&[]));
        assert_eq!(own_checks(local(&["invalid name"]), &answer), local(&["invalid name"]));
        assert_eq!(
            own_checks(local(&["invalid name", "description longer than 256"]), &answer),
            local(&["invalid name"])
        );
        assert_eq!(own_checks(Vec::new(), &answer), local(&[]));
    }
}
