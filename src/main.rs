//! The `mcp-scan` binary: all logic lives in the library (`mcp_scan::cli`).

/// mimalloc: a scan makes millions of small allocations (facts, values, argument names) from
/// several threads, where glibc's malloc spends a tenth of the time and fragments freed memory.
/// Built with `no_thp`: its arenas asked for transparent huge pages, so every 2 MiB region a few
/// facts landed in was resident and zeroed whole (12 % of a one-thread profile in the kernel's
/// `clear_page`); without them corpus ×40 peaks at 237 MB instead of 282 MB.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // SAFETY: the first thing the process does; no tree-sitter object exists yet.
    #[allow(unsafe_code)]
    unsafe {
        mcp_scan::alloc::tree_sitter_on_mimalloc();
    }
    mcp_scan::cli::main()
}
