//! TEMPORARY stub until the scratch devnomad lands.
use crate::nomad::models::SecretId;
#[derive(Debug, Clone)]
pub struct DevNomadConfig { pub token_min_ttl: std::time::Duration, pub token_max_ttl: std::time::Duration, pub state_file: Option<std::path::PathBuf>, pub region: String, pub acl_enabled: bool }
impl Default for DevNomadConfig { fn default() -> Self { Self { token_min_ttl: std::time::Duration::from_secs(60), token_max_ttl: std::time::Duration::from_secs(86400), state_file: None, region: "global".into(), acl_enabled: true } } }
#[derive(Clone)]
pub struct DevNomad;
impl DevNomad {
    pub fn new(_c: DevNomadConfig) -> anyhow::Result<Self> { Ok(Self) }
    pub fn router(&self) -> axum::Router { axum::Router::new().route("/v1/status/leader", axum::routing::get(|| async { axum::Json("127.0.0.1:4647") })) }
    pub async fn serve(self, l: tokio::net::TcpListener, s: impl std::future::Future<Output = ()> + Send + 'static) -> std::io::Result<()> { axum::serve(l, self.router()).with_graceful_shutdown(s).await }
    pub async fn spawn_local(self) -> std::io::Result<String> { let l = tokio::net::TcpListener::bind("127.0.0.1:0").await?; let a = l.local_addr()?; tokio::spawn(self.serve(l, std::future::pending())); Ok(format!("http://{a}")) }
    pub fn seed_demo(&self) -> anyhow::Result<SecretId> { Ok(SecretId::new("00000000-0000-0000-0000-000000000000".into())) }
    pub fn seed_scale(&self, _t: usize, _p: usize, _r: usize) -> anyhow::Result<()> { Ok(()) }
}
