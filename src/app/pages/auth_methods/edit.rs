use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::type_label;
use crate::api::auth_methods::form::{self, field_of, Field, MethodInput, DEFAULT_NAME_FORMAT, DRAFT_KEYS};
use crate::api::auth_methods::{get_auth_method_form, href, SaveAuthMethod};
use crate::api::error::ApiError;
use crate::api::live::Kind;
use crate::api::tokens::lifetime::TtlBounds;
use crate::app::components::error_panel;
use crate::app::components::field::FieldErrors;
use crate::app::components::loaded::Loaded;
use crate::app::components::page::{crumb, Breadcrumbs};
use crate::app::components::region_note::ReplicatedNote;
use crate::app::components::save_error::{answer_about, changed_elsewhere, OpenedIndex, SaveError};
use crate::app::components::toast::{use_toasts, ToastKind};
use crate::app::live::EditGuard;
use crate::app::raw_text::escaped_raw_text;
use crate::app::region::at;
use crate::nomad::error::NomadError;

/// The stored (or new) settings under the draft a refused no-JavaScript save brought
/// back in the URL (the draft never holds the secret).
fn with_draft(mut base: MethodInput) -> MethodInput {
    let q = use_query_map();
    q.with_untracked(|q| {
        if q.get("name").is_some() {
            for k in DRAFT_KEYS {
                base.set_draft_value(k, q.get(k).unwrap_or_default());
            }
        }
    });
    base
}

/// `/auth-methods/new` (`?type=JWT` for a JWT method).
#[component]
pub fn AuthMethodNewPage() -> impl IntoView {
    let query = use_query_map();
    let method_type = Memo::new(move |_| {
        query.with(|q| q.get("type").or_else(|| q.get("method_type")).unwrap_or_default().to_ascii_uppercase())
    });
    let form = Resource::new(|| (), |_| get_auth_method_form(String::new()));
    view! {
        <Title text="Create auth method" />
        <Breadcrumbs trail=vec![crumb("Auth methods", "/auth-methods")] current="Create" />
        <h1>"Create auth method"</h1>
        <nav class="type-tabs" aria-label="Type">
            {move || ["OIDC", "JWT"].into_iter().map(|t| {
                let current = method_type.get() == t || (t == "OIDC" && method_type.get() != "JWT");
                view! {
                    <a href=at(format!("/auth-methods/new?type={t}")) class="button" class:secondary=!current aria-current=current.then_some("page")>
                        {type_label(t)}
                    </a>
                }
            }).collect_view()}
        </nav>
        <Loaded resource=form what="the editor" let:f>
            {
                let initial = with_draft(MethodInput::new_of_type(&method_type.get()));
                view! { <MethodEditor initial bounds=f.bounds secret_set=false callback=f.console_callback /> }
            }
        </Loaded>
    }
}

/// `/auth-methods/:name/edit`.
#[component]
pub fn AuthMethodEditPage() -> impl IntoView {
    let params = use_params_map();
    let name = Memo::new(move |_| params.with(|p| p.get("name").unwrap_or_default()));
    let form = Resource::new(
        move || name.get(),
        |name| async move {
            let form = get_auth_method_form(name).await?;
            match form.method {
                Some(m) => Ok((m, form.bounds, form.console_callback)),
                None => Err(ApiError::Nomad(NomadError::NotFound { message: "ACL auth-method not found".into() })),
            }
        },
    );
    view! {
        <Loaded resource=form what="the auth method" list=error_panel::AUTH_METHODS kind="Edit auth method" let:f>
            {
                let (m, bounds, console_callback) = f;
                let name = m.settings.name.clone();
                let initial = with_draft(m.settings.clone());
                view! {
                    <Title text=format!("Edit auth method {name}") />
                    <Breadcrumbs trail=vec![crumb("Auth methods", "/auth-methods"), crumb(&name, &href(&name))] current="Edit" />
                    <h1>"Edit auth method " <code>{name.clone()}</code></h1>
                    <EditGuard kind=&[Kind::AuthMethods] id=name.clone() modify_index=m.modify_index what="auth method" />
                    <MethodEditor initial bounds secret_set=m.secret_set callback=console_callback />
                }
            }
        </Loaded>
    }
}

/// The editor's state; every piece is `Copy`, so views take it by value.
#[derive(Clone, Copy)]
struct Ctx {
    form: RwSignal<MethodInput>,
    /// Fields the user has changed: their own checks show from then on.
    edited: RwSignal<Vec<Field>>,
    save: ServerAction<SaveAuthMethod>,
    bounds: TtlBounds,
}

