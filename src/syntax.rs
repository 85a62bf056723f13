//! A parsed file's syntax tree, copied once into an array in pre-order, so that the fact
//! extractor, the name reader and the native query matcher move around it by index.
//!
//! Tree-sitter's own tree is reached through cursors: a step to a child or a sibling costs
//! 500-600 instructions on these grammars (the cursor re-derives aliases, visibility and
//! positions through the hidden nodes between two visible ones), and asking a node for a field
//! or its n-th child walks its children again. Extraction asks for the same children many times
//! (fields of a call, the names of an argument, the children a pattern looks into), and callgrind
//! put those steps at a quarter of a scan's instructions. [`Syntax::new`] walks the tree once,
//! recording each visible node with its parent, the end of its subtree and the field it fills;
//! from then on [`Node`] answers parent, children and field questions with array reads, and
//! delegates what a node knows itself (kind, byte range, position, flags) to tree-sitter.
//!
//! [`Node`] mirrors the part of [`tree_sitter::Node`]'s interface the scanner uses, with the
//! same answers (a test compares them node by node on the corpus): children are the visible
//! children a [`tree_sitter::TreeCursor`] visits, named children the named ones among them,
//! and a field is the first child the cursor reports in it.

use std::fmt;
use std::ops::Range;

use tree_sitter::{Point, Tree};

/// One visible node of the tree.
#[derive(Clone, Copy)]
struct Slot<'t> {
    node: tree_sitter::Node<'t>,
    /// Index of the parent (the root's is its own).
    parent: u32,
    /// One past the index of its last descendant: its subtree is `self..end`.
    end: u32,
    /// The field it fills in its parent, 0 for none (tree-sitter's field ids start at 1).
    field: u16,
    named: bool,
}

/// A syntax tree laid out in pre-order: a node's descendants follow it, its next sibling
/// starts where its subtree ends.
pub struct Syntax<'t> {
    tree: &'t Tree,
    slots: Vec<Slot<'t>>,
    /// Distinct per grammar (its node kind count): the key of the per-thread field and kind
    /// tables of [`crate::facts`].
    grammar: usize,
}

impl fmt::Debug for Syntax<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Syntax")
            .field("nodes", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl<'t> Syntax<'t> {
    /// Copies `tree` (one cursor walk).
    pub fn new(tree: &'t Tree) -> Syntax<'t> {
        let root = tree.root_node();
        let mut slots: Vec<Slot<'t>> = Vec::with_capacity(root.end_byte() / 3 + 16);
        let mut cursor = tree.walk();
        // Indices of the ancestors of the cursor's node, innermost last.
        let mut open: Vec<u32> = Vec::new();
        loop {
            let node = cursor.node();
            let at = u32::try_from(slots.len()).unwrap_or(u32::MAX);
            slots.push(Slot {
                node,
                parent: open.last().copied().unwrap_or(at),
                end: at + 1,
                field: cursor.field_id().map_or(0, u16::from),
                named: node.is_named(),
            });
            if cursor.goto_first_child() {
                open.push(at);
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    let end = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                    slots[0].end = end;
                    return Syntax {
                        tree,
                        slots,
                        grammar: tree.language().node_kind_count(),
                    };
                }
                if let Some(closed) = open.pop() {
                    slots[closed as usize].end = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                }
            }
        }
    }

    /// The tree it copies.
    pub fn tree(&self) -> &'t Tree {
        self.tree
    }

    /// The root node.
    pub fn root(&self) -> Node<'_> {
        Node {
            syntax: self,
            at: 0,
        }
    }

    /// How many nodes the tree has (every node is at an index below this).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Never: a tree has a root.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The node at an index in pre-order.
    pub fn node(&self, at: usize) -> Node<'_> {
        debug_assert!(at < self.slots.len());
        Node {
            syntax: self,
            at: u32::try_from(at).unwrap_or(u32::MAX),
        }
    }
}

/// A node of a [`Syntax`]: its index, and the tree it is in.
#[derive(Clone, Copy)]
pub struct Node<'s> {
    syntax: &'s Syntax<'s>,
    at: u32,
}

