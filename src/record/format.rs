//! The recording file: a 16-byte header (magic, format version), then frames. A frame is a
//! 32-byte uncompressed header (kind, payload length, time range, checksums) and a zstd
//! payload of [`Record`]s. A clean close appends an index frame and a 16-byte footer that
//! points at it; without them (a crash) the index is rebuilt by hopping frame headers.

use std::path::PathBuf;

/// First bytes of every recording.
pub const MAGIC: &[u8; 8] = b"KR8SREC\0";
/// The format this build writes and the newest it reads.
pub const VERSION: u32 = 1;
pub const FILE_HEADER_LEN: u64 = 16;
pub const FRAME_HEADER_LEN: u64 = 32;
/// The footer's magic; the footer is the file's last 16 bytes after a clean close.
pub const FOOTER_MAGIC: &[u8; 8] = b"KR8SIDX\0";
pub const FOOTER_LEN: u64 = 16;
const FRAME_MAGIC: &[u8; 2] = b"FR";
/// A frame header claiming more than this is corrupt, not large.
pub const MAX_PAYLOAD: u32 = 1 << 30;

/// Why a recording cannot be read. Every variant names the byte offset of the problem.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("not a kr8s-tui recording (bad magic at byte 0)")]
    NotARecording,
    #[error(
        "recording format version {found} is newer than this kr8s-tui reads ({VERSION}): upgrade kr8s-tui (byte 8)"
    )]
    NewerVersion { found: u32 },
    #[error("recording truncated at byte {offset}: {what}")]
    Truncated { offset: u64, what: String },
    #[error("recording corrupted at byte {offset}: {what}")]
    Corrupt { offset: u64, what: String },
}

/// What a frame holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FrameKind {
    /// Records received during the frame's time range.
    Data = 1,
    /// The full recorded state of every stream at the frame's time: a seek starts here.
    Keyframe = 2,
    /// The list of frames, written on a clean close.
    Index = 3,
}

impl FrameKind {
    fn from_u8(b: u8) -> Option<FrameKind> {
        match b {
            1 => Some(FrameKind::Data),
            2 => Some(FrameKind::Keyframe),
            3 => Some(FrameKind::Index),
            _ => None,
        }
    }
}

/// A frame header; times are milliseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameHeader {
    pub kind: FrameKind,
    pub payload_len: u32,
    pub t_first: i64,
    pub t_last: i64,
    pub payload_crc: u32,
}

impl FrameHeader {
    pub fn encode(&self) -> [u8; FRAME_HEADER_LEN as usize] {
        let mut b = [0u8; FRAME_HEADER_LEN as usize];
        b[0..2].copy_from_slice(FRAME_MAGIC);
        b[2] = self.kind as u8;
        b[4..8].copy_from_slice(&self.payload_len.to_le_bytes());
        b[8..16].copy_from_slice(&self.t_first.to_le_bytes());
        b[16..24].copy_from_slice(&self.t_last.to_le_bytes());
        b[24..28].copy_from_slice(&self.payload_crc.to_le_bytes());
        let crc = crc32fast::hash(&b[0..28]);
        b[28..32].copy_from_slice(&crc.to_le_bytes());
        b
    }

    /// Checks magic, checksum and kind; `offset` is where the header starts, for errors.
    pub fn decode(b: &[u8; FRAME_HEADER_LEN as usize], offset: u64) -> Result<Self, FormatError> {
        let corrupt = |what: &str| FormatError::Corrupt {
            offset,
            what: what.into(),
        };
        if &b[0..2] != FRAME_MAGIC {
            return Err(corrupt("no frame header here"));
        }
        if crc32fast::hash(&b[0..28]) != u32_at(b, 28) {
            return Err(corrupt("frame header checksum mismatch"));
        }
        let kind = FrameKind::from_u8(b[2]).ok_or_else(|| corrupt("unknown frame kind"))?;
        let payload_len = u32_at(b, 4);
        if payload_len > MAX_PAYLOAD {
            return Err(corrupt("frame length out of range"));
        }
        Ok(FrameHeader {
            kind,
            payload_len,
            t_first: i64_at(b, 8),
            t_last: i64_at(b, 16),
            payload_crc: u32_at(b, 24),
        })
    }
}

