//! Safe extraction of untrusted archives (`.tar.gz`/`.tgz`, `.tar`, `.zip`, `.whl`) and the shared
//! bounded tree writer that the git checkout uses too.
//!
//! Everything an archive says is treated as hostile: entry names are checked component by component
//! (no absolute paths, no `..`, no drive prefixes, no `.git`), links are never created (they are
//! recorded as skips), and sizes are counted from the bytes actually copied, never from headers.
//! Limits on total bytes, entry count, per-file size and compression ratio stop bombs; every hit is a
//! [`Skip`] with a reason, and the rest of the archive is still extracted where that is meaningful.

use std::cell::Cell;
use std::collections::BTreeSet;
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Component, Path, PathBuf};
use std::rc::Rc;

use super::SourceError;
use crate::finding::Skip;

/// Below this many extracted bytes the compression-ratio check does not fire: tiny archives of
/// repetitive text legitimately compress very well.
const RATIO_FLOOR_BYTES: u64 = 1024 * 1024;

/// Deepest entry path accepted, in components. Real packages stay far below; a 10 000-level path
/// would cost one `stat` per level per entry and exceed the platform's path limit anyway.
pub(crate) const MAX_PATH_DEPTH: usize = 128;

/// Longest entry name accepted, in bytes (the usual `PATH_MAX`).
pub(crate) const MAX_NAME_BYTES: usize = 4096;

/// Bounds on what extracting one archive (or checking out one git tree) may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Total bytes written across all files.
    pub max_total_bytes: u64,
    /// Number of entries (files, directories, links, anything) looked at.
    pub max_entries: u64,
    /// Bytes of any single file; larger files are skipped, the rest continues.
    pub max_file_bytes: u64,
    /// Largest allowed ratio of expanded bytes to archive bytes (compression bombs).
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_total_bytes: 512 * 1024 * 1024,
            max_entries: 100_000,
            max_file_bytes: 64 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

/// The container formats [`extract_archive`] understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArchiveFormat {
    /// gzip-compressed tar (`.tgz`, `.tar.gz`, npm tarballs, sdists).
    TarGz,
    /// Plain tar.
    Tar,
    /// zip, including Python wheels.
    Zip,
}

impl ArchiveFormat {
    /// The format a file name's extension suggests, if any.
    pub fn from_name(name: &str) -> Option<ArchiveFormat> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".tgz") || lower.ends_with(".tar.gz") {
            Some(ArchiveFormat::TarGz)
        } else if lower.ends_with(".tar") {
            Some(ArchiveFormat::Tar)
        } else if lower.ends_with(".zip") || lower.ends_with(".whl") {
            Some(ArchiveFormat::Zip)
        } else {
            None
        }
    }

    /// The format the first bytes of a file show (gzip, zip or ustar magic), if any.
    pub fn sniff(head: &[u8]) -> Option<ArchiveFormat> {
        if head.starts_with(&[0x1f, 0x8b]) {
            Some(ArchiveFormat::TarGz)
        } else if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
            Some(ArchiveFormat::Zip)
        } else if head.len() >= 262 && &head[257..262] == b"ustar" {
            Some(ArchiveFormat::Tar)
        } else {
            None
        }
    }
}

/// What an extraction produced beyond the files themselves.
#[derive(Debug, Default)]
pub(crate) struct Extracted {
    /// Entries not written, with the reason.
    pub skipped: Vec<Skip>,
    /// The `comment` of a tar global pax header (git archive stores the commit id there).
    pub pax_comment: Option<String>,
}

/// Extracts `archive` into the directory `dest` (created if missing; it should be empty), safely and within `limits`.
///
/// The format is taken from the file's magic bytes, else its extension. When every entry shares one
/// top-level directory (npm's `package/`, an sdist's `name-version/`), that directory is stripped.
/// Hazardous entries are not written and are returned as skips; only an unreadable or unrecognised
/// archive is an error.
pub fn extract_archive(
    archive: &Path,
    dest: &Path,
    limits: &Limits,
) -> Result<Vec<Skip>, SourceError> {
    Ok(extract_detailed(archive, None, dest, limits)?.skipped)
}

