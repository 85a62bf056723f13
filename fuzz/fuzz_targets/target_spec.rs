//! Fuzz target `target_spec`: any string as a target spec (`npm:…`, `pypi:…`, `github:…`, URLs,
//! scp-like git remotes, paths, archives). The first byte picks a prefix so the fuzzer reaches each
//! form's own parser quickly. `parse_spec` is pure and must never panic; its errors are one line
//! with no control characters (they are printed to a terminal), and what it accepts keeps its
//! promises: GitHub owner and repository names from the allowed alphabet, a sub-directory that is
//! relative and never climbs with `..`.

#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp_scan::source::{TargetSpec, parse_spec};

const PREFIXES: [&str; 12] = [
    "",
    "npm:",
    "pypi:",
    "github:",
    "https://github.com/",
    "https://",
    "git+https://",
    "file://",
    "ssh://",
    "git@github.com:",
    "./",
    "npm:@scope/",
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let spec = format!(
        "{}{}",
        PREFIXES[usize::from(pick) % PREFIXES.len()],
        String::from_utf8_lossy(rest)
    );
    match parse_spec(&spec) {
        Err(e) => {
            let msg = e.to_string();
            assert!(
                !msg.chars().any(char::is_control),
                "control character in the error for {spec:?}: {msg:?}"
            );
        }
        Ok(TargetSpec::Github {
            owner,
            repo,
            git_ref,
            subdir,
        }) => {
            for name in [&owner, &repo] {
                assert!(
                    !name.is_empty()
                        && name
                            .chars()
                            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')),
                    "{spec:?} gave GitHub name {name:?}"
                );
            }
            if let Some(r) = &git_ref {
                assert!(
                    !r.is_empty() && !r.starts_with('-') && !r.chars().any(char::is_control),
                    "{spec:?} gave ref {r:?}"
                );
            }
            if let Some(d) = &subdir {
                let p = std::path::Path::new(d);
                assert!(
                    p.is_relative()
                        && p.components()
                            .all(|c| matches!(c, std::path::Component::Normal(_))),
                    "{spec:?} gave sub-directory {d:?}"
                );
            }
        }
        Ok(TargetSpec::Npm { name, .. }) => assert!(!name.is_empty(), "{spec:?}"),
        Ok(TargetSpec::Pypi { name, .. }) => assert!(!name.is_empty(), "{spec:?}"),
        Ok(_) => {}
    }
});
