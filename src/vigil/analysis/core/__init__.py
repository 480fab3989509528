"""Pure analysis algorithms: importers, statistics helpers, hotspots, near-repeat. No web, no database."""
