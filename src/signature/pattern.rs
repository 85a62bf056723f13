//! Query patterns matched without tree-sitter's query cursor.
//!
//! Signatures write their structural rules in tree-sitter's query language, and almost all of
//! them use its structural core only: node kinds, `(_)` and `_`, anonymous nodes (`"/"`), fields,
//! child patterns in order, the `.` anchor, alternations (`[ … ]`) and captures, with the
//! captures' text tested by the rule's `where` regexes. This module parses that subset, resolves
//! kinds and fields to the grammar's ids once, and matches it in one walk of the tree: at each
//! node, only the patterns whose `@match` node has that node's kind are tried; a pattern looks at
//! the few levels below it names and, when `@match` is below the pattern's root, at the few
//! ancestors above (the walk keeps its ancestor stack). The cost is linear in the tree, whatever
//! its depth: the query cursor keeps an in-flight state per enclosing node a pattern started at,
//! its pass cost more than half a parse, and compiling its query a sixth of a second per grammar,
//! which a grammar whose patterns are all native never pays. The walk need not be this module's:
//! [`NativeSet::visitor`] matches one node at a time, so the fact extractor's walk of a file
//! carries the patterns too ([`crate::signature::Signatures::tree_match`]) and the tree is walked
//! once. Both read it through its [`crate::syntax::Syntax`] copy: listing a node's children is a
//! few array reads, not tree-sitter cursor steps.
//!
//! A child pattern may carry a quantifier (`(string)+ @arg`): since matching asks only whether
//! some match exists, `+` is the plain child pattern, and `*`/`?` constrain nothing unless a
//! capture inside is tested by `where` ([`unquantify`]). A pattern outside the subset
//! (predicates, negated fields, supertypes, grouped siblings, quantifiers beside anchors or at the
//! top, `@match` inside a nested alternation, a `where` capture met twice) is left to the query
//! cursor ([`parse`] says `None`); the result is the same either way, which a test checks on every
//! built-in pattern over the corpus and the rules' own snippets — except for repetitions, where
//! the cursor reports a match with its first repetition's captures only, so a `where` on a later
//! one went unseen.
//!
//! One deliberate difference: an anchor (`.`) skips comments. To the query cursor a comment is
//! a named sibling like any other, so `['crontab', # x` + newline + `'-']` escaped
//! `(list . (string) . (string))`; scanned code is written to evade, and a comment changes
//! nothing the code does.
//!
//! Matching asks only whether some match exists at a node: each `where` regex tests one capture,
//! so the constraints of different child patterns are independent, and the children are matched
//! by a left-to-right scan (anchors keep the set of places the previous child pattern can sit).

use super::lazy::LazyRegex;
use std::num::NonZeroU16 as FieldId;

use crate::syntax::{Node, Syntax};

use crate::lang::Language;

/// A pattern as written, before kinds and fields are resolved.
#[derive(Debug, Clone, PartialEq)]
enum Written {
    Node {
        /// `None` for `(_)`.
        kind: Option<String>,
        children: Vec<WrittenStep>,
        anchor_last: bool,
        captures: Vec<String>,
    },
    /// A bare `_`: any node, named or not.
    Any { captures: Vec<String> },
    /// `"/"`: an anonymous node.
    Anon { text: String, captures: Vec<String> },
    Alt {
        branches: Vec<Written>,
        captures: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
struct WrittenStep {
    field: Option<String>,
    /// Preceded by `.`: the first named child, or the named sibling right after the previous one.
    anchored: bool,
    /// `+`, `*` or `?` after it; [`unquantify`] turns each into a plain child pattern or none.
    quant: Option<u8>,
    pat: Written,
}

/// What a resolved pattern tests a node's kind against.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Id(u16),
    AnyNamed,
    Any,
}

/// A resolved pattern.
#[derive(Debug, Clone)]
enum Pat {
    Node {
        kind: Kind,
        children: Vec<Step>,
        anchor_last: bool,
        /// Indexes into the root's `where` regexes.
        tests: Vec<usize>,
    },
    Alt {
        branches: Vec<Pat>,
        tests: Vec<usize>,
    },
}

#[derive(Debug, Clone)]
struct Step {
    field: Option<FieldId>,
    anchored: bool,
    pat: Pat,
}

/// One matchable pattern: a top-level alternative of a query, with the `where` regexes its
/// captures are tested against. It is tried at the node `@match` names; when that is below the
/// pattern's root, `up` holds the enclosing patterns, innermost first, each with the child
/// pattern the node below stands for.
#[derive(Debug, Clone)]
pub(crate) struct Root {
    pat: Pat,
    up: Vec<(Pat, usize)>,
    tests: Vec<LazyRegex>,
    /// What `pat` and each of `up` ask of a node's kind and of its children's kinds and fields
    /// ([`Shape`]), checked before the matcher runs.
    shape: Shape,
    up_shapes: Vec<Shape>,
}

/// A necessary condition of a pattern's match: the node's kind, and for each child pattern some
/// child in its field that fits it, order, anchors, alternations and `where` tests left out. The
/// matcher is tried at every node a pattern is rooted at (every call, every string) and most of
/// them fail on kinds alone; this says so without listing children or keeping positions.
#[derive(Debug, Clone, Default)]
struct Shape {
    kind: Option<u16>,
    field: Option<FieldId>,
    kids: Vec<Shape>,
}

impl Shape {
    fn of(pat: &Pat, field: Option<FieldId>) -> Shape {
        match pat {
            Pat::Node { kind, children, .. } => Shape {
                kind: match kind {
                    Kind::Id(id) => Some(*id),
                    Kind::AnyNamed | Kind::Any => None,
                },
                field,
                kids: children
                    .iter()
                    .map(|s| Shape::of(&s.pat, s.field))
                    .filter(|s| s.kind.is_some() || s.field.is_some() || !s.kids.is_empty())
                    .collect(),
            },
            Pat::Alt { .. } => Shape {
                field,
                ..Shape::default()
            },
        }
    }

