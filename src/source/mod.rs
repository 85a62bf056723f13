//! Target acquisition: turns what the user typed (`./dir`, a git URL, `npm:pkg@1`, `pypi:pkg`, an
//! archive, …) into a local tree to scan, fetched safely and recorded with provenance.
//!
//! [`parse_spec`] is the pure, syntactic half; [`acquire`] does the I/O. Nothing fetched is ever
//! executed: packages are downloaded as archives, integrity-checked, and extracted with
//! [`extract_archive`] under [`Limits`]; git trees are written by the same bounded writer. Temporary
//! trees live in a `TempDir` owned by the returned [`Acquired`], so they are removed on every exit path.

mod archive;
mod cache;
mod git;
mod http;
mod npm;
mod pypi;

use std::path::{Path, PathBuf};

use serde::Serialize;
use tempfile::TempDir;

pub use crate::finding::Skip;
pub use archive::{ArchiveFormat, Limits, extract_archive};

use cache::{Cache, Record};
use http::{Hashes, Http, HttpError};

/// The one line listing every accepted target form, appended to spec errors.
pub const ACCEPTED_FORMS: &str = "accepted targets: a directory or file; https://github.com/OWNER/REPO[/tree/REF[/SUBDIR]] or \
     [@REF]; github:OWNER/REPO[@REF]; a git URL (https://, ssh://, git@host:path, file://) or a bare repository path, \
     with --ref; npm:NAME[@VERSION|@TAG|@RANGE]; pypi:NAME[==VERSION]; a local or https:// .tgz/.tar.gz/.tar/.zip/.whl archive";

const DEFAULT_NPM_REGISTRY: &str = "https://registry.npmjs.org";
const DEFAULT_PYPI_INDEX: &str = "https://pypi.org";
const DEFAULT_GITHUB_URL: &str = "https://github.com";
const DEFAULT_GITHUB_CODELOAD: &str = "https://codeload.github.com";

/// How targets are fetched. `Default` gives the public registries, the platform cache and the
/// default [`Limits`]. `Debug` never shows the GitHub token.
#[derive(Clone)]
pub struct SourceOptions {
    /// Cache directory; `None` = `dirs::cache_dir()/mcp-scan`.
    pub cache_dir: Option<PathBuf>,
    /// Neither read nor write the cache.
    pub no_cache: bool,
    /// Use only what is cached (and local paths); never touch the network.
    pub offline: bool,
    /// npm registry base URL; `None` = `NPM_CONFIG_REGISTRY`/`npm_config_registry`, else the public one.
    pub npm_registry: Option<String>,
    /// Python package index; `None` = `PIP_INDEX_URL` (minus `/simple`), else the public one.
    pub pypi_index: Option<String>,
    /// Branch, tag or commit for git and GitHub targets (`--ref`).
    pub git_ref: Option<String>,
    /// Extraction limits (archives and git checkouts).
    pub limits: Limits,
    /// Show a byte counter on stderr for slow downloads (only when stderr is a terminal).
    pub progress: bool,
    /// Base URL GitHub repositories are cloned from; `None` = `MCP_SCAN_GITHUB_URL`, else github.com.
    pub github_url: Option<String>,
    /// Base URL of GitHub's tarball service; `None` = `MCP_SCAN_GITHUB_CODELOAD`, else codeload.
    pub github_codeload: Option<String>,
    /// Token for GitHub; `None` = `GITHUB_TOKEN`. Never printed or stored.
    pub github_token: Option<String>,
}

