//! Nomad's ACL objects as plain data, shared by the server, the browser (wasm)
//! and the embedded Nomad: the models (named as Nomad's JSON), Go durations,
//! the policy language, go-bexpr (binding-rule selectors and token filters) and
//! how a login's claims meet a selector. No I/O.

pub mod bexpr;
pub mod duration;
pub mod error;
pub mod models;
pub mod policy;
pub mod selector;
pub mod validate;
