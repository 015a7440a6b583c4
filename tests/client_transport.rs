#![cfg(feature = "ssr")]
//! Transport-level behavior of the typed client, against a scripted loopback HTTP server:
//! what goes on the wire (token only in a header, query parameters, bodies), how answers
//! and failures map to `NomadError`, timeouts, and that logs never carry the token.

mod fake;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use fake::Reply;
use nomad_acl_console::nomad::client::{NomadClient, NomadConfig, QueryOptions, WriteOptions};
use nomad_acl_console::nomad::error::NomadError;
use nomad_acl_console::nomad::models::{AclPolicy, AclToken, SecretId};

const SECRET: &str = "6a1f7c43-0d8e-4b7b-9f3e-2f1c9d5e8a77";

fn client_for(base: &str) -> NomadClient {
    NomadClient::new(&NomadConfig { address: base.to_string(), ..Default::default() }).unwrap()
}

fn client_with(base: &str, f: impl FnOnce(&mut NomadConfig)) -> NomadClient {
    let mut cfg = NomadConfig { address: base.to_string(), ..Default::default() };
    f(&mut cfg);
    NomadClient::new(&cfg).unwrap()
}

fn secret() -> SecretId {
    SecretId::from(SECRET)
}

#[tokio::test]
async fn token_travels_only_in_the_header() {
    let srv = fake::start(|_| Reply::json(200, "[]").with_header("X-Nomad-Index", "3")).await;
    let c = client_for(&srv.base_url);
    c.acl_tokens().list(&QueryOptions::new().with_token(secret()).with_prefix("ab")).await.unwrap();
    let r = srv.last();
    assert_eq!(r.method, "GET");
    assert_eq!(r.header("x-nomad-token"), Some(SECRET));
    assert!(!r.target.contains(SECRET), "token in URL: {}", r.target);
    assert_eq!(r.header("authorization"), None);

    // Anonymous: no header at all.
    c.acl_policies().list(&QueryOptions::new()).await.unwrap();
    assert_eq!(srv.last().header("x-nomad-token"), None);
    // An empty token counts as anonymous too.
    c.acl_policies().list(&QueryOptions::new().with_token(SecretId::from(""))).await.unwrap();
    assert_eq!(srv.last().header("x-nomad-token"), None);
}

#[tokio::test]
async fn query_options_become_query_parameters() {
    let srv = fake::start(|_| Reply::json(200, "[]")).await;
    let c = client_for(&srv.base_url);
    let q = QueryOptions::new()
        .with_region("eu")
        .with_prefix("ab12")
        .with_filter("Name == \"x\"")
        .with_per_page(2)
        .with_next_token("12.abcd")
        .with_stale(true)
        .with_reverse(true)
        .blocking(41, Duration::from_millis(1500));
    // The fake answers at once: blocking is the server's business.
    c.acl_tokens().list(&q).await.unwrap();
    let r = srv.last();
    assert_eq!(r.path(), "/v1/acl/tokens");
    assert_eq!(r.query("region").as_deref(), Some("eu"));
    assert_eq!(r.query("prefix").as_deref(), Some("ab12"));
    assert_eq!(r.query("filter").as_deref(), Some("Name == \"x\""));
    assert_eq!(r.query("per_page").as_deref(), Some("2"));
    assert_eq!(r.query("next_token").as_deref(), Some("12.abcd"));
    assert_eq!(r.query("stale").as_deref(), Some("true"));
    assert_eq!(r.query("reverse").as_deref(), Some("true"));
    assert_eq!(r.query("index").as_deref(), Some("41"));
    assert_eq!(r.query("wait").as_deref(), Some("1500ms"));

    // Nothing set: no query string at all.
    c.acl_tokens().list(&QueryOptions::new()).await.unwrap();
    assert_eq!(srv.last().target, "/v1/acl/tokens");
}

