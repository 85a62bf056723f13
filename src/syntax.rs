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
//! from then on [`Node`] answers parent, children and field questions with array reads, and what
//! a node knows itself (kind, byte range, position, flags) from its slot.
//!
//! The copy owns all it answers with, so the tree can be freed as soon as it is made: a scan
//! drops it then (unless a user's pattern outside the native subset needs tree-sitter's query
//! cursor), and a bundle's tree, the larger of the two, no longer stays beside its copy and
//! facts.
//!
//! [`Node`] mirrors the part of [`tree_sitter::Node`]'s interface the scanner uses, with the
//! same answers (a test compares them node by node on the corpus): children are the visible
//! children a [`tree_sitter::TreeCursor`] visits, named children the named ones among them,
//! and a field is the first child the cursor reports in it.

use std::fmt;
use std::ops::Range;
use std::sync::{Arc, Mutex, PoisonError};

use foldhash::{HashMap, HashMapExt};
use tree_sitter::{Point, Tree};

/// One visible node of the tree: what it is, where, and where its family is. 32 bytes, a
/// tree-sitter node handle alone is 32: a bundle's copy in flight stays as small as it can.
#[derive(Clone, Copy)]
struct Slot {
    start: u32,
    end_byte: u32,
    row: u32,
    column: u32,
    /// Index of the parent (the root's is its own).
    parent: u32,
    /// One past the index of its last descendant: its subtree is `self..end`.
    end: u32,
    kind: u16,
    /// The field it fills in its parent, 0 for none (tree-sitter's field ids start at 1).
    field: u16,
    flags: u8,
}

const NAMED: u8 = 1;
const EXTRA: u8 = 2;

/// Tree-sitter's symbol for an `ERROR` node.
const ERROR: u16 = u16::MAX;

/// A syntax tree laid out in pre-order: a node's descendants follow it, its next sibling
/// starts where its subtree ends.
pub struct Syntax {
    slots: Vec<Slot>,
    /// Its grammar's kind and field names.
    names: Arc<Names>,
}

/// One grammar's node kind names by id and field ids by name, read from tree-sitter once per
/// process: its own lookups cost a `strlen` and a UTF-8 check per kind name, and a comparison with
/// every field name of the grammar per field, and the extractors ask both at nearly every node.
pub(crate) struct Names {
    kinds: Vec<&'static str>,
    fields: HashMap<&'static str, u16>,
}

impl Names {
    /// The name of kind `id`, as [`tree_sitter::Node::kind`] gives it.
    #[inline]
    pub(crate) fn kind(&self, id: u16) -> Option<&'static str> {
        self.kinds.get(usize::from(id)).copied()
    }

    /// The id of field `name`, as [`tree_sitter::Language::field_id_for_name`] gives it.
    #[inline]
    pub(crate) fn field(&self, name: &str) -> Option<u16> {
        self.fields.get(name).copied()
    }

    /// The tables of `language`, built on first use (keyed by its node kind count, which differs
    /// for the four grammars: a test says so).
    fn of(language: &tree_sitter::Language) -> Arc<Names> {
        static ALL: Mutex<Vec<(usize, Arc<Names>)>> = Mutex::new(Vec::new());
        let key = language.node_kind_count();
        let mut all = ALL.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((_, names)) = all.iter().find(|(k, _)| *k == key) {
            return Arc::clone(names);
        }
        let kinds = (0..key)
            .map(|i| {
                u16::try_from(i)
                    .ok()
                    .and_then(|i| language.node_kind_for_id(i))
                    .unwrap_or("")
            })
            .collect();
        let mut fields = HashMap::new();
        for id in 1..=u16::try_from(language.field_count()).unwrap_or(u16::MAX) {
            if let Some(name) = language.field_name_for_id(id) {
                // The first id of a name, as tree-sitter's scan in id order finds it.
                fields.entry(name).or_insert(id);
            }
        }
        let names = Arc::new(Names { kinds, fields });
        all.push((key, Arc::clone(&names)));
        names
    }
}

impl fmt::Debug for Syntax {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Syntax")
            .field("nodes", &self.slots.len())
            .finish_non_exhaustive()
    }
}

