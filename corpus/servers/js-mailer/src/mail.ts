import nodemailer, { type Transporter } from "nodemailer";

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export function createTransport(): Transporter {
  const port = Number(process.env.SMTP_PORT ?? 587);
  return nodemailer.createTransport({
    host: required("SMTP_HOST"),
    port,
    secure: port === 465,
    auth: { user: required("SMTP_USER"), pass: required("SMTP_PASS") },
  });
}

export const defaultFrom = () => process.env.SMTP_FROM ?? process.env.SMTP_USER ?? "";

export interface Message {
  to: string[];
  cc?: string[];
  bcc?: string[];
  subject: string;
  text?: string;
  html?: string;
  attachments?: string[];
}

export function toMailOptions(m: Message) {
  return {
    from: defaultFrom(),
    to: m.to.join(", "),
    cc: m.cc?.join(", "),
    bcc: m.bcc?.join(", "),
    subject: m.subject,
    text: m.text,
    html: m.html,
    attachments: m.attachments?.map((path) => ({ path })),
  };
}