#[tokio::test]
async fn client_region_is_the_default_and_a_request_region_wins() {
    let srv = fake::start(|_| Reply::json(200, "[]")).await;
    let c = client_with(&srv.base_url, |c| c.region = Some("global".into()));
    assert_eq!(c.region(), Some("global"));
    c.acl_roles().list(&QueryOptions::new()).await.unwrap();
    assert_eq!(srv.last().query("region").as_deref(), Some("global"));
    c.acl_roles().list(&QueryOptions::new().with_region("eu")).await.unwrap();
    assert_eq!(srv.last().query("region").as_deref(), Some("eu"));
    c.acl_policies().delete("p", &WriteOptions::new().with_region("us")).await.unwrap();
    assert_eq!(srv.last().query("region").as_deref(), Some("us"));
    c.acl_policies().delete("p", &WriteOptions::new()).await.unwrap();
    assert_eq!(srv.last().query("region").as_deref(), Some("global"));
}

#[tokio::test]
async fn query_meta_comes_from_headers() {
    let srv = fake::start(|_| {
        Reply::json(200, "[]")
            .with_header("X-Nomad-Index", "1234")
            .with_header("X-Nomad-KnownLeader", "true")
            .with_header("X-Nomad-LastContact", "25")
            .with_header("X-Nomad-NextToken", "7.0b2c")
    })
    .await;
    let c = client_for(&srv.base_url);
    let (_, meta) = c.acl_tokens().list(&QueryOptions::new()).await.unwrap();
    assert_eq!(meta.last_index, 1234);
    assert!(meta.known_leader);
    assert_eq!(meta.last_contact, Duration::from_millis(25));
    assert_eq!(meta.next_token.as_deref(), Some("7.0b2c"));

    let srv = fake::start(|_| Reply::json(200, "[]").with_header("X-Nomad-KnownLeader", "false")).await;
    let c = client_for(&srv.base_url);
    let (_, meta) = c.acl_tokens().list(&QueryOptions::new()).await.unwrap();
    assert!(!meta.known_leader);
    assert_eq!(meta.next_token, None);
    assert_eq!(meta.last_index, 0);
}

#[tokio::test]
async fn write_meta_and_bodies() {
    let srv = fake::start(|r| match r.path() {
        "/v1/acl/policy/web-read" => {
            Reply::Respond { status: 200, headers: vec![("X-Nomad-Index".into(), "77".into())], body: vec![] }
        }
        _ => Reply::Respond { status: 200, headers: vec![("X-Nomad-Index".into(), "78".into())], body: vec![] },
    })
    .await;
    let c = client_for(&srv.base_url);
    let w = WriteOptions::new().with_token(secret());
    let policy = AclPolicy {
        name: "web-read".into(),
        description: "d".into(),
        rules: "node { policy = \"read\" }".into(),
        ..Default::default()
    };
    let meta = c.acl_policies().upsert(&policy, &w).await.unwrap();
    assert_eq!(meta.last_index, 77);
    let r = srv.last();
    assert_eq!(r.method, "PUT");
    assert_eq!(r.header("content-type"), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["Name"], "web-read");
    assert_eq!(body["Rules"], "node { policy = \"read\" }");
    assert!(!r.target.contains(SECRET));

    let meta = c.acl_tokens().delete("0b2c", &w).await.unwrap();
    assert_eq!(meta.last_index, 78);
    let r = srv.last();
    assert_eq!(r.method, "DELETE");
    assert_eq!(r.path(), "/v1/acl/token/0b2c");
    assert_eq!(r.header("content-length"), Some("0"));
    assert!(r.body.is_empty());
}

#[tokio::test]
async fn bootstrap_sends_no_body_or_the_secret() {
    let token = r#"{"AccessorID":"a","SecretID":"s","Type":"management","Name":"Bootstrap Token","Global":true}"#;
    let srv = fake::start(move |_| Reply::json(200, token).with_header("X-Nomad-Index", "5")).await;
    let c = client_for(&srv.base_url);
    let (tok, meta) = c.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap();
    assert_eq!(tok.name, "Bootstrap Token");
    assert_eq!(meta.last_index, 5);
    let r = srv.last();
    assert_eq!(r.path(), "/v1/acl/bootstrap");
    assert_eq!(r.header("content-length"), Some("0"));

    c.acl_tokens().bootstrap(Some(&secret()), &WriteOptions::new()).await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&srv.last().body).unwrap();
    assert_eq!(body, serde_json::json!({"BootstrapSecret": SECRET}));
}

