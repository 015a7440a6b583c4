//! Sign-in, sign-out, one-time-token sign-in and bootstrap: plain form posts
//! and redirects (post/redirect/get), so they work before the wasm loads.
//! Outcomes reach the next page as an encrypted one-shot cookie ("flash").

use axum::extract::{Form, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use time::OffsetDateTime;

use super::session::{is_https, Flash, FlashKind, Session};
use super::AppState;
use crate::links::RegionParam;
use crate::nomad::client::{NomadClient, QueryOptions, WriteOptions};
use crate::nomad::error::NomadError;
use crate::nomad::models::{AclToken, SecretId};

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    return_to: String,
    /// The JWT auth method to log in with when `secret` is a JWT (empty: the default one).
    #[serde(default)]
    jwt_method: String,
}

/// Only a path of this console may be a redirect target: one `/` followed by
/// anything but `/` or `\`, and no control character or space anywhere. Browsers
/// drop tabs and line breaks from a URL and read `\` as `/`, so `/\t/evil` and
/// `/\evil` would lead to another origin.
pub fn safe_return_to(raw: &str) -> String {
    let mut chars = raw.chars();
    let ok = chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    if ok && !raw.starts_with("/sign-in") {
        raw.to_string()
    } else {
        "/".to_string()
    }
}

pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

pub(crate) fn see_other(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let mut res = (StatusCode::SEE_OTHER, [(header::LOCATION, location.to_string())]).into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

pub(crate) fn sign_in_url(return_to: &str) -> String {
    if return_to == "/" {
        "/sign-in".to_string()
    } else {
        format!("/sign-in?return_to={}", url::form_urlencoded::byte_serialize(return_to.as_bytes()).collect::<String>())
    }
}

/// A session for `token`, confirmed in `region` (`None`: the default region).
pub(crate) fn session_for(token: &AclToken, secret: SecretId, region: Option<&str>) -> Session {
    let mut session = Session::new(
        secret,
        token.accessor_id.clone(),
        token.name.clone(),
        token.token_type.clone(),
        token.expiration_time.map(|t| t.unix_timestamp()),
    );
    session.region = region.map(str::to_string);
    session.global = token.global;
    session
}

/// The region a sign-in is for: the one of the page it returns to.
fn region_of_return(return_to: &str) -> Option<String> {
    let query = return_to.split_once('?').map_or("", |(_, q)| q);
    RegionParam::from_query(query.split('#').next().unwrap_or("")).named().map(str::to_string)
}

fn format_time(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| t.format(&time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC")).ok())
        .unwrap_or_else(|| "an unknown time".to_string())
}

/// Why Nomad refused a token, in words that say what to do.
pub fn explain_refusal(err: &NomadError, client: &NomadClient, expired_at: Option<i64>) -> String {
    match err {
        NomadError::PermissionDenied { .. } => "Nomad does not know this token. Check that you pasted the whole \
             Secret ID (not the Accessor ID) and that the token was not deleted."
            .to_string(),
        NomadError::Server { message, .. } if message.ends_with("ACL token expired") => match expired_at {
            Some(t) => format!("This token expired at {}. Sign in with another token.", format_time(t)),
            None => "This token has expired. Sign in with another token.".to_string(),
        },
        e if e.is_acl_disabled() => "ACLs are disabled on this Nomad cluster (acl.enabled is false): \
             there are no tokens or policies to manage."
            .to_string(),
        NomadError::Unreachable { reason, .. } => {
            format!("Cannot reach Nomad at {}: {reason}. Check that it is running and reachable.", client.address())
        }
        NomadError::Timeout { .. } => format!("Nomad at {} did not answer in time. Try again.", client.address()),
        other => format!("Nomad refused the sign-in: {other}"),
    }
}

/// `POST /sign-in`: check the pasted secret with `GET /v1/acl/token/self`.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<SignInForm>,
) -> Response {
    let https = is_https(&headers, &uri);
    let return_to = safe_return_to(&form.return_to);
    let secret = form.secret.trim();
    let fail = |message: String| {
        let flash = Flash { kind: FlashKind::Error, message, secret: None };
        see_other(&sign_in_url(&return_to), vec![state.sessions.set_flash(&flash, https)])
    };
    if secret.is_empty() {
        return fail("Paste the Secret ID of your Nomad token.".to_string());
    }
    if super::sso::is_jwt(secret) {
        return match super::sso::jwt_login(&state, secret, &form.jwt_method).await {
            Ok(token) => {
                let session = session_for(&token, token.secret_id.clone(), None);
                see_other(&return_to, vec![state.sessions.set_cookie(&session, https)])
            }
            Err(message) => fail(message),
        };
    }
    if !is_uuid(secret) {
        return fail(
            "This is not a Nomad token Secret ID: it should be a UUID like 6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21."
                .to_string(),
        );
    }
    let secret = SecretId::new(secret.to_string());
    let region = region_of_return(&return_to);
    let mut q = QueryOptions::new().with_token(secret.clone());
    if let Some(r) = &region {
        q = q.with_region(r.clone());
    }
    match state.nomad.acl_tokens().get_self(&q).await {
        Ok((token, _)) if token.accessor_id == "acls-disabled" => {
            fail("ACLs are disabled on this Nomad cluster (acl.enabled is false): there is nothing to manage.".into())
        }
        Ok((token, _)) => {
            tracing::info!(accessor = %token.accessor_id, "signed in");
            let session = session_for(&token, secret, region.as_deref());
            see_other(&return_to, vec![state.sessions.set_cookie(&session, https)])
        }
        Err(err) => {
            // An expired session for this very secret knows when it ended.
            let expired_at = state
                .sessions
                .read(&headers)
                .filter(|s| s.secret.expose() == secret.expose())
                .and_then(|s| s.expires_at);
            fail(explain_refusal(&err, &state.nomad, expired_at))
        }
    }
}

/// `POST /sign-out`: the cookie is removed, and its session revoked so that a copy
/// of it replayed later is refused too.
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let https = is_https(&headers, &uri);
    if let Some(session) = state.sessions.read(&headers) {
        state.sessions.revoke(&session);
    }
    let flash = Flash { kind: FlashKind::Info, message: "You are signed out.".to_string(), secret: None };
    see_other("/sign-in", vec![state.sessions.clear_cookie(https), state.sessions.set_flash(&flash, https)])
}

