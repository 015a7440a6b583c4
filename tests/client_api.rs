#![cfg(feature = "ssr")]
//! Every method of the typed client, against the backend of `tests/common` (the embedded
//! server, or a real Nomad named by `NOMAD_TEST_ADDR`).

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{unique, uuid, Backend, Fresh};
use nomad_acl_console::nomad::client::{
    LoginRequest, NomadClient, NomadConfig, OidcAuthUrlRequest, QueryOptions, WriteOptions,
};
use nomad_acl_console::nomad::error::NomadError;
use nomad_acl_console::nomad::models::{
    AclAuthMethod, AclAuthMethodConfig, AclBindingRule, AclPolicy, AclRole, AclRolePolicyLink, AclToken,
    AclTokenRoleLink, GoDuration, SecretId,
};

fn jwt_method(name: &str) -> AclAuthMethod {
    AclAuthMethod {
        name: name.to_string(),
        method_type: "JWT".into(),
        token_locality: "local".into(),
        max_token_ttl: GoDuration::from_hours(1),
        config: Some(AclAuthMethodConfig {
            jwks_url: "https://jwks.example.invalid/keys".into(),
            bound_audiences: Some(vec!["nomad".into()]),
            claim_mappings: Some([("sub".to_string(), "user".to_string())].into_iter().collect()),
            ..Default::default()
        }),
        ..Default::default()
    }
}

#[tokio::test]
async fn status_leader_answers() {
    let b = Backend::start().await;
    let leader = b.client.status_leader().await.unwrap();
    assert!(!leader.is_empty(), "no leader reported");
}

#[tokio::test]
async fn client_reports_its_address_and_region() {
    let b = Backend::start().await;
    assert_eq!(b.client.address(), b.base_url.trim_end_matches('/'));
    let c = NomadClient::new(&NomadConfig {
        address: b.base_url.clone(),
        region: Some("global".into()),
        ..Default::default()
    })
    .unwrap();
    assert_eq!(c.region(), Some("global"));
    // The default region `global` is the agent's own region: requests still work.
    c.acl_policies().list(&b.q()).await.unwrap();
}

#[tokio::test]
async fn policies_upsert_get_list_self_delete() {
    let b = Backend::start().await;
    let pol = b.client.acl_policies();
    let name = unique("api-pol");
    let p = AclPolicy {
        name: name.clone(),
        description: "read nodes".into(),
        rules: "node { policy = \"read\" }".into(),
        ..Default::default()
    };
    let w1 = pol.upsert(&p, &b.w()).await.unwrap();
    assert!(w1.last_index > 0);

    let (got, meta) = pol.get(&name, &b.q()).await.unwrap();
    assert_eq!(got.name, name);
    assert_eq!(got.description, "read nodes");
    assert_eq!(got.rules, p.rules);
    assert!(got.rules_json.is_some(), "GET policy must carry RulesJSON");
    assert!(got.hash.is_some());
    assert_eq!(got.create_index, w1.last_index);
    assert_eq!(got.modify_index, w1.last_index);
    assert_eq!(meta.last_index, w1.last_index, "X-Nomad-Index of a policy GET is its ModifyIndex");
    assert!(meta.known_leader);

    // Full replace: CreateIndex kept, ModifyIndex moves.
    let p2 = AclPolicy { description: "changed".into(), ..p.clone() };
    let w2 = pol.upsert(&p2, &b.w()).await.unwrap();
    assert!(w2.last_index > w1.last_index);
    let (got, _) = pol.get(&name, &b.q()).await.unwrap();
    assert_eq!(got.description, "changed");
    assert_eq!(got.create_index, w1.last_index);
    assert_eq!(got.modify_index, w2.last_index);

    let (list, meta) = pol.list(&b.q()).await.unwrap();
    let stub = list.iter().find(|s| s.name == name).expect("policy in list");
    assert_eq!(stub.description, "changed");
    assert!(meta.last_index >= w2.last_index);
    let names: Vec<_> = list.iter().map(|s| s.name.clone()).collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "policies are listed by name");

    let (by_prefix, _) = pol.list(&b.q().with_prefix(name.clone())).await.unwrap();
    assert_eq!(by_prefix.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec![name.as_str()]);

    let (mine, _) = pol.self_policies(&b.q()).await.unwrap();
    assert!(mine.iter().any(|s| s.name == name), "a management token sees every policy in policy/self");

    let w3 = pol.delete(&name, &b.w()).await.unwrap();
    assert!(w3.last_index > w2.last_index);
    let e = pol.get(&name, &b.q()).await.unwrap_err();
    assert_eq!(e, NomadError::NotFound { message: "ACL policy not found".into() });
}

