//! What makes a demo server the same cluster to its clients: the CA, the server certificate, the
//! client-certificate user and the bearer token. Throwaway by default; with `--demo-identity DIR`
//! kept in DIR and reused, as a real apiserver keeps its certificates and tokens across restarts.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::DemoError;
use super::tls::{self, ClientIdentity};

/// The secrets and certificates of one demo cluster, all PEM but the token. Not `Debug`: it
/// holds keys and the token.
pub(crate) struct Identity {
    pub ca_pem: String,
    pub ca_key_pem: String,
    pub server: ClientIdentity,
    /// The client-certificate user (`NAME-cert` in the kubeconfig).
    pub user: ClientIdentity,
    pub token: String,
}

/// The files of an identity directory, in the order they are read.
const CA_CERT: &str = "ca.crt";
const CA_KEY: &str = "ca.key";
const SERVER_CERT: &str = "server.crt";
const SERVER_KEY: &str = "server.key";
const USER_CERT: &str = "user.crt";
const USER_KEY: &str = "user.key";
const TOKEN: &str = "token";
const FILES: [&str; 7] = [
    CA_CERT,
    CA_KEY,
    SERVER_CERT,
    SERVER_KEY,
    USER_CERT,
    USER_KEY,
    TOKEN,
];

impl Identity {
    /// A fresh identity whose client-certificate user is called `user`.
    pub fn generate(user: &str) -> Result<Identity, DemoError> {
        let (ca_pem, ca_key) = tls::new_ca()?;
        let ca_key_pem = ca_key.serialize_pem();
        let issuer = tls::issuer(&ca_key_pem)?;
        Ok(Identity {
            server: tls::new_server_cert(&issuer)?,
            user: tls::issue_client_cert(&issuer, user)?,
            token: tls::random_token()?,
            ca_pem,
            ca_key_pem,
        })
    }

    /// The identity kept in `dir`, made and written there (dir 0700, files 0600) when `dir`
    /// holds none yet. Some files without the others is an error: a half identity would give
    /// clients a cluster they do not trust.
    pub fn load_or_create(dir: &Path, user: &str) -> Result<Identity, DemoError> {
        let present: Vec<&str> = FILES.into_iter().filter(|f| dir.join(f).exists()).collect();
        if present.is_empty() {
            let identity = Identity::generate(user)?;
            identity.save(dir)?;
            tracing::info!(dir = %dir.display(), "demo identity created");
            return Ok(identity);
        }
        if let Some(missing) = FILES.into_iter().find(|f| !present.contains(f)) {
            return Err(bad(
                &dir.join(missing),
                "missing while the other identity files exist",
            ));
        }
        let identity = Identity::load(dir)?;
        tracing::info!(dir = %dir.display(), "demo identity reused");
        Ok(identity)
    }

    fn load(dir: &Path) -> Result<Identity, DemoError> {
        let cert = |name: &str| -> Result<String, DemoError> {
            let path = dir.join(name);
            let pem = read(&path)?;
            tls::first_cert(&pem).map_err(|_| bad(&path, "no PEM certificate in it"))?;
            Ok(pem)
        };
        let key = |name: &str| -> Result<String, DemoError> {
            let path = dir.join(name);
            let pem = read(&path)?;
            // Checked now so a damaged key is named here, not as a TLS error later.
            rcgen::KeyPair::from_pem(&pem).map_err(|_| bad(&path, "no PEM private key in it"))?;
            Ok(pem)
        };
        let token_path = dir.join(TOKEN);
        let token = read(&token_path)?.trim().to_string();
        // Hex only, as written: the token goes into YAML and an Authorization header as is.
        if token.is_empty() || !token.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(bad(&token_path, "not a hex token"));
        }
        Ok(Identity {
            ca_pem: cert(CA_CERT)?,
            ca_key_pem: key(CA_KEY)?,
            server: ClientIdentity {
                cert_pem: cert(SERVER_CERT)?,
                key_pem: key(SERVER_KEY)?,
            },
            user: ClientIdentity {
                cert_pem: cert(USER_CERT)?,
                key_pem: key(USER_KEY)?,
            },
            token,
        })
    }

    fn save(&self, dir: &Path) -> Result<(), DemoError> {
        create_private_dir(dir)?;
        let files: [(&str, &str); 7] = [
            (CA_CERT, &self.ca_pem),
            (CA_KEY, &self.ca_key_pem),
            (SERVER_CERT, &self.server.cert_pem),
            (SERVER_KEY, &self.server.key_pem),
            (USER_CERT, &self.user.cert_pem),
            (USER_KEY, &self.user.key_pem),
            (TOKEN, &self.token),
        ];
        for (name, text) in files {
            let path = dir.join(name);
            tls::write_private(&path, text.as_bytes()).map_err(|e| bad(&path, &e.to_string()))?;
        }
        Ok(())
    }
}