    /// Whether `node` fits: false only where the pattern cannot match.
    fn fits(&self, node: Node<'_>) -> bool {
        self.kind.is_none_or(|k| node.kind_id() == k)
            && self.kids.iter().all(|want| {
                node.children().any(|c| {
                    want.field
                        .is_none_or(|f| c.field_id().and_then(FieldId::new) == Some(f))
                        && want.fits(c)
                })
            })
    }
}

/// Parses and resolves `source` for `lang`. `None` when the source uses syntax outside the native
/// subset, names a kind or field the grammar lacks, or its captures are not ones the native
/// matcher can decide one node at a time: the query cursor then matches it.
pub(crate) fn parse(
    source: &str,
    lang: Language,
    where_: &[(String, LazyRegex)],
) -> Option<Vec<Root>> {
    let mut p = Parser {
        toks: tokens(source)?,
        at: 0,
    };
    let names: Vec<&str> = where_.iter().map(|(n, _)| n.as_str()).collect();
    let mut tops = Vec::new();
    while p.at < p.toks.len() {
        tops.push(unquantify(p.pattern()?, &names)?);
    }
    if tops.is_empty() {
        return None;
    }
    let grammar = lang.grammar();
    let mut roots = Vec::new();
    for top in tops {
        for branch in split_top(top, &[]) {
            // One `@match`, and not inside a nested alternation.
            if count(&branch, "match")? != 1 {
                return None;
            }
            let path = match_path(&branch)?;
            let mut present = true;
            for (name, _) in where_ {
                match count(&branch, name)? {
                    1 => {}
                    // The rule's `where` names a capture this alternative lacks: it never matches.
                    0 => present = false,
                    _ => return None,
                }
            }
            let mut pat = resolve(&branch, &grammar, &names)?;
            let mut up = Vec::new();
            for &j in &path {
                let Pat::Node { children, .. } = &pat else {
                    return None;
                };
                let below = children[j].pat.clone();
                up.push((pat, j));
                pat = below;
            }
            up.reverse();
            if present {
                roots.push(Root {
                    shape: Shape::of(&pat, None),
                    up_shapes: up.iter().map(|(p, _)| Shape::of(p, None)).collect(),
                    pat,
                    up,
                    tests: where_.iter().map(|(_, re)| re.clone()).collect(),
                });
            }
        }
    }
    Some(roots)
}

/// Child patterns with a quantifier, made plain or dropped. The matcher asks only whether some
/// match exists at a node, so `(x)+` holds exactly where one `(x)` does; `(x)*` and `(x)?` hold
/// with no `x` at all, so they constrain nothing and are dropped, unless a capture inside is
/// tested by `where` (`names`), which needs one `x` to pass: then they are `(x)` too. This is also
/// what a rule's author means by `(argument_list (string)+ @arg)` with `where arg = "evil"`: some
/// string argument matches. The query cursor reports such a match with its first repetition's
/// captures only, so `beacon("a", "evil.example")` escaped it. `None` when a dropped pattern holds
/// `@match`.
fn unquantify(w: Written, names: &[&str]) -> Option<Written> {
    Some(match w {
        Written::Node {
            kind,
            children,
            anchor_last,
            captures,
        } => {
            let mut kept = Vec::with_capacity(children.len());
            for mut step in children {
                let optional = matches!(step.quant, Some(b'*' | b'?'));
                step.quant = None;
                if optional && !names.iter().any(|n| count(&step.pat, n) != Some(0)) {
                    if count(&step.pat, "match") != Some(0) {
                        return None;
                    }
                    continue;
                }
                step.pat = unquantify(step.pat, names)?;
                kept.push(step);
            }
            Written::Node {
                kind,
                children: kept,
                anchor_last,
                captures,
            }
        }
        Written::Alt { branches, captures } => Written::Alt {
            branches: branches
                .into_iter()
                .map(|b| unquantify(b, names))
                .collect::<Option<_>>()?,
            captures,
        },
        other => other,
    })
}

/// A top-level alternation is several patterns, each carrying the alternation's captures.
fn split_top(w: Written, outer: &[String]) -> Vec<Written> {
    match w {
        Written::Alt { branches, captures } => {
            let mut caps = outer.to_vec();
            caps.extend(captures);
            branches
                .into_iter()
                .flat_map(|b| split_top(b, &caps))
                .collect()
        }
        mut other => {
            other.captures_mut().extend(outer.iter().cloned());
            vec![other]
        }
    }
}

impl Written {
    fn captures(&self) -> &[String] {
        match self {
            Written::Node { captures, .. }
            | Written::Any { captures }
            | Written::Anon { captures, .. }
            | Written::Alt { captures, .. } => captures,
        }
    }

