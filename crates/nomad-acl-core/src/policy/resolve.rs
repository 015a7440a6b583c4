//! A token's permissions resolved as Nomad resolves them, remembering how
//! each policy was reached: attached directly, through one or more roles, or both.
//!
//! Nomad gathers `token.Policies` and, for each role link that exists, the role's
//! policy links; names that do not exist are skipped (we list them as missing).
//! `CompileACLObject` sorts the policies by name before `acl.NewACL`, so the merge
//! here runs in name order too (it matters for provenance order and glob ties).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{EffectivePermissions, Policy};

/// How a policy reaches a token.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Via {
    /// In the token's own policy list.
    Direct,
    /// Through the role of this name.
    Role(String),
}

/// A policy and every route by which it reaches the token (direct first, then roles
/// in the token's order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    pub policy: String,
    pub via: Vec<Via>,
}

/// A role link of the token: `None` when the role does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleLink {
    pub id: String,
    pub role: Option<ResolvedRole>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolvedRole {
    pub name: String,
    pub policies: Vec<String>,
}

/// The outcome of resolving one token (or one role on its own).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resolution {
    pub management: bool,
    pub acl: EffectivePermissions,
    /// Policies that exist and were merged, with their routes.
    pub routes: BTreeMap<String, Vec<Via>>,
    /// Policy names that were referenced but do not exist (skipped, as Nomad does).
    pub missing_policies: BTreeMap<String, Vec<Via>>,
    /// IDs of role links whose role does not exist.
    pub missing_roles: Vec<String>,
}

impl Resolution {
    /// The policy names merged, in merge (name) order: the key of Nomad's ACL cache.
    pub fn policy_names(&self) -> Vec<String> {
        self.routes.keys().cloned().collect()
    }

    /// `names` (as returned by `granted_by` or `decided_by`) with their routes.
    pub fn sources<S: AsRef<str>>(&self, names: &[S]) -> Vec<Source> {
        names
            .iter()
            .map(|n| Source {
                policy: n.as_ref().to_string(),
                via: self.routes.get(n.as_ref()).cloned().unwrap_or_default(),
            })
            .collect()
    }
}

fn add_route(map: &mut BTreeMap<String, Vec<Via>>, policy: &str, via: Via) {
    let routes = map.entry(policy.to_string()).or_default();
    if !routes.contains(&via) {
        routes.push(via);
    }
}

/// Every policy name the token references, with its routes (existing or not), and the
/// IDs of role links whose role does not exist (before the lookup).
pub fn gather(direct: &[String], roles: &[RoleLink]) -> (BTreeMap<String, Vec<Via>>, Vec<String>) {
    let mut wanted: BTreeMap<String, Vec<Via>> = BTreeMap::new();
    for p in direct {
        add_route(&mut wanted, p, Via::Direct);
    }
    let mut missing_roles = Vec::new();
    for link in roles {
        match &link.role {
            Some(role) => {
                for p in &role.policies {
                    add_route(&mut wanted, p, Via::Role(role.name.clone()));
                }
            }
            None => missing_roles.push(link.id.clone()),
        }
    }
    (wanted, missing_roles)
}

