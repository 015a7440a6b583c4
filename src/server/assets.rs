//! The site (wasm, JS, CSS, `public/`) embedded in the binary, so it runs from
//! any directory with nothing beside it.
//!
//! cargo-leptos writes the site to `target/site`; a release build made with
//! `cargo leptos build --release -P` builds the front end first and adds `.br`
//! and `.gz` siblings, which are served as they are. The package files are served
//! under `/pkg/<content hash>/...`, so they can be cached forever: a new build
//! gets a new URL.

use std::borrow::Cow;
use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode};
use rust_embed::{EmbeddedFile, RustEmbed};

/// The embedded site's two lookups. The binary's own crate (`main.rs`) embeds the
/// files and hands them over with [`embed`]: a new front end then recompiles only
/// that small crate, not this library.
struct Site {
    get: fn(&str) -> Option<EmbeddedFile>,
    names: fn() -> Box<dyn Iterator<Item = Cow<'static, str>>>,
}

static SITE: OnceLock<Site> = OnceLock::new();

/// Serves the files of `S` (a `#[derive(RustEmbed)]` of `target/site`) from now
/// on. Called once, before the server starts; a later call changes nothing.
pub fn embed<S: RustEmbed>() {
    fn names<S: RustEmbed>() -> Box<dyn Iterator<Item = Cow<'static, str>>> {
        Box::new(S::iter())
    }
    let _ = SITE.set(Site { get: S::get, names: names::<S> });
}

impl Site {
    /// The file `name`; none before [`embed`] (a library test, a plain `cargo build`).
    fn get(name: &str) -> Option<EmbeddedFile> {
        SITE.get().and_then(|site| (site.get)(name))
    }

    fn iter() -> impl Iterator<Item = Cow<'static, str>> {
        SITE.get().map(|site| (site.names)()).into_iter().flatten()
    }
}

/// Name of the package directory inside the site (`site-pkg-dir`).
const PKG_DIR: &str = "pkg";

/// Short hash over the package files; part of their URL.
pub fn build_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| {
        let mut names: Vec<_> = Site::iter().filter(|n| n.starts_with("pkg/")).collect();
        names.sort();
        // FNV-1a over the files' SHA-256 digests (rust-embed computes them at build time).
        let mut h: u64 = 0xcbf29ce484222325;
        for name in names {
            if let Some(file) = Site::get(&name) {
                for b in file.metadata.sha256_hash() {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x100000001b3);
                }
            }
        }
        format!("{h:016x}")[..12].to_string()
    })
}

/// The `site-pkg-dir` Leptos should put in its script and style URLs.
pub fn versioned_pkg_dir() -> String {
    format!("{PKG_DIR}/{}", build_hash())
}

/// What a split build (`cargo leptos build --split`) says each lazy route needs:
/// its wasm chunks, by the route's lazy-function name, and the name of the
/// chunk loader. `None` for a build without `--split`.
///
/// Leptos reads this manifest from `site-root` on disk; the site is embedded
/// here instead, so pages read it from here (`app::routes`) to link their
/// chunks in `<head>`.
pub fn split_manifest() -> Option<&'static SplitManifest> {
    static MANIFEST: OnceLock<Option<SplitManifest>> = OnceLock::new();
    MANIFEST
        .get_or_init(|| {
            let file = Site::get(&format!("{PKG_DIR}/__wasm_split_manifest.json"))?;
            let chunks = serde_json::from_slice(&file.data).ok()?;
            let dir = format!("{PKG_DIR}/");
            let loader = Site::iter().find_map(|n| {
                n.strip_prefix(&dir).filter(|f| f.starts_with("__wasm_split") && f.ends_with(".js")).map(str::to_string)
            })?;
            Some(SplitManifest { chunks, loader })
        })
        .as_ref()
}

/// See [`split_manifest`].
#[derive(Debug)]
pub struct SplitManifest {
    pub chunks: std::collections::HashMap<String, Vec<String>>,
    pub loader: String,
}

