//! The scanner: walk a tree, scan every file in parallel (rayon, one [`ScanContext`] per worker,
//! largest files first),
//! then assemble one deterministic [`Report`]: findings sorted by place, tools with what they can
//! reach, outbound endpoints, skipped files, score and verdict.
//!
//! A file's scan: read (bounded) → refuse binary → parse with a time limit → extract facts →
//! match signatures. Then, once per package ([`packages`]: a tree of many servers is one program
//! per server, packages that import each other's files one program together), as soon as its
//! last file is scanned (`walk_scan_finish`): link imports across its files ([`crate::program`]),
//! compute what every tool's handler reaches, attribute each finding to its tool, judge each
//! tool's chains ([`crate::analysis`]), and drop its files' facts: memory holds the packages in
//! progress, not the tree. Manifests are matched as data; files such as `.pth` startup files by
//! their path.

mod context;
pub mod evasion;
pub mod floor;
mod late;
pub mod packages;
mod snippet;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroUsize;

use foldhash::{HashMap, HashMapExt};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

pub use context::ScanContext;
pub use snippet::{Lines, snippet};
pub use walk::{Entry, Limits};

use crate::analysis::{self, Dest, EffectHit, Purpose, Scope, ToolEffects};
use crate::dataflow::{Dataflow, Flow};
use crate::facts::{self, FileFacts, Tool};
use crate::finding::{Category, Evidence, Finding, Severity, Skip};
use crate::lang::{FileKind, Language, Manifest};
use crate::program::{Program, Reach, Unit};
use crate::report::wire::{Endpoint, Location, Report, ScannerInfo, Stats, Target, ToolReport};
use crate::signature::{Effect, Hit, ManifestData, Signatures, clip, escape_invisible};
use crate::syntax::Syntax;

/// What one file contributed.
#[derive(Debug, Default)]
pub struct FileScan {
    /// Path relative to the root.
    pub rel: String,
    /// Bytes read.
    pub bytes: u64,
    /// Whether it was parsed as code.
    pub parsed: bool,
    /// Findings (severity above info).
    pub findings: Vec<Finding>,
    /// Byte offset of each finding (parallel to `findings`), to attribute it to a tool later.
    pub offsets: Vec<usize>,
    /// Matches with an effect, for the whole-program phase.
    pub effects: Vec<EffectHit>,
    /// What the whole-program phase needs of a parsed file.
    pub unit: Option<Unit>,
    /// Why the file was not scanned, if it was not.
    pub skip: Option<Skip>,
    /// The package name a manifest declares (`name` of package.json, `project.name` of
    /// pyproject.toml, `metadata.name` of setup.cfg).
    pub package: Option<String>,
    /// Whether its parse hit the time limit.
    pub parse_timed_out: bool,
}

/// A rayon pool of `threads` workers for a scan ([`Scanner::with_threads`], `-j`); `None` when the
/// system refuses the threads, and the current pool then scans just the same.
pub fn thread_pool(threads: NonZeroUsize) -> Option<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.get())
        .thread_name(|i| format!("mcp-scan-{i}"))
        .build()
        .ok()
}

/// Scans trees with one compiled rule set.
#[derive(Debug)]
pub struct Scanner<'s> {
    signatures: &'s Signatures,
    limits: Limits,
    /// Worker threads of a pool of its own; `None` scans on the current rayon pool.
    threads: Option<NonZeroUsize>,
}

impl<'s> Scanner<'s> {
    /// A scanner with default limits.
    pub fn new(signatures: &'s Signatures) -> Scanner<'s> {
        Scanner {
            signatures,
            limits: Limits::default(),
            threads: None,
        }
    }

    /// Scans on a pool of `threads` workers of its own, made for each scan, instead of the
    /// current rayon pool (by default the global one: a thread per core, or
    /// `RAYON_NUM_THREADS`). One thread scans file after file; a report does not depend on it.
    #[must_use]
    pub fn with_threads(mut self, threads: NonZeroUsize) -> Scanner<'s> {
        self.threads = Some(threads);
        self
    }