#[tokio::test]
async fn path_segments_are_percent_encoded() {
    let srv = fake::start(|_| Reply::text(404, "ACL policy not found")).await;
    let c = client_for(&srv.base_url);
    let _ = c.acl_policies().get("a b/c?d", &QueryOptions::new()).await;
    assert_eq!(srv.last().target, "/v1/acl/policy/a%20b%2Fc%3Fd");
    let _ = c.acl_roles().get_by_name("ops team", &QueryOptions::new()).await;
    assert_eq!(srv.last().target, "/v1/acl/role/name/ops%20team");
}

#[tokio::test]
async fn address_path_prefix_is_kept() {
    let srv = fake::start(|_| Reply::json(200, "[]")).await;
    let c = client_for(&format!("{}/nomad/", srv.base_url));
    c.acl_policies().list(&QueryOptions::new()).await.unwrap();
    assert_eq!(srv.last().target, "/nomad/v1/acl/policies");
}

#[tokio::test]
async fn http_statuses_map_to_error_variants() {
    let srv = fake::start(|r| match r.path() {
        "/v1/acl/policy/s400" => Reply::text(400, "policy 0 invalid: 1 error occurred:\n\t* invalid name 'a_b'\n\n"),
        "/v1/acl/policy/s403" => Reply::text(403, "Permission denied"),
        "/v1/acl/policy/s404" => Reply::text(404, "ACL policy not found"),
        "/v1/acl/policy/s405" => Reply::text(405, "Invalid method"),
        "/v1/acl/policy/s500" => Reply::text(500, "ACL role not found"),
        "/v1/acl/policy/s503" => Reply::text(503, ""),
        _ => Reply::text(301, ""),
    })
    .await;
    let c = client_for(&srv.base_url);
    let q = QueryOptions::new();
    let get = |n: &'static str| {
        let c = c.clone();
        let q = q.clone();
        async move { c.acl_policies().get(n, &q).await.unwrap_err() }
    };
    let e = get("s400").await;
    assert_eq!(
        e,
        NomadError::InvalidRequest { message: "policy 0 invalid: 1 error occurred:\n\t* invalid name 'a_b'".into() }
    );
    assert_eq!(e.details(), vec!["invalid name 'a_b'"]);
    assert_eq!(e.status(), Some(400));
    assert_eq!(get("s403").await, NomadError::PermissionDenied { message: "Permission denied".into() });
    assert_eq!(get("s404").await, NomadError::NotFound { message: "ACL policy not found".into() });
    assert_eq!(get("s405").await, NomadError::Server { status: 405, message: "Invalid method".into() });
    let e = get("s500").await;
    assert_eq!(e, NomadError::Server { status: 500, message: "ACL role not found".into() });
    assert!(e.is_missing_object());
    let e = get("s503").await;
    assert_eq!(e.status(), Some(503));
    assert!(e.is_retryable());
    // Redirects are not followed (they could carry the token elsewhere).
    assert_eq!(get("other").await.status(), Some(301));
    // Display texts a human can read.
    assert_eq!(get("s403").await.to_string(), "permission denied by Nomad: Permission denied");
}

