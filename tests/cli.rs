//! The command line, in-process through `run_with_args` (and once through the real binary): accepted
//! and rejected invocations, exit codes, output formats.

use mcp_scan::cli::run_with_args;

fn run(args: &[&str]) -> (u8, String, String) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut full = vec!["mcp-scan"];
    full.extend_from_slice(args);
    let code = run_with_args(full, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

const CLASSIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/corpus/servers/py-calculator-fork"
);

#[test]
fn classic_sample_exits_one_and_names_the_tool() {
    let (code, out, _) = run(&[CLASSIC, "--color", "never"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("perform_action_and_steal"), "{out}");
    assert!(out.contains("smtp.gmail.com"), "{out}");
    assert!(out.contains("server.py:"), "{out}");
    assert!(
        !out.contains('\u{1b}'),
        "no colour when not asked and not a terminal"
    );
}

#[test]
fn json_report_has_the_fixed_schema() {
    let (code, out, _) = run(&["scan", CLASSIC, "--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["schema"], "mcp-scan/report@1");
    for key in [
        "target",
        "score",
        "verdict",
        "findings",
        "tools",
        "stats",
        "endpoints",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["tool"] == "perform_action_and_steal")
        .expect("finding in the tool");
    for key in [
        "rule",
        "category",
        "severity",
        "confidence",
        "message",
        "file",
        "line",
        "column",
        "snippet",
        "tool",
        "evidence",
    ] {
        assert!(f.get(key).is_some(), "finding missing {key}");
    }
    assert_eq!(f["file"], "server.py");
    for key in ["files", "bytes", "parsed", "skipped", "elapsed_ms"] {
        assert!(v["stats"].get(key).is_some(), "stats missing {key}");
    }
}

#[test]
fn sarif_is_2_1_0() {
    let (_, out, _) = run(&[CLASSIC, "-f", "sarif"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["version"], "2.1.0");
    let results = v["runs"][0]["results"].as_array().unwrap();
    assert!(!results.is_empty());
    assert!(
        results[0]["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap()
            > 0
    );
}

#[test]
fn fail_on_controls_the_exit_code() {
    assert_eq!(run(&[CLASSIC, "--fail-on", "never"]).0, 0);
    assert_eq!(run(&[CLASSIC, "--fail-on", "critical"]).0, 1);
    let benign = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/corpus/servers/py-time-zoneinfo"
    );
    assert_eq!(run(&[benign]).0, 0);
}

#[test]
fn bad_invocations_exit_two_with_one_line() {
    let (code, _, err) = run(&["/definitely/not/here"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with("mcp-scan: error: cannot use target `/definitely/not/here`"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    let (code, _, err) = run(&[CLASSIC, "--format", "yaml"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'yaml'"), "{err}");
    let (code, _, err) = run(&[CLASSIC, "--signatures", "/no/such/dir"]);
    assert_eq!(code, 2);
    assert!(err.contains("signature error"), "{err}");
    let (code, _, _) = run(&[]);
    assert_eq!(code, 2);
}

#[test]
fn help_and_version_exit_zero() {
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("Exit codes"), "{out}");
    let (code, out, _) = run(&["--version"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("mcp-scan "));
    let (code, out, _) = run(&["scan", "--help"]);
    assert_eq!(code, 0);
    assert!(out.contains("--fail-on"));
}

#[test]
fn rules_list_and_test() {
    let (code, out, _) = run(&["rules", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("mail-hidden-bcc"));
    let (code, out, _) = run(&["rules", "list", "--json"]);
    assert_eq!(code, 0);
    assert!(
        serde_json::from_str::<serde_json::Value>(&out)
            .unwrap()
            .as_array()
            .unwrap()
            .len()
            >= 3
    );
    let (code, out, _) = run(&["rules", "test"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains(" passed, 0 failed"));
    let (code, out, _) = run(&["rules", "check"]);
    assert_eq!(code, 0);
    assert!(out.contains("signatures OK"));
}

#[test]
fn baseline_suppresses_exactly_the_recorded_findings() {
    let dir = tempfile::tempdir().unwrap();
    let base = dir.path().join("accepted.json");
    let b = base.to_str().unwrap();
    assert_eq!(run(&[CLASSIC, "--write-baseline", b]).0, 1);
    let (code, out, _) = run(&[CLASSIC, "--baseline", b, "-f", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
    assert!(v["stats"]["suppressed"].as_u64().unwrap() > 0);
    std::fs::write(&base, "{not json").unwrap();
    assert_eq!(run(&[CLASSIC, "--baseline", b]).0, 2);
}

#[test]
fn output_file_and_real_binary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let code = assert_cmd::Command::cargo_bin("mcp-scan")
        .unwrap()
        .args([CLASSIC, "-f", "json", "-o", out.to_str().unwrap()])
        .assert()
        .get_output()
        .status
        .code();
    assert_eq!(code, Some(1));
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(v["verdict"], "critical");
}

#[test]
fn the_report_does_not_depend_on_the_thread_count() {
    let corpus = concat!(env!("CARGO_MANIFEST_DIR"), "/corpus/servers");
    let report = |threads: &str| {
        let (code, out, err) = run(&[corpus, "--format", "json", "--threads", threads]);
        assert_eq!(code, 1, "{err}");
        let mut json: serde_json::Value = serde_json::from_str(&out).expect("json");
        json["stats"]
            .as_object_mut()
            .expect("stats")
            .remove("elapsed_ms");
        json
    };
    let one = report("1");
    assert!(one["findings"].as_array().is_some_and(|f| f.len() > 10));
    assert_eq!(one, report("3"));
    let (code, _, err) = run(&[corpus, "-j", "0"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value '0'"), "{err}");
}

#[test]
fn every_broken_signature_file_is_reported_in_order() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("a-broken.toml"),
        "id = \"a-broken\"\nseverity = ",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("b-fine.toml"),
        "id = \"b-fine\"\ncategory = \"exfiltration\"\nseverity = \"low\"\nconfidence = \"low\"\n\
         message = \"m\"\nwhy = \"w\"\n[[match]]\nlanguages = [\"python\"]\ncall = [\"zz.qq\"]\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("c-broken.toml"), "id = [").unwrap();
    let sigs = dir.path().to_str().unwrap();
    let mut seen = Vec::new();
    for threads in ["1", "2"] {
        let (code, out, err) = run(&[CLASSIC, "--signatures", sigs, "-j", threads]);
        assert_eq!(code, 2, "{out}");
        let errors: Vec<&str> = err
            .lines()
            .filter(|l| l.starts_with("mcp-scan: signature error"))
            .collect();
        assert!(errors.len() >= 2, "{err}");
        assert!(errors[0].contains("a-broken.toml"), "{err}");
        assert!(errors.last().unwrap().contains("c-broken.toml"), "{err}");
        assert!(
            err.contains("refusing to scan with a broken rule set"),
            "{err}"
        );
        seen.push(err);
    }
    assert_eq!(seen[0], seen[1]);
}
