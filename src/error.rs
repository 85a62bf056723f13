//! The library's errors. Each says, in one line, what went wrong and where; the CLI prints them
//! and maps them to exit code 2. No panics on bad input anywhere below this.

use std::fmt;

/// A signature that does not load: the file, the line, and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureError {
    /// The signature file (`signatures/exfiltration/py-smtplib.toml` or a user path).
    pub file: String,
    /// 1-based line the problem is on (best effort: the line naming the offending key).
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

impl std::error::Error for SignatureError {}

/// Everything that stops a scan from running.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The rule set did not compile (the scan fails closed).
    #[error("the signature set is broken ({} error{}); first: {}", .0.len(), if .0.len() == 1 { "" } else { "s" }, .0.first().map(ToString::to_string).unwrap_or_default())]
    Signatures(Vec<SignatureError>),
    /// The target path does not exist or cannot be read.
    #[error("cannot read {path}: {reason}")]
    Target {
        /// The path as given.
        path: String,
        /// Why.
        reason: String,
    },
    /// The baseline file is unreadable or malformed.
    #[error("baseline {path}: {reason}")]
    Baseline {
        /// The baseline path.
        path: String,
        /// Why.
        reason: String,
    },
    /// Writing the report failed.
    #[error("cannot write the report: {0}")]
    Output(#[from] std::io::Error),
}
