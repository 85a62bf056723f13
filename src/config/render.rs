//! Printing a config audit: the report structure shared by the text, JSON and SARIF outputs, and
//! the exit code it implies. Secrets are already masked by the checks; nothing here sees raw values.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::json;

use super::discover::Client;
use super::{ConfigError, ConfigFinding, ServerEntry};
use crate::finding::Severity;
use crate::report::sanitize;

pub use super::args::DeepResult;

/// What `--deep` made of one server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum DeepOutcome {
    /// The scanner ran on the server's code.
    Scanned(DeepResult),
    /// The scan was attempted and failed (fetch error, not found).
    Failed {
        /// What went wrong.
        reason: String,
    },
    /// Nothing to scan, and why.
    NotScanned {
        /// Why not ("docker image `…`: container images are not scanned").
        reason: String,
    },
}

/// One server and, with `--deep`, the scan of its code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerReport {
    /// The entry.
    #[serde(flatten)]
    pub server: ServerEntry,
    /// The deep scan, when `--deep` was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deep: Option<DeepOutcome>,
}

/// The outcome for one config file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum FileReport {
    /// The file was parsed and audited.
    Audited {
        /// The file.
        file: String,
        /// The client that reads it.
        client: Client,
        /// Its servers.
        servers: Vec<ServerReport>,
        /// Config findings, sorted.
        findings: Vec<ConfigFinding>,
    },
    /// The file could not be read or parsed.
    Error {
        /// The file.
        file: String,
        /// The client that reads it.
        client: Client,
        /// Line of the problem, when it has one.
        line: Option<u32>,
        /// Column of the problem, when it has one.
        column: Option<u32>,
        /// The full diagnostic (with the caret picture for syntax errors).
        message: String,
    },
}

impl FileReport {
    /// The report of a file that could not be audited.
    pub fn error(e: &ConfigError, client: Client) -> FileReport {
        let pos = e.pos();
        FileReport::Error {
            file: e.path().unwrap_or("").to_string(),
            client,
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.column),
            message: e.to_string(),
        }
    }
}

/// Everything `mcp-scan config` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigReport {
    /// One entry per audited (or failed) file.
    pub files: Vec<FileReport>,
    /// With no FILE given: every location looked at.
    pub searched: Vec<String>,
    /// The `--fail-on` threshold; `None` is `never`.
    #[serde(serialize_with = "fail_on_word")]
    pub fail_on: Option<Severity>,
    /// Whether `--deep` was asked for.
    pub deep: bool,
}

impl ConfigReport {
    /// 2 when a file could not be audited or a `--deep` scan failed (as `mcp-scan scan` exits 2
    /// when it cannot scan), else 1 when a finding (or a deep scan's worst finding) is at or above
    /// `fail_on`, else 0. Servers `--deep` does not scan by design (docker, remote) do not count.
    pub fn exit_code(&self) -> u8 {
        if self
            .files
            .iter()
            .any(|f| matches!(f, FileReport::Error { .. }))
            || self.deep_failures() > 0
        {
            return 2;
        }
        let worst = self.max_severity();
        u8::from(matches!((worst, self.fail_on), (Some(w), Some(bar)) if w >= bar))
    }

    /// How many servers `--deep` tried and failed to scan (fetch error, no such package).
    pub fn deep_failures(&self) -> usize {
        self.files
            .iter()
            .filter_map(|f| match f {
                FileReport::Audited { servers, .. } => Some(servers),
                FileReport::Error { .. } => None,
            })
            .flatten()
            .filter(|s| matches!(s.deep, Some(DeepOutcome::Failed { .. })))
            .count()
    }

    /// The highest severity among config findings and deep scans.
    pub fn max_severity(&self) -> Option<Severity> {
        let mut worst = None;
        for f in &self.files {
            if let FileReport::Audited {
                servers, findings, ..
            } = f
            {
                for x in findings {
                    worst = worst.max(Some(x.finding.severity));
                }
                for s in servers {
                    if let Some(DeepOutcome::Scanned(r)) = &s.deep {
                        worst = worst.max(r.max_severity);
                    }
                }
            }
        }
        worst
    }
}

/// The `--fail-on` word: a severity or `never`.
fn fail_on_text(f: Option<Severity>) -> &'static str {
    f.map_or("never", Severity::word)
}

fn fail_on_word<S: serde::Serializer>(f: &Option<Severity>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(fail_on_text(*f))
}

