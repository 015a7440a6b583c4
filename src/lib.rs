//! nomad-acl-console: a web console for the ACL system of HashiCorp Nomad.
//!
//! Data path: browser (hydrated Leptos) -> server functions (`api`) -> typed
//! Nomad client (`nomad::client`) -> Nomad or the embedded server (`devnomad`).

// The permissions view nests deep enough that the release wasm build (opt-level z,
// LTO) overflows the default depth of 128 when computing its view types.
#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod links;
pub mod nomad;
#[cfg(all(feature = "hydrate", target_arch = "wasm32"))]
mod split_slack;

#[cfg(feature = "ssr")]
pub use dev_nomad as devnomad;
#[cfg(feature = "ssr")]
pub mod server;

/// Browser entry point: hydrates the server-rendered page. Asynchronously,
/// because the page's lazy route (its wasm chunk) is fetched first; `<body>`
/// gets `data-hydrated` only then, so tests and benchmarks wait for a page that
/// really answers.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body().expect("a page has a <body>");
        let mounted = leptos::mount::hydrate_from_async(body.clone(), app::App).await;
        let _ = body.set_attribute("data-hydrated", "true");
        mounted.forget();
    });
}
