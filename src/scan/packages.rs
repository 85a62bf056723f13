//! Which files the whole-program phase analyses together.
//!
//! A tree may hold many servers: a monorepo's packages, a folder of downloaded servers, examples
//! beside the server. Each **package** (a directory with a `pyproject.toml`, `setup.py`,
//! `setup.cfg` or a `package.json` that names a package; files under none belong to their
//! top-level directory) is one program: its tools' descriptions say what it is for, its Python
//! imports name its own modules first, and the whole-program phase of one package holds only its
//! files' facts, so a scan's memory follows the largest package, not the tree.
//!
//! Packages that reach each other are analysed as one **group**. Once the walk is over, and before
//! any package's whole-program phase, every source file's text is read for the names an import
//! could use — JS/TS string literals that start with `./` or `../`, Python dotted names and
//! `from m import n` statements — and each one the import resolution (`ModuleIndex`, the same
//! the call graph uses) resolves into another package joins the two (union-find). Comments and
//! strings count too, so the reading over-approximates the imports the parser finds written as
//! literals; an import assembled at run time (`require('./' + name)`) is followed only within a
//! group. Another package's Python module is named by a dotted name (`shared.mail`) or by the
//! name that package's manifest declares, as Python imports it (`import shared_mail` for
//! `shared-mail`: a workspace dependency); a bare `import config` the package lacks is an
//! installed module, not the first `config.py` of a sibling server. The reading costs one read of each
//! source file, and only when the tree has more than one package.

use std::sync::Arc;
use std::time::Instant;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::walk::{Entry, Limits};
use super::{is_binary, read_bounded};
use crate::lang::{FileKind, Language, Manifest};
use crate::program::ModuleIndex;

/// The files of a tree in groups analysed together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Partition {
    /// The package of each entry (by position in the walk's list).
    pub package_of: Vec<u32>,
    /// Each package's name as Python imports it (`shared_mail` for a `pyproject.toml`, `setup.cfg`
    /// or `setup.py` naming `shared-mail`), by package.
    pub distributions: Vec<Option<Arc<str>>>,
    /// Entry positions, each group in walk order; groups in the order of their first entry.
    pub groups: Vec<Vec<usize>>,
}

/// Splits `entries` (a walk's list) into packages and groups of packages that reach each other.
/// Should the reading of the sources pass `deadline` (the scan's time budget), the whole tree is
/// one group: coarser, never wrong.
pub fn partition(entries: &[Entry], limits: &Limits, deadline: Instant) -> Partition {
    let roots = package_roots(entries, limits);
    let longest = roots.keys().map(|r| r.len()).max().unwrap_or(0);
    let mut ids: HashMap<&str, u32> = HashMap::new();
    let mut distributions = Vec::new();
    let package_of: Vec<u32> = entries
        .iter()
        .map(|e| {
            let key = package_key(&e.rel, &roots, longest);
            let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
            *ids.entry(key).or_insert_with(|| {
                distributions.push(roots.get(key).cloned().flatten());
                next
            })
        })
        .collect();
    let mut sets = UnionFind::new(ids.len());
    if ids.len() > 1 {
        match links(entries, &package_of, &distributions, limits, deadline) {
            Some(links) => {
                for (a, b) in links {
                    sets.union(a, b);
                }
            }
            None => {
                return Partition {
                    package_of,
                    distributions,
                    groups: vec![(0..entries.len()).collect()],
                };
            }
        }
    }
    let mut group_of_root: HashMap<u32, usize> = HashMap::new();
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (i, &p) in package_of.iter().enumerate() {
        let root = sets.find(p);
        let next = groups.len();
        let g = *group_of_root.entry(root).or_insert(next);
        if g == next {
            groups.push(Vec::new());
        }
        groups[g].push(i);
    }
    Partition {
        package_of,
        distributions,
        groups,
    }
}

/// Directories that hold a package manifest (`""` for the root), with the name Python imports
/// the package by, when a Python manifest declares one.
fn package_roots<'e>(entries: &'e [Entry], limits: &Limits) -> HashMap<&'e str, Option<Arc<str>>> {
    let mut roots: HashMap<&str, Option<Arc<str>>> = HashMap::new();
    for e in entries {
        let FileKind::Manifest(m) = e.kind else {
            continue;
        };
        let text = read_bounded(&e.path, limits.max_file_bytes, e.size).unwrap_or_default();
        let text = String::from_utf8_lossy(&text);
        let name = match m {
            // A `package.json` without a name (`{"type": "module"}` in `dist/esm/`) only sets how
            // the files below it load; it does not make them a package of their own.
            Manifest::PackageJson => {
                let named = serde_json::from_str::<serde_json::Value>(&text)
                    .is_ok_and(|v| v["name"].is_string());
                if !named {
                    continue;
                }
                None
            }
            Manifest::Pyproject => toml::from_str::<toml::Value>(&text).ok().and_then(|v| {
                let project = v.get("project").and_then(|p| p.get("name"));
                let poetry = || v.get("tool")?.get("poetry")?.get("name");
                project.or_else(poetry)?.as_str().map(import_name)
            }),
            Manifest::SetupCfg => crate::lang::ini_value(&text, "metadata", "name")
                .map(|(v, _)| v)
                .filter(|v| !v.is_empty())
                .map(import_name),
            Manifest::SetupPy => setup_py_name(&text).map(import_name),
        };
        let known = roots.entry(parent(&e.rel)).or_default();
        if known.is_none() {
            *known = name;
        }
    }
    roots
}