/// Writes the JSON report.
pub fn json(report: &ConfigReport, out: &mut dyn Write) -> io::Result<()> {
    let v = json!({
        "schema": "mcp-scan-config/1",
        "files": report.files,
        "searched": report.searched,
        "fail_on": fail_on_text(report.fail_on),
        "deep": report.deep,
        "exit_code": report.exit_code(),
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

/// Writes a SARIF 2.1.0 log: one result per config finding, one `config-parse-error` result per
/// file that could not be read, and with `--deep` one `config-deep-verdict` result per server whose
/// code has findings (at the level of its worst one) or `config-deep-scan-failed` per failed scan.
pub fn sarif(report: &ConfigReport, out: &mut dyn Write) -> io::Result<()> {
    let level = |s: Severity| match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    };
    let mut rules: Vec<String> = Vec::new();
    let mut results = Vec::new();
    for f in &report.files {
        match f {
            FileReport::Audited {
                file,
                findings,
                servers,
                ..
            } => {
                for cf in findings {
                    let x = &cf.finding;
                    if !rules.contains(&x.rule) {
                        rules.push(x.rule.clone());
                    }
                    results.push(json!({
                        "ruleId": x.rule,
                        "level": level(x.severity),
                        "message": { "text": format!("{} Fix: {}", x.message, cf.fix) },
                        "locations": [{ "physicalLocation": {
                            "artifactLocation": { "uri": x.file },
                            "region": { "startLine": x.line, "startColumn": x.column, "snippet": { "text": x.snippet } }
                        }}],
                        "properties": {
                            "category": x.category, "severity": x.severity,
                            "confidence": x.confidence, "server": x.tool,
                        },
                    }));
                }
                // With --deep, each server's verdict (and each failed scan) is a result at the
                // server's entry, so a dashboard fed only SARIF still sees what the code does.
                for s in servers {
                    let e = &s.server;
                    let spec = e.scan_spec.as_deref().unwrap_or("");
                    let (rule, lvl, text) = match &s.deep {
                        Some(DeepOutcome::Scanned(r)) => {
                            let Some(worst) = r.max_severity else {
                                continue;
                            };
                            (
                                "config-deep-verdict",
                                level(worst),
                                format!(
                                    "server \"{}\" runs {spec}, which the scanner rates {} (score {}, {} finding{}). Fix: run `mcp-scan scan {spec}` for the findings and remove the server unless each is explained.",
                                    e.name,
                                    r.verdict,
                                    r.score,
                                    r.findings,
                                    if r.findings == 1 { "" } else { "s" }
                                ),
                            )
                        }
                        Some(DeepOutcome::Failed { reason }) => (
                            "config-deep-scan-failed",
                            "error",
                            format!(
                                "server \"{}\" runs {spec}, which could not be scanned: {reason}",
                                e.name
                            ),
                        ),
                        _ => continue,
                    };
                    if !rules.iter().any(|r| r == rule) {
                        rules.push(rule.into());
                    }
                    results.push(json!({
                        "ruleId": rule,
                        "level": lvl,
                        "message": { "text": text },
                        "locations": [{ "physicalLocation": {
                            "artifactLocation": { "uri": file },
                            "region": { "startLine": e.line, "startColumn": e.column }
                        }}],
                        "properties": { "server": e.name, "scan_spec": spec, "deep": s.deep },
                    }));
                }
            }
            FileReport::Error {
                file,
                line,
                column,
                message,
                ..
            } => {
                if !rules.iter().any(|r| r == "config-parse-error") {
                    rules.push("config-parse-error".into());
                }
                let mut region = serde_json::Map::new();
                if let Some(l) = line {
                    region.insert("startLine".into(), json!(l));
                }
                if let Some(c) = column {
                    region.insert("startColumn".into(), json!(c));
                }
                let mut loc = json!({ "artifactLocation": { "uri": file } });
                if !region.is_empty() {
                    loc["region"] = serde_json::Value::Object(region);
                }
                results.push(json!({
                    "ruleId": "config-parse-error",
                    "level": "error",
                    "message": { "text": message },
                    "locations": [{ "physicalLocation": loc }],
                }));
            }
        }
    }
    let rules: Vec<_> = rules
        .iter()
        .map(|r| json!({ "id": r, "shortDescription": { "text": super::checks::rule_summary(r) } }))
        .collect();
    let v = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": { "name": "mcp-scan", "version": env!("CARGO_PKG_VERSION"), "rules": rules } },
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &v)?;
    writeln!(out)
}

/// The client named after a file's path in text output.
fn heading(client: Client) -> &'static str {
    match client {
        Client::Generic => "no known client: every layout tried, comments allowed",
        c => c.display_name(),
    }
}

fn sev_word(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
        Severity::Info => "INFO",
    }
}

