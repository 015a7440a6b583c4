//! Token pages.

pub mod list;
