//! Deleting tokens, one or many: the confirmation lists exactly what will go, the
//! signed-in token is never among them, and a partial failure names each token that failed.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::api::error::ApiError;

/// A token about to be deleted, as the confirmation names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DoomedToken {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    pub expires_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletePlan {
    pub tokens: Vec<DoomedToken>,
    /// Asked for but not deletable here: the signed-in token.
    pub kept_self: bool,
    /// Asked for but no longer there.
    pub missing: Vec<String>,
    pub server_now: i64,
}

/// What a bulk delete did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeleteReport {
    pub deleted: Vec<String>,
    /// (accessor, Nomad's reason).
    pub failed: Vec<(String, String)>,
}

/// The tokens `accessors` names, or every expired token when `expired` is set.
#[server(output = JsonText)]
pub async fn get_delete_plan(
    #[server(default)] accessors: Vec<String>,
    #[server(default)] expired: bool,
) -> Result<DeletePlan, ApiError> {
    use crate::api::context::{cached, caller};
    let s = caller()?;
    let key = format!("get_delete_plan:{expired}:{}", accessors.join(","));
    cached(key, async move {
        let (tokens, _) = s.nomad.clone().acl_tokens().list_all(&s.query).await?;
        let now = time::OffsetDateTime::now_utc();
        Ok(plan(&tokens, &accessors, expired, &s.session.accessor_id, now))
    })
    .await
}

/// Deletes each token in turn. The page calls it in small batches to show progress;
/// posted without JavaScript it deletes them all and returns to the list.
#[server(output = JsonText)]
pub async fn delete_tokens(#[server(default)] accessors: Vec<String>) -> Result<DeleteReport, ApiError> {
    use crate::api::context::{caller, error_url, plain_form_post};
    use leptos::server_fn::ServerFn;
    let s = caller()?;
    let (client, plain) = (s.nomad.clone(), plain_form_post());
    let w = s.write.clone();
    let mut report = DeleteReport::default();
    for a in accessors.iter().filter(|a| !a.is_empty()) {
        if a.eq_ignore_ascii_case(&s.session.accessor_id) {
            report.failed.push((a.clone(), SELF_REFUSAL.to_string()));
            continue;
        }
        match client.acl_tokens().delete(a, &w).await {
            Ok(_) => report.deleted.push(a.clone()),
            Err(e) => report.failed.push((a.clone(), ApiError::from(e).explain())),
        }
    }
    if plain {
        if report.failed.is_empty() {
            crate::api::context::redirect(&format!("/tokens?deleted={}", report.deleted.len()));
        } else {
            // Back to the confirmation, which lists what is left and why each failed.
            let e = ApiError::Invalid(report.summary());
            let left: Vec<(&str, &str)> = report.failed.iter().map(|(a, _)| ("a", a.as_str())).collect();
            crate::api::context::redirect(&error_url("/tokens/delete", DeleteTokens::PATH, &e, &left));
        }
    }
    Ok(report)
}

pub const SELF_REFUSAL: &str = "This is the token you are signed in with; the console does not delete it.";

impl DeleteReport {
    /// "Deleted 3 tokens. 2 failed: a1b2… (reason); …".
    pub fn summary(&self) -> String {
        let mut s = format!("Deleted {} token{}.", self.deleted.len(), if self.deleted.len() == 1 { "" } else { "s" });
        if !self.failed.is_empty() {
            let list: Vec<String> = self.failed.iter().map(|(a, why)| format!("{a} ({why})")).collect();
            s.push_str(&format!(" {} failed: {}", self.failed.len(), list.join("; ")));
        }
        s
    }
}

/// The plan from the full token list (server only).
#[cfg(feature = "ssr")]
pub fn plan(
    tokens: &[crate::nomad::models::AclTokenListStub],
    asked: &[String],
    expired: bool,
    self_accessor: &str,
    now: time::OffsetDateTime,
) -> DeletePlan {
    let is_self = |a: &str| a.eq_ignore_ascii_case(self_accessor);
    let picked: Vec<&crate::nomad::models::AclTokenListStub> = if expired {
        tokens.iter().filter(|t| t.expiration_time.is_some_and(|e| e <= now)).collect()
    } else {
        tokens.iter().filter(|t| asked.iter().any(|a| a.eq_ignore_ascii_case(&t.accessor_id))).collect()
    };
    let missing = if expired {
        Vec::new()
    } else {
        asked
            .iter()
            .filter(|a| !a.is_empty() && !tokens.iter().any(|t| t.accessor_id.eq_ignore_ascii_case(a)))
            .cloned()
            .collect()
    };
    DeletePlan {
        kept_self: picked.iter().any(|t| is_self(&t.accessor_id)),
        tokens: picked
            .into_iter()
            .filter(|t| !is_self(&t.accessor_id))
            .map(|t| DoomedToken {
                accessor_id: t.accessor_id.clone(),
                name: t.name.clone(),
                token_type: t.token_type.clone(),
                expires_at: t.expiration_time.map(|e| e.unix_timestamp()),
            })
            .collect(),
        missing,
        server_now: now.unix_timestamp(),
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;
    use crate::nomad::models::AclTokenListStub;

    fn token(accessor: &str, exp: Option<i64>) -> AclTokenListStub {
        AclTokenListStub {
            accessor_id: accessor.into(),
            name: format!("name-{accessor}"),
            token_type: "client".into(),
            expiration_time: exp.map(|e| time::OffsetDateTime::from_unix_timestamp(e).unwrap()),
            ..Default::default()
        }
    }

    #[test]
    fn plans_named_or_expired_tokens_never_the_signed_in_one() {
        let now = time::OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let tokens =
            vec![token("a", Some(999_000)), token("b", None), token("me", Some(500)), token("c", Some(2_000_000))];
        let p = plan(&tokens, &["B".into(), "me".into(), "gone".into()], false, "me", now);
        assert_eq!(p.tokens.iter().map(|t| t.accessor_id.as_str()).collect::<Vec<_>>(), ["b"]);
        assert!(p.kept_self);
        assert_eq!(p.missing, ["gone"]);
        let p = plan(&tokens, &[], true, "me", now);
        assert_eq!(p.tokens.iter().map(|t| t.accessor_id.as_str()).collect::<Vec<_>>(), ["a"]);
        assert!(p.kept_self, "the signed-in token is expired in this fixture, and kept");
    }

    #[test]
    fn summary_names_failures() {
        let r = DeleteReport { deleted: vec!["a".into()], failed: vec![("b".into(), "Permission denied".into())] };
        assert_eq!(r.summary(), "Deleted 1 token. 1 failed: b (Permission denied)");
    }
}
