//! The overview: how many of each object, and what needs attention.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// A count, or why the signed-in token cannot see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Count {
    Known(usize),
    /// Listing needs a management token.
    NotAllowed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub tokens: Count,
    pub roles: Count,
    pub policies: Count,
    pub auth_methods: Count,
    pub binding_rules: Count,
    /// Those the token may see (Nomad filters the list by the token's policies).
    pub namespaces: Count,
    /// Only computed when every list is visible (a management token).
    pub health: Option<Health>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub expired_tokens: usize,
    pub expiring_within_24h: usize,
    /// Policy names referenced by a token or a role that do not exist, with how many of each refer to them.
    pub missing_policies: Vec<MissingPolicy>,
    /// Roles that no token carries (name).
    pub unused_roles: Vec<String>,
    /// Roles tokens still link to that no longer exist (short ID or name), with how many tokens.
    pub missing_roles: Vec<MissingRole>,
    /// Client tokens none of whose policies resolve (accessor, name).
    pub tokens_without_permissions: Vec<(String, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingRole {
    pub id: String,
    /// The name the link kept, else the first 8 characters of the ID.
    pub name: String,
    pub tokens: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissingPolicy {
    pub name: String,
    pub tokens: usize,
    pub roles: usize,
}

#[server(output = JsonText)]
pub async fn get_overview() -> Result<Overview, ApiError> {
    let q = super::context::caller()?.query;
    super::context::cached("get_overview".to_string(), load_overview(q)).await
}

#[cfg(feature = "ssr")]
async fn load_overview(q: crate::nomad::client::QueryOptions) -> Result<Overview, ApiError> {
    let client = super::context::nomad();
    let (m, b, n) = (client.acl_auth_methods(), client.acl_binding_rules(), client.namespaces());
    let (lists, methods, rules, namespaces) = futures::join!(client.acl_lists(&q), m.list(&q), b.list(&q), n.list(&q));
    let (tokens, roles, policies) = (lists.tokens, lists.roles, lists.policies);
    /// A list's length, or that this token may not list it.
    fn count(r: Result<usize, &crate::nomad::error::NomadError>) -> Result<Count, ApiError> {
        match r {
            Ok(n) => Ok(Count::Known(n)),
            Err(e) if e.is_permission_denied() => Ok(Count::NotAllowed),
            Err(e) => Err(ApiError::Nomad(e.clone())),
        }
    }
    let overview = Overview {
        tokens: count(tokens.as_ref().map(|(v, _)| v.len()))?,
        roles: count(roles.as_ref().map(|(v, _)| v.len()))?,
        policies: count(policies.as_ref().map(|(v, _)| v.len()))?,
        auth_methods: count(methods.as_ref().map(|(v, _)| v.len()))?,
        binding_rules: count(rules.as_ref().map(|(v, _)| v.len()))?,
        namespaces: count(namespaces.as_ref().map(|(v, _)| v.len()))?,
        health: match (&tokens, &roles, &policies) {
            (Ok((t, _)), Ok((r, _)), Ok((p, _))) => Some(health::compute(t, r, p, time::OffsetDateTime::now_utc())),
            _ => None,
        },
    };
    Ok(overview)
}

/// The health checks, separate from I/O so they can be tested on plain data.
#[cfg(feature = "ssr")]
pub mod health {
    use std::collections::{BTreeMap, HashMap, HashSet};

    use time::OffsetDateTime;

    use super::{Health, MissingPolicy, MissingRole};
    use crate::nomad::models::{AclPolicyListStub, AclRoleListStub, AclTokenListStub};

    pub fn compute(
        tokens: &[AclTokenListStub],
        roles: &[AclRoleListStub],
        policies: &[AclPolicyListStub],
        now: OffsetDateTime,
    ) -> Health {
        let existing: HashSet<&str> = policies.iter().map(|p| p.name.as_str()).collect();
        let role_by_id: HashMap<&str, &AclRoleListStub> = roles.iter().map(|r| (r.id.as_str(), r)).collect();
        let day = now + time::Duration::hours(24);
        let mut h = Health::default();
        let mut missing: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut used_roles: HashSet<&str> = HashSet::new();
        let mut missing_roles: BTreeMap<&str, (&str, usize)> = BTreeMap::new();

        for t in tokens {
            match t.expiration_time {
                Some(exp) if exp <= now => h.expired_tokens += 1,
                Some(exp) if exp <= day => h.expiring_within_24h += 1,
                _ => {}
            }
            let direct = t.policies.as_deref().unwrap_or_default();
            for p in direct.iter().filter(|p| !existing.contains(p.as_str())) {
                missing.entry(p).or_default().0 += 1;
            }
            let links = t.roles.as_deref().unwrap_or_default();
            used_roles.extend(links.iter().map(|l| l.id.as_str()));
            for l in links.iter().filter(|l| !role_by_id.contains_key(l.id.as_str())) {
                let gone = missing_roles.entry(&l.id).or_insert_with(|| (&l.name, 0));
                gone.1 += 1;
            }
            if t.grants_nothing(|p| existing.contains(p), |id| role_by_id.get(id).copied()) {
                h.tokens_without_permissions.push((t.accessor_id.clone(), t.name.clone()));
            }
        }
        for r in roles {
            for p in r.policies.iter().filter(|p| !existing.contains(p.name.as_str())) {
                missing.entry(&p.name).or_default().1 += 1;
            }
            if !used_roles.contains(r.id.as_str()) {
                h.unused_roles.push(r.name.clone());
            }
        }
        h.unused_roles.sort();
        h.missing_roles = missing_roles
            .into_iter()
            .map(|(id, (name, tokens))| MissingRole {
                id: id.to_string(),
                name: crate::api::tokens::RoleRef::deleted(id, name).name,
                tokens,
            })
            .collect();
        h.missing_policies = missing
            .into_iter()
            .map(|(name, (tokens, roles))| MissingPolicy { name: name.to_string(), tokens, roles })
            .collect();
        h
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::nomad::models::{AclRolePolicyLink, AclTokenRoleLink};

        fn token(name: &str, policies: &[&str], roles: &[&str], exp: Option<OffsetDateTime>) -> AclTokenListStub {
            AclTokenListStub {
                accessor_id: format!("acc-{name}"),
                name: name.into(),
                token_type: "client".into(),
                policies: Some(policies.iter().map(|p| p.to_string()).collect()),
                roles: Some(
                    roles.iter().map(|r| AclTokenRoleLink { id: r.to_string(), name: String::new() }).collect(),
                ),
                expiration_time: exp,
                ..Default::default()
            }
        }

        #[test]
        fn finds_expired_expiring_dangling_unused_and_powerless() {
            let now = OffsetDateTime::now_utc();
            let policies = vec![AclPolicyListStub { name: "read".into(), ..Default::default() }];
            let roles = vec![
                AclRoleListStub {
                    id: "r1".into(),
                    name: "ops".into(),
                    policies: vec![AclRolePolicyLink { name: "gone".into() }],
                    ..Default::default()
                },
                AclRoleListStub {
                    id: "r2".into(),
                    name: "idle".into(),
                    policies: vec![AclRolePolicyLink { name: "read".into() }],
                    ..Default::default()
                },
            ];
            let tokens = vec![
                token("ok", &["read"], &[], None),
                token("old", &["read"], &[], Some(now - time::Duration::hours(1))),
                token("soon", &["read"], &[], Some(now + time::Duration::hours(2))),
                token("dangling", &["gone"], &["r1"], None),
            ];
            let h = compute(&tokens, &roles, &policies, now);
            assert_eq!(h.expired_tokens, 1);
            assert_eq!(h.expiring_within_24h, 1);
            assert_eq!(h.missing_policies, vec![MissingPolicy { name: "gone".into(), tokens: 1, roles: 1 }]);
            assert_eq!(h.unused_roles, vec!["idle".to_string()]);
            assert_eq!(h.tokens_without_permissions, vec![("acc-dangling".to_string(), "dangling".to_string())]);
        }
    }
}
