//! Namespaces: the list with how many tokens and roles reach each one, one
//! namespace's fields and who can do what in it (with the deciding rule), and
//! create, edit and delete.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::permissions::SourceView;
use crate::nomad::models::Namespace;

/// One row of the namespace list. Counts are `None` when the signed-in token cannot
/// read the tokens, roles and policies they are computed from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceRow {
    pub name: String,
    pub description: String,
    pub enabled_drivers: Vec<String>,
    pub disabled_drivers: Vec<String>,
    /// Unexpired tokens with any capability here (management tokens included).
    pub tokens: Option<usize>,
    /// Roles whose policies grant any capability here.
    pub roles: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceList {
    /// Sorted by name; only those the token may see (Nomad filters the list).
    pub namespaces: Vec<NamespaceRow>,
}

/// A token or role with capabilities in the namespace, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// Accessor ID or role ID.
    pub id: String,
    pub name: String,
    pub management: bool,
    pub expires_at: Option<i64>,
    /// The deciding rule: `namespace "prod-*"`, or `management token`.
    pub rule: String,
    /// Capability names, sorted; only `deny` when a deny won.
    pub capabilities: Vec<String>,
    pub denied: bool,
    /// The policies with a block for the deciding rule, and how the holder has them.
    pub sources: Vec<SourceView>,
    /// The rule's variables paths and their capabilities.
    pub variables: Vec<(String, Vec<String>)>,
}

/// Who can do what in one namespace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespaceAccess {
    /// The first [`SHOW_AT_MOST`] by name; the totals say how many there are.
    pub tokens: Vec<Access>,
    pub expired: Vec<Access>,
    pub roles: Vec<Access>,
    pub tokens_total: usize,
    pub expired_total: usize,
    pub roles_total: usize,
}

pub use super::who_can::SHOW_AT_MOST;

/// A policy with a rule for this namespace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyMatch {
    pub policy: String,
    /// The rule's label: the namespace's own name, or a glob.
    pub pattern: String,
    /// The rule names this namespace exactly (it outlives the namespace otherwise unnoticed).
    pub exact: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespacePage {
    pub namespace: Namespace,
    /// `None` when the token cannot read tokens, roles and policies (a management token can).
    pub access: Option<NamespaceAccess>,
    pub policies: Vec<PolicyMatch>,
}

/// The editor's fields, as posted (lists one item per line or comma-separated,
/// meta as `key=value` lines).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NamespaceInput {
    /// The stored namespace's name when editing; empty when creating.
    pub original: String,
    pub name: String,
    pub description: String,
    pub enabled_task_drivers: String,
    pub disabled_task_drivers: String,
    pub enabled_network_modes: String,
    pub disabled_network_modes: String,
    pub meta: String,
    /// The stored namespace's modify index when the editor opened (0: do not compare).
    pub modify_index: u64,
    /// Save even though the namespace changed since (ticked after a conflict).
    pub overwrite: bool,
}

