//! Token secrets, shown only when the user asks: once after creating or renewing a
//! token, and on "Reveal". A secret travels to the next page in the encrypted one-shot
//! cookie, never in a URL, and is in no page's HTML unless one of those just happened.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;

/// A secret to show once, and why it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShownSecret {
    pub secret: String,
    /// `created`, `renewed` or `revealed`.
    pub why: String,
    /// For a renewal: what happened to the old token.
    pub note: String,
}

/// The secret left for this token's page by the previous request, if any (and removes it).
#[server(output = JsonText)]
pub async fn take_token_secret(accessor_id: String) -> Result<Option<ShownSecret>, ApiError> {
    use crate::api::context::cached;
    let key = format!("take_token_secret:{accessor_id}");
    cached(key, async move { Ok(ssr::take(&accessor_id)) }).await
}

/// The token's secret, fetched on an explicit "Reveal" (a POST, so never cached or
/// prefetched). Posted without JavaScript, it comes back through the one-shot cookie.
#[server(output = JsonText)]
pub async fn reveal_token_secret(accessor_id: String) -> Result<String, ApiError> {
    use crate::api::context::{caller, error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let page = format!("/tokens/{}", crate::links::percent_encode(&accessor_id, false));
    let (plain, courier) = (plain_form_post(), ssr::Courier::new());
    let outcome = async {
        let s = caller()?;
        let (token, _) = s.nomad.clone().acl_tokens().get(&accessor_id, &s.query).await?;
        Ok::<_, ApiError>(token)
    }
    .await;
    match outcome {
        Ok(token) => {
            if plain {
                courier.leave(&token.accessor_id, &token.secret_id, "revealed", "");
                crate::api::context::redirect(&format!("{page}?revealed=1"));
                // The secret rides in the sealed cookie; the redirect's body stays empty.
                return Ok(String::new());
            }
            Ok(token.secret_id.expose().to_string())
        }
        Err(e) => {
            if plain {
                crate::api::context::redirect(&error_url(&page, RevealTokenSecret::PATH, &e, &[]));
            }
            Err(e)
        }
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::ShownSecret;
    use crate::nomad::models::SecretId;
    use crate::server::session::{is_https, Flash, FlashKind, SessionKeys};
    use axum::http::request::Parts;
    use leptos::prelude::*;

    /// Carries a secret to the next page. Made before the first `.await`: Leptos'
    /// context is not always there after one.
    pub struct Courier {
        keys: Option<SessionKeys>,
        https: bool,
        res: Option<leptos_axum::ResponseOptions>,
    }

    impl Courier {
        pub fn new() -> Self {
            let parts = use_context::<Parts>();
            Courier {
                keys: use_context::<SessionKeys>(),
                https: parts.as_ref().is_some_and(|p| is_https(&p.headers, &p.uri)),
                res: use_context::<leptos_axum::ResponseOptions>(),
            }
        }

        /// Sets the one-shot cookie carrying `secret` to `accessor`'s page.
        pub fn leave(&self, accessor: &str, secret: &SecretId, why: &str, note: &str) {
            let (Some(keys), Some(res)) = (&self.keys, &self.res) else { return };
            let flash = Flash {
                kind: FlashKind::TokenSecret,
                message: format!("{accessor}\n{why}\n{note}"),
                secret: Some(secret.clone()),
            };
            res.append_header(axum::http::header::SET_COOKIE, keys.set_flash(&flash, self.https));
        }
    }

    /// The secret left for `accessor`, removing it. A secret left for another token stays.
    pub fn take(accessor: &str) -> Option<ShownSecret> {
        let keys = use_context::<SessionKeys>()?;
        let parts = use_context::<Parts>()?;
        let flash = keys.read_flash(&parts.headers)?;
        if flash.kind != FlashKind::TokenSecret {
            return None;
        }
        let mut lines = flash.message.splitn(3, '\n');
        let (for_accessor, why, note) = (lines.next()?, lines.next().unwrap_or(""), lines.next().unwrap_or(""));
        if !for_accessor.eq_ignore_ascii_case(accessor) {
            return None;
        }
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            res.append_header(axum::http::header::SET_COOKIE, keys.clear_flash(is_https(&parts.headers, &parts.uri)));
        }
        Some(ShownSecret { secret: flash.secret?.expose().to_string(), why: why.to_string(), note: note.to_string() })
    }
}
