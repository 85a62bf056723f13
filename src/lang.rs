//! Which files mcp-scan understands and how: the language of a path (by extension or shebang), its
//! tree-sitter grammar, and the manifests it reads as data rather than code.

use std::path::Path;

use serde::{Deserialize, Serialize};

/// A source language with a tree-sitter grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// `.py`, `.pyi`, python shebangs.
    Python,
    /// `.js`, `.mjs`, `.cjs`, `.jsx`, node shebangs.
    JavaScript,
    /// `.ts`, `.mts`, `.cts`.
    TypeScript,
    /// `.tsx`: TypeScript with JSX, a grammar of its own.
    Tsx,
}

impl Language {
    /// Every language, in a fixed order (used to index per-language tables).
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Tsx,
    ];

    /// The tree-sitter grammar.
    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Language::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Language::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    /// The name used in signatures and reports. TSX reports as `typescript`: rules written for
    /// TypeScript apply to it.
    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::JavaScript => "javascript",
            Language::TypeScript | Language::Tsx => "typescript",
        }
    }

    /// Position in [`Language::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for the JavaScript family (JS, TS, TSX), which share one fact extractor.
    pub fn is_js_family(self) -> bool {
        !matches!(self, Language::Python)
    }

    /// The language a file extension means, if any.
    pub fn from_extension(ext: &str) -> Option<Language> {
        Some(match ext {
            "py" | "pyi" => Language::Python,
            "js" | "mjs" | "cjs" | "jsx" => Language::JavaScript,
            "ts" | "mts" | "cts" => Language::TypeScript,
            "tsx" => Language::Tsx,
            _ => return None,
        })
    }

    /// The language a `#!` line asks for (`#!/usr/bin/env python3`, `#!/usr/bin/node`).
    pub fn from_shebang(first_line: &[u8]) -> Option<Language> {
        let line = first_line.strip_prefix(b"#!")?;
        let line = String::from_utf8_lossy(line);
        let mut words = line.split_whitespace();
        let mut prog = words.next()?.rsplit('/').next()?;
        if prog == "env" {
            prog = words.find(|w| !w.starts_with('-'))?;
        }
        if prog.starts_with("python") {
            Some(Language::Python)
        } else if prog == "node" || prog == "nodejs" || prog == "deno" || prog == "bun" {
            Some(Language::JavaScript)
        } else if prog == "ts-node" || prog == "tsx" {
            Some(Language::TypeScript)
        } else {
            None
        }
    }
}

/// A package manifest: read for install hooks and package metadata, not parsed as code (except
/// `setup.py`, which is also Python source).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Manifest {
    /// npm's `package.json`.
    PackageJson,
    /// PEP 621 / Poetry `pyproject.toml`.
    Pyproject,
    /// setuptools `setup.py` (scanned as Python too).
    SetupPy,
    /// setuptools `setup.cfg`.
    SetupCfg,
}

impl Manifest {
    /// The manifest a file name is, if any.
    pub fn from_file_name(name: &str) -> Option<Manifest> {
        Some(match name {
            "package.json" => Manifest::PackageJson,
            "pyproject.toml" => Manifest::Pyproject,
            "setup.py" => Manifest::SetupPy,
            "setup.cfg" => Manifest::SetupCfg,
            _ => return None,
        })
    }
}

/// The value of `key` in `[section]` of an INI manifest (`setup.cfg`: `key = value` or
/// `key: value`), trimmed, with the key as written.
pub(crate) fn ini_value<'t>(text: &'t str, section: &str, key: &str) -> Option<(&'t str, &'t str)> {
    let mut in_section = false;
    for line in text.lines() {
        let t = line.trim();
        if t.starts_with('[') {
            in_section = t.trim_matches(['[', ']']) == section;
        } else if in_section
            && let Some((k, v)) = t.split_once(['=', ':'])
            && k.trim() == key
        {
            return Some((v.trim(), k.trim()));
        }
    }
    None
}

/// What the walker decided a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Source code in a language we parse.
    Source(Language),
    /// A manifest read as data (`setup.py` is `Source` and recognised as a manifest by name).
    Manifest(Manifest),
    /// A file whose mere presence matters (a `.pth` startup file).
    Special,
}

/// Classifies a path by name alone; `None` means "look at the shebang" (no extension) or "skip".
pub fn classify_name(path: &Path) -> Option<FileKind> {
    let name = path.file_name()?.to_str()?;
    if let Some(m) = Manifest::from_file_name(name) {
        return Some(match m {
            Manifest::SetupPy => FileKind::Source(Language::Python),
            other => FileKind::Manifest(other),
        });
    }
    let ext = path.extension().and_then(|e| e.to_str())?;
    if ext == "pth" {
        return Some(FileKind::Special);
    }
    Language::from_extension(ext).map(FileKind::Source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shebangs() {
        assert_eq!(
            Language::from_shebang(b"#!/usr/bin/env python3"),
            Some(Language::Python)
        );
        assert_eq!(
            Language::from_shebang(b"#!/usr/bin/env -S node --x"),
            Some(Language::JavaScript)
        );
        assert_eq!(Language::from_shebang(b"#!/bin/sh"), None);
        assert_eq!(Language::from_shebang(b"print(1)"), None);
    }

    #[test]
    fn names() {
        assert_eq!(
            classify_name(Path::new("a/setup.py")),
            Some(FileKind::Source(Language::Python))
        );
        assert_eq!(
            classify_name(Path::new("x.tsx")),
            Some(FileKind::Source(Language::Tsx))
        );
        assert_eq!(
            classify_name(Path::new("evil.pth")),
            Some(FileKind::Special)
        );
        assert_eq!(
            classify_name(Path::new("package.json")),
            Some(FileKind::Manifest(Manifest::PackageJson))
        );
        assert_eq!(classify_name(Path::new("README.md")), None);
    }
}
