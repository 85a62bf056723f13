//! Criterion benchmarks of the hot path, per language, on realistic files from `corpus/servers/`:
//! tree-sitter parsing alone, fact extraction alone (on a parsed tree), signature matching alone
//! (on extracted facts), the three together, and a full scan of the whole labelled corpus.
//!
//! `cargo bench --bench scan` (add `-- parse/` to run one group). The machine is noisy: compare
//! runs on the same machine, never against a fixed number.

// `criterion_group!` generates a public function without documentation.
#![allow(missing_docs)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group};
use mcp_scan::facts;
use mcp_scan::lang::Language;
use mcp_scan::report::wire::Target;
use mcp_scan::scan::ScanContext;
use mcp_scan::syntax::Syntax;
use mcp_scan::{Scanner, Signatures};

/// The allocator the `mcp-scan` binary ships with, so these figures are the CLI's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Parse time limit used by the benches: the scanner's default.
const PARSE_TIMEOUT_MS: u64 = 5_000;

/// One realistic file per language: the largest server of the corpus in that language.
const FILES: [(&str, Language); 4] = [
    ("py-text-tools-lowlevel/server.py", Language::Python),
    ("js-postgres/index.js", Language::JavaScript),
    ("js-everything/src/index.ts", Language::TypeScript),
    ("js-readme-cards/src/card.tsx", Language::Tsx),
];

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers")
}

fn load(rel: &str) -> Vec<u8> {
    let path = corpus().join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("bench input {}: {e}", path.display()))
}

fn label(lang: Language) -> &'static str {
    match lang {
        Language::Python => "python",
        Language::JavaScript => "javascript",
        Language::TypeScript => "typescript",
        Language::Tsx => "tsx",
    }
}

fn per_language(c: &mut Criterion) {
    let sigs = Signatures::embedded().expect("built-in signatures compile");
    let mut cx = ScanContext::new();
    for stage in ["parse", "facts", "signatures", "file"] {
        let mut group = c.benchmark_group(stage);
        for (rel, lang) in FILES {
            let src = load(rel);
            let tree = cx
                .parse(lang, &src, PARSE_TIMEOUT_MS)
                .expect("corpus file parses");
            let syntax = Syntax::new(&tree);
            let file_facts = facts::extract_from(lang, &syntax, &src);
            group.throughput(Throughput::Bytes(src.len() as u64));
            let id = BenchmarkId::from_parameter(label(lang));
            match stage {
                "parse" => group.bench_function(id, |b| {
                    b.iter(|| cx.parse(lang, black_box(&src), PARSE_TIMEOUT_MS))
                }),
                "facts" => group.bench_function(id, |b| {
                    b.iter(|| facts::extract(lang, black_box(&tree), &src))
                }),
                "signatures" => group.bench_function(id, |b| {
                    b.iter(|| {
                        sigs.match_source(
                            lang,
                            black_box(&file_facts),
                            &syntax,
                            &tree,
                            &src,
                            &mut cx.cursor,
                        )
                    })
                }),
                _ => group.bench_function(id, |b| {
                    b.iter(|| {
                        let tree = cx
                            .parse(lang, black_box(&src), PARSE_TIMEOUT_MS)
                            .expect("corpus file parses");
                        let syntax = Syntax::new(&tree);
                        let f = facts::extract_from(lang, &syntax, &src);
                        sigs.match_source(lang, &f, &syntax, &tree, &src, &mut cx.cursor)
                    })
                }),
            };
        }
        group.finish();
    }
}

fn full_corpus(c: &mut Criterion) {
    let sigs = Signatures::embedded().expect("built-in signatures compile");
    let scanner = Scanner::new(&sigs);
    let root = corpus();
    let servers: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("corpus/servers is readable")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    let bytes: u64 = servers
        .iter()
        .map(|s| scanner.scan(s, Target::default()).stats.bytes)
        .sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes));
    // One scan per server, as a user or a registry runs it.
    group.bench_function("each-server", |b| {
        b.iter(|| {
            for s in &servers {
                black_box(scanner.scan(s, Target::default()));
            }
        })
    });
    // The whole corpus as one tree (one parallel scan over every file).
    group.bench_function("one-tree", |b| {
        b.iter(|| black_box(scanner.scan(&root, Target::default())))
    });
    group.bench_function("signatures-load", |b| {
        b.iter(|| Signatures::embedded().expect("built-in signatures compile"))
    });
    group.finish();
}

fn config() -> Criterion {
    // Two shared cores: keep runs short and let the noise show in the intervals.
    Criterion::default()
        .sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = per_language, full_corpus
}
// `criterion_main!`, with the CLI's allocator for tree-sitter set first.
fn main() {
    // SAFETY: first, before any tree-sitter object exists.
    #[allow(unsafe_code)]
    unsafe {
        mcp_scan::alloc::tree_sitter_on_mimalloc();
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