/// [`extract_archive`] with an optional format hint and the extra details acquisition needs.
pub(crate) fn extract_detailed(
    archive: &Path,
    hint: Option<ArchiveFormat>,
    dest: &Path,
    limits: &Limits,
) -> Result<Extracted, SourceError> {
    let display = archive.display().to_string();
    let mut file = File::open(archive)
        .map_err(|e| SourceError::io(format!("cannot open archive {display}"), e))?;
    let archive_len = file
        .metadata()
        .map_err(|e| SourceError::io(format!("cannot read archive {display}"), e))?
        .len();
    let mut head = [0u8; 512];
    let mut got = 0;
    while got < head.len() {
        match file.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) => return Err(SourceError::io(format!("cannot read archive {display}"), e)),
        }
    }
    file.seek(SeekFrom::Start(0))
        .map_err(|e| SourceError::io(format!("cannot read archive {display}"), e))?;
    let name = archive
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = ArchiveFormat::sniff(&head[..got])
        .or(hint)
        .or_else(|| ArchiveFormat::from_name(&name))
        .ok_or_else(|| {
            SourceError::Archive(format!("{display} is not a .tar.gz, .tar or .zip archive"))
        })?;

    fs::create_dir_all(dest)
        .map_err(|e| SourceError::io(format!("cannot create {}", dest.display()), e))?;
    let mut writer = TreeWriter::new(dest, *limits, archive_len);
    let mut pax_comment = None;
    match format {
        ArchiveFormat::TarGz => {
            let gz = flate2::read::GzDecoder::new(BufReader::new(file));
            pax_comment = extract_tar(gz, &mut writer, &name)?;
        }
        ArchiveFormat::Tar => {
            pax_comment = extract_tar(BufReader::new(file), &mut writer, &name)?;
        }
        ArchiveFormat::Zip => extract_zip(file, &mut writer, &name)?,
    }
    writer.strip_single_top()?;
    Ok(Extracted {
        skipped: writer.skipped,
        pax_comment,
    })
}

/// A reader that fails once more than `budget` bytes went through it: skipping a tar entry whose
/// header claims terabytes would otherwise decompress all of them.
struct Budgeted<R> {
    inner: R,
    read: u64,
    budget: u64,
    /// Set once the budget is exceeded, since the tar reader may rewrap the error.
    tripped: Rc<Cell<bool>>,
}

impl<R: Read> Read for Budgeted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.read > self.budget {
            self.tripped.set(true);
            return Err(io::Error::other(BudgetExceeded));
        }
        let n = self.inner.read(buf)?;
        self.read += n as u64;
        Ok(n)
    }
}

#[derive(Debug)]
struct BudgetExceeded;

impl std::fmt::Display for BudgetExceeded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("archive expands past the extraction limits")
    }
}

impl std::error::Error for BudgetExceeded {}

fn is_budget_error(e: &io::Error) -> bool {
    e.get_ref()
        .is_some_and(|inner| inner.is::<BudgetExceeded>())
}

