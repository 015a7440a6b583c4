//! Request body decoding that behaves like Go's `encoding/json` `Decoder.Decode`
//! into a Nomad struct (section 1.3):
//! * object keys match field names case-insensitively (an exact-case key wins),
//! * unknown keys are ignored, `null` leaves a field at its zero value,
//! * only the first JSON value is read (trailing data is ignored),
//! * syntax and type errors produce Go's error texts.
//!
//! The body is first checked/normalized against a small schema (Go field names and
//! types), then deserialized into the serde model.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Field types, as Go sees them.
#[derive(Debug, Clone, Copy)]
pub enum Ty {
    Str,
    Bool,
    U64,
    /// `time.Duration` read by a custom `UnmarshalJSON`: string (Go duration or `""`) or number;
    /// other types are ignored (ACLToken.ExpirationTTL).
    Dur,
    /// As `Dur`, but another type is an error naming the field (the auth method config's leeways).
    DurStrict(&'static str),
    /// `time.Duration` read by ACLAuthMethod's `UnmarshalJSON`: a Go duration string (`""`
    /// included, which Go refuses) or a number; other types are ignored.
    DurStr,
    /// `time.Time` / `*time.Time`: RFC3339 string.
    Time,
    /// `[]byte`: base64 string.
    Bytes,
    /// A field whose value is accepted as is.
    Any,
    List(&'static Ty),
    Map(&'static Ty),
    Obj(&'static Obj),
}

#[derive(Debug)]
pub struct Obj {
    /// Go type name, used in error texts (`ACLPolicy`).
    pub name: &'static str,
    pub fields: &'static [(&'static str, Ty)],
}

/// A JSON value as Go's `%v` prints what `encoding/json` decoded it to.
fn go_value(v: &Value) -> String {
    match v {
        Value::Null => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.as_f64().map(go_float).unwrap_or_else(|| n.to_string()),
        Value::String(s) => s.clone(),
        Value::Array(items) => format!("[{}]", items.iter().map(go_value).collect::<Vec<_>>().join(" ")),
        // Go prints a map's keys in sorted order, as serde_json's map keeps them.
        Value::Object(m) => {
            format!("map[{}]", m.iter().map(|(k, v)| format!("{k}:{}", go_value(v))).collect::<Vec<_>>().join(" "))
        }
    }
}

/// A float64 as Go's `%v`: the shortest digits, in exponent form when the exponent
/// is below -4 or at least 6 (`1e+06`).
fn go_float(f: f64) -> String {
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..6).contains(&exp) {
        format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        f.to_string()
    }
}

/// Go's `quoteChar` for scanner errors.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".to_string(),
        '"' => "'\"'".to_string(),
        c => {
            let q = format!("{c:?}"); // Rust char debug: '\u{1}' style for controls
            if c.is_control() {
                let n = c as u32;
                if n < 0x80 {
                    format!("'\\x{n:02x}'")
                } else {
                    format!("'\\u{n:04x}'")
                }
            } else {
                q
            }
        }
    }
}

