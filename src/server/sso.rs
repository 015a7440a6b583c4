//! Single sign-on with a Nomad OIDC auth method, as plain form posts and
//! redirects like the token sign-in:
//!
//! 1. `POST /sign-in/oidc` (from the sign-in page, CSRF-checked like every post) asks
//!    Nomad for the provider URL (`/v1/acl/oidc/auth-url`) with a fresh random client
//!    nonce and this console's callback as redirect URI, keeps the nonce, the method and
//!    the provider's `state` in a sealed ten-minute cookie, and answers a same-origin
//!    page that moves on to the provider by itself. A 303 to the provider would be the
//!    end of a form submission, which the pages' `form-action 'self'` forbids to leave
//!    our origin (Chromium blocks it, with or without JavaScript); a navigation started
//!    by a page of ours is not a form submission, so the CSP stays as strict as it is.
//! 2. `GET /sign-in/oidc/callback` checks the provider's `state` against that cookie,
//!    trades the code for a token (`/v1/acl/oidc/complete-auth`) and signs in with it.
//!
//! The code, the nonce and the new token's secret are never logged or put in a URL.

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::auth::{explain_refusal, safe_return_to, see_other, session_for, sign_in_url};
use super::session::{is_https, Flash, FlashKind};
use super::AppState;
use crate::nomad::client::WriteOptions;
use crate::nomad::client::{OidcAuthUrlRequest, OidcCompleteAuthRequest};
use crate::nomad::error::NomadError;
use crate::nomad::models::SecretId;

/// The sealed cookie of a sign-in in progress; only the callback gets it.
const PENDING: &str = "nac_oidc";
const CALLBACK: &str = "/sign-in/oidc/callback";

#[derive(Debug, Deserialize)]
pub struct StartForm {
    #[serde(default)]
    method: String,
    #[serde(default)]
    return_to: String,
}

/// A sign-in in progress.
#[derive(Clone, Serialize, Deserialize)]
pub struct Pending {
    pub method: String,
    pub nonce: String,
    /// The `state` of the provider URL Nomad made, when it has one.
    pub state: Option<String>,
    pub redirect_uri: String,
    pub return_to: String,
}

/// What the provider sends back.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CallbackQuery {
    code: String,
    state: String,
    iss: String,
    error: String,
    error_description: String,
}

/// This console's callback URL, as the browser reaches it (`X-Forwarded-Host` first).
pub fn callback_url(headers: &HeaderMap, https: bool) -> String {
    let host = headers
        .get("x-forwarded-host")
        .or_else(|| headers.get(header::HOST))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(str::trim)
        .unwrap_or("localhost");
    format!("{}://{host}{CALLBACK}", if https { "https" } else { "http" })
}

/// 256 random bits, hex (as Nomad's UI makes its client nonce).
fn nonce() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The `state` query parameter of the provider URL, if it has one.
pub fn state_of(auth_url: &str) -> Option<String> {
    let url = url::Url::parse(auth_url).ok()?;
    let state = url.query_pairs().find(|(k, _)| k == "state").map(|(_, v)| v.into_owned());
    state
}

/// Why the sign-in could not start or finish, in words that say what to do.
pub fn explain(err: &NomadError, method: &str, client: &crate::nomad::client::NomadClient) -> String {
    match err {
        NomadError::Server { status: 501, message } => format!(
            "SSO is unavailable: this Nomad server does not implement OIDC sign-in; sign in with a token instead. \
             (Nomad said: {message})"
        ),
        NomadError::InvalidRequest { message } => {
            format!("Nomad refused the sign-in with {method}: {message}")
        }
        NomadError::PermissionDenied { .. } => {
            format!("Nomad refused the sign-in with {method}: no binding rule gave this identity a role or policy.")
        }
        NomadError::Unreachable { .. } | NomadError::Timeout { .. } => explain_refusal(err, client, None),
        other => format!("The sign-in with {method} did not work: {other}"),
    }
}

