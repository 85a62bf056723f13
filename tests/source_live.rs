//! Live tests against the real npm registry and PyPI. They run only with `MCP_SCAN_LIVE=1`;
//! otherwise they return at once with a note, so the default test run stays hermetic.

use mcp_scan::source::{SourceOptions, TargetKind, acquire};

fn live() -> bool {
    if std::env::var("MCP_SCAN_LIVE").as_deref() == Ok("1") {
        true
    } else {
        eprintln!("skipped: set MCP_SCAN_LIVE=1 to reach the real registries");
        false
    }
}

fn opts(cache: &std::path::Path) -> SourceOptions {
    SourceOptions {
        cache_dir: Some(cache.to_path_buf()),
        progress: false,
        ..Default::default()
    }
}

#[test]
fn live_npm_server_memory() {
    if !live() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let acq = acquire(
        "npm:@modelcontextprotocol/server-memory",
        &opts(cache.path()),
    )
    .unwrap();
    assert_eq!(acq.info.kind, TargetKind::Npm);
    let resolved = acq.info.resolved.clone().unwrap();
    assert!(
        resolved.starts_with("@modelcontextprotocol/server-memory@"),
        "{resolved}"
    );
    assert!(acq.info.digest.as_deref().unwrap().starts_with("sha512-"));
    assert!(acq.root.join("package.json").is_file());
    // The same exact version again, offline, from the cache.
    let spec = format!("npm:{resolved}");
    let off = SourceOptions {
        offline: true,
        ..opts(cache.path())
    };
    let again = acquire(&spec, &opts(cache.path())).unwrap();
    assert_eq!(again.info.digest, acq.info.digest);
    let offline = acquire(&spec, &off).unwrap();
    assert_eq!(offline.info.digest, acq.info.digest);
}

#[test]
fn live_pypi_mcp_server_time() {
    if !live() {
        return;
    }
    let cache = tempfile::tempdir().unwrap();
    let acq = acquire("pypi:mcp-server-time", &opts(cache.path())).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Pypi);
    assert!(
        acq.info
            .resolved
            .as_deref()
            .unwrap()
            .starts_with("mcp-server-time==")
    );
    assert!(acq.info.digest.as_deref().unwrap().starts_with("sha256:"));
    assert!(std::fs::read_dir(&acq.root).unwrap().count() > 0);
    let e = acquire("pypi:mcp-server-time==0.0.0.0.0", &opts(cache.path()))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no such package/version on PyPI"), "{e}");
    let e = acquire(
        "npm:@modelcontextprotocol/server-memory@99.99.99",
        &opts(cache.path()),
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("no such version on npm"), "{e}");
}
