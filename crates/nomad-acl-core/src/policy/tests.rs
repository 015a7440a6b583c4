//! Tests for the policy language. Cases marked "Nomad test" are taken from
//! `acl/policy_test.go` so they pin the behaviour real Nomad has.

use super::*;

fn ok(rules: &str) -> Policy {
    parse(rules).unwrap_or_else(|e| panic!("rules should parse: {e}\n{rules}"))
}

fn err(rules: &str) -> PolicyError {
    match parse(rules) {
        Ok(p) => panic!("rules should be rejected: {rules}\n{p:?}"),
        Err(e) => e,
    }
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn without_raw(mut p: Policy) -> Policy {
    p.raw.clear();
    p
}

// ---------------------------------------------------------------------------------------
// Empty input
// ---------------------------------------------------------------------------------------

#[test]
fn empty_rules_are_an_empty_policy() {
    // Nomad's fast path: "" is valid and grants nothing.
    let p = ok("");
    assert!(p.is_empty());
    assert_eq!(p, Policy::default());
}

#[test]
fn whitespace_and_comment_only_rules_are_invalid() {
    // No fast path here: HCL decodes to nothing, so IsEmpty triggers.
    for rules in ["   ", "\n\t\n", "# just a comment\n", "/* c */"] {
        let e = err(rules);
        assert_eq!(e.kind, PolicyErrorKind::Empty);
        assert_eq!(e.to_string(), format!("Invalid policy: {rules}"));
    }
}

#[test]
fn unknown_only_rules_are_invalid_policy() {
    // Nomad test: a JSON ACLPolicy object pasted as rules decodes to nothing.
    let rules =
        "{\n  \"Name\": \"my-policy\",\n  \"Description\": \"This is a great policy\",\n  \"Rules\": \"anything\"\n}";
    assert_eq!(err(rules).to_string(), format!("Invalid policy: {rules}"));
}

// ---------------------------------------------------------------------------------------
// Every block, every disposition, every expansion
// ---------------------------------------------------------------------------------------

/// The Nomad test policy that uses every block (minus sentinel, added separately).
const ALL_BLOCKS_HCL: &str = r#"
namespace "default" {
  policy = "read"
}
namespace "other" {
  policy = "write"
}
namespace "secret" {
  capabilities = ["deny", "read-logs"]
}
namespace "apps" {
  variables {
    path "jobs/write-does-not-imply-read-or-delete" {
      capabilities = ["write"]
    }
    path "project/read-implies-list" {
      capabilities = ["read"]
    }
    path "project/explicit" {
      capabilities = ["read", "list", "destroy"]
    }
  }
}
namespace "autoscaler" {
  policy = "scale"
}
host_volume "production-tls-*" {
  capabilities = ["mount-readonly"]
}
host_volume "staging-tls-*" {
  policy = "write"
}
node_pool "prod" {
  capabilities = ["read"]
}
node_pool "dev" {
  policy = "write"
}
agent {
  policy = "read"
}
node {
  policy = "write"
}
operator {
  policy = "deny"
}
quota {
  policy = "read"
}
plugin {
  policy = "read"
}
"#;

/// The same policy in HCL's JSON syntax, trailing commas included (Nomad test).
const ALL_BLOCKS_JSON: &str = r#"
{
  "namespace": [
    { "default": { "policy": "read" }, },
    { "other": { "policy": "write" }, },
    { "secret": { "capabilities": [ "deny", "read-logs" ] } },
    {
      "apps": {
        "variables": [
          {
            "path": [
              { "jobs/write-does-not-imply-read-or-delete": { "capabilities": ["write"], }, },
              { "project/read-implies-list": { "capabilities": ["read"], }, },
              { "project/explicit": { "capabilities": ["read", "list", "destroy"], }, },
            ],
          },
        ],
      },
    },
    { "autoscaler": { "policy": "scale" }, },
  ],
  "host_volume": [
    { "production-tls-*": { "capabilities": ["mount-readonly"] } },
    { "staging-tls-*": { "policy": "write" } }
  ],
  "node_pool": [
    { "prod": { "capabilities": ["read"] } },
    { "dev": { "policy": "write" } }
  ],
  "agent": { "policy": "read" },
  "node": { "policy": "write" },
  "operator": { "policy": "deny" },
  "quota": { "policy": "read" },
  "plugin": { "policy": "read" }
}"#;

fn expected_all_blocks() -> Policy {
    let read = NAMESPACE_READ_CAPABILITIES;
    let mut write: Vec<&str> = NAMESPACE_WRITE_CAPABILITIES.to_vec();
    // host-volume-create implies host-volume-read, appended again (Nomad keeps duplicates).
    write.push("host-volume-read");
    Policy {
        namespaces: vec![
            NamespacePolicy {
                name: "default".into(),
                policy: "read".into(),
                capabilities: strs(read),
                variables: None,
            },
            NamespacePolicy {
                name: "other".into(),
                policy: "write".into(),
                capabilities: strs(&write),
                variables: None,
            },
            NamespacePolicy {
                name: "secret".into(),
                policy: "".into(),
                capabilities: strs(&["deny", "read-logs"]),
                variables: None,
            },
            NamespacePolicy {
                name: "apps".into(),
                policy: "".into(),
                capabilities: vec![],
                variables: Some(VariablesPolicy {
                    paths: vec![
                        VariablesPathPolicy {
                            path_spec: "jobs/write-does-not-imply-read-or-delete".into(),
                            capabilities: strs(&["write"]),
                        },
                        VariablesPathPolicy {
                            path_spec: "project/read-implies-list".into(),
                            capabilities: strs(&["read", "list"]),
                        },
                        VariablesPathPolicy {
                            path_spec: "project/explicit".into(),
                            capabilities: strs(&["read", "list", "destroy"]),
                        },
                    ],
                }),
            },
            NamespacePolicy {
                name: "autoscaler".into(),
                policy: "scale".into(),
                capabilities: strs(NAMESPACE_SCALE_CAPABILITIES),
                variables: None,
            },
        ],
        host_volumes: vec![
            LabeledPolicy {
                name: "production-tls-*".into(),
                policy: "".into(),
                capabilities: strs(&["mount-readonly"]),
            },
            LabeledPolicy {
                name: "staging-tls-*".into(),
                policy: "write".into(),
                capabilities: strs(&["mount-readonly", "mount-readwrite"]),
            },
        ],
        node_pools: vec![
            LabeledPolicy { name: "prod".into(), policy: "".into(), capabilities: strs(&["read"]) },
            LabeledPolicy {
                name: "dev".into(),
                policy: "write".into(),
                capabilities: strs(&["delete", "read", "write"]),
            },
        ],
        agent: Some(BlockPolicy { policy: "read".into() }),
        node: Some(BlockPolicy { policy: "write".into() }),
        operator: Some(CapabilityBlockPolicy { policy: "deny".into(), capabilities: strs(&["deny"]) }),
        sentinel: None,
        quota: Some(BlockPolicy { policy: "read".into() }),
        plugin: Some(BlockPolicy { policy: "read".into() }),
        raw: String::new(),
        extra_keys_hcl: None,
    }
}

#[test]
fn every_block_type_parses_like_nomad() {
    assert_eq!(without_raw(ok(ALL_BLOCKS_HCL)), expected_all_blocks());
}

#[test]
fn json_syntax_is_equivalent_to_hcl() {
    // HCL1's JSON mode: lists of single-key objects, trailing commas accepted.
    assert_eq!(without_raw(ok(ALL_BLOCKS_JSON)), expected_all_blocks());
    // The plain-object form flattens to the same thing for simple blocks.
    let a = ok(r#"{"namespace": {"default": {"policy": "read"}}, "agent": {"policy": "write"}}"#);
    let b = ok("namespace \"default\" {\n  policy = \"read\"\n}\nagent {\n  policy = \"write\"\n}\n");
    assert_eq!(without_raw(a), without_raw(b));
}

#[test]
fn raw_keeps_the_submitted_text() {
    assert_eq!(ok(ALL_BLOCKS_HCL).raw, ALL_BLOCKS_HCL);
}

#[test]
fn sentinel_block() {
    let p = ok("sentinel {\n  policy = \"read\"\n  capabilities = [\"sentinel-delete\"]\n}\n");
    let s = p.sentinel.unwrap();
    assert_eq!(s.policy, "read");
    assert_eq!(s.capabilities, strs(&["sentinel-delete", "sentinel-read"]));
    // Capabilities alone are enough: policy is optional, as for operator.
    let p = ok("sentinel {\n  capabilities = [\"sentinel-submit\"]\n}\n");
    assert_eq!(p.sentinel.unwrap().capabilities, strs(&["sentinel-submit"]));
}

#[test]
fn every_disposition_of_every_block() {
    // Singletons and labelled blocks accept exactly their table's dispositions.
    let all = ["deny", "read", "list", "write", "scale", "", "foo"];
    for block in Block::ALL.iter().filter(|b| **b != Block::VariablesPath) {
        for d in all {
            let rules = match block {
                b if b.is_labeled() => {
                    format!("{} \"x\" {{\n  policy = \"{d}\"\n}}\n", b.keyword())
                }
                b => format!("{} {{\n  policy = \"{d}\"\n}}\n", b.keyword()),
            };
            let accepted = block.dispositions().contains(&d) || (d.is_empty() && block.policy_optional());
            assert_eq!(parse(&rules).is_ok(), accepted, "{} with policy {d:?}", block.keyword());
        }
    }
}

#[test]
fn list_is_only_a_plugin_disposition_and_scale_never_is() {
    assert!(parse("plugin {\n policy = \"list\"\n}").is_ok());
    assert!(parse("plugin {\n policy = \"scale\"\n}").is_err());
    assert!(parse("agent {\n policy = \"list\"\n}").is_err());
    assert!(parse("agent {\n policy = \"scale\"\n}").is_ok());
}

#[test]
fn namespace_policy_expansions() {
    for d in DISPOSITIONS {
        let p = ok(&format!("namespace \"n\" {{\n  policy = \"{d}\"\n}}\n"));
        let mut want: Vec<&str> = expand_namespace_policy(d).to_vec();
        if *d == "write" {
            want.push("host-volume-read");
        }
        assert_eq!(p.namespaces[0].capabilities, strs(&want), "policy {d}");
    }
    assert_eq!(expand_namespace_policy("deny"), ["deny"]);
    assert!(expand_namespace_policy("list").is_empty());
    // write covers read, but not the fine-grained job capabilities.
    assert!(NAMESPACE_READ_CAPABILITIES.iter().all(|c| NAMESPACE_WRITE_CAPABILITIES.contains(c)));
    for c in ["alloc-node-exec", "csi-register-plugin", "sentinel-override", "register-job"] {
        assert!(!NAMESPACE_WRITE_CAPABILITIES.contains(&c));
    }
}

#[test]
fn explicit_capabilities_come_before_the_expansion() {
    let p = ok("namespace \"n\" {\n  policy = \"read\"\n  capabilities = [\"submit-job\"]\n}\n");
    let mut want = vec!["submit-job"];
    want.extend(NAMESPACE_READ_CAPABILITIES);
    assert_eq!(p.namespaces[0].capabilities, strs(&want));
}

#[test]
fn implied_host_volume_capabilities() {
    // Nomad test.
    let p = ok(r#"
namespace "default" { capabilities = ["host-volume-register"] }
namespace "other" { capabilities = ["host-volume-create"] }
namespace "foo" { capabilities = ["host-volume-write"] }
"#);
    assert_eq!(p.namespaces[0].capabilities, strs(&["host-volume-register", "host-volume-create", "host-volume-read"]));
    assert_eq!(p.namespaces[1].capabilities, strs(&["host-volume-create", "host-volume-read"]));
    assert_eq!(
        p.namespaces[2].capabilities,
        strs(&[
            "host-volume-write",
            "host-volume-register",
            "host-volume-create",
            "host-volume-delete",
            "host-volume-read"
        ])
    );
}

#[test]
fn node_pool_expansions() {
    // Nomad test.
    let p = ok(r#"
node_pool "pool-read-only" { policy = "read" }
node_pool "pool-read-write" { policy = "write" }
node_pool "pool-read-upsert" {
  policy = "read"
  capabilities = ["write"]
}
node_pool "pool-deny-policy" {
  policy = "deny"
  capabilities = ["write"]
}
node_pool "pool-deny-capability" { capabilities = ["deny", "read"] }
node_pool "pool_*" { policy = "read" }
"#);
    let caps: Vec<Vec<String>> = p.node_pools.iter().map(|n| n.capabilities.clone()).collect();
    assert_eq!(
        caps,
        vec![
            strs(&["read"]),
            strs(&["delete", "read", "write"]),
            strs(&["write", "read"]),
            strs(&["write", "deny"]),
            strs(&["deny", "read"]),
            strs(&["read"]),
        ]
    );
}

#[test]
fn host_volume_operator_sentinel_expansions() {
    assert_eq!(expand_host_volume_policy("read"), ["mount-readonly"]);
    assert_eq!(expand_host_volume_policy("write"), ["mount-readonly", "mount-readwrite"]);
    assert!(expand_host_volume_policy("scale").is_empty());
    let p = ok("operator {\n  policy = \"read\"\n}\n");
    assert_eq!(p.operator.unwrap().capabilities, strs(&["license-read", "keyring-read"]));
    let p = ok("operator {\n  policy = \"write\"\n  capabilities = [\"deny\"]\n}\n");
    assert_eq!(
        p.operator.unwrap().capabilities,
        strs(&["deny", "snapshot-save", "license-read", "keyring-rotate", "keyring-read", "keyring-delete"])
    );
    assert_eq!(expand_sentinel_policy("write"), ["sentinel-read", "sentinel-submit", "sentinel-delete"]);
    // scale is accepted on these blocks but grants nothing.
    let p = ok("operator {\n  policy = \"scale\"\n}\n");
    assert!(p.operator.unwrap().capabilities.is_empty());
}

#[test]
fn variables_capabilities_expansion() {
    assert_eq!(expand_variable_capabilities(&strs(&["read", "deny", "write"])), strs(&["deny"]));
    assert_eq!(expand_variable_capabilities(&strs(&["read"])), strs(&["read", "list"]));
    assert_eq!(expand_variable_capabilities(&strs(&["list", "read"])), strs(&["list", "read"]));
}

#[test]
fn every_capability_in_the_tables_is_accepted() {
    let caps = |list: &[&str]| list.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ");
    ok(&format!("namespace \"n\" {{\n  capabilities = [{}]\n}}\n", caps(NAMESPACE_CAPABILITIES)));
    ok(&format!("node_pool \"n\" {{\n  capabilities = [{}]\n}}\n", caps(NODE_POOL_CAPABILITIES)));
    ok(&format!("host_volume \"n\" {{\n  capabilities = [{}]\n}}\n", caps(HOST_VOLUME_CAPABILITIES)));
    ok(&format!("operator {{\n  capabilities = [{}]\n}}\n", caps(OPERATOR_CAPABILITIES)));
    ok(&format!("sentinel {{\n  capabilities = [{}]\n}}\n", caps(SENTINEL_CAPABILITIES)));
    ok(&format!(
        "namespace \"n\" {{\n  variables {{\n    path \"*\" {{\n      capabilities = [{}]\n    }}\n  }}\n}}\n",
        caps(VARIABLE_CAPABILITIES)
    ));
    assert_eq!(NAMESPACE_CAPABILITIES.len(), 45);
}

// ---------------------------------------------------------------------------------------
// HCL1 syntax details
// ---------------------------------------------------------------------------------------

#[test]
fn hcl1_syntax_variants() {
    let want = ok("namespace \"default\" {\n  policy = \"read\"\n}\n").namespaces;
    for rules in [
        // one line, HCL1 has no newline rules
        "namespace \"default\" { policy = \"read\" }",
        // unquoted label, field names are case-insensitive
        "namespace default {\n  Policy = \"read\"\n}\n",
        // quoted keys and `=` before the block
        "\"namespace\" \"default\" {\n  \"policy\" = \"read\"\n}\n",
        // repeated attribute: last one wins
        "namespace \"default\" {\n  policy = \"write\"\n  policy = \"read\"\n}\n",
        // comments and CRLF line endings
        "# c\r\nnamespace \"default\" { // x\r\n  /* y */ policy = \"read\" # z\r\n}\r\n",
    ] {
        let mut got = ok(rules).namespaces;
        got.iter_mut().for_each(|n| n.variables = None);
        assert_eq!(got, want, "{rules}");
    }
    // Heredocs are strings too; this one keeps its trailing newline, so it is not `read`.
    let e = err("namespace \"default\" {\n  policy = <<EOF\nread\nEOF\n}\n");
    assert!(
        e.to_string().starts_with(r#"Invalid namespace policy: &acl.NamespacePolicy{Name:"default", Policy:"read\n""#),
        "{e}"
    );
    // Indented heredocs (`<<-`) lose the indentation of their closing marker.
    let e = err("namespace \"n\" {\n  variables {\n    path \"a\" {\n      capabilities = [<<-EOF\n      read\n      EOF\n      ]\n    }\n  }\n}\n");
    assert_eq!(e.to_string(), "Invalid variable capability 'read\n' in namespace n");
}

#[test]
fn items_may_share_a_line_and_be_comma_separated() {
    let p = ok("agent { policy = \"read\" } node { policy = \"write\" }, quota { policy = \"read\" }");
    assert_eq!(p.node.unwrap().policy, "write");
    assert_eq!(p.quota.unwrap().policy, "read");
    let p = ok("namespace \"x\" { policy = \"read\" capabilities = [\"submit-job\",] }");
    assert_eq!(p.namespaces[0].capabilities[0], "submit-job");
}

#[test]
fn interpolation_syntax_is_kept_literally() {
    // HCL1 does not evaluate ${...}; it is part of the string.
    let p =
        ok("namespace \"n\" {\n  variables {\n    path \"a/${b}\" {\n      capabilities = [\"read\"]\n    }\n  }\n}\n");
    assert_eq!(p.namespaces[0].variables.as_ref().unwrap().paths[0].path_spec, "a/${b}");
}

// ---------------------------------------------------------------------------------------
// Error texts
// ---------------------------------------------------------------------------------------

#[test]
fn syntax_errors_carry_position() {
    // HCL1 swallows the inner "Unknown token" error when it stops on a `}` and then
    // complains about the missing closing brace.
    let e = err("namespace \"x\" {\n  policy = \n}\n");
    assert_eq!(e.kind, PolicyErrorKind::Syntax);
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: At 4:1: object expected closing RBRACE got: EOF");
    assert_eq!((e.line, e.column), (Some(4), Some(1)));

    let e = err("namespace \"a\" { policy = read }");
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: At 1:26: Unknown token: 1:26 IDENT read");

    let e = err("agent {\n  policy = \"read\"\n");
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: At 3:2: object expected closing RBRACE got: EOF");

    let e = err("namespace \"x\" {\n  policy = \"read\n}\n");
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: At 2:17: literal not terminated");
    assert_eq!((e.line, e.column), (Some(2), Some(17)));

    let e = err("bogus\n");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: At 2:1: key 'bogus' expected start of object ('{') or assignment ('=')"
    );

    let e = err("namespace \"x\" {\n  capabilities = [\"a\" \"b\"]\n}\n");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: At 2:23: error parsing list, expected comma or list end, got: STRING"
    );
}

#[test]
fn decode_errors_name_the_field() {
    let e = err("agent {\n  policy = [\"read\"]\n}\n");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: At 2:12: root.agent.Policy: unknown type for string *ast.ListType"
    );
    let e = err("namespace \"x\" {\n  capabilities = \"read\"\n}\n");
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: At 2:18: unknown slice type: *ast.LiteralType");
    let e = err("agent = \"read\"\n");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: At 1:9: root.agent: not an object type for struct (*ast.LiteralType)"
    );
    // JSON positions are lost in HCL1's JSON parser ("-"), the editor still gets one.
    let e = err("{\"agent\": {\"policy\": [\"read\"]}}");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: At -: root.agent.Policy: unknown type for string *ast.ListType"
    );
    assert_eq!(e.line, Some(1));
}