    /// Replaces the limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Scanner<'s> {
        self.limits = limits;
        self
    }

    /// Scans a directory or a single file. `target` describes it in the report.
    pub fn scan(&self, root: &Path, target: Target) -> Report {
        match self.threads.and_then(thread_pool) {
            Some(pool) => pool.install(|| self.scan_here(root, target)),
            None => self.scan_here(root, target),
        }
    }

    /// [`Scanner::scan`] on the current rayon pool.
    fn scan_here(&self, root: &Path, target: Target) -> Report {
        let start = Instant::now();
        let deadline = self.limits.deadline(start);
        // Set by the plan, read by every group's finish (which only runs after it).
        let partition = std::sync::OnceLock::new();
        let (walked, parts) = context::walk_scan_finish(
            |kept| walk::walk_handing_out(root, &self.limits, deadline, kept),
            |walked| {
                let mut p = packages::partition(&walked.entries, &self.limits, deadline);
                let groups = std::mem::take(&mut p.groups);
                let _ = partition.set(p);
                groups
            },
            |cx, e| {
                if Instant::now() >= deadline {
                    return FileScan {
                        rel: e.rel.clone(),
                        skip: Some(Skip {
                            path: e.rel.clone(),
                            reason: self.limits.time_budget_reason(),
                        }),
                        ..FileScan::default()
                    };
                }
                self.scan_entry(cx, e)
            },
            |_, files| self.finish_group(files, partition.get()),
        );
        let entries = &walked.entries;
        let mut skipped = walked.skipped.clone();
        let mut stats = Stats {
            files: entries.len(),
            ..Stats::default()
        };
        // Sized once: on a tree of thousands of servers, doubling vectors of every finding and
        // tool would be the scan's peak.
        let mut findings =
            Vec::with_capacity(parts.iter().map(|p| p.findings.len()).sum::<usize>() + 1);
        let mut tools = Vec::with_capacity(parts.iter().map(|p| p.tools.len()).sum());
        let mut endpoints: BTreeMap<(String, Effect), Endpoint> = BTreeMap::new();
        let mut timed_out = Vec::new();
        for part in parts {
            stats.bytes += part.bytes;
            stats.parsed += part.parsed;
            skipped.extend(part.skipped);
            timed_out.extend(part.timed_out);
            findings.extend(part.findings);
            tools.extend(part.tools);
            // A destination several packages reach: listed once, where the first one reaches it.
            for e in part.endpoints {
                match endpoints.entry((e.destination.clone(), e.via)) {
                    std::collections::btree_map::Entry::Vacant(v) => {
                        v.insert(e);
                    }
                    std::collections::btree_map::Entry::Occupied(mut o) => {
                        let known = o.get_mut();
                        known.tools.extend(e.tools);
                        known.tools.sort();
                        known.tools.dedup();
                    }
                }
            }
        }
        // Tools in walk order, as one package lists them.
        tools.sort_by_key(|&(entry, _)| entry);
        let tools = tools.into_iter().map(|(_, t)| t).collect();
        let endpoints = endpoints.into_values().collect();
        timed_out.sort_unstable();
        let timed_out: Vec<&Entry> = timed_out.into_iter().map(|i| &entries[i]).collect();
        findings.extend(evasion::oversized_source(&walked, &timed_out, &self.limits));
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        skipped.sort();
        stats.skipped = skipped;
        stats.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
        let score = crate::score::score(&findings);
        Report {
            schema: crate::report::wire::SCHEMA.to_owned(),
            scanner: ScannerInfo {
                name: "mcp-scan".into(),
                version: env!("CARGO_PKG_VERSION").into(),
                signatures: self.signatures.all().len(),
            },
            target,
            score,
            verdict: crate::score::Verdict::of(score),
            findings,
            tools,
            endpoints,
            stats,
        }
    }

    /// The whole-program phase of one group of packages ([`packages`]), on its files' results
    /// (entry position, scan) in walk order; their facts are dropped here.
    fn finish_group(
        &self,
        files: Vec<(usize, FileScan)>,
        partition: Option<&packages::Partition>,
    ) -> Part {
        let mut part = Part::default();
        let mut units = Vec::new();
        let mut unit_entry = Vec::new();
        let mut hits = Vec::new();
        let mut located: Vec<(usize, usize, Finding)> = Vec::new();
        let mut packages = Vec::new();
        for (entry, s) in files {
            packages.extend(s.package);
            part.bytes += s.bytes;
            part.parsed += usize::from(s.parsed);
            part.skipped.extend(s.skip);
            if s.parse_timed_out {
                part.timed_out.push(entry);
            }
            match s.unit {
                Some(mut unit) => {
                    let u = units.len();
                    located.extend(
                        s.findings
                            .into_iter()
                            .zip(s.offsets)
                            .map(|(f, o)| (u, o, f)),
                    );
                    if let Some(p) = partition {
                        unit.package = p.package_of[entry];
                        unit.distribution = p.distributions[unit.package as usize].clone();
                    }
                    units.push(unit);
                    unit_entry.push(entry);
                    hits.push(s.effects);
                }
                None => part.findings.extend(s.findings),
            }
        }
        // Tools the package completes (candidates, descriptions folded across files) get the
        // description rules the per-file pass could not give them.
        let completed = facts::package::link(&mut units);
        located.extend(self.late_description_findings(&units, &completed));
        let whole = whole_program(&units, &hits, located, &packages);
        // Freeing every file's facts is millions of small frees on a large package: on the pool
        // too. (The findings are sorted once, with every group's, by `scan_here`.)
        rayon::join(
            || units.into_par_iter().for_each(drop),
            || hits.into_par_iter().for_each(drop),
        );
        part.findings.extend(whole.findings);
        part.tools = whole
            .tools
            .into_iter()
            .map(|(u, t)| (unit_entry[u], t))
            .collect();
        part.endpoints = whole.endpoints;
        part.skipped.extend(whole.skipped);
        part
    }

    fn scan_entry(&self, cx: &mut ScanContext, entry: &Entry) -> FileScan {
        let mut out = FileScan {
            rel: entry.rel.clone(),
            ..FileScan::default()
        };
        let bytes = match read_bounded(&entry.path, self.limits.max_file_bytes, entry.size) {
            Ok(b) => b,
            Err(reason) => {
                out.skip = Some(Skip {
                    path: entry.rel.clone(),
                    reason,
                });
                return out;
            }
        };
        out.bytes = bytes.len() as u64;
        match entry.kind {
            FileKind::Special => {
                // Python's `site` executes the lines of a `.pth` file that start with `import`:
                // scan exactly those as Python (other lines blanked, so line numbers hold). The
                // file's presence is matched by path rules (added by `scan_source`).
                let code = pth_code(&bytes);
                self.scan_source(cx, &mut out, Language::Python, code.as_bytes());
            }
            FileKind::Manifest(m) => self.scan_manifest(&mut out, m, &bytes),
            FileKind::Source(lang) => {
                if is_binary(&bytes) {
                    out.skip = Some(Skip {
                        path: entry.rel.clone(),
                        reason: "binary content (NUL bytes) in a source file".into(),
                    });
                    return out;
                }
                self.scan_source(cx, &mut out, lang, &bytes);
            }
        }
        out
    }

    fn scan_manifest(&self, out: &mut FileScan, m: Manifest, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let name = out.rel.rsplit('/').next().unwrap_or(&out.rel).to_owned();
        let hits = match m {
            Manifest::PackageJson => match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(v) => {
                    out.package = v["name"].as_str().map(str::to_owned);
                    self.signatures
                        .match_manifest(&name, &ManifestData::Json(&v, &text))
                }
                Err(e) => {
                    out.skip = Some(Skip {
                        path: out.rel.clone(),
                        reason: format!("invalid JSON: {e}"),
                    });
                    return;
                }
            },
            Manifest::Pyproject => match toml::from_str::<toml::Value>(&text) {
                Ok(v) => {
                    out.package = v
                        .get("project")
                        .and_then(|p| p.get("name"))
                        .and_then(toml::Value::as_str)
                        .map(str::to_owned);
                    self.signatures
                        .match_manifest(&name, &ManifestData::Toml(&v, &text))
                }
                Err(e) => {
                    out.skip = Some(Skip {
                        path: out.rel.clone(),
                        reason: format!("invalid TOML: {}", e.message()),
                    });
                    return;
                }
            },
            Manifest::SetupCfg => self
                .signatures
                .match_manifest(&name, &ManifestData::Ini(&text)),
            Manifest::SetupPy => Vec::new(),
        };
        let mut hits = hits;
        hits.extend(self.signatures.match_path(&out.rel));
        out.findings = self.findings_from_hits(&out.rel, &text, &hits).0;
    }

    fn scan_source(&self, cx: &mut ScanContext, out: &mut FileScan, lang: Language, bytes: &[u8]) {
        let Some(tree) = cx.parse(lang, bytes, self.limits.parse_timeout_ms) else {
            out.parse_timed_out = true;
            out.skip = Some(Skip {
                path: out.rel.clone(),
                reason: format!(
                    "parsing took longer than {} ms",
                    self.limits.parse_timeout_ms
                ),
            });
            return;
        };
        out.parsed = true;
        // The tree is read through its array copy: one cursor walk here, array reads after. The
        // tree itself is dropped now unless a pattern outside the native subset needs it: on a
        // bundle it is the larger of the two, and its memory (on mimalloc, `crate::alloc`) then
        // takes the facts.
        let syntax = Syntax::new(&tree);
        let tree = self.signatures.needs_tree(lang).then_some(tree);
        // A large file (a bundle) is the long pole of its scan: its facts and its query pass
        // both only read the tree, so they run side by side, each walking it; a small file stays
        // on one thread (the other files keep the cores busy), where one walk serves both.
        let (facts, (queried, partial)) = if bytes.len() >= SPLIT_FILE_BYTES {
            let mut cursor = context::query_cursor();
            rayon::join(
                || facts::extract_from(lang, &syntax, bytes),
                || {
                    self.signatures
                        .match_syntax(lang, &syntax, tree.as_ref(), bytes, &mut cursor)
                },
            )
        } else {
            // One walk of the tree for both: the query pass rides on the extractor's.
            let mut matching = self.signatures.tree_match(lang, bytes);
            let facts = facts::extract_visiting(lang, &syntax, bytes, &mut |node, above| {
                matching.visit(node, above);
            });
            let queried = self.signatures.finish_tree_match(
                lang,
                matching,
                tree.as_ref(),
                bytes,
                &mut cx.cursor,
            );
            (facts, queried)
        };
        let mut hits = self.signatures.match_with_facts(lang, &facts, queried);
        // Scanned, but not wholly: listed so that the limit is never silent.
        let partly: Vec<String> = partial
            .map(context::partial_reason)
            .into_iter()
            .chain(facts.folds_spent.then(context::folds_spent_reason))
            .collect();
        if !partly.is_empty() {
            out.skip = Some(Skip {
                path: out.rel.clone(),
                reason: partly.join("; "),
            });
        }
        hits.extend(self.signatures.match_path(&out.rel));
        hits.extend(self.decoded_code_hits(cx, lang, &facts));
        let text = String::from_utf8_lossy(bytes);
        let (findings, offsets) = self.findings_from_hits(&out.rel, &text, &hits);
        out.findings = findings;
        out.offsets = offsets;
        out.effects = self.effect_hits(&facts, &text, &hits);
        out.unit = Some(Unit {
            rel: out.rel.clone(),
            lang,
            package: 0,
            distribution: None,
            facts,
        });
    }

    /// Decoded payloads that read as code (`exec(b64decode("aW1wb3J0IG9z…"))`) are parsed and
    /// matched like the file itself, one level deep; their matches are placed on the encoded literal
    /// and say what the decoded code does.
    fn decoded_code_hits(
        &self,
        cx: &mut ScanContext,
        lang: Language,
        facts: &FileFacts,
    ) -> Vec<Hit> {
        const CODE_HINTS: [&str; 10] = [
            "import ",
            "require(",
            "exec(",
            "eval(",
            "system(",
            "subprocess",
            "child_process",
            "fetch(",
            "open(",
            "socket",
        ];
        let mut out = Vec::new();
        for s in facts
            .strings
            .iter()
            .filter(|s| s.how == facts::Fold::Decoded)
        {
            if s.value.len() > 64 * 1024 || !CODE_HINTS.iter().any(|h| s.value.contains(h)) {
                continue;
            }
            let bytes = s.value.as_bytes();
            let Some(tree) = cx.parse(lang, bytes, self.limits.parse_timeout_ms) else {
                continue;
            };
            let syntax = Syntax::new(&tree);
            let inner = facts::extract_from(lang, &syntax, bytes);
            for h in
                self.signatures
                    .match_source(lang, &inner, &syntax, &tree, bytes, &mut cx.cursor)
            {
                let line = s
                    .value
                    .lines()
                    .nth(h.span.line.saturating_sub(1) as usize)
                    .unwrap_or("")
                    .trim();
                let detail = format!("in code decoded from a literal: `{}`", clip(line, 100));
                out.push(Hit {
                    sig: h.sig,
                    span: s.span,
                    detail: Some(detail),
                });
            }
        }
        out
    }

    /// The matches that carry an effect, with their destinations and display data.
    fn effect_hits(&self, facts: &FileFacts, text: &str, hits: &[Hit]) -> Vec<EffectHit> {
        // One hit per line, effect and destination: a minified bundle's thousand `fetch` calls
        // on one line are one place, and the snippet is computed once for it.
        let mut seen = BTreeSet::new();
        let mut out: Vec<EffectHit> = Vec::new();
        let mut processes = Vec::new();
        let mut lines = None;
        let file = analysis::FileIndex::new(facts);
        for h in hits {
            let sig = &self.signatures.all()[h.sig];
            let Some(effect) = sig.effect else { continue };
            let dest = analysis::destination(&file, h.span, effect, text);
            let local = match dest {
                None => analysis::local_sink(&file, h.span, effect, text),
                Some(_) => None,
            };
            let credential =
                sig.category == Category::CredentialAccess && sig.severity > Severity::Info;
            if !seen.insert((h.span.line, effect, dest.clone(), credential)) {
                continue;
            }
            let (snippet, column) = lines
                .get_or_insert_with(|| Lines::new(text))
                .snippet(h.span);
            if matches!(local, Some(analysis::Local::Process { .. })) {
                processes.push(h.span);
            }
            out.push(EffectHit {
                effect,
                dest,
                credential,
                local,
                offset: h.span.start,
                line: h.span.line,
                column,
                snippet,
            });
        }
        // `sh(["curl", "-d", token, URL])` with `def sh(argv): subprocess.run(argv)`: the call
        // that hands over the command line is where data leaves.
        for (span, dest) in analysis::helper_network_commands(&file, text, &processes) {
            let (snippet, column) = lines.get_or_insert_with(|| Lines::new(text)).snippet(span);
            out.push(EffectHit {
                effect: Effect::Process,
                dest: Some(dest),
                credential: false,
                local: None,
                offset: span.start,
                line: span.line,
                column,
                snippet,
            });
        }
        out
    }

    /// Turns hits into findings (one per rule and line), skipping capability-only rules.
    fn findings_from_hits(
        &self,
        rel: &str,
        text: &str,
        hits: &[Hit],
    ) -> (Vec<Finding>, Vec<usize>) {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        let mut offsets = Vec::new();
        let mut lines = None;
        for h in hits {
            let sig = &self.signatures.all()[h.sig];
            if sig.severity == Severity::Info || !seen.insert((h.sig, h.span.line)) {
                continue;
            }
            let mut evidence = Vec::new();
            if let Some(d) = &h.detail {
                evidence.push(Evidence {
                    file: rel.to_owned(),
                    line: h.span.line,
                    note: d.clone(),
                });
            }
            let (snippet, column) = lines
                .get_or_insert_with(|| Lines::new(text))
                .snippet(h.span);
            out.push(Finding {
                rule: sig.id.clone(),
                category: sig.category,
                severity: sig.severity,
                confidence: sig.confidence,
                message: format!("{}: {}", sig.message, sig.why),
                file: rel.to_owned(),
                line: h.span.line,
                column,
                snippet,
                tool: None,
                evidence,
            });
            offsets.push(h.span.start);
        }
        (out, offsets)
    }
}

