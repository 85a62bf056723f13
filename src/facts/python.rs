//! Python facts: imports and their aliases, calls resolved through them (`getattr(os, 'sys'+'tem')`
//! and `__import__('os')` included), constant folding of strings (concatenation, `%`, `.format`,
//! `join`, `chr`, `[::-1]`, base64/hex decoding), functions, and MCP declarations (FastMCP
//! decorators and the low-level `Server` with `Tool(...)` lists and name dispatch).

use std::cell::{Cell, RefCell};

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::syntax::{Node, Syntax};

use super::fold::{as_text, base64_decode, hex_decode, unescape_python};
use super::limits::{
    ARG_NAMES, BINDING_LEN, CONFIG_BUDGET, CONTAINER_ITEMS, FOLD_DEPTH, WRITTEN_LEN,
};
use super::memo::{Folded, Folds, IdMap, Name, add_name, read_names};
use super::{
    Arg, Assign, Call, Candidate, Desc, FileFacts, Fold, Function, Import, ListLens, Param,
    Pending, Piece, RETURN, Span, StringLit, Tool, ToolKind, Value, argv_gates, bind_loop_variable,
    is_clock, list_item, resolve_path, statement_text, text, text_head, walk,
};

/// Statements that move data between names ([`Assign`]).
const FLOW_KINDS: [&str; 7] = [
    "assignment",
    "augmented_assignment",
    "named_expression",
    "with_item",
    "for_statement",
    "for_in_clause",
    "return_statement",
];

