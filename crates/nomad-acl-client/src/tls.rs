//! TLS settings for the Nomad client, with the meaning of the `nomad` CLI's
//! `NOMAD_CACERT`, `NOMAD_CAPATH`, `NOMAD_CLIENT_CERT`, `NOMAD_CLIENT_KEY`,
//! `NOMAD_SKIP_VERIFY` and `NOMAD_TLS_SERVER_NAME`.
//!
//! The result is a rustls [`ClientConfig`] that the client hands to reqwest
//! (`use_preconfigured_tls`). rustls is used with the `ring` provider, given explicitly,
//! so nothing depends on a process-wide default provider being installed.

use std::fs;
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};

use nomad_acl_core::error::NomadError;

/// The TLS part of [`super::NomadConfig`], borrowed.
pub struct TlsSettings<'a> {
    pub ca_cert: Option<&'a Path>,
    pub ca_path: Option<&'a Path>,
    pub client_cert: Option<&'a Path>,
    pub client_key: Option<&'a Path>,
    pub skip_verify: bool,
    pub tls_server_name: Option<&'a str>,
}

/// How the reqwest client gets its TLS settings.
pub enum TlsSetup {
    /// Nothing configured: reqwest's defaults (its built-in web PKI roots).
    Default,
    /// Only a client certificate: reqwest's built-in roots plus this identity (PEM, cert then key).
    IdentityOnly(Vec<u8>),
    /// A full rustls configuration.
    Rustls(Box<ClientConfig>),
}

fn config_err(reason: String) -> NomadError {
    NomadError::Config { reason }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn build(s: &TlsSettings<'_>) -> Result<TlsSetup, NomadError> {
    let identity = match (s.client_cert, s.client_key) {
        (Some(cert), Some(key)) => Some((load_cert_chain(cert)?, load_private_key(key)?, cert, key)),
        (None, None) => None,
        (Some(cert), None) => {
            return Err(config_err(format!(
                "client certificate {} is set but no client key (NOMAD_CLIENT_KEY)",
                cert.display()
            )))
        }
        (None, Some(key)) => {
            return Err(config_err(format!(
                "client key {} is set but no client certificate (NOMAD_CLIENT_CERT)",
                key.display()
            )))
        }
    };

    let have_ca = s.ca_cert.is_some() || s.ca_path.is_some();
    if !have_ca && !s.skip_verify && s.tls_server_name.is_none() {
        return Ok(match identity {
            None => TlsSetup::Default,
            Some((_, _, cert, key)) => {
                // Re-read as PEM for reqwest's Identity (cert chain followed by the key).
                let mut pem = read_file(cert, "client certificate")?;
                pem.push(b'\n');
                pem.extend(read_file(key, "client key")?);
                TlsSetup::IdentityOnly(pem)
            }
        });
    }

    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| config_err(format!("TLS setup failed: {e}")))?;

    let verifier: Arc<dyn ServerCertVerifier> = if s.skip_verify {
        warn_skip_verify_once();
        Arc::new(AcceptAnyServerCert { provider: provider.clone() })
    } else {
        if !have_ca {
            // reqwest's built-in roots cannot be combined with a custom verifier here.
            return Err(config_err(
                "a TLS server name (NOMAD_TLS_SERVER_NAME) needs a CA certificate \
                 (NOMAD_CACERT or NOMAD_CAPATH)"
                    .to_string(),
            ));
        }
        let roots = load_roots(s.ca_cert, s.ca_path)?;
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| config_err(format!("cannot use the CA certificates: {e}")))?;
        match s.tls_server_name {
            Some(name) if !name.is_empty() => {
                let name = ServerName::try_from(name.to_string()).map_err(|_| {
                    config_err(format!("TLS server name {name:?} is not a valid DNS name or IP address"))
                })?;
                Arc::new(ServerNameOverride { inner: webpki, name })
            }
            _ => webpki,
        }
    };

    let builder = builder.dangerous().with_custom_certificate_verifier(verifier);
    let config = match identity {
        Some((chain, key, cert_path, key_path)) => builder.with_client_auth_cert(chain, key).map_err(|e| {
            config_err(format!(
                "client certificate {} and key {} cannot be used together: {e}",
                cert_path.display(),
                key_path.display()
            ))
        })?,
        None => builder.with_no_client_auth(),
    };
    Ok(TlsSetup::Rustls(Box::new(config)))
}

fn read_file(path: &Path, what: &str) -> Result<Vec<u8>, NomadError> {
    fs::read(path).map_err(|e| config_err(format!("cannot read {what} file {}: {e}", path.display())))
}