impl std::fmt::Debug for SourceOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceOptions")
            .field("cache_dir", &self.cache_dir)
            .field("no_cache", &self.no_cache)
            .field("offline", &self.offline)
            .field("npm_registry", &self.npm_registry)
            .field("pypi_index", &self.pypi_index)
            .field("git_ref", &self.git_ref)
            .field("limits", &self.limits)
            .field("progress", &self.progress)
            .field("github_url", &self.github_url)
            .field("github_codeload", &self.github_codeload)
            .field(
                "github_token",
                &self.github_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

impl Default for SourceOptions {
    fn default() -> Self {
        SourceOptions {
            cache_dir: None,
            no_cache: false,
            offline: false,
            npm_registry: None,
            pypi_index: None,
            git_ref: None,
            limits: Limits::default(),
            progress: true,
            github_url: None,
            github_codeload: None,
            github_token: None,
        }
    }
}

/// What kind of target was scanned.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TargetKind {
    /// A local directory or file, scanned in place.
    Path,
    /// A git repository (any URL or a local repository).
    Git,
    /// A GitHub repository.
    Github,
    /// An npm package.
    Npm,
    /// A PyPI package.
    Pypi,
    /// A local or downloaded archive.
    Archive,
}

/// Provenance of a scanned target, for the report: enough to reproduce and compare a scan.
#[derive(Debug, Clone, Serialize)]
pub struct TargetInfo {
    /// What kind of target this was.
    pub kind: TargetKind,
    /// The spec as the user gave it.
    pub spec: String,
    /// `name@version` for packages, the commit sha for git.
    pub resolved: Option<String>,
    /// Where it was fetched from (registry tarball, repository URL, archive URL).
    pub source_url: Option<String>,
    /// `sha512-…`/`sha256:…` of the downloaded artifact, or the git commit sha.
    pub digest: Option<String>,
}

/// A target ready to scan. Dropping it removes any temporary tree.
#[derive(Debug)]
pub struct Acquired {
    /// The directory (or single file) to scan.
    pub root: PathBuf,
    /// Provenance for the report.
    pub info: TargetInfo,
    /// Entries not extracted or checked out, with the reason.
    pub skipped: Vec<Skip>,
    _guard: Option<TempDir>,
}

impl Acquired {
    /// Whether `root` is a temporary tree (removed when this value is dropped) rather than the
    /// user's own directory or file.
    pub fn is_temporary(&self) -> bool {
        self._guard.is_some()
    }
}

/// A parsed target spec (syntax only; nothing has been checked on disk or network).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetSpec {
    /// A local path: a directory, a single file or a local git repository (decided by [`acquire`]).
    Local(PathBuf),
    /// A local archive file.
    LocalArchive(PathBuf),
    /// An archive to download.
    ArchiveUrl(String),
    /// A GitHub repository.
    Github {
        /// Owner (user or organisation).
        owner: String,
        /// Repository name, without `.git`.
        repo: String,
        /// Branch, tag or commit, if given.
        git_ref: Option<String>,
        /// Sub-directory (or file) inside the repository, from `/tree/REF/SUBDIR`.
        subdir: Option<String>,
    },
    /// Any other git URL.
    Git {
        /// The URL as git understands it.
        url: String,
    },
    /// An npm package.
    Npm {
        /// Package name, `@scope/name` for scoped packages.
        name: String,
        /// Version, dist-tag or semver range, if given.
        request: Option<String>,
    },
    /// A PyPI project.
    Pypi {
        /// Project name as given.
        name: String,
        /// Exact version, if given.
        version: Option<String>,
    },
}

/// Why a target could not be acquired. `Display` is one line meant for the user.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    /// The spec is not one of the accepted forms.
    #[error("cannot use target `{spec}`: {reason} ({ACCEPTED_FORMS})")]
    BadSpec {
        /// The spec as given.
        spec: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The package, version, ref or path does not exist.
    #[error("{0}")]
    NotFound(String),
    /// A network failure (after retries).
    #[error("network error fetching {url}: {message}")]
    Network {
        /// What was being fetched.
        url: String,
        /// The cause.
        message: String,
    },
    /// An unexpected HTTP status (after retries).
    #[error("{url} answered HTTP {status}")]
    Http {
        /// What was being fetched.
        url: String,
        /// The status code.
        status: u16,
    },
    /// A malformed registry answer or unusable URL.
    #[error("{0}")]
    Registry(String),
    /// The download does not match the digest the registry published.
    #[error(
        "integrity check failed for {what}: expected {expected}, got {actual}; the download was altered or corrupted, refusing to extract it"
    )]
    Integrity {
        /// What was checked.
        what: String,
        /// The published digest.
        expected: String,
        /// The digest of what was received.
        actual: String,
    },
    /// `--offline` and the target is not cached.
    #[error("offline: {0} is not in the cache (run once without --offline to fetch it)")]
    Offline(String),
    /// A git failure.
    #[error("git: {0}")]
    Git(String),
    /// An archive that cannot be read at all.
    #[error("{0}")]
    Archive(String),
    /// A local I/O failure.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The cause.
        source: std::io::Error,
    },
}

