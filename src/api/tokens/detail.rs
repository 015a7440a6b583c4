//! One token: everything about it but its secret, and renewing it (a new token with
//! the same grants and a new lifetime, since Nomad never changes a token's lifetime).

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::form::TokenFormOptions;
use super::lifetime::LifetimeInput;
use super::{PolicyRef, RoleRef};
use crate::api::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenDetail {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    pub global: bool,
    /// Unix seconds.
    pub create_time: i64,
    pub expires_at: Option<i64>,
    /// The TTL it was created with, Go syntax; empty when none.
    pub ttl: String,
    pub create_index: u64,
    pub modify_index: u64,
    pub roles: Vec<RoleRef>,
    pub policies: Vec<PolicyRef>,
    /// The token the user is signed in with.
    pub is_self: bool,
    /// `nomad acl token create ...` for a token with the same grants.
    pub cli: String,
    pub options: TokenFormOptions,
}

#[server(output = JsonText)]
pub async fn get_token(accessor_id: String) -> Result<TokenDetail, ApiError> {
    use crate::api::context::cached;
    let s = crate::api::context::caller()?;
    cached(format!("get_token:{accessor_id}"), async move {
        ssr::detail(&s.query, &s.session.accessor_id, &accessor_id).await
    })
    .await
}

/// Creates a token like `accessor_id` with a new lifetime, leaves its secret for its page,
/// and (when asked, and it is not the signed-in token) deletes the old one.
#[server(output = JsonText)]
pub async fn renew_token(
    accessor_id: String,
    #[server(default)] lifetime: LifetimeInput,
    #[server(default)] delete_old: bool,
) -> Result<(), ApiError> {
    use crate::api::context::{error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let plain = plain_form_post();
    match ssr::renew(&accessor_id, &lifetime, delete_old).await {
        Ok(new_accessor) => {
            crate::api::context::redirect(&format!("/tokens/{new_accessor}?renewed=1"));
            Ok(())
        }
        Err(e) => {
            if plain {
                let base = format!("/tokens/{}", crate::links::percent_encode(&accessor_id, false));
                crate::api::context::redirect(&error_url(&base, RenewToken::PATH, &e, &[]));
            }
            Err(e)
        }
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::api::context::nomad;
    use crate::api::tokens::form::{cli_command, ssr as form, Draft};
    use crate::nomad::client::QueryOptions;

    pub async fn detail(q: &QueryOptions, own_accessor: &str, accessor: &str) -> Result<TokenDetail, ApiError> {
        let client = nomad();
        let tokens = client.acl_tokens();
        let (token, options, lists) = futures::join!(tokens.get(accessor, q), form::options(q), client.acl_lists(q));
        let (token, _) = token?;
        let options = options?;
        let existing: std::collections::HashSet<&str> = options.policies.iter().map(|p| p.name.as_str()).collect();
        let policies: Vec<PolicyRef> = token
            .policies
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|name| PolicyRef { exists: existing.contains(name.as_str()), name })
            .collect();
        // Nomad fills role names on read and drops links to deleted roles; its token
        // list still has them, so a deleted role shows (when the caller may list tokens).
        let mut roles: Vec<RoleRef> = token
            .roles
            .clone()
            .unwrap_or_default()
            .into_iter()
            .map(|l| RoleRef { name: if l.name.is_empty() { l.id.clone() } else { l.name }, id: l.id, exists: true })
            .collect();
        if let (Ok((stubs, _)), Ok((known, _))) = (&lists.tokens, &lists.roles) {
            let stub = stubs.iter().find(|t| t.accessor_id == token.accessor_id);
            for l in stub.and_then(|t| t.roles.as_deref()).unwrap_or_default() {
                let gone = !known.iter().any(|r| r.id == l.id) && !roles.iter().any(|r| r.id == l.id);
                if gone {
                    roles.push(RoleRef::deleted(&l.id, &l.name));
                }
            }
        }
        let role_names: Vec<String> = roles.iter().filter(|r| r.exists).map(|r| r.name.clone()).collect();
        let policy_names: Vec<String> = policies.iter().map(|p| p.name.clone()).collect();
        let mut cli = cli_command(&token.name, &token.token_type, &policy_names, &role_names, token.global);
        if !token.expiration_ttl.is_zero() {
            cli.push_str(&format!(" -ttl={}", token.expiration_ttl.to_go_string()));
        }
        Ok(TokenDetail {
            cli,
            is_self: token.accessor_id.eq_ignore_ascii_case(own_accessor),
            accessor_id: token.accessor_id,
            name: token.name,
            token_type: token.token_type,
            global: token.global,
            create_time: token.create_time.unix_timestamp(),
            expires_at: token.expiration_time.map(|t| t.unix_timestamp()),
            ttl: token.expiration_ttl.to_json_string(),
            create_index: token.create_index,
            modify_index: token.modify_index,
            roles,
            policies,
            options,
        })
    }

    pub async fn renew(accessor: &str, lifetime: &LifetimeInput, delete_old: bool) -> Result<String, ApiError> {
        let s = crate::api::context::caller()?;
        let (client, bounds) = (s.nomad.clone(), form::bounds());
        let courier = crate::api::tokens::secret::ssr::Courier::new();
        let (old, _) = client.acl_tokens().get(accessor, &s.query).await?;
        let now = time::OffsetDateTime::now_utc().unix_timestamp();
        let life =
            lifetime.resolve(bounds, now).map_err(|m| form::problems_as_error(vec![format!("expiration: {m}")]))?;
        let draft = Draft {
            name: old.name.clone(),
            token_type: old.token_type.clone(),
            policies: old.policies.clone().unwrap_or_default(),
            roles: old.roles.clone().unwrap_or_default().into_iter().map(|l| l.id).collect(),
            global: old.global,
        };
        let (created, _) = client.acl_tokens().create(&form::new_token(&draft, life), &s.write).await?;
        let is_self = old.accessor_id.eq_ignore_ascii_case(&s.session.accessor_id);
        let note = if !delete_old {
            format!("The old token {} still works until it expires or is deleted.", old.accessor_id)
        } else if is_self {
            format!("The old token {} was kept: it is the one you are signed in with.", old.accessor_id)
        } else {
            match client.acl_tokens().delete(&old.accessor_id, &s.write).await {
                Ok(_) => format!("The old token {} was deleted.", old.accessor_id),
                Err(e) => format!("The old token {} could not be deleted: {e}", old.accessor_id),
            }
        };
        courier.leave(&created.accessor_id, &created.secret_id, "renewed", &note);
        Ok(created.accessor_id)
    }
}
