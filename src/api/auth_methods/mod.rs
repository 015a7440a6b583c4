//! ACL auth methods (OIDC and JWT): the list, one method, the editor's data, save and
//! delete, and the sign-in page's list (which needs no token).
//!
//! The OIDC client secret is write-only. Nomad itself answers `"redacted"` for a set
//! secret, so the console could not show it if it wanted to; it only says whether one
//! is set. Nomad never returns it either, so an edit can keep it only by leaving the
//! stored config alone (Nomad keeps the stored config when the update sends none):
//! an edit that changes the provider settings must type the secret again.

pub mod form;

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::api::tokens::lifetime::TtlBounds;
pub use form::{Field, MethodInput};

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodRow {
    pub name: String,
    pub method_type: String,
    pub default: bool,
    pub token_locality: String,
    /// Go syntax (`12h0m0s`).
    pub max_token_ttl: String,
    pub token_name_format: String,
    /// Binding rules that name the method; `None` when they cannot be listed.
    pub binding_rules: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodList {
    /// Sorted by name.
    pub methods: Vec<MethodRow>,
}

/// A binding rule that names a method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRef {
    pub id: String,
    pub description: String,
}

/// One method as pages see it: every setting as the editor shows it, the client
/// secret only as "set or not".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodDetail {
    /// The settings; `client_secret` is always empty.
    pub settings: MethodInput,
    pub secret_set: bool,
    /// Whether the method signs its token requests with a client assertion (shown,
    /// not editable here).
    pub client_assertion: bool,
    pub verbose_logging: bool,
    /// Unix seconds.
    pub create_time: i64,
    pub modify_time: i64,
    pub create_index: u64,
    pub modify_index: u64,
    /// `None` when the binding rules cannot be listed.
    pub rules: Option<Vec<RuleRef>>,
    /// This console's OIDC callback URL as the browser reaches it: an OIDC method must
    /// allow it as a redirect URI for the sign-in page to use it.
    pub console_callback: String,
}

/// What the editor needs: the method (when editing) and the cluster's TTL bounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodForm {
    pub method: Option<MethodDetail>,
    pub bounds: TtlBounds,
    /// See [`MethodDetail::console_callback`].
    pub console_callback: String,
}

/// An auth method the sign-in page offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInMethod {
    pub name: String,
    pub method_type: String,
    pub default: bool,
    /// For an OIDC method Nomad cannot start a sign-in with now: why.
    #[serde(default)]
    pub unavailable: Option<String>,
}

/// `/auth-methods/<name>` with the name escaped for a path.
pub fn href(name: &str) -> String {
    format!("/auth-methods/{}", crate::links::percent_encode(name, false))
}

#[server(output = JsonText)]
pub async fn list_auth_methods() -> Result<MethodList, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached("list_auth_methods".to_string(), async move {
        let (a, b) = (client.acl_auth_methods(), client.acl_binding_rules());
        let (stubs, rules) = futures::join!(a.list(&q), b.list(&q));
        let (stubs, _) = stubs?;
        let rules = super::policies::visible(rules)?;
        // The list's stubs lack locality and TTL: read each method (management only anyway).
        let full = futures::future::join_all(stubs.iter().map(|m| a.get(&m.name, &q))).await;
        let mut methods = Vec::with_capacity(stubs.len());
        for m in full {
            let (m, _) = m?;
            methods.push(MethodRow {
                binding_rules: rules.as_ref().map(|r| r.iter().filter(|r| r.auth_method == m.name).count()),
                max_token_ttl: m.max_token_ttl.to_go_string(),
                name: m.name,
                method_type: m.method_type,
                default: m.default,
                token_locality: m.token_locality,
                token_name_format: m.token_name_format,
            });
        }
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(MethodList { methods })
    })
    .await
}

#[server(output = JsonText)]
pub async fn get_auth_method(name: String) -> Result<MethodDetail, ApiError> {
    use super::context::{cached, caller};
    let s = caller()?;
    // Contexts are read before the first await: they are gone after it.
    let (client, q, cb) = (s.nomad.clone(), s.query.clone(), ssr::console_callback());
    cached(format!("get_auth_method:{name}"), async move { ssr::load(&client, &q, &name, cb).await }).await
}

