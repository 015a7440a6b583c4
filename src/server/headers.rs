//! Security headers on every response.
//!
//! HTML pages get a Content-Security-Policy with a per-request nonce for Leptos'
//! inline hydration script (set while rendering, see `app::shell`); everything
//! else gets a policy that allows nothing to run.

use axum::http::{header, HeaderValue, Response};

/// CSP of an HTML page rendered with `nonce`: only our own origin, plus
/// `wasm-unsafe-eval`, which WebAssembly instantiation needs.
pub fn page_csp(nonce: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )
}

/// CSP of anything that is not a rendered page (assets, JSON, errors).
pub const STRICT_CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub fn apply<B>(res: &mut Response<B>) {
    let h = res.headers_mut();
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(STRICT_CSP));
    }
    // Pages and server-function answers are per user and may carry a secret the user
    // just asked for: no cache keeps them. Assets set their own caching.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Our own address (with its `?region=`) goes to our own server functions and forms;
    // no other origin ever sees a console address.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    h.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
}

/// Axum middleware that applies [`apply`].
pub async fn layer(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    let mut res = next.run(req).await;
    apply(&mut res);
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_csp_allows_only_self_nonce_and_wasm() {
        let csp = page_csp("abc");
        assert!(csp.contains("script-src 'self' 'nonce-abc' 'wasm-unsafe-eval'"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
    }

    #[test]
    fn apply_keeps_a_page_csp_and_adds_the_rest() {
        let mut res = Response::new(());
        res.headers_mut().insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("x"));
        apply(&mut res);
        assert_eq!(res.headers()[header::CONTENT_SECURITY_POLICY], "x");
        assert_eq!(res.headers()[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(res.headers()[header::REFERRER_POLICY], "same-origin");

        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-store");

        let mut bare = Response::new(());
        apply(&mut bare);
        assert_eq!(bare.headers()[header::CONTENT_SECURITY_POLICY], STRICT_CSP);

        let mut asset = Response::new(());
        asset.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
        apply(&mut asset);
        assert_eq!(asset.headers()[header::CACHE_CONTROL], "public, max-age=3600");
    }
}
