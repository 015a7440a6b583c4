//! `/policies`: the list, one policy, and the editor (create and edit).

pub mod detail;
pub mod edit;
pub mod list;

/// `/policies/<name>` with the name escaped for a path.
pub fn href(name: &str) -> String {
    format!("/policies/{}", crate::api::policies::urlencoding_path(name))
}
