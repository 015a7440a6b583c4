//! Nomad's SSO logins: the OIDC authorization-code flow (`/v1/acl/oidc/auth-url`,
//! `/v1/acl/oidc/complete-auth`) and JWT login (`/v1/acl/login`), both ending in the
//! auth method's binding rules and a new token. Status codes and texts follow Nomad's
//! ACL endpoint and the libraries it uses (provider errors keep their wording, with
//! shorter operation prefixes).
//!
//! Nothing secret (codes, verifiers, ID tokens, the client secret, new SecretIDs) is
//! logged; `VerboseLogging` adds the claims and the rules' verdicts at debug level.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value};

use nomad_acl_core::duration::GoDuration;
use nomad_acl_core::models::{
    AclAuthMethod, AclAuthMethodConfig, AclToken, AclTokenRoleLink, SecretId, BIND_TYPE_MANAGEMENT, BIND_TYPE_POLICY,
    BIND_TYPE_ROLE, TOKEN_TYPE_CLIENT, TOKEN_TYPE_MANAGEMENT,
};
use nomad_acl_core::selector::{self, MappedClaims, Verdict};

use super::body::{decode, Obj, Ty};
use super::http::{error, rpc_prelude, write_ok, Req};
use super::state::State;
use super::tokens::upsert_token;
use super::util::{multierror, now_utc, ApiError};
use super::Inner;

/// How long an auth URL's request waits for its completion, and the deadline of the
/// provider calls (Nomad: 60 s each).
const REQUEST_TTL: Duration = Duration::from_secs(60);
const DEFAULT_TOKEN_NAME_FORMAT: &str = "${auth_method_type}-${auth_method_name}";
/// `jwt.DefaultLeewaySeconds` and `jwt.DefaultLeeway` of the JWT library Nomad uses.
const DEFAULT_LEEWAY_SECS: i64 = 150;
const DEFAULT_CLOCK_SKEW_SECS: i64 = 60;

static AUTH_URL_REQUEST: Obj = Obj {
    name: "ACLOIDCAuthURLRequest",
    fields: &[
        ("AuthMethodName", Ty::Str),
        ("RedirectURI", Ty::Str),
        ("ClientNonce", Ty::Str),
        ("Region", Ty::Str),
        ("Namespace", Ty::Str),
        ("AuthToken", Ty::Str),
    ],
};

static COMPLETE_AUTH_REQUEST: Obj = Obj {
    name: "ACLOIDCCompleteAuthRequest",
    fields: &[
        ("AuthMethodName", Ty::Str),
        ("ClientNonce", Ty::Str),
        ("State", Ty::Str),
        ("Code", Ty::Str),
        ("Iss", Ty::Str),
        ("RedirectURI", Ty::Str),
        ("Region", Ty::Str),
        ("Namespace", Ty::Str),
        ("AuthToken", Ty::Str),
    ],
};

static LOGIN_REQUEST: Obj = Obj {
    name: "ACLLoginRequest",
    fields: &[
        ("AuthMethodName", Ty::Str),
        ("LoginToken", Ty::Str),
        ("Region", Ty::Str),
        ("Namespace", Ty::Str),
        ("AuthToken", Ty::Str),
    ],
};

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct AuthUrlArgs {
    auth_method_name: String,
    #[serde(rename = "RedirectURI")]
    redirect_uri: String,
    client_nonce: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct CompleteAuthArgs {
    auth_method_name: String,
    client_nonce: String,
    state: String,
    code: SecretId,
    iss: String,
    #[serde(rename = "RedirectURI")]
    redirect_uri: String,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "PascalCase", default)]
struct LoginArgs {
    auth_method_name: String,
    login_token: SecretId,
}

/// An authorization request made by auth-url, waiting for complete-auth (Nomad keeps
/// them in memory by client nonce, and so do we).
#[derive(Clone)]
struct OidcRequest {
    state: String,
    redirect_uri: String,
    /// The PKCE code verifier, when the method enables PKCE.
    verifier: Option<SecretId>,
    made: Instant,
}

/// The requests of sign-ins in progress.
#[derive(Default)]
pub struct OidcRequests(Mutex<HashMap<String, OidcRequest>>);

impl OidcRequests {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, OidcRequest>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The live request of `nonce`, or the one `make` makes (a repeated auth-url with the
    /// same nonce gets the same state and verifier).
    fn load_or_add(&self, nonce: &str, make: impl FnOnce() -> OidcRequest) -> OidcRequest {
        let mut m = self.lock();
        m.retain(|_, r| r.made.elapsed() < REQUEST_TTL);
        m.entry(nonce.to_string()).or_insert_with(make).clone()
    }

    fn load_and_delete(&self, nonce: &str) -> Option<OidcRequest> {
        self.lock().remove(nonce)
    }
}

fn random_token(bytes: usize) -> String {
    use base64::Engine;
    use rand::RngCore;
    let mut b = vec![0u8; bytes];
    rand::thread_rng().fill_bytes(&mut b);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

/// PKCE `S256`: base64url(SHA-256(verifier)).
pub fn pkce_challenge(verifier: &str) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest.as_ref())
}

