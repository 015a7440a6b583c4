use leptos::either::EitherOf3;
use leptos::prelude::*;

use crate::app::format::{absolute, relative};

/// "in 2 hours" with the absolute time on hover, rendered identically on the
/// server and in the browser (both use the server's `now`).
#[component]
pub fn RelativeTime(at: i64, now: i64) -> impl IntoView {
    let abs = absolute(at);
    view! { <time datetime=abs.clone() title=abs>{relative(at, now)}</time> }
}

/// When a token expires, in words; "Never" without an expiration time.
#[component]
pub fn Expiry(expires_at: Option<i64>, now: i64) -> impl IntoView {
    match expires_at {
        None => EitherOf3::A(view! { <span>"Never"</span> }),
        Some(t) if t <= now => {
            let abs = absolute(t);
            EitherOf3::B(
                view! { <time class="expired" datetime=abs.clone() title=abs>{format!("expired {}", relative(t, now))}</time> },
            )
        }
        Some(t) => EitherOf3::C(view! { <RelativeTime at=t now /> }),
    }
}
