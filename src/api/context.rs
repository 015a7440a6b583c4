//! What a server function needs from the request (server only): the session
//! and a Nomad client with its options.

use axum::http::request::Parts;
use leptos::prelude::*;

use super::error::ApiError;
use crate::nomad::client::{NomadClient, QueryOptions, WriteOptions};
use crate::server::session::{Session, SessionKeys};

/// The request's session, or `NotSignedIn` (none, undecryptable, or ended).
pub fn session() -> Result<Session, ApiError> {
    let keys = expect_context::<SessionKeys>();
    let parts = use_context::<Parts>().ok_or(ApiError::NotSignedIn)?;
    keys.read(&parts.headers).filter(|s| !s.is_expired(time::OffsetDateTime::now_utc())).ok_or(ApiError::NotSignedIn)
}

pub fn nomad() -> NomadClient {
    expect_context::<NomadClient>()
}

/// Query options carrying the session's token.
pub fn query(session: &Session) -> QueryOptions {
    QueryOptions::new().with_token(session.secret.clone())
}

/// Write options carrying the session's token.
pub fn write(session: &Session) -> WriteOptions {
    WriteOptions::new().with_token(session.secret.clone())
}
