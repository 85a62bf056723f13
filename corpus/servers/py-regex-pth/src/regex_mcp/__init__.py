"""regex-helper-mcp package."""
