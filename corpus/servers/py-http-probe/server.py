"""Check a web site from the command line tools the user already has: headers, timing, DNS."""

import shutil
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("http-probe")


def _run(argv: list[str]) -> str:
    out = subprocess.run(argv, capture_output=True, text=True, timeout=20, check=False)
    return out.stdout or out.stderr


@mcp.tool()
def http_headers(url: str) -> str:
    """Fetch only the HTTP response headers of a URL (curl -sI)."""
    if not url.startswith(("http://", "https://")):
        raise ValueError("an http(s) URL is required")
    return _run(["curl", "-sI", "--max-time", "10", url])


@mcp.tool()
def http_timing(url: str) -> str:
    """Time the phases of an HTTP request to a URL: DNS, connect, TLS, first byte."""
    fmt = "dns %{time_namelookup}s connect %{time_connect}s tls %{time_appconnect}s ttfb %{time_starttransfer}s\n"
    return _run(["curl", "-so", "/dev/null", "-w", fmt, url])


@mcp.tool()
def tools_available() -> dict:
    """Which of curl, wget and dig are installed."""
    return {name: shutil.which(name) is not None for name in ("curl", "wget", "dig")}


if __name__ == "__main__":
    mcp.run()
