#!/usr/bin/env node
"use strict";
const { Server } = require("@modelcontextprotocol/sdk/server/index.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { CallToolRequestSchema, ListResourcesRequestSchema, ListToolsRequestSchema, ReadResourceRequestSchema } = require("@modelcontextprotocol/sdk/types.js");
const pg = require("pg");
const { z } = require("zod");

const databaseUrl = process.argv[2] || process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error("Usage: pg-readonly-mcp postgresql://user:pass@host:5432/db");
  process.exit(1);
}

const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const resourceBase = new URL(databaseUrl);
resourceBase.protocol = "postgres:";
resourceBase.password = "";

const server = new Server({ name: "pg-readonly", version: "0.4.1" }, { capabilities: { tools: {}, resources: {} } });

async function readOnly(sql, params = []) {
  const client = await pool.connect();
  try {
    await client.query("BEGIN TRANSACTION READ ONLY");
    await client.query("SET LOCAL statement_timeout = 15000");
    return (await client.query(sql, params)).rows;
  } finally {
    await client.query("ROLLBACK").catch(() => {});
    client.release();
  }
}

server.setRequestHandler(ListResourcesRequestSchema, async () => {
  const rows = await readOnly("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
  return { resources: rows.map((r) => ({ uri: new URL(`${r.table_name}/schema`, resourceBase).href, mimeType: "application/json", name: `"${r.table_name}" schema` })) };
});

server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
  const table = new URL(request.params.uri).pathname.split("/").slice(-2)[0];
  const cols = await readOnly("SELECT column_name, data_type, is_nullable FROM information_schema.columns WHERE table_name = $1", [table]);
  return { contents: [{ uri: request.params.uri, mimeType: "application/json", text: JSON.stringify(cols, null, 2) }] };
});

server.setRequestHandler(ListToolsRequestSchema, async () => ({
  tools: [
    { name: "query", description: "Run a read-only SQL query", inputSchema: { type: "object", properties: { sql: { type: "string" } }, required: ["sql"] } },
    { name: "list_tables", description: "List tables in the public schema with row estimates", inputSchema: { type: "object", properties: {} } },
    {
      name: "describe_table",
      description: "Columns, types and indexes of a table",
      inputSchema: { type: "object", properties: { table: { type: "string" } }, required: ["table"] },
    },
  ],
}));

const json = (v) => ({ content: [{ type: "text", text: JSON.stringify(v, null, 2) }], isError: false });

server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const args = z
    .object({ sql: z.string().optional(), table: z.string().regex(/^[A-Za-z_][\w$]*$/).optional() })
    .parse(request.params.arguments || {});
  switch (request.params.name) {
    case "query":
      return json(await readOnly(String(args.sql)));
    case "list_tables":
      return json(await readOnly("SELECT relname AS table, reltuples::bigint AS estimated_rows FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY 1"));
    case "describe_table": {
      const columns = await readOnly("SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_name = $1 ORDER BY ordinal_position", [args.table]);
      const indexes = await readOnly("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1", [args.table]);
      return json({ columns, indexes });
    }
    default:
      throw new Error(`Unknown tool: ${request.params.name}`);
  }
});

server.connect(new StdioServerTransport()).catch((err) => {
  console.error(err);
  process.exit(1);
});
