//! `mcp-scan rules test`: every signature's own cases, each reported as validated, missing (a
//! `match` case the rule does not catch: a false negative) or noisy (a `no-match` case it fires
//! on: a false positive).

use serde::Serialize;

use crate::scan::Scanner;
use crate::signature::{Case, Signatures};

/// How one case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CaseStatus {
    /// As expected.
    Validated,
    /// Expected to match, did not.
    Missing,
    /// Expected not to match, did.
    Noisy,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// The signature.
    pub rule: String,
    /// Index of the case in the signature file.
    pub case: usize,
    /// What happened.
    pub status: CaseStatus,
    /// The file name the snippet was scanned as.
    pub path: String,
}

/// The file name a case is scanned as.
pub fn case_path(case: &Case) -> String {
    case.path.clone().unwrap_or_else(|| {
        match case.language {
            crate::lang::Language::Python => "case.py",
            crate::lang::Language::JavaScript => "case.js",
            crate::lang::Language::TypeScript => "case.ts",
            crate::lang::Language::Tsx => "case.tsx",
        }
        .to_owned()
    })
}

/// Runs every case of every signature (in parallel).
pub fn test_all(signatures: &Signatures) -> Vec<CaseResult> {
    use rayon::prelude::*;
    let scanner = Scanner::new(signatures);
    let jobs: Vec<(&str, usize, &Case)> = signatures
        .all()
        .iter()
        .flat_map(|s| {
            s.cases
                .iter()
                .enumerate()
                .map(move |(i, c)| (s.id.as_str(), i, c))
        })
        .collect();
    jobs.par_iter()
        .map(|&(rule, i, case)| {
            let path = case_path(case);
            let fired = scanner
                .rules_matching(&path, case.code.as_bytes())
                .contains(rule);
            let status = match (case.expect_match, fired) {
                (true, true) | (false, false) => CaseStatus::Validated,
                (true, false) => CaseStatus::Missing,
                (false, true) => CaseStatus::Noisy,
            };
            CaseResult {
                rule: rule.to_owned(),
                case: i + 1,
                status,
                path,
            }
        })
        .collect()
}
