//! Creating and editing tokens: the choices a form offers, the checks it makes
//! before posting (Nomad's rules and texts), and the two server functions.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::lifetime::{LifetimeInput, TtlBounds};
use crate::api::error::ApiError;

pub use crate::api::policies::PolicyChoice;

/// A role a token can carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleChoice {
    pub id: String,
    pub name: String,
    pub description: String,
    pub policies: Vec<String>,
}

/// Everything the create and edit forms offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenFormOptions {
    pub policies: Vec<PolicyChoice>,
    pub roles: Vec<RoleChoice>,
    pub bounds: TtlBounds,
    /// Unix seconds.
    pub server_now: i64,
}

#[server(output = JsonText)]
pub async fn get_token_form_options() -> Result<TokenFormOptions, ApiError> {
    use crate::api::context::cached;
    let s = crate::api::context::caller()?;
    cached("get_token_form_options".to_string(), async move { ssr::options(&s.query).await }).await
}

/// Creates a token. On success the browser goes to the new token's page, which shows
/// the secret once (carried there in the encrypted one-shot cookie, never in a URL).
#[server(output = JsonText)]
#[allow(clippy::too_many_arguments)]
pub async fn create_token(
    name: String,
    token_type: String,
    #[server(default)] policies: Vec<String>,
    #[server(default)] roles: Vec<String>,
    #[server(default)] global: bool,
    #[server(default)] lifetime: LifetimeInput,
) -> Result<(), ApiError> {
    use crate::api::context::{error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let draft = Draft { name, token_type, policies, roles, global };
    let plain = plain_form_post();
    match ssr::create(&draft, &lifetime).await {
        Ok(accessor) => {
            crate::api::context::redirect(&format!("/tokens/{accessor}?created=1"));
            Ok(())
        }
        Err(e) => {
            if plain {
                let mut fields = draft.query_pairs();
                fields.extend([
                    ("expiry", lifetime.expiry.clone()),
                    ("ttl", lifetime.ttl.clone()),
                    ("at_local", lifetime.at_local.clone()),
                ]);
                let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                crate::api::context::redirect(&error_url("/tokens/new", CreateToken::PATH, &e, &pairs));
            }
            Err(e)
        }
    }
}

/// A token made by "Create a test token", for the page that asked: shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestTokenMade {
    pub accessor_id: String,
    pub name: String,
    pub secret_id: crate::nomad::models::SecretId,
}

/// How long a test token lives, as the create form writes it.
pub const TEST_TOKEN_TTL: &str = "10m";

/// "Create a test token": a client token that lives [`TEST_TOKEN_TTL`] and carries
/// one policy (`policy`) or one role (`role_id`, named `role_name`). Called from a
/// hydrated page, the page stays and shows the secret once; a plain form post goes
/// to the new token's page, which shows it once (never in a URL).
#[server(output = JsonText)]
pub async fn create_test_token(
    #[server(default)] policy: String,
    #[server(default)] role_id: String,
    #[server(default)] role_name: String,
) -> Result<Option<TestTokenMade>, ApiError> {
    use crate::api::context::plain_form_post;
    let draft = if role_id.is_empty() {
        Draft {
            name: format!("test token for policy {policy}"),
            token_type: "client".into(),
            policies: vec![policy],
            ..Default::default()
        }
    } else {
        Draft {
            name: format!("test token for role {role_name}"),
            token_type: "client".into(),
            roles: vec![role_id],
            ..Default::default()
        }
    };
    let lifetime = LifetimeInput { expiry: TEST_TOKEN_TTL.into(), ..Default::default() };
    // Contexts are read before the first await, as `ssr::create` does.
    let (plain, courier) = (plain_form_post(), crate::api::tokens::secret::ssr::Courier::new());
    let made = ssr::create_only(&draft, &lifetime).await?;
    if plain {
        courier.leave(&made.accessor_id, &made.secret_id, "created", "");
        let page = crate::links::percent_encode(&made.accessor_id, false);
        crate::api::context::redirect(&format!("/tokens/{page}?created=1"));
        return Ok(None);
    }
    Ok(Some(TestTokenMade { accessor_id: made.accessor_id, name: made.name, secret_id: made.secret_id }))
}

