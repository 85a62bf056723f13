//! Safe extraction on crafted hostile archives: every hazard is refused and reported as a skip,
//! and the rest of the archive is still extracted.

mod support;

use std::path::Path;

use mcp_scan::source::{
    Limits, Skip, SourceError, SourceOptions, TargetKind, acquire, extract_archive,
};
use support::{TarEntry, read, tar_bytes, tgz, zip_bytes};

fn extract(name: &str, bytes: &[u8], limits: &Limits) -> (tempfile::TempDir, Vec<Skip>) {
    let dir = tempfile::tempdir().unwrap();
    let archive = dir.path().join(name);
    std::fs::write(&archive, bytes).unwrap();
    let dest = dir.path().join("out");
    std::fs::create_dir(&dest).unwrap();
    let skips = extract_archive(&archive, &dest, limits).unwrap();
    (dir, skips)
}

fn skip_for<'a>(skips: &'a [Skip], path: &str) -> &'a Skip {
    skips
        .iter()
        .find(|s| s.path == path)
        .unwrap_or_else(|| panic!("no skip for {path}: {skips:?}"))
}

/// Every file under `root`, relative, sorted.
fn files(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let t = e.file_type().unwrap();
            assert!(
                !t.is_symlink(),
                "a link was created: {}",
                e.path().display()
            );
            if t.is_dir() {
                stack.push(e.path());
            } else {
                out.push(
                    e.path()
                        .strip_prefix(root)
                        .unwrap()
                        .to_string_lossy()
                        .replace('\\', "/"),
                );
            }
        }
    }
    out.sort();
    out
}

#[test]
fn npm_tarball_prefix_is_stripped() {
    let bytes = tgz(&[
        TarEntry::Dir("package/"),
        TarEntry::File("package/package.json", b"{\"name\":\"x\"}"),
        TarEntry::File("package/lib/index.js", b"module.exports = 1;"),
    ]);
    let (dir, skips) = extract("x.tgz", &bytes, &Limits::default());
    assert!(skips.is_empty(), "{skips:?}");
    assert_eq!(
        files(&dir.path().join("out")),
        ["lib/index.js", "package.json"]
    );
    assert_eq!(
        read(dir.path().join("out/lib/index.js")),
        "module.exports = 1;"
    );
}

#[test]
fn dotdot_absolute_and_drive_entries_are_refused() {
    let bytes = tgz(&[
        TarEntry::File("pkg/ok.py", b"print(1)"),
        TarEntry::File("pkg/../../escape.txt", b"owned"),
        TarEntry::File("/tmp/mcp-scan-abs-escape.txt", b"owned"),
        TarEntry::File("C:\\evil.txt", b"owned"),
        TarEntry::File("C:/evil2.txt", b"owned"),
    ]);
    let (dir, skips) = extract("x.tar.gz", &bytes, &Limits::default());
    assert!(
        skip_for(&skips, "pkg/../../escape.txt")
            .reason
            .contains("..")
    );
    assert!(
        skip_for(&skips, "/tmp/mcp-scan-abs-escape.txt")
            .reason
            .contains("absolute")
    );
    assert!(skip_for(&skips, "C:\\evil.txt").reason.contains("drive"));
    assert!(skip_for(&skips, "C:/evil2.txt").reason.contains("drive"));
    assert!(!dir.path().join("escape.txt").exists());
    assert!(!Path::new("/tmp/mcp-scan-abs-escape.txt").exists());
    // Everything else still extracted (the single top dir `pkg/` is stripped).
    assert_eq!(files(&dir.path().join("out")), ["ok.py"]);
}

