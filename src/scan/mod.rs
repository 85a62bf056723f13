//! The scanner: walk a tree, scan every file in parallel (rayon, one [`ScanContext`] per worker),
//! then assemble one deterministic [`Report`]: findings sorted by place, tools with what they can
//! reach, outbound endpoints, skipped files, score and verdict.
//!
//! A file's scan: read (bounded) → refuse binary → parse with a time limit → extract facts →
//! match signatures → attribute each match to the MCP tool whose handler reaches it → analyse
//! per-tool chains ([`crate::analysis`]). Manifests are matched as data; files such as `.pth`
//! startup files by their path.

mod context;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

pub use context::ScanContext;
pub use walk::{Entry, Limits};

use crate::analysis::{self, ToolEffects};
use crate::facts::{self, FileFacts, Span, ToolReach};
use crate::finding::{Evidence, Finding, Severity, Skip};
use crate::lang::{FileKind, Language, Manifest};
use crate::report::wire::{Endpoint, Location, Report, ScannerInfo, Stats, Target, ToolReport};
use crate::signature::{Effect, Hit, ManifestData, Signatures, clip, escape_invisible};

/// Longest snippet shown for a finding, in characters.
const SNIPPET_CHARS: usize = 160;

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
    /// Tools declared in the file.
    pub tools: Vec<ToolReport>,
    /// Outbound destinations used in the file.
    pub endpoints: Vec<Endpoint>,
    /// Why the file was not scanned, if it was not.
    pub skip: Option<Skip>,
}

/// Scans trees with one compiled rule set.
#[derive(Debug)]
pub struct Scanner<'s> {
    signatures: &'s Signatures,
    limits: Limits,
}

impl<'s> Scanner<'s> {
    /// A scanner with default limits.
    pub fn new(signatures: &'s Signatures) -> Scanner<'s> {
        Scanner {
            signatures,
            limits: Limits::default(),
        }
    }

    /// Replaces the limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Scanner<'s> {
        self.limits = limits;
        self
    }

