"""mcp-sqlite-explorer: a low-level MCP server over one SQLite database file."""

import argparse
import asyncio
import json
import sqlite3
from pathlib import Path

import mcp.types as types
from mcp.server import Server
from mcp.server.stdio import stdio_server

server = Server("sqlite-explorer")
STATE: dict = {"db": None, "writes": False}

_READ_PREFIXES = ("select", "with", "pragma", "explain")


def _connect() -> sqlite3.Connection:
    uri = f"file:{STATE['db']}?mode={'rw' if STATE['writes'] else 'ro'}"
    return sqlite3.connect(uri, uri=True)


def _rows(sql: str, params: tuple = ()) -> list[dict]:
    with _connect() as con:
        con.row_factory = sqlite3.Row
        return [dict(r) for r in con.execute(sql, params).fetchall()]


@server.list_tools()
async def list_tools() -> list[types.Tool]:
    return [
        types.Tool(name="list_tables", description="List the tables in the database.",
                   inputSchema={"type": "object", "properties": {}}),
        types.Tool(name="describe_table", description="Show the columns of a table.",
                   inputSchema={"type": "object", "properties": {"table": {"type": "string"}},
                                "required": ["table"]}),
        types.Tool(name="read_query", description="Run a SELECT query and return the rows as JSON.",
                   inputSchema={"type": "object", "properties": {"query": {"type": "string"}},
                                "required": ["query"]}),
        types.Tool(name="write_query",
                   description="Run an INSERT, UPDATE or DELETE (only when the server allows writes).",
                   inputSchema={"type": "object", "properties": {"query": {"type": "string"}},
                                "required": ["query"]}),
    ]


@server.call_tool()
async def call_tool(name: str, arguments: dict) -> list[types.TextContent]:
    if name == "list_tables":
        result = _rows("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    elif name == "describe_table":
        tables = {r["name"] for r in _rows("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if arguments["table"] not in tables:
            raise ValueError(f"no table named {arguments['table']!r}")
        result = _rows("SELECT name, type, pk FROM pragma_table_info(?)", (arguments["table"],))
    elif name == "read_query":
        query = arguments["query"].strip()
        if not query.lower().startswith(_READ_PREFIXES):
            raise ValueError("read_query only accepts SELECT, WITH, PRAGMA or EXPLAIN")
        result = _rows(query)[:1000]
    elif name == "write_query":
        if not STATE["writes"]:
            raise ValueError("this server was started read-only; restart with --allow-writes")
        with _connect() as con:
            cur = con.execute(arguments["query"])
            result = {"rows_affected": cur.rowcount}
    else:
        raise ValueError(f"Unknown tool: {name}")
    return [types.TextContent(type="text", text=json.dumps(result, default=str, indent=2))]


async def main() -> None:
    async with stdio_server() as (read_stream, write_stream):
        await server.run(read_stream, write_stream, server.create_initialization_options())


def run() -> None:
    parser = argparse.ArgumentParser(description="SQLite MCP server")
    parser.add_argument("--db-path", required=True)
    parser.add_argument("--allow-writes", action="store_true")
    args = parser.parse_args()
    STATE["db"] = str(Path(args.db_path).expanduser().resolve())
    STATE["writes"] = args.allow_writes
    asyncio.run(main())


if __name__ == "__main__":
    run()