fn put_or_post(req: &Req) -> Result<(), ApiError> {
    if req.method == "PUT" || req.method == "POST" {
        Ok(())
    } else {
        Err(ApiError::method_not_allowed())
    }
}

fn invalid(kind: &str, errs: Vec<&str>) -> Result<(), ApiError> {
    if errs.is_empty() {
        return Ok(());
    }
    let errs: Vec<String> = errs.into_iter().map(String::from).collect();
    Err(ApiError::bad_request(format!("invalid {kind} request: {}", multierror(&errs))))
}

fn method_named(inner: &Inner, name: &str) -> Result<AclAuthMethod, ApiError> {
    inner
        .read(|s| s.auth_methods.get(name).cloned())
        .ok_or_else(|| ApiError::bad_request(format!("auth-method {name:?} not found")))
}

fn config_of(m: &AclAuthMethod) -> AclAuthMethodConfig {
    m.config.clone().unwrap_or_default()
}

fn list(v: &Option<Vec<String>>) -> &[String] {
    v.as_deref().unwrap_or(&[])
}

// ---- the provider, as a relying party sees it --------------------------------------------

fn http_client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .timeout(REQUEST_TTL)
        // An unreachable provider fails the sign-in soon rather than at the deadline.
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

async fn get_json(client: &reqwest::Client, url: &str, bearer: Option<&str>) -> Result<Value, String> {
    let mut rb = client.get(url).header("Accept", "application/json");
    if let Some(b) = bearer {
        rb = rb.bearer_auth(b);
    }
    let res = rb.send().await.map_err(|e| format!("Get {url:?}: {}", without_url(&e)))?;
    let status = res.status();
    let body = res.bytes().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{status}: {}", String::from_utf8_lossy(&body[..body.len().min(512)])));
    }
    serde_json::from_slice(&body).map_err(|e| format!("failed to decode the answer of {url}: {e}"))
}

/// reqwest's error text without the URL it repeats.
fn without_url(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = String::new();
    let mut cur: Option<&dyn Error> = e.source();
    while let Some(c) = cur {
        if !s.is_empty() {
            s.push_str(": ");
        }
        s.push_str(&c.to_string());
        cur = c.source();
    }
    if s.is_empty() {
        e.to_string()
    } else {
        s
    }
}

/// The provider's discovery document; its issuer must be the discovery URL itself.
async fn discover(client: &reqwest::Client, issuer: &str) -> Result<Map<String, Value>, String> {
    let url = format!("{}/.well-known/openid-configuration", issuer.trim_end_matches('/'));
    let doc = match get_json(client, &url, None).await? {
        Value::Object(m) => m,
        _ => return Err("oidc: the discovery document is not a JSON object".into()),
    };
    let got = doc.get("issuer").and_then(Value::as_str).unwrap_or("");
    if got != issuer {
        return Err(format!(
            "oidc: issuer did not match the issuer returned by provider, expected {issuer:?} got {got:?}"
        ));
    }
    Ok(doc)
}

fn doc_str<'a>(doc: &'a Map<String, Value>, key: &str) -> &'a str {
    doc.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The Nomad check of a redirect URI against `AllowedRedirectURIs`: exact, except that
