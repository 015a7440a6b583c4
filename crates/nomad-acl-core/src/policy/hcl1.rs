//! A port of the syntax layer of `github.com/hashicorp/hcl` v1.0.0 (the library Nomad's
//! `acl.Parse` uses): the HCL scanner and parser, the JSON scanner and parser, and the
//! JSON "flattening" pass, all producing HCL1's AST (object lists of items with several
//! keys). The decoder that turns this AST into a policy lives in `decode.rs`.
//!
//! Why a port and not `hcl-rs`: hcl-rs parses HCL2, which rejects valid HCL1
//! (`agent { policy = "read"\n}`, repeated attributes, `a = 1, b = 2`, quoted keys),
//! accepts expressions HCL1 rejects, and has no JSON mode; HCL1's JSON mode accepts
//! trailing commas and keeps duplicate keys and their order, which serde_json does not.
//! Error texts and positions follow the Go code so they match Nomad's `At L:C: ...` text.
//!
//! Go panics that Nomad recovers from (`invalid acl policy: <panic>`) are returned as
//! [`Fault::Panic`] with the Go runtime's message; nothing here panics in Rust.

use std::fmt;

/// Deeper nesting than this is rejected; Go has growable stacks, we do not (wasm!).
/// Real policies nest 4 levels deep.
pub const MAX_DEPTH: usize = 64;

/// A Go `token.Pos` (line 0 means invalid and prints as `-`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pos {
    pub offset: usize,
    pub line: usize,
    pub column: usize,
}

impl Pos {
    pub fn is_valid(&self) -> bool {
        self.line > 0
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_valid() {
            write!(f, "{}:{}", self.line, self.column)
        } else {
            f.write_str("-")
        }
    }
}

/// Editor location (1-based line and column), kept even where Go's position is empty
/// (the JSON parser drops positions; the editor still wants to point somewhere).
pub type Loc = Option<(usize, usize)>;

fn loc_of(p: Pos) -> Loc {
    p.is_valid().then_some((p.line, p.column))
}

/// How a step failed: an ordinary Go error (its `Error()` text) or a Go panic
/// (its recovered value printed with `%v`).
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    Error { text: String, loc: Loc },
    Panic(String),
}

impl Fault {
    /// `&parser.PosError{Pos, Err}`: prints `At <pos>: <err>`.
    pub fn pos_error(pos: Pos, loc: Loc, msg: impl fmt::Display) -> Fault {
        Fault::Error { text: format!("At {pos}: {msg}"), loc: loc.or(loc_of(pos)) }
    }
    pub fn plain(text: impl Into<String>, loc: Loc) -> Fault {
        Fault::Error { text: text.into(), loc }
    }
    pub fn text(&self) -> &str {
        match self {
            Fault::Error { text, .. } | Fault::Panic(text) => text,
        }
    }
}

/// Go's `runtime error: index out of range [i] with length n`.
pub fn index_panic(i: usize, len: usize) -> Fault {
    Fault::Panic(format!("runtime error: index out of range [{i}] with length {len}"))
}

const UNREAD_PANIC: &str = "bytes.Buffer: UnreadRune: previous operation was not a successful ReadRune";

// ---------------------------------------------------------------------------------------
// Tokens and AST
// ---------------------------------------------------------------------------------------

/// HCL token types (`hcl/token`); JSON tokens are mapped onto these by `HCLToken()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Illegal,
    Eof,
    Comment,
    Ident,
    Number,
    Float,
    Bool,
    String,
    Heredoc,
    LBrack,
    LBrace,
    Comma,
    Period,
    RBrack,
    RBrace,
    Assign,
    Add,
    Sub,
    // JSON-only token types.
    Null,
    Colon,
}

