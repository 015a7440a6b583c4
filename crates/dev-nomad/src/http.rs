//! HTTP plumbing: Go `ServeMux`-style routing, auth header parsing (1.1), query
//! parsing (1.2), response conventions (2.x), blocking queries (2.4).

use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State as AxState};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde::Serialize;

use super::state::State;
use super::util::ApiError;
use super::Inner;

/// Maximum accepted request body (bytes).
const MAX_BODY: usize = 16 * 1024 * 1024;
/// `MaxBlockingRPCQueryTime` / `DefaultBlockingRPCQueryTime`.
const MAX_BLOCKING_NANOS: i64 = 300 * 1_000_000_000;

/// A parsed request.
pub struct Req {
    pub method: String,
    /// Decoded, clean path.
    pub path: String,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// `Transfer-Encoding: chunked` (Go: ContentLength == -1).
    pub chunked: bool,
}

impl Req {
    /// Go's `Query().Get(k)`: first value or "".
    pub fn q(&self, key: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// `parseToken` (section 1.1).
    pub fn token(&self) -> String {
        parse_token(&self.headers)
    }

    /// `pretty` present with a value that is empty or not "0".
    pub fn pretty(&self) -> bool {
        match self.q("pretty") {
            Some(v) => v != "0",
            None => false,
        }
    }

    /// Go sets `http.NoBody` when the request has no body (Content-Length 0 or absent
    /// without chunking): decoding then fails with "Request body is empty".
    pub fn no_body(&self) -> bool {
        !self.chunked && self.body.is_empty()
    }

    /// Region from the query string, or the agent's region.
    pub fn region<'a>(&'a self, inner: &'a Inner) -> &'a str {
        match self.q("region") {
            Some(r) if !r.is_empty() => r,
            _ => &inner.config.region,
        }
    }
}

/// Section 1.1.
pub fn parse_token(headers: &HeaderMap) -> String {
    if let Some(v) = headers.get("X-Nomad-Token").and_then(|v| v.to_str().ok()) {
        if !v.is_empty() {
            return v.trim().to_string();
        }
    }
    if let Some(v) = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()) {
        let parts: Vec<&str> = v.split(' ').collect();
        if parts.len() >= 2 && parts[0].eq_ignore_ascii_case("bearer") {
            let rest = v[parts[0].len()..].trim();
            return rest.split(' ').next().unwrap_or("").to_string();
        }
    }
    String::new()
}

/// Parsed query options (section 1.2).
#[derive(Debug, Clone, Default)]
pub struct QueryOptions {
    pub region: String,
    pub token: String,
    pub stale: bool,
    pub prefix: String,
    pub per_page: i32,
    pub next_token: String,
    pub filter: String,
    pub reverse: bool,
    /// Nanoseconds; 0 when absent.
    pub wait: i64,
    pub min_index: u64,
}

/// Go's `strconv.ParseBool`.
pub fn go_parse_bool(s: &str) -> Option<bool> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// `parse`: the first failure is an immediate 400 with Nomad's text.
pub fn parse_query(req: &Req, inner: &Inner) -> Result<QueryOptions, ApiError> {
    let mut q = QueryOptions { region: req.region(inner).to_string(), token: req.token(), ..Default::default() };
    if let Some(v) = req.q("stale") {
        if v.is_empty() {
            q.stale = true;
        } else {
            match go_parse_bool(v) {
                Some(b) => q.stale = b,
                None => {
                    return Err(ApiError::bad_request("Expect `true` or `false` for `stale` query string parameter"))
                }
            }
        }
    }
    q.prefix = req.q("prefix").unwrap_or("").to_string();
    if let Some(v) = req.q("per_page") {
        if !v.is_empty() {
            match v.parse::<i32>() {
                Ok(n) => q.per_page = n,
                Err(_) => return Err(ApiError::bad_request("Expect a number for `per_page` query string parameter")),
            }
        }
    }
    q.next_token = req.q("next_token").unwrap_or("").to_string();
    q.filter = req.q("filter").unwrap_or("").to_string();
    q.reverse = req.q("reverse") == Some("true");
    if let Some(v) = req.q("wait") {
        if !v.is_empty() {
            match nomad_acl_core::duration::parse_go_duration(v) {
                Ok(n) => q.wait = n,
                Err(_) => return Err(ApiError::bad_request("Invalid wait time")),
            }
        }
    }
    if let Some(v) = req.q("index") {
        if !v.is_empty() {
            match v.parse::<u64>() {
                Ok(n) => q.min_index = n,
                Err(_) => return Err(ApiError::bad_request("Invalid index")),
            }
        }
    }
    Ok(q)
}

