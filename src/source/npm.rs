//! npm packages: name parsing, registry selection, version/tag/range resolution like npm's, and the
//! integrity-checked tarball download.
//!
//! Resolution follows npm-pick-manifest: no request = the `latest` dist-tag; an exact version; a
//! dist-tag; otherwise a semver range, where `latest` wins if it satisfies the range, else the highest
//! satisfying non-prerelease version. The tarball is checked against `dist.integrity` (SRI, strongest
//! algorithm) or, for old packages, `dist.shasum` (sha1 hex) before anything is extracted.

use base64::Engine;
use nodejs_semver::{Range, Version};
use serde_json::Value;

use super::cache::Record;
use super::http::{Hashes, HttpError};
use super::{
    Acquired, Ctx, SourceError, TargetInfo, TargetKind, acquired, env_var, extract_into, work_dir,
};

/// Splits `NAME[@REQUEST]` (scoped names allowed) and validates both parts.
pub(crate) fn parse_name(rest: &str) -> Result<(String, Option<String>), String> {
    let split_at = if let Some(scoped) = rest.strip_prefix('@') {
        scoped.find('@').map(|i| i + 1)
    } else {
        rest.find('@')
    };
    let (name, request) = match split_at {
        Some(i) => (&rest[..i], Some(&rest[i + 1..])),
        None => (rest, None),
    };
    check_name(name)?;
    let request = match request {
        Some(r) if r.trim().is_empty() => return Err("empty npm version after `@`".into()),
        Some(r) if r.len() > 256 => return Err("npm version request too long".into()),
        Some(r) => Some(r.trim().to_string()),
        None => None,
    };
    Ok((name.to_string(), request))
}

fn check_name(name: &str) -> Result<(), String> {
    let ok_part = |p: &str| {
        !p.is_empty()
            && !p.starts_with('.')
            && !p.starts_with('_')
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~'))
    };
    if name.is_empty() {
        return Err("expected npm:NAME[@VERSION|@TAG|@RANGE]".into());
    }
    if name.len() > 214 {
        return Err("npm package name longer than 214 characters".into());
    }
    let valid = match name.strip_prefix('@') {
        Some(scoped) => match scoped.split_once('/') {
            Some((scope, pkg)) => ok_part(scope) && ok_part(pkg),
            None => false,
        },
        None => ok_part(name),
    };
    if valid {
        Ok(())
    } else {
        Err(format!("invalid npm package name `{name}`"))
    }
}

/// The registry base: option, else `NPM_CONFIG_REGISTRY`/`npm_config_registry`, else the public one.
pub(crate) fn registry_from(opt: Option<&str>, env: &dyn Fn(&str) -> Option<String>) -> String {
    let chosen = opt
        .map(str::to_string)
        .or_else(|| env("NPM_CONFIG_REGISTRY"))
        .or_else(|| env("npm_config_registry"))
        .unwrap_or_else(|| super::DEFAULT_NPM_REGISTRY.to_string());
    chosen.trim().trim_end_matches('/').to_string()
}

/// The document URL of a package: scoped names are requested as `@scope%2fname`.
pub(crate) fn document_url(registry: &str, name: &str) -> String {
    format!("{registry}/{}", name.replace('/', "%2f"))
}

