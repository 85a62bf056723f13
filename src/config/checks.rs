//! The checks run on every server entry of a parsed config, and secret masking.
//!
//! Rule ids, severities and categories. `Category` has no word for config hygiene, so each rule
//! takes the closest one:
//!
//! | Rule | Severity | Category | Why that category |
//! |---|---|---|---|
//! | `config-secret-in-env`, `-args`, `-headers`, `-url` | high (known format), medium (high-entropy value of a key-like name), low (test keys) | `credential-access` | a credential readable by anything that reads the file |
//! | `config-unpinned-npx` (npx, bunx, pnpm dlx, yarn dlx, npm exec), `config-unpinned-uvx` (uvx, uv tool run), `config-unpinned-pipx`, `config-unpinned-docker` | medium (no version, a tag), low (a range, a docker tag) | `rug-pull` | the code that runs can change under the same config |
//! | `config-broad-fs-grant` | high (`/`, a drive, a home folder), medium (Desktop, Documents, Downloads) | `destructive` | the server may delete or overwrite all of it |
//! | `config-plain-http` | medium, high with headers | `token-forwarding` | requests, results and auth headers travel readable and alterable |
//! | `config-docker-privileged` | high | `code-execution` | the container runs with host control |
//! | `config-docker-no-isolation` | info | `code-execution` | the container keeps default capabilities and network |
//! | `config-command-not-found`, `config-command-not-on-app-path`, `config-command-with-args`, `config-server-no-command`, `config-bad-entry`, `config-bad-url`, `config-undeclared-input` | medium / low | `code-execution` | they decide which program the client runs, or that it fails to |
//! | `config-duplicate-key`, `config-misspelt-key` | medium / low | `code-execution` | the entry the client runs is not the one the reader sees |
//! | `config-bom` | high | `code-execution` | the client cannot parse the file, so none of its servers start |

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::Regex;

use super::discover::{Client, Format, Shape};
use super::json::{Document, Member, Node, Pos, Value};
use super::{
    AuditOptions, ConfigAudit, ConfigFinding, LINE_WINDOW, ServerEntry, Transport, window,
};
use crate::finding::{Category, Confidence, Finding, Severity};

/// Every rule id the config audit reports, with a one-line description (SARIF `shortDescription`).
pub const RULES: &[(&str, &str)] = &[
    (
        "config-parse-error",
        "The config file cannot be read or parsed as its client reads it",
    ),
    (
        "config-secret-in-env",
        "A credential in plain text in a server's env",
    ),
    (
        "config-secret-in-args",
        "A credential in plain text in a server's arguments",
    ),
    (
        "config-secret-in-headers",
        "A credential in plain text in a remote server's headers",
    ),
    (
        "config-secret-in-url",
        "A credential in plain text in a remote server's URL",
    ),
    (
        "config-unpinned-npx",
        "An npm package run by npx, bunx, pnpm dlx or npm exec without an exact version",
    ),
    (
        "config-unpinned-uvx",
        "A Python package run by uvx without an exact == version",
    ),
    (
        "config-unpinned-pipx",
        "A Python package run by pipx run without an exact == version",
    ),
    (
        "config-unpinned-docker",
        "A container image run without a digest",
    ),
    (
        "config-broad-fs-grant",
        "A server is given the whole filesystem, a drive, a home folder or a personal folder",
    ),
    (
        "config-plain-http",
        "A remote server reached over plain http://",
    ),
    (
        "config-docker-privileged",
        "A container with host control (privileged, host PID, Docker socket)",
    ),
    (
        "config-docker-no-isolation",
        "A container started without isolating flags",
    ),
    (
        "config-command-not-found",
        "The server's program is not on PATH or does not exist",
    ),
    (
        "config-command-not-on-app-path",
        "The server's program is found only through the shell's PATH",
    ),
    (
        "config-command-with-args",
        "A whole command line in \"command\"",
    ),
    (
        "config-server-no-command",
        "A server entry with neither a command nor a URL",
    ),
    (
        "config-bad-entry",
        "A server entry or field of the wrong type",
    ),
    ("config-bad-url", "A remote server URL that does not parse"),
    (
        "config-undeclared-input",
        "A ${input:ID} reference to an input the file does not declare",
    ),
    (
        "config-duplicate-key",
        "A key repeated in one object; the client uses the later one",
    ),
    (
        "config-misspelt-key",
        "A key the client does not read, close to one it does",
    ),
    (
        "config-bom",
        "A byte-order mark at the start of a file the client reads as plain JSON",
    ),
    (
        "config-deep-verdict",
        "The scanner's verdict on the code a server runs (--deep)",
    ),
    (
        "config-deep-scan-failed",
        "The code a server runs could not be fetched or scanned (--deep)",
    ),
];

/// The description of a config rule id ("" for an unknown id).
pub fn rule_summary(id: &str) -> &'static str {
    RULES.iter().find(|(r, _)| *r == id).map_or("", |(_, d)| d)
}

/// Audits a parsed config document (the root is an object).
pub fn audit_document(
    file: &str,
    text: &str,
    doc: &Document,
    format: Format,
    opts: &AuditOptions,
) -> ConfigAudit {
    let mut cx = Cx {
        file,
        client: format.client,
        opts,
        findings: Vec::new(),
        offsets: Vec::new(),
        inputs: None,
        secrets: Vec::new(),
    };
    let lines = LineIndex::new(text);
    // A UTF-8 byte-order mark: `JSON.parse` and Go's decoder refuse it. Claude Desktop then starts
    // no server and may rewrite the file without its "mcpServers" (homeassistant-ai/ha-mcp#281,
    // tradesdontlie/tradingview-mcp#406); Claude Code reports its `.mcp.json` and settings as
    // malformed (anthropics/claude-code#9906); Gemini CLI reads with `readFileSync(…, 'utf-8')`,
    // which keeps the mark, then `JSON.parse`. The file is still audited here: the secrets in it
    // are there all the same.
    if doc.bom
        && !matches!(
            format.client,
            Client::VsCode | Client::Cursor | Client::Generic
        )
    {
        let c = format.client.display_name();
        cx.push(
            "config-bom",
            Category::CodeExecution,
            Severity::High,
            Confidence::High,
            Pos {
                line: 1,
                column: 1,
                offset: 0,
            },
            None,
            format!(
                "the file starts with an invisible byte-order mark (BOM), which {c} cannot parse, so none of its servers start{}",
                if format.client == Client::ClaudeDesktop {
                    " and Claude Desktop may rewrite the file without them"
                } else {
                    ""
                }
            ),
            "save the file as UTF-8 without BOM (in Notepad: Save As → Encoding → UTF-8; in PowerShell 5.1 use [IO.File]::WriteAllText, not Set-Content -Encoding UTF8)".into(),
        );
    }
    duplicates_in(&mut cx, &doc.root, None);
    cx.inputs = declared_inputs(&doc.root, format.shape);
    let mut servers = Vec::new();
    for (project, container) in containers(&mut cx, &doc.root, format.shape) {
        duplicates_in(&mut cx, container, None);
        for m in container.members().unwrap_or(&[]) {
            servers.push(entry(&mut cx, m, project.clone()));
        }
    }
    // Mask every secret found anywhere in the file, in every snippet and server listing.
    let masker = Masker::new(&std::mem::take(&mut cx.secrets));
    let mut masked_lines: std::collections::HashMap<u32, MaskedLine> =
        std::collections::HashMap::new();
    let mut findings = cx.findings;
    for (f, offset) in findings.iter_mut().zip(cx.offsets) {
        let line = f.finding.line;
        let masked = masked_lines
            .entry(line)
            .or_insert_with(|| masker.mask_mapped(lines.line(line)));
        f.finding.snippet = masked.snippet_at(offset.saturating_sub(lines.start(line)));
    }
    // Messages and fixes quote values too ("the program `…` does not exist", "put … in args").
    for f in &mut findings {
        f.finding.message = masker.mask(&f.finding.message);
        f.fix = masker.mask(&f.fix);
    }
    for s in &mut servers {
        for a in &mut s.args {
            *a = masker.mask(a);
        }
        if let Some(u) = &mut s.url {
            *u = masker.mask(u);
        }
        if let Some(c) = &mut s.command {
            *c = masker.mask(c);
        }
        if let Some(spec) = &mut s.scan_spec {
            *spec = masker.mask(spec);
        }
        if let Some(n) = &mut s.not_scanned {
            *n = masker.mask(n);
        }
    }
    findings.sort_by(|a, b| a.finding.sort_key().cmp(&b.finding.sort_key()));
    ConfigAudit {
        file: file.to_string(),
        client: format.client,
        shape: format.shape,
        servers,
        findings,
    }
}

struct Cx<'a> {
    file: &'a str,
    client: Client,
    opts: &'a AuditOptions,
    findings: Vec<ConfigFinding>,
    /// VS Code `inputs` ids, when the file's client has them.
    inputs: Option<HashSet<String>>,
    /// Byte offset in the text of each finding, for cutting its snippet.
    offsets: Vec<usize>,
    /// Raw secret values and their masks, applied to all output at the end.
    secrets: Vec<(String, String)>,
}

impl Cx<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        rule: &str,
        category: Category,
        severity: Severity,
        confidence: Confidence,
        pos: Pos,
        tool: Option<&str>,
        message: String,
        fix: String,
    ) {
        self.offsets.push(pos.offset);
        self.findings.push(ConfigFinding {
            finding: Finding {
                rule: rule.to_string(),
                category,
                severity,
                confidence,
                message,
                file: self.file.to_string(),
                line: pos.line,
                column: pos.column,
                // Filled in at the end, once every secret is known and can be masked.
                snippet: String::new(),
                tool: tool.map(str::to_string),
                evidence: Vec::new(),
            },
            fix,
        });
    }
}

// ---------------------------------------------------------------------------------------------
// Structure: where the servers are, duplicate and misspelt keys
// ---------------------------------------------------------------------------------------------

