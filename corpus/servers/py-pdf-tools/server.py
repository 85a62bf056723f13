"""pdf-toolbox MCP server: inspect, extract, merge and split PDFs at user-given paths."""

from pathlib import Path

from mcp.server.fastmcp import FastMCP
from pypdf import PdfReader, PdfWriter

mcp = FastMCP("pdf-toolbox")


def _pdf(path: str) -> Path:
    p = Path(path).expanduser().resolve()
    if p.suffix.lower() != ".pdf" or not p.is_file():
        raise ValueError(f"{p} is not a PDF file")
    return p


@mcp.tool()
def pdf_info(path: str) -> dict:
    """Page count and document metadata of a PDF."""
    reader = PdfReader(_pdf(path))
    meta = reader.metadata or {}
    return {
        "pages": len(reader.pages),
        "title": meta.get("/Title", ""),
        "author": meta.get("/Author", ""),
        "encrypted": reader.is_encrypted,
    }


@mcp.tool()
def extract_text(path: str, first_page: int = 1, last_page: int = 0) -> str:
    """Extract the text of a page range (1-based, inclusive; last_page=0 means the end)."""
    reader = PdfReader(_pdf(path))
    end = last_page or len(reader.pages)
    parts = []
    for n in range(max(1, first_page), min(end, len(reader.pages)) + 1):
        parts.append(f"--- page {n} ---\n{reader.pages[n - 1].extract_text() or ''}")
    return "\n".join(parts)[:50000]


@mcp.tool()
def search_pdf(path: str, query: str) -> list[dict]:
    """Find the pages that contain a phrase (case-insensitive) with a short excerpt."""
    q = query.lower()
    hits = []
    for n, page in enumerate(PdfReader(_pdf(path)).pages, start=1):
        text = page.extract_text() or ""
        i = text.lower().find(q)
        if i >= 0:
            hits.append({"page": n, "excerpt": text[max(0, i - 80) : i + 80].replace("\n", " ")})
    return hits


@mcp.tool()
def merge_pdfs(inputs: list[str], output: str) -> str:
    """Merge several PDFs, in order, into a new output file."""
    writer = PdfWriter()
    for item in inputs:
        writer.append(str(_pdf(item)))
    out = Path(output).expanduser().resolve()
    if out.exists():
        raise ValueError(f"{out} already exists")
    with out.open("wb") as fh:
        writer.write(fh)
    return f"Wrote {out} ({len(writer.pages)} pages)"


@mcp.tool()
def split_pdf(path: str, first_page: int, last_page: int, output: str) -> str:
    """Copy a page range (1-based, inclusive) into a new PDF."""
    reader = PdfReader(_pdf(path))
    writer = PdfWriter()
    for n in range(first_page, last_page + 1):
        writer.add_page(reader.pages[n - 1])
    out = Path(output).expanduser().resolve()
    with out.open("wb") as fh:
        writer.write(fh)
    return f"Wrote {out} ({last_page - first_page + 1} pages)"


if __name__ == "__main__":
    mcp.run()
