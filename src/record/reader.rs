//! Opens a recording without reading it whole: the index from the footer, or (after a crash)
//! rebuilt by hopping from frame header to frame header. A seek reads the last keyframe at or
//! before the moment and the data frames after it.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use super::format::{
    FILE_HEADER_LEN, FOOTER_LEN, FRAME_HEADER_LEN, FormatError, FrameHeader, FrameKind, IndexEntry,
    Record, check_file_header, decode_index, read_footer,
};
use super::keyframe::Keyframe;

/// An open recording.
#[derive(Debug)]
pub struct Recording {
    path: PathBuf,
    file: Mutex<File>,
    frames: Vec<IndexEntry>,
    /// The index came from the footer (a clean close) rather than a rebuild.
    indexed: bool,
    /// Where a crash cut the file: the frames before it are whole.
    tail_cut: Option<u64>,
}

impl Recording {
    pub fn open(path: &Path) -> Result<Recording, FormatError> {
        let io = |source| FormatError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = File::open(path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        let mut head = vec![0u8; FILE_HEADER_LEN.min(len) as usize];
        file.read_exact(&mut head).map_err(io)?;
        check_file_header(&head)?;
        let mut rec = Recording {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            frames: Vec::new(),
            indexed: false,
            tail_cut: None,
        };
        match rec.index_from_footer(len)? {
            Some(frames) => {
                rec.frames = frames;
                rec.indexed = true;
            }
            None => rec.rebuild_index(len)?,
        }
        if rec.frames.is_empty() {
            return Err(FormatError::Truncated {
                offset: rec.tail_cut.unwrap_or(len),
                what: "no whole frame: nothing was recorded, or the file was cut".into(),
            });
        }
        Ok(rec)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn frames(&self) -> &[IndexEntry] {
        &self.frames
    }

    pub fn indexed(&self) -> bool {
        self.indexed
    }

    /// The byte where the file was cut mid-frame, if it was.
    pub fn tail_cut(&self) -> Option<u64> {
        self.tail_cut
    }

    /// First and last record time (ms since the epoch).
    pub fn span(&self) -> (i64, i64) {
        let first = self.frames.first().map_or(0, |f| f.t_first);
        let last = self.frames.iter().map(|f| f.t_last).max().unwrap_or(first);
        (first, last)
    }

    /// The recorded state at `t`: the last keyframe at or before it plus every record after
    /// that keyframe up to `t`.
    pub fn state_at(&self, t: i64) -> Result<Keyframe, FormatError> {
        let base = self
            .frames
            .iter()
            .rposition(|f| f.kind == FrameKind::Keyframe && f.t_last <= t)
            .unwrap_or(0);
        let mut state = Keyframe::default();
        for frame in &self.frames[base..] {
            if frame.t_first > t {
                break;
            }
            if frame.kind == FrameKind::Keyframe && frame.offset != self.frames[base].offset {
                continue;
            }
            for record in self.read_frame(frame)? {
                if record.time().is_none_or(|rt| rt <= t) {
                    state.apply(record);
                }
            }
        }
        Ok(state)
    }

    /// Reads, checks and decodes one frame.
    pub fn read_frame(&self, entry: &IndexEntry) -> Result<Vec<Record>, FormatError> {
        let (header, payload) = self.read_raw(entry.offset)?;
        let corrupt = |what: String| FormatError::Corrupt {
            offset: entry.offset,
            what,
        };
        if crc32fast::hash(&payload) != header.payload_crc {
            return Err(corrupt("frame checksum mismatch".into()));
        }
        let raw = zstd::stream::decode_all(payload.as_slice())
            .map_err(|e| corrupt(format!("frame does not decompress: {e}")))?;
        Record::decode_all(&raw, entry.offset)
    }

    pub(super) fn read_raw(&self, offset: u64) -> Result<(FrameHeader, Vec<u8>), FormatError> {
        let io = |source| FormatError::Io {
            path: self.path.clone(),
            source,
        };
        let mut file = self.file.lock().map_err(|_| FormatError::Corrupt {
            offset,
            what: "a reader panicked".into(),
        })?;
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        let mut h = [0u8; FRAME_HEADER_LEN as usize];
        read_or_cut(&mut file, &mut h, offset).map_err(|e| e.into_format(&self.path))?;
        let header = FrameHeader::decode(&h, offset)?;
        let mut payload = vec![0u8; header.payload_len as usize];
        read_or_cut(&mut file, &mut payload, offset).map_err(|e| e.into_format(&self.path))?;
        Ok((header, payload))
    }

    /// The index a footer points at; `None` when there is no footer (a crash).
    fn index_from_footer(&self, len: u64) -> Result<Option<Vec<IndexEntry>>, FormatError> {
        if len < FILE_HEADER_LEN + FRAME_HEADER_LEN + FOOTER_LEN {
            return Ok(None);
        }
        let mut foot = [0u8; FOOTER_LEN as usize];
        {
            let io = |source| FormatError::Io {
                path: self.path.clone(),
                source,
            };
            let mut file = self.file.lock().map_err(|_| FormatError::Corrupt {
                offset: len - FOOTER_LEN,
                what: "a reader panicked".into(),
            })?;
            file.seek(SeekFrom::Start(len - FOOTER_LEN)).map_err(io)?;
            file.read_exact(&mut foot).map_err(io)?;
        }
        let Some(at) = read_footer(&foot) else {
            return Ok(None);
        };
        if !(FILE_HEADER_LEN..len - FOOTER_LEN).contains(&at) {
            return Err(FormatError::Corrupt {
                offset: len - FOOTER_LEN,
                what: format!("the footer points outside the file (byte {at})"),
            });
        }
        let (header, payload) = self.read_raw(at)?;
        if header.kind != FrameKind::Index || crc32fast::hash(&payload) != header.payload_crc {
            return Err(FormatError::Corrupt {
                offset: at,
                what: "the index frame is damaged".into(),
            });
        }
        let raw =
            zstd::stream::decode_all(payload.as_slice()).map_err(|e| FormatError::Corrupt {
                offset: at,
                what: format!("the index does not decompress: {e}"),
            })?;
        decode_index(&raw, at).map(Some)
    }

    /// Hops frame headers from the start. A frame cut by the end of the file ends the
    /// recording there (a crash); a damaged header before the end is corruption.
    fn rebuild_index(&mut self, len: u64) -> Result<(), FormatError> {
        let io = |source| FormatError::Io {
            path: self.path.clone(),
            source,
        };
        let mut offset = FILE_HEADER_LEN;
        let mut file = self.file.lock().map_err(|_| FormatError::Corrupt {
            offset,
            what: "a reader panicked".into(),
        })?;
        while offset < len {
            if len - offset < FRAME_HEADER_LEN {
                self.tail_cut = Some(offset);
                break;
            }
            let mut h = [0u8; FRAME_HEADER_LEN as usize];
            file.seek(SeekFrom::Start(offset)).map_err(io)?;
            file.read_exact(&mut h).map_err(io)?;
            let header = FrameHeader::decode(&h, offset)?;
            let end = offset + FRAME_HEADER_LEN + u64::from(header.payload_len);
            if end > len {
                self.tail_cut = Some(offset);
                break;
            }
            if header.kind != FrameKind::Index {
                self.frames.push(IndexEntry {
                    offset,
                    kind: header.kind,
                    t_first: header.t_first,
                    t_last: header.t_last,
                });
            }
            offset = end;
        }
        drop(file);
        if let Some(at) = self.tail_cut {
            tracing::warn!(path = %self.path.display(), at, "recording cut mid-frame: replaying what is whole");
        }
        Ok(())
    }
}

/// A short read: the file ends inside a frame.
enum ReadError {
    Cut(u64),
    Io(std::io::Error),
}

impl ReadError {
    fn into_format(self, path: &Path) -> FormatError {
        match self {
            ReadError::Cut(offset) => FormatError::Truncated {
                offset,
                what: "the file ends inside this frame".into(),
            },
            ReadError::Io(source) => FormatError::Io {
                path: path.to_path_buf(),
                source,
            },
        }
    }
}

fn read_or_cut(file: &mut File, buf: &mut [u8], offset: u64) -> Result<(), ReadError> {
    file.read_exact(buf).map_err(|e| match e.kind() {
        std::io::ErrorKind::UnexpectedEof => ReadError::Cut(offset),
        _ => ReadError::Io(e),
    })
}
