//! PyPI acquisition against a loopback JSON API: sdist first, pure wheel otherwise, sha256 checked.

mod support;

use mcp_scan::source::{SourceError, SourceOptions, TargetKind, acquire};
use serde_json::{Value, json};
use support::{TarEntry, TestServer, read, sha256_hex, tgz, zip_bytes};

fn file(server: &TestServer, name: &str, kind: &str, bytes: &[u8]) -> Value {
    json!({"filename": name, "packagetype": kind, "url": server.url(&format!("/files/{name}")),
           "digests": {"sha256": sha256_hex(bytes)}, "yanked": false})
}

fn opts(server: &TestServer) -> SourceOptions {
    SourceOptions {
        pypi_index: Some(format!("{}/simple/", server.base)),
        no_cache: true,
        progress: false,
        ..Default::default()
    }
}

#[test]
fn latest_sdist_is_fetched_verified_and_stripped() {
    let server = TestServer::start();
    let sdist = tgz(&[
        TarEntry::File(
            "mcp_server_time-0.6.2/pyproject.toml",
            b"[project]\nname='mcp-server-time'",
        ),
        TarEntry::File(
            "mcp_server_time-0.6.2/src/mcp_server_time/server.py",
            b"import datetime",
        ),
    ]);
    let wheel = zip_bytes(&[("mcp_server_time/server.py", Some(b"wheel"))]);
    let doc = json!({"info": {"name": "mcp-server-time", "version": "0.6.2"}, "urls": [
        file(&server, "mcp_server_time-0.6.2-py3-none-any.whl", "bdist_wheel", &wheel),
        file(&server, "mcp_server_time-0.6.2.tar.gz", "sdist", &sdist),
    ]});
    // The name is PEP 503-normalised before it is requested; `/simple/` is stripped from the index.
    server.route("/pypi/mcp-server-time/json", 200, doc.to_string());
    server.route("/files/mcp_server_time-0.6.2.tar.gz", 200, sdist.clone());
    let acq = acquire("pypi:MCP_Server.Time", &opts(&server)).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Pypi);
    assert_eq!(acq.info.resolved.as_deref(), Some("mcp-server-time==0.6.2"));
    assert_eq!(
        acq.info.digest,
        Some(format!("sha256:{}", sha256_hex(&sdist)))
    );
    assert_eq!(
        read(acq.root.join("src/mcp_server_time/server.py")),
        "import datetime"
    );
}

#[test]
fn pinned_version_with_only_a_pure_wheel() {
    let server = TestServer::start();
    let wheel = zip_bytes(&[
        ("pkg/__init__.py", Some(b"x = 1")),
        ("pkg-1.0.dist-info/METADATA", Some(b"Name: pkg")),
    ]);
    let native = b"native".to_vec();
    let doc = json!({"info": {"name": "pkg", "version": "1.0"}, "urls": [
        file(&server, "pkg-1.0-cp312-cp312-manylinux_x86_64.whl", "bdist_wheel", &native),
        file(&server, "pkg-1.0-py2.py3-none-any.whl", "bdist_wheel", &wheel),
    ]});
    server.route("/pypi/pkg/1.0/json", 200, doc.to_string());
    server.route("/files/pkg-1.0-py2.py3-none-any.whl", 200, wheel);
    let acq = acquire("pypi:pkg==1.0", &opts(&server)).unwrap();
    assert_eq!(acq.info.resolved.as_deref(), Some("pkg==1.0"));
    assert_eq!(read(acq.root.join("pkg/__init__.py")), "x = 1");
    assert_eq!(
        server.hits("/files/pkg-1.0-cp312-cp312-manylinux_x86_64.whl"),
        0
    );
}

