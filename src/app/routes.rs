//! One lazy route per page: `cargo leptos build --split` moves each page's code
//! into its own wasm chunk, fetched when the page is first shown (or, on the
//! first load, before hydration), so `/tokens` does not download the policy
//! editor, the permissions view or the auth-method forms. Without `--split`
//! the same routes are simply compiled into the one wasm.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use super::pages;

/// `$route` shows `$page`; `framed` pages (outside the signed-in layout) bring
/// their own `<main>`, which the layout gives the others.
macro_rules! lazy_routes {
    ($($route:ident => $page:path $(, $framed:ident)?;)*) => {$(
        #[doc = concat!("The lazy route of `", stringify!($page), "`.")]
        pub struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                use $page as Page;
                lazy_routes!(@view Page $($framed)?)
            }
        }
    )*};
    (@view $page:ident) => { view! { <$page /> }.into_any() };
    (@view $page:ident framed) => { view! { <main id="main" class="app-main"><$page /></main> }.into_any() };
}

lazy_routes! {
    SignInRoute => pages::sign_in::SignInPage, framed;
    BootstrappedRoute => pages::bootstrapped::BootstrappedPage, framed;
    OverviewRoute => pages::overview::OverviewPage;
    ProfileRoute => pages::profile::ProfilePage;
    TokensListRoute => pages::tokens::list::TokensListPage;
    TokenNewRoute => pages::tokens::new::TokenNewPage;
    TokensDeleteRoute => pages::tokens::delete::TokensDeletePage;
    TokenDetailRoute => pages::tokens::detail::TokenDetailPage;
    TokenPermissionsRoute => pages::permissions::TokenPermissionsPage;
    RolesListRoute => pages::roles::list::RolesListPage;
    RoleNewRoute => pages::roles::edit::RoleNewPage;
    RoleDetailRoute => pages::roles::detail::RoleDetailPage;
    RoleEditRoute => pages::roles::edit::RoleEditPage;
    PoliciesListRoute => pages::policies::list::PoliciesListPage;
    PolicyNewRoute => pages::policies::edit::PolicyNewPage;
    PolicyDetailRoute => pages::policies::detail::PolicyDetailPage;
    PolicyEditRoute => pages::policies::edit::PolicyEditPage;
    WhoCanRoute => pages::who_can::WhoCanPage;
    AuthMethodsListRoute => pages::auth_methods::list::AuthMethodsListPage;
    AuthMethodNewRoute => pages::auth_methods::edit::AuthMethodNewPage;
    AuthMethodDetailRoute => pages::auth_methods::detail::AuthMethodDetailPage;
    AuthMethodEditRoute => pages::auth_methods::edit::AuthMethodEditPage;
    BindingRulesListRoute => pages::binding_rules::list::BindingRulesListPage;
    BindingRuleNewRoute => pages::binding_rules::edit::BindingRuleNewPage;
    BindingRuleDetailRoute => pages::binding_rules::detail::BindingRuleDetailPage;
    BindingRuleEditRoute => pages::binding_rules::edit::BindingRuleEditPage;
}
