//! Where a finding is shown: its source line, clipped around the match, and its 1-based column in
//! characters, for every hit of a file.
//!
//! A minified bundle is one line of megabytes with thousands of hits on it. Finding each hit's
//! line by searching back and forth from its offset, counting characters from the line's start
//! and decoding the whole line to clip it cost the line's length per hit (5 000 tool
//! definitions on one 700 KB line: 7 s; 20 000 on 2.6 MB: two minutes). [`Lines`] indexes the
//! file once, its newlines and its character counts every [`CHUNK`] bytes, and then answers each
//! hit in time bounded by the chunk and the snippet's length.

use crate::facts::Span;

/// Longest snippet shown for a finding, in characters.
pub const SNIPPET_CHARS: usize = 160;

/// Bytes between two remembered character counts.
const CHUNK: usize = 4096;

/// A file's text, indexed for [`Lines::snippet`].
pub struct Lines<'t> {
    text: &'t str,
    /// Byte offset of every `\n`.
    newlines: Vec<usize>,
    /// Characters in `text[..k * CHUNK]`.
    chars_before: Vec<usize>,
}

/// A UTF-8 byte that starts a character: counting them counts characters between any two
/// character boundaries.
fn starts_char(b: u8) -> bool {
    b & 0xC0 != 0x80
}

impl<'t> Lines<'t> {
    /// Indexes `text` (one pass).
    pub fn new(text: &'t str) -> Lines<'t> {
        let bytes = text.as_bytes();
        let newlines = memchr::memchr_iter(b'\n', bytes).collect();
        let mut chars_before = Vec::with_capacity(bytes.len() / CHUNK + 1);
        let mut n = 0;
        chars_before.push(0);
        for chunk in bytes.chunks(CHUNK) {
            n += chunk.iter().filter(|&&b| starts_char(b)).count();
            chars_before.push(n);
        }
        Lines {
            text,
            newlines,
            chars_before,
        }
    }

    /// Characters in `text[..at]`.
    fn chars_to(&self, at: usize) -> usize {
        let k = at / CHUNK;
        self.chars_before[k]
            + self.text.as_bytes()[k * CHUNK..at]
                .iter()
                .filter(|&&b| starts_char(b))
                .count()
    }

    /// The source line of a span, clipped around the column, and the 1-based character column.
    pub fn snippet(&self, span: Span) -> (String, u32) {
        let text = self.text;
        let line_start = if span.start == 0 && span.line > 1 {
            // Spans without offsets (manifest hits) locate by line number.
            self.newlines
                .get(span.line as usize - 2)
                .map_or(text.len(), |&nl| nl + 1)
        } else {
            // Offsets count the file's bytes; `text` is its lossy decoding, where an invalid byte
            // became a three-byte U+FFFD, so an offset may land inside a character.
            let mut start = span.start.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            let i = self.newlines.partition_point(|&nl| nl < start);
            if i == 0 { 0 } else { self.newlines[i - 1] + 1 }
        };
        let line_start = line_start.min(text.len());
        let line_end = self.newlines[self.newlines.partition_point(|&nl| nl < line_start)..]
            .first()
            .copied()
            .unwrap_or(text.len());
        let line = &text[line_start..line_end];
        let col_byte = (span.byte_column as usize).min(line.len());
        let col_byte = (0..=col_byte)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        let before = self.chars_to(line_start);
        let column = self.chars_to(line_start + col_byte) - before;
        let line_chars = self.chars_to(line_end) - before;
        // The snippet starts `from` characters into the line: half a snippet before the column.
        let (from, mut s) = if line_chars > SNIPPET_CHARS && column > SNIPPET_CHARS / 2 {
            (column - SNIPPET_CHARS / 2, "…".to_owned())
        } else {
            (0, String::new())
        };
        let start_byte = if from == 0 {
            0
        } else {
            line[..col_byte]
                .char_indices()
                .rev()
                .nth(column - from - 1)
                .map_or(0, |(i, _)| i)
        };
        s.extend(line[start_byte..].chars().take(SNIPPET_CHARS));
        if line_chars > from + SNIPPET_CHARS {
            s.push('…');
        }
        (
            s.trim_end().to_owned(),
            u32::try_from(column + 1).unwrap_or(u32::MAX),
        )
    }
}

/// [`Lines::snippet`] for one span of a text (indexes the text each time: for many spans of one
/// text, make one [`Lines`]).
pub fn snippet(text: &str, span: Span) -> (String, u32) {
    Lines::new(text).snippet(span)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`Lines::snippet`] replaces: searches from the offset and decodes the whole line.
    fn by_search(text: &str, span: Span) -> (String, u32) {
        let line_start = if span.start == 0 && span.line > 1 {
            text.split_inclusive('\n')
                .take(span.line as usize - 1)
                .map(str::len)
                .sum()
        } else {
            let mut start = span.start.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            text[..start].rfind('\n').map_or(0, |i| i + 1)
        };
        let line_start = line_start.min(text.len());
        let line_end = text[line_start..]
            .find('\n')
            .map_or(text.len(), |i| line_start + i);
        let line = &text[line_start..line_end];
        let col_byte = (span.byte_column as usize).min(line.len());
        let col_byte = (0..=col_byte)
            .rev()
            .find(|&i| line.is_char_boundary(i))
            .unwrap_or(0);
        let column = line[..col_byte].chars().count();
        let chars: Vec<char> = line.chars().collect();
        let (from, prefix) = if chars.len() > SNIPPET_CHARS && column > SNIPPET_CHARS / 2 {
            (column - SNIPPET_CHARS / 2, "…")
        } else {
            (0, "")
        };
        let mut s: String = prefix.to_owned();
        s.extend(chars.iter().skip(from).take(SNIPPET_CHARS));
        if chars.len() > from + SNIPPET_CHARS {
            s.push('…');
        }
        (
            s.trim_end().to_owned(),
            u32::try_from(column + 1).unwrap_or(u32::MAX),
        )
    }

    #[test]
    fn snippets_and_columns_are_those_of_a_search_from_the_offset() {
        // Short and long lines (one of 10 000 characters over several chunks), multi-byte
        // characters, a U+FFFD, an empty last line, offsets inside characters and past the end,
        // and manifest spans located by line number only.
        let long: String = (0..2500).map(|i| ["ab", "é", "€x", "😀"][i % 4]).collect();
        let text = format!("short line\n{long}\n\ttabbed é line  \n\u{fffd}x\n\nlast");
        let starts: Vec<usize> = text
            .char_indices()
            .map(|(i, _)| i)
            .step_by(7)
            .chain([text.len(), text.len() + 5])
            .collect();
        let lines = Lines::new(&text);
        for start in starts.iter().copied().chain(starts.iter().map(|s| s + 1)) {
            let clamped = start.min(text.len());
            let mut b = clamped;
            while !text.is_char_boundary(b) {
                b -= 1;
            }
            let line_start = text[..b].rfind('\n').map_or(0, |i| i + 1);
            let line = u32::try_from(text[..b].matches('\n').count() + 1).unwrap();
            let byte_column = u32::try_from(clamped - line_start).unwrap();
            let span = Span {
                start,
                end: start,
                line,
                byte_column,
            };
            assert_eq!(lines.snippet(span), by_search(&text, span), "{start}");
        }
        for line in 1..9 {
            for byte_column in [0, 3, 50, 4000] {
                let span = Span {
                    start: 0,
                    end: 0,
                    line,
                    byte_column,
                };
                assert_eq!(lines.snippet(span), by_search(&text, span), "{line}");
            }
        }
    }
}
