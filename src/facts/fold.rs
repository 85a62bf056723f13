//! Literal decoding shared by the language extractors: escape sequences of Python and JavaScript
//! string literals, and the base64/hex payload decoder that turns encoded literals into text a rule
//! can read.

use base64::Engine as _;

/// Decodes a Python string body (between the quotes). `raw` keeps backslashes as written.
pub(crate) fn unescape_python(body: &str, raw: bool) -> String {
    if raw || !body.contains('\\') {
        return body.to_owned();
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') if !chars.peek().is_some_and(|c| c.is_digit(8)) => out.push('\0'),
            Some('\n') => {}
            Some('x') => push_hex(&mut out, &mut chars, 2),
            Some('u') => push_hex(&mut out, &mut chars, 4),
            Some('U') => push_hex(&mut out, &mut chars, 8),
            Some(d) if d.is_digit(8) => {
                let mut v = d.to_digit(8).unwrap_or(0);
                for _ in 0..2 {
                    match chars.peek().and_then(|c| c.to_digit(8)) {
                        Some(n) => {
                            v = v * 8 + n;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.extend(char::from_u32(v));
            }
            Some(other @ ('\\' | '\'' | '"')) => out.push(other),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Decodes a JavaScript escape sequence as written (`\n`, `\x41`, `\u0041`, `\u{1F600}`).
pub(crate) fn unescape_js(seq: &str) -> String {
    let mut chars = seq.chars().peekable();
    if chars.next() != Some('\\') {
        return seq.to_owned();
    }
    let mut out = String::new();
    match chars.next() {
        Some('n') => out.push('\n'),
        Some('t') => out.push('\t'),
        Some('r') => out.push('\r'),
        Some('b') => out.push('\u{8}'),
        Some('f') => out.push('\u{c}'),
        Some('v') => out.push('\u{b}'),
        Some('0') => out.push('\0'),
        Some('x') => push_hex(&mut out, &mut chars, 2),
        Some('u') if chars.peek() == Some(&'{') => {
            let hex: String = chars.skip(1).take_while(|c| *c != '}').collect();
            out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
        }
        Some('u') => push_hex(&mut out, &mut chars, 4),
        Some('\n' | '\r') => {}
        Some(c) => out.push(c),
        None => {}
    }
    out
}

fn push_hex(out: &mut String, chars: &mut std::iter::Peekable<std::str::Chars<'_>>, n: usize) {
    let hex: String = chars.by_ref().take(n).collect();
    out.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
}

/// Decodes base64 (standard or URL-safe, padded or not).
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let engines = [
        base64::engine::general_purpose::STANDARD,
        base64::engine::general_purpose::URL_SAFE,
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    engines.iter().find_map(|e| e.decode(s.as_bytes()).ok())
}

/// Decodes hex (`68747470`, optionally with `\x` or spaces between bytes).
pub(crate) fn hex_decode(s: &str) -> Option<Vec<u8>> {
    let s: String = s
        .replace("\\x", "")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    hex::decode(s).ok()
}

/// Bytes that read as text: valid UTF-8 and mostly printable.
pub(crate) fn as_text(bytes: Vec<u8>) -> Option<String> {
    let s = String::from_utf8(bytes).ok()?;
    let printable = s
        .chars()
        .filter(|c| !c.is_control() || c.is_whitespace())
        .count();
    (!s.is_empty() && printable * 10 >= s.chars().count() * 9).then_some(s)
}

/// If a literal looks like an encoded payload (base64 or hex of readable text), its decoded text
/// and the encoding's name. Short strings and strings that decode to binary (images, hashes) are
/// not payloads.
pub fn decode_literal_payload(s: &str) -> Option<(String, &'static str)> {
    let t = s.trim();
    if t.len() < 16 || t.len() > super::limits::FOLD_LEN {
        return None;
    }
    if t.len() % 2 == 0 && t.bytes().all(|b| b.is_ascii_hexdigit()) {
        // A hex string of only digits, or a hash (32/40/64 chars), is data, not a payload.
        return hex_decode(t)
            .and_then(as_text)
            .filter(|d| d.len() >= 8)
            .map(|d| (d, "hex"));
    }
    let b64_chars = t
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=-_".contains(&b));
    let has_case =
        t.bytes().any(|b| b.is_ascii_lowercase()) && t.bytes().any(|b| b.is_ascii_uppercase());
    if b64_chars && has_case {
        return base64_decode(t)
            .and_then(as_text)
            .filter(|d| d.len() >= 8)
            .map(|d| (d, "base64"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_escapes() {
        assert_eq!(
            unescape_python(r"a\nb\x41\u0042\101\\", false),
            "a\nbAB\u{41}\\"
        );
        assert_eq!(unescape_python(r"a\nb", true), r"a\nb");
    }

    #[test]
    fn js_escapes() {
        assert_eq!(unescape_js(r"\x41"), "A");
        assert_eq!(unescape_js(r"\u{1F600}"), "😀");
        assert_eq!(unescape_js(r"\u200b"), "\u{200b}");
    }

    #[test]
    fn payloads() {
        let (d, how) = decode_literal_payload("aHR0cHM6Ly9ldmlsLmV4YW1wbGUvY29sbGVjdA==").unwrap();
        assert_eq!(
            (d.as_str(), how),
            ("https://evil.example/collect", "base64")
        );
        let (d, how) = decode_literal_payload("696d706f7274206f73").unwrap();
        assert_eq!((d.as_str(), how), ("import os", "hex"));
        // A sha256 digest is not a payload; neither is a plain word.
        assert!(decode_literal_payload(&"ab".repeat(32)).is_none());
        assert!(decode_literal_payload("HelloWorldHelloWorld").is_none());
    }
}