/// Items of a list field: split at commas and line breaks, trimmed, blanks dropped.
pub fn list_items(text: &str) -> Vec<String> {
    text.split([',', '\n']).map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

impl NamespaceInput {
    /// The form filled from a stored namespace.
    pub fn from_namespace(ns: &Namespace) -> Self {
        let caps = ns.capabilities.clone().unwrap_or_default();
        let join = |v: Option<Vec<String>>| v.unwrap_or_default().join(", ");
        NamespaceInput {
            original: ns.name.clone(),
            name: ns.name.clone(),
            description: ns.description.clone(),
            enabled_task_drivers: join(caps.enabled_task_drivers),
            disabled_task_drivers: join(caps.disabled_task_drivers),
            enabled_network_modes: join(caps.enabled_network_modes),
            disabled_network_modes: join(caps.disabled_network_modes),
            meta: ns
                .meta
                .clone()
                .unwrap_or_default()
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            modify_index: ns.modify_index,
            overwrite: false,
        }
    }

    /// The namespace to send: the form's fields over `stored` (what the form does not
    /// show, such as Enterprise settings, is kept as stored), and the meta lines that
    /// do not read as `key=value`.
    pub fn build(&self, stored: Option<&Namespace>) -> (Namespace, Vec<String>) {
        use crate::nomad::models::NamespaceCapabilities;
        let mut ns = stored.cloned().unwrap_or_default();
        ns.name = self.name.trim().to_string();
        ns.description = self.description.clone();
        let opt = |text: &str| Some(list_items(text)).filter(|v| !v.is_empty());
        let caps = NamespaceCapabilities {
            enabled_task_drivers: opt(&self.enabled_task_drivers),
            disabled_task_drivers: opt(&self.disabled_task_drivers),
            enabled_network_modes: opt(&self.enabled_network_modes),
            disabled_network_modes: opt(&self.disabled_network_modes),
        };
        ns.capabilities = (caps != NamespaceCapabilities::default()).then_some(caps);
        let mut bad = Vec::new();
        let mut meta = std::collections::BTreeMap::new();
        for line in self.meta.lines().map(str::trim).filter(|l| !l.is_empty()) {
            match line.split_once('=') {
                Some((k, v)) if !k.trim().is_empty() => {
                    meta.insert(k.trim().to_string(), v.trim().to_string());
                }
                _ => bad.push(format!("meta line \"{line}\" is not key=value")),
            }
        }
        ns.meta = (!meta.is_empty()).then_some(meta);
        (ns, bad)
    }

    /// Every problem with the fields, by field: the lines that do not read, then
    /// Nomad's checks (the core's, as the embedded Nomad runs them).
    pub fn problems(&self) -> Vec<(Field, String)> {
        let (ns, bad) = self.build(None);
        let mut out: Vec<(Field, String)> = bad.into_iter().map(|m| (Field::Meta, m)).collect();
        out.extend(ns.validate().into_iter().map(|p| (p.field, p.message)));
        out
    }
}

pub use crate::nomad::validate::namespace::Field;

/// A refused save's messages, each at its field: the form's own (`Invalid` lists one
/// per line) and Nomad's answer (placed by the core's `problems_in`); any other error
/// (permission, Nomad down) whole, at `Other`.
pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
    use crate::nomad::error::NomadError;
    match e {
        ApiError::Invalid(m) => m
            .lines()
            .filter(|l| !l.is_empty())
            .map(|l| match l.split_once('\t') {
                Some((f, msg)) => (field_named(f), msg.to_string()),
                None => (Field::Other, l.to_string()),
            })
            .collect(),
        ApiError::Nomad(NomadError::InvalidRequest { message } | NomadError::Server { message, .. }) => {
            let placed = crate::nomad::validate::namespace::problems_in(message);
            if placed.is_empty() {
                vec![(Field::Other, e.explain())]
            } else {
                placed.into_iter().map(|p| (p.field, p.message)).collect()
            }
        }
        other => vec![(Field::Other, other.explain())],
    }
}

fn field_name(f: Field) -> &'static str {
    match f {
        Field::Name => "name",
        Field::Description => "description",
        Field::Capabilities => "capabilities",
        Field::Meta => "meta",
        _ => "other",
    }
}

fn field_named(s: &str) -> Field {
    match s {
        "name" => Field::Name,
        "description" => Field::Description,
        "capabilities" => Field::Capabilities,
        "meta" => Field::Meta,
        _ => Field::Other,
    }
}

/// The form's problems as one error the page can take apart again ([`by_field`]).
pub fn problems_as_error(problems: &[(Field, String)]) -> ApiError {
    ApiError::Invalid(problems.iter().map(|(f, m)| format!("{}\t{m}\n", field_name(*f))).collect())
}

/// `/namespaces/<name>` with the name escaped for a path.
pub fn href(name: &str) -> String {
    format!("/namespaces/{}", crate::links::percent_encode(name, false))
}