impl Syntax {
    /// Copies `tree` (one cursor walk). The copy owns what it read: the tree can be dropped
    /// once it is made, and a bundle's tree (a few hundred MB) then is.
    pub fn new(tree: &Tree) -> Syntax {
        let root = tree.root_node();
        // Exactly as many slots as visible nodes (tree-sitter keeps the count): no regrowth, which
        // on a bundle of millions of nodes would briefly hold the copy twice.
        let mut slots: Vec<Slot> = Vec::with_capacity(root.descendant_count());
        let mut cursor = tree.walk();
        // The ancestors of the cursor's node, innermost last, each with how many of its children
        // are still to visit. Tree-sitter keeps each node's visible child count, the children a
        // cursor visits: with it, a leaf is never asked for a first child and a last child never
        // for a next sibling. Both steps fail only after going through the hidden nodes around
        // them, and they were a third of this walk.
        let mut open: Vec<(u32, u32)> = Vec::new();
        loop {
            let node = cursor.node();
            let at = u32::try_from(slots.len()).unwrap_or(u32::MAX);
            let p = node.start_position();
            let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
            slots.push(Slot {
                start: small(node.start_byte()),
                end_byte: small(node.end_byte()),
                row: small(p.row),
                column: small(p.column),
                parent: open.last().map_or(at, |&(o, _)| o),
                end: at + 1,
                kind: node.kind_id(),
                field: cursor.field_id().map_or(0, u16::from),
                flags: (u8::from(node.is_named()) * NAMED) | (u8::from(node.is_extra()) * EXTRA),
            });
            let children = small(node.child_count());
            if children > 0 && cursor.goto_first_child() {
                open.push((at, children - 1));
                continue;
            }
            debug_assert!(
                !cursor.goto_first_child(),
                "a node had more children than counted"
            );
            loop {
                let Some((closed, left)) = open.last_mut() else {
                    slots[0].end = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                    return Syntax {
                        slots,
                        names: Names::of(&tree.language()),
                    };
                };
                if *left > 0 && cursor.goto_next_sibling() {
                    *left -= 1;
                    break;
                }
                debug_assert!(
                    !cursor.goto_next_sibling(),
                    "a node had more children than counted"
                );
                slots[*closed as usize].end = u32::try_from(slots.len()).unwrap_or(u32::MAX);
                open.pop();
                cursor.goto_parent();
            }
        }
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
    syntax: &'s Syntax,
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
        write!(f, "{{{} {:?}}}", self.kind(), self.byte_range())
    }
}

impl<'s> Node<'s> {
    #[inline]
    fn slot(&self) -> &'s Slot {
        &self.syntax.slots[self.at as usize]
    }

    #[inline]
    fn at(&self, at: u32) -> Node<'s> {
        Node {
            syntax: self.syntax,
            at,
        }
    }

    /// The tree it is in.
    pub fn syntax(&self) -> &'s Syntax {
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
        self.slot().kind
    }

    /// Its kind, from its grammar's table (tree-sitter's own answer costs a `strlen` and a UTF-8
    /// check of a C string; the extractors ask at nearly every node).
    #[inline]
    pub fn kind(&self) -> &'static str {
        self.syntax.names.kind(self.kind_id()).unwrap_or("ERROR")
    }

    /// True for named nodes.
    #[inline]
    pub fn is_named(&self) -> bool {
        self.slot().flags & NAMED != 0
    }

    /// True for extras (comments).
    pub fn is_extra(&self) -> bool {
        self.slot().flags & EXTRA != 0
    }

    /// True for an `ERROR` node.
    pub fn is_error(&self) -> bool {
        self.slot().kind == ERROR
    }

    /// First byte.
    #[inline]
    pub fn start_byte(&self) -> usize {
        self.slot().start as usize
    }

    /// One past the last byte.
    #[inline]
    pub fn end_byte(&self) -> usize {
        self.slot().end_byte as usize
    }

    /// Its bytes.
    #[inline]
    pub fn byte_range(&self) -> Range<usize> {
        self.start_byte()..self.end_byte()
    }

    /// Where it starts (row and byte column, from 0).
    pub fn start_position(&self) -> Point {
        let s = self.slot();
        Point::new(s.row as usize, s.column as usize)
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

    /// The children in the field called `name`.
    pub fn children_by_field_name(&self, name: &str) -> impl Iterator<Item = Node<'s>> + use<'s> {
        let id = self.syntax.names.field(name).unwrap_or(u16::MAX);
        self.children_by_field_id(id)
    }

    /// The first child in the field called `name`, as [`tree_sitter::Node::child_by_field_name`]
    /// answers, with the id from its grammar's table (tree-sitter compares the name with every
    /// field name of the grammar on each call; the extractors ask at nearly every node).
    #[inline]
    pub fn field(&self, name: &str) -> Option<Node<'s>> {
        self.child_by_field_id(self.syntax.names.field(name)?)
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
}

/// The children of a [`Node`]: from the first (right after the parent) to the end of the
/// parent's subtree, each child's successor being where its own subtree ends.
#[derive(Clone)]
pub struct Children<'s> {
    syntax: &'s Syntax,
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

/// What a node is and where, to compare a [`Node`] with a tree-sitter node in tests.
#[cfg(test)]
pub(crate) type Key = (u16, Range<usize>, Point, bool, bool, bool);

