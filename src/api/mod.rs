//! Server functions, grouped by object. They stay thin: take the session's
//! token, call the typed client, map errors to something a page can show.

pub mod auth_methods;
pub mod binding_rules;
pub mod codec;
#[cfg(feature = "ssr")]
pub mod context;
pub mod error;
pub mod live;
pub mod namespaces;
pub mod overview;
pub mod permissions;
pub mod policies;
pub mod profile;
pub mod replication;
pub mod roles;
pub mod session;
pub mod status;
pub mod tokens;
pub mod who_can;
