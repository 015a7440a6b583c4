#![cfg(feature = "ssr")]
//! Corners of Nomad's ACL API where clients and servers most often disagree, one test
//! per case, each named after the behavior it checks. Checks that the typed client
//! cannot see (exact status, body bytes, headers) use raw HTTP against the backend's base URL.

mod common;

use std::time::{Duration, Instant};

use common::{unique, uuid, Backend, Fresh};
use nomad_acl_console::nomad::client::{QueryOptions, WriteOptions};
use nomad_acl_console::nomad::error::NomadError;
use nomad_acl_console::nomad::models::{
    AclAuthMethod, AclAuthMethodConfig, AclBindingRule, AclPolicy, AclRole, AclRolePolicyLink, AclToken,
    AclTokenRoleLink, GoDuration, SecretId,
};
use serde_json::json;

const NODE_READ: &str = "node { policy = \"read\" }";

fn jbody(v: serde_json::Value) -> String {
    v.to_string()
}

#[tokio::test]
async fn bootstrap_twice() {
    let Some(f) = Fresh::start("edge_01").await else { return };
    let r = f.raw("POST", "/v1/acl/bootstrap", &[], None).await;
    r.expect_status(200);
    let t = r.json();
    assert_eq!(t["Name"], "Bootstrap Token");
    assert_eq!(t["Type"], "management");
    assert_eq!(t["Global"], true);
    assert_eq!(t["Policies"], serde_json::Value::Null);
    assert!(common::looks_like_uuid(t["SecretID"].as_str().unwrap()), "{t}");
    assert!(common::looks_like_uuid(t["AccessorID"].as_str().unwrap()), "{t}");
    let create_index = t["CreateIndex"].as_u64().unwrap();
    assert_eq!(t["ModifyIndex"].as_u64().unwrap(), create_index);
    assert_eq!(r.index(), Some(create_index), "X-Nomad-Index is the bootstrap's raft index");

    f.raw("POST", "/v1/acl/bootstrap", &[], None)
        .await
        .expect(400, &format!("ACL bootstrap already done (reset index: {create_index})"));
    // A token (even a valid one) does not change that.
    let secret = t["SecretID"].as_str().unwrap().to_string();
    f.raw("PUT", "/v1/acl/bootstrap", &[("X-Nomad-Token", &secret)], None)
        .await
        .expect(400, &format!("ACL bootstrap already done (reset index: {create_index})"));
}

