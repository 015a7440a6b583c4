//! The signed-in session: the user's Nomad token in an encrypted, authenticated
//! cookie (AES-256-GCM, `cookie`'s private jar). There is no server-side store,
//! so any replica that has the same key can serve any request.

use std::path::Path;

use anyhow::Context as _;
use axum::http::{header, HeaderMap, HeaderValue};
use cookie::{Cookie, CookieJar, Key, SameSite};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::nomad::models::SecretId;

/// One-shot message carried across a redirect (post/redirect/get), encrypted
/// like the session because it may hold a freshly bootstrapped secret.
const FLASH: &str = "nac_flash";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FlashKind {
    Error,
    Info,
    /// The management secret just created by bootstrap, shown once.
    Bootstrapped,
    /// A token secret for the token page to show once (after create, renew or a
    /// no-JavaScript reveal); `message` says which token and why.
    TokenSecret,
    /// Why a single sign-on did not work (shown next to the SSO buttons).
    SsoError,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct Flash {
    pub kind: FlashKind,
    pub message: String,
    pub secret: Option<SecretId>,
}

/// Cookie name over plain HTTP. Over HTTPS the `__Host-` prefix makes the
/// browser refuse the cookie unless it is Secure, host-only and for `/`.
const NAME: &str = "nac_session";
const NAME_SECURE: &str = "__Host-nac_session";

/// What the cookie holds. The secret is only ever used server-side to call Nomad.
#[derive(Clone, Serialize, Deserialize)]
pub struct Session {
    pub secret: SecretId,
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    /// Unix seconds; the session ends then (the token's ExpirationTime).
    pub expires_at: Option<i64>,
    /// Random; sign-out revokes it. A cookie from before sessions had one reads as "".
    #[serde(default)]
    pub id: String,
    /// Unix seconds of the sign-in; the session ends `max_age` later whatever the token.
    #[serde(default)]
    pub issued_at: i64,
    /// Unix seconds of the last time Nomad confirmed the token.
    #[serde(default)]
    pub checked_at: i64,
    /// The region the token was confirmed in (`None`: the default one). A local token
    /// lives there only; the session is checked there.
    #[serde(default)]
    pub region: Option<String>,
    /// A global token: replicated to every region.
    #[serde(default)]
    pub global: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("accessor_id", &self.accessor_id)
            .field("name", &self.name)
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A new session for a token Nomad has just confirmed.
    pub fn new(
        secret: SecretId,
        accessor_id: String,
        name: String,
        token_type: String,
        expires_at: Option<i64>,
    ) -> Self {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        Session {
            secret,
            accessor_id,
            name,
            token_type,
            expires_at,
            id: random_id(),
            issued_at: now,
            checked_at: now,
            region: None,
            global: false,
        }
    }

    /// The token's own expiry has passed.
    pub fn is_expired(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_some_and(|t| t <= now.unix_timestamp())
    }
}

fn random_id() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Why a session cookie no longer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// The token's expiration time passed.
    TokenExpired,
    /// The session is older than the console's `--session-max-age`.
    TooOld,
    /// Signed out (on this replica), or a cookie from before session IDs.
    Revoked,
}

/// Session IDs signed out on this replica, kept until those sessions would have
/// ended anyway. Other replicas learn nothing of them (there is no shared store):
/// there, a copied cookie lasts until `--session-max-age`, or until Nomad no longer
/// knows the token (checked every [`RECHECK_SECS`]).
#[derive(Clone, Default)]
pub struct Revoked(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, i64>>>);

/// At most this many revoked IDs are remembered (the oldest are dropped first).
const MAX_REVOKED: usize = 100_000;

impl Revoked {
    fn revoke(&self, id: &str, until: i64) {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.retain(|_, end| *end > now);
        if map.len() >= MAX_REVOKED {
            if let Some(oldest) = map.iter().min_by_key(|(_, end)| **end).map(|(k, _)| k.clone()) {
                map.remove(&oldest);
            }
        }
        map.insert(id.to_string(), until);
    }

    fn contains(&self, id: &str) -> bool {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).contains_key(id)
    }
}