/// loopback URIs match whatever their port (as OAuth wants for native clients).
fn redirect_allowed(allowed: &[String], uri: &str) -> Result<(), String> {
    if allowed.is_empty() {
        return Ok(());
    }
    let unauthorized = || format!("redirect URI {uri}: unauthorized redirect_uri");
    let input =
        url::Url::parse(uri).map_err(|e| format!("redirect URI {uri} is an invalid URI {e}: invalid parameter"))?;
    let loopback = matches!(input.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"));
    if !loopback {
        return if allowed.iter().any(|a| a == uri) { Ok(()) } else { Err(unauthorized()) };
    }
    let portless = |mut u: url::Url| {
        let _ = u.set_port(None);
        u.to_string()
    };
    let want = portless(input);
    for a in allowed {
        let parsed = url::Url::parse(a)
            .map_err(|e| format!("allowed redirect URI {a} is an invalid URI {e}: invalid parameter"))?;
        if portless(parsed) == want {
            return Ok(());
        }
    }
    Err(unauthorized())
}

/// A JWT's signature against `keys` (tried in turn, the one naming the token's `kid`
/// first) with an algorithm among `algs` (RS256 when none). Returns the claims; the
/// registered claims are checked by the caller, as Nomad does.
fn verify_signature(token: &str, keys: &[jsonwebtoken::DecodingKey], algs: &[String]) -> Result<Value, String> {
    use jsonwebtoken::{Algorithm, Validation};
    let header = jsonwebtoken::decode_header(token).map_err(|e| format!("error parsing token: {e}"))?;
    let allowed: Vec<Algorithm> =
        if algs.is_empty() { vec![Algorithm::RS256] } else { algs.iter().filter_map(|a| a.parse().ok()).collect() };
    if !allowed.contains(&header.alg) {
        return Err("token signed with unexpected algorithm".into());
    }
    let mut v = Validation::new(header.alg);
    v.validate_exp = false;
    v.validate_nbf = false;
    v.validate_aud = false;
    v.required_spec_claims.clear();
    let mut last = "no keys to verify the signature with".to_string();
    for key in keys {
        match jsonwebtoken::decode::<Value>(token, key, &v) {
            Ok(data) => return Ok(data.claims),
            Err(e) => last = format!("failed to verify id token signature: {e}"),
        }
    }
    Err(last)
}

/// The keys of a JWKS document, the ones naming `kid` first.
fn jwks_keys(doc: &Value, kid: Option<&str>) -> Result<Vec<jsonwebtoken::DecodingKey>, String> {
    let set: jsonwebtoken::jwk::JwkSet =
        serde_json::from_value(doc.clone()).map_err(|e| format!("failed to decode keys: {e}"))?;
    let mut keys: Vec<&jsonwebtoken::jwk::Jwk> = set.keys.iter().collect();
    if let Some(kid) = kid {
        keys.sort_by_key(|k| k.common.key_id.as_deref() != Some(kid));
    }
    Ok(keys.into_iter().filter_map(|k| jsonwebtoken::DecodingKey::from_jwk(k).ok()).collect())
}

fn kid_of(token: &str) -> Option<String> {
    jsonwebtoken::decode_header(token).ok().and_then(|h| h.kid)
}

fn num(claims: &Value, key: &str) -> i64 {
    claims.get(key).and_then(Value::as_f64).map_or(0, |f| f as i64)
}

fn audiences(claims: &Value) -> Vec<String> {
    match claims.get("aud") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        _ => Vec::new(),
    }
}

fn secs(d: GoDuration) -> i64 {
    d.as_nanos() / 1_000_000_000
}

/// A leeway: the default when zero, none when negative.
fn leeway(d: GoDuration, default: i64) -> i64 {
    match secs(d) {
        s if s < 0 => 0,
        0 if d.as_nanos() == 0 => default,
        s => s,
    }
}

/// The JWT library's checks of a login JWT's audience and times.
fn check_jwt_claims(claims: &Value, c: &AclAuthMethodConfig, now: i64) -> Result<(), String> {
    let bound = list(&c.bound_audiences);
    if !bound.is_empty() {
        let aud = audiences(claims);
        if !bound.iter().any(|b| aud.contains(b)) {
            return Err("invalid audience (aud) claim: audience claim does not match any expected audience".into());
        }
    }
    let (iat, mut exp, mut nbf) = (num(claims, "iat"), num(claims, "exp"), num(claims, "nbf"));
    if iat == 0 && exp == 0 && nbf == 0 {
        return Err("no issued at (iat), not before (nbf), or expiration time (exp) claims in token".into());
    }
    if exp == 0 {
        exp = iat.max(nbf) + leeway(c.expiration_leeway, DEFAULT_LEEWAY_SECS);
    }
    if nbf == 0 {
        nbf = if iat != 0 { iat } else { exp - leeway(c.not_before_leeway, DEFAULT_LEEWAY_SECS) };
    }
    let skew = leeway(c.clock_skew_leeway, DEFAULT_CLOCK_SKEW_SECS);
    if now + skew < nbf {
        return Err("invalid not before (nbf) claim: token not yet valid".into());
    }
    if now - skew > exp {
        return Err("invalid expiration time (exp) claim: token is expired".into());
    }
    if iat != 0 && now + skew < iat {
        return Err("invalid issued at (iat) claim: token issued in the future".into());
    }
    Ok(())
}

fn unix_now() -> i64 {
    now_utc().unix_timestamp()
}

