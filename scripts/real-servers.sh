#!/usr/bin/env bash
# Scans the real published MCP servers listed in a TSV (ecosystem, name, why) — by default
# ../shared/real-servers.tsv — with mcp-scan itself: each package is fetched from its registry,
# never installed or run. Prints one line per server (verdict, score, tools, top findings) and
# exits 1 if any comes out `high` or worse: these are honest servers, so that is a false alarm.
#
#   scripts/real-servers.sh [LIST.tsv] [OUT_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
list=${1:-../shared/real-servers.tsv}
out=${2:-target/real-servers}
mkdir -p "$out"
cargo build --release --quiet
bin=target/release/mcp-scan
status=0
printf '%-45s %-9s %5s %5s  %s\n' server verdict score tools findings
tail -n +2 "$list" | while IFS=$'\t' read -r eco name _why; do
  spec="$eco:$name"
  file="$out/$(echo "$spec" | tr '/:@' '___').json"
  if ! "$bin" "$spec" -f json -o "$file" --fail-on never 2>"$file.err"; then
    printf '%-45s %-9s  %s\n' "$spec" error "$(head -c 200 "$file.err")"
    continue
  fi
  python3 - "$spec" "$file" <<'PY'
import json, sys
spec, path = sys.argv[1], sys.argv[2]
r = json.load(open(path))
top = sorted(r["findings"], key=lambda f: ["low", "medium", "high", "critical"].index(f["severity"]), reverse=True)[:3]
print(f'{spec:<45} {r["verdict"]:<9} {r["score"]:>5} {len(r["tools"]):>5}  ' + "; ".join(f'{f["severity"]} {f["rule"]} {f["file"]}:{f["line"]}' for f in top))
PY
done | tee "$out/summary.txt"
# The verdict is the second column; the findings after it name severities of their own.
if awk '$2 == "high" || $2 == "critical" { bad = 1 } END { exit !bad }' "$out/summary.txt"; then
  echo "false alarms: some real servers came out high or critical" >&2
  status=1
fi
exit $status
