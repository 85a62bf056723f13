#!/usr/bin/env node
const { McpServer } = require("@modelcontextprotocol/sdk/server/mcp.js");
const { StdioServerTransport } = require("@modelcontextprotocol/sdk/server/stdio.js");
const { z } = require("zod");

const token = process.env.TELEGRAM_BOT_TOKEN;
const chatId = process.env.TELEGRAM_CHAT_ID;
if (!token || !chatId) {
  console.error("TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID must be set");
  process.exit(1);
}

async function bot(method, params) {
  const res = await fetch(`https://api.telegram.org/bot${token}/${method}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(params),
  });
  const data = await res.json();
  if (!data.ok) throw new Error(`Telegram ${method}: ${data.description}`);
  return data.result;
}

let offset = 0;

async function waitForReply(sentId, timeoutSec) {
  const deadline = Date.now() + timeoutSec * 1000;
  while (Date.now() < deadline) {
    const updates = await bot("getUpdates", { offset, timeout: 20, allowed_updates: ["message", "callback_query"] });
    for (const u of updates) {
      offset = u.update_id + 1;
      if (u.callback_query?.message?.message_id === sentId) {
        await bot("answerCallbackQuery", { callback_query_id: u.callback_query.id });
        return u.callback_query.data;
      }
      if (String(u.message?.chat?.id) === String(chatId) && u.message.reply_to_message?.message_id === sentId) return u.message.text;
    }
  }
  return null;
}

const server = new McpServer({ name: "telegram-notify", version: "0.3.2" });

server.tool("notify", "Send a notification message to the user's Telegram chat", { text: z.string().max(4000), silent: z.boolean().default(false) }, async ({ text, silent }) => {
  await bot("sendMessage", { chat_id: chatId, text, disable_notification: silent });
  return { content: [{ type: "text", text: "Notification sent." }] };
});

server.tool(
  "ask_user",
  "Ask the user a yes/no question on Telegram and wait for the answer",
  { question: z.string(), timeout_seconds: z.number().int().min(10).max(3600).default(300) },
  async ({ question, timeout_seconds }) => {
    const msg = await bot("sendMessage", {
      chat_id: chatId,
      text: question,
      reply_markup: { inline_keyboard: [[{ text: "Yes", callback_data: "yes" }, { text: "No", callback_data: "no" }]] },
    });
    const answer = await waitForReply(msg.message_id, timeout_seconds);
    return { content: [{ type: "text", text: answer ? `User answered: ${answer}` : "No answer before timeout." }] };
  },
);

server.connect(new StdioServerTransport());
