//! The Leptos app: the HTML shell, the routes and the page frame.

pub mod components;
pub mod format;
pub mod live;
pub mod pages;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

use components::shell::SignedInLayout;
use pages::auth_methods::detail::AuthMethodDetailPage;
use pages::auth_methods::edit::{AuthMethodEditPage, AuthMethodNewPage};
use pages::auth_methods::list::AuthMethodsListPage;
use pages::binding_rules::detail::BindingRuleDetailPage;
use pages::binding_rules::edit::{BindingRuleEditPage, BindingRuleNewPage};
use pages::binding_rules::list::BindingRulesListPage;
use pages::bootstrapped::BootstrappedPage;
use pages::not_found::NotFoundPage;
use pages::overview::OverviewPage;
use pages::permissions::TokenPermissionsPage;
use pages::policies::detail::PolicyDetailPage;
use pages::policies::edit::{PolicyEditPage, PolicyNewPage};
use pages::policies::list::PoliciesListPage;
use pages::profile::ProfilePage;
use pages::roles::detail::RoleDetailPage;
use pages::roles::edit::{RoleEditPage, RoleNewPage};
use pages::roles::list::RolesListPage;
use pages::sign_in::SignInPage;
use pages::tokens::delete::TokensDeletePage;
use pages::tokens::detail::TokenDetailPage;
use pages::tokens::list::TokensListPage;
use pages::tokens::new::TokenNewPage;
use pages::who_can::WhoCanPage;

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
    mark_hydrated();

    view! {
        <Title formatter=|page: String| {
            if page.is_empty() { "Nomad ACL Console".to_string() } else { format!("{page} · Nomad ACL Console") }
        } />
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            // Async: every page is complete when its first byte leaves, so it
            // works before (and without) the wasm, and redirects carry a status.
            <Routes fallback=|| view! { <main id="main" class="app-main"><NotFoundPage /></main> }>
                <Route path=path!("/sign-in") view=|| view! { <main id="main" class="app-main"><SignInPage /></main> } ssr=SsrMode::Async />
                <Route path=path!("/bootstrapped") view=|| view! { <main id="main" class="app-main"><BootstrappedPage /></main> } ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=SignedInLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=OverviewPage />
                    <Route path=path!("profile") view=ProfilePage />
                    <Route path=path!("tokens") view=TokensListPage />
                    <Route path=path!("tokens/new") view=TokenNewPage />
                    <Route path=path!("tokens/delete") view=TokensDeletePage />
                    <Route path=path!("tokens/:accessor") view=TokenDetailPage />
                    <Route path=path!("tokens/:accessor/permissions") view=TokenPermissionsPage />
                    <Route path=path!("roles") view=RolesListPage />
                    <Route path=path!("roles/new") view=RoleNewPage />
                    <Route path=path!("roles/:id") view=RoleDetailPage />
                    <Route path=path!("roles/:id/edit") view=RoleEditPage />
                    <Route path=path!("policies") view=PoliciesListPage />
                    <Route path=path!("policies/new") view=PolicyNewPage />
                    <Route path=path!("policies/:name") view=PolicyDetailPage />
                    <Route path=path!("policies/:name/edit") view=PolicyEditPage />
                    <Route path=path!("who-can") view=WhoCanPage />
                    <Route path=path!("auth-methods") view=AuthMethodsListPage />
                    <Route path=path!("auth-methods/new") view=AuthMethodNewPage />
                    <Route path=path!("auth-methods/:name") view=AuthMethodDetailPage />
                    <Route path=path!("auth-methods/:name/edit") view=AuthMethodEditPage />
                    <Route path=path!("binding-rules") view=BindingRulesListPage />
                    <Route path=path!("binding-rules/new") view=BindingRuleNewPage />
                    <Route path=path!("binding-rules/:id") view=BindingRuleDetailPage />
                    <Route path=path!("binding-rules/:id/edit") view=BindingRuleEditPage />
                </ParentRoute>
            </Routes>
            <components::toast::ToastRegion />
        </Router>
    }
}

/// Sets `data-hydrated` on `<body>` once the wasm has taken over the page, so
/// tests and benchmarks can wait for interactivity instead of guessing.
fn mark_hydrated() {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
}
