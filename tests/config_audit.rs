//! Config audit on the fixtures in `tests/data/config`: every client format, every check, and the
//! broken-file cases (positions, hints, size and depth limits).

use std::path::{Path, PathBuf};

use mcp_scan::config::discover::{Client, Format, Shape};
use mcp_scan::config::{
    AuditOptions, ConfigAudit, ConfigError, Transport, audit_bytes, audit_file,
};
use mcp_scan::{Category, Severity};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/config")
        .join(rel)
}

/// Audits a fixture with the format guessed from its path and no PATH check.
fn audit(rel: &str) -> ConfigAudit {
    audit_file(&fixture(rel), &AuditOptions::default()).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn audit_as(rel: &str, client: Client, shape: Shape) -> Result<ConfigAudit, ConfigError> {
    let opts = AuditOptions {
        format: Some(Format { client, shape }),
        ..Default::default()
    };
    audit_file(&fixture(rel), &opts)
}

/// (rule, server, line) of every finding.
fn rules(a: &ConfigAudit) -> Vec<(String, Option<String>, u32)> {
    a.findings
        .iter()
        .map(|f| {
            (
                f.finding.rule.clone(),
                f.finding.tool.clone(),
                f.finding.line,
            )
        })
        .collect()
}

fn has(a: &ConfigAudit, rule: &str, server: &str) -> bool {
    a.findings
        .iter()
        .any(|f| f.finding.rule == rule && f.finding.tool.as_deref() == Some(server))
}

fn find<'a>(a: &'a ConfigAudit, rule: &str, server: &str) -> &'a mcp_scan::config::ConfigFinding {
    a.findings
        .iter()
        .find(|f| f.finding.rule == rule && f.finding.tool.as_deref() == Some(server))
        .unwrap_or_else(|| panic!("no {rule} for {server}: {:#?}", rules(a)))
}

/// No finding, server listing or rendered output may contain a raw secret.
fn assert_no_raw(a: &ConfigAudit, secrets: &[&str]) {
    let all = serde_json::to_string(a).unwrap();
    for s in secrets {
        assert!(!all.contains(s), "raw secret {s} leaked: {all}");
    }
}

#[test]
fn done_when_unpinned_fetch_and_filesystem_with_desktop_grant() {
    let a = audit("claude-desktop/claude_desktop_config.json");
    assert_eq!(a.client, Client::ClaudeDesktop);
    assert_eq!(a.servers.len(), 2);
    let fetch = find(&a, "config-unpinned-uvx", "fetch");
    assert_eq!((fetch.finding.line, fetch.finding.column), (5, 16));
    assert_eq!(fetch.finding.category, Category::RugPull);
    assert!(
        fetch.fix.contains("mcp-server-fetch==X.Y.Z"),
        "{}",
        fetch.fix
    );
    let fs = find(&a, "config-unpinned-npx", "filesystem");
    assert_eq!(fs.finding.line, 9);
    assert!(
        fs.finding
            .message
            .contains("@modelcontextprotocol/server-filesystem")
    );
    let grant = find(&a, "config-broad-fs-grant", "filesystem");
    assert_eq!((grant.finding.line, grant.finding.column), (9, 65));
    assert_eq!(grant.finding.severity, Severity::Medium);
    assert_eq!(grant.finding.category, Category::Destructive);
    assert!(grant.finding.message.contains("Desktop"));
    assert_eq!(
        grant.finding.snippet,
        r#""args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/someone/Desktop"]"#
    );
    // --deep targets.
    assert_eq!(
        a.servers[0].scan_spec.as_deref(),
        Some("pypi:mcp-server-fetch")
    );
    assert_eq!(
        a.servers[1].scan_spec.as_deref(),
        Some("npm:@modelcontextprotocol/server-filesystem")
    );
    assert_eq!(a.servers[1].transport, Transport::Stdio);
    assert_eq!(a.findings.len(), 3, "{:#?}", rules(&a));
}

#[test]
fn done_when_missing_comma_gets_line_column_and_hint() {
    let e = audit_as(
        "broken/missing_comma.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    let ConfigError::Syntax {
        error, line_text, ..
    } = &e
    else {
        panic!("{e:?}")
    };
    assert_eq!((error.pos.line, error.pos.column), (6, 6));
    assert_eq!(line_text, "    }");
    assert_eq!(
        error.hint,
        "expected `,` or `}` after the entry \"fetch\" — is a comma missing?"
    );
    let shown = e.to_string();
    assert!(shown.contains("missing_comma.json:6:6"), "{shown}");
    assert!(shown.contains("6 |     }\n  |      ^"), "{shown}");
    assert!(shown.contains("is a comma missing?"), "{shown}");
}

