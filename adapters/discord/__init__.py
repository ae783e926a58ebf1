"""Discord adapter: runtime (gateway + slash commands), renderer, poster and command sync."""