    /// Scans a directory or a single file. `target` describes it in the report.
    pub fn scan(&self, root: &Path, target: Target) -> Report {
        let start = Instant::now();
        let (entries, mut skipped) = walk::walk(root, &self.limits);
        let scans: Vec<FileScan> = entries
            .par_iter()
            .map_init(ScanContext::new, |cx, e| self.scan_entry(cx, e))
            .collect();
        let mut findings = Vec::new();
        let mut tools = Vec::new();
        let mut endpoints: BTreeMap<(String, Effect), Endpoint> = BTreeMap::new();
        let mut stats = Stats {
            files: entries.len(),
            ..Stats::default()
        };
        for s in scans {
            stats.bytes += s.bytes;
            stats.parsed += usize::from(s.parsed);
            skipped.extend(s.skip);
            findings.extend(s.findings);
            tools.extend(s.tools);
            for e in s.endpoints {
                endpoints
                    .entry((e.destination.clone(), e.via))
                    .and_modify(|x| {
                        for t in &e.tools {
                            if !x.tools.contains(t) {
                                x.tools.push(t.clone());
                            }
                        }
                    })
                    .or_insert(e);
            }
        }
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        findings.dedup_by(|a, b| a.sort_key() == b.sort_key());
        skipped.sort();
        let mut endpoints: Vec<Endpoint> = endpoints.into_values().collect();
        for e in &mut endpoints {
            e.tools.sort();
        }
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

    fn scan_entry(&self, cx: &mut ScanContext, entry: &Entry) -> FileScan {
        let mut out = FileScan {
            rel: entry.rel.clone(),
            ..FileScan::default()
        };
        let bytes = match read_bounded(&entry.path, self.limits.max_file_bytes) {
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
                let hits = self.signatures.match_path(&entry.rel);
                let text = String::from_utf8_lossy(&bytes);
                out.findings = self.findings_from_hits(&entry.rel, &text, &hits, None);
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
                Ok(v) => self
                    .signatures
                    .match_manifest(&name, &ManifestData::Json(&v, &text)),
                Err(e) => {
                    out.skip = Some(Skip {
                        path: out.rel.clone(),
                        reason: format!("invalid JSON: {e}"),
                    });
                    return;
                }
            },
            Manifest::Pyproject => match toml::from_str::<toml::Value>(&text) {
                Ok(v) => self
                    .signatures
                    .match_manifest(&name, &ManifestData::Toml(&v, &text)),
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
        out.findings = self.findings_from_hits(&out.rel, &text, &hits, None);
    }

    fn scan_source(&self, cx: &mut ScanContext, out: &mut FileScan, lang: Language, bytes: &[u8]) {
        let Some(tree) = cx.parse(lang, bytes, self.limits.parse_timeout_ms) else {
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
        let facts = facts::extract(lang, &tree, bytes);
        let mut hits = self
            .signatures
            .match_source(lang, &facts, &tree, bytes, &mut cx.cursor);
        hits.extend(self.signatures.match_path(&out.rel));
        let text = String::from_utf8_lossy(bytes);
        let reach = ToolReach::new(&facts);
        let file = FileContext {
            rel: &out.rel,
            text: &text,
            facts: &facts,
            reach: &reach,
        };
        out.findings = self.findings_from_hits(&out.rel, &text, &hits, Some(&file));
        let effects = self.tool_effects(&file, &hits);
        out.findings
            .extend(analysis::chains(&file, &effects, &out.findings));
        out.tools = self.tool_reports(&file, &effects);
        out.endpoints = endpoints(&file, &effects);
    }

    /// Turns hits into findings (one per rule and line), skipping capability-only rules.
    fn findings_from_hits(
        &self,
        rel: &str,
        text: &str,
        hits: &[Hit],
        file: Option<&FileContext<'_>>,
    ) -> Vec<Finding> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for h in hits {
            let sig = &self.signatures.all()[h.sig];
            if sig.severity == Severity::Info || !seen.insert((h.sig, h.span.line)) {
                continue;
            }
            let tool = file.and_then(|f| f.tool_names_at(h.span.start).into_iter().next());
            let mut evidence = Vec::new();
            if let Some(d) = &h.detail {
                evidence.push(Evidence {
                    file: rel.to_owned(),
                    line: h.span.line,
                    note: d.clone(),
                });
            }
            let (snippet, column) = snippet(text, h.span);
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
                tool,
                evidence,
            });
        }
        out
    }

    /// Per tool: the effects its handler reaches, with destinations.
    fn tool_effects(&self, file: &FileContext<'_>, hits: &[Hit]) -> Vec<ToolEffects> {
        let mut per_tool: Vec<ToolEffects> = file
            .facts
            .tools
            .iter()
            .map(|_| ToolEffects::default())
            .collect();
        let mut module = ToolEffects::default();
        for h in hits {
            let sig = &self.signatures.all()[h.sig];
            let Some(effect) = sig.effect else { continue };
            let dest = analysis::destination(file.facts, h.span, effect);
            let tools = file.reach.tools_at(file.facts, h.span.start);
            let targets: Vec<&mut ToolEffects> = if tools.is_empty() {
                vec![&mut module]
            } else {
                per_tool
                    .iter_mut()
                    .enumerate()
                    .filter(|(i, _)| tools.contains(i))
                    .map(|(_, t)| t)
                    .collect()
            };
            for t in targets {
                t.add(effect, h, dest.clone(), sig.category, sig.severity);
            }
        }
        per_tool.push(module);
        per_tool
    }

