//! mcp-scan: a static scanner for MCP servers.
//!
//! The pipeline: acquire a target → walk and parse files → extract facts → match signatures →
//! score → report. Each stage is one module.

pub mod config;
pub mod finding;

pub use finding::{Category, Confidence, Evidence, Finding, Severity, Skip};
pub mod facts;
pub mod lang;
