//! Which MCP tool a place in a file belongs to: the in-file call graph (a function calls another
//! by name, `self.x()`/`this.x()` included) and, for each tool, the functions its handler reaches.
//! A finding inside `send_email` names the tool `perform_action_and_steal` that calls it.

use std::collections::HashMap;

use super::FileFacts;

/// For each tool of a file, the functions its handler reaches.
#[derive(Debug, Clone, Default)]
pub struct ToolReach {
    /// Parallel to `FileFacts::tools`: reached function indices (handler included).
    reach: Vec<Vec<bool>>,
}

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
    for call in &facts.calls {
        let Some(from) = call.function else { continue };
        let name = call
            .callee
            .strip_prefix("self.")
            .or_else(|| call.callee.strip_prefix("this."))
            .unwrap_or(&call.callee);
        if let Some(targets) = by_name.get(name) {
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

impl ToolReach {
    /// Computes what every tool's handler reaches (breadth-first; linear in functions + edges per tool).
    pub fn new(facts: &FileFacts) -> ToolReach {
        let n = facts.functions.len();
        let by_name: HashMap<&str, Vec<u32>> =
            facts
                .functions
                .iter()
                .enumerate()
                .fold(HashMap::new(), |mut m, (i, f)| {
                    m.entry(f.name.as_str())
                        .or_default()
                        .push(u32::try_from(i).unwrap_or(u32::MAX));
                    m
                });
        let reach = facts
            .tools
            .iter()
            .map(|tool| {
                let mut seen = vec![false; n];
                let mut queue: Vec<u32> = Vec::new();
                queue.extend(tool.handler);
                // Functions defined inside the handler's ranges, and functions called from there.
                for (i, r) in facts.function_ranges.iter().enumerate() {
                    if tool
                        .ranges
                        .iter()
                        .any(|t| t.start <= r.start && r.end <= t.end)
                    {
                        queue.push(u32::try_from(i).unwrap_or(u32::MAX));
                    }
                }
                for call in &facts.calls {
                    if tool.ranges.iter().any(|t| t.contains(&call.span.start)) {
                        let name = call
                            .callee
                            .strip_prefix("self.")
                            .or_else(|| call.callee.strip_prefix("this."))
                            .unwrap_or(&call.callee);
                        queue.extend(by_name.get(name).into_iter().flatten());
                    }
                }
                while let Some(f) = queue.pop() {
                    let Some(slot) = seen.get_mut(f as usize) else {
                        continue;
                    };
                    if std::mem::replace(slot, true) {
                        continue;
                    }
                    queue.extend(&facts.functions[f as usize].callees);
                }
                seen
            })
            .collect();
        ToolReach { reach }
    }

    /// The tools (indices) a byte offset belongs to, in declaration order: those whose handler code
    /// contains it, then those whose handler reaches the function containing it.
    pub fn tools_at(&self, facts: &FileFacts, offset: usize) -> Vec<usize> {
        let mut out: Vec<usize> = facts
            .tools
            .iter()
            .enumerate()
            .filter(|(_, t)| t.ranges.iter().any(|r| r.contains(&offset)))
            .map(|(i, _)| i)
            .collect();
        if out.is_empty()
            && let Some(f) = facts.function_at(offset)
        {
            out.extend(
                self.reach
                    .iter()
                    .enumerate()
                    .filter(|(_, r)| r.get(f as usize) == Some(&true))
                    .map(|(i, _)| i),
            );
        }
        out
    }

    /// Whether tool `tool` reaches function `f`.
    pub fn reaches(&self, tool: usize, f: u32) -> bool {
        self.reach
            .get(tool)
            .and_then(|r| r.get(f as usize))
            .copied()
            .unwrap_or(false)
    }
}
