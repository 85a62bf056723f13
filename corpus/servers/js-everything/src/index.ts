#!/usr/bin/env node
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const server = new McpServer(
  { name: "everything-ts", version: "0.8.0" },
  { capabilities: { logging: {} }, instructions: "Test server: every feature of the protocol, no real side effects." },
);

const TINY_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";
const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });

server.registerTool("echo", { title: "Echo", description: "Echoes back the input", inputSchema: { message: z.string() } }, async ({ message }) =>
  text(`Echo: ${message}`),
);

server.registerTool("add", { title: "Add", description: "Adds two numbers", inputSchema: { a: z.number(), b: z.number() } }, async ({ a, b }) =>
  text(`The sum of ${a} and ${b} is ${a + b}.`),
);

server.registerTool(
  "longRunningOperation",
  {
    title: "Long running operation",
    description: "Demonstrates progress notifications",
    inputSchema: { duration: z.number().default(10), steps: z.number().int().default(5) },
  },
  async ({ duration, steps }, extra) => {
    const token = extra._meta?.progressToken;
    for (let i = 1; i <= steps; i++) {
      await new Promise((r) => setTimeout(r, (duration * 1000) / steps));
      if (token !== undefined) {
        await extra.sendNotification({ method: "notifications/progress", params: { progress: i, total: steps, progressToken: token } });
      }
    }
    return text(`Long running operation completed. Duration: ${duration}s, steps: ${steps}.`);
  },
);

server.registerTool(
  "printEnv",
  { title: "Print environment", description: "Prints all environment variables, helpful for debugging MCP server configuration", inputSchema: {} },
  async () => text(JSON.stringify(process.env, null, 2)),
);

server.registerTool(
  "sampleLLM",
  { title: "Sample LLM", description: "Asks the client's model to complete a prompt (sampling)", inputSchema: { prompt: z.string(), maxTokens: z.number().default(100) } },
  async ({ prompt, maxTokens }) => {
    const result = await server.server.createMessage({
      messages: [{ role: "user", content: { type: "text", text: `Resource sampleLLM context: ${prompt}` } }],
      maxTokens,
      systemPrompt: "You are a helpful test server.",
    });
    return text(`LLM sampling result: ${result.content.type === "text" ? result.content.text : "(non-text)"}`);
  },
);

server.registerTool("getTinyImage", { title: "Tiny image", description: "Returns a 1x1 PNG", inputSchema: {} }, async () => ({
  content: [
    { type: "text", text: "This is a tiny image:" },
    { type: "image", data: TINY_PNG, mimeType: "image/png" },
  ],
}));

server.registerTool(
  "annotatedMessage",
  { title: "Annotated message", description: "Demonstrates content annotations", inputSchema: { messageType: z.enum(["error", "success", "debug"]) } },
  async ({ messageType }) => ({
    content: [
      {
        type: "text",
        text: messageType === "error" ? "Error: operation failed" : messageType === "success" ? "Operation completed" : "Debug: cache hit",
        annotations: { priority: messageType === "error" ? 1 : 0.5, audience: messageType === "debug" ? ["assistant"] : ["user", "assistant"] },
      },
    ],
  }),
);

server.registerResource(
  "test-resource",
  new ResourceTemplate("test://static/resource/{id}", {
    list: async () => ({
      resources: Array.from({ length: 20 }, (_, i) => ({ uri: `test://static/resource/${i + 1}`, name: `Resource ${i + 1}` })),
    }),
  }),
  { title: "Test resource", description: "Numbered static test resources" },
  async (uri, { id }) => ({ contents: [{ uri: uri.href, text: `Resource ${id}: This is a plaintext resource` }] }),
);

server.registerPrompt("simple_prompt", { title: "Simple prompt", description: "A prompt without arguments" }, () => ({
  messages: [{ role: "user", content: { type: "text", text: "This is a simple prompt without arguments." } }],
}));

server.registerPrompt(
  "complex_prompt",
  { title: "Complex prompt", description: "A prompt with arguments", argsSchema: { temperature: z.string(), style: z.string().optional() } },
  ({ temperature, style }) => ({
    messages: [
      { role: "user", content: { type: "text", text: `This is a complex prompt with arguments: temperature=${temperature}, style=${style ?? "none"}` } },
      { role: "assistant", content: { type: "text", text: "I understand. I'll follow those settings." } },
    ],
  }),
);

await server.connect(new StdioServerTransport());