impl Ctx {
    /// The field's own checks, once the user has changed it.
    fn own(&self, f: Field) -> Vec<String> {
        if self.edited.with(|e| e.contains(&f)) {
            self.form.with(|i| form::problems(i, self.bounds)).into_iter().filter(|m| field_of(m) == f).collect()
        } else {
            Vec::new()
        }
    }

    /// What the answer to the last save said about the field.
    fn answer(&self, f: Field) -> Vec<String> {
        self.save.value().with(|v| answer_about(v, form::by_field, f))
    }

    fn errors(&self, f: Field) -> Vec<String> {
        let mut out = self.own(f);
        for m in self.answer(f) {
            if !out.contains(&m) {
                out.push(m);
            }
        }
        out
    }

    fn touch(&self, f: Option<Field>) {
        if let Some(f) = f {
            if !self.edited.with_untracked(|e| e.contains(&f)) {
                self.edited.update(|e| e.push(f));
            }
        }
    }
}

/// One field's messages (its own checks and the server's refusals).
fn errors_view(ctx: Ctx, id: String, f: Option<Field>) -> AnyView {
    let on =
        move |of: fn(&Ctx, Field) -> Vec<String>| Signal::derive(move || f.map(|f| of(&ctx, f)).unwrap_or_default());
    view! { <FieldErrors id local=on(Ctx::own) server=on(Ctx::answer) /> }.into_any()
}

/// A text field bound to the draft key `key` (posted as `input[key]`).
#[derive(Clone, Copy)]
struct Text {
    key: &'static str,
    label: &'static str,
    help: &'static str,
    field: Option<Field>,
    /// Rows for a textarea; 0 for a one-line input.
    rows: u8,
    placeholder: &'static str,
}

fn text(ctx: Ctx, t: Text) -> AnyView {
    let id = format!("method-{}", t.key.replace('_', "-"));
    let (help_id, err_id) = (format!("{id}-help"), format!("{id}-error"));
    let described = format!("{help_id} {err_id}");
    let initial = ctx.form.with_untracked(|i| i.draft_value(t.key));
    let value = move || ctx.form.with(|i| i.draft_value(t.key));
    let on_input = move |ev: leptos::ev::Event| {
        let v = event_target_value(&ev);
        ctx.form.update(|i| i.set_draft_value(t.key, v));
        ctx.touch(t.field);
    };
    let invalid = move || t.field.is_some_and(|f| !ctx.errors(f).is_empty()).to_string();
    let name = format!("input[{}]", t.key);
    let control = if t.rows == 0 {
        view! {
            <input
                id=id.clone() name=name type="text" autocomplete="off" spellcheck="false" placeholder=t.placeholder
                value=initial prop:value=value on:input=on_input aria-describedby=described aria-invalid=invalid
            />
        }
        .into_any()
    } else {
        view! {
            <textarea
                id=id.clone() name=name rows=t.rows.to_string() wrap="off" spellcheck="false" autocapitalize="off" autocomplete="off"
                placeholder=t.placeholder prop:value=value on:input=on_input aria-describedby=described aria-invalid=invalid
            >{escaped_raw_text(initial)}</textarea>
        }
        .into_any()
    };
    view! {
        <label for=id>{t.label}</label>
        {control}
        <p id=help_id class="help">{t.help}</p>
        {errors_view(ctx, err_id, t.field)}
    }
    .into_any()
}

/// A checkbox bound to the draft key `key` (posted as `input[key]=true` when ticked).
fn checkbox(ctx: Ctx, key: &'static str, label: &'static str, help: &'static str, field: Option<Field>) -> AnyView {
    let id = format!("method-{}", key.replace('_', "-"));
    let checked = ctx.form.with_untracked(|i| !i.draft_value(key).is_empty());
    view! {
        <div class="field checkbox">
            <label>
                <input
                    type="checkbox" id=id.clone() name=format!("input[{key}]") value="true" checked=checked
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        ctx.form.update(|i| i.set_draft_value(key, if on { "true".into() } else { String::new() }));
                        ctx.touch(field);
                    }
                />
                " " {label}
            </label>
            <p class="help">{help}</p>
            {errors_view(ctx, format!("{id}-error"), field)}
        </div>
    }
    .into_any()
}

