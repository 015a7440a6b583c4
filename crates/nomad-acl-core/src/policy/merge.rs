//! Merging policies into a token's effective permissions: a port of Nomad's
//! `acl.NewACL` and the `Allow*` lookups, with provenance.
//!
//! * Namespaces, node pools, host volumes: capabilities are unioned per exact label;
//!   `deny` clears the label's set and blocks later additions. Labels with `*` are globs;
//!   an exact label beats any glob; among matching globs the one with the smallest
//!   `len(name) - len(glob) + count("*")` wins, ties resolved like Go's
//!   `sort.SliceStable` with a `<=` comparator over globs in byte order.
//! * Variables: per (namespace, path) the capabilities are unioned (no deny clearing,
//!   as in Nomad); lookups use the same exact-then-closest-glob rule on `ns\0path`.
//! * agent, node, operator, quota, plugin, sentinel: the maximum of
//!   `deny > write > read > list > ""` (`scale` counts as nothing here).
//! * Operator and sentinel capabilities: unioned, `deny` wins.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::tables::{POLICY_DENY, POLICY_LIST, POLICY_READ, POLICY_WRITE};
use super::Policy;

/// A set of capabilities for one label, remembering which policies granted each one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CapabilitySet {
    /// Capability -> names of the policies that granted it (merge order, no repeats).
    /// After a `deny`, this holds only `deny` with the policies that denied.
    pub capabilities: BTreeMap<String, Vec<String>>,
    /// Policies that have a block for this label, whether or not they added anything.
    pub sources: Vec<String>,
}

impl CapabilitySet {
    pub fn contains(&self, capability: &str) -> bool {
        self.capabilities.contains_key(capability)
    }

    /// The label is denied (`deny` won).
    pub fn is_denied(&self) -> bool {
        self.contains(POLICY_DENY)
    }

    pub fn is_empty(&self) -> bool {
        self.capabilities.is_empty()
    }

    /// Policies that granted `capability` (empty if not granted).
    pub fn granted_by(&self, capability: &str) -> &[String] {
        self.capabilities.get(capability).map(Vec::as_slice).unwrap_or(&[])
    }

    /// Capability names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.capabilities.keys().map(String::as_str)
    }

    fn add_source(&mut self, policy: &str) {
        push_unique(&mut self.sources, policy);
    }

    fn set(&mut self, capability: &str, policy: &str) {
        push_unique(self.capabilities.entry(capability.to_string()).or_default(), policy);
    }

    /// Nomad's capability merge for one block: `deny` clears and blocks later additions.
    fn apply(&mut self, caps: &[String], policy: &str) {
        if self.is_denied() {
            // Go skips the block; for provenance, still record a further denial.
            if caps.iter().any(|c| c == POLICY_DENY) {
                self.set(POLICY_DENY, policy);
            }
            return;
        }
        for cap in caps {
            if cap == POLICY_DENY {
                self.capabilities.clear();
                self.set(POLICY_DENY, policy);
                return;
            }
            self.set(cap, policy);
        }
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

/// One policy's `policy =` value for a singleton block.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contribution {
    pub policy: String,
    pub disposition: String,
}

/// The merged disposition of a singleton block (agent, node, operator, ...).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disposition {
    /// `deny`, `write`, `read`, `list` or `""` (nothing granted).
    pub effective: String,
    /// Every policy with this block, in merge order.
    pub contributions: Vec<Contribution>,
}

impl Disposition {
    fn add(&mut self, policy: &str, disposition: &str) {
        self.effective = max_privilege(&self.effective, disposition).to_string();
        self.contributions.push(Contribution { policy: policy.to_string(), disposition: disposition.to_string() });
    }

    /// Policies whose disposition equals the effective one (who decided the outcome).
    pub fn decided_by(&self) -> Vec<&str> {
        self.contributions
            .iter()
            .filter(|c| !self.effective.is_empty() && c.disposition == self.effective)
            .map(|c| c.policy.as_str())
            .collect()
    }
}

/// Go `maxPrivilege`: deny > write > read > list > "".
fn max_privilege<'a>(a: &'a str, b: &'a str) -> &'static str {
    let either = |p: &str| a == p || b == p;
    if either(POLICY_DENY) {
        POLICY_DENY
    } else if either(POLICY_WRITE) {
        POLICY_WRITE
    } else if either(POLICY_READ) {
        POLICY_READ
    } else if either(POLICY_LIST) {
        POLICY_LIST
    } else {
        ""
    }
}

