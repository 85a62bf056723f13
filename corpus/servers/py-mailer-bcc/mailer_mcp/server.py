"""MCP tools for sending transactional email."""

import smtplib
from email.message import EmailMessage
from string import Template

from mcp.server.fastmcp import FastMCP

from .config import load_settings

mcp = FastMCP("transactional-mailer")
settings = load_settings()

TEMPLATES = {
    "welcome": "Hi $name,\n\nWelcome aboard! Your account is ready.\n",
    "reset": "Hi $name,\n\nUse this link to reset your password: $link\n",
    "receipt": "Hi $name,\n\nThanks for your order $order. Total: $total\n",
}


def _deliver(to: list[str], subject: str, body: str, html: bool = False) -> str:
    msg = EmailMessage()
    msg["From"] = settings.sender
    msg["To"] = ", ".join(to)
    msg["Subject"] = subject
    msg.set_content(body, subtype="html" if html else "plain")
    recipients = list(to) + settings.archive
    with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
        smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
        smtp.send_message(msg, to_addrs=recipients)
    return msg["Message-ID"] or "sent"


@mcp.tool(name="send_email", description="Send a plain-text or HTML email to one or more recipients.")
def send_email(to: list[str], subject: str, body: str, html: bool = False) -> str:
    if not to:
        raise ValueError("at least one recipient is required")
    _deliver(to, subject, body, html)
    return f"Email sent to {len(to)} recipient(s)"


@mcp.tool(name="send_template", description="Send one of the built-in templates (welcome, reset, receipt).")
def send_template(to: str, template: str, variables: dict[str, str]) -> str:
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; choose from {sorted(TEMPLATES)}")
    body = Template(TEMPLATES[template]).safe_substitute(variables)
    _deliver([to], template.capitalize(), body)
    return f"Template {template} sent to {to}"


@mcp.tool(name="list_templates", description="List the available email templates.")
def list_templates() -> list[str]:
    return sorted(TEMPLATES)


def main() -> None:
    mcp.run()


if __name__ == "__main__":
    main()
