//! Demo and benchmark seed data.
//!
//! The demo data looks like a platform team's cluster: namespace, node, agent,
//! operator, host-volume, variables, empty and `anonymous` policies; roles for
//! on-call, CI and product teams; tokens of every kind (client/management,
//! global/local, never-expiring, expiring soon, already expired, dangling policy
//! names, role links); one OIDC auth method with two binding rules.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use nomad_acl_core::duration::GoDuration;
use nomad_acl_core::models::{
    AclAuthMethod, AclAuthMethodConfig, AclBindingRule, AclPolicy, AclRole, AclRolePolicyLink, AclToken,
    AclTokenRoleLink, Namespace, NamespaceCapabilities, SecretId, TOKEN_TYPE_CLIENT, TOKEN_TYPE_MANAGEMENT,
};

use super::state::{auth_method_hash, binding_rule_hash, policy_hash, role_hash, token_hash, State};
use super::util::{add_nanos, new_uuid, now_utc};
use super::Inner;

const MINUTE: i64 = 60 * 1_000_000_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;

/// (name, description, rules)
pub const DEMO_POLICIES: &[(&str, &str, &str)] = &[
    (
        "anonymous",
        "Unauthenticated access: list jobs in the default namespace",
        r#"namespace "default" {
  capabilities = ["list-jobs"]
}
"#,
    ),
    (
        "ns-default-read",
        "Read-only access to the default namespace",
        r#"namespace "default" {
  policy = "read"
}
"#,
    ),
    (
        "ci-deployer",
        "Used by CI pipelines to submit and monitor jobs in all namespaces",
        r#"namespace "*" {
  policy       = "read"
  capabilities = ["submit-job", "dispatch-job", "read-logs", "scale-job"]
}

node_pool "*" {
  policy = "read"
}
"#,
    ),
    (
        "oncall-readonly",
        "Read everything the on-call engineer needs during an incident",
        r#"namespace "*" {
  policy       = "read"
  capabilities = ["read-logs", "read-fs"]
}

node {
  policy = "read"
}

agent {
  policy = "read"
}

plugin {
  policy = "list"
}
"#,
    ),
    (
        "node-read",
        "Read client nodes and node pools",
        r#"node {
  policy = "read"
}

node_pool "*" {
  policy = "read"
}
"#,
    ),
    (
        "agent-read",
        "Read agent configuration and members",
        r#"agent {
  policy = "read"
}
"#,
    ),
    (
        "operator-snapshot",
        "Take Raft snapshots for the nightly backup job",
        r#"operator {
  policy       = "read"
  capabilities = ["snapshot-save"]
}
"#,
    ),
    (
        "host-volume-ops",
        "Manage dynamic host volumes on the ssd node pool",
        r#"host_volume "ssd-*" {
  policy = "write"
}

namespace "storage" {
  capabilities = ["host-volume-create", "host-volume-read"]
}
"#,
    ),
    (
        "team-payments-dev",
        "Payments team: full job access in payments-dev, read access to the other dev namespaces",
        r#"namespace "payments-dev" {
  policy = "write"
}

namespace "payments" {
  policy = "read"
}

namespace "*-dev" {
  policy = "read"
}
"#,
    ),
    (
        "team-payments-vars",
        "Payments team: variables under payments/",
        r#"namespace "payments-dev" {
  variables {
    path "payments/*" {
      capabilities = ["write", "read", "list", "destroy"]
    }

    path "payments/prod/*" {
      capabilities = ["deny"]
    }
  }
}
"#,
    ),
    ("placeholder-empty", "Reserved for the data-platform team (no rules yet)", ""),
];

/// A demo namespace: (name, description, meta, enabled task drivers, disabled network modes).
pub type DemoNamespace = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static [&'static str],
    &'static [&'static str],
);

/// Chosen
/// against the policies' rules: `payments` is named exactly, `payments-dev` exactly
/// though the `*-dev` glob matches it too, `search-dev` by that glob alone, `storage`
/// only for host-volume capabilities, and `archive` by the all-namespaces `*` rules alone.
pub const DEMO_NAMESPACES: &[DemoNamespace] = &[
    ("payments", "Payments services in production", &[("owner", "payments"), ("tier", "critical")], &[], &["host"]),
    ("payments-dev", "Payments team sandbox", &[("owner", "payments")], &["docker", "exec"], &[]),
    ("search-dev", "Search relevance experiments", &[("owner", "search")], &["docker"], &[]),
    ("storage", "Storage and backup jobs", &[("owner", "platform")], &[], &[]),
    ("archive", "Retired services kept for their history", &[], &[], &[]),
];

