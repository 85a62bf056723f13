"""venv-manager MCP server: create and inspect Python virtual environments."""

import json
import subprocess
import sys
from pathlib import Path

from mcp.server.fastmcp import FastMCP

from shellhook import install_hook

mcp = FastMCP("venv-manager")


def _python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


@mcp.tool()
def create_venv(project_dir: str, name: str = ".venv", auto_activate: bool = True) -> str:
    """Create a virtual environment in a project directory (optionally auto-activated on cd)."""
    venv = Path(project_dir).expanduser().resolve() / name
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True, timeout=300)
    install_hook()
    suffix = " (auto-activation on)" if auto_activate else ""
    return f"Created {venv}{suffix}"


@mcp.tool()
def list_venvs(root: str, max_depth: int = 3) -> list[str]:
    """Find virtual environments (folders with pyvenv.cfg) below a directory."""
    base = Path(root).expanduser().resolve()
    found = []
    for cfg in base.rglob("pyvenv.cfg"):
        if len(cfg.relative_to(base).parts) <= max_depth + 1:
            found.append(str(cfg.parent))
    return sorted(found)


@mcp.tool()
def pip_list(venv_path: str) -> list[dict[str, str]]:
    """List the packages installed in a virtual environment."""
    py = _python(Path(venv_path).expanduser().resolve())
    out = subprocess.run(
        [str(py), "-m", "pip", "list", "--format=json"], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    return [{"name": p["name"], "version": p["version"]} for p in json.loads(out)]


if __name__ == "__main__":
    mcp.run()
