//! Throughput and linearity of a whole scan, printed as tables (`harness = false`, no criterion).
//!
//! 1. **Large trees**: the labelled corpus replicated N times into a temp dir, real published MCP
//!    packages (a directory of unpacked packages named by `MCP_SCAN_REAL_DIR`, when set), and both
//!    together. For each: files/s and MB/s of a whole scan, peak resident memory of the scan
//!    (`VmHWM` from `/proc/self/status`, reset before each two-thread scan), the ratio of the scan
//!    to the parse-only floor ([`mcp_scan::scan::floor::parse_only`]: same walker, same files, same
//!    threads, tree-sitter only), and the speed-up from one to two threads. The runs of one rep
//!    (floor and scan, two threads and one) follow each other; ratios are medians of the reps' own.
//! 2. **Linearity**: generated Python and TypeScript servers at 1×, 4× and 16× size along five
//!    axes (more files, longer files, deeper nesting, more tools per server, wider literals). The
//!    time ratio 16×/1× is printed next to the byte ratio, with the exponent `log(time ratio) /
//!    log(byte ratio)`: 1 is linear, 2 is quadratic.
//!
//! 3. **Memory**: the peak resident memory of a fresh process (this bench, re-run as a child)
//!    that scans a tree once on two threads, as the CLI does, and of one that only parses it (the
//!    floor): the corpus replicated ¼×, 1× and 4× the copies of (1), the real packages, and the
//!    largest real file alone. The growth per added megabyte of source, and the exponent of the
//!    peak against the tree's size, say whether memory follows the tree or its largest file; the
//!    same less the report (the bytes the scan leaves on the heap, counted by this bench's
//!    allocator), which lists every finding and tool of the tree and so grows with it whatever
//!    the scan keeps.
//!
//! `cargo bench --bench throughput` or `benches/run.sh`. Environment: `MCP_SCAN_BENCH_COPIES`
//! (corpus copies, default 40), `MCP_SCAN_BENCH_REPS` (runs per measurement, median kept; default
//! 3), `MCP_SCAN_REAL_DIR` (unpacked real packages), `MCP_SCAN_BENCH_ONLY` (`trees`, `slope` or
//! `memory`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mcp_scan::report::wire::Target;
use mcp_scan::scan::Limits;
use mcp_scan::scan::floor::{FloorStats, parse_only};
use mcp_scan::{Report, Scanner, Signatures};
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The allocator the `mcp-scan` binary ships with, so these figures are the CLI's; in a memory
/// child (3.) it also counts the bytes live on the Rust heap.
#[global_allocator]
static ALLOC: Counting = Counting;

/// Bytes allocated minus bytes freed while [`COUNTING`] is on (a difference of two readings is
/// what is meaningful: memory allocated before counting began may be freed after).
static LIVE: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

/// mimalloc, counting live bytes when asked.
struct Counting;

// SAFETY: every call is forwarded to mimalloc unchanged; the counters only observe.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: forwarded with the caller's layout.
        unsafe { mimalloc::MiMalloc.alloc(layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count(layout.size() as isize);
        // SAFETY: forwarded with the caller's layout.
        unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        count(-(layout.size() as isize));
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count(new_size as isize - layout.size() as isize);
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
    }
}

fn count(bytes: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(bytes, Ordering::Relaxed);
    }
}

type BoxError = Box<dyn std::error::Error>;