/// The code Python's `site` runs from a `.pth` file: its lines that start with `import`, the
/// others blanked so that line numbers hold.
pub(crate) fn pth_code(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| {
            if l.starts_with("import ") || l.starts_with("import\t") {
                l
            } else {
                ""
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// From this size on, a file's facts and its query pass run in parallel.
const SPLIT_FILE_BYTES: usize = 256 * 1024;

/// What the whole-program phase adds to the per-file results.
struct Whole {
    findings: Vec<Finding>,
    /// Each tool's report, after the unit that declares it.
    tools: Vec<(usize, ToolReport)>,
    endpoints: Vec<Endpoint>,
    /// Files whose tools' reach was cut ([`Program::reach_cap`]).
    skipped: Vec<Skip>,
}

/// One group's contribution to the report ([`Scanner::finish_group`]).
#[derive(Debug, Default)]
struct Part {
    bytes: u64,
    parsed: usize,
    skipped: Vec<Skip>,
    /// Entry positions of the files whose parse hit the time limit.
    timed_out: Vec<usize>,
    findings: Vec<Finding>,
    /// Each tool's report, after the entry position of its file.
    tools: Vec<(usize, ToolReport)>,
    endpoints: Vec<Endpoint>,
}

/// For each located finding (unit, offset, finding), the first tool (in `own_by_unit` order)
/// whose own code holds it: one sweep per unit over its findings and its tools' ranges, sorted by
/// offset, keeping the ranges open at each finding by tool, instead of every finding asking every
/// tool of its file (20 000 tools and 40 000 findings in one file took seconds).
fn first_owners<'r>(
    located: &[(usize, usize, Finding)],
    own_by_unit: &[Vec<usize>],
    ranges_of: impl Fn(usize) -> &'r [std::ops::Range<usize>],
) -> Vec<Option<usize>> {
    use std::cmp::Reverse;
    use std::collections::{BTreeMap, BinaryHeap};
    let mut out = vec![None; located.len()];
    let mut by_unit: Vec<Vec<(usize, usize)>> = vec![Vec::new(); own_by_unit.len()];
    for (k, (u, offset, _)) in located.iter().enumerate() {
        by_unit[*u].push((*offset, k));
    }
    for (u, mut asks) in by_unit.into_iter().enumerate() {
        if asks.is_empty() || own_by_unit[u].is_empty() {
            continue;
        }
        asks.sort_unstable();
        let mut ranges: Vec<(usize, usize, usize)> = own_by_unit[u]
            .iter()
            .flat_map(|&i| ranges_of(i).iter().map(move |r| (r.start, r.end, i)))
            .filter(|(start, end, _)| start < end)
            .collect();
        ranges.sort_unstable();
        // Open ranges: by tool (a tool may have several open), and by end to close them.
        let mut open: BTreeMap<usize, usize> = BTreeMap::new();
        let mut ends: BinaryHeap<Reverse<(usize, usize)>> = BinaryHeap::new();
        let mut next = 0;
        for (offset, k) in asks {
            while let Some(&(_, end, i)) = ranges.get(next).filter(|r| r.0 <= offset) {
                *open.entry(i).or_default() += 1;
                ends.push(Reverse((end, i)));
                next += 1;
            }
            while let Some(&Reverse((_, i))) = ends.peek().filter(|e| e.0.0 <= offset) {
                ends.pop();
                if let Some(n) = open.get_mut(&i) {
                    *n -= 1;
                    if *n == 0 {
                        open.remove(&i);
                    }
                }
            }
            out[k] = open.keys().next().copied();
        }
    }
    out
}

/// Links the parsed files into one program, computes what every tool reaches across files,
/// attributes findings to tools, and judges every tool (and each file's module code).
fn whole_program(
    units: &[Unit],
    hits: &[Vec<EffectHit>],
    located: Vec<(usize, usize, Finding)>,
    packages: &[String],
) -> Whole {
    // What the server is for reads only the tools' words: beside the indexes, not after them.
    let (program, purpose) = rayon::join(|| Program::new(units), || purpose(units, packages));
    let dataflow = Dataflow::new(&program, units, hits);
    let pairs: Vec<(usize, usize)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| (0..unit.facts.tools.len()).map(move |t| (u, t)))
        .collect();
    // Each tool's reach is a breadth-first walk of its own: independent, so in parallel; each
    // within its share of the package's budget.
    let cap = program.reach_cap(pairs.len());
    let reaches: Vec<(usize, usize, Reach)> = pairs
        .par_iter()
        .map(|&(u, t)| (u, t, program.reach_within(u, &units[u].facts.tools[t], cap)))
        .collect();
    // A cut reach is continued without paths, within a budget shared by the cut ones.
    let cut = reaches.iter().filter(|(_, _, r)| r.cut()).count();
    let beyond_cap = (crate::program::BEYOND_BUDGET / cut.max(1)).max(crate::program::BEYOND_MIN);
    let tool_of = |u: usize, t: usize| &units[u].facts.tools[t];
    // A finding belongs to the first tool whose own code holds it, else to the first whose reach
    // covers the function it is in: two indexes instead of every finding asking every tool.
    let mut own_by_unit: Vec<Vec<usize>> = vec![Vec::new(); units.len()];
    let mut first_by_node: HashMap<usize, usize> = HashMap::new();
    for (i, (u, _, r)) in reaches.iter().enumerate() {
        own_by_unit[*u].push(i);
        for &n in r.nodes() {
            first_by_node.entry(n).or_insert(i);
        }
    }
    let own_of = first_owners(&located, &own_by_unit, |i| {
        let (tu, t, _) = &reaches[i];
        &tool_of(*tu, *t).ranges
    });
    // Asked per finding, answered once per file (a test file's importers) and per function (its
    // callers' gates): 8 000 test files importing a helper of 8 000 findings took 3.6 s.
    let outside: Vec<bool> = (0..units.len())
        .map(|u| outside_the_server(&program, units, u))
        .collect();
    let mut gating = program.gating();
    let mut findings: Vec<Finding> = located
        .into_iter()
        .zip(own_of)
        .map(|((u, offset, mut f), own)| {
            let any = || {
                program
                    .node_at(u, offset)
                    .and_then(|n| first_by_node.get(&n).copied())
            };
            f.tool = own
                .or_else(any)
                .map(|i| tool_of(reaches[i].0, reaches[i].1).name.clone());
            if f.tool.is_none() && outside[u] {
                demote_outside_the_server(&mut f);
            }
            if f.tool.is_none() && program.command_gated(&mut gating, u, offset) {
                demote_installer(&mut f);
            }
            f
        })
        .collect();
    let mut covered: Vec<Vec<bool>> = hits.iter().map(|h| vec![false; h.len()]).collect();
    let mut tools = Vec::new();
    let mut endpoints: BTreeMap<(String, Effect), Endpoint> = BTreeMap::new();
    let mut add_endpoints = |eff: &ToolEffects, tool: Option<&str>| {
        for &(u, h) in &eff.outbound {
            let hit = &hits[u][h];
            let Some(d) = hit.dest.as_ref() else { continue };
            let Some(literal) = d.literal() else { continue };
            let e = endpoints
                .entry((literal.to_owned(), d.via))
                .or_insert_with(|| Endpoint {
                    destination: literal.to_owned(),
                    via: d.via,
                    tools: Vec::new(),
                    file: units[u].rel.clone(),
                    line: hit.line,
                });
            // One call is one tool's hits: its name is the list's last when already added. (The
            // list searched per hit: 16 000 tools on one endpoint, 3.5 s.) Two tools of one name
            // are made one when the lists are sorted.
            if let Some(t) = tool
                && e.tools.last().is_none_or(|x| x != t)
            {
                e.tools.push(t.to_owned());
            }
        }
    };
    // The hits of each function, and each unit's hits by offset: a tool's effects are those of
    // the functions it reaches and of its own code, gathered without visiting every hit per tool.
    let mut by_node: HashMap<usize, Vec<(usize, usize)>> = HashMap::new();
    let mut by_offset: Vec<Vec<(usize, usize)>> = Vec::with_capacity(hits.len());
    for (hu, list) in hits.iter().enumerate() {
        let mut offsets = Vec::with_capacity(list.len());
        for (hi, h) in list.iter().enumerate() {
            if let Some(n) = program.node_at(hu, h.offset) {
                by_node.entry(n).or_default().push((hu, hi));
            }
            offsets.push((h.offset, hi));
        }
        offsets.sort_unstable();
        by_offset.push(offsets);
    }
    // Each tool judged on its own; the tools of units that calls connect share one dataflow memo
    // and are judged in order, groups in parallel (the results are those of one pass in order).
    let judge_tool = |i: usize, dataflow: &Dataflow<'_>| {
        let (u, t, reach) = &reaches[i];
        let tool = tool_of(*u, *t);
        let mut mine: Vec<(usize, usize)> = reach
            .nodes()
            .iter()
            .filter_map(|n| by_node.get(n))
            .flatten()
            .copied()
            .collect();
        let (own, ranges) = reach.own_code();
        for r in ranges {
            let list = &by_offset[own];
            let first = list.partition_point(|&(o, _)| o < r.start);
            mine.extend(
                list[first..]
                    .iter()
                    .take_while(|&&(o, _)| o < r.end)
                    .map(|&(_, hi)| (own, hi)),
            );
        }
        let mut lost = false;
        if reach.cut() {
            let (beyond, cut_again) = program.reach_beyond(reach, beyond_cap);
            mine.extend(
                beyond
                    .iter()
                    .filter_map(|n| by_node.get(n))
                    .flatten()
                    .copied(),
            );
            lost = cut_again;
        }
        mine.sort_unstable();
        mine.dedup();
        let mut eff = ToolEffects::default();
        for &(hu, hi) in &mine {
            eff.add(hu, hi, &hits[hu][hi]);
        }
        let path_to = |hu: usize, off: usize| {
            program
                .function_reached(reach, hu, off)
                .and_then(|f| program.path_to(reach, f))
        };
        let flows = dataflow.from_tool(*u, tool);
        let scope = Scope {
            tool: Some(tool),
            unit: *u,
            effects: &eff,
            path_to: &path_to,
            flows: &flows,
            purpose: &purpose,
        };
        let judged = analysis::judge(&scope, units, hits);
        let report = tool_report(&units[*u], tool, &eff, hits);
        (mine, eff, judged, report, lost)
    };
    // The units that calls connect, each group with its tools in order: a group's dataflow shares
    // nothing with another's, so groups run in parallel, each on a memo of its own.
    let group_of = program.call_groups();
    let mut groups: BTreeMap<usize, (Vec<usize>, Vec<usize>)> = BTreeMap::new();
    for (u, &g) in group_of.iter().enumerate() {
        groups.entry(g).or_default().0.push(u);
    }
    for (i, (u, _, _)) in reaches.iter().enumerate() {
        groups.entry(group_of[*u]).or_default().1.push(i);
    }
    let jobs: Vec<_> = groups
        .into_values()
        .map(|(members, tools)| (members, tools, dataflow.fork()))
        .collect();
    let done: Vec<_> = jobs
        .into_par_iter()
        .map(|(members, tools, fork)| {
            let judged: Vec<_> = tools.iter().map(|&i| (i, judge_tool(i, &fork))).collect();
            // Then the secrets the code reads on its own, as one pass would after every tool.
            (judged, fork.from_sources(&members))
        })
        .collect();
    let mut per_tool = Vec::with_capacity(reaches.len());
    let mut from_sources = Vec::new();
    for (list, flows) in done {
        per_tool.extend(list);
        from_sources.push(flows);
    }
    per_tool.sort_unstable_by_key(|&(i, _)| i);
    // Files whose tools' reach was cut: listed once each, and a finding where even the
    // continuation of one of its tools was cut (what that tool does beyond it is unknown).
    let mut cut_files: BTreeMap<usize, bool> = BTreeMap::new();
    for (i, (_, _, _, _, lost)) in &per_tool {
        let (u, _, reach) = &reaches[*i];
        if reach.cut() {
            *cut_files.entry(*u).or_default() |= *lost;
        }
    }
    let mut skipped: Vec<Skip> = Vec::new();
    for (u, lost) in cut_files {
        let rel = &units[u].rel;
        skipped.push(Skip {
            path: rel.clone(),
            reason: evasion::reach_cut_reason(pairs.len(), cap, lost.then_some(beyond_cap)),
        });
        if lost {
            findings.push(evasion::reach_limit(rel, pairs.len(), beyond_cap));
        }
    }
    for (i, (mine, eff, judged, report, _)) in per_tool {
        for (hu, hi) in mine {
            covered[hu][hi] = true;
        }
        findings.extend(judged);
        add_endpoints(&eff, Some(&tool_of(reaches[i].0, reaches[i].1).name));
        tools.push((reaches[i].0, report));
    }
    findings.extend(analysis::abnormal_descriptions(units));
    // Flows from the secrets the code reads on its own, where no tool reaches them (a flow's sink
    // is in its source's group, so each file's flows keep their order).
    let mut loose: Vec<Vec<Flow>> = vec![Vec::new(); units.len()];
    for f in from_sources.into_iter().flatten() {
        if !covered[f.sink.0][f.sink.1] {
            loose[f.sink.0].push(f);
        }
    }
    // Each file's module code on its own, in parallel.
    let modules: Vec<(ToolEffects, Vec<Finding>)> = hits
        .par_iter()
        .enumerate()
        .filter_map(|(u, list)| {
            let mut eff = ToolEffects::default();
            for (hi, h) in list.iter().enumerate() {
                if !covered[u][hi] {
                    eff.add(u, hi, h);
                }
            }
            if eff.effects.is_empty() {
                return None;
            }
            let none = |_: usize, _: usize| None;
            let scope = Scope {
                tool: None,
                unit: u,
                effects: &eff,
                path_to: &none,
                flows: &loose[u],
                purpose: &purpose,
            };
            let mut judged = analysis::judge(&scope, units, hits);
            if outside[u] {
                judged.iter_mut().for_each(demote_outside_the_server);
            }
            Some((eff, judged))
        })
        .collect();
    for (eff, judged) in modules {
        findings.extend(judged);
        add_endpoints(&eff, None);
    }
    let mut endpoints: Vec<Endpoint> = endpoints.into_values().collect();
    for e in &mut endpoints {
        e.tools.sort();
        e.tools.dedup();
    }
    Whole {
        findings,
        tools,
        endpoints,
        skipped,
    }
}

