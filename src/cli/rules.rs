//! `mcp-scan rules list | test | check`.

use std::io::Write;
use std::path::PathBuf;

use clap::Subcommand;

use super::exit;
use super::scan::load_signatures;
use crate::rules::{CaseStatus, test_all};

#[derive(Debug, Subcommand)]
pub(super) enum RulesCommand {
    /// Print every signature: id, category, severity, confidence, languages.
    List {
        /// Also load signatures from DIR.
        #[arg(long, value_name = "DIR")]
        signatures: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Run every signature's match / no-match cases; exit 1 if any fails.
    Test {
        /// Also load signatures from DIR.
        #[arg(long, value_name = "DIR")]
        signatures: Option<PathBuf>,
        /// Only signatures whose id contains this text.
        #[arg(long)]
        filter: Option<String>,
    },
    /// Only load and validate the signatures (exit 2 with every error if any is broken).
    Check {
        /// Also load signatures from DIR.
        #[arg(long, value_name = "DIR")]
        signatures: Option<PathBuf>,
    },
}

pub(super) fn run(
    cmd: &RulesCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    match cmd {
        RulesCommand::List { signatures, json } => {
            let Some(sigs) = load_signatures(signatures.as_deref(), err) else {
                return Ok(exit::ERROR);
            };
            if *json {
                let list: Vec<_> = sigs
                    .all()
                    .iter()
                    .map(|s| {
                        serde_json::json!({
                            "id": s.id, "category": s.category, "severity": s.severity,
                            "confidence": s.confidence, "languages": s.languages(),
                            "effect": s.effect, "message": s.message, "why": s.why, "cases": s.cases.len(),
                        })
                    })
                    .collect();
                serde_json::to_writer_pretty(&mut *out, &list)?;
                writeln!(out)?;
            } else {
                writeln!(
                    out,
                    "{:<40} {:<18} {:<9} {:<10} languages",
                    "id", "category", "severity", "confidence"
                )?;
                for s in sigs.all() {
                    writeln!(
                        out,
                        "{:<40} {:<18} {:<9} {:<10} {}",
                        s.id,
                        s.category.word(),
                        s.severity.word(),
                        s.confidence.word(),
                        s.languages().join(",")
                    )?;
                }
                writeln!(out, "\n{} signatures", sigs.all().len())?;
            }
            Ok(exit::OK)
        }
        RulesCommand::Test { signatures, filter } => {
            let Some(sigs) = load_signatures(signatures.as_deref(), err) else {
                return Ok(exit::ERROR);
            };
            let mut results = test_all(&sigs);
            if let Some(f) = filter {
                results.retain(|r| r.rule.contains(f.as_str()));
            }
            results.sort_by(|a, b| (&a.rule, a.case).cmp(&(&b.rule, b.case)));
            let mut failed = 0;
            for r in &results {
                let word = match r.status {
                    CaseStatus::Validated => continue,
                    CaseStatus::Missing => "MISSING (expected a match)",
                    CaseStatus::Noisy => "NOISY (matched a no-match case)",
                };
                failed += 1;
                writeln!(out, "{} case {} ({}): {word}", r.rule, r.case, r.path)?;
            }
            let passed = results.len() - failed;
            writeln!(out, "rules: {passed} passed, {failed} failed")?;
            Ok(if failed == 0 {
                exit::OK
            } else {
                exit::FINDINGS
            })
        }
        RulesCommand::Check { signatures } => {
            let Some(sigs) = load_signatures(signatures.as_deref(), err) else {
                return Ok(exit::ERROR);
            };
            if let Err(e) = sigs.compile_all() {
                writeln!(err, "mcp-scan: signature error: {e}")?;
                return Ok(exit::ERROR);
            }
            writeln!(out, "{} signatures OK", sigs.all().len())?;
            Ok(exit::OK)
        }
    }
}
