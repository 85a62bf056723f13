//! Long help texts, kept apart so the argument definitions stay readable.

/// `mcp-scan --help` preamble.
pub const ABOUT: &str = "\
mcp-scan reads an MCP server's source (Python, JavaScript, TypeScript) without running it and tells
you whether it is safe to add to your AI client: what each tool can reach (network, files,
processes, secrets), where data can leave the machine and to whom, and why the risk score is what it
is. Every finding has a rule id, a file:line, the source line and an explanation.";

/// Shown after the command list.
pub const AFTER: &str = "\
Examples:
  mcp-scan ./my-server                       scan a folder (same as `mcp-scan scan ./my-server`)
  mcp-scan server.py --format json           one file, JSON report
  mcp-scan ./srv --fail-on medium            exit 1 from `medium` up (CI gate)
  mcp-scan rules list                        the signatures and what they detect
  mcp-scan rules test                        run every signature's own test cases

Exit codes: 0 verdict below --fail-on · 1 at or above it · 2 could not scan.";

/// Shown after `mcp-scan scan --help`.
pub const SCAN: &str = "\
Verdicts: clean · low (< 25) · medium (< 50) · high (< 75) · critical. The score is the heaviest
finding (severity × confidence) plus a tenth of the others, one count per rule; see the README.

Baselines: `--write-baseline accepted.json` records today's findings; later scans with
`--baseline accepted.json` hide exactly those (by rule, file and source line), so only new
findings gate. Comments in scanned code never suppress anything.

Exit codes: 0 verdict below --fail-on · 1 at or above it · 2 could not scan.";
