//! The selector tester: paste a login's claims, see the variables the auth method maps
//! them to and whether the selector matches. With JavaScript it answers in place (a
//! server function); without, its button submits a GET and the page answers from the URL.

use leptos::prelude::*;

use crate::api::binding_rules::{MethodInfo, Outcome, SelectorTest, TestSelector};
use crate::api::error::ApiError;
use crate::app::raw_text::escaped_raw_text;
use crate::app::region::RegionField;

/// Example claims for a method: one entry per mapped claim, so the shape is right.
pub fn sample_claims(method: Option<&MethodInfo>) -> String {
    let Some(m) = method else { return "{\"email\": \"jane@example.com\", \"groups\": [\"engineering\"]}".to_string() };
    let mut parts: Vec<String> = m
        .claim_mappings
        .iter()
        .filter(|(c, _)| !c.starts_with('/'))
        .map(|(c, _)| format!("  {}: \"…\"", serde_json::Value::String(c.clone())))
        .collect();
    parts.extend(
        m.list_claim_mappings
            .iter()
            .filter(|(c, _)| !c.starts_with('/'))
            .map(|(c, _)| format!("  {}: [\"…\"]", serde_json::Value::String(c.clone()))),
    );
    if parts.is_empty() {
        "{}".to_string()
    } else {
        format!("{{\n{}\n}}", parts.join(",\n"))
    }
}

/// Where the tester lives.
#[derive(Clone, PartialEq, Eq)]
pub enum Placement {
    /// Inside the editor's form: its button submits that form with GET to this page.
    InForm(String),
    /// On its own: a GET form to this page.
    Alone(String),
}

/// What the tester holds: the claims typed, the last answer, what it was computed for.
/// A page that re-renders on live updates keeps it above the re-rendered part, so a
/// change to any rule elsewhere does not wipe what the user typed or was answered.
#[derive(Clone, Copy)]
pub struct TesterState {
    claims: RwSignal<String>,
    test: ServerAction<TestSelector>,
    tested: RwSignal<Option<(String, String, String)>>,
}

impl TesterState {
    pub fn new(claims: String) -> Self {
        TesterState { claims: RwSignal::new(claims), test: ServerAction::new(), tested: RwSignal::new(None) }
    }
}

#[component]
pub fn SelectorTester(
    #[prop(into)] auth_method: Signal<String>,
    #[prop(into)] selector: Signal<String>,
    /// The chosen method's mappings (`None`: unknown or deleted).
    #[prop(into)]
    method: Signal<Option<MethodInfo>>,
    /// Claims the URL brought back, and the answer computed for them on the server.
    claims: String,
    initial: Option<Result<SelectorTest, ApiError>>,
    placement: Placement,
    /// Kept by the page across re-renders; a fresh one when not given.
    #[prop(optional)]
    state: Option<TesterState>,
) -> impl IntoView {
    let TesterState { claims: claims_sig, test, tested } = state.unwrap_or_else(|| TesterState::new(claims.clone()));
    let initial = StoredValue::new(initial);
    // What the shown answer was computed for, to say when it is out of date.
    if initial.with_value(Option::is_some) {
        tested.update_untracked(|t| {
            t.get_or_insert_with(|| (auth_method.get_untracked(), selector.get_untracked(), claims));
        });
    }
    let result = move || test.value().get().or_else(|| initial.get_value());
    let stale = move || {
        tested.with(|t| {
            t.as_ref()
                .is_some_and(|(m, s, c)| *m != auth_method.get() || *s != selector.get() || claims_sig.with(|x| x != c))
        })
    };
    let run = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        let (m, s, c) = (auth_method.get_untracked(), selector.get_untracked(), claims_sig.get_untracked());
        tested.set(Some((m.clone(), s.clone(), c.clone())));
        test.dispatch(TestSelector { auth_method: m, selector: s, claims: c });
    };
    let (form_action, in_form) = match &placement {
        Placement::InForm(a) => (a.clone(), true),
        Placement::Alone(a) => (a.clone(), false),
    };
    let button = {
        let form_action = form_action.clone();
        move || {
            if in_form {
                view! {
                    <button type="submit" class="button secondary" name="test" value="1" formmethod="get" formaction=form_action.clone() formnovalidate=true on:click=run data-testid="tester-run">
                        {move || if test.pending().get() { "Testing…" } else { "Test the selector" }}
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <button type="submit" class="button secondary" name="test" value="1" on:click=run data-testid="tester-run">
                        {move || if test.pending().get() { "Testing…" } else { "Test the selector" }}
                    </button>
                }
                .into_any()
            }
        }
    };
    let body = view! {
        <p class="help">
            "Paste the claims of a login (the ID token's or JWT's payload, as JSON). They go through the auth method's "
            "claim mappings, as at a real login, and the selector is evaluated with Nomad's rules. Nothing is saved."
        </p>
        <p class="help" data-testid="tester-variables">
            {move || method.with(|m| match m {
                None => "Choose an existing auth method to see the variables a selector can use.".to_string(),
                Some(m) if m.variables().is_empty() => format!("The auth method {} maps no claims: selectors have no variables to test.", m.name),
                Some(m) => format!("With {}, selectors can use: {}.", m.name, m.variables().join(", ")),
            })}
        </p>
        <label for="tester-claims">"Claims (JSON)"</label>
        <textarea
            id="tester-claims"
            name="claims"
            class="code-input"
            rows="8"
            spellcheck="false"
            placeholder=move || method.with(|m| sample_claims(m.as_ref()))
            prop:value=move || claims_sig.get()
            on:input=move |ev| claims_sig.set(event_target_value(&ev))
        >
            {escaped_raw_text(claims_sig.get_untracked())}
        </textarea>
        <div class="form-actions">{button()}</div>
        <div aria-live="polite" data-testid="tester-result">
            {move || stale().then(|| view! { <p class="help" data-testid="tester-stale">"Changed since this answer: test again."</p> })}
            {move || result().map(|r| match r {
                Err(e) => view! { <p class="field-error" role="alert">{e.explain()}</p> }.into_any(),
                Ok(t) => view! { <TestResult t /> }.into_any(),
            })}
        </div>
    };
    if in_form {
        // The editor's form has no region field of its own: without JavaScript, the
        // test (a GET of the editor's fields) must still answer in the page's region.
        view! { <div class="panel selector-tester" id="tester" role="group" aria-labelledby="tester-title">
            <h2 id="tester-title">"Test the selector"</h2>
            <RegionField />
            {body}
        </div> }
        .into_any()
    } else {
        view! { <section class="panel selector-tester" id="tester" aria-labelledby="tester-title">
            <h2 id="tester-title">"Test the selector"</h2>
            <form method="get" action=form_action><RegionField />{body}</form>
        </section> }
        .into_any()
    }
}