/// Nomad's JWT validation of a login token: the key set (static keys, JWKS, or the OIDC
/// provider's), the signature, the times and audience, then `BoundIssuer`.
async fn validate_jwt(token: &str, c: &AclAuthMethodConfig) -> Result<Value, String> {
    let kid = kid_of(token);
    let keys: Vec<jsonwebtoken::DecodingKey> = if !list(&c.jwt_validation_pub_keys).is_empty() {
        let mut keys = Vec::new();
        for pem in list(&c.jwt_validation_pub_keys) {
            let b = pem.as_bytes();
            let key = jsonwebtoken::DecodingKey::from_rsa_pem(b)
                .or_else(|_| jsonwebtoken::DecodingKey::from_ec_pem(b))
                .or_else(|_| jsonwebtoken::DecodingKey::from_ed_pem(b))
                .map_err(|_| "unable to parse public key for JWT auth: data does not contain any valid public keys")?;
            keys.push(key);
        }
        keys
    } else if !c.jwks_url.is_empty() {
        let client = http_client()?;
        let doc = get_json(&client, &c.jwks_url, None)
            .await
            .map_err(|e| format!("unable to get validation keys from JWKS: {e}"))?;
        jwks_keys(&doc, kid.as_deref()).map_err(|e| format!("unable to get validation keys from JWKS: {e}"))?
    } else if !c.oidc_discovery_url.is_empty() {
        let client = http_client()?;
        let fail = |e: String| format!("unable to get validation keys from OIDC provider: {e}");
        let doc = discover(&client, &c.oidc_discovery_url).await.map_err(fail)?;
        let jwks = get_json(&client, doc_str(&doc, "jwks_uri"), None).await.map_err(fail)?;
        jwks_keys(&jwks, kid.as_deref()).map_err(fail)?
    } else {
        Vec::new()
    };
    let claims = verify_signature(token, &keys, list(&c.signing_algs))
        .and_then(|claims| check_jwt_claims(&claims, c, unix_now()).map(|()| claims))
        .map_err(|e| format!("unable to verify signature of JWT token: {e}"))?;
    let bound = list(&c.bound_issuer);
    if !bound.is_empty() {
        match claims.get("iss") {
            None => {
                return Err("auth method specifies BoundIssuers but the provided token does not contain issuer \
                            information"
                    .into())
            }
            Some(Value::String(iss)) if bound.contains(iss) => {}
            Some(Value::String(iss)) => return Err(format!("invalid JWT issuer: {iss}")),
            Some(_) => return Err("unable to read iss property of provided token".into()),
        }
    }
    Ok(claims)
}

// ---- binding rules and the token ----------------------------------------------------------

/// What the binding rules grant one identity.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Bindings {
    pub management: bool,
    pub roles: Vec<String>,
    pub policies: Vec<String>,
}

/// HIL interpolation of `${name}` variables (the only form binding rules and token
/// name formats use); `lowercase` lowers the values, as binding rules do.
pub fn interpolate(s: &str, vars: &BTreeMap<String, String>, lowercase: bool) -> Result<String, String> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 2..];
        let Some(end) = after.find('}') else {
            return Err(format!("parse error: unterminated interpolation in {s:?}"));
        };
        let name = after[..end].trim();
        let Some(v) = vars.get(name) else {
            return Err(format!("unknown variable accessed: {name}"));
        };
        out.push_str(&if lowercase { v.to_lowercase() } else { v.clone() });
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// The `value.<name>` variables of bind names: every mapped name, empty when the login
/// lacks its claim.
fn bind_vars(c: &AclAuthMethodConfig, mapped: &MappedClaims) -> BTreeMap<String, String> {
    let mut vars = BTreeMap::new();
    for target in c.claim_mappings.iter().flat_map(|m| m.values()) {
        vars.insert(format!("value.{target}"), String::new());
    }
    for (k, v) in &mapped.value {
        vars.insert(format!("value.{k}"), v.clone());
    }
    vars
}

