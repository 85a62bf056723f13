//! Where data goes: taint from sources (a tool's parameters, credentials the code reads, secrets
//! it takes from the environment) through assignments, f-strings, template literals,
//! concatenation, containers, helper calls (arguments into parameters, returns back out) and
//! across files of the package, to the outbound sinks signatures found (HTTP, mail, DNS, sockets).
//!
//! The unit of work is a function body: its assignments ([`crate::facts::Assign`]) and calls, run to a fixpoint
//! (taint only grows, so a loop's back edge is covered by a second pass). A call into a function
//! of the package carries taint into the parameter it lands on; what that function does with it
//! is computed once per (function, parameter) and reused by every caller and every tool, so the
//! whole analysis is linear in the package's code times its parameters. The secrets module code
//! leaves in its names are read by every body of the file from one shared map, and copied into a
//! body only when it writes such a name: a body pays for the names it reads, not for all of them.
//! Each [`Flow`] keeps the steps it took, with file and line, as evidence.
//!
//! It is deliberately an over-approximation in one direction: an expression reads every name in
//! it, so `x = hash(token)` carries `token`. A scanner that must not miss exfiltration can afford
//! that; the analysis on top ([`crate::analysis`]) decides what a flow means.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};
use rayon::prelude::*;

use crate::analysis::EffectHit;
use crate::facts::{Call, FileFacts, RETURN, Tool, is_secret_name};
use crate::finding::Evidence;
use crate::program::{Program, Unit};
use crate::signature::Effect;

/// Where tainted data comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Origin {
    /// A parameter of the tool.
    Param(String),
    /// A secret read from the environment (`GITHUB_TOKEN`).
    Env(String),
    /// Credentials the code reads (a key file, a cookie store, the whole environment), at
    /// (unit, line).
    Credential(usize, u32),
}

impl Origin {
    /// True for secrets: a secret-named parameter, an environment secret, credentials.
    pub fn is_secret(&self) -> bool {
        match self {
            Origin::Param(p) => is_secret_name(p),
            Origin::Env(_) | Origin::Credential(..) => true,
        }
    }
}

/// One path from a source to a sink.
#[derive(Debug, Clone)]
pub struct Flow {
    /// Where the data comes from.
    pub origin: Origin,
    /// The sink: (unit, index into that unit's effect hits).
    pub sink: (usize, usize),
    /// The steps, source first, sink last.
    pub steps: Vec<Evidence>,
    /// When the sink is a method of a connection another call opened (`smtp.sendmail` on
    /// `smtplib.SMTP_SSL("smtp.gmail.com", 465)`): that call's hit.
    pub via: Option<(usize, usize)>,
}

/// A summary's key: the function and the parameter tainted on entry (`None`: its own sources).
type MemoKey = (usize, u32, Option<usize>);

/// How far a flow is followed into helpers.
const MAX_DEPTH: usize = 12;
/// Most steps one flow keeps as evidence (the first and the last are always kept).
const MAX_STEPS: usize = 16;
/// Passes over one body before giving up on a fixpoint (each pass only adds taint).
const MAX_PASSES: usize = 4;

/// The steps of a taint inside the analysis: shared, so that carrying a taint to one more name
/// or call copies pointers, not the paths and notes of every step before it.
type Steps = Vec<Arc<Evidence>>;

/// A name's taint inside one body: where it came from and how it got here.
#[derive(Debug, Clone)]
struct Taint {
    origin: Source,
    steps: Steps,
}

/// The origin of a taint relative to a body: the body's own parameter (resolved by the caller)
/// or an absolute origin found inside it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Source {
    Entry,
    Abs(Origin),
}

/// What a body does with one tainted entry (or, with no entry, with the sources it holds).
#[derive(Debug, Default)]
struct Summary {
    /// Flows to sinks, with steps relative to the body's entry.
    flows: Vec<(Source, (usize, usize), Steps)>,
    /// Taint that reaches the body's `return`.
    returns: Vec<(Source, Steps)>,
}

/// Dataflow over one scanned package: the index of its sinks and sources, shared, and the
/// summaries of the functions computed so far.
///
/// A summary computed while a recursion is cut depends on what was computed before it, so the
/// order in which functions are followed matters within the units that calls connect
/// ([`Program::call_groups`]), and nowhere else. Each group can be followed with a memo of its own
/// ([`Dataflow::fork`]), in the package's order within the group, on any thread: its flows are
/// those of one pass over the whole package in order.
pub struct Dataflow<'a> {
    ix: Arc<Index<'a>>,
    memo: RefCell<HashMap<MemoKey, Arc<Summary>>>,
    active: RefCell<HashSet<MemoKey>>,
}

/// What the signatures found, indexed for the dataflow; read-only once built.
struct Index<'a> {
    program: &'a Program<'a>,
    units: &'a [Unit],
    hits: &'a [Vec<EffectHit>],
    /// Per unit: call index → outbound effect hit index, for the calls that send data.
    sinks: Vec<HashMap<usize, usize>>,
    /// Per unit: byte offsets of credential reads (sorted), with their line.
    credentials: Vec<Vec<(usize, u32)>>,
    /// Per unit: byte offsets of environment reads (sorted).
    env_reads: Vec<Vec<usize>>,
    /// Sink hit → the hit of the call that opened the connection it sends through.
    via: HashMap<(usize, usize), (usize, usize)>,
    /// Per unit: the module-level names that hold a secret (`TOKEN = os.environ["GITHUB_TOKEN"]`),
    /// visible in every function of the file.
    globals: Vec<HashMap<String, Taint>>,
}