impl SourceError {
    pub(crate) fn io(context: String, source: std::io::Error) -> SourceError {
        SourceError::Io { context, source }
    }

    fn bad(spec: &str, reason: impl Into<String>) -> SourceError {
        // The spec is quoted in a one-line message for a terminal: its control characters (a
        // newline, ESC) are shown escaped, never raw.
        SourceError::BadSpec {
            spec: crate::report::sanitize(spec),
            reason: crate::report::sanitize(&reason.into()),
        }
    }
}

/// Parses a target spec. Pure: no file system or network access, never panics.
pub fn parse_spec(spec: &str) -> Result<TargetSpec, SourceError> {
    let s = spec.trim();
    if s.is_empty() {
        return Err(SourceError::bad(spec, "empty target"));
    }
    if s.chars().any(|c| c.is_control()) {
        return Err(SourceError::bad(spec, "control characters in target"));
    }
    if let Some(rest) = s.strip_prefix("npm:") {
        let (name, request) = npm::parse_name(rest).map_err(|r| SourceError::bad(spec, r))?;
        return Ok(TargetSpec::Npm { name, request });
    }
    if let Some(rest) = s.strip_prefix("pypi:") {
        let (name, version) = pypi::parse_name(rest).map_err(|r| SourceError::bad(spec, r))?;
        return Ok(TargetSpec::Pypi { name, version });
    }
    if let Some(rest) = s.strip_prefix("github:") {
        let (path, git_ref) = match rest.split_once('@') {
            Some((p, r)) => (p, Some(r)),
            None => (rest, None),
        };
        let segs: Vec<&str> = path.trim_end_matches('/').split('/').collect();
        if segs.len() != 2 {
            return Err(SourceError::bad(spec, "expected github:OWNER/REPO[@REF]"));
        }
        return github_spec(spec, segs[0], segs[1], git_ref, None);
    }
    if let Some((scheme, _)) = s.split_once("://") {
        let scheme = scheme.to_ascii_lowercase();
        return match scheme.as_str() {
            "https" | "http" => url_spec(spec, s),
            "file" => {
                let path = &s["file://".len()..];
                if ArchiveFormat::from_name(path).is_some() {
                    Ok(TargetSpec::LocalArchive(PathBuf::from(path)))
                } else {
                    Ok(TargetSpec::Git { url: s.to_string() })
                }
            }
            "ssh" | "git" => Ok(TargetSpec::Git { url: s.to_string() }),
            "git+ssh" | "git+https" | "git+http" | "git+file" => Ok(TargetSpec::Git {
                url: s[4..].to_string(),
            }),
            other => Err(SourceError::bad(
                spec,
                format!("unsupported URL scheme `{other}`"),
            )),
        };
    }
    let bytes = s.as_bytes();
    let drive = bytes.len() >= 3
        && bytes[0].is_ascii_alphabetic()
        && bytes[1] == b':'
        && (bytes[2] == b'\\' || bytes[2] == b'/');
    if !drive {
        if let Some((before, _)) = s.split_once(':') {
            if !before.contains('/') && !before.contains('\\') {
                if let Some((user, host)) = before.split_once('@') {
                    if !user.is_empty() && !host.is_empty() {
                        // scp-like `git@host:owner/repo.git`
                        return Ok(TargetSpec::Git { url: s.to_string() });
                    }
                }
                return Err(SourceError::bad(
                    spec,
                    format!("unknown prefix `{before}:`"),
                ));
            }
        }
    }
    if ArchiveFormat::from_name(s).is_some() {
        Ok(TargetSpec::LocalArchive(PathBuf::from(s)))
    } else {
        Ok(TargetSpec::Local(PathBuf::from(s)))
    }
}

