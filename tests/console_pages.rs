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
    ];
    for (path, says, list) in cases {
        let page = c.get(&path).await;
        assert_eq!(page.status, 404, "{path}");
        assert!(page.body.contains(says), "{path} does not say {says:?}");
        assert!(page.body.contains(&format!(r#"href="{list}""#)), "{path} does not link {list}");
        assert!(!page.body.contains("Something went wrong"), "{path} calls a missing object a failure");
    }
    // An object that exists is a 200, and the app's own 404 page stays a 404.
    let p = c.backend.policy("page", r#"namespace "default" { policy = "read" }"#).await;
    assert_eq!(c.get(&format!("/policies/{}", p.name)).await.status, 200);
    assert_eq!(c.get("/no/such/page").await.status, 404);
}