fn main() -> Result<(), BoxError> {
    // SAFETY: first, before any tree-sitter object exists: the CLI's allocator for tree-sitter too.
    #[allow(unsafe_code)]
    unsafe {
        mcp_scan::alloc::tree_sitter_on_mimalloc();
    }
    if let Some(work) = std::env::var_os(CHILD) {
        return child(&work.to_string_lossy());
    }
    let copies: usize = env_or("MCP_SCAN_BENCH_COPIES", 40);
    let reps: usize = env_or("MCP_SCAN_BENCH_REPS", 3).max(1);
    let only = std::env::var("MCP_SCAN_BENCH_ONLY").unwrap_or_default();
    let sigs = Signatures::embedded().map_err(|e| format!("signatures: {} errors", e.len()))?;
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
    println!(
        "mcp-scan throughput bench: {cores} cores, {reps} runs per figure (median), {} signatures",
        sigs.all().len()
    );
    if only.is_empty() || only == "trees" {
        large_trees(&sigs, copies, reps)?;
    }
    if only.is_empty() || only == "slope" {
        linearity(&sigs, reps)?;
    }
    if only.is_empty() || only == "memory" {
        memory(copies)?;
    }
    Ok(())
}

fn env_or(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// ---------------------------------------------------------------------------------------------
// Measurement helpers

/// A rayon pool of `n` threads.
fn pool(n: usize) -> Result<rayon::ThreadPool, BoxError> {
    Ok(rayon::ThreadPoolBuilder::new().num_threads(n).build()?)
}

/// Median wall time of `reps` runs of `f` on `pool`, and the last run's result.
fn median<T: Send>(
    pool: &rayon::ThreadPool,
    reps: usize,
    mut f: impl FnMut() -> T + Send,
) -> (Duration, T) {
    let mut times = Vec::with_capacity(reps);
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        let out = pool.install(&mut f);
        times.push(start.elapsed());
        last = Some(out);
    }
    times.sort();
    (times[times.len() / 2], last.expect("at least one run"))
}

/// Resets the peak resident set size of this process (Linux ≥ 4.0); false when unsupported.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Peak resident set size of this process in kB (`VmHWM`), if known.
fn peak_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

fn scan(sigs: &Signatures, root: &Path) -> Report {
    Scanner::new(sigs).scan(root, Target::default())
}

// ---------------------------------------------------------------------------------------------
// 1. Large trees

fn large_trees(sigs: &Signatures, copies: usize, reps: usize) -> Result<(), BoxError> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    let tmp = tempfile::tempdir()?;
    let replicated = tmp.path().join("corpus");
    for i in 0..copies {
        copy_tree(&corpus, &replicated.join(format!("copy-{i:03}")))?;
    }
    let mut trees: Vec<(String, PathBuf)> = vec![(format!("corpus x{copies}"), replicated.clone())];
    if let Some(real) = std::env::var_os("MCP_SCAN_REAL_DIR").map(PathBuf::from) {
        if real.is_dir() {
            let both = tmp.path().join("both");
            copy_tree(&replicated, &both.join("corpus"))?;
            copy_tree(&real, &both.join("real"))?;
            trees.push(("real packages".into(), real));
            trees.push((format!("corpus x{copies} + real"), both));
        } else {
            println!(
                "MCP_SCAN_REAL_DIR={} is not a directory: skipped",
                real.display()
            );
        }
    }
    let one = pool(1)?;
    let two = pool(2)?;
    println!();
    println!("## Large trees (whole scan vs the parse-only floor; MB = 10^6 bytes)");
    println!();
    println!(
        "| tree | files | parsed | MB | scan 2T s | files/s | MB/s | peak RSS MB | floor 2T s | scan/floor | scan 1T s | 2T speed-up | floor 1T/2T |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (name, root) in &trees {
        let limits = Limits::default();
        // Warm the page cache so that neither side pays for the disk.
        let warm = two.install(|| parse_only(root, &limits));
        // The four runs of one rep follow each other, and each ratio is the median of the reps'
        // own ratios: a noisy stretch of this shared machine then slows both sides of a ratio,
        // not one block of runs.
        let (mut floor2s, mut floor1s, mut scan1s, mut scan2s) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new());
        let mut report = None;
        let mut resettable = true;
        let mut peak = 0;
        for _ in 0..reps {
            floor2s.push(median(&two, 1, || parse_only(root, &limits)).0);
            floor1s.push(median(&one, 1, || parse_only(root, &limits)).0);
            scan1s.push(median(&one, 1, || scan(sigs, root)).0);
            resettable &= reset_peak();
            let (t, r) = median(&two, 1, || scan(sigs, root));
            peak = peak.max(peak_kb().unwrap_or(0));
            scan2s.push(t);
            report = Some(r);
        }
        let report = report.expect("at least one rep");
        let mid = |mut v: Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let per_rep = |a: &[Duration], b: &[Duration]| {
            mid(a.iter().zip(b).map(|(x, y)| secs(*x) / secs(*y)).collect())
        };
        let times = |v: &[Duration]| mid(v.iter().map(|d| secs(*d)).collect());
        let (scan2, floor2, scan1) = (times(&scan2s), times(&floor2s), times(&scan1s));
        let peak_mb = if resettable {
            format!("{:.0}", peak as f64 / 1024.0)
        } else {
            format!("{:.0} (since start)", peak as f64 / 1024.0)
        };
        let mb = report.stats.bytes as f64 / 1e6;
        check_same_files(&warm, &report);
        println!(
            "| {name} | {} | {} | {mb:.1} | {scan2:.2} | {:.0} | {:.1} | {peak_mb} | {floor2:.2} | {:.2} | {scan1:.2} | {:.2} | {:.2} |",
            report.stats.files,
            report.stats.parsed,
            report.stats.files as f64 / scan2,
            mb / scan2,
            per_rep(&scan2s, &floor2s),
            per_rep(&scan1s, &scan2s),
            per_rep(&floor1s, &floor2s),
        );
    }
    println!();
    println!(
        "targets: scan/floor <= 1.5; 2-thread speed-up >= 1.8 (a quiet machine; other processes on these cores lower it)"
    );
    Ok(())
}

