//! Who can do X in namespace Y: every token and role holding a right, with the rule and
//! the policies (and roles) it comes from, and the expired tokens that would hold it.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::permissions::{Question, SourceView};

/// Lists longer than this are cut (the totals say how many there are).
pub const SHOW_AT_MOST: usize = 200;

/// A token or role that holds the right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    /// Accessor ID or role ID.
    pub id: String,
    pub name: String,
    pub management: bool,
    pub expires_at: Option<i64>,
    /// The deciding rule (`namespace "prod-*"`, `node`, `management token`).
    pub rule: Option<String>,
    pub sources: Vec<SourceView>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhoCanReport {
    pub tokens: Vec<Holder>,
    pub tokens_total: usize,
    pub expired: Vec<Holder>,
    pub expired_total: usize,
    pub roles: Vec<Holder>,
    pub roles_total: usize,
    pub scanned_tokens: usize,
    pub scanned_roles: usize,
    pub scanned_policies: usize,
    /// Distinct sets of policies among the tokens: each set is merged once.
    pub policy_sets: usize,
    /// Time to load from Nomad and to compute, in milliseconds.
    pub load_ms: u64,
    pub compute_ms: u64,
    pub server_now: i64,
}

/// Answers `question` over every token and role. `None` when nothing is asked.
#[server(output = JsonText)]
pub async fn who_can(question: Question) -> Result<Option<WhoCanReport>, ApiError> {
    use super::context::{cached, caller, nomad};
    use crate::nomad::policy::question::Right;
    let s = caller()?;
    if question.right.trim().is_empty() {
        return Ok(None);
    }
    let right = Right::parse(&question.right)
        .ok_or_else(|| ApiError::Invalid(format!("Unknown right \"{}\".", question.right.trim())))?;
    let every = question.every && right.uses_namespace();
    if right.uses_namespace() && !every && question.namespace.trim().is_empty() {
        return Err(ApiError::Invalid("Type a namespace to ask about, or tick “in every namespace”.".to_string()));
    }
    let key = format!("who_can:{}", serde_json::to_string(&question).unwrap_or_default());
    cached(key, async move {
        let started = std::time::Instant::now();
        let client = nomad();
        let q = s.query.clone();
        let (t, r) = (client.acl_tokens(), client.acl_roles());
        let (tokens, roles, rules) =
            futures::join!(t.list_all(&q), r.list(&q), super::permissions::server::policy_rules(&client, None, &q));
        let (tokens, _) = tokens?;
        let (roles, _) = roles?;
        let rules = rules?;
        let namespaces: Vec<String> = if every {
            let (list, _) = client.namespaces().list(&q).await?;
            list.into_iter().map(|n| n.name).collect()
        } else {
            vec![question.namespace.trim().to_string()]
        };
        let load_ms = started.elapsed().as_millis() as u64;
        let started = std::time::Instant::now();
        let now = time::OffsetDateTime::now_utc();
        let mut report = compute::who_can(&tokens, &roles, &rules, &right, &namespaces, question.path.trim(), now);
        report.load_ms = load_ms;
        report.compute_ms = started.elapsed().as_millis() as u64;
        Ok(Some(report))
    })
    .await
}

/// The computation on plain data (server only).
#[cfg(feature = "ssr")]
pub mod compute {
    use std::collections::HashMap;
    use std::sync::Arc;

    use time::OffsetDateTime;

    use super::{Holder, WhoCanReport, SHOW_AT_MOST};
    use crate::api::permissions::server::role_links;
    use crate::api::permissions::SourceView;
    use crate::nomad::models::{AclRoleListStub, AclTokenListStub, TOKEN_TYPE_MANAGEMENT};
    use crate::nomad::policy::question::{decide, Decision, Right};
    use crate::nomad::policy::resolve::{gather, RoleLink, Source};
    use crate::nomad::policy::{EffectivePermissions, Policy};

