//! Argument groups shared by subcommands.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use crate::report::Format;
use crate::score::Verdict;

/// When to colour text output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// The verdict that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    /// Any finding at all.
    Low,
    /// Medium or worse.
    Medium,
    /// High or worse (the default).
    High,
    /// Only critical.
    Critical,
    /// Never fail on findings (exit 0 unless the scan errs).
    Never,
}

impl FailOn {
    /// Whether a verdict fails.
    pub fn fails(self, v: Verdict) -> bool {
        let bar = match self {
            FailOn::Low => Verdict::Low,
            FailOn::Medium => Verdict::Medium,
            FailOn::High => Verdict::High,
            FailOn::Critical => Verdict::Critical,
            FailOn::Never => return false,
        };
        v >= bar
    }
}

/// How the report is written.
#[derive(Debug, Clone, Args)]
pub struct OutputArgs {
    /// Report format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Colour in text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// List every skipped file in text output.
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

/// `mcp-scan scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// What to scan: a directory or file (git URLs, npm:/pypi: packages and archives when
    /// built with target support).
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// How the report is written.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Exit 1 when the verdict is at or above this.
    #[arg(long, value_enum, default_value_t = FailOn::High, value_name = "VERDICT")]
    pub fail_on: FailOn,
    /// Also load signatures from DIR (`**/*.toml`; same id replaces a built-in rule).
    #[arg(long, value_name = "DIR")]
    pub signatures: Option<PathBuf>,
    /// Hide findings recorded in this baseline file (your own accepted findings).
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings to FILE as a baseline, then report as usual.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Largest file scanned, in bytes (larger ones are listed as skipped).
    #[arg(long, value_name = "BYTES", default_value_t = crate::scan::Limits::default().max_file_bytes)]
    pub max_file_size: u64,
    /// Most files scanned.
    #[arg(long, value_name = "N", default_value_t = crate::scan::Limits::default().max_files)]
    pub max_files: usize,
    /// Longest parse of one file, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = crate::scan::Limits::default().parse_timeout_ms)]
    pub parse_timeout: u64,
}
