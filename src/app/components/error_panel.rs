use leptos::either::Either;
use leptos::prelude::*;
use leptos_router::components::Redirect;

use crate::api::error::ApiError;
use crate::app::components::shell::sign_in_returning_here;
use crate::app::format::capitalized;
use crate::app::region::at;
use crate::nomad::error::NomadError;

/// The list a missing object belongs to, offered as the way back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListLink {
    pub href: &'static str,
    /// As the link reads: "All {label}".
    pub label: &'static str,
}

pub const TOKENS: ListLink = ListLink { href: "/tokens", label: "tokens" };
pub const POLICIES: ListLink = ListLink { href: "/policies", label: "policies" };
pub const ROLES: ListLink = ListLink { href: "/roles", label: "roles" };
pub const AUTH_METHODS: ListLink = ListLink { href: "/auth-methods", label: "auth methods" };
pub const NAMESPACES: ListLink = ListLink { href: "/namespaces", label: "namespaces" };
pub const BINDING_RULES: ListLink = ListLink { href: "/binding-rules", label: "binding rules" };

/// A failed load, said plainly: what failed and what to do. An object that does not
/// exist says so, answers HTTP 404 (on the server) and links back to its list.
#[component]
pub fn ErrorPanel(
    error: ApiError,
    #[prop(optional, into)] what: String,
    #[prop(optional)] list: Option<ListLink>,
) -> impl IntoView {
    if error.signed_out() {
        // The session is over (its token was deleted or expired): off to sign in,
        // which says why and comes back here.
        return Either::Left(view! {
            <div class="error-panel" role="alert" data-testid="signed-out">
                <strong>"Signed out"</strong>
                <p>{error.explain()}</p>
                <Redirect path=sign_in_returning_here() />
            </div>
        });
    }
    let missing = matches!(error, ApiError::Nomad(NomadError::NotFound { .. }));
    if missing {
        not_found_status();
    }
    if matches!(error, ApiError::Nomad(NomadError::PermissionDenied { .. })) {
        refused_mark();
    }
    let title = match &error {
        _ if missing => "Not found",
        ApiError::Nomad(NomadError::Unreachable { .. } | NomadError::Timeout { .. }) => "Nomad is not answering",
        ApiError::Nomad(NomadError::PermissionDenied { .. }) => "Permission denied",
        _ => "Something went wrong",
    };
    let text = match (missing, what.is_empty()) {
        (true, false) => format!("{} does not exist: it was deleted, or the link is wrong.", capitalized(&what)),
        (true, true) => "It does not exist: it was deleted, or the link is wrong.".to_string(),
        (false, false) => format!("Could not load {what}. {}", error.explain()),
        (false, true) => error.explain(),
    };
    Either::Right(view! {
        <div class="error-panel" role="alert" data-testid=if missing { "not-found" } else { "load-failed" }>
            <strong>{title}</strong>
            <p>{text}</p>
            {list.map(|l| view! { <p><a href=at(l.href)>{format!("All {}", l.label)}</a></p> })}
        </div>
    })
}

/// Tells the server's session check that Nomad refused this page's token: a deleted
/// token is refused the same way, and the check then ends its session.
fn refused_mark() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            axum::http::HeaderName::from_static(crate::server::auth::DENIED_HEADER),
            axum::http::HeaderValue::from_static("1"),
        );
    }
}

/// Makes the server's answer a 404 (the page is rendered whole before it is sent).
fn not_found_status() {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
}