/// Changes a token's name, type, policies and roles. Its lifetime and locality stay
/// as they are (Nomad refuses to change them).
#[server(output = JsonText)]
pub async fn update_token(
    accessor_id: String,
    name: String,
    token_type: String,
    #[server(default)] policies: Vec<String>,
    #[server(default)] roles: Vec<String>,
    // The token's modify index when the form opened (0: do not compare).
    #[server(default)] modify_index: u64,
    // Save even though the token changed since (ticked after a conflict).
    #[server(default)] overwrite: bool,
) -> Result<(), ApiError> {
    use crate::api::context::{error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let draft = Draft { name, token_type, policies, roles, global: false };
    let plain = plain_form_post();
    match ssr::update(&accessor_id, &draft, modify_index, overwrite).await {
        Ok(index) => {
            // The new modify index makes the URL new, so the page loads the saved token.
            let page = crate::links::percent_encode(&accessor_id, false);
            crate::api::context::redirect(&format!("/tokens/{page}?saved={index}"));
            Ok(())
        }
        Err(e) => {
            if plain {
                let base = format!("/tokens/{}", crate::links::percent_encode(&accessor_id, false));
                crate::api::context::redirect(&error_url(&base, UpdateToken::PATH, &e, &[]));
            }
            Err(e)
        }
    }
}

/// The form's fields other than the lifetime.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    pub name: String,
    pub token_type: String,
    pub policies: Vec<String>,
    /// Role IDs.
    pub roles: Vec<String>,
    pub global: bool,
}

impl Draft {
    /// The draft as URL query pairs, for a refused no-JavaScript post.
    pub fn query_pairs(&self) -> Vec<(&'static str, String)> {
        let mut v = vec![("name", self.name.clone()), ("token_type", self.token_type.clone())];
        v.extend(self.policies.iter().map(|p| ("policy", p.clone())));
        v.extend(self.roles.iter().map(|r| ("role", r.clone())));
        if self.global {
            v.push(("global", "true".to_string()));
        }
        v
    }

    /// The checks Nomad makes on every token, with its texts.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(m) = validate::name(&self.name) {
            out.push(m);
        }
        if let Some(m) = validate::grants(&self.token_type, &self.policies, &self.roles) {
            out.push(m);
        }
        out
    }
}

/// Nomad's token checks (the core's, one source for the embedded server and the
/// form), and what the form shows for each.
pub mod validate {
    use crate::api::error::ApiError;

    pub use crate::nomad::validate::token::{field_of, name, Field, MAX_NAME};

    /// A client token needs a policy or a role; a management token takes neither.
    pub fn grants(token_type: &str, policies: &[String], roles: &[String]) -> Option<String> {
        crate::nomad::validate::token::grants(token_type, policies.len(), roles.len()).map(|p| p.message)
    }

    /// What to show next to a field for Nomad's own text (a person reads the field label too).
    pub fn friendly(message: &str) -> String {
        match message {
            "token name too long" => format!("token name too long: at most {MAX_NAME} bytes."),
            "client token missing policies or roles" => {
                "client token missing policies or roles: choose at least one policy or role.".to_string()
            }
            other => other.to_string(),
        }
    }

    /// The messages of a refused save, each with its field. Other errors (permission,
    /// Nomad down) come back whole, as `Other`.
    pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
        e.by_field("token 0 invalid: ", Field::Other, |i| (field_of(i), friendly(i)))
    }
}

/// `nomad acl token create ...` for a token like this one.
pub fn cli_command(name: &str, token_type: &str, policies: &[String], role_names: &[String], global: bool) -> String {
    let mut parts = vec!["nomad acl token create".to_string()];
    if !name.is_empty() {
        parts.push(format!("-name={}", shell_quote(name)));
    }
    parts.push(format!("-type={token_type}"));
    if global {
        parts.push("-global".to_string());
    }
    parts.extend(policies.iter().map(|p| format!("-policy={}", shell_quote(p))));
    parts.extend(role_names.iter().map(|r| format!("-role-name={}", shell_quote(r))));
    parts.join(" ")
}