fn url_spec(spec: &str, s: &str) -> Result<TargetSpec, SourceError> {
    let u = url::Url::parse(s).map_err(|e| SourceError::bad(spec, format!("invalid URL ({e})")))?;
    let host = u.host_str().unwrap_or("").to_ascii_lowercase();
    if ArchiveFormat::from_name(u.path()).is_some() {
        return Ok(TargetSpec::ArchiveUrl(s.to_string()));
    }
    if host == "github.com" || host == "www.github.com" {
        let segs: Vec<&str> = u.path().split('/').filter(|x| !x.is_empty()).collect();
        if segs.len() < 2 {
            return Err(SourceError::bad(
                spec,
                "expected https://github.com/OWNER/REPO",
            ));
        }
        let (repo, at_ref) = match segs[1].split_once('@') {
            Some((r, at)) => (r, Some(at)),
            None => (segs[1], None),
        };
        return match segs.get(2).copied() {
            None => github_spec(spec, segs[0], repo, at_ref, None),
            Some("tree") | Some("blob") | Some("commit") if segs.len() >= 4 && at_ref.is_none() => {
                let subdir = if segs[2] != "commit" && segs.len() > 4 {
                    Some(segs[4..].join("/"))
                } else {
                    None
                };
                github_spec(spec, segs[0], repo, Some(segs[3]), subdir)
            }
            Some(_) => Err(SourceError::bad(
                spec,
                "not a repository URL (expected /tree/REF[/SUBDIR])",
            )),
        };
    }
    Ok(TargetSpec::Git { url: s.to_string() })
}

fn github_spec(
    spec: &str,
    owner: &str,
    repo: &str,
    git_ref: Option<&str>,
    subdir: Option<String>,
) -> Result<TargetSpec, SourceError> {
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    let ok_name = |n: &str| {
        !n.is_empty()
            && n != "."
            && n != ".."
            && n.len() <= 100
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
    };
    if !ok_name(owner) || !ok_name(repo) {
        return Err(SourceError::bad(
            spec,
            "invalid GitHub owner or repository name",
        ));
    }
    let git_ref = match git_ref {
        Some(r) => {
            check_ref(r).map_err(|reason| SourceError::bad(spec, reason))?;
            Some(r.to_string())
        }
        None => None,
    };
    let subdir = match subdir {
        Some(d) => {
            let rel = archive::safe_relative(&d)
                .map_err(|r| SourceError::bad(spec, format!("bad sub-directory: {r}")))?;
            if rel.as_os_str().is_empty() {
                None
            } else {
                Some(rel.to_string_lossy().into_owned())
            }
        }
        None => None,
    };
    Ok(TargetSpec::Github {
        owner: owner.to_string(),
        repo: repo.to_string(),
        git_ref,
        subdir,
    })
}

/// Checks a branch, tag or commit name against git's ref-name rules (the parts that matter here).
pub(crate) fn check_ref(r: &str) -> Result<(), String> {
    if r.is_empty() {
        return Err("empty git ref".into());
    }
    if r.starts_with('-')
        || r.starts_with('/')
        || r.ends_with('/')
        || r.ends_with('.')
        || r.ends_with(".lock")
    {
        return Err(format!("invalid git ref `{r}`"));
    }
    if r.contains("..") || r.contains("@{") || r.contains("//") {
        return Err(format!("invalid git ref `{r}`"));
    }
    if r.chars().any(|c| {
        c.is_control() || c.is_whitespace() || matches!(c, '~' | '^' | ':' | '?' | '*' | '[' | '\\')
    }) {
        return Err(format!("invalid git ref `{r}`"));
    }
    Ok(())
}

