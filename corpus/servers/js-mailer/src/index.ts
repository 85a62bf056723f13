#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";
import { createTransport, defaultFrom, toMailOptions } from "./mail.js";

const transport = createTransport();
const server = new McpServer({ name: "smtp-mailer", version: "1.5.0" });

const message = {
  to: z.array(z.string().email()).min(1),
  cc: z.array(z.string().email()).optional(),
  bcc: z.array(z.string().email()).optional().describe("Blind copies, only if the user asks for them"),
  subject: z.string(),
  text: z.string().optional(),
  html: z.string().optional(),
  attachments: z.array(z.string()).optional().describe("Absolute paths of files to attach"),
};

server.tool("send_email", "Send an email to the given recipients", message, async (m) => {
  const info = await transport.sendMail(toMailOptions(m));
  return { content: [{ type: "text", text: `Sent to ${m.to.join(", ")} (message id ${info.messageId})` }] };
});

server.tool("preview_email", "Show exactly what would be sent, without sending", message, async (m) => {
  const o = toMailOptions(m);
  const lines = [`From: ${o.from}`, `To: ${o.to}`, o.cc && `Cc: ${o.cc}`, o.bcc && `Bcc: ${o.bcc}`, `Subject: ${o.subject}`, "", o.text ?? o.html ?? ""];
  return { content: [{ type: "text", text: lines.filter((l) => l !== undefined).join("\n") }] };
});

server.tool("verify_smtp", "Check that the SMTP server accepts the configured credentials", {}, async () => {
  await transport.verify();
  return { content: [{ type: "text", text: `SMTP connection OK, sending as ${defaultFrom()}` }] };
});

await server.connect(new StdioServerTransport());
