//! A token's effective permissions, resolved as Nomad resolves them, with the source of
//! every right (which policy, reached directly or through which role), and the answer to
//! "can this token do X in namespace Y?". The browser gets only the computed tables:
//! no SecretID, no raw Nomad objects.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::nomad::policy::resolve::{Resolution, Source, Via};
use crate::nomad::policy::CapabilitySet;

/// Where a right comes from: a policy, attached directly and/or through roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    pub policy: String,
    pub direct: bool,
    pub roles: Vec<String>,
}

impl From<Source> for SourceView {
    fn from(s: Source) -> Self {
        let direct = s.via.contains(&Via::Direct);
        let roles = s
            .via
            .into_iter()
            .filter_map(|v| match v {
                Via::Role(r) => Some(r),
                Via::Direct => None,
            })
            .collect();
        SourceView { policy: s.policy, direct, roles }
    }
}

/// One capability of a rule, granted (or `deny`) by these sources.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityRow {
    pub capability: String,
    pub denied: bool,
    pub sources: Vec<SourceView>,
}

/// One rule label (a namespace pattern, a variables path, a node pool...) and what it grants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleTable {
    /// `namespace "prod-*"`, `namespace "default" path "app/*"`, ...
    pub title: String,
    pub pattern: String,
    pub denied: bool,
    pub rows: Vec<CapabilityRow>,
}

/// A singleton block (node, agent, operator, quota, plugin): the merged level and
/// each policy's contribution.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockRow {
    pub block: String,
    /// `deny`, `write`, `read`, `list`, or empty (nothing).
    pub effective: String,
    pub contributions: Vec<(String, SourceView)>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleView {
    pub id: String,
    pub name: String,
    pub policies: Vec<String>,
}

/// The answer to "can this token do X?", with the deciding rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnswerView {
    pub allowed: bool,
    pub denied: bool,
    pub rule: Option<String>,
    pub sources: Vec<SourceView>,
    pub explanation: String,
}

/// The tables of a resolution (shared by the token page and who-can).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionTables {
    pub namespaces: Vec<RuleTable>,
    pub variables: Vec<RuleTable>,
    pub node_pools: Vec<RuleTable>,
    pub host_volumes: Vec<RuleTable>,
    pub blocks: Vec<BlockRow>,
    pub operator_capabilities: Option<RuleTable>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PermissionsReport {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    pub management: bool,
    pub expires_at: Option<i64>,
    pub expired: bool,
    pub server_now: i64,
    pub is_self: bool,
    pub direct_policies: Vec<String>,
    pub roles: Vec<RoleView>,
    /// Referenced policies that do not exist (they grant nothing), with how they are reached.
    pub missing_policies: Vec<SourceView>,
    /// IDs of the token's roles that do not exist.
    pub missing_roles: Vec<String>,
    pub tables: PermissionTables,
    /// What the token may do in each existing namespace (`None`: the namespaces could
    /// not be listed with the signed-in token).
    pub namespace_matrix: Option<NamespaceMatrix>,
    pub answer: Option<AnswerView>,
    /// Why the question could not be asked (unknown right, no namespace).
    pub question_error: Option<String>,
}

/// Existing namespaces × capabilities.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceMatrix {
    /// Every capability granted in at least one of the namespaces, sorted.
    pub capabilities: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatrixRow {
    pub namespace: String,
    /// The deciding rule, `namespace "prod-*"`; `None` when no rule matches.
    pub rule: Option<String>,
    /// `deny` won in the deciding rule: nothing is granted here.
    pub denied: bool,
    /// One per capability column: granted here.
    pub granted: Vec<bool>,
}