/// Writes the human-readable report.
pub fn text(report: &ConfigReport, out: &mut dyn Write) -> io::Result<()> {
    if report.files.is_empty() {
        writeln!(out, "No MCP client config found.")?;
        if !report.searched.is_empty() {
            writeln!(out, "Looked for:")?;
            for s in &report.searched {
                writeln!(out, "  {}", sanitize(s))?;
            }
        }
        return Ok(());
    }
    let (mut nservers, mut nfindings, mut nerrors) = (0, 0, 0);
    for f in &report.files {
        match f {
            FileReport::Error {
                file,
                client,
                message,
                ..
            } => {
                nerrors += 1;
                writeln!(out, "{} ({})", sanitize(file), heading(*client))?;
                for l in message.lines() {
                    writeln!(out, "  {}", sanitize(l))?;
                }
                writeln!(out)?;
            }
            FileReport::Audited {
                file,
                client,
                servers,
                findings,
            } => {
                nservers += servers.len();
                nfindings += findings.len();
                writeln!(out, "{} ({})", sanitize(file), heading(*client))?;
                if servers.is_empty() {
                    writeln!(out, "  no servers")?;
                }
                let width = servers
                    .iter()
                    .map(|s| sanitize(&s.server.name).chars().count())
                    .max()
                    .unwrap_or(0);
                for s in servers {
                    let e = &s.server;
                    let what = match (&e.command, &e.url) {
                        (Some(c), _) => std::iter::once(c.as_str())
                            .chain(e.args.iter().map(String::as_str))
                            .collect::<Vec<_>>()
                            .join(" "),
                        (None, Some(u)) => u.clone(),
                        _ => "(nothing to start)".into(),
                    };
                    let mut what: String = sanitize(&what).chars().take(120).collect();
                    if e.disabled {
                        what.push_str("  (disabled)");
                    }
                    let project = e
                        .project
                        .as_deref()
                        .map(|p| format!(" [project {}]", sanitize(p)))
                        .unwrap_or_default();
                    let t = match e.transport {
                        super::Transport::Stdio => "stdio",
                        super::Transport::Http => "http",
                        super::Transport::Sse => "sse",
                        super::Transport::Unknown => "?",
                    };
                    writeln!(
                        out,
                        "  {:width$}  {t:5}  {what}{project}",
                        sanitize(&e.name)
                    )?;
                    let spec = sanitize(e.scan_spec.as_deref().unwrap_or(""));
                    match &s.deep {
                        Some(DeepOutcome::Scanned(r)) => writeln!(
                            out,
                            "  {:width$}  deep:  {spec} → {} (score {}, {} finding{})",
                            "",
                            sanitize(&r.verdict),
                            r.score,
                            r.findings,
                            if r.findings == 1 { "" } else { "s" }
                        )?,
                        Some(DeepOutcome::Failed { reason: why }) => writeln!(
                            out,
                            "  {:width$}  deep:  {spec} → scan failed: {}",
                            "",
                            sanitize(why)
                        )?,
                        Some(DeepOutcome::NotScanned { reason: why }) => writeln!(
                            out,
                            "  {:width$}  deep:  not scanned: {}",
                            "",
                            sanitize(why)
                        )?,
                        None => {}
                    }
                }
                if !findings.is_empty() {
                    writeln!(out)?;
                }
                for cf in findings {
                    let x = &cf.finding;
                    let server = x
                        .tool
                        .as_deref()
                        .map(|t| format!("  [{}]", sanitize(t)))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "  {} {}  {}:{}:{}{server}",
                        sev_word(x.severity),
                        x.rule,
                        sanitize(&x.file),
                        x.line,
                        x.column
                    )?;
                    writeln!(out, "    {}", sanitize(&x.message))?;
                    if !x.snippet.is_empty() {
                        writeln!(out, "    | {}", sanitize(&x.snippet))?;
                    }
                    writeln!(out, "    fix: {}", sanitize(&cf.fix))?;
                }
                writeln!(out)?;
            }
        }
    }
    let mut counts = Vec::new();
    for s in Severity::VALUES.iter().rev() {
        let n = report
            .files
            .iter()
            .filter_map(|f| match f {
                FileReport::Audited { findings, .. } => Some(findings),
                _ => None,
            })
            .flatten()
            .filter(|f| f.finding.severity == *s)
            .count();
        if n > 0 {
            counts.push(format!("{n} {s}"));
        }
    }
    let by_sev = if counts.is_empty() {
        String::new()
    } else {
        format!(" ({})", counts.join(", "))
    };
    let files = report.files.len();
    write!(
        out,
        "{files} file{}, {nservers} server{}, {nfindings} finding{}{by_sev}",
        if files == 1 { "" } else { "s" },
        if nservers == 1 { "" } else { "s" },
        if nfindings == 1 { "" } else { "s" },
    )?;
    if nerrors > 0 {
        write!(
            out,
            ", {nerrors} file{} could not be read or parsed",
            if nerrors == 1 { "" } else { "s" }
        )?;
    }
    let failed = report.deep_failures();
    if failed > 0 {
        write!(
            out,
            ", {failed} server{} could not be deep-scanned",
            if failed == 1 { "" } else { "s" }
        )?;
    }
    writeln!(
        out,
        "; exit {} (fail-on {})",
        report.exit_code(),
        fail_on_text(report.fail_on)
    )
}
