//! The pages that are not in the main wasm module. `cargo leptos build --split`
//! moves each `#[lazy]` group below into wasm chunks of its own, fetched when
//! one of its pages is first shown (on a first load, announced in `<head>` and
//! fetched before hydration). Without `--split` they are simply compiled in.
//!
//! Grouped, not one split per page: wasm-split makes one chunk per distinct set
//! of split points that share a function, so 26 per-page splits made 744 chunks
//! and `/tokens` needed 266 of them (272 requests, hydration twice as slow as
//! one wasm). The overview and the token list, the pages people land on, stay
//! in the main module and need no chunk at all.

use leptos::lazy;
use leptos::prelude::*;
use leptos_router::LazyRoute;

use super::pages;
use super::sync_hydrate::SyncHydrate;

/// One lazy group: an enum of its pages, the `#[lazy]` function that renders
/// any of them (the split point), and a route type per page that calls it;
/// `$preload` is the loader `#[lazy]` makes for the group (`__preload_<group>`).
/// `framed` pages (outside the signed-in layout) bring their own `<main>`.
macro_rules! lazy_group {
    ($group:ident, $preload:ident, $pages:ident { $($route:ident => $variant:ident => $page:path $(, $framed:ident)?;)* }) => {
        #[derive(Clone, Copy, Debug)]
        pub enum $pages { $($variant,)* }

        #[lazy]
        fn $group(page: $pages) -> AnyView {
            match page {
                $($pages::$variant => {
                    use $page as Page;
                    lazy_group!(@view Page $($framed)?)
                })*
            }
        }

        $(
            #[doc = concat!("The route of `", stringify!($page), "`, in the lazy group `", stringify!($group), "`.")]
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    announce_chunks(stringify!($group));
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group($pages::$variant).await
                }

                // The router awaits this before it hydrates or shows the page,
                // which then finds its chunks loaded; without it hydration
                // reaches the page before its code and fails.
                async fn preload() {
                    // `#[lazy]` defines `$preload` in the browser build only.
                    #[cfg(feature = "hydrate")]
                    $preload().await;
                }
            }
        )*
    };
    (@view $page:ident) => { SyncHydrate(view! { <$page /> }).into_any() };
    (@view $page:ident framed) => { SyncHydrate(view! { <main id="main" class="app-main"><$page /></main> }).into_any() };
}

lazy_group!(public_pages, __preload_public_pages, PublicPage {
    SignInRoute => SignIn => pages::sign_in::SignInPage, framed;
    BootstrappedRoute => Bootstrapped => pages::bootstrapped::BootstrappedPage, framed;
});

lazy_group!(token_pages, __preload_token_pages, TokenPage {
    ProfileRoute => Profile => pages::profile::ProfilePage;
    TokenNewRoute => New => pages::tokens::new::TokenNewPage;
    TokensDeleteRoute => Delete => pages::tokens::delete::TokensDeletePage;
    TokenDetailRoute => Detail => pages::tokens::detail::TokenDetailPage;
});

// Everything that evaluates the policy language in the browser.
lazy_group!(policy_pages, __preload_policy_pages, PolicyPage {
    TokenPermissionsRoute => Permissions => pages::permissions::TokenPermissionsPage;
    PoliciesListRoute => List => pages::policies::list::PoliciesListPage;
    PolicyNewRoute => New => pages::policies::edit::PolicyNewPage;
    PolicyDetailRoute => Detail => pages::policies::detail::PolicyDetailPage;
    PolicyEditRoute => Edit => pages::policies::edit::PolicyEditPage;
    WhoCanRoute => WhoCan => pages::who_can::WhoCanPage;
});

lazy_group!(role_pages, __preload_role_pages, RolePage {
    RolesListRoute => List => pages::roles::list::RolesListPage;
    RoleNewRoute => New => pages::roles::edit::RoleNewPage;
    RoleDetailRoute => Detail => pages::roles::detail::RoleDetailPage;
    RoleEditRoute => Edit => pages::roles::edit::RoleEditPage;
});

lazy_group!(namespace_pages, __preload_namespace_pages, NamespacePage {
    NamespacesListRoute => List => pages::namespaces::list::NamespacesListPage;
    NamespaceNewRoute => New => pages::namespaces::edit::NamespaceNewPage;
    NamespaceDetailRoute => Detail => pages::namespaces::detail::NamespaceDetailPage;
    NamespaceEditRoute => Edit => pages::namespaces::edit::NamespaceEditPage;
});

lazy_group!(replication_pages, __preload_replication_pages, ReplicationPage {
    ReplicationRoute => Report => pages::replication::ReplicationPage;
});

lazy_group!(sso_pages, __preload_sso_pages, SsoPage {
    AuthMethodsListRoute => AuthMethodsList => pages::auth_methods::list::AuthMethodsListPage;
    AuthMethodNewRoute => AuthMethodNew => pages::auth_methods::edit::AuthMethodNewPage;
    AuthMethodDetailRoute => AuthMethodDetail => pages::auth_methods::detail::AuthMethodDetailPage;
    AuthMethodEditRoute => AuthMethodEdit => pages::auth_methods::edit::AuthMethodEditPage;
    BindingRulesListRoute => BindingRulesList => pages::binding_rules::list::BindingRulesListPage;
    BindingRuleNewRoute => BindingRuleNew => pages::binding_rules::edit::BindingRuleNewPage;
    BindingRuleDetailRoute => BindingRuleDetail => pages::binding_rules::detail::BindingRuleDetailPage;
    BindingRuleEditRoute => BindingRuleEdit => pages::binding_rules::edit::BindingRuleEditPage;
});

/// On the server, while the page renders: links the chunks of `group` in
/// `<head>` (`rel="preload"`), so the browser fetches them beside the main
/// module instead of after it. Leptos has this built in but registers a page's
/// lazy function only when it runs after the render's context is set up, so a
/// page whose route resolves at once (a cached answer) went without.
fn announce_chunks(group: &str) {
    #[cfg(feature = "ssr")]
    {
        use leptos_meta::Link;
        let Some(manifest) = crate::server::assets::split_manifest() else { return };
        let Some(chunks) = manifest.chunks_of(group) else { return };
        let pkg = format!("/{}", crate::server::assets::versioned_pkg_dir());
        for chunk in chunks {
            // to_html() registers the link with the page's <head> (leptos_meta).
            let href = format!("{pkg}/{chunk}.wasm");
            _ = view! { <Link rel="preload" href=href as_="fetch" type_="application/wasm" crossorigin="anonymous" /> }
                .to_html();
        }
        let loader = format!("{pkg}/{}", manifest.loader);
        _ = view! { <Link rel="modulepreload" href=loader crossorigin="anonymous" /> }.to_html();
    }
    #[cfg(not(feature = "ssr"))]
    let _ = group;
}
