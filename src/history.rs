//! Raw-request history, one file per context under the XDG data dir. The format is a small
//! versioned JSON document; requests never contain credentials (the runtime adds them when
//! sending), so the file holds only what the user typed.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::msg::RawRequest;
pub use crate::msg::history::{MAX_ENTRIES, push, truncate_oldest};

/// Version of the file format, bumped on incompatible changes.
const FORMAT_VERSION: u32 = 1;

/// Why a history file could not be read or written.
#[derive(Debug, Error)]
pub enum HistoryError {
    #[error("history file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("history file is not valid: {0}")]
    Format(String),
}

#[derive(Serialize, Deserialize)]
struct HistoryFile {
    version: u32,
    /// Oldest first.
    entries: Vec<RawRequest>,
}

/// The file text for `entries` (oldest first).
pub fn encode(entries: &[RawRequest]) -> String {
    let file = HistoryFile {
        version: FORMAT_VERSION,
        entries: entries.to_vec(),
    };
    // Serialising plain strings and options cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// Parses a history file; newer format versions are refused rather than misread. The result
/// is capped at `MAX_ENTRIES`.
pub fn decode(text: &str) -> Result<Vec<RawRequest>, HistoryError> {
    let file: HistoryFile =
        serde_json::from_str(text).map_err(|e| HistoryError::Format(e.to_string()))?;
    if file.version != FORMAT_VERSION {
        return Err(HistoryError::Format(format!(
            "unsupported version {}",
            file.version
        )));
    }
    let mut entries = file.entries;
    truncate_oldest(&mut entries, MAX_ENTRIES);
    Ok(entries)
}

/// `<data_dir>/history/<context>.json`, with the context name reduced to characters that are
/// safe in a file name (contexts like `arn:aws:eks:…/prod` or `../x` stay inside the dir).
/// A name that had to change gets a hash of the original, so `a:b` and `a_b` do not share.
pub fn history_path(data_dir: &Path, context: &str) -> PathBuf {
    let safe = sanitize_file_name(context);
    let name = if safe == context {
        format!("{safe}.json")
    } else {
        format!("{safe}-{:08x}.json", fnv1a(context))
    };
    data_dir.join("history").join(name)
}

/// 32-bit FNV-1a: tiny and stable across Rust versions (unlike `DefaultHasher`).
fn fnv1a(text: &str) -> u32 {
    text.bytes().fold(0x811c_9dc5, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
    })
}

fn sanitize_file_name(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '_' | '.' => c,
            _ => '_',
        })
        .collect();
    // "." and ".." (or a hidden file) must not come out of a context name.
    let safe = safe.trim_start_matches('.');
    if safe.is_empty() {
        "_".to_string()
    } else {
        safe.to_string()
    }
}

/// Reads the history at `path`; a missing file is an empty history.
pub fn load(path: &Path) -> Result<Vec<RawRequest>, HistoryError> {
    match fs::read_to_string(path) {
        Ok(text) => decode(&text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(source) => Err(io_error(path, source)),
    }
}

/// Writes `entries` to `path` atomically (temp file + rename), creating the directory; the
/// file is readable by the owner only (0600) since bodies may hold sensitive data.
pub fn save(path: &Path, entries: &[RawRequest]) -> Result<(), HistoryError> {
    let dir = path.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| io_error(dir, e))?;
    // NamedTempFile is created 0600 on Unix.
    let mut file = tempfile::NamedTempFile::new_in(dir).map_err(|e| io_error(dir, e))?;
    file.write_all(encode(entries).as_bytes())
        .map_err(|e| io_error(path, e))?;
    file.persist(path).map_err(|e| io_error(path, e.error))?;
    Ok(())
}

fn io_error(path: &Path, source: std::io::Error) -> HistoryError {
    HistoryError::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get(url: &str) -> RawRequest {
        RawRequest {
            method: "GET".into(),
            version: "v1".into(),
            url: url.into(),
            ..RawRequest::default()
        }
    }

    #[test]
    fn push_dedupes_consecutive_and_caps() {
        let mut entries = Vec::new();
        push(&mut entries, get("pods"), 3);
        push(&mut entries, get("pods"), 3);
        assert_eq!(entries.len(), 1, "consecutive duplicate dropped");
        for url in ["a", "b", "pods", "c"] {
            push(&mut entries, get(url), 3);
        }
        let urls: Vec<_> = entries.iter().map(|e| e.url.as_str()).collect();
        assert_eq!(urls, ["b", "pods", "c"], "oldest dropped first");
    }

    #[test]
    fn file_round_trip_is_private() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = history_path(dir.path(), "kind-dev");
        assert_eq!(load(&path).expect("missing file is empty"), Vec::new());
        let mut post = get("pods");
        post.method = "POST".into();
        post.namespace = Some("shop".into());
        post.body = Some("kind: Pod\nmetadata:\n  name: x\n".into());
        let entries = vec![get("pods"), post];
        save(&path, &entries).expect("saved");
        assert_eq!(load(&path).expect("loaded"), entries);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).expect("exists").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        save(&path, &entries[..1]).expect("overwritten");
        assert_eq!(load(&path).expect("loaded").len(), 1);
    }

    #[test]
    fn bad_files_are_errors_not_panics() {
        assert!(matches!(decode("nope"), Err(HistoryError::Format(_))));
        let future = r#"{"version": 99, "entries": []}"#;
        assert!(matches!(decode(future), Err(HistoryError::Format(_))));
    }

    #[test]
    fn decode_caps_long_files() {
        let entries: Vec<_> = (0..MAX_ENTRIES + 5).map(|i| get(&i.to_string())).collect();
        let decoded = decode(&encode(&entries)).expect("valid");
        assert_eq!(decoded.len(), MAX_ENTRIES);
        assert_eq!(decoded[0].url, "5");
    }

    #[test]
    fn context_names_become_safe_file_names() {
        let dir = Path::new("/data");
        let cases = [
            ("kind-dev", "/data/history/kind-dev.json"),
            (
                "arn:aws:eks:eu-west-1:123:cluster/prod",
                "/data/history/arn_aws_eks_eu-west-1_123_cluster_prod-",
            ),
            ("../../etc/passwd", "/data/history/_.._etc_passwd-"),
            ("..", "/data/history/_-"),
            ("", "/data/history/_-"),
        ];
        for (context, want) in cases {
            let path = history_path(dir, context);
            let shown = path.to_string_lossy();
            assert!(shown.starts_with(want), "{context}: {shown}");
            assert_eq!(path.parent(), Some(Path::new("/data/history")), "{context}");
        }
        assert_eq!(
            history_path(dir, "kind-dev"),
            PathBuf::from("/data/history/kind-dev.json"),
            "safe names are kept as they are"
        );
        assert_ne!(history_path(dir, "a:b"), history_path(dir, "a_b"));
    }
}