/// Quotes for a POSIX shell when needed (names may hold anything).
pub fn shell_quote(s: &str) -> String {
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.:/@".contains(&b)) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use super::*;
    use crate::api::context::nomad;
    use crate::api::tokens::lifetime::Lifetime;
    use crate::nomad::client::QueryOptions;
    use crate::nomad::duration::GoDuration;
    use crate::nomad::models::{AclToken, AclTokenRoleLink};

    pub async fn options(q: &QueryOptions) -> Result<TokenFormOptions, ApiError> {
        let (client, bounds) = (nomad(), bounds());
        let (p, r) = (client.acl_policies(), client.acl_roles());
        let (policies, roles) = futures::join!(p.list(q), r.list(q));
        let (mut policies, _) = policies?;
        let (mut roles, _) = roles?;
        policies.sort_by(|a, b| a.name.cmp(&b.name));
        roles.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(TokenFormOptions {
            policies: policies.into_iter().map(|p| PolicyChoice { name: p.name, description: p.description }).collect(),
            roles: roles
                .into_iter()
                .map(|r| RoleChoice {
                    id: r.id,
                    name: r.name,
                    description: r.description,
                    policies: r.policies.into_iter().map(|p| p.name).collect(),
                })
                .collect(),
            bounds,
            server_now: time::OffsetDateTime::now_utc().unix_timestamp(),
        })
    }

    pub fn bounds() -> TtlBounds {
        use_context::<TtlBounds>().unwrap_or_default()
    }

    /// Management tokens carry nothing; the form may still post what was ticked before
    /// the type changed, so drop it rather than fail.
    pub fn normalized(d: &Draft) -> Draft {
        let mut d = d.clone();
        d.name = d.name.trim().to_string();
        if d.token_type == "management" {
            d.policies.clear();
            d.roles.clear();
        }
        d.policies.sort();
        d.policies.dedup();
        d
    }

    pub fn problems_as_error(problems: Vec<String>) -> ApiError {
        let head = if problems.len() == 1 {
            "1 error occurred:".to_string()
        } else {
            format!("{} errors occurred:", problems.len())
        };
        let list: String = problems.iter().map(|i| format!("\n\t* {i}")).collect();
        ApiError::Invalid(format!("token 0 invalid: {head}{list}\n\n"))
    }

    /// A token for `d` with `lifetime`, ready to create.
    pub fn new_token(d: &Draft, lifetime: Lifetime) -> AclToken {
        let mut t = AclToken {
            name: d.name.clone(),
            token_type: d.token_type.clone(),
            policies: (!d.policies.is_empty()).then(|| d.policies.clone()),
            roles: (!d.roles.is_empty())
                .then(|| d.roles.iter().map(|id| AclTokenRoleLink { id: id.clone(), name: String::new() }).collect()),
            global: d.global,
            ..Default::default()
        };
        match lifetime {
            Lifetime::Never => {}
            Lifetime::Ttl(nanos) => t.expiration_ttl = GoDuration::from_nanos(nanos),
            Lifetime::At(unix) => t.expiration_time = time::OffsetDateTime::from_unix_timestamp(unix).ok(),
        }
        t
    }

    /// Creates the token and leaves its secret for the next page; returns the accessor.
    pub async fn create(draft: &Draft, lifetime: &LifetimeInput) -> Result<String, ApiError> {
        let courier = crate::api::tokens::secret::ssr::Courier::new();
        let created = create_only(draft, lifetime).await?;
        courier.leave(&created.accessor_id, &created.secret_id, "created", "");
        Ok(created.accessor_id)
    }

    /// Checks and creates the token; the caller decides where its secret goes.
    pub async fn create_only(draft: &Draft, lifetime: &LifetimeInput) -> Result<AclToken, ApiError> {
        let s = crate::api::context::caller()?;
        let client = s.nomad.clone();
        let d = normalized(draft);
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let mut problems = d.problems();
        let life = lifetime.resolve(bounds(), now);
        if let Err(m) = &life {
            problems.push(format!("expiration: {m}"));
        }
        if !problems.is_empty() {
            return Err(problems_as_error(problems));
        }
        let token = new_token(&d, life.expect("checked above"));
        let (created, _) = client.acl_tokens().create(&token, &s.write).await?;
        Ok(created)
    }

    /// Returns the token's new modify index.
    /// Returns the token's new modify index. `opened_at` is the index the form was
    /// opened at: a token changed since is not written over unless `overwrite`.
    pub async fn update(accessor: &str, draft: &Draft, opened_at: u64, overwrite: bool) -> Result<u64, ApiError> {
        let s = crate::api::context::caller()?;
        let client = s.nomad.clone();
        let (mut token, _) = client.acl_tokens().get(accessor, &s.query).await?;
        let d = normalized(draft);
        let problems = d.problems();
        if !problems.is_empty() {
            return Err(problems_as_error(problems));
        }
        let sorted = |mut v: Vec<String>| {
            v.sort();
            v
        };
        let stored_roles = token.roles.iter().flatten().map(|r| r.id.clone()).collect();
        let differs = [
            ("name", token.name != d.name),
            ("type", token.token_type != d.token_type),
            ("policies", sorted(token.policies.clone().unwrap_or_default()) != sorted(d.policies.clone())),
            ("roles", sorted(stored_roles) != sorted(d.roles.clone())),
        ];
        crate::api::error::Conflict::check("token", opened_at, overwrite, token.modify_index, &differs)?;
        // Everything else (ExpirationTTL, the verbatim ExpirationTime, Global) goes back
        // exactly as read: Nomad compares them and refuses any change.
        token.name = d.name;
        token.token_type = d.token_type;
        token.policies = Some(d.policies);
        token.roles = Some(d.roles.into_iter().map(|id| AclTokenRoleLink { id, name: String::new() }).collect());
        let (updated, _) = client.acl_tokens().update(&token, &s.write).await?;
        Ok(updated.modify_index)
    }
}

