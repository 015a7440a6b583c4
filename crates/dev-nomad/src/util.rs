//! Small shared helpers: errors, multierror formatting, UUID index parsing, hashes.

use blake2::digest::consts::U32;
use blake2::{Blake2b, Digest};
use time::OffsetDateTime;

/// An error that becomes an HTTP response: `status` and a text/plain body.
/// `index` (when set) is sent as `X-Nomad-Index` together with the other query
/// metadata headers (404s from single-object GETs carry them, section 2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: u16,
    pub message: String,
    pub query_index: Option<u64>,
}

impl ApiError {
    pub fn new(status: u16, message: impl Into<String>) -> Self {
        ApiError { status, message: message.into(), query_index: None }
    }
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(400, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, message)
    }
    pub fn permission_denied() -> Self {
        Self::new(403, "Permission denied")
    }
    pub fn not_found(message: impl Into<String>, index: u64) -> Self {
        ApiError { status: 404, message: message.into(), query_index: Some(index) }
    }
    pub fn method_not_allowed() -> Self {
        Self::new(405, "Invalid method")
    }
    pub fn acl_disabled() -> Self {
        Self::new(400, "ACL support disabled")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.message)
    }
}

impl std::error::Error for ApiError {}

pub use nomad_acl_core::validate::multierror;

/// Nomad's `helper.IsUUID` (case-insensitive canonical UUID shape).
pub fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 36 {
        return false;
    }
    for (i, c) in b.iter().enumerate() {
        match i {
            8 | 13 | 18 | 23 => {
                if *c != b'-' {
                    return false;
                }
            }
            _ => {
                if !c.is_ascii_hexdigit() {
                    return false;
                }
            }
        }
    }
    true
}

pub fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// Go's `%#U` of a byte interpreted as a rune, e.g. `U+007A 'z'`.
fn go_sharp_u(b: u8) -> String {
    let c = char::from(b);
    if c.is_control() || (0x7f..0xa0).contains(&b) {
        format!("U+{:04X}", b as u32)
    } else {
        format!("U+{:04X} '{}'", b as u32, c)
    }
}

/// go-memdb `UUIDFieldIndex.parseString`: returns the lowercase hex key
/// (hyphens removed) or the go-memdb error text.
pub fn uuid_index_key(s: &str, enforce_length: bool) -> Result<String, String> {
    let l = s.len();
    if enforce_length && l != 36 {
        return Err("UUID must be 36 characters".into());
    } else if l > 36 {
        return Err(format!("Invalid UUID length. UUID have 36 characters; got {l}"));
    }
    let hyphens = s.matches('-').count();
    if hyphens > 4 {
        return Err(format!("UUID should have maximum of 4 \"-\"; got {hyphens}"));
    }
    let sanitized: Vec<u8> = s.bytes().filter(|b| *b != b'-').collect();
    if !sanitized.len().is_multiple_of(2) {
        return Err("Input (without hyphens) must be even length".into());
    }
    for pair in sanitized.chunks(2) {
        for b in pair {
            if !b.is_ascii_hexdigit() {
                return Err(format!("Invalid UUID: encoding/hex: invalid byte: {}", go_sharp_u(*b)));
            }
        }
    }
    Ok(String::from_utf8(sanitized).unwrap_or_default().to_ascii_lowercase())
}

/// blake2b-256 over the concatenated parts, base64-encoded (Go `[]byte` JSON).
pub fn hash_parts<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    use base64::Engine;
    let mut h = Blake2b::<U32>::new();
    for p in parts {
        h.update(p);
    }
    base64::engine::general_purpose::STANDARD.encode(h.finalize())
}

pub fn now_utc() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

/// Adds a Go duration (nanoseconds) to a time.
pub fn add_nanos(t: OffsetDateTime, nanos: i64) -> OffsetDateTime {
    t.checked_add(time::Duration::nanoseconds(nanos)).unwrap_or(t)
}

/// `b - a` in nanoseconds (saturating).
pub fn nanos_between(a: OffsetDateTime, b: OffsetDateTime) -> i64 {
    let d = b - a;
    i64::try_from(d.whole_nanoseconds()).unwrap_or(if d.is_negative() { i64::MIN } else { i64::MAX })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuid_index_rules() {
        assert_eq!(uuid_index_key("ab", false).unwrap(), "ab");
        assert_eq!(uuid_index_key("AB-cd", false).unwrap(), "abcd");
        assert_eq!(uuid_index_key("abc", false).unwrap_err(), "Input (without hyphens) must be even length");
        assert_eq!(uuid_index_key("zz", false).unwrap_err(), "Invalid UUID: encoding/hex: invalid byte: U+007A 'z'");
        assert_eq!(uuid_index_key("abc", true).unwrap_err(), "UUID must be 36 characters");
        assert_eq!(uuid_index_key("a-b-c-d-e-f", false).unwrap_err(), "UUID should have maximum of 4 \"-\"; got 5");
        let u = "2B778DD9-F5F1-6F29-B4B4-9A5FA948757A";
        assert_eq!(uuid_index_key(u, true).unwrap(), "2b778dd9f5f16f29b4b49a5fa948757a");
        assert!(is_uuid(u));
        assert!(!is_uuid("2b778dd9f5f16f29b4b49a5fa948757a0000"));
    }
}
