#![doc = include_str!("../README.md")]
//!
//! # Library use
//!
//! ```no_run
//! use mcp_scan::{Scanner, Signatures, report::wire::Target};
//!
//! let signatures = Signatures::embedded().expect("built-in signatures compile");
//! let report = Scanner::new(&signatures).scan("corpus/servers/py-calculator-fork".as_ref(), Target::default());
//! println!("{} ({}/100)", report.verdict, report.score);
//! for f in &report.findings {
//!     println!("{}:{} {} {}", f.file, f.line, f.rule, f.message);
//! }
//! ```
//!
//! The pipeline, one module per stage: [`target`] (what to scan) → [`scan`] (walk, parse, in
//! parallel; [`syntax`] lays each tree out as an array) → [`facts`] (what each file says) → [`signature`] (data-driven rules) →
//! [`program`] (the package's call graph) → [`dataflow`] (sources to sinks) → [`analysis`]
//! (per-tool chains) → [`score`] → [`report`].

pub mod alloc;
pub mod analysis;
pub mod baseline;
pub mod cli;
pub mod config;
pub mod dataflow;
pub mod error;
pub mod facts;
pub mod finding;
pub mod lang;
pub mod program;
pub mod report;
pub mod rules;
pub mod scan;
pub mod score;
pub mod signature;
pub mod source;
pub mod syntax;
pub mod target;

pub use error::Error;
pub use finding::{Category, Confidence, Evidence, Finding, Severity, Skip};
pub use report::wire::Report;
pub use scan::Scanner;
pub use signature::Signatures;
