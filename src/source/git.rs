//! Git and GitHub targets: a shallow fetch of one ref with libgit2 into a throw-away bare repository,
//! then a bounded write of the commit's tree (no `.git`, no links, submodules listed but not
//! fetched). For GitHub, when git cannot run, the tarball of the same ref is fetched over HTTPS.
//!
//! `GITHUB_TOKEN` (or the `github_token` option) is only offered to GitHub, only as a credential or an
//! `Authorization` header, and never appears in a message, the report or the cache.

use std::cell::Cell;
use std::path::{Path, PathBuf};

use git2::{
    AutotagOption, CredentialType, Direction, FetchOptions, Oid, RemoteCallbacks, Repository,
    TreeWalkMode, TreeWalkResult,
};

use super::archive::{Flow, Limits, TreeWriter, safe_relative};
use super::cache::Record;
use super::http::{HttpError, Progress};
use super::{
    Acquired, Ctx, Skip, SourceError, TargetInfo, TargetKind, acquired, env_var, extract_into,
    work_dir,
};

/// Why a fetch failed: the ref is missing (no fallback helps), or git itself could not run.
#[derive(Debug)]
enum GitFail {
    NotFound(String),
    Other(String),
}

impl From<git2::Error> for GitFail {
    fn from(e: git2::Error) -> Self {
        GitFail::Other(e.message().replace('\n', " "))
    }
}

/// A checked-out commit.
struct Checkout {
    /// Index of the alternative in `wants` that was used.
    chosen: usize,
    commit: String,
    tree: PathBuf,
    skipped: Vec<Skip>,
}

/// Whether a git URL needs no network (a `file://` URL or a local path).
fn is_local(url: &str) -> bool {
    if url.starts_with("file://") {
        return true;
    }
    if url.contains("://") {
        return false;
    }
    // scp-like `user@host:path` is remote.
    match url.split_once(':') {
        Some((before, _)) => before.contains('/') || before.contains('\\') || before.len() == 1,
        None => true,
    }
}

/// Acquires any git URL or local repository.
pub(crate) fn generic(
    ctx: &mut Ctx<'_>,
    url: &str,
    git_ref: Option<&str>,
    kind: TargetKind,
) -> Result<Acquired, SourceError> {
    if ctx.opts.offline && !is_local(url) {
        return Err(SourceError::Offline(format!(
            "{} (git repositories are fetched live)",
            ctx.spec
        )));
    }
    let work = work_dir()?;
    let shown = super::redact_url(url);
    let wants: Vec<String> = git_ref.map(str::to_string).into_iter().collect();
    let co = fetch_checkout(
        url,
        &wants,
        work.path(),
        &ctx.opts.limits,
        None,
        ctx.opts.progress,
    )
    .map_err(|e| match e {
        GitFail::NotFound(m) => SourceError::NotFound(format!("{m} in {shown}")),
        GitFail::Other(m) => SourceError::Git(format!("cannot fetch {shown}: {m}")),
    })?;
    let info = TargetInfo {
        kind,
        spec: ctx.spec.to_string(),
        resolved: Some(co.commit.clone()),
        source_url: Some(shown),
        digest: Some(co.commit),
    };
    Ok(acquired(co.tree, info, co.skipped, work))
}