/// A distribution's name as Python imports it: `Shared-Mail` and `shared.mail` are `shared_mail`.
fn import_name(name: &str) -> Arc<str> {
    name.trim()
        .chars()
        .map(|c| match c {
            '-' | '.' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect::<String>()
        .into()
}

/// The literal `name="x"` of a `setup.py` (read as text, never run).
fn setup_py_name(text: &str) -> Option<&str> {
    let at = text.find("name=").or_else(|| text.find("name ="))?;
    let rest = text[at..].split_once('=')?.1.trim_start();
    let quote = rest.chars().next().filter(|&q| q == '"' || q == '\'')?;
    let rest = &rest[1..];
    Some(&rest[..rest.find(quote)?]).filter(|n| !n.is_empty() && n.len() < 200)
}

/// The package directory of the file at `rel`: its deepest ancestor holding a manifest, else its
/// top-level directory (`""` for a file at the root). Only ancestors no longer than the `longest`
/// root are looked up: linear in the path, however deep.
fn package_key<'r>(
    rel: &'r str,
    roots: &HashMap<&str, Option<Arc<str>>>,
    longest: usize,
) -> &'r str {
    let mut dir = parent(rel);
    loop {
        if dir.len() <= longest && roots.contains_key(dir) {
            return dir;
        }
        if dir.is_empty() {
            break;
        }
        dir = parent(dir);
    }
    rel.split_once('/').map_or("", |(top, _)| top)
}

fn parent(rel: &str) -> &str {
    rel.rsplit_once('/').map_or("", |(d, _)| d)
}

/// Pairs of packages one of whose source files names a module of the other; `None` past
/// `deadline`.
fn links(
    entries: &[Entry],
    package_of: &[u32],
    distributions: &[Option<Arc<str>>],
    limits: &Limits,
    deadline: Instant,
) -> Option<Vec<(u32, u32)>> {
    let sources: Vec<(usize, Language)> = entries
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e.kind {
            FileKind::Source(lang) => Some((i, lang)),
            FileKind::Special => Some((i, Language::Python)),
            FileKind::Manifest(_) => None,
        })
        .collect();
    let index = ModuleIndex::of_files(sources.iter().map(|&(i, lang)| {
        let p = package_of[i];
        (
            entries[i].rel.as_str(),
            lang,
            p,
            distributions[p as usize].as_deref(),
        )
    }));
    let mut out = HashSet::new();
    for &(i, lang) in &sources {
        if Instant::now() >= deadline {
            return None;
        }
        let Ok(bytes) = read_bounded(&entries[i].path, limits.max_file_bytes, entries[i].size)
        else {
            continue;
        };
        if is_binary(&bytes) {
            continue;
        }
        let (rel, from) = (entries[i].rel.as_str(), package_of[i]);
        let mut name = |module: &str| {
            // A bare Python name (`config`) names a module of its own package, or another
            // package by the name it is imported as.
            if !module.contains('.') && !index.is_distribution(module) {
                return;
            }
            if let Some(t) = index.module_of(rel, lang, from, module) {
                let to = package_of[sources[t].0];
                if to != from {
                    out.insert((from.min(to), from.max(to)));
                }
            }
        };
        if lang == Language::Python {
            python_names(&bytes, &mut name);
        } else {
            relative_specs(&bytes, &mut name);
        }
    }
    let mut out: Vec<(u32, u32)> = out.into_iter().collect();
    out.sort_unstable();
    Some(out)
}

/// Longest import specifier read, in bytes.
const MAX_SPEC: usize = 1024;

/// Every string literal of JS/TS text that starts with `./` or `../`, up to its closing quote.
fn relative_specs(text: &[u8], name: &mut impl FnMut(&str)) {
    for i in memchr::memchr3_iter(b'\'', b'"', b'`', text) {
        let q = text[i];
        let rest = &text[i + 1..];
        if !(rest.starts_with(b"./") || rest.starts_with(b"../")) {
            continue;
        }
        let window = &rest[..rest.len().min(MAX_SPEC)];
        if let Some(end) = window.iter().position(|&c| c == q || c == b'\n')
            && window[end] == q
            && let Ok(spec) = std::str::from_utf8(&window[..end])
        {
            name(spec);
        }
    }
}

