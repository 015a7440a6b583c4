//! The embedded Nomad's OIDC and JWT logins, end to end against the demo identity
//! provider (a browser's part played with plain HTTP requests).

use base64::Engine;
use serde_json::{json, Value};

use super::idp::DEMO_METHOD;
use super::{DevNomad, DevNomadConfig};

const CALLBACK: &str = "http://127.0.0.1:4321/sign-in/oidc/callback";

struct Env {
    nomad: String,
    issuer: String,
    /// The demo provider's client secret.
    client_secret: String,
    mgmt: String,
    http: reqwest::Client,
}

struct Answer {
    status: u16,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

async fn env() -> Env {
    let dn = DevNomad::new(DevNomadConfig::default()).unwrap();
    let mgmt = dn.seed_demo().unwrap().expose().to_string();
    let (issuer, client_secret) = super::idp::spawn_local().await.unwrap();
    let max_ttl = dn.inner.max_ttl_nanos();
    dn.inner.write(|s| super::idp::seed_demo_sso(s, &issuer, &client_secret, max_ttl));
    let nomad = dn.spawn_local().await.unwrap();
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    Env { nomad, issuer, client_secret, mgmt, http }
}

impl Env {
    async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Value) -> Answer {
        let mut rb = self.http.request(method.parse().unwrap(), format!("{}{path}", self.nomad)).json(&body);
        if let Some(t) = token {
            rb = rb.header("X-Nomad-Token", t);
        }
        let res = rb.send().await.unwrap();
        Answer { status: res.status().as_u16(), body: res.text().await.unwrap() }
    }

    async fn auth_url(&self, nonce: &str, redirect: &str) -> Answer {
        let body = json!({"AuthMethodName": DEMO_METHOD, "RedirectURI": redirect, "ClientNonce": nonce});
        self.call("PUT", "/v1/acl/oidc/auth-url", None, body).await
    }

    /// What the browser does at the provider: picks `user` on the page of `auth_url`;
    /// returns the query of the redirect back to the console.
    async fn pick(&self, auth_url: &str, user: &str) -> Vec<(String, String)> {
        let url = url::Url::parse(auth_url).unwrap();
        let page = self.http.get(url.clone()).send().await.unwrap();
        assert_eq!(page.status(), 200);
        let html = page.text().await.unwrap();
        assert!(html.contains("Carol Payments"), "{html}");
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        form.push(("user".into(), user.into()));
        let res = self.http.post(format!("{}/authorize", self.issuer)).form(&form).send().await.unwrap();
        assert_eq!(res.status(), 303);
        let back = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
        assert!(back.as_str().starts_with(CALLBACK), "{back}");
        back.query_pairs().into_owned().collect()
    }

    async fn complete(&self, nonce: &str, back: &[(String, String)]) -> Answer {
        let get = |k: &str| back.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
        let body = json!({
            "AuthMethodName": DEMO_METHOD, "ClientNonce": nonce, "State": get("state"),
            "Code": get("code"), "Iss": get("iss"), "RedirectURI": CALLBACK,
        });
        self.call("POST", "/v1/acl/oidc/complete-auth", None, body).await
    }

    /// Signs in as demo user `user` (its index) through the whole flow.
    async fn sign_in(&self, user: &str) -> Answer {
        let nonce = format!("nonce-{user}-{}", uuid::Uuid::new_v4());
        let a = self.auth_url(&nonce, CALLBACK).await;
        assert_eq!(a.status, 200, "{}", a.body);
        let back = self.pick(a.json()["AuthURL"].as_str().unwrap(), user).await;
        self.complete(&nonce, &back).await
    }

    async fn role_id(&self, name: &str) -> String {
        let roles = self.call("GET", "/v1/acl/roles", Some(&self.mgmt), Value::Null).await.json();
        let role = roles.as_array().unwrap().iter().find(|r| r["Name"] == name).unwrap().clone();
        role["ID"].as_str().unwrap().to_string()
    }
}