#[test]
fn trailing_comma_is_an_error_for_strict_clients_and_fine_for_vscode() {
    let e = audit_as(
        "broken/trailing_comma.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    let ConfigError::Syntax { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((error.pos.line, error.pos.column), (5, 45));
    assert!(error.message.contains("trailing comma"));
    assert!(
        error.hint.starts_with("Claude Desktop reads plain JSON"),
        "{}",
        error.hint
    );
    let ok = audit_as(
        "broken/trailing_comma.json",
        Client::VsCode,
        Shape::VsCodeMcp,
    );
    // VS Code accepts the comma; the file just uses the other client's key.
    let a = ok.unwrap();
    assert!(has_rule(&a, "config-misspelt-key"));
    assert_eq!(a.servers.len(), 1);
}

fn has_rule(a: &ConfigAudit, rule: &str) -> bool {
    a.findings.iter().any(|f| f.finding.rule == rule)
}

#[test]
fn comments_are_errors_where_the_client_reads_plain_json() {
    let e = audit_as(
        "broken/comment_in_strict.json",
        Client::ClaudeCode,
        Shape::McpServers,
    )
    .unwrap_err();
    let ConfigError::Syntax { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((error.pos.line, error.pos.column), (2, 3));
    assert!(error.hint.contains("Claude Code"), "{}", error.hint);
    // Gemini CLI strips comments.
    assert!(
        audit_as(
            "broken/comment_in_strict.json",
            Client::GeminiCli,
            Shape::McpServers
        )
        .is_ok()
    );
}

#[test]
fn unclosed_brace_points_at_the_opening_brace() {
    let e = audit_as(
        "broken/unclosed_brace.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    let ConfigError::Syntax { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((error.pos.line, error.pos.column), (1, 1));
    assert!(error.message.contains("never closed"));
    assert!(error.hint.contains("missing `}`"));
}

#[test]
fn bom_is_skipped_and_flagged_for_strict_clients() {
    let a = audit_as("broken/bom.json", Client::ClaudeDesktop, Shape::McpServers).unwrap();
    assert_eq!(a.servers.len(), 1);
    assert_eq!(a.servers[0].line, 3, "positions are not shifted by the BOM");
    let bom = a
        .findings
        .iter()
        .find(|f| f.finding.rule == "config-bom")
        .expect("bom finding");
    assert_eq!(bom.finding.line, 1);
    // The client cannot parse the file at all: as bad as a broken file, so it gates by default.
    assert_eq!(bom.finding.severity, Severity::High);
    assert!(
        bom.finding.message.contains("Claude Desktop cannot parse"),
        "{}",
        bom.finding.message
    );
    assert!(bom.fix.contains("UTF-8 without BOM"));
    for client in [Client::ClaudeCode, Client::GeminiCli, Client::Windsurf] {
        let a = audit_as("broken/bom.json", client, Shape::McpServers).unwrap();
        assert!(has_rule(&a, "config-bom"), "{client:?}");
    }
    let a = audit_as("broken/bom.json", Client::VsCode, Shape::McpServers).unwrap();
    assert!(!has_rule(&a, "config-bom"));
}

#[test]
fn empty_file_and_non_object_are_explained() {
    let e = audit_as(
        "broken/empty.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    assert!(e.to_string().contains("the file is empty"), "{e}");
    assert!(e.to_string().contains("mcpServers"), "{e}");
    let e = audit_as(
        "broken/not_object.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    assert!(
        matches!(
            e,
            ConfigError::NotObject {
                found: "an array",
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("not_object.json:1:1"), "{e}");
}

#[test]
fn utf16_and_invalid_utf8_are_explained() {
    let e = audit_file(&fixture("broken/utf16.json"), &AuditOptions::default()).unwrap_err();
    assert!(e.to_string().contains("UTF-16"), "{e}");
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let e = audit_bytes(
        "x.json",
        b"{\n  \"a\": \"caf\xe9\"\n}",
        fmt,
        &AuditOptions::default(),
    )
    .unwrap_err();
    assert_eq!(e.pos().map(|p| (p.line, p.column)), Some((2, 12)));
}

#[test]
fn a_50_mb_file_is_refused_by_size_before_reading() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("claude_desktop_config.json");
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(50 * 1024 * 1024).unwrap();
    let e = audit_file(&p, &AuditOptions::default()).unwrap_err();
    assert!(
        matches!(
            e,
            ConfigError::TooLarge {
                size: 52_428_800,
                ..
            }
        ),
        "{e:?}"
    );
    let msg = e.to_string();
    assert!(
        msg.contains("52428800 bytes") && msg.contains("limit") && msg.contains("not read"),
        "{msg}"
    );
}

#[test]
fn deep_nesting_is_refused_without_overflowing_the_stack() {
    let fmt = Format {
        client: Client::VsCode,
        shape: Shape::VsCodeMcp,
    };
    let text = format!(
        "{{\"servers\": {}{}",
        "[".repeat(1_000_000),
        "]".repeat(1_000_000)
    );
    let e = audit_bytes("deep.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap_err();
    assert!(e.to_string().contains("nesting deeper than"), "{e}");
    let text = "{\"a\":".repeat(200_000);
    let e = audit_bytes("deep.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap_err();
    assert!(e.to_string().contains("nesting deeper than"), "{e}");
}

#[test]
fn claude_code_user_file_reads_projects_and_masks_secrets() {
    let a = audit("claude-code/home/.claude.json");
    assert_eq!(
        (a.client, a.shape),
        (Client::ClaudeCode, Shape::ClaudeCodeUser)
    );
    let names: Vec<_> = a
        .servers
        .iter()
        .map(|s| (s.name.as_str(), s.project.as_deref()))
        .collect();
    assert_eq!(names, [("github", None), ("db", Some("/home/dev/app"))]);
    let gh = find(&a, "config-secret-in-env", "github");
    assert_eq!(gh.finding.severity, Severity::High);
    assert_eq!(gh.finding.category, Category::CredentialAccess);
    assert!(
        gh.finding.message.contains("GitHub token") && gh.finding.message.contains("ghp_****QRab")
    );
    assert_eq!(
        gh.finding.snippet,
        r#""GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_****QRab""#
    );
    assert!(
        !has(&a, "config-unpinned-npx", "github"),
        "@2025.4.8 is an exact version"
    );
    assert_eq!(
        a.servers[0].scan_spec.as_deref(),
        Some("npm:@modelcontextprotocol/server-github@2025.4.8")
    );
    // The docker entry: password in a URL argument, home folder mounted, image on latest.
    let pw = find(&a, "config-secret-in-args", "db");
    assert!(
        pw.finding.message.contains("password in the URL"),
        "{}",
        pw.finding.message
    );
    assert!(has(&a, "config-broad-fs-grant", "db"));
    assert!(has(&a, "config-unpinned-docker", "db"));
    assert!(has(&a, "config-docker-no-isolation", "db"));
    assert!(
        a.servers[1]
            .not_scanned
            .as_deref()
            .unwrap()
            .contains("not scanned")
    );
    assert!(
        a.servers[1]
            .args
            .iter()
            .any(|x| x.contains("app:****@db.internal")),
        "{:?}",
        a.servers[1].args
    );
    assert_no_raw(
        &a,
        &["ghp_R4nd0mT0k3nV4lu3ABCDEFGHIJKLMNOPQRab", "S3cr3tPassw0rd"],
    );
}

#[test]
fn claude_code_project_file_remote_and_local_servers() {
    let a = audit("claude-code/project/.mcp.json");
    assert_eq!((a.client, a.shape), (Client::ClaudeCode, Shape::McpServers));
    let linear = &a.servers[0];
    assert_eq!(linear.transport, Transport::Sse);
    assert_eq!(
        linear.url.as_deref(),
        Some("http://mcp.linear.example.com/sse")
    );
    let http = find(&a, "config-plain-http", "linear");
    assert_eq!(
        http.finding.severity,
        Severity::High,
        "auth header sent in clear"
    );
    assert!(
        !has(&a, "config-secret-in-headers", "linear"),
        "${{LINEAR_TOKEN}} is a reference"
    );
    assert!(!has(&a, "config-secret-in-env", "local-notes"));
    assert_eq!(a.servers[1].scan_spec.as_deref(), Some("./build/index.js"));
    assert_eq!(a.servers[1].env, ["NOTES_API_KEY", "LOG_LEVEL"]);
    assert!(!has(&a, "config-unpinned-uvx", "time"));
    assert_eq!(
        a.servers[2].scan_spec.as_deref(),
        Some("pypi:mcp-server-time==0.6.2")
    );
    assert_eq!(a.findings.len(), 1, "{:#?}", rules(&a));
}

#[test]
fn cursor_file_with_comments_secrets_in_args_env_and_url() {
    let a = audit("cursor/.cursor/mcp.json");
    assert_eq!(a.client, Client::Cursor);
    let range = find(&a, "config-unpinned-npx", "openai-helper");
    assert_eq!(
        range.finding.severity,
        Severity::Low,
        "a range is pinned loosely"
    );
    let arg = find(&a, "config-secret-in-args", "openai-helper");
    assert!(
        arg.finding.message.contains("OpenAI API key") && arg.finding.message.contains("args[3]")
    );
    let env = find(&a, "config-secret-in-env", "openai-helper");
    assert!(env.finding.message.contains("Anthropic API key"));
    assert!(env.fix.contains("${env:ANTHROPIC_API_KEY}"), "{}", env.fix);
    let url = find(&a, "config-secret-in-url", "stripe");
    assert!(url.finding.message.contains("Stripe live key"));
    assert_eq!(a.servers[1].transport, Transport::Http);
    assert!(
        a.servers[1]
            .url
            .as_deref()
            .unwrap()
            .contains("rk_live_****")
    );
    assert_no_raw(
        &a,
        &[
            "sk-proj-Zx81KqLm2Np7Rt4Vw9Yb3Cd6Fg0Hj5Ks8La1Mn",
            "sk-ant-api03-Qw3Er5Ty7Ui9Op1As3Df5Gh7Jk9Lz2Xc4Vb6Nm8",
            "rk_live_51Hx9Kq2Lm7Np4Rt8Vw3Yb6",
        ],
    );
}

#[test]
fn vscode_workspace_file_inputs_are_not_secrets_and_user_home_is_broad() {
    let a = audit("vscode/.vscode/mcp.json");
    assert_eq!((a.client, a.shape), (Client::VsCode, Shape::VsCodeMcp));
    let names: Vec<_> = a.servers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["github", "everything", "fs"]);
    assert_eq!(a.servers[0].transport, Transport::Http);
    let grant = find(&a, "config-broad-fs-grant", "fs");
    assert_eq!(grant.finding.severity, Severity::High);
    assert_eq!(a.findings.len(), 1, "{:#?}", rules(&a));
}

#[test]
fn vscode_user_settings_mcp_key() {
    let a = audit("vscode/Code/User/settings.json");
    assert_eq!((a.client, a.shape), (Client::VsCode, Shape::VsCodeSettings));
    assert_eq!(a.servers.len(), 1);
    let tag = find(&a, "config-unpinned-npx", "slack");
    assert!(tag.finding.message.contains("`latest`"));
    let s = find(&a, "config-secret-in-env", "slack");
    assert!(s.fix.contains("${input:"), "{}", s.fix);
    assert_no_raw(&a, &["xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp"]);
}

#[test]
fn windsurf_server_url_over_http_and_aws_keys() {
    let a = audit("windsurf/mcp_config.json");
    assert_eq!(a.client, Client::Windsurf);
    assert_eq!(
        a.servers[0].url.as_deref(),
        Some("http://search.example.net/mcp")
    );
    assert!(has(&a, "config-plain-http", "remote-search"));
    let h = find(&a, "config-secret-in-headers", "remote-search");
    assert_eq!(
        h.finding.severity,
        Severity::Medium,
        "high-entropy, not a known format"
    );
    let aws = find(&a, "config-secret-in-env", "aws");
    assert!(aws.finding.message.contains("AWS access key id"));
    // Windsurf expands ${env:NAME}, so the fix says to use it.
    assert!(
        aws.fix.contains("write \"${env:AWS_ACCESS_KEY_ID}\""),
        "{}",
        aws.fix
    );
    assert_eq!(
        a.findings
            .iter()
            .filter(|f| f.finding.rule == "config-secret-in-env")
            .count(),
        2
    );
    assert!(has(&a, "config-unpinned-uvx", "aws"));
    assert_eq!(
        a.servers[1].scan_spec.as_deref(),
        Some("pypi:awslabs.aws-api-mcp-server")
    );
    assert_no_raw(
        &a,
        &[
            "f3A9kL2mQ8rT5vW1xZ7cB4nH6jD0pS",
            "AKIAZ7Q3LM5NR8TB2XYW",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ9Lm3Np8v",
        ],
    );
}

#[test]
fn gemini_settings_http_url_header_key_and_home_grant() {
    let a = audit("gemini/.gemini/settings.json");
    assert_eq!(a.client, Client::GeminiCli);
    assert_eq!(a.servers[0].transport, Transport::Http);
    let g = find(&a, "config-secret-in-headers", "maps");
    assert!(g.finding.message.contains("Google API key"));
    assert!(
        !g.finding.snippet.contains("Ks8La1X"),
        "the whole token is masked: {}",
        g.finding.snippet
    );
    assert!(has(&a, "config-broad-fs-grant", "git"));
    assert_eq!(
        a.servers[1].scan_spec.as_deref(),
        Some("pypi:mcp-server-git")
    );
}

#[test]
fn misspelt_and_duplicate_keys() {
    let a = audit_as(
        "misc/misspelt.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap();
    let top = a.findings.iter().find(|f| f.finding.line == 2).unwrap();
    assert_eq!(top.finding.rule, "config-misspelt-key");
    assert!(top.finding.message.contains("did you mean \"mcpServers\""));
    assert!(has(&a, "config-misspelt-key", "time"));
    assert!(
        find(&a, "config-misspelt-key", "time")
            .finding
            .message
            .contains("\"command\"")
    );
    assert!(has(&a, "config-server-no-command", "time"));

    let a = audit_as(
        "misc/duplicates.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap();
    let d = a
        .findings
        .iter()
        .find(|f| f.finding.rule == "config-duplicate-key")
        .unwrap();
    assert_eq!((d.finding.line, d.finding.column), (4, 5));
    assert!(d.finding.message.contains("first at line 3"));
    // Both entries are audited; the one that runs is unpinned.
    assert_eq!(a.servers.len(), 2);
    assert!(
        a.findings
            .iter()
            .any(|f| f.finding.rule == "config-unpinned-uvx" && f.finding.line == 4)
    );
}

#[test]
fn docker_entries() {
    let a = audit_as("misc/docker.json", Client::ClaudeDesktop, Shape::McpServers).unwrap();
    assert_eq!(
        find(&a, "config-unpinned-docker", "github")
            .finding
            .severity,
        Severity::Medium
    );
    assert!(has(&a, "config-docker-no-isolation", "github"));
    assert_eq!(
        find(&a, "config-docker-no-isolation", "github")
            .finding
            .severity,
        Severity::Info
    );
    assert!(!has(&a, "config-unpinned-docker", "pinned"));
    assert!(!has(&a, "config-docker-no-isolation", "pinned"));
    assert!(has(&a, "config-docker-privileged", "root"));
    assert_eq!(
        find(&a, "config-unpinned-docker", "root").finding.severity,
        Severity::Low
    );
    assert_eq!(
        find(&a, "config-broad-fs-grant", "root").finding.severity,
        Severity::High
    );
    assert!(has(&a, "config-command-with-args", "oneline"));
    assert!(has(&a, "config-unpinned-npx", "oneline"));
    assert_eq!(
        a.servers[3].scan_spec.as_deref(),
        Some("npm:@modelcontextprotocol/server-memory")
    );
}

#[test]
fn commands_not_on_path_name_the_tool_that_provides_them() {
    let bin = tempfile::tempdir().unwrap();
    std::fs::write(bin.path().join("uvx"), "").unwrap();
    let opts = AuditOptions {
        path_var: Some(bin.path().as_os_str().to_owned()),
        ..Default::default()
    };
    let a = audit_file(&fixture("claude-desktop/claude_desktop_config.json"), &opts).unwrap();
    assert!(
        !has(&a, "config-command-not-found", "fetch"),
        "uvx is on PATH"
    );
    let npx = find(&a, "config-command-not-found", "filesystem");
    assert!(npx.fix.contains("Node.js"), "{}", npx.fix);
    assert!(
        npx.fix.contains("Claude Desktop"),
        "GUI apps get a PATH note: {}",
        npx.fix
    );
    assert!(npx.finding.message.contains("ENOENT"));

    let fmt = Format {
        client: Client::ClaudeCode,
        shape: Shape::McpServers,
    };
    let text =
        br#"{"mcpServers": {"x": {"command": "/nonexistent/bin/uvx", "args": ["pkg==1.0"]}}}"#;
    let a = audit_bytes("x.json", text, fmt, &opts).unwrap();
    let f = find(&a, "config-command-not-found", "x");
    assert!(
        f.finding.message.contains("does not exist") && f.fix.contains("uv"),
        "{f:?}"
    );
}

#[test]
fn secrets_never_leak_through_any_field() {
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let text = r#"{"mcpServers": {"s": {
        "command": "npx", "args": ["-y", "pkg@1.0.0", "--token=Zq8Xw2Lm5Np9Rt3Vb7Yc", "https://u:hunter2hunter2@example.com/x"],
        "env": {"OPENAI_API_KEY": "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD", "DB_PASSWORD": "Tr0ub4dor&3xyzQ9"},
        "url": "https://x.example.com/?token=abcdef0123456789"}}}"#;
    let a = audit_bytes("x.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap();
    assert_no_raw(
        &a,
        &[
            "Zq8Xw2Lm5Np9Rt3Vb7Yc",
            "hunter2hunter2",
            "sk-abcdefghijklmnopqrstuvwxyz0123456789ABCD",
            "Tr0ub4dor&3xyzQ9",
        ],
    );
    assert!(
        a.findings
            .iter()
            .filter(|f| f.finding.category == Category::CredentialAccess)
            .count()
            >= 4,
        "{:#?}",
        rules(&a)
    );
    for f in &a.findings {
        assert!(
            !f.finding.message.contains("hunter2"),
            "{}",
            f.finding.message
        );
    }
}

#[test]
fn placeholders_and_ordinary_settings_are_not_secrets() {
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let text = r#"{"mcpServers": {"s": {"command": "npx", "args": ["-y", "pkg@1.0.0", "--api-key", "${API_KEY}"],
        "env": {"GITHUB_TOKEN": "<your-token>", "API_KEY": "your-api-key-here", "LOG_LEVEL": "debug",
                "TOKEN_FILE": "/home/me/.config/token", "BASE_URL": "https://api.example.com/v1"}}}}"#;
    let a = audit_bytes("x.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap();
    assert!(a.findings.is_empty(), "{:#?}", rules(&a));
}

#[test]
fn a_hostile_one_line_file_with_thousands_of_secrets_stays_bounded() {
    // ~5 MB on a single line: 20 000 servers, each with a token and an unpinned package.
    let mut text = String::from("{\"mcpServers\": {");
    for i in 0..20_000 {
        if i > 0 {
            text.push(',');
        }
        text.push_str(&format!(
            "\"s{i}\": {{\"command\": \"npx\", \"args\": [\"pkg{i}\"], \"env\": {{\"GITHUB_TOKEN\": \"ghp_{i:0>36}\"}}}}"
        ));
    }
    text.push_str("}}");
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let start = std::time::Instant::now();
    let a = audit_bytes("big.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap();
    assert_eq!(a.servers.len(), 20_000);
    assert_eq!(a.findings.len(), 40_000);
    assert!(
        a.findings
            .iter()
            .all(|f| f.finding.snippet.chars().count() <= 162)
    );
    assert!(
        a.findings
            .iter()
            .all(|f| !f.finding.snippet.contains("ghp_0000"))
    );
    assert!(
        start.elapsed() < std::time::Duration::from_secs(60),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn no_truncation_or_byte_flip_of_any_fixture_panics() {
    let mut files = Vec::new();
    let mut dirs = vec![fixture("")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p)
            } else {
                files.push(p)
            }
        }
    }
    assert!(files.len() >= 15);
    let formats = [
        Format {
            client: Client::ClaudeDesktop,
            shape: Shape::McpServers,
        },
        Format {
            client: Client::VsCode,
            shape: Shape::VsCodeSettings,
        },
        Format {
            client: Client::Generic,
            shape: Shape::Any,
        },
    ];
    for f in files {
        let bytes = std::fs::read(&f).unwrap();
        for fmt in formats {
            for cut in 0..bytes.len() {
                let _ = audit_bytes("t.json", &bytes[..cut], fmt, &AuditOptions::default());
            }
            for i in (0..bytes.len()).step_by(3) {
                for b in [b'"', b'{', b']', b',', b'\\', 0xC3, b'\n'] {
                    let mut m = bytes.clone();
                    m[i] = b;
                    let _ = audit_bytes("t.json", &m, fmt, &AuditOptions::default());
                }
            }
        }
    }
}

#[test]
fn vscode_input_references_must_be_declared() {
    let a = audit_as(
        "vscode/undeclared-input.json",
        Client::VsCode,
        Shape::VsCodeMcp,
    )
    .unwrap();
    assert_eq!(a.findings.len(), 1, "{:#?}", rules(&a));
    let f = find(&a, "config-undeclared-input", "search");
    assert!(
        f.finding.message.contains("team-id"),
        "{}",
        f.finding.message
    );
    assert_eq!((f.finding.line, f.finding.column), (6, 74));
    // The workspace fixture declares the input it uses.
    assert!(!has_rule(
        &audit("vscode/.vscode/mcp.json"),
        "config-undeclared-input"
    ));
}

#[test]
fn passwords_inside_connection_urls_in_env_are_secrets() {
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let text = r#"{"mcpServers": {"pg": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-postgres@0.6.2"],
        "env": {"DATABASE_URL": "postgresql://app:Pg-Pass-2291x@db.example.com:5432/app"}}}}"#;
    let a = audit_bytes("x.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap();
    let f = find(&a, "config-secret-in-env", "pg");
    assert!(
        f.finding.message.contains("password in the URL"),
        "{}",
        f.finding.message
    );
    assert!(
        f.finding
            .snippet
            .contains("postgresql://app:****@db.example.com"),
        "{}",
        f.finding.snippet
    );
    assert_no_raw(&a, &["Pg-Pass-2291x"]);
}

/// What each client's own reader does with `//` comments and trailing commas (the sources are in
/// `Client::parse_options`): Claude Desktop, Claude Code and Windsurf take plain JSON; Gemini CLI
/// strips comments but `JSON.parse` still refuses a trailing comma; VS Code and Cursor read JSONC.
#[test]
fn each_client_accepts_exactly_the_json_extensions_its_reader_accepts() {
    // (client, shape, comments accepted, trailing commas accepted)
    let table = [
        (Client::ClaudeDesktop, Shape::McpServers, false, false),
        (Client::ClaudeCode, Shape::McpServers, false, false),
        (Client::ClaudeCode, Shape::ClaudeCodeUser, false, false),
        (Client::Windsurf, Shape::McpServers, false, false),
        (Client::GeminiCli, Shape::McpServers, true, false),
        (Client::Cursor, Shape::McpServers, true, true),
        (Client::VsCode, Shape::VsCodeMcp, true, true),
        (Client::VsCode, Shape::VsCodeSettings, true, true),
    ];
    for (client, shape, comments, commas) in table {
        let name = client.display_name();
        let c = audit_as("broken/comment_in_strict.json", client, shape);
        let t = audit_as("broken/trailing_comma.json", client, shape);
        let both = audit_as("broken/comment_and_trailing_comma.json", client, shape);
        assert_eq!(c.is_ok(), comments, "{name}: comment: {c:?}");
        assert_eq!(t.is_ok(), commas, "{name}: trailing comma: {t:?}");
        assert_eq!(both.is_ok(), comments && commas, "{name}: both: {both:?}");
        for (what, r) in [("comment", &c), ("trailing comma", &t)] {
            if let Err(e) = r {
                let shown = e.to_string();
                assert!(shown.contains(name), "{name}, {what}: {shown}");
                assert!(
                    shown.contains("remove the comment") || shown.contains("remove this comma"),
                    "{name}, {what}: {shown}"
                );
            }
        }
        if let Ok(a) = &both {
            // Accepted files are audited as usual (settings.json keeps servers under "mcp").
            if shape != Shape::VsCodeSettings {
                assert!(a.servers.iter().any(|s| s.name == "fetch"), "{name}");
            }
        }
    }
    // Where a client's reader is lenient about one thing only, the hint says which.
    let e = audit_as(
        "broken/trailing_comma.json",
        Client::GeminiCli,
        Shape::McpServers,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("Gemini CLI strips comments but otherwise reads plain JSON"),
        "{e}"
    );
    assert!(e.contains("stops at start-up"), "{e}");
    let e = audit_as(
        "broken/comment_in_strict.json",
        Client::ClaudeCode,
        Shape::ClaudeCodeUser,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("may rewrite a file it cannot parse"), "{e}");
}

#[test]
fn a_syntax_error_on_a_line_with_a_token_shows_the_line_masked() {
    let e = audit_as(
        "broken/secret_on_error_line.json",
        Client::ClaudeDesktop,
        Shape::McpServers,
    )
    .unwrap_err();
    let shown = e.to_string();
    assert!(!shown.contains("R8s7T6u5V4w3"), "{shown}");
    assert!(shown.contains("ghp_****H2i1"), "{shown}");
    // The place is the real one; the caret sits under the spot where the comma is missing, in
    // the masked line as printed.
    let ConfigError::Syntax { error, .. } = &e else {
        panic!("{e:?}")
    };
    assert_eq!((error.pos.line, error.pos.column), (6, 90));
    assert!(shown.contains("--> "), "{shown}");
    assert!(shown.contains(":6:90"), "{shown}");
    let lines: Vec<&str> = shown.lines().collect();
    let code = lines.iter().position(|l| l.starts_with("6 | ")).unwrap();
    let at = lines[code + 1].find('^').unwrap();
    assert_eq!(&lines[code][at - 1..=at], "\" ", "{shown}");
}

#[test]
fn relative_scripts_resolve_against_the_folder_the_client_starts_the_server_in() {
    let text = br#"{"projects": {"/srv/app": {"mcpServers": {
        "a": {"command": "node", "args": ["./index.js"]},
        "b": {"command": "python", "args": ["tools/run.py"], "cwd": "sub"}
    }}}, "mcpServers": {"c": {"command": "node", "args": ["./index.js"]}}}"#;
    let fmt = Format {
        client: Client::ClaudeCode,
        shape: Shape::ClaudeCodeUser,
    };
    let a = audit_bytes("claude.json", text, fmt, &AuditOptions::default()).unwrap();
    let spec = |n: &str| {
        a.servers
            .iter()
            .find(|s| s.name == n)
            .unwrap()
            .scan_spec
            .clone()
    };
    let p = |s: &str| Some(Path::new(s).display().to_string());
    assert_eq!(spec("a"), p("/srv/app/./index.js"));
    assert_eq!(spec("b"), p("/srv/app/sub/tools/run.py"));
    // A user-wide entry has no project: left relative, as the client would start it anywhere.
    assert_eq!(spec("c").as_deref(), Some("./index.js"));
    // A project-level file's base folder comes from the caller.
    let opts = AuditOptions {
        base_dir: Some(PathBuf::from("/work/proj")),
        ..Default::default()
    };
    let fmt = Format {
        client: Client::ClaudeCode,
        shape: Shape::McpServers,
    };
    let a = audit_bytes(
        ".mcp.json",
        br#"{"mcpServers": {"d": {"command": "node", "args": ["server.js"]}}}"#,
        fmt,
        &opts,
    )
    .unwrap();
    assert_eq!(a.servers[0].scan_spec, p("/work/proj/server.js"));
}

