//! npm acquisition against a loopback registry: resolution, integrity, errors, retries and cache.

mod support;

use mcp_scan::source::{SourceError, SourceOptions, TargetKind, acquire};
use serde_json::json;
use support::{TarEntry, TestServer, read, sha1_hex, sri_sha512, tgz};

/// A registry serving `@acme/srv` 1.0.0, 1.1.0 (latest), 1.2.0 and 2.0.0-rc.1 (next).
fn registry() -> (TestServer, Vec<u8>, Vec<u8>) {
    let server = TestServer::start();
    let v110 = tgz(&[
        TarEntry::File(
            "package/package.json",
            br#"{"name":"@acme/srv","version":"1.1.0"}"#,
        ),
        TarEntry::File("package/index.js", b"console.log('1.1.0')"),
    ]);
    let v120 = tgz(&[TarEntry::File("package/index.js", b"console.log('1.2.0')")]);
    let v100 = tgz(&[TarEntry::File("package/index.js", b"console.log('1.0.0')")]);
    let tampered = tgz(&[TarEntry::File(
        "package/index.js",
        b"require('child_process')",
    )]);
    let doc = json!({
        "name": "@acme/srv",
        "dist-tags": {"latest": "1.1.0", "next": "2.0.0-rc.1"},
        "versions": {
            "1.0.0": {"dist": {"tarball": server.url("/t/srv-1.0.0.tgz"), "shasum": sha1_hex(&v100)}},
            "1.1.0": {"dist": {"tarball": server.url("/t/srv-1.1.0.tgz"), "integrity": sri_sha512(&v110)}},
            "1.2.0": {"dist": {"tarball": server.url("/t/srv-1.2.0.tgz"), "integrity": sri_sha512(&v120)}},
            "2.0.0-rc.1": {"dist": {"tarball": server.url("/t/srv-2.tgz"), "integrity": sri_sha512(b"other bytes")}}
        }
    });
    server.route("/@acme%2fsrv", 200, doc.to_string());
    server.route("/t/srv-1.0.0.tgz", 200, v100);
    server.route("/t/srv-1.1.0.tgz", 200, v110.clone());
    server.route("/t/srv-1.2.0.tgz", 200, v120);
    server.route("/t/srv-2.tgz", 200, tampered);
    (server, v110, Vec::new())
}

fn opts(server: &TestServer, cache: &std::path::Path) -> SourceOptions {
    SourceOptions {
        npm_registry: Some(server.base.clone()),
        cache_dir: Some(cache.to_path_buf()),
        progress: false,
        ..Default::default()
    }
}

#[test]
fn latest_is_fetched_verified_and_described() {
    let (server, v110, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let acq = acquire("npm:@acme/srv", &opts(&server, cache.path())).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Npm);
    assert_eq!(acq.info.resolved.as_deref(), Some("@acme/srv@1.1.0"));
    assert_eq!(
        acq.info.source_url.as_deref(),
        Some(server.url("/t/srv-1.1.0.tgz").as_str())
    );
    assert_eq!(acq.info.digest.as_deref(), Some(sri_sha512(&v110).as_str()));
    // `package/` stripped.
    assert_eq!(read(acq.root.join("index.js")), "console.log('1.1.0')");
    // The scoped name is requested with an encoded slash, as npm does.
    assert_eq!(server.hits("/@acme%2fsrv"), 1);
    let json = serde_json::to_value(&acq.info).unwrap();
    assert_eq!(json["kind"], "npm");
}

