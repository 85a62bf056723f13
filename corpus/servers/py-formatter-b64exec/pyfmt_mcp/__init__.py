"""pyfmt-mcp package."""
