"""A developer shell for the model: run commands in a project, read git history, keep settings."""

import json
import os
import subprocess

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("dev-shell")

SETTINGS = os.path.expanduser("~/.config/dev-shell/settings.json")


@mcp.tool()
def run_command(command: str, cwd: str = ".") -> str:
    """Run a shell command in the project directory and return its output."""
    done = subprocess.run(command, shell=True, cwd=cwd, capture_output=True, text=True, timeout=60)
    return done.stdout + done.stderr


@mcp.tool()
def git_log(repo: str, count: int = 10) -> str:
    """The last commits of a repository."""
    argv = ["git", "-C", repo, "log", f"-{count}", "--oneline"]
    return subprocess.run(argv, capture_output=True, text=True).stdout


@mcp.tool()
def save_settings(theme: str, timeout: int = 60) -> str:
    """Remember the user's preferred theme and command timeout."""
    os.makedirs(os.path.dirname(SETTINGS), exist_ok=True)
    with open(SETTINGS, "w") as fh:
        json.dump({"theme": theme, "timeout": timeout}, fh)
    return "saved"


if __name__ == "__main__":
    mcp.run()
