//! What a file says, in language-neutral terms: the imports it binds, every call with its callee
//! resolved through those imports (`S(...)` after `from smtplib import SMTP_SSL as S` is
//! `smtplib.SMTP_SSL`), every string with constant expressions folded (`'smt'+'plib'`, base64 and
//! hex literals, `chr` sequences), the functions it defines with their parameters and the calls they
//! make, and the MCP tools it declares.
//!
//! Signatures and the analysis match on these facts rather than on raw syntax, so one rule covers
//! every way of writing the same call. Extraction is one pass over the tree (in order over its
//! [`Syntax`] array, never recursion on the tree's depth) followed by linear passes over the
//! collected nodes; every question about a node's parent, children or fields is an array read, not
//! a tree-sitter cursor step. That walk can carry another pass over every node
//! ([`extract_visiting`]): a scan hands it the signatures' query patterns, so a small file's tree is
//! walked once for both.

mod fold;
mod js;
mod memo;
pub mod package;
mod python;
mod tools;

use foldhash::{HashMap, HashSet};
use std::ops::Range;

use serde::{Deserialize, Serialize};

pub use fold::decode_literal_payload;

use crate::lang::Language;
use crate::syntax::{Node, Syntax};

/// A place in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Span {
    /// Byte offset of the start.
    pub start: usize,
    /// Byte offset one past the end.
    pub end: usize,
    /// 1-based line of the start.
    pub line: u32,
    /// 0-based byte column of the start (converted to characters when reported).
    pub byte_column: u32,
}

impl Span {
    pub(crate) fn of(node: Node<'_>) -> Span {
        Span::at(node.byte_range(), node.start_position())
    }

    /// [`Span::of`] a tree-sitter node (a query cursor's capture).
    pub(crate) fn of_ts(node: tree_sitter::Node<'_>) -> Span {
        Span::at(node.byte_range(), node.start_position())
    }

    fn at(bytes: Range<usize>, p: tree_sitter::Point) -> Span {
        Span {
            start: bytes.start,
            end: bytes.end,
            line: u32::try_from(p.row + 1).unwrap_or(u32::MAX),
            byte_column: u32::try_from(p.column).unwrap_or(u32::MAX),
        }
    }

    /// The byte range.
    pub fn range(&self) -> Range<usize> {
        self.start..self.end
    }
}

/// How a string value was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fold {
    /// Written as one literal.
    Literal,
    /// Built from literals by concatenation, join, format, `chr`, constants…
    Folded,
    /// Decoded from base64 or hex written in the source.
    Decoded,
}

/// What an argument or bound value is, as far as the file alone tells.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Value {
    /// A string known at scan time.
    Str {
        /// The text.
        value: String,
        /// How it was obtained.
        how: Fold,
    },
    /// A number literal (its text).
    Number {
        /// As written.
        text: String,
    },
    /// `True`/`true`, `False`/`false`.
    Bool {
        /// The value.
        value: bool,
    },
    /// `None`, `null`, `undefined`.
    Null,
    /// A name or dotted path, resolved through imports (`os.environ`, `process.env.HOME`).
    Path {
        /// The resolved path.
        path: String,
    },
    /// The result of a call to this resolved callee.
    Call {
        /// The resolved callee.
        callee: String,
    },
    /// A dict or object literal with its keys (values folded where possible).
    Object {
        /// Entries in source order; a spread is keyed `...`.
        entries: Vec<(String, Value)>,
    },
    /// A list or array literal.
    List {
        /// Elements in order.
        items: Vec<Value>,
    },
    /// A function or lambda.
    Function,
    /// Anything else (an expression we do not evaluate).
    Other,
}

impl Value {
    /// The string, when the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str { value, .. } => Some(value),
            _ => None,
        }
    }

    /// True for values written as constants (strings, numbers, booleans, null, and containers of them).
    pub fn is_literal(&self) -> bool {
        match self {
            Value::Str { .. } | Value::Number { .. } | Value::Bool { .. } | Value::Null => true,
            Value::List { items } => items.iter().all(Value::is_literal),
            Value::Object { entries } => entries.iter().all(|(_, v)| v.is_literal()),
            _ => false,
        }
    }

    /// The value of an entry of an object or dict literal.
    pub fn entry(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object { entries } => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

/// One argument of a call.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Arg {
    /// Python keyword (`shell=`, `**` for a `**kwargs` splat); `None` for positional arguments.
    pub keyword: Option<String>,
    /// What the argument is.
    pub value: Value,
    /// Where it is.
    pub span: Span,
    /// Names the argument expression reads (bounded), for tracing parameters into calls.
    pub names: Vec<String>,
}