#[tokio::test]
async fn undecodable_answers_are_bad_response() {
    let srv = fake::start(|r| match r.path() {
        "/v1/acl/policies" => Reply::json(200, "{not json"),
        "/v1/acl/token/onetime" => Reply::json(200, r#"{"Index": 3}"#),
        _ => Reply::json(200, "[]").with_header("X-Nomad-Index", "abc"),
    })
    .await;
    let c = client_for(&srv.base_url);
    let e = c.acl_policies().list(&QueryOptions::new()).await.unwrap_err();
    assert!(e.is_bad_response(), "{e:?}");
    assert!(e.to_string().contains("/v1/acl/policies"), "{e}");
    let e = c.acl_tokens().create_one_time(&WriteOptions::new().with_token(secret())).await.unwrap_err();
    assert!(e.is_bad_response(), "{e:?}");
    let e = c.acl_roles().list(&QueryOptions::new()).await.unwrap_err();
    assert!(e.is_bad_response(), "{e:?}");
}

#[tokio::test]
async fn policy_self_null_reads_as_empty_and_lists_accept_null() {
    let srv = fake::start(|_| Reply::json(200, "null")).await;
    let c = client_for(&srv.base_url);
    let (list, _) = c.acl_policies().self_policies(&QueryOptions::new().with_token(secret())).await.unwrap();
    assert!(list.is_empty());
    assert_eq!(srv.last().path(), "/v1/acl/policy/self");
    let (list, _) = c.acl_policies().list(&QueryOptions::new()).await.unwrap();
    assert!(list.is_empty());
}

#[tokio::test]
async fn policy_named_self_is_not_found_without_asking() {
    let srv = fake::start(|_| Reply::json(200, "[]")).await;
    let c = client_for(&srv.base_url);
    let e = c.acl_policies().get("self", &QueryOptions::new()).await.unwrap_err();
    assert!(e.is_not_found());
    assert!(srv.requests().is_empty());
}

#[tokio::test]
async fn status_leader_reads_the_json_string() {
    let srv = fake::start(|_| Reply::json(200, "\"127.0.0.1:4647\"")).await;
    let c = client_for(&srv.base_url);
    assert_eq!(c.status_leader().await.unwrap(), "127.0.0.1:4647");
    assert_eq!(srv.last().target, "/v1/status/leader");
    assert_eq!(srv.last().header("x-nomad-token"), None);
}

#[tokio::test]
async fn one_time_and_exchange_unwrap_their_wrappers() {
    let srv = fake::start(|r| match r.path() {
        "/v1/acl/token/onetime" => Reply::json(
            200,
            r#"{"OneTimeToken":{"OneTimeSecretID":"11111111-2222-3333-4444-555555555555","AccessorID":"acc","ExpiresAt":"2026-01-01T00:10:00Z","CreateIndex":9,"ModifyIndex":9},"Index":9}"#,
        )
        .with_header("X-Nomad-Index", "9"),
        _ => Reply::json(200, r#"{"Token":{"AccessorID":"acc","SecretID":"s","Type":"client","Policies":["p"]},"Index":10}"#)
            .with_header("X-Nomad-Index", "10"),
    })
    .await;
    let c = client_for(&srv.base_url);
    let (ott, meta) = c.acl_tokens().create_one_time(&WriteOptions::new().with_token(secret())).await.unwrap();
    assert_eq!(ott.accessor_id, "acc");
    assert_eq!(meta.last_index, 9);
    let (tok, meta) = c.acl_tokens().exchange_one_time(&ott.one_time_secret_id, &WriteOptions::new()).await.unwrap();
    assert_eq!(tok.accessor_id, "acc");
    assert_eq!(meta.last_index, 10);
    let r = srv.last();
    assert_eq!(r.path(), "/v1/acl/token/onetime/exchange");
    let body: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
    assert_eq!(body["OneTimeSecretID"], "11111111-2222-3333-4444-555555555555");
    assert_eq!(r.header("x-nomad-token"), None);
}

#[tokio::test]
async fn token_update_goes_to_its_accessor_path() {
    let srv = fake::start(|_| Reply::json(200, r#"{"AccessorID":"0b2c","Type":"client"}"#)).await;
    let c = client_for(&srv.base_url);
    let t = AclToken { accessor_id: "0b2c".into(), token_type: "client".into(), ..Default::default() };
    c.acl_tokens().update(&t, &WriteOptions::new()).await.unwrap();
    assert_eq!(srv.last().path(), "/v1/acl/token/0b2c");
    c.acl_tokens().create(&AclToken::default(), &WriteOptions::new()).await.unwrap();
    assert_eq!(srv.last().path(), "/v1/acl/token");
}

#[tokio::test]
async fn refused_connection_is_unreachable() {
    // A port that was just free.
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = format!("http://{}", l.local_addr().unwrap());
    drop(l);
    let c = client_for(&addr);
    let e = c.status_leader().await.unwrap_err();
    match &e {
        NomadError::Unreachable { address, reason } => {
            assert_eq!(address, &addr);
            assert!(!reason.is_empty());
        }
        other => panic!("expected Unreachable, got {other:?}"),
    }
    assert!(e.is_transport() && e.is_retryable());
    assert_eq!(e.status(), None);
    // It crosses to the browser and back.
    let back: NomadError = serde_json::from_str(&serde_json::to_string(&e).unwrap()).unwrap();
    assert_eq!(back, e);
}

#[tokio::test]
async fn silent_server_times_out() {
    let srv = fake::start(|_| Reply::Hang).await;
    let c = client_with(&srv.base_url, |c| c.request_timeout = Duration::from_millis(300));
    let start = Instant::now();
    let e = c.acl_policies().list(&QueryOptions::new()).await.unwrap_err();
    assert_eq!(e, NomadError::Timeout { address: srv.base_url.clone() });
    assert!(start.elapsed() < Duration::from_secs(3), "{:?}", start.elapsed());
}

#[tokio::test]
async fn blocking_query_adds_its_wait_to_the_timeout() {
    // The server holds each answer 800ms, like a blocking query that waits.
    let srv = fake::start(|_| Reply::Delayed(Duration::from_millis(800), Box::new(Reply::json(200, "[]")))).await;
    let c = client_with(&srv.base_url, |c| c.request_timeout = Duration::from_millis(300));
    // Not blocking: 300ms is all it gets.
    let e = c.acl_policies().list(&QueryOptions::new()).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    // Blocking with wait=1s: 300ms + 1s + 1s/16 is enough.
    c.acl_policies().list(&QueryOptions::new().blocking(5, Duration::from_secs(1))).await.unwrap();
}

/// A `tracing` writer that collects everything into a shared buffer.
#[derive(Clone, Default)]
struct Buf(Arc<Mutex<Vec<u8>>>);

impl Write for Buf {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Buf {
    type Writer = Buf;
    fn make_writer(&'a self) -> Buf {
        self.clone()
    }
}

#[tokio::test]
async fn logs_show_method_path_status_but_never_the_token() {
    let buf = Buf::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(buf.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let srv = fake::start(|r| match r.path() {
        "/v1/acl/tokens" => Reply::json(200, "[]"),
        _ => Reply::text(403, "Permission denied"),
    })
    .await;
    let c = client_for(&srv.base_url);
    let q = QueryOptions::new().with_token(secret()).with_filter(format!("SecretID == \"{SECRET}\""));
    c.acl_tokens().list(&q).await.unwrap();
    let e = c.acl_tokens().get_self(&q).await.unwrap_err();
    let w = WriteOptions::new().with_token(secret());
    let _ = c.acl_tokens().bootstrap(Some(&secret()), &w).await;
    let _ = c.acl_tokens().exchange_one_time(&secret(), &w).await;

    let logs = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("/v1/acl/tokens"), "no request log line: {logs}");
    assert!(logs.contains("GET"), "{logs}");
    assert!(logs.contains("403"), "{logs}");
    assert!(!logs.contains(SECRET), "token in logs: {logs}");
    assert!(!format!("{e:?} {e}").contains(SECRET));
    let plain = QueryOptions::new().with_token(secret());
    assert!(!format!("{plain:?} {w:?} {c:?}").contains(SECRET));
}

#[tokio::test]
async fn an_answer_past_the_size_cap_is_refused_not_read() {
    let max = nomad_acl_console::nomad::client::MAX_ANSWER_BYTES;
    let huge = format!("[\"{}\"]", "a".repeat(max));
    let srv = fake::start(move |_| Reply::json(200, &huge)).await;
    let c = client_for(&srv.base_url);
    match c.acl_policies().list(&QueryOptions::new()).await {
        Err(NomadError::BadResponse { reason }) => assert!(reason.contains("larger than 32 MiB"), "{reason}"),
        other => panic!("a {max}-byte answer was read: {:?}", other.map(|(v, _)| v.len())),
    }
    // A usual answer is read as before.
    let srv = fake::start(|_| Reply::json(200, "[]")).await;
    assert!(client_for(&srv.base_url).acl_policies().list(&QueryOptions::new()).await.is_ok());
}
