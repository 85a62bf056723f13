//! PyPI projects: name parsing and PEP 503 normalisation, index selection, the JSON API, the choice
//! of artifact (sdist first, else a pure-Python wheel) and its sha256 check.

use serde_json::Value;

use super::cache::Record;
use super::http::HttpError;
use super::{
    Acquired, Ctx, SourceError, TargetInfo, TargetKind, acquired, env_var, extract_into, work_dir,
};

/// Splits `NAME[==VERSION]` (also `NAME@VERSION`) and validates both parts.
pub(crate) fn parse_name(rest: &str) -> Result<(String, Option<String>), String> {
    let (name, version) = if let Some((n, v)) = rest.split_once("==") {
        (n.trim(), Some(v.trim()))
    } else if let Some((n, v)) = rest.split_once('@') {
        (n.trim(), Some(v.trim()))
    } else {
        (rest.trim(), None)
    };
    // Extras (`name[cli]`) select optional dependencies, which are never installed here.
    let name = match name.split_once('[') {
        Some((base, extras)) if extras.ends_with(']') => base.trim(),
        _ => name,
    };
    let ok_name = !name.is_empty()
        && name.len() <= 200
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric());
    if !ok_name {
        return Err(if name.is_empty() {
            "expected pypi:NAME[==VERSION]".to_string()
        } else {
            format!("invalid PyPI project name `{name}`")
        });
    }
    let version = match version {
        Some(v) if v.is_empty() || v.len() > 100 => return Err("invalid PyPI version".into()),
        Some(v)
            if !v
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '!' | '_' | '-')) =>
        {
            return Err(format!(
                "invalid PyPI version `{v}` (give an exact version: pypi:NAME==VERSION)"
            ));
        }
        Some(v) => Some(v.to_string()),
        None => None,
    };
    Ok((name.to_string(), version))
}

/// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`.
pub(crate) fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The JSON API base: option, else `PIP_INDEX_URL` without a trailing `/simple`, else the public one.
pub(crate) fn index_from(opt: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> String {
    let chosen = opt
        .map(str::to_string)
        .or_else(|| env("PIP_INDEX_URL"))
        .unwrap_or_else(|| super::DEFAULT_PYPI_INDEX.to_string());
    let trimmed = chosen.trim().trim_end_matches('/');
    trimmed
        .strip_suffix("/simple")
        .unwrap_or(trimmed)
        .trim_end_matches('/')
        .to_string()
}

/// The release file to fetch: `(filename, url, sha256 hex)`. Prefers an sdist, else a pure wheel.
pub(crate) fn pick_file(doc: &Value) -> Option<(String, String, String)> {
    let files = doc.get("urls").and_then(Value::as_array)?;
    let usable = |f: &&Value| {
        f.get("url").and_then(Value::as_str).is_some()
            && f.get("filename").and_then(Value::as_str).is_some()
            && !f.get("yanked").and_then(Value::as_bool).unwrap_or(false)
    };
    let field = |f: &Value, k: &str| f.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let sdist = files.iter().filter(usable).find(|f| {
        let name = field(f, "filename").to_ascii_lowercase();
        field(f, "packagetype") == "sdist"
            && (name.ends_with(".tar.gz") || name.ends_with(".zip") || name.ends_with(".tgz"))
    });
    let wheel = || {
        files.iter().filter(usable).find(|f| {
            let name = field(f, "filename").to_ascii_lowercase();
            name.ends_with("-py3-none-any.whl") || name.ends_with("-py2.py3-none-any.whl")
        })
    };
    let f = sdist.or_else(wheel)?;
    let sha = f
        .get("digests")
        .and_then(|d| d.get("sha256"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_ascii_lowercase();
    Some((field(f, "filename"), field(f, "url"), sha))
}

/// Fetches `name` (at `version`, else the latest) from the configured index and extracts it.
pub(crate) fn acquire(
    ctx: &mut Ctx<'_>,
    name: &str,
    version: Option<&str>,
) -> Result<Acquired, SourceError> {
    let index = index_from(ctx.opts.pypi_index.as_deref(), &env_var);
    let norm = normalize(name);
    let request_key = format!("pypi\0{index}\0{norm}\0{}", version.unwrap_or(""));
    let work = work_dir()?;
    let (resolved, file_url, file_name, path, hashes) = if ctx.opts.offline {
        let (rec, path, hashes) = ctx
            .cached(std::slice::from_ref(&request_key), &|_| true)
            .ok_or_else(|| SourceError::Offline(ctx.spec.to_string()))?;
        (
            rec.resolved.unwrap_or_default(),
            rec.source_url.unwrap_or_default(),
            rec.file_name,
            path,
            hashes,
        )
    } else {
        let doc_url = match version {
            Some(v) => format!("{index}/pypi/{norm}/{v}/json"),
            None => format!("{index}/pypi/{norm}/json"),
        };
        let doc = ctx
            .http()?
            .get_json(&doc_url, "application/json")
            .map_err(|e| match e {
                HttpError::NotFound => SourceError::NotFound(match version {
                    Some(v) => format!("no such package/version on PyPI: {name}=={v}"),
                    None => format!("no such package on PyPI: {name}"),
                }),
                HttpError::Other(e) => e,
            })?;
        let exact = doc
            .get("info")
            .and_then(|i| i.get("version"))
            .and_then(Value::as_str)
            .map(str::to_string)
            .or_else(|| version.map(str::to_string))
            .ok_or_else(|| SourceError::Registry(format!("{doc_url} has no info.version")))?;
        let what = format!("{norm}=={exact}");
        let (file_name, file_url, sha) = pick_file(&doc).ok_or_else(|| {
            SourceError::NotFound(format!("PyPI has no sdist or pure-Python wheel for {what}; nothing to scan without running a build"))
        })?;
        let file_url = super::join_url(&doc_url, &file_url)?;
        if sha.len() != 64 || !sha.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(SourceError::Registry(format!(
                "PyPI lists no sha256 for {file_name}; refusing to use an unverifiable download"
            )));
        }
        let exact_key = format!("pypi\0{index}\0{norm}\0{exact}");
        let keys = vec![request_key.clone(), exact_key.clone()];
        let check = |h: &super::http::Hashes| hex::encode(&h.sha256) == sha;
        let (path, hashes) = match ctx.cached(std::slice::from_ref(&exact_key), &check) {
            Some((_, path, hashes)) => (path, hashes),
            None => {
                let dest = work.path().join(super::download_name(&file_name));
                let limit = ctx.opts.limits.max_total_bytes;
                let hashes = ctx
                    .http()?
                    .download(&file_url, &dest, limit, None)
                    .map_err(|e| match e {
                        HttpError::NotFound => SourceError::NotFound(format!(
                            "no such package/version on PyPI: {what} (file {file_name} missing)"
                        )),
                        HttpError::Other(e) => e,
                    })?;
                if !check(&hashes) {
                    return Err(SourceError::Integrity {
                        what: file_name,
                        expected: format!("sha256:{sha}"),
                        actual: hashes.sha256_tag(),
                    });
                }
                let rec = Record {
                    blob: hex::encode(&hashes.sha256),
                    resolved: Some(what.clone()),
                    source_url: Some(super::redact_url(&file_url)),
                    digest: Some(hashes.sha256_tag()),
                    file_name: file_name.clone(),
                };
                ctx.remember(&keys, &dest, &hashes, &rec);
                (dest, hashes)
            }
        };
        (what, file_url, file_name, path, hashes)
    };
    let (tree, ex) = extract_into(&work, &path, &file_name, &ctx.opts.limits)?;
    let info = TargetInfo {
        kind: TargetKind::Pypi,
        spec: ctx.spec.to_string(),
        resolved: Some(resolved),
        source_url: Some(super::redact_url(&file_url)),
        digest: Some(hashes.sha256_tag()),
    };
    Ok(acquired(tree, info, ex.skipped, work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn normalises_and_picks_index() {
        assert_eq!(normalize("Mcp_Server.time"), "mcp-server-time");
        assert_eq!(normalize("a--_b"), "a-b");
        assert_eq!(
            index_from(None, &|_| Some("https://m.example/simple/".into())),
            "https://m.example"
        );
        assert_eq!(index_from(Some("https://x/"), &|_| None), "https://x");
        assert_eq!(index_from(None, &|_| None), "https://pypi.org");
        assert_eq!(
            parse_name("a==1.0").unwrap(),
            ("a".into(), Some("1.0".into()))
        );
        assert!(parse_name("a>=1").is_err());
        assert_eq!(
            parse_name("mcp[cli]==1.2").unwrap(),
            ("mcp".into(), Some("1.2".into()))
        );
        assert!(parse_name("../a").is_err());
    }

    #[test]
    fn prefers_sdist_then_pure_wheel() {
        let doc = json!({"urls": [
            {"filename": "p-1-cp312-cp312-linux_x86_64.whl", "packagetype": "bdist_wheel", "url": "u1", "digests": {"sha256": "a"}},
            {"filename": "p-1-py3-none-any.whl", "packagetype": "bdist_wheel", "url": "u2", "digests": {"sha256": "b"}},
            {"filename": "p-1.tar.gz", "packagetype": "sdist", "url": "u3", "digests": {"sha256": "c"}}
        ]});
        assert_eq!(pick_file(&doc).unwrap().1, "u3");
        let doc = json!({"urls": [
            {"filename": "p-1-cp312-cp312-linux_x86_64.whl", "packagetype": "bdist_wheel", "url": "u1", "digests": {"sha256": "a"}},
            {"filename": "p-1-py3-none-any.whl", "packagetype": "bdist_wheel", "url": "u2", "digests": {"sha256": "b"}}
        ]});
        assert_eq!(pick_file(&doc).unwrap().1, "u2");
        let doc = json!({"urls": [
            {"filename": "p-1-cp312-cp312-linux_x86_64.whl", "packagetype": "bdist_wheel", "url": "u1", "digests": {"sha256": "a"}}
        ]});
        assert!(pick_file(&doc).is_none());
    }
}