/// Per-acquisition state: options, a lazily built HTTP client and the cache.
pub(crate) struct Ctx<'a> {
    pub opts: &'a SourceOptions,
    pub spec: &'a str,
    http: Option<Http>,
    cache: Option<Cache>,
}

impl<'a> Ctx<'a> {
    fn new(spec: &'a str, opts: &'a SourceOptions) -> Ctx<'a> {
        let cache = if opts.no_cache {
            None
        } else {
            Cache::open(opts.cache_dir.as_deref())
        };
        Ctx {
            opts,
            spec,
            http: None,
            cache,
        }
    }

    pub fn http(&mut self) -> Result<&Http, SourceError> {
        if self.opts.offline {
            return Err(SourceError::Offline(self.spec.to_string()));
        }
        if self.http.is_none() {
            self.http = Some(Http::new(self.opts.progress)?);
        }
        Ok(self.http.as_ref().expect("just set"))
    }

    /// The first cache record among `keys` whose blob is present, intact and accepted by `verify`.
    pub fn cached(
        &self,
        keys: &[String],
        verify: &dyn Fn(&Hashes) -> bool,
    ) -> Option<(Record, PathBuf, Hashes)> {
        let cache = self.cache.as_ref()?;
        keys.iter().find_map(|k| {
            let rec = cache.lookup(k)?;
            let (path, hashes) = cache.blob(&rec.blob)?;
            verify(&hashes).then_some((rec, path, hashes))
        })
    }

    /// Records a downloaded blob under every key. Cache failures never fail the scan.
    pub fn remember(&self, keys: &[String], file: &Path, hashes: &Hashes, rec: &Record) {
        if let Some(cache) = &self.cache {
            if cache.store_blob(file, hashes).is_ok() {
                for k in keys {
                    let _ = cache.store_record(k, rec);
                }
            }
        }
    }
}

/// A fresh work directory for one acquisition.
pub(crate) fn work_dir() -> Result<TempDir, SourceError> {
    tempfile::Builder::new()
        .prefix("mcp-scan-")
        .tempdir()
        .map_err(|e| SourceError::io("cannot create a temporary directory".into(), e))
}

/// Extracts `archive` into `work/tree`; returns the tree path and the extraction details.
pub(crate) fn extract_into(
    work: &TempDir,
    archive: &Path,
    name_hint: &str,
    limits: &Limits,
) -> Result<(PathBuf, archive::Extracted), SourceError> {
    let tree = work.path().join("tree");
    std::fs::create_dir_all(&tree)
        .map_err(|e| SourceError::io("cannot create a temporary directory".into(), e))?;
    let ex =
        archive::extract_detailed(archive, ArchiveFormat::from_name(name_hint), &tree, limits)?;
    Ok((tree, ex))
}

/// Fetches the target `spec` into a local tree, following `opts`.
pub fn acquire(spec: &str, opts: &SourceOptions) -> Result<Acquired, SourceError> {
    let parsed = parse_spec(spec)?;
    let mut ctx = Ctx::new(spec, opts);
    let git_target = matches!(
        parsed,
        TargetSpec::Local(_) | TargetSpec::Github { .. } | TargetSpec::Git { .. }
    );
    if opts.git_ref.is_some() && !git_target {
        return Err(SourceError::bad(
            spec,
            "--ref only applies to git and GitHub targets",
        ));
    }
    match parsed {
        TargetSpec::Local(path) => local(&mut ctx, &path),
        TargetSpec::LocalArchive(path) => local_archive(&ctx, &path),
        TargetSpec::ArchiveUrl(url) => archive_url(&mut ctx, &url),
        TargetSpec::Github {
            owner,
            repo,
            git_ref,
            subdir,
        } => {
            let git_ref = merge_ref(spec, git_ref, opts.git_ref.as_deref())?;
            git::github(
                &mut ctx,
                &owner,
                &repo,
                git_ref.as_deref(),
                subdir.as_deref(),
            )
        }
        TargetSpec::Git { url } => {
            let git_ref = merge_ref(spec, None, opts.git_ref.as_deref())?;
            git::generic(&mut ctx, &url, git_ref.as_deref(), TargetKind::Git)
        }
        TargetSpec::Npm { name, request } => npm::acquire(&mut ctx, &name, request.as_deref()),
        TargetSpec::Pypi { name, version } => pypi::acquire(&mut ctx, &name, version.as_deref()),
    }
}

