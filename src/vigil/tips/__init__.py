"""The public tip line, triage, rewards, community volunteers and their patrol shifts."""
