//! Where MCP clients keep their server lists, and finding the files that exist on this machine.
//!
//! The client table below is the single source of truth for paths. `~` is the home folder,
//! `%APPDATA%` is the roaming app-data folder on Windows (`~\AppData\Roaming` unless set),
//! `%LOCALAPPDATA%` the local one (`~\AppData\Local` unless set),
//! `$XDG_CONFIG_HOME` is `~/.config` unless set, and `./` is the current (project) folder.
//!
//! | Client | File | Shape | Comments / trailing commas |
//! |---|---|---|---|
//! | Claude Desktop | macOS `~/Library/Application Support/Claude/claude_desktop_config.json`; Windows `%LOCALAPPDATA%\Packages\Claude_*\LocalCache\Roaming\Claude\claude_desktop_config.json` (the MSIX install, since 2026) and `%APPDATA%\Claude\claude_desktop_config.json`; Linux `$XDG_CONFIG_HOME/Claude/claude_desktop_config.json` | `mcpServers` | no / no (plain `JSON.parse`) |
//! | Claude Code | `~/.claude.json` (`mcpServers` and `projects.<dir>.mcpServers`); `./.mcp.json` | `mcpServers` | no / no (a comment in `~/.claude.json` gets the file rewritten) |
//! | Cursor | `~/.cursor/mcp.json`; `./.cursor/mcp.json` | `mcpServers` | yes / yes (its VS Code base; closed source, so from user reports) |
//! | VS Code | `./.vscode/mcp.json` (`servers`, `inputs`); user `mcp.json` and `settings.json` (`mcp.servers`) in `~/Library/Application Support/Code/User/` (macOS), `%APPDATA%\Code\User\` (Windows), `$XDG_CONFIG_HOME/Code/User/` (Linux) | `servers` | yes / yes (VS Code's JSONC parser) |
//! | Windsurf | `~/.codeium/windsurf/mcp_config.json` | `mcpServers` (`serverUrl` for remotes) | no / no |
//! | Gemini CLI | `~/.gemini/settings.json`; `./.gemini/settings.json` | `mcpServers` (`httpUrl` for remotes) | yes / no (`strip-json-comments`, then `JSON.parse`) |
//!
//! Discovery takes the home folder, platform and working folder as parameters ([`DiscoveryEnv`]),
//! so tests run against a temporary home and never read the real one.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::json::ParseOptions;

/// The operating system whose path conventions apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    /// macOS.
    MacOs,
    /// Windows.
    Windows,
    /// Linux and other Unix-likes.
    Linux,
}

impl Platform {
    /// The platform this binary was built for.
    pub fn current() -> Platform {
        if cfg!(target_os = "macos") {
            Platform::MacOs
        } else if cfg!(windows) {
            Platform::Windows
        } else {
            Platform::Linux
        }
    }
}

/// An MCP client whose config format mcp-scan understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Client {
    /// Anthropic's Claude Desktop app.
    ClaudeDesktop,
    /// Anthropic's Claude Code CLI.
    ClaudeCode,
    /// Cursor.
    Cursor,
    /// Visual Studio Code.
    VsCode,
    /// Windsurf (Codeium).
    Windsurf,
    /// Google's Gemini CLI.
    GeminiCli,
    /// A file mcp-scan could not attribute to a client; read leniently, all shapes tried.
    Generic,
}

