//! The human report: verdict first, then what each tool can reach, where data can go, and each
//! finding with its place, source line, caret and evidence. Colour only when asked for (the CLI
//! turns it on for terminals); every scanned string is sanitized.

use std::io::Write;

use super::sanitize;
use super::wire::Report;
use crate::finding::{Finding, Severity};
use crate::score::Verdict;
use crate::signature::Effect;

/// Text printer settings.
#[derive(Debug, Clone, Copy, Default)]
pub struct TextOptions {
    /// Use ANSI colours.
    pub color: bool,
    /// List every skipped file instead of a count.
    pub verbose: bool,
}

struct Paint {
    on: bool,
}

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_owned()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    fn dim(&self, s: &str) -> String {
        self.wrap("2", s)
    }
    fn severity(&self, sev: Severity, s: &str) -> String {
        let code = match sev {
            Severity::Critical => "1;37;41",
            Severity::High => "1;31",
            Severity::Medium => "1;33",
            Severity::Low => "36",
            Severity::Info => "2",
        };
        self.wrap(code, s)
    }
    fn verdict(&self, v: Verdict, s: &str) -> String {
        let code = match v {
            Verdict::Critical => "1;37;41",
            Verdict::High => "1;31",
            Verdict::Medium => "1;33",
            Verdict::Low => "1;36",
            Verdict::Clean => "1;32",
        };
        self.wrap(code, s)
    }
}

const COLUMNS: [(&str, &[Effect]); 6] = [
    ("net", &[Effect::Network, Effect::Mail, Effect::Dns]),
    ("read", &[Effect::FileRead]),
    ("write", &[Effect::FileWrite]),
    ("exec", &[Effect::Process, Effect::Code]),
    ("env", &[Effect::Env]),
    ("secret", &[Effect::Secret]),
];

