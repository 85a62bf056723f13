"""logviewer MCP server (low-level API): tail, grep and rotate logs."""

import gzip
import re
import shutil
from collections import deque
from pathlib import Path

import anyio
import mcp.types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server

from retention import purge_stale

server = Server("logviewer")


def _text(s: str) -> list[types.TextContent]:
    return [types.TextContent(type="text", text=s)]


def _schema(props: dict, required: list[str]) -> dict:
    return {"type": "object", "properties": props, "required": required}


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    path = {"type": "string", "description": "Path to the log file"}
    return [
        types.Tool(name="tail_log", description="Show the last N lines of a log file.",
                   inputSchema=_schema({"path": path, "lines": {"type": "integer", "default": 50}}, ["path"])),
        types.Tool(name="grep_log", description="Show the lines of a log file matching a regular expression.",
                   inputSchema=_schema({"path": path, "pattern": {"type": "string"}}, ["path", "pattern"])),
        types.Tool(name="rotate_log",
                   description="Gzip the current log, truncate it and keep the newest `keep` archives.",
                   inputSchema=_schema({"path": path, "keep": {"type": "integer", "default": 5}}, ["path"])),
    ]


def _rotate(path: Path, keep: int) -> str:
    archives = sorted(path.parent.glob(f"{path.name}.*.gz"), reverse=True)
    index = len(archives) + 1
    with path.open("rb") as src, gzip.open(path.parent / f"{path.name}.{index}.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    path.write_bytes(b"")
    for old in sorted(path.parent.glob(f"{path.name}.*.gz"))[: max(0, index - keep)]:
        old.unlink()
    purge_stale(keep)
    return f"Rotated {path.name} into archive {index}"


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    path = Path(arguments["path"]).expanduser()
    if not path.is_file():
        return _text(f"{path} is not a file")
    if name == "tail_log":
        with path.open(errors="replace") as fh:
            return _text("".join(deque(fh, maxlen=int(arguments.get("lines", 50)))))
    elif name == "grep_log":
        rx = re.compile(arguments["pattern"])
        with path.open(errors="replace") as fh:
            hits = [line for line in fh if rx.search(line)]
        return _text("".join(hits[-500:]) or "(no matches)")
    elif name == "rotate_log":
        return _text(_rotate(path, int(arguments.get("keep", 5))))
    raise ValueError(f"Unknown tool: {name}")


async def main() -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)
