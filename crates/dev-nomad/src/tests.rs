//! Router-level tests with raw HTTP (`tower::ServiceExt::oneshot`), mostly the
//! edge cases of Nomad's ACL endpoints: indexes, missing objects, bad bodies.

use axum::body::Body;
use axum::http::{HeaderMap, Request};
use serde_json::{json, Value};
use tower::ServiceExt;

use super::{DevNomad, DevNomadConfig};

pub(super) struct R {
    pub(super) status: u16,
    pub(super) headers: HeaderMap,
    pub(super) body: String,
}

impl R {
    pub(super) fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", self.body))
    }
    pub(super) fn header(&self, name: &str) -> Option<String> {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_string())
    }
    pub(super) fn index(&self) -> u64 {
        self.header("X-Nomad-Index").expect("X-Nomad-Index").parse().unwrap()
    }
    pub(super) fn is_text(&self) {
        assert_eq!(self.header("content-type").as_deref(), Some("text/plain; charset=utf-8"), "{}", self.body);
    }
}

pub(super) struct T {
    pub(super) dn: DevNomad,
    app: axum::Router,
}

impl T {
    pub(super) fn new() -> Self {
        Self::with(DevNomadConfig::default())
    }
    pub(super) fn with(config: DevNomadConfig) -> Self {
        let dn = DevNomad::new(config).unwrap();
        let app = dn.router();
        T { dn, app }
    }

    pub(super) async fn req(&self, method: &str, uri: &str, token: Option<&str>, body: Option<&str>) -> R {
        self.req_h(method, uri, token.map(|t| ("X-Nomad-Token", t)), body).await
    }

