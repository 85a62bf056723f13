"""csv-analyst-mcp package."""
