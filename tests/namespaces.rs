#![cfg(feature = "ssr")]
//! The namespace endpoints, each test citing the Nomad source it follows. Raw HTTP
//! against the backend of `tests/common` (the embedded server, or a real
//! open-source Nomad named by `NOMAD_TEST_ADDR`: the Enterprise-only fields are
//! refused with the open-source texts). Every namespace a test creates has a
//! unique name and is deleted at the end.

mod common;

use std::time::{Duration, Instant};

use common::{unique, Backend};
use nomad_acl_console::nomad::models::{AclToken, Namespace, NamespaceCapabilities};
use serde_json::{json, Value};

const NAME_RULE: &str = ". Must match regex ^[a-zA-Z0-9-]{1,128}$";

impl Cleanup<'_> {
    async fn done(self) {
        for name in &self.namespaces {
            self.b.raw_m("DELETE", &format!("/v1/namespace/{name}"), None).await;
        }
        for name in &self.policies {
            self.b.raw_m("DELETE", &format!("/v1/acl/policy/{name}"), None).await;
        }
        for token in &self.tokens {
            let _ = self.b.client.acl_tokens().delete(&token.accessor_id, &self.b.w()).await;
        }
    }
}

/// What a test created, deleted by `done`.
struct Cleanup<'a> {
    b: &'a Backend,
    namespaces: Vec<String>,
    policies: Vec<String>,
    tokens: Vec<AclToken>,
}

impl<'a> Cleanup<'a> {
    fn new(b: &'a Backend) -> Self {
        Cleanup { b, namespaces: vec![], policies: vec![], tokens: vec![] }
    }

    /// Creates `body` (its `Name` is set to a unique name from `prefix`); returns the name.
    async fn namespace(&mut self, prefix: &str, mut body: Value) -> String {
        let name = unique(prefix);
        body["Name"] = json!(name);
        self.b.raw_m("PUT", &format!("/v1/namespace/{name}"), Some(&body.to_string())).await.expect(200, "");
        self.namespaces.push(name.clone());
        name
    }

    /// A client token holding one new policy with `rules`.
    async fn client_with(&mut self, rules: &str) -> AclToken {
        let policy = self.b.policy("ns-test", rules).await;
        let token = self.b.client_token(&[&policy.name]).await;
        self.policies.push(policy.name);
        self.tokens.push(token.clone());
        token
    }
}

fn names(answer: &common::Raw) -> Vec<String> {
    answer.json().as_array().expect("a list").iter().map(|n| n["Name"].as_str().unwrap().to_string()).collect()
}