/// Nomad's binder: every rule of the method whose selector matches, in ID order; a
/// management rule wins outright; role and policy names that do not exist are skipped.
pub fn bind(s: &State, method: &AclAuthMethod, mapped: &MappedClaims, verbose: bool) -> Result<Bindings, ApiError> {
    let c = config_of(method);
    let vars = bind_vars(&c, mapped);
    let mut b = Bindings::default();
    for rule in s.binding_rules.values().filter(|r| r.auth_method == method.name) {
        let verdict = selector::evaluate(&rule.selector, mapped);
        if verbose {
            tracing::debug!(method = %method.name, selector = %rule.selector, ?verdict, "devnomad: binding rule selector");
        }
        if !matches!(verdict, Verdict::Match { .. }) {
            continue;
        }
        let name = interpolate(&rule.bind_name, &vars, true).map_err(|e| {
            ApiError::internal(format!("cannot compute {:?} bind name for bind target: {e}", rule.bind_type))
        })?;
        let valid = match rule.bind_type.as_str() {
            BIND_TYPE_ROLE | BIND_TYPE_POLICY => nomad_acl_core::validate::valid_name(&name),
            BIND_TYPE_MANAGEMENT => true,
            other => return Err(ApiError::internal(format!("unknown binding rule bind type: {other}"))),
        };
        if !valid {
            return Err(ApiError::internal(format!(
                "computed {:?} bind name for bind target is invalid: {name:?}",
                rule.bind_type
            )));
        }
        match rule.bind_type.as_str() {
            BIND_TYPE_ROLE => {
                if let Some(role) = s.role_by_name(&name) {
                    b.roles.push(role.id.clone());
                }
            }
            BIND_TYPE_POLICY => {
                if s.policies.contains_key(&name) {
                    b.policies.push(name);
                }
            }
            _ => return Ok(Bindings { management: true, ..Bindings::default() }),
        }
    }
    Ok(b)
}

/// Nomad's `SelectorData`: the ID token's claims with the user info's laid over them
/// (keeping the ID token's `iss` and `sub`), mapped through the method's mappings.
fn selector_data(c: &AclAuthMethodConfig, mut claims: Value, user: Option<Value>) -> Result<MappedClaims, ApiError> {
    if let (Some(Value::Object(user)), Value::Object(all)) = (user, &mut claims) {
        let (iss, sub) = (all.get("iss").cloned(), all.get("sub").cloned());
        all.extend(user);
        for (k, v) in [("iss", iss), ("sub", sub)] {
            if let Some(v) = v {
                all.insert(k.into(), v);
            }
        }
    }
    let empty = BTreeMap::new();
    selector::map_claims(
        &claims,
        c.claim_mappings.as_ref().unwrap_or(&empty),
        c.list_claim_mappings.as_ref().unwrap_or(&empty),
    )
    .map_err(ApiError::internal)
}

/// Binds the identity and creates its token; answers like Nomad's login endpoints.
fn issue_token(inner: &Arc<Inner>, req: &Req, method: &AclAuthMethod, claims: Value, user: Option<Value>) -> Response {
    let c = config_of(method);
    let mapped = match selector_data(&c, claims, user) {
        Ok(m) => m,
        Err(e) => return error(e),
    };
    if c.verbose_logging {
        tracing::debug!(method = %method.name, value = ?mapped.value, list = ?mapped.list,
            "devnomad: claims after mapping to nomad identity attributes");
    }
    let mut vars = BTreeMap::from([
        ("auth_method_type".to_string(), method.method_type.clone()),
        ("auth_method_name".to_string(), method.name.clone()),
    ]);
    for (k, v) in &mapped.value {
        vars.insert(format!("value.{k}"), v.clone());
    }
    let format =
        if method.token_name_format.is_empty() { DEFAULT_TOKEN_NAME_FORMAT } else { &method.token_name_format };
    let name = match interpolate(format, &vars, false) {
        Ok(n) => n,
        Err(e) => return error(ApiError::internal(format!("failed to generate ACL token name: {e}"))),
    };
    let (min, max) = (inner.min_ttl_nanos(), inner.max_ttl_nanos());
    let res = inner.write(|s| {
        let b = bind(s, method, &mapped, c.verbose_logging)?;
        if !b.management && b.roles.is_empty() && b.policies.is_empty() {
            return Err(ApiError::bad_request("no role or policy bindings matched"));
        }
        let token = AclToken {
            name,
            global: method.token_locality == "global",
            expiration_ttl: method.max_token_ttl,
            token_type: if b.management { TOKEN_TYPE_MANAGEMENT } else { TOKEN_TYPE_CLIENT }.to_string(),
            policies: (!b.policies.is_empty()).then_some(b.policies),
            roles: (!b.roles.is_empty())
                .then(|| b.roles.into_iter().map(|id| AclTokenRoleLink { id, name: String::new() }).collect()),
            ..Default::default()
        };
        upsert_token(s, token, min, max, now_utc())
    });
    match res {
        Ok((t, idx)) => {
            tracing::info!(method = %method.name, accessor = %t.accessor_id, "devnomad: login created a token");
            write_ok(req, &t, idx, true)
        }
        Err(e) => error(e),
    }
}

// ---- the endpoints ------------------------------------------------------------------------

/// `PUT|POST /v1/acl/oidc/auth-url`.
pub async fn auth_url(inner: &Arc<Inner>, req: &Req) -> Response {
    match auth_url_inner(inner, req).await {
        Ok(r) => r,
        Err(e) => error(e),
    }
}

