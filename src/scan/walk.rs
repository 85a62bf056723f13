//! Walking a target tree: every file is either scanned or listed as skipped with a reason. No ignore
//! file of the target is honoured (a package may ship the very file its `.gitignore` names), links
//! are never followed, and limits bound the cost of one target: file size, file count, total bytes
//! and total time ([`Limits`]).
//!
//! What a limit leaves out is always listed: a file over the size limit by itself; the file at which
//! the file-count limit or the time budget stops the walk, with "this and the rest of the tree"
//! (listing a million files one by one would itself be unbounded).

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::finding::Skip;
use crate::lang::{FileKind, Language, classify_name};

/// Bounds on what one scan (one target) reads and how long it runs.
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
    /// Longest walk and per-file scan of the whole target, in milliseconds; files not reached by
    /// then are listed as skipped and the report is still written.
    pub max_scan_ms: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_file_bytes: 8 * 1024 * 1024,
            max_files: 50_000,
            max_total_bytes: 512 * 1024 * 1024,
            parse_timeout_ms: 5_000,
            max_scan_ms: 600_000,
        }
    }
}

impl Limits {
    /// The instant a scan that starts at `start` must stop reading files.
    pub fn deadline(&self, start: Instant) -> Instant {
        start
            .checked_add(Duration::from_millis(self.max_scan_ms))
            .unwrap_or_else(|| start + Duration::from_secs(100 * 365 * 24 * 3600))
    }

