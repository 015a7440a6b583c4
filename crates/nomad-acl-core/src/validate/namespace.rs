//! `Namespace.Validate` (`nomad/structs/structs.go`) as the open-source Nomad runs
//! it: the Enterprise-only configurations get the refusals of
//! `nomad/structs/structs_ce.go`. Nomad checks neither the capabilities nor the
//! meta; the quota is refused later, by the state store
//! (`nomad/state/state_store.go` `upsertNamespaceImpl`, with
//! `nomad/state/state_store_ce.go` knowing no quota), see [`quota_problem`].

use serde::{Deserialize, Serialize};

use super::{multierror, Problem};
use crate::models::Namespace;
use crate::policy::go_quote;

/// What a namespace form shows a message next to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Field {
    Name,
    Description,
    Quota,
    Capabilities,
    NodePool,
    Vault,
    Consul,
    Meta,
    /// A text no field owns (permission, transport, an unknown message).
    Other,
}

/// `validNamespaceName`, as Nomad prints it in its refusal.
pub const NAME_PATTERN: &str = "^[a-zA-Z0-9-]{1,128}$";

const NODE_POOL_PREFIX: &str = "invalid node pool configuration: ";
const VAULT_PREFIX: &str = "invalid vault configuration: ";
const CONSUL_PREFIX: &str = "invalid consul configuration: ";
/// `nomad/structs/structs_ce.go`: the open-source refusals of each configuration.
pub const NODE_POOL_UNLICENSED: &str = "Node Pools Governance is unlicensed.";
pub const VAULT_UNLICENSED: &str = "Multi-Cluster Vault is unlicensed.";
pub const CONSUL_UNLICENSED: &str = "Multi-Cluster Consul is unlicensed.";

/// Nomad's namespace name rule: 1 to 128 of ASCII letters, digits and `-`.
pub fn valid_namespace_name(name: &str) -> bool {
    super::valid_name(name)
}

impl Namespace {
    /// Nomad's checks, in Nomad's order, with Nomad's texts.
    pub fn validate(&self) -> Vec<Problem<Field>> {
        let mut problems = Vec::new();
        if !valid_namespace_name(&self.name) {
            problems.push(Problem::new(
                Field::Name,
                format!("invalid name {}. Must match regex {NAME_PATTERN}", go_quote(&self.name)),
            ));
        }
        if let Some(text) = super::description_too_long(&self.description) {
            problems.push(Problem::new(Field::Description, text));
        }
        if self.node_pool_configuration.is_some() {
            problems.push(Problem::new(Field::NodePool, format!("{NODE_POOL_PREFIX}{NODE_POOL_UNLICENSED}")));
        }
        if self.vault_configuration.is_some() {
            problems.push(Problem::new(Field::Vault, format!("{VAULT_PREFIX}{VAULT_UNLICENSED}")));
        }
        if self.consul_configuration.is_some() {
            problems.push(Problem::new(Field::Consul, format!("{CONSUL_PREFIX}{CONSUL_UNLICENSED}")));
        }
        problems
    }

    /// The open-source state store's refusal of a quota (it knows no quota), or
    /// `None` without one. Nomad only reaches it once [`Namespace::validate`] passed.
    pub fn quota_problem(&self) -> Option<Problem<Field>> {
        (!self.quota.is_empty()).then(|| {
            Problem::new(
                Field::Quota,
                format!("namespace {} using non-existent quota {}", go_quote(&self.name), go_quote(&self.quota)),
            )
        })
    }
}

/// Nomad's answer (500) to an upsert whose namespace fails `validate`:
/// `Invalid namespace "<name>": <multierror>` (`nomad/namespace_endpoint.go`).
pub fn invalid(name: &str, problems: &[Problem<Field>]) -> String {
    format!("Invalid namespace {}: {}", go_quote(name), multierror(&super::messages(problems)))
}

/// Where a text from Nomad belongs: one of `validate`'s, the quota refusal, the
/// path mismatch of an upsert; anything else is [`Field::Other`].
pub fn field_of(message: &str) -> Field {
    let bad_name =
        message.starts_with("invalid name ") && message.ends_with(&format!(". Must match regex {NAME_PATTERN}"));
    if bad_name || message == "Namespace name does not match request path" {
        Field::Name
    } else if message.starts_with("description longer than ") {
        Field::Description
    } else if message.starts_with(NODE_POOL_PREFIX) {
        Field::NodePool
    } else if message.starts_with(VAULT_PREFIX) {
        Field::Vault
    } else if message.starts_with(CONSUL_PREFIX) {
        Field::Consul
    } else if message.starts_with("namespace ") && message.contains(" using non-existent quota ") {
        Field::Quota
    } else {
        Field::Other
    }
}

/// The problems in an upsert's refusal from Nomad: the items of an
/// `Invalid namespace "<name>": <multierror>` answer, or the whole text as one
/// problem, each placed by [`field_of`].
pub fn problems_in(answer: &str) -> Vec<Problem<Field>> {
    let items: Vec<&str> = match answer.strip_prefix("Invalid namespace \"").and_then(skip_quoted) {
        Some(list) => list.split("\n\t* ").skip(1).map(|item| item.trim_end_matches('\n')).collect(),
        None => vec![answer],
    };
    items.into_iter().map(|m| Problem::new(field_of(m), m)).collect()
}