/// Normalises a key for near-miss comparison: lowercase, separators removed.
fn norm(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let v = (prev[j] + usize::from(ca != cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
            cur.push(v);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// `key` is not `expected` but close enough to be a typo of it.
fn near_miss(key: &str, expected: &str) -> bool {
    if key == expected {
        return false;
    }
    let (k, e) = (norm(key), norm(expected));
    if k == e {
        return true;
    }
    let limit = if e.len() >= 8 { 2 } else { 1 };
    e.len() >= 3 && k.len() + limit >= e.len() && edit_distance(&k, &e) <= limit
}

/// Reports keys repeated within `obj`; the later one is what clients use.
fn duplicates_in(cx: &mut Cx, obj: &Node, tool: Option<&str>) {
    let Some(members) = obj.members() else { return };
    let mut seen: std::collections::HashMap<&str, Pos> = std::collections::HashMap::new();
    for m in members {
        if let Some(first) = seen.get(m.key.as_str()) {
            let first = *first;
            cx.push(
                "config-duplicate-key",
                Category::CodeExecution,
                Severity::Medium,
                Confidence::High,
                m.key_pos,
                tool,
                format!(
                    "key \"{}\" appears twice (first at line {}); clients silently use this later one and ignore the first",
                    m.key, first.line
                ),
                "remove or rename one of the two".into(),
            );
        } else {
            seen.insert(&m.key, m.key_pos);
        }
    }
}

/// The objects holding server entries, with the Claude Code project they belong to.
fn containers<'d>(cx: &mut Cx, root: &'d Node, shape: Shape) -> Vec<(Option<String>, &'d Node)> {
    let mut out = Vec::new();
    match shape {
        Shape::McpServers => find_key(cx, root, "mcpServers", &["servers"], None, &mut out),
        Shape::VsCodeMcp => find_key(cx, root, "servers", &["mcpServers"], None, &mut out),
        Shape::VsCodeSettings => {
            if let Some(mcp) = root.get("mcp").filter(|m| m.value.members().is_some()) {
                find_key(cx, &mcp.value, "servers", &["mcpServers"], None, &mut out);
            }
            // `"mcp.servers"` as a dotted key is not read by VS Code.
            if let Some(m) = root.get("mcp.servers") {
                let c = cx.client.display_name();
                cx.push(
                    "config-misspelt-key",
                    Category::CodeExecution,
                    Severity::Medium,
                    Confidence::High,
                    m.key_pos,
                    None,
                    format!("\"mcp.servers\" is not read by {c}: servers belong under \"mcp\": {{ \"servers\": … }}"),
                    "move the entries into \"mcp\": { \"servers\": { … } }".into(),
                );
                if m.value.members().is_some() {
                    out.push((None, &m.value));
                }
            }
        }
        Shape::ClaudeCodeUser => {
            find_key(cx, root, "mcpServers", &[], None, &mut out);
            if let Some(projects) = root.get("projects").and_then(|p| p.value.members()) {
                for p in projects {
                    if p.value.members().is_some() {
                        find_key(
                            cx,
                            &p.value,
                            "mcpServers",
                            &[],
                            Some(p.key.clone()),
                            &mut out,
                        );
                    }
                }
            }
        }
        Shape::Any => {
            for key in ["mcpServers", "servers"] {
                if let Some(m) = root.get(key).filter(|m| m.value.members().is_some()) {
                    out.push((None, &m.value));
                }
            }
            if let Some(s) = root.get("mcp").and_then(|m| m.value.get("servers")) {
                if s.value.members().is_some() {
                    out.push((None, &s.value));
                }
            }
            if let Some(projects) = root.get("projects").and_then(|p| p.value.members()) {
                for p in projects {
                    if let Some(s) = p
                        .value
                        .get("mcpServers")
                        .filter(|s| s.value.members().is_some())
                    {
                        out.push((Some(p.key.clone()), &s.value));
                    }
                }
            }
            if out.is_empty() {
                find_key(cx, root, "mcpServers", &[], None, &mut out);
            }
        }
    }
    out
}

/// Looks in `obj` for `expected` (and reports near misses and other clients' spellings, whose
/// entries are still audited: they would run once the key is fixed).
fn find_key<'d>(
    cx: &mut Cx,
    obj: &'d Node,
    expected: &str,
    other_spellings: &[&str],
    project: Option<String>,
    out: &mut Vec<(Option<String>, &'d Node)>,
) {
    let Some(members) = obj.members() else { return };
    let client = cx.client.display_name();
    for m in members {
        let wrong = other_spellings.contains(&m.key.as_str()) || near_miss(&m.key, expected);
        if m.key == expected {
            if m.value.members().is_some() {
                out.push((project.clone(), &m.value));
            } else {
                cx.push(
                    "config-bad-entry",
                    Category::CodeExecution,
                    Severity::Medium,
                    Confidence::High,
                    m.value.pos,
                    None,
                    format!(
                        "\"{expected}\" holds {}, but it must be an object of named servers",
                        m.value.value.kind()
                    ),
                    format!("write \"{expected}\": {{ \"name\": {{ \"command\": … }} }}"),
                );
            }
        } else if wrong && m.value.members().is_some() {
            cx.push(
                "config-misspelt-key",
                Category::CodeExecution,
                Severity::Medium,
                Confidence::High,
                m.key_pos,
                None,
                format!("\"{}\" is not a key {client} reads, so none of the servers under it start; did you mean \"{expected}\"?", m.key),
                format!("rename \"{}\" to \"{expected}\"", m.key),
            );
            out.push((project.clone(), &m.value));
        }
    }
}

/// Keys some client reads in a server entry; anything else near one of the `CORE` keys is a typo.
const KNOWN_ENTRY_KEYS: &[&str] = &[
    "command",
    "args",
    "env",
    "envFile",
    "cwd",
    "url",
    "serverUrl",
    "httpUrl",
    "type",
    "transport",
    "headers",
    "disabled",
    "enabled",
    "timeout",
    "trust",
    "alwaysAllow",
    "autoApprove",
    "description",
    "includeTools",
    "excludeTools",
    "disabledTools",
    "oauth",
    "dev",
    "name",
    "autoStart",
    "tools",
    "roots",
];
const CORE_ENTRY_KEYS: &[&str] = &[
    "command", "args", "env", "envFile", "cwd", "url", "headers", "type", "disabled",
];
const ENTRY_ALIASES: &[(&str, &str)] = &[
    ("cmd", "command"),
    ("exec", "command"),
    ("arguments", "args"),
    ("argv", "args"),
    ("environment", "env"),
    ("envs", "env"),
    ("header", "headers"),
    ("uri", "url"),
    ("endpoint", "url"),
];

// ---------------------------------------------------------------------------------------------
// One server entry
// ---------------------------------------------------------------------------------------------

fn entry(cx: &mut Cx, m: &Member, project: Option<String>) -> ServerEntry {
    let name = m.key.as_str();
    let mut server = ServerEntry {
        name: name.to_string(),
        project,
        line: m.key_pos.line,
        column: m.key_pos.column,
        transport: Transport::Unknown,
        command: None,
        args: Vec::new(),
        url: None,
        env: Vec::new(),
        disabled: false,
        scan_spec: None,
        not_scanned: None,
    };
    let tool = Some(name);
    if m.value.members().is_none() {
        cx.push(
            "config-bad-entry",
            Category::CodeExecution,
            Severity::Medium,
            Confidence::High,
            m.value.pos,
            tool,
            format!("server \"{name}\" is {}, not an object, so the client cannot start it", m.value.value.kind()),
            format!("write \"{name}\": {{ \"command\": \"…\", \"args\": [ … ] }} or {{ \"url\": \"…\" }}"),
        );
        server.not_scanned = Some("the entry is not an object".into());
        return server;
    }
    let e = &m.value;
    duplicates_in(cx, e, tool);
    undeclared_inputs(cx, e, tool, 0);
    for k in e.members().unwrap_or(&[]) {
        if KNOWN_ENTRY_KEYS.contains(&k.key.as_str()) {
            continue;
        }
        let meant = ENTRY_ALIASES
            .iter()
            .find(|(a, _)| k.key.eq_ignore_ascii_case(a))
            .map(|(_, m)| *m)
            .or_else(|| {
                CORE_ENTRY_KEYS
                    .iter()
                    .copied()
                    .find(|c| near_miss(&k.key, c))
            });
        if let Some(meant) = meant {
            cx.push(
                "config-misspelt-key",
                Category::CodeExecution,
                Severity::Medium,
                Confidence::Medium,
                k.key_pos,
                tool,
                format!("server \"{name}\" has a key \"{}\" that clients ignore; did you mean \"{meant}\"?", k.key),
                format!("rename \"{}\" to \"{meant}\"", k.key),
            );
        }
    }
    server.disabled = matches!(
        e.get("disabled").map(|d| &d.value.value),
        Some(Value::Bool(true))
    ) || matches!(
        e.get("enabled").map(|d| &d.value.value),
        Some(Value::Bool(false))
    );

    // env
    if let Some(env) = e.get("env") {
        match env.value.members() {
            Some(vars) => {
                duplicates_in(cx, &env.value, tool);
                for v in vars {
                    server.env.push(v.key.clone());
                    if let Some(s) = v.value.as_str() {
                        secret_in_named(
                            cx,
                            "config-secret-in-env",
                            tool,
                            &format!("env.{}", v.key),
                            &v.key,
                            s,
                            v.value.pos,
                        );
                    }
                }
            }
            None => bad_shape(cx, tool, env, "an object of NAME: \"value\" pairs"),
        }
    }
    // headers
    let mut has_headers = false;
    if let Some(h) = e.get("headers") {
        match h.value.members() {
            Some(hs) => {
                has_headers = !hs.is_empty();
                duplicates_in(cx, &h.value, tool);
                for v in hs {
                    if let Some(s) = v.value.as_str() {
                        secret_in_header(cx, tool, &v.key, s, v.value.pos);
                    }
                }
            }
            None => bad_shape(cx, tool, h, "an object of Header-Name: \"value\" pairs"),
        }
    }
    // args
    let mut args: Vec<(String, Pos)> = Vec::new();
    if let Some(a) = e.get("args") {
        match a.value.items() {
            Some(items) => {
                for it in items {
                    match &it.value {
                        Value::String(s) => args.push((s.clone(), it.pos)),
                        Value::Number(n) => args.push((n.clone(), it.pos)),
                        other => cx.push(
                            "config-bad-entry",
                            Category::CodeExecution,
                            Severity::Medium,
                            Confidence::High,
                            it.pos,
                            tool,
                            format!("an argument of server \"{name}\" is {}, but arguments must be strings", other.kind()),
                            "write each argument as a string in double quotes".into(),
                        ),
                    }
                }
            }
            None => bad_shape(cx, tool, a, "an array of strings"),
        }
    }
    server.args = args.iter().map(|(s, _)| s.clone()).collect();
    secrets_in_args(cx, tool, &args);

    let command = e
        .get("command")
        .and_then(|c| c.value.as_str().map(|s| (s, c.value.pos)));
    // A token can sit in "command" too: a whole command line, or a path.
    if let Some((cmd, cpos)) = command {
        let words: Vec<(String, Pos)> = cmd
            .split_whitespace()
            .map(|w| (w.to_string(), cpos))
            .collect();
        secrets_in_words(cx, tool, &words, &|_| "command".to_string());
    }
    if let Some(c) = e.get("command").filter(|c| c.value.as_str().is_none()) {
        bad_shape(cx, tool, c, "a string naming the program to start");
    }
    let url = ["url", "serverUrl", "httpUrl"].iter().find_map(|k| {
        e.get(k)
            .and_then(|u| u.value.as_str().map(|s| (*k, s, u.value.pos)))
    });
    let ty = e
        .get("type")
        .or_else(|| e.get("transport"))
        .and_then(|t| t.value.as_str())
        .unwrap_or("");

    if let Some((cmd, cpos)) = command {
        server.transport = Transport::Stdio;
        server.command = Some(cmd.to_string());
        // Where the client starts the server: its own "cwd" (relative to the project, if any),
        // else the project folder (a `~/.claude.json` project entry's key, or the project of a
        // project-level file).
        let base = server
            .project
            .as_deref()
            .map(PathBuf::from)
            .or_else(|| cx.opts.base_dir.clone());
        let own = e.get("cwd").and_then(|c| c.value.as_str());
        let cwd = match (own, &base) {
            (Some(c), Some(b)) if !is_absolute_any(c) => Some(b.join(c).display().to_string()),
            (Some(c), _) => Some(c.to_string()),
            (None, Some(b)) => Some(b.display().to_string()),
            (None, None) => None,
        };
        stdio_checks(cx, &mut server, cmd, cpos, &args, cwd.as_deref());
    } else if let Some((key, u, upos)) = url {
        server.transport = if ty.eq_ignore_ascii_case("sse")
            || (ty.is_empty() && key != "httpUrl" && u.trim_end_matches('/').ends_with("/sse"))
        {
            Transport::Sse
        } else {
            Transport::Http
        };
        server.url = Some(u.to_string());
        remote_checks(cx, tool, u, upos, has_headers);
        server.not_scanned =
            Some("remote server: its code runs elsewhere and cannot be scanned".into());
    } else {
        cx.push(
            "config-server-no-command",
            Category::CodeExecution,
            Severity::Medium,
            Confidence::High,
            m.key_pos,
            tool,
            format!("server \"{name}\" has neither a \"command\" nor a \"url\", so the client cannot start it"),
            "add \"command\" (and \"args\") for a local server, or \"url\" for a remote one".into(),
        );
        server.not_scanned = Some("no command or url".into());
    }
    server
}

/// The ids of VS Code `inputs` (`None` for clients without them).
fn declared_inputs(root: &Node, shape: Shape) -> Option<HashSet<String>> {
    let inputs = match shape {
        Shape::VsCodeMcp | Shape::Any => root.get("inputs"),
        Shape::VsCodeSettings => root.get("mcp").and_then(|m| m.value.get("inputs")),
        _ => return None,
    };
    if shape == Shape::Any && inputs.is_none() {
        return None;
    }
    let ids = inputs
        .and_then(|i| i.value.items())
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| {
            i.get("id")
                .and_then(|id| id.value.as_str())
                .map(str::to_string)
        })
        .collect();
    Some(ids)
}

/// Reports `${input:ID}` references to inputs the file does not declare: VS Code cannot start
/// the server until they are.
fn undeclared_inputs(cx: &mut Cx, node: &Node, tool: Option<&str>, depth: usize) {
    let Some(ids) = &cx.inputs else { return };
    match &node.value {
        Value::String(s) => {
            let mut missing = Vec::new();
            for (i, _) in s.match_indices("${input:") {
                let rest = &s[i + 8..];
                let Some(end) = rest.find('}') else { continue };
                let id = &rest[..end];
                if !ids.contains(id) && !missing.contains(&id) {
                    missing.push(id);
                }
            }
            for id in missing {
                let name = tool.unwrap_or("?");
                cx.push(
                    "config-undeclared-input",
                    Category::CodeExecution,
                    Severity::Low,
                    Confidence::High,
                    node.pos,
                    tool,
                    format!("server \"{name}\" uses ${{input:{id}}}, but no input with id \"{id}\" is declared, so the client cannot start it"),
                    format!("add {{\"type\": \"promptString\", \"id\": \"{id}\", \"password\": true}} to \"inputs\""),
                );
            }
        }
        Value::Array(items) if depth < 8 => {
            for i in items {
                undeclared_inputs(cx, i, tool, depth + 1);
            }
        }
        Value::Object(members) if depth < 8 => {
            for m in members {
                undeclared_inputs(cx, &m.value, tool, depth + 1);
            }
        }
        _ => {}
    }
}

fn bad_shape(cx: &mut Cx, tool: Option<&str>, m: &Member, want: &str) {
    cx.push(
        "config-bad-entry",
        Category::CodeExecution,
        Severity::Medium,
        Confidence::High,
        m.value.pos,
        tool,
        format!(
            "\"{}\" is {}, but it must be {want}; the client will reject or ignore it",
            m.key,
            m.value.value.kind()
        ),
        format!("make \"{}\" {want}", m.key),
    );
}

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

/// A known credential format.
struct SecretKind {
    what: &'static str,
    re: Regex,
    /// How many leading characters identify the kind and may be shown.
    keep: usize,
    severity: Severity,
}

static KNOWN_SECRETS: LazyLock<Vec<SecretKind>> = LazyLock::new(|| {
    let k = |what, re: &str, keep, severity| SecretKind {
        what,
        re: Regex::new(re).expect("secret pattern compiles"),
        keep,
        severity,
    };
    use Severity::{High, Low};
    vec![
        k(
            "GitHub fine-grained token",
            r"\bgithub_pat_[A-Za-z0-9_]{40,}",
            11,
            High,
        ),
        k("GitHub token", r"\bgh[pousr]_[A-Za-z0-9]{30,}", 4, High),
        k(
            "Anthropic API key",
            r"\bsk-ant-[a-z]+[0-9]*-[A-Za-z0-9_\-]{20,}",
            7,
            High,
        ),
        k(
            "OpenAI API key",
            r"\bsk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{20,}",
            8,
            High,
        ),
        k("OpenAI API key", r"\bsk-[A-Za-z0-9]{32,}", 3, High),
        k(
            "AWS access key id",
            r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
            4,
            High,
        ),
        k("Slack token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}", 5, High),
        k(
            "Slack webhook URL",
            r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]{20,}",
            33,
            High,
        ),
        k("Google API key", r"\bAIza[0-9A-Za-z_\-]{35}", 4, High),
        k(
            "Google OAuth token",
            r"\bya29\.[0-9A-Za-z_\-]{20,}",
            5,
            High,
        ),
        k(
            "Google OAuth client secret",
            r"\bGOCSPX-[A-Za-z0-9_\-]{20,}",
            7,
            High,
        ),
        k(
            "Stripe live key",
            r"\b(?:sk|rk)_live_[0-9A-Za-z]{16,}",
            8,
            High,
        ),
        k(
            "Stripe test key",
            r"\b(?:sk|rk)_test_[0-9A-Za-z]{16,}",
            8,
            Low,
        ),
        k(
            "Stripe webhook secret",
            r"\bwhsec_[0-9A-Za-z]{20,}",
            6,
            High,
        ),
        k("GitLab token", r"\bglpat-[A-Za-z0-9_\-]{20,}", 6, High),
        k("Hugging Face token", r"\bhf_[A-Za-z0-9]{30,}", 3, High),
        k("npm token", r"\bnpm_[A-Za-z0-9]{36}\b", 4, High),
        k(
            "private key",
            r"-----BEGIN [A-Z ]*PRIVATE KEY-----",
            0,
            High,
        ),
    ]
});

