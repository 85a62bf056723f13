//! Regexes of the built-in signatures, compiled when a scan first needs one.
//!
//! Compiling every regex of the rule set was most of a small server's scan (a `where` test, an
//! argument predicate, a description rule each cost a few hundred thousand to millions of
//! instructions to build), and a scan reaches few of them. A built-in regex is parsed when the
//! signatures load (a syntax error is still reported there) and built on first use; `rules check`
//! and the test suite build them all ([`super::Signatures::compile_all`]). A user's regex is built
//! when loaded, so that every error in a user's file is reported before a scan starts.

use std::fmt;
use std::ops::Deref;
use std::sync::{Arc, OnceLock};

use regex::Regex;

/// A regex built now or on first use; clones share the one build.
#[derive(Clone)]
pub(crate) struct LazyRegex(Arc<Inner>);

struct Inner {
    pattern: String,
    re: OnceLock<Regex>,
}

impl LazyRegex {
    /// An already built regex.
    pub(crate) fn built(re: Regex) -> LazyRegex {
        LazyRegex(Arc::new(Inner {
            pattern: re.as_str().to_owned(),
            re: OnceLock::from(re),
        }))
    }

    /// A pattern the regex parser accepted, built on first use.
    pub(crate) fn later(pattern: String) -> LazyRegex {
        LazyRegex(Arc::new(Inner {
            pattern,
            re: OnceLock::new(),
        }))
    }

    /// The regex, built now if it was not yet.
    pub(crate) fn get(&self) -> &Regex {
        self.0
            .re
            .get_or_init(|| super::compile::build(&self.0.pattern))
    }

    /// Builds the regex now, within the size limit a user's regex is held to: what
    /// `rules check` and the test suite prove of every built-in one.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.0.re.get().is_some() {
            return Ok(());
        }
        let re = super::compile::build_within_limit(&self.0.pattern)
            .map_err(|e| format!("regex `{}` does not build: {e}", self.0.pattern))?;
        let _ = self.0.re.set(re);
        Ok(())
    }
}

impl Deref for LazyRegex {
    type Target = Regex;

    fn deref(&self) -> &Regex {
        self.get()
    }
}

impl fmt::Debug for LazyRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("LazyRegex").field(&self.0.pattern).finish()
    }
}