/// The verdict, then the variables the claims became.
#[component]
fn TestResult(t: SelectorTest) -> impl IntoView {
    let (class, outcome, text, detail): (&str, &str, String, Option<String>) = match t.outcome {
        Outcome::Match => {
            ("verdict match", "match", "Matches: this rule applies to a login with these claims.".into(), None)
        }
        Outcome::MatchAll => (
            "verdict match",
            "match",
            "Matches: the selector is empty, so every login through the auth method matches.".into(),
            None,
        ),
        Outcome::NoMatch => (
            "verdict no-match",
            "no-match",
            "No match: this rule does not apply to a login with these claims.".into(),
            None,
        ),
        Outcome::Failed(e) => (
            "verdict no-match",
            "no-match",
            "No match: the selector could not be evaluated against these claims, which Nomad counts as no match."
                .into(),
            Some(e),
        ),
        Outcome::Invalid(e) => ("verdict error", "selector-error", "The selector has an error.".into(), Some(e)),
        Outcome::BadClaims(e) => ("verdict error", "claims-error", e, None),
        Outcome::NoMethod(e) => ("verdict error", "method-error", e, None),
    };
    let has_vars = !t.values.is_empty() || !t.lists.is_empty() || !t.absent.is_empty();
    view! {
        <div class=class data-testid="tester-verdict" data-outcome=outcome>
            <p><strong>{text}</strong></p>
            {detail.map(|d| view! { <p><code data-testid="tester-detail">{d}</code></p> })}
        </div>
        {has_vars.then(|| view! {
            <h3>"Variables from these claims"</h3>
            <dl class="facts" data-testid="tester-mapped">
                {t.values.into_iter().map(|(k, v)| view! {
                    <dt><code>{format!("value.{k}")}</code></dt>
                    <dd><code>{serde_json::Value::String(v).to_string()}</code></dd>
                }).collect_view()}
                {t.lists.into_iter().map(|(k, v)| view! {
                    <dt><code>{format!("list.{k}")}</code></dt>
                    <dd><code>{serde_json::to_string(&v).unwrap_or_default()}</code></dd>
                }).collect_view()}
            </dl>
            {(!t.absent.is_empty()).then(|| view! {
                <p class="help" data-testid="tester-absent">
                    {format!("Mapped claims these claims lack (their variables are not set): {}.", t.absent.join(", "))}
                </p>
            })}
        })}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_claims_follow_the_mappings() {
        let m = MethodInfo {
            name: "okta".into(),
            method_type: "OIDC".into(),
            default: true,
            claim_mappings: vec![("email".into(), "email".into()), ("/org/team".into(), "team".into())],
            list_claim_mappings: vec![("groups".into(), "groups".into())],
        };
        let s = sample_claims(Some(&m));
        assert_eq!(s, "{\n  \"email\": \"…\",\n  \"groups\": [\"…\"]\n}");
        assert!(serde_json::from_str::<serde_json::Value>(&s).is_ok());
        assert!(serde_json::from_str::<serde_json::Value>(&sample_claims(None)).is_ok());
    }
}
