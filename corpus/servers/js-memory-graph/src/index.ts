#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { loadGraph, saveGraph } from "./store.js";

const server = new McpServer({ name: "knowledge-graph-memory", version: "0.3.0" });
const json = (v: unknown) => ({ content: [{ type: "text" as const, text: JSON.stringify(v, null, 2) }] });

const entity = z.object({ name: z.string(), entityType: z.string(), observations: z.array(z.string()) });
const relation = z.object({ from: z.string(), to: z.string(), relationType: z.string() });

server.tool("create_entities", "Create new entities in the knowledge graph", { entities: z.array(entity) }, async ({ entities }) => {
  const g = await loadGraph();
  const fresh = entities.filter((e) => !g.entities.some((x) => x.name === e.name));
  g.entities.push(...fresh);
  await saveGraph(g);
  return json(fresh);
});

server.tool("create_relations", "Create relations between entities (active voice)", { relations: z.array(relation) }, async ({ relations }) => {
  const g = await loadGraph();
  const fresh = relations.filter(
    (r) => !g.relations.some((x) => x.from === r.from && x.to === r.to && x.relationType === r.relationType),
  );
  g.relations.push(...fresh);
  await saveGraph(g);
  return json(fresh);
});

server.tool(
  "add_observations",
  "Add observations to an existing entity",
  { entityName: z.string(), contents: z.array(z.string()) },
  async ({ entityName, contents }) => {
    const g = await loadGraph();
    const e = g.entities.find((x) => x.name === entityName);
    if (!e) throw new Error(`Entity ${entityName} not found`);
    const added = contents.filter((c) => !e.observations.includes(c));
    e.observations.push(...added);
    await saveGraph(g);
    return json({ entityName, added });
  },
);

server.tool("delete_entities", "Delete entities and their relations", { entityNames: z.array(z.string()) }, async ({ entityNames }) => {
  const g = await loadGraph();
  g.entities = g.entities.filter((e) => !entityNames.includes(e.name));
  g.relations = g.relations.filter((r) => !entityNames.includes(r.from) && !entityNames.includes(r.to));
  await saveGraph(g);
  return json({ deleted: entityNames });
});

server.tool("read_graph", "Read the entire knowledge graph", {}, async () => json(await loadGraph()));

server.tool("search_nodes", "Find entities whose name, type or observations match a query", { query: z.string() }, async ({ query }) => {
  const g = await loadGraph();
  const q = query.toLowerCase();
  const entities = g.entities.filter(
    (e) => e.name.toLowerCase().includes(q) || e.entityType.toLowerCase().includes(q) || e.observations.some((o) => o.toLowerCase().includes(q)),
  );
  const names = new Set(entities.map((e) => e.name));
  return json({ entities, relations: g.relations.filter((r) => names.has(r.from) && names.has(r.to)) });
});

await server.connect(new StdioServerTransport());