impl Tok {
    pub fn name(self) -> &'static str {
        match self {
            Tok::Illegal => "ILLEGAL",
            Tok::Eof => "EOF",
            Tok::Comment => "COMMENT",
            Tok::Ident => "IDENT",
            Tok::Number => "NUMBER",
            Tok::Float => "FLOAT",
            Tok::Bool => "BOOL",
            Tok::String => "STRING",
            Tok::Heredoc => "HEREDOC",
            Tok::LBrack => "LBRACK",
            Tok::LBrace => "LBRACE",
            Tok::Comma => "COMMA",
            Tok::Period => "PERIOD",
            Tok::RBrack => "RBRACK",
            Tok::RBrace => "RBRACE",
            Tok::Assign => "ASSIGN",
            Tok::Add => "ADD",
            Tok::Sub => "SUB",
            Tok::Null => "NULL",
            Tok::Colon => "COLON",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Token {
    pub kind: Tok,
    pub pos: Pos,
    pub text: String,
    /// Came from the JSON parser: strings are unquoted with Go's `strconv.Unquote`.
    pub json: bool,
    pub loc: Loc,
}

impl Token {
    /// Go's `Token.String()`: `<pos> <type> <text>`.
    pub fn go_string(&self) -> String {
        format!("{} {} {}", self.pos, self.kind.name(), self.text)
    }

    /// Go's `Token.Value().(string)` for keys and string literals. Panics in Go for
    /// strings that do not unquote (e.g. `"\500"`), hence `Fault::Panic`.
    pub fn string_value(&self) -> Result<String, Fault> {
        match self.kind {
            Tok::Ident => Ok(self.text.clone()),
            Tok::Heredoc => unindent_heredoc(&self.text),
            Tok::String => {
                if self.text.is_empty() {
                    // JSON null.
                    return Ok(String::new());
                }
                let r = if self.json { go_unquote(&self.text) } else { hcl_unquote(&self.text) };
                r.ok_or_else(|| Fault::Panic(format!("unquote {} err: invalid syntax", self.text)))
            }
            // Value() of a number or bool is not a string: Go panics on the type assertion.
            _ => Err(Fault::Panic(format!(
                "interface conversion: interface {{}} is {}, not string",
                match self.kind {
                    Tok::Bool => "bool",
                    Tok::Float => "float64",
                    _ => "int64",
                }
            ))),
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct ObjectList {
    pub items: Vec<ObjectItem>,
}

#[derive(Clone, Debug)]
pub struct ObjectItem {
    pub keys: Vec<Token>,
    pub val: Node,
    /// Where the item started in the source (survives key stripping by `filter`).
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct ObjectType {
    pub lbrace: Pos,
    pub list: ObjectList,
    pub loc: Loc,
}

#[derive(Clone, Debug)]
pub struct ListType {
    pub lbrack: Pos,
    pub list: Vec<Node>,
    pub loc: Loc,
}

/// `ast.Node` values the decoder can meet.
#[derive(Clone, Debug)]
pub enum Node {
    List(ObjectList),
    Item(Box<ObjectItem>),
    Object(ObjectType),
    ListT(ListType),
    Literal(Token),
}

impl Node {
    /// `%T` of the Go node.
    pub fn type_name(&self) -> &'static str {
        match self {
            Node::List(_) => "*ast.ObjectList",
            Node::Item(_) => "*ast.ObjectItem",
            Node::Object(_) => "*ast.ObjectType",
            Node::ListT(_) => "*ast.ListType",
            Node::Literal(_) => "*ast.LiteralType",
        }
    }

    /// Go's `node.Pos()`; `ObjectList.Pos()` indexes `Items[0]` and panics when empty.
    pub fn pos(&self) -> Result<Pos, Fault> {
        Ok(match self {
            Node::List(l) => match l.items.first() {
                Some(it) => it.pos(),
                None => return Err(index_panic(0, 0)),
            },
            Node::Item(it) => it.pos(),
            Node::Object(o) => o.lbrace,
            Node::ListT(l) => l.lbrack,
            Node::Literal(t) => t.pos,
        })
    }

    /// Best source location for the editor.
    pub fn loc(&self) -> Loc {
        match self {
            Node::List(l) => l.items.first().and_then(|i| i.loc),
            Node::Item(it) => it.loc,
            Node::Object(o) => o.loc,
            Node::ListT(l) => l.loc,
            Node::Literal(t) => t.loc,
        }
    }
}

impl ObjectItem {
    pub fn pos(&self) -> Pos {
        self.keys.first().map(|k| k.pos).unwrap_or_default()
    }
}

/// Go's `strings.EqualFold` (simple Unicode case folding, approximated per char).
pub fn equal_fold(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (mut x, mut y) = (a.chars(), b.chars());
    loop {
        match (x.next(), y.next()) {
            (None, None) => return true,
            (Some(c), Some(d)) => {
                if c != d && !c.to_lowercase().eq(d.to_lowercase()) && !c.to_uppercase().eq(d.to_uppercase()) {
                    return false;
                }
            }
            _ => return false,
        }
    }
}

impl ObjectList {
    /// `ObjectList.Filter(key)`: items whose first key equals `key` (case-insensitively),
    /// with that key stripped.
    pub fn filter(&self, key: &str) -> Result<ObjectList, Fault> {
        let mut out = ObjectList::default();
        for item in &self.items {
            let Some(first) = item.keys.first() else {
                continue;
            };
            let v = first.string_value()?;
            if v != key && !equal_fold(&v, key) {
                continue;
            }
            let mut it = item.clone();
            it.keys.remove(0);
            out.items.push(it);
        }
        Ok(out)
    }
}

// ---------------------------------------------------------------------------------------
// String helpers (hcl/strconv, Go strconv, heredocs)
// ---------------------------------------------------------------------------------------

fn unhex(b: u8) -> Option<u32> {
    (b as char).to_digit(16)
}

/// Shared escape decoding of `hcl/strconv.unquoteChar` and Go's `strconv.UnquoteChar`
/// (`go_rules` adds Go's rejection of surrogates). Returns (value, multibyte, consumed).
fn unquote_char(s: &[u8], go_rules: bool) -> Option<(u32, bool, usize)> {
    let c = s[0];
    if c == b'"' {
        return None;
    }
    if c >= 0x80 {
        let st =
            std::str::from_utf8(&s[..s.len().min(4)]).or_else(|e| std::str::from_utf8(&s[..e.valid_up_to()])).ok()?;
        let ch = st.chars().next()?;
        return Some((ch as u32, true, ch.len_utf8()));
    }
    if c != b'\\' {
        return Some((c as u32, false, 1));
    }
    if s.len() <= 1 {
        return None;
    }
    let e = s[1];
    let rest = &s[2..];
    let simple = |v: u8| Some((v as u32, false, 2));
    match e {
        b'a' => simple(7),
        b'b' => simple(8),
        b'f' => simple(12),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(11),
        b'\\' => simple(b'\\'),
        b'"' => simple(b'"'),
        b'x' | b'u' | b'U' => {
            let n = match e {
                b'x' => 2,
                b'u' => 4,
                _ => 8,
            };
            if rest.len() < n {
                return None;
            }
            let mut v: u32 = 0;
            for &b in &rest[..n] {
                v = (v << 4) | unhex(b)?;
            }
            if e == b'x' {
                return Some((v, false, 2 + n));
            }
            if v > 0x10FFFF || (go_rules && (0xD800..0xE000).contains(&v)) {
                return None;
            }
            Some((v, true, 2 + n))
        }
        b'0'..=b'7' => {
            if rest.len() < 2 {
                return None;
            }
            let mut v = (e - b'0') as u32;
            for &b in &rest[..2] {
                if !(b'0'..=b'7').contains(&b) {
                    return None;
                }
                v = (v << 3) | (b - b'0') as u32;
            }
            if v > 255 {
                return None;
            }
            Some((v, false, 4))
        }
        _ => None,
    }
}

fn push_rune(buf: &mut Vec<u8>, v: u32, multibyte: bool) {
    if v < 0x80 || !multibyte {
        buf.push(v as u8);
    } else {
        let ch = char::from_u32(v).unwrap_or('\u{FFFD}');
        let mut tmp = [0u8; 4];
        buf.extend_from_slice(ch.encode_utf8(&mut tmp).as_bytes());
    }
}

/// `hcl/strconv.Unquote`: like Go's, but `${...}` sections are copied verbatim.
pub fn hcl_unquote(text: &str) -> Option<String> {
    let b = text.as_bytes();
    let n = b.len();
    if n < 2 || b[0] != b'"' || b[n - 1] != b'"' {
        return None;
    }
    let mut s = &b[1..n - 1];
    let has = |s: &[u8], c: u8| s.contains(&c);
    if !has(s, b'$') && !has(s, b'{') && has(s, b'\n') {
        return None;
    }
    if !has(s, b'\\') && !has(s, b'"') && !has(s, b'$') {
        return Some(String::from_utf8_lossy(s).into_owned());
    }
    let mut buf = Vec::with_capacity(s.len());
    while !s.is_empty() {
        if s[0] == b'$' && s.len() > 1 && s[1] == b'{' {
            buf.extend_from_slice(b"${");
            s = &s[2..];
            let mut braces = 1;
            while !s.is_empty() && braces > 0 {
                let st = String::from_utf8_lossy(&s[..s.len().min(4)]).into_owned();
                let ch = st.chars().next()?;
                if ch == '\u{FFFD}' {
                    return None;
                }
                let size = ch.len_utf8();
                buf.extend_from_slice(&s[..size]);
                s = &s[size..];
                match ch {
                    '{' => braces += 1,
                    '}' => braces -= 1,
                    _ => {}
                }
            }
            if braces != 0 {
                return None;
            }
            continue;
        }
        if s[0] == b'\n' {
            return None;
        }
        let (v, mb, used) = unquote_char(s, false)?;
        s = &s[used..];
        push_rune(&mut buf, v, mb);
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Go's `strconv.Unquote` for a double-quoted literal (used for JSON strings).
pub fn go_unquote(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if b.len() < 2 || b[0] != b'"' {
        return None;
    }
    let mut s = &b[1..];
    let mut buf = Vec::new();
    while !s.is_empty() && s[0] != b'"' {
        if s[0] == b'\n' {
            return None;
        }
        let (v, mb, used) = unquote_char(s, true)?;
        s = &s[used..];
        push_rune(&mut buf, v, mb);
    }
    // Must end with the closing quote and nothing after it.
    if s.len() != 1 {
        return None;
    }
    Some(String::from_utf8_lossy(&buf).into_owned())
}

/// Go slice `s[a:b]` with Go's bounds panics.
fn go_slice(s: &[u8], a: usize, b: isize) -> Result<&[u8], Fault> {
    if b < 0 || b as usize > s.len() {
        return Err(Fault::Panic(format!("runtime error: slice bounds out of range [:{b}] with length {}", s.len())));
    }
    let b = b as usize;
    if a > b {
        return Err(Fault::Panic(format!("runtime error: slice bounds out of range [{a}:{b}]")));
    }
    Ok(&s[a..b])
}

/// `token.unindentHeredoc`, byte arithmetic included.
fn unindent_heredoc(heredoc: &str) -> Result<String, Fault> {
    let h = heredoc.as_bytes();
    let Some(idx) = h.iter().position(|&c| c == b'\n') else {
        return Err(Fault::Panic("heredoc doesn't contain newline".into()));
    };
    let len = h.len() as isize;
    let unindent = h.get(2) == Some(&b'-');
    if !unindent {
        let s = go_slice(h, idx + 1, len - idx as isize + 1)?;
        return Ok(String::from_utf8_lossy(s).into_owned());
    }
    let body = String::from_utf8_lossy(go_slice(h, idx + 1, len - idx as isize + 2)?).into_owned();
    let lines: Vec<&str> = body.split('\n').collect();
    let prefix = lines[lines.len() - 1];
    if !lines.iter().all(|l| l.starts_with(prefix)) {
        let s = go_slice(h, idx + 1, len - idx as isize + 1)?;
        return Ok(String::from_utf8_lossy(s).trim_end_matches([' ', '\t']).to_string());
    }
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    for (k, l) in lines.iter().enumerate() {
        if k == lines.len() - 1 {
            out.push("");
            break;
        }
        out.push(&l[prefix.len()..]);
    }
    Ok(out.join("\n"))
}

// ---------------------------------------------------------------------------------------
// Rune reader with Go's bytes.Buffer ReadRune/UnreadRune semantics
// ---------------------------------------------------------------------------------------

struct Reader<'a> {
    src: &'a str,
    off: usize,
    /// Size of the last successful ReadRune (0 = "not a successful ReadRune").
    last_read: usize,
}

impl<'a> Reader<'a> {
    fn read_rune(&mut self) -> Option<(char, usize)> {
        match self.src[self.off..].chars().next() {
            None => {
                self.last_read = 0;
                None
            }
            Some(c) => {
                let n = c.len_utf8();
                self.off += n;
                self.last_read = n;
                Some((c, n))
            }
        }
    }
    fn unread_rune(&mut self) -> Result<(), Fault> {
        if self.last_read == 0 {
            return Err(Fault::Panic(UNREAD_PANIC.into()));
        }
        self.off -= self.last_read;
        self.last_read = 0;
        Ok(())
    }
    fn peek(&mut self) -> Option<char> {
        let r = self.src[self.off..].chars().next();
        // ReadRune + UnreadRune leaves lastRead invalid.
        self.last_read = 0;
        r
    }
}

/// End-of-input marker rune, as in Go (`rune(0)`).
const EOF: char = '\0';

fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (c as u32 >= 0x80 && c.is_alphabetic())
}
fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (c as u32 >= 0x80 && c.is_numeric())
}
fn is_decimal(c: char) -> bool {
    c.is_ascii_digit()
}
fn is_hex(c: char) -> bool {
    c.is_ascii_hexdigit()
}
fn is_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}
fn digit_val(c: char) -> u32 {
    c.to_digit(16).unwrap_or(16)
}

/// State shared by the HCL and JSON scanners (both are near copies in Go).
struct ScanState<'a> {
    buf: Reader<'a>,
    src: &'a str,
    src_pos: Pos,
    prev_pos: Pos,
    last_char_len: usize,
    last_line_len: usize,
    tok_start: usize,
    /// Last scanner error (Go's callback overwrites, so the last one wins).
    error: Option<(Pos, String)>,
    panic: Option<Fault>,
    json: bool,
}

impl<'a> ScanState<'a> {
    fn new(src: &'a str, json: bool) -> Self {
        ScanState {
            buf: Reader { src, off: 0, last_read: 0 },
            src,
            src_pos: Pos { offset: 0, line: 1, column: 0 },
            prev_pos: Pos::default(),
            last_char_len: 0,
            last_line_len: 0,
            tok_start: 0,
            error: None,
            panic: None,
            json,
        }
    }

    fn next(&mut self) -> char {
        let Some((ch, size)) = self.buf.read_rune() else {
            self.src_pos.column += 1;
            self.last_char_len = 0;
            return EOF;
        };
        self.prev_pos = self.src_pos;
        self.src_pos.column += 1;
        self.last_char_len = size;
        self.src_pos.offset += size;
        if ch == '\n' {
            self.src_pos.line += 1;
            self.last_line_len = self.src_pos.column;
            self.src_pos.column = 0;
        }
        if !self.json {
            if ch == '\0' {
                self.err("unexpected null character (0x00)");
                return EOF;
            }
            if ch == '\u{E123}' {
                self.err("unicode code point U+E123 reserved for internal use");
                return '\u{FFFD}';
            }
        }
        ch
    }

    fn unread(&mut self) {
        if let Err(p) = self.buf.unread_rune() {
            if self.panic.is_none() {
                self.panic = Some(p);
            }
            return;
        }
        self.src_pos = self.prev_pos;
    }

    fn peek(&mut self) -> char {
        self.buf.peek().unwrap_or(EOF)
    }

    fn recent_position(&self) -> Pos {
        let offset = self.src_pos.offset.saturating_sub(self.last_char_len);
        if self.src_pos.column > 0 {
            Pos { offset, line: self.src_pos.line, column: self.src_pos.column }
        } else if self.last_line_len > 0 {
            Pos { offset, line: self.src_pos.line - 1, column: self.last_line_len }
        } else {
            Pos { offset, line: 1, column: 1 }
        }
    }

    fn err(&mut self, msg: &str) {
        self.error = Some((self.recent_position(), msg.to_string()));
    }

    /// Common start of `Scan()`: skip whitespace, mark the token start.
    fn begin(&mut self) -> (char, Pos) {
        let mut ch = self.next();
        while is_ws(ch) {
            ch = self.next();
        }
        self.tok_start = self.src_pos.offset.saturating_sub(self.last_char_len);
        let offset = self.tok_start;
        let pos = if self.src_pos.column > 0 {
            Pos { offset, line: self.src_pos.line, column: self.src_pos.column }
        } else {
            Pos { offset, line: self.src_pos.line.saturating_sub(1), column: self.last_line_len }
        };
        (ch, pos)
    }

    fn finish(&mut self, kind: Tok, pos: Pos) -> Token {
        let end = self.src_pos.offset;
        let text = self.src.get(self.tok_start..end).unwrap_or("").to_string();
        self.tok_start = end;
        Token { kind, pos, text, json: self.json, loc: loc_of(pos) }
    }

    fn scan_mantissa(&mut self, mut ch: char) -> char {
        let mut scanned = false;
        while is_decimal(ch) {
            ch = self.next();
            scanned = true;
        }
        if scanned && ch != EOF {
            self.unread();
        }
        ch
    }

    fn scan_fraction(&mut self, mut ch: char) -> char {
        if ch == '.' {
            ch = self.peek();
            ch = self.scan_mantissa(ch);
        }
        ch
    }

    fn scan_exponent(&mut self, mut ch: char) -> char {
        if ch == 'e' || ch == 'E' {
            ch = self.next();
            if ch == '-' || ch == '+' {
                ch = self.next();
            }
            ch = self.scan_mantissa(ch);
        }
        ch
    }

    fn scan_escape(&mut self) -> char {
        let mut ch = self.next();
        match ch {
            'a' | 'b' | 'f' | 'n' | 'r' | 't' | 'v' | '\\' | '"' => {}
            '0'..='7' => ch = self.scan_digits(ch, 8, 3),
            'x' => {
                let c = self.next();
                ch = self.scan_digits(c, 16, 2)
            }
            'u' => {
                let c = self.next();
                ch = self.scan_digits(c, 16, 4)
            }
            'U' => {
                let c = self.next();
                ch = self.scan_digits(c, 16, 8)
            }
            _ => self.err("illegal char escape"),
        }
        ch
    }

    fn scan_digits(&mut self, mut ch: char, base: u32, mut n: usize) -> char {
        if self.json {
            while n > 0 && digit_val(ch) < base {
                ch = self.next();
                n -= 1;
            }
            if n > 0 {
                self.err("illegal char escape");
            }
            self.unread();
            return ch;
        }
        let start = n;
        while n > 0 && digit_val(ch) < base {
            ch = self.next();
            if ch == EOF {
                break;
            }
            n -= 1;
        }
        if n > 0 {
            self.err("illegal char escape");
        }
        if n != start && ch != EOF {
            self.unread();
        }
        ch
    }

    fn scan_identifier(&mut self) -> String {
        let offs = self.src_pos.offset.saturating_sub(self.last_char_len);
        let mut ch = self.next();
        while is_letter(ch) || is_digit(ch) || ch == '-' || (!self.json && ch == '.') {
            ch = self.next();
        }
        if ch != EOF {
            self.unread();
        }
        self.src.get(offs..self.src_pos.offset).unwrap_or("").to_string()
    }
}

// ---------------------------------------------------------------------------------------
// HCL scanner
// ---------------------------------------------------------------------------------------

struct HclScanner<'a> {
    s: ScanState<'a>,
}

impl<'a> HclScanner<'a> {
    fn scan(&mut self) -> Token {
        let (ch, pos) = self.s.begin();
        let kind;
        if is_letter(ch) {
            let lit = self.s.scan_identifier();
            kind = if lit == "true" || lit == "false" { Tok::Bool } else { Tok::Ident };
        } else if is_decimal(ch) {
            kind = self.scan_number(ch);
        } else {
            kind = match ch {
                EOF => Tok::Eof,
                '"' => {
                    self.scan_string();
                    Tok::String
                }
                '#' | '/' => {
                    self.scan_comment(ch);
                    Tok::Comment
                }
                '.' => {
                    let c = self.s.peek();
                    if is_decimal(c) {
                        let c = self.s.scan_mantissa(c);
                        self.s.scan_exponent(c);
                        Tok::Float
                    } else {
                        Tok::Period
                    }
                }
                '<' => {
                    self.scan_heredoc();
                    Tok::Heredoc
                }
                '[' => Tok::LBrack,
                ']' => Tok::RBrack,
                '{' => Tok::LBrace,
                '}' => Tok::RBrace,
                ',' => Tok::Comma,
                '=' => Tok::Assign,
                '+' => Tok::Add,
                '-' => {
                    if is_decimal(self.s.peek()) {
                        let c = self.s.next();
                        self.scan_number(c)
                    } else {
                        Tok::Sub
                    }
                }
                _ => {
                    self.s.err("illegal char");
                    Tok::Illegal
                }
            };
        }
        self.s.finish(kind, pos)
    }