impl Client {
    /// Every client, for `--client` help and parsing.
    pub const ALL: &'static [Client] = &[
        Client::ClaudeDesktop,
        Client::ClaudeCode,
        Client::Cursor,
        Client::VsCode,
        Client::Windsurf,
        Client::GeminiCli,
        Client::Generic,
    ];

    /// The `--client` spelling.
    pub fn word(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "claude-desktop",
            Client::ClaudeCode => "claude-code",
            Client::Cursor => "cursor",
            Client::VsCode => "vscode",
            Client::Windsurf => "windsurf",
            Client::GeminiCli => "gemini-cli",
            Client::Generic => "generic",
        }
    }

    /// The product name for messages.
    pub fn display_name(self) -> &'static str {
        match self {
            Client::ClaudeDesktop => "Claude Desktop",
            Client::ClaudeCode => "Claude Code",
            Client::Cursor => "Cursor",
            Client::VsCode => "VS Code",
            Client::Windsurf => "Windsurf",
            Client::GeminiCli => "Gemini CLI",
            Client::Generic => "an MCP client",
        }
    }

    /// Which JSON extensions this client's reader accepts. Each choice and what backs it:
    ///
    /// - VS Code: comments and trailing commas. `McpResourceScannerService` (microsoft/vscode,
    ///   `src/vs/platform/mcp/common/mcpResourceScannerService.ts`) reads `mcp.json` with
    ///   `parse(text, errors, { allowTrailingComma: true, allowEmptyContent: true })` from
    ///   `base/common/json` (comments allowed by default); `settings.json` goes through the same
    ///   JSONC parser.
    /// - Gemini CLI: comments, but no trailing commas. `loadSettings` (google-gemini/gemini-cli,
    ///   `packages/cli/src/config/settings.ts`) does `JSON.parse(stripJsonComments(content))`;
    ///   strip-json-comments leaves trailing commas unless asked (`trailingCommas: false` is its
    ///   default), so `JSON.parse` throws and the CLI stops with a `FatalConfigError`.
    /// - Claude Desktop: plain JSON. Its errors are V8's `JSON.parse` messages ("Unexpected token
    ///   ',' in JSON at position …", "Unexpected non-whitespace character after JSON at position 4
    ///   (line 2 column 1)": GLips/Figma-Context-MCP#89, TonybotNi/ZotLink#2,
    ///   tanviet12/chat-quality-agent#49).
    /// - Claude Code: plain JSON. A `/* */` comment in `~/.claude.json` makes Claude Code rewrite
    ///   the file and drop its servers (anthropics/claude-code#69354); a `//` line in its
    ///   `settings.json` gets "Invalid or malformed JSON" and the whole file is discarded
    ///   (anthropics/claude-code#83190); `claude mcp add-json` refuses a trailing comma with
    ///   "Invalid JSON" (tim-smart/effect-mcp#7).
    /// - Windsurf: plain JSON. Its docs call `mcp_config.json` "a JSON file", and the file is read by
    ///   the Go language server (its logs come from `interceptor.go`,
    ///   `LanguageServerService/ListMcpResources`: imskyleen/animate-ui#71); Go's `encoding/json`
    ///   takes neither comments nor trailing commas. This is inferred, not read in its (closed)
    ///   source, but no source shows either accepted.
    /// - Cursor: comments and trailing commas, as its VS Code base reads JSONC. Cursor is closed
    ///   source, so this is the weakest of these choices: user write-ups show `//` and `/* */`
    ///   comments in a working `~/.cursor/mcp.json` (zenn.dev/manase/scraps/e229facd691446), and
    ///   the envmcp README (Gomah/envmcp) shows Cursor configs with trailing commas. When unsure,
    ///   accepting is the safer side: a wrong "cannot be parsed" would hide every other finding.
    /// - Generic (a file of no known client): lenient, so that whatever it holds is audited.
    pub fn parse_options(self) -> ParseOptions {
        match self {
            Client::VsCode | Client::Cursor | Client::Generic => ParseOptions::JSONC,
            Client::GeminiCli => ParseOptions {
                comments: true,
                ..ParseOptions::STRICT
            },
            Client::ClaudeDesktop | Client::ClaudeCode | Client::Windsurf => ParseOptions::STRICT,
        }
    }

    /// Whether the client is a GUI app that does not inherit the shell's `PATH`.
    pub fn is_gui_app(self) -> bool {
        matches!(
            self,
            Client::ClaudeDesktop | Client::Cursor | Client::VsCode | Client::Windsurf
        )
    }
}

impl std::str::FromStr for Client {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Client::ALL
            .iter()
            .copied()
            .find(|c| c.word() == s)
            .ok_or_else(|| {
                let words: Vec<_> = Client::ALL.iter().map(|c| c.word()).collect();
                format!(
                    "unknown client `{s}` (expected one of: {})",
                    words.join(", ")
                )
            })
    }
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// Where a file keeps its server list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// `{"mcpServers": {name: entry}}` (Claude Desktop, Cursor, Windsurf, Gemini CLI, `.mcp.json`).
    McpServers,
    /// `~/.claude.json`: top-level `mcpServers` plus `projects.<dir>.mcpServers`.
    ClaudeCodeUser,
    /// VS Code `mcp.json`: `{"servers": {…}, "inputs": […]}`.
    VsCodeMcp,
    /// VS Code `settings.json`: `{"mcp": {"servers": {…}, "inputs": […]}}`.
    VsCodeSettings,
    /// Unknown: every shape above is tried.
    Any,
}

/// How a discovered or given file is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Format {
    /// The client that reads the file.
    pub client: Client,
    /// Where the servers are in it.
    pub shape: Shape,
}