#[test]
fn json_syntax_errors() {
    let e = err("{\"agent\": {\"policy\": read}}");
    // The scanner reports the position of the last character it read.
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: 1:25: illegal char");
    let e = err("{\"agent\" {}}");
    assert_eq!(e.to_string(), "Failed to parse ACL Policy: expected: STRING got: LBRACE");
}

#[test]
fn decoder_panics_are_reported_like_nomad() {
    // Nomad test: `namespace {}` makes Nomad index an empty slice.
    let e = err("namespace {}");
    assert_eq!(
        e.to_string(),
        "Failed to parse ACL Policy: invalid acl policy: runtime error: index out of range [0] with length 0"
    );
    // Nomad test (TestParse_BadInput): a label that does not unquote.
    let e = err("namespace \"\\500\" {}");
    assert!(e.to_string().starts_with("Failed to parse ACL Policy: invalid acl policy: unquote"), "{e}");
}

const NS_DEFAULT_FOO: &str = r#"&acl.NamespacePolicy{Name:"default", Policy:"foo", Capabilities:[]string(nil), Variables:(*acl.VariablesPolicy)(nil)}"#;

#[test]
fn namespace_errors() {
    assert_eq!(
        err("namespace \"default\" {\n  policy = \"foo\"\n}\n").to_string(),
        format!("Invalid namespace policy: {NS_DEFAULT_FOO}")
    );
    let e = err("namespace \"default\" {\n  capabilities = [\"deny\", \"foo\"]\n}\n");
    assert_eq!(e.kind, PolicyErrorKind::InvalidCapability);
    assert_eq!(
        e.to_string(),
        r#"Invalid namespace capability 'foo': &acl.NamespacePolicy{Name:"default", Policy:"", Capabilities:[]string{"deny", "foo"}, Variables:(*acl.VariablesPolicy)(nil)}"#
    );
    assert_eq!((e.line, e.column), (Some(1), Some(1)));
    let e = err("namespace \"has a space\" {\n  policy = \"read\"\n}\n");
    assert_eq!(e.kind, PolicyErrorKind::InvalidName);
    assert!(e.to_string().starts_with("Invalid namespace name: &acl.NamespacePolicy{Name:\"has a space\""));
    // A label-less block (Nomad test) and an empty JSON label (Nomad test).
    let e = err("namespace {\n  policy = \"read\"\n}\n");
    assert_eq!(
        e.to_string(),
        r#"Invalid namespace name: &acl.NamespacePolicy{Name:"", Policy:"read", Capabilities:[]string(nil), Variables:(*acl.VariablesPolicy)(nil)}"#
    );
    let e = err("{\"namespace\": [{\"\": {\"policy\": \"read\"}}]}");
    assert!(e.to_string().starts_with("Invalid namespace name: "));
    // Names: letters, digits, '-', '*', at most 128.
    assert!(parse(&format!("namespace \"{}\" {{}}", "a".repeat(128))).is_ok());
    assert!(parse(&format!("namespace \"{}\" {{}}", "a".repeat(129))).is_err());
    assert!(parse("namespace \"a_b\" {}").is_err());
}