/// A choice among fixed values, bound to the draft key `key` (posted as `input[key]`).
fn choice(
    ctx: Ctx,
    key: &'static str,
    label: &'static str,
    help: &'static str,
    options: &'static [(&'static str, &'static str)],
    field: Option<Field>,
) -> AnyView {
    let id = format!("method-{}", key.replace('_', "-"));
    let (help_id, err_id) = (format!("{id}-help"), format!("{id}-error"));
    let initial = ctx.form.with_untracked(|i| i.draft_value(key));
    view! {
        <label for=id.clone()>{label}</label>
        <select
            id=id name=format!("input[{key}]") aria-describedby=format!("{help_id} {err_id}")
            on:change=move |ev| {
                ctx.form.update(|i| i.set_draft_value(key, event_target_value(&ev)));
                ctx.touch(field);
            }
        >
            {options.iter().map(|(v, l)| view! { <option value=*v selected=initial == *v>{*l}</option> }).collect_view()}
        </select>
        <p id=help_id class="help">{help}</p>
        {errors_view(ctx, err_id, field)}
    }
    .into_any()
}

/// The editor: a real form posted to `save_auth_method` (works without JavaScript).
/// After hydration each field is checked as it changes, with Nomad's own texts.
#[component]
fn MethodEditor(initial: MethodInput, bounds: TtlBounds, secret_set: bool, callback: String) -> impl IntoView {
    let create = initial.original.is_empty();
    let oidc = initial.is_oidc();
    let save = ServerAction::<SaveAuthMethod>::new();
    let ctx = Ctx { form: RwSignal::new(initial.clone()), edited: RwSignal::new(Vec::new()), save, bounds };
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let (Some(Ok(())), Some(t)) = (save.value().get(), toasts) {
            t.show(ToastKind::Success, "Auth method saved");
        }
    });
    let cancel = if create { "/auth-methods".to_string() } else { href(&initial.original) };
    let locality = initial.token_locality.clone();
    let radio = move |value: &'static str, label: &'static str| {
        let id = format!("method-locality-{value}");
        view! {
            <label for=id.clone()>
                <input type="radio" id=id.clone() name="input[token_locality]" value=value checked=locality == value
                    on:change=move |_| ctx.form.update(|i| i.token_locality = value.to_string()) />
                " " {label}
            </label>
        }
    };
    let range = format!("Between {} and {} on this cluster.", bounds.min_text(), bounds.max_text());
    let other = move || ctx.errors(Field::Other);

    view! {
        <ActionForm action=save attr:class="method-editor">
            <ReplicatedNote what="This auth method" />
            <input type="hidden" name="input[original]" value=initial.original.clone() />
            <input type="hidden" name="input[method_type]" value=initial.method_type.clone() />
            <OpenedIndex name="input[modify_index]" current=initial.modify_index />
            <SaveError messages=Signal::derive(other) overwrite_name="input[overwrite]"
                conflict=Signal::derive(move || save.value().with(changed_elsewhere)) reload=format!("{}/edit", href(&initial.original)) />
            <fieldset class="form">
                <legend>"The method"</legend>
                <label for="method-name">"Name"</label>
                <input
                    id="method-name" name="input[name]" type="text" required maxlength="128" autocomplete="off" spellcheck="false"
                    readonly=!create value=initial.name.clone()
                    prop:value=move || ctx.form.with(|i| i.name.clone())
                    on:input=move |ev| { ctx.form.update(|i| i.name = event_target_value(&ev)); ctx.touch(Some(Field::Name)); }
                    aria-describedby="method-name-help method-name-error"
                    aria-invalid=move || (!ctx.errors(Field::Name).is_empty()).to_string()
                />
                <p id="method-name-help" class="help">
                    {if create { "Letters, digits and dashes, at most 128. Used in sign-in and in binding rules; it cannot change later." } else { "A method cannot be renamed: create a new one and move its binding rules." }}
                </p>
                {errors_view(ctx, "method-name-error".into(), Some(Field::Name))}
                <p class="help">"Type: " <strong data-testid="method-type-chosen">{initial.method_type.clone()}</strong> " — " {type_label(&initial.method_type)}</p>
                {errors_view(ctx, "method-type-error".into(), Some(Field::Type))}
            </fieldset>

            <fieldset class="form">
                <legend>"Tokens it creates"</legend>
                <div class="radio-row" role="radiogroup" aria-label="Token locality">
                    {radio("local", "Local: valid in this region only")}
                    {radio("global", "Global: replicated to every region")}
                </div>
                {errors_view(ctx, "method-locality-error".into(), Some(Field::Locality))}
                {text(ctx, Text { key: "max_token_ttl", label: "Max token TTL", help: "Go duration syntax (e.g. 1h, 8h30m). Tokens this method creates live at most this long.", field: Some(Field::MaxTtl), rows: 0, placeholder: "1h" })}
                <p class="help">{range}</p>
                {text(ctx, Text { key: "token_name_format", label: "Token name format (optional)", help: "Nomad's ${...} template, e.g. ${auth_method_type}-${value.email}. Empty means Nomad's default.", field: None, rows: 0, placeholder: DEFAULT_NAME_FORMAT })}
                {checkbox(ctx, "default", "Default method", "The sign-in page offers it first, and nomad login uses it without -method. One method at most.", Some(Field::Default))}
            </fieldset>

            {if oidc { oidc_fields(ctx, create, secret_set, callback) } else { jwt_fields(ctx) }}

            <fieldset class="form">
                <legend>"Claims and checks"</legend>
                {text(ctx, Text { key: "bound_audiences", label: "Bound audiences", help: "One per line. The token's aud claim must hold one of them.", field: None, rows: 2, placeholder: "" })}
                {text(ctx, Text { key: "signing_algs", label: "Signing algorithms", help: "One per line (e.g. RS256, ES256). Empty means RS256.", field: None, rows: 2, placeholder: "RS256" })}
                {text(ctx, Text { key: "claim_mappings", label: "Claim mappings", help: "claim=name, one per line. Binding rule selectors read them as value.<name>.", field: Some(Field::ClaimMappings), rows: 3, placeholder: "email=email" })}
                {text(ctx, Text { key: "list_claim_mappings", label: "List claim mappings", help: "claim=name, one per line, for list claims (e.g. groups). Selectors read them as list.<name>.", field: Some(Field::ListClaimMappings), rows: 2, placeholder: "groups=groups" })}
                {text(ctx, Text { key: "clock_skew_leeway", label: "Clock skew leeway", help: "Go duration; empty for none.", field: Some(Field::ClockSkew), rows: 0, placeholder: "" })}
                {text(ctx, Text { key: "expiration_leeway", label: "Expiration leeway", help: "Go duration; empty for none.", field: Some(Field::ExpirationLeeway), rows: 0, placeholder: "" })}
                {text(ctx, Text { key: "not_before_leeway", label: "Not-before leeway", help: "Go duration; empty for none.", field: Some(Field::NotBeforeLeeway), rows: 0, placeholder: "" })}
                {checkbox(ctx, "verbose_logging", "Verbose logging", "Nomad logs each login's claims and which binding rules matched, at debug level. For setting a method up; turn it off afterwards.", None)}
            </fieldset>

            <div class="form-actions">
                <button type="submit" class="button" disabled=move || save.pending().get()>
                    {if create { "Create auth method" } else { "Save auth method" }}
                </button>
                <a class="button secondary" href=at(cancel)>"Cancel"</a>
            </div>
        </ActionForm>
    }
}

