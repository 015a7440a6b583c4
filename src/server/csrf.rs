//! Cross-site request forgery guard, on top of the SameSite=Strict cookie:
//! a state-changing request (anything but GET, HEAD, OPTIONS) is refused when
//! the browser says it comes from another site (`Sec-Fetch-Site`) or another
//! origin (`Origin`). Requests without either header are not from a browser
//! form or script, so they cannot ride on the user's cookie.

use axum::extract::Request;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn layer(req: Request, next: Next) -> Response {
    if is_safe_method(req.method()) || is_same_origin(req.headers()) {
        return next.run(req).await;
    }
    tracing::warn!(method = %req.method(), path = %req.uri().path(), "refused a cross-origin request");
    (StatusCode::FORBIDDEN, "Cross-origin request refused: this action must come from the console's own pages.")
        .into_response()
}

fn is_safe_method(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// True unless the request's headers show it comes from elsewhere.
pub fn is_same_origin(headers: &HeaderMap) -> bool {
    // Browsers that send Fetch Metadata are judged by it alone: under a
    // `no-referrer` policy Chromium sends `Origin: null` on same-origin form
    // posts, so Origin cannot decide for them.
    if let Some(site) = headers.get("sec-fetch-site") {
        // `none`: typed in the address bar or a bookmark, which a page cannot forge.
        return matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    if origin == "null" {
        return false;
    }
    let host = headers.get("x-forwarded-host").or_else(|| headers.get(header::HOST)).and_then(|v| v.to_str().ok());
    let Some(host) = host else { return false };
    // Compare host[:port]; the scheme may be rewritten by a TLS-terminating proxy.
    origin.split_once("://").is_some_and(|(_, rest)| rest.eq_ignore_ascii_case(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn h(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut m = HeaderMap::new();
        for (k, v) in pairs {
            m.insert(*k, HeaderValue::from_static(v));
        }
        m
    }

    #[test]
    fn same_origin_requests_pass() {
        assert!(is_same_origin(&h(&[("host", "console:3000"), ("origin", "http://console:3000")])));
        assert!(is_same_origin(&h(&[("sec-fetch-site", "same-origin"), ("host", "c"), ("origin", "https://c")])));
        assert!(is_same_origin(&h(&[("sec-fetch-site", "same-origin"), ("host", "c"), ("origin", "null")])));
        assert!(is_same_origin(&h(&[("host", "c")])), "no Origin: not a browser form or script");
    }

    #[test]
    fn cross_origin_requests_are_refused() {
        assert!(!is_same_origin(&h(&[("host", "console:3000"), ("origin", "http://evil.example")])));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "cross-site"), ("host", "c")])));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "same-site"), ("host", "c"), ("origin", "http://c")])));
        assert!(!is_same_origin(&h(&[("host", "c"), ("origin", "null")])));
        assert!(!is_same_origin(&h(&[("sec-fetch-site", "cross-site"), ("host", "c"), ("origin", "http://c")])));
        assert!(!is_same_origin(&h(&[("host", "console:3000"), ("origin", "http://console:3001")])));
    }
}