/// One call (or `new`) expression.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// The callee resolved through imports and local bindings (`smtplib.SMTP_SSL`,
    /// `nodemailer.createTransport().sendMail`, `child_process.exec`).
    pub callee: String,
    /// The callee as written (bounded).
    pub written: String,
    /// True when the callee was computed from folded strings (`getattr(os, 'sys'+'tem')`).
    pub computed: bool,
    /// Arguments in order.
    pub args: Vec<Arg>,
    /// Where the whole call is.
    pub span: Span,
    /// Innermost enclosing function (index into [`FileFacts::functions`]).
    pub function: Option<u32>,
    /// The function of this file the call lands on by name (`helper(x)`, `self.helper(x)`).
    pub target: Option<u32>,
}

impl Call {
    /// Positional argument `i`.
    pub fn positional(&self, i: usize) -> Option<&Arg> {
        self.args.iter().filter(|a| a.keyword.is_none()).nth(i)
    }

    /// A keyword argument (Python `name=`), or an entry of an options object argument (JS).
    pub fn keyword(&self, name: &str) -> Option<(&Arg, &Value)> {
        self.args.iter().find_map(|a| match &a.keyword {
            Some(k) if k == name => Some((a, &a.value)),
            Some(_) => None,
            None => a.value.entry(name).map(|v| (a, v)),
        })
    }
}

/// A string expression whose value is known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StringLit {
    /// The value.
    pub value: String,
    /// How it was obtained.
    pub how: Fold,
    /// Where the expression is.
    pub span: Span,
    /// Innermost enclosing function.
    pub function: Option<u32>,
    /// When the string is an item of a list, tuple, set or array literal: how many items that
    /// literal has (0 otherwise). A name among a syntax highlighter's thousand keywords is a word,
    /// not a path.
    pub list_len: u32,
}

/// Item counts of list, tuple, set and array literals, each counted once. Every string of a
/// literal asks for its literal's count, and counting a literal's items per string made a list of
/// n strings cost n² (200 000 strings in a 1.9 MB file: three minutes).
#[derive(Default)]
pub(crate) struct ListLens(memo::IdMap<u32>);

impl ListLens {
    /// Item count of `parent` when it is a list, tuple, set or array literal, else 0. Takes the
    /// parent from the walk, which has it at hand.
    pub(crate) fn of(&mut self, parent: Option<Node<'_>>) -> u32 {
        parent
            .filter(|p| matches!(p.kind(), "list" | "tuple" | "set" | "array"))
            .map_or(0, |p| {
                *self
                    .0
                    .entry(p.id())
                    .or_insert_with(|| u32::try_from(p.named_child_count()).unwrap_or(u32::MAX))
            })
    }
}

/// The name a `return` statement binds in [`Assign::targets`]: no identifier can be spelt so.
pub const RETURN: &str = "<return>";

/// A statement that moves data from the names it reads to the names it binds: an assignment
/// (`x = …`, `x += …`, `const {a} = …`, `msg["Bcc"] = …`), `with … as x`, a `for x in …` loop, or a
/// `return` (bound to [`RETURN`]). The dataflow analysis follows values through these.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assign {
    /// Names bound or updated: identifiers, the root of a subscript or member target (`msg` for
    /// `msg["To"] = …`) and a member's property (`token` for `self.token = …`).
    pub targets: Vec<String>,
    /// Names the value reads (identifiers and member names, bounded).
    pub names: Vec<String>,
    /// Byte range of the value expression.
    pub value: Range<usize>,
    /// Where the statement is.
    pub span: Span,
    /// Innermost enclosing function.
    pub function: Option<u32>,
    /// The statement's first line, bounded, for evidence.
    pub text: String,
}

/// An import (static or dynamic) of a module.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Import {
    /// Module path (`smtplib`, `urllib.request`, `child_process`, `./mailer`).
    pub module: String,
    /// Where.
    pub span: Span,
    /// `__import__`, `importlib.import_module`, `require(expr)`, `import(expr)`.
    pub dynamic: bool,
}