fn oidc_fields(ctx: Ctx, create: bool, secret_set: bool, callback: String) -> AnyView {
    let secret_help = if secret_set {
        "Set — leave empty to keep it. Nomad never returns it, so a change to the other provider settings needs it typed again."
    } else if create {
        "Optional for a public client (then turn on PKCE). Write-only: never shown again after saving."
    } else {
        "Not set. Write-only: never shown again after saving."
    };
    view! {
        <fieldset class="form">
            <legend>"OIDC provider"</legend>
            {text(ctx, Text { key: "discovery_url", label: "Discovery URL", help: "The provider's issuer URL; Nomad reads /.well-known/openid-configuration under it.", field: Some(Field::DiscoveryUrl), rows: 0, placeholder: "https://idp.example.com" })}
            {text(ctx, Text { key: "discovery_ca_pem", label: "Discovery CA PEMs (optional)", help: "PEM certificates to trust for the provider, pasted one after the other.", field: Some(Field::DiscoveryCaPem), rows: 3, placeholder: "-----BEGIN CERTIFICATE-----" })}
            {text(ctx, Text { key: "client_id", label: "Client ID", help: "The OAuth client registered for Nomad at the provider.", field: Some(Field::ClientId), rows: 0, placeholder: "" })}
            <label for="method-client-secret">"Client secret"</label>
            <input
                id="method-client-secret" name="input[client_secret]" type="password" autocomplete="new-password" spellcheck="false"
                placeholder=if secret_set { "set — leave empty to keep" } else { "" }
                on:input=move |_| ctx.touch(Some(Field::ClientSecret))
                aria-describedby="method-client-secret-help method-client-secret-error"
            />
            <p id="method-client-secret-help" class="help" data-testid="secret-state">{secret_help}</p>
            {errors_view(ctx, "method-client-secret-error".into(), Some(Field::ClientSecret))}
            {text(ctx, Text { key: "scopes", label: "Scopes", help: "One per line, besides openid (e.g. email, groups).", field: None, rows: 2, placeholder: "email" })}
            {text(ctx, Text { key: "allowed_redirect_uris", label: "Allowed redirect URIs", help: "One per line. The Nomad CLI uses http://localhost:4649/oidc/callback; Nomad's UI its /ui/settings/tokens.", field: None, rows: 3, placeholder: "https://console.example/sign-in/oidc/callback" })}
            <p class="help" data-testid="console-callback">
                "To sign in with it on this console, allow " <code>{callback}</code> "."
            </p>
            {checkbox(ctx, "disable_user_info", "Disable user info", "Do not call the provider's userinfo endpoint; claims come from the ID token only.", None)}
            {checkbox(ctx, "enable_pkce", "Use PKCE", "Proof Key for Code Exchange, for providers that require it or public clients.", None)}
        </fieldset>
        <fieldset class="form" data-testid="client-assertion">
            <legend>"Client assertion (optional)"</legend>
            <p class="help">"Instead of sending its client secret, Nomad can prove who it is to the provider with a JWT it signs."</p>
            {choice(ctx, "assertion_key_source", "Key source", "What signs the assertion.", ASSERTION_SOURCES, Some(Field::ClientAssertion))}
            {text(ctx, Text { key: "assertion_audience", label: "Audience", help: "One per line. Empty means the discovery URL.", field: None, rows: 2, placeholder: "" })}
            {text(ctx, Text { key: "assertion_key_algorithm", label: "Key algorithm", help: "Empty means RS256 for a key, HS256 for the client secret.", field: None, rows: 0, placeholder: "RS256" })}
            {text(ctx, Text { key: "assertion_pem_key_file", label: "Private key file (private key source)", help: "Absolute path of a PEM key on the Nomad servers. A key pasted with the Nomad CLI is kept as it is.", field: None, rows: 0, placeholder: "/etc/nomad.d/oidc-assertion.pem" })}
            {text(ctx, Text { key: "assertion_key_id", label: "Key ID (private key source)", help: "Sent as the kid header. Give this or a certificate file.", field: None, rows: 0, placeholder: "" })}
            {text(ctx, Text { key: "assertion_pem_cert_file", label: "Certificate file (private key source)", help: "Absolute path of the key's PEM certificate; its thumbprint names the key.", field: None, rows: 0, placeholder: "" })}
            {text(ctx, Text { key: "assertion_key_id_header", label: "Key ID header (private key source)", help: "kid with a key ID; x5t#S256 (the default) or x5t with a certificate.", field: None, rows: 0, placeholder: "" })}
        </fieldset>
    }
    .into_any()
}