/// A Go-compatible JSON scanner used only to produce Go's error text for the
/// first value in `data`. Returns `Ok(end_offset)` when the first value is valid.
fn go_scan_first_value(data: &[u8]) -> Result<usize, String> {
    struct S<'a> {
        d: &'a [u8],
        i: usize,
    }
    fn ch_at(d: &[u8], i: usize) -> char {
        // decode UTF-8 char at i for error messages
        let s = &d[i..];
        match std::str::from_utf8(&s[..s.len().min(4)]) {
            Ok(st) => st.chars().next().unwrap_or('\u{fffd}'),
            Err(e) => {
                let valid = e.valid_up_to();
                if valid > 0 {
                    std::str::from_utf8(&s[..valid]).ok().and_then(|x| x.chars().next()).unwrap_or('\u{fffd}')
                } else {
                    '\u{fffd}'
                }
            }
        }
    }
    impl<'a> S<'a> {
        fn ws(&mut self) {
            while self.i < self.d.len() && matches!(self.d[self.i], b' ' | b'\t' | b'\r' | b'\n') {
                self.i += 1;
            }
        }
        fn eof(&self) -> bool {
            self.i >= self.d.len()
        }
        fn err(&self, ctx: &str) -> String {
            format!("invalid character {} {}", quote_char(ch_at(self.d, self.i)), ctx)
        }
        fn value(&mut self) -> Result<(), String> {
            self.ws();
            if self.eof() {
                return Err("unexpected EOF".into());
            }
            match self.d[self.i] {
                b'{' => {
                    self.i += 1;
                    self.ws();
                    if self.eof() {
                        return Err("unexpected EOF".into());
                    }
                    if self.d[self.i] == b'}' {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.ws();
                        if self.eof() {
                            return Err("unexpected EOF".into());
                        }
                        if self.d[self.i] != b'"' {
                            return Err(self.err("looking for beginning of object key string"));
                        }
                        self.string()?;
                        self.ws();
                        if self.eof() {
                            return Err("unexpected EOF".into());
                        }
                        if self.d[self.i] != b':' {
                            return Err(self.err("after object key"));
                        }
                        self.i += 1;
                        self.value()?;
                        self.ws();
                        if self.eof() {
                            return Err("unexpected EOF".into());
                        }
                        match self.d[self.i] {
                            b',' => self.i += 1,
                            b'}' => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return Err(self.err("after object key:value pair")),
                        }
                    }
                }
                b'[' => {
                    self.i += 1;
                    self.ws();
                    if self.eof() {
                        return Err("unexpected EOF".into());
                    }
                    if self.d[self.i] == b']' {
                        self.i += 1;
                        return Ok(());
                    }
                    loop {
                        self.value()?;
                        self.ws();
                        if self.eof() {
                            return Err("unexpected EOF".into());
                        }
                        match self.d[self.i] {
                            b',' => self.i += 1,
                            b']' => {
                                self.i += 1;
                                return Ok(());
                            }
                            _ => return Err(self.err("after array element")),
                        }
                    }
                }
                b'"' => self.string(),
                b't' => self.lit("true"),
                b'f' => self.lit("false"),
                b'n' => self.lit("null"),
                b'-' | b'0'..=b'9' => self.number(),
                _ => Err(self.err("looking for beginning of value")),
            }
        }
        fn lit(&mut self, word: &str) -> Result<(), String> {
            let w = word.as_bytes();
            for (k, expected) in w.iter().enumerate() {
                if self.eof() {
                    return Err("unexpected EOF".into());
                }
                if self.d[self.i] != *expected {
                    return Err(self.err(&format!("in literal {word} (expecting {})", quote_char(*expected as char))));
                }
                let _ = k;
                self.i += 1;
            }
            Ok(())
        }
        fn string(&mut self) -> Result<(), String> {
            self.i += 1; // opening quote
            loop {
                if self.eof() {
                    return Err("unexpected EOF".into());
                }
                let c = self.d[self.i];
                match c {
                    b'"' => {
                        self.i += 1;
                        return Ok(());
                    }
                    b'\\' => {
                        self.i += 1;
                        if self.eof() {
                            return Err("unexpected EOF".into());
                        }
                        match self.d[self.i] {
                            b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => self.i += 1,
                            b'u' => {
                                self.i += 1;
                                for _ in 0..4 {
                                    if self.eof() {
                                        return Err("unexpected EOF".into());
                                    }
                                    if !self.d[self.i].is_ascii_hexdigit() {
                                        return Err(self.err("in \\u hexadecimal character escape"));
                                    }
                                    self.i += 1;
                                }
                            }
                            _ => return Err(self.err("in string escape code")),
                        }
                    }
                    c if c < 0x20 => return Err(self.err("in string literal")),
                    _ => self.i += 1,
                }
            }
        }
        fn number(&mut self) -> Result<(), String> {
            if self.d[self.i] == b'-' {
                self.i += 1;
                if self.eof() {
                    return Err("unexpected EOF".into());
                }
                if !self.d[self.i].is_ascii_digit() {
                    return Err(self.err("in numeric literal"));
                }
            }
            if self.d[self.i] == b'0' {
                self.i += 1;
            } else {
                while !self.eof() && self.d[self.i].is_ascii_digit() {
                    self.i += 1;
                }
            }
            if !self.eof() && self.d[self.i] == b'.' {
                self.i += 1;
                if self.eof() {
                    return Err("unexpected EOF".into());
                }
                if !self.d[self.i].is_ascii_digit() {
                    return Err(self.err("after decimal point in numeric literal"));
                }
                while !self.eof() && self.d[self.i].is_ascii_digit() {
                    self.i += 1;
                }
            }
            if !self.eof() && (self.d[self.i] == b'e' || self.d[self.i] == b'E') {
                self.i += 1;
                if !self.eof() && (self.d[self.i] == b'+' || self.d[self.i] == b'-') {
                    self.i += 1;
                }
                if self.eof() {
                    return Err("unexpected EOF".into());
                }
                if !self.d[self.i].is_ascii_digit() {
                    return Err(self.err("in exponent of numeric literal"));
                }
                while !self.eof() && self.d[self.i].is_ascii_digit() {
                    self.i += 1;
                }
            }
            Ok(())
        }
    }
    let mut s = S { d: data, i: 0 };
    s.ws();
    if s.eof() {
        return Err("EOF".into());
    }
    s.value()?;
    Ok(s.i)
}

