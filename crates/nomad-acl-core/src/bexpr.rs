//! A go-bexpr subset: parser and evaluator for the token-list `filter` query
//! parameter and the binding-rule `Selector`.
//!
//! Grammar (keywords are lowercase, as in go-bexpr):
//! ```text
//! expr      := and ( "or" and )*
//! and       := not ( "and" not )*
//! not       := "not" not | "(" expr ")" | match
//! match     := selector "==" value | selector "!=" value
//!            | selector "is" "empty" | selector "is" "not" "empty"
//!            | value "in" selector | value "not" "in" selector
//!            | selector "contains" value | selector "not" "contains" value
//!            | selector "matches" value | selector "not" "matches" value
//! selector  := ident ( "." ident | "[" string "]" )*
//! value     := "string" | `raw string` | number | bare-word
//! ```
//! Evaluation runs against a `serde_json::Value` datum that uses Go field names.

use std::fmt;

use regex::Regex;
use serde_json::Value;

#[derive(Debug, Clone)]
pub enum Expr {
    /// Every operand holds. A chain `a and b and c` is one node, so a long chain
    /// does not make a deep tree (evaluating and dropping a tree recurse).
    And(Vec<Expr>),
    /// Some operand holds.
    Or(Vec<Expr>),
    Not(Box<Expr>),
    Match(MatchExpr),
}

#[derive(Debug, Clone)]
pub struct MatchExpr {
    pub selector: Vec<String>,
    pub op: MatchOp,
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum MatchOp {
    Equal,
    NotEqual,
    In,
    NotIn,
    IsEmpty,
    IsNotEmpty,
    Matches(Regex),
    NotMatches(Regex),
}

/// Parse error; `Display` mimics pigeon's `line:col (offset): ...` format used by go-bexpr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} ({}): {}", self.line, self.col, self.offset, self.message)
    }
}

impl std::error::Error for ParseError {}

/// Evaluation error (e.g. unknown field); `Display` mimics go-bexpr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalError(pub String);

impl fmt::Display for EvalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for EvalError {}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Str(String),
    Num(String),
    Dot,
    LBracket,
    RBracket,
    LParen,
    RParen,
    EqEq,
    NotEq,
    Eof,
}

struct Lexer<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
}