struct Py<'t, 's> {
    src: &'s [u8],
    facts: FileFacts,
    consts: HashMap<String, String>,
    /// Names bound to a list literal → the item a `for x in name` loop variable stands for.
    lists: HashMap<String, Value>,
    /// Module-level names bound to a string constant ([`FileFacts::constants`] once bound once).
    top_consts: HashMap<String, String>,
    /// How many times each name is bound anywhere in the file.
    bound: HashMap<String, u32>,
    /// The value expressions assigned to each name (a few per name), to tell configuration from
    /// data when a description reads the name.
    values: HashMap<String, Vec<Node<'t>>>,
    /// Names updated by `+=` and the like: counters.
    counters: HashSet<String>,
    /// Classes declared in the file.
    classes: HashSet<String>,
    /// Names of the file's pure functions ([`super::Function::pure`]), once purity is known: a
    /// call asks by name, and searching the functions per call cost calls x functions (20 000
    /// module names bound to a call beside 20 000 functions: 1.7 s).
    pure_names: HashSet<String>,
    /// Module-level assignments to a name, for [`FileFacts::globals`].
    top_values: Vec<(String, Node<'t>)>,
    /// Node visits left to the current [`Py::configuration`] question.
    budget: Cell<usize>,
    /// Folds computed once the constants are known ([`Self::fold`]).
    folds: Folds,
    /// The first function of each name, once the functions are known ([`super::first_named`]).
    fn_named: HashMap<String, usize>,
    /// The names each asked expression reads ([`Self::names`]).
    names_memo: RefCell<IdMap<Vec<Name<'s>>>>,
    counter_nodes: Vec<Node<'t>>,
    dicts: Vec<Node<'t>>,
    /// The call node of each entry of `facts.calls`.
    call_nodes: Vec<Node<'t>>,
    generic: bool,
    calls: Vec<(Node<'t>, Option<u32>)>,
    /// (node, enclosing function, item count of the list literal holding it)
    strings: Vec<(Node<'t>, Option<u32>, u32)>,
    binds: Vec<(Node<'t>, Option<u32>)>,
    decorated: Vec<Node<'t>>,
    func_nodes: Vec<(Node<'t>, Option<Node<'t>>)>,
    /// The node of each entry of `facts.functions`.
    def_nodes: Vec<Node<'t>>,
    branches: Vec<Node<'t>>,
    flows: Vec<(Node<'t>, Option<u32>)>,
    covered_until: usize,
    /// Names a function binds (`out = subprocess.run(...)`, `with open(p) as out`), per function:
    /// looked up before the file's bindings, so two functions' `out` do not resolve to each other.
    scoped: HashMap<u32, HashMap<String, String>>,
    /// The function whose code is being read (set by each pass over calls, binds, assignments).
    cur: Cell<Option<u32>>,
}

pub(super) fn extract<'t>(
    syntax: &'t Syntax,
    src: &[u8],
    on_node: Option<super::OnNode<'_, 't>>,
) -> FileFacts {
    let mut py = Py {
        src,
        facts: FileFacts::default(),
        consts: HashMap::new(),
        lists: HashMap::new(),
        top_consts: HashMap::new(),
        bound: HashMap::new(),
        values: HashMap::new(),
        counters: HashSet::new(),
        classes: HashSet::new(),
        pure_names: HashSet::new(),
        top_values: Vec::new(),
        budget: Cell::new(0),
        folds: Folds::new(src.len()),
        fn_named: HashMap::new(),
        names_memo: RefCell::new(IdMap::default()),
        counter_nodes: Vec::new(),
        dicts: Vec::new(),
        call_nodes: Vec::new(),
        generic: false,
        calls: Vec::new(),
        strings: Vec::new(),
        binds: Vec::new(),
        decorated: Vec::new(),
        func_nodes: Vec::new(),
        def_nodes: Vec::new(),
        scoped: HashMap::new(),
        cur: Cell::new(None),
        branches: Vec::new(),
        flows: Vec::new(),
        covered_until: 0,
    };
    // Pass 1: collect, tracking the enclosing function with a stack of (index, end byte).
    let mut stack: Vec<(u32, usize)> = Vec::new();
    let mut imports = Vec::new();
    let mut list_lens = ListLens::default();
    walk(syntax, on_node, |node, parent| {
        while stack
            .last()
            .is_some_and(|&(_, end)| end <= node.start_byte())
        {
            stack.pop();
        }
        let enclosing = stack.last().map(|&(i, _)| i);
        if FLOW_KINDS.contains(&node.kind()) {
            py.flows.push((node, enclosing));
        }
        match node.kind() {
            "import_statement" | "import_from_statement" => {
                imports.push(node);
                return false;
            }
            "function_definition" | "lambda" => {
                let idx = u32::try_from(py.func_nodes.len()).unwrap_or(u32::MAX);
                py.func_nodes.push((node, parent));
                stack.push((idx, node.end_byte()));
            }
            "decorated_definition" => py.decorated.push(node),
            "class_definition" => {
                if let Some(n) = node.field("name") {
                    py.classes.insert(py.text(n));
                }
            }
            "call" => {
                py.calls.push((node, enclosing));
                py.strings.push((node, enclosing, list_lens.of(parent)));
            }
            "string" if parent.is_none_or(|p| p.kind() != "concatenated_string") => {
                py.strings.push((node, enclosing, list_lens.of(parent)));
            }
            "binary_operator" if parent.is_some_and(|p| p.kind() == "binary_operator") => {}
            "concatenated_string" | "binary_operator" | "subscript" => {
                py.strings.push((node, enclosing, list_lens.of(parent)))
            }
            "assignment" | "with_item" | "for_statement" => py.binds.push((node, enclosing)),
            "augmented_assignment" => py.counter_nodes.push(node),
            "dictionary" => py.dicts.push(node),
            "if_statement" | "elif_clause" | "case_clause" => py.branches.push(node),
            _ => {}
        }
        true
    });
    for node in imports {
        py.import(node);
    }
    py.functions();
    py.fn_named = super::first_named(&py.facts.functions);
    py.facts.function_parents = super::nesting(&py.facts.function_ranges);
    for (node, f) in std::mem::take(&mut py.binds) {
        py.cur.set(f);
        py.bind(node, f);
    }
    py.facts.constants = std::mem::take(&mut py.top_consts)
        .into_iter()
        .filter(|(k, _)| py.bound.get(k) == Some(&1))
        .collect();
    for node in std::mem::take(&mut py.counter_nodes) {
        if let Some(t) = node.field("left") {
            let mut names = Vec::new();
            py.target_names(t, &mut names);
            py.counters.extend(names);
        }
    }
    // From here on the constants are known. Nested calls each fold their arguments and name what
    // they read, which hold the inner calls: each node's answers are remembered, computed innermost
    // first (reverse pre-order), so the passes stay linear in the nesting.
    py.folds.start();
    for &(node, f, _) in py.strings.iter().rev() {
        py.cur.set(f);
        py.fold(node, 0);
    }
    for &(node, _) in py.calls.iter().rev() {
        // Each argument's value once (what `call` records), then the call itself from them (what
        // an enclosing call's argument splices in).
        if let Some(list) = node.field("arguments") {
            for a in list.named_children() {
                match a.kind() {
                    "comment" => {}
                    "keyword_argument" => {
                        py.names(a.field("value").unwrap_or(a));
                    }
                    _ => {
                        py.names(a);
                    }
                }
            }
        }
        py.names(node);
    }
    for (node, f) in std::mem::take(&mut py.calls) {
        py.cur.set(f);
        py.call(node, f);
    }
    // A class of the file is constructed, not read from anywhere.
    let classes = std::mem::take(&mut py.classes);
    super::tools::purity(&mut py.facts, |c| pure_callee(c) || classes.contains(c));
    py.classes = classes;
    py.pure_names = py.facts.pure_names();
    for (node, f, n) in std::mem::take(&mut py.strings) {
        py.cur.set(f);
        py.string(node, f, n);
    }
    py.folds.stop();
    for &(node, _) in py.flows.iter().rev() {
        if let Some((_, value)) = assign_parts(node) {
            py.names(value);
        }
    }
    for (node, f) in std::mem::take(&mut py.flows) {
        py.cur.set(f);
        py.assign(node, f);
    }
    py.cur.set(None);
    py.facts.command_gates = argv_gates(&py.branches, src);
    for node in std::mem::take(&mut py.decorated) {
        py.command_gate(node);
        py.decorated_tool(node);
    }
    py.low_level_tools();
    py.registrations();
    py.registry_dicts();
    py.guards();
    py.facts.registers_generically = py.generic;
    py.globals();
    py.facts.folds_spent = py.folds.spent();
    py.facts
}

/// What an assignment-like statement binds and the value it binds: no target for a `return`,
/// `None` for a `with` item that binds nothing.
fn assign_parts(node: Node<'_>) -> Option<(Option<Node<'_>>, Node<'_>)> {
    let (target, value) = match node.kind() {
        "named_expression" => (node.field("name"), node.field("value")),
        "with_item" => match node.field("value") {
            Some(v) if v.kind() == "as_pattern" => (
                v.field("alias").and_then(|a| a.named_child(0)),
                v.named_child(0),
            ),
            _ => return None,
        },
        "return_statement" => (None, node.named_child(0)),
        _ => (node.field("left"), node.field("right")),
    };
    Some((target, value?))
}

impl<'t> Py<'t, '_> {
    fn text(&self, node: Node<'_>) -> String {
        text(node, self.src).into_owned()
    }

    fn import(&mut self, node: Node<'t>) {
        let span = Span::of(node);
        if node.kind() == "import_statement" {
            for name in node.children_by_field_name("name") {
                let (module, alias) = match name.kind() {
                    "aliased_import" => (
                        name.field("name").map(|n| self.text(n)).unwrap_or_default(),
                        name.field("alias").map(|n| self.text(n)),
                    ),
                    _ => (self.text(name), None),
                };
                let bound =
                    alias.unwrap_or_else(|| module.split('.').next().unwrap_or("").to_owned());
                let target =
                    if bound == module.split('.').next().unwrap_or("") && !module.is_empty() {
                        bound.clone()
                    } else {
                        module.clone()
                    };
                self.facts.bindings.insert(bound, target);
                self.facts.imports.push(Import {
                    module,
                    span,
                    dynamic: false,
                });
            }
            return;
        }
        let module = node
            .field("module_name")
            .map(|n| self.text(n))
            .unwrap_or_default();
        self.facts.imports.push(Import {
            module: module.clone(),
            span,
            dynamic: false,
        });
        let sep = if module.ends_with('.') { "" } else { "." };
        for name in node.children_by_field_name("name") {
            let (orig, alias) = match name.kind() {
                "aliased_import" => (
                    name.field("name").map(|n| self.text(n)).unwrap_or_default(),
                    name.field("alias").map(|n| self.text(n)),
                ),
                _ => (self.text(name), None),
            };
            let full = format!("{module}{sep}{orig}");
            self.facts.bindings.insert(alias.unwrap_or(orig), full);
        }
    }

    fn functions(&mut self) {
        for (node, parent) in std::mem::take(&mut self.func_nodes) {
            let name = match node.kind() {
                "lambda" => parent
                    .filter(|p| p.kind() == "assignment")
                    .and_then(|p| p.field("left"))
                    .map_or_else(|| "<lambda>".to_owned(), |n| self.text(n)),
                _ => node.field("name").map(|n| self.text(n)).unwrap_or_default(),
            };
            let params = node
                .field("parameters")
                .map(|p| self.params(p).into_iter().map(|p| p.name).collect())
                .unwrap_or_default();
            let doc = node.field("body").and_then(|b| self.docstring(b));
            self.facts.functions.push(Function {
                name,
                params,
                span: Span::of(node),
                doc,
                decorated: parent.is_some_and(|p| p.kind() == "decorated_definition"),
                callees: Vec::new(),
                pure: true,
            });
            self.facts.function_ranges.push(node.byte_range());
            self.def_nodes.push(node);
        }
    }

    fn params(&self, params: Node<'_>) -> Vec<Param> {
        let mut out = Vec::new();
        for p in params.named_children() {
            let (name, ty) = match p.kind() {
                "identifier" => (Some(self.text(p)), None),
                "typed_parameter" => (
                    p.named_child(0)
                        .filter(|n| n.kind() == "identifier")
                        .map(|n| self.text(n)),
                    p.field("type").map(|n| self.text(n)),
                ),
                "default_parameter" | "typed_default_parameter" => (
                    p.field("name").map(|n| self.text(n)),
                    p.field("type").map(|n| self.text(n)),
                ),
                _ => (None, None),
            };
            if let Some(name) = name {
                // `x: Annotated[str, Field(description="…")]` or `x: str = Field(description="…")`
                let description = [p.field("type"), p.field("value")]
                    .into_iter()
                    .flatten()
                    .find_map(|n| self.field_description(n));
                out.push(Param {
                    name,
                    ty,
                    description,
                });
            }
        }
        out
    }

    fn docstring(&self, body: Node<'_>) -> Option<String> {
        let first = body.named_child(0)?;
        if first.kind() != "expression_statement" {
            return None;
        }
        let s = first
            .named_child(0)
            .filter(|n| matches!(n.kind(), "string" | "concatenated_string"))?;
        self.fold(s, 0).map(|(v, _)| v)
    }

    /// Records name bindings: constants (`URL = "…"`), call results (`s = smtplib.SMTP()`),
    /// aliases of paths (`env = os.environ`) and `with … as x`.
    fn bind(&mut self, node: Node<'t>, function: Option<u32>) {
        let (target, value) = match node.kind() {
            "assignment" => (node.field("left"), node.field("right")),
            "for_statement" => {
                if let (Some(var), Some(over)) = (
                    node.field("left").filter(|l| l.kind() == "identifier"),
                    node.field("right"),
                ) {
                    let item = match over.kind() {
                        "identifier" => self.lists.get(&self.text(over)).cloned(),
                        _ => list_item(self.describe(over, 0)),
                    };
                    if let Some(item) = item {
                        bind_loop_variable(
                            self.text(var),
                            item,
                            &mut self.consts,
                            &mut self.facts.bindings,
                        );
                    }
                }
                return;
            }
            _ => {
                let Some(v) = node.field("value") else {
                    return;
                };
                match v.kind() {
                    "as_pattern" => (
                        v.field("alias").and_then(|a| a.named_child(0)),
                        v.named_child(0),
                    ),
                    _ => return,
                }
            }
        };
        let (Some(target), Some(value)) = (target, value) else {
            return;
        };
        if target.kind() != "identifier" {
            return;
        }
        let name = self.text(target);
        *self.bound.entry(name.clone()).or_default() += 1;
        let values = self.values.entry(name.clone()).or_default();
        if values.len() < 8 {
            values.push(value);
        }
        if function.is_none() {
            self.top_values.push((name.clone(), value));
        }
        if let Some((s, _)) = self.fold(value, 0) {
            if function.is_none() {
                self.top_consts.insert(name.clone(), s.clone());
            }
            self.consts.insert(name, s);
            return;
        }
        if matches!(value.kind(), "list" | "tuple") {
            if let Some(item) = list_item(self.describe(value, 0)) {
                self.lists.insert(name, item);
            }
            return;
        }
        let bound = match self.describe(value, 0) {
            Value::Call { callee } => match self.dynamic_module(value) {
                Some(module) => module,
                None => format!("{callee}()"),
            },
            Value::Path { path } if path.contains('.') => path,
            _ => return,
        };
        if bound.len() > BINDING_LEN {
            return;
        }
        if let Some(f) = function {
            self.scoped
                .entry(f)
                .or_default()
                .insert(name.clone(), bound.clone());
        }
        self.facts.bindings.insert(name, bound);
    }

    /// What a name is bound to where the code being read is: the current function's own binding
    /// first, then the file's.
    fn binding(&self, name: &str) -> Option<&String> {
        self.scoped_binding(name)
            .or_else(|| self.facts.bindings.get(name))
    }

    /// The current function's own binding of `name` (no allocation: this is on every lookup).
    fn scoped_binding(&self, name: &str) -> Option<&String> {
        self.scoped.get(&self.cur.get()?)?.get(name)
    }

    /// [`resolve_path`] through [`Py::binding`].
    fn resolve(&self, path: &str) -> String {
        let head = path.find(['.', '(']).map_or(path, |i| &path[..i]);
        match self.scoped_binding(head) {
            Some(target) => format!("{target}{}", &path[head.len()..]),
            None => resolve_path(path, &self.facts.bindings),
        }
    }

    /// `__import__('os')` / `importlib.import_module('o'+'s')`: the module, when it folds.
    fn dynamic_module(&self, call: Node<'_>) -> Option<String> {
        if call.kind() != "call" {
            return None;
        }
        let f = call.field("function")?;
        let callee = self.resolve(&self.path(f, 0)?);
        self.imported_by(call, &callee, 0)
    }

    /// The module a call to the resolved `callee` imports, when it is `__import__` or
    /// `importlib.import_module` and its argument folds.
    fn imported_by(&self, call: Node<'_>, callee: &str, depth: u32) -> Option<String> {
        if callee != "__import__" && callee != "importlib.import_module" {
            return None;
        }
        let arg = call.field("arguments")?.named_child(0)?;
        self.fold(arg, depth).map(|(m, _)| m)
    }

    /// The dotted path an expression names (`a.b.c`, `f().g`), unresolved; `None` for anything
    /// that is not a name chain.
    fn path(&self, node: Node<'_>, depth: u32) -> Option<String> {
        if self.folds.past_limit(depth) {
            return None;
        }
        match node.kind() {
            "identifier" => Some(self.text(node)),
            "attribute" => {
                let obj = node.field("object")?;
                let attr = node.field("attribute")?;
                let mut head = self.callee_of(obj, depth + 1).map(|(c, _)| c)?;
                head.push('.');
                head.push_str(&text(attr, self.src));
                Some(head)
            }
            "subscript" => {
                // globals()['system'] / os.__dict__['system'] / module['name']
                let value = node.field("value")?;
                let key = node.field("subscript")?;
                let (k, _) = self.fold(key, depth + 1)?;
                let head = self.path(value, depth + 1)?;
                if head == "globals()"
                    || head == "locals()"
                    || head == "vars()"
                    || head == "__builtins__"
                {
                    Some(k)
                } else {
                    Some(format!("{head}[{k}]"))
                }
            }
            "call" => {
                let (callee, _) = self.callee_of(node, depth + 1)?;
                Some(callee + "()")
            }
            "parenthesized_expression" => self.path(node.named_child(0)?, depth + 1),
            _ => None,
        }
    }

    /// Resolves an expression used as a callee (or as the object of an attribute) to a qualified
    /// name, and whether folding computed it.
    fn callee_of(&self, node: Node<'_>, depth: u32) -> Option<(String, bool)> {
        // Bounded like folding: a chain of attributes or calls may be tens of thousands long.
        if self.folds.past_limit(depth) {
            return None;
        }
        if node.kind() == "call" {
            // The callee of the call, resolved once: for `__import__` and `import_module`, the
            // module it computes; for getattr, the attribute (obj, 'na'+'me') → obj.name.
            let f = node.field("function")?;
            let inner = self.resolve(&self.path(f, depth + 1)?);
            if let Some(module) = self.imported_by(node, &inner, depth + 1) {
                return Some((module, true));
            }
            if inner == "getattr" {
                let args = node.field("arguments")?;
                let obj = args.named_child(0)?;
                let attr = args.named_child(1)?;
                let (name, _) = self.fold(attr, depth + 1)?;
                let (head, _) = self.callee_of(obj, depth + 1)?;
                return Some((format!("{head}.{name}"), true));
            }
            return Some((format!("{inner}()"), false));
        }
        if node.kind() == "attribute" {
            let obj = node.field("object")?;
            let attr = node.field("attribute")?;
            let (head, computed) = self.callee_of(obj, depth + 1)?;
            return Some((format!("{head}.{}", self.text(attr)), computed));
        }
        let p = self.path(node, depth)?;
        let computed = node.kind() == "subscript" && self.computed_subscript(node, depth);
        Some((self.resolve(&p), computed))
    }

    /// Whether a subscript callee hides the name it calls: a key built from an expression
    /// (`os.__dict__['sys'+'tem']`, a constant holding the name) on a module or namespace, or any
    /// key on a namespace dict (`globals()['eval']`). A literal key on an ordinary value
    /// (`request.headers['User-Agent'].endswith`) or any key on a call's result names data, not a
    /// function.
    fn computed_subscript(&self, node: Node<'_>, depth: u32) -> bool {
        let (Some(value), Some(key)) = (node.field("value"), node.field("subscript")) else {
            return false;
        };
        let (Some((_, how)), Some(head)) = (self.fold(key, depth + 1), self.path(value, depth + 1))
        else {
            return false;
        };
        let namespace = matches!(
            head.as_str(),
            "globals()" | "locals()" | "vars()" | "__builtins__" | "sys.modules"
        ) || head.ends_with(".__dict__");
        namespace || (how != Fold::Literal && !self.resolve(&head).contains("()"))
    }

    fn call(&mut self, node: Node<'t>, function: Option<u32>) {
        let Some(f) = node.field("function") else {
            return;
        };
        // `callee_of` of a call expression already says `inner()` (a call on a call's result) or,
        // for getattr/__import__, the attribute it computes.
        let (callee, computed) = self
            .callee_of(f, 0)
            .unwrap_or_else(|| ("<expr>".to_owned(), false));
        if let Some(module) = self.dynamic_module(node) {
            self.facts.imports.push(Import {
                module,
                span: Span::of(node),
                dynamic: true,
            });
        }
        let mut args = Vec::new();
        if let Some(list) = node.field("arguments") {
            for a in list.named_children() {
                let (keyword, value_node) = match a.kind() {
                    "keyword_argument" => (
                        a.field("name").map(|n| self.text(n)),
                        a.field("value").unwrap_or(a),
                    ),
                    "comment" => continue,
                    // `**kwargs` is not a positional argument: its keywords are unknown.
                    "dictionary_splat" => (Some("**".to_owned()), a),
                    _ => (None, a),
                };
                args.push(Arg {
                    keyword,
                    value: self.describe(value_node, 0),
                    span: Span::of(value_node),
                    names: self.names(value_node),
                });
            }
        }
        let written = text_head(f, self.src, WRITTEN_LEN);
        self.call_nodes.push(node);
        self.facts.calls.push(Call {
            callee,
            written,
            computed,
            args,
            span: Span::of(node),
            function,
            target: None,
        });
    }

    /// Records a statement that moves data ([`Assign`]).
    fn assign(&mut self, node: Node<'t>, function: Option<u32>) {
        let Some((target, value)) = assign_parts(node) else {
            return;
        };
        let mut targets = Vec::new();
        match target {
            Some(t) => self.target_names(t, &mut targets),
            None => targets.push(RETURN.to_owned()),
        }
        if targets.is_empty() {
            return;
        }
        self.facts.assigns.push(Assign {
            targets,
            names: self.names(value),
            value: value.byte_range(),
            span: Span::of(node),
            function,
            text: statement_text(node, self.src),
        });
    }

    /// The names an assignment target binds or updates: identifiers, a subscript's root, and an
    /// attribute's name and object (`self` and `cls` left out).
    fn target_names(&self, node: Node<'_>, out: &mut Vec<String>) {
        let mut stack = vec![(node, 0u32)];
        while let Some((n, depth)) = stack.pop() {
            if depth > FOLD_DEPTH || out.len() >= ARG_NAMES {
                break;
            }
            match n.kind() {
                "identifier" => {
                    let name = self.text(n);
                    if name != "self" && name != "cls" && !out.contains(&name) {
                        out.push(name);
                    }
                }
                "attribute" => {
                    if let Some(a) = n.field("attribute") {
                        let name = self.text(a);
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                    stack.extend(n.field("object").map(|o| (o, depth + 1)));
                }
                "subscript" => {
                    stack.extend(n.field("value").map(|o| (o, depth + 1)));
                }
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "list_splat_pattern"
                | "tuple"
                | "list"
                | "parenthesized_expression" => {
                    let children: Vec<_> = n.named_children().collect();
                    stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
                }
                _ => {}
            }
        }
    }

    /// Identifiers an expression reads, bounded in count and in nodes visited. Attribute names
    /// count too (`args.token` names `token`), keyword names do not.
    /// The names an expression reads ([`read_names`]): identifiers; of a keyword argument, its value's.
    fn names(&self, node: Node<'_>) -> Vec<String> {
        read_names(node, &self.names_memo, |n, out, stack| match n.kind() {
            "identifier" => {
                add_name(out, text(n, self.src));
                true
            }
            "keyword_argument" => {
                stack.extend(n.field("value"));
                true
            }
            _ => false,
        })
    }

    fn describe(&self, node: Node<'_>, depth: u32) -> Value {
        if depth > FOLD_DEPTH {
            return Value::Other;
        }
        if let Some((value, how)) = self.fold(node, depth) {
            return Value::Str { value, how };
        }
        match node.kind() {
            "integer" | "float" => Value::Number {
                text: self.text(node),
            },
            // `-1001934411872`: a Telegram group's chat id is a negative literal.
            "unary_operator"
                if node
                    .field("argument")
                    .is_some_and(|a| matches!(a.kind(), "integer" | "float")) =>
            {
                Value::Number {
                    text: self.text(node).split_whitespace().collect(),
                }
            }
            "true" => Value::Bool { value: true },
            "false" => Value::Bool { value: false },
            "none" => Value::Null,
            "identifier" | "attribute" | "subscript" => match self.callee_of(node, depth + 1) {
                Some((path, _)) => Value::Path { path },
                None => Value::Other,
            },
            "call" => match self.callee_of(node, depth + 1) {
                Some((callee, _)) => Value::Call {
                    callee: callee
                        .strip_suffix("()")
                        .map(str::to_owned)
                        .unwrap_or(callee),
                },
                None => Value::Other,
            },
            "dictionary" => {
                let mut entries = Vec::new();
                for pair in node.named_children().take(CONTAINER_ITEMS) {
                    match pair.kind() {
                        "pair" => {
                            let key = pair
                                .field("key")
                                .map(|k| {
                                    self.fold(k, depth + 1)
                                        .map_or_else(|| self.text(k), |(s, _)| s)
                                })
                                .unwrap_or_default();
                            let value = pair
                                .field("value")
                                .map_or(Value::Other, |v| self.describe(v, depth + 1));
                            entries.push((key, value));
                        }
                        "dictionary_splat" => entries.push(("...".to_owned(), Value::Other)),
                        _ => {}
                    }
                }
                Value::Object { entries }
            }
            "list" | "tuple" | "set" => {
                let items = node
                    .named_children()
                    .take(CONTAINER_ITEMS)
                    .map(|n| self.describe(n, depth + 1))
                    .collect();
                Value::List { items }
            }
            "lambda" => Value::Function,
            "parenthesized_expression" => node
                .named_child(0)
                .map_or(Value::Other, |n| self.describe(n, depth + 1)),
            _ => Value::Other,
        }
    }

    /// Folds a constant string expression.
    fn fold(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        if let Some(r) = self.folds.recall(node.id(), depth) {
            return r;
        }
        let outer = self.folds.enter(depth);
        let r = self.fold_uncached(node, depth);
        self.folds.remember(node.id(), depth, outer, &r);
        r
    }

    fn fold_uncached(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        if self.folds.past_limit(depth) {
            return None;
        }
        let out = match node.kind() {
            "string" => self.string_literal(node, depth)?,
            "concatenated_string" => {
                let mut s = String::new();
                for part in node.named_children() {
                    s.push_str(&self.fold(part, depth + 1)?.0);
                }
                (s, Fold::Folded)
            }
            "identifier" => {
                return self.folds.constant(&self.consts, &text(node, self.src));
            }
            "parenthesized_expression" => {
                let (s, _) = self.fold(node.named_child(0)?, depth + 1)?;
                (s, Fold::Folded)
            }
            "binary_operator" => {
                let op = node.field("operator")?;
                let left = node.field("left")?;
                let right = node.field("right")?;
                match &*text(op, self.src) {
                    "+" => {
                        let (l, lh) = self.fold(left, depth + 1)?;
                        let (r, rh) = self.fold(right, depth + 1)?;
                        (l + &r, lh.max(rh).max(Fold::Folded))
                    }
                    "%" => {
                        let (fmt, _) = self.fold(left, depth + 1)?;
                        let values: Vec<String> = if right.kind() == "tuple" {
                            right
                                .named_children()
                                .map(|n| self.fold(n, depth + 1).map(|f| f.0))
                                .collect::<Option<_>>()?
                        } else {
                            vec![self.fold(right, depth + 1)?.0]
                        };
                        (percent_format(&fmt, &values)?, Fold::Folded)
                    }
                    _ => return None,
                }
            }
            "subscript" => {
                // 'moc.live'[::-1]
                let value = node.field("value")?;
                let sub = node.field("subscript")?;
                let slice = text(sub, self.src).replace(' ', "");
                if slice != "::-1" {
                    return None;
                }
                let (s, h) = self.fold(value, depth + 1)?;
                (s.chars().rev().collect(), h.max(Fold::Folded))
            }
            "call" => self.fold_call(node, depth)?,
            _ => return None,
        };
        self.folds
            .admit(out.0.len(), node.end_byte() - node.start_byte())
            .then_some(out)
    }

    fn string_literal(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let mut out = String::new();
        let mut how = Fold::Literal;
        let mut raw = false;
        for part in node.children() {
            match part.kind() {
                "string_start" => raw = text(part, self.src).to_ascii_lowercase().contains('r'),
                "string_content" => out.push_str(&unescape_python(&text(part, self.src), raw)),
                "interpolation" => {
                    let e = part.field("expression")?;
                    out.push_str(&self.fold(e, depth + 1)?.0);
                    how = Fold::Folded;
                }
                _ => {}
            }
        }
        Some((out, how))
    }

    fn fold_call(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let f = node.field("function")?;
        let args = node.field("arguments")?;
        let arg0 = args.named_child(0);
        // Methods on a folded receiver: "".join(...), "{}".format(...), x.decode(), x[::-1].upper()
        if f.kind() == "attribute" {
            let method = text(f.field("attribute")?, self.src).into_owned();
            let obj = f.field("object")?;
            if let Some((recv, how)) = self.fold(obj, depth + 1) {
                return match method.as_str() {
                    "join" => {
                        let parts = self.fold_items(arg0?, depth + 1)?;
                        Some((parts.join(&recv), how.max(Fold::Folded)))
                    }
                    "format" => {
                        let values: Vec<String> = args
                            .named_children()
                            .filter(|a| a.kind() != "keyword_argument")
                            .map(|a| self.fold(a, depth + 1).map(|f| f.0))
                            .collect::<Option<_>>()?;
                        Some((brace_format(&recv, &values)?, how.max(Fold::Folded)))
                    }
                    "decode" | "strip" | "encode" => Some((recv, how)),
                    "lower" => Some((recv.to_lowercase(), how.max(Fold::Folded))),
                    "upper" => Some((recv.to_uppercase(), how.max(Fold::Folded))),
                    "replace" => {
                        let (a, _) = self.fold(arg0?, depth + 1)?;
                        let (b, _) = self.fold(args.named_child(1)?, depth + 1)?;
                        Some((recv.replace(&a, &b), how.max(Fold::Folded)))
                    }
                    _ => None,
                };
            }
        }
        let callee = self.resolve(&self.path(f, depth + 1)?);
        let (s, _) = match callee.as_str() {
            "chr" => {
                let n: u32 = text(arg0?, self.src).trim().parse().ok()?;
                return Some((char::from_u32(n)?.to_string(), Fold::Folded));
            }
            "str" | "bytes" | "bytearray" if arg0.is_some_and(|a| a.kind() == "list") => {
                let bytes: Vec<u8> = arg0?
                    .named_children()
                    .map(|n| text(n, self.src).trim().parse::<u8>().ok())
                    .collect::<Option<_>>()?;
                return as_text(bytes).map(|s| (s, Fold::Decoded));
            }
            "str" => {
                return self
                    .fold(arg0?, depth + 1)
                    .map(|(s, h)| (s, h.max(Fold::Folded)));
            }
            _ => self.fold(arg0?, depth + 1)?,
        };
        let decoded = match callee.as_str() {
            "base64.b64decode"
            | "base64.urlsafe_b64decode"
            | "base64.standard_b64decode"
            | "base64.decodebytes"
            | "base64.b64decode()" => base64_decode(&s),
            "bytes.fromhex" | "binascii.unhexlify" | "binascii.a2b_hex" | "bytearray.fromhex" => {
                hex_decode(&s)
            }
            "codecs.decode" => {
                let enc = self.fold(args.named_child(1)?, depth + 1)?.0;
                match enc.as_str() {
                    "hex" => hex_decode(&s),
                    "base64" => base64_decode(&s),
                    "rot13" | "rot_13" => Some(rot13(&s).into_bytes()),
                    _ => None,
                }
            }
            _ => None,
        }?;
        as_text(decoded).map(|t| (t, Fold::Decoded))
    }

    /// The folded items of a list/tuple literal, a `map(chr, [...])`, or a generator of `chr`.
    fn fold_items(&self, node: Node<'_>, depth: u32) -> Option<Vec<String>> {
        match node.kind() {
            "list" | "tuple" => node
                .named_children()
                .map(|n| self.fold(n, depth + 1).map(|f| f.0))
                .collect(),
            "call" => {
                // map(chr, [104, 116, ...])
                let f = node.field("function")?;
                let args = node.field("arguments")?;
                if text(f, self.src) != "map" || text(args.named_child(0)?, self.src) != "chr" {
                    return None;
                }
                self.chr_list(args.named_child(1)?)
            }
            "generator_expression" | "list_comprehension" => {
                // chr(c) for c in [104, 116, ...]
                let body = node.field("body")?;
                if body.kind() != "call" || !text(body, self.src).starts_with("chr(") {
                    return None;
                }
                let clause = node
                    .named_children()
                    .find(|n| n.kind() == "for_in_clause")?;
                self.chr_list(clause.field("right")?)
            }
            _ => None,
        }
    }

    fn chr_list(&self, list: Node<'_>) -> Option<Vec<String>> {
        list.named_children()
            .map(|n| {
                text(n, self.src)
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .and_then(char::from_u32)
                    .map(String::from)
            })
            .collect()
    }

    fn string(&mut self, node: Node<'t>, function: Option<u32>, list_len: u32) {
        // Only the root of a folded string expression is recorded: `'a' + 'b'` once, as "ab".
        if node.start_byte() < self.covered_until {
            return;
        }
        let span = Span::of(node);
        let folded = self.fold(node, 0);
        let Some((value, how)) = folded else {
            // An f-string with unknown parts still carries its literal text (`https://host/{x}`).
            if node.kind() == "string" {
                let mut partial = String::new();
                for part in node.children() {
                    match part.kind() {
                        "string_content" => partial.push_str(&text(part, self.src)),
                        "interpolation" => partial.push_str("{…}"),
                        _ => {}
                    }
                }
                self.facts.strings.push(StringLit {
                    value: partial,
                    how: Fold::Folded,
                    span,
                    function,
                    list_len,
                });
            }
            return;
        };
        self.facts.strings.push(StringLit {
            value,
            how,
            span,
            function,
            list_len,
        });
    }

    /// FastMCP-style declarations: `@mcp.tool()`, `@mcp.tool(name=…, description=…)`, bare
    /// `@mcp.tool`, `@mcp.resource("uri")`, `@mcp.prompt()`; and, as [`Candidate`]s, functions
    /// under a decorator named like a tool decorator (`@tool("name")`, `@register_tool`) that may be
    /// the package's own.
    fn decorated_tool(&mut self, node: Node<'t>) {
        let Some(def) = node.field("definition") else {
            return;
        };
        if def.kind() != "function_definition" {
            return;
        }
        for deco in node.named_children().filter(|n| n.kind() == "decorator") {
            let Some(expr) = deco.named_child(0) else {
                continue;
            };
            let (head, call) = match expr.kind() {
                "call" => (expr.field("function"), Some(expr)),
                _ => (Some(expr), None),
            };
            let Some(head) = head.filter(|h| matches!(h.kind(), "attribute" | "identifier")) else {
                continue;
            };
            let last = match head.kind() {
                "attribute" => head
                    .field("attribute")
                    .map(|a| self.text(a))
                    .unwrap_or_default(),
                _ => self.text(head),
            };
            let (kind, decorator) = match (head.kind(), last.as_str()) {
                ("attribute", "tool") => (ToolKind::Tool, None),
                ("attribute", "resource") => (ToolKind::Resource, None),
                ("attribute", "prompt") => (ToolKind::Prompt, None),
                (_, l) if is_tool_decorator(l) => {
                    let path = self.callee_of(head, 0).map(|(p, _)| p).unwrap_or(last);
                    (ToolKind::Tool, Some(path))
                }
                _ => continue,
            };
            let tool = self.decorated_declaration(def, call, kind);
            match decorator {
                None => self.facts.tools.push(tool),
                Some(d) => self.facts.candidates.push(Candidate {
                    tool,
                    decorator: Some(d),
                }),
            }
            return;
        }
    }

    /// The tool a decorated function declares: its name (the decorator's first positional string
    /// or `name=`, else the function's), description (`description=`, else the docstring),
    /// parameters and handler.
    fn decorated_declaration(&self, def: Node<'t>, call: Option<Node<'t>>, kind: ToolKind) -> Tool {
        let fname = def.field("name").map(|n| self.text(n)).unwrap_or_default();
        let mut tool = Tool::new(fname, kind, Span::of(def));
        if let Some(call) = call.and_then(|c| c.field("arguments")) {
            let mut positional = 0;
            for a in call.named_children() {
                if a.kind() == "keyword_argument" {
                    let key = a.field("name").map(|n| self.text(n)).unwrap_or_default();
                    let Some(v) = a.field("value") else {
                        continue;
                    };
                    match key.as_str() {
                        "name" => {
                            if let Some((n, _)) = self.fold(v, 0) {
                                tool.name = n;
                            }
                        }
                        "description" => tool.set_description(self.description(v)),
                        _ => {}
                    }
                } else {
                    if positional == 0
                        && kind != ToolKind::Resource
                        && let Some((n, _)) = self.fold(a, 0)
                    {
                        tool.name = n;
                    }
                    positional += 1;
                }
            }
        }
        if tool.description_span.is_none()
            && let Some(doc) = def
                .field("body")
                .and_then(|b| b.named_child(0))
                .filter(|s| s.kind() == "expression_statement")
                .and_then(|s| s.named_child(0))
            && let Some((d, _)) = self.fold(doc, 0)
        {
            tool.description = Some(d);
            tool.description_span = Some(Span::of(doc));
        }
        tool.params = self.tool_params(def);
        tool.handler = super::function_spanning(&self.facts.function_ranges, &def.byte_range())
            .and_then(|h| u32::try_from(h).ok());
        tool.ranges = vec![def.byte_range()];
        tool
    }

    /// The parameters a client sees of a handler function: `self`, `ctx` and a `Context` left out.
    fn tool_params(&self, def: Node<'_>) -> Vec<Param> {
        def.field("parameters")
            .map(|p| self.params(p))
            .unwrap_or_default()
            .into_iter()
            .filter(|p| {
                p.name != "self"
                    && p.name != "ctx"
                    && !p.ty.as_deref().is_some_and(|t| t.contains("Context"))
            })
            .collect()
    }

    /// Registration calls: `mcp.add_tool(fn, name=…, description=…)` of a function of the file
    /// declares a tool; a registration whose name the file does not spell (`server.tool(name,
    /// **options)(fn)`, `mcp.add_tool(fn)` of a function from elsewhere) is generic.
    fn registrations(&mut self) {
        let mut tools = Vec::new();
        for (ci, c) in self.facts.calls.iter().enumerate() {
            // `mcp.tool(name="x")(self.x)`: the decorator applied by hand.
            if let Some(kind) =
                c.callee
                    .strip_suffix("()")
                    .and_then(|h| match h.rsplit('.').next() {
                        Some("tool") => Some(ToolKind::Tool),
                        Some("resource") => Some(ToolKind::Resource),
                        Some("prompt") => Some(ToolKind::Prompt),
                        _ => None,
                    })
                && let Some(tool) = self.applied_decorator(ci, kind)
            {
                tools.push(tool);
                continue;
            }
            let method = c.callee.rsplit('.').next().unwrap_or("");
            if !c.callee.contains('.') || !matches!(method, "tool" | "add_tool") {
                continue;
            }
            let name_kw = c.keyword("name").map(|(_, v)| v);
            if name_kw.is_some_and(|v| !matches!(v, Value::Str { .. })) {
                self.generic = true;
                continue;
            }
            if method == "tool" {
                // `@mcp.tool()` decorations are calls too: only a computed positional name counts.
                if matches!(
                    c.positional(0).map(|a| &a.value),
                    Some(Value::Path { .. } | Value::Call { .. } | Value::Other)
                ) {
                    self.generic = true;
                }
                continue;
            }
            let Some(Value::Path { path }) = c.positional(0).map(|a| &a.value) else {
                self.generic = true;
                continue;
            };
            let Some(&f) = self.fn_named.get(path) else {
                self.generic = true;
                continue;
            };
            let function = &self.facts.functions[f];
            let mut tool = Tool::new(
                name_kw
                    .and_then(Value::as_str)
                    .map_or_else(|| function.name.clone(), str::to_owned),
                ToolKind::Tool,
                c.span,
            );
            let desc = self
                .keyword_node(self.call_nodes[ci], "description")
                .map(|n| self.description(n));
            match desc {
                Some(d) => tool.set_description(d),
                None => {
                    tool.description = function.doc.clone();
                    tool.description_span = Some(function.span);
                }
            }
            tool.params = self.tool_params(self.def_nodes[f]);
            tool.handler = u32::try_from(f).ok();
            tool.ranges = vec![self.facts.function_ranges[f].clone()];
            tools.push(tool);
        }
        self.facts.tools.extend(tools);
    }

    /// The tool of `mcp.tool(name="x", description=…)(handler)`, when the handler is a function (or
    /// method) of the file and the name is written.
    fn applied_decorator(&self, ci: usize, kind: ToolKind) -> Option<Tool> {
        let outer = self.call_nodes[ci];
        let inner = outer.field("function")?;
        if inner.kind() != "call" {
            return None;
        }
        let handler = {
            let args = outer.field("arguments")?;
            args.named_children().find(|a| a.kind() != "comment")?
        };
        let f = self.function_of(handler)?;
        let function = &self.facts.functions[f];
        let args = inner.field("arguments")?;
        let written = {
            args.named_children()
                .find(|a| a.kind() != "keyword_argument" && a.kind() != "comment")
        };
        let name = match (self.keyword_node(inner, "name"), written) {
            (Some(n), _) => self.fold(n, 0)?.0,
            (None, Some(p)) if kind != ToolKind::Resource => self.fold(p, 0)?.0,
            _ => function.name.clone(),
        };
        let mut tool = Tool::new(name, kind, self.facts.calls[ci].span);
        match self.keyword_node(inner, "description") {
            Some(d) => tool.set_description(self.description(d)),
            None => {
                tool.description = function.doc.clone();
                tool.description_span = Some(function.span);
            }
        }
        tool.params = self.tool_params(self.def_nodes[f]);
        tool.handler = u32::try_from(f).ok();
        tool.ranges = vec![self.facts.function_ranges[f].clone()];
        Some(tool)
    }

    /// The value node of a keyword argument of a call.
    fn keyword_node(&self, call: Node<'t>, key: &str) -> Option<Node<'t>> {
        let args = call.field("arguments")?;
        args.named_children()
            .filter(|a| a.kind() == "keyword_argument")
            .find(|a| a.field("name").is_some_and(|n| text(n, self.src) == key))
            .and_then(|a| a.field("value"))
    }

    /// Definition dicts, as [`Candidate`]s: `{"name": "x", "description": …, "input_schema": …,
    /// "function": handler}`, and the entries of a registry dict keyed by tool name
    /// (`TOOL_REGISTRY = {"ListIndexTool": {"display_name": …, "description": …, "function": …}}`).
    fn registry_dicts(&mut self) {
        let mut out = Vec::new();
        for node in std::mem::take(&mut self.dicts) {
            // A dict with a name of its own; one without is taken as the value of its key below.
            if self.dict_value(node, "name").is_some()
                && let Some(t) = self.definition_dict(node, None)
            {
                out.push(t);
            }
            for pair in node.named_children().filter(|p| p.kind() == "pair") {
                let (Some(k), Some(v)) = (pair.field("key"), pair.field("value")) else {
                    continue;
                };
                if v.kind() != "dictionary" || self.dict_value(v, "name").is_some() {
                    continue;
                }
                let key = self.fold(k, 0).map(|f| f.0);
                if let Some(t) = key.and_then(|key| self.definition_dict(v, Some(key))) {
                    out.push(t);
                }
            }
        }
        let known = super::Cover::new(self.facts.tools.iter().map(|t| t.span.range()).collect());
        self.facts.candidates.extend(
            out.into_iter()
                .filter(|t| !known.contains(t.span.start))
                .map(|tool| Candidate {
                    tool,
                    decorator: None,
                }),
        );
    }

    fn definition_dict(&self, node: Node<'t>, keyed: Option<String>) -> Option<Tool> {
        const SCHEMA_KEYS: [&str; 6] = [
            "input_schema",
            "inputSchema",
            "schema",
            "parameters",
            "args",
            "args_schema",
        ];
        const HANDLER_KEYS: [&str; 6] = ["handler", "execute", "function", "fn", "run", "callback"];
        let name = match self.dict_value(node, "name") {
            Some(n) => self.constant_name(n)?,
            None => self
                .dict_value(node, "display_name")
                .and_then(|n| self.constant_name(n))
                .or(keyed)?,
        };
        let description = self.dict_value(node, "description")?;
        let schema = SCHEMA_KEYS.iter().find_map(|k| self.dict_value(node, k));
        let handler = HANDLER_KEYS.iter().find_map(|k| self.dict_value(node, k));
        // A registry entry named only by its key needs a handler or an unmistakable schema key:
        // a table of CLI commands with `args` is not a tool list.
        let strong_schema = SCHEMA_KEYS[..4]
            .iter()
            .any(|k| self.dict_value(node, k).is_some());
        let named = self.dict_value(node, "name").is_some();
        if handler.is_none() && (schema.is_none() || (!named && !strong_schema)) {
            return None;
        }
        let span = Span::of(node);
        let mut tool = Tool::new(name, ToolKind::Tool, span);
        tool.set_description(self.description(description));
        if let Some(s) = schema {
            tool.params = schema_params(&self.describe(s, 0));
        }
        if let Some(h) = handler.and_then(|h| self.function_of(h)) {
            tool.handler = u32::try_from(h).ok();
            tool.ranges.push(self.facts.function_ranges[h].clone());
        }
        Some(tool)
    }

    /// The value node of a string key of a dict literal.
    fn dict_value(&self, dict: Node<'t>, key: &str) -> Option<Node<'t>> {
        dict.named_children()
            .filter(|p| p.kind() == "pair")
            .find(|p| {
                p.field("key")
                    .filter(|k| k.kind() == "string")
                    .and_then(|k| self.fold(k, 0))
                    .is_some_and(|(k, _)| k == key)
            })
            .and_then(|p| p.field("value"))
    }

    /// A tool name written in a definition: a literal, or a module constant bound once.
    fn constant_name(&self, node: Node<'_>) -> Option<String> {
        match node.kind() {
            "identifier" => self.facts.constants.get(&*text(node, self.src)).cloned(),
            _ => self.fold(node, 0).map(|f| f.0),
        }
    }

    /// The function of the file a handler value is: a lambda, or a function named by an
    /// identifier (or `self.name`).
    fn function_of(&self, node: Node<'_>) -> Option<usize> {
        match node.kind() {
            "identifier" => self.fn_named.get(&*text(node, self.src)).copied(),
            "attribute" => self
                .fn_named
                .get(&*text(node.field("attribute")?, self.src))
                .copied(),
            "lambda" => super::function_starting_at(&self.facts.function_ranges, node.start_byte()),
            _ => None,
        }
    }

    /// Branches taken on a counter (`if _calls["n"] == 15:`) or the clock (`if time.time() > T:`)
    /// run after the tools were listed ([`FileFacts::late`]).
    fn guards(&mut self) {
        let mut late = Vec::new();
        for &node in &self.branches {
            let (Some(cond), Some(body)) = (node.field("condition"), node.field("consequence"))
            else {
                continue;
            };
            if self
                .names(cond)
                .iter()
                .any(|n| self.counters.contains(n) || is_clock(n))
            {
                late.push(body.byte_range());
            }
        }
        self.facts.late.extend(late);
    }

    /// `Field(description="…")` in a parameter's annotation or default, folded.
    fn field_description(&self, node: Node<'_>) -> Option<String> {
        let mut stack = vec![node];
        let mut visited = 0;
        while let Some(n) = stack.pop() {
            visited += 1;
            if visited > 64 {
                return None;
            }
            if n.kind() == "call"
                && n.field("function")
                    .is_some_and(|f| text(f, self.src).ends_with("Field"))
            {
                let args = n.field("arguments")?;
                return args
                    .named_children()
                    .filter(|a| a.kind() == "keyword_argument")
                    .find(|a| {
                        a.field("name")
                            .is_some_and(|k| text(k, self.src) == "description")
                    })
                    .and_then(|a| a.field("value"))
                    .and_then(|v| self.fold(v, 0))
                    .map(|f| f.0);
            }
            stack.extend(n.named_children());
        }
        None
    }

    /// What a description expression is: constant texts (every branch of a conditional of
    /// constants), names imported from other files for the package phase, or a dynamic value,
    /// configuration or not.
    fn description(&self, node: Node<'_>) -> Desc {
        let span = Span::of(node);
        if let Some(texts) = self.variants(node, 0) {
            return Desc {
                texts,
                span,
                ..Desc::default()
            };
        }
        let pieces = self.pieces(node, 0);
        let mut names = Vec::new();
        self.budget.set(CONFIG_BUDGET);
        let config = self.configuration(node, 0, &mut names);
        let pending = (pieces.is_some() || (config && !names.is_empty())).then(|| Pending {
            pieces,
            names: if config { names.clone() } else { Vec::new() },
        });
        Desc {
            texts: Vec::new(),
            span,
            dynamic: true,
            config: config && names.is_empty(),
            pending,
        }
    }

    /// The texts a string expression can take when every part folds but for conditionals
    /// (`"a" if REMOTE else "b"`, `f"List{' all' if x else ''}."`), at most eight.
    fn variants(&self, node: Node<'_>, depth: u32) -> Option<Vec<String>> {
        const MAX: usize = 8;
        if depth > FOLD_DEPTH {
            return None;
        }
        if let Some((s, _)) = self.fold(node, depth) {
            return Some(vec![s]);
        }
        let product = |a: Vec<String>, b: Vec<String>| -> Option<Vec<String>> {
            if a.len() * b.len() > MAX {
                return None;
            }
            Some(
                a.iter()
                    .flat_map(|x| b.iter().map(move |y| format!("{x}{y}")))
                    .collect(),
            )
        };
        match node.kind() {
            "parenthesized_expression" => self.variants(node.named_child(0)?, depth + 1),
            "conditional_expression" => {
                let mut out = self.variants(node.named_child(0)?, depth + 1)?;
                for v in self.variants(node.named_child(2)?, depth + 1)? {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                (out.len() <= MAX).then_some(out)
            }
            "binary_operator" => {
                if text(node.field("operator")?, self.src) != "+" {
                    return None;
                }
                let l = self.variants(node.field("left")?, depth + 1)?;
                let r = self.variants(node.field("right")?, depth + 1)?;
                product(l, r)
            }
            "concatenated_string" => {
                let mut out = vec![String::new()];
                for part in node.named_children() {
                    out = product(out, self.variants(part, depth + 1)?)?;
                }
                Some(out)
            }
            "string" => {
                let mut out = vec![String::new()];
                let mut raw = false;
                for part in node.children() {
                    let v = match part.kind() {
                        "string_start" => {
                            raw = text(part, self.src).to_ascii_lowercase().contains('r');
                            continue;
                        }
                        "string_content" => vec![unescape_python(&text(part, self.src), raw)],
                        "interpolation" => self.variants(part.field("expression")?, depth + 1)?,
                        _ => continue,
                    };
                    out = product(out, v)?;
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A description made of constants and imported names, as pieces; only when some piece is
    /// imported (otherwise it folds, or is not of this shape).
    fn pieces(&self, node: Node<'_>, depth: u32) -> Option<Vec<Piece>> {
        if depth > FOLD_DEPTH {
            return None;
        }
        if let Some((s, _)) = self.fold(node, depth) {
            return Some(vec![Piece::Text(s)]);
        }
        let out = match node.kind() {
            "identifier" => {
                // An import, not a name the file assigns (those are bindings too).
                let name = text(node, self.src);
                if self.values.contains_key(&*name) {
                    return None;
                }
                vec![Piece::Import(self.binding(&name)?.clone())]
            }
            "parenthesized_expression" => self.pieces(node.named_child(0)?, depth + 1)?,
            "binary_operator" => {
                if text(node.field("operator")?, self.src) != "+" {
                    return None;
                }
                let mut l = self.pieces(node.field("left")?, depth + 1)?;
                l.extend(self.pieces(node.field("right")?, depth + 1)?);
                l
            }
            "concatenated_string" => {
                let mut out = Vec::new();
                for part in node.named_children() {
                    out.extend(self.pieces(part, depth + 1)?);
                }
                out
            }
            "string" => {
                let mut out = Vec::new();
                let mut raw = false;
                for part in node.children() {
                    match part.kind() {
                        "string_start" => {
                            raw = text(part, self.src).to_ascii_lowercase().contains('r')
                        }
                        "string_content" => {
                            out.push(Piece::Text(unescape_python(&text(part, self.src), raw)))
                        }
                        "interpolation" => {
                            out.extend(self.pieces(part.field("expression")?, depth + 1)?)
                        }
                        _ => {}
                    }
                }
                out
            }
            _ => return None,
        };
        out.iter()
            .any(|p| matches!(p, Piece::Import(_)))
            .then_some(out)
    }

    /// Whether an expression reads only operator configuration: constants, parameters of the
    /// enclosing functions (`executor`, `snowflake_service`), the environment, attributes of
    /// those, names assigned such values, string methods on them, and functions of the file.
    /// Imported names are pushed on `names` for the package phase to check. Bounded in depth.
    fn configuration(&self, node: Node<'_>, depth: u32, names: &mut Vec<String>) -> bool {
        if depth > 16 || self.budget.get() == 0 {
            return false;
        }
        self.budget.set(self.budget.get() - 1);
        let all = |n: Node<'_>, names: &mut Vec<String>| {
            let children: Vec<_> = n.named_children().collect();
            children
                .into_iter()
                .filter(|k| k.kind() != "comment")
                .all(|k| self.configuration(k, depth + 1, names))
        };
        match node.kind() {
            "integer" | "float" | "true" | "false" | "none" | "string_start" | "string_content"
            | "string_end" | "escape_sequence" | "lambda" | "format_specifier"
            | "type_conversion" => true,
            "string"
            | "interpolation"
            | "concatenated_string"
            | "binary_operator"
            | "boolean_operator"
            | "comparison_operator"
            | "not_operator"
            | "unary_operator"
            | "conditional_expression"
            | "parenthesized_expression"
            | "list"
            | "tuple"
            | "set"
            | "dictionary"
            | "pair"
            | "argument_list"
            | "generator_expression"
            | "list_comprehension"
            | "for_in_clause"
            | "if_clause"
            | "list_splat"
            | "dictionary_splat" => all(node, names),
            // `f(name=value)`: the name is the parameter's, not a read.
            "keyword_argument" => node
                .field("value")
                .is_some_and(|v| self.configuration(v, depth + 1, names)),
            "identifier" => {
                let name = text(node, self.src);
                if self.consts.contains_key(&*name)
                    || matches!(&*name, "os" | "sys" | "self" | "cls")
                    || self.facts.is_param_at(&name, node.start_byte())
                {
                    return true;
                }
                if let Some(values) = self.values.get(&*name) {
                    return values
                        .iter()
                        .all(|v| self.configuration(*v, depth + 1, names));
                }
                if let Some(target) = self.binding(&name) {
                    // Type machinery of the standard library and pydantic reads nothing.
                    const PURE: [&str; 5] =
                        ["typing.", "enum.", "dataclasses.", "pydantic.", "textwrap."];
                    if !PURE.iter().any(|p| target.starts_with(p)) {
                        names.push(target.clone());
                    }
                    return true;
                }
                false
            }
            "attribute" => node
                .field("object")
                .is_some_and(|o| self.configuration(o, depth + 1, names)),
            "subscript" => {
                let parts: Vec<_> = node.named_children().collect();
                parts
                    .into_iter()
                    .all(|p| self.configuration(p, depth + 1, names))
            }
            "call" => {
                let Some(f) = node.field("function") else {
                    return false;
                };
                if !node.field("arguments").is_some_and(|a| all(a, names)) {
                    return false;
                }
                if f.kind() == "attribute"
                    && f.field("attribute")
                        .is_some_and(|a| METHODS.contains(&&*text(a, self.src)))
                {
                    return f
                        .field("object")
                        .is_some_and(|o| self.configuration(o, depth + 1, names));
                }
                let Some((callee, _)) = self.callee_of(f, depth + 1) else {
                    return false;
                };
                if BUILTINS.contains(&callee.as_str())
                    || self.classes.contains(&callee)
                    || self.pure_names.contains(&callee)
                {
                    return true;
                }
                let head = text(f, self.src);
                let head = head.split('.').next().unwrap_or("");
                if self.facts.bindings.contains_key(head) {
                    names.push(callee);
                    return true;
                }
                false
            }
            _ => false,
        }
    }

    /// [`FileFacts::globals`]: module-level names whose value is configuration, and classes.
    fn globals(&mut self) {
        let mut out: HashMap<String, Vec<String>> = self
            .classes
            .iter()
            .map(|c| (c.clone(), Vec::new()))
            .collect();
        for (name, value) in std::mem::take(&mut self.top_values) {
            let mut names = Vec::new();
            self.budget.set(CONFIG_BUDGET);
            if self.bound.get(&name) == Some(&1) && self.configuration(value, 0, &mut names) {
                out.insert(name, names);
            }
        }
        self.facts.globals = out;
    }

    /// The low-level `mcp.server.Server`: `Tool(name=…, description=…, inputSchema=…)` declared in a
    /// `list_tools` handler, dispatched in `call_tool` by `if name == "…"` branches. A `Tool` whose
    /// name is computed (`name=info.get("display_name", key)`) lists tools defined elsewhere: a
    /// generic registration.
    fn low_level_tools(&mut self) {
        let decls: Vec<usize> = (0..self.facts.calls.len())
            .filter(|&i| {
                let c = &self.facts.calls[i];
                (c.callee == "Tool" || c.callee.ends_with(".Tool")) && c.keyword("name").is_some()
            })
            .collect();
        if decls.is_empty() {
            return;
        }
        let branches = super::Branches::new(self.dispatch_branches());
        for i in decls {
            let c = &self.facts.calls[i];
            let Some(name) = c
                .keyword("name")
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned)
            else {
                self.generic = true;
                continue;
            };
            let mut tool = Tool::new(name, ToolKind::Tool, c.span);
            if let Some(d) = self.keyword_node(self.call_nodes[i], "description") {
                tool.set_description(self.description(d));
            }
            let schema = c
                .keyword("inputSchema")
                .or_else(|| c.keyword("input_schema"));
            if let Some((_, schema)) = schema {
                tool.params = schema_params(schema);
            }
            tool.ranges = branches.of(&tool.name).to_vec();
            self.facts.tools.push(tool);
        }
    }

    /// A function registered as a command-line sub-command (`@cli.command()`, `@app.command()`
    /// of click and typer) runs only when the user types it.
    fn command_gate(&mut self, node: Node<'t>) {
        let command = node.named_children().any(|d| {
            d.kind() == "decorator" && {
                let t = text(d, self.src);
                t.contains(".command(") || t.contains(".command\n") || t.ends_with(".command")
            }
        });
        if command && let Some(def) = node.field("definition") {
            self.facts.command_gates.push(def.byte_range());
        }
    }

    /// `(tool name, byte range)` of every `if name == "x":` / `elif` / `case "x":` branch.
    fn dispatch_branches(&self) -> Vec<(String, std::ops::Range<usize>)> {
        let mut out = Vec::new();
        for &node in &self.branches {
            let (literal, body) = if node.kind() == "case_clause" {
                let pattern = node.named_children().find(|n| n.kind() == "case_pattern");
                let lit = pattern
                    .and_then(|p| p.named_child(0))
                    .and_then(|s| self.fold(s, 0));
                (lit.map(|f| f.0), node.field("consequence"))
            } else {
                let cond = node
                    .field("condition")
                    .filter(|c| c.kind() == "comparison_operator");
                let lit = cond.and_then(|c| {
                    let ops: Vec<_> = c.named_children().collect();
                    let eq = c.children().any(|t| t.kind() == "==");
                    if !eq || ops.len() != 2 {
                        return None;
                    }
                    ops.iter()
                        .find(|n| n.kind() == "string")
                        .and_then(|s| self.fold(*s, 0))
                        .map(|f| f.0)
                });
                (lit, node.field("consequence"))
            };
            if let (Some(name), Some(body)) = (literal, body) {
                out.push((name, body.byte_range()));
            }
        }
        out
    }
}

/// Parameters from a JSON-schema-shaped literal: `{"type": "object", "properties": {"a": {...}}}`.
pub(super) fn schema_params(schema: &Value) -> Vec<Param> {
    let Some(Value::Object { entries }) = schema.entry("properties") else {
        return Vec::new();
    };
    entries
        .iter()
        .map(|(name, spec)| Param {
            name: name.clone(),
            ty: spec
                .entry("type")
                .and_then(Value::as_str)
                .map(str::to_owned),
            description: spec
                .entry("description")
                .and_then(Value::as_str)
                .map(str::to_owned),
        })
        .collect()
}

fn percent_format(fmt: &str, values: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut vals = values.iter();
    let mut chars = fmt.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            '%' => out.push('%'),
            's' | 'd' | 'r' | 'i' => out.push_str(vals.next()?),
            _ => return None,
        }
    }
    Some(out)
}

fn brace_format(fmt: &str, values: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut next = 0;
    let mut rest = fmt;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let close = rest[i..].find('}')? + i;
        let inner = &rest[i + 1..close];
        let idx = if inner.is_empty() {
            next += 1;
            next - 1
        } else {
            inner.parse().ok()?
        };
        out.push_str(values.get(idx)?);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    Some(out)
}

fn rot13(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            'a'..='z' => (((c as u8 - b'a' + 13) % 26) + b'a') as char,
            'A'..='Z' => (((c as u8 - b'A' + 13) % 26) + b'A') as char,
            _ => c,
        })
        .collect()
}

/// Methods that compute on the value they are called on (strings, dicts, lists).
const METHODS: [&str; 17] = [
    "join",
    "format",
    "strip",
    "rstrip",
    "lstrip",
    "lower",
    "upper",
    "title",
    "capitalize",
    "replace",
    "split",
    "get",
    "keys",
    "values",
    "items",
    "getenv",
    "dedent",
];

/// Built-in and standard-library functions that compute on their arguments.
const BUILTINS: [&str; 17] = [
    "typing.get_args",
    "typing.get_type_hints",
    "enum.Enum",
    "str",
    "len",
    "sorted",
    "list",
    "repr",
    "int",
    "bool",
    "tuple",
    "set",
    "min",
    "max",
    "os.getenv",
    "textwrap.dedent",
    "inspect.cleandoc",
];

/// Callees that compute without reading the network or the disk ([`Function::pure`]).
fn pure_callee(callee: &str) -> bool {
    const MORE: [&str; 14] = [
        "print",
        "dict",
        "float",
        "range",
        "enumerate",
        "zip",
        "isinstance",
        "getattr",
        "hasattr",
        "json.dumps",
        "json.loads",
        "any",
        "all",
        "map",
    ];
    let method = callee.rsplit('.').next().unwrap_or(callee);
    // `.get` is a dict's and an HTTP client's alike: only the environment's counts.
    BUILTINS.contains(&callee)
        || MORE.contains(&callee)
        || callee == "os.environ.get"
        || (callee.contains('.') && method != "get" && METHODS.contains(&method))
        || callee.starts_with("re.")
        || callee.starts_with("typing.")
}

/// Decorator names that say "this registers a tool" (`@tool("x")`, `@register_tool`, `@mcp_tool`),
/// short of the SDKs' own `call_tool`/`list_tools` handlers.
fn is_tool_decorator(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "tool"
        || (n.ends_with("_tool") && !n.starts_with("call") && !n.starts_with("list"))
        || n.starts_with("tool_")
}

pub(super) fn truncate(s: &mut String, max: usize) {
    if s.len() > max {
        let mut cut = max;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push('…');
    }
}
