//! Fuzz target `config_parse`: arbitrary bytes as an MCP client config file. The first byte picks
//! the client and shape. The bytes go through the JSONC parser (strict and lenient), the whole
//! audit (`audit_bytes`: encoding checks, parse, every config check), and the real `mcp-scan config`
//! command in-process on a file of the client's own name, in text, JSON and SARIF.
//!
//! Properties: never a panic; parse errors carry positions inside the text; the text report holds
//! no control character but the line break (a config is scanned input and must not drive the
//! terminal); JSON and SARIF outputs are valid JSON.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mcp_scan::config::json::{ParseOptions, parse};
use mcp_scan::config::{AuditOptions, Client, Format, Shape, audit_bytes};

/// (client, shape, file name under the scratch directory).
const FORMATS: [(Client, Shape, &str); 8] = [
    (
        Client::ClaudeDesktop,
        Shape::McpServers,
        "claude_desktop_config.json",
    ),
    (Client::ClaudeCode, Shape::ClaudeCodeUser, ".claude.json"),
    (Client::ClaudeCode, Shape::McpServers, ".mcp.json"),
    (Client::Cursor, Shape::McpServers, ".cursor/mcp.json"),
    (Client::VsCode, Shape::VsCodeMcp, ".vscode/mcp.json"),
    (Client::VsCode, Shape::VsCodeSettings, "settings.json"),
    (
        Client::GeminiCli,
        Shape::McpServers,
        ".gemini/settings.json",
    ),
    (Client::Generic, Shape::Any, "servers.json"),
];

fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temp dir").keep())
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, src)) = data.split_first() else {
        return;
    };
    let (client, shape, name) = FORMATS[usize::from(pick) % FORMATS.len()];

    if let Ok(text) = std::str::from_utf8(src) {
        for opts in [ParseOptions::STRICT, ParseOptions::JSONC] {
            if let Err(e) = parse(text, opts) {
                assert!(e.pos.offset <= text.len(), "error offset past the end");
                assert!(e.pos.line >= 1 && e.pos.column >= 1);
            }
        }
    }

    let opts = AuditOptions {
        format: Some(Format { client, shape }),
        path_var: None,
        home: Some(PathBuf::from("/home/user")),
        max_bytes: 0,
        base_dir: Some(PathBuf::from("/home/user/project")),
    };
    match audit_bytes(name, src, Format { client, shape }, &opts) {
        Ok(audit) => {
            for f in &audit.findings {
                assert!(f.finding.line >= 1);
            }
        }
        Err(e) => {
            let _ = e.to_string();
            let _ = e.pos();
        }
    }

    let path = scratch().join(name);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).expect("scratch dir");
    }
    std::fs::write(&path, src).expect("scratch file");
    for format in ["text", "json", "sarif"] {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = [
            "mcp-scan".as_ref(),
            "config".as_ref(),
            path.as_os_str(),
            "--no-path-check".as_ref(),
            "--home".as_ref(),
            "/home/user".as_ref(),
            "--format".as_ref(),
            std::ffi::OsStr::new(format),
        ];
        let code = mcp_scan::cli::run_with_args(args, &mut out, &mut err);
        assert!(code <= 2, "exit code {code}");
        let shown = String::from_utf8_lossy(&out);
        if format == "text" {
            for (i, c) in shown.char_indices() {
                assert!(
                    c == '\n' || !c.is_control(),
                    "raw U+{:04X} in the text report at {i}: {:?}",
                    c as u32,
                    &shown[i.saturating_sub(60)..(i + 60).min(shown.len())]
                );
            }
            for (i, c) in String::from_utf8_lossy(&err).char_indices() {
                assert!(
                    c == '\n' || !c.is_control(),
                    "raw U+{:04X} on stderr at {i}",
                    c as u32
                );
            }
        } else if code != 2 || !out.is_empty() {
            serde_json::from_slice::<serde_json::Value>(&out)
                .unwrap_or_else(|e| panic!("{format} output is not JSON ({e}): {shown}"));
        }
    }
});
