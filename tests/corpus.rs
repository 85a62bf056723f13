//! The labelled corpus, scanned end to end: every malicious sample must come out `high` or
//! `critical` with each labelled category reported; every benign one below `high`; every declared
//! tool inventoried. One failure message lists every mismatch, so a rule change shows its whole
//! effect at once.

use std::collections::BTreeSet;
use std::path::Path;

use mcp_scan::report::wire::Target;
use mcp_scan::score::Verdict;
use mcp_scan::{Report, Scanner, Signatures};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Labels {
    sample: Vec<Label>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Label {
    name: String,
    class: String,
    language: String,
    categories: Vec<String>,
    tools: Vec<String>,
    evasive: bool,
    notes: String,
}

fn labels() -> Vec<Label> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/labels");
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let l: Labels = toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        out.extend(l.sample);
    }
    out
}

fn scan_all() -> Vec<(Label, Report)> {
    let sigs = Signatures::embedded().expect("signatures compile");
    let scanner = Scanner::new(&sigs);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    labels()
        .into_iter()
        .map(|l| {
            let path = root.join(&l.name);
            assert!(path.is_dir(), "labelled sample {} has no directory", l.name);
            let r = scanner.scan(
                &path,
                Target {
                    kind: "path".into(),
                    spec: l.name.clone(),
                    ..Target::default()
                },
            );
            (l, r)
        })
        .collect()
}

#[test]
fn corpus_is_classified_as_labelled() {
    let results = scan_all();
    let malicious = results
        .iter()
        .filter(|(l, _)| l.class == "malicious")
        .count();
    let benign = results.iter().filter(|(l, _)| l.class == "benign").count();
    assert!(
        malicious >= 30 && benign >= 20,
        "corpus too small: {malicious} malicious, {benign} benign"
    );
    let evasive = results.iter().filter(|(l, _)| l.evasive).count();
    assert!(
        evasive >= 8,
        "the corpus keeps its evasive variants ({evasive})"
    );
    let mut problems = Vec::new();
    for (l, r) in &results {
        assert!(
            ["python", "javascript", "typescript"].contains(&l.language.as_str()),
            "{}: language",
            l.name
        );
        assert!(!l.notes.is_empty());
        let found: BTreeSet<&str> = r.findings.iter().map(|f| f.category.word()).collect();
        match l.class.as_str() {
            "malicious" => {
                if r.verdict < Verdict::High {
                    problems.push(format!(
                        "{}: malicious but verdict {} ({}) [{}]",
                        l.name, r.verdict, r.score, l.notes
                    ));
                }
                for c in &l.categories {
                    if !found.contains(c.as_str()) {
                        problems.push(format!(
                            "{}: category {c} not reported (found: {found:?})",
                            l.name
                        ));
                    }
                }
            }
            "benign" => {
                if r.verdict >= Verdict::High {
                    let why: Vec<String> = r
                        .findings
                        .iter()
                        .filter(|f| f.severity >= mcp_scan::Severity::Medium)
                        .map(|f| format!("{} {}:{}", f.rule, f.file, f.line))
                        .collect();
                    problems.push(format!(
                        "{}: benign but verdict {} ({}): {}",
                        l.name,
                        r.verdict,
                        r.score,
                        why.join(", ")
                    ));
                }
            }
            other => panic!("{}: unknown class {other}", l.name),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} samples misclassified:\n{}",
        problems.len(),
        results.len(),
        problems.join("\n")
    );
}

#[test]
fn corpus_tools_are_inventoried() {
    let mut problems = Vec::new();
    for (l, r) in scan_all() {
        let got: BTreeSet<&str> = r.tools.iter().map(|t| t.name.as_str()).collect();
        for t in &l.tools {
            if !got.contains(t.as_str()) {
                problems.push(format!(
                    "{}: tool {t} not inventoried (got {got:?})",
                    l.name
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn reports_are_deterministic() {
    let sigs = Signatures::embedded().unwrap();
    let scanner = Scanner::new(&sigs);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    let render = || {
        let mut r = scanner.scan(&root, Target::default());
        r.stats.elapsed_ms = 0;
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(render(), render());
}

/// The whole-program phase follows groups of files in parallel: the report is the same on one
/// thread as on several.
#[test]
fn reports_do_not_depend_on_the_thread_count() {
    let sigs = Signatures::embedded().unwrap();
    let scanner = Scanner::new(&sigs);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    let render = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut r = pool.install(|| scanner.scan(&root, Target::default()));
        r.stats.elapsed_ms = 0;
        serde_json::to_string(&r).unwrap()
    };
    assert_eq!(render(1), render(3));
}

/// The corpus scanned as one tree reports every sample exactly as the sample scanned alone: each
/// server is a program of its own (its imports, its tools, what it says it is for), whatever
/// sits beside it.
#[test]
fn a_server_in_a_tree_of_servers_is_reported_as_alone() {
    let sigs = Signatures::embedded().unwrap();
    let scanner = Scanner::new(&sigs);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus/servers");
    let whole = scanner.scan(&root, Target::default());
    let under = |prefix: &str, value: String| value.replace(prefix, "");
    let mut differing = Vec::new();
    for (l, alone) in scan_all() {
        let prefix = format!("{}/", l.name);
        let mut findings: Vec<String> = whole
            .findings
            .iter()
            .filter(|f| f.file.starts_with(&prefix))
            .map(|f| under(&prefix, serde_json::to_string(f).unwrap()))
            .collect();
        let mut expected: Vec<String> = alone
            .findings
            .iter()
            .map(|f| serde_json::to_string(f).unwrap())
            .collect();
        findings.sort();
        expected.sort();
        let tools: Vec<String> = whole
            .tools
            .iter()
            .filter(|t| t.file.starts_with(&prefix))
            .map(|t| under(&prefix, serde_json::to_string(t).unwrap()))
            .collect();
        let expected_tools: Vec<String> = alone
            .tools
            .iter()
            .map(|t| serde_json::to_string(t).unwrap())
            .collect();
        if findings != expected || tools != expected_tools {
            differing.push(l.name);
        }
    }
    assert!(differing.is_empty(), "{differing:?}");
}