#[tokio::test]
async fn policies_seen_by_a_client_token() {
    let b = Backend::start().await;
    let p1 = b.policy("vis-a", "node { policy = \"read\" }").await;
    let p2 = b.policy("vis-b", "agent { policy = \"read\" }").await;
    let p3 = b.policy("vis-c", "operator { policy = \"read\" }").await;
    let role = b.role("vis-role", &[&p3.name]).await;
    let tok = AclToken {
        token_type: "client".into(),
        policies: Some(vec![p1.name.clone()]),
        roles: Some(vec![AclTokenRoleLink { id: role.id.clone(), name: String::new() }]),
        ..Default::default()
    };
    let (tok, _) = b.client.acl_tokens().create(&tok, &b.w()).await.unwrap();
    let q = QueryOptions::new().with_token(tok.secret_id.clone());
    let (list, _) = b.client.acl_policies().list(&q).await.unwrap();
    let names: BTreeSet<_> = list.iter().map(|s| s.name.clone()).collect();
    assert!(names.contains(&p1.name) && names.contains(&p3.name), "{names:?}");
    assert!(!names.contains(&p2.name), "{names:?}");
    let (mine, _) = b.client.acl_policies().self_policies(&q).await.unwrap();
    let mine: BTreeSet<_> = mine.iter().map(|s| s.name.clone()).collect();
    assert_eq!(mine, names);
    b.client.acl_policies().get(&p1.name, &q).await.unwrap();
    b.client.acl_policies().get(&p3.name, &q).await.unwrap();
    let e = b.client.acl_policies().get(&p2.name, &q).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
}

#[tokio::test]
async fn tokens_create_get_list_self_update_delete() {
    let b = Backend::start().await;
    let p = b.policy("tok-pol", "node { policy = \"read\" }").await;
    let toks = b.client.acl_tokens();
    let name = unique("api-token");
    let req = AclToken {
        name: name.clone(),
        token_type: "client".into(),
        policies: Some(vec![p.name.clone()]),
        ..Default::default()
    };
    let (created, wm) = toks.create(&req, &b.w()).await.unwrap();
    assert!(common::looks_like_uuid(&created.accessor_id), "{}", created.accessor_id);
    assert!(common::looks_like_uuid(created.secret_id.expose()));
    assert_eq!(created.name, name);
    assert_eq!(created.token_type, "client");
    assert_eq!(created.policies(), std::slice::from_ref(&p.name));
    assert!(!created.global);
    assert_eq!(created.create_index, wm.last_index);
    assert_eq!(created.modify_index, wm.last_index);
    assert!(created.hash.is_some());

    let (got, meta) = toks.get(&created.accessor_id, &b.q()).await.unwrap();
    assert_eq!(got, created);
    assert_eq!(meta.last_index, created.modify_index);

    // Accessor lookups ignore hex case.
    let (upper, _) = toks.get(&created.accessor_id.to_uppercase(), &b.q()).await.unwrap();
    assert_eq!(upper.accessor_id, created.accessor_id);

    let (me, _) = toks.get_self(&QueryOptions::new().with_token(created.secret_id.clone())).await.unwrap();
    assert_eq!(me.accessor_id, created.accessor_id);
    assert_eq!(me.secret_id, created.secret_id);

    let (list, meta) = toks.list(&b.q()).await.unwrap();
    let stub = list.iter().find(|s| s.accessor_id == created.accessor_id).expect("token in list");
    assert_eq!(stub.name, name);
    assert_eq!(stub.policies.as_deref(), Some(&[p.name.clone()][..]));
    assert!(list.iter().any(|s| s.accessor_id == b.mgmt_token.accessor_id));
    assert!(meta.last_index >= created.create_index);

    let upd = AclToken { name: format!("{name}-renamed"), ..created.clone() };
    let (updated, wm2) = toks.update(&upd, &b.w()).await.unwrap();
    assert_eq!(updated.name, format!("{name}-renamed"));
    assert_eq!(updated.secret_id, created.secret_id);
    assert_eq!(updated.create_index, created.create_index);
    assert_eq!(updated.modify_index, wm2.last_index);
    assert!(wm2.last_index > wm.last_index);

    toks.delete(&created.accessor_id, &b.w()).await.unwrap();
    let e = toks.get(&created.accessor_id, &b.q()).await.unwrap_err();
    assert_eq!(e, NomadError::NotFound { message: "ACL token not found".into() });
    // Its secret no longer works.
    let e = toks.get_self(&QueryOptions::new().with_token(created.secret_id.clone())).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
}

