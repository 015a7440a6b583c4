//! "What it grants": one policy's rules compiled by the policy module (the same
//! merge Nomad does for a token), shown per namespace pattern and per area.
//! Runs in the browser too, so the editor's preview follows the typing.

use leptos::prelude::*;

use crate::nomad::policy::{parse, CapabilitySet, Disposition, EffectivePermissions};

/// Capabilities granted for one label (namespace, node pool or host volume pattern).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelGrant {
    pub label: String,
    /// Sorted; empty when denied.
    pub capabilities: Vec<String>,
    /// `deny` won: nothing here, and other policies cannot add to it.
    pub denied: bool,
    /// For a namespace rule, the existing namespaces it decides (the rule Nomad picks
    /// for each: the exact name, else the closest glob); `None` when they are not known.
    pub decides: Option<Vec<String>>,
}

/// Variables rights for one (namespace, path) pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VariableGrant {
    pub namespace: String,
    pub path: String,
    pub capabilities: Vec<String>,
}

/// A singleton area (`node`, `agent`, ...) and its effective disposition (`""`: no block).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaGrant {
    pub area: &'static str,
    pub disposition: String,
}

/// What a policy grants, as plain rows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Grants {
    pub namespaces: Vec<LabelGrant>,
    pub variables: Vec<VariableGrant>,
    pub node_pools: Vec<LabelGrant>,
    pub host_volumes: Vec<LabelGrant>,
    /// node, agent, operator, quota, plugin, always in that order.
    pub areas: Vec<AreaGrant>,
    pub operator_capabilities: Vec<String>,
}

impl Grants {
    /// Nothing at all is granted or denied.
    pub fn is_empty(&self) -> bool {
        self.namespaces.is_empty()
            && self.variables.is_empty()
            && self.node_pools.is_empty()
            && self.host_volumes.is_empty()
            && self.areas.iter().all(|a| a.disposition.is_empty())
            && self.operator_capabilities.is_empty()
    }
}

fn label_grants<'a>(maps: impl IntoIterator<Item = (&'a String, &'a CapabilitySet)>) -> Vec<LabelGrant> {
    let mut out: Vec<LabelGrant> = maps
        .into_iter()
        .map(|(label, set)| LabelGrant {
            label: label.clone(),
            denied: set.is_denied(),
            capabilities: if set.is_denied() { Vec::new() } else { set.names().map(str::to_string).collect() },
            decides: None,
        })
        .collect();
    out.sort_by(|a, b| a.label.cmp(&b.label));
    out
}

fn area(area: &'static str, d: &Disposition) -> AreaGrant {
    AreaGrant { area, disposition: d.effective.clone() }
}

/// The rows for compiled permissions (exact and glob patterns together, by label).
pub fn grants(p: &EffectivePermissions) -> Grants {
    let mut variables: Vec<VariableGrant> = p
        .variables
        .iter()
        .chain(p.wildcard_variables.iter())
        .map(|(k, set)| VariableGrant {
            namespace: k.namespace.clone(),
            path: k.path.clone(),
            capabilities: set.names().map(str::to_string).collect(),
        })
        .collect();
    variables.sort_by(|a, b| (&a.namespace, &a.path).cmp(&(&b.namespace, &b.path)));
    Grants {
        namespaces: label_grants(p.namespaces.iter().chain(p.wildcard_namespaces.iter())),
        variables,
        node_pools: label_grants(p.node_pools.iter().chain(p.wildcard_node_pools.iter())),
        host_volumes: label_grants(p.host_volumes.iter().chain(p.wildcard_host_volumes.iter())),
        areas: vec![
            area("node", &p.node),
            area("agent", &p.agent),
            area("operator", &p.operator),
            area("quota", &p.quota),
            area("plugin", &p.plugin),
        ],
        operator_capabilities: if p.operator_capabilities.is_denied() {
            Vec::new()
        } else {
            p.operator_capabilities.names().map(str::to_string).collect()
        },
    }
}

/// What one policy's rules grant, or the parse error's text.
pub fn grants_of_rules(rules: &str) -> Result<Grants, String> {
    grants_in(rules, None)
}

