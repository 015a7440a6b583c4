//! `ACLToken.Validate(minTTL, maxTTL, existing)` (`nomad/structs/acl.go`).

use super::Problem;
use crate::duration::GoDuration;
use crate::models::{is_zero_time, AclToken, TOKEN_TYPE_CLIENT, TOKEN_TYPE_MANAGEMENT};

/// Longest token name Nomad takes (bytes).
pub const MAX_NAME: usize = 256;

/// What a token form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Type,
    Grants,
    Expiry,
    Other,
}

pub fn name(name: &str) -> Option<String> {
    (name.len() > MAX_NAME).then(|| "token name too long".to_string())
}

/// A client token grants through policies or roles; a management token through neither.
pub fn grants(token_type: &str, policies: usize, roles: usize) -> Option<Problem<Field>> {
    match token_type {
        TOKEN_TYPE_CLIENT if policies == 0 && roles == 0 => {
            Some(Problem::new(Field::Grants, "client token missing policies or roles"))
        }
        TOKEN_TYPE_MANAGEMENT if policies > 0 || roles > 0 => {
            Some(Problem::new(Field::Type, "management token cannot be associated with policies or roles"))
        }
        TOKEN_TYPE_CLIENT | TOKEN_TYPE_MANAGEMENT => None,
        _ => Some(Problem::new(Field::Type, "token type must be client or management")),
    }
}

/// An expiry `d` from the token's creation must lie within the cluster's bounds (nanoseconds).
pub fn expiry_bounds(d: i64, min: i64, max: i64) -> Option<String> {
    if d > max {
        Some(format!("expiration time cannot be more than {} in the future (was {})", GoDuration(max), GoDuration(d)))
    } else if d < min {
        Some(format!("expiration time cannot be less than {} in the future (was {})", GoDuration(min), GoDuration(d)))
    } else {
        None
    }
}

impl AclToken {
    /// Every failed check, in Nomad's order. `min` and `max` are the cluster's token
    /// TTL bounds (nanoseconds); `existing` is the stored token an update replaces.
    pub fn validate(&self, min: i64, max: i64, existing: Option<&AclToken>) -> Vec<Problem<Field>> {
        let mut out = Vec::new();
        out.extend(name(&self.name).map(|m| Problem::new(Field::Name, m)));
        out.extend(grants(&self.token_type, self.policies().len(), self.roles().len()));
        let expiry = |m: String| Problem::new(Field::Expiry, m);
        match existing {
            None => {
                if self.expiration_ttl.is_negative() {
                    out.push(expiry(format!("token expiration TTL '{}' should not be negative", self.expiration_ttl)));
                }
                if let Some(exp) = self.expiration_time.filter(|t| !is_zero_time(t)) {
                    if self.create_time > exp {
                        out.push(expiry("expiration time cannot be before create time".into()));
                    }
                    let d = exp - self.create_time;
                    let d = i64::try_from(d.whole_nanoseconds()).unwrap_or(if d.is_negative() {
                        i64::MIN
                    } else {
                        i64::MAX
                    });
                    out.extend(expiry_bounds(d, min, max).map(expiry));
                }
            }
            Some(stored) => {
                if stored.global != self.global {
                    out.push(Problem::new(Field::Type, "cannot toggle global mode"));
                }
                if stored.expiration_ttl != self.expiration_ttl {
                    out.push(expiry("cannot update expiration TTL".into()));
                }
                if self.expiration_time.is_some_and(|t| stored.expiration_time != Some(t)) {
                    out.push(expiry("cannot update expiration time".into()));
                }
            }
        }
        out
    }
}

/// The field a message about a token is about (`validate`'s texts and the endpoint's).
pub fn field_of(message: &str) -> Field {
    let m = message.to_ascii_lowercase();
    if m.contains("token name") {
        Field::Name
    } else if m.contains("token type") || m.contains("management token cannot") || m.contains("toggle global") {
        Field::Type
    } else if m.contains("missing policies or roles") || m.contains("cannot find role") {
        Field::Grants
    } else if m.contains("expiration") || m.contains("ttl") {
        Field::Expiry
    } else {
        Field::Other
    }
}