/// The matrix of `acl` over `namespaces`, each decided by its own rule as Nomad picks
/// it (the exact name, else the closest glob).
pub fn namespace_matrix(acl: &crate::nomad::policy::EffectivePermissions, namespaces: &[String]) -> NamespaceMatrix {
    use crate::nomad::policy::POLICY_DENY;
    /// A namespace's deciding rule and what it grants.
    struct Decided {
        rule: String,
        capabilities: Vec<String>,
        denied: bool,
    }
    let decided: Vec<Option<Decided>> = namespaces
        .iter()
        .map(|ns| {
            acl.matching_namespace(ns).map(|(pattern, set)| Decided {
                rule: format!("namespace \"{pattern}\""),
                capabilities: set.names().filter(|c| *c != POLICY_DENY).map(str::to_string).collect(),
                denied: set.is_denied(),
            })
        })
        .collect();
    let mut capabilities: Vec<String> =
        decided.iter().flatten().filter(|d| !d.denied).flat_map(|d| d.capabilities.iter().cloned()).collect();
    capabilities.sort();
    capabilities.dedup();
    let rows = namespaces
        .iter()
        .zip(decided)
        .map(|(ns, d)| {
            let denied = d.as_ref().is_some_and(|d| d.denied);
            let granted = capabilities
                .iter()
                .map(|c| !denied && d.as_ref().is_some_and(|d| d.capabilities.contains(c)))
                .collect();
            MatrixRow { namespace: ns.clone(), rule: d.map(|d| d.rule), denied, granted }
        })
        .collect();
    NamespaceMatrix { capabilities, rows }
}

/// The question of the "can it?" form, as the URL carries it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    /// A form value of `Right` (`submit-job`, `node:write`, `variables:write`); empty: none.
    pub right: String,
    pub namespace: String,
    pub path: String,
    /// Who-can only: the right in every existing namespace (the namespace field is ignored).
    #[serde(default)]
    pub every: bool,
}

/// Resolves `accessor` (empty: the signed-in token) and answers `question`.
#[server(output = JsonText)]
pub async fn get_permissions(accessor: String, question: Question) -> Result<PermissionsReport, ApiError> {
    use super::context::{cached, caller};
    let s = caller()?;
    let key = format!("get_permissions:{accessor}:{}", serde_json::to_string(&question).unwrap_or_default());
    cached(key, async move {
        let client = s.nomad.clone();
        let q = s.query.clone();
        let tokens = client.acl_tokens();
        let token = if accessor.is_empty() || accessor == s.session.accessor_id {
            tokens.get_self(&q).await?.0
        } else {
            tokens.get(&accessor, &q).await?.0
        };
        let roles = if token.roles.as_ref().is_some_and(|r| !r.is_empty()) {
            client.acl_roles().list(&q).await?.0
        } else {
            Vec::new()
        };
        let direct = token.policies.clone().unwrap_or_default();
        let links = token.roles.clone().unwrap_or_default();
        let role_links = server::role_links(&links, &roles);
        let mut wanted: Vec<String> = direct.clone();
        for l in &role_links {
            if let Some(r) = &l.role {
                wanted.extend(r.policies.iter().cloned());
            }
        }
        let management = token.token_type == crate::nomad::models::TOKEN_TYPE_MANAGEMENT;
        let rules = if management {
            Default::default()
        } else {
            server::policy_rules(&client, Some(wanted.as_slice()), &q).await?
        };
        let resolution = crate::nomad::policy::resolve::resolve(management, &direct, &role_links, |n| {
            rules.get(n).map(|p| p.as_ref())
        });
        let namespace_matrix = if management {
            None
        } else {
            client.namespaces().list(&q).await.ok().map(|(list, _)| {
                let names: Vec<String> = list.into_iter().map(|n| n.name).collect();
                namespace_matrix(&resolution.acl, &names)
            })
        };
        let now = time::OffsetDateTime::now_utc();
        let (answer, question_error) = match answer(&resolution, &question) {
            Ok(a) => (a, None),
            Err(e) => (None, Some(e.to_string())),
        };
        Ok(PermissionsReport {
            is_self: token.accessor_id == s.session.accessor_id,
            accessor_id: token.accessor_id,
            name: token.name,
            token_type: token.token_type,
            management,
            expires_at: token.expiration_time.map(|t| t.unix_timestamp()),
            expired: token.expiration_time.is_some_and(|t| t < now),
            server_now: now.unix_timestamp(),
            direct_policies: direct,
            roles: role_links
                .iter()
                .filter_map(|l| {
                    l.role.as_ref().map(|r| RoleView {
                        id: l.id.clone(),
                        name: r.name.clone(),
                        policies: r.policies.clone(),
                    })
                })
                .collect(),
            missing_policies: resolution
                .missing_policies
                .iter()
                .map(|(p, via)| SourceView::from(Source { policy: p.clone(), via: via.clone() }))
                .collect(),
            missing_roles: resolution.missing_roles.clone(),
            tables: tables(&resolution),
            namespace_matrix,
            answer,
            question_error,
        })
    })
    .await
}

