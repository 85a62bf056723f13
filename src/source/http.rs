//! The HTTP client used for registries and downloads: timeouts, bounded retries with backoff for
//! connection errors and 5xx answers, size caps, streaming hashes, and a byte-counter progress line.
//!
//! Proxy variables (`HTTPS_PROXY`, `NO_PROXY`, …) are honoured by reqwest itself. Credentials passed
//! in headers are never part of an error message.

use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

use reqwest::blocking::{Client, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

use super::SourceError;

const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const TOTAL_TIMEOUT: Duration = Duration::from_secs(120);
const ATTEMPTS: u32 = 3;
/// Registry documents larger than this are refused (the biggest real npm documents are far smaller
/// in the abbreviated form we ask for).
const MAX_DOCUMENT_BYTES: u64 = 128 * 1024 * 1024;

/// Why an HTTP request failed, before the caller turns it into a user-facing message.
#[derive(Debug)]
pub(crate) enum HttpError {
    /// The server answered 404 (or 410).
    NotFound,
    /// Any other failure, already phrased for the user.
    Other(SourceError),
}

impl From<SourceError> for HttpError {
    fn from(e: SourceError) -> Self {
        HttpError::Other(e)
    }
}

/// The digests of a downloaded artifact, computed while it was written.
#[derive(Debug, Clone)]
pub(crate) struct Hashes {
    pub sha1: Vec<u8>,
    pub sha256: Vec<u8>,
    pub sha512: Vec<u8>,
}

impl Hashes {
    /// Hashes a file already on disk.
    pub fn of_file(path: &Path) -> std::io::Result<Hashes> {
        let mut f = File::open(path)?;
        let mut h = Hasher::default();
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Ok(h.finish())
    }

    /// `sha256:<hex>`.
    pub fn sha256_tag(&self) -> String {
        format!("sha256:{}", hex::encode(&self.sha256))
    }

    /// `sha512-<base64>` (Subresource Integrity form, as npm writes it).
    pub fn sha512_sri(&self) -> String {
        use base64::Engine;
        format!(
            "sha512-{}",
            base64::engine::general_purpose::STANDARD.encode(&self.sha512)
        )
    }
}

#[derive(Default)]
struct Hasher {
    sha1: Sha1,
    sha256: Sha256,
    sha512: Sha512,
    len: u64,
}

impl Hasher {
    fn update(&mut self, data: &[u8]) {
        self.sha1.update(data);
        self.sha256.update(data);
        self.sha512.update(data);
        self.len += data.len() as u64;
    }

    fn finish(self) -> Hashes {
        Hashes {
            sha1: self.sha1.finalize().to_vec(),
            sha256: self.sha256.finalize().to_vec(),
            sha512: self.sha512.finalize().to_vec(),
        }
    }
}

/// A configured blocking client.
pub(crate) struct Http {
    client: Client,
    progress: bool,
}

impl Http {
    /// Builds the client; `progress` asks for a byte counter on stderr (shown only on a terminal).
    ///
    /// Besides the built-in roots, certificates from `SSL_CERT_FILE` are trusted, so a corporate
    /// TLS-inspecting proxy whose CA is installed the usual way works without extra flags.
    pub fn new(progress: bool) -> Result<Http, SourceError> {
        let builder = || {
            Client::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .timeout(TOTAL_TIMEOUT)
                .user_agent(concat!("mcp-scan/", env!("CARGO_PKG_VERSION")))
        };
        let extra = extra_roots();
        let built = if extra.is_empty() {
            builder().build()
        } else {
            let with_extra = extra
                .into_iter()
                .fold(builder(), |b, c| b.add_root_certificate(c));
            // A bundle rustls cannot use must not make the registries unreachable.
            with_extra.build().or_else(|_| builder().build())
        };
        let client = built.map_err(|e| SourceError::Network {
            url: String::new(),
            message: one_line(&e.without_url()),
        })?;
        Ok(Http {
            client,
            progress: progress && std::io::stderr().is_terminal(),
        })
    }

    fn send(
        &self,
        url: &str,
        accept: Option<&str>,
        token: Option<&str>,
    ) -> Result<Response, HttpError> {
        check_scheme(url)?;
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(300 * (1 << (attempt - 1))));
            }
            let mut req = self.client.get(url);
            if let Some(a) = accept {
                req = req.header(ACCEPT, a);
            }
            if let Some(t) = token {
                if let Ok(mut v) = HeaderValue::from_str(&format!("Bearer {t}")) {
                    v.set_sensitive(true);
                    req = req.header(AUTHORIZATION, v);
                }
            }
            match req.send() {
                Ok(resp) => {
                    let status = resp.status();
                    if status.is_success() {
                        return Ok(resp);
                    }
                    if status.as_u16() == 404 || status.as_u16() == 410 {
                        return Err(HttpError::NotFound);
                    }
                    let err = SourceError::Http {
                        url: super::redact_url(url),
                        status: status.as_u16(),
                    };
                    if status.is_server_error() || status.as_u16() == 429 {
                        last = Some(err);
                        continue;
                    }
                    return Err(err.into());
                }
                Err(e) => {
                    let retry = e.is_connect() || e.is_timeout() || e.is_request();
                    let err = SourceError::Network {
                        url: super::redact_url(url),
                        message: one_line(&e.without_url()),
                    };
                    if retry {
                        last = Some(err);
                        continue;
                    }
                    return Err(err.into());
                }
            }
        }
        Err(last
            .unwrap_or_else(|| SourceError::Network {
                url: super::redact_url(url),
                message: "request failed".into(),
            })
            .into())
    }

    /// Fetches and parses a JSON document.
    pub fn get_json(&self, url: &str, accept: &str) -> Result<serde_json::Value, HttpError> {
        let resp = self.send(url, Some(accept), None)?;
        let mut body = Vec::new();
        resp.take(MAX_DOCUMENT_BYTES + 1)
            .read_to_end(&mut body)
            .map_err(|e| SourceError::Network {
                url: super::redact_url(url),
                message: e.to_string(),
            })?;
        if body.len() as u64 > MAX_DOCUMENT_BYTES {
            return Err(SourceError::Registry(format!(
                "{} answered with a document over {MAX_DOCUMENT_BYTES} bytes",
                super::redact_url(url)
            ))
            .into());
        }
        serde_json::from_slice(&body).map_err(|e| {
            SourceError::Registry(format!(
                "{} did not answer with valid JSON ({e})",
                super::redact_url(url)
            ))
            .into()
        })
    }

    /// Streams `url` into `dest`, at most `max_bytes`, hashing as it goes. Retries the whole
    /// transfer on connection errors and 5xx.
    pub fn download(
        &self,
        url: &str,
        dest: &Path,
        max_bytes: u64,
        token: Option<&str>,
    ) -> Result<Hashes, HttpError> {
        let mut last = None;
        for attempt in 0..ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(300 * (1 << (attempt - 1))));
            }
            let resp = self.send(url, None, token)?;
            match self.stream(url, resp, dest, max_bytes) {
                Ok(h) => return Ok(h),
                Err(StreamError::Retry(e)) => last = Some(e),
                Err(StreamError::Fatal(e)) => return Err(e.into()),
            }
        }
        Err(last
            .unwrap_or_else(|| SourceError::Network {
                url: super::redact_url(url),
                message: "download failed".into(),
            })
            .into())
    }

    fn stream(
        &self,
        url: &str,
        mut resp: Response,
        dest: &Path,
        max_bytes: u64,
    ) -> Result<Hashes, StreamError> {
        let mut out = File::create(dest).map_err(|e| {
            StreamError::Fatal(SourceError::io(
                format!("cannot create {}", dest.display()),
                e,
            ))
        })?;
        let mut hasher = Hasher::default();
        let mut buf = vec![0u8; 64 * 1024];
        let mut progress = Progress::new(self.progress, url);
        loop {
            let n = match resp.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    progress.finish();
                    return Err(StreamError::Retry(SourceError::Network {
                        url: super::redact_url(url),
                        message: e.to_string(),
                    }));
                }
            };
            hasher.update(&buf[..n]);
            if hasher.len > max_bytes {
                progress.finish();
                return Err(StreamError::Fatal(SourceError::Archive(format!(
                    "{} is larger than the {max_bytes}-byte limit; not downloaded",
                    super::redact_url(url)
                ))));
            }
            out.write_all(&buf[..n]).map_err(|e| {
                StreamError::Fatal(SourceError::io(
                    format!("cannot write {}", dest.display()),
                    e,
                ))
            })?;
            progress.tick(hasher.len);
        }
        progress.finish();
        out.flush().map_err(|e| {
            StreamError::Fatal(SourceError::io(
                format!("cannot write {}", dest.display()),
                e,
            ))
        })?;
        Ok(hasher.finish())
    }
}

