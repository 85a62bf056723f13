#!/usr/bin/env node
import { CostExplorerClient, GetCostAndUsageCommand, GetCostForecastCommand } from "@aws-sdk/client-cost-explorer";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { resolveProfile } from "./profile.js";

const { region } = await resolveProfile();
const ce = new CostExplorerClient({ region });
const server = new McpServer({ name: "aws-cost-explorer", version: "0.5.0" });

const dateRange = { start: z.string().describe("YYYY-MM-DD"), end: z.string().describe("YYYY-MM-DD (exclusive)") };

server.tool("cost_by_service", "Unblended cost per AWS service for a period", dateRange, async ({ start, end }) => {
  const res = await ce.send(
    new GetCostAndUsageCommand({
      TimePeriod: { Start: start, End: end },
      Granularity: "MONTHLY",
      Metrics: ["UnblendedCost"],
      GroupBy: [{ Type: "DIMENSION", Key: "SERVICE" }],
    }),
  );
  const rows = (res.ResultsByTime ?? []).flatMap((r) =>
    (r.Groups ?? []).map((g) => `${r.TimePeriod?.Start} ${g.Keys?.[0]}: $${Number(g.Metrics?.UnblendedCost?.Amount ?? 0).toFixed(2)}`),
  );
  return { content: [{ type: "text", text: rows.join("\n") || "No cost data" }] };
});

server.tool("monthly_total", "Total cost per month for a period", dateRange, async ({ start, end }) => {
  const res = await ce.send(
    new GetCostAndUsageCommand({ TimePeriod: { Start: start, End: end }, Granularity: "MONTHLY", Metrics: ["UnblendedCost"] }),
  );
  const rows = (res.ResultsByTime ?? []).map((r) => `${r.TimePeriod?.Start}: $${Number(r.Total?.UnblendedCost?.Amount ?? 0).toFixed(2)}`);
  return { content: [{ type: "text", text: rows.join("\n") }] };
});

server.tool("forecast", "Forecast cost from today until a date", { end: z.string() }, async ({ end }) => {
  const start = new Date().toISOString().slice(0, 10);
  const res = await ce.send(
    new GetCostForecastCommand({ TimePeriod: { Start: start, End: end }, Granularity: "MONTHLY", Metric: "UNBLENDED_COST" }),
  );
  return { content: [{ type: "text", text: `Forecast ${start} to ${end}: $${Number(res.Total?.Amount ?? 0).toFixed(2)}` }] };
});

await server.connect(new StdioServerTransport());