#[test]
fn variables_errors() {
    // Nomad tests.
    let e = err("namespace \"dev\" {\n  variables \"*\" {\n    capabilities = [\"read\", \"write\"]\n  }\n}\n");
    assert_eq!(e.to_string(), "Invalid variable policy: no variable paths in namespace dev");
    let e = err("namespace \"dev\" {\n  variables {\n    path \"/nomad/job\" {\n      capabilities = [\"read\", \"write\"]\n    }\n  }\n}\n");
    assert_eq!(
        e.to_string(),
        "Invalid variable path \"/nomad/job\" in namespace dev: cannot start with a leading '/'`"
    );
    assert_eq!(e.line, Some(3));
    let e = err("namespace \"dev\" {\n  policy = \"read\"\n  variables {\n    path {}\n    path \"nomad/jobs/example\" {\n      capabilities = [\"read\"]\n    }\n  }\n}\n");
    assert_eq!(e.to_string(), "Invalid missing variable path in namespace dev");
    let e = err("{\"namespace\": [{\"dev\": {\"policy\": \"read\", \"variables\": [{\"paths\": [{\"\": {\"capabilities\": [\"read\"]}}]}]}}]}");
    assert_eq!(e.to_string(), "Invalid variable policy: no variable paths in namespace dev");
    let e = err("namespace \"dev\" {\n  variables {\n    path \"a\" {\n      capabilities = [\"read\", \"admin\"]\n    }\n  }\n}\n");
    assert_eq!(e.to_string(), "Invalid variable capability 'admin' in namespace dev");
}

