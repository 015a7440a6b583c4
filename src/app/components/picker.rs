//! A searchable checklist: the policies of a role, the policies and roles of a token.

use leptos::prelude::*;

use crate::api::policies::PolicyChoice;
use crate::api::tokens::form::RoleChoice;

/// One entry of a picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// What the form posts when ticked.
    pub value: String,
    pub label: String,
    /// A line that describes the entry without being part of its name.
    pub detail: String,
    /// A selected value that names nothing any more.
    pub missing: bool,
}

impl Choice {
    pub fn new(value: impl Into<String>, label: impl Into<String>, detail: impl Into<String>) -> Self {
        Choice { value: value.into(), label: label.into(), detail: detail.into(), missing: false }
    }

    /// Whether it shows for the search text (label or detail, any case).
    pub fn matches(&self, search: &str) -> bool {
        let s = search.trim().to_lowercase();
        s.is_empty() || self.label.to_lowercase().contains(&s) || self.detail.to_lowercase().contains(&s)
    }
}

/// Policies by name, described by their description.
pub fn policy_choices(policies: &[PolicyChoice]) -> Vec<Choice> {
    policies.iter().map(|p| Choice::new(p.name.clone(), p.name.clone(), p.description.clone())).collect()
}

/// Roles by ID (what a token links to), labelled by name, described by their policies.
pub fn role_choices(roles: &[RoleChoice]) -> Vec<Choice> {
    roles
        .iter()
        .map(|r| {
            let detail = if r.policies.is_empty() {
                "no policies".to_string()
            } else {
                format!("policies: {}", r.policies.join(", "))
            };
            Choice::new(r.id.clone(), r.name.clone(), detail)
        })
        .collect()
}

/// Selected values that name nothing first (so they are seen and can be unticked),
/// then the selected entries, then the others, each group in the given order: the
/// list scrolls, and what the object holds stays in view.
pub fn ordered(choices: Vec<Choice>, selected: &[String]) -> Vec<Choice> {
    let mut out: Vec<Choice> = Vec::new();
    for s in selected {
        if !choices.iter().any(|c| &c.value == s) && !out.iter().any(|c| &c.value == s) {
            out.push(Choice { value: s.clone(), label: s.clone(), detail: String::new(), missing: true });
        }
    }
    let (picked, rest): (Vec<Choice>, Vec<Choice>) = choices.into_iter().partition(|c| selected.contains(&c.value));
    out.extend(picked);
    out.extend(rest);
    out
}

/// "2 selected: ops, dev" (labels), or `none` when nothing is.
fn summary(choices: &[Choice], selected: &[String], none: &str) -> String {
    if selected.is_empty() {
        return none.to_string();
    }
    let labels: Vec<&str> = selected
        .iter()
        .map(|v| choices.iter().find(|c| &c.value == v).map_or(v.as_str(), |c| c.label.as_str()))
        .collect();
    format!("{} selected: {}", labels.len(), labels.join(", "))
}