/// Acquires a GitHub repository: git first, the tarball when git cannot run.
pub(crate) fn github(
    ctx: &mut Ctx<'_>,
    owner: &str,
    repo: &str,
    git_ref: Option<&str>,
    subdir: Option<&str>,
) -> Result<Acquired, SourceError> {
    let base = ctx
        .opts
        .github_url
        .clone()
        .or_else(|| env_var("MCP_SCAN_GITHUB_URL"))
        .unwrap_or_else(|| super::DEFAULT_GITHUB_URL.to_string());
    let codeload = ctx
        .opts
        .github_codeload
        .clone()
        .or_else(|| env_var("MCP_SCAN_GITHUB_CODELOAD"))
        .unwrap_or_else(|| super::DEFAULT_GITHUB_CODELOAD.to_string());
    let token = ctx
        .opts
        .github_token
        .clone()
        .or_else(|| env_var("GITHUB_TOKEN"));
    let clone_url = format!("{}/{owner}/{repo}.git", base.trim_end_matches('/'));
    let repo_url = format!("https://github.com/{owner}/{repo}");
    let tar_url = format!(
        "{}/{owner}/{repo}/tar.gz/{}",
        codeload.trim_end_matches('/'),
        git_ref.unwrap_or("HEAD")
    );
    let keys = vec![format!(
        "github\0{owner}/{repo}\0{}",
        git_ref.unwrap_or("HEAD")
    )];
    // `/tree/feature/x/src` may mean branch `feature/x` and directory `src`: every split is an
    // alternative, longest ref first, and the repository's advertised refs decide.
    let alternatives: Vec<(String, Option<String>)> = match (git_ref, subdir) {
        (Some(r), Some(d)) => {
            let segs: Vec<&str> = d.split('/').collect();
            (0..=segs.len())
                .rev()
                .map(|k| {
                    let name = std::iter::once(r)
                        .chain(segs[..k].iter().copied())
                        .collect::<Vec<_>>()
                        .join("/");
                    let rest = (k < segs.len()).then(|| segs[k..].join("/"));
                    (name, rest)
                })
                .filter(|(name, _)| super::check_ref(name).is_ok())
                .collect()
        }
        (Some(r), None) => vec![(r.to_string(), None)],
        (None, _) => Vec::new(),
    };
    let wants: Vec<String> = alternatives.iter().map(|(r, _)| r.clone()).collect();
    let mut subdir = subdir.map(str::to_string);
    let work = work_dir()?;

    let (tree, info, skipped) = if ctx.opts.offline {
        let (rec, path, hashes) = ctx
            .cached(&keys, &|_| true)
            .ok_or_else(|| SourceError::Offline(ctx.spec.to_string()))?;
        let (tree, ex) = extract_into(&work, &path, ".tar.gz", &ctx.opts.limits)?;
        let info = TargetInfo {
            kind: TargetKind::Github,
            spec: ctx.spec.to_string(),
            resolved: rec.resolved,
            source_url: rec.source_url,
            digest: Some(hashes.sha256_tag()),
        };
        (tree, info, ex.skipped)
    } else {
        match fetch_checkout(
            &clone_url,
            &wants,
            work.path(),
            &ctx.opts.limits,
            token.as_deref(),
            ctx.opts.progress,
        ) {
            Ok(co) => {
                subdir = alternatives.get(co.chosen).and_then(|(_, d)| d.clone());
                let info = TargetInfo {
                    kind: TargetKind::Github,
                    spec: ctx.spec.to_string(),
                    resolved: Some(co.commit.clone()),
                    source_url: Some(repo_url),
                    digest: Some(co.commit),
                };
                (co.tree, info, co.skipped)
            }
            Err(GitFail::NotFound(m)) => {
                return Err(SourceError::NotFound(format!("{m} in {repo_url}")));
            }
            Err(GitFail::Other(git_msg)) => {
                let dest = work.path().join("github.tar.gz");
                let limit = ctx.opts.limits.max_total_bytes;
                let hashes = ctx.http()?.download(&tar_url, &dest, limit, token.as_deref()).map_err(|e| match e {
                    HttpError::NotFound => SourceError::NotFound(format!(
                        "no such repository or ref on GitHub: {owner}/{repo}@{} (git: {git_msg})",
                        git_ref.unwrap_or("HEAD")
                    )),
                    HttpError::Other(e) => SourceError::Git(format!("cannot fetch {repo_url}: {git_msg}; the tarball fallback failed too: {e}")),
                })?;
                let (tree, ex) = extract_into(&work, &dest, ".tar.gz", &ctx.opts.limits)?;
                let commit = ex
                    .pax_comment
                    .filter(|c| c.len() == 40 && c.chars().all(|ch| ch.is_ascii_hexdigit()));
                let resolved = commit.or_else(|| git_ref.map(str::to_string));
                let rec = Record {
                    blob: hex::encode(&hashes.sha256),
                    resolved: resolved.clone(),
                    source_url: Some(tar_url.clone()),
                    digest: Some(hashes.sha256_tag()),
                    file_name: "github.tar.gz".into(),
                };
                ctx.remember(&keys, &dest, &hashes, &rec);
                let info = TargetInfo {
                    kind: TargetKind::Github,
                    spec: ctx.spec.to_string(),
                    resolved,
                    source_url: Some(tar_url),
                    digest: Some(hashes.sha256_tag()),
                };
                (tree, info, ex.skipped)
            }
        }
    };
    let root = match subdir.as_deref() {
        Some(d) => {
            let root = tree.join(d);
            if std::fs::symlink_metadata(&root).is_err() {
                return Err(SourceError::NotFound(format!(
                    "no `{d}` in {owner}/{repo} at {}",
                    git_ref.unwrap_or("HEAD")
                )));
            }
            root
        }
        None => tree,
    };
    Ok(acquired(root, info, skipped, work))
}