/// As [`grants_of_rules`], each namespace rule with the existing `namespaces` it decides.
pub fn grants_in(rules: &str, namespaces: Option<&[String]>) -> Result<Grants, String> {
    let policy = parse(rules).map_err(|e| e.to_string())?;
    let acl = EffectivePermissions::from_policies([("this policy", &policy)]);
    let mut g = grants(&acl);
    if let Some(names) = namespaces {
        let mut decided: std::collections::HashMap<&str, Vec<String>> = std::collections::HashMap::new();
        for ns in names {
            if let Some((pattern, _)) = acl.matching_namespace(ns) {
                decided.entry(pattern).or_default().push(ns.clone());
            }
        }
        for row in &mut g.namespaces {
            row.decides = Some(decided.remove(row.label.as_str()).unwrap_or_default());
        }
    }
    Ok(g)
}

/// A disposition in words.
pub fn disposition_text(area: &str, d: &str) -> &'static str {
    match (area, d) {
        (_, "") => "nothing",
        (_, "deny") => "denied (also overrides other policies)",
        ("plugin", "list") => "list plugins",
        ("plugin", "read") => "list and read plugins",
        ("plugin", "write") => "write (Nomad's plugin checks accept only read and list)",
        (_, "read") => "read",
        (_, "write") => "read and write",
        (_, "list") => "list",
        _ => "unrecognized",
    }
}

