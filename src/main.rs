//! The `mcp-scan` binary: all logic lives in the library (`mcp_scan::cli`).

/// mimalloc: a scan makes millions of small allocations (facts, values, argument names) from
/// several threads, where glibc's malloc spends a tenth of the time and fragments freed memory.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    mcp_scan::cli::main()
}
