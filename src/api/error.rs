//! The error every server function returns: what a page needs to react.

use crate::api::codec::JsonTextEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::nomad::error::NomadError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    /// No session, or it ended (the token expired): sign in again.
    #[error("You are not signed in.")]
    NotSignedIn,
    /// Nomad answered with an error, or could not be reached.
    #[error("{0}")]
    Nomad(NomadError),
    /// Bad input from the page.
    #[error("{0}")]
    Invalid(String),
    /// The server function call itself failed (network, encoding).
    #[error("The console could not complete the request: {0}")]
    Call(String),
    /// The object moved on since its editor opened: the save was not written.
    #[error("{0}")]
    ChangedElsewhere(Conflict),
}

/// A save refused because someone else changed the object after the editor read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conflict {
    /// What the object is, for the reader: "policy", "token".
    pub what: String,
    /// Its modify index when the editor opened, and now.
    pub opened_at: u64,
    pub now_at: u64,
    /// The fields where the stored object now differs from the draft (may be empty:
    /// the other change was the same as this one).
    pub differs: Vec<String>,
}

impl std::fmt::Display for Conflict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Conflict { what, opened_at, now_at, differs } = self;
        write!(f, "Not saved: this {what} was changed elsewhere after you opened it (modify index {opened_at}, now {now_at}).")?;
        match differs.as_slice() {
            [] => write!(f, " It now holds what you were saving.")?,
            [one] => write!(f, " Its {one} now differs from yours.")?,
            [init @ .., last] => write!(f, " Its {} and {last} now differ from yours.", init.join(", "))?,
        }
        write!(f, " Reload to see that change, or tick \"Overwrite the other change\" and save again.")
    }
}

impl Conflict {
    /// Refuses a save when the object moved since `opened_at` (0: the editor did not
    /// say, so nothing to compare) unless the user chose to overwrite. `differs` names
    /// the fields where the stored object and the draft disagree.
    pub fn check(
        what: &str,
        opened_at: u64,
        overwrite: bool,
        now_at: u64,
        differs: &[(&str, bool)],
    ) -> Result<(), ApiError> {
        if opened_at == 0 || overwrite || opened_at == now_at {
            return Ok(());
        }
        Err(ApiError::ChangedElsewhere(Conflict {
            what: what.to_string(),
            opened_at,
            now_at,
            differs: differs.iter().filter(|(_, d)| *d).map(|(f, _)| f.to_string()).collect(),
        }))
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonTextEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Call(value.to_string())
    }
}

impl From<NomadError> for ApiError {
    fn from(e: NomadError) -> Self {
        ApiError::Nomad(e)
    }
}

impl ApiError {
    /// The HTTP status a server function answers with this error: the caller's
    /// fault is a 4xx, Nomad's trouble a 5xx, so logs, proxies and monitoring can
    /// tell a typo from an outage.
    pub fn http_status(&self) -> u16 {
        match self {
            _ if self.token_gone() => 401,
            ApiError::NotSignedIn => 401,
            ApiError::Invalid(_) | ApiError::Call(_) => 400,
            ApiError::ChangedElsewhere(_) => 409,
            ApiError::Nomad(e) => match e {
                NomadError::PermissionDenied { .. } => 403,
                NomadError::NotFound { .. } => 404,
                NomadError::InvalidRequest { .. } => 400,
                NomadError::Unreachable { .. } | NomadError::BadResponse { .. } | NomadError::Server { .. } => 502,
                NomadError::Timeout { .. } => 504,
                NomadError::Config { .. } => 500,
            },
        }
    }

    /// Nomad no longer accepts the session's token: it was deleted, or it expired.
    /// Nomad answers such a token with `ACL token not found` (or `ACL token expired`),
    /// which is not a refusal of the action: the session is over.
    pub fn token_gone(&self) -> bool {
        match self {
            ApiError::Nomad(NomadError::PermissionDenied { message } | NomadError::Server { message, .. }) => {
                message.ends_with("ACL token not found") || message.ends_with("ACL token expired")
            }
            _ => false,
        }
    }

    /// The session is over (no session, or Nomad no longer accepts its token): sign in again.
    pub fn signed_out(&self) -> bool {
        matches!(self, ApiError::NotSignedIn) || self.token_gone()
    }

    /// A sentence for a person: what happened and, where it helps, what to do.
    pub fn explain(&self) -> String {
        match self {
            _ if self.token_gone() => {
                "Your session ended: Nomad no longer accepts its token (it was deleted or expired). Sign in again."
                    .to_string()
            }
            ApiError::Nomad(NomadError::PermissionDenied { .. }) => {
                "Your token does not allow this. Ask for a token with more rights, or sign in with another one."
                    .to_string()
            }
            ApiError::Nomad(e @ (NomadError::Unreachable { .. } | NomadError::Timeout { .. })) => {
                format!("{e}. Check that Nomad is running and reachable from the console, then retry.")
            }
            other => other.to_string(),
        }
    }

    /// The messages of a refused save, each placed on its form field by `place`: Nomad's
    /// go-multierror list item by item, without `prefix` (e.g. `policy 0 invalid: `).
    /// Any other error (permission, Nomad down) comes back whole, on `other`.
    pub fn by_field<F: Copy>(&self, prefix: &str, other: F, place: impl Fn(&str) -> (F, String)) -> Vec<(F, String)> {
        let items = match self {
            ApiError::Invalid(m) => NomadError::InvalidRequest { message: m.clone() }.details(),
            ApiError::Nomad(n @ NomadError::InvalidRequest { .. }) => n.details(),
            e => return vec![(other, e.explain())],
        };
        items.iter().map(|i| place(i.strip_prefix(prefix).unwrap_or(i))).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_nomad_no_longer_knows_ends_the_session_instead_of_reading_as_a_refusal() {
        let gone = ApiError::Nomad(NomadError::PermissionDenied { message: "ACL token not found".into() });
        assert!(gone.token_gone() && gone.signed_out());
        assert_eq!(gone.http_status(), 401);
        assert!(gone.explain().contains("Sign in again"), "{}", gone.explain());
        let expired =
            ApiError::Nomad(NomadError::Server { status: 500, message: "rpc error: ACL token expired".into() });
        assert!(expired.token_gone());
        let refused = ApiError::Nomad(NomadError::PermissionDenied { message: "Permission denied".into() });
        assert!(!refused.token_gone() && !refused.signed_out());
        assert_eq!(refused.http_status(), 403);
        assert!(ApiError::NotSignedIn.signed_out());
    }

    #[test]
    fn a_save_over_a_newer_version_is_refused_naming_what_differs_unless_overwriting() {
        let differs = [("description", false), ("rules", true), ("name", true)];
        let Err(e) = Conflict::check("policy", 7, false, 9, &differs) else { panic!("a moved index must refuse") };
        assert_eq!(e.http_status(), 409);
        let text = e.explain();
        assert!(text.starts_with("Not saved: this policy was changed elsewhere"), "{text}");
        assert!(text.contains("modify index 7, now 9") && text.contains("Its rules and name now differ"), "{text}");
        assert!(Conflict::check("policy", 7, true, 9, &differs).is_ok(), "overwriting on purpose");
        assert!(Conflict::check("policy", 9, false, 9, &differs).is_ok(), "unchanged");
        assert!(Conflict::check("policy", 0, false, 9, &differs).is_ok(), "no index to compare");
        let same = Conflict::check("role", 1, false, 2, &[("name", false)]).unwrap_err().to_string();
        assert!(same.contains("now holds what you were saving"), "{same}");
    }
}