    fn tool_reports(&self, file: &FileContext<'_>, effects: &[ToolEffects]) -> Vec<ToolReport> {
        file.facts
            .tools
            .iter()
            .zip(effects)
            .map(|(t, e)| ToolReport {
                name: escape_invisible(&t.name),
                kind: t.kind,
                description: t
                    .description
                    .as_deref()
                    .map(|d| clip(&escape_invisible(d), 2000)),
                file: file.rel.to_owned(),
                line: t.span.line,
                params: t.params.clone(),
                handler: t.handler.map(|h| Location {
                    file: file.rel.to_owned(),
                    line: file.facts.functions[h as usize].span.line,
                }),
                capabilities: e.effects.iter().copied().collect(),
                destinations: e
                    .destinations
                    .iter()
                    .map(|d| d.label())
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
            })
            .collect()
    }
}

/// Everything about one parsed file that the finding and analysis steps need.
pub struct FileContext<'a> {
    /// Path relative to the root.
    pub rel: &'a str,
    /// The file's text (lossy UTF-8).
    pub text: &'a str,
    /// Its facts.
    pub facts: &'a FileFacts,
    /// Which tools reach which functions.
    pub reach: &'a ToolReach,
}

impl FileContext<'_> {
    /// Names of the tools a byte offset belongs to.
    pub fn tool_names_at(&self, offset: usize) -> Vec<String> {
        self.reach
            .tools_at(self.facts, offset)
            .into_iter()
            .map(|i| self.facts.tools[i].name.clone())
            .collect()
    }
}

fn endpoints(file: &FileContext<'_>, effects: &[ToolEffects]) -> Vec<Endpoint> {
    let mut out: BTreeMap<(String, Effect), Endpoint> = BTreeMap::new();
    for (i, e) in effects.iter().enumerate() {
        let tool = file.facts.tools.get(i).map(|t| t.name.clone());
        for d in &e.destinations {
            let Some(literal) = d.literal() else { continue };
            let entry = out
                .entry((literal.to_owned(), d.via))
                .or_insert_with(|| Endpoint {
                    destination: literal.to_owned(),
                    via: d.via,
                    tools: Vec::new(),
                    file: file.rel.to_owned(),
                    line: d.line,
                });
            if let Some(t) = &tool
                && !entry.tools.contains(t)
            {
                entry.tools.push(t.clone());
            }
            entry.line = entry.line.min(d.line);
        }
    }
    out.into_values().collect()
}

/// The source line of a span, clipped around the column, and the 1-based character column.
pub fn snippet(text: &str, span: Span) -> (String, u32) {
    let line_start = if span.start == 0 && span.line > 1 {
        // Spans without offsets (manifest hits) locate by line number.
        text.split_inclusive('\n')
            .take(span.line as usize - 1)
            .map(str::len)
            .sum()
    } else {
        text[..span.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1)
    };
    let line_start = line_start.min(text.len());
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let line = &text[line_start..line_end];
    let col_byte = (span.byte_column as usize).min(line.len());
    let col_byte = (0..=col_byte)
        .rev()
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(0);
    let column = line[..col_byte].chars().count();
    let chars: Vec<char> = line.chars().collect();
    let (from, prefix) = if chars.len() > SNIPPET_CHARS && column > SNIPPET_CHARS / 2 {
        (column - SNIPPET_CHARS / 2, "…")
    } else {
        (0, "")
    };
    let mut s: String = prefix.to_owned();
    s.extend(chars.iter().skip(from).take(SNIPPET_CHARS));
    if chars.len() > from + SNIPPET_CHARS {
        s.push('…');
    }
    (
        s.trim_end().to_owned(),
        u32::try_from(column + 1).unwrap_or(u32::MAX),
    )
}

fn read_bounded(path: &Path, max: u64) -> Result<Vec<u8>, String> {
    use std::io::Read as _;
    let f = std::fs::File::open(path).map_err(|e| format!("unreadable: {e}"))?;
    let mut buf = Vec::new();
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
                let facts = facts::extract(lang, &tree, bytes);
                let hits = self
                    .signatures
                    .match_source(lang, &facts, &tree, bytes, &mut cx.cursor);
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