    fn scan_comment(&mut self, mut ch: char) {
        let s = &mut self.s;
        if ch == '#' || (ch == '/' && s.peek() != '*') {
            if ch == '/' && s.peek() != '/' {
                s.err("expected '/' for comment");
                return;
            }
            ch = s.next();
            while ch != '\n' && ch != EOF {
                ch = s.next();
            }
            if ch != EOF {
                s.unread();
            }
            return;
        }
        if ch == '/' {
            s.next();
            ch = s.next();
        }
        loop {
            if ch == EOF {
                s.err("comment not terminated");
                break;
            }
            let ch0 = ch;
            ch = s.next();
            if ch0 == '*' && ch == '/' {
                break;
            }
        }
    }

    fn scan_number(&mut self, mut ch: char) -> Tok {
        let s = &mut self.s;
        if ch == '0' {
            ch = s.next();
            if ch == 'x' || ch == 'X' {
                ch = s.next();
                let mut found = false;
                while is_hex(ch) {
                    ch = s.next();
                    found = true;
                }
                if !found {
                    s.err("illegal hexadecimal number");
                }
                if ch != EOF {
                    s.unread();
                }
                return Tok::Number;
            }
            let mut illegal_octal = false;
            while is_decimal(ch) {
                ch = s.next();
                if ch == '8' || ch == '9' {
                    illegal_octal = true;
                }
            }
            if ch == 'e' || ch == 'E' {
                s.scan_exponent(ch);
                return Tok::Float;
            }
            if ch == '.' {
                ch = s.scan_fraction(ch);
                if ch == 'e' || ch == 'E' {
                    ch = s.next();
                    s.scan_exponent(ch);
                }
                return Tok::Float;
            }
            if illegal_octal {
                s.err("illegal octal number");
            }
            if ch != EOF {
                s.unread();
            }
            return Tok::Number;
        }
        s.scan_mantissa(ch);
        ch = s.next();
        if ch == 'e' || ch == 'E' {
            s.scan_exponent(ch);
            return Tok::Float;
        }
        if ch == '.' {
            ch = s.scan_fraction(ch);
            if ch == 'e' || ch == 'E' {
                ch = s.next();
                s.scan_exponent(ch);
            }
            return Tok::Float;
        }
        if ch != EOF {
            s.unread();
        }
        Tok::Number
    }