/// The decision for `question` (`None` when nothing is asked).
pub fn answer(resolution: &Resolution, question: &Question) -> Result<Option<AnswerView>, ApiError> {
    use crate::nomad::policy::question::{decide, Right};
    if question.right.trim().is_empty() {
        return Ok(None);
    }
    let right = Right::parse(&question.right)
        .ok_or_else(|| ApiError::Invalid(format!("Unknown right \"{}\".", question.right.trim())))?;
    let namespace = question.namespace.trim();
    if right.uses_namespace() && namespace.is_empty() {
        return Err(ApiError::Invalid("Type a namespace to ask about.".to_string()));
    }
    let d = decide(&resolution.acl, &right, namespace, question.path.trim());
    Ok(Some(AnswerView {
        allowed: d.allowed,
        denied: d.denied,
        rule: d.rule,
        sources: resolution.sources(&d.policies).into_iter().map(SourceView::from).collect(),
        explanation: d.explanation,
    }))
}

fn rule_table(resolution: &Resolution, title: String, pattern: &str, set: &CapabilitySet) -> RuleTable {
    let rows = set
        .capabilities
        .iter()
        .map(|(cap, by)| CapabilityRow {
            capability: cap.clone(),
            denied: cap == crate::nomad::policy::POLICY_DENY,
            sources: resolution.sources(by).into_iter().map(SourceView::from).collect(),
        })
        .collect();
    RuleTable { title, pattern: pattern.to_string(), denied: set.is_denied(), rows }
}

/// Every table of a resolution, labels in byte order (exact and glob labels together).
pub fn tables(resolution: &Resolution) -> PermissionTables {
    use std::collections::BTreeMap;
    let acl = &resolution.acl;
    if acl.management {
        return PermissionTables::default();
    }
    let labeled = |kind: &str, exact: &BTreeMap<String, CapabilitySet>, glob: &BTreeMap<String, CapabilitySet>| {
        let mut all: Vec<(&String, &CapabilitySet)> = exact.iter().chain(glob.iter()).collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        all.into_iter().map(|(p, set)| rule_table(resolution, format!("{kind} \"{p}\""), p, set)).collect::<Vec<_>>()
    };
    let mut variables: Vec<_> = acl.variables.iter().chain(acl.wildcard_variables.iter()).collect();
    variables.sort_by(|a, b| a.0.cmp(b.0));
    let blocks = [
        ("node", &acl.node),
        ("agent", &acl.agent),
        ("operator", &acl.operator),
        ("quota", &acl.quota),
        ("plugin", &acl.plugin),
    ]
    .into_iter()
    .map(|(block, d)| BlockRow {
        block: block.to_string(),
        effective: d.effective.clone(),
        contributions: d
            .contributions
            .iter()
            .map(|c| (c.disposition.clone(), SourceView::from(resolution.sources(&[&c.policy]).remove(0))))
            .collect(),
    })
    .collect();
    PermissionTables {
        namespaces: labeled("namespace", &acl.namespaces, &acl.wildcard_namespaces),
        variables: variables
            .into_iter()
            .map(|(k, set)| {
                let title = format!("namespace \"{}\" path \"{}\"", k.namespace, k.path);
                rule_table(resolution, title, &format!("{}:{}", k.namespace, k.path), set)
            })
            .collect(),
        node_pools: labeled("node_pool", &acl.node_pools, &acl.wildcard_node_pools),
        host_volumes: labeled("host_volume", &acl.host_volumes, &acl.wildcard_host_volumes),
        blocks,
        operator_capabilities: (!acl.operator_capabilities.is_empty()).then(|| {
            rule_table(resolution, "operator capabilities".to_string(), "operator", &acl.operator_capabilities)
        }),
    }
}