pub fn file_header() -> [u8; FILE_HEADER_LEN as usize] {
    let mut b = [0u8; FILE_HEADER_LEN as usize];
    b[0..8].copy_from_slice(MAGIC);
    b[8..12].copy_from_slice(&VERSION.to_le_bytes());
    b
}

/// Checks the file header: magic and a version this build reads.
pub fn check_file_header(b: &[u8]) -> Result<(), FormatError> {
    if b.len() < FILE_HEADER_LEN as usize {
        if !MAGIC.starts_with(&b[..b.len().min(8)]) {
            return Err(FormatError::NotARecording);
        }
        return Err(FormatError::Truncated {
            offset: b.len() as u64,
            what: "the file ends inside its 16-byte header".into(),
        });
    }
    if &b[0..8] != MAGIC {
        return Err(FormatError::NotARecording);
    }
    let found = u32_at(b, 8);
    if found > VERSION || found == 0 {
        return Err(FormatError::NewerVersion { found });
    }
    Ok(())
}

pub fn footer(index_offset: u64) -> [u8; FOOTER_LEN as usize] {
    let mut b = [0u8; FOOTER_LEN as usize];
    b[0..8].copy_from_slice(FOOTER_MAGIC);
    b[8..16].copy_from_slice(&index_offset.to_le_bytes());
    b
}

/// The index offset a footer points at, if these 16 bytes are a footer.
pub fn read_footer(b: &[u8; FOOTER_LEN as usize]) -> Option<u64> {
    (&b[0..8] == FOOTER_MAGIC).then(|| u64_at(b, 8))
}

/// One frame's place in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    pub offset: u64,
    pub kind: FrameKind,
    pub t_first: i64,
    pub t_last: i64,
}

const INDEX_ENTRY_LEN: usize = 25;

pub fn encode_index(entries: &[IndexEntry]) -> Vec<u8> {
    let mut out = Vec::with_capacity(entries.len() * INDEX_ENTRY_LEN);
    for e in entries {
        out.extend_from_slice(&e.offset.to_le_bytes());
        out.push(e.kind as u8);
        out.extend_from_slice(&e.t_first.to_le_bytes());
        out.extend_from_slice(&e.t_last.to_le_bytes());
    }
    out
}

pub fn decode_index(b: &[u8], offset: u64) -> Result<Vec<IndexEntry>, FormatError> {
    let corrupt = |what: &str| FormatError::Corrupt {
        offset,
        what: what.into(),
    };
    if b.len() % INDEX_ENTRY_LEN != 0 {
        return Err(corrupt("index length is not whole entries"));
    }
    b.chunks_exact(INDEX_ENTRY_LEN)
        .map(|c| {
            Ok(IndexEntry {
                offset: u64_at(c, 0),
                kind: FrameKind::from_u8(c[8]).ok_or_else(|| corrupt("unknown kind in index"))?,
                t_first: i64_at(c, 9),
                t_last: i64_at(c, 17),
            })
        })
        .collect()
}

/// What a payload holds, in the order it was received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// Declares stream `id`: one list-watch of `path` with `query` (selectors only; never
    /// tokens, continue tokens or resourceVersions) in `context`.
    Stream {
        id: u32,
        context: String,
        path: String,
        query: String,
    },
    /// A list page as received; `first` starts a (re)list, `last` ends it.
    Page {
        t: i64,
        id: u32,
        first: bool,
        last: bool,
        body: Vec<u8>,
    },
    /// One watch line as received.
    Line { t: i64, id: u32, line: Vec<u8> },
    /// A document read once or now and then (`/version`, discovery) of `context`.
    Doc {
        t: i64,
        context: String,
        path: String,
        body: Vec<u8>,
    },
}

