//! One handle per ACL object, one method per endpoint, like Go's
//! `client.ACLTokens().List(q)`. Each handle borrows the [`NomadClient`].
//!
//! Writes use `PUT`, as Nomad's Go `api` package does (Nomad accepts `PUT` and `POST` alike).

use reqwest::Method;
use serde::{Deserialize, Serialize};

use super::{NomadClient, QueryMeta, QueryOptions, WriteMeta, WriteOptions};
use nomad_acl_core::error::NomadError;
use nomad_acl_core::models::{
    AclAuthMethod, AclAuthMethodListStub, AclBindingRule, AclBindingRuleListStub, AclPolicy, AclPolicyListStub,
    AclRole, AclRoleListStub, AclToken, AclTokenListStub, BootstrapRequest, OneTimeToken, OneTimeTokenExchangeRequest,
    OneTimeTokenExchangeResponse, OneTimeTokenUpsertResponse, SecretId,
};

/// Nothing to send: the `B` of writes without a body.
type NoBody = ();

/// `q` for an index probe of the role or policy list: a prefix that matches no
/// name and no UUID, not blocking.
fn probe_options(q: &QueryOptions) -> QueryOptions {
    QueryOptions { prefix: Some("~".to_string()), index: 0, wait: None, ..q.clone() }
}

/// `GET /v1/acl/policies`, `GET|PUT|DELETE /v1/acl/policy/:name`, `GET /v1/acl/policy/self`.
#[derive(Debug, Clone, Copy)]
pub struct AclPolicies<'a> {
    client: &'a NomadClient,
}