/// The editor's data; `name` empty for a new method.
#[server(output = JsonText)]
pub async fn get_auth_method_form(name: String) -> Result<MethodForm, ApiError> {
    use super::context::{cached, caller};
    let s = caller()?;
    let (client, q, cb) = (s.nomad.clone(), s.query.clone(), ssr::console_callback());
    let bounds = crate::api::tokens::form::ssr::bounds();
    cached(format!("get_auth_method_form:{name}"), async move {
        let method = if name.is_empty() { None } else { Some(ssr::load(&client, &q, &name, cb.clone()).await?) };
        Ok(MethodForm { method, bounds, console_callback: cb })
    })
    .await
}

/// The cluster's auth methods for the sign-in page, the default first. Needs no token
/// (Nomad lists them to anyone, as its own sign-in page relies on).
#[server(output = JsonText)]
pub async fn sign_in_methods() -> Result<Vec<SignInMethod>, ApiError> {
    use super::context::{cached, nomad};
    use crate::server::{session::is_https, sso};
    let client = nomad();
    let callback = use_context::<axum::http::request::Parts>()
        .map(|p| sso::callback_url(&p.headers, is_https(&p.headers, &p.uri)))
        .unwrap_or_default();
    cached("sign_in_methods".to_string(), async move {
        let (stubs, _) = client.acl_auth_methods().list(&crate::nomad::client::QueryOptions::new()).await?;
        let mut out: Vec<SignInMethod> = stubs
            .into_iter()
            .map(|m| SignInMethod { name: m.name, method_type: m.method_type, default: m.default, unavailable: None })
            .collect();
        let asked = out.iter().map(|m| async {
            if m.method_type == "OIDC" {
                sso::unavailable(&client, &m.name, &callback).await
            } else {
                None
            }
        });
        let reasons = futures::future::join_all(asked).await;
        for (m, why) in out.iter_mut().zip(reasons) {
            m.unavailable = why;
        }
        sort_for_sign_in(&mut out);
        Ok(out)
    })
    .await
}

/// The default method first, then by name.
pub fn sort_for_sign_in(methods: &mut [SignInMethod]) {
    methods.sort_by(|a, b| b.default.cmp(&a.default).then_with(|| a.name.cmp(&b.name)));
}