/// The floor and the scan must have looked at the same files, or the ratio means nothing.
fn check_same_files(floor: &FloorStats, report: &Report) {
    if floor.files != report.stats.files || floor.parsed != report.stats.parsed {
        println!(
            "WARNING: floor saw {} files ({} parsed), scan {} ({} parsed)",
            floor.files, floor.parsed, report.stats.files, report.stats.parsed
        );
    }
}

/// Copies a directory tree (regular files and directories only; links are not followed).
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        let dest = to.join(entry.file_name());
        if ft.is_dir() {
            copy_tree(&entry.path(), &dest)?;
        } else if ft.is_file() {
            std::fs::copy(entry.path(), dest)?;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// 2. Linearity on generated servers

/// The shape of one generated tree.
#[derive(Clone, Copy)]
struct Shape {
    /// Server files.
    files: usize,
    /// Tools per file.
    tools: usize,
    /// Helper functions per file (each makes an outbound call).
    helpers: usize,
    /// Nested constructs per file (string concatenation, calls, lists, closures).
    nests: usize,
    /// Nesting depth of each construct.
    depth: usize,
    /// Items of each wide literal per file (a list, a dict or object, a call's arguments); 0: none.
    width: usize,
    /// Classes per file whose `run` calls `self.step` / `this.step`, each with a `step` of its own:
    /// every `run` may land on every `step`.
    homonyms: usize,
    /// Module-level secrets per file (`S_k = os.environ.get(…)`), which every tool's dataflow reads.
    secrets: usize,
}

const BASE: Shape = Shape {
    files: 8,
    tools: 6,
    helpers: 12,
    nests: 6,
    depth: 8,
    width: 0,
    homonyms: 0,
    secrets: 0,
};

/// A scaling axis: its name and the input shape at a given multiple.
type Axis = (&'static str, fn(usize) -> Shape);

/// The axes a tree grows along, each scaled by `k`.
fn axes() -> [Axis; 7] {
    [
        ("more files", |k| Shape {
            files: BASE.files * k,
            ..BASE
        }),
        ("longer files", |k| Shape {
            helpers: BASE.helpers * k,
            nests: BASE.nests * k,
            ..BASE
        }),
        ("deeper nesting", |k| Shape {
            depth: BASE.depth * k,
            nests: BASE.nests * 4,
            ..BASE
        }),
        ("more tools", |k| Shape {
            files: 1,
            tools: 48 * k,
            ..BASE
        }),
        // Every string of a literal is told its literal's size: counted per string, a list of n
        // strings cost n² (a 1.9 MB list of 200 000 strings took three minutes).
        ("wider literals", |k| Shape {
            files: 1,
            width: 1024 * k,
            ..BASE
        }),
        // A call by name links to every function of that name: linked pairwise, 20 000 such
        // classes (1.9 MB) took 4.9 GB and 27 s.
        ("same-named methods", |k| Shape {
            files: 1,
            homonyms: 128 * k,
            ..BASE
        }),
        // Every tool's dataflow sees the module's secrets: copied into each run, 8 000 secrets and
        // 8 000 tools took 17.7 s.
        ("secrets and tools", |k| Shape {
            files: 1,
            tools: 48 * k,
            secrets: 48 * k,
            ..BASE
        }),
    ]
}

#[derive(Clone, Copy)]
enum Lang {
    Python,
    TypeScript,
}

fn linearity(sigs: &Signatures, reps: usize) -> Result<(), BoxError> {
    let one = pool(1)?;
    println!();
    println!(
        "## Linearity (one thread; generated servers at 1x, 4x, 16x; exponent = log(time ratio)/log(byte ratio))"
    );
    println!();
    println!(
        "| axis | lang | 1x KB | 1x ms | 4x ms | 16x ms | bytes 16x/1x | time 16x/1x | exponent | floor 1x ms | floor 16x ms | floor exponent | scan/floor 1x | scan/floor 16x | tools 16x |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    let limits = Limits::default();
    for (axis, shape_of) in axes() {
        for lang in [Lang::Python, Lang::TypeScript] {
            let mut times = Vec::new();
            let mut bytes = Vec::new();
            let mut floors = Vec::new();
            let mut tools16 = 0;
            for k in [1, 4, 16] {
                let dir = tempfile::tempdir()?;
                generate(dir.path(), shape_of(k), lang)?;
                let root = dir.path();
                let _warm = one.install(|| parse_only(root, &limits));
                let (t, report) = median(&one, reps, || scan(sigs, root));
                if k != 4 {
                    floors.push(median(&one, reps, || parse_only(root, &limits)).0);
                }
                if k == 16 {
                    tools16 = report.tools.len();
                }
                // Every generated file is scanned: the servers parsed, the manifest read as data.
                if report.stats.parsed + 1 != report.stats.files || !report.stats.skipped.is_empty()
                {
                    println!(
                        "WARNING: {axis}/{} at {k}x: {} of {} files parsed, {} skipped",
                        lang_name(lang),
                        report.stats.parsed,
                        report.stats.files,
                        report.stats.skipped.len()
                    );
                }
                times.push(t);
                bytes.push(report.stats.bytes);
            }
            let tr = secs(times[2]) / secs(times[0]);
            let br = bytes[2] as f64 / bytes[0] as f64;
            let fr = secs(floors[1]) / secs(floors[0]);
            println!(
                "| {axis} | {} | {:.0} | {} | {} | {} | {br:.1} | {tr:.1} | {:.2} | {} | {} | {:.2} | {:.2} | {:.2} | {tools16} |",
                lang_name(lang),
                bytes[0] as f64 / 1024.0,
                ms(times[0]),
                ms(times[1]),
                ms(times[2]),
                tr.ln() / br.ln(),
                ms(floors[0]),
                ms(floors[1]),
                fr.ln() / br.ln(),
                secs(times[0]) / secs(floors[0]),
                secs(times[2]) / secs(floors[1]),
            );
        }
    }
    println!();
    println!(
        "target: exponent near 1 on every axis (2 would mean a quadratic step); the floor exponent is \
         tree-sitter's own on the same inputs, and a scan/floor that stays put from 1x to 16x means \
         the scan grows as parsing does"
    );
    Ok(())
}

fn lang_name(lang: Lang) -> &'static str {
    match lang {
        Lang::Python => "python",
        Lang::TypeScript => "typescript",
    }
}

/// Writes `shape.files` server files (plus a manifest) into `dir`.
fn generate(dir: &Path, shape: Shape, lang: Lang) -> std::io::Result<()> {
    for i in 0..shape.files {
        let (name, text) = match lang {
            Lang::Python => (format!("server_{i}.py"), python_server(i, shape)),
            Lang::TypeScript => (format!("server_{i}.ts"), ts_server(i, shape)),
        };
        std::fs::write(dir.join(name), text)?;
    }
    match lang {
        Lang::Python => std::fs::write(
            dir.join("pyproject.toml"),
            "[project]\nname = \"gen-server\"\nversion = \"1.0.0\"\ndependencies = [\"mcp\", \"requests\"]\n",
        ),
        Lang::TypeScript => std::fs::write(
            dir.join("package.json"),
            r#"{ "name": "gen-server", "version": "1.0.0", "type": "module", "scripts": { "build": "tsc" } }"#,
        ),
    }
}

/// A FastMCP server: helpers that post to a fixed API, tools calling them, nested expressions.
fn python_server(i: usize, s: Shape) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "\"\"\"Generated server {i} for the mcp-scan throughput bench.\"\"\"\n\nimport json\nimport os\nimport subprocess\n\nimport requests\nfrom mcp.server.fastmcp import FastMCP\n\nmcp = FastMCP(\"gen-{i}\")\nAPI = \"https://api.example.com/v1\"\nTOKEN = os.environ.get(\"GEN_API_TOKEN\", \"\")\n"
    );
    for j in 0..s.helpers {
        let _ = writeln!(
            o,
            "\ndef helper_{j}(value: str, limit: int = {j}) -> str:\n    \"\"\"Helper {j}: normalise a value and forward it to the API.\"\"\"\n    data = json.dumps({{\"value\": value.strip(), \"n\": {j}, \"limit\": limit}})\n    if len(data) > {j} + 100:\n        data = data[: {j} + 100]\n    headers = {{\"Authorization\": \"Bearer \" + TOKEN, \"X-Helper\": \"h{j}\"}}\n    r = requests.post(API + \"/h{j}\", data=data, headers=headers, timeout=10)\n    return r.text\n"
        );
    }
    for t in 0..s.tools {
        let h = t % s.helpers.max(1);
        let _ = writeln!(
            o,
            "\n@mcp.tool()\ndef tool_{t}(query: str, limit: int = 10) -> str:\n    \"\"\"Tool {t}: look up a query and return at most limit rows.\"\"\"\n    rows = [query.upper() for _ in range(limit)]\n    with open(os.path.join(\"/tmp\", \"tool_{t}.log\"), \"a\") as log:\n        log.write(query)\n    out = helper_{h}(query, limit)\n    return \"\\n\".join(rows) + out\n"
        );
    }
    for n in 0..s.nests {
        let d = s.depth;
        let mut concat = String::new();
        for l in 0..d {
            let _ = write!(concat, "\"p{l}\" + (");
        }
        concat.push_str("\"end\"");
        concat.push_str(&")".repeat(d));
        let calls = format!("{}value{}", "wrap(".repeat(d), ")".repeat(d));
        let lists = format!("{}{n}{}", "[".repeat(d), "]".repeat(d));
        let lambdas = format!("{}{n}", "lambda: ".repeat(d));
        let _ = writeln!(
            o,
            "\ndef nested_{n}(value):\n    text = {concat}\n    called = {calls}\n    rows = {lists}\n    thunk = {lambdas}\n    return text, called, rows, thunk\n"
        );
    }
    if s.width > 0 {
        let (items, entries) = wide_items(s.width);
        let _ = writeln!(
            o,
            "\nWIDE_LIST = [{items}]\nWIDE_DICT = {{{entries}}}\nWIDE_CALL = wrap({items})\n"
        );
    }
    for h in 0..s.homonyms {
        let _ = writeln!(
            o,
            "\nclass Worker{h}:\n    def step(self, value):\n        return value + \"{h}\"\n\n    def run(self, value):\n        return self.step(value)\n"
        );
    }
    for k in 0..s.secrets {
        let _ = writeln!(o, "SECRET_{k} = os.environ.get(\"GEN_SECRET_{k}\", \"\")");
    }
    o.push_str("\ndef wrap(x):\n    return x\n\n\nif __name__ == \"__main__\":\n    mcp.run()\n");
    o
}