/// The machine facts discovery depends on; tests pass a temporary home.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveryEnv {
    /// The user's home folder.
    pub home: PathBuf,
    /// Path conventions to use.
    pub platform: Platform,
    /// The project folder whose project-level configs are looked for.
    pub cwd: PathBuf,
    /// `%APPDATA%` on Windows; `None` means `home\AppData\Roaming`.
    pub appdata: Option<PathBuf>,
    /// `$XDG_CONFIG_HOME` on Linux; `None` means `home/.config`.
    pub xdg_config_home: Option<PathBuf>,
    /// `%LOCALAPPDATA%` on Windows; `None` means `home\AppData\Local`.
    pub local_appdata: Option<PathBuf>,
}

impl DiscoveryEnv {
    /// The real machine: home from the OS, current platform, current folder, `APPDATA` and
    /// `XDG_CONFIG_HOME` from the environment. `None` when there is no home folder.
    pub fn from_system() -> Option<DiscoveryEnv> {
        let home = dirs::home_dir()?;
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let nonempty = |v: &str| {
            std::env::var_os(v)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
        };
        Some(DiscoveryEnv {
            home,
            platform: Platform::current(),
            cwd,
            appdata: nonempty("APPDATA"),
            xdg_config_home: nonempty("XDG_CONFIG_HOME"),
            local_appdata: nonempty("LOCALAPPDATA"),
        })
    }

    /// Where Claude Desktop keeps its config when installed as an MSIX package (the Windows
    /// installer's format since February 2026, Store and direct download alike): the package's
    /// virtualised `LocalCache\Roaming\Claude` folder. The app reads only this one; a file at
    /// `%APPDATA%\Claude` is then not seen (anthropics/claude-code#26073,
    /// akitaonrails/ai-memory#250, taiste/harvest-mcp-server#12). Every `Claude_*` package
    /// folder that exists is listed, else the usual package name.
    fn claude_msix_configs(&self) -> Vec<PathBuf> {
        let packages = self
            .local_appdata
            .clone()
            .unwrap_or_else(|| self.home.join("AppData").join("Local"))
            .join("Packages");
        let tail = |p: PathBuf| {
            p.join("LocalCache")
                .join("Roaming")
                .join("Claude")
                .join("claude_desktop_config.json")
        };
        let mut found: Vec<PathBuf> = std::fs::read_dir(&packages)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| {
                e.file_name()
                    .to_str()
                    .is_some_and(|n| n.starts_with("Claude_"))
            })
            .map(|e| tail(e.path()))
            .collect();
        found.sort();
        if found.is_empty() {
            found.push(tail(packages.join("Claude_pzs8sxrjxfjjc")));
        }
        found
    }

    fn app_config_dir(&self) -> PathBuf {
        match self.platform {
            Platform::MacOs => self.home.join("Library").join("Application Support"),
            Platform::Windows => self
                .appdata
                .clone()
                .unwrap_or_else(|| self.home.join("AppData").join("Roaming")),
            Platform::Linux => self
                .xdg_config_home
                .clone()
                .unwrap_or_else(|| self.home.join(".config")),
        }
    }
}

/// A config file that exists, with the client that reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiscoveredConfig {
    /// The file.
    pub path: PathBuf,
    /// How to read it.
    pub format: Format,
    /// `user` or `project`: whether it applies everywhere or only in the working folder.
    pub scope: &'static str,
}

/// Every config location for `env`, whether or not the file exists, in a stable order.
pub fn candidates(env: &DiscoveryEnv) -> Vec<DiscoveredConfig> {
    let f = |client, shape| Format { client, shape };
    let home = &env.home;
    let app = env.app_config_dir();
    let code_user = app.join("Code").join("User");
    let mut out = Vec::new();
    let mut push = |path: PathBuf, format: Format, scope: &'static str| {
        out.push(DiscoveredConfig {
            path,
            format,
            scope,
        });
    };
    if env.platform == Platform::Windows {
        for p in env.claude_msix_configs() {
            push(p, f(Client::ClaudeDesktop, Shape::McpServers), "user");
        }
    }
    push(
        app.join("Claude").join("claude_desktop_config.json"),
        f(Client::ClaudeDesktop, Shape::McpServers),
        "user",
    );
    push(
        home.join(".claude.json"),
        f(Client::ClaudeCode, Shape::ClaudeCodeUser),
        "user",
    );
    push(
        env.cwd.join(".mcp.json"),
        f(Client::ClaudeCode, Shape::McpServers),
        "project",
    );
    push(
        home.join(".cursor").join("mcp.json"),
        f(Client::Cursor, Shape::McpServers),
        "user",
    );
    push(
        env.cwd.join(".cursor").join("mcp.json"),
        f(Client::Cursor, Shape::McpServers),
        "project",
    );
    push(
        code_user.join("mcp.json"),
        f(Client::VsCode, Shape::VsCodeMcp),
        "user",
    );
    push(
        code_user.join("settings.json"),
        f(Client::VsCode, Shape::VsCodeSettings),
        "user",
    );
    push(
        env.cwd.join(".vscode").join("mcp.json"),
        f(Client::VsCode, Shape::VsCodeMcp),
        "project",
    );
    push(
        home.join(".codeium")
            .join("windsurf")
            .join("mcp_config.json"),
        f(Client::Windsurf, Shape::McpServers),
        "user",
    );
    push(
        home.join(".gemini").join("settings.json"),
        f(Client::GeminiCli, Shape::McpServers),
        "user",
    );
    push(
        env.cwd.join(".gemini").join("settings.json"),
        f(Client::GeminiCli, Shape::McpServers),
        "project",
    );
    // When the working folder is the home folder, project and user paths coincide.
    let mut seen = std::collections::HashSet::new();
    out.retain(|c| seen.insert(c.path.clone()));
    out
}

