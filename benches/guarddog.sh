#!/usr/bin/env bash
# Compare mcp-scan with GuardDog (pip install guarddog) on mcp-scan's labelled corpus of sample
# MCP servers: time, and what each flags. README "## Performance" quotes its tables.
#
#   MCP_SCAN=target/release/mcp-scan [GUARDDOG=guarddog] [CORPUS=corpus] \
#   [OUT=dir] [GUARDDOG_ARGS="..."] [TIMEOUT=300] ./guarddog.sh [CORPUS]
#   ./guarddog.sh --report OUT/results.json     re-print the tables of an earlier run, no scanning
#
# For every sample listed in CORPUS/labels/*.toml (directory CORPUS/servers/<name>) it runs
#   $MCP_SCAN <dir> -f json --fail-on never
#   $GUARDDOG pypi|npm scan <dir> --output-format json $GUARDDOG_ARGS   (pypi for python samples)
# timing each run (wall clock, and CPU = user+sys of the child), and prints the summary table
# as Markdown on stdout. OUT (default: a new temp dir) receives the raw JSON reports, the
# per-sample table (per-sample.md), the summary (summary.md) and everything as results.json.
#
# "flagged" means: mcp-scan verdict high or critical (its `--fail-on high` gate);
# GuardDog, three readings, all printed:
#   (a) risk label `suspicious` or `high_risk` (score >= 5): GuardDog's own verdict, the fair
#       counterpart of mcp-scan's verdict, and the one the per-sample "!" marks use;
#   (b) any `threat-*` rule hit (its capability-* rules only say what APIs the code uses);
#   (c) any rule hit at all: what `--exit-non-zero-on-finding`, GuardDog's CI gate, fails on.
# Needs only bash and python3 (3.8+; uses tomllib when present, else a small TOML subset reader).
set -euo pipefail

if [ "${1:-}" = "--report" ]; then
  [ -f "${2:-}" ] || { echo "usage: $0 --report OUT/results.json" >&2; exit 2; }
  export REPORT=$2
else
CORPUS=${1:-${CORPUS:-$(cd "$(dirname "$0")/.." && pwd)/corpus}}
GUARDDOG=${GUARDDOG:-guarddog}
TIMEOUT=${TIMEOUT:-300}
GUARDDOG_ARGS=${GUARDDOG_ARGS:-}
if [ -z "${MCP_SCAN:-}" ]; then echo "set MCP_SCAN=/path/to/mcp-scan" >&2; exit 2; fi
if ! [ -x "$MCP_SCAN" ] && ! command -v "$MCP_SCAN" >/dev/null; then echo "MCP_SCAN=$MCP_SCAN is not executable" >&2; exit 2; fi
if ! command -v "$GUARDDOG" >/dev/null; then echo "guarddog not found (GUARDDOG=$GUARDDOG); pip install guarddog" >&2; exit 2; fi
if ! [ -d "$CORPUS/servers" ] || ! [ -d "$CORPUS/labels" ]; then echo "no corpus at $CORPUS (needs servers/ and labels/)" >&2; exit 2; fi
OUT=${OUT:-$(mktemp -d -t guarddog-cmp.XXXXXX)}
mkdir -p "$OUT/raw"
export CORPUS GUARDDOG TIMEOUT GUARDDOG_ARGS MCP_SCAN OUT
fi
exec python3 - <<'PY'
import glob, json, os, platform, re, resource, shlex, subprocess, sys, time

report = os.environ.get("REPORT")
if report:
    out = os.path.dirname(os.path.abspath(report))
else:
    corpus, out = os.environ["CORPUS"], os.environ["OUT"]
    mcp_scan, guarddog = os.environ["MCP_SCAN"], os.environ["GUARDDOG"]
    gd_args = shlex.split(os.environ.get("GUARDDOG_ARGS", ""))
    timeout = float(os.environ.get("TIMEOUT", "300"))

def log(*a):
    print(*a, file=sys.stderr, flush=True)

# ---- labels -------------------------------------------------------------------------------
def parse_toml_subset(text):
    """[[sample]] tables with string / bool / int / array-of-string values: all the labels use."""
    samples, cur = [], None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line == "[[sample]]":
            cur = {}
            samples.append(cur)
            continue
        m = re.match(r'([A-Za-z0-9_-]+)\s*=\s*(.*)$', line)
        if not m or cur is None:
            continue
        key, val = m.group(1), m.group(2).strip()
        if val.startswith("["):
            cur[key] = re.findall(r'"((?:[^"\\]|\\.)*)"', val)
        elif val.startswith('"'):
            cur[key] = json.loads(re.match(r'"(?:[^"\\]|\\.)*"', val).group(0))
        elif val in ("true", "false"):
            cur[key] = val == "true"
        else:
            try:
                cur[key] = int(val)
            except ValueError:
                cur[key] = val
    return {"sample": samples}

