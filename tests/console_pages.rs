#![cfg(feature = "ssr")]
//! Pages as the console's server renders them, read as HTML (the in-process console of
//! `tests/common/console.rs` against the backend of `tests/common`).

mod common;

use common::console::Console;

#[tokio::test]
async fn a_missing_object_answers_404_says_which_is_gone_and_links_its_list() {
    let c = Console::start().await;
    let unknown = "0b7c2f0e-6b1f-4f5e-9d7c-3a1e2d4c5b6f";
    let cases = [
        (format!("/tokens/{unknown}"), "The token does not exist", "/tokens"),
        (format!("/roles/{unknown}"), "The role does not exist", "/roles"),
        (format!("/roles/{unknown}/edit"), "The role does not exist", "/roles"),
        ("/policies/no-such-policy".to_string(), "The policy does not exist", "/policies"),
        ("/policies/no-such-policy/edit".to_string(), "The policy does not exist", "/policies"),
        ("/auth-methods/no-such-method".to_string(), "The auth method does not exist", "/auth-methods"),
        ("/auth-methods/no-such-method/edit".to_string(), "The auth method does not exist", "/auth-methods"),
        (format!("/binding-rules/{unknown}"), "The binding rule does not exist", "/binding-rules"),
        (format!("/binding-rules/{unknown}/edit"), "The binding rule does not exist", "/binding-rules"),
        ("/namespaces/no-such-namespace".to_string(), "The namespace no-such-namespace does not exist", "/namespaces"),
    ];
    for (path, says, list) in cases {
        let page = c.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains(says), "{path} does not say {says:?}");
        assert!(page.body.contains(&format!(r#"href="{list}""#)), "{path} does not link {list}");
        assert!(!page.body.contains("Something went wrong"), "{path} calls a missing object a failure");
    }
    // An object's own page still says what it is when the object is gone.
    let heads = [
        (format!("/roles/{unknown}"), "Role"),
        ("/auth-methods/no-such-method".to_string(), "Auth method"),
        (format!("/binding-rules/{unknown}"), "Binding rule"),
        ("/namespaces/no-such-namespace".to_string(), "Namespace"),
    ];
    for (path, kind) in heads {
        let body = c.get(&path).await.body;
        assert!(body.contains(&format!(">{kind}</h1>")), "{path} has no heading {kind:?}");
        assert!(body.contains(&format!("<title>{kind} · Nomad ACL Console</title>")), "{path} has no title {kind:?}");
        assert!(body.contains(r#"aria-label="Breadcrumb""#), "{path} has no breadcrumbs");
    }
    // An object that exists is a 200, and the app's own 404 page stays a 404.
    let p = c.backend.policy("page", r#"namespace "default" { policy = "read" }"#).await;
    assert_eq!(c.get(&format!("/policies/{}", p.name)).await.status, 200);
    assert_eq!(c.get("/no/such/page").await.status, 404);
}

#[tokio::test]
async fn a_role_deleted_behind_the_consoles_back_shows_as_deleted_everywhere() {
    let c = Console::start().await;
    let b = &c.backend;
    let p = b.policy("kept", r#"namespace "default" { policy = "read" }"#).await;
    let gone = b.role("gone", &[&p.name]).await;
    let kept = b.role("kept", &[&p.name]).await;
    let t = nomad_acl_console::nomad::models::AclToken {
        name: common::unique("holds-a-gone-role"),
        token_type: "client".into(),
        roles: Some(
            [&gone, &kept]
                .iter()
                .map(|r| nomad_acl_console::nomad::models::AclTokenRoleLink { id: r.id.clone(), ..Default::default() })
                .collect(),
        ),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.expect("token with two roles");
    b.client.acl_roles().delete(&gone.id, &b.w()).await.expect("the role is deleted elsewhere");

    let gone_link = format!(r#"href="/roles/{}""#, gone.id);
    let kept_link = format!(r#"href="/roles/{}""#, kept.id);
    let list = c.get(&format!("/tokens?search={}", t.name)).await;
    assert_eq!(list.status, 200);
    for (page, what) in
        [(&list, "the tokens list"), (&c.get(&format!("/tokens/{}", t.accessor_id)).await, "the token's page")]
    {
        assert!(page.body.contains(r#"data-testid="deleted-role""#), "{what} does not mark the deleted role");
        assert!(
            page.body.contains(&format!("<s>{}</s>", gone.name))
                || page.body.contains(&format!("<s>{}</s>", &gone.id[..8])),
            "{what} does not name it"
        );
        assert!(!page.body.contains(&gone_link), "{what} links the deleted role");
        assert!(page.body.contains(&kept_link), "{what} lost the role that still exists");
    }
    let overview = c.get("/").await;
    assert!(overview.body.contains("deleted role is"), "the overview's health list does not count it");
    assert!(overview.body.contains(&format!(r#"title="{}""#, gone.id)), "the overview does not say which");
}

/// Nomad answers a deleted token's calls with 403 `ACL token not found`: that ends the
/// session at once (sign-in, with the way back), unlike a refusal of one action.
#[tokio::test]
async fn a_session_whose_token_was_deleted_elsewhere_ends_at_its_next_page() {
    let c = Console::start().await;
    let b = &c.backend;
    let p = b.policy("session-end", r#"node { policy = "read" }"#).await;
    let t = nomad_acl_console::nomad::models::AclToken {
        name: common::unique("deleted-while-signed-in"),
        token_type: "client".into(),
        policies: Some(vec![p.name.clone()]),
        ..Default::default()
    };
    let (t, _) = b.client.acl_tokens().create(&t, &b.w()).await.expect("a client token");
    let user = c.with_cookie(&c.sign_in(t.secret_id.expose()).await);
    assert_eq!(user.get("/profile").await.status, 200, "the session works before the delete");

    b.client.acl_tokens().delete(&t.accessor_id, &b.w()).await.expect("deleted elsewhere");
    let page = user.get("/profile").await;
    assert!((300..400).contains(&page.status), "expected a redirect, got {}: {}", page.status, page.body);
    assert_eq!(page.location(), Some("/sign-in?return_to=/profile"));
    let cleared = page
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.starts_with("nac_session=;") || v.starts_with("nac_session=\"\""));
    assert!(cleared, "the session cookie is cleared: {:?}", page.headers.get_all("set-cookie"));
}

#[tokio::test]
async fn a_namespace_page_says_who_can_do_what_there_with_the_deciding_rule() {
    let c = Console::start().await;
    let b = &c.backend;
    let ns = common::unique("ns-page");
    let ns_body = nomad_acl_console::nomad::models::Namespace {
        name: ns.clone(),
        description: "<i>x</i>".into(),
        ..Default::default()
    };
    b.client.namespaces().upsert(&ns_body, &b.w()).await.expect("a namespace");
    let p = b.policy("ns-page", &format!("namespace \"{ns}\" {{ policy = \"write\" }}")).await;
    let role = b.role("ns-page", &[&p.name]).await;

    let page = c.get(&format!("/namespaces/{ns}")).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("href=\"/roles/{}\"", role.id)), "the role is listed");
    assert!(
        page.body.contains(&format!("namespace &quot;{ns}&quot;"))
            || page.body.contains(&format!("namespace \"{ns}\""))
    );
    assert!(page.body.contains("&lt;i&gt;x&lt;/i&gt;"), "the description is text, not markup");
    assert_eq!(c.get("/namespaces/no-such-namespace").await.status, 404);
    b.client.namespaces().delete(&ns, &b.w()).await.expect("cleanup");
}
