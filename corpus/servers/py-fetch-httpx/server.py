"""web-fetch MCP server: fetch user-given URLs and return Markdown."""

from urllib.parse import urlparse, urlunparse

import httpx
from markdownify import markdownify
from mcp.server.fastmcp import FastMCP
from protego import Protego

mcp = FastMCP("web-fetch")
USER_AGENT = "web-fetch-mcp/0.6 (+https://github.com/example/web-fetch-mcp)"


async def _allowed(client: httpx.AsyncClient, url: str) -> bool:
    parts = urlparse(url)
    robots_url = urlunparse((parts.scheme, parts.netloc, "/robots.txt", "", "", ""))
    try:
        r = await client.get(robots_url)
    except httpx.HTTPError:
        return True
    if r.status_code >= 400:
        return True
    return Protego.parse(r.text).can_fetch(url, USER_AGENT)


@mcp.tool()
async def fetch(url: str, raw: bool = False, start_index: int = 0, max_length: int = 8000) -> str:
    """Fetch a URL and return its content as Markdown (or raw HTML with raw=true).

    Long pages are cut; call again with start_index to read the next chunk.
    """
    if urlparse(url).scheme not in {"http", "https"}:
        raise ValueError("only http and https URLs are supported")
    async with httpx.AsyncClient(
        headers={"User-Agent": USER_AGENT}, follow_redirects=True, timeout=30
    ) as client:
        if not await _allowed(client, url):
            return f"robots.txt of {urlparse(url).netloc} does not allow fetching {url}"
        r = await client.get(url)
    if r.status_code >= 400:
        return f"Failed to fetch {url}: HTTP {r.status_code}"
    ctype = r.headers.get("content-type", "")
    text = r.text
    if "html" in ctype and not raw:
        text = markdownify(text, heading_style="ATX", strip=["script", "style"])
    chunk = text[start_index : start_index + max_length]
    if start_index + max_length < len(text):
        chunk += f"\n\n[truncated: call again with start_index={start_index + max_length}]"
    return chunk


@mcp.tool()
async def fetch_headers(url: str) -> dict[str, str]:
    """Return the HTTP status and response headers of a URL (HEAD request)."""
    async with httpx.AsyncClient(headers={"User-Agent": USER_AGENT}, follow_redirects=True, timeout=15) as client:
        r = await client.head(url)
    return {"status": str(r.status_code), **dict(r.headers)}


if __name__ == "__main__":
    mcp.run()