/// Picks the version a request means, given the registry document.
pub(crate) fn resolve_version(
    doc: &Value,
    name: &str,
    request: Option<&str>,
) -> Result<String, SourceError> {
    let versions = doc.get("versions").and_then(Value::as_object);
    let tags = doc.get("dist-tags").and_then(Value::as_object);
    let has = |v: &str| versions.is_some_and(|m| m.contains_key(v));
    let tag = |t: &str| {
        tags.and_then(|m| m.get(t))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let not_found =
        |what: &str| SourceError::NotFound(format!("no such version on npm: {name}@{what}"));
    let request = request.unwrap_or("latest");
    if has(request) {
        return Ok(request.to_string());
    }
    if let Some(v) = tag(request) {
        return if has(&v) {
            Ok(v)
        } else {
            Err(not_found(request))
        };
    }
    let range = Range::parse(request).map_err(|_| not_found(request))?;
    if let Some(latest) = tag("latest") {
        if let Ok(v) = Version::parse(&latest) {
            if has(&latest) && range.satisfies(&v) {
                return Ok(latest);
            }
        }
    }
    let mut best: Option<(Version, String)> = None;
    for key in versions.map(|m| m.keys()).into_iter().flatten() {
        if let Ok(v) = Version::parse(key) {
            if !v.is_prerelease()
                && range.satisfies(&v)
                && best.as_ref().is_none_or(|(b, _)| v > *b)
            {
                best = Some((v, key.clone()));
            }
        }
    }
    best.map(|(_, k)| k).ok_or_else(|| not_found(request))
}

/// What the registry promises about a tarball.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Expected {
    /// An SRI hash: algorithm and raw digest.
    Sri(&'static str, Vec<u8>, String),
    /// A hex sha1 (`dist.shasum`).
    Sha1Hex(String),
    /// Nothing published.
    None,
}

/// Reads `dist.integrity` (strongest supported algorithm) or `dist.shasum`.
pub(crate) fn expected_digest(dist: &Value) -> Expected {
    if let Some(integrity) = dist.get("integrity").and_then(Value::as_str) {
        let mut best: Option<Expected> = None;
        for part in integrity.split_whitespace() {
            let Some((alg, b64)) = part.split_once('-') else {
                continue;
            };
            let b64 = b64.split('?').next().unwrap_or("");
            let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64) else {
                continue;
            };
            let alg: &'static str = match alg {
                "sha512" => "sha512",
                "sha256" => "sha256",
                "sha1" => "sha1",
                _ => continue,
            };
            let rank = |a: &str| match a {
                "sha512" => 3,
                "sha256" => 2,
                _ => 1,
            };
            if best
                .as_ref()
                .is_none_or(|b| matches!(b, Expected::Sri(ba, _, _) if rank(ba) < rank(alg)))
            {
                best = Some(Expected::Sri(alg, raw, part.to_string()));
            }
        }
        if let Some(b) = best {
            return b;
        }
    }
    match dist.get("shasum").and_then(Value::as_str) {
        Some(s) if s.len() == 40 && s.chars().all(|c| c.is_ascii_hexdigit()) => {
            Expected::Sha1Hex(s.to_ascii_lowercase())
        }
        _ => Expected::None,
    }
}

/// Checks downloaded bytes against what the registry promised.
pub(crate) fn verify(expected: &Expected, h: &Hashes, what: &str) -> Result<(), SourceError> {
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let (ok, want, got) = match expected {
        Expected::Sri(alg, raw, text) => {
            let actual = match *alg {
                "sha512" => &h.sha512,
                "sha256" => &h.sha256,
                _ => &h.sha1,
            };
            (
                actual == raw,
                text.clone(),
                format!("{alg}-{}", b64(actual)),
            )
        }
        Expected::Sha1Hex(hexd) => {
            let actual = hex::encode(&h.sha1);
            (
                actual == *hexd,
                format!("sha1 {hexd}"),
                format!("sha1 {actual}"),
            )
        }
        Expected::None => (true, String::new(), String::new()),
    };
    if ok {
        Ok(())
    } else {
        Err(SourceError::Integrity {
            what: what.to_string(),
            expected: want,
            actual: got,
        })
    }
}

