//! SARIF 2.1.0: one run per report, a rule entry per rule id that produced a finding, results with
//! physical locations, and a stable partial fingerprint (rule, file, snippet) so code-scanning UIs
//! track a finding across line shifts.

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use super::wire::Report;
use crate::finding::{Finding, Severity};

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Info | Severity::Low => "note",
        Severity::Medium => "warning",
        Severity::High | Severity::Critical => "error",
    }
}

/// Writes one SARIF log holding a run per report.
pub fn print_sarif(reports: &[Report], out: &mut dyn Write) -> std::io::Result<()> {
    let runs: Vec<Value> = reports.iter().map(run).collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": runs,
    });
    serde_json::to_writer_pretty(&mut *out, &log)?;
    out.write_all(b"\n")
}

fn run(report: &Report) -> Value {
    let mut rules: BTreeMap<&str, &Finding> = BTreeMap::new();
    for f in &report.findings {
        rules.entry(f.rule.as_str()).or_insert(f);
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();
    let rule_list: Vec<Value> = rules
        .values()
        .map(|f| {
            json!({
                "id": f.rule,
                "name": f.rule,
                "shortDescription": { "text": f.message.split(": ").next().unwrap_or(&f.message) },
                "fullDescription": { "text": f.message },
                "defaultConfiguration": { "level": level(f.severity) },
                "properties": { "category": f.category.word(), "tags": ["security", f.category.word()] },
            })
        })
        .collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .map(|f| {
            let mut props = json!({ "severity": f.severity.word(), "confidence": f.confidence.word(), "category": f.category.word() });
            if let Some(t) = &f.tool {
                props["tool"] = json!(t);
            }
            json!({
                "ruleId": f.rule,
                "ruleIndex": index[f.rule.as_str()],
                "level": level(f.severity),
                "message": { "text": f.message },
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": { "uri": f.file, "uriBaseId": "SRCROOT" },
                        "region": { "startLine": f.line, "startColumn": f.column, "snippet": { "text": f.snippet } },
                    }
                }],
                "partialFingerprints": { "mcpScan/v1": f.fingerprint() },
                "properties": props,
            })
        })
        .collect();
    json!({
        "tool": { "driver": {
            "name": report.scanner.name,
            "version": report.scanner.version,
            "informationUri": "https://github.com/mcp-scan/mcp-scan",
            "rules": rule_list,
        }},
        "originalUriBaseIds": { "SRCROOT": { "description": { "text": report.target.spec } } },
        "results": results,
        "properties": { "score": report.score, "verdict": report.verdict.word(), "target": report.target.spec },
    })
}
