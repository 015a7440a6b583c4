//! Serde models for Nomad's ACL HTTP API.
//!
//! Field names are Nomad's Go field names. Every field has a default so any shape
//! Nomad sends (missing keys, `null` slices and maps) deserializes. Go nil-vs-empty
//! distinctions that are visible on the wire (`"Policies": null`) are kept as `Option`.
//!
//! Times keep nanosecond precision and are written like Go's RFC3339Nano
//! (fractional seconds with trailing zeros trimmed, `Z` for UTC), so a stored
//! `ExpirationTime` can be sent back unchanged. Go's zero time is
//! `0001-01-01T00:00:00Z` ([`ZERO_TIME`]).
//!
//! Compiles for wasm32: depends only on serde, serde_json, time and thiserror.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::OffsetDateTime;

pub use crate::duration::GoDuration;

/// Go's zero `time.Time` (`0001-01-01T00:00:00Z`).
pub const ZERO_TIME: OffsetDateTime = time::macros::datetime!(0001-01-01 0:00 UTC);

/// True for Go's zero time.
pub fn is_zero_time(t: &OffsetDateTime) -> bool {
    *t == ZERO_TIME
}

/// Formats a time like Go's `time.RFC3339Nano` (`2026-08-21T10:00:00.123456789Z`,
/// trailing zeros of the fraction trimmed, `Z` for UTC).
pub fn format_rfc3339_nano(t: &OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339).unwrap_or_else(|_| {
        // Offsets with seconds cannot be written as RFC3339; fall back to UTC.
        t.to_offset(time::UtcOffset::UTC).format(&time::format_description::well_known::Rfc3339).unwrap_or_default()
    })
}

/// Parses an RFC3339 time with up to nanosecond precision.
pub fn parse_rfc3339(s: &str) -> Result<OffsetDateTime, time::error::Parse> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
}

/// Serde for a Go `time.Time` written by Go `encoding/json` (ACLToken, ACLAuthMethod):
/// always a string, zero time as `"0001-01-01T00:00:00Z"`. `null` reads as zero time.
pub mod go_time {
    use super::*;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format_rfc3339_nano(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        match v {
            None => Ok(ZERO_TIME),
            Some(s) if s.is_empty() => Ok(ZERO_TIME),
            Some(s) => parse_rfc3339(&s).map_err(serde::de::Error::custom),
        }
    }
}

/// Serde for a Go `time.Time` written by the go-msgpack JSON codec (roles, binding
/// rules, list stubs): zero time is written as `null`. `null` reads as zero time.
pub mod go_time_codec {
    use super::*;

