//! `mcp-scan config` through the real binary: `--deep` against a loopback npm registry and PyPI
//! index (hermetic: every fetch goes to 127.0.0.1), the per-server verdicts in text and JSON, the
//! exit code under `--fail-on`, and the command-line behaviour of the audit itself (discovery under
//! `HOME`, masking in every format, broken files, `--help`).

mod support;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::{Value, json};
use support::{TarEntry, TestServer, sha256_hex, sri_sha512, tgz};

fn corpus(rel: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("corpus/servers")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A loopback registry serving two labelled corpus servers as published packages: the malicious
/// `js-calculator-plus` as npm `calculator-plus@2.1.0` and the benign `py-time-zoneinfo` as PyPI
/// `mcp-server-time==0.6.2` (an sdist), with correct `dist.integrity` and sha256 digests.
fn registry() -> TestServer {
    let server = TestServer::start();
    let calc = tgz(&[
        TarEntry::File(
            "package/package.json",
            &corpus("js-calculator-plus/package.json"),
        ),
        TarEntry::File("package/index.js", &corpus("js-calculator-plus/index.js")),
    ]);
    let doc = json!({
        "name": "calculator-plus",
        "dist-tags": {"latest": "2.1.0"},
        "versions": {"2.1.0": {"dist": {
            "tarball": server.url("/t/calculator-plus-2.1.0.tgz"),
            "integrity": sri_sha512(&calc),
        }}}
    });
    server.route("/calculator-plus", 200, doc.to_string());
    server.route("/t/calculator-plus-2.1.0.tgz", 200, calc);

    let sdist = tgz(&[
        TarEntry::File(
            "mcp_server_time-0.6.2/pyproject.toml",
            &corpus("py-time-zoneinfo/pyproject.toml"),
        ),
        TarEntry::File(
            "mcp_server_time-0.6.2/server.py",
            &corpus("py-time-zoneinfo/server.py"),
        ),
    ]);
    let name = "mcp_server_time-0.6.2.tar.gz";
    let doc = json!({"info": {"name": "mcp-server-time", "version": "0.6.2"}, "urls": [{
        "filename": name, "packagetype": "sdist", "url": server.url(&format!("/files/{name}")),
        "digests": {"sha256": sha256_hex(&sdist)}, "yanked": false,
    }]});
    server.route("/pypi/mcp-server-time/0.6.2/json", 200, doc.to_string());
    server.route(&format!("/files/{name}"), 200, sdist);
    server
}

/// A Claude Desktop config with one server of each kind `--deep` handles.
fn config(dir: &Path) -> PathBuf {
    let path = dir.join("claude_desktop_config.json");
    std::fs::write(
        &path,
        r#"{
  "mcpServers": {
    "calc": { "command": "npx", "args": ["-y", "calculator-plus@2.1.0"] },
    "time": { "command": "uvx", "args": ["mcp-server-time==0.6.2"] },
    "github": {
      "command": "docker",
      "args": ["run", "-i", "--rm", "ghcr.io/github/github-mcp-server"]
    }
  }
}
"#,
    )
    .unwrap();
    path
}

/// The binary with no way to reach a real registry or the user's own files: `HOME` and the cache
/// are temporary, the registry variables are cleared, and the PATH check is off.
fn mcp_scan(home: &Path) -> Command {
    let mut c = Command::cargo_bin("mcp-scan").unwrap();
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        .env_remove("PIP_INDEX_URL")
        .env_remove("GITHUB_TOKEN")
        .env("NO_COLOR", "1");
    c
}

