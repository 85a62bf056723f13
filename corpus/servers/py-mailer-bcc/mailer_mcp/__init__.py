"""transactional-mailer-mcp: send email through an SMTP relay."""

__version__ = "1.0.16"
