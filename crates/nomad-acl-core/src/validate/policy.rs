//! `ACLPolicy.Validate` (`nomad/structs/acl.go`).

use super::{description_too_long, invalid_name, valid_name, Problem};
use crate::models::{AclPolicy, JobAcl};

/// What a policy form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Name,
    Description,
    Rules,
    JobAcl,
    Other,
}

pub fn name(name: &str) -> Option<String> {
    (!valid_name(name)).then(|| invalid_name(name))
}

pub fn description(description: &str) -> Option<String> {
    description_too_long(description)
}

/// Rules that do not parse in strict mode; empty rules are allowed, rules of only
/// whitespace are not.
pub fn rules(rules: &str) -> Option<String> {
    if rules.is_empty() {
        return None;
    }
    match crate::policy::parse(rules) {
        Err(e) => Some(format!("failed to parse rules: {e}")),
        Ok(_) if rules.trim().is_empty() => Some(format!("failed to parse rules: Invalid policy: {rules}")),
        Ok(_) => None,
    }
}

/// A workload-identity policy's job, group and task, each needing the one above it.
pub fn job_acl(j: Option<&JobAcl>) -> Vec<String> {
    let Some(j) = j else { return Vec::new() };
    let mut out = Vec::new();
    if !j.job_id.is_empty() && j.namespace.is_empty() {
        out.push("namespace must be set to set job ID".to_string());
    }
    if !j.group.is_empty() && j.job_id.is_empty() {
        out.push("job ID must be set to set group".to_string());
    }
    if !j.task.is_empty() && j.group.is_empty() {
        out.push("group must be set to set task".to_string());
    }
    out
}

impl AclPolicy {
    /// Every failed check, in Nomad's order (name, rules, description, job).
    pub fn validate(&self) -> Vec<Problem<Field>> {
        let mut out = Vec::new();
        out.extend(name(&self.name).map(|m| Problem::new(Field::Name, m)));
        out.extend(rules(&self.rules).map(|m| Problem::new(Field::Rules, m)));
        out.extend(description(&self.description).map(|m| Problem::new(Field::Description, m)));
        out.extend(job_acl(self.job_acl.as_ref()).into_iter().map(|m| Problem::new(Field::JobAcl, m)));
        out
    }
}

/// The field a message about a policy is about: Nomad's texts (from `validate`, and
/// the endpoint's own) and the console's.
pub fn field_of(message: &str) -> Field {
    let m = message.to_ascii_lowercase();
    if m.starts_with("invalid name")
        || m.contains("policy named")
        || m.contains("name does not match")
        || m.contains("missing policy name")
    {
        Field::Name
    } else if m.starts_with("description") {
        Field::Description
    } else if m.contains("parse rules") || m.starts_with("invalid policy") {
        Field::Rules
    } else if m.contains("must be set to set") {
        Field::JobAcl
    } else {
        Field::Other
    }
}
