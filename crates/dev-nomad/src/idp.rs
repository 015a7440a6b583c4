//! Demo mode's identity provider: a small OpenID Connect provider on loopback, so a
//! new user can try single sign-on without an account anywhere.
//!
//! It publishes a discovery document and its key (ES256, a fresh key pair per run),
//! shows a few demo users with their groups to pick from, and trades the one-time code
//! for an ID token at its token endpoint (client secret and PKCE `S256` checked). Only
//! loopback redirect URIs are accepted, since it only ever serves this machine.
//! [`DevNomad::start_demo_sso`] starts it and adds an OIDC auth method pointing at it,
//! with binding rules that map the users' groups to a role, a policy and management.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Form, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Json;
use base64::Engine;
use serde_json::{json, Value};

use nomad_acl_core::duration::GoDuration;
use nomad_acl_core::models::{AclAuthMethod, AclAuthMethodConfig, AclBindingRule};

use super::login::pkce_challenge;
use super::state::{auth_method_hash, binding_rule_hash, State as NomadState};
use super::util::{new_uuid, now_utc};
use super::DevNomad;

/// The auth method demo mode signs in with.
pub const DEMO_METHOD: &str = "demo-sso";
const CLIENT_ID: &str = "nomad-acl-console-demo";
/// How long a code may wait for its exchange, and an ID token lives.
const CODE_TTL: Duration = Duration::from_secs(60);
const ID_TOKEN_SECS: i64 = 300;

/// A demo user: (login, full name, groups, what the binding rules make of it).
pub const DEMO_USERS: &[(&str, &str, &[&str], &str)] = &[
    ("alice", "Alice Admin", &["platform-admins"], "a management token"),
    ("bob", "Bob Oncall", &["platform-oncall"], "the ops-oncall role"),
    (
        "carol",
        "Carol Payments",
        &["payments-engineers", "platform-oncall"],
        "the ops-oncall role and the team-payments-dev policy",
    ),
    ("dave", "Dave Visitor", &["visitors"], "nothing: no binding rule matches, Nomad refuses the sign-in"),
];