impl<'a> Dataflow<'a> {
    /// Indexes the sinks and sources the signatures found.
    pub fn new(program: &'a Program<'a>, units: &'a [Unit], hits: &'a [Vec<EffectHit>]) -> Self {
        // Each unit's sinks and sources on their own, so in parallel.
        let indexed: Vec<UnitIndex> = units
            .par_iter()
            .zip(hits)
            .enumerate()
            .map(|(u, (unit, hits))| index_unit(u, &unit.facts.calls, hits))
            .collect();
        let mut sinks = Vec::with_capacity(units.len());
        let mut credentials = Vec::with_capacity(units.len());
        let mut env_reads = Vec::with_capacity(units.len());
        let mut via = HashMap::new();
        for ix in indexed {
            sinks.push(ix.sinks);
            credentials.push(ix.credentials);
            env_reads.push(ix.env_reads);
            via.extend(ix.via);
        }
        let mut flow = Dataflow {
            ix: Arc::new(Index {
                program,
                units,
                hits,
                sinks,
                credentials,
                env_reads,
                via,
                globals: Vec::new(),
            }),
            memo: RefCell::new(HashMap::new()),
            active: RefCell::new(HashSet::new()),
        };
        // Module code runs first: the secrets it leaves in module names are there for every
        // function. Each group of units that calls connect runs in order on a fork with a memo of
        // its own, groups in parallel: the same results as one pass in order (see [`Dataflow`]).
        // The summaries computed meanwhile did not know those secrets: they go with the forks.
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (u, g) in program.call_groups().into_iter().enumerate() {
            let has_source = flow.ix.credentials[u]
                .iter()
                .map(|&(o, _)| o)
                .chain(flow.ix.env_reads[u].iter().copied())
                .any(|o| units[u].facts.function_at(o).is_none());
            if has_source {
                groups.entry(g).or_default().push(u);
            }
        }
        let jobs: Vec<(Vec<usize>, Dataflow<'a>)> = groups
            .into_values()
            .map(|members| (members, flow.fork()))
            .collect();
        let found: Vec<Vec<(usize, HashMap<String, Taint>)>> = jobs
            .into_par_iter()
            .map(|(members, fork)| {
                members
                    .into_iter()
                    .map(|u| (u, fork.run(u, Body::Module, None, Vec::new(), 0).1.first()))
                    .collect()
            })
            .collect();
        let mut globals: Vec<HashMap<String, Taint>> = vec![HashMap::new(); units.len()];
        for (u, names) in found.into_iter().flatten() {
            globals[u] = names;
        }
        Arc::get_mut(&mut flow.ix)
            .expect("no fork exists before `new` returns")
            .globals = globals;
        flow
    }

    /// The same dataflow with an empty memo of its own, to follow tools on another thread: see
    /// [`Dataflow`] for when that leaves the results unchanged.
    pub fn fork(&self) -> Dataflow<'a> {
        Dataflow {
            ix: Arc::clone(&self.ix),
            memo: RefCell::new(HashMap::new()),
            active: RefCell::new(HashSet::new()),
        }
    }

    /// Every flow that starts in a tool: from its parameters, and from the sources its code (and
    /// every helper it reaches) reads.
    pub fn from_tool(&self, unit: usize, tool: &Tool) -> Vec<Flow> {
        let facts = &self.ix.units[unit].facts;
        let decl = &self.ix.units[unit].rel;
        let seeds: Vec<(String, Taint)> = tool
            .params
            .iter()
            .map(|p| {
                let note = format!("parameter `{}` of tool `{}`", p.name, tool.name);
                let taint = Taint {
                    origin: Source::Abs(Origin::Param(p.name.clone())),
                    steps: vec![step(decl, tool.span.line, note)],
                };
                (p.name.clone(), taint)
            })
            .collect();
        let mut out = Vec::new();
        match tool.handler {
            Some(h) => {
                let range = facts.function_ranges[h as usize].clone();
                let s = self.body(unit, Body::Ranges(&[range]), Some(h), seeds, 0);
                self.collect(&s, &mut out);
            }
            None => {
                let s = self.body(unit, Body::Ranges(&tool.ranges), None, seeds, 0);
                self.collect(&s, &mut out);
            }
        }
        out
    }

    /// Flows from the credentials and environment secrets the package reads, wherever they are:
    /// what runs whether or not a tool is called (a start-up hook, a background thread). Starts
    /// from the functions that hold a source, then climbs to the callers of those that return
    /// one (`creds = load_keys()`), then the module code that holds or receives one.
    ///
    /// `group` lists units in ascending order, closed under calls ([`Program::call_groups`]):
    /// the flows whose sources are in them, the same as a pass over the whole package gives them.
    pub fn from_sources(&self, group: &[usize]) -> Vec<Flow> {
        let mut out = Vec::new();
        let mut work: Vec<(usize, u32)> = Vec::new();
        let mut module_units: Vec<usize> = Vec::new();
        for &u in group {
            let unit = &self.ix.units[u];
            let offsets = self.ix.credentials[u]
                .iter()
                .map(|&(o, _)| o)
                .chain(self.ix.env_reads[u].iter().copied());
            for o in offsets {
                match unit.facts.function_at(o) {
                    Some(f) => work.push((u, f)),
                    None => module_units.push(u),
                }
            }
        }
        // Functions that read a module-level secret.
        for &u in group {
            let globals = &self.ix.globals[u];
            if globals.is_empty() {
                continue;
            }
            let facts = &self.ix.units[u].facts;
            let reads = |names: &[String]| names.iter().any(|n| globals.contains_key(n));
            for c in &facts.calls {
                if let Some(f) = c.function
                    && c.args.iter().any(|a| reads(&a.names))
                {
                    work.push((u, f));
                }
            }
            for a in &facts.assigns {
                if let Some(f) = a.function
                    && reads(&a.names)
                {
                    work.push((u, f));
                }
            }
        }
        let mut done: HashSet<(usize, u32)> = HashSet::new();
        while let Some((u, f)) = work.pop() {
            if !done.insert((u, f)) {
                continue;
            }
            let s = self.summary(u, f, None, 0);
            self.collect(&s, &mut out);
            if !s.returns.is_empty() {
                for &(cu, ci) in self.ix.program.callers((u, f)) {
                    match self.ix.units[cu].facts.calls[ci].function {
                        Some(cf) => work.push((cu, cf)),
                        None => module_units.push(cu),
                    }
                }
            }
        }
        module_units.sort_unstable();
        module_units.dedup();
        for u in module_units {
            let s = self.body(u, Body::Module, None, Vec::new(), 0);
            self.collect(&s, &mut out);
        }
        out
    }

