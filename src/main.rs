//! The `mcp-scan` command line; all logic lives in the library.
fn main() {}
