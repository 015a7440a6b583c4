//! A bound on how many pages and server-function calls are worked on at once.
//!
//! Each render holds its Nomad answers and the page being built; without a
//! bound, 64 simultaneous loads of a 10,000-token page took 144 MB. Requests
//! past the bound wait their turn (first come, first served) instead of being
//! refused. The permit is held until the response body has been sent, because
//! a streamed page does most of its work after the response head.
//! Live-update streams, health checks, metrics and site files are not counted:
//! they are cheap, and a stream lasts as long as its page.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures::StreamExt as _;
use tokio::sync::Semaphore;

/// The shared bound. Cheap to clone.
#[derive(Clone, Debug)]
pub struct RenderLimit {
    permits: Arc<Semaphore>,
    max: usize,
    /// Requests waiting for a permit (shown by `/metrics`).
    waiting: Arc<AtomicUsize>,
}

impl RenderLimit {
    pub fn new(max: usize) -> Self {
        let max = max.max(1);
        Self { permits: Arc::new(Semaphore::new(max)), max, waiting: Arc::default() }
    }

    /// Four per core, at least eight: renders mostly wait on Nomad, so a few per
    /// core keep the cores busy, and more only add memory.
    pub fn default_max() -> usize {
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        (cores * 4).max(8)
    }

    pub fn max(&self) -> usize {
        self.max
    }

    /// Renders running now.
    pub fn in_use(&self) -> usize {
        self.max - self.permits.available_permits()
    }

    /// Requests waiting for their turn now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Relaxed)
    }
}

impl Default for RenderLimit {
    fn default() -> Self {
        Self::new(Self::default_max())
    }
}

/// Requests that do not count against the bound.
pub(crate) fn exempt(path: &str) -> bool {
    matches!(path, "/live" | "/healthz" | "/readyz" | "/metrics" | "/favicon.svg" | "/favicon.ico")
        || path.starts_with("/pkg/")
}

/// Largest request body read (the same as axum's default for its extractors).
pub const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;
/// Time allowed for a whole request body to arrive.
pub const BODY_READ_TIMEOUT: Duration = Duration::from_secs(15);

/// Counts a request as waiting for as long as it exists, so a client that gives up
/// while queued (its future dropped) is no longer counted.
struct Waiting(Arc<AtomicUsize>);

impl Waiting {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter.clone())
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The whole request body, read before the request may take a render slot: a
/// client that sends its body slowly then holds only its own connection.
async fn buffered(req: Request) -> Result<Request, Response> {
    let too_large = || {
        (StatusCode::PAYLOAD_TOO_LARGE, format!("The request body is larger than {} MiB.", MAX_BODY_BYTES >> 20))
            .into_response()
    };
    let declared = req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(too_large());
    }
    let (parts, body) = req.into_parts();
    match tokio::time::timeout(BODY_READ_TIMEOUT, axum::body::to_bytes(body, MAX_BODY_BYTES)).await {
        Ok(Ok(bytes)) => Ok(Request::from_parts(parts, Body::from(bytes))),
        Ok(Err(err)) if is_length_limit(&err) => Err(too_large()),
        Ok(Err(_)) => Err((StatusCode::BAD_REQUEST, "The request body could not be read.").into_response()),
        Err(_) => Err((
            StatusCode::REQUEST_TIMEOUT,
            format!("The request body did not arrive within {} seconds.", BODY_READ_TIMEOUT.as_secs()),
        )
            .into_response()),
    }
}