    fn collect(&self, s: &Summary, out: &mut Vec<Flow>) {
        for (src, sink, steps) in &s.flows {
            let Source::Abs(origin) = src else { continue };
            out.push(Flow {
                origin: origin.clone(),
                sink: *sink,
                steps: bounded(steps.clone())
                    .iter()
                    .map(|e| Evidence::clone(e))
                    .collect(),
                via: self.ix.via.get(sink).copied(),
            });
        }
    }

    /// What function `f` of `unit` does with its parameter `param` (or, with `None`, with the
    /// sources inside it). Memoised; a recursive call in progress contributes nothing.
    fn summary(&self, unit: usize, f: u32, param: Option<usize>, depth: usize) -> Arc<Summary> {
        let key = (unit, f, param);
        if let Some(s) = self.memo.borrow().get(&key) {
            return Arc::clone(s);
        }
        if depth > MAX_DEPTH || !self.active.borrow_mut().insert(key) {
            return Arc::new(Summary::default());
        }
        let facts = &self.ix.units[unit].facts;
        let entry = param.map(|i| facts.functions[f as usize].params.get(i));
        let s = match entry {
            // An argument past the declared parameters (`*args`) is not followed.
            Some(None) => Summary::default(),
            Some(Some(name)) => {
                let seed = Taint {
                    origin: Source::Entry,
                    steps: Vec::new(),
                };
                let range = facts.function_ranges[f as usize].clone();
                self.body(
                    unit,
                    Body::Ranges(&[range]),
                    Some(f),
                    vec![(name.clone(), seed)],
                    depth,
                )
            }
            None => {
                let range = facts.function_ranges[f as usize].clone();
                self.body(unit, Body::Ranges(&[range]), Some(f), Vec::new(), depth)
            }
        };
        let s = Arc::new(s);
        self.active.borrow_mut().remove(&key);
        self.memo.borrow_mut().insert(key, Arc::clone(&s));
        s
    }

    fn body(
        &self,
        unit: usize,
        body: Body<'_>,
        own: Option<u32>,
        seeds: Vec<(String, Taint)>,
        depth: usize,
    ) -> Summary {
        self.run(unit, body, own, seeds, depth).0
    }

