//! Links to the console's own pages, built the same way on the server (server
//! functions, redirects) and in the browser (pages), so hydration sees the same URLs.

/// Percent-encodes a query value or path segment (RFC 3986 unreserved bytes
/// kept; `/` kept too when `keep_slash`, for a local path carried in a query).
/// The same on the server and in the browser, so hydration sees the same links.
pub fn percent_encode(s: &str, keep_slash: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b'/' if keep_slash => out.push('/'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
