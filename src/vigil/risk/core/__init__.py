"""Pure risk scoring (no web, no database)."""