fn merge_ref(
    spec: &str,
    from_spec: Option<String>,
    from_opt: Option<&str>,
) -> Result<Option<String>, SourceError> {
    if let Some(r) = from_opt {
        check_ref(r).map_err(|reason| SourceError::bad(spec, reason))?;
    }
    match (from_spec, from_opt) {
        (Some(a), Some(b)) if a != b => Err(SourceError::bad(
            spec,
            format!("the target names ref `{a}` but --ref says `{b}`"),
        )),
        (Some(a), _) => Ok(Some(a)),
        (None, b) => Ok(b.map(str::to_string)),
    }
}

fn local(ctx: &mut Ctx<'_>, path: &Path) -> Result<Acquired, SourceError> {
    let meta = std::fs::metadata(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            let text = path.to_string_lossy();
            match text
                .strip_prefix("github.com/")
                .or_else(|| text.strip_prefix("www.github.com/"))
            {
                Some(rest) => SourceError::bad(
                    ctx.spec,
                    format!("no such file or directory (did you mean https://github.com/{rest}?)"),
                ),
                None => SourceError::bad(ctx.spec, "no such file or directory"),
            }
        } else {
            SourceError::io(format!("cannot read {}", path.display()), e)
        }
    })?;
    if meta.is_dir() {
        let bare = path.join("HEAD").is_file()
            && path.join("objects").is_dir()
            && path.join("refs").is_dir();
        let worktree_repo = path.join(".git").exists();
        if bare || (worktree_repo && ctx.opts.git_ref.is_some()) {
            let git_ref = merge_ref(ctx.spec, None, ctx.opts.git_ref.as_deref())?;
            let url = path.to_string_lossy().into_owned();
            return git::generic(ctx, &url, git_ref.as_deref(), TargetKind::Git);
        }
    } else if meta.is_file() {
        let mut head = [0u8; 512];
        let n = std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read(&mut f, &mut head))
            .unwrap_or(0);
        if ArchiveFormat::sniff(&head[..n]) == Some(ArchiveFormat::TarGz) {
            // A gzip file without an archive extension is still an archive to open, not a file to parse.
            return local_archive(ctx, path);
        }
    }
    if ctx.opts.git_ref.is_some() {
        return Err(SourceError::bad(
            ctx.spec,
            "--ref only applies to git and GitHub targets, and this is not a git repository",
        ));
    }
    Ok(Acquired {
        root: path.to_path_buf(),
        info: TargetInfo {
            kind: TargetKind::Path,
            spec: ctx.spec.to_string(),
            resolved: None,
            source_url: None,
            digest: None,
        },
        skipped: Vec::new(),
        _guard: None,
    })
}

fn local_archive(ctx: &Ctx<'_>, path: &Path) -> Result<Acquired, SourceError> {
    if !path.is_file() {
        return Err(SourceError::bad(ctx.spec, "no such archive file"));
    }
    let hashes = Hashes::of_file(path)
        .map_err(|e| SourceError::io(format!("cannot read {}", path.display()), e))?;
    let work = work_dir()?;
    let name = path.to_string_lossy().into_owned();
    let (tree, ex) = extract_into(&work, path, &name, &ctx.opts.limits)?;
    Ok(Acquired {
        root: tree,
        info: TargetInfo {
            kind: TargetKind::Archive,
            spec: ctx.spec.to_string(),
            resolved: None,
            source_url: None,
            digest: Some(hashes.sha256_tag()),
        },
        skipped: ex.skipped,
        _guard: Some(work),
    })
}

