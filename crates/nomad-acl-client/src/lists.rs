//! The token, role and policy lists together, for the pages that cross-reference
//! them (tokens, overview, roles, policies).
//!
//! The token list is kept as [`AclTokens::list_all`](super::AclTokens::list_all)
//! says. The role and policy lists are kept too, per caller token, but only for a
//! caller this same call showed to hold a management token (its token listing
//! succeeded): such a caller sees every role and policy, so its lists depend on
//! nothing but their tables. A kept list is used when a probe (an empty answer
//! that carries the table index) answers the index it was fetched at, and the
//! caller was shown to be management at the same `acl_token` index as when it was
//! kept: a token changing type between the check and the fetch moves that index,
//! so a list fetched by a caller demoted meanwhile is never reused. Any other
//! caller gets the lists fetched afresh, as Nomad filters them for it.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use super::list_cache::{key, Kept, Key, ListCache};
use super::{NomadClient, QueryMeta, QueryOptions};
use nomad_acl_core::error::NomadError;
use nomad_acl_core::models::{AclPolicyListStub, AclRoleListStub, AclTokenListStub};

/// A whole list and the answer's metadata.
pub type Listed<T> = Result<(Arc<Vec<T>>, QueryMeta), NomadError>;

/// The three lists, each with its own outcome: a client token is refused the
/// token list but may still see some roles and policies.
pub struct AclLists {
    pub tokens: Listed<AclTokenListStub>,
    pub roles: Listed<AclRoleListStub>,
    pub policies: Listed<AclPolicyListStub>,
}

impl NomadClient {
    /// Every token, role and policy the caller can see (`prefix`, `filter`, paging and
    /// blocking in `q` are ignored). Three small requests when nothing changed.
    pub async fn acl_lists(&self, q: &QueryOptions) -> AclLists {
        let q = QueryOptions {
            prefix: None,
            filter: None,
            per_page: None,
            next_token: None,
            index: 0,
            wait: None,
            ..q.clone()
        };
        let (t, r, p) = (self.acl_tokens(), self.acl_roles(), self.acl_policies());
        let (tokens, roles_at, policies_at) = futures::join!(t.list_all(&q), r.probe(&q), p.probe(&q));
        let (roles, policies) = match &tokens {
            Ok((_, shown)) => {
                let region = q.region.as_deref().or(self.region());
                let key = key(q.auth_token.as_ref().map(|s| s.expose()), region);
                let proof = shown.last_index;
                futures::join!(
                    kept(&self.inner.role_lists, &key, proof, roles_at, r.list(&q)),
                    kept(&self.inner.policy_lists, &key, proof, policies_at, p.list(&q)),
                )
            }
            Err(_) => {
                let (roles, policies) = futures::join!(r.list(&q), p.list(&q));
                (roles.map(|(l, m)| (Arc::new(l), m)), policies.map(|(l, m)| (Arc::new(l), m)))
            }
        };
        AclLists { tokens, roles, policies }
    }
}

/// The kept list of `key` if `probed` and `proof` say it is current, else `fetch`'s (then kept).
async fn kept<T>(
    cache: &ListCache<T>,
    key: &Key,
    proof: u64,
    probed: Result<QueryMeta, NomadError>,
    fetch: impl Future<Output = Result<(Vec<T>, QueryMeta), NomadError>>,
) -> Listed<T> {
    let probed = probed?;
    if let Some(k) = cache.get(key) {
        if k.index == probed.last_index && k.proof == proof {
            return Ok((k.list, probed));
        }
    }
    let fetched_at = Instant::now();
    let (list, meta) = fetch.await?;
    let list = Arc::new(list);
    cache.put(key, Kept { index: meta.last_index, list: list.clone(), fetched_at, proof });
    Ok((list, meta))
}
