//! The report as data: versioned, serializable types with no formatting logic. The JSON printer
//! writes these as they are, so field names here are the public schema
//! (`"schema": "mcp-scan/report@1"`); change them only with a new schema version.

use serde::{Deserialize, Serialize};

use crate::facts::{Param, ToolKind};
use crate::finding::{Finding, Skip};
use crate::score::Verdict;
use crate::signature::Effect;

/// The schema id written in every report.
pub const SCHEMA: &str = "mcp-scan/report@1";

/// One scan's complete result.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Report {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Which scanner and rule set produced it.
    pub scanner: ScannerInfo,
    /// What was scanned.
    pub target: Target,
    /// Risk score, 0–100.
    pub score: u8,
    /// The verdict the score falls in.
    pub verdict: Verdict,
    /// Findings, sorted by file, line, column, rule.
    pub findings: Vec<Finding>,
    /// MCP tools, resources and prompts the server declares, with what each can reach.
    pub tools: Vec<ToolReport>,
    /// Where data can leave the machine, and which tools reach each destination.
    pub endpoints: Vec<Endpoint>,
    /// What was read.
    pub stats: Stats,
}

/// The scanner and its rule set.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScannerInfo {
    /// `mcp-scan`.
    pub name: String,
    /// Its version.
    pub version: String,
    /// How many signatures were loaded.
    pub signatures: usize,
}

/// What was scanned and where it came from.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Target {
    /// `path`, `git`, `github`, `npm`, `pypi`, `archive`.
    pub kind: String,
    /// The target as the user gave it.
    pub spec: String,
    /// Package name and exact version, or the commit sha.
    pub resolved: Option<String>,
    /// Where it was fetched from.
    pub source_url: Option<String>,
    /// Digest of what was fetched (`sha512-…`, `sha256:…`, a commit sha).
    pub digest: Option<String>,
}

/// A declared tool (or resource or prompt) and what its handler can reach.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ToolReport {
    /// The name the client sees.
    pub name: String,
    /// `tool`, `resource` or `prompt`.
    pub kind: ToolKind,
    /// Its description, as declared (control characters escaped).
    pub description: Option<String>,
    /// Declaring file.
    pub file: String,
    /// Declaring line.
    pub line: u32,
    /// Parameters.
    pub params: Vec<Param>,
    /// Where the handler starts, when it is one function.
    pub handler: Option<Location>,
    /// What the handler and the functions it calls do.
    pub capabilities: Vec<Effect>,
    /// Known destinations it sends to (hosts, mail addresses, "parameter `url`", "environment").
    pub destinations: Vec<String>,
}

/// A place in the tree.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Location {
    /// File.
    pub file: String,
    /// Line.
    pub line: u32,
}

/// A destination data can be sent to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Endpoint {
    /// Host, mail address or IP.
    pub destination: String,
    /// `network`, `mail` or `dns`.
    pub via: Effect,
    /// Tools that reach it (empty: reached from module code or no tool).
    pub tools: Vec<String>,
    /// First place it is used.
    pub file: String,
    /// Line of that place.
    pub line: u32,
}

/// What the scan read.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Stats {
    /// Files selected for scanning.
    pub files: usize,
    /// Their bytes.
    pub bytes: u64,
    /// Source files parsed.
    pub parsed: usize,
    /// Findings hidden by the baseline.
    pub suppressed: usize,
    /// Files not scanned, with reasons.
    pub skipped: Vec<Skip>,
    /// Wall time of the scan (the one field that differs between two runs).
    pub elapsed_ms: u64,
}