/// `POST /sign-in/bootstrap`: bootstrap the ACL system and sign in with the new token.
pub async fn bootstrap(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let https = is_https(&headers, &uri);
    match state.nomad.acl_tokens().bootstrap(None, &WriteOptions::new()).await {
        Ok((token, _)) => {
            tracing::info!(accessor = %token.accessor_id, "ACL system bootstrapped");
            let session = session_for(&token, token.secret_id.clone(), None);
            let flash = Flash {
                kind: FlashKind::Bootstrapped,
                message: "The ACL system is bootstrapped. This is its management token.".to_string(),
                secret: Some(token.secret_id.clone()),
            };
            see_other(
                "/bootstrapped",
                vec![state.sessions.set_cookie(&session, https), state.sessions.set_flash(&flash, https)],
            )
        }
        Err(err) => {
            let message = match &err {
                NomadError::InvalidRequest { message } if message.starts_with("ACL bootstrap already done") => {
                    format!("This cluster's ACL system is already bootstrapped ({message}). Sign in with a token.")
                }
                e => explain_refusal(e, &state.nomad, None),
            };
            let flash = Flash { kind: FlashKind::Error, message, secret: None };
            see_other("/sign-in", vec![state.sessions.set_flash(&flash, https)])
        }
    }
}

/// Confirms the session's token with Nomad about once a minute (`SessionKeys::needs_recheck`), on any
/// request, so a token deleted or expired in Nomad (by the CLI, Terraform, another
/// console) ends its sessions on every replica within that time. When Nomad cannot
/// be reached the session is kept: an outage does not sign everyone out.
pub async fn session_recheck(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/sign-in") || path == "/sign-out" || super::limit::exempt(path) && path != "/live" {
        return next.run(req).await;
    }
    let Some(session) = state.sessions.current(req.headers()) else { return next.run(req).await };
    let https = is_https(req.headers(), req.uri());
    let cookies = if state.sessions.needs_recheck(&session, OffsetDateTime::now_utc()) {
        let cookies = recheck(&state, &session, https).await;
        if cookies.ended {
            super::session::strip_session(req.headers_mut());
        }
        Some(cookies)
    } else {
        None
    };
    let here = req.uri().path_and_query().map_or("/", |p| p.as_str()).to_string();
    let is_page = req.method() == axum::http::Method::GET && !here.starts_with("/api/");
    let mut res = next.run(req).await;
    let denied = res.headers_mut().remove(DENIED_HEADER).is_some();
    // Nomad answers a deleted token with "Permission denied", as it answers a token
    // that lacks a right: a refusal is the moment to ask Nomad whether the token
    // still exists, and to end the session now rather than at the next check.
    let cookies = match cookies {
        Some(c) => c,
        None if denied || refused_as_signed_out(&res) => {
            let c = recheck(&state, &session, https).await;
            if c.ended {
                if is_page {
                    let back = crate::links::percent_encode(&safe_return_to(&here), true);
                    res = see_other(&format!("/sign-in?return_to={back}"), vec![]);
                } else if here.starts_with("/api/") {
                    res = signed_out_answer();
                }
            }
            c
        }
        None => return res,
    };
    for c in cookies.set {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// Set by a page that showed Nomad's refusal, for [`session_recheck`] (never sent on).
pub const DENIED_HEADER: &str = "x-nac-nomad-refused";

/// A server function's answer once its session ended: `NotSignedIn`, which the page
/// turns into the way to sign in.
fn signed_out_answer() -> Response {
    let body = serde_json::to_string(&crate::api::error::ApiError::NotSignedIn).unwrap_or_default();
    let mut res = Response::new(axum::body::Body::from(body));
    *res.status_mut() = axum::http::StatusCode::UNAUTHORIZED;
    res.headers_mut().insert(header::CONTENT_TYPE, axum::http::HeaderValue::from_static("application/json"));
    res
}

/// A server function's refusal (403, or 401 once its token is gone) or a page
/// sending the user to sign in.
fn refused_as_signed_out(res: &Response) -> bool {
    matches!(res.status(), axum::http::StatusCode::UNAUTHORIZED | axum::http::StatusCode::FORBIDDEN)
        || (res.status().is_redirection()
            && res
                .headers()
                .get(header::LOCATION)
                .and_then(|l| l.to_str().ok())
                .is_some_and(|l| l.starts_with("/sign-in")))
}

struct Recheck {
    /// Nomad refused the token: the session is over.
    ended: bool,
    set: Vec<axum::http::HeaderValue>,
}

/// Asks Nomad whether `session`'s token still works: renews the cookie's check time,
/// or ends the session with the reason for the sign-in page. When Nomad cannot be
/// reached the session is kept: an outage does not sign everyone out.
async fn recheck(state: &AppState, session: &super::session::Session, https: bool) -> Recheck {
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut q = QueryOptions::new().with_token(session.secret.clone());
    if let Some(r) = &session.region {
        q = q.with_region(r.clone());
    }
    match state.nomad.acl_tokens().get_self(&q).await {
        Ok((token, _)) if token.accessor_id == session.accessor_id => {
            state.sessions.confirmed(session, now);
            let mut confirmed = session.clone();
            confirmed.checked_at = now;
            confirmed.expires_at = token.expiration_time.map(|t| t.unix_timestamp());
            Recheck { ended: false, set: vec![state.sessions.set_cookie(&confirmed, https)] }
        }
        Err(NomadError::Unreachable { .. } | NomadError::Timeout { .. }) => Recheck { ended: false, set: vec![] },
        Err(NomadError::Server { status, ref message }) if status >= 500 && !message.ends_with("ACL token expired") => {
            Recheck { ended: false, set: vec![] }
        }
        outcome => {
            let expired = matches!(&outcome, Err(NomadError::Server { message, .. } | NomadError::PermissionDenied { message }) if message.ends_with("ACL token expired"));
            tracing::info!(accessor = %session.accessor_id, expired, "session ended: Nomad no longer accepts its token");
            let message = if expired {
                "Your token has expired. Sign in with another token.".to_string()
            } else {
                "Your session ended: Nomad no longer knows its token (it was deleted). Sign in again.".to_string()
            };
            let flash = Flash { kind: FlashKind::Error, message, secret: None };
            Recheck {
                ended: true,
                set: vec![state.sessions.clear_cookie(https), state.sessions.set_flash(&flash, https)],
            }
        }
    }
}

/// A signed-out visit of a signed-in page (a bookmark, a link, a reload after the
/// session ended) answers `303 See Other` to the sign-in page, which returns to the
/// page, query included, after signing in. Browsers without JavaScript follow it too.
pub async fn signed_out_redirect(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let open = matches!(path, "/sign-in" | "/bootstrapped") || path.starts_with("/api/");
    if req.method() != axum::http::Method::GET || open || state.sessions.current(req.headers()).is_some() {
        return next.run(req).await;
    }
    let here = safe_return_to(req.uri().path_and_query().map_or("/", |p| p.as_str()));
    // Encoded as the page shell encodes it when a session ends in the browser.
    let target = if here == "/" {
        "/sign-in".to_string()
    } else {
        format!("/sign-in?return_to={}", crate::links::percent_encode(&here, true))
    };
    see_other(&target, vec![])
}

/// A one-time token waiting for the user to confirm that it may replace their session.
const PENDING_OTT: &str = "nac_ott";

#[derive(serde::Serialize, Deserialize)]
struct PendingOtt {
    ott: String,
    return_to: String,
}

/// `GET /sign-in?ott=...`: exchange a one-time token (as `nomad ui -authenticate`
/// links carry) for a session, then redirect so the secret leaves the URL.
///
/// When the browser is already signed in, the link could be an attacker's, made to
/// switch the victim to the attacker's identity (login CSRF): the token is sealed in
/// a short-lived cookie instead, and the sign-in page asks before replacing the session.
pub async fn one_time_token_layer(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if req.method() != axum::http::Method::GET || req.uri().path() != "/sign-in" {
        return next.run(req).await;
    }
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(req.uri().query().unwrap_or("").as_bytes()).into_owned().collect();
    let Some(ott) = params.iter().find(|(k, _)| k == "ott").map(|(_, v)| v.trim().to_string()) else {
        return next.run(req).await;
    };
    let return_to = safe_return_to(params.iter().find(|(k, _)| k == "return_to").map_or("/", |(_, v)| v));
    let https = is_https(req.headers(), req.uri());
    if state.sessions.current(req.headers()).is_some() {
        let pending = serde_json::to_string(&PendingOtt { ott, return_to }).unwrap_or_default();
        let sealed =
            state.sessions.set_sealed_lax(PENDING_OTT, "/sign-in", pending, time::Duration::minutes(10), https);
        return see_other("/sign-in?switch=1", vec![sealed]);
    }
    exchange_one_time(&state, &ott, &return_to, https, vec![]).await
}

/// `POST /sign-in/one-time`: the user confirmed that the link's token replaces their session.
pub async fn confirm_one_time(State(state): State<AppState>, headers: HeaderMap, uri: Uri) -> Response {
    let https = is_https(&headers, &uri);
    let clear = state.sessions.clear_sealed(PENDING_OTT, "/sign-in", https);
    let pending: Option<PendingOtt> =
        state.sessions.read_sealed(&headers, PENDING_OTT).and_then(|v| serde_json::from_str(&v).ok());
    let Some(pending) = pending else {
        let flash = Flash {
            kind: FlashKind::Error,
            message: "This sign-in link is no longer waiting (10 minutes passed, or it was used): open it again."
                .to_string(),
            secret: None,
        };
        return see_other("/sign-in", vec![clear, state.sessions.set_flash(&flash, https)]);
    };
    if let Some(old) = state.sessions.read(&headers) {
        state.sessions.revoke(&old);
    }
    exchange_one_time(&state, &pending.ott, &safe_return_to(&pending.return_to), https, vec![clear]).await
}

async fn exchange_one_time(
    state: &AppState,
    ott: &str,
    return_to: &str,
    https: bool,
    mut cookies: Vec<HeaderValue>,
) -> Response {
    let outcome = if is_uuid(ott) {
        state.nomad.acl_tokens().exchange_one_time(&SecretId::new(ott.to_string()), &WriteOptions::new()).await.map_err(
            |e| match e {
                NomadError::PermissionDenied { .. } => "This sign-in link is not valid: one-time tokens work once and \
                     for 10 minutes. Create a new one with `nomad ui -authenticate`."
                    .to_string(),
                other => explain_refusal(&other, &state.nomad, None),
            },
        )
    } else {
        Err("This sign-in link is malformed: its one-time token is not a UUID.".to_string())
    };
    match outcome {
        Ok((token, _)) => {
            tracing::info!(accessor = %token.accessor_id, "signed in with a one-time token");
            let session = session_for(&token, token.secret_id.clone(), None);
            cookies.push(state.sessions.set_cookie(&session, https));
            see_other(return_to, cookies)
        }
        Err(message) => {
            let flash = Flash { kind: FlashKind::Error, message, secret: None };
            cookies.push(state.sessions.set_flash(&flash, https));
            see_other("/sign-in", cookies)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn return_to_only_allows_local_paths() {
        assert_eq!(safe_return_to("/tokens?page=2"), "/tokens?page=2");
        assert_eq!(safe_return_to("//evil.example/x"), "/");
        assert_eq!(safe_return_to("/\\evil.example"), "/");
        assert_eq!(safe_return_to("https://evil.example"), "/");
        assert_eq!(safe_return_to("/sign-in"), "/");
        assert_eq!(safe_return_to(""), "/");
        assert_eq!(safe_return_to("/"), "/");
        assert_eq!(safe_return_to("/roles/r%2F1"), "/roles/r%2F1");
        for evil in
            ["/\t/evil/a", "/\n/evil", "/\r\n/evil", "\t//evil", " //evil", "/ /evil", "/\u{0}/evil", "/\u{b}/x"]
        {
            assert_eq!(safe_return_to(evil), "/", "{evil:?}");
        }
    }

    proptest::proptest! {
        /// Whatever comes in, what goes out is read by a URL parser as a path of
        /// this origin.
        #[test]
        fn return_to_never_leaves_the_origin(raw in any_text()) {
            let target = safe_return_to(&raw);
            let base = url::Url::parse("https://console.example/x").unwrap();
            let resolved = base.join(&target).unwrap();
            proptest::prop_assert_eq!(resolved.origin(), base.origin(), "{:?} -> {:?}", raw, target);
        }
    }

    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop::sample::select(vec![
            "/", "\\", "\t", "\n", "\r", " ", "evil", ".", ":", "%2F", "@", "?", "#", "http:",
        ]);
        prop_oneof![any::<String>(), prop::collection::vec(piece, 0..8).prop_map(|v| v.concat())]
    }

    #[test]
    fn uuid_shape() {
        assert!(is_uuid("6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21"));
        assert!(!is_uuid("6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c2"));
        assert!(!is_uuid("6bd5f3a87c434d53a0ab9b1f5e4b3c21aaaa"));
        assert!(!is_uuid("zbd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21"));
    }
}
