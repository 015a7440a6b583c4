//! `/v1/acl/policies`, `/v1/acl/policy/:name`, `/v1/acl/policy/self` (section 3.1).

use nomad_acl_core::validate::messages;
use std::sync::Arc;

use axum::response::Response;

use nomad_acl_core::models::{AclPolicy, AclPolicyListStub};

use super::body::{decode, ACL_POLICY};
use super::http::{blocking, error, parse_query, query_ok, rpc_prelude, write_empty, QueryOptions, Req};
use super::state::policy_hash;
use super::util::{is_uuid, now_utc, ApiError};
use super::Inner;

pub fn stub(p: &AclPolicy) -> AclPolicyListStub {
    AclPolicyListStub {
        name: p.name.clone(),
        description: p.description.clone(),
        job_acl: p.job_acl.clone(),
        hash: p.hash.clone(),
        create_index: p.create_index,
        modify_index: p.modify_index,
    }
}

/// `RulesJSON`: the parsed policy, or null when the stored rules do not parse.
pub fn rules_json(rules: &str) -> serde_json::Value {
    match nomad_acl_core::policy::parse(rules) {
        Ok(p) => serde_json::to_value(&p).unwrap_or(serde_json::Value::Null),
        Err(_) if rules.is_empty() => serde_json::json!({
            "Namespaces": null, "NodePools": null, "HostVolumes": null, "Agent": null, "Node": null,
            "Operator": null, "Quota": null, "Plugin": null, "Sentinel": null, "Raw": "", "ExtraKeysHCL": null
        }),
        Err(_) => serde_json::Value::Null,
    }
}

/// `GET /v1/acl/policies`.
pub async fn list(inner: &Arc<Inner>, req: &Req) -> Response {
    if req.method != "GET" {
        return error(ApiError::method_not_allowed());
    }
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    match list_stubs(inner, &q).await {
        Ok((stubs, idx)) => query_ok(req, &stubs, idx, "", false),
        Err(e) => error(e),
    }
}

async fn list_stubs(inner: &Inner, q: &QueryOptions) -> Result<(Vec<AclPolicyListStub>, u64), ApiError> {
    rpc_prelude(inner, &q.region)?;
    let caller = inner.read(|s| s.auth(&q.token, now_utc()))?;
    blocking(inner, q, |s| {
        let visible = if caller.is_management() { None } else { Some(s.visible_policy_names(&caller.token)) };
        let out: Vec<AclPolicyListStub> = s
            .policies
            .range(q.prefix.clone()..)
            .take_while(|(name, _)| name.starts_with(&q.prefix))
            .filter(|(name, _)| visible.as_ref().is_none_or(|v| v.contains(*name)))
            .map(|(_, p)| stub(p))
            .collect();
        Ok((out, s.tables.acl_policy.max(1)))
    })
    .await
}

/// `/v1/acl/policy/:name`.
pub async fn specific(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if name.is_empty() {
        return error(ApiError::bad_request("Missing Policy Name"));
    }
    if name == "self" {
        if req.method != "GET" {
            return error(ApiError::method_not_allowed());
        }
        return policy_self(inner, req).await;
    }
    match req.method.as_str() {
        "GET" => get(inner, req, name).await,
        "PUT" | "POST" => upsert(inner, req, name),
        "DELETE" => delete(inner, req, name),
        _ => error(ApiError::method_not_allowed()),
    }
}

/// `GET /v1/acl/policy/self` (section 3.1.5).
async fn policy_self(inner: &Arc<Inner>, req: &Req) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    if !inner.config.acl_enabled {
        return error(ApiError::acl_disabled());
    }
    if !is_uuid(&q.token) {
        // Treated as a workload-identity JWT: none are valid here.
        return error(ApiError::permission_denied());
    }
    match list_stubs(inner, &q).await {
        Ok((stubs, idx)) => {
            if stubs.is_empty() {
                query_ok(req, &serde_json::Value::Null, idx, "", false)
            } else {
                query_ok(req, &stubs, idx, "", false)
            }
        }
        Err(e) => error(e),
    }
}

async fn get(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    let q = match parse_query(req, inner) {
        Ok(q) => q,
        Err(e) => return error(e),
    };
    let res: Result<(Option<AclPolicy>, u64), ApiError> = async {
        rpc_prelude(inner, &q.region)?;
        let caller = inner.read(|s| s.auth(&q.token, now_utc()))?;
        blocking(inner, &q, |s| {
            let allowed =
                caller.is_management() || name == "anonymous" || s.visible_policy_names(&caller.token).contains(name);
            if !allowed {
                return Err(ApiError::permission_denied());
            }
            Ok(match s.policies.get(name) {
                Some(p) => (Some(p.clone()), p.modify_index),
                None => (None, s.tables.acl_policy),
            })
        })
        .await
    }
    .await;
    match res {
        Ok((Some(mut p), idx)) => {
            p.rules_json = Some(rules_json(&p.rules));
            query_ok(req, &p, idx, "", false)
        }
        Ok((None, idx)) => error(ApiError::not_found("ACL policy not found", idx)),
        Err(e) => error(e),
    }
}

fn upsert(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    let mut policy: AclPolicy = match decode(&req.body, req.no_body(), &ACL_POLICY) {
        Ok(p) => p,
        Err(e) => return error(ApiError::bad_request(e)),
    };
    if policy.name != name {
        return error(ApiError::bad_request("ACL policy name does not match request path"));
    }
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let token = req.token();
    let res = inner.write(|s| {
        s.auth_management(&token, now_utc())?;
        let errs = messages(&policy.validate());
        if !errs.is_empty() {
            return Err(ApiError::bad_request(nomad_acl_core::validate::invalid("policy", &errs)));
        }
        let idx = s.next_index();
        policy.rules_json = None;
        policy.hash = Some(policy_hash(&policy));
        policy.create_index = s.policies.get(&policy.name).map(|p| p.create_index).unwrap_or(idx);
        policy.modify_index = idx;
        s.policies.insert(policy.name.clone(), policy);
        s.tables.acl_policy = idx;
        Ok(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}

fn delete(inner: &Arc<Inner>, req: &Req, name: &str) -> Response {
    if let Err(e) = rpc_prelude(inner, req.region(inner)) {
        return error(e);
    }
    let token = req.token();
    let res = inner.write(|s| {
        s.auth_management(&token, now_utc())?;
        let idx = s.next_index();
        s.policies.remove(name);
        s.tables.acl_policy = idx;
        Ok::<_, ApiError>(idx)
    });
    match res {
        Ok(idx) => write_empty(idx),
        Err(e) => error(e),
    }
}