/// Creates (`input.original` empty) or updates a method, checked here with Nomad's rules
/// and texts first; Nomad's own refusals come back as they are. A form posted without
/// JavaScript returns to the editor with the error and the draft (never the secret) in
/// the URL; success goes to the method's page.
#[server(output = JsonText)]
pub async fn save_auth_method(input: MethodInput) -> Result<(), ApiError> {
    use super::context::{caller, error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    // Contexts are read before the first await: they are gone after it.
    let (plain, s) = (plain_form_post(), caller());
    let bounds = crate::api::tokens::form::ssr::bounds();
    let outcome = async {
        let s = s?;
        ssr::save(&s.nomad, &s.query, &s.write, &input, bounds).await
    }
    .await;
    match outcome {
        Ok(name) => {
            crate::api::context::redirect(&format!("{}?saved=1", href(&name)));
            Ok(())
        }
        Err(e) => {
            if plain {
                let base = if input.original.is_empty() {
                    "/auth-methods/new".to_string()
                } else {
                    format!("{}/edit", href(&input.original))
                };
                let values: Vec<(&str, String)> = form::DRAFT_KEYS.iter().map(|k| (*k, input.draft_value(k))).collect();
                let draft: Vec<(&str, &str)> = values.iter().map(|(k, v)| (*k, v.as_str())).collect();
                crate::api::context::redirect(&error_url(&base, SaveAuthMethod::PATH, &e, &draft));
            }
            Err(e)
        }
    }
}

/// Deletes a method. Nomad keeps its binding rules, which then match nothing.
#[server(output = JsonText)]
pub async fn delete_auth_method(name: String) -> Result<(), ApiError> {
    use super::context::{after_delete, caller, plain_form_post};
    use crate::links::percent_encode;
    use leptos::server_fn::ServerFn;
    let (plain, s) = (plain_form_post(), caller());
    let outcome = async {
        let s = s?;
        s.nomad.acl_auth_methods().delete(&name, &s.write).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let done = format!("/auth-methods?deleted={}", percent_encode(&name, false));
    after_delete(outcome, plain, &done, &format!("{}?delete=1", href(&name)), DeleteAuthMethod::PATH)
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::form::{self, MethodInput};
    use super::{MethodDetail, RuleRef};
    use crate::api::error::ApiError;
    use crate::api::tokens::lifetime::TtlBounds;
    use crate::nomad::client::{NomadClient, QueryOptions, WriteOptions};
    use crate::nomad::error::NomadError;
    use crate::nomad::models::{AclAuthMethod, AclAuthMethodConfig, REDACTED};

    /// A stored method as pages see it: the secret becomes "set or not".
    /// This console's OIDC callback URL, from the request (read before any await).
    pub fn console_callback() -> String {
        use leptos::prelude::use_context;
        use_context::<axum::http::request::Parts>()
            .map(|p| {
                let https = crate::server::session::is_https(&p.headers, &p.uri);
                crate::server::sso::callback_url(&p.headers, https)
            })
            .unwrap_or_default()
    }

    pub fn detail(m: &AclAuthMethod, rules: Option<Vec<RuleRef>>, console_callback: String) -> MethodDetail {
        let c = m.config.clone().unwrap_or_default();
        let mut settings = MethodInput::from_method(m);
        settings.client_secret = String::new();
        MethodDetail {
            settings,
            secret_set: !c.oidc_client_secret.is_empty(),
            client_assertion: c.oidc_client_assertion.is_some(),
            verbose_logging: c.verbose_logging,
            create_time: m.create_time.unix_timestamp(),
            modify_time: m.modify_time.unix_timestamp(),
            create_index: m.create_index,
            modify_index: m.modify_index,
            rules,
            console_callback,
        }
    }

    pub async fn load(
        client: &NomadClient,
        q: &QueryOptions,
        name: &str,
        console_callback: String,
    ) -> Result<MethodDetail, ApiError> {
        let (a, b) = (client.acl_auth_methods(), client.acl_binding_rules());
        let (m, rules) = futures::join!(a.get(name, q), b.list(q));
        let (m, _) = m?;
        let rules = crate::api::policies::visible(rules)?.map(|rules| {
            rules
                .into_iter()
                .filter(|r| r.auth_method == m.name)
                .map(|r| RuleRef { id: r.id, description: r.description })
                .collect()
        });
        Ok(detail(&m, rules, console_callback))
    }

    fn invalid(items: Vec<String>) -> ApiError {
        ApiError::Invalid(form::multierror(&items))
    }

    /// Whether a config still holds a value Nomad redacted (it would be stored as is).
    fn has_redacted(c: &AclAuthMethodConfig) -> (bool, bool) {
        let secret = c.oidc_client_secret == REDACTED;
        let assertion = c.oidc_client_assertion.as_ref().is_some_and(|a| {
            a.client_secret == REDACTED || a.private_key.as_ref().is_some_and(|k| k.pem_key == REDACTED)
        });
        (secret, assertion)
    }

    /// What to send for an update: the form on top of the stored method. When the
    /// provider settings did not change, no config is sent, so Nomad keeps the stored
    /// one with its secret; when they did and the secret was not typed again, the
    /// update is refused at the secret field (sending `"redacted"` would store it).
    pub fn update_body(input: &MethodInput, stored: &AclAuthMethod) -> Result<AclAuthMethod, ApiError> {
        let (mut m, _) = form::build(input, stored.config.as_ref());
        let unchanged = match (&m.config, &stored.config) {
            (Some(new), Some(old)) => form::canonical(new) == form::canonical(old),
            _ => false,
        };
        if unchanged {
            m.config = None;
            return Ok(m);
        }
        let (secret, assertion) = m.config.as_ref().map(has_redacted).unwrap_or_default();
        if secret {
            return Err(invalid(vec![
                "OIDCClientSecret: Nomad never returns the stored client secret, so changing the provider settings \
                 must send it again. Type the client secret, or undo the other changes to keep the stored one."
                    .to_string(),
            ]));
        }
        if assertion {
            return Err(invalid(vec![
                "This method signs with a client assertion whose key Nomad does not return: change its provider \
                 settings with the Nomad CLI (nomad acl auth-method update -config)."
                    .to_string(),
            ]));
        }
        Ok(m)
    }

    /// Checks, then creates or updates; the saved method's name.
    pub async fn save(
        client: &NomadClient,
        q: &QueryOptions,
        w: &WriteOptions,
        input: &MethodInput,
        bounds: TtlBounds,
    ) -> Result<String, ApiError> {
        let name = input.name.trim().to_string();
        let creating = input.original.is_empty();
        if !creating && name != input.original {
            return Err(invalid(vec![format!(
                "invalid name '{name}': an auth method cannot be renamed; create a new one instead"
            )]));
        }
        let problems = form::problems(input, bounds);
        if !problems.is_empty() {
            return Err(invalid(problems));
        }
        let api = client.acl_auth_methods();
        let saved = if creating {
            // Nomad's create endpoint updates a method of the same name: refuse instead.
            match api.get(&name, q).await {
                Ok(_) => return Err(invalid(vec![format!("an auth method named {name} already exists")])),
                Err(NomadError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
            let (m, _) = form::build(input, None);
            api.create(&m, w).await?.0
        } else {
            let (stored, _) = api.get(&input.original, q).await?;
            let theirs = MethodInput::from_method(&stored);
            let differs: Vec<(String, bool)> = form::DRAFT_KEYS
                .iter()
                .filter(|k| !matches!(**k, "name" | "method_type"))
                .map(|k| (k.replace('_', " "), theirs.draft_value(k) != input.draft_value(k)))
                .collect();
            let differs: Vec<(&str, bool)> = differs.iter().map(|(k, d)| (k.as_str(), *d)).collect();
            crate::api::error::Conflict::check(
                "auth method",
                input.modify_index,
                input.overwrite,
                stored.modify_index,
                &differs,
            )?;
            let mut input = input.clone();
            // The type is not editable: keep the stored one.
            input.method_type = stored.method_type.clone();
            api.update(&update_body(&input, &stored)?, w).await?.0
        };
        Ok(saved.name)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::api::auth_methods::form::{by_field, Field};

        fn stored() -> AclAuthMethod {
            let i = MethodInput {
                name: "okta".into(),
                discovery_url: "https://idp.example".into(),
                client_id: "abc".into(),
                client_secret: "s3cret".into(),
                scopes: "email".into(),
                ..MethodInput::new_of_type("OIDC")
            };
            let (mut m, _) = form::build(&i, None);
            // As Nomad answers a read: the secret redacted, empty lists as null or [].
            let c = m.config.as_mut().unwrap();
            c.oidc_client_secret = REDACTED.into();
            c.signing_algs = Some(vec![]);
            m
        }

        #[test]
        fn an_edit_that_leaves_the_provider_alone_sends_no_config_so_the_secret_stays() {
            let s = stored();
            let mut input = MethodInput::from_method(&s);
            input.max_token_ttl = "2h".into();
            input.default = true;
            let body = update_body(&input, &s).unwrap();
            assert!(body.config.is_none(), "Nomad keeps the stored config, secret included");
            assert_eq!(body.max_token_ttl.to_go_string(), "2h0m0s");
            assert!(body.default);
        }

        #[test]
        fn a_provider_change_needs_the_secret_again_and_never_sends_redacted() {
            let s = stored();
            let mut input = MethodInput::from_method(&s);
            input.scopes = "email\ngroups".into();
            let e = update_body(&input, &s).unwrap_err();
            assert_eq!(by_field(&e)[0].0, Field::ClientSecret);

            input.client_secret = "n3w".into();
            let body = update_body(&input, &s).unwrap();
            let c = body.config.unwrap();
            assert_eq!(c.oidc_client_secret, "n3w");
            assert_eq!(c.oidc_scopes, Some(vec!["email".to_string(), "groups".to_string()]));
        }

        #[test]
        fn a_new_secret_alone_is_sent() {
            let s = stored();
            let mut input = MethodInput::from_method(&s);
            input.client_secret = "rotated".into();
            assert_eq!(update_body(&input, &s).unwrap().config.unwrap().oidc_client_secret, "rotated");
        }

        #[tokio::test]
        async fn create_edit_delete_both_types_against_the_embedded_nomad() {
            use crate::devnomad::{DevNomad, DevNomadConfig};
            use crate::nomad::client::NomadConfig;
            let dn = DevNomad::new(DevNomadConfig::default()).unwrap();
            let token = dn.seed_demo().unwrap();
            let client = NomadClient::new(&NomadConfig {
                address: dn.clone().spawn_local().await.unwrap(),
                ..Default::default()
            })
            .unwrap();
            let (q, w) = (QueryOptions::new().with_token(token.clone()), WriteOptions::new().with_token(token));
            let bounds = TtlBounds::default();
            let secret_of = |n: &str| dn.stored_auth_method(n).unwrap().config.unwrap().oidc_client_secret;

            // OIDC: created with its secret, which no page data carries.
            let input = MethodInput {
                name: "unit-oidc".into(),
                discovery_url: "https://idp.example".into(),
                client_id: "cid".into(),
                client_secret: "unit-s3cret".into(),
                scopes: "email".into(),
                ..MethodInput::new_of_type("OIDC")
            };
            assert_eq!(save(&client, &q, &w, &input, bounds).await.unwrap(), "unit-oidc");
            assert_eq!(secret_of("unit-oidc"), "unit-s3cret");
            let d = load(&client, &q, "unit-oidc", String::new()).await.unwrap();
            assert!(d.secret_set);
            assert!(!serde_json::to_string(&d).unwrap().contains("unit-s3cret"));

            // The same name again is refused, not merged into the stored method.
            let again = MethodInput { client_secret: "other".into(), ..input.clone() };
            let e = save(&client, &q, &w, &again, bounds).await.unwrap_err();
            assert_eq!(by_field(&e)[0].0, Field::Name);
            assert_eq!(secret_of("unit-oidc"), "unit-s3cret");

            // An edit that leaves the secret empty keeps it.
            let mut edit = d.settings.clone();
            edit.max_token_ttl = "2h".into();
            edit.default = false;
            save(&client, &q, &w, &edit, bounds).await.unwrap();
            let stored = dn.stored_auth_method("unit-oidc").unwrap();
            assert_eq!(stored.max_token_ttl.to_go_string(), "2h0m0s");
            assert_eq!(secret_of("unit-oidc"), "unit-s3cret");
            // The editor's index is now stale: a save from it is refused until it is
            // reopened at the stored one (or overwrites on purpose).
            let stale = save(&client, &q, &w, &edit, bounds).await.unwrap_err();
            assert!(matches!(stale, crate::api::error::ApiError::ChangedElsewhere(_)), "{stale:?}");
            edit.modify_index = stored.modify_index;

            // A provider change needs the secret typed again; then it is replaced.
            edit.scopes = "email\ngroups".into();
            let e = save(&client, &q, &w, &edit, bounds).await.unwrap_err();
            assert_eq!(by_field(&e)[0].0, Field::ClientSecret);
            assert_eq!(secret_of("unit-oidc"), "unit-s3cret");
            edit.client_secret = "rotated".into();
            save(&client, &q, &w, &edit, bounds).await.unwrap();
            assert_eq!(secret_of("unit-oidc"), "rotated");
            assert_eq!(
                dn.stored_auth_method("unit-oidc").unwrap().config.unwrap().oidc_scopes,
                Some(vec!["email".to_string(), "groups".to_string()])
            );

            // JWT: created, edited, deleted; Nomad's own refusal comes back at its field.
            let jwt = MethodInput { name: "unit-jwt".into(), ..MethodInput::new_of_type("JWT") };
            let e = save(&client, &q, &w, &jwt, bounds).await.unwrap_err();
            assert_eq!(by_field(&e)[0].0, Field::KeySource);
            let jwt = MethodInput { jwks_url: "https://ci.example/jwks".into(), default: true, ..jwt };
            let e = save(&client, &q, &w, &jwt, bounds).await.unwrap_err();
            assert_eq!(by_field(&e), vec![(Field::Default, "default method already exists: okta".to_string())]);
            let jwt = MethodInput { default: false, ..jwt };
            save(&client, &q, &w, &jwt, bounds).await.unwrap();
            let mut jedit = load(&client, &q, "unit-jwt", String::new()).await.unwrap().settings;
            jedit.bound_audiences = "nomad".into();
            save(&client, &q, &w, &jedit, bounds).await.unwrap();
            let stored = dn.stored_auth_method("unit-jwt").unwrap().config.unwrap();
            assert_eq!(stored.bound_audiences, Some(vec!["nomad".to_string()]));
            assert_eq!(stored.jwks_url, "https://ci.example/jwks");

            for name in ["unit-oidc", "unit-jwt"] {
                client.acl_auth_methods().delete(name, &w).await.unwrap();
                assert!(dn.stored_auth_method(name).is_none());
            }
        }

        #[test]
        fn pages_never_get_the_secret() {
            let mut s = stored();
            s.config.as_mut().unwrap().oidc_client_secret = "s3cret".into();
            let d = detail(&s, None, String::new());
            assert!(d.secret_set);
            assert!(!serde_json::to_string(&d).unwrap().contains("s3cret"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_in_lists_the_default_first() {
        let m = |n: &str, d: bool| SignInMethod {
            name: n.into(),
            method_type: "OIDC".into(),
            default: d,
            unavailable: None,
        };
        let mut v = vec![m("b", false), m("z", true), m("a", false)];
        sort_for_sign_in(&mut v);
        assert_eq!(v.iter().map(|m| m.name.as_str()).collect::<Vec<_>>(), vec!["z", "a", "b"]);
    }
}