fn pos_of(src: &str, offset: usize) -> (usize, usize) {
    let mut line = 1;
    let mut col = 1;
    for (i, c) in src.char_indices() {
        if i >= offset {
            break;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
    }
    (line, col)
}

fn perr(src: &str, offset: usize, message: impl Into<String>) -> ParseError {
    let (line, col) = pos_of(src, offset);
    ParseError { offset, line, col, message: message.into() }
}

impl<'a> Lexer<'a> {
    fn lex(src: &'a str) -> Result<Vec<(Tok, usize)>, ParseError> {
        let mut lx = Lexer { src, toks: Vec::new() };
        let b = src.as_bytes();
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match c {
                b' ' | b'\t' | b'\r' | b'\n' => i += 1,
                b'.' => {
                    lx.toks.push((Tok::Dot, i));
                    i += 1;
                }
                b'[' => {
                    lx.toks.push((Tok::LBracket, i));
                    i += 1;
                }
                b']' => {
                    lx.toks.push((Tok::RBracket, i));
                    i += 1;
                }
                b'(' => {
                    lx.toks.push((Tok::LParen, i));
                    i += 1;
                }
                b')' => {
                    lx.toks.push((Tok::RParen, i));
                    i += 1;
                }
                b'=' => {
                    if b.get(i + 1) == Some(&b'=') {
                        lx.toks.push((Tok::EqEq, i));
                        i += 2;
                    } else {
                        return Err(perr(src, i, "no match found, expected: \"==\""));
                    }
                }
                b'!' => {
                    if b.get(i + 1) == Some(&b'=') {
                        lx.toks.push((Tok::NotEq, i));
                        i += 2;
                    } else {
                        return Err(perr(src, i, "no match found, expected: \"!=\""));
                    }
                }
                b'"' => {
                    let start = i;
                    i += 1;
                    let mut s = String::new();
                    let mut closed = false;
                    // Read lazily: collecting the rest of the input for every literal
                    // made lexing quadratic in the number of strings.
                    let mut chars = src[i..].char_indices();
                    while let Some((off, ch)) = chars.next() {
                        match ch {
                            '"' => {
                                i += off + 1;
                                closed = true;
                                break;
                            }
                            '\\' => {
                                let Some((_, e)) = chars.next() else { break };
                                match e {
                                    'n' => s.push('\n'),
                                    't' => s.push('\t'),
                                    'r' => s.push('\r'),
                                    '"' => s.push('"'),
                                    '\\' => s.push('\\'),
                                    '/' => s.push('/'),
                                    other => {
                                        s.push('\\');
                                        s.push(other);
                                    }
                                }
                            }
                            c => s.push(c),
                        }
                    }
                    if !closed {
                        return Err(perr(src, start, "no match found, expected: unterminated string literal"));
                    }
                    lx.toks.push((Tok::Str(s), start));
                }
                b'`' => {
                    let start = i;
                    match src[i + 1..].find('`') {
                        Some(end) => {
                            lx.toks.push((Tok::Str(src[i + 1..i + 1 + end].to_string()), start));
                            i = i + 1 + end + 1;
                        }
                        None => {
                            return Err(perr(src, start, "no match found, expected: unterminated raw string literal"));
                        }
                    }
                }
                c if c.is_ascii_digit() || c == b'-' => {
                    let start = i;
                    i += 1;
                    while i < b.len()
                        && (b[i].is_ascii_alphanumeric()
                            || b[i] == b'_'
                            || b[i] == b'-'
                            || (b[i] == b'.' && b.get(i + 1).is_some_and(|c| c.is_ascii_digit())))
                    {
                        i += 1;
                    }
                    lx.toks.push((Tok::Num(src[start..i].to_string()), start));
                }
                // go-bexpr's identifiers: a letter, then letters, digits, `_` and `/`.
                c if c.is_ascii_alphabetic() => {
                    let start = i;
                    i += 1;
                    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'/') {
                        i += 1;
                    }
                    lx.toks.push((Tok::Ident(src[start..i].to_string()), start));
                }
                _ => {
                    let ch = src[i..].chars().next().unwrap_or('?');
                    return Err(perr(src, i, format!("no match found, unexpected character {ch:?}")));
                }
            }
        }
        lx.toks.push((Tok::Eof, src.len()));
        let _ = lx.src;
        Ok(lx.toks)
    }
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<(Tok, usize)>,
    pos: usize,
    /// Parentheses and `not`s open around the current position.
    depth: usize,
}

/// Deepest nesting of parentheses and `not` accepted (as the policy parser's). The
/// parser recurses once per level: without a bound, 10,000 `(` overflowed the stack
/// and aborted the process. go-bexpr has no such bound; no real selector comes near.
pub const MAX_NESTING: usize = 64;

