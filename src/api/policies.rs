//! ACL policies: the list with who uses each one, one policy with its users,
//! save (create or update) and delete.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use super::overview::MissingPolicy;

/// A policy a form offers to pick (a role's policies, a token's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyChoice {
    pub name: String,
    pub description: String,
}

/// One row of the policy list. A count is `None` when the signed-in token cannot list
/// what it counts (tokens need a management token).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRow {
    pub name: String,
    pub description: String,
    /// Tokens carrying the policy directly (not through a role).
    pub tokens: Option<usize>,
    /// Roles that include the policy.
    pub roles: Option<usize>,
    /// Expired tokens among `tokens`.
    pub expired: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyList {
    pub policies: Vec<PolicyRow>,
    /// Policy names referenced by a token or a role that do not exist; `None` when the
    /// token and role lists are not both visible.
    pub missing: Option<Vec<MissingPolicy>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRef {
    pub accessor_id: String,
    pub name: String,
    pub expired: bool,
}

/// One policy and who uses it. `None`: that list could not be checked (permission).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyDetail {
    pub name: String,
    pub description: String,
    pub rules: String,
    /// For the edit page's check that nobody changed it meanwhile.
    #[serde(default)]
    pub modify_index: u64,
    pub roles: Option<Vec<RoleRef>>,
    pub tokens: Option<Vec<TokenRef>>,
}

#[server(output = JsonText)]
pub async fn list_policies() -> Result<PolicyList, ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    let lists = client.acl_lists(&q).await;
    let (policies, _) = lists.policies?;
    let tokens = visible(lists.tokens)?;
    let roles = visible(lists.roles)?;
    let now = time::OffsetDateTime::now_utc();
    let rows = usage::rows(&policies, tokens.as_deref().map(Vec::as_slice), roles.as_deref().map(Vec::as_slice), now);
    let missing = match (&tokens, &roles) {
        (Some(t), Some(r)) => Some(super::overview::health::compute(t, r, &policies, now).missing_policies),
        _ => None,
    };
    Ok(PolicyList { policies: rows, missing })
}

#[server(output = JsonText)]
pub async fn get_policy(name: String) -> Result<PolicyDetail, ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    let (p, t, r) = (client.acl_policies(), client.acl_tokens(), client.acl_roles());
    let (policy, tokens, roles) = futures::join!(p.get(&name, &q), t.list_all(&q), r.list(&q));
    let (policy, _) = policy?;
    let tokens = visible(tokens)?;
    let roles = visible(roles)?;
    let now = time::OffsetDateTime::now_utc();
    Ok(PolicyDetail {
        roles: roles.map(|r| usage::roles_using(&r, &policy.name)),
        tokens: tokens.map(|t| usage::tokens_using(&t, &policy.name, now)),
        name: policy.name,
        description: policy.description,
        rules: policy.rules,
        modify_index: policy.modify_index,
    })
}

