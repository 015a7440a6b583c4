use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::nomad::error::NomadError;

/// A failed load, said plainly: what failed and what to do.
#[component]
pub fn ErrorPanel(error: ApiError, #[prop(optional, into)] what: String) -> impl IntoView {
    let title = match &error {
        ApiError::Nomad(NomadError::Unreachable { .. } | NomadError::Timeout { .. }) => "Nomad is not answering",
        ApiError::Nomad(NomadError::PermissionDenied { .. }) => "Permission denied",
        ApiError::NotSignedIn => "Signed out",
        _ => "Something went wrong",
    };
    let context = if what.is_empty() { String::new() } else { format!("Could not load {what}. ") };
    view! {
        <div class="error-panel" role="alert">
            <strong>{title}</strong>
            <p>{context}{error.explain()}</p>
        </div>
    }
}
