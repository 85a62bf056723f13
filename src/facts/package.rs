//! The package phase of extraction: what a file's facts leave open until every file is read.
//!
//! - Candidates ([`Candidate`]) become tools when some file of the package registers tools
//!   generically ([`FileFacts::registers_generically`]); a decorated candidate only if its
//!   decorator is a function of the package.
//! - Descriptions made of names imported from other files ([`Pending`]) fold, one hop, to those
//!   files' module-level string constants; descriptions that call or read package names count as
//!   configuration when each name is a function or constant of the package.
//!
//! One pass over the tools and candidates; each name is a hash lookup in [`ModuleIndex`] and in
//! the named file's [`FunctionNames`].
//!
//! [`FileFacts::registers_generically`]: super::FileFacts::registers_generically

use std::cell::OnceCell;

use foldhash::{HashMap, HashSet};

use super::{Candidate, Pending, Piece, Tool};
use crate::program::{ModuleIndex, Unit};

/// Each unit's function names, with whether some function of the name is pure
/// ([`super::Function::pure`]), built the first time the unit is asked: a name is a lookup, not
/// a pass over the file's functions (40 000 candidates decorated by a function of a file of
/// 80 000 took 7 s).
struct FunctionNames<'u> {
    units: &'u [Unit],
    cells: Vec<OnceCell<HashMap<&'u str, bool>>>,
}

impl<'u> FunctionNames<'u> {
    fn new(units: &'u [Unit]) -> Self {
        FunctionNames {
            units,
            cells: (0..units.len()).map(|_| OnceCell::new()).collect(),
        }
    }

    /// `None` when unit `u` has no function `name`, else whether one of them is pure.
    fn get(&self, u: usize, name: &str) -> Option<bool> {
        let map = self.cells[u].get_or_init(|| {
            let mut map: HashMap<&str, bool> = HashMap::default();
            for f in &self.units[u].facts.functions {
                *map.entry(f.name.as_str()).or_default() |= f.pure;
            }
            map
        });
        map.get(name).copied()
    }
}

/// Completes the tools of every unit. Returns the (unit, tool) pairs whose description the
/// per-file description rules have not seen: tools accepted from candidates and descriptions
/// folded across files.
pub fn link(units: &mut [Unit]) -> Vec<(usize, usize)> {
    let modules = ModuleIndex::new(units);
    let generic = units.iter().any(|u| u.facts.registers_generically);
    let mut accepted: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    if generic {
        let names = FunctionNames::new(units);
        for (ui, u) in units.iter().enumerate() {
            if u.facts.candidates.is_empty() {
                continue;
            }
            let tools: HashSet<(usize, usize)> = u
                .facts
                .tools
                .iter()
                .map(|t| (t.span.start, t.span.end))
                .collect();
            for (ci, c) in u.facts.candidates.iter().enumerate() {
                let ok = c
                    .decorator
                    .as_deref()
                    .is_none_or(|d| is_package_function(&names, &modules, ui, d));
                if ok && !tools.contains(&(c.tool.span.start, c.tool.span.end)) {
                    accepted[ui].push(ci);
                }
            }
        }
    }
    let mut changed = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::default();
    for (ui, list) in accepted.into_iter().enumerate() {
        let facts = &mut units[ui].facts;
        for ci in list {
            let Candidate { tool, decorator } = facts.candidates[ci].clone();
            // A decorated function's docstring was matched with the file (as the docstring of a
            // decorated function no known tool claims); anything else is new to the rules.
            let doc = tool
                .handler
                .and_then(|h| facts.functions.get(h as usize))
                .and_then(|f| f.doc.as_ref());
            if decorator.is_none() || tool.description.as_ref() != doc {
                changed.push((ui, facts.tools.len()));
                seen.insert((ui, facts.tools.len()));
            }
            facts.tools.push(tool);
        }
    }
    // Resolve pending descriptions: plan with shared borrows, then apply.
    let mut plans: Vec<(usize, usize, Resolution)> = Vec::new();
    let names = FunctionNames::new(units);
    for (ui, u) in units.iter().enumerate() {
        for (ti, t) in u.facts.tools.iter().enumerate() {
            if let Some(p) = &t.pending {
                plans.push((ui, ti, resolve(units, &names, &modules, ui, p)));
            }
        }
    }
    for (ui, ti, r) in plans {
        let t: &mut Tool = &mut units[ui].facts.tools[ti];
        match r {
            Resolution::Folded(text) => {
                t.description = Some(text);
                t.description_variants.clear();
                t.description_dynamic = false;
                t.description_config = false;
                if seen.insert((ui, ti)) {
                    changed.push((ui, ti));
                }
            }
            Resolution::Config => t.description_config = true,
            Resolution::Open => {}
        }
        t.pending = None;
    }
    changed
}