const KEYWORDS: &[&str] = &["and", "or", "not", "in", "contains", "is", "empty", "matches"];

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        &self.toks[self.pos].0
    }
    fn peek_at(&self, n: usize) -> &Tok {
        let i = (self.pos + n).min(self.toks.len() - 1);
        &self.toks[i].0
    }
    fn offset(&self) -> usize {
        self.toks[self.pos].1
    }
    fn bump(&mut self) -> Tok {
        let t = self.toks[self.pos].0.clone();
        if self.pos < self.toks.len() - 1 {
            self.pos += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(s) if s == kw)
    }
    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_at(n), Tok::Ident(s) if s == kw)
    }
    fn err(&self, expected: &str) -> ParseError {
        let found = match self.peek() {
            Tok::Eof => "end of input".to_string(),
            _ => {
                let off = self.offset();
                let rest: String = self.src[off..].chars().take(16).collect();
                format!("{rest:?}")
            }
        };
        perr(self.src, self.offset(), format!("no match found, expected: {expected}, found {found}"))
    }

    fn parse_or(&mut self) -> Result<Expr, ParseError> {
        let first = self.parse_and()?;
        if !self.is_kw("or") {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.is_kw("or") {
            self.bump();
            operands.push(self.parse_and()?);
        }
        Ok(Expr::Or(operands))
    }

    fn parse_and(&mut self) -> Result<Expr, ParseError> {
        let first = self.parse_not()?;
        if !self.is_kw("and") {
            return Ok(first);
        }
        let mut operands = vec![first];
        while self.is_kw("and") {
            self.bump();
            operands.push(self.parse_not()?);
        }
        Ok(Expr::And(operands))
    }

    /// One more level of nesting, or an error past [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(perr(
                self.src,
                self.offset(),
                format!("expression nested too deeply: at most {MAX_NESTING} levels of parentheses and \"not\""),
            ));
        }
        Ok(())
    }

    fn parse_not(&mut self) -> Result<Expr, ParseError> {
        // "not" as a unary operator, unless it's part of `value not in selector`
        // (handled in parse_match; a value can't be the bare word "not" there).
        if self.is_kw("not") {
            self.enter()?;
            self.bump();
            let inner = self.parse_not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        if matches!(self.peek(), Tok::LParen) {
            self.enter()?;
            self.bump();
            let e = self.parse_or()?;
            if !matches!(self.peek(), Tok::RParen) {
                return Err(self.err("\")\", \"and\" or \"or\""));
            }
            self.bump();
            self.depth -= 1;
            return Ok(e);
        }
        self.parse_match()
    }

    fn parse_selector(&mut self) -> Result<Vec<String>, ParseError> {
        let mut parts = Vec::new();
        match self.peek().clone() {
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => {
                self.bump();
                parts.push(s);
            }
            _ => return Err(self.err("selector")),
        }
        loop {
            match self.peek() {
                Tok::Dot => {
                    self.bump();
                    match self.peek().clone() {
                        Tok::Ident(s) => {
                            self.bump();
                            parts.push(s);
                        }
                        Tok::Num(s) if s.chars().all(|c| c.is_ascii_digit()) => {
                            self.bump();
                            parts.push(s);
                        }
                        _ => return Err(self.err("identifier")),
                    }
                }
                Tok::LBracket => {
                    self.bump();
                    match self.peek().clone() {
                        Tok::Str(s) => {
                            self.bump();
                            parts.push(s);
                        }
                        _ => return Err(self.err("string")),
                    }
                    if !matches!(self.peek(), Tok::RBracket) {
                        return Err(self.err("\"]\""));
                    }
                    self.bump();
                }
                _ => break,
            }
        }
        Ok(parts)
    }

    fn parse_value(&mut self) -> Result<String, ParseError> {
        match self.peek().clone() {
            Tok::Str(s) | Tok::Num(s) => {
                self.bump();
                Ok(s)
            }
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => {
                // bare word value (possibly dotted, like a selector)
                self.bump();
                let mut v = s;
                while matches!(self.peek(), Tok::Dot) {
                    if let Tok::Ident(n) | Tok::Num(n) = self.peek_at(1).clone() {
                        self.bump();
                        self.bump();
                        v.push('.');
                        v.push_str(&n);
                    } else {
                        break;
                    }
                }
                Ok(v)
            }
            _ => Err(self.err("value")),
        }
    }

    fn regex(&self, pattern: &str, off: usize) -> Result<Regex, ParseError> {
        Regex::new(pattern).map_err(|e| perr(self.src, off, format!("failed to compile regular expression: {e}")))
    }

    fn parse_match(&mut self) -> Result<Expr, ParseError> {
        // `value in selector` / `value not in selector`: the value is a string,
        // a number, or a bare word followed by `in` / `not in`.
        let value_first = match self.peek() {
            Tok::Str(_) | Tok::Num(_) => true,
            Tok::Ident(s) if !KEYWORDS.contains(&s.as_str()) => {
                self.is_kw_at(1, "in") || (self.is_kw_at(1, "not") && self.is_kw_at(2, "in"))
            }
            _ => false,
        };
        if value_first {
            let value = self.parse_value()?;
            let op = if self.is_kw("in") {
                self.bump();
                MatchOp::In
            } else if self.is_kw("not") && self.is_kw_at(1, "in") {
                self.bump();
                self.bump();
                MatchOp::NotIn
            } else {
                return Err(self.err("\"in\" or \"not in\""));
            };
            let selector = self.parse_selector()?;
            return Ok(Expr::Match(MatchExpr { selector, op, value }));
        }

        let selector = self.parse_selector()?;
        let expected = "\"==\", \"!=\", \"is\", \"contains\", \"matches\", \"not\", \".\" or \"[\"";
        match self.peek().clone() {
            Tok::EqEq => {
                self.bump();
                let value = self.parse_value()?;
                Ok(Expr::Match(MatchExpr { selector, op: MatchOp::Equal, value }))
            }
            Tok::NotEq => {
                self.bump();
                let value = self.parse_value()?;
                Ok(Expr::Match(MatchExpr { selector, op: MatchOp::NotEqual, value }))
            }
            Tok::Ident(k) if k == "is" => {
                self.bump();
                if self.is_kw("empty") {
                    self.bump();
                    Ok(Expr::Match(MatchExpr { selector, op: MatchOp::IsEmpty, value: String::new() }))
                } else if self.is_kw("not") && self.is_kw_at(1, "empty") {
                    self.bump();
                    self.bump();
                    Ok(Expr::Match(MatchExpr { selector, op: MatchOp::IsNotEmpty, value: String::new() }))
                } else {
                    Err(self.err("\"empty\" or \"not empty\""))
                }
            }
            Tok::Ident(k) if k == "contains" => {
                self.bump();
                let value = self.parse_value()?;
                Ok(Expr::Match(MatchExpr { selector, op: MatchOp::In, value }))
            }
            Tok::Ident(k) if k == "matches" => {
                self.bump();
                let off = self.offset();
                let value = self.parse_value()?;
                let re = self.regex(&value, off)?;
                Ok(Expr::Match(MatchExpr { selector, op: MatchOp::Matches(re), value }))
            }
            Tok::Ident(k) if k == "not" => {
                self.bump();
                if self.is_kw("contains") {
                    self.bump();
                    let value = self.parse_value()?;
                    Ok(Expr::Match(MatchExpr { selector, op: MatchOp::NotIn, value }))
                } else if self.is_kw("matches") {
                    self.bump();
                    let off = self.offset();
                    let value = self.parse_value()?;
                    let re = self.regex(&value, off)?;
                    Ok(Expr::Match(MatchExpr { selector, op: MatchOp::NotMatches(re), value }))
                } else {
                    Err(self.err("\"contains\" or \"matches\""))
                }
            }
            _ => Err(self.err(expected)),
        }
    }
}