/// Why Nomad cannot start an OIDC sign-in with `method` right now, asked the way the
/// sign-in button asks (auth-url with a fresh nonce, which Nomad only keeps until it
/// expires); `None` when it can, or when Nomad did not say (slow, unreachable: the
/// button stays and its click reports). Kept a minute per method and callback, so
/// the sign-in page does not ask on every view.
pub async fn unavailable(
    client: &crate::nomad::client::NomadClient,
    method: &str,
    redirect_uri: &str,
) -> Option<String> {
    use std::collections::HashMap;
    use std::sync::{Mutex, OnceLock};
    use std::time::{Duration, Instant};
    type Seen = HashMap<(String, String), (Instant, Option<String>)>;
    static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
    const KEEP: Duration = Duration::from_secs(60);
    // Callbacks come from the Host header: bound what a stream of made-up hosts can hold.
    const MOST: usize = 256;
    let key = (method.to_string(), redirect_uri.to_string());
    let seen = SEEN.get_or_init(Default::default);
    if let Some((at, why)) = seen.lock().unwrap_or_else(|e| e.into_inner()).get(&key) {
        if at.elapsed() < KEEP {
            return why.clone();
        }
    }
    let req = OidcAuthUrlRequest {
        auth_method_name: method.to_string(),
        redirect_uri: redirect_uri.to_string(),
        client_nonce: nonce(),
    };
    let asked = tokio::time::timeout(
        Duration::from_secs(3),
        client.acl_auth_methods().oidc_auth_url(&req, &WriteOptions::new()),
    )
    .await;
    let why = match asked {
        Ok(Err(NomadError::Server { status: 501, .. })) => {
            Some("This Nomad server does not implement OIDC sign-in: sign in with a token.".to_string())
        }
        Ok(Err(NomadError::InvalidRequest { message } | NomadError::Server { message, .. })) => {
            Some(format!("Nomad cannot start a sign-in with {method} now: {message}"))
        }
        _ => None,
    };
    let mut map = seen.lock().unwrap_or_else(|e| e.into_inner());
    if map.len() >= MOST {
        map.clear();
    }
    map.insert(key, (Instant::now(), why.clone()));
    why
}

/// The complete-auth request for a provider's answer, or why it cannot be trusted.
pub fn check_callback(pending: Option<&Pending>, q: &CallbackQuery) -> Result<OidcCompleteAuthRequest, String> {
    if !q.error.is_empty() {
        // Anyone can send a browser here with any text: the detail goes to the log
        // only (bounded, escaped by the Debug formatting), the user sees a fixed text.
        tracing::info!(
            error = ?bounded(&q.error, 64),
            description = ?bounded(&q.error_description, 256),
            "the identity provider refused an OIDC sign-in"
        );
        return Err(PROVIDER_REFUSED.to_string());
    }
    let Some(p) = pending else {
        return Err("This sign-in was not started here, or took longer than 10 minutes. Start it again.".to_string());
    };
    if q.code.is_empty() || q.state.is_empty() {
        return Err("The identity provider's answer lacks its code or state. Start the sign-in again.".to_string());
    }
    if p.state.as_deref().is_some_and(|s| s != q.state) {
        return Err("The identity provider's answer does not belong to the sign-in started here (its state \
                    differs). Start the sign-in again."
            .to_string());
    }
    Ok(OidcCompleteAuthRequest {
        auth_method_name: p.method.clone(),
        client_nonce: p.nonce.clone(),
        state: q.state.clone(),
        code: SecretId::new(q.code.clone()),
        iss: q.iss.clone(),
        redirect_uri: p.redirect_uri.clone(),
    })
}

/// What the user reads when the provider answers an error instead of a code.
pub const PROVIDER_REFUSED: &str =
    "The identity provider did not sign you in. Try again, or ask your administrator to check the auth method.";

/// At most `max` characters of `s`, for the log.
fn bounded(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;").replace('\'', "&#39;")
}

/// A page that moves on to `location` by itself. After a cross-site redirect from the
/// provider, the browser would not send the `SameSite=Strict` session cookie with a
/// plain redirect; a navigation started by the console's own page carries it. It is
/// also how a sign-in leaves for the provider: the page's refresh is a navigation of
/// its own, which `form-action` does not govern.
pub fn continue_page(location: &str, cookies: Vec<HeaderValue>) -> Response {
    let href = html_escape(location);
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta http-equiv=\"refresh\" \
         content=\"0;url={href}\"><title>Signing in · Nomad ACL Console</title></head><body><p>Signing in… \
         <a href=\"{href}\">Continue</a></p></body></html>"
    );
    let mut res = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        body,
    )
        .into_response();
    for c in cookies {
        res.headers_mut().append(header::SET_COOKIE, c);
    }
    res
}