    /// Runs one body to a fixpoint, and says what it found and which names end up tainted.
    /// Nested functions (callbacks, closures) are part of the body: they read the enclosing names. A
    /// name holds up to [`MAX_ORIGINS`] taints of different origins, so a parameter mixed into a
    /// request does not hide the credentials mixed into the same one.
    #[expect(
        clippy::too_many_lines,
        reason = "one fixpoint loop over calls and assignments reads best in one place"
    )]
    fn run(
        &self,
        unit: usize,
        body: Body<'_>,
        own: Option<u32>,
        seeds: Vec<(String, Taint)>,
        depth: usize,
    ) -> (Summary, Taints<'_>) {
        let u = &self.ix.units[unit];
        let facts = &u.facts;
        let rel = u.rel.as_str();
        let calls = body.select(&facts.calls, |c| (c.span.start, c.function));
        let assigns = body.select(&facts.assigns, |a| (a.span.start, a.function));
        // The parameters a dispatch handler reads by key (`arguments["token"]`), as a set:
        // searching the list per string of every argument cost params × calls (a tool of 32 000
        // parameters calling `g('s…')` 32 000 times took 2.8 s).
        let params: HashSet<String> = seeds.iter().map(|(n, _)| n.clone()).collect();
        let mut tainted = Taints::default();
        for (name, t) in seeds {
            tainted.add(&name, t);
        }
        tainted.inherit(self.ix.globals.get(unit));
        // Calls whose result carries taint (a helper returning a secret or its tainted argument).
        let mut returning: HashMap<usize, Vec<Taint>> = HashMap::new();
        let mut out = Summary::default();
        let mut seen_flows: HashSet<(Source, (usize, usize))> = HashSet::new();
        let mut seen_calls: HashSet<(usize, usize)> = HashSet::new();
        // The helper summaries (and, for a parameter's, the origin passed in) whose flows this body
        // has taken: all of them are in `seen_flows`, so the next call of the same helper with the
        // same origin has none to add. (Walked per call, a helper of 16 000 sinks called 16 000
        // times took 18 s.) Only a summary with flows is recorded: one cut short by a cycle or the
        // depth is an empty stand-in, not the helper's memoized summary.
        let mut merged: HashSet<(usize, u32, Option<usize>, Option<Source>)> = HashSet::new();
        for _ in 0..MAX_PASSES {
            let mut changed = false;
            for &ci in &calls {
                let call = &facts.calls[ci];
                for (ai, arg) in call.args.iter().enumerate() {
                    let ts = self.arg_taints(unit, arg, &tainted, &returning, &params);
                    if ts.is_empty() {
                        continue;
                    }
                    // A sink: data leaves here (a process takes it on its command line or
                    // its input, not in `env=` or `cwd=`).
                    if let Some(&hi) = self.ix.sinks[unit].get(&ci)
                        && self.takes(unit, hi, arg)
                    {
                        for t in &ts {
                            if seen_flows.insert((t.origin.clone(), (unit, hi))) {
                                let mut steps = t.steps.clone();
                                steps.push(step(
                                    rel,
                                    call.span.line,
                                    format!("passed to `{}`", short(&call.written)),
                                ));
                                out.flows.push((t.origin.clone(), (unit, hi), steps));
                                changed = true;
                            }
                        }
                    }
                    // A container or builder that takes the data carries it
                    // (`form.append(k, data)`, `parts.push(data)`, `msg.attach(data)`).
                    if let Some(recv) = receiver(facts, call) {
                        for t in &ts {
                            if !tainted.admits(recv, &t.origin) {
                                continue;
                            }
                            let mut steps = t.steps.clone();
                            steps.push(step(
                                rel,
                                call.span.line,
                                format!("`{recv}` takes it (`{}`)", short(&call.written)),
                            ));
                            let carried = Taint {
                                origin: t.origin.clone(),
                                steps: bounded(steps),
                            };
                            changed |= tainted.add(recv, carried);
                        }
                    }
                    // Into a helper of the package: what it does with the parameter, once.
                    if !seen_calls.insert((ci, ai)) {
                        continue;
                    }
                    let Some((tu, tf)) = self.ix.program.call_target(unit, ci) else {
                        continue;
                    };
                    let Some(pi) = param_index(&self.ix.units[tu].facts, tf, call, ai) else {
                        continue;
                    };
                    let callee = &self.ix.units[tu].facts.functions[tf as usize];
                    let hop = step(
                        rel,
                        call.span.line,
                        format!(
                            "passed to `{}` as `{}`",
                            callee.name,
                            callee.params.get(pi).map_or("?", String::as_str)
                        ),
                    );
                    let s = self.summary(tu, tf, Some(pi), depth + 1);
                    for t in &ts {
                        let mut into = t.steps.clone();
                        into.push(hop.clone());
                        let taken = s.flows.is_empty()
                            || !merged.insert((tu, tf, Some(pi), Some(t.origin.clone())));
                        for (src, sink, steps) in s.flows.iter().filter(|_| !taken) {
                            let origin = match src {
                                Source::Entry => t.origin.clone(),
                                abs @ Source::Abs(_) => abs.clone(),
                            };
                            if seen_flows.insert((origin.clone(), *sink)) {
                                let mut all = into.clone();
                                all.extend(steps.iter().cloned());
                                out.flows.push((origin, *sink, bounded(all)));
                                changed = true;
                            }
                        }
                        if let Some((_, steps)) =
                            s.returns.iter().find(|(s, _)| *s == Source::Entry)
                        {
                            let mut all = into.clone();
                            all.extend(steps.iter().cloned());
                            let back = Taint {
                                origin: t.origin.clone(),
                                steps: bounded(all),
                            };
                            changed |= add_origin(returning.entry(ci).or_default(), back);
                        }
                    }
                }
                // A helper that returns a source of its own (`creds = load_keys()`), and what
                // the helper itself sends.
                if let Some((tu, tf)) = self.ix.program.call_target(unit, ci)
                    && seen_calls.insert((ci, usize::MAX))
                {
                    let s = self.summary(tu, tf, None, depth + 1);
                    let taken = s.flows.is_empty() || !merged.insert((tu, tf, None, None));
                    for (src, sink, steps) in s.flows.iter().filter(|_| !taken) {
                        if seen_flows.insert((src.clone(), *sink)) {
                            out.flows.push((src.clone(), *sink, steps.clone()));
                        }
                    }
                    let callee = &self.ix.units[tu].facts.functions[tf as usize];
                    for (src, steps) in &s.returns {
                        let mut all = steps.clone();
                        all.push(step(
                            rel,
                            call.span.line,
                            format!("returned by `{}`", callee.name),
                        ));
                        let back = Taint {
                            origin: src.clone(),
                            steps: bounded(all),
                        };
                        changed |= add_origin(returning.entry(ci).or_default(), back);
                    }
                }
            }
            for &ai in &assigns {
                let a = &facts.assigns[ai];
                let mut from: Vec<Taint> = Vec::new();
                for n in &a.names {
                    for t in tainted.get(n) {
                        add_origin(&mut from, t.clone());
                    }
                }
                if let Some(t) = self.source_in(unit, a.value.clone(), &a.names) {
                    add_origin(&mut from, t);
                }
                if let Some(t) = param_key(facts, a.value.clone(), &params, &tainted) {
                    add_origin(&mut from, t);
                }
                for ci in calls_in(facts, a.value.clone()) {
                    for t in returning.get(&ci).into_iter().flatten() {
                        add_origin(&mut from, t.clone());
                    }
                }
                for t in from {
                    if !a.targets.iter().any(|n| tainted.admits(n, &t.origin)) {
                        continue;
                    }
                    let mut steps = t.steps;
                    steps.push(step(rel, a.span.line, format!("`{}`", a.text)));
                    let next = Taint {
                        origin: t.origin,
                        steps: bounded(steps),
                    };
                    for target in &a.targets {
                        changed |= tainted.add(target, next.clone());
                    }
                }
            }
            if !changed {
                break;
            }
        }
        if own.is_some() {
            for t in tainted.get(RETURN) {
                out.returns.push((t.origin.clone(), t.steps.clone()));
            }
        }
        (out, tainted)
    }

    /// True when sink `hi` sends what argument `arg` holds: every argument of an outbound call,
    /// the command line and input of a process.
    fn takes(&self, unit: usize, hi: usize, arg: &crate::facts::Arg) -> bool {
        let h = &self.ix.hits[unit][hi];
        if h.dest.is_some() || !matches!(h.local, Some(crate::analysis::Local::Process { .. })) {
            return true;
        }
        match arg.keyword.as_deref() {
            // `spawn(cmd, args, { env: process.env, cwd })`: the options object is not input.
            None => !matches!(arg.value, crate::facts::Value::Object { .. }),
            Some(k) => matches!(k, "args" | "cmd" | "command" | "input" | "stdin"),
        }
    }

    /// The taints an argument carries: of the names it reads, the sources inside it, the tool
    /// arguments it reads by key and the helpers it calls that return taint.
    fn arg_taints(
        &self,
        unit: usize,
        arg: &crate::facts::Arg,
        tainted: &Taints,
        returning: &HashMap<usize, Vec<Taint>>,
        params: &HashSet<String>,
    ) -> Vec<Taint> {
        let facts = &self.ix.units[unit].facts;
        let mut out: Vec<Taint> = Vec::new();
        for n in &arg.names {
            for t in tainted.get(n) {
                add_origin(&mut out, t.clone());
            }
        }
        if let Some(t) = self.source_in(unit, arg.span.range(), &arg.names) {
            add_origin(&mut out, t);
        }
        if let Some(t) = param_key(facts, arg.span.range(), params, tainted) {
            add_origin(&mut out, t);
        }
        for ci in calls_in(facts, arg.span.range()) {
            for t in returning.get(&ci).into_iter().flatten() {
                add_origin(&mut out, t.clone());
            }
        }
        out
    }

    /// A source inside an expression: a credential read, or an environment read of a secret.
    fn source_in(&self, unit: usize, range: Range<usize>, names: &[String]) -> Option<Taint> {
        let rel = &self.ix.units[unit].rel;
        let creds = &self.ix.credentials[unit];
        let first = creds.partition_point(|&(o, _)| o < range.start);
        if let Some(&(_, line)) = creds.get(first).filter(|(o, _)| range.contains(o)) {
            return Some(Taint {
                origin: Source::Abs(Origin::Credential(unit, line)),
                steps: vec![step(rel, line, "reads credentials".to_owned())],
            });
        }
        let envs = &self.ix.env_reads[unit];
        let first = envs.partition_point(|&o| o < range.start);
        if envs.get(first).is_some_and(|o| range.contains(o)) {
            let facts = &self.ix.units[unit].facts;
            let key = names
                .iter()
                .map(String::as_str)
                .chain(strings_in(facts, range.clone()))
                .find(|n| is_secret_name(n))?;
            let line = line_of(facts, range.start);
            return Some(Taint {
                origin: Source::Abs(Origin::Env(key.to_owned())),
                steps: vec![step(
                    rel,
                    line,
                    format!("reads secret `{key}` from the environment"),
                )],
            });
        }
        None
    }
}

