//! The in-file call graph: a function calls another of the same file by name (`self.x()` and
//! `this.x()` included). [`crate::program`] joins these graphs across files.

use std::collections::HashMap;

use super::FileFacts;

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
            let list = &mut edges[from as usize];
            for &t in targets {
                if t != from && !list.contains(&t) {
                    list.push(t);
                }
            }
        }
    }
    for (f, e) in facts.functions.iter_mut().zip(edges) {
        f.callees = e;
    }
}
