//! The tokens pages: list, create, one token (edit, reveal, renew), delete.

pub mod delete;
pub mod detail;
pub mod fields;
pub mod grants;
pub mod list;
pub mod new;
