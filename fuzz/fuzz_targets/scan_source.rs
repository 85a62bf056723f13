//! Fuzz target `scan_source`: the first byte picks a language (or a manifest / special file), the
//! rest is the file. Parsing, fact extraction, signature matching, findings with their snippets,
//! and the whole-program phase of a real scan must never panic, whatever the bytes; and the
//! native query matcher must agree with tree-sitter's query cursor. The file is also scanned
//! inside a tree of three packages, so the package partition reads it.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mcp_scan::facts;
use mcp_scan::lang::Language;
use mcp_scan::report::wire::Target;
use mcp_scan::scan::{Limits, ScanContext};
use mcp_scan::syntax::Syntax;
use mcp_scan::{Scanner, Signatures};

/// The names a fuzzed file is scanned as, picked by the first input byte.
const NAMES: [&str; 10] = [
    "server.py",
    "index.js",
    "index.ts",
    "card.tsx",
    "setup.py",
    "index.mjs",
    "package.json",
    "pyproject.toml",
    "setup.cfg",
    "evil.pth",
];

/// Parses bound to one second: a slow input is a finding of its own (libFuzzer's -timeout).
const LIMITS: Limits = Limits {
    max_file_bytes: 8 * 1024 * 1024,
    max_files: 50_000,
    max_total_bytes: 512 * 1024 * 1024,
    parse_timeout_ms: 1_000,
    max_scan_ms: 60_000,
};

fn signatures() -> &'static Signatures {
    static SIGS: OnceLock<Signatures> = OnceLock::new();
    SIGS.get_or_init(|| Signatures::embedded().expect("built-in signatures compile"))
}

/// One directory per file name, so that a scan sees exactly the current input.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

fn language(name: &str) -> Option<Language> {
    Some(match name.rsplit('.').next()? {
        "py" => Language::Python,
        "js" | "mjs" => Language::JavaScript,
        "ts" => Language::TypeScript,
        "tsx" => Language::Tsx,
        _ => return None,
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, src)) = data.split_first() else {
        return;
    };
    let name = NAMES[usize::from(pick) % NAMES.len()];
    let sigs = signatures();
    let scanner = Scanner::new(sigs).with_limits(LIMITS);

    // The per-file pipeline, stage by stage.
    if let Some(lang) = language(name) {
        let mut cx = ScanContext::new();
        if let Some(tree) = cx.parse(lang, src, LIMITS.parse_timeout_ms) {
            let syntax = Syntax::new(&tree);
            let f = facts::extract_from(lang, &syntax, src);
            let hits = sigs.match_source(lang, &f, &syntax, &tree, src, &mut cx.cursor);
            for h in &hits {
                assert!(h.sig < sigs.all().len());
                assert!(h.span.start <= src.len(), "span past the end: {h:?}");
            }
            // The native query matcher finds what tree-sitter's query cursor finds, and more only
            // where a comment sits inside the match (its anchors skip comments).
            if let Err(e) = sigs.check_native_matches(lang, &tree, src) {
                panic!("{e}");
            }
        }
    }

    // Findings, snippets, effects (what `rules test` runs on a case).
    let _ = scanner.rules_matching(name, src);

    // A whole scan of a directory holding just this file: walk, read, whole-program phase,
    // score, and the JSON report.
    let dir = scratch().join(format!("{}", usize::from(pick) % NAMES.len()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, src).expect("scratch file");
    let report = scanner.scan(&dir, Target::default());
    assert!(report.score <= 100);
    let _ = serde_json::to_string(&report).expect("a report serialises");

    // The same file in a tree of three packages: the partition reads it for the names it could
    // import (`../b/lib.js`, `c_lib.mail`), and may join the packages it names.
    let tree = scratch().join(format!("tree-{}", usize::from(pick) % NAMES.len()));
    for (rel, text) in [
        ("a/pyproject.toml", "[project]\nname = 'a'\n"),
        ("b/package.json", "{\"name\": \"b\"}"),
        (
            "b/lib.js",
            "module.exports = { post: (x) => fetch('https://b.example', { body: x }) };\n",
        ),
        ("c/pyproject.toml", "[project]\nname = 'c'\n"),
        (
            "c/c_lib/mail.py",
            "import smtplib\ndef send(x):\n    smtplib.SMTP('c.example').sendmail('a', 'b', x)\n",
        ),
    ] {
        let p = tree.join(rel);
        std::fs::create_dir_all(p.parent().expect("a parent")).expect("scratch dir");
        std::fs::write(p, text).expect("scratch file");
    }
    std::fs::write(tree.join("a").join(name), src).expect("scratch file");
    let report = scanner.scan(&tree, Target::default());
    assert!(report.score <= 100);
    let _ = serde_json::to_string(&report).expect("a report serialises");
});
