//! Data-driven signatures: loading (embedded `signatures/**/*.toml` plus an optional user
//! directory that adds or overrides rules), compiling once into [`Signatures`] (`Send + Sync`,
//! shared by every worker), and matching against a file's [facts](crate::facts).
//!
//! Matching is linear in the facts: callee globs and string regexes are each combined into one
//! `RegexSet`, and the query patterns of a grammar into one index by kind, so a file costs
//! one set lookup per call and per string and one walk for the query patterns (`pattern.rs`),
//! however many rules there are.

mod compile;
mod lazy;
mod pattern;
pub mod raw;

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use rayon::prelude::*;
use regex::RegexSet;

use self::lazy::LazyRegex;
use serde::{Deserialize, Serialize};

pub use compile::CAPTURES;
pub use pattern::{TEXT_BUDGET_BASE, TEXT_BUDGET_PER_BYTE};

use crate::error::SignatureError;
use crate::facts::{Call, FileFacts, Fold, Span, Tool, Value};
use crate::finding::{Category, Confidence, Severity};
use crate::lang::Language;
use crate::syntax::{Node, Syntax};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// A capability a match implies, for the per-tool table and for chains.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Effect {
    /// Talks to the network (HTTP, sockets, websockets).
    Network,
    /// Sends e-mail.
    Mail,
    /// Resolves names (a DNS channel).
    Dns,
    /// Reads files.
    FileRead,
    /// Writes or deletes files.
    FileWrite,
    /// Starts processes.
    Process,
    /// Reads the environment.
    Env,
    /// Evaluates code built at run time.
    Code,
    /// Touches credentials.
    Secret,
}

impl Effect {
    /// Every effect, in table order.
    pub const ALL: [Effect; 9] = [
        Effect::Network,
        Effect::Mail,
        Effect::Dns,
        Effect::FileRead,
        Effect::FileWrite,
        Effect::Process,
        Effect::Env,
        Effect::Code,
        Effect::Secret,
    ];

    /// The schema spelling.
    pub fn word(self) -> &'static str {
        match self {
            Effect::Network => "network",
            Effect::Mail => "mail",
            Effect::Dns => "dns",
            Effect::FileRead => "file-read",
            Effect::FileWrite => "file-write",
            Effect::Process => "process",
            Effect::Env => "env",
            Effect::Code => "code",
            Effect::Secret => "secret",
        }
    }

    /// True for effects that move data off the machine.
    pub fn is_outbound(self) -> bool {
        matches!(self, Effect::Network | Effect::Mail | Effect::Dns)
    }
}

impl FromStr for Effect {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Effect::ALL
            .into_iter()
            .find(|e| e.word() == s)
            .ok_or_else(|| {
                let all: Vec<_> = Effect::ALL.iter().map(|e| e.word()).collect();
                format!("unknown effect `{s}` (expected one of: {})", all.join(", "))
            })
    }
}

/// Where an argument predicate looks.
#[derive(Debug, Clone)]
pub(crate) enum ArgWhere {
    Index(usize),
    Keyword(String),
    Any,
}

/// What an argument predicate requires.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ArgCheck {
    Literal,
    NonLiteral,
    Str,
    True,
    False,
    Url,
    IpUrl,
    Function,
    Present,
    Absent,
}

/// A compiled argument predicate.
#[derive(Debug, Clone)]
pub(crate) struct ArgPredicate {
    place: ArgWhere,
    check: Option<ArgCheck>,
    matches: Option<LazyRegex>,
    not_matches: Option<LazyRegex>,
}

/// A compiled query pattern.
#[derive(Debug, Clone)]
pub(crate) struct QueryPattern {
    langs: Vec<Language>,
    source: String,
    where_: Vec<(String, LazyRegex)>,
    after_listing: bool,
}

/// One compiled pattern of a signature.
#[derive(Debug, Clone)]
pub(crate) enum Matcher {
    Call {
        langs: Vec<Language>,
        globs: Vec<String>,
        args: Vec<ArgPredicate>,
        computed: bool,
        after_listing: bool,
    },
    String {
        langs: Vec<Language>,
        /// The regex as the set compiles it (checked when loaded, compiled only in the set: a
        /// regex of its own would cost the scan's start as much again, and nothing matches with it).
        pattern: String,
        how: Vec<Fold>,
        prose: bool,
        max_list: Option<u32>,
    },
    Import {
        langs: Vec<Language>,
        globs: Vec<LazyRegex>,
        dynamic: bool,
    },
    Query(QueryPattern),
    Manifest {
        name: String,
        keys: Vec<String>,
        value: Option<LazyRegex>,
    },
    Path {
        globs: Vec<LazyRegex>,
    },
    Description {
        langs: Vec<Language>,
        re: LazyRegex,
    },
}

/// A snippet a signature must (or must not) match.
#[derive(Debug, Clone)]
pub struct Case {
    /// The snippet's language.
    pub language: Language,
    /// True for `match`, false for `no-match`.
    pub expect_match: bool,
    /// The code.
    pub code: String,
    /// The file name it is scanned as, if not the language default.
    pub path: Option<String>,
}

