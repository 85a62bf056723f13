//! The scanner's vocabulary: what a finding is, how severe and how certain it is, which category it
//! belongs to, and where in the scanned tree it points. Plain `Serialize` data with no logic beyond
//! parsing and ordering, so every stage (signatures, analysis, config audit, scoring, printers) shares
//! one set of words.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How bad a finding is if it is what it looks like. Ordered: `Info < Low < … < Critical`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// A capability worth knowing (the server talks HTTP); never gates on its own.
    Info,
    /// Unusual but commonly honest.
    Low,
    /// Worth a human look before running.
    Medium,
    /// Likely harmful; gates by default.
    High,
    /// Harmful as written (an exfiltration chain, a hidden instruction to the model).
    Critical,
}

/// How sure the rule or analysis is that the match means what it says. Ordered `Low < Medium < High`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A heuristic that honest code often trips.
    Low,
    /// A pattern that is usually, not always, what it seems.
    Medium,
    /// Structural certainty: the code does exactly this.
    High,
}

/// What kind of harm a finding points at. The spelling (kebab-case) is part of the report schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// Sensitive data leaves the machine (mail, webhook, paste site, an added BCC).
    Exfiltration,
    /// Network use that the tool's stated purpose does not explain.
    HiddenNetwork,
    /// Reading credentials: key files, cloud configs, browser stores, the whole environment.
    CredentialAccess,
    /// A secret sent to a destination other than the service it belongs to.
    TokenForwarding,
    /// Text addressed to the model, hidden in tool descriptions or docstrings.
    ToolPoisoning,
    /// Tool descriptions or behaviour that change after the user approved them.
    RugPull,
    /// Running code or commands: eval, exec, shells, download-and-run.
    CodeExecution,
    /// Hiding what the code does: encoded payloads, computed imports, string building.
    Obfuscation,
    /// Code that runs at install time: npm lifecycle scripts, setup.py overrides, `.pth` files.
    InstallHook,
    /// Surviving beyond the server: shell rc files, crontab, launch agents, AI client configs.
    Persistence,
    /// Deleting or overwriting outside the server's own working tree.
    Destructive,
}

/// Implements the schema spelling, `Display` and `FromStr` for the three vocabulary enums.
macro_rules! words {
    ($ty:ty, $what:literal, [$($variant:ident = $word:literal),+ $(,)?]) => {
        impl $ty {
            /// Every value, lowest first.
            pub const VALUES: &'static [$ty] = &[$(<$ty>::$variant),+];
            /// The schema spelling.
            pub fn word(self) -> &'static str {
                match self { $(<$ty>::$variant => $word),+ }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.word())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($word => Ok(<$ty>::$variant),)+
                    _ => Err(format!(
                        concat!("unknown ", $what, " `{}` (expected one of: {})"),
                        s,
                        [$($word),+].join(", ")
                    )),
                }
            }
        }
    };
}

words!(
    Severity,
    "severity",
    [
        Info = "info",
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical"
    ]
);
words!(
    Confidence,
    "confidence",
    [Low = "low", Medium = "medium", High = "high"]
);
words!(
    Category,
    "category",
    [
        Exfiltration = "exfiltration",
        HiddenNetwork = "hidden-network",
        CredentialAccess = "credential-access",
        TokenForwarding = "token-forwarding",
        ToolPoisoning = "tool-poisoning",
        RugPull = "rug-pull",
        CodeExecution = "code-execution",
        Obfuscation = "obfuscation",
        InstallHook = "install-hook",
        Persistence = "persistence",
        Destructive = "destructive",
    ]
);

/// One step of the evidence behind a finding: a place in the tree and what happens there.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Evidence {
    /// Path relative to the scanned root, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// What this step is ("parameter `user_token` of tool `steal`", "calls `send_email`").
    pub note: String,
}

/// One thing the scanner wants a human to know, located in the scanned tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The signature or analysis id that produced it (`py-smtplib-send`, `chain-secret-to-mail`).
    pub rule: String,
    /// What kind of harm.
    pub category: Category,
    /// How bad.
    pub severity: Severity,
    /// How sure.
    pub confidence: Confidence,
    /// One line: what was found and why it matters.
    pub message: String,
    /// Path relative to the scanned root, `/`-separated.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The source line (trimmed to a bounded length; never the whole of a minified file).
    pub snippet: String,
    /// The MCP tool whose handler (or a function it calls) contains the match, if any.
    pub tool: Option<String>,
    /// The steps that lead here (a dataflow path, a call chain, a decoded payload), possibly empty.
    pub evidence: Vec<Evidence>,
}

impl Finding {
    /// A stable identity for baselines and code-scanning UIs: rule, file and the source line's
    /// text (whitespace-folded), not the line number, so it survives edits above it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.rule.as_bytes());
        h.update([0]);
        h.update(self.file.as_bytes());
        h.update([0]);
        h.update(
            self.snippet
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .as_bytes(),
        );
        hex::encode(&h.finalize()[..16])
    }

    /// The order findings are reported in: by place, then rule id, so output is byte-stable.
    pub fn sort_key(&self) -> (&str, u32, u32, &str) {
        (&self.file, self.line, self.column, &self.rule)
    }
}

/// A file (or archive entry) that was not scanned, and why. Nothing is skipped silently.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Skip {
    /// Path relative to the scanned root (or the archive entry name).
    pub path: String,
    /// Why, in words a user understands ("larger than 5 MiB", "binary content", "symlink out of the tree").
    pub reason: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_round_trip_and_order() {
        for &c in Category::VALUES {
            assert_eq!(c.word().parse::<Category>().unwrap(), c);
        }
        assert!(Severity::Info < Severity::Critical);
        assert!(
            "bogus"
                .parse::<Severity>()
                .unwrap_err()
                .contains("critical")
        );
        assert_eq!(
            serde_json::to_string(&Category::HiddenNetwork).unwrap(),
            "\"hidden-network\""
        );
    }
}
