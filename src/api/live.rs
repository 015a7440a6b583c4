//! Live updates, the part both sides share: the object kinds a page can follow,
//! the events the `/live` stream sends (see `server::live`), and a check of one
//! object's version for edit forms that must not silently overwrite a change.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// An ACL object kind the console watches; one upstream blocking query each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    Tokens,
    Roles,
    Policies,
    AuthMethods,
    BindingRules,
    Namespaces,
}

impl Kind {
    pub const ALL: [Kind; 6] =
        [Kind::Tokens, Kind::Roles, Kind::Policies, Kind::AuthMethods, Kind::BindingRules, Kind::Namespaces];

    /// The name used in `/live?kinds=` and in events.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Tokens => "tokens",
            Kind::Roles => "roles",
            Kind::Policies => "policies",
            Kind::AuthMethods => "auth-methods",
            Kind::BindingRules => "binding-rules",
            Kind::Namespaces => "namespaces",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Position in [`Kind::ALL`], for per-kind arrays.
    pub fn slot(self) -> usize {
        self as usize
    }

    /// Kinds from a comma-separated list: sorted, without duplicates; `Err` names
    /// the first unknown one.
    pub fn parse_list(list: &str) -> Result<Vec<Kind>, String> {
        let mut kinds = Vec::new();
        for part in list.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            kinds.push(Kind::parse(part).ok_or_else(|| part.to_string())?);
        }
        kinds.sort();
        kinds.dedup();
        Ok(kinds)
    }

    /// The inverse of [`Kind::parse_list`].
    pub fn join(kinds: &[Kind]) -> String {
        kinds.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(",")
    }
}

/// Data of a `change` event: the kind's table index moved to `index`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub kind: Kind,
    pub index: u64,
}

/// Data of an `unavailable` event: this kind cannot be followed with the
/// session's token (e.g. a client token may not list tokens).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unavailable {
    pub kind: Kind,
    pub message: String,
}

/// Data of an `ended` event: the stream closes for good (the token expired or
/// was deleted); the browser must not reconnect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ended {
    pub message: String,
}

/// The current `ModifyIndex` of one object, `None` once it is deleted. `id` is
/// an accessor ID, role ID, policy name, auth method name, binding rule ID or
/// namespace name.
#[server(output = JsonText)]
pub async fn object_version(kind: Kind, id: String) -> Result<Option<u64>, ApiError> {
    let super::context::Caller { nomad, query: q, .. } = super::context::caller()?;
    let found = match kind {
        Kind::Tokens => nomad.acl_tokens().get(&id, &q).await.map(|(o, _)| o.modify_index),
        Kind::Roles => nomad.acl_roles().get(&id, &q).await.map(|(o, _)| o.modify_index),
        Kind::Policies => nomad.acl_policies().get(&id, &q).await.map(|(o, _)| o.modify_index),
        Kind::AuthMethods => nomad.acl_auth_methods().get(&id, &q).await.map(|(o, _)| o.modify_index),
        Kind::BindingRules => nomad.acl_binding_rules().get(&id, &q).await.map(|(o, _)| o.modify_index),
        Kind::Namespaces => nomad.namespaces().get(&id, &q).await.map(|(o, _)| o.modify_index),
    };
    match found {
        Ok(index) => Ok(Some(index)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_sorted_and_unique() {
        let kinds = Kind::parse_list("roles, tokens,roles,,binding-rules").unwrap();
        assert_eq!(kinds, vec![Kind::Tokens, Kind::Roles, Kind::BindingRules]);
        assert_eq!(Kind::join(&kinds), "tokens,roles,binding-rules");
        assert_eq!(Kind::parse_list("tokens,jobs"), Err("jobs".to_string()));
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(Kind::ALL[k.slot()], k);
        }
    }

    #[test]
    fn events_carry_kebab_case_kinds() {
        let json = serde_json::to_string(&Change { kind: Kind::AuthMethods, index: 7 }).unwrap();
        assert_eq!(json, r#"{"kind":"auth-methods","index":7}"#);
    }
}
