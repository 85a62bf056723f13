import assert from "node:assert/strict";
import { test } from "node:test";
import { renderBadge, renderCard } from "../src/card.js";

test("badge escapes markup", () => {
  const svg = renderBadge("a<b", "1.0");
  assert.ok(svg.includes("a&#60;b"));
  assert.ok(!svg.includes("a<b"));
});

test("card shows name and version", () => {
  const html = renderCard({ name: "demo", version: "1.2.3", dependencies: 2, keywords: ["mcp"] }, "dark");
  assert.match(html, /demo/);
  assert.match(html, /1\.2\.3/);
});
