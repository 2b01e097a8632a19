//! The file format: round trip, seeks through keyframes, an index rebuilt after a crash, and
//! clear errors for newer, cut and damaged files.

use std::io::Write;

use super::format::{FILE_HEADER_LEN, FormatError, FrameKind, Record};
use super::{Recorder, Recording};

fn stream() -> Record {
    Record::Stream {
        id: 1,
        context: "kind-a".into(),
        path: "/api/v1/pods".into(),
        query: "labelSelector=app%3Dweb".into(),
    }
}

fn page(t: i64, first: bool, body: &str) -> Record {
    Record::Page {
        t,
        id: 1,
        first,
        last: true,
        body: body.as_bytes().to_vec(),
    }
}

fn line(t: i64, name: &str, n: i64) -> Record {
    let line = format!(
        r#"{{"type":"MODIFIED","object":{{"metadata":{{"namespace":"x","name":"{name}"}},"n":{n}}}}}"#
    );
    Record::Line {
        t,
        id: 1,
        line: line.into_bytes(),
    }
}

/// A recording of one stream over `secs` seconds: a list, then one line a second, a frame
/// cut every second (so keyframes come every 30 s).
fn write(path: &std::path::Path, secs: i64) {
    let rec = Recorder::create(path).expect("create");
    rec.push(stream());
    rec.push(page(0, true, "list"));
    for s in 1..=secs {
        rec.push(line(s * 1000, &format!("p{}", s % 3), s));
        rec.cut();
    }
    rec.finish().expect("finish");
}

fn n_of(state: &super::Keyframe) -> Vec<String> {
    state.streams[&1]
        .lines()
        .iter()
        .map(|l| String::from_utf8_lossy(l).into_owned())
        .collect()
}

#[test]
fn records_round_trip_and_seeks_see_the_state_at_that_moment() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.kr8s");
    write(&path, 100);
    let rec = Recording::open(&path).expect("open");
    assert!(rec.indexed());
    assert_eq!(rec.span(), (0, 100_000));
    let keyframes = rec
        .frames()
        .iter()
        .filter(|f| f.kind == FrameKind::Keyframe);
    assert!(keyframes.count() >= 2, "{:?}", rec.frames());
    let at = rec.state_at(50_500).expect("seek");
    let s = &at.streams[&1];
    assert_eq!(
        (s.context.as_str(), s.path.as_str()),
        ("kind-a", "/api/v1/pods")
    );
    assert_eq!(s.query, "labelSelector=app%3Dweb");
    assert_eq!(
        s.pages().map(|(_, _, b)| b.to_vec()).collect::<Vec<_>>(),
        vec![b"list".to_vec()]
    );
    // The last line per object at 50 s: p0 at 48, p1 at 49, p2 at 50.
    let lines = n_of(&at);
    assert_eq!(lines.len(), 3);
    assert!(lines[2].contains(r#""n":50"#), "{lines:?}");
    assert!(lines[0].contains(r#""n":48"#), "{lines:?}");
    let early = rec.state_at(1_000).expect("seek");
    assert_eq!(n_of(&early).len(), 1);
}

#[test]
fn a_file_without_its_index_is_reindexed_by_hopping_frames() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.kr8s");
    write(&path, 40);
    let clean = Recording::open(&path).expect("open");
    let index_at = clean.frames().last().map(|f| f.offset).expect("frames");
    let (_, payload) = clean.read_raw(index_at).expect("frame");
    let cut = index_at + 32 + payload.len() as u64;
    let frames = clean.frames().to_vec();
    drop(clean);
    // What a crash right after the last data frame leaves: no index, no footer.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .expect("open");
    file.set_len(cut).expect("truncate");
    let rebuilt = Recording::open(&path).expect("reopen");
    assert!(!rebuilt.indexed());
    assert_eq!(rebuilt.frames(), frames.as_slice());
    assert_eq!(rebuilt.tail_cut(), None);
    // And cut mid-frame: the whole frames replay, the cut is reported.
    file.set_len(cut - 5).expect("truncate");
    let cut_rec = Recording::open(&path).expect("reopen");
    assert_eq!(cut_rec.tail_cut(), Some(frames[frames.len() - 1].offset));
    assert_eq!(cut_rec.frames().len(), frames.len() - 1);
    assert!(cut_rec.state_at(i64::MAX).is_ok());
}

#[test]
fn a_newer_version_a_cut_header_and_a_damaged_frame_are_named_with_their_offset() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("r.kr8s");
    write(&path, 3);
    let bytes = std::fs::read(&path).expect("read");

    let mut newer = bytes.clone();
    newer[8] = 9;
    std::fs::write(&path, &newer).expect("write");
    let e = Recording::open(&path).expect_err("newer");
    assert!(matches!(e, FormatError::NewerVersion { found: 9 }), "{e}");
    assert!(e.to_string().contains("version 9 is newer"), "{e}");

    std::fs::write(&path, &bytes[..10]).expect("write");
    let e = Recording::open(&path).expect_err("cut");
    assert!(
        matches!(e, FormatError::Truncated { offset: 10, .. }),
        "{e}"
    );

    std::fs::write(&path, b"hello world, this is text").expect("write");
    let e = Recording::open(&path).expect_err("text");
    assert!(matches!(e, FormatError::NotARecording), "{e}");

    // A flipped byte inside the first frame's payload.
    let mut damaged = bytes.clone();
    let at = FILE_HEADER_LEN as usize + 40;
    damaged[at] ^= 0xff;
    std::fs::File::create(&path)
        .and_then(|mut f| f.write_all(&damaged))
        .expect("write");
    let rec = Recording::open(&path).expect("the index is intact");
    let e = rec.state_at(i64::MAX).expect_err("damaged");
    assert!(matches!(e, FormatError::Corrupt { offset: 16, .. }), "{e}");
    assert!(e.to_string().contains("corrupted at byte 16"), "{e}");

    // A flipped byte in a frame header, with the index gone: the hop stops there.
    let mut header = bytes;
    header[FILE_HEADER_LEN as usize + 5] ^= 0xff;
    let first_len = header.len();
    std::fs::write(&path, &header[..first_len - 16]).expect("write");
    let e = Recording::open(&path).expect_err("header");
    assert!(matches!(e, FormatError::Corrupt { offset: 16, .. }), "{e}");
}