fn extract_tar<R: Read>(
    reader: R,
    w: &mut TreeWriter,
    display: &str,
) -> Result<Option<String>, SourceError> {
    // Decompressed input may exceed what is written (skipped entries, headers), but not by much
    // more than the limits allow; beyond that it is a bomb.
    let budget = w
        .ratio_cap()
        .min(w.limits.max_total_bytes)
        .saturating_mul(2)
        .saturating_add(64 * 1024 * 1024);
    let tripped = Rc::new(Cell::new(false));
    let budgeted = Budgeted {
        inner: reader,
        read: 0,
        budget,
        tripped: tripped.clone(),
    };
    let mut ar = tar::Archive::new(budgeted);
    let entries = ar.entries().map_err(|e| {
        SourceError::Archive(format!("{display} is not a readable tar archive: {e}"))
    })?;
    let mut pax_comment = None;
    let mut seen_any = false;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let bomb = tripped.get() || is_budget_error(&e);
                if !seen_any && !bomb {
                    return Err(SourceError::Archive(format!(
                        "{display} is not a readable tar archive: {e}"
                    )));
                }
                let reason = if bomb {
                    w.bomb_reason()
                } else {
                    format!(
                        "archive is corrupt or truncated here ({e}); the rest was not extracted"
                    )
                };
                w.skip(display, reason);
                break;
            }
        };
        seen_any = true;
        let kind = entry.header().entry_type();
        if kind == tar::EntryType::XGlobalHeader {
            if let Ok(Some(exts)) = entry.pax_extensions() {
                for ext in exts.flatten() {
                    if ext.key() == Ok("comment") {
                        if let Ok(v) = ext.value() {
                            pax_comment = Some(v.trim().to_string());
                        }
                    }
                }
            }
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if !w.count_entry(&name) {
            break;
        }
        let flow = match kind {
            tar::EntryType::Regular | tar::EntryType::Continuous | tar::EntryType::GNUSparse => {
                // GNU sparse data is written as stored; it is still bounded like any file.
                let declared = entry.size();
                w.write_file(&name, &mut entry, Some(declared))
            }
            tar::EntryType::Directory => {
                w.make_dir(&name);
                Flow::Continue
            }
            tar::EntryType::Symlink | tar::EntryType::Link => {
                let target = entry
                    .link_name_bytes()
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
                    .unwrap_or_default();
                w.skip_link(&name, &target, kind == tar::EntryType::Link);
                Flow::Continue
            }
            other => {
                w.skip(
                    &name,
                    format!("special tar entry ({other:?}), not extracted"),
                );
                Flow::Continue
            }
        };
        if flow == Flow::Stop {
            break;
        }
    }
    Ok(pax_comment)
}

fn extract_zip(file: File, w: &mut TreeWriter, display: &str) -> Result<(), SourceError> {
    let mut zip = zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        SourceError::Archive(format!("{display} is not a readable zip archive: {e}"))
    })?;
    for i in 0..zip.len() {
        let mut f = match zip.by_index(i) {
            Ok(f) => f,
            Err(e) => {
                w.skip(
                    &format!("{display}#{i}"),
                    format!("unreadable zip entry: {e}"),
                );
                continue;
            }
        };
        let name = f.name().to_string();
        if !w.count_entry(&name) {
            break;
        }
        let flow = if f.is_symlink() {
            let mut target = Vec::new();
            let _ = (&mut f).take(4096).read_to_end(&mut target);
            w.skip_link(&name, &String::from_utf8_lossy(&target), false);
            Flow::Continue
        } else if f.is_dir() {
            w.make_dir(&name);
            Flow::Continue
        } else {
            w.write_file(&name, &mut f, None)
        };
        if flow == Flow::Stop {
            break;
        }
    }
    Ok(())
}

/// Whether extraction goes on after an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flow {
    Continue,
    Stop,
}

/// Writes an untrusted tree under `dest` entry by entry, enforcing path safety and [`Limits`].
pub(crate) struct TreeWriter {
    dest: PathBuf,
    limits: Limits,
    /// Size of the compressed input, for the ratio check (0 = no ratio check).
    input_len: u64,
    total: u64,
    entries: u64,
    /// First path component of every entry seen, to decide on stripping.
    tops: BTreeSet<String>,
    /// Whether some entry sits directly at the top level (a file, not under a directory).
    top_level_file: bool,
    stopped: bool,
    /// Relative directories already checked or created (one `stat` per level, not per entry).
    dirs: BTreeSet<PathBuf>,
    pub skipped: Vec<Skip>,
}