/// A function, method, lambda or arrow function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Function {
    /// Its name (`<anonymous>` when it has none we can tell).
    pub name: String,
    /// Parameter names in order (destructured names included).
    pub params: Vec<String>,
    /// Where it starts.
    pub span: Span,
    /// Its docstring (Python), if any. (A JSDoc comment never reaches a model, so none is kept.)
    pub doc: Option<String>,
    /// True for a decorated Python function: a tool registered by a decorator the inventory does
    /// not know (`@tool(...)` of the server's own) still has its docstring read by the model.
    pub decorated: bool,
    /// The names of this file's functions it calls (`helper(x)`, `self.helper(x)`), each once, as
    /// indexes into [`FileFacts::named`]: a call by name may land on every function of that name.
    pub callees: Vec<u32>,
    /// Calls nothing but string, collection and environment built-ins and other such functions of
    /// the file: what it returns is computed from its arguments and the configuration, not read
    /// from the network or the disk. A description built by such a function is fixed at start-up.
    pub pure: bool,
}

/// What an MCP declaration offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ToolKind {
    /// A tool the model can call.
    Tool,
    /// A resource the client can read.
    Resource,
    /// A prompt template.
    Prompt,
}

/// A parameter of a tool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Param {
    /// Its name.
    pub name: String,
    /// Its declared type, as written, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ty: Option<String>,
    /// Its description, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// An MCP tool, resource or prompt declared in the file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tool {
    /// The name the client sees.
    pub name: String,
    /// Tool, resource or prompt.
    pub kind: ToolKind,
    /// The description the model reads, as the code states it.
    pub description: Option<String>,
    /// Where the description is (for findings on it).
    pub description_span: Option<Span>,
    /// True when the description is not a constant (built at run time: a rug-pull vector).
    pub description_dynamic: bool,
    /// True when a dynamic description is built only from operator configuration (environment
    /// variables, command-line and config objects, package functions called on them): it is fixed
    /// once the server starts, so what the user approves is what the model reads.
    pub description_config: bool,
    /// The other texts the description can take (each branch of `REMOTE ? "a" : "b"`), for the
    /// description rules; `description` holds the first.
    #[serde(skip)]
    pub description_variants: Vec<String>,
    /// What of a dynamic description the package phase can still resolve ([`package`]).
    #[serde(skip)]
    pub pending: Option<Pending>,
    /// Parameters.
    pub params: Vec<Param>,
    /// Where the declaration is.
    pub span: Span,
    /// The handler function, when it is one function.
    pub handler: Option<u32>,
    /// Byte ranges of the handler code (a function body, or a dispatch branch of a low-level server).
    pub ranges: Vec<Range<usize>>,
}

impl Tool {
    /// A declaration with nothing known yet but its name, kind and place.
    pub(crate) fn new(name: String, kind: ToolKind, span: Span) -> Tool {
        Tool {
            name,
            kind,
            description: None,
            description_span: None,
            description_dynamic: false,
            description_config: false,
            description_variants: Vec::new(),
            pending: None,
            params: Vec::new(),
            span,
            handler: None,
            ranges: Vec::new(),
        }
    }

    /// Takes what the extractor learnt of the description expression.
    pub(crate) fn set_description(&mut self, d: Desc) {
        let mut texts = d.texts.into_iter();
        self.description = texts.next();
        self.description_variants = texts.collect();
        self.description_span = Some(d.span);
        self.description_dynamic = d.dynamic;
        self.description_config = d.config;
        self.pending = d.pending;
    }

    /// Every text the description can take.
    pub fn description_texts(&self) -> impl Iterator<Item = &str> {
        self.description
            .as_deref()
            .into_iter()
            .chain(self.description_variants.iter().map(String::as_str))
    }
}

/// What a description expression is, as far as its file tells.
#[derive(Debug, Clone, Default)]
pub(crate) struct Desc {
    /// The texts it can take (one for a constant, one per branch of a conditional of constants);
    /// empty when it is dynamic.
    pub texts: Vec<String>,
    /// Where the expression is.
    pub span: Span,
    /// Not a constant of the file.
    pub dynamic: bool,
    /// Dynamic, but read only from operator configuration ([`Tool::description_config`]).
    pub config: bool,
    /// What the package phase can resolve.
    pub pending: Option<Pending>,
}

/// A description the file alone cannot fold, in the terms the package phase resolves: names
/// imported from other files of the package.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Pending {
    /// The description as literal text and imported names in order (`` `${A} and more` ``), when
    /// it is only that; each name must be a string constant of the file it is imported from.
    pub pieces: Option<Vec<Piece>>,
    /// Imported names (resolved through the file's imports) the expression reads or calls: when
    /// the rest of it is configuration and each of these is a function or constant of the
    /// package, the description is configuration too.
    pub names: Vec<String>,
}

