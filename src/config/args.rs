//! The `mcp-scan config` command: its arguments ([`ConfigArgs`]) and [`run`], which discovers or
//! reads the named files, audits them, optionally hands each server to a deep-scan callback, prints
//! the report and returns the exit code (0 below `--fail-on`, 1 at or above, 2 when a file could not
//! be read or parsed).

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::discover::{self, Client, DiscoveryEnv};
use super::render::{self, ConfigReport, DeepOutcome, FileReport, ServerReport};
use super::{AuditOptions, ConfigError, audit_file};
use crate::finding::Severity;

/// Output formats of `mcp-scan config`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// Human-readable text.
    Text,
    /// The JSON report (`schema: "mcp-scan-config/1"`).
    Json,
    /// SARIF 2.1.0, for code-scanning dashboards.
    Sarif,
}

/// Shown after `mcp-scan config --help`.
pub const HELP_AFTER: &str = "\
Examples:
  mcp-scan config                          audit every client config on this machine
  mcp-scan config ~/.cursor/mcp.json       one file (its name tells the client)
  mcp-scan config a.json --client vscode   a file read as VS Code reads mcp.json
  mcp-scan config --deep                   also fetch and scan each server's code
  mcp-scan config --format sarif           SARIF 2.1.0 for a code-scanning dashboard
  mcp-scan config --fail-on medium         exit 1 from the first medium finding
  mcp-scan config --fail-on never          report only (exit 2 still means broken)

Without FILE, the configs of Claude Desktop, Claude Code (~/.claude.json,
./.mcp.json), Cursor (~/.cursor/mcp.json, ./.cursor/mcp.json), VS Code (user
mcp.json and settings.json, ./.vscode/mcp.json), Windsurf
(~/.codeium/windsurf/mcp_config.json) and Gemini CLI (~/.gemini/settings.json,
./.gemini/settings.json) are looked for; the README lists every path. A file
is read as its client reads it: comments and trailing commas pass only where
that client accepts them. A file that cannot be parsed is shown with
file:line:column, the line, a caret and a hint.

Each server is checked for secrets in env, args, headers and URLs (always
masked), unpinned npx/bunx/pnpm dlx/uvx/pipx packages and docker images, broad
filesystem grants, commands not on PATH, plain-http remotes, docker without
isolation, and misspelt or repeated keys. Each finding has a rule id, a
severity, its place in the file and a fix.

--deep resolves each local server to the code it runs and scans that code
with the full scanner; nothing is installed or run. npx/bunx/pnpm dlx PKG is
npm:PKG, uvx/pipx run/python -m PKG is pypi:PKG, a local script is its project
folder; docker images and remote servers are listed as not scanned. The report
gives one verdict per server beside the config findings, and each verdict
gates like `mcp-scan scan` does. --npm-registry and --pypi-index choose where
packages come from.

Exit codes: 0 nothing at or above --fail-on · 1 a finding or a server verdict
at or above it · 2 a file could not be read or parsed, or a --deep scan failed.";

