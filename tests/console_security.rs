#![cfg(feature = "ssr")]
//! What an attacker sends to the console (not to Nomad): markup through links and
//! through objects made with Nomad's API, absurd nesting, slow clients, redirects.
//! Each test runs a console in front of the test backend (an embedded Nomad, or the
//! real one of `NOMAD_TEST_ADDR`).

mod common;

use std::time::{Duration, Instant};

use common::console::Console;
use common::unique;
use leptos::server_fn::ServerFn as _;
use nomad_acl_console::api::binding_rules::TestSelector;
use nomad_acl_console::nomad::models::{AclAuthMethod, AclAuthMethodConfig, AclBindingRule, AclPolicy, GoDuration};
use nomad_acl_console::server::listen::ConnectionLimits;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Ends the textarea (or title), then navigates away and plants a form that posts
/// to a server function: what a crafted link carried.
const MARKUP: &str = "</textarea></title><meta http-equiv=\"refresh\" content=\"0;url=https://elsewhere.example/\">\
                      </form><form method=\"post\" action=\"/api/planted_by_link\"><input name=\"planted\" value=\"anonymous\">";

/// A client token that may read nodes: someone other than the management user.
async fn read_only_token(b: &common::Backend, prefix: &str) -> nomad_acl_console::nomad::models::AclToken {
    let policy = b.policy(prefix, "node { policy = \"read\" }").await;
    b.client_token(&[&policy.name]).await
}

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The page holds the payload only as text: no element of it made it into the markup.
fn assert_inert(path: &str, page: &common::console::Page) {
    assert_eq!(page.status, 200, "{path}: {}", &page.body[..page.body.len().min(400)]);
    for planted in
        ["<meta http-equiv", "<form method=\"post\" action=\"/api/planted_by_link\"", "<input name=\"planted\""]
    {
        assert!(!page.body.contains(planted), "{path}: markup from the payload reached the page: {planted}");
    }
    assert!(
        page.body.contains("&lt;/textarea&gt;&lt;/title&gt;&lt;meta http-equiv="),
        "{path}: the payload is not on the page as text"
    );
}

#[tokio::test]
async fn markup_in_links_stays_text_in_every_editor() {
    let c = Console::start().await;
    let m = enc(MARKUP);
    for path in [
        format!("/policies/new?rules={m}"),
        format!("/policies/new?name=p&description={m}&rules={m}"),
        format!("/binding-rules/new?selector={m}"),
        format!("/namespaces/new?input%5Bname%5D=n&input%5Bdescription%5D={m}&input%5Bmeta%5D={m}"),
        format!("/binding-rules/new?selector=x&claims={m}&test=1"),
        format!("/auth-methods/new?type=OIDC&name=m&scopes={m}&allowed_redirect_uris={m}&discovery_ca_pem={m}"),
        format!("/auth-methods/new?type=JWT&name=m&jwt_validation_pub_keys={m}&bound_issuer={m}&claim_mappings={m}"),
    ] {
        assert_inert(&path, &c.get(&path).await);
    }
}

#[tokio::test]
async fn markup_in_the_url_path_stays_text_in_the_title() {
    let c = Console::start().await;
    let path = format!("/tokens/{}", enc(MARKUP));
    let page = c.get(&path).await;
    assert!(!page.body.contains("<meta http-equiv"), "{path}: {}", page.body);
    let title = page.body.split("<title>").nth(1).and_then(|t| t.split("</title>").next()).unwrap_or_default();
    assert!(title.contains("&lt;/textarea&gt;&lt;/title&gt;"), "title: {title}");
}