def load_toml(path):
    with open(path, "rb") as f:
        data = f.read()
    try:
        import tomllib
        return tomllib.loads(data.decode())
    except ImportError:
        return parse_toml_subset(data.decode())

RANK = {"clean": 0, "low": 1, "medium": 2, "high": 3, "critical": 4}

def scan_all():
    samples = []
    for lf in sorted(glob.glob(os.path.join(corpus, "labels", "*.toml"))):
        samples += load_toml(lf).get("sample", [])
    samples.sort(key=lambda s: s["name"])
    labelled = {s["name"] for s in samples}
    for d in sorted(os.listdir(os.path.join(corpus, "servers"))):
        if d not in labelled:
            log(f"warning: servers/{d} has no label; skipped")

    # ---- running ----------------------------------------------------------------------------
    def timed(cmd, out_path):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        try:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout,
                               stdin=subprocess.DEVNULL)
            rc, stdout, stderr = p.returncode, p.stdout, p.stderr
        except subprocess.TimeoutExpired as e:
            rc, stdout, stderr = "timeout", e.stdout or b"", e.stderr or b""
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        with open(out_path, "wb") as f:
            f.write(stdout)
        with open(out_path + ".err", "wb") as f:
            f.write(stderr)
        return rc, stdout, stderr, wall, cpu

    def version(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                  timeout=60).stdout.decode().strip().splitlines()[-1]
        except Exception as e:
            return f"unknown ({e})"

    meta = {
        "mcp_scan": mcp_scan, "mcp_scan_version": version([mcp_scan, "--version"]),
        "guarddog": guarddog, "guarddog_version": version([guarddog, "--version"]),
        "guarddog_args": gd_args, "corpus": corpus, "cpus": os.cpu_count(),
        "machine": platform.platform(), "loadavg_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }
    log(f"mcp-scan {meta['mcp_scan_version']} / guarddog {meta['guarddog_version']}; "
        f"{len(samples)} samples; raw reports in {out}/raw")

    rows = []
    for i, s in enumerate(samples, 1):
        name = s["name"]
        path = os.path.join(corpus, "servers", name)
        if not os.path.isdir(path):
            log(f"warning: no directory for labelled sample {name}; skipped")
            continue
        eco = "pypi" if s.get("language", "") == "python" or name.startswith("py-") else "npm"
        row = {"name": name, "class": s.get("class"), "evasive": bool(s.get("evasive")),
               "categories": s.get("categories", []), "ecosystem": eco}

        rc, so, se, wall, cpu = timed([mcp_scan, path, "-f", "json", "--fail-on", "never"],
                                      os.path.join(out, "raw", f"{name}.mcp-scan.json"))
        row.update(mcp_wall=wall, mcp_cpu=cpu, mcp_rc=rc)
        try:
            r = json.loads(so)
            row["mcp_verdict"], row["mcp_score"] = r["verdict"], r.get("score")
            row["mcp_rules"] = sorted({f["rule"] for f in r.get("findings", [])
                                       if RANK.get(f.get("severity"), 0) >= RANK["high"]})
        except Exception:
            row["mcp_verdict"], row["mcp_score"], row["mcp_rules"] = "error", None, []
            log(f"  mcp-scan failed on {name}: rc={rc} {se[:200]!r}")
        row["mcp_flag"] = RANK.get(row["mcp_verdict"], -1) >= RANK["high"]

        rc, so, se, wall, cpu = timed([guarddog, eco, "scan", path, "--output-format", "json"] + gd_args,
                                      os.path.join(out, "raw", f"{name}.guarddog.json"))
        row.update(gd_wall=wall, gd_cpu=cpu, gd_rc=rc)
        try:
            r = json.loads(so)
            hits = {}
            for rule, res in (r.get("results") or {}).items():
                if isinstance(res, list) and res:
                    hits[rule] = len(res)
                elif isinstance(res, dict) and res:
                    hits[rule] = len(res)
                elif isinstance(res, str) and res:
                    hits[rule] = 1
            row["gd_hits"] = hits
            row["gd_issues"] = r.get("issues", 0)
            rs = r.get("risk_score") or {}
            row["gd_score"], row["gd_label"] = rs.get("score"), rs.get("label", "n/a")
            row["gd_errors"] = r.get("errors") or {}
            if row["gd_errors"]:
                log(f"  guarddog rule errors on {name}: {row['gd_errors']}")
        except Exception:
            row.update(gd_hits={}, gd_issues=None, gd_score=None, gd_label="error", gd_errors={})
            log(f"  guarddog failed on {name}: rc={rc} {se[-300:]!r}")
        row["gd_flag_any"] = bool(row["gd_issues"])
        row["gd_flag_label"] = row["gd_label"] in ("suspicious", "high_risk")
        rows.append(row)
        log(f"[{i:2}/{len(samples)}] {name:32} {row['class']:9} mcp-scan {row['mcp_verdict']:8} "
            f"{row['mcp_wall']:6.2f}s | guarddog {sum(row['gd_hits'].values()):3} hits "
            f"{row['gd_label']:17} {row['gd_wall']:6.2f}s")

    meta["loadavg_end"] = os.getloadavg()
    meta["finished"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    return meta, rows

if report:
    with open(report) as f:
        data = json.load(f)
    meta, rows = data["meta"], data["rows"]
else:
    meta, rows = scan_all()

# ---- tables ---------------------------------------------------------------------------------
mal = [r for r in rows if r["class"] == "malicious"]
ben = [r for r in rows if r["class"] == "benign"]
eva = [r for r in rows if r["class"] == "malicious" and r["evasive"]]
n = len(rows) or 1

def mcp_flag(r):
    return RANK.get(r["mcp_verdict"], -1) >= RANK["high"]
def gd_label_flag(r):
    return r["gd_label"] in ("suspicious", "high_risk")
def gd_threat_flag(r):
    return any(k.startswith("threat-") for k in r["gd_hits"])
def gd_any_flag(r):
    return bool(r["gd_hits"])

def line(tool, flag, wall, cpu):
    tw, tc = sum(r[wall] for r in rows), sum(r[cpu] for r in rows)
    return (f"| {tool} | {tw:.1f} s | {tw / n:.2f} s | {tc:.1f} s | {tc / n:.2f} s | "
            f"{sum(map(flag, mal))}/{len(mal)} | {sum(map(flag, ben))}/{len(ben)} | "
            f"{sum(map(flag, eva))}/{len(eva)} |")

mv = meta["mcp_scan_version"].split()[-1]
gv = meta["guarddog_version"].split()[-1]
summary = "\n".join([
    "| tool: what counts as flagged | total wall | wall / sample | total CPU | CPU / sample | malicious caught | benign flagged | evasive caught |",
    "|---|---|---|---|---|---|---|---|",
    line(f"mcp-scan {mv}: verdict high or critical (`--fail-on high`)", mcp_flag, "mcp_wall", "mcp_cpu"),
    line(f"GuardDog {gv}: risk label suspicious or high_risk (score >= 5)", gd_label_flag, "gd_wall", "gd_cpu"),
    line(f"GuardDog {gv}: any `threat-*` rule hit", gd_threat_flag, "gd_wall", "gd_cpu"),
    line(f"GuardDog {gv}: any rule hit (`--exit-non-zero-on-finding`)", gd_any_flag, "gd_wall", "gd_cpu"),
]) + "\n"

def label(r):
    s = r["class"] + (" (evasive)" if r["evasive"] else "")
    return s + (": " + ", ".join(r["categories"]) if r["categories"] else "")

per = ["| sample | label | mcp-scan verdict (score) | GuardDog label (score) | GuardDog hits, `threat-*` rules first (rule: count) | time mcp-scan / GuardDog |",
       "|---|---|---|---|---|---|"]
for r in rows:
    hits = sorted(r["gd_hits"].items(), key=lambda kv: (not kv[0].startswith("threat-"), kv[0]))
    hits = ", ".join(f"{k}: {v}" for k, v in hits) or "none"
    wrong = lambda flag: " **!**" if flag(r) != (r["class"] == "malicious") else ""
    per.append(f"| {r['name']} | {label(r)} | {r['mcp_verdict']} ({r['mcp_score']}){wrong(mcp_flag)} | "
               f"{r['gd_label']} ({r['gd_score']}){wrong(gd_label_flag)} | {hits} | "
               f"{r['mcp_wall']:.1f} s / {r['gd_wall']:.1f} s |")
per_md = "\n".join(per) + ("\n\n**!** = wrong by that tool's verdict (a malicious sample not flagged, or a "
                          "benign one flagged); GuardDog judged by its risk label.\n")

with open(os.path.join(out, "summary.md"), "w") as f:
    f.write(summary)
with open(os.path.join(out, "per-sample.md"), "w") as f:
    f.write(per_md)
if not report:
    with open(os.path.join(out, "results.json"), "w") as f:
        json.dump({"meta": meta, "rows": rows}, f, indent=1)
log(f"per-sample table: {out}/per-sample.md; all data: {out}/results.json")
print(f"mcp-scan {mv} vs GuardDog {gv}, {len(rows)} samples ({len(mal)} malicious, {len(eva)} of them "
      f"evasive; {len(ben)} benign), {meta.get('cpus')} CPUs, load average {meta['loadavg_start'][0]:.1f} "
      f"at start, {meta['loadavg_end'][0]:.1f} at end\n")
print(summary, end="")
PY
