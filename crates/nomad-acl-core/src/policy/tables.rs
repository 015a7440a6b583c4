//! Capability and disposition tables: the one source of truth for validation,
//! `policy =` expansion, the merge, and the console's reference panel.

/// `policy = "deny"`.
pub const POLICY_DENY: &str = "deny";
/// `policy = "read"`.
pub const POLICY_READ: &str = "read";
/// `policy = "list"` (plugin block only).
pub const POLICY_LIST: &str = "list";
/// `policy = "write"`.
pub const POLICY_WRITE: &str = "write";
/// `policy = "scale"` (accepted everywhere but plugin; only grants in namespaces).
pub const POLICY_SCALE: &str = "scale";

/// Dispositions accepted by every block except `plugin` (Go `isPolicyValid`).
pub const DISPOSITIONS: &[&str] = &[POLICY_DENY, POLICY_READ, POLICY_WRITE, POLICY_SCALE];
/// Dispositions accepted by the `plugin` block: `list` yes, `scale` no.
pub const PLUGIN_DISPOSITIONS: &[&str] = &[POLICY_DENY, POLICY_READ, POLICY_LIST, POLICY_WRITE];

/// Every valid namespace capability, in Nomad's order.
pub const NAMESPACE_CAPABILITIES: &[&str] = &[
    "deny",
    "list-jobs",
    "parse-job",
    "read-job",
    "submit-job",
    "dispatch-job",
    "read-logs",
    "read-fs",
    "alloc-exec",
    "alloc-node-exec",
    "alloc-lifecycle",
    "sentinel-override",
    "csi-register-plugin",
    "csi-write-volume",
    "csi-read-volume",
    "csi-list-volume",
    "csi-mount-volume",
    "host-volume-create",
    "host-volume-register",
    "host-volume-read",
    "host-volume-write",
    "host-volume-delete",
    "list-scaling-policies",
    "read-scaling-policy",
    "read-job-scaling",
    "scale-job",
    "submit-recommendation",
    "register-job",
    "revert-job",
    "deregister-job",
    "purge-job",
    "evaluate-job",
    "plan-job",
    "tag-job-version",
    "stable-job",
    "fail-deployment",
    "pause-deployment",
    "promote-deployment",
    "unblock-deployment",
    "cancel-deployment",
    "set-alloc-health-deployment",
    "gc-allocation",
    "pause-allocation",
    "force-periodic-job",
    "delete-service-registration",
];

/// Namespace `policy = "deny"`.
pub const NAMESPACE_DENY_CAPABILITIES: &[&str] = &["deny"];
/// Namespace `policy = "read"` (Go `expandNamespacePolicy`, same order).
pub const NAMESPACE_READ_CAPABILITIES: &[&str] = &[
    "list-jobs",
    "parse-job",
    "read-job",
    "csi-list-volume",
    "csi-read-volume",
    "read-job-scaling",
    "list-scaling-policies",
    "read-scaling-policy",
    "host-volume-read",
];
/// Namespace `policy = "write"`: the read list followed by these.
pub const NAMESPACE_WRITE_CAPABILITIES: &[&str] = &[
    "list-jobs",
    "parse-job",
    "read-job",
    "csi-list-volume",
    "csi-read-volume",
    "read-job-scaling",
    "list-scaling-policies",
    "read-scaling-policy",
    "host-volume-read",
    "scale-job",
    "submit-job",
    "dispatch-job",
    "read-logs",
    "read-fs",
    "alloc-exec",
    "alloc-lifecycle",
    "csi-mount-volume",
    "csi-write-volume",
    "submit-recommendation",
    "host-volume-create",
];
/// Namespace `policy = "scale"`.
pub const NAMESPACE_SCALE_CAPABILITIES: &[&str] = &[
    "list-scaling-policies",
    "read-scaling-policy",
    "read-job-scaling",
    "scale-job",
    "read-job",
    "submit-recommendation",
];

/// Capabilities added after expansion because another capability implies them
/// (Go `expandNamespaceCapabilities`).
pub const NAMESPACE_IMPLIED_CAPABILITIES: &[(&str, &[&str])] = &[
    ("host-volume-write", &["host-volume-register", "host-volume-create", "host-volume-delete", "host-volume-read"]),
    ("host-volume-register", &["host-volume-create", "host-volume-read"]),
    ("host-volume-create", &["host-volume-read"]),
];

/// Valid `node_pool` capabilities.
pub const NODE_POOL_CAPABILITIES: &[&str] = &["delete", "deny", "read", "write"];
/// Valid `host_volume` capabilities.
pub const HOST_VOLUME_CAPABILITIES: &[&str] = &["deny", "mount-readonly", "mount-readwrite"];
/// Valid variables `path` capabilities.
pub const VARIABLE_CAPABILITIES: &[&str] = &["write", "read", "list", "destroy", "deny"];
/// Valid `operator` capabilities.
pub const OPERATOR_CAPABILITIES: &[&str] =
    &["deny", "snapshot-save", "license-read", "keyring-rotate", "keyring-read", "keyring-delete"];
/// Valid `sentinel` capabilities.
pub const SENTINEL_CAPABILITIES: &[&str] = &["deny", "sentinel-read", "sentinel-submit", "sentinel-delete"];

const EMPTY: &[&str] = &[];

/// `policy =` expansion for a namespace; unknown dispositions expand to nothing.
pub fn expand_namespace_policy(disposition: &str) -> &'static [&'static str] {
    match disposition {
        POLICY_DENY => NAMESPACE_DENY_CAPABILITIES,
        POLICY_READ => NAMESPACE_READ_CAPABILITIES,
        POLICY_WRITE => NAMESPACE_WRITE_CAPABILITIES,
        POLICY_SCALE => NAMESPACE_SCALE_CAPABILITIES,
        _ => EMPTY,
    }
}