/// What to fetch once the advertised refs are known.
enum Want {
    Ref(String),
    Sha(String),
    /// A short sha or something only a full fetch can resolve.
    Search(String),
}

fn callbacks<'a>(
    token: Option<&'a str>,
    limits: &'a Limits,
    too_big: &'a Cell<bool>,
    progress: Option<&'a Cell<Option<Progress>>>,
) -> RemoteCallbacks<'a> {
    let mut cb = RemoteCallbacks::new();
    let attempts = Cell::new(0u32);
    cb.credentials(move |_url, username, allowed| {
        attempts.set(attempts.get() + 1);
        if attempts.get() > 3 {
            return Err(git2::Error::from_str("authentication failed"));
        }
        let user = username.unwrap_or("git");
        if allowed.contains(CredentialType::USER_PASS_PLAINTEXT) {
            if let Some(t) = token {
                return git2::Cred::userpass_plaintext("x-access-token", t);
            }
        }
        if allowed.contains(CredentialType::SSH_KEY) {
            return git2::Cred::ssh_key_from_agent(user);
        }
        if allowed.contains(CredentialType::USERNAME) {
            return git2::Cred::username(user);
        }
        Err(git2::Error::from_str(
            "the repository needs credentials mcp-scan does not have",
        ))
    });
    let max = limits.max_total_bytes;
    cb.transfer_progress(move |stats| {
        if let Some(cell) = progress {
            if let Some(mut p) = cell.take() {
                p.tick(stats.received_bytes() as u64);
                cell.set(Some(p));
            }
        }
        if stats.received_bytes() as u64 > max {
            too_big.set(true);
            return false;
        }
        true
    });
    cb
}