/// Parses the first JSON value of `data` with Go's error texts.
pub fn parse_first_value(data: &[u8]) -> Result<Value, String> {
    // The scanner recurses once per level: a body nested deeper than serde_json
    // reads (128 levels) must not reach it, or it would exhaust the stack.
    match nesting(data) {
        Nesting::Shallow => {}
        Nesting::Deep => return serde_json::from_slice(data).map_err(|e| e.to_string()),
        Nesting::BeyondGo(c) => return Err(format!("invalid character '{}' exceeded max depth", c as char)),
    }
    let end = go_scan_first_value(data)?;
    serde_json::from_slice(&data[..end]).map_err(|e| e.to_string())
}

/// serde_json's nesting limit.
const SERDE_MAX_DEPTH: usize = 128;
/// `encoding/json`'s `maxNestingDepth`.
const GO_MAX_DEPTH: usize = 10_000;

#[derive(Debug, PartialEq, Eq)]
enum Nesting {
    Shallow,
    Deep,
    /// Deeper than Go reads, at this opening bracket.
    BeyondGo(u8),
}

/// How deep the first value of `data` nests, without recursion (strings skipped).
fn nesting(data: &[u8]) -> Nesting {
    let (mut depth, mut deepest) = (0usize, 0usize);
    let (mut in_string, mut escaped) = (false, false);
    for &b in data {
        if in_string {
            match b {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'[' | b'{' => {
                depth += 1;
                if depth > GO_MAX_DEPTH {
                    return Nesting::BeyondGo(b);
                }
                deepest = deepest.max(depth);
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
    }
    if deepest > SERDE_MAX_DEPTH {
        Nesting::Deep
    } else {
        Nesting::Shallow
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn go_type(t: &Ty) -> String {
    match t {
        Ty::Str | Ty::DurStr => "string".into(),
        Ty::Bool => "bool".into(),
        Ty::U64 => "uint64".into(),
        Ty::Dur | Ty::DurStrict(_) => "time.Duration".into(),
        Ty::Time => "time.Time".into(),
        Ty::Bytes => "[]uint8".into(),
        Ty::Any => "interface {}".into(),
        Ty::List(inner) => format!("[]{}", go_type(inner)),
        Ty::Map(inner) => format!("map[string]{}", go_type(inner)),
        Ty::Obj(o) => format!("structs.{}", o.name),
    }
}

struct Ctx<'a> {
    root: &'a str,
    /// First type error (Go keeps decoding and reports the first one).
    first_err: Option<String>,
}

impl Ctx<'_> {
    fn type_err(&mut self, v: &Value, path: &str, t: &Ty) {
        if self.first_err.is_some() {
            return;
        }
        let kind = match v {
            Value::Number(n) => format!("number {n}"),
            other => json_kind(other).to_string(),
        };
        let kind = if matches!(v, Value::Number(_)) && !matches!(t, Ty::U64) { "number".to_string() } else { kind };
        self.first_err = Some(if path.is_empty() {
            format!("json: cannot unmarshal {kind} into Go value of type {}", go_type(t))
        } else {
            format!("json: cannot unmarshal {kind} into Go struct field {}.{path} of type {}", self.root, go_type(t))
        });
    }
    fn other_err(&mut self, msg: String) {
        if self.first_err.is_none() {
            self.first_err = Some(msg);
        }
    }
}

fn join(path: &str, field: &str) -> String {
    if path.is_empty() {
        field.to_string()
    } else {
        format!("{path}.{field}")
    }
}

/// Returns the normalized value, or `None` to drop the field (zero value).
fn normalize(v: Value, t: &Ty, path: &str, ctx: &mut Ctx<'_>) -> Option<Value> {
    if v.is_null() {
        return None;
    }
    match t {
        Ty::Any => Some(v),
        Ty::Str => match v {
            Value::String(_) => Some(v),
            other => {
                ctx.type_err(&other, path, t);
                None
            }
        },
        Ty::DurStr => match &v {
            Value::String(s) => match nomad_acl_core::duration::parse_go_duration(s) {
                Ok(_) => Some(v),
                Err(e) => {
                    ctx.other_err(e.to_string());
                    None
                }
            },
            Value::Number(_) => Some(v),
            _ => None,
        },
        Ty::Bool => match v {
            Value::Bool(_) => Some(v),
            other => {
                ctx.type_err(&other, path, t);
                None
            }
        },
        Ty::U64 => match &v {
            Value::Number(n) if n.as_u64().is_some() => Some(v),
            other => {
                ctx.type_err(other, path, t);
                None
            }
        },
        Ty::Dur | Ty::DurStrict(_) => match &v {
            Value::String(s) => {
                if s.is_empty() {
                    return None;
                }
                match nomad_acl_core::duration::parse_go_duration(s) {
                    Ok(_) => Some(v),
                    Err(e) => {
                        ctx.other_err(e.to_string());
                        None
                    }
                }
            }
            Value::Number(_) => Some(v),
            // Nomad's custom decoders ignore other types for ExpirationTTL
            // and refuse them for the leeways.
            other => {
                if let Ty::DurStrict(field) = t {
                    ctx.other_err(format!("unexpected {field} type: {}", go_value(other)));
                }
                None
            }
        },
        Ty::Time => match &v {
            Value::String(s) => match nomad_acl_core::models::parse_rfc3339(s) {
                Ok(_) => Some(v),
                Err(_) => {
                    ctx.other_err(format!(
                        "parsing time \"\\\"{s}\\\"\" as \"\\\"2006-01-02T15:04:05Z07:00\\\"\": cannot parse \"{s}\\\"\" as \"2006\""
                    ));
                    None
                }
            },
            other => {
                ctx.type_err(other, path, t);
                None
            }
        },
        Ty::Bytes => match &v {
            Value::String(s) => {
                use base64::Engine;
                match base64::engine::general_purpose::STANDARD.decode(s) {
                    Ok(_) => Some(v),
                    Err(e) => {
                        let off = match e {
                            base64::DecodeError::InvalidByte(o, _) => o,
                            base64::DecodeError::InvalidLength(o) => o,
                            base64::DecodeError::InvalidLastSymbol(o, _) => o,
                            base64::DecodeError::InvalidPadding => s.len(),
                        };
                        ctx.other_err(format!("illegal base64 data at input byte {off}"));
                        None
                    }
                }
            }
            other => {
                ctx.type_err(other, path, t);
                None
            }
        },
        Ty::List(inner) => match v {
            Value::Array(items) => {
                let out: Vec<Value> =
                    items.into_iter().map(|e| normalize(e, inner, path, ctx).unwrap_or(Value::Null)).collect();
                Some(Value::Array(out))
            }
            other => {
                ctx.type_err(&other, path, t);
                None
            }
        },
        Ty::Map(inner) => match v {
            Value::Object(m) => {
                let mut out = Map::new();
                for (k, e) in m {
                    if let Some(e) = normalize(e, inner, &join(path, &k), ctx) {
                        out.insert(k, e);
                    }
                }
                Some(Value::Object(out))
            }
            other => {
                ctx.type_err(&other, path, t);
                None
            }
        },
        Ty::Obj(o) => match v {
            Value::Object(m) => {
                // Case-insensitive matches first, then exact-case keys (exact wins).
                // A null leaves the field as it is (Go: null is a no-op).
                let mut out = Map::new();
                let mut folded: Vec<(&'static str, &'static Ty, Value)> = Vec::new();
                let mut exact: Vec<(&'static str, &'static Ty, Value)> = Vec::new();
                for (k, e) in m {
                    if let Some((name, ft)) = o.fields.iter().find(|(n, _)| *n == k) {
                        exact.push((name, ft, e));
                    } else if let Some((name, ft)) = o.fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(&k)) {
                        folded.push((name, ft, e));
                    }
                }
                for (name, ft, e) in folded.into_iter().chain(exact) {
                    let p = join(path, name);
                    if let Some(val) = normalize(e, ft, &p, ctx) {
                        out.insert(name.to_string(), val);
                    }
                }
                Some(Value::Object(out))
            }
            other => {
                ctx.type_err(&other, path, t);
                None
            }
        },
    }
}

/// Decodes a request body like Nomad's `decodeBody` into `T`, described by `schema`.
/// Errors are the texts Go would produce (`Request body is empty`, `EOF`,
/// `invalid character ...`, `json: cannot unmarshal ...`).
pub fn decode<T: DeserializeOwned>(body: &[u8], empty_means_no_body: bool, schema: &'static Obj) -> Result<T, String> {
    if body.is_empty() {
        return Err(if empty_means_no_body { "Request body is empty".into() } else { "EOF".into() });
    }
    let v = parse_first_value(body)?;
    decode_value(v, schema)
}

/// Like [`decode`] for an already-parsed value.
pub fn decode_value<T: DeserializeOwned>(v: Value, schema: &'static Obj) -> Result<T, String> {
    let mut ctx = Ctx { root: schema.name, first_err: None };
    let t = Ty::Obj(schema);
    let norm = normalize(v, &t, "", &mut ctx).unwrap_or_else(|| Value::Object(Map::new()));
    if let Some(e) = ctx.first_err {
        return Err(e);
    }
    serde_json::from_value(norm).map_err(|e| e.to_string())
}

/// Case-insensitive lookup of a top-level key (exact case preferred).
pub fn get_ci<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    let m = v.as_object()?;
    m.get(key).or_else(|| m.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v))
}

