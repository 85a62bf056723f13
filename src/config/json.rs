//! A small JSON / JSONC parser that keeps the line and column of every key and value.
//!
//! Client config files are hand-edited, so this parser exists for two reasons serde_json cannot
//! serve: findings must point at the exact line of a value (an `env` token, an `args` entry), and a
//! syntax error must say where and why in plain words ("is a comma missing?"). It also records
//! duplicate keys (the later one silently wins in every client), accepts `//` and `/* */`
//! comments and trailing commas only when asked to (the client accepts them), skips a UTF-8 BOM,
//! and refuses nesting deeper than [`ParseOptions::max_depth`] so hostile input cannot exhaust the
//! stack. Cost is linear in the input; nothing here panics on any input.

use std::fmt;

/// A place in the source: 1-based line, 1-based column counted in characters, and byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// Byte offset from the start of the text (after a BOM, if any, counted from the real start).
    pub offset: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A JSON value with the position where it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts (its first character).
    pub pos: Pos,
    /// The value itself.
    pub value: Value,
}

/// One `"key": value` member of an object, with the key's own position.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    /// The decoded key.
    pub key: String,
    /// Where the key's opening quote is.
    pub key_pos: Pos,
    /// The value.
    pub value: Node,
}

/// The JSON data model. Objects keep every member in source order, duplicates included.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` / `false`
    Bool(bool),
    /// A number, kept as its source text (configs never need arithmetic).
    Number(String),
    /// A decoded string.
    String(String),
    /// An array.
    Array(Vec<Node>),
    /// An object: members in source order, duplicates kept.
    Object(Vec<Member>),
}

impl Value {
    /// A short word for the kind of value, for messages ("an array", "a string").
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

impl Node {
    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn members(&self) -> Option<&[Member]> {
        match &self.value {
            Value::Object(m) => Some(m),
            _ => None,
        }
    }

    /// The items, if this is an array.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }

    /// The member named `key` (the last one, as JSON clients do when a key is repeated).
    pub fn get(&self, key: &str) -> Option<&Member> {
        self.members()?.iter().rev().find(|m| m.key == key)
    }
}

/// Which JSON extensions the file's client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParseOptions {
    /// Accept `// line` and `/* block */` comments.
    pub comments: bool,
    /// Accept a comma before a closing `}` or `]`.
    pub trailing_commas: bool,
    /// Deepest nesting of arrays and objects accepted.
    pub max_depth: usize,
}

impl ParseOptions {
    /// Plain JSON (RFC 8259), as `JSON.parse` reads it.
    pub const STRICT: ParseOptions = ParseOptions {
        comments: false,
        trailing_commas: false,
        max_depth: DEFAULT_MAX_DEPTH,
    };
    /// JSON with comments and trailing commas, as VS Code reads its settings.
    pub const JSONC: ParseOptions = ParseOptions {
        comments: true,
        trailing_commas: true,
        max_depth: DEFAULT_MAX_DEPTH,
    };
}

/// Default nesting limit: far above any real config, far below a stack overflow.
pub const DEFAULT_MAX_DEPTH: usize = 128;

/// A duplicate key inside one object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// The key.
    pub key: String,
    /// Where it first appears.
    pub first: Pos,
    /// Where it appears again (this later value is the one clients use).
    pub again: Pos,
}

/// A parsed document: the root value and what the parser noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    /// The root value.
    pub root: Node,
    /// Every key repeated inside one object.
    pub duplicates: Vec<DuplicateKey>,
    /// The text started with a UTF-8 byte-order mark (skipped).
    pub bom: bool,
}

/// The first syntax error in a document, with a plain-words hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the problem is (where a missing character should go, or the offending token).
    pub pos: Pos,
    /// What is wrong ("expected `,` or `}`, found `\"filesystem\"`").
    pub message: String,
    /// What to do about it, in plain words.
    pub hint: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} ({})", self.pos, self.message, self.hint)
    }
}