/// `OIDCClientAssertion.KeySource` choices (value, label).
const ASSERTION_SOURCES: &[(&str, &str)] = &[
    ("", "None: send the client secret"),
    ("nomad", "Nomad's own signing key (nomad)"),
    ("private_key", "A private key on the Nomad servers (private_key)"),
    ("client_secret", "The client secret as an HMAC key (client_secret)"),
];

fn jwt_fields(ctx: Ctx) -> AnyView {
    view! {
        <fieldset class="form" aria-describedby="method-key-source-error">
            <legend>"How JWTs are verified"</legend>
            <p class="help">"Give one of: a JWKS URL, validation public keys, or an OIDC discovery URL."</p>
            {errors_view(ctx, "method-key-source-error".into(), Some(Field::KeySource))}
            {text(ctx, Text { key: "jwks_url", label: "JWKS URL", help: "Where the signing keys are published.", field: None, rows: 0, placeholder: "https://ci.example.com/.well-known/jwks" })}
            {text(ctx, Text { key: "jwks_ca_cert", label: "JWKS CA certificate (optional)", help: "PEM certificate to trust for the JWKS URL.", field: None, rows: 3, placeholder: "-----BEGIN CERTIFICATE-----" })}
            {text(ctx, Text { key: "jwt_validation_pub_keys", label: "Validation public keys", help: "PEM public keys, pasted one after the other.", field: None, rows: 4, placeholder: "-----BEGIN PUBLIC KEY-----" })}
            {text(ctx, Text { key: "discovery_url", label: "Discovery URL", help: "An OIDC issuer URL to read the keys from.", field: Some(Field::DiscoveryUrl), rows: 0, placeholder: "" })}
            {text(ctx, Text { key: "discovery_ca_pem", label: "Discovery CA PEMs (optional)", help: "PEM certificates to trust for the discovery URL.", field: Some(Field::DiscoveryCaPem), rows: 3, placeholder: "" })}
            {text(ctx, Text { key: "bound_issuer", label: "Bound issuer", help: "One per line. The token's iss claim must be one of them.", field: None, rows: 2, placeholder: "" })}
        </fieldset>
    }
    .into_any()
}
