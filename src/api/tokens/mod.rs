//! The tokens list: filtered, sorted and paged on the server, so the browser
//! only ever receives one page of rows (and never a SecretID: list stubs carry none).

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

pub mod delete;
pub mod detail;
pub mod form;
pub mod lifetime;
pub mod secret;

/// The page sizes offered; anything else falls back to the first.
pub const PER_PAGE_CHOICES: [usize; 3] = [25, 50, 100];

/// What the list shows, exactly as the URL's query parameters carry it.
/// Empty strings mean "no filter"; unknown values are ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenListParams {
    /// Substring of the name or the accessor ID (case-insensitive).
    pub search: String,
    /// `client`, `management` or empty (all).
    pub kind: String,
    /// `expired`, `24h`, `never` or empty (all).
    pub expiry: String,
    /// A role name.
    pub role: String,
    /// A policy name (attached directly).
    pub policy: String,
    /// `none`: client tokens none of whose policies exist.
    pub resolves: String,
    /// `name`, `type`, `created`, `expires`; empty means newest first.
    pub sort: String,
    /// `asc` or `desc`.
    pub dir: String,
    /// 1-based; 0 or past the end is clamped.
    pub page: usize,
    pub per_page: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenRow {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    pub roles: Vec<RoleRef>,
    pub policies: Vec<PolicyRef>,
    pub global: bool,
    /// Unix seconds.
    pub create_time: i64,
    /// Raft index of the creation: orders tokens created within the same second.
    pub create_index: u64,
    pub expires_at: Option<i64>,
    /// The signed-in token itself.
    pub is_self: bool,
    /// A client token none of whose policies (direct or through its roles) exist.
    pub grants_nothing: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRef {
    pub id: String,
    /// The role's name; for a deleted role whose name is not known, a short ID.
    pub name: String,
    /// `false` when the role was deleted (a dangling link: it grants nothing).
    pub exists: bool,
}

impl RoleRef {
    /// A link to a role that no longer exists, named by what is known of it.
    pub fn deleted(id: &str, name: &str) -> Self {
        let name = if name.is_empty() { id.chars().take(8).collect() } else { name.to_string() };
        RoleRef { id: id.to_string(), name, exists: false }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyRef {
    pub name: String,
    /// `false` when the policy was deleted (a dangling reference).
    pub exists: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenPage {
    pub rows: Vec<TokenRow>,
    /// Tokens matching the filters (all pages).
    pub total: usize,
    /// Every token, before filtering.
    pub all: usize,
    /// The page shown (1-based, clamped) and how many there are (at least 1).
    pub page: usize,
    pub pages: usize,
    pub per_page: usize,
    /// The server's clock, unix seconds, so relative times render the same everywhere.
    pub server_now: i64,
    /// Names for the role and policy filter choices, sorted.
    pub role_names: Vec<String>,
    pub policy_names: Vec<String>,
}

#[server(output = JsonText)]
pub async fn get_token_page(params: TokenListParams) -> Result<TokenPage, ApiError> {
    use super::context::{cached, caller};
    let s = caller()?;
    let key = format!("get_token_page:{}", serde_json::to_string(&params).unwrap_or_default());
    cached(key, async move {
        let client = s.nomad.clone();
        let q = s.query.clone();
        let lists = client.acl_lists(&q).await;
        // Listing tokens needs a management token: say so plainly.
        let (tokens, tm) = lists.tokens?;
        let (roles, rm) = lists.roles?;
        let (policies, pm) = lists.policies?;
        let key = (s.session.accessor_id.clone(), tm.last_index, rm.last_index, pm.last_index);
        let rows = list::rows_for(key, || list::Rows::new(tokens.clone(), &roles, &policies, &s.session.accessor_id));
        Ok(list::page_of(&rows, &params, time::OffsetDateTime::now_utc()))
    })
    .await
}

/// Filtering, sorting and paging on plain data (server only).
#[cfg(feature = "ssr")]
pub mod list {
    use std::cmp::Ordering;
    use std::collections::{HashMap, HashSet};
    use std::sync::Arc;

    use time::OffsetDateTime;

    use super::{PolicyRef, RoleRef, TokenListParams, TokenPage, TokenRow, PER_PAGE_CHOICES};
    use crate::nomad::models::{AclPolicyListStub, AclRoleListStub, AclTokenListStub, AclTokenRoleLink};

    /// One page of rows for `params`, from the full lists.
    pub fn page(
        tokens: &[AclTokenListStub],
        roles: &[AclRoleListStub],
        policies: &[AclPolicyListStub],
        params: &TokenListParams,
        self_accessor: &str,
        now: OffsetDateTime,
    ) -> TokenPage {
        page_of(&Rows::new(Arc::new(tokens.to_vec()), roles, policies, self_accessor), params, now)
    }

    /// What a page is cut from: the token list itself (shared with the client's
    /// kept list, not copied), its default order and what each row needs from the
    /// role and policy lists. Kept between requests while the lists it came from
    /// are unchanged (`rows_for`). Rows are built for the page shown only: a
    /// second copy of 10,000 tokens as rows held 6 MB.
    pub struct Rows {
        tokens: Arc<Vec<AclTokenListStub>>,
        /// Indexes into `tokens`, newest first: the default view's sort is one pass.
        order: Vec<u32>,
        /// By token index: a client token none of whose policies (direct or
        /// through its roles) exist.
        grants_nothing: Vec<bool>,
        role_by_id: HashMap<String, String>,
        existing: HashSet<String>,
        self_accessor: String,
        pub role_names: Vec<String>,
        pub policy_names: Vec<String>,
    }

    impl Rows {
        pub fn new(
            tokens: Arc<Vec<AclTokenListStub>>,
            roles: &[AclRoleListStub],
            policies: &[AclPolicyListStub],
            self_accessor: &str,
        ) -> Self {
            let mut role_names: Vec<String> = roles.iter().map(|r| r.name.clone()).collect();
            role_names.sort();
            let mut policy_names: Vec<String> = policies.iter().map(|p| p.name.clone()).collect();
            policy_names.sort();
            let existing: HashSet<String> = policy_names.iter().cloned().collect();
            let role_by_id: HashMap<&str, &AclRoleListStub> = roles.iter().map(|r| (r.id.as_str(), r)).collect();
            let grants_nothing = tokens
                .iter()
                .map(|t| t.grants_nothing(|p| existing.contains(p), |id| role_by_id.get(id).copied()))
                .collect();
            let mut order: Vec<u32> = (0..tokens.len() as u32).collect();
            order.sort_by(|&a, &b| default_order(&tokens[a as usize], &tokens[b as usize]));
            Rows {
                order,
                grants_nothing,
                role_by_id: roles.iter().map(|r| (r.id.clone(), r.name.clone())).collect(),
                existing,
                self_accessor: self_accessor.to_string(),
                role_names,
                policy_names,
                tokens,
            }
        }

        /// Every token, before filtering.
        pub fn len(&self) -> usize {
            self.tokens.len()
        }

        pub fn is_empty(&self) -> bool {
            self.tokens.is_empty()
        }

        /// A role link as shown: its name from the role list (Nomad's token list
        /// leaves it blank, Nomad issue 18451), or marked deleted when the role is gone.
        fn role_ref(&self, l: &AclTokenRoleLink) -> RoleRef {
            match self.role_by_id.get(&l.id) {
                Some(name) => RoleRef { id: l.id.clone(), name: name.clone(), exists: true },
                None => RoleRef::deleted(&l.id, &l.name),
            }
        }

        /// The row of token `i` (an index into the token list).
        pub fn row(&self, i: usize) -> TokenRow {
            let t = &self.tokens[i];
            TokenRow {
                accessor_id: t.accessor_id.clone(),
                name: t.name.clone(),
                token_type: t.token_type.clone(),
                roles: links(t).iter().map(|l| self.role_ref(l)).collect(),
                policies: t
                    .policies
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .map(|p| PolicyRef { name: p.clone(), exists: self.existing.contains(p) })
                    .collect(),
                global: t.global,
                create_time: t.create_time.unix_timestamp(),
                create_index: t.create_index,
                expires_at: t.expiration_time.map(|e| e.unix_timestamp()),
                is_self: !self.self_accessor.is_empty() && t.accessor_id == self.self_accessor,
                grants_nothing: self.grants_nothing[i],
            }
        }

        /// Whether token `i` passes every filter in `p`; `search` is `p.search`
        /// trimmed and lowercased (once per page, not once per token).
        fn matches(&self, i: usize, p: &TokenListParams, search: &str, now: i64) -> bool {
            let t = &self.tokens[i];
            if !search.is_empty()
                && !t.name.to_lowercase().contains(search)
                && !t.accessor_id.to_lowercase().contains(search)
            {
                return false;
            }
            match p.kind.as_str() {
                "client" | "management" if t.token_type != p.kind => return false,
                _ => {}
            }
            let expires = || t.expiration_time.map(|e| e.unix_timestamp());
            let ok = match p.expiry.as_str() {
                "expired" => expires().is_some_and(|e| e <= now),
                "24h" => expires().is_some_and(|e| e > now && e <= now + 86_400),
                "never" => expires().is_none(),
                _ => true,
            };
            if !ok {
                return false;
            }
            if !p.role.is_empty() && !links(t).iter().any(|l| self.role_by_id.get(&l.id).is_some_and(|n| *n == p.role))
            {
                return false;
            }
            if !p.policy.is_empty() && !t.policies.as_deref().unwrap_or_default().contains(&p.policy) {
                return false;
            }
            // The same judgement as the overview's health check.
            if p.resolves == "none" && !self.grants_nothing[i] {
                return false;
            }
            true
        }

        /// Sorts token indexes by the named column; ties (and no sort) fall back to
        /// newest first (creation time, then creation index), then accessor.
        fn sort(&self, idx: &mut [u32], by: &str, dir: &str) {
            if !matches!(by, "name" | "type" | "created" | "expires") {
                // No sort: `idx` follows `order`, which is the default order already
                // (checking that took 10,000 comparisons a page).
                return;
            }
            let desc = dir == "desc";
            let t = |i: u32| &self.tokens[i as usize];
            if by == "name" {
                // Lowercased once per row, not once per comparison.
                let mut keyed: Vec<(String, u32)> = idx.iter().map(|&i| (t(i).name.to_lowercase(), i)).collect();
                keyed.sort_by(|(x, a), (y, b)| {
                    let primary = if desc { y.cmp(x) } else { x.cmp(y) };
                    primary.then_with(|| default_order(t(*a), t(*b)))
                });
                for (slot, (_, i)) in idx.iter_mut().zip(keyed) {
                    *slot = i;
                }
                return;
            }
            idx.sort_by(|&a, &b| {
                let (a, b) = (t(a), t(b));
                let primary = match by {
                    "type" => a.token_type.cmp(&b.token_type),
                    "created" => newest_first(b, a),
                    // Never-expiring tokens sort after every expiring one (ascending).
                    "expires" => match (a.expiration_time, b.expiration_time) {
                        (Some(x), Some(y)) => x.cmp(&y),
                        (Some(_), None) => Ordering::Less,
                        (None, Some(_)) => Ordering::Greater,
                        (None, None) => Ordering::Equal,
                    },
                    _ => Ordering::Equal,
                };
                let primary = if desc { primary.reverse() } else { primary };
                primary.then_with(|| default_order(a, b))
            });
        }
    }

    fn links(t: &AclTokenListStub) -> &[AclTokenRoleLink] {
        t.roles.as_deref().unwrap_or_default()
    }

    /// Whose rows, at which indexes of the token, role and policy tables.
    pub type RowsKey = (String, u64, u64, u64);

    /// The rows for `key`, built by `build` unless the last build for it is kept.
    /// Nomad bumps a table's index on every change to it, so equal indexes mean
    /// equal lists; one entry per signed-in token, a few tokens at most.
    pub fn rows_for(key: RowsKey, build: impl FnOnce() -> Rows) -> Arc<Rows> {
        use std::sync::{Mutex, OnceLock};
        type Kept = Mutex<Vec<(RowsKey, Arc<Rows>)>>;
        static KEPT: OnceLock<Kept> = OnceLock::new();
        const KEEP: usize = 8;
        let kept = KEPT.get_or_init(Mutex::default);
        let found = {
            let list = kept.lock().unwrap_or_else(|e| e.into_inner());
            list.iter().find(|(k, _)| *k == key).map(|(_, r)| r.clone())
        };
        if let Some(rows) = found {
            return rows;
        }
        let rows = Arc::new(build());
        let mut list = kept.lock().unwrap_or_else(|e| e.into_inner());
        list.retain(|(k, _)| k.0 != key.0);
        if list.len() >= KEEP {
            list.remove(0);
        }
        list.push((key, rows.clone()));
        rows
    }

    /// One page of `all`'s rows for `params`: rows are built for that page only.
    pub fn page_of(all: &Rows, params: &TokenListParams, now: OffsetDateTime) -> TokenPage {
        let now_unix = now.unix_timestamp();
        let search = params.search.trim().to_lowercase();
        let mut matching: Vec<u32> =
            all.order.iter().copied().filter(|&i| all.matches(i as usize, params, &search, now_unix)).collect();
        all.sort(&mut matching, &params.sort, &params.dir);
        let per_page = per_page(params.per_page);
        let total = matching.len();
        let (page, pages) = bounds(params.page, per_page, total);
        let rows =
            matching.into_iter().skip((page - 1) * per_page).take(per_page).map(|i| all.row(i as usize)).collect();
        TokenPage {
            rows,
            total,
            all: all.len(),
            page,
            pages,
            per_page,
            server_now: now_unix,
            role_names: all.role_names.clone(),
            policy_names: all.policy_names.clone(),
        }
    }

    /// Creation time, then creation index (orders tokens made within one second), newest first.
    fn newest_first(a: &AclTokenListStub, b: &AclTokenListStub) -> Ordering {
        b.create_time.cmp(&a.create_time).then(b.create_index.cmp(&a.create_index))
    }

    /// The order without a sort, and every sort's tie-break: newest first, then accessor.
    fn default_order(a: &AclTokenListStub, b: &AclTokenListStub) -> Ordering {
        newest_first(a, b).then_with(|| a.accessor_id.cmp(&b.accessor_id))
    }

    /// The page size asked for, if offered; otherwise the smallest.
    pub fn per_page(asked: usize) -> usize {
        if PER_PAGE_CHOICES.contains(&asked) {
            asked
        } else {
            PER_PAGE_CHOICES[0]
        }
    }

    /// (page, pages): the page clamped to 1..=pages, with at least one page.
    pub fn bounds(asked: usize, per_page: usize, total: usize) -> (usize, usize) {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        (asked.clamp(1, pages), pages)
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::nomad::models::{AclRolePolicyLink, AclTokenRoleLink};

        const NOW: i64 = 1_800_000_000;

        fn at(unix: i64) -> OffsetDateTime {
            OffsetDateTime::from_unix_timestamp(unix).unwrap()
        }

        fn token(
            name: &str,
            kind: &str,
            policies: &[&str],
            roles: &[&str],
            created: i64,
            exp: Option<i64>,
        ) -> AclTokenListStub {
            AclTokenListStub {
                accessor_id: format!("{name}-accessor"),
                name: name.into(),
                token_type: kind.into(),
                policies: Some(policies.iter().map(|p| p.to_string()).collect()),
                roles: Some(
                    roles.iter().map(|r| AclTokenRoleLink { id: r.to_string(), name: String::new() }).collect(),
                ),
                create_time: at(created),
                expiration_time: exp.map(at),
                ..Default::default()
            }
        }

        fn fixture() -> (Vec<AclTokenListStub>, Vec<AclRoleListStub>, Vec<AclPolicyListStub>) {
            let tokens = vec![
                token("alpha", "client", &["read"], &["r1"], NOW - 300, None),
                token("Bravo", "client", &["gone"], &[], NOW - 200, Some(NOW - 60)),
                token("charlie", "management", &[], &[], NOW - 100, Some(NOW + 3600)),
                token("delta", "client", &["read", "gone"], &[], NOW - 400, Some(NOW + 3 * 86_400)),
            ];
            let roles = vec![AclRoleListStub {
                id: "r1".into(),
                name: "ops".into(),
                policies: vec![AclRolePolicyLink { name: "read".into() }],
                ..Default::default()
            }];
            let policies = vec![AclPolicyListStub { name: "read".into(), ..Default::default() }];
            (tokens, roles, policies)
        }

        /// Every token's row, in the token list's order.
        fn rows(t: &[AclTokenListStub], r: &[AclRoleListStub], p: &[AclPolicyListStub], me: &str) -> Vec<TokenRow> {
            let all = Rows::new(Arc::new(t.to_vec()), r, p, me);
            (0..all.len()).map(|i| all.row(i)).collect()
        }

        fn names(p: &TokenListParams) -> Vec<String> {
            let (t, r, pol) = fixture();
            page(&t, &r, &pol, p, "charlie-accessor", at(NOW)).rows.into_iter().map(|r| r.name).collect()
        }

        fn with(f: impl FnOnce(&mut TokenListParams)) -> TokenListParams {
            let mut p = TokenListParams::default();
            f(&mut p);
            p
        }

        #[test]
        fn fills_role_names_and_marks_deleted_policies_and_self() {
            let (t, r, p) = fixture();
            let all = rows(&t, &r, &p, "charlie-accessor");
            assert_eq!(all[0].roles, vec![RoleRef { id: "r1".into(), name: "ops".into(), exists: true }]);
            assert_eq!(
                all[3].policies,
                vec![PolicyRef { name: "read".into(), exists: true }, PolicyRef { name: "gone".into(), exists: false }]
            );
            assert!(all[2].is_self && !all[0].is_self);
            // A role deleted since is marked, named by its short ID rather than a blank.
            let t2 = vec![token("x", "client", &[], &["0b7c2f0e-6b1f-4f5e-9d7c-3a1e2d4c5b6f"], NOW, None)];
            let gone = &rows(&t2, &r, &p, "")[0].roles[0];
            assert_eq!((gone.name.as_str(), gone.exists), ("0b7c2f0e", false));
        }

        #[test]
        fn default_order_is_newest_first() {
            assert_eq!(names(&TokenListParams::default()), ["charlie", "Bravo", "alpha", "delta"]);
        }

        #[test]
        fn kept_rows_are_stored_in_the_default_order() {
            let (t, r, p) = fixture();
            let kept = Rows::new(Arc::new(t), &r, &p, "");
            let order: Vec<&str> = kept.order.iter().map(|&i| kept.tokens[i as usize].name.as_str()).collect();
            assert_eq!(order, ["charlie", "Bravo", "alpha", "delta"], "the default view's sort has nothing to move");
        }

        #[test]
        fn search_by_name_or_accessor_case_insensitively() {
            assert_eq!(names(&with(|p| p.search = "BRA".into())), ["Bravo"]);
            assert_eq!(names(&with(|p| p.search = "delta-acc".into())), ["delta"]);
            assert!(names(&with(|p| p.search = "zulu".into())).is_empty());
        }

        #[test]
        fn type_filter() {
            assert_eq!(names(&with(|p| p.kind = "management".into())), ["charlie"]);
            assert_eq!(names(&with(|p| p.kind = "client".into())).len(), 3);
            assert_eq!(names(&with(|p| p.kind = "bogus".into())).len(), 4);
        }

        #[test]
        fn expiry_filter() {
            assert_eq!(names(&with(|p| p.expiry = "expired".into())), ["Bravo"]);
            assert_eq!(names(&with(|p| p.expiry = "24h".into())), ["charlie"]);
            assert_eq!(names(&with(|p| p.expiry = "never".into())), ["alpha"]);
        }

        #[test]
        fn role_policy_and_resolves_filters() {
            assert_eq!(names(&with(|p| p.role = "ops".into())), ["alpha"]);
            assert_eq!(names(&with(|p| p.policy = "gone".into())), ["Bravo", "delta"]);
            assert_eq!(names(&with(|p| p.resolves = "none".into())), ["Bravo"]);
        }

        #[test]
        fn sorts_by_each_column_both_ways() {
            let s = |by: &str, dir: &str| names(&with(|p| (p.sort, p.dir) = (by.into(), dir.into())));
            assert_eq!(s("name", "asc"), ["alpha", "Bravo", "charlie", "delta"]);
            assert_eq!(s("name", "desc"), ["delta", "charlie", "Bravo", "alpha"]);
            assert_eq!(s("type", "asc"), ["Bravo", "alpha", "delta", "charlie"]);
            assert_eq!(s("created", "asc"), ["delta", "alpha", "Bravo", "charlie"]);
            assert_eq!(s("created", "desc"), ["charlie", "Bravo", "alpha", "delta"]);
            assert_eq!(s("expires", "asc"), ["Bravo", "charlie", "delta", "alpha"]);
            assert_eq!(s("expires", "desc"), ["alpha", "delta", "charlie", "Bravo"]);
        }

        #[test]
        fn kept_rows_are_reused_for_the_same_indexes_and_rebuilt_for_others() {
            let (t, r, p) = fixture();
            let builds = std::cell::Cell::new(0);
            let t = Arc::new(t);
            let build = || {
                builds.set(builds.get() + 1);
                Rows::new(t.clone(), &r, &p, "")
            };
            let me = format!("kept-rows-test-{}", std::process::id());
            let first = rows_for((me.clone(), 1, 2, 3), build);
            let again = rows_for((me.clone(), 1, 2, 3), build);
            assert!(std::sync::Arc::ptr_eq(&first, &again));
            assert_eq!(builds.get(), 1);
            // Any table changed (here: the roles): built again.
            rows_for((me.clone(), 1, 5, 3), build);
            assert_eq!(builds.get(), 2);
            // Another token's rows are its own.
            rows_for((format!("{me}-other"), 1, 5, 3), build);
            assert_eq!(builds.get(), 3);
        }

        #[test]
        fn same_second_tokens_order_by_creation_index() {
            let mut a = token("first", "client", &[], &[], NOW, None);
            a.create_index = 10;
            let mut b = token("second", "client", &[], &[], NOW, None);
            b.create_index = 11;
            let all = Rows::new(Arc::new(vec![a, b]), &[], &[], "");
            let first = |sort: &str, dir: &str| {
                let p = with(|p| (p.sort, p.dir) = (sort.into(), dir.into()));
                page_of(&all, &p, at(NOW)).rows[0].name.clone()
            };
            assert_eq!(first("", ""), "second");
            assert_eq!(first("created", "asc"), "first");
        }

        #[test]
        fn a_role_without_existing_policies_grants_nothing() {
            let (t, mut r, p) = fixture();
            r[0].policies = vec![AclRolePolicyLink { name: "gone".into() }];
            let all = rows(&t, &r, &p, "");
            assert!(!all[0].grants_nothing, "alpha's direct policy 'read' exists");
            let t2 = vec![token("viarole", "client", &[], &["r1"], NOW, None)];
            assert!(rows(&t2, &r, &p, "")[0].grants_nothing);
            let (_, r_ok, _) = fixture();
            assert!(!rows(&t2, &r_ok, &p, "")[0].grants_nothing);
        }

        #[test]
        fn paging_bounds() {
            assert_eq!(bounds(0, 25, 0), (1, 1));
            assert_eq!(bounds(1, 25, 25), (1, 1));
            assert_eq!(bounds(2, 25, 26), (2, 2));
            assert_eq!(bounds(9, 25, 26), (2, 2));
            assert_eq!(per_page(50), 50);
            assert_eq!(per_page(7), 25);
            let tokens: Vec<_> =
                (0..60).map(|i| token(&format!("t{i:02}"), "client", &[], &[], NOW - i, None)).collect();
            let p = with(|p| (p.page, p.per_page, p.sort) = (3, 25, "name".into()));
            let got = page(&tokens, &[], &[], &p, "", at(NOW));
            assert_eq!((got.total, got.pages, got.page, got.rows.len()), (60, 3, 3, 10));
            assert_eq!(got.rows[0].name, "t50");
        }
    }
}
