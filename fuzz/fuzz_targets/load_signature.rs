//! Fuzz target `load_signature`: arbitrary bytes as one user signature file next to the built-in
//! set. `Signatures::load` must return a rule set or typed errors, never panic; when the fuzzed
//! rule loads, each of its own cases is run through the scanner as `mcp-scan rules test` does.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mcp_scan::{Scanner, Signatures};

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

/// The file stem to save the input under: its own `id = "…"` when that is a plain name (so the
/// fuzzer gets past the id = file name check), else a fixed one.
fn stem(data: &[u8]) -> String {
    let text = String::from_utf8_lossy(data);
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("id"))
        .filter_map(|l| l.trim_start().strip_prefix('='))
        .map(|v| v.trim().trim_matches('"').trim_matches('\''))
        .find(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .unwrap_or("fuzzed-rule")
        .to_owned()
}

fuzz_target!(|data: &[u8]| {
    let dir = scratch().join("signatures");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("custom")).expect("scratch dir");
    let id = stem(data);
    std::fs::write(dir.join("custom").join(format!("{id}.toml")), data).expect("scratch file");
    match Signatures::load(Some(&dir)) {
        Ok(sigs) => {
            let scanner = Scanner::new(&sigs);
            if let Some(sig) = sigs.all().iter().find(|s| s.id == id) {
                for case in &sig.cases {
                    let path = mcp_scan::rules::case_path(case);
                    let _ = scanner.rules_matching(&path, case.code.as_bytes());
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a failed load names at least one error");
            for e in &errors {
                let _ = e.to_string();
            }
        }
    }
});