#[tokio::test]
async fn tokens_anonymous_self() {
    let b = Backend::start().await;
    let (anon, meta) = b.client.acl_tokens().get_self(&QueryOptions::new()).await.unwrap();
    assert_eq!(anon.accessor_id, "anonymous");
    assert_eq!(anon.name, "Anonymous Token");
    assert_eq!(anon.token_type, "client");
    assert_eq!(anon.policies(), &["anonymous".to_string()]);
    assert!(anon.secret_id.is_empty());
    assert_eq!(meta.last_index, 0);
}

#[tokio::test]
async fn tokens_bootstrap_through_the_client() {
    let Some(f) = Fresh::start("tokens_bootstrap_through_the_client").await else { return };
    let secret = SecretId::from(uuid());
    let (tok, wm) = f.client.acl_tokens().bootstrap(Some(&secret), &WriteOptions::new()).await.unwrap();
    assert_eq!(tok.secret_id, secret);
    assert_eq!(tok.name, "Bootstrap Token");
    assert_eq!(tok.token_type, "management");
    assert!(tok.global);
    assert_eq!(tok.policies, None);
    assert_eq!(tok.create_index, wm.last_index);
    let (me, _) = f.client.acl_tokens().get_self(&QueryOptions::new().with_token(secret.clone())).await.unwrap();
    assert_eq!(me.accessor_id, tok.accessor_id);
    let e = f.client.acl_tokens().bootstrap(None, &WriteOptions::new()).await.unwrap_err();
    assert_eq!(
        e,
        NomadError::InvalidRequest {
            message: format!("ACL bootstrap already done (reset index: {})", tok.create_index)
        }
    );
}

#[tokio::test]
async fn tokens_one_time_create_and_exchange() {
    let b = Backend::start().await;
    let p = b.policy("ott-pol", "node { policy = \"read\" }").await;
    let tok = b.client_token(&[&p.name]).await;
    let w = WriteOptions::new().with_token(tok.secret_id.clone());
    let (ott, wm) = b.client.acl_tokens().create_one_time(&w).await.unwrap();
    assert_eq!(ott.accessor_id, tok.accessor_id);
    assert!(common::looks_like_uuid(ott.one_time_secret_id.expose()));
    assert!(ott.expires_at > time::OffsetDateTime::now_utc() + Duration::from_secs(9 * 60));
    assert!(wm.last_index > 0);
    let (got, _) =
        b.client.acl_tokens().exchange_one_time(&ott.one_time_secret_id, &WriteOptions::new()).await.unwrap();
    assert_eq!(got.accessor_id, tok.accessor_id);
    assert_eq!(got.secret_id, tok.secret_id);
    let e = b.client.acl_tokens().exchange_one_time(&ott.one_time_secret_id, &WriteOptions::new()).await.unwrap_err();
    assert!(e.is_permission_denied(), "{e:?}");
}

