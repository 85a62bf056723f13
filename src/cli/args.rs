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

/// Where and how remote targets are fetched.
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Fetching targets")]
pub struct SourceArgs {
    /// Branch, tag or commit for git and GitHub targets.
    #[arg(long = "ref", value_name = "REF")]
    pub git_ref: Option<String>,
    /// npm registry (default: $NPM_CONFIG_REGISTRY, else the public registry).
    #[arg(long, value_name = "URL")]
    pub npm_registry: Option<String>,
    /// Python package index (default: $PIP_INDEX_URL, else PyPI).
    #[arg(long, value_name = "URL")]
    pub pypi_index: Option<String>,
    /// Where downloads are cached (default: the platform cache directory).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,
    /// Use only what is cached; never touch the network.
    #[arg(long, conflicts_with = "no_cache")]
    pub offline: bool,
    /// Neither read nor write the download cache.
    #[arg(long)]
    pub no_cache: bool,
    /// Most bytes extracted from an archive or checkout.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::Limits::default().max_total_bytes)]
    pub archive_max_bytes: u64,
    /// Most entries extracted from an archive or checkout.
    #[arg(long, value_name = "N", default_value_t = crate::source::Limits::default().max_entries)]
    pub archive_max_entries: u64,
    /// Largest single file extracted.
    #[arg(long, value_name = "BYTES", default_value_t = crate::source::Limits::default().max_file_bytes)]
    pub archive_max_file: u64,
    /// Largest compression ratio accepted for an entry (zip and tar bombs).
    #[arg(long, value_name = "RATIO", default_value_t = crate::source::Limits::default().max_ratio)]
    pub archive_max_ratio: u64,
}

impl SourceArgs {
    /// The fetch options these flags describe.
    pub fn options(&self) -> crate::source::SourceOptions {
        crate::source::SourceOptions {
            cache_dir: self.cache_dir.clone(),
            no_cache: self.no_cache,
            offline: self.offline,
            npm_registry: self.npm_registry.clone(),
            pypi_index: self.pypi_index.clone(),
            git_ref: self.git_ref.clone(),
            limits: crate::source::Limits {
                max_total_bytes: self.archive_max_bytes,
                max_entries: self.archive_max_entries,
                max_file_bytes: self.archive_max_file,
                max_ratio: self.archive_max_ratio,
            },
            ..crate::source::SourceOptions::default()
        }
    }
}

/// `mcp-scan scan`.
#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    /// What to scan: a directory or file; a git URL (`https://…`, `ssh://…`, `git@host:…`,
    /// `file://…`) or local repository; `https://github.com/OWNER/REPO[/tree/REF[/DIR]]` or
    /// `github:OWNER/REPO[@REF]`; `npm:NAME[@VERSION|@TAG|@RANGE]`; `pypi:NAME[==VERSION]`; a local
    /// or https `.tgz`/`.tar.gz`/`.tar`/`.zip`/`.whl` archive. Fetched, never installed or run.
    #[arg(value_name = "TARGET")]
    pub target: String,
    /// How remote targets are fetched.
    #[command(flatten)]
    pub source: SourceArgs,
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
    /// Most files scanned (the walk stops at the limit; the file it stopped at is listed).
    #[arg(long, value_name = "N", default_value_t = crate::scan::Limits::default().max_files)]
    pub max_files: usize,
    /// Longest parse of one file, in milliseconds (a slower file is listed as skipped).
    #[arg(long, value_name = "MS", default_value_t = crate::scan::Limits::default().parse_timeout_ms)]
    pub parse_timeout: u64,
    /// Most bytes scanned in total (files past it are listed as skipped).
    #[arg(long, value_name = "BYTES", default_value_t = crate::scan::Limits::default().max_total_bytes)]
    pub max_total_size: u64,
    /// Longest time spent walking and scanning files, in seconds; files not reached by then are
    /// listed as skipped and the report is still written.
    #[arg(long, value_name = "SECS", default_value_t = crate::scan::Limits::default().max_scan_ms / 1000)]
    pub scan_timeout: u64,
    /// Worker threads (default: one per core, or $RAYON_NUM_THREADS). The report does not depend
    /// on it; a batch that runs several scans side by side may want 1 each.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<std::num::NonZeroUsize>,
}

impl ScanArgs {
    /// The scan limits these flags describe.
    pub fn limits(&self) -> crate::scan::Limits {
        crate::scan::Limits {
            max_file_bytes: self.max_file_size,
            max_files: self.max_files,
            max_total_bytes: self.max_total_size,
            parse_timeout_ms: self.parse_timeout,
            max_scan_ms: self.scan_timeout.saturating_mul(1000),
        }
    }
}
