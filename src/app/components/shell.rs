//! The frame of every signed-in page: header, profile menu, navigation.

use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::components::{Outlet, Redirect, A};
use leptos_router::hooks::use_location;

use crate::api::session::{get_session_info, SessionInfo};
use crate::app::components::error_panel::ErrorPanel;
use crate::app::format::{absolute, now_unix, percent_encode, time_left};
use crate::app::live::{provide_live, LiveIndicator};
use crate::app::region::at;
use crate::app::sync_hydrate::SyncHydrate;
use crate::links::with_region;

/// Signed-in pages render inside this; without a session it sends the user to
/// the sign-in page, remembering where they were going.
///
/// Only the parts that show the session wait for it. A `Suspense` calls its
/// children more than once while rendering on the server, and every call builds
/// them anew: with the page inside it, each page was built three times (and its
/// data sent to the browser three times).
#[component]
pub fn SignedInLayout() -> impl IntoView {
    let session = Resource::new(|| (), |_| get_session_info());
    provide_live();
    SyncHydrate(view! {
        <header class="app-header">
            <A href=at("/") attr:class="brand">
                <span class="brand-mark" aria-hidden="true">"◆"</span>
                " Nomad ACL Console"
            </A>
            <Suspense fallback=|| view! { <span class="loading" role="status">"Loading…"</span> }>
                {SyncHydrate(move || {
                    session
                        .get()
                        .map(|r| match r {
                            Ok(Some(info)) => EitherOf3::A(view! { <SessionHeader info /> }),
                            Ok(None) => EitherOf3::B(view! { <Redirect path=sign_in_returning_here() /> }),
                            Err(e) => EitherOf3::C(view! { <ErrorPanel error=e /> }),
                        })
                })}
            </Suspense>
        </header>
        <div class="app-body">
            <nav class="side-nav" aria-label="Main">
                <ul>
                    <li><A href=at("/") exact=true>"Overview"</A></li>
                    <li><A href=at("/tokens")>"Tokens"</A></li>
                    <li><A href=at("/roles")>"Roles"</A></li>
                    <li><A href=at("/policies")>"Policies"</A></li>
                    <li><A href=at("/namespaces")>"Namespaces"</A></li>
                    <li><A href=at("/who-can")>"Who can"</A></li>
                    <li><A href=at("/auth-methods")>"Auth methods"</A></li>
                    <li><A href=at("/binding-rules")>"Binding rules"</A></li>
                    <li><A href=at("/replication")>"Replication"</A></li>
                    <li class="nav-sep"><A href=at("/profile")>"Profile"</A></li>
                </ul>
            </nav>
            <main id="main" class="app-main" tabindex="-1">
                <Outlet />
            </main>
        </div>
    })
}

/// The sign-in page, coming back here (path and query) after signing in again.
pub fn sign_in_returning_here() -> String {
    let here = here_path();
    if here == "/" || here.is_empty() {
        "/sign-in".to_string()
    } else {
        format!("/sign-in?return_to={}", percent_encode(&here, true))
    }
}

/// The header's session part: cluster, live-update state, profile menu.
#[component]
fn SessionHeader(info: SessionInfo) -> impl IntoView {
    let region = info.region.clone().unwrap_or_else(|| "agent's region".to_string());
    let switcher = (!info.regions.is_empty()).then(|| {
        view! { <RegionSwitcher regions=info.regions.clone() current=info.region.clone() authoritative=info.authoritative.clone() /> }
    });
    let elsewhere = info.token_elsewhere().map(|(home, here)| {
        let page = here_path();
        let back = with_region(&page, Some(home));
        let sign_in = format!("/sign-in?return_to={}", percent_encode(&page, true));
        view! {
            <p class="region-elsewhere" role="alert" data-testid="region-elsewhere">
                {format!("Your token is local to region {home}: region {here} does not know it, so Nomad refuses it here. ")}
                <a href=back rel="external">{format!("Back to region {home}")}</a>
                " · "
                <a href=sign_in rel="external">{format!("Sign in to region {here}")}</a>
            </p>
        }
    });
    view! {
        <span class="cluster" data-testid="cluster">
            "Nomad " <code>{info.nomad_address.clone()}</code> " · region " <span data-testid="current-region">{region}</span>
        </span>
        {switcher}
        <LiveIndicator />
        <ProfileMenu info />
        {elsewhere}
    }
}

/// The page's path and query, as the router sees them.
fn here_path() -> String {
    let location = use_location();
    let search = location.search.get_untracked();
    let search = if search.is_empty() || search.starts_with('?') { search } else { format!("?{search}") };
    format!("{}{search}", location.pathname.get_untracked())
}

/// The federation's regions, each a link to this page in that region. A full page
/// load: everything on the page, the session's header included, is read again there.
#[component]
fn RegionSwitcher(regions: Vec<String>, current: Option<String>, authoritative: Option<String>) -> impl IntoView {
    let page = here_path();
    let label = current.clone().unwrap_or_else(|| "choose".to_string());
    view! {
        <details class="region-switcher" data-testid="region-switcher">
            <summary>"Switch region"<span class="visually-hidden">{format!(" (now {label})")}</span></summary>
            <ul class="menu">
                {regions
                    .into_iter()
                    .map(|r| {
                        let is_current = current.as_deref() == Some(r.as_str());
                        let note = if authoritative.as_deref() == Some(r.as_str()) { " (authoritative)" } else { "" };
                        let label = format!("{r}{note}");
                        view! {
                            <li>
                                <a href=with_region(&page, Some(&r)) rel="external" aria-current=is_current.then_some("page") data-region=r.clone()>
                                    {label}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </details>
    }
}

#[component]
fn ProfileMenu(info: SessionInfo) -> impl IntoView {
    // Starts at the server's clock so the hydrated text matches the server's,
    // then ticks with the browser's.
    let now = RwSignal::new(info.server_now);
    Effect::new(move |_| {
        if let Ok(handle) = set_interval_with_handle(move || now.set(now_unix()), std::time::Duration::from_secs(1)) {
            on_cleanup(move || handle.clear());
        }
    });
    let expires_at = info.expires_at;
    let left = move || match expires_at {
        None => "never expires".to_string(),
        Some(t) => match time_left(t, now.get()).as_str() {
            "expired" => "expired".to_string(),
            l => format!("{l} left"),
        },
    };
    let title = expires_at.map(|t| format!("Expires {}", absolute(t))).unwrap_or_default();
    view! {
        <details class="profile-menu">
            <summary>
                <span class="token-name">{if info.name.is_empty() { "(unnamed token)".to_string() } else { info.name.clone() }}</span>
                <span class="badge">{info.token_type.clone()}</span>
                <span class="time-left" title=title data-testid="time-left">{left}</span>
            </summary>
            <div class="menu">
                <A href=at("/profile")>"Your token and permissions"</A>
            </div>
        </details>
        // Always in sight, not only inside the menu.
        <form method="post" action="/sign-out" class="sign-out">
            <button type="submit" class="button small secondary">"Sign out"</button>
        </form>
    }
}