#[tokio::test]
async fn tokens_paginate_with_next_token() {
    let b = Backend::start().await;
    let p = b.policy("page-pol", "node { policy = \"read\" }").await;
    for _ in 0..4 {
        b.client_token(&[&p.name]).await;
    }
    let (all, _) = b.client.acl_tokens().list(&b.q()).await.unwrap();
    assert!(all.len() >= 5);
    let mut walked = Vec::new();
    let mut q = b.q().with_per_page(2);
    loop {
        let (page, meta) = b.client.acl_tokens().list(&q).await.unwrap();
        assert!(page.len() <= 2);
        walked.extend(page);
        match meta.next_token {
            Some(t) => q = q.with_next_token(t),
            None => break,
        }
        assert!(walked.len() <= all.len() + 2, "pagination does not end");
    }
    let ids = |v: &[nomad_acl_console::nomad::models::AclTokenListStub]| {
        v.iter().map(|s| s.accessor_id.clone()).collect::<Vec<_>>()
    };
    if b.real {
        // Others may write meanwhile: every token seen at first must be walked.
        let walked: BTreeSet<_> = ids(&walked).into_iter().collect();
        assert!(ids(&all).iter().all(|a| walked.contains(a)));
        return;
    }
    assert_eq!(ids(&walked), ids(&all));

    let (rev, _) = b.client.acl_tokens().list(&b.q().with_reverse(true)).await.unwrap();
    let mut fwd = ids(&all);
    fwd.reverse();
    assert_eq!(ids(&rev), fwd);
}

#[tokio::test]
async fn roles_create_get_by_id_and_name_list_update_delete() {
    let b = Backend::start().await;
    let p1 = b.policy("role-p1", "node { policy = \"read\" }").await;
    let p2 = b.policy("role-p2", "agent { policy = \"read\" }").await;
    let roles = b.client.acl_roles();
    let name = unique("api-role");
    let req = AclRole {
        name: name.clone(),
        description: "ops".into(),
        policies: vec![AclRolePolicyLink { name: p1.name.clone() }],
        ..Default::default()
    };
    let (created, wm) = roles.create(&req, &b.w()).await.unwrap();
    assert!(common::looks_like_uuid(&created.id));
    assert_eq!(created.name, name);
    assert_eq!(created.policies, req.policies);
    assert_eq!(created.create_index, wm.last_index);

    let (got, meta) = roles.get(&created.id, &b.q()).await.unwrap();
    assert_eq!(got, created);
    assert_eq!(meta.last_index, created.modify_index);
    let (by_name, _) = roles.get_by_name(&name, &b.q()).await.unwrap();
    assert_eq!(by_name, created);

    let (list, _) = roles.list(&b.q()).await.unwrap();
    assert!(list.iter().any(|r| r.id == created.id && r.name == name));
    let (pref, _) = roles.list(&b.q().with_prefix(created.id[..8].to_string())).await.unwrap();
    assert!(pref.iter().any(|r| r.id == created.id));
    assert!(pref.iter().all(|r| r.id.starts_with(&created.id[..8])));

    let new_name = unique("api-role-renamed");
    let upd = AclRole {
        name: new_name.clone(),
        description: "ops and agents".into(),
        policies: vec![AclRolePolicyLink { name: p1.name.clone() }, AclRolePolicyLink { name: p2.name.clone() }],
        ..created.clone()
    };
    let (updated, wm2) = roles.update(&upd, &b.w()).await.unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.name, new_name);
    assert_eq!(updated.policies.len(), 2);
    assert_eq!(updated.create_index, created.create_index);
    assert_eq!(updated.modify_index, wm2.last_index);
    let (by_new, _) = roles.get_by_name(&new_name, &b.q()).await.unwrap();
    assert_eq!(by_new.id, created.id);
    assert!(roles.get_by_name(&name, &b.q()).await.unwrap_err().is_not_found());

    roles.delete(&created.id, &b.w()).await.unwrap();
    let e = roles.get(&created.id, &b.q()).await.unwrap_err();
    assert_eq!(e, NomadError::NotFound { message: "ACL role not found".into() });
    let e = roles.delete(&created.id, &b.w()).await.unwrap_err();
    assert_eq!(e, NomadError::Server { status: 500, message: "ACL role not found".into() });
    assert!(e.is_missing_object());
}