/// Key of a variables rule: Nomad keys them by `namespace + "\x00" + path`; the derived
/// ordering (namespace, then path) is the same byte order because names have no NUL.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct VariablePathKey {
    pub namespace: String,
    pub path: String,
}

impl VariablePathKey {
    fn joined(&self) -> String {
        format!("{}\x00{}", self.namespace, self.path)
    }
}

mod map_as_vec {
    use super::{CapabilitySet, VariablePathKey};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<S: Serializer>(m: &BTreeMap<VariablePathKey, CapabilitySet>, s: S) -> Result<S::Ok, S::Error> {
        m.iter().collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<VariablePathKey, CapabilitySet>, D::Error> {
        Ok(Vec::<(VariablePathKey, CapabilitySet)>::deserialize(d)?.into_iter().collect())
    }
}

/// The compiled permissions of a set of policies (Nomad's `acl.ACL`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EffectivePermissions {
    /// A management token: every check passes.
    pub management: bool,
    pub namespaces: BTreeMap<String, CapabilitySet>,
    pub wildcard_namespaces: BTreeMap<String, CapabilitySet>,
    pub node_pools: BTreeMap<String, CapabilitySet>,
    pub wildcard_node_pools: BTreeMap<String, CapabilitySet>,
    pub host_volumes: BTreeMap<String, CapabilitySet>,
    pub wildcard_host_volumes: BTreeMap<String, CapabilitySet>,
    #[serde(with = "map_as_vec")]
    pub variables: BTreeMap<VariablePathKey, CapabilitySet>,
    /// Rules whose namespace or path contains `*`.
    #[serde(with = "map_as_vec")]
    pub wildcard_variables: BTreeMap<VariablePathKey, CapabilitySet>,
    pub agent: Disposition,
    pub node: Disposition,
    pub operator: Disposition,
    pub quota: Disposition,
    pub plugin: Disposition,
    pub sentinel: Disposition,
    pub operator_capabilities: CapabilitySet,
    pub sentinel_capabilities: CapabilitySet,
}

/// Merges named policies in order (`acl.NewACL(false, policies)`). Order only matters
/// for provenance lists and for glob ties, exactly as in Nomad.
pub fn merge<N: AsRef<str>>(policies: &[(N, Policy)]) -> EffectivePermissions {
    EffectivePermissions::from_policies(policies.iter().map(|(n, p)| (n.as_ref(), p)))
}

fn labeled_entry<'m>(
    exact: &'m mut BTreeMap<String, CapabilitySet>,
    wildcard: &'m mut BTreeMap<String, CapabilitySet>,
    name: &str,
) -> &'m mut CapabilitySet {
    let map = if name.contains('*') { wildcard } else { exact };
    map.entry(name.to_string()).or_default()
}

impl EffectivePermissions {
    /// The permissions of a management token.
    pub fn management() -> Self {
        EffectivePermissions { management: true, ..Default::default() }
    }

