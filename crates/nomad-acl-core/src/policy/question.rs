//! "Can this token do X (in namespace Y, on variables path Z)?": one right asked of
//! compiled permissions, answered the way Nomad's `Allow*` checks answer it, with the
//! rule that decided (the namespace pattern, the variables path, or the block).

use serde::{Deserialize, Serialize};

use super::tables::{NAMESPACE_CAPABILITIES, POLICY_DENY, POLICY_LIST, POLICY_READ, POLICY_WRITE};
use super::EffectivePermissions;

/// A right one can ask about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Right {
    /// A namespace capability (`submit-job`, `alloc-exec`, ...).
    Namespace(String),
    /// A variables capability (`read`, `write`, `list`, `destroy`) on a path.
    Variables(String),
    /// `agent`, `node`, `operator`, `quota` or `plugin` with a level (`read`, `write`,
    /// `list` for plugins).
    Block(String, String),
}

/// Singleton blocks and the levels one can ask about.
pub const BLOCK_RIGHTS: &[(&str, &[&str])] = &[
    ("node", &["read", "write"]),
    ("agent", &["read", "write"]),
    ("operator", &["read", "write"]),
    ("quota", &["read", "write"]),
    ("plugin", &["list", "read"]),
];

/// Variables capabilities one can ask about.
pub const VARIABLE_RIGHTS: &[&str] = &["read", "write", "list", "destroy"];

impl Right {
    /// Reads the form value: `submit-job`, `node:write`, `variables:write`.
    pub fn parse(s: &str) -> Option<Right> {
        let s = s.trim();
        if let Some(cap) = s.strip_prefix("variables:") {
            return VARIABLE_RIGHTS.contains(&cap).then(|| Right::Variables(cap.to_string()));
        }
        if let Some((block, level)) = s.split_once(':') {
            let ok = BLOCK_RIGHTS.iter().any(|(b, levels)| *b == block && levels.contains(&level));
            return ok.then(|| Right::Block(block.to_string(), level.to_string()));
        }
        (NAMESPACE_CAPABILITIES.contains(&s) && s != POLICY_DENY).then(|| Right::Namespace(s.to_string()))
    }

    /// The form value (inverse of [`Right::parse`]).
    pub fn key(&self) -> String {
        match self {
            Right::Namespace(c) => c.clone(),
            Right::Variables(c) => format!("variables:{c}"),
            Right::Block(b, l) => format!("{b}:{l}"),
        }
    }

    /// Whether the answer depends on a namespace.
    pub fn uses_namespace(&self) -> bool {
        !matches!(self, Right::Block(..))
    }

    pub fn uses_path(&self) -> bool {
        matches!(self, Right::Variables(_))
    }

    /// Every right, as (group label, form values) for a picker.
    pub fn choices() -> Vec<(&'static str, Vec<String>)> {
        let ns = NAMESPACE_CAPABILITIES.iter().filter(|c| **c != POLICY_DENY).map(|c| c.to_string()).collect();
        let vars = VARIABLE_RIGHTS.iter().map(|c| format!("variables:{c}")).collect();
        let blocks = BLOCK_RIGHTS.iter().flat_map(|(b, ls)| ls.iter().map(move |l| format!("{b}:{l}"))).collect();
        vec![("Namespace capabilities", ns), ("Variables (on a path)", vars), ("Cluster-wide rights", blocks)]
    }
}

/// The answer, with the rule that decided it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    pub allowed: bool,
    /// Refused by an explicit `deny`.
    pub denied: bool,
    /// The deciding rule: `namespace "prod-*"`, `variables "default" path "app/*"`,
    /// `node`, or `management token`. `None`: no rule applies.
    pub rule: Option<String>,
    /// The policies of that rule that decided (granted, or denied).
    pub policies: Vec<String>,
    /// One sentence for people.
    pub explanation: String,
}

/// Answers `right` for `namespace` (and variables `path`).
pub fn decide(acl: &EffectivePermissions, right: &Right, namespace: &str, path: &str) -> Decision {
    if acl.management {
        return Decision {
            allowed: true,
            rule: Some("management token".to_string()),
            explanation: "A management token has every permission.".to_string(),
            ..Default::default()
        };
    }
    match right {
        Right::Namespace(cap) => decide_namespace(acl, cap, namespace),
        Right::Variables(cap) => decide_variables(acl, cap, namespace, path),
        Right::Block(block, level) => decide_block(acl, block, level),
    }
}

