//! JavaScript/TypeScript facts (one extractor for the JS, TS and TSX grammars, whose expression
//! nodes agree): ESM imports, `require` with destructuring, dynamic `import()`, calls resolved
//! through them, string folding (`+`, template literals, `String.fromCharCode`, `atob`,
//! `Buffer.from(…, 'base64')`, `split('').reverse().join('')`), functions, and MCP declarations
//! (`server.tool`, `server.registerTool`, prompts/resources, and the low-level
//! `setRequestHandler(ListToolsRequestSchema…)` with `switch` dispatch).

use std::cell::{Cell, RefCell};
use std::ops::Range;

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use crate::syntax::{Node, Syntax};

use super::fold::{as_text, base64_decode, hex_decode, unescape_js};
use super::limits::{
    ARG_NAMES, BINDING_LEN, CONFIG_BUDGET, CONTAINER_ITEMS, FOLD_DEPTH, WRITTEN_LEN,
};
use super::memo::{Folded, Folds, IdMap, Name, add_name, read_names};
use super::python::schema_params;
use super::{
    Arg, Assign, Call, Candidate, Desc, FileFacts, Fold, Function, Import, ListLens, Param,
    Pending, Piece, RETURN, Span, StringLit, Tool, ToolKind, Value, argv_gates, bind_loop_variable,
    is_clock, list_item, resolve_path, statement_text, text, text_head, walk,
};

/// Statements that move data between names ([`Assign`]).
const FLOW_KINDS: [&str; 5] = [
    "variable_declarator",
    "assignment_expression",
    "augmented_assignment_expression",
    "for_in_statement",
    "return_statement",
];

const FUNCTION_KINDS: [&str; 6] = [
    "function_declaration",
    "function_expression",
    "arrow_function",
    "method_definition",
    "generator_function_declaration",
    "function",
];