#[test]
fn links_are_never_created_and_escapes_are_named() {
    let bytes = tar_bytes(&[
        TarEntry::File("a/ok.js", b"1"),
        TarEntry::Symlink("a/passwd", "../../../etc/passwd"),
        TarEntry::Symlink("a/inside", "ok.js"),
        TarEntry::Hardlink("a/hard", "../outside"),
        TarEntry::Hardlink("a/hard-in", "a/ok.js"),
    ]);
    let (dir, skips) = extract("x.tar", &bytes, &Limits::default());
    assert!(skip_for(&skips, "a/passwd").reason.contains("outside"));
    assert!(skip_for(&skips, "a/hard").reason.contains("outside"));
    assert!(
        skip_for(&skips, "a/inside")
            .reason
            .contains("never created")
    );
    assert!(
        skip_for(&skips, "a/hard-in")
            .reason
            .contains("never created")
    );
    assert_eq!(files(&dir.path().join("out")), ["ok.js"]);
}

#[test]
fn compression_bomb_is_stopped_by_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = tgz(&[
        TarEntry::File("bomb/zeros.bin", &zeros),
        TarEntry::File("bomb/after.txt", b"x"),
    ]);
    assert!(bytes.len() < 64 * 1024, "test bomb should compress well");
    let (dir, skips) = extract("bomb.tgz", &bytes, &Limits::default());
    assert!(
        skip_for(&skips, "bomb/zeros.bin")
            .reason
            .contains("compression bomb"),
        "{skips:?}"
    );
    assert!(files(&dir.path().join("out")).is_empty());
}

#[test]
fn lying_header_size_on_a_bomb_does_not_decompress_forever() {
    // One entry whose data is 300 MiB of zeros: ratio stops writing, the input budget stops reading.
    let limits = Limits {
        max_total_bytes: 4 * 1024 * 1024,
        ..Limits::default()
    };
    let mut raw = Vec::new();
    {
        let mut h = tar::Header::new_ustar();
        h.set_path("big.bin").unwrap();
        h.set_size(300 * 1024 * 1024);
        h.set_cksum();
        raw.extend_from_slice(h.as_bytes());
    }
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut enc, &raw).unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..300 {
        std::io::Write::write_all(&mut enc, &chunk).unwrap();
    }
    let bytes = enc.finish().unwrap();
    let start = std::time::Instant::now();
    let (_dir, skips) = extract("big.tgz", &bytes, &limits);
    assert_eq!(skips.len(), 1, "{skips:?}");
    assert!(start.elapsed().as_secs() < 60);
}

#[test]
fn too_many_entries_stops_with_a_skip() {
    let names: Vec<String> = (0..20).map(|i| format!("f{i:02}.txt")).collect();
    let entries: Vec<TarEntry<'_>> = names.iter().map(|n| TarEntry::File(n, b"x")).collect();
    let limits = Limits {
        max_entries: 10,
        ..Limits::default()
    };
    let (dir, skips) = extract("many.tar", &tar_bytes(&entries), &limits);
    assert_eq!(files(&dir.path().join("out")).len(), 10);
    assert!(
        skip_for(&skips, "f10.txt")
            .reason
            .contains("more than 10 entries")
    );
}

#[test]
fn oversized_file_is_skipped_and_the_rest_kept() {
    let big = vec![b'a'; 5000];
    let bytes = tgz(&[
        TarEntry::File("big.js", &big),
        TarEntry::File("small.js", b"ok"),
    ]);
    let limits = Limits {
        max_file_bytes: 1000,
        ..Limits::default()
    };
    let (dir, skips) = extract("x.tgz", &bytes, &limits);
    assert!(
        skip_for(&skips, "big.js")
            .reason
            .contains("larger than 1000")
    );
    assert_eq!(files(&dir.path().join("out")), ["small.js"]);
}

#[test]
fn total_size_limit_stops_extraction() {
    let chunk = vec![b'b'; 600];
    let bytes = tar_bytes(&[
        TarEntry::File("a", &chunk),
        TarEntry::File("b", &chunk),
        TarEntry::File("c", &chunk),
    ]);
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    let (dir, skips) = extract("x.tar", &bytes, &limits);
    assert!(skip_for(&skips, "b").reason.contains("in total"));
    assert_eq!(files(&dir.path().join("out")), ["a"]);
}

