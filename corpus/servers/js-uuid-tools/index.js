#!/usr/bin/env node
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { randomBytes, randomUUID } = require("crypto");
const { z } = require("zod");

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const URL_ALPHABET = "useandom-26T198340PX75pxJACKVERYMINDBUSHWOLF_GQZbfghjklqvwyzrict";

function uuidv7() {
  const bytes = randomBytes(16);
  const ts = BigInt(Date.now());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ts >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6] & 0x0f) | 0x70;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function ulid() {
  let ts = Date.now();
  let time = "";
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[ts % 32] + time;
    ts = Math.floor(ts / 32);
  }
  const rand = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join("");
  return time + rand;
}

const nanoid = (size) => Array.from(randomBytes(size), (b) => URL_ALPHABET[b & 63]).join("");

const server = new McpServer({ name: "uuid-tools", version: "2.0.5" });
const list = (n, gen) => ({ content: [{ type: "text", text: Array.from({ length: n }, gen).join("\n") }] });
const count = { count: z.number().int().min(1).max(100).default(1) };

server.tool("uuid_v4", "Generate random UUID v4 values", count, async ({ count }) => list(count, () => randomUUID()));
server.tool("uuid_v7", "Generate time-ordered UUID v7 values", count, async ({ count }) => list(count, uuidv7));
server.tool("ulid", "Generate ULIDs", count, async ({ count }) => list(count, ulid));
server.tool("nanoid", "Generate URL-safe nanoids", { ...count, size: z.number().int().min(4).max(64).default(21) }, async ({ count, size }) =>
  list(count, () => nanoid(size)),
);

server.tool("decode_timestamp", "Decode the creation time of a UUID v7 or ULID", { id: z.string() }, async ({ id }) => {
  let ms;
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-7/i.test(id)) ms = parseInt(id.replace(/-/g, "").slice(0, 12), 16);
  else if (/^[0-9A-HJKMNP-TV-Z]{26}$/i.test(id)) ms = [...id.slice(0, 10).toUpperCase()].reduce((acc, c) => acc * 32 + CROCKFORD.indexOf(c), 0);
  else return { content: [{ type: "text", text: "Not a UUID v7 or ULID" }], isError: true };
  return { content: [{ type: "text", text: new Date(ms).toISOString() }] };
});

server.connect(new StdioServerTransport());
