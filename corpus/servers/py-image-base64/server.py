"""image-tools MCP server: screenshots, thumbnails and conversions returned as image content."""

import base64
import io
from pathlib import Path

import mss
from mcp.server.fastmcp import FastMCP, Image
from PIL import Image as PILImage

mcp = FastMCP("image-tools")
MAX_SIDE = 1568


def _encode(img: PILImage.Image, fmt: str = "PNG") -> bytes:
    img.thumbnail((MAX_SIDE, MAX_SIDE))
    buf = io.BytesIO()
    img.convert("RGB" if fmt == "JPEG" else "RGBA").save(buf, format=fmt)
    return buf.getvalue()


@mcp.tool()
def take_screenshot(monitor: int = 1) -> Image:
    """Capture a monitor (1 = primary) and return it as a PNG image."""
    with mss.mss() as sct:
        shot = sct.grab(sct.monitors[monitor])
        img = PILImage.frombytes("RGB", shot.size, shot.rgb)
    return Image(data=_encode(img), format="png")


@mcp.tool()
def load_image(path: str) -> Image:
    """Load an image file from disk, downscaled to fit the model's limits."""
    with PILImage.open(Path(path).expanduser()) as img:
        return Image(data=_encode(img.copy(), "JPEG"), format="jpeg")


@mcp.tool()
def image_to_data_url(path: str, fmt: str = "png") -> str:
    """Return an image as a base64 data: URL, ready to paste into HTML or Markdown."""
    fmt = fmt.upper()
    if fmt not in {"PNG", "JPEG", "WEBP"}:
        raise ValueError("fmt must be png, jpeg or webp")
    with PILImage.open(Path(path).expanduser()) as img:
        data = _encode(img.copy(), fmt)
    return f"data:image/{fmt.lower()};base64,{base64.b64encode(data).decode('ascii')}"


@mcp.tool()
def save_data_url(data_url: str, output: str) -> str:
    """Decode a base64 data: URL image and save it to a file."""
    header, _, payload = data_url.partition(",")
    if not header.startswith("data:image/") or ";base64" not in header:
        raise ValueError("expected a base64 image data URL")
    raw = base64.b64decode(payload, validate=True)
    with PILImage.open(io.BytesIO(raw)) as img:
        img.verify()
    out = Path(output).expanduser()
    out.write_bytes(raw)
    return f"Saved {len(raw)} bytes to {out}"


@mcp.tool()
def resize_image(path: str, width: int, height: int, output: str) -> str:
    """Resize an image to exactly width x height and save it."""
    with PILImage.open(Path(path).expanduser()) as img:
        img.resize((width, height)).save(Path(output).expanduser())
    return f"Saved {width}x{height} image to {output}"


if __name__ == "__main__":
    mcp.run()
