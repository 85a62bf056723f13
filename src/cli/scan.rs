//! `mcp-scan scan <target>`.

use std::io::{IsTerminal as _, Write};
use std::path::Path;

use anyhow::Context as _;

use super::args::{ColorChoice, ScanArgs};
use super::{exit, sanitize_lines};
use crate::baseline::Baseline;
use crate::report::{TextOptions, print};
use crate::scan::Scanner;
use crate::signature::Signatures;

/// Loads signatures or prints every load error (file:line: message) and returns `None`.
pub(super) fn load_signatures(dir: Option<&Path>, err: &mut dyn Write) -> Option<Signatures> {
    signatures_or_errors(Signatures::load(dir), err)
}

/// The signatures, or `None` after printing every load error.
fn signatures_or_errors(
    loaded: Result<Signatures, Vec<crate::error::SignatureError>>,
    err: &mut dyn Write,
) -> Option<Signatures> {
    match loaded {
        Ok(s) => Some(s),
        Err(errors) => {
            for e in &errors {
                let _ = writeln!(
                    err,
                    "mcp-scan: signature error: {}",
                    sanitize_lines(&e.to_string())
                );
            }
            let _ = writeln!(
                err,
                "mcp-scan: refusing to scan with a broken rule set ({} error(s))",
                errors.len()
            );
            None
        }
    }
}

pub(super) fn run(args: &ScanArgs, out: &mut dyn Write, err: &mut dyn Write) -> anyhow::Result<u8> {
    // `-j N` holds for the whole run: the signatures compile on the scan's threads too.
    let pool = args.threads.and_then(crate::scan::thread_pool);
    let dir = args.signatures.as_deref();
    let loaded = match &pool {
        Some(p) => p.install(|| Signatures::load(dir)),
        None => Signatures::load(dir),
    };
    let Some(signatures) = signatures_or_errors(loaded, err) else {
        return Ok(exit::ERROR);
    };
    let (acquired, target) = match crate::target::resolve(&args.target, &args.source.options()) {
        Ok(t) => t,
        Err(e) => {
            writeln!(err, "mcp-scan: error: {}", sanitize_lines(&e.to_string()))?;
            return Ok(exit::ERROR);
        }
    };
    let scanner = Scanner::new(&signatures).with_limits(args.limits());
    let mut report = match &pool {
        Some(p) => p.install(|| scanner.scan(&acquired.root, target)),
        None => scanner.scan(&acquired.root, target),
    };
    // What extraction or checkout left out is listed like any other skip.
    report
        .stats
        .skipped
        .extend(acquired.skipped.iter().cloned());
    report.stats.skipped.sort();
    if let Some(path) = &args.write_baseline {
        let b = Baseline::of(&report.findings);
        let text = serde_json::to_string_pretty(&b)?;
        std::fs::write(path, text + "\n")
            .with_context(|| format!("cannot write baseline {}", path.display()))?;
    }
    if let Some(path) = &args.baseline {
        let b = match Baseline::read(path) {
            Ok(b) => b,
            Err(e) => {
                writeln!(err, "mcp-scan: error: {}", sanitize_lines(&e.to_string()))?;
                return Ok(exit::ERROR);
            }
        };
        report.stats.suppressed = b.apply(&mut report.findings);
        report.score = crate::score::score(&report.findings);
        report.verdict = crate::score::Verdict::of(report.score);
    }
    let to_terminal = args.output.output.is_none() && std::io::stdout().is_terminal();
    let color = match args.output.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let text = TextOptions {
        color,
        verbose: args.output.verbose,
    };
    match &args.output.output {
        Some(path) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            );
            print(&report, args.output.format, &text, &mut f)?;
            f.flush()?;
        }
        None => print(&report, args.output.format, &text, out)?,
    }
    Ok(if args.fail_on.fails(report.verdict) {
        exit::FINDINGS
    } else {
        exit::OK
    })
}