    pub fn serialize<S: Serializer>(t: &OffsetDateTime, s: S) -> Result<S::Ok, S::Error> {
        if is_zero_time(t) {
            s.serialize_none()
        } else {
            s.serialize_str(&format_rfc3339_nano(t))
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<OffsetDateTime, D::Error> {
        go_time::deserialize(d)
    }
}

/// Serde for a Go `*time.Time` (`null` when nil).
pub mod go_time_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<OffsetDateTime>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            None => s.serialize_none(),
            Some(t) => s.serialize_str(&format_rfc3339_nano(t)),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<OffsetDateTime>, D::Error> {
        let v: Option<String> = Option::deserialize(d)?;
        match v {
            None => Ok(None),
            Some(s) => parse_rfc3339(&s).map(Some).map_err(serde::de::Error::custom),
        }
    }
}

/// `null` reads as the type's default (Go nil slice / map).
fn null_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------
// SecretId
// ---------------------------------------------------------------------------

/// A secret: token `SecretID`, `BootstrapSecret`, `OneTimeSecretID`.
///
/// Serialized transparently as a string. `Debug` and `Display` print `<redacted>`;
/// use [`SecretId::expose`] to get the value.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretId(#[serde(deserialize_with = "null_default")] String);

impl SecretId {
    pub fn new(secret: String) -> Self {
        SecretId(secret)
    }
    /// The secret value. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn into_inner(self) -> String {
        self.0
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl fmt::Display for SecretId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl From<String> for SecretId {
    fn from(s: String) -> Self {
        SecretId(s)
    }
}

impl From<&str> for SecretId {
    fn from(s: &str) -> Self {
        SecretId(s.to_string())
    }
}

// ---------------------------------------------------------------------------
// Policies (4.1, 4.2)
// ---------------------------------------------------------------------------

/// `JobACL` of a workload-associated policy.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct JobAcl {
    pub namespace: String,
    #[serde(rename = "JobID")]
    pub job_id: String,
    pub group: String,
    pub task: String,
}

/// Full ACL policy (`GET /v1/acl/policy/:name`, body of `PUT /v1/acl/policy/:name`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclPolicy {
    pub name: String,
    pub description: String,
    /// Raw HCL1 or JSON text.
    pub rules: String,
    /// Parsed policy (present on GET only).
    #[serde(rename = "RulesJSON")]
    pub rules_json: Option<serde_json::Value>,
    #[serde(rename = "JobACL")]
    pub job_acl: Option<JobAcl>,
    /// base64 of blake2b-256.
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclPolicyListStub {
    pub name: String,
    pub description: String,
    #[serde(rename = "JobACL")]
    pub job_acl: Option<JobAcl>,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

// ---------------------------------------------------------------------------
// Tokens (4.3, 4.4)
// ---------------------------------------------------------------------------

pub const TOKEN_TYPE_CLIENT: &str = "client";
pub const TOKEN_TYPE_MANAGEMENT: &str = "management";

/// Role link on a token: `{"ID": .., "Name": ..}`. On write either may be set.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclTokenRoleLink {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
}

/// Full ACL token (GET token, token/self, bootstrap, upsert, OTT exchange).
/// Also used as the request body for create/update.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclToken {
    /// `""` when zero. Emitted first, like Nomad.
    #[serde(rename = "ExpirationTTL")]
    pub expiration_ttl: GoDuration,
    #[serde(rename = "AccessorID")]
    pub accessor_id: String,
    #[serde(rename = "SecretID")]
    pub secret_id: SecretId,
    pub name: String,
    /// `"client"` or `"management"`.
    #[serde(rename = "Type")]
    pub token_type: String,
    pub policies: Option<Vec<String>>,
    pub roles: Option<Vec<AclTokenRoleLink>>,
    pub global: bool,
    pub hash: Option<String>,
    #[serde(with = "go_time")]
    pub create_time: OffsetDateTime,
    #[serde(with = "go_time_opt")]
    pub expiration_time: Option<OffsetDateTime>,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Default for AclToken {
    fn default() -> Self {
        AclToken {
            expiration_ttl: GoDuration::ZERO,
            accessor_id: String::new(),
            secret_id: SecretId::default(),
            name: String::new(),
            token_type: String::new(),
            policies: None,
            roles: None,
            global: false,
            hash: None,
            create_time: ZERO_TIME,
            expiration_time: None,
            create_index: 0,
            modify_index: 0,
        }
    }
}

impl fmt::Debug for AclToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AclToken")
            .field("accessor_id", &self.accessor_id)
            .field("secret_id", &self.secret_id)
            .field("name", &self.name)
            .field("token_type", &self.token_type)
            .field("policies", &self.policies)
            .field("roles", &self.roles)
            .field("global", &self.global)
            .field("create_time", &self.create_time)
            .field("expiration_time", &self.expiration_time)
            .field("expiration_ttl", &self.expiration_ttl)
            .field("create_index", &self.create_index)
            .field("modify_index", &self.modify_index)
            .finish_non_exhaustive()
    }
}

impl AclToken {
    pub fn is_management(&self) -> bool {
        self.token_type == TOKEN_TYPE_MANAGEMENT
    }
    /// Nomad's `IsExpired`: `ExpirationTime` set, non-zero and before `now`.
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        match self.expiration_time {
            Some(t) if !is_zero_time(&t) => t < now,
            _ => false,
        }
    }
    pub fn policies(&self) -> &[String] {
        self.policies.as_deref().unwrap_or(&[])
    }
    pub fn roles(&self) -> &[AclTokenRoleLink] {
        self.roles.as_deref().unwrap_or(&[])
    }
    /// The list-stub view of this token (no SecretID, no TTL).
    pub fn stub(&self) -> AclTokenListStub {
        AclTokenListStub {
            accessor_id: self.accessor_id.clone(),
            name: self.name.clone(),
            token_type: self.token_type.clone(),
            policies: self.policies.clone(),
            roles: self.roles.clone(),
            global: self.global,
            hash: self.hash.clone(),
            create_time: self.create_time,
            expiration_time: self.expiration_time,
            create_index: self.create_index,
            modify_index: self.modify_index,
        }
    }
}