fn is_length_limit(err: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = source {
        if e.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// Middleware: reads the body, waits for a permit, then keeps it until the
/// response body is sent or dropped.
pub async fn layer(State(limit): State<RenderLimit>, req: Request, next: Next) -> Response {
    if exempt(req.uri().path()) {
        return next.run(req).await;
    }
    let req = match buffered(req).await {
        Ok(req) => req,
        Err(refusal) => return refusal,
    };
    let waiting = Waiting::new(&limit.waiting);
    let permit = limit.permits.clone().acquire_owned().await;
    drop(waiting);
    let Ok(permit) = permit else {
        // The semaphore is never closed; answer anyway rather than fail.
        return next.run(req).await;
    };
    let res = next.run(req).await;
    let (parts, body) = res.into_parts();
    let body = body.into_data_stream().map(move |chunk| {
        let _held = &permit;
        chunk
    });
    Response::from_parts(parts, Body::from_stream(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;
    use axum::Router;
    use std::time::Duration;
    use tower::ServiceExt as _;

    /// A page whose body takes a while to produce, like a streamed render.
    async fn slow_page() -> Body {
        let chunks = futures::stream::iter(["<p>", "page", "</p>"]).then(|c| async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            Ok::<_, std::io::Error>(c)
        });
        Body::from_stream(chunks)
    }

    fn app(limit: RenderLimit) -> Router {
        Router::new()
            .route("/tokens", get(slow_page))
            .route("/live", get(|| async { "stream" }))
            .layer(axum::middleware::from_fn_with_state(limit, layer))
    }

    fn get_req(path: &str) -> Request {
        Request::builder().uri(path).body(Body::empty()).unwrap()
    }

    #[tokio::test]
    async fn a_render_holds_its_permit_until_its_body_is_sent() {
        let limit = RenderLimit::new(1);
        let app = app(limit.clone());
        let first = app.clone().oneshot(get_req("/tokens")).await.unwrap();
        // The head is back, the body is not: the permit is still held.
        assert_eq!(limit.in_use(), 1);
        let second = tokio::spawn(app.clone().oneshot(get_req("/tokens")));
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert!(!second.is_finished(), "a second render waits for the first");
        assert_eq!(limit.waiting(), 1);
        // Exempt paths do not wait.
        let live = tokio::time::timeout(Duration::from_secs(1), app.clone().oneshot(get_req("/live"))).await;
        assert!(live.is_ok(), "the live stream does not wait for renders");
        let body = axum::body::to_bytes(first.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], b"<p>page</p>");
        let second = tokio::time::timeout(Duration::from_secs(2), second).await.expect("second render ran").unwrap();
        let body = axum::body::to_bytes(second.unwrap().into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], b"<p>page</p>");
        assert_eq!((limit.in_use(), limit.waiting()), (0, 0));
    }

    #[tokio::test]
    async fn a_dropped_body_gives_its_permit_back() {
        let limit = RenderLimit::new(1);
        let res = app(limit.clone()).oneshot(get_req("/tokens")).await.unwrap();
        assert_eq!(limit.in_use(), 1);
        drop(res);
        assert_eq!(limit.in_use(), 0);
    }

    #[test]
    fn the_default_bound_is_a_few_per_core() {
        assert!(RenderLimit::default_max() >= 8);
        assert_eq!(RenderLimit::new(0).max(), 1);
    }

    #[tokio::test]
    async fn a_client_that_gives_up_while_queued_is_no_longer_counted() {
        let limit = RenderLimit::new(1);
        let app = app(limit.clone());
        let first = app.clone().oneshot(get_req("/tokens")).await.unwrap();
        let queued = tokio::spawn(app.clone().oneshot(get_req("/tokens")));
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(limit.waiting(), 1);
        queued.abort();
        let _ = queued.await;
        assert_eq!(limit.waiting(), 0, "the gauge kept a client that left");
        drop(first);
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_never_arrives_gets_408_without_taking_a_slot() {
        let limit = RenderLimit::new(1);
        let never = Body::from_stream(futures::stream::pending::<Result<&'static [u8], std::io::Error>>());
        let req = Request::builder().method("POST").uri("/sign-in").body(never).unwrap();
        let app = Router::new()
            .route("/sign-in", axum::routing::post(|| async { "signed in" }))
            .layer(axum::middleware::from_fn_with_state(limit.clone(), layer));
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::REQUEST_TIMEOUT);
        assert_eq!(limit.in_use(), 0);
    }
}
