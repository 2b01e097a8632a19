//! The API's wire formats as the client reads them: list pages, watch events (one JSON object
//! a line), list and log parameters, and `/version`.

use bytes::Bytes;
use futures::{Stream, StreamExt};
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{KubeError, Status};
use super::url::encode_query_value;

/// The Accept header that asks the apiserver for a Table (as kubectl get does), falling back to
/// plain JSON where the server cannot print.
pub const TABLE_ACCEPT: &str = "application/json;as=Table;g=meta.k8s.io;v=v1,application/json";

/// A JSON `null` where a list is expected reads as an empty list (Go's nil slice: the 1.20
/// apiserver sends `"columnDefinitions": null` on every Table watch event after the first, and
/// `"rows": null` for an empty list of custom resources).
pub(crate) fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    Ok(<Option<Vec<T>> as serde::Deserialize>::deserialize(d)?.unwrap_or_default())
}

/// The `Accept` of plain JSON requests.
pub const JSON: &str = "application/json";

/// Query parameter asking for each Table row's object metadata (namespace, uid, timestamps).
pub const INCLUDE_METADATA: &str = "includeObject=Metadata";

/// Query parameter asking for each Table row's whole object (events: LAST SEEN needs more than
/// metadata to be printed again).
pub const INCLUDE_OBJECT: &str = "includeObject=Object";

/// `/version` as the apiserver reports it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VersionInfo {
    pub major: String,
    pub minor: String,
    pub git_version: String,
    pub platform: String,
}

/// One page of a list.
#[derive(Debug, Clone)]
pub struct ListPage<T> {
    pub items: Vec<T>,
    pub resource_version: String,
    /// The `continue` token for the next page; empty on the last page.
    pub continue_token: String,
    pub remaining: Option<u64>,
}

#[derive(Deserialize)]
struct ListBody<T> {
    #[serde(default)]
    metadata: ListMeta,
    #[serde(default = "Vec::new")]
    items: Vec<T>,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct ListMeta {
    resource_version: String,
    #[serde(rename = "continue")]
    continue_token: String,
    remaining_item_count: Option<u64>,
}

/// A decoded watch event.
#[derive(Debug, Clone, PartialEq)]
pub enum WatchEvent<T> {
    Added(T),
    Modified(T),
    Deleted(T),
    /// Progress marker: the resourceVersion to resume from.
    Bookmark(String),
    /// The server ended the watch with a Status (410 Expired means: relist).
    Error(Status),
}

#[derive(Deserialize)]
struct RawWatchEvent<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(borrow)]
    object: &'a serde_json::value::RawValue,
}

#[derive(Deserialize)]
struct BookmarkObject {
    #[serde(default)]
    metadata: BookmarkMeta,
}

#[derive(Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
struct BookmarkMeta {
    resource_version: String,
}

/// Decodes one line of a watch stream.
pub fn decode_watch_event<T: DeserializeOwned>(line: &[u8]) -> Result<WatchEvent<T>, String> {
    let raw: RawWatchEvent = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let object = raw.object.get();
    let decode = |s: &str| serde_json::from_str::<T>(s).map_err(|e| e.to_string());
    Ok(match raw.kind {
        "ADDED" => WatchEvent::Added(decode(object)?),
        "MODIFIED" => WatchEvent::Modified(decode(object)?),
        "DELETED" => WatchEvent::Deleted(decode(object)?),
        "BOOKMARK" => {
            let b: BookmarkObject = serde_json::from_str(object).map_err(|e| e.to_string())?;
            WatchEvent::Bookmark(b.metadata.resource_version)
        }
        "ERROR" => WatchEvent::Error(serde_json::from_str(object).map_err(|e| e.to_string())?),
        other => return Err(format!("unknown watch event type {other:?}")),
    })
}

/// Parameters of a list or watch.
#[derive(Debug, Clone, Default)]
pub struct ListParams {
    pub limit: Option<u32>,
    pub continue_token: Option<String>,
    pub label_selector: Option<String>,
    pub field_selector: Option<String>,
    pub resource_version: Option<String>,
    pub timeout_seconds: Option<u32>,
    /// Ask a watch for BOOKMARK events (progress markers to resume from).
    pub allow_watch_bookmarks: bool,
}