struct Js<'t, 's> {
    src: &'s [u8],
    facts: FileFacts,
    consts: HashMap<String, String>,
    /// Names bound to an array literal → the item a `for (x of name)` loop variable stands for.
    lists: HashMap<String, Value>,
    objects: HashSet<String>,
    /// Module-level names bound to a string constant ([`FileFacts::constants`] once bound once).
    top_consts: HashMap<String, String>,
    /// How many times each name is bound anywhere in the file.
    bound: HashMap<String, u32>,
    /// The value expressions assigned to each name (a few per name), to tell configuration from
    /// data when a description reads the name.
    values: HashMap<String, Vec<Node<'t>>>,
    /// Names updated by `++`, `--` or `+=`: counters.
    counters: HashSet<String>,
    /// Classes declared in the file.
    classes: HashSet<String>,
    /// Names of the file's pure functions ([`super::Function::pure`]), once purity is known: a
    /// call asks by name, and searching the functions per call cost calls x functions (20 000
    /// module names bound to a call beside 20 000 functions: 1.7 s).
    pure_names: HashSet<String>,
    /// Node visits left to the current [`Js::configuration`] question.
    budget: Cell<usize>,
    /// Folds computed once the constants are known ([`Self::fold`]).
    folds: Folds,
    /// The first function of each name, once the functions are known ([`super::first_named`]).
    fn_named: HashMap<String, usize>,
    /// The names each asked expression reads ([`Self::names`]).
    names_memo: RefCell<IdMap<Vec<Name<'s>>>>,
    counter_nodes: Vec<Node<'t>>,
    exports: Vec<Node<'t>>,
    /// The call node of each entry of `facts.calls`.
    call_nodes: Vec<Node<'t>>,
    calls: Vec<(Node<'t>, Option<u32>)>,
    /// (node, enclosing function, item count of the list literal holding it)
    strings: Vec<(Node<'t>, Option<u32>, u32)>,
    decls: Vec<(Node<'t>, Option<u32>)>,
    /// Each function with its parent.
    func_nodes: Vec<(Node<'t>, Option<Node<'t>>)>,
    objects_nodes: Vec<Node<'t>>,
    branches: Vec<Node<'t>>,
    flows: Vec<(Node<'t>, Option<u32>)>,
    covered_until: usize,
}

pub(super) fn extract<'t>(
    syntax: &'t Syntax,
    src: &[u8],
    on_node: Option<super::OnNode<'_, 't>>,
) -> FileFacts {
    let mut js = Js {
        src,
        facts: FileFacts::default(),
        consts: HashMap::new(),
        lists: HashMap::new(),
        objects: HashSet::new(),
        top_consts: HashMap::new(),
        bound: HashMap::new(),
        values: HashMap::new(),
        counters: HashSet::new(),
        classes: HashSet::new(),
        pure_names: HashSet::new(),
        budget: Cell::new(0),
        folds: Folds::new(src.len()),
        fn_named: HashMap::new(),
        names_memo: RefCell::new(IdMap::default()),
        counter_nodes: Vec::new(),
        exports: Vec::new(),
        call_nodes: Vec::new(),
        calls: Vec::new(),
        strings: Vec::new(),
        decls: Vec::new(),
        func_nodes: Vec::new(),
        objects_nodes: Vec::new(),
        branches: Vec::new(),
        flows: Vec::new(),
        covered_until: 0,
    };
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
        let kind = node.kind();
        if FLOW_KINDS.contains(&kind) {
            js.flows.push((node, enclosing));
        }
        match kind {
            "import_statement" => {
                imports.push(node);
                return false;
            }
            k if FUNCTION_KINDS.contains(&k) => {
                let idx = u32::try_from(js.func_nodes.len()).unwrap_or(u32::MAX);
                js.func_nodes.push((node, parent));
                stack.push((idx, node.end_byte()));
            }
            "call_expression" => {
                js.calls.push((node, enclosing));
                js.strings.push((node, enclosing, list_lens.of(parent)));
            }
            "new_expression" => js.calls.push((node, enclosing)),
            "binary_expression" if parent.is_some_and(|p| p.kind() == "binary_expression") => {}
            "string" | "template_string" | "binary_expression" => {
                js.strings.push((node, enclosing, list_lens.of(parent)))
            }
            "variable_declarator" | "assignment_expression" | "for_in_statement" => {
                js.decls.push((node, enclosing));
            }
            "update_expression" | "augmented_assignment_expression" => js.counter_nodes.push(node),
            "export_statement" => js.exports.push(node),
            "object" => js.objects_nodes.push(node),
            "switch_case" | "if_statement" => js.branches.push(node),
            "class_declaration" => {
                if let Some(n) = node.field("name") {
                    js.classes.insert(js.text(n));
                }
            }
            _ => {}
        }
        true
    });
    for node in imports {
        js.import(node);
    }
    js.functions();
    js.fn_named = super::first_named(&js.facts.functions);
    js.facts.function_parents = super::nesting(&js.facts.function_ranges);
    for (node, f) in std::mem::take(&mut js.decls) {
        js.bind(node, f);
    }
    js.facts.constants = std::mem::take(&mut js.top_consts)
        .into_iter()
        .filter(|(k, _)| js.bound.get(k) == Some(&1))
        .collect();
    for node in std::mem::take(&mut js.counter_nodes) {
        let target = node.field("argument").or_else(|| node.field("left"));
        if let Some(t) = target {
            let mut names = Vec::new();
            js.target_names(t, &mut names);
            js.counters.extend(names);
        }
    }
    // From here on the constants are known. Nested calls each fold their arguments and name what
    // they read, which hold the inner calls: each node's answers are remembered, computed innermost
    // first (reverse pre-order), so the passes stay linear in the nesting.
    js.folds.start();
    for &(node, _, _) in js.strings.iter().rev() {
        js.fold(node, 0);
    }
    for &(node, _) in js.calls.iter().rev() {
        // Each argument once (what `call` records), then the call itself from them (what an
        // enclosing call's argument splices in).
        for a in js.arg_nodes(node) {
            js.names(a);
        }
        js.names(node);
    }
    for (node, f) in std::mem::take(&mut js.calls) {
        js.call(node, f);
    }
    // A class of the file is constructed, not read from anywhere.
    let classes = std::mem::take(&mut js.classes);
    super::tools::purity(&mut js.facts, |c| pure_callee(c) || classes.contains(c));
    js.classes = classes;
    js.pure_names = js.facts.pure_names();
    for (node, f, n) in std::mem::take(&mut js.strings) {
        js.string(node, f, n);
    }
    js.folds.stop();
    for &(node, _) in js.flows.iter().rev() {
        if let Some((_, value)) = assign_parts(node) {
            js.names(value);
        }
    }
    for (node, f) in std::mem::take(&mut js.flows) {
        js.assign(node, f);
    }
    js.facts.command_gates = argv_gates(&js.branches, src);
    js.commander_gates();
    js.tools();
    js.globals();
    js.facts.folds_spent = js.folds.spent();
    js.facts
}

/// Methods that compute on the value they are called on (strings, arrays, objects).
const STRING_METHODS: [&str; 16] = [
    "join",
    "map",
    "filter",
    "toString",
    "trim",
    "replace",
    "replaceAll",
    "toLowerCase",
    "toUpperCase",
    "concat",
    "slice",
    "split",
    "padEnd",
    "padStart",
    "keys",
    "includes",
];

/// Global functions that compute on their arguments.
const BUILTINS: [&str; 8] = [
    "String",
    "Number",
    "JSON.stringify",
    "Object.keys",
    "Object.values",
    "Object.entries",
    "Array.from",
    "Boolean",
];

/// Callees that compute without reading the network or the disk ([`Function::pure`]).
fn pure_callee(callee: &str) -> bool {
    let method = callee.rsplit('.').next().unwrap_or(callee);
    BUILTINS.contains(&callee)
        || (callee.contains('.') && STRING_METHODS.contains(&method))
        || callee.starts_with("Math.")
        || callee.starts_with("z.")
        || callee.starts_with("zod.")
}

fn strip_node_prefix(m: &str) -> String {
    m.strip_prefix("node:").unwrap_or(m).to_owned()
}

/// Skips wrappers that do not change what an expression names.
fn unwrap(mut node: Node<'_>) -> Node<'_> {
    while matches!(
        node.kind(),
        "parenthesized_expression"
            | "await_expression"
            | "as_expression"
            | "non_null_expression"
            | "satisfies_expression"
    ) {
        match node.named_child(0) {
            Some(n) => node = n,
            None => break,
        }
    }
    node
}

/// What an assignment-like statement ([`FLOW_KINDS`]) binds and the value it binds: no target for
/// a `return`.
fn assign_parts(node: Node<'_>) -> Option<(Option<Node<'_>>, Node<'_>)> {
    let (target, value) = match node.kind() {
        "variable_declarator" => (node.field("name"), node.field("value")),
        "return_statement" => (None, node.named_child(0).filter(|n| n.kind() != "comment")),
        _ => (node.field("left"), node.field("right")),
    };
    Some((target, value?))
}

impl<'t> Js<'t, '_> {
    fn text(&self, node: Node<'_>) -> String {
        text(node, self.src).into_owned()
    }

    fn import(&mut self, node: Node<'t>) {
        let Some(source) = node.field("source") else {
            return;
        };
        let module = strip_node_prefix(&self.fold(source, 0).map(|f| f.0).unwrap_or_default());
        self.facts.imports.push(Import {
            module: module.clone(),
            span: Span::of(node),
            dynamic: false,
        });
        let Some(clause) = node.named_children().find(|n| n.kind() == "import_clause") else {
            return;
        };
        for part in clause.named_children() {
            match part.kind() {
                "identifier" => {
                    self.facts.bindings.insert(self.text(part), module.clone());
                }
                "namespace_import" => {
                    if let Some(id) = part.named_child(0) {
                        self.facts.bindings.insert(self.text(id), module.clone());
                    }
                }
                "named_imports" => {
                    for spec in part
                        .named_children()
                        .filter(|n| n.kind() == "import_specifier")
                    {
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let orig = self.fold(name, 0).map_or_else(|| self.text(name), |f| f.0);
                        let local = spec
                            .field("alias")
                            .map_or_else(|| orig.clone(), |a| self.text(a));
                        let target = if orig == "default" {
                            module.clone()
                        } else {
                            format!("{module}.{orig}")
                        };
                        self.facts.bindings.insert(local, target);
                    }
                }
                _ => {}
            }
        }
    }

    fn functions(&mut self) {
        for (node, parent) in std::mem::take(&mut self.func_nodes) {
            let name = node
                .field("name")
                .map(|n| self.text(n))
                .or_else(|| {
                    let p = parent?;
                    match p.kind() {
                        "variable_declarator" => p.field("name").map(|n| self.text(n)),
                        "pair" => p.field("key").map(|n| self.text(n)),
                        "assignment_expression" => p.field("left").map(|n| self.text(n)),
                        _ => None,
                    }
                })
                .unwrap_or_else(|| "<anonymous>".to_owned());
            let params = self.params(node).into_iter().map(|p| p.name).collect();
            self.facts.functions.push(Function {
                name,
                params,
                span: Span::of(node),
                doc: None,
                decorated: false,
                callees: Vec::new(),
                pure: true,
            });
            self.facts.function_ranges.push(node.byte_range());
        }
    }

    fn params(&self, func: Node<'_>) -> Vec<Param> {
        let mut out = Vec::new();
        if let Some(p) = func.field("parameter") {
            out.push(Param {
                name: self.text(p),
                ty: None,
                description: None,
            });
            return out;
        }
        let Some(list) = func.field("parameters") else {
            return out;
        };
        for p in list.named_children() {
            let (pattern, ty) = match p.kind() {
                "required_parameter" | "optional_parameter" => (
                    p.field("pattern"),
                    p.field("type")
                        .map(|t| self.text(t).trim_start_matches(':').trim().to_owned()),
                ),
                "assignment_pattern" => (p.field("left"), None),
                _ => (Some(p), None),
            };
            let Some(pattern) = pattern else { continue };
            self.pattern_names(pattern, &mut |name| {
                out.push(Param {
                    name,
                    ty: ty.clone(),
                    description: None,
                })
            });
        }
        out
    }

    /// Every name a binding pattern introduces (`{a, b: c, ...rest}`, `[x, y]`, `z = 1`).
    fn pattern_names(&self, pattern: Node<'_>, push: &mut dyn FnMut(String)) {
        let mut stack = vec![(pattern, 0u32)];
        while let Some((n, depth)) = stack.pop() {
            if depth > FOLD_DEPTH {
                continue;
            }
            match n.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => push(self.text(n)),
                "pair_pattern" => stack.extend(n.field("value").map(|v| (v, depth + 1))),
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(n.field("left").map(|v| (v, depth + 1)));
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    let children: Vec<_> = n.named_children().collect();
                    stack.extend(children.into_iter().rev().map(|v| (v, depth + 1)));
                }
                _ => {}
            }
        }
    }

    fn bind(&mut self, node: Node<'t>, function: Option<u32>) {
        let (target, value) = match node.kind() {
            "variable_declarator" => (node.field("name"), node.field("value")),
            "for_in_statement" => {
                let of = node.field("operator").is_some_and(|o| self.text(o) == "of");
                if let (true, Some(var), Some(over)) = (
                    of,
                    node.field("left").filter(|l| l.kind() == "identifier"),
                    node.field("right"),
                ) {
                    let item = match unwrap(over).kind() {
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
            _ => (node.field("left"), node.field("right")),
        };
        let (Some(target), Some(value)) = (target, value) else {
            return;
        };
        let value = unwrap(value);
        match target.kind() {
            "identifier" => {
                let name = self.text(target);
                *self.bound.entry(name.clone()).or_default() += 1;
                let values = self.values.entry(name.clone()).or_default();
                if values.len() < 8 {
                    values.push(value);
                }
                if let Some((s, _)) = self.fold(value, 0) {
                    if function.is_none() {
                        self.top_consts.insert(name.clone(), s.clone());
                    }
                    self.consts.insert(name, s);
                    return;
                }
                if value.kind() == "object" {
                    self.objects.insert(name);
                    return;
                }
                if value.kind() == "array" {
                    if let Some(item) = list_item(self.describe(value, 0)) {
                        self.lists.insert(name, item);
                    }
                    return;
                }
                if let Some(module) = self.module_of(value, 0) {
                    if module.len() <= BINDING_LEN {
                        self.facts.bindings.insert(name, module);
                    }
                    return;
                }
                let bound = match self.describe(value, 0) {
                    Value::Call { callee } => format!("{callee}()"),
                    Value::Path { path } if path.contains('.') => path,
                    _ => return,
                };
                if bound.len() <= BINDING_LEN {
                    self.facts.bindings.insert(name, bound);
                }
            }
            "object_pattern" => {
                // const { exec, spawn: sp } = require('child_process')
                let base = self
                    .module_of(value, 0)
                    .or_else(|| match self.describe(value, 0) {
                        Value::Path { path } => Some(path),
                        _ => None,
                    });
                let Some(base) = base.filter(|b| b.len() <= BINDING_LEN) else {
                    return;
                };
                for p in target.named_children() {
                    match p.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let n = self.text(p);
                            self.facts.bindings.insert(n.clone(), format!("{base}.{n}"));
                        }
                        "pair_pattern" => {
                            let key = p.field("key").map(|k| self.text(k));
                            let local = p.field("value").filter(|v| v.kind() == "identifier");
                            if let (Some(key), Some(local)) = (key, local) {
                                self.facts
                                    .bindings
                                    .insert(self.text(local), format!("{base}.{key}"));
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }

    /// `require('m')`, `require('m').x`, `import('m')`: the module path, resolved.
    fn module_of(&self, node: Node<'_>, depth: u32) -> Option<String> {
        // A chain of members is followed down to its base as far as folding goes, and no deeper:
        // a file may hold a chain tens of thousands long.
        if self.folds.past_limit(depth) {
            return None;
        }
        let node = unwrap(node);
        match node.kind() {
            "call_expression" => {
                let f = node.field("function")?;
                if f.kind() != "import" && !self.is_require(f) {
                    return None;
                }
                let arg = node.field("arguments")?.named_child(0)?;
                self.fold(arg, 0).map(|f| strip_node_prefix(&f.0))
            }
            "member_expression" => {
                let obj = node.field("object")?;
                let prop = node.field("property")?;
                let base = self.module_of(obj, depth + 1)?;
                Some(format!("{base}.{}", self.text(prop)))
            }
            _ => None,
        }
    }

    /// Whether callee `f` resolves to `require`: only a name can (`require`, or a name bound to
    /// it), so a long callee (a bundle's module function, a chain of calls) is not copied out to
    /// find that it does not.
    fn is_require(&self, f: Node<'_>) -> bool {
        if f.kind() != "identifier" && f.byte_range().len() > 256 {
            return false;
        }
        resolve_path(&text(f, self.src), &self.facts.bindings) == "require"
    }

    fn callee_of(&self, node: Node<'_>, depth: u32) -> Option<(String, bool)> {
        self.callee_below(node, depth, false)
    }

    /// [`Js::callee_of`]; `no_module` says that [`Js::module_of`] is known to be `None` at `node`
    /// (its member expression's was): each level of a chain asking it again would walk the rest
    /// of the chain, quadratic in its length.
    fn callee_below(&self, node: Node<'_>, depth: u32, no_module: bool) -> Option<(String, bool)> {
        if self.folds.past_limit(depth) {
            return None;
        }
        let node = unwrap(node);
        if !no_module && let Some(m) = self.module_of(node, depth) {
            return Some((
                m,
                node.kind() == "call_expression" && self.is_dynamic_require(node),
            ));
        }
        match node.kind() {
            "identifier" => Some((
                resolve_path(&text(node, self.src), &self.facts.bindings),
                false,
            )),
            "this" => Some(("this".to_owned(), false)),
            "member_expression" => {
                let obj = node.field("object")?;
                let prop = node.field("property")?;
                // `module_of(node)` is `None`, so is its object's.
                let (mut head, computed) = self.callee_below(obj, depth + 1, true)?;
                head.push('.');
                head.push_str(&text(prop, self.src));
                Some((head, computed))
            }
            "subscript_expression" => {
                let obj = node.field("object")?;
                let idx = node.field("index")?;
                let (key, how) = self.fold(idx, depth + 1)?;
                let (head, _) = self.callee_of(obj, depth + 1)?;
                // The name is hidden when the key is built from an expression on a module or
                // namespace (`cp['ex'+'ec']`, a constant holding the name), or when any key
                // indexes the global object. A literal key (`a['default']`) or a key on a call's
                // result (`target[name].concat` in a bundle) names data, not a hidden function.
                let global = head == "globalThis" || head == "global" || head == "window";
                let computed = global || (how != Fold::Literal && !head.contains("()"));
                let head = if global { String::new() } else { head + "." };
                Some((head + &key, computed))
            }
            "call_expression" | "new_expression" => {
                let f = node
                    .field("function")
                    .or_else(|| node.field("constructor"))?;
                let (inner, computed) = self.callee_of(f, depth + 1)?;
                Some((inner + "()", computed))
            }
            _ => None,
        }
    }

    fn is_dynamic_require(&self, call: Node<'_>) -> bool {
        call.field("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|a| a.kind() != "string")
    }

    fn call(&mut self, node: Node<'t>, function: Option<u32>) {
        let f = node.field("function").or_else(|| node.field("constructor"));
        let Some(f) = f else { return };
        let is_import = f.kind() == "import";
        let (callee, computed) = if is_import {
            ("import".to_owned(), false)
        } else {
            self.callee_of(f, 0)
                .unwrap_or_else(|| ("<expr>".to_owned(), false))
        };
        if is_import || callee == "require" {
            let arg = node.field("arguments").and_then(|a| a.named_child(0));
            let module = arg
                .and_then(|a| self.fold(a, 0))
                .map(|f| strip_node_prefix(&f.0));
            let dynamic = is_import || arg.is_some_and(|a| a.kind() != "string");
            self.facts.imports.push(Import {
                module: module.unwrap_or_else(|| "<computed>".to_owned()),
                span: Span::of(node),
                dynamic,
            });
        }
        let mut args = Vec::new();
        if let Some(list) = node.field("arguments") {
            for a in list.named_children().filter(|a| a.kind() != "comment") {
                args.push(Arg {
                    keyword: None,
                    value: self.describe(a, 0),
                    span: Span::of(a),
                    names: self.names(a),
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

    /// The names an assignment target binds or updates: identifiers and patterns, a subscript's
    /// root, and a member's property and object (`this` left out).
    fn target_names(&self, node: Node<'_>, out: &mut Vec<String>) {
        let mut stack = vec![(node, 0u32)];
        while let Some((n, depth)) = stack.pop() {
            if depth > FOLD_DEPTH || out.len() >= ARG_NAMES {
                break;
            }
            match n.kind() {
                "identifier" | "shorthand_property_identifier_pattern" => {
                    let name = self.text(n);
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
                "member_expression" => {
                    if let Some(p) = n.field("property") {
                        let name = self.text(p);
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                    stack.extend(n.field("object").map(|o| (o, depth + 1)));
                }
                "subscript_expression" => {
                    stack.extend(n.field("object").map(|o| (o, depth + 1)));
                }
                "pair_pattern" => {
                    stack.extend(n.field("value").map(|v| (v, depth + 1)));
                }
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(n.field("left").map(|v| (v, depth + 1)));
                }
                "object_pattern"
                | "array_pattern"
                | "rest_pattern"
                | "parenthesized_expression" => {
                    let children: Vec<_> = n.named_children().collect();
                    stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
                }
                _ => {}
            }
        }
    }

    /// The names an expression reads ([`read_names`]): identifiers, and of `a.b` both `a`'s names
    /// and `b`.
    fn names(&self, node: Node<'_>) -> Vec<String> {
        read_names(node, &self.names_memo, |n, out, stack| {
            match n.kind() {
                "identifier" | "shorthand_property_identifier" => {
                    add_name(out, text(n, self.src));
                    true
                }
                "member_expression" => {
                    // `args.token` reads `args` and names `token`.
                    stack.extend(n.field("object"));
                    if let Some(p) = n.field("property") {
                        add_name(out, text(p, self.src));
                    }
                    true
                }
                // A function expression's own name is bound inside it, not read.
                "function_expression" | "function" | "generator_function" => {
                    let own = n.field("name").map(|x| x.id());
                    let at = stack.len();
                    stack.extend(n.named_children().filter(|x| Some(x.id()) != own));
                    stack[at..].reverse();
                    true
                }
                _ => false,
            }
        })
    }

    fn describe(&self, node: Node<'_>, depth: u32) -> Value {
        if depth > FOLD_DEPTH {
            return Value::Other;
        }
        let node = unwrap(node);
        if let Some((value, how)) = self.fold(node, depth) {
            return Value::Str { value, how };
        }
        match node.kind() {
            "number" => Value::Number {
                text: self.text(node),
            },
            "unary_expression"
                if node.field("argument").is_some_and(|a| a.kind() == "number")
                    && node.field("operator").is_some_and(|o| o.kind() == "-") =>
            {
                Value::Number {
                    text: self.text(node).split_whitespace().collect(),
                }
            }
            "true" => Value::Bool { value: true },
            "false" => Value::Bool { value: false },
            "null" | "undefined" => Value::Null,
            "identifier" | "member_expression" | "subscript_expression" => {
                match self.callee_of(node, depth + 1) {
                    Some((path, _)) => Value::Path { path },
                    None => Value::Other,
                }
            }
            "call_expression" | "new_expression" => match self.callee_of(node, depth + 1) {
                Some((callee, _)) => Value::Call {
                    callee: callee
                        .strip_suffix("()")
                        .map(str::to_owned)
                        .unwrap_or(callee),
                },
                None => Value::Other,
            },
            "object" => {
                let mut entries = Vec::new();
                for p in node.named_children().take(CONTAINER_ITEMS) {
                    match p.kind() {
                        "pair" => {
                            let key = p
                                .field("key")
                                .map(|k| {
                                    self.fold(k, depth + 1)
                                        .map_or_else(|| self.text(k), |f| f.0)
                                })
                                .unwrap_or_default();
                            let value = p
                                .field("value")
                                .map_or(Value::Other, |v| self.describe(v, depth + 1));
                            entries.push((key, value));
                        }
                        "shorthand_property_identifier" => {
                            let name = self.text(p);
                            let value = match self.consts.get(&name) {
                                Some(s) => Value::Str {
                                    value: s.clone(),
                                    how: Fold::Folded,
                                },
                                None => Value::Path {
                                    path: resolve_path(&name, &self.facts.bindings),
                                },
                            };
                            entries.push((name, value));
                        }
                        "spread_element" => {
                            let inner = p
                                .named_child(0)
                                .map_or(Value::Other, |v| self.describe(v, depth + 1));
                            entries.push(("...".to_owned(), inner));
                        }
                        "method_definition" => {
                            entries.push((
                                p.field("name").map(|n| self.text(n)).unwrap_or_default(),
                                Value::Function,
                            ));
                        }
                        _ => {}
                    }
                }
                Value::Object { entries }
            }
            "array" => Value::List {
                items: node
                    .named_children()
                    .take(CONTAINER_ITEMS)
                    .map(|n| self.describe(n, depth + 1))
                    .collect(),
            },
            k if FUNCTION_KINDS.contains(&k) => Value::Function,
            _ => Value::Other,
        }
    }

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
        let node = unwrap(node);
        let out = match node.kind() {
            "string" => {
                let mut s = String::new();
                for part in node.named_children() {
                    match part.kind() {
                        "string_fragment" => s.push_str(&text(part, self.src)),
                        "escape_sequence" => s.push_str(&unescape_js(&text(part, self.src))),
                        _ => {}
                    }
                }
                (s, Fold::Literal)
            }
            "template_string" => {
                let mut s = String::new();
                let mut how = Fold::Literal;
                for part in node.named_children() {
                    match part.kind() {
                        "string_fragment" => s.push_str(&text(part, self.src)),
                        "escape_sequence" => s.push_str(&unescape_js(&text(part, self.src))),
                        "template_substitution" => {
                            s.push_str(&self.fold(part.named_child(0)?, depth + 1)?.0);
                            how = Fold::Folded;
                        }
                        _ => {}
                    }
                }
                (s, how)
            }
            "identifier" => {
                return self.folds.constant(&self.consts, &text(node, self.src));
            }
            "binary_expression" => {
                let op = node.field("operator")?;
                if text(op, self.src) != "+" {
                    return None;
                }
                let (l, lh) = self.fold(node.field("left")?, depth + 1)?;
                let (r, rh) = self.fold(node.field("right")?, depth + 1)?;
                (l + &r, lh.max(rh).max(Fold::Folded))
            }
            "call_expression" => self.fold_call(node, depth)?,
            "new_expression" => return None,
            _ => return None,
        };
        self.folds
            .admit(out.0.len(), node.end_byte() - node.start_byte())
            .then_some(out)
    }

    fn fold_call(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let f = unwrap(node.field("function")?);
        let args = node.field("arguments")?;
        let arg = |i: usize| args.named_child(i);
        if f.kind() == "member_expression" {
            let method = text(f.field("property")?, self.src).into_owned();
            let obj = f.field("object")?;
            // [..].join(sep) and s.split('').reverse().join('')
            if method == "join" {
                let sep = match arg(0) {
                    Some(a) => self.fold(a, depth + 1)?.0,
                    None => ",".to_owned(),
                };
                let obj = unwrap(obj);
                if obj.kind() == "array" {
                    let parts: Vec<String> = obj
                        .named_children()
                        .map(|n| self.fold(n, depth + 1).map(|f| f.0))
                        .collect::<Option<_>>()?;
                    return Some((parts.join(&sep), Fold::Folded));
                }
                let rev = self.reversed_split(obj, depth)?;
                return Some((rev, Fold::Folded));
            }
            if method == "toString" || method == "trim" {
                // Buffer.from('…', 'base64').toString()
                let inner = unwrap(obj);
                if inner.kind() == "call_expression" {
                    let callee = self.callee_of(inner.field("function")?, depth + 1)?.0;
                    if callee == "Buffer.from" || callee == "buffer.Buffer.from" {
                        let a = inner.field("arguments")?;
                        let (payload, _) = self.fold(a.named_child(0)?, depth + 1)?;
                        let enc = a
                            .named_child(1)
                            .and_then(|e| self.fold(e, depth + 1))
                            .map(|f| f.0);
                        let bytes = match enc.as_deref() {
                            Some("base64" | "base64url") => base64_decode(&payload)?,
                            Some("hex") => hex_decode(&payload)?,
                            _ => payload.into_bytes(),
                        };
                        return as_text(bytes).map(|t| (t, Fold::Decoded));
                    }
                }
                return self.fold(obj, depth + 1);
            }
            if let Some((recv, how)) = self.fold(obj, depth + 1) {
                return match method.as_str() {
                    "toLowerCase" => Some((recv.to_lowercase(), how.max(Fold::Folded))),
                    "toUpperCase" => Some((recv.to_uppercase(), how.max(Fold::Folded))),
                    "concat" => {
                        let mut s = recv;
                        for a in args.named_children() {
                            s.push_str(&self.fold(a, depth + 1)?.0);
                        }
                        Some((s, Fold::Folded))
                    }
                    "replace" | "replaceAll" => {
                        let (a, _) = self.fold(arg(0)?, depth + 1)?;
                        let (b, _) = self.fold(arg(1)?, depth + 1)?;
                        Some((recv.replace(&a, &b), Fold::Folded))
                    }
                    _ => None,
                };
            }
        }
        let callee = self.callee_of(f, depth + 1)?.0;
        match callee.as_str() {
            "String.fromCharCode" => {
                let s: String = args
                    .named_children()
                    .map(|n| {
                        let t = text(n, self.src);
                        let t = t.trim();
                        let v = match t.strip_prefix("0x") {
                            Some(h) => u32::from_str_radix(h, 16).ok(),
                            None => t.parse().ok(),
                        };
                        v.and_then(char::from_u32)
                    })
                    .collect::<Option<_>>()?;
                Some((s, Fold::Decoded))
            }
            "atob" => {
                let (s, _) = self.fold(arg(0)?, depth + 1)?;
                as_text(base64_decode(&s)?).map(|t| (t, Fold::Decoded))
            }
            "decodeURIComponent" | "decodeURI" | "unescape" => {
                let (s, _) = self.fold(arg(0)?, depth + 1)?;
                Some((percent_decode(&s)?, Fold::Decoded))
            }
            "String" => self.fold(arg(0)?, depth + 1),
            _ => None,
        }
    }

    /// `s.split('').reverse()` → s reversed.
    fn reversed_split(&self, node: Node<'_>, depth: u32) -> Option<String> {
        let node = unwrap(node);
        let f = node.field("function")?;
        if f.kind() != "member_expression" || text(f.field("property")?, self.src) != "reverse" {
            return None;
        }
        let split = unwrap(f.field("object")?);
        let sf = split.field("function")?;
        if text(sf.field("property")?, self.src) != "split" {
            return None;
        }
        let (s, _) = self.fold(sf.field("object")?, depth + 1)?;
        Some(s.chars().rev().collect())
    }

    fn string(&mut self, node: Node<'t>, function: Option<u32>, list_len: u32) {
        // Only the root of a folded string expression is recorded: `'a' + 'b'` once, as "ab".
        if node.start_byte() < self.covered_until {
            return;
        }
        let span = Span::of(node);
        let folded = self.fold(node, 0);
        if folded.is_some() && node.kind() != "string" {
            self.covered_until = node.end_byte();
        }
        if node.kind() == "call_expression" {
            // Recorded only when it computes a string (`atob(...)`, `[...].join('')`).
            if let Some((value, how)) = folded.filter(|(v, _)| v.chars().count() >= 2) {
                self.facts.strings.push(StringLit {
                    value,
                    how,
                    span,
                    function,
                    list_len,
                });
            }
            return;
        }
        match folded {
            Some((value, how)) => self.facts.strings.push(StringLit {
                value,
                how,
                span,
                function,
                list_len,
            }),
            None if node.kind() == "template_string" => {
                let mut partial = String::new();
                for part in node.named_children() {
                    match part.kind() {
                        "string_fragment" => partial.push_str(&text(part, self.src)),
                        "template_substitution" => partial.push_str("{…}"),
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
            None => {}
        }
    }

    /// commander's `program.command("install").action(fn)`: the callback runs only when the user
    /// types that sub-command.
    fn commander_gates(&mut self) {
        let gates: Vec<_> = self
            .facts
            .calls
            .iter()
            .filter(|c| c.callee.ends_with(".command().action") || c.written.contains(".command("))
            .filter(|c| c.written.ends_with(".action"))
            .flat_map(|c| c.args.iter().filter(|a| a.value == Value::Function))
            .map(|a| a.span.range())
            .collect();
        self.facts.command_gates.extend(gates);
    }

    /// MCP declarations: `server.tool(…)`, `server.registerTool(…)`, prompts and resources,
    /// tool-definition objects (`{ name, description, inputSchema }`) of low-level servers, and
    /// the [`Candidate`]s of packages that register tools generically: definition objects with a
    /// schema or handler key (`{ name, description, schema, handler }`), entries of a registry
    /// object keyed by tool name, and modules exporting `metadata` and a `handler`.
    fn tools(&mut self) {
        let branches = super::Branches::new(self.dispatch_branches());
        let mut tools = Vec::new();
        let mut generic = false;
        for (ci, call) in self.facts.calls.iter().enumerate() {
            let method = call.callee.rsplit('.').next().unwrap_or("");
            let kind = match method {
                "tool" | "registerTool" | "addTool" => ToolKind::Tool,
                "prompt" | "registerPrompt" => ToolKind::Prompt,
                "resource" | "registerResource" => ToolKind::Resource,
                _ => continue,
            };
            if !call.callee.contains('.') {
                continue;
            }
            let args = self.arg_nodes(self.call_nodes[ci]);
            let Some(Value::Str { value: name, .. }) = call.positional(0).map(|a| &a.value) else {
                match (call.positional(0).map(|a| &a.value), args.first()) {
                    // FastMCP for TS: server.addTool({ name, description, parameters, execute })
                    (Some(Value::Object { .. }), Some(&obj)) if method == "addTool" => {
                        match self.definition_object(obj, None, &branches) {
                            Some((t, _)) => tools.push(t),
                            None => generic = true,
                        }
                    }
                    // registerTool(tool.name, { description: tool.description, … }, handler)
                    (Some(Value::Path { .. } | Value::Call { .. } | Value::Other), _) => {
                        generic = kind == ToolKind::Tool || generic;
                    }
                    _ => {}
                }
                continue;
            };
            let mut tool = Tool::new(name.clone(), kind, call.span);
            for (i, arg) in call.args.iter().enumerate().skip(1) {
                let last = i + 1 == call.args.len();
                let node = args.get(i).copied();
                match &arg.value {
                    Value::Str { value, .. }
                        if i == 1 || (kind == ToolKind::Resource && i == 2) =>
                    {
                        if kind == ToolKind::Resource && i == 1 {
                            continue; // the URI
                        }
                        tool.description = Some(value.clone());
                        tool.description_span = Some(arg.span);
                    }
                    Value::Object { entries } if !last => {
                        let config = entries
                            .iter()
                            .any(|(k, _)| k == "description" || k == "inputSchema" || k == "title");
                        if config {
                            if let Some(d) = node.and_then(|n| self.pair_value(n, "description")) {
                                tool.set_description(self.description(d));
                            }
                            if let Some(schema) = node.and_then(|n| {
                                self.pair_value(n, "inputSchema")
                                    .or_else(|| self.pair_value(n, "argsSchema"))
                            }) {
                                tool.params = self.shape_params(schema);
                            }
                        } else if let Some(n) = node {
                            tool.params = self.shape_params(n);
                        }
                    }
                    Value::Function if last => {
                        tool.handler = super::function_starting_at(
                            &self.facts.function_ranges,
                            arg.span.start,
                        )
                        .and_then(|h| u32::try_from(h).ok());
                        tool.ranges.push(arg.span.range());
                    }
                    Value::Path { path } if last => {
                        if let Some(&fi) = self.fn_named.get(path) {
                            tool.handler = u32::try_from(fi).ok();
                            tool.ranges.push(self.facts.function_ranges[fi].clone());
                        }
                    }
                    Value::Path { path } if i == 1 && self.objects.contains(path) => {}
                    Value::Path { .. } | Value::Call { .. } | Value::Other if i == 1 => {
                        if let Some(n) = node {
                            tool.set_description(self.description(n));
                        }
                    }
                    _ => {}
                }
            }
            tools.push(tool);
        }
        let mut candidates = Vec::new();
        // An object inside a tool is not another tool: the registered tools by binary search,
        // the tools defined by objects (found in order, each after the last) by the furthest end.
        let registered = super::Cover::new(tools.iter().map(|t: &Tool| t.span.range()).collect());
        let mut defined_to = 0;
        for node in std::mem::take(&mut self.objects_nodes) {
            let at = node.start_byte();
            if registered.contains(at) || at < defined_to {
                continue;
            }
            // A tool list mapped from a collection: `{ name: t.metadata.name, inputSchema: … }`.
            if let Some(name) = self.pair_value(node, "name")
                && matches!(name.kind(), "member_expression" | "call_expression")
                && self.pair_value(node, "inputSchema").is_some()
            {
                generic = true;
            }
            let keyed = self.registry_key(node);
            match self.definition_object(node, keyed, &branches) {
                Some((t, true)) => {
                    defined_to = defined_to.max(t.span.end);
                    tools.push(t);
                }
                Some((t, false)) => candidates.push(Candidate {
                    tool: t,
                    decorator: None,
                }),
                None => {}
            }
        }
        candidates.extend(self.metadata_module().map(|tool| Candidate {
            tool,
            decorator: None,
        }));
        self.facts.tools = tools;
        self.facts.candidates = candidates;
        self.facts.registers_generically = generic;
        self.guards();
    }

    /// The argument nodes of a call, in the order of [`Call::args`].
    fn arg_nodes(&self, call: Node<'t>) -> Vec<Node<'t>> {
        let Some(list) = call.field("arguments") else {
            return Vec::new();
        };
        list.named_children()
            .filter(|a| a.kind() != "comment")
            .collect()
    }

    /// The value node of `key` in an object literal (a shorthand property is its own value).
    fn pair_value(&self, object: Node<'t>, key: &str) -> Option<Node<'t>> {
        let object = unwrap(object);
        if object.kind() != "object" {
            return None;
        }
        object.named_children().find_map(|p| match p.kind() {
            "pair" => {
                let k = p.field("key")?;
                (self.key_text(k) == key)
                    .then(|| p.field("value"))
                    .flatten()
            }
            "shorthand_property_identifier" | "method_definition" => {
                let n = p.field("name").unwrap_or(p);
                (text(n, self.src) == key).then_some(p)
            }
            _ => None,
        })
    }

    fn key_text(&self, key: Node<'_>) -> String {
        self.fold(key, 0).map_or_else(|| self.text(key), |f| f.0)
    }

    /// For an object that is the value of a `"tool_name": { … }` entry, that key. Only asked of
    /// objects shaped like a definition without a name of their own, so the parent lookups
    /// (which walk down from the root) stay few.
    fn registry_key(&self, node: Node<'t>) -> Option<String> {
        if self.pair_value(node, "name").is_some() || self.pair_value(node, "description").is_none()
        {
            return None;
        }
        let pair = node.parent().filter(|p| p.kind() == "pair")?;
        let key = pair.field("key")?;
        matches!(key.kind(), "string" | "property_identifier").then(|| self.key_text(key))
    }

    /// A tool-definition object: a string `name` (or `keyed`, the registry key it is the value
    /// of), a `description`, and a schema or handler key. The flag says whether it is a tool on its
    /// own (a named object with an `inputSchema`, the low-level SDK's shape) rather than a
    /// [`Candidate`].
    fn definition_object(
        &self,
        node: Node<'t>,
        keyed: Option<String>,
        branches: &super::Branches,
    ) -> Option<(Tool, bool)> {
        const SCHEMA_KEYS: [&str; 7] = [
            "inputSchema",
            "input_schema",
            "schema",
            "parameters",
            "args",
            "argsSchema",
            "paramsSchema",
        ];
        const HANDLER_KEYS: [&str; 6] = ["handler", "execute", "function", "fn", "run", "callback"];
        let own = self
            .pair_value(node, "name")
            .and_then(|n| self.constant_name(n));
        let input_schema = self.pair_value(node, "inputSchema");
        let direct = own.is_some() && input_schema.is_some();
        let named = own.is_some();
        let name = own.or(keyed)?;
        let description = self.pair_value(node, "description");
        let schema = SCHEMA_KEYS.iter().find_map(|k| self.pair_value(node, k));
        let handler = HANDLER_KEYS.iter().find_map(|k| self.pair_value(node, k));
        // A registry entry named only by its key needs a handler or an unmistakable schema key:
        // a table of CLI commands with `args` is not a tool list.
        let strong_schema = SCHEMA_KEYS[..4]
            .iter()
            .any(|k| self.pair_value(node, k).is_some());
        let shaped = handler.is_some() || (schema.is_some() && (named || strong_schema));
        if !direct && (description.is_none() || !shaped) {
            return None;
        }
        let span = Span::of(node);
        let mut tool = Tool::new(name, ToolKind::Tool, span);
        match description {
            Some(d) => tool.set_description(self.description(d)),
            None => tool.description_span = Some(span),
        }
        if let Some(s) = schema {
            tool.params = self.shape_params(s);
        }
        if let Some(h) = handler.and_then(|h| self.function_of(h)) {
            tool.handler = u32::try_from(h).ok();
            tool.ranges.push(self.facts.function_ranges[h].clone());
        }
        tool.ranges.extend_from_slice(branches.of(&tool.name));
        Some((tool, direct))
    }

    /// A tool name written in a definition: a literal, or a module constant bound once (a bundle's
    /// hundred `name` variables are not the tool's name).
    fn constant_name(&self, node: Node<'_>) -> Option<String> {
        let node = unwrap(node);
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                self.facts.constants.get(&*text(node, self.src)).cloned()
            }
            _ => self.fold(node, 0).map(|f| f.0),
        }
    }

    /// The function of the file a handler value is: an inline function, a method, or a function
    /// of the file named by an identifier.
    fn function_of(&self, node: Node<'_>) -> Option<usize> {
        let node = unwrap(node);
        match node.kind() {
            "identifier" | "shorthand_property_identifier" => {
                self.fn_named.get(&*text(node, self.src)).copied()
            }
            k if FUNCTION_KINDS.contains(&k) => {
                super::function_starting_at(&self.facts.function_ranges, node.start_byte())
            }
            _ => None,
        }
    }

    /// A tool module: `export const metadata = { name, description }` with `export function
    /// handler(…)` (or `execute`/`run`), and `export const inputSchema = { … }` for its parameters.
    fn metadata_module(&self) -> Option<Tool> {
        let mut metadata = None;
        let mut handler = None;
        let mut schema = None;
        for &e in &self.exports {
            let Some(decl) = e.field("declaration") else {
                continue;
            };
            let mut named: Vec<(String, Node<'t>)> = Vec::new();
            match decl.kind() {
                "lexical_declaration" | "variable_declaration" => {
                    for d in decl.named_children() {
                        if let (Some(n), Some(v)) = (d.field("name"), d.field("value")) {
                            named.push((self.text(n), v));
                        }
                    }
                }
                k if FUNCTION_KINDS.contains(&k) => {
                    if let Some(n) = decl.field("name") {
                        named.push((self.text(n), decl));
                    }
                }
                _ => {}
            }
            for (name, value) in named {
                match name.as_str() {
                    "metadata" => metadata = Some(value),
                    "handler" | "execute" | "run" => handler = handler.or(self.function_of(value)),
                    "inputSchema" | "schema" => schema = Some(value),
                    _ => {}
                }
            }
        }
        let metadata = metadata?;
        let handler = handler?;
        let name = self
            .pair_value(metadata, "name")
            .and_then(|n| self.constant_name(n))?;
        let span = Span::of(metadata);
        let mut tool = Tool::new(name, ToolKind::Tool, span);
        if let Some(d) = self.pair_value(metadata, "description") {
            tool.set_description(self.description(d));
        }
        if let Some(s) = schema {
            tool.params = self.shape_params(s);
        }
        tool.handler = u32::try_from(handler).ok();
        tool.ranges
            .push(self.facts.function_ranges[handler].clone());
        Some(tool)
    }

    /// Branches taken on a counter (`if (++calls === 5)`) or the clock (`if (Date.now() > T)`)
    /// run after the tools were listed ([`FileFacts::late`]).
    fn guards(&mut self) {
        let mut late = Vec::new();
        for &node in &self.branches {
            if node.kind() != "if_statement" {
                continue;
            }
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
    /// (`REMOTE ? "a" : "b"`, `` `List${ext ? " with extensions" : ""}.` ``), at most eight.
    fn variants(&self, node: Node<'_>, depth: u32) -> Option<Vec<String>> {
        const MAX: usize = 8;
        if depth > FOLD_DEPTH {
            return None;
        }
        if let Some((s, _)) = self.fold(node, depth) {
            return Some(vec![s]);
        }
        let node = unwrap(node);
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
            "ternary_expression" => {
                let mut out = self.variants(node.field("consequence")?, depth + 1)?;
                for v in self.variants(node.field("alternative")?, depth + 1)? {
                    if !out.contains(&v) {
                        out.push(v);
                    }
                }
                (out.len() <= MAX).then_some(out)
            }
            "binary_expression" => {
                if text(node.field("operator")?, self.src) != "+" {
                    return None;
                }
                let l = self.variants(node.field("left")?, depth + 1)?;
                let r = self.variants(node.field("right")?, depth + 1)?;
                product(l, r)
            }
            "template_string" => {
                let mut out = vec![String::new()];
                for part in node.named_children() {
                    let v = match part.kind() {
                        "string_fragment" => vec![self.text(part)],
                        "escape_sequence" => vec![unescape_js(&text(part, self.src))],
                        "template_substitution" => {
                            self.variants(part.named_child(0)?, depth + 1)?
                        }
                        _ => continue,
                    };
                    out = product(out, v)?;
                }
                Some(out)
            }
            _ => None,
        }
    }

    /// A description made of constants and names imported from relative modules, as pieces; only
    /// when some piece is imported (otherwise it folds, or is not of this shape).
    fn pieces(&self, node: Node<'_>, depth: u32) -> Option<Vec<Piece>> {
        if depth > FOLD_DEPTH {
            return None;
        }
        if let Some((s, _)) = self.fold(node, depth) {
            return Some(vec![Piece::Text(s)]);
        }
        let node = unwrap(node);
        let out = match node.kind() {
            "identifier" => {
                let name = text(node, self.src);
                if self.values.contains_key(&*name) {
                    return None;
                }
                let target = self.facts.bindings.get(&*name)?;
                target
                    .starts_with('.')
                    .then(|| vec![Piece::Import(target.clone())])?
            }
            "binary_expression" => {
                if text(node.field("operator")?, self.src) != "+" {
                    return None;
                }
                let mut l = self.pieces(node.field("left")?, depth + 1)?;
                l.extend(self.pieces(node.field("right")?, depth + 1)?);
                l
            }
            "template_string" => {
                let mut out = Vec::new();
                for part in node.named_children() {
                    match part.kind() {
                        "string_fragment" => out.push(Piece::Text(self.text(part))),
                        "escape_sequence" => {
                            out.push(Piece::Text(unescape_js(&text(part, self.src))))
                        }
                        "template_substitution" => {
                            out.extend(self.pieces(part.named_child(0)?, depth + 1)?)
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
    /// enclosing functions (`cliArgs`), the environment, members of those, names assigned such
    /// values, string methods on them, and functions of the file. Names imported from relative
    /// modules are pushed on `names` for the package phase to check. Bounded in depth.
    fn configuration(&self, node: Node<'_>, depth: u32, names: &mut Vec<String>) -> bool {
        if depth > 16 || self.budget.get() == 0 {
            return false;
        }
        self.budget.set(self.budget.get() - 1);
        let node = unwrap(node);
        let all = |n: Node<'_>, names: &mut Vec<String>| {
            let children: Vec<_> = n.named_children().collect();
            children
                .into_iter()
                .filter(|k| k.kind() != "comment")
                .all(|k| self.configuration(k, depth + 1, names))
        };
        match node.kind() {
            "string"
            | "number"
            | "true"
            | "false"
            | "null"
            | "undefined"
            | "this"
            | "string_fragment"
            | "escape_sequence"
            | "regex"
            | "property_identifier" => true,
            k if FUNCTION_KINDS.contains(&k) => true,
            "template_string"
            | "template_substitution"
            | "binary_expression"
            | "ternary_expression"
            | "unary_expression"
            | "array"
            | "spread_element"
            | "object"
            | "pair"
            | "arguments"
            | "sequence_expression" => all(node, names),
            "identifier" | "shorthand_property_identifier" => {
                let name = text(node, self.src);
                if self.consts.contains_key(&*name) || name == "process" {
                    return true;
                }
                if self.facts.is_param_at(&name, node.start_byte()) {
                    return true;
                }
                if let Some(values) = self.values.get(&*name) {
                    return values
                        .iter()
                        .all(|v| self.configuration(*v, depth + 1, names));
                }
                match self.facts.bindings.get(&*name) {
                    Some(target) if target.starts_with('.') => {
                        names.push(target.clone());
                        true
                    }
                    Some(target) => target.starts_with("process."),
                    None => false,
                }
            }
            "member_expression" | "subscript_expression" => {
                let index_ok = node
                    .field("index")
                    .is_none_or(|i| self.configuration(i, depth + 1, names));
                index_ok
                    && node
                        .field("object")
                        .is_some_and(|o| self.configuration(o, depth + 1, names))
            }
            "new_expression" => {
                let Some(f) = node.field("constructor").map(unwrap) else {
                    return false;
                };
                let args_ok = node.field("arguments").is_none_or(|a| all(a, names));
                let Some((callee, _)) = self.callee_of(f, depth + 1).filter(|_| args_ok) else {
                    return false;
                };
                if self.classes.contains(&callee) {
                    return true;
                }
                if callee.starts_with('.') {
                    names.push(callee);
                    return true;
                }
                false
            }
            "call_expression" => {
                let Some(f) = node.field("function").map(unwrap) else {
                    return false;
                };
                let args_ok = node.field("arguments").is_some_and(|a| all(a, names));
                if !args_ok {
                    return false;
                }
                if f.kind() == "member_expression" {
                    let method = f
                        .field("property")
                        .map(|p| text(p, self.src).into_owned())
                        .unwrap_or_default();
                    if STRING_METHODS.contains(&method.as_str()) {
                        return f
                            .field("object")
                            .is_some_and(|o| self.configuration(o, depth + 1, names));
                    }
                }
                let Some((callee, _)) = self.callee_of(f, depth + 1) else {
                    return false;
                };
                if BUILTINS.contains(&callee.as_str()) || self.pure_names.contains(&callee) {
                    return true;
                }
                if callee.starts_with('.') {
                    names.push(callee);
                    return true;
                }
                false
            }
            _ => false,
        }
    }

    /// [`FileFacts::globals`]: exported constants whose value is configuration, and classes.
    fn globals(&mut self) {
        let mut out: HashMap<String, Vec<String>> = self
            .classes
            .iter()
            .map(|c| (c.clone(), Vec::new()))
            .collect();
        for &e in &self.exports {
            let Some(decl) = e
                .field("declaration")
                .filter(|d| matches!(d.kind(), "lexical_declaration" | "variable_declaration"))
            else {
                continue;
            };
            for d in decl.named_children() {
                let (Some(n), Some(v)) = (d.field("name"), d.field("value")) else {
                    continue;
                };
                let mut names = Vec::new();
                self.budget.set(CONFIG_BUDGET);
                if self.configuration(v, 0, &mut names) {
                    out.insert(self.text(n), names);
                }
            }
        }
        self.facts.globals = out;
    }

    /// Parameters of a zod shape (`{ a: z.string().describe("…") }`, `z.object({…})`) or of a JSON
    /// schema (`{ type: "object", properties: {…} }`), with their types and descriptions.
    fn shape_params(&self, node: Node<'_>) -> Vec<Param> {
        let mut node = unwrap(node);
        if node.kind() == "call_expression"
            && node
                .field("function")
                .is_some_and(|f| text(f, self.src).ends_with(".object"))
            && let Some(shape) = node.field("arguments").and_then(|a| a.named_child(0))
        {
            node = unwrap(shape);
        }
        if node.kind() != "object" {
            return Vec::new();
        }
        if self.pair_value(node, "properties").is_some() {
            return schema_params(&self.describe(node, 0));
        }
        let mut out = Vec::new();
        for p in node.named_children().take(CONTAINER_ITEMS) {
            let (name, value) = match p.kind() {
                "pair" => match (p.field("key"), p.field("value")) {
                    (Some(k), Some(v)) => (self.key_text(k), Some(v)),
                    _ => continue,
                },
                "shorthand_property_identifier" => (self.text(p), None),
                _ => continue,
            };
            let (ty, description) = value.map_or((None, None), |v| self.zod_chain(v));
            out.push(Param {
                name,
                ty,
                description,
            });
        }
        out
    }

    /// The type and `.describe("…")` text of a zod chain (`z.number().int().describe("…")`): the
    /// innermost method is the type.
    fn zod_chain(&self, node: Node<'_>) -> (Option<String>, Option<String>) {
        let (mut ty, mut description) = (None, None);
        let mut n = unwrap(node);
        for _ in 0..FOLD_DEPTH {
            let Some(f) = n
                .field("function")
                .map(unwrap)
                .filter(|f| n.kind() == "call_expression" && f.kind() == "member_expression")
            else {
                break;
            };
            let Some(prop) = f.field("property") else {
                break;
            };
            let prop = self.text(prop);
            if prop == "describe" && description.is_none() {
                description = n
                    .field("arguments")
                    .and_then(|a| a.named_child(0))
                    .and_then(|a| self.fold(a, 0))
                    .map(|f| f.0);
            }
            ty = Some(prop);
            let Some(obj) = f.field("object") else {
                break;
            };
            n = unwrap(obj);
        }
        (ty, description)
    }

    /// `(tool name, byte range)` for `case "x":` and `if (name === "x")` branches.
    fn dispatch_branches(&self) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        for &node in &self.branches {
            if node.kind() == "switch_case" {
                if let Some(v) = node.field("value").and_then(|v| self.fold(v, 0)) {
                    out.push((v.0, node.byte_range()));
                }
                continue;
            }
            let Some(cond) = node
                .field("condition")
                .and_then(|c| c.named_child(0))
                .map(unwrap)
            else {
                continue;
            };
            if cond.kind() != "binary_expression" {
                continue;
            }
            let op = cond.field("operator").map(|o| self.text(o));
            if !matches!(op.as_deref(), Some("===" | "==")) {
                continue;
            }
            let lit = [cond.field("left"), cond.field("right")]
                .into_iter()
                .flatten()
                .find(|n| n.kind() == "string")
                .and_then(|n| self.fold(n, 0));
            if let (Some((name, _)), Some(body)) = (lit, node.field("consequence")) {
                out.push((name, body.byte_range()));
            }
        }
        out
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let h = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(h, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
