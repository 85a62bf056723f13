//! The in-file call graph: a function calls another of the same file by name (`self.x()` and
//! `this.x()` included). [`crate::program`] joins these graphs across files. Also which code of the
//! file runs after the tools were listed ([`FileFacts::late`]), which that graph decides.

use foldhash::{HashMap, HashMapExt};
use std::ops::Range;

use super::{FileFacts, Value};

/// Links each function to the functions of the same file it calls by name.
pub(super) fn link_calls(facts: &mut FileFacts) {
    let mut by_name: HashMap<&str, Vec<u32>> = HashMap::new();
    for (i, f) in facts.functions.iter().enumerate() {
        by_name
            .entry(f.name.as_str())
            .or_default()
            .push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    let mut edges: Vec<Vec<u32>> = vec![Vec::new(); facts.functions.len()];
    let mut linked: foldhash::HashSet<(u32, &str)> = foldhash::HashSet::default();
    for call in &mut facts.calls {
        let Some(from) = call.function else {
            // Module code calling a function of the file by name.
            call.target = by_name
                .get(call.callee.as_str())
                .and_then(|t| t.first().copied());
            continue;
        };
        let name = call
            .callee
            .strip_prefix("self.")
            .or_else(|| call.callee.strip_prefix("this."))
            .unwrap_or(&call.callee);
        if let Some(targets) = by_name.get(name) {
            call.target = targets.iter().copied().find(|&t| t != from);
            // The functions of two names are disjoint, so a caller's edges repeat only when it
            // calls one name twice: skipped by name, not by searching its list per target (which
            // cost k² per caller of a name with k functions).
            if linked.insert((from, name)) {
                edges[from as usize].extend(targets.iter().copied().filter(|&t| t != from));
            }
        }
    }
    for (f, e) in facts.functions.iter_mut().zip(edges) {
        f.callees = e;
    }
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
        queue.extend(facts.functions[f as usize].callees.iter().copied());
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
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, f) in facts.functions.iter().enumerate() {
        by_name.entry(f.name.as_str()).or_default().push(i);
    }
    let mut pure = vec![true; n];
    let mut callers: Vec<Vec<usize>> = vec![Vec::new(); n];
    // Nesting: functions are in pre-order, so a stack of open ranges gives each one's parent; an
    // impure nested function makes its parent impure.
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut open: Vec<usize> = Vec::new();
    for i in 0..n {
        let r = &facts.function_ranges[i];
        while open
            .last()
            .is_some_and(|&o| facts.function_ranges[o].end <= r.start)
        {
            open.pop();
        }
        parent[i] = open.last().copied();
        if let Some(p) = parent[i] {
            callers[i].push(p);
        }
        open.push(i);
    }
    // A parameter of the function or of one enclosing it (a few levels up).
    let is_param = |mut f: usize, name: &str| {
        for _ in 0..8 {
            if facts.functions[f].params.iter().any(|p| p == name) {
                return true;
            }
            match parent[f] {
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
        if let Some(targets) = by_name.get(name) {
            for &t in targets {
                callers[t].push(from);
            }
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