// ---- schemas ---------------------------------------------------------------------------

const STR_LIST: Ty = Ty::List(&Ty::Str);
const STR_MAP: Ty = Ty::Map(&Ty::Str);

pub static JOB_ACL: Obj = Obj {
    name: "JobACL",
    fields: &[("Namespace", Ty::Str), ("JobID", Ty::Str), ("Group", Ty::Str), ("Task", Ty::Str)],
};

pub static ACL_POLICY: Obj = Obj {
    name: "ACLPolicy",
    fields: &[
        ("Name", Ty::Str),
        ("Description", Ty::Str),
        ("Rules", Ty::Str),
        ("RulesJSON", Ty::Any),
        ("JobACL", Ty::Obj(&JOB_ACL)),
        ("Hash", Ty::Bytes),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
    ],
};

pub static TOKEN_ROLE_LINK: Obj = Obj { name: "ACLTokenRoleLink", fields: &[("ID", Ty::Str), ("Name", Ty::Str)] };

pub static ACL_TOKEN: Obj = Obj {
    name: "ACLToken",
    fields: &[
        ("AccessorID", Ty::Str),
        ("SecretID", Ty::Str),
        ("Name", Ty::Str),
        ("Type", Ty::Str),
        ("Policies", STR_LIST),
        ("Roles", Ty::List(&Ty::Obj(&TOKEN_ROLE_LINK))),
        ("Global", Ty::Bool),
        // The custom decoder reads Hash as a plain string and discards it.
        ("Hash", Ty::Str),
        ("CreateTime", Ty::Time),
        ("ExpirationTime", Ty::Time),
        ("ExpirationTTL", Ty::Dur),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
    ],
};

