//! The signed-in token and where its permissions come from.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    pub global: bool,
    /// Unix seconds.
    pub create_time: i64,
    pub expires_at: Option<i64>,
    pub server_now: i64,
    pub direct_policies: Vec<String>,
    pub roles: Vec<ProfileRole>,
    /// Every policy reached directly or through a role, with its rules.
    pub policies: Vec<ProfilePolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileRole {
    pub id: String,
    pub name: String,
    pub description: String,
    pub policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfilePolicy {
    pub name: String,
    pub description: String,
    /// `None` when the policy does not exist (a dangling reference).
    pub rules: Option<String>,
}

#[server(output = JsonText)]
pub async fn get_profile() -> Result<Profile, ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    let (token, _) = client.acl_tokens().get_self(&q).await?;
    let direct_policies = token.policies.clone().unwrap_or_default();
    let mut roles = Vec::new();
    for link in token.roles.clone().unwrap_or_default() {
        match client.acl_roles().get(&link.id, &q).await {
            Ok((role, _)) => roles.push(ProfileRole {
                id: role.id,
                name: role.name,
                description: role.description,
                policies: role.policies.into_iter().map(|p| p.name).collect(),
            }),
            Err(e) if e.is_not_found() || e.is_permission_denied() => {}
            Err(e) => return Err(e.into()),
        }
    }
    let mut names: Vec<String> = direct_policies.clone();
    for r in &roles {
        names.extend(r.policies.iter().cloned());
    }
    names.sort();
    names.dedup();
    let mut policies = Vec::new();
    for name in names {
        match client.acl_policies().get(&name, &q).await {
            Ok((p, _)) => policies.push(ProfilePolicy { name, description: p.description, rules: Some(p.rules) }),
            Err(e) if e.is_not_found() || e.is_permission_denied() => {
                policies.push(ProfilePolicy { name, description: String::new(), rules: None })
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Profile {
        accessor_id: token.accessor_id,
        name: token.name,
        token_type: token.token_type,
        global: token.global,
        create_time: token.create_time.unix_timestamp(),
        expires_at: token.expiration_time.map(|t| t.unix_timestamp()),
        server_now: time::OffsetDateTime::now_utc().unix_timestamp(),
        direct_policies,
        roles,
        policies,
    })
}

/// The session's own secret, on an explicit "Reveal" (a POST, never in the page otherwise).
#[server(output = JsonText)]
pub async fn reveal_my_secret() -> Result<String, ApiError> {
    let s = super::context::session()?;
    Ok(s.secret.expose().to_string())
}