fn decide_namespace(acl: &EffectivePermissions, cap: &str, namespace: &str) -> Decision {
    // Nomad: for namespace "*", any namespace rule granting the capability is enough.
    if namespace == "*" {
        let any = acl.namespaces.iter().chain(acl.wildcard_namespaces.iter()).find(|(_, c)| c.contains(cap));
        if let Some((pattern, set)) = any {
            return Decision {
                allowed: true,
                rule: Some(format!("namespace \"{pattern}\"")),
                policies: set.granted_by(cap).to_vec(),
                explanation: format!(
                    "For all namespaces (\"*\"), one rule granting {cap} is enough: namespace \"{pattern}\"."
                ),
                ..Default::default()
            };
        }
    }
    let Some((pattern, set)) = acl.matching_namespace(namespace) else {
        return Decision {
            explanation: format!("No namespace rule matches \"{namespace}\": nothing is granted there."),
            ..Default::default()
        };
    };
    let how = if pattern == namespace {
        "the exact rule".to_string()
    } else {
        format!("the most specific matching pattern \"{pattern}\"")
    };
    let rule = Some(format!("namespace \"{pattern}\""));
    by_rule(
        set,
        cap,
        rule,
        [
            format!("Denied: {how} denies namespace \"{namespace}\", and deny wins."),
            format!("Allowed by {how}, which grants {cap}."),
            format!("Not allowed: {how} applies and does not grant {cap}."),
        ],
    )
}

/// The decision of the rule that applies: deny wins, then the capability is granted or not.
/// `texts` explain each outcome: denied, allowed, not granted.
fn by_rule(set: &super::merge::CapabilitySet, cap: &str, rule: Option<String>, texts: [String; 3]) -> Decision {
    let [denied, allowed, missing] = texts;
    if set.is_denied() {
        return Decision {
            denied: true,
            rule,
            policies: set.granted_by(POLICY_DENY).to_vec(),
            explanation: denied,
            ..Default::default()
        };
    }
    if set.contains(cap) {
        Decision {
            allowed: true,
            rule,
            policies: set.granted_by(cap).to_vec(),
            explanation: allowed,
            ..Default::default()
        }
    } else {
        Decision { rule, policies: set.sources.clone(), explanation: missing, ..Default::default() }
    }
}

fn decide_variables(acl: &EffectivePermissions, cap: &str, namespace: &str, path: &str) -> Decision {
    let Some((key, set)) = acl.matching_variables(namespace, path) else {
        return Decision {
            explanation: format!("No variables rule matches path \"{path}\" in namespace \"{namespace}\"."),
            ..Default::default()
        };
    };
    let rule = Some(format!("namespace \"{}\" variables path \"{}\"", key.namespace, key.path));
    by_rule(
        set,
        cap,
        rule,
        [
            "Denied: the most specific variables rule denies this path.".to_string(),
            format!("Allowed: the most specific variables rule grants {cap}."),
            format!("Not allowed: the most specific variables rule does not grant {cap}."),
        ],
    )
}

fn decide_block(acl: &EffectivePermissions, block: &str, level: &str) -> Decision {
    let d = match block {
        "node" => &acl.node,
        "agent" => &acl.agent,
        "operator" => &acl.operator,
        "quota" => &acl.quota,
        "plugin" => &acl.plugin,
        _ => return Decision { explanation: format!("Unknown block {block}."), ..Default::default() },
    };
    let effective = d.effective.as_str();
    // The same truth table as the allow_* checks (plugin read is `read` only in Nomad).
    let allowed = match (block, level) {
        ("plugin", "read") => effective == POLICY_READ,
        ("plugin", "list") => matches!(effective, POLICY_LIST | POLICY_READ),
        (_, "write") => effective == POLICY_WRITE,
        (_, "read") => matches!(effective, POLICY_WRITE | POLICY_READ),
        _ => false,
    };
    if d.contributions.is_empty() {
        return Decision {
            explanation: format!("No policy has a {block} block: nothing is granted."),
            ..Default::default()
        };
    }
    let rule = Some(block.to_string());
    let policies: Vec<String> = d.decided_by().into_iter().map(str::to_string).collect();
    let denied = effective == POLICY_DENY;
    let explanation = if denied {
        format!("Denied: a {block} block says deny, and deny wins.")
    } else if allowed {
        format!("Allowed: the {block} block grants {effective}.")
    } else if effective.is_empty() {
        format!("Not allowed: the {block} blocks grant nothing.")
    } else {
        format!("Not allowed: the {block} block grants only {effective}.")
    };
    Decision { allowed, denied, rule, policies, explanation }
}
