//! mcp-scan: a static scanner for MCP servers.
//!
//! The pipeline: acquire a target → walk and parse files → extract facts → match signatures →
//! score → report. Each stage is one module.