/// What the server says it is for: its package names and every tool's name and description.
fn purpose(units: &[Unit], packages: &[String]) -> Purpose {
    let tools = units.iter().flat_map(|u| &u.facts.tools);
    Purpose::new(packages.iter().map(String::as_str).chain(
        tools.flat_map(|t| std::iter::once(t.name.as_str()).chain(t.description.as_deref())),
    ))
}

/// True for a test file that no tool reaches and no file of the server imports: neither the
/// server nor an install runs it (a test runner does, on a developer's machine). A test file the
/// server imports runs with it, and so is judged like the rest.
fn outside_the_server(program: &Program<'_>, units: &[Unit], unit: usize) -> bool {
    is_test_path(&units[unit].rel)
        && program
            .importers(unit)
            .iter()
            .all(|&i| is_test_path(&units[i].rel))
}

/// Test files by the conventions of pytest, unittest, Jest, Mocha and Vitest.
pub fn is_test_path(rel: &str) -> bool {
    let mut parts = rel.split('/');
    let name = parts.next_back().unwrap_or(rel);
    let in_test_dir = parts.any(|d| {
        matches!(
            d,
            "test" | "tests" | "__tests__" | "__mocks__" | "spec" | "specs" | "testing"
        )
    });
    let stem = name.split('.').next().unwrap_or(name);
    in_test_dir
        || name == "conftest.py"
        || (name.ends_with(".py") && (stem.starts_with("test_") || stem.ends_with("_test")))
        || name.contains(".test.")
        || name.contains(".spec.")
}

