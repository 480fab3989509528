"""Agencies, users, roles, clearance, passwords, sessions and API tokens."""