impl SplitManifest {
    /// The chunks of the `#[lazy]` function `name` (the manifest names it
    /// `<name>_<hash of its source location>`).
    pub fn chunks_of(&self, name: &str) -> Option<&[String]> {
        self.chunks.iter().find_map(|(key, chunks)| {
            let hash = key.strip_prefix(name)?.strip_prefix('_')?;
            (!hash.is_empty() && hash.bytes().all(|b| b.is_ascii_digit())).then_some(chunks.as_slice())
        })
    }
}

/// Whether the binary carries the compiled front end (false in a plain `cargo build`).
pub fn has_frontend() -> bool {
    Site::iter().any(|n| n.ends_with(".wasm"))
}

/// Serves `path` (the URL path) from the embedded site, or `None` if there is no such file.
pub fn serve(path: &str, req_headers: &HeaderMap) -> Option<Response<Body>> {
    let path = path.trim_start_matches('/');
    if path.is_empty() || path.contains("..") {
        return None;
    }
    let (name, immutable) = match path.strip_prefix("pkg/") {
        Some(rest) => {
            let (hash, file) = rest.split_once('/')?;
            // An old hash (a page from a previous build) still gets the file, but
            // must not be cached as if it were that build's.
            (format!("{PKG_DIR}/{file}"), hash == build_hash())
        }
        None => (path.to_string(), false),
    };
    // Precompressed files are never requested directly.
    if name.ends_with(".br") || name.ends_with(".gz") {
        return None;
    }
    let file = Site::get(&name)?;
    let mime = mime_guess::from_path(&name).first_or_octet_stream();

    let accepts = |enc: &str| {
        req_headers
            .get_all(header::ACCEPT_ENCODING)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .any(|item| {
                let mut parts = item.trim().split(';');
                let coding = parts.next().unwrap_or("").trim();
                let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
                coding.eq_ignore_ascii_case(enc) && !refused
            })
    };
    let (body, encoding) =
        [("br", ".br"), ("gzip", ".gz")]
            .iter()
            .find_map(|(enc, ext)| {
                if accepts(enc) {
                    Site::get(&format!("{name}{ext}")).map(|f| (f.data, Some(*enc)))
                } else {
                    None
                }
            })
            .unwrap_or((file.data, None));

    let mut res = Response::builder()
        .status(StatusCode::OK)
        .header(header::CONTENT_TYPE, mime.as_ref())
        .header(header::VARY, "accept-encoding")
        .header(
            header::CACHE_CONTROL,
            if immutable { "public, max-age=31536000, immutable" } else { "public, max-age=3600" },
        )
        .body(Body::from(body.into_owned()))
        .ok()?;
    if let Some(enc) = encoding {
        res.headers_mut().insert(header::CONTENT_ENCODING, HeaderValue::from_static(enc));
    }
    Some(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_and_precompressed_names_are_refused() {
        let h = HeaderMap::new();
        assert!(serve("/../Cargo.toml", &h).is_none());
        assert!(serve("/pkg/x/../../secret", &h).is_none());
        assert!(serve("/pkg/abc/nomad-acl-console.wasm.br", &h).is_none());
        assert!(serve("/", &h).is_none());
    }

    #[test]
    fn a_lazy_function_s_chunks_are_found_by_its_name() {
        let m = SplitManifest {
            chunks: [
                ("policy_pages_520688407403914317".to_string(), vec!["chunk_1".to_string()]),
                ("policy_pages_extra_1".to_string(), vec!["chunk_2".to_string()]),
            ]
            .into(),
            loader: "__wasm_split.js".into(),
        };
        assert_eq!(m.chunks_of("policy_pages"), Some(&["chunk_1".to_string()][..]));
        assert_eq!(m.chunks_of("policy"), None, "a prefix of the name is not the name");
        assert_eq!(m.chunks_of("role_pages"), None);
    }

    #[test]
    fn build_hash_is_stable_and_short() {
        assert_eq!(build_hash().len(), 12);
        assert_eq!(build_hash(), build_hash());
        assert_eq!(versioned_pkg_dir(), format!("pkg/{}", build_hash()));
    }
}
