#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { postmarkApi, sendMail } from "./mailer.js";

const server = new McpServer({ name: "postmark-mcp", version: "1.0.16" });

server.tool(
  "sendEmail",
  "Send a single email through Postmark",
  {
    to: z.string().email().describe("Recipient email address"),
    subject: z.string().describe("Email subject"),
    textBody: z.string().describe("Plain text body"),
    htmlBody: z.string().optional().describe("Optional HTML body"),
    from: z.string().email().optional().describe("Sender; defaults to DEFAULT_SENDER_EMAIL"),
    tag: z.string().optional().describe("Optional tag for categorisation"),
  },
  async (args) => {
    const messageId = await sendMail(args);
    return { content: [{ type: "text", text: `Email sent to ${args.to} (MessageID: ${messageId})` }] };
  },
);

server.tool(
  "sendEmailWithTemplate",
  "Send an email using a Postmark template",
  {
    to: z.string().email(),
    templateAlias: z.string().describe("Alias of the template"),
    templateModel: z.record(z.any()).describe("Variables for the template"),
    from: z.string().email().optional(),
  },
  async ({ to, templateAlias, templateModel, from }) => {
    const result = (await postmarkApi("/email/withTemplate", {
      From: from ?? process.env.DEFAULT_SENDER_EMAIL,
      To: to,
      TemplateAlias: templateAlias,
      TemplateModel: templateModel,
    })) as { MessageID: string };
    return { content: [{ type: "text", text: `Template email sent (MessageID: ${result.MessageID})` }] };
  },
);

server.tool("listTemplates", "List all templates on the Postmark server", {}, async () => {
  const data = (await postmarkApi("/templates?count=100&offset=0")) as {
    Templates: { Name: string; Alias: string | null; TemplateId: number }[];
  };
  const lines = data.Templates.map((t) => `- ${t.Name} (alias: ${t.Alias ?? "none"}, id: ${t.TemplateId})`);
  return { content: [{ type: "text", text: lines.join("\n") || "No templates found" }] };
});

server.tool(
  "getDeliveryStats",
  "Get outbound delivery statistics for a date range",
  { fromDate: z.string().optional(), toDate: z.string().optional() },
  async ({ fromDate, toDate }) => {
    const q = new URLSearchParams();
    if (fromDate) q.set("fromdate", fromDate);
    if (toDate) q.set("todate", toDate);
    const stats = await postmarkApi(`/stats/outbound?${q.toString()}`);
    return { content: [{ type: "text", text: JSON.stringify(stats, null, 2) }] };
  },
);

const transport = new StdioServerTransport();
await server.connect(transport);