/// (description, selector, bind type, bind name) of the demo method's rules.
const DEMO_RULES: &[(&str, &str, &str, &str)] = &[
    ("Demo SSO: platform-admins get a management token", r#""platform-admins" in list.groups"#, "management", ""),
    ("Demo SSO: platform-oncall gets the ops-oncall role", r#""platform-oncall" in list.groups"#, "role", "ops-oncall"),
    (
        "Demo SSO: payments engineers get the team's dev policy",
        r#""payments-engineers" in list.groups"#,
        "policy",
        "team-${value.team}-dev",
    ),
];

struct Grant {
    user: usize,
    redirect_uri: String,
    nonce: String,
    challenge: Option<String>,
    made: Instant,
}

pub struct Idp {
    issuer: String,
    client_secret: String,
    kid: String,
    signing: jsonwebtoken::EncodingKey,
    /// The public point's coordinates, base64url.
    x: String,
    y: String,
    codes: Mutex<HashMap<String, Grant>>,
    access: Mutex<HashMap<String, (usize, Instant)>>,
}

fn random(bytes: usize) -> String {
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn b64(b: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

impl Idp {
    fn new(issuer: String, client_secret: String) -> anyhow::Result<Self> {
        use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng)
            .map_err(|_| anyhow::anyhow!("demo identity provider: cannot make a key pair"))?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| anyhow::anyhow!("demo identity provider: cannot read its key pair"))?;
        // The uncompressed point: 0x04, then x and y (32 bytes each).
        let point = pair.public_key().as_ref();
        Ok(Idp {
            issuer,
            client_secret,
            kid: random(8),
            signing: jsonwebtoken::EncodingKey::from_ec_der(pkcs8.as_ref()),
            x: b64(&point[1..33]),
            y: b64(&point[33..65]),
            codes: Mutex::default(),
            access: Mutex::default(),
        })
    }

    fn codes(&self) -> std::sync::MutexGuard<'_, HashMap<String, Grant>> {
        self.codes.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn access(&self) -> std::sync::MutexGuard<'_, HashMap<String, (usize, Instant)>> {
        self.access.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The claims of a demo user (ID token and user info alike).
    fn user_claims(&self, user: usize) -> Value {
        let (login, name, groups, _) = DEMO_USERS[user];
        let team = if groups.contains(&"payments-engineers") { "payments" } else { "platform" };
        json!({
            "iss": self.issuer,
            "sub": format!("demo-{login}"),
            "preferred_username": login,
            "name": name,
            "email": format!("{login}@demo.example"),
            "team": team,
            "groups": groups,
        })
    }

    fn id_token(&self, user: usize, nonce: &str) -> Result<String, String> {
        let now = now_utc().unix_timestamp();
        let mut claims = self.user_claims(user);
        if let Value::Object(m) = &mut claims {
            m.insert("aud".into(), json!(CLIENT_ID));
            m.insert("iat".into(), json!(now));
            m.insert("exp".into(), json!(now + ID_TOKEN_SECS));
            m.insert("nonce".into(), json!(nonce));
        }
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
        header.kid = Some(self.kid.clone());
        jsonwebtoken::encode(&header, &claims, &self.signing).map_err(|e| e.to_string())
    }
}

/// The authorization request's parameters, checked; the error says what is wrong.
struct AuthRequest {
    redirect_uri: String,
    state: String,
    nonce: String,
    challenge: Option<String>,
}

fn check_request(q: &HashMap<String, String>) -> Result<AuthRequest, String> {
    let get = |k: &str| q.get(k).map(String::as_str).unwrap_or("");
    if get("client_id") != CLIENT_ID {
        return Err(format!("Unknown client. This provider only serves the client {CLIENT_ID}."));
    }
    if get("response_type") != "code" {
        return Err("Only the authorization code flow (response_type=code) is supported.".into());
    }
    if !get("scope").split(' ').any(|s| s == "openid") {
        return Err("The openid scope is missing.".into());
    }
    let redirect = url::Url::parse(get("redirect_uri")).map_err(|_| "The redirect URI is not a URL.".to_string())?;
    let loopback = matches!(redirect.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if !matches!(redirect.scheme(), "http" | "https") || !loopback || redirect.fragment().is_some() {
        return Err(
            "Only loopback redirect URIs (http://127.0.0.1:PORT/…, http://localhost:PORT/…) are allowed.".into()
        );
    }
    if get("state").is_empty() || get("nonce").is_empty() {
        return Err("The state or nonce is missing.".into());
    }
    let challenge = match (get("code_challenge"), get("code_challenge_method")) {
        ("", _) => None,
        (c, "S256") => Some(c.to_string()),
        _ => return Err("Only the S256 code challenge method is supported.".into()),
    };
    Ok(AuthRequest {
        redirect_uri: get("redirect_uri").to_string(),
        state: get("state").to_string(),
        nonce: get("nonce").to_string(),
        challenge,
    })
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// An HTML page of the provider. Inline styles only; no script. No `form-action`:
/// the pick answers a redirect to the console, which that directive would block.
fn page(status: StatusCode, title: &str, body: String) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title} · Demo identity provider</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2937}}\
         .user{{display:block;width:100%;text-align:left;margin:.5rem 0;padding:.75rem 1rem;border:1px solid #cbd5e1;\
         border-radius:.5rem;background:#f8fafc;cursor:pointer;font:inherit}}.user:hover{{background:#e2e8f0}}\
         .groups,.gets{{color:#475569;font-size:.9rem}}</style></head><body><h1>{title}</h1>{body}</body></html>",
        title = esc(title)
    );
    (
        status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (header::CONTENT_SECURITY_POLICY, "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        html,
    )
        .into_response()
}

fn hidden(q: &HashMap<String, String>) -> String {
    let keys = [
        "client_id",
        "response_type",
        "scope",
        "redirect_uri",
        "state",
        "nonce",
        "code_challenge",
        "code_challenge_method",
    ];
    keys.iter()
        .filter_map(|k| q.get(*k).map(|v| format!("<input type=\"hidden\" name=\"{k}\" value=\"{}\">", esc(v))))
        .collect()
}

/// `GET /authorize`: the users to sign in as.
async fn authorize(Query(q): Query<HashMap<String, String>>) -> Response {
    if let Err(e) = check_request(&q) {
        return page(StatusCode::BAD_REQUEST, "Cannot sign in", format!("<p>{}</p>", esc(&e)));
    }
    let mut body = String::from(
        "<p>This provider is part of the console's demo mode. Pick a user to sign in as; the \
         <code>demo-sso</code> auth method's binding rules turn its groups into a Nomad token.</p>\
         <form method=\"post\" action=\"/authorize\">",
    );
    body.push_str(&hidden(&q));
    for (i, (login, name, groups, gets)) in DEMO_USERS.iter().enumerate() {
        body.push_str(&format!(
            "<button class=\"user\" type=\"submit\" name=\"user\" value=\"{i}\" data-user=\"{login}\"><strong>{name}</strong> \
             ({login}@demo.example)<br><span class=\"groups\">groups: {}</span><br><span class=\"gets\">gets {}</span></button>",
            esc(&groups.join(", ")),
            esc(gets),
            name = esc(name),
        ));
    }
    body.push_str(
        "<button class=\"user\" type=\"submit\" name=\"user\" value=\"deny\">Cancel (the provider answers \
         access_denied)</button></form>",
    );
    page(StatusCode::OK, "Sign in to the demo", body)
}

/// `POST /authorize`: a user was picked; back to the client with a one-time code.
async fn pick(State(idp): State<Arc<Idp>>, Form(f): Form<HashMap<String, String>>) -> Response {
    let req = match check_request(&f) {
        Ok(r) => r,
        Err(e) => return page(StatusCode::BAD_REQUEST, "Cannot sign in", format!("<p>{}</p>", esc(&e))),
    };
    let Ok(mut back) = url::Url::parse(&req.redirect_uri) else {
        return page(StatusCode::BAD_REQUEST, "Cannot sign in", "<p>The redirect URI is not a URL.</p>".into());
    };
    let choice = f.get("user").map(String::as_str).unwrap_or("");
    match choice.parse::<usize>().ok().filter(|i| *i < DEMO_USERS.len()) {
        Some(user) => {
            let code = random(32);
            let mut codes = idp.codes();
            codes.retain(|_, g| g.made.elapsed() < CODE_TTL);
            codes.insert(
                code.clone(),
                Grant {
                    user,
                    redirect_uri: req.redirect_uri.clone(),
                    nonce: req.nonce,
                    challenge: req.challenge,
                    made: Instant::now(),
                },
            );
            back.query_pairs_mut().append_pair("code", &code);
        }
        None => {
            back.query_pairs_mut()
                .append_pair("error", "access_denied")
                .append_pair("error_description", "The user cancelled the sign-in.");
        }
    }
    back.query_pairs_mut().append_pair("state", &req.state).append_pair("iss", &idp.issuer);
    (StatusCode::SEE_OTHER, [(header::LOCATION, back.to_string()), (header::CACHE_CONTROL, "no-store".into())])
        .into_response()
}

fn oauth_error(status: StatusCode, code: &str, description: &str) -> Response {
    (status, [(header::CACHE_CONTROL, "no-store")], Json(json!({ "error": code, "error_description": description })))
        .into_response()
}

/// Equality whose time does not depend on where the inputs differ.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The client's credentials: HTTP basic auth, else the form's.
fn client_credentials(headers: &HeaderMap, f: &HashMap<String, String>) -> (String, String) {
    let basic = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|v| base64::engine::general_purpose::STANDARD.decode(v.trim()).ok())
        .and_then(|b| String::from_utf8(b).ok());
    if let Some((id, secret)) = basic.as_deref().and_then(|s| s.split_once(':')) {
        let dec =
            |s: &str| url::form_urlencoded::parse(format!("x={s}").as_bytes()).next().map(|(_, v)| v.into_owned());
        return (dec(id).unwrap_or_default(), dec(secret).unwrap_or_default());
    }
    let get = |k: &str| f.get(k).cloned().unwrap_or_default();
    (get("client_id"), get("client_secret"))
}

/// `POST /token`: a one-time code for tokens.
async fn token(State(idp): State<Arc<Idp>>, headers: HeaderMap, Form(f): Form<HashMap<String, String>>) -> Response {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let (id, secret) = client_credentials(&headers, &f);
    let secret_ok = same(secret.as_bytes(), idp.client_secret.as_bytes());
    if id != CLIENT_ID || !secret_ok {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client", "Unknown client or wrong client secret.");
    }
    if get("grant_type") != "authorization_code" {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", "Only authorization_code is supported.");
    }
    // A code is tried once, whatever the outcome.
    let Some(grant) = idp.codes().remove(get("code")) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Unknown or already used code.");
    };
    if grant.made.elapsed() >= CODE_TTL {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "The code expired.");
    }
    if get("redirect_uri") != grant.redirect_uri {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "The redirect URI differs from the authorization request's.",
        );
    }
    if let Some(challenge) = &grant.challenge {
        let verifier = get("code_verifier");
        let ok = !verifier.is_empty() && same(pkce_challenge(verifier).as_bytes(), challenge.as_bytes());
        if !ok {
            return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "PKCE verification failed.");
        }
    }
    let id_token = match idp.id_token(grant.user, &grant.nonce) {
        Ok(t) => t,
        Err(e) => return oauth_error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", &e),
    };
    let access = random(32);
    {
        let mut a = idp.access();
        a.retain(|_, (_, made)| made.elapsed() < Duration::from_secs(ID_TOKEN_SECS as u64));
        a.insert(access.clone(), (grant.user, Instant::now()));
    }
    tracing::info!(user = DEMO_USERS[grant.user].0, "demo identity provider: signed a user in");
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "access_token": access,
            "token_type": "Bearer",
            "expires_in": ID_TOKEN_SECS,
            "id_token": id_token,
        })),
    )
        .into_response()
}

