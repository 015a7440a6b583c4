//! Tokens: bootstrap, list, get, self, create/update/upload, delete, one-time
//! tokens (section 3.2).

use nomad_acl_core::validate::messages;
use std::cmp::Ordering;
use std::sync::Arc;

use axum::response::Response;
use time::OffsetDateTime;

use nomad_acl_core::models::{
    is_zero_time, AclToken, AclTokenListStub, AclTokenRoleLink, BootstrapRequest, OneTimeToken,
    OneTimeTokenExchangeRequest, OneTimeTokenExchangeResponse, OneTimeTokenUpsertResponse, SecretId,
    TOKEN_TYPE_MANAGEMENT,
};

use super::bexpr;
use super::body::{
    decode, decode_value, get_ci, parse_first_value, ACL_TOKEN, BOOTSTRAP_REQUEST, OTT_EXCHANGE_REQUEST,
};
use super::http::{blocking, error, parse_query, query_ok, rpc_prelude, write_empty, write_ok, Req};
use super::state::{acls_disabled_token, anonymous_token, token_hash, State, ONE_TIME_TOKEN_TTL_NANOS};
use super::util::{add_nanos, is_uuid, new_uuid, now_utc, uuid_index_key, ApiError};
use super::Inner;

// ---- bootstrap ----------------------------------------------------------------------------

/// `PUT|POST /v1/acl/bootstrap` (section 3.2.1).
pub async fn bootstrap(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    let mut secret = String::new();
    let mut body_region = String::new();
    // Go: decoded only when ContentLength != 0 (chunked is -1).
    if req.chunked || !req.body.is_empty() {
        let parsed = if req.body.is_empty() {
            Err("EOF".to_string())
        } else {
            parse_first_value(&req.body).and_then(|v| {
                if let Some(serde_json::Value::String(r)) = get_ci(&v, "Region") {
                    body_region = r.clone();
                }
                decode_value::<BootstrapRequest>(v, &BOOTSTRAP_REQUEST)
            })
        };
        match parsed {
            Ok(b) => secret = b.bootstrap_secret.into_inner(),
            Err(e) => return error(ApiError::bad_request(format!("failed to decode request body: {e}"))),
        }
    }
    let region = match req.q("region") {
        Some(r) if !r.is_empty() => r.to_string(),
        _ if !body_region.is_empty() => body_region,
        _ => inner.config.region.clone(),
    };
    if let Err(e) = rpc_prelude(inner, &region) {
        return error(e);
    }
    let reset_file = super::persist::read_bootstrap_reset(inner.config.state_file.as_deref());
    let res = inner.write(|s| {
        let reset_index = s.tables.acl_token_bootstrap;
        if reset_index != 0 {
            match reset_file {
                None | Some(0) => {
                    return Err(ApiError::bad_request(format!(
                        "ACL bootstrap already done (reset index: {reset_index})"
                    )))
                }
                Some(x) if x != reset_index => {
                    return Err(ApiError::bad_request(format!(
                        "Invalid bootstrap reset index (specified {x}, reset index: {reset_index})"
                    )))
                }
                Some(_) => {}
            }
        }
        if !secret.is_empty() && !is_uuid(&secret) {
            return Err(ApiError::bad_request("invalid acl token"));
        }
        let now = now_utc();
        let mut token = AclToken {
            accessor_id: new_uuid(),
            secret_id: SecretId::new(if secret.is_empty() { new_uuid() } else { secret.clone() }),
            name: "Bootstrap Token".into(),
            token_type: TOKEN_TYPE_MANAGEMENT.into(),
            global: true,
            create_time: now,
            ..Default::default()
        };
        token.hash = Some(token_hash(&token));
        let idx = s.next_index();
        token.create_index = idx;
        token.modify_index = idx;
        s.put_token(token.clone());
        s.tables.acl_token = idx;
        s.tables.acl_token_bootstrap = idx;
        Ok((token, idx))
    });
    match res {
        Ok((token, idx)) => write_ok(req, &token, idx, true),
        Err(e) => error(e),
    }
}

// ---- list -----------------------------------------------------------------------------------

/// Token list ordering/pagination token.
fn page_token(t: &AclToken, with_create_index: bool) -> String {
    if with_create_index {
        format!("{}.{}", t.create_index, t.accessor_id)
    } else {
        t.accessor_id.clone()
    }
}

/// Compares an item against the `next_token` being sought.
fn compare_token(t: &AclToken, seek: &str, with_create_index: bool) -> Ordering {
    if with_create_index {
        if let Some((idx, id)) = seek.split_once('.') {
            if let Ok(idx) = idx.parse::<u64>() {
                return t.create_index.cmp(&idx).then_with(|| t.accessor_id.as_str().cmp(id));
            }
        }
    }
    page_token(t, with_create_index).as_str().cmp(seek)
}