/// Most taints of different origins one name holds.
const MAX_ORIGINS: usize = 4;

/// One unit's part of the dataflow index.
struct UnitIndex {
    sinks: HashMap<usize, usize>,
    credentials: Vec<(usize, u32)>,
    env_reads: Vec<usize>,
    via: Vec<((usize, usize), (usize, usize))>,
}

/// Indexes the sinks and sources the signatures found in unit `u`.
fn index_unit(u: usize, calls: &[Call], hits: &[EffectHit]) -> UnitIndex {
    let mut map = HashMap::new();
    let mut via = Vec::new();
    // Calls whose result is a connection (`smtplib.SMTP_SSL(...)`): the methods called on
    // it (`smtp.sendmail(...)`) send to the same place.
    let mut senders: HashMap<String, usize> = HashMap::new();
    let mut creds = Vec::new();
    let mut envs = Vec::new();
    let mut files = FileOpens::default();
    for (hi, h) in hits.iter().enumerate() {
        if h.credential {
            creds.push((h.offset, h.line));
        }
        if h.effect == Effect::Env {
            envs.push(h.offset);
        }
        if h.dest.is_none() && h.local.is_none() {
            continue;
        }
        let first = calls.partition_point(|c| c.span.start < h.offset);
        for (ci, c) in calls.iter().enumerate().skip(first) {
            if c.span.start != h.offset {
                break;
            }
            map.entry(ci).or_insert(hi);
            if h.dest.is_some() {
                senders
                    .entry(format!("{}().", c.callee.trim_end_matches("()")))
                    .or_insert(hi);
            } else if matches!(h.local, Some(crate::analysis::Local::File(_))) {
                files.push(
                    c.function,
                    format!("{}().", c.callee.trim_end_matches("()")),
                    h.offset,
                    hi,
                );
            }
        }
    }
    // `with open(path, "w") as fh: fh.write(data)`: the writes on a handle go where the
    // nearest `open` before them in the same function points.
    if !files.is_empty() {
        files.seal();
        for (ci, c) in calls.iter().enumerate() {
            let Some(hi) = files.before(c.function, &c.callee, c.span.start) else {
                continue;
            };
            map.entry(ci).or_insert(hi);
        }
    }
    if !senders.is_empty() {
        for (ci, c) in calls.iter().enumerate() {
            // The callee's prefixes that end at a call (`smtplib.SMTP_SSL().` of
            // `smtplib.SMTP_SSL().sendmail`), looked up, so this stays linear.
            let conn = c
                .callee
                .match_indices("().")
                .find_map(|(i, _)| senders.get(&c.callee[..i + 3]));
            let Some(&conn) = conn else {
                continue;
            };
            match map.get(&ci) {
                Some(&own) if own != conn => {
                    via.push(((u, own), (u, conn)));
                }
                Some(_) => {}
                None => {
                    map.insert(ci, conn);
                }
            }
        }
    }
    creds.sort_unstable();
    envs.sort_unstable();

    UnitIndex {
        sinks: map,
        credentials: creds,
        env_reads: envs,
        via,
    }
}