/// Token list element (`GET /v1/acl/tokens`): no SecretID, no ExpirationTTL.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclTokenListStub {
    #[serde(rename = "AccessorID")]
    pub accessor_id: String,
    pub name: String,
    #[serde(rename = "Type")]
    pub token_type: String,
    pub policies: Option<Vec<String>>,
    pub roles: Option<Vec<AclTokenRoleLink>>,
    pub global: bool,
    pub hash: Option<String>,
    #[serde(with = "go_time_codec")]
    pub create_time: OffsetDateTime,
    #[serde(with = "go_time_opt")]
    pub expiration_time: Option<OffsetDateTime>,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Default for AclTokenListStub {
    fn default() -> Self {
        AclTokenListStub {
            accessor_id: String::new(),
            name: String::new(),
            token_type: String::new(),
            policies: None,
            roles: None,
            global: false,
            hash: None,
            create_time: ZERO_TIME,
            expiration_time: None,
            create_index: 0,
            modify_index: 0,
        }
    }
}

impl AclTokenListStub {
    pub fn is_management(&self) -> bool {
        self.token_type == TOKEN_TYPE_MANAGEMENT
    }
    pub fn is_expired_at(&self, now: OffsetDateTime) -> bool {
        match self.expiration_time {
            Some(t) if !is_zero_time(&t) => t < now,
            _ => false,
        }
    }

    /// A client token none of whose policies, direct or through its roles,
    /// exist: Nomad still accepts it, but it may do nothing. `policy_exists`
    /// answers for a policy name, `role` finds a role by ID (an unknown role
    /// grants nothing). One judgement for the overview and the token list.
    pub fn grants_nothing<'r>(
        &self,
        policy_exists: impl Fn(&str) -> bool,
        role: impl Fn(&str) -> Option<&'r AclRoleListStub>,
    ) -> bool {
        self.token_type == TOKEN_TYPE_CLIENT
            && !self.policies.as_deref().unwrap_or_default().iter().any(|p| policy_exists(p))
            && !self
                .roles
                .as_deref()
                .unwrap_or_default()
                .iter()
                .filter_map(|l| role(&l.id))
                .any(|r| r.policies.iter().any(|p| policy_exists(&p.name)))
    }
}

// ---------------------------------------------------------------------------
// Roles (4.5, 4.6)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclRolePolicyLink {
    pub name: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclRole {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(deserialize_with = "null_default")]
    pub policies: Vec<AclRolePolicyLink>,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

/// Same field set as [`AclRole`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclRoleListStub {
    #[serde(rename = "ID")]
    pub id: String,
    pub name: String,
    pub description: String,
    #[serde(deserialize_with = "null_default")]
    pub policies: Vec<AclRolePolicyLink>,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

// ---------------------------------------------------------------------------
// Auth methods (4.7)
// ---------------------------------------------------------------------------

pub const AUTH_METHOD_TYPE_OIDC: &str = "OIDC";
pub const AUTH_METHOD_TYPE_JWT: &str = "JWT";
pub const TOKEN_LOCALITY_LOCAL: &str = "local";
pub const TOKEN_LOCALITY_GLOBAL: &str = "global";
/// What Nomad returns in place of a set OIDC client secret.
pub const REDACTED: &str = "redacted";

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OidcClientAssertionKey {
    pub pem_key: String,
    pub pem_key_file: String,
    #[serde(rename = "KeyIDHeader")]
    pub key_id_header: String,
    pub pem_cert: String,
    pub pem_cert_file: String,
    #[serde(rename = "KeyID")]
    pub key_id: String,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OidcClientAssertion {
    pub key_source: String,
    pub audience: Option<Vec<String>>,
    pub private_key: Option<OidcClientAssertionKey>,
    pub extra_headers: Option<BTreeMap<String, String>>,
    pub key_algorithm: String,
    pub client_secret: String,
}

#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AclAuthMethodConfig {
    #[serde(rename = "ExpirationLeeway")]
    pub expiration_leeway: GoDuration,
    #[serde(rename = "NotBeforeLeeway")]
    pub not_before_leeway: GoDuration,
    #[serde(rename = "ClockSkewLeeway")]
    pub clock_skew_leeway: GoDuration,
    #[serde(rename = "JWTValidationPubKeys")]
    pub jwt_validation_pub_keys: Option<Vec<String>>,
    #[serde(rename = "JWKSURL")]
    pub jwks_url: String,
    #[serde(rename = "OIDCDiscoveryURL")]
    pub oidc_discovery_url: String,
    #[serde(rename = "OIDCClientID")]
    pub oidc_client_id: String,
    /// `"redacted"` on output when set.
    #[serde(rename = "OIDCClientSecret")]
    pub oidc_client_secret: String,
    #[serde(rename = "OIDCClientAssertion")]
    pub oidc_client_assertion: Option<OidcClientAssertion>,
    #[serde(rename = "OIDCEnablePKCE")]
    pub oidc_enable_pkce: bool,
    #[serde(rename = "OIDCDisableUserInfo")]
    pub oidc_disable_user_info: bool,
    #[serde(rename = "OIDCScopes")]
    pub oidc_scopes: Option<Vec<String>>,
    #[serde(rename = "BoundAudiences")]
    pub bound_audiences: Option<Vec<String>>,
    #[serde(rename = "BoundIssuer")]
    pub bound_issuer: Option<Vec<String>>,
    #[serde(rename = "AllowedRedirectURIs")]
    pub allowed_redirect_uris: Option<Vec<String>>,
    #[serde(rename = "DiscoveryCaPem")]
    pub discovery_ca_pem: Option<Vec<String>>,
    #[serde(rename = "JWKSCACert")]
    pub jwks_ca_cert: String,
    #[serde(rename = "SigningAlgs")]
    pub signing_algs: Option<Vec<String>>,
    #[serde(rename = "ClaimMappings")]
    pub claim_mappings: Option<BTreeMap<String, String>>,
    #[serde(rename = "ListClaimMappings")]
    pub list_claim_mappings: Option<BTreeMap<String, String>>,
    #[serde(rename = "VerboseLogging")]
    pub verbose_logging: bool,
}