impl ListParams {
    /// The query string (`limit=…&continue=…`), values percent-encoded.
    pub(crate) fn query(&self) -> String {
        let mut q: Vec<String> = Vec::new();
        let mut push = |k: &str, v: &str| q.push(format!("{k}={}", encode_query_value(v)));
        if let Some(l) = self.limit {
            push("limit", &l.to_string());
        }
        if let Some(c) = self.continue_token.as_deref().filter(|c| !c.is_empty()) {
            push("continue", c);
        }
        if let Some(s) = self.label_selector.as_deref().filter(|s| !s.is_empty()) {
            push("labelSelector", s);
        }
        if let Some(s) = self.field_selector.as_deref().filter(|s| !s.is_empty()) {
            push("fieldSelector", s);
        }
        if let Some(rv) = self.resource_version.as_deref().filter(|s| !s.is_empty()) {
            push("resourceVersion", rv);
        }
        if let Some(t) = self.timeout_seconds {
            push("timeoutSeconds", &t.to_string());
        }
        if self.allow_watch_bookmarks {
            push("allowWatchBookmarks", "true");
        }
        q.join("&")
    }
}

/// Options of a pod log request.
#[derive(Debug, Clone, Default)]
pub struct LogParams {
    pub container: Option<String>,
    pub follow: bool,
    pub previous: bool,
    pub timestamps: bool,
    pub tail_lines: Option<u64>,
}

/// Decodes a list body (`{"metadata": {...}, "items": [...]}`) at `path` into a page.
pub fn decode_list<T: DeserializeOwned>(body: &[u8], path: &str) -> Result<ListPage<T>, KubeError> {
    let list: ListBody<T> = decode_json(body, path)?;
    Ok(ListPage {
        items: list.items,
        resource_version: list.metadata.resource_version,
        continue_token: list.metadata.continue_token,
        remaining: list.metadata.remaining_item_count,
    })
}

/// The list metadata of a list (or Table) body without decoding its items:
/// `(resourceVersion, continue)`. Apiservers write `metadata` before `items` (or a Table's
/// `columnDefinitions` and `rows`), so only the head is parsed; any other layout falls back to
/// a full pass that skips the items.
pub fn list_head(body: &[u8], path: &str) -> Result<(String, String), KubeError> {
    #[derive(Deserialize)]
    struct Head {
        #[serde(default)]
        metadata: Option<ListMeta>,
    }
    let head = body
        .windows(8)
        .take(4096)
        // Items of a list; column definitions or rows of a Table.
        .position(|w| w == b"\"items\":" || w == b"\"columnD" || w == b"\"rows\":[")
        .and_then(|at| {
            let mut prefix = body[..at].trim_ascii_end().to_vec();
            if prefix.last() == Some(&b',') {
                prefix.pop();
            }
            prefix.push(b'}');
            serde_json::from_slice::<Head>(&prefix).ok()
        })
        // No metadata before the items: it may come after them.
        .filter(|h| h.metadata.is_some());
    let head = match head {
        Some(h) => h,
        None => decode_json::<Head>(body, path)?,
    };
    let meta = head.metadata.unwrap_or_default();
    Ok((meta.resource_version, meta.continue_token))
}

/// Decodes a JSON body. UTF-8 is checked once for the whole body (fast), so the parser can skip
/// checking every string on its own: a third less time on a page of pods.
pub(crate) fn decode_json<T: DeserializeOwned>(body: &[u8], path: &str) -> Result<T, KubeError> {
    decode_json_borrowed(body, path)
}

/// [`decode_json`] into a type that may borrow strings from `body`.
pub(crate) fn decode_json_borrowed<'a, T: Deserialize<'a>>(
    body: &'a [u8],
    path: &str,
) -> Result<T, KubeError> {
    let error = |message: String| KubeError::Decode {
        path: super::url::strip_query(path),
        message,
    };
    let text = std::str::from_utf8(body).map_err(|e| error(format!("body is not UTF-8: {e}")))?;
    serde_json::from_str(text).map_err(|e| error(e.to_string()))
}

