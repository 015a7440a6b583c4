#![cfg(feature = "ssr")]
//! More of Nomad's ACL API as clients meet it: headers and content types, index
//! flooring, routing corners, expired tokens, no-op updates.

mod common;

use std::time::Duration;

use common::{unique, uuid, Backend, Fresh};
use nomad_acl_console::devnomad::{DevNomad, DevNomadConfig};
use nomad_acl_console::nomad::client::{NomadClient, NomadConfig, QueryOptions, WriteOptions};
use nomad_acl_console::nomad::error::NomadError;
use nomad_acl_console::nomad::models::{AclAuthMethod, AclAuthMethodConfig, AclToken, GoDuration, SecretId};
use serde_json::json;

const NODE_READ: &str = "node { policy = \"read\" }";

#[tokio::test]
async fn s2_content_types_and_meta_headers() {
    let b = Backend::start().await;
    // Successful GET: JSON plus all three meta headers.
    let r = b.raw_m("GET", "/v1/acl/policies", None).await;
    r.expect_status(200);
    assert!(r.header("Content-Type").unwrap().starts_with("application/json"), "{:?}", r.headers);
    assert!(r.index().is_some());
    assert_eq!(r.header("X-Nomad-KnownLeader").as_deref(), Some("true"));
    assert!(r.header("X-Nomad-LastContact").is_some());
    // Error: text/plain, no meta headers.
    let r = b.raw_tok("GET", "/v1/acl/tokens", Some(&SecretId::from(uuid())), None).await;
    r.expect(403, "Permission denied");
    assert_eq!(r.header("Content-Type").as_deref(), Some("text/plain; charset=utf-8"));
    assert_eq!(r.header("X-Nomad-Index"), None, "an RPC error carries no X-Nomad-Index");
    assert_eq!(r.header("X-Nomad-KnownLeader"), None);
    // A write with a nil result: 200, empty body, only X-Nomad-Index.
    let name = unique("s2");
    let r = b
        .raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&json!({"Name": name, "Rules": NODE_READ}).to_string()))
        .await;
    r.expect(200, "");
    assert!(r.index().is_some());
    assert_eq!(r.header("X-Nomad-KnownLeader"), None, "writes set only X-Nomad-Index");
}

#[tokio::test]
async fn s1_pretty_output() {
    let b = Backend::start().await;
    let p = b.policy("pretty", NODE_READ).await;
    let r = b.raw_m("GET", &format!("/v1/acl/policy/{}?pretty", p.name), None).await;
    r.expect_status(200);
    assert!(r.body.starts_with("{\n    \""), "not indented by 4 spaces: {:?}", &r.body[..r.body.len().min(40)]);
    assert!(r.body.ends_with('\n'));
    let r = b.raw_m("GET", &format!("/v1/acl/policy/{}?pretty=0", p.name), None).await;
    assert!(!r.body.contains('\n'), "pretty=0 is compact");
}

#[tokio::test]
async fn s1_4_routing_corners() {
    let b = Backend::start().await;
    b.raw_m("GET", "/v1/acl/policies/", None).await.expect(404, "");
    b.raw_m("GET", "/v1/acl/token/onetime", None).await.expect(405, "Invalid method");
    let r = b.raw_m("GET", "/v1//acl/policies", None).await;
    assert_eq!(r.status, 301, "unclean paths redirect: {r:?}");
    // `/v1/acl/role/name` alone is the role with ID "name".
    b.raw_m("GET", "/v1/acl/role/name", None).await.expect(404, "ACL role not found");
    b.raw_m("PUT", "/v1/acl/role/name/x", Some("{}")).await.expect(405, "Invalid method");
    b.raw_m("DELETE", "/v1/acl/policies", None).await.expect(405, "Invalid method");
    b.raw_m("GET", "/v1/acl/policy/", None).await.expect(400, "Missing Policy Name");
    b.raw_m("GET", "/v1/acl/auth-method/", None).await.expect(400, "missing ACL auth-method name");
    b.raw_m("GET", "/v1/acl/binding-rule/", None).await.expect(400, "missing ACL binding rule ID");
}

