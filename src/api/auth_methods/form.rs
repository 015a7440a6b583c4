//! The auth-method editor's fields as posted, turned into Nomad's model and checked
//! with Nomad's rules and texts. Compiled for the browser too, so the form
//! shows the same messages before anything is sent.
//!
//! The OIDC client secret is write-only: [`MethodInput::client_secret`] comes from the
//! form and goes to Nomad, never back to a page, a URL or a log ([`MethodInput`]'s
//! `Debug` hides it).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;
use crate::api::tokens::lifetime::TtlBounds;
use crate::nomad::duration::GoDuration;
use crate::nomad::error::NomadError;
use crate::nomad::models::{
    AclAuthMethod, AclAuthMethodConfig, OidcClientAssertion, AUTH_METHOD_TYPE_JWT, AUTH_METHOD_TYPE_OIDC,
    TOKEN_LOCALITY_LOCAL,
};
use crate::nomad::validate::{invalid, messages};

/// Nomad's default token name format (an empty one becomes this).
pub const DEFAULT_NAME_FORMAT: &str = "${auth_method_type}-${auth_method_name}";

/// The form as posted: text as typed, lists one per line, maps as `key=value` lines.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct MethodInput {
    /// The stored method's name when editing; empty when creating.
    pub original: String,
    pub name: String,
    /// `OIDC` or `JWT`.
    pub method_type: String,
    pub token_locality: String,
    pub max_token_ttl: String,
    pub token_name_format: String,
    pub default: bool,
    pub discovery_url: String,
    pub discovery_ca_pem: String,
    pub client_id: String,
    /// Write-only; empty on edit means "keep the stored one".
    pub client_secret: String,
    pub scopes: String,
    pub allowed_redirect_uris: String,
    pub disable_user_info: bool,
    pub enable_pkce: bool,
    pub jwks_url: String,
    pub jwks_ca_cert: String,
    pub jwt_validation_pub_keys: String,
    pub bound_issuer: String,
    pub bound_audiences: String,
    pub signing_algs: String,
    pub claim_mappings: String,
    pub list_claim_mappings: String,
    pub clock_skew_leeway: String,
    pub expiration_leeway: String,
    pub not_before_leeway: String,
    /// `VerboseLogging`: Nomad logs the claims and the rules' verdicts of each login.
    pub verbose_logging: bool,
    /// `OIDCClientAssertion.KeySource`: empty for none, else `nomad`, `private_key` or
    /// `client_secret`. The inline `PemKey` is not in the form (Nomad never returns it);
    /// a stored one is kept.
    pub assertion_key_source: String,
    pub assertion_audience: String,
    pub assertion_key_algorithm: String,
    pub assertion_pem_key_file: String,
    pub assertion_key_id: String,
    pub assertion_key_id_header: String,
    pub assertion_pem_cert_file: String,
    /// The stored method's modify index when the editor opened (0: do not compare).
    pub modify_index: u64,
    /// Save even though the method changed since (ticked after a conflict).
    pub overwrite: bool,
}

impl std::fmt::Debug for MethodInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MethodInput")
            .field("name", &self.name)
            .field("method_type", &self.method_type)
            .field("client_secret_given", &!self.client_secret.is_empty())
            .finish_non_exhaustive()
    }
}

/// The draft fields a refused no-JavaScript save brings back in the URL: everything
/// but the client secret.
pub const DRAFT_KEYS: [&str; 32] = [
    "name",
    "method_type",
    "token_locality",
    "max_token_ttl",
    "token_name_format",
    "default",
    "discovery_url",
    "discovery_ca_pem",
    "client_id",
    "scopes",
    "allowed_redirect_uris",
    "disable_user_info",
    "enable_pkce",
    "jwks_url",
    "jwks_ca_cert",
    "jwt_validation_pub_keys",
    "bound_issuer",
    "bound_audiences",
    "signing_algs",
    "claim_mappings",
    "list_claim_mappings",
    "clock_skew_leeway",
    "expiration_leeway",
    "not_before_leeway",
    "verbose_logging",
    "assertion_key_source",
    "assertion_audience",
    "assertion_key_algorithm",
    "assertion_pem_key_file",
    "assertion_key_id",
    "assertion_key_id_header",
    "assertion_pem_cert_file",
];