/// (name, description, policies)
pub const DEMO_ROLES: &[(&str, &str, &[&str])] = &[
    ("ops-oncall", "Primary and secondary on-call rotation", &["oncall-readonly", "node-read", "agent-read"]),
    ("ci-pipeline", "Deployment pipelines (GitHub Actions, GitLab)", &["ci-deployer"]),
    (
        "payments-developer",
        "Engineers on the payments team",
        &["team-payments-dev", "team-payments-vars", "ns-default-read"],
    ),
    ("platform-storage", "Storage and backup automation", &["host-volume-ops", "operator-snapshot", "node-read"]),
];

struct DemoToken {
    name: &'static str,
    management: bool,
    global: bool,
    policies: &'static [&'static str],
    roles: &'static [&'static str],
    /// Created this long ago.
    age: i64,
    /// Expires this long after now (negative: already expired); None: never.
    expires_in: Option<i64>,
    /// ExpirationTTL to record (0: none).
    ttl: i64,
}

#[allow(clippy::too_many_arguments)]
const fn tok(
    name: &'static str,
    management: bool,
    global: bool,
    policies: &'static [&'static str],
    roles: &'static [&'static str],
    age: i64,
    expires_in: Option<i64>,
    ttl: i64,
) -> DemoToken {
    DemoToken { name, management, global, policies, roles, age, expires_in, ttl }
}

const DEMO_TOKENS: &[DemoToken] = &[
    tok("terraform-nomad-provider", true, true, &[], &[], 90 * DAY, None, 0),
    tok("vault-nomad-secrets-engine", true, true, &[], &[], 60 * DAY, None, 0),
    tok("platform-admin-frank", true, false, &[], &[], 30 * DAY, None, 0),
    tok("break-glass-admin", true, true, &[], &[], 2 * HOUR, Some(6 * HOUR), 8 * HOUR),
    tok("ci-deployer-github-actions", false, true, &["ci-deployer"], &[], 45 * DAY, None, 0),
    tok("ci-deployer-gitlab", false, false, &[], &["ci-pipeline"], 20 * DAY, None, 0),
    tok(
        "ci-review-app-pr-4821",
        false,
        false,
        &["ns-default-read"],
        &["ci-pipeline"],
        50 * MINUTE,
        Some(10 * MINUTE),
        HOUR,
    ),
    tok("oncall-alice", false, true, &[], &["ops-oncall"], 11 * HOUR, Some(45 * MINUTE), 12 * HOUR),
    tok("oncall-bob", false, true, &[], &["ops-oncall"], 12 * HOUR + 10 * MINUTE, Some(-10 * MINUTE), 12 * HOUR),
    tok("oncall-carol", false, true, &[], &["ops-oncall"], 4 * HOUR, Some(8 * HOUR), 12 * HOUR),
    tok("oncall-readonly-dashboard", false, true, &["oncall-readonly"], &[], 120 * DAY, None, 0),
    tok("payments-dev-dana", false, true, &[], &["payments-developer"], 14 * DAY, None, 0),
    tok("payments-dev-erik", false, false, &["ns-default-read"], &["payments-developer"], 9 * DAY, None, 0),
    tok(
        "payments-batch-runner",
        false,
        false,
        &["team-payments-dev", "team-payments-vars"],
        &[],
        4 * HOUR,
        Some(20 * HOUR),
        24 * HOUR,
    ),
    tok(
        "temp-contractor-gina",
        false,
        false,
        &[],
        &["payments-developer"],
        23 * HOUR + 55 * MINUTE,
        Some(5 * MINUTE),
        24 * HOUR,
    ),
    tok("legacy-monitoring", false, true, &["node-read", "agent-read", "prometheus-scrape"], &[], 400 * DAY, None, 0),
    tok("grafana-dashboards", false, true, &["ns-default-read", "node-read"], &[], 200 * DAY, None, 0),
    tok("snapshot-agent", false, false, &["operator-snapshot"], &[], 75 * DAY, None, 0),
    tok("csi-volume-controller", false, false, &[], &["platform-storage"], 33 * DAY, None, 0),
    tok("edge-node-bootstrap", false, false, &["node-read"], &[], 10 * MINUTE, Some(50 * MINUTE), HOUR),
    tok("nomad-autoscaler", false, true, &["ns-default-read", "node-read"], &["ci-pipeline"], 18 * DAY, None, 0),
    tok("release-manager-hana", false, true, &[], &["ci-pipeline", "ops-oncall"], 3 * DAY, None, 0),
    tok(
        "security-audit-2024q4",
        false,
        true,
        &["oncall-readonly", "placeholder-empty", "sentinel-audit"],
        &[],
        6 * DAY,
        Some(-20 * MINUTE),
        0,
    ),
    tok("qa-readonly", false, false, &["ns-default-read"], &[], 27 * DAY, None, 0),
];