/// Parses a go-bexpr expression.
pub fn parse(src: &str) -> Result<Expr, ParseError> {
    let toks = Lexer::lex(src)?;
    let mut p = Parser { src, toks, pos: 0, depth: 0 };
    if matches!(p.peek(), Tok::Eof) {
        return Err(perr(src, 0, "no match found, expected: \"(\", \"not\" or selector, found end of input"));
    }
    let e = p.parse_or()?;
    if !matches!(p.peek(), Tok::Eof) {
        return Err(p.err("\"and\", \"or\" or end of input"));
    }
    Ok(e)
}

fn lookup(datum: &Value, selector: &[String]) -> Result<Value, EvalError> {
    let mut cur: Value = datum.clone();
    for (i, part) in selector.iter().enumerate() {
        let path = format!("/{}", selector.join("/"));
        cur = match cur {
            Value::Object(mut m) => match m.remove(part) {
                Some(v) => v,
                None => {
                    return Err(EvalError(format!(
                        "error finding value in datum: {path} at part {i}: couldn't find key: struct field with name \"{part}\""
                    )))
                }
            },
            Value::Array(items) => {
                if let Ok(idx) = part.parse::<usize>() {
                    match items.into_iter().nth(idx) {
                        Some(v) => v,
                        None => {
                            return Err(EvalError(format!(
                                "error finding value in datum: {path} at part {i}: index out of range"
                            )))
                        }
                    }
                } else {
                    // Project the field over the list elements.
                    let mut out = Vec::new();
                    for item in items {
                        match item {
                            Value::Object(mut m) => match m.remove(part) {
                                Some(v) => out.push(v),
                                None => {
                                    return Err(EvalError(format!(
                                        "error finding value in datum: {path} at part {i}: couldn't find key: struct field with name \"{part}\""
                                    )))
                                }
                            },
                            _ => {
                                return Err(EvalError(format!(
                                    "error finding value in datum: {path} at part {i}: invalid index \"{part}\" for slice"
                                )))
                            }
                        }
                    }
                    Value::Array(out)
                }
            }
            Value::Null => Value::Null,
            _ => {
                return Err(EvalError(format!(
                    "error finding value in datum: {path} at part {i}: couldn't find key \"{part}\" in a scalar value"
                )))
            }
        };
    }
    Ok(cur)
}

