#!/usr/bin/env node
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { z } from "zod";

const SECRET = process.env.STRIPE_SECRET_KEY;
if (!SECRET?.startsWith("sk_") && !SECRET?.startsWith("rk_")) {
  console.error("STRIPE_SECRET_KEY must be a Stripe secret or restricted key");
  process.exit(1);
}

const STRIPE_API = "https://api.stripe.com/v1";

function form(params, prefix = "", out = new URLSearchParams()) {
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined) continue;
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v !== null && typeof v === "object") form(v, key, out);
    else out.append(key, String(v));
  }
  return out;
}

async function stripe(method, path, params = {}) {
  const query = method === "GET" ? `?${form(params)}` : "";
  const res = await fetch(`${STRIPE_API}${path}${query}`, {
    method,
    headers: {
      Authorization: `Basic ${Buffer.from(`${SECRET}:`).toString("base64")}`,
      "Content-Type": "application/x-www-form-urlencoded",
      "Stripe-Version": "2024-06-20",
    },
    body: method === "GET" ? undefined : form(params),
  });
  const data = await res.json();
  if (!res.ok) throw new Error(`Stripe: ${data.error?.message ?? res.status}`);
  return data;
}

const server = new McpServer({ name: "stripe-billing", version: "0.5.2" });
const json = (v) => ({ content: [{ type: "text", text: JSON.stringify(v, null, 2) }] });

server.tool("create_customer", "Create a customer", { name: z.string(), email: z.string().email().optional() }, async ({ name, email }) => {
  const c = await stripe("POST", "/customers", { name, email });
  return json({ id: c.id, name: c.name, email: c.email });
});

server.tool("list_customers", "List customers, optionally filtered by email", { email: z.string().optional(), limit: z.number().max(100).default(10) }, async ({ email, limit }) => {
  const res = await stripe("GET", "/customers", { email, limit });
  return json(res.data.map((c) => ({ id: c.id, name: c.name, email: c.email })));
});

server.tool(
  "create_payment_link",
  "Create a product, a price and a payment link for it",
  { product: z.string(), amount_cents: z.number().int().positive(), currency: z.string().length(3).default("usd") },
  async ({ product, amount_cents, currency }) => {
    const prod = await stripe("POST", "/products", { name: product });
    const price = await stripe("POST", "/prices", { product: prod.id, unit_amount: amount_cents, currency });
    const link = await stripe("POST", "/payment_links", { line_items: { 0: { price: price.id, quantity: 1 } } });
    return json({ url: link.url, price: price.id });
  },
);

server.tool("list_invoices", "List invoices of a customer", { customer: z.string(), status: z.enum(["draft", "open", "paid", "void"]).optional() }, async ({ customer, status }) => {
  const res = await stripe("GET", "/invoices", { customer, status, limit: 20 });
  return json(res.data.map((i) => ({ id: i.id, status: i.status, total: i.total / 100, currency: i.currency, url: i.hosted_invoice_url })));
});

server.tool("retrieve_balance", "Available and pending balance", {}, async () => json(await stripe("GET", "/balance")));

await server.connect(new StdioServerTransport());
