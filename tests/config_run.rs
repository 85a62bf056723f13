//! `mcp-scan config` end to end through `run`: text, JSON and SARIF output, the deep-scan callback,
//! discovery under a given home, and exit codes.

use std::cell::RefCell;
use std::path::{Path, PathBuf};

use mcp_scan::Severity;
use mcp_scan::config::args::DeepScan;
use mcp_scan::config::{ConfigArgs, DeepResult, OutputFormat, run};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/config")
        .join(rel)
}

fn args(files: &[&str]) -> ConfigArgs {
    ConfigArgs {
        files: files.iter().map(|f| fixture(f)).collect(),
        no_path_check: true,
        ..Default::default()
    }
}

fn run_to_string(a: &ConfigArgs, deep: Option<DeepScan<'_>>) -> (u8, String) {
    let mut out = Vec::new();
    let code = run(a, &mut out, deep).expect("run");
    (code, String::from_utf8(out).unwrap())
}

#[test]
fn deep_scans_both_packages_of_the_done_when_config() {
    let calls = RefCell::new(Vec::new());
    let deep = |spec: &str| -> Result<DeepResult, String> {
        calls.borrow_mut().push(spec.to_string());
        Ok(DeepResult {
            verdict: "low-risk".into(),
            score: 7,
            findings: 2,
            max_severity: Some(Severity::Low),
        })
    };
    let mut a = args(&["claude-desktop/claude_desktop_config.json"]);
    a.deep = true;
    let (code, text) = run_to_string(&a, Some(&deep));
    assert_eq!(
        *calls.borrow(),
        [
            "pypi:mcp-server-fetch",
            "npm:@modelcontextprotocol/server-filesystem"
        ]
    );
    assert_eq!(
        code, 0,
        "medium findings stay below --fail-on high:\n{text}"
    );
    assert!(
        text.contains("deep:  pypi:mcp-server-fetch → low-risk (score 7, 2 findings)"),
        "{text}"
    );
    assert!(text.contains("MEDIUM config-unpinned-uvx"), "{text}");
    assert!(text.contains("MEDIUM config-unpinned-npx"), "{text}");
    assert!(text.contains("MEDIUM config-broad-fs-grant"), "{text}");
    assert!(
        text.contains("1 file, 2 servers, 3 findings (3 medium); exit 0 (fail-on high)"),
        "{text}"
    );

    // A deep scan's worst finding gates too.
    let bad = |_: &str| -> Result<DeepResult, String> {
        Ok(DeepResult {
            verdict: "malicious".into(),
            score: 95,
            findings: 4,
            max_severity: Some(Severity::Critical),
        })
    };
    let (code, _) = run_to_string(&a, Some(&bad));
    assert_eq!(code, 1);
    // Same server spec twice is scanned once.
    let calls = RefCell::new(0);
    let count = |_: &str| -> Result<DeepResult, String> {
        *calls.borrow_mut() += 1;
        Err("registry unreachable".into())
    };
    let mut twice = args(&[
        "claude-desktop/claude_desktop_config.json",
        "claude-desktop/claude_desktop_config.json",
    ]);
    twice.deep = true;
    let (code, text) = run_to_string(&twice, Some(&count));
    assert_eq!(*calls.borrow(), 2);
    assert!(text.contains("scan failed: registry unreachable"), "{text}");
    assert_eq!(
        code, 2,
        "a deep scan that failed exits 2, as `scan` does:\n{text}"
    );
    assert!(
        text.contains("4 servers could not be deep-scanned; exit 2"),
        "{text}"
    );
}

#[test]
fn fail_on_threshold_sets_the_exit_code() {
    let mut a = args(&["claude-desktop/claude_desktop_config.json"]);
    a.fail_on = Some(Severity::Medium);
    assert_eq!(run_to_string(&a, None).0, 1);
    a.fail_on = Some(Severity::Critical);
    assert_eq!(run_to_string(&a, None).0, 0);
    let mut secrets = args(&["claude-code/home/.claude.json"]);
    assert_eq!(
        run_to_string(&secrets, None).0,
        1,
        "a plain-text GitHub token is high"
    );
    // `never` reports without gating, as `scan --fail-on never` does; a broken file still exits 2.
    secrets.fail_on = None;
    let (code, text) = run_to_string(&secrets, None);
    assert_eq!(code, 0, "{text}");
    assert!(text.ends_with("; exit 0 (fail-on never)\n"), "{text}");
    let mut broken = args(&["broken/empty.json"]);
    broken.fail_on = None;
    assert_eq!(run_to_string(&broken, None).0, 2);
}

#[test]
fn broken_file_gives_exit_2_and_the_caret_diagnostic() {
    let mut a = args(&[
        "broken/missing_comma.json",
        "claude-desktop/claude_desktop_config.json",
    ]);
    a.clients = vec![mcp_scan::config::Client::ClaudeDesktop];
    let (code, text) = run_to_string(&a, None);
    assert_eq!(code, 2);
    assert!(text.contains("missing_comma.json:6:6"), "{text}");
    assert!(
        text.contains("hint: expected `,` or `}` after the entry \"fetch\" — is a comma missing?"),
        "{text}"
    );
    assert!(
        text.contains("config-unpinned-uvx"),
        "the other file is still audited:\n{text}"
    );
    assert!(text.contains("1 file could not be read"), "{text}");
    let missing = args(&["does/not/exist.json"]);
    let (code, text) = run_to_string(&missing, None);
    assert_eq!(code, 2);
    assert!(text.contains("cannot read the file"), "{text}");
}