/// All certificates of a PEM file. `Ok(empty)` when the file holds no certificate block.
fn parse_pem_certs(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>, NomadError> {
    let bytes = read_file(path, what)?;
    rustls_pemfile::certs(&mut BufReader::new(bytes.as_slice()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| config_err(format!("invalid PEM in {what} file {}: {e}", path.display())))
}

fn load_cert_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, NomadError> {
    let chain = parse_pem_certs(path, "client certificate")?;
    if chain.is_empty() {
        return Err(config_err(format!("no PEM certificate found in client certificate file {}", path.display())));
    }
    Ok(chain)
}

fn load_private_key(path: &Path) -> Result<PrivateKeyDer<'static>, NomadError> {
    let bytes = read_file(path, "client key")?;
    match rustls_pemfile::private_key(&mut BufReader::new(bytes.as_slice())) {
        Ok(Some(key)) => Ok(key),
        Ok(None) => Err(config_err(format!(
            "no PEM private key (PKCS#8, PKCS#1 or SEC1) found in client key file {}",
            path.display()
        ))),
        Err(e) => Err(config_err(format!("invalid PEM in client key file {}: {e}", path.display()))),
    }
}

fn add_certs(store: &mut RootCertStore, certs: Vec<CertificateDer<'static>>, path: &Path) -> Result<(), NomadError> {
    for cert in certs {
        store.add(cert).map_err(|e| config_err(format!("invalid CA certificate in {}: {e}", path.display())))?;
    }
    Ok(())
}

/// Loads the trust roots. As with the `nomad` CLI (go-rootcerts), the CA file wins over the
/// CA directory when both are set.
fn load_roots(ca_cert: Option<&Path>, ca_path: Option<&Path>) -> Result<RootCertStore, NomadError> {
    let mut store = RootCertStore::empty();
    if let Some(file) = ca_cert {
        if ca_path.is_some() {
            tracing::debug!("both a CA file and a CA directory are set; using the CA file");
        }
        let certs = parse_pem_certs(file, "CA certificate")?;
        if certs.is_empty() {
            return Err(config_err(format!("no PEM certificate found in CA certificate file {}", file.display())));
        }
        add_certs(&mut store, certs, file)?;
        return Ok(store);
    }
    let dir = ca_path.expect("load_roots needs a CA file or directory");
    let entries =
        fs::read_dir(dir).map_err(|e| config_err(format!("cannot read CA directory {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| config_err(format!("cannot read CA directory {}: {e}", dir.display())))?;
        let path = entry.path();
        // Follows symlinks (OpenSSL-style hash links point at PEM files).
        if fs::metadata(&path).map(|m| m.is_file()).unwrap_or(false) {
            files.push(path);
        }
    }
    files.sort();
    for file in &files {
        let certs = parse_pem_certs(file, "CA certificate")?;
        if certs.is_empty() {
            tracing::warn!(path = %file.display(), "no PEM certificate in a file of the CA directory; skipped");
            continue;
        }
        add_certs(&mut store, certs, file)?;
    }
    if store.is_empty() {
        return Err(config_err(format!("no PEM certificate found in CA directory {}", dir.display())));
    }
    Ok(store)
}

static SKIP_VERIFY_WARNED: AtomicBool = AtomicBool::new(false);

fn warn_skip_verify_once() {
    if !SKIP_VERIFY_WARNED.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "TLS certificate verification for Nomad is disabled (NOMAD_SKIP_VERIFY): \
             the connection can be intercepted"
        );
    }
}

/// `NOMAD_SKIP_VERIFY`: accepts any server certificate (handshake signatures are still checked
/// for form by rustls, not for trust).
#[derive(Debug)]
struct AcceptAnyServerCert {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn verify_tls13_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Ok(HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider.signature_verification_algorithms.supported_schemes()
    }
}

/// `NOMAD_TLS_SERVER_NAME`: verifies the server certificate against this name instead of the
/// URL's host, as Go's `tls.Config.ServerName` does (e.g. `server.global.nomad`).
/// (The SNI sent is still the URL's host; Nomad does not route on SNI.)
#[derive(Debug)]
struct ServerNameOverride {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for ServerNameOverride {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner.verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings<'a>() -> TlsSettings<'a> {
        TlsSettings {
            ca_cert: None,
            ca_path: None,
            client_cert: None,
            client_key: None,
            skip_verify: false,
            tls_server_name: None,
        }
    }

    #[test]
    fn nothing_set_is_default() {
        assert!(matches!(build(&settings()), Ok(TlsSetup::Default)));
    }

    #[test]
    fn skip_verify_builds_rustls() {
        let mut s = settings();
        s.skip_verify = true;
        assert!(matches!(build(&s), Ok(TlsSetup::Rustls(_))));
    }

    #[test]
    fn missing_ca_file_names_the_path() {
        let mut s = settings();
        let p = Path::new("/nonexistent/ca.pem");
        s.ca_cert = Some(p);
        let err = build(&s).err().expect("must fail");
        assert!(err.is_config());
        assert!(err.to_string().contains("/nonexistent/ca.pem"), "{err}");
    }

    #[test]
    fn non_pem_ca_file_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        fs::write(&p, "hello, not a certificate\n").unwrap();
        let mut s = settings();
        s.ca_cert = Some(&p);
        let err = build(&s).err().expect("must fail");
        assert!(err.to_string().contains("no PEM certificate found"), "{err}");
        assert!(err.to_string().contains(p.to_str().unwrap()), "{err}");
    }

    #[test]
    fn broken_pem_block_names_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("ca.pem");
        fs::write(&p, "-----BEGIN CERTIFICATE-----\n!!!!not base64!!!!\n-----END CERTIFICATE-----\n").unwrap();
        let mut s = settings();
        s.ca_cert = Some(&p);
        let err = build(&s).err().expect("must fail");
        assert!(err.to_string().contains(p.to_str().unwrap()), "{err}");
    }

    #[test]
    fn cert_without_key_is_an_error() {
        let mut s = settings();
        let p = Path::new("/tmp/cert.pem");
        s.client_cert = Some(p);
        let err = build(&s).err().expect("must fail");
        assert!(err.to_string().contains("no client key"), "{err}");
    }

    #[test]
    fn server_name_without_ca_is_an_error() {
        let mut s = settings();
        s.tls_server_name = Some("server.global.nomad");
        assert!(build(&s).err().expect("must fail").is_config());
    }
}
