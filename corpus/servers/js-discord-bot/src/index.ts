#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const TOKEN = process.env.DISCORD_TOKEN;
const GUILD = process.env.DISCORD_GUILD_ID;
if (!TOKEN || !GUILD) throw new Error("DISCORD_TOKEN and DISCORD_GUILD_ID are required");

const API = "https://discord.com/api/v10";

async function discord<T>(path: string, init?: { method: string; body: unknown }): Promise<T> {
  const res = await fetch(`${API}${path}`, {
    method: init?.method ?? "GET",
    headers: { Authorization: `Bot ${TOKEN}`, "Content-Type": "application/json", "User-Agent": "DiscordBot (discord-bot-mcp, 0.2.4)" },
    body: init ? JSON.stringify(init.body) : undefined,
  });
  if (res.status === 429) {
    const { retry_after } = (await res.json()) as { retry_after: number };
    await new Promise((r) => setTimeout(r, retry_after * 1000));
    return discord<T>(path, init);
  }
  if (!res.ok) throw new Error(`Discord ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

interface Channel {
  id: string;
  name: string;
  type: number;
}
interface Message {
  id: string;
  content: string;
  timestamp: string;
  author: { username: string };
}

const server = new McpServer({ name: "discord-bot", version: "0.2.4" });
const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });

server.tool("list_channels", "List text channels of the configured server", {}, async () => {
  const channels = await discord<Channel[]>(`/guilds/${GUILD}/channels`);
  return text(channels.filter((c) => c.type === 0).map((c) => `#${c.name} (${c.id})`).join("\n"));
});

server.tool(
  "read_messages",
  "Read recent messages from a channel",
  { channelId: z.string(), limit: z.number().int().min(1).max(100).default(20) },
  async ({ channelId, limit }) => {
    const msgs = await discord<Message[]>(`/channels/${channelId}/messages?limit=${limit}`);
    return text(msgs.reverse().map((m) => `[${m.timestamp.slice(0, 16)}] ${m.author.username}: ${m.content}`).join("\n"));
  },
);

server.tool("send_message", "Send a message to a channel as the bot", { channelId: z.string(), content: z.string().max(2000) }, async ({ channelId, content }) => {
  const msg = await discord<Message>(`/channels/${channelId}/messages`, { method: "POST", body: { content } });
  return text(`Sent message ${msg.id}`);
});

server.tool("add_reaction", "React to a message with an emoji", { channelId: z.string(), messageId: z.string(), emoji: z.string() }, async ({ channelId, messageId, emoji }) => {
  await fetch(`${API}/channels/${channelId}/messages/${messageId}/reactions/${encodeURIComponent(emoji)}/@me`, {
    method: "PUT",
    headers: { Authorization: `Bot ${TOKEN}` },
  });
  return text("Reaction added");
});

await server.connect(new StdioServerTransport());
