//! Rendering a [`Policy`] back to rules text (HCL or HCL's JSON syntax).
//!
//! A parsed policy stores expanded capabilities; printing them all next to `policy =`
//! would bloat the rules, so capabilities that `policy =` or another capability already
//! brings back are left out. Parsing the output gives the same capability sets.
//! Strings containing `${` cannot be written in HCL1 (it has no escape for it);
//! use [`to_rules_json`] for those.

use super::tables::{
    expand_host_volume_policy, expand_namespace_policy, expand_node_pool_policy, expand_operator_policy,
    expand_sentinel_policy, implied_namespace_capabilities,
};
use super::{CapabilityBlockPolicy, LabeledPolicy, NamespacePolicy, Policy};

fn dedup(caps: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for c in caps {
        if !out.contains(&c.as_str()) {
            out.push(c);
        }
    }
    out
}

/// Capabilities that must be written explicitly.
fn explicit<'a>(caps: &'a [String], expanded: &[&str], with_implied: bool) -> Vec<&'a str> {
    let kept: Vec<&str> = dedup(caps).into_iter().filter(|c| !expanded.contains(c)).collect();
    if !with_implied {
        return kept;
    }
    // The implication table is transitively closed, so checking against what is kept
    // plus the expansion is enough.
    kept.iter()
        .copied()
        .filter(|c| {
            !kept.iter().chain(expanded.iter()).any(|d| d != c && implied_namespace_capabilities(d).contains(c))
        })
        .collect()
}

fn ns_caps(ns: &NamespacePolicy) -> Vec<&str> {
    explicit(&ns.capabilities, expand_namespace_policy(&ns.policy), true)
}

fn labeled_caps(p: &LabeledPolicy, expand: fn(&str) -> &'static [&'static str]) -> Vec<&str> {
    explicit(&p.capabilities, expand(&p.policy), false)
}

fn block_caps(p: &CapabilityBlockPolicy, expand: fn(&str) -> &'static [&'static str]) -> Vec<&str> {
    explicit(&p.capabilities, expand(&p.policy), false)
}

// -- HCL ---------------------------------------------------------------------------------

/// An HCL1 string literal.
fn q(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn list(caps: &[&str]) -> String {
    let items: Vec<String> = caps.iter().map(|c| q(c)).collect();
    format!("[{}]", items.join(", "))
}

/// Body lines for `policy` and `capabilities`, aligned like `terraform fmt`.
fn body(out: &mut String, indent: &str, policy: &str, caps: &[&str]) {
    match (policy.is_empty(), caps.is_empty()) {
        (true, true) => {}
        (false, true) => out.push_str(&format!("{indent}policy = {}\n", q(policy))),
        (true, false) => out.push_str(&format!("{indent}capabilities = {}\n", list(caps))),
        (false, false) => {
            out.push_str(&format!("{indent}policy       = {}\n", q(policy)));
            out.push_str(&format!("{indent}capabilities = {}\n", list(caps)));
        }
    }
}

pub(super) fn to_hcl(p: &Policy) -> String {
    let mut blocks: Vec<String> = Vec::new();
    for ns in &p.namespaces {
        let mut b = format!("namespace {} {{\n", q(&ns.name));
        body(&mut b, "  ", &ns.policy, &ns_caps(ns));
        if let Some(vars) = &ns.variables {
            b.push_str("\n  variables {\n");
            for path in &vars.paths {
                b.push_str(&format!("    path {} {{\n", q(&path.path_spec)));
                body(&mut b, "      ", "", &dedup(&path.capabilities));
                b.push_str("    }\n");
            }
            b.push_str("  }\n");
        }
        b.push_str("}\n");
        blocks.push(b);
    }
    for (kw, items, expand) in [
        ("node_pool", &p.node_pools, expand_node_pool_policy as fn(&str) -> &'static [&'static str]),
        ("host_volume", &p.host_volumes, expand_host_volume_policy),
    ] {
        for item in items {
            let mut b = format!("{kw} {} {{\n", q(&item.name));
            body(&mut b, "  ", &item.policy, &labeled_caps(item, expand));
            b.push_str("}\n");
            blocks.push(b);
        }
    }
    let singles = [("agent", &p.agent), ("node", &p.node)];
    for (kw, b) in singles {
        if let Some(b) = b {
            blocks.push(format!("{kw} {{\n  policy = {}\n}}\n", q(&b.policy)));
        }
    }
    for (kw, b, expand) in [
        ("operator", &p.operator, expand_operator_policy as fn(&str) -> &'static [&'static str]),
        ("sentinel", &p.sentinel, expand_sentinel_policy),
    ] {
        if let Some(b) = b {
            let mut s = format!("{kw} {{\n");
            body(&mut s, "  ", &b.policy, &block_caps(b, expand));
            s.push_str("}\n");
            blocks.push(s);
        }
    }
    for (kw, b) in [("quota", &p.quota), ("plugin", &p.plugin)] {
        if let Some(b) = b {
            blocks.push(format!("{kw} {{\n  policy = {}\n}}\n", q(&b.policy)));
        }
    }
    blocks.join("\n")
}

