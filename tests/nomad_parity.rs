#![cfg(feature = "ssr")]
//! Behaviors where the embedded Nomad once differed from real Nomad, each as Nomad's
//! own source has it (cited per test). Raw HTTP, against the backend of `tests/common`
//! (the embedded server, or a real Nomad named by `NOMAD_TEST_ADDR`).

mod common;

use std::time::{Duration, Instant};

use common::{unique, Backend};
use serde_json::json;

fn query_value(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>().replace('+', "%20")
}

fn body(v: serde_json::Value) -> String {
    v.to_string()
}

/// `nomad/structs/acl.go` `ACLAuthMethod.SetHash`: blake2b-256 over the fields in
/// Nomad's order (not the struct's), no separators, durations as Go writes them.
/// The expected values were computed outside this code, from that order.
#[tokio::test]
async fn an_auth_methods_hash_is_nomads_field_by_field_blake2b() {
    let b = Backend::start().await;
    let oidc = json!({"Name":"hash-example","Type":"OIDC","TokenLocality":"local","MaxTokenTTL":"1h","Default":false,
        "Config":{"OIDCDiscoveryURL":"http://example.com","OIDCClientID":"mock","OIDCClientSecret":"very secret secret",
        "OIDCScopes":["groups"],"BoundAudiences":["sales","engineering"],"AllowedRedirectURIs":["foo","bar"],
        "DiscoveryCaPem":["foo"],"SigningAlgs":["RS256"],"ClaimMappings":{"foo":"bar"},"ListClaimMappings":{"foo":"bar"}}});
    let jwt = json!({"Name":"hash-jwt","Type":"JWT","TokenLocality":"global","MaxTokenTTL":"90m","Default":false,
        "Config":{"JWKSURL":"https://jwks.example","BoundIssuer":["iss1"],"ExpirationLeeway":"1.5s","ClaimMappings":{"sub":"user"}}});
    for (method, hash) in
        [(oidc, "LYKZs//WFlYSfLZX9sj370SESpTh2IqAKty0JuC/f0w="), (jwt, "IytGKo7hz0aVtqdbzJkZnK+IYg0SecVY/+4GjA8PfRA=")]
    {
        let name = method["Name"].as_str().unwrap().to_string();
        let r = b.raw_m("PUT", "/v1/acl/auth-method", Some(&body(method))).await;
        r.expect_status(200);
        assert_eq!(r.json()["Hash"], hash, "{name}: the upsert's answer");
        let got = b.raw_m("GET", &format!("/v1/acl/auth-method/{name}"), None).await;
        assert_eq!(got.json()["Hash"], hash, "{name}: read back");
        b.raw_m("DELETE", &format!("/v1/acl/auth-method/{name}"), None).await.expect_status(200);
    }
}

/// `nomad/rpc.go` `blockingRPC` waits while the answer's index is at or below the
/// query's, 0 included: a missing object's index is its table's, 0 until first written.
#[tokio::test]
async fn a_blocking_read_of_a_missing_policy_waits_for_it_to_be_written() {
    let b = Backend::start().await;
    let at = b.raw_m("GET", "/v1/acl/policies", None).await.index().expect("X-Nomad-Index");
    let name = unique("blocked-for");

    let started = Instant::now();
    let r = b.raw_m("GET", &format!("/v1/acl/policy/{name}?index={at}&wait=400ms"), None).await;
    r.expect(404, "ACL policy not found");
    assert!(started.elapsed() >= Duration::from_millis(350), "answered after {:?}, without waiting", started.elapsed());

    let read = {
        let path = format!("/v1/acl/policy/{name}?index={at}&wait=10s");
        let b = &b;
        async move { b.raw_m("GET", &path, None).await }
    };
    let write = async {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let rules = r#"namespace "default" { policy = "read" }"#;
        b.raw_m("PUT", &format!("/v1/acl/policy/{name}"), Some(&body(json!({"Name": name, "Rules": rules}))))
            .await
            .expect_status(200);
    };
    let started = Instant::now();
    let (r, ()) = tokio::join!(read, write);
    r.expect_status(200);
    assert_eq!(r.json()["Name"], name.as_str());
    assert!(started.elapsed() < Duration::from_secs(5), "answered when written, not at the wait's end");
}

