//! Short messages for the outcome of an action ("Copied", "Could not ...").
//! One live region per page, so screen readers announce them too.

use leptos::prelude::*;

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
        self.list.update(|l| l.push(Toast { id, kind, text: text.into() }));
        if kind == ToastKind::Success {
            let list = self.list;
            set_timeout(move || list.update(|l| l.retain(|t| t.id != id)), std::time::Duration::from_secs(4));
        }
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
                    <span>{t.text.clone()}</span>
                    <button type="button" class="toast-close" aria-label="Dismiss" on:click=move |_| toasts.dismiss(t.id)>"×"</button>
                </div>
            </For>
        </div>
    }
}