/// How often a session's token is checked with Nomad by default: a token deleted
/// there ends its sessions on every replica within this time.
pub const RECHECK_SECS: i64 = 60;

/// Default absolute lifetime of a session.
pub const DEFAULT_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(12 * 3600);

/// When the session cookie gets the `Secure` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CookieSecure {
    /// Secure when the request came over HTTPS (directly or per `X-Forwarded-Proto`).
    Auto,
    Always,
    Never,
}

/// Encrypts and reads session cookies.
#[derive(Clone)]
pub struct SessionKeys {
    key: Key,
    secure: CookieSecure,
    max_age_secs: i64,
    recheck_secs: i64,
    revoked: Revoked,
    /// When this replica last confirmed a session's token, by session ID: a client
    /// that does not store the refreshed cookie (a script, a benchmark) is not
    /// confirmed again on every request.
    confirmed: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, i64>>>,
}

impl SessionKeys {
    pub fn new(master: &[u8], secure: CookieSecure) -> anyhow::Result<Self> {
        anyhow::ensure!(master.len() >= 32, "the session key must be at least 32 bytes long (it is {})", master.len());
        Ok(Self {
            key: Key::derive_from(master),
            secure,
            max_age_secs: DEFAULT_MAX_AGE.as_secs() as i64,
            recheck_secs: RECHECK_SECS,
            revoked: Revoked::default(),
            confirmed: Default::default(),
        })
    }

    /// A random key: sessions die with the process and are not shared between replicas.
    pub fn random(secure: CookieSecure) -> Self {
        Self {
            key: Key::generate(),
            secure,
            max_age_secs: DEFAULT_MAX_AGE.as_secs() as i64,
            recheck_secs: RECHECK_SECS,
            revoked: Revoked::default(),
            confirmed: Default::default(),
        }
    }

    /// The key from `--session-key-file` or `NOMAD_ACL_CONSOLE_SESSION_KEY`, else a random one.
    pub fn load(file: Option<&Path>, env_value: Option<&str>, secure: CookieSecure) -> anyhow::Result<Self> {
        if let Some(path) = file {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read session key file {}", path.display()))?;
            let trimmed = trim_ascii(&bytes);
            return Self::new(trimmed, secure).with_context(|| format!("session key file {}", path.display()));
        }
        if let Some(value) = env_value.filter(|v| !v.is_empty()) {
            return Self::new(value.trim().as_bytes(), secure).context("NOMAD_ACL_CONSOLE_SESSION_KEY");
        }
        tracing::warn!(
            "no session key given (--session-key-file or NOMAD_ACL_CONSOLE_SESSION_KEY): using a random one, \
             so sessions will not survive a restart and will not be shared between replicas"
        );
        Ok(Self::random(secure))
    }