/// `OIDCClientAssertion.KeySource` values.
pub const KEY_SOURCES: [&str; 3] = ["nomad", "private_key", "client_secret"];

impl MethodInput {
    /// A new method's starting values.
    pub fn new_of_type(method_type: &str) -> Self {
        MethodInput {
            method_type: if method_type == AUTH_METHOD_TYPE_JWT { AUTH_METHOD_TYPE_JWT } else { AUTH_METHOD_TYPE_OIDC }
                .to_string(),
            token_locality: TOKEN_LOCALITY_LOCAL.to_string(),
            max_token_ttl: "1h".to_string(),
            ..Default::default()
        }
    }

    pub fn is_oidc(&self) -> bool {
        self.method_type == AUTH_METHOD_TYPE_OIDC
    }

    /// The form filled from a stored method (the secret field stays empty).
    pub fn from_method(m: &AclAuthMethod) -> Self {
        let c = m.config.clone().unwrap_or_default();
        let lines = |v: &Option<Vec<String>>| v.as_deref().unwrap_or_default().join("\n");
        let pems = |v: &Option<Vec<String>>| {
            v.as_deref().unwrap_or_default().iter().map(|p| p.trim_end().to_string()).collect::<Vec<_>>().join("\n")
        };
        let map = |v: &Option<BTreeMap<String, String>>| {
            v.iter().flatten().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("\n")
        };
        let assertion = c.oidc_client_assertion.clone().unwrap_or_default();
        let key = assertion.private_key.clone().unwrap_or_default();
        MethodInput {
            modify_index: m.modify_index,
            overwrite: false,
            original: m.name.clone(),
            name: m.name.clone(),
            method_type: m.method_type.clone(),
            token_locality: m.token_locality.clone(),
            max_token_ttl: m.max_token_ttl.to_json_string(),
            token_name_format: m.token_name_format.clone(),
            default: m.default,
            discovery_url: c.oidc_discovery_url.clone(),
            discovery_ca_pem: pems(&c.discovery_ca_pem),
            client_id: c.oidc_client_id.clone(),
            client_secret: String::new(),
            scopes: lines(&c.oidc_scopes),
            allowed_redirect_uris: lines(&c.allowed_redirect_uris),
            disable_user_info: c.oidc_disable_user_info,
            enable_pkce: c.oidc_enable_pkce,
            jwks_url: c.jwks_url.clone(),
            jwks_ca_cert: c.jwks_ca_cert.clone(),
            jwt_validation_pub_keys: pems(&c.jwt_validation_pub_keys),
            bound_issuer: lines(&c.bound_issuer),
            bound_audiences: lines(&c.bound_audiences),
            signing_algs: lines(&c.signing_algs),
            claim_mappings: map(&c.claim_mappings),
            list_claim_mappings: map(&c.list_claim_mappings),
            clock_skew_leeway: c.clock_skew_leeway.to_json_string(),
            expiration_leeway: c.expiration_leeway.to_json_string(),
            not_before_leeway: c.not_before_leeway.to_json_string(),
            verbose_logging: c.verbose_logging,
            assertion_key_source: assertion.key_source.clone(),
            assertion_audience: lines(&assertion.audience),
            assertion_key_algorithm: assertion.key_algorithm.clone(),
            assertion_pem_key_file: key.pem_key_file.clone(),
            assertion_key_id: key.key_id.clone(),
            assertion_key_id_header: key.key_id_header.clone(),
            assertion_pem_cert_file: key.pem_cert_file.clone(),
        }
    }