#[test]
fn zip_hazards_are_refused() {
    let bytes = zip_bytes(&[
        ("srv/server.py", Some(b"import os")),
        ("../evil.py", Some(b"x")),
        ("srv/../../evil2.py", Some(b"x")),
        ("C:\\evil.py", Some(b"x")),
        ("C:/evil.py", Some(b"x")),
        ("/abs.py", Some(b"x")),
        ("srv\\..\\..\\evil3.py", Some(b"x")),
    ]);
    let (dir, skips) = extract("x.zip", &bytes, &Limits::default());
    assert_eq!(skips.len(), 6, "{skips:?}");
    assert!(skip_for(&skips, "../evil.py").reason.contains(".."));
    assert!(skip_for(&skips, "C:\\evil.py").reason.contains("drive"));
    assert!(skip_for(&skips, "C:/evil.py").reason.contains("drive"));
    assert!(!dir.path().join("evil.py").exists());
    assert_eq!(files(&dir.path().join("out")), ["server.py"]);
}

#[test]
fn zip_symlinks_are_not_created() {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default();
    w.start_file("app/main.py", o).unwrap();
    std::io::Write::write_all(&mut w, b"x").unwrap();
    w.add_symlink("app/key", "/home/user/.ssh/id_rsa", o)
        .unwrap();
    w.add_symlink("app/up", "../../x", o).unwrap();
    let bytes = w.finish().unwrap().into_inner();
    let (dir, skips) = extract("links.zip", &bytes, &Limits::default());
    assert!(skip_for(&skips, "app/key").reason.contains("outside"));
    assert!(skip_for(&skips, "app/up").reason.contains("outside"));
    assert_eq!(files(&dir.path().join("out")), ["main.py"]);
}

#[test]
fn wheel_with_two_top_dirs_is_not_stripped() {
    let bytes = zip_bytes(&[
        ("pkg/__init__.py", Some(b"")),
        ("pkg-1.0.dist-info/METADATA", Some(b"Name: pkg")),
    ]);
    let (dir, skips) = extract("pkg-1.0-py3-none-any.whl", &bytes, &Limits::default());
    assert!(skips.is_empty());
    assert_eq!(
        files(&dir.path().join("out")),
        ["pkg-1.0.dist-info/METADATA", "pkg/__init__.py"]
    );
}

#[test]
fn truncated_archive_keeps_what_was_read() {
    let mut bytes = tar_bytes(&[
        TarEntry::File("a.js", b"1"),
        TarEntry::File("b.js", &[b'x'; 4096]),
    ]);
    bytes.truncate(512 * 3 + 100);
    let (dir, skips) = extract("t.tar", &bytes, &Limits::default());
    assert_eq!(files(&dir.path().join("out")), ["a.js"]);
    assert!(!skips.is_empty());
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.zip");
    std::fs::write(&p, b"this is not a zip").unwrap();
    let e = extract_archive(&p, dir.path(), &Limits::default()).unwrap_err();
    assert!(matches!(e, SourceError::Archive(_)), "{e}");
    let p = dir.path().join("notes.txt");
    std::fs::write(&p, b"hello").unwrap();
    assert!(extract_archive(&p, dir.path(), &Limits::default()).is_err());
}