/// One piece of a [`Pending`] description.
#[derive(Debug, Clone, PartialEq)]
pub enum Piece {
    /// Text known in the file.
    Text(String),
    /// A name imported from another file (`pkg.prompts.QUERY_PROMPT`, `../shared/constants.js.X`).
    Import(String),
}

/// A declaration the file makes that is a tool only if the package registers tools generically
/// (see [`FileFacts::registers_generically`]): a definition object (`{ name, description, schema,
/// handler }`), an entry of a registry dict, a module exporting `metadata` and `handler`, or a
/// function under a decorator of the package's own named like a tool decorator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    /// The tool it would be.
    pub tool: Tool,
    /// For a decorated function: the decorator, resolved through imports; it must be a function
    /// of the package (a decorator imported from a library is that library's business).
    pub decorator: Option<String>,
}

/// Everything extracted from one file.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct FileFacts {
    /// Imports, static and dynamic.
    pub imports: Vec<Import>,
    /// Calls in source order.
    pub calls: Vec<Call>,
    /// Strings with known values (literals and folded expressions).
    pub strings: Vec<StringLit>,
    /// Functions in source order.
    pub functions: Vec<Function>,
    /// Byte ranges of the functions (parallel to `functions`).
    #[serde(skip)]
    pub function_ranges: Vec<Range<usize>>,
    /// The file's functions grouped by name, each group in file order ([`Function::callees`]
    /// points here). The callers of a name share its one group: 10 000 functions calling one
    /// of 10 000 `def n` (530 KB) link 20 000 times, not 10^8 (1.25 GB when each caller listed
    /// every function of the name).
    #[serde(skip)]
    pub named: Vec<Vec<u32>>,
    /// The innermost function enclosing each function (parallel to `functions`), so finding the
    /// function at a place walks up the nesting, not back over every function before it.
    #[serde(skip)]
    pub function_parents: Vec<Option<u32>>,
    /// MCP tools, resources and prompts.
    pub tools: Vec<Tool>,
    /// Statements that move data between names, in source order.
    pub assigns: Vec<Assign>,
    /// Code that runs only when the user types a sub-command: the body of an `if` that tests
    /// `sys.argv`/`process.argv` against a word, a `@cli.command()` function, a commander
    /// `.command("x").action(fn)` callback. An installer behind `mcp-server install` is the user's
    /// doing, not the server's.
    pub command_gates: Vec<Range<usize>>,
    /// Names bound to imports (`S` → `smtplib.SMTP_SSL`), for cross-file resolution.
    #[serde(skip)]
    pub bindings: HashMap<String, String>,
    /// Module-level names bound once, to a string constant: what another file importing the name
    /// reads.
    #[serde(skip)]
    pub constants: HashMap<String, String>,
    /// Module-level names (classes included) whose value reads only configuration and the
    /// package's own code, each with the imported names that judgement still rests on: a
    /// description that reads one of them from another file is configuration too.
    #[serde(skip)]
    pub globals: HashMap<String, Vec<String>>,
    /// Declarations that are tools if the package registers tools generically.
    pub candidates: Vec<Candidate>,
    /// True when the file registers tools whose names it does not spell: `registerTool(tool.name,
    /// …)`, `server.tool(name, **options)`, `Tool(name=info["display_name"], …)`, or a tool list
    /// mapped from a collection (`tools.map(t => ({ name: t.metadata.name, inputSchema: … }))`).
    /// The tools are then defined elsewhere, as [`Candidate`]s.
    pub registers_generically: bool,
    /// Byte ranges of code that runs after the tools were listed: tool handlers and the functions
    /// of the file they call, timer callbacks, and branches taken on a counter or the clock.
    /// Import-time code (module level, a decorator wrapping a function as it is defined) is not.
    #[serde(skip)]
    pub late: Vec<Range<usize>>,
    /// True when constant folding ran out of its growth budget
    /// ([`limits::FOLD_GROWTH_PER_BYTE`]): strings built from names past that point were not
    /// folded, and the scan lists the file as partly folded.
    pub folds_spent: bool,
}

impl FileFacts {
    /// True when the code at a byte offset runs after the tools were listed ([`FileFacts::late`]).
    pub fn runs_late(&self, offset: usize) -> bool {
        let i = self.late.partition_point(|r| r.start <= offset);
        i > 0 && self.late[i - 1].contains(&offset)
    }

