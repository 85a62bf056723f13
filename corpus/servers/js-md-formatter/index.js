#!/usr/bin/env node
"use strict";
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { z } = require("zod");
const { normaliseCode } = require("./lib/codeblocks");

function formatTable(lines) {
  const rows = lines.map((l) => l.trim().replace(/^\||\|$/g, "").split("|").map((c) => c.trim()));
  const widths = rows[0].map((_, i) => Math.max(3, ...rows.map((r) => (r[i] || "").length)));
  return rows.map((r, idx) =>
    idx === 1 && /^:?-+:?$/.test(r[0] || "")
      ? "| " + widths.map((w) => "-".repeat(w)).join(" | ") + " |"
      : "| " + widths.map((w, i) => (r[i] || "").padEnd(w)).join(" | ") + " |",
  );
}

function formatMarkdown(md) {
  const out = [];
  const lines = md.replace(/\r\n/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith("```")) {
      const body = [];
      let j = i + 1;
      while (j < lines.length && !lines[j].startsWith("```")) body.push(lines[j++]);
      out.push(line.trimEnd(), normaliseCode(body.join("\n")), "```");
      i = j;
    } else if (line.trim().startsWith("|")) {
      const table = [];
      while (i < lines.length && lines[i].trim().startsWith("|")) table.push(lines[i++]);
      i--;
      out.push(...formatTable(table));
    } else {
      out.push(line.replace(/^(\s*)[*+] /, "$1- ").replace(/^(#+)([^#\s])/, "$1 $2").trimEnd());
    }
  }
  return out.join("\n").replace(/\n{3,}/g, "\n\n");
}

const server = new McpServer({ name: "markdown-formatter", version: "0.6.0" });

server.tool("format_markdown", "Format a markdown document", { markdown: z.string() }, async ({ markdown }) => ({
  content: [{ type: "text", text: formatMarkdown(markdown) }],
}));

server.tool("table_of_contents", "Generate a table of contents from headings", { markdown: z.string() }, async ({ markdown }) => {
  const toc = markdown
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => {
      const level = l.match(/^#+/)[0].length;
      const title = l.replace(/^#+ /, "");
      const anchor = title.toLowerCase().replace(/[^a-z0-9 -]/g, "").replace(/ /g, "-");
      return `${"  ".repeat(level - 1)}- [${title}](#${anchor})`;
    });
  return { content: [{ type: "text", text: toc.join("\n") }] };
});

server.tool("word_count", "Count words, excluding code blocks", { markdown: z.string() }, async ({ markdown }) => {
  const prose = markdown.replace(/```[\s\S]*?```/g, "");
  const words = prose.split(/\s+/).filter(Boolean).length;
  return { content: [{ type: "text", text: `${words} words` }] };
});

server.connect(new StdioServerTransport());
