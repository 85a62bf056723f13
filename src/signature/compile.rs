//! Raw signature → compiled matcher: parses the vocabulary words, builds regexes and globs,
//! compiles queries against each grammar and checks their captures, and reports every problem with
//! the file and line it comes from. A rule set that does not compile is never used.

use std::collections::BTreeMap;

use super::lazy::LazyRegex;

use super::raw::{RawArg, RawMatch, RawSignature};
use super::{ArgCheck, ArgPredicate, ArgWhere, Case, Effect, Matcher, QueryPattern, Signature};
use crate::error::SignatureError;
use crate::lang::Language;

/// Capture names a signature query may use. `@match` is required and is what gets reported; the
/// others exist to be constrained by `where`. Anything else is a typo and an error.
pub const CAPTURES: [&str; 8] = [
    "match", "callee", "arg", "name", "value", "key", "string", "target",
];

pub(super) struct Ctx<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub queries: &'a BTreeMap<String, String>,
    /// Built into the binary (its queries are checked by the test suite, not at every start).
    pub embedded: bool,
}

impl Ctx<'_> {
    fn err(&self, needle: &str, message: impl Into<String>) -> SignatureError {
        let line = self
            .text
            .lines()
            .position(|l| !needle.is_empty() && l.contains(needle))
            .map_or(1, |i| i + 1);
        SignatureError {
            file: self.file.to_owned(),
            line,
            message: message.into(),
        }
    }
}

pub(super) fn compile(raw: RawSignature, cx: &Ctx<'_>) -> Result<Signature, SignatureError> {
    let stem = std::path::Path::new(cx.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if raw.id != stem {
        return Err(cx.err(
            "id",
            format!("id `{}` must equal the file name `{stem}`", raw.id),
        ));
    }
    if raw.id.is_empty()
        || !raw
            .id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(cx.err("id", "id must be lowercase letters, digits and `-`"));
    }
    let word = |key: &str, v: &str| cx.err(&format!("{key} ="), v.to_owned());
    let category = raw
        .category
        .parse()
        .map_err(|e: String| word("category", &e))?;
    let severity = raw
        .severity
        .parse()
        .map_err(|e: String| word("severity", &e))?;
    let confidence = raw
        .confidence
        .parse()
        .map_err(|e: String| word("confidence", &e))?;
    let effect = raw
        .effect
        .as_deref()
        .map(|e| e.parse::<Effect>().map_err(|m| word("effect", &m)))
        .transpose()?;
    if raw.message.trim().is_empty() || raw.message.contains('\n') {
        return Err(cx.err("message", "message must be one non-empty line"));
    }
    if raw.matches.is_empty() {
        return Err(cx.err("id", "a signature needs at least one [[match]]"));
    }
    let matchers = raw
        .matches
        .iter()
        .map(|m| matcher(m, cx))
        .collect::<Result<Vec<_>, _>>()?;
    let mut cases = Vec::new();
    for c in raw.cases {
        let language = language_word(&c.language).ok_or_else(|| {
            cx.err(
                &c.language,
                format!("unknown case language `{}`", c.language),
            )
        })?;
        let expect_match = match c.expect.as_str() {
            "match" => true,
            "no-match" => false,
            other => {
                return Err(cx.err(
                    "expect",
                    format!("expect must be `match` or `no-match`, not `{other}`"),
                ));
            }
        };
        cases.push(Case {
            language,
            expect_match,
            code: c.code,
            path: c.path,
        });
    }
    if !cases.iter().any(|c| c.expect_match) || !cases.iter().any(|c| !c.expect_match) {
        return Err(cx.err(
            "id",
            "a signature ships with at least one `match` and one `no-match` [[case]]",
        ));
    }
    Ok(Signature {
        id: raw.id,
        category,
        severity,
        confidence,
        message: raw.message,
        why: raw.why,
        effect,
        matchers,
        cases,
        file: cx.file.to_owned(),
    })
}

/// `python` → [Python]; `javascript` → [JavaScript]; `typescript` → [TypeScript, Tsx].
fn language_word(w: &str) -> Option<Language> {
    Some(match w {
        "python" => Language::Python,
        "javascript" => Language::JavaScript,
        "typescript" => Language::TypeScript,
        _ => return None,
    })
}

