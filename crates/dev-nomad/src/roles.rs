//! `/v1/acl/roles`, `/v1/acl/role`, `/v1/acl/role/:id`, `/v1/acl/role/name/:name` (section 3.3).

use nomad_acl_core::validate::messages;
use std::sync::Arc;

use axum::response::Response;

use nomad_acl_core::models::{AclRole, AclRoleListStub, AclRolePolicyLink};

use super::body::{decode, ACL_ROLE};
use super::http::{blocking, error, parse_query, query_ok, rpc_prelude, write_empty, write_ok, Req};
use super::state::{role_hash, State};
use super::util::{new_uuid, now_utc, ApiError};
use super::Inner;

pub fn stub(r: &AclRole) -> AclRoleListStub {
    AclRoleListStub {
        id: r.id.clone(),
        name: r.name.clone(),
        description: r.description.clone(),
        policies: r.policies.clone(),
        hash: r.hash.clone(),
        create_index: r.create_index,
        modify_index: r.modify_index,
    }
}

/// `GET /v1/acl/roles`.
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
        let caller = inner.read(|s| s.auth(&q.token, now_utc()))?;
        blocking(inner, &q, |s| {
            let visible = if caller.is_management() { None } else { Some(s.visible_role_ids(&caller.token)) };
            let out: Vec<AclRoleListStub> = s
                .roles
                .range(q.prefix.clone()..)
                .take_while(|(id, _)| id.starts_with(&q.prefix))
                .filter(|(id, _)| visible.as_ref().is_none_or(|v| v.contains(*id)))
                .map(|(_, r)| stub(r))
                .collect();
            Ok((out, s.tables.acl_roles.max(1)))
        })
        .await
    }
    .await;
    match res {
        Ok((stubs, idx)) => query_ok(req, &stubs, idx, "", false),
        Err(e) => error(e),
    }
}

/// `PUT|POST /v1/acl/role`.
pub async fn create(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    upsert(inner, req, None)
}

/// `/v1/acl/role/<rest>` path parsing (section 3.3.7).
pub async fn specific(inner: &Arc<Inner>, req: &Req, rest: &str) -> Response {
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.len() {
        1 => {
            let id = parts[0];
            if id.is_empty() {
                return error(ApiError::bad_request("missing ACL role ID"));
            }
            match req.method.as_str() {
                "GET" => get(inner, req, Lookup::Id(id)).await,
                "DELETE" => delete(inner, req, id),
                "PUT" | "POST" => upsert(inner, req, Some(id)),
                _ => error(ApiError::method_not_allowed()),
            }
        }
        2 => {
            if req.method != "GET" {
                return error(ApiError::method_not_allowed());
            }
            if parts[0] != "name" {
                return error(ApiError::bad_request("invalid URI"));
            }
            if parts[1].is_empty() {
                return error(ApiError::bad_request("missing ACL role name"));
            }
            get(inner, req, Lookup::Name(parts[1])).await
        }
        _ => error(ApiError::bad_request("invalid URI")),
    }
}

enum Lookup<'a> {
    Id(&'a str),
    Name(&'a str),
}

async fn get(inner: &Arc<Inner>, req: &Req, lookup: Lookup<'_>) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        rpc_prelude(inner, &q.region)?;
        let caller = inner.read(|s| s.auth(&q.token, now_utc()))?;
        blocking(inner, &q, |s| {
            let role = match lookup {
                Lookup::Id(id) => s.roles.get(id),
                Lookup::Name(name) => s.role_by_name(name),
            };
            if !caller.is_management() {
                let visible = s.visible_role_ids(&caller.token);
                let allowed = match lookup {
                    Lookup::Id(id) => visible.contains(id),
                    Lookup::Name(_) => role.is_some_and(|r| visible.contains(&r.id)),
                };
                if !allowed {
                    return Err(ApiError::permission_denied());
                }
            }
            Ok(match role {
                Some(r) => (Some(r.clone()), r.modify_index),
                None => (None, s.tables.acl_roles),
            })
        })
        .await
    }
    .await;
    match res {
        Ok((Some(r), idx)) => query_ok(req, &r, idx, "", false),
        Ok((None, idx)) => error(ApiError::not_found("ACL role not found", idx)),
        Err(e) => error(e),
    }
}

/// Upsert logic after auth (section 3.3.2 / 3.3.5).
pub fn upsert_role(s: &mut State, mut role: AclRole) -> Result<(AclRole, u64), ApiError> {
    let errs = messages(&role.validate());
    if !errs.is_empty() {
        return Err(ApiError::bad_request(nomad_acl_core::validate::invalid("role", &errs)));
    }
    let existing = if role.id.is_empty() {
        if s.role_by_name(&role.name).is_some() {
            return Err(ApiError::bad_request(format!("role with name {} already exists", role.name)));
        }
        None
    } else {
        match s.roles.get(&role.id) {
            Some(r) => Some(r.clone()),
            None => return Err(ApiError::bad_request(format!("cannot find role {}", role.id))),
        }
    };
    let mut links: Vec<AclRolePolicyLink> = Vec::new();
    for link in &role.policies {
        if !s.policies.contains_key(&link.name) {
            return Err(ApiError::bad_request(format!("cannot find policy {}", link.name)));
        }
        if !links.iter().any(|l| l.name == link.name) {
            links.push(AclRolePolicyLink { name: link.name.clone() });
        }
    }
    role.policies = links;
    let idx = s.next_index();
    match existing {
        None => {
            role.id = new_uuid();
            role.hash = Some(role_hash(&role));
            role.create_index = idx;
            role.modify_index = idx;
            s.roles.insert(role.id.clone(), role.clone());
            s.tables.acl_roles = idx;
            Ok((role, idx))
        }
        Some(ex) => {
            if s.roles.values().any(|r| r.name == role.name && r.id != role.id) {
                // State-store error: uncoded, so 500 (the raft index is consumed).
                return Err(ApiError::internal(format!("ACL role with name {} already exists", role.name)));
            }
            role.hash = Some(role_hash(&role));
            if ex.hash == role.hash {
                // No-op: nothing written, the table index does not move.
                return Ok((ex, idx));
            }
            role.create_index = ex.create_index;
            role.modify_index = idx;
            s.roles.insert(role.id.clone(), role.clone());
            s.tables.acl_roles = idx;
            Ok((role, idx))
        }
    }
}

fn upsert(inner: &Arc<Inner>, req: &Req, path_id: Option<&str>) -> Response {
    let role: AclRole = match decode(&req.body, req.no_body(), &ACL_ROLE) {
        Ok(r) => r,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if let Some(id) = path_id {
        if id != role.id {
            return error(ApiError::bad_request("ACL role ID does not match request path"));
        }
    }
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let secret = req.token();
    let res = inner.write(|s| {
        s.auth_management(&secret, now_utc())?;
        upsert_role(s, role)
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
        if s.roles.remove(id).is_none() {
            return Err(ApiError::internal("ACL role not found"));
        }
        s.tables.acl_roles = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}
