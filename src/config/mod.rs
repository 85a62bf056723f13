//! The client config audit (`mcp-scan config`): finds the MCP client config files on this machine,
//! parses them with positions ([`json`]), lists every server entry, and checks each one for
//! plain-text secrets, unpinned packages, broad filesystem grants, missing launchers, plain-HTTP
//! remotes, un-isolated containers and misspelt or repeated keys ([`checks`]). Broken files get a
//! caret diagnostic ([`ConfigError`]). For `--deep`, each stdio server is resolved to the target
//! spec of the code it runs (`npm:…`, `pypi:…`, a local path) so the full scanner can scan it.
//!
//! Findings use the shared [`Finding`] type so the same printers (JSON, SARIF) serve; the fix hint
//! for each rides alongside in [`ConfigFinding`].

pub mod args;
pub mod checks;
pub mod discover;
pub mod json;
pub mod render;

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::finding::{Finding, Severity};
pub use args::{ConfigArgs, DeepResult, OutputFormat, run};
pub use discover::{Client, DiscoveredConfig, DiscoveryEnv, Format, Platform, Shape};
use json::{Pos, SyntaxError};

/// Largest config file read, in bytes. `~/.claude.json` carries project history and can reach a few
/// MiB; anything past this is not a hand-edited config and is refused before it is read.
pub const MAX_CONFIG_BYTES: u64 = 16 * 1024 * 1024;

/// Finds the config files that exist for the machine described by `env` (see [`discover::candidates`]
/// for the table of locations).
pub fn discover(env: &DiscoveryEnv) -> Vec<DiscoveredConfig> {
    discover::discover(env)
}

/// How to audit one file.
#[derive(Debug, Clone, Default)]
pub struct AuditOptions {
    /// How to read the file; `None` guesses from its path ([`discover::format_for_path`]).
    pub format: Option<Format>,
    /// The `PATH` used to check that each `command` exists; `None` skips that check.
    pub path_var: Option<OsString>,
    /// The user's home folder, to recognise grants of it; `None` recognises only the usual shapes
    /// (`~`, `/Users/NAME`, `/home/NAME`, `C:\Users\NAME`).
    pub home: Option<PathBuf>,
    /// Size limit in bytes; `0` means [`MAX_CONFIG_BYTES`].
    pub max_bytes: u64,
    /// The folder the client starts this file's servers in, when it is known: the project of a
    /// project-level file ([`discover::project_dir`]). Relative script paths (and VS Code's
    /// `${workspaceFolder}`) resolve against it for `--deep`; `None` leaves them relative to the
    /// current folder.
    pub base_dir: Option<PathBuf>,
}

impl AuditOptions {
    /// Options for the real machine: `PATH` from the environment and the OS home folder.
    pub fn from_system() -> AuditOptions {
        AuditOptions {
            format: None,
            path_var: std::env::var_os("PATH"),
            home: dirs::home_dir(),
            max_bytes: 0,
            base_dir: None,
        }
    }
}

/// How a server is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Transport {
    /// The client starts a local process and talks over stdin/stdout.
    Stdio,
    /// A remote server over HTTP (streamable HTTP).
    Http,
    /// A remote server over server-sent events.
    Sse,
    /// Neither a `command` nor a URL: the client cannot start it.
    Unknown,
}

/// One server entry of a config file. Secrets in `args` and `url` are already masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerEntry {
    /// The entry's key (`"fetch"`).
    pub name: String,
    /// For `~/.claude.json` project entries, the project folder; `None` for user-wide entries.
    pub project: Option<String>,
    /// Where the entry's key is.
    pub line: u32,
    /// Column of the entry's key.
    pub column: u32,
    /// How it is reached.
    pub transport: Transport,
    /// The program started, for stdio servers.
    pub command: Option<String>,
    /// Its arguments (secrets masked).
    pub args: Vec<String>,
    /// The URL, for remote servers (secrets masked).
    pub url: Option<String>,
    /// Names of the environment variables set for it (values are never reported).
    pub env: Vec<String>,
    /// The entry is switched off (`"disabled": true`).
    pub disabled: bool,
    /// What `--deep` scans: `npm:NAME[@VERSION]`, `pypi:NAME[==VERSION]`, `github:…` or a local path.
    pub scan_spec: Option<String>,
    /// Why `--deep` cannot scan it ("docker image: not scanned"), when `scan_spec` is `None`.
    pub not_scanned: Option<String>,
}

/// A config finding with its fix hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigFinding {
    /// The finding, in the shared vocabulary. `tool` is the server entry's name.
    #[serde(flatten)]
    pub finding: Finding,
    /// What to change, in plain words.
    pub fix: String,
}

/// The audit of one config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigAudit {
    /// The file as given or discovered.
    pub file: String,
    /// The client that reads it.
    pub client: Client,
    /// Where its servers are.
    pub shape: Shape,
    /// Every server entry, in file order.
    pub servers: Vec<ServerEntry>,
    /// Findings, sorted by place then rule id.
    pub findings: Vec<ConfigFinding>,
}

