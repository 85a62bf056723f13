//! Walking a target tree: every file is either scanned or listed as skipped with a reason. No ignore
//! file of the target is honoured (a package may ship the very file its `.gitignore` names), links
//! are never followed, and limits on file size, file count and total bytes bound the cost.

use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::finding::Skip;
use crate::lang::{FileKind, Language, classify_name};

/// Bounds on what one scan reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest file scanned, in bytes.
    pub max_file_bytes: u64,
    /// Most files scanned.
    pub max_files: usize,
    /// Most bytes scanned in total.
    pub max_total_bytes: u64,
    /// Longest parse of one file, in milliseconds.
    pub parse_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_files: 50_000,
            max_total_bytes: 512 * 1024 * 1024,
            parse_timeout_ms: 5_000,
        }
    }
}

/// A file the walk selected for scanning.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Absolute (or root-joined) path to read.
    pub path: PathBuf,
    /// Path relative to the scanned root, `/`-separated.
    pub rel: String,
    /// What it is.
    pub kind: FileKind,
    /// Its size in bytes.
    pub size: u64,
}

/// Directories that hold no code of the target: version-control metadata.
const VCS_DIRS: [&str; 3] = [".git", ".hg", ".svn"];

/// Lists the files of `root` (a directory or one file) to scan, and those skipped with reasons.
pub fn walk(root: &Path, limits: &Limits) -> (Vec<Entry>, Vec<Skip>) {
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    if root.is_file() {
        let rel = root.file_name().map_or_else(
            || root.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        consider(root.to_path_buf(), rel, limits, &mut entries, &mut skipped);
        return (entries, skipped);
    }
    let walker = ignore::WalkBuilder::new(root)
        .standard_filters(false)
        .hidden(false)
        .ignore(false)
        .git_ignore(false)
        .git_global(false)
        .git_exclude(false)
        .parents(false)
        .follow_links(false)
        .sort_by_file_name(std::cmp::Ord::cmp)
        .filter_entry(|e| {
            !(e.depth() > 0
                && e.file_type().is_some_and(|t| t.is_dir())
                && VCS_DIRS.iter().any(|d| e.file_name() == *d))
        })
        .build();
    let mut total: u64 = 0;
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(err) => {
                let path = match &err {
                    ignore::Error::WithPath { path, .. } => rel_of(root, path),
                    _ => String::from("?"),
                };
                skipped.push(Skip {
                    path,
                    reason: format!("unreadable: {}", first_line(&err.to_string())),
                });
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let rel = rel_of(root, entry.path());
        if ft.is_symlink() {
            skipped.push(Skip {
                path: rel,
                reason: "symbolic link (never followed)".into(),
            });
            continue;
        }
        if !ft.is_file() {
            if !ft.is_dir() {
                skipped.push(Skip {
                    path: rel,
                    reason: "not a regular file".into(),
                });
            }
            continue;
        }
        if entries.len() >= limits.max_files {
            skipped.push(Skip {
                path: rel,
                reason: format!("over the limit of {} files per scan", limits.max_files),
            });
            continue;
        }
        let before = entries.len();
        consider(
            entry.path().to_path_buf(),
            rel,
            limits,
            &mut entries,
            &mut skipped,
        );
        if let Some(e) = entries.get(before) {
            total += e.size;
            if total > limits.max_total_bytes {
                let e = entries.pop().expect("just pushed");
                skipped.push(Skip {
                    path: e.rel,
                    reason: format!(
                        "over the limit of {} bytes per scan",
                        limits.max_total_bytes
                    ),
                });
            }
        }
    }
    (entries, skipped)
}

fn consider(
    path: PathBuf,
    rel: String,
    limits: &Limits,
    entries: &mut Vec<Entry>,
    skipped: &mut Vec<Skip>,
) {
    let size = std::fs::symlink_metadata(&path)
        .map(|m| m.len())
        .unwrap_or(0);
    let kind = match classify_name(&path) {
        Some(k) => Some(k),
        None if path.extension().is_none() => shebang(&path).map(FileKind::Source),
        None => None,
    };
    let Some(kind) = kind else {
        skipped.push(Skip {
            path: rel,
            reason: "not source code or a manifest".into(),
        });
        return;
    };
    if size > limits.max_file_bytes && kind != FileKind::Special {
        skipped.push(Skip {
            path: rel,
            reason: format!("larger than {} bytes ({size})", limits.max_file_bytes),
        });
        return;
    }
    entries.push(Entry {
        path,
        rel,
        kind,
        size,
    });
}

fn shebang(path: &Path) -> Option<Language> {
    let mut head = [0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    let line = head[..n].split(|b| *b == b'\n').next()?;
    Language::from_shebang(line)
}

fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
