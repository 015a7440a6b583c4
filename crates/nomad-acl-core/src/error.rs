//! The error type the typed Nomad client returns, and that pages act on.
//!
//! Server-only in the main crate (next to `client`), but the type itself is plain data:
//! it is `Serialize + Deserialize + Clone`, so a server function can carry it to the browser.
//! It never holds a secret: the client builds it from HTTP statuses, Nomad's error text,
//! transport failures and configuration problems, none of which contain the caller's token.

use serde::{Deserialize, Serialize};

/// What went wrong talking to Nomad, in a form a page can act on.
///
/// The variants follow what a page does about them:
/// * [`PermissionDenied`](Self::PermissionDenied): sign in again or ask for more rights;
/// * [`NotFound`](Self::NotFound): the object is gone (show "not found", offer to go back);
/// * [`InvalidRequest`](Self::InvalidRequest): show Nomad's text next to the form;
/// * [`Server`](Self::Server): Nomad failed, or answered with a status this client does not expect;
/// * [`Unreachable`](Self::Unreachable) / [`Timeout`](Self::Timeout): Nomad cannot be reached now, retry later;
/// * [`BadResponse`](Self::BadResponse): Nomad answered something this client cannot read;
/// * [`Config`](Self::Config): the console's own Nomad settings (address, TLS files) are wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
pub enum NomadError {
    /// HTTP 403. Nomad's text is usually exactly `Permission denied`.
    #[error("permission denied by Nomad: {message}")]
    PermissionDenied { message: String },

    /// HTTP 404, e.g. `ACL policy not found`.
    #[error("not found: {message}")]
    NotFound { message: String },

    /// HTTP 400, with Nomad's text (validation errors are a go-multierror list, see
    /// [`NomadError::details`]).
    #[error("Nomad rejected the request: {message}")]
    InvalidRequest { message: String },

    /// Any other non-success status: 5xx (Nomad uses 500 for many "not found" deletes and
    /// lookups of malformed IDs), and unexpected ones such as 405.
    #[error("Nomad answered HTTP {status}: {message}")]
    Server { status: u16, message: String },

    /// No HTTP answer: connection refused, DNS failure, TLS handshake failure, connect timeout.
    #[error("cannot reach Nomad at {address}: {reason}")]
    Unreachable { address: String, reason: String },

    /// Connected, but no complete answer came back within the request timeout.
    #[error("Nomad at {address} did not answer in time")]
    Timeout { address: String },

    /// An answer this client cannot use (undecodable JSON, a missing wrapper field, bad headers).
    #[error("unexpected answer from Nomad: {reason}")]
    BadResponse { reason: String },

    /// The console's Nomad settings are unusable (bad address, unreadable or invalid PEM file, ...).
    #[error("invalid Nomad client configuration: {reason}")]
    Config { reason: String },
}

impl NomadError {
    /// Builds the error for a non-success HTTP answer from Nomad: `status` and the body text.
    ///
    /// Nomad's error bodies are `text/plain` with no trailing newline; surrounding whitespace
    /// is trimmed anyway (validation errors end in `\n\n`).
    pub fn from_status(status: u16, body: &str) -> Self {
        let message = body.trim().to_string();
        let message = if message.is_empty() { default_reason(status).to_string() } else { message };
        match status {
            400 => NomadError::InvalidRequest { message },
            403 => NomadError::PermissionDenied { message },
            404 => NomadError::NotFound { message },
            _ => NomadError::Server { status, message },
        }
    }

