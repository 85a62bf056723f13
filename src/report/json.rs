//! The JSON printer: the [`super::wire::Report`] as it is, pretty-printed, one trailing newline.

use std::io::Write;

use super::wire::Report;

/// Writes the JSON report.
pub fn print_json(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    out.write_all(b"\n")
}
