"""Pure algorithms of the sites capability (no web, no database)."""