    /// The HTTP status Nomad answered with, if it answered at all.
    pub fn status(&self) -> Option<u16> {
        match self {
            NomadError::PermissionDenied { .. } => Some(403),
            NomadError::NotFound { .. } => Some(404),
            NomadError::InvalidRequest { .. } => Some(400),
            NomadError::Server { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Nomad's own text (for HTTP errors), or this client's reason (for the others).
    pub fn message(&self) -> &str {
        match self {
            NomadError::PermissionDenied { message }
            | NomadError::NotFound { message }
            | NomadError::InvalidRequest { message }
            | NomadError::Server { message, .. } => message,
            NomadError::Unreachable { reason, .. }
            | NomadError::BadResponse { reason }
            | NomadError::Config { reason } => reason,
            NomadError::Timeout { .. } => "timed out",
        }
    }

    /// The individual items of a go-multierror list inside Nomad's text, e.g. for
    /// `token 0 invalid: 2 errors occurred:\n\t* a\n\t* b\n\n` this returns `["a", "b"]`.
    /// For a text without such a list, it returns the whole message as one item.
    pub fn details(&self) -> Vec<String> {
        let msg = self.message();
        let items: Vec<String> = msg
            .lines()
            .filter_map(|l| l.trim_start_matches('\t').strip_prefix("* "))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        if items.is_empty() {
            vec![msg.to_string()]
        } else {
            items
        }
    }

    pub fn is_permission_denied(&self) -> bool {
        matches!(self, NomadError::PermissionDenied { .. })
    }

    pub fn is_not_found(&self) -> bool {
        matches!(self, NomadError::NotFound { .. })
    }

    pub fn is_invalid_request(&self) -> bool {
        matches!(self, NomadError::InvalidRequest { .. })
    }

    /// A non-success status other than 400, 403 and 404.
    pub fn is_server(&self) -> bool {
        matches!(self, NomadError::Server { .. })
    }

    pub fn is_unreachable(&self) -> bool {
        matches!(self, NomadError::Unreachable { .. })
    }

    pub fn is_timeout(&self) -> bool {
        matches!(self, NomadError::Timeout { .. })
    }

    pub fn is_bad_response(&self) -> bool {
        matches!(self, NomadError::BadResponse { .. })
    }

    pub fn is_config(&self) -> bool {
        matches!(self, NomadError::Config { .. })
    }

    /// True when Nomad did not answer (unreachable or timed out): the same request may work later.
    pub fn is_transport(&self) -> bool {
        matches!(self, NomadError::Unreachable { .. } | NomadError::Timeout { .. })
    }

    /// True when retrying the same request later may succeed: transport failures and 5xx
    /// other than the 500s Nomad uses for requests that will never succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            NomadError::Unreachable { .. } | NomadError::Timeout { .. } => true,
            NomadError::Server { status, .. } => matches!(status, 502..=504 | 429),
            _ => false,
        }
    }

    /// True when the Nomad agent runs with ACLs disabled (`400 ACL support disabled`).
    pub fn is_acl_disabled(&self) -> bool {
        matches!(self, NomadError::InvalidRequest { message } if message == "ACL support disabled")
    }

    /// True for Nomad's "the object does not exist" answers, whatever status carried them:
    /// 404, and the 500s of deletes of missing roles, auth methods and binding rules
    /// (`ACL role not found`, ...), and the 400 of deleting a missing token.
    pub fn is_missing_object(&self) -> bool {
        match self {
            NomadError::NotFound { .. } => true,
            NomadError::Server { status: 500, message } => message.ends_with(" not found"),
            NomadError::InvalidRequest { message } => message.starts_with("Cannot delete nonexistent tokens"),
            _ => false,
        }
    }
}

fn default_reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "(empty answer)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_statuses() {
        assert!(NomadError::from_status(403, "Permission denied").is_permission_denied());
        assert!(NomadError::from_status(404, "ACL policy not found").is_not_found());
        assert!(NomadError::from_status(400, "Missing Policy Name").is_invalid_request());
        let e = NomadError::from_status(500, "ACL role not found");
        assert_eq!(e.status(), Some(500));
        assert!(e.is_server());
        assert!(e.is_missing_object());
        assert_eq!(NomadError::from_status(405, "Invalid method").status(), Some(405));
        assert_eq!(NomadError::from_status(404, "").message(), "Not Found");
    }

    #[test]
    fn multierror_details() {
        let e = NomadError::from_status(
            400,
            "token 0 invalid: 2 errors occurred:\n\t* cannot toggle global mode\n\t* cannot update expiration TTL\n\n",
        );
        assert_eq!(e.details(), vec!["cannot toggle global mode", "cannot update expiration TTL"]);
        assert_eq!(NomadError::from_status(400, "Missing Policy Name").details(), vec!["Missing Policy Name"]);
    }

    #[test]
    fn serde_round_trip_and_display() {
        let e =
            NomadError::Unreachable { address: "http://127.0.0.1:4646".into(), reason: "connection refused".into() };
        let j = serde_json::to_string(&e).unwrap();
        assert!(j.starts_with("{\"unreachable\":{"), "{j}");
        let back: NomadError = serde_json::from_str(&j).unwrap();
        assert_eq!(back, e);
        assert_eq!(e.to_string(), "cannot reach Nomad at http://127.0.0.1:4646: connection refused");
        assert!(e.is_transport() && e.is_retryable());
    }
}