/// A finding in code outside the server keeps its place in the report but cannot decide the
/// verdict: it drops to `low`, and says why.
fn demote_outside_the_server(f: &mut Finding) {
    if f.severity > Severity::Low {
        f.evidence.push(Evidence {
            file: f.file.clone(),
            line: f.line,
            note: format!(
                "in a test file that no tool reaches and the server does not import: {} lowered to low",
                f.severity.word()
            ),
        });
        f.severity = Severity::Low;
    }
}

/// An installer behind a sub-command the user types (`server install`, `server install-hooks`)
/// edits client configs and hooks because the user asked it to: such persistence and
/// credential-access findings cannot make the verdict `high` on their own. Anything else it does
/// (sending data out, running downloaded code) keeps its weight: "run `npx x install`" is also
/// how an attacker gets a payload run.
fn demote_installer(f: &mut Finding) {
    if matches!(
        f.category,
        Category::Persistence | Category::CredentialAccess
    ) && f.severity > Severity::Medium
    {
        f.evidence.push(Evidence {
            file: f.file.clone(),
            line: f.line,
            note: format!(
                "runs only when the user types a command-line sub-command: {} lowered to medium",
                f.severity.word()
            ),
        });
        f.severity = Severity::Medium;
    }
}

fn tool_report(unit: &Unit, t: &Tool, e: &ToolEffects, hits: &[Vec<EffectHit>]) -> ToolReport {
    let _ = hits;
    ToolReport {
        name: escape_invisible(&t.name),
        kind: t.kind,
        description: t
            .description
            .as_deref()
            .map(|d| clip(&escape_invisible(d), 2000)),
        file: unit.rel.clone(),
        line: t.span.line,
        params: t.params.clone(),
        handler: t.handler.map(|h| Location {
            file: unit.rel.clone(),
            line: unit.facts.functions[h as usize].span.line,
        }),
        capabilities: e.effects.iter().copied().collect(),
        destinations: e
            .destinations
            .iter()
            .map(Dest::label)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
    }
}