impl PartialEq for Node<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.at == other.at && std::ptr::eq(self.syntax, other.syntax)
    }
}

impl Eq for Node<'_> {}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.ts())
    }
}

impl<'s> Node<'s> {
    #[inline]
    fn slot(&self) -> &'s Slot<'s> {
        &self.syntax.slots[self.at as usize]
    }

    #[inline]
    fn at(&self, at: u32) -> Node<'s> {
        Node {
            syntax: self.syntax,
            at,
        }
    }

    /// The tree-sitter node.
    #[inline]
    pub fn ts(&self) -> tree_sitter::Node<'s> {
        self.slot().node
    }

    /// The tree it is in.
    pub fn syntax(&self) -> &'s Syntax<'s> {
        self.syntax
    }

    /// Its index in pre-order: unique in its tree, and smaller than its descendants'.
    #[inline]
    pub fn id(&self) -> usize {
        self.at as usize
    }

    /// Its kind's id.
    #[inline]
    pub fn kind_id(&self) -> u16 {
        self.ts().kind_id()
    }

    /// Its kind.
    pub fn kind(&self) -> &'static str {
        self.ts().kind()
    }

    /// True for named nodes.
    #[inline]
    pub fn is_named(&self) -> bool {
        self.slot().named
    }

    /// True for extras (comments).
    pub fn is_extra(&self) -> bool {
        self.ts().is_extra()
    }

    /// True for an `ERROR` node.
    pub fn is_error(&self) -> bool {
        self.ts().is_error()
    }

    /// First byte.
    #[inline]
    pub fn start_byte(&self) -> usize {
        self.ts().start_byte()
    }

    /// One past the last byte.
    #[inline]
    pub fn end_byte(&self) -> usize {
        self.ts().end_byte()
    }

    /// Its bytes.
    #[inline]
    pub fn byte_range(&self) -> Range<usize> {
        self.ts().byte_range()
    }

    /// Where it starts (row and byte column, from 0).
    pub fn start_position(&self) -> Point {
        self.ts().start_position()
    }

    /// Its parent; `None` for the root.
    #[inline]
    pub fn parent(&self) -> Option<Node<'s>> {
        (self.at != 0).then(|| self.at(self.slot().parent))
    }

    /// Its children, named and anonymous, in order.
    #[inline]
    pub fn children(&self) -> Children<'s> {
        Children {
            syntax: self.syntax,
            next: self.at + 1,
            end: self.slot().end,
        }
    }

    /// Its named children, in order.
    #[inline]
    pub fn named_children(&self) -> impl Iterator<Item = Node<'s>> + use<'s> {
        self.children().filter(Node::is_named)
    }

    /// The children in field `id`.
    pub fn children_by_field_id(&self, id: u16) -> impl Iterator<Item = Node<'s>> + use<'s> {
        self.children().filter(move |c| c.slot().field == id)
    }

    /// The children in the field called `name` (its id looked up in the grammar each call: for
    /// rare questions; [`crate::facts`] caches the ids it asks for often).
    pub fn children_by_field_name(&self, name: &str) -> impl Iterator<Item = Node<'s>> + use<'s> {
        let id = self
            .syntax
            .tree
            .language()
            .field_id_for_name(name)
            .map_or(u16::MAX, u16::from);
        self.children_by_field_id(id)
    }

    /// The first child in field `id`.
    #[inline]
    pub fn child_by_field_id(&self, id: u16) -> Option<Node<'s>> {
        self.children().find(|c| c.slot().field == id)
    }

    /// The `i`-th child.
    pub fn child(&self, i: usize) -> Option<Node<'s>> {
        self.children().nth(i)
    }

    /// The `i`-th named child.
    pub fn named_child(&self, i: usize) -> Option<Node<'s>> {
        self.named_children().nth(i)
    }

    /// How many children it has.
    pub fn child_count(&self) -> usize {
        self.children().count()
    }

    /// How many named children it has.
    pub fn named_child_count(&self) -> usize {
        self.named_children().count()
    }

    /// The field it fills in its parent (a tree-sitter field id), if any.
    pub fn field_id(&self) -> Option<u16> {
        let f = self.slot().field;
        (f != 0).then_some(f)
    }

    /// The nodes of its subtree, itself first, in pre-order.
    pub fn subtree(&self) -> impl Iterator<Item = Node<'s>> + use<'s> {
        let (syntax, end) = (self.syntax, self.slot().end);
        (self.at..end).map(move |at| Node { syntax, at })
    }

    /// One past the index of its last descendant.
    pub(crate) fn subtree_end(&self) -> usize {
        self.slot().end as usize
    }

    /// The key of its grammar ([`Syntax::grammar`]).
    #[inline]
    pub(crate) fn grammar(&self) -> usize {
        self.syntax.grammar
    }
}

