//! Writes a recording as it goes. Callers (the list-watch engine, the client) only queue what
//! they received; one thread scrubs, batches, compresses and writes a frame at least every
//! second, so a crash loses at most a second, and writes a keyframe now and then so a seek
//! reads one keyframe and the frames after it, not the whole file.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

use super::format::{
    FILE_HEADER_LEN, FormatError, FrameHeader, FrameKind, IndexEntry, Record, encode_index,
    file_header, footer,
};
use super::keyframe::Keyframe;
use super::scrub;

/// How often a data frame is cut; the most a crash loses.
const FLUSH_EVERY: Duration = Duration::from_secs(1);
/// A batch this big is cut early (a large relist) so memory stays bounded.
const FLUSH_BYTES: usize = 8 << 20;
/// Keyframes are at least this far apart, and only once the frames since the last one are
/// as big as it was: keyframes take at most about half of the file.
const KEYFRAME_EVERY_MS: i64 = 30_000;
/// zstd level: 3 is zstd's default, and costs little CPU at this volume.
const LEVEL: i32 = 3;

enum Cmd {
    Record(Record),
    /// Cut a frame now (synthetic recordings and tests pace frames themselves).
    Cut,
    /// Answer once everything queued before is written (a fast producer waits for the disk).
    Sync(Sender<()>),
    Finish(Sender<Result<(), String>>),
}

/// A recording being written. Cheap to share; every method only queues.
pub struct Recorder {
    tx: Sender<Cmd>,
    /// Stream ids by (context, path, query).
    ids: Mutex<HashMap<(String, String, String), u32>>,
    path: PathBuf,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.path)
            .finish()
    }
}

