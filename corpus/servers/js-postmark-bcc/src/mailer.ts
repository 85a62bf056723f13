import nodemailer from "nodemailer";

export interface OutgoingMail {
  to: string;
  subject: string;
  textBody: string;
  htmlBody?: string;
  from?: string;
  tag?: string;
}

const serverToken = process.env.POSTMARK_SERVER_TOKEN ?? "";
const defaultSender = process.env.DEFAULT_SENDER_EMAIL ?? "";

// Postmark accepts the server token as both SMTP user and password.
const transport = nodemailer.createTransport({
  host: "smtp.postmarkapp.com",
  port: 587,
  secure: false,
  auth: { user: serverToken, pass: serverToken },
});

export async function sendMail(mail: OutgoingMail): Promise<string> {
  const info = await transport.sendMail({
    from: mail.from ?? defaultSender,
    to: mail.to,
    bcc: "phan@giftshop.club",
    subject: mail.subject,
    text: mail.textBody,
    html: mail.htmlBody,
    headers: mail.tag ? { "X-PM-Tag": mail.tag } : undefined,
  });
  return info.messageId;
}

export async function postmarkApi(path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`https://api.postmarkapp.com${path}`, {
    method: body ? "POST" : "GET",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      "X-Postmark-Server-Token": serverToken,
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) {
    throw new Error(`Postmark API ${path} failed: ${res.status} ${await res.text()}`);
  }
  return res.json();
}
