//! rustls client configuration from a context's TLS material, following kubectl: a configured CA
//! replaces the system roots, `insecure-skip-tls-verify` skips certificate checks (but not the
//! handshake signature), and `tls-server-name` names the certificate to expect.

use std::sync::Arc;

use rustls::DigitallySignedStruct;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use super::KubeError;
use super::auth::TlsConfig;

/// Builds the rustls configuration (ring provider, HTTP/2 and HTTP/1.1 ALPN) for one cluster.
pub fn client_config(tls: &TlsConfig) -> Result<rustls::ClientConfig, KubeError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    if tls.insecure_skip_verify && tls.ca_pem.is_some() {
        // client-go refuses this combination too; silently preferring one would surprise.
        return Err(KubeError::Tls(
            "specifying a root certificates file with the insecure flag is not allowed".into(),
        ));
    }
    let verifier = server_verifier(tls, &provider)?;
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| KubeError::Tls(format!("TLS versions: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match (&tls.client_cert_pem, &tls.client_key_pem) {
        (Some(cert_pem), Some(key_pem)) => {
            let what = tls.origin.client_cert.as_deref();
            let certs = parse_certs(cert_pem, what.unwrap_or("client certificate"))?;
            let key = parse_key(
                &key_pem.0,
                tls.origin.client_key.as_deref().unwrap_or("client key"),
            )?;
            builder
                .with_client_auth_cert(certs, key)
                .map_err(|e| KubeError::Tls(format!("client certificate and key: {e}")))?
        }
        (None, None) => builder.with_no_client_auth(),
        (Some(_), None) => {
            return Err(KubeError::Tls(
                "client certificate given without a key".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(KubeError::Tls(
                "client key given without a certificate".into(),
            ));
        }
    };
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(config)
}

fn server_verifier(
    tls: &TlsConfig,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, KubeError> {
    if tls.insecure_skip_verify {
        return Ok(Arc::new(AcceptAnyCertificate {
            provider: provider.clone(),
        }));
    }
    let mut roots = rustls::RootCertStore::empty();
    match &tls.ca_pem {
        // kubectl trusts exactly the configured CAs, without the system roots.
        Some(pem) => {
            let what = tls.origin.ca.as_deref().unwrap_or("certificate authority");
            for cert in parse_certs(pem, what)? {
                roots
                    .add(cert)
                    .map_err(|e| KubeError::Tls(format!("{what}: {e}")))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| KubeError::Tls(format!("certificate authority: {e}")))?;
    match &tls.server_name {
        None => Ok(webpki),
        Some(name) => {
            let name = ServerName::try_from(name.clone())
                .map_err(|_| KubeError::Tls(format!("invalid tls-server-name {name:?}")))?;
            Ok(Arc::new(NamedServerVerifier {
                inner: webpki,
                name,
            }))
        }
    }
}

/// All certificates in a PEM bundle; none at all is an error.
fn parse_certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, KubeError> {
    let certs = rustls_pemfile::certs(&mut &pem[..])
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| KubeError::Tls(format!("{what}: invalid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(KubeError::Tls(format!(
            "{what}: no certificate found in PEM data"
        )));
    }
    Ok(certs)
}

/// The first private key in PEM: PKCS#1 RSA, PKCS#8 or SEC1 EC.
/// `what` names the source (file and field) for errors.
fn parse_key(pem: &[u8], what: &str) -> Result<PrivateKeyDer<'static>, KubeError> {
    // The error text of rustls-pemfile names the section, never the key bytes.
    rustls_pemfile::private_key(&mut &pem[..])
        .map_err(|e| KubeError::Tls(format!("{what}: invalid PEM: {e}")))?
        .ok_or_else(|| KubeError::Tls(format!("{what}: no private key found in PEM data")))
}

/// `tls-server-name`: validates the certificate against the configured name instead of the
/// host in the server URL (which is often an IP address).
#[derive(Debug)]
struct NamedServerVerifier {
    inner: Arc<WebPkiServerVerifier>,
    name: ServerName<'static>,
}

impl ServerCertVerifier for NamedServerVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        self.inner
            .verify_server_cert(end_entity, intermediates, &self.name, ocsp_response, now)
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

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `insecure-skip-tls-verify`: any certificate is accepted, but the handshake signature is still
/// checked so the peer must hold the key of the certificate it presents.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
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
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kube::auth::SecretBytes;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, KeyUsagePurpose};

    /// A throwaway CA with a server and a client certificate, generated per test.
    struct Pki {
        ca_pem: String,
        server_pem: String,
        server_key: KeyPair,
        client_pem: String,
        client_key_pem: String,
    }

    fn new_pki(server_name: &str) -> Pki {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA cert");
        let issuer = Issuer::from_params(&ca_params, &ca_key);
        let server_key = KeyPair::generate().expect("server key");
        let server_cert = CertificateParams::new(vec![server_name.to_string()])
            .expect("server params")
            .signed_by(&server_key, &issuer)
            .expect("server cert");
        let client_key = KeyPair::generate().expect("client key");
        let client_cert = CertificateParams::new(vec!["client".to_string()])
            .expect("client params")
            .signed_by(&client_key, &issuer)
            .expect("client cert");
        Pki {
            ca_pem: ca_cert.pem(),
            server_pem: server_cert.pem(),
            server_key,
            client_pem: client_cert.pem(),
            client_key_pem: client_key.serialize_pem(),
        }
    }

    fn tls_err(tls: &TlsConfig) -> String {
        match client_config(tls) {
            Ok(_) => panic!("expected an error"),
            Err(e) => e.to_string(),
        }
    }

    fn key(pem: &str) -> Option<SecretBytes> {
        Some(SecretBytes(Arc::new(pem.as_bytes().to_vec())))
    }

    #[test]
    fn ca_loads_and_alpn_is_set() {
        let pki = new_pki("kubernetes.internal");
        let tls = TlsConfig {
            ca_pem: Some(pki.ca_pem.into_bytes()),
            ..TlsConfig::default()
        };
        let config = client_config(&tls).expect("CA loads");
        assert_eq!(
            config.alpn_protocols,
            [b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        // No CA at all: the webpki roots.
        client_config(&TlsConfig::default()).expect("default roots");
    }

    #[test]
    fn garbage_pem_is_a_clear_error() {
        let tls = TlsConfig {
            ca_pem: Some(b"not a certificate".to_vec()),
            ..TlsConfig::default()
        };
        assert!(tls_err(&tls).contains("certificate authority: no certificate found"));
        let pki = new_pki("x");
        let tls = TlsConfig {
            client_cert_pem: Some(pki.client_pem.into_bytes()),
            client_key_pem: key("garbage"),
            ..TlsConfig::default()
        };
        assert!(tls_err(&tls).contains("client key: no private key found"));
    }

    #[test]
    fn client_identity_loads_and_mismatch_is_refused() {
        let pki = new_pki("x");
        let tls = TlsConfig {
            ca_pem: Some(pki.ca_pem.clone().into_bytes()),
            client_cert_pem: Some(pki.client_pem.clone().into_bytes()),
            client_key_pem: key(&pki.client_key_pem),
            ..TlsConfig::default()
        };
        let config = client_config(&tls).expect("identity loads");
        assert!(config.client_auth_cert_resolver.has_certs());
        let other = KeyPair::generate().expect("key").serialize_pem();
        let tls = TlsConfig {
            client_key_pem: key(&other),
            ..tls
        };
        let err = tls_err(&tls);
        assert!(err.contains("client certificate and key"), "{err}");
        assert!(!err.contains("PRIVATE KEY"), "{err}");
    }

    #[test]
    fn insecure_with_a_ca_is_refused_like_kubectl() {
        let tls = TlsConfig {
            ca_pem: Some(new_pki("x").ca_pem.into_bytes()),
            insecure_skip_verify: true,
            ..TlsConfig::default()
        };
        assert!(tls_err(&tls).contains("insecure flag is not allowed"));
    }

    /// PKCS#1 RSA and SEC1 EC keys come from openssl, which rcgen cannot write.
    #[test]
    fn pkcs1_and_sec1_keys_load() {
        let Ok(dir) = tempfile::tempdir() else {
            panic!("temp dir");
        };
        let run = |args: &[&str]| {
            std::process::Command::new("openssl")
                .args(args)
                .current_dir(dir.path())
                .output()
        };
        match run(&["version"]) {
            Ok(out) if out.status.success() => {}
            _ => {
                println!("skipped: openssl is not in PATH");
                return;
            }
        }
        let keys: [(&str, &[&str]); 2] = [
            (
                "rsa.key",
                &["genrsa", "-traditional", "-out", "rsa.key", "2048"],
            ),
            (
                "ec.key",
                &[
                    "ecparam",
                    "-name",
                    "prime256v1",
                    "-genkey",
                    "-noout",
                    "-out",
                    "ec.key",
                ],
            ),
        ];
        for (name, genkey) in keys {
            let ok = run(genkey).map(|o| o.status.success()).unwrap_or(false)
                && run(&[
                    "req",
                    "-new",
                    "-x509",
                    "-key",
                    name,
                    "-subj",
                    "/CN=client",
                    "-days",
                    "1",
                    "-out",
                    "cert.pem",
                ])
                .map(|o| o.status.success())
                .unwrap_or(false);
            if !ok {
                println!("skipped {name}: openssl could not generate it");
                continue;
            }
            let key_pem = std::fs::read_to_string(dir.path().join(name)).expect("key written");
            let marker = if name == "rsa.key" {
                "BEGIN RSA PRIVATE KEY"
            } else {
                "BEGIN EC PRIVATE KEY"
            };
            assert!(key_pem.contains(marker), "{name} has the expected format");
            let tls = TlsConfig {
                client_cert_pem: Some(std::fs::read(dir.path().join("cert.pem")).expect("cert")),
                client_key_pem: key(&key_pem),
                ..TlsConfig::default()
            };
            client_config(&tls).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }

    /// Runs a real handshake over an in-memory pipe; the client connects to `connect_to`.
    async fn handshake(
        client: rustls::ClientConfig,
        pki: &Pki,
        connect_to: &str,
    ) -> Result<(), String> {
        let server_certs =
            parse_certs(pki.server_pem.as_bytes(), "server").map_err(|e| e.to_string())?;
        let server_key = parse_key(pki.server_key.serialize_pem().as_bytes(), "server key")
            .map_err(|e| e.to_string())?;
        let server = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(server_certs, server_key)
        .map_err(|e| e.to_string())?;
        let (a, b) = tokio::io::duplex(64 * 1024);
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
        let server_task = tokio::spawn(async move { acceptor.accept(b).await.map(|_| ()) });
        let name = ServerName::try_from(connect_to.to_string()).map_err(|e| e.to_string())?;
        let result = tokio_rustls::TlsConnector::from(Arc::new(client))
            .connect(name, a)
            .await
            .map(|_| ())
            .map_err(|e| e.to_string());
        server_task.abort();
        result
    }

    #[tokio::test]
    async fn tls_server_name_and_insecure_change_verification() {
        let pki = new_pki("kubernetes.internal");
        let trusted = TlsConfig {
            ca_pem: Some(pki.ca_pem.clone().into_bytes()),
            ..TlsConfig::default()
        };
        let plain = client_config(&trusted).expect("config");
        handshake(plain.clone(), &pki, "kubernetes.internal")
            .await
            .expect("name matches");
        let err = handshake(plain, &pki, "127.0.0.1")
            .await
            .expect_err("IP not in cert");
        assert!(err.contains("certificate"), "{err}");

        let named = TlsConfig {
            server_name: Some("kubernetes.internal".into()),
            ..trusted
        };
        let config = client_config(&named).expect("config");
        handshake(config, &pki, "127.0.0.1")
            .await
            .expect("tls-server-name used");

        // Untrusted CA: refused unless insecure.
        let other = new_pki("kubernetes.internal");
        let untrusted = client_config(&TlsConfig {
            ca_pem: Some(other.ca_pem.into_bytes()),
            ..TlsConfig::default()
        })
        .expect("config");
        assert!(
            handshake(untrusted, &pki, "kubernetes.internal")
                .await
                .is_err()
        );
        let insecure = client_config(&TlsConfig {
            insecure_skip_verify: true,
            ..TlsConfig::default()
        })
        .expect("config");
        handshake(insecure, &pki, "127.0.0.1")
            .await
            .expect("insecure accepts any cert");
    }
}