/// Masks a secret: a short identifying prefix and at most the last four characters.
pub fn mask(secret: &str, keep: usize) -> String {
    let chars: Vec<char> = secret.chars().collect();
    let keep = keep.min(chars.len() / 2);
    let head: String = chars[..keep].iter().collect();
    let tail: String = if chars.len() >= 16 {
        chars[chars.len() - 4..].iter().collect()
    } else {
        String::new()
    };
    format!("{head}****{tail}")
}

/// Replaces every known secret (raw and JSON-escaped forms) in one pass, so masking costs time
/// linear in the text however many secrets a hostile file holds.
struct Masker {
    ac: Option<aho_corasick::AhoCorasick>,
    replacements: Vec<String>,
}

impl Masker {
    fn new(secrets: &[(String, String)]) -> Masker {
        let mut patterns: Vec<String> = Vec::new();
        let mut seen: HashSet<String> = HashSet::new();
        let mut replacements = Vec::new();
        for (raw, masked) in secrets {
            // The source line holds the JSON-escaped form.
            let escaped = serde_json::to_string(raw).unwrap_or_default();
            let escaped = escaped.trim_matches('"').to_string();
            for form in [raw.clone(), escaped] {
                if !form.is_empty() && seen.insert(form.clone()) {
                    patterns.push(form);
                    replacements.push(masked.clone());
                }
            }
        }
        let ac = (!patterns.is_empty())
            .then(|| {
                aho_corasick::AhoCorasick::builder()
                    .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .ok()
            })
            .flatten();
        Masker { ac, replacements }
    }

    /// Masks a source line, remembering where each replacement went so offsets can be mapped.
    fn mask_mapped(&self, s: &str) -> MaskedLine {
        let Some(ac) = &self.ac else {
            return MaskedLine {
                text: s.to_string(),
                spans: Vec::new(),
            };
        };
        let mut text = String::with_capacity(s.len());
        let mut spans = Vec::new();
        let mut last = 0;
        for m in ac.find_iter(s) {
            text.push_str(&s[last..m.start()]);
            let new_start = text.len();
            text.push_str(&self.replacements[m.pattern().as_usize()]);
            spans.push((m.start(), m.end(), new_start, text.len()));
            last = m.end();
        }
        text.push_str(&s[last..]);
        MaskedLine { text, spans }
    }

    fn mask(&self, s: &str) -> String {
        match &self.ac {
            Some(ac) => ac.replace_all(s, &self.replacements),
            None => s.to_string(),
        }
    }
}

/// A source line with its secrets masked, and where each replacement sits.
struct MaskedLine {
    text: String,
    /// (original start, original end, new start, new end) of each replacement, in order.
    spans: Vec<(usize, usize, usize, usize)>,
}

impl MaskedLine {
    /// Maps a byte offset in the original line to the masked line.
    fn map(&self, o: usize) -> usize {
        let i = self.spans.partition_point(|s| s.0 <= o);
        if i == 0 {
            return o;
        }
        let (_, oe, ns, ne) = self.spans[i - 1];
        if o < oe { ns } else { ne + (o - oe) }
    }

    /// The snippet around original byte offset `o`: trimmed, at most [`LINE_WINDOW`] characters,
    /// cut in time proportional to the window, not the line.
    fn snippet_at(&self, o: usize) -> String {
        let t = self.text.as_str();
        let lead = t.len() - t.trim_start().len();
        let tail = t.trim_end().len().max(lead);
        let floor = |mut i: usize| {
            while !t.is_char_boundary(i) {
                i -= 1;
            }
            i
        };
        let m = floor(self.map(o).clamp(lead, tail));
        // Bytes either side: at least the LINE_WINDOW / 2 characters the window shows.
        let reach = LINE_WINDOW * 2;
        let a = floor(m.saturating_sub(reach).max(lead));
        let mut b = (m + reach).min(tail);
        while !t.is_char_boundary(b) {
            b += 1;
        }
        let col = t[a..m].chars().count() + 1;
        let (mut s, _) = window(&t[a..b], col);
        if a > lead && !s.starts_with('…') {
            s.insert(0, '…');
        }
        if b < tail && !s.ends_with('…') {
            s.push('…');
        }
        s
    }
}

/// Line starts of a text, for O(1) line lookup however many findings there are.
struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        LineIndex { text, starts }
    }

    /// Byte offset where the 1-based line starts.
    fn start(&self, line: u32) -> usize {
        let i = line.saturating_sub(1) as usize;
        self.starts.get(i).copied().unwrap_or(self.text.len())
    }

    /// The 1-based line without its line break.
    fn line(&self, line: u32) -> &'a str {
        let i = line.saturating_sub(1) as usize;
        let Some(&start) = self.starts.get(i) else {
            return "";
        };
        let end = self.starts.get(i + 1).map_or(self.text.len(), |e| e - 1);
        self.text[start..end].trim_end_matches('\r')
    }
}

/// A secret found in a value.
struct Hit {
    what: &'static str,
    raw: String,
    masked: String,
    severity: Severity,
    confidence: Confidence,
}

fn known_secrets(value: &str) -> Vec<Hit> {
    let mut hits: Vec<Hit> = Vec::new();
    let mut taken: Vec<(usize, usize)> = Vec::new();
    for k in KNOWN_SECRETS.iter() {
        for m in k.re.find_iter(value) {
            if taken.iter().any(|&(s, e)| m.start() < e && s < m.end()) {
                continue;
            }
            // Mask the whole token the match sits in, not just the part the pattern knows.
            let end = value[m.end()..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || "_-./+=".contains(c)))
                .map_or(value.len(), |i| m.end() + i);
            let end = if k.what == "Slack webhook URL" {
                m.end()
            } else {
                end
            };
            taken.push((m.start(), end));
            let raw = if k.what == "private key" {
                value.to_string()
            } else {
                value[m.start()..end].to_string()
            };
            hits.push(Hit {
                what: k.what,
                masked: mask(&raw, k.keep),
                raw,
                severity: k.severity,
                confidence: Confidence::High,
            });
        }
    }
    hits
}