/// Resolves a token: `management` short-circuits (management tokens carry nothing);
/// otherwise its direct policies and its roles' policies, looked up with `lookup`
/// (`None`: the policy does not exist).
pub fn resolve<'p>(
    management: bool,
    direct: &[String],
    roles: &[RoleLink],
    lookup: impl Fn(&str) -> Option<&'p Policy>,
) -> Resolution {
    if management {
        return Resolution { management: true, acl: EffectivePermissions::management(), ..Default::default() };
    }
    let (wanted, missing_roles) = gather(direct, roles);
    let mut routes = BTreeMap::new();
    let mut missing_policies = BTreeMap::new();
    let mut found: Vec<(&'p Policy, String)> = Vec::new();
    for (name, via) in wanted {
        match lookup(&name) {
            Some(p) => {
                found.push((p, name.clone()));
                routes.insert(name, via);
            }
            None => {
                missing_policies.insert(name, via);
            }
        }
    }
    // BTreeMap order: by name, as CompileACLObject sorts them.
    let acl = EffectivePermissions::from_policies(found.iter().map(|(p, n)| (n.as_str(), *p)));
    Resolution { management: false, acl, routes, missing_policies, missing_roles }
}

/// Resolves a role on its own (as if a token carried only this role).
pub fn resolve_role<'p>(
    name: &str,
    id: &str,
    policies: &[String],
    lookup: impl Fn(&str) -> Option<&'p Policy>,
) -> Resolution {
    let link = RoleLink {
        id: id.to_string(),
        role: Some(ResolvedRole { name: name.to_string(), policies: policies.to_vec() }),
    };
    resolve(false, &[], &[link], lookup)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::super::parse;
    use super::super::question::{decide, Right};
    use super::*;

    fn policies(list: &[(&str, &str)]) -> HashMap<String, Policy> {
        list.iter().map(|(n, r)| (n.to_string(), parse(r).unwrap())).collect()
    }

    fn role(name: &str, policies: &[&str]) -> RoleLink {
        RoleLink {
            id: format!("id-{name}"),
            role: Some(ResolvedRole {
                name: name.to_string(),
                policies: policies.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }

    fn strs(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn direct_and_role_policies_name_their_routes() {
        let pols = policies(&[
            ("direct", "namespace \"default\" { policy = \"read\" }"),
            ("ops", "namespace \"default\" { capabilities = [\"alloc-exec\"] }"),
            ("both", "node { policy = \"write\" }"),
        ]);
        let r = resolve(false, &strs(&["direct", "both"]), &[role("operators", &["ops", "both"])], |n| pols.get(n));
        let set = &r.acl.namespaces["default"];
        assert_eq!(
            r.sources(set.granted_by("read-job")),
            vec![Source { policy: "direct".into(), via: vec![Via::Direct] }]
        );
        assert_eq!(
            r.sources(set.granted_by("alloc-exec")),
            vec![Source { policy: "ops".into(), via: vec![Via::Role("operators".into())] }]
        );
        assert_eq!(r.routes["both"], vec![Via::Direct, Via::Role("operators".into())]);
        assert_eq!(r.acl.node.decided_by(), vec!["both"]);
        assert!(r.missing_policies.is_empty() && r.missing_roles.is_empty());
    }

    #[test]
    fn missing_policies_and_roles_are_listed_and_grant_nothing() {
        let pols = policies(&[("real", "namespace \"default\" { policy = \"read\" }")]);
        let gone = RoleLink { id: "deleted-role".into(), role: None };
        let r = resolve(false, &strs(&["real", "ghost"]), &[role("team", &["ghost2"]), gone], |n| pols.get(n));
        assert_eq!(r.policy_names(), vec!["real"]);
        assert_eq!(r.missing_policies["ghost"], vec![Via::Direct]);
        assert_eq!(r.missing_policies["ghost2"], vec![Via::Role("team".into())]);
        assert_eq!(r.missing_roles, vec!["deleted-role"]);
        assert!(r.acl.allow_namespace_operation("default", "read-job"));
    }

    #[test]
    fn deny_through_a_role_wins_over_a_direct_grant() {
        let pols = policies(&[
            ("writer", "namespace \"prod\" { policy = \"write\" }"),
            ("lockdown", "namespace \"prod\" { policy = \"deny\" }"),
        ]);
        let r = resolve(false, &strs(&["writer"]), &[role("frozen", &["lockdown"])], |n| pols.get(n));
        let d = decide(&r.acl, &Right::Namespace("submit-job".into()), "prod", "");
        assert!(!d.allowed && d.denied);
        assert_eq!(d.rule.as_deref(), Some("namespace \"prod\""));
        assert_eq!(
            r.sources(&d.policies),
            vec![Source { policy: "lockdown".into(), via: vec![Via::Role("frozen".into())] }]
        );
        // The table shows the label as denied, with its source.
        assert_eq!(r.acl.namespaces["prod"].names().collect::<Vec<_>>(), vec!["deny"]);
    }

    #[test]
    fn the_most_specific_glob_decides_and_an_exact_rule_beats_globs() {
        let pols = policies(&[
            ("all", "namespace \"*\" { policy = \"read\" }"),
            ("prod", "namespace \"prod-*\" { policy = \"write\" }"),
            ("exact", "namespace \"prod-eu\" { policy = \"read\" }"),
        ]);
        let r = resolve(false, &strs(&["all", "prod", "exact"]), &[], |n| pols.get(n));
        let submit = Right::Namespace("submit-job".into());
        let d = decide(&r.acl, &submit, "prod-us", "");
        assert!(d.allowed);
        assert_eq!((d.rule.as_deref(), d.policies.clone()), (Some("namespace \"prod-*\""), strs(&["prod"])));
        let d = decide(&r.acl, &submit, "prod-eu", "");
        assert!(!d.allowed && !d.denied);
        assert_eq!(d.rule.as_deref(), Some("namespace \"prod-eu\""));
        let d = decide(&r.acl, &Right::Namespace("read-job".into()), "dev", "");
        assert!(d.allowed);
        assert_eq!((d.rule.as_deref(), d.policies), (Some("namespace \"*\""), strs(&["all"])));
        let none = resolve(false, &strs(&["prod"]), &[], |n| pols.get(n));
        let d = decide(&none.acl, &submit, "dev", "");
        assert!(!d.allowed && d.rule.is_none());
    }

    #[test]
    fn variables_and_blocks_are_decided_with_their_rule() {
        let pols = policies(&[
            ("vars", "namespace \"default\" { variables { path \"app/*\" { capabilities = [\"read\", \"write\"] } path \"app/secret\" { capabilities = [\"deny\"] } } }"),
            ("nodes", "node { policy = \"read\" }"),
            ("nodes-w", "node { policy = \"write\" }\nagent { policy = \"deny\" }"),
        ]);
        let r = resolve(false, &[], &[role("r", &["vars", "nodes", "nodes-w"])], |n| pols.get(n));
        let d = decide(&r.acl, &Right::Variables("write".into()), "default", "app/config");
        assert!(d.allowed);
        assert_eq!(d.rule.as_deref(), Some("namespace \"default\" variables path \"app/*\""));
        let d = decide(&r.acl, &Right::Variables("read".into()), "default", "app/secret");
        assert!(!d.allowed && d.denied);
        let d = decide(&r.acl, &Right::Block("node".into(), "write".into()), "", "");
        assert!(d.allowed);
        assert_eq!(d.policies, strs(&["nodes-w"]));
        let d = decide(&r.acl, &Right::Block("agent".into(), "read".into()), "", "");
        assert!(!d.allowed && d.denied);
        let d = decide(&r.acl, &Right::Block("quota".into(), "read".into()), "", "");
        assert!(!d.allowed && d.rule.is_none());
    }

    #[test]
    fn management_has_everything_and_no_policies() {
        let r = resolve(true, &strs(&["ignored"]), &[], |_| None);
        assert!(r.management && r.routes.is_empty() && r.missing_policies.is_empty());
        let d = decide(&r.acl, &Right::Namespace("alloc-node-exec".into()), "anything", "");
        assert!(d.allowed);
        assert_eq!(d.rule.as_deref(), Some("management token"));
    }

    #[test]
    fn rights_round_trip_through_their_form_value() {
        for (_, keys) in Right::choices() {
            for k in keys {
                assert_eq!(Right::parse(&k).map(|r| r.key()), Some(k.clone()));
            }
        }
        assert_eq!(Right::parse("deny"), None);
        assert_eq!(Right::parse("node:list"), None);
        assert_eq!(Right::parse("variables:deny"), None);
    }
}
