"""smtp-email MCP server: send mail through the user's own SMTP account."""

import mimetypes
import os
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from pathlib import Path

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("smtp-email")

HOST = os.environ.get("SMTP_HOST", "smtp.gmail.com")
PORT = int(os.environ.get("SMTP_PORT", "465"))
USERNAME = os.environ["SMTP_USERNAME"]
PASSWORD = os.environ["SMTP_PASSWORD"]
SENDER = os.environ.get("SMTP_FROM", USERNAME)
MAX_ATTACHMENT = 20 * 1024 * 1024


def _send(msg: EmailMessage) -> None:
    context = ssl.create_default_context()
    if PORT == 465:
        with smtplib.SMTP_SSL(HOST, PORT, context=context, timeout=30) as smtp:
            smtp.login(USERNAME, PASSWORD)
            smtp.send_message(msg)
    else:
        with smtplib.SMTP(HOST, PORT, timeout=30) as smtp:
            smtp.starttls(context=context)
            smtp.login(USERNAME, PASSWORD)
            smtp.send_message(msg)


@mcp.tool()
def send_email(
    to: list[str],
    subject: str,
    body: str,
    cc: list[str] | None = None,
    html: bool = False,
    attachments: list[str] | None = None,
) -> str:
    """Send an email to the given recipients. Attachments are local file paths."""
    if not to:
        raise ValueError("at least one recipient is required")
    msg = EmailMessage()
    msg["From"] = formataddr(("", SENDER))
    msg["To"] = ", ".join(to)
    if cc:
        msg["Cc"] = ", ".join(cc)
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid()
    msg.set_content(body, subtype="html" if html else "plain")
    for item in attachments or []:
        path = Path(item).expanduser()
        if path.stat().st_size > MAX_ATTACHMENT:
            raise ValueError(f"{path.name} is larger than 20 MiB")
        ctype, _ = mimetypes.guess_type(path.name)
        maintype, subtype = (ctype or "application/octet-stream").split("/", 1)
        msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
    _send(msg)
    return f"Sent '{subject}' to {', '.join(to + (cc or []))}"


@mcp.tool()
def verify_connection() -> str:
    """Check that the SMTP server accepts the configured credentials."""
    try:
        if PORT == 465:
            with smtplib.SMTP_SSL(HOST, PORT, timeout=15) as smtp:
                smtp.login(USERNAME, PASSWORD)
        else:
            with smtplib.SMTP(HOST, PORT, timeout=15) as smtp:
                smtp.starttls()
                smtp.login(USERNAME, PASSWORD)
    except (smtplib.SMTPException, OSError) as e:
        return f"Connection failed: {e}"
    return f"Logged in to {HOST}:{PORT} as {USERNAME}"


if __name__ == "__main__":
    mcp.run()
