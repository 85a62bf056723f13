//! The command line: clap definitions, dispatch, and exit codes. `mcp-scan <target>` is
//! `mcp-scan scan <target>`. Exit codes are API: 0 below `--fail-on`, 1 at or above it, 2 when
//! the scan could not run (bad target, broken signatures, unwritable output).

mod args;
mod config;
mod help;
mod rules;
mod scan;

use std::ffi::OsString;
use std::io::Write;

use clap::{Parser, Subcommand};

pub use args::{OutputArgs, ScanArgs};

/// Process exit codes.
pub mod exit {
    /// Nothing at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// Findings at or above `--fail-on` (or failing rule cases).
    pub const FINDINGS: u8 = 1;
    /// Could not scan.
    pub const ERROR: u8 = 2;
}

/// mcp-scan: is this MCP server safe to run? A static scanner that reads a server's code, never
/// runs it, and says what each tool can reach and where data can go.
#[derive(Debug, Parser)]
#[command(name = "mcp-scan", version, about, long_about = help::ABOUT, after_long_help = help::AFTER)]
pub struct App {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Scan a server (directory, file, git URL, npm:/pypi: package, archive). The default command.
    #[command(after_long_help = help::SCAN)]
    Scan(Box<ScanArgs>),
    /// Audit the MCP servers in your AI clients' config files (Claude Desktop, Claude Code, Cursor,
    /// VS Code, Windsurf, Gemini CLI); `--deep` also scans each server's code.
    Config(Box<crate::config::ConfigArgs>),
    /// List, test or check the signatures.
    #[command(subcommand)]
    Rules(rules::RulesCommand),
}

const SUBCOMMANDS: [&str; 4] = ["scan", "rules", "help", "config"];

/// Runs the CLI with explicit arguments (the first is the program name) and returns the exit code.
/// Tests call this in-process.
pub fn run_with_args<I, T>(args: I, out: &mut dyn Write, err: &mut dyn Write) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let mut args: Vec<OsString> = args.into_iter().map(Into::into).collect();
    // `mcp-scan <target>` means `mcp-scan scan <target>`.
    if let Some(first) = args.get(1).and_then(|a| a.to_str()) {
        let is_flag_for_app = matches!(first, "-h" | "--help" | "-V" | "--version");
        if !is_flag_for_app && !SUBCOMMANDS.contains(&first) {
            args.insert(1, "scan".into());
        }
    }
    let app = match App::try_parse_from(&args) {
        Ok(app) => app,
        Err(e) => {
            let code = if e.use_stderr() {
                exit::ERROR
            } else {
                exit::OK
            };
            let text = if err_is_tty() {
                e.render().ansi().to_string()
            } else {
                e.render().to_string()
            };
            let _ = if e.use_stderr() {
                write!(err, "{text}")
            } else {
                write!(out, "{text}")
            };
            return code;
        }
    };
    let result = match app.command {
        Command::Scan(a) => scan::run(&a, out, err),
        Command::Config(a) => config::run(&a, out, err),
        Command::Rules(r) => rules::run(&r, out, err),
    };
    match result {
        Ok(code) => code,
        Err(e) if is_broken_pipe(&e) => exit::OK,
        Err(e) => {
            let _ = writeln!(
                err,
                "mcp-scan: error: {}",
                sanitize_lines(&format!("{e:#}"))
            );
            exit::ERROR
        }
    }
}

/// An error message made safe for a terminal: it may name scanned paths, package names and what a
/// registry or git server answered, so every control character but the line break is escaped.
fn sanitize_lines(s: &str) -> String {
    s.split('\n')
        .map(crate::report::sanitize)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Entry point of the binary.
pub fn main() -> std::process::ExitCode {
    // Standard error is not held locked for the run: the scan's worker threads may write to it
    // (tree-sitter's allocator reports running out of memory before aborting), and a lock held
    // here would leave them waiting forever instead.
    let code = run_with_args(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr(),
    );
    std::process::ExitCode::from(code)
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn err_is_tty() -> bool {
    use std::io::IsTerminal as _;
    std::io::stderr().is_terminal()
}
