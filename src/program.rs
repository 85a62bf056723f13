//! The package as a whole: which file an import names (Python dotted and relative modules, JS/TS
//! relative paths with extension and `index` probing), the call graph across every file, and for each
//! MCP tool the functions its handler reaches — so a tool in `server.py` carries the effects of the
//! helper in `_metrics.py` that it calls.
//!
//! Everything here is linear in the package's functions and calls, except tool reach, which is one
//! breadth-first search per tool: bounded in all by [`Program::reach_cap`], since thousands of tools
//! each reaching thousands of functions cost tools × functions.

use std::collections::VecDeque;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;

use crate::facts::{Call, FileFacts, Tool};
use crate::lang::Language;

/// What the per-file phase keeps of a parsed file for the whole-program phase.
#[derive(Debug)]
pub struct Unit {
    /// Path relative to the scanned root, `/`-separated.
    pub rel: String,
    /// Its language.
    pub lang: Language,
    /// The package it belongs to ([`crate::scan::packages`]): a Python import of a name found in
    /// several packages of the tree names the importer's own package's module.
    pub package: u32,
    /// The name its package's manifest declares, as Python imports it (`shared_mail` for
    /// `shared-mail`): another package's bare `import shared_mail` names this package.
    pub distribution: Option<Arc<str>>,
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
    /// Each function's callees: function nodes, and name nodes (`>= base`'s total) that stand
    /// for every function of one name in one file ([`crate::facts::FileFacts::named`]).
    edges: Vec<Vec<usize>>,
    /// The functions of each name node, node `edges.len() + i` being `names[i]`: a walk follows
    /// a name node's functions as the calling function's own callees, and each name node once.
    names: Vec<Vec<usize>>,
    /// Cross-file call targets per unit: call index → node.
    call_targets: Vec<HashMap<usize, usize>>,
    /// For each unit, the units that import it.
    importers: Vec<Vec<usize>>,
    /// For each unit, where it is imported: (importer, byte offset).
    import_sites: Vec<Vec<(usize, usize)>>,
    /// For each function, the calls that land on it: (unit, call index).
    callers: HashMap<FnRef, Vec<(usize, usize)>>,
    /// For each unit, its calls' indexes in the order of their start: the calls inside a
    /// dispatch branch are found by binary search, not by every tool asking every call.
    calls_by_start: Vec<Vec<u32>>,
    /// For each unit, each function name's first function ([`crate::facts::first_named`]).
    first_named: Vec<HashMap<String, usize>>,
    /// For each unit, its [command gates](crate::facts::FileFacts::command_gates), asked by
    /// binary search (each finding asks; 80 000 gates and findings searched them: 6 s).
    gates: Vec<crate::facts::Cover>,
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
        // Each unit's functions by name (the first of each name) and calls by start: the
        // lookups a cross-file call and a dispatch branch make, so that neither is a search.
        let ((first_named, calls_by_start), gates): ((Vec<_>, Vec<_>), Vec<_>) = units
            .par_iter()
            .map(|u| {
                let mut by_start: Vec<u32> =
                    (0..u32::try_from(u.facts.calls.len()).unwrap_or(u32::MAX)).collect();
                by_start.sort_by_key(|&ci| u.facts.calls[ci as usize].span.start);
                let gates = crate::facts::Cover::new(u.facts.command_gates.clone());
                (
                    (crate::facts::first_named(&u.facts.functions), by_start),
                    gates,
                )
            })
            .unzip();
        // Where each call lands, (call index, function node), and which file each import reads,
        // (file, offset): every unit on its own, so in parallel.
        type PerUnit = Vec<Vec<(usize, usize)>>;
        let (resolved, imported): (PerUnit, PerUnit) = units
            .par_iter()
            .enumerate()
            .map(|(ui, u)| {
                let calls = u
                    .facts
                    .calls
                    .iter()
                    .enumerate()
                    .filter_map(|(ci, call)| {
                        let (tu, tf) = modules.resolve(units, &first_named, ui, call)?;
                        Some((ci, base[tu] + tf as usize))
                    })
                    .collect();
                let imports = u
                    .facts
                    .imports
                    .iter()
                    .filter_map(|imp| {
                        let t = modules.module(units, ui, &imp.module)?;
                        (t != ui).then_some((t, imp.span.start))
                    })
                    .collect();
                (calls, imports)
            })
            .unzip();
        let mut edges: Vec<Vec<usize>> = vec![Vec::new(); total];
        let mut names: Vec<Vec<usize>> = Vec::new();
        let mut call_targets = Vec::with_capacity(units.len());
        for ((ui, u), resolved) in units.iter().enumerate().zip(resolved) {
            // A name of one function is that function's node (not the caller's own: a
            // recursion is no edge); a name of several gets a name node when first called.
            let mut name_node = vec![usize::MAX; u.facts.named.len()];
            for (fi, f) in u.facts.functions.iter().enumerate() {
                let at = base[ui] + fi;
                for &g in &f.callees {
                    let group = &u.facts.named[g as usize];
                    let node = match group.as_slice() {
                        [one] => base[ui] + *one as usize,
                        _ if name_node[g as usize] != usize::MAX => name_node[g as usize],
                        _ => {
                            names.push(group.iter().map(|&t| base[ui] + t as usize).collect());
                            name_node[g as usize] = total + names.len() - 1;
                            total + names.len() - 1
                        }
                    };
                    if node != at {
                        edges[at].push(node);
                    }
                }
            }
            let mut targets = HashMap::with_capacity(resolved.len());
            // A function's cross-file callees after its own, each once (a cross-file target is
            // never one of its own file's functions).
            let mut linked: foldhash::HashSet<(usize, usize)> = foldhash::HashSet::default();
            for (ci, node) in resolved {
                targets.insert(ci, node);
                if let Some(from) = u.facts.calls[ci].function {
                    let at = base[ui] + from as usize;
                    if linked.insert((at, node)) {
                        edges[at].push(node);
                    }
                }
            }
            call_targets.push(targets);
        }
        let mut importers: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
        let mut import_sites: Vec<Vec<(usize, usize)>> = vec![Vec::new(); units.len()];
        for (ui, list) in imported.into_iter().enumerate() {
            for (t, offset) in list {
                import_sites[t].push((ui, offset));
                // Importers come in order: one already listed is the last (not a search).
                if importers[t].last() != Some(&ui) {
                    importers[t].push(ui);
                }
            }
        }
        let mut callers: HashMap<FnRef, Vec<(usize, usize)>> = HashMap::new();
        for (ui, u) in units.iter().enumerate() {
            for (ci, c) in u.facts.calls.iter().enumerate() {
                let target = c
                    .target
                    .map(|t| (ui, t))
                    .or_else(|| call_targets[ui].get(&ci).map(|&n| fn_of(&base, n)));
                if let Some(t) = target {
                    callers.entry(t).or_default().push((ui, ci));
                }
            }
        }
        Program {
            units,
            base,
            edges,
            names,
            call_targets,
            importers,
            import_sites,
            callers,
            calls_by_start,
            first_named,
            gates,
        }
    }

    /// Each unit's group: the smallest unit index among the units that cross-file calls connect to
    /// it, either way. Following a call never leaves a group, so what is computed about one group's
    /// functions does not depend on another's.
    pub fn call_groups(&self) -> Vec<usize> {
        let mut root: Vec<usize> = (0..self.units.len()).collect();
        fn find(root: &mut [usize], mut u: usize) -> usize {
            while root[u] != u {
                root[u] = root[root[u]];
                u = root[u];
            }
            u
        }
        for (u, targets) in self.call_targets.iter().enumerate() {
            for &node in targets.values() {
                let (a, b) = (find(&mut root, u), find(&mut root, self.fn_of(node).0));
                let (lo, hi) = (a.min(b), a.max(b));
                root[hi] = lo;
            }
        }
        (0..root.len()).map(|u| find(&mut root, u)).collect()
    }

    /// Every call that lands on function `f`: (unit, call index).
    pub fn callers(&self, f: FnRef) -> &[(usize, usize)] {
        self.callers.get(&f).map_or(&[], Vec::as_slice)
    }

    /// Where other files of the package import `unit`: (importer, byte offset of the import).
    pub fn import_sites(&self, unit: usize) -> &[(usize, usize)] {
        &self.import_sites[unit]
    }

    /// A memo for [`Program::command_gated`], for one program's findings.
    pub fn gating(&self) -> Gating {
        Gating::default()
    }

    /// True when the code at (unit, offset) runs only when the user types a command-line
    /// sub-command: it sits in a [command gate](crate::facts::FileFacts::command_gates), or every
    /// way to it (the calls of its function, the imports of its file for module code) does.
    /// A file nothing imports is an entry point, and not gated.
    ///
    /// Beyond its own gates, the answer is its function's (or its module code's), kept in
    /// `known`: every finding of a function asked again through all its callers (64 000 findings
    /// in a function called 64 000 times took 23 s).
    pub fn command_gated(&self, known: &mut Gating, unit: usize, offset: usize) -> bool {
        if self.gates[unit].contains(offset) {
            return true;
        }
        let func = self.units[unit].facts.function_at(offset);
        if let Some(&gated) = known.0.get(&(unit, func)) {
            return gated;
        }
        let gated = self.gated_at(unit, offset, 0, &mut HashMap::new());
        known.0.insert((unit, func), gated);
        gated
    }

    fn gated_at(
        &self,
        unit: usize,
        offset: usize,
        depth: usize,
        memo: &mut HashMap<(usize, Option<u32>), bool>,
    ) -> bool {
        if self.gates[unit].contains(offset) {
            return true;
        }
        let func = self.units[unit].facts.function_at(offset);
        if depth > 16 {
            return false;
        }
        if let Some(&known) = memo.get(&(unit, func)) {
            return known;
        }
        // Assume not gated while this place is being decided (a cycle is no gate).
        memo.insert((unit, func), false);
        let gated = match func {
            Some(f) => {
                let callers = self.callers((unit, f));
                !callers.is_empty()
                    && callers.iter().all(|&(u, c)| {
                        let at = self.units[u].facts.calls[c].span.start;
                        self.gated_at(u, at, depth + 1, memo)
                    })
            }
            None => {
                let sites = self.import_sites(unit);
                !sites.is_empty()
                    && sites
                        .iter()
                        .all(|&(u, at)| self.gated_at(u, at, depth + 1, memo))
            }
        };
        memo.insert((unit, func), gated);
        gated
    }

    /// The function a call lands on: one of its own file by name (`helper(x)`, `self.helper(x)`),
    /// else one of another file of the package through an import.
    pub fn call_target(&self, unit: usize, call: usize) -> Option<FnRef> {
        let c = self.units[unit].facts.calls.get(call)?;
        if let Some(t) = c.target {
            return Some((unit, t));
        }
        self.call_targets[unit].get(&call).map(|&n| self.fn_of(n))
    }

    /// The units of the package that import `unit`.
    pub fn importers(&self, unit: usize) -> &[usize] {
        &self.importers[unit]
    }

    fn node(&self, f: FnRef) -> usize {
        self.base[f.0] + f.1 as usize
    }

    fn fn_of(&self, node: usize) -> FnRef {
        fn_of(&self.base, node)
    }

    /// What a tool's handler reaches.
    pub fn reach(&self, unit: usize, tool: &Tool) -> Reach {
        self.reach_within(unit, tool, usize::MAX)
    }

    /// The most functions each of `tools` tools is followed to, so that all of them together
    /// stay within [`REACH_BUDGET_BASE`] plus [`REACH_BUDGET_PER_EDGE`] times the graph's size
    /// (functions and calls), and never fewer than [`REACH_MIN`]. Honest packages, a few hundred
    /// tools over a few thousand functions, never reach it; 8 000 tools calling one chain of 8 000
    /// functions (600 KB) took 2.8 GB and 6 s before it. A cut reach is continued without its
    /// paths ([`Program::reach_beyond`]), so that what the tool does is still known.
    pub fn reach_cap(&self, tools: usize) -> usize {
        let size = self.edges.len()
            + self.edges.iter().map(Vec::len).sum::<usize>()
            + self.names.iter().map(Vec::len).sum::<usize>();
        let budget = REACH_BUDGET_BASE.saturating_add(size.saturating_mul(REACH_BUDGET_PER_EDGE));
        (budget / tools.max(1)).max(REACH_MIN)
    }

    /// [`Program::reach`], breadth-first up to `cap` functions ([`Reach::cut`] says whether the
    /// cap left some out).
    pub fn reach_within(&self, unit: usize, tool: &Tool, cap: usize) -> Reach {
        let facts = &self.units[unit].facts;
        let mut roots: Vec<usize> = Vec::new();
        roots.extend(tool.handler.map(|h| self.node((unit, h))));
        // The functions inside the tool's own code (starting in one of its ranges and ending in
        // it), in the order of the file.
        let inside = starting_in(&facts.function_ranges, &tool.ranges, |r| r.start);
        roots.extend(
            inside
                .into_iter()
                .filter(|&i| {
                    let r = &facts.function_ranges[i];
                    tool.ranges
                        .iter()
                        .any(|t| t.start <= r.start && r.end <= t.end)
                })
                .map(|i| self.node((unit, u32::try_from(i).unwrap_or(u32::MAX)))),
        );
        // A handler function's own calls are edges of the graph; a dispatch branch (no handler
        // function of its own) starts from the functions its code calls.
        if tool.handler.is_none() {
            let by_start = &self.calls_by_start[unit];
            let inside = starting_in(by_start, &tool.ranges, |&ci| {
                facts.calls[ci as usize].span.start
            });
            let mut calls: Vec<usize> = inside.into_iter().map(|k| by_start[k] as usize).collect();
            calls.sort_unstable();
            for ci in calls {
                let call = &facts.calls[ci];
                let local = call
                    .callee
                    .strip_prefix("self.")
                    .or_else(|| call.callee.strip_prefix("this."))
                    .unwrap_or(&call.callee);
                if let Some(&f) = self.first_named[unit].get(local) {
                    roots.push(self.node((unit, u32::try_from(f).unwrap_or(u32::MAX))));
                }
                if let Some(&n) = self.call_targets[unit].get(&ci) {
                    roots.push(n);
                }
            }
        }
        // Sparse: a tool reaches a few functions of the package, and a dense table per tool
        // would make the whole analysis quadratic in memory (tools × functions).
        let mut parent: HashMap<usize, usize> = HashMap::new();
        let mut queue: VecDeque<usize> = VecDeque::new();
        let mut visited = Vec::new();
        let mut cut = false;
        let mut reached = 0;
        let mut names_followed: foldhash::HashSet<usize> = foldhash::HashSet::default();
        for r in roots {
            if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(r) {
                e.insert(r);
                queue.push_back(r);
                reached += 1;
            }
        }
        'walk: while let Some(n) = queue.pop_front() {
            visited.push(n);
            for &m in &self.edges[n] {
                // A name node's functions are `n`'s callees, in order; a name followed before
                // has nothing new (its walk is cut before it is marked).
                let callees = match m
                    .checked_sub(self.edges.len())
                    .and_then(|i| self.names.get(i))
                {
                    Some(_) if !names_followed.insert(m) => continue,
                    Some(fns) => fns.as_slice(),
                    None => std::slice::from_ref(&m),
                };
                for &m in callees {
                    if let std::collections::hash_map::Entry::Vacant(e) = parent.entry(m) {
                        if reached >= cap {
                            cut = true;
                            break 'walk;
                        }
                        e.insert(n);
                        queue.push_back(m);
                        reached += 1;
                    }
                }
            }
        }
        // Queued before the cap: reached, their own calls not followed.
        visited.extend(queue);
        Reach {
            unit,
            handler: tool.handler.map(|h| self.node((unit, h))),
            ranges: tool.ranges.clone(),
            parent,
            visited,
            cut,
        }
    }

    /// The functions a cut reach ([`Reach::cut`]) left out, found without recording how
    /// (one bit per function, so that many tools' continuations need no more memory than one's),
    /// following at most `cap` calls; true when that cap cut it again.
    pub fn reach_beyond(&self, reach: &Reach, cap: usize) -> (Vec<usize>, bool) {
        let mut seen = vec![0u64; (self.edges.len() + self.names.len()).div_ceil(64)];
        let mark = |seen: &mut [u64], n: usize| {
            let (w, b) = (n / 64, 1u64 << (n % 64));
            let new = seen[w] & b == 0;
            seen[w] |= b;
            new
        };
        for &n in reach.parent.keys() {
            mark(&mut seen, n);
        }
        let mut queue: VecDeque<usize> = reach.visited.iter().copied().collect();
        let mut out = Vec::new();
        let mut followed = 0;
        while let Some(n) = queue.pop_front() {
            for &m in &self.edges[n] {
                let callees = match m
                    .checked_sub(self.edges.len())
                    .and_then(|i| self.names.get(i))
                {
                    Some(_) if !mark(&mut seen, m) => continue,
                    Some(fns) => fns.as_slice(),
                    None => std::slice::from_ref(&m),
                };
                for &m in callees {
                    followed += 1;
                    if followed > cap {
                        return (out, true);
                    }
                    if mark(&mut seen, m) {
                        out.push(m);
                        queue.push_back(m);
                    }
                }
            }
        }
        (out, false)
    }

    /// The graph node of the innermost function at a place, if any.
    pub fn node_at(&self, unit: usize, offset: usize) -> Option<usize> {
        self.units[unit]
            .facts
            .function_at(offset)
            .map(|f| self.node((unit, f)))
    }

    /// `a → b (helpers.py) → c`: how a reach got from the tool's handler to a function.
    pub fn path_to(&self, reach: &Reach, target: FnRef) -> Option<String> {
        let mut node = self.node(target);
        if !reach.parent.contains_key(&node) {
            return None;
        }
        let mut path = vec![node];
        while let Some(&p) = reach.parent.get(&node).filter(|&&p| p != node) {
            node = p;
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
            .is_some_and(|f| reach.parent.contains_key(&self.node((unit, f))))
    }

    /// The innermost function at a place, if the reach covers it.
    pub fn function_reached(&self, reach: &Reach, unit: usize, offset: usize) -> Option<FnRef> {
        let f = self.units[unit].facts.function_at(offset)?;
        reach
            .parent
            .contains_key(&self.node((unit, f)))
            .then_some((unit, f))
    }
}

