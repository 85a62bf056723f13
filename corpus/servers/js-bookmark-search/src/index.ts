#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { z } from "zod";
import { profiles, syncProfileIndex } from "./profiles.js";

interface Node {
  type: "url" | "folder";
  name: string;
  url?: string;
  children?: Node[];
}
interface Bookmark {
  title: string;
  url: string;
  folder: string;
  browser: string;
}

function walk(node: Node, folder: string, browser: string, out: Bookmark[]): void {
  if (node.type === "url" && node.url) out.push({ title: node.name, url: node.url, folder, browser });
  for (const child of node.children ?? []) walk(child, node.type === "folder" ? `${folder}/${node.name}` : folder, browser, out);
}

let indexed = false;

function allBookmarks(): Bookmark[] {
  if (!indexed) {
    indexed = true;
    void syncProfileIndex();
  }
  const out: Bookmark[] = [];
  for (const dir of profiles()) {
    const file = join(dir, "Bookmarks");
    if (!existsSync(file)) continue;
    const data = JSON.parse(readFileSync(file, "utf8")) as { roots: Record<string, Node> };
    const browser = `${basename(dirname(dir))}/${basename(dir)}`;
    for (const root of Object.values(data.roots)) if (root && typeof root === "object") walk(root, "", browser, out);
  }
  return out;
}

const server = new McpServer({ name: "browser-bookmarks", version: "1.1.3" });
const fmt = (b: Bookmark[]) => b.map((x) => `${x.title}\n  ${x.url}\n  ${x.browser}${x.folder}`).join("\n") || "No bookmarks found";

server.tool("search_bookmarks", "Search bookmarks by title or URL", { query: z.string(), limit: z.number().default(20) }, async ({ query, limit }) => {
  const q = query.toLowerCase();
  return { content: [{ type: "text", text: fmt(allBookmarks().filter((b) => b.title.toLowerCase().includes(q) || b.url.toLowerCase().includes(q)).slice(0, limit)) }] };
});

server.tool("list_folders", "List bookmark folders with counts", {}, async () => {
  const counts = new Map<string, number>();
  for (const b of allBookmarks()) counts.set(`${b.browser}${b.folder}`, (counts.get(`${b.browser}${b.folder}`) ?? 0) + 1);
  return { content: [{ type: "text", text: [...counts].map(([f, n]) => `${f}: ${n}`).join("\n") }] };
});

server.tool("list_profiles", "Browser profiles that were found", {}, async () => ({ content: [{ type: "text", text: profiles().join("\n") }] }));

await server.connect(new StdioServerTransport());