/// The children of a [`Node`]: from the first (right after the parent) to the end of the
/// parent's subtree, each child's successor being where its own subtree ends.
#[derive(Clone)]
pub struct Children<'s> {
    syntax: &'s Syntax<'s>,
    next: u32,
    end: u32,
}

impl<'s> Iterator for Children<'s> {
    type Item = Node<'s>;

    #[inline]
    fn next(&mut self) -> Option<Node<'s>> {
        if self.next >= self.end {
            return None;
        }
        let at = self.next;
        self.next = self.syntax.slots[at as usize].end;
        Some(Node {
            syntax: self.syntax,
            at,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    /// Every node of every corpus source file answers as tree-sitter's node does: kind, range,
    /// parent, children (all and named), and every field of its grammar.
    #[test]
    fn a_copied_tree_answers_as_tree_sitter_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files = Vec::new();
        let mut dirs = vec![root];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).expect("corpus dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Some(lang) = p
                    .extension()
                    .and_then(|x| x.to_str())
                    .and_then(Language::from_extension)
                {
                    files.push((lang, p));
                }
            }
        }
        assert!(files.len() > 20, "corpus files: {}", files.len());
        let mut parser = tree_sitter::Parser::new();
        let mut checked = 0;
        for (lang, path) in files {
            let src = std::fs::read(&path).expect("read");
            parser.set_language(&lang.grammar()).expect("grammar");
            let tree = parser.parse(&src, None).expect("parse");
            let syntax = Syntax::new(&tree);
            let fields = tree.language().field_count();
            let mut cursor = tree.walk();
            let mut at = 0;
            // The same pre-order walk as tree-sitter's cursor.
            loop {
                let ts = cursor.node();
                let n = syntax.node(at);
                assert_eq!(n.ts(), ts, "{}: node {at}", path.display());
                assert_eq!(n.is_named(), ts.is_named());
                assert_eq!(
                    n.parent().map(|p| p.ts()),
                    ts.parent(),
                    "{}",
                    path.display()
                );
                let mut c = ts.walk();
                let kids: Vec<_> = ts.children(&mut c).collect();
                assert_eq!(n.children().map(|k| k.ts()).collect::<Vec<_>>(), kids);
                let named: Vec<_> = ts.named_children(&mut c).collect();
                assert_eq!(
                    n.named_children().map(|k| k.ts()).collect::<Vec<_>>(),
                    named
                );
                for (i, k) in named.iter().enumerate() {
                    assert_eq!(n.named_child(i).map(|x| x.ts()), Some(*k));
                }
                for f in 1..=u16::try_from(fields).expect("field count") {
                    assert_eq!(
                        n.child_by_field_id(f).map(|x| x.ts()),
                        ts.child_by_field_id(f),
                        "{}: field {f} of {} at {:?}",
                        path.display(),
                        ts.kind(),
                        ts.start_position()
                    );
                }
                assert_eq!(n.subtree().count(), ts.descendant_count());
                checked += 1;
                at += 1;
                if cursor.goto_first_child() {
                    continue;
                }
                let more = loop {
                    if cursor.goto_next_sibling() {
                        break true;
                    }
                    if !cursor.goto_parent() {
                        break false;
                    }
                };
                if !more {
                    break;
                }
            }
            assert_eq!(at, syntax.len());
        }
        assert!(checked > 10_000, "nodes checked: {checked}");
    }
}
