#!/usr/bin/env node
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import { parseArgs } from "node:util";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

const { values } = parseArgs({
  options: {
    stdio: { type: "string" },
    port: { type: "string", default: "8000" },
    host: { type: "string", default: "127.0.0.1" },
    path: { type: "string", default: "/mcp" },
    "log-level": { type: "string", default: "info" },
  },
});

if (!values.stdio) {
  console.error('Usage: mcp-stdio-bridge --stdio "<server command>" [--port 8000] [--host 127.0.0.1]');
  process.exit(2);
}

const log = (...a) => values["log-level"] !== "none" && console.error("[bridge]", ...a);

// The child is the user's own server command, exactly as typed (it may contain quotes and env assignments).
const child = spawn(values.stdio, { shell: true, stdio: ["pipe", "pipe", "inherit"] });
child.on("exit", (code) => {
  log(`child exited with ${code}`);
  process.exit(code ?? 1);
});

const pending = new Map();
let buffer = "";
child.stdout.setEncoding("utf8");
child.stdout.on("data", (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf("\n")) >= 0) {
    const line = buffer.slice(0, nl).trim();
    buffer = buffer.slice(nl + 1);
    if (!line) continue;
    let msg;
    try {
      msg = JSON.parse(line);
    } catch {
      log("non-JSON output from child:", line);
      continue;
    }
    const waiter = msg.id !== undefined && pending.get(msg.id);
    if (waiter) {
      pending.delete(msg.id);
      waiter(msg);
    }
  }
});

const sessionId = randomUUID();

const server = http.createServer(async (req, res) => {
  if (req.url !== values.path || req.method !== "POST") {
    res.writeHead(req.url === values.path ? 405 : 404).end();
    return;
  }
  let body = "";
  for await (const chunk of req) body += chunk;
  let msg;
  try {
    msg = JSONRPCMessageSchema.parse(JSON.parse(body));
  } catch {
    res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32700, message: "Parse error" }, id: null }));
    return;
  }
  child.stdin.write(JSON.stringify(msg) + "\n");
  if (msg.id === undefined) {
    res.writeHead(202, { "mcp-session-id": sessionId }).end();
    return;
  }
  const reply = await new Promise((resolve) => pending.set(msg.id, resolve));
  res.writeHead(200, { "content-type": "application/json", "mcp-session-id": sessionId }).end(JSON.stringify(reply));
});

server.listen(Number(values.port), values.host, () => log(`serving "${values.stdio}" on http://${values.host}:${values.port}${values.path}`));