    /// Sessions end this long after sign-in (`--session-max-age`).
    pub fn with_max_age(mut self, max_age: std::time::Duration) -> Self {
        self.max_age_secs = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX).max(1);
        self
    }

    /// How often a session's token is confirmed with Nomad (default [`RECHECK_SECS`]).
    pub fn with_recheck_interval(mut self, every: std::time::Duration) -> Self {
        self.recheck_secs = i64::try_from(every.as_secs()).unwrap_or(i64::MAX);
        self
    }

    /// Whether Nomad should confirm `session`'s token again now.
    pub fn needs_recheck(&self, session: &Session, now: OffsetDateTime) -> bool {
        let now = now.unix_timestamp();
        let last = self.confirmed.lock().unwrap_or_else(|e| e.into_inner()).get(&session.id).copied();
        now.saturating_sub(session.checked_at.max(last.unwrap_or(0))) >= self.recheck_secs
    }

    /// Nomad confirmed `session`'s token at `now` (unix seconds).
    pub fn confirmed(&self, session: &Session, now: i64) {
        let mut map = self.confirmed.lock().unwrap_or_else(|e| e.into_inner());
        if map.len() >= MAX_REVOKED {
            let horizon = now.saturating_sub(self.recheck_secs);
            map.retain(|_, at| *at > horizon);
            if map.len() >= MAX_REVOKED {
                map.clear();
            }
        }
        map.insert(session.id.clone(), now);
    }

    /// Why `session` no longer counts, if it does not.
    pub fn ended(&self, session: &Session, now: OffsetDateTime) -> Option<Ended> {
        let now = now.unix_timestamp();
        if session.id.is_empty() || self.revoked.contains(&session.id) {
            Some(Ended::Revoked)
        } else if session.expires_at.is_some_and(|t| t <= now) {
            Some(Ended::TokenExpired)
        } else if now >= session.issued_at.saturating_add(self.max_age_secs) {
            Some(Ended::TooOld)
        } else {
            None
        }
    }

    /// The request's session, if it still counts.
    pub fn current(&self, headers: &HeaderMap) -> Option<Session> {
        self.read(headers).filter(|s| self.ended(s, OffsetDateTime::now_utc()).is_none())
    }

    /// Signs `session` out on this replica.
    pub fn revoke(&self, session: &Session) {
        self.revoked.revoke(&session.id, session.issued_at.saturating_add(self.max_age_secs));
    }

    fn cookie_name(&self, https: bool) -> &'static str {
        if self.secure_for(https) {
            NAME_SECURE
        } else {
            NAME
        }
    }

    fn secure_for(&self, https: bool) -> bool {
        match self.secure {
            CookieSecure::Always => true,
            CookieSecure::Never => false,
            CookieSecure::Auto => https,
        }
    }

    /// The session in the request's cookies, if any decrypts (a tampered or
    /// foreign cookie reads as no session).
    pub fn read(&self, headers: &HeaderMap) -> Option<Session> {
        let jar = request_jar(headers, &[NAME, NAME_SECURE]);
        [NAME_SECURE, NAME].iter().find_map(|name| {
            let c = jar.private(&self.key).get(name)?;
            serde_json::from_str(c.value()).ok()
        })
    }

    /// `Set-Cookie` value that stores `session`.
    pub fn set_cookie(&self, session: &Session, https: bool) -> HeaderValue {
        let value = serde_json::to_string(session).expect("a session always serializes");
        // A browser-session cookie: the server ends the session at the token's
        // expiry (`Session::is_expired`), and an ended one still tells the
        // sign-in page when and why it ended.
        let cookie = self.base_cookie(https, value);
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(cookie);
        let name = self.cookie_name(https);
        let encrypted = jar.get(name).expect("just added").to_string();
        HeaderValue::from_str(&encrypted).expect("an encrypted cookie is ASCII")
    }

    /// `Set-Cookie` value that removes the session (sign-out).
    pub fn clear_cookie(&self, https: bool) -> HeaderValue {
        let mut cookie = self.base_cookie(https, String::new());
        cookie.make_removal();
        HeaderValue::from_str(&cookie.to_string()).expect("ASCII")
    }

    fn base_cookie(&self, https: bool, value: String) -> Cookie<'static> {
        let mut cookie = Cookie::new(self.cookie_name(https), value);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Strict);
        cookie.set_secure(self.secure_for(https));
        cookie.set_path("/");
        cookie
    }
}

impl SessionKeys {
    /// `Set-Cookie` value carrying `flash` for the next page (two minutes at most).
    pub fn set_flash(&self, flash: &Flash, https: bool) -> HeaderValue {
        let mut cookie = Cookie::new(FLASH, serde_json::to_string(flash).expect("a flash always serializes"));
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Strict);
        cookie.set_secure(self.secure_for(https));
        cookie.set_path("/");
        cookie.set_max_age(time::Duration::minutes(2));
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(cookie);
        HeaderValue::from_str(&jar.get(FLASH).expect("just added").to_string()).expect("ASCII")
    }

    pub fn read_flash(&self, headers: &HeaderMap) -> Option<Flash> {
        let jar = request_jar(headers, &[FLASH]);
        let c = jar.private(&self.key).get(FLASH)?;
        serde_json::from_str(c.value()).ok()
    }

    pub fn clear_flash(&self, https: bool) -> HeaderValue {
        let mut cookie = Cookie::new(FLASH, "");
        cookie.set_path("/");
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Strict);
        cookie.set_secure(self.secure_for(https));
        cookie.make_removal();
        HeaderValue::from_str(&cookie.to_string()).expect("ASCII")
    }
}

