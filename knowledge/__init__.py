"""The structured knowledge store: entities, articles, claims with evidence, audit log."""