/// `GET /userinfo`.
async fn userinfo(State(idp): State<Arc<Idp>>, headers: HeaderMap) -> Response {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let user = idp.access().get(bearer).map(|(u, _)| *u);
    match user {
        Some(u) => Json(idp.user_claims(u)).into_response(),
        None => oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", "Unknown access token."),
    }
}

async fn discovery(State(idp): State<Arc<Idp>>) -> Response {
    let i = &idp.issuer;
    Json(json!({
        "issuer": i,
        "authorization_endpoint": format!("{i}/authorize"),
        "token_endpoint": format!("{i}/token"),
        "userinfo_endpoint": format!("{i}/userinfo"),
        "jwks_uri": format!("{i}/keys"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["ES256"],
        "scopes_supported": ["openid", "profile", "email", "groups"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "code_challenge_methods_supported": ["S256"],
        "authorization_response_iss_parameter_supported": true,
    }))
    .into_response()
}

async fn keys(State(idp): State<Arc<Idp>>) -> Response {
    Json(json!({ "keys": [{
        "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256",
        "kid": idp.kid, "x": idp.x, "y": idp.y,
    }]}))
    .into_response()
}

fn router(idp: Arc<Idp>) -> axum::Router {
    axum::Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/keys", get(keys))
        .route("/authorize", get(authorize).post(pick))
        .route("/token", axum::routing::post(token))
        .route("/userinfo", get(userinfo))
        .with_state(idp)
}

/// Starts the provider on 127.0.0.1 (a free port); returns its issuer URL and the
/// client secret it expects.
pub async fn spawn_local() -> anyhow::Result<(String, String)> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let issuer = format!("http://{}", listener.local_addr()?);
    let secret = random(24);
    let idp = Arc::new(Idp::new(issuer.clone(), secret.clone())?);
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router(idp)).await {
            tracing::error!(error = %e, "demo identity provider stopped");
        }
    });
    Ok((issuer, secret))
}

