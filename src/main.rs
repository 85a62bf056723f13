//! The `mcp-scan` binary: all logic lives in the library (`mcp_scan::cli`).

fn main() -> std::process::ExitCode {
    mcp_scan::cli::main()
}
