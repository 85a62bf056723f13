//! `oversized-source-file`: a source file shaped to defeat review or the scanner itself — too large
//! to scan, too slow to parse, or one minified line — inside a server whose other code is small.
//!
//! The limits of [`super::Limits`] make a scan bounded, and every file they leave out is listed as a
//! skip; but a limit is also an evasion an attacker can aim at: a 20 MB one-line `.js` next to
//! thirty ordinary files is not scanned, and nobody reviews it by eye. The rule reports that shape
//! as a finding of its own, and is written to stay quiet on honest packages, which very often ship
//! a large bundle. A source file fires only when **all** of these hold:
//!
//! 1. it is at least [`MIN_BYTES`] (a small file hides nothing by its size);
//! 2. it is larger than **all the other source files of the tree together**: the server is
//!    otherwise small. In a big project a large generated file is unremarkable; in a small server
//!    it is the server. At most one file can satisfy this, so the rule costs at most one extra read.
//!    A walk cut short by the file-count limit or the time budget does not know the rest of the tree,
//!    and never fires;
//! 3. it is not where honest packages put build output or vendored code: no path component is
//!    `dist`, `build`, `out`, `bundle(s)`, `vendor(ed)`, `_vendor`, `third_party`, `node_modules`,
//!    `static`, `public`, `assets` or `www`, and the name does not say `.min` / `-min` / `.bundle` /
//!    `-bundle` (`dist/index.js` produced by esbuild, ncc or webpack, a web UI's `app.min.js`). This
//!    exemption is a deliberate trade-off against false alarms: such a file is still listed as
//!    skipped when a limit leaves it out, and still scanned in full when it fits;
//! 4. and it was **not scanned** (over the file-size limit, or its parse hit the time limit), or it
//!    was scanned but looks minified (a line of at least [`LONG_LINE_BYTES`], which no hand-written
//!    code has) while other source files sit beside it. A tree whose only code is one bundle that
//!    was scanned is an honest bundled package as often as not, and its findings speak for it.
//!
//! `tool-reach-limit`: a package whose tools, thousands of them each reaching thousands of
//! functions, exceed what the whole-program phase follows ([`crate::program::Program::reach_cap`]
//! and [`crate::program::BEYOND_BUDGET`]): tool code out of all proportion, generated to bury
//! what a tool does past the limit. Honest packages (a few hundred tools over a few thousand
//! functions) stay far below it.

use std::path::Path;

use super::walk::{Entry, Limits, Walked};
use crate::finding::{Category, Confidence, Finding, Severity};
use crate::lang::FileKind;

/// The id of the finding.
pub const RULE: &str = "oversized-source-file";

/// Smallest file the rule considers.
pub const MIN_BYTES: u64 = 256 * 1024;

/// A line this long is generated or minified, not written by hand.
pub const LONG_LINE_BYTES: usize = 64 * 1024;

/// Path components under which honest packages keep build output and vendored code.
const BUILD_DIRS: [&str; 14] = [
    "dist",
    "build",
    "out",
    "bundle",
    "bundles",
    "vendor",
    "vendored",
    "_vendor",
    "third_party",
    "node_modules",
    "static",
    "public",
    "assets",
    "www",
];

/// Name endings (before the extension) that say "minified" or "bundle".
const BUNDLE_STEMS: [&str; 4] = [".min", "-min", ".bundle", "-bundle"];

/// Why the file is out of the ordinary.
enum Shape {
    TooLarge,
    ParseTimeout,
    Minified(usize),
}

