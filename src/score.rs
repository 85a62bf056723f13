//! The risk model: pure functions from findings to a 0–100 score and a verdict.
//!
//! Each finding weighs `base(severity) × factor(confidence)`: base info 0, low 12, medium 30,
//! high 55, critical 85; factor low 0.5, medium 0.75, high 1.0. Findings of one rule count once
//! (its heaviest), so a server calling `fetch` thirty times is not thirty times worse. The score is
//! the heaviest weight plus a tenth of the others, capped at 100. Chains (a secret and an outbound
//! sink in one tool) are findings of their own with a higher severity than their parts, which is
//! how a combination counts more than its pieces. Verdicts: clean (0), low (< 25), medium (< 50),
//! high (< 75), critical (≥ 75). A single high-confidence finding therefore lands in the verdict of
//! its severity, and low confidence moves it down one step.

use foldhash::{HashMap, HashMapExt};

use serde::{Deserialize, Serialize};

use crate::finding::{Confidence, Finding, Severity};

/// The verdict bands, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing found.
    Clean,
    /// Score below 25.
    Low,
    /// Score 25–49.
    Medium,
    /// Score 50–74.
    High,
    /// Score 75 or more.
    Critical,
}

impl Verdict {
    /// The band a score falls in.
    pub fn of(score: u8) -> Verdict {
        match score {
            0 => Verdict::Clean,
            1..=24 => Verdict::Low,
            25..=49 => Verdict::Medium,
            50..=74 => Verdict::High,
            _ => Verdict::Critical,
        }
    }

    /// Lowercase name.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Clean => "clean",
            Verdict::Low => "low",
            Verdict::Medium => "medium",
            Verdict::High => "high",
            Verdict::Critical => "critical",
        }
    }
}

impl std::str::FromStr for Verdict {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Verdict::Clean,
            Verdict::Low,
            Verdict::Medium,
            Verdict::High,
            Verdict::Critical,
        ]
        .into_iter()
        .find(|v| v.word() == s)
        .ok_or_else(|| format!("unknown verdict `{s}` (expected low, medium, high or critical)"))
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// The weight of one finding.
pub fn weight(severity: Severity, confidence: Confidence) -> f64 {
    let base = match severity {
        Severity::Info => 0.0,
        Severity::Low => 12.0,
        Severity::Medium => 30.0,
        Severity::High => 55.0,
        Severity::Critical => 85.0,
    };
    let factor = match confidence {
        Confidence::Low => 0.5,
        Confidence::Medium => 0.75,
        Confidence::High => 1.0,
    };
    base * factor
}

/// The score of a set of findings.
pub fn score(findings: &[Finding]) -> u8 {
    let mut per_rule: HashMap<&str, f64> = HashMap::new();
    for f in findings {
        let w = weight(f.severity, f.confidence);
        let slot = per_rule.entry(f.rule.as_str()).or_insert(0.0);
        if w > *slot {
            *slot = w;
        }
    }
    let mut weights: Vec<f64> = per_rule.into_values().filter(|w| *w > 0.0).collect();
    weights.sort_by(|a, b| b.total_cmp(a));
    let Some((&top, rest)) = weights.split_first() else {
        return 0;
    };
    let total = top + rest.iter().sum::<f64>() * 0.1;
    // Never round a real finding down to "clean".
    total.round().clamp(1.0, 100.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Category;

    fn f(rule: &str, severity: Severity, confidence: Confidence) -> Finding {
        Finding {
            rule: rule.into(),
            category: Category::Exfiltration,
            severity,
            confidence,
            message: String::new(),
            file: "a.py".into(),
            line: 1,
            column: 1,
            snippet: String::new(),
            tool: None,
            evidence: vec![],
        }
    }

    #[test]
    fn bands_follow_severity_and_confidence() {
        assert_eq!(score(&[]), 0);
        assert_eq!(
            Verdict::of(score(&[f("a", Severity::High, Confidence::High)])),
            Verdict::High
        );
        assert_eq!(
            Verdict::of(score(&[f("a", Severity::High, Confidence::Medium)])),
            Verdict::Medium
        );
        assert_eq!(
            Verdict::of(score(&[f("a", Severity::Critical, Confidence::High)])),
            Verdict::Critical
        );
        assert_eq!(
            Verdict::of(score(&[f("a", Severity::Low, Confidence::Low)])),
            Verdict::Low
        );
    }

    #[test]
    fn repeats_of_one_rule_count_once() {
        let many: Vec<_> = (0..30)
            .map(|_| f("fetch", Severity::Medium, Confidence::High))
            .collect();
        assert_eq!(score(&many), score(&many[..1]));
        let two = [
            f("a", Severity::Medium, Confidence::High),
            f("b", Severity::Medium, Confidence::High),
        ];
        assert_eq!(score(&two), 33);
    }
}