pub static ROLE_POLICY_LINK: Obj = Obj { name: "ACLRolePolicyLink", fields: &[("Name", Ty::Str)] };

pub static ACL_ROLE: Obj = Obj {
    name: "ACLRole",
    fields: &[
        ("ID", Ty::Str),
        ("Name", Ty::Str),
        ("Description", Ty::Str),
        ("Policies", Ty::List(&Ty::Obj(&ROLE_POLICY_LINK))),
        ("Hash", Ty::Bytes),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
    ],
};

pub static OIDC_CLIENT_ASSERTION_KEY: Obj = Obj {
    name: "OIDCClientAssertionKey",
    fields: &[
        ("PemKey", Ty::Str),
        ("PemKeyFile", Ty::Str),
        ("KeyIDHeader", Ty::Str),
        ("PemCert", Ty::Str),
        ("PemCertFile", Ty::Str),
        ("KeyID", Ty::Str),
    ],
};

pub static OIDC_CLIENT_ASSERTION: Obj = Obj {
    name: "OIDCClientAssertion",
    fields: &[
        ("KeySource", Ty::Str),
        ("Audience", STR_LIST),
        ("PrivateKey", Ty::Obj(&OIDC_CLIENT_ASSERTION_KEY)),
        ("ExtraHeaders", STR_MAP),
        ("KeyAlgorithm", Ty::Str),
        ("ClientSecret", Ty::Str),
    ],
};