impl<'a> AclPolicies<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        AclPolicies { client }
    }

    /// `GET /v1/acl/policies`: the policies the caller can see (all of them for a management
    /// token), ordered by name. Honors `prefix` (name prefix) and blocking.
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<AclPolicyListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclPolicyListStub>>, _) = self.client.query(&["acl", "policies"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// The `acl_policy` table index alone (`QueryMeta::last_index`): `list` with a name
    /// prefix no policy can have (names are letters, digits and hyphens), so Nomad
    /// answers `[]` with the table index. Never blocks.
    pub async fn probe(&self, q: &QueryOptions) -> Result<QueryMeta, NomadError> {
        Ok(self.list(&probe_options(q)).await?.1)
    }

    /// `GET /v1/acl/policy/self`: the policies of the caller's token (Nomad answers 403 to an
    /// anonymous caller here, unlike [`AclPolicies::list`]). Nomad's `null` reads as empty.
    pub async fn self_policies(&self, q: &QueryOptions) -> Result<(Vec<AclPolicyListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclPolicyListStub>>, _) =
            self.client.query(&["acl", "policy", "self"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// `GET /v1/acl/policy/:name`: one policy, with `RulesJSON`.
    ///
    /// A policy named `self` cannot exist over HTTP (that path is [`AclPolicies::self_policies`]),
    /// so `get("self")` answers [`NomadError::NotFound`] without asking Nomad.
    pub async fn get(&self, name: &str, q: &QueryOptions) -> Result<(AclPolicy, QueryMeta), NomadError> {
        if name == "self" {
            return Err(NomadError::NotFound { message: "ACL policy not found".to_string() });
        }
        self.client.query(&["acl", "policy", name], q).await
    }

    /// `PUT /v1/acl/policy/:name` with the policy as body (`Name`, `Description`, `Rules`,
    /// `JobACL`): creates or fully replaces it. Nomad answers with an empty body.
    pub async fn upsert(&self, policy: &AclPolicy, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply(Method::PUT, &["acl", "policy", &policy.name], Some(policy), w).await
    }

    /// `DELETE /v1/acl/policy/:name`. Deleting a missing policy succeeds.
    pub async fn delete(&self, name: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<NoBody>(Method::DELETE, &["acl", "policy", name], None, w).await
    }
}

/// Tokens: bootstrap, list, read, self, create, update, delete, one-time tokens.
#[derive(Debug, Clone, Copy)]
pub struct AclTokens<'a> {
    client: &'a NomadClient,
}

impl<'a> AclTokens<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        AclTokens { client }
    }

    /// `POST /v1/acl/bootstrap`: the first management token (with its SecretID). With
    /// `bootstrap_secret`, that UUID becomes the token's SecretID; without, no body is sent.
    pub async fn bootstrap(
        &self,
        bootstrap_secret: Option<&SecretId>,
        w: &WriteOptions,
    ) -> Result<(AclToken, WriteMeta), NomadError> {
        match bootstrap_secret {
            Some(secret) => {
                let body = BootstrapRequest { bootstrap_secret: secret.clone() };
                self.client.write(Method::PUT, &["acl", "bootstrap"], Some(&body), w).await
            }
            None => self.client.write::<NoBody, _>(Method::PUT, &["acl", "bootstrap"], None, w).await,
        }
    }

    /// `GET /v1/acl/tokens` (management only): stubs without SecretID. Honors `prefix`
    /// (accessor prefix, an even number of hex digits), `filter`, `per_page`/`next_token`,
    /// `reverse` and blocking.
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<AclTokenListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclTokenListStub>>, _) = self.client.query(&["acl", "tokens"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// The whole token list (`GET /v1/acl/tokens` as `q` asks, but without paging,
    /// prefix or filter), reusing the list last fetched with this token when
    /// Nomad says it is still current (see `list_cache`). Pages that need
    /// every token call this; it never blocks (`index` and `wait` are ignored).
    pub async fn list_all(
        &self,
        q: &QueryOptions,
    ) -> Result<(std::sync::Arc<Vec<AclTokenListStub>>, QueryMeta), NomadError> {
        use super::list_cache::{key, Kept};
        use std::sync::Arc;
        use std::time::Instant;

        let mut q = q.clone();
        (q.prefix, q.filter, q.per_page, q.next_token, q.index, q.wait) = (None, None, None, None, 0, None);
        let cache = &self.client.inner.token_lists;
        let region = q.region.as_deref().or(self.client.region());
        let key = key(q.auth_token.as_ref().map(|s| s.expose()), region);
        let asked_at = Instant::now();
        let refused = |e: NomadError| {
            if e.is_permission_denied() {
                cache.forget(&key);
            }
            e
        };
        let probe = || async { Ok::<_, NomadError>(self.list(&q.clone().with_per_page(1)).await.map_err(refused)?.1) };
        let hit = |kept: Kept<AclTokenListStub>, probe: Option<QueryMeta>| {
            let meta = probe.unwrap_or(QueryMeta { last_index: kept.index, ..QueryMeta::default() });
            Ok((kept.list, QueryMeta { next_token: None, request_time: asked_at.elapsed(), ..meta }))
        };
        let mut probed = None;
        if let Some(kept) = cache.get(&key) {
            let now = probe().await?;
            if kept.index == now.last_index {
                return hit(kept, Some(now));
            }
            probed = Some(now);
        }
        let lock = cache.refresh_lock(&key);
        let _fetching = lock.lock().await;
        // Another request may have fetched it while this one waited.
        if let Some(kept) = cache.get(&key) {
            if kept.fetched_at >= asked_at {
                return hit(kept, None);
            }
            let now = match probed.take() {
                Some(p) => p,
                None => probe().await?,
            };
            if kept.index == now.last_index {
                return hit(kept, Some(now));
            }
        }
        let fetched_at = Instant::now();
        let (list, meta) = self.list(&q).await.map_err(refused)?;
        let list = Arc::new(list);
        cache.put(&key, Kept { index: meta.last_index, list: list.clone(), fetched_at, proof: 0 });
        Ok((list, meta))
    }

    /// `GET /v1/acl/token/:accessor_id`: the full token, SecretID included.
    pub async fn get(&self, accessor_id: &str, q: &QueryOptions) -> Result<(AclToken, QueryMeta), NomadError> {
        self.client.query(&["acl", "token", accessor_id], q).await
    }

    /// `GET /v1/acl/token/self`: the caller's token (the anonymous token without one).
    pub async fn get_self(&self, q: &QueryOptions) -> Result<(AclToken, QueryMeta), NomadError> {
        self.client.query(&["acl", "token", "self"], q).await
    }

    /// `PUT /v1/acl/token`: creates a token; Nomad generates AccessorID and SecretID and
    /// answers with the stored token. (A body `AccessorID` makes Nomad treat it as an update,
    /// or as an upload of a token with caller-chosen IDs: see [`AclTokens::update`].)
    pub async fn create(&self, token: &AclToken, w: &WriteOptions) -> Result<(AclToken, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "token"], Some(token), w).await
    }

    /// `PUT /v1/acl/token/:accessor_id` (the token's own `accessor_id`): a full replace.
    /// Nomad keeps SecretID and CreateTime, refuses to toggle `global` or change the TTL, and
    /// creates a client token with exactly the given AccessorID and SecretID when none exists.
    pub async fn update(&self, token: &AclToken, w: &WriteOptions) -> Result<(AclToken, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "token", &token.accessor_id], Some(token), w).await
    }

    /// `DELETE /v1/acl/token/:accessor_id`.
    pub async fn delete(&self, accessor_id: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<NoBody>(Method::DELETE, &["acl", "token", accessor_id], None, w).await
    }

    /// `PUT /v1/acl/token/onetime`: a one-time token for the caller's own token (valid 10
    /// minutes; a new one replaces the previous one).
    pub async fn create_one_time(&self, w: &WriteOptions) -> Result<(OneTimeToken, WriteMeta), NomadError> {
        let (resp, meta): (OneTimeTokenUpsertResponse, _) =
            self.client.write::<NoBody, _>(Method::PUT, &["acl", "token", "onetime"], None, w).await?;
        let ott = resp
            .one_time_token
            .ok_or_else(|| NomadError::BadResponse { reason: "Nomad returned no one-time token".to_string() })?;
        Ok((ott, meta))
    }

    /// `PUT /v1/acl/token/onetime/exchange`: trades a one-time secret (once) for the full token
    /// it belongs to. Needs no token.
    pub async fn exchange_one_time(
        &self,
        one_time_secret_id: &SecretId,
        w: &WriteOptions,
    ) -> Result<(AclToken, WriteMeta), NomadError> {
        let body = OneTimeTokenExchangeRequest { one_time_secret_id: one_time_secret_id.clone() };
        let (resp, meta): (OneTimeTokenExchangeResponse, _) =
            self.client.write(Method::PUT, &["acl", "token", "onetime", "exchange"], Some(&body), w).await?;
        let token = resp.token.ok_or_else(|| NomadError::BadResponse {
            reason: "Nomad returned no ACL token for the one-time token".to_string(),
        })?;
        Ok((token, meta))
    }
}