fn archive_url(ctx: &mut Ctx<'_>, url: &str) -> Result<Acquired, SourceError> {
    let keys = vec![format!("archive-url\0{url}")];
    let work = work_dir()?;
    let (path, hashes) = match ctx.cached(&keys, &|_| true) {
        Some((_, path, hashes)) => (path, hashes),
        None => {
            let dest = work.path().join(download_name(url));
            let limit = ctx.opts.limits.max_total_bytes;
            let hashes = ctx
                .http()?
                .download(url, &dest, limit, None)
                .map_err(|e| match e {
                    HttpError::NotFound => SourceError::NotFound(format!(
                        "no archive at {} (HTTP 404)",
                        redact_url(url)
                    )),
                    HttpError::Other(e) => e,
                })?;
            let rec = Record {
                blob: hex::encode(&hashes.sha256),
                resolved: None,
                source_url: Some(redact_url(url)),
                digest: Some(hashes.sha256_tag()),
                file_name: download_name(url),
            };
            ctx.remember(&keys, &dest, &hashes, &rec);
            (dest, hashes)
        }
    };
    let name = url::Url::parse(url)
        .map(|u| u.path().to_string())
        .unwrap_or_default();
    let (tree, ex) = extract_into(&work, &path, &name, &ctx.opts.limits)?;
    Ok(Acquired {
        root: tree,
        info: TargetInfo {
            kind: TargetKind::Archive,
            spec: ctx.spec.to_string(),
            resolved: None,
            source_url: Some(redact_url(url)),
            digest: Some(hashes.sha256_tag()),
        },
        skipped: ex.skipped,
        _guard: Some(work),
    })
}

/// Builds an [`Acquired`] that owns `work`.
pub(crate) fn acquired(
    root: PathBuf,
    info: TargetInfo,
    skipped: Vec<Skip>,
    work: TempDir,
) -> Acquired {
    Acquired {
        root,
        info,
        skipped,
        _guard: Some(work),
    }
}

/// Resolves a link from a registry document against the document's URL (mirrors often answer
/// with relative file links).
pub(crate) fn join_url(doc_url: &str, href: &str) -> Result<String, SourceError> {
    url::Url::parse(doc_url)
        .and_then(|base| base.join(href))
        .map(|u| u.to_string())
        .map_err(|e| SourceError::Registry(format!("unusable link `{href}` in {doc_url}: {e}")))
}

/// A local file name for a download: the URL's last segment reduced to safe characters.
pub(crate) fn download_name(url_or_name: &str) -> String {
    let last = url_or_name.rsplit(['/', '\\']).next().unwrap_or("");
    let last = last.split(['?', '#']).next().unwrap_or("");
    let clean: String = last
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'))
        .take(120)
        .collect();
    if clean.trim_matches('.').is_empty() {
        "download".to_string()
    } else {
        clean
    }
}

