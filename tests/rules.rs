//! Every signature's own cases pass, and broken signature files fail to load with a located error.

use mcp_scan::Signatures;
use mcp_scan::rules::{CaseStatus, test_all};

#[test]
fn every_rule_case_passes() {
    let sigs = Signatures::embedded().expect("built-in signatures compile");
    let results = test_all(&sigs);
    let failed: Vec<String> = results
        .iter()
        .filter(|r| r.status != CaseStatus::Validated)
        .map(|r| format!("{} case {}: {:?}", r.rule, r.case, r.status))
        .collect();
    assert!(
        failed.is_empty(),
        "{} of {} cases failed:\n{}",
        failed.len(),
        results.len(),
        failed.join("\n")
    );
    for s in sigs.all() {
        assert!(
            s.cases.iter().any(|c| c.expect_match) && s.cases.iter().any(|c| !c.expect_match),
            "{}",
            s.id
        );
    }
}

#[test]
fn built_in_queries_and_regexes_compile() {
    // They are compiled lazily (the queries per grammar, the regexes one by one) when a scan first
    // needs them; this proves they do, the regexes within the size limit a user's are held to.
    let sigs = Signatures::embedded().unwrap();
    sigs.compile_all()
        .expect("the combined built-in queries and every built-in regex compile");
}

#[test]
fn every_category_has_rules_for_python_and_js() {
    let sigs = Signatures::embedded().unwrap();
    assert!(
        sigs.all()
            .iter()
            .filter(|s| s.severity > mcp_scan::Severity::Info)
            .count()
            >= 40,
        "at least 40 finding rules"
    );
    for &c in mcp_scan::Category::VALUES {
        let langs: std::collections::BTreeSet<&str> = sigs
            .all()
            .iter()
            .filter(|s| s.category == c)
            .flat_map(|s| s.languages())
            .collect();
        assert!(
            langs.contains("python") && langs.contains("javascript"),
            "{c}: {langs:?}"
        );
    }
}

fn load_one(name: &str, text: &str) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    match Signatures::load(Some(dir.path())) {
        Ok(_) => Vec::new(),
        Err(errors) => errors.iter().map(ToString::to_string).collect(),
    }
}

const GOOD_CASES: &str = r#"
[[case]]
language = "python"
expect = "match"
code = "eval(x)"
[[case]]
language = "python"
expect = "no-match"
code = "print(x)"
"#;

/// A signature file whose one match is a Python string rule with `regex`, on line 9.
fn string_rule(id: &str, regex: &str) -> String {
    format!(
        "id = \"{id}\"\ncategory = \"exfiltration\"\nseverity = \"high\"\nconfidence = \"high\"\n\
         message = \"m\"\nwhy = \"w\"\n[[match]]\nlanguages = [\"python\"]\nstring = '{regex}'\n{GOOD_CASES}"
    )
}

#[test]
fn broken_signatures_fail_with_file_and_line() {
    let e = load_one(
        "bad-sev.toml",
        &format!(
            "id = \"bad-sev\"\ncategory = \"code-execution\"\nseverity = \"severe\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\ncall = [\"eval\"]\n{GOOD_CASES}"
        ),
    );
    assert!(
        e.iter()
            .any(|e| e.contains("bad-sev.toml:3:") && e.contains("unknown severity `severe`")),
        "{e:?}"
    );

    let e = load_one(
        "typo.toml",
        &format!(
            "id = \"typo\"\ncategory = \"code-execution\"\nseverity = \"high\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\ncal = [\"eval\"]\n{GOOD_CASES}"
        ),
    );
    assert!(
        e.iter()
            .any(|e| e.contains("typo.toml:7:") && e.contains("unknown field `cal`")),
        "{e:?}"
    );

    let e = load_one(
        "badq.toml",
        &format!(
            "id = \"badq\"\ncategory = \"code-execution\"\nseverity = \"high\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\nlanguages = [\"python\"]\nquery = \"(call function: (identifier) @fn) @match\"\n{GOOD_CASES}"
        ),
    );
    assert!(
        e.iter().any(|e| e.contains("unknown capture `@fn`")),
        "{e:?}"
    );

    // A string regex is compiled only inside the set of all of them: its own syntax error still
    // names its file and line.
    let e = load_one("badre.toml", &string_rule("badre", r"hooks\.(slack"));
    assert!(
        e.iter()
            .any(|e| e.contains("badre.toml:9:") && e.contains("invalid regex")),
        "{e:?}"
    );

    // Over the size limit: reported at its file too, not only by the build of the set.
    let e = load_one("hugere.toml", &string_rule("hugere", r"(\w{100}){100}"));
    assert!(
        e.iter()
            .any(|e| e.contains("hugere.toml:9:") && e.contains("invalid regex")),
        "{e:?}"
    );

    let e = load_one(
        "nocases.toml",
        "id = \"nocases\"\ncategory = \"code-execution\"\nseverity = \"high\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\ncall = [\"eval\"]\n",
    );
    assert!(e.iter().any(|e| e.contains("no-match")), "{e:?}");

    let e = load_one(
        "wrong-name.toml",
        &format!(
            "id = \"other\"\ncategory = \"code-execution\"\nseverity = \"high\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\ncall = [\"eval\"]\n{GOOD_CASES}"
        ),
    );
    assert!(
        e.iter().any(|e| e.contains("must equal the file name")),
        "{e:?}"
    );
}

#[test]
fn user_signature_directory_adds_rules() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("custom-eval.toml"), format!(
        "id = \"custom-eval\"\ncategory = \"code-execution\"\nseverity = \"high\"\nconfidence = \"high\"\nmessage = \"m\"\nwhy = \"w\"\n[[match]]\ncall = [\"eval\"]\n{GOOD_CASES}"
    )).unwrap();
    let sigs = Signatures::load(Some(dir.path())).unwrap();
    assert!(sigs.all().iter().any(|s| s.id == "custom-eval"));
}

/// A user's pattern outside the native subset (a predicate) runs on tree-sitter's query cursor:
/// a scan then keeps the tree its array copy was made from, which it otherwise drops at once.
#[test]
fn a_pattern_outside_the_native_subset_still_matches_in_a_scan() {
    use mcp_scan::Scanner;
    use mcp_scan::lang::Language;
    use mcp_scan::report::wire::Target;
    let rules = tempfile::tempdir().unwrap();
    std::fs::write(
        rules.path().join("named-exfil.toml"),
        r#"id = "named-exfil"
category = "exfiltration"
severity = "high"
confidence = "high"
message = "m"
why = "w"
[[match]]
languages = ["python"]
query = '((identifier) @match (#eq? @match "exfil_now"))'
[[case]]
language = "python"
expect = "match"
code = "exfil_now()"
[[case]]
language = "python"
expect = "no-match"
code = "print(x)"
"#,
    )
    .unwrap();
    let sigs = Signatures::load(Some(rules.path())).unwrap();
    assert!(sigs.needs_tree(Language::Python));
    assert!(!sigs.needs_tree(Language::JavaScript));
    assert!(!Signatures::embedded().unwrap().needs_tree(Language::Python));
    let server = tempfile::tempdir().unwrap();
    std::fs::write(
        server.path().join("server.py"),
        "import os\n\ndef run():\n    exfil_now()\n",
    )
    .unwrap();
    let report = Scanner::new(&sigs).scan(server.path(), Target::default());
    let hit = report
        .findings
        .iter()
        .find(|f| f.rule == "named-exfil")
        .unwrap_or_else(|| panic!("no finding: {:?}", report.findings));
    assert_eq!((hit.file.as_str(), hit.line), ("server.py", 4));
}
