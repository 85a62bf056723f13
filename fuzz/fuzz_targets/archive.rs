//! Fuzz target `archive`: hostile archives extracted into a scratch directory with small limits.
//!
//! The first byte picks the mode and format. Raw mode writes the remaining bytes as a `.tgz`,
//! `.tar`, `.zip` or `.whl` file (the fuzzer mutates real archives from the seeds). Built mode reads
//! the bytes as a list of entries (kind, name, link target, data) and builds a tar, tar.gz or zip of
//! them with names written verbatim, so `..`, absolute paths, links, duplicates, deep and odd names
//! reach the extractor in a well-formed container. A name flagged absolute points into a canary
//! directory beside the tree.
//!
//! Properties: extraction returns a result or a typed error, never panics; nothing is written
//! outside the destination (the scratch directory holds only the archive, the tree and the empty
//! canary); the tree holds only regular files and directories (no link of either kind), and stays
//! within the limits (total bytes, bytes per file, entry count).

#![no_main]

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mcp_scan::source::{Limits, extract_archive};

const LIMITS: Limits = Limits {
    max_total_bytes: 1024 * 1024,
    max_entries: 64,
    max_file_bytes: 256 * 1024,
    max_ratio: 200,
};

const EXTENSIONS: [&str; 4] = ["tgz", "tar", "zip", "whl"];

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

/// One entry of built mode.
struct Entry {
    kind: u8,
    name: String,
    target: String,
    data: Vec<u8>,
}

/// Reads entries: `kind, name_len, name, target_len, target, data_len (u16 LE), data`, repeated.
fn entries(mut b: &[u8], canary: &Path) -> Vec<Entry> {
    fn take<'a>(b: &mut &'a [u8], n: usize) -> &'a [u8] {
        let n = n.min(b.len());
        let (h, t) = b.split_at(n);
        *b = t;
        h
    }
    let mut out = Vec::new();
    while b.len() >= 2 && out.len() < 128 {
        let kind = take(&mut b, 1)[0];
        let n = usize::from(take(&mut b, 1)[0]);
        let mut name = String::from_utf8_lossy(take(&mut b, n)).into_owned();
        if kind & 0x80 != 0 {
            name = format!("{}/{name}", canary.display());
        }
        let n = usize::from(take(&mut b, 1).first().copied().unwrap_or(0));
        let mut target = String::from_utf8_lossy(take(&mut b, n)).into_owned();
        if kind & 0x40 != 0 {
            target = format!("{}/{target}", canary.display());
        }
        let len = take(&mut b, 2);
        let n = match len {
            [lo, hi] => usize::from(u16::from_le_bytes([*lo, *hi])),
            _ => 0,
        };
        let data = take(&mut b, n).to_vec();
        out.push(Entry {
            kind: kind & 0x0f,
            name,
            target,
            data,
        });
    }
    out
}

fn set_bytes(field: &mut [u8], s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() > field.len() {
        return false;
    }
    field.fill(0);
    field[..b.len()].copy_from_slice(b);
    true
}

/// Appends one header and its data, padded to the 512-byte block.
fn push(out: &mut Vec<u8>, h: &tar::Header, data: &[u8]) {
    out.extend_from_slice(h.as_bytes());
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
}