/// `GET /v1/acl/roles`, `GET|PUT|DELETE /v1/acl/role/:id`, `GET /v1/acl/role/name/:name`.
#[derive(Debug, Clone, Copy)]
pub struct AclRoles<'a> {
    client: &'a NomadClient,
}

impl<'a> AclRoles<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        AclRoles { client }
    }

    /// `GET /v1/acl/roles`: the roles the caller can see, ordered by ID. `prefix` is an ID prefix.
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<AclRoleListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclRoleListStub>>, _) = self.client.query(&["acl", "roles"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// The `acl_roles` table index alone: `list` with an ID prefix no role can have
    /// (IDs are UUIDs), so Nomad answers `[]` with the table index. Never blocks.
    pub async fn probe(&self, q: &QueryOptions) -> Result<QueryMeta, NomadError> {
        Ok(self.list(&probe_options(q)).await?.1)
    }

    /// `GET /v1/acl/role/:id`.
    pub async fn get(&self, id: &str, q: &QueryOptions) -> Result<(AclRole, QueryMeta), NomadError> {
        self.client.query(&["acl", "role", id], q).await
    }

    /// `GET /v1/acl/role/name/:name`.
    pub async fn get_by_name(&self, name: &str, q: &QueryOptions) -> Result<(AclRole, QueryMeta), NomadError> {
        self.client.query(&["acl", "role", "name", name], q).await
    }

    /// `PUT /v1/acl/role`: creates a role (leave `id` empty; Nomad generates it).
    pub async fn create(&self, role: &AclRole, w: &WriteOptions) -> Result<(AclRole, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "role"], Some(role), w).await
    }

    /// `PUT /v1/acl/role/:id` (the role's own `id`): a full replace.
    pub async fn update(&self, role: &AclRole, w: &WriteOptions) -> Result<(AclRole, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "role", &role.id], Some(role), w).await
    }

    /// `DELETE /v1/acl/role/:id`. A missing role is an error (Nomad answers 500 `ACL role not found`).
    pub async fn delete(&self, id: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<NoBody>(Method::DELETE, &["acl", "role", id], None, w).await
    }
}

/// `GET /v1/acl/auth-methods`, `PUT /v1/acl/auth-method`, `GET|PUT|DELETE /v1/acl/auth-method/:name`,
/// and the login endpoints that use them.
#[derive(Debug, Clone, Copy)]
pub struct AclAuthMethods<'a> {
    client: &'a NomadClient,
}

