//! The signature file format, exactly as written in `signatures/<category>/<id>.toml`. These types
//! mirror the TOML one to one (`deny_unknown_fields`: a misspelt key is an error, not a silently
//! ignored rule part); the private `compile` module turns them into matchers.

use serde::Deserialize;

/// One signature file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSignature {
    /// Unique id; must equal the file name without `.toml`.
    pub id: String,
    /// One of the report categories (`exfiltration`, `hidden-network`, …).
    pub category: String,
    /// `info`, `low`, `medium`, `high` or `critical`. `info` rules record a capability of the
    /// code (it talks HTTP) for the tool table and never become findings of their own.
    pub severity: String,
    /// `low`, `medium` or `high`.
    pub confidence: String,
    /// What was found, one line (`sends e-mail through smtplib`).
    pub message: String,
    /// Why it matters, one line, shown under the finding.
    pub why: String,
    /// The capability a match implies: `network`, `mail`, `dns`, `file-read`, `file-write`,
    /// `process`, `env`, `code`, `secret`.
    #[serde(default)]
    pub effect: Option<String>,
    /// The patterns; the signature matches where any of them matches.
    #[serde(rename = "match")]
    pub matches: Vec<RawMatch>,
    /// Snippets the signature must and must not match, checked by `mcp-scan rules test`.
    #[serde(rename = "case", default)]
    pub cases: Vec<RawCase>,
}

/// One pattern. Exactly one of `call`, `string`, `import`, `query`, `manifest`, `path`,
/// `description` is set; the other keys refine it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawMatch {
    /// Languages the pattern applies to (`python`, `javascript`, `typescript`); default: all.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Callee globs matched against the resolved callee (`smtplib.SMTP*`, `child_process.exec`);
    /// `*` matches any run of characters.
    #[serde(default)]
    pub call: Vec<String>,
    /// Predicates on the call's arguments; all must hold.
    #[serde(default)]
    pub arg: Vec<RawArg>,
    /// Only calls whose callee was computed by folding (`getattr(os, 'sys'+'tem')`).
    #[serde(default)]
    pub computed: bool,
    /// Restricts a `call` or `query` match to code that runs after the tools were listed: a tool
    /// handler or a function of the file it calls, a timer callback, or a branch taken on a counter
    /// or the clock. Import-time code (module level, a decorator wrapping a function as it is
    /// defined) is left out: what it sets is what the user is shown.
    #[serde(default)]
    pub after_listing: bool,
    /// A regex over every string whose value is known (literals, folded and decoded strings).
    #[serde(default)]
    pub string: Option<String>,
    /// Restricts `string` to strings obtained this way: `literal`, `folded`, `decoded`.
    #[serde(default)]
    pub how: Vec<String>,
    /// Restricts `string` to text written for people: once invisible and formatting characters
    /// are set aside, at least half of what is left is ASCII letters, digits, spaces and
    /// punctuation. A character table (`"\u200c\u200d\xb7\u0300-\u036f…"`) is not.
    #[serde(default)]
    pub prose: bool,
    /// Restricts `string` to strings that are not items of a list, tuple, set or array literal of
    /// more than this many items (a keyword table of a syntax highlighter).
    #[serde(default)]
    pub max_list: Option<u32>,
    /// Module globs matched against imports.
    #[serde(default)]
    pub import: Vec<String>,
    /// Only dynamic imports (`__import__`, `importlib`, `require(expr)`, `import()`).
    #[serde(default)]
    pub dynamic: bool,
    /// An inline tree-sitter query; the node captured `@match` is reported.
    #[serde(default)]
    pub query: Option<String>,
    /// A query file under `queries/<language>/` (without `.scm`), instead of an inline query.
    #[serde(default)]
    pub query_file: Option<String>,
    /// Regexes that captures of the query must match (`{ callee = "^eval$" }`).
    #[serde(default, rename = "where")]
    pub where_: std::collections::BTreeMap<String, String>,
    /// A manifest file name (`package.json`, `pyproject.toml`, `setup.cfg`).
    #[serde(default)]
    pub manifest: Option<String>,
    /// Dotted keys of the manifest that must exist (`scripts.postinstall`).
    #[serde(default)]
    pub key: Vec<String>,
    /// A regex the manifest key's value must match.
    #[serde(default)]
    pub value: Option<String>,
    /// File path globs (`*.pth`): the file's presence is the match.
    #[serde(default)]
    pub path: Vec<String>,
    /// A regex over tool, resource and prompt descriptions and function docstrings.
    #[serde(default)]
    pub description: Option<String>,
}

/// A predicate on one argument.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawArg {
    /// Positional index (0-based).
    #[serde(default)]
    pub index: Option<usize>,
    /// Keyword (Python) or key of an options object (JS).
    #[serde(default)]
    pub keyword: Option<String>,
    /// Any argument (positional or keyword) may satisfy the predicate.
    #[serde(default)]
    pub any: bool,
    /// What the argument must be: `literal`, `non-literal`, `string`, `true`, `false`, `url`,
    /// `ip-url`, `function`, `present`, `absent`.
    #[serde(default)]
    pub is: Option<String>,
    /// A regex over the argument's string value, or its resolved path (`os.environ`).
    #[serde(default)]
    pub matches: Option<String>,
    /// The argument's value must not match this regex.
    #[serde(default)]
    pub not_matches: Option<String>,
}

/// A test case of the signature.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCase {
    /// `python`, `javascript` or `typescript`.
    pub language: String,
    /// `match` or `no-match`.
    pub expect: String,
    /// The snippet.
    pub code: String,
    /// The file name the snippet is scanned as (`setup.py`, `package.json`); default by language.
    #[serde(default)]
    pub path: Option<String>,
}