/// The go-bexpr datum for a stored token: the full ACLToken with Go field names.
fn filter_datum(t: &AclToken) -> serde_json::Value {
    serde_json::to_value(t).unwrap_or(serde_json::Value::Null)
}

type ListPage = (Vec<AclTokenListStub>, String);

fn list_page(
    s: &State,
    prefix: &str,
    reverse: bool,
    per_page: i32,
    next_token: &str,
    filter: Option<&bexpr::Expr>,
) -> Result<(ListPage, u64), ApiError> {
    let with_create_index = prefix.is_empty();
    // Walked lazily, like memdb's iterator: a short page stops early.
    let mut iter: Box<dyn Iterator<Item = &AclToken>> = if prefix.is_empty() {
        if reverse {
            Box::new(s.tokens_by_create().rev())
        } else {
            Box::new(s.tokens_by_create())
        }
    } else {
        let key = uuid_index_key(prefix, false)
            .map_err(|e| ApiError::internal(format!("acl token lookup failed: index error: {e}")))?;
        let items: Vec<&AclToken> =
            s.tokens.range(key.clone()..).take_while(|(k, _)| k.starts_with(&key)).map(|(_, t)| t).collect();
        if reverse {
            Box::new(items.into_iter().rev())
        } else {
            Box::new(items.into_iter())
        }
    };
    let passes = |t: &AclToken| match filter {
        None => Ok(true),
        Some(f) => {
            f.evaluate(&filter_datum(t)).map_err(|e| ApiError::bad_request(format!("failed to read result page: {e}")))
        }
    };
    let mut out = Vec::new();
    let mut next = String::new();
    while let Some(t) = iter.next() {
        if !next_token.is_empty() {
            let ord = compare_token(t, next_token, with_create_index);
            let before = if reverse { ord == Ordering::Greater } else { ord == Ordering::Less };
            if before {
                continue;
            }
        }
        if !passes(t)? {
            continue;
        }
        out.push(t.stub());
        if per_page > 0 && out.len() >= per_page as usize {
            // The next page starts at the next token that passes the filter; none, no next page.
            for n in iter.by_ref() {
                if passes(n)? {
                    next = page_token(n, with_create_index);
                    break;
                }
            }
            break;
        }
    }
    Ok(((out, next), s.tables.acl_token))
}

/// `GET /v1/acl/tokens` (section 3.2.2).
pub async fn list(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        rpc_prelude(inner, &q.region)?;
        inner.read(|s| s.auth_management(&q.token, now_utc()))?;
        let filter = if q.filter.is_empty() {
            None
        } else {
            Some(bexpr::parse(&q.filter).map_err(|e| {
                ApiError::bad_request(format!(
                    "failed to create result paginator: failed to read filter expression: {e}"
                ))
            })?)
        };
        blocking(inner, &q, |s| list_page(s, &q.prefix, q.reverse, q.per_page, &q.next_token, filter.as_ref())).await
    }
    .await;
    match res {
        Ok(((stubs, next), idx)) => query_ok(req, &stubs, idx, &next, false),
        Err(e) => error(e),
    }
}

// ---- specific --------------------------------------------------------------------------------

/// `/v1/acl/token` (`accessor == None`) and `/v1/acl/token/<rest>`.
pub async fn specific(inner: &Arc<Inner>, req: &Req, accessor: Option<&str>) -> Response {
    match accessor {
        None => {
            if req.method == "PUT" || req.method == "POST" {
                upsert(inner, req, None)
            } else {
                error(ApiError::method_not_allowed())
            }
        }
        Some("self") => token_self(inner, req).await,
        Some("") => error(ApiError::bad_request("Missing Token Accessor")),
        Some(acc) => match req.method.as_str() {
            "GET" => get(inner, req, acc).await,
            "PUT" | "POST" => upsert(inner, req, Some(acc)),
            "DELETE" => delete(inner, req, acc),
            _ => error(ApiError::method_not_allowed()),
        },
    }
}

async fn get(inner: &Arc<Inner>, req: &Req, accessor: &str) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        rpc_prelude(inner, &q.region)?;
        let caller = inner.read(|s| s.authenticate(&q.token, now_utc())).map_err(|e| e.raw())?;
        blocking(inner, &q, |s| {
            let found = s.token_by_accessor(accessor).map_err(ApiError::internal)?;
            match found {
                None => {
                    if !caller.is_management() {
                        return Err(ApiError::permission_denied());
                    }
                    Ok((None, s.tables.acl_token))
                }
                Some(t) => {
                    if !caller.is_management() && t.secret_id.expose() != caller.token.secret_id.expose() {
                        return Err(ApiError::permission_denied());
                    }
                    Ok((Some(s.resolve_role_links(t)), t.modify_index))
                }
            }
        })
        .await
    }
    .await;
    match res {
        Ok((Some(t), idx)) => query_ok(req, &t, idx, "", true),
        Ok((None, idx)) => error(ApiError::not_found("ACL token not found", idx)),
        Err(e) => error(e),
    }
}

