use proptest::prelude::*;

use super::*;
use crate::duration::GoDuration;
use crate::models::*;

const MINUTE: i64 = 60 * 1_000_000_000;
const DAY: i64 = 24 * 60 * MINUTE;

#[test]
fn go_multierror_text() {
    assert_eq!(multierror(&["invalid name 'x y'".into()]), "1 error occurred:\n\t* invalid name 'x y'\n\n");
    assert_eq!(multierror(&["a".into(), "b".into()]), "2 errors occurred:\n\t* a\n\t* b\n\n");
    assert_eq!(invalid("role", &["a".into()]), "role 0 invalid: 1 error occurred:\n\t* a\n\n");
}

#[test]
fn names_are_letters_digits_and_dashes_up_to_128() {
    assert!(valid_name("a-B-9"));
    assert!(valid_name(&"a".repeat(128)));
    assert!(!valid_name(&"a".repeat(129)));
    assert!(!valid_name(""));
    assert!(!valid_name("a_b"));
    assert!(!valid_name("é"));
}

fn fields<F: Copy>(p: &[Problem<F>]) -> Vec<F> {
    p.iter().map(|p| p.field).collect()
}

#[test]
fn a_policy_is_checked_in_nomads_order() {
    let p = AclPolicy {
        name: "bad name".into(),
        description: "d".repeat(257),
        rules: "node { policy = \"bogus\" }".into(),
        job_acl: Some(JobAcl { job_id: "web".into(), ..Default::default() }),
        ..Default::default()
    };
    let got = p.validate();
    use policy::Field;
    assert_eq!(fields(&got), [Field::Name, Field::Rules, Field::Description, Field::JobAcl]);
    assert_eq!(got[0].message, "invalid name 'bad name'");
    assert!(got[1].message.starts_with("failed to parse rules: "), "{}", got[1].message);
    assert_eq!(got[2].message, "description longer than 256");
    assert_eq!(got[3].message, "namespace must be set to set job ID");
    let blank = AclPolicy { name: "ok".into(), rules: "  \n".into(), ..Default::default() };
    assert_eq!(messages(&blank.validate()), ["failed to parse rules: Invalid policy:   \n"]);
    assert!(AclPolicy { name: "ok".into(), ..Default::default() }.validate().is_empty());
}

#[test]
fn a_role_needs_a_name_and_a_policy() {
    let r = AclRole { name: "bad_name".into(), description: "d".repeat(257), ..Default::default() };
    assert_eq!(
        messages(&r.validate()),
        ["invalid name 'bad_name'", "description longer than 256", "at least one policy should be specified"]
    );
}

#[test]
fn a_token_is_checked_against_its_type_and_the_clusters_ttl_bounds() {
    let t = AclToken { name: "x".repeat(257), token_type: TOKEN_TYPE_CLIENT.into(), ..Default::default() };
    assert_eq!(
        messages(&t.validate(MINUTE, DAY, None)),
        ["token name too long", "client token missing policies or roles"]
    );
    let m = AclToken { token_type: "management".into(), policies: Some(vec!["a".into()]), ..Default::default() };
    assert_eq!(fields(&m.validate(MINUTE, DAY, None)), [token::Field::Type]);
    let now = time::OffsetDateTime::now_utc();
    let far = AclToken {
        token_type: "management".into(),
        create_time: now,
        expiration_time: Some(now + time::Duration::days(2)),
        ..Default::default()
    };
    assert_eq!(
        messages(&far.validate(MINUTE, DAY, None)),
        ["expiration time cannot be more than 24h0m0s in the future (was 48h0m0s)"]
    );
    let mut changed = far.clone();
    changed.global = true;
    changed.expiration_ttl = GoDuration::from_hours(1);
    assert_eq!(
        messages(&changed.validate(MINUTE, DAY, Some(&far))),
        ["cannot toggle global mode", "cannot update expiration TTL"]
    );
}

#[test]
fn a_binding_rule_checks_its_bind_in_one_switch_and_its_selector_with_bexpr() {
    let r = AclBindingRule {
        bind_type: "management".into(),
        bind_name: "x".into(),
        selector: "a ==".into(),
        ..Default::default()
    };
    let got = r.validate();
    use binding_rule::Field;
    assert_eq!(fields(&got), [Field::AuthMethod, Field::BindName, Field::Selector]);
    assert_eq!(binding_rule::bind("admin", "x").unwrap().message, "unsupported bind type: \"admin\"");
    assert_eq!(binding_rule::bind("role", "").unwrap().message, "bind name is missing");
    assert!(binding_rule::bind("management", "").is_none());
}

