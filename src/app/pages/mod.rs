//! One module per page.

pub mod auth_methods;
pub mod binding_rules;
pub mod bootstrapped;
pub mod namespaces;
pub mod not_found;
pub mod overview;
pub mod permissions;
pub mod policies;
pub mod profile;
pub mod replication;
pub mod roles;
pub mod sign_in;
pub mod sign_in_switch;
pub mod tokens;
pub mod who_can;