    /// True when `name` is a parameter of a function enclosing `offset`: up the nesting from the
    /// innermost, not over every function of the file (20 000 module names read beside 20 000
    /// functions: 0.85 s, quadratic).
    pub(crate) fn is_param_at(&self, name: &str, offset: usize) -> bool {
        let mut at = self.function_at(offset);
        while let Some(f) = at {
            if self.functions[f as usize].params.iter().any(|p| p == name) {
                return true;
            }
            at = self.function_parents[f as usize];
        }
        false
    }

    /// The names of the pure functions ([`Function::pure`]).
    pub(crate) fn pure_names(&self) -> HashSet<String> {
        self.functions
            .iter()
            .filter(|f| f.pure)
            .map(|f| f.name.clone())
            .collect()
    }

    /// The innermost function containing a byte offset. Functions are recorded in pre-order
    /// (sorted by start, parents before children), so the innermost one is the last function
    /// starting at or before the offset that still contains it: a binary search, then a walk back
    /// over siblings that ended earlier.
    pub fn function_at(&self, offset: usize) -> Option<u32> {
        // The last function starting at or before `offset`, then up its enclosing functions to
        // the first that contains it: as many steps as the nesting is deep.
        let end = self.function_ranges.partition_point(|r| r.start <= offset);
        let mut at = u32::try_from(end.checked_sub(1)?).ok()?;
        loop {
            if self.function_ranges[at as usize].contains(&offset) {
                return Some(at);
            }
            at = self.function_parents.get(at as usize).copied().flatten()?;
        }
    }
}

/// Tool name → the byte ranges of the dispatch branches taken on it (`if name == "x"`,
/// `case "x":`), in the file's order: looked up once per tool, not searched (16 000 tools
/// dispatched in one `call_tool` compared every tool with every branch).
pub(crate) struct Branches(HashMap<String, Vec<Range<usize>>>);

impl Branches {
    pub(crate) fn new(list: Vec<(String, Range<usize>)>) -> Branches {
        let mut map: HashMap<String, Vec<Range<usize>>> = HashMap::default();
        for (name, range) in list {
            map.entry(name).or_default().push(range);
        }
        Branches(map)
    }

    /// The branches taken on `name`.
    pub(crate) fn of(&self, name: &str) -> &[Range<usize>] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }
}

/// The first function of each name (what a lookup by name answers), built once the functions
/// of a file are known: thousands of tools each naming a handler searched every function.
pub(crate) fn first_named(functions: &[Function]) -> HashMap<String, usize> {
    let mut map: HashMap<String, usize> = HashMap::default();
    for (i, f) in functions.iter().enumerate() {
        map.entry(f.name.clone()).or_insert(i);
    }
    map
}

/// The first function whose range starts at `start` (`ranges` sorted by start, as
/// [`FileFacts::function_ranges`] are).
pub(crate) fn function_starting_at(ranges: &[Range<usize>], start: usize) -> Option<usize> {
    let i = ranges.partition_point(|r| r.start < start);
    (ranges.get(i)?.start == start).then_some(i)
}

/// The first function whose range is `range` (`ranges` sorted by start): a binary search, then
/// the few functions starting at the same byte. 40 000 decorated tools each searching every
/// function took 9 s.
pub(crate) fn function_spanning(ranges: &[Range<usize>], range: &Range<usize>) -> Option<usize> {
    let i = ranges.partition_point(|r| r.start < range.start);
    ranges[i..]
        .iter()
        .take_while(|r| r.start == range.start)
        .position(|r| r == range)
        .map(|k| i + k)
}

/// Whether an offset lies in one of a set of ranges, by binary search: the ranges sorted by
/// start, with the largest end among each prefix.
#[derive(Debug)]
pub(crate) struct Cover {
    starts: Vec<usize>,
    max_end: Vec<usize>,
}

impl Cover {
    pub(crate) fn new(mut ranges: Vec<Range<usize>>) -> Cover {
        ranges.sort_unstable_by_key(|r| r.start);
        let mut end = 0;
        let max_end = ranges
            .iter()
            .map(|r| {
                end = end.max(r.end);
                end
            })
            .collect();
        Cover {
            starts: ranges.iter().map(|r| r.start).collect(),
            max_end,
        }
    }

    /// Whether some range holds `offset`.
    pub(crate) fn contains(&self, offset: usize) -> bool {
        let i = self.starts.partition_point(|&s| s <= offset);
        i > 0 && self.max_end[i - 1] > offset
    }
}