async fn auth_url_inner(inner: &Arc<Inner>, req: &Req) -> Result<Response, ApiError> {
    put_or_post(req)?;
    let args: AuthUrlArgs = decode(&req.body, req.no_body(), &AUTH_URL_REQUEST).map_err(ApiError::bad_request)?;
    rpc_prelude(inner, req.region(inner))?;
    let mut errs = Vec::new();
    if args.auth_method_name.is_empty() {
        errs.push("missing auth method name");
    }
    if args.client_nonce.is_empty() {
        errs.push("missing client nonce");
    }
    if args.redirect_uri.is_empty() {
        errs.push("missing redirect URI");
    }
    invalid("OIDC auth-url", errs)?;
    let method = method_named(inner, &args.auth_method_name)?;
    let c = config_of(&method);
    let oidc_req = inner.oidc.load_or_add(&args.client_nonce, || OidcRequest {
        state: random_token(24),
        redirect_uri: args.redirect_uri.clone(),
        verifier: c.oidc_enable_pkce.then(|| SecretId::new(random_token(48))),
        made: Instant::now(),
    });
    let client = http_client().map_err(|e| ApiError::internal(format!("failed to generate OIDC provider: {e}")))?;
    let doc = discover(&client, &c.oidc_discovery_url)
        .await
        .map_err(|e| ApiError::internal(format!("failed to generate OIDC provider: {e}")))?;
    let fail = |e: String| ApiError::internal(format!("failed to generate auth URL: {e}"));
    redirect_allowed(list(&c.allowed_redirect_uris), &oidc_req.redirect_uri).map_err(fail)?;
    if oidc_req.state == args.client_nonce {
        return Err(fail("request id and nonce cannot be equal: invalid parameter".into()));
    }
    let mut url = url::Url::parse(doc_str(&doc, "authorization_endpoint"))
        .map_err(|e| fail(format!("invalid authorization endpoint: {e}")))?;
    let mut scopes = vec!["openid".to_string()];
    scopes.extend(list(&c.oidc_scopes).iter().filter(|s| *s != "openid").cloned());
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", &c.oidc_client_id)
            .append_pair("nonce", &args.client_nonce)
            .append_pair("redirect_uri", &oidc_req.redirect_uri)
            .append_pair("response_type", "code")
            .append_pair("scope", &scopes.join(" "))
            .append_pair("state", &oidc_req.state);
        if let Some(v) = &oidc_req.verifier {
            q.append_pair("code_challenge", &pkce_challenge(v.expose())).append_pair("code_challenge_method", "S256");
        }
    }
    if c.verbose_logging {
        tracing::debug!(method = %method.name, pkce = c.oidc_enable_pkce, "devnomad: OIDC auth URL made");
    }
    Ok(write_ok(req, &serde_json::json!({ "AuthURL": url.as_str() }), 0, true))
}

/// `PUT|POST /v1/acl/oidc/complete-auth`.
pub async fn complete_auth(inner: &Arc<Inner>, req: &Req) -> Response {
    match complete_auth_inner(inner, req).await {
        Ok((method, claims, user)) => issue_token(inner, req, &method, claims, user),
        Err(e) => error(e),
    }
}

