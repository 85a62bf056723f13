//! Every query file under `queries/` compiles against its grammar (TypeScript ones against TS and
//! TSX) and captures only names from the closed vocabulary, `@match` included: a misspelt capture
//! would otherwise be a silent false negative.

use mcp_scan::lang::Language;
use mcp_scan::signature::{CAPTURES, embedded_queries};

#[test]
fn every_query_file_compiles_and_keeps_the_capture_contract() {
    let queries = embedded_queries();
    assert!(!queries.is_empty(), "queries/ is embedded");
    for (key, source) in &queries {
        let lang_dir = key.split('/').next().unwrap();
        let langs: &[Language] = match lang_dir {
            "python" => &[Language::Python],
            "javascript" => &[Language::JavaScript],
            "typescript" => &[Language::TypeScript, Language::Tsx],
            other => panic!("queries/{other}: not a language directory"),
        };
        for lang in langs {
            let q = tree_sitter::Query::new(&lang.grammar(), source).unwrap_or_else(|e| {
                panic!(
                    "queries/{key}.scm ({lang:?}) line {}: {}",
                    e.row + 1,
                    e.message
                )
            });
            let names = q.capture_names();
            assert!(
                names.contains(&"match"),
                "queries/{key}.scm must capture @match"
            );
            for n in names {
                assert!(
                    CAPTURES.contains(n),
                    "queries/{key}.scm: capture @{n} is not in {CAPTURES:?}"
                );
            }
        }
    }
}
