//! ACL binding rules: which logins through an auth method get a role, a policy or a
//! management token. The list (with dangling references marked), one rule, the
//! editor's data, save, delete, and the selector tester.
// A server function takes its form's fields as arguments (the save has eight).
#![allow(clippy::too_many_arguments)]

use crate::api::codec::JsonText;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use super::error::ApiError;

/// What a rule's bind name points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    /// The role or policy exists.
    Exists,
    /// No role or policy has that name (any more): logins get nothing from the rule.
    Missing,
    /// The name holds `${...}`: Nomad fills it in from the claims at login.
    Templated,
    /// A management rule names nothing.
    Management,
    /// An unknown bind type.
    Unknown,
}

/// One binding rule with its references checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRow {
    pub id: String,
    pub description: String,
    pub auth_method: String,
    pub selector: String,
    pub bind_type: String,
    pub bind_name: String,
    /// False when the auth method was deleted (Nomad keeps its rules).
    pub method_exists: bool,
    pub target: Target,
}

impl RuleRow {
    /// Whether something the rule names is gone.
    pub fn dangling(&self) -> bool {
        !self.method_exists || self.target == Target::Missing
    }

    /// A name for a rule, which has none of its own: its description, else what it binds.
    pub fn label(&self) -> String {
        label(&self.description, &self.auth_method, &self.bind_type, &self.bind_name)
    }
}