fn fetch_checkout(
    url: &str,
    wants: &[String],
    work: &Path,
    limits: &Limits,
    token: Option<&str>,
    progress: bool,
) -> Result<Checkout, GitFail> {
    let repo = Repository::init_bare(work.join("repo.git"))?;
    let mut remote = repo.remote_anonymous(url)?;
    let too_big = Cell::new(false);
    let heads: Vec<(String, Oid, Option<String>)> = {
        let conn = remote.connect_auth(
            Direction::Fetch,
            Some(callbacks(token, limits, &too_big, None)),
            None,
        )?;
        conn.list()?
            .iter()
            .map(|h| {
                (
                    h.name().to_string(),
                    h.oid(),
                    h.symref_target().map(str::to_string),
                )
            })
            .collect()
    };
    if heads.is_empty() {
        return Err(GitFail::NotFound("the repository is empty".into()));
    }
    let find = |name: &str| heads.iter().find(|(n, _, _)| n == name);
    // `wants` are alternatives in priority order (a `/tree/` URL can split ref and path in
    // several ways); the first advertised one wins, a sha is tried only for the last.
    let mut chosen = 0;
    let target = match wants.last() {
        None => match find("HEAD") {
            Some((_, _, Some(sym))) if find(sym).is_some() => Want::Ref(sym.clone()),
            Some((_, oid, _)) => Want::Sha(oid.to_string()),
            None => return Err(GitFail::NotFound("no HEAD".into())),
        },
        Some(last) => {
            let advertised = wants.iter().enumerate().find_map(|(i, r)| {
                let full = [
                    r.starts_with("refs/").then(|| r.to_string()),
                    Some(format!("refs/heads/{r}")),
                    Some(format!("refs/tags/{r}")),
                ];
                full.into_iter()
                    .flatten()
                    .find(|c| find(c).is_some())
                    .map(|c| (i, c))
            });
            let hex = last.chars().all(|c| c.is_ascii_hexdigit());
            match advertised {
                Some((i, full)) => {
                    chosen = i;
                    Want::Ref(full)
                }
                None if hex && last.len() == 40 => {
                    chosen = wants.len() - 1;
                    Want::Sha(last.to_ascii_lowercase())
                }
                None if hex && last.len() >= 4 => {
                    chosen = wants.len() - 1;
                    Want::Search(last.to_string())
                }
                None => {
                    return Err(GitFail::NotFound(format!(
                        "no branch, tag or commit named `{}`",
                        wants[0]
                    )));
                }
            }
        }
    };
    let f = Fetcher {
        token,
        limits,
        too_big: &too_big,
        progress: Cell::new(Some(Progress::new(
            progress && std::io::IsTerminal::is_terminal(&std::io::stderr()),
            url,
        ))),
    };
    let commit_oid = match &target {
        Want::Ref(full) => {
            f.shallow_then_full(&mut remote, format!("+{full}:refs/mcp-scan/target"))?;
            repo.find_reference("refs/mcp-scan/target")?
                .peel_to_commit()?
                .id()
        }
        Want::Sha(sha) => {
            let direct = f.shallow_then_full(&mut remote, format!("+{sha}:refs/mcp-scan/target"));
            if direct.is_err() {
                f.fetch(
                    &mut remote,
                    &["+refs/*:refs/mcp-scan/all/*".to_string()],
                    None,
                )?;
            }
            let oid = Oid::from_str(sha)?;
            repo.find_object(oid, None)
                .map_err(|_| GitFail::NotFound(format!("no commit {sha}")))?
                .peel_to_commit()?
                .id()
        }
        Want::Search(short) => {
            f.fetch(
                &mut remote,
                &["+refs/*:refs/mcp-scan/all/*".to_string()],
                None,
            )?;
            repo.revparse_single(short)
                .map_err(|_| {
                    GitFail::NotFound(format!("no branch, tag or commit named `{short}`"))
                })?
                .peel_to_commit()?
                .id()
        }
    };
    let commit = repo.find_commit(commit_oid)?;
    let tree_dir = work.join("checkout");
    std::fs::create_dir_all(&tree_dir)
        .map_err(|e| GitFail::Other(format!("cannot create {}: {e}", tree_dir.display())))?;
    let skipped = write_tree(&repo, &commit.tree()?, &tree_dir, limits)?;
    Ok(Checkout {
        chosen,
        commit: commit_oid.to_string(),
        tree: tree_dir,
        skipped,
    })
}

/// Runs fetches with the shared callbacks, limit flag and progress line.
struct Fetcher<'a> {
    token: Option<&'a str>,
    limits: &'a Limits,
    too_big: &'a Cell<bool>,
    progress: Cell<Option<Progress>>,
}

impl Fetcher<'_> {
    fn fetch(
        &self,
        remote: &mut git2::Remote<'_>,
        refspecs: &[String],
        depth: Option<i32>,
    ) -> Result<(), GitFail> {
        let mut fo = FetchOptions::new();
        fo.remote_callbacks(callbacks(
            self.token,
            self.limits,
            self.too_big,
            Some(&self.progress),
        ));
        fo.download_tags(AutotagOption::None);
        if let Some(d) = depth {
            fo.depth(d);
        }
        let r = remote.fetch(refspecs, Some(&mut fo), None);
        if let Some(mut p) = self.progress.take() {
            p.finish();
            self.progress.set(Some(p));
        }
        if self.too_big.get() {
            return Err(GitFail::Other(format!(
                "repository transfer exceeds {} bytes; not fetched (raise the limit to scan it)",
                self.limits.max_total_bytes
            )));
        }
        r.map_err(GitFail::from)
    }

    /// Shallow where the server allows it; a full fetch otherwise.
    fn shallow_then_full(
        &self,
        remote: &mut git2::Remote<'_>,
        spec: String,
    ) -> Result<(), GitFail> {
        match self.fetch(remote, std::slice::from_ref(&spec), Some(1)) {
            Ok(()) => Ok(()),
            Err(GitFail::Other(m)) if self.too_big.get() => Err(GitFail::Other(m)),
            Err(_) => self.fetch(remote, &[spec], None),
        }
    }
}