fn scalar_eq(v: &Value, lit: &str) -> bool {
    match v {
        Value::String(s) => s == lit,
        Value::Bool(b) => match lit {
            "true" | "True" | "TRUE" | "t" | "T" | "1" => *b,
            "false" | "False" | "FALSE" | "f" | "F" | "0" => !*b,
            _ => false,
        },
        Value::Number(n) => {
            if let (Some(a), Ok(b)) = (n.as_u64(), lit.parse::<u64>()) {
                a == b
            } else if let (Some(a), Ok(b)) = (n.as_i64(), lit.parse::<i64>()) {
                a == b
            } else if let (Some(a), Ok(b)) = (n.as_f64(), lit.parse::<f64>()) {
                a == b
            } else {
                false
            }
        }
        Value::Null => lit.is_empty(),
        _ => false,
    }
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
        _ => false,
    }
}

fn contains(v: &Value, lit: &str) -> bool {
    match v {
        Value::String(s) => s.contains(lit),
        Value::Array(a) => a.iter().any(|e| scalar_eq(e, lit)),
        Value::Object(m) => m.contains_key(lit),
        _ => false,
    }
}

fn re_match(v: &Value, re: &Regex) -> bool {
    match v {
        Value::String(s) => re.is_match(s),
        Value::Array(a) => a.iter().any(|e| matches!(e, Value::String(s) if re.is_match(s))),
        _ => false,
    }
}

