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
    /// The region this page shows: its `?region=`, else `NOMAD_REGION`, else the
    /// agent's own (`None` when the agent may not be asked).
    pub region: Option<String>,
    /// Every region of the federation, when there is more than one.
    pub regions: Vec<String>,
    /// Where global tokens and the ACL objects live, when known.
    pub authoritative: Option<String>,
    /// For a local token, the region it lives in (when known); `None` for a global one.
    pub token_region: Option<String>,
}

impl SessionInfo {
    /// A local token shown a region that does not hold it: Nomad refuses it there.
    pub fn token_elsewhere(&self) -> Option<(&str, &str)> {
        match (self.token_region.as_deref(), self.region.as_deref()) {
            (Some(home), Some(here)) if home != here => Some((home, here)),
            _ => None,
        }
    }
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
    use super::context::{caller, nomad, region, session};
    let client = nomad();
    let Ok(s) = session() else { return Ok(None) };
    let page_region = region()?;
    let home = caller()?.query;
    // A region list that cannot be read shows no switcher; the page says what failed.
    let regions = client.regions_kept().await.unwrap_or_default();
    let agent = if regions.len() > 1 { client.agent_regions_kept(&home).await.ok() } else { None };
    let default_region = client.region().map(str::to_string).or_else(|| agent.as_ref().map(|a| a.region.clone()));
    let token_region = if s.global { None } else { s.region.clone().or_else(|| default_region.clone()) };
    Ok(Some(SessionInfo {
        accessor_id: s.accessor_id,
        name: s.name,
        token_type: s.token_type,
        expires_at: s.expires_at,
        server_now: time::OffsetDateTime::now_utc().unix_timestamp(),
        nomad_address: client.address().to_string(),
        region: page_region.or(default_region),
        regions: if regions.len() > 1 { regions } else { Vec::new() },
        authoritative: agent.map(|a| a.authoritative),
        token_region,
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
