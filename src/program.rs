//! The package as a whole: which file an import names (Python dotted and relative modules, JS/TS
//! relative paths with extension and `index` probing), the call graph across every file, and for each
//! MCP tool the functions its handler reaches — so a tool in `server.py` carries the effects of the
//! helper in `_metrics.py` that it calls.
//!
//! Everything here is linear in the package's functions and calls, except tool reach, which is one
//! breadth-first search per tool.

use std::collections::{HashMap, VecDeque};
use std::path::{Component, Path, PathBuf};

use crate::facts::{Call, FileFacts, Tool};
use crate::lang::Language;

/// What the per-file phase keeps of a parsed file for the whole-program phase.
#[derive(Debug)]
pub struct Unit {
    /// Path relative to the scanned root, `/`-separated.
    pub rel: String,
    /// Its language.
    pub lang: Language,
    /// Its facts.
    pub facts: FileFacts,
}

/// A function anywhere in the package: (unit index, function index).
pub type FnRef = (usize, u32);

/// The package's call graph.
#[derive(Debug)]
pub struct Program<'u> {
    units: &'u [Unit],
    base: Vec<usize>,
    edges: Vec<Vec<usize>>,
    /// Cross-file call targets per unit: call index → node.
    call_targets: Vec<HashMap<usize, usize>>,
    /// For each unit, the units that import it.
    importers: Vec<Vec<usize>>,
}

impl<'u> Program<'u> {
    /// Resolves imports across the units and builds the call graph.
    pub fn new(units: &'u [Unit]) -> Program<'u> {
        let mut base = Vec::with_capacity(units.len());
        let mut total = 0;
        for u in units {
            base.push(total);
            total += u.facts.functions.len();
        }
        let modules = ModuleIndex::new(units);
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); total];
        let mut call_targets = Vec::with_capacity(units.len());
        for (ui, u) in units.iter().enumerate() {
            for (fi, f) in u.facts.functions.iter().enumerate() {
                edges[base[ui] + fi].extend(f.callees.iter().map(|&c| base[ui] + c as usize));
            }
            let mut targets = HashMap::new();
            for (ci, call) in u.facts.calls.iter().enumerate() {
                let Some((tu, tf)) = modules.resolve(units, ui, call) else {
                    continue;
                };
                let node = base[tu] + tf as usize;
                targets.insert(ci, node);
                if let Some(from) = call.function {
                    let list = &mut edges[base[ui] + from as usize];
                    if !list.contains(&node) {
                        list.push(node);
                    }
                }
            }
            call_targets.push(targets);
        }
        let mut importers: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        for (ui, u) in units.iter().enumerate() {
            for imp in &u.facts.imports {
                if let Some(t) = modules.module(units, ui, &imp.module)
                    && t != ui
                    && !importers[t].contains(&ui)
                {
                    importers[t].push(ui);
                }
            }
        }
        Program {
            units,
            base,
            edges,
            call_targets,
            importers,
        }
    }

    /// The units of the package that import `unit`.
    pub fn importers(&self, unit: usize) -> &[usize] {
        &self.importers[unit]
    }

    fn node(&self, f: FnRef) -> usize {
        self.base[f.0] + f.1 as usize
    }

    fn fn_of(&self, node: usize) -> FnRef {
        let u = self.base.partition_point(|&b| b <= node) - 1;
        (u, u32::try_from(node - self.base[u]).unwrap_or(u32::MAX))
    }

    /// What a tool's handler reaches.
    pub fn reach(&self, unit: usize, tool: &Tool) -> Reach {
        let facts = &self.units[unit].facts;
        let mut roots: Vec<usize> = Vec::new();
        roots.extend(tool.handler.map(|h| self.node((unit, h))));
        for (i, r) in facts.function_ranges.iter().enumerate() {
            if tool
                .ranges
                .iter()
                .any(|t| t.start <= r.start && r.end <= t.end)
            {
                roots.push(self.node((unit, u32::try_from(i).unwrap_or(u32::MAX))));
            }
        }
        let by_name = |name: &str| facts.functions.iter().position(|f| f.name == name);
        // A handler function's own calls are edges of the graph; a dispatch branch (no handler
        // function of its own) starts from the functions its code calls.
        for (ci, call) in facts.calls.iter().enumerate() {
            if tool.handler.is_some() || !tool.ranges.iter().any(|t| t.contains(&call.span.start)) {
                continue;
            }
            let local = call
                .callee
                .strip_prefix("self.")
                .or_else(|| call.callee.strip_prefix("this."))
                .unwrap_or(&call.callee);
            if let Some(f) = by_name(local) {
                roots.push(self.node((unit, u32::try_from(f).unwrap_or(u32::MAX))));
            }
            if let Some(&n) = self.call_targets[unit].get(&ci) {
                roots.push(n);
            }
        }
        let mut parent = vec![usize::MAX; self.edges.len()];
        let mut queue: VecDeque<usize> = VecDeque::new();
        for r in roots {
            if parent[r] == usize::MAX {
                parent[r] = r;
                queue.push_back(r);
            }
        }
        while let Some(n) = queue.pop_front() {
            for &m in &self.edges[n] {
                if parent[m] == usize::MAX {
                    parent[m] = n;
                    queue.push_back(m);
                }
            }
        }
        Reach {
            unit,
            handler: tool.handler.map(|h| self.node((unit, h))),
            ranges: tool.ranges.clone(),
            parent,
        }
    }

    /// `a → b (helpers.py) → c`: how a reach got from the tool's handler to a function.
    pub fn path_to(&self, reach: &Reach, target: FnRef) -> Option<String> {
        let mut node = self.node(target);
        if reach.parent.get(node).is_none_or(|&p| p == usize::MAX) {
            return None;
        }
        let mut path = vec![node];
        while reach.parent[node] != node {
            node = reach.parent[node];
            path.push(node);
            if path.len() > 64 {
                break;
            }
        }
        path.reverse();
        let names: Vec<String> = path
            .iter()
            .map(|&n| {
                let (u, f) = self.fn_of(n);
                let name = &self.units[u].facts.functions[f as usize].name;
                if u == reach.unit {
                    format!("`{name}`")
                } else {
                    format!("`{name}` ({})", self.units[u].rel)
                }
            })
            .collect();
        (names.len() > 1 || Some(path[0]) != reach.handler).then(|| names.join(" → "))
    }

    /// Whether a place (unit, byte offset) is inside what the reach covers.
    pub fn covers(&self, reach: &Reach, unit: usize, offset: usize) -> bool {
        if unit == reach.unit && reach.ranges.iter().any(|r| r.contains(&offset)) {
            return true;
        }
        self.units[unit]
            .facts
            .function_at(offset)
            .is_some_and(|f| reach.parent[self.node((unit, f))] != usize::MAX)
    }

    /// The innermost function at a place, if the reach covers it.
    pub fn function_reached(&self, reach: &Reach, unit: usize, offset: usize) -> Option<FnRef> {
        let f = self.units[unit].facts.function_at(offset)?;
        (reach.parent[self.node((unit, f))] != usize::MAX).then_some((unit, f))
    }
}