impl Record {
    pub fn encode(&self, out: &mut Vec<u8>) {
        match self {
            Record::Stream {
                id,
                context,
                path,
                query,
            } => {
                out.push(1);
                out.extend_from_slice(&id.to_le_bytes());
                put_bytes(out, context.as_bytes());
                put_bytes(out, path.as_bytes());
                put_bytes(out, query.as_bytes());
            }
            Record::Page {
                t,
                id,
                first,
                last,
                body,
            } => {
                out.push(2);
                out.extend_from_slice(&t.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                out.push(u8::from(*first) | (u8::from(*last) << 1));
                put_bytes(out, body);
            }
            Record::Line { t, id, line } => {
                out.push(3);
                out.extend_from_slice(&t.to_le_bytes());
                out.extend_from_slice(&id.to_le_bytes());
                put_bytes(out, line);
            }
            Record::Doc {
                t,
                context,
                path,
                body,
            } => {
                out.push(4);
                out.extend_from_slice(&t.to_le_bytes());
                put_bytes(out, context.as_bytes());
                put_bytes(out, path.as_bytes());
                put_bytes(out, body);
            }
        }
    }

    /// Decodes every record of a payload; `offset` is the frame's, for errors.
    pub fn decode_all(mut b: &[u8], offset: u64) -> Result<Vec<Record>, FormatError> {
        let mut out = Vec::new();
        while !b.is_empty() {
            let mut r = Cursor { b, offset };
            out.push(r.record()?);
            b = r.b;
        }
        Ok(out)
    }

    /// When it was received (`None` for declarations).
    pub fn time(&self) -> Option<i64> {
        match self {
            Record::Stream { .. } => None,
            Record::Page { t, .. } | Record::Line { t, .. } | Record::Doc { t, .. } => Some(*t),
        }
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Reads records from a decompressed payload; any short read is a corrupt frame.
struct Cursor<'a> {
    b: &'a [u8],
    offset: u64,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], FormatError> {
        if self.b.len() < n {
            return Err(FormatError::Corrupt {
                offset: self.offset,
                what: "a record runs past the end of its frame".into(),
            });
        }
        let (head, rest) = self.b.split_at(n);
        self.b = rest;
        Ok(head)
    }
    fn u32(&mut self) -> Result<u32, FormatError> {
        Ok(u32_at(self.take(4)?, 0))
    }
    fn i64(&mut self) -> Result<i64, FormatError> {
        Ok(i64_at(self.take(8)?, 0))
    }
    fn bytes(&mut self) -> Result<Vec<u8>, FormatError> {
        let n = self.u32()? as usize;
        Ok(self.take(n)?.to_vec())
    }
    fn string(&mut self) -> Result<String, FormatError> {
        let offset = self.offset;
        String::from_utf8(self.bytes()?).map_err(|_| FormatError::Corrupt {
            offset,
            what: "a name is not UTF-8".into(),
        })
    }
    fn record(&mut self) -> Result<Record, FormatError> {
        let tag = self.take(1)?[0];
        Ok(match tag {
            1 => Record::Stream {
                id: self.u32()?,
                context: self.string()?,
                path: self.string()?,
                query: self.string()?,
            },
            2 => {
                let (t, id) = (self.i64()?, self.u32()?);
                let flags = self.take(1)?[0];
                Record::Page {
                    t,
                    id,
                    first: flags & 1 != 0,
                    last: flags & 2 != 0,
                    body: self.bytes()?,
                }
            }
            3 => Record::Line {
                t: self.i64()?,
                id: self.u32()?,
                line: self.bytes()?,
            },
            4 => Record::Doc {
                t: self.i64()?,
                context: self.string()?,
                path: self.string()?,
                body: self.bytes()?,
            },
            _ => {
                return Err(FormatError::Corrupt {
                    offset: self.offset,
                    what: format!("unknown record type {tag}"),
                });
            }
        })
    }
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut a = [0u8; 4];
    a.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(a)
}

fn i64_at(b: &[u8], at: usize) -> i64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    i64::from_le_bytes(a)
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&b[at..at + 8]);
    u64::from_le_bytes(a)
}
