//! The console's HTTP server (server-only): configuration, embedded assets,
//! security headers, health checks, and the three ways to run.

pub mod assets;
pub mod auth;
pub mod cli;
pub mod csrf;
pub mod fn_status;
pub mod headers;
pub mod health;
pub mod limit;
pub mod listen;
pub mod live;
pub mod logging;
pub mod memory;
pub mod metrics;
pub mod session;
pub mod sso;

use std::net::SocketAddr;

use anyhow::Context as _;
use axum::body::Body;
use axum::extract::{FromRef, Request, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::{CompressionLayer, CompressionLevel};

use crate::app::{shell, App};
use crate::devnomad::federation::Federation;
use crate::devnomad::{DevNomad, DevNomadConfig};

/// Replication lag of `dev-nomad --regions` (quick, for tests and tools).
const DEV_REPLICATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(1);
/// Replication lag of `demo --regions`: long enough to see a write reach the other regions.
const DEMO_REPLICATION_INTERVAL: std::time::Duration = std::time::Duration::from_secs(5);
use crate::nomad::client::{NomadClient, NomadConfig};
use cli::{DemoArgs, DevNomadArgs, NomadArgs, ServeArgs};

/// Everything a request handler needs; cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub nomad: NomadClient,
    pub sessions: session::SessionKeys,
    pub ttl: crate::api::tokens::lifetime::TtlBounds,
    /// Upstream watches of the live-update streams, shared by all pages.
    pub live: live::LiveHub,
    /// How many pages and server-function calls are worked on at once.
    pub renders: limit::RenderLimit,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

impl FromRef<AppState> for limit::RenderLimit {
    fn from_ref(state: &AppState) -> Self {
        state.renders.clone()
    }
}

impl AppState {
    pub fn new(nomad: NomadConfig, listen: SocketAddr, sessions: session::SessionKeys) -> anyhow::Result<Self> {
        Self::with_ttl(nomad, listen, sessions, Default::default())
    }

    pub fn with_ttl(
        nomad: NomadConfig,
        listen: SocketAddr,
        sessions: session::SessionKeys,
        ttl: crate::api::tokens::lifetime::TtlBounds,
    ) -> anyhow::Result<Self> {
        crate::nomad::client::observe_requests(metrics::record_upstream);
        let nomad = NomadClient::new(&nomad).context("invalid Nomad settings")?;
        let leptos_options = LeptosOptions::builder()
            .output_name("nomad-acl-console")
            .site_pkg_dir(assets::versioned_pkg_dir())
            .site_addr(listen)
            .env(leptos::config::Env::PROD)
            .build();
        Ok(Self {
            leptos_options,
            nomad,
            sessions,
            ttl,
            live: live::LiveHub::default(),
            renders: limit::RenderLimit::default(),
        })
    }

    /// At most `max` pages and server-function calls worked on at once (`--max-renders`).
    pub fn with_render_limit(mut self, max: Option<usize>) -> Self {
        if let Some(max) = max {
            self.renders = limit::RenderLimit::new(max);
        }
        self
    }

    /// Context every page render and server function gets.
    fn provide(&self) {
        provide_context(self.nomad.clone());
        provide_context(self.sessions.clone());
        provide_context(self.ttl);
    }
}

/// The whole console as one axum router.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || state.provide()
    };
    let app = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::render))
        .route("/live", get(live::stream))
        .route("/sign-in", post(auth::sign_in))
        .route("/sign-in/bootstrap", post(auth::bootstrap))
        .route("/sign-out", post(auth::sign_out))
        .route("/sign-in/one-time", post(auth::confirm_one_time))
        .route("/sign-in/oidc", post(sso::start))
        .route("/sign-in/oidc/callback", get(sso::callback))
        .merge(
            Router::new()
                .leptos_routes_with_context(&state, routes, context, app)
                .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::signed_out_redirect)),
        )
        .fallback(fallback)
        // Inside the session check, which acts on the status it sets.
        .layer(axum::middleware::from_fn(fn_status::layer))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::one_time_token_layer))
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::session_recheck))
        .layer(axum::middleware::from_fn(csrf::layer))
        .layer(axum::middleware::from_fn(with_request_cache))
        .layer(axum::middleware::from_fn_with_state(state.renders.clone(), limit::layer))
        .layer(axum::middleware::from_fn(headers::layer))
        // Pages are compressed as they stream, with gzip level 3: a streaming brotli encoder
        // keeps a 4 MB window per response (64 loads of the 10,000-token page at once peaked
        // 26 MB higher with it) for 30% fewer bytes of HTML. Site files come precompressed
        // (brotli included) and are not compressed again.
        .layer(CompressionLayer::new().no_br().quality(CompressionLevel::Precise(3)))
        .layer(logging::request_log_layer())
        .layer(axum::middleware::from_fn(metrics::track_http))
        .with_state(state)
}

/// Gives each request its own cache of loaded results (`api::context::cached`).
async fn with_request_cache(mut req: Request<Body>, next: axum::middleware::Next) -> Response {
    req.extensions_mut().insert(crate::api::context::RequestCache::default());
    next.run(req).await
}

/// Embedded site files, else the app's 404 page (with status 404).
async fn fallback(State(state): State<AppState>, req: Request<Body>) -> Response {
    if let Some(res) = assets::serve(req.uri().path(), req.headers()) {
        return res;
    }
    let render = leptos_axum::render_app_to_stream_with_context(
        {
            let state = state.clone();
            move || state.provide()
        },
        {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        },
    );
    let mut res = render(req).await.into_response();
    *res.status_mut() = axum::http::StatusCode::NOT_FOUND;
    res
}

async fn bind(listen: SocketAddr) -> anyhow::Result<tokio::net::TcpListener> {
    tokio::net::TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))
}

