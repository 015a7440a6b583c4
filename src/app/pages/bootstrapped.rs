use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::api::session::{take_flash, FlashView};
use crate::app::components::copy_button::CopyButton;
use crate::app::region::at;

/// Shows the management secret created by bootstrap, once.
#[component]
pub fn BootstrappedPage() -> impl IntoView {
    let flash = Resource::new(|| (), |_| take_flash());
    view! {
        <Title text="ACL system bootstrapped" />
        <section class="panel narrow">
            <Suspense fallback=|| view! { <p role="status">"Loading…"</p> }>
                {move || flash.get().map(|f| match f.ok().flatten() {
                    Some(f) if f.kind == FlashView::Bootstrapped => {
                        let secret = f.secret.unwrap_or_default();
                        view! {
                            <h1>"ACL system bootstrapped"</h1>
                            <p>{f.message}</p>
                            <div class="warning" role="alert">
                                "Store this Secret ID now, in a password manager or a vault. "
                                "It will not be shown again, and it grants every permission on the cluster."
                            </div>
                            <div class="secret-row">
                                <code data-testid="bootstrap-secret">{secret.clone()}</code>
                                <CopyButton text=secret label="Copy the management secret" />
                            </div>
                            <p>"You are signed in with this token. " <A href=at("/")>"Continue to the overview"</A></p>
                        }.into_any()
                    }
                    _ => view! {
                        <h1>"Nothing to show"</h1>
                        <p>"A bootstrap secret is shown only once, right after bootstrapping. " <A href=at("/")>"Go to the overview"</A></p>
                    }.into_any(),
                })}
            </Suspense>
        </section>
    }
}