/// The file writes of one unit that a handle's methods write through (`open(p, "w")` of
/// `fh.write(data)`), by callee prefix (`open().`) and enclosing function.
///
/// Which write a call goes through was the last one found (in the order of the hits) of its
/// function, before it, whose prefix starts the call's callee: a search of every write per call
/// cost writes × calls (40 000 `open(…)` and 40 000 calls took 5.6 s). A call's candidate
/// prefixes are those of its callee that end at a call (`().`), each looked up, and each
/// group's writes are sorted by offset with the latest found so far at each, for a binary search.
#[derive(Default)]
struct FileOpens {
    /// prefix → function → its writes, sorted once all are found.
    groups: HashMap<String, HashMap<Option<u32>, Vec<Opened>>>,
    found: usize,
}

/// One write of [`FileOpens`]: (offset, order found, hit); once sealed, the order and hit are
/// those of the write found last at or before the offset.
type Opened = (usize, usize, usize);

impl FileOpens {
    fn push(&mut self, function: Option<u32>, prefix: String, offset: usize, hit: usize) {
        self.groups
            .entry(prefix)
            .or_default()
            .entry(function)
            .or_default()
            .push((offset, self.found, hit));
        self.found += 1;
    }

    fn is_empty(&self) -> bool {
        self.found == 0
    }

    /// Sorts each group by offset and keeps, at each place, the write found last among it and
    /// those before it.
    fn seal(&mut self) {
        for list in self.groups.values_mut().flat_map(HashMap::values_mut) {
            list.sort_unstable();
            let mut last: Option<(usize, usize)> = None;
            for (_, order, hit) in list.iter_mut() {
                if let Some(before) = last
                    && before.0 > *order
                {
                    (*order, *hit) = before;
                }
                last = Some((*order, *hit));
            }
        }
    }

    /// The hit of the write found last, of `function`, before `start`, whose prefix starts
    /// `callee`.
    fn before(&self, function: Option<u32>, callee: &str, start: usize) -> Option<usize> {
        callee
            .match_indices("().")
            .filter_map(|(i, _)| {
                let list = self.groups.get(&callee[..i + 3])?.get(&function)?;
                let k = list.partition_point(|&(o, ..)| o < start);
                k.checked_sub(1).map(|k| (list[k].1, list[k].2))
            })
            .max_by_key(|&(order, _)| order)
            .map(|(_, hit)| hit)
    }
}

/// The taints of the names of one body: its own, and the module-level secrets of its file
/// ([`Index::globals`]), shared by every body of the file.
///
/// A module name is copied into the body's own map only when the body adds a taint to it
/// (copy on write), so a name reads as if every module secret had been added to the body on
/// entry, after its seeds. Copying them all on entry cost globals × bodies: 8 000 module
/// secrets and 8 000 tools took 14 s.
#[derive(Default)]
struct Taints<'g> {
    own: HashMap<String, Vec<Taint>>,
    globals: Option<&'g HashMap<String, Taint>>,
}

impl<'g> Taints<'g> {
    /// Once the seeds are in: the module names, read through from here on. A seed that is also
    /// a module name gets that name's taint after its own, as adding every module secret after
    /// the seeds did.
    fn inherit(&mut self, globals: Option<&'g HashMap<String, Taint>>) {
        let Some(globals) = globals.filter(|g| !g.is_empty()) else {
            return;
        };
        for (name, list) in &mut self.own {
            if let Some(t) = globals.get(name) {
                add_origin(list, t.clone());
            }
        }
        self.globals = Some(globals);
    }

    /// The taints of a name: its own once it has any, else the module's.
    fn list(&self, name: &str) -> &[Taint] {
        match self.own.get(name) {
            Some(list) => list,
            None => self
                .globals
                .and_then(|g| g.get(name))
                .map_or(&[], std::slice::from_ref),
        }
    }

    /// Adds a taint to a name unless one of that origin is there; true when it was added.
    fn add(&mut self, name: &str, t: Taint) -> bool {
        if let Some(list) = self.own.get_mut(name) {
            return add_origin(list, t);
        }
        let inherited = self.list(name);
        if !admits(inherited, &t.origin) {
            return false;
        }
        let mut list = inherited.to_vec();
        add_origin(&mut list, t);
        self.own.insert(name.to_owned(), list);
        true
    }

    /// Whether [`Taints::add`] would add a taint of `origin` to `name`: checked before its
    /// steps are built.
    fn admits(&self, name: &str, origin: &Source) -> bool {
        admits(self.list(name), origin)
    }

    fn get(&self, name: &str) -> impl Iterator<Item = &Taint> {
        self.list(name).iter()
    }

    /// One taint per name (the first that reached it), for module names seen by functions:
    /// the body's own names and the module names it read through.
    fn first(self) -> HashMap<String, Taint> {
        let mut out: HashMap<String, Taint> = self.globals.cloned().unwrap_or_default();
        for (k, mut v) in self.own {
            if v.is_empty() {
                out.remove(&k);
            } else {
                out.insert(k, v.swap_remove(0));
            }
        }
        out
    }
}

/// Whether [`add_origin`] adds a taint of `origin` to `list`: none of that origin is there, and
/// there is room, or the origin is a secret and a non-secret can make way.
fn admits(list: &[Taint], origin: &Source) -> bool {
    !list.iter().any(|x| x.origin == *origin)
        && (list.len() < MAX_ORIGINS
            || (is_secret(origin) && list.iter().any(|x| !is_secret(&x.origin))))
}

fn is_secret(origin: &Source) -> bool {
    matches!(origin, Source::Abs(o) if o.is_secret())
}