fn deep_args<'a>(cmd: &'a mut Command, server: &TestServer, file: &Path) -> &'a mut Command {
    cmd.arg("config")
        .arg(file)
        .arg("--deep")
        .arg("--no-path-check")
        .arg("--no-cache")
        .arg("--npm-registry")
        .arg(&server.base)
        .arg("--pypi-index")
        .arg(format!("{}/simple/", server.base))
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn deep_scans_npm_and_pypi_servers_through_the_loopback_registry() {
    let server = registry();
    let home = tempfile::tempdir().unwrap();
    let file = config(home.path());

    // Text: one verdict line per server, docker said to be not scanned.
    let (code, text, err) = run(deep_args(&mut mcp_scan(home.path()), &server, &file));
    assert!(err.is_empty(), "{err}");
    let deep_line = |name: &str| -> String {
        let mut lines = text.lines();
        lines
            .find(|l| l.trim_start().starts_with(name) && l.contains("stdio"))
            .unwrap_or_else(|| panic!("no line for {name}:\n{text}"));
        lines.next().unwrap_or("").trim().to_string()
    };
    let calc = deep_line("calc");
    let time = deep_line("time");
    let github = deep_line("github");
    assert!(
        calc.starts_with("deep:  npm:calculator-plus@2.1.0 → "),
        "{calc}\n{text}"
    );
    assert!(
        time.starts_with("deep:  pypi:mcp-server-time==0.6.2 → "),
        "{time}\n{text}"
    );
    assert!(
        github.starts_with(
            "deep:  not scanned: docker image `ghcr.io/github/github-mcp-server`: container images are not scanned"
        ),
        "{github}"
    );
    // The labelled corpus says: the calculator with a hidden beacon is high or critical, the
    // time server is below high.
    assert!(
        calc.contains("→ high (") || calc.contains("→ critical ("),
        "{calc}"
    );
    assert!(
        !time.contains("→ high (") && !time.contains("→ critical ("),
        "{time}"
    );
    assert_eq!(text.matches("deep:  ").count(), 3, "{text}");
    // Config findings are reported alongside the verdicts.
    assert!(text.contains("MEDIUM config-unpinned-docker"), "{text}");
    assert!(text.contains("INFO config-docker-no-isolation"), "{text}");
    assert!(
        !text.contains("config-unpinned-npx") && !text.contains("config-unpinned-uvx"),
        "both packages are pinned:\n{text}"
    );
    // The default gate (high) is met by the calculator's verdict.
    assert_eq!(code, 1, "{text}");
    assert!(text.ends_with("; exit 1 (fail-on high)\n"), "{text}");

    // Every fetch went to the loopback server, the package documents and both archives.
    assert!(server.hits("/calculator-plus") >= 1);
    assert!(server.hits("/t/calculator-plus-2.1.0.tgz") >= 1);
    assert!(server.hits("/pypi/mcp-server-time/0.6.2/json") >= 1);
    assert!(server.hits("/files/mcp_server_time-0.6.2.tar.gz") >= 1);

    // JSON: the same three outcomes, and the exit code in the report matches the process.
    let (jcode, out, err) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
    assert_eq!(v["deep"], true);
    assert_eq!(v["exit_code"], jcode);
    assert_eq!(jcode, 1);
    let servers = v["files"][0]["servers"].as_array().unwrap();
    let by = |n: &str| servers.iter().find(|s| s["name"] == n).unwrap().clone();
    let (c, t, g) = (by("calc"), by("time"), by("github"));
    assert_eq!(c["scan_spec"], "npm:calculator-plus@2.1.0");
    assert_eq!(c["deep"]["status"], "scanned");
    assert!(matches!(
        c["deep"]["verdict"].as_str(),
        Some("high" | "critical")
    ));
    assert!(c["deep"]["findings"].as_u64().unwrap() > 0);
    assert_eq!(t["scan_spec"], "pypi:mcp-server-time==0.6.2");
    assert_eq!(t["deep"]["status"], "scanned");
    assert!(matches!(
        t["deep"]["verdict"].as_str(),
        Some("clean" | "low" | "medium")
    ));
    assert_eq!(g["deep"]["status"], "not-scanned");
    assert!(
        g["deep"]["reason"]
            .as_str()
            .unwrap()
            .contains("container images are not scanned"),
        "{g}"
    );
    assert!(g.get("scan_spec").is_none_or(Value::is_null));

    // SARIF: the config findings plus one result per server whose code has findings, at the
    // server's entry; the clean or low time server is there only if it has findings.
    let (scode, out, _) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--format", "sarif"]));
    assert_eq!(scode, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    let results = v["runs"][0]["results"].as_array().unwrap();
    let verdict = results
        .iter()
        .find(|r| r["ruleId"] == "config-deep-verdict" && r["properties"]["server"] == "calc")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(verdict["level"], "error");
    let region = &verdict["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        (region["startLine"].as_u64(), region["startColumn"].as_u64()),
        (Some(3), Some(5))
    );
    assert!(
        verdict["message"]["text"]
            .as_str()
            .unwrap()
            .contains("runs npm:calculator-plus@2.1.0, which the scanner rates"),
        "{verdict}"
    );
    assert!(
        results
            .iter()
            .any(|r| r["ruleId"] == "config-unpinned-docker")
    );
    assert!(
        !results
            .iter()
            .any(|r| r["properties"]["server"] == "github" && r["ruleId"] == "config-deep-verdict"),
        "docker is not scanned, so it has no verdict"
    );

    // --fail-on: only the calculator's verdict can reach critical (config findings stop at
    // medium), so the exit code follows that verdict exactly.
    let calc_critical = c["deep"]["verdict"] == "critical";
    let (code, out, _) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--fail-on", "critical"]));
    assert_eq!(code, i32::from(calc_critical), "{out}");
    let (code, out, _) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--fail-on", "medium"]));
    assert_eq!(code, 1, "{out}");
    // Without --deep the same file gates on its config findings alone: medium < high.
    let (code, out, _) = run(mcp_scan(home.path())
        .arg("config")
        .arg(&file)
        .arg("--no-path-check"));
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("deep:"), "{out}");
}

