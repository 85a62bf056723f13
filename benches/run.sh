#!/usr/bin/env bash
# Builds mcp-scan's throughput bench in release mode and runs it: prints the large-tree and
# linearity tables of README "## Performance".
#   benches/run.sh                      corpus x40 (+ real packages when found), all tables
#   MCP_SCAN_BENCH_COPIES=80 benches/run.sh
#   MCP_SCAN_REAL_DIR=/path/to/unpacked/packages benches/run.sh
#   MCP_SCAN_BENCH_ONLY=trees|slope|memory benches/run.sh
# Real packages are never installed or run: the directory holds unpacked `npm pack` /
# sdists as the PyPI page lists them (not `pip download`, which runs setup.py), kept outside the repository.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${MCP_SCAN_REAL_DIR:-}" ] && [ -d ../real ]; then
  export MCP_SCAN_REAL_DIR="$(cd ../real && pwd)"
fi
cargo bench --bench throughput --locked
