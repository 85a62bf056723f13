//! Git and GitHub acquisition: repositories built by the test with git2 and fetched over `file://`;
//! the GitHub tarball fallback served by a loopback server.

mod support;

use std::path::Path;

use git2::{Oid, Repository, Signature};
use mcp_scan::source::{SourceError, SourceOptions, TargetKind, acquire};
use support::{TarEntry, TestServer, read, tgz};

/// Builds a tree from `(path, mode, content)`; nested paths create sub-trees.
fn tree(repo: &Repository, entries: &[(&str, i32, &[u8])]) -> Oid {
    let mut root = repo.treebuilder(None).unwrap();
    let mut subdirs: std::collections::BTreeMap<String, Vec<(String, i32, Vec<u8>)>> =
        Default::default();
    for (path, mode, data) in entries {
        match path.split_once('/') {
            Some((dir, rest)) => subdirs.entry(dir.to_string()).or_default().push((
                rest.to_string(),
                *mode,
                data.to_vec(),
            )),
            None => {
                let oid = if *mode == 0o160000 {
                    Oid::from_str(std::str::from_utf8(data).unwrap()).unwrap()
                } else {
                    repo.blob(data).unwrap()
                };
                root.insert(path, oid, *mode).unwrap();
            }
        }
    }
    for (dir, items) in subdirs {
        let borrowed: Vec<(&str, i32, &[u8])> = items
            .iter()
            .map(|(p, m, d)| (p.as_str(), *m, d.as_slice()))
            .collect();
        let sub = tree(repo, &borrowed);
        root.insert(&dir, sub, 0o040000).unwrap();
    }
    root.write().unwrap()
}

fn commit(
    repo: &Repository,
    refname: &str,
    entries: &[(&str, i32, &[u8])],
    parent: Option<Oid>,
) -> Oid {
    let sig = Signature::new("t", "t@example.com", &git2::Time::new(0, 0)).unwrap();
    let t = repo.find_tree(tree(repo, entries)).unwrap();
    let parents: Vec<git2::Commit<'_>> = parent
        .map(|p| repo.find_commit(p).unwrap())
        .into_iter()
        .collect();
    let refs: Vec<&git2::Commit<'_>> = parents.iter().collect();
    repo.commit(Some(refname), &sig, &sig, "c", &t, &refs)
        .unwrap()
}

/// A bare repository: v1 tag on the first commit, `main` (HEAD) one commit later.
fn make_repo(dir: &Path) -> (Oid, Oid) {
    let repo = Repository::init_bare(dir).unwrap();
    let first = commit(
        &repo,
        "refs/heads/main",
        &[("server.py", 0o100644, b"v1")],
        None,
    );
    repo.tag_lightweight("v1", &repo.find_object(first, None).unwrap(), false)
        .unwrap();
    let gitmodules =
        b"[submodule \"vendor/lib\"]\n\tpath = vendor/lib\n\turl = https://example.com/lib.git\n";
    let second = commit(
        &repo,
        "refs/heads/main",
        &[
            ("server.py", 0o100644, b"v2"),
            ("src/tool.js", 0o100755, b"module.exports = {}"),
            ("src/secret", 0o120000, b"../../../../etc/passwd"),
            (".gitmodules", 0o100644, gitmodules),
            (
                "vendor/lib",
                0o160000,
                b"1111111111111111111111111111111111111111",
            ),
        ],
        Some(first),
    );
    repo.set_head("refs/heads/main").unwrap();
    (first, second)
}

fn opts() -> SourceOptions {
    SourceOptions {
        no_cache: true,
        progress: false,
        ..Default::default()
    }
}

#[test]
fn file_url_head_is_checked_out_without_links_or_submodules() {
    let dir = tempfile::tempdir().unwrap();
    let repo_dir = dir.path().join("srv.git");
    let (_, head) = make_repo(&repo_dir);
    let url = format!("file://{}", repo_dir.display());
    let acq = acquire(&url, &opts()).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Git);
    assert_eq!(acq.info.resolved, Some(head.to_string()));
    assert_eq!(acq.info.digest, Some(head.to_string()));
    assert_eq!(read(acq.root.join("server.py")), "v2");
    assert_eq!(read(acq.root.join("src/tool.js")), "module.exports = {}");
    assert!(!acq.root.join(".git").exists());
    assert!(
        std::fs::symlink_metadata(acq.root.join("src/secret")).is_err(),
        "symlink must not be created"
    );
    let link = acq
        .skipped
        .iter()
        .find(|s| s.path == "src/secret")
        .expect("symlink skip");
    assert!(link.reason.contains("outside"), "{}", link.reason);
    let sub = acq
        .skipped
        .iter()
        .find(|s| s.path == "vendor/lib")
        .expect("submodule skip");
    assert!(
        sub.reason.contains("https://example.com/lib.git") && sub.reason.contains("not fetched")
    );
}