    fn captures_mut(&mut self) -> &mut Vec<String> {
        match self {
            Written::Node { captures, .. }
            | Written::Any { captures }
            | Written::Anon { captures, .. }
            | Written::Alt { captures, .. } => captures,
        }
    }
}

/// The child-pattern indexes from `w` down to the pattern `@match` is on; `None` when it is inside
/// a nested alternation (or absent).
fn match_path(w: &Written) -> Option<Vec<usize>> {
    if w.captures().iter().any(|c| c == "match") {
        return Some(Vec::new());
    }
    let Written::Node { children, .. } = w else {
        return None;
    };
    children.iter().enumerate().find_map(|(j, s)| {
        let mut path = match_path(&s.pat)?;
        path.insert(0, j);
        Some(path)
    })
}

/// How many times `name` is captured on any one match of `w`; `None` if that differs between the
/// branches of an alternation.
fn count(w: &Written, name: &str) -> Option<usize> {
    let own = w.captures().iter().filter(|c| *c == name).count();
    let below = match w {
        Written::Node { children, .. } => {
            let mut n = 0;
            for s in children {
                n += count(&s.pat, name)?;
            }
            n
        }
        Written::Alt { branches, .. } => {
            let mut each = branches.iter().map(|b| count(b, name));
            let first = each.next()??;
            for c in each {
                if c? != first {
                    return None;
                }
            }
            first
        }
        Written::Any { .. } | Written::Anon { .. } => 0,
    };
    Some(own + below)
}

fn resolve(w: &Written, g: &tree_sitter::Language, names: &[&str]) -> Option<Pat> {
    let tests = w
        .captures()
        .iter()
        .filter_map(|c| names.iter().position(|n| n == c))
        .collect();
    let named_kind = |name: &str| {
        let id = g.id_for_node_kind(name, true);
        // Unknown kinds (id 0), hidden rules and supertypes are the query compiler's to judge.
        (id != 0 && g.node_kind_is_visible(id) && !g.node_kind_is_supertype(id)).then_some(id)
    };
    Some(match w {
        Written::Node {
            kind,
            children,
            anchor_last,
            ..
        } => Pat::Node {
            kind: match kind {
                Some(k) => Kind::Id(named_kind(k)?),
                None => Kind::AnyNamed,
            },
            children: children
                .iter()
                .map(|s| {
                    Some(Step {
                        field: match &s.field {
                            Some(f) => Some(g.field_id_for_name(f)?),
                            None => None,
                        },
                        anchored: s.anchored,
                        pat: resolve(&s.pat, g, names)?,
                    })
                })
                .collect::<Option<_>>()?,
            anchor_last: *anchor_last,
            tests,
        },
        Written::Any { .. } => Pat::Node {
            kind: Kind::Any,
            children: Vec::new(),
            anchor_last: false,
            tests,
        },
        Written::Anon { text, .. } => {
            let id = g.id_for_node_kind(text, false);
            if id == 0 {
                return None;
            }
            Pat::Node {
                kind: Kind::Id(id),
                children: Vec::new(),
                anchor_last: false,
                tests,
            }
        }
        Written::Alt { branches, .. } => Pat::Alt {
            branches: branches
                .iter()
                .map(|b| resolve(b, g, names))
                .collect::<Option<_>>()?,
            tests,
        },
    })
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    OpenAlt,
    CloseAlt,
    Dot,
    Colon,
    Capture(String),
    Str(String),
    Ident(String),
    /// `+`, `*` or `?` after a child pattern.
    Quant(u8),
}

/// The tokens of a query source; `None` at anything outside the subset (`#` predicates, `!`
/// negated fields, supertype paths).
fn tokens(src: &str) -> Option<Vec<Tok>> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let ident = |c: u8| c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
    while i < b.len() {
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b';' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' => (out.push(Tok::Open), i += 1).1,
            b')' => (out.push(Tok::Close), i += 1).1,
            b'[' => (out.push(Tok::OpenAlt), i += 1).1,
            b']' => (out.push(Tok::CloseAlt), i += 1).1,
            b'.' => (out.push(Tok::Dot), i += 1).1,
            b':' => (out.push(Tok::Colon), i += 1).1,
            b'+' | b'*' | b'?' => (out.push(Tok::Quant(c)), i += 1).1,
            b'@' => {
                let start = i + 1;
                i = start;
                while i < b.len() && (ident(b[i]) || b[i] == b'.') {
                    i += 1;
                }
                if i == start {
                    return None;
                }
                out.push(Tok::Capture(src[start..i].to_owned()));
            }
            b'"' => {
                let mut text = String::new();
                i += 1;
                loop {
                    match *b.get(i)? {
                        b'"' => break,
                        b'\\' => {
                            text.push(match *b.get(i + 1)? {
                                b'n' => '\n',
                                b't' => '\t',
                                b'r' => '\r',
                                b'0' => '\0',
                                b'\\' => '\\',
                                b'"' => '"',
                                _ => return None,
                            });
                            i += 2;
                        }
                        _ => {
                            let ch = src[i..].chars().next()?;
                            text.push(ch);
                            i += ch.len_utf8();
                        }
                    }
                }
                i += 1;
                out.push(Tok::Str(text));
            }
            c if ident(c) => {
                let start = i;
                while i < b.len() && ident(b[i]) {
                    i += 1;
                }
                // `expression/identifier` (a supertype path) and the like.
                if b.get(i)
                    .is_some_and(|&c| c == b'/' || c == b'?' || c == b'!')
                {
                    return None;
                }
                out.push(Tok::Ident(src[start..i].to_owned()));
            }
            _ => return None,
        }
    }
    Some(out)
}

