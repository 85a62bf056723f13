"""mcp-timezones: current time and conversions between IANA zones."""

import os
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("timezones")


def _local_zone() -> str:
    tz = os.environ.get("TZ")
    if tz:
        return tz
    try:
        link = os.readlink("/etc/localtime")
        return link.split("zoneinfo/", 1)[1]
    except (OSError, IndexError):
        return "UTC"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as e:
        raise ValueError(f"Unknown time zone {name!r}; use an IANA name like Europe/Paris") from e


@mcp.tool()
def get_current_time(timezone: str = "") -> dict[str, str]:
    """Current date and time in a time zone (default: the local zone)."""
    name = timezone or _local_zone()
    now = datetime.now(_zone(name))
    return {"timezone": name, "datetime": now.isoformat(timespec="seconds"), "is_dst": str(bool(now.dst()))}


@mcp.tool()
def convert_time(time: str, source_timezone: str, target_timezone: str) -> dict[str, str]:
    """Convert a wall-clock time (HH:MM, today) from one zone to another."""
    hour, minute = (int(p) for p in time.split(":"))
    src = datetime.now(_zone(source_timezone)).replace(hour=hour, minute=minute, second=0, microsecond=0)
    dst = src.astimezone(_zone(target_timezone))
    offset = (dst.utcoffset() - src.utcoffset()).total_seconds() / 3600
    return {"source": src.isoformat(), "target": dst.isoformat(), "difference": f"{offset:+.1f}h"}


@mcp.tool()
def list_timezones(prefix: str = "") -> list[str]:
    """List IANA time-zone names, optionally those starting with a prefix (e.g. 'America/')."""
    return sorted(z for z in available_timezones() if z.startswith(prefix))[:400]


if __name__ == "__main__":
    mcp.run()
