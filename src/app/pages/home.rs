use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::status::{nomad_status, NomadConnection};

/// Start page. Rendered with the connection status on the server, so it is
/// complete before the wasm loads; "Check again" works once hydrated.
#[component]
pub fn HomePage() -> impl IntoView {
    let checks = RwSignal::new(0u32);
    let status = Resource::new(move || checks.get(), |_| nomad_status());

    view! {
        <Title text="Overview" />
        <section class="panel">
            <h1>"Access Control"</h1>
            <p class="lead">
                "Tokens, roles, policies, auth methods and binding rules of your Nomad cluster, in one place."
            </p>
            <Suspense fallback=|| view! { <p class="muted" role="status">"Checking Nomad…"</p> }>
                {move || status.get().map(|s| view! { <StatusLine status=s /> })}
            </Suspense>
            <button
                type="button"
                class="button"
                data-testid="check-again"
                on:click=move |_| checks.update(|n| *n += 1)
            >
                "Check again"
            </button>
            <p class="muted" data-testid="check-count">
                {move || match checks.get() {
                    0 => String::new(),
                    1 => "Checked again once.".to_string(),
                    n => format!("Checked again {n} times."),
                }}
            </p>
        </section>
    }
}

#[component]
fn StatusLine(status: Result<NomadConnection, ServerFnError>) -> impl IntoView {
    match status {
        Ok(s) if s.error.is_none() => view! {
            <p class="status ok" role="status" data-testid="nomad-status">
                "Connected to Nomad at " <code>{s.address}</code>
                {s.leader.map(|l| format!(" (leader {l})"))}
            </p>
        }
        .into_any(),
        Ok(s) => view! {
            <p class="status error" role="alert" data-testid="nomad-status">
                "Nomad at " <code>{s.address}</code> " is not answering: " {s.error.unwrap_or_default()}
            </p>
        }
        .into_any(),
        Err(e) => view! {
            <p class="status error" role="alert" data-testid="nomad-status">
                "The console could not check Nomad: " {e.to_string()}
            </p>
        }
        .into_any(),
    }
}
