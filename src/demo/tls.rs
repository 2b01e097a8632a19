//! Certificates (a CA and a server certificate for 127.0.0.1/localhost), the bearer token and
//! the generated kubeconfig.

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
use super::identity::Identity;

/// What the server needs from certificate generation.
pub(crate) struct Certs {
    pub ca_pem: String,
    pub server_config: Arc<rustls::ServerConfig>,
    /// Signs client certificates, so the demo can serve client-certificate users too.
    pub issuer: Arc<Issuer<'static, KeyPair>>,
}

/// A certificate and its private key, both PEM (a client's or the server's).
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

/// The CA's parameters. They are the same on every start, so the CA key kept by
/// `--demo-identity` rebuilds an issuer whose signatures chain to the CA certificate kept with it.
fn ca_params() -> Result<CertificateParams, DemoError> {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(tls_err)?;
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "kr8s-tui demo CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    Ok(ca_params)
}

/// A fresh CA: its certificate and its key, both PEM.
pub(crate) fn new_ca() -> Result<(String, KeyPair), DemoError> {
    let ca_key = KeyPair::generate().map_err(tls_err)?;
    let ca_cert = ca_params()?.self_signed(&ca_key).map_err(tls_err)?;
    Ok((ca_cert.pem(), ca_key))
}

/// The issuer of the CA whose key is `ca_key_pem`.
pub(crate) fn issuer(ca_key_pem: &str) -> Result<Issuer<'static, KeyPair>, DemoError> {
    let key = KeyPair::from_pem(ca_key_pem).map_err(tls_err)?;
    Ok(Issuer::new(ca_params()?, key))
}

/// A server certificate for 127.0.0.1 and localhost signed by `issuer`.
pub(crate) fn new_server_cert(
    issuer: &Issuer<'static, KeyPair>,
) -> Result<ClientIdentity, DemoError> {
    let server_key = KeyPair::generate().map_err(tls_err)?;
    let mut params = CertificateParams::new(vec!["localhost".to_string()]).map_err(tls_err)?;
    params
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    params
        .distinguished_name
        .push(DnType::CommonName, "kr8s-tui demo apiserver");
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    let server_cert = params.signed_by(&server_key, issuer).map_err(tls_err)?;
    Ok(ClientIdentity {
        cert_pem: server_cert.pem(),
        key_pem: server_key.serialize_pem(),
    })
}

/// The first certificate of a PEM text.
pub(crate) fn first_cert(pem: &str) -> Result<CertificateDer<'static>, DemoError> {
    rustls_pemfile::certs(&mut pem.as_bytes())
        .next()
        .ok_or_else(|| DemoError::Tls("no certificate in PEM".into()))?
        .map_err(tls_err)
}

/// The TLS server for `identity`; ALPN offers h2 and http/1.1.
pub(crate) fn certs(identity: &Identity) -> Result<Certs, DemoError> {
    let issuer = issuer(&identity.ca_key_pem)?;
    let ca_cert = first_cert(&identity.ca_pem)?;
    let server_cert = first_cert(&identity.server.cert_pem)?;
    let server_key = KeyPair::from_pem(&identity.server.key_pem).map_err(tls_err)?;

    let chain = vec![server_cert, ca_cert.clone()];
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    // Client certificates are optional (tokens work too) but, when sent, must chain to the CA.
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert).map_err(tls_err)?;
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
        ca_pem: identity.ca_pem.clone(),
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

/// The kubeconfig text: cluster and user named `NAME`, a client-certificate user `NAME-cert`.
/// Contexts: `NAME` (token, namespace default), `NAME-kube-system` (token, kube-system) and
/// `NAME-cert` (client certificate). Distinct names let several servers' files merge in one
/// `KUBECONFIG` list.
fn kubeconfig_yaml(
    name: &str,
    addr: SocketAddr,
    identity: &Identity,
    token_file: Option<&Path>,
) -> String {
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let cert = &identity.user;
    let (ca, crt, key) = (
        b64(&identity.ca_pem),
        b64(&cert.cert_pem),
        b64(&cert.key_pem),
    );
    // A token file must be an absolute path: kubectl resolves relative ones against the
    // kubeconfig's directory, which may not be the file's.
    let token = match token_file {
        Some(file) => format!("tokenFile: {}", file.display()),
        None => format!("token: {}", identity.token),
    };
    format!(
        "apiVersion: v1\nkind: Config\nclusters:\n- name: {name}\n  cluster:\n    server: https://{addr}\n    certificate-authority-data: {ca}\nusers:\n- name: {name}\n  user:\n    {token}\n- name: {name}-cert\n  user:\n    client-certificate-data: {crt}\n    client-key-data: {key}\ncontexts:\n- name: {name}\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: default\n- name: {name}-cert\n  context:\n    cluster: {name}\n    user: {name}-cert\n    namespace: default\n- name: {name}-kube-system\n  context:\n    cluster: {name}\n    user: {name}\n    namespace: kube-system\ncurrent-context: {name}\n"
    )
}

/// Writes the kubeconfig with mode 0600 to `out`, or into a new temporary directory that the
/// caller must keep alive.
pub(crate) fn write_kubeconfig(
    name: &str,
    addr: SocketAddr,
    identity: &Identity,
    token_file: Option<&Path>,
    out: Option<&Path>,
) -> Result<(PathBuf, Option<tempfile::TempDir>), DemoError> {
    let (path, dir) = match out {
        Some(p) => (p.to_path_buf(), None),
        None => {
            let dir = tempfile::Builder::new().prefix("kr8s-demo").tempdir()?;
            (dir.path().join("kubeconfig"), Some(dir))
        }
    };
    write_private(
        &path,
        kubeconfig_yaml(name, addr, identity, token_file).as_bytes(),
    )?;
    Ok((path, dir))
}

/// Writes `bytes` to `path` readable by its owner only (mode 0600, also when it existed).
pub(crate) fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    // `mode` only applies to new files; an existing one is tightened too.
    #[cfg(unix)]
    file.set_permissions(std::os::unix::fs::PermissionsExt::from_mode(0o600))?;
    file.write_all(bytes)
}
