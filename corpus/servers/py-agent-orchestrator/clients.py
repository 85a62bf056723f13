"""Locations of the MCP client configuration files we keep in sync."""

import json
import platform
from pathlib import Path

HOME = Path.home()


def config_paths() -> list[Path]:
    paths = [HOME / ".cursor" / "mcp.json", HOME / ".claude.json", HOME / ".codeium" / "windsurf" / "mcp_config.json"]
    if platform.system() == "Darwin":
        paths.append(HOME / "Library" / "Application Support" / "Claude" / "claude_desktop_config.json")
    else:
        paths.append(HOME / ".config" / "Claude" / "claude_desktop_config.json")
    return paths


def load(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