impl TreeWriter {
    /// A writer into `dest` (which must exist); `input_len` is the compressed size, or 0.
    pub fn new(dest: &Path, limits: Limits, input_len: u64) -> Self {
        TreeWriter {
            dest: dest.to_path_buf(),
            limits,
            input_len,
            total: 0,
            entries: 0,
            tops: BTreeSet::new(),
            top_level_file: false,
            stopped: false,
            dirs: BTreeSet::new(),
            skipped: Vec::new(),
        }
    }

    /// Bytes the ratio limit allows in total.
    fn ratio_cap(&self) -> u64 {
        if self.input_len == 0 {
            u64::MAX
        } else {
            self.input_len
                .saturating_mul(self.limits.max_ratio)
                .max(RATIO_FLOOR_BYTES)
        }
    }

    fn bomb_reason(&self) -> String {
        format!(
            "archive expands more than {}x its size (compression bomb); the rest was not extracted",
            self.limits.max_ratio
        )
    }

    /// Records a skip.
    pub fn skip(&mut self, path: &str, reason: impl Into<String>) {
        self.skipped.push(Skip {
            path: path.to_string(),
            reason: reason.into(),
        });
    }

    /// Counts one entry; false (and a skip) once the entry limit is passed.
    pub fn count_entry(&mut self, name: &str) -> bool {
        if self.stopped {
            return false;
        }
        self.entries += 1;
        if self.entries > self.limits.max_entries {
            self.skip(
                name,
                format!(
                    "more than {} entries; this and the remaining entries were not extracted",
                    self.limits.max_entries
                ),
            );
            self.stopped = true;
            return false;
        }
        true
    }

    /// Records a link entry as skipped; links are never created.
    pub fn skip_link(&mut self, name: &str, target: &str, hard: bool) {
        let what = if hard { "hardlink" } else { "symlink" };
        let escapes = link_escapes(name, target, hard);
        let reason = if escapes {
            format!("{what} to `{target}` points outside the tree; not created")
        } else {
            format!("{what} to `{target}`; links are never created")
        };
        if let Ok(rel) = safe_relative(name) {
            self.note_top(&rel, false);
        }
        self.skip(name, reason);
    }

    fn note_top(&mut self, rel: &Path, is_dir: bool) {
        let mut comps = rel.components();
        if let Some(first) = comps.next() {
            self.tops
                .insert(first.as_os_str().to_string_lossy().into_owned());
            if comps.next().is_none() && !is_dir {
                self.top_level_file = true;
            }
        }
    }

    /// Creates a directory entry.
    pub fn make_dir(&mut self, name: &str) {
        let rel = match safe_relative(name) {
            Ok(rel) => rel,
            Err(reason) => return self.skip(name, reason),
        };
        if rel.as_os_str().is_empty() {
            return;
        }
        self.note_top(&rel, true);
        if let Err(e) = self.create_parents(&rel.join("x")) {
            self.skip(name, format!("cannot create directory: {e}"));
        }
    }

    fn create_parents(&mut self, rel: &Path) -> io::Result<()> {
        let Some(parent) = rel.parent() else {
            return Ok(());
        };
        if parent.as_os_str().is_empty() || self.dirs.contains(parent) {
            return Ok(());
        }
        let mut at = self.dest.clone();
        {
            for comp in parent.components() {
                at.push(comp);
                match fs::symlink_metadata(&at) {
                    Ok(m) if m.is_dir() => {}
                    Ok(_) => {
                        return Err(io::Error::other(format!(
                            "{} is not a directory",
                            at.display()
                        )));
                    }
                    Err(_) => fs::create_dir(&at)?,
                }
            }
        }
        // Directories are never removed or replaced while writing, so a checked one stays one.
        self.dirs.insert(parent.to_path_buf());
        Ok(())
    }