/// A compiled signature.
#[derive(Debug, Clone)]
pub struct Signature {
    /// Unique id.
    pub id: String,
    /// Category.
    pub category: Category,
    /// Severity (`info` = capability only).
    pub severity: Severity,
    /// Confidence.
    pub confidence: Confidence,
    /// What was found.
    pub message: String,
    /// Why it matters.
    pub why: String,
    /// The capability it implies.
    pub effect: Option<Effect>,
    pub(crate) matchers: Vec<Matcher>,
    /// Its test cases.
    pub cases: Vec<Case>,
    /// Where it was loaded from (`signatures/exfiltration/py-smtplib.toml` or a user path).
    pub file: String,
}

impl Signature {
    /// The languages any of its patterns applies to (manifest and path patterns count as all).
    pub fn languages(&self) -> Vec<&'static str> {
        let mut out: Vec<&'static str> = Vec::new();
        for m in &self.matchers {
            let langs: &[Language] = match m {
                Matcher::Call { langs, .. }
                | Matcher::String { langs, .. }
                | Matcher::Import { langs, .. }
                | Matcher::Description { langs, .. } => langs,
                Matcher::Query(q) => &q.langs,
                Matcher::Manifest { name, .. } => {
                    out.push(if name == "package.json" {
                        "javascript"
                    } else {
                        "python"
                    });
                    &[]
                }
                Matcher::Path { .. } => &Language::ALL,
            };
            out.extend(langs.iter().map(|l| l.name()));
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// One match of a signature in a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Index of the signature in [`Signatures::all`].
    pub sig: usize,
    /// Where.
    pub span: Span,
    /// What the match saw when it is not the source text itself (a decoded payload, a folded
    /// callee, a manifest value).
    pub detail: Option<String>,
}

/// What a manifest file holds, for manifest patterns.
pub enum ManifestData<'a> {
    /// Parsed JSON (`package.json`) with its text for line lookup.
    Json(&'a serde_json::Value, &'a str),
    /// Parsed TOML (`pyproject.toml`) with its text.
    Toml(&'a toml::Value, &'a str),
    /// `setup.cfg` text (INI): keys are `section.key`.
    Ini(&'a str),
}

/// Every signature, compiled, indexed for matching. Build once; share across threads.
pub struct Signatures {
    sigs: Vec<Signature>,
    call_set: RegexSet,
    call_owner: Vec<(usize, usize)>,
    string_set: RegexSet,
    string_owner: Vec<(usize, usize)>,
    description_owner: Vec<(usize, usize)>,
    queries: Vec<Option<GrammarQueries>>,
}

/// Why a file's query pass is incomplete (the scan lists it as partly matched).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Partial {
    /// The native matcher's `where` tests used up their budget of node text
    /// ([`TEXT_BUDGET_PER_BYTE`] times the file's size, plus [`TEXT_BUDGET_BASE`]): matches
    /// needing a later test are missing.
    TextBudget,
    /// The query cursor (which only patterns outside the native subset need) hit its limit of
    /// matches in flight (256).
    MatchLimit,
}

impl Partial {
    fn of(spent: bool, limit: bool) -> Option<Partial> {
        if spent {
            Some(Partial::TextBudget)
        } else if limit {
            Some(Partial::MatchLimit)
        } else {
            None
        }
    }
}

/// The native query pass of one file, driven node by node by a walk made elsewhere
/// ([`Signatures::tree_match`]).
pub struct TreeMatch<'t, 's> {
    /// `None` when the grammar has no query patterns.
    visitor: Option<pattern::Visitor<'t, 's, (usize, usize, bool)>>,
    hits: Vec<(Hit, bool)>,
}

impl<'t> TreeMatch<'t, '_> {
    /// Matches the native patterns at `node`, whose ancestors are `above` (outermost first).
    pub fn visit(&mut self, node: Node<'t>, above: &[Node<'t>]) {
        if let Some(v) = &mut self.visitor {
            let hits = &mut self.hits;
            v.visit(node, above, |n, &(sig, _, late)| {
                hits.push(native_hit(n, sig, late));
            });
        }
    }
}

impl std::fmt::Debug for TreeMatch<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TreeMatch")
            .field("hits", &self.hits.len())
            .finish_non_exhaustive()
    }
}

/// A native pattern's match at `node`, with its after-listing flag.
fn native_hit(node: Node<'_>, sig: usize, late: bool) -> (Hit, bool) {
    (
        Hit {
            sig,
            span: Span::of(node),
            detail: None,
        },
        late,
    )
}

/// The query patterns of one grammar. Those in the native subset ([`pattern`]) are matched in one
/// walk of the tree; the others are joined into one source and compiled into one
/// `tree_sitter::Query` the first time a file of that grammar needs it, so a grammar the target
/// does not use, or whose patterns are all native, compiles nothing.
struct GrammarQueries {
    /// Every pattern, natively matched or not: what `rules check` compiles, and the reference the
    /// native matcher is tested against.
    all: TsQuery,
    /// The patterns outside the native subset; `None` when there are none.
    fallback: Option<TsQuery>,
    /// The native patterns, tagged (signature, matcher, after listing).
    native: pattern::NativeSet<(usize, usize, bool)>,
}

