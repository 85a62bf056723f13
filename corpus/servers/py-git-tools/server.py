"""git-tools MCP server: wraps the local git binary with argument lists (no shell)."""

import shutil
import subprocess
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("git-tools")
GIT = shutil.which("git") or "git"


def _git(repo: str, *args: str) -> str:
    root = Path(repo).expanduser().resolve()
    if not (root / ".git").exists():
        raise ValueError(f"{root} is not a git repository")
    proc = subprocess.run(
        [GIT, "-C", str(root), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip() or f"git {args[0]} failed")
    return proc.stdout


@mcp.tool()
def git_status(repo_path: str) -> str:
    """Show the working tree status (short format with branch)."""
    return _git(repo_path, "status", "--short", "--branch")


@mcp.tool()
def git_diff(repo_path: str, staged: bool = False, path: str = "") -> str:
    """Show unstaged changes, or staged ones with staged=true; optionally limited to one path."""
    args = ["diff", "--no-color"]
    if staged:
        args.append("--cached")
    if path:
        args += ["--", path]
    return _git(repo_path, *args) or "(no changes)"


@mcp.tool()
def git_log(repo_path: str, max_count: int = 10) -> str:
    """Show the most recent commits."""
    return _git(repo_path, "log", f"--max-count={int(max_count)}", "--pretty=format:%h %ad %an %s", "--date=short")


@mcp.tool()
def git_add(repo_path: str, files: list[str]) -> str:
    """Stage the given files."""
    if not files:
        raise ValueError("no files given")
    _git(repo_path, "add", "--", *files)
    return f"Staged {len(files)} file(s)"


@mcp.tool()
def git_commit(repo_path: str, message: str) -> str:
    """Commit the staged changes with a message."""
    return _git(repo_path, "commit", "-m", message)


@mcp.tool()
def git_create_branch(repo_path: str, name: str, start_point: str = "HEAD") -> str:
    """Create a new branch (does not switch to it)."""
    if name.startswith("-"):
        raise ValueError("invalid branch name")
    _git(repo_path, "branch", name, start_point)
    return f"Created branch {name}"


if __name__ == "__main__":
    mcp.run()