impl SessionKeys {
    /// `Set-Cookie` value sealing `value` (encrypted like the session) under `name`, sent
    /// back only to `path` and for `max_age`. `SameSite=Lax`, unlike the session: an
    /// identity provider's redirect back to the console is a cross-site navigation,
    /// which a `Strict` cookie would not come with.
    pub fn set_sealed_lax(
        &self,
        name: &'static str,
        path: &'static str,
        value: String,
        max_age: time::Duration,
        https: bool,
    ) -> HeaderValue {
        let mut cookie = Cookie::new(name, value);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure_for(https));
        cookie.set_path(path);
        cookie.set_max_age(max_age);
        let mut jar = CookieJar::new();
        jar.private_mut(&self.key).add(cookie);
        HeaderValue::from_str(&jar.get(name).expect("just added").to_string()).expect("ASCII")
    }

    /// The value sealed under `name`, if the request has one that decrypts.
    pub fn read_sealed(&self, headers: &HeaderMap, name: &'static str) -> Option<String> {
        let jar = request_jar(headers, &[name]);
        jar.private(&self.key).get(name).map(|c| c.value().to_string())
    }

    /// `Set-Cookie` value removing a sealed cookie.
    pub fn clear_sealed(&self, name: &'static str, path: &'static str, https: bool) -> HeaderValue {
        let mut cookie = Cookie::new(name, "");
        cookie.set_path(path);
        cookie.set_http_only(true);
        cookie.set_same_site(SameSite::Lax);
        cookie.set_secure(self.secure_for(https));
        cookie.make_removal();
        HeaderValue::from_str(&cookie.to_string()).expect("ASCII")
    }
}

/// Removes the session cookie from a request, so what runs after sees no session.
pub fn strip_session(headers: &mut HeaderMap) {
    let kept: Vec<String> = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(str::trim)
        .filter(|pair| {
            let name = pair.split('=').next().unwrap_or("");
            !pair.is_empty() && name != NAME && name != NAME_SECURE
        })
        .map(str::to_string)
        .collect();
    headers.remove(header::COOKIE);
    if let Ok(value) = HeaderValue::from_str(&kept.join("; ")) {
        if !kept.is_empty() {
            headers.insert(header::COOKIE, value);
        }
    }
}

/// The request's cookies named in `names`.
fn request_jar(headers: &HeaderMap, names: &[&str]) -> CookieJar {
    let mut jar = CookieJar::new();
    for value in headers.get_all(header::COOKIE) {
        let Ok(value) = value.to_str() else { continue };
        for c in Cookie::split_parse(value.to_string()).flatten() {
            if names.contains(&c.name()) {
                jar.add_original(c);
            }
        }
    }
    jar
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(start, |e| e + 1);
    &bytes[start..end]
}

