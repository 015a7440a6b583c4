//! Namespaces (`/v1/namespaces`, `/v1/namespace/:name`), like Go's
//! `client.Namespaces()`: list, read, upsert, delete.

use reqwest::Method;

use super::{NomadClient, QueryMeta, QueryOptions, WriteMeta, WriteOptions};
use nomad_acl_core::error::NomadError;
use nomad_acl_core::models::Namespace;

/// `GET /v1/namespaces`, `GET|PUT|DELETE /v1/namespace/:name`.
#[derive(Debug, Clone, Copy)]
pub struct Namespaces<'a> {
    client: &'a NomadClient,
}

impl<'a> Namespaces<'a> {
    pub(super) fn new(client: &'a NomadClient) -> Self {
        Namespaces { client }
    }

    /// `GET /v1/namespaces`: the namespaces the caller's policies allow (all of them for
    /// a management token; never refused for a valid token), whole, ordered by name.
    /// Honors `prefix` (name prefix) and blocking.
    pub async fn list(&self, q: &QueryOptions) -> Result<(Vec<Namespace>, QueryMeta), NomadError> {
        let (list, meta): (Option<Vec<Namespace>>, _) = self.client.query(&["namespaces"], q).await?;
        Ok((list.unwrap_or_default(), meta))
    }

    /// `GET /v1/namespace/:name`. Nomad refuses (403) a name the caller's policies do not
    /// allow before it looks the namespace up, so a 403 says nothing about existence.
    pub async fn get(&self, name: &str, q: &QueryOptions) -> Result<(Namespace, QueryMeta), NomadError> {
        self.client.query(&["namespace", name], q).await
    }

    /// `PUT /v1/namespace/:name` with the namespace as body: creates or fully replaces it
    /// (management only). Nomad answers with an empty body; its refusals of the content
    /// are 500s (`Invalid namespace "<name>": ...`), which
    /// `nomad_acl_core::validate::namespace::problems_in` places at their fields.
    pub async fn upsert(&self, namespace: &Namespace, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply(Method::PUT, &["namespace", &namespace.name], Some(namespace), w).await
    }

    /// `DELETE /v1/namespace/:name` (management only). Nomad refuses `default` and a
    /// missing namespace with 500s.
    pub async fn delete(&self, name: &str, w: &WriteOptions) -> Result<WriteMeta, NomadError> {
        self.client.write_no_reply::<()>(Method::DELETE, &["namespace", name], None, w).await
    }
}