/// `Debug` for a secret field: whether it is set, never its value.
struct SecretState<'a>(&'a str);

impl fmt::Debug for SecretState<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_empty() { "\"\"" } else { "<redacted>" })
    }
}

impl fmt::Debug for OidcClientAssertionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClientAssertionKey")
            .field("pem_key", &SecretState(&self.pem_key))
            .field("pem_key_file", &self.pem_key_file)
            .field("key_id_header", &self.key_id_header)
            .field("pem_cert_file", &self.pem_cert_file)
            .field("key_id", &self.key_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for OidcClientAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OidcClientAssertion")
            .field("key_source", &self.key_source)
            .field("audience", &self.audience)
            .field("private_key", &self.private_key)
            .field("extra_headers", &self.extra_headers)
            .field("key_algorithm", &self.key_algorithm)
            .field("client_secret", &SecretState(&self.client_secret))
            .finish()
    }
}

/// The client secret (and the client assertion's secrets) print as `<redacted>`.
impl fmt::Debug for AclAuthMethodConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AclAuthMethodConfig")
            .field("oidc_discovery_url", &self.oidc_discovery_url)
            .field("oidc_client_id", &self.oidc_client_id)
            .field("oidc_client_secret", &SecretState(&self.oidc_client_secret))
            .field("oidc_client_assertion", &self.oidc_client_assertion)
            .field("oidc_enable_pkce", &self.oidc_enable_pkce)
            .field("oidc_disable_user_info", &self.oidc_disable_user_info)
            .field("oidc_scopes", &self.oidc_scopes)
            .field("jwks_url", &self.jwks_url)
            .field("jwt_validation_pub_keys", &self.jwt_validation_pub_keys)
            .field("bound_audiences", &self.bound_audiences)
            .field("bound_issuer", &self.bound_issuer)
            .field("allowed_redirect_uris", &self.allowed_redirect_uris)
            .field("signing_algs", &self.signing_algs)
            .field("claim_mappings", &self.claim_mappings)
            .field("list_claim_mappings", &self.list_claim_mappings)
            .field("expiration_leeway", &self.expiration_leeway)
            .field("not_before_leeway", &self.not_before_leeway)
            .field("clock_skew_leeway", &self.clock_skew_leeway)
            .field("verbose_logging", &self.verbose_logging)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclAuthMethod {
    /// Sent as `"0s"` when zero: Nomad refuses `""` here (an update then keeps the
    /// stored value). Emitted first, like Nomad.
    #[serde(rename = "MaxTokenTTL", serialize_with = "crate::duration::serialize_go_string")]
    pub max_token_ttl: GoDuration,
    pub name: String,
    /// `"OIDC"` or `"JWT"`.
    #[serde(rename = "Type")]
    pub method_type: String,
    /// `"local"` or `"global"`.
    pub token_locality: String,
    pub token_name_format: String,
    pub default: bool,
    pub config: Option<AclAuthMethodConfig>,
    pub hash: Option<String>,
    #[serde(with = "go_time")]
    pub create_time: OffsetDateTime,
    #[serde(with = "go_time")]
    pub modify_time: OffsetDateTime,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Default for AclAuthMethod {
    fn default() -> Self {
        AclAuthMethod {
            max_token_ttl: GoDuration::ZERO,
            name: String::new(),
            method_type: String::new(),
            token_locality: String::new(),
            token_name_format: String::new(),
            default: false,
            config: None,
            hash: None,
            create_time: ZERO_TIME,
            modify_time: ZERO_TIME,
            create_index: 0,
            modify_index: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclAuthMethodListStub {
    pub name: String,
    #[serde(rename = "Type")]
    pub method_type: String,
    pub default: bool,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

// ---------------------------------------------------------------------------
// Binding rules (4.8)
// ---------------------------------------------------------------------------

pub const BIND_TYPE_ROLE: &str = "role";
pub const BIND_TYPE_POLICY: &str = "policy";
pub const BIND_TYPE_MANAGEMENT: &str = "management";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclBindingRule {
    #[serde(rename = "ID")]
    pub id: String,
    pub description: String,
    pub auth_method: String,
    pub selector: String,
    /// `"role"`, `"policy"` or `"management"`.
    pub bind_type: String,
    pub bind_name: String,
    pub hash: Option<String>,
    #[serde(with = "go_time_codec")]
    pub create_time: OffsetDateTime,
    #[serde(with = "go_time_codec")]
    pub modify_time: OffsetDateTime,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Default for AclBindingRule {
    fn default() -> Self {
        AclBindingRule {
            id: String::new(),
            description: String::new(),
            auth_method: String::new(),
            selector: String::new(),
            bind_type: String::new(),
            bind_name: String::new(),
            hash: None,
            create_time: ZERO_TIME,
            modify_time: ZERO_TIME,
            create_index: 0,
            modify_index: 0,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclBindingRuleListStub {
    #[serde(rename = "ID")]
    pub id: String,
    pub description: String,
    pub auth_method: String,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
}

// ---------------------------------------------------------------------------
// Namespaces (`nomad/structs/structs.go` `Namespace`)
// ---------------------------------------------------------------------------

/// The namespace every cluster has, which cannot be deleted.
pub const DEFAULT_NAMESPACE: &str = "default";
/// Its description when Nomad creates it.
pub const DEFAULT_NAMESPACE_DESCRIPTION: &str = "Default shared namespace";

/// A namespace as Nomad's API sends it; the list sends whole namespaces too.
/// Go's nil slices and maps are `null` on the wire, kept apart from empty ones
/// as `None`. The node pool, Vault and Consul configurations and the quota are
/// Nomad Enterprise's: an open-source Nomad refuses them, the console shows them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Namespace {
    pub name: String,
    pub description: String,
    /// The quota specification the namespace counts against (Enterprise).
    pub quota: String,
    pub capabilities: Option<NamespaceCapabilities>,
    pub node_pool_configuration: Option<NamespaceNodePoolConfiguration>,
    pub vault_configuration: Option<NamespaceClusterConfiguration>,
    pub consul_configuration: Option<NamespaceClusterConfiguration>,
    pub meta: Option<BTreeMap<String, String>>,
    pub hash: Option<String>,
    pub create_index: u64,
    pub modify_index: u64,
    /// Claims a workload identity must carry in this namespace.
    pub required_extra_claims: Option<BTreeMap<String, String>>,
    pub optional_extra_claims: Option<BTreeMap<String, String>>,
}

/// Which task drivers and network modes jobs of the namespace may use (an empty
/// or missing enabled list allows all but the disabled ones).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NamespaceCapabilities {
    pub enabled_task_drivers: Option<Vec<String>>,
    pub disabled_task_drivers: Option<Vec<String>>,
    pub enabled_network_modes: Option<Vec<String>>,
    pub disabled_network_modes: Option<Vec<String>>,
}

/// The namespace's default node pool and the pools its jobs may or may not use
/// (Enterprise).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NamespaceNodePoolConfiguration {
    pub default: String,
    pub allowed: Option<Vec<String>>,
    pub denied: Option<Vec<String>>,
}

/// The namespace's default Vault or Consul cluster and the clusters its jobs may
/// or may not use (Enterprise): Nomad's `NamespaceVaultConfiguration` and
/// `NamespaceConsulConfiguration`, which have the same fields.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NamespaceClusterConfiguration {
    pub default: String,
    pub allowed: Option<Vec<String>>,
    pub denied: Option<Vec<String>>,
}

impl Namespace {
    pub fn is_default(&self) -> bool {
        self.name == DEFAULT_NAMESPACE
    }
}

// ---------------------------------------------------------------------------
// One-time tokens, bootstrap (4.9)
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OneTimeToken {
    #[serde(rename = "OneTimeSecretID")]
    pub one_time_secret_id: SecretId,
    #[serde(rename = "AccessorID")]
    pub accessor_id: String,
    #[serde(with = "go_time_codec")]
    pub expires_at: OffsetDateTime,
    pub create_index: u64,
    pub modify_index: u64,
}

impl Default for OneTimeToken {
    fn default() -> Self {
        OneTimeToken {
            one_time_secret_id: SecretId::default(),
            accessor_id: String::new(),
            expires_at: ZERO_TIME,
            create_index: 0,
            modify_index: 0,
        }
    }
}

/// `POST /v1/acl/token/onetime` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OneTimeTokenUpsertResponse {
    pub one_time_token: Option<OneTimeToken>,
    pub index: u64,
}

/// `POST /v1/acl/token/onetime/exchange` body.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OneTimeTokenExchangeRequest {
    #[serde(rename = "OneTimeSecretID")]
    pub one_time_secret_id: SecretId,
}

/// `POST /v1/acl/token/onetime/exchange` response.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OneTimeTokenExchangeResponse {
    pub token: Option<AclToken>,
    pub index: u64,
}

/// `POST /v1/acl/bootstrap` body (optional).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BootstrapRequest {
    pub bootstrap_secret: SecretId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_namespace_reads_nomads_answer_and_keeps_null_apart_from_empty() {
        let wire = r#"{"Capabilities":{"DisabledNetworkModes":null,"DisabledTaskDrivers":["raw_exec"],"EnabledNetworkModes":[],"EnabledTaskDrivers":null},"ConsulConfiguration":null,"CreateIndex":1,"Description":"Default shared namespace","Hash":"AAAA","Meta":null,"ModifyIndex":7,"Name":"default","NodePoolConfiguration":{"Allowed":["a*"],"Default":"ssd","Denied":null},"OptionalExtraClaims":null,"Quota":"","RequiredExtraClaims":null,"VaultConfiguration":null}"#;
        let ns: Namespace = serde_json::from_str(wire).unwrap();
        assert!(ns.is_default());
        let caps = ns.capabilities.clone().unwrap();
        assert_eq!(caps.disabled_task_drivers, Some(vec!["raw_exec".to_string()]));
        assert_eq!(caps.enabled_network_modes, Some(vec![]));
        assert_eq!(caps.enabled_task_drivers, None);
        assert_eq!(ns.node_pool_configuration.as_ref().unwrap().default, "ssd");
        assert_eq!((ns.create_index, ns.modify_index, ns.meta.clone()), (1, 7, None));
        let back: serde_json::Value = serde_json::to_value(&ns).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(wire).unwrap());
        // A minimal answer (older Nomad: no extra claims) reads too.
        let ns: Namespace = serde_json::from_str(r#"{"Name":"a"}"#).unwrap();
        assert_eq!((ns.name.as_str(), ns.capabilities), ("a", None));
    }
    use serde_json::json;

    const SECRET: &str = "2b778dd9-f5f1-6f29-b4b4-9a5fa948757a";

    #[test]
    fn secret_is_redacted_in_debug_and_display() {
        let tok =
            AclToken { accessor_id: "a".into(), secret_id: SecretId::new(SECRET.to_string()), ..Default::default() };
        let dbg = format!("{tok:?}");
        assert!(!dbg.contains(SECRET), "{dbg}");
        assert!(dbg.contains("<redacted>"));
        assert_eq!(format!("{}", tok.secret_id), "<redacted>");
        assert_eq!(format!("{:?}", tok.secret_id), "<redacted>");
        assert_eq!(tok.secret_id.expose(), SECRET);
        let resp = OneTimeTokenExchangeResponse { token: Some(tok.clone()), index: 1 };
        assert!(!format!("{resp:?}").contains(SECRET));
        let ott = OneTimeToken { one_time_secret_id: SECRET.into(), ..Default::default() };
        assert!(!format!("{ott:?}").contains(SECRET));
        // but it is serialized
        assert!(serde_json::to_string(&tok).unwrap().contains(SECRET));
    }

    #[test]
    fn grants_nothing_needs_one_existing_policy_direct_or_through_a_role() {
        let role = AclRoleListStub {
            id: "r1".into(),
            policies: vec![AclRolePolicyLink { name: "ops".into() }],
            ..Default::default()
        };
        let exists = |p: &str| p == "ops";
        let find = |id: &str| (id == "r1").then_some(&role);
        let client = |policies: &[&str], roles: &[&str]| AclTokenListStub {
            token_type: TOKEN_TYPE_CLIENT.into(),
            policies: Some(policies.iter().map(|p| p.to_string()).collect()),
            roles: Some(roles.iter().map(|id| AclTokenRoleLink { id: id.to_string(), ..Default::default() }).collect()),
            ..Default::default()
        };
        assert!(client(&[], &[]).grants_nothing(exists, find));
        assert!(client(&["gone"], &["r-gone"]).grants_nothing(exists, find));
        assert!(!client(&["ops"], &[]).grants_nothing(exists, find));
        assert!(!client(&["gone"], &["r1"]).grants_nothing(exists, find));
        let management = AclTokenListStub { token_type: TOKEN_TYPE_MANAGEMENT.into(), ..Default::default() };
        assert!(!management.grants_nothing(exists, find), "a management token needs no policy");
    }

    #[test]
    fn anonymous_token_shape() {
        let wire = r#"{"ExpirationTTL":"","AccessorID":"anonymous","SecretID":"","Name":"Anonymous Token","Type":"client","Policies":["anonymous"],"Roles":null,"Global":false,"Hash":null,"CreateTime":"0001-01-01T00:00:00Z","ExpirationTime":null,"CreateIndex":0,"ModifyIndex":0}"#;
        let t: AclToken = serde_json::from_str(wire).unwrap();
        assert_eq!(t.accessor_id, "anonymous");
        assert!(is_zero_time(&t.create_time));
        assert_eq!(t.expiration_time, None);
        assert_eq!(serde_json::to_string(&t).unwrap(), wire);
    }

    #[test]
    fn token_round_trip_keeps_nanoseconds() {
        let wire = json!({
            "ExpirationTTL": "10h0m0s",
            "AccessorID": "a7d0ac2b-1a5f-4b8a-9d0a-4f6b3b6c2a11",
            "SecretID": SECRET,
            "Name": "ci",
            "Type": "client",
            "Policies": ["ci-deployer"],
            "Roles": [{"ID": "r1", "Name": "ops"}],
            "Global": true,
            "Hash": "3q2+7w==",
            "CreateTime": "2026-08-21T10:00:00.123456789Z",
            "ExpirationTime": "2026-08-21T20:00:00.1234567Z",
            "CreateIndex": 10,
            "ModifyIndex": 12
        });
        let t: AclToken = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(t.create_time.nanosecond(), 123_456_789);
        assert_eq!(t.expiration_time.unwrap().nanosecond(), 123_456_700);
        assert_eq!(t.expiration_ttl, GoDuration::from_hours(10));
        let back = serde_json::to_value(&t).unwrap();
        assert_eq!(back, wire);
        let t2: AclToken = serde_json::from_value(back).unwrap();
        assert_eq!(t2.expiration_time, t.expiration_time);
    }

    #[test]
    fn go_time_formatting() {
        let t = parse_rfc3339("2026-08-21T10:00:00.100Z").unwrap();
        assert_eq!(format_rfc3339_nano(&t), "2026-08-21T10:00:00.1Z");
        let t = parse_rfc3339("2026-08-21T10:00:00.000Z").unwrap();
        assert_eq!(format_rfc3339_nano(&t), "2026-08-21T10:00:00Z");
        let t = parse_rfc3339("2026-08-21T12:00:00.5+02:00").unwrap();
        assert_eq!(format_rfc3339_nano(&t), "2026-08-21T12:00:00.5+02:00");
        assert_eq!(format_rfc3339_nano(&ZERO_TIME), "0001-01-01T00:00:00Z");
        assert_eq!(parse_rfc3339("0001-01-01T00:00:00Z").unwrap(), ZERO_TIME);
    }

    #[test]
    fn missing_and_null_fields_deserialize() {
        let t: AclToken = serde_json::from_str("{}").unwrap();
        assert_eq!(t, AclToken::default());
        let t: AclToken = serde_json::from_str(
            r#"{"SecretID":null,"Policies":null,"Roles":null,"CreateTime":null,"ExpirationTTL":600000000000}"#,
        )
        .unwrap();
        assert_eq!(t.expiration_ttl, GoDuration::from_mins(10));
        let r: AclRole = serde_json::from_str(r#"{"ID":"x","Policies":null,"Hash":null}"#).unwrap();
        assert!(r.policies.is_empty());
        let s: AclTokenListStub = serde_json::from_str(r#"{"CreateTime":null}"#).unwrap();
        assert!(is_zero_time(&s.create_time));
        let m: AclAuthMethod = serde_json::from_str(r#"{"Config":null,"MaxTokenTTL":""}"#).unwrap();
        assert!(m.config.is_none());
        let b: AclBindingRule = serde_json::from_str(r#"{"CreateTime":null,"ModifyTime":null}"#).unwrap();
        assert_eq!(b, AclBindingRule::default());
    }

    #[test]
    fn policy_shapes() {
        let wire = json!({
            "Name": "ns-default-read",
            "Description": "",
            "Rules": "namespace \"default\" { policy = \"read\" }",
            "RulesJSON": {"Namespaces": [{"Name": "default"}]},
            "JobACL": {"Namespace": "default", "JobID": "web", "Group": "", "Task": ""},
            "Hash": "AAAA",
            "CreateIndex": 5,
            "ModifyIndex": 6
        });
        let p: AclPolicy = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(p.job_acl.as_ref().unwrap().job_id, "web");
        assert_eq!(serde_json::to_value(&p).unwrap(), wire);
        let s: AclPolicyListStub = serde_json::from_value(wire).unwrap();
        let v = serde_json::to_value(&s).unwrap();
        assert!(v.get("Rules").is_none());
        assert!(v.get("RulesJSON").is_none());
    }

    #[test]
    fn auth_method_debug_hides_secrets() {
        let c = AclAuthMethodConfig {
            oidc_client_secret: "s3cr3t-value".into(),
            oidc_client_assertion: Some(OidcClientAssertion {
                client_secret: "assert-s3cr3t".into(),
                private_key: Some(OidcClientAssertionKey { pem_key: "PEM-KEY-BODY".into(), ..Default::default() }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let m = AclAuthMethod { config: Some(c), ..Default::default() };
        let text = format!("{m:?}");
        assert!(!text.contains("s3cr3t") && !text.contains("PEM-KEY-BODY"), "{text}");
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn auth_method_shapes() {
        let wire = json!({
            "MaxTokenTTL": "1h0m0s",
            "Name": "okta",
            "Type": "OIDC",
            "TokenLocality": "global",
            "TokenNameFormat": "${auth_method_type}-${auth_method_name}",
            "Default": true,
            "Config": {
                "ExpirationLeeway": "",
                "NotBeforeLeeway": "",
                "ClockSkewLeeway": "5s",
                "JWTValidationPubKeys": null,
                "JWKSURL": "",
                "OIDCDiscoveryURL": "https://example.okta.com",
                "OIDCClientID": "abc",
                "OIDCClientSecret": "redacted",
                "OIDCClientAssertion": null,
                "OIDCEnablePKCE": false,
                "OIDCDisableUserInfo": false,
                "OIDCScopes": ["groups"],
                "BoundAudiences": ["abc"],
                "BoundIssuer": null,
                "AllowedRedirectURIs": ["http://localhost:4649/oidc/callback"],
                "DiscoveryCaPem": null,
                "JWKSCACert": "",
                "SigningAlgs": ["RS256"],
                "ClaimMappings": {"email": "email"},
                "ListClaimMappings": {"groups": "groups"},
                "VerboseLogging": false
            },
            "Hash": "AAAA",
            "CreateTime": "2026-08-21T10:00:00Z",
            "ModifyTime": "2026-08-21T10:00:00.5Z",
            "CreateIndex": 5,
            "ModifyIndex": 6
        });
        let m: AclAuthMethod = serde_json::from_value(wire.clone()).unwrap();
        assert_eq!(m.max_token_ttl, GoDuration::from_hours(1));
        assert_eq!(serde_json::to_value(&m).unwrap(), wire);
    }

    #[test]
    fn wrappers() {
        let v = json!({"OneTimeToken": {"OneTimeSecretID": SECRET, "AccessorID": "a", "ExpiresAt": "2026-08-21T10:10:00.000000001Z", "CreateIndex": 3, "ModifyIndex": 3}, "Index": 3});
        let r: OneTimeTokenUpsertResponse = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(r.one_time_token.as_ref().unwrap().one_time_secret_id.expose(), SECRET);
        assert_eq!(serde_json::to_value(&r).unwrap(), v);
        let b = BootstrapRequest { bootstrap_secret: SECRET.into() };
        assert_eq!(serde_json::to_value(&b).unwrap(), json!({"BootstrapSecret": SECRET}));
        let x = OneTimeTokenExchangeRequest { one_time_secret_id: SECRET.into() };
        assert_eq!(serde_json::to_value(&x).unwrap(), json!({"OneTimeSecretID": SECRET}));
    }
}
