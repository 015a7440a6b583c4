//! Namespaces: the list, one namespace with who can do what in it, the editor.

pub mod detail;
pub mod edit;
pub mod list;