    /// `right` in each of `namespaces` (one, or every existing one): held only where
    /// every namespace allows it; the rules and policies of all of them decided.
    pub fn decide_in_all(acl: &EffectivePermissions, right: &Right, namespaces: &[String], path: &str) -> Decision {
        let decisions: Vec<Decision> = namespaces.iter().map(|ns| decide(acl, right, ns, path)).collect();
        if decisions.len() == 1 {
            return decisions.into_iter().next().expect("one decision");
        }
        let allowed = !decisions.is_empty() && decisions.iter().all(|d| d.allowed);
        let mut rules: Vec<String> = decisions.iter().filter_map(|d| d.rule.clone()).collect();
        rules.sort();
        rules.dedup();
        let mut policies: Vec<String> = decisions.iter().flat_map(|d| d.policies.iter().cloned()).collect();
        policies.sort();
        policies.dedup();
        Decision {
            allowed,
            denied: decisions.iter().any(|d| d.denied),
            rule: (!rules.is_empty()).then(|| format!("in all {} namespaces: {}", namespaces.len(), rules.join(", "))),
            policies,
            explanation: String::new(),
        }
    }

    /// Every role and token holding `right`, tokens split by expiry. Tokens with the
    /// same policies share one merge, as they share one ACL object in Nomad's cache.
    pub fn who_can(
        tokens: &[AclTokenListStub],
        roles: &[AclRoleListStub],
        rules: &HashMap<String, Arc<Policy>>,
        right: &Right,
        namespaces: &[String],
        path: &str,
        now: OffsetDateTime,
    ) -> WhoCanReport {
        let mut decisions: HashMap<Vec<String>, Decision> = HashMap::new();
        let mut decide_for = |direct: &[String], links: &[RoleLink]| {
            let (mut routes, _) = gather(direct, links);
            routes.retain(|name, _| rules.contains_key(name));
            let key: Vec<String> = routes.keys().cloned().collect();
            let decision = decisions
                .entry(key)
                .or_insert_with_key(|key| {
                    let acl = EffectivePermissions::from_policies(key.iter().map(|n| (n.as_str(), rules[n].as_ref())));
                    decide_in_all(&acl, right, namespaces, path)
                })
                .clone();
            let sources = decision
                .policies
                .iter()
                .map(|p| {
                    SourceView::from(Source { policy: p.clone(), via: routes.get(p).cloned().unwrap_or_default() })
                })
                .collect::<Vec<_>>();
            (decision, sources)
        };

        let mut held_roles = Vec::new();
        for role in roles {
            let link = RoleLink {
                id: role.id.clone(),
                role: Some(crate::nomad::policy::resolve::ResolvedRole {
                    name: role.name.clone(),
                    policies: role.policies.iter().map(|p| p.name.clone()).collect(),
                }),
            };
            let (d, sources) = decide_for(&[], &[link]);
            if d.allowed {
                // Within a role, the route is the role itself: say "in this role".
                let sources = sources
                    .into_iter()
                    .map(|s| SourceView { policy: s.policy, direct: true, roles: Vec::new() })
                    .collect();
                held_roles.push(Holder {
                    id: role.id.clone(),
                    name: role.name.clone(),
                    management: false,
                    expires_at: None,
                    rule: d.rule,
                    sources,
                });
            }
        }

        let (mut live, mut expired) = (Vec::new(), Vec::new());
        let management_rule = Some("management token".to_string());
        for token in tokens {
            let is_expired = token.expiration_time.is_some_and(|t| t < now);
            let holder = if token.token_type == TOKEN_TYPE_MANAGEMENT {
                Some(Holder {
                    id: token.accessor_id.clone(),
                    name: token.name.clone(),
                    management: true,
                    expires_at: token.expiration_time.map(|t| t.unix_timestamp()),
                    rule: management_rule.clone(),
                    sources: Vec::new(),
                })
            } else {
                let direct = token.policies.as_deref().unwrap_or_default();
                let links = role_links(token.roles.as_deref().unwrap_or_default(), roles);
                let (d, sources) = decide_for(direct, &links);
                d.allowed.then(|| Holder {
                    id: token.accessor_id.clone(),
                    name: token.name.clone(),
                    management: false,
                    expires_at: token.expiration_time.map(|t| t.unix_timestamp()),
                    rule: d.rule,
                    sources,
                })
            };
            if let Some(h) = holder {
                if is_expired {
                    expired.push(h);
                } else {
                    live.push(h);
                }
            }
        }
        let policy_sets = decisions.len();
        let finish = |mut v: Vec<Holder>| {
            let total = v.len();
            v.sort_by(|a, b| (a.name.as_str(), a.id.as_str()).cmp(&(b.name.as_str(), b.id.as_str())));
            v.truncate(SHOW_AT_MOST);
            (v, total)
        };
        let (tokens_out, tokens_total) = finish(live);
        let (expired_out, expired_total) = finish(expired);
        let (roles_out, roles_total) = finish(held_roles);
        WhoCanReport {
            tokens: tokens_out,
            tokens_total,
            expired: expired_out,
            expired_total,
            roles: roles_out,
            roles_total,
            scanned_tokens: tokens.len(),
            scanned_roles: roles.len(),
            scanned_policies: rules.len(),
            policy_sets,
            load_ms: 0,
            compute_ms: 0,
            server_now: now.unix_timestamp(),
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::nomad::models::{AclRolePolicyLink, AclTokenRoleLink};
        use crate::nomad::policy::parse;
        use time::Duration;

        fn token(id: &str, policies: &[&str], roles: &[&str], expires: Option<OffsetDateTime>) -> AclTokenListStub {
            AclTokenListStub {
                accessor_id: id.into(),
                name: id.into(),
                token_type: "client".into(),
                policies: Some(policies.iter().map(|s| s.to_string()).collect()),
                roles: Some(
                    roles.iter().map(|r| AclTokenRoleLink { id: r.to_string(), ..Default::default() }).collect(),
                ),
                expiration_time: expires,
                ..Default::default()
            }
        }

        #[test]
        fn tokens_roles_and_expired_tokens_are_listed_apart_with_their_sources() {
            let now = OffsetDateTime::now_utc();
            let rules: HashMap<String, Arc<Policy>> = [
                ("exec", "namespace \"prod-*\" { capabilities = [\"alloc-exec\"] }"),
                ("read", "namespace \"*\" { policy = \"read\" }"),
                ("block", "namespace \"prod-eu\" { policy = \"deny\" }"),
            ]
            .into_iter()
            .map(|(n, r)| (n.to_string(), Arc::new(parse(r).unwrap())))
            .collect();
            let roles = vec![AclRoleListStub {
                id: "r1".into(),
                name: "oncall".into(),
                policies: vec![AclRolePolicyLink { name: "exec".into() }],
                ..Default::default()
            }];
            let mut mgmt = token("admin", &[], &[], None);
            mgmt.token_type = "management".into();
            let tokens = vec![
                token("direct", &["exec"], &[], None),
                token("via-role", &["read"], &["r1"], None),
                token("old", &["exec"], &[], Some(now - Duration::hours(1))),
                token("reader", &["read"], &[], None),
                token("blocked", &["exec", "block"], &[], None),
                mgmt,
            ];
            let right = Right::Namespace("alloc-exec".into());
            let r = who_can(&tokens, &roles, &rules, &right, &["prod-us".into()], "", now);
            let names = |v: &[Holder]| v.iter().map(|h| h.name.clone()).collect::<Vec<_>>();
            assert_eq!(names(&r.tokens), vec!["admin", "blocked", "direct", "via-role"]);
            assert_eq!(names(&r.expired), vec!["old"]);
            assert_eq!(names(&r.roles), vec!["oncall"]);
            let via = &r.tokens[3];
            assert_eq!(via.rule.as_deref(), Some("namespace \"prod-*\""));
            assert_eq!(via.name, "via-role");
            assert_eq!(
                via.sources,
                vec![SourceView { policy: "exec".into(), direct: false, roles: vec!["oncall".into()] }]
            );
            assert!(r.tokens[0].management);
            // Deny wins: the deny on prod-eu removes "blocked" there (exact rule beats the glob).
            let r = who_can(&tokens, &roles, &rules, &right, &["prod-eu".into()], "", now);
            assert_eq!(names(&r.tokens), vec!["admin", "direct", "via-role"]);
            assert_eq!(r.policy_sets, 4);
            // In every namespace: only where each one allows it ("blocked" loses prod-eu;
            // nobody but management may exec in "dev", which no exec rule matches).
            let all: Vec<String> = ["prod-us", "prod-eu"].map(String::from).into();
            let r = who_can(&tokens, &roles, &rules, &right, &all, "", now);
            assert_eq!(names(&r.tokens), vec!["admin", "direct", "via-role"]);
            assert_eq!(r.tokens[1].rule.as_deref(), Some("in all 2 namespaces: namespace \"prod-*\""));
            let all: Vec<String> = ["prod-us", "dev"].map(String::from).into();
            let r = who_can(&tokens, &roles, &rules, &right, &all, "", now);
            assert_eq!(names(&r.tokens), vec!["admin"]);
            assert!(r.roles.is_empty());
        }
    }
}