/// Functions all of a program's tool reaches may hold, whatever its size ([`Program::reach_cap`]).
pub const REACH_BUDGET_BASE: usize = 1 << 20;
/// ... and per function and call of the program.
pub const REACH_BUDGET_PER_EDGE: usize = 16;
/// Functions one tool is always followed to.
pub const REACH_MIN: usize = 64;
/// Calls the continuations of all cut reaches may follow ([`Program::reach_beyond`]), whatever
/// the program's size.
pub const BEYOND_BUDGET: usize = 1 << 27;
/// Calls each cut reach's continuation may always follow.
pub const BEYOND_MIN: usize = 4096;

/// The positions in `sorted` (sorted by `start_of`) of the items whose start lies in one of
/// `ranges`, ascending and each once: a binary search per range, not a pass over the list.
fn starting_in<T>(
    sorted: &[T],
    ranges: &[std::ops::Range<usize>],
    start_of: impl Fn(&T) -> usize,
) -> Vec<usize> {
    let mut out = Vec::new();
    for t in ranges {
        let first = sorted.partition_point(|x| start_of(x) < t.start);
        out.extend((first..sorted.len()).take_while(|&k| start_of(&sorted[k]) < t.end));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The function a graph node stands for, given each unit's first node.
fn fn_of(base: &[usize], node: usize) -> FnRef {
    let u = base.partition_point(|&b| b <= node) - 1;
    (u, u32::try_from(node - base[u]).unwrap_or(u32::MAX))
}

/// What [`Program::command_gated`] found of each function (and module code): (unit, function).
#[derive(Debug, Default)]
pub struct Gating(HashMap<(usize, Option<u32>), bool>);

/// The functions one tool reaches, with the path that reached each.
#[derive(Debug, Clone)]
pub struct Reach {
    unit: usize,
    handler: Option<usize>,
    ranges: Vec<std::ops::Range<usize>>,
    /// Reached node → the node it was reached from (a root maps to itself).
    parent: HashMap<usize, usize>,
    visited: Vec<usize>,
    cut: bool,
}

impl Reach {
    /// Whether the cap of [`Program::reach_within`] left functions out.
    pub fn cut(&self) -> bool {
        self.cut
    }

    /// The graph nodes reached ([`Program::node_at`]), in breadth-first order.
    pub fn nodes(&self) -> &[usize] {
        &self.visited
    }

    /// The unit declaring the tool, and the byte ranges of its own code.
    pub fn own_code(&self) -> (usize, &[std::ops::Range<usize>]) {
        (self.unit, &self.ranges)
    }
}

/// Module name → unit, for both module systems.
pub(crate) struct ModuleIndex {
    /// Every dotted suffix of every Python module, to the first module (in walk order) with it.
    python: HashMap<String, usize>,
    /// The same per package, when the files are of more than one: a package's `import utils`
    /// names its own `utils.py` before the first of the tree.
    python_by_package: Option<HashMap<u32, HashMap<String, usize>>>,
    /// Packages by the name they are imported as ([`Unit::distribution`]).
    distributions: HashMap<String, u32>,
    js: HashMap<PathBuf, usize>,
}

const JS_EXTENSIONS: [&str; 8] = ["ts", "tsx", "mts", "cts", "js", "jsx", "mjs", "cjs"];

impl ModuleIndex {
    pub(crate) fn new(units: &[Unit]) -> ModuleIndex {
        ModuleIndex::of_files(
            units
                .iter()
                .map(|u| (u.rel.as_str(), u.lang, u.package, u.distribution.as_deref())),
        )
    }

    /// The index of files known by path, language, package and the package's import name
    /// (before they are parsed, for [`crate::scan::packages`]); a file's number is its position.
    pub(crate) fn of_files<'a>(
        files: impl Iterator<Item = (&'a str, Language, u32, Option<&'a str>)> + Clone,
    ) -> ModuleIndex {
        let mut python = HashMap::new();
        let mut by_package: HashMap<u32, HashMap<String, usize>> = HashMap::new();
        let mut distributions = HashMap::new();
        let mut js = HashMap::new();
        let mut packages = files.clone().map(|(_, _, p, _)| p);
        let first = packages.next();
        let several = packages.any(|p| Some(p) != first);
        for (i, (rel, lang, package, distribution)) in files.enumerate() {
            if several && let Some(d) = distribution {
                distributions.entry(d.to_owned()).or_insert(package);
            }
            let path = Path::new(rel);
            if lang == Language::Python {
                let stem = rel.trim_end_matches(".pyi").trim_end_matches(".py");
                let dotted = stem.replace('/', ".");
                let dotted = dotted
                    .strip_suffix(".__init__")
                    .unwrap_or(&dotted)
                    .to_owned();
                // Every suffix: `src/pkg/mod.py` is importable as `pkg.mod` and, from its own
                // directory, as `mod`.
                let parts: Vec<&str> = dotted.split('.').collect();
                for k in 0..parts.len() {
                    let name = parts[k..].join(".");
                    if several {
                        let own = by_package.entry(package).or_default();
                        own.entry(name.clone()).or_insert(i);
                    }
                    python.entry(name).or_insert(i);
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
        ModuleIndex {
            python,
            python_by_package: several.then_some(by_package),
            distributions,
            js,
        }
    }

    /// The unit an import statement's module names, within the package.
    fn module(&self, units: &[Unit], from: usize, module: &str) -> Option<usize> {
        let u = &units[from];
        self.module_of(&u.rel, u.lang, u.package, module)
    }

    /// True when some package of the index is imported as `name`.
    pub(crate) fn is_distribution(&self, name: &str) -> bool {
        self.distributions.contains_key(name)
    }

    /// The file an import of `module` names from the file at `rel` of `package`.
    pub(crate) fn module_of(
        &self,
        rel: &str,
        lang: Language,
        package: u32,
        module: &str,
    ) -> Option<usize> {
        if lang == Language::Python {
            self.python_module(rel, package, module)
        } else {
            self.js_module(rel, module)
        }
    }

    /// The function a cross-file call lands on (`first_named`: each unit's functions by name).
    fn resolve(
        &self,
        units: &[Unit],
        first_named: &[HashMap<String, usize>],
        from: usize,
        call: &Call,
    ) -> Option<FnRef> {
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
            if let Some(&f) = first_named[t].get(func) {
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
        defines: impl Fn(usize, &str) -> bool,
    ) -> Option<(usize, &'p str)> {
        for (d, _) in path
            .match_indices('.')
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
        {
            let (module, name) = (&path[..d], &path[d + 1..]);
            if module.is_empty() || name.is_empty() || name.contains('.') {
                continue;
            }
            if let Some(t) = self.module(units, from, module).filter(|&t| t != from)
                && defines(t, name)
            {
                return Some((t, name));
            }
        }
        None
    }

    fn python_module(&self, importer: &str, package: u32, module: &str) -> Option<usize> {
        let level = module.chars().take_while(|c| *c == '.').count();
        if level == 0 {
            // A name no module of the tree has is the common case (most names a file uses).
            let first = self.python.get(module).copied()?;
            let Some(by_package) = &self.python_by_package else {
                return Some(first);
            };
            // Another package's module by its import name (`shared_mail`, `shared_mail.ship`: a
            // workspace dependency) or by a dotted name; a bare `config` or `utils` the package
            // does not have is an installed module, not the first such file of a sibling server.
            let named = || {
                let top = module.split('.').next()?;
                by_package.get(self.distributions.get(top)?)?.get(module)
            };
            return by_package
                .get(&package)
                .and_then(|m| m.get(module))
                .or_else(named)
                .copied()
                .or_else(|| module.contains('.').then_some(first));
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
            package: 0,
            distribution: None,
            facts: crate::facts::extract(lang, &tree, src.as_bytes()),
        }
    }

    fn reached_names(units: &[Unit], tool_unit: usize) -> Vec<String> {
        let p = Program::new(units);
        let r = p.reach(tool_unit, &units[tool_unit].facts.tools[0]);
        let mut out = Vec::new();
        for (u, unit) in units.iter().enumerate() {
            for (i, f) in unit.facts.functions.iter().enumerate() {
                if r.parent
                    .contains_key(&p.node((u, u32::try_from(i).unwrap())))
                {
                    out.push(format!("{}:{}", unit.rel, f.name));
                }
            }
        }
        out
    }

    #[test]
    fn a_cut_reach_is_continued_without_paths_within_its_own_cap() {
        // t → f5 → f4 → … → f0: followed with paths to 3 functions, the rest found by the
        // continuation; a continuation capped below the chain's length says it was cut again.
        let chain: String = (0..5)
            .map(|i| format!("def f{}(x):\n    return f{i}(x)\n", i + 1))
            .collect();
        let src = format!("def f0(x):\n    pass\n{chain}@mcp.tool()\ndef t(a):\n    f5(a)\n");
        let units = [unit("s.py", Language::Python, &src)];
        let p = Program::new(&units);
        let tool = &units[0].facts.tools[0];
        let full = p.reach(0, tool);
        assert!(!full.cut());
        assert_eq!(full.nodes().len(), 7);
        assert_eq!(p.reach_beyond(&full, usize::MAX), (Vec::new(), false));
        let name = |n: usize| units[0].facts.functions[p.fn_of(n).1 as usize].name.clone();
        let cut = p.reach_within(0, tool, 3);
        assert!(cut.cut());
        let mut held: Vec<String> = cut.nodes().iter().map(|&n| name(n)).collect();
        held.sort();
        assert_eq!(held, ["f4", "f5", "t"]);
        // The path to a held function is still told.
        assert!(p.path_to(&cut, p.fn_of(cut.nodes()[2])).is_some());
        let (beyond, again) = p.reach_beyond(&cut, usize::MAX);
        assert!(!again);
        assert_eq!(
            beyond.iter().map(|&n| name(n)).collect::<Vec<_>>(),
            ["f3", "f2", "f1", "f0"]
        );
        let (beyond, again) = p.reach_beyond(&cut, 5);
        assert!(again);
        assert!(beyond.len() < 4);
        // The cap a program gives its tools: at least REACH_MIN, and the whole budget for one.
        assert_eq!(p.reach_cap(usize::MAX), REACH_MIN);
        assert!(p.reach_cap(1) >= REACH_BUDGET_BASE);
    }

    #[test]
    fn a_name_of_several_functions_is_one_node_its_callers_share() {
        // `self.run()` may be either class's `run`: both are reached, through one name node
        // that `go` links to once, and a walk follows its functions as `go`'s own callees.
        let src = "class A:\n    def run(self):\n        return self.run()\n    def go(self):\n        self.run()\n        return self.run()\n\
                   class B:\n    def run(self):\n        return 2\n\
                   def lone(x):\n    return lone(x)\n\
                   @mcp.tool()\ndef t(a):\n    lone(a)\n    return go(a)\n";
        let units = [unit("s.py", Language::Python, src)];
        let p = Program::new(&units);
        let name = |n: usize| units[0].facts.functions[p.fn_of(n).1 as usize].name.clone();
        assert_eq!(p.names.len(), 1);
        assert_eq!(
            p.names[0].iter().map(|&n| name(n)).collect::<Vec<_>>(),
            ["run", "run"]
        );
        let node = |f: &str| {
            let i = units[0]
                .facts
                .functions
                .iter()
                .position(|g| g.name == f)
                .unwrap();
            p.node((0, u32::try_from(i).unwrap()))
        };
        // `go` calls `run` twice: one edge, to the name node; `lone` calling itself: none.
        assert_eq!(p.edges[node("go")], [p.edges.len()]);
        assert!(p.edges[node("lone")].is_empty());
        let reach = p.reach(0, &units[0].facts.tools[0]);
        let mut reached: Vec<String> = reach.nodes().iter().map(|&n| name(n)).collect();
        assert_eq!(reached, ["t", "lone", "go", "run", "run"]);
        assert_eq!(
            p.path_to(&reach, p.fn_of(reach.nodes()[4])).as_deref(),
            Some("`t` → `go` → `run`")
        );
        // Cut after `go`: the continuation finds both `run`s through the name node.
        let cut = p.reach_within(0, &units[0].facts.tools[0], 3);
        assert!(cut.cut());
        let (beyond, again) = p.reach_beyond(&cut, usize::MAX);
        assert!(!again);
        reached = beyond.iter().map(|&n| name(n)).collect();
        assert_eq!(reached, ["run", "run"]);
    }

    #[test]
    fn callers_of_a_name_of_many_functions_make_a_graph_linear_in_them() {
        // 2 000 `def n` and 2 000 functions calling `n`: each caller linked every `n` (4 * 10^6
        // edges here; 10 000 of each, 530 KB, took 1.25 GB). Now callers + functions.
        let n = 2_000;
        let src: String = (0..n)
            .map(|i| format!("def n(x):\n    return x\ndef m{i}(x):\n    return n(x)\n"))
            .collect();
        let units = [unit("s.py", Language::Python, &src)];
        let p = Program::new(&units);
        let edges: usize = p.edges.iter().map(Vec::len).sum();
        let members: usize = p.names.iter().map(Vec::len).sum();
        assert_eq!((edges, members), (n, n));
        let callees: usize = units[0]
            .facts
            .functions
            .iter()
            .map(|f| f.callees.len())
            .sum();
        assert_eq!(callees, n);
    }

    #[test]
    fn command_gating_remembered_per_function_answers_as_a_fresh_question() {
        // Gated and ungated callers, a cycle, module code imported from a gate: one memo over
        // every offset gives what a question of its own gives.
        let units = [
            unit(
                "cli.py",
                Language::Python,
                "import sys\nfrom .setup import install\ndef a():\n    b()\ndef b():\n    a()\n    c()\ndef c():\n    pass\ndef d():\n    pass\nif sys.argv[1] == 'install':\n    a()\n    d()\n    install()\nd()\n",
            ),
            unit(
                "setup.py",
                Language::Python,
                "def install():\n    w()\ndef w():\n    pass\n",
            ),
        ];
        let p = Program::new(&units);
        let mut known = p.gating();
        let mut gated = 0;
        for (u, unit) in units.iter().enumerate() {
            let len = unit
                .facts
                .function_ranges
                .iter()
                .map(|r| r.end)
                .max()
                .unwrap_or(0)
                + 40;
            for at in 0..len {
                let fresh = p.gated_at(u, at, 0, &mut HashMap::new());
                assert_eq!(
                    p.command_gated(&mut known, u, at),
                    fresh,
                    "{} @{at}",
                    unit.rel
                );
                gated += usize::from(fresh);
            }
        }
        assert!(gated > 0);
    }

    #[test]
    fn call_groups_join_the_files_calls_connect_and_only_those() {
        let units = [
            unit(
                "pkg/server.py",
                Language::Python,
                "from .helpers import ship\n@mcp.tool()\ndef add(a, b):\n    ship(a)\n    return a + b\n",
            ),
            unit("pkg/alone.py", Language::Python, "def log(x):\n    pass\n"),
            unit(
                "pkg/helpers.py",
                Language::Python,
                "from .deeper import inner\ndef ship(x):\n    inner(x)\n",
            ),
            unit(
                "pkg/deeper.py",
                Language::Python,
                "def inner(x):\n    pass\n",
            ),
            // Imported but never called: an import alone shares no dataflow.
            unit(
                "pkg/other.py",
                Language::Python,
                "import pkg.alone\ndef f():\n    pass\n",
            ),
        ];
        let p = Program::new(&units);
        assert_eq!(p.call_groups(), [0, 1, 0, 0, 4]);
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