impl Expr {
    /// Evaluates the expression against a JSON datum with Go field names.
    pub fn evaluate(&self, datum: &Value) -> Result<bool, EvalError> {
        Ok(match self {
            Expr::And(operands) => {
                for e in operands {
                    if !e.evaluate(datum)? {
                        return Ok(false);
                    }
                }
                true
            }
            Expr::Or(operands) => {
                for e in operands {
                    if e.evaluate(datum)? {
                        return Ok(true);
                    }
                }
                false
            }
            Expr::Not(a) => !a.evaluate(datum)?,
            Expr::Match(m) => {
                let v = lookup(datum, &m.selector)?;
                match &m.op {
                    MatchOp::Equal => scalar_eq(&v, &m.value),
                    MatchOp::NotEqual => !scalar_eq(&v, &m.value),
                    MatchOp::In => contains(&v, &m.value),
                    MatchOp::NotIn => !contains(&v, &m.value),
                    MatchOp::IsEmpty => is_empty(&v),
                    MatchOp::IsNotEmpty => !is_empty(&v),
                    MatchOp::Matches(re) => re_match(&v, re),
                    MatchOp::NotMatches(re) => !re_match(&v, re),
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn tok() -> Value {
        json!({
            "AccessorID": "a1b2",
            "SecretID": "s",
            "Name": "ci-deployer",
            "Type": "client",
            "Policies": ["ci-deployer", "ns-default-read"],
            "Roles": [{"ID": "r1", "Name": "ops"}, {"ID": "r2", "Name": "dev"}],
            "Global": true,
            "CreateIndex": 12,
            "ExpirationTime": null,
            "Meta": {"team": "payments"}
        })
    }

    fn ev(src: &str) -> bool {
        parse(src).unwrap_or_else(|e| panic!("{src}: {e}")).evaluate(&tok()).unwrap()
    }

    #[test]
    fn operators() {
        assert!(ev(r#"Name == "ci-deployer""#));
        assert!(ev(r#"Name != "x""#));
        assert!(!ev(r#"Name == "x""#));
        assert!(ev(r#""ci-deployer" in Policies"#));
        assert!(ev(r#""nope" not in Policies"#));
        assert!(ev(r#"Policies contains "ns-default-read""#));
        assert!(ev(r#"Policies not contains "nope""#));
        assert!(ev(r#"ExpirationTime is empty"#));
        assert!(ev(r#"Policies is not empty"#));
        assert!(ev(r#"Name matches "^ci-""#));
        assert!(ev(r#"Name not matches "^prod""#));
        assert!(ev(r#"Global == true"#));
        assert!(ev(r#"Global != false"#));
        assert!(ev(r#"CreateIndex == 12"#));
        assert!(ev(r#"Type == client"#));
        assert!(ev(r#""deploy" in Name"#));
        assert!(ev(r#""ops" in Roles.Name"#));
        assert!(ev(r#"Roles.Name contains "dev""#));
        assert!(ev(r#"Meta.team == "payments""#));
        assert!(ev(r#"Meta["team"] == "payments""#));
        assert!(ev(r#""team" in Meta"#));
        assert!(ev(r#"Roles.0.ID == "r1""#));
        assert!(ev("Name == `ci-deployer`"));
    }

    #[test]
    fn boolean_logic_and_precedence() {
        assert!(ev(r#"Name == "x" or Type == "client""#));
        assert!(!ev(r#"Name == "x" and Type == "client""#));
        assert!(ev(r#"not Name == "x""#));
        assert!(ev(r#"Name == "x" or Type == "client" and Global == true"#));
        assert!(!ev(r#"(Name == "x" or Type == "client") and Global == false"#));
        assert!(ev(r#"not (Name == "x" and Global == true)"#));
        assert!(ev(r#"not not Name == "ci-deployer""#));
    }

    #[test]
    fn parse_errors() {
        for bad in [
            "NotValid",
            "",
            "Name ==",
            "Name = \"x\"",
            "(Name == \"x\"",
            "Name == \"x\" and",
            "\"x\" in",
            "Name is",
            "Name matches \"(\"",
            "Name == \"x",
            "and",
            "Name == x y",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should not parse");
        }
        let e = parse("NotValid").unwrap_err().to_string();
        assert!(e.starts_with("1:9 (8): no match found"), "{e}");
    }

    #[test]
    fn unknown_field_is_an_eval_error() {
        let e = parse(r#"Foo == "x""#).unwrap().evaluate(&tok()).unwrap_err();
        assert!(e.to_string().starts_with("error finding value in datum"), "{e}");
    }

    #[test]
    fn nesting_is_bounded_and_refused_with_an_error() {
        let ok = format!("{}Name == \"ci-deployer\"{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(ev(&ok));
        let too_deep = format!("{}Name == \"x\"{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
        let e = parse(&too_deep).unwrap_err().to_string();
        assert!(e.contains("nested too deeply"), "{e}");
        // What aborted the process before: 10,000 open parentheses, and as many `not`s.
        for attack in ["(".repeat(10_000), "not ".repeat(10_000) + "Name == \"x\""] {
            assert!(parse(&attack).unwrap_err().to_string().contains("nested too deeply"));
        }
        let nots = format!("{}Name == \"ci-deployer\"", "not not ".repeat(MAX_NESTING / 2));
        assert!(ev(&nots));
    }

    #[test]
    fn long_chains_are_flat() {
        // 50,000 terms: evaluated and dropped without deep recursion.
        let chain = vec![r#"Name == "ci-deployer""#; 50_000].join(" and ");
        assert!(ev(&chain));
        let chain = vec![r#"Name == "x""#; 50_000].join(" or ") + r#" or Global == true"#;
        assert!(ev(&chain));
        match parse(r#"Name == "a" and Name == "b" and Name == "c" or Global == true"#).unwrap() {
            Expr::Or(ops) => assert!(matches!(ops.as_slice(), [Expr::And(and), Expr::Match(_)] if and.len() == 3)),
            other => panic!("{other:?}"),
        }
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        fn token() -> impl Strategy<Value = &'static str> {
            prop::sample::select(vec![
                "(",
                ")",
                "not",
                "and",
                "or",
                "in",
                "is",
                "empty",
                "contains",
                "matches",
                "==",
                "!=",
                "Name",
                "Roles.Name",
                "Meta[\"team\"]",
                "\"ci-deployer\"",
                "`raw`",
                "\"(\"",
                "\".*\"",
                "12",
                "true",
                ".",
                "[",
                "]",
                "\"",
                "\\",
                "é",
                "-",
                "/",
                " ",
            ])
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(1024))]

            #[test]
            fn arbitrary_strings_never_panic(s in any::<String>()) {
                if let Ok(e) = parse(&s) {
                    let _ = e.evaluate(&tok());
                }
            }

            #[test]
            fn token_soups_never_panic(tokens in prop::collection::vec(token(), 0..400)) {
                let src = tokens.join(" ");
                if let Ok(e) = parse(&src) {
                    let _ = e.evaluate(&tok());
                }
                let glued = tokens.concat();
                if let Ok(e) = parse(&glued) {
                    let _ = e.evaluate(&tok());
                }
            }

            #[test]
            fn any_depth_parses_or_is_refused(depth in 0usize..3000, use_not in any::<bool>()) {
                let src = if use_not {
                    format!("{}Name == \"x\"", "not ".repeat(depth))
                } else {
                    format!("{}Name == \"x\"{}", "(".repeat(depth), ")".repeat(depth))
                };
                match parse(&src) {
                    Ok(e) => { prop_assert!(depth <= MAX_NESTING); let _ = e.evaluate(&tok()); }
                    Err(err) => { prop_assert!(depth > MAX_NESTING, "{}", err); }
                }
            }
        }
    }
}