/// `width` string items, and as many `"key": "value"` entries (a Python dict's, a JS object's),
/// each joined with commas.
fn wide_items(width: usize) -> (String, String) {
    let items: Vec<String> = (0..width).map(|w| format!("\"w{w}\"")).collect();
    let entries: Vec<String> = (0..width).map(|w| format!("\"k{w}\": \"v{w}\"")).collect();
    (items.join(", "), entries.join(", "))
}

/// An McpServer in TypeScript: the same shape as [`python_server`].
fn ts_server(i: usize, s: Shape) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "#!/usr/bin/env node\n// Generated server {i} for the mcp-scan throughput bench.\nimport {{ McpServer }} from \"@modelcontextprotocol/sdk/server/mcp.js\";\nimport {{ StdioServerTransport }} from \"@modelcontextprotocol/sdk/server/stdio.js\";\nimport {{ z }} from \"zod\";\nimport * as fs from \"node:fs\";\n\nconst server = new McpServer({{ name: \"gen-{i}\", version: \"1.0.0\" }});\nconst API = \"https://api.example.com/v1\";\nconst TOKEN = process.env.GEN_API_TOKEN ?? \"\";\n"
    );
    for j in 0..s.helpers {
        let _ = writeln!(
            o,
            "async function helper_{j}(value: string, limit: number = {j}): Promise<string> {{\n  let data = JSON.stringify({{ value: value.trim(), n: {j}, limit }});\n  if (data.length > {j} + 100) {{\n    data = data.slice(0, {j} + 100);\n  }}\n  const res = await fetch(API + \"/h{j}\", {{ method: \"POST\", body: data, headers: {{ Authorization: `Bearer ${{TOKEN}}`, \"X-Helper\": \"h{j}\" }} }});\n  return (await res.text()).trim();\n}}\n"
        );
    }
    for t in 0..s.tools {
        let h = t % s.helpers.max(1);
        let _ = writeln!(
            o,
            "server.tool(\n  \"tool_{t}\",\n  \"Tool {t}: look up a query and return at most limit rows.\",\n  {{ query: z.string(), limit: z.number().default(10) }},\n  async ({{ query, limit }}) => {{\n    const rows = Array.from({{ length: limit }}, () => query.toUpperCase());\n    fs.appendFileSync(\"/tmp/tool_{t}.log\", query);\n    const out = await helper_{h}(query, limit);\n    return {{ content: [{{ type: \"text\", text: rows.join(\"\\n\") + out }}] }};\n  }},\n);\n"
        );
    }
    for n in 0..s.nests {
        let d = s.depth;
        let mut concat = String::new();
        for l in 0..d {
            let _ = write!(concat, "\"p{l}\" + (");
        }
        concat.push_str("\"end\"");
        concat.push_str(&")".repeat(d));
        let calls = format!("{}value{}", "wrap(".repeat(d), ")".repeat(d));
        let lists = format!("{}{n}{}", "[".repeat(d), "]".repeat(d));
        let mut closures = String::new();
        for l in 0..d {
            let _ = write!(closures, "function c{n}_{l}() {{ return ");
        }
        let _ = write!(closures, "{n};{}", " }".repeat(d));
        let _ = writeln!(
            o,
            "function nested_{n}(value: unknown) {{\n  const text = {concat};\n  const called = {calls};\n  const rows = {lists};\n  const thunk = {closures};\n  return [text, called, rows, thunk];\n}}\n"
        );
    }
    if s.width > 0 {
        let (items, entries) = wide_items(s.width);
        let _ = writeln!(
            o,
            "const WIDE_LIST = [{items}];\nconst WIDE_OBJECT = {{ {entries} }};\nconst WIDE_CALL = wrap({items});\n"
        );
    }
    for h in 0..s.homonyms {
        let _ = writeln!(
            o,
            "class Worker{h} {{\n  step(value: string): string {{\n    return value + \"{h}\";\n  }}\n  run(value: string): string {{\n    return this.step(value);\n  }}\n}}\n"
        );
    }
    for k in 0..s.secrets {
        let _ = writeln!(o, "const SECRET_{k} = process.env.GEN_SECRET_{k} ?? \"\";");
    }
    o.push_str("function wrap<T>(x: T): T {\n  return x;\n}\n\nawait server.connect(new StdioServerTransport());\n");
    o
}

