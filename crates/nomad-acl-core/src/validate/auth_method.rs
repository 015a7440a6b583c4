//! `ACLAuthMethod.Validate(minTTL, maxTTL)` with its config's and client
//! assertion's checks (`nomad/structs/acl.go`).

use super::{invalid_name, multierror, valid_name, Problem};
use crate::duration::GoDuration;
use crate::models::{
    AclAuthMethod, AclAuthMethodConfig, OidcClientAssertion, AUTH_METHOD_TYPE_JWT, AUTH_METHOD_TYPE_OIDC,
    TOKEN_LOCALITY_GLOBAL, TOKEN_LOCALITY_LOCAL,
};

/// What the auth-method form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Type,
    Locality,
    MaxTtl,
    Default,
    DiscoveryUrl,
    DiscoveryCaPem,
    ClientId,
    ClientSecret,
    /// The JWT key source (JWKS URL, public keys or discovery URL).
    KeySource,
    ClaimMappings,
    ListClaimMappings,
    ClockSkew,
    ExpirationLeeway,
    NotBeforeLeeway,
    ClientAssertion,
    Other,
}

/// `ACLAuthMethodConfig.Validate`: its messages, each unprefixed.
pub fn config_problems(config: Option<&AclAuthMethodConfig>, method_type: &str) -> Vec<String> {
    let Some(c) = config else { return vec!["missing auth method Config".to_string()] };
    let mut out = Vec::new();
    match method_type {
        AUTH_METHOD_TYPE_OIDC => {
            if c.oidc_discovery_url.is_empty() {
                out.push("missing OIDCDiscoveryURL".to_string());
            }
            if c.oidc_client_id.is_empty() {
                out.push("missing OIDCClientID".to_string());
            }
            if let Some(e) = c.oidc_client_assertion.as_ref().and_then(|a| assertion_problem(a, c)) {
                out.push(format!("invalid client assertion config: {e}"));
            }
        }
        AUTH_METHOD_TYPE_JWT => {
            let no_keys = c.jwt_validation_pub_keys.as_ref().is_none_or(|k| k.is_empty());
            if c.oidc_discovery_url.is_empty() && c.jwks_url.is_empty() && no_keys {
                out.push(
                    "JWT auth method requires either OIDCDiscoveryURL, or JWKS URL, or JWTValidationPubKeys set"
                        .to_string(),
                );
            }
        }
        _ => {}
    }
    out
}

/// `OIDCClientAssertion.Validate`, after Nomad's canonicalization: the audience
/// defaults to the discovery URL, the secret is the method's, and the key ID header
/// defaults to `kid` for a key ID and `x5t#S256` for a certificate.
fn assertion_problem(a: &OidcClientAssertion, c: &AclAuthMethodConfig) -> Option<String> {
    let audience_missing = match a.audience.as_deref() {
        None | Some([]) => c.oidc_discovery_url.is_empty(),
        Some([first, ..]) => first.is_empty(),
    };
    if audience_missing {
        return Some("missing Audience".into());
    }
    match a.key_source.as_str() {
        "nomad" => None,
        "private_key" => {
            let Some(k) = &a.private_key else {
                return Some("PrivateKey is required for `private_key` KeySource".into());
            };
            private_key_problem(k).map(|e| format!("invalid PrivateKey: {e}"))
        }
        "client_secret" => {
            c.oidc_client_secret.is_empty().then(|| "OIDCClientSecret is required for `client_secret` KeySource".into())
        }
        other => Some(format!("invalid KeySource {other:?}")),
    }
}

/// `OIDCClientAssertionKey.Validate`: one key, one of certificate or key ID, absolute
/// paths, and a key ID header that fits.
fn private_key_problem(k: &crate::models::OidcClientAssertionKey) -> Option<String> {
    let (key, key_file, cert, cert_file, kid) = (
        !k.pem_key.is_empty(),
        !k.pem_key_file.is_empty(),
        !k.pem_cert.is_empty(),
        !k.pem_cert_file.is_empty(),
        !k.key_id.is_empty(),
    );
    if !key && !key_file {
        return Some("missing PemKey or PemKeyFile".into());
    }
    if key && key_file {
        return Some("require only one of PemKey or PemKeyFile".into());
    }
    if key_file && !k.pem_key_file.starts_with('/') {
        return Some(format!("invalid PemKeyFile: must be absolute; got: {}", k.pem_key_file));
    }
    if !cert && !cert_file && !kid {
        return Some("missing PemCert, PemCertFile, or KeyID".into());
    }
    if [cert, cert_file, kid].iter().filter(|b| **b).count() > 1 {
        return Some("require only one of PemCert, PemCertFile, or KeyID".into());
    }
    if cert_file && !k.pem_cert_file.starts_with('/') {
        return Some(format!("invalid PemCertFile: must be absolute; got: {}", k.pem_cert_file));
    }
    let header = match k.key_id_header.as_str() {
        "" if cert || cert_file => "x5t#S256",
        "" if kid => "kid",
        h => h,
    };
    if kid && header != "kid" {
        return Some("invalid KeyIDHeader; key header for key ID must be \"kid\"".into());
    }
    if (cert || cert_file) && header != "x5t" && header != "x5t#S256" {
        return Some(
            "invalid KeyIDHeader; certificate-derived key header must be one of: \"x5t#S256\", \"x5t\"".into(),
        );
    }
    None
}

