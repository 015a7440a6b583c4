//! `GET /metrics`: Prometheus text format, rendered by our own route from the
//! `metrics` facade with `metrics-exporter-prometheus` (no extra listener).
//!
//! Series (every label comes from a small fixed set, so cardinality stays bounded):
//! * `console_http_requests_total{method, route, status}` and
//!   `console_http_request_duration_seconds{method, route}` (histogram, time to the
//!   response head). `route` is axum's matched route template (`/tokens/{id}`), never
//!   the raw path: no ID, query string or secret can become a label.
//! * `console_nomad_request_duration_seconds{endpoint}` (histogram) and
//!   `console_nomad_errors_total{endpoint, kind}`, for every call to Nomad.
//!   `endpoint` is the method and a path template (`GET /v1/acl/token/:id`).
//! * `console_renders_in_progress`, `console_renders_waiting` and `console_renders_max`
//!   (gauges, read at scrape time): the render bound (`--max-renders`) and its use.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

use super::limit::RenderLimit;
use crate::nomad::error::NomadError;

pub const HTTP_REQUESTS: &str = "console_http_requests_total";
pub const HTTP_DURATION: &str = "console_http_request_duration_seconds";
pub const NOMAD_DURATION: &str = "console_nomad_request_duration_seconds";
pub const NOMAD_ERRORS: &str = "console_nomad_errors_total";
pub const RENDERS_IN_PROGRESS: &str = "console_renders_in_progress";
pub const RENDERS_WAITING: &str = "console_renders_waiting";
pub const RENDERS_MAX: &str = "console_renders_max";

/// Seconds: from a cached page (1 ms) to a slow blocking query.
const BUCKETS: &[f64] = &[0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The process-wide recorder, installed on first use.
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder =
            PrometheusBuilder::new().set_buckets(BUCKETS).expect("the bucket list is not empty").build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics stays empty");
        }
        metrics::describe_counter!(HTTP_REQUESTS, "HTTP requests served, by method, route template and status.");
        metrics::describe_histogram!(
            HTTP_DURATION,
            metrics::Unit::Seconds,
            "Time to the response head, by method and route template."
        );
        metrics::describe_histogram!(
            NOMAD_DURATION,
            metrics::Unit::Seconds,
            "Latency of calls to the Nomad API, by method and path template."
        );
        metrics::describe_counter!(NOMAD_ERRORS, "Failed calls to the Nomad API, by endpoint and kind of failure.");
        metrics::describe_gauge!(RENDERS_IN_PROGRESS, "Pages and server-function calls being worked on now.");
        metrics::describe_gauge!(RENDERS_WAITING, "Requests waiting for their turn under the render bound.");
        metrics::describe_gauge!(RENDERS_MAX, "The render bound (--max-renders).");
        handle
    })
}

/// Installs the recorder now (so the first request is counted) and drains
/// histogram samples every few seconds, so memory stays flat between scrapes.
pub fn start() {
    let handle = handle();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            handle.run_upkeep();
        }
    });
}

/// `GET /metrics`.
pub async fn render(State(renders): State<RenderLimit>) -> Response {
    metrics::gauge!(RENDERS_IN_PROGRESS).set(renders.in_use() as f64);
    metrics::gauge!(RENDERS_WAITING).set(renders.waiting() as f64);
    metrics::gauge!(RENDERS_MAX).set(renders.max() as f64);
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle().render()).into_response()
}

/// Middleware: counts and times every request by its route template.
pub async fn track_http(req: Request, next: Next) -> Response {
    let _ = handle();
    let method = method_label(req.method());
    let matched = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_string());
    let is_asset = req.uri().path().starts_with("/pkg/");
    let start = Instant::now();
    let res = next.run(req).await;
    let elapsed = start.elapsed().as_secs_f64();
    let route = match matched {
        Some(route) => route,
        // The fallback: embedded site files, else the 404 page. Never the raw path.
        None if is_asset && (res.status().is_success() || res.status() == 304) => "/pkg/{*file}".to_string(),
        None if res.status() == 404 => "unmatched".to_string(),
        None => "fallback".to_string(),
    };
    let status = res.status().as_u16().to_string();
    metrics::counter!(HTTP_REQUESTS, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!(HTTP_DURATION, "method" => method, "route" => route).record(elapsed);
    res
}

fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Records one call to Nomad (called by the Nomad client for every request).
pub fn record_upstream(method: &Method, segments: &[&str], elapsed: Duration, error: Option<&NomadError>) {
    let endpoint = format!("{} {}", method_label(method), nomad_endpoint(segments));
    if let Some(err) = error {
        metrics::counter!(NOMAD_ERRORS, "endpoint" => endpoint.clone(), "kind" => error_kind(err)).increment(1);
    }
    metrics::histogram!(NOMAD_DURATION, "endpoint" => endpoint).record(elapsed.as_secs_f64());
}

fn error_kind(err: &NomadError) -> &'static str {
    match err {
        NomadError::PermissionDenied { .. } => "permission_denied",
        NomadError::NotFound { .. } => "not_found",
        NomadError::InvalidRequest { .. } => "invalid_request",
        NomadError::Server { .. } => "server_error",
        NomadError::Unreachable { .. } => "unreachable",
        NomadError::Timeout { .. } => "timeout",
        NomadError::BadResponse { .. } => "bad_response",
        NomadError::Config { .. } => "config",
    }
}