// ---------------------------------------------------------------------------------------------
// 3. Memory, measured in fresh processes

/// Set to `scan` or `floor` (and [`CHILD_DIR`] to a tree), the bench does that once on two
/// threads, prints its peak resident memory and exits: a process of its own per measurement, as
/// the CLI is, with nothing left from earlier runs.
const CHILD: &str = "MCP_SCAN_BENCH_CHILD";
const CHILD_DIR: &str = "MCP_SCAN_BENCH_CHILD_DIR";

fn child(work: &str) -> Result<(), BoxError> {
    let root = PathBuf::from(std::env::var_os(CHILD_DIR).ok_or("no tree given")?);
    let two = pool(2)?;
    match work {
        "scan" => {
            let sigs =
                Signatures::embedded().map_err(|e| format!("signatures: {} errors", e.len()))?;
            COUNTING.store(true, Ordering::Relaxed);
            let before = LIVE.load(Ordering::Relaxed);
            let report = two.install(|| scan(&sigs, &root));
            // What the scan leaves on the heap: its report, and the rules' lazily built regexes.
            let held = LIVE.load(Ordering::Relaxed) - before;
            println!(
                "peak_kb={}\nheld_bytes={held}",
                peak_kb().ok_or("no VmHWM in /proc/self/status")?
            );
            std::hint::black_box(report);
            return Ok(());
        }
        _ => {
            let stats = two.install(|| parse_only(&root, &Limits::default()));
            std::hint::black_box(stats);
        }
    }
    println!(
        "peak_kb={}",
        peak_kb().ok_or("no VmHWM in /proc/self/status")?
    );
    Ok(())
}

