//! Structured logs with `tracing`, filtered by `RUST_LOG` (default `info`).
//!
//! Request logs carry method, path (never the query string: a one-time sign-in
//! secret may travel there), status and latency; headers are never logged, so
//! no token can leak through them.

use std::time::Duration;

use axum::http::{Request, Response};
use tower_http::classify::ServerErrorsFailureClass;
use tower_http::trace::{MakeSpan, OnFailure, OnRequest, OnResponse, TraceLayer};
use tracing::Span;
use tracing_subscriber::EnvFilter;

use super::cli::LogFormat;

pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    // `try_init`: tests may initialise logging more than once.
    let _ = match format {
        LogFormat::Json => builder.json().flatten_event(true).try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

#[derive(Clone, Copy)]
pub struct RequestSpan;

impl<B> MakeSpan<B> for RequestSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        tracing::info_span!("request", method = %req.method(), path = %req.uri().path())
    }
}

#[derive(Clone, Copy)]
pub struct Quiet;

impl<B> OnRequest<B> for Quiet {
    fn on_request(&mut self, _: &Request<B>, _: &Span) {}
}

#[derive(Clone, Copy)]
pub struct LogResponse;

impl<B> OnResponse<B> for LogResponse {
    fn on_response(self, res: &Response<B>, latency: Duration, _: &Span) {
        tracing::info!(status = res.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "served");
    }
}

impl OnFailure<ServerErrorsFailureClass> for Quiet {
    fn on_failure(&mut self, _: ServerErrorsFailureClass, _: Duration, _: &Span) {}
}

pub type RequestLogLayer = TraceLayer<
    tower_http::classify::SharedClassifier<tower_http::classify::ServerErrorsAsFailures>,
    RequestSpan,
    Quiet,
    LogResponse,
    tower_http::trace::DefaultOnBodyChunk,
    tower_http::trace::DefaultOnEos,
    Quiet,
>;

pub fn request_log_layer() -> RequestLogLayer {
    TraceLayer::new_for_http().make_span_with(RequestSpan).on_request(Quiet).on_response(LogResponse).on_failure(Quiet)
}