#[test]
fn node_pool_errors() {
    assert_eq!(err("node_pool \"\" {\n}\n").to_string(), "Invalid node pool name ''");
    assert_eq!(err("node_pool \"pool%\" {\n}\n").to_string(), "Invalid node pool name 'pool%'");
    assert_eq!(err("node_pool {\n  policy = \"read\"\n}\n").to_string(), "Invalid node pool name ''");
    assert_eq!(err("{\"node_pool\": [{\"\": {\"policy\": \"read\"}}]}").to_string(), "Invalid node pool name ''");
    assert_eq!(
        err("node_pool \"my-pool\" {\n  policy = \"admin\"\n}\n").to_string(),
        "Invalid node pool policy 'admin' for 'my-pool'"
    );
    assert_eq!(
        err("node_pool \"my-pool\" {\n  capabilities = [\"read\", \"invalid\"]\n}\n").to_string(),
        "Invalid node pool capability 'invalid' for 'my-pool'"
    );
}

#[test]
fn host_volume_errors() {
    assert_eq!(
        err("host_volume \"volume has a space\" {\n  capabilities = [\"mount-readwrite\"]\n}\n").to_string(),
        r#"Invalid host volume name: &acl.HostVolumePolicy{Name:"volume has a space", Policy:"", Capabilities:[]string{"mount-readwrite"}}"#
    );
    assert!(err("host_volume {\n  policy = \"read\"\n}\n").to_string().starts_with("Invalid host volume name: "));
    assert_eq!(
        err("host_volume \"v\" {\n  policy = \"list\"\n}\n").to_string(),
        r#"Invalid host volume policy: &acl.HostVolumePolicy{Name:"v", Policy:"list", Capabilities:[]string(nil)}"#
    );
    assert_eq!(
        err("host_volume \"v\" {\n  capabilities = [\"mount\"]\n}\n").to_string(),
        r#"Invalid host volume capability 'mount': &acl.HostVolumePolicy{Name:"v", Policy:"", Capabilities:[]string{"mount"}}"#
    );
}

