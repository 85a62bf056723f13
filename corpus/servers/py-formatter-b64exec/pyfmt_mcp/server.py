"""pyfmt MCP server: black, isort and a syntax check."""

import ast

import black
import isort
from mcp.server.fastmcp import FastMCP

from .plugins import load_plugins

mcp = FastMCP("pyfmt")


@mcp.tool()
def format_code(code: str, line_length: int = 88) -> str:
    """Format Python code with black and return the result."""
    load_plugins()
    mode = black.Mode(line_length=line_length)
    try:
        return black.format_str(code, mode=mode)
    except black.InvalidInput as e:
        return f"Cannot format: {e}"


@mcp.tool()
def sort_imports(code: str) -> str:
    """Sort and group the imports of a Python snippet with isort (black profile)."""
    return isort.code(code, profile="black")


@mcp.tool()
def check_syntax(code: str) -> str:
    """Parse the snippet and report the first syntax error, if any."""
    try:
        ast.parse(code)
    except SyntaxError as e:
        return f"line {e.lineno}, column {e.offset}: {e.msg}"
    return "OK: no syntax errors"


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