#[test]
fn local_archive_target_is_extracted_with_a_digest() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("srv.tgz");
    let bytes = tgz(&[
        TarEntry::File("srv-1/index.js", b"x"),
        TarEntry::File("srv-1/../../../up.js", b"x"),
    ]);
    std::fs::write(&p, &bytes).unwrap();
    let acq = acquire(
        p.to_str().unwrap(),
        &SourceOptions {
            no_cache: true,
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(acq.info.kind, TargetKind::Archive);
    assert_eq!(
        acq.info.digest.as_deref(),
        Some(format!("sha256:{}", support::sha256_hex(&bytes)).as_str())
    );
    assert_eq!(read(acq.root.join("index.js")), "x");
    assert_eq!(acq.skipped.len(), 1);
    let root = acq.root.clone();
    assert!(acq.is_temporary());
    drop(acq);
    assert!(!root.exists(), "temporary tree must be removed on drop");
}

#[test]
fn local_paths_are_used_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.py");
    std::fs::write(&file, "x").unwrap();
    let opts = SourceOptions::default();
    let acq = acquire(dir.path().to_str().unwrap(), &opts).unwrap();
    assert_eq!(acq.root, dir.path());
    assert_eq!(acq.info.kind, TargetKind::Path);
    assert_eq!(acq.info.digest, None);
    assert!(!acq.is_temporary());
    let acq = acquire(file.to_str().unwrap(), &opts).unwrap();
    assert_eq!(acq.root, file);
    drop(acq);
    assert!(file.exists(), "local targets are never deleted");
    let missing = dir.path().join("nope");
    let e = acquire(missing.to_str().unwrap(), &opts)
        .unwrap_err()
        .to_string();
    let hint = acquire("github.com/acme/srv", &opts)
        .unwrap_err()
        .to_string();
    assert!(
        hint.contains("did you mean https://github.com/acme/srv?"),
        "{hint}"
    );
    assert!(
        e.contains("no such file or directory") && e.contains("accepted targets"),
        "{e}"
    );
}

#[test]
fn zip_bomb_is_stopped_by_ratio() {
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = zip_bytes(&[("a.txt", Some(b"fine")), ("zeros.bin", Some(&zeros))]);
    let (dir, skips) = extract("bomb.zip", &bytes, &Limits::default());
    assert!(
        skip_for(&skips, "zeros.bin")
            .reason
            .contains("compression bomb"),
        "{skips:?}"
    );
    assert_eq!(files(&dir.path().join("out")), ["a.txt"]);
}

#[test]
fn archive_url_is_downloaded_and_cached() {
    let server = support::TestServer::start();
    let bytes = tgz(&[TarEntry::File("srv/main.py", b"print('hi')")]);
    server.route("/dl/srv-1.0.tar.gz", 200, bytes.clone());
    let cache = tempfile::tempdir().unwrap();
    let opts = SourceOptions {
        cache_dir: Some(cache.path().to_path_buf()),
        progress: false,
        ..Default::default()
    };
    let url = server.url("/dl/srv-1.0.tar.gz");
    let acq = acquire(&url, &opts).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Archive);
    assert_eq!(acq.info.source_url.as_deref(), Some(url.as_str()));
    assert_eq!(
        acq.info.digest,
        Some(format!("sha256:{}", support::sha256_hex(&bytes)))
    );
    assert_eq!(read(acq.root.join("main.py")), "print('hi')");
    let off = SourceOptions {
        offline: true,
        ..opts.clone()
    };
    acquire(&url, &off).unwrap();
    assert_eq!(server.hits("/dl/srv-1.0.tar.gz"), 1);
    let e = acquire(&server.url("/dl/missing.zip"), &opts)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no archive at") && e.contains("404"), "{e}");
}

#[test]
fn stripping_survives_names_that_look_like_its_staging_dir() {
    let bytes = tar_bytes(&[
        TarEntry::File("pkg/.mcp-scan-strip-0/a.js", b"a"),
        TarEntry::File("pkg/b.js", b"b"),
    ]);
    let (dir, skips) = extract("s.tar", &bytes, &Limits::default());
    assert!(skips.is_empty());
    assert_eq!(
        files(&dir.path().join("out")),
        [".mcp-scan-strip-0/a.js", "b.js"]
    );
}

/// Every path under `root` (files, directories, links), relative, sorted: what an extraction left.
fn everything(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            out.push(
                e.path()
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
        }
    }
    out.sort();
    out
}

/// A tar of raw headers and data, written exactly as given (pax and GNU long-name records included).
fn raw_tar(entries: &[(tar::Header, Vec<u8>)]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for (h, data) in entries {
        b.append(h, data.as_slice()).unwrap();
    }
    b.into_inner().unwrap()
}