/// `policy =` expansion for a node pool.
pub fn expand_node_pool_policy(disposition: &str) -> &'static [&'static str] {
    match disposition {
        POLICY_DENY => &["deny"],
        POLICY_READ => &["read"],
        POLICY_WRITE => &["delete", "read", "write"],
        _ => EMPTY,
    }
}

/// `policy =` expansion for a host volume.
pub fn expand_host_volume_policy(disposition: &str) -> &'static [&'static str] {
    match disposition {
        POLICY_DENY => &["deny"],
        POLICY_READ => &["mount-readonly"],
        POLICY_WRITE => &["mount-readonly", "mount-readwrite"],
        _ => EMPTY,
    }
}

/// `policy =` expansion for the operator block.
pub fn expand_operator_policy(disposition: &str) -> &'static [&'static str] {
    match disposition {
        POLICY_DENY => &["deny"],
        POLICY_READ => &["license-read", "keyring-read"],
        POLICY_WRITE => &["snapshot-save", "license-read", "keyring-rotate", "keyring-read", "keyring-delete"],
        _ => EMPTY,
    }
}

/// `policy =` expansion for the sentinel block.
pub fn expand_sentinel_policy(disposition: &str) -> &'static [&'static str] {
    match disposition {
        POLICY_DENY => &["deny"],
        POLICY_READ => &["sentinel-read"],
        POLICY_WRITE => &["sentinel-read", "sentinel-submit", "sentinel-delete"],
        _ => EMPTY,
    }
}

/// Capabilities implied by one namespace capability (empty for most).
pub fn implied_namespace_capabilities(capability: &str) -> &'static [&'static str] {
    NAMESPACE_IMPLIED_CAPABILITIES.iter().find(|(c, _)| *c == capability).map(|(_, implied)| *implied).unwrap_or(EMPTY)
}

/// Variables path capabilities after Go's `expandVariablesCapabilities`:
/// `deny` anywhere collapses to `["deny"]`; `read` without `list` appends `list`.
pub fn expand_variable_capabilities(caps: &[String]) -> Vec<String> {
    let (mut read, mut list) = (false, false);
    for c in caps {
        match c.as_str() {
            "deny" => return vec!["deny".to_string()],
            "read" => read = true,
            "list" => list = true,
            _ => {}
        }
    }
    let mut out = caps.to_vec();
    if read && !list {
        out.push("list".to_string());
    }
    out
}

/// The blocks of the policy language, for reference panels and generic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Block {
    Namespace,
    /// `path "<glob>" { capabilities = [...] }` inside a namespace's `variables` block.
    VariablesPath,
    NodePool,
    HostVolume,
    Agent,
    Node,
    Operator,
    Sentinel,
    Quota,
    Plugin,
}

impl Block {
    /// Every block, in the order Nomad validates them.
    pub const ALL: &'static [Block] = &[
        Block::Namespace,
        Block::VariablesPath,
        Block::NodePool,
        Block::HostVolume,
        Block::Agent,
        Block::Node,
        Block::Operator,
        Block::Sentinel,
        Block::Quota,
        Block::Plugin,
    ];

    /// The HCL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Block::Namespace => "namespace",
            Block::VariablesPath => "path",
            Block::NodePool => "node_pool",
            Block::HostVolume => "host_volume",
            Block::Agent => "agent",
            Block::Node => "node",
            Block::Operator => "operator",
            Block::Sentinel => "sentinel",
            Block::Quota => "quota",
            Block::Plugin => "plugin",
        }
    }

    /// Takes a (glob) label and may repeat.
    pub fn is_labeled(self) -> bool {
        matches!(self, Block::Namespace | Block::VariablesPath | Block::NodePool | Block::HostVolume)
    }

    /// Valid `policy =` values (empty for variables paths, which have none).
    pub fn dispositions(self) -> &'static [&'static str] {
        match self {
            Block::VariablesPath => EMPTY,
            Block::Plugin => PLUGIN_DISPOSITIONS,
            _ => DISPOSITIONS,
        }
    }

    /// Whether `policy` may be omitted (agent, node, quota and plugin require it).
    pub fn policy_optional(self) -> bool {
        !matches!(self, Block::Agent | Block::Node | Block::Quota | Block::Plugin)
    }

    /// Valid entries of `capabilities = [...]` (empty: the block has no capabilities).
    pub fn capabilities(self) -> &'static [&'static str] {
        match self {
            Block::Namespace => NAMESPACE_CAPABILITIES,
            Block::VariablesPath => VARIABLE_CAPABILITIES,
            Block::NodePool => NODE_POOL_CAPABILITIES,
            Block::HostVolume => HOST_VOLUME_CAPABILITIES,
            Block::Operator => OPERATOR_CAPABILITIES,
            Block::Sentinel => SENTINEL_CAPABILITIES,
            _ => EMPTY,
        }
    }

    /// What `policy = <disposition>` adds to the capabilities.
    pub fn expand(self, disposition: &str) -> &'static [&'static str] {
        match self {
            Block::Namespace => expand_namespace_policy(disposition),
            Block::NodePool => expand_node_pool_policy(disposition),
            Block::HostVolume => expand_host_volume_policy(disposition),
            Block::Operator => expand_operator_policy(disposition),
            Block::Sentinel => expand_sentinel_policy(disposition),
            _ => EMPTY,
        }
    }
}

/// Go `isPolicyValid`.
pub fn is_policy_valid(p: &str) -> bool {
    DISPOSITIONS.contains(&p)
}

/// `^[a-zA-Z0-9-*]{1,128}$` (namespaces, host volumes), with `_` for node pools.
pub fn valid_label(name: &str, allow_underscore: bool) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'*' || (allow_underscore && b == b'_'))
}