#[tokio::test]
async fn the_auth_url_asks_the_provider_with_pkce_state_and_the_client_nonce() {
    let e = env().await;
    let a = e.auth_url("client-nonce-1", CALLBACK).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let url = url::Url::parse(a.json()["AuthURL"].as_str().unwrap()).unwrap();
    assert!(url.as_str().starts_with(&format!("{}/authorize?", e.issuer)));
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["client_id"], "nomad-acl-console-demo");
    assert_eq!(q["nonce"], "client-nonce-1");
    assert_eq!(q["redirect_uri"], CALLBACK);
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["scope"], "openid profile email groups");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert!(q["state"].len() >= 20);
    // The same nonce again: the same request (state and challenge).
    let again = e.auth_url("client-nonce-1", CALLBACK).await.json()["AuthURL"].clone();
    assert_eq!(again.as_str(), Some(url.as_str()));
}

#[tokio::test]
async fn auth_url_refusals_are_nomads() {
    let e = env().await;
    let r = e.call("PUT", "/v1/acl/oidc/auth-url", None, json!({})).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        "invalid OIDC auth-url request: 3 errors occurred:\n\t* missing auth method name\n\t* missing client nonce\n\t* missing redirect URI\n\n"
    );
    let body = json!({"AuthMethodName": "nope", "RedirectURI": CALLBACK, "ClientNonce": "n"});
    let r = e.call("POST", "/v1/acl/oidc/auth-url", None, body).await;
    assert_eq!((r.status, r.body.as_str()), (400, "auth-method \"nope\" not found"));
    let r = e.call("GET", "/v1/acl/oidc/auth-url", None, Value::Null).await;
    assert_eq!((r.status, r.body.as_str()), (405, "Invalid method"));
    // A redirect URI the method does not allow.
    let r = e.auth_url("n-evil", "https://evil.example/sign-in/oidc/callback").await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.body,
        "failed to generate auth URL: redirect URI https://evil.example/sign-in/oidc/callback: unauthorized redirect_uri"
    );
    // Loopback URIs match whatever their port, but not another path.
    assert_eq!(e.auth_url("n-port", "http://localhost:9/sign-in/oidc/callback").await.status, 200);
    assert_eq!(e.auth_url("n-path", "http://127.0.0.1:9/elsewhere").await.status, 500);
}

#[tokio::test]
async fn an_oidc_login_gets_the_roles_and_policies_of_the_matching_binding_rules() {
    let e = env().await;
    let r = e.sign_in("2").await; // carol: platform-oncall and payments-engineers
    assert_eq!(r.status, 200, "{}", r.body);
    let t = r.json();
    assert_eq!(t["Name"], "OIDC-carol");
    assert_eq!(t["Type"], "client");
    assert_eq!(t["Global"], false);
    assert_eq!(t["ExpirationTTL"], "8h0m0s");
    assert!(t["ExpirationTime"].as_str().is_some());
    // The policy's bind name is interpolated from the team claim.
    assert_eq!(t["Policies"], json!(["team-payments-dev"]));
    assert_eq!(t["Roles"][0]["ID"], e.role_id("ops-oncall").await);
    assert_eq!(t["Roles"][0]["Name"], "ops-oncall");
    // The token works.
    let secret = t["SecretID"].as_str().unwrap();
    let me = e.call("GET", "/v1/acl/token/self", Some(secret), Value::Null).await;
    assert_eq!(me.json()["AccessorID"], t["AccessorID"]);

    let alice = e.sign_in("0").await.json();
    assert_eq!((alice["Type"].as_str(), alice["Name"].as_str()), (Some("management"), Some("OIDC-alice")));
    assert_eq!(alice["Policies"], Value::Null);

    let dave = e.sign_in("3").await;
    assert_eq!((dave.status, dave.body.as_str()), (400, "no role or policy bindings matched"));
}

