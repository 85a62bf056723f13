//! Per-tool analysis on top of signature matches: what each tool's handler reaches (effects and
//! destinations), and the combinations that are worse than their parts:
//!
//! - `chain-secret-to-fixed-destination` (exfiltration): a tool that takes a secret-named
//!   parameter or reads credentials, and sends to a destination written into the code.
//! - `hidden-network-in-tool` (hidden-network): a tool whose name and description say nothing of
//!   the network reaches it, at a destination its own words do not explain.
//!
//! - `tool-description-dynamic` (rug-pull): a tool whose description is computed at run time.
//! - `description-abnormal-length` (tool-poisoning): one description far longer than the
//!   server's others, room for instructions the user will not read.
//!
//! A tool's scope is everything its handler reaches across the package ([`crate::program`]); code
//! no tool reaches (module level, install scripts) is judged per file as one more scope.

use std::cell::OnceCell;
use std::collections::BTreeSet;

use foldhash::{HashMap, HashMapExt, HashSet};
use std::ops::Range;

use crate::dataflow::{Flow, Origin};
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

/// Assignment indexes by (function, target name).
type AssignsByName<'f> = HashMap<(Option<u32>, &'f str), Vec<usize>>;

/// Lookups the per-hit questions about one file share ([`destination`], [`local_sink`],
/// [`helper_network_commands`]), each made the first time it is needed: a search of the file per
/// hit made a file of many hits quadratic (40 000 writes to a name, each looking back over every
/// assignment for the name's value: 8 s).
pub struct FileIndex<'f> {
    facts: &'f FileFacts,
    /// The first string starting at each offset.
    strings: OnceCell<HashMap<usize, usize>>,
    /// The assignments to each name in each function (`None`: module code), in order, and
    /// whether the file's assignments are sorted by start.
    assigns: OnceCell<(AssignsByName<'f>, bool)>,
    /// The position of each parameter of each function (the first, for a repeated name).
    params: OnceCell<HashMap<(u32, &'f str), usize>>,
}

impl<'f> FileIndex<'f> {
    /// The index of one file's facts (nothing is built yet).
    pub fn new(facts: &'f FileFacts) -> Self {
        FileIndex {
            facts,
            strings: OnceCell::new(),
            assigns: OnceCell::new(),
            params: OnceCell::new(),
        }
    }

    fn string_at(&self, start: usize) -> Option<&'f crate::facts::StringLit> {
        let facts = self.facts;
        let first = self.strings.get_or_init(|| {
            let mut map = HashMap::with_capacity(facts.strings.len());
            for (i, s) in facts.strings.iter().enumerate() {
                map.entry(s.span.start).or_insert(i);
            }
            map
        });
        first.get(&start).map(|&i| &facts.strings[i])
    }

    /// The last assignment to `name` in `function` that starts before `before`.
    fn last_assign(
        &self,
        function: Option<u32>,
        name: &str,
        before: usize,
    ) -> Option<&'f crate::facts::Assign> {
        let facts = self.facts;
        let (by_name, sorted) = self.assigns.get_or_init(|| {
            let mut map: HashMap<(Option<u32>, &str), Vec<usize>> = HashMap::new();
            for (i, a) in facts.assigns.iter().enumerate() {
                for t in &a.targets {
                    let list = map.entry((a.function, t.as_str())).or_default();
                    // A statement naming a target twice is one assignment to it.
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            (map, facts.assigns.is_sorted_by_key(|a| a.span.start))
        });
        let list = by_name.get(&(function, name))?;
        let start = |&i: &usize| facts.assigns[i].span.start;
        // Assignments are recorded in source order, so each list is sorted by start: the last
        // before `before` by binary search (a search back through the list otherwise).
        if *sorted {
            let k = list.partition_point(|i| start(i) < before);
            list.get(k.checked_sub(1)?).map(|&i| &facts.assigns[i])
        } else {
            list.iter()
                .rev()
                .find(|i| start(i) < before)
                .map(|&i| &facts.assigns[i])
        }
    }

    fn param_position(&self, function: u32, name: &str) -> Option<usize> {
        let facts = self.facts;
        let positions = self.params.get_or_init(|| {
            let mut map = HashMap::new();
            for (f, func) in facts.functions.iter().enumerate() {
                let f = u32::try_from(f).unwrap_or(u32::MAX);
                for (i, p) in func.params.iter().enumerate() {
                    map.entry((f, p.as_str())).or_insert(i);
                }
            }
            map
        });
        positions.get(&(function, name)).copied()
    }
}

/// Calls that hand a network client's command line to a helper of the same file that runs its
/// parameter as a process (`def sh(argv): return subprocess.run(argv)` called as
/// `sh(["curl", "-d", token, URL])`): each such call is an outbound sink of its own, at the call,
/// with the destination its command line names. `processes` are the spans of the file's process
/// hits that are not network clients themselves.
pub fn helper_network_commands(
    file: &FileIndex<'_>,
    src: &str,
    processes: &[Span],
) -> Vec<(Span, Dest)> {
    let facts = file.facts;
    let mut runners: Vec<(u32, usize)> = Vec::new();
    for &span in processes {
        let Some(call) = call_at(facts, span) else {
            continue;
        };
        let Some(f) = call.function else { continue };
        let Some(cmd) = call.positional(0) else {
            continue;
        };
        let t = src.get(cmd.span.range()).unwrap_or("");
        let params = &facts.functions[f as usize].params;
        let Some(pi) = file.param_position(f, t) else {
            continue;
        };
        // `self.run(argv)`: the receiver takes the first parameter.
        let skip = usize::from(matches!(
            params.first().map(String::as_str),
            Some("self" | "cls")
        ));
        runners.push((f, pi.saturating_sub(skip)));
    }
    if runners.is_empty() {
        return Vec::new();
    }
    // Looked up per call, so this stays linear in the file: by function, and, for
    // `shell.run(argv)` with `shell = Shell()` (a method of the file called on an instance), by
    // method name.
    let mut by_fn: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut by_method: HashMap<&str, Vec<(u32, usize)>> = HashMap::new();
    for &(f, pos) in &runners {
        by_fn.entry(f).or_default().push(pos);
        let func = &facts.functions[f as usize];
        if func.params.first().is_some_and(|p| p == "self") {
            by_method
                .entry(func.name.as_str())
                .or_default()
                .push((f, pos));
        }
    }
    let mut out = Vec::new();
    for c in &facts.calls {
        let direct = c
            .target
            .and_then(|t| by_fn.get(&t))
            .into_iter()
            .flatten()
            .copied();
        let method = c
            .callee
            .rfind("().")
            .and_then(|i| by_method.get(&c.callee[i + 3..]))
            .into_iter()
            .flatten()
            .filter(|(f, _)| c.target != Some(*f))
            .map(|&(_, pos)| pos);
        for pos in direct.chain(method) {
            if let Some(d) = network_command_from(facts, c, src, pos) {
                out.push((c.span, d));
                break;
            }
        }
    }
    out
}

/// A sink on the machine itself: data handed to a process, or written where the server has no
/// business writing.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Local {
    /// A process (not a network client); `shell` when a shell parses the command line.
    Process {
        /// `shell=True`, `os.system`, `child_process.exec`.
        shell: bool,
    },
    /// A file written outside the server's root (the home directory, `/tmp`, an absolute path):
    /// the path as written.
    File(String),
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
    /// For a process that is not a network client, or a file written outside the server's root:
    /// a local sink the dataflow follows data into.
    pub local: Option<Local>,
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
            // A process running `curl` reaches the network as well as starting a process.
            self.effects.insert(d.via);
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
    /// The data flows that start in this scope ([`crate::dataflow`]).
    pub flows: &'a [Flow],
    /// What the server says it is for ([`Purpose`]). A secret sent to the service the server
    /// wraps is its purpose.
    pub purpose: &'a Purpose,
}

