"""Controlled-items ledger: firearms, ammunition, explosives, detonators, precursors and hazardous chemicals."""
