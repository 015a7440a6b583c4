//! Form pieces shared by the create, edit and renew forms: the lifetime choice and
//! the policy and role pickers. They are plain form controls (posted as they are
//! without JavaScript); after hydration they check themselves as the user types.

use leptos::prelude::*;

use crate::api::tokens::lifetime::{LifetimeInput, TtlBounds, PRESETS};
use crate::app::components::field::{FieldErrors, Radio};

/// The lifetime signals of a form.
#[derive(Clone, Copy)]
pub struct LifetimeState {
    pub expiry: RwSignal<String>,
    pub ttl: RwSignal<String>,
    pub at_local: RwSignal<String>,
    pub tz_offset: RwSignal<String>,
}

impl LifetimeState {
    pub fn new(initial: &LifetimeInput) -> Self {
        let expiry = if initial.expiry.is_empty() { "never".to_string() } else { initial.expiry.clone() };
        LifetimeState {
            expiry: RwSignal::new(expiry),
            ttl: RwSignal::new(initial.ttl.clone()),
            at_local: RwSignal::new(initial.at_local.clone()),
            tz_offset: RwSignal::new(String::new()),
        }
    }

    pub fn input(&self) -> LifetimeInput {
        LifetimeInput {
            expiry: self.expiry.get(),
            ttl: self.ttl.get(),
            at_local: self.at_local.get(),
            tz_offset: self.tz_offset.get(),
        }
    }

    /// The problem with the current choice, checked against the browser's clock.
    pub fn problem(&self, bounds: TtlBounds) -> Option<String> {
        self.input().resolve(bounds, crate::app::format::now_unix()).err()
    }
}

/// "Never / 10 minutes / … / custom duration / custom time", posted as `lifetime[...]`.
#[component]
pub fn LifetimeFields(
    state: LifetimeState,
    bounds: TtlBounds,
    /// Prefix for element IDs, so two forms on one page do not clash.
    #[prop(into)]
    id: String,
    /// Show the problem only once the user has tried to submit or changed the choice.
    #[prop(into)]
    show: Signal<bool>,
    #[prop(into)] server: Signal<Vec<String>>,
) -> impl IntoView {
    let zone = RwSignal::new(None::<String>);
    Effect::new(move |_| zone.set(browser_time_zone()));
    let update_offset = move || state.tz_offset.set(browser_offset_minutes(&state.at_local.get_untracked()));
    // Recompute the offset when hydrated with a draft already filled in.
    Effect::new(move |_| {
        if !state.at_local.get_untracked().is_empty() {
            update_offset();
        }
    });
    let range = format!("This cluster allows {} to {}.", bounds.min_text(), bounds.max_text());
    let radio = {
        let id = id.clone();
        move |value: &'static str, label: String| {
            view! { <Radio name="lifetime[expiry]" id=format!("{id}-expiry-{value}") value label selected=state.expiry /> }
        }
    };
    let problem = Memo::new(move |_| state.problem(bounds));
    let err_id = format!("{id}-expiry-error");
    let described_by = err_id.clone();
    let ttl_id = format!("{id}-ttl");
    let at_id = format!("{id}-at");
    view! {
        <fieldset class="lifetime" aria-describedby=described_by>
            <legend>"Expiration"</legend>
            <div class="radio-row">
                {radio("never", "Never".to_string())}
                {PRESETS.iter().filter(|(_, _, secs)| bounds.allows(*secs)).map(|(v, label, _)| radio(v, label.to_string())).collect_view()}
                {radio("ttl", "Custom duration".to_string())}
                {radio("at", "Custom date and time".to_string())}
            </div>
            <div class="lifetime-custom" class:inactive=move || state.expiry.get() != "ttl">
                <label for=ttl_id.clone()>"Duration"</label>
                <input
                    id=ttl_id
                    type="text"
                    name="lifetime[ttl]"
                    placeholder="e.g. 90m, 2h30m"
                    autocomplete="off"
                    spellcheck="false"
                    value=state.ttl.get_untracked()
                    prop:value=move || state.ttl.get()
                    on:input=move |ev| {
                        state.ttl.set(event_target_value(&ev));
                        state.expiry.set("ttl".to_string());
                    }
                />
                <p class="help">"Go duration syntax, as " <code>"nomad acl token create -ttl"</code> " takes it. " {range.clone()}</p>
            </div>
            <div class="lifetime-custom" class:inactive=move || state.expiry.get() != "at">
                <label for=at_id.clone()>"Expires at"</label>
                <input
                    id=at_id
                    type="datetime-local"
                    name="lifetime[at_local]"
                    value=state.at_local.get_untracked()
                    prop:value=move || state.at_local.get()
                    on:input=move |ev| {
                        state.at_local.set(event_target_value(&ev));
                        state.expiry.set("at".to_string());
                        update_offset();
                    }
                />
                <input type="hidden" name="lifetime[tz_offset]" prop:value=move || state.tz_offset.get() />
                <p class="help" data-testid="time-zone">
                    {move || match zone.get() {
                        Some(z) => format!("In your time zone: {z}."),
                        None => "Read as UTC (your time zone is used once the page has loaded).".to_string(),
                    }}
                </p>
            </div>
            <FieldErrors
                id=err_id
                local=Signal::derive(move || if show.get() { problem.get().into_iter().collect() } else { Vec::new() })
                server=server
            />
        </fieldset>
    }
}

/// The browser's IANA time zone and current UTC offset, e.g. "Asia/Tokyo (UTC+09:00)".
fn browser_time_zone() -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let fmt = js_sys::Intl::DateTimeFormat::new(&js_sys::Array::new(), &js_sys::Object::new());
        let zone = js_sys::Reflect::get(&fmt.resolved_options(), &"timeZone".into()).ok()?.as_string()?;
        let off = -(js_sys::Date::new_0().get_timezone_offset() as i64);
        let sign = if off < 0 { '-' } else { '+' };
        Some(format!("{zone} (UTC{sign}{:02}:{:02})", off.abs() / 60, off.abs() % 60))
    }
    #[cfg(not(feature = "hydrate"))]
    None
}

/// JavaScript's `getTimezoneOffset` for that local date and time (daylight saving
/// depends on the date), as text; empty when unknown.
fn browser_offset_minutes(local: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        if local.is_empty() {
            return String::new();
        }
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(local));
        let off = d.get_timezone_offset();
        if off.is_nan() {
            String::new()
        } else {
            (off as i64).to_string()
        }
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = local;
        String::new()
    }
}

/// A form's submit button that, after hydration, stops a submit the page can already
/// tell is wrong (`blocked`), after `attempted` makes the messages show.
#[component]
pub fn SubmitButton(
    #[prop(into)] pending: Signal<bool>,
    attempted: RwSignal<bool>,
    blocked: impl Fn() -> bool + Send + Sync + 'static,
    label: &'static str,
    busy: &'static str,
    testid: &'static str,
) -> impl IntoView {
    view! {
        <button
            type="submit"
            class="button"
            data-testid=testid
            disabled=move || pending.get()
            on:click=move |ev| {
                attempted.set(true);
                if blocked() {
                    ev.prevent_default();
                }
            }
        >
            {move || if pending.get() { busy } else { label }}
        </button>
    }
}