/// Arguments of `mcp-scan config`.
#[derive(Debug, Clone, clap::Args)]
#[command(after_long_help = HELP_AFTER)]
pub struct ConfigArgs {
    /// Config files to audit. Without any, the config files of known MCP clients on this machine
    /// are found and audited.
    #[arg(value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Also fetch and scan the code each server runs (npm/PyPI packages, local scripts) with the
    /// full scanner, one verdict per server; nothing is installed or run. Docker images and remote
    /// servers are listed as not scanned.
    #[arg(long)]
    pub deep: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Exit with 1 when a finding, or a `--deep` server verdict, is at or above this severity
    /// (info, low, medium, high, critical), or `never` to report without gating.
    #[arg(long, value_name = "SEVERITY", default_value = "high", value_parser = parse_fail_on)]
    // Spelt out so that clap takes the parser's `Option` as the value, not as "may be absent".
    pub fail_on: std::option::Option<Severity>,
    /// Only these clients (repeatable): claude-desktop, claude-code, cursor, vscode, windsurf,
    /// gemini-cli, generic. With FILEs and one client, the files are read as that client's format.
    #[arg(long = "client", value_name = "CLIENT")]
    pub clients: Vec<Client>,
    /// Look for configs under this home folder instead of the real one.
    #[arg(long, value_name = "DIR")]
    pub home: Option<PathBuf>,
    /// Look for project-level configs (`.mcp.json`, `.vscode/mcp.json`, …) in this folder instead
    /// of the current one.
    #[arg(long, value_name = "DIR")]
    pub project: Option<PathBuf>,
    /// Do not check that each server's `command` is on PATH.
    #[arg(long)]
    pub no_path_check: bool,
    /// npm registry `--deep` fetches packages from (default: $NPM_CONFIG_REGISTRY, else the
    /// public registry).
    #[arg(long, value_name = "URL", help_heading = "Deep scan (--deep)")]
    pub npm_registry: Option<String>,
    /// Python package index `--deep` fetches packages from (default: $PIP_INDEX_URL, else PyPI).
    #[arg(long, value_name = "URL", help_heading = "Deep scan (--deep)")]
    pub pypi_index: Option<String>,
    /// Where `--deep` caches downloads (default: the platform cache directory).
    #[arg(long, value_name = "DIR", help_heading = "Deep scan (--deep)")]
    pub cache_dir: Option<PathBuf>,
    /// `--deep` uses only what is cached and never touches the network.
    #[arg(long, conflicts_with = "no_cache", help_heading = "Deep scan (--deep)")]
    pub offline: bool,
    /// `--deep` neither reads nor writes the download cache.
    #[arg(long, help_heading = "Deep scan (--deep)")]
    pub no_cache: bool,
    /// Worker threads of each `--deep` scan (default: one per core, or $RAYON_NUM_THREADS).
    #[arg(
        long,
        short = 'j',
        value_name = "N",
        help_heading = "Deep scan (--deep)"
    )]
    pub threads: Option<std::num::NonZeroUsize>,
}

impl Default for ConfigArgs {
    fn default() -> Self {
        ConfigArgs {
            files: Vec::new(),
            deep: false,
            format: OutputFormat::Text,
            fail_on: Some(Severity::High),
            clients: Vec::new(),
            home: None,
            project: None,
            no_path_check: false,
            npm_registry: None,
            pypi_index: None,
            cache_dir: None,
            offline: false,
            no_cache: false,
            threads: None,
        }
    }
}

/// `--fail-on`: a severity, or `never` (`None`: nothing makes the exit code 1), as for `scan`.
pub fn parse_fail_on(s: &str) -> Result<Option<Severity>, String> {
    if s == "never" {
        return Ok(None);
    }
    s.parse::<Severity>()
        .map(Some)
        .map_err(|e| e.replace(")", ", never)"))
}

/// What the full scanner said about one server's code, for `--deep`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeepResult {
    /// The verdict word of the scan report.
    pub verdict: String,
    /// The risk score, 0–100.
    pub score: u8,
    /// How many findings the scan produced.
    pub findings: usize,
    /// The highest severity among them, used for the exit code; `None` when there were none.
    pub max_severity: Option<Severity>,
}

/// The deep-scan callback: given a target spec (`npm:pkg`, `pypi:pkg==1.0`, a path), scan it.
pub type DeepScan<'a> = &'a dyn Fn(&str) -> Result<DeepResult, String>;

