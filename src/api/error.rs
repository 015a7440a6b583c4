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
            ApiError::NotSignedIn => 401,
            ApiError::Invalid(_) | ApiError::Call(_) => 400,
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

    /// A sentence for a person: what happened and, where it helps, what to do.
    pub fn explain(&self) -> String {
        match self {
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
