"""Key sites, cameras, campaigns, tasks, inspections, findings and escalation."""