impl ConfigAudit {
    /// The findings as plain [`Finding`]s, with the fix appended to each message, for printers that
    /// know only the shared type (SARIF).
    pub fn scan_findings(&self) -> Vec<Finding> {
        self.findings
            .iter()
            .map(|f| {
                let mut g = f.finding.clone();
                g.message = format!("{} Fix: {}", g.message, f.fix);
                g
            })
            .collect()
    }

    /// The highest severity among the findings.
    pub fn max_severity(&self) -> Option<Severity> {
        self.findings.iter().map(|f| f.finding.severity).max()
    }
}

/// Why a config file could not be audited. `Display` renders a caret diagnostic for syntax errors.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read the file: {source}")]
    Read {
        /// The file.
        path: String,
        /// The OS error.
        source: std::io::Error,
    },
    /// The file is larger than the limit and was not read.
    #[error(
        "{path}: the file is {size} bytes, more than the {limit}-byte limit for a config file; \
         not read (a hand-edited config is a few KiB; is this the right file?)"
    )]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is not UTF-8 text.
    #[error("{}", caret(path, *pos, line_text, message, hint))]
    Encoding {
        /// The file.
        path: String,
        /// Where the first undecodable byte is.
        pos: Pos,
        /// The line up to there.
        line_text: String,
        /// What is wrong.
        message: String,
        /// What to do.
        hint: String,
    },
    /// A JSON syntax error (or an extension the client does not accept).
    #[error("{}", caret(path, error.pos, line_text, &error.message, &error.hint))]
    Syntax {
        /// The file.
        path: String,
        /// The client that reads it.
        client: Client,
        /// The error.
        error: SyntaxError,
        /// The source line the error is on.
        line_text: String,
    },
    /// Valid JSON, but not an object at the top.
    #[error("{}", caret(path, *pos, line_text, &format!("the file holds {found}, not an object"), "a config file is one JSON object: {\"mcpServers\": { … }}"))]
    NotObject {
        /// The file.
        path: String,
        /// What it holds ("an array").
        found: &'static str,
        /// Where the value starts.
        pos: Pos,
        /// That line.
        line_text: String,
    },
    /// A usage problem (no home folder, an unknown client).
    #[error("{0}")]
    Usage(String),
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}

impl ConfigError {
    /// The file the error is about, if any.
    pub fn path(&self) -> Option<&str> {
        match self {
            ConfigError::Read { path, .. }
            | ConfigError::TooLarge { path, .. }
            | ConfigError::Encoding { path, .. }
            | ConfigError::Syntax { path, .. }
            | ConfigError::NotObject { path, .. } => Some(path),
            _ => None,
        }
    }

    /// Where in the file, for errors that have a place.
    pub fn pos(&self) -> Option<Pos> {
        match self {
            ConfigError::Encoding { pos, .. } | ConfigError::NotObject { pos, .. } => Some(*pos),
            ConfigError::Syntax { error, .. } => Some(error.pos),
            _ => None,
        }
    }
}

/// Longest stretch of a source line shown in a diagnostic or snippet, in characters.
const LINE_WINDOW: usize = 160;

/// Renders `path:line:col`, the line, a caret under the column, and the hint, like a compiler.
/// Secrets on the line are masked first ([`checks::mask_line`]): a file that cannot be parsed is
/// still a file full of tokens.
fn caret(path: &str, pos: Pos, line_text: &str, message: &str, hint: &str) -> String {
    let (masked, masked_col) = checks::mask_line(line_text, pos.column);
    let (shown, col) = window(&masked, masked_col as usize);
    // Keep tabs so the caret lines up under tab-indented text.
    let pad: String = shown
        .chars()
        .take(col.saturating_sub(1))
        .map(|c| if c == '\t' { '\t' } else { ' ' })
        .collect();
    let num = pos.line.to_string();
    let gutter = " ".repeat(num.len());
    format!(
        "error: {message}\n{gutter}--> {path}:{}:{}\n{gutter} |\n{num} | {shown}\n{gutter} | {pad}^\n{gutter} = hint: {hint}",
        pos.line, pos.column
    )
}

/// Cuts a long line to at most [`LINE_WINDOW`] characters around `col`; returns the text and the
/// column within it.
fn window(line: &str, col: usize) -> (String, usize) {
    let chars: Vec<char> = line.chars().collect();
    if chars.len() <= LINE_WINDOW {
        return (line.to_string(), col);
    }
    let start = col
        .saturating_sub(LINE_WINDOW / 2)
        .min(chars.len().saturating_sub(LINE_WINDOW));
    let end = (start + LINE_WINDOW).min(chars.len());
    let mut s = String::new();
    let mut shift = start;
    if start > 0 {
        s.push('…');
        shift = start.saturating_sub(1);
    }
    s.extend(&chars[start..end]);
    if end < chars.len() {
        s.push('…');
    }
    (s, col.saturating_sub(shift))
}

