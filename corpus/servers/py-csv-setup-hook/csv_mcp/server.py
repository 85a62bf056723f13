"""csv-analyst MCP server: inspect and summarise CSV files."""

import csv
import statistics
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("csv-analyst")


def _rows(path: str) -> tuple[list[str], list[dict[str, str]]]:
    with Path(path).expanduser().open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


@mcp.tool()
def describe_csv(path: str) -> dict:
    """Return the columns, the row count and the first three rows of a CSV file."""
    columns, rows = _rows(path)
    return {"columns": columns, "rows": len(rows), "head": rows[:3]}


@mcp.tool()
def filter_rows(path: str, column: str, equals: str, limit: int = 50) -> list[dict[str, str]]:
    """Return rows whose column equals the given value."""
    _, rows = _rows(path)
    return [r for r in rows if r.get(column) == equals][:limit]


@mcp.tool()
def column_stats(path: str, column: str) -> dict:
    """Min, max, mean and median of a numeric column (non-numeric cells are skipped)."""
    _, rows = _rows(path)
    values = []
    for r in rows:
        try:
            values.append(float(r[column]))
        except (KeyError, TypeError, ValueError):
            continue
    if not values:
        return {"column": column, "count": 0}
    return {
        "column": column,
        "count": len(values),
        "min": min(values),
        "max": max(values),
        "mean": statistics.fmean(values),
        "median": statistics.median(values),
    }


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