/// The destination of an outbound sink at `span`, from the call's arguments. `src` is the file's
/// text: a process that runs a network client (`curl`, `wget`, `nc`…) is an outbound sink too,
/// and its command line is read as written (an f-string or template included).
pub fn destination(file: &FileIndex<'_>, span: Span, effect: Effect, src: &str) -> Option<Dest> {
    let facts = file.facts;
    if effect == Effect::Process {
        return network_command(facts, call_at(facts, span)?, src);
    }
    if !effect.is_outbound() {
        return None;
    }
    let call = call_at(facts, span);
    let kind = match call {
        Some(c) => call_destination(facts, c, effect),
        // A string match (a webhook URL) is its own destination.
        None => file
            .string_at(span.start)
            .and_then(|s| url_host(&s.value))
            .map_or(DestKind::Computed, DestKind::Literal),
    };
    Some(Dest {
        via: effect,
        kind,
        line: span.line,
    })
}

/// The local sink at `span`: a process that [`destination`] did not find to be a network client,
/// or a file write whose path, as written (or as last assigned in the same function), is outside
/// the server's root.
pub fn local_sink(file: &FileIndex<'_>, span: Span, effect: Effect, src: &str) -> Option<Local> {
    let facts = file.facts;
    let call = call_at(facts, span)?;
    match effect {
        Effect::Process => Some(Local::Process {
            shell: is_shell(call),
        }),
        Effect::FileWrite => {
            let text = |r: Range<usize>| src.get(r).unwrap_or("");
            let callee = call.callee.as_str();
            let path = if callee.ends_with(".write_text")
                || callee.ends_with(".write_bytes")
                || callee.ends_with(".touch")
            {
                // `Path(p).write_text(data)`: the path is the receiver.
                let written = text(call.span.range());
                written
                    .rfind(
                        [".write_", ".touch"]
                            .iter()
                            .find(|m| written.contains(**m))
                            .copied()
                            .unwrap_or("."),
                    )
                    .map_or(written, |i| &written[..i])
                    .to_owned()
            } else {
                let i = usize::from(
                    [
                        "shutil.copy",
                        "shutil.copy2",
                        "shutil.copyfile",
                        "shutil.move",
                        "os.rename",
                    ]
                    .contains(&callee),
                );
                let a = call.positional(i)?;
                let t = text(a.span.range());
                // `open(path, "w")` with `path = os.path.expanduser("~/.x")` a few lines up.
                let assigned = is_identifier(t)
                    .then(|| file.last_assign(call.function, t, call.span.start))
                    .flatten()
                    .map(|x| text(x.value.clone()));
                assigned.unwrap_or(t).to_owned()
            };
            outside_root(&path).then(|| Local::File(crate::signature::clip(&path, 80)))
        }
        _ => None,
    }
}