/// Masks the secrets in one raw source line that could not be parsed (a syntax error's line), so a
/// diagnostic never prints a credential: every known credential format, and the value of every
/// `"key-like name": "random-looking value"` pair (`"API_KEY": "…"`, `"Authorization": "Bearer …"`).
/// `column` (1-based, in characters) is moved to the same place in the masked line; a column inside
/// a secret lands on the start of its mask.
pub fn mask_line(line: &str, column: u32) -> (String, u32) {
    static PAIR: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#""([^"\\]{1,100})"\s*:\s*"([^"\\]{8,})""#).expect("pair pattern compiles")
    });
    // Byte ranges to replace, with their masks; known formats first, then named values.
    let mut spans: Vec<(usize, usize, String)> = Vec::new();
    let overlaps = |spans: &[(usize, usize, String)], s: usize, e: usize| {
        spans.iter().any(|&(a, b, _)| s < b && a < e)
    };
    for hit in known_secrets(line) {
        let mut from = 0;
        while let Some(i) = line[from..].find(&hit.raw) {
            let (s, e) = (from + i, from + i + hit.raw.len());
            if !overlaps(&spans, s, e) {
                spans.push((s, e, hit.masked.clone()));
            }
            from = e;
        }
    }
    for c in PAIR.captures_iter(line) {
        let (Some(k), Some(v)) = (c.get(1), c.get(2)) else {
            continue;
        };
        let lk = k.as_str().to_ascii_lowercase();
        let value = v.as_str();
        let (vs, cred) = if lk == "authorization" || lk == "proxy-authorization" {
            match value.split_once(' ') {
                Some((scheme, cred)) if scheme.chars().all(|c| c.is_ascii_alphabetic()) => {
                    (v.start() + scheme.len() + 1, cred)
                }
                _ => (v.start(), value),
            }
        } else if key_like(k.as_str()) && random_looking(value) {
            (v.start(), value)
        } else {
            continue;
        };
        if cred.chars().count() >= 8 && !placeholder(cred) && !overlaps(&spans, vs, v.end()) {
            spans.push((vs, v.end(), mask(cred, 0)));
        }
    }
    if spans.is_empty() {
        return (line.to_string(), column);
    }
    spans.sort_by_key(|s| s.0);
    let target = line
        .char_indices()
        .nth(column.saturating_sub(1) as usize)
        .map_or(line.len(), |(i, _)| i);
    let mut out = String::with_capacity(line.len());
    let mut new_col = None;
    let mut last = 0;
    for (s, e, m) in &spans {
        if new_col.is_none() && target < *s {
            new_col = Some(out.chars().count() + line[last..target].chars().count() + 1);
        }
        out.push_str(&line[last..*s]);
        if new_col.is_none() && target < *e {
            new_col = Some(out.chars().count() + 1);
        }
        out.push_str(m);
        last = *e;
    }
    if new_col.is_none() {
        new_col = Some(out.chars().count() + line[last..target.max(last)].chars().count() + 1);
    }
    out.push_str(&line[last..]);
    (out, new_col.map_or(column, |c| c as u32))
}

