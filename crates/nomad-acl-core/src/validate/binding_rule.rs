//! `ACLBindingRule.Validate` (`nomad/structs/acl.go`).

use super::{description_too_long, Problem};
use crate::models::{AclBindingRule, BIND_TYPE_MANAGEMENT, BIND_TYPE_POLICY, BIND_TYPE_ROLE};

/// What a binding-rule form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    AuthMethod,
    Description,
    Selector,
    BindType,
    BindName,
    Other,
}

pub fn auth_method(method: &str) -> Option<String> {
    method.is_empty().then(|| "auth method is missing".to_string())
}

pub fn description(description: &str) -> Option<String> {
    description_too_long(description)
}

/// Nomad checks the bind type and the name in one switch: at most one message.
pub fn bind(bind_type: &str, bind_name: &str) -> Option<Problem<Field>> {
    match bind_type {
        "" => Some(Problem::new(Field::BindType, "bind type is missing")),
        BIND_TYPE_ROLE | BIND_TYPE_POLICY => {
            bind_name.is_empty().then(|| Problem::new(Field::BindName, "bind name is missing"))
        }
        BIND_TYPE_MANAGEMENT => {
            (!bind_name.is_empty()).then(|| Problem::new(Field::BindName, "bind name should be empty"))
        }
        other => Some(Problem::new(Field::BindType, format!("unsupported bind type: {other:?}"))),
    }
}

/// go-bexpr's verdict on a selector (empty selects every login).
pub fn selector(selector: &str) -> Option<String> {
    if selector.is_empty() {
        return None;
    }
    crate::bexpr::parse(selector).err().map(|e| format!("selector is invalid: {e}"))
}

impl AclBindingRule {
    /// Every failed check, in Nomad's order (auth method, description, bind, selector).
    pub fn validate(&self) -> Vec<Problem<Field>> {
        let mut out = Vec::new();
        out.extend(auth_method(&self.auth_method).map(|m| Problem::new(Field::AuthMethod, m)));
        out.extend(description(&self.description).map(|m| Problem::new(Field::Description, m)));
        out.extend(bind(&self.bind_type, &self.bind_name));
        out.extend(selector(&self.selector).map(|m| Problem::new(Field::Selector, m)));
        out
    }
}

/// The field a message about a binding rule is about (`validate`'s texts and the endpoint's).
pub fn field_of(message: &str) -> Field {
    let m = message.to_ascii_lowercase();
    if m.starts_with("auth method is missing")
        || m.starts_with("cannot update auth method")
        || (m.starts_with("acl auth method ") && m.ends_with(" not found"))
    {
        Field::AuthMethod
    } else if m.starts_with("description") {
        Field::Description
    } else if m.starts_with("bind type") || m.starts_with("unsupported bind type") {
        Field::BindType
    } else if m.starts_with("bind name") {
        Field::BindName
    } else if m.starts_with("selector") {
        Field::Selector
    } else {
        Field::Other
    }
}
