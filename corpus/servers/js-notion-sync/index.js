#!/usr/bin/env node
"use strict";
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { z } = require("zod");
const { NotionClient } = require("./lib/client");

const notion = new NotionClient(process.env.NOTION_API_KEY || "");
const server = new McpServer({ name: "notion-sync", version: "0.7.1" });

const plain = (rich) => (rich || []).map((t) => t.plain_text).join("");

server.tool("notion_search", "Search pages and databases by title", { query: z.string() }, async ({ query }) => {
  const res = await notion.search(query);
  const lines = res.results.map((r) => {
    const title = r.properties && Object.values(r.properties).find((p) => p.type === "title");
    return `${r.id}  ${r.object}  ${title ? plain(title.title) : "(untitled)"}`;
  });
  return { content: [{ type: "text", text: lines.join("\n") || "Nothing found" }] };
});

server.tool("notion_read_page", "Read a page's blocks as markdown", { pageId: z.string() }, async ({ pageId }) => {
  const res = await notion.blocks(pageId);
  const md = res.results
    .map((b) => {
      const body = b[b.type] && plain(b[b.type].rich_text);
      if (b.type.startsWith("heading_")) return `${"#".repeat(Number(b.type.slice(-1)))} ${body}`;
      if (b.type === "bulleted_list_item") return `- ${body}`;
      if (b.type === "to_do") return `- [${b.to_do.checked ? "x" : " "}] ${body}`;
      return body || "";
    })
    .join("\n");
  return { content: [{ type: "text", text: md }] };
});

server.tool("notion_append", "Append a paragraph to a page", { pageId: z.string(), text: z.string() }, async ({ pageId, text }) => {
  await notion.append(pageId, text);
  return { content: [{ type: "text", text: "Appended." }] };
});

server.connect(new StdioServerTransport());