/// Every namespace the token may see, with how many tokens and roles reach it.
#[server(output = JsonText)]
pub async fn list_namespaces() -> Result<NamespaceList, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached("list_namespaces".to_string(), async move {
        let (n, t, r) = (client.namespaces(), client.acl_tokens(), client.acl_roles());
        let (namespaces, tokens, roles, rules) = futures::join!(
            n.list(&q),
            t.list_all(&q),
            r.list(&q),
            super::permissions::server::policy_rules(&client, None, &q)
        );
        let (namespaces, _) = namespaces?;
        let names: Vec<String> = namespaces.iter().map(|n| n.name.clone()).collect();
        let counts = match (tokens, roles, rules) {
            (Ok((tokens, _)), Ok((roles, _)), Ok(rules)) => {
                Some(compute::reach(&names, &tokens, &roles, &rules, time::OffsetDateTime::now_utc()))
            }
            _ => None,
        };
        let namespaces = namespaces
            .into_iter()
            .enumerate()
            .map(|(i, ns)| {
                let caps = ns.capabilities.unwrap_or_default();
                NamespaceRow {
                    name: ns.name,
                    description: ns.description,
                    enabled_drivers: caps.enabled_task_drivers.unwrap_or_default(),
                    disabled_drivers: caps.disabled_task_drivers.unwrap_or_default(),
                    tokens: counts.as_ref().map(|c| c[i].0),
                    roles: counts.as_ref().map(|c| c[i].1),
                }
            })
            .collect();
        Ok(NamespaceList { namespaces })
    })
    .await
}

/// The names of the namespaces the token may see (for pickers and the policy preview).
#[server(output = JsonText)]
pub async fn namespace_names() -> Result<Vec<String>, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached("namespace_names".to_string(), async move {
        let (list, _) = client.namespaces().list(&q).await?;
        Ok(list.into_iter().map(|n| n.name).collect())
    })
    .await
}

/// One namespace, who can do what in it, and the policies with a rule for it.
#[server(output = JsonText)]
pub async fn get_namespace(name: String) -> Result<NamespacePage, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached(format!("get_namespace:{name}"), async move {
        let (n, t, r) = (client.namespaces(), client.acl_tokens(), client.acl_roles());
        let (namespace, tokens, roles, rules) = futures::join!(
            n.get(&name, &q),
            t.list_all(&q),
            r.list(&q),
            super::permissions::server::policy_rules(&client, None, &q)
        );
        let (namespace, _) = namespace?;
        let policies = rules.as_ref().map(|rules| compute::policies_for(&name, rules)).unwrap_or_default();
        let access = match (tokens, roles, rules) {
            (Ok((tokens, _)), Ok((roles, _)), Ok(rules)) => {
                Some(compute::access_in(&name, &tokens, &roles, &rules, time::OffsetDateTime::now_utc()))
            }
            _ => None,
        };
        Ok(NamespacePage { namespace, access, policies })
    })
    .await
}

/// The editor's starting point: the stored namespace's fields and its modify index.
#[server(output = JsonText)]
pub async fn get_namespace_form(name: String) -> Result<(NamespaceInput, u64), ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    let (ns, _) = client.namespaces().get(&name, &q).await?;
    Ok((NamespaceInput::from_namespace(&ns), ns.modify_index))
}