fn put_policy(s: &mut State, name: &str, description: &str, rules: &str, now: OffsetDateTime) {
    let _ = now;
    let idx = s.next_index();
    let mut p = AclPolicy {
        name: name.into(),
        description: description.into(),
        rules: rules.into(),
        create_index: idx,
        modify_index: idx,
        ..Default::default()
    };
    p.hash = Some(policy_hash(&p));
    s.policies.insert(p.name.clone(), p);
    s.tables.acl_policy = idx;
}

fn put_role<P: AsRef<str>>(s: &mut State, name: &str, description: &str, policies: &[P]) -> String {
    let idx = s.next_index();
    let mut r = AclRole {
        id: new_uuid(),
        name: name.into(),
        description: description.into(),
        policies: policies.iter().map(|p| AclRolePolicyLink { name: p.as_ref().to_string() }).collect(),
        create_index: idx,
        modify_index: idx,
        ..Default::default()
    };
    r.hash = Some(role_hash(&r));
    let id = r.id.clone();
    s.roles.insert(id.clone(), r);
    s.tables.acl_roles = idx;
    id
}

#[allow(clippy::too_many_arguments)]
fn put_token(
    s: &mut State,
    name: &str,
    management: bool,
    global: bool,
    policies: Vec<String>,
    role_ids: Vec<String>,
    create_time: OffsetDateTime,
    expiration_time: Option<OffsetDateTime>,
    ttl: i64,
) -> AclToken {
    let idx = s.next_index();
    let mut t = AclToken {
        accessor_id: new_uuid(),
        secret_id: SecretId::new(new_uuid()),
        name: name.into(),
        token_type: if management { TOKEN_TYPE_MANAGEMENT } else { TOKEN_TYPE_CLIENT }.into(),
        policies: if policies.is_empty() { None } else { Some(policies) },
        roles: if role_ids.is_empty() {
            None
        } else {
            Some(role_ids.into_iter().map(|id| AclTokenRoleLink { id, name: String::new() }).collect())
        },
        global,
        create_time,
        expiration_time,
        expiration_ttl: GoDuration(ttl),
        create_index: idx,
        modify_index: idx,
        ..Default::default()
    };
    t.hash = Some(token_hash(&t));
    s.put_token(t.clone());
    s.tables.acl_token = idx;
    t
}

fn bootstrap(s: &mut State, now: OffsetDateTime) -> AclToken {
    let t = put_token(s, "Bootstrap Token", true, true, vec![], vec![], now, None, 0);
    s.tables.acl_token_bootstrap = t.create_index;
    t
}

pub fn seed_demo(inner: &Inner) -> anyhow::Result<SecretId> {
    if !inner.config.acl_enabled {
        anyhow::bail!("seed_demo: ACLs are disabled in this devnomad configuration");
    }
    inner.write(|s| {
        if s.tables.acl_token_bootstrap != 0 {
            // Already seeded (e.g. a state file from an earlier run): reuse the bootstrap token.
            let boot = s
                .tokens
                .values()
                .find(|t| t.create_index == s.tables.acl_token_bootstrap && t.is_management())
                .map(|t| t.secret_id.clone());
            return boot.ok_or_else(|| {
                anyhow::anyhow!(
                    "seed_demo: the cluster is already bootstrapped (reset index {}) and the bootstrap token is gone",
                    s.tables.acl_token_bootstrap
                )
            });
        }
        Ok(seed_demo_state(s, now_utc()))
    })
}

