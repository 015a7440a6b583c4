//! What a server function needs from the request (server only): the session
//! and a Nomad client with its options.

use axum::http::request::Parts;
use leptos::prelude::*;

use super::error::ApiError;
use crate::links::RegionParam;
use crate::nomad::client::{NomadClient, QueryOptions, WriteOptions};
use crate::server::session::{Session, SessionKeys};

/// The request's session, or `NotSignedIn` (none, undecryptable, or ended).
pub fn session() -> Result<Session, ApiError> {
    let keys = expect_context::<SessionKeys>();
    let parts = use_context::<Parts>().ok_or(ApiError::NotSignedIn)?;
    keys.current(&parts.headers).ok_or(ApiError::NotSignedIn)
}

/// What a server function needs to call Nomad as the signed-in user: the session,
/// the client, and options carrying the session's token. Taken from the request's
/// context, so read it before the function's first `.await` (the context is gone after).
pub struct Caller {
    pub session: Session,
    pub nomad: NomadClient,
    pub query: QueryOptions,
    pub write: WriteOptions,
}

/// The signed-in caller, or `NotSignedIn`; its options name the page's region.
pub fn caller() -> Result<Caller, ApiError> {
    let session = session()?;
    let (mut query, mut write) = (query(&session), write(&session));
    if let Some(region) = region()? {
        query = query.with_region(region.clone());
        write = write.with_region(region);
    }
    Ok(Caller { nomad: nomad(), query, write, session })
}

/// The region the request's page chose with `?region=`, `None` for the default one.
pub fn region() -> Result<Option<String>, ApiError> {
    let Some(parts) = use_context::<Parts>() else { return Ok(None) };
    match region_of(&parts) {
        RegionParam::Default => Ok(None),
        RegionParam::Named(r) => Ok(Some(r)),
        RegionParam::Invalid(r) => Err(ApiError::Invalid(format!(
            "“{r}” is not a region name: the address's region= holds letters, digits, '-', '_' and '.' only."
        ))),
    }
}

/// A page's region is in its own address. A server function's is its page's: the
/// page's address the browser sends as `Referer` (same-origin only, see
/// `server::headers`), or `?region=` on the call itself.
pub fn region_of(parts: &Parts) -> RegionParam {
    let own = RegionParam::from_query(parts.uri.query().unwrap_or(""));
    if own != RegionParam::Default || !parts.uri.path().starts_with("/api/") {
        return own;
    }
    let referer = parts.headers.get(axum::http::header::REFERER).and_then(|v| v.to_str().ok()).unwrap_or("");
    match referer.split_once('?') {
        Some((_, query)) => RegionParam::from_query(query.split('#').next().unwrap_or("")),
        None => RegionParam::Default,
    }
}

/// `leptos_axum::redirect` to a page of the console, in the request's region.
pub fn redirect(path: &str) {
    let region = use_context::<Parts>().and_then(|p| region_of(&p).named().map(str::to_string));
    leptos_axum::redirect(&crate::links::with_region(path, region.as_deref()));
}

pub fn nomad() -> NomadClient {
    expect_context::<NomadClient>()
}

/// Query options carrying the session's token (the default region: see [`caller`]).
fn query(session: &Session) -> QueryOptions {
    QueryOptions::new().with_token(session.secret.clone())
}

/// Write options carrying the session's token (the default region: see [`caller`]).
fn write(session: &Session) -> WriteOptions {
    WriteOptions::new().with_token(session.secret.clone())
}

/// Results already loaded while serving this request. A server-rendered page
/// can run the same server function more than once (Leptos' async rendering
/// renders again once a resource resolves), and each run would otherwise ask
/// Nomad again; the cache lives and dies with the request.
#[derive(Clone, Default)]
pub struct RequestCache(
    std::sync::Arc<
        std::sync::Mutex<std::collections::HashMap<String, std::sync::Arc<dyn std::any::Any + Send + Sync>>>,
    >,
);

/// `load`'s result for `key`, computed once per request: callers that come
/// while it loads wait for that load instead of starting their own.
pub async fn cached<T, F>(key: String, load: F) -> T
where
    T: Clone + Send + Sync + 'static,
    F: std::future::Future<Output = T>,
{
    // Kept in the request's extensions (see `server::router`): Leptos may build
    // the page's context more than once per request, the request stays one.
    let cache = use_context::<Parts>().and_then(|p| p.extensions.get::<RequestCache>().cloned());
    let Some(cache) = cache else { return load.await };
    let cell = {
        let mut map = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map.entry(key).or_insert_with(|| std::sync::Arc::new(tokio::sync::OnceCell::<T>::new()));
        entry.clone().downcast::<tokio::sync::OnceCell<T>>()
    };
    match cell {
        Ok(cell) => cell.get_or_init(|| load).await.clone(),
        // Same key, another type: a programming error; load without caching.
        Err(_) => load.await,
    }
}

/// A browser form post without JavaScript (it accepts HTML, unlike the server fn client).
pub fn plain_form_post() -> bool {
    use_context::<axum::http::request::Parts>()
        .and_then(|p| {
            p.headers.get(axum::http::header::ACCEPT).and_then(|v| v.to_str().ok()).map(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

/// How a delete server function ends: on success at `done` (the list, which says
/// what was deleted); on failure a plain form post goes back to the confirmation
/// page `confirm` with the error (the server fn client gets the error itself).
/// `plain` is read before the call's first `.await` (see [`plain_form_post`]).
pub fn after_delete(
    outcome: Result<(), ApiError>,
    plain: bool,
    done: &str,
    confirm: &str,
    path: &str,
) -> Result<(), ApiError> {
    match outcome {
        Ok(()) => {
            redirect(done);
            Ok(())
        }
        Err(e) => {
            if plain {
                redirect(&error_url(confirm, path, &e, &[]));
            }
            Err(e)
        }
    }
}

/// `base` with the draft fields and the error the way Leptos reads it back into the
/// page's `ServerAction` (`__path`, `__err`). The draft is left out when it is large.
pub fn error_url(base: &str, path: &str, e: &ApiError, draft: &[(&str, &str)]) -> String {
    use leptos::server_fn::error::ServerFnUrlError;
    let Ok(mut url) = ServerFnUrlError::new(path, e.clone()).to_url(&format!("http://console.invalid{base}")) else {
        return base.to_string();
    };
    if draft.iter().map(|(_, v)| v.len()).sum::<usize>() < 6000 {
        let mut pairs = url.query_pairs_mut();
        for (k, v) in draft {
            pairs.append_pair(k, v);
        }
        // The draft was made from this version: saving it again must be refused again.
        if let ApiError::ChangedElsewhere(c) = e {
            pairs.append_pair("opened", &c.opened_at.to_string());
        }
    }
    match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::error_url;
    use crate::api::error::{ApiError, Conflict};

    #[test]
    fn a_conflict_brings_back_the_version_the_draft_was_made_from() {
        let conflict = Conflict::check("policy", 4, false, 7, &[("rules", true)]).unwrap_err();
        let url = error_url("/policies/p/edit", "/api/save_policy", &conflict, &[("rules", "node {}")]);
        assert!(url.starts_with("/policies/p/edit?"), "{url}");
        assert!(url.contains("&opened=4"), "{url}");
        assert!(url.contains("rules=node+%7B%7D"), "{url}");
        let other = error_url("/policies/p/edit", "/api/save_policy", &ApiError::Invalid("bad".into()), &[]);
        assert!(!other.contains("opened="), "{other}");
    }
}