fn header(name: &str, kind: tar::EntryType, size: u64) -> tar::Header {
    let mut h = tar::Header::new_ustar();
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
    h.set_entry_type(kind);
    h.set_mode(0o644);
    h.set_size(size);
    h.set_cksum();
    h
}

/// A pax extended header that renames the next entry to `path`.
fn pax_path(path: &str) -> (tar::Header, Vec<u8>) {
    let body = format!(" path={path}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    let rec = format!("{len}{body}").into_bytes();
    (
        header("PaxHeaders/x", tar::EntryType::XHeader, rec.len() as u64),
        rec,
    )
}

/// A GNU long-name record that renames the next entry to `path`.
fn gnu_long_name(path: &str) -> (tar::Header, Vec<u8>) {
    let mut data = path.as_bytes().to_vec();
    data.push(0);
    let mut h = tar::Header::new_gnu();
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..13].copy_from_slice(b"././@LongLink");
    h.set_entry_type(tar::EntryType::GNULongName);
    h.set_size(data.len() as u64);
    h.set_cksum();
    (h, data)
}

fn file_entry(name: &str, data: &[u8]) -> (tar::Header, Vec<u8>) {
    (
        header(name, tar::EntryType::Regular, data.len() as u64),
        data.to_vec(),
    )
}

#[test]
fn links_then_files_of_the_same_name_never_write_outside() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "original").unwrap();
    let bytes = tar_bytes(&[
        // Classic "plant a link, then write through it": the link is never created, so the
        // second entry is a new file inside the tree.
        TarEntry::Hardlink("victim", "../victim.txt"),
        TarEntry::File("victim", b"owned"),
        TarEntry::Symlink("link", "../victim.txt"),
        TarEntry::File("link", b"owned"),
        TarEntry::Symlink("up", ".."),
        TarEntry::File("up/escaped.txt", b"owned"),
        TarEntry::Hardlink("passwd", "/etc/passwd"),
        TarEntry::Hardlink("drive", "C:\\Windows\\win.ini"),
        TarEntry::Symlink("abs", "/etc/hostname"),
    ]);
    let archive = dir.path().join("links.tar");
    std::fs::write(&archive, &bytes).unwrap();
    let out = dir.path().join("out");
    let skips = extract_archive(&archive, &out, &Limits::default()).unwrap();
    assert_eq!(read(&victim), "original");
    for name in ["victim", "link", "up", "passwd", "drive", "abs"] {
        let s = skip_for(&skips, name);
        assert!(s.reason.contains("outside the tree"), "{s:?}");
    }
    // Nothing beside the archive, the victim and the tree; inside, only regular files.
    assert_eq!(everything(dir.path()).len(), everything(&out).len() + 3);
    assert_eq!(files(&out), ["link", "up/escaped.txt", "victim"]);
    assert_eq!(read(out.join("victim")), "owned");
}