pub static AUTH_METHOD_CONFIG: Obj = Obj {
    name: "ACLAuthMethodConfig",
    fields: &[
        ("JWTValidationPubKeys", STR_LIST),
        ("JWKSURL", Ty::Str),
        ("OIDCDiscoveryURL", Ty::Str),
        ("OIDCClientID", Ty::Str),
        ("OIDCClientSecret", Ty::Str),
        ("OIDCClientAssertion", Ty::Obj(&OIDC_CLIENT_ASSERTION)),
        ("OIDCEnablePKCE", Ty::Bool),
        ("OIDCDisableUserInfo", Ty::Bool),
        ("OIDCScopes", STR_LIST),
        ("BoundAudiences", STR_LIST),
        ("BoundIssuer", STR_LIST),
        ("AllowedRedirectURIs", STR_LIST),
        ("DiscoveryCaPem", STR_LIST),
        ("JWKSCACert", Ty::Str),
        ("SigningAlgs", STR_LIST),
        ("ExpirationLeeway", Ty::DurStrict("ExpirationLeeway")),
        ("NotBeforeLeeway", Ty::DurStrict("NotBeforeLeeway")),
        ("ClockSkewLeeway", Ty::DurStrict("ClockSkewLeeway")),
        ("ClaimMappings", STR_MAP),
        ("ListClaimMappings", STR_MAP),
        ("VerboseLogging", Ty::Bool),
    ],
};

pub static ACL_AUTH_METHOD: Obj = Obj {
    name: "ACLAuthMethod",
    fields: &[
        ("Name", Ty::Str),
        ("Type", Ty::Str),
        ("TokenLocality", Ty::Str),
        ("TokenNameFormat", Ty::Str),
        ("MaxTokenTTL", Ty::DurStr),
        ("Default", Ty::Bool),
        ("Config", Ty::Obj(&AUTH_METHOD_CONFIG)),
        ("Hash", Ty::Bytes),
        ("CreateTime", Ty::Time),
        ("ModifyTime", Ty::Time),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
    ],
};