enum StreamError {
    Retry(SourceError),
    Fatal(SourceError),
}

/// A byte counter on stderr, shown once a download has taken more than a moment.
pub(crate) struct Progress {
    enabled: bool,
    label: String,
    start: Instant,
    last: Option<Instant>,
    shown: bool,
}

impl Progress {
    /// A counter labelled with what is being fetched; inert when `enabled` is false.
    pub fn new(enabled: bool, label: &str) -> Progress {
        Progress {
            enabled,
            // Labels name packages and URLs a registry answered with: never raw control bytes.
            label: crate::report::sanitize(label),
            start: Instant::now(),
            last: None,
            shown: false,
        }
    }

    /// Reports `bytes` received so far (rate-limited to a few updates a second).
    pub fn tick(&mut self, bytes: u64) {
        if !self.enabled || self.start.elapsed() < Duration::from_millis(800) {
            return;
        }
        if self
            .last
            .is_some_and(|t| t.elapsed() < Duration::from_millis(200))
        {
            return;
        }
        self.last = Some(Instant::now());
        self.shown = true;
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r\x1b[2Kfetching {}: {}",
            self.label,
            human_bytes(bytes)
        );
        let _ = err.flush();
    }

    /// Ends the line if anything was shown.
    pub fn finish(&mut self) {
        if self.shown {
            let _ = writeln!(std::io::stderr());
            self.shown = false;
        }
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", n as f64 / (1024.0 * 1024.0))
    } else if n >= 1024 {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else {
        format!("{n} B")
    }
}

/// Root certificates named by `SSL_CERT_FILE` (a PEM bundle), if any can be read.
fn extra_roots() -> Vec<reqwest::Certificate> {
    let Some(path) = super::env_var("SSL_CERT_FILE") else {
        return Vec::new();
    };
    let Ok(file) = File::open(&path) else {
        return Vec::new();
    };
    let mut pem = Vec::new();
    if file.take(16 * 1024 * 1024).read_to_end(&mut pem).is_err() {
        return Vec::new();
    }
    reqwest::Certificate::from_pem_bundle(&pem).unwrap_or_default()
}

fn check_scheme(url: &str) -> Result<(), SourceError> {
    match url::Url::parse(url) {
        Ok(u) if u.scheme() == "https" || u.scheme() == "http" => Ok(()),
        Ok(u) => Err(SourceError::Registry(format!(
            "refusing to fetch `{}`: scheme `{}` is not http(s)",
            super::redact_url(url),
            u.scheme()
        ))),
        Err(e) => Err(SourceError::Registry(format!(
            "not a valid URL `{}`: {e}",
            super::redact_url(url)
        ))),
    }
}

/// An error and its causes on one line ("error sending request: connection refused").
pub(crate) fn one_line(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut src = e.source();
    while let Some(s) = src {
        let text = s.to_string();
        if !msg.contains(&text) {
            msg.push_str(": ");
            msg.push_str(&text);
        }
        src = s.source();
    }
    msg.replace(['\n', '\r'], " ")
}