/// The functions one tool reaches, with the path that reached each.
#[derive(Debug, Clone)]
pub struct Reach {
    unit: usize,
    handler: Option<usize>,
    ranges: Vec<std::ops::Range<usize>>,
    parent: Vec<usize>,
}

/// Module name → unit, for both module systems.
pub(crate) struct ModuleIndex {
    python: HashMap<String, usize>,
    js: HashMap<PathBuf, usize>,
}

const JS_EXTENSIONS: [&str; 8] = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

impl ModuleIndex {
    pub(crate) fn new(units: &[Unit]) -> ModuleIndex {
        let mut python = HashMap::new();
        let mut js = HashMap::new();
        for (i, u) in units.iter().enumerate() {
            let path = Path::new(&u.rel);
            if u.lang == Language::Python {
                let stem = u.rel.trim_end_matches(".pyi").trim_end_matches(".py");
                let dotted = stem.replace('/', ".");
                let dotted = dotted
                    .strip_suffix(".__init__")
                    .unwrap_or(&dotted)
                    .to_owned();
                // Every suffix: `src/pkg/mod.py` is importable as `pkg.mod` and, from its own
                // directory, as `mod`.
                let parts: Vec<&str> = dotted.split('.').collect();
                for k in 0..parts.len() {
                    python.entry(parts[k..].join(".")).or_insert(i);
                }
            } else {
                let no_ext = path.with_extension("");
                js.entry(no_ext.clone()).or_insert(i);
                if no_ext.file_name().is_some_and(|n| n == "index")
                    && let Some(parent) = no_ext.parent()
                {
                    js.entry(parent.to_path_buf()).or_insert(i);
                }
            }
        }
        ModuleIndex { python, js }
    }

    /// The unit an import statement's module names, within the package.
    fn module(&self, units: &[Unit], from: usize, module: &str) -> Option<usize> {
        if units[from].lang == Language::Python {
            self.python_module(&units[from].rel, module)
        } else {
            self.js_module(&units[from].rel, module)
        }
    }

    /// The function a cross-file call lands on.
    fn resolve(&self, units: &[Unit], from: usize, call: &Call) -> Option<FnRef> {
        let callee = call.callee.trim_end_matches("()");
        if !callee.contains('.') && !callee.contains('/') {
            return None;
        }
        // Try every split `module.function`, longest module first.
        let dots: Vec<usize> = callee.match_indices('.').map(|(i, _)| i).collect();
        for &d in dots.iter().rev() {
            let (module, rest) = (&callee[..d], &callee[d + 1..]);
            let func = rest.split('.').next().unwrap_or(rest);
            if module.is_empty() || func.is_empty() {
                continue;
            }
            let Some(t) = self.module(units, from, module).filter(|&t| t != from) else {
                continue;
            };
            let facts = &units[t].facts;
            if let Some(f) = facts.functions.iter().position(|f| f.name == func) {
                return Some((t, u32::try_from(f).ok()?));
            }
        }
        None
    }