async fn complete_auth_inner(inner: &Arc<Inner>, req: &Req) -> Result<(AclAuthMethod, Value, Option<Value>), ApiError> {
    put_or_post(req)?;
    let args: CompleteAuthArgs =
        decode(&req.body, req.no_body(), &COMPLETE_AUTH_REQUEST).map_err(ApiError::bad_request)?;
    rpc_prelude(inner, req.region(inner))?;
    let mut errs = Vec::new();
    if args.auth_method_name.is_empty() {
        errs.push("missing auth method name");
    }
    if args.client_nonce.is_empty() {
        errs.push("missing client nonce");
    }
    if args.state.is_empty() {
        errs.push("missing state");
    }
    if args.code.expose().is_empty() {
        errs.push("missing code");
    }
    if args.redirect_uri.is_empty() {
        errs.push("missing redirect URI");
    }
    invalid("OIDC complete-auth", errs)?;
    let method = method_named(inner, &args.auth_method_name)?;
    let c = config_of(&method);
    if c.verbose_logging {
        tracing::debug!(method = %method.name, "devnomad: verbose logging of an OIDC login (claims follow)");
    }
    let client = http_client().map_err(|e| ApiError::internal(format!("failed to generate OIDC provider: {e}")))?;
    let doc = discover(&client, &c.oidc_discovery_url)
        .await
        .map_err(|e| ApiError::internal(format!("failed to generate OIDC provider: {e}")))?;
    if doc.get("authorization_response_iss_parameter_supported").and_then(Value::as_bool) == Some(true)
        && (args.iss.is_empty() || args.iss != c.oidc_discovery_url)
    {
        return Err(ApiError::internal("invalid or missing issuer parameter in callback"));
    }
    let Some(oidc_req) = inner.oidc.load_and_delete(&args.client_nonce) else {
        return Err(ApiError::internal("no OIDC request found for client nonce"));
    };
    let fail = |e: String| ApiError::internal(format!("failed to exchange token with provider: {e}"));
    if oidc_req.state != args.state {
        return Err(fail(
            "authentication request state and authorization state are not equal: invalid parameter".into(),
        ));
    }
    if oidc_req.made.elapsed() >= REQUEST_TTL {
        return Err(fail("authentication request is expired: invalid parameter".into()));
    }
    // The code for tokens at the token endpoint (client secret by HTTP basic auth).
    let mut form = vec![
        ("grant_type", "authorization_code".to_string()),
        ("code", args.code.expose().to_string()),
        ("redirect_uri", oidc_req.redirect_uri.clone()),
    ];
    if let Some(v) = &oidc_req.verifier {
        form.push(("code_verifier", v.expose().to_string()));
    }
    let res = client
        .post(doc_str(&doc, "token_endpoint"))
        .basic_auth(&c.oidc_client_id, Some(&c.oidc_client_secret))
        .header("Accept", "application/json")
        .form(&form)
        .send()
        .await
        .map_err(|e| fail(format!("unable to exchange auth code with provider: {}", without_url(&e))))?;
    let status = res.status();
    let answer: Value = res.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        let code = answer.get("error").and_then(Value::as_str).unwrap_or("");
        let desc = answer.get("error_description").and_then(Value::as_str).unwrap_or("");
        return Err(fail(format!("unable to exchange auth code with provider: oauth2: {code:?} {desc:?}")));
    }
    let Some(id_token) = answer.get("id_token").and_then(Value::as_str) else {
        return Err(fail("id_token is missing from auth code exchange: id_token is missing".into()));
    };
    let jwks = get_json(&client, doc_str(&doc, "jwks_uri"), None)
        .await
        .map_err(|e| fail(format!("id_token failed verification: {e}")))?;
    let keys = jwks_keys(&jwks, kid_of(id_token).as_deref()).map_err(fail)?;
    let claims = verify_id_token(id_token, &keys, &c, &args.client_nonce, unix_now())
        .map_err(|e| fail(format!("id_token failed verification: invalid id_token: {e}")))?;
    let access = answer.get("access_token").and_then(Value::as_str).unwrap_or("");
    let user = if c.oidc_disable_user_info || access.is_empty() {
        None
    } else {
        let endpoint = doc_str(&doc, "userinfo_endpoint");
        let fail = |e: String| ApiError::internal(format!("failed to retrieve the user info claims: {e}"));
        if endpoint.is_empty() {
            return Err(fail("oidc: user info endpoint is not supported by this provider".into()));
        }
        let user = get_json(&client, endpoint, Some(access)).await.map_err(fail)?;
        if user.get("sub") != claims.get("sub") {
            return Err(fail("invalid subject".into()));
        }
        Some(user)
    };
    Ok((method, claims, user))
}

/// The checks of an ID token: signature, issuer, audience (the client, and one of the
/// bound audiences when set), expiry, and the client nonce.
pub fn verify_id_token(
    token: &str,
    keys: &[jsonwebtoken::DecodingKey],
    c: &AclAuthMethodConfig,
    nonce: &str,
    now: i64,
) -> Result<Value, String> {
    let claims = verify_signature(token, keys, list(&c.signing_algs))?;
    let iss = claims.get("iss").and_then(Value::as_str).unwrap_or("");
    if iss != c.oidc_discovery_url {
        return Err(format!(
            "oidc: id token issued by a different provider, expected {:?} got {iss:?}",
            c.oidc_discovery_url
        ));
    }
    let aud = audiences(&claims);
    if !aud.contains(&c.oidc_client_id) {
        return Err(format!("oidc: expected audience {:?} got {aud:?}", c.oidc_client_id));
    }
    let bound = list(&c.bound_audiences);
    if !bound.is_empty() && !bound.iter().any(|b| aud.contains(b)) {
        return Err("invalid id_token audiences: invalid audience".into());
    }
    let skew = leeway(c.clock_skew_leeway, DEFAULT_CLOCK_SKEW_SECS);
    let exp = num(&claims, "exp");
    if exp == 0 || now - skew > exp {
        return Err("oidc: token is expired".into());
    }
    if claims.get("nonce").and_then(Value::as_str) != Some(nonce) {
        return Err("invalid id_token nonce: invalid nonce".into());
    }
    if claims.get("sub").and_then(Value::as_str).unwrap_or("").is_empty() {
        return Err("sub: required claim is missing".into());
    }
    Ok(claims)
}

