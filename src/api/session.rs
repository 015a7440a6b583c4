//! Who is signed in, and the one-shot messages of the sign-in flow.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// The signed-in token as pages see it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionInfo {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    /// Unix seconds.
    pub expires_at: Option<i64>,
    /// The server's clock when this was made (unix seconds), so the first
    /// render in the browser shows exactly what the server rendered.
    pub server_now: i64,
    pub nomad_address: String,
    pub region: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashView {
    Error,
    Info,
    Bootstrapped,
    /// A single sign-on that did not work.
    SsoError,
}

/// A message left by the previous request (e.g. a refused sign-in).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlashMessage {
    pub kind: FlashView,
    pub message: String,
    /// Only for `Bootstrapped`: the new management secret, shown once.
    pub secret: Option<String>,
}

#[server(output = JsonText)]
pub async fn get_session_info() -> Result<Option<SessionInfo>, ApiError> {
    let client = super::context::nomad();
    Ok(super::context::session().ok().map(|s| SessionInfo {
        accessor_id: s.accessor_id,
        name: s.name,
        token_type: s.token_type,
        expires_at: s.expires_at,
        server_now: time::OffsetDateTime::now_utc().unix_timestamp(),
        nomad_address: client.address().to_string(),
        region: client.region().map(str::to_string),
    }))
}

/// Reads and removes the one-shot message, if any.
#[server(output = JsonText)]
pub async fn take_flash() -> Result<Option<FlashMessage>, ApiError> {
    use crate::server::session::{is_https, FlashKind, SessionKeys};
    let keys = expect_context::<SessionKeys>();
    let Some(parts) = use_context::<axum::http::request::Parts>() else { return Ok(None) };
    let Some(flash) = keys.read_flash(&parts.headers) else { return Ok(None) };
    // A token secret is for its token's page, not for this one.
    if flash.kind == FlashKind::TokenSecret {
        return Ok(None);
    }
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.append_header(axum::http::header::SET_COOKIE, keys.clear_flash(is_https(&parts.headers, &parts.uri)));
    }
    Ok(Some(FlashMessage {
        kind: match flash.kind {
            FlashKind::Error => FlashView::Error,
            FlashKind::Info => FlashView::Info,
            FlashKind::SsoError => FlashView::SsoError,
            FlashKind::Bootstrapped | FlashKind::TokenSecret => FlashView::Bootstrapped,
        },
        message: flash.message,
        secret: flash.secret.map(|s| s.expose().to_string()),
    }))
}

/// When the browser still holds a session whose token has expired: the time
/// it ended (unix seconds), so the sign-in page can say why the user is there.
#[server(output = JsonText)]
pub async fn get_ended_session() -> Result<Option<i64>, ApiError> {
    use crate::server::session::SessionKeys;
    let keys = expect_context::<SessionKeys>();
    let Some(parts) = use_context::<axum::http::request::Parts>() else { return Ok(None) };
    Ok(keys.read(&parts.headers).filter(|s| s.is_expired(time::OffsetDateTime::now_utc())).and_then(|s| s.expires_at))
}