/// Parses `text` as one JSON value under `opts`.
pub fn parse(text: &str, opts: ParseOptions) -> Result<Document, SyntaxError> {
    let mut p = Parser {
        src: text.as_bytes(),
        i: 0,
        line: 1,
        col: 1,
        opts,
        duplicates: Vec::new(),
        last_key: None,
    };
    let bom = text.starts_with('\u{feff}');
    if bom {
        p.i = 3;
    }
    p.skip_ws()?;
    if p.i >= p.src.len() {
        return Err(SyntaxError {
            pos: p.pos(),
            message: "the file is empty".into(),
            hint: "a config file must hold a JSON object, for example {\"mcpServers\": {}}".into(),
        });
    }
    let root = p.value(0)?;
    p.skip_ws()?;
    if p.i < p.src.len() {
        let pos = p.pos();
        let found = p.describe_here();
        let hint = if p.src[p.i] == b'{' || p.src[p.i] == b'"' {
            "the top-level value already ended; if this belongs inside it, a closing `}` above \
             is one too many or a comma is missing"
        } else {
            "remove everything after the closing bracket of the top-level value"
        };
        return Err(SyntaxError {
            pos,
            message: format!("unexpected {found} after the end of the top-level value"),
            hint: hint.into(),
        });
    }
    Ok(Document {
        root,
        duplicates: p.duplicates,
        bom,
    })
}

struct Parser<'a> {
    src: &'a [u8],
    i: usize,
    line: u32,
    col: u32,
    opts: ParseOptions,
    duplicates: Vec<DuplicateKey>,
    /// The key of the member that most recently finished, for "after the entry X" hints.
    last_key: Option<String>,
}

