#![cfg(feature = "ssr")]
//! A federation of regions over raw HTTP, each behavior as Nomad's source has it (cited per
//! test). Against a federated embedded server (north, east, west; north authoritative), or a
//! real federated Nomad named by `NOMAD_TEST_ADDR` (with `NOMAD_TEST_TOKEN`, a management
//! secret); a real Nomad with one region skips these tests.

mod common;

use std::time::Duration;

use serde_json::{json, Value};

struct Fed {
    /// Base URL per region, by region name.
    urls: Vec<(String, String)>,
    /// A management secret valid in every region (global).
    token: String,
    http: reqwest::Client,
}

struct Reply {
    status: u16,
    body: String,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

impl Fed {
    /// `None` when `NOMAD_TEST_ADDR` names a Nomad of one region.
    async fn start() -> Option<Fed> {
        let http = reqwest::Client::new();
        if let Ok(addr) = std::env::var("NOMAD_TEST_ADDR") {
            let token = std::env::var("NOMAD_TEST_TOKEN").expect("NOMAD_TEST_TOKEN with NOMAD_TEST_ADDR");
            let regions: Vec<String> =
                http.get(format!("{addr}/v1/regions")).send().await.unwrap().json().await.unwrap();
            if regions.len() < 2 {
                eprintln!("skipped: {addr} is not federated (regions: {regions:?})");
                return None;
            }
            // One address answers for every region, by forwarding.
            let urls = regions.into_iter().map(|r| (r, addr.clone())).collect();
            return Some(Fed { urls, token, http });
        }
        let (urls, token) = common::embedded_federation().await;
        Some(Fed { urls, token, http })
    }

    fn region(&self, i: usize) -> &str {
        &self.urls[i].0
    }

    /// A request sent to region `i`'s address with `?region=` of that region.
    async fn req(&self, i: usize, method: &str, path: &str, token: Option<&str>, body: Option<Value>) -> Reply {
        let (region, base) = &self.urls[i];
        let sep = if path.contains('?') { '&' } else { '?' };
        let url = if path.contains("region=") {
            format!("{base}{path}")
        } else {
            format!("{base}{path}{sep}region={region}")
        };
        let mut rb = self.http.request(method.parse().unwrap(), url);
        if let Some(t) = token {
            rb = rb.header("X-Nomad-Token", t);
        }
        if let Some(b) = body {
            rb = rb.body(b.to_string());
        }
        let resp = rb.send().await.unwrap();
        Reply { status: resp.status().as_u16(), body: resp.text().await.unwrap() }
    }

    async fn eventually(&self, what: &str, i: usize, path: &str, status: u16) {
        for _ in 0..300 {
            if self.req(i, "GET", path, Some(&self.token), None).await.status == status {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what} in {}", self.region(i));
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", uuid::Uuid::new_v4().simple())
}

/// `nomad/regions_endpoint.go` `List` (sorted, `nomad/server.go` `Regions`) and
/// `nomad/status_endpoint.go` `Leader` (forwarded like any RPC, `nomad/rpc.go` `forward`).
#[tokio::test]
async fn regions_are_listed_sorted_and_status_follows_the_region() {
    let Some(f) = Fed::start().await else { return };
    let mut sorted: Vec<String> = f.urls.iter().map(|(r, _)| r.clone()).collect();
    sorted.sort();
    for i in 0..f.urls.len() {
        let r = f.req(i, "GET", "/v1/regions", None, None).await;
        assert_eq!((r.status, r.json()), (200, json!(sorted)));
        let r = f.req(i, "GET", "/v1/status/leader", None, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let r = f.req(0, "GET", "/v1/status/leader?region=no-such-region", None, None).await;
    assert_eq!((r.status, r.body.as_str()), (500, "No path to region"));
    let r = f.req(0, "GET", "/v1/acl/policies?region=no-such-region", Some(&f.token), None).await;
    assert_eq!((r.status, r.body.as_str()), (500, "No path to region"));
}

/// `nomad/acl_endpoint.go` `UpsertPolicies` sets `args.Region = AuthoritativeRegion`; the
/// other regions get it by `nomad/leader.go` `replicateACLPolicies`, same hash.
#[tokio::test]
async fn a_policy_written_in_any_region_reaches_every_region_with_its_hash() {
    let Some(f) = Fed::start().await else { return };
    let last = f.urls.len() - 1;
    let name = unique("fed");
    let policy = json!({"Name": name, "Description": "federated", "Rules": "node { policy = \"read\" }"});
    let r = f.req(last, "PUT", &format!("/v1/acl/policy/{name}"), Some(&f.token), Some(policy)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let path = format!("/v1/acl/policy/{name}");
    let mut hashes = vec![];
    for i in 0..f.urls.len() {
        f.eventually("the policy", i, &path, 200).await;
        hashes.push(f.req(i, "GET", &path, Some(&f.token), None).await.json()["Hash"].clone());
    }
    assert!(hashes.windows(2).all(|w| w[0] == w[1]), "{hashes:?}");
    let r = f.req(0, "DELETE", &path, Some(&f.token), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    for i in 0..f.urls.len() {
        f.eventually("the delete", i, &path, 404).await;
    }
}

/// `nomad/acl_endpoint.go` `UpsertTokens`: only a batch with a global token goes to the
/// authoritative region; a local token lives in its region alone (`replicateACLTokens`
/// copies global tokens only), so any other region refuses it, global writes included.
#[tokio::test]
async fn a_local_token_is_refused_outside_its_region_and_a_global_one_is_everywhere() {
    let Some(f) = Fed::start().await else { return };
    let last = f.urls.len() - 1;
    let local = f
        .req(
            last,
            "POST",
            "/v1/acl/token",
            Some(&f.token),
            Some(json!({"Name": unique("local"), "Type": "management"})),
        )
        .await;
    assert_eq!(local.status, 200, "{}", local.body);
    let local = local.json();
    assert_eq!(local["Global"], false);
    let secret = local["SecretID"].as_str().unwrap();
    assert_eq!(f.req(last, "GET", "/v1/acl/token/self", Some(secret), None).await.status, 200);
    let r = f.req(0, "GET", "/v1/acl/token/self", Some(secret), None).await;
    assert_eq!(r.status, 403, "{}", r.body);
    let name = unique("refused");
    let r = f
        .req(last, "PUT", &format!("/v1/acl/policy/{name}"), Some(secret), Some(json!({"Name": name, "Rules": ""})))
        .await;
    assert_eq!(r.status, 403, "a global write is judged by the authoritative region: {}", r.body);

    let global = f
        .req(
            last,
            "POST",
            "/v1/acl/token",
            Some(&f.token),
            Some(json!({"Name": unique("global"), "Type": "management", "Global": true})),
        )
        .await;
    assert_eq!(global.status, 200, "{}", global.body);
    let global = global.json();
    let path = format!("/v1/acl/token/{}", global["AccessorID"].as_str().unwrap());
    for i in 0..f.urls.len() {
        f.eventually("the global token", i, &path, 200).await;
        let copy = f.req(i, "GET", &path, Some(&f.token), None).await.json();
        for field in ["SecretID", "Hash", "CreateTime"] {
            assert_eq!(copy[field], global[field], "{field} in {}", f.region(i));
        }
    }
    assert_eq!(f.req(last, "DELETE", &path, Some(&f.token), None).await.status, 200);
    assert_eq!(
        f.req(
            last,
            "DELETE",
            &format!("/v1/acl/token/{}", local["AccessorID"].as_str().unwrap()),
            Some(&f.token),
            None
        )
        .await
        .status,
        200
    );
}