#[test]
fn refs_tags_shas_and_bare_paths() {
    let dir = tempfile::tempdir().unwrap();
    let repo_dir = dir.path().join("srv.git");
    let (first, head) = make_repo(&repo_dir);
    let url = format!("file://{}", repo_dir.display());
    let with_ref = |r: &str| SourceOptions {
        git_ref: Some(r.to_string()),
        ..opts()
    };
    let acq = acquire(&url, &with_ref("v1")).unwrap();
    assert_eq!(acq.info.resolved, Some(first.to_string()));
    assert_eq!(read(acq.root.join("server.py")), "v1");
    let acq = acquire(&url, &with_ref("main")).unwrap();
    assert_eq!(acq.info.resolved, Some(head.to_string()));
    let acq = acquire(&url, &with_ref(&first.to_string())).unwrap();
    assert_eq!(read(acq.root.join("server.py")), "v1");
    let acq = acquire(&url, &with_ref(&first.to_string()[..10])).unwrap();
    assert_eq!(acq.info.resolved, Some(first.to_string()));
    // A local bare repository path is a git target too, and works offline.
    let off = SourceOptions {
        offline: true,
        ..with_ref("v1")
    };
    let acq = acquire(repo_dir.to_str().unwrap(), &off).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Git);
    assert_eq!(acq.info.resolved, Some(first.to_string()));
    let e = acquire(&url, &with_ref("nosuch")).unwrap_err();
    assert!(matches!(e, SourceError::NotFound(_)), "{e}");
    assert!(
        e.to_string()
            .contains("no branch, tag or commit named `nosuch`")
    );
}

#[test]
fn git_checkout_respects_limits() {
    let dir = tempfile::tempdir().unwrap();
    let repo_dir = dir.path().join("big.git");
    let repo = Repository::init_bare(&repo_dir).unwrap();
    let big = vec![b'x'; 10_000];
    commit(
        &repo,
        "refs/heads/main",
        &[("big.bin", 0o100644, &big), ("small.py", 0o100644, b"ok")],
        None,
    );
    repo.set_head("refs/heads/main").unwrap();
    let mut o = opts();
    o.limits.max_file_bytes = 1000;
    let acq = acquire(&format!("file://{}", repo_dir.display()), &o).unwrap();
    assert!(!acq.root.join("big.bin").exists());
    assert!(
        acq.skipped
            .iter()
            .any(|s| s.path == "big.bin" && s.reason.contains("larger than 1000"))
    );
    assert_eq!(read(acq.root.join("small.py")), "ok");
}

#[test]
fn github_spec_clones_from_the_configured_base_with_subdir() {
    let dir = tempfile::tempdir().unwrap();
    let (first, _) = make_repo(&dir.path().join("acme/srv.git"));
    let o = SourceOptions {
        github_url: Some(format!("file://{}", dir.path().display())),
        ..opts()
    };
    let acq = acquire("https://github.com/acme/srv/tree/main/src", &o).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Github);
    assert_eq!(
        acq.info.source_url.as_deref(),
        Some("https://github.com/acme/srv")
    );
    assert_eq!(read(acq.root.join("tool.js")), "module.exports = {}");
    let acq = acquire("github:acme/srv@v1", &o).unwrap();
    assert_eq!(acq.info.resolved, Some(first.to_string()));
    let e = acquire("https://github.com/acme/srv/tree/main/nosuchdir", &o)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no `nosuchdir`"), "{e}");
}