fn languages(words: &[String], cx: &Ctx<'_>) -> Result<Vec<Language>, SignatureError> {
    if words.is_empty() {
        return Ok(Language::ALL.to_vec());
    }
    let mut out = Vec::new();
    for w in words {
        let l = language_word(w).ok_or_else(|| {
            cx.err(
                w,
                format!("unknown language `{w}` (expected python, javascript, typescript)"),
            )
        })?;
        out.push(l);
        if l == Language::TypeScript {
            out.push(Language::Tsx);
        }
    }
    Ok(out)
}

/// Largest compiled form of one regex, as regex's own limit is counted.
const REGEX_SIZE_LIMIT: usize = 1 << 22;

/// A signature's regex: a user's built now, so that every error is reported when the file loads;
/// a built-in one parsed now and built when a scan first needs it ([`LazyRegex`]).
fn regex(src: &str, cx: &Ctx<'_>) -> Result<LazyRegex, SignatureError> {
    if cx.embedded {
        return checked_pattern(src, cx).map(LazyRegex::later);
    }
    build_within_limit(&ascii_word_boundaries(src))
        .map(LazyRegex::built)
        .map_err(|e| {
            cx.err(
                src.lines().next().unwrap_or(src),
                format!("invalid regex: {e}"),
            )
        })
}

/// Builds a built-in regex the parser accepted. Past the size limit (a test builds every
/// built-in regex within it) it is built without one rather than fail in the middle of a scan.
pub(super) fn build(pattern: &str) -> regex::Regex {
    build_within_limit(pattern)
        .or_else(|_| {
            regex::RegexBuilder::new(pattern)
                .size_limit(usize::MAX)
                .build()
        })
        .unwrap_or_else(|e| panic!("built-in regex `{pattern}` does not build: {e}"))
}

