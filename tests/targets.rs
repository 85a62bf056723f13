//! A git repository and an archive of a server scan exactly like the folder they came from, through
//! the same command line a user types; provenance lands in the report's `target`.

use std::path::Path;

use mcp_scan::cli::run_with_args;

fn scan_json(target: &str) -> (u8, serde_json::Value) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = run_with_args(
        ["mcp-scan", target, "-f", "json", "--no-cache"],
        &mut out,
        &mut err,
    );
    let text = String::from_utf8(out).unwrap();
    assert!(
        code != 2,
        "scan of {target} failed: {}",
        String::from_utf8_lossy(&err)
    );
    (code, serde_json::from_str(&text).unwrap())
}

/// (rule, file, line, tool) of every finding, and every tool name: what must not change.
fn essence(r: &serde_json::Value) -> (Vec<String>, Vec<String>) {
    let findings = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}:{} {}", f["rule"], f["file"], f["line"], f["tool"]))
        .collect();
    let tools = r["tools"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].to_string())
        .collect();
    (findings, tools)
}

fn sample() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers/py-calculator-fork")
}

fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_file() {
            out.push((
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn archive_scans_like_the_folder() {
    let (code, folder) = scan_json(sample().to_str().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let tgz = tmp.path().join("calculator-1.0.0.tgz");
    let enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&tgz).unwrap(),
        flate2::Compression::default(),
    );
    let mut tar = tar::Builder::new(enc);
    for (name, bytes) in files(&sample()) {
        let mut h = tar::Header::new_gnu();
        h.set_size(bytes.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        tar.append_data(&mut h, format!("package/{name}"), bytes.as_slice())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    let (code2, archive) = scan_json(tgz.to_str().unwrap());
    assert_eq!(code, code2);
    assert_eq!(essence(&folder), essence(&archive));
    assert_eq!(archive["target"]["kind"], "archive");
    assert!(
        archive["target"]["digest"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
}

#[test]
fn git_repository_scans_like_the_folder() {
    let (_, folder) = scan_json(sample().to_str().unwrap());
    let tmp = tempfile::tempdir().unwrap();
    let repo = git2::Repository::init(tmp.path()).unwrap();
    for (name, bytes) in files(&sample()) {
        std::fs::write(tmp.path().join(&name), bytes).unwrap();
    }
    let mut index = repo.index().unwrap();
    index
        .add_all(["*"], git2::IndexAddOption::DEFAULT, None)
        .unwrap();
    index.write().unwrap();
    let tree = repo.find_tree(index.write_tree().unwrap()).unwrap();
    let sig = git2::Signature::now("t", "t@example.invalid").unwrap();
    let commit = repo
        .commit(Some("HEAD"), &sig, &sig, "sample", &tree, &[])
        .unwrap();
    let url = format!("file://{}", tmp.path().display());
    let (_, git) = scan_json(&url);
    assert_eq!(essence(&folder), essence(&git));
    assert_eq!(git["target"]["kind"], "git");
    assert_eq!(
        git["target"]["resolved"].as_str().unwrap(),
        commit.to_string()
    );
}