#[tokio::test]
async fn markup_in_stored_objects_stays_text_in_their_editors() {
    let c = Console::start().await;
    let b = &c.backend;
    // A comment is valid HCL, and a string literal a valid selector.
    let policy = unique("inject");
    let rules = format!("# {MARKUP}\nnamespace \"default\" {{ policy = \"read\" }}\n");
    b.client
        .acl_policies()
        .upsert(&AclPolicy { name: policy.clone(), rules, ..Default::default() }, &b.w())
        .await
        .unwrap();
    let method = unique("inject");
    let config = AclAuthMethodConfig {
        oidc_discovery_url: "https://idp.example.com".into(),
        oidc_client_id: "console".into(),
        oidc_client_secret: "s3cret".into(),
        oidc_scopes: Some(vec![MARKUP.to_string()]),
        bound_audiences: Some(vec![MARKUP.to_string()]),
        allowed_redirect_uris: Some(vec!["https://console.example/sign-in/oidc/callback".into()]),
        ..Default::default()
    };
    let am = AclAuthMethod {
        name: method.clone(),
        method_type: "OIDC".into(),
        token_locality: "local".into(),
        max_token_ttl: GoDuration::from_secs(3600),
        config: Some(config),
        ..Default::default()
    };
    b.client.acl_auth_methods().create(&am, &b.w()).await.unwrap();
    let rule = AclBindingRule {
        auth_method: method.clone(),
        description: MARKUP.to_string(),
        selector: format!("\"{}\" in list.groups", MARKUP.replace('"', "\\\"")),
        bind_type: "policy".into(),
        bind_name: policy.clone(),
        ..Default::default()
    };
    let (rule, _) = b.client.acl_binding_rules().create(&rule, &b.w()).await.unwrap();
    // Nomad checks neither a namespace's description's content nor its meta.
    let namespace = unique("inject");
    let ns = nomad_acl_console::nomad::models::Namespace {
        name: namespace.clone(),
        description: MARKUP.chars().take(256).collect(),
        meta: Some([("owner".to_string(), MARKUP.to_string())].into_iter().collect()),
        ..Default::default()
    };
    b.client.namespaces().upsert(&ns, &b.w()).await.unwrap();
    for path in [
        format!("/namespaces/{namespace}/edit"),
        format!("/namespaces/{namespace}"),
        format!("/policies/{policy}/edit"),
        format!("/auth-methods/{method}/edit"),
        format!("/binding-rules/{}/edit", rule.id),
        format!("/binding-rules/{}?test=1&claims={}", rule.id, enc(MARKUP)),
    ] {
        assert_inert(&path, &c.get(&path).await);
    }
}

#[tokio::test]
async fn a_deeply_nested_selector_is_refused_and_the_console_keeps_serving() {
    let c = Console::start().await;
    let deep = format!("{}value.x == \"y\"{}", "(".repeat(10_000), ")".repeat(10_000));
    let page = c.post_form(TestSelector::PATH, &[("auth_method", ""), ("selector", &deep), ("claims", "{}")]).await;
    assert!(page.body.contains("nested too deeply"), "{}: {}", page.status, page.body);
    // The tester's GET form and the editor take it from the URL too.
    let path = format!("/binding-rules/new?selector={}&claims=%7B%7D&test=1", enc(&deep));
    let page = c.get(&path).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("nested too deeply"), "the tester says why");
    assert_eq!(c.get_anonymous("/healthz").await.body, "ok");
}

#[tokio::test]
async fn return_to_never_leaves_the_console() {
    let c = Console::start().await;
    let secret = c.backend.mgmt.expose().to_string();
    for evil in ["/\t/evil.example/a", "//evil.example", "/\\evil.example", "https://evil.example/", "/\n/evil"] {
        let page = c.post_form("/sign-in", &[("secret", &secret), ("return_to", evil)]).await;
        assert_eq!(page.status, 303);
        assert_eq!(page.location(), Some("/"), "return_to {evil:?}");
    }
    let page = c.post_form("/sign-in", &[("secret", &secret), ("return_to", "/roles?x=1")]).await;
    assert_eq!(page.location(), Some("/roles?x=1"));
}

#[tokio::test]
async fn a_signed_out_deep_link_is_a_303_that_keeps_its_query() {
    let c = Console::start().await;
    let page = c.get_anonymous("/tokens?search=abc&page=2").await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/sign-in?return_to=/tokens%3Fsearch%3Dabc%26page%3D2"));
    // Pages that need no session, and unknown ones, are not redirected.
    assert_eq!(c.get_anonymous("/sign-in").await.status, 200);
    assert_eq!(c.get_anonymous("/no-such-page").await.status, 404);
}

/// Opens a connection and sends `head` slowly enough to never finish in time.
async fn trickle(addr: &str, head: &'static [u8]) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    s.write_all(head).await.unwrap();
    s
}