/// The module names Python text could import: every dotted name and each of its prefixes
/// (`a.b.c`: `a`, `a.b`, `a.b.c`; relative ones keep their dots), and for `from m import x, y`
/// also `m.x` and `m.y`.
fn python_names(text: &[u8], name: &mut impl FnMut(&str)) {
    let word = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'.';
    // `from m import` seen: the module, and whether the names after `import` are being read.
    let mut from: Option<(&str, bool)> = None;
    let mut after_from = false;
    let mut skip_alias = false;
    let mut depth = 0usize;
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if !word(c) {
            match c {
                b'(' => depth += 1,
                b')' => depth = depth.saturating_sub(1),
                b'\n' if depth == 0 => {
                    from = None;
                    after_from = false;
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        let start = i;
        while i < text.len() && word(text[i]) {
            i += 1;
        }
        let Ok(token) = std::str::from_utf8(&text[start..i]) else {
            continue;
        };
        // `from . import x` keeps its module `.`; `a.b.` ends a sentence.
        let token = if token.bytes().all(|b| b == b'.') {
            token
        } else {
            token.trim_end_matches('.')
        };
        if token.is_empty() {
            continue;
        }
        match (token, from) {
            ("from", _) => {
                after_from = true;
                from = None;
                continue;
            }
            ("import", Some((m, false))) => {
                from = Some((m, true));
                continue;
            }
            ("as", Some((_, true))) => {
                skip_alias = true;
                continue;
            }
            (n, Some((m, true)))
                if !std::mem::take(&mut skip_alias)
                    && !n.contains('.')
                    && m.len() + n.len() < MODULE_NAME_LEN =>
            {
                let joined = if m.bytes().all(|b| b == b'.') {
                    format!("{m}{n}")
                } else {
                    format!("{m}.{n}")
                };
                name(&joined);
            }
            _ => {}
        }
        if std::mem::take(&mut after_from) {
            from = Some((token, false));
            depth = 0;
        }
        // Only names a module could have: each prefix is looked up (hashed) whole, so a 1 MB
        // token `ab.ab.ab…` cost its length squared (400 000 segments: 9 s).
        for (d, _) in token
            .match_indices('.')
            .filter(|&(d, _)| d > 0)
            .take_while(|&(d, _)| d <= MODULE_NAME_LEN)
        {
            if !token[..d].ends_with('.') {
                name(&token[..d]);
            }
        }
        if token.len() <= MODULE_NAME_LEN {
            name(token);
        }
    }
}

/// The longest dotted name read as a module's ([`python_names`]): 256 bytes, beyond any import
/// of a real package.
const MODULE_NAME_LEN: usize = 256;

/// Disjoint sets of package ids.
struct UnionFind {
    root: Vec<u32>,
}

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind {
            root: (0..u32::try_from(n).unwrap_or(u32::MAX)).collect(),
        }
    }

    fn find(&mut self, mut x: u32) -> u32 {
        while self.root[x as usize] != x {
            let up = self.root[self.root[x as usize] as usize];
            self.root[x as usize] = up;
            x = up;
        }
        x
    }

    fn union(&mut self, a: u32, b: u32) {
        let (a, b) = (self.find(a), self.find(b));
        let (lo, hi) = (a.min(b), a.max(b));
        self.root[hi as usize] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(lang: Language, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut push = |n: &str| out.push(n.to_owned());
        if lang == Language::Python {
            python_names(text.as_bytes(), &mut push);
        } else {
            relative_specs(text.as_bytes(), &mut push);
        }
        out
    }

    /// The groups of a tree, each as its files' paths.
    fn groups(root: &std::path::Path, deadline: Instant) -> Vec<Vec<String>> {
        let limits = Limits::default();
        let (entries, _) = crate::scan::walk::walk(root, &limits);
        let p = partition(&entries, &limits, deadline);
        assert_eq!(p.package_of.len(), entries.len());
        p.groups
            .iter()
            .map(|g| g.iter().map(|&i| entries[i].rel.clone()).collect())
            .collect()
    }

    #[test]
    fn packages_are_grouped_by_what_they_import_of_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let files = [
            ("a/pyproject.toml", "[project]\nname = 'a'\n"),
            ("a/x.py", "import os\n"),
            ("b/package.json", r#"{"name": "b"}"#),
            ("b/index.js", "const u = require('../c/util.js');\n"),
            ("c/package.json", r#"{"name": "c"}"#),
            ("c/util.js", "module.exports = {};\n"),
            ("d/package.json", r#"{"name": "d"}"#),
            ("d/dist/esm/package.json", r#"{"type": "module"}"#),
            ("d/dist/esm/i.js", "export const i = 1;\n"),
            ("e/pyproject.toml", "[project]\nname = 'e'\n"),
            ("e/server.py", "import config\n"),
            ("f/pyproject.toml", "[project]\nname = 'f'\n"),
            ("f/config.py", "X = 1\n"),
            ("g/pyproject.toml", "[project]\nname = 'g'\n"),
            ("g/s.py", "from shared_lib.mail import send\n"),
            ("h/pyproject.toml", "[project]\nname = 'h'\n"),
            ("h/shared_lib/mail.py", "def send(x):\n    pass\n"),
            ("i/pyproject.toml", "[project]\nname = 'Shared-Util'\n"),
            ("i/shared_util/__init__.py", "def send(x):\n    pass\n"),
            ("j/pyproject.toml", "[project]\nname = 'j'\n"),
            ("j/app.py", "import shared_util\nshared_util.send(1)\n"),
            ("loose/tool.py", "import a\n"),
            ("top.py", "print(1)\n"),
        ];
        for (rel, text) in files {
            let p = dir.path().join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let far = Instant::now() + std::time::Duration::from_secs(3600);
        let got = groups(dir.path(), far);
        let expected: Vec<Vec<&str>> = vec![
            vec!["a/pyproject.toml", "a/x.py"],
            // `../c/util.js` joins c to b.
            vec![
                "b/index.js",
                "b/package.json",
                "c/package.json",
                "c/util.js",
            ],
            // A `package.json` without a name is no package.
            vec![
                "d/dist/esm/i.js",
                "d/dist/esm/package.json",
                "d/package.json",
            ],
            // A bare `import config` is an installed module, not f's `config.py`.
            vec!["e/pyproject.toml", "e/server.py"],
            vec!["f/config.py", "f/pyproject.toml"],
            // A dotted name joins h to g.
            vec![
                "g/pyproject.toml",
                "g/s.py",
                "h/pyproject.toml",
                "h/shared_lib/mail.py",
            ],
            // The name i's manifest declares, as Python imports it, joins i to j.
            vec![
                "i/pyproject.toml",
                "i/shared_util/__init__.py",
                "j/app.py",
                "j/pyproject.toml",
            ],
            vec!["loose/tool.py"],
            vec!["top.py"],
        ];
        assert_eq!(got, expected);
        // Out of time before the sources are read: one group, as if one package.
        let all = groups(dir.path(), Instant::now());
        assert_eq!(all.len(), 1);
        assert_eq!(all[0].len(), files.len());
    }

    #[test]
    fn manifests_name_the_package_python_imports() {
        assert_eq!(&*import_name("Shared-Mail.Core"), "shared_mail_core");
        assert_eq!(
            crate::lang::ini_value(
                "[options]\nname = no\n[metadata]\nversion = 1\nname: my-pkg\n",
                "metadata",
                "name"
            ),
            Some(("my-pkg", "name"))
        );
        assert_eq!(
            setup_py_name("from setuptools import setup\nsetup(\n    name='mcp-x',\n)\n"),
            Some("mcp-x")
        );
        assert_eq!(setup_py_name("setup(name=NAME)"), None);
    }

    #[test]
    fn python_names_cover_every_form_of_import() {
        let found = names(
            Language::Python,
            "import a.b.c as d, e\nfrom ..pkg import (x,\n  y as z)\nfrom . import w\n\
             importlib.import_module('dyn.mod')\nq = 1\n",
        );
        for n in [
            "a", "a.b", "a.b.c", "e", "..pkg", "..pkg.x", "..pkg.y", ".w", "dyn", "dyn.mod",
        ] {
            assert!(found.iter().any(|f| f == n), "{n} missing from {found:?}");
        }
        // The alias is not a module of `..pkg`, and the statement ends at its line.
        assert!(!found.iter().any(|f| f == "..pkg.z" || f == "..pkg.q"));
    }

    #[test]
    fn a_long_dotted_token_names_only_its_short_prefixes() {
        // Each prefix is hashed whole: a 1 MB `ab.ab.ab…` cost its length squared.
        let long = vec!["ab"; 100_000].join(".");
        let text = format!("import {long}\nfrom {long} import x\nimport a.b\n");
        let found = names(Language::Python, &text);
        assert!(found.iter().all(|n| n.len() <= MODULE_NAME_LEN));
        for n in ["ab", "ab.ab", "a", "a.b"] {
            assert!(found.iter().any(|f| f == n), "{n} missing");
        }
    }

    #[test]
    fn relative_specs_are_quoted_paths_only() {
        let found = names(
            Language::JavaScript,
            "import x from '../shared/mail.js';\nconst y = require(\"./lib\");\n\
             const t = `./tpl`; const n = 'not/relative'; const broken = './open\n",
        );
        assert_eq!(found, ["../shared/mail.js", "./lib", "./tpl"]);
    }
}
