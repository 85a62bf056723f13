//! Turning a target spec into a local tree to scan. Local directories and files are scanned in
//! place; every other form is acquired by [`crate::source`] when it is built in.

use std::path::{Path, PathBuf};

use crate::report::wire::Target;

/// A local tree ready to scan; holds any temporary directory alive until dropped.
#[derive(Debug)]
pub struct Resolved {
    path: PathBuf,
}

impl Resolved {
    /// The directory or file to scan.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// Resolves a spec to a local tree and its description for the report.
pub fn resolve(spec: &str) -> Result<(Resolved, Target), String> {
    let path = Path::new(spec);
    match std::fs::metadata(path) {
        Ok(_) => Ok((
            Resolved {
                path: path.to_path_buf(),
            },
            Target {
                kind: "path".into(),
                spec: spec.to_owned(),
                ..Target::default()
            },
        )),
        Err(e) => Err(format!("cannot read {spec}: {e}")),
    }
}