    /// Copies one file from `data`, counting the actual bytes; skips it when a limit is hit, or when
    /// fewer bytes than `declared` arrive (a truncated entry is not scanned as if it were whole).
    pub fn write_file(&mut self, name: &str, data: &mut dyn Read, declared: Option<u64>) -> Flow {
        if self.stopped {
            return Flow::Stop;
        }
        let rel = match safe_relative(name) {
            Ok(rel) if !rel.as_os_str().is_empty() => rel,
            Ok(_) => {
                self.skip(name, "file entry with an empty name");
                return Flow::Continue;
            }
            Err(reason) => {
                self.skip(name, reason);
                return Flow::Continue;
            }
        };
        self.note_top(&rel, false);
        if let Err(e) = self.create_parents(&rel) {
            self.skip(name, format!("cannot create parent directory: {e}"));
            return Flow::Continue;
        }
        let path = self.dest.join(&rel);
        if let Ok(m) = fs::symlink_metadata(&path) {
            if !m.is_file() {
                self.skip(name, "an entry of another kind already has this name");
                return Flow::Continue;
            }
        }
        let mut out = match File::create(&path) {
            Ok(f) => f,
            Err(e) => {
                self.skip(name, format!("cannot create file: {e}"));
                return Flow::Continue;
            }
        };
        let ratio_cap = self.ratio_cap();
        let mut written: u64 = 0;
        let mut buf = vec![0u8; 64 * 1024];
        let outcome: Result<(), (String, Flow)> = loop {
            let n = match data.read(&mut buf) {
                Ok(0) => match declared {
                    Some(d) if d != written => {
                        break Err((
                            format!("entry data is truncated ({written} of {d} bytes)"),
                            Flow::Stop,
                        ));
                    }
                    _ => break Ok(()),
                },
                Ok(n) => n as u64,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if is_budget_error(&e) => break Err((self.bomb_reason(), Flow::Stop)),
                Err(e) => break Err((format!("unreadable entry data: {e}"), Flow::Continue)),
            };
            written += n;
            if written > self.limits.max_file_bytes {
                break Err((
                    format!(
                        "file larger than {} bytes; not extracted",
                        self.limits.max_file_bytes
                    ),
                    Flow::Continue,
                ));
            }
            if self.total + written > self.limits.max_total_bytes {
                break Err((
                    format!(
                        "extraction would exceed {} bytes in total; this and the remaining entries were not extracted",
                        self.limits.max_total_bytes
                    ),
                    Flow::Stop,
                ));
            }
            if self.total + written > ratio_cap {
                break Err((self.bomb_reason(), Flow::Stop));
            }
            if let Err(e) = out.write_all(&buf[..n as usize]) {
                break Err((format!("cannot write file: {e}"), Flow::Continue));
            }
        };
        drop(out);
        match outcome {
            Ok(()) => {
                self.total += written;
                Flow::Continue
            }
            Err((reason, flow)) => {
                let _ = fs::remove_file(&path);
                self.skip(name, reason);
                if flow == Flow::Stop {
                    self.stopped = true;
                }
                flow
            }
        }
    }

    /// When everything extracted lives under one top-level directory, moves its content up.
    pub fn strip_single_top(&mut self) -> Result<(), SourceError> {
        if self.tops.len() != 1 || self.top_level_file {
            return Ok(());
        }
        let top = self.tops.iter().next().cloned().unwrap_or_default();
        let top_path = self.dest.join(&top);
        match fs::symlink_metadata(&top_path) {
            Ok(m) if m.is_dir() => {}
            _ => return Ok(()),
        }
        // The staging name must not collide with anything inside the directory being lifted.
        let mut n = 0u32;
        let staging_name = loop {
            let candidate = format!(".mcp-scan-strip-{n}");
            if fs::symlink_metadata(top_path.join(&candidate)).is_err() && candidate != top {
                break candidate;
            }
            n += 1;
        };
        let staging = self.dest.join(staging_name);
        let err = |e| SourceError::io("cannot rearrange the extracted tree".to_string(), e);
        fs::rename(&top_path, &staging).map_err(err)?;
        for child in fs::read_dir(&staging).map_err(err)? {
            let child = child.map_err(err)?;
            fs::rename(child.path(), self.dest.join(child.file_name())).map_err(err)?;
        }
        fs::remove_dir(&staging).map_err(err)?;
        Ok(())
    }
}