/// Query patterns joined into one source, compiled on first use.
struct TsQuery {
    lang: Language,
    /// The joined sources.
    source: String,
    /// Where each matcher's source starts in `source`, with its (signature, matcher), ascending.
    segments: Vec<(usize, (usize, usize))>,
    compiled: std::sync::OnceLock<Result<CombinedQuery, String>>,
}

/// The compiled query, with the (signature, matcher) of each of its patterns.
type CombinedQuery = (tree_sitter::Query, Vec<(usize, usize)>);

impl TsQuery {
    fn new(lang: Language) -> TsQuery {
        TsQuery {
            lang,
            source: String::new(),
            segments: Vec::new(),
            compiled: std::sync::OnceLock::new(),
        }
    }

    fn push(&mut self, source: &str, owner: (usize, usize)) {
        self.segments.push((self.source.len(), owner));
        self.source.push_str(source);
        self.source.push('\n');
    }

    fn get(&self) -> Result<&CombinedQuery, &str> {
        self.compiled
            .get_or_init(|| {
                let q =
                    tree_sitter::Query::new(&self.lang.grammar(), &self.source).map_err(|e| {
                        format!(
                            "combined {} queries do not compile: {}",
                            self.lang.name(),
                            e.message
                        )
                    })?;
                let owners = (0..q.pattern_count())
                    .map(|p| {
                        let at = q.start_byte_for_pattern(p);
                        let seg = self.segments.partition_point(|&(start, _)| start <= at);
                        self.segments[seg.saturating_sub(1)].1
                    })
                    .collect();
                Ok((q, owners))
            })
            .as_ref()
            .map_err(String::as_str)
    }
}

impl std::fmt::Debug for Signatures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signatures")
            .field("count", &self.sigs.len())
            .finish()
    }
}

/// Query files embedded from `queries/`, keyed `language/name`.
pub fn embedded_queries() -> BTreeMap<String, String> {
    embedded::QUERIES
        .iter()
        .map(|(p, t)| (p.trim_end_matches(".scm").to_owned(), (*t).to_owned()))
        .collect()
}

impl Signatures {
    /// The signatures built into the binary.
    pub fn embedded() -> Result<Signatures, Vec<SignatureError>> {
        Signatures::load(None)
    }