#[test]
fn absolute_names_in_every_tar_and_zip_form_are_refused() {
    let bytes = raw_tar(&[
        file_entry("srv/ok.py", b"x"),
        pax_path("/tmp/mcp-scan-pax-abs.txt"),
        file_entry("srv/innocent.txt", b"owned"),
        gnu_long_name("/tmp/mcp-scan-gnu-abs.txt"),
        file_entry("srv/innocent2.txt", b"owned"),
        pax_path("srv/../../mcp-scan-pax-up.txt"),
        file_entry("srv/innocent3.txt", b"owned"),
        file_entry("\\\\server\\share\\x.txt", b"owned"),
        file_entry("//double/slash.txt", b"owned"),
    ]);
    let (dir, skips) = extract("abs.tar", &bytes, &Limits::default());
    for (name, why) in [
        ("/tmp/mcp-scan-pax-abs.txt", "absolute"),
        ("/tmp/mcp-scan-gnu-abs.txt", "absolute"),
        ("srv/../../mcp-scan-pax-up.txt", ".."),
        ("\\\\server\\share\\x.txt", "absolute"),
        ("//double/slash.txt", "absolute"),
    ] {
        assert!(
            skip_for(&skips, name).reason.contains(why),
            "{name}: {skips:?}"
        );
    }
    assert!(!Path::new("/tmp/mcp-scan-pax-abs.txt").exists());
    assert!(!Path::new("/tmp/mcp-scan-gnu-abs.txt").exists());
    assert!(
        !dir.path()
            .parent()
            .unwrap()
            .join("mcp-scan-pax-up.txt")
            .exists()
    );
    assert_eq!(files(&dir.path().join("out")), ["ok.py"]);

    let zip = zip_bytes(&[
        ("srv/ok.py", Some(b"x")),
        ("\\\\server\\share\\x.py", Some(b"x")),
        ("//double.py", Some(b"x")),
        ("/etc/cron.d/x", Some(b"x")),
    ]);
    let (dir, skips) = extract("abs.zip", &zip, &Limits::default());
    assert_eq!(skips.len(), 3, "{skips:?}");
    assert!(
        skips.iter().all(|s| s.reason.contains("absolute")),
        "{skips:?}"
    );
    assert_eq!(files(&dir.path().join("out")), ["ok.py"]);
}

#[test]
fn deep_and_long_entry_names_are_refused_quickly() {
    let deep = format!("{}x.py", "a/".repeat(10_000));
    let too_deep = format!("{}x.py", "b/".repeat(200));
    let fine = format!("{}x.py", "c/".repeat(100));
    let mut entries = vec![
        pax_path(&deep),
        file_entry("deep.py", b"x"),
        gnu_long_name(&too_deep),
        file_entry("too_deep.py", b"x"),
        gnu_long_name(&fine),
        file_entry("fine.py", b"x"),
    ];
    // Thousands of entries at the deepest accepted level cost one directory check each, not one
    // per level.
    let names: Vec<String> = (0..3000)
        .map(|i| format!("{}f{i}.py", "d/".repeat(127)))
        .collect();
    for n in &names {
        entries.push(gnu_long_name(n));
        entries.push(file_entry("f.py", b"x"));
    }
    let (dir, skips) = extract("deep.tar", &raw_tar(&entries), &Limits::default());
    assert!(
        skip_for(&skips, &deep)
            .reason
            .contains("longer than 4096 bytes")
    );
    assert!(
        skip_for(&skips, &too_deep)
            .reason
            .contains("nested deeper than 128 directories")
    );
    assert_eq!(skips.len(), 2, "{skips:?}");
    let out = files(&dir.path().join("out"));
    assert_eq!(out.len(), 3001);
    assert!(out.contains(&fine));
}

/// A zip written byte by byte: `entries` are (central-directory name, local-header offset); the one
/// local file at offset 0 holds `data` deflated. Several names at offset 0 overlap: the "better
/// zip bomb" shape, where one compressed kernel is extracted once per name.
fn overlapping_zip(data: &[u8], names: &[String], declared_size: Option<u32>) -> Vec<u8> {
    let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut enc, data).unwrap();
    let deflated = enc.finish().unwrap();
    let mut crc = flate2::Crc::new();
    crc.update(data);
    let (crc, csize) = (crc.sum(), deflated.len() as u32);
    let usize_ = declared_size.unwrap_or(data.len() as u32);
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    let mut z = Vec::new();
    let kernel = b"kernel";
    le32(&mut z, 0x0403_4b50);
    for x in [20u16, 0, 8, 0, 0] {
        le16(&mut z, x);
    }
    le32(&mut z, crc);
    le32(&mut z, csize);
    le32(&mut z, usize_);
    le16(&mut z, kernel.len() as u16);
    le16(&mut z, 0);
    z.extend_from_slice(kernel);
    z.extend_from_slice(&deflated);
    let cd_start = z.len() as u32;
    for name in names {
        le32(&mut z, 0x0201_4b50);
        for x in [20u16, 20, 0, 8, 0, 0] {
            le16(&mut z, x);
        }
        le32(&mut z, crc);
        le32(&mut z, csize);
        le32(&mut z, usize_);
        le16(&mut z, name.len() as u16);
        for x in [0u16, 0, 0, 0] {
            le16(&mut z, x);
        }
        le32(&mut z, 0);
        le32(&mut z, 0);
        z.extend_from_slice(name.as_bytes());
    }
    let cd_len = z.len() as u32 - cd_start;
    le32(&mut z, 0x0605_4b50);
    for x in [0u16, 0, names.len() as u16, names.len() as u16] {
        le16(&mut z, x);
    }
    le32(&mut z, cd_len);
    le32(&mut z, cd_start);
    le16(&mut z, 0);
    z
}

