//! The content-addressed download cache.
//!
//! Artifacts (npm tarballs, sdists, wheels, archives, GitHub tarballs) are stored once under
//! `blobs/<sha256 hex>` and re-hashed whenever they are read back, so a corrupted or edited cache
//! entry is never used. Small JSON records under `index/<sha256 of key>.json` map what was asked for
//! (a spec, or a resolved package and version) to a blob and its provenance; `--offline` works from
//! those records alone. Writes go through a temporary file and a rename, so readers never see half a
//! blob.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::SourceError;
use super::http::Hashes;

/// What the cache remembers about one acquisition.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub(crate) struct Record {
    /// Hex sha256 of the blob.
    pub blob: String,
    /// `name@version`, or a commit sha, when known.
    pub resolved: Option<String>,
    /// Where the blob came from.
    pub source_url: Option<String>,
    /// The digest to report ("sha512-…", "sha256:…" or a commit sha).
    pub digest: Option<String>,
    /// File name hint for the archive format (".tgz", ".zip", …).
    pub file_name: String,
}

/// A cache rooted at a directory.
pub(crate) struct Cache {
    root: PathBuf,
}

impl Cache {
    /// The cache at `dir`, or the platform cache directory (`<cache>/mcp-scan`).
    pub fn open(dir: Option<&Path>) -> Option<Cache> {
        let root = match dir {
            Some(d) => d.to_path_buf(),
            None => dirs::cache_dir()?.join("mcp-scan"),
        };
        Some(Cache { root })
    }

    fn blob_path(&self, sha256_hex: &str) -> PathBuf {
        self.root.join("blobs").join(sha256_hex)
    }

    fn index_path(&self, key: &str) -> PathBuf {
        let h = hex::encode(Sha256::digest(key.as_bytes()));
        self.root.join("index").join(format!("{h}.json"))
    }

    /// The record stored under `key`, if any and readable.
    pub fn lookup(&self, key: &str) -> Option<Record> {
        let text = fs::read(self.index_path(key)).ok()?;
        serde_json::from_slice(&text).ok()
    }

    /// The blob for a record, verified against its name; `None` when missing or altered.
    pub fn blob(&self, sha256_hex: &str) -> Option<(PathBuf, Hashes)> {
        let path = self.blob_path(sha256_hex);
        let hashes = Hashes::of_file(&path).ok()?;
        if hex::encode(&hashes.sha256) == sha256_hex {
            Some((path, hashes))
        } else {
            let _ = fs::remove_file(&path);
            None
        }
    }

    /// Copies a downloaded file into the cache under its sha256.
    pub fn store_blob(&self, file: &Path, hashes: &Hashes) -> Result<(), SourceError> {
        let hexd = hex::encode(&hashes.sha256);
        let dest = self.blob_path(&hexd);
        if dest.exists() {
            return Ok(());
        }
        let dir = self.root.join("blobs");
        fs::create_dir_all(&dir)
            .map_err(|e| SourceError::io(format!("cannot create cache {}", dir.display()), e))?;
        let tmp = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| SourceError::io(format!("cannot write cache {}", dir.display()), e))?;
        fs::copy(file, tmp.path())
            .map_err(|e| SourceError::io(format!("cannot write cache {}", dir.display()), e))?;
        tmp.persist(&dest).map_err(|e| {
            SourceError::io(format!("cannot write cache {}", dest.display()), e.error)
        })?;
        Ok(())
    }

    /// Stores `record` under `key`.
    pub fn store_record(&self, key: &str, record: &Record) -> Result<(), SourceError> {
        let path = self.index_path(key);
        let dir = self.root.join("index");
        fs::create_dir_all(&dir)
            .map_err(|e| SourceError::io(format!("cannot create cache {}", dir.display()), e))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&dir)
            .map_err(|e| SourceError::io(format!("cannot write cache {}", dir.display()), e))?;
        let body = serde_json::to_vec_pretty(record).unwrap_or_default();
        tmp.write_all(&body)
            .map_err(|e| SourceError::io(format!("cannot write cache {}", dir.display()), e))?;
        tmp.persist(&path).map_err(|e| {
            SourceError::io(format!("cannot write cache {}", path.display()), e.error)
        })?;
        Ok(())
    }
}
