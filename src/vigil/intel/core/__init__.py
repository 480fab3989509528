"""Pure STIX helpers: no web, no database."""