/// A URL safe to show and store: any password (or token) in it is removed.
pub(crate) fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Reads an environment variable, treating empty as unset.
pub(crate) fn env_var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        assert_eq!(
            parse_spec("./srv").unwrap(),
            TargetSpec::Local(PathBuf::from("./srv"))
        );
        assert_eq!(
            parse_spec("pkg.tgz").unwrap(),
            TargetSpec::LocalArchive(PathBuf::from("pkg.tgz"))
        );
        assert_eq!(
            parse_spec("https://github.com/o/r/tree/v1/src/x").unwrap(),
            TargetSpec::Github {
                owner: "o".into(),
                repo: "r".into(),
                git_ref: Some("v1".into()),
                subdir: Some("src/x".into())
            }
        );
        assert_eq!(
            parse_spec("https://github.com/o/r.git").unwrap(),
            TargetSpec::Github {
                owner: "o".into(),
                repo: "r".into(),
                git_ref: None,
                subdir: None
            }
        );
        assert_eq!(
            parse_spec("https://github.com/o/r@main").unwrap(),
            TargetSpec::Github {
                owner: "o".into(),
                repo: "r".into(),
                git_ref: Some("main".into()),
                subdir: None
            }
        );
        assert_eq!(
            parse_spec("github:o/r@v2").unwrap(),
            TargetSpec::Github {
                owner: "o".into(),
                repo: "r".into(),
                git_ref: Some("v2".into()),
                subdir: None
            }
        );
        assert_eq!(
            parse_spec("git@example.com:o/r.git").unwrap(),
            TargetSpec::Git {
                url: "git@example.com:o/r.git".into()
            }
        );
        assert_eq!(
            parse_spec("ssh://h/r.git").unwrap(),
            TargetSpec::Git {
                url: "ssh://h/r.git".into()
            }
        );
        assert_eq!(
            parse_spec("git+https://h/r.git").unwrap(),
            TargetSpec::Git {
                url: "https://h/r.git".into()
            }
        );
        assert_eq!(
            parse_spec("https://h.example/r.git").unwrap(),
            TargetSpec::Git {
                url: "https://h.example/r.git".into()
            }
        );
        assert_eq!(
            parse_spec("https://h.example/x/pkg-1.0.tar.gz").unwrap(),
            TargetSpec::ArchiveUrl("https://h.example/x/pkg-1.0.tar.gz".into())
        );
        assert_eq!(
            parse_spec("npm:@scope/name@^1.2").unwrap(),
            TargetSpec::Npm {
                name: "@scope/name".into(),
                request: Some("^1.2".into())
            }
        );
        assert_eq!(
            parse_spec("pypi:mcp_server.time==1.0").unwrap(),
            TargetSpec::Pypi {
                name: "mcp_server.time".into(),
                version: Some("1.0".into())
            }
        );
        assert_eq!(
            parse_spec("C:\\srv").unwrap(),
            TargetSpec::Local(PathBuf::from("C:\\srv"))
        );
    }

    #[test]
    fn refuses_unknown_forms_with_the_accepted_list() {
        for bad in [
            "",
            "gitlab:o/r",
            "ftp://h/x",
            "github:o",
            "github:o/r@a..b",
            "https://github.com/o",
            "npm:",
            "pypi:",
        ] {
            let e = parse_spec(bad).unwrap_err().to_string();
            assert!(e.contains("accepted targets"), "{bad}: {e}");
            assert!(!e.contains('\n'));
        }
        assert!(parse_spec("https://github.com/o/r/tree/main/../../etc").is_err());
    }

    #[test]
    fn arbitrary_specs_never_panic_and_errors_are_one_line() {
        let parts = [
            "npm:",
            "pypi:",
            "github:",
            "https://",
            "http://",
            "file://",
            "ssh://",
            "git+",
            "github.com/",
            "@",
            "/",
            ":",
            "..",
            "\\",
            "C:",
            "é",
            "tree",
            "blob",
            "==",
            "%2f",
            "\0",
            "a",
            "-",
            ".tgz",
            ".whl",
            " ",
            "~",
            "^",
            "*",
            "x@y:",
            "\u{202e}",
            "🦀",
        ];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            let mut spec = String::new();
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state % 7) as usize;
            for i in 0..len {
                let pick = (state.rotate_left(i as u32 * 9) % parts.len() as u64) as usize;
                spec.push_str(parts[pick]);
            }
            if let Err(e) = parse_spec(&spec) {
                assert!(!e.to_string().contains('\n'), "{spec:?}: {e}");
            }
        }
    }

    #[test]
    fn conflicting_refs_are_refused() {
        assert!(merge_ref("s", Some("a".into()), Some("b")).is_err());
        assert_eq!(merge_ref("s", None, Some("b")).unwrap(), Some("b".into()));
        assert!(merge_ref("s", None, Some("-x")).is_err());
    }
}