/// The demo auth method (pointing at `issuer`) and its binding rules. Its tokens live
/// 8 hours, or less when the server allows less (`max_ttl`, nanoseconds).
pub fn seed_demo_sso(s: &mut NomadState, issuer: &str, client_secret: &str, max_ttl: i64) {
    const HOUR: i64 = 3600 * 1_000_000_000;
    let now = now_utc();
    let idx = s.next_index();
    let created = s.auth_methods.get(DEMO_METHOD).map(|m| (m.create_time, m.create_index));
    let mut m = AclAuthMethod {
        max_token_ttl: GoDuration((8 * HOUR).min(max_ttl)),
        name: DEMO_METHOD.into(),
        method_type: "OIDC".into(),
        token_locality: "local".into(),
        token_name_format: "${auth_method_type}-${value.username}".into(),
        default: false,
        config: Some(AclAuthMethodConfig {
            oidc_discovery_url: issuer.into(),
            oidc_client_id: CLIENT_ID.into(),
            oidc_client_secret: client_secret.into(),
            oidc_enable_pkce: true,
            oidc_scopes: Some(vec!["profile".into(), "email".into(), "groups".into()]),
            bound_audiences: Some(vec![CLIENT_ID.into()]),
            // Loopback redirect URIs match whatever the port the console listens on.
            allowed_redirect_uris: Some(vec![
                "http://127.0.0.1/sign-in/oidc/callback".into(),
                "http://localhost/sign-in/oidc/callback".into(),
            ]),
            signing_algs: Some(vec!["ES256".into()]),
            claim_mappings: Some(BTreeMap::from([
                ("preferred_username".to_string(), "username".to_string()),
                ("email".to_string(), "email".to_string()),
                ("team".to_string(), "team".to_string()),
            ])),
            list_claim_mappings: Some(BTreeMap::from([("groups".to_string(), "groups".to_string())])),
            ..Default::default()
        }),
        create_time: created.map_or(now, |c| c.0),
        modify_time: now,
        create_index: created.map_or(idx, |c| c.1),
        modify_index: idx,
        ..Default::default()
    };
    m.hash = Some(auth_method_hash(&m));
    s.auth_methods.insert(m.name.clone(), m);
    s.tables.acl_auth_methods = idx;
    if s.binding_rules.values().any(|r| r.auth_method == DEMO_METHOD) {
        return;
    }
    for (description, selector, bind_type, bind_name) in DEMO_RULES {
        let idx = s.next_index();
        let mut r = AclBindingRule {
            id: new_uuid(),
            description: (*description).into(),
            auth_method: DEMO_METHOD.into(),
            selector: (*selector).into(),
            bind_type: (*bind_type).into(),
            bind_name: (*bind_name).into(),
            create_time: now,
            modify_time: now,
            create_index: idx,
            modify_index: idx,
            ..Default::default()
        };
        r.hash = Some(binding_rule_hash(&r));
        s.binding_rules.insert(r.id.clone(), r);
        s.tables.acl_binding_rules = idx;
    }
}

impl DevNomad {
    /// Demo mode: starts the built-in identity provider and adds the `demo-sso` OIDC
    /// auth method and its binding rules. Returns the provider's URL.
    pub async fn start_demo_sso(&self) -> anyhow::Result<String> {
        let (issuer, secret) = spawn_local().await?;
        let max_ttl = self.inner.max_ttl_nanos();
        self.inner.write(|s| seed_demo_sso(s, &issuer, &secret, max_ttl));
        Ok(issuer)
    }
}