    fn scan_heredoc(&mut self) {
        let s = &mut self.s;
        if s.next() != '<' {
            s.err("heredoc expected second '<', didn't see it");
            return;
        }
        let offs = s.src_pos.offset;
        let mut ch = s.next();
        if ch == '-' {
            ch = s.next();
        }
        while is_letter(ch) || is_digit(ch) {
            ch = s.next();
        }
        if ch == EOF {
            s.err("heredoc not terminated");
            return;
        }
        if ch == '\r' && s.peek() == '\n' {
            ch = s.next();
        }
        if ch != '\n' {
            s.err("invalid characters in heredoc anchor");
            return;
        }
        let ident_end = s.src_pos.offset.saturating_sub(s.last_char_len);
        let ident = s.src.get(offs..ident_end).unwrap_or("").to_string();
        if ident.is_empty() || ident == "-" {
            s.err("zero-length heredoc anchor");
            return;
        }
        let anchor = ident.strip_prefix('-').unwrap_or(&ident).to_string();
        let mut line_start = s.src_pos.offset;
        loop {
            let ch = s.next();
            if ch == '\n' {
                let line_end = s.src_pos.offset.saturating_sub(s.last_char_len);
                let line = s.src.get(line_start..line_end).unwrap_or("");
                if line.len() >= ident.len() && heredoc_anchor_matches(line, &anchor) {
                    break;
                }
                line_start = s.src_pos.offset;
            }
            if ch == EOF {
                s.err("heredoc not terminated");
                return;
            }
        }
    }

