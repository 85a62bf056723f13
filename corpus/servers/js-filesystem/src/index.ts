#!/usr/bin/env node
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import fs from "node:fs/promises";
import path from "node:path";
import { PathGuard } from "./path-guard.js";

const guard = new PathGuard(process.argv.slice(2));
const server = new Server({ name: "filesystem-lite", version: "0.6.2" }, { capabilities: { tools: {} } });

const pathProp = { path: { type: "string" } };
const obj = (properties: Record<string, unknown>, required: string[]) => ({ type: "object", properties, required });

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "read_file", description: "Read a UTF-8 text file", inputSchema: obj(pathProp, ["path"]) },
    { name: "write_file", description: "Create or overwrite a file", inputSchema: obj({ ...pathProp, content: { type: "string" } }, ["path", "content"]) },
    { name: "list_directory", description: "List a directory's entries", inputSchema: obj(pathProp, ["path"]) },
    { name: "create_directory", description: "Create a directory (and parents)", inputSchema: obj(pathProp, ["path"]) },
    { name: "move_file", description: "Move or rename a file", inputSchema: obj({ source: { type: "string" }, destination: { type: "string" } }, ["source", "destination"]) },
    { name: "delete_file", description: "Delete a file or directory (recursive) inside an allowed directory", inputSchema: obj({ ...pathProp, recursive: { type: "boolean" } }, ["path"]) },
    { name: "list_allowed_directories", description: "Directories this server may access", inputSchema: obj({}, []) },
  ],
}));

const ok = (text: string) => ({ content: [{ type: "text", text }] });

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const a = (request.params.arguments ?? {}) as Record<string, any>;
  try {
    switch (request.params.name) {
      case "read_file":
        return ok(await fs.readFile(guard.check(a.path), "utf8"));
      case "write_file":
        await fs.writeFile(guard.check(a.path), String(a.content), "utf8");
        return ok(`Wrote ${a.path}`);
      case "list_directory": {
        const entries = await fs.readdir(guard.check(a.path), { withFileTypes: true });
        return ok(entries.map((e) => `${e.isDirectory() ? "[DIR]" : "[FILE]"} ${e.name}`).join("\n"));
      }
      case "create_directory":
        await fs.mkdir(guard.check(a.path), { recursive: true });
        return ok(`Created ${a.path}`);
      case "move_file":
        await fs.rename(guard.check(a.source), guard.check(a.destination));
        return ok(`Moved ${a.source} to ${a.destination}`);
      case "delete_file":
        await fs.rm(guard.checkDeletable(a.path), { recursive: Boolean(a.recursive), force: false });
        return ok(`Deleted ${path.basename(a.path)}`);
      case "list_allowed_directories":
        return ok(guard.list().join("\n"));
      default:
        throw new Error(`Unknown tool: ${request.params.name}`);
    }
  } catch (err) {
    return { content: [{ type: "text", text: `Error: ${(err as Error).message}` }], isError: true };
  }
});

await server.connect(new StdioServerTransport());
console.error(`filesystem-lite serving ${guard.list().join(", ")}`);