/// `GET /v1/acl/token/self` (section 3.2.4).
async fn token_self(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    if !inner.config.acl_enabled {
        return query_ok(req, &acls_disabled_token(), 0, "", true);
    }
    if let Err(e) = rpc_prelude(inner, &q.region) {
        return error(e);
    }
    if q.token.is_empty() {
        return query_ok(req, &anonymous_token(), 0, "", true);
    }
    let res = inner.read(|s| {
        s.authenticate(&q.token, now_utc()).map(|c| {
            let idx = c.token.modify_index;
            (s.resolve_role_links(&c.token), idx)
        })
    });
    match res {
        Ok((t, idx)) => query_ok(req, &t, idx, "", true),
        Err(e) => error(e.raw()),
    }
}

/// Sets `ExpirationTime = CreateTime + TTL` when no explicit time was given.
fn apply_ttl(t: &mut AclToken) {
    if t.expiration_time.is_none() && !t.expiration_ttl.is_zero() {
        t.expiration_time = Some(add_nanos(t.create_time, t.expiration_ttl.as_nanos()));
    }
}

/// Create/update/upload logic (section 3.2.5); returns the stored token (role
/// links resolved) and the raft index.
pub fn upsert_token(
    s: &mut State,
    mut token: AclToken,
    min: i64,
    max: i64,
    now: OffsetDateTime,
) -> Result<(AclToken, u64), ApiError> {
    let mut existing: Option<AclToken> = None;
    if !token.accessor_id.is_empty() {
        match s.token_by_accessor(&token.accessor_id) {
            Err(e) => return Err(ApiError::internal(format!("token lookup failed: {e}"))),
            Ok(Some(t)) => existing = Some(t.clone()),
            Ok(None) => {
                let upload = is_uuid(&token.accessor_id)
                    && is_uuid(token.secret_id.expose())
                    && token.token_type != TOKEN_TYPE_MANAGEMENT;
                if !upload {
                    return Err(ApiError::bad_request(format!("cannot find token {}", token.accessor_id)));
                }
            }
        }
    }
    // Canonicalize.
    if token.accessor_id.is_empty() {
        token.accessor_id = new_uuid();
        token.secret_id = SecretId::new(new_uuid());
        token.create_time = now;
        apply_ttl(&mut token);
    } else if is_zero_time(&token.create_time) {
        token.create_time = now;
        apply_ttl(&mut token);
    }
    let errs = messages(&token.validate(min, max, existing.as_ref()));
    if !errs.is_empty() {
        return Err(ApiError::bad_request(nomad_acl_core::validate::invalid("token", &errs)));
    }
    // Role links: resolve by ID or name, store IDs only, de-duplicate.
    let mut links: Vec<AclTokenRoleLink> = Vec::new();
    for link in token.roles() {
        let (found, ident) = if link.id.is_empty() {
            (s.role_by_name(&link.name), &link.name)
        } else {
            (s.roles.get(&link.id), &link.id)
        };
        let Some(role) = found else {
            return Err(ApiError::bad_request(format!("cannot find role {ident}")));
        };
        if !links.iter().any(|l| l.id == role.id) {
            links.push(AclTokenRoleLink { id: role.id.clone(), name: String::new() });
        }
    }
    token.roles = if links.is_empty() { None } else { Some(links) };
    token.hash = Some(token_hash(&token));
    let idx = s.next_index();
    match &existing {
        Some(ex) => {
            token.accessor_id = ex.accessor_id.clone();
            token.secret_id = ex.secret_id.clone();
            token.create_time = ex.create_time;
            token.create_index = ex.create_index;
        }
        None => token.create_index = idx,
    }
    token.modify_index = idx;
    s.put_token(token.clone());
    s.tables.acl_token = idx;
    Ok((s.resolve_role_links(&token), idx))
}