struct Parser {
    toks: Vec<Tok>,
    at: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at)
    }

    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.at).cloned();
        self.at += 1;
        t
    }

    /// One pattern and the captures after it; a quantifier belongs to a child pattern only.
    fn pattern(&mut self) -> Option<Written> {
        match self.quantified()? {
            (w, None) => Some(w),
            (_, Some(_)) => None,
        }
    }

    /// One pattern, its quantifier if any, and the captures after them.
    fn quantified(&mut self) -> Option<(Written, Option<u8>)> {
        let mut w = match self.next()? {
            Tok::Open => {
                let kind = match self.next()? {
                    Tok::Ident(k) if k == "_" => None,
                    // `(ERROR)` and `(MISSING)` match by other rules than their kind.
                    Tok::Ident(k) if k != "ERROR" && k != "MISSING" => Some(k),
                    // Grouped siblings `((a) (b))`, `("text")`, …
                    _ => return None,
                };
                let mut children = Vec::new();
                let mut anchored = false;
                let mut anchor_last = false;
                loop {
                    match self.peek()? {
                        Tok::Close => {
                            self.at += 1;
                            if anchored {
                                if children.is_empty() {
                                    return None;
                                }
                                anchor_last = true;
                            }
                            break;
                        }
                        Tok::Dot => {
                            if anchored {
                                return None;
                            }
                            anchored = true;
                            self.at += 1;
                        }
                        _ => {
                            let field = match (self.peek(), self.toks.get(self.at + 1)) {
                                (Some(Tok::Ident(f)), Some(Tok::Colon)) => {
                                    let f = f.clone();
                                    self.at += 2;
                                    Some(f)
                                }
                                _ => None,
                            };
                            let (pat, quant) = self.quantified()?;
                            children.push(WrittenStep {
                                field,
                                anchored,
                                quant,
                                pat,
                            });
                            anchored = false;
                        }
                    }
                }
                // Anchors beside repetitions are the query cursor's to count.
                if children.iter().any(|c: &WrittenStep| c.quant.is_some())
                    && (anchor_last || children.iter().any(|c| c.anchored))
                {
                    return None;
                }
                Written::Node {
                    kind,
                    children,
                    anchor_last,
                    captures: Vec::new(),
                }
            }
            Tok::OpenAlt => {
                let mut branches = Vec::new();
                while self.peek()? != &Tok::CloseAlt {
                    branches.push(self.pattern()?);
                }
                self.at += 1;
                if branches.is_empty() {
                    return None;
                }
                Written::Alt {
                    branches,
                    captures: Vec::new(),
                }
            }
            Tok::Str(text) => Written::Anon {
                text,
                captures: Vec::new(),
            },
            Tok::Ident(k) if k == "_" => Written::Any {
                captures: Vec::new(),
            },
            _ => return None,
        };
        let quant = match self.peek() {
            Some(&Tok::Quant(q)) => {
                self.at += 1;
                Some(q)
            }
            _ => None,
        };
        while let Some(Tok::Capture(c)) = self.peek() {
            let c = c.clone();
            w.captures_mut().push(c);
            self.at += 1;
        }
        Some((w, quant))
    }
}

/// The native patterns of one grammar, indexed by the kind they are rooted at.
#[derive(Debug, Default)]
pub(crate) struct NativeSet<T> {
    roots: Vec<(Root, T)>,
    /// Root indexes per kind id, ascending.
    by_kind: Vec<Vec<u32>>,
    /// Roots that are `(_)` (any named node) or `_` (any node).
    any_named: Vec<u32>,
    any: Vec<u32>,
}

impl<T> NativeSet<T> {
    /// An empty set for `lang`.
    pub(crate) fn new(lang: Language) -> NativeSet<T> {
        NativeSet {
            roots: Vec::new(),
            by_kind: vec![Vec::new(); lang.grammar().node_kind_count()],
            any_named: Vec::new(),
            any: Vec::new(),
        }
    }

    /// Adds a root; `tag` comes back with each of its matches.
    pub(crate) fn push(&mut self, root: Root, tag: T) {
        let at = u32::try_from(self.roots.len()).unwrap_or(u32::MAX);
        match root.pat {
            Pat::Node {
                kind: Kind::Id(id), ..
            } => {
                if let Some(list) = self.by_kind.get_mut(usize::from(id)) {
                    list.push(at);
                }
            }
            Pat::Node {
                kind: Kind::AnyNamed,
                ..
            } => self.any_named.push(at),
            Pat::Node {
                kind: Kind::Any, ..
            } => self.any.push(at),
            // Top-level alternations were split in `parse`.
            Pat::Alt { .. } => self.any.push(at),
        }
        self.roots.push((root, tag));
    }

