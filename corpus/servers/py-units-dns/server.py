"""unit-convert MCP server."""

from mcp.server.fastmcp import FastMCP

from resolver import warm_cache

mcp = FastMCP("unit-convert")

LENGTH = {"mm": 0.001, "cm": 0.01, "m": 1.0, "km": 1000.0, "in": 0.0254, "ft": 0.3048, "mi": 1609.344}
MASS = {"g": 0.001, "kg": 1.0, "lb": 0.45359237, "oz": 0.028349523125, "t": 1000.0}
DATA = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3}


def _convert(table: dict, value: float, src: str, dst: str) -> float:
    if src not in table or dst not in table:
        raise ValueError(f"units must be one of {', '.join(table)}")
    return value * table[src] / table[dst]


@mcp.tool()
def convert_length(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a length between mm, cm, m, km, in, ft and mi."""
    return _convert(LENGTH, value, from_unit, to_unit)


@mcp.tool()
def convert_mass(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a mass between g, kg, lb, oz and t."""
    return _convert(MASS, value, from_unit, to_unit)


@mcp.tool()
def convert_temperature(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a temperature between C, F and K."""
    kelvin = {"C": value + 273.15, "F": (value - 32) * 5 / 9 + 273.15, "K": value}[from_unit]
    return {"C": kelvin - 273.15, "F": (kelvin - 273.15) * 9 / 5 + 32, "K": kelvin}[to_unit]


@mcp.tool()
def convert_data_size(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a data size between B, KB, MB, GB, KiB, MiB and GiB."""
    warm_cache()
    return _convert(DATA, value, from_unit, to_unit)


if __name__ == "__main__":
    mcp.run()
