//! Nomad's ACL policy language: parsing with Nomad's exact error texts,
//! the capability tables, `RulesJSON`, and the merge of several policies into the
//! effective permissions of a token (`acl.NewACL`).
//!
//! * [`parse`] is `acl.Parse(rules, PolicyParseStrict)` (policy writes);
//!   [`parse_lenient`] is the lenient mode Nomad uses when compiling a token's ACL.
//! * [`Policy`] serializes to and from Nomad's `RulesJSON` shape.
//! * [`merge`] builds [`EffectivePermissions`], which answers `allow_*` questions the way
//!   Nomad's `ACL` does and remembers which policy granted or denied each right.
//!
//! HCL1 and its JSON mode are parsed by a port of hashicorp/hcl v1 (`hcl1.rs`,
//! `decode.rs`) rather than hcl-rs, whose HCL2 grammar rejects valid HCL1 (see the
//! module docs there). Pure Rust with serde only: compiles to wasm for inline validation.

mod decode;
mod hcl1;
mod merge;
pub mod question;
mod render;
pub mod resolve;
mod tables;

#[cfg(test)]
mod tests;

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

pub use merge::{
    merge, namespace_matches, CapabilitySet, Contribution, Disposition, EffectivePermissions, VariablePathKey,
};
pub use tables::*;

use decode::{RawBlock, RawNamed, RawNamespace, RawPolicy};
use hcl1::Fault;

// ---------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------

/// What kind of problem a [`PolicyError`] reports (for editor styling; the text is what
/// matters for Nomad compatibility).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyErrorKind {
    /// `Failed to parse ACL Policy: ...` (HCL/JSON syntax, decoding, or a recovered panic).
    Syntax,
    /// `Invalid policy: <rules>`: nothing recognisable in the rules.
    Empty,
    /// A namespace, node pool or host volume label that fails its name pattern.
    InvalidName,
    /// A `policy =` value that the block does not accept.
    InvalidDisposition,
    /// A capability that the block does not accept.
    InvalidCapability,
    /// A malformed `variables` block.
    InvalidVariables,
    /// `Invalid or duplicate policy keys: ...` (strict mode only).
    UnknownKeys,
}

/// A rules parse error. `Display` prints exactly Nomad's text, i.e. what follows
/// `failed to parse rules: ` in the HTTP 400 body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyError {
    pub kind: PolicyErrorKind,
    pub message: String,
    /// 1-based line of the offending token or block, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
}

impl PolicyError {
    fn new(kind: PolicyErrorKind, message: String, loc: hcl1::Loc) -> Self {
        PolicyError { kind, message, line: loc.map(|l| l.0), column: loc.map(|l| l.1) }
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for PolicyError {}

// ---------------------------------------------------------------------------------------
// Policy (RulesJSON shape)
// ---------------------------------------------------------------------------------------

/// A parsed policy: Nomad's `acl.Policy`, serialized as `RulesJSON`.
///
/// Capabilities hold the expanded lists exactly as Nomad stores them: explicit
/// capabilities first, then the `policy =` expansion, then implied ones (duplicates
/// possible). Empty lists serialize as `null`, like Go's nil slices.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    #[serde(rename = "Namespaces", with = "null_vec", default)]
    pub namespaces: Vec<NamespacePolicy>,
    #[serde(rename = "NodePools", with = "null_vec", default)]
    pub node_pools: Vec<NodePoolPolicy>,
    #[serde(rename = "HostVolumes", with = "null_vec", default)]
    pub host_volumes: Vec<HostVolumePolicy>,
    #[serde(rename = "Agent", default)]
    pub agent: Option<AgentPolicy>,
    #[serde(rename = "Node", default)]
    pub node: Option<NodePolicy>,
    #[serde(rename = "Operator", default)]
    pub operator: Option<OperatorPolicy>,
    #[serde(rename = "Sentinel", default)]
    pub sentinel: Option<SentinelPolicy>,
    #[serde(rename = "Quota", default)]
    pub quota: Option<QuotaPolicy>,
    #[serde(rename = "Plugin", default)]
    pub plugin: Option<PluginPolicy>,
    /// The rules text as submitted.
    #[serde(rename = "Raw", default, deserialize_with = "null_default")]
    pub raw: String,
    /// Go's `ExtraKeysHCL`: always `None` (`null`) after parsing; kept for the shape.
    #[serde(rename = "ExtraKeysHCL", default)]
    pub extra_keys_hcl: Option<Vec<String>>,
}

/// `namespace "<glob>" { ... }`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespacePolicy {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Policy", default, deserialize_with = "null_default")]
    pub policy: String,
    #[serde(rename = "Capabilities", with = "null_vec", default)]
    pub capabilities: Vec<String>,
    #[serde(rename = "Variables", default)]
    pub variables: Option<VariablesPolicy>,
}

