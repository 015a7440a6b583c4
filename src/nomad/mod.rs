//! Everything about Nomad's ACL API. `models`, `duration` and `policy` also
//! compile to wasm (the browser uses them); the client is server-only;
//! its error type is plain data that pages receive.

pub mod duration;
pub mod models;
pub mod policy;

pub mod error;

#[cfg(feature = "ssr")]
pub mod client;