    /// Merges `(policy name, policy)` pairs in order.
    pub fn from_policies<'a>(policies: impl IntoIterator<Item = (&'a str, &'a Policy)>) -> Self {
        let mut acl = EffectivePermissions::default();
        for (name, policy) in policies {
            for ns in &policy.namespaces {
                let glob = ns.name.contains('*');
                if let Some(vars) = &ns.variables {
                    for path in &vars.paths {
                        let key = VariablePathKey { namespace: ns.name.clone(), path: path.path_spec.clone() };
                        let map = if glob || path.path_spec.contains('*') {
                            &mut acl.wildcard_variables
                        } else {
                            &mut acl.variables
                        };
                        let set = map.entry(key).or_default();
                        set.add_source(name);
                        for cap in &path.capabilities {
                            set.set(cap, name);
                        }
                    }
                }
                let set = labeled_entry(&mut acl.namespaces, &mut acl.wildcard_namespaces, &ns.name);
                set.add_source(name);
                set.apply(&ns.capabilities, name);
            }
            for np in &policy.node_pools {
                let set = labeled_entry(&mut acl.node_pools, &mut acl.wildcard_node_pools, &np.name);
                set.add_source(name);
                set.apply(&np.capabilities, name);
            }
            for hv in &policy.host_volumes {
                let set = labeled_entry(&mut acl.host_volumes, &mut acl.wildcard_host_volumes, &hv.name);
                set.add_source(name);
                set.apply(&hv.capabilities, name);
            }
            if let Some(b) = &policy.agent {
                acl.agent.add(name, &b.policy);
            }
            if let Some(b) = &policy.node {
                acl.node.add(name, &b.policy);
            }
            if let Some(b) = &policy.operator {
                acl.operator.add(name, &b.policy);
                acl.operator_capabilities.add_source(name);
                acl.operator_capabilities.apply(&b.capabilities, name);
            }
            if let Some(b) = &policy.sentinel {
                acl.sentinel.add(name, &b.policy);
                acl.sentinel_capabilities.add_source(name);
                acl.sentinel_capabilities.apply(&b.capabilities, name);
            }
            if let Some(b) = &policy.quota {
                acl.quota.add(name, &b.policy);
            }
            if let Some(b) = &policy.plugin {
                acl.plugin.add(name, &b.policy);
            }
        }
        acl
    }

    // -- namespaces ------------------------------------------------------------------

    /// The rule that applies to `namespace`: its pattern and capability set
    /// (exact label first, else the closest glob). `None`: nothing applies.
    pub fn matching_namespace(&self, namespace: &str) -> Option<(&str, &CapabilitySet)> {
        matching(&self.namespaces, &self.wildcard_namespaces, namespace)
    }

    /// `AllowNamespaceOperation`. For `namespace == "*"` it is enough that any
    /// namespace rule grants `capability`.
    pub fn allow_namespace_operation(&self, namespace: &str, capability: &str) -> bool {
        if self.management {
            return true;
        }
        if namespace == "*" && self.any_namespace(|c| c.contains(capability)) {
            return true;
        }
        self.matching_namespace(namespace).is_some_and(|(_, c)| c.contains(capability))
    }

    /// `AllowNamespace`: any non-deny capability in the namespace.
    pub fn allow_namespace(&self, namespace: &str) -> bool {
        if self.management {
            return true;
        }
        let any_op = |c: &CapabilitySet| !c.is_empty() && !c.is_denied();
        if namespace == "*" && self.any_namespace(any_op) {
            return true;
        }
        self.matching_namespace(namespace).is_some_and(|(_, c)| any_op(c))
    }

    fn any_namespace(&self, f: impl Fn(&CapabilitySet) -> bool) -> bool {
        self.namespaces.values().chain(self.wildcard_namespaces.values()).any(f)
    }

    // -- node pools and host volumes -------------------------------------------------

    pub fn matching_node_pool(&self, pool: &str) -> Option<(&str, &CapabilitySet)> {
        matching(&self.node_pools, &self.wildcard_node_pools, pool)
    }

    pub fn allow_node_pool_operation(&self, pool: &str, capability: &str) -> bool {
        self.management || self.matching_node_pool(pool).is_some_and(|(_, c)| c.contains(capability))
    }

    pub fn allow_node_pool(&self, pool: &str) -> bool {
        self.management || self.matching_node_pool(pool).is_some_and(|(_, c)| !c.is_empty() && !c.is_denied())
    }

    /// `AllowNodePoolSearch`: any node pool rule without `deny`.
    pub fn allow_node_pool_search(&self) -> bool {
        self.management || self.node_pools.values().chain(self.wildcard_node_pools.values()).any(|c| !c.is_denied())
    }

    pub fn matching_host_volume(&self, volume: &str) -> Option<(&str, &CapabilitySet)> {
        matching(&self.host_volumes, &self.wildcard_host_volumes, volume)
    }

    pub fn allow_host_volume_operation(&self, volume: &str, capability: &str) -> bool {
        self.management || self.matching_host_volume(volume).is_some_and(|(_, c)| c.contains(capability))
    }

    pub fn allow_host_volume(&self, volume: &str) -> bool {
        self.management || self.matching_host_volume(volume).is_some_and(|(_, c)| !c.is_empty() && !c.is_denied())
    }

    // -- variables -------------------------------------------------------------------

    /// The variables rule that applies to `path` in `namespace`.
    pub fn matching_variables(&self, namespace: &str, path: &str) -> Option<(&VariablePathKey, &CapabilitySet)> {
        let key = VariablePathKey { namespace: namespace.to_string(), path: path.to_string() };
        if let Some((k, v)) = self.variables.get_key_value(&key) {
            return Some((k, v));
        }
        let wanted = key.joined();
        let matches: Vec<(&VariablePathKey, &CapabilitySet, isize)> = self
            .wildcard_variables
            .iter()
            .filter_map(|(k, v)| {
                let pattern = k.joined();
                glob(&pattern, &wanted).then(|| (k, v, difference(&pattern, &wanted)))
            })
            .collect();
        closest(&matches.iter().map(|m| m.2).collect::<Vec<_>>()).map(|i| (matches[i].0, matches[i].1))
    }

    /// `AllowVariableOperation` (without workload-identity claims).
    pub fn allow_variable_operation(&self, namespace: &str, path: &str, capability: &str) -> bool {
        self.management || self.matching_variables(namespace, path).is_some_and(|(_, c)| c.contains(capability))
    }

    /// `AllowVariableSearch`: any variables rule whose namespace starts with `namespace`.
    pub fn allow_variable_search(&self, namespace: &str) -> bool {
        if self.management {
            return true;
        }
        if namespace == "*" {
            return !self.variables.is_empty() || !self.wildcard_variables.is_empty();
        }
        self.variables.keys().chain(self.wildcard_variables.keys()).any(|k| k.joined().starts_with(namespace))
    }

    // -- singletons ------------------------------------------------------------------

    pub fn allow_agent_read(&self) -> bool {
        self.management || matches!(self.agent.effective.as_str(), POLICY_WRITE | POLICY_READ)
    }
    pub fn allow_agent_write(&self) -> bool {
        self.management || self.agent.effective == POLICY_WRITE
    }
    pub fn allow_node_read(&self) -> bool {
        self.management || matches!(self.node.effective.as_str(), POLICY_WRITE | POLICY_READ)
    }
    pub fn allow_node_write(&self) -> bool {
        self.management || self.node.effective == POLICY_WRITE
    }
    pub fn allow_operator_read(&self) -> bool {
        self.management || matches!(self.operator.effective.as_str(), POLICY_WRITE | POLICY_READ)
    }
    pub fn allow_operator_write(&self) -> bool {
        self.management || self.operator.effective == POLICY_WRITE
    }
    pub fn allow_quota_read(&self) -> bool {
        self.management || matches!(self.quota.effective.as_str(), POLICY_WRITE | POLICY_READ)
    }
    pub fn allow_quota_write(&self) -> bool {
        self.management || self.quota.effective == POLICY_WRITE
    }
    /// Nomad's `AllowPluginRead` is true for `read` only (not `write`).
    pub fn allow_plugin_read(&self) -> bool {
        self.management || self.plugin.effective == POLICY_READ
    }
    pub fn allow_plugin_list(&self) -> bool {
        self.management || matches!(self.plugin.effective.as_str(), POLICY_LIST | POLICY_READ)
    }
    /// An operator capability (`snapshot-save`, `keyring-rotate`, ...).
    pub fn allow_operator_capability(&self, capability: &str) -> bool {
        self.management || self.operator_capabilities.contains(capability)
    }
    /// A sentinel capability (`sentinel-read`, ...).
    pub fn allow_sentinel_capability(&self, capability: &str) -> bool {
        self.management || self.sentinel_capabilities.contains(capability)
    }
}

