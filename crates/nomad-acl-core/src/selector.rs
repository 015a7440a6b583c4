//! How Nomad's login meets a binding rule: the identity's claims are mapped through the
//! auth method's `ClaimMappings` and `ListClaimMappings` into `value.<name>` (strings)
//! and `list.<name>` (lists of strings), and each rule's `Selector` (go-bexpr) is
//! evaluated against that. An empty selector matches every login; a selector that does
//! not parse, or whose evaluation fails (e.g. a variable the login did not map), does
//! not match. Used by the console's selector tester.

use std::collections::BTreeMap;

use serde_json::Value;

use super::bexpr;

/// The variables a login offers to selectors (Nomad's `ACLAuthClaims`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MappedClaims {
    /// `value.<name>`.
    pub value: BTreeMap<String, String>,
    /// `list.<name>`.
    pub list: BTreeMap<String, Vec<String>>,
    /// Mapped claims the login did not carry (their variables are absent).
    pub absent: Vec<String>,
}

impl MappedClaims {
    /// The go-bexpr datum: `{"value": {...}, "list": {...}}`.
    pub fn datum(&self) -> Value {
        serde_json::json!({ "value": self.value, "list": self.list })
    }
}

/// A claim by name, or by JSON pointer when it starts with `/` (e.g. `/address/country`).
fn claim<'a>(claims: &'a serde_json::Map<String, Value>, source: &str) -> Option<&'a Value> {
    let v = if source.starts_with('/') {
        // serde_json's pointer wants a Value; the top level is an object.
        let mut cur: Option<&Value> = None;
        for (i, part) in source.split('/').skip(1).enumerate() {
            let part = part.replace("~1", "/").replace("~0", "~");
            cur = if i == 0 {
                claims.get(&part)
            } else {
                match cur? {
                    Value::Object(m) => m.get(&part),
                    Value::Array(a) => part.parse::<usize>().ok().and_then(|n| a.get(n)),
                    _ => None,
                }
            };
        }
        cur
    } else {
        claims.get(source)
    };
    v.filter(|v| !v.is_null())
}

/// A scalar claim as Nomad stringifies it; `None` for objects and lists.
fn stringify(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            // Rust prints floats without an exponent, like Go's FormatFloat(f, 'f', -1, 64).
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        }),
        _ => None,
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Maps pasted claims (a JSON object) through an auth method's mappings (claim name →
/// variable name). A claim that cannot become a string (list) fails the whole login,
/// as in Nomad; an absent claim only leaves its variable out.
pub fn map_claims(
    claims: &Value,
    claim_mappings: &BTreeMap<String, String>,
    list_claim_mappings: &BTreeMap<String, String>,
) -> Result<MappedClaims, String> {
    let Value::Object(all) = claims else {
        return Err(format!(
            "The claims must be a JSON object, like {{\"email\": \"jane@example.com\"}}, not {}.",
            kind(claims)
        ));
    };
    let mut out = MappedClaims::default();
    for (source, target) in claim_mappings {
        let Some(raw) = claim(all, source) else {
            out.absent.push(source.clone());
            continue;
        };
        let Some(s) = stringify(raw) else {
            return Err(format!(
                "The claim \"{source}\" is {}: Nomad maps it to value.{target} only from a string, number or boolean, and refuses the login otherwise.",
                kind(raw)
            ));
        };
        out.value.insert(target.clone(), s);
    }
    for (source, target) in list_claim_mappings {
        let Some(raw) = claim(all, source) else {
            out.absent.push(source.clone());
            continue;
        };
        let items: Vec<&Value> = match raw {
            Value::Array(a) => a.iter().collect(),
            Value::String(_) | Value::Number(_) | Value::Bool(_) => vec![raw],
            other => {
                return Err(format!(
                    "The list claim \"{source}\" is {}: Nomad refuses the login (it must be a list of strings).",
                    kind(other)
                ))
            }
        };
        let mut list = Vec::with_capacity(items.len());
        for item in items {
            let Some(s) = stringify(item) else {
                return Err(format!(
                    "The list claim \"{source}\" holds {}: Nomad refuses the login (each item must be a string).",
                    kind(item)
                ));
            };
            if !s.is_empty() {
                list.push(s);
            }
        }
        out.list.insert(target.clone(), list);
    }
    out.absent.sort();
    out.absent.dedup();
    Ok(out)
}

/// What a selector says about one login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The rule applies; `catch_all` when the selector is empty.
    Match {
        catch_all: bool,
    },
    NoMatch,
    /// Evaluation failed (e.g. a variable the login lacks): Nomad counts it as no match.
    Failed(String),
    /// The selector does not parse (Nomad's text: `selector is invalid: ...`).
    Invalid(String),
}

/// Evaluates `selector` against the mapped claims, as Nomad's binder does.
pub fn evaluate(selector: &str, claims: &MappedClaims) -> Verdict {
    if selector.trim().is_empty() {
        return Verdict::Match { catch_all: true };
    }
    let expr = match bexpr::parse(selector) {
        Ok(e) => e,
        Err(e) => return Verdict::Invalid(format!("selector is invalid: {e}")),
    };
    match expr.evaluate(&claims.datum()) {
        Ok(true) => Verdict::Match { catch_all: false },
        Ok(false) => Verdict::NoMatch,
        Err(e) => Verdict::Failed(e.to_string()),
    }
}