#[test]
fn a_token_inside_command_is_found_and_masked_in_messages_fixes_and_listings() {
    let fmt = Format {
        client: Client::ClaudeDesktop,
        shape: Shape::McpServers,
    };
    let text = r#"{"mcpServers": {
        "line": {"command": "npx -y srv@1.0.0 --token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"},
        "path": {"command": "/opt/ghp_Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2/run"}
    }}"#;
    let a = audit_bytes("x.json", text.as_bytes(), fmt, &AuditOptions::default()).unwrap();
    assert_no_raw(&a, &["A1b2C3d4E5f6G7h8I9j0", "Z9y8X7w6V5u4T3s2R1q0"]);
    let f = find(&a, "config-secret-in-args", "line");
    assert!(
        f.finding.message.contains("in `command`"),
        "{}",
        f.finding.message
    );
    assert_eq!(f.finding.severity, Severity::High);
    assert!(has(&a, "config-secret-in-args", "path"));
    // The other findings that quote the command are masked too.
    let split = find(&a, "config-command-with-args", "line");
    assert!(split.fix.contains("ghp_****Q7r8"), "{}", split.fix);
    let missing = find(&a, "config-command-not-found", "path");
    assert!(
        missing.finding.message.contains("/opt/ghp_****"),
        "{}",
        missing.finding.message
    );
    let line = a.servers.iter().find(|s| s.name == "line").unwrap();
    assert!(line.command.as_deref().unwrap().contains("ghp_****Q7r8"));
}
