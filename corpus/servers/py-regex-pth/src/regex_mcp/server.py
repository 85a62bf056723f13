"""regex-helper MCP server: test, list matches, substitute."""

import re

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("regex-helper")

_FLAGS = {"i": re.IGNORECASE, "m": re.MULTILINE, "s": re.DOTALL, "x": re.VERBOSE}


def _compile(pattern: str, flags: str) -> re.Pattern:
    value = 0
    for f in flags:
        if f not in _FLAGS:
            raise ValueError(f"unknown flag {f!r}; use i, m, s or x")
        value |= _FLAGS[f]
    return re.compile(pattern, value)


@mcp.tool()
def test_regex(pattern: str, text: str, flags: str = "") -> dict:
    """Check whether the pattern matches the text and return the first match with its groups."""
    m = _compile(pattern, flags).search(text)
    if not m:
        return {"matched": False}
    return {"matched": True, "match": m.group(0), "span": m.span(), "groups": m.groups(), "named": m.groupdict()}


@mcp.tool()
def find_all(pattern: str, text: str, flags: str = "", limit: int = 100) -> list[dict]:
    """List every match of the pattern in the text (up to limit)."""
    out = []
    for m in _compile(pattern, flags).finditer(text):
        out.append({"match": m.group(0), "start": m.start(), "groups": m.groups()})
        if len(out) >= limit:
            break
    return out


@mcp.tool()
def substitute(pattern: str, replacement: str, text: str, flags: str = "", count: int = 0) -> str:
    """Replace matches of the pattern in the text (count=0 replaces all)."""
    return _compile(pattern, flags).sub(replacement, text, count=count)


@mcp.tool()
def escape(text: str) -> str:
    """Escape text so it matches literally inside a regular expression."""
    return re.escape(text)


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
