#!/usr/bin/env bash
# Runs one cargo-fuzz target for a bounded time: fuzz/run.sh TARGET SECONDS [libFuzzer args...]
#   TARGET   scan_source | load_signature | target_spec | archive | config_parse
#   SECONDS  wall-clock budget of the fuzzing run (the build comes first and is not counted)
# Works on a stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the nightly-only flags).
# Seeds come from the repository on first use (corpus/servers sources, signatures/*.toml, the
# accepted target forms, archives of corpus servers plus hand-built hostile entry lists, the config
# files of tests/data/config); the growing corpus lives in fuzz/corpus/TARGET and crashes in
# fuzz/artifacts/TARGET (both ignored by git: copy a crash worth keeping into
# fuzz/regressions/TARGET/, which is replayed before every run).
# Example: fuzz/run.sh archive 600 -jobs=1 -workers=1
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
targets="scan_source | load_signature | target_spec | archive | config_parse"
target="${1:?usage: fuzz/run.sh TARGET SECONDS ($targets)}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS}"
shift 2
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"

# Writes one seed: the pick byte (as a printf escape) followed by the file's bytes.
seed() { { printf "$1"; cat "$2"; } > "$3"; }

corpus="$here/corpus/$target"
mkdir -p "$corpus" "$here/artifacts/$target"
if [ -z "$(ls -A "$corpus")" ]; then
  case "$target" in
    scan_source)
      # The first byte picks the file name (see NAMES in fuzz_targets/scan_source.rs).
      i=0
      while IFS= read -r -d '' f; do
        case "$f" in
          *.py) pick='\x00' ;; *.js|*.cjs) pick='\x01' ;; *.ts) pick='\x02' ;; *.tsx) pick='\x03' ;;
          *.mjs) pick='\x05' ;; */package.json) pick='\x06' ;; */pyproject.toml) pick='\x07' ;;
          */setup.cfg) pick='\x08' ;; *) continue ;;
        esac
        seed "$pick" "$f" "$corpus/seed-$i"
        i=$((i + 1))
      done < <(find "$repo/corpus/servers" -type f -print0 | sort -z)
      ;;
    load_signature)
      find "$repo/signatures" -name '*.toml' -exec cp -t "$corpus" {} +
      ;;
    target_spec)
      # Pick byte 0 = no prefix added (see PREFIXES in fuzz_targets/target_spec.rs).
      i=0
      for s in . ./srv server.py srv.tgz ./x.whl file:///tmp/a.tar.gz \
        npm:@modelcontextprotocol/server-filesystem@1.0.2 npm:left-pad@^1.3 npm:x@latest \
        'pypi:mcp-server-fetch==0.6.2' pypi:requests github:acme/srv@v1.2 \
        https://github.com/acme/srv https://github.com/acme/srv/tree/main/packages/x \
        https://example.com/dl/srv-1.0.tar.gz git@github.com:acme/srv.git ssh://git@host/x.git \
        git+https://host/x.git 'C:\srv' 'github:a/b@-x' 'https://github.com/a/b/tree/r/../..'; do
        printf '\x00%s' "$s" > "$corpus/seed-$i"
        i=$((i + 1))
      done
      ;;
    archive)
      # Raw mode (pick 0x00 tgz, 0x01 tar, 0x02 zip, 0x03 whl): real archives of corpus servers.
      # Built mode (pick 0x80 | format): entry lists, see entries() in fuzz_targets/archive.rs.
      python3 - "$repo/corpus/servers" "$corpus" <<'PY'
import io, os, sys, tarfile, zipfile
src, out = sys.argv[1], sys.argv[2]
servers = sorted(os.listdir(src))[:6]
def tar_of(d, mode):
    b = io.BytesIO()
    with tarfile.open(fileobj=b, mode=mode) as t:
        t.add(os.path.join(src, d), arcname="package")
    return b.getvalue()
def zip_of(d):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        for root, _, files in os.walk(os.path.join(src, d)):
            for f in files:
                p = os.path.join(root, f)
                z.write(p, os.path.relpath(p, src))
    return b.getvalue()
n = 0
def put(pick, data):
    global n
    with open(os.path.join(out, f"seed-{n}"), "wb") as f:
        f.write(bytes([pick]) + data)
    n += 1
for d in servers:
    put(0x00, tar_of(d, "w:gz")); put(0x01, tar_of(d, "w")); put(0x02, zip_of(d)); put(0x03, zip_of(d))
def entry(kind, name, target=b"", data=b""):
    return bytes([kind, len(name)]) + name + bytes([len(target)]) + target + len(data).to_bytes(2, "little") + data
hostile = [
    entry(0, b"pkg/ok.py", data=b"import os\n"),
    entry(0, b"../evil.py", data=b"x"), entry(0, b"pkg/../../up.py", data=b"x"),
    entry(0x80, b"abs.py", data=b"x"), entry(2, b"pkg/link", b"../../etc/passwd"),
    entry(2 | 0x40, b"pkg/alink", b"x"), entry(3, b"pkg/hard", b"../outside"),
    entry(0, b"pkg/link", data=b"through"), entry(4, b"pkg/fifo"), entry(5, b"pkg/lie.js", data=b"1234"),
    entry(1, b"pkg/dir/"), entry(0, b"pkg/dir", data=b"file over dir"),
    entry(0, b"C:\\evil.py", data=b"x"), entry(0, b"pkg/.git/config", data=b"x"),
    entry(0, (b"d/" * 120) + b"deep.py", data=b"x"), entry(0, b"pkg/\x1b[2J.py", data=b"x"),
]
blob = b"".join(hostile)
for fmt in range(4):
    put(0x80 | fmt, blob)
    put(0x80 | fmt, entry(0, b"pkg/zeros.bin", data=bytes(60000)) * 20)
PY
      ;;
    config_parse)
      # The first byte picks client and shape (see FORMATS in fuzz_targets/config_parse.rs).
      i=0
      while IFS= read -r -d '' f; do
        case "$f" in
          */claude_desktop_config.json) pick='\x00' ;; */.claude.json) pick='\x01' ;;
          */.mcp.json) pick='\x02' ;; */.cursor/*) pick='\x03' ;; */vscode/*mcp*.json) pick='\x04' ;;
          */.gemini/*) pick='\x06' ;; */settings.json) pick='\x05' ;; *) pick='\x07' ;;
        esac
        seed "$pick" "$f" "$corpus/seed-$i"
        i=$((i + 1))
      done < <(find "$repo/tests/data/config" -type f -print0 | sort -z)
      ;;
    *) echo "unknown target $target ($targets)" >&2; exit 2 ;;
  esac
fi

# Regressions are replayed first: a fixed crash must stay fixed.
if [ -d "$here/regressions/$target" ] && [ -n "$(ls -A "$here/regressions/$target")" ]; then
  cd "$here" && cargo fuzz run --sanitizer none "$target" "$here/regressions/$target"/* -- -runs=0
fi

cd "$here"
cargo fuzz run --sanitizer none "$target" "$corpus" -- \
  -max_total_time="$seconds" -max_len=65536 -timeout=20 -rss_limit_mb=4096 \
  -artifact_prefix="$here/artifacts/$target/" -print_final_stats=1 "$@"
