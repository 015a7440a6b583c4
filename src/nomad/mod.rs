//! Everything about Nomad's ACL API. `models`, `duration` and `policy` also
//! compile to wasm (the browser uses them); the client, `bexpr` (go-bexpr, for
//! binding-rule selectors and the token filter) and `selector` (how a login's claims
//! meet a binding rule's selector) are server-only;
//! its error type is plain data that pages receive.

pub mod duration;
pub mod models;
pub mod policy;

pub mod error;

#[cfg(feature = "ssr")]
pub mod bexpr;
#[cfg(feature = "ssr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod selector;
