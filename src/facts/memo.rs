//! What keeps extraction linear in the nesting: answers computed for one node are remembered and
//! reused when an enclosing expression asks again.
//!
//! Both languages ask two recursive questions of an expression: what constant string it folds to
//! ([`Folds`]) and which names it reads ([`read_names`]). Nested calls, concatenations and closures
//! ask them at every level, each about a subtree holding the previous level's, so without memory a
//! depth-`d` nest costs `d²` visits (bounded only by the depth and visit limits). The extractors
//! warm both memories innermost first (the reverse of the walk's pre-order visits every descendant
//! before its ancestors), so each level costs what it adds.

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use crate::syntax::Node;

use super::Fold;
use super::limits::{
    ARG_NAMES, FOLD_DEPTH, FOLD_GROWTH_BASE, FOLD_GROWTH_PER_BYTE, FOLD_LEN, NAME_VISITS,
};

/// A map keyed by node ids ([`crate::syntax::Node::id`], indexes in pre-order): looked up at
/// nearly every node a walk visits, so hashed by one multiplication, not SipHash.
pub(crate) type IdMap<V> = HashMap<usize, V, BuildHasherDefault<IdHasher>>;

/// The hasher of [`IdMap`]: Fibonacci hashing, with the high half folded into the low bits (the
/// table indexes by the low bits).
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(self.0.rotate_left(8) ^ u64::from(b));
        }
    }

    fn write_u64(&mut self, n: u64) {
        let h = n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = h ^ (h >> 32);
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
}

/// A folded constant and how it was obtained.
pub(crate) type Folded = (String, Fold);

/// A remembered fold.
#[derive(Clone)]
enum Memo {
    /// Computed without reaching [`FOLD_DEPTH`]: the answer, and how many levels below its node the
    /// computation went (started `height` or more levels from the limit, the answer is cut).
    Exact(Option<Folded>, u32),
    /// Stopped by the limit when started at this depth: from there or deeper it is cut.
    Cut(u32),
}

/// The fold memory of one file's extraction, with the state of the fold in progress, and the
/// file's growth budget.
///
/// A fold is never longer than [`FOLD_LEN`], but a name stands for a whole earlier constant:
/// `s = s + "x"` repeated 20 000 times is 400 KB of code whose folds, each up to 64 KB, came to
/// 2 GB. A fold may be as long as the code it is read from for free; what it adds beyond that
/// (a name's value, a repeated separator) is paid from the budget, [`FOLD_GROWTH_PER_BYTE`] times
/// the file plus [`FOLD_GROWTH_BASE`]. A fold the budget cannot pay for does not fold, and the
/// file is marked ([`Folds::spent`]) so that the scan lists it.
pub(crate) struct Folds {
    /// `None` until the constants of the file are known (a fold before that is not final).
    memo: RefCell<Option<IdMap<Memo>>>,
    /// Set when the fold in progress reached [`FOLD_DEPTH`]: its answer depends on where it started.
    cut: Cell<bool>,
    /// The deepest level the fold in progress reached.
    reach: Cell<u32>,
    /// Bytes folds may still add beyond the code they are read from.
    growth: Cell<usize>,
    /// Set when a fold was refused for want of budget.
    spent: Cell<bool>,
}

/// What [`Folds::enter`] saved of the enclosing fold.
pub(crate) struct Outer {
    cut: bool,
    reach: u32,
}

impl Folds {
    /// The fold memory of a file of `src_len` bytes.
    pub(crate) fn new(src_len: usize) -> Folds {
        Folds {
            memo: RefCell::new(None),
            cut: Cell::new(false),
            reach: Cell::new(0),
            growth: Cell::new(
                src_len
                    .saturating_mul(FOLD_GROWTH_PER_BYTE)
                    .saturating_add(FOLD_GROWTH_BASE),
            ),
            spent: Cell::new(false),
        }
    }

    /// Whether a fold of `len` bytes, read from `node_len` bytes of code, may be produced: at
    /// most [`FOLD_LEN`], and what it adds beyond `node_len` is paid from the budget (ask before
    /// copying a name's value, not after).
    pub(crate) fn admit(&self, len: usize, node_len: usize) -> bool {
        if len > FOLD_LEN {
            return false;
        }
        let extra = len.saturating_sub(node_len);
        let left = self.growth.get();
        if extra > left {
            self.spent.set(true);
            return false;
        }
        self.growth.set(left - extra);
        true
    }

    /// The fold of a name: its constant's value, paid for (beyond the name's own length) before
    /// it is copied.
    pub(crate) fn constant(
        &self,
        consts: &foldhash::HashMap<String, String>,
        name: &str,
    ) -> Option<Folded> {
        let value = consts.get(name)?;
        self.admit(value.len(), name.len())
            .then(|| (value.clone(), Fold::Folded))
    }

