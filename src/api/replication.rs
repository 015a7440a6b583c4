//! ACL replication across a federation: each region's policies, roles, auth methods,
//! binding rules, namespaces and global tokens compared with the authoritative
//! region's, by ID or name and hash (replicas keep the hash, not the indexes).

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// What replicates, in the order the page shows it.
pub const KINDS: [&str; 6] = ["policies", "roles", "auth methods", "binding rules", "namespaces", "global tokens"];

/// One kind in one region, against the authoritative region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindState {
    pub kind: String,
    /// How many the authoritative region holds.
    pub expected: usize,
    /// In the authoritative region, not (yet) here.
    pub missing: Vec<String>,
    /// Here, with another hash than the authoritative copy.
    pub stale: Vec<String>,
    /// Here, no longer in the authoritative region (a delete not replicated yet).
    pub extra: Vec<String>,
    /// Why this kind could not be compared here.
    pub error: Option<String>,
}

impl KindState {
    pub fn in_sync(&self) -> bool {
        self.error.is_none() && self.missing.is_empty() && self.stale.is_empty() && self.extra.is_empty()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionState {
    pub region: String,
    pub kinds: Vec<KindState>,
}

impl RegionState {
    pub fn in_sync(&self) -> bool {
        self.kinds.iter().all(KindState::in_sync)
    }

    /// Objects that differ from the authoritative region.
    pub fn behind(&self) -> usize {
        self.kinds.iter().map(|k| k.missing.len() + k.stale.len() + k.extra.len()).sum()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplicationReport {
    pub authoritative: String,
    /// The authoritative region's own counts, per kind (`None`: not readable).
    pub sources: Vec<(String, Option<usize>)>,
    /// Every other region.
    pub regions: Vec<RegionState>,
}

impl ReplicationReport {
    /// One region, or none to compare with.
    pub fn single_region(&self) -> bool {
        self.regions.is_empty()
    }
}

/// One object as replication compares it.
#[cfg(feature = "ssr")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    pub key: String,
    /// What the page calls it (a name, else a short ID).
    pub label: String,
    pub hash: Option<String>,
}

/// `replica` against `source`: labels missing, stale and extra, each sorted.
#[cfg(feature = "ssr")]
pub fn compare(kind: &str, source: &[Held], replica: &[Held]) -> KindState {
    use std::collections::HashMap;
    let here: HashMap<&str, &Held> = replica.iter().map(|c| (c.key.as_str(), c)).collect();
    let there: HashMap<&str, &Held> = source.iter().map(|c| (c.key.as_str(), c)).collect();
    let mut state = KindState {
        kind: kind.to_string(),
        expected: source.len(),
        missing: Vec::new(),
        stale: Vec::new(),
        extra: Vec::new(),
        error: None,
    };
    for c in source {
        match here.get(c.key.as_str()) {
            None => state.missing.push(c.label.clone()),
            Some(r) if r.hash != c.hash => state.stale.push(c.label.clone()),
            Some(_) => {}
        }
    }
    state.extra = replica.iter().filter(|c| !there.contains_key(c.key.as_str())).map(|c| c.label.clone()).collect();
    state.missing.sort();
    state.stale.sort();
    state.extra.sort();
    state
}

/// Every replicated kind of one region, in [`KINDS`] order.
#[cfg(feature = "ssr")]
async fn read_region(
    nomad: &crate::nomad::client::NomadClient,
    q: &crate::nomad::client::QueryOptions,
) -> Vec<Result<Vec<Held>, String>> {
    fn short(id: &str) -> String {
        id.chars().take(8).collect()
    }
    fn done<T>(
        r: Result<(Vec<T>, crate::nomad::client::QueryMeta), crate::nomad::error::NomadError>,
        f: impl Fn(T) -> Held,
    ) -> Result<Vec<Held>, String> {
        r.map(|(items, _)| items.into_iter().map(f).collect()).map_err(|e| e.to_string())
    }
    let (p, r, m, b, n, t) = (
        nomad.acl_policies(),
        nomad.acl_roles(),
        nomad.acl_auth_methods(),
        nomad.acl_binding_rules(),
        nomad.namespaces(),
        nomad.acl_tokens(),
    );
    let (policies, roles, methods, rules, namespaces, tokens) =
        tokio::join!(p.list(q), r.list(q), m.list(q), b.list(q), n.list(q), t.list(q));
    vec![
        done(policies, |p| Held { key: p.name.clone(), label: p.name, hash: p.hash }),
        done(roles, |r| Held { key: r.id, label: r.name, hash: r.hash }),
        done(methods, |m| Held { key: m.name.clone(), label: m.name, hash: m.hash }),
        done(rules, |b| Held { label: format!("{} ({})", short(&b.id), b.auth_method), key: b.id, hash: b.hash }),
        done(namespaces, |n| Held { key: n.name.clone(), label: n.name, hash: n.hash }),
        tokens.map_err(|e| e.to_string()).map(|(list, _)| {
            list.into_iter()
                .filter(|t| t.global)
                .map(|t| Held {
                    label: if t.name.is_empty() { short(&t.accessor_id) } else { t.name.clone() },
                    key: t.accessor_id,
                    hash: t.hash,
                })
                .collect()
        }),
    ]
}

/// Every region compared with the authoritative one, read with the caller's token.
#[server(output = JsonText)]
pub async fn get_replication() -> Result<ReplicationReport, ApiError> {
    let c = super::context::caller()?;
    let regions = c.nomad.regions(&c.query).await?;
    let agent =
        c.nomad.agent_regions_kept(&c.query).await.map_err(|e| {
            ApiError::Invalid(format!("The authoritative region is read from the agent (agent:read): {e}"))
        })?;
    let in_region = |r: &str| c.query.clone().with_region(r.to_string());
    let source = read_region(&c.nomad, &in_region(&agent.authoritative)).await;
    let others: Vec<String> = regions.into_iter().filter(|r| *r != agent.authoritative).collect();
    let replicas = futures::future::join_all(others.iter().map(|r| {
        let q = in_region(r);
        let nomad = c.nomad.clone();
        async move { read_region(&nomad, &q).await }
    }))
    .await;
    let regions = others
        .into_iter()
        .zip(replicas)
        .map(|(region, copies)| RegionState {
            region,
            kinds: KINDS
                .iter()
                .zip(source.iter().zip(copies))
                .map(|(kind, (there, here))| match (there, here) {
                    (Ok(there), Ok(here)) => compare(kind, there, &here),
                    (Err(e), _) => unreadable(kind, format!("not readable in the authoritative region: {e}")),
                    (_, Err(e)) => unreadable(kind, e),
                })
                .collect(),
        })
        .collect();
    Ok(ReplicationReport {
        sources: KINDS.iter().zip(&source).map(|(k, s)| (k.to_string(), s.as_ref().ok().map(Vec::len))).collect(),
        authoritative: agent.authoritative,
        regions,
    })
}

#[cfg(feature = "ssr")]
fn unreadable(kind: &str, error: String) -> KindState {
    KindState {
        kind: kind.to_string(),
        expected: 0,
        missing: Vec::new(),
        stale: Vec::new(),
        extra: Vec::new(),
        error: Some(error),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    fn c(key: &str, hash: &str) -> Held {
        Held { key: key.into(), label: format!("L{key}"), hash: Some(hash.into()) }
    }

    #[test]
    fn compare_finds_missing_stale_and_extra() {
        let source = [c("a", "1"), c("b", "2"), c("c", "3")];
        let replica = [c("a", "1"), c("b", "old"), c("z", "9")];
        let s = compare("policies", &source, &replica);
        assert_eq!(s.expected, 3);
        assert_eq!(s.missing, ["Lc"]);
        assert_eq!(s.stale, ["Lb"]);
        assert_eq!(s.extra, ["Lz"]);
        assert!(!s.in_sync());
        assert!(compare("policies", &source, &source).in_sync());
    }
}