impl Parser<'_> {
    fn pos(&self) -> Pos {
        Pos {
            line: self.line,
            column: self.col,
            offset: self.i,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.get(self.i).copied()
    }

    /// Advances one byte, keeping line and column (columns count characters, not bytes).
    fn bump(&mut self) {
        if let Some(&b) = self.src.get(self.i) {
            self.i += 1;
            if b == b'\n' {
                self.line += 1;
                self.col = 1;
            } else if b & 0xC0 != 0x80 {
                // The first byte of a character; UTF-8 continuation bytes do not move the column.
                self.col += 1;
            }
        }
    }

    fn err<T>(
        &self,
        pos: Pos,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            pos,
            message: message.into(),
            hint: hint.into(),
        })
    }

    /// Skips whitespace and, when allowed, comments. A comment in strict mode is an error.
    fn skip_ws(&mut self) -> Result<(), SyntaxError> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.bump(),
                Some(b'/') if matches!(self.src.get(self.i + 1), Some(b'/' | b'*')) => {
                    let start = self.pos();
                    if !self.opts.comments {
                        return self.err(
                            start,
                            "comments are not allowed in this file",
                            "this client reads the file as plain JSON, which has no comments; \
                             remove the comment",
                        );
                    }
                    self.bump();
                    if self.peek() == Some(b'/') {
                        while let Some(b) = self.peek() {
                            if b == b'\n' {
                                break;
                            }
                            self.bump();
                        }
                    } else {
                        self.bump();
                        loop {
                            match self.peek() {
                                None => {
                                    return self.err(
                                        start,
                                        "a `/*` comment is never closed",
                                        "add `*/` where the comment should end",
                                    );
                                }
                                Some(b'*') if self.src.get(self.i + 1) == Some(&b'/') => {
                                    self.bump();
                                    self.bump();
                                    break;
                                }
                                Some(_) => self.bump(),
                            }
                        }
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    /// Describes the token at the cursor for messages: `"filesystem"`, `}`, `end of file`.
    fn describe_here(&self) -> String {
        let Some(b) = self.peek() else {
            return "end of file".into();
        };
        if b == b'"' {
            let rest = &self.src[self.i + 1..];
            let end = rest.iter().take(40).position(|&c| c == b'"' || c == b'\n');
            if let Some(end) = end {
                let s = String::from_utf8_lossy(&rest[..end]);
                return format!("`\"{s}\"`");
            }
            return "a string".into();
        }
        // One whole character, not one byte.
        let rest = std::str::from_utf8(&self.src[self.i..]).ok().or_else(|| {
            let n = (self.i + 4).min(self.src.len());
            std::str::from_utf8(&self.src[self.i..n]).ok()
        });
        match rest.and_then(|s| s.chars().next()) {
            Some(c) if b.is_ascii_alphabetic() => {
                let word: String = self.src[self.i..]
                    .iter()
                    .take(20)
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == b'_')
                    .map(|&c| c as char)
                    .collect();
                if word.is_empty() {
                    format!("`{c}`")
                } else {
                    format!("`{word}`")
                }
            }
            Some(c) => format!("`{c}`"),
            None => "an invalid character".into(),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let pos = self.pos();
        match self.peek() {
            Some(b'{') => self.object(depth + 1),
            Some(b'[') => self.array(depth + 1),
            Some(b'"') => {
                let s = self.string()?;
                Ok(Node {
                    pos,
                    value: Value::String(s),
                })
            }
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'\'') => self.err(
                pos,
                "strings must use double quotes",
                "JSON strings are written \"like this\", not 'like this'",
            ),
            None => self.err(
                pos,
                "the file ends where a value was expected",
                "the file looks cut off; finish the value and close every `{` and `[`",
            ),
            Some(_) => {
                let found = self.describe_here();
                let hint = if self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
                    "text values must be in double quotes, like \"this\""
                } else {
                    "a value is a string in double quotes, a number, true, false, null, an object or an array"
                };
                self.err(pos, format!("expected a value, found {found}"), hint)
            }
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Node, SyntaxError> {
        let pos = self.pos();
        if self.src[self.i..].starts_with(word.as_bytes()) {
            for _ in 0..word.len() {
                self.bump();
            }
            if !self
                .peek()
                .is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            {
                return Ok(Node { pos, value });
            }
        }
        let found = self.describe_here();
        self.err(
            pos,
            format!("expected a value, found {found}"),
            "text values must be in double quotes, like \"this\"; the only bare words are true, false and null",
        )
    }

    fn number(&mut self) -> Result<Node, SyntaxError> {
        let pos = self.pos();
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.bump();
        }
        let digits = |p: &mut Self| {
            let s = p.i;
            while p.peek().is_some_and(|b| b.is_ascii_digit()) {
                p.bump();
            }
            p.i - s
        };
        let int_start = self.i;
        let n = digits(self);
        if n == 0 || (n > 1 && self.src[int_start] == b'0') {
            return self.err(
                pos,
                "malformed number",
                "numbers are written like 12, -3 or 4.5, without leading zeros",
            );
        }
        if self.peek() == Some(b'.') {
            self.bump();
            if digits(self) == 0 {
                return self.err(
                    pos,
                    "malformed number",
                    "a decimal point must be followed by digits",
                );
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.bump();
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.bump();
            }
            if digits(self) == 0 {
                return self.err(
                    pos,
                    "malformed number",
                    "an exponent must be followed by digits",
                );
            }
        }
        let text = String::from_utf8_lossy(&self.src[start..self.i]).into_owned();
        Ok(Node {
            pos,
            value: Value::Number(text),
        })
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos();
        self.bump(); // opening quote
        let mut out = Vec::new();
        loop {
            let Some(b) = self.peek() else {
                return self.err(
                    start,
                    "a string is never closed",
                    "add the closing `\"` at the end of the text",
                );
            };
            match b {
                b'"' => {
                    self.bump();
                    break;
                }
                b'\n' | b'\r' => {
                    return self.err(
                        start,
                        "a string runs past the end of its line",
                        "close the string with `\"` on the same line (write a line break as \\n)",
                    );
                }
                b'\\' => {
                    let esc_pos = self.pos();
                    self.bump();
                    let Some(e) = self.peek() else { continue };
                    self.bump();
                    let c = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4(esc_pos)?;
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && self.src[self.i..].starts_with(b"\\u")
                            {
                                self.bump();
                                self.bump();
                                let lo = self.hex4(esc_pos)?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(cp).unwrap_or('\u{FFFD}')
                        }
                        _ => {
                            return self.err(
                                esc_pos,
                                "invalid escape in a string",
                                "a backslash must be doubled in JSON: write C:\\\\Users, not C:\\Users",
                            );
                        }
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                0x00..=0x1F => {
                    return self.err(
                        self.pos(),
                        "a control character inside a string",
                        "write tabs as \\t and remove other invisible characters",
                    );
                }
                _ => {
                    out.push(b);
                    self.bump();
                }
            }
        }
        // The input is a &str and we only split at ASCII bytes, so this is valid UTF-8.
        Ok(String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
    }

    fn hex4(&mut self, esc_pos: Pos) -> Result<u32, SyntaxError> {
        let mut v = 0u32;
        for _ in 0..4 {
            let d = self.peek().and_then(|b| (b as char).to_digit(16));
            let Some(d) = d else {
                return self.err(
                    esc_pos,
                    "invalid \\u escape",
                    "\\u must be followed by four hex digits",
                );
            };
            v = v * 16 + d;
            self.bump();
        }
        Ok(v)
    }

    fn too_deep<T>(&self, pos: Pos) -> Result<T, SyntaxError> {
        self.err(
            pos,
            format!("nesting deeper than {} levels", self.opts.max_depth),
            "no client config nests this deep; the file is damaged or not a config",
        )
    }

    fn object(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let open = self.pos();
        if depth > self.opts.max_depth {
            return self.too_deep(open);
        }
        self.bump();
        let mut members: Vec<Member> = Vec::new();
        let mut seen: std::collections::HashMap<String, Pos> = std::collections::HashMap::new();
        self.skip_ws()?;
        if self.peek() == Some(b'}') {
            self.bump();
            return Ok(Node {
                pos: open,
                value: Value::Object(members),
            });
        }
        loop {
            // Expect a key.
            self.skip_ws()?;
            let key_pos = self.pos();
            match self.peek() {
                Some(b'"') => {}
                Some(b'}') if !members.is_empty() => {
                    // Reached only after a comma: a trailing comma.
                    self.bump();
                    return Ok(Node {
                        pos: open,
                        value: Value::Object(members),
                    });
                }
                None => return self.unclosed(open, '{'),
                Some(b'\'') => {
                    return self.err(
                        key_pos,
                        "keys must use double quotes",
                        "write \"key\", not 'key'",
                    );
                }
                Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                    let found = self.describe_here();
                    return self.err(
                        key_pos,
                        format!("expected a key in double quotes, found {found}"),
                        "object keys must be quoted: \"command\": …",
                    );
                }
                Some(_) => {
                    let found = self.describe_here();
                    let hint = match &self.last_key {
                        Some(k) => format!(
                            "after the entry \"{k}\" the next thing must be a \"key\" or the closing `}}`"
                        ),
                        None => "an object holds \"key\": value pairs separated by commas".into(),
                    };
                    return self.err(
                        key_pos,
                        format!("expected a key in double quotes, found {found}"),
                        hint,
                    );
                }
            }
            let key = self.string()?;
            self.skip_ws()?;
            if self.peek() != Some(b':') {
                let pos = self.pos();
                let found = self.describe_here();
                return self.err(
                    pos,
                    format!("expected `:` after the key \"{key}\", found {found}"),
                    format!("write \"{key}\": followed by its value"),
                );
            }
            self.bump();
            self.skip_ws()?;
            if self.peek().is_none() {
                return self.unclosed(open, '{');
            }
            let value = self.value(depth)?;
            if let Some(&first) = seen.get(&key) {
                self.duplicates.push(DuplicateKey {
                    key: key.clone(),
                    first,
                    again: key_pos,
                });
            } else {
                seen.insert(key.clone(), key_pos);
            }
            let value_end = self.pos();
            members.push(Member {
                key: key.clone(),
                key_pos,
                value,
            });
            self.last_key = Some(key.clone());
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos();
                    self.bump();
                    self.skip_ws()?;
                    if self.peek() == Some(b'}') {
                        if !self.opts.trailing_commas {
                            return self.err(
                                comma,
                                "trailing comma before `}`",
                                format!(
                                    "this client reads plain JSON, which allows no comma after the last entry (\"{key}\"); remove this comma"
                                ),
                            );
                        }
                        self.bump();
                        return Ok(Node {
                            pos: open,
                            value: Value::Object(members),
                        });
                    }
                }
                Some(b'}') => {
                    self.bump();
                    return Ok(Node {
                        pos: open,
                        value: Value::Object(members),
                    });
                }
                None => return self.unclosed(open, '{'),
                Some(b) => {
                    let found = self.describe_here();
                    let hint = if b == b'"' {
                        format!(
                            "expected `,` or `}}` after the entry \"{key}\" — is a comma missing?"
                        )
                    } else if b == b']' {
                        format!(
                            "a `]` closes an array, but the entry \"{key}\" is inside an object opened at line {} — use `}}`",
                            open.line
                        )
                    } else {
                        format!("expected `,` or `}}` after the entry \"{key}\"")
                    };
                    // Point where the comma belongs when the next key sits on a later line.
                    let pos = if b == b'"' { value_end } else { self.pos() };
                    return self.err(pos, format!("expected `,` or `}}`, found {found}"), hint);
                }
            }
        }
    }

    fn array(&mut self, depth: usize) -> Result<Node, SyntaxError> {
        let open = self.pos();
        if depth > self.opts.max_depth {
            return self.too_deep(open);
        }
        self.bump();
        let mut items = Vec::new();
        self.skip_ws()?;
        if self.peek() == Some(b']') {
            self.bump();
            return Ok(Node {
                pos: open,
                value: Value::Array(items),
            });
        }
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return self.unclosed(open, '['),
                Some(b']') if !items.is_empty() => {
                    self.bump();
                    return Ok(Node {
                        pos: open,
                        value: Value::Array(items),
                    });
                }
                _ => {}
            }
            items.push(self.value(depth)?);
            let value_end = self.pos();
            self.skip_ws()?;
            match self.peek() {
                Some(b',') => {
                    let comma = self.pos();
                    self.bump();
                    self.skip_ws()?;
                    if self.peek() == Some(b']') && !self.opts.trailing_commas {
                        return self.err(
                            comma,
                            "trailing comma before `]`",
                            "this client reads plain JSON, which allows no comma after the last item; remove this comma",
                        );
                    }
                }
                Some(b']') => {
                    self.bump();
                    return Ok(Node {
                        pos: open,
                        value: Value::Array(items),
                    });
                }
                None => return self.unclosed(open, '['),
                Some(b) => {
                    let found = self.describe_here();
                    let (pos, hint) = if b == b'"' || b == b'{' || b == b'[' || b.is_ascii_digit() {
                        (
                            value_end,
                            "expected `,` or `]` between array items — is a comma missing?"
                                .to_string(),
                        )
                    } else if b == b'}' {
                        (
                            self.pos(),
                            format!(
                                "a `}}` closes an object, but the array opened at line {} is still open — use `]`",
                                open.line
                            ),
                        )
                    } else {
                        (
                            self.pos(),
                            "expected `,` or `]` after an array item".to_string(),
                        )
                    };
                    return self.err(pos, format!("expected `,` or `]`, found {found}"), hint);
                }
            }
        }
    }

    fn unclosed<T>(&self, open: Pos, which: char) -> Result<T, SyntaxError> {
        let close = if which == '{' { '}' } else { ']' };
        self.err(
            open,
            format!(
                "the `{which}` opened here is never closed (the file ends at line {})",
                self.line
            ),
            format!("add the missing `{close}`; every `{which}` needs a matching `{close}`"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_of_keys_and_values() {
        let doc = parse(
            "{\n  \"a\": [1, \"é\", true],\n  \"b\": null\n}",
            ParseOptions::STRICT,
        )
        .unwrap();
        let a = doc.root.get("a").unwrap();
        assert_eq!((a.key_pos.line, a.key_pos.column), (2, 3));
        let items = a.value.items().unwrap();
        assert_eq!((items[1].pos.line, items[1].pos.column), (2, 12));
        assert_eq!(
            (items[2].pos.line, items[2].pos.column),
            (2, 17),
            "é counts as one column"
        );
    }

    #[test]
    fn missing_comma_names_the_entry() {
        let e = parse("{\n \"fetch\": {}\n \"fs\": {}\n}", ParseOptions::STRICT).unwrap_err();
        assert_eq!((e.pos.line, e.pos.column), (2, 13));
        assert!(
            e.hint
                .contains("after the entry \"fetch\" — is a comma missing?"),
            "{e}"
        );
    }

    #[test]
    fn strict_rejects_comments_and_trailing_commas_jsonc_accepts() {
        let t = "{ // c\n \"a\": [1,],\n /* x */ \"b\": 2,\n}";
        assert!(
            parse(t, ParseOptions::STRICT)
                .unwrap_err()
                .message
                .contains("comments")
        );
        assert!(parse(t, ParseOptions::JSONC).is_ok());
        let e = parse("{\"a\": 1,}", ParseOptions::STRICT).unwrap_err();
        assert!(e.message.contains("trailing comma"));
        assert_eq!(e.pos.column, 8);
    }

    #[test]
    fn duplicates_bom_escapes() {
        let d = parse(
            "\u{feff}{\"k\": \"a\\u00e9\\ud83d\\ude00\", \"k\": 1}",
            ParseOptions::STRICT,
        )
        .unwrap();
        assert!(d.bom);
        assert_eq!(d.duplicates.len(), 1);
        assert_eq!(
            d.root.get("k").unwrap().value.value,
            Value::Number("1".into())
        );
        let first = &d.root.members().unwrap()[0];
        assert_eq!(first.value.as_str(), Some("aé😀"));
    }

    #[test]
    fn depth_limit_and_garbage() {
        let deep = "[".repeat(100_000);
        assert!(
            parse(&deep, ParseOptions::STRICT)
                .unwrap_err()
                .message
                .contains("nesting")
        );
        for bad in [
            "",
            "   ",
            "{",
            "{\"a\"",
            "{\"a\":",
            "[1 2]",
            "{\"a\":1}}",
            "tru",
            "'x'",
            "\"\\x\"",
            "-",
            "01",
            "{a:1}",
        ] {
            assert!(parse(bad, ParseOptions::JSONC).is_err(), "{bad:?}");
        }
    }
}