#[test]
fn github_falls_back_to_the_tarball_when_git_cannot_run() {
    let server = TestServer::start();
    let sha = "0123456789abcdef0123456789abcdef01234567";
    let tarball = tgz(&[
        TarEntry::GlobalComment(sha),
        TarEntry::File("srv-0123456/index.ts", b"export {}"),
        TarEntry::File("srv-0123456/../../x", b"bad"),
    ]);
    server.route("/acme/srv/tar.gz/main", 200, tarball.clone());
    let cache = tempfile::tempdir().unwrap();
    let token = "ghp_test_token_value_123";
    let o = SourceOptions {
        // Git over plain HTTP to the loopback server gets 404s, so git fails and the tarball is used.
        github_url: Some(server.base.clone()),
        github_codeload: Some(server.base.clone()),
        github_token: Some(token.to_string()),
        cache_dir: Some(cache.path().to_path_buf()),
        progress: false,
        ..Default::default()
    };
    let acq = acquire("github:acme/srv@main", &o).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Github);
    assert_eq!(acq.info.resolved.as_deref(), Some(sha));
    assert_eq!(
        acq.info.digest,
        Some(format!("sha256:{}", support::sha256_hex(&tarball)))
    );
    assert_eq!(read(acq.root.join("index.ts")), "export {}");
    assert!(acq.skipped.iter().any(|s| s.reason.contains("..")));
    let req = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/acme/srv/tar.gz/main")
        .unwrap();
    assert_eq!(
        req.header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    // The token is in neither the report nor the cache.
    let info = serde_json::to_string(&acq.info).unwrap();
    assert!(!info.contains(token) && !format!("{acq:?}").contains(token));
    assert!(
        !format!("{o:?}").contains(token),
        "Debug of the options leaks the token"
    );
    for e in std::fs::read_dir(cache.path().join("index")).unwrap() {
        assert!(!support::read(e.unwrap().path()).contains(token));
    }
    // And the tarball is now available offline.
    let off = SourceOptions {
        offline: true,
        ..o.clone()
    };
    let acq = acquire("github:acme/srv@main", &off).unwrap();
    assert_eq!(acq.info.resolved.as_deref(), Some(sha));
    // A missing repository on both paths is a clear not-found.
    let e = acquire("github:acme/nope", &o).unwrap_err().to_string();
    assert!(
        e.starts_with("no such repository or ref on GitHub: acme/nope@HEAD"),
        "{e}"
    );
}

#[test]
fn remote_git_is_refused_offline() {
    let o = SourceOptions {
        offline: true,
        ..opts()
    };
    let e = acquire("https://git.example.com/r.git", &o).unwrap_err();
    assert!(matches!(e, SourceError::Offline(_)), "{e}");
}

#[test]
fn ref_on_a_non_git_target_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let o = SourceOptions {
        git_ref: Some("main".into()),
        ..opts()
    };
    let e = acquire(dir.path().to_str().unwrap(), &o)
        .unwrap_err()
        .to_string();
    assert!(e.contains("--ref only applies to git"), "{e}");
    let e = acquire("npm:x", &o).unwrap_err().to_string();
    assert!(e.contains("--ref only applies to git"), "{e}");
}

#[test]
fn working_copy_with_ref_is_read_from_git_not_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init(dir.path()).unwrap();
    let c = commit(
        &repo,
        "refs/heads/main",
        &[("server.py", 0o100644, b"committed")],
        None,
    );
    std::fs::write(dir.path().join("server.py"), "uncommitted edit").unwrap();
    let o = SourceOptions {
        git_ref: Some("main".into()),
        ..opts()
    };
    let acq = acquire(dir.path().to_str().unwrap(), &o).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Git);
    assert_eq!(acq.info.resolved, Some(c.to_string()));
    assert_eq!(read(acq.root.join("server.py")), "committed");
    // Without --ref the working copy is scanned in place.
    let acq = acquire(dir.path().to_str().unwrap(), &opts()).unwrap();
    assert_eq!(acq.info.kind, TargetKind::Path);
}

#[test]
fn github_tree_url_with_a_slashed_branch() {
    let dir = tempfile::tempdir().unwrap();
    let repo = Repository::init_bare(dir.path().join("acme/srv.git")).unwrap();
    let c = commit(
        &repo,
        "refs/heads/feature/x",
        &[("src/tool.py", 0o100644, b"feature")],
        None,
    );
    commit(
        &repo,
        "refs/heads/main",
        &[("src/tool.py", 0o100644, b"main")],
        None,
    );
    repo.set_head("refs/heads/main").unwrap();
    let o = SourceOptions {
        github_url: Some(format!("file://{}", dir.path().display())),
        ..opts()
    };
    let acq = acquire("https://github.com/acme/srv/tree/feature/x/src", &o).unwrap();
    assert_eq!(acq.info.resolved, Some(c.to_string()));
    assert_eq!(read(acq.root.join("tool.py")), "feature");
    let acq = acquire("https://github.com/acme/srv/tree/feature/x", &o).unwrap();
    assert_eq!(read(acq.root.join("src/tool.py")), "feature");
}