/// `variables { path "..." { ... } }` inside a namespace.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariablesPolicy {
    #[serde(rename = "Paths", with = "null_vec", default)]
    pub paths: Vec<VariablesPathPolicy>,
}

/// `path "<glob>" { capabilities = [...] }`
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariablesPathPolicy {
    #[serde(rename = "PathSpec", default, deserialize_with = "null_default")]
    pub path_spec: String,
    #[serde(rename = "Capabilities", with = "null_vec", default)]
    pub capabilities: Vec<String>,
}

/// A labelled block with capabilities: `node_pool` and `host_volume`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LabeledPolicy {
    #[serde(rename = "Name", default, deserialize_with = "null_default")]
    pub name: String,
    #[serde(rename = "Policy", default, deserialize_with = "null_default")]
    pub policy: String,
    #[serde(rename = "Capabilities", with = "null_vec", default)]
    pub capabilities: Vec<String>,
}

/// `node_pool "<glob>" { ... }`
pub type NodePoolPolicy = LabeledPolicy;
/// `host_volume "<glob>" { ... }`
pub type HostVolumePolicy = LabeledPolicy;

/// A singleton block with only a disposition: `agent`, `node`, `quota`, `plugin`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockPolicy {
    #[serde(rename = "Policy", default, deserialize_with = "null_default")]
    pub policy: String,
}

pub type AgentPolicy = BlockPolicy;
pub type NodePolicy = BlockPolicy;
pub type QuotaPolicy = BlockPolicy;
pub type PluginPolicy = BlockPolicy;

/// A singleton block with a disposition and capabilities: `operator`, `sentinel`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilityBlockPolicy {
    #[serde(rename = "Policy", default, deserialize_with = "null_default")]
    pub policy: String,
    #[serde(rename = "Capabilities", with = "null_vec", default)]
    pub capabilities: Vec<String>,
}

pub type OperatorPolicy = CapabilityBlockPolicy;
pub type SentinelPolicy = CapabilityBlockPolicy;

impl Policy {
    /// True when no block is present (Go `IsEmpty`), e.g. the result of parsing `""`.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
            && self.node_pools.is_empty()
            && self.host_volumes.is_empty()
            && self.agent.is_none()
            && self.node.is_none()
            && self.operator.is_none()
            && self.sentinel.is_none()
            && self.quota.is_none()
            && self.plugin.is_none()
    }

    /// Renders the policy as HCL rules that parse back to the same permissions
    /// (capabilities covered by `policy =` or implied by another one are left out).
    pub fn to_hcl(&self) -> String {
        render::to_hcl(self)
    }

    /// Renders the policy as rules in HCL's JSON syntax (list form, so HCL1's JSON
    /// flattening cannot misread it), parsing back to the same permissions.
    pub fn to_rules_json(&self) -> String {
        render::to_rules_json(self)
    }
}