impl Recorder {
    /// Creates (or replaces) the file and starts the writer thread.
    pub fn create(path: &Path) -> Result<Recorder, FormatError> {
        let io = |source| FormatError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::create(path).map_err(io)?;
        file.write_all(&file_header()).map_err(io)?;
        let (tx, rx) = std::sync::mpsc::channel();
        let writer = Writer {
            file,
            offset: FILE_HEADER_LEN,
            index: Vec::new(),
            batch: Vec::new(),
            batch_times: None,
            keyframe: Keyframe::packed(),
            last_keyframe: None,
            start_bytes: None,
        };
        std::thread::Builder::new()
            .name("recorder".into())
            .spawn(move || writer.run(rx))
            .map_err(io)?;
        Ok(Recorder {
            tx,
            ids: Mutex::new(HashMap::new()),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The id of the stream of `path` with `query` in `context`, declared on first use.
    pub fn stream(&self, context: &str, path: &str, query: &str) -> u32 {
        let key = (context.to_owned(), path.to_owned(), query.to_owned());
        let Ok(mut ids) = self.ids.lock() else {
            return 0;
        };
        if let Some(id) = ids.get(&key) {
            return *id;
        }
        let id = ids.len() as u32 + 1;
        ids.insert(key, id);
        self.send(Record::Stream {
            id,
            context: context.into(),
            path: path.into(),
            query: query.into(),
        });
        id
    }

    pub fn page(&self, id: u32, first: bool, last: bool, body: &[u8]) {
        self.send(Record::Page {
            t: now_ms(),
            id,
            first,
            last,
            body: body.to_vec(),
        });
    }

    pub fn line(&self, id: u32, line: &[u8]) {
        self.send(Record::Line {
            t: now_ms(),
            id,
            line: line.to_vec(),
        });
    }

    /// A document of `context` (`/version`, discovery) as read.
    pub fn doc(&self, context: &str, path: &str, body: &[u8]) {
        self.send(Record::Doc {
            t: now_ms(),
            context: context.into(),
            path: path.into(),
            body: body.to_vec(),
        });
    }

    /// Queues a record with its own time (tests and synthetic recordings).
    pub fn push(&self, record: Record) {
        self.send(record);
    }

    /// Ends the current frame now rather than at the next second.
    pub fn cut(&self) {
        let _ = self.tx.send(Cmd::Cut);
    }

    /// Waits until everything queued so far is written.
    pub fn sync(&self) {
        let (tx, rx) = std::sync::mpsc::channel();
        if self.tx.send(Cmd::Sync(tx)).is_ok() {
            let _ = rx.recv();
        }
    }

    fn send(&self, record: Record) {
        // A writer that stopped (disk full) logged why; the app goes on without recording.
        let _ = self.tx.send(Cmd::Record(record));
    }

    /// Writes what is queued, the index and the footer. Later records are dropped.
    pub fn finish(&self) -> Result<(), FormatError> {
        let (tx, rx) = std::sync::mpsc::channel();
        let gone = || FormatError::Io {
            path: self.path.clone(),
            source: std::io::Error::other("the recording writer stopped"),
        };
        self.tx.send(Cmd::Finish(tx)).map_err(|_| gone())?;
        match rx.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(FormatError::Io {
                path: self.path.clone(),
                source: std::io::Error::other(e),
            }),
            Err(_) => Err(gone()),
        }
    }
}

pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// The writer thread's state.
struct Writer {
    file: File,
    offset: u64,
    index: Vec<IndexEntry>,
    /// Encoded records of the frame being gathered.
    batch: Vec<u8>,
    /// (first, last) record time of the batch.
    batch_times: Option<(i64, i64)>,
    keyframe: Keyframe,
    /// (time, payload bytes, file offset) of the last keyframe.
    last_keyframe: Option<(i64, u64, u64)>,
    /// Bytes written in the first 30 s (set once they have passed).
    start_bytes: Option<u64>,
}

impl Writer {
    fn run(mut self, rx: Receiver<Cmd>) {
        let mut cut_at = Instant::now() + FLUSH_EVERY;
        loop {
            let wait = cut_at.saturating_duration_since(Instant::now());
            match rx.recv_timeout(wait) {
                Ok(Cmd::Record(r)) => self.add(r),
                Ok(Cmd::Cut) => cut_at = Instant::now(),
                Ok(Cmd::Sync(reply)) => {
                    let _ = reply.send(());
                }
                Ok(Cmd::Finish(reply)) => {
                    while let Ok(cmd) = rx.try_recv() {
                        if let Cmd::Record(r) = cmd {
                            self.add(r);
                        }
                    }
                    let _ = reply.send(self.close().map_err(|e| e.to_string()));
                    return;
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    // Dropped without finish: leave it like a crash (no index), but whole.
                    let _ = self.cut();
                    return;
                }
            }
            if Instant::now() >= cut_at || self.batch.len() >= FLUSH_BYTES {
                if let Err(e) = self.cut() {
                    tracing::error!(error = %e, "recording stopped");
                    return;
                }
                cut_at = Instant::now() + FLUSH_EVERY;
            }
        }
    }

    fn add(&mut self, record: Record) {
        let record = scrub::record(record);
        if let Some(t) = record.time() {
            let (first, _) = self.batch_times.unwrap_or((t, t));
            self.batch_times = Some((first.min(t), t));
        }
        record.encode(&mut self.batch);
        self.keyframe.apply(record);
    }

    /// Writes the gathered batch as a data frame, then a keyframe when one is due.
    fn cut(&mut self) -> std::io::Result<()> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let (t_first, t_last) = self.batch_times.take().unwrap_or((0, 0));
        let batch = std::mem::take(&mut self.batch);
        self.write_frame(FrameKind::Data, &batch, t_first, t_last)?;
        let since = self
            .last_keyframe
            .map(|(t, len, at)| (t, len, self.offset - at));
        // The file's start is the first "keyframe": what the first 30 s wrote (mostly the
        // first lists) stands for its size, so a keyframe never repeats a list before as
        // many bytes of changes followed it.
        let written = self.offset - FILE_HEADER_LEN;
        if self.start_bytes.is_none() && t_last >= self.index[0].t_first + KEYFRAME_EVERY_MS {
            self.start_bytes = Some(written);
        }
        let due = match since {
            None => self.start_bytes.is_some_and(|start| written >= 2 * start),
            Some((t, len, written)) => t_last >= t + KEYFRAME_EVERY_MS && written >= len,
        };
        if due {
            let at = self.offset;
            let payload = self.keyframe.encode();
            let len = self.write_frame(FrameKind::Keyframe, &payload, t_last, t_last)?;
            self.last_keyframe = Some((t_last, len, at));
        }
        Ok(())
    }

    /// Compresses and appends one frame; returns its size on disk.
    fn write_frame(
        &mut self,
        kind: FrameKind,
        raw: &[u8],
        t_first: i64,
        t_last: i64,
    ) -> std::io::Result<u64> {
        let payload = zstd::bulk::compress(raw, LEVEL)?;
        let header = FrameHeader {
            kind,
            payload_len: payload.len() as u32,
            t_first,
            t_last,
            payload_crc: crc32fast::hash(&payload),
        };
        // One write per frame: a crash cuts at most this frame.
        let mut frame = Vec::with_capacity(32 + payload.len());
        frame.extend_from_slice(&header.encode());
        frame.extend_from_slice(&payload);
        self.file.write_all(&frame)?;
        self.file.flush()?;
        if kind != FrameKind::Index {
            self.index.push(IndexEntry {
                offset: self.offset,
                kind,
                t_first,
                t_last,
            });
        }
        self.offset += frame.len() as u64;
        Ok(frame.len() as u64)
    }

    fn close(&mut self) -> std::io::Result<()> {
        self.cut()?;
        let at = self.offset;
        let index = encode_index(&self.index);
        let (t_first, t_last) = match (self.index.first(), self.index.last()) {
            (Some(a), Some(b)) => (a.t_first, b.t_last),
            _ => (0, 0),
        };
        self.write_frame(FrameKind::Index, &index, t_first, t_last)?;
        self.file.write_all(&footer(at))?;
        self.file.sync_all()
    }
}