#[tokio::test]
async fn bootstrap_secret() {
    let Some(f) = Fresh::start("edge_02").await else { return };
    let secret = "2b778dd9-f5f1-6f29-b4b4-9a5fa948757a";
    let r = f.raw("POST", "/v1/acl/bootstrap", &[], Some(&jbody(json!({"BootstrapSecret": secret})))).await;
    r.expect_status(200);
    assert_eq!(r.json()["SecretID"], secret);

    let Some(f2) = Fresh::start("edge_02").await else { return };
    f2.raw("POST", "/v1/acl/bootstrap", &[], Some(r#"{"BootstrapSecret":"not-a-uuid"}"#))
        .await
        .expect(400, "invalid acl token");
    // The failed attempt did not bootstrap: a good one still works.
    f2.raw("POST", "/v1/acl/bootstrap", &[], None).await.expect_status(200);
}

#[tokio::test]
async fn policy_put_name_mismatch() {
    let b = Backend::start().await;
    let foo = unique("foo");
    let body = jbody(json!({"Name": unique("bar"), "Rules": NODE_READ}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{foo}"), Some(&body))
        .await
        .expect(400, "ACL policy name does not match request path");
    // Case-sensitive.
    let body = jbody(json!({"Name": foo.to_uppercase(), "Rules": NODE_READ}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{foo}"), Some(&body))
        .await
        .expect(400, "ACL policy name does not match request path");
}

#[tokio::test]
async fn policy_body_without_name() {
    let b = Backend::start().await;
    let foo = unique("foo");
    b.raw_m("PUT", &format!("/v1/acl/policy/{foo}"), Some(&jbody(json!({"Rules": NODE_READ}))))
        .await
        .expect(400, "ACL policy name does not match request path");
}

#[tokio::test]
async fn policy_put_empty_body() {
    let b = Backend::start().await;
    let foo = unique("foo");
    b.raw_m("PUT", &format!("/v1/acl/policy/{foo}"), None).await.expect(400, "Request body is empty");
}

#[tokio::test]
async fn policy_invalid_rules() {
    let b = Backend::start().await;
    let name = unique("foo");
    let p = AclPolicy { name: name.clone(), rules: "invalid".into(), ..Default::default() };
    let e = b.client.acl_policies().upsert(&p, &b.w()).await.unwrap_err();
    assert!(e.is_invalid_request(), "{e:?}");
    assert!(
        e.message().starts_with("policy 0 invalid: 1 error occurred:\n\t* failed to parse rules: "),
        "{:?}",
        e.message()
    );
    // Nothing was stored.
    assert!(b.client.acl_policies().get(&name, &b.q()).await.unwrap_err().is_not_found());
}

#[tokio::test]
async fn policy_invalid_name() {
    let b = Backend::start().await;
    let body = jbody(json!({"Name": "my_policy", "Rules": NODE_READ}));
    b.raw_m("PUT", "/v1/acl/policy/my_policy", Some(&body))
        .await
        .expect(400, "policy 0 invalid: 1 error occurred:\n\t* invalid name 'my_policy'\n\n");
    // Through the client: the same text, trimmed, and its one detail.
    let p = AclPolicy { name: "my_policy".into(), rules: NODE_READ.into(), ..Default::default() };
    let e = b.client.acl_policies().upsert(&p, &b.w()).await.unwrap_err();
    assert_eq!(
        e,
        NomadError::InvalidRequest {
            message: "policy 0 invalid: 1 error occurred:\n\t* invalid name 'my_policy'".into()
        }
    );
    assert_eq!(e.details(), vec!["invalid name 'my_policy'"]);
}

#[tokio::test]
async fn list_is_not_a_namespace_policy() {
    let b = Backend::start().await;
    let name = unique("ns-list");
    let body = jbody(json!({"Name": name, "Rules": "namespace \"default\" { policy = \"list\" }"}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body)).await.expect_prefix(
        400,
        "policy 0 invalid: 1 error occurred:\n\t* failed to parse rules: Invalid namespace policy: ",
    );
    let name = unique("plugin-list");
    let body = jbody(json!({"Name": name, "Rules": "plugin { policy = \"list\" }"}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body)).await.expect(200, "");
}

#[tokio::test]
async fn duplicate_singleton_block() {
    let b = Backend::start().await;
    let name = unique("dup");
    let body = jbody(json!({"Name": name, "Rules": "node { policy = \"read\" } node { policy = \"write\" }"}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body))
        .await
        .expect_contains(400, "failed to parse rules: Invalid or duplicate policy keys: node");
}

#[tokio::test]
async fn empty_rules_accepted() {
    let b = Backend::start().await;
    let name = unique("empty");
    let body = jbody(json!({"Name": name, "Rules": ""}));
    let r = b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body)).await;
    r.expect(200, "");
    assert!(r.index().is_some(), "a write carries X-Nomad-Index");
    let (p, _) = b.client.acl_policies().get(&name, &b.q()).await.unwrap();
    assert_eq!(p.rules, "");
}

#[tokio::test]
async fn policy_writes_require_management() {
    let b = Backend::start().await;
    let p = b.policy("c11", NODE_READ).await;
    let c = b.client_token(&[&p.name]).await;
    let name = unique("x");
    let body = jbody(json!({"Name": name, "Rules": NODE_READ}));
    b.raw_tok("PUT", &format!("/v1/acl/policy/{name}"), Some(&c.secret_id), Some(&body))
        .await
        .expect(403, "Permission denied");
    b.raw_tok("PUT", &format!("/v1/acl/policy/{name}"), None, Some(&body)).await.expect(403, "Permission denied");
    b.raw_tok("DELETE", &format!("/v1/acl/policy/{}", p.name), Some(&c.secret_id), None)
        .await
        .expect(403, "Permission denied");
}

#[tokio::test]
async fn missing_policy() {
    let b = Backend::start().await;
    let p = b.policy("c12", NODE_READ).await;
    let c = b.client_token(&[&p.name]).await;
    let missing = unique("does-not-exist");
    let r = b.raw_m("GET", &format!("/v1/acl/policy/{missing}"), None).await;
    r.expect(404, "ACL policy not found");
    assert!(r.index().is_some(), "a 404 from a policy GET still carries X-Nomad-Index");
    b.raw_tok("GET", &format!("/v1/acl/policy/{missing}"), Some(&c.secret_id), None)
        .await
        .expect(403, "Permission denied");
}

#[tokio::test]
async fn anonymous_policy_is_world_readable() {
    let b = Backend::start().await;
    let other = b.policy("other", NODE_READ).await;
    b.raw_tok("GET", &format!("/v1/acl/policy/{}", other.name), None, None).await.expect(403, "Permission denied");
    let r = b.raw_tok("GET", "/v1/acl/policy/anonymous", None, None).await;
    if b.real {
        // Do not change a shared cluster's anonymous policy: read whichever state it is in.
        if r.status == 200 {
            assert_eq!(r.json()["Name"], "anonymous");
        } else {
            r.expect(404, "ACL policy not found");
        }
        return;
    }
    r.expect(404, "ACL policy not found");
    let anon = AclPolicy {
        name: "anonymous".into(),
        rules: "namespace \"default\" { policy = \"read\" }".into(),
        ..Default::default()
    };
    b.client.acl_policies().upsert(&anon, &b.w()).await.unwrap();
    let r = b.raw_tok("GET", "/v1/acl/policy/anonymous", None, None).await;
    r.expect_status(200);
    assert_eq!(r.json()["Name"], "anonymous");
    b.raw_tok("GET", &format!("/v1/acl/policy/{}", other.name), None, None).await.expect(403, "Permission denied");
}

#[tokio::test]
async fn delete_missing_policy_succeeds() {
    let b = Backend::start().await;
    let before = b.write_index().await;
    let r = b.raw_m("DELETE", &format!("/v1/acl/policy/{}", unique("nonexistent")), None).await;
    r.expect(200, "");
    let idx = r.index().expect("X-Nomad-Index on a delete");
    assert!(idx > before, "a delete of a missing policy still takes a new index ({idx} <= {before})");
    // And the policy table index moved with it.
    let (_, meta) = b.client.acl_policies().list(&b.q()).await.unwrap();
    assert!(meta.last_index >= idx);
}

#[tokio::test]
async fn delete_missing_token() {
    let b = Backend::start().await;
    let id = uuid();
    b.raw_m("DELETE", &format!("/v1/acl/token/{id}"), None)
        .await
        .expect(400, &format!("Cannot delete nonexistent tokens: {id}"));
    let e = b.client.acl_tokens().delete(&id, &b.w()).await.unwrap_err();
    assert!(e.is_invalid_request() && e.is_missing_object(), "{e:?}");
}

#[tokio::test]
async fn delete_missing_role_binding_rule_auth_method() {
    let b = Backend::start().await;
    b.raw_m("DELETE", &format!("/v1/acl/role/{}", uuid()), None).await.expect(500, "ACL role not found");
    b.raw_m("DELETE", &format!("/v1/acl/binding-rule/{}", uuid()), None)
        .await
        .expect(500, "ACL binding rule not found");
    b.raw_m("DELETE", &format!("/v1/acl/auth-method/{}", unique("nope")), None)
        .await
        .expect(500, "ACL auth method not found");
}

#[tokio::test]
async fn client_token_without_policies() {
    let b = Backend::start().await;
    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Name":"x","Type":"client"}"#))
        .await
        .expect(400, "token 0 invalid: 1 error occurred:\n\t* client token missing policies or roles\n\n");
}

#[tokio::test]
async fn management_token_with_policies() {
    let b = Backend::start().await;
    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Type":"management","Policies":["a"]}"#)).await.expect(
        400,
        "token 0 invalid: 1 error occurred:\n\t* management token cannot be associated with policies or roles\n\n",
    );
}

#[tokio::test]
async fn missing_or_invalid_token_type() {
    let b = Backend::start().await;
    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Name":"x","Policies":["a"]}"#))
        .await
        .expect_contains(400, "token type must be client or management");
    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Name":"x","Type":"blah","Policies":["a"]}"#))
        .await
        .expect_prefix(400, "token 0 invalid: ")
        .expect_contains(400, "token type must be client or management");
}

#[tokio::test]
async fn dangling_policy_names_allowed() {
    let b = Backend::start().await;
    let dangling = unique("does-not-exist");
    let t = AclToken { token_type: "client".into(), policies: Some(vec![dangling.clone()]), ..Default::default() };
    let (tok, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    assert_eq!(tok.policies, Some(vec![dangling.clone()]));
    let (got, _) = b.client.acl_tokens().get(&tok.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.policies, Some(vec![dangling]));
}

#[tokio::test]
async fn missing_role_link() {
    let b = Backend::start().await;
    let name = unique("cant-find-me");
    let body = jbody(json!({"Type": "client", "Roles": [{"Name": name}]}));
    b.raw_m("POST", "/v1/acl/token", Some(&body)).await.expect(400, &format!("cannot find role {name}"));
    let id = uuid();
    let body = jbody(json!({"Type": "client", "Roles": [{"ID": id}]}));
    b.raw_m("POST", "/v1/acl/token", Some(&body)).await.expect(400, &format!("cannot find role {id}"));
}

#[tokio::test]
async fn role_link_normalization() {
    let b = Backend::start().await;
    let p = b.policy("c22", NODE_READ).await;
    let r = b.role("c22-role", &[&p.name]).await;
    let t = AclToken {
        token_type: "client".into(),
        roles: Some(vec![
            AclTokenRoleLink { id: r.id.clone(), name: String::new() },
            AclTokenRoleLink { id: r.id.clone(), name: String::new() },
            AclTokenRoleLink { id: String::new(), name: r.name.clone() },
        ]),
        ..Default::default()
    };
    let (tok, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    assert_eq!(tok.roles, Some(vec![AclTokenRoleLink { id: r.id.clone(), name: r.name.clone() }]));
    let (got, _) = b.client.acl_tokens().get(&tok.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.roles, tok.roles);
}

#[tokio::test]
async fn token_ttl_bounds() {
    let b = Backend::start().await;
    let r = b.raw_m("POST", "/v1/acl/token", Some(r#"{"Type":"management","ExpirationTTL":"10m"}"#)).await;
    r.expect_status(200);
    let t = r.json();
    assert_eq!(t["ExpirationTTL"], "10m0s");
    let tok: AclToken = serde_json::from_value(t.clone()).unwrap();
    let exp = tok.expiration_time.expect("ExpirationTime set from the TTL");
    assert_eq!(exp - tok.create_time, time::Duration::minutes(10), "ExpirationTime = CreateTime + 10m: {t}");

    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Type":"management","ExpirationTTL":"30s"}"#)).await.expect(
        400,
        "token 0 invalid: 1 error occurred:\n\t* expiration time cannot be less than 1m0s in the future (was 30s)\n\n",
    );
    b.raw_m("POST", "/v1/acl/token", Some(r#"{"Type":"management","ExpirationTTL":"25h"}"#))
        .await
        .expect_prefix(400, "token 0 invalid: ")
        .expect_contains(400, "expiration time cannot be more than 24h0m0s in the future (was 25h0m0s)");
}

#[tokio::test]
async fn negative_ttl() {
    let b = Backend::start().await;
    let r = b.raw_m("POST", "/v1/acl/token", Some(r#"{"Type":"management","ExpirationTTL":"-1h"}"#)).await;
    r.expect(
        400,
        "token 0 invalid: 3 errors occurred:\n\
         \t* token expiration TTL '-1h0m0s' should not be negative\n\
         \t* expiration time cannot be before create time\n\
         \t* expiration time cannot be less than 1m0s in the future (was -1h0m0s)\n\n",
    );
}

#[tokio::test]
async fn token_path_body_mismatch() {
    let b = Backend::start().await;
    let p = b.policy("c25", NODE_READ).await;
    let a = b.client_token(&[&p.name]).await;
    let body = jbody(json!({"AccessorID": uuid(), "Type": "client", "Policies": [p.name]}));
    b.raw_m("POST", &format!("/v1/acl/token/{}", a.accessor_id), Some(&body))
        .await
        .expect(400, "ACL token accessor does not match request path");
    let body = jbody(json!({"Type": "client", "Policies": [p.name]}));
    b.raw_m("POST", &format!("/v1/acl/token/{}", a.accessor_id), Some(&body))
        .await
        .expect(400, "ACL token accessor does not match request path");
}

#[tokio::test]
async fn toggling_global() {
    let b = Backend::start().await;
    let p = b.policy("c26", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    assert!(!t.global);
    let upd = AclToken { global: true, ..t.clone() };
    let e = b.client.acl_tokens().update(&upd, &b.w()).await.unwrap_err();
    assert_eq!(
        e,
        NomadError::InvalidRequest {
            message: "token 0 invalid: 1 error occurred:\n\t* cannot toggle global mode".into()
        }
    );
}

#[tokio::test]
async fn dropping_ttl_on_update() {
    let b = Backend::start().await;
    let p = b.policy("c27", NODE_READ).await;
    let t = AclToken {
        token_type: "client".into(),
        policies: Some(vec![p.name.clone()]),
        expiration_ttl: GoDuration::from_hours(1),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    assert_eq!(t.expiration_ttl, GoDuration::from_hours(1));
    let upd = AclToken { expiration_ttl: GoDuration::ZERO, expiration_time: None, ..t.clone() };
    let e = b.client.acl_tokens().update(&upd, &b.w()).await.unwrap_err();
    assert!(e.is_invalid_request(), "{e:?}");
    assert!(e.message().contains("cannot update expiration TTL"), "{e:?}");
    // Resending the token unchanged (TTL and exact ExpirationTime) works.
    let same = AclToken { name: "renamed".into(), ..t.clone() };
    let (u, _) = b.client.acl_tokens().update(&same, &b.w()).await.unwrap();
    assert_eq!(u.expiration_time, t.expiration_time);
}

#[tokio::test]
async fn upload_client_token() {
    let b = Backend::start().await;
    let p = b.policy("c28", NODE_READ).await;
    let (a, s) = (uuid(), uuid());
    let t = AclToken {
        accessor_id: a.clone(),
        secret_id: SecretId::from(s.clone()),
        token_type: "client".into(),
        policies: Some(vec![p.name.clone()]),
        ..Default::default()
    };
    let (tok, _) = b.client.acl_tokens().update(&t, &b.w()).await.unwrap();
    assert_eq!(tok.accessor_id, a);
    assert_eq!(tok.secret_id.expose(), s);
    let (me, _) = b.client.acl_tokens().get_self(&QueryOptions::new().with_token(SecretId::from(s))).await.unwrap();
    assert_eq!(me.accessor_id, a);

    let a2 = uuid();
    let body = jbody(json!({"AccessorID": a2, "SecretID": uuid(), "Type": "management"}));
    b.raw_m("POST", &format!("/v1/acl/token/{a2}"), Some(&body)).await.expect(400, &format!("cannot find token {a2}"));
}

#[tokio::test]
async fn secret_id_cannot_change() {
    let b = Backend::start().await;
    let p = b.policy("c29", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    let upd = AclToken { secret_id: SecretId::from(uuid()), ..t.clone() };
    let (u, _) = b.client.acl_tokens().update(&upd, &b.w()).await.unwrap();
    assert_eq!(u.secret_id, t.secret_id);
    assert_eq!(u.create_time, t.create_time);
    let (got, _) = b.client.acl_tokens().get(&t.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.secret_id, t.secret_id);
    assert_eq!(got.create_time, t.create_time);
    // Also when the body leaves CreateTime out.
    let body = jbody(json!({"AccessorID": t.accessor_id, "SecretID": uuid(), "Type": "client", "Policies": [p.name]}));
    let r = b.raw_m("POST", &format!("/v1/acl/token/{}", t.accessor_id), Some(&body)).await;
    r.expect_status(200);
    assert_eq!(r.json()["SecretID"], t.secret_id.expose());
    let got: AclToken = serde_json::from_value(r.json()).unwrap();
    assert_eq!(got.create_time, t.create_time);
}

#[tokio::test]
async fn type_change_on_update() {
    let b = Backend::start().await;
    let p = b.policy("c30", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    let upd = AclToken { token_type: "management".into(), policies: None, ..t.clone() };
    let (u, _) = b.client.acl_tokens().update(&upd, &b.w()).await.unwrap();
    assert_eq!(u.token_type, "management");
    assert_eq!(u.policies, None);
    let (got, _) = b.client.acl_tokens().get(&t.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.token_type, "management");
}

#[tokio::test]
async fn malformed_accessor() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/token/abc", None)
        .await
        .expect(500, "acl token lookup failed: index error: UUID must be 36 characters");
    let e = b.client.acl_tokens().get("abc", &b.q()).await.unwrap_err();
    assert_eq!(e.status(), Some(500));
}

#[tokio::test]
async fn odd_length_token_prefix() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/tokens?prefix=abc", None)
        .await
        .expect(500, "acl token lookup failed: index error: Input (without hyphens) must be even length");
    let p = b.policy("c32", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    let prefix = &t.accessor_id[..2];
    let r = b.raw_m("GET", &format!("/v1/acl/tokens?prefix={prefix}"), None).await;
    r.expect_status(200);
    let list = r.json();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|x| x["AccessorID"].as_str().unwrap()).collect();
    assert!(ids.contains(&t.accessor_id.as_str()), "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with(prefix)), "{ids:?}");
    // Hex case does not matter; hyphens count as nothing.
    let upper = t.accessor_id[..9].to_uppercase();
    let r = b.raw_m("GET", &format!("/v1/acl/tokens?prefix={upper}"), None).await;
    r.expect_status(200);
    assert!(r.body.contains(&t.accessor_id), "{}", r.body);
}

#[tokio::test]
async fn client_tokens_read_only_themselves() {
    let b = Backend::start().await;
    let p = b.policy("c33", NODE_READ).await;
    let c = b.client_token(&[&p.name]).await;
    let r = b.raw_tok("GET", &format!("/v1/acl/token/{}", c.accessor_id), Some(&c.secret_id), None).await;
    r.expect_status(200);
    assert_eq!(r.json()["SecretID"], c.secret_id.expose());
    b.raw_tok("GET", &format!("/v1/acl/token/{}", b.mgmt_token.accessor_id), Some(&c.secret_id), None)
        .await
        .expect(403, "Permission denied");
    b.raw_tok("GET", &format!("/v1/acl/token/{}", uuid()), Some(&c.secret_id), None)
        .await
        .expect(403, "Permission denied");
    b.raw_tok("GET", "/v1/acl/tokens", Some(&c.secret_id), None).await.expect(403, "Permission denied");
}

#[tokio::test]
async fn token_list_stubs() {
    let b = Backend::start().await;
    let p = b.policy("c34", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    let r = b.raw_m("GET", "/v1/acl/tokens", None).await;
    r.expect_status(200);
    assert!(r.index().is_some());
    let list = r.json();
    let list = list.as_array().unwrap();
    for item in list {
        assert!(item.get("SecretID").is_none(), "a stub carries SecretID: {item}");
        assert!(item.get("ExpirationTTL").is_none(), "a stub carries ExpirationTTL: {item}");
    }
    let ids: Vec<&str> = list.iter().map(|x| x["AccessorID"].as_str().unwrap()).collect();
    assert!(ids.contains(&b.mgmt_token.accessor_id.as_str()));
    assert!(ids.contains(&t.accessor_id.as_str()));
    let idx: Vec<u64> = list.iter().map(|x| x["CreateIndex"].as_u64().unwrap()).collect();
    assert!(idx.windows(2).all(|w| w[0] <= w[1]), "not ordered by CreateIndex: {idx:?}");
    assert!(!r.body.contains(t.secret_id.expose()));
}

#[tokio::test]
async fn token_pagination() {
    let b = Backend::start().await;
    let p = b.policy("c35", NODE_READ).await;
    for _ in 0..3 {
        b.client_token(&[&p.name]).await;
    }
    let all = b.raw_m("GET", "/v1/acl/tokens", None).await.json();
    let all = all.as_array().unwrap();
    assert!(all.len() >= 3);
    let r = b.raw_m("GET", "/v1/acl/tokens?per_page=2", None).await;
    r.expect_status(200);
    let page = r.json();
    assert_eq!(page.as_array().unwrap().len(), 2);
    assert_eq!(page[0]["AccessorID"], all[0]["AccessorID"]);
    assert_eq!(page[1]["AccessorID"], all[1]["AccessorID"]);
    let third = &all[2];
    let expected = format!("{}.{}", third["CreateIndex"], third["AccessorID"].as_str().unwrap());
    assert_eq!(r.header("X-Nomad-NextToken"), Some(expected.clone()));
    let r2 = b.raw_m("GET", &format!("/v1/acl/tokens?per_page=2&next_token={expected}"), None).await;
    r2.expect_status(200);
    assert_eq!(r2.json()[0]["AccessorID"], third["AccessorID"]);

    b.raw_m("GET", "/v1/acl/tokens?per_page=abc", None)
        .await
        .expect(400, "Expect a number for `per_page` query string parameter");
}

#[tokio::test]
async fn token_list_filters() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/tokens?filter=NotValid", None)
        .await
        .expect_prefix(400, "failed to create result paginator: failed to read filter expression:");
    let p = b.policy("c36", NODE_READ).await;
    let name = unique("filtered");
    let t = AclToken {
        name: name.clone(),
        token_type: "client".into(),
        policies: Some(vec![p.name.clone()]),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    b.client_token(&[&p.name]).await;
    let filter = format!("Name == \"{name}\"");
    let r = b.raw_m("GET", &format!("/v1/acl/tokens?filter={}", url_encode(&filter)), None).await;
    r.expect_status(200);
    let list = r.json();
    let ids: Vec<&str> = list.as_array().unwrap().iter().map(|x| x["AccessorID"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![t.accessor_id.as_str()]);
    // The same through the client.
    let (list, _) = b.client.acl_tokens().list(&b.q().with_filter(filter)).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].accessor_id, t.accessor_id);
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

#[tokio::test]
async fn anonymous_token_self() {
    let b = Backend::start().await;
    let r = b.raw_tok("GET", "/v1/acl/token/self", None, None).await;
    r.expect_status(200);
    let t = r.json();
    assert_eq!(t["AccessorID"], "anonymous");
    assert_eq!(t["Policies"], json!(["anonymous"]));
    assert_eq!(t["Name"], "Anonymous Token");
    assert_eq!(t["Type"], "client");
    assert_eq!(r.header("X-Nomad-Index").as_deref(), Some("0"));
    b.raw_tok("GET", "/v1/acl/token/self", Some(&SecretId::from(uuid())), None).await.expect(403, "Permission denied");
}

#[tokio::test]
async fn token_self_rejects_writes() {
    let b = Backend::start().await;
    b.raw_m("PUT", "/v1/acl/token/self", Some("{}")).await.expect(405, "Invalid method");
    b.raw_m("GET", "/v1/acl/token", None).await.expect(405, "Invalid method");
    b.raw_m("GET", "/v1/acl/token/", None).await.expect(400, "Missing Token Accessor");
}

#[tokio::test]
async fn policy_self() {
    let b = Backend::start().await;
    let p = b.policy("c39", NODE_READ).await;
    let r = b.raw_m("GET", "/v1/acl/policy/self", None).await;
    r.expect_status(200);
    let list = r.json();
    let names: Vec<&str> =
        list.as_array().expect("an array once a policy exists").iter().map(|x| x["Name"].as_str().unwrap()).collect();
    assert!(names.contains(&p.name.as_str()));
    let all = b.raw_m("GET", "/v1/acl/policies", None).await.json();
    if !b.real {
        assert_eq!(list, all, "with a management token policy/self lists every policy");
    }
    b.raw_tok("GET", "/v1/acl/policy/self", None, None).await.expect(403, "Permission denied");
    b.raw_m("DELETE", "/v1/acl/policy/self", None).await.expect(405, "Invalid method");
}

#[tokio::test]
async fn policy_self_null_when_none() {
    let Some(f) = Fresh::start("edge_39_policy_self_null_when_none").await else { return };
    let (t, _) = f.client.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap();
    let r = f.raw("GET", "/v1/acl/policy/self", &[("X-Nomad-Token", t.secret_id.expose())], None).await;
    r.expect(200, "null");
    // The policy list turns the same nothing into [].
    f.raw("GET", "/v1/acl/policies", &[("X-Nomad-Token", t.secret_id.expose())], None).await.expect(200, "[]");
}

#[tokio::test]
async fn one_time_token_round_trip() {
    let b = Backend::start().await;
    let p = b.policy("c40", NODE_READ).await;
    let c = b.client_token(&[&p.name]).await;
    let r = b.raw_tok("POST", "/v1/acl/token/onetime", Some(&c.secret_id), None).await;
    r.expect_status(200);
    let v = r.json();
    assert_eq!(v["OneTimeToken"]["AccessorID"], c.accessor_id.as_str());
    let index = v["Index"].as_u64().expect("Index");
    assert_eq!(r.index(), Some(index));
    let x = v["OneTimeToken"]["OneTimeSecretID"].as_str().unwrap().to_string();

    let body = jbody(json!({"OneTimeSecretID": x}));
    let r = b.raw_tok("POST", "/v1/acl/token/onetime/exchange", None, Some(&body)).await;
    r.expect_status(200);
    let v = r.json();
    assert_eq!(v["Token"]["AccessorID"], c.accessor_id.as_str());
    assert_eq!(v["Token"]["SecretID"], c.secret_id.expose());
    assert!(v["Index"].as_u64().is_some());
    b.raw_tok("POST", "/v1/acl/token/onetime/exchange", None, Some(&body)).await.expect(403, "Permission denied");

    // A second one-time token replaces the first.
    let w = WriteOptions::new().with_token(c.secret_id.clone());
    let (first, _) = b.client.acl_tokens().create_one_time(&w).await.unwrap();
    let (second, _) = b.client.acl_tokens().create_one_time(&w).await.unwrap();
    let e = b.client.acl_tokens().exchange_one_time(&first.one_time_secret_id, &WriteOptions::new()).await.unwrap_err();
    assert!(e.is_permission_denied(), "the first one-time token still works: {e:?}");
    let (tok, _) =
        b.client.acl_tokens().exchange_one_time(&second.one_time_secret_id, &WriteOptions::new()).await.unwrap();
    assert_eq!(tok.accessor_id, c.accessor_id);
}

#[tokio::test]
async fn duplicate_role_name_and_role_validation() {
    let b = Backend::start().await;
    let p1 = b.policy("p1", NODE_READ).await;
    let r1 = unique("r1");
    let body = jbody(json!({"Name": r1, "Policies": [{"Name": p1.name}]}));
    b.raw_m("PUT", "/v1/acl/role", Some(&body)).await.expect_status(200);
    b.raw_m("PUT", "/v1/acl/role", Some(&body)).await.expect(400, &format!("role with name {r1} already exists"));
    let body = jbody(json!({"Name": unique("r2")}));
    b.raw_m("PUT", "/v1/acl/role", Some(&body))
        .await
        .expect(400, "role 0 invalid: 1 error occurred:\n\t* at least one policy should be specified\n\n");
    let missing = unique("missing-pol");
    let body = jbody(json!({"Name": unique("r3"), "Policies": [{"Name": missing}]}));
    b.raw_m("PUT", "/v1/acl/role", Some(&body)).await.expect(400, &format!("cannot find policy {missing}"));
}

#[tokio::test]
async fn role_path_body_mismatch() {
    let b = Backend::start().await;
    let p = b.policy("c42", NODE_READ).await;
    let r = b.role("c42-role", &[&p.name]).await;
    let body = jbody(json!({"Name": r.name, "Policies": [{"Name": p.name}]}));
    b.raw_m("POST", &format!("/v1/acl/role/{}", r.id), Some(&body))
        .await
        .expect(400, "ACL role ID does not match request path");
    let body = jbody(json!({"ID": uuid(), "Name": r.name, "Policies": [{"Name": p.name}]}));
    b.raw_m("POST", &format!("/v1/acl/role/{}", r.id), Some(&body))
        .await
        .expect(400, "ACL role ID does not match request path");
}

#[tokio::test]
async fn role_uri_errors() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/role/name/this/is/bad", None).await.expect(400, "invalid URI");
    b.raw_m("GET", "/v1/acl/role/foobar/rolename", None).await.expect(400, "invalid URI");
    b.raw_m("GET", "/v1/acl/role/", None).await.expect(400, "missing ACL role ID");
    b.raw_m("GET", "/v1/acl/role/name/", None).await.expect(400, "missing ACL role name");
    b.raw_m("DELETE", "/v1/acl/role/name/x", None).await.expect(405, "Invalid method");
}

#[tokio::test]
async fn roles_for_anonymous_and_client_callers() {
    let b = Backend::start().await;
    let p = b.policy("c44", NODE_READ).await;
    let linked = b.role("c44-linked", &[&p.name]).await;
    let other = b.role("c44-other", &[&p.name]).await;
    b.raw_tok("GET", "/v1/acl/roles", None, None).await.expect(200, "[]");
    let t = AclToken {
        token_type: "client".into(),
        roles: Some(vec![AclTokenRoleLink { id: linked.id.clone(), name: String::new() }]),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    let (list, _) = b.client.acl_roles().list(&QueryOptions::new().with_token(t.secret_id.clone())).await.unwrap();
    let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, vec![linked.id.as_str()]);
    let q = QueryOptions::new().with_token(t.secret_id.clone());
    b.client.acl_roles().get(&linked.id, &q).await.unwrap();
    assert!(b.client.acl_roles().get(&other.id, &q).await.unwrap_err().is_permission_denied());
    b.client.acl_roles().get_by_name(&linked.name, &q).await.unwrap();
    assert!(b.client.acl_roles().get_by_name(&other.name, &q).await.unwrap_err().is_permission_denied());
}

#[tokio::test]
async fn role_delete_and_rename_seen_through_tokens() {
    let b = Backend::start().await;
    let p = b.policy("c45", NODE_READ).await;
    let doomed = b.role("c45-doomed", &[&p.name]).await;
    let kept = b.role("c45-kept", &[&p.name]).await;
    let t = AclToken {
        token_type: "client".into(),
        roles: Some(vec![
            AclTokenRoleLink { id: doomed.id.clone(), name: String::new() },
            AclTokenRoleLink { id: kept.id.clone(), name: String::new() },
        ]),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.unwrap();
    b.client.acl_roles().delete(&doomed.id, &b.w()).await.unwrap();
    let (got, _) = b.client.acl_tokens().get(&t.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.roles, Some(vec![AclTokenRoleLink { id: kept.id.clone(), name: kept.name.clone() }]));

    let list = b.raw_m("GET", "/v1/acl/tokens", None).await.json();
    let stub = list.as_array().unwrap().iter().find(|x| x["AccessorID"] == t.accessor_id.as_str()).unwrap().clone();
    let roles = stub["Roles"].as_array().expect("stub roles");
    assert!(
        roles.iter().any(|l| l["ID"] == doomed.id.as_str() && l["Name"] == ""),
        "the list still shows the stored link to the deleted role: {stub}"
    );

    let new_name = unique("c45-renamed");
    let upd = AclRole { name: new_name.clone(), ..kept.clone() };
    b.client.acl_roles().update(&upd, &b.w()).await.unwrap();
    let (got, _) = b.client.acl_tokens().get(&t.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got.roles, Some(vec![AclTokenRoleLink { id: kept.id.clone(), name: new_name }]));
}

#[tokio::test]
async fn auth_method_list_needs_no_auth() {
    let b = Backend::start().await;
    let r = b.raw("GET", "/v1/acl/auth-methods", &[("X-Nomad-Token", "garbage-not-a-token")], None).await;
    r.expect_status(200);
    assert!(r.json().is_array());
    b.raw_tok("GET", "/v1/acl/auth-methods", Some(&SecretId::from(uuid())), None).await.expect_status(200);
    b.raw_tok("GET", &format!("/v1/acl/auth-method/{}", unique("x")), None, None)
        .await
        .expect(403, "Permission denied");
}

#[tokio::test]
async fn auth_method_needs_max_token_ttl() {
    let b = Backend::start().await;
    let body = jbody(
        json!({"Name": unique("m"), "Type": "JWT", "TokenLocality": "local", "Config": {"JWKSURL": "https://x"}}),
    );
    b.raw_m("PUT", "/v1/acl/auth-method", Some(&body)).await.expect(
        400,
        "auth method 0 invalid: 1 error occurred:\n\t* invalid MaxTokenTTL value '0s' (should be between 1m0s and 24h0m0s)\n\n",
    );
}

async fn jwt_method(b: &Backend) -> String {
    let name = unique("br-jwt");
    let m = AclAuthMethod {
        name: name.clone(),
        method_type: "JWT".into(),
        token_locality: "local".into(),
        max_token_ttl: GoDuration::from_hours(1),
        config: Some(AclAuthMethodConfig {
            jwks_url: "https://jwks.example.invalid/keys".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    b.client.acl_auth_methods().create(&m, &b.w()).await.unwrap();
    name
}

#[tokio::test]
async fn binding_rule_id_from_path() {
    let b = Backend::start().await;
    let method = jwt_method(&b).await;
    let rule = AclBindingRule {
        description: "first".into(),
        auth_method: method.clone(),
        selector: "\"eng\" in list.groups".into(),
        bind_type: "role".into(),
        bind_name: "eng".into(),
        ..Default::default()
    };
    let (rule, _) = b.client.acl_binding_rules().create(&rule, &b.w()).await.unwrap();
    let r = b.raw_m("PUT", &format!("/v1/acl/binding-rule/{}", rule.id), Some(r#"{"Description":"d"}"#)).await;
    r.expect_status(200);
    let v = r.json();
    assert_eq!(v["ID"], rule.id.as_str());
    assert_eq!(v["Description"], "d");
    assert_eq!(v["BindType"], "role");
    assert_eq!(v["BindName"], "eng");
    assert_eq!(v["AuthMethod"], method.as_str());
    assert_eq!(v["Selector"], "", "Selector is not merged: omitting it clears it");

    let body = jbody(json!({"ID": uuid(), "Description": "d"}));
    b.raw_m("PUT", &format!("/v1/acl/binding-rule/{}", rule.id), Some(&body))
        .await
        .expect(400, "ACL binding rule ID does not match request path");
}

#[tokio::test]
async fn binding_rule_for_missing_auth_method() {
    let b = Backend::start().await;
    let nope = unique("nope");
    let body = jbody(json!({"AuthMethod": nope, "BindType": "management"}));
    b.raw_m("PUT", "/v1/acl/binding-rule", Some(&body)).await.expect(400, &format!("ACL auth method {nope} not found"));
    let body = jbody(json!({"AuthMethod": nope, "BindType": "management", "BindName": "x"}));
    b.raw_m("PUT", "/v1/acl/binding-rule", Some(&body))
        .await
        .expect(400, "binding rule 0 invalid: 1 error occurred:\n\t* bind name should be empty\n\n");
}

#[tokio::test]
async fn invalid_query_parameters() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/policies?index=abc", None).await.expect(400, "Invalid index");
    b.raw_m("GET", "/v1/acl/policies?wait=10", None).await.expect(400, "Invalid wait time");
    b.raw_m("GET", "/v1/acl/policies?stale=maybe", None)
        .await
        .expect(400, "Expect `true` or `false` for `stale` query string parameter");
    // Valid forms pass.
    b.raw_m("GET", "/v1/acl/policies?stale=&wait=0", None).await.expect_status(200);
    b.raw_m("GET", "/v1/acl/policies?stale=TRUE&wait=5s&index=0", None).await.expect_status(200);
}

#[tokio::test]
async fn blocking_query() {
    let b = Backend::start().await;
    let idx = b.write_index().await;
    let r = b.raw_m("GET", "/v1/acl/policies", None).await;
    let current = r.index().unwrap();
    assert!(current >= idx);

    // No write: returns after ~wait with the same index.
    let start = Instant::now();
    let r = b.raw_m("GET", &format!("/v1/acl/policies?index={current}&wait=1s"), None).await;
    let took = start.elapsed();
    r.expect_status(200);
    if r.index() == Some(current) {
        assert!(took >= Duration::from_millis(950), "did not block: {took:?}");
        assert!(took < Duration::from_millis(1000 + 62 + 1500), "blocked too long: {took:?}");
    } else {
        assert!(b.real, "index moved with no write: {:?}", r.index());
    }

    // A write within the wait wakes it with the new index.
    let url = format!("/v1/acl/policies?index={current}&wait=5s");
    let start = Instant::now();
    let (r, widx) = tokio::join!(b.raw_m("GET", &url, None), async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        b.write_index().await
    });
    let took = start.elapsed();
    r.expect_status(200);
    let woke = r.index().unwrap();
    assert!(woke > current, "woke without a newer index: {woke} <= {current}");
    if !b.real {
        // Alone on the server, the only write is ours. (On a shared cluster another
        // test's write may wake it first.)
        assert_eq!(woke, widx, "woke with {woke}, write was {widx}");
    }
    assert!(took < Duration::from_secs(4), "not woken by the write: {took:?}");
}

#[tokio::test]
async fn unsupported_method() {
    let b = Backend::start().await;
    b.raw_m("PATCH", "/v1/acl/policies", None).await.expect(405, "Invalid method");
    b.raw_m("PATCH", "/v1/acl/policy/", None).await.expect(400, "Missing Policy Name");
}

#[tokio::test]
async fn bearer_header() {
    let b = Backend::start().await;
    let bearer = format!("bearer {}", b.mgmt.expose());
    let r = b.raw("GET", "/v1/acl/token/self", &[("Authorization", &bearer)], None).await;
    r.expect_status(200);
    assert_eq!(r.json()["AccessorID"], b.mgmt_token.accessor_id.as_str());
    let r = b.raw("GET", "/v1/acl/token/self", &[("Authorization", b.mgmt.expose())], None).await;
    r.expect_status(200);
    assert_eq!(r.json()["AccessorID"], "anonymous", "a bare Authorization value is ignored");
    // X-Nomad-Token wins over Authorization.
    let r = b
        .raw(
            "GET",
            "/v1/acl/token/self",
            &[("X-Nomad-Token", b.mgmt.expose()), ("Authorization", &format!("Bearer {}", uuid()))],
            None,
        )
        .await;
    r.expect_status(200);
    assert_eq!(r.json()["AccessorID"], b.mgmt_token.accessor_id.as_str());
}

#[tokio::test]
async fn case_insensitive_body_keys() {
    let b = Backend::start().await;
    let name = unique("foo");
    let body = jbody(json!({"name": name, "rules": NODE_READ}));
    b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body)).await.expect(200, "");
    let (p, _) = b.client.acl_policies().get(&name, &b.q()).await.unwrap();
    assert_eq!(p.rules, NODE_READ);
}

// Not a numbered case: a role rename onto a name another role holds (section 3.3.5).
#[tokio::test]
async fn role_rename_collision_is_500() {
    let b = Backend::start().await;
    let p = b.policy("rc", NODE_READ).await;
    let a = b.role("rc-a", &[&p.name]).await;
    let c = b.role("rc-c", &[&p.name]).await;
    let upd = AclRole { name: a.name.clone(), policies: vec![AclRolePolicyLink { name: p.name.clone() }], ..c.clone() };
    let e = b.client.acl_roles().update(&upd, &b.w()).await.unwrap_err();
    assert_eq!(e, NomadError::Server { status: 500, message: format!("ACL role with name {} already exists", a.name) });
}
