//! The pages as lazily loaded routes, in groups. With `cargo leptos build
//! --split` each group is its own wasm chunk (plus chunks of code some groups
//! share), fetched the first time one of its pages is shown; the server renders
//! every page as before. A first load then carries the runtime, the frame and one
//! group instead of every page. Groups rather than one chunk per page: each split
//! point multiplies the shared chunks (one per page gave ~450 files, ~190 of them
//! for `/tokens` alone). Without `--split` nothing changes.

use leptos::prelude::*;
use leptos_router::LazyRoute;

macro_rules! lazy_group {
    ($(#[$doc:meta])* $group:ident { $($route:ident => $view:expr;)* }) => {
        $(#[$doc])*
        mod $group {
            use leptos::prelude::*;

            use crate::app::pages;
            use crate::app::HydratedMark;

            #[derive(Debug, Clone, Copy)]
            pub enum Which { $($route,)* }

            /// Every page of the group: one split point.
            #[leptos::lazy($group)]
            pub fn view(which: Which) -> AnyView {
                match which {
                    $(Which::$route => view! { {$view} <HydratedMark /> }.into_any(),)*
                }
            }
        }

        $(
            pub struct $route;

            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                async fn view(_this: Self) -> AnyView {
                    $group::view($group::Which::$route).await
                }
            }
        )*
    };
}

lazy_group! {
    /// Before a session exists.
    entry {
        SignIn => view! { <main id="main" class="app-main"><pages::sign_in::SignInPage /></main> };
        Bootstrapped => view! { <main id="main" class="app-main"><pages::bootstrapped::BootstrappedPage /></main> };
    }
}

lazy_group! {
    /// Overview, profile and the permission questions.
    home {
        Overview => view! { <pages::overview::OverviewPage /> };
        Profile => view! { <pages::profile::ProfilePage /> };
        TokenPermissions => view! { <pages::permissions::TokenPermissionsPage /> };
        WhoCan => view! { <pages::who_can::WhoCanPage /> };
    }
}

lazy_group! {
    /// The token list and its bulk delete.
    token_list {
        TokensList => view! { <pages::tokens::list::TokensListPage /> };
        TokensDelete => view! { <pages::tokens::delete::TokensDeletePage /> };
    }
}

lazy_group! {
    /// One token: create, read, edit, renew.
    token_forms {
        TokenNew => view! { <pages::tokens::new::TokenNewPage /> };
        TokenDetail => view! { <pages::tokens::detail::TokenDetailPage /> };
    }
}

lazy_group! {
    roles {
        RolesList => view! { <pages::roles::list::RolesListPage /> };
        RoleNew => view! { <pages::roles::edit::RoleNewPage /> };
        RoleDetail => view! { <pages::roles::detail::RoleDetailPage /> };
        RoleEdit => view! { <pages::roles::edit::RoleEditPage /> };
    }
}

lazy_group! {
    policies {
        PoliciesList => view! { <pages::policies::list::PoliciesListPage /> };
        PolicyNew => view! { <pages::policies::edit::PolicyNewPage /> };
        PolicyDetail => view! { <pages::policies::detail::PolicyDetailPage /> };
        PolicyEdit => view! { <pages::policies::edit::PolicyEditPage /> };
    }
}
