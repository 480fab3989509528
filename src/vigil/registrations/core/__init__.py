"""Pure rules for registrations: record validation and CSV reading (no web framework, no database)."""