#[test]
fn json_report_lists_servers_findings_fixes_and_deep_results() {
    let mut a = args(&[
        "claude-desktop/claude_desktop_config.json",
        "broken/empty.json",
    ]);
    a.format = OutputFormat::Json;
    a.deep = true;
    let deep = |_: &str| -> Result<DeepResult, String> {
        Ok(DeepResult {
            verdict: "clean".into(),
            score: 0,
            findings: 0,
            max_severity: None,
        })
    };
    let (code, text) = run_to_string(&a, Some(&deep));
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["schema"], "mcp-scan-config/1");
    assert_eq!(v["exit_code"], 2);
    let f = &v["files"][0];
    assert_eq!(f["status"], "audited");
    assert_eq!(f["client"], "claude-desktop");
    assert_eq!(f["servers"][0]["name"], "fetch");
    assert_eq!(f["servers"][0]["transport"], "stdio");
    assert_eq!(f["servers"][0]["scan_spec"], "pypi:mcp-server-fetch");
    assert_eq!(f["servers"][0]["deep"]["status"], "scanned");
    assert_eq!(f["servers"][0]["deep"]["verdict"], "clean");
    let finding = &f["findings"][0];
    for key in [
        "rule",
        "category",
        "severity",
        "confidence",
        "message",
        "file",
        "line",
        "column",
        "snippet",
        "tool",
        "fix",
    ] {
        assert!(finding.get(key).is_some(), "missing {key}: {finding}");
    }
    assert_eq!(finding["tool"], "fetch");
    let e = &v["files"][1];
    assert_eq!(e["status"], "error");
    assert_eq!(e["line"], 1);
    assert!(e["message"].as_str().unwrap().contains("the file is empty"));
}

#[test]
fn deep_without_a_scanner_says_so_and_docker_is_not_scanned() {
    let mut a = args(&["misc/docker.json"]);
    a.deep = true;
    let (_, text) = run_to_string(&a, None);
    assert!(
        text.contains("not scanned: docker image `ghcr.io/github/github-mcp-server`"),
        "{text}"
    );
    assert!(
        text.contains("not scanned: deep scanning is not available"),
        "{text}"
    );
}

#[test]
fn sarif_has_one_result_per_finding_and_parse_errors() {
    let mut a = args(&[
        "claude-desktop/claude_desktop_config.json",
        "broken/not_object.json",
    ]);
    a.format = OutputFormat::Sarif;
    let (code, text) = run_to_string(&a, None);
    assert_eq!(code, 2);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    let grant = results
        .iter()
        .find(|r| r["ruleId"] == "config-broad-fs-grant")
        .unwrap();
    assert_eq!(grant["level"], "warning");
    let region = &grant["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(9), Some(65))
    );
    assert!(grant["message"]["text"].as_str().unwrap().contains("Fix: "));
    let err = results
        .iter()
        .find(|r| r["ruleId"] == "config-parse-error")
        .unwrap();
    assert_eq!(err["level"], "error");
    let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 4);
    for r in rules {
        let d = r["shortDescription"]["text"].as_str().unwrap_or("");
        assert!(!d.is_empty(), "rule without a description: {r}");
    }
}

#[test]
fn discovery_under_a_given_home() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let mut a = ConfigArgs {
        home: Some(home.path().to_path_buf()),
        project: Some(project.path().to_path_buf()),
        no_path_check: true,
        ..Default::default()
    };
    let (code, text) = run_to_string(&a, None);
    assert_eq!(code, 0);
    assert!(text.starts_with("No MCP client config found."), "{text}");
    assert!(
        text.contains(".claude.json"),
        "lists the places looked at: {text}"
    );

    let cfg = home.path().join(".cursor/mcp.json");
    std::fs::create_dir_all(cfg.parent().unwrap()).unwrap();
    std::fs::copy(fixture("cursor/.cursor/mcp.json"), &cfg).unwrap();
    std::fs::write(project.path().join(".mcp.json"), "{\"mcpServers\": {}}").unwrap();
    let (code, text) = run_to_string(&a, None);
    assert_eq!(code, 1, "{text}");
    assert!(
        text.contains("(Cursor)") && text.contains("(Claude Code)"),
        "{text}"
    );
    assert!(
        !text.contains("sk-proj-Zx81"),
        "secret masked in text output"
    );

    a.clients = vec![mcp_scan::config::Client::ClaudeCode];
    let (code, text) = run_to_string(&a, None);
    assert_eq!(code, 0);
    assert!(!text.contains("(Cursor)"), "{text}");
}

#[test]
fn config_args_parse_with_clap() {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        config: ConfigArgs,
    }
    let cli = Cli::try_parse_from([
        "mcp-scan",
        "a.json",
        "b.json",
        "--deep",
        "--format",
        "sarif",
        "--fail-on",
        "medium",
        "--client",
        "vscode",
        "--client",
        "cursor",
    ])
    .unwrap();
    let c = cli.config;
    assert_eq!(c.files.len(), 2);
    assert!(c.deep);
    assert_eq!(c.format, OutputFormat::Sarif);
    assert_eq!(c.fail_on, Some(Severity::Medium));
    let never = Cli::try_parse_from(["mcp-scan", "--fail-on", "never"]).unwrap();
    assert_eq!(never.config.fail_on, None);
    let dflt = Cli::try_parse_from(["mcp-scan"]).unwrap();
    assert_eq!(dflt.config.fail_on, Some(Severity::High));
    assert_eq!(c.clients.len(), 2);
    assert!(Cli::try_parse_from(["mcp-scan", "--client", "notepad"]).is_err());
    assert!(Cli::try_parse_from(["mcp-scan", "--fail-on", "huge"]).is_err());
}