    /// Every (node, tag) where a root matches, in pre-order of the tree and, at one node, in
    /// the order the roots were pushed. True when the text budget ran out ([`text_budget`]).
    pub(crate) fn run<'t>(
        &self,
        syntax: &'t Syntax,
        src: &[u8],
        mut found: impl FnMut(Node<'t>, &T),
    ) -> bool {
        let mut visitor = self.visitor(src);
        // The ancestors of the walk's node, for patterns whose `@match` is below their root.
        let mut above: Vec<Node<'t>> = Vec::new();
        for node in syntax.root().subtree() {
            while above.last().is_some_and(|a| a.subtree_end() <= node.id()) {
                above.pop();
            }
            visitor.visit(node, &above, &mut found);
            above.push(node);
        }
        visitor.spent()
    }

    /// The matching state for a walk the caller makes itself ([`Visitor::visit`] at every node,
    /// in pre-order): the fact extractor's walk, so that a file is walked once for both.
    pub(crate) fn visitor<'t, 's>(&'s self, src: &'s [u8]) -> Visitor<'t, 's, T> {
        Visitor {
            set: self,
            m: Matching {
                src,
                text: std::str::from_utf8(src).ok(),
                budget: text_budget(src.len()),
                spent: false,
                kids: Vec::new(),
                listed: Vec::new(),
            },
            at: Vec::new(),
        }
    }
}

/// How many bytes of node text the `where` tests of one file may read: many times the file, so
/// that code as written never comes near it. A test reads its node's whole text, and the nodes of
/// a chain (`x.a().a()…`, tens of thousands long in a generated file) each hold the chain before
/// them: without a bound, their tests cost the square of the chain. Past it, a test fails and the
/// file is listed as partly matched ([`crate::signature::Partial::TextBudget`]).
pub(crate) fn text_budget(file_len: usize) -> usize {
    file_len
        .saturating_mul(TEXT_BUDGET_PER_BYTE)
        .saturating_add(TEXT_BUDGET_BASE)
}

/// Bytes of node text the `where` tests of one file may read, per byte of the file.
pub const TEXT_BUDGET_PER_BYTE: usize = 32;
/// Bytes of node text the `where` tests of any file may read, on top of the per-byte share.
pub const TEXT_BUDGET_BASE: usize = 4 << 20;

/// [`NativeSet::run`] one node at a time, for a walk made elsewhere.
pub(crate) struct Visitor<'t, 's, T> {
    set: &'s NativeSet<T>,
    m: Matching<'t, 's>,
    /// The roots tried at the current node, when patterns rooted at any node join its kind's.
    at: Vec<u32>,
}