/// Writes the text report.
pub fn print_text(r: &Report, opts: &TextOptions, out: &mut dyn Write) -> std::io::Result<()> {
    let p = Paint { on: opts.color };
    let target = match &r.target.resolved {
        Some(res) => format!("{} ({})", sanitize(&r.target.spec), sanitize(res)),
        None => sanitize(&r.target.spec),
    };
    writeln!(
        out,
        "{} {}",
        p.bold("mcp-scan"),
        p.dim(&format!(
            "{} · {} signatures",
            r.scanner.version, r.scanner.signatures
        ))
    )?;
    writeln!(
        out,
        "target  {target}  {}",
        p.dim(&format!(
            "[{}] {} files, {} parsed, {} skipped, {} ms",
            r.target.kind,
            r.stats.files,
            r.stats.parsed,
            r.stats.skipped.len(),
            r.stats.elapsed_ms
        ))
    )?;
    let counts = count_by_severity(&r.findings);
    writeln!(
        out,
        "\n{}  {}  {}\n",
        p.verdict(r.verdict, &format!(" {} ", r.verdict.word().to_uppercase())),
        p.bold(&format!("risk {}/100", r.score)),
        p.dim(&counts),
    )?;

    if !r.tools.is_empty() {
        writeln!(out, "{}", p.bold(&format!("Tools ({})", r.tools.len())))?;
        let width = r
            .tools
            .iter()
            .map(|t| sanitize(&t.name).chars().count() + kind_tag(t).len())
            .max()
            .unwrap_or(4)
            .clamp(4, 40);
        let header: Vec<String> = COLUMNS.iter().map(|(h, _)| format!("{h:<6}")).collect();
        writeln!(
            out,
            "  {:<width$}  {} {}",
            "",
            p.dim(&header.join("")),
            p.dim("destinations")
        )?;
        for t in &r.tools {
            let name = format!("{}{}", sanitize(&t.name), kind_tag(t));
            let cells: String = COLUMNS
                .iter()
                .map(|(_, effects)| {
                    let hit: Vec<&str> = effects
                        .iter()
                        .filter(|e| t.capabilities.contains(e))
                        .map(|e| e.word())
                        .collect();
                    let cell = match hit.as_slice() {
                        [] => "·".to_owned(),
                        [one] => mark(one),
                        _ => "●".to_owned(),
                    };
                    format!("{cell:<6}")
                })
                .collect();
            let dest: Vec<String> = t.destinations.iter().map(|d| sanitize(d)).collect();
            writeln!(
                out,
                "  {:<width$}  {cells} {}",
                crate::signature::clip(&name, 40),
                dest.join(", ")
            )?;
        }
        writeln!(out)?;
    }

    if !r.endpoints.is_empty() {
        writeln!(out, "{}", p.bold("Where data can go"))?;
        for e in &r.endpoints {
            let tools = if e.tools.is_empty() {
                "module code".to_owned()
            } else {
                e.tools
                    .iter()
                    .map(|t| sanitize(t))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            writeln!(
                out,
                "  {:<34} {:<8} ← {}  {}",
                sanitize(&e.destination),
                e.via.word(),
                tools,
                p.dim(&format!("{}:{}", sanitize(&e.file), e.line))
            )?;
        }
        writeln!(out)?;
    }

    let shown: Vec<&Finding> = r.findings.iter().collect();
    if shown.is_empty() {
        writeln!(out, "No findings.")?;
    } else {
        writeln!(out, "{}", p.bold(&format!("Findings ({})", shown.len())))?;
        let mut ordered = shown.clone();
        ordered.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.sort_key().cmp(&b.sort_key()))
        });
        for f in ordered {
            writeln!(
                out,
                "\n  {} {}  {}  {}",
                p.severity(
                    f.severity,
                    &format!("{:<8}", f.severity.word().to_uppercase())
                ),
                p.bold(f.category.word()),
                f.rule,
                p.dim(&format!("confidence {}", f.confidence.word())),
            )?;
            let tool = f
                .tool
                .as_ref()
                .map(|t| format!("  in tool `{}`", sanitize(t)))
                .unwrap_or_default();
            writeln!(
                out,
                "    {}:{}:{}{tool}",
                sanitize(&f.file),
                f.line,
                f.column
            )?;
            if !f.snippet.is_empty() {
                let snip = sanitize(&f.snippet);
                let gutter = f.line.to_string();
                writeln!(out, "    {} | {}", p.dim(&gutter), snip)?;
                let caret_col = caret_column(&f.snippet, f.column);
                writeln!(
                    out,
                    "    {} | {}{}",
                    " ".repeat(gutter.len()),
                    " ".repeat(caret_col),
                    p.severity(f.severity, "^")
                )?;
            }
            writeln!(out, "    {}", sanitize(&f.message))?;
            for e in &f.evidence {
                writeln!(
                    out,
                    "      {} {}",
                    p.dim(&format!("{}:{}", sanitize(&e.file), e.line)),
                    sanitize(&e.note)
                )?;
            }
        }
        writeln!(out)?;
    }

    if !r.stats.skipped.is_empty() {
        if opts.verbose {
            writeln!(
                out,
                "{}",
                p.bold(&format!("Skipped ({})", r.stats.skipped.len()))
            )?;
            for s in &r.stats.skipped {
                writeln!(
                    out,
                    "  {}  {}",
                    sanitize(&s.path),
                    p.dim(&sanitize(&s.reason))
                )?;
            }
        } else {
            let mut reasons: std::collections::BTreeMap<&str, usize> =
                std::collections::BTreeMap::new();
            for s in &r.stats.skipped {
                *reasons.entry(s.reason.as_str()).or_default() += 1;
            }
            let summary: Vec<String> = reasons
                .iter()
                .map(|(r, n)| format!("{n} {}", sanitize(r)))
                .collect();
            writeln!(
                out,
                "{}",
                p.dim(&format!(
                    "Skipped: {} (--verbose lists them)",
                    summary.join("; ")
                ))
            )?;
        }
    }
    if r.stats.suppressed > 0 {
        writeln!(
            out,
            "{}",
            p.dim(&format!(
                "{} finding(s) suppressed by the baseline",
                r.stats.suppressed
            ))
        )?;
    }
    Ok(())
}

fn kind_tag(t: &super::wire::ToolReport) -> &'static str {
    match t.kind {
        crate::facts::ToolKind::Tool => "",
        crate::facts::ToolKind::Resource => " (resource)",
        crate::facts::ToolKind::Prompt => " (prompt)",
    }
}

fn mark(effect: &str) -> String {
    match effect {
        "mail" => "mail",
        "dns" => "dns",
        _ => "●",
    }
    .to_owned()
}

fn count_by_severity(findings: &[Finding]) -> String {
    let mut parts = Vec::new();
    for sev in [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ] {
        let n = findings.iter().filter(|f| f.severity == sev).count();
        if n > 0 {
            parts.push(format!("{n} {}", sev.word()));
        }
    }
    if parts.is_empty() {
        "no findings".to_owned()
    } else {
        parts.join(", ")
    }
}

/// Where the caret goes under a (possibly clipped) snippet.
fn caret_column(snippet: &str, column: u32) -> usize {
    let col = column.saturating_sub(1) as usize;
    let len = snippet.chars().count();
    if snippet.starts_with('…') {
        (len / 2).min(len)
    } else {
        col.min(len.saturating_sub(1))
    }
}