/// A tar of the entries with names written verbatim: a GNU long-name record carries any name over
/// 100 bytes; kind 5 is a file whose header claims far more data than follows.
fn build_tar(entries: &[Entry]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        let kind = match e.kind % 6 {
            1 => tar::EntryType::Directory,
            2 => tar::EntryType::Symlink,
            3 => tar::EntryType::Link,
            4 => tar::EntryType::Fifo,
            _ => tar::EntryType::Regular,
        };
        if !set_bytes(&mut tar::Header::new_gnu().as_old_mut().name, &e.name) {
            let mut long = tar::Header::new_gnu();
            set_bytes(&mut long.as_old_mut().name, "././@LongLink");
            long.set_entry_type(tar::EntryType::GNULongName);
            let mut name = e.name.as_bytes().to_vec();
            name.push(0);
            long.set_size(name.len() as u64);
            long.set_cksum();
            push(&mut out, &long, &name);
        }
        let mut h = tar::Header::new_gnu();
        h.set_mode(0o644);
        h.set_entry_type(kind);
        let cut: String = e.name.chars().take(100).collect();
        let mut cut = cut.into_bytes();
        cut.truncate(100);
        h.as_old_mut().name[..cut.len()].copy_from_slice(&cut);
        let _ = set_bytes(&mut h.as_old_mut().linkname, &e.target);
        let data: &[u8] = if kind == tar::EntryType::Regular {
            &e.data
        } else {
            &[]
        };
        let declared = if e.kind % 6 == 5 {
            data.len() as u64 * 1000 + 1
        } else {
            data.len() as u64
        };
        h.set_size(declared);
        h.set_cksum();
        push(&mut out, &h, data);
    }
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn build_zip(entries: &[Entry]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    for e in entries {
        let _ = match e.kind % 3 {
            0 => w
                .start_file(e.name.as_str(), o)
                .and_then(|()| w.write_all(&e.data).map_err(Into::into)),
            1 => w.add_directory(e.name.as_str(), o),
            _ => w.add_symlink(e.name.as_str(), e.target.as_str(), o),
        };
    }
    w.finish().map(|c| c.into_inner()).unwrap_or_default()
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

/// Every path under `root` with whether it is a regular file, a directory or something else.
fn walk(root: &Path, out: &mut Vec<(PathBuf, std::fs::Metadata)>) {
    let Ok(rd) = std::fs::read_dir(root) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(m) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        let dir = m.is_dir();
        out.push((p.clone(), m));
        if dir {
            walk(&p, out);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let root = scratch();
    let _ = std::fs::remove_dir_all(root);
    let canary = root.join("canary");
    let dest = root.join("out");
    std::fs::create_dir_all(&canary).expect("canary dir");
    let ext = EXTENSIONS[usize::from(pick & 0x03)];
    let bytes = if pick & 0x80 == 0 {
        rest.to_vec()
    } else {
        let es = entries(rest, &canary);
        match ext {
            "tgz" => gzip(&build_tar(&es)),
            "tar" => build_tar(&es),
            _ => build_zip(&es),
        }
    };
    let archive = root.join(format!("input.{ext}"));
    std::fs::write(&archive, &bytes).expect("scratch archive");

    let result = extract_archive(&archive, &dest, &LIMITS);
    if let Ok(skips) = &result {
        for s in skips {
            let _ = s.reason.len();
        }
    }

    // Nothing beside the archive, the tree and the (empty) canary.
    let mut top: Vec<String> = std::fs::read_dir(root)
        .expect("scratch dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    top.sort();
    let mut expected = vec!["canary".to_owned(), format!("input.{ext}")];
    if dest.exists() {
        expected.push("out".to_owned());
    }
    expected.sort();
    assert_eq!(top, expected, "something was written beside the tree");
    assert!(
        std::fs::read_dir(&canary).expect("canary").next().is_none(),
        "an absolute entry name was written"
    );

    let mut tree = Vec::new();
    walk(&dest, &mut tree);
    let mut total = 0u64;
    let mut files = 0u64;
    for (p, m) in &tree {
        assert!(
            m.is_file() || m.is_dir(),
            "{} is neither a file nor a directory",
            p.display()
        );
        if m.is_file() {
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt as _;
                assert_eq!(m.nlink(), 1, "{} is a hard link", p.display());
            }
            assert!(
                m.len() <= LIMITS.max_file_bytes,
                "{} too large",
                p.display()
            );
            total += m.len();
            files += 1;
        }
    }
    assert!(total <= LIMITS.max_total_bytes, "{total} bytes extracted");
    assert!(files <= LIMITS.max_entries, "{files} files extracted");
});