/// Peak resident memory in MB of a child process doing `work` (`scan` or `floor`) on `root`, and
/// for a scan the MB it leaves on the heap (its report).
fn child_peak_mb(work: &str, root: &Path) -> Result<(f64, f64), BoxError> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .env(CHILD, work)
        .env(CHILD_DIR, root)
        .output()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: u64 = text
        .lines()
        .find_map(|l| l.strip_prefix("peak_kb="))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "{work} of {}: no peak reported ({})",
                root.display(),
                String::from_utf8_lossy(&out.stderr).trim()
            )
        })?;
    let held: i64 = text
        .lines()
        .find_map(|l| l.strip_prefix("held_bytes="))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    Ok((kb as f64 / 1024.0, held.max(0) as f64 / (1024.0 * 1024.0)))
}

/// Source bytes and the largest source file of a tree, as the scanner's own walk lists them.
fn source_sizes(root: &Path) -> (u64, Option<(u64, PathBuf)>) {
    let (entries, _) = mcp_scan::scan::walk::walk(root, &Limits::default());
    let sources = entries
        .into_iter()
        .filter(|e| matches!(e.kind, mcp_scan::lang::FileKind::Source(_)));
    sources.fold((0, None), |(total, largest), e| {
        let bigger = largest.as_ref().is_none_or(|(l, _)| e.size > *l);
        (
            total + e.size,
            if bigger {
                Some((e.size, e.path))
            } else {
                largest
            },
        )
    })
}

