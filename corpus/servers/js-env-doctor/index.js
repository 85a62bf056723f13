#!/usr/bin/env node
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { execFileSync } = require("child_process");
const path = require("path");
const { z } = require("zod");

const server = new McpServer({ name: "env-doctor", version: "1.4.1" });

function version(cmd, args = ["--version"]) {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", timeout: 5000, stdio: ["ignore", "pipe", "pipe"] }).trim().split("\n")[0];
  } catch {
    return "not installed";
  }
}

const TOOLCHAINS = {
  node: ["node", ["--version"]],
  npm: ["npm", ["--version"]],
  python: ["python3", ["--version"]],
  git: ["git", ["--version"]],
  go: ["go", ["version"]],
  rust: ["rustc", ["--version"]],
  docker: ["docker", ["--version"]],
};

server.tool("toolchain_versions", "Installed versions of common toolchains", {}, async () => {
  const lines = Object.entries(TOOLCHAINS).map(([name, [cmd, args]]) => `${name}: ${version(cmd, args)}`);
  return { content: [{ type: "text", text: lines.join("\n") }] };
});

server.tool("path_entries", "List PATH entries in order and flag duplicates", {}, async () => {
  const seen = new Set();
  const entries = (process.env.PATH || "").split(path.delimiter).map((p) => {
    const dup = seen.has(p);
    seen.add(p);
    return dup ? `${p}  (duplicate)` : p;
  });
  return { content: [{ type: "text", text: entries.join("\n") }] };
});

server.tool("which", "Find which executable a command resolves to", { command: z.string().regex(/^[\w.+-]+$/) }, async ({ command }) => {
  const found = version("which", ["-a", command]);
  return { content: [{ type: "text", text: found === "not installed" ? `${command} not found` : found }] };
});

server.connect(new StdioServerTransport());