/// `invalid MaxTokenTTL value ...` when `ttl` lies outside the cluster's bounds.
pub fn max_token_ttl(ttl: GoDuration, min: i64, max: i64) -> Option<String> {
    let nanos = ttl.as_nanos();
    (nanos < min || nanos > max).then(|| {
        format!("invalid MaxTokenTTL value '{ttl}' (should be between {} and {})", GoDuration(min), GoDuration(max))
    })
}

impl AclAuthMethod {
    /// Every failed check, in Nomad's order. `min` and `max` are the cluster's token
    /// TTL bounds (nanoseconds).
    pub fn validate(&self, min: i64, max: i64) -> Vec<Problem<Field>> {
        let mut out = Vec::new();
        if !valid_name(&self.name) {
            out.push(Problem::new(Field::Name, invalid_name(&self.name)));
        }
        if self.token_locality != TOKEN_LOCALITY_LOCAL && self.token_locality != TOKEN_LOCALITY_GLOBAL {
            out.push(Problem::new(Field::Locality, format!("invalid token locality '{}'", self.token_locality)));
        }
        if self.method_type != AUTH_METHOD_TYPE_OIDC && self.method_type != AUTH_METHOD_TYPE_JWT {
            out.push(Problem::new(Field::Type, format!("invalid token type '{}'", self.method_type)));
        }
        let config = config_problems(self.config.as_ref(), &self.method_type);
        match config.as_slice() {
            [] => {}
            [one] => {
                let m = format!("invalid config: {one}");
                out.push(Problem::new(field_of(&m), m));
            }
            many => out.push(Problem::new(Field::Other, format!("invalid config: {}", multierror(many)))),
        }
        out.extend(max_token_ttl(self.max_token_ttl, min, max).map(|m| Problem::new(Field::MaxTtl, m)));
        out
    }
}

/// The field a message about an auth method is about (`validate`'s texts, the
/// endpoint's, and the console's own for fields that do not read).
pub fn field_of(message: &str) -> Field {
    let m = message.strip_prefix("invalid config: ").unwrap_or(message);
    let starts = |p: &str| m.starts_with(p);
    if starts("invalid name") || m.contains("name does not match") || starts("an auth method named") {
        Field::Name
    } else if starts("invalid token type") {
        Field::Type
    } else if starts("invalid token locality") {
        Field::Locality
    } else if starts("invalid MaxTokenTTL") {
        Field::MaxTtl
    } else if starts("default method already exists") {
        Field::Default
    } else if starts("missing OIDCDiscoveryURL") {
        Field::DiscoveryUrl
    } else if m.contains("DiscoveryCaPem") || m.contains("CA PEM") {
        Field::DiscoveryCaPem
    } else if starts("missing OIDCClientID") {
        Field::ClientId
    } else if starts("invalid client assertion config") {
        Field::ClientAssertion
    } else if m.contains("OIDCClientSecret") || m.contains("client secret") {
        Field::ClientSecret
    } else if starts("JWT auth method requires") || m.contains("JWKS") || m.contains("JWTValidationPubKeys") {
        Field::KeySource
    } else if starts("invalid ClaimMappings") {
        Field::ClaimMappings
    } else if starts("invalid ListClaimMappings") {
        Field::ListClaimMappings
    } else if starts("invalid ClockSkewLeeway") {
        Field::ClockSkew
    } else if starts("invalid ExpirationLeeway") {
        Field::ExpirationLeeway
    } else if starts("invalid NotBeforeLeeway") {
        Field::NotBeforeLeeway
    } else {
        Field::Other
    }
}