/// Fetches `name` at `request` from the configured registry and extracts it.
pub(crate) fn acquire(
    ctx: &mut Ctx<'_>,
    name: &str,
    request: Option<&str>,
) -> Result<Acquired, SourceError> {
    let registry = registry_from(ctx.opts.npm_registry.as_deref(), &env_var);
    let request_key = format!("npm\0{registry}\0{name}\0{}", request.unwrap_or(""));
    let work = work_dir()?;
    let (resolved, tarball, path, hashes) = if ctx.opts.offline {
        let (rec, path, hashes) = ctx
            .cached(std::slice::from_ref(&request_key), &|_| true)
            .ok_or_else(|| SourceError::Offline(ctx.spec.to_string()))?;
        (
            rec.resolved.unwrap_or_default(),
            rec.source_url.unwrap_or_default(),
            path,
            hashes,
        )
    } else {
        let doc_url = document_url(&registry, name);
        let accept = "application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*";
        let doc = ctx
            .http()?
            .get_json(&doc_url, accept)
            .map_err(|e| match e {
                HttpError::NotFound => {
                    SourceError::NotFound(format!("no such package on npm: {name}"))
                }
                HttpError::Other(e) => e,
            })?;
        let version = resolve_version(&doc, name, request)?;
        let manifest = &doc["versions"][&version];
        let dist = &manifest["dist"];
        let href = dist.get("tarball").and_then(Value::as_str).ok_or_else(|| {
            SourceError::Registry(format!(
                "the npm registry lists no tarball for {name}@{version}"
            ))
        })?;
        let tarball = super::join_url(&doc_url, href)?;
        let expected = expected_digest(dist);
        let what = format!("{name}@{version}");
        if expected == Expected::None {
            return Err(SourceError::Registry(format!(
                "the npm registry publishes no integrity or shasum for {what}; refusing an unverifiable download"
            )));
        }
        let exact_key = format!("npm\0{registry}\0{name}\0{version}");
        let keys = vec![request_key.clone(), exact_key.clone()];
        let cached = ctx.cached(std::slice::from_ref(&exact_key), &|h| {
            verify(&expected, h, &what).is_ok()
        });
        let (path, hashes) = match cached {
            Some((_, path, hashes)) => (path, hashes),
            None => {
                let dest = work.path().join("package.tgz");
                let limit = ctx.opts.limits.max_total_bytes;
                let hashes =
                    ctx.http()?
                        .download(&tarball, &dest, limit, None)
                        .map_err(|e| match e {
                            HttpError::NotFound => SourceError::NotFound(format!(
                                "no such package/version on npm: {what} (tarball missing)"
                            )),
                            HttpError::Other(e) => e,
                        })?;
                verify(&expected, &hashes, &what)?;
                let rec = Record {
                    blob: hex::encode(&hashes.sha256),
                    resolved: Some(what.clone()),
                    source_url: Some(super::redact_url(&tarball)),
                    digest: Some(hashes.sha512_sri()),
                    file_name: "package.tgz".into(),
                };
                ctx.remember(&keys, &dest, &hashes, &rec);
                (dest, hashes)
            }
        };
        (what, tarball, path, hashes)
    };
    let (tree, ex) = extract_into(&work, &path, "package.tgz", &ctx.opts.limits)?;
    let info = TargetInfo {
        kind: TargetKind::Npm,
        spec: ctx.spec.to_string(),
        resolved: Some(resolved),
        source_url: Some(super::redact_url(&tarball)),
        digest: Some(hashes.sha512_sri()),
    };
    Ok(acquired(tree, info, ex.skipped, work))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "dist-tags": {"latest": "1.2.0", "next": "2.0.0-beta.1"},
            "versions": {"1.0.0": {}, "1.2.0": {}, "1.3.0": {}, "1.4.0-rc.1": {}, "2.0.0-beta.1": {}, "0.9.0": {}}
        })
    }

    #[test]
    fn resolves_like_npm() {
        let d = doc();
        assert_eq!(resolve_version(&d, "p", None).unwrap(), "1.2.0");
        assert_eq!(resolve_version(&d, "p", Some("1.0.0")).unwrap(), "1.0.0");
        assert_eq!(
            resolve_version(&d, "p", Some("next")).unwrap(),
            "2.0.0-beta.1"
        );
        // latest satisfies ^1.0.0, so it wins over 1.3.0, as in npm.
        assert_eq!(resolve_version(&d, "p", Some("^1.0.0")).unwrap(), "1.2.0");
        assert_eq!(resolve_version(&d, "p", Some(">=1.3")).unwrap(), "1.3.0");
        assert_eq!(resolve_version(&d, "p", Some("<1")).unwrap(), "0.9.0");
        assert!(
            resolve_version(&d, "p", Some("^3"))
                .unwrap_err()
                .to_string()
                .contains("no such version on npm")
        );
        assert!(resolve_version(&d, "p", Some("nosuchtag")).is_err());
    }

    #[test]
    fn names_and_registry() {
        assert_eq!(
            parse_name("@s/n@1").unwrap(),
            ("@s/n".into(), Some("1".into()))
        );
        assert_eq!(parse_name("n").unwrap(), ("n".into(), None));
        assert!(parse_name("@s").is_err());
        assert!(parse_name("../x").is_err());
        assert!(parse_name("a/b").is_err());
        assert_eq!(document_url("https://r", "@s/n"), "https://r/@s%2fn");
        let env = |k: &str| (k == "npm_config_registry").then(|| "https://lower/".to_string());
        assert_eq!(registry_from(None, &env), "https://lower");
        assert_eq!(registry_from(Some("https://opt/"), &env), "https://opt");
        assert_eq!(registry_from(None, &|_| None), "https://registry.npmjs.org");
    }

    #[test]
    fn picks_the_strongest_integrity() {
        let sha512 = base64::engine::general_purpose::STANDARD.encode([1u8; 64]);
        let dist = json!({"integrity": format!("sha1-AAAA sha512-{sha512}"), "shasum": "00"});
        assert!(matches!(
            expected_digest(&dist),
            Expected::Sri("sha512", _, _)
        ));
        let dist = json!({"shasum": "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3"});
        assert!(matches!(expected_digest(&dist), Expected::Sha1Hex(_)));
    }
}