#[test]
fn singleton_errors() {
    assert_eq!(
        err("agent {\n  policy = \"foo\"\n}\n").to_string(),
        r#"Invalid agent policy: &acl.AgentPolicy{Policy:"foo"}"#
    );
    assert_eq!(
        err("node {\n  policy = \"foo\"\n}\n").to_string(),
        r#"Invalid node policy: &acl.NodePolicy{Policy:"foo"}"#
    );
    assert_eq!(
        err("operator {\n  policy = \"foo\"\n}\n").to_string(),
        r#"Invalid operator policy: &acl.OperatorPolicy{Policy:"foo", Capabilities:[]string(nil)}"#
    );
    assert_eq!(
        err("operator {\n  capabilities = [\"reboot\"]\n}\n").to_string(),
        "Invalid operator capability 'reboot'"
    );
    assert_eq!(
        err("sentinel {\n  policy = \"foo\"\n}\n").to_string(),
        r#"Invalid sentinel policy: &acl.SentinelPolicy{Policy:"foo", Capabilities:[]string(nil)}"#
    );
    assert_eq!(err("sentinel {\n  capabilities = [\"x\"]\n}\n").to_string(), "Invalid sentinel capability 'x'");
    assert_eq!(
        err("quota {\n  policy = \"foo\"\n}\n").to_string(),
        r#"Invalid quota policy: &acl.QuotaPolicy{Policy:"foo"}"#
    );
    assert_eq!(
        err("plugin {\n  policy = \"reader\"\n}\n").to_string(),
        r#"Invalid plugin policy: &acl.PluginPolicy{Policy:"reader"}"#
    );
    // agent, node, quota and plugin need a policy.
    assert_eq!(err("agent {}\n").to_string(), r#"Invalid agent policy: &acl.AgentPolicy{Policy:""}"#);
    assert_eq!(err("plugin {}\n").to_string(), r#"Invalid plugin policy: &acl.PluginPolicy{Policy:""}"#);
}

/// Nomad test `TestParse_ExtraKeys`.
const EXTRA_KEYS_INPUT: &str = r#"
namespace "foo" {
  policy = "write"
  variables {
    path "project/*" {
      capabilities = ["read", "write"]
    }
  }
}
namespace "bar" {
  policy = "write"
  variables {
    path "system/*" {
      capabilities = ["read", "write"]
    }
  }
}

bogus {
  policy = "read"
}
anotherbogus {
  policy = "write"
}

node {
  policy = "read"
}
node {
  policy = "write"
}

agent {
  policy = "read"
}
agent {
  policy = "write"
}

operator {
  policy = "read"
}
operator {
  policy = "write"
}

quota {
  policy = "read"
}
quota {
  policy = "write"
}

host_volume "volume-read-only" {
  policy = "read"
}
host_volume "volume-read-write" {
  policy = "write"
}

plugin {
  policy = "read"
}
plugin {
  policy = "write"
}

node_pool "pool-read-only" {
  policy = "read"
}
node_pool "pool-read-write" {
  policy = "write"
}
"#;

#[test]
fn unknown_and_duplicate_keys_in_strict_mode() {
    let e = err(EXTRA_KEYS_INPUT);
    assert_eq!(e.kind, PolicyErrorKind::UnknownKeys);
    assert_eq!(
        e.to_string(),
        "Invalid or duplicate policy keys: agent, anotherbogus, bogus, node, operator, plugin, quota"
    );
    // The editor points at the second `agent` block.
    assert_eq!(e.line, Some(36));
    // Lenient mode (token resolution) accepts it; the later duplicate wins.
    let p = parse_lenient(EXTRA_KEYS_INPUT).unwrap();
    assert_eq!(p.agent.unwrap().policy, "write");
    assert_eq!(p.namespaces.len(), 2);
}

#[test]
fn extra_labels_are_unknown_keys() {
    // `namespace "a" "b"` decodes as namespace a; the second label stays unused.
    assert_eq!(err("namespace \"a\" \"b\" {}\n").to_string(), "Invalid or duplicate policy keys: b");
    // A top-level `variables` block is not part of the language.
    assert_eq!(
        err("variables {\n  path \"a\" {}\n}\nagent {\n  policy = \"read\"\n}\n").to_string(),
        "Invalid or duplicate policy keys: variables"
    );
}

#[test]
fn validation_order() {
    // Namespace errors come before the extra-keys check, which comes before agent.
    let e = err("bogus {}\nagent {\n policy = \"x\"\n}\nnamespace \"n\" {\n policy = \"x\"\n}\n");
    assert!(e.to_string().starts_with("Invalid namespace policy"), "{e}");
    let e = err("bogus {}\nagent {\n policy = \"x\"\n}\n");
    assert_eq!(e.to_string(), "Invalid or duplicate policy keys: bogus");
    let e = err("plugin {\n policy = \"x\"\n}\nagent {\n policy = \"x\"\n}\n");
    assert!(e.to_string().starts_with("Invalid agent policy"), "{e}");
}

#[test]
fn nomad_error_body_shape() {
    // What the embedded server builds from the error.
    let e = err("namespace \"default\" {\n  policy = \"foo\"\n}\n");
    let body = format!("policy 0 invalid: 1 error occurred:\n\t* failed to parse rules: {e}\n\n");
    assert!(body.starts_with(
        "policy 0 invalid: 1 error occurred:\n\t* failed to parse rules: Invalid namespace policy: &acl."
    ));
}

// ---------------------------------------------------------------------------------------
// RulesJSON
// ---------------------------------------------------------------------------------------

#[test]
fn rules_json_shape() {
    let p = ok("namespace \"default\" {\n  policy = \"deny\"\n}\nagent {\n  policy = \"read\"\n}\n");
    let v: serde_json::Value = serde_json::to_value(&p).unwrap();
    let want = serde_json::json!({
        "Namespaces": [{"Name": "default", "Policy": "deny", "Capabilities": ["deny"], "Variables": null}],
        "NodePools": null,
        "HostVolumes": null,
        "Agent": {"Policy": "read"},
        "Node": null,
        "Operator": null,
        "Sentinel": null,
        "Quota": null,
        "Plugin": null,
        "Raw": p.raw,
        "ExtraKeysHCL": null,
    });
    assert_eq!(v, want);
    // Field order follows Go's struct.
    let s = serde_json::to_string(&p).unwrap();
    let order = [
        "Namespaces",
        "NodePools",
        "HostVolumes",
        "Agent",
        "Node",
        "Operator",
        "Sentinel",
        "Quota",
        "Plugin",
        "Raw",
        "ExtraKeysHCL",
    ];
    let pos: Vec<usize> = order.iter().map(|k| s.find(&format!("\"{k}\"")).unwrap()).collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "{s}");
}

#[test]
fn rules_json_deserializes_back() {
    let p = ok(ALL_BLOCKS_HCL);
    let back: Policy = serde_json::from_str(&serde_json::to_string(&p).unwrap()).unwrap();
    assert_eq!(back, p);
    // Nomad's own output has nulls and may lack fields.
    let back: Policy = serde_json::from_str(
        r#"{"Namespaces":[{"Name":"x","Policy":"","Capabilities":null,"Variables":{"Paths":null}}],"Raw":"x","ExtraKeysHCL":null}"#,
    )
    .unwrap();
    assert_eq!(back.namespaces[0].variables, Some(VariablesPolicy { paths: vec![] }));
}

#[test]
fn to_hcl_and_to_rules_json_round_trip() {
    for rules in [ALL_BLOCKS_HCL, EXTRA_KEYS_INPUT] {
        let p = parse_lenient(rules).unwrap();
        let hcl = p.to_hcl();
        let json = p.to_rules_json();
        assert_eq!(normalized(&ok(&hcl)), normalized(&p), "{hcl}");
        assert_eq!(normalized(&ok(&json)), normalized(&p), "{json}");
    }
    let p = ok("namespace \"n\" {\n  policy = \"read\"\n  capabilities = [\"list-jobs\", \"host-volume-write\", \"host-volume-read\"]\n}\n");
    assert_eq!(
        p.to_hcl(),
        "namespace \"n\" {\n  policy       = \"read\"\n  capabilities = [\"host-volume-write\"]\n}\n"
    );
}

/// A policy with capability lists as sets (what re-rendering preserves).
fn normalized(p: &Policy) -> Policy {
    let set = |v: &[String]| {
        let mut v = v.to_vec();
        v.sort();
        v.dedup();
        v
    };
    let mut p = without_raw(p.clone());
    for ns in &mut p.namespaces {
        ns.capabilities = set(&ns.capabilities);
        for path in ns.variables.iter_mut().flat_map(|v| v.paths.iter_mut()) {
            path.capabilities = set(&path.capabilities);
        }
    }
    for n in p.node_pools.iter_mut().chain(p.host_volumes.iter_mut()) {
        n.capabilities = set(&n.capabilities);
    }
    for b in p.operator.iter_mut().chain(p.sentinel.iter_mut()) {
        b.capabilities = set(&b.capabilities);
    }
    p
}

// ---------------------------------------------------------------------------------------
// Merge (acl.NewACL) and lookups
// ---------------------------------------------------------------------------------------

fn acl(policies: &[(&str, &str)]) -> EffectivePermissions {
    let parsed: Vec<(&str, Policy)> = policies.iter().map(|(n, r)| (*n, ok(r))).collect();
    merge(&parsed)
}

#[test]
fn capabilities_are_unioned_with_provenance() {
    let a = acl(&[
        ("reader", "namespace \"default\" {\n  policy = \"read\"\n}\n"),
        ("submitter", "namespace \"default\" {\n  capabilities = [\"submit-job\", \"read-job\"]\n}\n"),
    ]);
    assert!(a.allow_namespace_operation("default", "list-jobs"));
    assert!(a.allow_namespace_operation("default", "submit-job"));
    assert!(!a.allow_namespace_operation("default", "alloc-exec"));
    assert!(!a.allow_namespace_operation("other", "list-jobs"));
    let (pattern, set) = a.matching_namespace("default").unwrap();
    assert_eq!(pattern, "default");
    assert_eq!(set.granted_by("read-job"), ["reader", "submitter"]);
    assert_eq!(set.granted_by("submit-job"), ["submitter"]);
    assert_eq!(set.sources, ["reader", "submitter"]);
}

#[test]
fn deny_wins_in_either_order() {
    let writer = ("writer", "namespace \"prod\" {\n  policy = \"write\"\n}\n");
    let denier = ("denier", "namespace \"prod\" {\n  policy = \"deny\"\n}\n");
    for order in [[writer, denier], [denier, writer]] {
        let a = acl(&order);
        assert!(!a.allow_namespace_operation("prod", "submit-job"));
        assert!(!a.allow_namespace("prod"));
        let (_, set) = a.matching_namespace("prod").unwrap();
        assert!(set.is_denied());
        assert_eq!(set.names().collect::<Vec<_>>(), ["deny"]);
        assert_eq!(set.granted_by("deny"), ["denier"]);
    }
    // A deny capability inside a list clears what came before it in the same block.
    let a = acl(&[("p", "namespace \"x\" {\n  capabilities = [\"read-job\", \"deny\", \"submit-job\"]\n}\n")]);
    assert!(!a.allow_namespace_operation("x", "read-job"));
    assert!(!a.allow_namespace_operation("x", "submit-job"));
    // Node pools and host volumes follow the same rule.
    let a = acl(&[
        ("a", "node_pool \"gpu\" {\n  policy = \"write\"\n}\nhost_volume \"data\" {\n  policy = \"write\"\n}\n"),
        ("b", "node_pool \"gpu\" {\n  policy = \"deny\"\n}\nhost_volume \"data\" {\n  capabilities = [\"deny\"]\n}\n"),
    ]);
    assert!(!a.allow_node_pool_operation("gpu", "read"));
    assert!(!a.allow_host_volume_operation("data", "mount-readonly"));
}

#[test]
fn singleton_blocks_take_the_highest_disposition_with_deny_winning() {
    let a = acl(&[
        ("r", "agent {\n  policy = \"read\"\n}\nnode {\n  policy = \"read\"\n}\nplugin {\n  policy = \"list\"\n}\n"),
        ("w", "agent {\n  policy = \"write\"\n}\nnode {\n  policy = \"scale\"\n}\nplugin {\n  policy = \"read\"\n}\n"),
    ]);
    assert_eq!(a.agent.effective, "write");
    assert!(a.allow_agent_write() && a.allow_agent_read());
    // scale counts as nothing for node.
    assert_eq!(a.node.effective, "read");
    assert!(a.allow_node_read() && !a.allow_node_write());
    assert_eq!(a.plugin.effective, "read");
    assert!(a.allow_plugin_read() && a.allow_plugin_list());
    assert_eq!(a.agent.decided_by(), ["w"]);

    let a = acl(&[
        ("w", "operator {\n  policy = \"write\"\n}\nquota {\n  policy = \"write\"\n}\n"),
        ("d", "operator {\n  policy = \"deny\"\n}\n"),
    ]);
    assert_eq!(a.operator.effective, "deny");
    assert!(!a.allow_operator_read());
    assert!(a.allow_quota_write());
    // Operator capabilities: deny wins there too.
    assert!(!a.allow_operator_capability("snapshot-save"));
    // Nomad quirk: plugin write does not allow plugin read.
    let a = acl(&[("w", "plugin {\n  policy = \"write\"\n}\n")]);
    assert!(!a.allow_plugin_read() && !a.allow_plugin_list());
}

#[test]
fn glob_matching() {
    assert!(namespace_matches("*", "anything"));
    assert!(namespace_matches("dev-*", "dev-team"));
    assert!(namespace_matches("dev-*", "dev-"));
    assert!(!namespace_matches("dev-*", "prod-dev"));
    assert!(namespace_matches("*-dev", "team-dev"));
    assert!(namespace_matches("a*b*c", "aXXbYYc"));
    assert!(!namespace_matches("a*b*c", "aXXcYYb"));
    assert!(namespace_matches("default", "default"));
    assert!(!namespace_matches("default", "default2"));
    assert!(!namespace_matches("", "x"));
}

#[test]
fn exact_label_beats_globs_and_closest_glob_wins() {
    let a = acl(&[(
        "p",
        r#"
namespace "*" { policy = "read" }
namespace "dev-*" { policy = "write" }
namespace "dev-team-*" { policy = "deny" }
namespace "dev-team-special" { capabilities = ["read-logs"] }
"#,
    )]);
    // Exact match, even though globs match too.
    assert_eq!(a.matching_namespace("dev-team-special").unwrap().0, "dev-team-special");
    assert!(a.allow_namespace_operation("dev-team-special", "read-logs"));
    assert!(!a.allow_namespace_operation("dev-team-special", "list-jobs"));
    // Closest glob: dev-team-* (difference 2) beats dev-* (7) and * (11).
    assert_eq!(a.matching_namespace("dev-team-blue").unwrap().0, "dev-team-*");
    assert!(!a.allow_namespace("dev-team-blue"));
    assert_eq!(a.matching_namespace("dev-blue").unwrap().0, "dev-*");
    assert!(a.allow_namespace_operation("dev-blue", "submit-job"));
    assert_eq!(a.matching_namespace("prod").unwrap().0, "*");
    assert!(!a.allow_namespace_operation("prod", "submit-job"));
    // "*" asks whether any namespace allows the operation.
    assert!(a.allow_namespace_operation("*", "submit-job"));
}

#[test]
fn glob_ties_resolve_like_go_stable_sort() {
    // "a*" and "*a" both match "aXa" with difference 2; Go's stable sort with a `<=`
    // comparator moves the later glob (byte order: "*a" < "a*") to the front.
    let a = acl(&[("p", "namespace \"a*\" { policy = \"read\" }\nnamespace \"*a\" { policy = \"deny\" }\n")]);
    assert_eq!(a.matching_namespace("aXa").unwrap().0, "a*");
    // 45 equal globs exercise the SymMerge phase of Go's sort.Stable; worked through by
    // hand, the last glob in byte order still ends up first.
    let rules: String = (0..45).map(|i| format!("namespace \"*{i:02}*\" {{ policy = \"read\" }}\n")).collect();
    let a = acl(&[("p", &rules)]);
    let name: String = (0..45).map(|i| format!("x{i:02}")).collect();
    assert_eq!(a.matching_namespace(&name).unwrap().0, "*44*");
    let rules: String = (0..7).map(|i| format!("namespace \"*{i}*\" {{ policy = \"read\" }}\n")).collect();
    let a = acl(&[("p", &rules)]);
    assert_eq!(a.matching_namespace("0123456").unwrap().0, "*6*");
}

#[test]
fn variables_rules() {
    let a = acl(&[
        (
            "vars",
            r#"
namespace "dev" {
  variables {
    path "project/*" { capabilities = ["read"] }
    path "project/secret" { capabilities = ["deny"] }
  }
}
namespace "*" {
  variables {
    path "shared/*" { capabilities = ["write"] }
  }
}
"#,
        ),
        (
            "more",
            "namespace \"dev\" {\n  variables {\n    path \"project/*\" { capabilities = [\"destroy\"] }\n  }\n}\n",
        ),
    ]);
    assert!(a.allow_variable_operation("dev", "project/app", "read"));
    assert!(a.allow_variable_operation("dev", "project/app", "list"));
    assert!(a.allow_variable_operation("dev", "project/app", "destroy"));
    assert!(!a.allow_variable_operation("dev", "project/secret", "read"));
    assert!(a.allow_variable_operation("prod", "shared/x", "write"));
    assert!(!a.allow_variable_operation("prod", "project/app", "read"));
    let (key, set) = a.matching_variables("dev", "project/app").unwrap();
    assert_eq!((key.namespace.as_str(), key.path.as_str()), ("dev", "project/*"));
    assert_eq!(set.granted_by("destroy"), ["more"]);
    assert!(a.allow_variable_search("dev"));
    assert!(!a.allow_variable_search("prod"));
}

#[test]
fn management_allows_everything() {
    let m = EffectivePermissions::management();
    assert!(m.allow_namespace_operation("x", "anything"));
    assert!(m.allow_operator_write() && m.allow_plugin_read());
}

#[test]
fn effective_permissions_serialize() {
    let a = acl(&[("p", ALL_BLOCKS_HCL)]);
    let s = serde_json::to_string(&a).unwrap();
    let back: EffectivePermissions = serde_json::from_str(&s).unwrap();
    assert_eq!(back, a);
}

// ---------------------------------------------------------------------------------------
// Realistic policies
// ---------------------------------------------------------------------------------------

const READ_ONLY: &str = r#"
namespace "*" {
  policy = "read"
}
node {
  policy = "read"
}
agent {
  policy = "read"
}
operator {
  policy = "read"
}
quota {
  policy = "read"
}
plugin {
  policy = "list"
}
"#;

const DEVELOPER: &str = r#"
namespace "dev" {
  policy       = "write"
  capabilities = ["alloc-node-exec"]

  variables {
    path "*" {
      capabilities = ["write", "read", "destroy"]
    }
  }
}
namespace "default" {
  policy = "read"
}
"#;

const OPERATOR: &str = r#"
operator {
  policy = "write"
}
node {
  policy = "write"
}
agent {
  policy = "write"
}
node_pool "*" {
  policy = "write"
}
namespace "*" {
  capabilities = ["list-jobs", "read-job"]
}
"#;

#[test]
fn realistic_read_only() {
    let a = acl(&[("read-only", READ_ONLY)]);
    for ns in ["default", "prod", "anything"] {
        assert!(a.allow_namespace_operation(ns, "read-job"));
        assert!(!a.allow_namespace_operation(ns, "submit-job"));
    }
    assert!(a.allow_node_read() && !a.allow_node_write());
    assert!(a.allow_operator_read() && a.allow_operator_capability("license-read"));
    assert!(!a.allow_operator_capability("snapshot-save"));
    assert!(a.allow_plugin_list() && !a.allow_plugin_read());
}

#[test]
fn realistic_namespace_developer() {
    let a = acl(&[("developer", DEVELOPER)]);
    assert!(a.allow_namespace_operation("dev", "submit-job"));
    assert!(a.allow_namespace_operation("dev", "alloc-node-exec"));
    assert!(a.allow_namespace_operation("default", "read-job"));
    assert!(!a.allow_namespace_operation("default", "submit-job"));
    assert!(!a.allow_namespace("prod"));
    assert!(a.allow_variable_operation("dev", "app/db", "list"));
    assert!(!a.allow_variable_operation("default", "app/db", "read"));
    assert!(!a.allow_agent_read());
}

#[test]
fn realistic_operator_combined_with_a_deny() {
    let lockdown = "namespace \"prod\" {\n  policy = \"deny\"\n}\nnode_pool \"prod\" {\n  policy = \"deny\"\n}\n";
    let a = acl(&[("operator", OPERATOR), ("lockdown", lockdown)]);
    assert!(a.allow_operator_write() && a.allow_operator_capability("keyring-rotate"));
    assert!(a.allow_node_pool_operation("batch", "delete"));
    assert!(!a.allow_node_pool("prod"));
    assert!(a.allow_node_pool_search());
    assert!(a.allow_namespace_operation("staging", "list-jobs"));
    assert!(!a.allow_namespace_operation("prod", "list-jobs"));
    assert_eq!(a.matching_namespace("prod").unwrap().1.granted_by("deny"), ["lockdown"]);
}

// ---------------------------------------------------------------------------------------
// Never panic (proptest)
// ---------------------------------------------------------------------------------------

mod props {
    use super::*;
    use proptest::prelude::*;

    fn fragment() -> impl Strategy<Value = String> {
        let atoms = prop::sample::select(vec![
            "namespace",
            "node_pool",
            "host_volume",
            "agent",
            "node",
            "operator",
            "sentinel",
            "quota",
            "plugin",
            "variables",
            "path",
            "policy",
            "capabilities",
            "Policy",
            "\"default\"",
            "\"*\"",
            "\"dev-*\"",
            "\"\"",
            "\"read\"",
            "\"write\"",
            "\"deny\"",
            "\"list\"",
            "\"scale\"",
            "\"submit-job\"",
            "\"a/*\"",
            "\"/x\"",
            "\"\\500\"",
            "\"${x}\"",
            "{",
            "}",
            "[",
            "]",
            "=",
            ",",
            ":",
            "\n",
            " ",
            "#c\n",
            "/*",
            "*/",
            "<<EOF\n",
            "EOF\n",
            "<<-X\n",
            "1",
            "0x",
            "1.5e",
            "-",
            ".",
            "true",
            "null",
            "\"",
            "\\",
            "\0",
            "\u{E123}",
            "é",
            "\r\n",
        ]);
        prop::collection::vec(atoms, 0..40).prop_map(|v| v.concat())
    }

    fn json_fragment() -> impl Strategy<Value = String> {
        fragment().prop_map(|s| format!("{{{s}"))
    }

    fn name() -> impl Strategy<Value = String> {
        "[a-z][a-z0-9-]{0,6}\\*?"
    }

    fn caps(list: &'static [&'static str]) -> impl Strategy<Value = Vec<&'static str>> {
        prop::collection::vec(prop::sample::select(list), 0..4)
    }

    fn quoted(v: &[&str]) -> String {
        v.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
    }

    /// Valid HCL policies built from the tables.
    fn valid_policy() -> impl Strategy<Value = String> {
        let ns = (
            name(),
            prop::sample::select(vec!["", "deny", "read", "write", "scale"]),
            caps(NAMESPACE_CAPABILITIES),
            prop::option::of(prop::collection::vec(("[a-z*/]{1,8}", caps(VARIABLE_CAPABILITIES)), 1..3)),
        )
            .prop_map(|(n, p, c, vars)| {
                let mut s = format!("namespace \"{n}\" {{\n");
                if !p.is_empty() {
                    s += &format!("  policy = \"{p}\"\n");
                }
                if !c.is_empty() {
                    s += &format!("  capabilities = [{}]\n", quoted(&c));
                }
                if let Some(paths) = vars {
                    s += "  variables {\n";
                    for (path, c) in paths {
                        let path = path.trim_start_matches('/');
                        let path = if path.is_empty() { "p" } else { path };
                        s += &format!("    path \"{path}\" {{\n      capabilities = [{}]\n    }}\n", quoted(&c));
                    }
                    s += "  }\n";
                }
                s + "}\n"
            });
        let labeled = (
            prop::sample::select(vec!["node_pool", "host_volume"]),
            name(),
            prop::sample::select(vec!["", "deny", "read", "write"]),
        )
            .prop_map(|(kw, n, p)| {
                let c = if kw == "node_pool" { "read" } else { "mount-readonly" };
                if p.is_empty() {
                    format!("{kw} \"{n}\" {{\n  capabilities = [\"{c}\"]\n}}\n")
                } else {
                    format!("{kw} \"{n}\" {{\n  policy = \"{p}\"\n}}\n")
                }
            });
        let singles = prop::collection::vec(
            (
                prop::sample::select(vec!["agent", "node", "operator", "sentinel", "quota", "plugin"]),
                prop::sample::select(vec!["deny", "read", "write"]),
            ),
            0..6,
        )
        .prop_map(|v| {
            let mut seen = std::collections::HashSet::new();
            v.into_iter()
                .filter(|(k, _)| seen.insert(*k))
                .map(|(k, p)| format!("{k} {{\n  policy = \"{p}\"\n}}\n"))
                .collect::<String>()
        });
        (prop::collection::vec(ns, 0..3), prop::collection::vec(labeled, 0..3), singles)
            .prop_map(|(a, b, c)| format!("{}{}{}", a.concat(), b.concat(), c))
            .prop_filter("not empty", |s| !s.is_empty())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = parse(&s);
            let _ = parse_lenient(&s);
        }

        #[test]
        fn hcl_fragments_never_panic(s in fragment(), t in json_fragment()) {
            for rules in [&s, &t] {
                if let Ok(p) = parse_lenient(rules) {
                    let a = merge(&[("p", p.clone())]);
                    let _ = a.allow_namespace_operation("default", "read-job");
                    let _ = a.matching_variables("default", "a/b");
                    let _ = p.to_hcl();
                    let _ = parse(&p.to_rules_json());
                }
            }
        }

        #[test]
        fn go_stable_sort_port_is_a_stable_sort(diffs in prop::collection::vec(0isize..5, 0..120)) {
            // With a strict comparator the port must agree with a stable sort; with
            // Nomad's `<=` it must still be a permutation sorted by difference.
            let mut idx: Vec<usize> = (0..diffs.len()).collect();
            super::super::merge::go_stable(&mut idx, &|d: &[usize], i, j| diffs[d[i]] < diffs[d[j]]);
            let mut want: Vec<usize> = (0..diffs.len()).collect();
            want.sort_by_key(|&i| diffs[i]);
            prop_assert_eq!(&idx, &want);
            let mut idx: Vec<usize> = (0..diffs.len()).collect();
            super::super::merge::go_stable(&mut idx, &|d: &[usize], i, j| diffs[d[i]] <= diffs[d[j]]);
            prop_assert!(idx.windows(2).all(|w| diffs[w[0]] <= diffs[w[1]]));
            let mut sorted = idx.clone();
            sorted.sort();
            prop_assert_eq!(sorted, (0..diffs.len()).collect::<Vec<_>>());
        }

        #[test]
        fn valid_policies_round_trip(rules in valid_policy()) {
            let p = parse(&rules).map_err(|e| TestCaseError::fail(format!("{e}\n{rules}")))?;
            // RulesJSON serde round trip is exact.
            let json = serde_json::to_string(&p).unwrap();
            prop_assert_eq!(&serde_json::from_str::<Policy>(&json).unwrap(), &p);
            // Re-rendered rules (HCL and JSON syntax) parse to the same permissions.
            let from_hcl = parse(&p.to_hcl()).map_err(|e| TestCaseError::fail(format!("{e}\n{}", p.to_hcl())))?;
            prop_assert_eq!(normalized(&from_hcl), normalized(&p));
            let from_json = parse(&p.to_rules_json()).map_err(|e| TestCaseError::fail(format!("{e}\n{}", p.to_rules_json())))?;
            prop_assert_eq!(normalized(&from_json), normalized(&p));
            // Merging is deterministic and deny always wins for a denied namespace.
            let a = merge(&[("a", p.clone()), ("b", from_json)]);
            for ns in &p.namespaces {
                if ns.capabilities.iter().any(|c| c == "deny") {
                    prop_assert!(!a.allow_namespace(&ns.name));
                }
            }
        }
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    // Go copes with any depth; we cap it (wasm has a small stack). Real policies nest 4 deep.
    for rules in [
        format!("a = {}", "[".repeat(100_000)),
        format!("a {}", "{".repeat(100_000)),
        format!("{{\"a\": {}", "[{\"b\": ".repeat(50_000)),
        "{\"a\": ".repeat(100_000),
    ] {
        let e = err(&rules);
        assert_eq!(e.kind, PolicyErrorKind::Syntax);
    }
    let nested = format!("a = {}{}\nagent {{\n policy = \"read\"\n}}\n", "[".repeat(40), "]".repeat(40));
    assert!(parse_lenient(&nested).is_ok());
}

#[test]
fn large_policies_parse() {
    let rules: String = (0..2000).map(|i| format!("namespace \"ns-{i}\" {{\n  policy = \"read\"\n}}\n")).collect();
    let p = ok(&rules);
    assert_eq!(p.namespaces.len(), 2000);
    let a = merge(&[("big", p)]);
    assert!(a.allow_namespace_operation("ns-1999", "read-job"));
}