#[test]
fn deep_scan_failures_are_reported_per_server_without_stopping_the_others() {
    let server = registry();
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("claude_desktop_config.json");
    std::fs::write(
        &file,
        r#"{"mcpServers": {
  "ghost": {"command": "npx", "args": ["-y", "no-such-package@1.0.0"]},
  "time": {"command": "uvx", "args": ["mcp-server-time==0.6.2"]}
}}"#,
    )
    .unwrap();
    let (code, text, _) = run(deep_args(&mut mcp_scan(home.path()), &server, &file));
    assert!(
        text.contains("deep:  npm:no-such-package@1.0.0 → scan failed: no such package on npm"),
        "{text}"
    );
    assert!(
        text.contains("deep:  pypi:mcp-server-time==0.6.2 → "),
        "{text}"
    );
    let (jcode, out, _) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--format", "json"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let ghost = &v["files"][0]["servers"][0]["deep"];
    assert_eq!(ghost["status"], "failed", "{ghost}");
    assert_eq!(ghost["reason"], "no such package on npm: no-such-package");
    assert_eq!((jcode, v["exit_code"].as_i64()), (2, Some(2)));
    let (_, out, _) =
        run(deep_args(&mut mcp_scan(home.path()), &server, &file).args(["--format", "sarif"]));
    let v: Value = serde_json::from_str(&out).unwrap();
    let failed = v["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "config-deep-scan-failed")
        .unwrap_or_else(|| panic!("{out}"));
    assert_eq!(failed["level"], "error");
    assert_eq!(failed["properties"]["server"], "ghost");
    // Like `mcp-scan scan` on a target it cannot fetch: exit 2, said in the summary.
    assert_eq!(code, 2, "{text}");
    assert!(
        text.contains(", 1 server could not be deep-scanned; exit 2"),
        "{text}"
    );
}