impl<'t, T> Visitor<'t, '_, T> {
    /// Whether a `where` test was refused for want of budget ([`text_budget`]): some matches may
    /// be missing.
    pub(crate) fn spent(&self) -> bool {
        self.m.spent
    }

    /// Tries the roots at `node`, whose ancestors are `above` (outermost first); `found` gets each
    /// match. Called at every node of the tree in pre-order, it finds what [`NativeSet::run`] finds,
    /// in the same order.
    pub(crate) fn visit(
        &mut self,
        node: Node<'t>,
        above: &[Node<'t>],
        mut found: impl FnMut(Node<'t>, &T),
    ) {
        let set = self.set;
        let of_kind = set
            .by_kind
            .get(usize::from(node.kind_id()))
            .map_or(&[][..], Vec::as_slice);
        // Most nodes have no pattern rooted at their kind, and most sets no pattern rooted at
        // any node: then the kind's list is the list, read in place.
        let roots: &[u32] = if set.any.is_empty() && set.any_named.is_empty() {
            of_kind
        } else {
            let at = &mut self.at;
            at.clear();
            at.extend_from_slice(of_kind);
            if node.is_named() {
                at.extend_from_slice(&set.any_named);
            }
            at.extend_from_slice(&set.any);
            at.sort_unstable();
            at
        };
        let mut fresh = false;
        for &r in roots {
            let (root, tag) = &set.roots[r as usize];
            // `up_shapes` go outward from the node's parent, as `above` read backwards does.
            if !root.shape.fits(node)
                || root.up_shapes.len() > above.len()
                || (root.up_shapes.iter())
                    .zip(above.iter().rev())
                    .any(|(shape, &a)| !shape.fits(a))
            {
                continue;
            }
            if !fresh {
                self.m.forget();
                fresh = true;
            }
            if self.m.matches(&root.pat, node, &root.tests, None)
                && self.m.enclosed(&root.up, node, above, &root.tests)
            {
                found(node, tag);
            }
        }
    }
}

/// Child positions a step of a pattern matched at (or may match at), inline up to four.
type Positions = smallvec::SmallVec<[usize; 4]>;

/// Scratch space of one run: the children lists of the nodes the patterns tried at the current
/// node looked into (several patterns are rooted at one kind, and look into the same nodes), kept
/// until the walk moves on.
struct Matching<'t, 's> {
    src: &'s [u8],
    /// `src` as text when it is UTF-8 (checked once per file): a tested node's text is then a
    /// slice of it. Decoding each node's text instead costs its length, and the nodes of a chain
    /// (`x.a().a()…`) each hold the whole chain before them.
    text: Option<&'s str>,
    /// Bytes of node text the `where` tests may still read ([`text_budget`]).
    budget: usize,
    /// Whether a test was refused for want of budget: the file is then partly matched.
    spent: bool,
    /// Children lists, one after another.
    kids: Vec<Node<'t>>,
    /// (node id, where its children are in `kids`).
    listed: Vec<(usize, std::ops::Range<usize>)>,
}

impl<'t> Matching<'t, '_> {
    /// Forgets the children lists (the walk moved to another node).
    fn forget(&mut self) {
        self.kids.clear();
        self.listed.clear();
    }

    /// Where `node`'s children are in `kids`, listing them on first use.
    fn children(&mut self, node: Node<'t>) -> std::ops::Range<usize> {
        let id = node.id();
        if let Some((_, r)) = self.listed.iter().find(|(n, _)| *n == id) {
            return r.clone();
        }
        let start = self.kids.len();
        self.kids.extend(node.children());
        let r = start..self.kids.len();
        self.listed.push((id, r.clone()));
        r
    }

    /// Whether the enclosing patterns `up` match `node`'s ancestors (`above`, outermost first),
    /// each with `node`'s line of ancestry at the child pattern it stands for.
    fn enclosed(
        &mut self,
        up: &[(Pat, usize)],
        node: Node<'t>,
        above: &[Node<'t>],
        tests: &[LazyRegex],
    ) -> bool {
        if up.len() > above.len() {
            return false;
        }
        let mut child = node;
        for ((pat, j), &parent) in up.iter().zip(above.iter().rev()) {
            if !self.matches(pat, parent, tests, Some((*j, child.id()))) {
                return false;
            }
            child = parent;
        }
        true
    }

    /// Whether `pat` matches at `node`; with `pin`, its child pattern `pin.0` must match the child
    /// whose id is `pin.1`.
    fn matches(
        &mut self,
        pat: &Pat,
        node: Node<'t>,
        tests: &[LazyRegex],
        pin: Option<(usize, usize)>,
    ) -> bool {
        let (kind_ok, own, children, anchor_last) = match pat {
            Pat::Node {
                kind,
                children,
                anchor_last,
                tests: own,
            } => {
                let ok = match kind {
                    Kind::Id(id) => node.kind_id() == *id,
                    Kind::AnyNamed => node.is_named(),
                    Kind::Any => true,
                };
                (ok, own, children.as_slice(), *anchor_last)
            }
            Pat::Alt {
                branches,
                tests: own,
            } => {
                let ok = branches.iter().any(|b| self.matches(b, node, tests, None));
                (ok, own, &[][..], false)
            }
        };
        if !kind_ok || !self.texts_pass(own, node, tests) {
            return false;
        }
        if children.is_empty() {
            return true;
        }
        let kids = self.children(node);
        self.children_match(children, anchor_last, kids, tests, pin)
    }

    fn texts_pass(&mut self, own: &[usize], node: Node<'_>, tests: &[LazyRegex]) -> bool {
        own.iter().all(|&t| {
            let range = node.byte_range();
            if range.len() > self.budget {
                self.spent = true;
                return false;
            }
            self.budget -= range.len();
            let text = match self.text.and_then(|s| s.get(range.clone())) {
                Some(s) => std::borrow::Cow::Borrowed(s),
                None => String::from_utf8_lossy(&self.src[range]),
            };
            tests.get(t).is_some_and(|re| re.is_match(&text))
        })
    }

    /// Whether the child at `i` counts for anchors: a named node that is not a comment. (Comments
    /// are extras; so are the ERROR nodes that wrap bytes the parser skipped, which count, as they
    /// do for the query cursor: they are not code that runs.)
    fn anchors(&self, i: usize) -> bool {
        let node = self.kids[i];
        node.is_named() && (!node.is_extra() || node.is_error())
    }

    /// The first child at or after `from` that counts for anchors.
    fn next_named(&self, from: usize, kids: &std::ops::Range<usize>) -> Option<usize> {
        (from.max(kids.start)..kids.end).find(|&i| self.anchors(i))
    }

    /// Whether the child patterns match the children `kids` (indexes into `self.kids`) in order.
    /// `places` holds where the previous child pattern can sit; an unanchored pattern only needs
    /// the first of them, so its scan stops at its first match unless the next pattern is
    /// anchored to it.
    fn children_match(
        &mut self,
        steps: &[Step],
        anchor_last: bool,
        kids: std::ops::Range<usize>,
        tests: &[LazyRegex],
        pin: Option<(usize, usize)>,
    ) -> bool {
        // Positions are few (one per step unless the next step is anchored to them): kept inline,
        // as this runs at every node a pattern is rooted at.
        let mut places: Positions = Positions::new();
        for (j, step) in steps.iter().enumerate() {
            let last = j + 1 == steps.len();
            let keep_all = if last {
                anchor_last
            } else {
                steps[j + 1].anchored
            };
            // The candidates: the anchored positions listed, or every child from `from` on.
            let listed: Positions = if !step.anchored {
                Positions::new()
            } else if j == 0 {
                self.next_named(kids.start, &kids).into_iter().collect()
            } else {
                places
                    .iter()
                    .filter_map(|&p| self.next_named(p + 1, &kids))
                    .collect()
            };
            let from = if j == 0 { kids.start } else { places[0] + 1 };
            let count = if step.anchored {
                listed.len()
            } else {
                kids.end.saturating_sub(from)
            };
            let mut found = Positions::new();
            for c in 0..count {
                let i = if step.anchored { listed[c] } else { from + c };
                let kid = self.kids[i];
                if step.field.is_some() && kid.field_id().and_then(FieldId::new) != step.field {
                    continue;
                }
                if pin.is_some_and(|(pj, id)| pj == j && kid.id() != id) {
                    continue;
                }
                if self.matches(&step.pat, kid, tests, None) {
                    found.push(i);
                    if !keep_all {
                        break;
                    }
                }
            }
            if found.is_empty() {
                return false;
            }
            places = found;
        }
        if anchor_last {
            let last_named = kids.clone().rev().find(|&i| self.anchors(i));
            return places.iter().any(|&p| Some(p) == last_named);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::path::Path;

    use super::*;
    use crate::signature::{Matcher, Signatures};

    fn parse_where(src: &str, lang: Language, caps: &[&str]) -> Option<Vec<Root>> {
        let where_: Vec<(String, LazyRegex)> = caps
            .iter()
            .map(|c| ((*c).to_owned(), LazyRegex::later(".".to_owned())))
            .collect();
        parse(src, lang, &where_)
    }

    #[test]
    fn every_built_in_pattern_is_native() {
        let sigs = Signatures::embedded().unwrap();
        let mut outside = Vec::new();
        for s in sigs.all() {
            for m in &s.matchers {
                if let Matcher::Query(q) = m {
                    for &lang in &q.langs {
                        if parse(&q.source, lang, &q.where_).is_none() {
                            outside.push(format!("{} ({})", s.id, lang.name()));
                        }
                    }
                }
            }
        }
        assert!(outside.is_empty(), "left to the query cursor: {outside:?}");
    }

    #[test]
    fn syntax_outside_the_subset_is_left_to_the_query_cursor() {
        let py = Language::Python;
        for src in [
            // Repetitions beside anchors, at the top, in an alternation, or dropped with `@match`.
            "(call (argument_list . (string)+ @arg)) @match",
            "(call (argument_list (string)+ @arg .)) @match",
            "(identifier)+ @match",
            "(call [(identifier)+ (attribute)] @arg) @match",
            "(call (argument_list (string)? @match))",
            "((identifier) @match (#eq? @match \"x\"))",
            "(call !arguments) @match",
            "(expression/identifier) @match",
            "(call function: (identifier) @name) @match @name",
            // `@match` inside a nested alternation, and a `where` capture met twice.
            "(call function: [(identifier) @match (attribute)])",
            "(call function: (identifier) @arg arguments: (argument_list (identifier) @arg)) @match",
            "(no_such_kind) @match",
            "(call no_such_field: (identifier)) @match",
            "(ERROR) @match",
        ] {
            assert!(
                parse_where(src, py, &["arg", "name"]).is_none(),
                "accepted: {src}"
            );
        }
        let roots = parse_where(
            "[(call function: (identifier) @arg) @match (string) @match]",
            py,
            &["arg"],
        )
        .unwrap();
        // The `(string)` alternative lacks `@arg`, which `where` tests: it can never match.
        assert_eq!(roots.len(), 1);
    }

    /// The (start, end) of each node a pattern with `where` regexes (capture, regex) matches in
    /// `code`, natively.
    fn native_spans(
        src: &str,
        lang: Language,
        where_: &[(&str, &str)],
        code: &str,
    ) -> Vec<(usize, usize)> {
        let where_: Vec<(String, LazyRegex)> = where_
            .iter()
            .map(|(c, r)| ((*c).to_owned(), LazyRegex::later((*r).to_owned())))
            .collect();
        let mut set = NativeSet::new(lang);
        for root in parse(src, lang, &where_).unwrap_or_else(|| panic!("not native: {src}")) {
            set.push(root, ());
        }
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar()).unwrap();
        let tree = parser.parse(code, None).unwrap();
        let mut out = Vec::new();
        set.run(
            &crate::syntax::Syntax::new(&tree),
            code.as_bytes(),
            |n, ()| out.push((n.start_byte(), n.end_byte())),
        );
        out
    }

    #[test]
    fn repeated_child_patterns_hold_where_one_repetition_does() {
        let py = Language::Python;
        let code = "beacon(\"a\", \"evil.example\")\nbeacon(\"evil.example\")\nbeacon(\"a\", \"b\")\nbeacon()\n";
        let line = |spans: Vec<(usize, usize)>| -> Vec<usize> {
            spans
                .iter()
                .map(|&(s, _)| code[..s].matches('\n').count() + 1)
                .collect()
        };
        let rule = "(call function: (identifier) @callee arguments: (argument_list (string)+ @arg)) @match";
        // Some string argument passes `where`, wherever it stands: the query cursor saw only the
        // first repetition's capture and missed line 1.
        assert_eq!(
            line(native_spans(rule, py, &[("arg", "evil")], code)),
            [1, 2]
        );
        // With nothing tested, `+` needs one string; `*` and `?` need none.
        assert_eq!(line(native_spans(rule, py, &[], code)), [1, 2, 3]);
        for q in ["*", "?"] {
            let rule = format!("(call arguments: (argument_list (string){q} @arg)) @match");
            assert_eq!(
                line(native_spans(&rule, py, &[], code)),
                [1, 2, 3, 4],
                "{rule}"
            );
            // A tested capture inside needs one repetition to pass.
            assert_eq!(
                line(native_spans(&rule, py, &[("arg", "evil")], code)),
                [1, 2],
                "{rule}"
            );
        }
        // `@match` on the repeated node: every repetition that passes.
        let strings = native_spans(
            "(call arguments: (argument_list (string)+ @match))",
            py,
            &[],
            code,
        );
        assert_eq!(line(strings), [1, 1, 2, 3, 3]);
    }

    /// Every (signature, span, after-listing) the query patterns find, by both engines.
    fn both(
        sigs: &Signatures,
        lang: Language,
        code: &[u8],
    ) -> [BTreeSet<(usize, usize, usize, bool)>; 2] {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar()).unwrap();
        let tree = parser.parse(code, None).unwrap();
        let mut cursor = tree_sitter::QueryCursor::new();
        let key =
            |(h, late): (crate::signature::Hit, bool)| (h.sig, h.span.start, h.span.end, late);
        let (native, _) = sigs.match_tree(lang, &tree, code, &mut cursor);
        [
            native.into_iter().map(key).collect(),
            sigs.match_tree_reference(lang, &tree, code)
                .into_iter()
                .map(key)
                .collect(),
        ]
    }

    fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                files(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    #[test]
    fn native_matches_are_the_query_cursors() {
        let sigs = Signatures::embedded().unwrap();
        let mut checked = 0;
        let mut matched = 0;
        // The same matches, but for those the cursor misses because a comment sits between
        // anchored siblings (see the module doc).
        let mut compare = |lang: Language, code: &[u8], what: &str| {
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&lang.grammar()).unwrap();
            let tree = parser.parse(code, None).unwrap();
            match sigs.check_native_matches(lang, &tree, code) {
                Ok(n) => matched += n,
                Err(e) => panic!("{what}: {e}"),
            }
            checked += 1;
        };
        for s in sigs.all() {
            for c in &s.cases {
                compare(
                    c.language,
                    c.code.as_bytes(),
                    &format!("{} case:\n{}", s.id, c.code),
                );
            }
        }
        let mut paths = Vec::new();
        files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
            &mut paths,
        );
        for p in paths {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
            if let Some(lang) = Language::from_extension(ext) {
                compare(lang, &std::fs::read(&p).unwrap(), &p.display().to_string());
            }
        }
        // What fuzzing found (the first byte picks the file name, as in fuzz_targets/scan_source.rs).
        let mut found = Vec::new();
        files(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions/scan_source"),
            &mut found,
        );
        for p in found {
            let data = std::fs::read(&p).unwrap();
            let Some((&pick, code)) = data.split_first() else {
                continue;
            };
            let lang = match pick % 10 {
                0 | 4 => Language::Python,
                1 | 5 => Language::JavaScript,
                2 => Language::TypeScript,
                3 => Language::Tsx,
                _ => continue,
            };
            compare(lang, code, &p.display().to_string());
        }
        // Anchors, sibling runs and nesting the snippets do not all show.
        let js = Language::JavaScript;
        let py = Language::Python;
        for (lang, code) in [
            (
                js,
                "f('.aws', 'credentials', '.aws', 'credentials'); g('.aws', x, 'credentials');",
            ),
            (
                js,
                "join(home, /* c */ '.aws', 'credentials'); new Function('require', 'process')",
            ),
            (
                py,
                "subprocess.run(['crontab', '-'], x); a = ['x', 'crontab', '-']",
            ),
            (
                py,
                "socket.connect(('8.8.8.8', 53)); s.connect((host, '8.8.8.8'))",
            ),
            (py, "datetime(2027, 1, 1); date(2027, 1); date(1999, 1, 1)"),
            (
                py,
                "x = {'a': dict(os.environ), 'b': [str(os.environ), repr(os.environ, 1)]}",
            ),
            (
                py,
                "cfg['hooks']['Stop'] = []\nx['mcpServers']['a'] = 1\nd.setdefault('mcpServers', {})['n'] = 1",
            ),
            (
                js,
                "fetch(u, { body: JSON.stringify({ token, apiKey: k }) }); a.hooks.Stop = [];",
            ),
        ] {
            compare(lang, code.as_bytes(), code);
        }
        // Comments between anchored siblings: the query cursor counts them as siblings, the native
        // matcher skips them, so it finds what the cursor does and the evasions too.
        for (lang, code, evading) in [
            (
                py,
                "a = ['crontab', # c\n '-']\nb = [# c\n 'crontab', '-']",
                2,
            ),
            (
                js,
                "join(h, '.aws', /* c */ 'credentials'); join('.aws', 'credentials' /* c */)",
                1,
            ),
            (py, "datetime(2027, # c\n 1, 1)", 1),
            // Skipped bytes (an ERROR extra) between the words are not a comment.
            (js, "join(h, '.aws', \u{1}\u{1} 'credentials')", 0),
        ] {
            let [native, reference] = both(&sigs, lang, code.as_bytes());
            assert!(native.is_superset(&reference), "{code}");
            assert_eq!(
                native.len() - reference.len(),
                evading,
                "{code}: {native:?}"
            );
        }
        let deep = format!(
            "x = {}os.environ['A']{}\n",
            "f(".repeat(400),
            ")".repeat(400)
        );
        compare(py, deep.as_bytes(), "400 nested calls");
        assert!(
            checked > 300 && matched > 100,
            "{checked} inputs, {matched} matches"
        );
    }
}