pub static ACL_BINDING_RULE: Obj = Obj {
    name: "ACLBindingRule",
    fields: &[
        ("ID", Ty::Str),
        ("Description", Ty::Str),
        ("AuthMethod", Ty::Str),
        ("Selector", Ty::Str),
        ("BindType", Ty::Str),
        ("BindName", Ty::Str),
        ("Hash", Ty::Bytes),
        ("CreateTime", Ty::Time),
        ("ModifyTime", Ty::Time),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
    ],
};

pub static NAMESPACE_CAPABILITIES: Obj = Obj {
    name: "NamespaceCapabilities",
    fields: &[
        ("EnabledTaskDrivers", STR_LIST),
        ("DisabledTaskDrivers", STR_LIST),
        ("EnabledNetworkModes", STR_LIST),
        ("DisabledNetworkModes", STR_LIST),
    ],
};

pub static NAMESPACE_NODE_POOL_CONFIGURATION: Obj = Obj {
    name: "NamespaceNodePoolConfiguration",
    fields: &[("Default", Ty::Str), ("Allowed", STR_LIST), ("Denied", STR_LIST)],
};

pub static NAMESPACE_VAULT_CONFIGURATION: Obj = Obj {
    name: "NamespaceVaultConfiguration",
    fields: &[("Default", Ty::Str), ("Allowed", STR_LIST), ("Denied", STR_LIST)],
};

pub static NAMESPACE_CONSUL_CONFIGURATION: Obj = Obj {
    name: "NamespaceConsulConfiguration",
    fields: &[("Default", Ty::Str), ("Allowed", STR_LIST), ("Denied", STR_LIST)],
};

pub static NAMESPACE: Obj = Obj {
    name: "Namespace",
    fields: &[
        ("Name", Ty::Str),
        ("Description", Ty::Str),
        ("Quota", Ty::Str),
        ("Capabilities", Ty::Obj(&NAMESPACE_CAPABILITIES)),
        ("NodePoolConfiguration", Ty::Obj(&NAMESPACE_NODE_POOL_CONFIGURATION)),
        ("VaultConfiguration", Ty::Obj(&NAMESPACE_VAULT_CONFIGURATION)),
        ("ConsulConfiguration", Ty::Obj(&NAMESPACE_CONSUL_CONFIGURATION)),
        ("Meta", STR_MAP),
        ("Hash", Ty::Bytes),
        ("CreateIndex", Ty::U64),
        ("ModifyIndex", Ty::U64),
        ("RequiredExtraClaims", STR_MAP),
        ("OptionalExtraClaims", STR_MAP),
    ],
};

pub static BOOTSTRAP_REQUEST: Obj = Obj {
    name: "ACLTokenBootstrapRequest",
    fields: &[("BootstrapSecret", Ty::Str), ("Region", Ty::Str), ("Namespace", Ty::Str), ("AuthToken", Ty::Str)],
};

