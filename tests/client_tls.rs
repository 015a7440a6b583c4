#![cfg(feature = "ssr")]
//! TLS settings of the client (`NOMAD_CACERT`, `NOMAD_CAPATH`, `NOMAD_CLIENT_CERT`/`KEY`,
//! `NOMAD_SKIP_VERIFY`, `NOMAD_TLS_SERVER_NAME`) against a loopback rustls HTTPS server.
//! Certificates are made at run time with the `openssl` command; without it the tests skip.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use nomad_acl_console::nomad::client::{NomadClient, NomadConfig};
use nomad_acl_console::nomad::error::NomadError;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

struct Pki {
    _dir: tempfile::TempDir,
    dir: PathBuf,
}

impl Pki {
    fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl").args(args).current_dir(dir).output().expect("run openssl");
    assert!(out.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// A CA (`ca.pem`), a second unrelated CA (`other-ca.pem`), a server certificate for
/// `server.global.nomad` (no IP SAN), and a client certificate, all EC P-256.
fn make_pki() -> Option<Pki> {
    if Command::new("openssl").arg("version").output().map(|o| !o.status.success()).unwrap_or(true) {
        eprintln!("SKIP: the openssl command is not available");
        return None;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    for ca in ["ca", "other-ca"] {
        openssl(
            &dir,
            &[
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &format!("{ca}.key"),
                "-out",
                &format!("{ca}.pem"),
                "-days",
                "2",
                "-subj",
                &format!("/CN={ca} test"),
                "-addext",
                "basicConstraints=critical,CA:TRUE",
                "-addext",
                "keyUsage=critical,keyCertSign,cRLSign",
            ],
        );
    }
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=DNS:server.global.nomad\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("client.ext"),
        "subjectAltName=DNS:cli.global.nomad\nextendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n",
    )
    .unwrap();
    for leaf in ["server", "client"] {
        openssl(
            &dir,
            &[
                "req",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-keyout",
                &format!("{leaf}.key"),
                "-out",
                &format!("{leaf}.csr"),
                "-subj",
                &format!("/CN={leaf}.global.nomad"),
            ],
        );
        openssl(
            &dir,
            &[
                "x509",
                "-req",
                "-in",
                &format!("{leaf}.csr"),
                "-CA",
                "ca.pem",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &format!("{leaf}.pem"),
                "-days",
                "2",
                "-extfile",
                &format!("{leaf}.ext"),
            ],
        );
    }
    Some(Pki { _dir: tmp, dir })
}

fn certs(path: &Path) -> Vec<CertificateDer<'static>> {
    let pem = std::fs::read(path).unwrap();
    rustls_pemfile::certs(&mut pem.as_slice()).collect::<Result<_, _>>().unwrap()
}

fn key(path: &Path) -> PrivateKeyDer<'static> {
    let pem = std::fs::read(path).unwrap();
    rustls_pemfile::private_key(&mut pem.as_slice()).unwrap().unwrap()
}

/// Starts an HTTPS server on 127.0.0.1 answering every request with `"leader:4647"`.
/// With `require_client_cert`, clients must present a certificate signed by the test CA.
fn start_server(pki: &Pki, require_client_cert: bool) -> String {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder =
        rustls::ServerConfig::builder_with_provider(provider.clone()).with_safe_default_protocol_versions().unwrap();
    let builder = if require_client_cert {
        let mut roots = rustls::RootCertStore::empty();
        for c in certs(&pki.path("ca.pem")) {
            roots.add(c).unwrap();
        }
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
        builder.with_client_cert_verifier(verifier)
    } else {
        builder.with_no_client_auth()
    };
    let config =
        Arc::new(builder.with_single_cert(certs(&pki.path("server.pem")), key(&pki.path("server.key"))).unwrap());
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(tcp) = stream else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else { return };
                let mut tls = rustls::StreamOwned::new(conn, tcp);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 2048];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = "\"leader:4647\"";
                let resp = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = tls.write_all(resp.as_bytes());
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    format!("https://127.0.0.1:{}", addr.port())
}

fn client(address: &str, f: impl FnOnce(&mut NomadConfig)) -> Result<NomadClient, NomadError> {
    let mut cfg = NomadConfig { address: address.to_string(), ..Default::default() };
    f(&mut cfg);
    NomadClient::new(&cfg)
}

#[tokio::test]
async fn tls_ca_file_with_server_name_verifies() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |c| {
        c.ca_cert = Some(pki.path("ca.pem"));
        c.tls_server_name = Some("server.global.nomad".into());
    })
    .unwrap();
    assert_eq!(c.status_leader().await.unwrap(), "leader:4647");
}

#[tokio::test]
async fn tls_host_mismatch_without_server_name_is_refused() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |c| c.ca_cert = Some(pki.path("ca.pem"))).unwrap();
    let e = c.status_leader().await.unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("certificate"), "{e}");
    eprintln!("{e}");
}

#[tokio::test]
async fn tls_wrong_server_name_is_refused() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |c| {
        c.ca_cert = Some(pki.path("ca.pem"));
        c.tls_server_name = Some("server.other.nomad".into());
    })
    .unwrap();
    assert!(c.status_leader().await.unwrap_err().is_unreachable());
}

#[tokio::test]
async fn tls_untrusted_ca_is_refused() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |c| {
        c.ca_cert = Some(pki.path("other-ca.pem"));
        c.tls_server_name = Some("server.global.nomad".into());
    })
    .unwrap();
    let e = c.status_leader().await.unwrap_err();
    assert!(e.is_unreachable(), "{e:?}");
}