    fn scan_string(&mut self) {
        let s = &mut self.s;
        let mut braces = 0;
        loop {
            let ch = s.next();
            if (ch == '\n' && braces == 0) || ch == EOF {
                s.err("literal not terminated");
                return;
            }
            if ch == '"' && braces == 0 {
                break;
            }
            if braces == 0 && ch == '$' && s.peek() == '{' {
                braces += 1;
                s.next();
            } else if braces > 0 && ch == '{' {
                braces += 1;
            }
            if braces > 0 && ch == '}' {
                braces -= 1;
            }
            if ch == '\\' {
                s.scan_escape();
            }
        }
    }
}

/// `^[[:space:]]*ANCHOR\r*\z`
fn heredoc_anchor_matches(line: &str, anchor: &str) -> bool {
    let t = line.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    t.trim_end_matches('\r') == anchor
}

// ---------------------------------------------------------------------------------------
// HCL parser (hcl/parser)
// ---------------------------------------------------------------------------------------

enum PErr {
    /// `errEofToken`: ends the enclosing object list silently.
    Eof,
    F(Fault),
}

impl From<Fault> for PErr {
    fn from(f: Fault) -> Self {
        PErr::F(f)
    }
}

struct HclParser<'a> {
    sc: HclScanner<'a>,
    tok: Token,
    /// Unscanned-token flag (Go's `p.n`).
    n: bool,
    depth: usize,
}

impl<'a> HclParser<'a> {
    fn scan(&mut self) -> Token {
        if self.n {
            self.n = false;
            return self.tok.clone();
        }
        // Comments are skipped (Go collects them for the printer only).
        loop {
            self.tok = self.sc.scan();
            if self.tok.kind != Tok::Comment {
                break;
            }
        }
        self.tok.clone()
    }

    fn unscan(&mut self) {
        self.n = true;
    }