/// Creates or replaces a namespace, checked with Nomad's rules first. Without
/// JavaScript a refused save returns to the editor with the error and the draft.
#[server(output = JsonText)]
pub async fn save_namespace(input: NamespaceInput) -> Result<(), ApiError> {
    use super::context::{caller, error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let (plain, s) = (plain_form_post(), caller());
    let outcome = async {
        let s = s?;
        let problems = input.problems();
        if !problems.is_empty() {
            return Err(problems_as_error(&problems));
        }
        let stored = if input.original.is_empty() {
            None
        } else {
            Some(s.nomad.namespaces().get(&input.original, &s.query).await?.0)
        };
        if let Some(stored) = &stored {
            // Both sides as the form would write them, so "a, b" and "a,b" agree.
            let (theirs, _) = NamespaceInput::from_namespace(stored).build(None);
            let (ours, _) = input.build(None);
            let differs = [
                ("description", theirs.description != ours.description),
                ("capabilities", theirs.capabilities != ours.capabilities),
                ("meta", theirs.meta != ours.meta),
            ];
            crate::api::error::Conflict::check(
                "namespace",
                input.modify_index,
                input.overwrite,
                stored.modify_index,
                &differs,
            )?;
        }
        let (ns, _) = input.build(stored.as_ref());
        if input.original.is_empty() {
            // Nomad's upsert replaces silently: creating over an existing name must not.
            match s.nomad.namespaces().get(&ns.name, &s.query).await {
                Ok(_) => {
                    return Err(problems_as_error(&[(
                        Field::Name,
                        format!("A namespace named '{}' already exists: choose another name, or edit it.", ns.name),
                    )]))
                }
                Err(crate::nomad::error::NomadError::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        s.nomad.namespaces().upsert(&ns, &s.write).await?;
        Ok::<_, ApiError>(ns.name)
    }
    .await;
    match outcome {
        Ok(name) => {
            crate::api::context::redirect(&format!("{}?saved=1", href(&name)));
            Ok(())
        }
        Err(e) => {
            if plain {
                let base = if input.original.is_empty() {
                    "/namespaces/new".to_string()
                } else {
                    format!("{}/edit", href(&input.original))
                };
                let draft = [
                    ("input[name]", input.name.as_str()),
                    ("input[description]", input.description.as_str()),
                    ("input[enabled_task_drivers]", input.enabled_task_drivers.as_str()),
                    ("input[disabled_task_drivers]", input.disabled_task_drivers.as_str()),
                    ("input[enabled_network_modes]", input.enabled_network_modes.as_str()),
                    ("input[disabled_network_modes]", input.disabled_network_modes.as_str()),
                    ("input[meta]", input.meta.as_str()),
                ];
                crate::api::context::redirect(&error_url(&base, SaveNamespace::PATH, &e, &draft));
            }
            Err(e)
        }
    }
}

/// Deletes a namespace (Nomad refuses `default`). Policies' rules that name it stay.
#[server(output = JsonText)]
pub async fn delete_namespace(name: String) -> Result<(), ApiError> {
    use super::context::{after_delete, caller, plain_form_post};
    use crate::links::percent_encode;
    use leptos::server_fn::ServerFn;
    let (plain, s) = (plain_form_post(), caller());
    let outcome = async {
        let s = s?;
        s.nomad.namespaces().delete(&name, &s.write).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let done = format!("/namespaces?deleted={}", percent_encode(&name, false));
    let confirm = format!("{}?delete=1", href(&name));
    after_delete(outcome, plain, &done, &confirm, DeleteNamespace::PATH)
}

#[cfg(feature = "ssr")]
pub mod compute {
    use std::collections::HashMap;
    use std::sync::Arc;

    use time::OffsetDateTime;

    use super::{Access, NamespaceAccess, PolicyMatch};
    use crate::api::permissions::server::role_links;
    use crate::api::permissions::SourceView;
    use crate::nomad::models::{AclRoleListStub, AclTokenListStub, TOKEN_TYPE_MANAGEMENT};
    use crate::nomad::policy::resolve::{gather, ResolvedRole, RoleLink, Source};
    use crate::nomad::policy::{EffectivePermissions, Policy};

    /// One merge per distinct set of policies, as Nomad caches one ACL object per set.
    struct Merges<'r> {
        rules: &'r HashMap<String, Arc<Policy>>,
        by_set: HashMap<Vec<String>, Arc<EffectivePermissions>>,
    }

    impl<'r> Merges<'r> {
        fn new(rules: &'r HashMap<String, Arc<Policy>>) -> Self {
            Merges { rules, by_set: HashMap::new() }
        }

        /// The merged permissions of a holder, and the route to each of its policies.
        fn of(
            &mut self,
            direct: &[String],
            links: &[RoleLink],
        ) -> (Arc<EffectivePermissions>, std::collections::BTreeMap<String, Vec<crate::nomad::policy::resolve::Via>>)
        {
            let (mut routes, _) = gather(direct, links);
            routes.retain(|name, _| self.rules.contains_key(name));
            let key: Vec<String> = routes.keys().cloned().collect();
            let rules = self.rules;
            let acl = self
                .by_set
                .entry(key)
                .or_insert_with_key(|key| {
                    Arc::new(EffectivePermissions::from_policies(key.iter().map(|n| (n.as_str(), rules[n].as_ref()))))
                })
                .clone();
            (acl, routes.into_iter().collect())
        }
    }

    fn role_link(role: &AclRoleListStub) -> RoleLink {
        RoleLink {
            id: role.id.clone(),
            role: Some(ResolvedRole {
                name: role.name.clone(),
                policies: role.policies.iter().map(|p| p.name.clone()).collect(),
            }),
        }
    }

    /// For each namespace of `names`: how many unexpired tokens and how many roles have
    /// any capability there (Nomad's `AllowNamespace`).
    pub fn reach(
        names: &[String],
        tokens: &[AclTokenListStub],
        roles: &[AclRoleListStub],
        rules: &HashMap<String, Arc<Policy>>,
        now: OffsetDateTime,
    ) -> Vec<(usize, usize)> {
        let mut merges = Merges::new(rules);
        let mut out = vec![(0, 0); names.len()];
        for role in roles {
            let (acl, _) = merges.of(&[], &[role_link(role)]);
            for (i, ns) in names.iter().enumerate() {
                if acl.allow_namespace(ns) {
                    out[i].1 += 1;
                }
            }
        }
        for token in tokens.iter().filter(|t| t.expiration_time.is_none_or(|e| e >= now)) {
            let acl = if token.token_type == TOKEN_TYPE_MANAGEMENT {
                Arc::new(EffectivePermissions::management())
            } else {
                let links = role_links(token.roles.as_deref().unwrap_or_default(), roles);
                merges.of(token.policies.as_deref().unwrap_or_default(), &links).0
            };
            for (i, ns) in names.iter().enumerate() {
                if acl.allow_namespace(ns) {
                    out[i].0 += 1;
                }
            }
        }
        out
    }

    /// What a holder has in a namespace (the fields of [`Access`] that come from its policies).
    struct Grant {
        rule: String,
        capabilities: Vec<String>,
        denied: bool,
        sources: Vec<SourceView>,
        variables: Vec<(String, Vec<String>)>,
    }

    /// What `acl` grants in `namespace`: the deciding rule, its capabilities, the
    /// policies with a block for it and the rule's variables paths. `None`: no rule.
    fn access(
        acl: &EffectivePermissions,
        routes: &std::collections::BTreeMap<String, Vec<crate::nomad::policy::resolve::Via>>,
        namespace: &str,
        in_role: bool,
    ) -> Option<Grant> {
        let (pattern, set) = acl.matching_namespace(namespace)?;
        if set.is_empty() {
            return None;
        }
        let sources = set
            .sources
            .iter()
            .map(|p| {
                if in_role {
                    SourceView { policy: p.clone(), direct: true, roles: Vec::new() }
                } else {
                    SourceView::from(Source { policy: p.clone(), via: routes.get(p).cloned().unwrap_or_default() })
                }
            })
            .collect();
        let variables = acl
            .variables
            .iter()
            .chain(acl.wildcard_variables.iter())
            .filter(|(key, _)| key.namespace == pattern)
            .map(|(key, caps)| (key.path.clone(), caps.names().map(str::to_string).collect()))
            .collect();
        Some(Grant {
            rule: format!("namespace \"{pattern}\""),
            capabilities: set.names().map(str::to_string).collect(),
            denied: set.is_denied(),
            sources,
            variables,
        })
    }

    /// Every token and role with a capability in `namespace` (a deny included), each
    /// with its deciding rule; expired tokens apart. Sorted by name.
    pub fn access_in(
        namespace: &str,
        tokens: &[AclTokenListStub],
        roles: &[AclRoleListStub],
        rules: &HashMap<String, Arc<Policy>>,
        now: OffsetDateTime,
    ) -> NamespaceAccess {
        let mut merges = Merges::new(rules);
        let mut out = NamespaceAccess::default();
        for role in roles {
            let (acl, routes) = merges.of(&[], &[role_link(role)]);
            if let Some(g) = access(&acl, &routes, namespace, true) {
                out.roles.push(Access {
                    id: role.id.clone(),
                    name: role.name.clone(),
                    management: false,
                    expires_at: None,
                    rule: g.rule,
                    capabilities: g.capabilities,
                    denied: g.denied,
                    sources: g.sources,
                    variables: g.variables,
                });
            }
        }
        for token in tokens {
            let expires_at = token.expiration_time.map(|t| t.unix_timestamp());
            let holder = if token.token_type == TOKEN_TYPE_MANAGEMENT {
                Some(Access {
                    id: token.accessor_id.clone(),
                    name: token.name.clone(),
                    management: true,
                    expires_at,
                    rule: "management token".to_string(),
                    capabilities: vec!["every capability".to_string()],
                    denied: false,
                    sources: Vec::new(),
                    variables: Vec::new(),
                })
            } else {
                let links = role_links(token.roles.as_deref().unwrap_or_default(), roles);
                let (acl, routes) = merges.of(token.policies.as_deref().unwrap_or_default(), &links);
                access(&acl, &routes, namespace, false).map(|g| Access {
                    id: token.accessor_id.clone(),
                    name: token.name.clone(),
                    management: false,
                    expires_at,
                    rule: g.rule,
                    capabilities: g.capabilities,
                    denied: g.denied,
                    sources: g.sources,
                    variables: g.variables,
                })
            };
            if let Some(h) = holder {
                if token.expiration_time.is_some_and(|e| e < now) {
                    out.expired.push(h);
                } else {
                    out.tokens.push(h);
                }
            }
        }
        let cut = |list: &mut Vec<Access>| {
            list.sort_by(|a, b| (a.name.as_str(), a.id.as_str()).cmp(&(b.name.as_str(), b.id.as_str())));
            let total = list.len();
            list.truncate(super::SHOW_AT_MOST);
            total
        };
        out.tokens_total = cut(&mut out.tokens);
        out.expired_total = cut(&mut out.expired);
        out.roles_total = cut(&mut out.roles);
        out
    }

    /// The policies with a rule that applies to `namespace` on its own (the rule each
    /// would use alone), exact names first.
    pub fn policies_for(namespace: &str, rules: &HashMap<String, Arc<Policy>>) -> Vec<PolicyMatch> {
        let mut out: Vec<PolicyMatch> = rules
            .iter()
            .filter_map(|(name, policy)| {
                let acl = EffectivePermissions::from_policies([(name.as_str(), policy.as_ref())]);
                let (pattern, _) = acl.matching_namespace(namespace)?;
                Some(PolicyMatch { policy: name.clone(), pattern: pattern.to_string(), exact: pattern == namespace })
            })
            .collect();
        out.sort_by(|a, b| (!a.exact, a.policy.as_str()).cmp(&(!b.exact, b.policy.as_str())));
        out
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use std::collections::HashMap;
    use std::sync::Arc;

    use super::compute::{access_in, policies_for, reach};
    use super::*;
    use crate::nomad::models::{AclRoleListStub, AclRolePolicyLink, AclTokenListStub, AclTokenRoleLink};
    use crate::nomad::policy::{parse, Policy};

    fn rules() -> HashMap<String, Arc<Policy>> {
        [
            ("dev-read", r#"namespace "*-dev" { policy = "read" }"#),
            ("payments-write", "namespace \"payments-dev\" {\n  policy = \"write\"\n  variables { path \"app/*\" { capabilities = [\"read\"] } }\n}"),
            ("deny-dev", r#"namespace "search-dev" { policy = "deny" }"#),
        ]
        .into_iter()
        .map(|(n, r)| (n.to_string(), Arc::new(parse(r).expect(n))))
        .collect()
    }

    fn token(name: &str, policies: &[&str], roles: &[&str]) -> AclTokenListStub {
        AclTokenListStub {
            accessor_id: format!("acc-{name}"),
            name: name.into(),
            token_type: "client".into(),
            policies: Some(policies.iter().map(|p| p.to_string()).collect()),
            roles: Some(roles.iter().map(|r| AclTokenRoleLink { id: r.to_string(), name: String::new() }).collect()),
            ..Default::default()
        }
    }

    fn role(id: &str, policies: &[&str]) -> AclRoleListStub {
        AclRoleListStub {
            id: id.into(),
            name: format!("role-{id}"),
            policies: policies.iter().map(|p| AclRolePolicyLink { name: p.to_string() }).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn the_deciding_rule_is_the_exact_name_before_a_glob_and_says_where_it_comes_from() {
        let now = time::OffsetDateTime::now_utc();
        let roles = vec![role("r1", &["payments-write", "dev-read"])];
        let tokens = vec![
            token("direct", &["dev-read"], &[]),
            token("via-role", &[], &["r1"]),
            token("nothing", &["deny-dev"], &[]),
            AclTokenListStub {
                accessor_id: "m".into(),
                name: "root".into(),
                token_type: "management".into(),
                ..Default::default()
            },
        ];
        let a = access_in("payments-dev", &tokens, &roles, &rules(), now);
        let names: Vec<&str> = a.tokens.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["direct", "root", "via-role"]);
        let via = &a.tokens[2];
        assert_eq!(via.rule, "namespace \"payments-dev\"");
        assert!(via.capabilities.contains(&"submit-job".to_string()), "{:?}", via.capabilities);
        assert_eq!(via.sources[0].roles, ["role-r1"]);
        assert_eq!(
            via.variables,
            [("app/*".to_string(), vec!["list".to_string(), "read".to_string()])],
            "read brings list, as in Nomad"
        );
        assert_eq!(a.tokens[0].rule, "namespace \"*-dev\"");
        assert!(a.tokens[1].management);
        assert_eq!(a.roles.len(), 1);

        let denied = access_in("search-dev", &tokens, &roles, &rules(), now);
        let nothing = denied.tokens.iter().find(|t| t.name == "nothing").expect("a deny is shown");
        assert!(nothing.denied);
    }

    #[test]
    fn reach_counts_unexpired_tokens_and_roles_with_any_capability() {
        let now = time::OffsetDateTime::now_utc();
        let mut expired = token("old", &["dev-read"], &[]);
        expired.expiration_time = Some(now - time::Duration::hours(1));
        let tokens = vec![token("a", &["dev-read"], &[]), expired, token("d", &["deny-dev"], &[])];
        let roles = vec![role("r1", &["payments-write"])];
        let names = vec!["payments-dev".to_string(), "search-dev".to_string(), "prod".to_string()];
        assert_eq!(reach(&names, &tokens, &roles, &rules(), now), [(1, 1), (1, 0), (0, 0)]);
    }

    #[test]
    fn the_policies_with_a_rule_for_a_namespace_put_exact_names_first() {
        let got = policies_for("payments-dev", &rules());
        assert_eq!(
            got[0],
            PolicyMatch { policy: "payments-write".into(), pattern: "payments-dev".into(), exact: true }
        );
        assert_eq!(got[1], PolicyMatch { policy: "dev-read".into(), pattern: "*-dev".into(), exact: false });
        assert!(policies_for("prod", &rules()).is_empty());
    }

    #[test]
    fn the_form_keeps_what_it_does_not_show_and_places_each_problem_at_its_field() {
        let stored = Namespace { name: "ns".into(), quota: "q1".into(), ..Default::default() };
        let input = NamespaceInput {
            original: "ns".into(),
            name: "ns".into(),
            enabled_task_drivers: "docker, exec\nraw_exec".into(),
            meta: "owner=me\nnot a pair".into(),
            ..Default::default()
        };
        let (ns, bad) = input.build(Some(&stored));
        assert_eq!(ns.quota, "q1", "an Enterprise field the form does not show is kept");
        assert_eq!(ns.capabilities.unwrap().enabled_task_drivers.unwrap(), ["docker", "exec", "raw_exec"]);
        assert_eq!(ns.meta.unwrap().get("owner").map(String::as_str), Some("me"));
        assert_eq!(bad, ["meta line \"not a pair\" is not key=value"]);

        let bad_name = NamespaceInput { name: "bad name!".into(), ..Default::default() };
        let problems = bad_name.problems();
        assert_eq!(problems[0].0, Field::Name, "{problems:?}");
        let e = problems_as_error(&problems);
        assert_eq!(by_field(&e), problems, "the form's problems survive the trip to the page");
        let down = ApiError::Nomad(crate::nomad::error::NomadError::Unreachable {
            address: "x".into(),
            reason: "refused".into(),
        });
        assert_eq!(by_field(&down)[0].0, Field::Other);
    }

    #[test]
    fn a_long_access_list_keeps_the_first_by_name_and_its_total() {
        let tokens: Vec<AclTokenListStub> =
            (0..SHOW_AT_MOST + 50).map(|i| token(&format!("t{i:04}"), &["dev-read"], &[])).collect();
        let a = access_in("payments-dev", &tokens, &[], &rules(), time::OffsetDateTime::now_utc());
        assert_eq!(a.tokens.len(), SHOW_AT_MOST);
        assert_eq!(a.tokens_total, SHOW_AT_MOST + 50);
        assert_eq!(a.tokens[0].name, "t0000");
        assert_eq!(a.roles_total, 0);
    }
}
