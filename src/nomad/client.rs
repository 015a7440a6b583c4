//! TEMPORARY stub until the scratch client lands.
use std::path::PathBuf; use std::time::Duration;
#[derive(Debug, Clone)]
pub struct NomadConfig { pub address: String, pub region: Option<String>, pub ca_cert: Option<PathBuf>, pub ca_path: Option<PathBuf>, pub client_cert: Option<PathBuf>, pub client_key: Option<PathBuf>, pub skip_verify: bool, pub tls_server_name: Option<String>, pub connect_timeout: Duration, pub request_timeout: Duration }
impl Default for NomadConfig { fn default() -> Self { Self { address: "http://127.0.0.1:4646".into(), region: None, ca_cert: None, ca_path: None, client_cert: None, client_key: None, skip_verify: false, tls_server_name: None, connect_timeout: Duration::from_secs(5), request_timeout: Duration::from_secs(15) } } }
#[derive(Clone)]
pub struct NomadClient { http: reqwest::Client, address: String, region: Option<String> }
impl NomadClient {
    pub fn new(c: &NomadConfig) -> Result<Self, std::io::Error> { Ok(Self { http: reqwest::Client::builder().connect_timeout(c.connect_timeout).timeout(c.request_timeout).build().map_err(std::io::Error::other)?, address: c.address.clone(), region: c.region.clone() }) }
    pub fn address(&self) -> &str { &self.address }
    pub fn region(&self) -> Option<&str> { self.region.as_deref() }
    pub async fn status_leader(&self) -> Result<String, String> {
        let r = self.http.get(format!("{}/v1/status/leader", self.address)).send().await.map_err(|e| e.to_string())?;
        if !r.status().is_success() { return Err(format!("HTTP {}", r.status())); }
        r.json::<String>().await.map_err(|e| e.to_string())
    }
}
