#!/usr/bin/env bash
# Runs one cargo-fuzz target for a bounded time: fuzz/run.sh TARGET SECONDS [libFuzzer args...]
#   TARGET   scan_source | load_signature
#   SECONDS  wall-clock budget of the fuzzing run (the build comes first and is not counted)
# Works on a stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz use the nightly-only flags).
# Seeds come from the repository (corpus/servers sources, signatures/*.toml) on first use; the
# growing corpus lives in fuzz/corpus/TARGET and crashes in fuzz/artifacts/TARGET (both ignored
# by git: copy a crash worth keeping into fuzz/regressions/TARGET/).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
target="${1:?usage: fuzz/run.sh TARGET SECONDS}"
seconds="${2:?usage: fuzz/run.sh TARGET SECONDS}"
shift 2
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz" >&2; exit 2; }
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$here/target}"

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
        { printf "$pick"; cat "$f"; } > "$corpus/seed-$i"
        i=$((i + 1))
      done < <(find "$repo/corpus/servers" -type f -print0 | sort -z)
      ;;
    load_signature)
      find "$repo/signatures" -name '*.toml' -exec cp -t "$corpus" {} +
      ;;
    *) echo "unknown target $target (scan_source | load_signature)" >&2; exit 2 ;;
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