fn bad(path: &Path, reason: &str) -> DemoError {
    DemoError::Identity {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    }
}

fn read(path: &Path) -> Result<String, DemoError> {
    std::fs::read_to_string(path).map_err(|e| bad(path, &e.to_string()))
}

fn create_private_dir(dir: &Path) -> Result<(), DemoError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(|e| bad(dir, &e.to_string()))?;
    // An existing directory is tightened too.
    #[cfg(unix)]
    std::fs::set_permissions(dir, std::os::unix::fs::PermissionsExt::from_mode(0o700))
        .map_err(|e| bad(dir, &e.to_string()))?;
    Ok(())
}

/// Where a server with a kept identity starts its resourceVersions: the wall clock in
/// nanoseconds. A restarted server then hands out versions greater than any of its previous
/// run (which would have had to make a billion changes a second to catch up), so a client
/// resuming a watch from an old one gets 410 Expired and relists. Unless the clock went back.
pub(crate) fn rv_base() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(1, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX / 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_kept_identity_is_private_and_the_same_on_the_next_start() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a");
        let first = Identity::load_or_create(&dir, "a-cert").unwrap();
        let again = Identity::load_or_create(&dir, "a-cert").unwrap();
        assert_eq!(first.ca_pem, again.ca_pem);
        assert_eq!(first.server.cert_pem, again.server.cert_pem);
        assert_eq!(first.user.cert_pem, again.user.cert_pem);
        assert_eq!(first.token, again.token);
        // The kept CA key still signs certificates the kept CA vouches for.
        assert!(tls::certs(&again).is_ok());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&dir), 0o700);
            for f in FILES {
                assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
            }
        }
    }

    #[test]
    fn a_damaged_or_missing_file_is_named_and_its_content_is_not_shown() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("b");
        let identity = Identity::load_or_create(&dir, "b-cert").unwrap();
        std::fs::write(dir.join(TOKEN), format!("{} not hex", identity.token)).unwrap();
        let err = Identity::load_or_create(&dir, "b-cert")
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("token") && err.contains("not a hex token"),
            "{err}"
        );
        assert!(!err.contains(&identity.token), "{err}");

        std::fs::write(dir.join(SERVER_KEY), "-----BEGIN GARBAGE-----").unwrap();
        std::fs::write(dir.join(TOKEN), &identity.token).unwrap();
        let err = Identity::load_or_create(&dir, "b-cert")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("server.key"), "{err}");

        std::fs::remove_file(dir.join(CA_CERT)).unwrap();
        let err = Identity::load_or_create(&dir, "b-cert")
            .err()
            .unwrap()
            .to_string();
        assert!(err.contains("ca.crt") && err.contains("missing"), "{err}");
    }

    #[test]
    fn a_restart_hands_out_greater_resource_versions() {
        let before = rv_base() + 1_000_000;
        std::thread::sleep(std::time::Duration::from_millis(2));
        assert!(rv_base() > before);
    }
}
