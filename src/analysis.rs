//! Per-tool analysis on top of signature matches: what each tool's handler reaches (effects and
//! destinations), and the combinations that are worse than their parts:
//!
//! - `chain-secret-to-fixed-destination` (exfiltration): a tool that takes a secret-named
//!   parameter or reads credentials, and sends to a destination written into the code.
//! - `hidden-network-in-tool` (hidden-network): a tool whose name and description say nothing of
//!   the network reaches it, at a destination its own words do not explain.
//!
//! - `tool-description-dynamic` (rug-pull): a tool whose description is computed at run time.
//!
//! A tool's scope is everything its handler reaches across the package ([`crate::program`]); code
//! no tool reaches (module level, install scripts) is judged per file as one more scope.

use std::collections::BTreeSet;

use crate::facts::{Call, FileFacts, Span, Tool, Value, is_secret_name};
use crate::finding::{Category, Confidence, Evidence, Finding, Severity};
use crate::program::Unit;
use crate::signature::{Effect, is_ip, url_host};

/// Where an outbound effect sends data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Dest {
    /// Network, mail or DNS.
    pub via: Effect,
    /// What the destination is.
    pub kind: DestKind,
    /// Line of the sink.
    pub line: u32,
}

/// How a destination is determined.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DestKind {
    /// Written in the code (a host, an address, an IP).
    Literal(String),
    /// Taken from a parameter of the enclosing function.
    Param(String),
    /// Read from the environment or configuration.
    Env(String),
    /// Computed at run time from something else.
    Computed,
}

impl Dest {
    /// How the report names it.
    pub fn label(&self) -> String {
        match &self.kind {
            DestKind::Literal(s) => s.clone(),
            DestKind::Param(p) => format!("parameter `{p}`"),
            DestKind::Env(k) => format!("environment ({k})"),
            DestKind::Computed => "computed at run time".to_owned(),
        }
    }

    /// The destination when it is written in the code.
    pub fn literal(&self) -> Option<&str> {
        match &self.kind {
            DestKind::Literal(s) => Some(s),
            _ => None,
        }
    }
}

/// One match with an effect, kept for the whole-program phase with everything a finding at it
/// needs (a chain finding is reported at its sink, possibly in another file).
#[derive(Debug, Clone)]
pub struct EffectHit {
    /// The capability.
    pub effect: Effect,
    /// Where it sends, for outbound effects.
    pub dest: Option<Dest>,
    /// True for credential reads (credential-access matches).
    pub credential: bool,
    /// Byte offset in its file.
    pub offset: usize,
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
    /// The source line.
    pub snippet: String,
}

/// What one tool (or one file's module scope) reaches: indices into the per-unit hit lists.
#[derive(Debug, Clone, Default)]
pub struct ToolEffects {
    /// Capabilities.
    pub effects: BTreeSet<Effect>,
    /// Destinations of outbound effects, deduplicated.
    pub destinations: BTreeSet<Dest>,
    /// Outbound sinks: (unit, hit).
    pub outbound: Vec<(usize, usize)>,
    /// Credential reads: (unit, hit).
    pub credentials: Vec<(usize, usize)>,
}

impl ToolEffects {
    /// Adds hit `h` of unit `u`.
    pub fn add(&mut self, u: usize, h: usize, hit: &EffectHit) {
        self.effects.insert(hit.effect);
        if hit.credential {
            self.credentials.push((u, h));
        }
        if let Some(d) = &hit.dest {
            self.destinations.insert(d.clone());
            self.outbound.push((u, h));
        }
    }
}

/// One scope the analysis judges: a tool (with its reach) or the module code of one file.
pub struct Scope<'a> {
    /// The tool, or `None` for module code.
    pub tool: Option<&'a Tool>,
    /// The file declaring the tool (or holding the module code).
    pub unit: usize,
    /// What it reaches.
    pub effects: &'a ToolEffects,
    /// How the scope reaches a place, as text (`a → b (helpers.py)`).
    pub path_to: &'a dyn Fn(usize, usize) -> Option<String>,
}

