//! Short messages for the outcome of an action ("Copied", "Could not ...").
//! One live region per page, so screen readers announce them too. They live in the
//! shell, so a page that re-renders (live updates) does not take them away.

use leptos::prelude::*;

use crate::app::components::copy_button::CopyButton;
use crate::app::region::at;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ToastKind {
    Success,
    Failure,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Toast {
    id: u64,
    kind: ToastKind,
    text: String,
    made: Option<MadeSecret>,
}

/// A secret to show once in a toast that stays until dismissed, with the page of the
/// token it belongs to.
#[derive(Clone, PartialEq, Eq)]
struct MadeSecret {
    secret: String,
    token_href: String,
}

impl std::fmt::Debug for MadeSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MadeSecret").field("token_href", &self.token_href).finish_non_exhaustive()
    }
}

/// The page's toasts; get it with `use_toasts()`.
#[derive(Debug, Clone, Copy)]
pub struct Toasts {
    list: RwSignal<Vec<Toast>>,
    next: StoredValue<u64>,
}

impl Toasts {
    /// Shows `text` for a few seconds (failures stay until dismissed).
    pub fn show(&self, kind: ToastKind, text: impl Into<String>) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        self.list.update(|l| l.push(Toast { id, kind, text: text.into(), made: None }));
        if kind == ToastKind::Success {
            let list = self.list;
            set_timeout(move || list.update(|l| l.retain(|t| t.id != id)), std::time::Duration::from_secs(4));
        }
    }

    /// Shows `text` with a token's `secret` and a link to `token_href`, until dismissed:
    /// the only time the page shows that secret.
    pub fn show_secret(&self, text: impl Into<String>, secret: String, token_href: String) {
        let id = self.next.get_value();
        self.next.set_value(id + 1);
        let made = Some(MadeSecret { secret, token_href });
        self.list.update(|l| l.push(Toast { id, kind: ToastKind::Success, text: text.into(), made }));
    }

    fn dismiss(&self, id: u64) {
        self.list.update(|l| l.retain(|t| t.id != id));
    }
}

pub fn provide_toasts() -> Toasts {
    let toasts = Toasts { list: RwSignal::new(Vec::new()), next: StoredValue::new(0) };
    provide_context(toasts);
    toasts
}

pub fn use_toasts() -> Option<Toasts> {
    use_context::<Toasts>()
}

/// The live region that shows the toasts.
#[component]
pub fn ToastRegion() -> impl IntoView {
    let toasts = use_toasts().unwrap_or_else(provide_toasts);
    view! {
        <div class="toasts" role="status" aria-live="polite" data-testid="toasts">
            <For each=move || toasts.list.get() key=|t| t.id let:t>
                <div class=move || if t.kind == ToastKind::Success { "toast success" } else { "toast failure" }>
                    <span>
                        {t.text.clone()}
                        {t.made.clone().map(|m| view! {
                            <span class="toast-secret" data-testid="toast-secret">
                                "Secret ID (shown once): " <code data-testid="toast-secret-value">{m.secret.clone()}</code>
                                " " <CopyButton text=m.secret label="Copy the secret" />
                                " " <a href=at(m.token_href)>"Open the token"</a>
                            </span>
                        })}
                    </span>
                    <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(t.id)>"×"</button>
                </div>
            </For>
        </div>
    }
}