/// Exact label first, else the closest matching glob.
fn matching<'a>(
    exact: &'a BTreeMap<String, CapabilitySet>,
    wildcard: &'a BTreeMap<String, CapabilitySet>,
    name: &str,
) -> Option<(&'a str, &'a CapabilitySet)> {
    if let Some((k, v)) = exact.get_key_value(name) {
        return Some((k.as_str(), v));
    }
    // BTreeMap iterates in byte order, like Nomad's radix-tree walk.
    let matches: Vec<(&str, &CapabilitySet, isize)> =
        wildcard.iter().filter(|(k, _)| glob(k, name)).map(|(k, v)| (k.as_str(), v, difference(k, name))).collect();
    closest(&matches.iter().map(|m| m.2).collect::<Vec<_>>()).map(|i| (matches[i].0, matches[i].1))
}

/// `len(name) - len(glob) + strings.Count(glob, "*")` (bytes).
fn difference(pattern: &str, name: &str) -> isize {
    name.len() as isize - pattern.len() as isize + pattern.matches('*').count() as isize
}

/// Index of the glob Nomad picks: first element after `sort.SliceStable` with the
/// (non-strict) comparator `diff[i] <= diff[j]`, which on ties favours later globs.
fn closest(diffs: &[isize]) -> Option<usize> {
    match diffs.len() {
        0 => None,
        1 => Some(0),
        n => {
            let mut idx: Vec<usize> = (0..n).collect();
            let less = |idx: &[usize], i: usize, j: usize| diffs[idx[i]] <= diffs[idx[j]];
            go_stable(&mut idx, &less);
            Some(idx[0])
        }
    }
}

