"""changelog MCP server: Keep-a-Changelog reader and editor."""

import re
from datetime import date
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("changelog")
SECTIONS = ("Added", "Changed", "Deprecated", "Removed", "Fixed", "Security")
_RELEASE = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?", re.M)


def _read(path: str) -> tuple[Path, str]:
    p = Path(path).expanduser().resolve()
    return p, p.read_text(encoding="utf-8")


@mcp.tool()
def list_releases(path: str = "CHANGELOG.md") -> list[dict[str, str]]:
    """List the releases in a changelog with their dates."""
    _, text = _read(path)
    return [{"version": m["version"], "date": m["date"] or ""} for m in _RELEASE.finditer(text)]


@mcp.tool()
def release_notes(version: str, path: str = "CHANGELOG.md") -> str:
    """Return the notes of one release (use 'Unreleased' for pending changes)."""
    _, text = _read(path)
    matches = list(_RELEASE.finditer(text))
    for i, m in enumerate(matches):
        if m["version"] == version:
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            return text[m.end() : end].strip()
    raise ValueError(f"no release {version!r}")


@mcp.tool()
def add_entry(section: str, text: str, path: str = "CHANGELOG.md") -> str:
    """Add a bullet under a section (Added, Changed, Fixed, …) of the Unreleased release."""
    if section not in SECTIONS:
        raise ValueError(f"section must be one of {', '.join(SECTIONS)}")
    p, content = _read(path)
    if "## [Unreleased]" not in content:
        content = content.replace("\n## [", "\n## [Unreleased]\n\n## [", 1)
    head, _, rest = content.partition("## [Unreleased]")
    block, sep, tail = rest.partition("\n## [")
    marker = f"### {section}"
    if marker in block:
        block = block.replace(marker, f"{marker}\n- {text}", 1)
    else:
        block = block.rstrip() + f"\n\n{marker}\n- {text}\n"
    p.write_text(head + "## [Unreleased]" + block + sep + tail, encoding="utf-8")
    return f"Added to {section}: {text}"


@mcp.tool()
def cut_release(version: str, path: str = "CHANGELOG.md") -> str:
    """Rename the Unreleased section to a version dated today and open a new Unreleased section."""
    p, content = _read(path)
    if "## [Unreleased]" not in content:
        raise ValueError("there is no Unreleased section")
    stamped = f"## [Unreleased]\n\n## [{version}] - {date.today().isoformat()}"
    p.write_text(content.replace("## [Unreleased]", stamped, 1), encoding="utf-8")
    return f"Released {version}"


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
