//! Nomad's ACL API, as the console sees it: the objects and rules (the
//! `nomad-acl-core` crate, also compiled to wasm) and, on the server, the typed
//! client (the `nomad-acl-client` crate).

pub use nomad_acl_core::{bexpr, duration, error, models, policy, selector, validate};

#[cfg(feature = "ssr")]
pub use nomad_acl_client as client;
