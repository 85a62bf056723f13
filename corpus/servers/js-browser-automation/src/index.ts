#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { z } from "zod";
import { launchChrome } from "./chrome.js";

const PORT = Number(process.env.CHROME_DEBUG_PORT ?? 9333);
let browser: Browser | undefined;
let page: Page | undefined;

async function currentPage(): Promise<Page> {
  if (!browser) {
    launchChrome(PORT, process.env.HEADLESS !== "false");
    for (let i = 0; i < 50 && !browser; i++) {
      try {
        browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${PORT}` });
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    if (!browser) throw new Error("Could not connect to Chromium");
  }
  if (!page || page.isClosed()) page = (await browser.pages())[0] ?? (await browser.newPage());
  return page;
}

const server = new McpServer({ name: "browser-pilot", version: "0.4.0" });
const text = (t: string) => ({ content: [{ type: "text" as const, text: t }] });

server.tool("browser_navigate", "Open a URL in the browser", { url: z.string().url() }, async ({ url }) => {
  const p = await currentPage();
  const res = await p.goto(url, { waitUntil: "domcontentloaded", timeout: 30000 });
  return text(`Navigated to ${p.url()} (HTTP ${res?.status() ?? "?"}): ${await p.title()}`);
});

server.tool("browser_screenshot", "Screenshot the page or an element", { selector: z.string().optional(), fullPage: z.boolean().default(false) }, async ({ selector, fullPage }) => {
  const p = await currentPage();
  const target = selector ? await p.$(selector) : p;
  if (!target) return text(`No element matches ${selector}`);
  const data = (await target.screenshot({ encoding: "base64", ...(selector ? {} : { fullPage }) })) as string;
  return { content: [{ type: "image" as const, data, mimeType: "image/png" }] };
});

server.tool("browser_click", "Click an element", { selector: z.string() }, async ({ selector }) => {
  await (await currentPage()).click(selector);
  return text(`Clicked ${selector}`);
});

server.tool("browser_fill", "Type into an input field", { selector: z.string(), value: z.string() }, async ({ selector, value }) => {
  const p = await currentPage();
  await p.locator(selector).fill(value);
  return text(`Filled ${selector}`);
});

server.tool("browser_evaluate", "Run JavaScript in the page and return the result", { script: z.string() }, async ({ script }) => {
  const p = await currentPage();
  const result = await p.evaluate(script);
  return text(JSON.stringify(result, null, 2) ?? "undefined");
});

await server.connect(new StdioServerTransport());
