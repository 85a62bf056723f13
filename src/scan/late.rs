//! Description rules on what the package phase ([`crate::facts::package`]) completed after each
//! file was matched on its own: tools accepted from candidates, and descriptions folded from
//! constants of other files. A poisoned sentence kept in `constants.js` is read by the model all
//! the same, so the rules must see the whole text.

use crate::finding::{Evidence, Finding};
use crate::program::Unit;
use crate::signature::{clip, escape_invisible};

use super::Scanner;

impl Scanner<'_> {
    /// Findings of the description rules on the given (unit, tool) pairs, each with the byte
    /// offset that attributes it to its tool.
    pub(super) fn late_description_findings(
        &self,
        units: &[Unit],
        tools: &[(usize, usize)],
    ) -> Vec<(usize, usize, Finding)> {
        let mut out = Vec::new();
        for &(u, t) in tools {
            let unit = &units[u];
            let tool = &unit.facts.tools[t];
            let mut seen = std::collections::BTreeSet::new();
            for h in self.signatures.match_tool_description(unit.lang, tool) {
                let sig = &self.signatures.all()[h.sig];
                if !seen.insert(h.sig) {
                    continue;
                }
                let shown = tool
                    .description
                    .as_deref()
                    .and_then(|d| d.lines().map(str::trim).find(|l| !l.is_empty()))
                    .unwrap_or("");
                let evidence = h
                    .detail
                    .iter()
                    .map(|d| Evidence {
                        file: unit.rel.clone(),
                        line: h.span.line,
                        note: format!(
                            "{d} (the description of `{}`, as the package builds it)",
                            tool.name
                        ),
                    })
                    .collect();
                out.push((
                    u,
                    h.span.start,
                    Finding {
                        rule: sig.id.clone(),
                        category: sig.category,
                        severity: sig.severity,
                        confidence: sig.confidence,
                        message: format!("{}: {}", sig.message, sig.why),
                        file: unit.rel.clone(),
                        line: h.span.line,
                        column: h.span.byte_column + 1,
                        snippet: clip(&escape_invisible(shown), super::snippet::SNIPPET_CHARS),
                        tool: None,
                        evidence,
                    },
                ));
            }
        }
        out
    }
}
