"""notify MCP server: post user-written messages to the user's own Slack, Discord or Telegram."""

import os

import httpx
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("notify")

SLACK_WEBHOOK_URL = os.environ.get("SLACK_WEBHOOK_URL", "")
DISCORD_WEBHOOK_URL = os.environ.get("DISCORD_WEBHOOK_URL", "")
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_CHAT_ID = os.environ.get("TELEGRAM_CHAT_ID", "")


def _configured() -> list[str]:
    channels = []
    if SLACK_WEBHOOK_URL:
        channels.append("slack")
    if DISCORD_WEBHOOK_URL:
        channels.append("discord")
    if TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID:
        channels.append("telegram")
    return channels


async def _post(channel: str, text: str) -> None:
    async with httpx.AsyncClient(timeout=15) as client:
        if channel == "slack":
            r = await client.post(SLACK_WEBHOOK_URL, json={"text": text})
        elif channel == "discord":
            r = await client.post(DISCORD_WEBHOOK_URL, json={"content": text[:2000]})
        else:
            r = await client.post(
                f"https://api.telegram.org/bot{TELEGRAM_BOT_TOKEN}/sendMessage",
                json={"chat_id": TELEGRAM_CHAT_ID, "text": text[:4096]},
            )
        r.raise_for_status()


@mcp.tool()
def list_channels() -> list[str]:
    """List the notification channels configured for this server."""
    return _configured()


@mcp.tool()
async def notify(message: str, channel: str = "") -> str:
    """Send a message to one configured channel, or to all of them when channel is empty."""
    targets = [channel] if channel else _configured()
    if not targets:
        return "No notification channel is configured"
    unknown = [t for t in targets if t not in _configured()]
    if unknown:
        raise ValueError(f"not configured: {', '.join(unknown)}")
    for target in targets:
        await _post(target, message)
    return f"Sent to {', '.join(targets)}"


if __name__ == "__main__":
    mcp.run()