#[test]
fn sha256_mismatch_is_refused() {
    let server = TestServer::start();
    let real = tgz(&[TarEntry::File("p-1/a.py", b"a")]);
    let mut doc =
        json!({"info": {"version": "1"}, "urls": [file(&server, "p-1.tar.gz", "sdist", &real)]});
    doc["urls"][0]["digests"]["sha256"] = json!(sha256_hex(b"something else"));
    server.route("/pypi/p/json", 200, doc.to_string());
    server.route("/files/p-1.tar.gz", 200, real);
    let e = acquire("pypi:p", &opts(&server)).unwrap_err();
    assert!(matches!(e, SourceError::Integrity { .. }), "{e}");
}

#[test]
fn missing_project_and_version_say_so() {
    let server = TestServer::start();
    let e = acquire("pypi:nope", &opts(&server))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "no such package on PyPI: nope");
    let e = acquire("pypi:nope==9", &opts(&server))
        .unwrap_err()
        .to_string();
    assert_eq!(e, "no such package/version on PyPI: nope==9");
}

#[test]
fn binary_only_release_is_refused_clearly() {
    let server = TestServer::start();
    let doc = json!({"info": {"version": "1"}, "urls": [file(&server, "n-1-cp312-cp312-win_amd64.whl", "bdist_wheel", b"x")]});
    server.route("/pypi/n/json", 200, doc.to_string());
    let e = acquire("pypi:n", &opts(&server)).unwrap_err().to_string();
    assert!(e.contains("no sdist or pure-Python wheel"), "{e}");
}

#[test]
fn relative_file_links_from_mirrors_are_resolved() {
    let server = TestServer::start();
    let sdist = tgz(&[TarEntry::File("rel-2/a.py", b"a")]);
    let mut f = file(&server, "rel-2.tar.gz", "sdist", &sdist);
    f["url"] = json!("../../../files/rel-2.tar.gz");
    let doc = json!({"info": {"version": "2"}, "urls": [f]});
    server.route("/pypi/rel/2/json", 200, doc.to_string());
    server.route("/files/rel-2.tar.gz", 200, sdist);
    let acq = acquire("pypi:rel==2", &opts(&server)).unwrap();
    assert_eq!(acq.info.source_url, Some(server.url("/files/rel-2.tar.gz")));
    assert_eq!(read(acq.root.join("a.py")), "a");
}

#[test]
fn index_credentials_are_used_but_never_reported() {
    let server = TestServer::start();
    let sdist = tgz(&[TarEntry::File("priv-1/a.py", b"a")]);
    let mut f = file(&server, "priv-1.tar.gz", "sdist", &sdist);
    f["url"] = json!("../../files/priv-1.tar.gz");
    server.route(
        "/pypi/priv/json",
        200,
        json!({"info": {"version": "1"}, "urls": [f]}).to_string(),
    );
    server.route("/files/priv-1.tar.gz", 200, sdist);
    let index = server.base.replace("http://", "http://me:s3cret@") + "/simple";
    let cache = tempfile::tempdir().unwrap();
    let o = SourceOptions {
        pypi_index: Some(index),
        cache_dir: Some(cache.path().to_path_buf()),
        progress: false,
        ..Default::default()
    };
    let acq = acquire("pypi:priv", &o).unwrap();
    let doc_req = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/pypi/priv/json")
        .unwrap();
    assert!(
        doc_req
            .header("authorization")
            .is_some_and(|h| h.starts_with("Basic "))
    );
    let info = serde_json::to_string(&acq.info).unwrap();
    assert!(!info.contains("s3cret"), "{info}");
    for e in std::fs::read_dir(cache.path().join("index")).unwrap() {
        assert!(!read(e.unwrap().path()).contains("s3cret"));
    }
    let e = acquire("pypi:nope", &o).unwrap_err().to_string();
    assert!(!e.contains("s3cret"), "{e}");
    server.route("/pypi/down/json", 500, "x");
    let e = acquire("pypi:down", &o).unwrap_err().to_string();
    assert!(e.contains("HTTP 500") && !e.contains("s3cret"), "{e}");
}