    fn object_list(&mut self, obj: bool) -> (ObjectList, Option<PErr>) {
        let mut node = ObjectList::default();
        loop {
            if obj {
                let t = self.scan();
                self.unscan();
                if t.kind == Tok::RBrace {
                    break;
                }
            }
            match self.object_item() {
                Err(PErr::Eof) => break,
                Err(e) => return (node, Some(e)),
                Ok(it) => node.items.push(it),
            }
            let t = self.scan();
            if t.kind != Tok::Comma {
                self.unscan();
            }
            // Guard against a scanner that stopped advancing (NUL bytes read as EOF).
            if self.sc.s.panic.is_some() {
                break;
            }
        }
        (node, None)
    }

    fn object_item(&mut self) -> Result<ObjectItem, PErr> {
        let (keys, mut err) = self.object_key();
        if !keys.is_empty() && matches!(err, Some(PErr::Eof)) {
            err = None;
        }
        if !keys.is_empty() && err.is_some() && self.tok.kind == Tok::RBrace {
            err = None;
            self.tok.kind = Tok::Eof;
        }
        if let Some(e) = err {
            return Err(e);
        }
        let loc = keys.first().and_then(|k| k.loc);
        let val = match self.tok.kind {
            Tok::Assign => self.object()?,
            Tok::LBrace => Node::Object(self.object_type()?),
            _ => {
                let ks: Vec<&str> = keys.iter().map(|k| k.text.as_str()).collect();
                return Err(PErr::F(Fault::pos_error(
                    self.tok.pos,
                    None,
                    format!("key '{}' expected start of object ('{{') or assignment ('=')", ks.join(" ")),
                )));
            }
        };
        // Line-comment look-ahead (scans one token and puts it back).
        self.scan();
        self.unscan();
        Ok(ObjectItem { keys, val, loc })
    }

    fn object_key(&mut self) -> (Vec<Token>, Option<PErr>) {
        let mut keys = Vec::new();
        loop {
            let tok = self.scan();
            match tok.kind {
                Tok::Eof => return (keys, Some(PErr::Eof)),
                Tok::Assign => {
                    if keys.len() > 1 {
                        return (
                            Vec::new(),
                            Some(PErr::F(Fault::pos_error(
                                tok.pos,
                                None,
                                "nested object expected: LBRACE got: ASSIGN",
                            ))),
                        );
                    }
                    if keys.is_empty() {
                        return (Vec::new(), Some(PErr::F(Fault::pos_error(tok.pos, None, "no object keys found!"))));
                    }
                    return (keys, None);
                }
                Tok::LBrace => {
                    let err = keys
                        .is_empty()
                        .then(|| PErr::F(Fault::pos_error(tok.pos, None, "expected: IDENT | STRING got: LBRACE")));
                    return (keys, err);
                }
                Tok::Ident | Tok::String => keys.push(tok),
                Tok::Illegal => return (keys, Some(PErr::F(Fault::pos_error(tok.pos, None, "illegal character")))),
                other => {
                    return (
                        keys,
                        Some(PErr::F(Fault::pos_error(
                            tok.pos,
                            None,
                            format!("expected: IDENT | STRING | ASSIGN | LBRACE got: {}", other.name()),
                        ))),
                    )
                }
            }
        }
    }

    fn object(&mut self) -> Result<Node, PErr> {
        let tok = self.scan();
        match tok.kind {
            Tok::Number | Tok::Float | Tok::Bool | Tok::String | Tok::Heredoc => Ok(Node::Literal(tok)),
            Tok::LBrace => Ok(Node::Object(self.object_type()?)),
            Tok::LBrack => Ok(Node::ListT(self.list_type()?)),
            Tok::Eof => Err(PErr::Eof),
            _ => Err(PErr::F(Fault::pos_error(tok.pos, None, format!("Unknown token: {}", tok.go_string())))),
        }
    }

    fn enter(&mut self, pos: Pos) -> Result<(), PErr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PErr::F(Fault::pos_error(pos, None, "maximum nesting depth exceeded")));
        }
        Ok(())
    }

    fn object_type(&mut self) -> Result<ObjectType, PErr> {
        let lbrace = self.tok.pos;
        self.enter(lbrace)?;
        let (list, err) = self.object_list(true);
        self.depth -= 1;
        if let Some(e) = err {
            if self.tok.kind != Tok::RBrace {
                return Err(e);
            }
        }
        let tok = self.scan();
        if tok.kind != Tok::RBrace {
            return Err(PErr::F(Fault::pos_error(
                tok.pos,
                None,
                format!("object expected closing RBRACE got: {}", tok.kind.name()),
            )));
        }
        Ok(ObjectType { lbrace, list, loc: loc_of(lbrace) })
    }

    fn list_type(&mut self) -> Result<ListType, PErr> {
        let lbrack = self.tok.pos;
        self.enter(lbrack)?;
        let r = self.list_type_inner(lbrack);
        self.depth -= 1;
        r
    }

    fn list_type_inner(&mut self, lbrack: Pos) -> Result<ListType, PErr> {
        let mut l = ListType { lbrack, list: Vec::new(), loc: loc_of(lbrack) };
        let mut need_comma = false;
        loop {
            let tok = self.scan();
            if need_comma && !matches!(tok.kind, Tok::Comma | Tok::RBrack) {
                return Err(PErr::F(Fault::pos_error(
                    tok.pos,
                    None,
                    format!("error parsing list, expected comma or list end, got: {}", tok.kind.name()),
                )));
            }
            match tok.kind {
                Tok::Bool | Tok::Number | Tok::Float | Tok::String | Tok::Heredoc => {
                    l.list.push(Node::Literal(tok));
                    need_comma = true;
                }
                Tok::Comma => {
                    self.scan();
                    self.unscan();
                    need_comma = false;
                }
                Tok::LBrace => match self.object_type() {
                    Ok(o) => {
                        l.list.push(Node::Object(o));
                        need_comma = true;
                    }
                    Err(e) => {
                        return Err(PErr::F(Fault::pos_error(
                            tok.pos,
                            None,
                            format!("error while trying to parse object within list: {}", perr_text(&e)),
                        )))
                    }
                },
                Tok::LBrack => match self.list_type() {
                    Ok(inner) => l.list.push(Node::ListT(inner)),
                    Err(e) => {
                        return Err(PErr::F(Fault::pos_error(
                            tok.pos,
                            None,
                            format!("error while trying to parse list within list: {}", perr_text(&e)),
                        )))
                    }
                },
                Tok::RBrack => return Ok(l),
                other => {
                    return Err(PErr::F(Fault::pos_error(
                        tok.pos,
                        None,
                        format!("unexpected token while parsing list: {}", other.name()),
                    )))
                }
            }
        }
    }
}

