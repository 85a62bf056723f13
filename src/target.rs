//! Turning a target spec into a local tree to scan and its description for the report: local
//! paths are scanned in place; git URLs, GitHub, `npm:`, `pypi:` and archives are fetched by
//! [`crate::source`] (never installed or run) into a temporary tree that lives as long as the
//! returned [`Acquired`].

pub use crate::source::{Acquired, SourceError, SourceOptions};

use crate::report::wire::Target;

/// Acquires a target and describes it for the report.
pub fn resolve(spec: &str, opts: &SourceOptions) -> Result<(Acquired, Target), SourceError> {
    let acquired = crate::source::acquire(spec, opts)?;
    let info = &acquired.info;
    let kind = serde_json::to_value(&info.kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default();
    let target = Target {
        kind,
        spec: info.spec.clone(),
        resolved: info.resolved.clone(),
        source_url: info.source_url.clone(),
        digest: info.digest.clone(),
    };
    Ok((acquired, target))
}
