//! Per-worker mutable state: one tree-sitter parser and one query cursor, reused for every file a
//! rayon worker scans (they cannot be shared across threads; creating them per file is waste), and
//! the order workers take files in ([`walk_and_scan`]).

use std::collections::VecDeque;
use std::sync::{Condvar, Mutex, PoisonError};

use super::walk::{Entry, Walked};
use crate::lang::Language;
use crate::signature::Partial;

/// What the workers share: the files listed and not yet taken, the results waiting for the rest
/// of their group, and once the walk is over, the plan.
struct Shared<T> {
    files: VecDeque<(usize, Entry)>,
    walk_over: bool,
    /// Each listed file's result (by walk position) until its group is finished.
    done: Vec<Option<Box<T>>>,
    /// Once planned: the groups, each entry's group, and each group's files not yet scanned.
    groups: Vec<Vec<usize>>,
    group_of: Vec<usize>,
    left: Vec<usize>,
}

impl<T> Shared<T> {
    /// Keeps file `i`'s result; when that completes its group (known once the walk is over),
    /// hands the group's results out, in walk order.
    fn complete(&mut self, i: usize, t: T) -> Option<(usize, Vec<(usize, T)>)> {
        self.done[i] = Some(Box::new(t));
        // A file the plan left out (it never does) stays unfinished rather than panicking.
        let g = self
            .group_of
            .get(i)
            .copied()
            .filter(|&g| g < self.left.len())?;
        self.left[g] -= 1;
        (self.left[g] == 0).then(|| (g, self.take(g)))
    }

    fn take(&mut self, g: usize) -> Vec<(usize, T)> {
        let members = std::mem::take(&mut self.groups[g]);
        members
            .into_iter()
            .filter_map(|j| Some((j, *self.done[j].take()?)))
            .collect()
    }
}

/// Walks with `walk` while the other workers of the current rayon pool scan the files it has listed
/// so far, in walk order. Once the walk is over, `plan` splits the list into groups (entry
/// positions, together covering every entry once); the files left are taken group by group (the
/// group with the largest file first), each group's largest first, and every worker, the walker
/// too, keeps one context and takes the next file as soon as it is free. The worker that scans a
/// group's last file runs `finish` on the group's results (in walk order) and drops them, so only
/// the groups in progress are held at once.
///
/// The walk's system calls (tens of milliseconds on thousands of files, one directory after
/// another) then overlap the scan instead of preceding it; and a bundle of megabytes (a second or
/// more to parse) starts as soon as the walk is over and beside the other bundles, never last on
/// one core while the others idle, which fixed chunks of the list did. Results are by group.
pub(crate) fn walk_scan_finish<T: Send, R: Send>(
    walk: impl FnOnce(&mut dyn FnMut(usize, &Entry)) -> Walked + Send,
    plan: impl FnOnce(&Walked) -> Vec<Vec<usize>> + Send,
    scan: impl Fn(&mut ScanContext, &Entry) -> T + Sync,
    finish: impl Fn(usize, Vec<(usize, T)>) -> R + Sync,
) -> (Walked, Vec<R>) {
    let shared = Mutex::new(Shared {
        files: VecDeque::new(),
        walk_over: false,
        done: Vec::new(),
        groups: Vec::new(),
        group_of: Vec::new(),
        left: Vec::new(),
    });
    let more = Condvar::new();
    let results: Mutex<Vec<Option<R>>> = Mutex::new(Vec::new());
    let lock = || shared.lock().unwrap_or_else(PoisonError::into_inner);
    let finished = |g: usize, files: Vec<(usize, T)>| {
        let r = finish(g, files);
        results.lock().unwrap_or_else(PoisonError::into_inner)[g] = Some(r);
    };
    // Takes files until the walk is over and none is left.
    let work = || {
        let mut cx = ScanContext::new();
        loop {
            let next = {
                let mut l = lock();
                loop {
                    if let Some(file) = l.files.pop_front() {
                        break Some(file);
                    }
                    if l.walk_over {
                        break None;
                    }
                    l = more.wait(l).unwrap_or_else(PoisonError::into_inner);
                }
            };
            let Some((i, entry)) = next else { break };
            let t = scan(&mut cx, &entry);
            let ready = lock().complete(i, t);
            if let Some((g, files)) = ready {
                finished(g, files);
            }
        }
    };
    let mut walked = None;
    // Should the walk unwind, the waiting workers are still released (then the panic goes on).
    struct Release<'a, T>(&'a Mutex<Shared<T>>, &'a Condvar);
    impl<T> Drop for Release<'_, T> {
        fn drop(&mut self) {
            self.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .walk_over = true;
            self.1.notify_all();
        }
    }
    rayon::scope(|s| {
        for _ in 1..rayon::current_num_threads() {
            s.spawn(|_| work());
        }
        let release = Release(&shared, &more);
        let w = walk(&mut |i: usize, e: &Entry| {
            let mut l = lock();
            if l.done.len() <= i {
                l.done.resize_with(i + 1, || None);
            }
            l.files.push_back((i, e.clone()));
            drop(l);
            more.notify_one();
        });
        // The other workers go on with the files listed so far meanwhile.
        let groups = plan(&w);
        results
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .resize_with(groups.len(), || None);
        let ready = {
            let mut l = lock();
            let l = &mut *l;
            l.done
                .resize_with(w.entries.len().max(l.done.len()), || None);
            l.group_of = vec![usize::MAX; l.done.len()];
            for (g, members) in groups.iter().enumerate() {
                for &j in members {
                    l.group_of[j] = g;
                }
            }
            debug_assert!(l.group_of.iter().all(|&g| g != usize::MAX));
            // A file not yet done is queued or being scanned: its group waits for it.
            l.left = groups
                .iter()
                .map(|m| m.iter().filter(|&&j| l.done[j].is_none()).count())
                .collect();
            l.groups = groups;
            let mut largest = vec![0; l.groups.len()];
            for (i, e) in &l.files {
                let g = l.group_of[*i];
                largest[g] = largest[g].max(e.size);
            }
            let mut order: Vec<usize> = (0..l.groups.len()).collect();
            order.sort_by_key(|&g| std::cmp::Reverse(largest[g]));
            let mut rank = vec![0; order.len()];
            for (r, &g) in order.iter().enumerate() {
                rank[g] = r;
            }
            let group_of = &l.group_of;
            // Stable: equal sizes stay in walk order.
            l.files
                .make_contiguous()
                .sort_by_key(|(i, e)| (rank[group_of[*i]], std::cmp::Reverse(e.size)));
            let empty: Vec<usize> = (0..l.left.len()).filter(|&g| l.left[g] == 0).collect();
            empty
                .into_iter()
                .map(|g| (g, l.take(g)))
                .collect::<Vec<_>>()
        };
        drop(release);
        walked = Some(w);
        for (g, files) in ready {
            finished(g, files);
        }
        work();
    });
    // Set by the scope's own closure, which always runs.
    let walked = walked.unwrap_or_default();
    let results = results.into_inner().unwrap_or_else(PoisonError::into_inner);
    debug_assert!(results.iter().all(Option::is_some));
    (walked, results.into_iter().flatten().collect())
}

