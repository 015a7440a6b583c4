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

/// A region name the console carries in `?region=`: letters, digits, `-`, `_` and `.`,
/// as Nomad's region names are written in practice; anything else is refused at the URL.
pub fn valid_region(name: &str) -> bool {
    !name.is_empty() && name.len() <= 128 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// What a query string (without `?`) says about the region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RegionParam {
    /// No `region=`: the default region (`NOMAD_REGION`, else the agent's).
    Default,
    Named(String),
    /// A `region=` that is no region name (markup, a path, an empty value).
    Invalid(String),
}

impl RegionParam {
    pub fn from_query(query: &str) -> Self {
        let raw = query.trim_start_matches('?').split('&').find_map(|pair| pair.strip_prefix("region="));
        match raw {
            None => RegionParam::Default,
            Some(raw) => {
                let value = percent_decode(raw);
                if valid_region(&value) {
                    RegionParam::Named(value)
                } else {
                    RegionParam::Invalid(value)
                }
            }
        }
    }

    /// The region to carry in links: a valid name only.
    pub fn named(&self) -> Option<&str> {
        match self {
            RegionParam::Named(r) => Some(r),
            _ => None,
        }
    }
}

/// `path` (a local path, maybe with a query and a fragment) with its `region=` set to
/// `region`, or removed when `None`. Other query parameters keep their order.
pub fn with_region(path: &str, region: Option<&str>) -> String {
    let (rest, fragment) = match path.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (path, None),
    };
    let (base, query) = rest.split_once('?').unwrap_or((rest, ""));
    let mut pairs: Vec<String> = query
        .split('&')
        .filter(|p| !p.is_empty() && *p != "region" && !p.starts_with("region="))
        .map(str::to_string)
        .collect();
    if let Some(r) = region.filter(|r| valid_region(r)) {
        pairs.push(format!("region={}", percent_encode(r, false)));
    }
    let mut out = base.to_string();
    if !pairs.is_empty() {
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    if let Some(fragment) = fragment {
        out.push('#');
        out.push_str(fragment);
    }
    out
}

/// Decodes `%XX` and `+` of a query value; invalid escapes stay as written.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() && s.is_char_boundary(i + 1) && s.is_char_boundary(i + 3) => {
                match u8::from_str_radix(&s[i + 1..i + 3], 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn region_param_reads_named_default_and_invalid() {
        assert_eq!(RegionParam::from_query(""), RegionParam::Default);
        assert_eq!(RegionParam::from_query("?page=2"), RegionParam::Default);
        assert_eq!(RegionParam::from_query("page=2&region=east"), RegionParam::Named("east".into()));
        assert_eq!(RegionParam::from_query("region=eu-west.1"), RegionParam::Named("eu-west.1".into()));
        assert_eq!(RegionParam::from_query("region=%3Cb%3E"), RegionParam::Invalid("<b>".into()));
        assert_eq!(RegionParam::from_query("region="), RegionParam::Invalid(String::new()));
        assert_eq!(RegionParam::from_query("region=%zz"), RegionParam::Invalid("%zz".into()));
        assert_eq!(RegionParam::from_query("region=a%2"), RegionParam::Invalid("a%2".into()));
        assert_eq!(RegionParam::from_query("xregion=east"), RegionParam::Default);
    }

    #[test]
    fn with_region_sets_replaces_and_removes() {
        assert_eq!(with_region("/tokens", Some("east")), "/tokens?region=east");
        assert_eq!(with_region("/tokens?page=2", Some("east")), "/tokens?page=2&region=east");
        assert_eq!(with_region("/tokens?region=west&page=2", Some("east")), "/tokens?page=2&region=east");
        assert_eq!(with_region("/roles/x?delete=1#delete", Some("east")), "/roles/x?delete=1&region=east#delete");
        assert_eq!(with_region("/tokens?region=west", None), "/tokens");
        assert_eq!(with_region("/tokens", Some("<b>")), "/tokens", "never an invalid name");
        assert_eq!(with_region("/", None), "/");
    }

    proptest! {
        #[test]
        fn region_round_trips_through_a_link(region in "[A-Za-z0-9._-]{1,40}", path in "/[a-z/]{0,20}", q in "[a-z=&]{0,20}") {
            let link = with_region(&format!("{path}?{q}"), Some(&region));
            let query = link.split_once('?').map(|(_, q)| q).unwrap_or("");
            prop_assert_eq!(RegionParam::from_query(query), RegionParam::Named(region.clone()));
            prop_assert_eq!(link.matches("region=").count(), 1);
        }

        #[test]
        fn any_query_is_read_without_panic(q in ".{0,200}") {
            let p = RegionParam::from_query(&q);
            if let RegionParam::Named(r) = p { prop_assert!(valid_region(&r)); }
        }
    }
}