/// The preview panel; `rules` may change as the user types.
#[component]
pub fn PolicyPreview(
    #[prop(into)] rules: Signal<String>,
    /// The cluster's namespaces, once known: each namespace rule then says which it decides.
    #[prop(optional, into)]
    namespaces: Option<Signal<Option<Vec<String>>>>,
) -> impl IntoView {
    let result = Memo::new(move |_| {
        let names = namespaces.and_then(|n| n.get());
        rules.with(|r| grants_in(r, names.as_deref()))
    });
    view! {
        <section class="panel policy-preview" aria-labelledby="preview-title" data-testid="policy-preview">
            <h2 id="preview-title">"What it grants"</h2>
            {move || match result.get() {
                Err(_) => view! { <p class="muted" data-testid="preview-invalid">"Fix the rules to see what they grant."</p> }.into_any(),
                Ok(g) if g.is_empty() => view! { <p class="muted" data-testid="preview-empty">"Nothing: these rules grant no rights."</p> }.into_any(),
                Ok(g) => view! { <GrantsView g /> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn GrantsView(g: Grants) -> impl IntoView {
    let caps = |c: Vec<String>| c.into_iter().map(|c| view! { <code class="tag">{c}</code> }).collect_view();
    let labeled = move |kind: &'static str, rows: Vec<LabelGrant>| {
        rows.into_iter()
            .map(|r| {
                view! {
                    <tr data-grant=kind data-label=r.label.clone()>
                        <th scope="row">{kind.replace('_', " ")} " " <code>{r.label.clone()}</code></th>
                        <td>
                            {if r.denied {
                                view! { <span class="expired">"denied (also overrides other policies)"</span> }.into_any()
                            } else if r.capabilities.is_empty() {
                                view! { <span class="muted">"nothing"</span> }.into_any()
                            } else {
                                caps(r.capabilities).into_any()
                            }}
                            {r.decides.map(|names| if names.is_empty() {
                                view! { <p class="warning small" data-testid="preview-no-namespace">"Decides no existing namespace."</p> }.into_any()
                            } else {
                                view! { <p class="muted small" data-testid="preview-decides">"Decides " {names.join(", ")}</p> }.into_any()
                            })}
                        </td>
                    </tr>
                }
            })
            .collect_view()
    };
    let no_namespace = g.namespaces.is_empty();
    view! {
        <table class="data-table grants">
            <thead><tr><th scope="col">"Where"</th><th scope="col">"Rights"</th></tr></thead>
            <tbody>
                {no_namespace.then(|| view! {
                    <tr data-grant="namespace"><th scope="row">"namespaces"</th><td class="muted">"nothing (no namespace rule)"</td></tr>
                })}
                {labeled("namespace", g.namespaces)}
                {g.variables.into_iter().map(|v| view! {
                    <tr data-grant="variables" data-label=format!("{}:{}", v.namespace, v.path)>
                        <th scope="row">"variables " <code>{v.path.clone()}</code> " in " <code>{v.namespace.clone()}</code></th>
                        <td>{if v.capabilities.is_empty() {
                            view! { <span class="muted">"nothing"</span> }.into_any()
                        } else {
                            caps(v.capabilities).into_any()
                        }}</td>
                    </tr>
                }).collect_view()}
                {labeled("node_pool", g.node_pools)}
                {labeled("host_volume", g.host_volumes)}
                {g.areas.into_iter().map(|a| {
                    let text = disposition_text(a.area, &a.disposition);
                    let (none, denied) = (a.disposition.is_empty(), a.disposition == "deny");
                    view! {
                        <tr data-grant=a.area>
                            <th scope="row">{a.area}</th>
                            <td class:muted=none class:expired=denied>{text}</td>
                        </tr>
                    }
                }).collect_view()}
                {(!g.operator_capabilities.is_empty()).then(|| view! {
                    <tr data-grant="operator-capabilities">
                        <th scope="row">"operator capabilities"</th>
                        <td>{caps(g.operator_capabilities)}</td>
                    </tr>
                })}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_read_expands_to_its_capabilities() {
        let g = grants_of_rules("namespace \"default\" {\n  policy = \"read\"\n}\nnode {\n  policy = \"write\"\n}\n")
            .unwrap();
        assert_eq!(g.namespaces.len(), 1);
        assert_eq!(g.namespaces[0].label, "default");
        for c in ["list-jobs", "read-job"] {
            assert!(g.namespaces[0].capabilities.iter().any(|x| x == c), "{c} in {:?}", g.namespaces[0].capabilities);
        }
        assert!(!g.namespaces[0].capabilities.iter().any(|x| x == "submit-job"));
        let node = g.areas.iter().find(|a| a.area == "node").unwrap();
        assert_eq!(node.disposition, "write");
        let agent = g.areas.iter().find(|a| a.area == "agent").unwrap();
        assert_eq!(agent.disposition, "");
        assert!(!g.is_empty());
    }

    #[test]
    fn globs_variables_pools_volumes_and_deny() {
        let rules = r#"
namespace "*" {
  policy = "deny"
}
namespace "team-*" {
  capabilities = ["submit-job"]
  variables {
    path "app/*" {
      capabilities = ["read", "list"]
    }
  }
}
node_pool "gpu" {
  policy = "read"
}
host_volume "data-*" {
  policy = "write"
}
operator {
  policy = "read"
}
"#;
        let g = grants_of_rules(rules).unwrap();
        let labels: Vec<&str> = g.namespaces.iter().map(|n| n.label.as_str()).collect();
        assert_eq!(labels, vec!["*", "team-*"]);
        assert!(g.namespaces[0].denied && g.namespaces[0].capabilities.is_empty());
        assert_eq!(g.namespaces[1].capabilities, vec!["submit-job".to_string()]);
        assert_eq!(g.variables.len(), 1);
        assert_eq!((g.variables[0].namespace.as_str(), g.variables[0].path.as_str()), ("team-*", "app/*"));
        assert_eq!(g.variables[0].capabilities, vec!["list".to_string(), "read".to_string()]);
        assert_eq!(g.node_pools[0].label, "gpu");
        assert!(g.node_pools[0].capabilities.iter().any(|c| c == "read"));
        assert_eq!(g.host_volumes[0].label, "data-*");
        assert!(!g.host_volumes[0].capabilities.is_empty());
        assert_eq!(g.areas.iter().find(|a| a.area == "operator").unwrap().disposition, "read");
    }

    #[test]
    fn each_namespace_rule_says_which_existing_namespaces_it_decides() {
        let rules = "namespace \"payments-dev\" { policy = \"write\" }\nnamespace \"*-dev\" { policy = \"read\" }\nnamespace \"gone\" { policy = \"read\" }";
        let names: Vec<String> = ["payments-dev", "search-dev", "default"].map(String::from).to_vec();
        let g = grants_in(rules, Some(&names)).unwrap();
        let decides = |label: &str| g.namespaces.iter().find(|n| n.label == label).unwrap().decides.clone().unwrap();
        assert_eq!(decides("payments-dev"), ["payments-dev"]);
        assert_eq!(decides("*-dev"), ["search-dev"], "the exact rule wins payments-dev");
        assert!(decides("gone").is_empty());
        assert!(grants_of_rules(rules).unwrap().namespaces.iter().all(|n| n.decides.is_none()));
    }

    #[test]
    fn empty_and_invalid_rules() {
        assert!(grants_of_rules("").unwrap().is_empty());
        assert!(grants_of_rules("node { policy = \"bogus\" }").is_err());
        assert_eq!(disposition_text("node", ""), "nothing");
        assert_eq!(disposition_text("plugin", "list"), "list plugins");
    }
}