#[tokio::test]
async fn tls_default_roots_do_not_trust_a_private_ca() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |_| {}).unwrap();
    assert!(c.status_leader().await.unwrap_err().is_unreachable());
}

#[tokio::test]
async fn tls_skip_verify_accepts_any_certificate() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let c = client(&addr, |c| c.skip_verify = true).unwrap();
    assert_eq!(c.status_leader().await.unwrap(), "leader:4647");
    // Even with a CA that did not sign the server certificate.
    let c = client(&addr, |c| {
        c.skip_verify = true;
        c.ca_cert = Some(pki.path("other-ca.pem"));
    })
    .unwrap();
    assert_eq!(c.status_leader().await.unwrap(), "leader:4647");
}

#[tokio::test]
async fn tls_ca_directory_is_loaded() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, false);
    let cadir = pki.path("cadir");
    std::fs::create_dir(&cadir).unwrap();
    std::fs::copy(pki.path("other-ca.pem"), cadir.join("a-other.pem")).unwrap();
    std::fs::copy(pki.path("ca.pem"), cadir.join("b-ca.pem")).unwrap();
    std::fs::write(cadir.join("README"), "not a certificate\n").unwrap();
    let c = client(&addr, |c| {
        c.ca_path = Some(cadir.clone());
        c.tls_server_name = Some("server.global.nomad".into());
    })
    .unwrap();
    assert_eq!(c.status_leader().await.unwrap(), "leader:4647");

    // The CA file wins over the directory, as in the nomad CLI.
    let c = client(&addr, |c| {
        c.ca_cert = Some(pki.path("other-ca.pem"));
        c.ca_path = Some(cadir.clone());
        c.tls_server_name = Some("server.global.nomad".into());
    })
    .unwrap();
    assert!(c.status_leader().await.is_err());
}

#[tokio::test]
async fn mtls_client_certificate_is_presented() {
    let Some(pki) = make_pki() else { return };
    let addr = start_server(&pki, true);
    let without = client(&addr, |c| {
        c.ca_cert = Some(pki.path("ca.pem"));
        c.tls_server_name = Some("server.global.nomad".into());
    })
    .unwrap();
    let e = without.status_leader().await.unwrap_err();
    assert!(e.is_transport(), "{e:?}");

    let with = client(&addr, |c| {
        c.ca_cert = Some(pki.path("ca.pem"));
        c.tls_server_name = Some("server.global.nomad".into());
        c.client_cert = Some(pki.path("client.pem"));
        c.client_key = Some(pki.path("client.key"));
    })
    .unwrap();
    assert_eq!(with.status_leader().await.unwrap(), "leader:4647");
}

#[tokio::test]
async fn unusable_pem_files_are_config_errors_naming_the_path() {
    let Some(pki) = make_pki() else { return };
    let garbage = pki.path("garbage.pem");
    std::fs::write(&garbage, "this is no PEM\n").unwrap();
    let missing = pki.path("missing.pem");

    type Case<'a> = (&'a str, Box<dyn Fn(&mut NomadConfig) + 'a>, PathBuf);
    let cases: Vec<Case> = vec![
        ("missing CA", Box::new(|c: &mut NomadConfig| c.ca_cert = Some(pki.path("missing.pem"))), missing.clone()),
        ("garbage CA", Box::new(|c: &mut NomadConfig| c.ca_cert = Some(pki.path("garbage.pem"))), garbage.clone()),
        ("key as CA", Box::new(|c: &mut NomadConfig| c.ca_cert = Some(pki.path("ca.key"))), pki.path("ca.key")),
        (
            "garbage key",
            Box::new(|c: &mut NomadConfig| {
                c.ca_cert = Some(pki.path("ca.pem"));
                c.client_cert = Some(pki.path("client.pem"));
                c.client_key = Some(pki.path("garbage.pem"));
            }),
            garbage.clone(),
        ),
        (
            "missing client cert",
            Box::new(|c: &mut NomadConfig| {
                c.client_cert = Some(pki.path("missing.pem"));
                c.client_key = Some(pki.path("client.key"));
            }),
            missing.clone(),
        ),
        (
            "missing CA dir",
            Box::new(|c: &mut NomadConfig| c.ca_path = Some(pki.path("no-such-dir"))),
            pki.path("no-such-dir"),
        ),
    ];
    for (what, f, path) in cases {
        let e = client("https://127.0.0.1:1", |c| f(c)).unwrap_err();
        assert!(e.is_config(), "{what}: {e:?}");
        assert!(e.to_string().contains(path.to_str().unwrap()), "{what}: {e}");
    }

    // Only one half of the client pair.
    let e = client("https://127.0.0.1:1", |c| c.client_key = Some(pki.path("client.key"))).unwrap_err();
    assert!(e.is_config() && e.to_string().contains("client.key"), "{e}");

    // A client certificate with a key that is not its own.
    let e = client("https://127.0.0.1:1", |c| {
        c.ca_cert = Some(pki.path("ca.pem"));
        c.client_cert = Some(pki.path("client.pem"));
        c.client_key = Some(pki.path("server.key"));
    });
    if let Err(e) = e {
        assert!(e.is_config(), "{e:?}");
    } else {
        eprintln!("note: rustls did not check that the client key matches the certificate at setup");
    }
}