/// Checkboxes posted as `<name>[<i>]`, with a search box that only hides what does
/// not match: every entry is in the HTML, so the form works without JavaScript.
#[component]
pub fn Picker(
    /// The form field, plural: `policies`, `roles`. It also names the element ids.
    name: &'static str,
    /// One entry, for "No policy matches this search."
    one: &'static str,
    #[prop(into)] legend: String,
    choices: Vec<Choice>,
    selected: RwSignal<Vec<String>>,
    /// Shown instead of the list when there is nothing to pick.
    #[prop(into)]
    empty: AnyView,
    /// The summary while nothing is selected.
    #[prop(optional)]
    none_selected: Option<&'static str>,
    /// The tag on an entry that names nothing any more.
    #[prop(optional)]
    missing_note: Option<&'static str>,
    /// Set when the user ticks or unticks.
    #[prop(optional)]
    touched: Option<RwSignal<bool>>,
    /// Ids of messages about the whole field.
    #[prop(optional, into)]
    described_by: Option<String>,
    #[prop(optional)] testid: Option<&'static str>,
    /// Messages about the field, inside it, after the list.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let filter = RwSignal::new(String::new());
    let total = choices.len();
    let summary_id = format!("{name}-summary");
    // The summary exists only when there is something to pick.
    let described = match (total > 0, described_by) {
        (true, Some(d)) => Some(format!("{summary_id} {d}")),
        (true, None) => Some(summary_id.clone()),
        (false, d) => d,
    };
    let none = none_selected.unwrap_or("None selected.");
    let missing_note = missing_note.unwrap_or("deleted");
    let all = StoredValue::new(choices.clone());
    let toggle = move |value: String, on: bool| {
        if let Some(t) = touched {
            t.set(true);
        }
        selected.update(|s| {
            s.retain(|v| *v != value);
            if on {
                s.push(value);
            }
        })
    };
    view! {
        <fieldset class="picker" aria-describedby=described data-testid=testid.unwrap_or(name)>
            <legend>{legend}</legend>
            {if total == 0 {
                empty
            } else {
                view! {
                    <p id=summary_id class="help">{move || selected.with(|s| all.with_value(|c| summary(c, s, none)))}</p>
                    <label for=format!("{name}-search") class="visually-hidden">{format!("Search {name}")}</label>
                    <input
                        id=format!("{name}-search")
                        type="search"
                        class="picker-search"
                        placeholder=format!("Search {total} {name}")
                        autocomplete="off"
                        prop:value=move || filter.get()
                        on:input=move |ev| filter.set(event_target_value(&ev))
                    />
                    <ul class="picker-list">
                        {choices.into_iter().enumerate().map(|(i, choice)| {
                            let input_id = format!("{name}-choice-{i}");
                            let detail_id = format!("{input_id}-detail");
                            let has_detail = choice.missing || !choice.detail.is_empty();
                            let shown = choice.clone();
                            let (v_checked, v_prop, v_change) = (choice.value.clone(), choice.value.clone(), choice.value.clone());
                            view! {
                                // `hidden`, not an inline style: the page's CSP blocks style attributes.
                                <li data-value=choice.value.clone() hidden=move || !filter.with(|f| shown.matches(f))>
                                    <input
                                        type="checkbox"
                                        id=input_id.clone()
                                        name=format!("{name}[{i}]")
                                        value=choice.value.clone()
                                        aria-describedby=has_detail.then(|| detail_id.clone())
                                        checked=selected.with_untracked(|s| s.contains(&v_checked))
                                        prop:checked=move || selected.with(|s| s.contains(&v_prop))
                                        on:change=move |ev| toggle(v_change.clone(), event_target_checked(&ev))
                                    />
                                    <label for=input_id class="picker-label">{choice.label.clone()}</label>
                                    {has_detail.then(|| view! {
                                        <span id=detail_id class="picker-detail">
                                            {choice.missing.then(|| view! { <span class="tag deleted">{missing_note}</span> " " })}
                                            <span class="muted small">{choice.detail.clone()}</span>
                                        </span>
                                    })}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    <p class="help" hidden=move || filter.with(|f| all.with_value(|c| c.iter().any(|c| c.matches(f))))>
                        {format!("No {one} matches this search.")}
                    </p>
                }.into_any()
            }}
            {children.map(|c| c())}
        </fieldset>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_then_selected_then_the_rest() {
        let choices = vec![Choice::new("a", "a", "reads"), Choice::new("b", "b", ""), Choice::new("c", "c", "")];
        let items = ordered(choices, &["c".into(), "gone".into(), "gone".into()]);
        let got: Vec<(&str, bool)> = items.iter().map(|i| (i.value.as_str(), i.missing)).collect();
        assert_eq!(got, vec![("gone", true), ("c", false), ("a", false), ("b", false)]);
    }

    #[test]
    fn search_matches_label_or_detail_in_any_case() {
        let ops = Choice::new("1", "ops-read", "Reads jobs");
        assert!(ops.matches(" JOBS "));
        assert!(ops.matches("Ops"));
        assert!(ops.matches(""));
        assert!(!ops.matches("dev"));
    }

    #[test]
    fn the_summary_names_labels_not_values() {
        let choices = vec![Choice::new("id-1", "ops", ""), Choice::new("id-2", "dev", "")];
        assert_eq!(summary(&choices, &[], "None."), "None.");
        assert_eq!(summary(&choices, &["id-2".into(), "gone".into()], "None."), "2 selected: dev, gone");
    }
}