/// Checks an entry name from an untrusted source and turns it into a relative path.
///
/// Both `/` and `\` separate components. Refused: absolute paths, drive or UNC prefixes (`C:`),
/// `..`, NUL bytes, and `.git` components (a hostile tree must not plant git metadata).
pub(crate) fn safe_relative(name: &str) -> Result<PathBuf, String> {
    if name.contains('\0') {
        return Err("entry name contains a NUL byte; not extracted".into());
    }
    if name.len() > MAX_NAME_BYTES {
        return Err(format!(
            "entry name longer than {MAX_NAME_BYTES} bytes; not extracted"
        ));
    }
    if name.starts_with('/') || name.starts_with('\\') {
        return Err("absolute path; not extracted".into());
    }
    let bytes = name.as_bytes();
    if bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' {
        return Err("path with a drive prefix; not extracted".into());
    }
    let mut out = PathBuf::new();
    let mut depth = 0usize;
    for comp in name.split(['/', '\\']) {
        match comp {
            "" | "." => {}
            ".." => return Err("path escapes the tree with `..`; not extracted".into()),
            // On Windows a `:` inside a name selects a drive or an alternate data stream; elsewhere
            // it is an ordinary character that real packages use.
            c if cfg!(windows) && c.contains(':') => {
                return Err("path component with a `:` (drive or stream); not extracted".into());
            }
            c if c.eq_ignore_ascii_case(".git") => {
                return Err("`.git` path inside the tree; not extracted".into());
            }
            c => {
                // A final guard against anything the platform would read as non-normal.
                let mut comps = Path::new(c).components();
                match (comps.next(), comps.next()) {
                    (Some(Component::Normal(_)), None) => out.push(c),
                    _ => return Err("unsafe path component; not extracted".into()),
                }
                depth += 1;
                if depth > MAX_PATH_DEPTH {
                    return Err(format!(
                        "path nested deeper than {MAX_PATH_DEPTH} directories; not extracted"
                    ));
                }
            }
        }
    }
    Ok(out)
}

/// Whether a link entry at `name` with `target` would resolve outside the extraction root.
/// Hardlink targets are relative to the archive root; symlink targets to the link's directory.
fn link_escapes(name: &str, target: &str, hard: bool) -> bool {
    if target.starts_with('/') || target.starts_with('\\') {
        return true;
    }
    let tb = target.as_bytes();
    if tb.len() >= 2 && tb[0].is_ascii_alphabetic() && tb[1] == b':' {
        return true;
    }
    let mut depth: i64 = 0;
    if !hard {
        let parts: Vec<&str> = name
            .split(['/', '\\'])
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        depth = parts.len().saturating_sub(1) as i64;
    }
    for comp in target.split(['/', '\\']) {
        match comp {
            "" | "." => {}
            ".." => {
                depth -= 1;
                if depth < 0 {
                    return true;
                }
            }
            _ => depth += 1,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_relative_refuses_hazards() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("a/../../x").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("\\windows\\x").is_err());
        assert!(safe_relative("C:\\x").is_err());
        assert!(safe_relative("C:/x").is_err());
        assert!(safe_relative("a\\..\\..\\x").is_err());
        assert!(safe_relative("a/.git/config").is_err());
        assert_eq!(safe_relative("a/b:c.js").is_ok(), !cfg!(windows));
        assert_eq!(
            safe_relative("package/./lib/a.js").unwrap(),
            PathBuf::from("package/lib/a.js")
        );
        assert_eq!(safe_relative("a\\b.py").unwrap(), PathBuf::from("a/b.py"));
    }

    #[test]
    fn link_escape_is_judged_from_the_link_location() {
        assert!(!link_escapes("a/b/link", "../c", false));
        assert!(link_escapes("a/link", "../../c", false));
        assert!(link_escapes("link", "/etc/passwd", false));
        assert!(!link_escapes("a/b/link", "a/c", true));
        assert!(link_escapes("a/link", "../c", true));
    }
}