/// Adds `t` unless a taint of its origin is there or the list is full; secrets first (a secret
/// takes the place of the first non-secret of a full list). True when it was added.
fn add_origin(list: &mut Vec<Taint>, t: Taint) -> bool {
    if !admits(list, &t.origin) {
        return false;
    }
    if list.len() < MAX_ORIGINS {
        list.push(t);
    } else if let Some(i) = list.iter().position(|x| !is_secret(&x.origin)) {
        list[i] = t;
    }
    true
}

/// A tool argument read by its name as a string key (`arguments["token"]`,
/// `args.get("token")`) in a dispatch-style handler.
fn param_key(
    facts: &FileFacts,
    range: Range<usize>,
    params: &HashSet<String>,
    tainted: &Taints,
) -> Option<Taint> {
    if params.is_empty() {
        return None;
    }
    strings_in(facts, range).find_map(|s| {
        if params.contains(s) {
            tainted.get(s).next().cloned()
        } else {
            None
        }
    })
}

fn strings_in(facts: &FileFacts, range: Range<usize>) -> impl Iterator<Item = &str> {
    let first = facts
        .strings
        .partition_point(|s| s.span.start < range.start);
    facts.strings[first..]
        .iter()
        .take_while(move |s| s.span.start < range.end)
        .take(64)
        .map(|s| s.value.as_str())
}

fn calls_in(facts: &FileFacts, range: Range<usize>) -> impl Iterator<Item = usize> + '_ {
    let first = facts.calls.partition_point(|c| c.span.start < range.start);
    (first..facts.calls.len())
        .take_while(move |&i| facts.calls[i].span.start < range.end)
        .take(64)
}

fn line_of(facts: &FileFacts, offset: usize) -> u32 {
    let first = facts.calls.partition_point(|c| c.span.start < offset);
    facts
        .calls
        .get(first)
        .or_else(|| facts.calls.get(first.saturating_sub(1)))
        .map_or(1, |c| c.span.line)
}

/// The code one run covers.
#[derive(Clone, Copy)]
enum Body<'r> {
    /// What starts inside these byte ranges (a function, a dispatch branch), nested functions
    /// included.
    Ranges(&'r [Range<usize>]),
    /// The code of a file outside every function.
    Module,
}

impl Body<'_> {
    /// The indices of the items of a list sorted by start that belong to the body;
    /// `place` gives an item's start and enclosing function.
    fn select<T>(self, items: &[T], place: impl Fn(&T) -> (usize, Option<u32>)) -> Vec<usize> {
        match self {
            Body::Module => (0..items.len())
                .filter(|&i| place(&items[i]).1.is_none())
                .collect(),
            Body::Ranges(ranges) => ranges
                .iter()
                .flat_map(|r| {
                    let first = items.partition_point(|x| place(x).0 < r.start);
                    let last = items.partition_point(|x| place(x).0 < r.end);
                    first..last
                })
                .collect(),
        }
    }
}

/// The local object a method call is made on (`form` of `form.append(…)`), when it is one: not
/// `self`/`this`, not a module or an import (`json.dumps`, `requests.post`).
fn receiver<'f>(facts: &FileFacts, call: &'f Call) -> Option<&'f str> {
    let (root, _) = call.written.split_once('.')?;
    let plain = !root.is_empty()
        && root
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$');
    let module = facts.bindings.get(root).is_some_and(|b| !b.contains("()"));
    (plain && !matches!(root, "self" | "this" | "cls" | "super") && !module).then_some(root)
}

/// The parameter of function `f` that argument `ai` of `call` lands on.
fn param_index(facts: &FileFacts, f: u32, call: &Call, ai: usize) -> Option<usize> {
    let func = facts.functions.get(f as usize)?;
    let arg = call.args.get(ai)?;
    if let Some(k) = &arg.keyword {
        return func.params.iter().position(|p| p == k);
    }
    let pos = call.args[..ai]
        .iter()
        .filter(|a| a.keyword.is_none())
        .count();
    // A method called on an object (`self.send(x)`, `client.send(x)`) skips `self`/`cls`.
    let shift = usize::from(
        call.callee.contains('.')
            && func
                .params
                .first()
                .is_some_and(|p| p == "self" || p == "cls"),
    );
    let i = pos + shift;
    (i < func.params.len()).then_some(i)
}

fn step(file: &str, line: u32, note: String) -> Arc<Evidence> {
    Arc::new(Evidence {
        file: file.to_owned(),
        line,
        note,
    })
}

fn short(s: &str) -> String {
    crate::signature::clip(s, 60)
}