#[tokio::test]
async fn complete_auth_refuses_a_foreign_state_a_wrong_issuer_and_a_reused_nonce() {
    let e = env().await;
    let a = e.auth_url("n-1", CALLBACK).await.json();
    let mut back = e.pick(a["AuthURL"].as_str().unwrap(), "1").await;
    let iss = back.iter().position(|(k, _)| k == "iss").unwrap();
    back[iss].1 = "https://other.example".into();
    let r = e.complete("n-1", &back).await;
    assert_eq!((r.status, r.body.as_str()), (500, "invalid or missing issuer parameter in callback"));

    let a = e.auth_url("n-2", CALLBACK).await.json();
    let mut back = e.pick(a["AuthURL"].as_str().unwrap(), "1").await;
    let st = back.iter().position(|(k, _)| k == "state").unwrap();
    back[st].1 = "forged".into();
    let r = e.complete("n-2", &back).await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("authentication request state and authorization state are not equal"), "{}", r.body);
    // The request is gone after one completion attempt.
    let r = e.complete("n-2", &back).await;
    assert_eq!((r.status, r.body.as_str()), (500, "no OIDC request found for client nonce"));

    let r = e.call("PUT", "/v1/acl/oidc/complete-auth", None, json!({"AuthMethodName": DEMO_METHOD})).await;
    assert_eq!(r.status, 400);
    assert!(r.body.starts_with("invalid OIDC complete-auth request: 4 errors occurred:"), "{}", r.body);
}

#[tokio::test]
async fn a_pkce_verifier_that_does_not_match_the_challenge_is_refused() {
    let e = env().await;
    // Two sign-ins, each with its own verifier; the code of the first is completed
    // with the second's request (its state swapped in), so Nomad sends the wrong verifier.
    let first = e.auth_url("n-first", CALLBACK).await.json();
    let second = e.auth_url("n-second", CALLBACK).await.json();
    let second_state = url::Url::parse(second["AuthURL"].as_str().unwrap())
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let mut back = e.pick(first["AuthURL"].as_str().unwrap(), "1").await;
    let st = back.iter().position(|(k, _)| k == "state").unwrap();
    back[st].1 = second_state;
    let r = e.complete("n-second", &back).await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.body,
        "failed to exchange token with provider: unable to exchange auth code with provider: oauth2: \
         \"invalid_grant\" \"PKCE verification failed.\""
    );
    // At the provider itself: a code is only traded with the matching verifier.
    let a = e.auth_url("n-third", CALLBACK).await.json();
    let back = e.pick(a["AuthURL"].as_str().unwrap(), "1").await;
    let code = back.iter().find(|(k, _)| k == "code").unwrap().1.clone();
    let r = e
        .http
        .post(format!("{}/token", e.issuer))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("client_id", "nomad-acl-console-demo"),
            ("client_secret", &e.client_secret),
            ("code_verifier", "not-the-verifier-not-the-verifier-not-the-verifier"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(r.json::<Value>().await.unwrap()["error_description"], "PKCE verification failed.");
}

// ---- JWT login ---------------------------------------------------------------------------

/// A P-256 key pair: (PKCS#8 DER for signing, the public key in PEM).
fn es256_pair() -> (Vec<u8>, String) {
    use ring::signature::{EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_FIXED_SIGNING};
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
    // SubjectPublicKeyInfo of a P-256 key: a fixed prefix, then the point.
    let mut spki = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48,
        0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    spki.extend_from_slice(pair.public_key().as_ref());
    let b64 = base64::engine::general_purpose::STANDARD.encode(spki);
    (pkcs8.as_ref().to_vec(), format!("-----BEGIN PUBLIC KEY-----\n{b64}\n-----END PUBLIC KEY-----\n"))
}