/// `Namespace.SetHash` (`nomad/structs/structs.go`): blake2b-256 over the user-set
/// fields in order, with no separators, meta by sorted key.
fn set_hash(parts: &[&str]) -> String {
    use base64::Engine;
    use blake2::{digest::consts::U32, Blake2b, Digest};
    let mut h = Blake2b::<U32>::new();
    for p in parts {
        h.update(p.as_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

/// `command/agent/http.go` registers `/v1/namespaces`, `/v1/namespace` and the
/// `/v1/namespace/` subtree; `command/agent/namespace_endpoint.go` answers the
/// methods each does not take with 405 and an empty name with 400.
#[tokio::test]
async fn routes_take_nomads_methods() {
    let b = Backend::start().await;
    for (method, path) in [
        ("PUT", "/v1/namespaces"),
        ("POST", "/v1/namespaces"),
        ("DELETE", "/v1/namespaces"),
        ("GET", "/v1/namespace"),
        ("DELETE", "/v1/namespace"),
        ("PATCH", "/v1/namespace/default"),
    ] {
        let r = b.raw_m(method, path, None).await;
        assert_eq!((r.status, r.body.as_str()), (405, "Invalid method"), "{method} {path}");
    }
    b.raw_m("GET", "/v1/namespace/", None).await.expect(400, "Missing Namespace Name");
    b.raw_m("DELETE", "/v1/namespace/", None).await.expect(400, "Missing Namespace Name");
}

/// `nomad/state/state_store.go` `namespaceInit` creates `default`;
/// `nomad/namespace_endpoint.go` `DeleteNamespaces` refuses to delete it.
#[tokio::test]
async fn default_always_exists_and_cannot_be_deleted() {
    let b = Backend::start().await;
    let r = b.raw_m("GET", "/v1/namespace/default", None).await;
    r.expect_status(200);
    assert_eq!(r.json()["Name"], "default");
    assert!(names(&b.raw_m("GET", "/v1/namespaces", None).await).contains(&"default".to_string()));
    b.raw_m("DELETE", "/v1/namespace/default", None).await.expect(500, "can not delete default namespace");
}

/// `command/agent/namespace_endpoint.go` `namespaceUpdate` (with and without a name in
/// the path), `nomad/state/state_store.go` `upsertNamespaceImpl` (a whole replacement;
/// CreateIndex kept), `nomad/structs/structs.go` `SetHash`.
#[tokio::test]
async fn upserts_by_path_or_body_replace_the_namespace() {
    let b = Backend::start().await;
    let mut made = Cleanup::new(&b);
    let name = made
        .namespace(
            "ns-crud",
            json!({"Description": "d", "Meta": {"b": "2", "a": "1"},
            "Capabilities": {"EnabledTaskDrivers": ["docker"], "DisabledNetworkModes": ["host"]}}),
        )
        .await;
    let r = b.raw_m("GET", &format!("/v1/namespace/{name}"), None).await;
    r.expect_status(200);
    let ns = r.json();
    let created = ns["CreateIndex"].as_u64().unwrap();
    assert_eq!((ns["ModifyIndex"].as_u64(), r.index()), (Some(created), Some(created)));
    assert_eq!(ns["Hash"], set_hash(&[&name, "d", "", "docker", "host", "a", "1", "b", "2"]));
    assert_eq!(ns["Meta"], json!({"a": "1", "b": "2"}));
    assert_eq!(ns["Capabilities"]["EnabledTaskDrivers"], json!(["docker"]));
    assert_eq!((&ns["Quota"], &ns["NodePoolConfiguration"]), (&json!(""), &Value::Null));

    // Without a name in the path; keys are matched case-insensitively.
    let r = b.raw_m("POST", "/v1/namespace", Some(&json!({"name": name, "description": "e"}).to_string())).await;
    r.expect(200, "");
    let updated = r.index().unwrap();
    assert!(updated > created);
    let ns = b.raw_m("GET", &format!("/v1/namespace/{name}"), None).await.json();
    assert_eq!((ns["CreateIndex"].as_u64(), ns["ModifyIndex"].as_u64()), (Some(created), Some(updated)));
    assert_eq!((&ns["Description"], &ns["Meta"], &ns["Capabilities"]), (&json!("e"), &Value::Null, &Value::Null));
    assert_eq!(ns["Hash"], set_hash(&[&name, "e", ""]));

    let other = json!({"Name": "other"}).to_string();
    b.raw_m("PUT", &format!("/v1/namespace/{name}"), Some(&other))
        .await
        .expect(400, "Namespace name does not match request path");
    b.raw_m("PUT", &format!("/v1/namespace/{name}"), None).await.expect(400, "Request body is empty");
    made.done().await;
}

/// `nomad/structs/structs.go` `Namespace.Validate` with the open-source
/// `nomad/structs/structs_ce.go`, wrapped by `nomad/namespace_endpoint.go`
/// `UpsertNamespaces` as a plain (500) error.
#[tokio::test]
async fn validation_texts_are_nomads() {
    let b = Backend::start().await;
    let post = |body: Value| {
        let b = &b;
        async move { b.raw_m("POST", "/v1/namespace", Some(&body.to_string())).await }
    };
    post(json!({"Name": "a_b"}))
        .await
        .expect(500, &format!("Invalid namespace \"a_b\": 1 error occurred:\n\t* invalid name \"a_b\"{NAME_RULE}\n\n"));
    post(json!({"Name": "<b>é\n"})).await.expect(
        500,
        &format!("Invalid namespace \"<b>é\\n\": 1 error occurred:\n\t* invalid name \"<b>é\\n\"{NAME_RULE}\n\n"),
    );
    post(json!({"Name": "x".repeat(129)})).await.expect_contains(500, NAME_RULE);
    let name = unique("ns-invalid");
    let everything = json!({"Name": name, "Description": "x".repeat(257), "NodePoolConfiguration": {"Default": "p"},
        "VaultConfiguration": {}, "ConsulConfiguration": {"Allowed": ["c"]}});
    post(everything).await.expect(
        500,
        &format!(
            "Invalid namespace \"{name}\": 4 errors occurred:\n\t* description longer than 256\n\t* invalid node pool configuration: Node Pools Governance is unlicensed.\n\t* invalid vault configuration: Multi-Cluster Vault is unlicensed.\n\t* invalid consul configuration: Multi-Cluster Consul is unlicensed.\n\n"
        ),
    );
    // The core crate's checks give the same texts.
    let ns: Namespace = serde_json::from_value(json!({"Name": "a_b"})).unwrap();
    assert_eq!(ns.validate()[0].message, format!("invalid name \"a_b\"{NAME_RULE}"));
    b.raw_m("GET", &format!("/v1/namespace/{name}"), None).await.expect(404, "Namespace not found");
}

/// `nomad/state/state_store.go` `upsertNamespaceImpl` with `nomad/state/state_store_ce.go`
/// (no quota exists in the open-source build): refused after the raft write began.
#[tokio::test]
async fn a_quota_is_refused() {
    let b = Backend::start().await;
    let name = unique("ns-quota");
    let body = json!({"Name": name, "Quota": "gold"}).to_string();
    b.raw_m("PUT", &format!("/v1/namespace/{name}"), Some(&body))
        .await
        .expect(500, &format!("namespace \"{name}\" using non-existent quota \"gold\""));
    b.raw_m("GET", &format!("/v1/namespace/{name}"), None).await.expect(404, "Namespace not found");
}

/// `nomad/state/state_store.go` `DeleteNamespaces`: a missing namespace is refused;
/// `command/agent/namespace_endpoint.go` `namespaceQuery`: 404 once deleted.
#[tokio::test]
async fn delete_removes_and_refuses_the_missing() {
    let b = Backend::start().await;
    let mut made = Cleanup::new(&b);
    let name = made.namespace("ns-del", json!({})).await;
    b.raw_m("DELETE", &format!("/v1/namespace/{name}"), None).await.expect(200, "");
    let r = b.raw_m("GET", &format!("/v1/namespace/{name}"), None).await;
    r.expect(404, "Namespace not found");
    assert!(r.index().is_some(), "a 404 carries the query metadata");
    b.raw_m("DELETE", &format!("/v1/namespace/{name}"), None).await.expect(500, "namespace not found");
    made.done().await;
}

/// `nomad/namespace_endpoint.go`: `ListNamespaces` filters by `AllowNamespace` (never
/// refuses a valid token), `GetNamespace` refuses before the lookup, writes need a
/// management token; `acl/acl.go` `AllowNamespace` (exact label over glob, `deny`).
#[tokio::test]
async fn a_token_sees_only_the_namespaces_its_policies_allow() {
    let b = Backend::start().await;
    let mut made = Cleanup::new(&b);
    let tag = unique("acl");
    let read = made.namespace(&format!("{tag}-read"), json!({})).await;
    let denied = made.namespace(&format!("{tag}-denied"), json!({})).await;
    let unmatched = made.namespace(&format!("{tag}x"), json!({})).await;
    let rules =
        format!("namespace \"{tag}-*\" {{ policy = \"read\" }}\nnamespace \"{denied}\" {{ policy = \"deny\" }}\n");
    let client = made.client_with(&rules).await;
    let secret = Some(&client.secret_id);

    let r = b.raw_tok("GET", &format!("/v1/namespaces?prefix={tag}"), secret, None).await;
    r.expect_status(200);
    assert_eq!(names(&r), [read.as_str()]);
    b.raw_tok("GET", &format!("/v1/namespace/{read}"), secret, None).await.expect_status(200);
    for refused in [&denied, &unmatched, &"default".to_string()] {
        b.raw_tok("GET", &format!("/v1/namespace/{refused}"), secret, None).await.expect(403, "Permission denied");
    }
    // Allowed by the glob but missing: the lookup answers.
    b.raw_tok("GET", &format!("/v1/namespace/{tag}-missing"), secret, None).await.expect(404, "Namespace not found");
    // Not allowed and missing: refused first.
    b.raw_tok("GET", &format!("/v1/namespace/{}", unique("nowhere")), secret, None)
        .await
        .expect(403, "Permission denied");

    let body = json!({"Name": read}).to_string();
    b.raw_tok("PUT", &format!("/v1/namespace/{read}"), secret, Some(&body)).await.expect(403, "Permission denied");
    b.raw_tok("POST", "/v1/namespace", secret, Some(&body)).await.expect(403, "Permission denied");
    b.raw_tok("DELETE", &format!("/v1/namespace/{read}"), secret, None).await.expect(403, "Permission denied");

    let unknown = common::uuid();
    b.raw("GET", "/v1/namespaces", &[("X-Nomad-Token", &unknown)], None).await.expect(403, "Permission denied");
    made.done().await;
}

/// `nomad/namespace_endpoint.go` `ListNamespaces`: a blocking query on the namespaces
/// table index, and `prefix` on the name.
#[tokio::test]
async fn the_list_blocks_and_takes_a_prefix() {
    let b = Backend::start().await;
    let mut made = Cleanup::new(&b);
    let tag = unique("blk");
    let first = made.namespace(&format!("{tag}-a"), json!({})).await;
    let r = b.raw_m("GET", &format!("/v1/namespaces?prefix={tag}"), None).await;
    assert_eq!(names(&r), [first.as_str()]);
    let at = r.index().unwrap();

    let second = format!("{tag}-b");
    let read = {
        let path = format!("/v1/namespaces?prefix={tag}&index={at}&wait=10s");
        let b = &b;
        async move { b.raw_m("GET", &path, None).await }
    };
    let write = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let body = json!({"Name": second}).to_string();
        b.raw_m("PUT", &format!("/v1/namespace/{second}"), Some(&body)).await.expect(200, "");
    };
    let started = Instant::now();
    let (r, ()) = tokio::join!(read, write);
    made.namespaces.push(second.clone());
    assert!(started.elapsed() >= Duration::from_millis(250), "answered before the write");
    assert!(started.elapsed() < Duration::from_secs(5), "answered at the wait's end, not at the write");
    assert_eq!(names(&r), [first, second]);
    assert!(r.index().unwrap() > at);
    made.done().await;
}

/// The typed client (`api/namespace.go`'s calls) round-trips a namespace.
#[tokio::test]
async fn the_client_lists_reads_upserts_and_deletes() {
    let b = Backend::start().await;
    let namespaces = b.client.namespaces();
    let name = unique("ns-client");
    let ns = Namespace {
        name: name.clone(),
        description: "from the client".into(),
        capabilities: Some(NamespaceCapabilities {
            disabled_task_drivers: Some(vec!["raw_exec".into()]),
            ..Default::default()
        }),
        meta: Some([("owner".to_string(), "tests".to_string())].into()),
        ..Default::default()
    };
    let written = namespaces.upsert(&ns, &b.w()).await.expect("upsert").last_index;
    let (got, meta) = namespaces.get(&name, &b.q()).await.expect("get");
    assert_eq!((got.create_index, meta.last_index), (written, written));
    assert_eq!(
        (got.description.as_str(), &got.capabilities, &got.meta),
        ("from the client", &ns.capabilities, &ns.meta)
    );
    let (list, _) = namespaces.list(&b.q().with_prefix(&name)).await.expect("list");
    assert_eq!(list.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(), [name.as_str()]);
    let refused = namespaces.upsert(&Namespace { name: "a b".into(), ..Default::default() }, &b.w()).await;
    let message = refused.expect_err("an invalid name").to_string();
    assert!(message.contains("invalid name \"a b\""), "{message}");
    namespaces.delete(&name, &b.w()).await.expect("delete");
    assert!(namespaces.get(&name, &b.q()).await.expect_err("gone").is_not_found());
}