enum Resolution {
    /// Every piece is text or a constant of the package: the whole text.
    Folded(String),
    /// Not constant, but read only from configuration and the package's own code.
    Config,
    /// Still dynamic.
    Open,
}

fn resolve(
    units: &[Unit],
    names: &FunctionNames<'_>,
    modules: &ModuleIndex,
    from: usize,
    p: &Pending,
) -> Resolution {
    if let Some(pieces) = &p.pieces {
        let mut out = String::new();
        let folded = pieces.iter().all(|piece| match piece {
            Piece::Text(s) => {
                out.push_str(s);
                true
            }
            Piece::Import(path) => match constant(units, modules, from, path) {
                Some(s) => {
                    out.push_str(s);
                    true
                }
                None => false,
            },
        });
        if folded && out.len() <= super::limits::FOLD_LEN {
            return Resolution::Folded(out);
        }
    }
    let known = !p.names.is_empty()
        && p.names
            .iter()
            .all(|n| package_code(units, names, modules, from, n, true));
    if known {
        Resolution::Config
    } else {
        Resolution::Open
    }
}

/// The string constant an imported name is in its own file.
fn constant<'u>(
    units: &'u [Unit],
    modules: &ModuleIndex,
    from: usize,
    path: &str,
) -> Option<&'u str> {
    modules
        .symbol(units, from, path, |u, name| {
            units[u].facts.constants.contains_key(name)
        })
        .and_then(|(t, name)| units[t].facts.constants.get(name))
        .map(String::as_str)
}

/// True when an imported name is the package's own code: a pure function (see
/// [`Function::pure`]), a string constant, or a
/// module global whose value is configuration ([`FileFacts::globals`]), that global's own imported
/// names checked once more (`again`), one hop further and no more.
///
/// [`FileFacts::globals`]: super::FileFacts::globals
/// [`Function::pure`]: super::Function::pure
fn package_code(
    units: &[Unit],
    names: &FunctionNames<'_>,
    modules: &ModuleIndex,
    from: usize,
    path: &str,
    again: bool,
) -> bool {
    let pure = |u: usize, name: &str| names.get(u, name) == Some(true);
    if constant(units, modules, from, path).is_some()
        || modules.symbol(units, from, path, pure).is_some()
    {
        return true;
    }
    let global = modules.symbol(units, from, path, |u, name| {
        units[u].facts.globals.contains_key(name)
    });
    global.is_some_and(|(t, name)| {
        let rest = &units[t].facts.globals[name];
        rest.is_empty()
            || (again
                && rest
                    .iter()
                    .all(|n| package_code(units, names, modules, t, n, false)))
    })
}

/// True when a name (bare, for the file's own functions, or imported) is a function of the
/// package.
fn is_package_function(
    names: &FunctionNames<'_>,
    modules: &ModuleIndex,
    from: usize,
    path: &str,
) -> bool {
    let has = |u: usize, name: &str| names.get(u, name).is_some();
    if !path.contains(['.', '/']) {
        return has(from, path);
    }
    modules.symbol(names.units, from, path, has).is_some()
}
