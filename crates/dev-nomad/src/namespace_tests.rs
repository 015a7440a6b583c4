//! The namespace endpoints over raw HTTP (`command/agent/namespace_endpoint.go`,
//! `nomad/namespace_endpoint.go`, `nomad/state/state_store.go`).

use std::time::Duration;

use serde_json::{json, Value};

use super::tests::{expect, T};
use super::DevNomadConfig;

const INVALID_NAME: &str = ". Must match regex ^[a-zA-Z0-9-]{1,128}$";

async fn put(t: &T, m: &str, body: Value) -> u64 {
    let name = body["Name"].as_str().unwrap().to_string();
    let r = t.req("PUT", &format!("/v1/namespace/{name}"), Some(m), Some(&body.to_string())).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""), "upsert {name}");
    r.index()
}

#[tokio::test]
async fn default_exists_from_the_start_written_at_index_one() {
    let t = T::new();
    let m = t.bootstrap().await;
    let r = t.req("GET", "/v1/namespace/default", Some(&m), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.index(), 1);
    assert_eq!(r.header("content-type").as_deref(), Some("application/json"));
    assert_eq!(
        r.json(),
        json!({"Name": "default", "Description": "Default shared namespace", "Quota": "", "Capabilities": null,
            "NodePoolConfiguration": null, "VaultConfiguration": null, "ConsulConfiguration": null, "Meta": null,
            "Hash": "C7UbjDwBK0dK8wQq7Izg7SJIzaV+lIo2X7wRtzY3pSw=", "CreateIndex": 1, "ModifyIndex": 1,
            "RequiredExtraClaims": null, "OptionalExtraClaims": null})
    );
    let r = t.req("GET", "/v1/namespaces", Some(&m), None).await;
    assert_eq!((r.status, r.index()), (200, 1));
    assert_eq!(r.json().as_array().unwrap().len(), 1);
    expect(&t.req("DELETE", "/v1/namespace/default", Some(&m), None).await, 500, "can not delete default namespace");
    assert!(t.dn.current_index() > 1, "the bootstrap came after the default namespace");
}

#[tokio::test]
async fn routes_and_methods_as_nomad_registers_them() {
    let t = T::new();
    let m = t.bootstrap().await;
    for (method, path) in [
        ("PUT", "/v1/namespaces"),
        ("DELETE", "/v1/namespaces"),
        ("GET", "/v1/namespace"),
        ("DELETE", "/v1/namespace"),
        ("PATCH", "/v1/namespace/a"),
        ("HEAD", "/v1/namespace/a"),
    ] {
        let r = t.req(method, path, Some(&m), None).await;
        assert_eq!(r.status, 405, "{method} {path}");
        if method != "HEAD" {
            expect(&r, 405, "Invalid method");
        }
    }
    // The name check comes before the method's.
    expect(&t.req("PATCH", "/v1/namespace/", Some(&m), None).await, 400, "Missing Namespace Name");
    expect(&t.req("GET", "/v1/namespace/", Some(&m), None).await, 400, "Missing Namespace Name");
    // Everything after the prefix is the name.
    expect(&t.req("GET", "/v1/namespace/a/b", Some(&m), None).await, 404, "Namespace not found");
}