/// Region forwarding and the ACL-enabled check that every ACL RPC starts with.
pub fn rpc_prelude(inner: &Inner, region: &str) -> Result<(), ApiError> {
    if !inner.config.acl_enabled {
        return Err(ApiError::acl_disabled());
    }
    if region != inner.config.region {
        return Err(ApiError::internal("No path to region"));
    }
    Ok(())
}

// ---- responses --------------------------------------------------------------------------

/// Serializes like Nomad: compact, or 4-space indent plus trailing newline with `pretty`.
/// `html_escape` mimics Go `encoding/json` (ACLToken, ACLAuthMethod) escaping `<`, `>`, `&`.
pub fn to_json<T: Serialize + ?Sized>(v: &T, pretty: bool, html_escape: bool) -> String {
    let mut s = if pretty {
        let mut buf = Vec::new();
        let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
        if v.serialize(&mut ser).is_err() {
            return "null".into();
        }
        let mut s = String::from_utf8(buf).unwrap_or_default();
        s.push('\n');
        s
    } else {
        serde_json::to_string(v).unwrap_or_else(|_| "null".into())
    };
    if html_escape && s.contains(['<', '>', '&', '\u{2028}', '\u{2029}']) {
        s = s
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
            .replace('&', "\\u0026")
            .replace('\u{2028}', "\\u2028")
            .replace('\u{2029}', "\\u2029");
    }
    s
}

fn set(h: &mut HeaderMap, name: &'static str, value: String) {
    if let Ok(v) = HeaderValue::from_str(&value) {
        h.insert(name, v);
    }
}

fn query_meta(h: &mut HeaderMap, index: u64) {
    set(h, "X-Nomad-Index", index.to_string());
    set(h, "X-Nomad-LastContact", "0".into());
    set(h, "X-Nomad-KnownLeader", "true".into());
}

/// A text/plain response with no trailing newline.
pub fn text(status: u16, msg: &str) -> Response {
    let mut r = Response::new(Body::from(msg.to_string()));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r
}

pub fn error(e: ApiError) -> Response {
    let mut r = text(e.status, &e.message);
    if let Some(idx) = e.query_index {
        query_meta(r.headers_mut(), idx);
    }
    r
}

pub(crate) fn json_response(body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    r
}

/// Successful GET: JSON plus query metadata headers.
pub fn query_ok<T: Serialize + ?Sized>(req: &Req, v: &T, index: u64, next_token: &str, html_escape: bool) -> Response {
    let mut r = json_response(to_json(v, req.pretty(), html_escape));
    query_meta(r.headers_mut(), index);
    if !next_token.is_empty() {
        set(r.headers_mut(), "X-Nomad-NextToken", next_token.to_string());
    }
    r
}

/// Successful write returning an object.
pub fn write_ok<T: Serialize + ?Sized>(req: &Req, v: &T, index: u64, html_escape: bool) -> Response {
    let mut r = json_response(to_json(v, req.pretty(), html_escape));
    set(r.headers_mut(), "X-Nomad-Index", index.to_string());
    r
}

/// Successful write with a nil result: 200, empty body, no Content-Type.
pub fn write_empty(index: u64) -> Response {
    let mut r = Response::new(Body::empty());
    set(r.headers_mut(), "X-Nomad-Index", index.to_string());
    r
}

fn not_found_root() -> Response {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = StatusCode::NOT_FOUND;
    r
}