/// Reads at most `max` bytes of a file the walk listed at `size` bytes: an error when unreadable
/// or larger. The buffer is sized for the listed size (and the end-of-file read), so a file is
/// one `read` and not a series of growing ones.
pub(crate) fn read_bounded(path: &Path, max: u64, size: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let f = std::fs::File::open(path).map_err(|e| format!("unreadable: {e}"))?;
    let mut buf = Vec::with_capacity(usize::try_from(size.min(max) + 1).unwrap_or(0));
    f.take(max + 1)
        .read_to_end(&mut buf)
        .map_err(|e| format!("unreadable: {e}"))?;
    if buf.len() as u64 > max {
        return Err(format!("larger than {max} bytes"));
    }
    Ok(buf)
}

fn is_binary(bytes: &[u8]) -> bool {
    memchr::memchr(0, &bytes[..bytes.len().min(8192)]).is_some()
}

impl Scanner<'_> {
    /// The ids of every signature (info ones included) and analysis rule that fire on one
    /// in-memory file named `rel`: what `mcp-scan rules test` checks each case against.
    pub fn rules_matching(&self, rel: &str, bytes: &[u8]) -> BTreeSet<String> {
        let mut ids = BTreeSet::new();
        let Some(kind) = crate::lang::classify_name(Path::new(rel)) else {
            return ids;
        };
        let sigs = self.signatures.all();
        match kind {
            FileKind::Special => ids.extend(
                self.signatures
                    .match_path(rel)
                    .iter()
                    .map(|h| sigs[h.sig].id.clone()),
            ),
            FileKind::Manifest(m) => {
                let mut out = FileScan {
                    rel: rel.to_owned(),
                    ..FileScan::default()
                };
                self.scan_manifest(&mut out, m, bytes);
                // Manifest matches of info rules do not become findings; list hits directly.
                let text = String::from_utf8_lossy(bytes);
                let name = rel.rsplit('/').next().unwrap_or(rel);
                let hits = match m {
                    Manifest::PackageJson => serde_json::from_str::<serde_json::Value>(&text)
                        .map(|v| {
                            self.signatures
                                .match_manifest(name, &ManifestData::Json(&v, &text))
                        })
                        .unwrap_or_default(),
                    Manifest::Pyproject => toml::from_str::<toml::Value>(&text)
                        .map(|v| {
                            self.signatures
                                .match_manifest(name, &ManifestData::Toml(&v, &text))
                        })
                        .unwrap_or_default(),
                    Manifest::SetupCfg => self
                        .signatures
                        .match_manifest(name, &ManifestData::Ini(&text)),
                    Manifest::SetupPy => Vec::new(),
                };
                ids.extend(hits.iter().map(|h| sigs[h.sig].id.clone()));
                ids.extend(out.findings.into_iter().map(|f| f.rule));
            }
            FileKind::Source(lang) => {
                let mut cx = ScanContext::new();
                let Some(tree) = cx.parse(lang, bytes, self.limits.parse_timeout_ms) else {
                    return ids;
                };
                let syntax = Syntax::new(&tree);
                let facts = facts::extract_from(lang, &syntax, bytes);
                let hits = self.signatures.match_source(
                    lang,
                    &facts,
                    &syntax,
                    &tree,
                    bytes,
                    &mut cx.cursor,
                );
                ids.extend(hits.iter().map(|h| sigs[h.sig].id.clone()));
                let mut out = FileScan {
                    rel: rel.to_owned(),
                    ..FileScan::default()
                };
                self.scan_source(&mut cx, &mut out, lang, bytes);
                ids.extend(out.findings.into_iter().map(|f| f.rule));
            }
        }
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finding_belongs_to_the_first_tool_whose_own_code_holds_it() {
        // Tools with nested, overlapping, repeated, empty and disjoint ranges over two files,
        // against every finding asking every tool of its file in order.
        let ranges: Vec<Vec<std::ops::Range<usize>>> = vec![
            vec![10..50],
            vec![20..30, 60..70],
            vec![0..15],
            vec![25..25, 40..80],
            vec![5..100],
            vec![],
        ];
        let own_by_unit = vec![vec![0, 1, 2, 3], vec![4, 5]];
        let finding = evasion::reach_limit("x.py", 1, 1);
        let located: Vec<(usize, usize, Finding)> = (0..2)
            .flat_map(|u| (0..110).rev().step_by(3).map(move |o| (u, o)))
            .map(|(u, o)| (u, o, finding.clone()))
            .collect();
        let fast = first_owners(&located, &own_by_unit, |i| &ranges[i]);
        for ((u, offset, _), got) in located.iter().zip(fast) {
            let want = own_by_unit[*u]
                .iter()
                .copied()
                .find(|&i| ranges[i].iter().any(|r| r.contains(offset)));
            assert_eq!(got, want, "unit {u} offset {offset}");
        }
    }
}