#[test]
fn an_auth_methods_client_assertion_is_checked_after_nomads_defaults() {
    let assertion = |source: &str, key: Option<OidcClientAssertionKey>| AclAuthMethod {
        name: "okta".into(),
        method_type: AUTH_METHOD_TYPE_OIDC.into(),
        token_locality: TOKEN_LOCALITY_LOCAL.into(),
        max_token_ttl: GoDuration::from_hours(1),
        config: Some(AclAuthMethodConfig {
            oidc_discovery_url: "https://idp.example".into(),
            oidc_client_id: "id".into(),
            oidc_client_assertion: Some(OidcClientAssertion {
                key_source: source.into(),
                private_key: key,
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert!(assertion("nomad", None).validate(MINUTE, DAY).is_empty(), "the audience defaults to the discovery URL");
    assert_eq!(
        messages(&assertion("client_secret", None).validate(MINUTE, DAY)),
        ["invalid config: invalid client assertion config: OIDCClientSecret is required for `client_secret` KeySource"]
    );
    assert_eq!(
        messages(&assertion("private_key", None).validate(MINUTE, DAY)),
        ["invalid config: invalid client assertion config: PrivateKey is required for `private_key` KeySource"]
    );
    let both =
        OidcClientAssertionKey { pem_key: "k".into(), pem_cert: "c".into(), key_id: "i".into(), ..Default::default() };
    assert_eq!(
        messages(&assertion("private_key", Some(both)).validate(MINUTE, DAY)),
        ["invalid config: invalid client assertion config: invalid PrivateKey: require only one of PemCert, PemCertFile, or KeyID"]
    );
    let kid = OidcClientAssertionKey { pem_key: "k".into(), key_id: "i".into(), ..Default::default() };
    assert!(assertion("private_key", Some(kid)).validate(MINUTE, DAY).is_empty(), "a key ID's header defaults to kid");
    let got = assertion("bogus", None).validate(MINUTE, DAY);
    assert_eq!(got[0].field, auth_method::Field::ClientAssertion);
    let bad = AclAuthMethod { name: "x y".into(), max_token_ttl: GoDuration::from_hours(48), ..Default::default() };
    assert_eq!(
        messages(&bad.validate(MINUTE, DAY)),
        [
            "invalid name 'x y'",
            "invalid token locality ''",
            "invalid token type ''",
            "invalid config: missing auth method Config",
            "invalid MaxTokenTTL value '48h0m0s' (should be between 1m0s and 24h0m0s)"
        ]
    );
}

proptest! {
    /// Every message `validate` writes is placed back at its own field by `field_of`,
    /// so a real Nomad's answer lands where the form's own check would have put it.
    #[test]
    fn field_of_places_every_message_at_its_problems_field(
        name in "\\PC{0,140}", description in "\\PC{0,300}", rules in "\\PC{0,40}",
        bind_type in "(role|policy|management|x|)", bind_name in "[a-z]{0,3}", selector in "\\PC{0,20}",
        token_type in "(client|management|x)", ttl_hours in -2i64..50,
    ) {
        let p = AclPolicy { name: name.clone(), description: description.clone(), rules, ..Default::default() };
        for pr in p.validate() { prop_assert_eq!(policy::field_of(&pr.message), pr.field, "{}", pr.message); }
        let r = AclRole { name: name.clone(), description: description.clone(), ..Default::default() };
        for pr in r.validate() { prop_assert_eq!(role::field_of(&pr.message), pr.field, "{}", pr.message); }
        let b = AclBindingRule { description, bind_type, bind_name, selector, ..Default::default() };
        for pr in b.validate() { prop_assert_eq!(binding_rule::field_of(&pr.message), pr.field, "{}", pr.message); }
        let t = AclToken { name: name.clone(), token_type, expiration_ttl: GoDuration::from_hours(ttl_hours), ..Default::default() };
        for pr in t.validate(MINUTE, DAY, None) { prop_assert_eq!(token::field_of(&pr.message), pr.field, "{}", pr.message); }
        let m = AclAuthMethod { name, max_token_ttl: GoDuration::from_hours(ttl_hours), method_type: "JWT".into(),
            config: Some(Default::default()), ..Default::default() };
        for pr in m.validate(MINUTE, DAY) { prop_assert_eq!(auth_method::field_of(&pr.message), pr.field, "{}", pr.message); }
    }
}
