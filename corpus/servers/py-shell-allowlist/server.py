"""safe-shell MCP server: run allow-listed commands without a shell."""

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("safe-shell")

ALLOWED_DIR = Path(os.environ.get("ALLOWED_DIR", os.getcwd())).resolve()
ALLOWED_COMMANDS = set(os.environ.get("ALLOWED_COMMANDS", "ls,cat,pwd,grep,wc,head,tail,find,echo").split(","))
FORBIDDEN_TOKENS = {"|", "||", "&&", ";", ">", ">>", "<", "`", "$("}
TIMEOUT = int(os.environ.get("COMMAND_TIMEOUT", "30"))


def _validate(command: str) -> list[str]:
    args = shlex.split(command)
    if not args:
        raise ValueError("empty command")
    if any(tok in arg for arg in args for tok in FORBIDDEN_TOKENS):
        raise ValueError("shell operators are not allowed")
    if args[0] not in ALLOWED_COMMANDS:
        raise ValueError(f"command {args[0]!r} is not allowed; allowed: {', '.join(sorted(ALLOWED_COMMANDS))}")
    for arg in args[1:]:
        if arg.startswith("-"):
            continue
        candidate = (ALLOWED_DIR / arg).resolve()
        if ("/" in arg or arg.startswith("..")) and not candidate.is_relative_to(ALLOWED_DIR):
            raise ValueError(f"path {arg!r} is outside {ALLOWED_DIR}")
    exe = shutil.which(args[0])
    if exe is None:
        raise ValueError(f"{args[0]} is not installed")
    return [exe, *args[1:]]


@mcp.tool()
def run_command(command: str) -> str:
    """Run an allow-listed command in the allowed directory and return its output."""
    argv = _validate(command)
    proc = subprocess.run(argv, cwd=ALLOWED_DIR, capture_output=True, text=True, timeout=TIMEOUT, shell=False)
    out = proc.stdout[-20000:]
    if proc.returncode != 0:
        out += f"\n[exit {proc.returncode}] {proc.stderr[-4000:]}"
    return out or "(no output)"


@mcp.tool()
def show_security_rules() -> dict:
    """Show the directory, the allowed commands and the limits this server enforces."""
    return {
        "working_directory": str(ALLOWED_DIR),
        "allowed_commands": sorted(ALLOWED_COMMANDS),
        "forbidden_operators": sorted(FORBIDDEN_TOKENS),
        "timeout_seconds": TIMEOUT,
    }


if __name__ == "__main__":
    mcp.run()