// -- JSON --------------------------------------------------------------------------------

fn js(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn js_list(caps: &[&str]) -> String {
    let items: Vec<String> = caps.iter().map(|c| js(c)).collect();
    format!("[{}]", items.join(", "))
}

fn js_body(policy: &str, caps: &[&str]) -> Vec<String> {
    let mut fields = Vec::new();
    if !policy.is_empty() {
        fields.push(format!("\"policy\": {}", js(policy)));
    }
    if !caps.is_empty() {
        fields.push(format!("\"capabilities\": {}", js_list(caps)));
    }
    fields
}

fn js_obj(fields: &[String]) -> String {
    format!("{{{}}}", fields.join(", "))
}

pub(super) fn to_rules_json(p: &Policy) -> String {
    let mut top: Vec<String> = Vec::new();
    if !p.namespaces.is_empty() {
        let entries: Vec<String> = p
            .namespaces
            .iter()
            .map(|ns| {
                let mut fields = js_body(&ns.policy, &ns_caps(ns));
                if let Some(vars) = &ns.variables {
                    let paths: Vec<String> = vars
                        .paths
                        .iter()
                        .map(|path| {
                            let body = js_obj(&js_body("", &dedup(&path.capabilities)));
                            format!("{{{}: {}}}", js(&path.path_spec), body)
                        })
                        .collect();
                    fields.push(format!("\"variables\": [{{\"path\": [{}]}}]", paths.join(", ")));
                }
                format!("    {{{}: {}}}", js(&ns.name), js_obj(&fields))
            })
            .collect();
        top.push(format!("  \"namespace\": [\n{}\n  ]", entries.join(",\n")));
    }
    for (kw, items, expand) in [
        ("node_pool", &p.node_pools, expand_node_pool_policy as fn(&str) -> &'static [&'static str]),
        ("host_volume", &p.host_volumes, expand_host_volume_policy),
    ] {
        if items.is_empty() {
            continue;
        }
        let entries: Vec<String> = items
            .iter()
            .map(|i| format!("    {{{}: {}}}", js(&i.name), js_obj(&js_body(&i.policy, &labeled_caps(i, expand)))))
            .collect();
        top.push(format!("  \"{kw}\": [\n{}\n  ]", entries.join(",\n")));
    }
    for (kw, b) in [("agent", &p.agent), ("node", &p.node)] {
        if let Some(b) = b {
            top.push(format!("  \"{kw}\": {}", js_obj(&[format!("\"policy\": {}", js(&b.policy))])));
        }
    }
    for (kw, b, expand) in [
        ("operator", &p.operator, expand_operator_policy as fn(&str) -> &'static [&'static str]),
        ("sentinel", &p.sentinel, expand_sentinel_policy),
    ] {
        if let Some(b) = b {
            top.push(format!("  \"{kw}\": {}", js_obj(&js_body(&b.policy, &block_caps(b, expand)))));
        }
    }
    for (kw, b) in [("quota", &p.quota), ("plugin", &p.plugin)] {
        if let Some(b) = b {
            top.push(format!("  \"{kw}\": {}", js_obj(&[format!("\"policy\": {}", js(&b.policy))])));
        }
    }
    format!("{{\n{}\n}}\n", top.join(",\n"))
}