/// Upper bounds that keep extraction linear and bounded on hostile input.
pub(crate) mod limits {
    /// Deepest expression nesting that folding or value description follows.
    pub const FOLD_DEPTH: u32 = 48;
    /// Longest string a fold produces (longer results are dropped, not truncated: a truncated URL lies).
    pub const FOLD_LEN: usize = 64 * 1024;
    /// Bytes a file's folds may add beyond the code they are read from, per byte of the file
    /// ([`super::memo::Folds`]): names standing for earlier constants, repeated separators.
    pub const FOLD_GROWTH_PER_BYTE: usize = 8;
    /// ... and in any file.
    pub const FOLD_GROWTH_BASE: usize = 4 << 20;
    /// Most names recorded for one argument.
    pub const ARG_NAMES: usize = 32;
    /// Most nodes visited to find an expression's names (a remembered subexpression counts once).
    pub const NAME_VISITS: usize = 128;
    /// Most entries or items described for one container literal.
    pub const CONTAINER_ITEMS: usize = 64;
    /// Longest `written` callee kept.
    pub const WRITTEN_LEN: usize = 200;
    /// Longest path a name is bound to by an assignment: in `a2 = a1.x`, `a3 = a2.x`, … each
    /// binding held the whole chain before it (30 000 links, 1 GB). A longer one is not bound.
    pub const BINDING_LEN: usize = 1024;
    /// Most nodes one "is this configuration?" question visits (a description, a module global).
    pub const CONFIG_BUDGET: usize = 2048;
    /// Longest statement text kept for evidence (characters).
    pub const STATEMENT_TEXT: usize = 120;
}

/// Extracts the facts of a parsed file.
pub fn extract(lang: Language, tree: &tree_sitter::Tree, src: &[u8]) -> FileFacts {
    extract_from(lang, &Syntax::new(tree), src)
}

/// [`extract`] from a tree already laid out as a [`Syntax`].
pub fn extract_from(lang: Language, syntax: &Syntax, src: &[u8]) -> FileFacts {
    extract_with(lang, syntax, src, None)
}

/// [`extract_from`], handing every node of the tree to `on_node` on the way, in pre-order with
/// its ancestors (outermost first): what [`crate::signature::TreeMatch::visit`] needs, so the
/// query pass rides on the extractor's walk instead of walking the tree again.
pub fn extract_visiting<'s>(
    lang: Language,
    syntax: &'s Syntax,
    src: &[u8],
    on_node: &mut dyn FnMut(Node<'s>, &[Node<'s>]),
) -> FileFacts {
    extract_with(lang, syntax, src, Some(on_node))
}

fn extract_with<'s>(
    lang: Language,
    syntax: &'s Syntax,
    src: &[u8],
    on_node: Option<OnNode<'_, 's>>,
) -> FileFacts {
    let mut facts = match lang {
        Language::Python => python::extract(syntax, src, on_node),
        Language::JavaScript | Language::TypeScript | Language::Tsx => {
            js::extract(syntax, src, on_node)
        }
    };
    tools::link_calls(&mut facts);
    tools::late_ranges(&mut facts);
    decode_payloads(&mut facts);
    facts.shrink();
    facts
}

impl FileFacts {
    /// Gives back the spare room of vectors grown by doubling (a quarter to a half of each): every
    /// file's facts are kept until the whole-program phase, so the room would be held by the tree.
    fn shrink(&mut self) {
        for c in &mut self.calls {
            for a in &mut c.args {
                a.names.shrink_to_fit();
            }
            c.args.shrink_to_fit();
        }
        for a in &mut self.assigns {
            a.names.shrink_to_fit();
            a.targets.shrink_to_fit();
        }
        self.calls.shrink_to_fit();
        self.strings.shrink_to_fit();
        self.assigns.shrink_to_fit();
        self.functions.shrink_to_fit();
        self.imports.shrink_to_fit();
        self.tools.shrink_to_fit();
    }
}

/// The innermost enclosing range of each range, for ranges sorted by start that nest or follow
/// each other (a tree's functions in pre-order): one pass with a stack.
pub(crate) fn nesting(ranges: &[Range<usize>]) -> Vec<Option<u32>> {
    let mut out = Vec::with_capacity(ranges.len());
    let mut open: Vec<u32> = Vec::new();
    for (i, r) in ranges.iter().enumerate() {
        while open
            .last()
            .is_some_and(|&o| ranges[o as usize].end <= r.start)
        {
            open.pop();
        }
        out.push(open.last().copied());
        open.push(u32::try_from(i).unwrap_or(u32::MAX));
    }
    out
}