    /// Whether some fold was refused for want of budget: strings built from names past that
    /// point of the file were not folded.
    pub(crate) fn spent(&self) -> bool {
        self.spent.get()
    }

    /// Starts remembering (the constants are final).
    pub(crate) fn start(&self) {
        *self.memo.borrow_mut() = Some(IdMap::default());
    }

    /// Forgets everything (the memory is only valid for the passes that follow the constants).
    pub(crate) fn stop(&self) {
        *self.memo.borrow_mut() = None;
    }

    /// A remembered answer for `id` asked at `depth`, if one applies.
    pub(crate) fn recall(&self, id: usize, depth: u32) -> Option<Option<Folded>> {
        let memo = self.memo.borrow();
        match memo.as_ref()?.get(&id)? {
            Memo::Exact(r, h) if depth + h <= FOLD_DEPTH => {
                self.reach.set(self.reach.get().max(depth + h));
                Some(r.clone())
            }
            // Deeper than the limit from here: what the recursion would have said when it stopped.
            Memo::Exact(..) => {
                self.cut.set(true);
                Some(None)
            }
            Memo::Cut(at) if depth >= *at => {
                self.cut.set(true);
                Some(None)
            }
            Memo::Cut(_) => None,
        }
    }

    /// Starts computing a fold at `depth`; pass what it returns to [`Folds::remember`].
    pub(crate) fn enter(&self, depth: u32) -> Outer {
        Outer {
            cut: self.cut.replace(false),
            reach: self.reach.replace(depth),
        }
    }

    /// Records the answer computed for `id` at `depth` and restores the enclosing fold's state.
    pub(crate) fn remember(&self, id: usize, depth: u32, outer: Outer, r: &Option<Folded>) {
        let cut = self.cut.get();
        let reach = self.reach.get();
        if let Some(memo) = self.memo.borrow_mut().as_mut() {
            let m = if cut {
                Memo::Cut(depth)
            } else {
                Memo::Exact(r.clone(), reach.saturating_sub(depth))
            };
            memo.insert(id, m);
        }
        self.cut.set(outer.cut || cut);
        self.reach.set(outer.reach.max(reach));
    }

    /// Called on entering every step of a fold at `depth`: whether the step is past the limit
    /// (then the fold is cut).
    pub(crate) fn past_limit(&self, depth: u32) -> bool {
        self.reach.set(self.reach.get().max(depth));
        if depth > FOLD_DEPTH {
            self.cut.set(true);
            return true;
        }
        false
    }
}

/// A name an expression reads: borrowed from the source (owned only where the source is not
/// UTF-8), so that remembering and splicing names copies no text.
pub(crate) type Name<'s> = Cow<'s, str>;

/// The names an expression reads (identifiers, and what a language's `leaf` adds), in walk order,
/// at most [`ARG_NAMES`], found in at most [`NAME_VISITS`] nodes, each remembered subtree counted once.
///
/// `leaf` handles a node itself (pushing names to `out` or children to `stack`) and returns true,
/// or returns false to have its named children visited. A node whose names were already asked is
/// not walked again: its remembered names are spliced in where the walk would have produced them.
/// The names are copied out of the source once, in the list returned.
pub(crate) fn read_names<'t, 's>(
    root: Node<'t>,
    memo: &RefCell<IdMap<Vec<Name<'s>>>>,
    mut leaf: impl FnMut(Node<'t>, &mut Vec<Name<'s>>, &mut Vec<Node<'t>>) -> bool,
) -> Vec<String> {
    let owned = |names: &[Name<'s>]| names.iter().map(|n| n.clone().into_owned()).collect();
    if let Some(m) = memo.borrow().get(&root.id()) {
        return owned(m);
    }
    let mut out: Vec<Name<'s>> = Vec::new();
    {
        let known = memo.borrow();
        let mut stack = vec![root];
        let mut visited = 0;
        while let Some(n) = stack.pop() {
            visited += 1;
            if out.len() >= ARG_NAMES || visited > NAME_VISITS {
                break;
            }
            if n.id() != root.id()
                && let Some(m) = known.get(&n.id())
            {
                for name in m {
                    if out.len() >= ARG_NAMES {
                        break;
                    }
                    if !out.contains(name) {
                        out.push(name.clone());
                    }
                }
                continue;
            }
            if !leaf(n, &mut out, &mut stack) {
                let at = stack.len();
                stack.extend(n.named_children());
                stack[at..].reverse();
            }
        }
    }
    let names = owned(&out);
    memo.borrow_mut().insert(root.id(), out);
    names
}

/// Adds `name` to `out` unless it is there.
pub(crate) fn add_name<'s>(out: &mut Vec<Name<'s>>, name: Name<'s>) {
    if !out.contains(&name) {
        out.push(name);
    }
}
