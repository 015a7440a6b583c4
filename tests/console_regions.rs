#![cfg(feature = "ssr")]
//! The console in front of a federation (north, east, west; north authoritative), read as
//! the HTML its server renders: `?region=` picks the region every Nomad call of a page
//! goes to, links keep it, a local token of another region gets a clear message, and
//! `/replication` compares each region with the authoritative one.

use std::time::Duration;

mod common;

use nomad_acl_console::nomad::client::NomadConfig;
use nomad_acl_console::server::listen::ConnectionLimits;
use nomad_acl_console::server::session::{CookieSecure, SessionKeys};
use serde_json::{json, Value};

struct Fed {
    /// Base URL per region: north, east, west.
    nomad: Vec<(String, String)>,
    /// A global management secret.
    token: String,
    console: String,
    http: reqwest::Client,
}

impl Fed {
    async fn start() -> Fed {
        let (nomad, token) = common::embedded_federation().await;
        let config = NomadConfig { address: nomad[0].1.clone(), ..Default::default() };
        let keys = SessionKeys::random(CookieSecure::Never);
        let console = common::console::serve(config, keys, ConnectionLimits::default(), None).await;
        Fed { nomad, token, console, http: common::console::http_client() }
    }

    fn nomad(&self, region: &str) -> &str {
        &self.nomad.iter().find(|(r, _)| r == region).unwrap().1
    }

    async fn nomad_put(&self, region: &str, path: &str, body: Value) -> Value {
        let res = self
            .http
            .put(format!("{}{path}", self.nomad(region)))
            .header("X-Nomad-Token", &self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(res.status().is_success(), "{path}: {}", res.status());
        let body = res.text().await.unwrap();
        serde_json::from_str(&body).unwrap_or(Value::Null)
    }

    async fn sign_in(&self, secret: &str, return_to: &str) -> String {
        let res = self
            .http
            .post(format!("{}/sign-in", self.console))
            .header("sec-fetch-site", "same-origin")
            .form(&[("secret", secret), ("return_to", return_to)])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 303);
        let cookie = res.headers().get_all("set-cookie").iter().find_map(|v| {
            let v = v.to_str().ok()?;
            v.starts_with("nac_session=").then(|| v.split(';').next().unwrap().to_string())
        });
        cookie.expect("a session cookie")
    }

    async fn page(&self, cookie: &str, path: &str) -> (u16, String) {
        let res = self.http.get(format!("{}{path}", self.console)).header("cookie", cookie).send().await.unwrap();
        (res.status().as_u16(), res.text().await.unwrap())
    }
}

fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", &uuid::Uuid::new_v4().simple().to_string()[..8])
}

