//! A federation over raw HTTP: forwarding (`nomad/rpc.go`), authoritative writes
//! (`nomad/acl_endpoint.go`, `nomad/namespace_endpoint.go`), `/v1/regions`
//! (`nomad/regions_endpoint.go`), replication (`nomad/leader.go`).

use std::time::Duration;

use axum::body::Body;
use axum::http::Request;
use serde_json::{json, Value};
use tower::ServiceExt;

use super::federation::{Federation, FederationConfig};
use super::tests::R;
use super::DevNomadConfig;

/// north (authoritative), east, west.
struct F {
    fed: Federation,
    apps: Vec<axum::Router>,
}

const NORTH: usize = 0;
const EAST: usize = 1;
const WEST: usize = 2;

impl F {
    fn new() -> Self {
        Self::with_paused(&[])
    }

    fn with_paused(paused: &[&str]) -> Self {
        let fed = Federation::new(
            DevNomadConfig::default(),
            FederationConfig {
                regions: vec!["north".into(), "east".into(), "west".into()],
                replication_interval: Duration::from_millis(20),
                paused: paused.iter().map(|p| p.to_string()).collect(),
            },
        )
        .unwrap();
        let apps = fed.servers().iter().map(|d| d.router()).collect();
        F { fed, apps }
    }

    async fn req(&self, region: usize, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> R {
        let mut b = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            b = b.header("X-Nomad-Token", t);
        }
        let body = match body {
            Some(v) => {
                let s = v.to_string();
                b = b.header("content-length", s.len().to_string());
                Body::from(s)
            }
            None => Body::empty(),
        };
        let resp = self.apps[region].clone().oneshot(b.body(body).unwrap()).await.unwrap();
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        R { status, headers, body: String::from_utf8(bytes.to_vec()).unwrap() }
    }

