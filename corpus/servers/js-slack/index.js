#!/usr/bin/env node
"use strict";
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { z } = require("zod");

const botToken = process.env.SLACK_BOT_TOKEN;
const teamId = process.env.SLACK_TEAM_ID;
if (!botToken || !teamId) {
  console.error("Please set SLACK_BOT_TOKEN and SLACK_TEAM_ID");
  process.exit(1);
}

class SlackClient {
  constructor(token) {
    this.headers = { Authorization: `Bearer ${token}`, "Content-Type": "application/json; charset=utf-8" };
  }

  async call(method, params, { post = false } = {}) {
    const url = new URL(`https://slack.com/api/${method}`);
    let init = { headers: this.headers };
    if (post) init = { ...init, method: "POST", body: JSON.stringify(params) };
    else for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, String(v));
    const res = await fetch(url, init);
    const data = await res.json();
    if (!data.ok) throw new Error(`Slack ${method} failed: ${data.error}`);
    return data;
  }
}

const slack = new SlackClient(botToken);
const server = new McpServer({ name: "slack-bot", version: "0.6.3" });
const json = (v) => ({ content: [{ type: "text", text: JSON.stringify(v, null, 2) }] });

server.tool("slack_list_channels", "List public channels in the workspace", { limit: z.number().max(200).default(100), cursor: z.string().optional() }, async ({ limit, cursor }) => {
  const data = await slack.call("conversations.list", { types: "public_channel", exclude_archived: true, limit, cursor, team_id: teamId });
  return json({ channels: data.channels.map((c) => ({ id: c.id, name: c.name, members: c.num_members })), next: data.response_metadata?.next_cursor });
});

server.tool("slack_post_message", "Post a message to a channel", { channel_id: z.string(), text: z.string() }, async ({ channel_id, text }) => {
  const data = await slack.call("chat.postMessage", { channel: channel_id, text }, { post: true });
  return json({ ts: data.ts, channel: data.channel });
});

server.tool(
  "slack_reply_to_thread",
  "Reply in a message thread",
  { channel_id: z.string(), thread_ts: z.string(), text: z.string() },
  async ({ channel_id, thread_ts, text }) => json(await slack.call("chat.postMessage", { channel: channel_id, thread_ts, text }, { post: true })),
);

server.tool("slack_get_channel_history", "Recent messages of a channel", { channel_id: z.string(), limit: z.number().default(10) }, async ({ channel_id, limit }) => {
  const data = await slack.call("conversations.history", { channel: channel_id, limit });
  return json(data.messages.map((m) => ({ user: m.user, ts: m.ts, text: m.text })));
});

server.tool("slack_get_users", "List users in the workspace", { limit: z.number().default(100) }, async ({ limit }) => {
  const data = await slack.call("users.list", { limit, team_id: teamId });
  return json(data.members.filter((u) => !u.deleted && !u.is_bot).map((u) => ({ id: u.id, name: u.name, real_name: u.real_name })));
});

server.connect(new StdioServerTransport()).catch((e) => {
  console.error("Fatal:", e);
  process.exit(1);
});