/// [`walk_scan_finish`] with the whole list as one group: each file's result, in walk order.
pub(crate) fn walk_and_scan<T: Send>(
    walk: impl FnOnce(&mut dyn FnMut(usize, &Entry)) -> Walked + Send,
    scan: impl Fn(&mut ScanContext, &Entry) -> T + Sync,
) -> (Walked, Vec<T>) {
    let (walked, mut all) = walk_scan_finish(
        walk,
        |w| vec![(0..w.entries.len()).collect()],
        scan,
        |_, files| files.into_iter().map(|(_, t)| t).collect::<Vec<T>>(),
    );
    let all = all.pop().unwrap_or_default();
    debug_assert_eq!(all.len(), walked.entries.len());
    (walked, all)
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

/// Why a file is listed when its constant folding ran out of budget ([`crate::facts::FileFacts::folds_spent`]).
pub fn folds_spent_reason() -> String {
    use crate::facts::limits::{FOLD_GROWTH_BASE, FOLD_GROWTH_PER_BYTE};
    format!(
        "partly folded: the constant strings it builds from names grew past {FOLD_GROWTH_PER_BYTE} times \
         its size plus {} MiB (strings built like this are generated or obfuscated, not written); strings \
         built from names beyond that were not checked",
        FOLD_GROWTH_BASE >> 20
    )
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

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::scan::Limits;
    use crate::scan::walk::walk_handing_out;

    #[test]
    fn every_listed_file_is_scanned_once_and_results_come_in_walk_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        for i in 0..40 {
            let sub = dir.path().join(format!("pkg{}", i % 3));
            std::fs::create_dir_all(&sub).expect("dir");
            // Sizes that do not follow the walk order, so the largest-first tail reorders them.
            std::fs::write(
                sub.join(format!("m{i:02}.py")),
                "x = 1\n".repeat(1 + (i * 7) % 13),
            )
            .expect("file");
        }
        std::fs::write(dir.path().join("notes.txt"), "not scanned").expect("file");
        let limits = Limits::default();
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let (walked, rels) = pool.install(|| {
                walk_and_scan(
                    |kept| {
                        walk_handing_out(dir.path(), &limits, limits.deadline(Instant::now()), kept)
                    },
                    |_, e| e.rel.clone(),
                )
            });
            let listed: Vec<String> = walked.entries.iter().map(|e| e.rel.clone()).collect();
            assert_eq!(rels, listed, "{threads} threads");
            assert_eq!(rels.len(), 40);
        }
        // Groups (here interleaved, and one empty): each finished once, with its files in walk
        // order, results by group.
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let calls = std::sync::atomic::AtomicUsize::new(0);
            let (walked, groups) = pool.install(|| {
                walk_scan_finish(
                    |kept| {
                        walk_handing_out(dir.path(), &limits, limits.deadline(Instant::now()), kept)
                    },
                    |w| {
                        let mut g = vec![Vec::new(); 4];
                        for i in 0..w.entries.len() {
                            g[i % 3].push(i);
                        }
                        g
                    },
                    |_, e| e.rel.clone(),
                    |g, files| {
                        calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        (g, files)
                    },
                )
            });
            assert_eq!(calls.into_inner(), 4, "{threads} threads");
            for (g, (got, files)) in groups.into_iter().enumerate() {
                assert_eq!(got, g);
                let expected: Vec<(usize, String)> = (0..walked.entries.len())
                    .filter(|i| i % 3 == g)
                    .map(|i| (i, walked.entries[i].rel.clone()))
                    .collect();
                assert_eq!(files, expected, "{threads} threads, group {g}");
            }
        }
        // A single-file root is handed out too.
        let one = dir.path().join("pkg0").join("m00.py");
        let (walked, rels) = walk_and_scan(
            |kept| walk_handing_out(&one, &limits, limits.deadline(Instant::now()), kept),
            |_, e| e.rel.clone(),
        );
        assert_eq!(walked.entries.len(), 1);
        assert_eq!(rels, ["m00.py"]);
    }
}