/// Go's `sort.Stable` (insertion sort in blocks of 20, then SymMerge), ported as is so
/// that a non-strict comparator gives the same order as in Nomad.
pub(super) fn go_stable(data: &mut [usize], less: &dyn Fn(&[usize], usize, usize) -> bool) {
    let n = data.len();
    let mut block = 20;
    let (mut a, mut b) = (0, block);
    while b <= n {
        insertion_sort(data, a, b, less);
        a = b;
        b += block;
    }
    insertion_sort(data, a, n, less);
    while block < n {
        let (mut a, mut b) = (0, 2 * block);
        while b <= n {
            sym_merge(data, a, a + block, b, less);
            a = b;
            b += 2 * block;
        }
        let m = a + block;
        if m < n {
            sym_merge(data, a, m, n, less);
        }
        block *= 2;
    }
}

fn insertion_sort(data: &mut [usize], a: usize, b: usize, less: &dyn Fn(&[usize], usize, usize) -> bool) {
    for i in a + 1..b {
        let mut j = i;
        while j > a && less(data, j, j - 1) {
            data.swap(j, j - 1);
            j -= 1;
        }
    }
}

fn sym_merge(data: &mut [usize], a: usize, m: usize, b: usize, less: &dyn Fn(&[usize], usize, usize) -> bool) {
    if m - a == 1 {
        let (mut i, mut j) = (m, b);
        while i < j {
            let h = (i + j) / 2;
            if less(data, h, a) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        for k in a..i.saturating_sub(1) {
            data.swap(k, k + 1);
        }
        return;
    }
    if b - m == 1 {
        let (mut i, mut j) = (a, m);
        while i < j {
            let h = (i + j) / 2;
            if !less(data, m, h) {
                i = h + 1;
            } else {
                j = h;
            }
        }
        let mut k = m;
        while k > i {
            data.swap(k, k - 1);
            k -= 1;
        }
        return;
    }
    let mid = (a + b) / 2;
    let n = mid + m;
    let (mut start, mut r) = if m > mid { (n - b, mid) } else { (a, m) };
    let p = n - 1;
    while start < r {
        let c = (start + r) / 2;
        if !less(data, p - c, c) {
            start = c + 1;
        } else {
            r = c;
        }
    }
    let end = n - start;
    if start < m && m < end {
        rotate(data, start, m, end);
    }
    if a < start && start < mid {
        sym_merge(data, a, start, mid, less);
    }
    if mid < end && end < b {
        sym_merge(data, mid, end, b, less);
    }
}

fn rotate(data: &mut [usize], a: usize, m: usize, b: usize) {
    let (mut i, mut j) = (m - a, b - m);
    while i != j {
        if i > j {
            swap_range(data, m - i, m, j);
            i -= j;
        } else {
            swap_range(data, m - i, m + j - i, i);
            j -= i;
        }
    }
    swap_range(data, m - i, m, i);
}

fn swap_range(data: &mut [usize], a: usize, b: usize, n: usize) {
    for i in 0..n {
        data.swap(a + i, b + i);
    }
}

/// `github.com/ryanuber/go-glob`'s `Glob(pattern, subject)`, which Nomad uses for
/// namespace, node pool, host volume and variables patterns. `*` matches any run of
/// characters (including `/`); a pattern without `*` must equal the subject.
pub fn namespace_matches(pattern: &str, namespace: &str) -> bool {
    glob(pattern, namespace)
}

fn glob(pattern: &str, subj: &str) -> bool {
    if pattern.is_empty() {
        return subj.is_empty();
    }
    if pattern == "*" {
        return true;
    }
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return subj == pattern;
    }
    let leading = pattern.starts_with('*');
    let trailing = pattern.ends_with('*');
    let end = parts.len() - 1;
    let mut subj = subj;
    for (i, part) in parts.iter().enumerate().take(end) {
        let idx = subj.find(part);
        if i == 0 {
            if !leading && idx != Some(0) {
                return false;
            }
        } else if idx.is_none() {
            return false;
        }
        // With a leading glob, parts[0] is "" and found at 0.
        let idx = idx.unwrap_or(0);
        subj = &subj[idx + part.len()..];
    }
    trailing || subj.ends_with(parts[end])
}