#[tokio::test]
async fn auth_methods_create_get_list_update_delete() {
    let b = Backend::start().await;
    let am = b.client.acl_auth_methods();
    let name = unique("api-jwt");
    let (created, wm) = am.create(&jwt_method(&name), &b.w()).await.unwrap();
    assert_eq!(created.name, name);
    assert_eq!(created.method_type, "JWT");
    assert_eq!(created.token_locality, "local");
    assert_eq!(created.max_token_ttl, GoDuration::from_hours(1));
    assert_eq!(created.token_name_format, "${auth_method_type}-${auth_method_name}");
    assert_eq!(created.create_index, wm.last_index);
    assert!(!nomad_acl_console::nomad::models::is_zero_time(&created.create_time));

    let (got, meta) = am.get(&name, &b.q()).await.unwrap();
    assert_eq!(got.name, name);
    assert_eq!(got.config.as_ref().unwrap().jwks_url, "https://jwks.example.invalid/keys");
    assert_eq!(meta.last_index, got.modify_index);

    let (list, _) = am.list(&QueryOptions::new()).await.unwrap();
    let stub = list.iter().find(|m| m.name == name).expect("method in the list (no token needed)");
    assert_eq!(stub.method_type, "JWT");

    // Update: an empty Type/TokenLocality/MaxTokenTTL/Config is merged from the stored method.
    let upd = AclAuthMethod { name: name.clone(), token_name_format: "${value.user}".into(), ..Default::default() };
    let (updated, wm2) = am.update(&upd, &b.w()).await.unwrap();
    assert_eq!(updated.token_name_format, "${value.user}");
    assert_eq!(updated.method_type, "JWT");
    assert_eq!(updated.max_token_ttl, GoDuration::from_hours(1));
    assert!(updated.config.is_some());
    assert_eq!(updated.create_index, created.create_index);
    assert!(wm2.last_index > wm.last_index);

    am.delete(&name, &b.w()).await.unwrap();
    let e = am.get(&name, &b.q()).await.unwrap_err();
    assert_eq!(e, NomadError::NotFound { message: "ACL auth-method not found".into() });
}

#[tokio::test]
async fn auth_method_client_secret_is_redacted() {
    let b = Backend::start().await;
    let name = unique("api-oidc");
    let m = AclAuthMethod {
        name: name.clone(),
        method_type: "OIDC".into(),
        token_locality: "global".into(),
        max_token_ttl: GoDuration::from_mins(30),
        config: Some(AclAuthMethodConfig {
            oidc_discovery_url: "https://idp.example.invalid".into(),
            oidc_client_id: "console".into(),
            oidc_client_secret: "very-secret-value".into(),
            allowed_redirect_uris: Some(vec!["http://localhost:4649/oidc/callback".into()]),
            ..Default::default()
        }),
        ..Default::default()
    };
    let (created, _) = b.client.acl_auth_methods().create(&m, &b.w()).await.unwrap();
    assert_eq!(created.config.as_ref().unwrap().oidc_client_secret, "redacted");
    let (got, _) = b.client.acl_auth_methods().get(&name, &b.q()).await.unwrap();
    assert_eq!(got.config.as_ref().unwrap().oidc_client_secret, "redacted");
    b.client.acl_auth_methods().delete(&name, &b.w()).await.unwrap();
}