/// Loading what a resolution needs from Nomad (server only).
#[cfg(feature = "ssr")]
pub mod server {
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex, OnceLock};

    use futures::StreamExt;

    use crate::api::error::ApiError;
    use crate::nomad::client::{NomadClient, QueryOptions};
    use crate::nomad::models::{AclRoleListStub, AclTokenRoleLink};
    use crate::nomad::policy::resolve::{ResolvedRole, RoleLink};
    use crate::nomad::policy::{parse_lenient, Policy};

    /// Parsed rules by policy name, with the ModifyIndex they were read at. Shared by
    /// every request: only names the caller's own policy list shows are ever served
    /// from it, and a changed policy (new ModifyIndex) is read again.
    type RulesCache = Mutex<HashMap<String, (u64, Arc<Policy>)>>;

    fn cache() -> &'static RulesCache {
        static CACHE: OnceLock<RulesCache> = OnceLock::new();
        CACHE.get_or_init(Default::default)
    }

    /// Parsed rules of the policies that exist among `names` (all visible ones for
    /// `None`), keyed by name. A policy whose rules no longer parse counts as missing.
    /// Takes the client rather than reading the context: Leptos' context is gone after
    /// the caller's first `.await`.
    pub async fn policy_rules(
        client: &NomadClient,
        names: Option<&[String]>,
        q: &QueryOptions,
    ) -> Result<HashMap<String, Arc<Policy>>, ApiError> {
        let policies = client.acl_policies();
        let (stubs, _) = policies.list(q).await?;
        let wanted = |n: &str| names.is_none_or(|ns| ns.iter().any(|w| w == n));
        let mut out = HashMap::new();
        let mut fetch = Vec::new();
        {
            let c = cache().lock().unwrap_or_else(|e| e.into_inner());
            for stub in stubs.iter().filter(|s| wanted(&s.name)) {
                match c.get(&stub.name) {
                    Some((index, p)) if *index == stub.modify_index => {
                        out.insert(stub.name.clone(), p.clone());
                    }
                    _ => fetch.push(stub.name.clone()),
                }
            }
        }
        let fetched: Vec<_> = futures::stream::iter(fetch)
            .map(|name| async move {
                let got = policies.get(&name, q).await;
                (name, got)
            })
            .buffer_unordered(16)
            .collect()
            .await;
        let mut c = cache().lock().unwrap_or_else(|e| e.into_inner());
        for (name, got) in fetched {
            match got {
                Ok((p, _)) => {
                    if let Ok(parsed) = parse_lenient(&p.rules) {
                        let parsed = Arc::new(parsed);
                        c.insert(name.clone(), (p.modify_index, parsed.clone()));
                        out.insert(name, parsed);
                    }
                }
                // Deleted between the list and the read: missing, as Nomad would see it.
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(out)
    }

    /// The token's role links resolved against the role list (`None`: no such role).
    pub fn role_links(links: &[AclTokenRoleLink], roles: &[AclRoleListStub]) -> Vec<RoleLink> {
        links
            .iter()
            .map(|l| RoleLink {
                id: l.id.clone(),
                role: roles.iter().find(|r| r.id == l.id).map(|r| ResolvedRole {
                    name: r.name.clone(),
                    policies: r.policies.iter().map(|p| p.name.clone()).collect(),
                }),
            })
            .collect()
    }
}

#[cfg(test)]
mod matrix_tests {
    use super::*;
    use crate::nomad::policy::{parse_lenient, EffectivePermissions};

    #[test]
    fn each_namespace_is_decided_by_its_own_rule() {
        let policy = parse_lenient(
            r#"
            namespace "default" { policy = "read" }
            namespace "*-dev" { capabilities = ["submit-job", "read-logs"] }
            namespace "payments-dev" { policy = "deny" }
            "#,
        )
        .expect("a valid policy");
        let acl = EffectivePermissions::from_policies([("p", &policy)]);
        let names: Vec<String> = ["default", "search-dev", "payments-dev", "prod"].map(String::from).into();
        let m = namespace_matrix(&acl, &names);
        let col = |c: &str| m.capabilities.iter().position(|x| x == c).unwrap_or_else(|| panic!("no column {c}"));
        let row = |n: &str| m.rows.iter().find(|r| r.namespace == n).unwrap();
        assert!(row("search-dev").granted[col("submit-job")]);
        assert_eq!(row("search-dev").rule.as_deref(), Some(r#"namespace "*-dev""#));
        assert!(!row("default").granted[col("submit-job")], "default's own rule decides, not the glob");
        assert!(row("default").granted[col("read-job")]);
        assert!(row("payments-dev").denied, "the exact rule denies");
        assert!(row("payments-dev").granted.iter().all(|g| !g));
        assert_eq!(row("prod").rule, None);
        assert!(!m.capabilities.iter().any(|c| c == "deny"));
    }
}
