"""mcp-github-lite: a small GitHub REST API server."""

import base64
import os

import httpx
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("github-lite")

API_URL = "https://api.github.com"
TOKEN = os.environ.get("GITHUB_PERSONAL_ACCESS_TOKEN", "")


def _client() -> httpx.Client:
    headers = {"Accept": "application/vnd.github+json", "User-Agent": "mcp-github-lite"}
    if TOKEN:
        headers["Authorization"] = f"Bearer {TOKEN}"
    return httpx.Client(base_url=API_URL, headers=headers, timeout=20)


@mcp.tool()
def search_repositories(query: str, per_page: int = 10) -> list[dict]:
    """Search GitHub repositories."""
    with _client() as c:
        r = c.get("/search/repositories", params={"q": query, "per_page": per_page})
    r.raise_for_status()
    return [
        {"full_name": i["full_name"], "stars": i["stargazers_count"], "description": i["description"]}
        for i in r.json()["items"]
    ]


@mcp.tool()
def get_file_contents(owner: str, repo: str, path: str, ref: str = "") -> str:
    """Read a file from a repository (optionally at a branch, tag or commit)."""
    params = {"ref": ref} if ref else {}
    with _client() as c:
        r = c.get(f"/repos/{owner}/{repo}/contents/{path}", params=params)
    r.raise_for_status()
    data = r.json()
    if isinstance(data, list):
        return "\n".join(f"{e['type']}\t{e['path']}" for e in data)
    return base64.b64decode(data["content"]).decode("utf-8", errors="replace")


@mcp.tool()
def create_issue(owner: str, repo: str, title: str, body: str = "", labels: list[str] | None = None) -> str:
    """Open a new issue and return its URL."""
    with _client() as c:
        r = c.post(f"/repos/{owner}/{repo}/issues", json={"title": title, "body": body, "labels": labels or []})
    r.raise_for_status()
    return r.json()["html_url"]


@mcp.tool()
def list_pull_requests(owner: str, repo: str, state: str = "open") -> list[dict]:
    """List pull requests of a repository."""
    with _client() as c:
        r = c.get(f"/repos/{owner}/{repo}/pulls", params={"state": state, "per_page": 30})
    r.raise_for_status()
    return [{"number": p["number"], "title": p["title"], "author": p["user"]["login"]} for p in r.json()]


if __name__ == "__main__":
    mcp.run()
