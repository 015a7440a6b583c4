//! "Not saved": what refused a save that belongs to no one field and, when the object
//! changed elsewhere since the editor opened, the choice to overwrite that change.

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::app::region::at;

/// What the answer to a save said about `field`, as the object's own mapping of
/// Nomad's texts to its fields (`by_field`) places them.
pub fn answer_about<O, F: PartialEq>(
    outcome: &Option<Result<O, ApiError>>,
    by_field: impl Fn(&ApiError) -> Vec<(F, String)>,
    field: F,
) -> Vec<String> {
    match outcome {
        Some(Err(e)) => by_field(e).into_iter().filter(|(f, _)| *f == field).map(|(_, m)| m).collect(),
        _ => Vec::new(),
    }
}

/// Whether a save's outcome is a refusal because the object changed elsewhere.
pub fn changed_elsewhere(outcome: &Option<Result<(), ApiError>>) -> bool {
    matches!(outcome, Some(Err(ApiError::ChangedElsewhere(_))))
}

/// The hidden field a save posts to say which version of the object the editor
/// opened: `current`, or, when a refused plain post brought the draft back
/// (`?opened=`), the version that draft was made from. So a second plain save is
/// refused again until the user ticks "Overwrite the other change".
#[component]
pub fn OpenedIndex(name: &'static str, current: u64) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let opened = query.with_untracked(|q| q.get("opened").and_then(|v| v.parse::<u64>().ok())).unwrap_or(current);
    view! { <input type="hidden" name=name value=opened.to_string() /> }
}

/// The refusal's `messages` placed at no field (hidden while there are none). When
/// `conflict`, it offers a reload of `reload` (the editor's own path, without the
/// draft a plain post brought back) and an "Overwrite the other change" checkbox
/// posted as `overwrite_name` (default `overwrite`), which the next save sends.
#[component]
pub fn SaveError(
    #[prop(into)] messages: Signal<Vec<String>>,
    #[prop(optional, into)] conflict: MaybeProp<bool>,
    #[prop(optional, into)] reload: String,
    #[prop(optional)] title: Option<&'static str>,
    #[prop(optional)] overwrite_name: Option<&'static str>,
) -> impl IntoView {
    let title = title.unwrap_or("Not saved");
    let overwrite_name = overwrite_name.unwrap_or("overwrite");
    move || {
        let messages = messages.get();
        let conflict = conflict.get().unwrap_or(false);
        (!messages.is_empty() || conflict).then(|| {
            view! {
                <div class="error-panel" role="alert" data-testid="save-error">
                    <strong>{title}</strong>
                    {messages.into_iter().map(|m| view! { <p>{m}</p> }).collect_view()}
                    {conflict.then(|| view! {
                        <p class="conflict-choice">
                            <a href=at(reload.clone()) class="button small secondary" rel="external" data-testid="reload">"Reload (drops your edits)"</a>
                            <label class="checkbox" data-testid="overwrite">
                                <input type="checkbox" name=overwrite_name value="true" />
                                " Overwrite the other change"
                            </label>
                        </p>
                    })}
                </div>
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nomad::error::NomadError;

    #[derive(Debug, PartialEq, Clone, Copy)]
    enum Field {
        Name,
        Other,
    }

    fn by_field(e: &ApiError) -> Vec<(Field, String)> {
        let text = e.to_string();
        vec![(if text.contains("name") { Field::Name } else { Field::Other }, text)]
    }

    #[test]
    fn an_answer_is_placed_at_its_field_only() {
        let refused: Option<Result<(), ApiError>> =
            Some(Err(ApiError::Nomad(NomadError::InvalidRequest { message: "invalid name".into() })));
        assert_eq!(answer_about(&refused, by_field, Field::Name).len(), 1);
        assert!(answer_about(&refused, by_field, Field::Other).is_empty());
        assert!(answer_about(&Some(Ok(())), by_field, Field::Name).is_empty());
        assert!(answer_about(&None::<Result<(), ApiError>>, by_field, Field::Name).is_empty());
    }
}
