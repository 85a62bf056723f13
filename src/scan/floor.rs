//! The parse-only floor: what a scan would cost if it did nothing but walk, read and parse.
//!
//! [`parse_only`] walks with the scanner's own walker and limits, reads every source file the same
//! bounded way, and parses it in parallel with one [`super::ScanContext`] per rayon worker, exactly as
//! [`crate::Scanner::scan`] does, but stops there: no facts, no signatures, no whole-program
//! analysis. The throughput benchmark divides a whole scan's time by this floor; the ratio says
//! what everything after parsing costs.

use std::path::Path;
use std::time::{Duration, Instant};

use super::context::walk_and_scan;
use super::walk::{self, Limits};
use crate::lang::{FileKind, Language};

/// What a parse-only pass over a tree did and how long it took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FloorStats {
    /// Files the walk selected (source, manifests and special files alike).
    pub files: usize,
    /// Source files parsed to a tree.
    pub parsed: usize,
    /// Bytes read from every selected file.
    pub bytes: u64,
    /// Source files whose parse hit the time limit.
    pub timed_out: usize,
    /// Source files not parsed because they were unreadable, too large or binary.
    pub unread: usize,
    /// Syntax nodes in all parsed trees (a checksum that the trees were really built).
    pub nodes: u64,
    /// Wall time of the whole pass, walk included.
    pub elapsed: Duration,
}

/// One file's share of a [`FloorStats`].
#[derive(Default)]
struct One {
    bytes: u64,
    parsed: bool,
    timed_out: bool,
    unread: bool,
    nodes: u64,
}

/// Walks `root` with the scanner's walker and `limits` and reads and parses every source file in
/// parallel (on the current rayon pool, starting while the walk goes on, as the scan does), and
/// nothing else.
pub fn parse_only(root: &Path, limits: &Limits) -> FloorStats {
    let start = Instant::now();
    // Walked and scheduled as the scan walks and schedules its files.
    let deadline = limits.deadline(start);
    let (walked, per_file) = walk_and_scan(
        |kept| walk::walk_handing_out(root, limits, deadline, kept),
        |cx, e| {
            let mut one = One::default();
            let Ok(bytes) = super::read_bounded(&e.path, limits.max_file_bytes, e.size) else {
                one.unread = matches!(e.kind, FileKind::Source(_));
                return one;
            };
            one.bytes = bytes.len() as u64;
            // A `.pth` file's import lines are parsed as Python by the scan, so here too.
            let (lang, bytes) = match e.kind {
                FileKind::Source(lang) => (lang, bytes),
                FileKind::Special => (Language::Python, super::pth_code(&bytes).into_bytes()),
                FileKind::Manifest(_) => return one,
            };
            if matches!(e.kind, FileKind::Source(_))
                && memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
            {
                one.unread = true;
                return one;
            }
            match cx.parse(lang, &bytes, limits.parse_timeout_ms) {
                Some(tree) => {
                    one.parsed = true;
                    one.nodes = tree.root_node().descendant_count() as u64;
                }
                None => one.timed_out = true,
            }
            one
        },
    );
    let mut stats = FloorStats {
        files: walked.entries.len(),
        ..FloorStats::default()
    };
    for one in per_file {
        stats.bytes += one.bytes;
        stats.parsed += usize::from(one.parsed);
        stats.timed_out += usize::from(one.timed_out);
        stats.unread += usize::from(one.unread);
        stats.nodes += one.nodes;
    }
    stats.elapsed = start.elapsed();
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_source_file_of_a_corpus_sample() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers/py-calculator-fork");
        let floor = parse_only(&root, &Limits::default());
        let sigs = crate::Signatures::embedded().expect("built-in signatures compile");
        let report = crate::Scanner::new(&sigs).scan(&root, crate::report::wire::Target::default());
        assert_eq!(floor.files, report.stats.files);
        assert_eq!(floor.parsed, report.stats.parsed);
        assert_eq!(floor.bytes, report.stats.bytes);
        assert!(floor.parsed >= 1);
        assert!(floor.nodes > 100, "trees were built: {floor:?}");
        assert_eq!(floor.timed_out, 0);
    }

    #[test]
    fn binary_and_oversized_sources_are_not_parsed() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("ok.py"), "import os\nprint(os.getcwd())\n").unwrap();
        std::fs::write(dir.path().join("bin.js"), b"var a = 1;\0\0\0").unwrap();
        std::fs::write(dir.path().join("big.ts"), "let x = 1;\n".repeat(200)).unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not code").unwrap();
        let limits = Limits {
            max_file_bytes: 1000,
            ..Limits::default()
        };
        let floor = parse_only(dir.path(), &limits);
        // big.ts is skipped by the walk (over the size limit), notes.txt is not code.
        assert_eq!(floor.files, 2);
        assert_eq!(floor.parsed, 1);
        assert_eq!(floor.unread, 1);
    }
}