mod null_vec {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
        if v.is_empty() {
            s.serialize_none()
        } else {
            v.serialize(s)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

fn null_default<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(d: D) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

// ---------------------------------------------------------------------------------------
// Parsing and validation (acl.Parse)
// ---------------------------------------------------------------------------------------

/// Parses rules the way Nomad does when a policy is written (`acl.Parse` in strict mode).
///
/// `""` gives an empty policy (Nomad's fast path); whitespace-only rules are rejected
/// with `Invalid policy: <rules>`. The error's `Display` is Nomad's exact text.
pub fn parse(rules: &str) -> Result<Policy, PolicyError> {
    parse_mode(rules, true)
}

/// Nomad's lenient mode (token resolution): unknown and duplicate top-level keys are
/// ignored, everything else is checked as in [`parse`].
pub fn parse_lenient(rules: &str) -> Result<Policy, PolicyError> {
    parse_mode(rules, false)
}

fn parse_mode(rules: &str, strict: bool) -> Result<Policy, PolicyError> {
    if rules.is_empty() {
        return Ok(Policy::default());
    }
    let raw = decode::hcl_decode(rules).map_err(|f| {
        let (text, loc) = match f {
            Fault::Error { text, loc } => (text, loc),
            Fault::Panic(p) => (format!("invalid acl policy: {p}"), None),
        };
        PolicyError::new(PolicyErrorKind::Syntax, format!("Failed to parse ACL Policy: {text}"), loc)
    })?;
    validate(raw, rules, strict)
}

/// Go `%#v` (and `%q`) of a string: `strconv.Quote`.
pub(crate) fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// Approximates Go's `strconv.IsPrint` (letters, marks, numbers, punctuation, symbols,
/// and the ASCII space).
fn go_printable(c: char) -> bool {
    let u = c as u32;
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || u == 0xAD
        || (0x200B..=0x200F).contains(&u)
        || (0x202A..=0x202E).contains(&u)
        || (0x2060..=0x206F).contains(&u)
        || u == 0xFEFF
        || (0xFFF9..=0xFFFB).contains(&u)
        || (0xE000..=0xF8FF).contains(&u)
        || u >= 0xF0000)
}

/// Go `%#v` of a `[]string`.
fn go_strings(v: &Option<Vec<String>>) -> String {
    match v {
        None => "[]string(nil)".into(),
        Some(v) => {
            let inner: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
            format!("[]string{{{}}}", inner.join(", "))
        }
    }
}

/// Go prints a pointer's address here; any fixed value will do (doubles match on the
/// text before `: &acl.`).
const FAKE_POINTER: &str = "0xc000010018";

fn go_namespace(ns: &RawNamespace) -> String {
    let vars = match ns.variables {
        None => "(*acl.VariablesPolicy)(nil)".to_string(),
        Some(_) => format!("(*acl.VariablesPolicy)({FAKE_POINTER})"),
    };
    format!(
        "&acl.NamespacePolicy{{Name:{}, Policy:{}, Capabilities:{}, Variables:{}}}",
        go_quote(&ns.name),
        go_quote(&ns.policy),
        go_strings(&ns.caps),
        vars
    )
}

fn go_host_volume(hv: &RawNamed) -> String {
    format!(
        "&acl.HostVolumePolicy{{Name:{}, Policy:{}, Capabilities:{}}}",
        go_quote(&hv.name),
        go_quote(&hv.policy),
        go_strings(&hv.caps)
    )
}

fn go_block(type_name: &str, b: &RawBlock, with_caps: bool) -> String {
    if with_caps {
        format!("&acl.{type_name}{{Policy:{}, Capabilities:{}}}", go_quote(&b.policy), go_strings(&b.caps))
    } else {
        format!("&acl.{type_name}{{Policy:{}}}", go_quote(&b.policy))
    }
}

fn append(caps: &mut Option<Vec<String>>, extra: &[&str]) {
    // Go's append to a nil slice of nothing stays nil.
    if !extra.is_empty() {
        caps.get_or_insert_with(Vec::new).extend(extra.iter().map(|s| s.to_string()));
    }
}

/// The validation half of `acl.Parse` (in Nomad's order: namespaces, node pools,
/// host volumes, extra keys, agent, node, operator, sentinel, quota, plugin).
fn validate(mut p: RawPolicy, rules: &str, strict: bool) -> Result<Policy, PolicyError> {
    use PolicyErrorKind as K;
    let err = |kind, msg: String, loc| Err(PolicyError::new(kind, msg, loc));

    let is_empty = p.namespaces.as_ref().is_none_or(Vec::is_empty)
        && p.node_pools.as_ref().is_none_or(Vec::is_empty)
        && p.host_volumes.as_ref().is_none_or(Vec::is_empty)
        && p.agent.is_none()
        && p.node.is_none()
        && p.operator.is_none()
        && p.sentinel.is_none()
        && p.quota.is_none()
        && p.plugin.is_none();
    if is_empty {
        return err(K::Empty, format!("Invalid policy: {rules}"), None);
    }

    let mut extra = std::mem::take(&mut p.extra_keys);
    let remove_extra = |extra: &mut Vec<String>, key: &str| {
        if let Some(i) = extra.iter().position(|k| k == key) {
            extra.remove(i);
        }
    };

    for ns in p.namespaces.iter_mut().flatten() {
        if !valid_label(&ns.name, false) {
            return err(K::InvalidName, format!("Invalid namespace name: {}", go_namespace(ns)), ns.loc);
        }
        if !ns.policy.is_empty() && !is_policy_valid(&ns.policy) {
            return err(K::InvalidDisposition, format!("Invalid namespace policy: {}", go_namespace(ns)), ns.loc);
        }
        if let Some(bad) = ns.caps.iter().flatten().find(|c| !NAMESPACE_CAPABILITIES.contains(&c.as_str())) {
            return err(
                K::InvalidCapability,
                format!("Invalid namespace capability '{bad}': {}", go_namespace(ns)),
                ns.loc,
            );
        }
        if !ns.policy.is_empty() {
            append(&mut ns.caps, expand_namespace_policy(&ns.policy));
        }
        let implied: Vec<&str> =
            ns.caps.iter().flatten().flat_map(|c| implied_namespace_capabilities(c).iter().copied()).collect();
        append(&mut ns.caps, &implied);

        if let Some(vars) = &mut ns.variables {
            let paths = vars.paths.as_deref_mut().unwrap_or_default();
            if paths.is_empty() {
                return err(
                    K::InvalidVariables,
                    format!("Invalid variable policy: no variable paths in namespace {}", ns.name),
                    vars.loc.or(ns.loc),
                );
            }
            for path in paths.iter_mut() {
                if path.path_spec.is_empty() {
                    return err(
                        K::InvalidVariables,
                        format!("Invalid missing variable path in namespace {}", ns.name),
                        path.loc.or(ns.loc),
                    );
                }
                if path.path_spec.starts_with('/') {
                    return err(
                        K::InvalidVariables,
                        format!(
                            "Invalid variable path {} in namespace {}: cannot start with a leading '/'`",
                            go_quote(&path.path_spec),
                            ns.name
                        ),
                        path.loc.or(ns.loc),
                    );
                }
                if let Some(bad) = path.caps.iter().flatten().find(|c| !VARIABLE_CAPABILITIES.contains(&c.as_str())) {
                    return err(
                        K::InvalidCapability,
                        format!("Invalid variable capability '{bad}' in namespace {}", ns.name),
                        path.loc.or(ns.loc),
                    );
                }
                if let Some(caps) = &path.caps {
                    path.caps = Some(expand_variable_capabilities(caps));
                }
            }
        }
        remove_extra(&mut extra, &ns.name);
    }

    for np in p.node_pools.iter_mut().flatten() {
        if !valid_label(&np.name, true) {
            return err(K::InvalidName, format!("Invalid node pool name '{}'", np.name), np.loc);
        }
        if !np.policy.is_empty() && !is_policy_valid(&np.policy) {
            return err(
                K::InvalidDisposition,
                format!("Invalid node pool policy '{}' for '{}'", np.policy, np.name),
                np.loc,
            );
        }
        if let Some(bad) = np.caps.iter().flatten().find(|c| !NODE_POOL_CAPABILITIES.contains(&c.as_str())) {
            return err(
                K::InvalidCapability,
                format!("Invalid node pool capability '{bad}' for '{}'", np.name),
                np.loc,
            );
        }
        if !np.policy.is_empty() {
            append(&mut np.caps, expand_node_pool_policy(&np.policy));
        }
        remove_extra(&mut extra, &np.name);
    }

    for hv in p.host_volumes.iter_mut().flatten() {
        if !valid_label(&hv.name, false) {
            return err(K::InvalidName, format!("Invalid host volume name: {}", go_host_volume(hv)), hv.loc);
        }
        if !hv.policy.is_empty() && !is_policy_valid(&hv.policy) {
            return err(K::InvalidDisposition, format!("Invalid host volume policy: {}", go_host_volume(hv)), hv.loc);
        }
        if let Some(bad) = hv.caps.iter().flatten().find(|c| !HOST_VOLUME_CAPABILITIES.contains(&c.as_str())) {
            return err(
                K::InvalidCapability,
                format!("Invalid host volume capability '{bad}': {}", go_host_volume(hv)),
                hv.loc,
            );
        }
        if !hv.policy.is_empty() {
            append(&mut hv.caps, expand_host_volume_policy(&hv.policy));
        }
        remove_extra(&mut extra, &hv.name);
    }

    if strict && !extra.is_empty() {
        // Point at the last top-level item carrying the first offending key: for a
        // repeated block that is the repetition, for an unknown key the key itself.
        let loc = p.key_locs.iter().rev().find(|(k, _)| *k == extra[0]).and_then(|(_, l)| *l);
        return err(K::UnknownKeys, format!("Invalid or duplicate policy keys: {}", extra.join(", ")), loc);
    }

    for (block, name) in [(&p.agent, "agent"), (&p.node, "node")] {
        if let Some(b) = block {
            if !is_policy_valid(&b.policy) {
                let tn = if name == "agent" { "AgentPolicy" } else { "NodePolicy" };
                return err(K::InvalidDisposition, format!("Invalid {name} policy: {}", go_block(tn, b, false)), b.loc);
            }
        }
    }

    for (block, name, tn, valid, expand) in [
        (
            &mut p.operator,
            "operator",
            "OperatorPolicy",
            OPERATOR_CAPABILITIES,
            expand_operator_policy as fn(&str) -> &'static [&'static str],
        ),
        (&mut p.sentinel, "sentinel", "SentinelPolicy", SENTINEL_CAPABILITIES, expand_sentinel_policy),
    ] {
        if let Some(b) = block {
            if !b.policy.is_empty() && !is_policy_valid(&b.policy) {
                return err(K::InvalidDisposition, format!("Invalid {name} policy: {}", go_block(tn, b, true)), b.loc);
            }
            if let Some(bad) = b.caps.iter().flatten().find(|c| !valid.contains(&c.as_str())) {
                return err(K::InvalidCapability, format!("Invalid {name} capability '{bad}'"), b.loc);
            }
            if !b.policy.is_empty() {
                let policy = b.policy.clone();
                append(&mut b.caps, expand(&policy));
            }
        }
    }

