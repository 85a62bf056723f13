//! Per-tool analysis on top of signature matches: what each tool's handler reaches (effects and
//! destinations), and the combinations that are worse than their parts:
//!
//! - `chain-secret-to-fixed-destination` (exfiltration): a tool that takes a secret-named
//!   parameter or reads credentials, and sends to a destination written into the code.
//! - `hidden-network-in-tool` (hidden-network): a tool whose name and description say nothing of
//!   the network reaches it, at a destination its own words do not explain.
//!
//! Code outside every tool (module level, install scripts) is analysed as one more scope.

use std::collections::BTreeSet;

use crate::facts::{Call, FileFacts, Span, Value, is_secret_name};
use crate::finding::{Category, Confidence, Evidence, Finding, Severity};
use crate::scan::{FileContext, snippet};
use crate::signature::{Effect, Hit, is_ip, url_host};

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

/// What one tool (or the module scope) reaches.
#[derive(Debug, Clone, Default)]
pub struct ToolEffects {
    /// Capabilities.
    pub effects: BTreeSet<Effect>,
    /// Destinations of outbound effects.
    pub destinations: Vec<Dest>,
    /// Outbound sinks with their place.
    pub outbound: Vec<(Span, Dest)>,
    /// Credential reads (credential-access matches) with their place.
    pub credentials: Vec<Span>,
}

impl ToolEffects {
    pub(crate) fn add(
        &mut self,
        effect: Effect,
        hit: &Hit,
        dest: Option<Dest>,
        category: Category,
        severity: Severity,
    ) {
        self.effects.insert(effect);
        if category == Category::CredentialAccess && severity > Severity::Info {
            self.credentials.push(hit.span);
        }
        if let Some(d) = dest {
            if !self.destinations.contains(&d) {
                self.destinations.push(d.clone());
            }
            self.outbound.push((hit.span, d));
        }
    }
}