/// Adds the decoded text of every literal that is an encoded payload (base64 or hex of readable
/// text), so rules read `aHR0cHM6Ly9…` as the URL it is.
fn decode_payloads(facts: &mut FileFacts) {
    let decoded: Vec<StringLit> = facts
        .strings
        .iter()
        .filter(|s| s.how == Fold::Literal)
        .filter_map(|s| {
            let (value, _) = decode_literal_payload(&s.value)?;
            Some(StringLit {
                value,
                how: Fold::Decoded,
                span: s.span,
                function: s.function,
                list_len: s.list_len,
            })
        })
        .collect();
    facts.strings.extend(decoded);
}

/// A hook the fact walk calls at every node, with the node's ancestors (outermost first).
pub(crate) type OnNode<'a, 's> = &'a mut dyn FnMut(Node<'s>, &[Node<'s>]);

/// Pre-order walk of every named node: the [`Syntax`] array in order, no recursion (nesting depth
/// is attacker-controlled). `visit(node, parent)` returns false to skip a node's children. With
/// `on_node`, every node, named or not, is also handed to it with its ancestors, those below a node
/// `visit` skipped included (then the walk goes on below it for `on_node` alone).
pub(crate) fn walk<'s>(
    syntax: &'s Syntax,
    mut on_node: Option<OnNode<'_, 's>>,
    mut visit: impl FnMut(Node<'s>, Option<Node<'s>>) -> bool,
) {
    let mut ancestors: Vec<Node<'s>> = Vec::new();
    // Where the subtree whose children `visit` declined ends, while the walk is inside it.
    let mut declined: Option<usize> = None;
    let mut at = 0;
    while at < syntax.len() {
        let node = syntax.node(at);
        while ancestors.last().is_some_and(|a| a.subtree_end() <= at) {
            ancestors.pop();
        }
        if declined.is_some_and(|end| end <= at) {
            declined = None;
        }
        if let Some(f) = on_node.as_mut() {
            f(node, &ancestors);
        }
        if declined.is_none() && node.is_named() && !visit(node, ancestors.last().copied()) {
            // Below it only `on_node` looks, if there is one.
            match on_node {
                Some(_) => declined = Some(node.subtree_end()),
                None => {
                    at = node.subtree_end();
                    continue;
                }
            }
        }
        ancestors.push(node);
        at += 1;
    }
}

