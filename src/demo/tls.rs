//! Certificates (a throwaway CA and a server certificate for 127.0.0.1/localhost), the bearer
//! token and the generated kubeconfig.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use base64::Engine;
use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

use super::DemoError;

/// What the server needs from certificate generation.
pub(crate) struct Certs {
    pub ca_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
    /// Signs client certificates, so the demo can serve client-certificate users too.
    pub issuer: Arc<Issuer<'static, KeyPair>>,
}

/// A client certificate and its private key, both PEM.
pub struct ClientIdentity {
    pub cert_pem: String,
    pub key_pem: String,
}

fn tls_err(e: impl std::fmt::Display) -> DemoError {
    DemoError::Tls(e.to_string())
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Generates a fresh CA and a server certificate signed by it; ALPN offers h2 and http/1.1.
pub(crate) fn generate() -> Result<Certs, DemoError> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "kr8s-tui demo CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).map_err(tls_err)?;
    let issuer = Issuer::new(ca_params, ca_key);

    let server_key = KeyPair::generate().map_err(tls_err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(tls_err)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(DnType::CommonName, "kr8s-tui demo apiserver");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = params.signed_by(&server_key, &issuer).map_err(tls_err)?;

    let chain = vec![server_cert.der().clone(), ca_cert.der().clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    // Client certificates are optional (tokens work too) but, when sent, must chain to the CA.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert.der().clone()).map_err(tls_err)?;
    let verifier =
        rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
            .allow_unauthenticated()
            .build()
            .map_err(tls_err)?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_client_cert_verifier(verifier)
        .with_single_cert(chain, key)
        .map_err(tls_err)?;
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(Certs {
        ca_pem: ca_cert.pem(),
        server_config: Arc::new(config),
        issuer: Arc::new(issuer),
    })
}

/// Issues a client certificate for user `name`, signed by the demo CA.
pub(crate) fn issue_client_cert(
    issuer: &Issuer<'static, KeyPair>,
    name: &str,
) -> Result<ClientIdentity, DemoError> {
    let key = KeyPair::generate().map_err(tls_err)?;
    let mut params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    params.distinguished_name.push(DnType::CommonName, name);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    let cert = params.signed_by(&key, issuer).map_err(tls_err)?;
    Ok(ClientIdentity {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

/// A client configuration trusting only `ca_pem`.
pub(crate) fn client_config(ca_pem: &str) -> Result<rustls::ClientConfig, DemoError> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in rustls_pemfile::certs(&mut ca_pem.as_bytes()) {
        let cert: CertificateDer<'static> = cert?;
        roots.add(cert).map_err(tls_err)?;
    }
    Ok(rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(tls_err)?
        .with_root_certificates(roots)
        .with_no_client_auth())
}

/// 48 random hex characters from the TLS provider's secure random source.
pub(crate) fn random_token() -> Result<String, DemoError> {
    let mut bytes = [0u8; 24];
    rustls::crypto::ring::default_provider()
        .secure_random
        .fill(&mut bytes)
        .map_err(|_| DemoError::Tls("no secure random source".into()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// The kubeconfig text: cluster, user and context named `demo`.
/// Contexts: `demo` (token, namespace default), `demo-kube-system` (token, kube-system) and
/// `demo-cert` (client certificate).
fn kubeconfig_yaml(addr: SocketAddr, ca_pem: &str, token: &str, cert: &ClientIdentity) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let (ca, crt, key) = (b64(ca_pem), b64(&cert.cert_pem), b64(&cert.key_pem));
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: demo\n  cluster:\n    server: https://{addr}\n    certificate-authority-data: {ca}\nusers:\n- name: demo\n  user:\n    token: {token}\n- name: demo-cert\n  user:\n    client-certificate-data: {crt}\n    client-key-data: {key}\ncontexts:\n- name: demo\n  context:\n    cluster: demo\n    user: demo\n    namespace: default\n- name: demo-cert\n  context:\n    cluster: demo\n    user: demo-cert\n    namespace: default\n- name: demo-kube-system\n  context:\n    cluster: demo\n    user: demo\n    namespace: kube-system\ncurrent-context: demo\n"
    )
}

/// Writes the kubeconfig with mode 0600 to `out`, or into a new temporary directory that the
/// caller must keep alive.
pub(crate) fn write_kubeconfig(
    addr: SocketAddr,
    ca_pem: &str,
    token: &str,
    cert: &ClientIdentity,
    out: Option<&Path>,
) -> Result<(PathBuf, Option<tempfile::TempDir>), DemoError> {
    let (path, dir) = match out {
        Some(p) => (p.to_path_buf(), None),
        None => {
            let dir = tempfile::Builder::new().prefix("kr8s-demo").tempdir()?;
            (dir.path().join("kubeconfig"), Some(dir))
        }
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    // `mode` only applies to new files; an existing one is tightened too.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(kubeconfig_yaml(addr, ca_pem, token, cert).as_bytes())?;
    Ok((path, dir))
}
