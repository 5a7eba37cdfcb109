"""ProductParser: item id or product photo + text → ProductProfile (issue 6)."""