    /// The value of a draft key (see [`DRAFT_KEYS`]), as the URL carries it.
    pub fn draft_value(&self, key: &str) -> String {
        let flag = |b: bool| if b { "true" } else { "" }.to_string();
        match key {
            "name" => self.name.clone(),
            "method_type" => self.method_type.clone(),
            "token_locality" => self.token_locality.clone(),
            "max_token_ttl" => self.max_token_ttl.clone(),
            "token_name_format" => self.token_name_format.clone(),
            "default" => flag(self.default),
            "discovery_url" => self.discovery_url.clone(),
            "discovery_ca_pem" => self.discovery_ca_pem.clone(),
            "client_id" => self.client_id.clone(),
            "scopes" => self.scopes.clone(),
            "allowed_redirect_uris" => self.allowed_redirect_uris.clone(),
            "disable_user_info" => flag(self.disable_user_info),
            "enable_pkce" => flag(self.enable_pkce),
            "jwks_url" => self.jwks_url.clone(),
            "jwks_ca_cert" => self.jwks_ca_cert.clone(),
            "jwt_validation_pub_keys" => self.jwt_validation_pub_keys.clone(),
            "bound_issuer" => self.bound_issuer.clone(),
            "bound_audiences" => self.bound_audiences.clone(),
            "signing_algs" => self.signing_algs.clone(),
            "claim_mappings" => self.claim_mappings.clone(),
            "list_claim_mappings" => self.list_claim_mappings.clone(),
            "clock_skew_leeway" => self.clock_skew_leeway.clone(),
            "expiration_leeway" => self.expiration_leeway.clone(),
            "not_before_leeway" => self.not_before_leeway.clone(),
            "verbose_logging" => flag(self.verbose_logging),
            "assertion_key_source" => self.assertion_key_source.clone(),
            "assertion_audience" => self.assertion_audience.clone(),
            "assertion_key_algorithm" => self.assertion_key_algorithm.clone(),
            "assertion_pem_key_file" => self.assertion_pem_key_file.clone(),
            "assertion_key_id" => self.assertion_key_id.clone(),
            "assertion_key_id_header" => self.assertion_key_id_header.clone(),
            "assertion_pem_cert_file" => self.assertion_pem_cert_file.clone(),
            _ => String::new(),
        }
    }

    /// Sets a draft key from the URL (unknown keys and the secret are ignored).
    pub fn set_draft_value(&mut self, key: &str, v: String) {
        let flag = !v.is_empty() && v != "false";
        match key {
            "name" => self.name = v,
            "method_type" => self.method_type = v,
            "token_locality" => self.token_locality = v,
            "max_token_ttl" => self.max_token_ttl = v,
            "token_name_format" => self.token_name_format = v,
            "default" => self.default = flag,
            "discovery_url" => self.discovery_url = v,
            "discovery_ca_pem" => self.discovery_ca_pem = v,
            "client_id" => self.client_id = v,
            "scopes" => self.scopes = v,
            "allowed_redirect_uris" => self.allowed_redirect_uris = v,
            "disable_user_info" => self.disable_user_info = flag,
            "enable_pkce" => self.enable_pkce = flag,
            "jwks_url" => self.jwks_url = v,
            "jwks_ca_cert" => self.jwks_ca_cert = v,
            "jwt_validation_pub_keys" => self.jwt_validation_pub_keys = v,
            "bound_issuer" => self.bound_issuer = v,
            "bound_audiences" => self.bound_audiences = v,
            "signing_algs" => self.signing_algs = v,
            "claim_mappings" => self.claim_mappings = v,
            "list_claim_mappings" => self.list_claim_mappings = v,
            "clock_skew_leeway" => self.clock_skew_leeway = v,
            "expiration_leeway" => self.expiration_leeway = v,
            "not_before_leeway" => self.not_before_leeway = v,
            "verbose_logging" => self.verbose_logging = flag,
            "assertion_key_source" => self.assertion_key_source = v,
            "assertion_audience" => self.assertion_audience = v,
            "assertion_key_algorithm" => self.assertion_key_algorithm = v,
            "assertion_pem_key_file" => self.assertion_pem_key_file = v,
            "assertion_key_id" => self.assertion_key_id = v,
            "assertion_key_id_header" => self.assertion_key_id_header = v,
            "assertion_pem_cert_file" => self.assertion_pem_cert_file = v,
            _ => {}
        }
    }
}

/// One item per non-empty line, trimmed; `None` when there are none.
pub fn lines(text: &str) -> Option<Vec<String>> {
    let v: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect();
    (!v.is_empty()).then_some(v)
}