impl<'a> AclAuthMethods<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        AclAuthMethods { client }
    }

    /// `GET /v1/acl/auth-methods`: needs no token (the sign-in page uses it).
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<AclAuthMethodListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclAuthMethodListStub>>, _) =
            self.client.query(&["acl", "auth-methods"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// `GET /v1/acl/auth-method/:name` (management only). Secrets in the config read `"redacted"`.
    pub async fn get(&self, name: &str, q: &QueryOptions) -> Result<(AclAuthMethod, QueryMeta), NomadError> {
        self.client.query(&["acl", "auth-method", name], q).await
    }

    /// `PUT /v1/acl/auth-method`: creates (or, for an existing name, updates) an auth method.
    pub async fn create(
        &self,
        method: &AclAuthMethod,
        w: &WriteOptions,
    ) -> Result<(AclAuthMethod, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "auth-method"], Some(method), w).await
    }

    /// `PUT /v1/acl/auth-method/:name` (the method's own `name`). Empty `Type`, `TokenLocality`,
    /// `TokenNameFormat`, `MaxTokenTTL` and `Config` are kept from the stored method; `Default` is not.
    pub async fn update(
        &self,
        method: &AclAuthMethod,
        w: &WriteOptions,
    ) -> Result<(AclAuthMethod, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "auth-method", &method.name], Some(method), w).await
    }

    /// `DELETE /v1/acl/auth-method/:name`. Binding rules of the method are not removed.
    pub async fn delete(&self, name: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<NoBody>(Method::DELETE, &["acl", "auth-method", name], None, w).await
    }

    /// `PUT /v1/acl/oidc/auth-url`: the provider URL to send the user to.
    pub async fn oidc_auth_url(
        &self,
        req: &OidcAuthUrlRequest,
        w: &WriteOptions,
    ) -> Result<(OidcAuthUrlResponse, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "oidc", "auth-url"], Some(req), w).await
    }

    /// `PUT /v1/acl/oidc/complete-auth`: trades the provider's code for a Nomad token.
    pub async fn oidc_complete_auth(
        &self,
        req: &OidcCompleteAuthRequest,
        w: &WriteOptions,
    ) -> Result<(AclToken, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "oidc", "complete-auth"], Some(req), w).await
    }

    /// `PUT /v1/acl/login`: trades a JWT for a Nomad token.
    pub async fn login(&self, req: &LoginRequest, w: &WriteOptions) -> Result<(AclToken, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "login"], Some(req), w).await
    }
}

/// Body of `PUT /v1/acl/oidc/auth-url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OidcAuthUrlRequest {
    pub auth_method_name: String,
    #[serde(rename = "RedirectURI")]
    pub redirect_uri: String,
    pub client_nonce: String,
}

/// Answer of `PUT /v1/acl/oidc/auth-url`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OidcAuthUrlResponse {
    #[serde(rename = "AuthURL")]
    pub auth_url: String,
}

/// Body of `PUT /v1/acl/oidc/complete-auth`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct OidcCompleteAuthRequest {
    pub auth_method_name: String,
    pub client_nonce: String,
    pub state: String,
    /// The provider's authorization code (short-lived, but treated as a secret).
    pub code: SecretId,
    pub iss: String,
    #[serde(rename = "RedirectURI")]
    pub redirect_uri: String,
}

/// Body of `PUT /v1/acl/login`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LoginRequest {
    pub auth_method_name: String,
    /// The JWT to trade (a secret).
    pub login_token: SecretId,
}

/// `GET /v1/acl/binding-rules`, `PUT /v1/acl/binding-rule`, `GET|PUT|DELETE /v1/acl/binding-rule/:id`.
#[derive(Debug, Clone, Copy)]
pub struct AclBindingRules<'a> {
    client: &'a NomadClient,
}

impl<'a> AclBindingRules<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        AclBindingRules { client }
    }

    /// `GET /v1/acl/binding-rules` (management only), ordered by ID.
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<AclBindingRuleListStub>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<AclBindingRuleListStub>>, _) =
            self.client.query(&["acl", "binding-rules"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// `GET /v1/acl/binding-rule/:id`.
    pub async fn get(&self, id: &str, q: &QueryOptions) -> Result<(AclBindingRule, QueryMeta), NomadError> {
        self.client.query(&["acl", "binding-rule", id], q).await
    }

    /// `PUT /v1/acl/binding-rule`: creates a rule (Nomad generates the ID).
    pub async fn create(
        &self,
        rule: &AclBindingRule,
        w: &WriteOptions,
    ) -> Result<(AclBindingRule, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "binding-rule"], Some(rule), w).await
    }

    /// `PUT /v1/acl/binding-rule/:id` (the rule's own `id`). Empty `BindName`, `BindType` and
    /// `AuthMethod` are kept from the stored rule; `Description` and `Selector` are not.
    pub async fn update(
        &self,
        rule: &AclBindingRule,
        w: &WriteOptions,
    ) -> Result<(AclBindingRule, WriteMeta), NomadError> {
        self.client.write(Method::PUT, &["acl", "binding-rule", &rule.id], Some(rule), w).await
    }

    /// `DELETE /v1/acl/binding-rule/:id`.
    pub async fn delete(&self, id: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<NoBody>(Method::DELETE, &["acl", "binding-rule", id], None, w).await
    }
}
