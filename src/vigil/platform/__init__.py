"""Platform: config, database, identity, policy, audit — the base every capability stands on."""