fn perr_text(e: &PErr) -> String {
    match e {
        PErr::Eof => "EOF token found".into(),
        PErr::F(f) => f.text().to_string(),
    }
}

fn finish_parse(result: (ObjectList, Option<PErr>), s: &ScanState<'_>, json: bool) -> Result<ObjectList, Fault> {
    if let Some(p) = &s.panic {
        return Err(p.clone());
    }
    if let Some((pos, msg)) = &s.error {
        return Err(if json {
            Fault::plain(format!("{pos}: {msg}"), loc_of(*pos))
        } else {
            Fault::pos_error(*pos, None, msg)
        });
    }
    match result.1 {
        None | Some(PErr::Eof) => Ok(result.0),
        Some(PErr::F(f)) => Err(f),
    }
}

fn parse_hcl(src: &str) -> Result<ObjectList, Fault> {
    // hcl.Parse normalizes CRLF line endings first.
    let src = src.replace("\r\n", "\n");
    let mut p = HclParser {
        sc: HclScanner { s: ScanState::new(&src, false) },
        tok: Token { kind: Tok::Illegal, pos: Pos::default(), text: String::new(), json: false, loc: None },
        n: false,
        depth: 0,
    };
    let r = p.object_list(false);
    finish_parse(r, &p.sc.s, false)
}

// ---------------------------------------------------------------------------------------
// JSON scanner and parser (hcl/json)
// ---------------------------------------------------------------------------------------

struct JsonScanner<'a> {
    s: ScanState<'a>,
}

impl<'a> JsonScanner<'a> {
    fn scan(&mut self) -> Token {
        let (ch, pos) = self.s.begin();
        let mut kind = Tok::Illegal;
        if is_letter(ch) {
            let lit = self.s.scan_identifier();
            if lit == "true" || lit == "false" {
                kind = Tok::Bool;
            } else if lit == "null" {
                kind = Tok::Null;
            } else {
                self.s.err("illegal char");
            }
        } else if is_decimal(ch) {
            kind = self.scan_number(ch);
        } else {
            match ch {
                EOF => kind = Tok::Eof,
                '"' => {
                    kind = Tok::String;
                    self.scan_string();
                }
                '.' => {
                    kind = Tok::Period;
                    let c = self.s.peek();
                    if is_decimal(c) {
                        kind = Tok::Float;
                        let c = self.s.scan_mantissa(c);
                        self.s.scan_exponent(c);
                    }
                }
                '[' => kind = Tok::LBrack,
                ']' => kind = Tok::RBrack,
                '{' => kind = Tok::LBrace,
                '}' => kind = Tok::RBrace,
                ',' => kind = Tok::Comma,
                ':' => kind = Tok::Colon,
                '-' => {
                    if is_decimal(self.s.peek()) {
                        let c = self.s.next();
                        kind = self.scan_number(c);
                    } else {
                        self.s.err("illegal char");
                    }
                }
                other => self.s.err(&format!("illegal char: {other}")),
            }
        }
        let mut t = self.s.finish(kind, pos);
        t.json = true;
        t
    }

    fn scan_number(&mut self, ch: char) -> Tok {
        let s = &mut self.s;
        let zero = ch == '0';
        let pos = s.src_pos;
        s.scan_mantissa(ch);
        let mut ch = s.next();
        if ch == 'e' || ch == 'E' {
            s.scan_exponent(ch);
            return Tok::Float;
        }
        if ch == '.' {
            ch = s.scan_fraction(ch);
            if ch == 'e' || ch == 'E' {
                ch = s.next();
                s.scan_exponent(ch);
            }
            return Tok::Float;
        }
        if ch != EOF {
            s.unread();
        }
        if zero && pos != s.src_pos {
            s.err("numbers cannot start with 0");
        }
        Tok::Number
    }

    fn scan_string(&mut self) {
        let s = &mut self.s;
        let mut braces = 0;
        loop {
            let ch = s.next();
            if ch == '\n' || ch == EOF {
                s.err("literal not terminated");
                return;
            }
            if ch == '"' {
                break;
            }
            if braces == 0 && ch == '$' && s.peek() == '{' {
                braces += 1;
                s.next();
            } else if braces > 0 && ch == '{' {
                braces += 1;
            }
            if braces > 0 && ch == '}' {
                braces -= 1;
            }
            if ch == '\\' {
                s.scan_escape();
            }
        }
    }
}

struct JsonParser<'a> {
    sc: JsonScanner<'a>,
    tok: Token,
    depth: usize,
}

/// The JSON parser's nodes carry no Go positions (`HCLToken()` drops them); the real
/// location is kept in `loc` for the editor.
fn strip_pos(mut t: Token) -> Token {
    t.pos = Pos::default();
    if t.kind == Tok::Null {
        t.kind = Tok::String;
        t.text = String::new();
    }
    t
}

impl<'a> JsonParser<'a> {
    fn scan(&mut self) -> Token {
        self.tok = self.sc.scan();
        self.tok.clone()
    }

    fn object_list(&mut self) -> (ObjectList, Option<PErr>) {
        let mut node = ObjectList::default();
        loop {
            match self.object_item() {
                Err(PErr::Eof) => break,
                Err(e) => return (node, Some(e)),
                Ok(it) => node.items.push(it),
            }
            if self.scan().kind != Tok::Comma {
                break;
            }
        }
        (node, None)
    }

    fn object_item(&mut self) -> Result<ObjectItem, PErr> {
        let keys = self.object_key()?;
        let loc = keys.first().and_then(|k| k.loc);
        // objectKey only returns successfully on a COLON.
        let val = self.object_value()?;
        Ok(ObjectItem { keys, val, loc })
    }

