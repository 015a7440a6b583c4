//! ACL roles: the list with who carries each one, one role with its tokens, the
//! editor's data, save (create, update, rename) and delete.

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// A policy named by a role. `exists` is false for a name whose policy was deleted
/// (Nomad keeps the dangling name; it grants nothing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyLink {
    pub name: String,
    pub exists: bool,
}

/// One row of the role list. Counts are `None` when the signed-in token cannot
/// list tokens (that needs a management token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleRow {
    pub id: String,
    pub name: String,
    pub description: String,
    pub policies: Vec<PolicyLink>,
    /// Tokens that carry the role.
    pub tokens: Option<usize>,
    /// Expired tokens among `tokens`.
    pub expired: Option<usize>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleList {
    /// Sorted by name.
    pub roles: Vec<RoleRow>,
    /// Whether the token list could be read (counts and `?unused=1` need it).
    pub tokens_visible: bool,
}

/// A token that carries a role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleToken {
    pub accessor_id: String,
    pub name: String,
    pub token_type: String,
    /// Unix seconds.
    pub create_time: i64,
    pub expires_at: Option<i64>,
}

/// One role with every field and the tokens that carry it (`None`: the token
/// list is not visible to the signed-in token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleDetail {
    pub id: String,
    pub name: String,
    pub description: String,
    pub policies: Vec<PolicyLink>,
    pub create_index: u64,
    pub modify_index: u64,
    pub tokens: Option<Vec<RoleToken>>,
    /// The server's clock, unix seconds, so relative times render the same everywhere.
    pub server_now: i64,
}

pub use crate::api::policies::PolicyChoice;

/// What the editor needs: the role (when editing) and every policy to pick from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleForm {
    pub role: Option<RoleDetail>,
    /// Sorted by name.
    pub policies: Vec<PolicyChoice>,
}

#[server(output = JsonText)]
pub async fn list_roles() -> Result<RoleList, ApiError> {
    use super::context::{cached, caller, Caller};
    use super::policies::visible;
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached("list_roles".to_string(), async move {
        let lists = client.acl_lists(&q).await;
        let (roles, _) = lists.roles?;
        let tokens = visible(lists.tokens)?;
        let (policies, _) = lists.policies?;
        let now = time::OffsetDateTime::now_utc();
        Ok(RoleList {
            roles: rows::rows(&roles, tokens.as_deref().map(Vec::as_slice), &policies, now),
            tokens_visible: tokens.is_some(),
        })
    })
    .await
}

#[server(output = JsonText)]
pub async fn get_role(id: String) -> Result<RoleDetail, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached(format!("get_role:{id}"), async move { load_role(&client, &q, &id).await }).await
}

/// The editor's data; `id` empty for a new role.
#[server(output = JsonText)]
pub async fn get_role_form(id: String) -> Result<RoleForm, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached(format!("get_role_form:{id}"), async move {
        let (policies, _) = client.acl_policies().list(&q).await?;
        let role = if id.is_empty() { None } else { Some(load_role(&client, &q, &id).await?) };
        let mut policies: Vec<PolicyChoice> =
            policies.into_iter().map(|p| PolicyChoice { name: p.name, description: p.description }).collect();
        policies.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(RoleForm { role, policies })
    })
    .await
}

#[cfg(feature = "ssr")]
async fn load_role(
    client: &crate::nomad::client::NomadClient,
    q: &crate::nomad::client::QueryOptions,
    id: &str,
) -> Result<RoleDetail, ApiError> {
    use super::policies::visible;
    let (r, t, p) = (client.acl_roles(), client.acl_tokens(), client.acl_policies());
    let (role, tokens, policies) = futures::join!(r.get(id, q), t.list(q), p.list(q));
    let (role, _) = role?;
    let tokens = visible(tokens)?;
    let (policies, _) = policies?;
    let now = time::OffsetDateTime::now_utc();
    Ok(RoleDetail {
        policies: rows::links(&role.policies, &policies),
        tokens: tokens.map(|t| rows::tokens_carrying(&t, &role.id)),
        id: role.id,
        name: role.name,
        description: role.description,
        create_index: role.create_index,
        modify_index: role.modify_index,
        server_now: now.unix_timestamp(),
    })
}