/// After the opening quote of a Go-quoted string: what follows `": `.
fn skip_quoted(rest: &str) -> Option<&str> {
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => return rest[i + 1..].strip_prefix(": "),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::MAX_DESCRIPTION;
    use super::*;
    use crate::models::{NamespaceClusterConfiguration, NamespaceNodePoolConfiguration};
    use proptest::prelude::*;

    fn named(name: &str) -> Namespace {
        Namespace { name: name.into(), ..Default::default() }
    }

    #[test]
    fn a_plain_namespace_passes() {
        assert!(named("payments-dev").validate().is_empty());
        assert!(named(&"a".repeat(128)).validate().is_empty());
    }

    #[test]
    fn every_check_in_nomads_order_with_nomads_texts() {
        let ns = Namespace {
            name: "a b\n\"x\"".into(),
            description: "d".repeat(MAX_DESCRIPTION + 1),
            node_pool_configuration: Some(NamespaceNodePoolConfiguration::default()),
            vault_configuration: Some(NamespaceClusterConfiguration::default()),
            consul_configuration: Some(NamespaceClusterConfiguration::default()),
            ..Default::default()
        };
        let problems = ns.validate();
        let fields: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, [Field::Name, Field::Description, Field::NodePool, Field::Vault, Field::Consul]);
        assert_eq!(
            super::super::messages(&problems),
            [
                r#"invalid name "a b\n\"x\"". Must match regex ^[a-zA-Z0-9-]{1,128}$"#,
                "description longer than 256",
                "invalid node pool configuration: Node Pools Governance is unlicensed.",
                "invalid vault configuration: Multi-Cluster Vault is unlicensed.",
                "invalid consul configuration: Multi-Cluster Consul is unlicensed.",
            ]
        );
        assert_eq!(
            invalid(&ns.name, &problems[..1]),
            "Invalid namespace \"a b\\n\\\"x\\\"\": 1 error occurred:\n\t* invalid name \"a b\\n\\\"x\\\"\". Must match regex ^[a-zA-Z0-9-]{1,128}$\n\n"
        );
        assert_eq!(problems_in(&invalid(&ns.name, &problems)), problems);
    }

    #[test]
    fn names_and_descriptions_at_their_limits() {
        assert_eq!(named("").validate()[0].message, r#"invalid name "". Must match regex ^[a-zA-Z0-9-]{1,128}$"#);
        assert_eq!(named(&"a".repeat(129)).validate().len(), 1);
        assert_eq!(named("é").validate()[0].message, r#"invalid name "é". Must match regex ^[a-zA-Z0-9-]{1,128}$"#);
        assert_eq!(named("a_b").validate()[0].field, Field::Name);
        let at_limit = Namespace { description: "é".repeat(128), ..named("a") };
        assert!(at_limit.validate().is_empty(), "256 bytes is allowed");
        let over = Namespace { description: format!("{}x", "é".repeat(128)), ..named("a") };
        assert_eq!(over.validate()[0].field, Field::Description);
    }

    #[test]
    fn capabilities_and_meta_are_not_checked() {
        let ns = Namespace {
            capabilities: Some(crate::models::NamespaceCapabilities {
                enabled_task_drivers: Some(vec!["docker".into(), "".into()]),
                disabled_task_drivers: Some(vec!["docker".into()]),
                ..Default::default()
            }),
            meta: Some([("".to_string(), "<b>".to_string())].into()),
            ..named("a")
        };
        assert!(ns.validate().is_empty());
    }

    #[test]
    fn a_quota_is_refused_by_name() {
        assert_eq!(named("a").quota_problem(), None);
        let p = Namespace { quota: "q\"1".into(), ..named("a") }.quota_problem().unwrap();
        assert_eq!(p.message, r#"namespace "a" using non-existent quota "q\"1""#);
        assert_eq!(field_of(&p.message), Field::Quota);
    }

    #[test]
    fn other_texts_are_placed() {
        assert_eq!(field_of("Namespace name does not match request path"), Field::Name);
        assert_eq!(field_of("Permission denied"), Field::Other);
        assert_eq!(field_of("invalid name"), Field::Other);
        assert_eq!(problems_in("Permission denied"), [Problem::new(Field::Other, "Permission denied")]);
        assert_eq!(
            problems_in("Invalid namespace \"unterminated"),
            [Problem::new(Field::Other, "Invalid namespace \"unterminated")]
        );
    }

    fn arb_namespace() -> impl Strategy<Value = Namespace> {
        (any::<String>(), "(.|\n){0,300}", any::<String>(), any::<(bool, bool, bool)>()).prop_map(
            |(name, description, quota, (pool, vault, consul))| Namespace {
                name,
                description,
                quota,
                node_pool_configuration: pool.then(Default::default),
                vault_configuration: vault.then(Default::default),
                consul_configuration: consul.then(Default::default),
                ..Default::default()
            },
        )
    }

    proptest! {
        #[test]
        fn validate_never_panics_and_every_text_is_placed_at_its_field(ns in arb_namespace()) {
            let problems = ns.validate();
            for p in problems.iter().chain(ns.quota_problem().iter()) {
                prop_assert_eq!(field_of(&p.message), p.field, "{:?}", p.message);
            }
            if !problems.is_empty() {
                prop_assert_eq!(problems_in(&invalid(&ns.name, &problems)), problems);
            }
        }

        #[test]
        fn placing_any_text_never_panics(text in any::<String>()) {
            let _ = field_of(&text);
            let _ = problems_in(&text);
        }
    }
}