    /// Bootstraps through `region` (the request goes to north) and copies to every region.
    async fn bootstrap_via(&self, region: usize) -> String {
        let r = self.req(region, "POST", "/v1/acl/bootstrap", None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
        self.fed.replicate_now();
        r.json()["SecretID"].as_str().unwrap().to_string()
    }
}

fn ok(r: &R) -> Value {
    assert_eq!(r.status, 200, "{}", r.body);
    if r.body.is_empty() {
        Value::Null
    } else {
        r.json()
    }
}

fn expect(r: &R, status: u16, body: &str) {
    assert_eq!((r.status, r.body.as_str()), (status, body));
}

#[tokio::test]
async fn every_region_lists_the_sorted_regions_and_its_own_leader() {
    let f = F::new();
    for region in [NORTH, EAST, WEST] {
        let r = f.req(region, "GET", "/v1/regions", None, None).await;
        assert_eq!(ok(&r), json!(["east", "north", "west"]));
        // `RegionListRequest` sets no query metadata.
        assert_eq!(r.header("X-Nomad-Index"), None);
        // Not forwarded: `Region.List` answers from the receiving server.
        assert_eq!(
            ok(&f.req(region, "GET", "/v1/regions?region=nowhere", None, None).await),
            json!(["east", "north", "west"])
        );
    }
    expect(&f.req(EAST, "PUT", "/v1/regions", None, None).await, 405, "Invalid method");
    let north_leader = ok(&f.req(NORTH, "GET", "/v1/status/leader", None, None).await);
    let west_leader = ok(&f.req(WEST, "GET", "/v1/status/leader", None, None).await);
    assert_ne!(north_leader, west_leader);
    assert_eq!(ok(&f.req(NORTH, "GET", "/v1/status/leader?region=west", None, None).await), west_leader);
    expect(&f.req(NORTH, "GET", "/v1/status/leader?region=nowhere", None, None).await, 500, "No path to region");
}

#[tokio::test]
async fn a_single_server_is_its_own_region() {
    let t = super::tests::T::new();
    assert_eq!(t.req("GET", "/v1/regions", None, None).await.json(), json!(["global"]));
    expect(&t.req("GET", "/v1/status/leader?region=east", None, None).await, 500, "No path to region");
    expect(
        &t.req("GET", "/v1/dev/replication/global", None, None).await,
        404,
        "devnomad: not a federation (start with --regions)",
    );
}

#[tokio::test]
async fn a_request_for_another_region_is_answered_there_and_an_unknown_region_is_refused() {
    let f = F::new();
    let m = f.bootstrap_via(WEST).await;
    let local = ok(&f
        .req(EAST, "POST", "/v1/acl/token", Some(&m), Some(json!({"Name": "east only", "Type": "management"})))
        .await);
    let accessor = local["AccessorID"].as_str().unwrap();
    assert_eq!(local["Global"], false);
    // Asked of north but for east: east's answer.
    let r = f.req(NORTH, "GET", &format!("/v1/acl/token/{accessor}?region=east"), Some(&m), None).await;
    assert_eq!(ok(&r)["Name"], "east only");
    assert_eq!(r.index(), local["CreateIndex"].as_u64().unwrap());
    // North itself does not know it.
    expect(
        &f.req(NORTH, "GET", &format!("/v1/acl/token/{accessor}"), Some(&m), None).await,
        404,
        "ACL token not found",
    );
    expect(&f.req(EAST, "GET", "/v1/acl/policies?region=nowhere", Some(&m), None).await, 500, "No path to region");
}

#[tokio::test]
async fn policy_role_namespace_and_bootstrap_writes_go_to_the_authoritative_region() {
    let f = F::new();
    // Bootstrap asked of east with east's region: north records it.
    let r = f.req(EAST, "POST", "/v1/acl/bootstrap?region=east", None, None).await;
    let boot = ok(&r);
    let m = boot["SecretID"].as_str().unwrap().to_string();
    assert_eq!(ok(&f.req(NORTH, "GET", "/v1/acl/token/self", Some(&m), None).await)["AccessorID"], boot["AccessorID"]);
    expect(&f.req(EAST, "GET", "/v1/acl/token/self", Some(&m), None).await, 403, "Permission denied");
    f.fed.replicate_now();

    // Nomad overwrites the region of these writes, even an unknown one.
    let policy = json!({"Name": "ops", "Rules": "node { policy = \"read\" }"});
    ok(&f.req(EAST, "PUT", "/v1/acl/policy/ops?region=east", Some(&m), Some(policy.clone())).await);
    ok(&f.req(WEST, "PUT", "/v1/acl/policy/ops?region=nowhere", Some(&m), Some(policy)).await);
    let role = ok(&f
        .req(WEST, "POST", "/v1/acl/role", Some(&m), Some(json!({"Name": "r", "Policies": [{"Name": "ops"}]})))
        .await);
    ok(&f.req(EAST, "PUT", "/v1/namespace/apps", Some(&m), Some(json!({"Name": "apps"}))).await);
    let north_policy = ok(&f.req(NORTH, "GET", "/v1/acl/policy/ops", Some(&m), None).await);
    ok(&f.req(NORTH, "GET", &format!("/v1/acl/role/{}", role["ID"].as_str().unwrap()), Some(&m), None).await);
    ok(&f.req(NORTH, "GET", "/v1/namespace/apps", Some(&m), None).await);
    // Not in east until replication.
    assert_eq!(f.req(EAST, "GET", "/v1/acl/policy/ops", Some(&m), None).await.status, 404);
    assert_eq!(f.req(EAST, "GET", "/v1/namespace/apps", Some(&m), None).await.status, 404);

    f.fed.replicate_now();
    let east_policy = ok(&f.req(EAST, "GET", "/v1/acl/policy/ops", Some(&m), None).await);
    assert_eq!(east_policy["Hash"], north_policy["Hash"]);
    assert_eq!(east_policy["Rules"], north_policy["Rules"]);
    let east_role =
        ok(&f.req(EAST, "GET", &format!("/v1/acl/role/{}", role["ID"].as_str().unwrap()), Some(&m), None).await);
    assert_eq!(east_role["ID"], role["ID"]);
    ok(&f.req(EAST, "GET", "/v1/namespace/apps", Some(&m), None).await);
    // Deletes too.
    ok(&f.req(WEST, "DELETE", "/v1/acl/policy/ops", Some(&m), None).await);
    assert_eq!(f.req(NORTH, "GET", "/v1/acl/policy/ops", Some(&m), None).await.status, 404);
    ok(&f.req(EAST, "GET", "/v1/acl/policy/ops", Some(&m), None).await);
    f.fed.replicate_now();
    assert_eq!(f.req(EAST, "GET", "/v1/acl/policy/ops", Some(&m), None).await.status, 404);
}

#[tokio::test]
async fn a_local_token_works_only_in_its_region_and_never_for_a_global_write() {
    let f = F::new();
    let m = f.bootstrap_via(NORTH).await;
    let local = ok(&f
        .req(EAST, "POST", "/v1/acl/token", Some(&m), Some(json!({"Name": "east ops", "Type": "management"})))
        .await);
    let local_secret = local["SecretID"].as_str().unwrap();
    // In its region it manages local things.
    ok(&f.req(EAST, "GET", "/v1/acl/tokens", Some(local_secret), None).await);
    let made = ok(&f
        .req(
            EAST,
            "POST",
            "/v1/acl/token",
            Some(local_secret),
            Some(json!({"Name": "local child", "Type": "management"})),
        )
        .await);
    assert_eq!(made["Global"], false);
    // Elsewhere it is unknown.
    expect(&f.req(WEST, "GET", "/v1/acl/tokens", Some(local_secret), None).await, 403, "Permission denied");
    expect(
        &f.req(EAST, "GET", "/v1/acl/tokens?region=north", Some(local_secret), None).await,
        403,
        "Permission denied",
    );
    // Global writes are judged by north, which does not know it.
    let policy = json!({"Name": "p", "Rules": "node { policy = \"read\" }"});
    expect(&f.req(EAST, "PUT", "/v1/acl/policy/p", Some(local_secret), Some(policy)).await, 403, "Permission denied");
    let global = json!({"Name": "g", "Type": "management", "Global": true});
    expect(&f.req(EAST, "POST", "/v1/acl/token", Some(local_secret), Some(global)).await, 403, "Permission denied");
    expect(
        &f.req(EAST, "PUT", "/v1/namespace/x", Some(local_secret), Some(json!({"Name": "x"}))).await,
        403,
        "Permission denied",
    );
    // Deleting a global token: east finds it global and sends the delete to north.
    let g = ok(&f
        .req(
            NORTH,
            "POST",
            "/v1/acl/token",
            Some(&m),
            Some(json!({"Name": "g", "Type": "client", "Policies": ["x"], "Global": true})),
        )
        .await);
    f.fed.replicate_now();
    let g_path = format!("/v1/acl/token/{}", g["AccessorID"].as_str().unwrap());
    expect(&f.req(EAST, "DELETE", &g_path, Some(local_secret), None).await, 403, "Permission denied");
    ok(&f.req(EAST, "DELETE", &g_path, Some(&m), None).await);
    assert_eq!(f.req(NORTH, "GET", &g_path, Some(&m), None).await.status, 404);
    f.fed.replicate_now();
    assert_eq!(f.req(EAST, "GET", &g_path, Some(&m), None).await.status, 404);
}

#[tokio::test]
async fn replicas_keep_ids_secrets_hashes_and_create_times_but_get_their_own_indexes() {
    let f = F::new();
    let m = f.bootstrap_via(NORTH).await;
    // East's own writes push its index ahead of north's.
    for i in 0..3 {
        ok(&f
            .req(EAST, "POST", "/v1/acl/token", Some(&m), Some(json!({"Name": format!("l{i}"), "Type": "management"})))
            .await);
    }
    let g = ok(&f
        .req(WEST, "POST", "/v1/acl/token", Some(&m), Some(json!({"Name": "g", "Type": "management", "Global": true})))
        .await);
    let path = format!("/v1/acl/token/{}", g["AccessorID"].as_str().unwrap());
    assert_eq!(f.req(WEST, "GET", &path, Some(&m), None).await.status, 404, "created in north, not yet in west");
    assert!(f.fed.replicate_now() > 0);
    let north = ok(&f.req(NORTH, "GET", &path, Some(&m), None).await);
    let east = ok(&f.req(EAST, "GET", &path, Some(&m), None).await);
    for field in ["AccessorID", "SecretID", "Hash", "CreateTime", "Name", "Global"] {
        assert_eq!(east[field], north[field], "{field}");
    }
    assert_ne!(east["CreateIndex"], north["CreateIndex"]);
    assert_eq!(east["CreateIndex"], east["ModifyIndex"]);
    // An update keeps the replica's create index and create time.
    let created = east["CreateIndex"].clone();
    ok(&f
        .req(
            EAST,
            "POST",
            &path,
            Some(&m),
            Some(json!({"AccessorID": north["AccessorID"], "Name": "g2", "Type": "management", "Global": true})),
        )
        .await);
    assert_eq!(f.fed.replicate_now(), 2, "east and west each rewrite the token");
    let east = ok(&f.req(EAST, "GET", &path, Some(&m), None).await);
    assert_eq!(
        (east["Name"].as_str(), &east["CreateIndex"], &east["CreateTime"]),
        (Some("g2"), &created, &north["CreateTime"])
    );
    assert!(east["ModifyIndex"].as_u64() > created.as_u64());
    // Nothing changed: a round writes nothing, and east's local tokens stay.
    assert_eq!(f.fed.replicate_now(), 0);
    let east_tokens = ok(&f.req(EAST, "GET", "/v1/acl/tokens", Some(&m), None).await);
    assert_eq!(east_tokens.as_array().unwrap().iter().filter(|t| t["Global"] == false).count(), 3);
    let north_tokens = ok(&f.req(NORTH, "GET", "/v1/acl/tokens", Some(&m), None).await);
    assert!(north_tokens.as_array().unwrap().iter().all(|t| t["Global"] == true));
}

async fn eventually(what: &str, mut check: impl AsyncFnMut() -> bool) {
    for _ in 0..250 {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for {what}");
}

#[tokio::test]
async fn the_replication_loop_catches_up_and_pauses_and_resumes() {
    let f = F::with_paused(&["west"]);
    let _tasks = f.fed.start_replication();
    let r = f.req(NORTH, "POST", "/v1/acl/bootstrap", None, None).await;
    let m = ok(&r)["SecretID"].as_str().unwrap().to_string();
    eventually("east to get the bootstrap token", async || {
        f.req(EAST, "GET", "/v1/acl/token/self", Some(&m), None).await.status == 200
    })
    .await;
    assert_eq!(f.req(WEST, "GET", "/v1/acl/token/self", Some(&m), None).await.status, 403, "west starts paused");

    let status = ok(&f.req(NORTH, "GET", "/v1/dev/replication/west", Some(&m), None).await);
    assert_eq!(
        (status["Region"].as_str(), status["AuthoritativeRegion"].as_str(), &status["Paused"]),
        (Some("west"), Some("north"), &json!(true))
    );
    // Pause east through north's admin endpoint, write, and east does not follow.
    assert_eq!(ok(&f.req(NORTH, "PUT", "/v1/dev/replication/east?paused=true", Some(&m), None).await)["Paused"], true);
    ok(&f.req(NORTH, "PUT", "/v1/acl/policy/later", Some(&m), Some(json!({"Name": "later", "Rules": ""}))).await);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(f.req(EAST, "GET", "/v1/acl/policy/later", Some(&m), None).await.status, 404);
    // Resume both.
    assert_eq!(ok(&f.req(EAST, "PUT", "/v1/dev/replication/east?paused=false", Some(&m), None).await)["Paused"], false);
    ok(&f.req(NORTH, "PUT", "/v1/dev/replication/west?paused=false", Some(&m), None).await);
    eventually("east to catch up", async || {
        f.req(EAST, "GET", "/v1/acl/policy/later", Some(&m), None).await.status == 200
    })
    .await;
    eventually("west to catch up", async || {
        f.req(WEST, "GET", "/v1/acl/policy/later", Some(&m), None).await.status == 200
    })
    .await;
    let progress = ok(&f.req(WEST, "GET", "/v1/dev/replication/west", Some(&m), None).await)["Progress"].clone();
    assert!(progress["Rounds"].as_u64().unwrap() >= 1);
    assert!(progress["Policies"].as_u64().unwrap() > 0);
}

#[tokio::test]
async fn the_admin_endpoint_refuses_what_it_cannot_do() {
    let f = F::new();
    let m = f.bootstrap_via(NORTH).await;
    expect(&f.req(NORTH, "GET", "/v1/dev/replication/east", None, None).await, 403, "Permission denied");
    expect(
        &f.req(NORTH, "PUT", "/v1/dev/replication/north?paused=true", Some(&m), None).await,
        400,
        "devnomad: north is the authoritative region: it does not replicate",
    );
    expect(
        &f.req(NORTH, "GET", "/v1/dev/replication/south", Some(&m), None).await,
        404,
        "devnomad: no region \"south\" in this federation",
    );
    expect(
        &f.req(NORTH, "PUT", "/v1/dev/replication/east?paused=maybe", Some(&m), None).await,
        400,
        "devnomad: expect paused=true or paused=false",
    );
    expect(&f.req(NORTH, "DELETE", "/v1/dev/replication/east", Some(&m), None).await, 405, "Invalid method");
}

#[test]
fn a_federation_needs_distinct_valid_regions() {
    let make = |regions: &[&str], paused: &[&str]| {
        Federation::new(
            DevNomadConfig::default(),
            FederationConfig {
                regions: regions.iter().map(|r| r.to_string()).collect(),
                replication_interval: Duration::from_secs(1),
                paused: paused.iter().map(|r| r.to_string()).collect(),
            },
        )
        .err()
        .map(|e| e.to_string())
    };
    assert!(make(&[], &[]).unwrap().contains("at least one region"));
    assert!(make(&["a", "a"], &[]).unwrap().contains("listed twice"));
    assert!(make(&["a", "b c"], &[]).unwrap().contains("invalid region name"));
    assert!(make(&["a", "b"], &["c"]).unwrap().contains("not one of the regions"));
    assert!(make(&["a", "b"], &["a"]).unwrap().contains("authoritative"));
    assert_eq!(make(&["a", "b"], &["b"]), None);
}

#[test]
fn each_region_keeps_its_own_state_file() {
    use super::federation::region_state_file;
    use std::path::Path;
    assert_eq!(region_state_file(Path::new("/d/state.json"), "east"), Path::new("/d/state.east.json"));
    assert_eq!(region_state_file(Path::new("state"), "east"), Path::new("state.east"));
}

#[tokio::test]
async fn demo_data_has_global_tokens_everywhere_and_local_ones_per_region() {
    let f = F::new();
    let m = f.fed.seed_demo().unwrap().expose().to_string();
    let names = |v: Value, global: bool| -> Vec<String> {
        let mut names: Vec<String> = v
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["Global"] == global)
            .map(|t| t["Name"].as_str().unwrap().to_string())
            .collect();
        // A replica creates a batch in key order, so its list order differs.
        names.sort();
        names
    };
    let north = ok(&f.req(NORTH, "GET", "/v1/acl/tokens", Some(&m), None).await);
    let east = ok(&f.req(EAST, "GET", "/v1/acl/tokens", Some(&m), None).await);
    assert_eq!(names(east.clone(), true), names(north.clone(), true));
    assert!(!names(north, false).is_empty());
    let east_local = names(east, false);
    assert_eq!(east_local.len(), 3);
    assert!(east_local.iter().all(|n| n.starts_with("east ")));
    // Seeding again (a state file from an earlier run) adds nothing.
    f.fed.seed_demo().unwrap();
    assert_eq!(names(ok(&f.req(EAST, "GET", "/v1/acl/tokens", Some(&m), None).await), false).len(), 3);
}