#[cfg(test)]
impl Node<'_> {
    /// Its [`Key`].
    pub(crate) fn key(&self) -> Key {
        let p = self.start_position();
        (
            self.kind_id(),
            self.byte_range(),
            p,
            self.is_named(),
            self.is_extra(),
            self.is_error(),
        )
    }
}

/// A tree-sitter node's [`Key`].
#[cfg(test)]
pub(crate) fn ts_key(n: tree_sitter::Node<'_>) -> Key {
    (
        n.kind_id(),
        n.byte_range(),
        n.start_position(),
        n.is_named(),
        n.is_extra(),
        n.is_error(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    /// Compares every node of `src`'s tree with tree-sitter's answers: kind, range, position,
    /// flags, parent, children (all and named), and every field of the grammar. Gives the number
    /// of nodes and of `ERROR` nodes.
    fn compare(lang: Language, src: &[u8], place: &str) -> (usize, usize) {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar()).expect("grammar");
        let tree = parser.parse(src, None).expect("parse");
        let syntax = Syntax::new(&tree);
        let fields = u16::try_from(tree.language().field_count()).expect("field count");
        let keys = |it: &mut dyn Iterator<Item = tree_sitter::Node<'_>>| -> Vec<Key> {
            it.map(ts_key).collect()
        };
        let mut cursor = tree.walk();
        let (mut at, mut errors) = (0, 0);
        // The same pre-order walk as tree-sitter's cursor.
        loop {
            let ts = cursor.node();
            let n = syntax.node(at);
            let place = format!("{place}: node {at} ({})", ts.kind());
            assert_eq!(n.key(), ts_key(ts), "{place}");
            assert_eq!(n.kind(), ts.kind(), "{place}");
            errors += usize::from(n.is_error());
            assert_eq!(
                n.parent().map(|p| p.key()),
                ts.parent().map(ts_key),
                "{place}"
            );
            let mut c = ts.walk();
            let kids = keys(&mut ts.children(&mut c));
            assert_eq!(n.children().map(|k| k.key()).collect::<Vec<_>>(), kids);
            let named = keys(&mut ts.named_children(&mut c));
            assert_eq!(
                n.named_children().map(|k| k.key()).collect::<Vec<_>>(),
                named
            );
            for (i, k) in named.iter().enumerate() {
                assert_eq!(n.named_child(i).map(|x| x.key()).as_ref(), Some(k));
            }
            for f in 1..=fields {
                assert_eq!(
                    n.child_by_field_id(f).map(|x| x.key()),
                    ts.child_by_field_id(f).map(ts_key),
                    "{place}: field {f}"
                );
            }
            assert_eq!(n.subtree().count(), ts.descendant_count());
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
        assert_eq!(at, syntax.len(), "{place}");
        (at, errors)
    }

    #[test]
    fn a_copied_tree_answers_as_tree_sitter_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut dirs = vec![root];
        let (mut files, mut nodes) = (0, 0);
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
                    let src = std::fs::read(&p).expect("read");
                    nodes += compare(lang, &src, &p.display().to_string()).0;
                    files += 1;
                }
            }
        }
        assert!(files > 20 && nodes > 10_000, "{files} files, {nodes} nodes");
    }

    #[test]
    fn broken_code_is_copied_with_its_error_nodes() {
        for (lang, src) in [
            (
                Language::Python,
                "def f(:\n    x = [1,\n    return )\nprint('ok')\n",
            ),
            (
                Language::JavaScript,
                "function f( { const x = [1, ; }\nfetch('u');\n",
            ),
            (
                Language::TypeScript,
                "let x: = ;\nclass { m(: string) {} }\n",
            ),
        ] {
            let (nodes, errors) = compare(lang, src.as_bytes(), src);
            assert!(
                nodes > 5 && errors > 0,
                "{src}: {nodes} nodes, {errors} errors"
            );
        }
    }

    #[test]
    fn name_tables_answer_as_tree_sitter_does() {
        for lang in [
            Language::Python,
            Language::JavaScript,
            Language::TypeScript,
            Language::Tsx,
        ] {
            let g = lang.grammar();
            let names = Names::of(&g);
            for id in 0..u16::try_from(g.node_kind_count()).unwrap() {
                assert_eq!(names.kind(id), g.node_kind_for_id(id), "{lang:?} kind {id}");
            }
            for id in 1..=u16::try_from(g.field_count()).unwrap() {
                let name = g.field_name_for_id(id).unwrap();
                assert_eq!(
                    names.field(name),
                    g.field_id_for_name(name).map(u16::from),
                    "{lang:?} field {name}"
                );
            }
            assert_eq!(names.field("no such field"), None);
            // The same tables for every tree of the grammar.
            assert!(Arc::ptr_eq(&names, &Names::of(&g)));
        }
    }
}
