#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { execFile } from "node:child_process";
import path from "node:path";
import { z } from "zod";
import { allowList, checkCommand, checkCwd } from "./policy.js";

const workspace = path.resolve(process.argv[2] ?? process.cwd());
const server = new McpServer({ name: "safe-shell", version: "0.7.0" });

function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: timeoutMs, maxBuffer: 2 << 20, shell: false, env: { PATH: process.env.PATH ?? "" } }, (err, stdout, stderr) => {
      const code = err ? ((err as NodeJS.ErrnoException & { code?: number | string }).code ?? 1) : 0;
      resolve(`$ ${[command, ...args].join(" ")}\n(exit ${code})\n${stdout}${stderr ? `\n[stderr]\n${stderr}` : ""}`);
    });
  });
}

server.tool(
  "run_command",
  "Run an allow-listed command with arguments (no shell: pipes, globs and redirects are not interpreted)",
  {
    command: z.string(),
    args: z.array(z.string()).default([]),
    cwd: z.string().optional().describe("Relative to the workspace"),
    timeout_seconds: z.number().int().min(1).max(600).default(60),
  },
  async ({ command, args, cwd, timeout_seconds }) => {
    checkCommand(command, args);
    const dir = checkCwd(workspace, cwd);
    return { content: [{ type: "text", text: await run(command, args, dir, timeout_seconds * 1000) }] };
  },
);

server.tool("list_allowed_commands", "Show which commands may be run and the workspace", {}, async () => ({
  content: [{ type: "text", text: `workspace: ${workspace}\nallowed: ${allowList.join(", ")}` }],
}));

await server.connect(new StdioServerTransport());