#[test]
fn discovery_under_home_masks_secrets_in_every_format_even_in_parse_errors() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let h = home.path();
    let write = |rel: &str, text: &str| {
        let p = h.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    };
    // Cursor takes comments and trailing commas; Gemini CLI comments only, so its file (with a
    // Google key on the offending line) cannot be parsed.
    write(
        ".cursor/mcp.json",
        "{\n  // tools\n  \"mcpServers\": {\n    \"gh\": {\"command\": \"npx\", \"args\": [\"-y\", \"srv@1.0.0\"], \"env\": {\"GITHUB_TOKEN\": \"ghp_R8s7T6u5V4w3X2y1Z0a9B8c7D6e5F4g3H2i1\"}},\n  },\n}\n",
    );
    write(
        ".gemini/settings.json",
        "{\n  // weather\n  \"mcpServers\": {\n    \"w\": {\"httpUrl\": \"https://w.example.com/mcp\", \"headers\": {\"X-Goog-Api-Key\": \"AIzaSyA1234567890abcdefghijklmnopqrstuv\"}},\n  }\n}\n",
    );
    write(
        ".config/Claude/claude_desktop_config.json",
        "{\"mcpServer\": {\"fetch\": {\"command\": \"uvx\", \"args\": [\"mcp-server-fetch\"]}}}",
    );
    let raw = ["R8s7T6u5V4w3X2y1", "A1234567890abcdefghij"];
    let mut codes = Vec::new();
    for format in ["text", "json", "sarif"] {
        let (code, out, err) = run(mcp_scan(h).current_dir(project.path()).args([
            "config",
            "--no-path-check",
            "--format",
            format,
        ]));
        assert!(err.is_empty(), "{err}");
        for r in raw {
            assert!(!out.contains(r), "{format} leaks {r}:\n{out}");
        }
        codes.push(code);
        match format {
            "text" => {
                assert!(
                    out.contains("(Cursor)") && out.contains("(Gemini CLI)"),
                    "{out}"
                );
                assert!(out.contains("(Claude Desktop)"), "{out}");
                assert!(out.contains("ghp_****H2i1"), "{out}");
                assert!(out.contains("AIza****stuv"), "{out}");
                assert!(out.contains("settings.json:4:"), "{out}");
                assert!(
                    out.contains("Gemini CLI strips comments but otherwise reads plain JSON"),
                    "{out}"
                );
                assert!(
                    out.contains("\"mcpServer\" is not a key Claude Desktop reads"),
                    "{out}"
                );
                assert!(out.contains("config-unpinned-uvx"), "{out}");
                assert!(out.contains("1 file could not be read or parsed"), "{out}");
            }
            "json" => {
                let v: Value = serde_json::from_str(&out).unwrap();
                let err = v["files"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|f| f["status"] == "error")
                    .unwrap();
                assert_eq!(err["client"], "gemini-cli");
                assert_eq!(err["line"], 4);
                assert!(err["message"].as_str().unwrap().contains("AIza****stuv"));
            }
            _ => {
                let v: Value = serde_json::from_str(&out).unwrap();
                let results = v["runs"][0]["results"].as_array().unwrap();
                assert!(results.iter().any(|r| r["ruleId"] == "config-parse-error"));
                assert!(
                    results
                        .iter()
                        .any(|r| r["ruleId"] == "config-secret-in-env")
                );
            }
        }
    }
    assert_eq!(
        codes,
        [2, 2, 2],
        "a file that cannot be parsed exits 2 in every format"
    );

    // Nothing found: the places looked at are listed, exit 0.
    let empty = tempfile::tempdir().unwrap();
    let (code, out, _) = run(mcp_scan(empty.path())
        .current_dir(project.path())
        .args(["config", "--no-path-check"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        out.starts_with("No MCP client config found.\nLooked for:\n"),
        "{out}"
    );
    for p in [
        ".claude.json",
        ".cursor/mcp.json",
        ".gemini/settings.json",
        "mcp_config.json",
    ] {
        assert!(out.contains(p), "{p}: {out}");
    }
}

#[test]
fn a_command_not_on_path_names_the_tool_that_provides_it() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("claude_desktop_config.json");
    std::fs::write(
        &file,
        r#"{"mcpServers": {"fetch": {"command": "uvx", "args": ["mcp-server-fetch==2025.4.7"]}}}"#,
    )
    .unwrap();
    // A PATH with nothing on it.
    let (code, out, _) = run(mcp_scan(home.path())
        .env("PATH", home.path())
        .arg("config")
        .arg(&file));
    assert!(out.contains("MEDIUM config-command-not-found"), "{out}");
    assert!(
        out.contains("`uvx` (server \"fetch\") is not on PATH"),
        "{out}"
    );
    assert!(out.contains("install uv (it provides uv and uvx)"), "{out}");
    assert_eq!(code, 0, "medium is below the default --fail-on high");
    let (code, _, _) = run(mcp_scan(home.path())
        .env("PATH", home.path())
        .arg("config")
        .arg(&file)
        .args(["--fail-on", "medium"]));
    assert_eq!(code, 1);
}

#[test]
fn help_teaches_examples_deep_and_exit_codes() {
    let home = tempfile::tempdir().unwrap();
    let (code, out, _) = run(mcp_scan(home.path()).args(["config", "--help"]));
    assert_eq!(code, 0);
    for want in [
        "Examples:",
        "mcp-scan config --deep",
        "--npm-registry <URL>",
        "npx/bunx/pnpm dlx PKG is\nnpm:PKG",
        "docker images and remote servers are listed as not scanned",
        "Exit codes: 0 nothing at or above --fail-on",
        "2 a file could not be read or parsed, or a --deep scan failed.",
    ] {
        assert!(out.contains(want), "missing {want:?} in:\n{out}");
    }
}

