"""Statistics and analysis centre: incident histories, statistics, hotspots, near-repeat (see docs)."""