    fn object_key(&mut self) -> Result<Vec<Token>, PErr> {
        let mut keys = Vec::new();
        loop {
            let tok = self.scan();
            match tok.kind {
                Tok::Eof => return Err(PErr::Eof),
                Tok::String => keys.push(strip_pos(tok)),
                Tok::Colon => {
                    if keys.is_empty() {
                        return Err(PErr::F(Fault::plain("expected: STRING got: COLON", tok.loc)));
                    }
                    return Ok(keys);
                }
                Tok::Illegal => return Err(PErr::F(Fault::plain("illegal", tok.loc))),
                other => return Err(PErr::F(Fault::plain(format!("expected: STRING got: {}", other.name()), tok.loc))),
            }
        }
    }

    fn object_value(&mut self) -> Result<Node, PErr> {
        let tok = self.scan();
        match tok.kind {
            Tok::Number | Tok::Float | Tok::Bool | Tok::Null | Tok::String => Ok(Node::Literal(strip_pos(tok))),
            Tok::LBrace => Ok(Node::Object(self.object_type(tok.loc)?)),
            Tok::LBrack => Ok(Node::ListT(self.list_type(tok.loc)?)),
            Tok::Eof => Err(PErr::Eof),
            _ => Err(PErr::F(Fault::plain(
                format!("Expected object value, got unknown token: {}", tok.go_string()),
                tok.loc,
            ))),
        }
    }

    fn enter(&mut self, loc: Loc) -> Result<(), PErr> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PErr::F(Fault::plain("maximum nesting depth exceeded", loc)));
        }
        Ok(())
    }

    fn object_type(&mut self, loc: Loc) -> Result<ObjectType, PErr> {
        self.enter(loc)?;
        let (list, err) = self.object_list();
        self.depth -= 1;
        if let Some(e) = err {
            if self.tok.kind != Tok::RBrace {
                return Err(e);
            }
        }
        Ok(ObjectType { lbrace: Pos::default(), list, loc })
    }

    fn list_type(&mut self, loc: Loc) -> Result<ListType, PErr> {
        self.enter(loc)?;
        let r = self.list_type_inner(loc);
        self.depth -= 1;
        r
    }

    fn list_type_inner(&mut self, loc: Loc) -> Result<ListType, PErr> {
        let mut l = ListType { lbrack: Pos::default(), list: Vec::new(), loc };
        loop {
            let tok = self.scan();
            match tok.kind {
                Tok::Number | Tok::Float | Tok::String => l.list.push(Node::Literal(strip_pos(tok))),
                Tok::Comma => continue,
                Tok::LBrace => {
                    let o = self.object_type(tok.loc)?;
                    l.list.push(Node::Object(o));
                }
                // Go silently drops booleans and nested list openers here.
                Tok::Bool | Tok::LBrack => {}
                Tok::RBrack => return Ok(l),
                other => {
                    return Err(PErr::F(Fault::plain(
                        format!("unexpected token while parsing list: {}", other.name()),
                        tok.loc,
                    )))
                }
            }
        }
    }
}

fn parse_json(src: &str) -> Result<ObjectList, Fault> {
    let mut p = JsonParser {
        sc: JsonScanner { s: ScanState::new(src, true) },
        tok: Token { kind: Tok::Illegal, pos: Pos::default(), text: String::new(), json: true, loc: None },
        depth: 0,
    };
    // The root must be an object; anything after it is never scanned.
    let tok = p.scan();
    let r = match tok.kind {
        Tok::LBrace => match p.object_type(tok.loc) {
            Ok(o) => (o.list, None),
            Err(e) => (ObjectList::default(), Some(e)),
        },
        Tok::Eof => (ObjectList::default(), Some(PErr::Eof)),
        _ => (
            ObjectList::default(),
            Some(PErr::F(Fault::plain(format!("Expected object, got unknown token: {}", tok.go_string()), tok.loc))),
        ),
    };
    if let Some(PErr::Eof) = r.1 {
        // Go returns errEofToken itself from Parse here.
        if p.sc.s.error.is_none() && p.sc.s.panic.is_none() {
            return Err(Fault::plain("EOF token found", None));
        }
    }
    let mut list = finish_parse(r, &p.sc.s, true)?;
    flatten_list(&mut list);
    Ok(list)
}

// ---------------------------------------------------------------------------------------
// JSON flattening (json/parser/flatten.go) + ast.Walk order
// ---------------------------------------------------------------------------------------

fn flatten_list(list: &mut ObjectList) {
    let mut items: Vec<ObjectItem> = Vec::with_capacity(list.items.len());
    let mut frontier: Vec<ObjectItem> = std::mem::take(&mut list.items);
    while let Some(ObjectItem { keys, val, loc }) = frontier.pop() {
        match val {
            // `ot.List.Items == nil` is an empty object: the JSON parser never adds to it.
            Node::Object(ot)
                if !ot.list.items.is_empty() && ot.list.items.iter().all(|s| matches!(s.val, Node::Object(_))) =>
            {
                for sub in ot.list.items {
                    let mut k = keys.clone();
                    k.extend(sub.keys);
                    frontier.push(ObjectItem { keys: k, val: sub.val, loc });
                }
            }
            Node::ListT(lt) if !lt.list.is_empty() && lt.list.iter().all(|e| matches!(e, Node::Object(_))) => {
                for elem in lt.list {
                    frontier.push(ObjectItem { keys: keys.clone(), val: elem, loc });
                }
            }
            val => items.push(ObjectItem { keys, val, loc }),
        }
    }
    items.reverse();
    list.items = items;
    // ast.Walk then descends into the (new) items' values.
    for it in &mut list.items {
        flatten_node(&mut it.val);
    }
}

fn flatten_node(n: &mut Node) {
    match n {
        Node::Object(o) => flatten_list(&mut o.list),
        Node::ListT(l) => l.list.iter_mut().for_each(flatten_node),
        Node::List(l) => flatten_list(l),
        Node::Item(it) => flatten_node(&mut it.val),
        Node::Literal(_) => {}
    }
}

// ---------------------------------------------------------------------------------------
// Entry point: hcl.Parse
// ---------------------------------------------------------------------------------------

/// `hcl.Parse`: JSON mode when the first non-space rune is `{` (Go's `unicode.IsSpace`).
pub fn parse(src: &str) -> Result<ObjectList, Fault> {
    let first = src.chars().find(|c| !c.is_whitespace());
    if first == Some('{') {
        parse_json(src)
    } else {
        parse_hcl(src)
    }
}
