//! SARIF 2.1.0: one run per report, a rule entry per rule id that produced a finding, results with
//! physical locations, and a stable partial fingerprint (rule, file, snippet) so code-scanning UIs
//! track a finding across line shifts.

use std::collections::BTreeMap;
use std::io::Write;

use serde::Serialize;

use super::wire::Report;
use crate::finding::{Finding, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info | Severity::Low => "note",
        Severity::Medium => "warning",
        Severity::High | Severity::Critical => "error",
    }
}

/// Writes one SARIF log holding a run per report. The log is written as it is serialised, from
/// borrowed strings: a report of tens of thousands of findings costs no second copy of itself.
pub fn print_sarif(reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    let log = Log {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: reports.iter().map(run).collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

#[derive(Serialize)]
struct Log<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: Vec<Run<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'r> {
    tool: ToolComponent<'r>,
    original_uri_base_ids: BaseIds<'r>,
    results: Vec<SarifResult<'r>>,
    properties: RunProperties<'r>,
}

#[derive(Serialize)]
struct ToolComponent<'r> {
    driver: Driver<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'r> {
    name: &'r str,
    version: &'r str,
    information_uri: &'static str,
    rules: Vec<Rule<'r>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Rule<'r> {
    id: &'r str,
    name: &'r str,
    short_description: Text<'r>,
    full_description: Text<'r>,
    default_configuration: Level,
    properties: RuleProperties<'r>,
}

#[derive(Serialize)]
struct Text<'r> {
    text: &'r str,
}

#[derive(Serialize)]
struct Level {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'r> {
    category: &'r str,
    tags: [&'r str; 2],
}

#[derive(Serialize)]
struct BaseIds<'r> {
    #[serde(rename = "SRCROOT")]
    srcroot: BaseId<'r>,
}

#[derive(Serialize)]
struct BaseId<'r> {
    description: Text<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'r str,
    rule_index: usize,
    level: &'static str,
    message: Text<'r>,
    locations: [Location<'r>; 1],
    partial_fingerprints: Fingerprints,
    properties: ResultProperties<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'r> {
    physical_location: PhysicalLocation<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'r> {
    artifact_location: ArtifactLocation<'r>,
    region: Region<'r>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation<'r> {
    uri: &'r str,
    uri_base_id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region<'r> {
    start_line: u32,
    start_column: u32,
    snippet: Text<'r>,
}

#[derive(Serialize)]
struct Fingerprints {
    #[serde(rename = "mcpScan/v1")]
    v1: String,
}

#[derive(Serialize)]
struct ResultProperties<'r> {
    severity: &'static str,
    confidence: &'static str,
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool: Option<&'r str>,
}

#[derive(Serialize)]
struct RunProperties<'r> {
    score: u8,
    verdict: &'static str,
    target: &'r str,
}

fn run(report: &Report) -> Run<'_> {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.rule.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rule_list = rules
        .values()
        .map(|f| Rule {
            id: &f.rule,
            name: &f.rule,
            short_description: Text {
                text: f.message.split(": ").next().unwrap_or(&f.message),
            },
            full_description: Text { text: &f.message },
            default_configuration: Level {
                level: level(f.severity),
            },
            properties: RuleProperties {
                category: f.category.word(),
                tags: ["security", f.category.word()],
            },
        })
        .collect();
    let results = report
        .findings
        .iter()
        .map(|f| SarifResult {
            rule_id: &f.rule,
            rule_index: index[f.rule.as_str()],
            level: level(f.severity),
            message: Text { text: &f.message },
            locations: [Location {
                physical_location: PhysicalLocation {
                    artifact_location: ArtifactLocation {
                        uri: &f.file,
                        uri_base_id: "SRCROOT",
                    },
                    region: Region {
                        start_line: f.line,
                        start_column: f.column,
                        snippet: Text { text: &f.snippet },
                    },
                },
            }],
            partial_fingerprints: Fingerprints {
                v1: f.fingerprint(),
            },
            properties: ResultProperties {
                severity: f.severity.word(),
                confidence: f.confidence.word(),
                category: f.category.word(),
                tool: f.tool.as_deref(),
            },
        })
        .collect();
    Run {
        tool: ToolComponent {
            driver: Driver {
                name: &report.scanner.name,
                version: &report.scanner.version,
                information_uri: "https://github.com/mcp-scan/mcp-scan",
                rules: rule_list,
            },
        },
        original_uri_base_ids: BaseIds {
            srcroot: BaseId {
                description: Text {
                    text: &report.target.spec,
                },
            },
        },
        results,
        properties: RunProperties {
            score: report.score,
            verdict: report.verdict.word(),
            target: &report.target.spec,
        },
    }
}