/// Path template of a Nomad API call: fixed words are kept, every name or ID
/// becomes `:name` / `:id` (`["acl", "token", "<uuid>"]` -> `/v1/acl/token/:id`).
pub fn nomad_endpoint(segments: &[&str]) -> String {
    const COLLECTIONS: &[&str] = &[
        "acl",
        "status",
        "leader",
        "bootstrap",
        "policies",
        "policy",
        "tokens",
        "token",
        "roles",
        "role",
        "auth-methods",
        "auth-method",
        "binding-rules",
        "binding-rule",
        "oidc",
        "login",
    ];
    const WORDS: &[&str] = &["self", "onetime", "exchange", "auth-url", "complete-auth"];
    if segments.len() > 5 {
        return "/v1/other".to_string();
    }
    let mut out = String::from("/v1");
    for (i, seg) in segments.iter().enumerate() {
        out.push('/');
        let last = i + 1 == segments.len();
        if i < 2 {
            out.push_str(if COLLECTIONS.contains(seg) { seg } else { ":other" });
        } else if WORDS.contains(seg) || (*seg == "name" && !last && segments[1] == "role") {
            out.push_str(seg);
        } else if segments[i - 1] == "name" || matches!(segments[1], "policy" | "auth-method") {
            out.push_str(":name");
        } else {
            out.push_str(":id");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    use crate::devnomad::{DevNomad, DevNomadConfig};
    use crate::server::cli::NomadArgs;
    use crate::server::session::{CookieSecure, SessionKeys};
    use crate::server::{router, AppState};

    async fn get(app: &axum::Router, uri: &str) -> (u16, String) {
        let req = Request::builder().uri(uri).body(Body::empty()).unwrap();
        let res = app.clone().oneshot(req).await.unwrap();
        let status = res.status().as_u16();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        (status, String::from_utf8_lossy(&body).into_owned())
    }

    #[tokio::test]
    async fn metrics_show_routes_and_upstream_calls_by_template_only() {
        let nomad = DevNomad::new(DevNomadConfig::default()).unwrap();
        let secret = nomad.seed_demo().unwrap();
        let addr = nomad.spawn_local().await.unwrap();
        let listen = "127.0.0.1:0".parse().unwrap();
        let state = AppState::new(NomadArgs::local(addr), listen, SessionKeys::random(CookieSecure::Never))
            .unwrap()
            .with_render_limit(Some(5));
        let app = router(state);

        let (status, _) = get(&app, "/readyz").await;
        assert_eq!(status, 200);
        let raw = format!("/no-such-page/{}?token={}", secret.expose(), secret.expose());
        let (status, _) = get(&app, &raw).await;
        assert_eq!(status, 404);

        let (status, text) = get(&app, "/metrics").await;
        assert_eq!(status, 200);
        assert!(text.contains(r#"console_http_requests_total{method="GET",route="/readyz",status="200"}"#), "{text}");
        assert!(text.contains(r#"route="unmatched",status="404""#), "{text}");
        assert!(text.contains("console_http_request_duration_seconds_bucket"), "{text}");
        assert!(
            text.contains(r#"console_nomad_request_duration_seconds_count{endpoint="GET /v1/status/leader"}"#),
            "{text}"
        );
        // The render bound and its use (the scrape itself is not counted).
        assert!(text.contains("console_renders_max 5\n"), "{text}");
        assert!(text.contains("console_renders_in_progress 0\n"), "{text}");
        assert!(text.contains("console_renders_waiting 0\n"), "{text}");
        assert!(!text.contains(secret.expose()), "a secret leaked into /metrics");
        assert!(!text.contains("no-such-page"), "a raw path became a label");
    }

    #[test]
    fn endpoints_are_templates() {
        let cases: &[(&[&str], &str)] = &[
            (&["acl", "tokens"], "/v1/acl/tokens"),
            (&["acl", "token", "4f1c1c5e-1111-2222-3333-444455556666"], "/v1/acl/token/:id"),
            (&["acl", "token", "self"], "/v1/acl/token/self"),
            (&["acl", "token", "onetime", "exchange"], "/v1/acl/token/onetime/exchange"),
            (&["acl", "policy", "readonly"], "/v1/acl/policy/:name"),
            (&["acl", "policy", "self"], "/v1/acl/policy/self"),
            (&["acl", "role", "name", "ops"], "/v1/acl/role/name/:name"),
            (&["acl", "role", "name"], "/v1/acl/role/:id"),
            (&["acl", "auth-method", "okta"], "/v1/acl/auth-method/:name"),
            (&["acl", "binding-rule", "x"], "/v1/acl/binding-rule/:id"),
            (&["status", "leader"], "/v1/status/leader"),
            (&["acl", "s3cr3t"], "/v1/acl/:other"),
            (&["a", "b", "c", "d", "e", "f"], "/v1/other"),
        ];
        for (segments, want) in cases {
            assert_eq!(nomad_endpoint(segments), *want, "{segments:?}");
        }
    }
}
