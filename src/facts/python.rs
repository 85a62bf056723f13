//! Python facts: imports and their aliases, calls resolved through them (`getattr(os, 'sys'+'tem')`
//! and `__import__('os')` included), constant folding of strings (concatenation, `%`, `.format`,
//! `join`, `chr`, `[::-1]`, base64/hex decoding), functions, and MCP declarations (FastMCP
//! decorators and the low-level `Server` with `Tool(...)` lists and name dispatch).

use std::collections::HashMap;

use tree_sitter::{Node, Tree};

use super::fold::{as_text, base64_decode, hex_decode, unescape_python};
use super::limits::{ARG_NAMES, CONTAINER_ITEMS, FOLD_DEPTH, FOLD_LEN, WRITTEN_LEN};
use super::{
    Arg, Assign, Call, FileFacts, Fold, Function, Import, Param, RETURN, Span, StringLit, Tool,
    ToolKind, Value, argv_gates, bind_loop_variable, list_item, list_len, resolve_path,
    statement_text, text, walk,
};

type Folded = (String, Fold);

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
    calls: Vec<(Node<'t>, Option<u32>)>,
    /// (node, enclosing function, item count of the list literal holding it)
    strings: Vec<(Node<'t>, Option<u32>, u32)>,
    binds: Vec<Node<'t>>,
    decorated: Vec<Node<'t>>,
    func_nodes: Vec<(Node<'t>, Option<Node<'t>>)>,
    branches: Vec<Node<'t>>,
    flows: Vec<(Node<'t>, Option<u32>)>,
    covered_until: usize,
}

pub(super) fn extract(tree: &Tree, src: &[u8]) -> FileFacts {
    let mut py = Py {
        src,
        facts: FileFacts::default(),
        consts: HashMap::new(),
        lists: HashMap::new(),
        calls: Vec::new(),
        strings: Vec::new(),
        binds: Vec::new(),
        decorated: Vec::new(),
        func_nodes: Vec::new(),
        branches: Vec::new(),
        flows: Vec::new(),
        covered_until: 0,
    };
    // Pass 1: collect, tracking the enclosing function with a stack of (index, end byte).
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
            "call" => {
                py.calls.push((node, enclosing));
                py.strings.push((node, enclosing, list_len(parent)));
            }
            "string" if parent.is_none_or(|p| p.kind() != "concatenated_string") => {
                py.strings.push((node, enclosing, list_len(parent)));
            }
            "binary_operator" if parent.is_some_and(|p| p.kind() == "binary_operator") => {}
            "concatenated_string" | "binary_operator" | "subscript" => {
                py.strings.push((node, enclosing, list_len(parent)))
            }
            "assignment" | "with_item" | "for_statement" => py.binds.push(node),
            "if_statement" | "elif_clause" | "case_clause" => py.branches.push(node),
            _ => {}
        }
        true
    });
    for node in imports {
        py.import(node);
    }
    py.functions();
    for node in std::mem::take(&mut py.binds) {
        py.bind(node);
    }
    for (node, f) in std::mem::take(&mut py.calls) {
        py.call(node, f);
    }
    for (node, f, n) in std::mem::take(&mut py.strings) {
        py.string(node, f, n);
    }
    for (node, f) in std::mem::take(&mut py.flows) {
        py.assign(node, f);
    }
    py.facts.command_gates = argv_gates(&py.branches, src);
    for node in std::mem::take(&mut py.decorated) {
        py.command_gate(node);
        py.decorated_tool(node);
    }
    py.low_level_tools();
    py.facts
}

