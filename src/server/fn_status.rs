//! Server functions answer every error with HTTP 500 (Leptos' default); this sets
//! the status the error deserves (`ApiError::http_status`): 401 when not signed in,
//! 400 for bad input or malformed arguments, 403/404 as Nomad said, 502/504 when
//! Nomad is in trouble. The body is unchanged, and the server function client
//! reads any 4xx or 5xx answer as the error it carries.

use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

use crate::api::error::ApiError;

/// An error body is one short JSON value; anything longer is not ours to reread.
const MAX_ERROR_BODY: usize = 256 * 1024;

pub async fn layer(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/api/") {
        return next.run(req).await;
    }
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<ApiError>(&bytes) {
        parts.status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    }
    Response::from_parts(parts, Body::from(bytes))
}
