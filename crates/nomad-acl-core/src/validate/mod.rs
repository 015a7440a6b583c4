//! Nomad's checks of each ACL object, as `Validate()` on its type in Nomad's
//! `nomad/structs`: the one place each rule and each of its texts is written.
//!
//! Each object has a module with its `Field` (what a form shows a message next to),
//! a `validate` method on the model returning [`Problem`]s in Nomad's order and
//! with Nomad's texts, and `field_of`, which places a text that came back from a
//! real Nomad. The embedded server joins the messages into Nomad's error answer
//! ([`invalid`]); the console's forms show each at its field before posting.

use serde::{Deserialize, Serialize};

pub mod auth_method;
pub mod binding_rule;
pub mod namespace;
pub mod policy;
pub mod role;
pub mod token;

#[cfg(test)]
mod tests;

/// One failed check: the field it is about, and Nomad's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem<F> {
    pub field: F,
    pub message: String,
}

impl<F> Problem<F> {
    pub fn new(field: F, message: impl Into<String>) -> Self {
        Problem { field, message: message.into() }
    }
}

/// The messages of `problems`, in order.
pub fn messages<F>(problems: &[Problem<F>]) -> Vec<String> {
    problems.iter().map(|p| p.message.clone()).collect()
}

/// Longest description Nomad takes on a policy, role or binding rule (bytes).
pub const MAX_DESCRIPTION: usize = 256;

/// Nomad's `validPolicyName` (policies, roles and auth methods): 1 to 128 of
/// ASCII letters, digits and `-`.
pub fn valid_name(name: &str) -> bool {
    (1..=128).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// `invalid name '<name>'`, Nomad's text for a name `valid_name` refuses.
pub fn invalid_name(name: &str) -> String {
    format!("invalid name '{name}'")
}

/// `description longer than 256`.
pub fn description_too_long(description: &str) -> Option<String> {
    (description.len() > MAX_DESCRIPTION).then(|| format!("description longer than {MAX_DESCRIPTION}"))
}

/// go-multierror's list: `1 error occurred:\n\t* a\n\n`.
pub fn multierror(items: &[String]) -> String {
    let head =
        if items.len() == 1 { "1 error occurred:".to_string() } else { format!("{} errors occurred:", items.len()) };
    let body: String = items.iter().map(|i| format!("\n\t* {i}")).collect();
    format!("{head}{body}\n\n")
}

/// Nomad's answer to an upsert whose first object fails its checks:
/// `<kind> 0 invalid: <multierror>`, e.g. `policy 0 invalid: 1 error occurred: ...`.
pub fn invalid(kind: &str, items: &[String]) -> String {
    format!("{kind} 0 invalid: {}", multierror(items))
}