#[tokio::test]
async fn binding_rules_create_get_list_update_delete() {
    let b = Backend::start().await;
    let method = unique("api-br-jwt");
    b.client.acl_auth_methods().create(&jwt_method(&method), &b.w()).await.unwrap();
    let br = b.client.acl_binding_rules();
    let req = AclBindingRule {
        description: "engineers".into(),
        auth_method: method.clone(),
        selector: "\"engineering\" in list.groups".into(),
        bind_type: "role".into(),
        bind_name: "eng-${value.user}".into(),
        ..Default::default()
    };
    let (created, wm) = br.create(&req, &b.w()).await.unwrap();
    assert!(common::looks_like_uuid(&created.id));
    assert_eq!(created.auth_method, method);
    assert_eq!(created.selector, req.selector);
    assert_eq!(created.bind_type, "role");
    assert_eq!(created.bind_name, req.bind_name);
    assert_eq!(created.create_index, wm.last_index);

    let (got, meta) = br.get(&created.id, &b.q()).await.unwrap();
    assert_eq!(got, created);
    assert_eq!(meta.last_index, created.modify_index);

    let (list, _) = br.list(&b.q()).await.unwrap();
    let stub = list.iter().find(|r| r.id == created.id).expect("rule in the list");
    assert_eq!(stub.auth_method, method);

    let upd = AclBindingRule {
        description: "all engineers".into(),
        selector: "\"eng\" in list.groups".into(),
        bind_name: "engineering".into(),
        ..created.clone()
    };
    let (updated, _) = br.update(&upd, &b.w()).await.unwrap();
    assert_eq!(updated.id, created.id);
    assert_eq!(updated.description, "all engineers");
    assert_eq!(updated.selector, "\"eng\" in list.groups");
    assert_eq!(updated.bind_name, "engineering");
    assert_eq!(updated.create_index, created.create_index);
    let (got, _) = br.get(&created.id, &b.q()).await.unwrap();
    assert_eq!(got, updated);

    // Nomad merges an empty BindName from the stored rule, so a role rule cannot become a
    // management rule in place: the merged name fails validation.
    let to_mgmt = AclBindingRule { bind_type: "management".into(), bind_name: String::new(), ..updated.clone() };
    let e = br.update(&to_mgmt, &b.w()).await.unwrap_err();
    assert_eq!(e.details(), vec!["bind name should be empty"], "{e:?}");

    br.delete(&created.id, &b.w()).await.unwrap();
    let e = br.get(&created.id, &b.q()).await.unwrap_err();
    assert_eq!(e, NomadError::NotFound { message: "ACL binding rule not found".into() });
    b.client.acl_auth_methods().delete(&method, &b.w()).await.unwrap();
}

#[tokio::test]
async fn login_endpoints_answer_with_nomad_errors() {
    let b = Backend::start().await;
    let am = b.client.acl_auth_methods();
    // Missing fields: Nomad answers 400 (a double may answer 501 for login flows).
    let e = am.oidc_auth_url(&OidcAuthUrlRequest::default(), &WriteOptions::new()).await.unwrap_err();
    assert!(matches!(e.status(), Some(400) | Some(501)), "{e:?}");
    let req =
        LoginRequest { auth_method_name: unique("no-such-method"), login_token: SecretId::from("eyJhbGciOi.x.y") };
    let e = am.login(&req, &WriteOptions::new()).await.unwrap_err();
    assert!(matches!(e.status(), Some(400) | Some(501)), "{e:?}");
    assert!(!e.to_string().contains("eyJhbGciOi"), "{e}");
}

#[tokio::test]
async fn write_indexes_grow_and_reads_report_a_leader() {
    let b = Backend::start().await;
    let mut last = 0;
    for _ in 0..3 {
        let i = b.write_index().await;
        assert!(i > last, "write index did not grow: {i} after {last}");
        last = i;
    }
    let (_, meta) = b.client.acl_policies().list(&b.q()).await.unwrap();
    assert!(meta.known_leader);
    if !b.real {
        // One server, the leader; nobody else writes.
        assert_eq!(meta.last_contact, Duration::ZERO);
        assert_eq!(meta.last_index, last, "the policy table index is the last policy write");
    }
}

