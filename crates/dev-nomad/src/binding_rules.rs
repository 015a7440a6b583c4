//! `/v1/acl/binding-rules`, `/v1/acl/binding-rule`, `/v1/acl/binding-rule/:id` (section 3.5).

use nomad_acl_core::validate::messages;
use std::sync::Arc;

use axum::response::Response;
use time::OffsetDateTime;

use nomad_acl_core::models::{AclBindingRule, AclBindingRuleListStub};

use super::body::{decode, ACL_BINDING_RULE};
use super::http::{blocking, error, parse_query, query_ok, rpc_prelude, write_empty, write_ok, Req};
use super::state::{binding_rule_hash, State};
use super::util::{new_uuid, now_utc, ApiError};
use super::Inner;

pub fn stub(r: &AclBindingRule) -> AclBindingRuleListStub {
    AclBindingRuleListStub {
        id: r.id.clone(),
        description: r.description.clone(),
        auth_method: r.auth_method.clone(),
        hash: r.hash.clone(),
        create_index: r.create_index,
        modify_index: r.modify_index,
    }
}

/// `GET /v1/acl/binding-rules`.
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
        blocking(inner, &q, |s| {
            let out: Vec<AclBindingRuleListStub> = s.binding_rules.values().map(stub).collect();
            Ok((out, s.tables.acl_binding_rules.max(1)))
        })
        .await
    }
    .await;
    match res {
        Ok((stubs, idx)) => query_ok(req, &stubs, idx, "", false),
        Err(e) => error(e),
    }
}

/// `PUT|POST /v1/acl/binding-rule`.
pub async fn create(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    upsert(inner, req, None)
}

/// `/v1/acl/binding-rule/:id`.
pub async fn specific(inner: &Arc<Inner>, req: &Req, id: &str) -> Response {
    if id.is_empty() {
        return error(ApiError::bad_request("missing ACL binding rule ID"));
    }
    match req.method.as_str() {
        "GET" => get(inner, req, id).await,
        "DELETE" => delete(inner, req, id),
        "PUT" | "POST" => upsert(inner, req, Some(id)),
        _ => error(ApiError::method_not_allowed()),
    }
}

async fn get(inner: &Arc<Inner>, req: &Req, id: &str) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        rpc_prelude(inner, &q.region)?;
        inner.read(|s| s.auth_management(&q.token, now_utc()))?;
        blocking(inner, &q, |s| {
            Ok(match s.binding_rules.get(id) {
                Some(r) => (Some(r.clone()), r.modify_index),
                None => (None, s.tables.acl_binding_rules),
            })
        })
        .await
    }
    .await;
    match res {
        Ok((Some(r), idx)) => query_ok(req, &r, idx, "", false),
        Ok((None, idx)) => error(ApiError::not_found("ACL binding rule not found", idx)),
        Err(e) => error(e),
    }
}

/// Upsert logic after auth (section 3.5.2).
pub fn upsert_rule(
    s: &mut State,
    mut r: AclBindingRule,
    now: OffsetDateTime,
) -> Result<(AclBindingRule, u64), ApiError> {
    let mut existing: Option<AclBindingRule> = None;
    if !r.id.is_empty() {
        let Some(ex) = s.binding_rules.get(&r.id).cloned() else {
            return Err(ApiError::bad_request(format!("cannot find binding rule {}", r.id)));
        };
        if r.bind_name.is_empty() {
            r.bind_name = ex.bind_name.clone();
        }
        if r.bind_type.is_empty() {
            r.bind_type = ex.bind_type.clone();
        }
        if r.auth_method.is_empty() {
            r.auth_method = ex.auth_method.clone();
        }
        if r.auth_method != ex.auth_method {
            return Err(ApiError::bad_request("cannot update auth method for binding rule, create a new rule instead"));
        }
        existing = Some(ex);
    }
    let errs = messages(&r.validate());
    if !errs.is_empty() {
        return Err(ApiError::bad_request(nomad_acl_core::validate::invalid("binding rule", &errs)));
    }
    if !s.auth_methods.contains_key(&r.auth_method) {
        return Err(ApiError::bad_request(format!("ACL auth method {} not found", r.auth_method)));
    }
    match &existing {
        None => {
            r.id = new_uuid();
            r.create_time = now;
        }
        Some(ex) => r.create_time = ex.create_time,
    }
    r.modify_time = now;
    let idx = s.next_index();
    r.hash = Some(binding_rule_hash(&r));
    if let Some(ex) = &existing {
        if ex.hash == r.hash {
            return Ok((ex.clone(), idx));
        }
        r.create_index = ex.create_index;
    } else {
        r.create_index = idx;
    }
    r.modify_index = idx;
    s.binding_rules.insert(r.id.clone(), r.clone());
    s.tables.acl_binding_rules = idx;
    Ok((r, idx))
}

fn upsert(inner: &Arc<Inner>, req: &Req, path_id: Option<&str>) -> Response {
    let mut rule: AclBindingRule = match decode(&req.body, req.no_body(), &ACL_BINDING_RULE) {
        Ok(r) => r,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if let Some(id) = path_id {
        if rule.id.is_empty() {
            rule.id = id.to_string();
        } else if rule.id != id {
            return error(ApiError::bad_request("ACL binding rule ID does not match request path"));
        }
    }
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        let now = now_utc();
        s.auth_management(&secret, now)?;
        upsert_rule(s, rule, now)
    });
    match res {
        Ok((r, idx)) => write_ok(req, &r, idx, false),
        Err(e) => error(e),
    }
}

fn delete(inner: &Arc<Inner>, req: &Req, id: &str) -> Response {
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        s.auth_management(&secret, now_utc())?;
        let idx = s.next_index();
        if s.binding_rules.remove(id).is_none() {
            return Err(ApiError::internal("ACL binding rule not found"));
        }
        s.tables.acl_binding_rules = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}