fn is_identifier(t: &str) -> bool {
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

/// A command line that a shell parses: `shell=True`, `os.system`, `os.popen`, `child_process.exec`.
fn is_shell(call: &Call) -> bool {
    const SHELL: [&str; 12] = [
        "os.system",
        "os.popen",
        "subprocess.getoutput",
        "subprocess.getstatusoutput",
        "asyncio.create_subprocess_shell",
        "commands.getoutput",
        "child_process.exec",
        "child_process.execSync",
        "shelljs.exec",
        "execa.execaCommand",
        "execa.execaCommandSync",
        "os.popen()",
    ];
    SHELL.contains(&call.callee.as_str())
        || call
            .keyword("shell")
            .is_some_and(|(_, v)| matches!(v, Value::Bool { value: true } | Value::Str { .. }))
}

/// A path, as written, that points outside the server's own tree: the home directory, the
/// temporary directory, or an absolute path.
fn outside_root(path: &str) -> bool {
    const MARKS: [&str; 12] = [
        "expanduser",
        "Path.home()",
        "homedir()",
        "HOME",
        "USERPROFILE",
        "APPDATA",
        "gettempdir",
        "tmpdir()",
        "mkdtemp",
        "mkstemp",
        "os.tmpdir",
        "TMPDIR",
    ];
    // A string in it that starts at the root, the home directory or a drive:
    // `Path("/var/tmp/x")`, `open("~/.x")`, `"C:\\Users\\…"`.
    let absolute = path.match_indices(['"', '\'', '`']).any(|(i, _)| {
        let rest = &path[i + 1..];
        (rest.starts_with('/') && !rest.starts_with("//"))
            || rest.starts_with('~')
            || rest.get(1..3) == Some(":\\")
    });
    MARKS.iter().any(|m| path.contains(m)) || absolute
}

/// The call recorded at exactly `span`. Calls are recorded in pre-order, so sorted by start:
/// binary search, then the few calls starting at the same byte (`a()()`).
fn call_at(facts: &FileFacts, span: Span) -> Option<&Call> {
    let first = facts.calls.partition_point(|c| c.span.start < span.start);
    facts.calls[first..]
        .iter()
        .take_while(|c| c.span.start == span.start)
        .find(|c| c.span.end == span.end)
}

/// Programs that send what they are given over the network. `subprocess.run(["curl", "-d",
/// token, URL])` sends the token as surely as `requests.post(URL, data=token)` does.
const NETWORK_COMMANDS: [&str; 12] = [
    "curl", "wget", "nc", "ncat", "netcat", "socat", "scp", "sftp", "ftp", "rsync", "telnet", "ssh",
];

/// The destination of a process that runs a network client: the first URL of its command line,
/// else a parameter it is given, else computed. `None` when the program is not a network client.
/// The command is the first argument (a list, a shell string, or `spawn("curl", [...])`'s
/// program name), read from the source text.
fn network_command(facts: &FileFacts, call: &Call, src: &str) -> Option<Dest> {
    network_command_from(facts, call, src, 0)
}

/// [`network_command`] for a command line that starts at positional argument `from`.
fn network_command_from(facts: &FileFacts, call: &Call, src: &str, from: usize) -> Option<Dest> {
    let args: Vec<&crate::facts::Arg> = call
        .args
        .iter()
        .filter(|a| a.keyword.is_none())
        .skip(from)
        .collect();
    let first = args.first()?;
    let text = |a: &crate::facts::Arg| src.get(a.span.range()).unwrap_or("");
    let program = text(first)
        .trim_start_matches(['f', 'r', 'b', 'F', 'R', 'B'])
        .trim_start_matches(['[', '(', '"', '\'', '`', ' '])
        .split(|c: char| c.is_whitespace() || "\"'`,]".contains(c))
        .next()
        .unwrap_or("");
    let program = program.rsplit(['/', '\\']).next().unwrap_or(program);
    if !NETWORK_COMMANDS.contains(&program) {
        return None;
    }
    // The command line: the first argument, and the argument list of `spawn(program, [...])`.
    let line: Vec<&crate::facts::Arg> = args.iter().take(2).copied().collect();
    let host = line.iter().find_map(|a| {
        let t = text(a);
        t.match_indices("://").find_map(|(i, _)| {
            // After the last character that cannot be in a scheme (which may be wider than a
            // byte: a U+FFFD that stands for invalid UTF-8 is three).
            let start = t[..i]
                .char_indices()
                .rev()
                .find(|(_, c)| !c.is_ascii_alphanumeric())
                .map_or(0, |(j, c)| j + c.len_utf8());
            let end = t[i..]
                .find(|c: char| c.is_whitespace() || "\"'`{}$,)]".contains(c))
                .map_or(t.len(), |j| i + j);
            crate::signature::url_host(&t[start..end])
        })
    });
    let params: &[String] = call
        .function
        .map_or(&[], |f| &facts.functions[f as usize].params);
    let kind = match host {
        Some(h) => DestKind::Literal(h),
        None => line
            .iter()
            .flat_map(|a| a.names.iter())
            .find(|n| params.contains(n))
            .map_or(DestKind::Computed, |p| DestKind::Param(p.clone())),
    };
    Some(Dest {
        via: Effect::Network,
        kind,
        line: call.span.line,
    })
}

const DEST_KEYWORDS: [&str; 11] = [
    "url", "host", "hostname", "uri", "to", "bcc", "cc", "chat_id", "channel", "address",
    "endpoint",
];

fn call_destination(facts: &FileFacts, call: &Call, effect: Effect) -> DestKind {
    let params: &[String] = call
        .function
        .map_or(&[], |f| &facts.functions[f as usize].params);
    // (key, argument, value): the key is "" for a positional argument. Mail: a literal extra
    // recipient is the destination that matters most.
    let mut candidates: Vec<(&str, &crate::facts::Arg, &Value)> = Vec::new();
    if effect == Effect::Mail {
        for k in ["bcc", "cc", "to"] {
            if let Some((a, v)) = call.keyword(k) {
                candidates.push((k, a, v));
            }
        }
        if call.callee.ends_with("sendmail") || call.callee.ends_with("send_message") {
            candidates.extend(call.positional(1).map(|a| ("", a, &a.value)));
        }
    }
    for k in DEST_KEYWORDS {
        if let Some((a, v)) = call.keyword(k) {
            candidates.push((k, a, v));
        }
    }
    candidates.extend(call.positional(0).map(|a| ("", a, &a.value)));
    for &(key, a, v) in &candidates {
        let v = match v {
            Value::Object { .. } => DEST_KEYWORDS.iter().find_map(|k| v.entry(k)).unwrap_or(v),
            v => v,
        };
        let lit = literal_destination(v).or_else(|| recipient(key, v, &call.callee));
        if let Some(lit) = lit {
            // `SMTP_SSL("smtp.gmail.com", 465)`, `socket.connect(("1.2.3.4", 4444))`: keep the port.
            let port = match (&a.value, call.positional(1).map(|p| &p.value)) {
                (Value::List { items }, _) => items.get(1).and_then(number),
                (Value::Str { .. }, Some(p))
                    if a.keyword.is_none() && std::ptr::eq(a, call.positional(0).unwrap_or(a)) =>
                {
                    number(p)
                }
                _ => None,
            };
            return DestKind::Literal(match port {
                Some(p) if !lit.contains(':') && !lit.contains('@') && !lit.starts_with('+') => {
                    format!("{lit}:{p}")
                }
                _ => lit,
            });
        }
    }
    for (_, a, _) in &candidates {
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

/// A messaging recipient written into the code: a phone number in a `to` field, a chat id or a
/// channel (`chat_id=-1001934411872`, `channel: "C05QX8ARCH1"`), or the chat a
/// `sendMessage(chatId, text)` is given first.
fn recipient(key: &str, v: &Value, callee: &str) -> Option<String> {
    let chat = matches!(key, "chat_id" | "channel")
        || (key.is_empty()
            && (callee.ends_with("sendMessage") || callee.ends_with("send_message")));
    match v {
        Value::Str { value, .. } => {
            let s = value.trim();
            let digits: String = s.chars().filter(char::is_ascii_digit).collect();
            let phone = s
                .chars()
                .all(|c| c.is_ascii_digit() || " +().-".contains(c))
                && (7..=15).contains(&digits.len());
            if phone && (key == "to" || chat) {
                return Some(if s.starts_with('+') {
                    format!("+{digits}")
                } else {
                    digits
                });
            }
            let id = !s.is_empty()
                && s.len() <= 64
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "#@_-".contains(c));
            (chat && id).then(|| s.to_owned())
        }
        Value::Number { text } if chat => Some(text.clone()),
        _ => None,
    }
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
    // Fixed destinations, and those the server's purpose does not explain. A token the user hands
    // a GitHub tool may go to api.github.com; credentials read from the disk (keys, other
    // clients' configs) have no destination a purpose explains, whatever the host is called.
    let fixed: Vec<(usize, usize)> = e
        .outbound
        .iter()
        .copied()
        .filter(|&(u, h)| hits[u][h].dest.as_ref().and_then(Dest::literal).is_some())
        .collect();
    let unexplained = |sink: &(usize, usize)| {
        hits[sink.0][sink.1]
            .dest
            .as_ref()
            .and_then(Dest::literal)
            .is_some_and(|d| !scope.purpose.explains(d, &[]))
    };
    // A secret that provably reaches such a destination.
    let proved = scope.flows.iter().find(|f| match f.origin {
        Origin::Credential(..) => fixed.contains(&f.sink),
        Origin::Param(_) => f.origin.is_secret() && fixed.contains(&f.sink) && unexplained(&f.sink),
        Origin::Env(_) => false,
    });
    let sink = proved.map(|f| f.sink).or_else(|| {
        if e.credentials.is_empty() {
            fixed
                .iter()
                .find(|s| unexplained(s))
                .copied()
                .filter(|_| !secret_params.is_empty())
        } else {
            fixed.first().copied()
        }
    });
    if let Some(sink) = sink {
        let (sink_file, sink_hit) = at(sink);
        let dest = sink_hit
            .dest
            .as_ref()
            .expect("fixed sinks have a destination");
        let mut evidence = Vec::new();
        let (what, confidence) = match (proved, tool) {
            (Some(f), _) => {
                evidence.extend(f.steps.iter().cloned());
                (describe_origin(&f.origin, tool, units), Confidence::High)
            }
            (None, _) => {
                // Only side by side: a secret comes in, a fixed sink goes out, no path between
                // them was found (it may go through code the analysis does not follow).
                if let Some(t) = tool {
                    for p in &secret_params {
                        evidence.push(Evidence {
                            file: decl_file.to_owned(),
                            line: t.span.line,
                            note: format!("tool `{}` takes secret-named parameter `{p}`", t.name),
                        });
                    }
                }
                for &c in &e.credentials {
                    let (f, h) = at(c);
                    evidence.push(Evidence {
                        file: f.clone(),
                        line: h.line,
                        note: "reads credentials".to_owned(),
                    });
                }
                if let Some(chain) = (scope.path_to)(sink.0, sink_hit.offset) {
                    evidence.push(Evidence {
                        file: sink_file.clone(),
                        line: sink_hit.line,
                        note: format!("reached through {chain}"),
                    });
                }
                let what = match (tool, secret_params.first()) {
                    (Some(t), Some(p)) => {
                        format!(
                            "tool `{}` takes secret parameter `{p}` and sends data",
                            t.name
                        )
                    }
                    (Some(t), None) => {
                        format!("tool `{}` reads credentials and sends data", t.name)
                    }
                    (None, _) => "module code reads credentials and sends data".to_owned(),
                };
                (what, Confidence::Medium)
            }
        };
        if proved.is_some()
            && let Some(chain) = (scope.path_to)(sink.0, sink_hit.offset)
        {
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
        // `smtp.sendmail(…)` on `smtplib.SMTP_SSL("smtp.gmail.com", 465)`: name the server too.
        let through = proved
            .and_then(|f| f.via)
            .and_then(|(u, h)| {
                let conn = &hits[u][h];
                let d = conn.dest.as_ref()?.literal()?.to_owned();
                evidence.push(Evidence {
                    file: units[u].rel.clone(),
                    line: conn.line,
                    note: format!("through the connection to {d} opened here"),
                });
                Some(format!(" through {d}"))
            })
            .unwrap_or_default();
        out.push(Finding {
            rule: "chain-secret-to-fixed-destination".to_owned(),
            category: Category::Exfiltration,
            severity: Severity::Critical,
            confidence,
            message: format!(
                "{what} by {} to {}{through}, a destination written into the code that the server's purpose does not explain: a secret and a fixed outbound sink in one tool is how exfiltration looks",
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
    out.extend(forwarded_tokens(scope, units, hits, sink));
    out.extend(copied_to_fixed_recipient(scope, units, hits, sink));
    out.extend(local_flows(scope, units, hits));
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

/// Shortest description `description-abnormal-length` considers, in characters.
const LONG_DESCRIPTION: usize = 1500;

/// `description-abnormal-length`: a description of at least [`LONG_DESCRIPTION`] characters and
/// five times the median of the server's descriptions. A server whose every tool is documented at
/// length (a Google Workspace server) has a high median and no finding; the one `add` tool whose
/// description is a page long among one-liners is how hidden instructions look. Low severity: it
/// says where to read, not that something is wrong.
pub fn abnormal_descriptions(units: &[Unit]) -> Vec<Finding> {
    let mut all: Vec<(usize, &Tool, usize)> = units
        .iter()
        .enumerate()
        .flat_map(|(u, unit)| unit.facts.tools.iter().map(move |t| (u, t)))
        .filter_map(|(u, t)| Some((u, t, t.description.as_deref()?.chars().count())))
        .collect();
    if all.len() < 3 {
        return Vec::new();
    }
    let mut lengths: Vec<usize> = all.iter().map(|&(_, _, n)| n).collect();
    lengths.sort_unstable();
    let median = lengths[lengths.len() / 2];
    all.retain(|&(_, _, n)| n >= LONG_DESCRIPTION && n >= 5 * median.max(1));
    all.into_iter()
        .map(|(u, t, n)| {
            let span = t.description_span.unwrap_or(t.span);
            Finding {
                rule: "description-abnormal-length".to_owned(),
                category: Category::ToolPoisoning,
                severity: Severity::Low,
                confidence: Confidence::Medium,
                message: format!(
                    "tool `{}` has a description of {n} characters, {}x the median of this server's descriptions ({median}): read it whole, the model does",
                    t.name,
                    n / median.max(1)
                ),
                file: units[u].rel.clone(),
                line: span.line,
                column: span.byte_column + 1,
                snippet: String::new(),
                tool: Some(t.name.clone()),
                evidence: Vec::new(),
            }
        })
        .collect()
}

/// `token-to-unexplained-host`: a secret from the environment (an API key the user configured)
/// provably sent to a fixed host that neither the server's purpose nor the secret's own name
/// explains: `GITHUB_TOKEN` to api.github.com is the server's job, to a metrics host it is not.
fn forwarded_tokens(
    scope: &Scope<'_>,
    units: &[Unit],
    hits: &[Vec<EffectHit>],
    reported: Option<(usize, usize)>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for f in scope.flows {
        let Origin::Env(key) = &f.origin else {
            continue;
        };
        if Some(f.sink) == reported || !seen.insert(f.sink) {
            continue;
        }
        let hit = &hits[f.sink.0][f.sink.1];
        let Some(dest) = hit.dest.as_ref() else {
            continue;
        };
        let Some(host) = dest.literal() else { continue };
        let key_words: Vec<&str> = key.split('_').collect();
        if scope.purpose.explains(host, &key_words) {
            continue;
        }
        let file = &units[f.sink.0].rel;
        let mut evidence = f.steps.clone();
        evidence.push(Evidence {
            file: file.clone(),
            line: hit.line,
            note: format!("sends by {} to {}", dest.via.word(), dest.label()),
        });
        let who = who(scope.tool);
        let message = format!(
            "{who} sends the environment secret `{key}` by {} to {}, a host that neither the server's purpose nor the secret's name explains: the user configured that key for another service",
            dest.via.word(),
            dest.label()
        );
        out.push(flow_finding(
            (
                "token-to-unexplained-host",
                Category::TokenForwarding,
                Severity::High,
            ),
            message,
            file,
            hit,
            scope.tool,
            evidence,
        ));
    }
    out
}

/// A destination that names a person or a chat rather than a host: a mail address, a phone
/// number, a chat id or channel.
fn is_recipient(dest: &str) -> bool {
    dest.contains('@') || (!dest.contains('.') && dest != "localhost" && !dest.contains(':'))
}

/// `chain-copy-to-fixed-recipient` (destination tampering): a tool that sends to the recipient
/// its caller names (`to`, `channel`) also sends its arguments to a recipient written into the
/// code. The user asked for one message; a third party gets a copy of every one (the SMS or
/// chat form of a hidden BCC). Proved by the flow of a tool argument into the fixed sink.
fn copied_to_fixed_recipient(
    scope: &Scope<'_>,
    units: &[Unit],
    hits: &[Vec<EffectHit>],
    reported: Option<(usize, usize)>,
) -> Option<Finding> {
    let tool = scope.tool?;
    let e = scope.effects;
    // The channels (mail, network) on which the caller chooses the recipient.
    let chosen: BTreeSet<(Effect, &str)> = e
        .outbound
        .iter()
        .filter_map(|&(u, h)| {
            let d = hits[u][h].dest.as_ref()?;
            match &d.kind {
                DestKind::Param(p) => Some((d.via, p.as_str())),
                _ => None,
            }
        })
        .collect();
    if chosen.is_empty() {
        return None;
    }
    let copies: Vec<_> = scope
        .flows
        .iter()
        .filter_map(|f| {
            let Origin::Param(_) = &f.origin else {
                return None;
            };
            let hit = &hits[f.sink.0][f.sink.1];
            let dest = hit.dest.as_ref()?;
            let lit = dest.literal()?;
            let same_channel = chosen.iter().any(|(via, _)| *via == dest.via);
            (Some(f.sink) != reported && same_channel && is_recipient(lit))
                .then_some((f, hit, dest, lit))
        })
        .collect();
    // Name the content copied (`body`) rather than the recipient it was meant for (`to`).
    let is_recipient_param =
        |f: &Flow| matches!(&f.origin, Origin::Param(p) if chosen.iter().any(|(_, n)| n == p));
    let &(f, hit, dest, lit) = copies
        .iter()
        .find(|c| !is_recipient_param(c.0))
        .or(copies.first())?;
    let Origin::Param(p) = &f.origin else {
        return None;
    };
    let named = chosen
        .iter()
        .find(|(via, _)| *via == dest.via)
        .map_or("", |(_, n)| *n);
    let file = &units[f.sink.0].rel;
    let mut evidence = f.steps.clone();
    evidence.push(Evidence {
        file: file.clone(),
        line: hit.line,
        note: format!("sends by {} to {lit}, not to `{named}`", dest.via.word()),
    });
    let message = format!(
        "tool `{}` sends to the recipient its caller names (`{named}`) and also sends its argument `{p}` by {} to {lit}, a recipient written into the code: every message is copied to a third party",
        tool.name,
        dest.via.word()
    );
    Some(flow_finding(
        (
            "chain-copy-to-fixed-recipient",
            Category::Exfiltration,
            Severity::Critical,
        ),
        message,
        file,
        hit,
        Some(tool),
        evidence,
    ))
}

/// Words that say a tool's job is to run commands: its input reaching a shell is its purpose.
const COMMAND_WORDS: [&str; 8] = [
    "command", "shell", "terminal", "bash", "script", "exec", "cli", "console",
];

/// Flows into local sinks:
///
/// - `chain-credential-to-process` (exfiltration, high): credentials the code read (a key file,
///   a cookie store, another client's config) handed to a process on its command line or input.
/// - `chain-credential-to-file` (exfiltration, high): credentials copied into a file outside the
///   server's root, where something else can pick them up.
/// - `tool-input-to-shell` (code-execution, medium): a tool's argument inside a command line a
///   shell parses, in a tool whose words do not say it runs commands: a `;` or `$( )` in what the
///   model passes runs as code (command injection, the commonest MCP server vulnerability).
fn local_flows(scope: &Scope<'_>, units: &[Unit], hits: &[Vec<EffectHit>]) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    let who = who(scope.tool);
    let runs_commands = scope.tool.is_some_and(|t| {
        let words =
            format!("{} {}", t.name, t.description.as_deref().unwrap_or("")).to_ascii_lowercase();
        COMMAND_WORDS.iter().any(|w| words.contains(w))
    });
    for f in scope.flows {
        let hit = &hits[f.sink.0][f.sink.1];
        let Some(local) = &hit.local else { continue };
        let (rule, category, severity, message, last) = match (&f.origin, local) {
            (Origin::Credential(u, line), Local::Process { .. }) => (
                "chain-credential-to-process",
                Category::Exfiltration,
                Severity::High,
                format!(
                    "{who} hands credentials read at {}:{line} to a process: whatever it runs now holds the user's keys, out of sight of the analysis of this server",
                    units[*u].rel
                ),
                "passed to the process".to_owned(),
            ),
            (Origin::Credential(u, line), Local::File(path)) => (
                "chain-credential-to-file",
                Category::Exfiltration,
                Severity::High,
                format!(
                    "{who} copies credentials read at {}:{line} into a file outside the server's root ({path}): a copy where another program can pick it up is how keys are staged for theft",
                    units[*u].rel
                ),
                format!("written to {path}"),
            ),
            (Origin::Param(p), Local::Process { shell: true })
                if scope.tool.is_some() && !runs_commands =>
            {
                (
                    "tool-input-to-shell",
                    Category::CodeExecution,
                    Severity::Medium,
                    format!(
                        "{who} puts its argument `{p}` into a command line that a shell parses: a `;`, `|` or `$( )` in what the model passes runs as a command on the user's machine"
                    ),
                    "run by a shell".to_owned(),
                )
            }
            _ => continue,
        };
        if !seen.insert((rule, f.sink)) {
            continue;
        }
        let file = &units[f.sink.0].rel;
        let mut evidence = f.steps.clone();
        evidence.push(Evidence {
            file: file.clone(),
            line: hit.line,
            note: last,
        });
        out.push(flow_finding(
            (rule, category, severity),
            message,
            file,
            hit,
            scope.tool,
            evidence,
        ));
    }
    out
}

/// How a finding names who does something: the tool, or module code.
fn who(tool: Option<&Tool>) -> String {
    tool.map_or_else(
        || "module code".to_owned(),
        |t| format!("tool `{}`", t.name),
    )
}

/// A proved (high-confidence) finding of a flow, placed at its sink `hit` in `file`: `rule` is
/// its id, category and severity.
fn flow_finding(
    (rule, category, severity): (&str, Category, Severity),
    message: String,
    file: &str,
    hit: &EffectHit,
    tool: Option<&Tool>,
    evidence: Vec<Evidence>,
) -> Finding {
    Finding {
        rule: rule.to_owned(),
        category,
        severity,
        confidence: Confidence::High,
        message,
        file: file.to_owned(),
        line: hit.line,
        column: hit.column,
        snippet: hit.snippet.clone(),
        tool: tool.map(|t| t.name.clone()),
        evidence,
    }
}

/// How a finding names where a flow's data comes from.
fn describe_origin(origin: &Origin, tool: Option<&Tool>, units: &[Unit]) -> String {
    let who = who(tool);
    match origin {
        Origin::Param(p) => format!("{who} sends its secret parameter `{p}`"),
        Origin::Env(k) => format!("{who} sends the environment secret `{k}`"),
        Origin::Credential(u, line) => {
            format!("{who} sends credentials read at {}:{line}", units[*u].rel)
        }
    }
}

/// What a server says it is for, as a set of words: its package names, every tool's name and
/// description, lower-case, split at anything but letters, digits and `-` (both whole and at
/// each `-`). Built once per scan; a lookup costs a few hash probes.
#[derive(Debug, Default)]
pub struct Purpose {
    words: HashSet<String>,
}

impl Purpose {
    /// The words of `texts`.
    pub fn new<'t>(texts: impl IntoIterator<Item = &'t str>) -> Purpose {
        let mut p = Purpose::default();
        for t in texts {
            p.add(t);
        }
        p
    }

    fn add(&mut self, text: &str) {
        let lower = text.to_ascii_lowercase();
        for w in lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
            for part in std::iter::once(w).chain(w.split('-')) {
                if part.len() >= 3 {
                    self.words.insert(part.to_owned());
                }
            }
        }
    }

    /// True when the site a host belongs to is one of the words, or a word with a short suffix
    /// (`postmarkapp` for Postmark): `api.github.com` for a GitHub server. Only the registrable
    /// name counts (`github-stats.example.io` is `example`'s), and an IP address is never
    /// explained. `extra` are more words for this one question (an environment key's parts).
    pub fn explains(&self, host: &str, extra: &[&str]) -> bool {
        let Some(site) = site_of(host) else {
            return false;
        };
        let known =
            |w: &str| self.words.contains(w) || extra.iter().any(|e| e.eq_ignore_ascii_case(w));
        known(&site)
            || (4..site.len())
                .rev()
                .take(3)
                .any(|k| site.is_char_boundary(k) && known(&site[..k]))
    }
}

/// The registrable name of a host, lower-case: `github` of `api.github.com`, `example` of
/// `a.example.co.uk`; `None` for an IP address or a single label.
fn site_of(host: &str) -> Option<String> {
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = host.split(':').next().unwrap_or(host);
    if is_ip(host) {
        return None;
    }
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    let site = match labels.as_slice() {
        [.., second, tld]
            if tld.len() == 2
                && matches!(*second, "co" | "com" | "org" | "net" | "gov" | "ac" | "edu")
                && labels.len() >= 3 =>
        {
            labels[labels.len() - 3]
        }
        [.., site, _tld] => site,
        _ => return None,
    };
    (site.len() >= 3).then(|| site.to_ascii_lowercase())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::Language;

    fn facts(lang: Language, src: &str) -> FileFacts {
        let mut parser = tree_sitter::Parser::new();
        parser.set_language(&lang.grammar()).unwrap();
        let tree = parser.parse(src, None).unwrap();
        crate::facts::extract(lang, &tree, src.as_bytes())
    }

    #[test]
    fn the_file_index_answers_as_the_searches_it_replaces() {
        for (lang, src) in [
            (
                Language::Python,
                "p = '/tmp/a'\nH = 'https://hooks.slack.com/services/T/B/x'\ndef f(p, q, p2):\n    x = 1\n    p = '~/.ssh/k'\n    open(p, 'w')\n    p = q = '/etc/x'\n    open(q, 'w')\n    return p\np = '/var/b'\nopen(p, 'w')\n",
            ),
            (
                Language::JavaScript,
                "let p = '/tmp/a';\nconst H = 'https://discord.com/api/webhooks/1/x';\nfunction f(p, q) {\n  p = '~/.ssh/k';\n  fs.writeFileSync(p, 'x');\n  return q;\n}\np = '/var/b';\nfs.writeFileSync(p, 'y');\n",
            ),
        ] {
            let f = facts(lang, src);
            let file = FileIndex::new(&f);
            for at in 0..=src.len() {
                assert_eq!(
                    file.string_at(at).map(|s| &s.value),
                    f.strings
                        .iter()
                        .find(|s| s.span.start == at)
                        .map(|s| &s.value),
                    "{lang:?} string @{at}"
                );
                for func in [None, Some(0)] {
                    for name in ["p", "q", "x", "H"] {
                        let searched = f
                            .assigns
                            .iter()
                            .rev()
                            .filter(|a| a.span.start < at && a.function == func)
                            .find(|a| a.targets.iter().any(|n| n == name));
                        assert_eq!(
                            file.last_assign(func, name, at),
                            searched,
                            "{lang:?} {name} in {func:?} before {at}"
                        );
                    }
                }
            }
            for (i, func) in f.functions.iter().enumerate() {
                for name in ["p", "q", "p2", "r"] {
                    assert_eq!(
                        file.param_position(u32::try_from(i).unwrap(), name),
                        func.params.iter().position(|p| p == name),
                        "{lang:?} {name}"
                    );
                }
            }
        }
    }
}
