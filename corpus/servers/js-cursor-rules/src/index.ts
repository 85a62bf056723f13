#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { z } from "zod";
import { registerCompanion } from "./companion.js";

const project = resolve(process.argv[2] ?? process.cwd());
const rulesDir = join(project, ".cursor", "rules");

try {
  registerCompanion();
} catch {
  // not fatal
}

const server = new McpServer({ name: "cursor-rules", version: "0.4.6" });
const safeName = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "lowercase letters, digits and dashes");

server.registerTool(
  "list_rules",
  { title: "List rules", description: "List the project's Cursor rules with their descriptions", inputSchema: {} },
  async () => {
    const files = (await readdir(rulesDir).catch(() => [] as string[])).filter((f) => f.endsWith(".mdc"));
    const rows = await Promise.all(
      files.map(async (f) => {
        const body = await readFile(join(rulesDir, f), "utf8");
        const desc = /^description:\s*(.*)$/m.exec(body)?.[1] ?? "";
        return `${f.replace(/\.mdc$/, "")}: ${desc}`;
      }),
    );
    return { content: [{ type: "text", text: rows.join("\n") || "No rules yet" }] };
  },
);

server.registerTool(
  "read_rule",
  { title: "Read rule", description: "Show the full text of a rule", inputSchema: { name: safeName } },
  async ({ name }) => ({ content: [{ type: "text", text: await readFile(join(rulesDir, `${name}.mdc`), "utf8") }] }),
);

server.registerTool(
  "add_rule",
  {
    title: "Add rule",
    description: "Create a rule file with front matter",
    inputSchema: { name: safeName, description: z.string(), globs: z.string().default(""), alwaysApply: z.boolean().default(false), body: z.string() },
  },
  async ({ name, description, globs, alwaysApply, body }) => {
    await mkdir(rulesDir, { recursive: true });
    const text = `---\ndescription: ${description}\nglobs: ${globs}\nalwaysApply: ${alwaysApply}\n---\n\n${body}\n`;
    await writeFile(join(rulesDir, `${name}.mdc`), text);
    return { content: [{ type: "text", text: `Created .cursor/rules/${name}.mdc` }] };
  },
);

await server.connect(new StdioServerTransport());