pub static OTT_EXCHANGE_REQUEST: Obj = Obj {
    name: "OneTimeTokenExchangeRequest",
    fields: &[("OneTimeSecretID", Ty::Str), ("Region", Ty::Str), ("Namespace", Ty::Str), ("AuthToken", Ty::Str)],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_bodies_are_refused_without_recursing() {
        let deep = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
        assert_eq!(nesting(deep(SERDE_MAX_DEPTH).as_bytes()), Nesting::Shallow);
        assert_eq!(nesting(b"{\"a\":\"[[[[\\\"[[\"}"), Nesting::Shallow);
        assert_eq!(nesting(deep(SERDE_MAX_DEPTH + 1).as_bytes()), Nesting::Deep);
        assert!(parse_first_value(deep(5_000).as_bytes()).unwrap_err().contains("recursion limit exceeded"));
        assert_eq!(
            parse_first_value(deep(1_000_000).as_bytes()).unwrap_err(),
            "invalid character '[' exceeded max depth"
        );
        let objects = "{\"a\":".repeat(GO_MAX_DEPTH + 1);
        assert_eq!(parse_first_value(objects.as_bytes()).unwrap_err(), "invalid character '{' exceeded max depth");
    }
    use nomad_acl_core::models::{AclPolicy, AclToken};

    #[test]
    fn go_syntax_errors() {
        let cases: &[(&str, &str)] = &[
            ("x", "invalid character 'x' looking for beginning of value"),
            ("   ", "EOF"),
            ("{", "unexpected EOF"),
            ("{\"a\" 1}", "invalid character '1' after object key"),
            ("{\"a\":1 \"b\"}", "invalid character '\"' after object key:value pair"),
            ("{a:1}", "invalid character 'a' looking for beginning of object key string"),
            ("[1 2]", "invalid character '2' after array element"),
            ("tru", "unexpected EOF"),
            ("trux", "invalid character 'x' in literal true (expecting 'e')"),
            ("{\"a\":\"\\q\"}", "invalid character 'q' in string escape code"),
            ("-x", "invalid character 'x' in numeric literal"),
            ("1.x", "invalid character 'x' after decimal point in numeric literal"),
        ];
        for (input, want) in cases {
            assert_eq!(parse_first_value(input.as_bytes()).unwrap_err(), *want, "input {input:?}");
        }
        // trailing garbage ignored
        assert_eq!(parse_first_value(b"{\"a\":1} garbage").unwrap(), serde_json::json!({"a":1}));
    }

    #[test]
    fn case_insensitive_keys() {
        let p: AclPolicy =
            decode(br#"{"name":"foo","RULES":"node { policy = \"read\" }","jobacl":{"jobid":"x"}}"#, true, &ACL_POLICY)
                .unwrap();
        assert_eq!(p.name, "foo");
        assert_eq!(p.rules, "node { policy = \"read\" }");
        assert_eq!(p.job_acl.unwrap().job_id, "x");
        // exact case wins
        let p: AclPolicy = decode(br#"{"name":"a","Name":"b"}"#, true, &ACL_POLICY).unwrap();
        assert_eq!(p.name, "b");
        let p: AclPolicy = decode(br#"{"Name":"b","name":"a"}"#, true, &ACL_POLICY).unwrap();
        assert_eq!(p.name, "b");
    }

    #[test]
    fn type_errors_and_nulls() {
        let e = decode::<AclPolicy>(br#"{"Name":5}"#, true, &ACL_POLICY).unwrap_err();
        assert_eq!(e, "json: cannot unmarshal number into Go struct field ACLPolicy.Name of type string");
        let e = decode::<AclPolicy>(b"[]", true, &ACL_POLICY).unwrap_err();
        assert_eq!(e, "json: cannot unmarshal array into Go value of type structs.ACLPolicy");
        let e = decode::<AclPolicy>(br#"{"Hash":"!!"}"#, true, &ACL_POLICY).unwrap_err();
        assert!(e.starts_with("illegal base64 data at input byte"), "{e}");
        let p: AclPolicy = decode(br#"{"Name":null,"Hash":null,"JobACL":null}"#, true, &ACL_POLICY).unwrap();
        assert_eq!(p.name, "");
        assert_eq!(decode::<AclPolicy>(b"", true, &ACL_POLICY).unwrap_err(), "Request body is empty");
        assert_eq!(decode::<AclPolicy>(b"", false, &ACL_POLICY).unwrap_err(), "EOF");
        let t: AclToken = decode(
            br#"{"type":"client","expirationttl":"10h","Hash":"not base64 !","roles":[{"name":"r"}]}"#,
            true,
            &ACL_TOKEN,
        )
        .unwrap();
        assert_eq!(t.expiration_ttl.to_string(), "10h0m0s");
        assert_eq!(t.roles.unwrap()[0].name, "r");
        let e = decode::<AclToken>(br#"{"ExpirationTTL":"10"}"#, true, &ACL_TOKEN).unwrap_err();
        assert_eq!(e, "time: missing unit in duration \"10\"");
    }
}
