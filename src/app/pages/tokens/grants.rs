//! Name, type, policies and roles: the fields the create and edit forms share.

use leptos::prelude::*;

use crate::api::error::ApiError;
use crate::api::tokens::form::validate::{self, Field};
use crate::api::tokens::form::TokenFormOptions;
use crate::app::components::field::{FieldErrors, Radio, TextField};
use crate::app::components::picker::{ordered, policy_choices, role_choices, Picker};
use crate::app::region::at;

/// The signals behind the shared fields.
#[derive(Clone, Copy)]
pub struct GrantState {
    pub name: RwSignal<String>,
    pub token_type: RwSignal<String>,
    pub policies: RwSignal<Vec<String>>,
    pub roles: RwSignal<Vec<String>>,
}

impl GrantState {
    pub fn new(name: String, token_type: String, policies: Vec<String>, roles: Vec<String>) -> Self {
        let token_type = if token_type == "management" { token_type } else { "client".to_string() };
        GrantState {
            name: RwSignal::new(name),
            token_type: RwSignal::new(token_type),
            policies: RwSignal::new(policies),
            roles: RwSignal::new(roles),
        }
    }

    pub fn name_problem(&self) -> Option<String> {
        self.name.with(|n| validate::name(n)).map(|m| validate::friendly(&m))
    }

    /// Management tokens carry nothing; the server drops what stays ticked.
    pub fn grants_problem(&self) -> Option<String> {
        let t = self.token_type.get();
        let (p, r) = if t == "management" { (vec![], vec![]) } else { (self.policies.get(), self.roles.get()) };
        validate::grants(&t, &p, &r).map(|m| validate::friendly(&m))
    }

    pub fn has_problem(&self) -> bool {
        self.name_problem().is_some() || self.grants_problem().is_some()
    }
}

/// The server's messages from a refused save, each with its field.
pub fn server_errors<V>(value: V) -> ServerErrors
where
    V: With<Value = Option<Result<(), ApiError>>> + Copy + Send + Sync + 'static,
{
    ServerErrors(Signal::derive(move || {
        value.with(|v| match v {
            Some(Err(e)) => validate::by_field(e),
            _ => Vec::new(),
        })
    }))
}

#[derive(Clone, Copy)]
pub struct ServerErrors(pub Signal<Vec<(Field, String)>>);

impl ServerErrors {
    /// The messages about `field`.
    pub fn on(self, field: Field) -> Signal<Vec<String>> {
        Signal::derive(move || {
            self.0.with(|all| all.iter().filter(|(f, _)| *f == field).map(|(_, m)| m.clone()).collect())
        })
    }
}

#[component]
pub fn GrantFields(
    state: GrantState,
    options: TokenFormOptions,
    /// Show the page's own checks (after a submit attempt or an edit).
    #[prop(into)]
    show: Signal<bool>,
    errors: ServerErrors,
) -> impl IntoView {
    let management = move || state.token_type.get() == "management";
    let type_radio = move |value: &'static str, label: &'static str| {
        view! { <Radio name="token_type" id=format!("token-type-{value}") value label selected=state.token_type /> }
    };
    let no_policies = view! {
        <p class="muted" data-testid="no-policies">"No policies exist yet. " <a href=at("/policies/new")>"Create a policy"</a> " first, or make a management token."</p>
    }
    .into_any();
    let no_roles = view! {
        <p class="muted">"No roles exist. " <a href=at("/roles/new")>"Create a role"</a> " to bundle policies."</p>
    }
    .into_any();
    view! {
        <TextField id="token-name" name="name" label="Name" value=state.name identifier=true errors_testid="name-error"
            local=Signal::derive(move || state.name_problem()) errors=errors.on(Field::Name)
            help=Signal::derive(move || format!("Optional; at most {} bytes ({} used).", validate::MAX_NAME, state.name.with(String::len))) />

        <fieldset class="radio-group" aria-describedby="type-error">
            <legend>"Type"</legend>
            <div class="radio-row">
                {type_radio("client", "Client: the policies and roles below")}
                {type_radio("management", "Management: every permission")}
            </div>
            <FieldErrors id="type-error" server=errors.on(Field::Type) />
        </fieldset>

        <p class="notice" data-testid="management-note" class:hidden=move || !management()>
            "Management tokens have every permission, so they take no policies or roles: the pickers are hidden."
        </p>
        <div class="grant-pickers" class:hidden=management>
            <Picker name="policies" one="policy" legend="Policies" testid="picker-policies"
                choices=ordered(policy_choices(&options.policies), &state.policies.get_untracked())
                selected=state.policies empty=no_policies described_by="grants-error"
                missing_note="deleted: grants nothing" />
            <Picker name="roles" one="role" legend="Roles" testid="picker-roles"
                choices=ordered(role_choices(&options.roles), &state.roles.get_untracked())
                selected=state.roles empty=no_roles described_by="grants-error"
                missing_note="deleted: Nomad will refuse it" />
        </div>
        <FieldErrors
            id="grants-error"
            local=Signal::derive(move || if show.get() { state.grants_problem().into_iter().collect() } else { Vec::new() })
            server=errors.on(Field::Grants)
        />
    }
}