/// The 1-based `line` of `text` (without its line break), or "" past the end.
pub(crate) fn line_of(text: &str, line: u32) -> &str {
    text.split('\n')
        .nth(line.saturating_sub(1) as usize)
        .map(|l| l.trim_end_matches('\r'))
        .unwrap_or("")
}

/// Reads and audits one config file.
pub fn audit_file(path: &Path, opts: &AuditOptions) -> Result<ConfigAudit, ConfigError> {
    let shown = path.display().to_string();
    let limit = if opts.max_bytes == 0 {
        MAX_CONFIG_BYTES
    } else {
        opts.max_bytes
    };
    let read_err = |source| ConfigError::Read {
        path: shown.clone(),
        source,
    };
    let meta = std::fs::metadata(path).map_err(read_err)?;
    if !meta.is_file() {
        return Err(ConfigError::Read {
            path: shown,
            source: std::io::Error::other("not a regular file"),
        });
    }
    if meta.len() > limit {
        return Err(ConfigError::TooLarge {
            path: shown,
            size: meta.len(),
            limit,
        });
    }
    let file = std::fs::File::open(path).map_err(read_err)?;
    let mut bytes = Vec::new();
    // The file may grow between stat and read; never read past the limit.
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(ConfigError::TooLarge {
            path: shown,
            size: bytes.len() as u64,
            limit,
        });
    }
    let format = opts
        .format
        .unwrap_or_else(|| discover::format_for_path(path));
    audit_bytes(&shown, &bytes, format, opts)
}

/// Audits config text already in memory; `file` is the name used in findings and errors.
pub fn audit_bytes(
    file: &str,
    bytes: &[u8],
    format: Format,
    opts: &AuditOptions,
) -> Result<ConfigAudit, ConfigError> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(ConfigError::Encoding {
            path: file.to_string(),
            pos: Pos {
                line: 1,
                column: 1,
                offset: 0,
            },
            line_text: String::new(),
            message: "the file is saved as UTF-16".into(),
            hint: format!(
                "{} reads UTF-8; save the file as UTF-8 (in Notepad: Save As → Encoding → UTF-8)",
                format.client.display_name()
            ),
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let good = &bytes[..e.valid_up_to()];
            let good = std::str::from_utf8(good).unwrap_or("");
            let line = good.matches('\n').count() as u32 + 1;
            let line_start = good.rfind('\n').map(|i| i + 1).unwrap_or(0);
            let column = good[line_start..].chars().count() as u32 + 1;
            return Err(ConfigError::Encoding {
                path: file.to_string(),
                pos: Pos {
                    line,
                    column,
                    offset: e.valid_up_to(),
                },
                line_text: good[line_start..].to_string(),
                message: "the file is not valid UTF-8 text".into(),
                hint: "save the file as UTF-8; the byte at the caret is from another encoding"
                    .into(),
            });
        }
    };
    let doc =
        json::parse(text, format.client.parse_options()).map_err(|error| ConfigError::Syntax {
            path: file.to_string(),
            client: format.client,
            line_text: line_of(text, error.pos.line).to_string(),
            error: explain_extension(error, format.client),
        })?;
    if doc.root.members().is_none() {
        return Err(ConfigError::NotObject {
            path: file.to_string(),
            found: doc.root.value.kind(),
            pos: doc.root.pos,
            line_text: line_of(text, doc.root.pos.line).to_string(),
        });
    }
    Ok(checks::audit_document(file, text, &doc, format, opts))
}

/// Names the client in "this client reads plain JSON" hints, and says what that client does with
/// such a file.
fn explain_extension(mut e: SyntaxError, client: Client) -> SyntaxError {
    if e.hint.starts_with("this client") {
        e.hint = e.hint.replacen("this client", client.display_name(), 1);
        // See `Client::parse_options` for the sources.
        if client == Client::GeminiCli {
            e.hint = e.hint.replacen(
                "Gemini CLI reads plain JSON",
                "Gemini CLI strips comments but otherwise reads plain JSON",
                1,
            );
        }
        let consequence = match client {
            Client::ClaudeCode => {
                " (Claude Code may rewrite a file it cannot parse and lose the servers in it)"
            }
            Client::GeminiCli => " (Gemini CLI stops at start-up until it is fixed)",
            Client::ClaudeDesktop => " (Claude Desktop then starts none of the servers)",
            _ => "",
        };
        e.hint.push_str(consequence);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_lines_up_and_long_lines_are_cut() {
        let s = caret(
            "f.json",
            Pos {
                line: 3,
                column: 5,
                offset: 0,
            },
            "\t\"a\" 1",
            "bad",
            "fix it",
        );
        assert!(s.contains("--> f.json:3:5"), "{s}");
        assert!(s.contains("3 | \t\"a\" 1\n  | \t   ^"), "{s}");
        let long = "x".repeat(1000);
        let (w, c) = window(&long, 900);
        assert!(w.chars().count() <= LINE_WINDOW + 2);
        assert_eq!(w.chars().nth(c - 1), Some('x'));
    }
}