/// The destination of an outbound sink at `span`, from the call's arguments.
pub fn destination(facts: &FileFacts, span: Span, effect: Effect) -> Option<Dest> {
    if !effect.is_outbound() {
        return None;
    }
    // Calls are recorded in pre-order, so sorted by start: binary search, then the few calls
    // starting at the same byte (`a()()`).
    let first = facts.calls.partition_point(|c| c.span.start < span.start);
    let call = facts.calls[first..]
        .iter()
        .take_while(|c| c.span.start == span.start)
        .find(|c| c.span.end == span.end);
    let kind = match call {
        Some(c) => call_destination(facts, c, effect),
        // A string match (a webhook URL) is its own destination.
        None => facts
            .strings
            .iter()
            .find(|s| s.span.start == span.start)
            .and_then(|s| url_host(&s.value))
            .map_or(DestKind::Computed, DestKind::Literal),
    };
    Some(Dest {
        via: effect,
        kind,
        line: span.line,
    })
}

const DEST_KEYWORDS: [&str; 10] = [
    "url", "host", "hostname", "uri", "to", "bcc", "cc", "chat_id", "address", "endpoint",
];

fn call_destination(facts: &FileFacts, call: &Call, effect: Effect) -> DestKind {
    let params: &[String] = call
        .function
        .map_or(&[], |f| &facts.functions[f as usize].params);
    // Mail: a literal extra recipient is the destination that matters most.
    let mut candidates: Vec<&crate::facts::Arg> = Vec::new();
    if effect == Effect::Mail {
        for k in ["bcc", "cc", "to"] {
            if let Some((a, _)) = call.keyword(k) {
                candidates.push(a);
            }
        }
        if call.callee.ends_with("sendmail") || call.callee.ends_with("send_message") {
            candidates.extend(call.positional(1));
        }
    }
    for k in DEST_KEYWORDS {
        if let Some((a, _)) = call.keyword(k) {
            candidates.push(a);
        }
    }
    candidates.extend(call.positional(0));
    for a in &candidates {
        let v = match &a.value {
            Value::Object { .. } => DEST_KEYWORDS
                .iter()
                .find_map(|k| a.value.entry(k))
                .unwrap_or(&a.value),
            v => v,
        };
        if let Some(lit) = literal_destination(v) {
            // `SMTP_SSL("smtp.gmail.com", 465)`, `socket.connect(("1.2.3.4", 4444))`: keep the port.
            let port = match (&a.value, call.positional(1).map(|p| &p.value)) {
                (Value::List { items }, _) => items.get(1).and_then(number),
                (Value::Str { .. }, Some(p))
                    if a.keyword.is_none() && std::ptr::eq(*a, call.positional(0).unwrap_or(a)) =>
                {
                    number(p)
                }
                _ => None,
            };
            return DestKind::Literal(match port {
                Some(p) if !lit.contains(':') && !lit.contains('@') => format!("{lit}:{p}"),
                _ => lit,
            });
        }
    }
    for a in &candidates {
        if let Some(p) = a.names.iter().find(|n| params.contains(n)) {
            return DestKind::Param(p.clone());
        }
        let env = match &a.value {
            Value::Path { path } | Value::Call { callee: path } => env_key(path),
            _ => None,
        };
        if let Some(k) = env {
            return DestKind::Env(k);
        }
    }
    DestKind::Computed
}

fn number(v: &Value) -> Option<u16> {
    match v {
        Value::Number { text } => text.parse().ok(),
        _ => None,
    }
}

fn env_key(path: &str) -> Option<String> {
    for prefix in ["os.environ", "os.getenv", "process.env", "os.environ.get"] {
        if let Some(rest) = path.strip_prefix(prefix) {
            return Some(rest.trim_matches(['.', '[', ']', '(', ')']).to_owned())
                .filter(|s| !s.is_empty())
                .or(Some("env".into()));
        }
    }
    None
}

