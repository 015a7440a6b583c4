//! A console in front of the test backend, served on loopback by the same accept
//! loop as the binary, and a signed-in HTTP client for it.

use std::time::Duration;

use nomad_acl_console::nomad::client::NomadConfig;
use nomad_acl_console::server::listen::{self, ConnectionLimits};
use nomad_acl_console::server::session::{CookieSecure, SessionKeys};
use nomad_acl_console::server::{router, AppState};
use reqwest::header::{HeaderMap, HeaderValue};

use super::Backend;

pub struct Console {
    /// Consoles run one at a time within a test binary (see `start_custom`).
    _turn: std::sync::Arc<tokio::sync::OwnedMutexGuard<()>>,
    pub backend: Backend,
    /// `http://127.0.0.1:<port>`
    pub base: String,
    pub http: reqwest::Client,
    /// `Cookie` header of the management token's session.
    pub cookie: String,
}

pub struct Page {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Page {
    pub fn location(&self) -> Option<&str> {
        self.headers.get("location").and_then(|v| v.to_str().ok())
    }
}

impl Console {
    pub async fn start() -> Console {
        Self::start_with(ConnectionLimits::default(), None).await
    }

    /// A console with these connection limits and render bound, signed in as management.
    pub async fn start_with(limits: ConnectionLimits, max_renders: Option<usize>) -> Console {
        Self::start_custom(limits, max_renders, SessionKeys::random(CookieSecure::Never)).await
    }

    /// A console that confirms session tokens with Nomad on every request.
    pub async fn start_rechecking() -> Console {
        let keys = SessionKeys::random(CookieSecure::Never).with_recheck_interval(Duration::ZERO);
        Self::start_custom(ConnectionLimits::default(), None, keys).await
    }

    pub async fn start_custom(limits: ConnectionLimits, max_renders: Option<usize>, keys: SessionKeys) -> Console {
        // One console at a time: with a dozen consoles rendering at once on two cores,
        // a page render now and then got no answer within a minute.
        static TURNS: std::sync::OnceLock<std::sync::Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
        let turn = TURNS.get_or_init(Default::default).clone().lock_owned().await;
        let backend = Backend::start().await;
        let base = serve(backend.config.clone(), keys, limits, max_renders).await;
        let mut console =
            Console { _turn: std::sync::Arc::new(turn), backend, base, http: http_client(), cookie: String::new() };
        let secret = console.backend.mgmt.expose().to_string();
        console.cookie = console.sign_in(&secret).await;
        console
    }

    /// Signs in with `secret`; returns the session's `Cookie` header.
    pub async fn sign_in(&self, secret: &str) -> String {
        let res = self.post_form("/sign-in", &[("secret", secret), ("return_to", "/")]).await;
        assert_eq!(res.status, 303, "sign-in: {}", res.body);
        session_cookie(&res.headers).expect("sign-in sets the session cookie")
    }

    /// The same console client with another `Cookie` header.
    pub fn with_cookie(&self, cookie: &str) -> Console {
        Console {
            _turn: self._turn.clone(),
            backend: self.backend.clone(),
            base: self.base.clone(),
            http: self.http.clone(),
            cookie: cookie.to_string(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// GET with the session.
    pub async fn get(&self, path: &str) -> Page {
        self.send(self.http.get(self.url(path)).header("cookie", &self.cookie)).await
    }

    /// GET without a session.
    pub async fn get_anonymous(&self, path: &str) -> Page {
        self.send(self.http.get(self.url(path))).await
    }

    /// A same-origin form post with the session, as the browser sends one.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let req = self
            .http
            .post(self.url(path))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body);
        self.send(req).await
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Page {
        let res = req.send().await.expect("the console answers");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.text().await.unwrap_or_default();
        Page { status, headers, body }
    }
}

/// A console in front of the Nomad of `config`, served on loopback by the binary's
/// accept loop; its base URL.
pub async fn serve(
    config: NomadConfig,
    keys: SessionKeys,
    limits: ConnectionLimits,
    max_renders: Option<usize>,
) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(config, addr, keys).unwrap().with_render_limit(max_renders);
    // Its own runtime with roomy stacks: a debug build renders pages in frames many
    // times the size of a release build's, more than a test thread's 2 MB.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_stack_size(32 << 20)
        .enable_all()
        .build()
        .unwrap();
    let listener = listener.into_std().unwrap();
    runtime.spawn(async move {
        let listener = tokio::net::TcpListener::from_std(listener).unwrap();
        listen::serve(listener, router(state), limits, std::future::pending()).await
    });
    // Lives as long as the test process (dropping a runtime inside another panics).
    std::mem::forget(runtime);
    format!("http://{addr}")
}

/// An HTTP client as a test uses one against the console: no redirects followed.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// `name=value` of the session cookie a response sets.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers.get_all("set-cookie").iter().filter_map(|v: &HeaderValue| v.to_str().ok()).find_map(|v| {
        let pair = v.split(';').next()?.trim();
        (pair.starts_with("nac_session=") && pair.len() > "nac_session=".len()).then(|| pair.to_string())
    })
}
