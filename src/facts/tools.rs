//! The in-file call graph: a function calls another of the same file by name (`self.x()` and
//! `this.x()` included). [`crate::program`] joins these graphs across files. Also which code of the
//! file runs after the tools were listed ([`FileFacts::late`]), which that graph decides.

use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

use super::{FileFacts, Value};

/// Groups the file's functions by name ([`FileFacts::named`]) and links each function to the names
/// it calls, and each call by name to its first target other than its caller.
pub(super) fn link_calls(facts: &mut FileFacts) {
    let mut by_name: HashMap<&str, u32> = HashMap::new();
    let mut named: Vec<Vec<u32>> = Vec::new();
    for (i, f) in facts.functions.iter().enumerate() {
        let g = *by_name.entry(f.name.as_str()).or_insert_with(|| {
            named.push(Vec::new());
            u32::try_from(named.len() - 1).unwrap_or(u32::MAX)
        });
        named[g as usize].push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    let mut edges: Vec<Vec<u32>> = vec![Vec::new(); facts.functions.len()];
    let mut linked: foldhash::HashSet<(u32, u32)> = foldhash::HashSet::default();
    for call in &mut facts.calls {
        let Some(from) = call.function else {
            // Module code calling a function of the file by name.
            call.target = by_name
                .get(call.callee.as_str())
                .map(|&g| named[g as usize][0]);
            continue;
        };
        let name = call
            .callee
            .strip_prefix("self.")
            .or_else(|| call.callee.strip_prefix("this."))
            .unwrap_or(&call.callee);
        if let Some(&g) = by_name.get(name) {
            call.target = named[g as usize].iter().copied().find(|&t| t != from);
            if linked.insert((from, g)) {
                edges[from as usize].push(g);
            }
        }
    }
    for (f, e) in facts.functions.iter_mut().zip(edges) {
        f.callees = e;
    }
    facts.named = named;
}

/// Completes [`FileFacts::late`]: the extractor recorded timer callbacks and branches taken on a
/// counter or the clock; this adds tool (and candidate) handlers and dispatch branches, then every
/// function of the file that late code calls, transitively. The result is sorted and merged so a
/// lookup is a binary search.
pub(super) fn late_ranges(facts: &mut FileFacts) {
    let mut late = std::mem::take(&mut facts.late);
    let tools = facts
        .tools
        .iter()
        .chain(facts.candidates.iter().map(|c| &c.tool));
    for t in tools {
        late.extend(t.ranges.iter().cloned());
        if let Some(r) = t
            .handler
            .and_then(|h| facts.function_ranges.get(h as usize))
        {
            late.push(r.clone());
        }
    }
    // Timer callbacks: an inline function, or a function of the file named as the callback.
    let mut named = None;
    for call in facts.calls.iter().filter(|c| is_timer(&c.callee)) {
        for a in &call.args {
            let f = match &a.value {
                Value::Function => {
                    super::function_starting_at(&facts.function_ranges, a.span.start)
                }
                Value::Path { path } => named
                    .get_or_insert_with(|| super::first_named(&facts.functions))
                    .get(path)
                    .copied(),
                _ => None,
            };
            late.extend(f.map(|f| facts.function_ranges[f].clone()));
        }
    }
    merge(&mut late);
    let inside = |late: &[Range<usize>], offset: usize| {
        let i = late.partition_point(|r| r.start <= offset);
        i > 0 && late[i - 1].contains(&offset)
    };
    let mut seen = vec![false; facts.functions.len()];
    let mut named_seen = vec![false; facts.named.len()];
    let mut queue: Vec<u32> = facts
        .calls
        .iter()
        .filter(|c| inside(&late, c.span.start))
        .filter_map(|c| c.target)
        .collect();
    while let Some(f) = queue.pop() {
        let Some(s) = seen.get_mut(f as usize) else {
            continue;
        };
        if std::mem::replace(s, true) {
            continue;
        }
        late.push(facts.function_ranges[f as usize].clone());
        for &g in &facts.functions[f as usize].callees {
            if !std::mem::replace(&mut named_seen[g as usize], true) {
                queue.extend(facts.named[g as usize].iter().copied());
            }
        }
    }
    merge(&mut late);
    facts.late = late;
}

/// Callees that run their callback later: JS timers, Python's `threading.Timer`, asyncio's
/// `call_later`/`call_at`, and the usual schedulers.
fn is_timer(callee: &str) -> bool {
    const ENDS: [&str; 7] = [
        "setTimeout",
        "setInterval",
        "threading.Timer",
        "call_later",
        "call_at",
        "add_job",
        "scheduleJob",
    ];
    ENDS.iter().any(|e| callee.ends_with(e))
        || callee.starts_with("schedule.every")
        || callee == "cron.schedule"
        || callee == "node-cron.schedule"
}

/// Sorts ranges and merges the overlapping ones.
fn merge(ranges: &mut Vec<Range<usize>>) {
    ranges.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(ranges.len());
    for r in ranges.drain(..) {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    *ranges = out;
}

/// Sets [`super::Function::pure`]: a function is impure when it calls something `pure_callee`
/// rejects (other than a function of the file or a callback it was passed), when a function of
/// the file it calls is impure, or when a function nested in it is. Linear: one pass over the
/// nesting, one over the calls, then a worklist over the reversed edges.
pub(super) fn purity(facts: &mut FileFacts, pure_callee: impl Fn(&str) -> bool) {
    let n = facts.functions.len();
    // Nodes 0..n are the functions, n.. their names: a function's impurity reaches its name,
    // and a name's reaches the name's callers, so that callers of a name k functions share
    // (callers + k reversed edges, not callers x k).
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, f) in facts.functions.iter().enumerate() {
        let next = callers.len();
        let g = *by_name.entry(f.name.as_str()).or_insert(next);
        if g == next {
            callers.push(Vec::new());
        }
        callers[i].push(g);
    }
    let mut pure = vec![true; callers.len()];
    // An impure nested function makes its parent impure ([`FileFacts::function_parents`], known
    // since the functions were).
    let parent = |f: usize| facts.function_parents[f].map(|p| p as usize);
    for (i, list) in callers.iter_mut().take(n).enumerate() {
        list.extend(parent(i));
    }
    // A parameter of the function or of one enclosing it (a few levels up), by a set: a function
    // of 40 000 parameters making 40 000 calls searched its parameters per call (3.7 s).
    let params: foldhash::HashSet<(usize, &str)> = facts
        .functions
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.params.iter().map(move |p| (i, p.as_str())))
        .collect();
    let is_param = |mut f: usize, name: &str| {
        for _ in 0..8 {
            if params.contains(&(f, name)) {
                return true;
            }
            match parent(f) {
                Some(p) => f = p,
                None => break,
            }
        }
        false
    };
    for call in &facts.calls {
        let Some(from) = call.function.map(|f| f as usize) else {
            continue;
        };
        let name = call
            .callee
            .strip_prefix("self.")
            .or_else(|| call.callee.strip_prefix("this."))
            .unwrap_or(&call.callee);
        if let Some(&g) = by_name.get(name) {
            callers[g].push(from);
            continue;
        }
        // A callback passed in is judged where it is passed; a method of a literal
        // (`", ".join(…)`) has no resolved callee, so it is judged as written.
        let written = if call.callee == "<expr>" {
            &call.written
        } else {
            &call.callee
        };
        if !is_param(from, name) && !pure_callee(written) {
            pure[from] = false;
        }
    }
    let mut stack: Vec<usize> = (0..n).filter(|&i| !pure[i]).collect();
    while let Some(i) = stack.pop() {
        for &c in &callers[i] {
            if std::mem::replace(&mut pure[c], false) {
                stack.push(c);
            }
        }
    }
    for (f, p) in facts.functions.iter_mut().zip(pure) {
        f.pure = p;
    }
}