/// The local tokens of a non-authoritative demo region: they exist only there (the
/// authoritative region's own local tokens come with `seed_demo_state`). Skipped when a
/// state file from an earlier run already has them.
pub fn seed_region_local_tokens(s: &mut State, region: &str, now: OffsetDateTime) {
    let prefix = format!("{region} ");
    if s.tokens.values().any(|t| !t.global && t.name.starts_with(&prefix)) {
        return;
    }
    let local = |what: &str| format!("{region} {what} (local)");
    put_token(s, &local("on-call"), false, false, vec!["oncall-readonly".into()], vec![], now, None, 0);
    put_token(
        s,
        &local("deploy bot"),
        false,
        false,
        vec!["ci-deployer".into()],
        vec![],
        now,
        Some(add_nanos(now, 7 * DAY)),
        7 * DAY,
    );
    put_token(s, &local("operator"), true, false, vec![], vec![], now, None, 0);
}

/// Fills an empty state with the demo data; returns the bootstrap secret.
pub fn seed_demo_state(s: &mut State, now: OffsetDateTime) -> SecretId {
    let boot = bootstrap(s, add_nanos(now, -120 * DAY));
    for (name, description, rules) in DEMO_POLICIES {
        put_policy(s, name, description, rules, now);
    }
    for (name, description, meta, drivers, no_network_modes) in DEMO_NAMESPACES {
        let capabilities = (!drivers.is_empty() || !no_network_modes.is_empty()).then(|| NamespaceCapabilities {
            enabled_task_drivers: Some(drivers.iter().map(|d| d.to_string()).collect()),
            disabled_network_modes: Some(no_network_modes.iter().map(|m| m.to_string()).collect()),
            ..Default::default()
        });
        let ns = Namespace {
            name: name.to_string(),
            description: description.to_string(),
            capabilities,
            meta: (!meta.is_empty()).then(|| meta.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            ..Default::default()
        };
        if let Err(e) = super::namespaces::upsert_namespace(s, ns) {
            tracing::error!(namespace = name, error = %e, "devnomad: demo namespace refused");
        }
    }
    let mut role_ids: BTreeMap<&str, String> = BTreeMap::new();
    for (name, description, policies) in DEMO_ROLES {
        role_ids.insert(name, put_role(s, name, description, policies));
    }
    for d in DEMO_TOKENS {
        let create_time = add_nanos(now, -d.age);
        let expiration_time = d.expires_in.map(|e| add_nanos(now, e));
        let roles = d.roles.iter().filter_map(|r| role_ids.get(r).cloned()).collect();
        put_token(
            s,
            d.name,
            d.management,
            d.global,
            d.policies.iter().map(|p| p.to_string()).collect(),
            roles,
            create_time,
            expiration_time,
            d.ttl,
        );
    }

    // OIDC auth method and binding rules.
    let idx = s.next_index();
    let mut okta = AclAuthMethod {
        max_token_ttl: GoDuration(12 * HOUR),
        name: "okta".into(),
        method_type: "OIDC".into(),
        token_locality: "global".into(),
        token_name_format: "${auth_method_type}-${value.email}".into(),
        default: true,
        config: Some(AclAuthMethodConfig {
            oidc_discovery_url: "https://acme.okta.com/oauth2/default".into(),
            oidc_client_id: "0oa8nomadconsole5d7".into(),
            oidc_client_secret: "s3cr3t-okta-client-secret-value".into(),
            oidc_scopes: Some(vec!["groups".into(), "email".into()]),
            bound_audiences: Some(vec!["0oa8nomadconsole5d7".into()]),
            allowed_redirect_uris: Some(vec![
                "http://localhost:4649/oidc/callback".into(),
                "https://nomad.acme.internal:4646/ui/settings/tokens".into(),
            ]),
            signing_algs: Some(vec!["RS256".into()]),
            claim_mappings: Some(BTreeMap::from([
                ("email".to_string(), "email".to_string()),
                ("name".to_string(), "name".to_string()),
            ])),
            list_claim_mappings: Some(BTreeMap::from([("groups".to_string(), "groups".to_string())])),
            clock_skew_leeway: GoDuration(5 * 1_000_000_000),
            ..Default::default()
        }),
        create_time: add_nanos(now, -40 * DAY),
        modify_time: add_nanos(now, -2 * DAY),
        create_index: idx,
        modify_index: idx,
        ..Default::default()
    };
    okta.hash = Some(auth_method_hash(&okta));
    s.auth_methods.insert(okta.name.clone(), okta);
    s.tables.acl_auth_methods = idx;

    let rules = [
        (
            "Okta group platform-oncall gets the ops-oncall role",
            r#""platform-oncall" in list.groups"#,
            "role",
            "ops-oncall",
        ),
        (
            "Payments engineers get the payments dev policy",
            r#"list.groups contains "payments-engineers" and value.email matches ".*@acme\\.com$""#,
            "policy",
            "team-payments-dev",
        ),
    ];
    for (description, selector, bind_type, bind_name) in rules {
        let idx = s.next_index();
        let mut r = AclBindingRule {
            id: new_uuid(),
            description: description.into(),
            auth_method: "okta".into(),
            selector: selector.into(),
            bind_type: bind_type.into(),
            bind_name: bind_name.into(),
            create_time: add_nanos(now, -40 * DAY),
            modify_time: add_nanos(now, -40 * DAY),
            create_index: idx,
            modify_index: idx,
            ..Default::default()
        };
        r.hash = Some(binding_rule_hash(&r));
        s.binding_rules.insert(r.id.clone(), r);
        s.tables.acl_binding_rules = idx;
    }
    boot.secret_id
}

pub fn seed_scale(inner: &Inner, tokens: usize, policies: usize, roles: usize) -> anyhow::Result<()> {
    inner.write(|s| {
        seed_scale_state(s, tokens, policies, roles, now_utc());
    });
    Ok(())
}

pub fn seed_scale_state(s: &mut State, tokens: usize, policies: usize, roles: usize, now: OffsetDateTime) {
    let namespaces = ["default", "payments", "payments-dev", "search", "checkout", "ml-training", "edge", "infra"];
    let levels = ["read", "write", "read", "scale"];
    let base = s.policies.len();
    let mut policy_names = Vec::with_capacity(policies);
    for i in 0..policies {
        let ns = namespaces[i % namespaces.len()];
        let level = levels[(i / namespaces.len()) % levels.len()];
        let name = format!("scale-{ns}-{level}-{:05}", base + i);
        let rules = format!("namespace \"{ns}\" {{\n  policy = \"{level}\"\n}}\n");
        put_policy(s, &name, &format!("Generated policy #{i} ({level} on {ns})"), &rules, now);
        policy_names.push(name);
    }
    let mut role_ids = Vec::with_capacity(roles);
    let base = s.roles.len();
    for i in 0..roles {
        let mut links: Vec<String> = Vec::new();
        if !policy_names.is_empty() {
            for k in 0..(1 + i % 3) {
                let p = &policy_names[(i * 7 + k * 13) % policy_names.len()];
                if !links.contains(p) {
                    links.push(p.clone());
                }
            }
        } else if let Some(p) = s.policies.keys().next().cloned() {
            links.push(p);
        } else {
            continue;
        }
        let name = format!("scale-role-{:05}", base + i);
        role_ids.push(put_role(s, &name, &format!("Generated role #{i}"), &links));
    }
    let teams = ["payments", "search", "checkout", "platform", "data", "mobile", "growth", "sre"];
    for i in 0..tokens {
        let team = teams[i % teams.len()];
        let management = i % 50 == 0;
        let mut pols = Vec::new();
        let mut rls = Vec::new();
        if !management {
            if !policy_names.is_empty() {
                pols.push(policy_names[i % policy_names.len()].clone());
                if i % 4 == 0 {
                    pols.push(policy_names[(i * 31 + 5) % policy_names.len()].clone());
                }
            }
            if !role_ids.is_empty() && (i % 3 == 0 || pols.is_empty()) {
                rls.push(role_ids[i % role_ids.len()].clone());
            }
            if pols.is_empty() && rls.is_empty() {
                pols.push("ns-default-read".into());
            }
            pols.dedup();
        }
        let age = ((i as i64 * 7919) % (90 * 24)) * HOUR + (i as i64 % 60) * MINUTE;
        let create_time = add_nanos(now, -age);
        let (expiration_time, ttl) = match i % 10 {
            0..=5 => (None, 0),
            6 | 7 => (Some(add_nanos(now, ((i as i64 % 23) + 1) * HOUR)), 24 * HOUR),
            8 => (Some(add_nanos(now, ((i as i64 % 50) + 5) * MINUTE)), HOUR),
            _ => (Some(add_nanos(now, -((i as i64 % 50) + 1) * MINUTE)), 0),
        };
        put_token(
            s,
            &format!("{team}-svc-{:06}", i),
            management,
            i % 2 == 0,
            pols,
            rls,
            create_time,
            expiration_time,
            ttl,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_shape() {
        let mut s = State::new();
        let secret = seed_demo_state(&mut s, now_utc());
        assert!(s.policies.len() >= 8);
        assert!(s.policies.contains_key("anonymous"));
        assert_eq!(s.roles.len(), 4);
        assert_eq!(s.tokens.len(), 25);
        assert_eq!(s.auth_methods.len(), 1);
        assert_eq!(s.binding_rules.len(), 2);
        assert_eq!(s.namespaces.len(), DEMO_NAMESPACES.len() + 1, "the demo namespaces and default");
        let boot = s.token_by_secret(secret.expose()).unwrap();
        assert_eq!(boot.name, "Bootstrap Token");
        let now = now_utc();
        assert!(s.tokens.values().any(|t| t.is_expired_at(now)));
        assert!(s.tokens.values().any(|t| !t.global));
        assert!(s.tokens.values().any(|t| t.policies().iter().any(|p| !s.policies.contains_key(p))));
        for r in s.binding_rules.values() {
            assert!(r.validate().is_empty(), "{r:?}");
        }
        for r in s.roles.values() {
            assert!(r.validate().is_empty());
        }
        for m in s.auth_methods.values() {
            let errs = m.validate(MINUTE, DAY);
            assert!(errs.is_empty(), "{errs:?}");
        }
        for t in s.tokens.values() {
            let mut t = t.clone();
            // creation-time validation minus expiry bounds (some are expired on purpose)
            t.expiration_time = None;
            t.expiration_ttl = GoDuration::ZERO;
            let errs = t.validate(MINUTE, DAY, None);
            assert!(errs.is_empty(), "{}: {errs:?}", t.name);
        }
        s.check().unwrap();
    }

    #[test]
    fn demo_policies_validate() {
        for (name, description, rules) in DEMO_POLICIES {
            let p = AclPolicy {
                name: (*name).into(),
                description: (*description).into(),
                rules: (*rules).into(),
                ..Default::default()
            };
            let errs = &p.validate();
            assert!(errs.is_empty(), "{name}: {errs:?}");
        }
    }

    /// The demo namespaces meet the policies' rules as `DEMO_NAMESPACES` says.
    #[test]
    fn demo_namespaces_meet_the_policies_as_described() {
        let mut s = State::default();
        seed_demo_state(&mut s, now_utc());
        let only = |policy: &str| {
            let token = AclToken { policies: Some(vec![policy.into()]), ..Default::default() };
            s.permissions(&token)
        };
        let payments = only("team-payments-dev");
        let rule = |ns: &str| payments.matching_namespace(ns).map(|(pattern, _)| pattern.to_string());
        assert_eq!(rule("payments").as_deref(), Some("payments"));
        assert_eq!(rule("payments-dev").as_deref(), Some("payments-dev"));
        assert_eq!(rule("search-dev").as_deref(), Some("*-dev"));
        assert_eq!(rule("archive"), None);
        assert!(payments.allow_namespace_operation("payments-dev", "submit-job"));
        assert!(!payments.allow_namespace_operation("search-dev", "submit-job"));
        let storage = only("host-volume-ops");
        assert!(storage.allow_namespace("storage") && !storage.allow_namespace("default"));
        // `archive` is reached only by the all-namespaces rules.
        let named: Vec<&str> = DEMO_POLICIES
            .iter()
            .filter(|(name, _, _)| only(name).matching_namespace("archive").is_some_and(|(pattern, _)| pattern != "*"))
            .map(|(name, _, _)| *name)
            .collect();
        assert!(named.is_empty(), "{named:?}");
        for ns in s.namespaces.values() {
            assert!(ns.validate().is_empty(), "{}", ns.name);
        }
    }

    #[test]
    fn scale_seed() {
        let mut s = State::default();
        seed_scale_state(&mut s, 1000, 40, 15, now_utc());
        assert_eq!(s.tokens.len(), 1000);
        assert_eq!(s.policies.len(), 40);
        assert_eq!(s.roles.len(), 15);
        s.check().unwrap();
        let mut s2 = State::default();
        seed_scale_state(&mut s2, 10, 0, 0, now_utc());
        assert_eq!(s2.tokens.len(), 10);
    }
}
