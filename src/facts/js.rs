//! JavaScript/TypeScript facts (one extractor for the JS, TS and TSX grammars, whose expression
//! nodes agree): ESM imports, `require` with destructuring, dynamic `import()`, calls resolved
//! through them, string folding (`+`, template literals, `String.fromCharCode`, `atob`,
//! `Buffer.from(…, 'base64')`, `split('').reverse().join('')`), functions, and MCP declarations
//! (`server.tool`, `server.registerTool`, prompts/resources, and the low-level
//! `setRequestHandler(ListToolsRequestSchema…)` with `switch` dispatch).

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use tree_sitter::{Node, Tree};

use super::fold::{as_text, base64_decode, hex_decode, unescape_js};
use super::limits::{ARG_NAMES, CONTAINER_ITEMS, FOLD_DEPTH, FOLD_LEN, WRITTEN_LEN};
use super::python::{schema_params, truncate};
use super::{
    Arg, Assign, Call, FileFacts, Fold, Function, Import, Param, RETURN, Span, StringLit, Tool,
    ToolKind, Value, argv_gates, bind_loop_variable, list_item, list_len, resolve_path,
    statement_text, text, walk,
};

type Folded = (String, Fold);

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
    calls: Vec<(Node<'t>, Option<u32>)>,
    /// (node, enclosing function, item count of the list literal holding it)
    strings: Vec<(Node<'t>, Option<u32>, u32)>,
    decls: Vec<Node<'t>>,
    /// Each function with its parent.
    func_nodes: Vec<(Node<'t>, Option<Node<'t>>)>,
    objects_nodes: Vec<Node<'t>>,
    branches: Vec<Node<'t>>,
    flows: Vec<(Node<'t>, Option<u32>)>,
    covered_until: usize,
}

pub(super) fn extract(tree: &Tree, src: &[u8]) -> FileFacts {
    let mut js = Js {
        src,
        facts: FileFacts::default(),
        consts: HashMap::new(),
        lists: HashMap::new(),
        objects: HashSet::new(),
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
    walk(tree, |node, parent| {
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
                js.strings.push((node, enclosing, list_len(parent)));
            }
            "new_expression" => js.calls.push((node, enclosing)),
            "binary_expression" if parent.is_some_and(|p| p.kind() == "binary_expression") => {}
            "string" | "template_string" | "binary_expression" => {
                js.strings.push((node, enclosing, list_len(parent)))
            }
            "variable_declarator" | "assignment_expression" | "for_in_statement" => {
                js.decls.push(node);
            }
            "object" => js.objects_nodes.push(node),
            "switch_case" | "if_statement" => js.branches.push(node),
            _ => {}
        }
        true
    });
    for node in imports {
        js.import(node);
    }
    js.functions();
    for node in std::mem::take(&mut js.decls) {
        js.bind(node);
    }
    for (node, f) in std::mem::take(&mut js.calls) {
        js.call(node, f);
    }
    for (node, f, n) in std::mem::take(&mut js.strings) {
        js.string(node, f, n);
    }
    for (node, f) in std::mem::take(&mut js.flows) {
        js.assign(node, f);
    }
    js.facts.command_gates = argv_gates(&js.branches, src);
    js.commander_gates();
    js.tools();
    js.facts
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

impl<'t> Js<'t, '_> {
    fn text(&self, node: Node<'_>) -> String {
        text(node, self.src).into_owned()
    }

    fn import(&mut self, node: Node<'t>) {
        let Some(source) = node.child_by_field_name("source") else {
            return;
        };
        let module = strip_node_prefix(&self.fold(source, 0).map(|f| f.0).unwrap_or_default());
        self.facts.imports.push(Import {
            module: module.clone(),
            span: Span::of(node),
            dynamic: false,
        });
        let mut c = node.walk();
        let Some(clause) = node
            .named_children(&mut c)
            .find(|n| n.kind() == "import_clause")
        else {
            return;
        };
        let mut c = clause.walk();
        for part in clause.named_children(&mut c) {
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
                    let mut c2 = part.walk();
                    for spec in part
                        .named_children(&mut c2)
                        .filter(|n| n.kind() == "import_specifier")
                    {
                        let Some(name) = spec.child_by_field_name("name") else {
                            continue;
                        };
                        let orig = self.fold(name, 0).map_or_else(|| self.text(name), |f| f.0);
                        let local = spec
                            .child_by_field_name("alias")
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
                .child_by_field_name("name")
                .map(|n| self.text(n))
                .or_else(|| {
                    let p = parent?;
                    match p.kind() {
                        "variable_declarator" => {
                            p.child_by_field_name("name").map(|n| self.text(n))
                        }
                        "pair" => p.child_by_field_name("key").map(|n| self.text(n)),
                        "assignment_expression" => {
                            p.child_by_field_name("left").map(|n| self.text(n))
                        }
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
            });
            self.facts.function_ranges.push(node.byte_range());
        }
    }

    fn params(&self, func: Node<'_>) -> Vec<Param> {
        let mut out = Vec::new();
        if let Some(p) = func.child_by_field_name("parameter") {
            out.push(Param {
                name: self.text(p),
                ty: None,
                description: None,
            });
            return out;
        }
        let Some(list) = func.child_by_field_name("parameters") else {
            return out;
        };
        let mut c = list.walk();
        for p in list.named_children(&mut c) {
            let (pattern, ty) = match p.kind() {
                "required_parameter" | "optional_parameter" => (
                    p.child_by_field_name("pattern"),
                    p.child_by_field_name("type")
                        .map(|t| self.text(t).trim_start_matches(':').trim().to_owned()),
                ),
                "assignment_pattern" => (p.child_by_field_name("left"), None),
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
                "pair_pattern" => {
                    stack.extend(n.child_by_field_name("value").map(|v| (v, depth + 1)))
                }
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(n.child_by_field_name("left").map(|v| (v, depth + 1)));
                }
                "object_pattern" | "array_pattern" | "rest_pattern" => {
                    let mut c = n.walk();
                    let children: Vec<_> = n.named_children(&mut c).collect();
                    stack.extend(children.into_iter().rev().map(|v| (v, depth + 1)));
                }
                _ => {}
            }
        }
    }

    fn bind(&mut self, node: Node<'t>) {
        let (target, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "for_in_statement" => {
                let of = node
                    .child_by_field_name("operator")
                    .is_some_and(|o| self.text(o) == "of");
                if let (true, Some(var), Some(over)) = (
                    of,
                    node.child_by_field_name("left")
                        .filter(|l| l.kind() == "identifier"),
                    node.child_by_field_name("right"),
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
            _ => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
        };
        let (Some(target), Some(value)) = (target, value) else {
            return;
        };
        let value = unwrap(value);
        match target.kind() {
            "identifier" => {
                let name = self.text(target);
                if let Some((s, _)) = self.fold(value, 0) {
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
                if let Some(module) = self.module_of(value) {
                    self.facts.bindings.insert(name, module);
                    return;
                }
                match self.describe(value, 0) {
                    Value::Call { callee } => {
                        self.facts.bindings.insert(name, format!("{callee}()"));
                    }
                    Value::Path { path } if path.contains('.') => {
                        self.facts.bindings.insert(name, path);
                    }
                    _ => {}
                }
            }
            "object_pattern" => {
                // const { exec, spawn: sp } = require('child_process')
                let base = self
                    .module_of(value)
                    .or_else(|| match self.describe(value, 0) {
                        Value::Path { path } => Some(path),
                        _ => None,
                    });
                let Some(base) = base else { return };
                let mut c = target.walk();
                for p in target.named_children(&mut c) {
                    match p.kind() {
                        "shorthand_property_identifier_pattern" => {
                            let n = self.text(p);
                            self.facts.bindings.insert(n.clone(), format!("{base}.{n}"));
                        }
                        "pair_pattern" => {
                            let key = p.child_by_field_name("key").map(|k| self.text(k));
                            let local = p
                                .child_by_field_name("value")
                                .filter(|v| v.kind() == "identifier");
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
    fn module_of(&self, node: Node<'_>) -> Option<String> {
        let node = unwrap(node);
        match node.kind() {
            "call_expression" => {
                let f = node.child_by_field_name("function")?;
                let is_import = f.kind() == "import";
                if !is_import && resolve_path(&self.text(f), &self.facts.bindings) != "require" {
                    return None;
                }
                let arg = node.child_by_field_name("arguments")?.named_child(0)?;
                self.fold(arg, 0).map(|f| strip_node_prefix(&f.0))
            }
            "member_expression" => {
                let obj = node.child_by_field_name("object")?;
                let prop = node.child_by_field_name("property")?;
                let base = self.module_of(obj)?;
                Some(format!("{base}.{}", self.text(prop)))
            }
            _ => None,
        }
    }

    fn callee_of(&self, node: Node<'_>, depth: u32) -> Option<(String, bool)> {
        if depth > FOLD_DEPTH {
            return None;
        }
        let node = unwrap(node);
        if let Some(m) = self.module_of(node) {
            return Some((
                m,
                node.kind() == "call_expression" && self.is_dynamic_require(node),
            ));
        }
        match node.kind() {
            "identifier" => Some((resolve_path(&self.text(node), &self.facts.bindings), false)),
            "this" => Some(("this".to_owned(), false)),
            "member_expression" => {
                let obj = node.child_by_field_name("object")?;
                let prop = node.child_by_field_name("property")?;
                let (head, computed) = self.callee_of(obj, depth + 1)?;
                Some((format!("{head}.{}", self.text(prop)), computed))
            }
            "subscript_expression" => {
                let obj = node.child_by_field_name("object")?;
                let idx = node.child_by_field_name("index")?;
                let (key, how) = self.fold(idx, depth + 1)?;
                let (head, _) = self.callee_of(obj, depth + 1)?;
                // The name is hidden when the key is built from an expression on a module or
                // namespace (`cp['ex'+'ec']`, a constant holding the name), or when any key
                // indexes the global object. A literal key (`a['default']`) or a key on a call's
                // result (`target[name].concat` in a bundle) names data, not a hidden function.
                let global = head == "globalThis" || head == "global" || head == "window";
                let computed = global || (how != Fold::Literal && !head.contains("()"));
                let head = if global { String::new() } else { head + "." };
                Some((format!("{head}{key}"), computed))
            }
            "call_expression" | "new_expression" => {
                let f = node
                    .child_by_field_name("function")
                    .or_else(|| node.child_by_field_name("constructor"))?;
                let (inner, computed) = self.callee_of(f, depth + 1)?;
                Some((format!("{inner}()"), computed))
            }
            _ => None,
        }
    }

    fn is_dynamic_require(&self, call: Node<'_>) -> bool {
        call.child_by_field_name("arguments")
            .and_then(|a| a.named_child(0))
            .is_some_and(|a| a.kind() != "string")
    }

    fn call(&mut self, node: Node<'t>, function: Option<u32>) {
        let f = node
            .child_by_field_name("function")
            .or_else(|| node.child_by_field_name("constructor"));
        let Some(f) = f else { return };
        let is_import = f.kind() == "import";
        let (callee, computed) = if is_import {
            ("import".to_owned(), false)
        } else {
            self.callee_of(f, 0)
                .unwrap_or_else(|| ("<expr>".to_owned(), false))
        };
        if is_import || callee == "require" {
            let arg = node
                .child_by_field_name("arguments")
                .and_then(|a| a.named_child(0));
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
        if let Some(list) = node.child_by_field_name("arguments") {
            let mut c = list.walk();
            for a in list
                .named_children(&mut c)
                .filter(|a| a.kind() != "comment")
            {
                args.push(Arg {
                    keyword: None,
                    value: self.describe(a, 0),
                    span: Span::of(a),
                    names: self.names(a),
                });
            }
        }
        let mut written = self.text(f);
        truncate(&mut written, WRITTEN_LEN);
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
        let (target, value) = match node.kind() {
            "variable_declarator" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "return_statement" => (None, node.named_child(0).filter(|n| n.kind() != "comment")),
            _ => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
        };
        let Some(value) = value else { return };
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
                    if let Some(p) = n.child_by_field_name("property") {
                        let name = self.text(p);
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                    stack.extend(n.child_by_field_name("object").map(|o| (o, depth + 1)));
                }
                "subscript_expression" => {
                    stack.extend(n.child_by_field_name("object").map(|o| (o, depth + 1)));
                }
                "pair_pattern" => {
                    stack.extend(n.child_by_field_name("value").map(|v| (v, depth + 1)));
                }
                "assignment_pattern" | "object_assignment_pattern" => {
                    stack.extend(n.child_by_field_name("left").map(|v| (v, depth + 1)));
                }
                "object_pattern"
                | "array_pattern"
                | "rest_pattern"
                | "parenthesized_expression" => {
                    let mut c = n.walk();
                    let children: Vec<_> = n.named_children(&mut c).collect();
                    stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
                }
                _ => {}
            }
        }
    }

    fn names(&self, node: Node<'_>) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut stack = vec![node];
        let mut visited = 0;
        while let Some(n) = stack.pop() {
            visited += 1;
            if out.len() >= ARG_NAMES || visited > 512 {
                break;
            }
            match n.kind() {
                "identifier" | "shorthand_property_identifier" => {
                    let name = self.text(n);
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
                "member_expression" => {
                    // `args.token` reads `args` and names `token`.
                    if let Some(o) = n.child_by_field_name("object") {
                        stack.push(o);
                    }
                    if let Some(p) = n.child_by_field_name("property") {
                        let name = self.text(p);
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                }
                _ => {
                    let mut c = n.walk();
                    let children: Vec<_> = n.named_children(&mut c).collect();
                    stack.extend(children.into_iter().rev());
                }
            }
        }
        out
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
                let mut c = node.walk();
                for p in node.named_children(&mut c).take(CONTAINER_ITEMS) {
                    match p.kind() {
                        "pair" => {
                            let key = p
                                .child_by_field_name("key")
                                .map(|k| {
                                    self.fold(k, depth + 1)
                                        .map_or_else(|| self.text(k), |f| f.0)
                                })
                                .unwrap_or_default();
                            let value = p
                                .child_by_field_name("value")
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
                                p.child_by_field_name("name")
                                    .map(|n| self.text(n))
                                    .unwrap_or_default(),
                                Value::Function,
                            ));
                        }
                        _ => {}
                    }
                }
                Value::Object { entries }
            }
            "array" => {
                let mut c = node.walk();
                Value::List {
                    items: node
                        .named_children(&mut c)
                        .take(CONTAINER_ITEMS)
                        .map(|n| self.describe(n, depth + 1))
                        .collect(),
                }
            }
            k if FUNCTION_KINDS.contains(&k) => Value::Function,
            _ => Value::Other,
        }
    }

    fn fold(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        if depth > FOLD_DEPTH {
            return None;
        }
        let node = unwrap(node);
        let out = match node.kind() {
            "string" => {
                let mut s = String::new();
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
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
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
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
            "identifier" => (
                self.consts.get(&*text(node, self.src))?.clone(),
                Fold::Folded,
            ),
            "binary_expression" => {
                let op = node.child_by_field_name("operator")?;
                if text(op, self.src) != "+" {
                    return None;
                }
                let (l, lh) = self.fold(node.child_by_field_name("left")?, depth + 1)?;
                let (r, rh) = self.fold(node.child_by_field_name("right")?, depth + 1)?;
                (l + &r, lh.max(rh).max(Fold::Folded))
            }
            "call_expression" => self.fold_call(node, depth)?,
            "new_expression" => return None,
            _ => return None,
        };
        (out.0.len() <= FOLD_LEN).then_some(out)
    }

    fn fold_call(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let f = unwrap(node.child_by_field_name("function")?);
        let args = node.child_by_field_name("arguments")?;
        let arg = |i: usize| args.named_child(i);
        if f.kind() == "member_expression" {
            let method = text(f.child_by_field_name("property")?, self.src).into_owned();
            let obj = f.child_by_field_name("object")?;
            // [..].join(sep) and s.split('').reverse().join('')
            if method == "join" {
                let sep = match arg(0) {
                    Some(a) => self.fold(a, depth + 1)?.0,
                    None => ",".to_owned(),
                };
                let obj = unwrap(obj);
                if obj.kind() == "array" {
                    let mut c = obj.walk();
                    let parts: Vec<String> = obj
                        .named_children(&mut c)
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
                    let callee = self
                        .callee_of(inner.child_by_field_name("function")?, depth + 1)?
                        .0;
                    if callee == "Buffer.from" || callee == "buffer.Buffer.from" {
                        let a = inner.child_by_field_name("arguments")?;
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
                        let mut c = args.walk();
                        for a in args.named_children(&mut c) {
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
                let mut c = args.walk();
                let s: String = args
                    .named_children(&mut c)
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
        let f = node.child_by_field_name("function")?;
        if f.kind() != "member_expression"
            || text(f.child_by_field_name("property")?, self.src) != "reverse"
        {
            return None;
        }
        let split = unwrap(f.child_by_field_name("object")?);
        let sf = split.child_by_field_name("function")?;
        if text(sf.child_by_field_name("property")?, self.src) != "split" {
            return None;
        }
        let (s, _) = self.fold(sf.child_by_field_name("object")?, depth + 1)?;
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
                let mut c = node.walk();
                for part in node.named_children(&mut c) {
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

    /// MCP declarations: `server.tool(…)`, `server.registerTool(…)`, prompts and resources, and
    /// tool-definition objects (`{ name, description, inputSchema }`) of low-level servers.
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

    fn tools(&mut self) {
        let branches = self.dispatch_branches();
        let mut tools = Vec::new();
        for call in &self.facts.calls {
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
            let Some(Value::Str { value: name, .. }) = call.positional(0).map(|a| &a.value) else {
                // FastMCP for TS: server.addTool({ name, description, parameters, execute })
                if let Some(Value::Object { .. }) = call.positional(0).map(|a| &a.value)
                    && method == "addTool"
                    && let Some(t) =
                        self.tool_object(&call.positional(0).unwrap().value, call.span, &branches)
                {
                    tools.push(t);
                }
                continue;
            };
            let mut description = None;
            let mut description_span = None;
            let mut description_dynamic = false;
            let mut params = Vec::new();
            let mut handler = None;
            let mut ranges = Vec::new();
            for (i, arg) in call.args.iter().enumerate().skip(1) {
                let last = i + 1 == call.args.len();
                match &arg.value {
                    Value::Str { value, .. }
                        if i == 1 || (kind == ToolKind::Resource && i == 2) =>
                    {
                        if kind == ToolKind::Resource && i == 1 {
                            continue; // the URI
                        }
                        description = Some(value.clone());
                        description_span = Some(arg.span);
                    }
                    Value::Object { entries } if !last => {
                        let config = entries
                            .iter()
                            .any(|(k, _)| k == "description" || k == "inputSchema" || k == "title");
                        if config {
                            match entries
                                .iter()
                                .find(|(k, _)| k == "description")
                                .map(|(_, v)| v)
                            {
                                Some(Value::Str { value, .. }) => {
                                    description = Some(value.clone());
                                    description_span = Some(arg.span);
                                }
                                Some(_) => description_dynamic = true,
                                None => {}
                            }
                            if let Some(schema) = entries
                                .iter()
                                .find(|(k, _)| k == "inputSchema" || k == "argsSchema")
                                .map(|(_, v)| v)
                            {
                                params = self.zod_params(schema, arg.span);
                            }
                        } else {
                            params = self.zod_params(&arg.value, arg.span);
                        }
                    }
                    Value::Function if last => {
                        handler = self
                            .facts
                            .function_ranges
                            .iter()
                            .position(|r| r.start == arg.span.start);
                        ranges.push(arg.span.range());
                    }
                    Value::Path { path } if last => {
                        if let Some(fi) = self.facts.functions.iter().position(|f| &f.name == path)
                        {
                            handler = Some(fi);
                            ranges.push(self.facts.function_ranges[fi].clone());
                        }
                    }
                    Value::Path { path } if i == 1 && !self.objects.contains(path) => {
                        description_dynamic = true
                    }
                    Value::Call { .. } | Value::Other if i == 1 => description_dynamic = true,
                    _ => {}
                }
            }
            tools.push(Tool {
                name: name.clone(),
                kind,
                description,
                description_span,
                description_dynamic,
                params,
                span: call.span,
                handler: handler.and_then(|h| u32::try_from(h).ok()),
                ranges,
            });
        }
        // Definition objects: { name: "x", description: "...", inputSchema: {...} }
        for node in std::mem::take(&mut self.objects_nodes) {
            let value = self.describe(node, 0);
            let has = |k: &str| value.entry(k).is_some();
            if has("name")
                && has("inputSchema")
                && !tools
                    .iter()
                    .any(|t: &Tool| t.span.range().contains(&node.start_byte()))
            {
                if let Some(t) = self.tool_object(&value, Span::of(node), &branches) {
                    tools.push(t);
                }
            }
        }
        self.facts.tools = tools;
    }

    fn tool_object(
        &self,
        value: &Value,
        span: Span,
        branches: &[(String, Range<usize>)],
    ) -> Option<Tool> {
        let name = value.entry("name")?.as_str()?.to_owned();
        let (description, description_dynamic) = match value.entry("description") {
            Some(Value::Str { value, .. }) => (Some(value.clone()), false),
            Some(_) => (None, true),
            None => (None, false),
        };
        let params = value
            .entry("inputSchema")
            .or_else(|| value.entry("parameters"))
            .map(|s| {
                if s.entry("properties").is_some() {
                    schema_params(s)
                } else {
                    self.zod_params(s, span)
                }
            })
            .unwrap_or_default();
        let ranges = branches
            .iter()
            .filter(|(n, _)| *n == name)
            .map(|(_, r)| r.clone())
            .collect();
        Some(Tool {
            name,
            kind: ToolKind::Tool,
            description,
            description_span: Some(span),
            description_dynamic,
            params,
            span,
            handler: None,
            ranges,
        })
    }

    /// Parameters of a zod shape `{ a: z.string().describe("…") }` (or a JSON schema).
    fn zod_params(&self, shape: &Value, _span: Span) -> Vec<Param> {
        if shape.entry("properties").is_some() {
            return schema_params(shape);
        }
        let Value::Object { entries } = shape else {
            return Vec::new();
        };
        entries
            .iter()
            .filter(|(k, _)| k != "...")
            .map(|(name, v)| {
                let ty = match v {
                    Value::Call { callee } => callee
                        .split('.')
                        .nth(1)
                        .map(|t| t.trim_end_matches("()").to_owned()),
                    _ => None,
                };
                Param {
                    name: name.clone(),
                    ty,
                    description: None,
                }
            })
            .collect()
    }

    /// `(tool name, byte range)` for `case "x":` and `if (name === "x")` branches.
    fn dispatch_branches(&self) -> Vec<(String, Range<usize>)> {
        let mut out = Vec::new();
        for &node in &self.branches {
            if node.kind() == "switch_case" {
                if let Some(v) = node
                    .child_by_field_name("value")
                    .and_then(|v| self.fold(v, 0))
                {
                    out.push((v.0, node.byte_range()));
                }
                continue;
            }
            let Some(cond) = node
                .child_by_field_name("condition")
                .and_then(|c| c.named_child(0))
                .map(unwrap)
            else {
                continue;
            };
            if cond.kind() != "binary_expression" {
                continue;
            }
            let op = cond.child_by_field_name("operator").map(|o| self.text(o));
            if !matches!(op.as_deref(), Some("===" | "==")) {
                continue;
            }
            let lit = [
                cond.child_by_field_name("left"),
                cond.child_by_field_name("right"),
            ]
            .into_iter()
            .flatten()
            .find(|n| n.kind() == "string")
            .and_then(|n| self.fold(n, 0));
            if let (Some((name, _)), Some(body)) = (lit, node.child_by_field_name("consequence")) {
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