fn upsert(inner: &Arc<Inner>, req: &Req, path_accessor: Option<&str>) -> Response {
    let token: AclToken = match decode(&req.body, req.no_body(), &ACL_TOKEN) {
        Ok(t) => t,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if let Some(acc) = path_accessor {
        if token.accessor_id != acc {
            return error(ApiError::bad_request("ACL token accessor does not match request path"));
        }
    }
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let (min, max) = (inner.min_ttl_nanos(), inner.max_ttl_nanos());
    let res = inner.write(|s| {
        let now = now_utc();
        s.auth_management(&secret, now)?;
        upsert_token(s, token, min, max, now)
    });
    match res {
        Ok((t, idx)) => write_ok(req, &t, idx, true),
        Err(e) => error(e),
    }
}

fn delete(inner: &Arc<Inner>, req: &Req, accessor: &str) -> Response {
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        s.auth_management(&secret, now_utc())?;
        let key = match s.token_by_accessor(accessor) {
            Err(e) => return Err(ApiError::bad_request(format!("token lookup failed: {e}"))),
            Ok(None) => return Err(ApiError::bad_request(format!("Cannot delete nonexistent tokens: {accessor}"))),
            Ok(Some(t)) => uuid_index_key(&t.accessor_id, true).unwrap_or_default(),
        };
        let idx = s.next_index();
        s.remove_token(&key);
        s.tables.acl_token = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}

// ---- one-time tokens ----------------------------------------------------------------------

/// `PUT|POST /v1/acl/token/onetime` (section 3.2.7).
pub async fn one_time_create(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        if secret.is_empty() {
            return Err(ApiError::internal("acl token lookup failed: missing secret id"));
        }
        uuid_index_key(&secret, true)
            .map_err(|e| ApiError::internal(format!("acl token lookup failed: index error: {e}")))?;
        // No expiry check: an expired (not yet GC'd) token is accepted.
        let Some(token) = s.token_by_secret(&secret) else {
            return Err(ApiError::permission_denied());
        };
        let accessor = token.accessor_id.clone();
        let key = uuid_index_key(&accessor, true).unwrap_or_else(|_| accessor.to_ascii_lowercase());
        let now = now_utc();
        let idx = s.next_index();
        let ott = OneTimeToken {
            one_time_secret_id: SecretId::new(new_uuid()),
            accessor_id: accessor,
            expires_at: add_nanos(now, ONE_TIME_TOKEN_TTL_NANOS),
            create_index: idx,
            modify_index: idx,
        };
        s.one_time_tokens.insert(key, ott.clone());
        s.tables.one_time_token = idx;
        Ok(OneTimeTokenUpsertResponse { one_time_token: Some(ott), index: idx })
    });
    match res {
        Ok(r) => {
            let idx = r.index;
            write_ok(req, &r, idx, false)
        }
        Err(e) => error(e),
    }
}

/// `PUT|POST /v1/acl/token/onetime/exchange` (section 3.2.8).
pub async fn one_time_exchange(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    let mut body_region = String::new();
    let parsed = if req.body.is_empty() {
        Err(if req.no_body() { "Request body is empty".to_string() } else { "EOF".to_string() })
    } else {
        parse_first_value(&req.body).and_then(|v| {
            if let Some(serde_json::Value::String(r)) = get_ci(&v, "Region") {
                body_region = r.clone();
            }
            decode_value::<OneTimeTokenExchangeRequest>(v, &OTT_EXCHANGE_REQUEST)
        })
    };
    let body = match parsed {
        Ok(b) => b,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    let region = match req.q("region") {
        Some(r) if !r.is_empty() => r.to_string(),
        _ if !body_region.is_empty() => body_region,
        _ => inner.config.region.clone(),
    };
    if let Err(e) = rpc_prelude(inner, &region) {
        return error(e);
    }
    let secret = body.one_time_secret_id.into_inner();
    let res = inner.write(|s| {
        if secret.is_empty() {
            return Err(ApiError::internal("one-time token lookup failed: missing secret"));
        }
        let skey = uuid_index_key(&secret, true)
            .map_err(|e| ApiError::internal(format!("one-time token lookup failed: index error: {e}")))?;
        let found = s
            .one_time_tokens
            .iter()
            .find(|(_, o)| uuid_index_key(o.one_time_secret_id.expose(), true).ok().as_deref() == Some(&skey))
            .map(|(k, o)| (k.clone(), o.clone()));
        let Some((key, ott)) = found else {
            return Err(ApiError::permission_denied());
        };
        if ott.expires_at < now_utc() {
            return Err(ApiError::permission_denied());
        }
        let Some(token) = s.token_by_key(&key).cloned() else {
            return Err(ApiError::permission_denied());
        };
        let idx = s.next_index();
        s.one_time_tokens.remove(&key);
        s.tables.one_time_token = idx;
        Ok(OneTimeTokenExchangeResponse { token: Some(s.resolve_role_links(&token)), index: idx })
    });
    match res {
        Ok(r) => {
            let idx = r.index;
            write_ok(req, &r, idx, true)
        }
        Err(e) => error(e),
    }
}