#[tokio::test]
async fn s2_4_list_index_flooring_on_a_fresh_server() {
    let Some(f) = Fresh::start("s2_4_list_index_flooring_on_a_fresh_server").await else { return };
    let (t, _) = f.client.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap();
    let q = QueryOptions::new().with_token(t.secret_id.clone());
    let (_, m) = f.client.acl_policies().list(&q).await.unwrap();
    assert_eq!(m.last_index, 1, "policy list floors the index at 1");
    let (_, m) = f.client.acl_roles().list(&q).await.unwrap();
    assert_eq!(m.last_index, 1, "role list floors the index at 1");
    let (_, m) = f.client.acl_auth_methods().list(&q).await.unwrap();
    assert_eq!(m.last_index, 1, "auth-method list floors the index at 1");
    let (_, m) = f.client.acl_binding_rules().list(&q).await.unwrap();
    assert_eq!(m.last_index, 1, "binding-rule list floors the index at 1");
    let (_, m) = f.client.acl_tokens().list(&q).await.unwrap();
    assert_eq!(m.last_index, t.create_index, "token list: the acl_token table index");
}

#[tokio::test]
async fn s1_1_token_header_forms() {
    let b = Backend::start().await;
    let me = b.mgmt_token.accessor_id.as_str();
    let padded = format!("  {}  ", b.mgmt.expose());
    let r = b.raw("GET", "/v1/acl/token/self", &[("X-Nomad-Token", &padded)], None).await;
    r.expect_status(200);
    assert_eq!(r.json()["AccessorID"], me, "X-Nomad-Token is trimmed");
    let two_words = format!("Bearer {} extra", b.mgmt.expose());
    let r = b.raw("GET", "/v1/acl/token/self", &[("Authorization", &two_words)], None).await;
    assert_eq!(r.json()["AccessorID"], me, "the first word after the scheme is the token");
    let r = b.raw("GET", "/v1/acl/token/self", &[("Authorization", &format!("Basic {}", b.mgmt.expose()))], None).await;
    assert_eq!(r.json()["AccessorID"], "anonymous");
    let r = b.raw("GET", "/v1/acl/token/self", &[("Authorization", "Bearer")], None).await;
    assert_eq!(r.json()["AccessorID"], "anonymous");
}

#[tokio::test]
async fn s3_2_1_bootstrap_body_errors() {
    let Some(f) = Fresh::start("s3_2_1_bootstrap_body_errors").await else { return };
    f.raw("POST", "/v1/acl/bootstrap", &[], Some("{nope")).await.expect_prefix(400, "failed to decode request body: ");
    f.raw("GET", "/v1/acl/bootstrap", &[], None).await.expect(405, "Invalid method");
    // A garbage token is ignored by bootstrap.
    f.raw("POST", "/v1/acl/bootstrap", &[("X-Nomad-Token", "garbage")], None).await.expect_status(200);
}