/// The words of a key name, lowercase: `GITHUB_PERSONAL_ACCESS_TOKEN` → [github, personal, access, token].
fn key_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if !c.is_alphanumeric() {
            if !cur.is_empty() {
                words.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !cur.is_empty() {
            words.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_lowercase() || c.is_ascii_digit();
        cur.extend(c.to_lowercase());
    }
    if !cur.is_empty() {
        words.push(cur);
    }
    words
}

/// The name says its value is a credential (`API_KEY`, `githubToken`, `x-api-key`, `DB_PASSWORD`).
pub fn key_like(name: &str) -> bool {
    let words = key_words(name);
    let Some(last) = words.last() else {
        return false;
    };
    const LAST: &[&str] = &[
        "token",
        "key",
        "secret",
        "password",
        "passwd",
        "pass",
        "pwd",
        "pat",
        "apikey",
        "auth",
        "authorization",
        "credential",
        "credentials",
        "cookie",
        "passphrase",
        "bearer",
    ];
    LAST.contains(&last.as_str())
        || words
            .iter()
            .any(|w| matches!(w.as_str(), "apikey" | "password" | "secret" | "passwd"))
}

/// The value is a stand-in, not a credential (`${input:token}`, `<your-key>`, `xxxx`).
fn placeholder(v: &str) -> bool {
    let l = v.to_ascii_lowercase();
    v.contains("${")
        || v.starts_with('$')
        || (v.starts_with('%') && v.ends_with('%'))
        || (v.starts_with('<') && v.ends_with('>'))
        || v.starts_with("{{")
        || [
            "your",
            "xxx",
            "changeme",
            "placeholder",
            "example",
            "replace",
            "insert",
            "here",
            "***",
            "...",
        ]
        .iter()
        .any(|w| l.contains(w))
        || v.chars().collect::<HashSet<_>>().len() <= 3
}

fn entropy(v: &str) -> f64 {
    let mut counts = std::collections::HashMap::new();
    let n = v.chars().count() as f64;
    for c in v.chars() {
        *counts.entry(c).or_insert(0usize) += 1;
    }
    counts
        .values()
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A value of a key-like name that looks like a real credential rather than a setting.
fn random_looking(v: &str) -> bool {
    let v = v.trim();
    v.chars().count() >= 12
        && !v.chars().any(char::is_whitespace)
        && !placeholder(v)
        && !v.contains("://")
        && !v.starts_with(['/', '~', '.', '\\'])
        && !(v.len() > 2 && v.as_bytes()[1] == b':' && v.as_bytes()[0].is_ascii_alphabetic())
        && v.chars().any(|c| c.is_ascii_alphabetic())
        && v.chars().any(|c| c.is_ascii_digit())
        && entropy(v) >= 3.0
}

/// Every secret in `value`, whose name (env var, header, flag, query parameter) is `name`.
fn secrets_in_value(name: Option<&str>, value: &str) -> Vec<Hit> {
    // `DATABASE_URL=postgres://user:pass@host/db`: the password sits inside a URL.
    let mut hits = if value.contains("://") {
        secrets_in_url(value)
    } else {
        known_secrets(value)
    };
    if hits.is_empty() && name.is_some_and(key_like) && random_looking(value) {
        hits.push(Hit {
            what: "high-entropy value",
            raw: value.trim().to_string(),
            masked: mask(value.trim(), 0),
            severity: Severity::Medium,
            confidence: Confidence::Medium,
        });
    }
    hits
}

fn secret_fix(client: Client, name: &str) -> String {
    let how = match client {
        Client::VsCode => format!(
            "declare an \"inputs\" entry {{\"type\": \"promptString\", \"id\": \"{id}\", \"password\": true}} and write \"${{input:{id}}}\"",
            id = norm(name)
        ),
        Client::ClaudeCode => format!("set it in your shell and write \"${{{name}}}\" (Claude Code expands environment variables)"),
        // Cursor and Windsurf both expand `${env:NAME}` in their MCP configs (their docs;
        // Windsurf's also in syllago.dev's provider table and docs.sevalla.com's Windsurf page).
        Client::Cursor | Client::Windsurf => {
            format!("set it in your environment and write \"${{env:{name}}}\"")
        }
        Client::GeminiCli => format!("set it in your environment and write \"${name}\""),
        _ => "keep this file out of backups, dotfile repositories and screen shares, or use a server that reads the token from the OS keychain".into(),
    };
    format!("revoke and replace the credential if this file was ever shared, then {how}")
}

fn report_secret(
    cx: &mut Cx,
    rule: &str,
    tool: Option<&str>,
    place: &str,
    name: &str,
    hit: Hit,
    pos: Pos,
) {
    let server = tool.unwrap_or("?");
    cx.push(
        rule,
        Category::CredentialAccess,
        hit.severity,
        hit.confidence,
        pos,
        tool,
        format!("{} in plain text in `{place}` of server \"{server}\" ({}): anyone who can read this file can use it", hit.what, hit.masked),
        secret_fix(cx.client, name),
    );
    cx.secrets.push((hit.raw, hit.masked));
}

fn secret_in_named(
    cx: &mut Cx,
    rule: &str,
    tool: Option<&str>,
    place: &str,
    name: &str,
    value: &str,
    pos: Pos,
) {
    for hit in secrets_in_value(Some(name), value) {
        report_secret(cx, rule, tool, place, name, hit, pos);
    }
}

fn secret_in_header(cx: &mut Cx, tool: Option<&str>, name: &str, value: &str, pos: Pos) {
    let place = format!("headers.{name}");
    let lname = name.to_ascii_lowercase();
    if lname == "authorization" || lname == "proxy-authorization" {
        let cred = value
            .split_once(' ')
            .filter(|(scheme, _)| {
                !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphabetic())
            })
            .map(|(_, c)| c.trim())
            .unwrap_or(value.trim());
        let mut hits = known_secrets(cred);
        if hits.is_empty() && cred.chars().count() >= 8 && !placeholder(cred) {
            hits.push(Hit {
                what: "credential",
                raw: cred.to_string(),
                masked: mask(cred, 0),
                severity: Severity::High,
                confidence: Confidence::High,
            });
        }
        for hit in hits {
            report_secret(
                cx,
                "config-secret-in-headers",
                tool,
                &place,
                "AUTH_TOKEN",
                hit,
                pos,
            );
        }
    } else {
        let env_name = name.to_ascii_uppercase().replace('-', "_");
        for hit in secrets_in_value(Some(name), value) {
            report_secret(
                cx,
                "config-secret-in-headers",
                tool,
                &place,
                &env_name,
                hit,
                pos,
            );
        }
    }
}

fn secrets_in_url(url: &str) -> Vec<Hit> {
    let mut hits = known_secrets(url);
    if let Ok(u) = url::Url::parse(url) {
        if let Some(p) = u.password() {
            let p = percent_decode(p);
            if !placeholder(&p) && !hits.iter().any(|h| h.raw.contains(&p)) {
                hits.push(Hit {
                    what: "password in the URL",
                    masked: mask(&p, 0),
                    raw: p,
                    severity: Severity::High,
                    confidence: Confidence::High,
                });
            }
        }
        for (k, v) in u.query_pairs() {
            if hits.iter().any(|h| h.raw.contains(v.as_ref())) {
                continue;
            }
            if key_like(&k) && v.chars().count() >= 8 && !placeholder(&v) {
                hits.push(Hit {
                    what: "credential in the URL query",
                    masked: mask(&v, 0),
                    raw: v.into_owned(),
                    severity: Severity::High,
                    confidence: Confidence::Medium,
                });
            }
        }
    }
    // The raw URL text holds the encoded form; mask that too.
    for h in &mut hits {
        if !url.contains(&h.raw) {
            let enc: String = url::form_urlencoded::byte_serialize(h.raw.as_bytes()).collect();
            if url.contains(&enc) {
                h.raw = enc;
            }
        }
    }
    hits
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

fn secrets_in_args(cx: &mut Cx, tool: Option<&str>, args: &[(String, Pos)]) {
    secrets_in_words(cx, tool, args, &|i| format!("args[{i}]"));
}

/// Secrets in a list of command-line words: `args`, or the words of a `"command"` string.
fn secrets_in_words(
    cx: &mut Cx,
    tool: Option<&str>,
    args: &[(String, Pos)],
    place: &dyn Fn(usize) -> String,
) {
    for (i, (a, pos)) in args.iter().enumerate() {
        let mut hits = if a.contains("://") {
            secrets_in_url(a)
        } else {
            known_secrets(a)
        };
        let mut name = String::from("TOKEN");
        if hits.is_empty() {
            // `--api-key=VALUE`, `-e API_KEY=VALUE` (docker), `--token VALUE`.
            if let Some((k, v)) = a.split_once('=') {
                let k = k.trim_start_matches('-');
                if !k.is_empty() && !k.contains(' ') {
                    hits = secrets_in_value(Some(k), v);
                    name = k.to_ascii_uppercase().replace('-', "_");
                }
            } else if i > 0 {
                let prev = &args[i - 1].0;
                if prev.starts_with('-') && !prev.contains('=') {
                    let k = prev.trim_start_matches('-');
                    hits = secrets_in_value(Some(k), a);
                    name = k.to_ascii_uppercase().replace('-', "_");
                }
            }
        }
        for hit in hits {
            report_secret(
                cx,
                "config-secret-in-args",
                tool,
                &place(i),
                &name,
                hit,
                *pos,
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Remote servers
// ---------------------------------------------------------------------------------------------

fn remote_checks(cx: &mut Cx, tool: Option<&str>, u: &str, pos: Pos, has_headers: bool) {
    let name = tool.unwrap_or("?");
    let url_secrets = secrets_in_url(u);
    let had_secret = !url_secrets.is_empty();
    for hit in url_secrets {
        report_secret(cx, "config-secret-in-url", tool, "url", "API_KEY", hit, pos);
    }
    if u.contains("${") {
        return; // built from variables; the scheme may come from one
    }
    let parsed = match url::Url::parse(u) {
        Ok(p) => p,
        Err(e) => {
            cx.push(
                "config-bad-url",
                Category::CodeExecution,
                Severity::Medium,
                Confidence::High,
                pos,
                tool,
                format!("the url of server \"{name}\" is not a valid URL ({e})"),
                "write a full URL such as https://example.com/mcp".into(),
            );
            return;
        }
    };
    if parsed.scheme() != "http" {
        return;
    }
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost" || d.ends_with(".localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback() || ip.is_unspecified(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    if loopback {
        return;
    }
    let severity = if has_headers || had_secret {
        Severity::High
    } else {
        Severity::Medium
    };
    let what = if has_headers || had_secret {
        "tool calls, results and credentials"
    } else {
        "tool calls and results"
    };
    cx.push(
        "config-plain-http",
        Category::TokenForwarding,
        severity,
        Confidence::High,
        pos,
        tool,
        format!("server \"{name}\" is reached over plain http://, so {what} travel unencrypted and can be read or altered on the way"),
        "use the https:// address of the server".into(),
    );
}

// ---------------------------------------------------------------------------------------------
// Local (stdio) servers: what they run
// ---------------------------------------------------------------------------------------------

/// What a stdio server's command line runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Launch {
    /// A package from the npm registry (or a git spec) run by a package runner.
    Npm {
        /// `npx`, `bunx`, `pnpm dlx`, …
        runner: String,
        /// The package spec as written.
        spec: String,
        /// Index into `args` of the spec.
        arg: usize,
    },
    /// A Python package run by `uvx`, `uv tool run` or `pipx run`.
    Pypi {
        /// `uvx`, `uv tool run`, `pipx run`.
        runner: String,
        /// The requirement as written (`mcp-server-fetch`, `pkg==1.0`, `git+https://…`).
        spec: String,
        /// Index into `args` of the spec.
        arg: usize,
    },
    /// `python -m MODULE`.
    PythonModule {
        /// The module.
        module: String,
    },
    /// A container image.
    Docker {
        /// The image reference.
        image: String,
        /// Index into `args` of the image.
        arg: usize,
        /// The `docker run` options before the image.
        flags: Vec<String>,
    },
    /// A script, folder or program on this machine.
    Local {
        /// The path (resolved against the entry's `cwd` when relative and a `cwd` is given).
        path: String,
    },
    /// A package runner with no package after it.
    Missing {
        /// The runner.
        runner: String,
    },
    /// Anything else.
    Unknown,
}

/// The program name without folders or Windows extensions, lowercase: `C:\x\npx.cmd` → `npx`.
pub fn program_name(cmd: &str) -> String {
    let base = cmd
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(cmd)
        .to_ascii_lowercase();
    for ext in [".exe", ".cmd", ".bat", ".ps1"] {
        if let Some(b) = base.strip_suffix(ext) {
            return b.to_string();
        }
    }
    base
}

/// Skips options, returning the index of the first positional argument at or after `from`.
/// `with_value` lists options that take the next argument; `--opt=value` never does.
fn first_positional(args: &[String], from: usize, with_value: &[&str]) -> Option<usize> {
    let mut i = from;
    while i < args.len() {
        let a = &args[i];
        if a == "--" {
            return (i + 1 < args.len()).then_some(i + 1);
        }
        if a.starts_with('-') && a.len() > 1 {
            if !a.contains('=') && with_value.contains(&a.as_str()) {
                i += 1;
            }
            i += 1;
            continue;
        }
        return Some(i);
    }
    None
}

/// The value of option `names` (`--from X` or `--from=X`) before the first positional argument.
fn option_value(args: &[String], from: usize, names: &[&str]) -> Option<(usize, String)> {
    let mut i = from;
    while i < args.len() {
        let a = &args[i];
        if a == "--" || !a.starts_with('-') {
            return None;
        }
        for n in names {
            if a == n {
                return args.get(i + 1).map(|v| (i + 1, v.clone()));
            }
            if let Some(v) = a.strip_prefix(n).and_then(|r| r.strip_prefix('=')) {
                return Some((i, v.to_string()));
            }
        }
        i += 1;
    }
    None
}

const NPX_VALUE_OPTS: &[&str] = &[
    "-p",
    "--package",
    "-c",
    "--call",
    "--registry",
    "--cache",
    "--userconfig",
];
const UVX_VALUE_OPTS: &[&str] = &[
    "--from",
    "--with",
    "--with-editable",
    "--with-requirements",
    "--python",
    "-p",
    "--index-url",
    "-i",
    "--extra-index-url",
    "--index",
    "--default-index",
    "--find-links",
    "-f",
    "--directory",
    "--project",
    "--config-file",
    "--cache-dir",
    "--constraints",
    "-c",
    "--overrides",
    "--env-file",
    "--python-preference",
    "--index-strategy",
    "--keyring-provider",
    "--resolution",
    "--prerelease",
    "--exclude-newer",
    "--refresh-package",
    "--reinstall-package",
    "--upgrade-package",
    "-P",
    "--color",
    "--allow-insecure-host",
];
const PIPX_VALUE_OPTS: &[&str] = &[
    "--spec",
    "--python",
    "--index-url",
    "-i",
    "--pip-args",
    "--backend",
];
const DOCKER_VALUE_OPTS: &[&str] = &[
    "-e",
    "--env",
    "--env-file",
    "-v",
    "--volume",
    "--mount",
    "--name",
    "-p",
    "--publish",
    "--network",
    "--net",
    "-w",
    "--workdir",
    "-u",
    "--user",
    "--entrypoint",
    "-m",
    "--memory",
    "--cpus",
    "--platform",
    "-l",
    "--label",
    "--add-host",
    "--cap-add",
    "--cap-drop",
    "--security-opt",
    "--device",
    "--pull",
    "-h",
    "--hostname",
    "--pid",
    "--ipc",
    "--restart",
    "--runtime",
    "--tmpfs",
    "--ulimit",
    "--log-driver",
    "--log-opt",
    "--dns",
    "--gpus",
    "--group-add",
    "--shm-size",
    "--stop-signal",
    "--stop-timeout",
    "--label-file",
    "--cidfile",
    "--volumes-from",
    "--link",
    "--expose",
    "--health-cmd",
    "--mac-address",
    "--ip",
    "--cgroupns",
    "--userns",
    "--uts",
];

/// Resolves a command line to what it runs.
pub fn launch(command: &str, args: &[String], cwd: Option<&str>) -> Launch {
    let prog = program_name(command);
    let npm = |runner: &str, from: usize| -> Launch {
        if let Some((arg, spec)) = option_value(args, from, &["-p", "--package"]) {
            return Launch::Npm {
                runner: runner.into(),
                spec,
                arg,
            };
        }
        match first_positional(args, from, NPX_VALUE_OPTS) {
            Some(arg) => Launch::Npm {
                runner: runner.into(),
                spec: args[arg].clone(),
                arg,
            },
            None => Launch::Missing {
                runner: runner.into(),
            },
        }
    };
    let uv_tool = |runner: &str, from: usize| -> Launch {
        if let Some((arg, spec)) = option_value(args, from, &["--from"]) {
            return Launch::Pypi {
                runner: runner.into(),
                spec,
                arg,
            };
        }
        match first_positional(args, from, UVX_VALUE_OPTS) {
            Some(arg) => Launch::Pypi {
                runner: runner.into(),
                spec: args[arg].clone(),
                arg,
            },
            None => Launch::Missing {
                runner: runner.into(),
            },
        }
    };
    let local = |p: &str| -> Launch {
        let path = match cwd {
            Some(c) if !is_absolute_any(p) => Path::new(c).join(p).display().to_string(),
            _ => p.to_string(),
        };
        Launch::Local { path }
    };
    let sub = |i: usize| args.get(i).map(String::as_str);
    match prog.as_str() {
        "npx" => npm("npx", 0),
        "bunx" => npm("bunx", 0),
        "pnpx" => npm("pnpx", 0),
        "pnpm" | "yarn" if sub(0) == Some("dlx") => npm(&format!("{prog} dlx"), 1),
        "npm" if matches!(sub(0), Some("exec" | "x")) => npm("npm exec", 1),
        "bun" if sub(0) == Some("x") => npm("bun x", 1),
        "uvx" => uv_tool("uvx", 0),
        "uv" => {
            // `uv tool run …`, `uv [--directory D] run [--directory D] script-or-command`.
            let tool_at = args
                .windows(2)
                .position(|w| w[0] == "tool" && w[1] == "run");
            if let Some(t) = tool_at {
                return uv_tool("uv tool run", t + 2);
            }
            let dir = args.iter().enumerate().find_map(|(i, a)| {
                if a == "--directory" || a == "--project" {
                    args.get(i + 1).cloned()
                } else {
                    a.strip_prefix("--directory=")
                        .or_else(|| a.strip_prefix("--project="))
                        .map(str::to_string)
                }
            });
            if let Some(d) = dir {
                return local(&d);
            }
            let run_at = args.iter().position(|a| a == "run");
            match run_at.and_then(|r| first_positional(args, r + 1, UVX_VALUE_OPTS)) {
                Some(i) if looks_like_script(&args[i]) => local(&args[i]),
                _ => match cwd {
                    Some(c) => Launch::Local {
                        path: c.to_string(),
                    },
                    None => Launch::Unknown,
                },
            }
        }
        "pipx" if sub(0) == Some("run") => {
            if let Some((arg, spec)) = option_value(args, 1, &["--spec"]) {
                return Launch::Pypi {
                    runner: "pipx run".into(),
                    spec,
                    arg,
                };
            }
            match first_positional(args, 1, PIPX_VALUE_OPTS) {
                Some(arg) => Launch::Pypi {
                    runner: "pipx run".into(),
                    spec: args[arg].clone(),
                    arg,
                },
                None => Launch::Missing {
                    runner: "pipx run".into(),
                },
            }
        }
        "docker" | "podman" => {
            let run = match (sub(0), sub(1)) {
                (Some("run"), _) => 1,
                (Some("container"), Some("run")) => 2,
                _ => return Launch::Unknown,
            };
            match first_positional(args, run, DOCKER_VALUE_OPTS) {
                Some(arg) => Launch::Docker {
                    image: args[arg].clone(),
                    arg,
                    flags: args[run..arg].to_vec(),
                },
                None => Launch::Missing {
                    runner: format!("{prog} run"),
                },
            }
        }
        p if p == "python"
            || p == "py"
            || (p.starts_with("python")
                && p[6..].chars().all(|c| c.is_ascii_digit() || c == '.')) =>
        {
            if let Some(m) = args.iter().position(|a| a == "-m") {
                if let Some(module) = args.get(m + 1) {
                    if let Some(c) = cwd {
                        let base = Path::new(c).join(module.replace('.', "/"));
                        if base.with_extension("py").is_file() || base.is_dir() {
                            return Launch::Local {
                                path: c.to_string(),
                            };
                        }
                    }
                    return Launch::PythonModule {
                        module: module.clone(),
                    };
                }
            }
            match first_positional(args, 0, &["-X", "-W", "-c"]) {
                Some(i) if !args.iter().take(i).any(|a| a == "-c") => local(&args[i]),
                _ => Launch::Unknown,
            }
        }
        "node" | "bun" | "deno" | "tsx" | "ts-node" => {
            let from = usize::from(matches!(sub(0), Some("run")));
            match first_positional(
                args,
                from,
                &["-r", "--require", "--import", "--loader", "-e", "--eval"],
            ) {
                Some(i) if !args[i].contains(':') || is_absolute_any(&args[i]) => local(&args[i]),
                _ => Launch::Unknown,
            }
        }
        _ if command.contains(['/', '\\']) => local(command),
        _ => Launch::Unknown,
    }
}

fn looks_like_script(a: &str) -> bool {
    a.ends_with(".py") || a.contains(['/', '\\'])
}

fn is_absolute_any(p: &str) -> bool {
    p.starts_with('/')
        || p.starts_with('\\')
        || (p.len() > 2 && p.as_bytes()[1] == b':' && p.as_bytes()[0].is_ascii_alphabetic())
}

/// How an npm or PyPI spec is pinned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pin {
    /// An exact version (or a git commit).
    Exact,
    /// A version range: new releases within it are picked up.
    Range(String),
    /// A tag such as `latest` or a branch: moves on every release.
    Tag(String),
    /// No version at all.
    None,
    /// A local path: nothing to pin.
    Local,
}

/// The package name and version part of an npm spec (`@scope/name@1.2.3` → (`@scope/name`, Some(`1.2.3`))).
fn npm_split(spec: &str) -> (&str, Option<&str>) {
    let at = if let Some(rest) = spec.strip_prefix('@') {
        rest.find('@').map(|i| i + 1)
    } else {
        spec.find('@')
    };
    match at {
        Some(i) => (&spec[..i], Some(&spec[i + 1..])),
        None => (spec, None),
    }
}

fn is_git_spec(spec: &str) -> bool {
    spec.starts_with("github:")
        || spec.starts_with("gitlab:")
        || spec.starts_with("bitbucket:")
        || spec.starts_with("git+")
        || spec.starts_with("git:")
        || spec.starts_with("git@")
        || spec.starts_with("https://")
        || spec.starts_with("http://")
        || (!spec.starts_with('@')
            && spec.contains('/')
            && !spec.starts_with('.')
            && !is_absolute_any(spec))
}

fn git_commit_pinned(reference: Option<&str>) -> bool {
    reference.is_some_and(|r| r.len() >= 40 && r.chars().all(|c| c.is_ascii_hexdigit()))
}

/// How an npm spec is pinned.
pub fn npm_pin(spec: &str) -> Pin {
    if spec.starts_with('.')
        || is_absolute_any(spec)
        || spec.starts_with('~')
        || spec.starts_with("file:")
    {
        return Pin::Local;
    }
    if is_git_spec(spec) {
        let r = spec.split_once('#').map(|(_, r)| r);
        return if git_commit_pinned(r) {
            Pin::Exact
        } else {
            Pin::Tag(r.unwrap_or("the default branch").to_string())
        };
    }
    match npm_split(spec).1 {
        None | Some("") => Pin::None,
        Some(v) if nodejs_semver::Version::parse(v).is_ok() && !v.starts_with(['v', '=', ' ']) => {
            Pin::Exact
        }
        Some(v) if nodejs_semver::Range::parse(v).is_ok() => Pin::Range(v.to_string()),
        Some(v) => Pin::Tag(v.to_string()),
    }
}

/// A Python requirement split into name and version constraint (`pkg[extra]==1.0` → (`pkg`, `==1.0`)).
fn py_split(spec: &str) -> (&str, &str) {
    let spec = spec.split(';').next().unwrap_or(spec).trim();
    let end = spec
        .find(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == '.'))
        .unwrap_or(spec.len());
    let name = &spec[..end];
    let mut rest = spec[end..].trim();
    if rest.starts_with('[') {
        rest = rest.find(']').map(|i| rest[i + 1..].trim()).unwrap_or("");
    }
    (name, rest)
}

/// How a Python requirement as `uvx`/`pipx` takes it is pinned.
pub fn py_pin(spec: &str) -> Pin {
    if spec.starts_with('.')
        || is_absolute_any(spec)
        || spec.starts_with('~')
        || spec.starts_with("file:")
        || spec.ends_with(".whl")
    {
        return Pin::Local;
    }
    if let Some(url) = spec
        .split_once(" @ ")
        .map(|(_, u)| u.trim())
        .or_else(|| spec.starts_with("git+").then_some(spec))
    {
        let r = url
            .rsplit_once('@')
            .map(|(_, r)| r)
            .filter(|r| !r.contains('/'));
        return if git_commit_pinned(r) {
            Pin::Exact
        } else {
            Pin::Tag(r.unwrap_or("the default branch").to_string())
        };
    }
    let (_, constraint) = py_split(spec);
    if constraint.is_empty() {
        return Pin::None;
    }
    if let Some(v) = constraint
        .strip_prefix("===")
        .or_else(|| constraint.strip_prefix("=="))
    {
        if !v.contains('*') && !v.contains(',') && !v.trim().is_empty() {
            return Pin::Exact;
        }
        return Pin::Range(constraint.to_string());
    }
    if let Some(v) = constraint.strip_prefix('@') {
        let v = v.trim();
        return if v == "latest" || v.is_empty() {
            Pin::Tag(v.to_string())
        } else {
            Pin::Exact
        };
    }
    Pin::Range(constraint.to_string())
}

/// The target spec `--deep` scans for a launch, or why there is none.
pub fn scan_spec(l: &Launch) -> Result<String, String> {
    match l {
        Launch::Npm { spec, .. } => {
            if npm_pin(spec) == Pin::Local {
                return Ok(spec.strip_prefix("file:").unwrap_or(spec).to_string());
            }
            if is_git_spec(spec) {
                return git_target(spec, '#');
            }
            let (name, v) = npm_split(spec);
            Ok(match v.filter(|v| !v.is_empty()) {
                Some(v) => format!("npm:{name}@{v}"),
                None => format!("npm:{name}"),
            })
        }
        Launch::Pypi { spec, .. } => match py_pin(spec) {
            Pin::Local => Ok(spec.strip_prefix("file:").unwrap_or(spec).to_string()),
            _ if spec.contains(" @ ") || spec.starts_with("git+") => {
                let url = spec
                    .split_once(" @ ")
                    .map(|(_, u)| u.trim())
                    .unwrap_or(spec);
                git_target(url, '@')
            }
            pin => {
                let (name, c) = py_split(spec);
                if name.is_empty() {
                    return Err(format!("cannot read the Python requirement `{spec}`"));
                }
                let version = match pin {
                    Pin::Exact => c.trim_start_matches(['=', '@']).trim(),
                    _ => "",
                };
                Ok(if version.is_empty() {
                    format!("pypi:{name}")
                } else {
                    format!("pypi:{name}=={version}")
                })
            }
        },
        Launch::PythonModule { module } => {
            let top = module.split('.').next().unwrap_or(module);
            Ok(format!("pypi:{}", top.replace('_', "-")))
        }
        Launch::Local { path } => Ok(project_root(path)),
        Launch::Docker { image, .. } => Err(format!(
            "docker image `{image}`: container images are not scanned"
        )),
        Launch::Missing { runner } => Err(format!("`{runner}` is given no package to run")),
        Launch::Unknown => Err("cannot tell which code this command runs".into()),
    }
}

/// A git spec (`github:o/r#ref`, `git+https://host/o/r.git@ref`) as a scan target.
fn git_target(spec: &str, ref_sep: char) -> Result<String, String> {
    let s = spec.strip_prefix("git+").unwrap_or(spec);
    let (base, reference) = match s.rsplit_once(ref_sep) {
        Some((b, r))
            if !r.contains('/') && !r.is_empty() && (ref_sep == '#' || b.contains("://")) =>
        {
            (b, Some(r))
        }
        _ => (s, None),
    };
    let gh = base
        .strip_prefix("github:")
        .or_else(|| base.strip_prefix("https://github.com/"))
        .or_else(|| base.strip_prefix("git://github.com/"))
        .or_else(|| base.strip_prefix("ssh://git@github.com/"))
        .or_else(|| (!base.contains(':') && base.matches('/').count() == 1).then_some(base));
    if let Some(repo) = gh {
        let repo = repo.trim_end_matches(".git");
        return Ok(match reference {
            Some(r) => format!("github:{repo}@{r}"),
            None => format!("github:{repo}"),
        });
    }
    Ok(base.to_string())
}

/// For an existing local script, the nearest folder above it with a package manifest, so the whole
/// server is scanned; otherwise the path itself.
fn project_root(path: &str) -> String {
    let p = Path::new(path);
    if !p.is_file() {
        return path.to_string();
    }
    let mut dir: Option<&Path> = p.parent();
    for _ in 0..6 {
        let Some(d) = dir else { break };
        if ["package.json", "pyproject.toml", "setup.py"]
            .iter()
            .any(|m| d.join(m).is_file())
        {
            return d.display().to_string();
        }
        dir = d.parent();
    }
    path.to_string()
}

/// Which installation provides a launcher, for "not found" messages.
fn provider(prog: &str) -> Option<&'static str> {
    Some(match prog {
        "npx" | "npm" | "node" => "Node.js (it provides node, npm and npx)",
        "uvx" | "uv" => "uv (it provides uv and uvx)",
        "pipx" => "pipx",
        "docker" => "Docker",
        "podman" => "Podman",
        "bun" | "bunx" => "Bun",
        "pnpm" | "pnpx" => "pnpm",
        "yarn" => "Yarn",
        "deno" => "Deno",
        p if p == "py" || p.starts_with("python") => "Python",
        _ => return None,
    })
}

/// Finds `prog` in the folders of `path_var`.
pub fn find_on_path(prog: &str, path_var: &std::ffi::OsStr) -> Option<PathBuf> {
    let exts: &[&str] = if cfg!(windows) {
        &["", ".exe", ".cmd", ".bat"]
    } else {
        &[""]
    };
    std::env::split_paths(path_var).find_map(|dir| {
        exts.iter()
            .map(|e| dir.join(format!("{prog}{e}")))
            .find(|p| p.is_file())
    })
}

/// A folder usually on a login shell's PATH but not on the PATH a GUI app gets on macOS
/// (`~/.local/bin`, `~/.nvm/…`, `~/.cargo/bin`, Homebrew on Apple silicon).
fn shell_only_dir(found: &Path, home: Option<&Path>) -> bool {
    home.is_some_and(|h| found.starts_with(h)) || found.starts_with("/opt/homebrew")
}

fn stdio_checks(
    cx: &mut Cx,
    server: &mut ServerEntry,
    cmd: &str,
    cpos: Pos,
    args: &[(String, Pos)],
    cwd: Option<&str>,
) {
    let name = server.name.clone();
    let tool = Some(name.as_str());
    let plain: Vec<String> = args.iter().map(|(a, _)| a.clone()).collect();
    let arg_pos = |i: usize| args.get(i).map(|(_, p)| *p).unwrap_or(cpos);

    // "command": "npx -y pkg" — the whole line in one string.
    let mut cmd_eff = cmd.to_string();
    let mut plain_eff = plain.clone();
    let first_word = cmd.split_whitespace().next().unwrap_or("");
    if cmd.trim().contains(' ') && !first_word.contains(['/', '\\']) && plain.is_empty() {
        let words: Vec<String> = cmd.split_whitespace().map(str::to_string).collect();
        cx.push(
            "config-command-with-args",
            Category::CodeExecution,
            Severity::Medium,
            Confidence::High,
            cpos,
            tool,
            format!("\"command\" of server \"{name}\" holds a whole command line; clients start a program of exactly that name, which does not exist"),
            format!("put only \"{}\" in \"command\" and the rest in \"args\": {:?}", words[0], &words[1..]),
        );
        cmd_eff = words[0].clone();
        plain_eff = words[1..].to_vec();
    }
    let prog = program_name(&cmd_eff);

    // Command exists?
    if is_absolute_any(&cmd_eff) {
        if !Path::new(&cmd_eff).exists() && cfg!(windows) == cmd_eff.contains('\\') {
            cx.push(
                "config-command-not-found",
                Category::CodeExecution,
                Severity::Medium,
                Confidence::High,
                cpos,
                tool,
                format!("the program `{cmd_eff}` of server \"{name}\" does not exist, so the server cannot start"),
                match provider(&prog) {
                    Some(p) => format!("install {p}, then put the path `which {prog}` prints in \"command\""),
                    None => "correct the path".into(),
                },
            );
        }
    } else if !cmd_eff.contains(['/', '\\']) && !cmd_eff.is_empty() {
        if let Some(path_var) = &cx.opts.path_var {
            match find_on_path(&cmd_eff, path_var) {
                None => {
                    let gui = if cx.client.is_gui_app() {
                        format!(
                            "; {} may not see your shell's PATH, so use the absolute path",
                            cx.client.display_name()
                        )
                    } else {
                        String::new()
                    };
                    cx.push(
                        "config-command-not-found",
                        Category::CodeExecution,
                        Severity::Medium,
                        Confidence::Medium,
                        cpos,
                        tool,
                        format!("`{cmd_eff}` (server \"{name}\") is not on PATH, so starting the server fails with ENOENT"),
                        match provider(&prog) {
                            Some(p) => format!("install {p}, or put the absolute path of `{cmd_eff}` in \"command\"{gui}"),
                            None => format!("install the program that provides `{cmd_eff}`, or put its absolute path in \"command\"{gui}"),
                        },
                    );
                }
                Some(found)
                    if cx.client == Client::ClaudeDesktop
                        && shell_only_dir(&found, cx.opts.home.as_deref()) =>
                {
                    cx.push(
                        "config-command-not-on-app-path",
                        Category::CodeExecution,
                        Severity::Low,
                        Confidence::Low,
                        cpos,
                        tool,
                        format!("`{cmd_eff}` is found at {} only through your shell's PATH; Claude Desktop starts servers with a shorter PATH and may fail with ENOENT", found.display()),
                        format!("put \"{}\" in \"command\"", found.display()),
                    );
                }
                Some(_) => {}
            }
        }
    }

    // VS Code and Cursor expand `${workspaceFolder}` to the project folder before starting.
    let expand = |a: &String| match (cx.opts.base_dir.as_deref(), cx.client) {
        (Some(b), Client::VsCode | Client::Cursor) => a
            .replace("${workspaceFolder}", &b.display().to_string())
            .replace("${workspaceRoot}", &b.display().to_string()),
        _ => a.clone(),
    };
    let launch_args: Vec<String> = plain_eff.iter().map(expand).collect();
    let l = launch(&expand(&cmd_eff), &launch_args, cwd);
    // Positions refer to the real args; when the command held the args, point at the command.
    let offset_pos = |i: usize| if plain.is_empty() { cpos } else { arg_pos(i) };
    let mut skip_args: HashSet<usize> = HashSet::new();
    match &l {
        Launch::Npm { runner, spec, arg } => {
            skip_args.insert(*arg);
            pin_finding(
                cx,
                tool,
                "config-unpinned-npx",
                runner,
                spec,
                npm_pin(spec),
                offset_pos(*arg),
                |n| {
                    format!(
                        "\"{n}@X.Y.Z\" with the exact version you reviewed (`npm view {n} version` shows the latest)"
                    )
                },
                npm_split(spec).0,
            );
        }
        Launch::Pypi { runner, spec, arg } => {
            skip_args.insert(*arg);
            let rule = if runner.starts_with("pipx") {
                "config-unpinned-pipx"
            } else {
                "config-unpinned-uvx"
            };
            let (pkg, _) = py_split(spec);
            pin_finding(
                cx,
                tool,
                rule,
                runner,
                spec,
                py_pin(spec),
                offset_pos(*arg),
                |n| {
                    if runner.starts_with("pipx") {
                        format!("`--spec \"{n}==X.Y.Z\"` with the exact version you reviewed")
                    } else {
                        format!(
                            "\"{n}==X.Y.Z\" with the exact version you reviewed (or `--from \"{n}==X.Y.Z\"` when the command name differs)"
                        )
                    }
                },
                pkg,
            );
        }
        Launch::Docker { image, arg, flags } => {
            skip_args.insert(*arg);
            docker_checks(cx, tool, image, offset_pos(*arg), flags, &|i| {
                offset_pos(i + 1 + usize::from(plain_eff.first().is_some_and(|a| a == "container")))
            });
        }
        _ => {}
    }
    match scan_spec(&l) {
        Ok(s) => server.scan_spec = Some(s),
        Err(r) => server.not_scanned = Some(r),
    }

    // Broad filesystem grants among the arguments.
    for (i, a) in plain_eff.iter().enumerate() {
        if skip_args.contains(&i) {
            continue;
        }
        let value = if a.starts_with('-') {
            a.split_once('=').map(|(_, v)| v)
        } else {
            Some(a.as_str())
        };
        let Some(value) = value else { continue };
        if let Some((severity, what)) = broad_grant(value, cx.opts.home.as_deref()) {
            grant_finding(cx, tool, value, severity, what, offset_pos(i));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn pin_finding(
    cx: &mut Cx,
    tool: Option<&str>,
    rule: &str,
    runner: &str,
    spec: &str,
    pin: Pin,
    pos: Pos,
    how: impl Fn(&str) -> String,
    name: &str,
) {
    let (severity, why) = match &pin {
        Pin::Exact | Pin::Local => return,
        Pin::None => (Severity::Medium, "with no version".to_string()),
        Pin::Tag(t) => (
            Severity::Medium,
            format!("at `{t}`, a tag or branch that moves"),
        ),
        Pin::Range(r) => (Severity::Low, format!("with the range `{r}`")),
    };
    let git = is_git_spec(spec) && !spec.starts_with('@');
    let fix = if git {
        "pin the git dependency to a full commit hash".to_string()
    } else {
        format!("pin it: {}", how(name))
    };
    cx.push(
        rule,
        Category::RugPull,
        severity,
        Confidence::High,
        pos,
        tool,
        format!("`{runner}` runs \"{spec}\" {why}, so each start may download and run code nobody reviewed"),
        fix,
    );
}

fn docker_checks(
    cx: &mut Cx,
    tool: Option<&str>,
    image: &str,
    pos: Pos,
    flags: &[String],
    flag_pos: &dyn Fn(usize) -> Pos,
) {
    // Pinning.
    if !image.contains("@sha256:") {
        let last = image.rsplit('/').next().unwrap_or(image);
        let tag = last.split_once(':').map(|(_, t)| t);
        let (severity, why) = match tag {
            None => (Severity::Medium, "with no tag (so `latest`)".to_string()),
            Some("latest") => (Severity::Medium, "at `latest`".to_string()),
            Some(t) => (
                Severity::Low,
                format!("at tag `{t}`, which can be re-pushed"),
            ),
        };
        cx.push(
            "config-unpinned-docker",
            Category::RugPull,
            severity,
            Confidence::High,
            pos,
            tool,
            format!("docker runs image \"{image}\" {why}, so the code that runs can change without this file changing"),
            format!("pin by digest: \"{}@sha256:…\" (`docker inspect --format '{{{{index .RepoDigests 0}}}}' {image}` prints it)", image.split('@').next().unwrap_or(image)),
        );
    }
    // Flags: value of `--opt value` / `--opt=value`.
    let mut opts: Vec<(String, String, usize)> = Vec::new();
    let mut i = 0;
    while i < flags.len() {
        let f = &flags[i];
        if let Some((k, v)) = f.split_once('=').filter(|_| f.starts_with("--")) {
            opts.push((k.to_string(), v.to_string(), i));
        } else if DOCKER_VALUE_OPTS.contains(&f.as_str()) {
            opts.push((
                f.clone(),
                flags.get(i + 1).cloned().unwrap_or_default(),
                i + 1,
            ));
            i += 1;
        } else {
            opts.push((f.clone(), String::new(), i));
        }
        i += 1;
    }
    let has = |names: &[&str]| opts.iter().any(|(k, _, _)| names.contains(&k.as_str()));
    let sock = opts.iter().find(|(k, v, _)| {
        matches!(k.as_str(), "-v" | "--volume" | "--mount") && v.contains("docker.sock")
    });
    if has(&["--privileged"])
        || sock.is_some()
        || opts.iter().any(|(k, v, _)| k == "--pid" && v == "host")
    {
        let what = if sock.is_some() {
            "mounts the Docker socket"
        } else {
            "runs privileged"
        };
        cx.push(
            "config-docker-privileged",
            Category::CodeExecution,
            Severity::High,
            Confidence::High,
            pos,
            tool,
            format!("the container {what}, which gives it control of the host"),
            "remove --privileged, host namespaces and the docker.sock mount".into(),
        );
    }
    let isolated = has(&[
        "--read-only",
        "--cap-drop",
        "--security-opt",
        "-u",
        "--user",
    ]) || opts
        .iter()
        .any(|(k, v, _)| matches!(k.as_str(), "--network" | "--net") && v == "none");
    if !isolated {
        cx.push(
            "config-docker-no-isolation",
            Category::CodeExecution,
            Severity::Info,
            Confidence::High,
            pos,
            tool,
            "the container runs with default capabilities, a writable root filesystem and network access".into(),
            "add isolating flags where the server allows: --read-only, --cap-drop=ALL, --security-opt=no-new-privileges, --user, --network=none".into(),
        );
    }
    // Broad host mounts.
    for (k, v, at) in &opts {
        let src = match k.as_str() {
            "-v" | "--volume" => docker_volume_source(v),
            "--mount" => v
                .split(',')
                .find_map(|p| p.strip_prefix("source=").or_else(|| p.strip_prefix("src=")))
                .map(str::to_string),
            _ => None,
        };
        if let Some(src) = src {
            if let Some((severity, what)) = broad_grant(&src, cx.opts.home.as_deref()) {
                grant_finding(cx, tool, &src, severity, what, flag_pos(*at));
            }
        }
    }
}

/// The host side of `-v SRC:DST[:opts]`, Windows drive letters included.
fn docker_volume_source(v: &str) -> Option<String> {
    let (drive, rest) =
        if v.len() > 2 && v.as_bytes()[1] == b':' && v.as_bytes()[0].is_ascii_alphabetic() {
            (&v[..2], &v[2..])
        } else {
            ("", v)
        };
    let src = rest.split(':').next()?;
    Some(format!("{drive}{src}"))
}

fn grant_finding(
    cx: &mut Cx,
    tool: Option<&str>,
    value: &str,
    severity: Severity,
    what: String,
    pos: Pos,
) {
    let name = tool.unwrap_or("?");
    cx.push(
        "config-broad-fs-grant",
        Category::Destructive,
        severity,
        Confidence::Medium,
        pos,
        tool,
        format!("server \"{name}\" is given `{value}` ({what}): it can read, change and delete everything in it"),
        "grant only the folder the server needs, such as one project folder".into(),
    );
}

/// Whether `path` grants a whole filesystem, drive, home or well-known personal folder.
pub fn broad_grant(path: &str, home: Option<&Path>) -> Option<(Severity, String)> {
    let p = path.trim();
    if p.is_empty() {
        return None;
    }
    if p == "/" || p == "\\" {
        return Some((Severity::High, "the whole filesystem".into()));
    }
    let b = p.as_bytes();
    if b[0].is_ascii_alphabetic()
        && b.len() <= 3
        && b.get(1) == Some(&b':')
        && b.get(2).is_none_or(|c| *c == b'\\' || *c == b'/')
    {
        return Some((
            Severity::High,
            format!("the whole {}: drive", p[..1].to_ascii_uppercase()),
        ));
    }
    let trimmed = p.trim_end_matches(['/', '\\']);
    // Home markers.
    const HOME_VARS: &[&str] = &[
        "~",
        "$HOME",
        "${HOME}",
        "${userHome}",
        "%USERPROFILE%",
        "${env:HOME}",
        "${env:USERPROFILE}",
        "%HOMEPATH%",
    ];
    let mut rest: Option<String> = None;
    for h in HOME_VARS {
        if let Some(r) = trimmed.strip_prefix(h) {
            if r.is_empty() || r.starts_with(['/', '\\']) {
                rest = Some(r.to_string());
                break;
            }
        }
    }
    static HOME_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:/Users/[^/\\]+|/home/[^/\\]+|/root|/var/root|[a-z]:[\\/]Users[\\/][^/\\]+)((?:[\\/].*)?)$").expect("home pattern compiles")
    });
    if rest.is_none() {
        if let Some(c) = HOME_RE.captures(trimmed) {
            rest = Some(c[1].to_string());
        }
    }
    if rest.is_none() {
        if let Some(h) = home
            .map(|h| h.display().to_string())
            .filter(|h| h.len() > 1)
        {
            let h = h.trim_end_matches(['/', '\\']);
            if let Some(r) = trimmed.strip_prefix(h) {
                if r.is_empty() || r.starts_with(['/', '\\']) {
                    rest = Some(r.to_string());
                }
            }
        }
    }
    if let Some(r) = rest {
        let r = r.trim_matches(['/', '\\']);
        if r.is_empty() {
            return Some((Severity::High, "your whole home folder".into()));
        }
        for f in [
            "Desktop",
            "Documents",
            "Downloads",
            "OneDrive",
            "Library",
            "iCloud Drive",
        ] {
            if r.eq_ignore_ascii_case(f) {
                return Some((Severity::Medium, format!("your whole {f} folder")));
            }
        }
        return None;
    }
    static ALL_HOMES: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:/Users|/home|[a-z]:[\\/]Users)$").expect("homes pattern compiles")
    });
    if ALL_HOMES.is_match(trimmed) {
        return Some((Severity::High, "every user's home folder".into()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn every_rule_id_in_this_module_is_described() {
        // Every `"config-…"` literal in the config audit's sources has an entry in RULES.
        let sources = [
            include_str!("checks.rs"),
            include_str!("render.rs"),
            include_str!("mod.rs"),
            include_str!("args.rs"),
        ];
        let re = Regex::new(r#""(config-[a-z-]+)""#).unwrap();
        let mut seen = 0;
        for src in sources {
            for c in re.captures_iter(src) {
                seen += 1;
                assert!(!rule_summary(&c[1]).is_empty(), "{} is not in RULES", &c[1]);
            }
        }
        assert!(seen > RULES.len());
    }

    #[test]
    fn unparsed_lines_are_masked_and_the_caret_follows() {
        let line = r#"    "env": {"GITHUB_TOKEN": "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"},"#;
        // The caret on the trailing comma, after the token.
        let col = line.chars().count() as u32;
        let (m, c) = mask_line(line, col);
        assert!(!m.contains("A1b2C3d4"), "{m}");
        assert!(m.contains("ghp_****Q7r8"), "{m}");
        assert_eq!(m.chars().nth(c as usize - 1), Some(','), "{m} {c}");
        // A caret before the secret stays; one inside it moves to the mask.
        assert_eq!(mask_line(line, 3).1, 3);
        let inside = line.find("A1b2").unwrap() as u32 + 1;
        let (m, c) = mask_line(line, inside);
        assert_eq!(&m[c as usize - 1..c as usize + 3], "ghp_");
        // Named values and Authorization headers, not ordinary settings.
        let (m, _) = mask_line(
            r#"{"MY_SERVICE_TOKEN": "q8Zr2Lx9Vt4Kw7Pn3Jm6", "Authorization": "Bearer abcdef1234567890secret", "LOG_LEVEL": "debugverbose1"}"#,
            1,
        );
        assert!(!m.contains("q8Zr2Lx9") && !m.contains("abcdef1234"), "{m}");
        assert!(m.contains("\"Bearer ****cret\""), "{m}");
        assert!(m.contains("debugverbose1"), "{m}");
        let plain = r#"  "command": "uvx","#;
        assert_eq!(mask_line(plain, 5), (plain.to_string(), 5));
    }

    #[test]
    fn masks_keep_prefix_and_last_four_at_most() {
        assert_eq!(
            mask("ghp_abcdefghijklmnopqrstuvwxyz0123456789", 4),
            "ghp_****6789"
        );
        assert_eq!(mask("short", 4), "sh****");
        assert_eq!(mask("abcdefghijklmnopq", 0), "****nopq");
    }

    #[test]
    fn known_formats_are_found() {
        let cases = [
            ("ghp_0123456789abcdefghijklmnopqrstuvwxyz", "GitHub token"),
            (
                "sk-ant-api03-AbCdEfGhIjKlMnOpQrStUvWxYz012345",
                "Anthropic API key",
            ),
            ("sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz012345", "OpenAI API key"),
            ("AKIAIOSFODNN7EXAMPLE", "AWS access key id"),
            ("xoxb-123456789012-abcdefghijkl", "Slack token"),
            ("AIzaSyA1234567890abcdefghijklmnopqrstuv", "Google API key"),
            ("sk_live_abcdefghijklmnop1234", "Stripe live key"),
        ];
        for (v, what) in cases {
            let h = known_secrets(v);
            assert_eq!(h.len(), 1, "{v}");
            assert_eq!(h[0].what, what);
        }
        assert!(known_secrets("hello world").is_empty());
    }

    #[test]
    fn key_like_names_and_entropy() {
        for n in [
            "API_KEY",
            "githubToken",
            "x-api-key",
            "DB_PASSWORD",
            "CLIENT_SECRET",
            "apiKey",
        ] {
            assert!(key_like(n), "{n}");
        }
        for n in ["LOG_LEVEL", "TOKEN_URL", "PATH", "KEYBOARD"] {
            assert!(!key_like(n), "{n}");
        }
        assert!(random_looking("a8Fk2Lq9Zr4Xw7Pm3Tb"));
        assert!(!random_looking("${input:token}"));
        assert!(!random_looking("your-api-key-here"));
        assert!(!random_looking("/Users/me/.config/token"));
    }

    #[test]
    fn launches_resolve() {
        let l = launch(
            "npx",
            &s(&["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]),
            None,
        );
        assert_eq!(
            scan_spec(&l).unwrap(),
            "npm:@modelcontextprotocol/server-filesystem"
        );
        assert_eq!(
            npm_pin("@modelcontextprotocol/server-filesystem"),
            Pin::None
        );
        assert_eq!(npm_pin("@scope/x@1.2.3"), Pin::Exact);
        assert_eq!(npm_pin("x@^1.2.3"), Pin::Range("^1.2.3".into()));
        assert_eq!(npm_pin("x@latest"), Pin::Tag("latest".into()));
        assert_eq!(npm_pin("x@1.2"), Pin::Range("1.2".into()));
        assert_eq!(py_pin("mcp-server-fetch"), Pin::None);
        assert_eq!(py_pin("mcp-server-fetch==2025.1.1"), Pin::Exact);
        assert_eq!(py_pin("mcp-server-fetch@1.0"), Pin::Exact);
        assert_eq!(py_pin("mcp-server-fetch>=1"), Pin::Range(">=1".into()));
        assert_eq!(py_pin("pkg[cli]==1.0"), Pin::Exact);
        let l = launch("uvx", &s(&["--from", "pkg==1.0", "pkg-cmd"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "pypi:pkg==1.0");
        let l = launch("uvx", &s(&["mcp-server-fetch"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "pypi:mcp-server-fetch");
        let l = launch("pnpm", &s(&["dlx", "some-pkg@2.0.0"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "npm:some-pkg@2.0.0");
        let l = launch("python", &s(&["-m", "mcp_server_git"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "pypi:mcp-server-git");
        let l = launch("node", &s(&["/srv/x/build/index.js"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "/srv/x/build/index.js");
        let l = launch(
            "docker",
            &s(&["run", "-i", "--rm", "-e", "X", "mcp/fetch"]),
            None,
        );
        assert!(matches!(&l, Launch::Docker { image, .. } if image == "mcp/fetch"));
        assert!(scan_spec(&l).unwrap_err().contains("not scanned"));
        let l = launch("npx", &s(&["-y", "github:owner/repo#abc"]), None);
        assert_eq!(scan_spec(&l).unwrap(), "github:owner/repo@abc");
        let l = launch(
            "uv",
            &s(&["--directory", "/src/weather", "run", "weather.py"]),
            None,
        );
        assert_eq!(scan_spec(&l).unwrap(), "/src/weather");
        let l = launch(
            "C:\\Program Files\\nodejs\\npx.cmd",
            &s(&["-y", "pkg@1.0.0"]),
            None,
        );
        assert_eq!(scan_spec(&l).unwrap(), "npm:pkg@1.0.0");
    }

    #[test]
    fn broad_grants() {
        assert_eq!(broad_grant("/", None).unwrap().0, Severity::High);
        assert_eq!(broad_grant("C:\\", None).unwrap().0, Severity::High);
        assert_eq!(broad_grant("~", None).unwrap().0, Severity::High);
        assert_eq!(
            broad_grant("/Users/someone/", None).unwrap().0,
            Severity::High
        );
        assert_eq!(
            broad_grant("/Users/someone/Desktop", None).unwrap().0,
            Severity::Medium
        );
        assert_eq!(
            broad_grant("C:\\Users\\me\\Documents", None).unwrap().0,
            Severity::Medium
        );
        assert_eq!(
            broad_grant("/srv/me", Some(Path::new("/srv/me")))
                .unwrap()
                .0,
            Severity::High
        );
        assert!(broad_grant("/Users/someone/Desktop/notes", None).is_none());
        assert!(broad_grant("@modelcontextprotocol/server-filesystem", None).is_none());
        assert!(broad_grant("/tmp", None).is_none());
    }

    #[test]
    fn near_misses() {
        assert!(near_miss("mcpServer", "mcpServers"));
        assert!(near_miss("mcp_servers", "mcpServers"));
        assert!(near_miss("comand", "command"));
        assert!(!near_miss("name", "env"));
        assert!(!near_miss("cwd", "env"));
    }
}