/// Creates (`id` empty) or replaces a role; a new `name` renames it. Checked here with
/// Nomad's rules and texts first; Nomad's own refusals come back as they are. A form
/// posted without JavaScript returns to the editor with the error and the draft in
/// the URL; success goes to the role's page.
#[server(output = JsonText)]
pub async fn save_role(
    id: String,
    name: String,
    description: String,
    // Checkboxes named `policies[<i>]`; none checked sends nothing at all.
    #[server(default)] policies: Vec<String>,
    // The role's modify index when the editor opened (0: do not compare).
    #[server(default)] modify_index: u64,
    // Save even though the role changed since (ticked after a conflict).
    #[server(default)] overwrite: bool,
) -> Result<(), ApiError> {
    use super::context::{caller, error_url, nomad, plain_form_post};
    use crate::api::error::Conflict;
    use crate::links::percent_encode;
    use crate::nomad::models::{AclRole, AclRolePolicyLink};
    use leptos::server_fn::ServerFn;
    let name = name.trim().to_string();
    let policies: Vec<String> = policies.into_iter().filter(|p| !p.trim().is_empty()).collect();
    let outcome = async {
        let s = caller()?;
        let problems = validate::all(&name, &description, &policies);
        if !problems.is_empty() {
            return Err(ApiError::Invalid(validate::multierror(&problems)));
        }
        let role = AclRole {
            id: id.clone(),
            name: name.clone(),
            description: description.clone(),
            policies: policies.iter().map(|p| AclRolePolicyLink { name: p.clone() }).collect(),
            ..Default::default()
        };
        let roles = nomad();
        if !id.is_empty() && modify_index != 0 && !overwrite {
            let (stored, _) = roles.acl_roles().get(&id, &s.query).await?;
            let stored_policies: Vec<&str> = stored.policies.iter().map(|p| p.name.as_str()).collect();
            let differs = [
                ("name", stored.name != role.name),
                ("description", stored.description != role.description),
                ("policies", stored_policies != policies.iter().map(String::as_str).collect::<Vec<_>>()),
            ];
            Conflict::check("role", modify_index, overwrite, stored.modify_index, &differs)?;
        }
        let (saved, _) = if id.is_empty() {
            roles.acl_roles().create(&role, &s.write).await?
        } else {
            roles.acl_roles().update(&role, &s.write).await?
        };
        Ok(saved.id)
    }
    .await;
    match outcome {
        Ok(saved_id) => {
            crate::api::context::redirect(&format!("/roles/{}?saved=1", percent_encode(&saved_id, false)));
            Ok(())
        }
        Err(e) => {
            if plain_form_post() {
                let base = if id.is_empty() {
                    "/roles/new".to_string()
                } else {
                    format!("/roles/{}/edit", percent_encode(&id, false))
                };
                let mut draft: Vec<(&str, &str)> = vec![("name", name.as_str()), ("description", description.as_str())];
                draft.extend(policies.iter().map(|p| ("policy", p.as_str())));
                crate::api::context::redirect(&error_url(&base, SaveRole::PATH, &e, &draft));
            }
            Err(e)
        }
    }
}

