"""The ledger's rules as pure functions and an in-memory state: no database, no web."""
