//! Everything about Nomad's ACL API. `models`, `duration` and `policy` also
//! compile to wasm (the browser uses them); the client is server-only.

pub mod duration;
pub mod models;
pub mod policy;

#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod error;