    /// The skip reason of a file not scanned because the time budget ran out.
    pub fn time_budget_reason(&self) -> String {
        format!(
            "over the time budget of {} ms per scan; not scanned",
            self.max_scan_ms
        )
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

/// What a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    /// Files to scan.
    pub entries: Vec<Entry>,
    /// Files (and trees) not scanned, with the reason.
    pub skipped: Vec<Skip>,
    /// Source files refused because they are larger than [`Limits::max_file_bytes`] (also in
    /// `skipped`): the oversized-file check weighs them against the rest of the tree.
    pub too_large: Vec<Entry>,
    /// Whether the file-count limit or the time budget stopped the walk early.
    pub truncated: bool,
}

/// Directories that hold no code of the target: version-control metadata.
const VCS_DIRS: [&str; 3] = [".git", ".hg", ".svn"];

/// Lists the files of `root` (a directory or one file) to scan, and those skipped with reasons.
pub fn walk(root: &Path, limits: &Limits) -> (Vec<Entry>, Vec<Skip>) {
    let w = walk_until(root, limits, limits.deadline(Instant::now()));
    (w.entries, w.skipped)
}

/// [`walk`] that stops at `deadline`, with the detail the scanner needs.
pub fn walk_until(root: &Path, limits: &Limits, deadline: Instant) -> Walked {
    walk_handing_out(root, limits, deadline, &mut |_, _| {})
}

/// [`walk_until`] that hands each file it keeps to `kept`, with its index in `entries`, as soon as
/// the file is listed, so that scanning can start while the walk goes on. Files are handed out in
/// order, each once it has passed the file-count and byte limits.
pub(crate) fn walk_handing_out(
    root: &Path,
    limits: &Limits,
    deadline: Instant,
    kept: &mut dyn FnMut(usize, &Entry),
) -> Walked {
    let mut out = Walked::default();
    if root.is_file() {
        let rel = root.file_name().map_or_else(
            || root.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        consider(root.to_path_buf(), rel, limits, &mut out);
        if let Some(e) = out.entries.first() {
            kept(0, e);
        }
        return out;
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
    // The directory the walker yielded last: the one a path-less error is about (it is yielded,
    // then opened).
    let mut last_dir = String::from(".");
    for item in walker {
        let entry = match item {
            Ok(e) => e,
            Err(err) => {
                let (path, err) = unwrap_path(root, &err);
                out.skipped.push(Skip {
                    path: path.unwrap_or_else(|| last_dir.clone()),
                    reason: format!("unreadable: {}", first_line(&err)),
                });
                continue;
            }
        };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        let rel = rel_of(root, entry.path());
        if ft.is_dir() {
            last_dir.clone_from(&rel);
        }
        if Instant::now() >= deadline {
            out.skipped.push(Skip {
                path: rel,
                reason: format!(
                    "over the time budget of {} ms per scan; this and the rest of the tree were not scanned",
                    limits.max_scan_ms
                ),
            });
            out.truncated = true;
            break;
        }
        if ft.is_symlink() {
            out.skipped.push(Skip {
                path: rel,
                reason: "symbolic link (never followed)".into(),
            });
            continue;
        }
        if !ft.is_file() {
            if !ft.is_dir() {
                out.skipped.push(Skip {
                    path: rel,
                    reason: "not a regular file".into(),
                });
            }
            continue;
        }
        let before = out.entries.len();
        consider(entry.path().to_path_buf(), rel, limits, &mut out);
        if out.entries.len() == before {
            continue;
        }
        if before >= limits.max_files {
            let e = out.entries.pop().expect("just pushed");
            out.skipped.push(Skip {
                path: e.rel,
                reason: format!(
                    "over the limit of {} files per scan; this and the rest of the tree were not scanned",
                    limits.max_files
                ),
            });
            out.truncated = true;
            break;
        }
        let size = out.entries[before].size;
        if total.saturating_add(size) > limits.max_total_bytes {
            // Later, smaller files may still fit: only this one is left out.
            let e = out.entries.pop().expect("just pushed");
            out.skipped.push(Skip {
                path: e.rel,
                reason: format!(
                    "over the limit of {} bytes per scan",
                    limits.max_total_bytes
                ),
            });
            continue;
        }
        total += size;
        kept(before, &out.entries[before]);
    }
    out
}

fn consider(path: PathBuf, rel: String, limits: &Limits, out: &mut Walked) {
    // Classified by a lossy name: a name that is not valid UTF-8 (`\xff.py`) is still Python.
    let name = PathBuf::from(
        path.file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
    );
    let kind = match classify_name(&name) {
        Some(k) => Some(k),
        None if name.extension().is_none() => shebang(&path).map(FileKind::Source),
        None => None,
    };
    let Some(kind) = kind else {
        out.skipped.push(Skip {
            path: rel,
            reason: "not source code or a manifest".into(),
        });
        return;
    };
    // Sized only once it is known to be read (most of a package's files are not).
    let size = std::fs::symlink_metadata(&path)
        .map(|m| m.len())
        .unwrap_or(0);
    let entry = Entry {
        path,
        rel,
        kind,
        size,
    };
    if size > limits.max_file_bytes && kind != FileKind::Special {
        out.skipped.push(Skip {
            path: entry.rel.clone(),
            reason: format!("larger than {} bytes ({size})", limits.max_file_bytes),
        });
        if matches!(kind, FileKind::Source(_)) {
            out.too_large.push(entry);
        }
        return;
    }
    out.entries.push(entry);
}

fn shebang(path: &Path) -> Option<Language> {
    let mut head = [0u8; 128];
    let n = std::fs::File::open(path)
        .and_then(|mut f| f.read(&mut head))
        .ok()?;
    let line = head[..n].split(|b| *b == b'\n').next()?;
    Language::from_shebang(line)
}

/// The relative path (when the error has one) and the bare cause of a walk error: the innermost
/// error, without the absolute path, which for a tree nested past the platform's path limit is
/// itself kilobytes long.
fn unwrap_path(root: &Path, err: &ignore::Error) -> (Option<String>, String) {
    match err {
        ignore::Error::WithPath { path, err } => {
            (Some(rel_of(root, path)), unwrap_path(root, err).1)
        }
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            unwrap_path(root, err)
        }
        ignore::Error::Io(e) => {
            let mut cause: &dyn std::error::Error = e;
            while let Some(inner) = cause.source() {
                cause = inner;
            }
            (None, cause.to_string())
        }
        other => (None, other.to_string()),
    }
}

fn rel_of(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel.to_string_lossy().replace('\\', "/");
    if s.is_empty() { ".".into() } else { s }
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or(s)
}