/// Deletes a role. Tokens keep their link to it, which then grants nothing.
#[server(output = JsonText)]
pub async fn delete_role(id: String, name: String) -> Result<(), ApiError> {
    use super::context::{after_delete, caller, nomad, plain_form_post};
    use crate::links::percent_encode;
    use leptos::server_fn::ServerFn;
    let (plain, client) = (plain_form_post(), nomad());
    let outcome = async {
        let s = caller()?;
        client.acl_roles().delete(&id, &s.write).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let done = format!("/roles?deleted={}", percent_encode(&name, false));
    let confirm = format!("/roles/{}?delete=1", percent_encode(&id, false));
    after_delete(outcome, plain, &done, &confirm, DeleteRole::PATH)
}

/// `/roles/<id>` with the ID escaped for a path.
pub fn href(id: &str) -> String {
    format!("/roles/{}", crate::links::percent_encode(id, false))
}

/// The `nomad acl role create` command that makes this role, every value shell-quoted.
pub fn cli_create(name: &str, description: &str, policies: &[String]) -> String {
    let mut cmd = format!("nomad acl role create -name={}", shell_quote(name));
    if !description.is_empty() {
        cmd.push_str(&format!(" -description={}", shell_quote(description)));
    }
    for p in policies {
        cmd.push_str(&format!(" -policy={}", shell_quote(p)));
    }
    cmd
}

/// A POSIX shell word: bare when it only holds safe bytes, else single-quoted.
pub fn shell_quote(s: &str) -> String {
    let safe = |b: u8| b.is_ascii_alphanumeric() || b"-_./:@=+,".contains(&b);
    if !s.is_empty() && s.bytes().all(safe) {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Nomad's role checks (the core's, one source for the embedded server and the
/// editor); compiled for the browser too, so the editor shows the same messages
/// before anything is sent.
pub mod validate {
    use crate::api::error::ApiError;
    use crate::nomad::error::NomadError;
    use crate::nomad::models::{AclRole, AclRolePolicyLink};
    use crate::nomad::validate::{invalid, messages};

    pub use crate::nomad::validate::role::{description, field_of, name, policies, Field};
    pub use crate::nomad::validate::{valid_name, MAX_DESCRIPTION};

    /// Every problem of a role with these fields, in Nomad's order.
    pub fn all(name: &str, description: &str, policies: &[String]) -> Vec<String> {
        let role = AclRole {
            name: name.into(),
            description: description.into(),
            policies: policies.iter().map(|p| AclRolePolicyLink { name: p.clone() }).collect(),
            ..Default::default()
        };
        messages(&role.validate())
    }

    /// Nomad's answer for a refused role: `role 0 invalid: 1 error occurred: ...`.
    pub fn multierror(items: &[String]) -> String {
        invalid("role", items)
    }

    /// The messages of a refused save, each with its field. Nomad answers a rename onto
    /// a taken name with a 500, so server errors are sorted by their text too; other
    /// errors (permission, Nomad down) come back whole, as `Other`.
    pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
        let items = match e {
            ApiError::Invalid(m) => NomadError::InvalidRequest { message: m.clone() }.details(),
            ApiError::Nomad(n @ (NomadError::InvalidRequest { .. } | NomadError::Server { .. })) => n.details(),
            other => return vec![(Field::Other, other.explain())],
        };
        items
            .into_iter()
            .map(|i| {
                let i = i.strip_prefix("role 0 invalid: ").map(str::to_string).unwrap_or(i);
                match field_of(&i) {
                    Field::Other if !matches!(e, ApiError::Invalid(_)) => (Field::Other, e.explain()),
                    f => (f, i),
                }
            })
            .collect()
    }
}

/// Rows and references built from plain lists, separate from I/O so they can be tested.
#[cfg(feature = "ssr")]
pub mod rows {
    use std::collections::HashSet;

    use time::OffsetDateTime;

    use super::{PolicyLink, RoleRow, RoleToken};
    use crate::nomad::models::{AclPolicyListStub, AclRoleListStub, AclRolePolicyLink, AclTokenListStub};

    fn expired(t: &AclTokenListStub, now: OffsetDateTime) -> bool {
        t.expiration_time.is_some_and(|e| e <= now)
    }

    fn carries(t: &AclTokenListStub, role_id: &str) -> bool {
        t.roles.as_deref().unwrap_or_default().iter().any(|l| l.id == role_id)
    }

    /// The role's policy names, each marked whether it still exists.
    pub fn links(names: &[AclRolePolicyLink], policies: &[AclPolicyListStub]) -> Vec<PolicyLink> {
        let existing: HashSet<&str> = policies.iter().map(|p| p.name.as_str()).collect();
        names.iter().map(|p| PolicyLink { name: p.name.clone(), exists: existing.contains(p.name.as_str()) }).collect()
    }

    /// One row per role, sorted by name; token counts only when the tokens are known.
    pub fn rows(
        roles: &[AclRoleListStub],
        tokens: Option<&[AclTokenListStub]>,
        policies: &[AclPolicyListStub],
        now: OffsetDateTime,
    ) -> Vec<RoleRow> {
        let mut out: Vec<RoleRow> = roles
            .iter()
            .map(|r| {
                let carrying: Option<Vec<&AclTokenListStub>> =
                    tokens.map(|t| t.iter().filter(|t| carries(t, &r.id)).collect());
                RoleRow {
                    id: r.id.clone(),
                    name: r.name.clone(),
                    description: r.description.clone(),
                    policies: links(&r.policies, policies),
                    tokens: carrying.as_ref().map(Vec::len),
                    expired: carrying.as_ref().map(|c| c.iter().filter(|t| expired(t, now)).count()),
                }
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
        out
    }

    /// The tokens that carry the role, by name.
    pub fn tokens_carrying(tokens: &[AclTokenListStub], role_id: &str) -> Vec<RoleToken> {
        let mut out: Vec<RoleToken> = tokens
            .iter()
            .filter(|t| carries(t, role_id))
            .map(|t| RoleToken {
                accessor_id: t.accessor_id.clone(),
                name: t.name.clone(),
                token_type: t.token_type.clone(),
                create_time: t.create_time.unix_timestamp(),
                expires_at: t.expiration_time.map(|e| e.unix_timestamp()),
            })
            .collect();
        out.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.accessor_id.cmp(&b.accessor_id)));
        out
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::nomad::models::AclTokenRoleLink;

        fn token(name: &str, roles: &[&str], exp: Option<OffsetDateTime>) -> AclTokenListStub {
            AclTokenListStub {
                accessor_id: format!("acc-{name}"),
                name: name.into(),
                token_type: "client".into(),
                // Nomad's token list leaves role link names blank.
                roles: Some(
                    roles.iter().map(|r| AclTokenRoleLink { id: r.to_string(), name: String::new() }).collect(),
                ),
                expiration_time: exp,
                ..Default::default()
            }
        }

        fn role(id: &str, name: &str, policies: &[&str]) -> AclRoleListStub {
            AclRoleListStub {
                id: id.into(),
                name: name.into(),
                policies: policies.iter().map(|p| AclRolePolicyLink { name: p.to_string() }).collect(),
                ..Default::default()
            }
        }

        fn policy(name: &str) -> AclPolicyListStub {
            AclPolicyListStub { name: name.into(), ..Default::default() }
        }

        #[test]
        fn rows_count_tokens_and_expired_and_mark_deleted_policies() {
            let now = OffsetDateTime::now_utc();
            let roles = vec![role("2", "zeta", &["a", "gone"]), role("1", "alpha", &["b"]), role("3", "idle", &["a"])];
            let tokens = vec![
                token("t1", &["2"], None),
                token("t2", &["2", "1"], Some(now - time::Duration::minutes(1))),
                token("t3", &["1"], Some(now + time::Duration::hours(1))),
                token("t4", &["deleted-role"], None),
            ];
            let rows = rows(&roles, Some(&tokens), &[policy("a"), policy("b")], now);
            let names: Vec<&str> = rows.iter().map(|r| r.name.as_str()).collect();
            assert_eq!(names, vec!["alpha", "idle", "zeta"]);
            assert_eq!((rows[0].tokens, rows[0].expired), (Some(2), Some(1)));
            assert_eq!((rows[1].tokens, rows[1].expired), (Some(0), Some(0)));
            assert_eq!((rows[2].tokens, rows[2].expired), (Some(2), Some(1)));
            assert_eq!(
                rows[2].policies,
                vec![PolicyLink { name: "a".into(), exists: true }, PolicyLink { name: "gone".into(), exists: false }]
            );
        }

        #[test]
        fn counts_unknown_without_the_token_list() {
            let rows = rows(&[role("1", "r", &["a"])], None, &[policy("a")], OffsetDateTime::now_utc());
            assert_eq!((rows[0].tokens, rows[0].expired), (None, None));
        }

        #[test]
        fn tokens_carrying_one_role_sorted_by_name() {
            let now = OffsetDateTime::now_utc();
            let tokens =
                vec![token("zed", &["r"], None), token("amy", &["x", "r"], Some(now)), token("bob", &["x"], None)];
            let t = tokens_carrying(&tokens, "r");
            assert_eq!(t.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(), vec!["amy", "zed"]);
            assert_eq!(t[0].expires_at, Some(now.unix_timestamp()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::validate::{self, Field};
    use super::{cli_create, shell_quote};
    use crate::api::error::ApiError;
    use crate::nomad::error::NomadError;

    #[test]
    fn a_change_made_elsewhere_is_reported_whole_at_no_field() {
        let conflict = crate::api::error::Conflict::check("role", 7, false, 9, &[("policies", true)]).unwrap_err();
        assert_eq!(validate::by_field(&conflict), vec![(Field::Other, conflict.explain())]);
    }

    #[test]
    fn nomad_texts_in_nomad_order() {
        assert_eq!(validate::name("has space"), Some("invalid name 'has space'".into()));
        assert_eq!(validate::name("ok-Role-1"), None);
        assert_eq!(validate::policies(&[]), Some("at least one policy should be specified".into()));
        assert_eq!(validate::policies(&["a".into()]), None);
        let all = validate::all("bad_name", &"d".repeat(257), &[]);
        assert_eq!(
            all,
            vec![
                "invalid name 'bad_name'".to_string(),
                "description longer than 256".to_string(),
                "at least one policy should be specified".to_string()
            ]
        );
        assert!(validate::multierror(&all).starts_with("role 0 invalid: 3 errors occurred:\n\t* invalid name"));
    }

    #[test]
    fn refusals_land_on_their_field() {
        let e = ApiError::Invalid(validate::multierror(&validate::all("x y", "", &[])));
        let fields: Vec<Field> = validate::by_field(&e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::Name, Field::Policies]);
        let missing = ApiError::Nomad(NomadError::InvalidRequest { message: "cannot find policy gone".into() });
        assert_eq!(validate::by_field(&missing), vec![(Field::Policies, "cannot find policy gone".to_string())]);
        let taken = ApiError::Nomad(NomadError::InvalidRequest { message: "role with name ops already exists".into() });
        assert_eq!(validate::by_field(&taken)[0].0, Field::Name);
        // A rename onto a taken name: Nomad answers 500.
        let renamed = ApiError::Nomad(NomadError::Server {
            status: 500,
            message: "ACL role with name ops already exists".into(),
        });
        assert_eq!(
            validate::by_field(&renamed),
            vec![(Field::Name, "ACL role with name ops already exists".to_string())]
        );
        let down = ApiError::Nomad(NomadError::Server { status: 500, message: "rpc error".into() });
        assert_eq!(validate::by_field(&down)[0].0, Field::Other);
        assert!(validate::by_field(&down)[0].1.contains("rpc error"));
    }

    #[test]
    fn cli_command_quotes_what_needs_it() {
        assert_eq!(shell_quote("ops-1"), "ops-1");
        assert_eq!(shell_quote("it's $HOME"), "'it'\\''s $HOME'");
        assert_eq!(shell_quote(""), "''");
        assert_eq!(
            cli_create("ops", "On-call team", &["a".into(), "b-2".into()]),
            "nomad acl role create -name=ops -description='On-call team' -policy=a -policy=b-2"
        );
        assert_eq!(cli_create("ops", "", &["a".into()]), "nomad acl role create -name=ops -policy=a");
    }
}