    /// The built-in signatures, plus those of `dir` (`**/*.toml`; a file whose id equals a built-in
    /// one replaces it). Every error is collected; any error fails the whole load.
    pub fn load(dir: Option<&Path>) -> Result<Signatures, Vec<SignatureError>> {
        // id → (path, text, built in)
        let mut files: BTreeMap<String, (String, String, bool)> = BTreeMap::new();
        for (path, text) in embedded::SIGNATURES {
            let id = Path::new(path)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(path)
                .to_owned();
            files.insert(id, (format!("signatures/{path}"), (*text).to_owned(), true));
        }
        let mut errors = Vec::new();
        if let Some(dir) = dir {
            match user_files(dir) {
                Ok(list) => {
                    for (path, text) in list {
                        let id = path
                            .file_stem()
                            .and_then(|s| s.to_str())
                            .unwrap_or("")
                            .to_owned();
                        files.insert(id, (path.display().to_string(), text, false));
                    }
                }
                Err(e) => errors.push(e),
            }
        }
        let queries = embedded_queries();
        // Each file parses and compiles its regexes on its own: in parallel, then taken in the
        // files' order (what a scan's start waits for, a third of a small server's scan).
        let files: Vec<&(String, String, bool)> = files.values().collect();
        let compiled: Vec<Result<Signature, SignatureError>> = files
            .par_iter()
            .map(|(file, text, embedded)| {
                let cx = compile::Ctx {
                    file,
                    text,
                    queries: &queries,
                    embedded: *embedded,
                };
                let raw: raw::RawSignature = toml::from_str(text).map_err(|e| {
                    let line = e.span().map_or(1, |s| {
                        text[..s.start.min(text.len())].lines().count().max(1)
                    });
                    SignatureError {
                        file: file.clone(),
                        line,
                        message: e.message().to_owned(),
                    }
                })?;
                compile::compile(raw, &cx)
            })
            .collect();
        let mut sigs = Vec::new();
        for c in compiled {
            match c {
                Ok(s) => sigs.push(s),
                Err(e) => errors.push(e),
            }
        }
        if sigs.is_empty() && errors.is_empty() {
            errors.push(SignatureError {
                file: "signatures/".into(),
                line: 1,
                message: "no signatures found".into(),
            });
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Signatures::index(sigs).map_err(|e| vec![e])
    }

    fn index(sigs: Vec<Signature>) -> Result<Signatures, SignatureError> {
        let mut call_pats = Vec::new();
        let mut call_owner = Vec::new();
        let mut string_pats = Vec::new();
        let mut string_owner = Vec::new();
        let mut description_owner = Vec::new();
        let mut queries: Vec<Option<GrammarQueries>> = Language::ALL.iter().map(|_| None).collect();
        for (si, s) in sigs.iter().enumerate() {
            for (mi, m) in s.matchers.iter().enumerate() {
                match m {
                    Matcher::Call { globs, .. } => {
                        for g in globs {
                            call_pats.push(compile::glob_regex(g));
                            call_owner.push((si, mi));
                        }
                    }
                    Matcher::String { pattern, .. } => {
                        string_pats.push(pattern.clone());
                        string_owner.push((si, mi));
                    }
                    Matcher::Description { .. } => description_owner.push((si, mi)),
                    Matcher::Query(q) => {
                        for &lang in &q.langs {
                            let g = queries[lang.index()].get_or_insert_with(|| GrammarQueries {
                                all: TsQuery::new(lang),
                                fallback: None,
                                native: pattern::NativeSet::new(lang),
                            });
                            g.all.push(&q.source, (si, mi));
                            match pattern::parse(&q.source, lang, &q.where_) {
                                Some(roots) => {
                                    for r in roots {
                                        g.native.push(r, (si, mi, q.after_listing));
                                    }
                                }
                                None => g
                                    .fallback
                                    .get_or_insert_with(|| TsQuery::new(lang))
                                    .push(&q.source, (si, mi)),
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        let set = |pats: &[String]| {
            regex::RegexSetBuilder::new(pats)
                .size_limit(1 << 26)
                .dfa_size_limit(1 << 27)
                .build()
                .map_err(|e| SignatureError {
                    file: "signatures/".into(),
                    line: 1,
                    message: format!("the combined rule set does not compile: {e}"),
                })
        };
        let (call_set, string_set) = rayon::join(|| set(&call_pats), || set(&string_pats));
        Ok(Signatures {
            call_set: call_set?,
            call_owner,
            string_set: string_set?,
            string_owner,
            description_owner,
            queries,
            sigs,
        })
    }

    /// Compiles now what a scan otherwise compiles when it first needs it: the query patterns of
    /// every grammar (compiled when a file of their grammar is first scanned) and the built-in
    /// signatures' regexes ([`lazy`]). `rules check` and the test suite use this to prove that
    /// all of them compile.
    pub fn compile_all(&self) -> Result<(), SignatureError> {
        for q in self.queries.iter().flatten() {
            q.all.get().map_err(|message| SignatureError {
                file: "signatures/".into(),
                line: 1,
                message: message.to_owned(),
            })?;
        }
        for s in &self.sigs {
            for m in &s.matchers {
                let regexes: Vec<&LazyRegex> = match m {
                    Matcher::Call { args, .. } => args
                        .iter()
                        .flat_map(|a| a.matches.iter().chain(&a.not_matches))
                        .collect(),
                    Matcher::Query(q) => q.where_.iter().map(|(_, re)| re).collect(),
                    Matcher::Import { globs, .. } | Matcher::Path { globs } => {
                        globs.iter().collect()
                    }
                    Matcher::Manifest { value, .. } => value.iter().collect(),
                    Matcher::Description { re, .. } => vec![re],
                    Matcher::String { .. } => Vec::new(),
                };
                for re in regexes {
                    re.check().map_err(|message| SignatureError {
                        file: s.file.clone(),
                        line: 1,
                        message,
                    })?;
                }
            }
        }
        Ok(())
    }

    /// Every signature, sorted by id.
    pub fn all(&self) -> &[Signature] {
        &self.sigs
    }

    /// Matches code facts and query patterns of one file, its tree read through the [`Syntax`] its
    /// facts were extracted from ([`crate::facts::extract_from`]): one copy of the tree for both.
    pub fn match_source(
        &self,
        lang: Language,
        facts: &FileFacts,
        syntax: &Syntax,
        tree: &tree_sitter::Tree,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
    ) -> Vec<Hit> {
        let (queried, _) = self.match_syntax(lang, syntax, Some(tree), src, cursor);
        self.match_with_facts(lang, facts, queried)
    }

    /// The query pass alone: it reads the tree, not the facts, so a large file can run it while
    /// its facts are extracted. Each hit says whether its rule only counts code that runs after
    /// the tools were listed (decided by [`Signatures::match_with_facts`]). A [`Partial`] says
    /// why the file was only partly matched.
    pub fn match_tree(
        &self,
        lang: Language,
        tree: &tree_sitter::Tree,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
    ) -> (Vec<(Hit, bool)>, Option<Partial>) {
        self.match_syntax(lang, &Syntax::new(tree), Some(tree), src, cursor)
    }

    /// True when matching `lang` needs tree-sitter's tree besides its [`Syntax`] copy: some
    /// pattern (a user's) is outside the native subset and runs on the query cursor. Otherwise
    /// a scan drops the tree as soon as it is copied.
    pub fn needs_tree(&self, lang: Language) -> bool {
        self.queries[lang.index()]
            .as_ref()
            .is_some_and(|g| g.fallback.is_some())
    }

    /// [`Signatures::match_tree`] on a tree already laid out as a [`Syntax`]; `tree` is the one
    /// it copies, which only [`Signatures::needs_tree`] needs.
    pub fn match_syntax(
        &self,
        lang: Language,
        syntax: &Syntax,
        tree: Option<&tree_sitter::Tree>,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
    ) -> (Vec<(Hit, bool)>, Option<Partial>) {
        let mut hits = Vec::new();
        let Some(g) = &self.queries[lang.index()] else {
            return (hits, None);
        };
        let spent = g.native.run(syntax, src, |node, &(sig, _, late)| {
            hits.push(native_hit(node, sig, late));
        });
        let limit = self.match_fallback(lang, tree, src, cursor, &mut hits);
        (hits, Partial::of(spent, limit))
    }

    /// [`Signatures::match_tree`] for a caller that walks the tree itself: feed
    /// [`TreeMatch::visit`] every node in pre-order (the fact extractor's walk does,
    /// [`crate::facts::extract_visiting`]), then [`Signatures::finish_tree_match`]. Same hits, in
    /// the same order, with one walk of the tree instead of two.
    pub fn tree_match<'t, 's>(&'s self, lang: Language, src: &'s [u8]) -> TreeMatch<'t, 's> {
        TreeMatch {
            visitor: self.queries[lang.index()]
                .as_ref()
                .map(|g| g.native.visitor(src)),
            hits: Vec::new(),
        }
    }

    /// The hits of a [`TreeMatch`] whose walk is over, with the patterns outside the native subset
    /// matched by the query cursor; the flag is [`Signatures::match_tree`]'s.
    pub fn finish_tree_match(
        &self,
        lang: Language,
        done: TreeMatch<'_, '_>,
        tree: Option<&tree_sitter::Tree>,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
    ) -> (Vec<(Hit, bool)>, Option<Partial>) {
        let spent = done.visitor.as_ref().is_some_and(pattern::Visitor::spent);
        let mut hits = done.hits;
        let limit = self.match_fallback(lang, tree, src, cursor, &mut hits);
        (hits, Partial::of(spent, limit))
    }

    /// Adds the matches of the patterns outside the native subset; true when the query cursor hit
    /// its match limit. Without the tree (which a caller keeps when [`Signatures::needs_tree`]),
    /// there are none to add.
    fn match_fallback(
        &self,
        lang: Language,
        tree: Option<&tree_sitter::Tree>,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
        hits: &mut Vec<(Hit, bool)>,
    ) -> bool {
        debug_assert!(
            tree.is_some() || !self.needs_tree(lang),
            "the tree was dropped"
        );
        let Some(tree) = tree else { return false };
        // A combined query that does not compile is reported by `rules check`; built-in ones are
        // proven by the test suite, and a user's are compiled one by one at load.
        match self.queries[lang.index()]
            .as_ref()
            .and_then(|g| g.fallback.as_ref())
            .map(TsQuery::get)
        {
            Some(Ok(combined)) => {
                self.match_queries(combined, tree, src, cursor, hits);
                cursor.did_exceed_match_limit()
            }
            _ => false,
        }
    }

    /// Compares the native query matcher with tree-sitter's query cursor on one tree, and gives
    /// how many matches the native one found. `Err` names a match the native matcher missed
    /// (unless it ran out of text budget, [`Partial::TextBudget`]), or found with no comment
    /// inside it (its anchors skip comments; the cursor's do not), or a difference between the pass on its own walk and the pass riding on the fact extractor's
    /// ([`Signatures::tree_match`]: hits, their order, the facts). For the test suite and the
    /// `scan_source` fuzz target; not a scanning API.
    #[doc(hidden)]
    pub fn check_native_matches(
        &self,
        lang: Language,
        tree: &tree_sitter::Tree,
        src: &[u8],
    ) -> Result<usize, String> {
        let key = |(h, late): (Hit, bool)| (h.sig, h.span.start, h.span.end, late);
        let mut cursor = tree_sitter::QueryCursor::new();
        let (walked, partial) = self.match_tree(lang, tree, src, &mut cursor);
        // The same pass riding on the fact extractor's walk (what a scan does for small files)
        // finds the same hits in the same order, and leaves the facts as they are.
        let syntax = Syntax::new(tree);
        let mut matching = self.tree_match(lang, src);
        let facts = crate::facts::extract_visiting(lang, &syntax, src, &mut |node, above| {
            matching.visit(node, above);
        });
        let ridden = self
            .finish_tree_match(lang, matching, Some(tree), src, &mut cursor)
            .0;
        if ridden != walked {
            return Err(format!(
                "on the fact walk the native matcher found {} hits, on its own {}",
                ridden.len(),
                walked.len()
            ));
        }
        if facts != crate::facts::extract(lang, tree, src) {
            return Err("the facts differ when the query pass rides on their walk".into());
        }
        let native: std::collections::BTreeSet<_> = walked.into_iter().map(key).collect();
        let reference: std::collections::BTreeSet<_> = self
            .match_tree_reference(lang, tree, src)
            .into_iter()
            .map(key)
            .collect();
        // Past its text budget the native matcher may miss what the cursor finds: the file is
        // listed as partly matched. What it found must still be found by the cursor.
        if partial != Some(Partial::TextBudget)
            && let Some(&(sig, start, end, _)) = reference.difference(&native).next()
        {
            return Err(format!(
                "the native matcher missed {} at {start}..{end}",
                self.sigs[sig].id
            ));
        }
        for &(sig, start, end, _) in native.difference(&reference) {
            let text = String::from_utf8_lossy(&src[start..end]);
            if !(text.contains('#') || text.contains("//") || text.contains("/*")) {
                return Err(format!(
                    "{} at {start}..{end} only natively, with no comment in it",
                    self.sigs[sig].id
                ));
            }
        }
        Ok(native.len())
    }

    /// Every query pattern of `lang` matched by tree-sitter's query cursor: the reference the
    /// native matcher must agree with.
    pub(crate) fn match_tree_reference(
        &self,
        lang: Language,
        tree: &tree_sitter::Tree,
        src: &[u8],
    ) -> Vec<(Hit, bool)> {
        let mut hits = Vec::new();
        if let Some(Ok(combined)) = self.queries[lang.index()].as_ref().map(|g| g.all.get()) {
            let mut cursor = tree_sitter::QueryCursor::new();
            self.match_queries(combined, tree, src, &mut cursor, &mut hits);
        }
        hits
    }

    /// Everything but the query pass (calls, strings, imports, descriptions), then the query
    /// pass's hits [`Signatures::match_tree`] found, in that order.
    pub fn match_with_facts(
        &self,
        lang: Language,
        facts: &FileFacts,
        queried: Vec<(Hit, bool)>,
    ) -> Vec<Hit> {
        let mut hits = Vec::new();
        let applies = |langs: &[Language]| langs.contains(&lang);
        // Most callees and strings match no rule: the set's plain `is_match` (a DFA, no
        // overlapping search) rules them out before `matches` says which rules.
        for call in &facts.calls {
            if !self.call_set.is_match(&call.callee) {
                continue;
            }
            for pi in self.call_set.matches(&call.callee).iter() {
                let (si, mi) = self.call_owner[pi];
                if let Matcher::Call {
                    langs,
                    args,
                    computed,
                    after_listing,
                    ..
                } = &self.sigs[si].matchers[mi]
                    && applies(langs)
                    && (!computed || call.computed)
                    && (!after_listing || facts.runs_late(call.span.start))
                    && args.iter().all(|a| a.holds(call))
                {
                    let detail = call
                        .computed
                        .then(|| format!("computed callee `{}`", call.callee));
                    hits.push(Hit {
                        sig: si,
                        span: call.span,
                        detail,
                    });
                }
            }
        }
        for s in &facts.strings {
            if !self.string_set.is_match(&s.value) {
                continue;
            }
            for pi in self.string_set.matches(&s.value).iter() {
                let (si, mi) = self.string_owner[pi];
                if let Matcher::String {
                    langs,
                    how,
                    prose,
                    max_list,
                    ..
                } = &self.sigs[si].matchers[mi]
                    && applies(langs)
                    && (how.is_empty() || how.contains(&s.how))
                    && max_list.is_none_or(|n| s.list_len <= n)
                    && (!prose || is_prose(&s.value))
                {
                    let detail = match s.how {
                        Fold::Literal => None,
                        Fold::Folded => Some(format!("folded string \"{}\"", clip(&s.value, 120))),
                        Fold::Decoded => {
                            Some(format!("decoded string \"{}\"", clip(&s.value, 120)))
                        }
                    };
                    hits.push(Hit {
                        sig: si,
                        span: s.span,
                        detail,
                    });
                }
            }
        }
        for (si, s) in self.sigs.iter().enumerate() {
            for m in &s.matchers {
                if let Matcher::Import {
                    langs,
                    globs,
                    dynamic,
                } = m
                    && applies(langs)
                {
                    for imp in &facts.imports {
                        if (!dynamic || imp.dynamic)
                            && globs.iter().any(|g| g.is_match(&imp.module))
                        {
                            hits.push(Hit {
                                sig: si,
                                span: imp.span,
                                detail: None,
                            });
                        }
                    }
                }
            }
        }
        self.match_descriptions(lang, facts, &mut hits);
        hits.extend(
            queried
                .into_iter()
                .filter(|(h, late)| !late || facts.runs_late(h.span.start))
                .map(|(h, _)| h),
        );
        hits
    }

    fn match_descriptions(&self, lang: Language, facts: &FileFacts, hits: &mut Vec<Hit>) {
        if self.description_owner.is_empty() {
            return;
        }
        let handlers: foldhash::HashSet<u32> =
            facts.tools.iter().filter_map(|t| t.handler).collect();
        let texts = facts
            .tools
            .iter()
            .flat_map(|t| {
                let span = t.description_span.unwrap_or(t.span);
                t.description_texts().map(move |d| (d, span))
            })
            .chain(facts.tools.iter().flat_map(|t| {
                t.params
                    .iter()
                    .filter_map(move |p| Some((p.description.as_deref()?, t.span)))
            }))
            // Docstrings of decorated functions that are not a known tool's handler (whose
            // docstring is already its description): a tool the inventory missed.
            .chain(
                facts
                    .functions
                    .iter()
                    .enumerate()
                    .filter(|(i, f)| {
                        f.decorated && !u32::try_from(*i).is_ok_and(|i| handlers.contains(&i))
                    })
                    .filter_map(|(_, f)| Some((f.doc.as_deref()?, f.span))),
            );
        self.match_texts(lang, texts, hits);
    }

    /// Matches the description rules against one tool's description (every text it can take) and
    /// parameter descriptions: for tools the package phase completed after the file was matched
    /// (a candidate accepted, a description folded across files).
    pub fn match_tool_description(&self, lang: Language, tool: &Tool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let span = tool.description_span.unwrap_or(tool.span);
        let texts = tool.description_texts().map(|d| (d, span)).chain(
            tool.params
                .iter()
                .filter_map(|p| Some((p.description.as_deref()?, tool.span))),
        );
        self.match_texts(lang, texts, &mut hits);
        hits
    }

    fn match_texts<'a>(
        &self,
        lang: Language,
        texts: impl Iterator<Item = (&'a str, Span)>,
        hits: &mut Vec<Hit>,
    ) {
        // (rule, line) of the hits so far, made at the first description that matches: searching
        // the file's hits per match cost 64 000 descriptions 6.8 s.
        let mut seen: Option<foldhash::HashSet<(usize, u32)>> = None;
        for (text, span) in texts {
            for &(si, mi) in &self.description_owner {
                if let Matcher::Description { langs, re } = &self.sigs[si].matchers[mi]
                    && langs.contains(&lang)
                    && let Some(m) = re.find(text)
                {
                    let seen = seen
                        .get_or_insert_with(|| hits.iter().map(|h| (h.sig, h.span.line)).collect());
                    if seen.insert((si, span.line)) {
                        let detail = Some(format!(
                            "description says \"{}\"",
                            clip(&escape_invisible(m.as_str()), 120)
                        ));
                        hits.push(Hit {
                            sig: si,
                            span,
                            detail,
                        });
                    }
                }
            }
        }
    }

    fn match_queries(
        &self,
        (query, owners): &CombinedQuery,
        tree: &tree_sitter::Tree,
        src: &[u8],
        cursor: &mut tree_sitter::QueryCursor,
        hits: &mut Vec<(Hit, bool)>,
    ) {
        use tree_sitter::StreamingIterator as _;
        let names = query.capture_names();
        let mut matches = cursor.matches(query, tree.root_node(), src);
        while let Some(m) = matches.next() {
            let Some(&(si, mi)) = owners.get(m.pattern_index) else {
                continue;
            };
            let Matcher::Query(q) = &self.sigs[si].matchers[mi] else {
                continue;
            };
            let ok = q.where_.iter().all(|(cap, re)| {
                m.captures.iter().any(|c| {
                    names[c.index as usize] == cap
                        && re.is_match(&String::from_utf8_lossy(&src[c.node.byte_range()]))
                })
            });
            if !ok {
                continue;
            }
            if let Some(c) = m
                .captures
                .iter()
                .find(|c| names[c.index as usize] == "match")
            {
                let hit = Hit {
                    sig: si,
                    span: Span::of_ts(c.node),
                    detail: None,
                };
                hits.push((hit, q.after_listing));
            }
        }
    }

    /// Matches manifest patterns against a manifest's data.
    pub fn match_manifest(&self, name: &str, data: &ManifestData<'_>) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (si, s) in self.sigs.iter().enumerate() {
            for m in &s.matchers {
                let Matcher::Manifest {
                    name: want,
                    keys,
                    value,
                } = m
                else {
                    continue;
                };
                if want != name {
                    continue;
                }
                for key in keys {
                    let Some((found, needle)) = manifest_value(data, key) else {
                        continue;
                    };
                    if value.as_ref().is_some_and(|re| !re.is_match(&found)) {
                        continue;
                    }
                    let text = match data {
                        ManifestData::Json(_, t)
                        | ManifestData::Toml(_, t)
                        | ManifestData::Ini(t) => *t,
                    };
                    let line = text
                        .lines()
                        .position(|l| l.contains(&needle))
                        .map_or(1, |i| i + 1);
                    let span = Span {
                        start: 0,
                        end: 0,
                        line: u32::try_from(line).unwrap_or(1),
                        byte_column: 0,
                    };
                    hits.push(Hit {
                        sig: si,
                        span,
                        detail: Some(format!("{key} = {}", clip(&found, 160))),
                    });
                }
            }
        }
        hits
    }

    /// Matches path patterns against a file's path (relative to the scanned root).
    pub fn match_path(&self, rel: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        let name = rel.rsplit('/').next().unwrap_or(rel);
        for (si, s) in self.sigs.iter().enumerate() {
            for m in &s.matchers {
                if let Matcher::Path { globs } = m
                    && globs.iter().any(|g| g.is_match(rel) || g.is_match(name))
                {
                    hits.push(Hit {
                        sig: si,
                        span: Span {
                            line: 1,
                            ..Span::default()
                        },
                        detail: None,
                    });
                }
            }
        }
        hits
    }
}

fn manifest_value(data: &ManifestData<'_>, key: &str) -> Option<(String, String)> {
    let last = key.rsplit('.').next().unwrap_or(key).to_owned();
    match data {
        ManifestData::Json(v, _) => {
            let mut cur = *v;
            for part in key.split('.') {
                cur = cur.get(part)?;
            }
            let s = cur.as_str().map_or_else(|| cur.to_string(), str::to_owned);
            Some((s, format!("\"{last}\"")))
        }
        ManifestData::Toml(v, _) => {
            let mut cur = *v;
            for part in key.split('.') {
                cur = cur.get(part)?;
            }
            let s = cur.as_str().map_or_else(|| cur.to_string(), str::to_owned);
            Some((s, last))
        }
        ManifestData::Ini(text) => {
            let (section, k) = key.split_once('.')?;
            let (v, k) = crate::lang::ini_value(text, section, k)?;
            Some((v.to_owned(), k.to_owned()))
        }
    }
}

impl ArgPredicate {
    fn holds(&self, call: &Call) -> bool {
        let values: Vec<&Value> = match &self.place {
            ArgWhere::Index(i) => call.positional(*i).map(|a| &a.value).into_iter().collect(),
            ArgWhere::Keyword(k) => call.keyword(k).map(|(_, v)| v).into_iter().collect(),
            ArgWhere::Any => call
                .args
                .iter()
                .flat_map(|a| {
                    let mut v = vec![&a.value];
                    if let Value::Object { entries } = &a.value {
                        v.extend(entries.iter().map(|(_, e)| e));
                    }
                    v
                })
                .collect(),
        };
        if let Some(ArgCheck::Absent) = self.check {
            return values.is_empty();
        }
        values.iter().any(|v| self.holds_on(v))
    }

    fn holds_on(&self, v: &Value) -> bool {
        let ok = match self.check {
            None | Some(ArgCheck::Present) => true,
            Some(ArgCheck::Absent) => false,
            Some(ArgCheck::Literal) => v.is_literal(),
            Some(ArgCheck::NonLiteral) => !v.is_literal(),
            Some(ArgCheck::Str) => matches!(v, Value::Str { .. }),
            Some(ArgCheck::True) => matches!(v, Value::Bool { value: true }),
            Some(ArgCheck::False) => matches!(v, Value::Bool { value: false }),
            Some(ArgCheck::Url) => v.as_str().is_some_and(|s| url_host(s).is_some()),
            Some(ArgCheck::IpUrl) => v.as_str().and_then(url_host).is_some_and(|h| is_ip(&h)),
            Some(ArgCheck::Function) => matches!(v, Value::Function),
        };
        if !ok {
            return false;
        }
        let text = match v {
            Value::Str { value, .. } => Some(value.as_str()),
            Value::Path { path } => Some(path.as_str()),
            Value::Call { callee } => Some(callee.as_str()),
            _ => None,
        };
        if let Some(re) = &self.matches
            && !text.is_some_and(|t| re.is_match(t))
        {
            return false;
        }
        if let Some(re) = &self.not_matches
            && text.is_some_and(|t| re.is_match(t))
        {
            return false;
        }
        true
    }
}

/// The host of an absolute http(s)/ws(s)/ftp URL.
pub fn url_host(s: &str) -> Option<String> {
    let u = url::Url::parse(s.trim()).ok()?;
    if !matches!(u.scheme(), "http" | "https" | "ws" | "wss" | "ftp") {
        return None;
    }
    u.host_str()
        .map(|h| h.trim_matches(['[', ']']).to_ascii_lowercase())
}

/// True for an IPv4 or IPv6 literal that is not loopback.
pub fn is_ip(host: &str) -> bool {
    host.parse::<std::net::IpAddr>()
        .is_ok_and(|ip| !ip.is_loopback() && !ip.is_unspecified())
}

/// True for text written for people: setting invisible and formatting characters aside (zero
/// width, bidirectional controls, the tag block, combining marks), at least half of the rest is
/// ASCII letters, digits, spaces and punctuation.
pub fn is_prose(s: &str) -> bool {
    let (mut plain, mut other) = (0usize, 0usize);
    for c in s.chars() {
        match c {
            '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2069}'
            | '\u{FEFF}'
            | '\u{E0000}'..='\u{E007F}'
            | '\u{FE00}'..='\u{FE0F}' => {}
            c if c.is_ascii_alphanumeric()
                || c.is_ascii_whitespace()
                || c.is_ascii_punctuation() =>
            {
                plain += 1;
            }
            _ => other += 1,
        }
    }
    plain > 0 && plain >= other
}

/// Shortens text for display at a character boundary.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max).collect();
    out.push('…');
    out
}

/// Makes invisible and control characters visible as `<U+XXXX>`.
pub fn escape_invisible(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if crate::report::is_invisible(c) {
            out.push_str(&format!("<U+{:04X}>", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Every `*.toml` below a user's signature directory, sorted.
fn user_files(dir: &Path) -> Result<Vec<(std::path::PathBuf, String)>, SignatureError> {
    let err = |path: &Path, m: String| SignatureError {
        file: path.display().to_string(),
        line: 1,
        message: m,
    };
    if !dir.is_dir() {
        return Err(err(dir, "not a directory".into()));
    }
    let mut out = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .follow_links(false)
        .build()
    {
        let entry = entry.map_err(|e| err(dir, e.to_string()))?;
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "toml")
            && entry.file_type().is_some_and(|t| t.is_file())
        {
            let text = std::fs::read_to_string(p).map_err(|e| err(p, e.to_string()))?;
            out.push((p.to_path_buf(), text));
        }
    }
    out.sort();
    Ok(out)
}