/// Splits a byte stream into newline-terminated lines (watch events are one JSON object a line).
pub(crate) fn lines<S, E>(stream: S) -> impl Stream<Item = Result<Bytes, E>>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
{
    futures::stream::unfold(
        (stream, bytes::BytesMut::new(), false),
        |(mut stream, mut buf, mut done)| async move {
            loop {
                if let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line = buf.split_to(pos + 1).freeze().slice(..pos);
                    if line.iter().all(u8::is_ascii_whitespace) {
                        continue;
                    }
                    return Some((Ok(line), (stream, buf, done)));
                }
                if done {
                    if buf.iter().all(u8::is_ascii_whitespace) {
                        return None;
                    }
                    // A final line without '\n' (truncated streams end here too).
                    let line = buf.split().freeze();
                    return Some((Ok(line), (stream, buf, done)));
                }
                match stream.next().await {
                    Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
                    Some(Err(e)) => return Some((Err(e), (stream, buf, true))),
                    None => done = true,
                }
            }
        },
    )
}

/// A request body typed as JSON or YAML, as the JSON the API takes. Valid JSON is kept byte for
/// byte (big numbers, key order); anything else is parsed as YAML. The error names the problem
/// in one line.
pub fn json_body(text: &str) -> Result<String, String> {
    if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() {
        return Ok(text.to_string());
    }
    let value = serde_saphyr::from_str::<serde_json::Value>(text).map_err(|e| {
        let first_line = e.to_string().lines().next().unwrap_or_default().to_string();
        format!("body is neither JSON nor YAML: {first_line}")
    })?;
    serde_json::to_string(&value).map_err(|e| format!("body cannot be sent as JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_split_across_chunks() {
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"{\"a\":1}\n{\"b\"")),
            Ok(Bytes::from_static(b":2}\n\n{\"c\":3}")),
        ];
        let got: Vec<Bytes> = lines(futures::stream::iter(chunks))
            .map(|l| l.expect("no errors in this stream"))
            .collect()
            .await;
        assert_eq!(got, vec!["{\"a\":1}", "{\"b\":2}", "{\"c\":3}"]);
    }

    #[test]
    fn watch_events_decode_including_errors_and_bookmarks() {
        #[derive(Debug, PartialEq, Deserialize)]
        struct Obj {
            metadata: serde_json::Value,
        }
        let ev: WatchEvent<Obj> =
            decode_watch_event(br#"{"type":"ADDED","object":{"metadata":{"name":"a"}}}"#)
                .expect("valid event");
        assert!(matches!(ev, WatchEvent::Added(_)));
        let ev: WatchEvent<Obj> = decode_watch_event(
            br#"{"type":"BOOKMARK","object":{"kind":"Pod","metadata":{"resourceVersion":"42"}}}"#,
        )
        .expect("valid bookmark");
        assert_eq!(ev, WatchEvent::Bookmark("42".into()));
        let ev: WatchEvent<Obj> = decode_watch_event(
            br#"{"type":"ERROR","object":{"kind":"Status","status":"Failure","message":"too old resource version: 1 (50)","reason":"Expired","code":410}}"#,
        )
        .expect("valid error");
        match ev {
            WatchEvent::Error(s) => assert_eq!(s.code, 410),
            other => panic!("expected an error event, got {other:?}"),
        }
        assert!(decode_watch_event::<Obj>(b"{\"type\":\"ADDED\"").is_err());
    }

    #[test]
    fn list_head_reads_metadata_before_or_after_items() {
        let body = br#"{"kind":"PodList","metadata":{"resourceVersion":"7","continue":"abc"},"items":[{"x":1}]}"#;
        assert_eq!(list_head(body, "/p").ok(), Some(("7".into(), "abc".into())));
        let body = br#"{"items":[],"metadata":{"resourceVersion":"8"}}"#;
        assert_eq!(
            list_head(body, "/p").ok(),
            Some(("8".into(), String::new()))
        );
        assert!(list_head(b"{", "/p").is_err());
    }

    #[test]
    fn list_params_encode_selectors() {
        let p = ListParams {
            limit: Some(500),
            continue_token: Some("abc=".into()),
            label_selector: Some("app in (a,b),tier!=db".into()),
            ..ListParams::default()
        };
        assert_eq!(
            p.query(),
            "limit=500&continue=abc%3D&labelSelector=app+in+%28a%2Cb%29%2Ctier%21%3Ddb"
        );
    }
}
