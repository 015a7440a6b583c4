//! `/v1/namespaces`, `/v1/namespace`, `/v1/namespace/:name`, as
//! `command/agent/namespace_endpoint.go` routes them and `nomad/namespace_endpoint.go`
//! answers, in the open-source build.
//!
//! Unlike the ACL endpoints these work with ACLs disabled (everyone may do
//! everything then), and their refusals of a namespace's content are 500s:
//! Nomad returns them as plain RPC errors.

use std::sync::Arc;

use axum::response::Response;

use nomad_acl_core::models::{Namespace, DEFAULT_NAMESPACE};
use nomad_acl_core::policy::EffectivePermissions;
use nomad_acl_core::validate::namespace::invalid;

use super::body::{decode, NAMESPACE};
use super::http::{blocking, error, parse_query, query_ok, write_empty, Req};
use super::state::{namespace_hash, State};
use super::util::{now_utc, ApiError};
use super::Inner;

/// `GET /v1/namespaces`.
pub async fn list(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        forward(inner, &q.region)?;
        let acl = permissions(inner, &q.token)?;
        blocking(inner, &q, |s| {
            // Filtered, never refused: a caller sees the namespaces it may use.
            let visible: Vec<Namespace> = s
                .namespaces
                .range(q.prefix.clone()..)
                .take_while(|(name, _)| name.starts_with(&q.prefix))
                .filter(|(name, _)| acl.allow_namespace(name))
                .map(|(_, ns)| ns.clone())
                .collect();
            Ok((visible, s.tables.namespaces.max(1)))
        })
        .await
    }
    .await;
    match res {
        Ok((namespaces, idx)) => query_ok(req, &namespaces, idx, "", false),
        Err(e) => error(e),
    }
}

/// `PUT|POST /v1/namespace`: an upsert naming the namespace in the body only.
pub async fn create(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "PUT" && req.method != "POST" {
        return error(ApiError::method_not_allowed());
    }
    upsert(inner, req, "")
}

/// `/v1/namespace/:name`. The name is everything after the prefix, slashes included.
pub async fn specific(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if name.is_empty() {
        return error(ApiError::bad_request("Missing Namespace Name"));
    }
    match req.method.as_str() {
        "GET" => get(inner, req, name).await,
        "PUT" | "POST" => upsert(inner, req, name),
        "DELETE" => delete(inner, req, name),
        _ => error(ApiError::method_not_allowed()),
    }
}

/// The RPC's forwarding: a region this agent is not in has no path.
fn forward(inner: &Inner, region: &str) -> Result<(), ApiError> {
    if region != inner.config.region {
        return Err(ApiError::internal("No path to region"));
    }
    Ok(())
}

/// The caller's permissions: any failed authentication is 403; with ACLs
/// disabled, every caller may do everything (Nomad's `ACLsDisabledACL`).
fn permissions(inner: &Inner, secret: &str) -> Result<EffectivePermissions, ApiError> {
    if !inner.config.acl_enabled {
        return Ok(EffectivePermissions::management());
    }
    inner.read(|s| {
        let caller = s.auth(secret, now_utc())?;
        Ok(s.permissions(&caller.token))
    })
}

/// Writes are for management tokens (or anyone, with ACLs disabled). With ACLs
/// enabled, Nomad sends writes to the authoritative region whatever `region` says.
fn management_write(inner: &Inner, req: &Req) -> Result<(), ApiError> {
    if !inner.config.acl_enabled {
        return forward(inner, req.region(inner));
    }
    if !permissions(inner, &req.token())?.management {
        return Err(ApiError::permission_denied());
    }
    Ok(())
}

async fn get(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res = async {
        forward(inner, &q.region)?;
        // Refused before the lookup: a missing namespace is no answer to probe with.
        if !permissions(inner, &q.token)?.allow_namespace(name) {
            return Err(ApiError::permission_denied());
        }
        blocking(inner, &q, |s| {
            Ok(match s.namespaces.get(name) {
                Some(ns) => (Some(ns.clone()), ns.modify_index),
                None => (None, s.tables.namespaces.max(1)),
            })
        })
        .await
    }
    .await;
    match res {
        Ok((Some(ns), idx)) => query_ok(req, &ns, idx, "", false),
        Ok((None, idx)) => error(ApiError::not_found("Namespace not found", idx)),
        Err(e) => error(e),
    }
}

/// Stores `ns` after Nomad's checks: `Namespace.Validate` (500, nothing written),
/// then the state store's quota check (500, the raft index consumed).
pub fn upsert_namespace(s: &mut State, mut ns: Namespace) -> Result<u64, ApiError> {
    let problems = ns.validate();
    if !problems.is_empty() {
        return Err(ApiError::internal(invalid(&ns.name, &problems)));
    }
    let idx = s.next_index();
    if let Some(problem) = ns.quota_problem() {
        return Err(ApiError::internal(problem.message));
    }
    ns.hash = Some(namespace_hash(&ns));
    ns.create_index = s.namespaces.get(&ns.name).map(|old| old.create_index).unwrap_or(idx);
    ns.modify_index = idx;
    s.namespaces.insert(ns.name.clone(), ns);
    s.tables.namespaces = idx;
    Ok(idx)
}

fn upsert(inner: &Arc<Inner>, req: &Req, path_name: &str) -> Response {
    let ns: Namespace = match decode(&req.body, req.no_body(), &NAMESPACE) {
        Ok(ns) => ns,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if !path_name.is_empty() && ns.name != path_name {
        return error(ApiError::bad_request("Namespace name does not match request path"));
    }
    if let Err(e) = management_write(inner, req) {
        return error(e);
    }
    match inner.write(|s| upsert_namespace(s, ns)) {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}

fn delete(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if let Err(e) = management_write(inner, req) {
        return error(e);
    }
    if name == DEFAULT_NAMESPACE {
        return error(ApiError::internal("can not delete default namespace"));
    }
    let res = inner.write(|s| {
        // The state store refuses a missing namespace after the raft write began.
        let idx = s.next_index();
        if s.namespaces.remove(name).is_none() {
            return Err(ApiError::internal("namespace not found"));
        }
        s.tables.namespaces = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}