/// Serves `router` until SIGTERM or Ctrl-C, then drains open requests.
async fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    listen::serve(listener, router, listen::ConnectionLimits::default(), shutdown).await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C. The handlers are installed when this is
/// called, not when first polled, so a signal sent right after start-up
/// (when the URL is printed) is not lost.
pub fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate());
        let int = signal(SignalKind::interrupt());
        async move {
            match (term, int) {
                (Ok(mut term), Ok(mut int)) => {
                    tokio::select! { _ = term.recv() => {}, _ = int.recv() => {} }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
            tracing::info!("shutting down: finishing open requests");
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: finishing open requests");
    }
}

/// `shutdown`, then the end of every live-update stream: an open page never
/// closes its stream, and the graceful shutdown would wait for it forever.
fn ending_live_streams(
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    state: &AppState,
) -> impl std::future::Future<Output = ()> + Send + 'static {
    let live = state.live.clone();
    async move {
        shutdown.await;
        live.close();
    }
}

fn warn_if_no_frontend() {
    if !assets::has_frontend() {
        tracing::warn!(
            "this binary carries no compiled front end: pages render but never become interactive; \
             build with `cargo leptos build --release -P`"
        );
    }
}

pub async fn run_serve(args: ServeArgs) -> anyhow::Result<()> {
    warn_if_no_frontend();
    let state = AppState::with_ttl(args.nomad.to_config(), args.listen, args.session.keys()?, args.ttl.bounds())?
        .with_render_limit(args.max_renders.map(usize::from));
    metrics::start();
    memory::start();
    let listener = bind(args.listen).await?;
    let shutdown = ending_live_streams(shutdown_signal(), &state);
    let addr = listener.local_addr()?;
    tracing::info!(listen = %addr, nomad = %args.nomad.address, "console starting");
    println!("Nomad ACL Console: http://{addr} (Nomad at {})", args.nomad.address);
    serve_on(listener, router(state), shutdown).await
}

pub async fn run_demo(args: DemoArgs) -> anyhow::Result<()> {
    warn_if_no_frontend();
    // The embedded Nomad enforces the same bounds the console's forms check.
    let config = DevNomadConfig {
        token_min_ttl: args.ttl.token_min_ttl,
        token_max_ttl: args.ttl.token_max_ttl,
        ..DevNomadConfig::default()
    };
    // With --regions: a federation, its demo data in the authoritative region (global tokens
    // reach every region, each region has local ones); the console talks to that region.
    let federation = match args.federation.config(DEMO_REPLICATION_INTERVAL) {
        Some(fed) => Some(Federation::new(config.clone(), fed)?),
        None => None,
    };
    let nomad = match &federation {
        Some(fed) => fed.authoritative().clone(),
        None => DevNomad::new(config)?,
    };
    let secret = match &federation {
        Some(fed) => fed.seed_demo()?,
        None => nomad.seed_demo()?,
    };
    // A loopback identity provider and the `demo-sso` auth method that signs in with it.
    let idp = nomad.start_demo_sso().await.context("cannot start the demo identity provider")?;
    if args.extra_tokens > 0 || args.extra_policies > 0 || args.extra_roles > 0 {
        nomad.seed_scale(args.extra_tokens, args.extra_policies, args.extra_roles)?;
    }
    let region_addrs = match federation {
        Some(fed) => {
            let names: Vec<String> = fed.servers().iter().map(|d| d.config().region.clone()).collect();
            let urls = fed.spawn_local().await.context("cannot start the embedded Nomad regions")?;
            names.into_iter().zip(urls).collect()
        }
        None => vec![],
    };
    let nomad_addr = match region_addrs.first() {
        Some((_, url)) => url.clone(),
        None => nomad.spawn_local().await.context("cannot start the embedded Nomad")?,
    };
    let state =
        AppState::with_ttl(NomadArgs::local(nomad_addr.clone()), args.listen, args.session.keys()?, args.ttl.bounds())?
            .with_render_limit(args.max_renders.map(usize::from));
    metrics::start();
    memory::start();
    let listener = bind(args.listen).await?;
    let shutdown = ending_live_streams(shutdown_signal(), &state);
    let addr = listener.local_addr()?;
    println!("Nomad ACL Console (demo mode): http://{addr}");
    println!("Embedded Nomad API:            {nomad_addr}");
    for (region, url) in &region_addrs {
        println!("  region {region}: {url}");
    }
    println!("Demo identity provider:        {idp} (sign-in page: Continue with demo-sso)");
    // Demo data only: this secret is the embedded server's, created just now.
    println!("Sign in with this management token: {}", secret.expose());
    serve_on(listener, router(state), shutdown).await
}

pub async fn run_dev_nomad(args: DevNomadArgs) -> anyhow::Result<()> {
    let config = DevNomadConfig {
        token_min_ttl: args.ttl.token_min_ttl,
        token_max_ttl: args.ttl.token_max_ttl,
        state_file: args.state_file.clone(),
        region: args.region.clone(),
        acl_enabled: true,
    };
    if let Some(fed) = args.federation.config(DEV_REPLICATION_INTERVAL) {
        let fed = Federation::new(config, fed)?;
        let listeners = fed.bind(args.listen).await?;
        for (d, l) in fed.servers().iter().zip(&listeners) {
            println!("Embedded Nomad ACL API, region {}: http://{}", d.config().region, l.local_addr()?);
        }
        return fed.serve(listeners, shutdown_signal()).await.context("embedded Nomad failed");
    }
    let nomad = DevNomad::new(config)?;
    let listener = bind(args.listen).await?;
    let shutdown = shutdown_signal();
    println!("Embedded Nomad ACL API: http://{}", listener.local_addr()?);
    nomad.serve(listener, shutdown).await.context("embedded Nomad failed")
}