impl<'t> Py<'t, '_> {
    fn text(&self, node: Node<'_>) -> String {
        text(node, self.src).into_owned()
    }

    fn import(&mut self, node: Node<'t>) {
        let span = Span::of(node);
        let mut cursor = node.walk();
        if node.kind() == "import_statement" {
            for name in node.children_by_field_name("name", &mut cursor) {
                let (module, alias) = match name.kind() {
                    "aliased_import" => (
                        name.child_by_field_name("name")
                            .map(|n| self.text(n))
                            .unwrap_or_default(),
                        name.child_by_field_name("alias").map(|n| self.text(n)),
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
            .child_by_field_name("module_name")
            .map(|n| self.text(n))
            .unwrap_or_default();
        self.facts.imports.push(Import {
            module: module.clone(),
            span,
            dynamic: false,
        });
        let sep = if module.ends_with('.') { "" } else { "." };
        for name in node.children_by_field_name("name", &mut cursor) {
            let (orig, alias) = match name.kind() {
                "aliased_import" => (
                    name.child_by_field_name("name")
                        .map(|n| self.text(n))
                        .unwrap_or_default(),
                    name.child_by_field_name("alias").map(|n| self.text(n)),
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
                    .and_then(|p| p.child_by_field_name("left"))
                    .map_or_else(|| "<lambda>".to_owned(), |n| self.text(n)),
                _ => node
                    .child_by_field_name("name")
                    .map(|n| self.text(n))
                    .unwrap_or_default(),
            };
            let params = node
                .child_by_field_name("parameters")
                .map(|p| self.params(p).into_iter().map(|p| p.name).collect())
                .unwrap_or_default();
            let doc = node
                .child_by_field_name("body")
                .and_then(|b| self.docstring(b));
            self.facts.functions.push(Function {
                name,
                params,
                span: Span::of(node),
                doc,
                decorated: parent.is_some_and(|p| p.kind() == "decorated_definition"),
                callees: Vec::new(),
            });
            self.facts.function_ranges.push(node.byte_range());
        }
    }

    fn params(&self, params: Node<'_>) -> Vec<Param> {
        let mut out = Vec::new();
        let mut cursor = params.walk();
        for p in params.named_children(&mut cursor) {
            let (name, ty) = match p.kind() {
                "identifier" => (Some(self.text(p)), None),
                "typed_parameter" => (
                    p.named_child(0)
                        .filter(|n| n.kind() == "identifier")
                        .map(|n| self.text(n)),
                    p.child_by_field_name("type").map(|n| self.text(n)),
                ),
                "default_parameter" | "typed_default_parameter" => (
                    p.child_by_field_name("name").map(|n| self.text(n)),
                    p.child_by_field_name("type").map(|n| self.text(n)),
                ),
                _ => (None, None),
            };
            if let Some(name) = name {
                out.push(Param {
                    name,
                    ty,
                    description: None,
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
    fn bind(&mut self, node: Node<'t>) {
        let (target, value) = match node.kind() {
            "assignment" => (
                node.child_by_field_name("left"),
                node.child_by_field_name("right"),
            ),
            "for_statement" => {
                if let (Some(var), Some(over)) = (
                    node.child_by_field_name("left")
                        .filter(|l| l.kind() == "identifier"),
                    node.child_by_field_name("right"),
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
                let Some(v) = node.child_by_field_name("value") else {
                    return;
                };
                match v.kind() {
                    "as_pattern" => (
                        v.child_by_field_name("alias")
                            .and_then(|a| a.named_child(0)),
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
        if let Some((s, _)) = self.fold(value, 0) {
            self.consts.insert(name, s);
            return;
        }
        if matches!(value.kind(), "list" | "tuple") {
            if let Some(item) = list_item(self.describe(value, 0)) {
                self.lists.insert(name, item);
            }
            return;
        }
        match self.describe(value, 0) {
            Value::Call { callee } => {
                let bound = match self.dynamic_module(value) {
                    Some(module) => module,
                    None => format!("{callee}()"),
                };
                self.facts.bindings.insert(name, bound);
            }
            Value::Path { path } if path.contains('.') => {
                self.facts.bindings.insert(name, path);
            }
            _ => {}
        }
    }

    /// `__import__('os')` / `importlib.import_module('o'+'s')`: the module, when it folds.
    fn dynamic_module(&self, call: Node<'_>) -> Option<String> {
        if call.kind() != "call" {
            return None;
        }
        let f = call.child_by_field_name("function")?;
        let callee = resolve_path(&self.path(f, 0)?, &self.facts.bindings);
        if callee != "__import__" && callee != "importlib.import_module" {
            return None;
        }
        let arg = call.child_by_field_name("arguments")?.named_child(0)?;
        self.fold(arg, 0).map(|(m, _)| m)
    }

    /// The dotted path an expression names (`a.b.c`, `f().g`), unresolved; `None` for anything
    /// that is not a name chain.
    fn path(&self, node: Node<'_>, depth: u32) -> Option<String> {
        if depth > FOLD_DEPTH {
            return None;
        }
        match node.kind() {
            "identifier" => Some(self.text(node)),
            "attribute" => {
                let obj = node.child_by_field_name("object")?;
                let attr = node.child_by_field_name("attribute")?;
                let head = self.callee_of(obj, depth + 1).map(|(c, _)| c)?;
                Some(format!("{head}.{}", self.text(attr)))
            }
            "subscript" => {
                // globals()['system'] / os.__dict__['system'] / module['name']
                let value = node.child_by_field_name("value")?;
                let key = node.child_by_field_name("subscript")?;
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
                Some(format!("{callee}()"))
            }
            "parenthesized_expression" => self.path(node.named_child(0)?, depth + 1),
            _ => None,
        }
    }

    /// Resolves an expression used as a callee (or as the object of an attribute) to a qualified
    /// name, and whether folding computed it.
    fn callee_of(&self, node: Node<'_>, depth: u32) -> Option<(String, bool)> {
        if node.kind() == "call" {
            if let Some(module) = self.dynamic_module(node) {
                return Some((module, true));
            }
            // getattr(obj, 'na'+'me') → obj.name
            let f = node.child_by_field_name("function")?;
            let inner = resolve_path(&self.path(f, depth + 1)?, &self.facts.bindings);
            if inner == "getattr" {
                let args = node.child_by_field_name("arguments")?;
                let obj = args.named_child(0)?;
                let attr = args.named_child(1)?;
                let (name, _) = self.fold(attr, depth + 1)?;
                let (head, _) = self.callee_of(obj, depth + 1)?;
                return Some((format!("{head}.{name}"), true));
            }
            return Some((format!("{inner}()"), false));
        }
        if node.kind() == "attribute" {
            let obj = node.child_by_field_name("object")?;
            let attr = node.child_by_field_name("attribute")?;
            let (head, computed) = self.callee_of(obj, depth + 1)?;
            return Some((format!("{head}.{}", self.text(attr)), computed));
        }
        let p = self.path(node, depth)?;
        let computed = node.kind() == "subscript" && self.computed_subscript(node, depth);
        Some((resolve_path(&p, &self.facts.bindings), computed))
    }

    /// Whether a subscript callee hides the name it calls: a key built from an expression
    /// (`os.__dict__['sys'+'tem']`, a constant holding the name) on a module or namespace, or any
    /// key on a namespace dict (`globals()['eval']`). A literal key on an ordinary value
    /// (`request.headers['User-Agent'].endswith`) or any key on a call's result names data, not a
    /// function.
    fn computed_subscript(&self, node: Node<'_>, depth: u32) -> bool {
        let (Some(value), Some(key)) = (
            node.child_by_field_name("value"),
            node.child_by_field_name("subscript"),
        ) else {
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
        namespace
            || (how != Fold::Literal && !resolve_path(&head, &self.facts.bindings).contains("()"))
    }

    fn call(&mut self, node: Node<'t>, function: Option<u32>) {
        let Some(f) = node.child_by_field_name("function") else {
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
        if let Some(list) = node.child_by_field_name("arguments") {
            let mut cursor = list.walk();
            for a in list.named_children(&mut cursor) {
                let (keyword, value_node) = match a.kind() {
                    "keyword_argument" => (
                        a.child_by_field_name("name").map(|n| self.text(n)),
                        a.child_by_field_name("value").unwrap_or(a),
                    ),
                    "comment" => continue,
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
            "named_expression" => (
                node.child_by_field_name("name"),
                node.child_by_field_name("value"),
            ),
            "with_item" => match node.child_by_field_name("value") {
                Some(v) if v.kind() == "as_pattern" => (
                    v.child_by_field_name("alias")
                        .and_then(|a| a.named_child(0)),
                    v.named_child(0),
                ),
                _ => return,
            },
            "return_statement" => (None, node.named_child(0)),
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
                    if let Some(a) = n.child_by_field_name("attribute") {
                        let name = self.text(a);
                        if !out.contains(&name) {
                            out.push(name);
                        }
                    }
                    stack.extend(n.child_by_field_name("object").map(|o| (o, depth + 1)));
                }
                "subscript" => {
                    stack.extend(n.child_by_field_name("value").map(|o| (o, depth + 1)));
                }
                "pattern_list"
                | "tuple_pattern"
                | "list_pattern"
                | "list_splat_pattern"
                | "tuple"
                | "list"
                | "parenthesized_expression" => {
                    let mut c = n.walk();
                    let children: Vec<_> = n.named_children(&mut c).collect();
                    stack.extend(children.into_iter().rev().map(|c| (c, depth + 1)));
                }
                _ => {}
            }
        }
    }

    /// Identifiers an expression reads, bounded in count and in nodes visited. Attribute names
    /// count too (`args.token` names `token`), keyword names do not.
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
                "identifier" => {
                    let name = self.text(n);
                    if !out.contains(&name) {
                        out.push(name);
                    }
                }
                "keyword_argument" => stack.extend(n.child_by_field_name("value")),
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
        if let Some((value, how)) = self.fold(node, depth) {
            return Value::Str { value, how };
        }
        match node.kind() {
            "integer" | "float" => Value::Number {
                text: self.text(node),
            },
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
                let mut cursor = node.walk();
                for pair in node.named_children(&mut cursor).take(CONTAINER_ITEMS) {
                    match pair.kind() {
                        "pair" => {
                            let key = pair
                                .child_by_field_name("key")
                                .map(|k| {
                                    self.fold(k, depth + 1)
                                        .map_or_else(|| self.text(k), |(s, _)| s)
                                })
                                .unwrap_or_default();
                            let value = pair
                                .child_by_field_name("value")
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
                let mut cursor = node.walk();
                let items = node
                    .named_children(&mut cursor)
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
        if depth > FOLD_DEPTH {
            return None;
        }
        let out = match node.kind() {
            "string" => self.string_literal(node, depth)?,
            "concatenated_string" => {
                let mut s = String::new();
                let mut cursor = node.walk();
                for part in node.named_children(&mut cursor) {
                    s.push_str(&self.fold(part, depth + 1)?.0);
                }
                (s, Fold::Folded)
            }
            "identifier" => (
                self.consts.get(&*text(node, self.src))?.clone(),
                Fold::Folded,
            ),
            "parenthesized_expression" => {
                let (s, _) = self.fold(node.named_child(0)?, depth + 1)?;
                (s, Fold::Folded)
            }
            "binary_operator" => {
                let op = node.child_by_field_name("operator")?;
                let left = node.child_by_field_name("left")?;
                let right = node.child_by_field_name("right")?;
                match &*text(op, self.src) {
                    "+" => {
                        let (l, lh) = self.fold(left, depth + 1)?;
                        let (r, rh) = self.fold(right, depth + 1)?;
                        (l + &r, lh.max(rh).max(Fold::Folded))
                    }
                    "%" => {
                        let (fmt, _) = self.fold(left, depth + 1)?;
                        let values: Vec<String> = if right.kind() == "tuple" {
                            let mut c = right.walk();
                            right
                                .named_children(&mut c)
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
                let value = node.child_by_field_name("value")?;
                let sub = node.child_by_field_name("subscript")?;
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
        (out.0.len() <= FOLD_LEN).then_some(out)
    }

    fn string_literal(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let mut out = String::new();
        let mut how = Fold::Literal;
        let mut raw = false;
        let mut cursor = node.walk();
        for part in node.children(&mut cursor) {
            match part.kind() {
                "string_start" => raw = text(part, self.src).to_ascii_lowercase().contains('r'),
                "string_content" => out.push_str(&unescape_python(&text(part, self.src), raw)),
                "interpolation" => {
                    let e = part.child_by_field_name("expression")?;
                    out.push_str(&self.fold(e, depth + 1)?.0);
                    how = Fold::Folded;
                }
                _ => {}
            }
        }
        Some((out, how))
    }

    fn fold_call(&self, node: Node<'_>, depth: u32) -> Option<Folded> {
        let f = node.child_by_field_name("function")?;
        let args = node.child_by_field_name("arguments")?;
        let arg0 = args.named_child(0);
        // Methods on a folded receiver: "".join(...), "{}".format(...), x.decode(), x[::-1].upper()
        if f.kind() == "attribute" {
            let method = text(f.child_by_field_name("attribute")?, self.src).into_owned();
            let obj = f.child_by_field_name("object")?;
            if let Some((recv, how)) = self.fold(obj, depth + 1) {
                return match method.as_str() {
                    "join" => {
                        let parts = self.fold_items(arg0?, depth + 1)?;
                        Some((parts.join(&recv), how.max(Fold::Folded)))
                    }
                    "format" => {
                        let mut c = args.walk();
                        let values: Vec<String> = args
                            .named_children(&mut c)
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
        let callee = resolve_path(&self.path(f, depth + 1)?, &self.facts.bindings);
        let (s, _) = match callee.as_str() {
            "chr" => {
                let n: u32 = text(arg0?, self.src).trim().parse().ok()?;
                return Some((char::from_u32(n)?.to_string(), Fold::Folded));
            }
            "str" | "bytes" | "bytearray" if arg0.is_some_and(|a| a.kind() == "list") => {
                let mut c = arg0?.walk();
                let bytes: Vec<u8> = arg0?
                    .named_children(&mut c)
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
            "list" | "tuple" => {
                let mut c = node.walk();
                node.named_children(&mut c)
                    .map(|n| self.fold(n, depth + 1).map(|f| f.0))
                    .collect()
            }
            "call" => {
                // map(chr, [104, 116, ...])
                let f = node.child_by_field_name("function")?;
                let args = node.child_by_field_name("arguments")?;
                if text(f, self.src) != "map" || text(args.named_child(0)?, self.src) != "chr" {
                    return None;
                }
                self.chr_list(args.named_child(1)?)
            }
            "generator_expression" | "list_comprehension" => {
                // chr(c) for c in [104, 116, ...]
                let body = node.child_by_field_name("body")?;
                if body.kind() != "call" || !text(body, self.src).starts_with("chr(") {
                    return None;
                }
                let mut c = node.walk();
                let clause = node
                    .named_children(&mut c)
                    .find(|n| n.kind() == "for_in_clause")?;
                self.chr_list(clause.child_by_field_name("right")?)
            }
            _ => None,
        }
    }

    fn chr_list(&self, list: Node<'_>) -> Option<Vec<String>> {
        let mut c = list.walk();
        list.named_children(&mut c)
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
                let mut cursor = node.walk();
                for part in node.children(&mut cursor) {
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
    /// `@mcp.tool`, `@mcp.resource("uri")`, `@mcp.prompt()`.
    fn decorated_tool(&mut self, node: Node<'t>) {
        let Some(def) = node.child_by_field_name("definition") else {
            return;
        };
        if def.kind() != "function_definition" {
            return;
        }
        let mut cursor = node.walk();
        for deco in node
            .named_children(&mut cursor)
            .filter(|n| n.kind() == "decorator")
        {
            let Some(expr) = deco.named_child(0) else {
                continue;
            };
            let (head, call) = match expr.kind() {
                "call" => (expr.child_by_field_name("function"), Some(expr)),
                _ => (Some(expr), None),
            };
            let Some(head) = head.filter(|h| h.kind() == "attribute") else {
                continue;
            };
            let attr = head
                .child_by_field_name("attribute")
                .map(|a| self.text(a))
                .unwrap_or_default();
            let kind = match attr.as_str() {
                "tool" => ToolKind::Tool,
                "resource" => ToolKind::Resource,
                "prompt" => ToolKind::Prompt,
                _ => continue,
            };
            let fname = def
                .child_by_field_name("name")
                .map(|n| self.text(n))
                .unwrap_or_default();
            let mut name = fname.clone();
            let mut description = None;
            let mut description_span = None;
            let mut description_dynamic = false;
            if let Some(call) = call.and_then(|c| c.child_by_field_name("arguments")) {
                let mut c = call.walk();
                let mut positional = 0;
                for a in call.named_children(&mut c) {
                    if a.kind() == "keyword_argument" {
                        let key = a
                            .child_by_field_name("name")
                            .map(|n| self.text(n))
                            .unwrap_or_default();
                        let Some(v) = a.child_by_field_name("value") else {
                            continue;
                        };
                        match key.as_str() {
                            "name" => name = self.fold(v, 0).map_or(name, |f| f.0),
                            "description" => match self.fold(v, 0) {
                                Some((d, _)) => {
                                    description = Some(d);
                                    description_span = Some(Span::of(v));
                                }
                                None => description_dynamic = true,
                            },
                            _ => {}
                        }
                    } else {
                        if positional == 0
                            && let Some((s, _)) = self.fold(a, 0)
                        {
                            name = s;
                        }
                        positional += 1;
                    }
                }
            }
            let body = def.child_by_field_name("body");
            if description.is_none() && !description_dynamic {
                if let Some(doc) = body
                    .and_then(|b| b.named_child(0))
                    .and_then(|s| s.named_child(0))
                {
                    description = self.fold(doc, 0).map(|f| f.0);
                    description_span = description.as_ref().map(|_| Span::of(doc));
                }
            }
            let params = def
                .child_by_field_name("parameters")
                .map(|p| self.params(p))
                .unwrap_or_default()
                .into_iter()
                .filter(|p| {
                    p.name != "self"
                        && p.name != "ctx"
                        && !p.ty.as_deref().is_some_and(|t| t.contains("Context"))
                })
                .collect();
            let handler = self
                .facts
                .function_ranges
                .iter()
                .position(|r| *r == def.byte_range());
            self.facts.tools.push(Tool {
                name,
                kind,
                description,
                description_span,
                description_dynamic,
                params,
                span: Span::of(def),
                handler: handler.and_then(|h| u32::try_from(h).ok()),
                ranges: vec![def.byte_range()],
            });
            return;
        }
    }

    /// The low-level `mcp.server.Server`: `Tool(name=…, description=…, inputSchema=…)` declared in a
    /// `list_tools` handler, dispatched in `call_tool` by `if name == "…"` branches.
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
        let branches = self.dispatch_branches();
        for i in decls {
            let c = &self.facts.calls[i];
            let Some(name) = c
                .keyword("name")
                .and_then(|(_, v)| v.as_str())
                .map(str::to_owned)
            else {
                continue;
            };
            let (description, description_span, description_dynamic) = match c
                .keyword("description")
            {
                Some((a, Value::Str { value, .. })) => (Some(value.clone()), Some(a.span), false),
                Some(_) => (None, None, true),
                None => (None, None, false),
            };
            let params = match c.keyword("inputSchema").map(|(_, v)| v) {
                Some(schema) => schema_params(schema),
                None => Vec::new(),
            };
            let ranges: Vec<_> = branches
                .iter()
                .filter(|(n, _)| *n == name)
                .map(|(_, r)| r.clone())
                .collect();
            let span = c.span;
            self.facts.tools.push(Tool {
                name,
                kind: ToolKind::Tool,
                description,
                description_span,
                description_dynamic,
                params,
                span,
                handler: None,
                ranges,
            });
        }
    }

    /// A function registered as a command-line sub-command (`@cli.command()`, `@app.command()`
    /// of click and typer) runs only when the user types it.
    fn command_gate(&mut self, node: Node<'t>) {
        let mut c = node.walk();
        let command = node.named_children(&mut c).any(|d| {
            d.kind() == "decorator" && {
                let t = text(d, self.src);
                t.contains(".command(") || t.contains(".command\n") || t.ends_with(".command")
            }
        });
        if command && let Some(def) = node.child_by_field_name("definition") {
            self.facts.command_gates.push(def.byte_range());
        }
    }

    /// `(tool name, byte range)` of every `if name == "x":` / `elif` / `case "x":` branch.
    fn dispatch_branches(&self) -> Vec<(String, std::ops::Range<usize>)> {
        let mut out = Vec::new();
        for &node in &self.branches {
            let (literal, body) = if node.kind() == "case_clause" {
                let mut c = node.walk();
                let pattern = node
                    .named_children(&mut c)
                    .find(|n| n.kind() == "case_pattern");
                let lit = pattern
                    .and_then(|p| p.named_child(0))
                    .and_then(|s| self.fold(s, 0));
                (lit.map(|f| f.0), node.child_by_field_name("consequence"))
            } else {
                let cond = node
                    .child_by_field_name("condition")
                    .filter(|c| c.kind() == "comparison_operator");
                let lit = cond.and_then(|c| {
                    let mut cur = c.walk();
                    let ops: Vec<_> = c.named_children(&mut cur).collect();
                    let eq = c.children(&mut c.walk()).any(|t| t.kind() == "==");
                    if !eq || ops.len() != 2 {
                        return None;
                    }
                    ops.iter()
                        .find(|n| n.kind() == "string")
                        .and_then(|s| self.fold(*s, 0))
                        .map(|f| f.0)
                });
                (lit, node.child_by_field_name("consequence"))
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