    pub(super) async fn req_h(&self, method: &str, uri: &str, header: Option<(&str, &str)>, body: Option<&str>) -> R {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some((k, v)) = header {
            b = b.header(k, v);
        }
        let body = match body {
            Some(s) => {
                b = b.header("content-length", s.len().to_string());
                Body::from(s.to_string())
            }
            None => Body::empty(),
        };
        let resp = self.app.clone().oneshot(b.body(body).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        R { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    pub(super) async fn bootstrap(&self) -> String {
        let r = self.req("POST", "/v1/acl/bootstrap", None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()["SecretID"].as_str().unwrap().to_string()
    }

    pub(super) async fn put_policy(&self, m: &str, name: &str, rules: &str) {
        let body = json!({"Name": name, "Rules": rules}).to_string();
        let r = self.req("PUT", &format!("/v1/acl/policy/{name}"), Some(m), Some(&body)).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    pub(super) async fn create_token(&self, m: &str, body: Value) -> Value {
        let r = self.req("POST", "/v1/acl/token", Some(m), Some(&body.to_string())).await;
        assert_eq!(r.status, 200, "{}", r.body);
        r.json()
    }
}

pub(super) fn expect(r: &R, status: u16, body: &str) {
    assert_eq!((r.status, r.body.as_str()), (status, body));
    r.is_text();
}

pub(super) const U: &str = "2b778dd9-f5f1-6f29-b4b4-9a5fa948757a";
const NODE_READ: &str = "node { policy = \"read\" }";

fn policy_parser_is_real() -> bool {
    nomad_acl_core::policy::parse("invalid").is_err()
}

#[tokio::test]
async fn ec01_ec02_bootstrap() {
    let t = T::new();
    let r = t.req("POST", "/v1/acl/bootstrap", None, None).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["Name"], "Bootstrap Token");
    assert_eq!(v["Type"], "management");
    assert_eq!(v["Global"], true);
    assert_eq!(v["Policies"], Value::Null);
    assert_eq!(v["ExpirationTTL"], "");
    assert_eq!(v["CreateIndex"].as_u64().unwrap(), r.index());
    assert_eq!(r.header("content-type").as_deref(), Some("application/json"));
    let first = r.index();
    let r = t.req("POST", "/v1/acl/bootstrap", Some("garbage"), None).await;
    expect(&r, 400, &format!("ACL bootstrap already done (reset index: {first})"));
    let r = t.req("GET", "/v1/acl/bootstrap", None, None).await;
    expect(&r, 405, "Invalid method");

    let t = T::new();
    let body = json!({"BootstrapSecret": U}).to_string();
    let r = t.req("POST", "/v1/acl/bootstrap", None, Some(&body)).await;
    assert_eq!(r.json()["SecretID"], U);
    let t = T::new();
    let r = t.req("POST", "/v1/acl/bootstrap", None, Some(r#"{"BootstrapSecret":"not-a-uuid"}"#)).await;
    expect(&r, 400, "invalid acl token");
    let r = t.req("POST", "/v1/acl/bootstrap", None, Some("{x")).await;
    expect(&r, 400, "failed to decode request body: invalid character 'x' looking for beginning of object key string");
}

#[tokio::test]
async fn ec03_to_ec11_policy_writes() {
    let t = T::new();
    let m = t.bootstrap().await;
    let r =
        t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(&json!({"Name":"bar","Rules":NODE_READ}).to_string())).await;
    expect(&r, 400, "ACL policy name does not match request path");
    let r = t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(&json!({"Rules":NODE_READ}).to_string())).await;
    expect(&r, 400, "ACL policy name does not match request path");
    let r = t.req("PUT", "/v1/acl/policy/foo", Some(&m), None).await;
    expect(&r, 400, "Request body is empty");
    let r = t
        .req(
            "PUT",
            "/v1/acl/policy/my_policy",
            Some(&m),
            Some(&json!({"Name":"my_policy","Rules":NODE_READ}).to_string()),
        )
        .await;
    expect(&r, 400, "policy 0 invalid: 1 error occurred:\n\t* invalid name 'my_policy'\n\n");
    if policy_parser_is_real() {
        let r = t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(r#"{"Name":"foo","Rules":"invalid"}"#)).await;
        assert_eq!(r.status, 400);
        assert!(r.body.starts_with("policy 0 invalid: 1 error occurred:\n\t* failed to parse rules: "), "{}", r.body);
        let rules = json!({"Name":"foo","Rules":"namespace \"default\" { policy = \"list\" }"}).to_string();
        let r = t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(&rules)).await;
        assert!(r.body.contains("failed to parse rules: Invalid namespace policy"), "{}", r.body);
        let rules = json!({"Name":"foo","Rules":"node { policy = \"read\" } node { policy = \"write\" }"}).to_string();
        let r = t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(&rules)).await;
        assert!(r.body.contains("Invalid or duplicate policy keys: node"), "{}", r.body);
    }
    // 10: empty rules accepted
    let r = t.req("PUT", "/v1/acl/policy/empty", Some(&m), Some(r#"{"Name":"empty","Rules":""}"#)).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert!(r.header("content-type").is_none());
    assert!(r.index() > 0);
    // 11: client and anonymous cannot write
    t.put_policy(&m, "p1", NODE_READ).await;
    let c = t.create_token(&m, json!({"Type":"client","Policies":["p1"]})).await;
    let cs = c["SecretID"].as_str().unwrap();
    let body = json!({"Name":"x","Rules":NODE_READ}).to_string();
    expect(&t.req("PUT", "/v1/acl/policy/x", Some(cs), Some(&body)).await, 403, "Permission denied");
    expect(&t.req("PUT", "/v1/acl/policy/x", None, Some(&body)).await, 403, "Permission denied");
    // description too long, JobACL rules, multierror with several errors
    let body = json!({"Name":"bad name","Description":"d".repeat(257),"JobACL":{"JobID":"j"}}).to_string();
    let r = t.req("PUT", "/v1/acl/policy/bad%20name", Some(&m), Some(&body)).await;
    expect(
        &r,
        400,
        "policy 0 invalid: 3 errors occurred:\n\t* invalid name 'bad name'\n\t* description longer than 256\n\t* namespace must be set to set job ID\n\n",
    );
}

#[tokio::test]
async fn ec12_ec13_ec14_policy_reads_and_delete() {
    let t = T::new();
    let m = t.bootstrap().await;
    t.put_policy(&m, "p1", NODE_READ).await;
    let c = t.create_token(&m, json!({"Type":"client","Policies":["p1","dangling"]})).await;
    let cs = c["SecretID"].as_str().unwrap();

    let r = t.req("GET", "/v1/acl/policy/does-not-exist", Some(&m), None).await;
    expect(&r, 404, "ACL policy not found");
    assert!(r.header("X-Nomad-Index").is_some());
    assert_eq!(r.header("X-Nomad-KnownLeader").as_deref(), Some("true"));
    expect(&t.req("GET", "/v1/acl/policy/does-not-exist", Some(cs), None).await, 403, "Permission denied");
    // dangling name held directly by the client: allowed, so 404
    expect(&t.req("GET", "/v1/acl/policy/dangling", Some(cs), None).await, 404, "ACL policy not found");

    let r = t.req("GET", "/v1/acl/policy/p1", Some(cs), None).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["Rules"], NODE_READ);
    assert!(v.get("RulesJSON").is_some());
    assert_eq!(r.index(), v["ModifyIndex"].as_u64().unwrap());
    assert_eq!(r.header("X-Nomad-LastContact").as_deref(), Some("0"));

    // anonymous policy
    expect(&t.req("GET", "/v1/acl/policy/anonymous", None, None).await, 404, "ACL policy not found");
    expect(&t.req("GET", "/v1/acl/policy/other", None, None).await, 403, "Permission denied");
    t.put_policy(&m, "anonymous", NODE_READ).await;
    assert_eq!(t.req("GET", "/v1/acl/policy/anonymous", None, None).await.status, 200);
    expect(&t.req("GET", "/v1/acl/policy/anonymous", Some(U), None).await, 403, "Permission denied");

    // lists
    let r = t.req("GET", "/v1/acl/policies", None, None).await;
    let names: Vec<_> = r.json().as_array().unwrap().iter().map(|p| p["Name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, vec!["anonymous"]);
    let r = t.req("GET", "/v1/acl/policies", Some(cs), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = t.req("GET", "/v1/acl/policies?prefix=an", Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert!(r.json()[0].get("Rules").is_none());
    expect(&t.req("GET", "/v1/acl/policies", Some(U), None).await, 403, "Permission denied");

    // 14: deleting a missing policy bumps the index
    let before = t.dn.current_index();
    let r = t.req("DELETE", "/v1/acl/policy/nonexistent", Some(&m), None).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    assert_eq!(r.index(), before + 1);
    let r = t.req("GET", "/v1/acl/policies", Some(&m), None).await;
    assert_eq!(r.index(), before + 1);
}

#[tokio::test]
async fn ec15_to_ec24_token_creation() {
    let t = T::new();
    let m = t.bootstrap().await;
    t.put_policy(&m, "a", NODE_READ).await;
    let r = t.req("DELETE", &format!("/v1/acl/token/{U}"), Some(&m), None).await;
    expect(&r, 400, &format!("Cannot delete nonexistent tokens: {U}"));
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Name":"x","Type":"client"}"#)).await;
    expect(&r, 400, "token 0 invalid: 1 error occurred:\n\t* client token missing policies or roles\n\n");
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"management","Policies":["a"]}"#)).await;
    expect(
        &r,
        400,
        "token 0 invalid: 1 error occurred:\n\t* management token cannot be associated with policies or roles\n\n",
    );
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Name":"x","Policies":["a"]}"#)).await;
    expect(&r, 400, "token 0 invalid: 1 error occurred:\n\t* token type must be client or management\n\n");
    let v = t.create_token(&m, json!({"Type":"client","Policies":["does-not-exist"]})).await;
    assert_eq!(v["Policies"], json!(["does-not-exist"]));
    let r =
        t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"client","Roles":[{"Name":"cant-find-me"}]}"#)).await;
    expect(&r, 400, "cannot find role cant-find-me");

    // 22: role link normalization
    let r = t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r1","Policies":[{"Name":"a"}]}"#)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rid = r.json()["ID"].as_str().unwrap().to_string();
    let v = t.create_token(&m, json!({"Type":"client","Roles":[{"ID":rid},{"ID":rid},{"Name":"r1"}]})).await;
    assert_eq!(v["Roles"], json!([{"ID": rid, "Name": "r1"}]));

    // 23: TTL bounds
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"management","ExpirationTTL":"10m"}"#)).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["ExpirationTTL"], "10m0s");
    let ct = nomad_acl_core::models::parse_rfc3339(v["CreateTime"].as_str().unwrap()).unwrap();
    let et = nomad_acl_core::models::parse_rfc3339(v["ExpirationTime"].as_str().unwrap()).unwrap();
    assert_eq!(et - ct, time::Duration::minutes(10));
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"management","ExpirationTTL":"30s"}"#)).await;
    expect(
        &r,
        400,
        "token 0 invalid: 1 error occurred:\n\t* expiration time cannot be less than 1m0s in the future (was 30s)\n\n",
    );
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"management","ExpirationTTL":"25h"}"#)).await;
    expect(&r, 400, "token 0 invalid: 1 error occurred:\n\t* expiration time cannot be more than 24h0m0s in the future (was 25h0m0s)\n\n");
    // 24: negative TTL
    let r = t.req("POST", "/v1/acl/token", Some(&m), Some(r#"{"Type":"management","ExpirationTTL":"-1h"}"#)).await;
    expect(
        &r,
        400,
        "token 0 invalid: 3 errors occurred:\n\t* token expiration TTL '-1h0m0s' should not be negative\n\t* expiration time cannot be before create time\n\t* expiration time cannot be less than 1m0s in the future (was -1h0m0s)\n\n",
    );
    // TTL as nanoseconds
    let v = t.create_token(&m, json!({"Type":"management","ExpirationTTL": 3_600_000_000_000u64})).await;
    assert_eq!(v["ExpirationTTL"], "1h0m0s");
}

#[tokio::test]
async fn ec25_to_ec30_token_updates() {
    let t = T::new();
    let m = t.bootstrap().await;
    let v = t.create_token(&m, json!({"Name":"local","Type":"client","Policies":["p"]})).await;
    let a = v["AccessorID"].as_str().unwrap().to_string();
    let other = "3b778dd9-f5f1-6f29-b4b4-9a5fa948757a";
    let r = t
        .req(
            "POST",
            &format!("/v1/acl/token/{a}"),
            Some(&m),
            Some(&json!({"AccessorID": other,"Type":"client","Policies":["p"]}).to_string()),
        )
        .await;
    expect(&r, 400, "ACL token accessor does not match request path");
    let r = t.req("POST", &format!("/v1/acl/token/{a}"), Some(&m), Some(r#"{"Type":"client","Policies":["p"]}"#)).await;
    expect(&r, 400, "ACL token accessor does not match request path");
    // 26
    let body = json!({"AccessorID": a, "Name":"local","Type":"client","Policies":["p"],"Global":true}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{a}"), Some(&m), Some(&body)).await;
    expect(&r, 400, "token 0 invalid: 1 error occurred:\n\t* cannot toggle global mode\n\n");
    // 27
    let v = t.create_token(&m, json!({"Type":"client","Policies":["p"],"ExpirationTTL":"1h"})).await;
    let a2 = v["AccessorID"].as_str().unwrap();
    let body = json!({"AccessorID": a2, "Type":"client","Policies":["p"]}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{a2}"), Some(&m), Some(&body)).await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("cannot update expiration TTL"), "{}", r.body);
    // resending the stored TTL and ExpirationTime verbatim works
    let mut upd = v.clone();
    upd["Name"] = json!("renamed");
    let r = t.req("POST", &format!("/v1/acl/token/{a2}"), Some(&m), Some(&upd.to_string())).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["ExpirationTime"], v["ExpirationTime"]);
    assert_eq!(r.json()["Name"], "renamed");
    assert_eq!(r.json()["CreateIndex"], v["CreateIndex"]);
    assert!(r.json()["ModifyIndex"].as_u64() > v["ModifyIndex"].as_u64());
    // non-expiring token: sending an ExpirationTime is rejected (real Nomad would panic)
    let body =
        json!({"AccessorID": a, "Type":"client","Policies":["p"],"ExpirationTime":"2030-01-01T00:00:00Z"}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{a}"), Some(&m), Some(&body)).await;
    assert!(r.body.contains("cannot update expiration time"), "{}", r.body);

    // 28: upload
    let (na, ns) = ("4b778dd9-f5f1-6f29-b4b4-9a5fa948757a", "5b778dd9-f5f1-6f29-b4b4-9a5fa948757a");
    let body = json!({"AccessorID": na, "SecretID": ns, "Type":"client","Policies":["p"]}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{na}"), Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!((r.json()["AccessorID"].as_str(), r.json()["SecretID"].as_str()), (Some(na), Some(ns)));
    let na2 = "6b778dd9-f5f1-6f29-b4b4-9a5fa948757a";
    let body = json!({"AccessorID": na2, "SecretID": ns, "Type":"management"}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{na2}"), Some(&m), Some(&body)).await;
    expect(&r, 400, &format!("cannot find token {na2}"));
    // 29: SecretID cannot change
    let body = json!({"AccessorID": na, "SecretID": U, "Type":"client","Policies":["p"]}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{na}"), Some(&m), Some(&body)).await;
    assert_eq!(r.json()["SecretID"], ns);
    // 30: type change
    let body = json!({"AccessorID": na, "Type":"management","Policies":null}).to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{na}"), Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Type"], "management");
    // malformed accessor on update
    let r = t
        .req("POST", "/v1/acl/token/abc", Some(&m), Some(r#"{"AccessorID":"abc","Type":"client","Policies":["p"]}"#))
        .await;
    expect(&r, 500, "token lookup failed: acl token lookup failed: index error: UUID must be 36 characters");
}

#[tokio::test]
async fn ec31_to_ec38_token_reads() {
    let t = T::new();
    let m = t.bootstrap().await;
    let c = t.create_token(&m, json!({"Type":"client","Policies":["p"]})).await;
    let (ca, cs) = (c["AccessorID"].as_str().unwrap(), c["SecretID"].as_str().unwrap());
    let c2 = t.create_token(&m, json!({"Type":"client","Policies":["p"]})).await;
    expect(
        &t.req("GET", "/v1/acl/token/abc", Some(&m), None).await,
        500,
        "acl token lookup failed: index error: UUID must be 36 characters",
    );
    expect(
        &t.req("GET", "/v1/acl/tokens?prefix=abc", Some(&m), None).await,
        500,
        "acl token lookup failed: index error: Input (without hyphens) must be even length",
    );
    expect(
        &t.req("GET", "/v1/acl/tokens?prefix=zz", Some(&m), None).await,
        500,
        "acl token lookup failed: index error: Invalid UUID: encoding/hex: invalid byte: U+007A 'z'",
    );
    let pfx = &ca[..2];
    let r = t.req("GET", &format!("/v1/acl/tokens?prefix={pfx}"), Some(&m), None).await;
    assert_eq!(r.status, 200);
    assert!(r.json().as_array().unwrap().iter().all(|x| x["AccessorID"].as_str().unwrap().starts_with(pfx)));
    // 33
    let r = t.req("GET", &format!("/v1/acl/token/{ca}"), Some(cs), None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["SecretID"], cs);
    let r = t.req("GET", &format!("/v1/acl/token/{}", ca.to_uppercase()), Some(&m), None).await;
    assert_eq!(r.status, 200, "uppercase accessor lookup");
    expect(
        &t.req("GET", &format!("/v1/acl/token/{}", c2["AccessorID"].as_str().unwrap()), Some(cs), None).await,
        403,
        "Permission denied",
    );
    expect(&t.req("GET", "/v1/acl/tokens", Some(cs), None).await, 403, "Permission denied");
    expect(&t.req("GET", &format!("/v1/acl/token/{U}"), Some(cs), None).await, 403, "Permission denied");
    let r = t.req("GET", &format!("/v1/acl/token/{U}"), Some(&m), None).await;
    expect(&r, 404, "ACL token not found");
    assert!(r.header("X-Nomad-Index").is_some());
    // 34
    let r = t.req("GET", "/v1/acl/tokens", Some(&m), None).await;
    let list = r.json();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 3);
    assert_eq!(list[0]["Name"], "Bootstrap Token");
    assert!(list.iter().all(|x| x.get("SecretID").is_none() && x.get("ExpirationTTL").is_none()));
    let idx: Vec<u64> = list.iter().map(|x| x["CreateIndex"].as_u64().unwrap()).collect();
    assert!(idx.windows(2).all(|w| w[0] < w[1]));
    let r = t.req("GET", "/v1/acl/tokens?reverse=true", Some(&m), None).await;
    assert_eq!(r.json()[0]["AccessorID"], c2["AccessorID"]);
    // 35
    let r = t.req("GET", "/v1/acl/tokens?per_page=2", Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    let next = r.header("X-Nomad-NextToken").unwrap();
    assert_eq!(next, format!("{}.{}", c2["CreateIndex"], c2["AccessorID"].as_str().unwrap()));
    let r = t.req("GET", &format!("/v1/acl/tokens?per_page=2&next_token={next}"), Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert_eq!(r.json()[0]["AccessorID"], c2["AccessorID"]);
    assert!(r.header("X-Nomad-NextToken").is_none());
    expect(
        &t.req("GET", "/v1/acl/tokens?per_page=abc", Some(&m), None).await,
        400,
        "Expect a number for `per_page` query string parameter",
    );
    // 36
    let r = t.req("GET", "/v1/acl/tokens?filter=NotValid", Some(&m), None).await;
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with("failed to create result paginator: failed to read filter expression:"), "{}", r.body);
    let r = t.req("GET", "/v1/acl/tokens?filter=Name%20%3D%3D%20%22Bootstrap%20Token%22", Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = t
        .req(
            "GET",
            "/v1/acl/tokens?filter=Type%20%3D%3D%20%22client%22%20and%20%22p%22%20in%20Policies",
            Some(&m),
            None,
        )
        .await;
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    let r = t.req("GET", "/v1/acl/tokens?filter=Foo%20%3D%3D%20%22x%22", Some(&m), None).await;
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with("failed to read result page: error finding value in datum"), "{}", r.body);
    // 37
    let r = t.req("GET", "/v1/acl/token/self", None, None).await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        r#"{"ExpirationTTL":"","AccessorID":"anonymous","SecretID":"","Name":"Anonymous Token","Type":"client","Policies":["anonymous"],"Roles":null,"Global":false,"Hash":null,"CreateTime":"0001-01-01T00:00:00Z","ExpirationTime":null,"CreateIndex":0,"ModifyIndex":0}"#
    );
    assert_eq!(r.index(), 0);
    expect(&t.req("GET", "/v1/acl/token/self", Some(U), None).await, 403, "Permission denied");
    let r = t.req("GET", "/v1/acl/token/self", Some("not-a-uuid"), None).await;
    assert_eq!(r.status, 500);
    assert!(r.body.starts_with("failed to parse signed token: "));
    let r = t.req("GET", "/v1/acl/token/self", Some(cs), None).await;
    assert_eq!(r.json()["AccessorID"], ca);
    // 38
    expect(&t.req("PUT", "/v1/acl/token/self", Some(&m), None).await, 405, "Invalid method");
    expect(&t.req("GET", "/v1/acl/token", Some(&m), None).await, 405, "Invalid method");
    expect(&t.req("GET", "/v1/acl/token/", Some(&m), None).await, 400, "Missing Token Accessor");
    expect(&t.req("GET", "/v1/acl/token/onetime", Some(&m), None).await, 405, "Invalid method");
}

#[tokio::test]
async fn expired_tokens() {
    let t = T::new();
    let m = t.bootstrap().await;
    // create an expired token by uploading one with an old CreateTime
    let (a, s) = ("7b778dd9-f5f1-6f29-b4b4-9a5fa948757a", "8b778dd9-f5f1-6f29-b4b4-9a5fa948757a");
    let now = time::OffsetDateTime::now_utc();
    let ct = nomad_acl_core::models::format_rfc3339_nano(&(now - time::Duration::minutes(30)));
    let et = nomad_acl_core::models::format_rfc3339_nano(&(now - time::Duration::minutes(5)));
    let body =
        json!({"AccessorID":a,"SecretID":s,"Type":"client","Policies":["p"],"CreateTime":ct,"ExpirationTime":et})
            .to_string();
    let r = t.req("POST", &format!("/v1/acl/token/{a}"), Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    expect(&t.req("GET", "/v1/acl/token/self", Some(s), None).await, 500, "ACL token expired");
    expect(&t.req("GET", &format!("/v1/acl/token/{a}"), Some(s), None).await, 500, "ACL token expired");
    expect(&t.req("GET", "/v1/acl/policies", Some(s), None).await, 403, "Permission denied");
    expect(&t.req("GET", "/v1/acl/roles", Some(s), None).await, 403, "Permission denied");
    assert_eq!(t.req("GET", "/v1/acl/auth-methods", Some(s), None).await.status, 200);
    // still listed until GC
    let r = t.req("GET", "/v1/acl/tokens", Some(&m), None).await;
    assert!(r.json().as_array().unwrap().iter().any(|x| x["AccessorID"] == a));
    t.dn.gc_now();
    let r = t.req("GET", "/v1/acl/tokens", Some(&m), None).await;
    assert!(r.json().as_array().unwrap().iter().any(|x| x["AccessorID"] == a), "expired <1h ago: kept");
    // an expired token can still create a one-time token
    let r = t.req("POST", "/v1/acl/token/onetime", Some(s), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn ec39_policy_self() {
    let t = T::new();
    let m = t.bootstrap().await;
    let r = t.req("GET", "/v1/acl/policy/self", Some(&m), None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "null"));
    t.put_policy(&m, "p1", NODE_READ).await;
    let r = t.req("GET", "/v1/acl/policy/self", Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    expect(&t.req("GET", "/v1/acl/policy/self", None, None).await, 403, "Permission denied");
    expect(&t.req("DELETE", "/v1/acl/policy/self", Some(&m), None).await, 405, "Invalid method");
}

#[tokio::test]
async fn ec40_one_time_tokens() {
    let t = T::new();
    let m = t.bootstrap().await;
    let c = t.create_token(&m, json!({"Type":"client","Policies":["p"]})).await;
    let cs = c["SecretID"].as_str().unwrap();
    let r = t.req("POST", "/v1/acl/token/onetime", Some(cs), None).await;
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["OneTimeToken"]["AccessorID"], c["AccessorID"]);
    assert_eq!(v["Index"].as_u64().unwrap(), r.index());
    let x = v["OneTimeToken"]["OneTimeSecretID"].as_str().unwrap().to_string();
    let body = json!({"OneTimeSecretID": x}).to_string();
    let r = t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Token"]["SecretID"], cs);
    assert_eq!(r.json()["Index"].as_u64().unwrap(), r.index());
    expect(&t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(&body)).await, 403, "Permission denied");
    // a second OTT invalidates the first
    let first = t.req("POST", "/v1/acl/token/onetime", Some(cs), None).await.json();
    let second = t.req("POST", "/v1/acl/token/onetime", Some(cs), None).await.json();
    let b1 = json!({"OneTimeSecretID": first["OneTimeToken"]["OneTimeSecretID"]}).to_string();
    let b2 = json!({"OneTimeSecretID": second["OneTimeToken"]["OneTimeSecretID"]}).to_string();
    assert_eq!(t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(&b1)).await.status, 403);
    assert_eq!(t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(&b2)).await.status, 200);
    // errors
    expect(
        &t.req("POST", "/v1/acl/token/onetime", None, None).await,
        500,
        "acl token lookup failed: missing secret id",
    );
    expect(
        &t.req("POST", "/v1/acl/token/onetime", Some("abc"), None).await,
        500,
        "acl token lookup failed: index error: UUID must be 36 characters",
    );
    expect(&t.req("POST", "/v1/acl/token/onetime", Some(U), None).await, 403, "Permission denied");
    expect(&t.req("POST", "/v1/acl/token/onetime/exchange", None, None).await, 400, "Request body is empty");
    expect(
        &t.req("POST", "/v1/acl/token/onetime/exchange", None, Some("{}")).await,
        500,
        "one-time token lookup failed: missing secret",
    );
    expect(
        &t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(r#"{"OneTimeSecretID":"x"}"#)).await,
        500,
        "one-time token lookup failed: index error: UUID must be 36 characters",
    );
    // the token behind an OTT was deleted
    let o = t.req("POST", "/v1/acl/token/onetime", Some(cs), None).await.json();
    let r = t.req("DELETE", &format!("/v1/acl/token/{}", c["AccessorID"].as_str().unwrap()), Some(&m), None).await;
    assert_eq!(r.status, 200);
    let b = json!({"OneTimeSecretID": o["OneTimeToken"]["OneTimeSecretID"]}).to_string();
    expect(&t.req("POST", "/v1/acl/token/onetime/exchange", None, Some(&b)).await, 403, "Permission denied");
}

#[tokio::test]
async fn ec41_to_ec45_roles() {
    let t = T::new();
    let m = t.bootstrap().await;
    t.put_policy(&m, "p1", NODE_READ).await;
    t.put_policy(&m, "p2", NODE_READ).await;
    let r = t.req("PUT", "/v1/acl/role", None, Some(r#"{"Name":"r1","Policies":[{"Name":"p1"}]}"#)).await;
    expect(&r, 403, "Permission denied");
    let r =
        t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r1","Policies":[{"Name":"p1"},{"Name":"p1"}]}"#)).await;
    assert_eq!(r.status, 200);
    let role = r.json();
    assert_eq!(role["Policies"], json!([{"Name":"p1"}]));
    let id = role["ID"].as_str().unwrap().to_string();
    expect(
        &t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r1","Policies":[{"Name":"p1"}]}"#)).await,
        400,
        "role with name r1 already exists",
    );
    expect(
        &t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r2"}"#)).await,
        400,
        "role 0 invalid: 1 error occurred:\n\t* at least one policy should be specified\n\n",
    );
    expect(
        &t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r2","Policies":[{"Name":"nope"}]}"#)).await,
        400,
        "cannot find policy nope",
    );
    // 42
    let r = t
        .req("POST", &format!("/v1/acl/role/{id}"), Some(&m), Some(r#"{"Name":"r1","Policies":[{"Name":"p1"}]}"#))
        .await;
    expect(&r, 400, "ACL role ID does not match request path");
    // no-op update: the raft index moves, ModifyIndex does not
    let before = t.req("GET", "/v1/acl/roles", Some(&m), None).await.index();
    let body = json!({"ID": id, "Name":"r1","Policies":[{"Name":"p1"}]}).to_string();
    let r = t.req("POST", &format!("/v1/acl/role/{id}"), Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ModifyIndex"], role["ModifyIndex"]);
    assert!(r.index() > before);
    assert_eq!(t.req("GET", "/v1/acl/roles", Some(&m), None).await.index(), before);
    // rename collision is a 500
    let r2 = t.req("PUT", "/v1/acl/role", Some(&m), Some(r#"{"Name":"r2","Policies":[{"Name":"p2"}]}"#)).await.json();
    let body = json!({"ID": r2["ID"], "Name":"r1","Policies":[{"Name":"p2"}]}).to_string();
    let r = t.req("POST", &format!("/v1/acl/role/{}", r2["ID"].as_str().unwrap()), Some(&m), Some(&body)).await;
    expect(&r, 500, "ACL role with name r1 already exists");
    // 43
    expect(&t.req("GET", "/v1/acl/role/name/this/is/bad", Some(&m), None).await, 400, "invalid URI");
    expect(&t.req("GET", "/v1/acl/role/foobar/rolename", Some(&m), None).await, 400, "invalid URI");
    expect(&t.req("GET", "/v1/acl/role/", Some(&m), None).await, 400, "missing ACL role ID");
    expect(&t.req("GET", "/v1/acl/role/name/", Some(&m), None).await, 400, "missing ACL role name");
    expect(&t.req("DELETE", "/v1/acl/role/name/x", Some(&m), None).await, 405, "Invalid method");
    let r = t.req("GET", "/v1/acl/role/name/r1", Some(&m), None).await;
    assert_eq!(r.json()["ID"], id.as_str());
    expect(&t.req("GET", "/v1/acl/role/name/nope", Some(&m), None).await, 404, "ACL role not found");
    expect(&t.req("GET", &format!("/v1/acl/role/{U}"), Some(&m), None).await, 404, "ACL role not found");
    // 44
    let r = t.req("GET", "/v1/acl/roles", None, None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
    let c = t.create_token(&m, json!({"Type":"client","Roles":[{"Name":"r1"}]})).await;
    let cs = c["SecretID"].as_str().unwrap();
    let r = t.req("GET", "/v1/acl/roles", Some(cs), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert_eq!(t.req("GET", &format!("/v1/acl/role/{id}"), Some(cs), None).await.status, 200);
    expect(
        &t.req("GET", &format!("/v1/acl/role/{}", r2["ID"].as_str().unwrap()), Some(cs), None).await,
        403,
        "Permission denied",
    );
    // client sees role-linked policies
    let r = t.req("GET", "/v1/acl/policies", Some(cs), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    assert_eq!(t.req("GET", "/v1/acl/policy/p1", Some(cs), None).await.status, 200);
    // 45: rename shows through GET token; delete drops the link there but not in the list
    let ca = c["AccessorID"].as_str().unwrap();
    let body = json!({"ID": id, "Name":"r1-renamed","Policies":[{"Name":"p1"}]}).to_string();
    assert_eq!(t.req("POST", &format!("/v1/acl/role/{id}"), Some(&m), Some(&body)).await.status, 200);
    let r = t.req("GET", &format!("/v1/acl/token/{ca}"), Some(&m), None).await;
    assert_eq!(r.json()["Roles"], json!([{"ID": id, "Name": "r1-renamed"}]));
    let r = t.req("DELETE", &format!("/v1/acl/role/{id}"), Some(&m), None).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    let r = t.req("GET", &format!("/v1/acl/token/{ca}"), Some(&m), None).await;
    assert_eq!(r.json()["Roles"], json!([]));
    let r = t.req("GET", "/v1/acl/tokens", Some(&m), None).await;
    let stub = r.json().as_array().unwrap().iter().find(|x| x["AccessorID"] == ca).cloned().unwrap();
    assert_eq!(stub["Roles"], json!([{"ID": id, "Name": ""}]));
    // 16
    let before = t.dn.current_index();
    expect(&t.req("DELETE", &format!("/v1/acl/role/{U}"), Some(&m), None).await, 500, "ACL role not found");
    assert_eq!(t.dn.current_index(), before + 1, "failing state-level write consumes an index");
}

#[tokio::test]
async fn ec46_to_ec49_auth_methods_and_binding_rules() {
    let t = T::new();
    let m = t.bootstrap().await;
    let r = t.req("GET", "/v1/acl/auth-methods", Some("garbage"), None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
    assert_eq!(r.index(), 1);
    expect(&t.req("GET", "/v1/acl/auth-method/x", None, None).await, 403, "Permission denied");
    let body = r#"{"Name":"m","Type":"JWT","TokenLocality":"local","Config":{"JWKSURL":"https://x"}}"#;
    expect(&t.req("PUT", "/v1/acl/auth-method", Some(&m), Some(body)).await, 400, "auth method 0 invalid: 1 error occurred:\n\t* invalid MaxTokenTTL value '0s' (should be between 1m0s and 24h0m0s)\n\n");
    let body = json!({"Name":"okta","Type":"OIDC","TokenLocality":"global","MaxTokenTTL":"1h","Default":true,
        "Config":{"OIDCDiscoveryURL":"https://okta","OIDCClientID":"id","OIDCClientSecret":"shh"}})
    .to_string();
    let r = t.req("PUT", "/v1/acl/auth-method", Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(v["Config"]["OIDCClientSecret"], "redacted");
    assert_eq!(v["TokenNameFormat"], "${auth_method_type}-${auth_method_name}");
    assert_eq!(v["MaxTokenTTL"], "1h0m0s");
    let r = t.req("GET", "/v1/acl/auth-method/okta", Some(&m), None).await;
    assert_eq!(r.json()["Config"]["OIDCClientSecret"], "redacted");
    expect(&t.req("GET", "/v1/acl/auth-method/nope", Some(&m), None).await, 404, "ACL auth-method not found");
    expect(&t.req("GET", "/v1/acl/auth-method/", Some(&m), None).await, 400, "missing ACL auth-method name");
    // merge on update: omitted fields come from the stored method, Default does not
    let r = t.req("PUT", "/v1/acl/auth-method/okta", Some(&m), Some(r#"{"Name":"okta"}"#)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["Default"], false);
    assert_eq!(r.json()["Type"], "OIDC");
    let r = t.req("PUT", "/v1/acl/auth-method/okta", Some(&m), Some(r#"{"Name":"other"}"#)).await;
    expect(&r, 400, "ACL auth-method name does not match request path");
    let body = json!({"Name":"jwt","Type":"JWT","TokenLocality":"local","MaxTokenTTL":"1h","Default":true,"Config":{"JWKSURL":"https://x"}}).to_string();
    assert_eq!(t.req("PUT", "/v1/acl/auth-method", Some(&m), Some(&body)).await.status, 200);
    let body = json!({"Name":"okta","Default":true}).to_string();
    expect(
        &t.req("PUT", "/v1/acl/auth-method/okta", Some(&m), Some(&body)).await,
        400,
        "default method already exists: jwt",
    );
    let body = json!({"Name":"x","Type":"OIDC","TokenLocality":"local","MaxTokenTTL":"1h","Config":{}}).to_string();
    expect(
        &t.req("PUT", "/v1/acl/auth-method", Some(&m), Some(&body)).await,
        400,
        "auth method 0 invalid: 1 error occurred:\n\t* invalid config: 2 errors occurred:\n\t* missing OIDCDiscoveryURL\n\t* missing OIDCClientID\n\n\n\n",
    );

    // binding rules
    let r =
        t.req("PUT", "/v1/acl/binding-rule", Some(&m), Some(r#"{"AuthMethod":"nope","BindType":"management"}"#)).await;
    expect(&r, 400, "ACL auth method nope not found");
    let r = t
        .req(
            "PUT",
            "/v1/acl/binding-rule",
            Some(&m),
            Some(r#"{"AuthMethod":"okta","BindType":"management","BindName":"x"}"#),
        )
        .await;
    expect(&r, 400, "binding rule 0 invalid: 1 error occurred:\n\t* bind name should be empty\n\n");
    let r = t
        .req(
            "PUT",
            "/v1/acl/binding-rule",
            Some(&m),
            Some(r#"{"AuthMethod":"okta","BindType":"nope","Selector":"x =="}"#),
        )
        .await;
    assert!(r.body.starts_with("binding rule 0 invalid: 2 errors occurred:\n\t* unsupported bind type: \"nope\"\n\t* selector is invalid: "), "{}", r.body);
    let body = r#"{"AuthMethod":"okta","BindType":"role","BindName":"eng","Selector":"\"eng\" in list.groups","Description":"x"}"#;
    let r = t.req("PUT", "/v1/acl/binding-rule", Some(&m), Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rule = r.json();
    let id = rule["ID"].as_str().unwrap();
    // 48
    let r = t.req("PUT", &format!("/v1/acl/binding-rule/{id}"), Some(&m), Some(r#"{"Description":"d"}"#)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let v = r.json();
    assert_eq!(
        (v["ID"].as_str(), v["BindType"].as_str(), v["BindName"].as_str(), v["AuthMethod"].as_str()),
        (Some(id), Some("role"), Some("eng"), Some("okta"))
    );
    assert_eq!(v["Selector"], "");
    assert_eq!(v["Description"], "d");
    let r = t.req("PUT", &format!("/v1/acl/binding-rule/{id}"), Some(&m), Some(&json!({"ID": U}).to_string())).await;
    expect(&r, 400, "ACL binding rule ID does not match request path");
    let r = t.req("PUT", &format!("/v1/acl/binding-rule/{id}"), Some(&m), Some(r#"{"AuthMethod":"jwt"}"#)).await;
    expect(&r, 400, "cannot update auth method for binding rule, create a new rule instead");
    let r = t.req("GET", "/v1/acl/binding-rules", Some(&m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    expect(&t.req("GET", "/v1/acl/binding-rules", None, None).await, 403, "Permission denied");
    expect(
        &t.req("GET", &format!("/v1/acl/binding-rule/{U}"), Some(&m), None).await,
        404,
        "ACL binding rule not found",
    );
    expect(
        &t.req("DELETE", &format!("/v1/acl/binding-rule/{U}"), Some(&m), None).await,
        500,
        "ACL binding rule not found",
    );
    expect(&t.req("DELETE", "/v1/acl/auth-method/nope", Some(&m), None).await, 500, "ACL auth method not found");
    assert_eq!(t.req("DELETE", "/v1/acl/auth-method/okta", Some(&m), None).await.status, 200);
    // no cascade
    assert_eq!(t.req("GET", &format!("/v1/acl/binding-rule/{id}"), Some(&m), None).await.status, 200);
}

#[tokio::test]
async fn ec50_to_ec54_http_conventions() {
    let t = T::new();
    let m = t.bootstrap().await;
    expect(&t.req("GET", "/v1/acl/policies?index=abc", Some(&m), None).await, 400, "Invalid index");
    expect(&t.req("GET", "/v1/acl/policies?wait=10", Some(&m), None).await, 400, "Invalid wait time");
    expect(
        &t.req("GET", "/v1/acl/policies?stale=maybe", Some(&m), None).await,
        400,
        "Expect `true` or `false` for `stale` query string parameter",
    );
    assert_eq!(
        t.req("GET", "/v1/acl/policies?stale&wait=0&namespace=default&filter=junk", Some(&m), None).await.status,
        200
    );
    expect(&t.req("PATCH", "/v1/acl/policies", Some(&m), None).await, 405, "Invalid method");
    expect(&t.req("PATCH", "/v1/acl/policy/", Some(&m), None).await, 400, "Missing Policy Name");
    // 53
    let r = t.req_h("GET", "/v1/acl/token/self", Some(("Authorization", &format!("bearer {m}"))), None).await;
    assert_eq!(r.json()["Type"], "management");
    let r = t.req_h("GET", "/v1/acl/token/self", Some(("Authorization", m.as_str())), None).await;
    assert_eq!(r.json()["AccessorID"], "anonymous");
    // 54
    let r = t
        .req("PUT", "/v1/acl/policy/foo", Some(&m), Some(r#"{"name":"foo","rules":"node { policy = \"read\" }"}"#))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(t.req("GET", "/v1/acl/policy/foo", Some(&m), None).await.json()["Rules"], NODE_READ);
    // routing
    let r = t.req("GET", "/v1/acl/policies/", Some(&m), None).await;
    assert_eq!((r.status, r.body.as_str()), (404, ""));
    let r = t.req("GET", "/v1//acl/policies?x=1", Some(&m), None).await;
    assert_eq!(r.status, 301);
    assert_eq!(r.header("location").as_deref(), Some("/v1/acl/policies?x=1"));
    let r = t.req("GET", "/v1/acl/policy", Some(&m), None).await;
    assert_eq!((r.status, r.header("location").as_deref()), (301, Some("/v1/acl/policy/")));
    let r = t.req("GET", "/v1/acl/policies?pretty", Some(&m), None).await;
    assert!(r.body.ends_with("\n") && r.body.contains("\n    {"), "{}", r.body);
    expect(&t.req("GET", "/v1/acl/policies?region=mars", Some(&m), None).await, 500, "No path to region");
    expect(
        &t.req("POST", "/v1/acl/login", None, Some("{}")).await,
        400,
        "invalid login request: 2 errors occurred:\n\t* missing auth method name\n\t* missing login token\n\n",
    );
    let r = t.req("GET", "/v1/status/leader", None, None).await;
    assert_eq!(r.body, "\"127.0.0.1:4647\"");
    let r = t.req("GET", "/v1/agent/self", None, None).await;
    assert_eq!(r.json()["config"]["Region"], "global");
    // decode errors
    expect(
        &t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some("x")).await,
        400,
        "invalid character 'x' looking for beginning of value",
    );
    expect(
        &t.req("PUT", "/v1/acl/policy/foo", Some(&m), Some(r#"{"Name":5}"#)).await,
        400,
        "json: cannot unmarshal number into Go struct field ACLPolicy.Name of type string",
    );
}

#[tokio::test]
async fn ec51_blocking_queries() {
    let t = T::new();
    let m = t.bootstrap().await;
    let idx = t.req("GET", "/v1/acl/policies", Some(&m), None).await.index();
    // times out and returns the same index
    let start = std::time::Instant::now();
    let r = t.req("GET", &format!("/v1/acl/policies?index={idx}&wait=200ms"), Some(&m), None).await;
    let el = start.elapsed();
    assert_eq!(r.index(), idx);
    assert!(el >= std::time::Duration::from_millis(190) && el < std::time::Duration::from_millis(1500), "{el:?}");
    // wakes up on a write
    let app = t.app.clone();
    let m2 = m.clone();
    let waiter = tokio::spawn(async move {
        let req = Request::builder()
            .uri(format!("/v1/acl/policies?index={idx}&wait=10s"))
            .header("X-Nomad-Token", m2)
            .body(Body::empty())
            .unwrap();
        let resp = app.oneshot(req).await.unwrap();
        resp.headers().get("X-Nomad-Index").unwrap().to_str().unwrap().parse::<u64>().unwrap()
    });
    for _ in 0..100 {
        if t.dn.blocked_queries() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(t.dn.blocked_queries(), 1);
    // a write to another table does not end the wait (the reply index stays the same)
    t.create_token(&m, json!({"Type":"client","Policies":["p"]})).await;
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    assert_eq!(t.dn.blocked_queries(), 1);
    t.put_policy(&m, "p1", NODE_READ).await;
    let got = tokio::time::timeout(std::time::Duration::from_secs(5), waiter).await.unwrap().unwrap();
    assert!(got > idx);
    assert_eq!(t.dn.blocked_queries(), 0);
    // bad token fails before blocking
    let r = t.req("GET", &format!("/v1/acl/policies?index={}&wait=5s", got), Some(U), None).await;
    expect(&r, 403, "Permission denied");
}

#[tokio::test]
async fn acl_disabled() {
    let t = T::with(DevNomadConfig { acl_enabled: false, ..Default::default() });
    expect(&t.req("GET", "/v1/acl/policies", None, None).await, 400, "ACL support disabled");
    expect(&t.req("POST", "/v1/acl/bootstrap", None, None).await, 400, "ACL support disabled");
    expect(&t.req("GET", "/v1/acl/auth-methods", None, None).await, 400, "ACL support disabled");
    let r = t.req("GET", "/v1/acl/token/self", None, None).await;
    assert_eq!(r.json()["AccessorID"], "acls-disabled");
}

#[tokio::test]
async fn state_file_persists_across_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("devnomad.json");
    let cfg = DevNomadConfig { state_file: Some(path.clone()), ..Default::default() };
    let t = T::with(cfg.clone());
    let m = t.bootstrap().await;
    t.put_policy(&m, "p1", NODE_READ).await;
    let idx = t.dn.current_index();
    drop(t);
    let t = T::with(cfg.clone());
    assert_eq!(t.dn.current_index(), idx);
    let r = t.req("GET", "/v1/acl/policy/p1", Some(&m), None).await;
    assert_eq!(r.status, 200);
    let r = t.req("POST", "/v1/acl/bootstrap", None, None).await;
    expect(&r, 400, &format!("ACL bootstrap already done (reset index: {})", idx - 1));
    // reset file
    std::fs::write(dir.path().join("acl-bootstrap-reset"), "999").unwrap();
    let r = t.req("POST", "/v1/acl/bootstrap", None, None).await;
    expect(&r, 400, &format!("Invalid bootstrap reset index (specified 999, reset index: {})", idx - 1));
    std::fs::write(dir.path().join("acl-bootstrap-reset"), format!("{}", idx - 1)).unwrap();
    let r = t.req("POST", "/v1/acl/bootstrap", None, None).await;
    assert_eq!(r.status, 200);
    // the old bootstrap token still works
    assert_eq!(t.req("GET", "/v1/acl/token/self", Some(&m), None).await.status, 200);
    drop(t);
    std::fs::write(&path, "{ corrupt").unwrap();
    let err = DevNomad::new(cfg).err().expect("corrupt state file must fail");
    assert!(format!("{err:#}").contains("devnomad.json"));
}

#[tokio::test]
async fn demo_seed_over_http() {
    let t = T::new();
    let secret = t.dn.seed_demo().unwrap();
    let m = secret.expose();
    let r = t.req("GET", "/v1/acl/tokens", Some(m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 25);
    let r = t.req("GET", "/v1/acl/policies", Some(m), None).await;
    assert!(r.json().as_array().unwrap().len() >= 8);
    let r = t.req("GET", "/v1/acl/policies", None, None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    let r = t.req("GET", "/v1/acl/auth-methods", None, None).await;
    assert_eq!(r.json()[0]["Name"], "okta");
    let r = t.req("GET", "/v1/acl/auth-method/okta", Some(m), None).await;
    assert_eq!(r.json()["Config"]["OIDCClientSecret"], "redacted");
    // seeding again returns the same bootstrap secret
    assert_eq!(t.dn.seed_demo().unwrap(), secret);
    let r = t.req("GET", "/v1/acl/tokens?filter=%22ops-oncall%22%20in%20Policies", Some(m), None).await;
    assert_eq!(r.status, 200);
    t.dn.seed_scale(500, 20, 5).unwrap();
    let r = t.req("GET", "/v1/acl/tokens?per_page=100", Some(m), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 100);
    assert!(r.header("X-Nomad-NextToken").is_some());
}

#[tokio::test]
async fn spawn_local_serves_http() {
    let dn = DevNomad::new(DevNomadConfig::default()).unwrap();
    let started = std::time::Instant::now();
    let base = dn.clone().spawn_local().await.unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(1));
    assert!(base.starts_with("http://127.0.0.1:"));
    let resp = reqwest::get(format!("{base}/v1/status/leader")).await.unwrap();
    assert_eq!(resp.text().await.unwrap(), "\"127.0.0.1:4647\"");
}

#[tokio::test]
async fn shutdown_answers_blocked_queries_instead_of_waiting_them_out() {
    let dn = DevNomad::new(DevNomadConfig::default()).unwrap();
    let m = dn.seed_demo().unwrap();
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(dn.clone().serve(listener, async move {
        let _ = stopped.await;
    }));
    let index = dn.current_index();
    let url = format!("{base}/v1/acl/policies?index={index}&wait=5m");
    let client = reqwest::Client::new();
    let query = tokio::spawn(client.get(url).header("X-Nomad-Token", m.expose()).send());
    while dn.blocked_queries() == 0 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(std::time::Duration::from_secs(5), server).await;
    assert!(ended.is_ok(), "the server still waited for its blocked query");
    let answer = query.await.unwrap().unwrap();
    assert_eq!(answer.status(), 200);
    // Nothing changed: the answer is the current list, as a timed-out query's would be.
    let answered: u64 = answer.headers()["X-Nomad-Index"].to_str().unwrap().parse().unwrap();
    assert!(answered <= index);
}

/// Rough timing at benchmark scale: `cargo test --release --lib devnomad::tests::scale_timing -- --ignored --nocapture`.
#[tokio::test]
#[ignore]
async fn scale_timing() {
    let t = T::new();
    let m = t.dn.seed_demo().unwrap();
    let m = m.expose();
    let start = std::time::Instant::now();
    t.dn.seed_scale(50_000, 500, 100).unwrap();
    eprintln!("seed_scale(50k): {:?}", start.elapsed());
    for uri in [
        "/v1/acl/tokens",
        "/v1/acl/tokens?per_page=50",
        "/v1/acl/tokens?per_page=50&filter=Type%20%3D%3D%20%22management%22",
        "/v1/acl/tokens?prefix=ab",
        "/v1/acl/policies",
        "/v1/acl/roles",
    ] {
        let start = std::time::Instant::now();
        let r = t.req("GET", uri, Some(m), None).await;
        eprintln!("{uri}: {} bytes in {:?}", r.body.len(), start.elapsed());
        assert_eq!(r.status, 200);
    }
    let start = std::time::Instant::now();
    t.create_token(m, json!({"Type":"client","Policies":["p"]})).await;
    eprintln!("token create at scale: {:?}", start.elapsed());
}