#[tokio::test]
async fn client_is_cheap_to_clone_and_usable_concurrently() {
    let b = Backend::start().await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let c = b.client.clone();
        let q = b.q();
        tasks.push(tokio::spawn(async move { c.acl_policies().list(&q).await.map(|(l, _)| l.len()) }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn bad_tokens_are_permission_denied() {
    let b = Backend::start().await;
    let q = QueryOptions::new().with_token(SecretId::from(uuid()));
    let e = b.client.acl_policies().list(&q).await.unwrap_err();
    assert_eq!(e, NomadError::PermissionDenied { message: "Permission denied".into() });
    let e = b.client.acl_tokens().list(&QueryOptions::new()).await.unwrap_err();
    assert!(e.is_permission_denied(), "anonymous token list: {e:?}");
}

#[tokio::test]
async fn blocking_query_returns_on_change() {
    let b = Backend::start().await;
    let (_, meta) = b.client.acl_policies().list(&b.q()).await.unwrap();
    let c = b.client.clone();
    let q = b.q().blocking(meta.last_index, Duration::from_secs(5));
    let waiter = tokio::spawn(async move {
        let start = std::time::Instant::now();
        let r = c.acl_policies().list(&q).await;
        (r, start.elapsed())
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let name = unique("blk");
    let wm =
        b.client.acl_policies().upsert(&AclPolicy { name: name.clone(), ..Default::default() }, &b.w()).await.unwrap();
    let (r, elapsed) = waiter.await.unwrap();
    let (list, meta2) = r.unwrap();
    assert!(meta2.last_index > meta.last_index);
    if !b.real {
        // On a shared cluster another test's write may wake it first.
        assert_eq!(meta2.last_index, wm.last_index);
        assert!(list.iter().any(|p| p.name == name));
    }
    assert!(elapsed < Duration::from_secs(4), "the blocking query did not wake on the write: {elapsed:?}");
}

#[tokio::test]
async fn blocking_query_longer_than_the_request_timeout_succeeds() {
    let b = Backend::start().await;
    let c = NomadClient::new(&NomadConfig {
        address: b.base_url.clone(),
        request_timeout: Duration::from_millis(500),
        ..Default::default()
    })
    .unwrap();
    let (_, meta) = c.acl_roles().list(&b.q()).await.unwrap();
    let start = std::time::Instant::now();
    let (_, meta2) = c
        .acl_roles()
        .list(&b.q().blocking(meta.last_index, Duration::from_millis(1500)))
        .await
        .expect("the client must allow for the blocking wait");
    if meta2.last_index == meta.last_index {
        assert!(start.elapsed() >= Duration::from_millis(1400), "returned early: {:?}", start.elapsed());
    }
}

#[tokio::test]
async fn token_list_all_reuses_an_unchanged_list_and_follows_changes_made_elsewhere() {
    use std::sync::Arc;
    let b = Backend::start().await;
    let tokens = b.client.acl_tokens();
    let (first, _) = tokens.list_all(&b.q()).await.unwrap();
    let (again, _) = tokens.list_all(&b.q()).await.unwrap();
    assert!(Arc::ptr_eq(&first, &again), "an unchanged list is reused, not fetched and parsed again");

    // A token made behind the client's back (another console, the CLI) shows at once.
    let body = format!(r#"{{"Name":"{}","Type":"management"}}"#, unique("elsewhere"));
    let made = b.raw_m("PUT", "/v1/acl/token", Some(&body)).await.json();
    let accessor = made["AccessorID"].as_str().unwrap().to_string();
    let (after_create, meta) = tokens.list_all(&b.q()).await.unwrap();
    assert!(!Arc::ptr_eq(&first, &after_create));
    assert!(after_create.iter().any(|t| t.accessor_id == accessor));
    assert_eq!(after_create.len(), first.len() + 1);
    assert!(meta.next_token.is_none());

    b.raw_m("DELETE", &format!("/v1/acl/token/{accessor}"), None).await.expect_status(200);
    let (after_delete, _) = tokens.list_all(&b.q()).await.unwrap();
    assert!(!after_delete.iter().any(|t| t.accessor_id == accessor));

    // Each token has its own list, and a token that may not list tokens is refused every time.
    let policy = b.policy("lister", r#"namespace "default" { policy = "read" }"#).await;
    let client = b.client_token(&[&policy.name]).await;
    let q = QueryOptions::new().with_token(client.secret_id.clone());
    for _ in 0..2 {
        let err = tokens.list_all(&q).await.unwrap_err();
        assert!(err.is_permission_denied(), "{err:?}");
    }

    // Asked many times at once by a token with nothing kept: fetched once, the others check it.
    let body = format!(r#"{{"Name":"{}","Type":"management"}}"#, unique("second-admin"));
    let second = b.raw_m("PUT", "/v1/acl/token", Some(&body)).await.json();
    let q = QueryOptions::new().with_token(SecretId::from(second["SecretID"].as_str().unwrap().to_string()));
    let answers = futures::future::join_all((0..8).map(|_| tokens.list_all(&q))).await;
    let lists: Vec<_> = answers.into_iter().map(|r| r.unwrap().0).collect();
    assert!(lists.windows(2).all(|w| Arc::ptr_eq(&w[0], &w[1])), "one fetch for concurrent requests");
}

#[tokio::test]
async fn acl_lists_keep_role_and_policy_lists_for_management_and_never_for_client_tokens() {
    use std::sync::Arc;
    let b = Backend::start().await;
    let policy = b.policy("kept", r#"namespace "default" { policy = "read" }"#).await;
    let first = b.client.acl_lists(&b.q()).await;
    let again = b.client.acl_lists(&b.q()).await;
    let (r1, p1) = (first.roles.unwrap().0, first.policies.unwrap().0);
    let (r2, p2) = (again.roles.unwrap().0, again.policies.unwrap().0);
    assert!(Arc::ptr_eq(&r1, &r2) && Arc::ptr_eq(&p1, &p2), "unchanged lists are reused, not fetched again");
    assert!(p1.iter().any(|p| p.name == policy.name));

    // A policy written behind the client's back shows at once; the role list, unchanged, stays kept.
    let other = b.policy("kept-other", r#"node { policy = "read" }"#).await;
    let after = b.client.acl_lists(&b.q()).await;
    let (r3, p3) = (after.roles.unwrap().0, after.policies.unwrap().0);
    assert!(p3.iter().any(|p| p.name == other.name), "a new policy is seen on the next call");
    assert!(Arc::ptr_eq(&r2, &r3), "a policy write leaves the role list kept");
    let role = b.role("kept", &[&policy.name]).await;
    let after = b.client.acl_lists(&b.q()).await;
    assert!(after.roles.unwrap().0.iter().any(|r| r.name == role.name), "a new role is seen on the next call");

    // A client token is refused the token list and sees only its own policy, fetched every time.
    let client = b.client_token(&[&policy.name]).await;
    let q = QueryOptions::new().with_token(client.secret_id.clone());
    let mine = b.client.acl_lists(&q).await;
    assert!(mine.tokens.unwrap_err().is_permission_denied());
    let names: Vec<String> = mine.policies.unwrap().0.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, vec![policy.name.clone()]);

    // Promoted to management it sees everything; demoted again, only its own policy:
    // what it was shown as management is not kept for it as a client.
    let update = |kind: &str, policies: &str| {
        format!(
            r#"{{"AccessorID":"{}","Name":"{}","Type":"{kind}","Policies":{policies}}}"#,
            client.accessor_id, client.name
        )
    };
    let path = format!("/v1/acl/token/{}", client.accessor_id);
    b.raw_m("PUT", &path, Some(&update("management", "null"))).await.expect_status(200);
    let promoted = b.client.acl_lists(&q).await;
    assert!(promoted.tokens.is_ok());
    assert!(promoted.policies.unwrap().0.iter().any(|p| p.name == other.name));
    b.raw_m("PUT", &path, Some(&update("client", &format!(r#"["{}"]"#, policy.name)))).await.expect_status(200);
    let demoted = b.client.acl_lists(&q).await;
    assert!(demoted.tokens.unwrap_err().is_permission_denied());
    let names: Vec<String> = demoted.policies.unwrap().0.iter().map(|p| p.name.clone()).collect();
    assert_eq!(names, vec![policy.name.clone()]);
}

#[tokio::test]
async fn role_and_policy_probes_answer_the_table_index_without_the_list() {
    let b = Backend::start().await;
    let (p, r) = (b.client.acl_policies(), b.client.acl_roles());
    let policy = b.policy("probed", r#"node { policy = "read" }"#).await;
    b.role("probed", &[&policy.name]).await;
    let (policies, listed) = p.list(&b.q()).await.unwrap();
    let (roles, roles_listed) = r.list(&b.q()).await.unwrap();
    assert!(!policies.is_empty() && !roles.is_empty());
    let (probed, roles_probed) = (p.probe(&b.q()).await.unwrap(), r.probe(&b.q()).await.unwrap());
    assert_eq!(probed.last_index, listed.last_index, "the probe carries the policy table's index");
    assert_eq!(roles_probed.last_index, roles_listed.last_index, "the probe carries the role table's index");
    // The probe itself is an empty answer, whatever the caller may see.
    let empty = QueryOptions { prefix: Some("~".into()), ..b.q() };
    assert!(p.list(&empty).await.unwrap().0.is_empty());
    assert!(r.list(&empty).await.unwrap().0.is_empty());
    // Any write to the table moves it.
    b.policy("probed-again", r#"node { policy = "read" }"#).await;
    assert!(p.probe(&b.q()).await.unwrap().last_index > probed.last_index);
}