/// `POST /sign-in/oidc`: start the OIDC flow of one method.
pub async fn start(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<StartForm>,
) -> Response {
    let https = is_https(&headers, &uri);
    let return_to = safe_return_to(&form.return_to);
    let method = form.method.trim().to_string();
    let fail = |message: String| {
        let flash = Flash { kind: FlashKind::SsoError, message, secret: None };
        see_other(&sign_in_url(&return_to), vec![state.sessions.set_flash(&flash, https)])
    };
    if method.is_empty() {
        return fail("Choose an auth method to sign in with.".to_string());
    }
    let redirect_uri = callback_url(&headers, https);
    let req = OidcAuthUrlRequest {
        auth_method_name: method.clone(),
        redirect_uri: redirect_uri.clone(),
        client_nonce: nonce(),
    };
    match state.nomad.acl_auth_methods().oidc_auth_url(&req, &WriteOptions::new()).await {
        Ok((resp, _)) => {
            let provider = match url::Url::parse(&resp.auth_url) {
                Ok(u) if matches!(u.scheme(), "https" | "http") => u,
                _ => return fail(format!("Nomad answered an unusable provider URL for {method}.")),
            };
            let pending = Pending {
                method: method.clone(),
                nonce: req.client_nonce,
                state: state_of(&resp.auth_url),
                redirect_uri,
                return_to: return_to.clone(),
            };
            let sealed = state.sessions.set_sealed_lax(
                PENDING,
                CALLBACK,
                serde_json::to_string(&pending).expect("serializes"),
                time::Duration::minutes(10),
                https,
            );
            tracing::info!(method = %method, "OIDC sign-in started");
            // The parsed form: quotes and spaces percent-encoded, so the refresh URL
            // cannot end early.
            continue_page(provider.as_str(), vec![sealed])
        }
        Err(e) => {
            tracing::info!(method = %method, status = ?e.status(), "OIDC sign-in could not start");
            fail(explain(&e, &method, &state.nomad))
        }
    }
}

/// `GET /sign-in/oidc/callback`: finish the flow and sign in.
pub async fn callback(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    q: Query<CallbackQuery>,
) -> Response {
    let https = is_https(&headers, &uri);
    let pending: Option<Pending> =
        state.sessions.read_sealed(&headers, PENDING).and_then(|v| serde_json::from_str(&v).ok());
    let clear = state.sessions.clear_sealed(PENDING, CALLBACK, https);
    let return_to = pending.as_ref().map_or_else(|| "/".to_string(), |p| safe_return_to(&p.return_to));
    let fail = |message: String, clear: HeaderValue| {
        let flash = Flash { kind: FlashKind::SsoError, message, secret: None };
        continue_page(&sign_in_url(&return_to), vec![clear, state.sessions.set_flash(&flash, https)])
    };
    let req = match check_callback(pending.as_ref(), &q) {
        Ok(r) => r,
        Err(m) => return fail(m, clear),
    };
    match state.nomad.acl_auth_methods().oidc_complete_auth(&req, &WriteOptions::new()).await {
        Ok((token, _)) => {
            tracing::info!(accessor = %token.accessor_id, method = %req.auth_method_name, "signed in with SSO");
            let session = session_for(&token, token.secret_id.clone(), None);
            continue_page(&return_to, vec![clear, state.sessions.set_cookie(&session, https)])
        }
        Err(e) => fail(explain(&e, &req.auth_method_name, &state.nomad), clear),
    }
}

/// Whether a pasted sign-in text is a JWT rather than a Secret ID (Nomad's UI rule:
/// longer than a UUID, three base64url parts).
pub fn is_jwt(s: &str) -> bool {
    let part = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    let parts: Vec<&str> = s.split('.').collect();
    s.len() > 36 && parts.len() == 3 && parts.iter().all(|p| part(p))
}