/// The destination of an outbound sink at `span`, from the call's arguments.
pub fn destination(facts: &FileFacts, span: Span, effect: Effect) -> Option<Dest> {
    if !effect.is_outbound() {
        return None;
    }
    let call = facts
        .calls
        .iter()
        .find(|c| c.span.start == span.start && c.span.end == span.end);
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
            return DestKind::Literal(lit);
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

/// Per-tool chains and hidden network use for one file.
pub fn chains(
    file: &FileContext<'_>,
    effects: &[ToolEffects],
    findings: &[Finding],
) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, e) in effects.iter().enumerate() {
        let tool = file.facts.tools.get(i);
        let secret_params: Vec<&str> = tool
            .map(|t| {
                t.params
                    .iter()
                    .map(|p| p.name.as_str())
                    .filter(|n| is_secret_name(n))
                    .collect()
            })
            .unwrap_or_default();
        let fixed: Vec<&(Span, Dest)> = e
            .outbound
            .iter()
            .filter(|(_, d)| d.literal().is_some())
            .collect();
        if let Some((span, dest)) = fixed.first()
            && (!secret_params.is_empty() || !e.credentials.is_empty())
        {
            let mut evidence = Vec::new();
            let mut confidence = Confidence::Medium;
            if let Some(t) = tool {
                for p in &secret_params {
                    evidence.push(ev(
                        file,
                        t.span.line,
                        format!("tool `{}` takes secret-named parameter `{p}`", t.name),
                    ));
                    if passes_on(file.facts, t, p) {
                        confidence = Confidence::High;
                    }
                }
            }
            for c in &e.credentials {
                evidence.push(ev(file, c.line, "reads credentials".to_owned()));
                confidence = Confidence::High;
            }
            if let Some(chain) = tool.and_then(|t| call_chain(file.facts, t, span.start)) {
                evidence.push(ev(file, span.line, format!("reached through {chain}")));
            }
            evidence.push(ev(
                file,
                dest.line,
                format!("sends by {} to {}", dest.via.word(), dest.label()),
            ));
            let what = match (tool, secret_params.first()) {
                (Some(t), Some(p)) => format!("tool `{}` sends its secret parameter `{p}`", t.name),
                (Some(t), None) => format!("tool `{}` reads credentials and sends data", t.name),
                (None, _) => "module code reads credentials and sends data".to_owned(),
            };
            out.push(finding(
                file,
                "chain-secret-to-fixed-destination",
                Category::Exfiltration,
                Severity::Critical,
                confidence,
                format!(
                    "{what} by {} to {}, a destination written into the code: a secret and a fixed outbound sink in one tool is how exfiltration looks",
                    dest.via.word(),
                    dest.label()
                ),
                *span,
                tool.map(|t| t.name.clone()),
                evidence,
            ));
        }
        let Some(t) = tool else { continue };
        let words =
            format!("{} {}", t.name, t.description.as_deref().unwrap_or("")).to_ascii_lowercase();
        if NETWORK_WORDS.iter().any(|w| words.contains(w)) {
            continue;
        }
        let unexplained = e.outbound.iter().find(|(_, d)| match d.literal() {
            Some(host) => {
                is_ip(host.split(':').next().unwrap_or(host)) || !host_explained(host, &words)
            }
            None => false,
        });
        let already = findings
            .iter()
            .any(|f| f.tool.as_deref() == Some(&t.name) && f.category == Category::HiddenNetwork);
        if let Some((span, dest)) = unexplained
            && !already
        {
            let mut evidence = vec![ev(
                file,
                t.span.line,
                format!(
                    "tool `{}` describes itself as: {}",
                    t.name,
                    crate::signature::clip(
                        t.description.as_deref().unwrap_or("(no description)"),
                        100
                    )
                ),
            )];
            if let Some(chain) = call_chain(file.facts, t, span.start) {
                evidence.push(ev(file, span.line, format!("reached through {chain}")));
            }
            evidence.push(ev(
                file,
                dest.line,
                format!("sends by {} to {}", dest.via.word(), dest.label()),
            ));
            out.push(finding(
                file,
                "hidden-network-in-tool",
                Category::HiddenNetwork,
                Severity::High,
                Confidence::High,
                format!(
                    "tool `{}` says nothing of the network but sends by {} to {}: the user approving it cannot know data leaves",
                    t.name,
                    dest.via.word(),
                    dest.label()
                ),
                *span,
                Some(t.name.clone()),
                evidence,
            ));
        }
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
fn passes_on(facts: &FileFacts, tool: &crate::facts::Tool, param: &str) -> bool {
    facts.calls.iter().any(|c| {
        let inside = tool.ranges.iter().any(|r| r.contains(&c.span.start));
        inside && c.args.iter().any(|a| a.names.iter().any(|n| n == param))
    })
}

/// `handler → helper → sink` as function names, when the sink is in another function the handler
/// reaches.
fn call_chain(facts: &FileFacts, tool: &crate::facts::Tool, offset: usize) -> Option<String> {
    let target = facts.function_at(offset)?;
    let start = tool.handler?;
    if start == target {
        return None;
    }
    // Breadth-first with parents, bounded by the function count.
    let n = facts.functions.len();
    let mut parent = vec![u32::MAX; n];
    let mut queue = std::collections::VecDeque::from([start]);
    parent[start as usize] = start;
    while let Some(f) = queue.pop_front() {
        if f == target {
            let mut path = vec![f];
            let mut cur = f;
            while cur != start {
                cur = parent[cur as usize];
                path.push(cur);
            }
            path.reverse();
            let names: Vec<String> = path
                .iter()
                .map(|&i| format!("`{}`", facts.functions[i as usize].name))
                .collect();
            return Some(names.join(" → "));
        }
        for &c in &facts.functions[f as usize].callees {
            if parent[c as usize] == u32::MAX {
                parent[c as usize] = f;
                queue.push_back(c);
            }
        }
    }
    None
}

fn ev(file: &FileContext<'_>, line: u32, note: String) -> Evidence {
    Evidence {
        file: file.rel.to_owned(),
        line,
        note,
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "a finding has this many parts; a builder would only rename them"
)]
fn finding(
    file: &FileContext<'_>,
    rule: &str,
    category: Category,
    severity: Severity,
    confidence: Confidence,
    message: String,
    span: Span,
    tool: Option<String>,
    evidence: Vec<Evidence>,
) -> Finding {
    let (snippet, column) = snippet(file.text, span);
    Finding {
        rule: rule.to_owned(),
        category,
        severity,
        confidence,
        message,
        file: file.rel.to_owned(),
        line: span.line,
        column,
        snippet,
        tool,
        evidence,
    }
}