#[tokio::test]
async fn slow_request_bodies_do_not_hold_render_slots() {
    let c = Console::start_with(ConnectionLimits::default(), Some(2)).await;
    let addr = c.base.trim_start_matches("http://").to_string();
    // Eight clients announce a 100,000-byte sign-in and send one byte now and then.
    let mut slow = Vec::new();
    for _ in 0..8 {
        let head = b"POST /sign-in HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\n\
                     Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\ns";
        slow.push(trickle(&addr, head).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    let page = c.get("/policies").await;
    assert_eq!(page.status, 200);
    assert!(started.elapsed() < Duration::from_secs(10), "a page waited for slow clients: {:?}", started.elapsed());
    let ready = c.get_anonymous("/readyz").await;
    assert_eq!(ready.status, 200, "{}", ready.body);
    drop(slow);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let c = Console::start().await;
    let big = "a".repeat(3 * 1024 * 1024);
    let page = c.post_form("/sign-in", &[("secret", &big)]).await;
    assert_eq!(page.status, 413, "{}", page.body);
}

#[tokio::test]
async fn a_trickled_request_head_is_cut_off() {
    let limits = ConnectionLimits { header_read_timeout: Duration::from_secs(1), ..ConnectionLimits::default() };
    let c = Console::start_with(limits, None).await;
    let addr = c.base.trim_start_matches("http://").to_string();
    let mut s = trickle(&addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n").await;
    let started = Instant::now();
    let mut buf = [0u8; 256];
    // The server closes the connection (possibly after a 408): reading ends.
    loop {
        match tokio::time::timeout(Duration::from_secs(5), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => break,
            Ok(Ok(_)) => continue,
            Err(_) => panic!("the connection was still open after 5 s"),
        }
    }
    assert!(started.elapsed() >= Duration::from_millis(900));
    // An idle kept-alive connection is closed the same way.
    let mut s = trickle(&addr, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await;
    let mut got = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    assert!(ended.is_ok(), "an idle connection stayed open");
    assert!(String::from_utf8_lossy(&got).starts_with("HTTP/1.1 200"));
}

#[tokio::test]
async fn connections_past_the_bound_wait_instead_of_failing() {
    let limits = ConnectionLimits { header_read_timeout: Duration::from_secs(2), max_connections: 4 };
    let c = Console::start_with(limits, None).await;
    let addr = c.base.trim_start_matches("http://").to_string();
    let mut idle = Vec::new();
    for _ in 0..4 {
        idle.push(trickle(&addr, b"GET /healthz HTTP/1.1\r\n").await);
    }
    // A client on a new connection is served once the idle ones are cut off.
    let started = Instant::now();
    let fresh = reqwest::Client::new();
    let body = fresh.get(c.url("/healthz")).send().await.unwrap().text().await.unwrap();
    assert_eq!(body, "ok");
    assert!(started.elapsed() >= Duration::from_millis(1500), "served past the bound: {:?}", started.elapsed());
}

#[tokio::test]
async fn a_sign_in_link_asks_before_replacing_a_live_session() {
    let c = Console::start().await;
    let b = &c.backend;
    let other = read_only_token(b, "switch").await;
    let w = nomad_acl_console::nomad::client::WriteOptions::new().with_token(other.secret_id.clone());
    let (ott, _) = b.client.acl_tokens().create_one_time(&w).await.unwrap();
    let link = format!("/sign-in?ott={}&return_to=%2Froles", ott.one_time_secret_id.expose());

    // Signed in: nothing changes yet, the token waits in a sealed cookie.
    let page = c.get(&link).await;
    assert_eq!(page.status, 303);
    assert_eq!(page.location(), Some("/sign-in?switch=1"));
    assert!(common::console::session_cookie(&page.headers).is_none(), "the session was replaced without asking");
    let pending = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("nac_ott="))
        .expect("the link's token is kept for the confirmation")
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert!(!pending.contains(ott.one_time_secret_id.expose()), "sealed, not in clear");
    let prompt = c.get("/sign-in?switch=1").await;
    assert!(prompt.body.contains("data-testid=\"switch-prompt\""), "the page asks");
    assert!(prompt.body.contains(&b.mgmt_token.accessor_id), "and says who is signed in now");
    assert!(!prompt.body.contains(ott.one_time_secret_id.expose()));

    // Confirmed: the link's token becomes the session, and the old one is revoked.
    let both = c.with_cookie(&format!("{}; {pending}", c.cookie));
    let done = both.post_form("/sign-in/one-time", &[]).await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(done.location(), Some("/roles"));
    let new_cookie = common::console::session_cookie(&done.headers).expect("a new session");
    let profile = c.with_cookie(&new_cookie).get("/profile").await;
    assert!(profile.body.contains(&other.accessor_id), "signed in as the link's token");
    assert_eq!(c.get("/tokens").await.status, 303, "the replaced session no longer works");

    // Without a pending link, the confirmation does nothing.
    let again = c.with_cookie(&new_cookie).post_form("/sign-in/one-time", &[]).await;
    assert_eq!(again.location(), Some("/sign-in"));
}

#[tokio::test]
async fn a_signed_out_session_cookie_replayed_later_is_refused() {
    let c = Console::start().await;
    assert_eq!(c.get("/tokens").await.status, 200);
    let out = c.post_form("/sign-out", &[]).await;
    assert_eq!(out.status, 303);
    // The browser forgets the cookie; an attacker who copied it replays it.
    assert_eq!(c.get("/tokens").await.status, 303);
    let call = c.post_form(TestSelector::PATH, &[("auth_method", ""), ("selector", "x == y"), ("claims", "{}")]).await;
    assert_eq!(call.status, 401, "{}", call.body);
    assert_eq!(c.get("/live?kinds=tokens").await.status, 401);
}

#[tokio::test]
async fn a_token_deleted_in_nomad_ends_its_sessions() {
    let c = Console::start_rechecking().await;
    let b = &c.backend;
    let token = read_only_token(b, "deleted").await;
    let user = c.with_cookie(&c.sign_in(token.secret_id.expose()).await);
    assert_eq!(user.get("/profile").await.status, 200);
    b.client.acl_tokens().delete(&token.accessor_id, &b.w()).await.unwrap();

    let page = user.get("/profile").await;
    assert_eq!(page.status, 303, "still signed in after the token was deleted");
    assert_eq!(page.location(), Some("/sign-in?return_to=/profile"));
    let set: Vec<&str> = page.headers.get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()).collect();
    assert!(set.iter().any(|v| v.starts_with("nac_session=;") || v.contains("Max-Age=0")), "{set:?}");
    let flash = set.iter().find(|v| v.starts_with("nac_flash=")).expect("a reason for the sign-in page");
    let flash = flash.split(';').next().unwrap();
    let sign_in = c.with_cookie(flash).get("/sign-in").await;
    assert!(sign_in.body.contains("no longer knows its token"), "the sign-in page says why");

    // Server functions refuse it too (not only pages).
    let call =
        user.post_form(TestSelector::PATH, &[("auth_method", ""), ("selector", "x == y"), ("claims", "{}")]).await;
    assert_eq!(call.status, 401, "{}", call.body);
}

#[tokio::test]
async fn server_function_errors_carry_a_4xx_status() {
    let c = Console::start().await;
    let anonymous = c.with_cookie("");
    let call =
        anonymous.post_form(TestSelector::PATH, &[("auth_method", ""), ("selector", "x"), ("claims", "{}")]).await;
    assert_eq!(call.status, 401, "{}", call.body);
    let call = c.post_form(TestSelector::PATH, &[("nonsense", "1")]).await;
    assert_eq!(call.status, 400, "malformed arguments: {}", call.body);
}

#[tokio::test]
async fn a_session_holds_a_bounded_number_of_live_streams() {
    let c = Console::start().await;
    let max = nomad_acl_console::server::live::MAX_STREAMS_PER_SESSION;
    let open = |c: &Console| c.http.get(c.url("/live?kinds=tokens")).header("cookie", &c.cookie).send();
    let mut streams = Vec::new();
    for _ in 0..max {
        let res = open(&c).await.unwrap();
        assert_eq!(res.status(), 200);
        streams.push(res);
    }
    let refused = open(&c).await.unwrap();
    assert_eq!(refused.status(), 429, "stream {} of one session", max + 1);
    // Another session of the same token has its own allowance.
    let other = c.with_cookie(&c.sign_in(c.backend.mgmt.expose()).await);
    assert_eq!(open(&other).await.unwrap().status(), 200);
    // A closed stream gives its place back.
    drop(streams.pop());
    let mut reopened = None;
    for _ in 0..50 {
        let res = open(&c).await.unwrap();
        if res.status() == 200 {
            reopened = Some(res);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(reopened.is_some(), "the place of a closed stream was not given back");
}

#[tokio::test]
async fn an_oidc_method_nomad_cannot_start_is_said_up_front_its_text_escaped() {
    let c = Console::start().await;
    let b = &c.backend;
    let name = unique("sso-down");
    // Someone with acl:write points a method at a provider address that carries markup;
    // Nomad's refusal quotes it back.
    let method = AclAuthMethod {
        name: name.clone(),
        method_type: "OIDC".into(),
        token_locality: "local".into(),
        max_token_ttl: GoDuration::from_hours(1),
        config: Some(AclAuthMethodConfig {
            oidc_discovery_url: "https://provider.invalid/<img src=x onerror=alert(1)>".into(),
            oidc_client_id: "console".into(),
            oidc_client_secret: "shh".into(),
            allowed_redirect_uris: Some(vec![c.url("/sign-in/oidc/callback")]),
            ..Default::default()
        }),
        ..Default::default()
    };
    b.client.acl_auth_methods().create(&method, &b.w()).await.expect("method created");

    let page = c.get_anonymous("/sign-in").await;
    assert_eq!(page.status, 200);
    let at = page.body.find(&format!(r#"data-method="{name}""#)).expect("the method is listed");
    let entry = &page.body[at..at + page.body[at..].find("</div>").expect("its entry ends")];
    assert!(entry.contains(r#"data-testid="sso-unavailable""#), "said up front: {entry}");
    assert!(entry.contains(&format!("Nomad cannot start a sign-in with {name} now")), "{entry}");
    assert!(entry.contains("disabled"), "its button is off: {entry}");
    assert!(!page.body.contains("<img src=x"), "markup from Nomad's answer is text");
    assert!(!page.body.contains(&format!(r#"name="method" value="{name}""#)), "no form starts it");
    b.client.acl_auth_methods().delete(&name, &b.w()).await.expect("cleaned up");
}
