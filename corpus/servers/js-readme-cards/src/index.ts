#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { type CardData, renderBadge, renderCard } from "./card.js";

async function readPackage(project: string): Promise<CardData> {
  const pkg = JSON.parse(await readFile(join(resolve(project), "package.json"), "utf8"));
  return {
    name: pkg.name ?? "unnamed",
    version: pkg.version ?? "0.0.0",
    description: pkg.description,
    license: pkg.license,
    dependencies: Object.keys(pkg.dependencies ?? {}).length,
    keywords: pkg.keywords ?? [],
  };
}

const server = new McpServer({ name: "readme-cards", version: "1.0.0" });

server.tool(
  "render_card",
  "Render an HTML summary card for a project directory",
  { project: z.string(), theme: z.enum(["light", "dark"]).default("light") },
  async ({ project, theme }) => ({ content: [{ type: "text", text: renderCard(await readPackage(project), theme) }] }),
);

server.tool(
  "render_badge",
  "Render an SVG badge, e.g. label=version message=1.2.3",
  { label: z.string(), message: z.string(), color: z.string().regex(/^#[0-9a-fA-F]{6}$/).optional() },
  async ({ label, message, color }) => ({ content: [{ type: "text", text: renderBadge(label, message, color) }] }),
);

server.tool("package_summary", "Summarise a project's package.json", { project: z.string() }, async ({ project }) => ({
  content: [{ type: "text", text: JSON.stringify(await readPackage(project), null, 2) }],
}));

await server.connect(new StdioServerTransport());