#[cfg(test)]
mod tests {
    use super::validate::*;
    use super::*;

    fn v(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn nomad_rules_and_texts() {
        assert_eq!(name(&"x".repeat(256)), None);
        assert_eq!(name(&"x".repeat(257)).as_deref(), Some("token name too long"));
        assert_eq!(grants("client", &[], &[]).as_deref(), Some("client token missing policies or roles"));
        assert_eq!(grants("client", &v(&["a"]), &[]), None);
        assert_eq!(grants("client", &[], &v(&["role-id"])), None);
        assert_eq!(
            grants("management", &v(&["a"]), &[]).as_deref(),
            Some("management token cannot be associated with policies or roles")
        );
        assert_eq!(grants("management", &[], &[]), None);
        assert_eq!(grants("", &[], &[]).as_deref(), Some("token type must be client or management"));
    }

    #[test]
    fn nomad_messages_land_on_their_fields() {
        let e = ApiError::Invalid(
            "token 0 invalid: 2 errors occurred:\n\t* token name too long\n\t* client token missing policies or roles\n\n"
                .into(),
        );
        let got = by_field(&e);
        assert_eq!(got[0].0, Field::Name);
        assert!(got[0].1.starts_with("token name too long"));
        assert_eq!(got[1].0, Field::Grants);
        assert_eq!(field_of("cannot find role 1234"), Field::Grants);
        assert_eq!(field_of("expiration time cannot be more than 24h0m0s in the future (was 25h0m0s)"), Field::Expiry);
        assert_eq!(field_of("token expiration TTL '-1m0s' should not be negative"), Field::Expiry);
        assert_eq!(field_of("cannot toggle global mode"), Field::Type);
        let denied = ApiError::Nomad(crate::nomad::error::NomadError::PermissionDenied { message: "x".into() });
        assert_eq!(by_field(&denied)[0].0, Field::Other);
    }

    #[test]
    fn cli_command_quotes_what_needs_it() {
        assert_eq!(
            cli_command("ci deploy", "client", &v(&["read", "o'neil"]), &v(&["ops"]), true),
            "nomad acl token create -name='ci deploy' -type=client -global -policy=read -policy='o'\\''neil' -role-name=ops"
        );
        assert_eq!(cli_command("", "management", &[], &[], false), "nomad acl token create -type=management");
        assert_eq!(shell_quote("$(rm -rf /)"), "'$(rm -rf /)'");
    }
}
