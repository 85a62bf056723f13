//! `mcp-scan config [FILE…]`: audit the MCP client config files on this machine (or the files
//! given), and with `--deep` scan every server they start with the full scanner.

use std::io::Write;

use super::{exit, sanitize_lines};
use crate::config::{ConfigArgs, ConfigError, DeepResult, run as run_audit};
use crate::finding::Severity;
use crate::scan::Scanner;
use crate::score::Verdict;
use crate::source::SourceOptions;

pub(super) fn run(
    args: &ConfigArgs,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<u8> {
    let signatures = if args.deep {
        match super::scan::load_signatures(None, err) {
            Some(s) => Some(s),
            None => return Ok(exit::ERROR),
        }
    } else {
        None
    };
    let source = SourceOptions {
        npm_registry: args.npm_registry.clone(),
        pypi_index: args.pypi_index.clone(),
        cache_dir: args.cache_dir.clone(),
        offline: args.offline,
        no_cache: args.no_cache,
        ..SourceOptions::default()
    };
    let deep = |spec: &str| -> Result<DeepResult, String> {
        let sigs = signatures.as_ref().ok_or("deep scanning is off")?;
        let (acquired, target) =
            crate::target::resolve(spec, &source).map_err(|e| e.to_string())?;
        let mut scanner = Scanner::new(sigs);
        if let Some(threads) = args.threads {
            scanner = scanner.with_threads(threads);
        }
        let report = scanner.scan(&acquired.root, target);
        // A server's deep result gates like `mcp-scan scan` does: by its verdict.
        let max_severity = match report.verdict {
            Verdict::Clean => None,
            Verdict::Low => Some(Severity::Low),
            Verdict::Medium => Some(Severity::Medium),
            Verdict::High => Some(Severity::High),
            Verdict::Critical => Some(Severity::Critical),
        };
        Ok(DeepResult {
            verdict: report.verdict.word().to_owned(),
            score: report.score,
            findings: report.findings.len(),
            max_severity,
        })
    };
    match run_audit(args, out, if args.deep { Some(&deep) } else { None }) {
        Ok(code) => Ok(code),
        // `mcp-scan config | head`: the reader left; that is not an error (as for `scan`).
        Err(ConfigError::Output(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(exit::OK),
        Err(e) => {
            writeln!(err, "mcp-scan: error: {}", sanitize_lines(&e.to_string()))?;
            Ok(exit::ERROR)
        }
    }
}
