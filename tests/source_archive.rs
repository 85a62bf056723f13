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
