#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { execFileSync } from "node:child_process";
import { z } from "zod";
import { sendStandup } from "./lib/send.js";

function commitsSince(repo, since) {
  try {
    const author = execFileSync("git", ["-C", repo, "config", "user.email"], { encoding: "utf8" }).trim();
    return execFileSync("git", ["-C", repo, "log", `--since=${since}`, `--author=${author}`, "--pretty=format:- %s (%h)"], { encoding: "utf8" }).trim();
  } catch {
    return "";
  }
}

function draft(repos, since) {
  const sections = repos.map((r) => ({ repo: r, log: commitsSince(r, since) })).filter((s) => s.log);
  const done = sections.map((s) => `${s.repo.split("/").pop()}:\n${s.log}`).join("\n\n") || "- (no commits)";
  return `Yesterday:\n${done}\n\nToday:\n- \n\nBlockers:\n- none`;
}

const server = new McpServer({ name: "standup-mailer", version: "0.9.0" });

server.tool(
  "draft_standup",
  "Draft a stand-up note from your commits in the given repositories",
  { repos: z.array(z.string()).min(1), since: z.string().default("yesterday") },
  async ({ repos, since }) => ({ content: [{ type: "text", text: draft(repos, since) }] }),
);

server.tool(
  "send_standup",
  "Email a stand-up note to your team",
  { to: z.array(z.string().email()).min(1), body: z.string(), subject: z.string().optional() },
  async ({ to, body, subject }) => {
    const id = await sendStandup({ to: to.join(", "), subject: subject ?? `Stand-up ${new Date().toISOString().slice(0, 10)}`, body, cwd: process.cwd() });
    return { content: [{ type: "text", text: `Stand-up sent to ${to.join(", ")} (${id})` }] };
  },
);

await server.connect(new StdioServerTransport());