    /// The unit and top-level name an imported path names (`pkg.prompts.QUERY`,
    /// `../shared/constants.js.X`): every split `module.name`, longest module first, until one
    /// names a unit of the package where `defines` holds for the name.
    pub(crate) fn symbol<'p>(
        &self,
        units: &[Unit],
        from: usize,
        path: &'p str,
        defines: impl Fn(&Unit, &str) -> bool,
    ) -> Option<(usize, &'p str)> {
        for (d, _) in path.match_indices('.').collect::<Vec<_>>().into_iter().rev() {
            let (module, name) = (&path[..d], &path[d + 1..]);
            if module.is_empty() || name.is_empty() || name.contains('.') {
                continue;
            }
            if let Some(t) = self.module(units, from, module).filter(|&t| t != from)
                && defines(&units[t], name)
            {
                return Some((t, name));
            }
        }
        None
    }

    fn python_module(&self, importer: &str, module: &str) -> Option<usize> {
        let level = module.chars().take_while(|c| *c == '.').count();
        if level == 0 {
            return self.python.get(module).copied();
        }
        // Relative: `.mod` from `pkg/server.py` is `pkg.mod`.
        let mut pkg: Vec<&str> = importer.split('/').collect();
        pkg.pop();
        for _ in 1..level {
            pkg.pop();
        }
        let rest = &module[level..];
        let mut name = pkg.join(".");
        if !rest.is_empty() {
            if !name.is_empty() {
                name.push('.');
            }
            name.push_str(rest);
        }
        self.python.get(&name).copied()
    }

    fn js_module(&self, importer: &str, spec: &str) -> Option<usize> {
        if !spec.starts_with("./") && !spec.starts_with("../") {
            return None;
        }
        let dir = Path::new(importer).parent().unwrap_or(Path::new(""));
        let joined = normalize(&dir.join(spec));
        let stripped = match joined.extension().and_then(|e| e.to_str()) {
            Some(e) if JS_EXTENSIONS.contains(&e) => joined.with_extension(""),
            _ => joined,
        };
        self.js.get(&stripped).copied()
    }
}

fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(rel: &str, lang: Language, src: &str) -> Unit {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar()).unwrap();
        let tree = parser.parse(src, None).unwrap();
        Unit {
            rel: rel.into(),
            lang,
            facts: crate::facts::extract(lang, &tree, src.as_bytes()),
        }
    }

    fn reached_names(units: &[Unit], tool_unit: usize) -> Vec<String> {
        let p = Program::new(units);
        let r = p.reach(tool_unit, &units[tool_unit].facts.tools[0]);
        let mut out = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            for (i, f) in unit.facts.functions.iter().enumerate() {
                if r.parent[p.node((u, u32::try_from(i).unwrap()))] != usize::MAX {
                    out.push(format!("{}:{}", unit.rel, f.name));
                }
            }
        }
        out
    }

    #[test]
    fn python_relative_and_absolute_imports_cross_files() {
        let units = [
            unit(
                "pkg/server.py",
                Language::Python,
                "from .helpers import ship\nimport pkg.util as u\n@mcp.tool()\ndef add(a, b):\n    ship(a)\n    u.log(b)\n    return a + b\n",
            ),
            unit(
                "pkg/helpers.py",
                Language::Python,
                "def ship(x):\n    inner(x)\ndef inner(x):\n    pass\ndef unused():\n    pass\n",
            ),
            unit("pkg/util.py", Language::Python, "def log(x):\n    pass\n"),
        ];
        let names = reached_names(&units, 0);
        assert_eq!(
            names,
            [
                "pkg/server.py:add",
                "pkg/helpers.py:ship",
                "pkg/helpers.py:inner",
                "pkg/util.py:log"
            ]
        );
    }

    #[test]
    fn js_relative_imports_with_extensions_and_index() {
        let units = [
            unit(
                "src/index.ts",
                Language::TypeScript,
                "import { sendMail } from './mailer.js';\nimport * as lib from './lib';\nserver.tool('send', 'Send', {}, async (a) => { await sendMail(a); lib.track(a); });\n",
            ),
            unit(
                "src/mailer.ts",
                Language::TypeScript,
                "export async function sendMail(a) { return a; }\n",
            ),
            unit(
                "src/lib/index.ts",
                Language::TypeScript,
                "export function track(a) { return a; }\n",
            ),
        ];
        let names = reached_names(&units, 0);
        assert!(
            names.contains(&"src/mailer.ts:sendMail".to_owned()),
            "{names:?}"
        );
        assert!(
            names.contains(&"src/lib/index.ts:track".to_owned()),
            "{names:?}"
        );
    }
}
