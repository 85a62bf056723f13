//! Where tree-sitter's C code allocates. The `mcp-scan` binary and the benches put Rust's
//! allocations on mimalloc; [`tree_sitter_on_mimalloc`] puts tree-sitter's there too.
//!
//! A tree is most of a parse's memory (about 28 bytes per byte of a minified bundle: 220 MB for
//! an 8 MB file). On glibc's malloc, a freed tree stayed resident for the rest of the scan, where
//! mimalloc could not reuse it for the array copy and the facts that come after it: a scan of that
//! one file peaked at 450 MB, twice what parsing it alone does. On one allocator, the memory the
//! tree leaves (a scan drops it once it is copied, [`crate::syntax::Syntax::new`]) takes the
//! facts: 316 MB, and tree-sitter's many small allocations are cheaper there (the 26 real
//! packages of the benchmark, two threads: 4.3 → 3.95 s, peak 907 → 671 MB).
#![allow(unsafe_code)]

use std::ffi::c_void;

use libmimalloc_sys as mi;

/// Makes tree-sitter allocate with mimalloc.
///
/// # Safety
///
/// Call it before anything in the process has made a tree-sitter object (parser, tree, cursor,
/// query), and before another thread could: memory one allocator gave must not go back to the
/// other. `main` calls it first.
pub unsafe fn tree_sitter_on_mimalloc() {
    // SAFETY: the caller guarantees that tree-sitter holds no memory yet; the four functions
    // below are one allocator's and have the C library's contracts.
    unsafe {
        tree_sitter::set_allocator(
            Some(ts_malloc),
            Some(ts_calloc),
            Some(ts_realloc),
            Some(mi::mi_free),
        );
    }
}

/// Tree-sitter's own allocator aborts when memory runs out (its callers do not check for
/// null); so do these, with its message.
fn or_abort(p: *mut c_void, size: usize) -> *mut c_void {
    if p.is_null() && size > 0 {
        eprintln!("tree-sitter failed to allocate {size} bytes");
        std::process::abort();
    }
    p
}

unsafe extern "C" fn ts_malloc(size: usize) -> *mut c_void {
    // SAFETY: any size may be asked of mimalloc.
    or_abort(unsafe { mi::mi_malloc(size) }, size)
}

unsafe extern "C" fn ts_calloc(count: usize, size: usize) -> *mut c_void {
    let total = count.saturating_mul(size);
    // SAFETY: as for `ts_malloc`; an overflowing request is refused by mimalloc (null), then
    // aborts.
    or_abort(unsafe { mi::mi_zalloc(total) }, total)
}

unsafe extern "C" fn ts_realloc(p: *mut c_void, size: usize) -> *mut c_void {
    // SAFETY: `p` is null or came from these functions (tree-sitter's contract with its
    // allocator, kept by `tree_sitter_on_mimalloc`'s caller).
    or_abort(unsafe { mi::mi_realloc(p, size) }, size)
}
