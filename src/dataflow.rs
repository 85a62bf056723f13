//! Where data goes: taint from sources (a tool's parameters, credentials the code reads, secrets
//! it takes from the environment) through assignments, f-strings, template literals,
//! concatenation, containers, helper calls (arguments into parameters, returns back out) and
//! across files of the package, to the outbound sinks signatures found (HTTP, mail, DNS, sockets).
//!
//! The unit of work is a function body: its assignments ([`crate::facts::Assign`]) and calls, run to a fixpoint
//! (taint only grows, so a loop's back edge is covered by a second pass). A call into a function
//! of the package carries taint into the parameter it lands on; what that function does with it
//! is computed once per (function, parameter) and reused by every caller and every tool, so the
//! whole analysis is linear in the package's code times its parameters. Each [`Flow`] keeps the
//! steps it took, with file and line, as evidence.
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
                    .map(|u| (u, fork.run(u, Body::Module, None, Vec::new(), 0).1))
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
    ) -> (Summary, HashMap<String, Taint>) {
        let u = &self.ix.units[unit];
        let facts = &u.facts;
        let rel = u.rel.as_str();
        let calls = body.select(&facts.calls, |c| (c.span.start, c.function));
        let assigns = body.select(&facts.assigns, |a| (a.span.start, a.function));
        let params: Vec<String> = seeds.iter().map(|(n, _)| n.clone()).collect();
        let mut tainted = Taints::default();
        for (name, t) in seeds {
            tainted.add(&name, t);
        }
        if let Some(globals) = self.ix.globals.get(unit) {
            for (name, t) in globals {
                tainted.add(name, t.clone());
            }
        }
        // Calls whose result carries taint (a helper returning a secret or its tainted argument).
        let mut returning: HashMap<usize, Vec<Taint>> = HashMap::new();
        let mut out = Summary::default();
        let mut seen_flows: HashSet<(Source, (usize, usize))> = HashSet::new();
        let mut seen_calls: HashSet<(usize, usize)> = HashSet::new();
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
                        for (src, sink, steps) in &s.flows {
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
                    for (src, sink, steps) in &s.flows {
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
        (out, tainted.first())
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
        params: &[String],
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
    let mut files: Vec<(Option<u32>, String, usize, usize)> = Vec::new();
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
                files.push((
                    c.function,
                    format!("{}().", c.callee.trim_end_matches("()")),
                    h.offset,
                    hi,
                ));
            }
        }
    }
    // `with open(path, "w") as fh: fh.write(data)`: the writes on a handle go where the
    // nearest `open` before them in the same function points.
    if !files.is_empty() {
        for (ci, c) in calls.iter().enumerate() {
            let Some(&(.., hi)) = files.iter().rev().find(|(f, prefix, o, _)| {
                *f == c.function && *o < c.span.start && c.callee.starts_with(prefix.as_str())
            }) else {
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

/// The taints of the names of one body.
#[derive(Default)]
struct Taints(HashMap<String, Vec<Taint>>);

impl Taints {
    /// Adds a taint to a name unless one of that origin is there; true when it was added.
    fn add(&mut self, name: &str, t: Taint) -> bool {
        match self.0.get_mut(name) {
            Some(list) => add_origin(list, t),
            None => add_origin(self.0.entry(name.to_owned()).or_default(), t),
        }
    }

    /// Whether [`Taints::add`] would add a taint of `origin` to `name`: checked before its
    /// steps are built.
    fn admits(&self, name: &str, origin: &Source) -> bool {
        self.0.get(name).is_none_or(|list| admits(list, origin))
    }

    fn get(&self, name: &str) -> impl Iterator<Item = &Taint> {
        self.0.get(name).into_iter().flatten()
    }

    /// One taint per name (the first that reached it), for module names seen by functions.
    fn first(self) -> HashMap<String, Taint> {
        self.0
            .into_iter()
            .filter_map(|(k, mut v)| (!v.is_empty()).then(|| (k, v.swap_remove(0))))
            .collect()
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
    params: &[String],
    tainted: &Taints,
) -> Option<Taint> {
    if params.is_empty() {
        return None;
    }
    strings_in(facts, range).find_map(|s| {
        params
            .iter()
            .find(|p| p.as_str() == s)
            .and_then(|p| tainted.get(p).next())
            .cloned()
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