fn redirect(req: &Req, target: &str, raw_query: Option<&str>) -> Response {
    let mut url = target.to_string();
    if let Some(q) = raw_query {
        if !q.is_empty() {
            url.push('?');
            url.push_str(q);
        }
    }
    let body = if req.method == "GET" || req.method == "HEAD" {
        format!("<a href=\"{}\">Moved Permanently</a>.\n\n", html_escape_attr(&url))
    } else {
        String::new()
    };
    let mut r = Response::new(Body::from(body.clone()));
    *r.status_mut() = StatusCode::MOVED_PERMANENTLY;
    set(r.headers_mut(), "Location", url);
    if !body.is_empty() {
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    }
    r
}

fn html_escape_attr(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&#34;").replace('\'', "&#39;")
}

// ---- blocking queries -----------------------------------------------------------------

struct BlockedGuard<'a>(&'a Inner);

impl Drop for BlockedGuard<'_> {
    fn drop(&mut self) {
        self.0.blocked.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `blockingRPC`: runs `run` once; with `index > 0` and a reply index in
/// `1..=index`, waits for a state change (or the timeout) and runs again.
pub async fn blocking<T>(
    inner: &Inner,
    q: &QueryOptions,
    mut run: impl FnMut(&State) -> Result<(T, u64), ApiError>,
) -> Result<(T, u64), ApiError> {
    if q.min_index == 0 {
        return inner.read(|s| run(s));
    }
    let wait = if q.wait > 0 && q.wait <= MAX_BLOCKING_NANOS { q.wait } else { MAX_BLOCKING_NANOS };
    let jitter = if wait / 16 > 0 { rand::Rng::gen_range(&mut rand::thread_rng(), 0..wait / 16) } else { 0 };
    let deadline = tokio::time::Instant::now() + Duration::from_nanos((wait + jitter) as u64);
    let mut rx = inner.subscribe();
    loop {
        rx.borrow_and_update();
        let res = inner.read(|s| run(s));
        match &res {
            // Index 0 (a table never written) waits too, as in Nomad's blockingRPC.
            Ok((_, idx)) if *idx <= q.min_index => {}
            _ => return res,
        }
        if inner.closing.load(Ordering::SeqCst) {
            return res;
        }
        inner.blocked.fetch_add(1, Ordering::SeqCst);
        let guard = BlockedGuard(inner);
        let waited = tokio::time::timeout_at(deadline, rx.changed()).await;
        drop(guard);
        match waited {
            Ok(Ok(())) => continue,
            _ => return res,
        }
    }
}

// ---- routing ----------------------------------------------------------------------------

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            let hex = std::str::from_utf8(&b[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn query_decode(s: &str) -> String {
    percent_decode(&s.replace('+', " "))
}

fn parse_query_pairs(raw: &str) -> Vec<(String, String)> {
    raw.split(['&', ';'])
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (query_decode(k), query_decode(v)),
            None => (query_decode(p), String::new()),
        })
        .collect()
}

/// Go's `path.Clean` plus ServeMux's trailing-slash preservation (`cleanPath`).
pub fn clean_path(p: &str) -> String {
    if p.is_empty() {
        return "/".into();
    }
    let p = if p.starts_with('/') { p.to_string() } else { format!("/{p}") };
    let mut stack: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                stack.pop();
            }
            s => stack.push(s),
        }
    }
    let mut np = format!("/{}", stack.join("/"));
    if p.ends_with('/') && np != "/" {
        np.push('/');
    }
    np
}

/// The axum fallback handler: everything goes through here.
pub async fn dispatch(AxState(inner): AxState<Arc<Inner>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return text(413, "http: request body too large"),
    };
    let chunked = parts
        .headers
        .get(header::TRANSFER_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let raw_query = parts.uri.query().map(|s| s.to_string());
    let req = Req {
        method: parts.method.as_str().to_string(),
        path: percent_decode(parts.uri.path()),
        query: parse_query_pairs(raw_query.as_deref().unwrap_or("")),
        headers: parts.headers,
        body,
        chunked,
    };
    let mut req = req;
    let inner = super::federation::resolve(&inner, &mut req);
    inner.maybe_gc();
    route(&inner, req, raw_query.as_deref()).await
}