/// Writes a git tree to `dest` under the same rules as archive extraction.
fn write_tree(
    repo: &Repository,
    tree: &git2::Tree<'_>,
    dest: &Path,
    limits: &Limits,
) -> Result<Vec<Skip>, GitFail> {
    let odb = repo.odb()?;
    let mut w = TreeWriter::new(dest, *limits, 0);
    let mut gitlinks = Vec::new();
    let mut failure = None;
    tree.walk(TreeWalkMode::PreOrder, |root, entry| {
        let name = format!("{root}{}", String::from_utf8_lossy(entry.name_bytes()));
        if !w.count_entry(&name) {
            return TreeWalkResult::Abort;
        }
        match entry.filemode() {
            0o040000 => {
                if let Err(reason) = safe_relative(&name) {
                    w.skip(&name, reason);
                    return TreeWalkResult::Skip;
                }
                w.make_dir(&name);
            }
            0o160000 => gitlinks.push(name),
            0o120000 => {
                let target = repo
                    .find_blob(entry.id())
                    .map(|b| {
                        String::from_utf8_lossy(&b.content()[..b.content().len().min(4096)])
                            .into_owned()
                    })
                    .unwrap_or_default();
                w.skip_link(&name, &target, false);
            }
            0o100644 | 0o100755 | 0o100664 => match odb.read_header(entry.id()) {
                Ok((size, _)) if size as u64 > limits.max_file_bytes => {
                    w.skip(
                        &name,
                        format!(
                            "file larger than {} bytes; not checked out",
                            limits.max_file_bytes
                        ),
                    );
                }
                Ok(_) => match repo.find_blob(entry.id()) {
                    Ok(blob) => {
                        if w.write_file(&name, &mut blob.content(), None) == Flow::Stop {
                            return TreeWalkResult::Abort;
                        }
                    }
                    Err(e) => {
                        failure = Some(e);
                        return TreeWalkResult::Abort;
                    }
                },
                Err(e) => {
                    failure = Some(e);
                    return TreeWalkResult::Abort;
                }
            },
            other => w.skip(
                &name,
                format!("unknown git entry mode {other:o}; not checked out"),
            ),
        }
        TreeWalkResult::Ok
    })
    .or_else(|e| {
        if e.code() == git2::ErrorCode::User {
            Ok(())
        } else {
            Err(e)
        }
    })?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    let urls = submodule_urls(repo, tree);
    for path in gitlinks {
        let url = urls
            .iter()
            .find(|(p, _)| *p == path)
            .map(|(_, u)| u.as_str())
            .unwrap_or("unknown URL");
        w.skip(&path, format!("git submodule ({url}) not fetched"));
    }
    Ok(w.skipped)
}

/// `(path, url)` pairs from the tree's `.gitmodules`.
fn submodule_urls(repo: &Repository, tree: &git2::Tree<'_>) -> Vec<(String, String)> {
    let Ok(entry) = tree.get_path(Path::new(".gitmodules")) else {
        return Vec::new();
    };
    let Ok(blob) = repo.find_blob(entry.id()) else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(blob.content());
    let mut out = Vec::new();
    let (mut path, mut url) = (None::<String>, None::<String>);
    let mut flush = |path: &mut Option<String>, url: &mut Option<String>| {
        if let (Some(p), Some(u)) = (path.take(), url.take()) {
            out.push((p, u));
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            flush(&mut path, &mut url);
        } else if let Some((k, v)) = line.split_once('=') {
            match k.trim() {
                "path" => path = Some(v.trim().to_string()),
                "url" => url = Some(super::redact_url(v.trim())),
                _ => {}
            }
        }
    }
    flush(&mut path, &mut url);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_and_public_urls() {
        assert!(is_local("/srv/repo.git"));
        assert!(is_local("file:///srv/repo.git"));
        assert!(is_local("./repo"));
        assert!(!is_local("git@host:o/r.git"));
        assert!(!is_local("https://h/r.git"));
        assert_eq!(
            crate::source::redact_url("https://u:secret@h/r.git"),
            "https://u@h/r.git"
        );
    }
}