/// Creates (`mode` = `create`) or replaces (`update`) a policy. Checked here with Nomad's
/// rules and texts before Nomad sees it. A form posted without JavaScript comes back to
/// the editor with the error and the draft in the URL; success goes to the policy's page.
#[server(output = JsonText)]
pub async fn save_policy(
    mode: String,
    name: String,
    description: String,
    rules: String,
    // The policy's modify index when the editor opened (0: do not compare).
    #[server(default)] modify_index: u64,
    // Save even though the policy changed since (ticked after a conflict).
    #[server(default)] overwrite: bool,
) -> Result<(), ApiError> {
    use super::context::{caller, error_url, plain_form_post};
    use crate::api::error::Conflict;
    use crate::nomad::models::AclPolicy;
    use leptos::server_fn::ServerFn;
    let create = mode == "create";
    // Browsers post a textarea's line breaks as CRLF: store what the user saw.
    let rules = rules.replace("\r\n", "\n");
    let outcome = async {
        let s = caller()?;
        let client = s.nomad.clone();
        let name = name.trim().to_string();
        let problems = validate::all(&name, &description, &rules);
        if !problems.is_empty() {
            return Err(ApiError::Invalid(validate::multierror(&problems)));
        }
        if create {
            match client.acl_policies().get(&name, &s.query).await {
                Ok(_) => return Err(ApiError::Invalid(validate::multierror(&[validate::exists(&name)]))),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        } else if modify_index != 0 && !overwrite {
            let (stored, _) = client.acl_policies().get(&name, &s.query).await?;
            let differs = [("description", stored.description != description), ("rules", stored.rules != rules)];
            Conflict::check("policy", modify_index, overwrite, stored.modify_index, &differs)?;
        }
        let policy = AclPolicy {
            name: name.clone(),
            description: description.clone(),
            rules: rules.clone(),
            ..Default::default()
        };
        client.acl_policies().upsert(&policy, &s.write).await?;
        Ok(name)
    }
    .await;
    match outcome {
        Ok(name) => {
            crate::api::context::redirect(&format!("/policies/{}?saved=1", urlencoding_path(&name)));
            Ok(())
        }
        Err(e) => {
            if plain_form_post() {
                let base = if create {
                    "/policies/new".to_string()
                } else {
                    format!("/policies/{}/edit", urlencoding_path(&name))
                };
                crate::api::context::redirect(&error_url(
                    &base,
                    SavePolicy::PATH,
                    &e,
                    &[("name", &name), ("description", &description), ("rules", &rules)],
                ));
            }
            Err(e)
        }
    }
}

#[server(output = JsonText)]
pub async fn delete_policy(name: String) -> Result<(), ApiError> {
    use super::context::{caller, error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let outcome = async {
        let s = caller()?;
        s.nomad.clone().acl_policies().delete(&name, &s.write).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    match outcome {
        Ok(()) => {
            crate::api::context::redirect(&format!("/policies?deleted={}", crate::links::percent_encode(&name, false)));
            Ok(())
        }
        Err(e) => {
            if plain_form_post() {
                let base = format!("/policies/{}", urlencoding_path(&name));
                crate::api::context::redirect(&error_url(&base, DeletePolicy::PATH, &e, &[]));
            }
            Err(e)
        }
    }
}

/// A list the token may not be allowed to see: `None` on 403.
#[cfg(feature = "ssr")]
pub(crate) fn visible<V>(
    r: Result<(V, crate::nomad::client::QueryMeta), crate::nomad::error::NomadError>,
) -> Result<Option<V>, ApiError> {
    match r {
        Ok((v, _)) => Ok(Some(v)),
        Err(e) if e.is_permission_denied() => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Percent-encodes a policy name for a path (valid names need none; others are escaped).
pub fn urlencoding_path(name: &str) -> String {
    let mut out = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.' {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Nomad's policy checks (the core's, one source for the embedded server and the
/// editor) and the console's own texts; compiled for the browser too.
pub mod validate {
    use crate::api::error::ApiError;
    use crate::nomad::models::AclPolicy;
    use crate::nomad::validate::{invalid, messages};

    pub use crate::nomad::validate::policy::{description, field_of, name, rules, Field};
    pub use crate::nomad::validate::{valid_name, MAX_DESCRIPTION};

    pub fn exists(name: &str) -> String {
        format!("A policy named '{name}' already exists: choose another name, or edit that policy.")
    }

    /// Every problem of a policy with these fields, in Nomad's order.
    pub fn all(name: &str, description: &str, rules: &str) -> Vec<String> {
        let p =
            AclPolicy { name: name.into(), description: description.into(), rules: rules.into(), ..Default::default() };
        messages(&p.validate())
    }

    /// Nomad's answer for a refused policy: `policy 0 invalid: 1 error occurred: ...`.
    pub fn multierror(items: &[String]) -> String {
        invalid("policy", items)
    }

    /// The messages of a refused save, each with its field. Other errors (permission,
    /// Nomad down) come back whole, as `Other`.
    pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
        e.by_field("policy 0 invalid: ", Field::Other, |i| (field_of(i), i.to_string()))
    }
}

/// Ready-made rules to start from, filled into the editor by one click.
pub mod presets {
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Preset {
        Viewer,
        Developer,
        Operator,
        ClusterAdmin,
        Anonymous,
        VariablesReader,
    }

    impl Preset {
        pub const ALL: &'static [Preset] = &[
            Preset::Viewer,
            Preset::Developer,
            Preset::Operator,
            Preset::ClusterAdmin,
            Preset::Anonymous,
            Preset::VariablesReader,
        ];

        pub fn id(self) -> &'static str {
            match self {
                Preset::Viewer => "viewer",
                Preset::Developer => "developer",
                Preset::Operator => "operator",
                Preset::ClusterAdmin => "cluster-admin",
                Preset::Anonymous => "anonymous",
                Preset::VariablesReader => "variables-reader",
            }
        }

        pub fn label(self) -> &'static str {
            match self {
                Preset::Viewer => "Read-only viewer",
                Preset::Developer => "Developer for one namespace",
                Preset::Operator => "Operator",
                Preset::ClusterAdmin => "Cluster admin (no ACL management)",
                Preset::Anonymous => "Anonymous read-only",
                Preset::VariablesReader => "Variables reader for one path",
            }
        }

        pub fn help(self) -> &'static str {
            match self {
                Preset::Viewer => {
                    "Reads jobs, allocations, nodes, agents and cluster state everywhere; changes nothing."
                }
                Preset::Developer => "Runs and manages jobs and variables in the namespace below; reads nodes.",
                Preset::Operator => {
                    "Manages jobs in every namespace, drains and configures nodes; reads agents and Raft."
                }
                Preset::ClusterAdmin => "Every right a policy can give. ACL objects still need a management token.",
                Preset::Anonymous => "For the policy named anonymous: what callers without a token may read.",
                Preset::VariablesReader => {
                    "Reads and lists the variables under the path below, in the namespace below."
                }
            }
        }

        /// Whether the rules use the namespace / the variables path asked next to the presets.
        pub fn uses_namespace(self) -> bool {
            matches!(self, Preset::Developer | Preset::VariablesReader)
        }

        pub fn uses_path(self) -> bool {
            matches!(self, Preset::VariablesReader)
        }

        pub fn rules(self, namespace: &str, path: &str) -> String {
            let ns = quote(if namespace.trim().is_empty() { "default" } else { namespace.trim() });
            let path = quote(if path.trim().is_empty() { "*" } else { path.trim() });
            match self {
                Preset::Viewer => "namespace \"*\" {\n  policy = \"read\"\n}\n\nnode_pool \"*\" {\n  policy = \"read\"\n}\n\nnode {\n  policy = \"read\"\n}\n\nagent {\n  policy = \"read\"\n}\n\noperator {\n  policy = \"read\"\n}\n\nplugin {\n  policy = \"read\"\n}\n".to_string(),
                Preset::Developer => format!("namespace {ns} {{\n  policy = \"write\"\n\n  variables {{\n    path \"*\" {{\n      capabilities = [\"write\", \"read\", \"destroy\", \"list\"]\n    }}\n  }}\n}}\n\nnode {{\n  policy = \"read\"\n}}\n\nplugin {{\n  policy = \"read\"\n}}\n"),
                Preset::Operator => "namespace \"*\" {\n  policy = \"write\"\n}\n\nnode_pool \"*\" {\n  policy = \"read\"\n}\n\nnode {\n  policy = \"write\"\n}\n\nagent {\n  policy = \"read\"\n}\n\noperator {\n  policy = \"read\"\n}\n\nplugin {\n  policy = \"read\"\n}\n".to_string(),
                Preset::ClusterAdmin => "namespace \"*\" {\n  policy = \"write\"\n\n  variables {\n    path \"*\" {\n      capabilities = [\"write\", \"read\", \"destroy\", \"list\"]\n    }\n  }\n}\n\nnode_pool \"*\" {\n  policy = \"write\"\n}\n\nhost_volume \"*\" {\n  policy = \"write\"\n}\n\nnode {\n  policy = \"write\"\n}\n\nagent {\n  policy = \"write\"\n}\n\noperator {\n  policy = \"write\"\n}\n\nquota {\n  policy = \"write\"\n}\n\nplugin {\n  policy = \"write\"\n}\n".to_string(),
                Preset::Anonymous => "namespace \"default\" {\n  policy       = \"read\"\n  capabilities = [\"list-jobs\", \"read-job\"]\n}\n\nnode {\n  policy = \"read\"\n}\n\nagent {\n  policy = \"read\"\n}\n".to_string(),
                Preset::VariablesReader => format!("namespace {ns} {{\n  variables {{\n    path {path} {{\n      capabilities = [\"read\", \"list\"]\n    }}\n  }}\n}}\n"),
            }
        }
    }

    /// An HCL string literal.
    fn quote(s: &str) -> String {
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' | '\r' => {}
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// Who uses which policy, separate from I/O so it can be tested on plain data.
#[cfg(feature = "ssr")]
pub mod usage {
    use std::collections::HashMap;

    use time::OffsetDateTime;

    use super::{PolicyRow, RoleRef, TokenRef};
    use crate::nomad::models::{AclPolicyListStub, AclRoleListStub, AclTokenListStub};

    fn expired(t: &AclTokenListStub, now: OffsetDateTime) -> bool {
        t.expiration_time.is_some_and(|e| e <= now)
    }

    fn carries(t: &AclTokenListStub, policy: &str) -> bool {
        t.policies.as_deref().unwrap_or_default().iter().any(|p| p == policy)
    }

    pub fn rows(
        policies: &[AclPolicyListStub],
        tokens: Option<&[AclTokenListStub]>,
        roles: Option<&[AclRoleListStub]>,
        now: OffsetDateTime,
    ) -> Vec<PolicyRow> {
        // name -> (tokens, expired); name -> roles. Duplicates in one object count once.
        let mut by_token: HashMap<&str, (usize, usize)> = HashMap::new();
        for t in tokens.unwrap_or_default() {
            let mut names: Vec<&str> = t.policies.as_deref().unwrap_or_default().iter().map(String::as_str).collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                let e = by_token.entry(n).or_default();
                e.0 += 1;
                e.1 += usize::from(expired(t, now));
            }
        }
        let mut by_role: HashMap<&str, usize> = HashMap::new();
        for r in roles.unwrap_or_default() {
            let mut names: Vec<&str> = r.policies.iter().map(|p| p.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            for n in names {
                *by_role.entry(n).or_default() += 1;
            }
        }
        policies
            .iter()
            .map(|p| {
                let (t, e) = by_token.get(p.name.as_str()).copied().unwrap_or_default();
                PolicyRow {
                    name: p.name.clone(),
                    description: p.description.clone(),
                    tokens: tokens.map(|_| t),
                    expired: tokens.map(|_| e),
                    roles: roles.map(|_| by_role.get(p.name.as_str()).copied().unwrap_or_default()),
                }
            })
            .collect()
    }

    pub fn roles_using(roles: &[AclRoleListStub], policy: &str) -> Vec<RoleRef> {
        let mut out: Vec<RoleRef> = roles
            .iter()
            .filter(|r| r.policies.iter().any(|p| p.name == policy))
            .map(|r| RoleRef { id: r.id.clone(), name: r.name.clone() })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }

    pub fn tokens_using(tokens: &[AclTokenListStub], policy: &str, now: OffsetDateTime) -> Vec<TokenRef> {
        let mut out: Vec<TokenRef> = tokens
            .iter()
            .filter(|t| carries(t, policy))
            .map(|t| TokenRef { accessor_id: t.accessor_id.clone(), name: t.name.clone(), expired: expired(t, now) })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.accessor_id.cmp(&b.accessor_id)));
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::nomad::models::AclRolePolicyLink;

        fn token(name: &str, policies: &[&str], exp: Option<OffsetDateTime>) -> AclTokenListStub {
            AclTokenListStub {
                accessor_id: format!("acc-{name}"),
                name: name.into(),
                token_type: "client".into(),
                policies: Some(policies.iter().map(|p| p.to_string()).collect()),
                expiration_time: exp,
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

        fn policy(name: &str) -> AclPolicyListStub {
            AclPolicyListStub { name: name.into(), description: format!("about {name}"), ..Default::default() }
        }

        #[test]
        fn counts_direct_tokens_roles_and_expired() {
            let now = OffsetDateTime::now_utc();
            let policies = vec![policy("a"), policy("b"), policy("unused")];
            let tokens = vec![
                token("t1", &["a", "a"], None),
                token("t2", &["a", "b"], Some(now - time::Duration::minutes(5))),
                token("t3", &["b"], Some(now + time::Duration::hours(1))),
                token("t4", &["gone"], None),
            ];
            let roles = vec![role("r1", &["a"]), role("r2", &["a", "b", "b"]), role("r3", &["gone"])];
            let rows = rows(&policies, Some(&tokens), Some(&roles), now);
            assert_eq!(rows.len(), 3);
            assert_eq!((rows[0].tokens, rows[0].expired, rows[0].roles), (Some(2), Some(1), Some(2)));
            assert_eq!((rows[1].tokens, rows[1].expired, rows[1].roles), (Some(2), Some(1), Some(1)));
            assert_eq!((rows[2].tokens, rows[2].expired, rows[2].roles), (Some(0), Some(0), Some(0)));
            assert_eq!(rows[0].description, "about a");
        }

        #[test]
        fn unknown_when_a_list_is_not_visible() {
            let now = OffsetDateTime::now_utc();
            let rows = rows(&[policy("a")], None, Some(&[role("r1", &["a"])]), now);
            assert_eq!((rows[0].tokens, rows[0].expired, rows[0].roles), (None, None, Some(1)));
        }

        #[test]
        fn who_uses_one_policy() {
            let now = OffsetDateTime::now_utc();
            let tokens = vec![
                token("zed", &["a"], None),
                token("amy", &["a"], Some(now - time::Duration::seconds(1))),
                token("bob", &["b"], None),
            ];
            let t = tokens_using(&tokens, "a", now);
            assert_eq!(
                t.iter().map(|t| (t.name.as_str(), t.expired)).collect::<Vec<_>>(),
                vec![("amy", true), ("zed", false)]
            );
            let roles = vec![role("2", &["a"]), role("1", &["a", "b"]), role("3", &["b"])];
            let r = roles_using(&roles, "a");
            assert_eq!(r.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec!["1", "2"]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::presets::Preset;
    use super::validate::{self, Field};
    use crate::api::error::ApiError;
    use crate::nomad::error::NomadError;

    #[test]
    fn every_preset_parses_strictly() {
        for p in Preset::ALL {
            let rules = p.rules("team-a", "app/config");
            assert!(
                crate::nomad::policy::parse(&rules).is_ok(),
                "{}: {:?}",
                p.id(),
                crate::nomad::policy::parse(&rules)
            );
        }
    }

    #[test]
    fn preset_inputs_are_quoted() {
        let rules = Preset::VariablesReader.rules("ns\"x", "a\\b");
        assert!(rules.contains("namespace \"ns\\\"x\""));
        assert!(rules.contains("path \"a\\\\b\""));
    }

    #[test]
    fn nomad_texts_and_fields() {
        assert_eq!(validate::name("My Fun Policy"), Some("invalid name 'My Fun Policy'".into()));
        assert_eq!(validate::name(&"a".repeat(129)), Some(format!("invalid name '{}'", "a".repeat(129))));
        assert_eq!(validate::name("ok-Name-1"), None);
        assert_eq!(validate::description(&"d".repeat(257)), Some("description longer than 256".into()));
        assert_eq!(validate::rules(""), None);
        assert!(validate::rules("namespace \"x\" { policy = \"nope\" }")
            .unwrap()
            .starts_with("failed to parse rules: "));
        let all = validate::all("bad name", &"d".repeat(300), "node { policy = \"bogus\" }");
        assert_eq!(all.len(), 3);
        let e = ApiError::Invalid(validate::multierror(&all));
        let fields: Vec<Field> = validate::by_field(&e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Name, Field::Rules, Field::Description]);
        let nomad = ApiError::Nomad(NomadError::InvalidRequest {
            message: "policy 0 invalid: 1 error occurred:\n\t* description longer than 256\n\n".into(),
        });
        assert_eq!(validate::by_field(&nomad), vec![(Field::Description, "description longer than 256".to_string())]);
        let one = ApiError::Invalid(validate::multierror(&[validate::exists("x")]));
        assert_eq!(validate::by_field(&one)[0].0, Field::Name);
    }
}
