//! The bearer tokens the demo accepts. One fixed token, unless `--demo-token-file` names a file:
//! then the kubeconfig's token user reads its token from there (`tokenFile:`), and the chaos
//! schedule can rotate it as a kubelet rotates a projected service-account token: the new token
//! is written to the file and the old one expires shortly after.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{PoisonError, RwLock};
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};

use super::DemoError;
use super::tls::{random_token, write_private};

/// The accepted tokens and the file clients read the current one from.
pub(crate) struct Tokens {
    file: Option<PathBuf>,
    accepted: RwLock<Accepted>,
    /// Requests refused because their token had been rotated away.
    expired_uses: AtomicU64,
    rotations: AtomicU64,
}

struct Accepted {
    current: String,
    /// The token before the last rotation, accepted until the instant given.
    old: Option<(String, Instant)>,
}

impl Tokens {
    /// Accepts `token`; with a file, writes it there (mode 0600) for clients to read.
    pub fn new(token: String, file: Option<PathBuf>) -> Result<Tokens, DemoError> {
        if let Some(path) = &file {
            replace_file(path, &token)?;
        }
        Ok(Tokens {
            file,
            accepted: RwLock::new(Accepted {
                current: token,
                old: None,
            }),
            expired_uses: AtomicU64::new(0),
            rotations: AtomicU64::new(0),
        })
    }

    /// The file clients read the token from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// Whether the request carries a token the server accepts now.
    pub fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(given) = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
        else {
            return false;
        };
        let accepted = self.accepted.read().unwrap_or_else(PoisonError::into_inner);
        if same(given, &accepted.current) {
            return true;
        }
        match &accepted.old {
            Some((old, until)) if same(given, old) => {
                let valid = Instant::now() < *until;
                if !valid {
                    self.expired_uses.fetch_add(1, Ordering::Relaxed);
                }
                valid
            }
            _ => false,
        }
    }

    /// Writes a new token to the file and lets the current one expire after `grace`. False
    /// (and nothing changes) without a file: clients with the token inline could not follow.
    pub fn rotate(&self, grace: Duration) -> Result<bool, DemoError> {
        let Some(path) = &self.file else {
            return Ok(false);
        };
        let next = random_token()?;
        // The file first: a client refused with the old token must find the new one there.
        let mut accepted = self
            .accepted
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        replace_file(path, &next)?;
        let old = std::mem::replace(&mut accepted.current, next);
        accepted.old = Some((old, Instant::now() + grace));
        self.rotations.fetch_add(1, Ordering::Relaxed);
        tracing::debug!("demo token rotated");
        Ok(true)
    }

    /// (rotations, requests refused with a rotated-away token).
    pub fn counts(&self) -> (u64, u64) {
        (
            self.rotations.load(Ordering::Relaxed),
            self.expired_uses.load(Ordering::Relaxed),
        )
    }
}

/// Length and every byte compared, so timing says little about the token.
fn same(given: &str, token: &str) -> bool {
    given.len() == token.len()
        && given
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// Replaces the file's content at once (write beside it, then rename), so a reader never sees
/// it half written or empty.
fn replace_file(path: &Path, token: &str) -> Result<(), DemoError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".new");
    let tmp = PathBuf::from(tmp);
    write_private(&tmp, format!("{token}\n").as_bytes())?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bearer(token: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            format!("Bearer {token}").parse().unwrap(),
        );
        h
    }

    #[test]
    fn a_rotated_token_is_written_and_the_old_one_expires_after_its_grace() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("token");
        let tokens = Tokens::new("aaaa".into(), Some(path.clone())).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap().trim(), "aaaa");
        assert!(tokens.authorized(&bearer("aaaa")));
        assert!(!tokens.authorized(&bearer("bbbb")));

        assert!(tokens.rotate(Duration::from_secs(60)).unwrap());
        let new = std::fs::read_to_string(&path).unwrap().trim().to_string();
        assert_ne!(new, "aaaa");
        assert!(tokens.authorized(&bearer(&new)));
        assert!(tokens.authorized(&bearer("aaaa")), "still within its grace");

        assert!(tokens.rotate(Duration::ZERO).unwrap());
        assert!(!tokens.authorized(&bearer(&new)), "expired at once");
        assert!(!tokens.authorized(&bearer("aaaa")), "two rotations ago");
        assert_eq!(tokens.counts(), (2, 1));
    }

    #[test]
    fn without_a_file_the_token_never_rotates() {
        let tokens = Tokens::new("aaaa".into(), None).unwrap();
        assert!(!tokens.rotate(Duration::ZERO).unwrap());
        assert!(tokens.authorized(&bearer("aaaa")));
        assert_eq!(tokens.counts(), (0, 0));
    }
}
