//! The Leptos app: the HTML shell, the routes and the page frame.

pub mod components;
pub mod format;
pub mod live;
pub mod pages;
pub mod raw_text;
pub mod region;
pub mod routes;
pub mod sync_hydrate;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

use components::shell::SignedInLayout;
use pages::not_found::NotFoundPage;
use pages::overview::OverviewPage;
use pages::tokens::list::TokensListPage;
use routes::*;

/// The HTML document around the app (server only). The options' `site_pkg_dir`
/// holds the build hash, so the script, wasm and CSS URLs change with every build.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_csp();
    let css = format!("/{}/{}.css", options.site_pkg_dir, options.output_name);
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <Meta name="color-scheme" content="light dark" />
                <Stylesheet id="app-css" href=css />
                <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Gives this page a fresh CSP nonce and sends the matching header.
#[cfg(feature = "ssr")]
fn set_page_csp() {
    use leptos::nonce::{provide_nonce, use_nonce};
    provide_nonce();
    if let (Some(nonce), Some(res)) = (use_nonce(), use_context::<leptos_axum::ResponseOptions>()) {
        let csp = crate::server::headers::page_csp(nonce.as_inner());
        if let Ok(value) = axum::http::HeaderValue::from_str(&csp) {
            res.insert_header(axum::http::header::CONTENT_SECURITY_POLICY, value);
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    components::toast::provide_toasts();

    view! {
        <Title formatter=|page: String| {
            raw_text::escaped_raw_text(if page.is_empty() {
                "Nomad ACL Console".to_string()
            } else {
                format!("{page} · Nomad ACL Console")
            })
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            // Async: every page is complete when its first byte leaves, so it
            // works before (and without) the wasm, and redirects carry a status.
            <Routes fallback=|| view! { <main id="main" class="app-main"><NotFoundPage /></main> }>
                <Route path=path!("/sign-in") view={Lazy::<SignInRoute>::new()} ssr=SsrMode::Async />
                <Route path=path!("/bootstrapped") view={Lazy::<BootstrappedRoute>::new()} ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage />
                    <Route path=path!("profile") view={Lazy::<ProfileRoute>::new()} />
                    <Route path=path!("tokens") view=TokensListPage />
                    <Route path=path!("tokens/new") view={Lazy::<TokenNewRoute>::new()} />
                    <Route path=path!("tokens/delete") view={Lazy::<TokensDeleteRoute>::new()} />
                    <Route path=path!("tokens/:accessor") view={Lazy::<TokenDetailRoute>::new()} />
                    <Route path=path!("tokens/:accessor/permissions") view={Lazy::<TokenPermissionsRoute>::new()} />
                    <Route path=path!("roles") view={Lazy::<RolesListRoute>::new()} />
                    <Route path=path!("roles/new") view={Lazy::<RoleNewRoute>::new()} />
                    <Route path=path!("roles/:id") view={Lazy::<RoleDetailRoute>::new()} />
                    <Route path=path!("roles/:id/edit") view={Lazy::<RoleEditRoute>::new()} />
                    <Route path=path!("policies") view={Lazy::<PoliciesListRoute>::new()} />
                    <Route path=path!("policies/new") view={Lazy::<PolicyNewRoute>::new()} />
                    <Route path=path!("policies/:name") view={Lazy::<PolicyDetailRoute>::new()} />
                    <Route path=path!("policies/:name/edit") view={Lazy::<PolicyEditRoute>::new()} />
                    <Route path=path!("who-can") view={Lazy::<WhoCanRoute>::new()} />
                    <Route path=path!("replication") view={Lazy::<ReplicationRoute>::new()} />
                    <Route path=path!("namespaces") view={Lazy::<NamespacesListRoute>::new()} />
                    <Route path=path!("namespaces/new") view={Lazy::<NamespaceNewRoute>::new()} />
                    <Route path=path!("namespaces/:name") view={Lazy::<NamespaceDetailRoute>::new()} />
                    <Route path=path!("namespaces/:name/edit") view={Lazy::<NamespaceEditRoute>::new()} />
                    <Route path=path!("auth-methods") view={Lazy::<AuthMethodsListRoute>::new()} />
                    <Route path=path!("auth-methods/new") view={Lazy::<AuthMethodNewRoute>::new()} />
                    <Route path=path!("auth-methods/:name") view={Lazy::<AuthMethodDetailRoute>::new()} />
                    <Route path=path!("auth-methods/:name/edit") view={Lazy::<AuthMethodEditRoute>::new()} />
                    <Route path=path!("binding-rules") view={Lazy::<BindingRulesListRoute>::new()} />
                    <Route path=path!("binding-rules/new") view={Lazy::<BindingRuleNewRoute>::new()} />
                    <Route path=path!("binding-rules/:id") view={Lazy::<BindingRuleDetailRoute>::new()} />
                    <Route path=path!("binding-rules/:id/edit") view={Lazy::<BindingRuleEditRoute>::new()} />
                </ParentRoute>
            </Routes>
            <components::toast::ToastRegion />
        </Router>
    }
}
