//! The user's baseline: findings they reviewed and accepted, stored in their own file (never as
//! comments in scanned code, which an attacker could write). A finding is suppressed when its rule,
//! file and fingerprint are in the baseline.

use std::collections::BTreeSet;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::finding::Finding;

/// Schema id of baseline files.
pub const SCHEMA: &str = "mcp-scan/baseline@1";

/// A baseline file.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Accepted findings.
    pub findings: Vec<Accepted>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// Rule id.
    pub rule: String,
    /// File.
    pub file: String,
    /// [`Finding::fingerprint`].
    pub fingerprint: String,
}

impl Baseline {
    /// A baseline accepting exactly these findings.
    pub fn of(findings: &[Finding]) -> Baseline {
        let set: BTreeSet<Accepted> = findings
            .iter()
            .map(|f| Accepted {
                rule: f.rule.clone(),
                file: f.file.clone(),
                fingerprint: f.fingerprint(),
            })
            .collect();
        Baseline {
            schema: SCHEMA.to_owned(),
            findings: set.into_iter().collect(),
        }
    }

    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Baseline, Error> {
        let bad = |reason: String| Error::Baseline {
            path: path.display().to_string(),
            reason,
        };
        let text = std::fs::read_to_string(path).map_err(|e| bad(e.to_string()))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| bad(e.to_string()))?;
        if b.schema != SCHEMA {
            return Err(bad(format!(
                "schema is `{}`, expected `{SCHEMA}`",
                b.schema
            )));
        }
        Ok(b)
    }

    /// Removes accepted findings; returns how many were removed.
    pub fn apply(&self, findings: &mut Vec<Finding>) -> usize {
        let set: BTreeSet<(&str, &str, String)> = self
            .findings
            .iter()
            .map(|a| (a.rule.as_str(), a.file.as_str(), a.fingerprint.clone()))
            .collect();
        let before = findings.len();
        findings.retain(|f| !set.contains(&(f.rule.as_str(), f.file.as_str(), f.fingerprint())));
        before - findings.len()
    }
}