/// `PUT|POST /v1/acl/login`.
pub async fn login(inner: &Arc<Inner>, req: &Req) -> Response {
    match login_inner(inner, req).await {
        Ok((method, claims)) => issue_token(inner, req, &method, claims, None),
        Err(e) => error(e),
    }
}

async fn login_inner(inner: &Arc<Inner>, req: &Req) -> Result<(AclAuthMethod, Value), ApiError> {
    put_or_post(req)?;
    let args: LoginArgs = decode(&req.body, req.no_body(), &LOGIN_REQUEST).map_err(ApiError::bad_request)?;
    rpc_prelude(inner, req.region(inner))?;
    let mut errs = Vec::new();
    if args.auth_method_name.is_empty() {
        errs.push("missing auth method name");
    }
    if args.login_token.expose().is_empty() {
        errs.push("missing login token");
    }
    invalid("login", errs)?;
    let method = method_named(inner, &args.auth_method_name)?;
    if method.method_type != "JWT" {
        return Err(ApiError::bad_request(format!("unsupported auth-method type: {}", method.method_type)));
    }
    let claims = validate_jwt(args.login_token.expose(), &config_of(&method))
        .await
        .map_err(|e| ApiError::new(401, format!("unable to validate provided token: {e}")))?;
    Ok((method, claims))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interpolation_of_bind_names_and_token_names() {
        let vars = BTreeMap::from([("value.team".to_string(), "Payments".to_string())]);
        assert_eq!(interpolate("team-${value.team}", &vars, true).unwrap(), "team-payments");
        assert_eq!(interpolate("team-${ value.team }", &vars, false).unwrap(), "team-Payments");
        assert_eq!(interpolate("plain", &vars, true).unwrap(), "plain");
        assert_eq!(interpolate("${value.nope}", &vars, true).unwrap_err(), "unknown variable accessed: value.nope");
        assert!(interpolate("${value.team", &vars, true).is_err());
    }

    #[test]
    fn loopback_redirects_match_whatever_their_port() {
        let allowed = vec!["http://127.0.0.1/cb".to_string(), "https://console.example/cb".to_string()];
        assert!(redirect_allowed(&allowed, "http://127.0.0.1:4321/cb").is_ok());
        assert!(redirect_allowed(&allowed, "https://console.example/cb").is_ok());
        let e = redirect_allowed(&allowed, "https://evil.example/cb").unwrap_err();
        assert_eq!(e, "redirect URI https://evil.example/cb: unauthorized redirect_uri");
        assert!(redirect_allowed(&allowed, "http://127.0.0.1:4321/other").is_err());
        assert!(redirect_allowed(&[], "https://anything.example/").is_ok());
    }

    #[test]
    fn jwt_times_follow_the_leeways() {
        let c = AclAuthMethodConfig::default();
        let now = 1_000_000;
        let ok = serde_json::json!({"iat": now - 10, "exp": now + 60});
        assert!(check_jwt_claims(&ok, &c, now).is_ok());
        let expired = serde_json::json!({"iat": now - 600, "exp": now - 120});
        assert!(check_jwt_claims(&expired, &c, now).unwrap_err().contains("token is expired"));
        // Within the default clock skew (60 s) an expired token still passes.
        let barely = serde_json::json!({"exp": now - 30});
        assert!(check_jwt_claims(&barely, &c, now).is_ok());
        let skewless = AclAuthMethodConfig { clock_skew_leeway: GoDuration(-1), ..Default::default() };
        assert!(check_jwt_claims(&barely, &skewless, now).is_err());
        let none = serde_json::json!({"sub": "x"});
        assert!(check_jwt_claims(&none, &c, now).unwrap_err().starts_with("no issued at (iat)"));
        let future = serde_json::json!({"nbf": now + 600, "exp": now + 900});
        assert!(check_jwt_claims(&future, &c, now).unwrap_err().contains("not yet valid"));
        let aud = AclAuthMethodConfig { bound_audiences: Some(vec!["nomad".into()]), ..Default::default() };
        let wrong = serde_json::json!({"aud": ["other"], "exp": now + 60});
        assert!(check_jwt_claims(&wrong, &aud, now).unwrap_err().starts_with("invalid audience (aud) claim"));
        assert!(check_jwt_claims(&serde_json::json!({"aud": "nomad", "exp": now + 60}), &aud, now).is_ok());
    }

    #[test]
    fn pkce_challenge_is_s256() {
        // RFC 7636, appendix B.
        assert_eq!(
            pkce_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