fn sign(pkcs8: &[u8], claims: &Value) -> String {
    let header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256);
    jsonwebtoken::encode(&header, claims, &jsonwebtoken::EncodingKey::from_ec_der(pkcs8)).unwrap()
}

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn jwt_method(e: &Env, name: &str, config: Value) {
    let body = json!({
        "Name": name, "Type": "JWT", "TokenLocality": "global", "MaxTokenTTL": "1h",
        "TokenNameFormat": "${auth_method_type}-${value.project}",
        "Config": config,
    });
    let r = e.call("PUT", "/v1/acl/auth-method", Some(&e.mgmt), body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let rule = json!({
        "AuthMethod": name, "BindType": "policy", "BindName": "team-${value.project}-dev",
        "Selector": "value.project == \"payments\" and (\"deploy\" in list.scopes or \"payments-engineers\" in list.scopes)",
    });
    let r = e.call("PUT", "/v1/acl/binding-rule", Some(&e.mgmt), rule).await;
    assert_eq!(r.status, 200, "{}", r.body);
}

async fn login(e: &Env, method: &str, jwt: &str) -> Answer {
    e.call("POST", "/v1/acl/login", None, json!({"AuthMethodName": method, "LoginToken": jwt})).await
}

#[tokio::test]
async fn a_jwt_login_checks_signature_times_audience_and_issuer_then_binds() {
    let e = env().await;
    let (key, pem) = es256_pair();
    jwt_method(
        &e,
        "ci",
        json!({
            "JWTValidationPubKeys": [pem], "SigningAlgs": ["ES256"],
            "BoundAudiences": ["nomad"], "BoundIssuer": ["https://ci.example"],
            "ClaimMappings": {"project": "project"}, "ListClaimMappings": {"scopes": "scopes"},
        }),
    )
    .await;
    let claims = |over: Value| {
        let mut c = json!({
            "iss": "https://ci.example", "sub": "pipeline-7", "aud": ["nomad"],
            "iat": now() - 5, "exp": now() + 300, "project": "payments", "scopes": ["deploy", "read"],
        });
        c.as_object_mut().unwrap().extend(over.as_object().unwrap().clone());
        c
    };
    let r = login(&e, "ci", &sign(&key, &claims(json!({})))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let t = r.json();
    assert_eq!((t["Name"].as_str(), t["Type"].as_str()), (Some("JWT-payments"), Some("client")));
    assert_eq!(t["Policies"], json!(["team-payments-dev"]));
    assert_eq!((t["Global"].as_bool(), t["ExpirationTTL"].as_str()), (Some(true), Some("1h0m0s")));

    let prefix = "unable to validate provided token: unable to verify signature of JWT token: ";
    let expired = login(&e, "ci", &sign(&key, &claims(json!({"iat": now() - 900, "exp": now() - 600})))).await;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.body, format!("{prefix}invalid expiration time (exp) claim: token is expired"));
    let aud = login(&e, "ci", &sign(&key, &claims(json!({"aud": "someone-else"})))).await;
    assert_eq!(aud.status, 401);
    assert_eq!(
        aud.body,
        format!("{prefix}invalid audience (aud) claim: audience claim does not match any expected audience")
    );
    let iss = login(&e, "ci", &sign(&key, &claims(json!({"iss": "https://evil.example"})))).await;
    assert_eq!(
        (iss.status, iss.body.as_str()),
        (401, "unable to validate provided token: invalid JWT issuer: https://evil.example")
    );
    let (other, _) = es256_pair();
    let forged = login(&e, "ci", &sign(&other, &claims(json!({})))).await;
    assert_eq!(forged.status, 401);
    assert!(forged.body.starts_with(prefix), "{}", forged.body);
    let unmatched = login(&e, "ci", &sign(&key, &claims(json!({"project": "search"})))).await;
    assert_eq!((unmatched.status, unmatched.body.as_str()), (400, "no role or policy bindings matched"));
    let r = login(&e, DEMO_METHOD, &sign(&key, &claims(json!({})))).await;
    assert_eq!((r.status, r.body.as_str()), (400, "unsupported auth-method type: OIDC"));
    let r = login(&e, "nope", "x.y.z").await;
    assert_eq!((r.status, r.body.as_str()), (400, "auth-method \"nope\" not found"));
}

#[tokio::test]
async fn a_jwt_login_takes_its_keys_from_a_jwks_url_or_oidc_discovery() {
    let e = env().await;
    // An ID token of the demo provider, fetched as its client would (with PKCE).
    let verifier = "a-verifier-of-enough-length-a-verifier-of-enough-length";
    let challenge = super::login::pkce_challenge(verifier);
    let form = [
        ("client_id", "nomad-acl-console-demo"),
        ("response_type", "code"),
        ("scope", "openid"),
        ("redirect_uri", CALLBACK),
        ("state", "st"),
        ("nonce", "nn"),
        ("code_challenge", challenge.as_str()),
        ("code_challenge_method", "S256"),
        ("user", "2"),
    ];
    let res = e.http.post(format!("{}/authorize", e.issuer)).form(&form).send().await.unwrap();
    let back = url::Url::parse(res.headers()["location"].to_str().unwrap()).unwrap();
    let code = back.query_pairs().find(|(k, _)| k == "code").unwrap().1.into_owned();
    let res = e
        .http
        .post(format!("{}/token", e.issuer))
        .basic_auth("nomad-acl-console-demo", Some(&e.client_secret))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", CALLBACK),
            ("code_verifier", verifier),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let id_token = res.json::<Value>().await.unwrap()["id_token"].as_str().unwrap().to_string();

    let merge = |a: Value, b: Value| {
        let mut a = a;
        a.as_object_mut().unwrap().extend(b.as_object().unwrap().clone());
        a
    };
    let common = json!({
        "SigningAlgs": ["ES256"], "BoundAudiences": ["nomad-acl-console-demo"], "BoundIssuer": [e.issuer],
        "ClaimMappings": {"team": "project"}, "ListClaimMappings": {"groups": "scopes"},
    });
    jwt_method(&e, "jwks", merge(common.clone(), json!({"JWKSURL": format!("{}/keys", e.issuer)}))).await;
    jwt_method(&e, "discovered", merge(common, json!({"OIDCDiscoveryURL": e.issuer}))).await;
    for method in ["jwks", "discovered"] {
        // Carol: team payments, group payments-engineers.
        let r = login(&e, method, &id_token).await;
        assert_eq!(r.status, 200, "{method}: {}", r.body);
        assert_eq!(r.json()["Policies"], json!(["team-payments-dev"]));
    }
    // A token signed by another key is refused with either key source.
    let (other, _) = es256_pair();
    let jwt = sign(&other, &json!({"sub": "x", "exp": now() + 60, "aud": "nomad-acl-console-demo"}));
    for method in ["jwks", "discovered"] {
        let r = login(&e, method, &jwt).await;
        assert_eq!(r.status, 401);
        assert!(
            r.body.starts_with("unable to validate provided token: unable to verify signature of JWT token: "),
            "{}",
            r.body
        );
    }
    let config = json!({"JWKSURL": "http://127.0.0.1:1/keys", "SigningAlgs": ["ES256"]});
    jwt_method(&e, "unreachable", config).await;
    let r = login(&e, "unreachable", &jwt).await;
    assert_eq!(r.status, 401);
    assert!(
        r.body.starts_with("unable to validate provided token: unable to get validation keys from JWKS: "),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn the_demo_method_and_its_rules_pass_nomads_checks() {
    let dn = DevNomad::new(DevNomadConfig::default()).unwrap();
    dn.seed_demo().unwrap();
    let issuer = dn.start_demo_sso().await.unwrap();
    let (min, max) = (dn.inner.min_ttl_nanos(), dn.inner.max_ttl_nanos());
    dn.inner.read(|s| {
        let m = &s.auth_methods[DEMO_METHOD];
        assert_eq!(m.config.as_ref().unwrap().oidc_discovery_url, issuer);
        assert_eq!(nomad_acl_core::validate::messages(&m.validate(min, max)), Vec::<String>::new());
        let rules: Vec<_> = s.binding_rules.values().filter(|r| r.auth_method == DEMO_METHOD).collect();
        assert_eq!(rules.len(), 3);
        for r in rules {
            assert!(r.validate().is_empty(), "{r:?}");
        }
        s.check().unwrap();
    });
    // A server that allows shorter tokens gets a method within its bounds.
    let short = DevNomad::new(DevNomadConfig {
        token_max_ttl: std::time::Duration::from_secs(3600),
        ..DevNomadConfig::default()
    })
    .unwrap();
    short.start_demo_sso().await.unwrap();
    let ttl = short.inner.read(|s| s.auth_methods[DEMO_METHOD].max_token_ttl);
    assert_eq!(ttl.to_string(), "1h0m0s");
}