fn memory(copies: usize) -> Result<(), BoxError> {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    let tmp = tempfile::tempdir()?;
    let empty = tmp.path().join("empty");
    std::fs::create_dir_all(&empty)?;
    let mut trees: Vec<(String, PathBuf)> = vec![("empty directory".into(), empty)];
    let sizes = [(copies / 4).max(1), copies.max(1), copies.max(1) * 4];
    for n in sizes {
        let dir = tmp.path().join(format!("corpus-{n}"));
        for i in 0..n {
            copy_tree(&corpus, &dir.join(format!("copy-{i:03}")))?;
        }
        trees.push((format!("corpus x{n}"), dir));
    }
    if let Some(real) = std::env::var_os("MCP_SCAN_REAL_DIR").map(PathBuf::from)
        && real.is_dir()
    {
        if let (_, Some((_, largest))) = source_sizes(&real) {
            let alone = tmp.path().join("largest");
            std::fs::create_dir_all(&alone)?;
            if let Some(name) = largest.file_name() {
                std::fs::copy(&largest, alone.join(name))?;
            }
            trees.push(("largest real file alone".into(), alone));
        }
        trees.push(("real packages".into(), real));
    }
    println!();
    println!(
        "## Memory (peak RSS of a fresh process scanning once on 2 threads, as the CLI does; the floor's parses only)"
    );
    println!();
    println!(
        "| tree | source MB | largest file KB | scan peak MB | floor peak MB | scan - floor MB | report MB | scan - report MB |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    let mut corpus_points = Vec::new();
    for (name, root) in &trees {
        let (bytes, largest) = source_sizes(root);
        let _warm = parse_only(root, &Limits::default());
        let (scan, report) = child_peak_mb("scan", root)?;
        let (floor, _) = child_peak_mb("floor", root)?;
        let mb = bytes as f64 / 1e6;
        println!(
            "| {name} | {mb:.1} | {:.0} | {scan:.0} | {floor:.0} | {:.0} | {report:.1} | {:.0} |",
            largest.map_or(0.0, |(l, _)| l as f64 / 1e3),
            scan - floor,
            scan - report
        );
        if name.starts_with("corpus") {
            corpus_points.push((mb, scan, report));
        }
    }
    if let [(b0, p0, r0), _, (b2, p2, r2)] = corpus_points[..] {
        println!();
        println!(
            "corpus x{} -> x{}: {:.1} MB more peak per added MB of source; exponent of the peak \
             against the tree's size {:.2} (0: bounded by the largest file, which stays the same; 1: \
             grows with the tree). Less the report (what the scan leaves on the heap), which lists \
             every finding and tool of the tree: {:.1} MB per added MB, exponent {:.2}",
            sizes[0],
            sizes[2],
            (p2 - p0) / (b2 - b0),
            (p2 / p0).ln() / (b2 / b0).ln(),
            ((p2 - r2) - (p0 - r0)) / (b2 - b0),
            ((p2 - r2) / (p0 - r0)).ln() / (b2 / b0).ln(),
        );
    }
    println!();
    println!(
        "target: memory bounded by the largest file, not the tree (the scan's peak should not grow with \
         more files of the same size)"
    );
    Ok(())
}
