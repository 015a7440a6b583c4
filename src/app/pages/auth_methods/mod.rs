//! `/auth-methods`: the list, one method, and the editor (create and edit).

pub mod detail;
pub mod edit;
pub mod list;

/// How a type is named to people.
pub fn type_label(t: &str) -> &'static str {
    match t {
        "OIDC" => "OIDC (browser sign-in)",
        "JWT" => "JWT (machine login)",
        _ => "unknown type",
    }
}