fn tree_bytes(root: &Path) -> u64 {
    everything(root)
        .iter()
        .map(|p| std::fs::symlink_metadata(root.join(p)).unwrap().len())
        .sum()
}

#[test]
fn overlapping_zip_entries_are_stopped_as_a_bomb() {
    // 1 MiB of zeros deflates to about a kilobyte; 2000 names for it would expand to 2 GiB.
    let zeros = vec![0u8; 1024 * 1024];
    let names: Vec<String> = (0..2000).map(|i| format!("f{i:04}.js")).collect();
    let bytes = overlapping_zip(&zeros, &names, None);
    assert!(bytes.len() < 200 * 1024, "{}", bytes.len());
    let (dir, skips) = extract("overlap.zip", &bytes, &Limits::default());
    let out = dir.path().join("out");
    assert!(
        skips.iter().any(|s| s.reason.contains("compression bomb")),
        "{:?}",
        &skips[..skips.len().min(3)]
    );
    // Stopped at the ratio cap (200x the archive, at least 1 MiB), far below 2 GiB.
    let cap = (bytes.len() as u64 * 200).max(1024 * 1024) + 1024 * 1024;
    assert!(tree_bytes(&out) <= cap, "{} > {cap}", tree_bytes(&out));
}

#[test]
fn zip_sizes_that_lie_are_bounded_by_the_bytes_actually_read() {
    // Declares 16 bytes, holds 8 MiB of zeros.
    let zeros = vec![0u8; 8 * 1024 * 1024];
    let bytes = overlapping_zip(&zeros, &["small.txt".to_owned()], Some(16));
    let limits = Limits {
        max_file_bytes: 1024 * 1024,
        ..Limits::default()
    };
    let (dir, skips) = extract("lie.zip", &bytes, &limits);
    let out = dir.path().join("out");
    assert!(tree_bytes(&out) <= 1024 * 1024, "{skips:?}");
    // Declares 4 GiB, holds 10 bytes.
    let bytes = overlapping_zip(b"0123456789", &["big.txt".to_owned()], Some(u32::MAX - 1));
    let (dir, skips) = extract("lie2.zip", &bytes, &Limits::default());
    let out = dir.path().join("out");
    assert!(tree_bytes(&out) <= 10, "{skips:?}");
}

#[test]
fn a_tar_header_claiming_8_gib_with_no_data_is_a_truncated_entry() {
    let mut h = header("huge.js", tar::EntryType::Regular, 0);
    h.set_size(8 * 1024 * 1024 * 1024 - 1);
    h.set_cksum();
    let mut bytes = h.as_bytes().to_vec();
    bytes.extend_from_slice(b"module.exports = 1;\n");
    for (name, data) in [
        ("huge.tar", bytes.clone()),
        ("huge.tgz", support::gzip(&bytes)),
    ] {
        let start = std::time::Instant::now();
        let (dir, skips) = extract(name, &data, &Limits::default());
        assert!(
            skip_for(&skips, "huge.js").reason.contains("truncated"),
            "{skips:?}"
        );
        assert!(files(&dir.path().join("out")).is_empty());
        assert!(start.elapsed().as_secs() < 30);
    }
}