/// The `oversized-source-file` finding for a walked and scanned tree, if the rule fires.
/// `timed_out` are the entries whose parse hit the time limit.
pub fn oversized_source(walked: &Walked, timed_out: &[&Entry], limits: &Limits) -> Option<Finding> {
    if walked.truncated {
        return None;
    }
    let sources = || {
        walked
            .entries
            .iter()
            .chain(&walked.too_large)
            .filter(|e| matches!(e.kind, FileKind::Source(_)))
    };
    let total: u64 = sources().map(|e| e.size).sum();
    let biggest = sources().max_by_key(|e| e.size)?;
    let rest = total - biggest.size;
    if biggest.size < MIN_BYTES || biggest.size <= rest || is_build_output(&biggest.rel) {
        return None;
    }
    let shape = if walked.too_large.iter().any(|e| e.rel == biggest.rel) {
        Shape::TooLarge
    } else if timed_out.iter().any(|e| e.rel == biggest.rel) {
        Shape::ParseTimeout
    } else if rest > 0 {
        match longest_line(&biggest.path, limits.max_file_bytes) {
            Some(n) if n >= LONG_LINE_BYTES => Shape::Minified(n),
            _ => return None,
        }
    } else {
        return None;
    };
    let (what, confidence) = match shape {
        Shape::TooLarge => (
            format!(
                "was not scanned: it is over the {}-byte file limit",
                limits.max_file_bytes
            ),
            Confidence::Medium,
        ),
        Shape::ParseTimeout => (
            format!(
                "was not scanned: parsing it took longer than {} ms",
                limits.parse_timeout_ms
            ),
            Confidence::Medium,
        ),
        Shape::Minified(n) => (
            format!("is minified-looking (one line of {n} bytes)"),
            Confidence::Low,
        ),
    };
    Some(Finding {
        rule: RULE.to_owned(),
        category: Category::Obfuscation,
        severity: Severity::Medium,
        confidence,
        message: format!(
            "`{}` ({} bytes) {what}, and is larger than all the other source files of this server together ({rest} bytes), \
             outside any build-output or vendor directory: a file out of all proportion with the server, shaped to defeat \
             review and scanners, is how a payload hides",
            biggest.rel, biggest.size
        ),
        file: biggest.rel.clone(),
        line: 1,
        column: 1,
        snippet: String::new(),
        tool: None,
        evidence: Vec::new(),
    })
}

/// The id of the reach-limit finding.
pub const REACH_RULE: &str = "tool-reach-limit";

/// Why a file whose tools' reach was cut is listed: each tool followed with its paths to `cap`
/// functions, and, when `lost` is given, beyond that to that many calls only.
pub fn reach_cut_reason(tools: usize, cap: usize, lost: Option<usize>) -> String {
    let head = format!(
        "partly analysed: {tools} tools in the package reach thousands of functions each (generated, \
         not written); each was followed with its call paths to {cap} functions"
    );
    match lost {
        None => format!("{head}, and beyond that without them"),
        Some(calls) => format!(
            "{head}, and beyond that through at most {calls} calls: what lies further is scanned, \
             but not credited to its tools"
        ),
    }
}

/// The `tool-reach-limit` finding for a file whose tools reach beyond every limit.
pub fn reach_limit(rel: &str, tools: usize, calls: usize) -> Finding {
    Finding {
        rule: REACH_RULE.to_owned(),
        category: Category::Obfuscation,
        severity: Severity::High,
        confidence: Confidence::Medium,
        message: format!(
            "`{rel}` declares tools ({tools} in the package) whose reach runs past the {calls} calls \
             the analysis follows for each: far beyond any written server; what they do past that \
             point is not known, and code shaped to exhaust a scanner is how a payload hides"
        ),
        file: rel.to_owned(),
        line: 1,
        column: 1,
        snippet: String::new(),
        tool: None,
        evidence: Vec::new(),
    }
}

/// Whether a relative path lies where honest packages keep build output or vendored code.
pub fn is_build_output(rel: &str) -> bool {
    let mut parts = rel.split('/').rev();
    let name = parts.next().unwrap_or("").to_ascii_lowercase();
    let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
    BUNDLE_STEMS.iter().any(|b| stem.ends_with(b))
        || parts.any(|d| BUILD_DIRS.iter().any(|b| d.eq_ignore_ascii_case(b)))
}

/// The longest line of a file read up to `max` bytes, in bytes.
fn longest_line(path: &Path, max: u64) -> Option<usize> {
    use std::io::Read as _;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .ok()?
        .take(max)
        .read_to_end(&mut bytes)
        .ok()?;
    let mut longest = 0;
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', &bytes) {
        longest = longest.max(nl - start);
        start = nl + 1;
    }
    Some(longest.max(bytes.len() - start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_output_and_bundles_are_recognised() {
        for honest in [
            "dist/index.js",
            "packages/x/dist/cli.mjs",
            "node_modules/a/index.js",
            "web/static/app.js",
            "lib/app.min.js",
            "src/vendor.bundle.js",
            "Build/x.js",
            "pkg/_vendor/six.py",
        ] {
            assert!(is_build_output(honest), "{honest}");
        }
        for own in [
            "index.js",
            "src/server.py",
            "lib/util.js",
            "distribution.js",
            "src/builder/x.ts",
            "minimal.py",
        ] {
            assert!(!is_build_output(own), "{own}");
        }
    }
}
