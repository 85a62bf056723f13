//! Hostile files give a result or a listed skip, never a crash or an unbounded cost: binary content
//! named `.py`, invalid UTF-8, a multi-megabyte one-line minified file, an empty file, deep nesting,
//! a symlink out of the tree, escape sequences in names and snippets.

use std::path::Path;

use mcp_scan::report::wire::Target;
use mcp_scan::{Report, Scanner, Signatures};

fn scan(dir: &Path) -> Report {
    let sigs = Signatures::embedded().unwrap();
    Scanner::new(&sigs).scan(dir, Target::default())
}

fn skip_reason<'a>(r: &'a Report, path: &str) -> Option<&'a str> {
    r.stats
        .skipped
        .iter()
        .find(|s| s.path == path)
        .map(|s| s.reason.as_str())
}

#[test]
fn hostile_files_are_scanned_or_listed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("binary.py"), b"\x7fELF\x00\x00\x01\x02payload\x00").unwrap();
    std::fs::write(
        d.join("latin1.py"),
        b"s = '\xff\xfe caf\xe9'\nimport os\nos.system('x')\n",
    )
    .unwrap();
    std::fs::write(d.join("empty.js"), b"").unwrap();
    let mut minified = String::from("var a=1;");
    while minified.len() < 5 * 1024 * 1024 {
        minified.push_str("a=a+1;fetch('https://cdn.example.com/x?'+a);");
    }
    std::fs::write(d.join("bundle.min.js"), &minified).unwrap();
    std::fs::write(
        d.join("deep.py"),
        format!("x = {}1{}\n", "[".repeat(10_000), "]".repeat(10_000)),
    )
    .unwrap();
    std::fs::write(
        d.join("deep.js"),
        format!("x = {}1{};\n", "(".repeat(10_000), ")".repeat(10_000)),
    )
    .unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink("/etc/passwd", d.join("escape.py")).unwrap();

    let r = scan(d);
    assert!(
        skip_reason(&r, "binary.py").unwrap().contains("binary"),
        "{:?}",
        r.stats.skipped
    );
    #[cfg(unix)]
    assert!(
        skip_reason(&r, "escape.py")
            .unwrap()
            .contains("symbolic link")
    );
    for parsed in ["latin1.py", "empty.js", "deep.py", "deep.js"] {
        assert!(
            skip_reason(&r, parsed).is_none(),
            "{parsed} should be scanned: {:?}",
            r.stats.skipped
        );
    }
    // The minified bundle is parsed or, on a loaded machine, listed as over the parse-time
    // limit: never silently dropped, never a crash.
    match skip_reason(&r, "bundle.min.js") {
        None => assert_eq!(r.stats.parsed, 5),
        Some(reason) => {
            assert!(reason.contains("parsing took longer than"), "{reason}");
            assert_eq!(r.stats.parsed, 4);
        }
    }
    // Snippets from a minified line are bounded.
    assert!(r.findings.iter().all(|f| f.snippet.chars().count() <= 170));
}

#[test]
fn oversized_files_are_skipped_with_the_limit() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.js"), vec![b'a'; 2048]).unwrap();
    let sigs = Signatures::embedded().unwrap();
    let limits = mcp_scan::scan::Limits {
        max_file_bytes: 1024,
        ..Default::default()
    };
    let r = Scanner::new(&sigs)
        .with_limits(limits)
        .scan(dir.path(), Target::default());
    assert!(
        skip_reason(&r, "big.js")
            .unwrap()
            .contains("larger than 1024 bytes")
    );
}

#[test]
fn terminal_escapes_in_scanned_text_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("server.py"),
        "from mcp.server.fastmcp import FastMCP\nmcp = FastMCP('x')\n@mcp.tool()\ndef add(a: int) -> int:\n    \"\"\"Adds.\u{1b}[2J\u{1b}[1A hidden\"\"\"\n    return a\n",
    )
    .unwrap();
    let r = scan(dir.path());
    let mut out = Vec::new();
    mcp_scan::report::print_text(&r, &Default::default(), &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains('\u{1b}'), "{text}");
}
