//! `ACLRole.Validate` (`nomad/structs/acl.go`).

use super::{description_too_long, invalid_name, valid_name, Problem};
use crate::models::AclRole;

/// What a role form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Description,
    Policies,
    Other,
}

pub fn name(name: &str) -> Option<String> {
    (!valid_name(name)).then(|| invalid_name(name))
}

pub fn description(description: &str) -> Option<String> {
    description_too_long(description)
}

/// A role grants through its policies: it needs at least one.
pub fn policies(policies: &[String]) -> Option<String> {
    policies.is_empty().then(|| "at least one policy should be specified".to_string())
}

impl AclRole {
    /// Every failed check, in Nomad's order (name, description, policies).
    pub fn validate(&self) -> Vec<Problem<Field>> {
        let names: Vec<String> = self.policies.iter().map(|p| p.name.clone()).collect();
        let mut out = Vec::new();
        out.extend(name(&self.name).map(|m| Problem::new(Field::Name, m)));
        out.extend(description(&self.description).map(|m| Problem::new(Field::Description, m)));
        out.extend(policies(&names).map(|m| Problem::new(Field::Policies, m)));
        out
    }
}

/// The field a message about a role is about (`validate`'s texts and the endpoint's).
pub fn field_of(message: &str) -> Field {
    let m = message.to_ascii_lowercase();
    if m.starts_with("invalid name") || m.contains("role with name") {
        Field::Name
    } else if m.starts_with("description") {
        Field::Description
    } else if m.contains("cannot find policy") || m.contains("at least one policy") {
        Field::Policies
    } else {
        Field::Other
    }
}