/// Keeps the first steps and the last, dropping the middle of a very long chain.
fn bounded(mut steps: Steps) -> Steps {
    if steps.len() > MAX_STEPS {
        let tail = steps.split_off(steps.len() - MAX_STEPS / 2);
        steps.truncate(MAX_STEPS / 2 - 1);
        steps.push(step(&tail[0].file, tail[0].line, "…".to_owned()));
        steps.extend(tail);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(origin: Origin) -> Taint {
        Taint {
            origin: Source::Abs(origin),
            steps: Vec::new(),
        }
    }

    fn env(key: &str) -> Taint {
        taint(Origin::Env(key.to_owned()))
    }

    fn param(name: &str) -> Taint {
        taint(Origin::Param(name.to_owned()))
    }

    fn origins(t: &Taints, name: &str) -> Vec<Source> {
        t.get(name).map(|t| t.origin.clone()).collect()
    }

    #[test]
    fn a_body_that_writes_a_module_secret_sees_its_own_taint_and_another_body_the_modules() {
        let globals: HashMap<String, Taint> = [
            ("TOKEN".to_owned(), env("GITHUB_TOKEN")),
            ("KEY".to_owned(), env("API_KEY")),
        ]
        .into_iter()
        .collect();
        let token = || Source::Abs(Origin::Env("GITHUB_TOKEN".to_owned()));

        // A tool whose parameter is named like a module secret: the parameter first.
        let mut one = Taints::default();
        one.add("KEY", param("KEY"));
        one.inherit(Some(&globals));
        assert_eq!(
            origins(&one, "KEY"),
            [
                Source::Abs(Origin::Param("KEY".to_owned())),
                Source::Abs(Origin::Env("API_KEY".to_owned()))
            ]
        );
        // Reading a module name copies nothing; the same origin again adds nothing.
        assert_eq!(origins(&one, "TOKEN"), [token()]);
        assert!(!one.admits("TOKEN", &token()));
        assert!(!one.add("TOKEN", env("GITHUB_TOKEN")));
        assert!(!one.own.contains_key("TOKEN"));
        // `TOKEN = note`: the body's `TOKEN` holds the module's secret and the parameter.
        assert!(one.add("TOKEN", param("note")));
        assert_eq!(
            origins(&one, "TOKEN"),
            [token(), Source::Abs(Origin::Param("note".to_owned()))]
        );

        // Another body of the same file still sees only the module's secret.
        let mut two = Taints::default();
        two.inherit(Some(&globals));
        assert_eq!(origins(&two, "TOKEN"), [token()]);
        assert!(two.add("other", param("q")));
        assert!(two.own.len() == 1 && globals["TOKEN"].origin == token());

        // What module code leaves: the first taint of every name, its own and read through.
        let first = one.first();
        assert_eq!(first.len(), 2);
        assert_eq!(first["TOKEN"].origin, token());
        assert_eq!(
            first["KEY"].origin,
            Source::Abs(Origin::Param("KEY".to_owned()))
        );
    }

    /// The same lists as copying every module secret into the body after its seeds, over a
    /// long run of adds, secrets and not, that fill lists past [`MAX_ORIGINS`].
    #[test]
    fn reading_module_secrets_through_equals_copying_them_on_entry() {
        let names = ["a", "b", "c", "d", "e"];
        let pool: Vec<Taint> = (0..4)
            .map(|i| env(&format!("SECRET_TOKEN_{i}")))
            .chain((0..6).map(|i| param(&format!("p{i}"))))
            .chain([taint(Origin::Credential(0, 7))])
            .collect();
        let mut rng: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            usize::try_from(rng % n as u64).unwrap()
        };
        for _ in 0..300 {
            let mut globals: HashMap<String, Taint> = HashMap::new();
            for n in names {
                if next(2) == 0 {
                    globals.insert(n.to_owned(), pool[next(pool.len())].clone());
                }
            }
            let seeds: Vec<(&str, Taint)> = (0..next(3))
                .map(|_| (names[next(names.len())], pool[next(pool.len())].clone()))
                .collect();
            let mut copied: HashMap<String, Vec<Taint>> = HashMap::new();
            let mut read = Taints::default();
            for (n, t) in &seeds {
                add_origin(copied.entry((*n).to_owned()).or_default(), t.clone());
                read.add(n, t.clone());
            }
            for (n, t) in &globals {
                add_origin(copied.entry(n.clone()).or_default(), t.clone());
            }
            read.inherit(Some(&globals));
            for _ in 0..20 {
                let n = names[next(names.len())];
                let t = pool[next(pool.len())].clone();
                let list = copied.entry(n.to_owned()).or_default();
                assert_eq!(read.admits(n, &t.origin), admits(list, &t.origin));
                assert_eq!(read.add(n, t.clone()), add_origin(list, t));
                for n in names {
                    let want: Vec<Source> = copied
                        .get(n)
                        .into_iter()
                        .flatten()
                        .map(|t| t.origin.clone())
                        .collect();
                    assert_eq!(origins(&read, n), want);
                }
            }
            let want: HashMap<String, Source> = copied
                .into_iter()
                .filter_map(|(k, v)| v.first().map(|t| (k, t.origin.clone())))
                .collect();
            let got: HashMap<String, Source> = read
                .first()
                .into_iter()
                .map(|(k, t)| (k, t.origin))
                .collect();
            assert_eq!(got, want);
        }
    }

    /// The write a handle's call goes through is the one the search of every write, last found
    /// first, gave: writes found out of offset order, several prefixes of one callee, several
    /// functions, a call at a write's own offset.
    #[test]
    fn file_opens_answer_as_the_reverse_search_did() {
        let prefixes = ["open().", "a().", "a().b().", "x()."];
        let callees = [
            "open().write",
            "a().b().c",
            "a().b()",
            "a().x().y",
            "x().open().write",
            "g",
            "open",
        ];
        let mut rng: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = |n: usize| {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            usize::try_from(rng % n as u64).unwrap()
        };
        for _ in 0..200 {
            let mut files = FileOpens::default();
            let mut list: Vec<(Option<u32>, String, usize, usize)> = Vec::new();
            for hi in 0..next(12) {
                let f = [None, Some(0), Some(1)][next(3)];
                let prefix = prefixes[next(prefixes.len())].to_owned();
                let offset = next(40);
                files.push(f, prefix.clone(), offset, hi);
                list.push((f, prefix, offset, hi));
            }
            files.seal();
            for _ in 0..40 {
                let function = [None, Some(0), Some(1)][next(3)];
                let callee = callees[next(callees.len())];
                let start = next(45);
                let want = list
                    .iter()
                    .rev()
                    .find(|(f, prefix, o, _)| {
                        *f == function && *o < start && callee.starts_with(prefix.as_str())
                    })
                    .map(|&(.., hi)| hi);
                assert_eq!(files.before(function, callee, start), want);
            }
        }
    }
}