/// Nomad's check of a stored selector (`ACLBindingRule.Validate`).
pub fn check(selector: &str) -> Option<String> {
    if selector.is_empty() {
        return None;
    }
    bexpr::parse(selector).err().map(|e| format!("selector is invalid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn maps(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn okta() -> (BTreeMap<String, String>, BTreeMap<String, String>) {
        (maps(&[("email", "email"), ("name", "name"), ("/org/team", "team")]), maps(&[("groups", "groups")]))
    }

    #[test]
    fn the_tester_judges_identifiers_as_nomad_does() {
        // go-bexpr: a letter, then letters, digits, `_` and `/`.
        for bad in [r#"value.a-b == "x""#, r#"_x == "y""#, r#"group-name in list.groups"#] {
            assert!(check(bad).is_some_and(|e| e.starts_with("selector is invalid: ")), "{bad} must be refused");
        }
        for good in [r#"list.groups/x contains "a""#, r#"value.first_name == "x""#, r#""a" in list.g2"#] {
            assert_eq!(check(good), None, "{good} is valid");
        }
    }

    fn run(claims: Value, selector: &str) -> Verdict {
        let (c, l) = okta();
        evaluate(selector, &map_claims(&claims, &c, &l).unwrap())
    }

    fn jane() -> Value {
        json!({
            "email": "jane@acme.com",
            "name": "Jane",
            "org": {"team": "payments"},
            "groups": ["platform-oncall", "payments-engineers", ""],
            "sub": "00u1"
        })
    }

    #[test]
    fn maps_values_lists_and_pointers_and_reports_absent_claims() {
        let (c, l) = okta();
        let m = map_claims(&json!({"email": "a@b.c", "groups": "solo", "extra": 1}), &c, &l).unwrap();
        assert_eq!(m.value, maps(&[("email", "a@b.c")]));
        assert_eq!(m.list.get("groups"), Some(&vec!["solo".to_string()]));
        assert_eq!(m.absent, vec!["/org/team".to_string(), "name".to_string()]);
        let m = map_claims(&jane(), &c, &l).unwrap();
        assert_eq!(m.value.get("team").map(String::as_str), Some("payments"));
        // Empty list items are dropped, as Nomad does.
        assert_eq!(m.list["groups"], vec!["platform-oncall", "payments-engineers"]);
        let nums = map_claims(&json!({"email": 42, "name": true, "groups": [1, 2.5]}), &c, &l).unwrap();
        assert_eq!((nums.value["email"].as_str(), nums.value["name"].as_str()), ("42", "true"));
        assert_eq!(nums.list["groups"], vec!["1", "2.5"]);
        // The datum selectors see.
        assert_eq!(
            m.datum(),
            json!({"value": {"email": "jane@acme.com", "name": "Jane", "team": "payments"},
                   "list": {"groups": ["platform-oncall", "payments-engineers"]}})
        );
    }

    #[test]
    fn claims_nomad_refuses() {
        let (c, l) = okta();
        assert!(map_claims(&json!(["x"]), &c, &l).unwrap_err().contains("must be a JSON object"));
        assert!(map_claims(&json!({"email": ["a"]}), &c, &l).unwrap_err().contains("\"email\" is a list"));
        assert!(map_claims(&json!({"groups": {"a": 1}}), &c, &l).unwrap_err().contains("\"groups\" is an object"));
        assert!(map_claims(&json!({"groups": [["x"]]}), &c, &l).unwrap_err().contains("holds a list"));
    }

    #[test]
    fn matching_and_not_matching() {
        assert_eq!(run(jane(), r#"value.email == "jane@acme.com""#), Verdict::Match { catch_all: false });
        assert_eq!(run(jane(), r#"value.email == "bob@acme.com""#), Verdict::NoMatch);
        assert_eq!(
            run(jane(), r#"list.groups contains "payments-engineers" and value.email matches ".*@acme\\.com$""#),
            Verdict::Match { catch_all: false }
        );
        assert_eq!(
            run(jane(), r#"value.team == payments and not value.name == "Bob""#),
            Verdict::Match { catch_all: false }
        );
    }

    #[test]
    fn list_in_and_contains() {
        assert_eq!(run(jane(), r#""platform-oncall" in list.groups"#), Verdict::Match { catch_all: false });
        assert_eq!(run(jane(), r#""admins" in list.groups"#), Verdict::NoMatch);
        assert_eq!(run(jane(), r#""admins" not in list.groups"#), Verdict::Match { catch_all: false });
        assert_eq!(run(jane(), r#"list.groups contains "platform-oncall""#), Verdict::Match { catch_all: false });
        assert_eq!(run(jane(), r#"list.groups not contains "payments-engineers""#), Verdict::NoMatch);
    }

    #[test]
    fn empty_selector_matches_everyone() {
        assert_eq!(run(json!({}), ""), Verdict::Match { catch_all: true });
        assert_eq!(run(json!({}), "  "), Verdict::Match { catch_all: true });
    }

    #[test]
    fn bad_selector_is_invalid_with_nomads_text() {
        let Verdict::Invalid(m) = run(jane(), "value.email = \"x\"") else { panic!("should not parse") };
        assert!(m.starts_with("selector is invalid: 1:"), "{m}");
        assert!(check("value.email =").is_some());
        assert_eq!(check(""), None);
        assert_eq!(check(r#""a" in list.groups"#), None);
    }

    #[test]
    fn missing_mapped_claim_fails_and_does_not_match() {
        // `name` is mapped but this login has no such claim: value.name does not exist.
        let v = run(json!({"email": "a@b.c"}), r#"value.name == "Jane""#);
        let Verdict::Failed(m) = v else { panic!("{v:?}") };
        assert!(m.contains("couldn't find key"), "{m}");
        // A variable no mapping produces at all fails the same way.
        assert!(matches!(run(jane(), r#"value.nickname == "J""#), Verdict::Failed(_)));
        assert!(matches!(run(jane(), r#""x" in list.teams"#), Verdict::Failed(_)));
    }
}