/// Builds a regex within [`REGEX_SIZE_LIMIT`].
pub(super) fn build_within_limit(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

/// A regex's pattern as [`regex`] would compile it, checked by the regex parser only: for a
/// pattern compiled as part of a set, not on its own. The set's build then reports what the
/// parser cannot see (a pattern over the size limit).
fn checked_pattern(src: &str, cx: &Ctx<'_>) -> Result<String, SignatureError> {
    let pattern = ascii_word_boundaries(src);
    regex_syntax::Parser::new().parse(&pattern).map_err(|e| {
        cx.err(
            src.lines().next().unwrap_or(src),
            format!("invalid regex: {e}"),
        )
    })?;
    Ok(pattern)
}

/// Rewrites `\b` and `\B` outside character classes as their ASCII forms. A Unicode word
/// boundary stops the regex engine's DFA on any non-ASCII text and sends it to the slow
/// backtracking-free simulation: on a minified bundle full of non-ASCII strings that was a tenth of
/// the scan. Rules are written about code and English words, where both forms agree.
fn ascii_word_boundaries(src: &str) -> String {
    let mut out = String::with_capacity(src.len() + 16);
    let mut chars = src.chars();
    let mut class = 0usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(b @ ('b' | 'B')) if class == 0 => {
                    out.push_str("(?-u:\\");
                    out.push(b);
                    out.push(')');
                }
                Some(n) => {
                    out.push('\\');
                    out.push(n);
                }
                None => out.push('\\'),
            },
            '[' => {
                class += 1;
                out.push(c);
            }
            ']' if class > 0 => {
                class -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A glob with `*` wildcards as an anchored regex.
pub(super) fn glob_regex(glob: &str) -> String {
    let parts: Vec<String> = glob.split('*').map(regex::escape).collect();
    format!("^{}$", parts.join(".*"))
}

fn matcher(m: &RawMatch, cx: &Ctx<'_>) -> Result<Matcher, SignatureError> {
    let kinds = [
        !m.call.is_empty(),
        m.string.is_some(),
        !m.import.is_empty(),
        m.query.is_some() || m.query_file.is_some(),
        m.manifest.is_some(),
        !m.path.is_empty(),
        m.description.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err(cx.err(
            "[[match]]",
            "each [[match]] sets exactly one of `call`, `string`, `import`, `query`/`query_file`, `manifest`, `path`, `description`",
        ));
    }
    if m.after_listing && m.call.is_empty() && m.query.is_none() && m.query_file.is_none() {
        return Err(cx.err(
            "after_listing",
            "`after_listing` restricts `call` and `query` matches only",
        ));
    }
    let langs = languages(&m.languages, cx)?;
    if !m.call.is_empty() {
        for g in &m.call {
            if g.is_empty() {
                return Err(cx.err("call", "empty callee glob"));
            }
        }
        let args = m
            .arg
            .iter()
            .map(|a| arg_predicate(a, cx))
            .collect::<Result<_, _>>()?;
        return Ok(Matcher::Call {
            langs,
            globs: m.call.clone(),
            args,
            computed: m.computed,
            after_listing: m.after_listing,
        });
    }
    if let Some(s) = &m.string {
        let how = m
            .how
            .iter()
            .map(|h| match h.as_str() {
                "literal" => Ok(crate::facts::Fold::Literal),
                "folded" => Ok(crate::facts::Fold::Folded),
                "decoded" => Ok(crate::facts::Fold::Decoded),
                other => Err(cx.err(
                    other,
                    format!("unknown `how` `{other}` (literal, folded, decoded)"),
                )),
            })
            .collect::<Result<_, _>>()?;
        let pattern = checked_pattern(s, cx)?;
        if !cx.embedded {
            // A user's is built on its own too, so that a pattern over the size limit is reported
            // at its file and line rather than by the set's build.
            regex(s, cx)?;
        }
        return Ok(Matcher::String {
            langs,
            pattern,
            how,
            prose: m.prose,
            max_list: m.max_list,
        });
    }
    if !m.import.is_empty() {
        let globs = m
            .import
            .iter()
            .map(|g| regex(&glob_regex(g), cx))
            .collect::<Result<_, _>>()?;
        return Ok(Matcher::Import {
            langs,
            globs,
            dynamic: m.dynamic,
        });
    }
    if m.query.is_some() || m.query_file.is_some() {
        return query_matcher(m, langs, cx);
    }
    if let Some(name) = &m.manifest {
        if !matches!(
            name.as_str(),
            "package.json" | "pyproject.toml" | "setup.cfg"
        ) {
            return Err(cx.err(
                name,
                format!("unknown manifest `{name}` (package.json, pyproject.toml, setup.cfg)"),
            ));
        }
        if m.key.is_empty() {
            return Err(cx.err("manifest", "a manifest match names at least one `key`"));
        }
        let value = m.value.as_deref().map(|v| regex(v, cx)).transpose()?;
        return Ok(Matcher::Manifest {
            name: name.clone(),
            keys: m.key.clone(),
            value,
        });
    }
    if !m.path.is_empty() {
        let re = m
            .path
            .iter()
            .map(|g| regex(&glob_regex(g), cx))
            .collect::<Result<_, _>>()?;
        return Ok(Matcher::Path { globs: re });
    }
    let d = m.description.as_deref().unwrap_or_default();
    Ok(Matcher::Description {
        langs,
        re: regex(d, cx)?,
    })
}

fn arg_predicate(a: &RawArg, cx: &Ctx<'_>) -> Result<ArgPredicate, SignatureError> {
    let place = match (a.index, &a.keyword, a.any) {
        (Some(i), None, false) => ArgWhere::Index(i),
        (None, Some(k), false) => ArgWhere::Keyword(k.clone()),
        (None, None, true) => ArgWhere::Any,
        _ => {
            return Err(cx.err(
                "arg",
                "each `arg` predicate names exactly one of `index`, `keyword`, `any = true`",
            ));
        }
    };
    let check = match a.is.as_deref() {
        None => None,
        Some(w) => Some(match w {
            "literal" => ArgCheck::Literal,
            "non-literal" => ArgCheck::NonLiteral,
            "string" => ArgCheck::Str,
            "true" => ArgCheck::True,
            "false" => ArgCheck::False,
            "url" => ArgCheck::Url,
            "ip-url" => ArgCheck::IpUrl,
            "function" => ArgCheck::Function,
            "present" => ArgCheck::Present,
            "absent" => ArgCheck::Absent,
            other => return Err(cx.err(other, format!("unknown `is` `{other}`"))),
        }),
    };
    if check.is_none() && a.matches.is_none() && a.not_matches.is_none() {
        return Err(cx.err(
            "arg",
            "an `arg` predicate needs `is`, `matches` or `not_matches`",
        ));
    }
    Ok(ArgPredicate {
        place,
        check,
        matches: a.matches.as_deref().map(|r| regex(r, cx)).transpose()?,
        not_matches: a.not_matches.as_deref().map(|r| regex(r, cx)).transpose()?,
    })
}

fn query_matcher(
    m: &RawMatch,
    langs: Vec<Language>,
    cx: &Ctx<'_>,
) -> Result<Matcher, SignatureError> {
    let source = match (&m.query, &m.query_file) {
        (Some(q), None) => q.clone(),
        (None, Some(f)) => {
            if langs.len() > 2 || langs.is_empty() {
                return Err(cx.err(f, "a `query_file` match names one language"));
            }
            let key = format!("{}/{f}", langs[0].name());
            cx.queries
                .get(&key)
                .cloned()
                .ok_or_else(|| cx.err(f, format!("no query file `queries/{key}.scm`")))?
        }
        _ => return Err(cx.err("query", "set `query` or `query_file`, not both")),
    };
    if langs.len() == Language::ALL.len() {
        return Err(cx.err(
            "query",
            "a query is written for one grammar: set `languages`",
        ));
    }
    let names = capture_names(&source);
    if !names.contains(&"match") {
        return Err(cx.err(
            "query",
            "the query must capture the reported node as `@match`",
        ));
    }
    for n in &names {
        if !CAPTURES.contains(n) {
            return Err(cx.err(
                &format!("@{n}"),
                format!("unknown capture `@{n}` (allowed: {})", CAPTURES.join(", ")),
            ));
        }
    }
    for key in m.where_.keys() {
        if !names.contains(&key.as_str()) {
            return Err(cx.err(
                key,
                format!("`where` names capture `{key}`, which the query does not capture"),
            ));
        }
    }
    // Compiling a query costs tens of milliseconds against a large grammar, so the built-in ones
    // are compiled once, combined per grammar, when a file of that grammar is first scanned
    // (`rules check` and the test suite compile them all). A user's own query is compiled here,
    // so a mistake in it is reported at load with its line.
    if !cx.embedded {
        for &lang in &langs {
            tree_sitter::Query::new(&lang.grammar(), &source).map_err(|e| {
                let l = source.lines().nth(e.row).unwrap_or("");
                cx.err(
                    l.trim(),
                    format!(
                        "query does not compile for {}: {} at query line {}",
                        lang.name(),
                        e.message.trim(),
                        e.row + 1
                    ),
                )
            })?;
        }
    }
    let per_lang = langs;
    let where_ = m
        .where_
        .iter()
        .map(|(k, v)| Ok((k.clone(), regex(v, cx)?)))
        .collect::<Result<_, SignatureError>>()?;
    Ok(Matcher::Query(QueryPattern {
        langs: per_lang,
        source,
        where_,
        after_listing: m.after_listing,
    }))
}

/// The capture names a query source uses (`@name`), outside string literals and `;` comments.
fn capture_names(source: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    let b = source.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b';' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'@' => {
                let start = i + 1;
                i = start;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b"_.-".contains(&b[i])) {
                    i += 1;
                }
                let name = &source[start..i];
                if !name.is_empty() && !out.contains(&name) {
                    out.push(name);
                }
            }
            _ => i += 1,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::capture_names;

    #[test]
    fn word_boundaries_become_ascii_outside_classes() {
        assert_eq!(
            super::ascii_word_boundaries(r"\bssh\b[\b]\\b\B"),
            r"(?-u:\b)ssh(?-u:\b)[\b]\\b(?-u:\B)"
        );
    }

    #[test]
    fn capture_names_skip_strings_and_comments() {
        let q = "; @comment here\n(call function: (_) @callee (#eq? @callee \"a@b\\\"@c\")) @match";
        assert_eq!(capture_names(q), ["callee", "match"]);
    }
}