async fn route(inner: &Arc<Inner>, mut req: Req, raw_query: Option<&str>) -> Response {
    use super::{auth_methods, binding_rules, namespaces, policies, roles, tokens};

    if req.method != "CONNECT" {
        let cleaned = clean_path(&req.path);
        if cleaned != req.path {
            return redirect(&req, &cleaned, raw_query);
        }
    }
    let path = std::mem::take(&mut req.path);
    req.path = path.clone();
    match path.as_str() {
        "/v1/acl/policies" => policies::list(inner, &req).await,
        "/v1/acl/token/onetime" => tokens::one_time_create(inner, &req).await,
        "/v1/acl/token/onetime/exchange" => tokens::one_time_exchange(inner, &req).await,
        "/v1/acl/bootstrap" => tokens::bootstrap(inner, &req).await,
        "/v1/acl/tokens" => tokens::list(inner, &req).await,
        "/v1/acl/token" => tokens::specific(inner, &req, None).await,
        "/v1/acl/roles" => roles::list(inner, &req).await,
        "/v1/acl/role" => roles::create(inner, &req).await,
        "/v1/acl/auth-methods" => auth_methods::list(inner, &req).await,
        "/v1/acl/auth-method" => auth_methods::create(inner, &req).await,
        "/v1/acl/binding-rules" => binding_rules::list(inner, &req).await,
        "/v1/acl/binding-rule" => binding_rules::create(inner, &req).await,
        "/v1/acl/oidc/auth-url" => super::login::auth_url(inner, &req).await,
        "/v1/acl/oidc/complete-auth" => super::login::complete_auth(inner, &req).await,
        "/v1/acl/login" => super::login::login(inner, &req).await,
        "/v1/acl/identity/client-introduction-token" => {
            text(501, "devnomad does not implement client introduction; use a token (X-Nomad-Token) instead")
        }
        "/v1/namespaces" => namespaces::list(inner, &req).await,
        "/v1/namespace" => namespaces::create(inner, &req).await,
        "/v1/status/leader" => status_leader(inner, &req),
        "/v1/regions" => super::federation::regions(inner, &req),
        "/v1/agent/self" => agent_self(inner, &req),
        // subtree patterns redirect their bare form (no exact pattern registered)
        "/v1/acl/policy" => redirect(&req, "/v1/acl/policy/", raw_query),
        p => {
            if let Some(name) = p.strip_prefix("/v1/acl/policy/") {
                policies::specific(inner, &req, name).await
            } else if let Some(rest) = p.strip_prefix("/v1/acl/token/") {
                tokens::specific(inner, &req, Some(rest)).await
            } else if let Some(rest) = p.strip_prefix("/v1/acl/role/") {
                roles::specific(inner, &req, rest).await
            } else if let Some(rest) = p.strip_prefix("/v1/acl/auth-method/") {
                auth_methods::specific(inner, &req, rest).await
            } else if let Some(rest) = p.strip_prefix("/v1/acl/binding-rule/") {
                binding_rules::specific(inner, &req, rest).await
            } else if let Some(name) = p.strip_prefix("/v1/namespace/") {
                namespaces::specific(inner, &req, name).await
            } else if let Some(region) = p.strip_prefix("/v1/dev/replication/") {
                super::federation::admin(inner, &req, region)
            } else {
                not_found_root()
            }
        }
    }
}

/// `Status.Leader` (`nomad/status_endpoint.go`): follows `region` like every RPC.
fn status_leader(inner: &Inner, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    if q.region != inner.config.region {
        return error(ApiError::internal("No path to region"));
    }
    let mut r = json_response(to_json(&super::federation::leader_address(inner), req.pretty(), false));
    query_meta(r.headers_mut(), 0);
    r
}

