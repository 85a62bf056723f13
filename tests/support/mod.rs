//! Shared helpers for hermetic tests: a tiny loopback HTTP server and archive builders that can
//! write the hostile entries the `tar`/`zip` builders refuse to produce.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

/// One recorded request: method, path and lower-cased headers.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first header named `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

type Routes = HashMap<String, Vec<(u16, Vec<u8>)>>;

/// A loopback HTTP/1.1 server serving a map path → responses, recording every request.
/// A path given several responses answers them in order, then repeats the last.
pub struct TestServer {
    pub base: String,
    routes: Arc<Mutex<Routes>>,
    requests: Arc<Mutex<Vec<Request>>>,
}

impl TestServer {
    /// Starts the server on an ephemeral port; it lives until the test process ends.
    pub fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let routes: Arc<Mutex<Routes>> = Arc::default();
        let requests: Arc<Mutex<Vec<Request>>> = Arc::default();
        let (r, q) = (routes.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, q) = (r.clone(), q.clone());
                std::thread::spawn(move || {
                    let _ = serve(stream, &r, &q);
                });
            }
        });
        TestServer {
            base,
            routes,
            requests,
        }
    }

    /// Serves `body` with `status` at `path` (path includes any query, as sent).
    pub fn route(&self, path: &str, status: u16, body: impl Into<Vec<u8>>) {
        self.routes
            .lock()
            .unwrap()
            .insert(path.to_string(), vec![(status, body.into())]);
    }

    /// Serves the responses in order (the last one repeats).
    pub fn route_seq(&self, path: &str, seq: Vec<(u16, Vec<u8>)>) {
        self.routes.lock().unwrap().insert(path.to_string(), seq);
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().unwrap().clone()
    }

    /// How many requests asked for `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path == path).count()
    }

    /// `base` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

fn serve(
    stream: TcpStream,
    routes: &Mutex<Routes>,
    requests: &Mutex<Vec<Request>>,
) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h == "\r\n" || h == "\n" {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim().to_string();
            if k == "content-length" {
                content_length = v.parse().unwrap_or(0);
            }
            headers.push((k, v));
        }
    }
    let mut body = vec![0u8; content_length];
    reader.read_exact(&mut body)?;
    requests.lock().unwrap().push(Request {
        method,
        path: path.clone(),
        headers,
    });
    let (status, body) = {
        let mut routes = routes.lock().unwrap();
        match routes.get_mut(&path) {
            Some(seq) if seq.len() > 1 => seq.remove(0),
            Some(seq) => seq[0].clone(),
            None => (404, b"not found".to_vec()),
        }
    };
    let mut out = stream;
    write!(
        out,
        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    out.write_all(&body)?;
    out.flush()
}

/// One entry of a hand-built tar.
pub enum TarEntry<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    Hardlink(&'a str, &'a str),
    /// A pax global header with a `comment` (as `git archive` writes the commit id).
    GlobalComment(&'a str),
}

/// A tar with entry names written verbatim (no sanitising), so hostile names can be tested.
pub fn tar_bytes(entries: &[TarEntry<'_>]) -> Vec<u8> {
    let mut b = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_ustar();
        h.set_mode(0o644);
        h.set_mtime(0);
        let (name, data, kind, link): (&str, &[u8], tar::EntryType, Option<&str>) = match e {
            TarEntry::File(n, d) => (n, d, tar::EntryType::Regular, None),
            TarEntry::Dir(n) => (n, &[], tar::EntryType::Directory, None),
            TarEntry::Symlink(n, t) => (n, &[], tar::EntryType::Symlink, Some(t)),
            TarEntry::Hardlink(n, t) => (n, &[], tar::EntryType::Link, Some(t)),
            TarEntry::GlobalComment(c) => {
                let rec = pax_record("comment", c);
                let mut gh = tar::Header::new_ustar();
                set_name(&mut gh, "pax_global_header");
                gh.set_entry_type(tar::EntryType::XGlobalHeader);
                gh.set_size(rec.len() as u64);
                gh.set_cksum();
                b.append(&gh, rec.as_slice()).unwrap();
                continue;
            }
        };
        set_name(&mut h, name);
        h.set_entry_type(kind);
        if let Some(t) = link {
            let field = &mut h.as_old_mut().linkname;
            field.fill(0);
            field[..t.len()].copy_from_slice(t.as_bytes());
        }
        h.set_size(data.len() as u64);
        h.set_cksum();
        b.append(&h, data).unwrap();
    }
    b.into_inner().unwrap()
}

fn set_name(h: &mut tar::Header, name: &str) {
    let field = &mut h.as_old_mut().name;
    field.fill(0);
    field[..name.len()].copy_from_slice(name.as_bytes());
}

fn pax_record(key: &str, value: &str) -> Vec<u8> {
    let body = format!(" {key}={value}\n");
    let mut len = body.len() + 1;
    while format!("{len}{body}").len() != len {
        len += 1;
    }
    format!("{len}{body}").into_bytes()
}

/// gzip of `data`.
pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

/// A `.tar.gz` of the entries.
pub fn tgz(entries: &[TarEntry<'_>]) -> Vec<u8> {
    gzip(&tar_bytes(entries))
}

/// A zip with entry names written verbatim; `(name, Some(data))` is a file, `(name, None)` a directory.
pub fn zip_bytes(entries: &[(&str, Option<&[u8]>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default();
    for (name, data) in entries {
        match data {
            Some(d) => {
                w.start_file(*name, opts).unwrap();
                w.write_all(d).unwrap();
            }
            None => w.add_directory(*name, opts).unwrap(),
        }
    }
    w.finish().unwrap().into_inner()
}

/// sha512 SRI of bytes, as npm publishes it.
pub fn sri_sha512(data: &[u8]) -> String {
    use base64::Engine;
    use sha2::Digest;
    format!(
        "sha512-{}",
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha512::digest(data))
    )
}

/// Hex sha256 of bytes.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(data))
}

/// Hex sha1 of bytes.
pub fn sha1_hex(data: &[u8]) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(data))
}

/// Reads a file to a string, panicking with the path on failure.
pub fn read(path: impl AsRef<std::path::Path>) -> String {
    let p = path.as_ref();
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}
