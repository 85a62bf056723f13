//! Per-worker mutable state: one tree-sitter parser and one query cursor, reused for every file a
//! rayon worker scans (they cannot be shared across threads; creating them per file is waste), and
//! the order workers take files in ([`for_each_file`]).

use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::walk::Entry;
use crate::lang::Language;
use crate::signature::Partial;

/// Runs `f` on every entry on the current rayon pool and gives the results in walk order. Each
/// worker keeps one context and takes the next file, largest first, as soon as it is free: a
/// bundle of megabytes (a second or more to parse) starts at once and beside the other bundles,
/// never last on one core while the others idle, which fixed chunks of the list did.
pub(crate) fn for_each_file<T: Send>(
    entries: &[Entry],
    f: impl Fn(&mut ScanContext, &Entry) -> T + Sync,
) -> Vec<T> {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(entries[i].size));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, T)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut cx = ScanContext::new();
            let mut mine = Vec::new();
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                mine.push((i, f(&mut cx, &entries[i])));
            }
            mine
        })
        .collect();
    done.sort_unstable_by_key(|&(i, _)| i);
    done.into_iter().map(|(_, t)| t).collect()
}

/// Most query matches kept in flight at once (see [`ScanContext::new`]).
pub const MATCH_LIMIT: u32 = 256;

/// The skip reason of a file whose query pass was cut short ([`Partial`]): it was parsed and
/// matched, but matches may be missing. [`Partial::MatchLimit`]: matches that started in its
/// outermost nesting levels may have been dropped; [`Partial::TextBudget`]: the node text its
/// rules test is far larger than the file (a chain of calls tens of thousands long), and the tests
/// past the budget failed.
pub fn partial_reason(why: Partial) -> String {
    match why {
        Partial::MatchLimit => format!(
            "partly matched: more than {MATCH_LIMIT} query matches in flight at once (code nested \
             this deep is generated, not written); rules may have missed matches in it"
        ),
        Partial::TextBudget => format!(
            "partly matched: its rules' text tests read more than {} times its size (code chained \
             or nested this deep is generated, not written); rules may have missed matches in it",
            crate::signature::TEXT_BUDGET_PER_BYTE
        ),
    }
}

/// A query cursor with the scan's match limit.
pub fn query_cursor() -> tree_sitter::QueryCursor {
    let mut cursor = tree_sitter::QueryCursor::new();
    // Bounds the in-progress matches a query keeps. Every enclosing node of a deeply nested
    // file can hold one, and each node visited is checked against all of them: with 4096, ten
    // thousand nested calls cost seconds of matching; real code never has 256 in flight (the
    // value editors use for highlighting).
    cursor.set_match_limit(MATCH_LIMIT);
    cursor
}

/// A worker's parser and query cursor.
pub struct ScanContext {
    parser: tree_sitter::Parser,
    current: Option<Language>,
    /// The cursor signature queries run with.
    pub cursor: tree_sitter::QueryCursor,
}

impl Default for ScanContext {
    fn default() -> Self {
        ScanContext::new()
    }
}

impl ScanContext {
    /// A fresh context.
    pub fn new() -> ScanContext {
        ScanContext {
            parser: tree_sitter::Parser::new(),
            current: None,
            cursor: query_cursor(),
        }
    }

    /// Parses `src`, giving up after `timeout_ms`. `None` means the parse was cancelled.
    pub fn parse(
        &mut self,
        lang: Language,
        src: &[u8],
        timeout_ms: u64,
    ) -> Option<tree_sitter::Tree> {
        if self.current != Some(lang) {
            self.parser.set_language(&lang.grammar()).ok()?;
            self.current = Some(lang);
        }
        let start = std::time::Instant::now();
        let limit = std::time::Duration::from_millis(timeout_ms);
        let mut cancel = |_: &tree_sitter::ParseState| start.elapsed() > limit;
        let options = tree_sitter::ParseOptions::new().progress_callback(&mut cancel);
        let len = src.len();
        let tree = self.parser.parse_with_options(
            &mut |offset, _| {
                if offset < len {
                    &src[offset..]
                } else {
                    &[] as &[u8]
                }
            },
            None,
            Some(options),
        );
        if tree.is_none() {
            self.parser.reset();
        }
        tree
    }
}