#[test]
fn ranges_tags_and_exact_versions_resolve_like_npm() {
    let (server, _, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let o = opts(&server, cache.path());
    let resolved = |spec: &str| acquire(spec, &o).map(|a| a.info.resolved.unwrap());
    assert_eq!(
        resolved("npm:@acme/srv@^1.0.0").unwrap(),
        "@acme/srv@1.1.0",
        "latest wins when it satisfies"
    );
    assert_eq!(resolved("npm:@acme/srv@>=1.2").unwrap(), "@acme/srv@1.2.0");
    assert_eq!(
        resolved("npm:@acme/srv@1.0.0").unwrap(),
        "@acme/srv@1.0.0",
        "shasum fallback"
    );
    let e = resolved("npm:@acme/srv@^5").unwrap_err();
    assert!(matches!(e, SourceError::NotFound(_)));
    assert!(e.to_string().contains("no such version on npm"), "{e}");
}

#[test]
fn tampered_tarball_is_refused_before_extraction() {
    let (server, _, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let e = acquire("npm:@acme/srv@next", &opts(&server, cache.path())).unwrap_err();
    assert!(matches!(e, SourceError::Integrity { .. }), "{e}");
    let msg = e.to_string();
    assert!(
        msg.contains("integrity check failed for @acme/srv@2.0.0-rc.1"),
        "{msg}"
    );
    assert!(msg.contains("refusing to extract"));
    // Nothing from the tampered download reached the cache.
    let blobs = cache.path().join("blobs");
    assert!(!blobs.exists() || std::fs::read_dir(&blobs).unwrap().count() == 0);
}

#[test]
fn missing_package_says_so() {
    let (server, _, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let e = acquire("npm:nope", &opts(&server, cache.path()))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "no such package on npm: nope");
}

#[test]
fn server_errors_are_retried() {
    let (server, _, _) = registry();
    let doc =
        b"{\"dist-tags\":{\"latest\":\"1.0.0\"},\"versions\":{\"1.0.0\":{\"dist\":{}}}}".to_vec();
    server.route_seq(
        "/flaky",
        vec![(503, b"busy".to_vec()), (502, b"busy".to_vec()), (200, doc)],
    );
    let cache = tempfile::tempdir().unwrap();
    let e = acquire("npm:flaky", &opts(&server, cache.path()))
        .unwrap_err()
        .to_string();
    // The document was eventually read (three attempts); it lists no tarball.
    assert_eq!(server.hits("/flaky"), 3);
    assert!(e.contains("no tarball"), "{e}");
    server.route("/down", 500, "x");
    let e = acquire("npm:down", &opts(&server, cache.path()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("HTTP 500"), "{e}");
}

#[test]
fn cache_serves_offline_and_offline_without_cache_is_clear() {
    let (server, v110, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let o = opts(&server, cache.path());
    acquire("npm:@acme/srv@1.1.0", &o).unwrap();
    let tarball_hits = server.hits("/t/srv-1.1.0.tgz");
    // Online again with an exact version: the document is re-read, the tarball comes from cache.
    acquire("npm:@acme/srv@1.1.0", &o).unwrap();
    assert_eq!(server.hits("/t/srv-1.1.0.tgz"), tarball_hits);
    let before = server.requests().len();
    let off = SourceOptions {
        offline: true,
        ..o.clone()
    };
    let acq = acquire("npm:@acme/srv@1.1.0", &off).unwrap();
    assert_eq!(
        server.requests().len(),
        before,
        "offline touched the network"
    );
    assert_eq!(acq.info.digest.as_deref(), Some(sri_sha512(&v110).as_str()));
    assert_eq!(acq.info.resolved.as_deref(), Some("@acme/srv@1.1.0"));
    assert_eq!(read(acq.root.join("index.js")), "console.log('1.1.0')");
    let e = acquire("npm:@acme/srv@1.2.0", &off).unwrap_err();
    assert!(matches!(e, SourceError::Offline(_)));
    assert!(e.to_string().contains("not in the cache"), "{e}");
    // --no-cache neither reads nor writes.
    let fresh = tempfile::tempdir().unwrap();
    let nc = SourceOptions {
        no_cache: true,
        ..opts(&server, fresh.path())
    };
    acquire("npm:@acme/srv@1.2.0", &nc).unwrap();
    assert!(std::fs::read_dir(fresh.path()).unwrap().next().is_none());
}

#[test]
fn corrupted_cache_blob_is_not_used() {
    let (server, _, _) = registry();
    let cache = tempfile::tempdir().unwrap();
    let o = opts(&server, cache.path());
    acquire("npm:@acme/srv@1.1.0", &o).unwrap();
    for e in std::fs::read_dir(cache.path().join("blobs")).unwrap() {
        std::fs::write(e.unwrap().path(), b"evil").unwrap();
    }
    let off = SourceOptions {
        offline: true,
        ..o.clone()
    };
    assert!(matches!(
        acquire("npm:@acme/srv@1.1.0", &off),
        Err(SourceError::Offline(_))
    ));
    let before = server.hits("/t/srv-1.1.0.tgz");
    acquire("npm:@acme/srv@1.1.0", &o).unwrap();
    assert_eq!(
        server.hits("/t/srv-1.1.0.tgz"),
        before + 1,
        "refetched after corruption"
    );
}

#[test]
fn unverifiable_tarball_is_refused() {
    let server = TestServer::start();
    let doc = json!({"dist-tags": {"latest": "1.0.0"},
                     "versions": {"1.0.0": {"dist": {"tarball": server.url("/t.tgz")}}}});
    server.route("/bare", 200, doc.to_string());
    server.route("/t.tgz", 200, tgz(&[TarEntry::File("package/a.js", b"1")]));
    let cache = tempfile::tempdir().unwrap();
    let e = acquire("npm:bare", &opts(&server, cache.path()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no integrity or shasum"), "{e}");
    assert_eq!(server.hits("/t.tgz"), 0);
}