fn agent_self(inner: &Inner, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let c = &inner.config;
    let v = serde_json::json!({
        "config": {
            "Region": c.region,
            "Datacenter": "dc1",
            "NodeName": "devnomad",
            "Version": {"Version": "2.0.6", "VersionPrerelease": "dev", "VersionMetadata": "devnomad"},
            "ACL": {
                "Enabled": c.acl_enabled,
                "TokenMinExpirationTTL": nomad_acl_core::duration::GoDuration::from_std(c.token_min_ttl).to_go_string(),
                "TokenMaxExpirationTTL": nomad_acl_core::duration::GoDuration::from_std(c.token_max_ttl).to_go_string(),
            },
            "Server": {"Enabled": true, "AuthoritativeRegion": inner.federation.get().map(|l| l.authoritative.clone()).unwrap_or_default()},
        },
        "member": {
            "Name": format!("devnomad.{}", c.region),
            "Addr": "127.0.0.1",
            "Port": 4648,
            "Status": "alive",
            "Tags": {"region": c.region, "dc": "dc1", "role": "nomad", "build": "2.0.6-dev"},
        },
        "stats": {},
    });
    query_ok(req, &v, 0, "", false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn auth_header_parsing() {
        assert_eq!(parse_token(&headers(&[("X-Nomad-Token", "  abc  ")])), "abc");
        assert_eq!(parse_token(&headers(&[("Authorization", "Bearer abc")])), "abc");
        assert_eq!(parse_token(&headers(&[("Authorization", "bearer abc")])), "abc");
        assert_eq!(parse_token(&headers(&[("Authorization", "BEARER  abc def")])), "abc");
        assert_eq!(parse_token(&headers(&[("Authorization", "Bearer")])), "");
        assert_eq!(parse_token(&headers(&[("Authorization", "Bearer ")])), "");
        assert_eq!(parse_token(&headers(&[("Authorization", "Basic abc")])), "");
        assert_eq!(parse_token(&headers(&[("Authorization", "abc")])), "");
        assert_eq!(parse_token(&headers(&[("X-Nomad-Token", "x"), ("Authorization", "Bearer y")])), "x");
        assert_eq!(parse_token(&headers(&[("X-Nomad-Token", ""), ("Authorization", "Bearer y")])), "y");
        assert_eq!(parse_token(&headers(&[])), "");
    }

    #[test]
    fn paths() {
        assert_eq!(clean_path("/v1/acl/policies"), "/v1/acl/policies");
        assert_eq!(clean_path("/v1//acl/policies"), "/v1/acl/policies");
        assert_eq!(clean_path("/v1/./acl/policy/"), "/v1/acl/policy/");
        assert_eq!(clean_path("/v1/acl/../acl/tokens"), "/v1/acl/tokens");
        assert_eq!(clean_path("/v1/acl/token/"), "/v1/acl/token/");
        assert_eq!(percent_decode("/v1/acl/policy/a%20b"), "/v1/acl/policy/a b");
        assert_eq!(percent_decode("/x%zz%4"), "/x%zz%4");
        let q = parse_query_pairs("filter=Name%20%3D%3D%20%22x%22&stale&a=1+2");
        assert_eq!(q[0], ("filter".into(), "Name == \"x\"".into()));
        assert_eq!(q[1], ("stale".into(), "".into()));
        assert_eq!(q[2], ("a".into(), "1 2".into()));
    }

    #[test]
    fn bool_parsing() {
        for t in ["1", "t", "T", "TRUE", "true", "True"] {
            assert_eq!(go_parse_bool(t), Some(true));
        }
        for f in ["0", "f", "F", "FALSE", "false", "False"] {
            assert_eq!(go_parse_bool(f), Some(false));
        }
        assert_eq!(go_parse_bool("maybe"), None);
        assert_eq!(go_parse_bool("yes"), None);
    }

    #[test]
    fn json_formats() {
        #[derive(Serialize)]
        struct X {
            #[serde(rename = "A")]
            a: u32,
            #[serde(rename = "B")]
            b: &'static str,
        }
        let x = X { a: 1, b: "<&>" };
        assert_eq!(to_json(&x, false, false), r#"{"A":1,"B":"<&>"}"#);
        assert_eq!(to_json(&x, false, true), r#"{"A":1,"B":"\u003c\u0026\u003e"}"#);
        assert_eq!(to_json(&x, true, false), "{\n    \"A\": 1,\n    \"B\": \"<&>\"\n}\n");
    }
}