/// The config files from [`candidates`] that exist as regular files.
pub fn discover(env: &DiscoveryEnv) -> Vec<DiscoveredConfig> {
    candidates(env)
        .into_iter()
        .filter(|c| c.path.is_file())
        .collect()
}

/// The project folder of a project-level config file, which its client starts the servers in:
/// the folder holding `.mcp.json`, or the one above `.cursor/`, `.vscode/` or `.gemini/` (unless
/// that is the home folder, where the same names are user-level files). `None` for user-level
/// files, whose servers start wherever the client happens to run.
pub fn project_dir(path: &Path, home: Option<&Path>) -> Option<PathBuf> {
    let abs = std::path::absolute(path).ok()?;
    let name = abs.file_name()?.to_str()?;
    let parent = abs.parent()?;
    if name == ".mcp.json" {
        return Some(parent.to_path_buf());
    }
    let pname = parent.file_name()?.to_str()?;
    let grand = parent.parent()?;
    let project_file = matches!(
        (pname, name),
        (".cursor", "mcp.json") | (".vscode", "mcp.json") | (".gemini", "settings.json")
    );
    let at_home = home.is_some_and(|h| std::path::absolute(h).is_ok_and(|h| h == grand));
    (project_file && !at_home).then(|| grand.to_path_buf())
}

/// Guesses how to read a file named on the command line from its path.
pub fn format_for_path(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    let parent = path
        .parent()
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let grand = path
        .parent()
        .and_then(|p| p.parent())
        .and_then(|p| p.file_name())
        .and_then(|n| n.to_str())
        .unwrap_or("");
    let f = |client, shape| Format { client, shape };
    match (name, parent) {
        ("claude_desktop_config.json", _) => f(Client::ClaudeDesktop, Shape::McpServers),
        (".claude.json", _) => f(Client::ClaudeCode, Shape::ClaudeCodeUser),
        (".mcp.json", _) => f(Client::ClaudeCode, Shape::McpServers),
        ("mcp.json", ".cursor") => f(Client::Cursor, Shape::McpServers),
        ("mcp.json", ".vscode") => f(Client::VsCode, Shape::VsCodeMcp),
        ("mcp.json", "User") if grand == "Code" => f(Client::VsCode, Shape::VsCodeMcp),
        ("settings.json", "User") if grand == "Code" => f(Client::VsCode, Shape::VsCodeSettings),
        ("settings.json", ".vscode") => f(Client::VsCode, Shape::VsCodeSettings),
        ("mcp_config.json", _) => f(Client::Windsurf, Shape::McpServers),
        ("settings.json", ".gemini") => f(Client::GeminiCli, Shape::McpServers),
        _ => f(Client::Generic, Shape::Any),
    }
}

/// The format a client's files have when a file is named with `--client` but not recognised by name.
pub fn format_for_client(client: Client, path: &Path) -> Format {
    let guessed = format_for_path(path);
    if guessed.client == client {
        return guessed;
    }
    let shape = match client {
        Client::VsCode => {
            if path.file_name().is_some_and(|n| n == "settings.json") {
                Shape::VsCodeSettings
            } else {
                Shape::VsCodeMcp
            }
        }
        Client::ClaudeCode if path.file_name().is_some_and(|n| n == ".claude.json") => {
            Shape::ClaudeCodeUser
        }
        Client::Generic => Shape::Any,
        _ => Shape::McpServers,
    };
    Format { client, shape }
}