/// Runs `mcp-scan config`: audits, deep-scans through `deep` when `args.deep` (servers are listed
/// as "not scanned" when no callback is given), writes the report to `out`, returns the exit code.
/// Errors only when the home folder is unknown or writing fails; unreadable files are reported in
/// the output and give exit code 2.
pub fn run(
    args: &ConfigArgs,
    out: &mut dyn Write,
    deep: Option<DeepScan<'_>>,
) -> Result<u8, ConfigError> {
    let home = args.home.clone().or_else(dirs::home_dir);
    let opts = AuditOptions {
        format: None,
        path_var: if args.no_path_check {
            None
        } else {
            std::env::var_os("PATH")
        },
        home: home.clone(),
        max_bytes: 0,
        base_dir: None,
    };
    let mut searched = Vec::new();
    let targets: Vec<(PathBuf, discover::Format)> = if args.files.is_empty() {
        let mut env = DiscoveryEnv::from_system()
            .or_else(|| {
                home.clone().map(|h| DiscoveryEnv {
                    home: h,
                    platform: discover::Platform::current(),
                    cwd: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
                    appdata: None,
                    xdg_config_home: None,
                    local_appdata: None,
                })
            })
            .ok_or_else(|| {
                ConfigError::Usage(
                    "no home folder is known; name the config files to audit, or pass --home"
                        .into(),
                )
            })?;
        if let Some(h) = &args.home {
            env.home = h.clone();
            // Per-user folders follow the given home, not the real one.
            env.appdata = None;
            env.xdg_config_home = None;
            env.local_appdata = None;
        }
        if let Some(p) = &args.project {
            env.cwd = p.clone();
        }
        let wanted = |c: Client| args.clients.is_empty() || args.clients.contains(&c);
        searched = discover::candidates(&env)
            .into_iter()
            .filter(|c| wanted(c.format.client))
            .map(|c| c.path.display().to_string())
            .collect();
        discover::discover(&env)
            .into_iter()
            .filter(|c| wanted(c.format.client))
            .map(|c| (c.path, c.format))
            .collect()
    } else {
        args.files
            .iter()
            .map(|p| {
                let f = match args.clients.as_slice() {
                    [one] => discover::format_for_client(*one, p),
                    _ => discover::format_for_path(p),
                };
                (p.clone(), f)
            })
            .collect()
    };

    let mut report = ConfigReport {
        files: Vec::new(),
        searched,
        fail_on: args.fail_on,
        deep: args.deep,
    };
    let mut cache: HashMap<String, DeepOutcome> = HashMap::new();
    for (path, format) in targets {
        let o = AuditOptions {
            format: Some(format),
            base_dir: discover::project_dir(&path, home.as_deref()),
            ..opts.clone()
        };
        match audit_file(&path, &o) {
            Ok(audit) => {
                let servers = audit
                    .servers
                    .iter()
                    .map(|s| {
                        let outcome = if !args.deep {
                            None
                        } else {
                            Some(match (&s.scan_spec, deep) {
                                (Some(spec), Some(scan)) => cache
                                    .entry(spec.clone())
                                    .or_insert_with(|| match scan(spec) {
                                        Ok(r) => DeepOutcome::Scanned(r),
                                        Err(reason) => DeepOutcome::Failed { reason },
                                    })
                                    .clone(),
                                (Some(_), None) => DeepOutcome::NotScanned {
                                    reason: "deep scanning is not available in this build".into(),
                                },
                                (None, _) => DeepOutcome::NotScanned {
                                    reason: s
                                        .not_scanned
                                        .clone()
                                        .unwrap_or_else(|| "nothing to scan".into()),
                                },
                            })
                        };
                        ServerReport {
                            server: s.clone(),
                            deep: outcome,
                        }
                    })
                    .collect();
                report.files.push(FileReport::Audited {
                    file: audit.file.clone(),
                    client: audit.client,
                    servers,
                    findings: audit.findings,
                });
            }
            Err(e) => report.files.push(FileReport::error(&e, format.client)),
        }
    }

    match args.format {
        OutputFormat::Text => render::text(&report, out)?,
        OutputFormat::Json => render::json(&report, out)?,
        OutputFormat::Sarif => render::sarif(&report, out)?,
    }
    Ok(report.exit_code())
}