#[tokio::test]
async fn s3_2_7_one_time_token_errors() {
    let b = Backend::start().await;
    b.raw_tok("POST", "/v1/acl/token/onetime", None, None)
        .await
        .expect(500, "acl token lookup failed: missing secret id");
    b.raw_tok("POST", "/v1/acl/token/onetime", Some(&SecretId::from(uuid())), None)
        .await
        .expect(403, "Permission denied");
    b.raw_tok("POST", "/v1/acl/token/onetime/exchange", None, None).await.expect(400, "Request body is empty");
    b.raw_tok("POST", "/v1/acl/token/onetime/exchange", None, Some(r#"{"OneTimeSecretID":""}"#))
        .await
        .expect(500, "one-time token lookup failed: missing secret");
    b.raw_tok("POST", "/v1/acl/token/onetime/exchange", None, Some(&json!({"OneTimeSecretID": uuid()}).to_string()))
        .await
        .expect(403, "Permission denied");

    // A one-time token of a deleted token can no longer be exchanged.
    let p = b.policy("ott-del", NODE_READ).await;
    let c = b.client_token(&[&p.name]).await;
    let (ott, _) =
        b.client.acl_tokens().create_one_time(&WriteOptions::new().with_token(c.secret_id.clone())).await.unwrap();
    b.client.acl_tokens().delete(&c.accessor_id, &b.w()).await.unwrap();
    let e = b.client.acl_tokens().exchange_one_time(&ott.one_time_secret_id, &WriteOptions::new()).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
}

#[tokio::test]
async fn s3_3_5_role_no_op_update_keeps_modify_index() {
    let b = Backend::start().await;
    let p = b.policy("noop", NODE_READ).await;
    let r = b.role("noop-role", &[&p.name]).await;
    let (same, wm) = b.client.acl_roles().update(&r, &b.w()).await.unwrap();
    assert_eq!(same.modify_index, r.modify_index, "an unchanged role is not rewritten");
    assert!(wm.last_index > r.modify_index, "but the write still takes a raft index");
}

#[tokio::test]
async fn s3_4_2_auth_method_default_is_not_merged_and_unique() {
    let b = Backend::start().await;
    let m = |name: &str, default: bool| AclAuthMethod {
        name: name.to_string(),
        method_type: "JWT".into(),
        token_locality: "local".into(),
        max_token_ttl: GoDuration::from_hours(1),
        default,
        config: Some(AclAuthMethodConfig {
            jwks_url: "https://jwks.example.invalid/keys".into(),
            ..Default::default()
        }),
        ..Default::default()
    };
    if b.real {
        eprintln!("SKIP s3_4_2 default-method checks on a shared cluster (there may already be a default)");
        return;
    }
    let a = unique("am-a");
    let (ma, _) = b.client.acl_auth_methods().create(&m(&a, true), &b.w()).await.unwrap();
    assert!(ma.default);
    let other = unique("am-b");
    let e = b.client.acl_auth_methods().create(&m(&other, true), &b.w()).await.unwrap_err();
    assert_eq!(e, NomadError::InvalidRequest { message: format!("default method already exists: {a}") });
    // Update without Default: it becomes false (Default is not merged).
    let upd = AclAuthMethod { name: a.clone(), ..Default::default() };
    let (u, _) = b.client.acl_auth_methods().update(&upd, &b.w()).await.unwrap();
    assert!(!u.default);
    b.client.acl_auth_methods().create(&m(&other, true), &b.w()).await.unwrap();
}

#[tokio::test]
async fn s3_2_3_token_read_blocks_until_the_token_changes() {
    let b = Backend::start().await;
    let p = b.policy("blk-tok", NODE_READ).await;
    let t = b.client_token(&[&p.name]).await;
    let c = b.client.clone();
    let q = b.q().blocking(t.modify_index, Duration::from_secs(5));
    let acc = t.accessor_id.clone();
    let waiter = tokio::spawn(async move { c.acl_tokens().get(&acc, &q).await });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (u, _) = b.client.acl_tokens().update(&AclToken { name: "renamed".into(), ..t.clone() }, &b.w()).await.unwrap();
    let (got, meta) = tokio::time::timeout(Duration::from_secs(4), waiter).await.expect("woken").unwrap().unwrap();
    assert_eq!(got.name, "renamed");
    assert_eq!(meta.last_index, u.modify_index);
}

#[tokio::test]
async fn s3_1_5_policy_self_for_a_client_token_and_prefix() {
    let b = Backend::start().await;
    let p1 = b.policy("ps-a", NODE_READ).await;
    let p2 = b.policy("ps-b", NODE_READ).await;
    let t = b.client_token(&[&p1.name, &p2.name, &unique("dangling")]).await;
    let q = QueryOptions::new().with_token(t.secret_id.clone());
    let (mine, _) = b.client.acl_policies().self_policies(&q).await.unwrap();
    let mut names: Vec<_> = mine.iter().map(|s| s.name.clone()).collect();
    names.sort();
    let mut expected = vec![p1.name.clone(), p2.name.clone()];
    expected.sort();
    assert_eq!(names, expected, "existing direct policies (dangling names are skipped on listing)");
    let (pref, _) = b.client.acl_policies().self_policies(&q.clone().with_prefix(p1.name.clone())).await.unwrap();
    assert_eq!(pref.len(), 1);
    assert_eq!(pref[0].name, p1.name);
}

#[tokio::test]
async fn s7_5_rules_json_of_a_policy() {
    let b = Backend::start().await;
    let rules = "namespace \"default\" { policy = \"read\" }\nnode { policy = \"write\" }";
    let p = b.policy("rj", rules).await;
    let (got, _) = b.client.acl_policies().get(&p.name, &b.q()).await.unwrap();
    let rj = got.rules_json.expect("RulesJSON");
    assert_eq!(rj["Raw"], rules);
    assert_eq!(rj["Node"]["Policy"], "write");
    assert_eq!(rj["Namespaces"][0]["Name"], "default");
    assert_eq!(rj["Namespaces"][0]["Policy"], "read");
    let caps: Vec<&str> =
        rj["Namespaces"][0]["Capabilities"].as_array().unwrap().iter().map(|c| c.as_str().unwrap()).collect();
    for cap in ["list-jobs", "read-job", "csi-list-volume", "host-volume-read"] {
        assert!(caps.contains(&cap), "read expands to {cap}: {caps:?}");
    }
    assert!(!caps.contains(&"submit-job"));
    assert_eq!(rj["Agent"], serde_json::Value::Null);
}

/// Section 10: how each endpoint treats an expired (not yet collected) token. Needs an
/// embedded server with a 1s minimum TTL, so it does not run against a real Nomad.
#[tokio::test]
async fn s10_expired_token_behaviour() {
    if common::is_real() {
        eprintln!("SKIP s10_expired_token_behaviour: needs an embedded server with a short minimum TTL");
        return;
    }
    let cfg = DevNomadConfig { token_min_ttl: Duration::from_secs(1), ..Default::default() };
    let base = DevNomad::new(cfg).unwrap().spawn_local().await.unwrap();
    let c = NomadClient::new(&NomadConfig { address: base.clone(), ..Default::default() }).unwrap();
    let (boot, _) = c.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap();
    let w = WriteOptions::new().with_token(boot.secret_id.clone());
    let req = AclToken {
        token_type: "client".into(),
        policies: Some(vec!["anything".into()]),
        expiration_ttl: GoDuration::from_secs(1),
        ..Default::default()
    };
    let (t, _) = c.acl_tokens().create(&req, &w).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1300)).await;

    let q = QueryOptions::new().with_token(t.secret_id.clone());
    let e = c.acl_tokens().get_self(&q).await.unwrap_err();
    assert_eq!(e, NomadError::Server { status: 500, message: "ACL token expired".into() });
    let e = c.acl_tokens().get(&t.accessor_id, &q).await.unwrap_err();
    assert_eq!(e, NomadError::Server { status: 500, message: "ACL token expired".into() });
    let e = c.acl_policies().list(&q).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
    let e = c.acl_roles().list(&q).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
    c.acl_auth_methods().list(&q).await.expect("auth-method list ignores the token");
    c.acl_tokens()
        .create_one_time(&WriteOptions::new().with_token(t.secret_id.clone()))
        .await
        .expect("an expired token may still create a one-time token");
    // Still listed until GC.
    let (list, _) = c.acl_tokens().list(&QueryOptions::new().with_token(boot.secret_id.clone())).await.unwrap();
    let stub = list.iter().find(|s| s.accessor_id == t.accessor_id).expect("expired token still listed");
    assert!(stub.is_expired_at(time::OffsetDateTime::now_utc()));
}

/// Section 3: with ACLs disabled every ACL endpoint answers `400 ACL support disabled`,
/// except `token/self`, which returns a synthetic token. Embedded server only.
#[tokio::test]
async fn s3_acls_disabled() {
    if common::is_real() {
        eprintln!("SKIP s3_acls_disabled: needs an embedded server with ACLs disabled");
        return;
    }
    let cfg = DevNomadConfig { acl_enabled: false, ..Default::default() };
    let base = DevNomad::new(cfg).unwrap().spawn_local().await.unwrap();
    let c = NomadClient::new(&NomadConfig { address: base, ..Default::default() }).unwrap();
    let q = QueryOptions::new();
    let e = c.acl_policies().list(&q).await.unwrap_err();
    assert!(e.is_acl_disabled(), "{e:?}");
    assert!(c.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap_err().is_acl_disabled());
    assert!(c.acl_roles().list(&q).await.unwrap_err().is_acl_disabled());
    assert!(c.acl_auth_methods().list(&q).await.unwrap_err().is_acl_disabled());
    let (t, _) = c.acl_tokens().get_self(&q).await.unwrap();
    assert_eq!(t.accessor_id, "acls-disabled");
    assert_eq!(t.name, "ACLs disabled token");
}