/// `nomad/state/paginator/paginator.go`: a page's next token is the next token that
/// passes the filter, and there is none when no further token does.
#[tokio::test]
async fn filtered_token_pages_point_only_at_tokens_that_pass_the_filter() {
    let b = Backend::start().await;
    let prefix = unique("pager");
    let policy = b.policy("pager", r#"namespace "default" { policy = "read" }"#).await;
    let mut made = Vec::new();
    for name in ["m1", "o1", "m2", "o2"] {
        let t = json!({"Name": format!("{prefix}-{name}"), "Type": "client", "Policies": [policy.name]});
        let r = b.raw_m("PUT", "/v1/acl/token", Some(&body(t))).await;
        r.expect_status(200);
        made.push(r.json());
    }
    let filter = query_value(&format!("Name matches \"^{prefix}-m\""));
    let r = b.raw_m("GET", &format!("/v1/acl/tokens?filter={filter}&per_page=1"), None).await;
    r.expect_status(200);
    let names: Vec<_> = r.json().as_array().unwrap().iter().map(|t| t["Name"].as_str().unwrap().to_string()).collect();
    assert_eq!(names, [format!("{prefix}-m1")]);
    let m2 = &made[2];
    assert_eq!(
        r.header("x-nomad-nexttoken").as_deref(),
        Some(format!("{}.{}", m2["CreateIndex"], m2["AccessorID"].as_str().unwrap()).as_str()),
        "the next page starts at m2, not at o1"
    );

    let r = b.raw_m("GET", &format!("/v1/acl/tokens?filter={filter}&per_page=2"), None).await;
    assert_eq!(r.json().as_array().unwrap().len(), 2);
    assert_eq!(r.header("x-nomad-nexttoken").unwrap_or_default(), "", "no token after m2 passes the filter");
}

/// go-bexpr's identifiers are a letter, then letters, digits, `_` and `/`; Nomad
/// refuses a binding rule whose selector has another (`nomad/structs/acl.go`).
#[tokio::test]
async fn binding_rule_selectors_take_go_bexprs_identifiers_only() {
    let b = Backend::start().await;
    let method = unique("sel-method");
    let m = json!({"Name": method, "Type":"JWT","TokenLocality":"local","MaxTokenTTL":"1h",
        "Config":{"JWKSURL":"https://jwks.example"}});
    b.raw_m("PUT", "/v1/acl/auth-method", Some(&body(m))).await.expect_status(200);
    let rule = |selector: &str| {
        body(json!({"AuthMethod": method, "Selector": selector, "BindType":"policy", "BindName":"readers"}))
    };
    for bad in [r#"value.a-b == "x""#, r#"_x == "y""#] {
        b.raw_m("PUT", "/v1/acl/binding-rule", Some(&rule(bad)))
            .await
            .expect_prefix(400, "binding rule 0 invalid: 1 error occurred:\n\t* selector is invalid: ");
    }
    let r = b.raw_m("PUT", "/v1/acl/binding-rule", Some(&rule(r#"list.groups/x contains "a""#))).await;
    r.expect_status(200);
    let id = r.json()["ID"].as_str().unwrap().to_string();
    b.raw_m("DELETE", &format!("/v1/acl/binding-rule/{id}"), None).await.expect_status(200);
    b.raw_m("DELETE", &format!("/v1/acl/auth-method/{method}"), None).await.expect_status(200);
}

/// `ACLAuthMethod.UnmarshalJSON` reads MaxTokenTTL with `time.ParseDuration`, which
/// refuses `""`, and takes a number as nanoseconds; the config's leeways refuse a type
/// that is neither (`nomad/structs/acl.go`).
#[tokio::test]
async fn an_auth_methods_durations_are_decoded_as_nomad_decodes_them() {
    let b = Backend::start().await;
    let name = unique("ttl-method");
    let method = |ttl: serde_json::Value| {
        body(json!({"Name": name, "Type":"JWT","TokenLocality":"local","MaxTokenTTL": ttl,
            "Config":{"JWKSURL":"https://jwks.example"}}))
    };
    b.raw_m("PUT", "/v1/acl/auth-method", Some(&method(json!("")))).await.expect(400, "time: invalid duration \"\"");

    let r = b.raw_m("PUT", "/v1/acl/auth-method", Some(&method(json!(3_600_000_000_000u64)))).await;
    r.expect_status(200);
    assert_eq!(r.json()["MaxTokenTTL"], "1h0m0s");
    // An update is decoded before it is merged with the stored method: "" is still refused.
    let update = body(json!({"Name": name, "MaxTokenTTL": ""}));
    b.raw_m("PUT", &format!("/v1/acl/auth-method/{name}"), Some(&update))
        .await
        .expect(400, "time: invalid duration \"\"");

    let leeway = body(json!({"Name": name, "Type":"JWT","TokenLocality":"local","MaxTokenTTL":"1h",
        "Config":{"JWKSURL":"https://jwks.example","ExpirationLeeway": true}}));
    b.raw_m("PUT", &format!("/v1/acl/auth-method/{name}"), Some(&leeway))
        .await
        .expect(400, "unexpected ExpirationLeeway type: true");
    b.raw_m("DELETE", &format!("/v1/acl/auth-method/{name}"), None).await.expect_status(200);
}

/// The console's own client sends a zero MaxTokenTTL as `"0s"`, which Nomad reads as
/// "keep the stored value" on update, so an edit that leaves the field empty works.
#[tokio::test]
async fn the_client_sends_an_empty_max_ttl_as_zero_which_an_update_keeps() {
    let b = Backend::start().await;
    let name = unique("keep-ttl");
    let m = json!({"Name": name, "Type":"JWT","TokenLocality":"local","MaxTokenTTL":"2h",
        "Config":{"JWKSURL":"https://jwks.example"}});
    b.raw_m("PUT", "/v1/acl/auth-method", Some(&body(m))).await.expect_status(200);
    let (mut stored, _) = b.client.acl_auth_methods().get(&name, &b.q()).await.unwrap();
    stored.max_token_ttl = Default::default();
    let sent = serde_json::to_value(&stored).unwrap();
    assert_eq!(sent["MaxTokenTTL"], "0s");
    let (saved, _) = b.client.acl_auth_methods().update(&stored, &b.w()).await.expect("the edit is accepted");
    assert_eq!(saved.max_token_ttl.to_go_string(), "2h0m0s");
    b.raw_m("DELETE", &format!("/v1/acl/auth-method/{name}"), None).await.expect_status(200);
}
