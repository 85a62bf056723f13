//! Discovery of client config files, run against a temporary home for each platform so the real
//! home folder is never read.

use std::path::Path;

use mcp_scan::config::discover;
use mcp_scan::config::discover::{
    Client, DiscoveryEnv, Platform, Shape, candidates, format_for_client, format_for_path,
};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn env(home: &Path, cwd: &Path, platform: Platform) -> DiscoveryEnv {
    DiscoveryEnv {
        home: home.to_path_buf(),
        platform,
        cwd: cwd.to_path_buf(),
        appdata: None,
        xdg_config_home: None,
        local_appdata: None,
    }
}

/// (client, path relative to home or cwd) of what was found.
fn found(env: &DiscoveryEnv) -> Vec<(Client, String)> {
    discover(env)
        .into_iter()
        .map(|d| {
            let rel = d
                .path
                .strip_prefix(&env.home)
                .map(|p| format!("~/{}", p.display()))
                .unwrap_or_else(|_| d.path.display().to_string());
            (d.format.client, rel.replace('\\', "/"))
        })
        .collect()
}

#[test]
fn finds_every_client_on_macos() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let cwd = h.join("work/app");
    let lib = h.join("Library/Application Support");
    write(&lib.join("Claude/claude_desktop_config.json"), "{}");
    write(&h.join(".claude.json"), "{}");
    write(&cwd.join(".mcp.json"), "{}");
    write(&h.join(".cursor/mcp.json"), "{}");
    write(&cwd.join(".cursor/mcp.json"), "{}");
    write(&lib.join("Code/User/settings.json"), "{}");
    write(&lib.join("Code/User/mcp.json"), "{}");
    write(&cwd.join(".vscode/mcp.json"), "{}");
    write(&h.join(".codeium/windsurf/mcp_config.json"), "{}");
    write(&h.join(".gemini/settings.json"), "{}");
    write(&cwd.join(".gemini/settings.json"), "{}");
    // Look-alikes that are not configs.
    write(&h.join(".config/Claude/claude_desktop_config.json"), "{}");
    std::fs::create_dir_all(h.join(".cursor/mcp.json.d")).unwrap();

    let e = env(h, &cwd, Platform::MacOs);
    let got = found(&e);
    let expected = [
        (
            Client::ClaudeDesktop,
            "~/Library/Application Support/Claude/claude_desktop_config.json",
        ),
        (Client::ClaudeCode, "~/.claude.json"),
        (Client::ClaudeCode, "~/work/app/.mcp.json"),
        (Client::Cursor, "~/.cursor/mcp.json"),
        (Client::Cursor, "~/work/app/.cursor/mcp.json"),
        (
            Client::VsCode,
            "~/Library/Application Support/Code/User/mcp.json",
        ),
        (
            Client::VsCode,
            "~/Library/Application Support/Code/User/settings.json",
        ),
        (Client::VsCode, "~/work/app/.vscode/mcp.json"),
        (Client::Windsurf, "~/.codeium/windsurf/mcp_config.json"),
        (Client::GeminiCli, "~/.gemini/settings.json"),
        (Client::GeminiCli, "~/work/app/.gemini/settings.json"),
    ];
    let expected: Vec<(Client, String)> =
        expected.iter().map(|(c, p)| (*c, p.to_string())).collect();
    assert_eq!(got, expected);
    let all = discover(&e);
    let settings = all
        .iter()
        .find(|d| d.path.ends_with("Code/User/settings.json"))
        .unwrap();
    assert_eq!(settings.format.shape, Shape::VsCodeSettings);
    assert_eq!(settings.scope, "user");
    let project = all
        .iter()
        .find(|d| d.path.ends_with(".vscode/mcp.json"))
        .unwrap();
    assert_eq!(
        (project.format.shape, project.scope),
        (Shape::VsCodeMcp, "project")
    );
    let claude = all
        .iter()
        .find(|d| d.path.ends_with(".claude.json"))
        .unwrap();
    assert_eq!(claude.format.shape, Shape::ClaudeCodeUser);
}