/// Whether the request reached us over HTTPS (directly, or through a proxy that says so).
pub fn is_https(headers: &HeaderMap, uri: &axum::http::Uri) -> bool {
    uri.scheme_str() == Some("https")
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.split(',').next().is_some_and(|p| p.trim().eq_ignore_ascii_case("https")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> Session {
        Session::new(
            SecretId::new("6bd5f3a8-7c43-4d53-a0ab-9b1f5e4b3c21".to_string()),
            "a1".into(),
            "ops".into(),
            "management".into(),
            None,
        )
    }

    fn headers_with(cookie: &HeaderValue) -> HeaderMap {
        let pair = cookie.to_str().unwrap().split(';').next().unwrap().to_string();
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
        h
    }

    #[test]
    fn round_trip_and_flags() {
        let keys = SessionKeys::new(&[7u8; 32], CookieSecure::Auto).unwrap();
        let set = keys.set_cookie(&session(), false);
        let text = set.to_str().unwrap();
        assert!(text.starts_with("nac_session="));
        assert!(text.contains("HttpOnly") && text.contains("SameSite=Strict") && text.contains("Path=/"));
        assert!(!text.contains("Secure"));
        assert!(!text.contains("6bd5f3a8"), "the secret is encrypted in the cookie");
        let back = keys.read(&headers_with(&set)).unwrap();
        assert_eq!(back.secret.expose(), session().secret.expose());

        let https = keys.set_cookie(&session(), true).to_str().unwrap().to_string();
        assert!(https.starts_with("__Host-nac_session=") && https.contains("Secure"));
    }

    #[test]
    fn another_key_or_tampering_reads_as_no_session() {
        let keys = SessionKeys::new(&[7u8; 32], CookieSecure::Never).unwrap();
        let other = SessionKeys::new(&[8u8; 32], CookieSecure::Never).unwrap();
        let set = keys.set_cookie(&session(), false);
        assert!(other.read(&headers_with(&set)).is_none());
        let mut tampered = set.to_str().unwrap().to_string();
        tampered.insert(15, 'A');
        assert!(keys.read(&headers_with(&HeaderValue::from_str(&tampered).unwrap())).is_none());
    }

    #[test]
    fn short_keys_are_refused_and_debug_hides_the_secret() {
        assert!(SessionKeys::new(b"short", CookieSecure::Auto).is_err());
        assert!(!format!("{:?}", session()).contains("6bd5f3a8"));
    }

    #[test]
    fn flash_round_trip() {
        let keys = SessionKeys::new(&[7u8; 32], CookieSecure::Auto).unwrap();
        let set = keys.set_flash(&Flash { kind: FlashKind::Error, message: "nope".into(), secret: None }, false);
        assert!(set.to_str().unwrap().contains("Max-Age=120"));
        assert_eq!(keys.read_flash(&headers_with(&set)).unwrap().message, "nope");
        assert!(keys.clear_flash(false).to_str().unwrap().contains("Max-Age=0"));
    }

    #[test]
    fn expiry() {
        let mut s = session();
        assert!(!s.is_expired(OffsetDateTime::now_utc()));
        s.expires_at = Some(OffsetDateTime::now_utc().unix_timestamp() - 1);
        assert!(s.is_expired(OffsetDateTime::now_utc()));
    }

    #[test]
    fn sessions_end_at_their_absolute_age_and_on_revocation() {
        let keys = SessionKeys::new(&[7u8; 32], CookieSecure::Never)
            .unwrap()
            .with_max_age(std::time::Duration::from_secs(3600));
        let s = session();
        let now = OffsetDateTime::now_utc();
        assert_eq!(keys.ended(&s, now), None);
        assert_eq!(keys.ended(&s, now + time::Duration::seconds(3600)), Some(Ended::TooOld));
        let mut old = s.clone();
        old.id.clear();
        assert_eq!(keys.ended(&old, now), Some(Ended::Revoked), "a cookie without an ID");
        let mut gone = s.clone();
        gone.expires_at = Some(now.unix_timestamp() - 1);
        assert_eq!(keys.ended(&gone, now), Some(Ended::TokenExpired));

        let cookie = keys.set_cookie(&s, false);
        assert!(keys.current(&headers_with(&cookie)).is_some());
        keys.revoke(&s);
        assert!(keys.current(&headers_with(&cookie)).is_none(), "a replayed cookie after sign-out");
        assert!(keys.read(&headers_with(&cookie)).is_some(), "it still decrypts: only its use ends");
        // Another session of the same token is not affected.
        let other = session();
        assert!(keys.current(&headers_with(&keys.set_cookie(&other, false))).is_some());
    }

    #[test]
    fn a_confirmed_token_is_not_rechecked_for_a_minute_even_with_an_old_cookie() {
        let keys = SessionKeys::new(&[7u8; 32], CookieSecure::Never).unwrap();
        let mut s = session();
        let now = OffsetDateTime::now_utc();
        assert!(!keys.needs_recheck(&s, now), "just signed in");
        s.checked_at -= RECHECK_SECS;
        assert!(keys.needs_recheck(&s, now));
        keys.confirmed(&s, now.unix_timestamp());
        assert!(!keys.needs_recheck(&s, now), "confirmed on this replica; the client kept its old cookie");
        assert!(keys.needs_recheck(&s, now + time::Duration::seconds(RECHECK_SECS)));
    }
}
