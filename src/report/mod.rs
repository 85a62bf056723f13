//! Output: the [`wire`] types are the report as data; printers turn a [`wire::Report`] into text
//! for people (colour only on a terminal), JSON for programs, and SARIF 2.1.0 for code-scanning
//! UIs. Every string that came from the scanned tree passes through [`sanitize`] before it reaches
//! a terminal, so a scanned file cannot move the cursor, recolour or hide lines of the report.

mod json;
mod sarif;
mod text;
pub mod wire;

use std::io::Write;

pub use json::print_json;
pub use sarif::print_sarif;
pub use text::{TextOptions, print_text};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Human-readable report.
    Text,
    /// The JSON report (`mcp-scan/report@1`).
    Json,
    /// SARIF 2.1.0.
    Sarif,
}

/// Writes a report in the chosen format.
pub fn print(
    report: &wire::Report,
    format: Format,
    text: &TextOptions,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => print_text(report, text, out),
        Format::Json => print_json(report, out),
        Format::Sarif => print_sarif(std::slice::from_ref(report), out),
    }
}

/// Characters that render as nothing or change how text around them renders: zero-width and
/// bidirectional controls, the Unicode tag block, variation selectors, BOM.
pub fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x2069 | 0xFEFF
        | 0xE0000..=0xE007F | 0xFE00..=0xFE0F | 0x00AD | 0x180E)
}

/// Makes a scanned string safe for a terminal: control characters (ESC included) and invisible
/// characters become visible escapes; tabs become spaces.
pub fn sanitize(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\t' => out.push(' '),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if is_invisible(c) => out.push_str(&format!("<U+{:04X}>", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_neutralises_escapes_and_invisibles() {
        assert_eq!(sanitize("a\u{1b}[2Jb"), "a\\x1b[2Jb");
        assert_eq!(sanitize("x\u{200b}y\u{E0041}"), "x<U+200B>y<U+E0041>");
        assert_eq!(sanitize("line\rover"), "line\\x0dover");
    }
}
