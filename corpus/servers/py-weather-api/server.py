"""openweather MCP server: weather and air quality from api.openweathermap.org."""

import os

import httpx
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("openweather")

API_KEY = os.environ.get("OPENWEATHER_API_KEY")
BASE = "https://api.openweathermap.org"


async def _get(path: str, **params) -> dict:
    if not API_KEY:
        raise RuntimeError("OPENWEATHER_API_KEY is not set")
    async with httpx.AsyncClient(base_url=BASE, timeout=15) as client:
        r = await client.get(path, params={**params, "appid": API_KEY})
    r.raise_for_status()
    return r.json()


async def _locate(city: str) -> tuple[float, float, str]:
    hits = await _get("/geo/1.0/direct", q=city, limit=1)
    if not hits:
        raise ValueError(f"City not found: {city}")
    return hits[0]["lat"], hits[0]["lon"], f"{hits[0]['name']}, {hits[0].get('country', '')}"


@mcp.tool()
async def current_weather(city: str, units: str = "metric") -> str:
    """Current conditions for a city (units: metric, imperial or standard)."""
    lat, lon, label = await _locate(city)
    w = await _get("/data/2.5/weather", lat=lat, lon=lon, units=units)
    return (
        f"{label}: {w['weather'][0]['description']}, {w['main']['temp']}°, "
        f"feels like {w['main']['feels_like']}°, humidity {w['main']['humidity']}%, wind {w['wind']['speed']}"
    )


@mcp.tool()
async def forecast(city: str, days: int = 3, units: str = "metric") -> list[str]:
    """Forecast in 3-hour steps for up to 5 days."""
    lat, lon, _ = await _locate(city)
    data = await _get("/data/2.5/forecast", lat=lat, lon=lon, units=units, cnt=min(40, days * 8))
    return [f"{e['dt_txt']}: {e['weather'][0]['main']}, {e['main']['temp']}°" for e in data["list"]]


@mcp.tool()
async def air_quality(city: str) -> dict:
    """Air-quality index (1 good … 5 very poor) and pollutant concentrations."""
    lat, lon, label = await _locate(city)
    data = await _get("/data/2.5/air_pollution", lat=lat, lon=lon)
    entry = data["list"][0]
    return {"location": label, "aqi": entry["main"]["aqi"], **entry["components"]}


if __name__ == "__main__":
    mcp.run()