    if let Some(b) = &p.quota {
        if !is_policy_valid(&b.policy) {
            return err(
                K::InvalidDisposition,
                format!("Invalid quota policy: {}", go_block("QuotaPolicy", b, false)),
                b.loc,
            );
        }
    }
    if let Some(b) = &p.plugin {
        if !PLUGIN_DISPOSITIONS.contains(&b.policy.as_str()) {
            return err(
                K::InvalidDisposition,
                format!("Invalid plugin policy: {}", go_block("PluginPolicy", b, false)),
                b.loc,
            );
        }
    }

    Ok(into_policy(p, rules))
}

fn into_policy(p: RawPolicy, rules: &str) -> Policy {
    let labeled = |v: Option<Vec<RawNamed>>| -> Vec<LabeledPolicy> {
        v.unwrap_or_default()
            .into_iter()
            .map(|n| LabeledPolicy { name: n.name, policy: n.policy, capabilities: n.caps.unwrap_or_default() })
            .collect()
    };
    let block = |b: Option<RawBlock>| b.map(|b| BlockPolicy { policy: b.policy });
    let cap_block = |b: Option<RawBlock>| {
        b.map(|b| CapabilityBlockPolicy { policy: b.policy, capabilities: b.caps.unwrap_or_default() })
    };
    Policy {
        namespaces: p
            .namespaces
            .unwrap_or_default()
            .into_iter()
            .map(|ns| NamespacePolicy {
                name: ns.name,
                policy: ns.policy,
                capabilities: ns.caps.unwrap_or_default(),
                variables: ns.variables.map(|v| VariablesPolicy {
                    paths: v
                        .paths
                        .unwrap_or_default()
                        .into_iter()
                        .map(|p| VariablesPathPolicy {
                            path_spec: p.path_spec,
                            capabilities: p.caps.unwrap_or_default(),
                        })
                        .collect(),
                }),
            })
            .collect(),
        node_pools: labeled(p.node_pools),
        host_volumes: labeled(p.host_volumes),
        agent: block(p.agent),
        node: block(p.node),
        operator: cap_block(p.operator),
        sentinel: cap_block(p.sentinel),
        quota: block(p.quota),
        plugin: block(p.plugin),
        raw: rules.to_string(),
        extra_keys_hcl: None,
    }
}
