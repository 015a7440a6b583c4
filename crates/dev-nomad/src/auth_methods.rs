//! `/v1/acl/auth-methods`, `/v1/acl/auth-method`, `/v1/acl/auth-method/:name` (section 3.4).

use nomad_acl_core::validate::messages;
use std::sync::Arc;

use axum::response::Response;
use time::OffsetDateTime;

use nomad_acl_core::models::{is_zero_time, AclAuthMethod, AclAuthMethodListStub, REDACTED};

use super::body::{decode, ACL_AUTH_METHOD};
use super::http::{blocking, error, parse_query, query_ok, rpc_prelude, write_empty, write_ok, Req};
use super::state::{auth_method_hash, State};
use super::util::{now_utc, ApiError};
use super::Inner;

pub fn stub(m: &AclAuthMethod) -> AclAuthMethodListStub {
    AclAuthMethodListStub {
        name: m.name.clone(),
        method_type: m.method_type.clone(),
        default: m.default,
        hash: m.hash.clone(),
        create_index: m.create_index,
        modify_index: m.modify_index,
    }
}

/// Replaces secrets with `"redacted"` (Nomad's `Sanitize`).
pub fn sanitize(m: &AclAuthMethod) -> AclAuthMethod {
    let mut m = m.clone();
    if let Some(c) = m.config.as_mut() {
        if !c.oidc_client_secret.is_empty() {
            c.oidc_client_secret = REDACTED.into();
        }
        if let Some(a) = c.oidc_client_assertion.as_mut() {
            if !a.client_secret.is_empty() {
                a.client_secret = REDACTED.into();
            }
            if let Some(k) = a.private_key.as_mut() {
                if !k.pem_key.is_empty() {
                    k.pem_key = REDACTED.into();
                }
            }
        }
    }
    m
}

/// `GET /v1/acl/auth-methods`: no authentication at all.
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
        blocking(inner, &q, |s| {
            let out: Vec<AclAuthMethodListStub> = s.auth_methods.values().map(stub).collect();
            Ok((out, s.tables.acl_auth_methods.max(1)))
        })
        .await
    }
    .await;
    match res {
        Ok((stubs, idx)) => query_ok(req, &stubs, idx, "", false),
        Err(e) => error(e),
    }
}

/// `PUT|POST /v1/acl/auth-method`.
pub async fn create(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    upsert(inner, req, None)
}

/// `/v1/acl/auth-method/:name`.
pub async fn specific(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if name.is_empty() {
        return error(ApiError::bad_request("missing ACL auth-method name"));
    }
    match req.method.as_str() {
        "GET" => get(inner, req, name).await,
        "DELETE" => delete(inner, req, name),
        "PUT" | "POST" => upsert(inner, req, Some(name)),
        _ => error(ApiError::method_not_allowed()),
    }
}

async fn get(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        rpc_prelude(inner, &q.region)?;
        inner.read(|s| s.auth_management(&q.token, now_utc()))?;
        blocking(inner, &q, |s| {
            Ok(match s.auth_methods.get(name) {
                Some(m) => (Some(sanitize(m)), m.modify_index),
                None => (None, s.tables.acl_auth_methods),
            })
        })
        .await
    }
    .await;
    match res {
        Ok((Some(m), idx)) => query_ok(req, &m, idx, "", true),
        Ok((None, idx)) => error(ApiError::not_found("ACL auth-method not found", idx)),
        Err(e) => error(e),
    }
}

/// Upsert logic after auth (section 3.4.2). Returns the stored (unsanitized) method.
pub fn upsert_method(
    s: &mut State,
    mut m: AclAuthMethod,
    min: i64,
    max: i64,
    now: OffsetDateTime,
) -> Result<(AclAuthMethod, u64), ApiError> {
    let existing = s.auth_methods.get(&m.name).cloned();
    if let Some(ex) = &existing {
        if m.method_type.is_empty() {
            m.method_type = ex.method_type.clone();
        }
        if m.token_locality.is_empty() {
            m.token_locality = ex.token_locality.clone();
        }
        if m.token_name_format.is_empty() {
            m.token_name_format = ex.token_name_format.clone();
        }
        if m.max_token_ttl.is_zero() {
            m.max_token_ttl = ex.max_token_ttl;
        }
        if m.config.is_none() {
            m.config = ex.config.clone();
        }
        m.create_time = ex.create_time;
    }
    if is_zero_time(&m.create_time) {
        m.create_time = now;
    }
    m.modify_time = now;
    if m.token_name_format.is_empty() {
        m.token_name_format = "${auth_method_type}-${auth_method_name}".into();
    }
    let errs = messages(&m.validate(min, max));
    if !errs.is_empty() {
        return Err(ApiError::bad_request(nomad_acl_core::validate::invalid("auth method", &errs)));
    }
    if m.default {
        if let Some(other) = s.auth_methods.values().find(|o| o.default && o.name != m.name) {
            return Err(ApiError::bad_request(format!("default method already exists: {}", other.name)));
        }
    }
    let idx = s.next_index();
    m.hash = Some(auth_method_hash(&m));
    if let Some(ex) = &existing {
        if ex.hash == m.hash {
            return Ok((ex.clone(), idx));
        }
        m.create_index = ex.create_index;
    } else {
        m.create_index = idx;
    }
    m.modify_index = idx;
    s.auth_methods.insert(m.name.clone(), m.clone());
    s.tables.acl_auth_methods = idx;
    Ok((m, idx))
}

fn upsert(inner: &Arc<Inner>, req: &Req, path_name: Option<&str>) -> Response {
    let method: AclAuthMethod = match decode(&req.body, req.no_body(), &ACL_AUTH_METHOD) {
        Ok(m) => m,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if let Some(n) = path_name {
        if n != method.name {
            return error(ApiError::bad_request("ACL auth-method name does not match request path"));
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
        upsert_method(s, method, min, max, now)
    });
    match res {
        Ok((m, idx)) => write_ok(req, &sanitize(&m), idx, true),
        Err(e) => error(e),
    }
}

fn delete(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        s.auth_management(&secret, now_utc())?;
        let idx = s.next_index();
        if s.auth_methods.remove(name).is_none() {
            return Err(ApiError::internal("ACL auth method not found"));
        }
        s.tables.acl_auth_methods = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}