#[tokio::test]
async fn upserts_by_path_and_by_body_and_replace_the_whole_namespace() {
    let t = T::new();
    let m = t.bootstrap().await;
    let first = put(
        &t,
        &m,
        json!({"Name": "hashed", "Description": "d", "Meta": {"b": "2", "a": "1"},
        "Capabilities": {"EnabledTaskDrivers": ["docker", "exec"], "DisabledTaskDrivers": ["raw_exec"],
            "EnabledNetworkModes": [], "DisabledNetworkModes": ["host"]}}),
    )
    .await;
    let r = t.req("GET", "/v1/namespace/hashed", Some(&m), None).await;
    let ns = r.json();
    assert_eq!(ns["Hash"], "07grZP/HCzaVgaPF4M+wqwpAWpy9zkw6CGq0J3r2bYs=", "Namespace.SetHash");
    assert_eq!((ns["CreateIndex"].as_u64(), ns["ModifyIndex"].as_u64(), r.index()), (Some(first), Some(first), first));
    assert_eq!(ns["Capabilities"]["EnabledNetworkModes"], json!([]));

    let r = t.req("POST", "/v1/namespace", Some(&m), Some(r#"{"name":"hashed"}"#)).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    let second = r.index();
    assert!(second > first);
    let ns = t.req("GET", "/v1/namespace/hashed", Some(&m), None).await.json();
    assert_eq!((ns["CreateIndex"].as_u64(), ns["ModifyIndex"].as_u64()), (Some(first), Some(second)));
    assert_eq!((&ns["Description"], &ns["Meta"], &ns["Capabilities"]), (&json!(""), &Value::Null, &Value::Null));

    let body = json!({"Name": "other"}).to_string();
    expect(
        &t.req("PUT", "/v1/namespace/hashed", Some(&m), Some(&body)).await,
        400,
        "Namespace name does not match request path",
    );
    expect(&t.req("PUT", "/v1/namespace/hashed", Some(&m), None).await, 400, "Request body is empty");
    let r = t.req("PUT", "/v1/namespace/hashed", Some(&m), Some(r#"{"Name":"hashed","Meta":{"a":1}}"#)).await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(r.body.contains("Namespace.Meta"), "{}", r.body);
}

#[tokio::test]
async fn validation_refusals_are_500s_with_nomads_texts() {
    let t = T::new();
    let m = t.bootstrap().await;
    let before = t.dn.current_index();
    let refused = |body: Value| {
        let t = &t;
        let m = m.clone();
        async move { t.req("POST", "/v1/namespace", Some(&m), Some(&body.to_string())).await }
    };
    expect(
        &refused(json!({"Name": "<b>x</b>"})).await,
        500,
        &format!("Invalid namespace \"<b>x</b>\": 1 error occurred:\n\t* invalid name \"<b>x</b>\"{INVALID_NAME}\n\n"),
    );
    expect(
        &refused(json!({})).await,
        500,
        &format!("Invalid namespace \"\": 1 error occurred:\n\t* invalid name \"\"{INVALID_NAME}\n\n"),
    );
    let everything = json!({"Name": "a", "Description": "x".repeat(1 << 20), "NodePoolConfiguration": {},
        "VaultConfiguration": {"Default": "v"}, "ConsulConfiguration": {"Allowed": []}});
    expect(
        &refused(everything).await,
        500,
        "Invalid namespace \"a\": 4 errors occurred:\n\t* description longer than 256\n\t* invalid node pool configuration: Node Pools Governance is unlicensed.\n\t* invalid vault configuration: Multi-Cluster Vault is unlicensed.\n\t* invalid consul configuration: Multi-Cluster Consul is unlicensed.\n\n",
    );
    // A null configuration is no configuration.
    let r = refused(json!({"Name": "nulls", "NodePoolConfiguration": null, "VaultConfiguration": null})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(t.dn.current_index(), before + 1, "refused upserts write nothing");
    // The quota is refused by the state store, after the raft index is taken.
    let before = t.dn.current_index();
    expect(
        &refused(json!({"Name": "q", "Quota": "gold"})).await,
        500,
        "namespace \"q\" using non-existent quota \"gold\"",
    );
    assert_eq!(t.dn.current_index(), before + 1);
    expect(&t.req("GET", "/v1/namespace/q", Some(&m), None).await, 404, "Namespace not found");
    // Deep JSON is a decoding error, not a crash.
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    assert_eq!(t.req("PUT", "/v1/namespace/a", Some(&m), Some(&deep)).await.status, 400);
}

#[tokio::test]
async fn deleting_a_missing_namespace_fails_after_taking_an_index() {
    let t = T::new();
    let m = t.bootstrap().await;
    put(&t, &m, json!({"Name": "gone"})).await;
    let r = t.req("DELETE", "/v1/namespace/gone", Some(&m), None).await;
    assert_eq!((r.status, r.body.as_str()), (200, ""));
    let deleted_at = r.index();
    let r = t.req("GET", "/v1/namespace/gone", Some(&m), None).await;
    expect(&r, 404, "Namespace not found");
    assert_eq!(r.index(), deleted_at, "a missing namespace answers with the table's index");
    let before = t.dn.current_index();
    expect(&t.req("DELETE", "/v1/namespace/gone", Some(&m), None).await, 500, "namespace not found");
    assert_eq!(t.dn.current_index(), before + 1);
}

#[tokio::test]
async fn a_token_sees_the_namespaces_its_policies_allow() {
    let t = T::new();
    let m = t.bootstrap().await;
    for name in ["payments", "payments-dev", "search-dev", "hidden-dev", "archive"] {
        put(&t, &m, json!({"Name": name})).await;
    }
    t.put_policy(
        &m,
        "dev-reader",
        r#"namespace "*-dev" { policy = "read" }
namespace "payments" { capabilities = ["list-jobs"] }
namespace "hidden-dev" { policy = "deny" }"#,
    )
    .await;
    let client = t.create_token(&m, json!({"Type": "client", "Policies": ["dev-reader"]})).await;
    let secret = client["SecretID"].as_str().unwrap();
    let names = |r: &super::tests::R| -> Vec<String> {
        r.json().as_array().unwrap().iter().map(|n| n["Name"].as_str().unwrap().to_string()).collect()
    };
    let r = t.req("GET", "/v1/namespaces", Some(secret), None).await;
    assert_eq!(names(&r), ["payments", "payments-dev", "search-dev"]);
    let r = t.req("GET", "/v1/namespaces?prefix=pay", Some(secret), None).await;
    assert_eq!(names(&r), ["payments", "payments-dev"]);
    assert_eq!(t.req("GET", "/v1/namespace/search-dev", Some(secret), None).await.status, 200);
    // Refused before the lookup, whether or not the namespace exists.
    expect(&t.req("GET", "/v1/namespace/archive", Some(secret), None).await, 403, "Permission denied");
    expect(&t.req("GET", "/v1/namespace/hidden-dev", Some(secret), None).await, 403, "Permission denied");
    expect(&t.req("GET", "/v1/namespace/nowhere", Some(secret), None).await, 403, "Permission denied");
    expect(&t.req("GET", "/v1/namespace/missing-dev", Some(secret), None).await, 404, "Namespace not found");
    // `*` is allowed when any namespace rule allows anything.
    expect(&t.req("GET", "/v1/namespace/*", Some(secret), None).await, 404, "Namespace not found");
    // Writes are for management tokens.
    let body = json!({"Name": "search-dev"}).to_string();
    expect(&t.req("PUT", "/v1/namespace/search-dev", Some(secret), Some(&body)).await, 403, "Permission denied");
    expect(&t.req("DELETE", "/v1/namespace/search-dev", Some(secret), None).await, 403, "Permission denied");
    expect(&t.req("DELETE", "/v1/namespace/default", Some(secret), None).await, 403, "Permission denied");
    // Anonymous callers get what the anonymous policy allows: here nothing, so an empty list.
    let r = t.req("GET", "/v1/namespaces", None, None).await;
    assert_eq!((r.status, r.body.as_str()), (200, "[]"));
    expect(&t.req("GET", "/v1/namespace/default", None, None).await, 403, "Permission denied");
    // An unknown secret is refused outright.
    expect(&t.req("GET", "/v1/namespaces", Some(super::tests::U), None).await, 403, "Permission denied");
}

#[tokio::test]
async fn roles_policies_reach_the_namespace_checks() {
    let t = T::new();
    let m = t.bootstrap().await;
    put(&t, &m, json!({"Name": "via-role"})).await;
    t.put_policy(&m, "via-role-read", r#"namespace "via-role" { policy = "read" }"#).await;
    let body = json!({"Name": "ns-reader", "Policies": [{"Name": "via-role-read"}]}).to_string();
    let role = t.req("POST", "/v1/acl/role", Some(&m), Some(&body)).await.json();
    let token = t.create_token(&m, json!({"Type": "client", "Roles": [{"ID": role["ID"]}]})).await;
    let r = t.req("GET", "/v1/namespace/via-role", Some(token["SecretID"].as_str().unwrap()), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn the_list_blocks_until_a_namespace_is_written() {
    let t = T::new();
    let m = t.bootstrap().await;
    let at = t.req("GET", "/v1/namespaces", Some(&m), None).await.index();
    let blocking_path = format!("/v1/namespaces?index={at}&wait=10s");
    let read = t.req("GET", &blocking_path, Some(&m), None);
    let write = async {
        while t.dn.blocked_queries() == 0 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        put(&t, &m, json!({"Name": "woken"})).await
    };
    let (r, written_at) = tokio::join!(read, write);
    assert_eq!(r.index(), written_at);
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    // A read of one namespace blocks on that namespace's index too.
    let r = t.req("GET", &format!("/v1/namespace/woken?index={written_at}&wait=50ms"), Some(&m), None).await;
    assert_eq!((r.status, r.index()), (200, written_at));
}

#[tokio::test]
async fn reads_follow_the_region_writes_go_to_the_authoritative_one() {
    let t = T::new();
    let m = t.bootstrap().await;
    expect(&t.req("GET", "/v1/namespaces?region=elsewhere", Some(&m), None).await, 500, "No path to region");
    expect(&t.req("GET", "/v1/namespace/default?region=elsewhere", Some(&m), None).await, 500, "No path to region");
    let body = json!({"Name": "r"}).to_string();
    let r = t.req("PUT", "/v1/namespace/r?region=elsewhere", Some(&m), Some(&body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn with_acls_disabled_anyone_manages_namespaces() {
    let t = T::with(DevNomadConfig { acl_enabled: false, ..Default::default() });
    let body = json!({"Name": "open"}).to_string();
    assert_eq!(t.req("PUT", "/v1/namespace/open", None, Some(&body)).await.status, 200);
    let r = t.req("GET", "/v1/namespaces", Some("not-a-token"), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    assert_eq!(t.req("DELETE", "/v1/namespace/open", None, None).await.status, 200);
    expect(&t.req("PUT", "/v1/namespace/open?region=elsewhere", None, Some(&body)).await, 500, "No path to region");
}