/// See [`RuleRow::label`].
pub fn label(description: &str, auth_method: &str, bind_type: &str, bind_name: &str) -> String {
    if !description.trim().is_empty() {
        description.trim().to_string()
    } else if bind_name.is_empty() {
        format!("{auth_method} → {bind_type}")
    } else {
        format!("{auth_method} → {bind_type} {bind_name}")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleList {
    /// By auth method, then label.
    pub rules: Vec<RuleRow>,
    /// Existing auth methods, by name.
    pub methods: Vec<String>,
}

/// An auth method as the editor and the tester need it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodInfo {
    pub name: String,
    pub method_type: String,
    pub default: bool,
    /// Claim → `value.<name>`.
    pub claim_mappings: Vec<(String, String)>,
    /// Claim → `list.<name>`.
    pub list_claim_mappings: Vec<(String, String)>,
}

impl MethodInfo {
    /// The variables a selector can use with this method.
    pub fn variables(&self) -> Vec<String> {
        let mut v: Vec<String> = self.claim_mappings.iter().map(|(_, t)| format!("value.{t}")).collect();
        v.extend(self.list_claim_mappings.iter().map(|(_, t)| format!("list.{t}")));
        v
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleDetail {
    pub rule: RuleRow,
    pub create_index: u64,
    pub modify_index: u64,
    /// Unix seconds.
    pub create_time: i64,
    pub modify_time: i64,
    pub server_now: i64,
    /// `None` when the auth method is gone.
    pub method: Option<MethodInfo>,
}

/// What the editor needs: the rule (when editing) and what it can point at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleForm {
    pub rule: Option<RuleRow>,
    /// The rule's ModifyIndex (0 for a new one), for the edit page's check that nobody changed it meanwhile.
    #[serde(default)]
    pub modify_index: u64,
    /// By name.
    pub methods: Vec<MethodInfo>,
    pub roles: Vec<String>,
    pub policies: Vec<String>,
}

/// What the selector tester found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    Match,
    /// The selector is empty: every login through the method matches.
    MatchAll,
    NoMatch,
    /// Evaluation failed (e.g. a variable this login lacks): Nomad counts it as no match.
    Failed(String),
    /// The selector does not parse.
    Invalid(String),
    /// The claims are not usable (not JSON, or a claim Nomad cannot map).
    BadClaims(String),
    /// No such auth method.
    NoMethod(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SelectorTest {
    pub outcome: Outcome,
    /// `value.<name>` and its value.
    pub values: Vec<(String, String)>,
    /// `list.<name>` and its items.
    pub lists: Vec<(String, Vec<String>)>,
    /// Mapped claims this login does not carry.
    pub absent: Vec<String>,
}

impl SelectorTest {
    pub fn only(outcome: Outcome) -> Self {
        SelectorTest { outcome, values: Vec::new(), lists: Vec::new(), absent: Vec::new() }
    }
}

/// The most claims the tester reads.
pub const MAX_CLAIMS: usize = 64 * 1024;

#[server(output = JsonText)]
pub async fn list_binding_rules() -> Result<RuleList, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached("list_binding_rules".to_string(), async move {
        let refs = load_refs(&client, &q).await?;
        let (stubs, _) = client.acl_binding_rules().list(&q).await?;
        let b = client.acl_binding_rules();
        let full = futures::future::join_all(stubs.iter().map(|r| b.get(&r.id, &q))).await;
        let mut rules = Vec::with_capacity(full.len());
        for r in full {
            match r {
                Ok((r, _)) => rules.push(rows::row(&r, &refs)),
                // Deleted between the list and the read.
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        rows::sort(&mut rules);
        let mut methods = refs.methods.clone();
        methods.sort();
        Ok(RuleList { rules, methods })
    })
    .await
}

#[server(output = JsonText)]
pub async fn get_binding_rule(id: String) -> Result<RuleDetail, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached(format!("get_binding_rule:{id}"), async move {
        let rules = client.acl_binding_rules();
        let (refs, rule) = futures::join!(load_refs(&client, &q), rules.get(&id, &q));
        let (refs, (rule, _)) = (refs?, rule?);
        let method = match client.acl_auth_methods().get(&rule.auth_method, &q).await {
            Ok((m, _)) => Some(method_info(m)),
            Err(e) if e.is_not_found() => None,
            Err(e) => return Err(e.into()),
        };
        Ok(RuleDetail {
            rule: rows::row(&rule, &refs),
            create_index: rule.create_index,
            modify_index: rule.modify_index,
            create_time: rule.create_time.unix_timestamp(),
            modify_time: rule.modify_time.unix_timestamp(),
            server_now: time::OffsetDateTime::now_utc().unix_timestamp(),
            method,
        })
    })
    .await
}

/// The editor's data; `id` empty for a new rule.
#[server(output = JsonText)]
pub async fn get_binding_rule_form(id: String) -> Result<RuleForm, ApiError> {
    use super::context::{cached, caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    cached(format!("get_binding_rule_form:{id}"), async move {
        let refs = load_refs(&client, &q).await?;
        let (rule, modify_index) = if id.is_empty() {
            (None, 0)
        } else {
            let (r, _) = client.acl_binding_rules().get(&id, &q).await?;
            (Some(rows::row(&r, &refs)), r.modify_index)
        };
        let a = client.acl_auth_methods();
        let full = futures::future::join_all(refs.methods.iter().map(|m| a.get(m, &q))).await;
        let mut methods = Vec::new();
        for m in full {
            match m {
                Ok((m, _)) => methods.push(method_info(m)),
                Err(e) if e.is_not_found() => {}
                Err(e) => return Err(e.into()),
            }
        }
        methods.sort_by(|a, b| a.name.cmp(&b.name));
        let mut roles: Vec<String> = refs.roles.into_iter().collect();
        let mut policies: Vec<String> = refs.policies.into_iter().collect();
        roles.sort();
        policies.sort();
        Ok(RuleForm { rule, modify_index, methods, roles, policies })
    })
    .await
}

/// Tests a selector against pasted claims (JSON) through an auth method's claim
/// mappings, with Nomad's evaluator. Problems with the input are part of the answer
/// (`Outcome`), not errors.
#[server(output = JsonText)]
pub async fn test_selector(auth_method: String, selector: String, claims: String) -> Result<SelectorTest, ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    run_test(&client, &q, auth_method.trim(), selector.trim(), &claims).await
}

/// Tests a stored rule's selector against pasted claims.
#[server(output = JsonText)]
pub async fn test_binding_rule(id: String, claims: String) -> Result<SelectorTest, ApiError> {
    use super::context::{caller, Caller};
    let Caller { nomad: client, query: q, .. } = caller()?;
    let (rule, _) = client.acl_binding_rules().get(&id, &q).await?;
    run_test(&client, &q, &rule.auth_method, &rule.selector, &claims).await
}

#[cfg(feature = "ssr")]
async fn run_test(
    client: &crate::nomad::client::NomadClient,
    q: &crate::nomad::client::QueryOptions,
    auth_method: &str,
    selector: &str,
    claims: &str,
) -> Result<SelectorTest, ApiError> {
    use crate::nomad::selector::{check, evaluate, map_claims, Verdict};
    if let Some(e) = check(selector) {
        return Ok(SelectorTest::only(Outcome::Invalid(e)));
    }
    if claims.len() > MAX_CLAIMS {
        return Ok(SelectorTest::only(Outcome::BadClaims(format!(
            "The claims are longer than {} KiB: paste one login's claims.",
            MAX_CLAIMS / 1024
        ))));
    }
    if claims.trim().is_empty() {
        return Ok(SelectorTest::only(Outcome::BadClaims(
            "Paste the claims of a login (its ID token or JWT payload) as a JSON object.".to_string(),
        )));
    }
    let claims: serde_json::Value = match serde_json::from_str(claims) {
        Ok(c) => c,
        Err(e) => return Ok(SelectorTest::only(Outcome::BadClaims(format!("The claims are not valid JSON: {e}.")))),
    };
    if auth_method.is_empty() {
        return Ok(SelectorTest::only(Outcome::NoMethod(
            "Choose an auth method: its claim mappings decide which variables the selector sees.".to_string(),
        )));
    }
    let method = match client.acl_auth_methods().get(auth_method, q).await {
        Ok((m, _)) => m,
        Err(e) if e.is_not_found() => {
            return Ok(SelectorTest::only(Outcome::NoMethod(format!(
                "The auth method {auth_method} does not exist: no login can match this rule."
            ))))
        }
        Err(e) => return Err(e.into()),
    };
    let config = method.config.unwrap_or_default();
    let mapped = match map_claims(
        &claims,
        &config.claim_mappings.unwrap_or_default(),
        &config.list_claim_mappings.unwrap_or_default(),
    ) {
        Ok(m) => m,
        Err(e) => return Ok(SelectorTest::only(Outcome::BadClaims(e))),
    };
    let outcome = match evaluate(selector, &mapped) {
        Verdict::Match { catch_all: true } => Outcome::MatchAll,
        Verdict::Match { catch_all: false } => Outcome::Match,
        Verdict::NoMatch => Outcome::NoMatch,
        Verdict::Failed(e) => Outcome::Failed(e),
        Verdict::Invalid(e) => Outcome::Invalid(e),
    };
    Ok(SelectorTest {
        outcome,
        values: mapped.value.into_iter().collect(),
        lists: mapped.list.into_iter().collect(),
        absent: mapped.absent,
    })
}

/// Creates (`id` empty) or replaces a rule. Checked here with Nomad's rules and texts
/// first; Nomad's own refusals come back as they are. A form posted without JavaScript
/// returns to the editor with the error and the draft in the URL; success goes to the
/// rule's page.
#[server(output = JsonText)]
pub async fn save_binding_rule(
    id: String,
    auth_method: String,
    #[server(default)] description: String,
    #[server(default)] selector: String,
    // Radio buttons: none chosen sends nothing.
    #[server(default)] bind_type: String,
    #[server(default)] bind_name: String,
    // The rule's modify index when the editor opened (0: do not compare).
    #[server(default)] modify_index: u64,
    // Save even though the rule changed since (ticked after a conflict).
    #[server(default)] overwrite: bool,
) -> Result<(), ApiError> {
    use super::context::{caller, error_url, nomad, plain_form_post};
    use crate::api::error::Conflict;
    use crate::links::percent_encode;
    use crate::nomad::models::AclBindingRule;
    use leptos::server_fn::ServerFn;
    let auth_method = auth_method.trim().to_string();
    let bind_name = bind_name.trim().to_string();
    let selector = selector.trim().to_string();
    // Read before the first await.
    let (plain, client) = (plain_form_post(), nomad());
    let outcome = async {
        let s = caller()?;
        let mut problems = validate::all(&auth_method, &description, &bind_type, &bind_name);
        problems.extend(crate::nomad::selector::check(&selector));
        if !problems.is_empty() {
            return Err(ApiError::Invalid(validate::multierror(&problems)));
        }
        let rule = AclBindingRule {
            id: id.clone(),
            description: description.clone(),
            auth_method: auth_method.clone(),
            selector: selector.clone(),
            bind_type: bind_type.clone(),
            bind_name: bind_name.clone(),
            ..Default::default()
        };
        let rules = client.acl_binding_rules();
        if !id.is_empty() && modify_index != 0 && !overwrite {
            let (stored, _) = rules.get(&id, &s.query).await?;
            let differs = [
                ("description", stored.description != rule.description),
                ("selector", stored.selector != rule.selector),
                ("bind type", stored.bind_type != rule.bind_type),
                ("bind name", stored.bind_name != rule.bind_name),
            ];
            Conflict::check("binding rule", modify_index, overwrite, stored.modify_index, &differs)?;
        }
        let (saved, _) =
            if id.is_empty() { rules.create(&rule, &s.write).await? } else { rules.update(&rule, &s.write).await? };
        Ok(saved.id)
    }
    .await;
    match outcome {
        Ok(saved_id) => {
            crate::api::context::redirect(&format!("{}?saved=1", href(&saved_id)));
            Ok(())
        }
        Err(e) => {
            if plain {
                let base = if id.is_empty() {
                    "/binding-rules/new".to_string()
                } else {
                    format!("/binding-rules/{}/edit", percent_encode(&id, false))
                };
                let draft = [
                    ("auth_method", auth_method.as_str()),
                    ("description", description.as_str()),
                    ("selector", selector.as_str()),
                    ("bind_type", bind_type.as_str()),
                    ("bind_name", bind_name.as_str()),
                ];
                crate::api::context::redirect(&error_url(&base, SaveBindingRule::PATH, &e, &draft));
            }
            Err(e)
        }
    }
}

/// Deletes a rule; `label` names it in the list's notice.
#[server(output = JsonText)]
pub async fn delete_binding_rule(id: String, label: String) -> Result<(), ApiError> {
    use super::context::{after_delete, caller, nomad, plain_form_post};
    use crate::links::percent_encode;
    use leptos::server_fn::ServerFn;
    let (plain, client) = (plain_form_post(), nomad());
    let outcome = async {
        let s = caller()?;
        client.acl_binding_rules().delete(&id, &s.write).await?;
        Ok::<_, ApiError>(())
    }
    .await;
    let done = format!("/binding-rules?deleted={}", percent_encode(&label, false));
    after_delete(outcome, plain, &done, &format!("{}?delete=1", href(&id)), DeleteBindingRule::PATH)
}

/// `/binding-rules/<id>` with the ID escaped for a path.
pub fn href(id: &str) -> String {
    format!("/binding-rules/{}", crate::links::percent_encode(id, false))
}

/// The names a rule can point at.
#[cfg(feature = "ssr")]
pub struct Refs {
    pub methods: Vec<String>,
    pub roles: std::collections::HashSet<String>,
    pub policies: std::collections::HashSet<String>,
}

#[cfg(feature = "ssr")]
async fn load_refs(
    client: &crate::nomad::client::NomadClient,
    q: &crate::nomad::client::QueryOptions,
) -> Result<Refs, ApiError> {
    let (a, r, p) = (client.acl_auth_methods(), client.acl_roles(), client.acl_policies());
    let (methods, roles, policies) = futures::join!(a.list(q), r.list(q), p.list(q));
    Ok(Refs {
        methods: methods?.0.into_iter().map(|m| m.name).collect(),
        roles: roles?.0.into_iter().map(|r| r.name).collect(),
        policies: policies?.0.into_iter().map(|p| p.name).collect(),
    })
}

#[cfg(feature = "ssr")]
fn method_info(m: crate::nomad::models::AclAuthMethod) -> MethodInfo {
    let config = m.config.unwrap_or_default();
    MethodInfo {
        name: m.name,
        method_type: m.method_type,
        default: m.default,
        claim_mappings: config.claim_mappings.unwrap_or_default().into_iter().collect(),
        list_claim_mappings: config.list_claim_mappings.unwrap_or_default().into_iter().collect(),
    }
}

/// Rows built from plain lists, separate from I/O so they can be tested.
#[cfg(feature = "ssr")]
pub mod rows {
    use super::{Refs, RuleRow, Target};
    use crate::nomad::models::{AclBindingRule, BIND_TYPE_MANAGEMENT, BIND_TYPE_POLICY, BIND_TYPE_ROLE};

    pub fn target(bind_type: &str, bind_name: &str, refs: &Refs) -> Target {
        let known = match bind_type {
            BIND_TYPE_MANAGEMENT => return Target::Management,
            BIND_TYPE_ROLE => &refs.roles,
            BIND_TYPE_POLICY => &refs.policies,
            _ => return Target::Unknown,
        };
        if bind_name.contains("${") {
            Target::Templated
        } else if known.contains(bind_name) {
            Target::Exists
        } else {
            Target::Missing
        }
    }

    pub fn row(r: &AclBindingRule, refs: &Refs) -> RuleRow {
        RuleRow {
            id: r.id.clone(),
            description: r.description.clone(),
            auth_method: r.auth_method.clone(),
            selector: r.selector.clone(),
            bind_type: r.bind_type.clone(),
            bind_name: r.bind_name.clone(),
            method_exists: refs.methods.iter().any(|m| m == &r.auth_method),
            target: target(&r.bind_type, &r.bind_name, refs),
        }
    }

    /// By auth method, then label, then ID.
    pub fn sort(rows: &mut [RuleRow]) {
        rows.sort_by(|a, b| {
            a.auth_method.cmp(&b.auth_method).then_with(|| a.label().cmp(&b.label())).then_with(|| a.id.cmp(&b.id))
        });
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn refs() -> Refs {
            Refs {
                methods: vec!["okta".into()],
                roles: ["ops".to_string()].into_iter().collect(),
                policies: ["read".to_string()].into_iter().collect(),
            }
        }

        fn rule(method: &str, bind_type: &str, bind_name: &str) -> AclBindingRule {
            AclBindingRule {
                id: format!("{method}-{bind_type}-{bind_name}"),
                auth_method: method.into(),
                bind_type: bind_type.into(),
                bind_name: bind_name.into(),
                ..Default::default()
            }
        }

        #[test]
        fn dangling_methods_roles_and_policies_are_marked() {
            let r = refs();
            let ok = row(&rule("okta", "role", "ops"), &r);
            assert_eq!((ok.method_exists, ok.target, ok.dangling()), (true, Target::Exists, false));
            assert_eq!(row(&rule("okta", "policy", "read"), &r).target, Target::Exists);
            // A role and a policy of the same name are different things.
            assert_eq!(row(&rule("okta", "policy", "ops"), &r).target, Target::Missing);
            assert!(row(&rule("okta", "role", "gone"), &r).dangling());
            let no_method = row(&rule("gone", "management", ""), &r);
            assert_eq!(
                (no_method.method_exists, no_method.target, no_method.dangling()),
                (false, Target::Management, true)
            );
            let templated = row(&rule("okta", "role", "team-${value.team}"), &r);
            assert_eq!((templated.target, templated.dangling()), (Target::Templated, false));
        }

        #[test]
        fn sorted_by_method_then_label() {
            let r = refs();
            let mut rows = vec![
                row(&rule("okta", "role", "ops"), &r),
                row(&rule("auth0", "policy", "read"), &r),
                row(&AclBindingRule { description: "A first".into(), ..rule("okta", "policy", "read") }, &r),
            ];
            sort(&mut rows);
            let labels: Vec<String> = rows.iter().map(RuleRow::label).collect();
            assert_eq!(labels, vec!["auth0 → policy read", "A first", "okta → role ops"]);
        }
    }
}

/// Nomad's binding-rule checks (the core's, one source for the embedded server and
/// the editor); compiled for the browser too, so the editor shows the same messages
/// before anything is sent.
pub mod validate {
    use crate::api::error::ApiError;
    use crate::nomad::models::AclBindingRule;
    use crate::nomad::validate::{invalid, messages};

    pub use crate::nomad::validate::binding_rule::{auth_method, description, field_of, Field};
    pub use crate::nomad::validate::MAX_DESCRIPTION;

    /// Nomad checks the bind type and the name in one switch: at most one message.
    pub fn bind(bind_type: &str, bind_name: &str) -> Option<String> {
        crate::nomad::validate::binding_rule::bind(bind_type, bind_name).map(|p| p.message)
    }

    /// Every problem, in Nomad's order (the selector is checked apart, by its tester).
    pub fn all(auth_method: &str, description: &str, bind_type: &str, bind_name: &str) -> Vec<String> {
        let rule = AclBindingRule {
            auth_method: auth_method.into(),
            description: description.into(),
            bind_type: bind_type.into(),
            bind_name: bind_name.into(),
            ..Default::default()
        };
        messages(&rule.validate())
    }

    /// Nomad's answer for a refused rule: `binding rule 0 invalid: 1 error occurred: ...`.
    pub fn multierror(items: &[String]) -> String {
        invalid("binding rule", items)
    }

    /// The messages of a refused save, each with its field. Other errors (permission,
    /// Nomad down) come back whole, as `Other`.
    pub fn by_field(e: &ApiError) -> Vec<(Field, String)> {
        e.by_field("binding rule 0 invalid: ", Field::Other, |i| (field_of(i), i.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::validate::{self, Field};
    use super::{label, Target};
    use crate::api::error::ApiError;
    use crate::nomad::error::NomadError;

    #[test]
    fn nomad_texts_in_nomad_order() {
        assert_eq!(validate::bind("", ""), Some("bind type is missing".into()));
        assert_eq!(validate::bind("role", ""), Some("bind name is missing".into()));
        assert_eq!(validate::bind("policy", ""), Some("bind name is missing".into()));
        assert_eq!(validate::bind("management", "x"), Some("bind name should be empty".into()));
        assert_eq!(validate::bind("admin", "x"), Some("unsupported bind type: \"admin\"".into()));
        assert_eq!(validate::bind("management", ""), None);
        assert_eq!(validate::bind("role", "ops"), None);
        let all = validate::all("", &"d".repeat(257), "role", "");
        assert_eq!(all, vec!["auth method is missing", "description longer than 256", "bind name is missing"]);
        assert!(validate::multierror(&all).starts_with("binding rule 0 invalid: 3 errors occurred:\n\t* auth method"));
    }

    #[test]
    fn refusals_land_on_their_field() {
        let mut items = validate::all("", "", "management", "x");
        items.push("selector is invalid: 1:5 (4): no match found".into());
        let e = ApiError::Invalid(validate::multierror(&items));
        let fields: Vec<Field> = validate::by_field(&e).into_iter().map(|(f, _)| f).collect();
        assert_eq!(fields, vec![Field::AuthMethod, Field::BindName, Field::Selector]);
        let nomad = |m: &str| ApiError::Nomad(NomadError::InvalidRequest { message: m.into() });
        assert_eq!(
            validate::by_field(&nomad("ACL auth method gone not found")),
            vec![(Field::AuthMethod, "ACL auth method gone not found".to_string())]
        );
        assert_eq!(
            validate::by_field(&nomad("cannot update auth method for binding rule, create a new rule instead"))[0].0,
            Field::AuthMethod
        );
        assert_eq!(
            validate::by_field(&nomad(
                "binding rule 0 invalid: 1 error occurred:\n\t* unsupported bind type: \"x\"\n\n"
            ))[0]
                .0,
            Field::BindType
        );
        assert_eq!(validate::by_field(&nomad("cannot find binding rule abc"))[0].0, Field::Other);
        let down = ApiError::Nomad(NomadError::Server { status: 500, message: "rpc error".into() });
        assert_eq!(validate::by_field(&down)[0].0, Field::Other);
    }

    #[test]
    fn labels_name_a_rule() {
        assert_eq!(label(" Oncall ", "okta", "role", "ops"), "Oncall");
        assert_eq!(label("", "okta", "role", "ops"), "okta → role ops");
        assert_eq!(label("", "okta", "management", ""), "okta → management");
        let _ = Target::Exists;
    }
}