#[tokio::test]
async fn a_page_shows_the_region_its_address_names_and_its_links_stay_there() {
    let f = Fed::start().await;
    let name = unique("east-local");
    f.nomad_put("east", "/v1/acl/token?region=east", json!({"Name": name, "Type": "management"})).await;
    let cookie = f.sign_in(&f.token, "/").await;

    let (status, east) = f.page(&cookie, &format!("/tokens?search={name}&region=east")).await;
    assert_eq!(status, 200);
    assert!(east.contains(&format!(">{name}</a>")), "east's page lists east's local token");
    assert!(east.contains(r#"href="/tokens/new?region=east""#), "its links keep the region");
    assert!(east.contains(r#"href="/roles?region=east""#), "the navigation keeps the region");
    assert!(east.contains(r#"data-testid="token-scope">Local<"#), "the token is shown as local");
    assert!(east.contains(r#"<input type="hidden" name="region" value="east""#), "its search form keeps the region");

    let (_, north) = f.page(&cookie, &format!("/tokens?search={name}")).await;
    assert!(
        !north.contains(&format!(">{name}</a>")),
        "the default (authoritative) region does not hold east's local token"
    );
    assert!(north.contains(r#"href="/roles""#), "without ?region= links name none");

    // The switcher offers every region, each a link to this page there.
    assert!(east.contains(r#"data-testid="region-switcher""#));
    for r in ["north", "east", "west"] {
        assert!(east.contains(&format!(r#"data-region="{r}""#)), "the switcher offers {r}");
    }
    assert!(east.contains(&format!("/tokens?search={name}&amp;region=west")), "west keeps the page's search");
    assert!(east.contains("north (authoritative)"));
}

#[tokio::test]
async fn a_region_that_is_no_name_is_an_error_on_the_page_not_markup() {
    let f = Fed::start().await;
    let cookie = f.sign_in(&f.token, "/").await;
    let (_, body) = f.page(&cookie, "/tokens?region=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E").await;
    assert!(!body.contains("<img src=x"), "the region's text never becomes markup");
    assert!(body.contains("is not a region name"), "the page says what is wrong");
    let (_, unknown) = f.page(&cookie, "/tokens?region=nowhere").await;
    assert!(unknown.contains("No path to region"), "an unknown region gets Nomad's answer");
}

#[tokio::test]
async fn a_local_token_of_one_region_is_told_so_in_another_and_stays_signed_in() {
    let f = Fed::start().await;
    let local =
        f.nomad_put("north", "/v1/acl/token", json!({"Name": unique("north-only"), "Type": "management"})).await;
    let secret = local["SecretID"].as_str().unwrap();
    let cookie = f.sign_in(secret, "/tokens").await;

    let (status, north) = f.page(&cookie, "/tokens").await;
    assert_eq!(status, 200);
    assert!(!north.contains(r#"data-testid="region-elsewhere""#), "at home no warning");

    let (status, east) = f.page(&cookie, "/tokens?region=east").await;
    assert_eq!(status, 200, "the session is not ended by the other region's refusal");
    assert!(east.contains(r#"data-testid="region-elsewhere""#));
    assert!(east.contains("Your token is local to region north: region east does not know it"));
    assert!(east.contains(r#"href="/tokens?region=north""#), "a way back to its region");

    // Still signed in at home.
    let (status, again) = f.page(&cookie, "/tokens").await;
    assert_eq!(status, 200);
    assert!(!again.contains("/sign-in?"), "not sent to sign in");
}

#[tokio::test]
async fn signing_in_on_a_page_of_a_region_checks_the_token_there() {
    let f = Fed::start().await;
    let east_only = f
        .nomad_put("east", "/v1/acl/token?region=east", json!({"Name": unique("east-only"), "Type": "management"}))
        .await;
    let secret = east_only["SecretID"].as_str().unwrap();
    // Returning to a page of east: Nomad is asked in east, where the token exists.
    let cookie = f.sign_in(secret, "/tokens?region=east").await;
    let (status, east) = f.page(&cookie, "/tokens?region=east").await;
    assert_eq!(status, 200);
    assert!(!east.contains(r#"data-testid="region-elsewhere""#));
}

#[tokio::test]
async fn replication_reports_a_paused_region_stale_and_in_sync_once_it_catches_up() {
    let f = Fed::start().await;
    let cookie = f.sign_in(&f.token, "/").await;
    let policy = unique("replicated");
    f.nomad_put(
        "north",
        &format!("/v1/acl/policy/{policy}"),
        json!({"Name": policy, "Rules": "namespace \"default\" { policy = \"read\" }"}),
    )
    .await;
    // Wait for every region to have it.
    let mut synced = String::new();
    for _ in 0..100 {
        let (_, body) = f.page(&cookie, "/replication").await;
        if body.matches(r#"data-in-sync="true""#).count() == 2 {
            synced = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(synced.contains("In sync"), "every region catches up: {synced}");
    assert!(synced.contains("Authoritative region"));

    f.nomad_put("north", "/v1/dev/replication/east?paused=true", json!({})).await;
    f.nomad_put(
        "north",
        &format!("/v1/acl/policy/{policy}"),
        json!({"Name": policy, "Description": "changed", "Rules": "namespace \"default\" { policy = \"write\" }"}),
    )
    .await;
    let mut stale = String::new();
    for _ in 0..50 {
        let (_, body) = f.page(&cookie, "/replication").await;
        if body.contains(&format!("stale: {policy}")) {
            stale = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(stale.contains(r#"data-region="east" data-in-sync="false""#), "east is behind: {stale}");
    assert!(stale.contains(&format!("stale: {policy}")));

    f.nomad_put("north", "/v1/dev/replication/east?paused=false", json!({})).await;
    let mut caught_up = false;
    for _ in 0..100 {
        let (_, body) = f.page(&cookie, "/replication").await;
        if body.contains(r#"data-region="east" data-in-sync="true""#) {
            caught_up = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(caught_up, "east is in sync again once resumed");
}

#[tokio::test]
async fn a_server_function_writes_in_the_region_of_the_page_that_calls_it() {
    use leptos::server_fn::ServerFn;
    let f = Fed::start().await;
    let cookie = f.sign_in(&f.token, "/").await;
    let name = unique("made-on-east-page");
    let path = <nomad_acl_console::api::tokens::form::CreateToken as ServerFn>::PATH;
    let res = f
        .http
        .post(format!("{}{path}", f.console))
        .header("cookie", &cookie)
        .header("sec-fetch-site", "same-origin")
        .header("accept", "text/html")
        .header("referer", format!("{}/tokens/new?region=east", f.console))
        .form(&[("name", name.as_str()), ("token_type", "management"), ("lifetime[expiry]", "never")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 302, "{}", res.text().await.unwrap());
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(location.ends_with("region=east"), "the redirect stays in east: {location}");
    let names = |region: &'static str| {
        let (http, url, token) = (f.http.clone(), f.nomad(region).to_string(), f.token.clone());
        async move {
            let list: Vec<Value> = http
                .get(format!("{url}/v1/acl/tokens"))
                .header("X-Nomad-Token", token)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            list.iter().map(|t| t["Name"].as_str().unwrap_or_default().to_string()).collect::<Vec<_>>()
        }
    };
    assert!(names("east").await.contains(&name), "created in east, the calling page's region");
    assert!(!names("north").await.contains(&name), "not in the default region");
}

#[tokio::test]
async fn markup_in_a_global_token_name_stays_text_on_the_replication_page() {
    let f = Fed::start().await;
    let cookie = f.sign_in(&f.token, "/").await;
    f.nomad_put("north", "/v1/dev/replication/west?paused=true", json!({})).await;
    let name = "</td><script>alert(1)</script><textarea>";
    f.nomad_put("north", "/v1/acl/token", json!({"Name": name, "Type": "management", "Global": true})).await;
    let mut page = String::new();
    for _ in 0..50 {
        let (_, body) = f.page(&cookie, "/replication").await;
        if body.contains(r#"data-region="west" data-in-sync="false""#) {
            page = body;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    f.nomad_put("north", "/v1/dev/replication/west?paused=false", json!({})).await;
    assert!(page.contains("missing: &lt;/td&gt;&lt;script&gt;"), "the name is shown, escaped: {page}");
    assert!(!page.contains("<script>alert(1)"), "never as markup");
}