/// A destination written in the code: a URL's host, a host name, an IP, a mail address.
fn literal_destination(v: &Value) -> Option<String> {
    match v {
        Value::Str { value, .. } => {
            let s = value.trim();
            if let Some(h) = url_host(s) {
                return Some(h);
            }
            let looks_host = !s.is_empty()
                && s.len() < 256
                && s.contains('.')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-_@:".contains(c));
            looks_host.then(|| s.to_ascii_lowercase())
        }
        Value::List { items } => items.iter().find_map(literal_destination),
        _ => None,
    }
}

/// Words that say a tool talks to the network.
const NETWORK_WORDS: [&str; 40] = [
    "fetch", "http", "url", "web", "api", "download", "upload", "request", "send", "post",
    "search", "mail", "message", "notif", "webhook", "sync", "remote", "online", "cloud", "server",
    "service", "query", "lookup", "browse", "crawl", "scrape", "slack", "github", "issue", "repo",
    "weather", "forecast", "price", "translat", "news", "publish", "share", "report", "track",
    "login",
];

/// Chains and hidden network use in one scope.
pub fn judge(scope: &Scope<'_>, units: &[Unit], hits: &[Vec<EffectHit>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let e = scope.effects;
    let tool = scope.tool;
    let decl_file = units[scope.unit].rel.as_str();
    let at = |(u, h): (usize, usize)| (&units[u].rel, &hits[u][h]);
    let secret_params: Vec<&str> = tool
        .map(|t| {
            t.params
                .iter()
                .map(|p| p.name.as_str())
                .filter(|n| is_secret_name(n))
                .collect()
        })
        .unwrap_or_default();
    let fixed: Vec<(usize, usize)> = e
        .outbound
        .iter()
        .copied()
        .filter(|&(u, h)| {
            hits[u][h]
                .dest
                .as_ref()
                .is_some_and(|d| d.literal().is_some())
        })
        .collect();
    if let Some(&sink) = fixed.first()
        && (!secret_params.is_empty() || !e.credentials.is_empty())
    {
        let (sink_file, sink_hit) = at(sink);
        let dest = sink_hit
            .dest
            .as_ref()
            .expect("fixed sinks have a destination");
        let mut evidence = Vec::new();
        let mut confidence = Confidence::Medium;
        if let Some(t) = tool {
            for p in &secret_params {
                evidence.push(Evidence {
                    file: decl_file.to_owned(),
                    line: t.span.line,
                    note: format!("tool `{}` takes secret-named parameter `{p}`", t.name),
                });
                if passes_on(&units[scope.unit].facts, t, p) {
                    confidence = Confidence::High;
                }
            }
        }
        for &c in &e.credentials {
            let (f, h) = at(c);
            evidence.push(Evidence {
                file: f.clone(),
                line: h.line,
                note: "reads credentials".to_owned(),
            });
            confidence = Confidence::High;
        }
        if let Some(chain) = (scope.path_to)(sink.0, sink_hit.offset) {
            evidence.push(Evidence {
                file: sink_file.clone(),
                line: sink_hit.line,
                note: format!("reached through {chain}"),
            });
        }
        evidence.push(Evidence {
            file: sink_file.clone(),
            line: sink_hit.line,
            note: format!("sends by {} to {}", dest.via.word(), dest.label()),
        });
        let what = match (tool, secret_params.first()) {
            (Some(t), Some(p)) => format!("tool `{}` sends its secret parameter `{p}`", t.name),
            (Some(t), None) => format!("tool `{}` reads credentials and sends data", t.name),
            (None, _) => "module code reads credentials and sends data".to_owned(),
        };
        out.push(Finding {
            rule: "chain-secret-to-fixed-destination".to_owned(),
            category: Category::Exfiltration,
            severity: Severity::Critical,
            confidence,
            message: format!(
                "{what} by {} to {}, a destination written into the code: a secret and a fixed outbound sink in one tool is how exfiltration looks",
                dest.via.word(),
                dest.label()
            ),
            file: sink_file.clone(),
            line: sink_hit.line,
            column: sink_hit.column,
            snippet: sink_hit.snippet.clone(),
            tool: tool.map(|t| t.name.clone()),
            evidence,
        });
    }
    let Some(t) = tool else { return out };
    if t.description_dynamic {
        // Built from the environment or the server's own configuration, the description is fixed
        // when the server starts: the user approves what the model reads. Worth a note, not an alarm.
        let (severity, message) = if t.description_config {
            (
                Severity::Low,
                format!(
                    "tool `{}` builds its description from the server's configuration when it starts: check that what it lists is what you expect",
                    t.name
                ),
            )
        } else {
            (
                Severity::Medium,
                format!(
                    "tool `{}` gets its description from a value computed at run time: what the user approved is not what the model will read",
                    t.name
                ),
            )
        };
        out.push(Finding {
            rule: "tool-description-dynamic".to_owned(),
            category: Category::RugPull,
            severity,
            confidence: Confidence::Medium,
            message,
            file: decl_file.to_owned(),
            line: t.span.line,
            column: 1,
            snippet: String::new(),
            tool: Some(t.name.clone()),
            evidence: Vec::new(),
        });
    }
    let words =
        format!("{} {}", t.name, t.description.as_deref().unwrap_or("")).to_ascii_lowercase();
    if NETWORK_WORDS.iter().any(|w| words.contains(w)) {
        return out;
    }
    let unexplained = e.outbound.iter().copied().find(|&(u, h)| {
        match hits[u][h].dest.as_ref().and_then(Dest::literal) {
            Some(host) => {
                is_ip(host.split(':').next().unwrap_or(host)) || !host_explained(host, &words)
            }
            None => false,
        }
    });
    if let Some(sink) = unexplained {
        let (sink_file, sink_hit) = at(sink);
        let dest = sink_hit
            .dest
            .as_ref()
            .expect("outbound sinks have a destination");
        let described = t.description.as_deref().map_or_else(
            || "(no description)".to_owned(),
            |d| d.split_whitespace().collect::<Vec<_>>().join(" "),
        );
        let mut evidence = vec![Evidence {
            file: decl_file.to_owned(),
            line: t.span.line,
            note: format!(
                "tool `{}` describes itself as: {}",
                t.name,
                crate::signature::clip(&described, 100)
            ),
        }];
        if let Some(chain) = (scope.path_to)(sink.0, sink_hit.offset) {
            evidence.push(Evidence {
                file: sink_file.clone(),
                line: sink_hit.line,
                note: format!("reached through {chain}"),
            });
        }
        evidence.push(Evidence {
            file: sink_file.clone(),
            line: sink_hit.line,
            note: format!("sends by {} to {}", dest.via.word(), dest.label()),
        });
        out.push(Finding {
            rule: "hidden-network-in-tool".to_owned(),
            category: Category::HiddenNetwork,
            severity: Severity::High,
            confidence: Confidence::High,
            message: format!(
                "tool `{}` says nothing of the network but sends by {} to {}: the user approving it cannot know data leaves",
                t.name,
                dest.via.word(),
                dest.label()
            ),
            file: sink_file.clone(),
            line: sink_hit.line,
            column: sink_hit.column,
            snippet: sink_hit.snippet.clone(),
            tool: Some(t.name.clone()),
            evidence,
        });
    }
    out
}

/// True when a significant label of the host appears in the tool's words (`api.weather.gov` for a
/// weather tool).
fn host_explained(host: &str, words: &str) -> bool {
    const GENERIC: [&str; 10] = [
        "api", "www", "com", "org", "net", "io", "dev", "app", "cloud", "gov",
    ];
    host.split(['.', '-'])
        .filter(|l| l.len() >= 4 && !GENERIC.contains(l))
        .any(|l| words.contains(l))
}

/// True when the parameter is passed on by a call in the tool's handler (or one it reaches).
fn passes_on(facts: &FileFacts, tool: &Tool, param: &str) -> bool {
    facts.calls.iter().any(|c| {
        let inside = tool.ranges.iter().any(|r| r.contains(&c.span.start));
        inside && c.args.iter().any(|a| a.names.iter().any(|n| n == param))
    })
}