/// The JWT method to log in with: the one chosen, else the default JWT method, else
/// the only one.
pub fn pick_jwt_method(
    chosen: &str,
    methods: &[crate::nomad::models::AclAuthMethodListStub],
) -> Result<String, String> {
    let jwt: Vec<_> = methods.iter().filter(|m| m.method_type == "JWT").collect();
    if !chosen.is_empty() {
        return Ok(chosen.to_string());
    }
    match (jwt.iter().find(|m| m.default), jwt.as_slice()) {
        (Some(m), _) => Ok(m.name.clone()),
        (None, [only]) => Ok(only.name.clone()),
        (None, []) => {
            Err("You pasted a JWT, but this cluster has no JWT auth method. Paste a token's Secret ID.".into())
        }
        (None, _) => Err("Several JWT auth methods exist: choose the one to sign in with.".into()),
    }
}

/// Trades a JWT for a token (`/v1/acl/login`), or says why not.
pub async fn jwt_login(state: &AppState, jwt: &str, chosen: &str) -> Result<crate::nomad::models::AclToken, String> {
    let (methods, _) = state
        .nomad
        .acl_auth_methods()
        .list(&crate::nomad::client::QueryOptions::new())
        .await
        .map_err(|e| explain_refusal(&e, &state.nomad, None))?;
    let method = pick_jwt_method(chosen.trim(), &methods)?;
    let req = crate::nomad::client::LoginRequest {
        auth_method_name: method.clone(),
        login_token: SecretId::new(jwt.to_string()),
    };
    match state.nomad.acl_auth_methods().login(&req, &WriteOptions::new()).await {
        Ok((token, _)) => {
            tracing::info!(accessor = %token.accessor_id, method = %method, "signed in with a JWT");
            Ok(token)
        }
        Err(NomadError::Server { status: 501, message }) => Err(format!(
            "JWT sign-in is unavailable: this Nomad server does not implement login. The console's demo mode runs an \
             embedded Nomad without it; sign in with a token instead. (Nomad said: {message})"
        )),
        Err(NomadError::Server { status: 401, message }) => {
            Err(format!("Nomad could not validate this JWT with {method}: {message}"))
        }
        Err(e) => Err(explain(&e, &method, &state.nomad)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending() -> Pending {
        Pending {
            method: "okta".into(),
            nonce: "n0nce".into(),
            state: Some("st-1".into()),
            redirect_uri: "http://c/sign-in/oidc/callback".into(),
            return_to: "/tokens".into(),
        }
    }

    fn answer(code: &str, state: &str) -> CallbackQuery {
        CallbackQuery { code: code.into(), state: state.into(), ..Default::default() }
    }

    #[test]
    fn a_matching_answer_becomes_the_complete_auth_request() {
        let r =
            check_callback(Some(&pending()), &CallbackQuery { iss: "https://idp".into(), ..answer("c0de", "st-1") })
                .unwrap();
        assert_eq!((r.auth_method_name.as_str(), r.client_nonce.as_str()), ("okta", "n0nce"));
        assert_eq!((r.state.as_str(), r.code.expose(), r.iss.as_str()), ("st-1", "c0de", "https://idp"));
        assert_eq!(r.redirect_uri, "http://c/sign-in/oidc/callback");
        assert!(!format!("{r:?}").contains("c0de"), "the code is a secret");
    }

    #[test]
    fn foreign_stale_or_refused_answers_are_refused() {
        assert!(check_callback(Some(&pending()), &answer("c", "other")).unwrap_err().contains("state differs"));
        assert!(check_callback(None, &answer("c", "st-1")).unwrap_err().contains("not started here"));
        assert!(check_callback(Some(&pending()), &answer("", "st-1")).unwrap_err().contains("lacks its code"));
        let refused = CallbackQuery {
            error: "access_denied".into(),
            error_description: "Your session expired: call +1 555 0100 <b>now</b>".into(),
            ..Default::default()
        };
        // The provider's (or an attacker's) sentence is never shown, only a fixed text.
        assert_eq!(check_callback(Some(&pending()), &refused).unwrap_err(), PROVIDER_REFUSED);
        assert_eq!(check_callback(None, &refused).unwrap_err(), PROVIDER_REFUSED);
        // Without a state in the provider URL, Nomad checks the state itself.
        let p = Pending { state: None, ..pending() };
        assert!(check_callback(Some(&p), &answer("c", "anything")).is_ok());
    }

    #[test]
    fn state_and_callback_url() {
        assert_eq!(state_of("https://idp/auth?client_id=x&state=st%2D1&nonce=n").as_deref(), Some("st-1"));
        assert_eq!(state_of("https://idp/auth?client_id=x"), None);
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("console:3000"));
        assert_eq!(callback_url(&h, false), "http://console:3000/sign-in/oidc/callback");
        h.insert("x-forwarded-host", HeaderValue::from_static("acl.example"));
        assert_eq!(callback_url(&h, true), "https://acl.example/sign-in/oidc/callback");
        assert_eq!(nonce().len(), 64);
        assert_ne!(nonce(), nonce());
    }

    #[test]
    fn a_nomad_without_oidc_says_sso_is_unavailable() {
        let client = crate::nomad::client::NomadClient::new(&Default::default()).unwrap();
        let e = NomadError::Server { status: 501, message: "not implemented".into() };
        let m = explain(&e, "okta", &client);
        assert!(m.starts_with("SSO is unavailable") && m.contains("not implemented"), "{m}");
        let bad = NomadError::InvalidRequest { message: "auth-method \"x\" not found".into() };
        assert!(explain(&bad, "x", &client).contains("not found"));
    }

    /// A Nomad that implements the OIDC endpoints: it checks that complete-auth carries
    /// the nonce and redirect URI auth-url got, and answers a token.
    async fn mock_nomad(implemented: bool) -> String {
        use axum::routing::put;
        use std::sync::{Arc, Mutex};
        let seen: Arc<Mutex<Option<serde_json::Value>>> = Arc::default();
        let (a, b) = (seen.clone(), seen);
        let app = axum::Router::new()
            .route(
                "/v1/acl/oidc/auth-url",
                put(move |body: axum::Json<serde_json::Value>| async move {
                    if !implemented {
                        return (StatusCode::NOT_IMPLEMENTED, "devnomad does not implement OIDC/JWT login")
                            .into_response();
                    }
                    *a.lock().unwrap() = Some(body.0);
                    axum::Json(
                        serde_json::json!({"AuthURL": "https://idp.example/authorize?client_id=x&state=ST-1&nonce=n"}),
                    )
                    .into_response()
                }),
            )
            .route(
                "/v1/acl/oidc/complete-auth",
                put(move |body: axum::Json<serde_json::Value>| async move {
                    let started = b.lock().unwrap().clone().unwrap_or_default();
                    let ok = body["ClientNonce"] == started["ClientNonce"]
                        && body["RedirectURI"] == started["RedirectURI"]
                        && body["AuthMethodName"] == "okta"
                        && body["State"] == "ST-1"
                        && body["Code"] == "c0de";
                    if !ok {
                        return (StatusCode::BAD_REQUEST, format!("unexpected complete-auth {body:?}")).into_response();
                    }
                    axum::Json(serde_json::json!({
                        "AccessorID": "aaaaaaaa-1111-2222-3333-444444444444",
                        "SecretID": "bbbbbbbb-1111-2222-3333-444444444444",
                        "Name": "OIDC-alice@example.com",
                        "Type": "client",
                        "Policies": ["ops"],
                    }))
                    .into_response()
                }),
            );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        format!("http://{addr}")
    }

    fn console(nomad: String) -> (axum::Router, crate::server::session::SessionKeys) {
        use crate::server::session::{CookieSecure, SessionKeys};
        let keys = SessionKeys::random(CookieSecure::Auto);
        let config = crate::nomad::client::NomadConfig { address: nomad, ..Default::default() };
        let state = AppState::new(config, "127.0.0.1:0".parse().unwrap(), keys.clone()).unwrap();
        let app = axum::Router::new()
            .route("/sign-in/oidc", axum::routing::post(start))
            .route("/sign-in/oidc/callback", axum::routing::get(callback))
            .with_state(state);
        (app, keys)
    }

    fn set_cookies(res: &Response) -> Vec<String> {
        res.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
    }

    /// The `Cookie` header a browser would send back for `name`.
    fn cookie_pair(cookies: &[String], name: &str) -> HeaderValue {
        let c = cookies.iter().find(|c| c.starts_with(&format!("{name}="))).expect(name);
        HeaderValue::from_str(c.split(';').next().unwrap()).unwrap()
    }

    async fn post_start(app: &axum::Router) -> Response {
        use tower::ServiceExt;
        let req = axum::http::Request::post("/sign-in/oidc")
            .header(header::HOST, "console.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("method=okta&return_to=%2Froles"))
            .unwrap();
        app.clone().oneshot(req).await.unwrap()
    }

    async fn get_callback(app: &axum::Router, query: &str, cookie: Option<HeaderValue>) -> Response {
        use tower::ServiceExt;
        let mut req = axum::http::Request::get(format!("/sign-in/oidc/callback?{query}"));
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        app.clone().oneshot(req.body(axum::body::Body::empty()).unwrap()).await.unwrap()
    }

    async fn body_text(res: Response) -> String {
        String::from_utf8(axum::body::to_bytes(res.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap()
    }

    #[tokio::test]
    async fn the_whole_flow_signs_in_with_the_token_nomad_answers() {
        let (app, keys) = console(mock_nomad(true).await);
        let res = post_start(&app).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookies = set_cookies(&res);
        assert_eq!(refresh_target(&body_text(res).await), PROVIDER_URL);
        let pending = cookies.iter().find(|c| c.starts_with("nac_oidc=")).unwrap();
        assert!(pending.contains("HttpOnly") && pending.contains("SameSite=Lax"), "{pending}");
        assert!(pending.contains("Path=/sign-in/oidc/callback") && pending.contains("Max-Age=600"), "{pending}");
        let cookie = cookie_pair(&cookies, "nac_oidc");

        // A forged state is refused before Nomad is asked.
        let res = get_callback(&app, "code=c0de&state=FORGED", Some(cookie.clone())).await;
        let flash = keys.read_flash(&flash_headers(&res)).unwrap();
        assert!(flash.message.contains("state differs"));
        assert!(!set_cookies(&res).iter().any(|c| c.starts_with("nac_session=")));

        let res = get_callback(&app, "code=c0de&state=ST-1&iss=https%3A%2F%2Fidp.example", Some(cookie)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let cookies = set_cookies(&res);
        assert!(cookies.iter().any(|c| c.starts_with("nac_oidc=;") && c.contains("Max-Age=0")), "{cookies:?}");
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, cookie_pair(&cookies, "nac_session"));
        let session = keys.read(&h).expect("signed in");
        assert_eq!(session.secret.expose(), "bbbbbbbb-1111-2222-3333-444444444444");
        assert_eq!(session.name, "OIDC-alice@example.com");
        let body = body_text(res).await;
        assert!(body.contains("url=/roles") && !body.contains("bbbbbbbb"), "{body}");
    }

    fn flash_headers(res: &Response) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, cookie_pair(&set_cookies(res), "nac_flash"));
        h
    }

    #[tokio::test]
    async fn a_nomad_without_oidc_login_is_said_to_be_sso_unavailable() {
        let (app, keys) = console(mock_nomad(false).await);
        let res = post_start(&app).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(res.headers()[header::LOCATION], "/sign-in?return_to=%2Froles");
        let flash = keys.read_flash(&flash_headers(&res)).unwrap();
        assert_eq!(flash.kind, FlashKind::SsoError);
        assert!(flash.message.starts_with("SSO is unavailable"), "{}", flash.message);
        assert!(!set_cookies(&res).iter().any(|c| c.starts_with("nac_oidc=")));
    }

    /// The whole sign-in as a browser makes it, against the embedded Nomad and the demo
    /// identity provider: the start page's refresh, the provider's page and pick, and
    /// the callback that signs in with the token the binding rules made.
    #[tokio::test]
    async fn a_sign_in_with_the_demo_provider_ends_signed_in() {
        use tower::ServiceExt;
        let dn = crate::devnomad::DevNomad::new(Default::default()).unwrap();
        dn.seed_demo().unwrap();
        let issuer = dn.start_demo_sso().await.unwrap();
        let (app, keys) = console(dn.spawn_local().await.unwrap());
        let req = axum::http::Request::post("/sign-in/oidc")
            .header(header::HOST, "127.0.0.1:4321")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("method=demo-sso&return_to=%2Fprofile"))
            .unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let pending = cookie_pair(&set_cookies(&res), "nac_oidc");
        let provider = refresh_target(&body_text(res).await);
        assert!(provider.starts_with(&format!("{issuer}/authorize?")), "{provider}");

        let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        let page = http.get(&provider).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let mut form: Vec<(String, String)> = url::Url::parse(&provider).unwrap().query_pairs().into_owned().collect();
        form.push(("user".into(), "2".into()));
        let back = http.post(format!("{issuer}/authorize")).form(&form).send().await.unwrap();
        assert_eq!(back.status(), 303);
        let back = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
        assert_eq!(back.path(), CALLBACK);

        let res = get_callback(&app, back.query().unwrap(), Some(pending)).await;
        assert_eq!(res.status(), StatusCode::OK);
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, cookie_pair(&set_cookies(&res), "nac_session"));
        let session = keys.read(&h).expect("signed in");
        assert_eq!(session.name, "OIDC-carol");
        let body = body_text(res).await;
        assert_eq!(refresh_target(&body), "/profile");
        assert!(!body.contains(session.secret.expose()), "{body}");
    }

    #[test]
    fn jwts_and_their_method() {
        use crate::nomad::models::AclAuthMethodListStub;
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlLWJ5dGVz";
        assert!(is_jwt(jwt));
        assert!(!is_jwt("6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21"));
        assert!(!is_jwt("not-a-token"));
        assert!(!is_jwt("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.b"));
        let m = |n: &str, t: &str, d: bool| AclAuthMethodListStub {
            name: n.into(),
            method_type: t.into(),
            default: d,
            ..Default::default()
        };
        assert!(pick_jwt_method("", &[m("okta", "OIDC", true)]).unwrap_err().contains("no JWT auth method"));
        assert_eq!(pick_jwt_method("", &[m("okta", "OIDC", true), m("ci", "JWT", false)]).unwrap(), "ci");
        assert!(pick_jwt_method("", &[m("a", "JWT", false), m("b", "JWT", false)]).unwrap_err().contains("choose"));
        assert_eq!(pick_jwt_method("", &[m("a", "JWT", false), m("b", "JWT", true)]).unwrap(), "b");
        assert_eq!(pick_jwt_method("a", &[m("a", "JWT", false), m("b", "JWT", true)]).unwrap(), "a");
    }

    const PROVIDER_URL: &str = "https://idp.example/authorize?client_id=x&state=ST-1&nonce=n";

    /// Where a page's `<meta http-equiv="refresh">` sends the browser (attribute decoded).
    fn refresh_target(body: &str) -> String {
        let start = body.find("content=\"0;url=").expect("a refresh") + "content=\"0;url=".len();
        let end = start + body[start..].find('"').unwrap();
        body[start..end]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    }

    /// The sign-in form posts to our own origin (`form-action 'self'` allows that), and
    /// the answer must not be a redirect to the provider: Chromium applies `form-action`
    /// to a form submission's redirects and blocks one that leaves the origin. The answer
    /// is a page of ours whose refresh (not a form submission) goes to the provider.
    #[tokio::test]
    async fn the_start_answers_a_page_a_browser_under_our_csp_follows_to_the_provider() {
        assert!(super::super::headers::page_csp("n").contains("form-action 'self'"));
        let (app, _) = console(mock_nomad(true).await);
        let mut res = post_start(&app).await;
        super::super::headers::apply(&mut res);
        assert!(!res.status().is_redirection(), "a cross-origin redirect after a form post is blocked by form-action");
        assert!(res.headers().get(header::LOCATION).is_none());
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/html; charset=utf-8");
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
        // No script is needed to move on: the strict CSP of non-page answers stays.
        assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], super::super::headers::STRICT_CSP);
        let cookies = set_cookies(&res);
        assert!(cookies.iter().any(|c| c.starts_with("nac_oidc=")), "{cookies:?}");
        let body = body_text(res).await;
        assert_eq!(refresh_target(&body), PROVIDER_URL);
        assert!(!body.contains("<script"), "{body}");
    }

    #[test]
    fn the_continue_page_escapes_its_target() {
        let res = continue_page("/a\"<b>", vec![]);
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");
    }
}