#[test]
fn relative_scripts_in_project_files_resolve_against_the_project_not_the_current_folder() {
    let home = tempfile::tempdir().unwrap();
    let project = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let p = project.path();
    std::fs::write(
        p.join("package.json"),
        r#"{"name": "p", "version": "1.0.0"}"#,
    )
    .unwrap();
    std::fs::write(p.join("server.js"), "console.log('hello')\n").unwrap();
    std::fs::write(
        p.join(".mcp.json"),
        r#"{"mcpServers": {"loc": {"command": "node", "args": ["./server.js"]}}}"#,
    )
    .unwrap();
    std::fs::create_dir(p.join(".vscode")).unwrap();
    std::fs::write(
        p.join(".vscode/mcp.json"),
        r#"{"servers": {"ws": {"command": "node", "args": ["${workspaceFolder}/server.js"]}}}"#,
    )
    .unwrap();
    let shown = std::path::absolute(p).unwrap().display().to_string();
    for file in [".mcp.json", ".vscode/mcp.json"] {
        let (code, out, _) = run(mcp_scan(home.path())
            .current_dir(elsewhere.path())
            .arg("config")
            .arg(p.join(file))
            .args(["--deep", "--no-path-check"]));
        // The script's project (the folder with package.json) is scanned, wherever mcp-scan runs.
        assert!(
            out.contains(&format!("deep:  {shown} → ")),
            "{file}:\n{out}"
        );
        assert!(!out.contains("scan failed"), "{file}:\n{out}");
        assert_eq!(code, 0, "{file}:\n{out}");
    }
}

#[test]
fn a_reader_that_stops_early_is_not_an_error() {
    use std::process::Stdio;
    let home = tempfile::tempdir().unwrap();
    // Far more output than a pipe buffers, so the write fails whenever the reader leaves.
    let servers: Vec<String> = (0..3000)
        .map(|i| format!(r#""s{i}": {{"command": "npx", "args": ["-y", "pkg{i}"]}}"#))
        .collect();
    let file = home.path().join("claude_desktop_config.json");
    std::fs::write(
        &file,
        format!(r#"{{"mcpServers": {{{}}}}}"#, servers.join(",")),
    )
    .unwrap();
    let bin = assert_cmd::cargo::cargo_bin("mcp-scan");
    let mut child = std::process::Command::new(bin)
        .env("HOME", home.path())
        .current_dir(home.path())
        .arg("config")
        .arg(&file)
        .args(["--no-path-check", "--format", "sarif"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `mcp-scan config | head -0`: the pipe is closed before anything is read.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.is_empty(), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn a_token_in_command_never_reaches_any_output_format() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("claude_desktop_config.json");
    std::fs::write(
        &file,
        r#"{"mcpServers": {"c": {"command": "npx -y srv@1.0.0 --token ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"}}}"#,
    )
    .unwrap();
    for format in ["text", "json", "sarif"] {
        let (code, out, _) = run(mcp_scan(home.path()).arg("config").arg(&file).args([
            "--no-path-check",
            "--format",
            format,
        ]));
        assert!(!out.contains("A1b2C3d4E5f6"), "{format}:\n{out}");
        assert!(out.contains("ghp_****Q7r8"), "{format}:\n{out}");
        assert_eq!(code, 1, "a plain-text GitHub token is high: {format}");
    }
}

#[test]
fn a_byte_order_mark_that_claude_desktop_cannot_parse_gates_by_default() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("claude_desktop_config.json");
    // As PowerShell 5.1's `Set-Content -Encoding UTF8` writes it.
    std::fs::write(
        &file,
        "\u{feff}{\r\n  \"mcpServers\": {\"t\": {\"command\": \"uvx\", \"args\": [\"mcp-server-time==0.6.2\"]}}\r\n}\r\n",
    )
    .unwrap();
    let (code, out, _) = run(mcp_scan(home.path())
        .arg("config")
        .arg(&file)
        .arg("--no-path-check"));
    assert!(out.contains("HIGH config-bom"), "{out}");
    assert!(out.contains("Claude Desktop cannot parse"), "{out}");
    assert!(
        out.contains("  t  stdio  uvx mcp-server-time==0.6.2"),
        "still audited:\n{out}"
    );
    assert_eq!(code, 1, "{out}");
}