#[test]
fn linux_uses_xdg_config_and_windows_uses_appdata() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    write(&h.join(".config/Claude/claude_desktop_config.json"), "{}");
    write(&h.join(".config/Code/User/settings.json"), "{}");
    write(
        &h.join("AppData/Roaming/Claude/claude_desktop_config.json"),
        "{}",
    );
    write(&h.join("xdg/Claude/claude_desktop_config.json"), "{}");

    let linux = found(&env(h, &h.join("nowhere"), Platform::Linux));
    assert_eq!(
        linux,
        [
            (
                Client::ClaudeDesktop,
                "~/.config/Claude/claude_desktop_config.json".to_string()
            ),
            (
                Client::VsCode,
                "~/.config/Code/User/settings.json".to_string()
            ),
        ]
    );
    let mut xdg = env(h, &h.join("nowhere"), Platform::Linux);
    xdg.xdg_config_home = Some(h.join("xdg"));
    assert_eq!(
        found(&xdg),
        [(
            Client::ClaudeDesktop,
            "~/xdg/Claude/claude_desktop_config.json".to_string()
        )]
    );

    let windows = found(&env(h, &h.join("nowhere"), Platform::Windows));
    assert_eq!(
        windows,
        [(
            Client::ClaudeDesktop,
            "~/AppData/Roaming/Claude/claude_desktop_config.json".to_string()
        )]
    );
    let mut roaming = env(h, &h.join("nowhere"), Platform::Windows);
    roaming.appdata = Some(h.join(".config"));
    assert_eq!(found(&roaming).len(), 2);

    // The MSIX install (Windows' default since 2026) reads its package's virtualised copy; every
    // Claude_* package folder is found, listed before the %APPDATA% file.
    let msix = "AppData/Local/Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude/claude_desktop_config.json";
    write(&h.join(msix), "{}");
    write(
        &h.join(
            "AppData/Local/Packages/Other_1/LocalCache/Roaming/Claude/claude_desktop_config.json",
        ),
        "{}",
    );
    assert_eq!(
        found(&env(h, &h.join("nowhere"), Platform::Windows)),
        [
            (Client::ClaudeDesktop, format!("~/{msix}")),
            (
                Client::ClaudeDesktop,
                "~/AppData/Roaming/Claude/claude_desktop_config.json".to_string()
            ),
        ]
    );
    let mut local = env(h, &h.join("nowhere"), Platform::Windows);
    local.local_appdata = Some(h.join("elsewhere"));
    write(
        &h.join(
            "elsewhere/Packages/Claude_x1/LocalCache/Roaming/Claude/claude_desktop_config.json",
        ),
        "{}",
    );
    assert_eq!(
        found(&local)[0].1,
        "~/elsewhere/Packages/Claude_x1/LocalCache/Roaming/Claude/claude_desktop_config.json"
    );
    // With no package installed, the usual package path is still among the places looked at.
    let empty = tempfile::tempdir().unwrap();
    let listed: Vec<String> = candidates(&env(empty.path(), empty.path(), Platform::Windows))
        .into_iter()
        .map(|c| c.path.display().to_string().replace('\\', "/"))
        .collect();
    assert!(
        listed.iter().any(|p| p.ends_with(
            "Packages/Claude_pzs8sxrjxfjjc/LocalCache/Roaming/Claude/claude_desktop_config.json"
        )),
        "{listed:?}"
    );
}

#[test]
fn empty_home_finds_nothing_and_cwd_at_home_is_not_listed_twice() {
    let home = tempfile::tempdir().unwrap();
    let e = env(home.path(), home.path(), Platform::Linux);
    assert!(discover(&e).is_empty());
    let c = candidates(&e);
    let mut paths: Vec<_> = c.iter().map(|d| d.path.clone()).collect();
    let n = paths.len();
    paths.sort();
    paths.dedup();
    assert_eq!(paths.len(), n, "no duplicate candidates");
    // ~/.gemini/settings.json is both the user and the project file here.
    assert_eq!(
        c.iter()
            .filter(|d| d.path.ends_with(".gemini/settings.json"))
            .count(),
        1
    );
}

#[test]
fn discovered_files_are_audited_with_their_clients_rules() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    // Comments are fine for VS Code, an error for Claude Desktop.
    let text = "{\n  // note\n  \"mcpServers\": {}\n}\n";
    write(&h.join(".config/Claude/claude_desktop_config.json"), text);
    write(&h.join(".cursor/mcp.json"), text);
    let e = env(h, &h.join("nowhere"), Platform::Linux);
    let mut ok = 0;
    let mut errors = 0;
    for d in discover(&e) {
        let opts = mcp_scan::config::AuditOptions {
            format: Some(d.format),
            ..Default::default()
        };
        match mcp_scan::config::audit_file(&d.path, &opts) {
            Ok(_) => ok += 1,
            Err(err) => {
                assert_eq!(d.format.client, Client::ClaudeDesktop);
                assert!(err.to_string().contains(":2:3"), "{err}");
                errors += 1;
            }
        }
    }
    assert_eq!((ok, errors), (1, 1));
}

#[test]
fn formats_from_paths_and_client_override() {
    let f = format_for_path(Path::new("/x/.vscode/mcp.json"));
    assert_eq!((f.client, f.shape), (Client::VsCode, Shape::VsCodeMcp));
    let f = format_for_path(Path::new("/x/Code/User/settings.json"));
    assert_eq!((f.client, f.shape), (Client::VsCode, Shape::VsCodeSettings));
    let f = format_for_path(Path::new("/x/servers.json"));
    assert_eq!((f.client, f.shape), (Client::Generic, Shape::Any));
    let f = format_for_client(Client::ClaudeDesktop, Path::new("/x/servers.json"));
    assert_eq!(
        (f.client, f.shape),
        (Client::ClaudeDesktop, Shape::McpServers)
    );
    assert_eq!("gemini-cli".parse::<Client>().unwrap(), Client::GeminiCli);
    assert!(
        "notepad"
            .parse::<Client>()
            .unwrap_err()
            .contains("claude-desktop")
    );
}

#[test]
fn project_dir_of_project_level_files_only() {
    use mcp_scan::config::discover::project_dir;
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let proj = h.join("code/app");
    assert_eq!(
        project_dir(&proj.join(".mcp.json"), Some(h)),
        Some(proj.clone())
    );
    for f in [
        ".cursor/mcp.json",
        ".vscode/mcp.json",
        ".gemini/settings.json",
    ] {
        assert_eq!(
            project_dir(&proj.join(f), Some(h)),
            Some(proj.clone()),
            "{f}"
        );
        // The same names directly under the home folder are the user-level files.
        assert_eq!(project_dir(&h.join(f), Some(h)), None, "{f}");
    }
    assert_eq!(project_dir(&h.join(".claude.json"), Some(h)), None);
    assert_eq!(
        project_dir(&proj.join("claude_desktop_config.json"), Some(h)),
        None
    );
    assert_eq!(
        project_dir(&proj.join(".cursor/settings.json"), Some(h)),
        None
    );
}
