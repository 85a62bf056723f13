//! Embeds `signatures/**/*.toml` and `queries/**/*.scm` so the binary runs from anywhere.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files(root: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files(&p, ext, out);
        } else if p.extension().is_some_and(|e| e == ext) {
            out.push(p);
        }
    }
}

fn table(name: &str, dir: &str, ext: &str, code: &mut String) {
    let root =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"))
            .join(dir);
    let mut list = Vec::new();
    files(&root, ext, &mut list);
    // The directory too: cargo then scans it whole, so a new file is seen, not only edited ones.
    println!("cargo:rerun-if-changed={}", root.display());
    writeln!(code, "pub(super) static {name}: &[(&str, &str)] = &[").unwrap();
    for p in &list {
        println!("cargo:rerun-if-changed={}", p.display());
        let rel = p
            .strip_prefix(&root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        writeln!(
            code,
            "    ({rel:?}, include_str!({:?})),",
            p.display().to_string()
        )
        .unwrap();
    }
    writeln!(code, "];").unwrap();
}

fn main() {
    let mut code = String::new();
    table("SIGNATURES", "signatures", "toml", &mut code);
    table("QUERIES", "queries", "scm", &mut code);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("embedded.rs");
    std::fs::write(out, code).unwrap();
}