/// PEM blocks, each ending at its `-----END ...-----` line; text after the last one
/// is kept as one more item (Nomad then says what is wrong with it).
pub fn pem_blocks(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        cur.push(line);
        if line.starts_with("-----END") {
            out.push(cur.join("\n"));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    (!out.is_empty()).then_some(out)
}

/// `claim=name` lines. The message names the Nomad field and the line.
pub fn mappings(text: &str, field: &str) -> Result<Option<BTreeMap<String, String>>, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(format!("invalid {field}: line {} is not claim=name: {line}", i + 1));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() || v.is_empty() {
            return Err(format!("invalid {field}: line {} is not claim=name: {line}", i + 1));
        }
        if out.insert(k.to_string(), v.to_string()).is_some() {
            return Err(format!("invalid {field}: claim {k} is mapped twice"));
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

fn duration(text: &str, field: &str, problems: &mut Vec<String>) -> GoDuration {
    match GoDuration::parse(text.trim()) {
        Ok(d) if d.is_negative() => {
            problems.push(format!("invalid {field}: must not be negative"));
            GoDuration::ZERO
        }
        Ok(d) => d,
        Err(e) => {
            problems.push(format!("invalid {field}: {e}"));
            GoDuration::ZERO
        }
    }
}

/// Writes the form's provider settings for its type into `c`, leaving the fields the
/// form does not show (the other type's fields, a client assertion's inline key and
/// extra headers) as they are. The client secret is set only when one was typed.
pub fn apply_config(i: &MethodInput, c: &mut AclAuthMethodConfig, problems: &mut Vec<String>) {
    c.oidc_discovery_url = i.discovery_url.trim().to_string();
    c.discovery_ca_pem = pem_blocks(&i.discovery_ca_pem);
    c.bound_audiences = lines(&i.bound_audiences);
    c.signing_algs = lines(&i.signing_algs);
    match mappings(&i.claim_mappings, "ClaimMappings") {
        Ok(m) => c.claim_mappings = m,
        Err(e) => problems.push(e),
    }
    match mappings(&i.list_claim_mappings, "ListClaimMappings") {
        Ok(m) => c.list_claim_mappings = m,
        Err(e) => problems.push(e),
    }
    c.clock_skew_leeway = duration(&i.clock_skew_leeway, "ClockSkewLeeway", problems);
    c.expiration_leeway = duration(&i.expiration_leeway, "ExpirationLeeway", problems);
    c.not_before_leeway = duration(&i.not_before_leeway, "NotBeforeLeeway", problems);
    c.verbose_logging = i.verbose_logging;
    if i.is_oidc() {
        c.oidc_client_assertion = client_assertion(i, c.oidc_client_assertion.take());
        c.oidc_client_id = i.client_id.trim().to_string();
        if !i.client_secret.is_empty() {
            c.oidc_client_secret = i.client_secret.clone();
        }
        c.oidc_scopes = lines(&i.scopes);
        c.allowed_redirect_uris = lines(&i.allowed_redirect_uris);
        c.oidc_disable_user_info = i.disable_user_info;
        c.oidc_enable_pkce = i.enable_pkce;
    } else {
        c.jwks_url = i.jwks_url.trim().to_string();
        c.jwks_ca_cert = i.jwks_ca_cert.trim().to_string();
        c.jwt_validation_pub_keys = pem_blocks(&i.jwt_validation_pub_keys);
        c.bound_issuer = lines(&i.bound_issuer);
    }
}

/// The client assertion the form describes, on top of the stored one (whose inline key
/// and extra headers it keeps); `None` when no key source is chosen.
fn client_assertion(i: &MethodInput, stored: Option<OidcClientAssertion>) -> Option<OidcClientAssertion> {
    let source = i.assertion_key_source.trim();
    if source.is_empty() {
        return None;
    }
    let mut a = stored.unwrap_or_default();
    a.key_source = source.to_string();
    a.audience = lines(&i.assertion_audience);
    a.key_algorithm = i.assertion_key_algorithm.trim().to_string();
    if source == "private_key" {
        let mut k = a.private_key.take().unwrap_or_default();
        k.pem_key_file = i.assertion_pem_key_file.trim().to_string();
        k.key_id = i.assertion_key_id.trim().to_string();
        k.key_id_header = i.assertion_key_id_header.trim().to_string();
        k.pem_cert_file = i.assertion_pem_cert_file.trim().to_string();
        a.private_key = Some(k);
    } else {
        a.private_key = None;
    }
    Some(a)
}

/// The method the form describes, on top of `base` (the stored config when editing),
/// with the problems found while reading the fields (bad durations, bad mapping lines).
pub fn build(i: &MethodInput, base: Option<&AclAuthMethodConfig>) -> (AclAuthMethod, Vec<String>) {
    let mut problems = Vec::new();
    let max_token_ttl = duration(&i.max_token_ttl, "MaxTokenTTL", &mut problems);
    let mut config = base.cloned().unwrap_or_default();
    apply_config(i, &mut config, &mut problems);
    let m = AclAuthMethod {
        max_token_ttl,
        name: i.name.trim().to_string(),
        method_type: i.method_type.clone(),
        token_locality: i.token_locality.clone(),
        token_name_format: i.token_name_format.trim().to_string(),
        default: i.default,
        config: Some(config),
        ..Default::default()
    };
    (m, problems)
}

/// Nomad's checks of `m` (the core's), as the items of `auth method 0 invalid: ...`.
pub fn nomad_problems(m: &AclAuthMethod, bounds: TtlBounds) -> Vec<String> {
    let nanos = |secs: i64| GoDuration::from_secs(secs).as_nanos();
    messages(&m.validate(nanos(bounds.min_secs), nanos(bounds.max_secs)))
}

/// Everything wrong with the form: the fields that do not read, then Nomad's checks.
/// An edit that leaves the write-only secret empty keeps the stored one, which the
/// form cannot see, so Nomad alone decides whether a `client_secret` assertion has it.
pub fn problems(i: &MethodInput, bounds: TtlBounds) -> Vec<String> {
    let (m, mut p) = build(i, None);
    let secret_kept = !i.original.is_empty() && i.client_secret.is_empty();
    p.extend(
        nomad_problems(&m, bounds).into_iter().filter(|m| !(secret_kept && m.contains("OIDCClientSecret is required"))),
    );
    p
}

/// `c` in a canonical shape, to tell whether a form changed a stored config: empty
/// lists and maps read as absent, PEM lines and list items are trimmed.
pub fn canonical(c: &AclAuthMethodConfig) -> AclAuthMethodConfig {
    let list = |v: &Option<Vec<String>>| {
        let items: Vec<String> = v
            .iter()
            .flatten()
            .map(|s| s.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n"))
            .filter(|s| !s.is_empty())
            .collect();
        (!items.is_empty()).then_some(items)
    };
    let map = |v: &Option<BTreeMap<String, String>>| v.clone().filter(|m| !m.is_empty());
    let mut out = c.clone();
    out.discovery_ca_pem = list(&c.discovery_ca_pem);
    out.jwt_validation_pub_keys = list(&c.jwt_validation_pub_keys);
    out.oidc_scopes = list(&c.oidc_scopes);
    out.bound_audiences = list(&c.bound_audiences);
    out.bound_issuer = list(&c.bound_issuer);
    out.allowed_redirect_uris = list(&c.allowed_redirect_uris);
    out.signing_algs = list(&c.signing_algs);
    out.claim_mappings = map(&c.claim_mappings);
    out.list_claim_mappings = map(&c.list_claim_mappings);
    out.jwks_ca_cert = c.jwks_ca_cert.trim().to_string();
    out
}

/// The text Nomad answers for a refused method: `auth method 0 invalid: ...`.
pub fn multierror(items: &[String]) -> String {
    invalid("auth method", items)
}

pub use crate::nomad::validate::auth_method::{field_of, Field};

fn is_list_head(s: &str) -> bool {
    s.ends_with("error occurred:") || s.ends_with("errors occurred:")
}

/// The messages of a refused save, each with its field: Nomad's multierror item by item
/// (a nested `invalid config:` list flattened). Other errors (permission, Nomad down)
/// come back whole, as `Other`.
pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
    let items = match e {
        ApiError::Invalid(m) => NomadError::InvalidRequest { message: m.clone() }.details(),
        ApiError::Nomad(n @ NomadError::InvalidRequest { .. }) => n.details(),
        other => return vec![(Field::Other, other.explain())],
    };
    items
        .into_iter()
        .map(|i| i.strip_prefix("auth method 0 invalid: ").map(str::to_string).unwrap_or(i))
        .filter(|i| !is_list_head(i.strip_prefix("invalid config: ").unwrap_or(i)))
        .map(|i| (field_of(&i), i))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oidc() -> MethodInput {
        MethodInput {
            name: "okta".into(),
            discovery_url: "https://idp.example".into(),
            client_id: "abc".into(),
            ..MethodInput::new_of_type("OIDC")
        }
    }

    #[test]
    fn a_complete_oidc_form_is_valid_and_builds_nomads_model() {
        let mut i = oidc();
        i.client_secret = "s3cret".into();
        i.scopes = "groups\n\n email \n".into();
        i.claim_mappings = "email=email\nname = name".into();
        i.default = true;
        assert_eq!(problems(&i, TtlBounds::default()), Vec::<String>::new());
        let (m, p) = build(&i, None);
        assert!(p.is_empty());
        let c = m.config.unwrap();
        assert_eq!(c.oidc_scopes, Some(vec!["groups".to_string(), "email".to_string()]));
        assert_eq!(c.claim_mappings.unwrap().get("name").map(String::as_str), Some("name"));
        assert_eq!(c.oidc_client_secret, "s3cret");
        assert_eq!(m.max_token_ttl, GoDuration::from_hours(1));
        assert!(m.default);
        assert!(!format!("{i:?}").contains("s3cret"), "Debug hides the secret");
    }

    #[test]
    fn nomads_texts_in_nomads_order() {
        let i = MethodInput {
            name: "bad name".into(),
            token_locality: "planet".into(),
            max_token_ttl: String::new(),
            ..MethodInput::new_of_type("OIDC")
        };
        assert_eq!(
            problems(&i, TtlBounds::default()),
            vec![
                "invalid name 'bad name'".to_string(),
                "invalid token locality 'planet'".to_string(),
                "invalid config: 2 errors occurred:\n\t* missing OIDCDiscoveryURL\n\t* missing OIDCClientID\n\n"
                    .to_string(),
                "invalid MaxTokenTTL value '0s' (should be between 1m0s and 24h0m0s)".to_string(),
            ]
        );
        let jwt = MethodInput { name: "ci".into(), ..MethodInput::new_of_type("JWT") };
        assert_eq!(
            problems(&jwt, TtlBounds::default()),
            vec!["invalid config: JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set"]
        );
        let ok = MethodInput { jwks_url: "https://ci.example/jwks".into(), ..jwt };
        assert!(problems(&ok, TtlBounds::default()).is_empty());
    }

    #[test]
    fn unreadable_fields_say_which_and_why() {
        let i = MethodInput {
            clock_skew_leeway: "5 minutes".into(),
            expiration_leeway: "-1s".into(),
            claim_mappings: "email".into(),
            list_claim_mappings: "groups=groups\ngroups=teams".into(),
            ..oidc()
        };
        let p = problems(&i, TtlBounds::default());
        assert_eq!(p.len(), 4, "{p:?}");
        let fields: Vec<Field> = p.iter().map(|m| field_of(m)).collect();
        assert_eq!(
            fields,
            vec![Field::ClaimMappings, Field::ListClaimMappings, Field::ClockSkew, Field::ExpirationLeeway]
        );
        assert!(p[2].starts_with("invalid ClockSkewLeeway: time: "), "{}", p[2]);
    }

    #[test]
    fn nested_multierror_lands_on_each_field() {
        // Nomad's answer for an OIDC method without discovery URL and client ID.
        let text = multierror(&[
            "invalid name 'x y'".into(),
            format!(
                "invalid config: {}",
                crate::nomad::validate::multierror(&["missing OIDCDiscoveryURL".into(), "missing OIDCClientID".into()])
            ),
        ]);
        let got = by_field(&ApiError::Nomad(NomadError::InvalidRequest { message: text }));
        assert_eq!(
            got,
            vec![
                (Field::Name, "invalid name 'x y'".to_string()),
                (Field::DiscoveryUrl, "missing OIDCDiscoveryURL".to_string()),
                (Field::ClientId, "missing OIDCClientID".to_string()),
            ]
        );
        let single =
            ApiError::Nomad(NomadError::InvalidRequest { message: "default method already exists: okta".into() });
        assert_eq!(by_field(&single)[0].0, Field::Default);
        let down = ApiError::Nomad(NomadError::Server { status: 500, message: "rpc error".into() });
        assert_eq!(by_field(&down)[0].0, Field::Other);
    }

    #[test]
    fn pems_split_at_their_end_lines_and_edit_keeps_unshown_fields() {
        let two = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n\n-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
        let blocks = pem_blocks(two).unwrap();
        assert_eq!(blocks.len(), 2);
        assert!(blocks[1].starts_with("-----BEGIN") && blocks[1].ends_with("-----END CERTIFICATE-----"));
        assert_eq!(pem_blocks("  \n"), None);

        let stored = AclAuthMethodConfig {
            oidc_client_secret: "redacted".into(),
            verbose_logging: true,
            jwks_url: "https://other-type.example".into(),
            ..Default::default()
        };
        let (m, _) = build(&oidc(), Some(&stored));
        let c = m.config.unwrap();
        assert!(!c.verbose_logging, "the form's verbose logging box decides");
        assert_eq!(c.jwks_url, "https://other-type.example", "fields the form does not show are kept");
        assert_eq!(c.oidc_client_secret, "redacted", "an empty secret field does not replace it");
        assert_eq!(c.oidc_discovery_url, "https://idp.example");
    }

    #[test]
    fn client_assertion_and_verbose_logging_are_in_the_form() {
        let mut i = oidc();
        i.verbose_logging = true;
        i.enable_pkce = true;
        i.assertion_key_source = "private_key".into();
        i.assertion_pem_key_file = "/etc/nomad/assertion.pem".into();
        i.assertion_key_id = "key-1".into();
        i.assertion_key_id_header = "kid".into();
        assert_eq!(problems(&i, TtlBounds::default()), Vec::<String>::new());
        // The stored inline key (redacted by Nomad) and extra headers are kept.
        let stored = AclAuthMethodConfig {
            oidc_client_assertion: Some(OidcClientAssertion {
                key_source: "private_key".into(),
                extra_headers: Some(BTreeMap::from([("typ".to_string(), "JWT".to_string())])),
                ..Default::default()
            }),
            ..Default::default()
        };
        let (m, _) = build(&i, Some(&stored));
        let c = m.config.clone().unwrap();
        assert!(c.verbose_logging && c.oidc_enable_pkce);
        let a = c.oidc_client_assertion.clone().unwrap();
        assert_eq!(a.key_source, "private_key");
        assert_eq!(a.extra_headers.as_ref().unwrap()["typ"], "JWT");
        let k = a.private_key.unwrap();
        assert_eq!(
            (k.pem_key_file.as_str(), k.key_id.as_str(), k.key_id_header.as_str()),
            ("/etc/nomad/assertion.pem", "key-1", "kid")
        );
        // Nomad's JSON field names.
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["VerboseLogging"], true);
        assert_eq!(json["OIDCEnablePKCE"], true);
        assert_eq!(json["OIDCClientAssertion"]["KeySource"], "private_key");
        assert_eq!(json["OIDCClientAssertion"]["PrivateKey"]["PemKeyFile"], "/etc/nomad/assertion.pem");
        assert_eq!(json["OIDCClientAssertion"]["PrivateKey"]["KeyIDHeader"], "kid");
        let back = MethodInput::from_method(&m);
        assert_eq!((back.assertion_key_source.as_str(), back.assertion_key_id.as_str()), ("private_key", "key-1"));
        assert!(back.verbose_logging);

        i.assertion_key_source = "magic".into();
        let p = problems(&i, TtlBounds::default());
        assert_eq!(p, vec!["invalid config: invalid client assertion config: invalid KeySource \"magic\"".to_string()]);
        assert_eq!(field_of(&p[0]), Field::ClientAssertion);
        i.assertion_key_source = "private_key".into();
        i.assertion_pem_key_file = String::new();
        assert!(problems(&i, TtlBounds::default())[0].ends_with("invalid PrivateKey: missing PemKey or PemKeyFile"));
        i.assertion_key_source = String::new();
        assert_eq!(build(&i, Some(&stored)).0.config.unwrap().oidc_client_assertion, None, "no key source: none");
    }

    #[test]
    fn the_form_round_trips_a_stored_method_without_its_secret() {
        let mut i = oidc();
        i.client_secret = "s3cret".into();
        i.discovery_ca_pem = "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----".into();
        i.clock_skew_leeway = "5s".into();
        let (mut m, _) = build(&i, None);
        m.config.as_mut().unwrap().oidc_client_secret = "redacted".into();
        let back = MethodInput::from_method(&m);
        assert_eq!(back.client_secret, "");
        assert_eq!(back.discovery_ca_pem, i.discovery_ca_pem);
        assert_eq!(back.clock_skew_leeway, "5s");
        assert_eq!(back.original, "okta");
        for k in DRAFT_KEYS {
            let mut d = MethodInput::default();
            d.set_draft_value(k, back.draft_value(k));
            assert_eq!(d.draft_value(k), back.draft_value(k), "{k}");
        }
    }
}