/// The consequence of each `if` among `branches` whose condition compares the command line
/// (`argv`) with a literal word ([`FileFacts::command_gates`]).
pub(crate) fn argv_gates(branches: &[Node<'_>], src: &[u8]) -> Vec<Range<usize>> {
    branches
        .iter()
        .filter(|n| n.kind() == "if_statement")
        .filter_map(|n| {
            let cond = n.field("condition")?;
            let text = &src[cond.byte_range()];
            let text = &text[..text.len().min(400)];
            let argv = memchr::memmem::find(text, b"argv").is_some();
            let word = text.iter().any(|&b| b == b'"' || b == b'\'');
            (argv && word).then(|| n.field("consequence").map(|c| c.byte_range()))?
        })
        .collect()
}

/// What a loop over a list literal binds its variable to, for matching: the first item that is a
/// call, else a string, else a name (`for d in [tmp, os.path.expanduser("~")]` stands for the call,
/// the rarer and more telling kind).
pub(crate) fn list_item(list: Value) -> Option<Value> {
    let Value::List { items } = list else {
        return None;
    };
    let pick = |f: fn(&Value) -> bool| items.iter().find(|v| f(v)).cloned();
    pick(|v| matches!(v, Value::Call { .. }))
        .or_else(|| pick(|v| matches!(v, Value::Str { .. })))
        .or_else(|| pick(|v| matches!(v, Value::Path { .. })))
}

/// Binds a loop variable to the item of [`list_item`]: a string becomes a constant, a call or a
/// name a binding, as if the variable had been assigned that item.
pub(crate) fn bind_loop_variable(
    var: String,
    item: Value,
    consts: &mut HashMap<String, String>,
    bindings: &mut HashMap<String, String>,
) {
    match item {
        Value::Str { value, .. } => {
            consts.insert(var, value);
        }
        Value::Call { callee } => {
            bindings.insert(var, format!("{callee}()"));
        }
        Value::Path { path } => {
            bindings.insert(var, path);
        }
        _ => {}
    }
}

/// The first line of a statement, whitespace-collapsed and bounded, for evidence notes.
pub(crate) fn statement_text(node: Node<'_>, src: &[u8]) -> String {
    let range = node.byte_range();
    // Only the first line's head is kept: searching the whole statement for a newline would make
    // nested statements on one line (a minified bundle, a deep closure) quadratic.
    let head = range.end.min(range.start + 4 * limits::STATEMENT_TEXT);
    let end = memchr::memchr(b'\n', &src[range.start..head]).map_or(head, |i| range.start + i);
    let line = lossy(&src[range.start..end]);
    let mut out: String = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if out.chars().count() > limits::STATEMENT_TEXT {
        out = out.chars().take(limits::STATEMENT_TEXT).collect();
        out.push('…');
    } else if end < range.end {
        out.push_str(" …");
    }
    out
}

/// The source text of a node (lossy for invalid UTF-8).
pub(crate) fn text<'s>(node: Node<'_>, src: &'s [u8]) -> std::borrow::Cow<'s, str> {
    lossy(&src[node.byte_range()])
}

/// [`String::from_utf8_lossy`], with valid text (nearly every node's) checked by the plain
/// validation, which costs a third of the lossy decoder's chunk by chunk walk on short texts.
pub(crate) fn lossy(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// The first `max` bytes of a node's text (lossy for invalid UTF-8), cut at a character with `…`
/// when longer, as [`text`] followed by `python::truncate`, without copying the rest: a callee can
/// be a whole function expression (`(function () { … })()`, a bundle's module wrapper).
pub(crate) fn text_head(node: Node<'_>, src: &[u8], max: usize) -> String {
    let range = node.byte_range();
    // A character is at most 4 bytes: what lies past `max + 4` cannot change the first `max`.
    let end = range.end.min(range.start.saturating_add(max + 4));
    let mut s = lossy(&src[range.start..end]).into_owned();
    python::truncate(&mut s, max);
    s
}

/// Rewrites the head of a dotted path through a binding table: with `cp` → `child_process`,
/// `cp.exec` becomes `child_process.exec`.
pub(crate) fn resolve_path(path: &str, bindings: &HashMap<String, String>) -> String {
    let (head, rest) = match path.find(['.', '(']) {
        Some(i) => path.split_at(i),
        None => (path, ""),
    };
    match bindings.get(head) {
        // Not `format!`: its machinery costs several times the copy, and this runs for every
        // name a callee or an argument reads.
        Some(target) => {
            let mut out = String::with_capacity(target.len() + rest.len());
            out.push_str(target);
            out.push_str(rest);
            out
        }
        None => path.to_owned(),
    }
}

/// Names that read the clock (`time.time()`, `datetime.now()`, `Date.now()`, `new Date()`): a branch
/// on one is a time trigger.
pub(crate) fn is_clock(name: &str) -> bool {
    matches!(
        name,
        "now" | "today" | "utcnow" | "Date" | "monotonic" | "perf_counter" | "getTime" | "time"
    )
}

/// Secret-looking names: parameters or keys named like this carry credentials.
///
/// Compared lowercased and without `-` and `_` (`API_KEY`, `api-key`, `apiKey`), in a buffer on
/// the stack: the dataflow asks this of every origin it weighs, many times per tool.
pub fn is_secret_name(name: &str) -> bool {
    const WORDS: [&[u8]; 14] = [
        b"token",
        b"apikey",
        b"password",
        b"passwd",
        b"secret",
        b"credential",
        b"cookie",
        b"session",
        b"privatekey",
        b"accesskey",
        b"auth",
        b"bearer",
        b"pwd",
        b"sshkey",
    ];
    let mut stack = [0u8; 64];
    let mut heap = Vec::new();
    let mut len = 0;
    for b in name.bytes().filter(|b| !matches!(b, b'-' | b'_')) {
        let b = b.to_ascii_lowercase();
        if len < stack.len() {
            stack[len] = b;
        } else {
            if heap.is_empty() {
                heap.extend_from_slice(&stack);
            }
            heap.push(b);
        }
        len += 1;
    }
    let n: &[u8] = if heap.is_empty() {
        &stack[..len]
    } else {
        &heap
    };
    WORDS.iter().any(|w| n.windows(w.len()).any(|x| x == *w))
        && !n.ends_with(b"count")
        && !n.ends_with(b"limit")
}

#[cfg(test)]
mod tests;
